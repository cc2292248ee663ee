"""What one prompt costs on many models: count once per tokenizer family, price on each model, rank.

This is the library behind ``tokencost estimate`` (``tokencost.estimate(...)`` returns the same rows).
``estimate`` is a pipeline: check the arguments, pick the models, count the prompt once per family, price
the family volumes on every model (``price_volumes``), rank, and state the assumptions.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NamedTuple

from tokencost.costing.arguments import (
    currency_code,
    date_value,
    fx_overrides,
    name_list,
    time_of_day_value,
    whole_number,
)
from tokencost.costing.engine import Bill
from tokencost.costing.framing_keys import framing_key, volumes_key
from tokencost.costing.models import limit_problems, resolve_models
from tokencost.costing.prompt_counts import chat_requests, count_family, count_requests_family
from tokencost.costing.result import EstimateResult, EstimateRow, model_kind
from tokencost.costing.volumes import ModelCost, Volumes, price_volumes
from tokencost.errors import InputError
from tokencost.fx import FxTable, fx_table
from tokencost.pricing.catalog import Entry, load_catalog, pricing_paths
from tokencost.pricing.lifecycle import retired_note, undated_card_note
from tokencost.tokenizers.chat import model as chat_model

if TYPE_CHECKING:
    from tokencost.tokenizers import TokenCount
    from tokencost.tokenizers.messages import ChatRequest

DEFAULT_OUTPUT_RATIO = Decimal("0.25")


class _Options(NamedTuple):
    """``estimate``'s arguments, checked and normalised."""

    models: tuple[str, ...]
    vendors: tuple[str, ...]
    all_models: bool
    pricing: list
    output_tokens: int | None
    ratio: Decimal
    ratio_given: bool
    cached: Decimal
    requests: int
    batch: bool
    at: dt.date | None
    at_time: dt.time | None
    currency: str | None
    fx: list[str] | FxTable
    estimate_only: bool
    #: the day whose cards price the prompt: ``at``, else today (never a card not yet in force)
    day: dt.date


class _Priced(NamedTuple):
    """One model priced: its count, output and cached tokens per request, bill and row notes."""

    entry: Entry
    count: TokenCount
    output: Decimal
    cached: Decimal
    bill: Bill
    notes: list[str]


class _Converter:
    """Converts a card's currency to the display currency; the FX table is loaded on first use, so
    single-currency runs never read the rates file."""

    def __init__(self, fx: list[str] | FxTable, display: str) -> None:
        self._fx, self.display = fx, display
        self._table = fx if isinstance(fx, FxTable) else None

    def table(self) -> FxTable:
        if self._table is None:
            self._table = fx_table(self._fx)  # type: ignore[arg-type]
        return self._table

    def __call__(self, amount: Decimal, from_currency: str) -> Decimal:
        return (
            amount
            if from_currency == self.display
            else self.table().convert(amount, from_currency, self.display)
        )


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
    """Price a prompt (text, or a chat request in any of the four shapes: Chat Completions, Responses, Anthropic
    Messages, Gemini generateContent) on each model, cheapest first.

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
    ``"LOGGED=CATALOG"`` items; a name that resolves loosely is said in ``notices``. An embedding model is
    priced on its input only. A wrong argument is an InputError naming the parameter.
    """
    from tokencost.pricing.resolve import parse_model_map

    _check_prompt(text_or_messages)
    mapping = parse_model_map(model_map, "model_map")
    opts = _options(
        models, vendors, all_models, output_tokens, output_ratio, cached_ratio, requests, batch,
        at, at_time, currency, fx, estimate_only, pricing,
    )  # fmt: skip
    entries = _models_to_price(opts, mapping)
    chat = None if isinstance(text_or_messages, str) else chat_requests(text_or_messages)  # type: ignore[arg-type]
    counts, largest, notices = _count_per_family(text_or_messages, chat, entries, opts.estimate_only)
    notices[:0] = [n for e in entries if e.resolution is not None and (n := e.resolution.notice())]
    costs = _price(entries, counts, opts, "tokens")
    priced, skipped, time_of_day_ignored = _priced(costs, counts, opts)
    convert = _Converter(opts.fx, _display_currency(opts.currency, entries))
    ranges = _cost_ranges(entries, counts, opts, convert)
    rows = _ranked_rows(priced, convert, largest, ranges)
    assumptions = _assumptions(opts, time_of_day_ignored, all(_embedding(e) for e in entries))
    fx_note = _fx_note(rows, convert, assumptions)
    return EstimateResult(
        rows, convert.display, opts.requests, assumptions, skipped, counts, fx_note, opts.at, notices,
        None if chat is None else len(chat),
    )  # fmt: skip


