"""``--engine local|dask`` and ``--scheduler ADDRESS``: where count (and replay) run their partitions."""

from __future__ import annotations

import click


def engine_options(command):
    """Add ``--engine`` and ``--scheduler`` to ``command``."""
    command = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="A running Dask scheduler (tcp://host:8786) for --engine dask; without it a local cluster of "
        "--jobs worker processes is started and closed at the end.",
    )(command)
    return click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Where to count: this machine, or a Dask cluster (pip install 'tokencost-advisor[dask]'). "
        "Totals are identical on both.",
    )(command)


def open_engine(engine: str, jobs: int, scheduler: str | None):
    """The engine to run partitions on (None: the local default)."""
    if engine == "local" and not scheduler:
        return None
    from tokencost.engines import get_engine

    return get_engine(engine, jobs=jobs, scheduler=scheduler)
