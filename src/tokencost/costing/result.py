"""The result of ``estimate``: one row per model, and its versioned JSON document (``tokencost.estimate/1``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import TYPE_CHECKING, Any

from tokencost.costing.engine import Bill

if TYPE_CHECKING:
    from tokencost.pricing.catalog import Entry
    from tokencost.tokenizers import TokenCount

SCHEMA = "tokencost.estimate/1"
#: money in the JSON and CSV outputs: fixed decimal places, enough for the cost of one short request
MONEY_PLACES = 10
_MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)


def money_text(value: Decimal) -> str:
    """A money amount for JSON/CSV: rounded half-even to MONEY_PLACES places, plain notation (never
    ``5.6E-7`` or ``0E-28``). The library's rows keep the exact Decimal."""
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + MONEY_PLACES + 2)
        return format(value.quantize(_MONEY_QUANTUM, rounding=ROUND_HALF_EVEN), "f")


def token_number(value: Decimal) -> int | Decimal:
    """A billed token count for display: an int when whole (116), else its exact decimals (116.25)."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def token_json(value: Decimal) -> int | float:
    """A billed token count as a JSON number: an int when whole, else its decimals (116.25)."""
    number = token_number(value)
    return number if isinstance(number, int) else float(number)


def plain_text(value: Decimal) -> str:
    """An exact decimal (a rate, a token count) in plain notation: ``0.00000075``, not ``7.5E-7``."""
    return format(value, "f")


def model_kind(entry: Entry) -> str:
    """What a model does, from its card's ``mode``: ``chat``, ``embedding``, ... (estimate ranks each apart)."""
    return getattr(entry.model, "mode", None) or "chat"


@dataclass(frozen=True)
class EstimateRow:
    """One model's price for the prompt."""

    rank: int
    entry: Entry
    count: TokenCount
    input_tokens: int
    #: output and cached tokens per request exactly as billed: an expected value (0.25 x 465 = 116.25) keeps
    #: its decimals, so the row, its JSON and its bill never disagree
    output_tokens: Decimal
    cached_tokens: Decimal
    bill: Bill
    total: Decimal  # in the result's display currency
    input_cost: Decimal  # display currency
    output_cost: Decimal  # display currency
    times_cheapest: Decimal | None  # vs the cheapest paid model that fits; None for a free model
    #: why the model cannot take this request (context window, max output); such rows rank last
    problems: tuple[str, ...] = ()
    #: notes on this row besides the bill's own (``bill.notes``); ``all_notes`` has both
    notes: tuple[str, ...] = ()
    #: the total at the low and high bounds of an estimated count (display currency; equal to ``total`` when
    #: the count is exact)
    cost_low: Decimal | None = None
    cost_high: Decimal | None = None
    #: models whose cost range overlaps this row's: the ranking between them is not certain
    uncertain_vs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.cost_low is None:
            object.__setattr__(self, "cost_low", self.total)
        if self.cost_high is None:
            object.__setattr__(self, "cost_high", self.total)

    @property
    def model_id(self) -> str:
        return self.entry.id

    @property
    def kind(self) -> str:
        """``chat``, ``embedding``, ...: rows are ranked within their kind (``rank`` starts at 1 in each)."""
        return model_kind(self.entry)

    @property
    def fits(self) -> bool:
        """False when the request exceeds the model's context window or maximum output."""
        return not self.problems

    @property
    def all_notes(self) -> tuple[str, ...]:
        return (*self.bill.notes, *self.notes)


@dataclass
class EstimateResult:
    rows: list[EstimateRow]
    currency: str
    requests: int
    assumptions: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (model id, reason)
    counts: dict[str, TokenCount] = field(default_factory=dict)
    fx_note: str | None = None
    at: dt.date | None = None
    #: what the estimate leaves out (e.g. non-text message parts not counted)
    notices: list[str] = field(default_factory=list)
    #: chat requests in the input (the rows price their mean); None for a text prompt
    chat_requests: int | None = None

    def to_document(self) -> dict[str, Any]:
        """The versioned JSON document of ``tokencost estimate --format json``."""
        return {
            "schema": SCHEMA,
            "currency": self.currency,
            "requests": self.requests,
            "at": self.at,
            "assumptions": self.assumptions,
            "fx": self.fx_note,
            "token_counts": {
                f: {
                    "tokens": c.tokens,
                    "low": c.low,
                    "high": c.high,
                    "exact": c.exact,
                    "method": c.method,
                    "error_band": c.error_band,
                    "backend": c.backend,
                }
                for f, c in self.counts.items()
            },
            "rows": [row_document(row, self.currency) for row in self.rows],
            "skipped": [{"model": m, "reason": r} for m, r in self.skipped],
            "notices": self.notices,
            "requests_in_file": self.chat_requests,
        }


def row_document(row: EstimateRow, currency: str) -> dict[str, Any]:
    bill = row.bill
    return {
        "rank": row.rank,
        "kind": row.kind,
        "model": row.entry.id,
        "name": row.entry.model.display_name,
        "provider": row.entry.provider.id,
        "tokenizer": row.count.family,
        "count_method": row.count.method,
        "exact": row.count.exact,
        "error_band": row.count.error_band,
        "requests": int(bill.requests),
        "input_tokens": row.input_tokens,  # per request
        "input_tokens_low": row.count.low,
        "input_tokens_high": row.count.high,
        "cached_tokens": token_json(row.cached_tokens),
        "output_tokens": token_json(row.output_tokens),
        "currency": currency,
        "input_cost": money_text(row.input_cost),
        "output_cost": money_text(row.output_cost),
        "total": money_text(row.total),
        "cost_low": money_text(row.cost_low),
        "cost_high": money_text(row.cost_high),
        "rank_uncertain_with": list(row.uncertain_vs),
        "per_request": money_text(row.total / bill.requests if bill.requests else row.total),
        "times_cheapest": row.times_cheapest,
        "fits": row.fits,
        "problems": list(row.problems),
        "native": {
            "currency": bill.currency,
            "total": money_text(bill.total),
            "items": [
                {
                    "component": i.component,
                    "tokens": plain_text(i.tokens),
                    "rate_per_million": plain_text(i.rate),
                    "cost": money_text(i.cost),
                }
                for i in bill.items
            ],
            "request_fee": money_text(bill.request_fee),
        },
        "tier_above": bill.tier_above,
        "variant": bill.variant,
        "notes": list(row.all_notes),
        "price_source": row.entry.source,
        "price_checked": row.entry.checked,
    }
