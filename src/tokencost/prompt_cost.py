"""What one prompt costs on many models: count once per tokenizer family, price on each model, rank.

This is the library behind ``tokencost estimate`` (``tokencost.estimate(...)`` returns the same rows).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING, Any

from tokencost.cost import Bill, Unpriceable, Usage, price_usage
from tokencost.currency import is_currency
from tokencost.errors import InputError
from tokencost.fx import FxTable, fx_table
from tokencost.pricing.catalog import Catalog, Entry, load_catalog, pricing_paths

if TYPE_CHECKING:
    from tokencost.tokenizers import TokenCount
    from tokencost.tokenizers.messages import ChatRequest

#: The default comparison set: current flagship, mid and budget models of the major vendors, so the first
#: run is useful without flags. Ids must exist in the bundled catalog (a test checks).
DEFAULT_MODELS: tuple[str, ...] = (
    "gpt-5",
    "gpt-5-mini",
    "gpt-4.1-mini",
    "claude-opus-4.6",
    "claude-sonnet-4.5",
    "claude-haiku-4.5",
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "grok-4",
    "deepseek-v3.2",
    "qwen3.5-plus",
    "kimi-k2.5",
    "glm-5",
    "minimax-m2.5",
    "mistral-medium-3",
)

DEFAULT_OUTPUT_RATIO = Decimal("0.25")
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


def plain_text(value: Decimal) -> str:
    """An exact decimal (a rate, a token count) in plain notation: ``0.00000075``, not ``7.5E-7``."""
    return format(value, "f")


@dataclass(frozen=True)
class EstimateRow:
    """One model's price for the prompt."""

    rank: int
    entry: Entry
    count: TokenCount
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    bill: Bill
    total: Decimal  # in the result's display currency
    input_cost: Decimal  # display currency
    output_cost: Decimal  # display currency
    times_cheapest: Decimal | None  # vs the cheapest paid model that fits; None for a free model
    #: why the model cannot take this request (context window, max output); such rows rank last
    problems: tuple[str, ...] = ()
    #: notes on this row besides the bill's own (``bill.notes``); ``all_notes`` has both
    notes: tuple[str, ...] = ()

    @property
    def model_id(self) -> str:
        return self.entry.id

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
                f: {"tokens": c.tokens, "exact": c.exact, "method": c.method, "error_band": c.error_band}
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
        "model": row.entry.id,
        "name": row.entry.model.display_name,
        "provider": row.entry.provider.id,
        "tokenizer": row.count.family,
        "count_method": row.count.method,
        "exact": row.count.exact,
        "error_band": row.count.error_band,
        "requests": int(bill.requests),
        "input_tokens": row.input_tokens,  # per request
        "cached_tokens": row.cached_tokens,
        "output_tokens": row.output_tokens,
        "currency": currency,
        "input_cost": money_text(row.input_cost),
        "output_cost": money_text(row.output_cost),
        "total": money_text(row.total),
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


def resolve_models(
    catalog: Catalog,
    models: Sequence[str] = (),
    vendors: Sequence[str] = (),
    all_models: bool = False,
    model_map: Mapping[str, str] | None = None,
) -> list[Entry]:
    """The entries to price: named models, a vendor's chat models, everything, or the default set. A named
    model reached by anything but its id or alias carries ``resolution`` (how it was resolved)."""
    if models:
        entries = [catalog.get(name, model_map=model_map) for name in models]
    elif vendors:
        entries = catalog.select(vendor=vendors, mode="chat")
        if not entries:
            known = sorted(catalog.providers())
            raise InputError(
                f"no chat model from vendor(s) {', '.join(vendors)}", "known: " + ", ".join(known)
            )
    elif all_models:
        entries = catalog.select(mode="chat")
    else:
        entries = [entry for name in DEFAULT_MODELS if (entry := catalog.find(name)) is not None]
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.id, entry)
    return list(unique.values())


