"""Execution engines: where partition functions run. ``local`` uses this machine (the caller's process, or
worker processes with ``jobs > 1``); ``dask`` a Dask cluster (``--scheduler ADDRESS``, or a LocalCluster of
``jobs`` worker processes). Every engine runs the same module-level partition functions and yields their small,
mergeable results in any order; callers merge them exactly (integer sums), so totals never depend on the engine,
the partitioning or the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from tokencost.errors import InputError

ENGINES = ("local", "dask")


class Engine(Protocol):
    name: str

    def map_unordered(self, fn: Callable[[Any], Any], units: Iterable[Any]) -> Iterator[Any]:
        """``fn(unit)`` for every unit, results in completion order."""

    def close(self) -> None: ...


def get_engine(name: str = "local", *, jobs: int = 1, scheduler: str | None = None) -> Engine:
    """The engine called ``name``; Dask is imported only here, only when asked for."""
    if name == "local":
        if scheduler:
            raise InputError("--scheduler goes with --engine dask")
        from tokencost.engines.local import LocalEngine

        return LocalEngine(jobs)
    if name == "dask":
        from tokencost.engines.dask_engine import DaskEngine

        return DaskEngine(jobs, scheduler)
    raise InputError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
