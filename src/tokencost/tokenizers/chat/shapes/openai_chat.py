"""OpenAI Chat Completions requests: ``{"messages": [...], "tools": [...], "response_format": {...}}``.

Message ``content`` is a string or a list of parts; text and refusal parts are read, other parts (images,
audio) are counted as skipped. An assistant's calls, in ``tool_calls`` or the legacy ``function_call``,
become tool_call parts; a ``tool`` message is a tool_result part named after the call it answers.
"""

from __future__ import annotations

from typing import Any

from tokencost.tokenizers.chat.check import Checker, kind
from tokencost.tokenizers.chat.model import (
    TEXT,
    TOOL_CALL,
    TOOL_RESULT,
    Message,
    Part,
    Request,
    Schema,
    Tool,
    compact_json,
)


class ChatChecker(Checker):
    """Checks the shape of a Chat Completions request field by field."""

    def messages(self, messages: Any, path: str) -> None:
        self.expect(messages, list, path, "a list of messages")
        called: set[str] = set()
        calls = 0
        for index, message in enumerate(messages):
            self.message(message, f"{path}[{index}]")
            for call in message.get("tool_calls") or []:
                calls += 1
                if isinstance(call.get("id"), str):
                    called.add(call["id"])
            if message["role"] == "tool":  # the API refuses a tool result that answers no call
                answered = message.get("tool_call_id")
                if not calls or (isinstance(answered, str) and called and answered not in called):
                    raise self.fail(
                        f"{path}[{index}].tool_call_id",
                        f"{answered!r} answers no earlier assistant tool call",
                    )

    def message(self, message: Any, path: str) -> None:
        self.expect(message, dict, path, "a message object")
        if "role" not in message:
            raise self.fail(path, "message has no 'role'")
        role_path = f"{path}.role" if path else "role"
        self.expect(message["role"], str, role_path, "a string")
        if not message["role"]:
            raise self.fail(role_path, "expected a role name, got an empty string")
        prefix = f"{path}." if path else ""
        content = message.get("content")
        if content is not None and not isinstance(content, str):
            self.expect(content, list, f"{prefix}content", "a string or a list of parts")
            for index, part in enumerate(content):
                self.content_part(part, f"{prefix}content[{index}]")
        for key in ("name", "tool_call_id"):
            if message.get(key) is not None:
                self.expect(message[key], str, f"{prefix}{key}", "a string")
        if message.get("function_call") is not None:
            self.function_call(message["function_call"], f"{prefix}function_call")
        calls = message.get("tool_calls")
        if calls is not None:
            self.expect(calls, list, f"{prefix}tool_calls", "a list of tool calls")
            for index, call in enumerate(calls):
                call_path = f"{prefix}tool_calls[{index}]"
                self.expect(call, dict, call_path, "a tool call object")
                if "function" not in call:
                    raise self.fail(call_path, "tool call has no 'function'")
                self.function_call(call["function"], f"{call_path}.function")

    def content_part(self, part: Any, path: str) -> None:
        if isinstance(part, str):
            return
        self.expect(part, dict, path, "a content part object or a string")
        if "text" in part or part.get("type") == "text":
            self.expect(part.get("text"), str, f"{path}.text", "a string")
        elif part.get("type") == "refusal":
            self.expect(part.get("refusal"), str, f"{path}.refusal", "a string")

    def function_call(self, function: Any, path: str) -> None:
        """A call's ``{"name": ..., "arguments": ...}`` (in ``tool_calls`` or legacy ``function_call``)."""
        self.expect(function, dict, path, "an object with 'name' and 'arguments'")
        self.expect(function.get("name"), str, f"{path}.name", "a string")
        arguments = function.get("arguments")
        if arguments is not None and not isinstance(arguments, str):
            self.expect(arguments, dict, f"{path}.arguments", "a JSON string or an object")

    def tools(self, tools: Any, path: str) -> None:
        if tools is None:
            return
        self.expect(tools, list, path, "a list of tools")
        for index, tool in enumerate(tools):
            self.tool(tool, f"{path}[{index}]")

    def tool(self, tool: Any, path: str) -> None:
        self.expect(tool, dict, path, "a tool object")
        if tool.get("type") == "custom":
            custom = self.expect(tool.get("custom"), dict, f"{path}.custom", "an object with 'name'")
            self.expect(custom.get("name"), str, f"{path}.custom.name", "a string")
            self.string(custom, "description", f"{path}.custom")
            if custom.get("format") is not None:
                self.expect(custom["format"], dict, f"{path}.custom.format", "an object")
            return
        if _built_in(tool):  # an OpenAI-hosted tool: left out of the count, and said (build() counts it)
            return
        function = tool
        if "function" in tool:
            path = f"{path}.function"
            function = self.expect(tool["function"], dict, path, "a function object")
        self.function(function, path)

    def function(self, function: dict, path: str) -> None:
        """A function definition: name, description, JSON Schema ``parameters``."""
        self.expect(function.get("name"), str, f"{path}.name", "a string")
        self.string(function, "description", path)
        parameters = function.get("parameters")
        if parameters is None:
            return
        self.expect(parameters, dict, f"{path}.parameters", "a JSON Schema object")
        properties = parameters.get("properties")
        if properties is None:
            return
        self.expect(properties, dict, f"{path}.parameters.properties", "an object of properties")
        for key, prop in properties.items():
            prop_path = f"{path}.parameters.properties.{key}"
            self.expect(prop, dict, prop_path, "a JSON Schema object")
            self.string(prop, "description", prop_path)
            if "enum" in prop:
                self.expect(prop["enum"], list, f"{prop_path}.enum", "a list")

    def response_format(self, value: Any, path: str) -> None:
        if value is None:
            return
        self.expect(value, dict, path, "an object like {'type': 'json_schema', 'json_schema': {...}}")
        self.expect(value.get("type"), str, f"{path}.type", "a string")
        if value["type"] == "json_schema":
            self.expect(value.get("json_schema"), dict, f"{path}.json_schema", "an object")


