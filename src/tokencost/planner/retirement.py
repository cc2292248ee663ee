"""Retirement within the forecast: a candidate cannot be bought from the month its retirement date falls in
(``pricing.lifecycle.retired_note``: "cannot be bought from MONTH"). From that month on its forecast is
priced on the ``successor`` its sheet names (followed on when the successor retires too), and without one
those months are not covered: ``None`` in ``CandidateRow.month_costs``, never the retired model's price.

The current model is followed the same way (the team has to move when its model stops being sold, so the
baseline of "nothing changes" is its successor from then), noted on its row and as a problem of the workload;
without a successor its months keep its last price (never $0) and the problem says it cannot be paid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from tokencost.costing.framing_keys import volumes_key
from tokencost.costing.volumes import Volumes
from tokencost.planner.plan_result import CandidateRow
from tokencost.planner.projection import add_months, month_index
from tokencost.planner.ranking import price_models
from tokencost.pricing.catalog import Catalog, Entry


def _buyable(entry: Entry, day: dt.date) -> bool:
    """Whether ``entry`` can be bought for the month starting on ``day`` (not retired in or before it)."""
    retired = entry.model.deprecated
    return retired is None or month_index(retired) > month_index(day)


def _on_sale(entry: Entry, day: dt.date, catalog: Catalog) -> tuple[Entry | None, str | None]:
    """The model bought in the month starting on ``day`` instead of ``entry``: ``entry`` itself while it is on
    sale, then its successor (and theirs); (None, why) when the chain ends in a retired model."""
    seen = {entry.id}
    while not _buyable(entry, day):
        name = entry.model.successor
        if not name:
            return None, f"{entry.id} has no successor in the catalog"
        successor = catalog.find(name)
        if successor is None or successor.id in seen:
            return None, f"successor {name} of {entry.id} is not in the catalog"
        seen.add(successor.id)
        entry = successor
    return entry, None


def apply_retirement(
    row: CandidateRow,
    volumes: dict[str, Volumes],
    grid_start: dt.date,
    months: list[str],
    scale: Decimal,
    fx: Callable[[str], Decimal],
    catalog: Catalog,
    at: dt.date | None,
    notes: CurrentNotes | None = None,
) -> None:
    """Price ``row``'s months from its retirement month on its successor, or mark them not covered (None),
    and say so in its notes. Nothing happens when it does not retire within the plan's months. The current
    model's row is followed only with ``notes`` (where to say so); its months without a successor keep its
    price."""
    retired = row.entry.model.deprecated
    if (
        (row.is_current and notes is None)
        or retired is None
        or month_index(retired) > month_index(add_months(grid_start, len(months) - 1))
    ):
        return
    costs: list[Decimal | None] = list(row.month_costs or [row.monthly_cost] * len(months))
    priced: dict[tuple[str, dt.date | None], Decimal | None] = {}
    used: dict[str, str] = {}  # successor id -> first month priced on it
    uncovered: str | None = None
    why: str | None = None
    for i, label in enumerate(months):
        day = add_months(grid_start, i)
        if _buyable(row.entry, day) or (row.is_current and label < notes.first):  # type: ignore[union-attr]
            continue  # the current model's months before its workload starts cost nothing
        entry, reason = _on_sale(row.entry, day, catalog)
        cost = None
        if entry is not None:
            cost, reason = _price(entry, volumes, day if at is None else at, priced, fx, scale)
        if cost is None and row.is_current:
            uncovered, why = uncovered or label, why or reason
            continue  # the current model keeps its last price there: a problem, never $0
        costs[i] = cost
        if cost is None:
            uncovered, why = uncovered or label, why or reason
        elif entry is not None:
            used.setdefault(entry.id, label)
    row.month_costs = costs
    if notes is not None and row.is_current:  # always both, or returned above
        _current_note(row, used, uncovered, why, notes)
    else:
        _note(row, used, uncovered, why)


def _price(
    entry: Entry,
    volumes: dict[str, Volumes],
    day: dt.date,
    priced: dict[tuple[str, dt.date | None], Decimal | None],
    fx: Callable[[str], Decimal],
    scale: Decimal,
) -> tuple[Decimal | None, str | None]:
    """``entry``'s monthly cost on the card in force on ``day`` (display currency, with the growth before the
    plan), or (None, why) when it cannot be priced on this workload's counts."""
    card = entry.model.card_at(day)
    key = (entry.id, None if card is None else card.effective_from)
    if volumes_key(entry, volumes) not in volumes:
        return None, f"successor {entry.id}'s tokenizer {entry.model.tokenizer} was not counted"
    if key not in priced:
        [cost] = price_models([entry], volumes, at=day)  # reasoning tokens only on a model that reasons
        priced[key] = None if cost.total is None else cost.total * fx(entry.currency) * scale
    if priced[key] is None:
        return None, f"successor {entry.id} has no price on {day}"
    return priced[key], None


def _note(row: CandidateRow, used: dict[str, str], uncovered: str | None, why: str | None) -> None:
    """The row's note on what its months after retirement are priced on."""
    if used:
        on = ", ".join(f"from {month} on its successor {model}" for model, month in used.items())
        row.notes.append(f"not sold after retirement: priced {on}")
        row.successor = next(iter(used))
        row.successor_from = next(iter(used.values()))
    if uncovered is not None:
        row.notes.append(
            f"not covered from {uncovered}: {why}; ranked after every candidate covering the horizon"
        )
        row.uncovered_from = uncovered


def _current_note(
    row: CandidateRow, used: dict[str, str], uncovered: str | None, why: str | None, notes: CurrentNotes
) -> None:
    """The current model's months after retirement: on its successor, or at its last price, which cannot be
    paid. Said on its row, and as a problem of the workload when it cannot be bought in the workload's first
    month (the month budgets are judged on), else as an assumption."""
    first, problems, assumptions = notes
    if used:
        on = ", ".join(f"from {month} on its successor {model}" for model, month in used.items())
        row.notes.append(f"not sold after retirement: forecast {on}")
        row.successor = next(iter(used))
        row.successor_from = next(iter(used.values()))
        out = problems if row.successor_from <= first else assumptions
        out.append(
            f"current model {row.entry.id} cannot be bought after retirement: its forecast is priced {on}"
        )
    if uncovered is not None:
        out = problems if uncovered <= first else assumptions
        out.append(
            f"current model {row.entry.id} cannot be bought from {uncovered} ({why}): its forecast keeps its last "
            "price there, which cannot be paid"
        )


class CurrentNotes(NamedTuple):
    """Where the current model's retirement is said: the workload's first month (label), its problems and its
    assumptions."""

    first: str
    problems: list[str]
    assumptions: list[str]


__all__ = ["CurrentNotes", "apply_retirement"]
