"""One workload's section of the HTML report: headline figures, the two charts, ranking, forecast, notes.

Every headline figure names its month (a workload's first month, from the plan's grid), never "this month".
Chart colours come from a per-report map (``render/colours.assign``) so a model keeps its colour everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokencost.families import accuracy_label
from tokencost.render.breakdown import breakdown_html
from tokencost.render.html_parts import alert, bullet_list, esc, figures, folded, table
from tokencost.render.money import money, savings_pct
from tokencost.render.plan_horizon import (
    month_cell,
    ranking_lines,
    savings_header,
    shown_candidates,
    total_cell,
    total_header,
)
from tokencost.render.plan_ranges import count_suffix, current_range, range_lines, with_range_column
from tokencost.render.report_markdown import budget_alerts, display_budget, rate_text, tokens_label, whole
from tokencost.render.svg import Bar, Series, bar_chart, line_chart

MAX_BARS = 16
CHART_WIDTH = 1100

RANKING_HEADERS = [
    ("#", True),
    ("model", False),
    ("provider", False),
    ("tokenizer", False),
    ("count", False),
    ("monthly cost", True),
    ("horizon total", True),  # "6-month total": what the rows are ranked by
    ("savings", True),  # "6-month savings"
    ("savings %", True),
    ("notes", False),
]


def count_label(info: Any) -> str:
    return accuracy_label(info.exact, info.error_band)


def row_notes(row: Any) -> str:
    """A candidate's pricing notes worth showing next to its cost (the count is its own column)."""
    return "; ".join(row.notes)


def month_of(w: Any) -> str:
    """The month ``w.monthly_cost`` is the cost of (its first month), or ``after the horizon``."""
    return w.first_month_label or "after the horizon"


def label(row: Any) -> str:
    """A candidate's name on the charts: ``(current)`` and its retirement, so no chart shows it unmarked."""
    text = row.entry.id + (" (current)" if row.is_current else "")
    retirement = next((n for n in row.notes if n.startswith(("retired on", "retires on"))), None)
    return text + (f" ({retirement.split(';')[0]})" if retirement else "")


def workload_budget(result: Any, w: Any) -> tuple[Decimal | None, str | None]:
    """(budget in the plan's currency for the charts, its text for the figures)."""
    written = result.spec.budgets.per_workload.get(w.name)
    if written is None:
        return None, None
    shown = display_budget(result, written)
    if shown is None:
        return None, money(written, result.spec.currency or "USD")
    return shown, money(shown, result.currency)


def _intro(w: Any) -> str:
    model = w.resolved.id if w.resolved else f"{w.workload.model} (unknown)"
    count = w.tokens.count
    return (
        f"<p>Runs on <strong>{esc(model)}</strong>: {esc(rate_text(w.requests_per_month))} requests a month "
        f"from {esc(month_of(w))}, {esc(whole(w.tokens.input))} input and {esc(whole(w.tokens.output))} "
        f"output tokens per request ({esc(count.family)}, {esc(count_label(count))}).</p>"
    )


def _figures(result: Any, w: Any, budget_text: str | None) -> str:
    cur, month = result.currency, month_of(w)
    items = [
        (f"{month}, current model", money(w.monthly_cost, cur)),
        (f"{month}, top-ranked candidate", money(w.first_cost(w.best), cur) if w.best else "n/a"),
    ]
    if w.forecast:
        last, cost = w.forecast[-1]
        items.append((f"{last} (month {len(w.forecast)}), current model", money(cost, cur)))
        items.append(
            (
                f"Total {w.months[0]} to {last}, current model",
                money(sum((c for _, c in w.forecast), Decimal(0)), cur),
            )
        )
    if budget_text is not None:
        items.append(("Monthly budget", budget_text))
    return figures(items)


def _charted(w: Any, limit: int) -> list[Any]:
    """The ``limit`` cheapest candidates, and the current model wherever it ranks."""
    return shown_candidates(w, limit)


def charted_models(w: Any, top: int) -> list[str]:
    """Every model id the workload's charts draw (for the report's colour map)."""
    return [r.entry.id for r in _charted(w, max(top, MAX_BARS))]


def _bar_block(result: Any, w: Any, index: int, marker: Any, colours: dict[str, str]) -> list[str]:
    cur = result.currency
    shown = _charted(w, MAX_BARS)
    bars = [
        Bar(label(r), r.monthly_cost, money(r.monthly_cost, cur), r.is_current, colours.get(r.entry.id))
        for r in shown
    ]
    title = f"Projected monthly cost per candidate in {month_of(w)} ({cur})"
    out = ["<div class='chart-block'>"]
    out.append(
        bar_chart(
            bars,
            title=title,
            unit=f"{cur} per month",
            marker=marker,
            width=CHART_WIDTH,
            chart_id=f"bars-{index}",
        )
    )
    more = len(w.candidates) - len(shown)
    if more > 0:
        out.append(f"<p class='note'>{more} more candidate(s) in the table below.</p>")
    out.append("</div>")
    return out


