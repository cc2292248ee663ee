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


def engine_arguments(engine: str, jobs: int, scheduler: str | None, quiet: bool) -> dict:
    """The library's engine keywords for these flags: partitions only when asked for (``--engine dask``,
    ``--jobs`` above 1), progress on a terminal unless ``--quiet``, notices on stderr."""
    import sys

    from tokencost.errors import InputError

    if engine == "local" and scheduler:
        raise InputError("--scheduler goes with --engine dask")
    return {
        "engine": engine if engine == "dask" or jobs > 1 else None,
        "jobs": jobs,
        "scheduler": scheduler,
        "progress": progress_bar if sys.stderr.isatty() and not quiet else None,
        "notice": lambda text: click.echo(text, err=True),
    }


def progress_bar(number: int, total: int, done: int, size: int) -> None:
    """Partitions and bytes done, on one stderr line."""
    end = "\n" if number == total else ""
    click.echo(
        f"\r{number}/{total} partitions, {done / 1e6:,.1f} of {size / 1e6:,.1f} MB{end}", nl=False, err=True
    )
