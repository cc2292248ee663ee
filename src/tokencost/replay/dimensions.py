"""Billing dimensions of a logged model beyond what a workload's means carry: requests billed above a
long-context threshold (a workload of their own reproduces them: each part's mean stays in its band), and
the requests on each service tier (flex, priority) and in a card's time window (off-peak), which
``--emit-workload`` writes as the workload's ``service_tier`` mix and ``off_peak_share``.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from tokencost.replay.billing import SPANS_WINDOWS, Buckets

ZERO = Decimal(0)
#: the service tiers a workload's ``service_tier`` carries (batch is ``batch_share``)
_TIERS = ("flex", "priority")
#: the request counts of a row (and of each long-context part) that ``--emit-workload`` turns into shares
COUNTS = ("flex_requests", "priority_requests", "off_peak_requests")
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
        part.update(_counts(buckets, [key]))
    out = []
    for above, part in sorted(parts.items()):
        row = {name: int(part[name]) for name, _ in _FIELDS}
        row["cache_write_tokens"] = row.pop("cache_write_5m") + row["cache_write_1h_tokens"]
        counts = {name: int(part[name]) for name in ("batch_requests", *COUNTS)}
        out.append({"above": above, **row, **counts})
    return out


def _counts(buckets: Buckets, keys: list) -> dict[str, int]:
    """The requests of ``keys`` on each service tier and in a card's time window (off-peak)."""
    counts: Counter = Counter()
    for key in keys:
        requests = buckets.volumes[key].requests
        if key[3] in _TIERS:
            counts[f"{key[3]}_requests"] += requests
        if key[5] not in (None, SPANS_WINDOWS):
            counts["off_peak_requests"] += requests
    return {name: int(counts[name]) for name in COUNTS}


def billing_dimensions(buckets: Buckets, model_id: str) -> dict[str, Any]:
    """``long_context`` (per threshold, the usage above it, with its own counts) and the requests replay
    billed on each service tier and in an off-peak window (``COUNTS``), which ``--emit-workload`` turns
    into ``service_tier`` and ``off_peak_share``."""
    keys = [key for key in buckets.volumes if key[1] == model_id]
    return {"long_context": _long_context(buckets, keys), **_counts(buckets, keys)}
