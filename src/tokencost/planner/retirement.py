"""Retirement within the forecast: a candidate cannot be bought from the month its retirement date falls in
(``pricing.lifecycle.retired_note``: "cannot be bought from MONTH"). From that month on its forecast is
priced on the ``successor`` its sheet names (followed on when the successor retires too), and without one
those months are not covered: ``None`` in ``CandidateRow.month_costs``, never the retired model's price.

The current model is left as it is: its forecast is the baseline of "nothing changes", and its retirement
is already a problem of the workload (and a ``check`` finding)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from tokencost.costing.framing_keys import volumes_key
from tokencost.costing.volumes import Volumes
from tokencost.planner.plan_result import CandidateRow
from tokencost.planner.price_changes import apply_month_costs
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
    reject: Callable[[Entry], str | None] | None = None,
    first_month: str | None = None,
) -> None:
    """Price ``row``'s months from its retirement month on its successor, or mark them not covered (None),
    and say so in its notes. Nothing happens when it does not retire within the plan's months. ``reject``:
    why a successor breaks the workload's constraints (None: it meets them); such a successor covers nothing.
    The successor bought in ``first_month`` (the workload's) is ``row.billed``."""
    retired = row.entry.model.deprecated
    if (
        row.is_current
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
        if _buyable(row.entry, day):
            continue
        entry, reason = _on_sale(row.entry, day, catalog, reject)
        cost = None
        if entry is not None:
            cost, reason = _price(entry, volumes, day if at is None else at, priced, fx, scale)
        costs[i] = cost
        if cost is None:
            uncovered, why = uncovered or label, why or reason
        elif entry is not None:
            used.setdefault(entry.id, label)
            if label == first_month:
                row.billed = entry
    row.month_costs = costs
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


def months_at(row: CandidateRow, volumes: dict[str, Volumes], first: Decimal, *, context: tuple) -> list:
    """``row``'s month costs on other ``volumes`` (an estimated count at a bound) from a first month costing
    ``first``: its price changes and successors priced again on them (``bands.apply_horizon_ranges``).
    ``context``: the plan's (grid start, months, scale, fx, catalog, at, reject)."""
    grid_start, months, scale, fx, catalog, at, reject = context
    copy = dataclasses.replace(
        row, monthly_cost=first, notes=[], month_costs=None, successor=None, successor_from=None,
        uncovered_from=None, billed=None, price_changes=(), cards=(),
    )  # fmt: skip
    if at is None:
        apply_month_costs(copy, volumes, grid_start, months, scale, fx, None)
    apply_retirement(copy, volumes, grid_start, months, scale, fx, catalog, at, reject)
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
    [cost] = price_models([entry], volumes, at=first_day if at is None else at)
    if cost.total is None:  # priced by ``apply_retirement`` already: cannot happen, kept safe
        row.billed = None
        return
    rate = fx(entry.currency) * scale
    row.monthly_cost, row.parts, row.parts_rate = cost.total * rate, cost.parts, rate
    row.cost_low = row.cost_high = row.monthly_cost
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
        if not row.is_current and not _buyable(row.entry, day):
            entry = _on_sale(row.entry, day, catalog, reject)[0]
        if entry is None:
            continue
        card = entry.model.card_at(day if at is None else at) or entry.model.prices
        out.setdefault((entry.id, card.effective_from), (entry, card))
    row.cards = tuple(out.values())


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


__all__ = ["apply_retirement", "bill_first_month", "billed_cards", "months_at"]
