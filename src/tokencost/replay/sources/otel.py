"""OpenTelemetry GenAI spans in OTLP JSON (the file exporter's JSON Lines of ``TracesData``, or one JSON
document): ``resourceSpans[].scopeSpans[].spans[]``.

Real instrumentations use several conventions, sometimes on one span (counted once): the GenAI semantic
conventions (``gen_ai.usage.input_tokens``..., older ``prompt_tokens``/``completion_tokens``, ``gen_ai.system``
for ``gen_ai.provider.name``), a raw vendor usage object (``gen_ai.usage.raw``, preferred when present),
OpenInference (``llm.token_count.*``) and the Vercel AI SDK (``ai.usage.*``).

Cache and reasoning: the conventions say input includes cache and output includes reasoning; a span whose
cache exceeds its input, or whose total says so, used the uncached convention and is corrected. A total
above input + output is thinking reported outside the output count (Vertex) and is added as reasoning.

Double counting: agent/workflow spans repeat the summed usage of the LLM spans under them. A span that
has usage and a descendant with usage in the same files is not priced ("parent span"). This needs a first
pass over the files that keeps only (trace id, parent span id) pairs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tokencost.replay.reader import Document
from tokencost.replay.record import Skip, UsageRecord, as_decimal, as_int, end_time, parse_time
from tokencost.replay.requests import to_chat
from tokencost.replay.shapes import usage_fields
from tokencost.replay.sources import Context

NAME = "otel"

#: per convention: (input, output, cache read, cache write, reasoning, total) attribute names, in priority
CONVENTIONS = (
    (
        ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
        ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
        ("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"),
        ("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"),
        (
            "gen_ai.usage.reasoning.output_tokens",
            "gen_ai.usage.details.reasoning_tokens",
            "gen_ai.usage.details.thoughts_tokens",
        ),
        ("gen_ai.usage.total_tokens", "llm.usage.total_tokens"),
    ),
    (
        ("llm.token_count.prompt",),
        ("llm.token_count.completion",),
        ("llm.token_count.prompt_details.cache_read",),
        ("llm.token_count.prompt_details.cache_write",),
        ("llm.token_count.completion_details.reasoning",),
        ("llm.token_count.total",),
    ),
    (
        ("ai.usage.promptTokens", "ai.usage.inputTokens"),
        ("ai.usage.completionTokens", "ai.usage.outputTokens"),
        ("ai.usage.cachedInputTokens",),
        (),
        ("ai.usage.reasoningTokens",),
        ("ai.usage.totalTokens",),
    ),
)
_MODEL_KEYS = (
    "gen_ai.response.model",
    "gen_ai.request.model",
    "llm.model_name",
    "ai.response.model",
    "ai.model.id",
)
_PROVIDER_KEYS = ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system", "ai.model.provider")
_COST_KEYS = ("operation.cost", "gen_ai.usage.cost", "llm.cost.total")


def sniff(doc: Document) -> bool:
    return isinstance(doc.value, dict) and isinstance(doc.value.get("resourceSpans"), list)


def _value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    for key in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if key in value:
            return value[key]
    if "arrayValue" in value:
        return [_value(v) for v in (value["arrayValue"] or {}).get("values") or ()]
    return None


def attributes(span: dict) -> dict[str, Any]:
    """OTLP ``[{key, value: {stringValue|intValue|...}}]`` as a plain dict."""
    out = {}
    for item in span.get("attributes") or ():
        if isinstance(item, dict) and "key" in item:
            out[item["key"]] = _value(item.get("value"))
    return out


def spans(document: dict) -> Iterator[tuple[str, dict]]:
    """(index path, span) for every span of a TracesData document."""
    for r, resource in enumerate(document.get("resourceSpans") or ()):
        for s, scope in enumerate((resource or {}).get("scopeSpans") or ()):
            for n, span in enumerate((scope or {}).get("spans") or ()):
                if isinstance(span, dict):
                    yield f"resourceSpans[{r}].scopeSpans[{s}].spans[{n}]", span


def _first(attrs: dict, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if attrs.get(key) not in (None, ""):
            return attrs[key]
    return None


def has_usage(attrs: dict) -> bool:
    return any(_first(attrs, convention[0] + convention[1]) is not None for convention in CONVENTIONS)


def collect_parents(doc: Document, ctx: Context) -> None:
    """First pass: remember (trace, parent span) of every span that carries usage."""
    for _, span in spans(doc.value):
        parent = span.get("parentSpanId")
        if parent and has_usage(attributes(span)):
            ctx.otel_parents.add((str(span.get("traceId")), str(parent)))


def parse(doc: Document, ctx: Context) -> Iterator[UsageRecord]:
    for path, span in spans(doc.value):
        where = doc.where if path == "resourceSpans[0].scopeSpans[0].spans[0]" else f"{doc.where} {path}"
        try:
            yield _record(span, where, ctx)
        except Skip as skip:
            skip.where = where
            yield skip  # type: ignore[misc]


def usage_counts(attrs: dict) -> dict[str, int]:
    """Normalised token fields of a span, from the first convention it carries (raw vendor usage first)."""
    for key in ("gen_ai.usage.raw", "usage"):  # a vendor usage object passed through (logfire, agents)
        raw = attrs.get(key)
        if isinstance(raw, str) and raw.startswith("{"):
            try:
                return usage_fields(json.loads(raw))
            except (ValueError, Skip):
                continue
    for names in CONVENTIONS:
        inp, out = _first(attrs, names[0]), _first(attrs, names[1])
        if inp is None and out is None:
            continue
        fields = {
            "input_tokens": as_int(inp),
            "output_tokens": as_int(out),
            "cache_read_tokens": as_int(_first(attrs, names[2])),
            "cache_write_5m_tokens": as_int(_first(attrs, names[3])),
            "reasoning_tokens": as_int(_first(attrs, names[4])),
        }
        total = _first(attrs, names[5])
        return _reconcile(fields, as_int(total) if total is not None else None)
    raise Skip("span without token usage", ignored=True)


def _reconcile(fields: dict[str, int], total: int | None) -> dict[str, int]:
    """Fix the conventions a span deviates from: uncached input, reasoning outside the output count."""
    cache = fields["cache_read_tokens"] + fields["cache_write_5m_tokens"]
    visible = fields["input_tokens"] + fields["output_tokens"]
    if cache and (cache > fields["input_tokens"] or total == visible + cache):
        fields["input_tokens"] += cache  # uncached input convention
        visible += cache
    if fields["reasoning_tokens"] > fields["output_tokens"]:
        fields["output_tokens"] += fields["reasoning_tokens"]  # reported beside the output, not inside it
        visible += fields["reasoning_tokens"]
    if total is not None and total > visible:
        gap = total - visible  # thinking counted only in the total (Vertex AI)
        fields["output_tokens"] += gap
        fields["reasoning_tokens"] += gap
    return fields


def _model(attrs: dict) -> str:
    for key in _MODEL_KEYS:
        value = attrs.get(key)
        if isinstance(value, str) and value.strip() and value.strip().lower() != "unknown":
            return value.strip()
    return ""


def _request(attrs: dict) -> Any:
    """The captured prompt (opt-in content capture), as a chat request, or None."""
    messages = attrs.get("gen_ai.input.messages") or attrs.get("gen_ai.prompt")
    system = attrs.get("gen_ai.system_instructions")
    try:
        parsed = json.loads(messages) if isinstance(messages, str) else None
        instructions = json.loads(system) if isinstance(system, str) else None
    except ValueError:
        return None
    if isinstance(parsed, list) and parsed:
        chat = to_chat(parsed)
        if chat and isinstance(instructions, list):
            chat["messages"].insert(
                0,
                {
                    "role": "system",
                    "content": "\n".join(
                        str(p.get("content", "")) for p in instructions if isinstance(p, dict)
                    ),
                },
            )
        return chat
    value = attrs.get("input.value")
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return to_chat(json.loads(value))
        except ValueError:
            return None
    return None


#: operations that are one model call: such a span with a model and no usage is a call whose usage is missing
_CALLS = ("chat", "text_completion", "generate_content", "completion", "embeddings", "llm", "embedding")


def _is_call(attrs: dict) -> bool:
    """A span of one model call (not an agent, tool or HTTP span): a model and a call operation."""
    operation = attrs.get("gen_ai.operation.name") or attrs.get("openinference.span.kind")
    return bool(_model(attrs)) and str(operation or "").lower() in _CALLS


def _record(span: dict, where: str, ctx: Context) -> UsageRecord:
    attrs = attributes(span)
    if not has_usage(attrs) and "gen_ai.usage.raw" not in attrs:
        if _is_call(attrs):  # a model call whose usage is missing, as in every other source
            raise Skip("error response" if attrs.get("error.type") else "no usage")
        raise Skip("span without token usage", ignored=True)
    if (str(span.get("traceId")), str(span.get("spanId"))) in ctx.otel_parents:
        raise Skip("parent span repeating its children's usage (counted once, on the children)", ignored=True)
    if str(attrs.get("error.type") or "") and not has_usage(attrs):
        raise Skip("error response")
    fields = usage_counts(attrs)
    cost = as_decimal(_first(attrs, _COST_KEYS))
    provider = _first(attrs, _PROVIDER_KEYS)
    return UsageRecord(
        model=_model(attrs),
        time=parse_time(span.get("startTimeUnixNano"), "ns") if span.get("startTimeUnixNano") else None,
        finished=end_time(span.get("endTimeUnixNano"), "ns") if span.get("endTimeUnixNano") else None,
        provider=str(provider) if provider else None,
        host=str(provider) if provider else None,
        billed_cost=cost,
        billed_currency="USD" if cost is not None else None,
        request=_request(attrs),
        tags={"operation": str(attrs.get("gen_ai.operation.name") or span.get("name") or "")},
        source=NAME,
        where=where,
        record_id=f"{span['traceId']}:{span['spanId']}"
        if span.get("traceId") and span.get("spanId")
        else None,
        **fields,
    )
