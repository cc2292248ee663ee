"""The "Replay of real usage" section of the procurement report (``tokencost report --replay LOG``): actual
cost vs each candidate in total and per month (inline SVG charts), the reconciliation with billed cost, and
what was skipped. Works on a ``tokencost.replay/1`` document grouped by month; HTML or Markdown."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from tokencost.render.replay_render import days_text
from tokencost.render.svg import Bar, Series, bar_chart, line_chart

MAX_CANDIDATES = 6


def _money(value: str | None, currency: str) -> str:
    from tokencost.render.report_markdown import money

    return money(Decimal(value), currency, missing="") if value is not None else "n/a"


def _candidates(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document["candidates"][:MAX_CANDIDATES]


def _charts(document: dict[str, Any]) -> list[str]:
    currency = document["currency"]
    total = document["actual_total"]["computed_cost"]
    bars = [Bar("actual (as logged)", Decimal(total), _money(total, currency), True)]
    bars += [Bar(c["model"], Decimal(c["cost"]), _money(c["cost"], currency)) for c in _candidates(document)]
    out = [
        bar_chart(
            bars, title=f"The log's traffic on each model ({currency})", unit=currency, chart_id="replay-bars"
        )
    ]
    months = _every_month([g for g in document["groups"] if g["group"] != "(no time)"])
    if months:
        names = ["actual", *(c["model"] for c in _candidates(document))]
        series = [
            Series(name, [Decimal(g.get(name, "0")) for g in months], name == "actual") for name in names
        ]
        out.append(
            line_chart(
                series,
                [g["group"] for g in months],
                title=f"Per month: actual vs candidates ({currency})",
                unit=f"{currency} per month",
                chart_id="replay-months",
            )
        )
    return out


def _every_month(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The month groups with the months between them that had no traffic (as 0), so the x axis is time."""
    if not groups or document_is_not_monthly(groups):
        return groups
    by_month = {g["group"]: g for g in groups}
    year, month = map(int, groups[0]["group"].split("-"))
    out = []
    while True:
        key = f"{year:04d}-{month:02d}"
        out.append(by_month.get(key, {"group": key}))
        if key >= groups[-1]["group"]:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def document_is_not_monthly(groups: list[dict[str, Any]]) -> bool:
    return any(len(g["group"]) != 7 or g["group"][4] != "-" for g in groups)


def _rows(document: dict[str, Any]) -> list[list[str]]:
    currency = document["currency"]
    return [
        [
            row["model"],
            f"{row['requests']:,}",
            _money(row["computed_cost"], currency),
            _money(row["billed_cost"], row.get("billed_currency") or currency) if row["billed_cost"] else "",
            row["reconcile"] or "no billed cost in the log",
        ]
        for row in document["actual"]
    ]


def replay_section_html(document: dict[str, Any]) -> str:
    """The section as HTML (to go before ``</body>``)."""
    records, period = document["records"], document["period"]
    e = escape
    parts = [
        "<h2 id='replay'>Replay of real usage</h2>",
        f"<p class='meta'>{records['read']:,} record{'' if records['read'] == 1 else 's'} read, "
        f"{records['priced']:,} priced"
        + (
            f"; {e(period['start'][:10])} to {e(period['end'][:10])} ({e(days_text(period))})"
            if period["days"]
            else "; the records carry no time"
        )
        + (
            f" ({records['placeholder_time']:,} with a placeholder time before 2000, read as without a time)"
            if records.get("placeholder_time")
            else ""
        )
        + f" · sources: {e(', '.join(sorted(set(document['sources'].values()))))}</p>",
        "<div class='chart-block'>",
        *_charts(document),
        "</div>",
        "<table><thead><tr><th>logged model</th><th>requests</th><th>recomputed</th><th>billed</th>"
        "<th>reconciliation</th></tr></thead><tbody>",
    ]
    for cells in _rows(document):
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    skipped = {
        **records["skipped"],
        **{f"{k} (not a usage record)": v for k, v in records["ignored"].items()},
    }
    if skipped or document["unknown_models"]:
        parts.append("<ul class='assumptions'>")
        parts += [f"<li>skipped: {e(reason)} ({n:,})</li>" for reason, n in skipped.items()]
        parts += [
            f"<li>unknown model {e(u['model'])} ({u['requests']:,} requests) not priced</li>"
            for u in document["unknown_models"]
        ]
        parts.append("</ul>")
    return "\n".join(parts) + "\n"


def replay_section_markdown(document: dict[str, Any]) -> str:
    """The section as Markdown (appended to the Markdown report)."""
    currency = document["currency"]
    lines = ["", "## Replay of real usage", ""]
    lines.append(f"Actual (as logged): {_money(document['actual_total']['computed_cost'], currency)}")
    lines.append("")
    lines.append("| model | cost | range | x actual |")
    lines.append("|---|---|---|---|")
    for c in _candidates(document):
        band = f"{_money(c['cost_low'], currency)} - {_money(c['cost_high'], currency)}"
        lines.append(f"| {c['model']} | {_money(c['cost'], currency)} | {band} | {c['vs_actual'] or ''} |")
    lines += [
        "",
        "| logged model | requests | recomputed | billed | reconciliation |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in _rows(document)]
    skipped = document["records"]["skipped"]
    if skipped:
        lines += ["", "Skipped: " + ", ".join(f"{k} ({v})" for k, v in skipped.items())]
    return "\n".join(lines) + "\n"
