"""Token count of an OpenAI-format chat request: content + per-message and reply-priming overhead + tools.

Input: ``{"messages": [...], "tools": [...]}`` or a bare list of messages, as JSON or JSONL (one message
per line). Several requests: a JSON list of request objects, or JSONL with one request per line; each is
counted with its own overhead and reply priming (``parse_requests``, ``count_requests``). The shape is
checked: a malformed field is one ``InputError`` naming its path (``messages[0].tool_calls[0].function``).
Message ``content`` is a string or a list of parts; text and refusal parts are counted, other parts
(images, audio) are not (they are billed by other rules) and are reported. An assistant's calls, in
``tool_calls`` or the legacy ``function_call``, count their name and arguments.

Overhead per family (``OVERHEAD``):
- OpenAI families (``o200k_base``, ``cl100k_base``): OpenAI's documented rule (the "How to count tokens
  with tiktoken" cookbook): every message costs 3 tokens plus the tokens of each of its values (role,
  content, name), a ``name`` 1 more, and every reply is primed with 3. Tools follow the cookbook's
  function-calling rule (``_openai_tools``), which only knows top-level properties' name, type,
  description and enum; the rest of a schema (nested ``properties``, ``items``, ``anyOf``, ``format``,
  ``default``, ...) is added as its compact JSON, an approximation of OpenAI's hidden rendering
  (``MessagesCount.approximated`` says how many tokens).
- Open-weight families: the tokens their published chat templates put around each message, besides the
  content: ChatML for Qwen (``<|im_start|>`` role ``\n`` ... ``<|im_end|>`` ``\n``: 4 + the role name),
  Llama 3 (``<|start_header_id|>`` role ``<|end_header_id|>`` ``\n\n`` ... ``<|eot_id|>``: 4 + role, BOS 1),
  Gemma 3 (``<start_of_turn>`` role ``\n`` ... ``<end_of_turn>`` ``\n``: 4 + role, BOS 1), DeepSeek V3
  (one role marker such as ``<｜User｜>``, no role name: 1, BOS 1; an assistant turn's end-of-sentence token
  is not counted), Mistral (``[INST]``/``[/INST]``: 2, no role name, BOS 1); the reply is primed with the
  assistant header (Qwen 3, Llama 3 4, Gemma 3, DeepSeek 1, Mistral 0). Templates that inject a default
  system prompt or thinking tags are not modelled.
- Vendors without a public template (Claude, Gemini, GLM, Kimi, MiniMax, Grok, generic): a documented
  estimate, OpenAI's rule (3 per message + the role name, 3 to prime the reply).
For non-OpenAI families, tools count as their compact JSON plus a per-request tool preamble (an estimate:
chat templates wrap tool lists in a short instruction).

Custom tools (``{"type": "custom", "custom": {...}}``) count their name, description and format (an
approximation on OpenAI families, see ``_openai_tools``); other tool types are an ``InputError`` naming
``tools[i].type``.

Structured outputs: a request's ``response_format`` of type ``json_schema`` is billed as input; its
``json_schema`` (name, description, schema; not ``strict``) counts as compact JSON, an approximation for
every family (``MessagesCount.response_format``, included in ``approximated``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tokencost.errors import InputError


@dataclass(frozen=True)
class Overhead:
    per_message: int
    per_name: int
    priming: int
    per_request: int  # BOS and the like
    tools_preamble: int
    basis: str  # "openai-rule", "chat-template", "estimate"
    #: whether the role name is spelled out in the template (counted as overhead) or is a special token
    role_tokens: bool = True


OVERHEAD: dict[str, Overhead] = {
    "o200k_base": Overhead(3, 1, 3, 0, 0, "openai-rule"),
    "cl100k_base": Overhead(3, 1, 3, 0, 0, "openai-rule"),
    "qwen2": Overhead(4, 0, 3, 0, 30, "chat-template"),
    "qwen3.5": Overhead(4, 0, 3, 0, 30, "chat-template"),
    "llama3": Overhead(4, 0, 4, 1, 30, "chat-template"),
    "gemma3": Overhead(4, 0, 3, 1, 30, "chat-template"),
    "deepseek-v3": Overhead(1, 0, 1, 1, 30, "chat-template", role_tokens=False),
    "mistral-tekken": Overhead(2, 0, 0, 1, 4, "chat-template", role_tokens=False),
}
DEFAULT_OVERHEAD = Overhead(3, 1, 3, 0, 30, "estimate")

#: OpenAI cookbook constants for tool definitions: (func_init, prop_init, prop_key, enum_init, enum_item, func_end)
_OPENAI_TOOL_CONSTANTS = {"o200k_base": (7, 3, 3, -3, 3, 12), "cl100k_base": (10, 3, 3, -3, 3, 12)}
#: keys of a property the cookbook formula counts; the others are added as compact JSON (approximation)
_FORMULA_PROPERTY_KEYS = frozenset({"type", "description", "enum"})
#: keys of ``parameters`` the formula accounts for (its calibration example has ``required``; OpenAI marks
#: optional properties with ``?`` in its rendering); the others are added as compact JSON (approximation)
_FORMULA_PARAMETERS_KEYS = frozenset({"type", "properties", "required"})


@dataclass(frozen=True)
class MessagesCount:
    tokens: int
    content: int
    overhead: int
    tools: int
    messages: int
    basis: str
    skipped_parts: int = 0
    #: chat requests counted (each primed for its own reply)
    requests: int = 1
    #: of ``tokens``, those counted as compact JSON because the documented rule does not cover them (nested
    #: tool schemas on OpenAI families, ...): an approximation of the provider's hidden rendering
    approximated: int = 0
    #: of ``tokens``, those of the structured-output schema (``response_format``), as compact JSON
    response_format: int = 0


@dataclass(frozen=True)
class ChatRequest:
    """One chat request: its messages and tools; ``where`` locates it in its document (``line 2``, ``[1]``,
    or ``""`` for a document that is one request)."""

    messages: list[dict]
    tools: list[dict]
    where: str = ""
    #: the request's ``response_format`` (structured outputs), if any
    response_format: dict | None = None


def overhead_for(family: str) -> Overhead:
    return OVERHEAD.get(family, DEFAULT_OVERHEAD)


def _kind(value: Any) -> str:
    """The JSON type name of ``value``, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Checker:
    """Checks the shape of a chat request; errors are one line: ``source:line: field.path: problem``."""

    def __init__(self, location: str | None) -> None:
        self.location = location

    def fail(self, path: str, problem: str) -> InputError:
        where = ": ".join(part for part in (self.location, path) if part)
        return InputError(f"{where}: {problem}" if where else problem)

    def expect(self, value: Any, kind: type | tuple[type, ...], path: str, wanted: str) -> None:
        if not isinstance(value, kind):
            raise self.fail(path, f"expected {wanted}, got {_kind(value)}")

    def optional_str(self, mapping: dict, key: str, path: str) -> None:
        if mapping.get(key) is not None:
            self.expect(mapping[key], str, f"{path}.{key}" if path else key, "a string")

    def messages(self, messages: Any, path: str) -> None:
        self.expect(messages, list, path, "a list of messages")
        for index, message in enumerate(messages):
            self.message(message, f"{path}[{index}]")

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
                part_path = f"{prefix}content[{index}]"
                if isinstance(part, str):
                    continue
                self.expect(part, dict, part_path, "a content part object or a string")
                if "text" in part or part.get("type") == "text":
                    self.expect(part.get("text"), str, f"{part_path}.text", "a string")
                elif part.get("type") == "refusal":
                    self.expect(part.get("refusal"), str, f"{part_path}.refusal", "a string")
        for key in ("name", "tool_call_id"):
            self.optional_str(message, key, path)
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
        function = tool
        if tool.get("type") == "custom":
            self.expect(tool.get("custom"), dict, f"{path}.custom", "an object with 'name'")
            custom = tool["custom"]
            self.expect(custom.get("name"), str, f"{path}.custom.name", "a string")
            self.optional_str(custom, "description", f"{path}.custom")
            if custom.get("format") is not None:
                self.expect(custom["format"], dict, f"{path}.custom.format", "an object")
            return
        if "function" not in tool and tool.get("type") not in (None, "function") and "name" not in tool:
            raise self.fail(
                f"{path}.type",
                f"unsupported tool type {_json(tool['type'])!r} (function and custom tools are counted)",
            )
        if "function" in tool:
            path = f"{path}.function"
            function = tool["function"]
            self.expect(function, dict, path, "a function object")
        self.expect(function.get("name"), str, f"{path}.name", "a string")
        self.optional_str(function, "description", path)
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
            self.optional_str(prop, "description", prop_path)
            if "enum" in prop:
                self.expect(prop["enum"], list, f"{prop_path}.enum", "a list")

    def response_format(self, value: Any, path: str) -> None:
        if value is None:
            return
        self.expect(value, dict, path, "an object like {'type': 'json_schema', 'json_schema': {...}}")
        self.expect(value.get("type"), str, f"{path}.type", "a string")
        if value["type"] == "json_schema":
            self.expect(value.get("json_schema"), dict, f"{path}.json_schema", "an object")

    def request(self, messages: Any, tools: Any, functions: Any, prefix: str) -> None:
        self.messages(messages, f"{prefix}messages")
        self.tools(tools, f"{prefix}tools")
        self.tools(functions, f"{prefix}functions")


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