def _check_prompt(text_or_messages: Any) -> None:
    """The prompt is text (not empty) or chat messages as Python data; bytes are refused."""
    if isinstance(text_or_messages, (bytes, bytearray)):
        raise InputError("the prompt is bytes: decode it to str (UTF-8) first")
    if not isinstance(text_or_messages, (str, Mapping, Sequence)):
        raise InputError(
            "text must be a str (or chat messages: a list of {role, content} objects), "
            f"got {type(text_or_messages).__name__}"
        )
    if isinstance(text_or_messages, str) and not text_or_messages.strip():
        raise InputError("the prompt is empty: nothing to price")


def _options(
    models, vendors, all_models, output_tokens, output_ratio, cached_ratio, requests, batch,
    at, at_time, currency, fx, estimate_only, pricing,
) -> _Options:  # fmt: skip
    """Check and normalise the arguments, in the order the errors are reported."""
    for name, flag in (("all_models", all_models), ("batch", batch), ("estimate_only", estimate_only)):
        if not isinstance(flag, bool):
            raise InputError(f"{name} must be True or False, got {flag!r}")
    models, vendors = name_list(models, "models"), name_list(vendors, "vendors")
    pricing = pricing_paths(pricing)
    if output_tokens is not None and output_ratio is not None:
        raise InputError("give output_tokens or output_ratio, not both")
    if output_tokens is not None:
        output_tokens = whole_number(output_tokens, "output_tokens")
        if output_tokens < 0:
            raise InputError(f"output_tokens cannot be negative, got {output_tokens}")
    requests = whole_number(requests, "requests")
    at, at_time = date_value(at), time_of_day_value(at_time)
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
    return _Options(
        models, vendors, all_models, pricing, output_tokens, ratio, output_ratio is not None, cached,
        requests, batch, at, at_time, currency, fx, estimate_only, at or dt.date.today(),
    )  # fmt: skip


def _models_to_price(opts: _Options, model_map: Mapping[str, str]) -> list[Entry]:
    catalog = load_catalog(opts.pricing)
    entries = resolve_models(catalog, opts.models, opts.vendors, opts.all_models, model_map, opts.day)
    if not entries:
        raise InputError("no models to price")
    return entries


def _count_per_family(
    text_or_messages: Any, chat: list[ChatRequest] | None, entries: list[Entry], estimate_only: bool
) -> tuple[dict[str, TokenCount], dict[str, int], list[str]]:
    """The prompt counted once per tokenizer family of ``entries``; for several chat requests also the
    largest request per family (what the context window must hold); and the notices on what is left out."""
    counts: dict[str, TokenCount] = {}
    largest: dict[str, int] = {}
    notices: list[str] = []
    if chat is not None and len(chat) > 1:
        notices.append(
            f"mean of {len(chat)} requests: the input holds {len(chat)} chat requests, each counted with its "
            "own overhead (one sample per request, as in `tokencost plan`); tokens and costs are for the mean "
            "request, rounded to whole tokens"
        )
    skipped_parts = 0
    approximated: dict[str, int] = {}
    for family in dict.fromkeys(e.model.tokenizer for e in entries):
        if chat is None:
            counts[family] = count_family(text_or_messages, family, estimate_only)
    if chat is not None:  # one count per framing: GPT-5 frames a chat otherwise than GPT-4o does
        for key, (family, model) in _framings(entries).items():
            counted = count_requests_family(chat, family, estimate_only, model)
            counts[key], skipped_parts, largest[key] = counted.count, counted.skipped_parts, counted.largest
            if counted.approximated:
                approximated[key] = counted.approximated
    if approximated:  # as `count --messages` says it
        from tokencost.tokenizers.messages import approximated_notice

        notices.append(approximated_notice(approximated))
    if skipped_parts:
        notices.append(
            f"{skipped_parts} part(s) not counted ({chat_model.NOT_COUNTED}: billed by other rules): the input cost "
            "covers text only"
        )
    signed = sum(request.normalised().signatures for request in chat or ())
    if signed:
        notices.append(f"{signed} part(s) {chat_model.SIGNED}")
    return counts, largest, notices


