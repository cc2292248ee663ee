"""One parser per log source. Each module has ``NAME``, ``sniff(doc) -> bool`` (is this document my format?)
and ``parse(doc, ctx) -> Iterator[UsageRecord]`` (raises ``Skip`` for a record that cannot be priced).

``PARSERS`` is the order ``--source auto`` tries them in: the most specific shapes first, so a
request/response pair is not taken for a bare response, nor an OpenRouter response for an OpenAI one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tokencost.replay.record import Skip, parse_time

#: top-level keys of a logging wrapper that carry the time of the request (Anthropic responses have none)
TIME_KEYS = ("ts", "timestamp", "time", "logged_at", "request_time", "created_at", "startTime", "start_time")


@dataclass
class Context:
    """Per-run state a parser may need: the OpenAI batch input (joined by custom_id), the generic
    column mapping, OTel spans known to be parents of other usage spans, pending stream events, the ids
    earlier partitions read and the check of counts against the model's limits."""

    mapping: dict[str, str] = field(default_factory=dict)
    batch_inputs: dict[str, Any] = field(default_factory=dict)
    otel_parents: set[tuple[str, str]] = field(default_factory=set)
    pending: dict[str, Any] = field(default_factory=dict)
    #: ids read by earlier partitions (id key -> where): a record with one is a duplicate (``run_partitions``)
    earlier_ids: dict[bytes, str] = field(default_factory=dict)
    #: ``record -> reason or None``: a count the record's model makes impossible (``ModelLookup.impossible``)
    limits: Any = None


def wrapper_time(document: Any):
    """The time a logging wrapper recorded (``ts``, ``timestamp``, ...), or None."""
    if not isinstance(document, dict):
        return None
    for key in TIME_KEYS:
        if document.get(key) not in (None, ""):
            try:
                return parse_time(document[key])
            except Skip:
                continue
    return None


def parsers() -> list:
    """The parser modules in sniffing order."""
    from tokencost.replay.sources import (
        anthropic,
        generic,
        langfuse,
        litellm,
        openai,
        openrouter,
        otel,
        pairs,
    )

    return [pairs, otel, langfuse, litellm, openrouter, anthropic, openai, generic]


def by_name() -> dict[str, Any]:
    return {module.NAME: module for module in parsers()}
