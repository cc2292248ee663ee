"""Cache writes of a workload: how often its cached prefix is written, from the ``cache:`` refresh spec.

A request either reads the cached prefix (a hit, the ``cache_hit_ratio`` share of input on average) or
writes it (a miss that stores it). With ``m`` the share of requests that write, the prefix is
``h / (1 - m)`` of a request's input and the writes are ``h * m / (1 - m)`` of input per request, taken out
of the uncached input: a card without a write price bills them as input, so its cost does not change.
``m`` is given (``write_ratio``) or derived from the TTL: ``writes_per_window`` (default 1) each window over
the requests in one window (default: the month's traffic spread evenly over its windows).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from tokencost.planner.figures import grouped
from tokencost.planner.projection import DAYS_PER_MONTH
from tokencost.planner.workload import CacheRefresh, Workload

ZERO = Decimal(0)
TTL_MINUTES = {"5m": Decimal(5), "1h": Decimal(60)}
TTL_WORDS = {"5m": "5-minute", "1h": "1-hour"}
DEFAULT_REFRESH = CacheRefresh()
#: the ``ttl`` of writes made with both TTLs (``cache.ttl_1h_share``)
MIXED_TTL = "5m+1h"


class CacheWrites(NamedTuple):
    """``share``: cache-write tokens per request as a share of its input, at ``ttl`` (``5m`` or ``1h``);
    ``assumption``: the plan's sentence saying how it was derived (None when there is nothing to say);
    ``share_1h``: of those writes, the share made with the 1 h TTL when the spec gives a mix (``ttl_1h_share``:
    then ``ttl`` is ``5m+1h``)."""

    ttl: str
    share: Decimal
    assumption: str | None
    share_1h: Decimal = ZERO


def share_text(fraction: Decimal) -> str:
    """A derived share, short: ``0.722%``, ``12.5%``, ``0.00123%`` (three significant digits)."""
    value = fraction * 100
    if not value:
        return "0%"
    digits = max(0, 2 - value.adjusted())
    return format(round(value, digits).normalize(), "f") + "%"


def windows_per_month(ttl: str) -> Decimal:
    """TTL windows in a plan month (30.4375 days): 8,766 of 5 minutes, 730.5 of one hour."""
    return (DAYS_PER_MONTH * 24 * 60 / TTL_MINUTES[ttl]).normalize()


def _write_share(refresh: CacheRefresh, monthly_requests: Decimal, given: str) -> tuple[Decimal, str]:
    """The share of requests that write the prefix and the assumption's opening words."""
    if refresh.write_ratio is not None:
        return refresh.write_ratio, "{m} of requests write the cached prefix (given: write_ratio)"
    windows = windows_per_month(refresh.ttl)
    writes = refresh.writes_per_window or Decimal(1)
    per_window = refresh.requests_per_window
    if per_window is None:
        per_window = monthly_requests / windows
        spread = f"{grouped(windows)} windows a month over {grouped(monthly_requests)} requests, at the start traffic"
    else:
        spread = f"{grouped(per_window)} requests per window, given"
    times = {1: "once", 2: "twice"}.get(writes, f"{grouped(writes)} times")
    how = f"the cached prefix is written {times} per {TTL_WORDS[refresh.ttl]} window ({spread}{given}): {{m}} of requests write it"
    return (writes / per_window if per_window else ZERO), how


def cache_writes(w: Workload, monthly_requests: Decimal) -> CacheWrites:
    """The workload's cache writes per request (a share of input) and the assumption behind them."""
    hits = w.cache_hit_ratio or ZERO
    refresh = w.cache or DEFAULT_REFRESH
    if not hits:
        said = "cache writes: none (no cache hits, so no cached prefix to write)" if w.cache else None
        return CacheWrites(refresh.ttl, ZERO, said)
    given = "" if w.cache else "; assumed: no cache refresh spec given"
    share_of_requests, how = _write_share(refresh, monthly_requests, given)
    capped = ""
    if share_of_requests > 1 - hits:
        share_of_requests = 1 - hits
        capped = (
            " (capped: the traffic is too thin for the cache to stay warm, so every input token not read "
            "from the cache is written)"
        )
    share = hits * share_of_requests / (1 - share_of_requests)
    mix = refresh.ttl_1h_share
    rate = "the card's 1 h cache-write rate" if refresh.ttl == "1h" else "the card's 5 min cache-write rate"
    if mix is not None:
        rate = f"the card's 1 h cache-write rate for {share_text(mix)} of them (given: ttl_1h_share), 5 min for the rest"
    text = (
        f"cache writes: {how.format(m=share_text(share_of_requests))}{capped}, {share_text(share)} of input "
        f"tokens per request, billed at {rate} (as input where a card publishes none, noted per model)"
    )
    if mix is not None:
        return CacheWrites(MIXED_TTL, share, text, mix)
    return CacheWrites(refresh.ttl, share, text)
