"""Currency conversion with dated default rates shipped as data and user overrides (``--fx CNY=7.1``).

Rates are units of a currency per 1 USD. A conversion always reports the rate and its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from tokencost.currency import is_currency
from tokencost.errors import InputError


@dataclass(frozen=True)
class FxTable:
    """Units per USD for each known currency, with where the defaults came from."""

    per_usd: Mapping[str, Decimal]
    as_of: dt.date
    source: str
    overridden: frozenset[str] = frozenset()

    def rate(self, from_currency: str, to_currency: str) -> Decimal:
        """Multiply an amount in ``from_currency`` by this to get ``to_currency``."""
        if from_currency == to_currency:
            return Decimal(1)
        for code in (from_currency, to_currency):
            if code not in self.per_usd:
                raise InputError(
                    f"no exchange rate for {code}",
                    f"give one in units of {code} per 1 USD (--fx {code}=RATE; fx={{'{code}': RATE}} in Python)",
                )
        return self.per_usd[to_currency] / self.per_usd[from_currency]

    def convert(self, amount: Decimal, from_currency: str, to_currency: str) -> Decimal:
        return amount * self.rate(from_currency, to_currency)

    def describe(self, currencies: Iterable[str]) -> str:
        """One line naming the rates used for ``currencies``, e.g. ``1 USD = 7.12 CNY (default, 2025-10-31)``."""
        parts = []
        for code in sorted(set(currencies) - {"USD"}):
            origin = "given" if code in self.overridden else f"default, {self.as_of}"
            parts.append(f"1 USD = {self.per_usd.get(code, '?')} {code} ({origin})")
        return "; ".join(parts)


@lru_cache(maxsize=1)
def default_table() -> FxTable:
    """The shipped rates (``tokencost/data/fx_rates.yaml``)."""
    from importlib.resources import files  # only when a conversion needs the table: off the cold path

    import yaml

    data = yaml.safe_load(files("tokencost").joinpath("data/fx_rates.yaml").read_text(encoding="utf-8"))
    per_usd = {code: Decimal(str(value)) for code, value in data["per_usd"].items()}
    return FxTable(per_usd, data["as_of"], data["source"])


def parse_overrides(values: Iterable[str], name: str = "--fx") -> dict[str, Decimal]:
    """Parse ``CNY=7.1`` items (units per USD); errors name ``name`` (the CLI flag, or the library parameter)."""
    example = f"{name} CNY=7.1" if name.startswith("--") else "CNY=7.1"
    out = {}
    for item in values:
        code, sep, number = item.partition("=")
        code = code.strip().upper()
        if not sep or not is_currency(code):
            raise InputError(f"{name} {item!r}: expected CODE=RATE with an ISO 4217 code, e.g. {example}")
        try:
            rate = Decimal(number.strip())
        except InvalidOperation:
            raise InputError(f"{name} {item!r}: {number.strip()!r} is not a number") from None
        if not rate.is_finite() or rate <= 0:
            raise InputError(f"{name} {item!r}: the rate must be a positive number")
        if code == "USD" and rate != 1:
            raise InputError(f"{name} {item!r}: rates are per 1 USD, so USD is always 1")
        out[code] = rate
    return out


def fx_table(overrides: Iterable[str] = ()) -> FxTable:
    """The default table with ``CODE=RATE`` overrides applied."""
    base = default_table()
    extra = parse_overrides(overrides)
    if not extra:
        return base
    return FxTable({**base.per_usd, **extra}, base.as_of, base.source, frozenset(extra))
