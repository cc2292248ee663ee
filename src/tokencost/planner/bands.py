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
from tokencost.costing.volumes import CardPricers
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
        if row.priced_at is not None:  # its first month on a scheduled card (``price_first_month``)
            pricer = pricers.get(row.entry, row.priced_at)
        else:
            pricer = by_id.get(row.entry.model.id) or pricers.get(row.entry, at)
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
    entries = list({id(row.entry): row.entry for row in rows}.values())
    totals = []
    for side in (LOW, HIGH):
        volumes = family_volumes({f: at_bound(t, side) for f, t in by_family.items()}, traffic)
        costs = price_models(entries, volumes, at=at, pricers=pricers)
        totals.append({id(c.entry): c for c in costs})
    for row in rows:
        low, high = totals[LOW][id(row.entry)], totals[HIGH][id(row.entry)]
        if low.problem is None and high.problem is None:
            rate = fx(row.entry.currency) * scale
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


def mark_overlaps(rows: Sequence[CandidateRow]) -> None:
    """Set each ranked row's ``overlaps``: its ranked neighbours whose cost range meets its own (the order
    between them is not certain)."""
    from tokencost.costing.overlaps import ranges_meet

    for a, b in itertools.pairwise(rows):
        if ranges_meet(a.cost_low, a.cost_high, b.cost_low, b.cost_high):  # type: ignore[arg-type]
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
