"""This machine: partitions run in the caller's process, or in ``jobs`` forked worker processes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class LocalEngine:
    name = "local"

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, jobs)

    def map_unordered(self, fn: Callable[[Any], Any], units: Iterable[Any]) -> Iterator[Any]:
        units = list(units)
        if self.jobs <= 1 or len(units) <= 1:
            yield from map(fn, units)
            return
        import multiprocessing

        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(min(self.jobs, len(units))) as pool:
            yield from pool.imap_unordered(fn, units, chunksize=1)

    def close(self) -> None:
        pass