def limit_problems(entry: Entry, input_tokens: int, output_tokens: int) -> tuple[str, ...]:
    """Why one request of ``input_tokens`` + ``output_tokens`` cannot be sent to ``entry`` (empty when it can).
    The context window must hold input and output together, as the planner checks it."""
    problems = []
    window = entry.model.context_window
    if window is not None and input_tokens + output_tokens > window:
        problems.append(
            f"exceeds context window {window:,} "
            f"(input {input_tokens:,} + output {output_tokens:,} = {input_tokens + output_tokens:,} tokens)"
        )
    most_in = entry.model.max_input_tokens
    if most_in is not None and input_tokens > most_in:
        problems.append(f"exceeds max input {most_in:,} tokens (input {input_tokens:,})")
    most = entry.model.max_output_tokens
    if most is not None and output_tokens > most:
        problems.append(f"exceeds max output {most:,} tokens (output {output_tokens:,})")
    return tuple(problems)


def count_family(text: str, family: str, estimate_only: bool) -> TokenCount:
    """Count ``text`` with ``family`` through the tokenizer registry."""
    from tokencost.tokenizers import count_tokens

    return count_tokens(text, tokenizer=family, estimate=estimate_only)


def count_requests_family(
    requests: Sequence[ChatRequest], family: str, estimate_only: bool
) -> tuple[TokenCount, int, int]:
    """The mean chat request of ``requests`` counted with ``family`` (each request with its own per-message
    overhead and reply priming, the mean rounded half-even to whole tokens); the number of non-text content
    parts (images, audio) it could not count, over all requests; and the largest request's tokens (what the
    context window must hold)."""
    from tokencost.tokenizers import TokenCount, get_counter
    from tokencost.tokenizers.messages import count_requests

    counter = get_counter(family, estimate=estimate_only)
    each = [count_requests([r], family, counter.count) for r in requests]
    total = sum(c.tokens for c in each)
    mean = (Decimal(total) / max(len(requests), 1)).to_integral_value(rounding=ROUND_HALF_EVEN)
    method = counter.method
    approximated = sum(c.approximated for c in each)
    if approximated:
        from tokencost.tokenizers.messages import APPROXIMATED

        share = (Decimal(approximated) / max(len(requests), 1)).to_integral_value(rounding=ROUND_HALF_EVEN)
        method += f" (+{share} tokens approximated: {APPROXIMATED})"
    count = TokenCount(int(mean), family, counter.exact, method, counter.error_band)
    return count, sum(c.skipped_parts for c in each), max((c.tokens for c in each), default=0)


