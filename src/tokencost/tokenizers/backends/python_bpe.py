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


#: pieces longer than this (bytes) merge through a heap (``_bpe_length_heap``)
_LONG_PIECE = 256
#: rank of a pair that is not a token: above every real rank, so ``min`` never picks it
_NO_RANK = 1 << 62


def bpe_length(data: bytes, ranks) -> int:
    """Number of tokens tiktoken's byte-pair merge gives ``data`` (lowest-ranked adjacent pair first,
    leftmost on ties). Each merge looks up only the two pairs it changes, so a piece of n bytes costs O(n)
    lookups (a ``RankIndex`` lookup is a binary search), not O(n^2)."""
    if len(data) < 2:
        return len(data)
    if len(data) > _LONG_PIECE:
        return _bpe_length_heap(data, ranks)
    get = ranks.get
    parts = [data[i : i + 1] for i in range(len(data))]
    pairs = [get(parts[i] + parts[i + 1], _NO_RANK) for i in range(len(parts) - 1)]
    while pairs:
        best_rank = min(pairs)
        if best_rank == _NO_RANK:
            break
        i = pairs.index(best_rank)
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
        del pairs[i]
        if i > 0:
            pairs[i - 1] = get(parts[i - 1] + parts[i], _NO_RANK)
        if i < len(pairs):
            pairs[i] = get(parts[i] + parts[i + 1], _NO_RANK)
    return len(parts)


def _bpe_length_heap(data: bytes, ranks) -> int:
    """``bpe_length`` for long pieces (base64, long digit or letter runs) in O(n log n): candidate pairs in a
    heap ordered by (rank, start offset), i.e. lowest rank first and leftmost on ties, as tiktoken merges;
    parts are a linked list of start offsets, and stale heap entries are skipped."""
    import heapq

    get = ranks.get
    n = len(data)
    nxt = list(range(1, n + 1))  # start of the next part (n: none)
    prev = list(range(-1, n - 1))
    alive = [True] * n
    heap = []
    for i in range(n - 1):
        rank = get(data[i : i + 2])
        if rank is not None:
            heap.append((rank, i, i + 2))
    heapq.heapify(heap)
    parts = n
    while heap:
        rank, start, end = heapq.heappop(heap)
        middle = nxt[start] if alive[start] else -1
        if middle < 0 or middle >= n or nxt[middle] != end:
            continue  # stale: one of the two parts has merged since
        alive[middle] = False
        nxt[start] = end
        if end < n:
            prev[end] = start
        parts -= 1
        left = prev[start]
        if left >= 0:
            found = get(data[left:end])
            if found is not None:
                heapq.heappush(heap, (found, left, end))
        if end < n:
            found = get(data[start : nxt[end]])
            if found is not None:
                heapq.heappush(heap, (found, start, nxt[end]))
    return parts


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, as tiktoken does."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


class PythonBpe:
    """Counts with ``ranks`` (a dict or a ``RankIndex``: anything with ``get`` and ``in``). Pieces repeat
    (words, indentation, JSON keys): each distinct piece is merged once (a bounded memo)."""

    name = "python-bpe"
    #: distinct pieces remembered; cleared in bulk past it
    MEMO = 1 << 16

    def __init__(self, pat_str: str, ranks) -> None:
        import regex

        flags = regex.V1 if "--" in pat_str else 0  # set subtraction (DeepSeek's pattern)
        self._pieces = regex.compile(pat_str, flags).findall
        self.ranks = ranks
        self._memo: dict[str, int] = {}

    def count(self, text: str) -> int:
        ranks = self.ranks
        memo = self._memo
        total = 0
        for piece in self._pieces(without_surrogates(text)):
            n = memo.get(piece)
            if n is None:
                data = piece.encode("utf-8")
                n = 1 if data in ranks else bpe_length(data, ranks)
                if len(memo) >= self.MEMO:
                    memo.clear()
                memo[piece] = n
            total += n
        return total
