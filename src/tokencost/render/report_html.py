"""The procurement report: one self-contained HTML file (inline CSS and SVG, no JavaScript, no network).

Sections: summary, then per workload a bar chart of the projected monthly cost per candidate, a line chart
of the forecast for the top candidates, the ranking table and the exclusions; then the tokens each
tokenizer family makes of the sample text, the prices used with their source and checked date, and every
assumption. Prints on A4/Letter (charts are not split across pages).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from tokencost.families import FAMILIES, accuracy_label
from tokencost.render.money import money, savings_pct
from tokencost.render.report_markdown import budget_alerts, display_budget, whole
from tokencost.render.svg import Bar, Series, bar_chart, line_chart

MAX_BARS = 16

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, "Noto Sans CJK SC", sans-serif;
       color: #222; max-width: 820px; margin: 2em auto; padding: 0 1em; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #1f6fb2; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
.meta { color: #555; margin-top: 0; }
.summary { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
.figure { border: 1px solid #d8e3ee; border-radius: 6px; padding: 0.6em 1em; min-width: 200px; background: #f6f9fc; }
.figure .value { font-size: 1.35em; font-weight: 600; display: block; }
.figure .label { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f1f4f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.current td { background: #fff4e5; font-weight: 600; }
.neg { color: #b3261e; }
.alert { border: 1px solid #b3261e; border-left-width: 5px; border-radius: 6px; background: #fdecea;
         color: #8a1c14; font-weight: 600; padding: 0.5em 1em; margin: 0.6em 0; }
.note { color: #555; font-size: 0.9em; }
.src { font-size: 0.85em; word-break: break-all; }
table.prices td:nth-child(1) { min-width: 8.5em; overflow-wrap: anywhere; }
table.prices td:nth-child(9) { white-space: nowrap; }
.chart { display: block; max-width: 100%; height: auto; margin: 0.8em 0; }
.chart-block, table, .figure { break-inside: avoid; page-break-inside: avoid; }
ul.assumptions li { margin-bottom: 0.25em; }
a { color: #1f6fb2; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .figure { background: none; }
}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _table(
    headers: list[tuple[str, bool]],
    rows: list[tuple[list[str], str]],
    caption: str | None = None,
    klass: str = "",
) -> str:
    """``headers``: (text, numeric); ``rows``: (already-escaped cells, row class)."""
    out = [f"<table class='{klass}'>" if klass else "<table>"]
    if caption:
        out.append(f"<caption class='note'>{_e(caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(f"<th{' class=num' if n else ''}>{_e(h)}</th>" for h, n in headers)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for cells, klass in rows:
        attr = f" class='{klass}'" if klass else ""
        out.append(
            f"<tr{attr}>"
            + "".join(f"<td{' class=num' if headers[i][1] else ''}>{c}</td>" for i, c in enumerate(cells))
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def _alert(text: str) -> str:
    """A budget sentence: a red box when over, a plain note when the budget could not be compared."""
    klass = "note" if text.startswith("Budget not compared") else "alert"
    return f"<p class='{klass}'>{_e(text)}</p>"


def _count_label(info: Any) -> str:
    return accuracy_label(info.exact, info.error_band)


def row_notes(row: Any) -> str:
    """A candidate's pricing notes worth showing next to its cost (the count is its own column)."""
    return "; ".join(row.notes)


def _tokens(value: Decimal) -> str:
    return whole(value)


