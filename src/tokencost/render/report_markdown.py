"""Markdown rendering of a plan (``tokencost plan --format markdown``, ``tokencost report --format markdown``)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from tokencost.families import accuracy_label, range_label
from tokencost.render.breakdown import breakdown_markdown
from tokencost.render.money import money, savings_pct
from tokencost.render.plan_horizon import (
    month_cell,
    priced_cards,
    ranking_lines,
    savings_header,
    shown_candidates,
    total_cell,
    total_header,
)
from tokencost.render.plan_ranges import count_suffix, current_range, range_lines, with_range_column
from tokencost.render.tabular import markdown_text

#: From this many integer digits on, amounts are shown in scientific notation (as the JSON document
#: switches to plain ``str``): a 30-digit figure is unreadable, and exact digits there are noise.
SCIENTIFIC_FROM = 24


def rate_text(value: Decimal) -> str:
    """A rate such as requests a month: whole from 10 up (``whole``); below, two significant digits, so a
    workload of 0.4 requests a month does not read as 0 (``0.4``, ``2.5``, ``0.012``)."""
    if not value.is_finite() or abs(value) >= 10 or value == value.to_integral_value():
        return whole(value)
    digits = max(0, 1 - value.adjusted())
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") or "0"


def whole(value: Decimal) -> str:
    """A count rounded to a whole number with thousands separators (``1,217,500``); never raises."""
    if not value.is_finite():
        return str(value)
    if value and value.adjusted() >= SCIENTIFIC_FROM:
        return f"{value:.4E}"
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + 4)
        return f"{value.quantize(Decimal(1)):,}"


def _over(cost: Decimal, limit: Decimal) -> bool:
    """``cost`` over ``limit`` at the JSON document's precision (as ``tokencost check`` compares)."""
    if not cost.is_finite():
        return not cost.is_nan() and cost > limit
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, cost.adjusted() + 8)
        return cost.quantize(Decimal("0.0001")) > limit


def display_budget(result: Any, value: Decimal | None) -> Decimal | None:
    """A budget written in the workload file's currency, in the plan's currency ``result.currency``.

    The planner converts it (``in_display_currency``, as the JSON document does); without that, a budget in
    another currency than the plan's cannot be compared and this returns None.
    """
    if value is None:
        return None
    convert = getattr(result, "in_display_currency", None)
    if convert is not None:
        return convert(value)
    return value if (result.spec.currency or "USD") == result.currency else None


def budget_alerts(result: Any, w: Any = None) -> list[str]:
    """One sentence per budget the plan is over: in its first month, else the first forecast month over it.

    ``w`` given: that workload's budget only; else the monthly total's and then every workload's. Budgets
    are compared in the plan's currency (see ``display_budget``); one that cannot be converted is said so.
    """
    cur = result.currency
    budgets = result.spec.budgets
    if w is None:
        checks = [
            (
                budgets.monthly_total,
                result.monthly_cost,
                result.total_forecast(),
                "total",
                "a",
                f"in {first_month(result)}",
            )
        ]
        workloads = result.workloads
    else:
        checks = []
        workloads = [w]
    for wp in workloads:
        limit = budgets.per_workload.get(wp.name)
        if wp.monthly_cost is not None:
            if wp.first_month is None:
                continue  # starts after the horizon: nothing of it is in the plan
            checks.append((limit, wp.monthly_cost, wp.forecast, f"workload {wp.name}", "its", when(wp)))
    budget_currency = result.spec.currency or "USD"
    out = []
    for written, cost, forecast, what, article, period in checks:
        if written is None:
            continue
        limit = display_budget(result, written)
        if limit is None:
            out.append(
                f"Budget not compared: the {what} budget of {money(written, budget_currency)} is in "
                f"{budget_currency}, costs are shown in {cur}"
            )
        elif _over(cost, limit):
            out.append(
                f"Over budget: {what} {money(cost, cur)} {period} against {article} "
                f"{money(limit, cur)} monthly budget (over by {money(cost - limit, cur)})"
            )
        else:
            month = next(((m, c) for m, c in forecast if _over(c, limit)), None)
            if month is not None:
                out.append(
                    f"Forecast over budget: {what} projected at {money(month[1], cur)} in {month[0]} against "
                    f"{article} {money(limit, cur)} monthly budget"
                )
    return out


def first_month(result: Any) -> str:
    """The plan's first month (``2026-12``): what its headline monthly figures are the cost of."""
    forecast = result.total_forecast()
    return forecast[0][0] if forecast else f"{result.start:%Y-%m}"


def when(w: Any) -> str:
    """When a workload's ``monthly_cost`` applies, by name: ``in 2026-12``, ``from 2027-03`` (a later start)."""
    if w.first_month is None:
        return "after the horizon"
    return f"{'in' if w.first_month == 0 else 'from'} {w.first_month_label}"