def _line_block(result: Any, w: Any, index: int, top: int, marker: Any, colours: dict[str, str]) -> list[str]:
    series = [
        Series(label(r), [c for _, c in w.candidate_forecast(r)], r.is_current, colours.get(r.entry.id))
        for r in _charted(w, top)
    ]
    growth = w.growth_factor.quantize(Decimal("0.0001"))
    title = f"Forecast {w.months[0]} to {w.months[-1]} (growth x{growth} a month)"
    chart = line_chart(
        series,
        w.months,
        title=title,
        unit=f"{result.currency} per month",
        marker=marker,
        width=CHART_WIDTH,
        chart_id=f"lines-{index}",
    )
    return ["<div class='chart-block'>", chart, "</div>"]


def _ranking_row(w: Any, r: Any, cur: str) -> tuple[list[str], str]:
    neg = r.horizon_savings is not None and r.horizon_savings < 0

    def red(text: str) -> str:
        return f"<span class='neg'>{text}</span>" if neg and text else text

    cells = [
        str(r.rank),
        esc(label(r)),
        esc(r.entry.provider.id),
        esc(r.tokens.count.family),
        esc(tokens_label(r.tokens) + count_suffix(r)),
        esc(month_cell(w, r, cur)),
        esc(total_cell(r, cur)),
        red("" if r.horizon_savings is None else esc(money(r.horizon_savings, cur))),
        red(esc(savings_pct(r.horizon_savings_pct))),
        f"<span class='note'>{folded(row_notes(r), 60)}</span>",
    ]
    return cells, "current" if r.is_current else ""


def _ranking(result: Any, w: Any) -> list[str]:
    rows = [_ranking_row(w, r, result.currency) for r in w.candidates]
    caption = (
        f"Monthly cost in {month_of(w)} and total over the horizon, {result.currency}; ranked by the total, "
        "savings over the horizon against the current model."
    )
    named = {"horizon total": total_header(result), "savings": savings_header(result)}
    headers = [(named.get(head, head), numeric) for head, numeric in RANKING_HEADERS]
    headers, rows = with_range_column(headers, rows, w.candidates, result.currency, esc)
    lines = [*ranking_lines(result, w), *range_lines(w.candidates, result.currency)]
    notes = [f"<p class='note'>{esc(line)}</p>" for line in lines]
    return ["<h3>Ranking</h3>", table(headers, rows, caption=caption), *notes]


def _forecast_table(result: Any, w: Any) -> list[str]:
    if not w.forecast:
        return []
    out = ["<h3>Forecast, current model</h3>"]
    for start in range(0, len(w.forecast), 6):
        chunk = w.forecast[start : start + 6]
        out.append(
            table([(m, True) for m, _ in chunk], [([esc(money(c, result.currency)) for _, c in chunk], "")])
        )
    return out


def _problems(w: Any) -> list[str]:
    return [f"<p class='neg'>Problem: {esc(p)}</p>" for p in w.problems]


def _excluded(w: Any) -> list[str]:
    if not w.excluded:
        return []
    items = [f"<li>{esc(x.model)}: {esc(x.reason)}</li>" for x in w.excluded]
    return ["<h3>Excluded candidates</h3>", "<ul>", *items, "</ul>"]


def workload_section(result: Any, w: Any, index: int, top: int, colours: dict[str, str]) -> list[str]:
    """The whole section of one workload (``index`` makes its anchors and chart ids unique)."""
    budget, budget_text = workload_budget(result, w)
    marker = (f"budget {budget_text}", budget) if budget is not None else None
    out = [
        f"<h2 id='workload-{index}'>Workload: {esc(w.name)}</h2>",
        _intro(w),
        _figures(result, w, budget_text),
    ]
    if current_range(w, result.currency):  # the current model's count is an estimate
        out.append(
            f"<p class='note'>{esc(f'{month_of(w)}, current model{current_range(w, result.currency)}')}</p>"
        )
    out.extend(alert(a) for a in budget_alerts(result, w))
    out += _problems(w)
    out += ["<div class='charts'>"]
    out += _bar_block(result, w, index, marker, colours)
    out += _line_block(result, w, index, top, marker, colours)
    out += ["</div>"]
    out += _ranking(result, w)
    out += breakdown_html(result, w, top)
    out += _excluded(w)
    out += _forecast_table(result, w)
    out.append("<h3>Assumptions for this workload</h3>")
    out += bullet_list(w.assumptions)
    return out


__all__ = [
    "CHART_WIDTH",
    "MAX_BARS",
    "charted_models",
    "count_label",
    "month_of",
    "row_notes",
    "workload_section",
]