def _workload_section(result: Any, w: Any, index: int, top: int) -> list[str]:
    cur = result.currency
    budget = result.spec.budgets.per_workload.get(w.name)
    model = w.resolved.id if w.resolved else f"{w.workload.model} (unknown)"
    out = [f"<h2 id='workload-{index}'>Workload: {_e(w.name)}</h2>"]
    line = (
        f"Runs on <strong>{_e(model)}</strong> today: {_e(_tokens(w.requests_per_month))} requests a month, "
        f"{_e(_tokens(w.tokens.input))} input and {_e(_tokens(w.tokens.output))} output tokens per request "
        f"({_e(w.tokens.count.family)}, {_e(_count_label(w.tokens.count))})."
    )
    out.append(f"<p>{line}</p>")
    figures = [
        (f"{w.when_label[0].upper()}{w.when_label[1:]}, current model", money(w.monthly_cost, cur)),
        ("Cheapest candidate", f"{money(w.best.monthly_cost, cur)}" if w.best else "n/a"),
    ]
    if w.forecast:
        figures.append(
            (f"Month {len(w.forecast)} ({w.forecast[-1][0]}), current model", money(w.forecast[-1][1], cur))
        )
    if budget is not None:
        shown = display_budget(result, budget)
        figures.append(
            (
                "Monthly budget",
                money(budget, result.spec.currency or "USD") if shown is None else money(shown, cur),
            )
        )
        budget = shown  # drawn on the charts only in the plan's currency
    out.append(
        "<div class='summary'>"
        + "".join(
            f"<div class='figure'><span class='value'>{_e(v)}</span><span class='label'>{_e(k)}</span></div>"
            for k, v in figures
        )
        + "</div>"
    )
    out.extend(_alert(a) for a in budget_alerts(result, w))
    for problem in w.problems:
        out.append(f"<p class='neg'>Problem: {_e(problem)}</p>")

    # bar chart: the cheapest candidates, and the current model wherever it ranks
    shown = list(w.candidates[:MAX_BARS])
    current = next((r for r in w.candidates if r.is_current), None)
    if current is not None and current not in shown:
        shown.append(current)
    bars = [
        Bar(
            r.entry.id + (" (current)" if r.is_current else ""),
            r.monthly_cost,
            money(r.monthly_cost, cur),
            r.is_current,
        )
        for r in shown
    ]
    marker = ("budget", budget) if budget is not None else None
    more = len(w.candidates) - len([r for r in shown])
    title = f"Projected monthly cost per candidate ({w.months[0]}, {cur})"
    out.append("<div class='chart-block'>")
    out.append(bar_chart(bars, title=title, unit=f"{cur} per month", marker=marker, chart_id=f"bars-{index}"))
    if more > 0:
        out.append(f"<p class='note'>{more} more candidate(s) in the table below.</p>")
    out.append("</div>")

    # line chart: forecast of the top candidates and the current model
    lines_rows = list(w.candidates[:top])
    if current is not None and current not in lines_rows:
        lines_rows.append(current)
    series = [
        Series(
            r.entry.id + (" (current)" if r.is_current else ""),
            [c for _, c in w.candidate_forecast(r)],
            r.is_current,
        )
        for r in lines_rows
    ]
    out.append("<div class='chart-block'>")
    out.append(
        line_chart(
            series,
            w.months,
            title=f"Forecast over {len(w.months)} months (growth x{w.growth_factor.quantize(Decimal('0.0001'))} a month)",
            unit=f"{cur} per month",
            marker=marker,
            chart_id=f"lines-{index}",
        )
    )
    out.append("</div>")

    rows = []
    for r in w.candidates:
        savings = "" if r.savings is None else _e(money(r.savings, cur))
        pct = _e(savings_pct(r.savings_pct))
        neg = r.savings is not None and r.savings < 0
        rows.append(
            (
                [
                    str(r.rank),
                    _e(r.entry.id) + (" (current)" if r.is_current else ""),
                    _e(r.entry.provider.id),
                    _e(r.tokens.count.family),
                    _e(_count_label(r.tokens.count)),
                    _e(money(r.monthly_cost, cur)),
                    f"<span class='neg'>{savings}</span>" if neg else savings,
                    f"<span class='neg'>{pct}</span>" if neg else pct,
                    f"<span class='note'>{_e(row_notes(r))}</span>",
                ],
                "current" if r.is_current else "",
            )
        )
    out.append("<h3>Ranking</h3>")
    out.append(
        _table(
            [
                ("#", True),
                ("model", False),
                ("provider", False),
                ("tokenizer", False),
                ("count", False),
                ("monthly cost", True),
                ("savings", True),
                ("savings %", True),
                ("notes", False),
            ],
            rows,
        )
    )
    if w.excluded:
        out.append("<h3>Excluded candidates</h3><ul>")
        out.extend(f"<li>{_e(x.model)}: {_e(x.reason)}</li>" for x in w.excluded)
        out.append("</ul>")
    if w.forecast:
        out.append("<h3>Forecast, current model</h3>")
        for start in range(0, len(w.forecast), 6):
            chunk = w.forecast[start : start + 6]
            out.append(_table([(m, True) for m, _ in chunk], [([_e(money(c, cur)) for _, c in chunk], "")]))
    out.append("<h3>Assumptions for this workload</h3><ul class='assumptions'>")
    out.extend(f"<li>{_e(a)}</li>" for a in w.assumptions)
    out.append("</ul>")
    return out