def _json_value(value: Any) -> Any:
    """``json.dumps``' fallback: any Mapping as a dict, any other non-str Sequence as a list."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return list(value)
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON data")


def chat_requests(
    document: Sequence[Mapping[str, Any]] | Mapping[str, Any] | Sequence[ChatRequest],
    source: str = "text_or_messages",
) -> list[ChatRequest]:
    """The chat requests of an OpenAI-style chat given as Python data, parsed exactly as the CLI parses a
    chat file (``messages.parse_requests``: tools and legacy ``functions`` kept, the shape checked with
    errors naming ``source`` and the field, e.g. ``tools[0]``). ``document`` is a ``{"messages": [...],
    "tools": [...]}`` request, a list of messages, a list of such requests, or ``ChatRequest`` objects
    (already parsed, e.g. by the CLI)."""
    from tokencost.tokenizers.messages import ChatRequest, parse_requests

    if (
        isinstance(document, Sequence)
        and document
        and all(isinstance(request, ChatRequest) for request in document)
    ):
        requests = list(document)
    else:
        try:
            text = json.dumps(document, ensure_ascii=False, default=_json_value)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{source}: chat messages must be JSON data (dict, list, str, number): {exc}"
            ) from None
        requests = parse_requests(text, source)
    if not any(request.messages for request in requests):
        raise InputError("no chat messages to price: expected a list of {role, content} messages")
    return requests


def _names(value: str | Sequence[str] | None, what: str) -> tuple[str, ...]:
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


def _whole(value: Any, name: str) -> int:
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


def _day(value: Any, name: str = "at") -> dt.date | None:
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


def _time_of_day(value: Any, name: str = "at_time") -> dt.time | None:
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


def _quantize_ratio(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def estimate(
    text_or_messages: str | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    models: str | Sequence[str] = (),
    *,
    vendors: str | Sequence[str] = (),
    all_models: bool = False,
    output_tokens: int | None = None,
    output_ratio: Decimal | float | str | None = None,
    cached_ratio: Decimal | float | str = 0,
    requests: int = 1,
    batch: bool = False,
    at: dt.date | dt.datetime | str | None = None,
    at_time: dt.time | dt.datetime | str | None = None,
    currency: str | None = None,
    fx: str | Sequence[str] | Mapping[str, Any] | FxTable | None = (),
    estimate_only: bool = False,
    pricing: str | os.PathLike | Sequence[str | os.PathLike] | None = (),
    model_map: Mapping[str, str] | Sequence[str] | None = None,
) -> EstimateResult:
    """Price a prompt (text, or chat messages in OpenAI format) on each model, cheapest first.

    Chat input is a ``{"messages": [...], "tools": [...]}`` request (legacy ``functions`` too), a list of
    messages, or a list of requests, parsed as ``tokencost estimate --messages`` parses a chat file (a
    malformed field is an InputError naming it, e.g. ``tools[0]``). Several requests are priced as their
    mean request (``chat_requests`` in the result says how many, and a notice says so).

    Each model is priced on its own tokenizer family's count of the input; output is ``output_tokens``
    for every model, or ``output_ratio`` x that model's input count (default 0.25). ``cached_ratio`` of the
    input is billed as cache reads. Costs are per ``requests`` requests, in ``currency`` (default: the
    models' own currency when they share one, else USD) with the FX rates said in ``fx_note``.

    ``models`` and ``vendors`` take one name (a str) or several; ``pricing`` one overlay path (str or Path)
    or several; ``currency`` any case; ``fx`` a ``"CNY=7.1"`` str, a sequence of them, a ``{"CNY": 7.1}``
    mapping (units per 1 USD) or an FxTable; ``at`` a date, a datetime (its date) or ``"YYYY-MM-DD"``;
    ``at_time`` a time, a datetime or ``"HH:MM"`` (UTC). ``output_tokens`` and ``requests`` are ints.
    ``model_map`` maps names (an Azure deployment, an in-house alias) to catalog ids: a mapping or
    ``"LOGGED=CATALOG"`` items. An embedding model is priced on its input only. A wrong argument is an
    InputError naming the parameter.
    """
    if isinstance(text_or_messages, (bytes, bytearray)):
        raise InputError("the prompt is bytes: decode it to str (UTF-8) first")
    if not isinstance(text_or_messages, (str, Mapping, Sequence)):
        raise InputError(
            "text must be a str (or chat messages: a list of {role, content} objects), "
            f"got {type(text_or_messages).__name__}"
        )
    if isinstance(text_or_messages, str) and not text_or_messages.strip():
        raise InputError("the prompt is empty: nothing to price")
    for name, flag in (("all_models", all_models), ("batch", batch), ("estimate_only", estimate_only)):
        if not isinstance(flag, bool):
            raise InputError(f"{name} must be True or False, got {flag!r}")
    models, vendors = _names(models, "models"), _names(vendors, "vendors")
    pricing = pricing_paths(pricing)
    if output_tokens is not None and output_ratio is not None:
        raise InputError("give output_tokens or output_ratio, not both")
    if output_tokens is not None:
        output_tokens = _whole(output_tokens, "output_tokens")
        if output_tokens < 0:
            raise InputError(f"output_tokens cannot be negative, got {output_tokens}")
    requests = _whole(requests, "requests")
    at, at_time = _day(at), _time_of_day(at_time)
    try:
        ratio = Decimal(str(output_ratio)) if output_ratio is not None else DEFAULT_OUTPUT_RATIO
        cached = Decimal(str(cached_ratio))
    except InvalidOperation:
        raise InputError(
            f"output_ratio and cached_ratio must be numbers, got {output_ratio!r}, {cached_ratio!r}"
        ) from None
    if not cached.is_finite() or not (0 <= cached <= 1):
        raise InputError(f"cached_ratio must be between 0 and 1, got {cached_ratio}")
    if not ratio.is_finite() or ratio < 0:
        raise InputError(f"output_ratio must be a non-negative number, got {output_ratio}")
    if requests < 1:
        raise InputError(f"requests must be at least 1, got {requests}")
    currency = currency_code(currency)
    fx = fx_overrides(fx)  # a bad rate is an error even when nothing needs converting
    tables: list[FxTable] = [fx] if isinstance(fx, FxTable) else []

    def table() -> FxTable:
        """The FX table, loaded on first use: single-currency runs never read the rates file."""
        if not tables:
            tables.append(fx_table(fx))  # type: ignore[arg-type]
        return tables[0]

    from tokencost.pricing.resolve import parse_model_map

    mapping = parse_model_map(model_map, "model_map")
    catalog = load_catalog(pricing)
    entries = resolve_models(catalog, models, vendors, all_models, mapping)
    if not entries:
        raise InputError("no models to price")

    is_text = isinstance(text_or_messages, str)
    chat = None if is_text else chat_requests(text_or_messages)  # type: ignore[arg-type]
    counts: dict[str, TokenCount] = {}
    notices: list[str] = [n for e in entries if e.resolution is not None and (n := e.resolution.notice())]
    if chat is not None and len(chat) > 1:
        notices.append(
            f"mean of {len(chat)} requests: the input holds {len(chat)} chat requests, each counted with its "
            "own overhead (one sample per request, as in `tokencost plan`); tokens and costs are for the mean "
            "request, rounded to whole tokens"
        )
    skipped_parts = 0
    largest: dict[str, int] = {}  # the largest chat request per family, when there are several
    for family in dict.fromkeys(e.model.tokenizer for e in entries):
        if chat is None:
            counts[family] = count_family(text_or_messages, family, estimate_only)  # type: ignore[arg-type]
        else:
            counts[family], skipped_parts, largest[family] = count_requests_family(
                chat, family, estimate_only
            )
    if skipped_parts:
        notices.append(
            f"{skipped_parts} non-text content part(s) not counted (images, audio and files are billed "
            "by other rules): the input cost covers text only"
        )

    currencies = {e.currency for e in entries}
    display = currency or (next(iter(currencies)) if len(currencies) == 1 else "USD")
    # entry, count, output, cached, bill, notes
    priced: list[tuple[Entry, TokenCount, int, int, Bill, list[str]]] = []
    time_of_day_ignored = False
    skipped: list[tuple[str, str]] = []
    for entry in entries:
        card = entry.model.card_at(at)
        if card is None:
            skipped.append((entry.id, f"no known price on {at}"))
            continue
        count = counts[entry.model.tokenizer]
        embedding = entry.model.mode == "embedding"
        out = (
            0
            if embedding
            else output_tokens
            if output_tokens is not None
            else int((Decimal(count.tokens) * ratio).to_integral_value())
        )
        cache_tokens = int((Decimal(count.tokens) * cached).to_integral_value())
        usage = Usage(
            input_tokens=count.tokens, output_tokens=out, cache_read_tokens=cache_tokens, requests=requests
        )
        try:
            bill = price_usage(
                card,
                usage,
                entry.currency,
                variant="batch" if batch else None,
                at_time=at_time,
                free=entry.model.free,
            )
        except Unpriceable as exc:
            skipped.append((entry.id, str(exc)))
            continue
        notes = ["embedding model: input tokens only (no output)"] if embedding else []
        if at_time is None and card.windows:
            time_of_day_ignored = True
            spans: dict[str, list[str]] = {}
            for window in card.windows:
                spans.setdefault(window.name, []).append(f"{window.start:%H:%M}-{window.end:%H:%M}")
            applies = "; ".join(
                f"{name} rates apply {' and '.join(times)} UTC" for name, times in spans.items()
            )
            notes.append(f"no time of day given: standard rates assumed ({applies})")
        if entry.model.context_window is None:
            notes.append("context window unknown: not checked")
        priced.append((entry, count, out, cache_tokens, bill, notes))
    if not priced:
        reasons = "; ".join(f"{model}: {reason}" for model, reason in skipped[:5])
        raise InputError(f"none of the {len(entries)} model(s) can be priced ({reasons})")

    def converted(amount: Decimal, from_currency: str) -> Decimal:
        return amount if from_currency == display else table().convert(amount, from_currency, display)

    # A model that cannot take the request (too long for its context window or its maximum output) keeps
    # its row, flagged, and ranks after every model that can.
    ranked = sorted(
        (
            (
                converted(item[4].total, item[4].currency),
                limit_problems(item[0], max(item[1].tokens, largest.get(item[1].family, 0)), item[2]),
                item,
            )
            for item in priced
        ),
        key=lambda triple: (bool(triple[1]), triple[0], triple[2][0].id),
    )
    # "x cheapest" compares with the cheapest model that fits and costs anything: against a free model every
    # ratio would be infinite. Free rows get no ratio.
    cheapest = min((total for total, problems, _ in ranked if total > 0 and not problems), default=None)
    if cheapest is None:
        cheapest = min((total for total, _, _ in ranked if total > 0), default=None)
    rows = []
    for rank, (total, problems, (entry, count, out, cache_tokens, bill, notes)) in enumerate(ranked, start=1):
        times = _quantize_ratio(total / cheapest) if cheapest is not None and total > 0 else None
        rows.append(
            EstimateRow(
                rank=rank,
                entry=entry,
                count=count,
                input_tokens=count.tokens,
                output_tokens=out,
                cached_tokens=cache_tokens,
                bill=bill,
                total=total,
                input_cost=converted(bill.input_cost, bill.currency),
                output_cost=converted(bill.output_cost, bill.currency),
                times_cheapest=times,
                problems=problems,
                notes=tuple(notes),
            )
        )

    assumptions = []
    if all(e.model.mode == "embedding" for e in entries):
        assumptions.append("output: none (embedding models bill input tokens only)")
    elif output_tokens is not None:
        assumptions.append(f"output: {output_tokens} tokens per request on every model (given)")
    elif output_ratio is not None:
        assumptions.append(f"output: {ratio} x each model's input tokens (given)")
    else:
        assumptions.append(
            f"output: {ratio} x each model's input tokens (default; set --output-tokens or --output-ratio)"
        )
    if cached:
        assumptions.append(f"cached: {cached} of input billed at the cache-read rate")
    if batch:
        assumptions.append("batch prices where published (standard otherwise, noted per row)")
    if at is not None:
        assumptions.append(f"prices in force on {at}")
    if at_time is not None:
        assumptions.append(f"requests sent at {at_time:%H:%M} UTC (time-of-day windows applied)")
    elif time_of_day_ignored:
        assumptions.append(
            "time of day not given: standard rates for models whose prices vary by time of day (see notes)"
        )
    foreign = {row.bill.currency for row in rows} - {display}
    fx_note = None
    if foreign:
        fx_note = table().describe({*foreign, display})
        assumptions.append(f"converted to {display}: {fx_note}")
    return EstimateResult(
        rows,
        display,
        requests,
        assumptions,
        skipped,
        counts,
        fx_note,
        at,
        notices,
        None if chat is None else len(chat),
    )
