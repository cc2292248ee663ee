"""A replay partition's result as a small picklable partial, and the exact merge of partials into the
driver's engine. Catalog entries travel as ids and price cards as their index in the model's card list
(object identities differ between processes); merging in partition order keeps every dict in the order a
single read would have built it, so the document is byte-for-byte the local one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import localcontext
from typing import Any

from tokencost.replay.billing import Buckets
from tokencost.replay.engine import FIRST_PLACES, Engine, ModelTotals
from tokencost.replay.partitions import PRECISION
from tokencost.replay.pipeline import LOCATIONS_PER_REASON, ReadStats, keep_first


@dataclass
class Partial:
    stats: ReadStats
    actual: dict[str, ModelTotals]
    unknown: dict[str, ModelTotals]
    self_hosted: dict[str, ModelTotals]
    cand_totals: dict[str, ModelTotals]
    #: (logged id, host) -> records, first-seen order; the driver resolves them again (same resolver)
    logged_ids: dict[tuple, int]
    buckets: dict[str, list[tuple]]
    notes: dict[str, None]
    start: Any
    end: Any
    untimed: int
    priced: int


def _all_buckets(engine: Engine) -> dict[str, Buckets]:
    return {
        "actual": engine.actual_buckets,
        "billed": engine.billed_buckets,
        "self_hosted": engine.self_hosted_buckets,
        **engine.cand_buckets,
    }


def _export_buckets(buckets: Buckets) -> list[tuple]:
    out = []
    for key, volume in buckets.volumes.items():
        entry, day, at, no_tiers = buckets.cards[key]
        index = next(i for i, card in enumerate(entry.model.cards()) if id(card) == key[2])
        out.append(((*key[:2], index, *key[3:]), volume, (entry.id, day, at, no_tiers)))
    return out


def export(engine: Engine, stats: ReadStats) -> Partial:
    """The partial of one partition's engine and read statistics (no catalog objects in it)."""
    return Partial(
        stats,
        engine.actual,
        engine.unknown,
        engine.self_hosted,
        engine.cand_totals,
        dict(engine.logged_ids),
        {name: _export_buckets(b) for name, b in _all_buckets(engine).items()},
        engine.notes,
        engine.start,
        engine.end,
        engine.untimed,
        engine.priced,
    )


def _merge_totals(into: dict[str, ModelTotals], part: dict[str, ModelTotals], fix: Any = None) -> None:
    for key, totals in part.items():
        mine = into.setdefault(key, ModelTotals())
        mine.records += totals.records
        for code, amount in totals.billed.items():
            mine.billed[code] = mine.billed.get(code, 0) + amount
        mine.billed_records += totals.billed_records
        mine.billed_zero += totals.billed_zero
        mine.billed_negative += totals.billed_negative
        room = max(FIRST_PLACES - len(mine.billed_negative_at), 0)
        mine.billed_negative_at.extend((fix or (lambda w: w))(w) for w in totals.billed_negative_at[:room])
        for target, source in ((mine.counts, totals.counts), (mine.methods, totals.methods)):
            for name, value in source.items():
                target[name] += value
        for day, value in totals.daily.items():
            mine.daily[day] += value
        mine.notes.update(totals.notes)
        room = max(FIRST_PLACES - len(mine.where), 0)
        mine.where.extend((fix or (lambda w: w))(w) for w in totals.where[:room])
        room = max(FIRST_PLACES - len(mine.uncovered_at), 0)
        mine.uncovered_at.extend((fix or (lambda w: w))(w) for w in totals.uncovered_at[:room])
        room = max(FIRST_PLACES - len(mine.carried_at), 0)
        mine.carried_at.extend((fix or (lambda w: w))(w) for w in totals.carried_at[:room])


def merge_stats(into: ReadStats, part: ReadStats, fix: Any) -> None:
    into.read += part.read
    into.filtered += part.filtered
    into.filtered_untimed += part.filtered_untimed
    into.placeholder_times += part.placeholder_times
    keep_first(into.placeholder_at, *map(fix, part.placeholder_at))
    into.zero_tokens += part.zero_tokens
    into.span(part.empty_start, part.empty_end)
    keep_first(into.zero_tokens_at, *map(fix, part.zero_tokens_at))
    for target, source in ((into.skipped, part.skipped), (into.ignored, part.ignored)):
        for reason, count in source.items():
            target[reason] += count
    for into_places, part_places in ((into.locations, part.locations), (into.ignored_at, part.ignored_at)):
        for reason, places in part_places.items():
            mine = into_places.setdefault(reason, [])
            for place in places[: max(LOCATIONS_PER_REASON - len(mine), 0)]:
                mine.append(fix(place))
                if place in part.duplicate_of:  # the first copy: read in this partition, or a global place
                    first, here = part.duplicate_of[place]
                    into.duplicate_of[fix(place)] = (fix(first) if here else first, True)


def relocate(name: str, offset: int):
    """A function moving ``name:LINE`` locations of a byte range down by the lines before the range."""
    if not offset:
        return lambda where: where
    pattern = re.compile(re.escape(name) + r":(\d+)")
    return lambda where: pattern.sub(lambda m: f"{name}:{int(m.group(1)) + offset}", where, count=1)


def merge(engine: Engine, stats: ReadStats, part: Partial, fix: Any = None) -> None:
    """Add one partial to the driver's engine and stats (call in partition order)."""
    catalog = engine.lookup.catalog
    _merge_resolutions(engine, part.logged_ids)
    fix = fix or (lambda where: where)
    merge_stats(stats, part.stats, fix)
    with localcontext() as context:
        context.prec = PRECISION
        _merge_totals(engine.actual, part.actual, fix)
        _merge_totals(engine.unknown, part.unknown, fix)
        _merge_totals(engine.self_hosted, part.self_hosted)
        _merge_totals(engine.cand_totals, part.cand_totals)
        for name, rows in part.buckets.items():
            _merge_buckets(_all_buckets(engine)[name], rows, catalog)
    engine.notes.update(part.notes)
    if part.start is not None:
        engine.start = part.start if engine.start is None else min(engine.start, part.start)
    if part.end is not None:
        engine.end = part.end if engine.end is None else max(engine.end, part.end)
    engine.untimed += part.untimed
    engine.priced += part.priced


def _merge_resolutions(engine: Engine, logged_ids: dict[tuple, int]) -> None:
    """The partition's logged ids, resolved again on the driver in first-seen order: the same resolver on
    the same catalog gives the same cards, and the engine's dicts fill in the order one read fills them."""
    for (logged, host), records in logged_ids.items():
        found = engine.lookup.resolve(logged, host)
        if found.entry is not None:
            engine.resolved.setdefault(found.entry.id, found)
        engine.logged_ids[(logged, host)] += records


def _merge_buckets(buckets: Buckets, rows: list[tuple], catalog: Any) -> None:
    for key, volume, (entry_id, day, at, no_tiers) in rows:
        entry = catalog.entries[entry_id]
        card = entry.model.cards()[key[2]]
        local = (*key[:2], id(card), *key[3:])
        mine = buckets.volumes.get(local)
        if mine is None:
            buckets.volumes[local] = volume
            buckets.cards[local] = (entry, day, at, no_tiers)
        else:
            mine.add(
                volume.requests,
                volume.input,
                volume.cache_read,
                volume.cache_write_5m,
                volume.cache_write_1h,
                volume.output,
                volume.reasoning,
                *volume.media,
            )
