"""Pricing and ranking one workload's candidates: the screened candidates' token volumes priced with
``costing.price_volumes`` (standard and batch traffic; samples one by one where a long-context tier may
apply), converted to the display currency, ranked cheapest first with savings against the current model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from tokencost.costing.volumes import CardPricers, ModelCost, Volumes, price_volumes
from tokencost.planner.candidates import Screened
from tokencost.planner.plan_result import CandidateRow, Excluded
from tokencost.planner.tokens import FamilyTokens
from tokencost.pricing.catalog import Entry

_PCT = Decimal("0.1")


class Traffic(NamedTuple):
    """A workload's monthly requests at standard, batch (and service-tier) prices, its share of input read from cache, and
    its share written to the cache (``planner.cache_writes``) for ``ttl`` (``5m`` or ``1h``)."""

    standard: Decimal
    batch: Decimal
    cache_ratio: Decimal
    write_ratio: Decimal = Decimal(0)
    ttl: str = "5m"
    #: of the writes, the share made with the 1 h TTL when the workload gives a mix (``ttl`` ``5m+1h``)
    share_1h: Decimal = Decimal(0)
    #: requests on service tiers (``flex``, ``priority``), apart from ``standard`` and ``batch``
    tiers: tuple[tuple[str, Decimal], ...] = ()
    #: share of every part's requests sent in a card's off-peak window (``Volumes.off_peak``)
    off_peak: Decimal = Decimal(0)


class Ranking(NamedTuple):
    """Ranked rows (cheapest first), excluded candidates with the reason, the current model's row, and every
    model priced (in pricing order)."""

    rows: list[CandidateRow]
    excluded: list[Excluded]
    current: CandidateRow | None
    priced: dict[str, Entry]


def family_volumes(by_family: dict[str, FamilyTokens], traffic: Traffic) -> dict[str, Volumes]:
    """Per family, the average request (and each sample request) on the workload's traffic."""
    parts = ((None, traffic.standard), ("batch", traffic.batch), *traffic.tiers)
    zero, share = Decimal(0), traffic.write_ratio
    w5, w1h = (
        (zero, share) if traffic.ttl == "1h" else (share * (1 - traffic.share_1h), share * traffic.share_1h)
    )
    return {
        family: Volumes(
            tokens.input,
            tokens.input * traffic.cache_ratio,
            tokens.output,
            tokens.reasoning,
            parts,
            tokens.samples,
            tokens.largest_input,
            traffic.cache_ratio,
            cache_write=tokens.input * w5,
            cache_write_1h=tokens.input * w1h,
            write_ratio=w5,
            write_1h_ratio=w1h,
            off_peak=traffic.off_peak,
        )
        for family, tokens in by_family.items()
    }


def price_models(entries: Sequence[Entry], volumes: dict[str, Volumes], **options) -> list[ModelCost]:
    """``price_volumes``, with the workload's reasoning tokens billed only on models that reason: a model
    without the capability produces none, so it is priced on the same volumes without them."""
    if not any(v.reasoning for v in volumes.values()):
        return price_volumes(entries, volumes, **options)
    plain = [i for i, e in enumerate(entries) if not e.model.reasons]
    if not plain:
        return price_volumes(entries, volumes, **options)
    thinking = [i for i, e in enumerate(entries) if e.model.reasons]
    no_reasoning = {key: v._replace(reasoning=0) for key, v in volumes.items()}
    out: list[ModelCost | None] = [None] * len(entries)
    for group, group_volumes in ((thinking, volumes), (plain, no_reasoning)):
        costs = price_volumes([entries[i] for i in group], group_volumes, **options) if group else []
        for i, cost in zip(group, costs, strict=True):
            out[i] = cost
    return out  # type: ignore[return-value]


