"""Request shapes, recognised from content: Gemini (``contents``), OpenAI Responses (``input``), Anthropic
Messages (``messages`` with a mark of its own) and OpenAI Chat Completions (``messages``)."""

from __future__ import annotations

from typing import Any

from tokencost.tokenizers.chat.check import Checker
from tokencost.tokenizers.chat.model import Request
from tokencost.tokenizers.chat.shapes import anthropic, gemini, openai_chat, openai_responses

#: (name, module) in the order they are tried
SHAPES = (
    ("gemini", gemini),
    ("openai_responses", openai_responses),
    ("anthropic", anthropic),
    ("openai_chat", openai_chat),
)


def detect(document: Any) -> str | None:
    """The shape of a request object, or None when it is no request of a known shape."""
    for name, module in SHAPES:
        if module.is_request(document):
            return name
    return None


def is_request(document: Any) -> bool:
    return detect(document) is not None


def parse(document: dict, checker: Checker, prefix: str = "", where: str = "") -> Request:
    """The normalised request of a request object of any known shape (``InputError`` naming the field)."""
    name = detect(document)
    if name is None:
        raise checker.fail(
            prefix.rstrip("."),
            "expected a chat request ({'messages': [...]}, {'input': ...} or {'contents': [...]})",
        )
    return dict(SHAPES)[name].parse(document, checker, prefix, where)
