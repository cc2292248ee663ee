"""OpenAI: Chat Completions, Responses and Embeddings objects (also stream chunks and ``response.completed`` events),
Batch output lines (joined with the batch input file by ``custom_id``, priced at batch rates), batch input
lines (the join side: no usage of their own), and organization Usage API pages / dashboard CSV exports.

Convention: input includes cached and cache-write tokens; output includes reasoning (subsets).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tokencost.replay.reader import Document
from tokencost.replay.record import EmptyBucket, Skip, UsageRecord, as_int, parse_time, require_usage
from tokencost.replay.requests import to_chat
from tokencost.replay.shapes import is_xai, openai_usage, other_vendor, response_text
from tokencost.replay.sources import Context, wrapper_time

NAME = "openai"
_OBJECTS = ("chat.completion", "chat.completion.chunk", "response", "text_completion")


def _is_response(value: Any) -> bool:
    return isinstance(value, dict) and (
        value.get("object") in _OBJECTS
        or (isinstance(value.get("usage"), dict) and "model" in value and "choices" in value)
        or _is_embeddings(value)
    )


def _is_embeddings(value: dict) -> bool:
    """An Embeddings response (``object: list`` of ``embedding`` items, ``usage.prompt_tokens``): input only."""
    data, usage = value.get("data"), value.get("usage")
    return (
        value.get("object") == "list"
        and "model" in value
        and isinstance(usage, dict)
        and "prompt_tokens" in usage
        and isinstance(data, list)
        and all(isinstance(item, dict) and item.get("object") == "embedding" for item in data)
    )


def sniff(doc: Document) -> bool:
    value = doc.value
    if doc.csv:
        return "num_model_requests" in value and "input_cached_tokens" in value
    if not isinstance(value, dict):
        return False
    if _is_response(value) or value.get("type", "").startswith("response."):
        return True
    if "custom_id" in value and ("response" in value or {"method", "url", "body"} <= value.keys()):
        return True
    return value.get("object") == "page" and _usage_page(value)


def _usage_page(value: dict) -> bool:
    buckets = value.get("data") or []
    return any(isinstance(b, dict) and "results" in b for b in buckets)


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    value = doc.value
    if doc.csv:
        yield _usage_result(value, doc.where, None, None)
        return
    if value.get("object") == "page":
        yield from _usage_page_records(value, doc.where)
        return
    if "custom_id" in value:
        if "response" not in value:
            raise Skip("batch input line (joined by custom_id)", ignored=True)
        yield _batch_line(value, doc.where, ctx)
        return
    if str(value.get("type", "")).startswith("response."):
        if value.get("type") != "response.completed" or not isinstance(value.get("response"), dict):
            raise Skip("stream event without usage", ignored=True)
        value = value["response"]
    yield response_record(value, doc.where, wrapper_time(doc.value))


def response_record(body: dict, where: str, when: Any = None, request: Any = None) -> UsageRecord:
    """A record from one Chat Completions / Responses body (a chunk without usage is ignored)."""
    usage = body.get("usage")
    if not isinstance(usage, dict):
        if body.get("object") == "chat.completion.chunk":
            raise Skip("stream chunk without usage (usage comes in the last chunk)", ignored=True)
        if body.get("error") or body.get("status") == "failed":
            raise Skip("error response")
        raise Skip("no usage")
    other_vendor(usage, "openai")
    fields = openai_usage(usage, is_xai(body.get("model")))
    created = body.get("created", body.get("created_at"))
    return UsageRecord(
        model=str(body.get("model") or ""),
        time=when or (parse_time(created) if created else None),
        provider="openai",
        service_tier=body.get("service_tier"),
        batch=body.get("service_tier") == "batch",
        request=to_chat(request) if request is not None else None,
        response_text=response_text(body),
        source=NAME,
        where=where,
        record_id=str(body["id"]) if body.get("id") else None,
        **fields,
    )


def _batch_line(value: dict, where: str, ctx: Context) -> UsageRecord:
    response = value.get("response")
    if value.get("error") or not isinstance(response, dict):
        raise Skip("batch request failed")
    if as_int(response.get("status_code", 200)) >= 400:
        raise Skip("batch request failed")
    body = response.get("body")
    if not isinstance(body, dict):
        raise Skip("no usage")
    request = ctx.batch_inputs.get(str(value.get("custom_id")))
    record = response_record(body, where, request=request)
    record.batch = True
    record.tags["custom_id"] = str(value.get("custom_id"))
    record.record_id = str(value["id"]) if value.get("id") else record.record_id  # the batch_req_ id
    return record


#: a Costs API page (``/v1/organization/costs``): money per line item, no token counts to replay
COSTS_PAGE = (
    "OpenAI Costs API row (amounts per line item, no token counts): export the Usage API instead "
    "(/v1/organization/usage/completions with group_by=model)"
)


def _usage_page_records(page: dict, where: str) -> Iterator[UsageRecord]:
    for b_index, bucket in enumerate(page.get("data") or ()):
        start = parse_time(bucket.get("start_time"))
        end = parse_time(bucket.get("end_time"))
        if not bucket.get("results"):  # no traffic in it: a zero, and its time is part of the period
            yield EmptyBucket(start, end or start, f"{where} data[{b_index}]")  # type: ignore[misc]
            continue
        for r_index, result in enumerate(bucket.get("results") or ()):
            try:
                yield _usage_result(result, f"{where} data[{b_index}].results[{r_index}]", start, end)
            except Skip as skip:  # one bad row does not drop the rest of the page
                skip.where = f"{where} data[{b_index}].results[{r_index}]"
                yield skip  # type: ignore[misc]


def _usage_result(result: dict, where: str, start: Any, end: Any) -> UsageRecord:
    """One Usage API result (or dashboard CSV row): ``input_tokens`` includes cached and cache-write tokens,
    and its audio and image tokens (``modalities``)."""
    if result.get("object") == "organization.costs.result" or ("amount" in result and "line_item" in result):
        raise Skip(COSTS_PAGE)
    if not result.get("model"):
        raise Skip("usage bucket without model (export it grouped by model)")
    require_usage(result.get("input_tokens"), result.get("output_tokens"))
    start = start or parse_time(result.get("start_time"))
    end = end or parse_time(result.get("end_time")) or start
    batch = str(result.get("batch")).lower() in ("true", "1")
    tags = {k: str(result[k]) for k in ("project_id", "user_id", "api_key_id") if result.get(k)}
    return UsageRecord(
        model=str(result["model"]),
        input_tokens=as_int(result.get("input_tokens")),
        cache_read_tokens=as_int(result.get("input_cached_tokens")),
        cache_write_5m_tokens=as_int(result.get("input_cache_write_tokens")),
        output_tokens=as_int(result.get("output_tokens")),
        requests=as_int(result.get("num_model_requests")),
        time=start,
        time_end=end,
        provider="openai",
        batch=batch,
        service_tier=result.get("service_tier") or None,
        modalities=_result_modalities(result),
        tags=tags,
        source=NAME,
        where=where,
    )


def _result_modalities(result: dict) -> dict[str, int]:
    """A Usage API result's audio and image counts (``input_audio_tokens``, ``output_image_tokens``, ...),
    subsets of its input/output as in a per-request ``*_tokens_details``: the same ``modalities`` keys."""
    counts = {
        f"{side}_{kind}": as_int(result.get(f"{side}_{kind}_tokens"))
        for side in ("input", "output")
        for kind in ("audio", "image")
    }
    return {key: count for key, count in counts.items() if count}
