"""Logged request bodies -> the chat request replay re-tokenises.

A body of a shape the chat package reads (OpenAI Chat Completions or Responses, Anthropic Messages, Gemini
``generateContent``) is kept as logged: ``tokenizers.chat`` parses it and converts it to the candidate
vendor's own request when counting (one conversion, the one ``count --messages`` uses: a Claude
``tool_use`` block stays a tool call on GPT). Anything else (OTel message lists, legacy ``prompt``, bodies
the strict parser refuses) becomes an OpenAI-format chat request here, leniently. Non-text parts (images,
audio, files) are not counted, and their tokens carried over as logged, as the count commands do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokencost.tokenizers.chat import Request


def _text_of(content: Any) -> str:
    """Text of a content value: a str, or a list of parts/blocks with ``text`` (tool blocks as JSON)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = []
    for part in content:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict):
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") == "tool_use" or "functionCall" in part:
                texts.append(json.dumps(part.get("input", part.get("functionCall")), ensure_ascii=False))
            elif part.get("type") == "tool_result" or "functionResponse" in part:
                texts.append(
                    _text_of(part.get("content"))
                    or json.dumps(part.get("functionResponse"), ensure_ascii=False)
                )
            elif isinstance(part.get("content"), str):  # OTel semconv parts {type, content}
                texts.append(part["content"])
    return "\n".join(t for t in texts if t)


def _message(role: Any, content: Any) -> dict[str, str]:
    role = role if isinstance(role, str) and role else "user"
    return {"role": "assistant" if role == "model" else role, "content": _text_of(content)}


def _tools(tools: Any) -> list[dict]:
    """Tool definitions as OpenAI function tools (Anthropic ``input_schema``, Gemini declarations)."""
    out = []
    for tool in tools if isinstance(tools, list) else ():
        if not isinstance(tool, dict):
            continue
        if tool.get("type") == "function" and isinstance(tool.get("function"), dict):
            out.append({"type": "function", "function": tool["function"]})
        elif "input_schema" in tool or ("name" in tool and tool.get("type") in (None, "function", "custom")):
            function = {
                "name": str(tool.get("name", "tool")),
                "description": str(tool.get("description", "")),
            }
            schema = tool.get("input_schema", tool.get("parameters"))
            if isinstance(schema, dict):
                function["parameters"] = schema
            out.append({"type": "function", "function": function})
        for declaration in tool.get("functionDeclarations") or ():
            if isinstance(declaration, dict) and "name" in declaration:
                out.append({"type": "function", "function": declaration})
    return out


_ANTHROPIC_BLOCKS = frozenset({"tool_use", "tool_result", "image", "document", "thinking"})


def _openai_chat(body: dict) -> bool:
    """An OpenAI chat request already (counted as given, exactly as ``count --messages`` counts it)."""
    if not isinstance(body.get("messages"), list) or "system" in body or "contents" in body:
        return False
    for message in body["messages"]:
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            return False
        content = message.get("content")
        if isinstance(content, list) and any(
            isinstance(p, dict) and p.get("type") in _ANTHROPIC_BLOCKS for p in content
        ):
            return False
    return True


def _readable(body: dict) -> bool:
    """Whether the chat package reads ``body`` as a request of its own shape (kept as logged)."""
    from tokencost.errors import InputError
    from tokencost.tokenizers.chat import parse_request

    try:
        return bool(parse_request(body).messages)
    except InputError:
        return False


def to_chat(body: Any) -> dict[str, Any] | None:
    """An OpenAI chat request ``{"messages": [...], "tools": [...]}`` from a request body of any supported
    shape, or None when it holds no text."""
    if not isinstance(body, dict):
        if isinstance(body, list):  # a bare list of messages (OTel, Langfuse)
            messages = [
                _message(m.get("role"), m.get("content", m.get("parts"))) for m in body if isinstance(m, dict)
            ]
            return {"messages": messages, "tools": []} if messages else None
        if isinstance(body, str) and body:
            return {"messages": [{"role": "user", "content": body}], "tools": []}
        return None
    if _readable(body):
        return body
    if _openai_chat(body):
        chat = {"messages": body["messages"], "tools": body.get("tools") or []}
        if isinstance(body.get("response_format"), dict):
            chat["response_format"] = body["response_format"]
        return chat
    messages: list[dict] = []
    system = body.get("system", body.get("instructions"))
    if system:
        messages.append(_message("system", system))
    instruction = body.get("systemInstruction") or body.get("system_instruction")
    if isinstance(instruction, dict):
        messages.append(_message("system", instruction.get("parts")))
    if isinstance(body.get("messages"), list):
        for m in body["messages"]:
            if isinstance(m, dict):
                messages.append(_message(m.get("role"), m.get("content")))
    if isinstance(body.get("input"), str):  # Responses API
        messages.append(_message("user", body["input"]))
    elif isinstance(body.get("input"), list):
        for item in body["input"]:
            if isinstance(item, dict) and ("role" in item or "content" in item):
                messages.append(_message(item.get("role"), item.get("content")))
    if isinstance(body.get("prompt"), str):  # legacy completions
        messages.append(_message("user", body["prompt"]))
    for content in body.get("contents") or ():  # Gemini
        if isinstance(content, dict):
            messages.append(_message(content.get("role"), content.get("parts")))
    if not messages:
        return None
    return {"messages": messages, "tools": _tools(body.get("tools"))}


def count_chat(request: dict[str, Any], family: str, count: Any, model: str | None = None) -> int:
    """Tokens of a chat request on ``family`` with its chat framing, through the tokenizers' public chat
    entry point (``tokenizers.chat.count_request``: the same numbers as ``tokencost count --messages``);
    ``model``: the candidate the request is framed for (else the logged request's own model)."""
    from tokencost.tokenizers.chat import count_request

    return count_request(request, family, model=model, count=count).tokens


#: the last request body parsed and its (frozen) ``Request``: every candidate of a record counts the same body
_LAST: list = [None, None]


def parsed(request: dict[str, Any]) -> Request:
    """The normalised ``Request`` of a logged body, parsed once for all the candidates it is counted on (the
    body is held, so the identity check cannot match another body)."""
    from tokencost.tokenizers.chat import parse_request

    last = _LAST
    if last[0] is not request:
        last[:] = [None, None]  # a body that fails to parse is not remembered
        last[:] = [request, parse_request(request)]
    return last[1]


def count_chat_range(request: dict[str, Any], family: str, counter: Any, model: str | None = None) -> tuple:
    """``(tokens, low, high)`` of a chat request on ``family`` with ``counter`` (a ``Counter``): the range
    ``count --messages`` gives the same request (``messages.count_requests_with_range``): its text's range
    widened by the chat framing's held-out error, on an exact tokenizer too."""
    from tokencost.tokenizers.chat import count_request
    from tokencost.tokenizers.messages import request_bounds
    from tokencost.tokenizers.ranges import RangeTally

    tally = RangeTally(counter)
    result = count_request(parsed(request), family, model=model, count=tally)
    low, high = request_bounds(result.tokens, tally.bounds(result.tokens), result.error, counter.exact)
    return result.tokens, low, high
