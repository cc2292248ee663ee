"""The normalised chat request every shape is parsed into, and every vendor's framing counts.

A ``Request`` holds what a vendor bills as input: system text, messages made of typed parts (text,
tool_call, tool_result, thinking), tool definitions, the structured-output schema and the tool choice.
Shape-specific details that are not billed (ids, cache hints, sampling settings) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: part kinds
TEXT, TOOL_CALL, TOOL_RESULT, THINKING = "text", "tool_call", "tool_result", "thinking"


@dataclass(frozen=True)
class Part:
    """One content part. ``text``: the text (a tool call's JSON arguments, a tool result's output);
    ``name``: the tool called (or answered); ``signature``: it carries an opaque reasoning signature the
    vendor bills for context we cannot see; ``signature_chars``: that signature's length, where a shape
    gives it (Gemini 3 bills about a fixed share of it); ``namespace``: the namespace a Responses call's tool
    was loaded in (a tool search's ``namespace``), which addresses it instead of ``functions``."""

    kind: str
    text: str = ""
    name: str = ""
    signature: bool = False
    signature_chars: int = 0
    namespace: str = ""


@dataclass(frozen=True)
class Message:
    role: str  # system, developer, user, assistant, tool
    parts: tuple[Part, ...]
    name: str = ""


@dataclass(frozen=True)
class Tool:
    """A function (or custom) tool: its name, description and JSON Schema parameters (custom tools: their
    input ``format`` instead)."""

    name: str
    description: str = ""
    parameters: dict[str, Any] | None = None
    kind: str = "function"
    format: dict[str, Any] | None = None
    #: OpenAI's ``strict`` (structured-outputs) function calling
    strict: bool = False
    #: Anthropic's ``defer_loading`` (tool search): not in the model's context until a search loads it
    deferred: bool = False


@dataclass(frozen=True)
class Schema:
    """A structured-output setting: the schema's name, description and JSON Schema."""

    name: str
    schema: dict[str, Any]
    description: str = ""


#: what a request's ``skipped_parts`` are, for notices (count, estimate, plan)
NOT_COUNTED = "images, audio, files, server-side tools or block types tokencost does not know"
#: what parts with reasoning signatures are, for notices (count, estimate, plan): "N part(s) carry ..."
SIGNED = (
    "carry reasoning signatures (thoughtSignature, encrypted reasoning): billed for context we cannot see, not "
    "counted (unknown, not zero)"
)


@dataclass(frozen=True)
class Request:
    """One chat request, normalised. ``shape``: the shape it was read from (``openai_chat``,
    ``openai_responses``, ``anthropic``, ``gemini``); ``where`` locates it in its document."""

    shape: str
    messages: tuple[Message, ...]
    system: tuple[str, ...] = ()
    tools: tuple[Tool, ...] = ()
    tool_choice: str | None = None  # auto, none, any (required), tool (a named one)
    tool_choice_name: str = ""  # the function a named tool_choice forces
    response_schema: Schema | None = None
    model: str | None = None
    skipped_parts: int = 0
    where: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def calls(self) -> int:
        return sum(1 for m in self.messages for p in m.parts if p.kind == TOOL_CALL)

    @property
    def results(self) -> int:
        return sum(1 for m in self.messages for p in m.parts if p.kind == TOOL_RESULT)

    @property
    def signatures(self) -> int:
        return sum(1 for m in self.messages for p in m.parts if p.signature)


def compact_json(value: Any) -> str:
    """``value`` as compact JSON (a string as is)."""
    import json

    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