def horizon_total(forecast: list[tuple[str, Decimal]]) -> Decimal:
    """The sum of a forecast's months: the spend over the whole horizon."""
    return sum((c for _, c in forecast), Decimal(0))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def _headline(result: Any) -> list[str]:
    cur, month = result.currency, first_month(result)
    out = [
        f"# tokencost plan: {result.workload_file}",
        "",
        f"{result.horizon_months} months from {month}, costs in {cur}. Generated {result.generated_on}.",
        "",
        f"- {month} on the current models: **{money(result.monthly_cost, cur)}**",
        f"- {month} on each workload's top-ranked candidate: **{money(result.best_monthly_cost, cur)}**",
    ]
    forecast = result.total_forecast()
    if forecast:
        last = forecast[-1]
        out.append(f"- {last[0]} (month {len(forecast)}), current models: **{money(last[1], cur)}**")
        out.append(f"- Total {month} to {last[0]}, current models: **{money(horizon_total(forecast), cur)}**")
    total_budget = display_budget(result, result.spec.budgets.monthly_total)
    if total_budget is not None:
        out.append(f"- Monthly budget: {money(total_budget, cur)}")
    out += [f"- **{alert}**" for alert in budget_alerts(result)]
    return out


CANDIDATE_HEADERS = [
    "#",
    "model",
    "provider",
    "tokenizer",
    "count",
    "monthly cost",
    "horizon total",  # "6-month total": what the rows are ranked by
    "savings",  # "6-month savings"
    "savings %",
    "notes",
]


def _candidate_row(w: Any, row: Any, cur: str) -> list[str]:
    return [
        str(row.rank),
        row.entry.id + (" (current)" if row.is_current else ""),
        row.entry.provider.id,
        row.tokens.count.family,
        tokens_label(row.tokens, short=True) + count_suffix(row),
        month_cell(w, row, cur),
        total_cell(row, cur),
        "" if row.horizon_savings is None else money(row.horizon_savings, cur),
        savings_pct(row.horizon_savings_pct),
        "; ".join(row.notes),
    ]


def _workload(result: Any, w: Any, top: int | None, breakdown_top: int | None = 5) -> list[str]:
    cur = result.currency
    model = w.resolved.id if w.resolved else f"{w.workload.model} (unknown)"
    out = ["", f"## Workload {markdown_text(w.name, line_break=' ')}", ""]
    out.append(
        f"Current model **{model}**, {rate_text(w.requests_per_month)} requests/month, "
        f"{when(w)} {money(w.monthly_cost, cur)}{current_range(w, cur)}."
    )
    workload_budget = display_budget(result, result.spec.budgets.per_workload.get(w.name))
    if workload_budget is not None:
        out.append(f"Monthly budget {money(workload_budget, cur)}.")
    shown = shown_candidates(w, top)
    rows = [_candidate_row(w, row, cur) for row in shown]
    named = {"horizon total": total_header(result), "savings": savings_header(result)}
    headers = [named.get(head, head) for head in CANDIDATE_HEADERS]
    out += ["", _table(*with_range_column(headers, rows, shown, cur))]
    lines = [*ranking_lines(result, w), *range_lines(shown, result.currency)]
    out += [f"\n- {line}" if i == 0 else f"- {line}" for i, line in enumerate(lines)]
    if len(w.candidates) > len(shown):
        out.append(f"\n{len(w.candidates) - len(shown)} more candidate(s) not shown.")
    out += breakdown_markdown(result, w, breakdown_top)
    if w.forecast:
        out += ["", f"Forecast (current model), total {money(horizon_total(w.forecast), cur)}:", ""]
        out.append(_table(["month", "cost"], [[m, money(c, cur)] for m, c in w.forecast]))
    for title, items in (
        ("Excluded", [f"{x.model}: {x.reason}" for x in w.excluded]),
        ("Problems", w.problems),
    ):
        if items:
            out += ["", f"{title}:", ""] + [f"- {i}" for i in items]
    out += ["", "Assumptions:", ""] + [f"- {a}" for a in w.assumptions]
    return out


def _prices(result: Any, top: int | None) -> list[str]:
    """Every price card the shown figures use: the candidates' own, scheduled and successors' cards."""
    rows = [r for w in result.workloads for r in shown_candidates(w, top)]
    rows += [w.current_row for w in result.workloads if w.current_row is not None]

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    table_rows = [
        [
            label,
            entry.currency,
            text(card.input),
            text(card.output),
            text(card.cache_read),
            entry.source or "",
            str(entry.checked or ""),
        ]
        for label, entry, card in priced_cards(rows)
    ]
    headers = ["model", "currency", "input /M", "output /M", "cache read /M", "source", "checked"]
    return ["", "## Prices used", "", _table(headers, table_rows)]


def render_markdown(result: Any, top: int | None = None, chart_top: int = 5) -> str:
    """The plan as Markdown: summary, per-workload ranking and forecast, exclusions, prices, assumptions."""
    out = _headline(result)
    for w in result.workloads:
        out += _workload(result, w, top, chart_top)
    if result.problems:
        out += ["", "## Problems", ""] + [f"- {p}" for p in result.problems]
    out += _prices(result, top)
    out += ["", "## Assumptions", ""] + [f"- {a}" for a in result.assumptions]
    return "\n".join(out) + "\n"


def tokens_label(tokens: Any, short: bool = False) -> str:
    """How sure a family's tokens are, said as their range is (``est ±24%`` for a short Chinese sample whose
    range is ±24 %, not the family's stated band): the same label ``count`` and ``estimate`` give."""
    count = tokens.count
    if tokens.bounds is None:
        return accuracy_label(count.exact, count.error_band, short)
    low, high = (float(value) for value in tokens.bounds)
    return range_label(count.exact, float(tokens.input), low, high, count.error_band, short)
