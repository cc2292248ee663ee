"""Token count of an OpenAI-format chat request: content + per-message and reply-priming overhead + tools.

Input: ``{"messages": [...], "tools": [...]}`` or a bare list of messages, as JSON or JSONL (one message
per line, or one request per line). Message ``content`` is a string or a list of parts; text parts are
counted, other parts (images, audio) are not (they are billed by other rules) and are reported.

Overhead per family (``OVERHEAD``):
- OpenAI families (``o200k_base``, ``cl100k_base``): OpenAI's documented rule (the "How to count tokens
  with tiktoken" cookbook): every message costs 3 tokens plus the tokens of each of its values (role,
  content, name), a ``name`` 1 more, and every reply is primed with 3. Tools follow the cookbook's
  function-calling rule (``_openai_tools``).
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


@dataclass(frozen=True)
class MessagesCount:
    tokens: int
    content: int
    overhead: int
    tools: int
    messages: int
    basis: str
    skipped_parts: int = 0


def overhead_for(family: str) -> Overhead:
    return OVERHEAD.get(family, DEFAULT_OVERHEAD)


def parse_chat(text: str, source: str) -> tuple[list[dict], list[dict]]:
    """Messages and tools of a JSON or JSONL chat document."""
    stripped = text.strip()
    if not stripped:
        return [], []
    try:
        documents = [json.loads(stripped)]
    except json.JSONDecodeError as whole_error:
        documents = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                documents.append(json.loads(line))
            except json.JSONDecodeError as exc:
                if number == 1:
                    raise InputError(
                        f"{source}:{whole_error.lineno}: not JSON or JSONL chat ({whole_error.msg})"
                    ) from None
                raise InputError(f"{source}:{number}: invalid JSON line ({exc.msg})") from None
    messages: list[dict] = []
    tools: list[dict] = []
    for document in documents:
        if isinstance(document, list):
            messages.extend(document)
        elif isinstance(document, dict) and "messages" in document:
            if not isinstance(document["messages"], list):
                raise InputError(f"{source}: 'messages' must be a list")
            messages.extend(document["messages"])
            tools.extend(document.get("tools") or document.get("functions") or [])
        elif isinstance(document, dict) and "role" in document:
            messages.append(document)
        else:
            raise InputError(
                f"{source}: expected {{'messages': [...]}}, a list of messages, or JSONL messages"
            )
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise InputError(f"{source}: message {index + 1} is not an object")
    return messages, tools


def _content_texts(value: Any) -> tuple[list[str], int]:
    """Texts in a content value (string or list of parts) and the number of non-text parts skipped."""
    if value is None:
        return [], 0
    if isinstance(value, str):
        return [value], 0
    if isinstance(value, list):
        texts, skipped = [], 0
        for part in value:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                skipped += 1
        return texts, skipped
    return [json.dumps(value, ensure_ascii=False)], 0


def count_messages(
    messages: list[dict], tools: list[dict], family: str, count: Callable[[str], int]
) -> MessagesCount:
    """Tokens of a chat request for ``family`` with ``count`` (a counter's ``count``)."""
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
            elif key == "tool_calls" and isinstance(value, list):
                for call in value:
                    function = call.get("function", {}) if isinstance(call, dict) else {}
                    content += count(str(function.get("name", "")))
                    content += count(str(function.get("arguments", "")))
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
    tool_tokens = count_tools(tools, family, count)
    return MessagesCount(
        content + overhead + tool_tokens, content, overhead, tool_tokens, len(messages), rule.basis, skipped
    )


def count_tools(tools: list[dict], family: str, count: Callable[[str], int]) -> int:
    if not tools:
        return 0
    if family in _OPENAI_TOOL_CONSTANTS:
        return _openai_tools(tools, _OPENAI_TOOL_CONSTANTS[family], count)
    rule = overhead_for(family)
    return rule.tools_preamble + sum(
        count(json.dumps(tool, ensure_ascii=False, separators=(",", ":"))) for tool in tools
    )


def _openai_tools(tools: list[dict], constants: tuple[int, ...], count: Callable[[str], int]) -> int:
    """OpenAI cookbook: tokens of function definitions (``tools=[{"type": "function", "function": {...}}]``)."""
    func_init, prop_init, prop_key, enum_init, enum_item, func_end = constants
    total = 0
    for tool in tools:
        function = tool.get("function", tool) if isinstance(tool, dict) else {}
        total += func_init
        description = str(function.get("description", ""))
        description = description[:-1] if description.endswith(".") else description
        total += count(f"{function.get('name', '')}:{description}")
        parameters = function.get("parameters") or {}
        properties = parameters.get("properties") or {} if isinstance(parameters, dict) else {}
        if properties:
            total += prop_init
            for key, prop in properties.items():
                prop = prop if isinstance(prop, dict) else {}
                total += prop_key
                if "enum" in prop:
                    total += enum_init
                    for item in prop["enum"]:
                        total += enum_item + count(str(item))
                p_desc = str(prop.get("description", ""))
                p_desc = p_desc[:-1] if p_desc.endswith(".") else p_desc
                total += count(f"{key}:{prop.get('type', '')}:{p_desc}")
    return total + func_end
