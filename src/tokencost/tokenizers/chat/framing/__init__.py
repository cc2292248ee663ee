"""Count a normalised request the way its vendor bills it.

OpenAI families (``o200k_base``, ``cl100k_base``): the models' own rendering (``render.openai_tools``), with
per-message, priming, tool-call, tool-result and schema constants per model generation (``chat``: GPT-4o
era; ``reasoning``: GPT-5 / o-series, harmony). Claude: Anthropic's documented tool-use system prompt per
model and ``tool_choice`` plus fitted per-message and per-block constants. Gemini: per generation (1.x/2.0 and
Vertex AI, 2.5, 3) its declarations' rendering, a token a turn from 2.5 and fitted constants; parts with a
``thoughtSignature`` are billed context we cannot see (``unknown_parts``), but on Gemini 3 (a fitted share of
the signature's characters) and through Vertex AI (none).
Other families: their chat template (``template``). Constants: ``tokenizers/data/framing.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tokencost.tokenizers.chat.framing import template
from tokencost.tokenizers.chat.framing.features import (
    CONTENT_PART,
    SCHEMA_PART,
    TOKEN_FEATURES,
    TOOLS_PART,
    features,
)
from tokencost.tokenizers.chat.model import Request

_OPENAI = frozenset({"o200k_base", "cl100k_base"})
#: Claude's tokenizers: ``claude`` (before Opus 4.7) and ``claude-4.7`` (Opus 4.7 and later, Fable), whose only
#: framing generation is ``anthropic:4.7`` (fitted on its own counts: its text weight is 1, the family carries
#: the newer tokenizer's factor)
_CLAUDE = frozenset({"claude", "claude-4.7"})
_REASONING = re.compile(r"^(?:openai/)?(?:gpt-5(?!-chat)|gpt-oss|codex)", re.IGNORECASE)
_O_SERIES = re.compile(r"^(?:openai/)?o\d", re.IGNORECASE)
#: the first o1 models (September 2024) bill a plain chat with GPT-4o's priming, one token more than o3 and
#: later: the held-out o1-mini request is exact so, and the fit set's one o1-mini request comes a token closer
_O1_FIRST = re.compile(r"^(?:openai/)?o1-(?:mini|preview)", re.IGNORECASE)
#: Claude models before 4.5 (their tool prompt is the documented one; later models bill ~150 tokens more)
_CLAUDE_EARLY = re.compile(
    r"^(?:anthropic/)?claude-(?:[123]|instant|(?:sonnet|opus|haiku)-4-(?:0|1|2025)|opus-4$|sonnet-4$)"
)
#: Claude 3 models (and older): Anthropic documents their tool prompt per model, and no recording fits a correction
#: to it (the ``anthropic`` generation's was measured on Claude 4.0): ``anthropic:3`` takes the table as it is
_CLAUDE_3 = re.compile(r"^(?:anthropic/)?claude-(?:[123]|instant)")
#: Gemini 1.x and 2.0 bill the text alone (no token a turn) and their tool declarations, calls and responses as
#: the texts Google's SDK counts, one by one: their own generation
_GEMINI_20 = re.compile(r"(?:^|/)gemini-(?:1-|2-0|pro$|pro-vision)")
#: Gemini through Vertex AI (a model id naming the host or Vertex's publisher path) bills as Gemini 1.x/2.0 do,
#: whatever the model (measured on recorded Vertex calls of Gemini 2.5 and 3): its own generation
_GEMINI_VERTEX = re.compile(r"^(?:vertex_ai|vertex|vertex-ai|google-vertex)/|publishers/google/models/")
#: Gemini 3 and later bill their function declarations as Gemma's function-calling format writes them
_GEMINI_3 = re.compile(r"(?:^|/)gemini-(?:[3-9]|\d\d)")


#: generations whose reasoning signatures are modelled, not unknown: Gemini 3 bills about a fixed share of a
#: ``thoughtSignature``'s characters (fitted weight of ``signature_chars``), Vertex AI bills none (measured)
SIGNATURES_MODELLED = frozenset({"gemini:3", "gemini:vertex"})
#: the suffix of a Gemini generation fitted on text counted with Gemma 3's tokenizer (``exact_twin``)
EXACT_TEXT = "@gemma3"

#: basis of a request counted whole by the vendor's count endpoint (framing included; no split is known)
VENDOR_BASIS = "vendor count endpoint"


@dataclass(frozen=True)
class RequestCount:
    """Input tokens of one request. ``exact``: of ``tokens``, those of text counted with the family's exact
    tokenizer; ``estimated``: the rest (framing constants, and all of it on families without a public
    tokenizer); ``error``: how many tokens the framing can be off (held-out p90); ``unknown_parts``: parts
    billed for context we cannot see (reasoning signatures), not counted."""

    tokens: int
    content: int
    overhead: int
    tools: int
    response_format: int
    exact: int
    estimated: int
    error: int
    basis: str
    messages: int
    skipped_parts: int = 0
    unknown_parts: int = 0
    shape: str = ""
    where: str = ""

    def as_dict(self) -> dict:
        return {
            "where": self.where,
            "shape": self.shape,
            "tokens": self.tokens,
            "exact": self.exact,
            "estimated": self.estimated,
            "framing_error": self.error,
            "basis": self.basis,
            "unknown_parts": self.unknown_parts,
            "skipped_parts": self.skipped_parts,
        }


@cache
def constants() -> dict:
    """``tokenizers/data/framing.json``: fitted constants, their source and held-out figures."""
    text = resources.files("tokencost.tokenizers").joinpath("data/framing.json").read_text(encoding="utf-8")
    return json.loads(text)


def vendor_of(family: str) -> str:
    if family in _OPENAI:
        return "openai"
    if family in _CLAUDE:
        return "anthropic"
    if family == "gemini":
        return "gemini"
    return "template"


def generation(family: str, model: str | None) -> str:
    """The framing generation: ``openai:chat`` (GPT-4o era, the default) / ``openai:reasoning`` (GPT-5) /
    ``openai:o-series``, ``anthropic:3`` (Claude 3 and older) / ``anthropic`` (Claude 4 before 4.5) /
    ``anthropic:4.5`` (4.5 and later, the default) on ``claude``, ``anthropic:4.7`` on ``claude-4.7`` (Opus 4.7 and later, Fable: the newer
    tokenizer, whatever the model), ``gemini:vertex`` (any Gemini through Vertex AI: ``vertex_ai/...``) / ``gemini:2.0`` (Gemini 1.x, 2.0) /
    ``gemini:3`` (Gemini 3 and later) / ``gemini`` (the rest: 2.5)."""
    vendor = vendor_of(family)
    model = _catalog_form(model)
    if vendor == "openai":
        if model and _O_SERIES.match(model) and not _O1_FIRST.match(model):
            return "openai:o-series"
        return "openai:reasoning" if model and _REASONING.match(model) else "openai:chat"
    if family == "claude-4.7":
        return "anthropic:4.7"
    if vendor == "anthropic":
        if model and _CLAUDE_3.match(model):
            return "anthropic:3"
        return "anthropic" if model and _CLAUDE_EARLY.match(model) else "anthropic:4.5"
    if vendor == "gemini" and model and _GEMINI_VERTEX.search(model):
        return "gemini:vertex"
    if vendor == "gemini" and model and _GEMINI_20.search(model):
        return "gemini:2.0"
    if vendor == "gemini" and model and _GEMINI_3.search(model):
        return "gemini:3"
    return vendor


def exact_twin(gen: str) -> str:
    """The generation whose constants were fitted on text counted with Gemma 3's tokenizer (``GEN@gemma3``), for
    Gemini counted exactly with the user's copy of it; ``gen`` itself when there is none."""
    twin = f"{gen}{EXACT_TEXT}"
    return twin if twin in constants()["generations"] else gen


