"""Anthropic: Messages responses (bare or inside a logging wrapper that adds the time), Message Batches
result lines (priced at batch rates), streaming events (``message_start`` + ``message_delta``), and the
Admin usage report (``data[].results[]``).

Convention: ``input_tokens`` EXCLUDES cache reads and writes; they are added to make the total input.
A Messages response carries no timestamp: the wrapper's (``ts``, ``timestamp``, ...) is used, else the
record has no time and the period is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tokencost.replay.reader import Document
from tokencost.replay.record import (
    EmptyBucket,
    Skip,
    UsageRecord,
    as_int,
    context_range,
    dig,
    parse_time,
    require_usage,
)
from tokencost.replay.shapes import anthropic_usage, other_vendor, response_text, usage_shape
from tokencost.replay.sources import Context, wrapper_time

NAME = "anthropic"
_STREAM_EVENTS = (
    "message_start",
    "message_delta",
    "message_stop",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "ping",
)


def _is_message(value: Any) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("usage"), dict):
        return False
    return value.get("type") == "message" or (
        "model" in value and usage_shape(value["usage"]) == "anthropic" and "choices" not in value
    )


def sniff(doc: Document) -> bool:
    value = doc.value
    if doc.csv or not isinstance(value, dict):
        return False
    if _is_message(value) or value.get("type") in _STREAM_EVENTS or value.get("type") == "error":
        return True
    if "custom_id" in value and isinstance(value.get("result"), dict):
        return True
    data = value.get("data")
    return isinstance(data, list) and any(
        isinstance(b, dict) and "starting_at" in b and "results" in b for b in data
    )


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    value = doc.value
    if isinstance(value.get("data"), list) and "usage" not in value:
        yield from _report(value, doc.where)
    elif "custom_id" in value:
        result = value["result"]
        if result.get("type") != "succeeded" or not isinstance(result.get("message"), dict):
            raise Skip("batch request failed")
        record = message_record(result["message"], doc.where)
        record.batch = True
        record.tags["custom_id"] = str(value["custom_id"])
        yield record
    elif value.get("type") in _STREAM_EVENTS:
        yield from _stream_event(value, doc.where, ctx)
    elif value.get("type") == "error":
        raise Skip("error response")
    else:
        yield message_record(value, doc.where, wrapper_time(value))


def server_tools(usage: Any) -> dict[str, int]:
    """``server_tool_use``'s web search / fetch counts (billed per use, not per token): counted, not priced."""
    uses = usage.get("server_tool_use") if isinstance(usage, dict) else None
    if not isinstance(uses, dict):
        return {}
    counts = {name: as_int(uses.get(name)) for name in ("web_search_requests", "web_fetch_requests")}
    return {name: n for name, n in counts.items() if n > 0}


def message_record(message: dict, where: str, when: Any = None, request: Any = None) -> UsageRecord:
    """A record from one Messages response body."""
    from tokencost.replay.requests import to_chat

    usage = message.get("usage")
    if not isinstance(usage, dict):
        raise Skip("error response" if message.get("type") == "error" else "no usage")
    other_vendor(usage, "anthropic")
    tier = usage.get("service_tier") or message.get("service_tier")
    return UsageRecord(
        model=str(message.get("model") or ""),
        time=when,
        provider="anthropic",
        service_tier=tier,
        batch=tier == "batch",
        request=to_chat(request) if request is not None else None,
        response_text=response_text(message),
        server_tools=server_tools(usage),
        source=NAME,
        where=where,
        record_id=str(message["id"]) if message.get("id") else None,
        **anthropic_usage(usage),
    )


def _stream_event(event: dict, where: str, ctx: Context) -> Iterator[UsageRecord]:
    """``message_start`` holds the input usage; the next ``message_delta`` the final output count."""
    if event.get("type") == "message_start" and isinstance(event.get("message"), dict):
        ctx.pending["anthropic"] = (event["message"], where, wrapper_time(event))
        raise Skip("stream event (usage completed by message_delta)", ignored=True)
    if event.get("type") != "message_delta" or "anthropic" not in ctx.pending:
        raise Skip("stream event without usage", ignored=True)
    message, start_where, when = ctx.pending.pop("anthropic")
    usage = dict(message.get("usage") or {})
    usage.update({k: v for k, v in (event.get("usage") or {}).items() if v is not None})
    yield message_record({**message, "usage": usage}, start_where, when or wrapper_time(event))


def _report(page: dict, where: str) -> Iterator[UsageRecord]:
    """Admin usage report buckets: uncached, cache-read and cache-creation inputs are disjoint buckets."""
    for b_index, bucket in enumerate(page["data"]):
        start, end = parse_time(bucket.get("starting_at")), parse_time(bucket.get("ending_at"))
        if not bucket.get("results"):  # no traffic in it: a zero, and its time is part of the period
            yield EmptyBucket(start, end or start, f"{where} data[{b_index}]")  # type: ignore[misc]
            continue
        for r_index, result in enumerate(bucket.get("results") or ()):
            where_row = f"{where} data[{b_index}].results[{r_index}]"
            if not result.get("model"):
                yield Skip("usage bucket without model (export it grouped by model)", where=where_row)  # type: ignore[misc]
                continue
            counters = ("uncached_input_tokens", "cache_read_input_tokens", "output_tokens", "cache_creation")
            try:
                require_usage(*(result.get(key) for key in counters))
            except Skip as skip:
                skip.where = where_row
                yield skip  # type: ignore[misc]
                continue
            read = as_int(result.get("cache_read_input_tokens"))
            write_5m = as_int(dig(result, "cache_creation", "ephemeral_5m_input_tokens"))
            write_1h = as_int(dig(result, "cache_creation", "ephemeral_1h_input_tokens"))
            tags = {k: str(result[k]) for k in ("workspace_id", "api_key_id") if result.get(k)}
            yield UsageRecord(
                model=str(result["model"]),
                input_tokens=as_int(result.get("uncached_input_tokens")) + read + write_5m + write_1h,
                cache_read_tokens=read,
                cache_write_5m_tokens=write_5m,
                cache_write_1h_tokens=write_1h,
                output_tokens=as_int(result.get("output_tokens")),
                requests=as_int(result.get("requests")),
                time=start,
                time_end=end or start,
                provider="anthropic",
                service_tier=result.get("service_tier"),
                batch=result.get("service_tier") == "batch",
                context_window=context_range(result.get("context_window")),
                tags=tags,
                server_tools=server_tools(result),
                source=NAME,
                where=f"{where} data[{b_index}].results[{r_index}]",
            )
