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

#: Currencies shown with a symbol instead of their code ("$159.45"). Only symbols that name one currency
#: here: CNY and JPY share "¥", so they (and every other currency) are shown by code ("159.45 CNY").
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
_SYMBOLS = SYMBOLS  # older name, kept for callers

#: Below one unit, amounts keep this many significant digits (``$0.000102``, ``$0.0909``).
SIGNIFICANT = 3


def is_currency(code: str) -> bool:
    """True for an active ISO 4217 code (upper case)."""
    return code in ISO_4217


def _places_for(magnitude: Decimal) -> int:
    """Cents from one unit up (and for zero); below, enough places for SIGNIFICANT digits (at least 2)."""
    if magnitude >= 1 or magnitude == 0:
        return 2
    return max(2, SIGNIFICANT - 1 - magnitude.adjusted())


def _round(magnitude: Decimal, places: int) -> Decimal:
    with localcontext() as ctx:
        # quantize needs every digit of the result within the context's precision
        ctx.prec = max(ctx.prec, magnitude.adjusted() + places + 2)
        return magnitude.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def format_money(amount: Decimal, currency: str, places: int | None = None) -> str:
    """Render ``amount`` with its currency, one way everywhere: a symbol or a code, never both.

    USD, EUR and GBP take their symbol (``$159.45``, ``-€3.20``); every other currency its code after the
    number (``159.45 CNY``). Cents from one unit up, SIGNIFICANT digits below (``$0.000102``); ``places``
    forces a number of decimals. Never raises: 24 or more integer digits are shown in scientific notation
    (``$4.7728E+26``), non-finite amounts as they are, always with the currency."""
    symbol = SYMBOLS.get(currency)
    if not amount.is_finite():
        return f"{amount} {currency}"
    magnitude = abs(amount)
    if magnitude and magnitude.adjusted() >= 24:
        number = f"{magnitude:.4E}"
    else:
        rounded = _round(magnitude, _places_for(magnitude) if places is None else places)
        if places is None and _places_for(rounded) != _places_for(magnitude):
            rounded = _round(magnitude, _places_for(rounded))  # 0.0009996 -> $0.00100, not $0.001000
        number = f"{rounded:,f}"
    negative = amount < 0 and number.strip("0.,") != ""
    sign = "-" if negative else ""
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