def generation_note(basis: str | None) -> str | None:
    """What a fitted generation is, from ``framing.json`` (``about``), for a count's method text: e.g. the
    Opus 4.7 tokenizer's text factor and how it was measured; None for a generation without a note."""
    gen = basis.removeprefix("fitted:") if basis and basis.startswith("fitted:") else None
    about = constants()["generations"].get(gen, {}).get("about") if gen else None
    return f"chat framed as {gen}: {about}" if about else None


def tool_prompt(model: str | None, choice: str | None) -> int:
    """Tokens of Claude's tool-use system prompt for ``model`` and ``tool_choice`` (Anthropic's table)."""
    return _tool_prompt_row(model)["any" if choice in ("any", "tool") else "auto"]


def _tool_prompt_row(model: str | None) -> dict[str, int]:
    table = constants()["anthropic_tool_prompt"]
    model = _catalog_form(model)
    for prefix, values in table["models"].items():
        if model and model.removeprefix("anthropic/").startswith(prefix):
            return values
    return table["default"]


def _catalog_form(model: str | None) -> str | None:
    """``model`` with the dots of catalog ids as the vendors' dashes (``claude-opus-4.1``:
    ``claude-opus-4-1``), lower case."""
    return model.lower().replace(".", "-") if model else model


def variant(family: str, model: str | None) -> tuple:
    """What of ``model`` changes how a chat request is framed on ``family`` (OpenAI's generation; Claude's
    generation and tool prompt); models of one variant frame every request alike, so a request counted
    for one of them holds for all."""
    vendor = vendor_of(family)
    if vendor == "anthropic":
        return (generation(family, model), tuple(sorted(_tool_prompt_row(model).items())))
    return (generation(family, model),) if vendor in ("openai", "gemini") else ()