def _family_section(result: Any) -> list[str]:
    out = ["<h2 id='tokens'>Tokens per tokenizer family</h2>"]
    any_text = False
    groups: dict[tuple, list[Any]] = {}
    for w in result.workloads:
        if w.sample_paths:
            groups.setdefault((tuple(w.sample_paths), w.chat), []).append(w)
    for members in groups.values():
        w = members[0]
        counts = result.sample_counts(w, list(FAMILIES))
        any_text = True
        reference = counts.get("o200k_base", next(iter(counts.values())))[0]
        rows = []
        for family, (mean, largest, info) in sorted(counts.items(), key=lambda kv: (kv[1][0], kv[0])):
            ratio = f"{(mean / reference):.2f}" if reference else ""
            rows.append(
                (
                    [
                        _e(family),
                        _e(_tokens(mean)),
                        _e(_tokens(largest)),
                        ratio,
                        _e(_count_label(info)),
                        _e(info.method),
                    ],
                    "",
                )
            )
        kind = "chat request(s)" if w.chat else "prompt file(s)"
        names = ", ".join(m.name for m in members)
        out.append(f"<h3>{_e(names)}: {len(w.samples)} sample {kind}</h3>")
        out.append(f"<p class='note'>{_e(', '.join(w.samples))}</p>")
        out.append(
            _table(
                [
                    ("family", False),
                    ("tokens / request", True),
                    ("largest", True),
                    ("vs o200k_base", True),
                    ("count", False),
                    ("method", False),
                ],
                rows,
            )
        )
    for w in result.workloads:
        if w.sample_paths:
            continue
        rows = [
            ([_e(f), _e(_tokens(t.input)), _e(_count_label(t.count)), _e(t.count.method)], "")
            for f, t in sorted(w.by_family.items())
        ]
        out.append(f"<h3>{_e(w.name)}: given token counts, converted</h3>")
        out.append(
            _table(
                [("family", False), ("input tokens / request", True), ("count", False), ("method", False)],
                rows,
            )
        )
    if not any_text:
        out.append(
            "<p class='note'>No workload gives sample text; counts were given and converted with measured ratios.</p>"
        )
    return out


def _prices_section(result: Any, top: int) -> list[str]:
    used: dict[str, Any] = {}
    for w in result.workloads:
        for r in w.candidates[: max(top, MAX_BARS)]:
            used[r.entry.id] = r.entry
        if w.resolved is not None and w.resolved.id in result.entries:
            used[w.resolved.id] = w.resolved
    rows = []
    for model_id in sorted(used):
        entry = used[model_id]
        p = entry.model.prices
        batch = p.variants.get("batch")
        source = entry.source or ""
        link = f"<a href='{_e(source)}'>{_e(source)}</a>" if source.startswith("http") else _e(source)

        def price(value: Any) -> str:
            return "" if value is None else _e(value)

        rows.append(
            (
                [
                    _e(entry.id),
                    _e(entry.provider.id),
                    _e(entry.currency),
                    price(p.input),
                    price(p.output),
                    price(p.cache_read),
                    price(batch.input)
                    + (" / " + price(batch.output) if batch and batch.output is not None else "")
                    if batch
                    else "",
                    f"<span class='src'>{link}</span>",
                    _e(entry.checked or ""),
                ],
                "",
            )
        )
    return [
        "<h2 id='prices'>Prices used</h2>",
        "<p class='note'>Per million tokens in the provider's currency (standard tier; long-context tiers apply "
        "to the whole request above their threshold).</p>",
        _table(
            [
                ("model", False),
                ("provider", False),
                ("cur.", False),
                ("input", True),
                ("output", True),
                ("cache read", True),
                ("batch in / out", True),
                ("source", False),
                ("checked", False),
            ],
            rows,
            klass="prices",
        ),
    ]


