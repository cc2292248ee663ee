"""The normalised usage record every source parser produces, and the reasons a record is skipped.

Token semantics follow genai-prices' ``Usage`` (one convention, whatever the source's): ``input_tokens`` is
ALL input, cache reads and cache writes included as subsets; ``output_tokens`` is ALL output, reasoning
included as a subset. Each parser converts its source's convention (Anthropic's input excludes cache,
Gemini's thoughts sit outside its output count, ...) into this one, and ``check`` rejects an inconsistent
record instead of pricing a negative leaf.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class Skip(Exception):
    """A record that cannot be priced: ``reason`` is the counted category (short, stable wording)."""

    def __init__(self, reason: str, ignored: bool = False, where: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        #: not a usage record at all (a stream chunk without usage, a non-LLM span): counted apart
        self.ignored = ignored
        #: a location inside the document (``file:1 data[0].results[2]``) when a page holds many records
        self.where = where


#: why an empty usage-report bucket is counted apart from records (its time still counts in the period)
EMPTY_BUCKET = "empty usage-report bucket (no traffic: its time counts in the period)"


@dataclass
class EmptyBucket:
    """A usage-report bucket with no results: no record, but evidence of no traffic in ``[start, end)``, so
    its time is part of the log's period (``pipeline.records_of`` counts it under ``reason`` and keeps its
    span). Also a request no provider billed (a proxy's cache hit): its time is traffic, its cost none."""

    start: dt.datetime | None
    end: dt.datetime | None
    where: str = ""
    reason: str = EMPTY_BUCKET


#: no model takes or writes this many tokens in one request (the planner's bound too): a larger count is a
#: broken log, whatever the catalog knows of the model's window
MAX_REQUEST_TOKENS = 10**9


@dataclass
class UsageRecord:
    """One request (or, for aggregated exports, ``requests`` requests of one bucket) in one convention."""

    model: str
    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    requests: int = 1
    time: dt.datetime | None = None
    #: end of an aggregated bucket (usage reports), for the period
    time_end: dt.datetime | None = None
    #: when a single request ended (a span's or observation's end time): the period runs to the last end
    finished: dt.datetime | None = None
    provider: str | None = None  # who served it as the log says (openai, anthropic, openrouter, ...)
    host: str | None = None  # the source's host context, used to resolve ids (openrouter, litellm, ...)
    batch: bool = False
    service_tier: str | None = None
    #: the per-request input range a usage-report row states (Anthropic's ``context_window`` "200k-1M":
    #: ``(200000, 1000000)``): its requests' long-context tier, whatever the row's mean
    context_window: tuple[int, int] | None = None
    billed_cost: Decimal | None = None
    billed_currency: str | None = None
    #: bring-your-own-key (OpenRouter BYOK): ``billed_cost`` is the provider's charge on the team's own key
    #: (``upstream_inference_cost``), and ``fee_cost`` the router's own fee on it, billed apart (same currency)
    byok: bool = False
    fee_cost: Decimal | None = None
    #: the request as OpenAI-format chat: {"messages": [...], "tools": [...]} when the log holds the text
    request: dict[str, Any] | None = None
    response_text: str | None = None
    modalities: dict[str, int] = field(default_factory=dict)
    #: uses of the vendor's server-side tools (``web_search_requests``, ``web_fetch_requests``): not tokens
    server_tools: dict[str, int] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    source: str = ""  # parser name
    where: str = ""  # file:line
    #: the vendor's id of the request (``chatcmpl-...``, ``msg_...``, a Langfuse observation id, a LiteLLM
    #: ``request_id``, OTel ``traceId:spanId``): a second record with the same source and id is a duplicate
    record_id: str | None = None

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def uncached_input_tokens(self) -> int:
        return self.input_tokens - self.cache_read_tokens - self.cache_write_tokens

    @property
    def visible_output_tokens(self) -> int:
        return self.output_tokens - self.reasoning_tokens

    @property
    def aggregated(self) -> bool:
        """A bucket of several requests (usage-report rows): no per-request tiers, no text."""
        return self.time_end is not None

    def check(self) -> UsageRecord:
        """Raise Skip when a count is negative or impossibly large, or a subset exceeds its total (a parser
        or a log is wrong)."""
        counts = (
            self.input_tokens,
            self.cache_read_tokens,
            self.cache_write_5m_tokens,
            self.cache_write_1h_tokens,
            self.output_tokens,
            self.reasoning_tokens,
            self.requests,
        )
        if any(value < 0 for value in counts):
            raise Skip("negative token count")
        bounded = not (
            self.aggregated and self.requests < 1
        )  # a report row without a request count: no bound
        if bounded and max(self.input_tokens, self.output_tokens) > MAX_REQUEST_TOKENS * max(
            self.requests, 1
        ):
            raise Skip(f"impossible count: over {MAX_REQUEST_TOKENS:,} tokens in one request")
        if self.uncached_input_tokens < 0:
            raise Skip("cache tokens exceed input tokens")
        if self.reasoning_tokens > self.output_tokens:
            raise Skip("reasoning tokens exceed output tokens")
        if not self.model:
            raise Skip("no model id")
        return self


def reported(*counts: Any) -> bool:
    """Whether any of a usage object's counters is reported (present, not null, not an empty cell)."""
    return any(value is not None and value != "" for value in counts)


def require_usage(*counts: Any) -> None:
    """Skip a usage object none of whose input/output counters is reported: ``usage: {}`` or all-null
    counters are no usage, not a request of 0 tokens. (Counters reported as 0 are a request: see DESIGN.md.)"""
    if not reported(*counts):
        raise Skip("no usage")


def as_int(value: Any) -> int:
    """A token count from JSON/CSV/OTLP (ints, numeric strings, floats with no fraction); None/'' is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise Skip("malformed token count")
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise Skip("malformed token count") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise Skip("malformed token count")
    return int(number)


def as_decimal(value: Any) -> Decimal | None:
    """A money amount as Decimal (floats through their repr, so 0.1 stays 0.1); None when absent."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def context_range(value: Any) -> tuple[int, int] | None:
    """A stated context window as (above, up to) tokens: ``"0-200k"`` -> (0, 200000), ``"200k-1M"`` ->
    (200000, 1000000); None when absent or not such a range."""
    bounds = []
    for part in str(value or "").split("-"):
        text = part.strip().lower()
        scale = {"k": 1000, "m": 1000000}.get(text[-1:], 1)
        digits = text[:-1] if scale > 1 else text
        try:
            number = Decimal(digits) * scale
        except ArithmeticError:
            return None
        if not number.is_finite() or number < 0:
            return None
        bounds.append(int(number))
    if len(bounds) != 2 or bounds[0] >= bounds[1]:
        return None
    return bounds[0], bounds[1]


def dig(mapping: Any, *path: str) -> Any:
    """``mapping[a][b]...`` or None when any step is missing or not a mapping."""
    for key in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


#: a logged time before this is a placeholder (a test's fake clock, an unset field), not when a request ran:
#: no LLM API billed anything then. Such records are read as records without a time, and counted apart.
EARLIEST_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def parse_time(value: Any, unit: str | None = None) -> dt.datetime | None:
    """ISO 8601 text, Unix seconds (int/float/str) or Unix nanoseconds (OTLP strings) as aware UTC. A number's
    unit is guessed from its size unless ``unit`` says it (``"ns"`` for OTLP's ``*UnixNano`` fields, where a
    fake clock's ``1000000000`` is one second after 1970, not 2001)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()
    ):
        number = float(value)
        if unit == "ns" or number > 1e17:  # nanoseconds (said, or by size)
            number /= 1e9
        elif number > 1e14:  # microseconds
            number /= 1e6
        elif number > 1e11:  # milliseconds
            number /= 1e3
        try:
            return dt.datetime.fromtimestamp(number, tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise Skip("malformed timestamp") from None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise Skip("malformed timestamp") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc)
    raise Skip("malformed timestamp")


def end_time(value: Any, unit: str | None = None) -> dt.datetime | None:
    """A request's end time for the period: ``parse_time``, but an unreadable end is no end (the record
    stays: its start is what prices it)."""
    try:
        return parse_time(value, unit)
    except Skip:
        return None
