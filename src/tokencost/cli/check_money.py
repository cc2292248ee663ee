"""Money flags of ``tokencost check`` in the plan's currency: an amount written in another currency
(``--budget '5000 CNY'`` on a USD plan) is converted at the plan's own exchange rate, with a note saying so."""

from __future__ import annotations

import re
from decimal import Decimal

from tokencost.errors import InputError


def _plan_rates(fx_note: str | None) -> dict[str, str]:
    """``CODE=RATE`` items from a plan's fx line (``1 USD = 7.12 CNY (default, 2025-10-31); ...``)."""
    return {code: rate for rate, code in re.findall(r"1 USD = ([0-9.]+) ([A-Z]{3})", fx_note or "")}


class FlagMoney:
    """Parses money flags against one plan; ``notes`` says every conversion made."""

    def __init__(
        self, plan_currency: str, plan_fx_note: str | None, fx_overrides: tuple[str, ...] = ()
    ) -> None:
        from tokencost.fx import fx_table

        self.currency = plan_currency
        rates = {**_plan_rates(plan_fx_note)}
        self._table = fx_table([*(f"{k}={v}" for k, v in rates.items() if k != "USD"), *fx_overrides])
        self._from_plan = set(rates)
        self.notes: list[str] = []

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
        origin = "the plan's rate" if codes <= self._from_plan else "the default rate"
        self.notes.append(
            f"{name} {text!r} converted to {format_money(converted, self.currency)} at {origin}: "
            f"{self._table.describe(codes)}"
        )
        return converted

    def increase(self, text: str) -> tuple[Decimal | None, Decimal | None]:
        """``--max-increase``: a percentage as it is, an amount like ``amount``."""
        from tokencost.planner.check import parse_increase

        amount, pct = parse_increase(text)
        if amount is None:
            return None, pct
        return self.amount(text, "--max-increase"), None
