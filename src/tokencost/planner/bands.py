"""A plan's ranges: the bounds of estimated token counts priced through the same path as the counts
(``ranking.family_volumes`` then ``costing.price_volumes``), so a figure and its range agree; and which
ranked candidates' ranges overlap (``costing.overlaps``, as ``estimate`` says it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from tokencost.costing.volumes import CardPricers, price_volumes
from tokencost.planner.ranking import Ranking, Traffic, family_volumes
from tokencost.planner.tokens import FamilyTokens

if TYPE_CHECKING:
    from tokencost.planner.plan_result import CandidateRow

LOW, HIGH = 0, 1


def at_bound(tokens: FamilyTokens, side: int) -> FamilyTokens:
    """``tokens`` with its input (each sample, the largest, the mean) at its low or high bound; output and
    reasoning derived from the input follow it. Exact counts are returned as they are."""
    if tokens.bounds is None:
        return tokens
    value = tokens.bounds[side]
    factor = value / tokens.input if tokens.input else Decimal(1)
    samples = (
        tuple(b[side] for b in tokens.sample_bounds)
        if tokens.sample_bounds
        else tuple(s * factor for s in tokens.samples)
    )
    follow = Decimal(1) if tokens.fixed_output else factor
    return dataclasses.replace(
        tokens,
        input=value,
        largest_input=max(samples) if samples else tokens.largest_input * factor,
        output=tokens.output * follow,
        reasoning=tokens.reasoning * follow,
        samples=samples,
    )


def apply_cost_ranges(
    rows: Sequence[CandidateRow],
    by_family: dict[str, FamilyTokens],
    traffic: Traffic,
    pricers: CardPricers,
    at: dt.date | None,
    scale: Decimal,
    fx: Callable[[str], Decimal],
) -> None:
    """Set ``cost_low`` / ``cost_high`` (monthly, display currency) on every row whose family's count is an
    estimate, from its token bounds; exact rows keep low = high = monthly cost."""
    estimated = [row for row in rows if by_family[row.tokens.count.family].bounds is not None]
    if not estimated:
        return
    entries = list({id(row.entry): row.entry for row in estimated}.values())
    totals = []
    for side in (LOW, HIGH):
        volumes = family_volumes({f: at_bound(t, side) for f, t in by_family.items()}, traffic)
        costs = price_volumes(entries, volumes, at=at, pricers=pricers)
        totals.append({id(c.entry): c for c in costs})
    for row in estimated:
        low, high = totals[LOW][id(row.entry)], totals[HIGH][id(row.entry)]
        if low.problem is None and high.problem is None:
            rate = fx(row.entry.currency) * scale
            row.cost_low = min(low.total * rate, row.monthly_cost)
            row.cost_high = max(high.total * rate, row.monthly_cost)


def mark_overlaps(rows: Sequence[CandidateRow]) -> None:
    """Set each ranked row's ``overlaps``: the candidates whose cost range meets its own."""
    from tokencost.costing.overlaps import overlapping

    found = overlapping([(row.entry.id, row.cost_low, row.cost_high) for row in rows])
    for row in rows:
        row.overlaps = found.get(row.entry.id, ())


def apply_bands(
    ranking: Ranking,
    by_family: dict[str, FamilyTokens],
    traffic: Traffic,
    pricers: CardPricers,
    at: dt.date | None,
    scale: Decimal,
    fx: Callable[[str], Decimal],
) -> tuple[Decimal, Decimal] | None:
    """Cost ranges on the ranked rows and the current model's, overlaps between ranked rows; returns the
    current model's (low, high) monthly cost, or None when it is not priced."""
    current = ranking.current
    rows = list(ranking.rows)
    if current is not None and not any(row is current for row in rows):
        rows.append(current)
    apply_cost_ranges(rows, by_family, traffic, pricers, at, scale, fx)
    mark_overlaps(ranking.rows)
    if current is None:
        return None
    return current.cost_low, current.cost_high  # type: ignore[return-value]
