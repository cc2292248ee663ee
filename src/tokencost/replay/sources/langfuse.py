"""Langfuse observations / generations (``/api/public/v2/observations`` pages, blob-storage JSON/JSONL/CSV
exports, legacy ``usage`` objects). Observations that are not ``GENERATION`` carry no model usage.

Convention: it depends on the ingestion path. An OpenAI usage object is stored with ``input`` and
``output`` NET of their detail keys (``input_cached_tokens``, ``output_reasoning_tokens``); a raw
Anthropic dict keeps Anthropic's disjoint counters (also net). So cache and reasoning keys are added to
``input``/``output``, unless the observation's ``total`` shows the counts were already gross.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tokencost.replay.reader import Document
from tokencost.replay.record import Skip, UsageRecord, as_decimal, as_int, end_time, parse_time, require_usage
from tokencost.replay.requests import to_chat
from tokencost.replay.sources import Context

NAME = "langfuse"
_CACHE_READ = ("input_cached_tokens", "cache_read_input_tokens", "input_cache_read", "cached_tokens")
_CACHE_WRITE_5M = ("cache_creation_input_tokens", "input_cache_creation", "input_cache_creation_5m")
_CACHE_WRITE_1H = ("input_cache_creation_1h",)
_REASONING = ("output_reasoning_tokens", "reasoning_tokens", "output_reasoning")


def _observation(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "type" in value
        and (
            "usageDetails" in value
            or "usage_details" in value
            or ("traceId" in value and "startTime" in value)
        )
    )


def sniff(doc: Document) -> bool:
    value = doc.value
    if not isinstance(value, dict):
        return False
    if _observation(value):
        return True
    data = value.get("data")
    return isinstance(data, list) and any(_observation(item) for item in data)


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    value = doc.value
    if _observation(value):
        yield _record(value, doc.where)
        return
    for index, item in enumerate(value.get("data") or ()):
        try:
            yield _record(item, f"{doc.where} data[{index}]")
        except Skip as skip:
            skip.where = f"{doc.where} data[{index}]"
            yield skip  # type: ignore[misc]


def _loads(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _sum(details: dict, keys: tuple[str, ...]) -> int:
    return sum(as_int(details.get(key)) for key in keys)


def gross_counts(details: dict) -> dict[str, int]:
    """Normalised token fields from a ``usageDetails`` map (net or gross, decided by ``total``)."""
    read, write_5m, write_1h = (
        _sum(details, _CACHE_READ),
        _sum(details, _CACHE_WRITE_5M),
        _sum(details, _CACHE_WRITE_1H),
    )
    reasoning = _sum(details, _REASONING)
    given_in = details.get("input", details.get("input_tokens", details.get("promptTokens")))
    given_out = details.get("output", details.get("output_tokens", details.get("completionTokens")))
    require_usage(given_in, given_out, *(details.get(k) for k in _CACHE_READ + _CACHE_WRITE_5M))
    raw_in, raw_out = as_int(given_in), as_int(given_out)
    total = as_int(details.get("total")) if details.get("total") is not None else None
    cache = read + write_5m + write_1h
    input_net = not (
        total is not None and total == raw_in + raw_out + reasoning and cache and raw_in >= cache
    )
    output_net = not (
        total is not None and total in (raw_in + raw_out, raw_in + cache + raw_out) and reasoning
    )
    return {
        "input_tokens": raw_in + cache if input_net else raw_in,
        "cache_read_tokens": read,
        "cache_write_5m_tokens": write_5m,
        "cache_write_1h_tokens": write_1h,
        "output_tokens": raw_out + reasoning if output_net else raw_out,
        "reasoning_tokens": reasoning,
    }


def _record(item: dict, where: str) -> UsageRecord:
    if not isinstance(item, dict):
        raise Skip("no usage")
    if str(item.get("type", "")).upper() != "GENERATION":
        raise Skip("not a generation (span/event observation)", ignored=True)
    details = _loads(item.get("usageDetails", item.get("usage_details")))
    if not isinstance(details, dict) or not details:
        legacy = _loads(item.get("usage"))
        details = legacy if isinstance(legacy, dict) else None
    if not details:
        raise Skip("no usage")
    cost = as_decimal(item.get("totalCost", item.get("calculatedTotalCost")))
    if cost is None:
        cost_details = _loads(item.get("costDetails"))
        cost = as_decimal(cost_details.get("total")) if isinstance(cost_details, dict) else None
    request = _loads(item.get("input"))
    tags = {k: str(item[k]) for k in ("userId", "sessionId", "environment", "name") if item.get(k)}
    return UsageRecord(
        model=str(item.get("model") or ""),
        time=parse_time(item.get("startTime")),
        finished=end_time(item.get("endTime")),
        provider=None,
        billed_cost=cost,
        billed_currency="USD" if cost is not None else None,
        request=to_chat(request) if request else None,
        response_text=_output_text(_loads(item.get("output"))),
        tags=tags,
        source=NAME,
        where=where,
        record_id=str(item["id"]) if item.get("id") else None,
        **gross_counts(details),
    )


def _output_text(output: Any) -> str | None:
    if isinstance(output, str):
        return output or None
    if isinstance(output, dict) and isinstance(output.get("content"), str):
        return output["content"]
    return None
