"""Chat requests of a JSON or JSONL document, in any request shape, their fields checked.

One request: a request object of any shape, a list of messages, or JSONL with one message per line.
Several: a JSON list of request objects, or JSONL with one request (object or list of messages) per line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tokencost.errors import InputError
from tokencost.tokenizers.chat import shapes
from tokencost.tokenizers.chat.check import Checker, kind
from tokencost.tokenizers.chat.model import Request
from tokencost.tokenizers.chat.shapes import openai_chat

SHAPES_HINT = (
    "expected {'messages': [...]} (Chat Completions or Anthropic), {'input': ...} (Responses), "
    "{'contents': [...]} (Gemini), a list of messages or of such requests, or JSONL of either"
)


@dataclass(frozen=True)
class ChatRequest:
    """One chat request as read: its messages (or input items, or contents) and tools as sent, where it is
    (``line 2``, ``[1]``, or ``""``), and its normalised form (``request``)."""

    messages: list
    tools: list
    where: str = ""
    response_format: dict | None = None
    request: Request | None = field(default=None, compare=False)

    def normalised(self) -> Request:
        if self.request is not None:
            return self.request
        return openai_chat.build(self.messages, self.tools, self.response_format, where=self.where)


def _load_documents(text: str, source: str) -> tuple[list[Any], bool]:
    """The JSON documents of ``text``: one for JSON, one per non-blank line for JSONL (and whether JSONL)."""
    stripped = text.strip().lstrip("\ufeff")
    try:
        return [json.loads(stripped)], False
    except json.JSONDecodeError as whole_error:
        documents = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                documents.append((number, json.loads(line.lstrip("\ufeff") if number == 1 else line)))
            except json.JSONDecodeError as exc:
                if number == 1:
                    raise InputError(
                        f"{source}:{whole_error.lineno}: not JSON or JSONL chat ({whole_error.msg})"
                    ) from None
                raise InputError(f"{source}:{number}: invalid JSON line ({exc.msg})") from None
        return documents, True


def from_object(document: dict, checker: Checker, prefix: str, where: str) -> ChatRequest:
    """A request object of any shape, checked and normalised."""
    request = shapes.parse(document, checker, prefix, where)
    raw = document.get("messages", document.get("input", document.get("contents")))
    if isinstance(raw, str):
        raw = [raw]
    tools = [*(document.get("tools") or []), *(document.get("functions") or [])]
    response_format = document.get("response_format") if request.shape == "openai_chat" else None
    return ChatRequest(list(raw or []), tools, where, response_format, request)


def _messages(messages: list, where: str) -> ChatRequest:
    return ChatRequest(messages, [], where, None, openai_chat.build(messages, [], None, where=where))


def parse_requests(text: str, source: str) -> list[ChatRequest]:
    """The chat requests of a JSON or JSONL document, their shape checked (``InputError`` naming the field).
    An empty document is no request."""
    if not text.strip().lstrip("\ufeff").strip():
        return []
    documents, jsonl = _load_documents(text, source)
    if jsonl:
        return _jsonl(documents, source)
    document = documents[0]
    checker = openai_chat.ChatChecker(source)
    if shapes.is_request(document):
        return [from_object(document, checker, "", "")]
    if isinstance(document, dict) and "role" in document:
        checker.message(document, "")
        return [_messages([document], "")]
    if not isinstance(document, list):
        raise InputError(f"{source}: {SHAPES_HINT}, got {kind(document)}")
    if document and shapes.is_request(document[0]):
        requests = []
        for index, item in enumerate(document):
            if not shapes.is_request(item):
                raise checker.fail(f"[{index}]", "expected a request object with 'messages', like [0]")
            requests.append(from_object(item, checker, f"[{index}].", f"[{index}]"))
        return requests
    checker.messages(document, "")
    return [_messages(list(document), "")]


def _jsonl(documents: list[tuple[int, Any]], source: str) -> list[ChatRequest]:
    """JSONL: one message per line (one request), or one request per line."""
    message_lines = [(n, d) for n, d in documents if not shapes.is_request(d) and not isinstance(d, list)]
    if len(message_lines) == len(documents):
        messages = []
        for number, document in message_lines:
            checker = openai_chat.ChatChecker(f"{source}:{number}")
            if not isinstance(document, dict):
                raise InputError(f"{source}:{number}: {SHAPES_HINT}, got {kind(document)}")
            checker.message(document, "")
            messages.append(document)
        return [_messages(messages, "")]
    requests = []
    for number, document in documents:
        checker = openai_chat.ChatChecker(f"{source}:{number}")
        if isinstance(document, list):
            checker.messages(document, "")
            requests.append(_messages(list(document), f"line {number}"))
        elif shapes.is_request(document):
            requests.append(from_object(document, checker, "", f"line {number}"))
        else:
            raise checker.fail("", "expected a request ({'messages': [...]}) like the other lines")
    return requests


def parse_request(document: Any, source: str = "request") -> Request:
    """The normalised request of one request object of any shape (``InputError`` naming the field)."""
    checker = Checker(source)
    if isinstance(document, list):
        checker = openai_chat.ChatChecker(source)
        checker.messages(document, "")
        return openai_chat.build(document, [], None)
    if not shapes.is_request(document):
        raise InputError(f"{source}: {SHAPES_HINT}, got {kind(document)}")
    return shapes.parse(document, openai_chat.ChatChecker(source))