def _request(document: dict, checker: _Checker, prefix: str, where: str) -> ChatRequest:
    """A request object ``{"messages": [...], "tools": [...]}`` (legacy ``functions`` too), checked."""
    tools, functions = document.get("tools"), document.get("functions")
    checker.request(document["messages"], tools, functions, prefix)
    response_format = document.get("response_format")
    checker.response_format(response_format, f"{prefix}response_format")
    return ChatRequest(
        list(document["messages"]), [*(tools or []), *(functions or [])], where, response_format
    )


def _is_request(document: Any) -> bool:
    return isinstance(document, dict) and "messages" in document


_SHAPES = "expected {'messages': [...]}, a list of messages or of such requests, or JSONL of either"


def parse_requests(text: str, source: str) -> list[ChatRequest]:
    """The chat requests of a JSON or JSONL document, their shape checked (``InputError`` naming the field).

    One request: ``{"messages": [...], "tools": [...]}``, a list of messages, or JSONL with one message per
    line. Several: a JSON list of request objects, or JSONL with one request (object or list of messages)
    per line. An empty document is no request.
    """
    if not text.strip().lstrip("\ufeff").strip():
        return []
    documents, jsonl = _load_documents(text, source)
    if not jsonl:
        document = documents[0]
        checker = _Checker(source)
        if _is_request(document):
            return [_request(document, checker, "", "")]
        if isinstance(document, dict) and "role" in document:
            checker.message(document, "")
            return [ChatRequest([document], [], "")]
        if not isinstance(document, list):
            raise InputError(f"{source}: {_SHAPES}, got {_kind(document)}")
        if document and _is_request(document[0]):
            requests = []
            for index, item in enumerate(document):
                if not _is_request(item):
                    raise checker.fail(f"[{index}]", "expected a request object with 'messages', like [0]")
                requests.append(_request(item, checker, f"[{index}].", f"[{index}]"))
            return requests
        checker.messages(document, "")
        return [ChatRequest(list(document), [], "")]
    # JSONL: one message per line (one request), or one request per line
    message_lines = [(n, d) for n, d in documents if not _is_request(d) and not isinstance(d, list)]
    if len(message_lines) == len(documents):
        messages = []
        for number, document in message_lines:
            checker = _Checker(f"{source}:{number}")
            if not isinstance(document, dict):
                raise InputError(f"{source}:{number}: {_SHAPES}, got {_kind(document)}")
            checker.message(document, "")
            messages.append(document)
        return [ChatRequest(messages, [], "")]
    requests = []
    for number, document in documents:
        checker = _Checker(f"{source}:{number}")
        if isinstance(document, list):
            checker.messages(document, "")
            requests.append(ChatRequest(list(document), [], f"line {number}"))
        elif _is_request(document):
            requests.append(_request(document, checker, "", f"line {number}"))
        else:
            raise checker.fail("", "expected a request ({'messages': [...]}) like the other lines")
    return requests


