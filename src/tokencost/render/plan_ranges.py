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
    "(9 texts in 10 fall inside); exact counts have no range; the ranking is judged on the horizon totals at "
    "the same bounds"
)
#: the range cell of a row whose first month is exact but whose later months bill an estimated count
LATER_ESTIMATED = "later months est."


def later_estimated(row: Any) -> bool:
    """Whether ``row``'s first month is exact but a later month bills an estimated count (a successor counted
    with another tokenizer): its horizon total has a range its month does not."""
    low, high = getattr(row, "horizon_low", None), getattr(row, "horizon_high", None)
    return row.cost_low == row.cost_high and low != high


def has_ranges(rows: Sequence[Any]) -> bool:
    """Whether any of ``rows`` has a cost range (an estimated count): the column is shown only then."""
    return any(row.cost_low != row.cost_high or later_estimated(row) for row in rows)


def range_text(row: Any, currency: str, show: Callable[[Any, str], str] = money) -> str:
    """``$508.17 – $1,179.93``, ``exact`` when the count is exact, ``exact, later months est.`` when only the
    months billed on a successor are estimated."""
    if later_estimated(row):
        return f"exact, {LATER_ESTIMATED}"
    return cost_range(row.cost_low, row.cost_high, lambda value: show(value, currency))


def count_suffix(row: Any) -> str:
    """What a row's count label adds when a later month bills an estimated count."""
    return f", {LATER_ESTIMATED}" if later_estimated(row) else ""


def overlap_lines(rows: Sequence[Any], currency: str = "USD") -> list[str]:
    """One line per pair of neighbouring ranked rows whose ranges of horizon totals (what they are ranked
    by) overlap: their order is not certain."""

    def total_range(row: Any) -> str:
        return f"{money(row.horizon_low, currency)} – {money(row.horizon_high, currency)}"

    return [
        f"ranking not certain: #{a.rank} {a.entry.id} and #{b.rank} {b.entry.id} (their totals if counts are "
        f"off overlap: {total_range(a)} and {total_range(b)})"
        for a, b in itertools.pairwise(rows)
        if b.entry.id in a.overlaps
    ]


def range_lines(rows: Sequence[Any], currency: str = "USD") -> list[str]:
    """What the column means and the overlapping neighbours, when ``rows`` have ranges; else nothing."""
    if not has_ranges(rows):
        return []
    return [EXPLAINED, *overlap_lines(rows, currency)]


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
