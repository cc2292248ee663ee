"""The procurement report: one self-contained HTML file (inline CSS and SVG, no JavaScript, no network).

Sections: the headline (figures named by month, the horizon total, budget alerts, one row per workload),
then per workload its charts, ranking and forecast (``report_workload.py``), then the tokens each tokenizer
family makes of the sample text, the prices used with their source and checked date, and every assumption.
``render_html`` assembles a list of sections; ``page`` wraps any list of sections, so another section
(e.g. a replay) is one more list item. Full width on screen, compact on A4/Letter (charts never split).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tokencost.families import FAMILIES
from tokencost.render import colours as model_colours
from tokencost.render.html_parts import alert, bullet_list, esc, figures, folded, table
from tokencost.render.money import money
from tokencost.render.plan_horizon import priced_cards
from tokencost.render.report_markdown import budget_alerts, display_budget, whole
from tokencost.render.report_workload import MAX_BARS, charted_models, count_label, month_of, workload_section

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, "Noto Sans CJK SC", sans-serif;
       color: #222; max-width: 1240px; margin: 1.5em auto; padding: 0 1.5em; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #1f6fb2; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
.meta { color: #555; margin-top: 0; }
.summary { display: flex; gap: 0.8em; flex-wrap: wrap; margin: 1em 0; }
.figure { border: 1px solid #d8e3ee; border-radius: 6px; padding: 0.5em 1em; min-width: 180px; background: #f6f9fc; }
.figure .value { font-size: 1.35em; font-weight: 600; display: block; }
.figure .label { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 0.92em; }
caption { text-align: left; caption-side: bottom; padding-top: 0.3em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f1f4f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.current td { background: #fff4e5; font-weight: 600; }
.neg { color: #b3261e; }
.alert { border: 1px solid #b3261e; border-left-width: 5px; border-radius: 6px; background: #fdecea;
         color: #8a1c14; font-weight: 600; padding: 0.5em 1em; margin: 0.6em 0; }
.note { color: #555; font-size: 0.9em; }
.src { font-size: 0.85em; word-break: break-all; }
details.fold summary { cursor: pointer; list-style-position: outside; }
details.fold[open] summary { display: none; }
table.prices td:nth-child(1) { min-width: 8.5em; overflow-wrap: anywhere; }
table.prices td:nth-child(9) { white-space: nowrap; }
.chart { display: block; width: 100%; max-width: 1100px; height: auto; margin: 0.8em 0; }
.chart-block, .figure, tr { break-inside: avoid; page-break-inside: avoid; }
ul.assumptions li { margin-bottom: 0.25em; }
a { color: #1f6fb2; }
@media print {
  @page { margin: 12mm; }
  body { margin: 0; padding: 0; max-width: none; font-size: 9pt; line-height: 1.3; }
  h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.2em; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 10pt; margin-top: 0.8em; }
  .figure { background: none; padding: 0.3em 0.6em; min-width: 140px; }
  table { font-size: 8pt; margin: 0.3em 0 0.6em; }
  .chart { margin: 0.3em 0; }
  a { color: inherit; text-decoration: none; }
}
"""


def first_month(result: Any) -> str:
    """The plan's first month (``2026-12``): what its headline monthly figures are the cost of."""
    forecast = result.total_forecast()
    return forecast[0][0] if forecast else f"{result.start:%Y-%m}"


def _headline_figures(result: Any) -> list[tuple[str, str]]:
    cur, month = result.currency, first_month(result)
    items = [
        (f"{month} on the current models", money(result.monthly_cost, cur)),
        (f"{month} on each workload's top-ranked candidate", money(result.best_monthly_cost, cur)),
    ]
    forecast = result.total_forecast()
    if forecast:
        items.append(
            (f"{forecast[-1][0]} (month {len(forecast)}), current models", money(forecast[-1][1], cur))
        )
        total = sum((c for _, c in forecast), Decimal(0))
        items.append((f"Total {month} to {forecast[-1][0]}, current models", money(total, cur)))
    budget = result.spec.budgets.monthly_total
    if budget is not None:
        shown = display_budget(result, budget)
        text = money(budget, result.spec.currency or "USD") if shown is None else money(shown, cur)
        items.append(("Monthly budget", text))
    return items


def _meta(result: Any) -> str:
    data = result.price_data()
    checked = esc(data["oldest_checked"])
    if data["newest_checked"] != data["oldest_checked"]:
        checked += f" to {esc(data['newest_checked'])}"
    return (
        f"<p class='meta'>Workload file <code>{esc(result.workload_file)}</code> · {result.horizon_months} months "
        f"from {esc(first_month(result))} · costs in {esc(result.currency)} · prices checked {checked} · "
        f"generated {esc(result.generated_on)} by tokencost</p>"
    )


def _summary_row(result: Any, i: int, w: Any) -> tuple[list[str], str]:
    cur, best = result.currency, w.best
    return (
        [
            f"<a href='#workload-{i}'>{esc(w.name)}</a>",
            esc(w.resolved.id if w.resolved else w.workload.model),
            esc(month_of(w)),
            esc(money(w.monthly_cost, cur)),
            esc(best.entry.id) if best else "",
            esc(money(w.first_cost(best), cur)) if best else "",
            esc(money(best.horizon_total, cur)) if best else "",
            esc(money(w.forecast[-1][1], cur)) if w.forecast else "",
        ],
        "",
    )


