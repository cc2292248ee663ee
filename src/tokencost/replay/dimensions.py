"""Billing dimensions of a logged model beyond what a workload's means carry: requests billed above a
long-context threshold (a workload of their own reproduces them: each part's mean stays in its band), and
time windows (off-peak) and service tiers (flex, priority), which a workload cannot express. For those the
row says how many requests they cover and what they changed in the month's cost (replay's cost minus the
same traffic at standard rates), so ``--emit-workload`` can say what ``plan`` will be off by.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from tokencost.costing.engine import Unpriceable
from tokencost.costing.result import money_text
from tokencost.replay.billing import SPANS_WINDOWS, Buckets, price_volume

ZERO = Decimal(0)
#: the variants a workload cannot express (batch it can: ``batch_share``)
_TIERS = ("flex", "priority")
_FIELDS = (
    ("requests", "requests"),
    ("input_tokens", "input"),
    ("cached_input_tokens", "cache_read"),
    ("cache_write_5m", "cache_write_5m"),
    ("cache_write_1h_tokens", "cache_write_1h"),
    ("output_tokens", "output"),
    ("reasoning_tokens", "reasoning"),
)


def _long_context(buckets: Buckets, keys: list) -> list[dict[str, Any]]:
    """Per long-context threshold, the summed usage of the requests billed above it."""
    parts: dict[int, Counter] = {}
    for key in keys:
        tier = key[4]
        if tier is None:
            continue
        volume, part = buckets.volumes[key], parts.setdefault(tier, Counter())
        for name, attr in _FIELDS:
            part[name] += getattr(volume, attr)
        if key[3] == "batch":
            part["batch_requests"] += volume.requests
    out = []
    for above, part in sorted(parts.items()):
        row = {name: int(part[name]) for name, _ in _FIELDS}
        row["cache_write_tokens"] = row.pop("cache_write_5m") + row["cache_write_1h_tokens"]
        out.append({"above": above, **row, "batch_requests": int(part["batch_requests"])})
    return out


def _effect(buckets: Buckets, keys: list, convert, standard) -> Decimal | None:
    """Replay's cost of ``keys`` minus their cost re-priced by ``standard(key) -> (variant, time)``."""
    change = ZERO
    for key in keys:
        entry, day, at, no_tiers = buckets.cards[key]
        variant, when = standard(key, at)
        try:
            logged, _ = price_volume(entry, day, key[3], at, buckets.volumes[key], no_tiers)
            plain, _ = price_volume(entry, day, variant, when, buckets.volumes[key], no_tiers)
        except Unpriceable:
            return None
        change += convert(logged - plain, entry.currency)
    return change


def billing_dimensions(
    buckets: Buckets, model_id: str, convert, monthly_factor: Decimal | None
) -> dict[str, Any]:
    """``long_context`` (per threshold, the usage above it) and ``not_in_workload``: per dimension a workload
    cannot express, the requests it covers and ``monthly_effect`` (what it changed in the monthly run rate,
    in the display currency: negative when it made the month cheaper)."""
    keys = [key for key in buckets.volumes if key[1] == model_id]
    windowed = [k for k in keys if k[5] not in (None, SPANS_WINDOWS)]
    tiered = [k for k in keys if k[3] in _TIERS]
    missing = []
    for dimension, chosen, standard in (
        ("time window", windowed, lambda key, at: (key[3], None)),
        ("service tier", tiered, lambda key, at: (None, at)),
    ):
        if not chosen:
            continue
        requests = sum((buckets.volumes[k].requests for k in chosen), ZERO)
        change = _effect(buckets, chosen, convert, standard)
        names = sorted({str(k[5] if "window" in dimension else k[3]) for k in chosen})
        missing.append(
            {
                "dimension": dimension,
                "values": names,
                "requests": int(requests),
                "monthly_effect": money_text(change * monthly_factor)
                if change is not None and monthly_factor is not None
                else None,
            }
        )
    return {"long_context": _long_context(buckets, keys), "not_in_workload": missing}