def kind_of(request: Request, gen: str = "") -> str:
    """The request kind the held-out error is measured per: tool results, tools, structured or plain
    (``signed``: reasoning signatures whose billed share ``gen`` estimates)."""
    if request.signatures and gen == "gemini:3":
        return "signed"
    if request.results:
        return "tool results"
    if request.tools:
        return "tools"
    return "structured" if request.response_schema is not None else "plain"


def count_request(
    request: Request, family: str, count: Callable[[str], int], exact: bool = True, model: str | None = None
) -> RequestCount:
    """Input tokens of ``request`` on ``family`` (``count``: the family's counter; ``exact``: whether it is
    the vendor's exact tokenizer); ``model`` picks the generation (default: the request's own)."""
    model = model or request.model
    vendor_total = _vendor_count(count, request)
    if vendor_total is not None:
        return _result(request, vendor_total, vendor_total, 0, 0, 0, vendor_total, 0, VENDOR_BASIS)
    vendor = vendor_of(family)
    if vendor == "template":
        content, overhead, tools, schema = template.count(request, family, count)
        total = content + overhead + tools + schema
        basis = template.overhead_for(family).basis
        exact_part = content if exact else 0
        error = template.error(family, overhead, tools, schema)
        return _result(request, total, content, overhead, tools, schema, exact_part, error, basis)
    if not (request.messages or request.system or request.tools or request.response_schema):
        return _result(request, 0, 0, 0, 0, 0, 0, 0, f"fitted:{generation(family, model)}")
    gen = generation(family, model)
    key = exact_twin(gen) if exact and vendor == "gemini" else gen
    spec = constants()["generations"][key]
    coef = spec["coef"]
    prompt = tool_prompt(model, request.tool_choice) if vendor == "anthropic" and request.tools else 0
    f = features(request, vendor, count, prompt, gen)
    weighed = {name: coef.get(name, 0) * value for name, value in f.items()}
    total = max(0, round(sum(weighed.values())))
    tools = round(sum(weighed[k] for k in TOOLS_PART))
    schema = round(sum(weighed[k] for k in SCHEMA_PART))
    content = round(sum(weighed[k] for k in CONTENT_PART))
    overhead = total - tools - schema - content
    exact_part = 0
    if exact:
        exact_part = sum(f[k] for k in TOKEN_FEATURES if coef.get(k) == 1)
    p90 = spec.get("error_p90_by_kind", {}).get(kind_of(request, gen), spec.get("error_p90", 0.1))
    error = math.ceil(p90 * total) if total else 0
    return _result(
        request,
        total,
        content,
        overhead,
        tools,
        schema,
        exact_part,
        error,
        f"fitted:{key}",
    )


def _vendor_count(count: Callable[[str], int], request: Request) -> int | None:
    """The vendor's own count of ``request`` when ``count`` belongs to a counter that asks the vendor (``--online``:
    its ``count_chat`` sends the request as the vendor's request), else None (the framing is modelled)."""
    owner = getattr(count, "counter", None) or getattr(count, "__self__", None)
    count_chat = getattr(owner, "count_chat", None)
    return count_chat(request) if callable(count_chat) else None


def _result(
    request: Request,
    total: int,
    content: int,
    overhead: int,
    tools: int,
    schema: int,
    exact_part: int,
    error: int,
    basis: str,
) -> RequestCount:
    return RequestCount(
        total,
        content,
        overhead,
        tools,
        schema,
        min(exact_part, total),
        total - min(exact_part, total),
        error,
        basis,
        len(request.messages) + (1 if request.system else 0),
        request.skipped_parts,
        0
        if basis.removeprefix("fitted:").removesuffix(EXACT_TEXT) in SIGNATURES_MODELLED
        else request.signatures,
        request.shape,
        request.where,
    )
