"""Traffic growth measured on a log, and whether it is supported well enough to plan with.

Requests per UTC day are rates per *elapsed* time: each day's exposure is the part of it the log covers (a log
that starts at 23:00 covers an hour of its first day), so a cut first or last day is no drop or surge. The
rate is a Poisson log-linear fit with that exposure (days without a request count as zeros), its standard
error widened by the measured overdispersion (real traffic varies more than Poisson). ``--emit-workload``
uses the rate only under ``RULE``; otherwise it writes growth 0 and says what was measured and why.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

#: the log must span this many days before a growth rate is used
MIN_DAYS = 28
#: two-sided 95 % normal quantile
_Z = 1.959964
_MONTH = 30.4375
RULE = (
    f"growth is used only when the log spans at least {MIN_DAYS} days (4 weeks) and the 95 % confidence "
    "interval of the monthly rate excludes 0"
)


def _exposures(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, float, float]]:
    """Each UTC day the log touches: (day, the share of it the log covers, the covered part's midpoint in
    days from ``start``)."""
    out = []
    day = start.date()
    while day <= end.date():
        lo = max(start, dt.datetime.combine(day, dt.time(), tzinfo=start.tzinfo))
        hi = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=start.tzinfo))
        covered = (hi - lo).total_seconds() / 86400
        if covered > 0:
            mid = ((lo - start).total_seconds() + (hi - lo).total_seconds() / 2) / 86400
            out.append((day, covered, mid))
        day += dt.timedelta(days=1)
    return out


def _poisson_slope(rows: list[tuple[float, float, int]]) -> tuple[float, float] | None:
    """(slope per day, its standard error) of log rate ~ a + b t with exposure (Newton's method)."""
    total, exposure = sum(n for _, _, n in rows), sum(e for e, _, _ in rows)
    if total <= 0:
        return None
    a, b = math.log(total / exposure), 0.0
    for _ in range(50):
        mu = [e * math.exp(min(a + b * t, 700)) for e, t, _ in rows]
        s0, s1 = sum(mu), sum(m * t for m, (_, t, _) in zip(mu, rows, strict=True))
        s2 = sum(m * t * t for m, (_, t, _) in zip(mu, rows, strict=True))
        g0 = total - s0
        g1 = sum(n * t for _, t, n in rows) - s1
        det = s0 * s2 - s1 * s1
        if det <= 0:
            return None
        da, db = (s2 * g0 - s1 * g1) / det, (s0 * g1 - s1 * g0) / det
        a, b = a + da, b + db
        if abs(db) < 1e-12 and abs(da) < 1e-12:
            break
    mu = [e * math.exp(min(a + b * t, 700)) for e, t, _ in rows]
    s0, s1 = sum(mu), sum(m * t for m, (_, t, _) in zip(mu, rows, strict=True))
    s2 = sum(m * t * t for m, (_, t, _) in zip(mu, rows, strict=True))
    pearson = sum((n - m) ** 2 / m for m, (_, _, n) in zip(mu, rows, strict=True) if m > 0)
    dispersion = max(1.0, pearson / (len(rows) - 2)) if len(rows) > 2 else 1.0
    det = s0 * s2 - s1 * s1
    return b, math.sqrt(dispersion * s0 / det) if det > 0 else math.inf


def _monthly(slope: float) -> float:
    return math.exp(max(min(slope * _MONTH, 50.0), -50.0)) - 1


def fit(
    daily: Mapping[dt.date, int], start: dt.datetime | None, end: dt.datetime | None
) -> dict[str, Any] | None:
    """The measured monthly growth of requests per day (``rate``, ``low``/``high``: its 95 % interval, decimal
    fractions), ``days`` the span, ``used`` whether ``RULE`` holds, ``reason`` when not; None without times."""
    if start is None or end is None or not daily:
        return None
    days = (end - start).total_seconds() / 86400
    exposures = _exposures(start, end)
    rows = [(covered, mid, int(daily.get(day, 0))) for day, covered, mid in exposures]
    fitted = _poisson_slope(rows) if len(rows) >= 3 else None
    if fitted is None:
        return {"rate": None, "low": None, "high": None, "days": round(days, 2), "used": False,
                "reason": "too few days to measure a rate"}  # fmt: skip
    slope, error = fitted
    low = _monthly(slope - _Z * error) if math.isfinite(error) else -1.0
    high = _monthly(slope + _Z * error) if math.isfinite(error) else math.inf
    reason = None
    if days < MIN_DAYS:
        reason = f"the log spans {days:.1f} days, under {MIN_DAYS}"
    elif low <= 0 <= high:
        reason = "its 95 % confidence interval includes 0 (no trend distinguishable from day-to-day noise)"
    return {
        "rate": round(_monthly(slope), 4),
        "low": round(low, 4) if math.isfinite(low) else None,
        "high": round(high, 4) if math.isfinite(high) else None,
        "days": round(days, 2),
        "used": reason is None,
        "reason": reason,
    }


def describe(measured: dict[str, Any]) -> str:
    """``+3.1 %/month (95 % CI -1.0 % to +7.4 %) over 29.0 days``."""

    def pct(value: float | None) -> str:
        return "?" if value is None else f"{value * 100:+.1f} %"

    if measured.get("rate") is None:
        return f"no rate over {measured['days']} days"
    return (
        f"{pct(measured['rate'])}/month (95 % CI {pct(measured['low'])} to {pct(measured['high'])}) over "
        f"{measured['days']} days"
    )
