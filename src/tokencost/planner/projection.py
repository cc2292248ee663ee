"""Calendar arithmetic of the plan: requests per month, compounding growth, and the forecast months.

A month is the average Gregorian month, ``365.25 / 12 = 30.4375`` days, so a month's cost does not depend
on which month it is (the plan says so in its assumptions). Growth compounds: a weekly rate ``g`` grows
traffic by ``(1 + g) ** (30.4375 / 7)`` per month; a monthly rate by ``1 + g``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext

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
