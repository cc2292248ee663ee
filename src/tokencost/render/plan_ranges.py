"""The plan's ranges in its tables: a column with each candidate's monthly cost at the bounds of its
estimated count, and a line for each pair of neighbouring candidates whose ranges overlap (plain data from
``PlanResult``: ``CandidateRow.cost_low`` / ``cost_high`` / ``overlaps``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from tokencost.render.money import cost_range, money

HEADER = "if counts are off"
EXPLAINED = (
    "if counts are off: the monthly cost at the low and high bounds of an estimated token count "
    "(9 texts in 10 fall inside); exact counts have no range"
)


def has_ranges(rows: Sequence[Any]) -> bool:
    """Whether any of ``rows`` has a cost range (an estimated count): the column is shown only then."""
    return any(row.cost_low != row.cost_high for row in rows)


def range_text(row: Any, currency: str, show: Callable[[Any, str], str] = money) -> str:
    """``$508.17 – $1,179.93``, or ``exact`` when the count is exact."""
    return cost_range(row.cost_low, row.cost_high, lambda value: show(value, currency))


def overlap_lines(rows: Sequence[Any]) -> list[str]:
    """One line per pair of neighbouring ranked rows whose cost ranges overlap: their order is not certain."""
    return [
        f"ranking not certain: #{a.rank} {a.entry.id} and #{b.rank} {b.entry.id} (their cost ranges overlap)"
        for a, b in itertools.pairwise(rows)
        if b.entry.id in a.overlaps
    ]


def range_lines(rows: Sequence[Any]) -> list[str]:
    """What the column means and the overlapping neighbours, when ``rows`` have ranges; else nothing."""
    if not has_ranges(rows):
        return []
    return [EXPLAINED, *overlap_lines(rows)]


def with_range_column(
    headers: list[Any],
    rows: list[Any],
    shown: Sequence[Any],
    currency: str,
    escape: Callable[[str], str] = str,
) -> tuple[list[Any], list[Any]]:
    """``headers`` and ``rows`` with the range column after ``monthly cost`` when ``shown`` (the candidate
    rows behind ``rows``) have ranges. Headers are texts (Markdown) or (text, numeric) pairs (HTML); rows
    are lists of cells or (cells, row class) pairs; ``escape`` makes a cell of a text."""
    if not has_ranges(shown):
        return headers, rows
    paired = isinstance(headers[0], tuple)
    at = [h[0] if paired else h for h in headers].index("monthly cost") + 1
    new_headers = [*headers[:at], (HEADER, True) if paired else HEADER, *headers[at:]]
    new_rows = []
    for row, candidate in zip(rows, shown, strict=True):
        cells, klass = row if isinstance(row, tuple) else (row, None)
        cells = [*cells[:at], escape(range_text(candidate, currency)), *cells[at:]]
        new_rows.append(cells if klass is None else (cells, klass))
    return new_headers, new_rows


def current_range(w: Any, currency: str) -> str:
    """`` (if counts are off: $22.60 – $50.30)`` after the current model's monthly cost when its count is an
    estimate; empty when exact or unpriced."""
    if w.cost_range is None or w.cost_range[0] == w.cost_range[1]:
        return ""
    low, high = w.cost_range
    return f" (if counts are off: {money(low, currency)} – {money(high, currency)})"
