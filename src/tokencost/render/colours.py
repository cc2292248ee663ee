"""Colours fixed per model: a model keeps its colour across every chart of a report and across reports.

A model's colour is a stable hash (crc32 of its id) into PALETTE, so it does not follow rank. Within one
report, two models whose hashes collide would look alike: ``assign`` gives the later one (in id order) the
next free colour, so a colour is still a function of the set of models in the report, never of rank.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

#: Sixteen colours distinguishable on white and in greyscale print (Tableau 10 + darker companions).
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f4e79",
    "#a0522d",
    "#2e7d32",
    "#6a3d9a",
    "#b8860b",
    "#00838f",
)


def model_colour(model_id: str) -> str:
    """The colour a model gets when nothing in its report collides with it."""
    return PALETTE[zlib.crc32(model_id.encode("utf-8")) % len(PALETTE)]


def assign(model_ids: Iterable[str]) -> dict[str, str]:
    """Each model's colour in one report: its own hash colour, or on a collision the next free one."""
    out: dict[str, str] = {}
    taken: set[int] = set()
    for model_id in sorted(set(model_ids)):
        start = zlib.crc32(model_id.encode("utf-8")) % len(PALETTE)
        slot = next(
            (i % len(PALETTE) for i in range(start, start + len(PALETTE)) if i % len(PALETTE) not in taken),
            start,
        )
        taken.add(slot)
        out[model_id] = PALETTE[slot]
    return out


__all__ = ["PALETTE", "assign", "model_colour"]
