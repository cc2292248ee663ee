"""Drive a partitioned replay: plan the partitions, run ``replay_partition`` on the engine (results in any
order), merge the partials in partition order into one engine, ready for ``result.build``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from tokencost.replay.pipeline import ReadStats


def run_partitions(
    fn: Callable[[Any], tuple[int, int, Any]],
    paths: list[str],
    spec: Any,
    source: str,
    stats: ReadStats,
    runner: tuple,
    progress: Callable[..., None] | None,
    notice: Callable[[str], None] | None,
) -> list[tuple[Any, Callable[[str], str]]]:
    """Plan ``paths`` into partitions, run ``fn`` (``unit -> (index, lines read, result)``) on each on
    ``runner`` = ``(engine, jobs, scheduler)`` (results in any order), and return every result in partition
    order with the function that moves its range-local locations to file lines. A partition that read a
    vendor id an earlier one read (``result.stats.ids``) is read again told those ids: its copies are
    skipped as duplicates, as one local read skips them. Shared by replay and calibrate, so both read the
    same partitions and merge them in the same order."""
    from tokencost.engines import get_engine
    from tokencost.replay.partitions import plan
    from tokencost.tokenizers.settings import carried

    engine, jobs, scheduler = runner
    own = engine is None or isinstance(engine, str)
    if own:  # first: a missing extra or an unreachable scheduler is said before the logs are read
        engine = get_engine(engine or "local", jobs=jobs, scheduler=scheduler)
    results: dict[int, tuple[int, Any]] = {}
    done_bytes = 0
    try:
        units = plan(paths, spec, source, stats, notice)
        total = sum(unit.size for unit in units)
        for done, (index, lines, result) in enumerate(engine.map_unordered(carried(fn), units), 1):
            results[index] = (lines, result)
            done_bytes += units[index].size
            if progress is not None:
                progress(done, len(units), done_bytes, total)
        again = _repeated_ids(units, results)
        if again:  # read those partitions again, their copies of earlier ids skipped as duplicates
            rerun = [dataclasses.replace(units[index], earlier_ids=ids) for index, ids in again.items()]
            for index, lines, result in engine.map_unordered(carried(fn), rerun):
                results[index] = (lines, result)
        for _, result in results.values():
            result.stats.ids.clear()  # only for finding copies: not kept while the partials merge
    finally:
        if own:
            engine.close()
    return [(results[unit.index][1], fix) for unit, fix in zip(units, _fixes(units, results), strict=True)]


def _fixes(units: list, results: dict[int, tuple[int, Any]]) -> list[Callable[[str], str]]:
    """Per partition, the function moving its range-local locations to file lines (identity for a file)."""
    from tokencost.replay.partials import relocate

    fixes, offsets = [], {}
    for unit in units:
        before = offsets.get(unit.name, 0)
        fixes.append(relocate(unit.name, before))
        offsets[unit.name] = before + results[unit.index][0]
    return fixes


def _repeated_ids(units: list, results: dict[int, tuple[int, Any]]) -> dict[int, dict[bytes, str]]:
    """Partitions that read an id an earlier partition (file order, then line) read first: index -> those
    ids with the place of the first. Deterministic: the first copy in reading order is the one kept, as in
    one local read."""
    seen: dict[bytes, str] = {}
    again: dict[int, dict[bytes, str]] = {}
    for unit, fix in zip(units, _fixes(units, results), strict=True):
        ids = results[unit.index][1].stats.ids
        repeated = {key: seen[key] for key in ids if key in seen}
        if repeated:
            again[unit.index] = repeated
        for key, where in ids.items():
            if key not in seen:
                seen[key] = fix(where)
    return again


def run_on_engine(
    paths: list[str],
    catalog: Any,
    spec_args: tuple,
    source: str,
    runner: tuple,
    progress: Callable[[int], None] | None,
    notice: Callable[[str], None] | None,
):
    """``(engine, stats)`` of the whole log, computed partition by partition on ``runner``'s engine."""
    from tokencost.pricing.catalog import pricing_paths
    from tokencost.remote import for_workers
    from tokencost.replay.partials import merge
    from tokencost.replay.partitions import Spec, new_engine, replay_partition

    pricing, model_map, candidates, group_by, mapping, since, until, at = spec_args
    spec = Spec(
        tuple(for_workers(p) for p in pricing_paths(pricing)),  # workers elsewhere load the same sheets
        dict(model_map) if model_map else None,
        tuple(c.id for c in candidates),
        group_by,
        dict(mapping or {}),
        since,
        until,
        at,
    )
    stats = ReadStats()
    ordered = run_partitions(replay_partition, paths, spec, source, stats, runner, progress, notice)
    merged = new_engine(catalog, spec, candidates)
    for partial, fix in ordered:
        merge(merged, stats, partial, fix)
    return merged, stats
