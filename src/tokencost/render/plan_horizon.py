"""The plan's ranking over the horizon in its tables: the header of each candidate's horizon total, the cell
(with the months a retiring candidate does not cover), and the line saying why the first month's cheapest
candidate is not the top-ranked one (a price change, a retirement). Plain data from ``PlanResult``:
``CandidateRow.horizon_total`` / ``month_costs`` / ``successor`` / ``uncovered_from`` / ``price_changes``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tokencost.render.money import money


def shown_candidates(w: Any, top: int | None) -> list[Any]:
    """The ranked rows a table shows: the ``top`` best (all for None or 0), and the current model's row
    wherever it ranks, since every saving is measured against it."""
    rows = list(w.candidates[: top or None])
    current = next((r for r in w.candidates if r.is_current), None)
    if current is not None and all(r is not current for r in rows):
        rows.append(current)
    return rows


def total_header(result: Any) -> str:
    """``6-month total``: the column the candidates are ranked by."""
    return f"{result.horizon_months}-month total"


def savings_header(result: Any) -> str:
    return f"{result.horizon_months}-month savings"


def _show(value: Decimal | None, currency: str) -> str:
    return money(value, currency, missing="")


def total_cell(row: Any, currency: str, show: Callable[[Decimal | None, str], str] = _show) -> str:
    """``$1,069.00``, or ``$712.66 (not sold from 2027-03)`` for a candidate not covering the horizon."""
    if row.uncovered_from is not None and not row.horizon_total:
        return f"not sold from {row.uncovered_from}"
    text = show(row.horizon_total, currency)
    if row.uncovered_from is not None:
        text += f" (not sold from {row.uncovered_from})"
    return text


def month_cell(w: Any, row: Any, currency: str, show: Callable[[Decimal | None, str], str] = _show) -> str:
    """The first month's cost as billed: ``$235.89 (as gpt-5.4-nano)`` when the model cannot be bought then
    and its successor is billed instead; ``$0.200 (not sold)``, its own card's, when nothing covers that
    month (no savings are shown beside it)."""
    text = show(row.monthly_cost, currency)
    if row.billed is not None:
        return f"{text} (as {row.billed.id})"
    first = w.first_month_label
    if first is not None and first == row.uncovered_from:
        text += " (not sold)"
    return text


def _no_cover(row: Any) -> str:
    """Why nothing carries ``row``'s months from ``uncovered_from`` (its note gives the detail)."""
    if not row.entry.model.successor:
        return "has no successor"
    return "its successors do not cover those months"


def _why(row: Any) -> str:
    """What makes ``row``'s later months differ from its first."""
    reasons = []
    if row.price_changes:
        reasons.append("whose price changes on " + ", ".join(row.price_changes))
    if row.successor_from is not None:
        reasons.append(
            f"which cannot be bought from {row.successor_from} (priced on its successor {row.successor})"
        )
    return " and ".join(reasons)


def ranking_lines(result: Any, w: Any) -> list[str]:
    """How the candidates are ranked, when the horizon changes anything (a price change, a retirement),
    and the first month's cheapest candidate when it is not the top-ranked one."""
    rows = w.candidates
    if not rows or not any(r.month_costs is not None for r in rows) or w.first_month is None:
        return []
    cur, top = result.currency, rows[0]
    month, last = w.months[w.first_month], w.months[-1]
    out = [
        f"ranked by the total over the horizon ({month} to {last}), price changes and retirements included"
    ]
    # each row's first month as forecast (``WorkloadPlan.first_cost``; None: it cannot be bought then)
    firsts = [(cost, r) for r in rows if (cost := w.first_cost(r)) is not None]
    cheapest_first, cheapest = min(firsts, key=lambda pair: pair[0]) if firsts else (None, top)
    top_first = w.first_cost(top)
    if cheapest is not top and top_first is not None and cheapest_first < top_first:  # type: ignore[operator]
        alone = (
            f"in {month} alone {cheapest.entry.id} is cheapest ({_show(cheapest_first, cur)} against "
            f"{top.entry.id}'s {_show(top_first, cur)})"
        )
        total = _show(top.horizon_total, cur)
        if cheapest.uncovered_from is not None:
            out.append(
                f"{alone}, but it is not sold from {cheapest.uncovered_from} and {_no_cover(cheapest)}: over the "
                f"horizon {top.entry.id} ranks first at {total}"
            )
        else:
            why = _why(cheapest)
            out.append(
                f"{alone}, but over the horizon {top.entry.id} is cheapest: {total} against {cheapest.entry.id}'s "
                f"{total_cell(cheapest, cur)}" + (f", {why}" if why else "")
            )
    return out


def priced_cards(rows: Any, entries: Any = ()) -> list[tuple[str, Any, Any]]:
    """(label, model, card) of every price card the figures of ``rows`` use (their own, a scheduled one from
    its day, their successors'), and the current card of each of ``entries``; a card other than the model's
    current one is labelled with its first day (``gpt-5.4-nano``, ``gemini-3.8-flash from 2027-01-01``)."""
    found: dict[str, tuple[Any, Any]] = {}
    pairs = [pair for row in rows for pair in (row.cards or ((row.entry, row.entry.model.prices),))]
    for entry, card in [*pairs, *((e, e.model.prices) for e in entries)]:
        current = card.effective_from == entry.model.prices.effective_from
        label = entry.id if current else f"{entry.id} from {card.effective_from}"
        found.setdefault(label, (entry, card))
    return [(label, *found[label]) for label in sorted(found)]


__all__ = ["month_cell", "priced_cards", "ranking_lines", "savings_header", "total_cell", "total_header"]
