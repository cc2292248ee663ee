"""Calendar arithmetic of the plan: requests per month, compounding growth, and the forecast months.

A month is the average Gregorian month, ``365.25 / 12 = 30.4375`` days, so a month's cost does not depend
on which month it is (the plan says so in its assumptions). Growth compounds: a weekly rate ``g`` grows
traffic by ``(1 + g) ** (30.4375 / 7)`` per month; a monthly rate by ``1 + g``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from typing import NamedTuple

DAYS_PER_MONTH = Decimal("30.4375")
DAYS_PER_WEEK = Decimal(7)
WEEKS_PER_MONTH = DAYS_PER_MONTH / DAYS_PER_WEEK

_PER_MONTH = {"day": DAYS_PER_MONTH, "week": WEEKS_PER_MONTH, "month": Decimal(1)}


def requests_per_month(count: Decimal, per: str) -> Decimal:
    """Requests per 30.4375-day month from a count per ``day``, ``week`` or ``month``."""
    return Decimal(count) * _PER_MONTH[per]


def monthly_growth_factor(growth: Decimal, per: str) -> Decimal:
    """Month-over-month traffic factor of a compounding ``growth`` rate per ``month`` or ``week``."""
    base = Decimal(1) + Decimal(growth)
    if per == "month" or growth == 0:
        return base
    if per == "week":
        with localcontext() as ctx:
            ctx.prec = 34
            return +(base**WEEKS_PER_MONTH)
    raise ValueError(f"growth period must be month or week, not {per!r}")


def growth_factors(factor: Decimal, months: int) -> list[Decimal]:
    """``[1, f, f**2, ...]`` for ``months`` months (month 1 is the start month, no growth yet)."""
    out = [Decimal(1)]
    for _ in range(months - 1):
        out.append(out[-1] * factor)
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def month_labels(start: dt.date, months: int) -> list[str]:
    """``YYYY-MM`` of each forecast month from ``start``."""
    return [f"{add_months(start, i):%Y-%m}" for i in range(months)]


def default_start(today: dt.date) -> dt.date:
    """The first day of the month after ``today``."""
    return add_months(today.replace(day=1), 1)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


class Timeline(NamedTuple):
    """One workload on the plan's month grid: 0 before its own start, growth from its own start."""

    start: dt.date  # the workload's start
    months: list[str]  # the plan's months
    factors: list[Decimal]  # per plan month, the workload's traffic relative to its first month
    first: int | None  # index of the workload's first month; None when it starts after the horizon
    offset: int  # months from the plan's first month to the workload's start (negative: earlier)
    scale: Decimal  # growth before the plan's first month of a workload that started earlier


def workload_timeline(start: dt.date, grid_start: dt.date, horizon: int, factor: Decimal) -> Timeline:
    """The months of a workload starting on ``start`` in a plan of ``horizon`` months from ``grid_start``."""
    months = month_labels(grid_start, horizon)
    offset = month_index(start) - month_index(grid_start)
    first: int | None = max(offset, 0) if offset < horizon else None
    scale = growth_factors(factor, max(-offset, 0) + 1)[-1]
    powers = growth_factors(factor, horizon)
    factors = [powers[i - first] if first is not None and i >= first else Decimal(0) for i in range(horizon)]
    return Timeline(start, months, factors, first, offset, scale)
