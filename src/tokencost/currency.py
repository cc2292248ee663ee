"""ISO 4217 currency codes and money formatting. Money is always ``Decimal`` and always says its currency."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

#: Active ISO 4217 codes (2025 list). A price sheet's currency must be one of these.
ISO_4217: frozenset[str] = frozenset(
    """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD
XOF XPF YER ZAR ZMW ZWG
""".split()
)

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}


def is_currency(code: str) -> bool:
    """True for an active ISO 4217 code (upper case)."""
    return code in ISO_4217


def format_money(amount: Decimal, currency: str, places: int | None = None) -> str:
    """Render ``amount`` with its currency code, e.g. ``$1.2345 USD``; small amounts keep significant digits.

    Never raises: amounts of 24 or more integer digits are shown in scientific notation (``$4.7728E+26 USD``)
    and non-finite ones as they are, always with the currency."""
    symbol = _SYMBOLS.get(currency, "")
    if not amount.is_finite():
        return f"{amount} {currency}"
    magnitude = abs(amount)
    if magnitude and magnitude.adjusted() >= 24:
        return f"{symbol}{amount:.4E} {currency}"
    if places is None:
        places = 2 if magnitude >= 100 else 4 if magnitude >= Decimal("0.01") or magnitude == 0 else 6
    quantum = Decimal(1).scaleb(-places)
    with localcontext() as ctx:
        # quantize needs every digit of the result within the context's precision
        ctx.prec = max(ctx.prec, magnitude.adjusted() + places + 2)
        rounded = amount.quantize(quantum, rounding=ROUND_HALF_EVEN)
    return f"{symbol}{rounded:,} {currency}"
