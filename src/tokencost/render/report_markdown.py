"""Markdown rendering of a plan (``tokencost plan --format markdown``, ``tokencost report --format markdown``)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from tokencost.families import accuracy_label
from tokencost.render.money import money, savings_pct

#: From this many integer digits on, amounts are shown in scientific notation (as the JSON document
#: switches to plain ``str``): a 30-digit figure is unreadable, and exact digits there are noise.
SCIENTIFIC_FROM = 24


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
    """One sentence per budget the plan is over: this month, else the first forecast month over it.

    ``w`` given: that workload's budget only; else the monthly total's and then every workload's. Budgets
    are compared in the plan's currency (see ``display_budget``); one that cannot be converted is said so.
    """
    cur = result.currency
    budgets = result.spec.budgets
    if w is None:
        checks = [
            (budgets.monthly_total, result.monthly_cost, result.total_forecast(), "total", "a", "this month")
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
            checks.append((limit, wp.monthly_cost, wp.forecast, f"workload {wp.name}", "its", wp.when_label))
    budget_currency = result.spec.currency or "USD"
    out = []
    for written, cost, forecast, what, article, when in checks:
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
                f"Over budget: {what} {money(cost, cur)} {when} against {article} "
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


def _money(value: Decimal | None, currency: str) -> str:
    return money(value, currency)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(_escape(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def render_markdown(result: Any, top: int | None = None, chart_top: int = 5) -> str:
    """The plan as Markdown: summary, per-workload ranking and forecast, exclusions, prices, assumptions."""
    cur = result.currency
    out = [
        f"# tokencost plan: {result.workload_file}",
        "",
        f"{result.horizon_months} months from {result.start}, costs in {cur}. Generated {result.generated_on}.",
        "",
        f"- This month on the current models: **{_money(result.monthly_cost, cur)}**",
        f"- On each workload's cheapest candidate: **{_money(result.best_monthly_cost, cur)}**",
    ]
    forecast = result.total_forecast()
    if forecast:
        out.append(f"- Month {len(forecast)} ({forecast[-1][0]}): **{_money(forecast[-1][1], cur)}**")
    budgets = result.spec.budgets
    total_budget = display_budget(result, budgets.monthly_total)
    if total_budget is not None:
        out.append(f"- Monthly budget: {_money(total_budget, cur)}")
    out += [f"- **{alert}**" for alert in budget_alerts(result)]
    for w in result.workloads:
        model = w.resolved.id if w.resolved else f"{w.workload.model} (unknown)"
        out += ["", f"## Workload {w.name}", ""]
        out.append(
            f"Current model **{model}**, {whole(w.requests_per_month)} requests/month, "
            f"{w.when_label} {_money(w.monthly_cost, cur)}."
        )
        workload_budget = display_budget(result, budgets.per_workload.get(w.name))
        if workload_budget is not None:
            out.append(f"Monthly budget {_money(workload_budget, cur)}.")
        rows = []
        for row in w.candidates[: top or None]:
            count = accuracy_label(row.tokens.count.exact, row.tokens.count.error_band, short=True)
            rows.append(
                [
                    str(row.rank),
                    row.entry.id + (" (current)" if row.is_current else ""),
                    row.entry.provider.id,
                    row.tokens.count.family,
                    count,
                    _money(row.monthly_cost, cur),
                    "" if row.savings is None else _money(row.savings, cur),
                    savings_pct(row.savings_pct),
                    "; ".join(row.notes),
                ]
            )
        out += [
            "",
            _table(
                [
                    "#",
                    "model",
                    "provider",
                    "tokenizer",
                    "count",
                    "monthly cost",
                    "savings",
                    "savings %",
                    "notes",
                ],
                rows,
            ),
        ]
        if top and len(w.candidates) > top:
            out.append(f"\n{len(w.candidates) - top} more candidate(s) not shown.")
        if w.forecast:
            out += ["", "Forecast (current model):", ""]
            out.append(_table(["month", "cost"], [[m, _money(c, cur)] for m, c in w.forecast]))
        if w.excluded:
            out += ["", "Excluded:", ""]
            out += [f"- {x.model}: {x.reason}" for x in w.excluded]
        if w.problems:
            out += ["", "Problems:", ""]
            out += [f"- {p}" for p in w.problems]
        out += ["", "Assumptions:", ""]
        out += [f"- {a}" for a in w.assumptions]
    if result.problems:
        out += ["", "## Problems", ""] + [f"- {p}" for p in result.problems]
    out += ["", "## Prices used", ""]
    rows = []
    used = {r.entry.id for w in result.workloads for r in w.candidates[: top or None]}
    used |= {w.resolved.id for w in result.workloads if w.resolved}
    for model_id in sorted(used):
        entry = result.entries.get(model_id)
        if entry is None:
            continue
        prices = entry.model.prices
        rows.append(
            [
                entry.id,
                entry.currency,
                str(prices.input) if prices.input is not None else "",
                str(prices.output) if prices.output is not None else "",
                str(prices.cache_read) if prices.cache_read is not None else "",
                entry.source or "",
                str(entry.checked or ""),
            ]
        )
    out.append(
        _table(["model", "currency", "input /M", "output /M", "cache read /M", "source", "checked"], rows)
    )
    out += ["", "## Assumptions", ""] + [f"- {a}" for a in result.assumptions]
    return "\n".join(out) + "\n"
