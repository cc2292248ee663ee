"""Open-weight families: the tokens their published chat templates put around each message.

ChatML for Qwen (``<|im_start|>`` role ``\\n`` ... ``<|im_end|>`` ``\\n``: 4 + the role name), Llama 3
(``<|start_header_id|>`` role ``<|end_header_id|>`` ``\\n\\n`` ... ``<|eot_id|>``: 4 + role, BOS 1), Gemma 3
(``<start_of_turn>`` role ``\\n`` ... ``<end_of_turn>`` ``\\n``: 4 + role, BOS 1), DeepSeek V3 (one role marker,
no role name: 1, BOS 1), Mistral (``[INST]``/``[/INST]``: 2, no role name, BOS 1); the reply is primed with the
assistant header. Vendors without a public template (GLM, Kimi, MiniMax, Grok, generic): a documented
estimate, OpenAI's cookbook rule. Tools count as compact JSON plus a per-request preamble (an estimate), and so
do response schemas: their range says so (``error``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from tokencost.tokenizers.chat.model import (
    TEXT,
    THINKING,
    TOOL_CALL,
    TOOL_RESULT,
    Request,
    Tool,
    compact_json,
)


@dataclass(frozen=True)
class Overhead:
    per_message: int
    per_name: int
    priming: int
    per_request: int  # BOS and the like
    tools_preamble: int
    basis: str  # "openai-rule", "chat-template", "estimate", "fitted"
    #: whether the role name is spelled out in the template (counted as overhead) or is a special token
    role_tokens: bool = True


OVERHEAD: dict[str, Overhead] = {
    "qwen2": Overhead(4, 0, 3, 0, 30, "chat-template"),
    "qwen3.5": Overhead(4, 0, 3, 0, 30, "chat-template"),
    "llama3": Overhead(4, 0, 4, 1, 30, "chat-template"),
    "gemma3": Overhead(4, 0, 3, 1, 30, "chat-template"),
    "deepseek-v3": Overhead(1, 0, 1, 1, 30, "chat-template", role_tokens=False),
    "mistral-tekken": Overhead(2, 0, 0, 1, 4, "chat-template", role_tokens=False),
}
DEFAULT_OVERHEAD = Overhead(3, 1, 3, 0, 30, "estimate")


#: how far this path's estimated renderings can be off, as a share of their tokens: tools and response schemas are
#: compact JSON plus a preamble, not each template's own text (DeepSeek's API, Qwen's ``<tools>`` block and Llama's
#: indented JSON each write them otherwise) and no billed count has measured them, so this is a stated allowance,
#: not a fitted p90; on families without a public template (``estimate`` basis) it covers the per-message framing too
RENDERING_ERROR = 0.5


def error(family: str, overhead: int, tools: int, schema: int) -> int:
    """Tokens a templated count can be off: ``RENDERING_ERROR`` of what it estimated rather than rendered (0 for a
    plain chat on a family whose template is published: its framing tokens are the template's)."""
    estimated = tools + schema + (overhead if overhead_for(family).basis == "estimate" else 0)
    return math.ceil(RENDERING_ERROR * estimated)


def overhead_for(family: str) -> Overhead:
    return OVERHEAD.get(family, DEFAULT_OVERHEAD)


def tool_json(tool: Tool) -> str:
    """A tool as the compact JSON of its Chat Completions form."""
    if tool.kind == "custom":
        custom = {"name": tool.name, "description": tool.description, "format": tool.format}
        return compact_json({"type": "custom", "custom": {k: v for k, v in custom.items() if v}})
    function: dict = {"name": tool.name}
    if tool.description:
        function["description"] = tool.description
    if tool.parameters is not None:
        function["parameters"] = tool.parameters
    return compact_json({"type": "function", "function": function})


def count(request: Request, family: str, count_text: Callable[[str], int]) -> tuple[int, int, int, int]:
    """(content, overhead, tools, schema) tokens of ``request`` under ``family``'s chat template."""
    rule = overhead_for(family)
    content = overhead = 0
    turns = [(role, text) for role, text in (("system", s) for s in request.system)]
    for role, text in turns:
        overhead += rule.per_message + (count_text(role) if rule.role_tokens else 0)
        content += count_text(text)
    for message in request.messages:
        overhead += rule.per_message + (count_text(message.role) if rule.role_tokens else 0)
        if message.name:
            content += count_text(message.name)
            overhead += rule.per_name
        for part in message.parts:
            if part.kind in (TEXT, TOOL_RESULT, THINKING):
                content += count_text(part.text) if part.text else 0
            elif part.kind == TOOL_CALL:
                content += count_text(part.name) + (count_text(part.text) if part.text else 0)
    if request.messages or request.system:
        overhead += rule.priming + rule.per_request
    tools = rule.tools_preamble + sum(count_text(tool_json(t)) for t in request.tools) if request.tools else 0
    schema = 0
    if request.response_schema is not None:
        body = {"name": request.response_schema.name, "schema": request.response_schema.schema}
        if request.response_schema.description:
            body["description"] = request.response_schema.description
        schema = count_text(compact_json({k: v for k, v in body.items() if v}))
    return content, overhead, tools, schema
