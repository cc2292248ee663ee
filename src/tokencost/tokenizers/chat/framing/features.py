"""What a vendor bills for a normalised request, as features: token counts of rendered text and counts of
framed items (messages, tools, calls), which the fitted constants of ``data/framing.json`` weigh."""

from __future__ import annotations

import json
from collections.abc import Callable

from tokencost.tokenizers.chat.framing import render
from tokencost.tokenizers.chat.model import (
    TEXT,
    THINKING,
    TOOL_CALL,
    TOOL_RESULT,
    Message,
    Part,
    Request,
    Tool,
)

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
    "choice_name",
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
    "commented_no_system",
    "strict_nullable",
    "calls",
    "results",
    "schema",
    "schema_no_system",
    "schema_chat_endpoint",
    "schema_replies",
    "tool_prompt",
    "tool_loads",
    "resp_calls",
    "resp_parallel",
    "assistant_turns",
    "signature_chars",
)

#: which features a count reports as its tools, its response schema and its content (the rest is overhead):
#: a feature added to these parts is added here, where it is defined
TOOLS_PART = (
    "tools_text",
    "tools",
    "tools_no_system",
    "tool_defs",
    "tool_prompt",
    "commented_no_system",
    "strict_nullable",
)
SCHEMA_PART = ("schema_text", "schema", "schema_no_system", "schema_chat_endpoint", "schema_replies")
CONTENT_PART = ("text", "names", "call_text", "result_text", "thinking_text")


def features(
    request: Request, vendor: str, count: Callable[[str], int], tool_prompt: int = 0, gen: str = ""
) -> dict[str, int]:
    """The features of ``request`` for ``vendor`` (``openai``, ``anthropic``, ``gemini``) and its
    generation ``gen`` (``openai:chat``: tools rendered as GPT-4o bills them, after the system text)."""
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
    resp4o = gen == "openai:chat" and request.shape == "openai_responses"  # GPT-4o on the Responses API
    chat4o = gen == "openai:chat" and not resp4o  # GPT-4o on Chat Completions
    if chat4o:
        messages = _parallel_calls(messages)
    if vendor == "gemini":  # an empty system instruction is no turn (measured: billed as none)
        has_system = any(system_texts)
    f["system"] = int(has_system)
    f["thinking_on"] = int(bool(request.extras.get("thinking")))
    # Responses ``additional_tools`` items (tools loaded mid-conversation): billed beyond their tools' rendering
    f["tool_loads"] = int(request.extras.get("tool_loads") or 0)
    if request.shape == "openai_responses" and gen in ("openai:chat", "openai:reasoning"):
        f["resp_calls"], f["resp_parallel"] = _responses_calls(messages, parallel=resp4o)
    for message in messages:
        f["messages"] += 1
        f["signature_chars"] += sum(p.signature_chars for p in message.parts)
        if vendor == "openai":
            f["roles"] += count(message.role)
            if message.role == "assistant" and any(p.kind == TEXT and p.text for p in message.parts):
                f["assistant_turns"] += 1
        # a tool message's ``name`` is not billed apart: its result is framed with the function's name
        if message.name and not (vendor == "openai" and message.role == "tool"):
            f["names"] += count(message.name)
            f["named"] += 1
        for part in message.parts:
            if part.kind == TEXT:
                f["text"] += count(part.text) if part.text else 0
            elif part.kind == TOOL_CALL:
                f["calls"] += 1
                f["call_text"] += _call_tokens(
                    part.name, _arguments(part.text, gen), count, gen, part.namespace
                )
            elif part.kind == TOOL_RESULT:
                f["results"] += 1
                f["result_text"] += _call_tokens(part.name, part.text, count, gen, part.namespace)
            elif part.kind == THINKING and part.text:
                f["thinking_text"] += count(part.text)
    if request.tools:
        f["tools"] = 1
        # GPT-4o-era Chat Completions bills tools without a system message more; its Responses API does not
        f["tools_no_system"] = 0 if has_system or resp4o else 1
        f["tool_defs"] = len(_loaded(request.tools, vendor))
        f["tools_text"] = _tools_tokens(request, vendor, count, gen)
        f["tool_prompt"] = tool_prompt
        f["tool_named"] = int(request.tool_choice == "tool")
        # GPT-4o's reply to a forced function starts with that function's name (7 + its tokens, measured)
        named = vendor == "openai" and request.tool_choice == "tool" and request.tool_choice_name
        f["choice_name"] = count(request.tool_choice_name) if named else 0
        f["tool_required"] = int(request.tool_choice == "any")
        f["tools_chat_endpoint"] = int(request.shape != "openai_responses")
        f["strict"] = int(any(t.strict for t in request.tools))
        # GPT-4o on Chat Completions, no system message, before any tool result: a parameter with a comment
        # line (description, title) bills a token more (measured; the mechanism is not known)
        f["commented_no_system"] = int(
            chat4o and not has_system and not f["results"] and _commented(request.tools)
        )
        # GPT-4o on Chat Completions: a strict function with a nullable parameter bills a block we do not render
        # (measured on held-out rows only, see benchmarks/README.md)
        f["strict_nullable"] = int(
            chat4o and any(t.strict and _nullable(t.parameters) for t in request.tools)
        )
    if request.response_schema is not None:
        _schema_features(f, request, vendor, count, chat4o, has_system, gen == "openai:chat")
    return f


