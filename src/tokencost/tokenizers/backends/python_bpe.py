"""Pure-Python BPE count for short texts: tiktoken's algorithm (merge the lowest-ranked adjacent pair,
leftmost first) over the same ranks and pre-tokenizer pattern, through the ``regex`` module.

Building a native encoder costs more than counting a prompt takes, so short texts are counted here, over the
rank index (``vocab.store.RankIndex``) that loads in milliseconds. Tests check it equals tiktoken.
"""

from __future__ import annotations

import unicodedata


def stable_unicode(text: str) -> bool:
    """True when every character was assigned by Unicode 14 (Python 3.11's tables): the ``regex`` module and
    the native engines' Rust regex may disagree on the properties of characters newer than their own tables."""
    if text.isascii():
        return True
    category = unicodedata.category
    return all(category(ch) != "Cn" for ch in text if ord(ch) > 0x7F)


def bpe_length(data: bytes, ranks) -> int:
    """Number of tokens tiktoken's byte-pair merge gives ``data``."""
    parts = [data[i : i + 1] for i in range(len(data))]
    get = ranks.get
    while len(parts) > 1:
        best = -1
        best_rank = None
        for i in range(len(parts) - 1):
            rank = get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best, best_rank = i, rank
        if best < 0:
            break
        parts[best : best + 2] = [parts[best] + parts[best + 1]]
    return len(parts)


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, as tiktoken does."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


class PythonBpe:
    """Counts with ``ranks`` (a dict or a ``RankIndex``: anything with ``get`` and ``in``)."""

    name = "python-bpe"

    def __init__(self, pat_str: str, ranks) -> None:
        import regex

        flags = regex.V1 if "--" in pat_str else 0  # set subtraction (DeepSeek's pattern)
        self._pieces = regex.compile(pat_str, flags).findall
        self.ranks = ranks

    def count(self, text: str) -> int:
        ranks = self.ranks
        total = 0
        for piece in self._pieces(without_surrogates(text)):
            data = piece.encode("utf-8")
            total += 1 if data in ranks else bpe_length(data, ranks)
        return total
