"""Small HTML pieces the reports share: escaping, tables, headline figures, folded long texts, alerts."""

from __future__ import annotations

from html import escape
from typing import Any

#: Texts longer than this in a table cell (methods, notes) are folded: the start shows, the rest on a click.
FOLD_AFTER = 48


def esc(value: Any) -> str:
    """``value`` as HTML text, quotes included (safe in attributes)."""
    return escape(str(value), quote=True)


def table(
    headers: list[tuple[str, bool]],
    rows: list[tuple[list[str], str]],
    caption: str | None = None,
    klass: str = "",
) -> str:
    """``headers``: (text, numeric); ``rows``: (already-escaped cells, row class)."""
    out = [f"<table class='{klass}'>" if klass else "<table>"]
    if caption:
        out.append(f"<caption class='note'>{esc(caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(f"<th{' class=num' if n else ''}>{esc(h)}</th>" for h, n in headers)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for cells, row_class in rows:
        attr = f" class='{row_class}'" if row_class else ""
        out.append(
            f"<tr{attr}>"
            + "".join(f"<td{' class=num' if headers[i][1] else ''}>{c}</td>" for i, c in enumerate(cells))
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def figures(items: list[tuple[str, str]]) -> str:
    """Headline figures as cards: (label, value)."""
    cards = "".join(
        f"<div class='figure'><span class='value'>{esc(v)}</span><span class='label'>{esc(k)}</span></div>"
        for k, v in items
    )
    return f"<div class='summary'>{cards}</div>"


def folded(text: str, limit: int = FOLD_AFTER) -> str:
    """A long text folded into ``<details>``: its start as the summary, the whole text inside."""
    if len(text) <= limit:
        return esc(text)
    cut = text.rfind(" ", 0, limit)
    head = text[: cut if cut > limit // 2 else limit].rstrip(" ,;(")
    return f"<details class='fold'><summary>{esc(head)} …</summary>{esc(text)}</details>"


def alert(text: str) -> str:
    """A budget sentence: a red box when over, a plain note when the budget could not be compared."""
    klass = "note" if text.startswith("Budget not compared") else "alert"
    return f"<p class='{klass}'>{esc(text)}</p>"


def bullet_list(items: list[str], klass: str = "assumptions") -> list[str]:
    return [f"<ul class='{klass}'>", *(f"<li>{esc(a)}</li>" for a in items), "</ul>"]


__all__ = ["FOLD_AFTER", "alert", "bullet_list", "esc", "figures", "folded", "table"]
