"""Drive a partitioned replay: plan the partitions, run ``replay_partition`` on the engine (results in any
order), merge the partials in partition order into one engine, ready for ``result.build``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tokencost.replay.pipeline import ReadStats


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
    from tokencost.engines import get_engine
    from tokencost.pricing.catalog import pricing_paths
    from tokencost.remote import for_workers
    from tokencost.replay.partials import merge, relocate
    from tokencost.replay.partitions import Spec, new_engine, plan, replay_partition
    from tokencost.tokenizers.settings import carried

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
    engine, jobs, scheduler = runner
    own = engine is None or isinstance(engine, str)
    if own:  # first: a missing extra or an unreachable scheduler is said before the log is read
        engine = get_engine(engine or "local", jobs=jobs, scheduler=scheduler)
    partials: dict[int, tuple[int, Any]] = {}
    done_bytes = 0
    try:
        units = plan(paths, spec, source, stats, notice)
        sizes = [unit.size for unit in units]
        for done, (index, lines, partial) in enumerate(
            engine.map_unordered(carried(replay_partition), units), 1
        ):
            partials[index] = (lines, partial)
            done_bytes += sizes[index]
            if progress is not None:
                progress(done, len(units), done_bytes, sum(sizes))
    finally:
        if own:
            engine.close()
    merged = new_engine(catalog, spec, candidates)
    offsets: dict[str, int] = {}
    for unit in units:
        lines, partial = partials[unit.index]
        before = offsets.get(unit.name, 0)
        merge(merged, stats, partial, relocate(unit.name, before) if unit.end is not None else None)
        offsets[unit.name] = before + lines
    return merged, stats