def _framings(entries: list[Entry]) -> dict[str, tuple[str, str]]:
    """The chat counts to make: key -> (family, a model framed so). A family whose models frame alike is
    one count under its name; else each framing its own (``framing_keys.framing_key``)."""
    keys = {e.id: framing_key(e.id, e.model.tokenizer) for e in entries}
    by_family: dict[str, set[str]] = {}
    for entry in entries:
        by_family.setdefault(entry.model.tokenizer, set()).add(keys[entry.id])
    out: dict[str, tuple[str, str]] = {}
    for entry in entries:
        family = entry.model.tokenizer
        key = family if len(by_family[family]) == 1 else keys[entry.id]
        out.setdefault(key, (family, entry.id))
    return out


def _output_tokens(tokens: int, opts: _Options, embedding: bool = False) -> Decimal:
    """Output tokens per request as billed: given, else ``ratio`` x the input count, an expected value kept
    exact (116.25: priced so, as the planner prices a workload, and shown so); none on an embedding model."""
    if embedding:
        return Decimal(0)
    return Decimal(opts.output_tokens) if opts.output_tokens is not None else Decimal(tokens) * opts.ratio


def _cached_tokens(tokens: int, opts: _Options) -> Decimal:
    """Cached input tokens per request as billed (``cached_ratio`` x the input count, exact: 232.5)."""
    return Decimal(tokens) * opts.cached


def _family_volumes(
    counts: dict[str, TokenCount], opts: _Options, side: str = "tokens", embedding: bool = False
) -> dict[str, Volumes]:
    """One request's tokens in each family, on the requested traffic (all standard, or all batch); ``side``
    ``low`` or ``high`` takes each count's bound instead (output derived from input follows it). An
    embedding model has no output."""
    traffic = (("batch" if opts.batch else None, opts.requests),)
    volumes = {}
    for family, count in counts.items():
        tokens = getattr(count, side)
        # priced on the exact mean (232.5 cached tokens, 116.25 output tokens), as the planner prices a
        # workload, so estimate and plan agree to the cent; the rows show the same figures
        output = _output_tokens(tokens, opts, embedding)
        volumes[family] = Volumes(tokens, _cached_tokens(tokens, opts), output, 0, traffic)
    return volumes


def _embedding(entry: Entry) -> bool:
    return model_kind(entry) == "embedding"


def _price(entries: list[Entry], counts: dict[str, TokenCount], opts: _Options, side: str) -> list[ModelCost]:
    """Every entry priced on its family's volumes at ``side`` (embedding models without output), in order."""
    costs: dict[str, ModelCost] = {}
    for embedding in (False, True):
        group = [e for e in entries if _embedding(e) == embedding]
        if group:
            volumes = _family_volumes(counts, opts, side, embedding)
            for cost in price_volumes(group, volumes, at=opts.day, at_time=opts.at_time, itemised=True):
                costs[cost.entry.id] = cost
    return [costs[e.id] for e in entries]


