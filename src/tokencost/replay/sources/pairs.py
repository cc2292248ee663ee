"""Request/response pairs as logging proxies and middleware write them: one JSON object per line with
``request`` (the API request body) and ``response`` (the API response body) in OpenAI (Chat Completions or
Responses), Anthropic Messages or Gemini ``generateContent`` shape. The request text makes exact
re-tokenisation on every candidate possible.
"""

from __future__ import annotations

from collections.abc import Iterator

from tokencost.replay.reader import Document
from tokencost.replay.record import Skip, UsageRecord, dig
from tokencost.replay.requests import to_chat
from tokencost.replay.shapes import response_text, usage_fields, usage_shape
from tokencost.replay.sources import Context, wrapper_time

NAME = "pairs"
_PROVIDERS = {"openai": "openai", "anthropic": "anthropic", "gemini": "google"}


def sniff(doc: Document) -> bool:
    value = doc.value
    return (
        not doc.csv
        and isinstance(value, dict)
        and isinstance(value.get("request"), dict)
        and "response" in value
    )


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    value = doc.value
    request, response = value["request"], value.get("response")
    if not isinstance(response, dict):
        raise Skip("error response" if value.get("error") else "no usage")
    if response.get("error") and "usage" not in response:
        raise Skip("error response")
    response = response.get("body", response) if isinstance(response.get("body"), dict) else response
    usage = response.get("usage", response.get("usageMetadata"))
    shape = usage_shape(usage)
    if shape is None:
        raise Skip("no usage")
    model = response.get("model") or response.get("modelVersion") or request.get("model") or ""
    created = response.get("created", response.get("created_at"))
    when = wrapper_time(value)
    if when is None and isinstance(created, (int, float)):
        from tokencost.replay.record import parse_time

        when = parse_time(created)
    tier = response.get("service_tier") or dig(usage, "service_tier")
    return_record = UsageRecord(
        model=str(model),
        time=when,
        provider=_PROVIDERS[shape],
        service_tier=tier,
        batch=tier == "batch",
        request=to_chat(request),
        response_text=response_text(response),
        tags={k: str(v) for k, v in (value.get("metadata") or {}).items() if isinstance(v, (str, int))}
        if isinstance(value.get("metadata"), dict)
        else {},
        source=NAME,
        where=doc.where,
        record_id=str(response.get("id") or response.get("responseId") or "") or None,
        **usage_fields(usage, model),
    )
    yield return_record
