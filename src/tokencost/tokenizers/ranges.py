"""Bounds of estimated counts: what a total of many estimated pieces may really be.

An estimate's band (``estimator.bounds``) is fitted per text; a total of many pieces (chat messages, file
segments) carries the sum of its pieces' bands, which is conservative (errors of pieces partly cancel).
"""

from __future__ import annotations

from tokencost.tokenizers.exact import Counter


def with_range(method: str, exact: bool, low: int, high: int) -> str:
    """``method`` with an estimate's bounds appended (``...; range 6–9 tokens``); exact methods unchanged."""
    return method if exact else f"{method}; range {low:,}–{high:,} tokens"


class RangeTally:
    """A ``count(text) -> int`` callable over ``counter`` that also adds up how far below and above its
    counts the true counts may be, for code that takes a plain count function (chat framing)."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.below = 0
        self.above = 0

    def __call__(self, text: str) -> int:
        tokens, low, high = self.counter.count_range(text)
        self.below += tokens - low
        self.above += high - tokens
        return tokens

    def bounds(self, total: int) -> tuple[int, int]:
        """``(low, high)`` of a total that includes every count made through this tally."""
        return max(0, total - self.below), total + self.above
