"""The check's inputs beyond the plan: budgets, the increase limit, the noise floor, the warning share
(``CheckOptions``), and the parsers of the money and percentage flags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tokencost.errors import InputError

DEFAULT_WARN_AT = Decimal(80)

_AMOUNT_RE = re.compile(
    r"^\s*([+]?)\s*([$€£¥]?)\s*([0-9][0-9,_]*(?:\.[0-9]+)?|\.[0-9]+)\s*([A-Za-z]{3})?\s*$"
)


@dataclass(frozen=True)
class CheckOptions:
    """What the check enforces beyond the document's own ``budgets`` and ``policies``.

    ``budget`` replaces the document's ``budgets.monthly_total``; ``workload_budgets`` replace (by name)
    entries of ``budgets.per_workload`` (flags win). ``max_increase`` / ``max_increase_pct`` limit the
    growth of the total monthly cost against the baseline. ``min_delta`` is the noise floor: a change whose
    absolute size is below it is not reported (and never fails ``max_increase``). ``warn_at`` is the share
    of a budget (percent) from which the check warns. ``warn_only`` turns failures into warnings.
    """

    budget: Decimal | None = None
    workload_budgets: Mapping[str, Decimal] = field(default_factory=dict)
    max_increase: Decimal | None = None
    max_increase_pct: Decimal | None = None
    min_delta: Decimal = Decimal(0)
    warn_at: Decimal = DEFAULT_WARN_AT
    warn_only: bool = False

    def __post_init__(self) -> None:
        """Amounts may be given as Decimal, int, str or float (via ``str``, so ``10.5`` is exactly 10.5);
        a bool, a negative or non-finite number or anything else is an InputError naming the field."""
        for name in ("budget", "max_increase", "max_increase_pct", "min_delta", "warn_at"):
            value = getattr(self, name)
            if value is None and name in ("budget", "max_increase", "max_increase_pct"):
                continue
            object.__setattr__(self, name, _option_amount(value, name))
        if self.warn_at > 100:
            raise InputError(f"CheckOptions.warn_at must be between 0 and 100, got {self.warn_at}")
        budgets = self.workload_budgets
        if not isinstance(budgets, Mapping):
            raise InputError(
                "CheckOptions.workload_budgets must be a mapping of workload name to amount, "
                f"got {type(budgets).__name__} {budgets!r}"
            )
        coerced: dict[str, Decimal] = {}
        for key, value in budgets.items():
            if not isinstance(key, str):
                raise InputError(f"CheckOptions.workload_budgets: workload names must be str, got {key!r}")
            coerced[key] = _option_amount(value, f"workload_budgets[{key!r}]")
        object.__setattr__(self, "workload_budgets", coerced)
        if not isinstance(self.warn_only, bool):
            raise InputError(f"CheckOptions.warn_only must be True or False, got {self.warn_only!r}")


def _option_amount(value: Any, name: str) -> Decimal:
    """A non-negative finite Decimal from a CheckOptions field (Decimal, int, str, or float via ``str``)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise InputError(f"CheckOptions.{name} must be a number, got {type(value).__name__} {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"CheckOptions.{name} {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise InputError(f"CheckOptions.{name} must be a finite number of 0 or more, got {value!r}")
    return number


#: What a currency symbol means to tokencost (it prints ``$`` only for USD); ``¥`` is CNY or JPY.
SYMBOL_CURRENCIES: Mapping[str, tuple[str, ...]] = {
    "$": ("USD",),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("CNY", "JPY"),
}


def parse_amount(text: str, name: str, currency: str | None = None) -> tuple[Decimal, str | None]:
    """Parse a money amount such as ``5000``, ``5,000.50``, ``$120``, ``€300`` or ``120 USD``.

    Returns the amount and the currency it is written in (an ISO code, upper case), or None when it names
    none (or only the ambiguous ``¥`` and no ``currency`` to settle it). With ``currency`` (the plan's), an
    amount written in any other currency raises :class:`InputError`, as do negative amounts and anything
    that is not a plain decimal.
    """
    from tokencost.currency import is_currency

    match = _AMOUNT_RE.match(str(text))
    if not match:
        examples = "10%, 5000 or '5000 USD'" if name == "--max-increase" else "5000, 1250.50 or '5000 USD'"
        raise InputError(f"{name} {text!r} is not an amount (e.g. {examples})")
    number = Decimal(match.group(3).replace(",", "").replace("_", ""))
    symbol = match.group(2)
    code = match.group(4).upper() if match.group(4) else None
    if code is not None and not is_currency(code):
        raise InputError(f"{name} {text!r}: {code!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)")
    meant = SYMBOL_CURRENCIES[symbol] if symbol else ()
    if symbol and code is not None and code not in meant:
        raise InputError(f"{name} {text!r}: {symbol} is {' or '.join(meant)}, not {code}")
    if code is None and len(meant) == 1:
        code = meant[0]
    if currency is not None:
        plain = f"{match.group(3)} {currency}"
        if code is not None and code != currency:
            raise InputError(
                f"{name} {text!r} is in {code}, but the plan is in {currency}",
                f"write the amount in {currency}, e.g. '{plain}'",
            )
        if code is None and meant:
            if currency not in meant:
                raise InputError(
                    f"{name} {text!r}: {symbol} may be {' or '.join(meant)}, and the plan is in {currency}",
                    f"write the ISO code, e.g. '{plain}'",
                )
            code = currency
    return number, code


def parse_increase(text: str, currency: str | None = None) -> tuple[Decimal | None, Decimal | None]:
    """``--max-increase``: ``10%`` -> (None, 10); ``250`` or ``250 USD`` -> (250, None).

    ``currency`` (the plan's) is checked against a currency written on an amount, as in :func:`parse_amount`.
    """
    raw = str(text).strip()
    if raw.endswith("%"):
        try:
            pct = Decimal(raw[:-1].strip().lstrip("+"))
        except InvalidOperation:
            raise InputError(f"--max-increase {text!r} is not a percentage (e.g. 10%)") from None
        if not pct.is_finite() or pct < 0:
            raise InputError(f"--max-increase {text!r} must be a percentage of 0% or more")
        return None, pct
    amount, _ = parse_amount(raw, "--max-increase", currency)
    return amount, None


def parse_percent(text: str, name: str) -> Decimal:
    """A percentage from 0 to 100, with or without ``%``."""
    raw = str(text).strip().removesuffix("%").strip()
    try:
        pct = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"{name} {text!r} is not a percentage (e.g. 80 or 80%)") from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise InputError(f"{name} {text!r} must be between 0 and 100")
    return pct
