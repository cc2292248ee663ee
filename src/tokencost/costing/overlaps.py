"""Which ranked figures' ranges overlap: when two costs built on estimated counts may swap places, the
ranking between them is not certain. ``estimate`` and ``plan`` both ask this one function."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def overlapping(ranges: Sequence[tuple[K, Decimal, Decimal]]) -> dict[K, tuple[K, ...]]:
    """Per key of ``(key, low, high)`` items, the other keys whose inclusive range meets its own; two exact
    figures (low == high for both) never overlap, even when equal. Keys without any overlap are left out."""
    out: dict[K, tuple[K, ...]] = {}
    for key, low, high in ranges:
        others = tuple(
            other
            for other, other_low, other_high in ranges
            if other != key
            and (low != high or other_low != other_high)
            and other_low <= high
            and low <= other_high
        )
        if others:
            out[key] = others
    return out
