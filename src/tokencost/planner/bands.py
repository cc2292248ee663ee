"""A plan's ranges: the bounds of estimated token counts priced through the same path as the counts
(``ranking.family_volumes`` then ``costing.price_volumes``), so a figure and its range agree; and which
ranked candidates' ranges overlap (``costing.overlaps``, as ``estimate`` says it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from tokencost.costing.card_pricer import CardPricer
from tokencost.costing.volumes import CardPricers, Volumes
from tokencost.planner.ranking import Ranking, Traffic, family_volumes, price_models
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


def volumes_at_bound(by_family: dict[str, FamilyTokens], traffic: Traffic, side: int) -> dict[str, Volumes]:
    """The workload's volumes with every estimated count at its ``LOW`` or ``HIGH`` bound (``at_bound``)."""
    return family_volumes({f: at_bound(t, side) for f, t in by_family.items()}, traffic)


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
    estimate, from its token bounds; exact rows keep low = high = monthly cost.

    Where every volume moves by one factor between the bounds (a converted count) and the model's cost is
    proportional to its tokens there (no per-request fee, no long-context tier reached), the range is the
    monthly cost times that factor: what ``price_volumes`` would return, without pricing each model twice
    more (a plan of 2,000 models x 50 workloads). Every other row is priced at both bounds."""
    if all(t.bounds is None for t in by_family.values()):
        return
    factors: dict[int, tuple[Decimal, Decimal] | None] = {}  # by the id of a family's (or framing's) tokens
    to_price = []
    by_id = pricers.on(at)
    for row in rows:
        tokens = row.tokens  # its family's figures, or its chat framing's (``costing.framing_keys``)
        if tokens.bounds is None:
            continue
        key = id(tokens)
        if key not in factors:
            factors[key] = _uniform_factors(tokens)
        uniform = factors[key]
        entry = row.billed_entry  # its successor when it cannot be bought in its first month
        if row.priced_at is not None:  # its first month on a scheduled card (``price_first_month``)
            pricer = pricers.get(entry, row.priced_at)
        else:
            pricer = by_id.get(entry.model.id) or pricers.get(entry, at)
        if uniform is not None and _proportional(pricer, tokens, uniform[1]):
            row.cost_low, row.cost_high = row.monthly_cost * uniform[0], row.monthly_cost * uniform[1]
        else:
            to_price.append(row)
    days = {row.priced_at or at for row in to_price}
    for day in sorted(days, key=lambda d: (d is not None, d)):
        rows_on = [row for row in to_price if (row.priced_at or at) == day]
        _price_at_bounds(rows_on, by_family, traffic, pricers, day, scale, fx)


def _price_at_bounds(
    rows: list[CandidateRow],
    by_family: dict[str, FamilyTokens],
    traffic: Traffic,
    pricers: CardPricers,
    at: dt.date | None,
    scale: Decimal,
    fx: Callable[[str], Decimal],
) -> None:
    """``rows``' ranges priced with ``price_volumes`` on their family's volumes at the low and high bounds."""
    entries = list({id(row.billed_entry): row.billed_entry for row in rows}.values())
    totals = []
    for side in (LOW, HIGH):
        volumes = volumes_at_bound(by_family, traffic, side)
        costs = price_models(entries, volumes, at=at, pricers=pricers)
        totals.append({id(c.entry): c for c in costs})
    for row in rows:
        low, high = totals[LOW][id(row.billed_entry)], totals[HIGH][id(row.billed_entry)]
        if low.problem is None and high.problem is None:
            rate = fx(row.billed_entry.currency) * scale
            row.cost_low = min(low.total * rate, row.monthly_cost)
            row.cost_high = max(high.total * rate, row.monthly_cost)


def _uniform_factors(tokens: FamilyTokens) -> tuple[Decimal, Decimal] | None:
    """(low, high) / input when ``at_bound`` moves every volume by that one factor, else None."""
    if tokens.bounds is None or tokens.fixed_output or tokens.sample_bounds or not tokens.input:
        return None
    low, high = (bound / tokens.input for bound in tokens.bounds)
    return (low, high) if low > 0 else None


def _proportional(pricer: CardPricer | None, tokens: FamilyTokens, high: Decimal) -> bool:
    """Whether a model's cost is proportional to its tokens up to the high bound: same rates all the way (no
    long-context tier reached by the largest request) and no per-request fee on its card."""
    if pricer is None:
        return False
    if pricer.lowest_tier is not None and tokens.largest_input * high > pricer.lowest_tier:
        return False
    return not pricer.per_request_fee


def apply_horizon_ranges(
    rows: Sequence[CandidateRow],
    by_family: dict[str, FamilyTokens],
    traffic: Traffic,
    factors: Sequence[Decimal],
    months_at: Callable[[CandidateRow, dict[str, Volumes], Decimal], list[Decimal | None]],
) -> None:
    """Set ``horizon_low`` / ``horizon_high``: each row's horizon total with every estimated count at its low
    and high bound, the same bounds as its monthly range. A row whose cost changes within the horizon (a price
    change, a successor priced on its own counts) is priced month by month at each bound (``months_at``: the
    row's month costs on those volumes from a first month of the given cost); the others scale their range."""
    if all(t.bounds is None for t in by_family.values()):
        for row in rows:
            row.horizon_low = row.horizon_high = row.horizon_total
        return
    factor_sum = sum(factors, Decimal(0))
    bound_volumes: dict[int, dict[str, Volumes]] = {}
    for row in rows:
        total = row.horizon_total if row.horizon_total is not None else Decimal(0)
        if row.month_costs is None:
            low, high = row.cost_low * factor_sum, row.cost_high * factor_sum  # type: ignore[operator]
            row.horizon_low, row.horizon_high = min(low, total), max(high, total)
            continue
        sums = []
        for side, first in ((LOW, row.cost_low), (HIGH, row.cost_high)):
            if side not in bound_volumes:
                bound_volumes[side] = volumes_at_bound(by_family, traffic, side)
            costs = months_at(row, bound_volumes[side], first)  # type: ignore[arg-type]
            sums.append(
                sum((c * f for c, f in zip(costs, factors, strict=True) if c is not None), Decimal(0))
            )
        row.horizon_low, row.horizon_high = min(sums[LOW], total), max(sums[HIGH], total)


def mark_overlaps(rows: Sequence[CandidateRow]) -> None:
    """Set each ranked row's ``overlaps``: its ranked neighbours whose range of horizon totals (what the rows
    are ranked by) meets its own: the order between them is not certain. Rows covering different months are
    ordered by what they cover, not their totals: never uncertain."""
    from tokencost.costing.overlaps import ranges_meet

    for a, b in itertools.pairwise(rows):
        if a.uncovered_from != b.uncovered_from:
            continue
        if ranges_meet(a.horizon_low, a.horizon_high, b.horizon_low, b.horizon_high):  # type: ignore[arg-type]
            a.overlaps = (*a.overlaps, b.entry.model.id)
            b.overlaps = (a.entry.model.id,)


def apply_bands(
    ranking: Ranking,
    by_family: dict[str, FamilyTokens],
    traffic: Traffic,
    pricers: CardPricers,
    at: dt.date | None,
    scale: Decimal,
    fx: Callable[[str], Decimal],
    factors: Sequence[Decimal],
    months_at: Callable[[CandidateRow, dict[str, Volumes], Decimal], list[Decimal | None]],
) -> tuple[Decimal, Decimal] | None:
    """Cost ranges on the ranked rows and the current model's (monthly and over the horizon), overlaps
    between ranked rows on the horizon's; returns the current model's (low, high) monthly cost, or None when
    it is not priced."""
    current = ranking.current
    rows = list(ranking.rows)
    if current is not None and not any(row is current for row in rows):
        rows.append(current)
    apply_cost_ranges(rows, by_family, traffic, pricers, at, scale, fx)
    apply_horizon_ranges(rows, by_family, traffic, factors, months_at)
    mark_overlaps(ranking.rows)
    if current is None:
        return None
    return current.cost_low, current.cost_high  # type: ignore[return-value]
