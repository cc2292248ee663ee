"""The built-in simple table draws exactly what tabulate draws (so a cold command need not import it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from tokencost.render.simple_table import _plain, _width_function, simple_table

# Cells like the ones commands print (ids, money with currency signs, CJK names, ±, emoji), plus
# whitespace, marks and control characters that must be handled or handed to tabulate.
PIECES = [
    *"abcXYZ019 .-_/$¥€±%()x",
    "中",
    "文",
    "한",
    "ー",
    "é",
    "e\u0301",
    "😀",
    "\u200b",
    "\t",
    "\n",
    "\x1b",
    "\xa0",
]
CELL = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


def reference(headers, body):
    return tabulate(body, headers=headers, tablefmt="simple", disable_numparse=True)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(CELL, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=6),
        )
    )
)
def test_simple_table_equals_tabulate(table):
    headers, body = table
    assert simple_table(headers, body) == reference(headers, body)


def test_an_estimate_like_table_is_drawn_without_tabulate():
    headers = ["#", "model", "tokenizer", "total"]
    body = [
        ["1", "deepseek-v3.2", "deepseek-v3 (exact)", "$0.000165 USD"],
        ["2", "qwen3.5-plus", "qwen3.5 (est ±18%)", "¥0.0012 CNY"],
    ]
    assert simple_table(headers, body) == reference(headers, body)
    assert (
        simple_table(headers, body).splitlines()[1]
        == "---  -------------  -------------------  -------------"
    )


PRINTABLE = st.lists(st.sampled_from([p for p in PIECES if p.isprintable()]), max_size=8).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(PRINTABLE, min_size=n, max_size=n),
            st.lists(st.lists(PRINTABLE, min_size=n, max_size=n), min_size=1, max_size=6),
        )
    )
)
def test_printable_tables_take_the_built_in_path_and_equal_tabulate(table):
    headers, body = table
    assert _plain(headers, body, _width_function())
    assert simple_table(headers, body) == reference(headers, body)