def _cost_ranges(
    entries: list[Entry], counts: dict[str, TokenCount], opts: _Options, convert: _Converter
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per model id, the total cost at the low and at the high bound of its family's count (display
    currency): what an estimated count may really cost. Counts with no range give none (not in the dict); an
    exact tokenizer's chat count has one when its framing is fitted (the framing's held-out error)."""
    estimated = [e for e in entries if _has_range(counts[volumes_key(e, counts)])]
    if not estimated:
        return {}
    sides = [{c.entry.id: c for c in _price(estimated, counts, opts, side)} for side in ("low", "high")]
    out = {}
    for entry in estimated:
        low, high = sides[0][entry.id], sides[1][entry.id]
        if low.problem is None and high.problem is None:
            out[entry.id] = (
                convert(low.bills[0].total, low.bills[0].currency),
                convert(high.bills[0].total, high.bills[0].currency),
            )
    return out


def _has_range(count: TokenCount) -> bool:
    return not count.exact or count.low != count.high


def _mark_overlaps(rows: list[EstimateRow]) -> list[EstimateRow]:
    """Each row with the models whose cost range overlaps its own: the ranking between them is not certain."""
    import dataclasses

    from tokencost.costing.overlaps import overlapping

    found = overlapping([(row.model_id, row.cost_low, row.cost_high) for row in rows])
    return [
        dataclasses.replace(row, uncertain_vs=found[row.model_id]) if row.model_id in found else row
        for row in rows
    ]


def _priced(
    costs: list[ModelCost], counts: dict[str, TokenCount], opts: _Options
) -> tuple[list[_Priced], list[tuple[str, str]], bool]:
    """The models that could be priced, with their row notes; the skipped ones with the reason; and whether
    a model's time-of-day prices were ignored (no time given). None priced is an input error."""
    priced: list[_Priced] = []
    skipped: list[tuple[str, str]] = []
    time_of_day_ignored = False
    for cost in costs:
        if cost.problem is not None:
            skipped.append((cost.entry.id, cost.problem))
            continue
        entry = cost.entry
        count = counts[volumes_key(entry, counts)]
        notes = ["embedding model: input tokens only (no output)"] if _embedding(entry) else []
        windows = entry.model.card_at(opts.day).windows  # type: ignore[union-attr]
        if opts.at_time is None and windows:
            time_of_day_ignored = True
            notes.append(_standard_rates_note(windows))
        if entry.model.context_window is None:
            notes.append("context window unknown: not checked")
        lifecycle = retired_note(entry, opts.day)
        if lifecycle:  # only named (or --vendor/--all) models can be retired: the default set is current
            notes.append(lifecycle)
        undated = undated_card_note(entry, opts.at) if opts.at is not None else None
        if undated:
            notes.append(undated)
        output = _output_tokens(count.tokens, opts, _embedding(entry))
        priced.append(_Priced(entry, count, output, _cached_tokens(count.tokens, opts), cost.bills[0], notes))
    if not priced:
        reasons = "; ".join(f"{model}: {reason}" for model, reason in skipped[:5])
        raise InputError(f"none of the {len(costs)} model(s) can be priced ({reasons})")
    return priced, skipped, time_of_day_ignored


def _standard_rates_note(windows: Sequence[Any]) -> str:
    spans: dict[str, list[str]] = {}
    for window in windows:
        spans.setdefault(window.name, []).append(f"{window.start:%H:%M}-{window.end:%H:%M}")
    applies = "; ".join(f"{name} rates apply {' and '.join(times)} UTC" for name, times in spans.items())
    return f"no time of day given: standard rates assumed ({applies})"


def _display_currency(currency: str | None, entries: list[Entry]) -> str:
    """The currency asked for, else the models' own when they share one, else USD."""
    currencies = {e.currency for e in entries}
    return currency or (next(iter(currencies)) if len(currencies) == 1 else "USD")