def parse_chat(text: str, source: str) -> tuple[list[dict], list[dict]]:
    """Messages and tools of a JSON or JSONL document holding one chat request (see ``parse_requests``).

    A document of several requests is an ``InputError``: use ``parse_requests`` and ``count_requests``.
    """
    requests = parse_requests(text, source)
    if not requests:
        return [], []
    if len(requests) > 1:
        raise InputError(
            f"{source}: holds {len(requests)} chat requests, expected one "
            "(`tokencost count --messages` counts each)"
        )
    return requests[0].messages, requests[0].tools


def _content_texts(value: Any) -> tuple[list[str], int]:
    """Texts in a content value (string or list of parts) and the number of non-text parts skipped."""
    if value is None:
        return [], 0
    if isinstance(value, str):
        return [value], 0
    texts, skipped = [], 0
    for part in value:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
            texts.append(part["refusal"])
        else:
            skipped += 1
    return texts, skipped


def _call_tokens(function: dict, count: Callable[[str], int]) -> int:
    """Tokens of a call's name and arguments (a JSON string, or an object counted as compact JSON)."""
    return count(function["name"]) + count(_json(function.get("arguments") or ""))


def _json(value: Any) -> str:
    """``value`` as compact JSON (a string as is)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def count_messages(
    messages: list[dict],
    tools: list[dict],
    family: str,
    count: Callable[[str], int],
    response_format: dict | None = None,
) -> MessagesCount:
    """Tokens of a chat request for ``family`` with ``count`` (a counter's ``count``); ``response_format``
    is the request's structured-output setting (``ChatRequest.response_format``), if any.

    A malformed request is an ``InputError`` naming the field (``messages[0].tool_calls[0].function``).
    """
    _Checker(None).messages(messages, "messages")
    _Checker(None).response_format(response_format, "response_format")
    rule = overhead_for(family)
    content = overhead = 0
    skipped = 0
    for message in messages:
        overhead += rule.per_message
        for key, value in message.items():
            if key == "content":
                texts, n_skipped = _content_texts(value)
                skipped += n_skipped
                content += sum(count(text) for text in texts)
            elif key == "tool_calls" and value is not None:
                for call in value:
                    content += _call_tokens(call["function"], count)
            elif key == "function_call" and value is not None:  # legacy form of tool_calls
                content += _call_tokens(value, count)
            elif isinstance(value, str):
                # role, name, tool_call_id: OpenAI's rule counts every value of the message; the role
                # name is part of the template header, so it is overhead
                if key == "role":
                    overhead += count(value) if rule.role_tokens else 0
                else:
                    content += count(value)
                if key == "name":
                    overhead += rule.per_name
    if messages:
        overhead += rule.priming + rule.per_request
    tool_tokens, approximated = _tools_tokens(tools, family, count)
    schema_tokens = _response_format_tokens(response_format, count)
    return MessagesCount(
        content + overhead + tool_tokens + schema_tokens,
        content,
        overhead,
        tool_tokens,
        len(messages),
        rule.basis,
        skipped,
        1 if messages or tools or schema_tokens else 0,
        approximated + schema_tokens,
        schema_tokens,
    )


def _response_format_tokens(response_format: dict | None, count: Callable[[str], int]) -> int:
    """Tokens of a ``json_schema`` response format: its name, description and schema as compact JSON (an
    approximation: providers render the schema into the prompt in formats they do not publish)."""
    if not response_format or response_format.get("type") != "json_schema":
        return 0
    schema = {key: value for key, value in response_format["json_schema"].items() if key != "strict"}
    return count(_json(schema)) if schema else 0


#: what ``MessagesCount.approximated`` covers, for method texts and notices (count and estimate)
APPROXIMATED = "schema parts without a documented rule counted as compact JSON"


def count_requests(requests: list[ChatRequest], family: str, count: Callable[[str], int]) -> MessagesCount:
    """The sum over ``requests`` of ``count_messages``: each request has its own overhead and priming."""
    rule = overhead_for(family)
    results = [count_messages(r.messages, r.tools, family, count, r.response_format) for r in requests]
    return MessagesCount(
        sum(r.tokens for r in results),
        sum(r.content for r in results),
        sum(r.overhead for r in results),
        sum(r.tools for r in results),
        sum(r.messages for r in results),
        rule.basis,
        sum(r.skipped_parts for r in results),
        sum(r.requests for r in results),
        sum(r.approximated for r in results),
        sum(r.response_format for r in results),
    )


def count_tools(tools: list[dict], family: str, count: Callable[[str], int]) -> int:
    """Tokens of tool definitions (their shape checked: ``InputError`` naming the field)."""
    return _tools_tokens(tools, family, count)[0]


def _tools_tokens(tools: list[dict], family: str, count: Callable[[str], int]) -> tuple[int, int]:
    """Tokens of tool definitions, and how many of them are the compact-JSON approximation."""
    _Checker(None).tools(tools, "tools")
    if not tools:
        return 0, 0
    if family in _OPENAI_TOOL_CONSTANTS:
        return _openai_tools(tools, _OPENAI_TOOL_CONSTANTS[family], count)
    rule = overhead_for(family)
    return rule.tools_preamble + sum(count(_json(tool)) for tool in tools), 0


def _extra_json(mapping: dict, counted: frozenset[str], count: Callable[[str], int]) -> int:
    """Tokens of the compact JSON of ``mapping`` without the keys in ``counted`` (0 when nothing is left)."""
    rest = {key: value for key, value in mapping.items() if key not in counted}
    return count(_json(rest)) if rest else 0


def _openai_tools(
    tools: list[dict], constants: tuple[int, ...], count: Callable[[str], int]
) -> tuple[int, int]:
    """OpenAI cookbook: tokens of function definitions (``tools=[{"type": "function", "function": {...}}]``),
    and how many of them are approximated.

    The cookbook formula counts each top-level property's name, type, description and enum; it is exact
    for such flat schemas (the cookbook's figures). OpenAI renders the rest of a schema too (nested objects,
    arrays of objects, ``anyOf``, ``format``, ``default``, ...) in a format it does not publish: those keys
    of each property, and of ``parameters`` besides ``type``/``properties``/``required``, are added as
    their compact JSON. That part is an approximation, returned second. Custom tools
    (``{"type": "custom", "custom": {"name", "description", "format"}}``) have no documented rule: their
    name and description (as the formula counts a function's) and their format as compact JSON are all
    counted as approximated.
    """
    func_init, prop_init, prop_key, enum_init, enum_item, func_end = constants
    total = approximated = 0
    for tool in tools:
        if tool.get("type") == "custom":
            # no documented rule: the formula's name:description, and the grammar/format as compact JSON
            custom = tool["custom"]
            tokens = count(f"{custom['name']}:{custom.get('description') or ''}")
            tokens += count(_json(custom["format"])) if custom.get("format") else 0
            total += func_init
            approximated += tokens  # added to the total at the end
            continue
        function = tool.get("function", tool)
        total += func_init
        description = function.get("description") or ""
        description = description[:-1] if description.endswith(".") else description
        total += count(f"{function.get('name', '')}:{description}")
        parameters = function.get("parameters") or {}
        approximated += _extra_json(parameters, _FORMULA_PARAMETERS_KEYS, count)
        properties = parameters.get("properties") or {}
        if properties:
            total += prop_init
            for key, prop in properties.items():
                total += prop_key
                if "enum" in prop:
                    total += enum_init
                    for item in prop["enum"]:
                        total += enum_item + count(_json(item))
                p_desc = prop.get("description") or ""
                p_desc = p_desc[:-1] if p_desc.endswith(".") else p_desc
                total += count(f"{key}:{_json(prop.get('type', ''))}:{p_desc}")
                approximated += _extra_json(prop, _FORMULA_PROPERTY_KEYS, count)
    return total + func_end + approximated, approximated
