"""Counting a prompt for pricing: text once per tokenizer family, or chat requests (given as Python data or
parsed files) as their mean request per family."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from tokencost.errors import InputError

if TYPE_CHECKING:
    from tokencost.tokenizers import TokenCount
    from tokencost.tokenizers.messages import ChatRequest


def count_family(text: str, family: str, estimate_only: bool) -> TokenCount:
    """Count ``text`` with ``family`` through the tokenizer registry."""
    from tokencost.tokenizers import count_tokens

    return count_tokens(text, tokenizer=family, estimate=estimate_only)


class ChatCount(NamedTuple):
    """The mean chat request's count; the non-text parts (images, audio) not counted, over all requests; the
    largest request's tokens (what the context window must hold); and the mean request's tokens of approximated
    response-format renderings (``messages.APPROXIMATED``)."""

    count: TokenCount
    skipped_parts: int
    largest: int
    approximated: int


def count_requests_family(
    requests: Sequence[ChatRequest], family: str, estimate_only: bool, model: str | None = None
) -> ChatCount:
    """The mean chat request of ``requests`` counted with ``family`` (each request with its own per-message
    overhead and reply priming, the mean rounded half-even to whole tokens), with what it leaves out
    (``ChatCount``). ``model`` picks the vendor's framing (GPT-5 is not framed as GPT-4o)."""
    from tokencost.tokenizers import TokenCount, get_counter, with_range
    from tokencost.tokenizers.messages import count_requests, request_bounds
    from tokencost.tokenizers.ranges import RangeTally

    counter = get_counter(family, estimate=estimate_only)
    tally = RangeTally(counter)
    each = [count_requests([r], family, tally, model) for r in requests]
    total = sum(c.tokens for c in each)
    n = max(len(requests), 1)
    mean = (Decimal(total) / n).to_integral_value(rounding=ROUND_HALF_EVEN)
    # the text's bounds and the framing's held-out error (a tool prompt on an exact tokenizer is still fitted)
    error = sum(c.error for c in each)
    low_total, high_total = request_bounds(total, tally.bounds(total), error, counter.exact)
    low = min(int(mean), int(Decimal(low_total) // n))
    high = max(int(mean), -int(-Decimal(high_total) // n))
    method = counter.method
    share = (Decimal(sum(c.approximated for c in each)) / n).to_integral_value(rounding=ROUND_HALF_EVEN)
    if share:
        from tokencost.tokenizers.messages import APPROXIMATED

        method += f" (+{share} tokens approximated: {APPROXIMATED})"
    count = TokenCount(
        int(mean), family, counter.exact, with_range(method, counter.exact, low, high), counter.error_band,
        low, high, counter.backend,
    )  # fmt: skip
    skipped = sum(c.skipped_parts for c in each)
    return ChatCount(count, skipped, max((c.tokens for c in each), default=0), int(share))


def _json_value(value: Any) -> Any:
    """``json.dumps``' fallback: any Mapping as a dict, any other non-str Sequence as a list."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return list(value)
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON data")


def chat_requests(
    document: Sequence[Mapping[str, Any]] | Mapping[str, Any] | Sequence[ChatRequest],
    source: str = "text_or_messages",
) -> list[ChatRequest]:
    """The chat requests of an OpenAI-style chat given as Python data, parsed exactly as the CLI parses a
    chat file (``messages.parse_requests``: tools and legacy ``functions`` kept, the shape checked with
    errors naming ``source`` and the field, e.g. ``tools[0]``). ``document`` is a ``{"messages": [...],
    "tools": [...]}`` request, a list of messages, a list of such requests, or ``ChatRequest`` objects
    (already parsed, e.g. by the CLI)."""
    from tokencost.tokenizers.messages import ChatRequest, parse_requests

    if (
        isinstance(document, Sequence)
        and document
        and all(isinstance(request, ChatRequest) for request in document)
    ):
        requests = list(document)
    else:
        try:
            text = json.dumps(document, ensure_ascii=False, default=_json_value)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{source}: chat messages must be JSON data (dict, list, str, number): {exc}"
            ) from None
        requests = parse_requests(text, source)
    if not any(request.messages for request in requests):
        raise InputError("no chat messages to price: expected a list of {role, content} messages")
    return requests
