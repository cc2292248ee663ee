"""Token count of chat requests in any shape: the compatibility façade over ``tokenizers.chat``.

Input: a request of any shape (OpenAI Chat Completions ``{"messages", "tools", "response_format"}``, OpenAI
Responses ``{"input", "instructions", "tools", "text"}``, Anthropic Messages ``{"system", "messages",
"tools"}``, Gemini ``{"contents", "systemInstruction", "tools"}``), a bare list of messages, as JSON or JSONL
(one message per line); several requests: a JSON list of request objects, or JSONL with one request per
line, each counted with its own framing (``parse_requests``, ``count_requests``). A malformed field is one
``InputError`` naming its path (``messages[0].tool_calls[0].function``).

How each vendor is counted (``chat.framing``): OpenAI families render tools the way the models receive
them (the ``namespace functions`` block) with per-generation constants fitted on billed usage (GPT-4o era,
and the GPT-5 / o-series generation); Claude adds Anthropic's documented tool-use system prompt; Gemini
counts compact declarations; open-weight families their chat templates (``chat.framing.template``).
Constants and held-out figures: ``tokenizers/data/framing.json`` and ``benchmarks/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tokencost.tokenizers.chat import framing
from tokencost.tokenizers.chat.documents import ChatRequest, parse_requests
from tokencost.tokenizers.chat.framing.template import DEFAULT_OVERHEAD, OVERHEAD, Overhead, overhead_for
from tokencost.tokenizers.chat.shapes import openai_chat

if TYPE_CHECKING:
    from tokencost.tokenizers.counter import Counter

__all__ = [
    "APPROXIMATED",
    "DEFAULT_OVERHEAD",
    "OVERHEAD",
    "ChatRequest",
    "MessagesCount",
    "Overhead",
    "approximated_notice",
    "count_messages",
    "count_requests",
    "count_tools",
    "overhead_for",
    "parse_chat",
    "parse_requests",
]


@dataclass(frozen=True)
class MessagesCount:
    tokens: int
    content: int
    overhead: int
    tools: int
    messages: int
    basis: str
    skipped_parts: int = 0
    #: chat requests counted (each framed for its own reply)
    requests: int = 1
    #: of ``tokens``, those of response-schema renderings the vendor does not publish (an approximation;
    #: ``error`` bounds the whole framing)
    approximated: int = 0
    #: of ``tokens``, those of the structured-output schema
    response_format: int = 0
    #: of ``tokens``, text counted with the family's exact tokenizer; the rest is estimated
    exact: int = 0
    estimated: int = 0
    #: how many tokens the framing can be off (held-out p90, summed over requests)
    error: int = 0
    #: parts billed for context we cannot see (reasoning signatures): not counted, not zero
    unknown_parts: int = 0
    #: each request's count (``chat.RequestCount``), in order
    per_request: tuple = ()


#: what ``MessagesCount.approximated`` covers, for method texts and notices (count and estimate)
APPROXIMATED = "response-format schemas rendered as the vendor does not publish"


def approximated_notice(per_family: dict[str, int]) -> str:
    """The notice ``count`` and ``estimate`` both give when response-format schemas were approximated: tokens per
    family (``{"deepseek-v3": 20}``); their error is inside each count's range."""
    shown = ", ".join(f"{family} {tokens}" for family, tokens in per_family.items())
    return (
        f"tokens approximated ({shown}): response-format JSON schemas rendered as the vendor's prompt section is "
        "not published; the framing error per request is in the JSON, and inside each count's range"
    )


def parse_chat(text: str, source: str) -> tuple[list, list]:
    """Messages and tools of a JSON or JSONL document holding one chat request (see ``parse_requests``).

    A document of several requests is an ``InputError``: use ``parse_requests`` and ``count_requests``.
    """
    from tokencost.errors import InputError

    requests = parse_requests(text, source)
    if not requests:
        return [], []
    if len(requests) > 1:
        raise InputError(
            f"{source}: holds {len(requests)} chat requests, expected one "
            "(`tokencost count --messages` counts each)"
        )
    return requests[0].messages, requests[0].tools


