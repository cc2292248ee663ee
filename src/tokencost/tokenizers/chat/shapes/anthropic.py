"""Anthropic Messages requests: ``{"system": ..., "messages": [...], "tools": [...], "tool_choice": {...}}``.

``system`` is a string or text blocks; message ``content`` a string or blocks: ``text``, ``tool_use``
(name and input), ``tool_result`` (its content string or text blocks), ``thinking`` (its text; the
``signature`` is opaque), ``redacted_thinking`` (opaque). Images and documents are skipped parts. Tools are
``{"name", "description", "input_schema"}``; ``output_format`` / ``output_config.format`` of type
``json_schema`` is the structured-output schema.
"""

from __future__ import annotations

from typing import Any

from tokencost.tokenizers.chat.check import Checker, join
from tokencost.tokenizers.chat.model import (
    TEXT,
    THINKING,
    TOOL_CALL,
    TOOL_RESULT,
    Message,
    Part,
    Request,
    Schema,
    Tool,
    compact_json,
)

_BLOCKS = frozenset({"tool_use", "tool_result", "thinking", "redacted_thinking"})
#: top-level keys only a Messages request has
_MARKS = (
    "system",
    "thinking",
    "anthropic_version",
    "output_format",
    "output_config",
    "stop_sequences",
    "top_k",
)


def is_request(document: Any) -> bool:
    """A Messages request: ``messages`` plus a mark only Anthropic's shape has (a top-level key of
    ``_MARKS``, ``input_schema`` tools, ``tool_use``/``tool_result``/``thinking`` blocks, a ``tool_choice``
    object with ``type``)."""
    if not isinstance(document, dict) or "messages" not in document:
        return False
    if any(key in document for key in _MARKS):
        return True
    tools = document.get("tools")
    if isinstance(tools, list) and any(isinstance(t, dict) and "input_schema" in t for t in tools):
        return True
    if isinstance(document.get("tool_choice"), dict) and "type" in document["tool_choice"]:
        return (
            document["tool_choice"]["type"] in ("auto", "any", "tool", "none")
            and "function" not in (document["tool_choice"])
        )
    messages = document.get("messages")
    if isinstance(messages, list):
        for message in messages:
            content = message.get("content") if isinstance(message, dict) else None
            if isinstance(content, list) and any(
                isinstance(b, dict) and b.get("type") in _BLOCKS for b in content
            ):
                return True
    return False


def parse(document: dict, checker: Checker, prefix: str, where: str) -> Request:
    """A Messages request, checked field by field and normalised."""
    system = _system(document.get("system"), checker, f"{prefix}system")
    messages: list[Message] = []
    skipped = 0
    names: dict[str, str] = {}
    path = f"{prefix}messages"
    for index, message in enumerate(checker.expect(document["messages"], list, path, "a list of messages")):
        mpath = join(path, index)
        checker.obj(message, mpath, "a message object")
        role = checker.string(message, "role", mpath, required=True)
        parts, n = _blocks(message.get("content"), checker, join(mpath, "content"), names)
        skipped += n
        messages.append(Message(role, tuple(parts)))
    tools = tuple(
        _tool(tool, checker, f"{prefix}tools[{i}]")
        for i, tool in enumerate(checker.items(document.get("tools"), f"{prefix}tools", "a list of tools"))
    )
    choice = document.get("tool_choice")
    if choice is not None:
        checker.obj(choice, f"{prefix}tool_choice", "an object like {'type': 'auto'}")
    fmt = document.get("output_format") or (document.get("output_config") or {}).get("format")
    schema = None
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = Schema("", checker.obj(fmt.get("schema"), f"{prefix}output_format.schema"))
    thinking = document.get("thinking")
    return Request(
        "anthropic",
        tuple(messages),
        system=system,
        tools=tools,
        tool_choice=(choice or {}).get("type") if choice else None,
        response_schema=schema,
        model=document.get("model") if isinstance(document.get("model"), str) else None,
        skipped_parts=skipped,
        where=where,
        extras={"thinking": isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive")},
    )


def _system(value: Any, checker: Checker, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    texts = []
    for index, block in enumerate(checker.expect(value, list, path, "a string or a list of text blocks")):
        bpath = join(path, index)
        checker.obj(block, bpath, "a text block")
        texts.append(checker.string(block, "text", bpath, required=True))
    return tuple(texts)


def _blocks(content: Any, checker: Checker, path: str, names: dict[str, str]) -> tuple[list[Part], int]:
    if content is None:
        return [], 0
    if isinstance(content, str):
        return [Part(TEXT, content)], 0
    parts: list[Part] = []
    skipped = 0
    for index, block in enumerate(checker.expect(content, list, path, "a string or a list of blocks")):
        bpath = join(path, index)
        checker.obj(block, bpath, "a content block object")
        kind = block.get("type")
        if kind == "text":
            parts.append(Part(TEXT, checker.string(block, "text", bpath, required=True)))
        elif kind == "tool_use":
            name = checker.string(block, "name", bpath, required=True)
            if isinstance(block.get("id"), str):
                names[block["id"]] = name
            parts.append(Part(TOOL_CALL, compact_json(block.get("input") or {}), name))
        elif kind == "tool_result":
            inner, n = _blocks(block.get("content"), checker, join(bpath, "content"), names)
            skipped += n
            name = names.get(block.get("tool_use_id") or "", "")
            parts.append(Part(TOOL_RESULT, "".join(p.text for p in inner), name))
        elif kind == "thinking":
            text = checker.string(block, "thinking", bpath)
            parts.append(Part(THINKING, text, signature=bool(block.get("signature"))))
        elif kind == "redacted_thinking":
            parts.append(Part(THINKING, "", signature=True))
        elif isinstance(kind, str):
            skipped += 1
        else:
            raise checker.fail(join(bpath, "type"), f"expected a block type string, got {compact_json(kind)}")
    return parts, skipped


def _tool(tool: Any, checker: Checker, path: str) -> Tool:
    checker.obj(tool, path, "a tool object")
    if tool.get("type") not in (None, "custom"):
        raise checker.fail(
            join(path, "type"),
            f"unsupported tool type {compact_json(tool['type'])!r} (client tools with input_schema are counted)",
        )
    name = checker.string(tool, "name", path, required=True)
    schema = tool.get("input_schema")
    if schema is not None:
        checker.obj(schema, join(path, "input_schema"), "a JSON Schema object")
    deferred = tool.get("defer_loading") is True
    return Tool(name, checker.string(tool, "description", path), schema, deferred=deferred)
