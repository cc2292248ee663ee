"""A normalised chat request (``tokenizers.chat.model.Request``) as the request a vendor's count endpoint takes.

Anthropic Messages, Gemini ``generateContent`` (wrapped in ``generateContentRequest``) and Moonshot's
OpenAI-shaped chat: system text, text turns, tool calls and results (paired by generated ids) and function
tools. What a body cannot carry (skipped parts such as images, thinking and reasoning signatures, custom
tools, response schemas) makes ``vendor_body`` answer None: that request is counted offline.
"""

from __future__ import annotations

import json
from typing import Any

from tokencost.tokenizers.chat.model import TEXT, TOOL_CALL, TOOL_RESULT, Request, Tool


def carried(request: Request) -> str | None:
    """Why ``request`` cannot be sent as a vendor request (None when it can)."""
    if request.skipped_parts:
        return "non-text parts (images, files)"
    if any(
        p.kind not in (TEXT, TOOL_CALL, TOOL_RESULT) or p.signature for m in request.messages for p in m.parts
    ):
        return "thinking or reasoning signatures"
    if any(t.kind != "function" for t in request.tools):
        return "custom tools"
    if request.response_schema is not None:
        return "a response schema"
    return None


def vendor_body(family: str, model: str, request: Request) -> dict[str, Any] | None:
    """The body of ``request`` for the count endpoint of ``family`` (claude, claude-4.7, gemini, kimi), or None."""
    if carried(request) is not None:
        return None
    system = [*request.system]
    turns = []
    for message in request.messages:
        if message.role in ("system", "developer"):
            system.extend(p.text for p in message.parts)
        else:
            turns.append(message)
    build = {"claude": _anthropic, "claude-4.7": _anthropic, "gemini": _gemini, "kimi": _moonshot}[family]
    return build(model, "\n\n".join(system), turns, request)


def _args(text: str) -> dict[str, Any]:
    """A tool call's arguments as an object (a vendor takes nothing else)."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"arguments": text}
    return value if isinstance(value, dict) else {"arguments": value}


class _Ids:
    """Ids pairing tool calls with their results: a result answers the oldest open call of its name."""

    def __init__(self) -> None:
        self.open: list[tuple[str, str]] = []
        self.n = 0

    def call(self, name: str) -> str:
        self.n += 1
        self.open.append((f"call_{self.n}", name))
        return self.open[-1][0]

    def result(self, name: str) -> str:
        for index, (_ident, called) in enumerate(self.open):
            if called == name or not name:
                return self.open.pop(index)[0]
        self.n += 1
        return f"call_{self.n}"


def _schema(tool: Tool) -> dict[str, Any]:
    return tool.parameters or {"type": "object", "properties": {}}


def _anthropic(model: str, system: str, turns: list, request: Request) -> dict[str, Any]:
    ids = _Ids()
    messages: list[dict[str, Any]] = []
    for message in turns:
        role = "assistant" if message.role == "assistant" else "user"
        blocks = []
        for part in message.parts:
            if part.kind == TEXT:
                blocks.append({"type": "text", "text": part.text})
            elif part.kind == TOOL_CALL:
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": ids.call(part.name),
                        "name": part.name,
                        "input": _args(part.text),
                    }
                )
            else:
                blocks.append(
                    {"type": "tool_result", "tool_use_id": ids.result(part.name), "content": part.text}
                )
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": role, "content": blocks})
    body: dict[str, Any] = {"model": model, "messages": messages}
    if system:
        body["system"] = system
    if request.tools:
        body["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": _schema(t)} for t in request.tools
        ]
        if request.tool_choice in ("auto", "any", "none"):
            body["tool_choice"] = {"type": request.tool_choice}
    return body


def _gemini(model: str, system: str, turns: list, request: Request) -> dict[str, Any]:
    contents: list[dict[str, Any]] = []
    for message in turns:
        role = "model" if message.role == "assistant" else "user"
        parts = []
        for part in message.parts:
            if part.kind == TEXT:
                parts.append({"text": part.text})
            elif part.kind == TOOL_CALL:
                parts.append({"functionCall": {"name": part.name, "args": _args(part.text)}})
            else:
                answer = _args(part.text) if part.text.startswith("{") else {"content": part.text}
                parts.append({"functionResponse": {"name": part.name, "response": answer}})
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": role, "parts": parts})
    inner: dict[str, Any] = {"model": f"models/{model}", "contents": contents}
    if system:
        inner["systemInstruction"] = {"parts": [{"text": system}]}
    if request.tools:
        declarations = [{"name": t.name, "description": t.description} for t in request.tools]
        for declaration, tool in zip(declarations, request.tools, strict=True):
            if tool.parameters:
                declaration["parameters"] = tool.parameters
        inner["tools"] = [{"functionDeclarations": declarations}]
    return {"generateContentRequest": inner}


def _moonshot(model: str, system: str, turns: list, request: Request) -> dict[str, Any]:
    ids = _Ids()
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for message in turns:
        text = "".join(p.text for p in message.parts if p.kind == TEXT)
        calls = [p for p in message.parts if p.kind == TOOL_CALL]
        for part in (p for p in message.parts if p.kind == TOOL_RESULT):
            messages.append({"role": "tool", "tool_call_id": ids.result(part.name), "content": part.text})
        if text or calls or not message.parts:
            entry: dict[str, Any] = {
                "role": "assistant" if message.role == "assistant" else "user",
                "content": text,
            }
            if calls:
                entry["tool_calls"] = [
                    {
                        "id": ids.call(p.name),
                        "type": "function",
                        "function": {"name": p.name, "arguments": p.text},
                    }
                    for p in calls
                ]
            messages.append(entry)
    body: dict[str, Any] = {"model": model, "messages": messages}
    if request.tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {"name": t.name, "description": t.description, "parameters": _schema(t)},
            }
            for t in request.tools
        ]
    return body
