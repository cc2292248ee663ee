"""Anthropic Messages requests: ``{"system": ..., "messages": [...], "tools": [...], "tool_choice": {...}}``.

``system`` is a string or text blocks; message ``content`` a string or blocks: ``text``, ``tool_use``
(name and input), ``tool_result`` (its content string or text blocks), ``thinking`` (its text; the
``signature`` is opaque), ``redacted_thinking`` (opaque), ``document`` with a plain-text source (its text).
Images, PDFs and unknown blocks are skipped parts, and so are server tools (``web_search_...``). Tools are
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

_BLOCKS = frozenset(
    {
        "tool_use",
        "tool_result",
        "thinking",
        "redacted_thinking",
        "document",
        "search_result",
        "server_tool_use",
        "web_search_tool_result",
    }
)
#: message roles the Messages API takes (``system``: a mid-conversation system prompt, Opus 4.8 and later)
_ROLES = ("user", "assistant", "system")
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
            if isinstance(content, list) and any(_is_block(b) for b in content):
                return True
    return False


def _is_block(block: Any) -> bool:
    """A content block only Anthropic's shape has (an image with a ``source``, not OpenAI's ``image_url``)."""
    if not isinstance(block, dict):
        return False
    return block.get("type") in _BLOCKS or (block.get("type") == "image" and "source" in block)


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
        if role not in _ROLES:
            raise checker.fail(join(mpath, "role"), f"expected 'user', 'assistant' or 'system', got {role!r}")
        parts, n = _blocks(message.get("content"), checker, join(mpath, "content"), names)
        skipped += n
        messages.append(Message(role, tuple(parts)))
    listed = checker.items(document.get("tools"), f"{prefix}tools", "a list of tools")
    read = [_tool(tool, checker, f"{prefix}tools[{i}]") for i, tool in enumerate(listed)]
    tools = tuple(tool for tool in read if tool is not None)
    skipped += len(read) - len(tools)  # server tools (web search, code execution): billed by their own rules
    choice = _choice(document.get("tool_choice"), checker, f"{prefix}tool_choice")
    fmt = document.get("output_format") or (document.get("output_config") or {}).get("format")
    schema = None
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = Schema("", checker.obj(fmt.get("schema"), f"{prefix}output_format.schema"))
    thinking = document.get("thinking")
    if thinking is not None:
        checker.obj(
            thinking, f"{prefix}thinking", "an object like {'type': 'enabled', 'budget_tokens': 1024}"
        )
    return Request(
        "anthropic",
        tuple(messages),
        system=system,
        tools=tools,
        tool_choice=(choice or {}).get("type") if choice else None,
        tool_choice_name=(choice or {}).get("name") or "",
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
            if block.get("input") is not None:
                checker.obj(block["input"], join(bpath, "input"), "an object (the tool's arguments)")
            parts.append(Part(TOOL_CALL, compact_json(block.get("input") or {}), name))
        elif kind == "tool_result":
            if block.get("tool_use_id") not in names:  # the API refuses a result that answers no tool_use
                raise checker.fail(
                    join(bpath, "tool_use_id"),
                    f"{block.get('tool_use_id')!r} answers no earlier tool_use block",
                )
            inner, n = _blocks(block.get("content"), checker, join(bpath, "content"), names)
            skipped += n
            name = names.get(block.get("tool_use_id") or "", "")
            parts.append(Part(TOOL_RESULT, "".join(p.text for p in inner), name))
        elif kind == "thinking":
            text = checker.string(block, "thinking", bpath)
            parts.append(Part(THINKING, text, signature=bool(block.get("signature"))))
        elif kind == "redacted_thinking":
            parts.append(Part(THINKING, "", signature=True))
        elif kind == "document" and (document_text := _document_text(block)) is not None:
            parts.append(Part(TEXT, document_text))
        elif isinstance(kind, str):
            skipped += 1
        else:
            raise checker.fail(join(bpath, "type"), f"expected a block type string, got {compact_json(kind)}")
    return parts, skipped


def _document_text(block: dict) -> str | None:
    """A document block's text when its source is plain text (``{"type": "text", "data": ...}``) or text
    content blocks; None for a PDF, an image or a file id (not text: billed by other rules)."""
    source = block.get("source")
    if not isinstance(source, dict):
        return None
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        return source["data"]
    if source.get("type") == "content" and isinstance(source.get("content"), list):
        texts = [b.get("text") for b in source["content"] if isinstance(b, dict) and b.get("type") == "text"]
        return "".join(t for t in texts if isinstance(t, str))
    return None


def _choice(choice: Any, checker: Checker, path: str) -> dict | None:
    """``tool_choice``: ``auto``, ``any``, ``none`` or ``tool`` with the tool's ``name``."""
    if choice is None:
        return None
    checker.obj(choice, path, "an object like {'type': 'auto'}")
    kind = choice.get("type")
    if kind not in ("auto", "any", "tool", "none"):
        raise checker.fail(
            join(path, "type"), f"expected 'auto', 'any', 'tool' or 'none', got {compact_json(kind)}"
        )
    if kind == "tool":
        checker.string(choice, "name", path, required=True)
    return choice


def _tool(tool: Any, checker: Checker, path: str) -> Tool | None:
    """A client tool; None for a server tool (``web_search_20250305``, ``code_execution_...``: typed, no
    ``input_schema``), which the count leaves out and says so."""
    checker.obj(tool, path, "a tool object")
    if tool.get("type") not in (None, "custom"):
        checker.string(tool, "type", path)
        return None
    name = checker.string(tool, "name", path, required=True)
    schema = tool.get("input_schema")
    if schema is not None:
        checker.obj(schema, join(path, "input_schema"), "a JSON Schema object")
    deferred = tool.get("defer_loading") is True
    return Tool(name, checker.string(tool, "description", path), schema, deferred=deferred)
