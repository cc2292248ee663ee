"""LiteLLM proxy spend logs (``LiteLLM_SpendLogs`` rows from ``/spend/logs`` or a database export, JSON or
CSV) and ``StandardLoggingPayload`` callback records.

Convention: ``prompt_tokens`` is OpenAI-style inclusive (for Anthropic, LiteLLM adds cache creation and
cache reads into it). Cache and reasoning counts are not columns: they sit in ``metadata``
(``additional_usage_values`` or ``usage_object``), a JSON string in CSV exports. ``spend`` (or
``response_cost``) is the billed figure LiteLLM computed, in USD.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tokencost.replay.reader import Document
from tokencost.replay.record import (
    EmptyBucket,
    Skip,
    UsageRecord,
    as_decimal,
    as_int,
    dig,
    end_time,
    parse_time,
    require_usage,
)
from tokencost.replay.requests import to_chat
from tokencost.replay.shapes import reasoning_outside, response_text
from tokencost.replay.sources import Context

NAME = "litellm"


def sniff(doc: Document) -> bool:
    value = doc.value
    if not isinstance(value, dict):
        return False
    has_cost = "spend" in value or "response_cost" in value
    return has_cost and "prompt_tokens" in value and ("model" in value or "model_group" in value)


def _json(value: Any) -> Any:
    """A JSON column that a CSV export (or the proxy's storage) keeps as text."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _cache(metadata: Any) -> tuple[int, int, int]:
    """(cache read, cache write, reasoning) from the row's metadata."""
    extra = dig(metadata, "additional_usage_values") or dig(metadata, "usage_object") or {}
    if not isinstance(extra, dict):
        return 0, 0, 0
    read = as_int(extra.get("cache_read_input_tokens")) or as_int(
        dig(extra, "prompt_tokens_details", "cached_tokens")
    )
    write = as_int(extra.get("cache_creation_input_tokens")) or as_int(
        dig(extra, "prompt_tokens_details", "cache_creation_tokens")
    )
    reasoning = as_int(dig(extra, "completion_tokens_details", "reasoning_tokens"))
    return read, write, reasoning


def _request(row: dict) -> Any:
    """The stored request (only when the proxy stores prompts): ``messages`` or ``proxy_server_request``."""
    for key in ("messages", "proxy_server_request"):
        value = _json(row.get(key))
        if isinstance(value, list) and value:
            return {"messages": value}
        if isinstance(value, dict) and (value.get("messages") or value.get("input")):
            return value
    return None


#: a row the proxy answered from its own cache: the provider never saw it, so it is no provider call
CACHE_HIT = "LiteLLM cache hit (answered from the proxy's cache, never sent to the provider: not priced)"


def _cache_hit(row: dict) -> bool:
    """Whether LiteLLM served the row from its cache (``cache_hit``: ``"True"`` in SpendLogs, a bool in
    ``StandardLoggingPayload``)."""
    value = row.get("cache_hit")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    row = doc.value
    status = str(row.get("status") or "").lower()
    if status and status not in ("success", "succeeded"):
        raise Skip("error response")
    if _cache_hit(row):  # counted and said apart, its time in the period; priced neither as logged nor on
        when = parse_time(row.get("startTime") or row.get("start_time"))  # candidates
        yield EmptyBucket(when, when, doc.where, CACHE_HIT)
        return
    require_usage(row.get("prompt_tokens"), row.get("completion_tokens"))
    metadata = _json(row.get("metadata"))
    read, write, reasoning = _cache(metadata)
    output = as_int(row.get("completion_tokens"))
    # an xAI response logged by a LiteLLM that did not fold its reasoning into completion_tokens (newer ones
    # do): the total's arithmetic says so, or a reasoning count no completion could hold
    if reasoning_outside(row, reasoning, xai=reasoning > output):
        output += reasoning
    cost = as_decimal(row.get("spend", row.get("response_cost")))
    request = _request(row)
    response = _json(row.get("response"))
    provider = row.get("custom_llm_provider") or None
    tags = {k: str(row[k]) for k in ("user", "team_id", "end_user", "api_key", "model_group") if row.get(k)}
    for tag in _json(row.get("request_tags")) or ():
        if isinstance(tag, str):
            tags[f"tag.{tag}"] = "1"
    yield UsageRecord(
        model=str(row.get("model") or row.get("model_group") or ""),
        input_tokens=as_int(row.get("prompt_tokens")),
        cache_read_tokens=read,
        cache_write_5m_tokens=write,
        output_tokens=output,
        reasoning_tokens=reasoning,
        time=parse_time(row.get("startTime") or row.get("start_time")),
        finished=end_time(row.get("endTime") or row.get("end_time")),
        provider=provider,
        host=provider,
        billed_cost=cost,
        billed_currency="USD" if cost is not None else None,
        request=to_chat(request) if request is not None else None,
        response_text=response_text(response) if isinstance(response, dict) else None,
        tags=tags,
        source=NAME,
        where=doc.where,
        record_id=str(row.get("request_id") or row.get("id") or "") or None,
    )
