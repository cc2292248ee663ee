"""Money flags of ``tokencost check`` in the plan's currency: an amount written in another currency
(``--budget '5000 CNY'`` on a USD plan) is converted at the plan's own exchange rate, with a note saying so."""

from __future__ import annotations

import re
from decimal import Decimal

from tokencost.errors import InputError

_PLAN_RATE = re.compile(r"1 USD = ([0-9.]+) ([A-Z]{3})(?: \(([^)]*)\))?")


def _plan_rates(fx_note: str | None) -> dict[str, tuple[str, str | None]]:
    """``CODE -> (RATE, ORIGIN)`` from a plan's fx line (``1 USD = 7.12 CNY (default, 2025-10-31); ...``):
    the origin as the plan states it (``default, 2025-10-31`` or ``given``), so a conversion says it too."""
    return {code: (rate, origin or None) for rate, code, origin in _PLAN_RATE.findall(fx_note or "")}


class FlagMoney:
    """Parses money flags against one plan; ``notes`` says every conversion made."""

    def __init__(
        self, plan_currency: str, plan_fx_note: str | None, fx_overrides: tuple[str, ...] = ()
    ) -> None:
        from tokencost.fx import fx_table, parse_overrides

        self.currency = plan_currency
        rates = _plan_rates(plan_fx_note)
        self._table = fx_table([*(f"{k}={v[0]}" for k, v in rates.items() if k != "USD"), *fx_overrides])
        self._from_plan = set(rates)
        given = self._given = set(parse_overrides(fx_overrides))
        # each rate labelled by where it came from: --fx here, else the plan's own label, else the default table
        self._origins = {k: v[1] for k, v in rates.items() if v[1] and k not in given}
        self.notes: list[str] = []

    def _describe(self, codes: set[str]) -> str:
        """The rates used, each with its origin (``given``: --fx; else as the plan or the default table says)."""
        parts = []
        for code in sorted(codes - {"USD"}):
            if code in self._origins:
                parts.append(f"1 USD = {self._table.per_usd.get(code, '?')} {code} ({self._origins[code]})")
            else:
                parts.append(self._table.describe([code]))
        return "; ".join(parts)

    def amount(self, text: str, name: str) -> Decimal:
        """``text`` in the plan's currency, converted (and noted) when it names another currency."""
        from tokencost.currency import format_money
        from tokencost.planner.check import parse_amount

        number, code = parse_amount(text, name)
        if code is None or code == self.currency or code not in self._table.per_usd:
            return parse_amount(text, name, currency=self.currency)[0]  # the plan's, or the usual error
        try:
            converted = self._table.convert(number, code, self.currency)
        except InputError:
            return parse_amount(text, name, currency=self.currency)[0]
        codes = {code, self.currency} - {"USD"}
        if codes <= self._from_plan:
            origin = "the plan's rate"
        else:
            origin = "the given rate" if codes <= self._from_plan | self._given else "the default rate"
        self.notes.append(
            f"{name} {text!r} converted to {format_money(converted, self.currency)} at {origin}: "
            f"{self._describe(codes)}"
        )
        return converted

    def increase(self, text: str) -> tuple[Decimal | None, Decimal | None]:
        """``--max-increase``: a percentage as it is, an amount like ``amount``."""
        from tokencost.planner.check import parse_increase

        amount, pct = parse_increase(text)
        if amount is None:
            return None, pct
        return self.amount(text, "--max-increase"), None
