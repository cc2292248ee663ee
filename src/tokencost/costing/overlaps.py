"""Which ranked figures' ranges overlap: when two costs built on estimated counts may swap places, the
ranking between them is not certain. ``estimate`` (every pair of its few rows, ``overlapping``) and ``plan``
(each ranked candidate and its neighbours, over thousands of rows) both decide with ``ranges_meet``."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def ranges_meet(low: Decimal, high: Decimal, other_low: Decimal, other_high: Decimal) -> bool:
    """Whether two inclusive ranges meet, so the order of their figures is not certain; two exact figures
    (low == high for both) never do, even when equal (their order is the ranking's tie rule, not a doubt)."""
    return (low != high or other_low != other_high) and other_low <= high and low <= other_high


def overlapping(ranges: Sequence[tuple[K, Decimal, Decimal]]) -> dict[K, tuple[K, ...]]:
    """Per key of ``(key, low, high)`` items, every other key whose range meets its own (all pairs: for a
    short list). Keys without any overlap are left out."""
    out: dict[K, tuple[K, ...]] = {}
    for key, low, high in ranges:
        others = tuple(
            other
            for other, other_low, other_high in ranges
            if other != key and ranges_meet(low, high, other_low, other_high)
        )
        if others:
            out[key] = others
    return out
