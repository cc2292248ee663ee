"""The value types of a workload file: numbers, shares, growth, token counts and money as ``Decimal`` with
their bounds (so every figure of a plan stays representable), tokenizer families, currencies, cache TTLs,
and the strict base model of every section. ``planner/workload.py`` builds the file's sections from them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from tokencost.currency import is_currency
from tokencost.families import FAMILIES, is_known_family


def _number(value: object) -> object:
    """YAML numbers to Decimal through their shortest repr; booleans are refused (``yes`` is not 1)."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace("_", "").replace(",", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    return value


def _non_negative(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value < 0:
        raise ValueError(f"cannot be negative (got {value})")
    return value


def _ratio(value: Decimal) -> Decimal:
    if not value.is_finite() or not (0 <= value <= 1):
        raise ValueError(f"must be between 0 and 1 (got {value})")
    return value


def _percent_or_fraction(value: object) -> object:
    """``"15%"`` -> 0.15; a bare number is a fraction (0.15 = 15 %). A bare number of 1 or more is refused
    as ambiguous (``growth: 15`` almost always means 15 %, not 1,500 %)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        text = value.strip()[:-1].strip()
        try:
            return Decimal(text) / 100
        except InvalidOperation:
            raise ValueError(f"expected a percentage like '15%', got {value!r}") from None
    number = _number(value)
    if isinstance(number, int):
        number = Decimal(number)
    if isinstance(number, Decimal) and number.is_finite() and abs(number) >= 1:
        raise ValueError(
            f"growth {value} is ambiguous: write '{number}%' for {number} percent, or a fraction like 0.15"
        )
    return number


def _share(value: object) -> object:
    """A share 0-1, also written as a percentage: ``"30%"`` -> 0.3."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return Decimal(value.strip()[:-1].strip()) / 100
        except InvalidOperation:
            raise ValueError(f"expected a share like 0.3 or '30%', got {value!r}") from None
    return _number(value)


def _growth(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= -1:
        raise ValueError(f"growth must be above -100% (got {value * 100}%)")
    if value > MAX_GROWTH:
        raise ValueError(
            f"growth of {format((value * 100).normalize(), ',f')}% is more than a plan can represent "
            f"(at most {MAX_GROWTH * 100:,.0f}% per month or week)"
        )
    return value


def _family(value: str) -> str:
    if not is_known_family(value):
        known = ", ".join(sorted(FAMILIES))
        raise ValueError(f"unknown tokenizer family {value!r}; use one of: {known}")
    return value


def _currency(value: str) -> str:
    code = value.strip().upper()
    if not is_currency(code):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. USD, CNY, EUR)")
    return code


def _at_most(limit: Decimal, unit: str):
    def check(value: Decimal) -> Decimal:
        if value > limit:
            raise ValueError(f"{value} is more than a plan can represent (at most {limit:,.0f} {unit})")
        return value

    return check


def _count_schema(maximum: Decimal) -> dict:
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": int(maximum)},
            {"type": "string", "pattern": r"^[0-9][0-9_,]*(\.[0-9]+)?$"},
        ]
    }


#: Upper bounds that keep every figure of a plan representable (Decimal, 28 significant digits):
#: traffic in requests per month, tokens per request, and budgets or prices in the file's currency.
MAX_REQUESTS_PER_MONTH = Decimal(10) ** 15
MAX_TOKENS_PER_REQUEST = Decimal(10) ** 9
MAX_MONEY = Decimal(10) ** 15
MAX_GROWTH = Decimal(100)  # 10,000 % per month or week


def _bounded(maximum: Decimal, what: str) -> object:
    """A non-negative Decimal of at most ``maximum`` (``what`` names it in the error and the JSON Schema)."""
    return Annotated[
        Decimal,
        BeforeValidator(_number),
        AfterValidator(_non_negative),
        AfterValidator(_at_most(maximum, what)),
        WithJsonSchema(_count_schema(maximum)),
    ]


Count = _bounded(MAX_REQUESTS_PER_MONTH, "requests")
Tokens = _bounded(MAX_TOKENS_PER_REQUEST, "tokens per request")
Money = _bounded(MAX_MONEY, "in the file's currency")
Ratio = Annotated[
    Decimal,
    BeforeValidator(_share),
    AfterValidator(_ratio),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^[0-9.]+ ?%$"},
            ]
        }
    ),
]
Growth = Annotated[
    Decimal,
    BeforeValidator(_percent_or_fraction),
    AfterValidator(_growth),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": -1, "maximum": int(MAX_GROWTH)},
                {"type": "string", "pattern": r"^-?[0-9.]+ ?%$"},
            ]
        }
    ),
]
Family = Annotated[str, AfterValidator(_family)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
Language = Literal["mixed", "en", "zh", "code"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ttl(value: object) -> object:
    """``5m`` / ``1h`` (also ``5min``, ``60m``, ``1 h``) to the two lifetimes vendors bill writes for."""
    text = str(value).strip().lower().replace(" ", "")
    aliases = {"5m": "5m", "5min": "5m", "300s": "5m", "1h": "1h", "60m": "1h", "60min": "1h", "3600s": "1h"}
    if isinstance(value, bool) or text not in aliases:
        raise ValueError(f"cache ttl must be 5m or 1h (the lifetimes vendors bill writes for), got {value!r}")
    return aliases[text]


Ttl = Annotated[
    Literal["5m", "1h"], BeforeValidator(_ttl), WithJsonSchema({"type": "string", "enum": ["5m", "1h"]})
]
PositiveCount = Annotated[
    Decimal,
    BeforeValidator(_number),
    AfterValidator(_non_negative),
    AfterValidator(_at_most(MAX_REQUESTS_PER_MONTH, "requests")),
    WithJsonSchema(_count_schema(MAX_REQUESTS_PER_MONTH)),
    Field(gt=0),
]
