"""Library arguments checked and normalised the way the CLI checks them (names, whole numbers, dates, times,
currency codes, FX overrides); a wrong argument is an InputError naming the parameter. Shared by
``estimate`` and the planner's ``plan_file``."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tokencost.currency import is_currency
from tokencost.errors import InputError
from tokencost.fx import FxTable


def name_list(value: str | Sequence[str] | None, what: str) -> tuple[str, ...]:
    """A str is one name (not a sequence of letters); None is none."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise InputError(
            f"{what}: expected a name (str) or a list of names, got {type(value).__name__} {value!r}"
        )
    names = tuple(value)
    for name in names:
        if not isinstance(name, str):
            raise InputError(f"{what}: expected names (str), got {name!r}")
    return names


def whole_number(value: Any, name: str) -> int:
    """A token or request count: an int (an integer type such as numpy's too); bools, floats and strs are
    refused, as the CLI refuses them."""
    if isinstance(value, bool):
        raise InputError(f"{name} must be a whole number (int), got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise InputError(
            f"{name} must be a whole number (int), got {type(value).__name__} {value!r}"
        ) from None


def date_value(value: Any, name: str = "at") -> dt.date | None:
    """A date given as a ``datetime.date``, a ``datetime`` (its date) or an ISO string (``2026-02-20``)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            raise InputError(f"{name} {value!r}: expected a date, YYYY-MM-DD") from None
    raise InputError(
        f"{name} must be a date (datetime.date, a datetime or 'YYYY-MM-DD'), got {type(value).__name__} {value!r}"
    )


def time_of_day_value(value: Any, name: str = "at_time") -> dt.time | None:
    """A UTC time of day given as a ``datetime.time``, a ``datetime`` (its time) or an ``HH:MM`` string;
    one with a UTC offset is converted to UTC (the price windows are in UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"{name} {value!r}: expected HH:MM (UTC)") from None
    if isinstance(value, dt.datetime):
        if value.utcoffset() is not None:
            value = value.astimezone(dt.timezone.utc)
        return value.time()
    if isinstance(value, dt.time):
        offset = value.utcoffset()
        if offset is None:
            return value
        moment = dt.datetime.combine(dt.date(2000, 1, 1), value.replace(tzinfo=None)) - offset
        return moment.time()
    raise InputError(
        f"{name} must be a time of day (datetime.time or 'HH:MM' UTC), got {type(value).__name__} {value!r}"
    )


def currency_code(currency: str | None, name: str = "currency") -> str | None:
    """An ISO 4217 code given in any case (``"cny"`` -> ``"CNY"``), or None; anything else is an InputError
    naming ``name``. Shared by ``estimate`` and ``plan_file``."""
    if currency is None:
        return None
    if not isinstance(currency, str):
        raise InputError(
            f"{name} must be an ISO 4217 code as a str (e.g. 'USD'), got {type(currency).__name__} {currency!r}"
        )
    code = currency.strip().upper()
    if not is_currency(code):
        raise InputError(f"{name} {code!r} is not an ISO 4217 code (e.g. USD, CNY, EUR)")
    return code


def fx_overrides(
    fx: str | Sequence[str] | Mapping[str, Any] | FxTable | None, name: str = "fx", check: bool = True
) -> list[str] | FxTable:
    """FX overrides as ``CODE=RATE`` strings (units of CODE per 1 USD) from a str (one override, never split
    into letters), a sequence of them, a ``{code: rate}`` mapping or None; an FxTable passes through.
    Shared by ``estimate`` and ``plan_file``. A value of another type is an InputError naming ``name``; with
    ``check`` each override is also checked here with the library's wording (else ``fx_table`` checks it)."""
    if isinstance(fx, FxTable):
        return fx
    if fx is None:
        items: list[Any] = []
    elif isinstance(fx, str):
        items = [fx]
    elif isinstance(fx, Mapping):
        items = [f"{code}={rate}" for code, rate in fx.items()]
    elif isinstance(fx, (bytes, bytearray)) or not isinstance(fx, Iterable):
        raise InputError(
            f"{name}: expected a CODE=RATE str, a list of them or a {{code: rate}} mapping, "
            f"got {type(fx).__name__} {fx!r}"
        )
    else:
        items = list(fx)
    for item in items:
        if not isinstance(item, str):
            raise InputError(f"{name}: expected CODE=RATE strings or a {{code: rate}} mapping, got {item!r}")
    if check:
        from tokencost.fx import parse_overrides

        parse_overrides(items, name)
    return items
