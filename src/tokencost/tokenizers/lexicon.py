"""Word and Han-character costs that make short estimates honest (``benchmarks/fit_estimator.py lexicon``).

On a short prompt the error of a character-class model is mostly *which* words it holds: a common word is
one token, a rare one of the same length two to four. ``data/lexicon.txt`` lists the corpus's most frequent
ASCII words and Han characters with what each costs beyond one token in every measured tokenizer (the word
after a space, the character alone), taken from the installed tokenizers when fitting; one line per cost
pattern (``01001000<TAB>word word ...``) keeps it small. The Han entries are in ``data/lexicon_han.txt``, one
line per first character found through a header of byte offsets, and a line is parsed only when a text holds
that character: a short Chinese prompt parses a few hundred to ~2,000 of the 23k entries. Texts shorter than
``SHORT_BELOW`` characters add six counts to the estimator's features: the extra tokens of known words and
characters, how many unknown ones there are (and their letters), whose cost the fitted weights price, and how
how many tokens common two- and three-character Han words save where the tokenizers hold them whole
(CJK-rich vocabularies: Qwen, DeepSeek).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from pathlib import Path

__all__ = ["EXTRA", "SHORT_BELOW", "extra_features"]

#: texts shorter than this (characters) are estimated with the lexicon features and their own weights
SHORT_BELOW = 2000
#: names of the counts ``extra_features`` adds, in order (after ``estimator.FEATURES``)
EXTRA = (
    "known_word_cost", "unknown_words", "unknown_word_letters", "known_han_cost", "unknown_han", "han_merges",
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z]+")


def _read(name: str) -> bytes:
    path = Path(__file__).parent / "data" / name
    if path.is_file():
        return path.read_bytes()
    from importlib import resources  # zipped installs

    return resources.files("tokencost.tokenizers").joinpath("data", name).read_bytes()


@lru_cache(maxsize=1)
def _raw() -> tuple[tuple[str, ...], str]:
    """(tokenizer names, the words section) of ``data/lexicon.txt``, unparsed."""
    head, _, words = _read("lexicon.txt").decode("utf-8").partition("\n")
    return tuple(head.split()[1:]), words  # "# o200k_base cl100k_base ..."


@lru_cache(maxsize=1)
def _table() -> dict[str, bytes]:
    """ASCII word -> one ASCII digit of extra cost per tokenizer."""
    table: dict[str, bytes] = {}
    for line in _raw()[1].splitlines():  # "<one digit per tokenizer>\t<items with those costs>"
        costs, _, items = line.partition("\t")
        table.update(zip(items.split(" "), repeat(costs.encode("ascii"))))
    return table


@lru_cache(maxsize=1)
def _han_index() -> tuple[str, bytes, set[str], dict[str, bytes]]:
    """(first characters, the raw file, the characters looked up so far, the entries parsed so far) of
    ``data/lexicon_han.txt``. Nothing is split or parsed here: the file is three header lines (the cost
    patterns, 8 digits and a space each; the first characters of the entry lines; the byte offsets of those
    lines, six hex digits each, and of their end) and one line of entries per first character."""
    raw = _read("lexicon_han.txt")
    firsts = raw[raw.index(b"\n") + 1 : raw.index(b"\n", raw.index(b"\n") + 1)].decode("utf-8")
    return firsts, raw, set(), {}


def han_table(chars: set[str]) -> dict[str, bytes]:
    """Han character, pair or triple -> its costs, for every entry starting with one of ``chars`` (and any
    parsed before). A line reads ``<pattern index>`` for the character alone and ``<rest><pattern index>``
    for a pair or triple it starts."""
    firsts, raw, seen, table = _han_index()
    new = chars - seen
    if not new:
        return table
    h1 = raw.index(b"\n")  # the patterns: "# " then 9 bytes each
    h2 = raw.index(b"\n", h1 + 1)  # the first characters; then the offsets, 6 bytes each
    body = raw.index(b"\n", h2 + 1) + 1  # where the entry lines start (offsets count from here)
    for first in new:
        i = firsts.find(first)
        if i < 0:
            continue
        start, end = (int(raw[h2 + 1 + 6 * j : h2 + 7 + 6 * j], 16) + body for j in (i, i + 1))
        parsed = {}
        for item in raw[start : end - 1].decode("utf-8").split(" "):
            rest = item.rstrip("0123456789")
            k = 2 + 9 * int(item[len(rest) :])
            parsed[first + rest] = raw[k : k + 8]
        table.update(parsed)  # one step before ``seen``: no thread sees a character seen but not parsed
    seen.update(new)
    return table


def _cost(items: list[str], table: dict[str, bytes], cols: tuple[int, ...]) -> tuple[float, int, int]:
    """(extra tokens of the known items, averaged over ``cols``; unknown items; their characters)."""
    known = unknown = letters = 0
    single = cols[0] if len(cols) == 1 else None  # one family (the usual case): no per-item generator
    for item in items:
        costs = table.get(item)
        if costs is None:
            unknown += 1
            letters += len(item)
        elif single is not None:
            known += costs[single] - 48
        else:
            known += sum(costs[c] for c in cols) - 48 * len(cols)
    return known / len(cols), unknown, letters


def _merges(runs: list[str], table: dict[str, bytes], cols: tuple[int, ...]) -> float:
    """Tokens saved on runs of Han characters by words the tokenizers hold whole (a common two- or
    three-character word is one token, not one per character), matched left to right without overlap and
    averaged over ``cols``."""
    saved = 0.0
    for run in runs:
        i, end = 0, len(run) - 1
        while i < end:
            for size in (3, 2):
                costs = table.get(run[i : i + size]) if i + size <= len(run) else None
                gain = sum(max(0, size + 47 - costs[c]) for c in cols) / len(cols) if costs else 0.0
                if gain:
                    saved += gain
                    i += size
                    break
            else:
                i += 1
    return saved


def han_runs(text: str) -> list[str]:
    """The runs of CJK unified ideographs (U+4E00-9FFF) in ``text``: a plain loop, cheaper on a short text
    than compiling a regular expression over that range (~1.5 ms) in every cold process."""
    runs, start = [], -1
    for i, ch in enumerate(text):
        if "\u4e00" <= ch <= "\u9fff":
            if start < 0:
                start = i
        elif start >= 0:
            runs.append(text[start:i])
            start = -1
    if start >= 0:
        runs.append(text[start:])
    return runs


def extra_features(text: str, tokenizers: list[str], has_letters: bool, has_han: bool) -> list[float]:
    """The ``EXTRA`` counts of ``text`` for a family standing for ``tokenizers`` (their mean cost)."""
    names = _raw()[0]
    cols = tuple(names.index(t) for t in tokenizers)
    words = _WORD.findall(text) if has_letters else None
    word_cost, unknown, letters = _cost(words, _table(), cols) if words else (0.0, 0, 0)
    if not has_han:
        return [word_cost, unknown, letters, 0.0, 0, 0.0]
    runs = han_runs(text)
    table = han_table(set(text))  # its characters whose lines are not parsed yet: usually none
    han_cost, unknown_han, _ = _cost([ch for run in runs for ch in run], table, cols)
    merged = _merges([run for run in runs if len(run) > 1], table, cols)
    return [word_cost, unknown, letters, han_cost, unknown_han, merged]
