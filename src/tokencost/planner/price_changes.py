"""Price changes within the forecast: a candidate whose dated or scheduled card starts inside the horizon is
priced on the card in force in each month (not with ``--at``: then one day's cards price every month)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tokencost.costing.volumes import Volumes
from tokencost.planner.plan_result import CandidateRow
from tokencost.planner.projection import add_months
from tokencost.planner.ranking import price_models
from tokencost.pricing.catalog import Entry
from tokencost.pricing.lifecycle import undated_card_note as lifecycle_undated_note


def _card_kind(model: Any, day: dt.date) -> str:
    return "scheduled" if any(c.effective_from == day for c in model.scheduled) else "dated card"


def _changes_within(model: Any, first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    return [
        c.effective_from
        for c in model.cards()
        if c.effective_from and first_day < c.effective_from <= last_day
    ]


def reprice_first_month(
    row: CandidateRow,
    entry: Entry,
    volumes: dict[str, Volumes],
    day: dt.date,
    scale: Decimal,
    fx: Callable[[str], Decimal],
) -> bool:
    """Set ``row``'s first month (cost, parts, rate; its range collapsed onto the cost, for ``bands`` to widen
    again) to ``entry``'s cost on the card in force on ``day``; False, nothing changed, when it has no price."""
    [cost] = price_models([entry], volumes, at=day)
    if cost.total is None:
        return False
    rate = fx(entry.currency) * scale
    row.monthly_cost, row.parts, row.parts_rate = cost.total * rate, cost.parts, rate
    row.cost_low = row.cost_high = row.monthly_cost
    return True


def price_first_month(
    row: CandidateRow,
    volumes: dict[str, Volumes],
    day: dt.date,
    scale: Decimal,
    fx: Callable[[str], Decimal],
) -> None:
    """Price ``row``'s first month on the card in force on ``day`` (the workload's first day in the plan)
    when a scheduled card has started by then: a plan starting on or after an announced change pays the new
    price from its first month. Sets ``row.priced_at`` (the ranges and the later months follow it)."""
    model = row.entry.model
    if not model.scheduled:
        return
    card = model.card_at(day)
    if card is None or card is model.prices:
        return
    if not reprice_first_month(row, row.entry, volumes, day, scale, fx):
        return
    row.priced_at = day
    row.notes.append(
        f"priced on the card in force from {card.effective_from} ({_card_kind(model, card.effective_from)})"
    )


def apply_month_costs(
    row: CandidateRow,
    volumes: dict[str, Volumes],
    grid_start: dt.date,
    months: list[str],
    scale: Decimal,
    fx: Callable[[str], Decimal],
    notes: list[str] | None,
) -> None:
    """Set ``row.month_costs`` when a card change falls in the horizon and say so in its notes (and in
    ``notes``, the workload's assumptions, for the current model)."""
    model = row.entry.model
    current_start = model.prices.effective_from
    if not model.scheduled and (current_start is None or current_start <= grid_start):
        return  # the common case, kept cheap: nothing changes within the horizon
    last_day = add_months(grid_start, len(months)) - dt.timedelta(days=1)
    starts = _changes_within(model, grid_start, last_day)
    if not starts or model.card_at(None) is None:
        return
    rate, by_card, costs = fx(row.entry.currency), {}, []
    first_card = model.prices if row.priced_at is None else model.card_at(row.priced_at)
    for i in range(len(months)):
        card = model.card_at(add_months(grid_start, i)) or model.prices
        if card is first_card:
            costs.append(row.monthly_cost)
            continue
        if id(card) not in by_card:
            [cost] = price_models([row.entry], volumes, at=card.effective_from)
            by_card[id(card)] = None if cost.total is None else cost.total * rate * scale
        costs.append(by_card[id(card)] if by_card[id(card)] is not None else row.monthly_cost)
    if costs == [row.monthly_cost] * len(months):
        return
    row.month_costs = costs
    row.price_changes = tuple(day.isoformat() for day in starts)
    changes = ", ".join(f"{day} ({_card_kind(model, day)})" for day in starts)
    text = f"price change within the forecast: {row.entry.id} from {changes}; those months use that card"
    row.notes.append(text.replace(f"{row.entry.id} ", "", 1))
    if notes is not None:
        notes.append(f"prices: {text}")


def undated_card_note(row: CandidateRow, at: dt.date) -> None:
    """A row priced with ``--at`` on an undated card before its sheet was checked says so
    (``lifecycle.undated_card_note``)."""
    note = lifecycle_undated_note(row.entry, at)
    if note:
        row.notes.append(note)
