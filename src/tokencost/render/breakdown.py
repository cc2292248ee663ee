"""The cost breakdown of a plan's models (``plan --breakdown``, the Markdown and HTML reports): each model's
month split into input, cached input, cache writes, output, reasoning (and request fees when a card has
them), the tokens behind each part, the month's total and the total over the horizon.

Takes the plan result's ``WorkloadPlan.breakdown(row)`` (plain data) and nothing of the planner's internals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokencost.planner.breakdown import PART_LABELS as LABELS  # the parts and their names, in one place
from tokencost.render.html_parts import esc, table
from tokencost.render.money import money

PART_NAMES = tuple(LABELS)


def compact_tokens(value: Decimal | None) -> str:
    """A token count in a table cell: ``175M``, ``1.92M``, ``218k``, ``950`` (three significant digits)."""
    if value is None:
        return ""
    for size, suffix in (
        (Decimal(10) ** 12, "T"),
        (Decimal(10) ** 9, "B"),
        (Decimal(10) ** 6, "M"),
        (1000, "k"),
    ):
        if value >= size:
            scaled = value / size
            places = max(0, 2 - scaled.adjusted())
            return f"{round(scaled, places).normalize():f}{suffix}"
    return f"{round(value):d}"


def shown_rows(w: Any, top: int | None) -> list[Any]:
    """The rows a breakdown shows: the ``top`` cheapest candidates and the current model wherever it is."""
    rows = list(w.candidates[: top or None])
    current = getattr(w, "current_row", None)
    if current is not None and all(r is not current for r in rows):
        rows.append(current)
    return rows


def _name(row: Any) -> str:
    """``gpt-4o (current)``, ``gpt-5-nano (as gpt-5.4-nano)`` when its month is billed as its successor."""
    billed = getattr(row, "billed", None)
    return row.entry.id + (" (current)" if row.is_current else "") + (f" (as {billed.id})" if billed else "")


def _parts_in_use(breakdowns: list[Any]) -> list[str]:
    """Every part but request fees, which only shows when some model pays them."""
    return [
        name
        for name in PART_NAMES
        if name != "request_fees" or any(b.part("request_fees").cost for b in breakdowns)
    ]


def _horizon_label(w: Any) -> str:
    return f"total {w.months[0]} to {w.months[-1]}" if w.months else "total"


def title(result: Any, w: Any) -> str:
    """The breakdown's heading, naming its month and currency."""
    month = w.first_month_label or "its first month (after the horizon)"
    return f"Cost breakdown in {month} ({result.currency}; tokens in the month, in each model's tokenizer)"


def breakdown_table(result: Any, w: Any, top: int | None) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of cells) for a text or Markdown table: ``cost (tokens)`` per part."""
    cur = result.currency
    rows = shown_rows(w, top)
    breakdowns = [w.breakdown(r) for r in rows]
    names = _parts_in_use(breakdowns)
    headers = ["model", *(LABELS[n] for n in names), "month total", _horizon_label(w)]
    cells = []
    for row, b in zip(rows, breakdowns, strict=True):
        line = [_name(row)]
        for name in names:
            part = b.part(name)
            tokens = compact_tokens(part.tokens)
            if not part.cost and not part.tokens:
                line.append("-")
                continue
            line.append(money(part.cost, cur) + (f" ({tokens})" if tokens else ""))
        line += [money(b.total, cur), money(b.horizon_total, cur)]
        cells.append(line)
    return headers, cells


def breakdown_text(result: Any, top: int | None) -> list[str]:
    """The terminal's breakdown of every workload (``plan --breakdown``)."""
    from tokencost.render.tabular import render_rows

    out = []
    for w in result.workloads:
        headers, cells = breakdown_table(result, w, top)
        if not cells:
            continue
        columns = [(str(i), h) for i, h in enumerate(headers)]
        rows = [{str(i): c for i, c in enumerate(line)} for line in cells]
        out += [f"\nWorkload {w.name}: {title(result, w)}", render_rows(rows, columns, "table").rstrip("\n")]
    return out


def breakdown_markdown(result: Any, w: Any, top: int | None) -> list[str]:
    """One workload's breakdown as a Markdown table (with its heading line)."""
    headers, cells = breakdown_table(result, w, top)
    if not cells:
        return []
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in cells]
    return ["", f"{title(result, w)}:", "", *lines]


def breakdown_html(result: Any, w: Any, top: int | None) -> list[str]:
    """One workload's breakdown as a compact HTML table: cost over its tokens in each cell."""
    cur = result.currency
    rows = shown_rows(w, top)
    if not rows:
        return []
    breakdowns = [w.breakdown(r) for r in rows]
    names = _parts_in_use(breakdowns)
    headers = [("model", False), *((LABELS[n], True) for n in names)]
    headers += [("month total", True), (_horizon_label(w), True)]
    body = []
    for row, b in zip(rows, breakdowns, strict=True):
        cells = [esc(_name(row))]
        for name in names:
            part = b.part(name)
            tokens = compact_tokens(part.tokens)
            if not part.cost and not part.tokens:
                cells.append("-")
                continue
            extra = f"<br><span class='note'>{esc(tokens)} tok</span>" if tokens else ""
            cells.append(esc(money(part.cost, cur)) + extra)
        cells += [esc(money(b.total, cur)), esc(money(b.horizon_total, cur))]
        body.append((cells, "current" if row.is_current else ""))
    return [f"<h3>{esc(title(result, w))}</h3>", table(headers, body, klass="breakdown")]


#: the breakdown's CSV columns (after the plan's own): costs and tokens in the month, the month, the horizon
CSV_COLUMNS = [
    *((f"cost_{name}", f"cost_{name}") for name in PART_NAMES),
    *((f"tokens_{name}", f"tokens_{name}") for name in PART_NAMES if name != "request_fees"),
    ("breakdown_month", "breakdown_month"),
    ("horizon_total", "horizon_total"),
]


def csv_cells(breakdown: dict[str, Any] | None) -> dict[str, Any]:
    """A candidate's breakdown (the JSON document's, exact decimal strings) as CSV cells."""
    if not breakdown:
        return {}
    cells: dict[str, Any] = {
        "breakdown_month": breakdown["month"],
        "horizon_total": breakdown["horizon_total"],
    }
    for name, part in breakdown["parts"].items():
        cells[f"cost_{name}"] = part["cost"]
        if "tokens" in part:
            cells[f"tokens_{name}"] = part["tokens"]
    return cells


__all__ = [
    "CSV_COLUMNS",
    "breakdown_html",
    "breakdown_markdown",
    "breakdown_table",
    "breakdown_text",
    "compact_tokens",
    "csv_cells",
]