def headline_section(result: Any) -> list[str]:
    """Title, meta line, headline figures, budget alerts and one row per workload."""
    out = ["<h1>LLM spend projection</h1>", _meta(result), figures(_headline_figures(result))]
    out.extend(alert(a) for a in budget_alerts(result))
    if result.fx_note:
        out.append(f"<p class='note'>Currency conversion: {esc(result.fx_note)}</p>")
    headers = [
        ("workload", False),
        ("current model", False),
        ("first month", False),
        ("its cost", True),
        ("cheapest over the horizon", False),
        ("its cost", True),
        ("its horizon total", True),
        ("last forecast month", True),
    ]
    out.append(table(headers, [_summary_row(result, i, w) for i, w in enumerate(result.workloads)]))
    out.extend(f"<p class='neg'>Problem: {esc(p)}</p>" for p in result.problems)
    return out


def _sample_groups(result: Any) -> list[list[Any]]:
    """Workloads that share the same sample files (counted once)."""
    groups: dict[tuple, list[Any]] = {}
    for w in result.workloads:
        if w.sample_paths:
            groups.setdefault((tuple(w.sample_paths), w.chat), []).append(w)
    return list(groups.values())


def _sample_table(result: Any, members: list[Any]) -> list[str]:
    w = members[0]
    counts = result.sample_counts(w, list(FAMILIES))
    reference = counts.get("o200k_base", next(iter(counts.values())))[0]
    rows = []
    for family, (mean, largest, info) in sorted(counts.items(), key=lambda kv: (kv[1][0], kv[0])):
        ratio = f"{(mean / reference):.2f}" if reference else ""
        cells = [
            esc(family),
            esc(whole(mean)),
            esc(whole(largest)),
            ratio,
            esc(count_label(info)),
            folded(info.method),
        ]
        rows.append((cells, ""))
    kind = "chat request(s)" if w.chat else "prompt file(s)"
    headers = [
        ("family", False),
        ("tokens / request", True),
        ("largest", True),
        ("vs o200k_base", True),
        ("count", False),
        ("method", False),
    ]
    return [
        f"<h3>{esc(', '.join(m.name for m in members))}: {len(w.samples)} sample {kind}</h3>",
        f"<p class='note'>{esc(', '.join(w.samples))}</p>",
        table(headers, rows),
    ]


def _given_counts_table(w: Any) -> list[str]:
    rows = [
        ([esc(f), esc(whole(t.input)), esc(count_label(t.count)), folded(t.count.method)], "")
        for f, t in sorted(w.by_family.items())
    ]
    headers = [("family", False), ("input tokens / request", True), ("count", False), ("method", False)]
    return [f"<h3>{esc(w.name)}: given token counts, converted</h3>", table(headers, rows)]


def family_section(result: Any) -> list[str]:
    """Tokens per request in every tokenizer family, from the sample text or converted from given counts."""
    out = ["<h2 id='tokens'>Tokens per tokenizer family</h2>"]
    groups = _sample_groups(result)
    for members in groups:
        out += _sample_table(result, members)
    for w in result.workloads:
        if not w.sample_paths:
            out += _given_counts_table(w)
    if not groups:
        out.append(
            "<p class='note'>No workload gives sample text; counts were given and converted with measured ratios.</p>"
        )
    return out


def _price_row(label: str, entry: Any, p: Any) -> tuple[list[str], str]:
    batch = p.variants.get("batch")
    source = entry.source or ""
    link = f"<a href='{esc(source)}'>{esc(source)}</a>" if source.startswith("http") else esc(source)

    def price(value: Any) -> str:
        return "" if value is None else esc(value)

    batch_text = ""
    if batch:
        batch_text = price(batch.input) + (" / " + price(batch.output) if batch.output is not None else "")
    cells = [
        esc(label),
        esc(entry.provider.id),
        esc(entry.currency),
        price(p.input),
        price(p.output),
        price(p.cache_read),
        batch_text,
        f"<span class='src'>{link}</span>",
        esc(entry.checked or ""),
    ]
    return cells, ""


PRICE_HEADERS = [
    ("model", False),
    ("provider", False),
    ("cur.", False),
    ("input", True),
    ("output", True),
    ("cache read", True),
    ("batch in / out", True),
    ("source", False),
    ("checked", False),
]


def prices_section(result: Any, top: int) -> list[str]:
    """Every price card the report's figures use (the candidates' own, scheduled and successors' cards),
    with its source and checked date."""
    rows = [r for w in result.workloads for r in w.candidates[: max(top, MAX_BARS)]]
    rows += [w.current_row for w in result.workloads if w.current_row is not None]
    return [
        "<h2 id='prices'>Prices used</h2>",
        "<p class='note'>Per million tokens in the provider's currency (standard tier; long-context tiers apply "
        "to the whole request above their threshold); a card from a later day is named with it.</p>",
        table(PRICE_HEADERS, [_price_row(*item) for item in priced_cards(rows)], klass="prices"),
    ]


def assumptions_section(result: Any) -> list[str]:
    return ["<h2 id='assumptions'>Assumptions</h2>", *bullet_list(result.assumptions)]


def page(title: str, sections: Sequence[list[str]]) -> str:
    """A complete, self-contained HTML document of ``sections`` (each a list of HTML lines)."""
    head = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    return "\n".join([*head, *(line for s in sections for line in s), "</body></html>"]) + "\n"


def render_html(result: Any, top: int = 5, extra_sections: Sequence[list[str]] = ()) -> str:
    """The full report as one HTML document; ``extra_sections`` go before the token, price and assumption
    appendices."""
    ids = [m for w in result.workloads for m in charted_models(w, top)]
    colours = model_colours.assign(ids)
    sections = [headline_section(result)]
    sections += [workload_section(result, w, i, top, colours) for i, w in enumerate(result.workloads)]
    sections += [
        *extra_sections,
        family_section(result),
        prices_section(result, top),
        assumptions_section(result),
    ]
    return page(f"tokencost report: {result.workload_file}", sections)


__all__ = ["CSS", "page", "render_html"]