def _quantize_ratio(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def _ranked_rows(
    priced: list[_Priced],
    convert: _Converter,
    largest: dict[str, int],
    ranges: dict[str, tuple[Decimal, Decimal]],
) -> list[EstimateRow]:
    """Rows of each kind of model apart (``EstimateRow.kind``: chat models first, then embedding models and
    any other kind), each kind ranked on its own: an embedding model bills input only, so ranking it among
    chat models would compare different jobs."""
    kinds = sorted({model_kind(p.entry) for p in priced}, key=lambda kind: (kind != "chat", kind))
    rows: list[EstimateRow] = []
    for kind in kinds:
        group = [p for p in priced if model_kind(p.entry) == kind]
        rows += _mark_overlaps(_ranked_kind(group, convert, largest, ranges))
    return rows


def _ranked_kind(
    priced: list[_Priced],
    convert: _Converter,
    largest: dict[str, int],
    ranges: dict[str, tuple[Decimal, Decimal]],
) -> list[EstimateRow]:
    """Rows of one kind cheapest first in the display currency. A model that cannot take the request (too long
    for its context window or its maximum output) keeps its row, flagged, and ranks after every model that can."""
    ranked = sorted(
        (
            (
                convert(p.bill.total, p.bill.currency),
                limit_problems(
                    p.entry, max(p.count.tokens, largest.get(volumes_key(p.entry, largest), 0)), p.output
                ),
                p,
            )
            for p in priced
        ),
        key=lambda triple: (bool(triple[1]), triple[0], triple[2].entry.id),
    )
    # "x cheapest" compares with the cheapest model that fits and costs anything: against a free model every
    # ratio would be infinite. Free rows get no ratio.
    cheapest = min((total for total, problems, _ in ranked if total > 0 and not problems), default=None)
    if cheapest is None:
        cheapest = min((total for total, _, _ in ranked if total > 0), default=None)
    rows = []
    for rank, (total, problems, p) in enumerate(ranked, start=1):
        times = _quantize_ratio(total / cheapest) if cheapest is not None and total > 0 else None
        rows.append(
            EstimateRow(
                rank=rank,
                entry=p.entry,
                count=p.count,
                input_tokens=p.count.tokens,
                output_tokens=p.output,
                cached_tokens=p.cached,
                bill=p.bill,
                total=total,
                input_cost=convert(p.bill.input_cost, p.bill.currency),
                output_cost=convert(p.bill.output_cost, p.bill.currency),
                times_cheapest=times,
                problems=problems,
                notes=tuple(p.notes),
                cost_low=ranges.get(p.entry.id, (total, total))[0],
                cost_high=ranges.get(p.entry.id, (total, total))[1],
            )
        )
    return rows


def _assumptions(opts: _Options, time_of_day_ignored: bool, embeddings_only: bool = False) -> list[str]:
    """What the figures assume about output, cache, batch, date and time of day."""
    assumptions = []
    if embeddings_only:
        assumptions.append("output: none (embedding models bill input tokens only)")
    elif opts.output_tokens is not None:
        assumptions.append(f"output: {opts.output_tokens} tokens per request on every model (given)")
    elif opts.ratio_given:
        assumptions.append(f"output: {opts.ratio} x each model's input tokens (given)")
    else:
        assumptions.append(
            f"output: {opts.ratio} x each model's input tokens (default; set --output-tokens or --output-ratio)"
        )
    if opts.cached:
        assumptions.append(f"cached: {opts.cached} of input billed at the cache-read rate")
    if opts.batch:
        assumptions.append("batch prices where published (standard otherwise, noted per row)")
    if opts.at is not None:
        assumptions.append(f"prices in force on {opts.at}")
    if opts.at_time is not None:
        assumptions.append(f"requests sent at {opts.at_time:%H:%M} UTC (time-of-day windows applied)")
    elif time_of_day_ignored:
        assumptions.append(
            "time of day not given: standard rates for models whose prices vary by time of day (see notes)"
        )
    return assumptions


def _fx_note(rows: list[EstimateRow], convert: _Converter, assumptions: list[str]) -> str | None:
    """The exchange rates used, when a row was converted (also added to ``assumptions``)."""
    foreign = {row.bill.currency for row in rows} - {convert.display}
    if not foreign:
        return None
    fx_note = convert.table().describe({*foreign, convert.display})
    assumptions.append(f"converted to {convert.display}: {fx_note}")
    return fx_note