def count_messages(
    messages: list[dict],
    tools: list[dict],
    family: str,
    count: Callable[[str], int],
    response_format: dict | None = None,
    model: str | None = None,
    exact: bool | None = None,
) -> MessagesCount:
    """Tokens of a Chat Completions request for ``family`` with ``count`` (a counter's ``count``).

    A malformed request is an ``InputError`` naming the field (``messages[0].tool_calls[0].function``).
    """
    checker = openai_chat.ChatChecker(None)
    checker.messages(messages, "messages")
    checker.tools(tools, "tools")
    checker.response_format(response_format, "response_format")
    request = ChatRequest(messages, tools, "", response_format)
    return count_requests([request], family, count, model, exact)


def count_requests(
    requests: list[ChatRequest],
    family: str,
    count: Callable[[str], int],
    model: str | None = None,
    exact: bool | None = None,
) -> MessagesCount:
    """The sum over ``requests`` of each one's count: each request has its own framing. ``model`` picks
    the vendor's generation; ``exact``: whether ``count`` is the family's exact tokenizer (default: asked
    of the counter behind ``count``)."""
    if exact is None:
        exact = _is_exact(count, family)
    from tokencost.tokenizers.calibrated import apply_to_request, calibration_behind

    calibration = calibration_behind(count)  # a calibrated family: the framing constant and band it measured
    results = [
        apply_to_request(framing.count_request(r.normalised(), family, count, exact, model), calibration)
        for r in requests
    ]
    basis = results[0].basis if results else overhead_for(family).basis
    return MessagesCount(
        sum(r.tokens for r in results),
        sum(r.content for r in results),
        sum(r.overhead for r in results),
        sum(r.tools for r in results),
        sum(r.messages for r in results),
        basis,
        sum(r.skipped_parts for r in results),
        sum(1 for r in results if r.tokens),
        sum(r.response_format for r in results),
        sum(r.response_format for r in results),
        sum(r.exact for r in results),
        sum(r.estimated for r in results),
        sum(r.error for r in results),
        sum(r.unknown_parts for r in results),
        tuple(results),
    )


def request_bounds(tokens: int, text_bounds: tuple[int, int], error: int, exact: bool) -> tuple[int, int]:
    """Inclusive bounds of a chat count of ``tokens``: its text's bounds widened by the framing's held-out error
    (``MessagesCount.error``). On an exact tokenizer the framing is the only doubt, so it is added; on an
    estimated family that figure already holds the content estimate's error, so the wider range is kept."""
    low, high = text_bounds
    if exact:
        low, high = low - error, high + error
    else:
        low, high = min(low, tokens - error), max(high, tokens + error)
    return max(0, low), high


def count_requests_with_range(
    requests: list[ChatRequest], family: str, counter: Counter, model: str | None = None
) -> tuple[MessagesCount, int, int]:
    """``count_requests`` with ``counter`` (a ``Counter``) and the count's inclusive bounds: its text's range
    (a ``RangeTally`` collects it as the texts are counted) widened by the framing's held-out error."""
    from tokencost.tokenizers.ranges import RangeTally

    tally = RangeTally(counter)
    result = count_requests(requests, family, tally, model, counter.exact)
    low, high = request_bounds(result.tokens, tally.bounds(result.tokens), result.error, counter.exact)
    return result, low, high


#: the largest text ``looks_like_chat`` tries to read as a request (a prompt file is rarely larger)
_SNIFF_LIMIT = 2_000_000


def looks_like_chat(text: str) -> bool:
    """Whether ``text`` reads as a chat request of any shape (so counting it as plain text, JSON syntax and
    all, is probably not what was meant)."""
    head = text.lstrip()[:1]
    if head not in ("{", "[") or len(text) > _SNIFF_LIMIT:
        return False
    from tokencost.errors import InputError

    try:
        return any(r.messages for r in parse_requests(text, "prompt"))
    except (InputError, ValueError, TypeError):
        return False


def _is_exact(count: Callable[[str], int], family: str) -> bool:
    """Whether ``count`` (a counter's ``count``, a ``RangeTally``, ...) counts with an exact tokenizer."""
    owner = getattr(count, "counter", None) or getattr(count, "__self__", None)
    if owner is not None and isinstance(getattr(owner, "exact", None), bool):
        return owner.exact
    from tokencost.tokenizers import get_counter

    return get_counter(family).exact


def count_tools(tools: list[dict], family: str, count: Callable[[str], int]) -> int:
    """Tokens of tool definitions (their shape checked: ``InputError`` naming the field)."""
    openai_chat.ChatChecker(None).tools(tools, "tools")
    if not tools:
        return 0
    return count_messages([], tools, family, count).tools
