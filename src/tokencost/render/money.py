"""Money on screen, one rule for every renderer (tables, Markdown, HTML, the check and its PR comment).

The rule (``currency.format_money``): a symbol or a code, never both (``$159.45``, ``159.45 CNY``); cents from
one unit up, three significant digits below (``$0.000102``); the sign before the symbol (``-$3.20``). Here:
signed changes without ``±0`` and savings that a percentage would make unreadable. JSON never goes through
this module: its money stays exact decimal strings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tokencost.currency import format_money

#: Savings of -100 % or below (the candidate costs at least twice the current model) are shown as a multiple.
MULTIPLE_FROM = Decimal(-100)


def money(value: Decimal | None, currency: str, missing: str = "n/a") -> str:
    """A display amount (see the module rule); ``missing`` for None."""
    if value is None:
        return missing
    return format_money(value, currency)


def cost_range(low: Any, high: Any, show: Callable[[Any], str]) -> str:
    """A cost range cell, the same in estimate, plan and replay: ``exact`` when the count was exact (low ==
    high), else ``low – high`` with each bound written by ``show``."""
    return "exact" if low == high else f"{show(low)} – {show(high)}"


def signed(amount: Decimal | None, currency: str, zero: str = "no change", missing: str = "—") -> str:
    """A change with its sign (``+$3.20``, ``-$0.0412``); ``zero`` when it rounds to nothing (never ``±0``)."""
    if amount is None:
        return missing
    text = format_money(abs(amount), currency)
    if text.strip("$€£0., " + currency) == "":
        return zero
    return ("+" if amount > 0 else "-") + text


def signed_pct(pct: Decimal | None) -> str:
    """A percentage change with its sign (``+3.4%``, ``-12%``); empty for None, ``0%`` for no change."""
    if pct is None:
        return ""
    if pct == 0:
        return "0%"
    return f"{'+' if pct > 0 else ''}{pct}%"


def multiple(pct: Decimal) -> str:
    """Negative savings of ``pct`` percent as a multiple of the current cost: -690 -> ``7.9× the current cost``."""
    factor = (1 - pct / 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return f"{factor}× the current cost"


def savings_pct(pct: Decimal | None) -> str:
    """A candidate's savings against the current model: ``12.3%``, ``-45%``, or from -100 % a multiple."""
    if pct is None:
        return ""
    if pct <= MULTIPLE_FROM:
        return multiple(pct)
    return f"{pct}%"


__all__ = ["MULTIPLE_FROM", "money", "multiple", "savings_pct", "signed", "signed_pct"]
