"""Retirement within the forecast: a candidate cannot be bought from the month its retirement date falls in
(``pricing.lifecycle.retired_note``: "cannot be bought from MONTH"). From that month on its forecast is
priced on the ``successor`` its sheet names (followed on when the successor retires too), and without one
those months are not covered: ``None`` in ``CandidateRow.month_costs``, never the retired model's price.

The current model is followed the same way (the team has to move when its model stops being sold, so the
baseline of "nothing changes" is its successor from then; its row is billed as that successor when it cannot
be bought in the workload's first month, as a candidate's is), noted on its row and as a problem of the workload;
without a successor its months keep its last price (never $0) and the problem says it cannot be paid."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from tokencost.costing.framing_keys import volumes_key
from tokencost.costing.volumes import Volumes
from tokencost.planner.candidates import Prepared, Screen
from tokencost.planner.plan_result import CandidateRow
from tokencost.planner.price_changes import apply_month_costs, reprice_first_month
from tokencost.planner.projection import add_months, month_index
from tokencost.planner.ranking import price_models
from tokencost.planner.tokens import FamilyTokens
from tokencost.pricing.catalog import Catalog, Entry


def _buyable(entry: Entry, day: dt.date) -> bool:
    """Whether ``entry`` can be bought for the month starting on ``day`` (not retired in or before it)."""
    retired = entry.model.deprecated
    return retired is None or month_index(retired) > month_index(day)


def _on_sale(
    entry: Entry, day: dt.date, catalog: Catalog, reject: Callable[[Entry], str | None] | None = None
) -> tuple[Entry | None, str | None]:
    """The model bought in the month starting on ``day`` instead of ``entry``: ``entry`` itself while it is on
    sale, then its successor (and theirs); (None, why) when the chain ends in a retired model, loops back, or
    reaches a successor that breaks the workload's constraints (``reject``: the reason, or None)."""
    chain = [entry.id]
    while not _buyable(entry, day):
        name = entry.model.successor
        if not name:
            return None, f"{entry.id} has no successor in the catalog"
        successor = catalog.find(name)
        if successor is None:
            return None, f"successor {name} of {entry.id} is not in the catalog"
        if successor.id in chain:
            loop = " -> ".join([*chain[chain.index(successor.id) :], successor.id])
            return None, f"its successors loop ({loop}) and none is on sale in {day:%Y-%m}"
        chain.append(successor.id)
        entry = successor
    if len(chain) > 1 and reject is not None and (reason := reject(entry)) is not None:
        return None, f"successor {entry.id} breaks the constraints: {reason}"
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
    reject: Callable[[Entry], str | None] | None = None,
    first_month: str | None = None,
) -> None:
    """Price ``row``'s months from its retirement month on its successor, or mark them not covered (None),
    and say so in its notes. Nothing happens when it does not retire within the plan's months. The current
    model's row is followed only with ``notes`` (where to say so); its months without a successor keep its
    price. ``reject``: why a successor breaks the workload's constraints (None: it meets them); such a
    successor covers nothing (not applied to the current model's). The successor a row (the current model's
    too) is bought as in ``first_month`` (the workload's) is ``row.billed``."""
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
        entry, reason = _on_sale(row.entry, day, catalog, None if row.is_current else reject)
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
            if label == first_month:  # the current model's row too: its figures are what is paid
                row.billed = entry
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


class Horizon(NamedTuple):
    """The plan's months a workload's rows are followed over (``first``: the workload's first month's index)."""

    grid_start: dt.date
    months: list[str]
    first: int
    scale: Decimal
    fx: Callable[[str], Decimal]
    catalog: Catalog
    at: dt.date | None


def follow(
    rows: list[CandidateRow],
    volumes: dict[str, Volumes],
    h: Horizon,
    notes: CurrentNotes,
    rules: Screen,
    prepared: Callable[[Entry], Prepared],
) -> Callable[..., list[Decimal | None]]:
    """Each row retiring within the horizon priced on its successor from then (``apply_retirement``; a
    candidate's successor must pass the workload's screening, ``rules``, as a candidate does), a candidate not
    sold in its first month billed as its successor (``bill_first_month``), the cards each row is billed on
    (``billed_cards``). Returns a row's month costs on other volumes (``months_at``, for the ranges)."""

    def reject(entry: Entry) -> str | None:  # a family not counted: ``_price`` says so
        if volumes_key(entry, rules.tokens) not in rules.tokens:
            return None
        return rules.candidate(prepared(entry), []).reason

    def tokens_of(entry: Entry) -> FamilyTokens:  # reasoning dropped where not billed, as screened
        return rules.candidate(prepared(entry), []).tokens

    first_day, label = add_months(h.grid_start, h.first), h.months[h.first]
    # the common row (no retirement, no price change) costs one test: a large plan has 100,000
    for row in rows:
        if row.entry.model.deprecated is not None:
            apply_retirement(
                row, volumes, h.grid_start, h.months, h.scale, h.fx, h.catalog, h.at, notes, reject, label
            )
            bill_first_month(row, volumes, tokens_of, first_day, h.scale, h.fx, h.at)
        if row.month_costs is not None or row.priced_at is not None:
            billed_cards(row, h.grid_start, h.months, h.first, h.catalog, h.at, reject)
    context = (h.grid_start, h.months, h.scale, h.fx, h.catalog, h.at, reject, notes.first)
    return functools.partial(months_at, context=context)


