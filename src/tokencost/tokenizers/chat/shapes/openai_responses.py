"""OpenAI Responses API requests: ``{"input": ..., "instructions": ..., "tools": [...], "text": {...}}``.

``input`` is a string or a list of items: messages (``role`` + ``content`` string or ``input_text`` /
``output_text`` parts), ``function_call`` / ``custom_tool_call`` and their outputs, ``reasoning`` items (their
summary is thinking text; ``encrypted_content`` is opaque context, counted as unknown), ``additional_tools``
items (tools loaded mid-conversation: counted with the request's tools). Tools are flat
``{"type": "function", "name", "description", "parameters"}`` or custom; ``text.format`` of type
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
from tokencost.tokenizers.chat.shapes.openai_chat import choice_name

_TEXT_PARTS = frozenset({"input_text", "output_text", "text", "refusal", "summary_text", "reasoning_text"})


def is_request(document: Any) -> bool:
    return isinstance(document, dict) and "input" in document and "messages" not in document


def parse(document: dict, checker: Checker, prefix: str, where: str) -> Request:
    """A Responses API request, checked field by field and normalised."""
    items = document["input"]
    path = f"{prefix}input"
    messages: list[Message] = []
    loaded: list[Tool] = []
    loads = skipped = 0
    if isinstance(items, str):
        messages.append(Message("user", (Part(TEXT, items),)))
    else:
        names: dict[str, tuple[str, str]] = {}
        for index, item in enumerate(checker.expect(items, list, path, "a string or a list of items")):
            if isinstance(item, dict) and item.get("type") == "additional_tools":
                loaded += _additional_tools(item, checker, join(path, index))
                loads += 1
                continue
            message, n = _item(item, checker, join(path, index), names)
            skipped += n
            if message is not None:
                messages.append(message)
    messages = _calls_merged(messages)
    system = checker.string(document, "instructions", prefix.rstrip("."))
    listed = checker.items(document.get("tools"), f"{prefix}tools", "a list of tools")
    built_in = [i for i, tool in enumerate(listed) if _built_in(tool)]
    skipped += len(built_in)  # web search, file search, code interpreter...: billed by their own rules
    tools = tuple(
        _tool(tool, checker, f"{prefix}tools[{i}]") for i, tool in enumerate(listed) if i not in built_in
    )
    tools += tuple(tool for tool in loaded if tool.name not in {t.name for t in tools})
    return Request(
        "openai_responses",
        tuple(messages),
        system=(system,) if system else (),
        tools=tools,
        tool_choice=_choice(document.get("tool_choice")),
        tool_choice_name=choice_name(document.get("tool_choice")),
        response_schema=_schema(document.get("text"), checker, f"{prefix}text"),
        model=document.get("model") if isinstance(document.get("model"), str) else None,
        skipped_parts=skipped,
        where=where,
        extras={"instructions_first": True, "tool_loads": loads},
    )


def _item(
    item: Any, checker: Checker, path: str, names: dict[str, tuple[str, str]]
) -> tuple[Message | None, int]:
    checker.obj(item, path, "an input item object")
    kind = item.get("type", "message")
    if kind == "message" or (kind is None and "role" in item):
        role = checker.string(item, "role", path, required=True)
        return _message(role, item.get("content"), checker, join(path, "content"))
    if kind in ("function_call", "custom_tool_call"):
        name = checker.string(item, "name", path, required=True)
        key = "arguments" if kind == "function_call" else "input"
        arguments = item.get(key)
        if arguments is not None and not isinstance(arguments, (str, dict)):
            raise checker.fail(join(path, key), "expected a JSON string")
        namespace = checker.string(item, "namespace", path) or ""
        if isinstance(item.get("call_id"), str):
            names[item["call_id"]] = (name, namespace)
        part = Part(TOOL_CALL, compact_json(arguments or ""), name, namespace=namespace)
        return Message("assistant", (part,)), 0
    if kind in ("function_call_output", "custom_tool_call_output"):
        if item.get("call_id") not in names:  # the API refuses an output that answers no call
            raise checker.fail(
                join(path, "call_id"), f"{item.get('call_id')!r} answers no earlier function call"
            )
        output = item.get("output")
        texts, skipped = _texts(output, checker, join(path, "output"))
        name, namespace = names.get(item.get("call_id") or "", ("", ""))
        return Message("tool", (Part(TOOL_RESULT, "".join(texts), name, namespace=namespace),)), skipped
    if kind == "reasoning":
        summary = checker.items(item.get("summary"), join(path, "summary"), "a list of summary parts")
        texts, _ = _texts(summary, checker, join(path, "summary"))
        part = Part(THINKING, "".join(texts), signature=bool(item.get("encrypted_content")))
        return Message("assistant", (part,)), 0
    raise checker.fail(join(path, "type"), f"unsupported input item type {compact_json(kind)!r}")


def _calls_merged(messages: list[Message]) -> list[Message]:
    """``messages`` without an empty assistant message right before a function call (pydantic-ai sends
    ``""`` there): the call makes that turn, and the empty message is not billed apart (measured on GPT-4o:
    those requests came out 4 high, a message's framing; an empty user message is billed)."""
    return [
        m
        for i, m in enumerate(messages)
        if not (
            m.role == "assistant"
            and not any(p.text for p in m.parts)
            and all(p.kind == TEXT for p in m.parts)
            and i + 1 < len(messages)
            and any(p.kind == TOOL_CALL for p in messages[i + 1].parts)
        )
    ]


def _additional_tools(item: dict, checker: Checker, path: str) -> list[Tool]:
    """The tools an ``additional_tools`` item loads into the conversation (a developer item a tool search or
    a framework adds mid-conversation): counted with the request's own tools, once each."""
    tools = checker.items(item.get("tools"), join(path, "tools"), "a list of tools")
    return [_tool(tool, checker, join(join(path, "tools"), i)) for i, tool in enumerate(tools)]


def _message(role: str, content: Any, checker: Checker, path: str) -> tuple[Message, int]:
    texts, skipped = _texts(content, checker, path)
    return Message(role, tuple(Part(TEXT, text) for text in texts)), skipped


def _texts(content: Any, checker: Checker, path: str) -> tuple[list[str], int]:
    """Texts of a content value (string or list of parts) and how many non-text parts it has."""
    if content is None:
        return [], 0
    if isinstance(content, str):
        return [content], 0
    texts, skipped = [], 0
    for index, part in enumerate(checker.expect(content, list, path, "a string or a list of parts")):
        part_path = join(path, index)
        checker.obj(part, part_path, "a content part object")
        if part.get("type") in _TEXT_PARTS:
            key = "refusal" if part["type"] == "refusal" else "text"
            texts.append(checker.string(part, key, part_path, required=True))
        else:
            skipped += 1
    return texts, skipped


def _built_in(tool: Any) -> bool:
    """An OpenAI-hosted tool (``web_search_preview``, ``file_search``, ``code_interpreter``, ``mcp``, ...): typed,
    neither a function nor a custom tool; left out of the count and said."""
    return (
        isinstance(tool, dict)
        and isinstance(tool.get("type"), str)
        and tool["type"] not in ("function", "custom")
    )


def _tool(tool: Any, checker: Checker, path: str) -> Tool:
    checker.obj(tool, path, "a tool object")
    kind = tool.get("type", "function")
    if kind not in ("function", "custom"):
        raise checker.fail(
            join(path, "type"),
            f"unsupported tool type {compact_json(kind)!r} (function and custom tools are counted)",
        )
    name = checker.string(tool, "name", path, required=True)
    description = checker.string(tool, "description", path)
    if kind == "custom":
        fmt = tool.get("format")
        if fmt is not None:
            checker.obj(fmt, join(path, "format"))
        return Tool(name, description, None, "custom", fmt)
    parameters = tool.get("parameters")
    if parameters is not None:
        checker.obj(parameters, join(path, "parameters"), "a JSON Schema object")
    return Tool(name, description, parameters, strict=tool.get("strict") is True)


def _schema(text: Any, checker: Checker, path: str) -> Schema | None:
    if text is None:
        return None
    checker.obj(text, path)
    fmt = text.get("format")
    if fmt is None:
        return None
    checker.obj(fmt, join(path, "format"))
    if fmt.get("type") != "json_schema":
        return None
    schema = checker.obj(fmt.get("schema"), join(join(path, "format"), "schema"), "a JSON Schema object")
    return Schema(fmt.get("name") or "", schema, fmt.get("description") or "")


def _choice(choice: Any) -> str | None:
    if isinstance(choice, str):
        return {"required": "any"}.get(choice, choice)
    if isinstance(choice, dict):
        if choice.get("type") == "allowed_tools":
            return {"required": "any"}.get(choice.get("mode"), choice.get("mode"))
        return "tool"
    return None
