"""tabulate's ``simple`` table (text cells, left-aligned, numbers not parsed) without importing tabulate.

Importing tabulate costs a cold command ~20-25 ms (it reads its own version through importlib.metadata);
``tokencost estimate`` and ``count`` print one small table. For the cells every command prints (one-line,
printable text) this draws the identical table (a hypothesis test compares it with tabulate); anything
else (line breaks, tabs, escape codes, an empty table) still goes to tabulate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: tabulate's MIN_PADDING: a column is at least its header's width plus two.
MIN_PADDING = 2
GAP = "  "


def _width_function() -> Callable[[str], int]:
    """tabulate's measure of a cell: display columns through wcwidth when it is installed, else len."""
    try:
        from wcwidth import wcswidth
    except ImportError:
        return len
    return wcswidth


def simple_table(headers: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """``tabulate(body, headers=headers, tablefmt="simple", disable_numparse=True)`` for string cells."""
    width = _width_function()
    if not body or not _plain(headers, body, width):
        from tabulate import tabulate

        return tabulate(body, headers=headers, tablefmt="simple", disable_numparse=True)
    rows = [[cell.strip() for cell in row] for row in body]
    widths = [
        max(width(header) + MIN_PADDING, *(width(row[j]) for row in rows)) for j, header in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        padded = GAP.join(cell + " " * (w - width(cell)) for cell, w in zip(cells, widths, strict=True))
        return padded.rstrip()  # as tabulate: no padding after the last column

    return "\n".join([line(headers), GAP.join("-" * w for w in widths), *(line(row) for row in rows)])


def _plain(headers: Sequence[str], rows: Sequence[Sequence[str]], width: Callable[[str], int]) -> bool:
    """Whether every cell is one line of printable text of known width, in a rectangular table."""
    columns = len(headers)
    if not columns or any(len(row) != columns for row in rows):
        return False
    for cell in (*headers, *(cell for row in rows for cell in row)):
        if not isinstance(cell, str) or not cell.isprintable() or width(cell) < 0:
            return False
    return True