def is_request(document: Any) -> bool:
    return isinstance(document, dict) and "messages" in document and "contents" not in document


def parse(document: dict, checker: Checker, prefix: str, where: str) -> Request:
    """A Chat Completions request object (legacy ``functions`` too), checked and normalised."""
    check = ChatChecker(checker.location)
    check.messages(document["messages"], f"{prefix}messages")
    check.tools(document.get("tools"), f"{prefix}tools")
    check.tools(document.get("functions"), f"{prefix}functions")
    check.response_format(document.get("response_format"), f"{prefix}response_format")
    tools = [*(document.get("tools") or []), *(document.get("functions") or [])]
    return build(document["messages"], tools, document.get("response_format"), document, where)


def build(
    messages: list[dict],
    tools: list[dict],
    response_format: dict | None,
    document: dict | None = None,
    where: str = "",
) -> Request:
    """The normalised request of checked Chat Completions data."""
    document = document or {}
    names: dict[str, str] = {}
    hosted = [tool for tool in tools if _built_in(tool)]  # web search and the like: billed by their own rules
    tools = [tool for tool in tools if not _built_in(tool)]
    out, skipped = [], len(hosted)
    for message in messages:
        parts, n = _parts(message, names)
        skipped += n
        out.append(Message(message["role"], tuple(parts), message.get("name") or ""))
    choice = document.get("tool_choice")
    return Request(
        "openai_chat",
        tuple(out),
        tools=tuple(tool_of(t) for t in tools),
        tool_choice=_choice(choice),
        tool_choice_name=choice_name(choice),
        response_schema=schema_of(response_format),
        model=document.get("model") if isinstance(document.get("model"), str) else None,
        skipped_parts=skipped,
        where=where,
        extras={"json_mode": bool(response_format and response_format.get("type") == "json_object")},
    )


def _built_in(tool: Any) -> bool:
    """An OpenAI-hosted tool (``{"type": "web_search"}``...): typed, neither a function nor a custom tool."""
    return (
        isinstance(tool, dict)
        and "function" not in tool
        and "name" not in tool
        and tool.get("type") not in (None, "function", "custom")
    )


def _parts(message: dict, names: dict[str, str]) -> tuple[list[Part], int]:
    parts: list[Part] = []
    skipped = 0
    content = message.get("content")
    texts: list[str] = []
    if isinstance(content, str):
        texts.append(content)
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
                texts.append(part["refusal"])
            else:
                skipped += 1
    if message["role"] == "tool" or message["role"] == "function":
        name = names.get(message.get("tool_call_id") or "", message.get("name") or "")
        parts.append(Part(TOOL_RESULT, "".join(texts), name))
    else:
        parts.extend(Part(TEXT, text) for text in texts)
    for call in message.get("tool_calls") or []:
        function = call["function"]
        parts.append(Part(TOOL_CALL, compact_json(function.get("arguments") or ""), function["name"]))
        if isinstance(call.get("id"), str):
            names[call["id"]] = function["name"]
    if message.get("function_call"):  # legacy form of tool_calls
        function = message["function_call"]
        parts.append(Part(TOOL_CALL, compact_json(function.get("arguments") or ""), function["name"]))
    return parts, skipped


def tool_of(tool: dict) -> Tool:
    """A Chat Completions tool (``{"type": "function", "function": {...}}``, a bare function, custom)."""
    if tool.get("type") == "custom":
        custom = tool["custom"]
        return Tool(custom["name"], custom.get("description") or "", None, "custom", custom.get("format"))
    function = tool.get("function", tool)
    strict = function.get("strict") is True or tool.get("strict") is True
    return Tool(
        function["name"], function.get("description") or "", function.get("parameters"), strict=strict
    )


def schema_of(response_format: dict | None) -> Schema | None:
    if not response_format or response_format.get("type") != "json_schema":
        return None
    spec = response_format["json_schema"]
    return Schema(spec.get("name") or "", spec.get("schema") or {}, spec.get("description") or "")


def _choice(choice: Any) -> str | None:
    if isinstance(choice, str):
        return {"required": "any"}.get(choice, choice)
    if isinstance(choice, dict):
        if choice.get("type") == "allowed_tools":
            mode = (choice.get("allowed_tools") or {}).get("mode")
            return {"required": "any"}.get(mode, mode)
        return "tool"
    return None


def choice_name(choice: Any) -> str:
    """The function a named ``tool_choice`` forces (Chat Completions ``{"function": {"name": ...}}``,
    Responses ``{"name": ...}``), else empty."""
    if not isinstance(choice, dict) or choice.get("type") == "allowed_tools":
        return ""
    function = choice.get("function")
    name = (function if isinstance(function, dict) else choice).get("name")
    return name if isinstance(name, str) else ""


__all__ = ["ChatChecker", "build", "choice_name", "is_request", "kind", "parse", "schema_of", "tool_of"]
