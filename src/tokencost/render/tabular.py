"""Render a list of rows as a terminal table, JSON, CSV or Markdown: one function every command shares."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


def to_jsonable(value: Any) -> Any:
    """Convert Decimals (as exact strings of plain digits), dates, enums, sets and dataclass-like objects for JSON."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)  # plain digits, never 1E+2 or 0E+68
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump(mode="python", exclude_none=True))
    return value


def dumps_json(document: Any) -> str:
    """Pretty, stable JSON with exact decimals and non-ASCII kept readable."""
    return json.dumps(to_jsonable(document), indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown_text(text: str, line_break: str = "<br>") -> str:
    """User text as Markdown shows it, never as markup: ``\\`` and ``|`` escaped (a table keeps its cells),
    ``<`` as ``&lt;`` (no raw HTML in a PR summary), line breaks as ``line_break`` (``<br>`` in a table cell,
    a space in a heading or list item). One rule for every Markdown renderer."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return text.replace("\r\n", line_break).replace("\n", line_break).replace("\r", line_break)


def render_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    json_document: Any = None,
    title: str | None = None,
) -> str:
    """Render ``rows`` (dicts) with ``columns`` (key, header) in ``fmt``.

    JSON renders ``json_document`` when given (a versioned envelope), else the raw rows; the other
    formats show only the listed columns. CSV keeps raw values (no thousands separators).
    """
    if fmt == "json":
        return dumps_json(json_document if json_document is not None else list(rows))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_csv_cell(row.get(key)) for key, _ in columns])
        return buffer.getvalue()
    headers = [header for _, header in columns]
    body = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    if fmt == "markdown":
        from tabulate import tabulate  # imported late: only markdown needs it

        headers, body = (
            [markdown_text(h) for h in headers],
            [[markdown_text(c) for c in line] for line in body],
        )
        table = tabulate(body, headers=headers, tablefmt="github", disable_numparse=True)
        return (f"### {title}\n\n" if title else "") + table + "\n"
    if fmt == "table":
        from tokencost.render.simple_table import simple_table  # tabulate's "simple", without its import

        table = simple_table(headers, body)
        return (f"{title}\n" if title else "") + table + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(_csv_cell(v) for v in value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(to_jsonable(value))
