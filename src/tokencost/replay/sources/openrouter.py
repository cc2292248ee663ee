"""OpenRouter: chat responses with usage accounting (``usage.cost``, cached and reasoning details),
``/generation`` records (``native_tokens_*``: the model's own tokenizer, which is what is billed;
``total_cost``) and ``/activity`` rows (per day x model; no cache split).

Convention: OpenAI's (cached is a subset of prompt, reasoning of completion). Model ids are OpenRouter
slugs (``anthropic/claude-sonnet-4.5``), resolved with the ``openrouter`` host first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from tokencost.replay.reader import Document
from tokencost.replay.record import Skip, UsageRecord, as_decimal, as_int, dig, parse_time, require_usage
from tokencost.replay.shapes import openai_usage, response_text
from tokencost.replay.sources import Context, wrapper_time

NAME = "openrouter"


def _generation(value: Any) -> bool:
    return isinstance(value, dict) and ("native_tokens_prompt" in value or "tokens_prompt" in value)


def _activity(value: Any) -> bool:
    return isinstance(value, dict) and "model_permaslug" in value and "prompt_tokens" in value


def _chat(value: Any) -> bool:
    usage = value.get("usage") if isinstance(value, dict) else None
    return (
        isinstance(usage, dict)
        and "prompt_tokens" in usage
        and ("cost" in usage or str(value.get("id", "")).startswith("gen-"))
    )


def sniff(doc: Document) -> bool:
    value = doc.value
    if doc.csv or not isinstance(value, dict):
        return False
    data = value.get("data")
    if _generation(value) or _generation(data) or _chat(value):
        return True
    return isinstance(data, list) and any(_activity(row) or _generation(row) for row in data)


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    value = doc.value
    data = value.get("data", value)
    if _chat(value):
        yield _chat_record(value, doc.where)
    elif isinstance(data, list):
        for index, row in enumerate(data):
            try:
                where = f"{doc.where} data[{index}]"
                yield _activity_record(row, where) if _activity(row) else _generation_record(row, where)
            except Skip as skip:
                skip.where = where
                yield skip  # type: ignore[misc]
    else:
        yield _generation_record(data, doc.where)


def _costs(charged: Any, byok: Any, upstream: Any) -> dict[str, Any]:
    """The record's billed cost: what OpenRouter charged, or on a BYOK request the provider's charge on the
    team's key (``upstream_inference_cost``, the inference the card prices) with OpenRouter's fee apart."""
    cost = as_decimal(charged)
    fields: dict[str, Any] = {"billed_cost": cost}
    if byok is True or str(byok).lower() == "true":
        fields = {"billed_cost": as_decimal(upstream), "byok": True, "fee_cost": cost}
    fields["billed_currency"] = "USD" if fields["billed_cost"] is not None else None
    return fields


def _chat_record(body: dict, where: str) -> UsageRecord:
    usage = body["usage"]
    created = body.get("created")
    upstream = dig(usage, "cost_details", "upstream_inference_cost")
    return UsageRecord(
        model=str(body.get("model") or ""),
        time=wrapper_time(body) if created is None else parse_time(created),
        provider=body.get("provider"),
        host="openrouter",
        **_costs(usage.get("cost"), usage.get("is_byok", body.get("is_byok")), upstream),
        response_text=response_text(body),
        source=NAME,
        where=where,
        record_id=str(body["id"]) if body.get("id") else None,
        **openai_usage(usage),
    )


def _generation_record(row: dict, where: str) -> UsageRecord:
    if not isinstance(row, dict):
        raise Skip("no usage")
    if row.get("cancelled") and not row.get("native_tokens_prompt"):
        raise Skip("cancelled request without usage")
    native = "native_tokens_prompt" in row
    prefix = "native_tokens_" if native else "tokens_"
    require_usage(
        row.get(f"{prefix}prompt"), row.get(f"{prefix}completion")
    )  # null natives: not billed counts
    output = as_int(row.get(f"{prefix}completion"))
    reasoning = as_int(row.get("native_tokens_reasoning"))
    if reasoning > output:  # an upstream that reports reasoning outside the completion count
        output += reasoning
    costs = _costs(
        row.get("total_cost", row.get("usage")), row.get("is_byok"), row.get("upstream_inference_cost")
    )
    return UsageRecord(
        model=str(row.get("model") or ""),
        input_tokens=as_int(row.get(f"{prefix}prompt")),
        cache_read_tokens=as_int(row.get("native_tokens_cached")),
        output_tokens=output,
        reasoning_tokens=reasoning,
        time=parse_time(row.get("created_at")),
        provider=row.get("provider_name"),
        host="openrouter",
        **costs,
        tags={k: str(row[k]) for k in ("app_id", "external_user", "api_type") if row.get(k)},
        source=NAME,
        where=where,
        record_id=str(row["id"]) if row.get("id") else None,
    )


def _activity_record(row: dict, where: str) -> UsageRecord:
    require_usage(row.get("prompt_tokens"), row.get("completion_tokens"))
    output = as_int(row.get("completion_tokens"))
    reasoning = as_int(row.get("reasoning_tokens"))
    if reasoning > output:
        output += reasoning
    day = parse_time(row.get("date"))
    cost = as_decimal(row.get("usage"))
    byok = as_decimal(row.get("byok_usage_inference"))
    # BYOK inference (charged on the team's keys) is the inference the card prices; OpenRouter's credits
    # spent on the row (``usage``) then hold its BYOK fee (and any of the row's requests not on those keys)
    costs = {"billed_cost": byok, "byok": True, "fee_cost": cost} if byok else {"billed_cost": cost}
    return UsageRecord(
        model=str(row.get("model_permaslug") or row.get("model") or ""),
        input_tokens=as_int(row.get("prompt_tokens")),
        output_tokens=output,
        reasoning_tokens=reasoning,
        requests=as_int(row.get("requests")),
        time=day,
        time_end=day + dt.timedelta(days=1) if day else None,
        provider=row.get("provider_name"),
        host="openrouter",
        **costs,
        billed_currency="USD" if costs["billed_cost"] is not None else None,
        source=NAME,
        where=where,
    )
