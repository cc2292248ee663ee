"""``jobs > 1``: re-tokenising logged text (the expensive part of a replay) in worker processes.

The main process reads and parses the log and keeps the engine (one place for the state, so the result
is the same as with one job); workers count batches of records with every candidate family and send back
the per-family token tuples. At most ``2 x jobs`` batches are in flight, so memory stays bounded.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from tokencost.costing.framing_keys import framing_key
from tokencost.errors import TokencostError
from tokencost.replay.record import UsageRecord

BATCH = 256


def count_batch(
    batch: list[tuple[UsageRecord, tuple]], families: tuple[tuple[str, str, str], ...]
) -> list[dict[str, Any]]:
    """Per record, ``{framing key: (central, low, high)}`` for each (key, family, model) of ``families``
    (empty without text; ``{"error": message}`` when the logged text is not a countable chat request)."""
    from tokencost.replay.coverage import logged_count
    from tokencost.replay.translate import counter, retokenized

    for _key, family, _model in families:  # the user's tokenizer setup: an error of the run, not of a record
        counter(family)
    out: list[dict[str, Any]] = []
    for record, (logged_family, logged_model) in batch:
        counts: dict[str, Any] = {}
        if record.request is not None and not record.aggregated and logged_family:
            counts = logged_count(record, logged_family, logged_model)  # does the text cover the bill?
            try:
                for key, family, model in families if not ({"error", "uncovered"} & counts.keys()) else ():
                    if key not in counts:
                        counts[key] = retokenized(record, family, logged_family, model)
            except TokencostError as exc:
                counts = {"error": str(exc)}
        out.append(counts)
    return out


def with_counts(records: Iterator[UsageRecord], engine: Any, jobs: int) -> Iterator[tuple[UsageRecord, dict]]:
    """``records`` paired with their per-family counts, counted by ``jobs`` worker processes, in order."""
    framings: dict[str, tuple[str, str, str]] = {}
    for c in engine.candidates:  # one count per framing (``costing.framing_keys``), as the engine keys them
        key = framing_key(c.id, c.model.tokenizer)
        framings.setdefault(key, (key, c.model.tokenizer, c.id))
    families = tuple(framings.values())
    pending: deque = deque()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        while True:
            batch = list(itertools.islice(records, BATCH))
            if batch:
                logged = [engine.logged_model(record) for record in batch]
                pending.append(
                    (batch, pool.submit(count_batch, list(zip(batch, logged, strict=True)), families))
                )
            while pending and (len(pending) >= 2 * jobs or not batch):
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
            if not batch:
                return