def render_html(result: Any, top: int = 5) -> str:
    """The full report as one HTML document."""
    cur = result.currency
    data = result.price_data()
    forecast = result.total_forecast()
    budget = result.spec.budgets.monthly_total
    figures = [
        ("This month on the current models", money(result.monthly_cost, cur)),
        ("On each workload's cheapest candidate", money(result.best_monthly_cost, cur)),
    ]
    if forecast:
        figures.append(
            (f"Month {len(forecast)} ({forecast[-1][0]}), current models", money(forecast[-1][1], cur))
        )
    if budget is not None:
        shown = display_budget(result, budget)
        figures.append(
            (
                "Monthly budget",
                money(budget, result.spec.currency or "USD") if shown is None else money(shown, cur),
            )
        )
    head = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>tokencost report: {_e(result.workload_file)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>LLM spend projection</h1>",
        f"<p class='meta'>Workload file <code>{_e(result.workload_file)}</code> · {result.horizon_months} months from "
        f"{_e(result.start)} · costs in {_e(cur)} · prices checked {_e(data['oldest_checked'])}"
        + (f" to {_e(data['newest_checked'])}" if data["newest_checked"] != data["oldest_checked"] else "")
        + f" · generated {_e(result.generated_on)} by tokencost</p>",
        "<div class='summary'>"
        + "".join(
            f"<div class='figure'><span class='value'>{_e(v)}</span><span class='label'>{_e(k)}</span></div>"
            for k, v in figures
        )
        + "</div>",
    ]
    head.extend(_alert(a) for a in budget_alerts(result))
    if result.fx_note:
        head.append(f"<p class='note'>Currency conversion: {_e(result.fx_note)}</p>")
    summary_rows = []
    for i, w in enumerate(result.workloads):
        best = w.best
        summary_rows.append(
            (
                [
                    f"<a href='#workload-{i}'>{_e(w.name)}</a>",
                    _e(w.resolved.id if w.resolved else w.workload.model),
                    _e(money(w.monthly_cost, cur))
                    + ("" if w.when_label == "this month" else f" ({_e(w.when_label)})"),
                    _e(best.entry.id) if best else "",
                    _e(money(best.monthly_cost, cur)) if best else "",
                    _e(money(w.forecast[-1][1], cur)) if w.forecast else "",
                ],
                "",
            )
        )
    head.append(
        _table(
            [
                ("workload", False),
                ("current model", False),
                ("this month", True),
                ("cheapest candidate", False),
                ("its cost", True),
                ("last forecast month", True),
            ],
            summary_rows,
        )
    )
    for problem in result.problems:
        head.append(f"<p class='neg'>Problem: {_e(problem)}</p>")
    body: list[str] = []
    for i, w in enumerate(result.workloads):
        body.extend(_workload_section(result, w, i, top))
    body.extend(_family_section(result))
    body.extend(_prices_section(result, top))
    body.append("<h2 id='assumptions'>Assumptions</h2><ul class='assumptions'>")
    body.extend(f"<li>{_e(a)}</li>" for a in result.assumptions)
    body.append("</ul>")
    body.append("</body></html>")
    return "\n".join([*head, *body]) + "\n"
