"""Chat requests in every shape, counted as each vendor bills them.

- ``shapes``: recognise and parse OpenAI Chat Completions, OpenAI Responses, Anthropic Messages and Gemini
  ``generateContent`` requests into one normalised ``model.Request`` (a malformed field is an
  ``InputError`` naming its JSON path).
- ``framing``: count a ``Request`` for a tokenizer family (and model generation), converting it to the
  vendor's own rendering (an OpenAI-shaped request counted on Claude is the Claude request it would be).
- ``documents``: JSON / JSONL documents of one or many requests (``parse_requests``).

Entry point for other packages: ``count_request(request, family, model=None, count=None)``.
"""

from __future__ import annotations

from collections.abc import Callable

from tokencost.tokenizers.chat.documents import ChatRequest, parse_request, parse_requests
from tokencost.tokenizers.chat.framing import RequestCount
from tokencost.tokenizers.chat.model import Message, Part, Request, Schema, Tool

__all__ = [
    "ChatRequest",
    "Message",
    "Part",
    "Request",
    "RequestCount",
    "Schema",
    "Tool",
    "count_request",
    "parse_request",
    "parse_requests",
]


def count_request(
    request: dict | list | Request,
    family: str,
    model: str | None = None,
    count: Callable[[str], int] | None = None,
    estimate: bool = False,
) -> RequestCount:
    """Input tokens of one chat request of any shape on ``family`` (``model`` picks OpenAI's generation and
    Claude's tool prompt; ``count`` defaults to the family's counter)."""
    from tokencost.tokenizers import get_counter
    from tokencost.tokenizers.calibrated import apply_to_request, calibration_behind
    from tokencost.tokenizers.chat import framing

    parsed = request if isinstance(request, Request) else parse_request(request)
    counter = get_counter(family, estimate=estimate)
    result = framing.count_request(parsed, family, count or counter.count, counter.exact, model)
    return apply_to_request(result, calibration_behind(count or counter.count))
