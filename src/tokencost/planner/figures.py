"""How the plan writes numbers: money and token counts in the JSON document (exact decimal strings), and
the short forms of its assumption and note texts (``21,741.07``, ``12.5%``, ``128k``)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, getcontext, localcontext

MONEY_QUANTUM = Decimal("1e-10")  # see money
_CENT = Decimal("0.01")


def plain(value: Decimal | None) -> str | None:
    return (
        None
        if value is None
        else format(value.normalize(), "f")
        if value == value.to_integral()
        else str(value)
    )


def money(value: Decimal | None) -> str | None:
    """Money in the JSON document: 10 decimal places, trailing zeros dropped (``0.000316``, ``1194.987347``).

    Fine enough that ``check`` never decides on a rounded figure (a $0.000316 request is not $0.0003)."""
    if value is None:
        return None
    adjusted = value.adjusted()
    if adjusted >= 24:
        return str(value)
    if adjusted + 12 <= getcontext().prec:  # the usual case: the context is precise enough as it is
        rounded = value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN).normalize()
    else:
        with localcontext() as ctx:
            ctx.prec = adjusted + 12
            rounded = value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN).normalize()
    return f"{rounded:f}" if rounded else "0"


def written_sum(values) -> Decimal:
    """The sum of figures as the JSON document writes them (each rounded by ``money``), so a total over
    months equals the sum of the months a reader sees, exactly."""
    return sum((Decimal(money(v)) for v in values), Decimal(0))  # type: ignore[arg-type]


def tokens_text(value: Decimal) -> str:
    """A count in the JSON document, always in plain notation (``1000000000000000``, never ``1E+15``)."""
    whole = value.to_integral_value()
    if value == whole:
        return f"{whole:f}"
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_EVEN).normalize():f}"


def percent(fraction: Decimal) -> str:
    return format((fraction * 100).normalize(), "f") + "%"


def grouped(value: Decimal) -> str:
    """Thousands-separated, at most 2 decimals: 21,741.07."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.2f}"


def k_tokens(tokens: Decimal | int, rounding: str = ROUND_HALF_EVEN) -> str:
    value = Decimal(tokens)
    if value >= 1000:
        return f"{(value / 1000).quantize(Decimal('1'), rounding=rounding)}k"
    return str(int(value.to_integral_value(rounding=rounding)))