def _schema_features(
    f: dict[str, int],
    request: Request,
    vendor: str,
    count: Callable[[str], int],
    chat4o: bool,
    has_system: bool,
    gpt4o: bool = False,
) -> None:
    """The response schema's features into ``f``. The GPT-4o generation (``gpt4o``) renders it its own way on
    both endpoints; on Chat Completions (``chat4o``) in a system message of its own when the request has none
    nor tools, and it bills each earlier assistant reply a few tokens more than in a request without a
    schema (measured)."""
    f["schema"] = 1
    f["schema_no_system"] = int(chat4o and not has_system and not request.tools)
    # every OpenAI generation on Chat Completions: GPT-5's bills 4 tokens more there than on the Responses API
    # (measured on ruby_llm's fit requests; GPT-4o's its own constant)
    f["schema_chat_endpoint"] = int(vendor == "openai" and request.shape != "openai_responses")
    f["schema_replies"] = f["assistant_turns"] if chat4o else 0
    if vendor == "openai":
        schema_text = render.openai_schema(request.response_schema, gpt4o=gpt4o)
    elif vendor == "anthropic":
        schema_text = render.claude_schema(request.response_schema)
    else:
        schema_text = render.compact_schema(request.response_schema)
    f["schema_text"] = count(schema_text)


#: the wrapper GPT-4o's parallel tool calls go through (its reply calls it once with every call in it)
PARALLEL = "multi_tool_use.parallel"


def _parallel_calls(messages: list[Message]) -> list[Message]:
    """``messages`` as the GPT-4o generation receives parallel tool calls: an assistant message with two or
    more calls is one call of ``multi_tool_use.parallel`` whose arguments list them
    (``{"tool_uses":[{"recipient_name":"functions.NAME","parameters":ARGS},...]}``, arguments as compact
    JSON), and the tool messages answering it are one result of that wrapper: their outputs as a JSON list
    of strings (measured: fit rows with two calls come out exact, held-out ones with two and three too)."""
    out: list[Message] = []
    index = 0
    while index < len(messages):
        message = messages[index]
        index += 1
        calls = [p for p in message.parts if p.kind == TOOL_CALL]
        if message.role != "assistant" or len(calls) < 2:
            out.append(message)
            continue
        uses = ",".join(
            f'{{"recipient_name":"functions.{p.name}","parameters":{_compact_arguments(p.text)}}}'
            for p in calls
        )
        wrapper = Part(TOOL_CALL, f'{{"tool_uses":[{uses}]}}', PARALLEL)
        out.append(Message("assistant", (*(p for p in message.parts if p.kind != TOOL_CALL), wrapper)))
        outputs = []
        while index < len(messages) and messages[index].role == "tool":
            outputs += [p.text for p in messages[index].parts if p.kind == TOOL_RESULT]
            index += 1
        if outputs:
            result = Part(TOOL_RESULT, json.dumps(outputs, ensure_ascii=False), PARALLEL)
            out.append(Message("tool", (result,)))
    return out


def _commented(tools: tuple[Tool, ...]) -> bool:
    """Whether a tool has a parameter with a description or a title (a comment line in its rendering)."""
    for tool in tools:
        properties = (tool.parameters or {}).get("properties")
        for value in (properties if isinstance(properties, dict) else {}).values():
            if isinstance(value, dict) and (value.get("description") or value.get("title")):
                return True
    return False


def _nullable(schema: object, depth: int = 0) -> bool:
    """Whether a JSON Schema allows null anywhere (``"type": [..., "null"]``, ``{"type": "null"}`` in a union)."""
    if depth > 32:
        return False
    if isinstance(schema, list):
        return any(_nullable(item, depth + 1) for item in schema)
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind) or schema.get("nullable") is True:
        return True
    return any(_nullable(value, depth + 1) for key, value in schema.items() if key not in ("enum", "default"))


