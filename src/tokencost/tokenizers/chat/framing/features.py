"""What a vendor bills for a normalised request, as features: token counts of rendered text and counts of
framed items (messages, tools, calls), which the fitted constants of ``data/framing.json`` weigh."""

from __future__ import annotations

from collections.abc import Callable

from tokencost.tokenizers.chat.framing import render
from tokencost.tokenizers.chat.model import TEXT, THINKING, TOOL_CALL, TOOL_RESULT, Request

#: features that are token counts of text (exact where the family's tokenizer is); the others are framing
TOKEN_FEATURES = (
    "text",
    "roles",
    "names",
    "tools_text",
    "call_text",
    "result_text",
    "thinking_text",
    "schema_text",
)
FRAMING_FEATURES = (
    "base",
    "system",
    "thinking_on",
    "messages",
    "named",
    "tools",
    "tools_no_system",
    "tool_defs",
    "tool_named",
    "tool_required",
    "tools_chat_endpoint",
    "strict",
    "calls",
    "results",
    "schema",
    "tool_prompt",
)


def features(
    request: Request, vendor: str, count: Callable[[str], int], tool_prompt: int = 0
) -> dict[str, int]:
    """The features of ``request`` for ``vendor`` (``openai``, ``anthropic``, ``gemini``)."""
    f = dict.fromkeys(TOKEN_FEATURES + FRAMING_FEATURES, 0)
    f["base"] = 1
    system_texts = list(request.system)
    messages = list(request.messages)
    if vendor != "openai":  # Claude and Gemini take system text apart from the turns
        system_texts += [p.text for m in messages if m.role in ("system", "developer") for p in m.parts]
        messages = [m for m in messages if m.role not in ("system", "developer")]
    f["text"] = sum(count(text) for text in system_texts if text)
    if vendor == "openai" and system_texts:
        f["messages"] += 1
        f["roles"] += count("system")
    has_system = bool(system_texts) or any(m.role in ("system", "developer") for m in messages)
    f["system"] = int(has_system)
    f["thinking_on"] = int(bool(request.extras.get("thinking")))
    for message in messages:
        f["messages"] += 1
        if vendor == "openai":
            f["roles"] += count(message.role)
        if message.name:
            f["names"] += count(message.name)
            f["named"] += 1
        for part in message.parts:
            if part.kind == TEXT:
                f["text"] += count(part.text) if part.text else 0
            elif part.kind == TOOL_CALL:
                f["calls"] += 1
                f["call_text"] += count(part.name) + (count(part.text) if part.text else 0)
            elif part.kind == TOOL_RESULT:
                f["results"] += 1
                f["result_text"] += (count(part.text) if part.text else 0) + (
                    count(part.name) if part.name else 0
                )
            elif part.kind == THINKING and part.text:
                f["thinking_text"] += count(part.text)
    if request.tools:
        f["tools"] = 1
        f["tools_no_system"] = 0 if has_system else 1
        f["tool_defs"] = len(request.tools)
        f["tools_text"] = count(_tools_text(request, vendor))
        f["tool_prompt"] = tool_prompt
        f["tool_named"] = int(request.tool_choice == "tool")
        f["tool_required"] = int(request.tool_choice == "any")
        f["tools_chat_endpoint"] = int(request.shape != "openai_responses")
        f["strict"] = int(any(t.strict for t in request.tools))
    if request.response_schema is not None:
        f["schema"] = 1
        schema_text = (
            render.openai_schema(request.response_schema)
            if vendor == "openai"
            else render.compact_schema(request.response_schema)
        )
        f["schema_text"] = count(schema_text)
    return f


def _tools_text(request: Request, vendor: str) -> str:
    if vendor == "openai":
        return render.openai_tools(request.tools)
    if vendor == "anthropic":
        return render.claude_tools(request.tools)
    return render.gemini_tools(request.tools)