def price_candidates(
    screened: Sequence[Screened],
    volumes: dict[str, Volumes],
    pricers: CardPricers,
    at: dt.date | None,
    scale: Decimal,
    problems: list[str],
) -> Ranking:
    """Price every candidate that qualifies (and the current model, always) on the cards in force on ``at``
    (None: current cards); the rows are ranked by ``rank_rows``.

    ``scale`` is the growth before the plan's first month of a workload that started earlier."""
    to_price = [s.entry for s in screened if s.reason is None or s.is_current]
    costs = iter(price_models(to_price, volumes, at=at, pricers=pricers))
    rows: list[CandidateRow] = []
    excluded: list[Excluded] = []
    current: CandidateRow | None = None
    priced: dict[str, Entry] = {}
    for entry, entry_id, tokens, window, fx_rate, is_current, reason, extra_notes in screened:
        if reason is not None and not is_current:
            excluded.append(Excluded(entry_id, entry.provider.id, reason))
            continue
        cost = next(costs)
        if cost.problem is not None:
            excluded.append(Excluded(entry_id, entry.provider.id, f"cannot be priced: {cost.problem}"))
            if is_current:
                problems.append(f"current model {entry_id} cannot be priced: {cost.problem}")
            continue
        priced[entry_id] = entry
        notes = list(cost.notes)
        if window is None and not is_current:
            notes.append("context window unknown: not checked")
        notes.extend(extra_notes)
        row = CandidateRow(entry, tokens, cost.total * fx_rate * scale, notes, is_current)
        row.parts, row.parts_rate = cost.parts, fx_rate * scale
        if is_current:
            current = row
            if reason is not None:
                problems.append(f"current model {entry_id} breaks a constraint: {reason}")
                excluded.append(Excluded(entry_id, entry.provider.id, reason))
                continue
        rows.append(row)
    return Ranking(rows, excluded, current, priced)


def horizon_value(row: CandidateRow, factors: Sequence[Decimal], factor_sum: Decimal) -> Decimal:
    """``row``'s cost over the plan's months (``factors``: the traffic of each month, ``factor_sum`` their
    sum), its months not covered left out."""
    if row.month_costs is None:
        return row.monthly_cost * factor_sum
    return sum((c * f for c, f in zip(row.month_costs, factors, strict=True) if c is not None), Decimal(0))


def rank_rows(rows: list[CandidateRow], current: CandidateRow | None, factors: Sequence[Decimal]) -> None:
    """Rank by the cost over the horizon, cheapest first (price changes, successors and growth included):
    a row not covering every month after the rows that do (those by the months they cover, most first, then
    their cost), then the first month's cost as forecast, a row priced on its successor after that successor,
    the current model before an equally priced one, the id. Set rank, savings in the first month (none for a
    row whose first month is not covered: nothing is billed) and over the horizon."""
    factor_sum = sum(factors, Decimal(0))
    for row in rows if current is None or current in rows else [*rows, current]:
        row.horizon_total = horizon_value(row, factors, factor_sum)
    first = next((i for i, f in enumerate(factors) if f), 0)
    rows.sort(key=lambda row: _rank_key(row, first))
    base_cost = None if current is None else _first_cost(current, first)  # on its successor once not sold
    base_total = current.horizon_total if current is not None else None
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
        if base_cost is not None and (row.month_costs is None or row.month_costs[first] is not None):
            row.savings = base_cost - row.monthly_cost  # what is billed (not sold then: nothing to save)
            row.savings_pct = _pct(row.savings, base_cost)
        if base_total is not None and row.uncovered_from is None:
            row.horizon_savings = base_total - row.horizon_total  # type: ignore[operator]
            row.horizon_savings_pct = _pct(row.horizon_savings, base_total)


def _first_cost(row: CandidateRow, first: int) -> Decimal:
    """``row``'s cost in the workload's first month as forecast (its own price where that month is not covered)."""
    cost = None if row.month_costs is None else row.month_costs[first]
    return row.monthly_cost if cost is None else cost


def _rank_key(row: CandidateRow, first: int) -> tuple:
    """The sort key of ``rank_rows``; ``first``: the index of the workload's first month."""
    cost = row.monthly_cost if row.month_costs is None else row.month_costs[first]
    covered = 0 if row.month_costs is None else sum(c is not None for c in row.month_costs[first:])
    return (
        row.uncovered_from is not None,
        -covered if row.uncovered_from is not None else 0,
        row.horizon_total,
        row.monthly_cost if cost is None else cost,
        row.successor is not None,
        not row.is_current,
        row.entry.id,
    )


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(_PCT, rounding=ROUND_HALF_EVEN) if whole else None