def _arguments(text: str, gen: str) -> str:
    """A call's arguments as ``gen`` bills them: GPT-5 as compact JSON whatever spacing the request sent them
    with (llm's and crewAI's spaced arguments bill as compact; held-out rows, three sources), GPT-4o as sent
    (mirascope's spaced arguments, fit set)."""
    return _compact_arguments(text) if gen == "openai:reasoning" and text else text


def _compact_arguments(text: str) -> str:
    """A call's JSON arguments re-serialised compact (as is when they are not JSON)."""
    try:
        return json.dumps(json.loads(text or "{}"), ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        return text


#: generations billing declarations, calls and responses as the texts Google's SDK counts (Gemini 1.x/2.0, and
#: any Gemini through Vertex AI)
_SDK_TEXTS = frozenset({"gemini:2.0", "gemini:vertex"})


def _call_tokens(name: str, text: str, count: Callable[[str], int], gen: str, namespace: str = "") -> int:
    """Tokens of a tool call's (or result's) name and JSON text; Gemini 2.0 bills the texts Google's SDK
    counts (the name, each key and string value alone: no numbers, no punctuation), and so does Vertex AI.
    OpenAI addresses a call of a tool loaded in a ``namespace`` as ``NAMESPACE.NAME`` where it writes
    ``functions.NAME`` (harmony's recipient of a namespaced tool, as ``browser.search``): the difference is
    billed in the call's header and its result's."""
    if gen in _SDK_TEXTS:
        try:
            value = json.loads(text) if text else {}
        except ValueError:
            value = None
        # a result given as plain text (another shape's tool output) is sent wrapped as a string value
        texts = render.sdk_texts(value) if isinstance(value, (dict, list)) else [text]
        return sum(count(t) for t in [name, *texts] if t)
    openai = gen.startswith("openai") and namespace
    addressed = count(f"{namespace}.{name}") - count(f"functions.{name}") if openai else 0
    return (count(name) if name else 0) + (count(text) if text else 0) + addressed


def _tools_tokens(request: Request, vendor: str, count: Callable[[str], int], gen: str) -> int:
    """Tokens of the tool definitions; on the GPT-4o generation they follow the system text in the same
    message (``\n\n`` between), so they are counted joined to it (the merge at the seam included); Gemini
    2.0 bills the declarations' texts one by one, as Google's SDK counts them."""
    if gen in _SDK_TEXTS:
        return sum(count(text) for text in render.gemini_declaration_texts(request.tools))
    if gen == "gemini:3":
        return render.count_gemma(render.gemini3_tools(request.tools), count)
    if vendor == "gemini":  # Gemini 2.5 (and any model not matched otherwise)
        return sum(count(text) for text in render.gemini_json_declarations(request.tools))
    gpt4o = gen == "openai:chat"
    titles = gpt4o and request.shape == "openai_responses"
    text = _tools_text(request, vendor, gpt4o, titles, gen == "openai:reasoning")
    system = _first_system(request) if gpt4o else ""
    if not system:
        return count(text)
    return count(f"{system}\n\n{text}") - count(system)


def _responses_calls(messages: list[Message], parallel: bool = True) -> tuple[int, int]:
    """Responses requests (GPT-4o and GPT-5 generations): their function calls, and (``parallel``: GPT-4o) those
    that directly follow another call (made in the same turn, in parallel): the Responses API bills a call a
    few tokens apart from Chat Completions, GPT-4o's parallel one less (fitted: ``resp_calls``,
    ``resp_parallel``)."""
    calls = followed = 0
    previous = False
    for message in messages:
        is_call = message.role == "assistant" and any(p.kind == TOOL_CALL for p in message.parts)
        calls += sum(1 for p in message.parts if p.kind == TOOL_CALL)
        followed += int(is_call and previous)
        previous = is_call
    return calls, followed if parallel else 0


def _loaded(tools: tuple[Tool, ...], vendor: str) -> tuple[Tool, ...]:
    """The tools in the model's context: Claude leaves ``defer_loading`` tools out until a tool search
    loads them (measured: deferred tools add nothing to the billed count)."""
    return tuple(t for t in tools if not t.deferred) if vendor == "anthropic" else tools


def _first_system(request: Request) -> str:
    if request.system:
        return request.system[0]
    for message in request.messages:
        if message.role in ("system", "developer"):
            return "".join(p.text for p in message.parts if p.kind == TEXT)
    return ""


def _tools_text(
    request: Request, vendor: str, gpt4o: bool = False, titles: bool = False, bare: bool = False
) -> str:
    if vendor == "openai":
        return render.openai_tools(request.tools, gpt4o, titles, bare)
    return render.claude_tools(_loaded(request.tools, vendor))