def months_at(row: CandidateRow, volumes: dict[str, Volumes], first: Decimal, *, context: tuple) -> list:
    """``row``'s month costs on other ``volumes`` (an estimated count at a bound) from a first month costing
    ``first``: its price changes and successors priced again on them (``bands.apply_horizon_ranges``).
    ``context``: the plan's (grid start, months, scale, fx, catalog, at, reject, the workload's first month)."""
    grid_start, months, scale, fx, catalog, at, reject, first_label = context
    notes = CurrentNotes(first_label, [], [])  # the current model followed as in the plan, said nowhere
    copy = dataclasses.replace(
        row, monthly_cost=first, notes=[], month_costs=None, successor=None, successor_from=None,
        uncovered_from=None, billed=None, price_changes=(), cards=(),
    )  # fmt: skip
    if at is None:
        apply_month_costs(copy, volumes, grid_start, months, scale, fx, None)
    apply_retirement(copy, volumes, grid_start, months, scale, fx, catalog, at, notes, reject)
    return copy.month_costs or [first] * len(months)


def bill_first_month(
    row: CandidateRow,
    volumes: dict[str, Volumes],
    tokens_of: Callable[[Entry], FamilyTokens],
    first_day: dt.date,
    scale: Decimal,
    fx: Callable[[str], Decimal],
    at: dt.date | None,
) -> None:
    """When ``row``'s model cannot be bought in the workload's first month (``first_day``) and a successor
    carries that month (``row.billed``, set by ``apply_retirement``): the row's first month as billed, on that
    successor's card and counts (``monthly_cost``, ``parts``, ``tokens``), so the row, its breakdown, its
    forecast and the totals agree on what the month costs (its range follows: ``bands``)."""
    entry = row.billed
    if entry is None:
        return
    if not reprice_first_month(row, entry, volumes, first_day if at is None else at, scale, fx):
        row.billed = None  # priced by ``apply_retirement`` already: cannot happen, kept safe
        return
    row.tokens = tokens_of(entry)
    row.priced_at = None


def billed_cards(
    row: CandidateRow,
    grid_start: dt.date,
    months: list[str],
    first: int,
    catalog: Catalog,
    at: dt.date | None,
    reject: Callable[[Entry], str | None] | None = None,
) -> None:
    """``row.cards``: every (model, card) the row's months from ``first`` (the workload's) are billed on, its
    own cards while it is sold and its successors' after, when its cost changes within the horizon (else left
    empty: its own card in force prices every month)."""
    if row.month_costs is None and row.priced_at is None:
        return
    out: dict[tuple[str, dt.date | None], tuple[Entry, object]] = {}
    for i in range(first, len(months)):
        if row.month_costs is not None and row.month_costs[i] is None:
            continue
        day = add_months(grid_start, i)
        entry: Entry | None = row.entry
        if not _buyable(row.entry, day):
            entry = _on_sale(row.entry, day, catalog, None if row.is_current else reject)[0]
        if entry is None and row.is_current:  # its months without a successor keep its last price
            entry = row.entry
        if entry is None:
            continue
        card = entry.model.card_at(day if at is None else at) or entry.model.prices
        out.setdefault((entry.id, card.effective_from), (entry, card))
    row.cards = tuple(out.values())


def _on_successors(row: CandidateRow, used: dict[str, str]) -> str:
    """Set ``row``'s first successor and its month, and say every one: ``from 2027-02 on its successor X``."""
    row.successor, row.successor_from = next(iter(used.items()))
    return ", ".join(f"from {month} on its successor {model}" for model, month in used.items())


def _note(row: CandidateRow, used: dict[str, str], uncovered: str | None, why: str | None) -> None:
    """The row's note on what its months after retirement are priced on."""
    if used:
        row.notes.append(f"not sold after retirement: priced {_on_successors(row, used)}")
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
        on = _on_successors(row, used)
        row.notes.append(f"not sold after retirement: forecast {on}")
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


__all__ = [
    "CurrentNotes",
    "Horizon",
    "apply_retirement",
    "bill_first_month",
    "billed_cards",
    "follow",
    "months_at",
]
