"""Vendor usage objects -> the normalised token fields, one function per documented shape.

Shared by the per-source parsers (a LiteLLM row, an OTel span's raw usage, a request/response pair all carry
one of these objects). Each returns a dict of ``UsageRecord`` token fields in the normalised convention:
input includes cache reads/writes, output includes reasoning.
"""

from __future__ import annotations

from typing import Any

from tokencost.replay.record import Skip, as_int, dig, reported, require_usage

#: keys only one vendor's usage object has: a usage object with another vendor's keys and none of the
#: parser's own was logged by another API (a forced ``--source`` that does not fit)
_OWN_KEYS = {
    "openai": (
        "prompt_tokens",
        "completion_tokens",
        "prompt_tokens_details",
        "completion_tokens_details",
        "input_tokens_details",
        "output_tokens_details",
    ),
    "anthropic": ("cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation"),
    "gemini": ("promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount"),
}


def other_vendor(usage: dict, own: str) -> None:
    """Skip a usage object in another vendor's shape (its keys, none of ``own``'s): not read as zeros."""
    if any(key in usage for key in _OWN_KEYS[own]):
        return
    for vendor, keys in _OWN_KEYS.items():
        if vendor != own and any(key in usage for key in keys):
            raise Skip(f"usage in {vendor}'s shape, not {own}'s (a --source that does not fit this log?)")


def is_xai(model: Any) -> bool:
    """Whether a model id is xAI's own (``grok-4-0709``, ``xai/grok-4``): its API counts reasoning outside
    ``completion_tokens``. (OpenRouter's ``x-ai/...`` ids are not: OpenRouter reports OpenAI's accounting.)"""
    name = str(model or "").casefold()
    return name.startswith(("grok", "xai/", "xai.")) or name.startswith("x_ai/")


def reasoning_outside(usage: dict, reasoning: int, xai: bool = False) -> bool:
    """Whether a chat ``usage`` counts reasoning OUTSIDE ``completion_tokens`` (xAI's accounting: ``total_tokens``
    = prompt + completion + reasoning) rather than inside it (OpenAI's: total = prompt + completion). The total's
    arithmetic decides when it tells them apart; else the model's vendor (``xai``) does."""
    if not reasoning:
        return False
    prompt, completion = as_int(usage.get("prompt_tokens")), as_int(usage.get("completion_tokens"))
    if reported(usage.get("total_tokens")):
        total = as_int(usage.get("total_tokens"))
        if total == prompt + completion + reasoning:
            return True
        if total == prompt + completion:
            return False
    return xai


def openai_usage(usage: dict, xai: bool = False) -> dict[str, int]:
    """OpenAI Chat Completions or Responses ``usage`` (also OpenRouter, DeepSeek, most OpenAI-compatible
    hosts): cache reads/writes are subsets of input, reasoning a subset of output. xAI's reasoning sits
    outside ``completion_tokens`` (``reasoning_outside``: ``xai`` says the model is xAI's): added to output."""
    chat = "prompt_tokens" in usage or "completion_tokens" in usage
    if chat:
        require_usage(usage.get("prompt_tokens"), usage.get("completion_tokens"))
    else:
        require_usage(usage.get("input_tokens"), usage.get("output_tokens"))
    input_details = usage.get("prompt_tokens_details" if chat else "input_tokens_details") or {}
    output_details = usage.get("completion_tokens_details" if chat else "output_tokens_details") or {}
    cached = as_int(input_details.get("cached_tokens"))
    if not cached and "prompt_cache_hit_tokens" in usage:  # DeepSeek's own field names
        cached = as_int(usage.get("prompt_cache_hit_tokens"))
    write = as_int(input_details.get("cache_write_tokens") or input_details.get("cache_creation_tokens"))
    reasoning = as_int(output_details.get("reasoning_tokens")) or as_int(usage.get("reasoning_tokens"))
    output = as_int(usage.get("completion_tokens" if chat else "output_tokens"))
    if chat and reasoning_outside(usage, reasoning, xai):
        output += reasoning
    fields = {
        "input_tokens": as_int(usage.get("prompt_tokens" if chat else "input_tokens")),
        "cache_read_tokens": cached,
        "cache_write_5m_tokens": write,
        "output_tokens": output,
        "reasoning_tokens": reasoning,
    }
    modalities = {
        f"{side}_{kind}": as_int(details.get(f"{kind}_tokens"))
        for side, details in (("input", input_details), ("output", output_details))
        for kind in ("audio", "image")
        if isinstance(details, dict) and as_int(details.get(f"{kind}_tokens"))
    }
    if modalities:
        fields["modalities"] = modalities  # type: ignore[assignment]
    return fields


def anthropic_usage(usage: dict) -> dict[str, int]:
    """Anthropic Messages ``usage``: ``input_tokens`` EXCLUDES cache reads and writes (disjoint counters),
    so they are added; the 5 m / 1 h split of the writes comes from ``cache_creation`` when present."""
    require_usage(
        usage.get("input_tokens"),
        usage.get("output_tokens"),
        usage.get("cache_read_input_tokens"),
        usage.get("cache_creation_input_tokens"),
    )
    read = as_int(usage.get("cache_read_input_tokens"))
    write = as_int(usage.get("cache_creation_input_tokens"))
    split = usage.get("cache_creation") if isinstance(usage.get("cache_creation"), dict) else {}
    write_1h = as_int(split.get("ephemeral_1h_input_tokens"))
    write_5m = as_int(split.get("ephemeral_5m_input_tokens")) if split else write
    if split and write and write_5m + write_1h != write:
        write_5m = write - write_1h  # the split is partial: the rest is 5 min writes
    if not write and split:
        write = write_5m + write_1h
    output = as_int(usage.get("output_tokens"))
    thinking = as_int(dig(usage, "output_tokens_details", "thinking_tokens"))
    return {
        "input_tokens": as_int(usage.get("input_tokens")) + read + write,
        "cache_read_tokens": read,
        "cache_write_5m_tokens": write_5m,
        "cache_write_1h_tokens": write_1h,
        "output_tokens": output,
        "reasoning_tokens": min(thinking, output),
    }


def gemini_usage(usage: dict) -> dict[str, int]:
    """Gemini ``usageMetadata``: cached content is a subset of the prompt; ``thoughtsTokenCount`` sits
    OUTSIDE ``candidatesTokenCount`` and is added to output; tool-use prompt tokens are input."""
    require_usage(
        usage.get("promptTokenCount"), usage.get("candidatesTokenCount"), usage.get("thoughtsTokenCount")
    )
    thoughts = as_int(usage.get("thoughtsTokenCount"))
    fields: dict = {
        "input_tokens": as_int(usage.get("promptTokenCount")) + as_int(usage.get("toolUsePromptTokenCount")),
        "cache_read_tokens": as_int(usage.get("cachedContentTokenCount")),
        "output_tokens": as_int(usage.get("candidatesTokenCount")) + thoughts,
        "reasoning_tokens": thoughts,
    }
    modalities = {
        f"{side}_{kind}": count
        for side, key in (("input", "promptTokensDetails"), ("output", "candidatesTokensDetails"))
        for kind in ("audio", "image")
        if (count := _gemini_modality(usage.get(key), kind))
    }
    if modalities:
        fields["modalities"] = modalities
    return fields


def _gemini_modality(details: Any, kind: str) -> int:
    """Tokens of one modality in Gemini's ``[{"modality": "AUDIO", "tokenCount": n}, ...]``."""
    if not isinstance(details, list):
        return 0
    return sum(
        as_int(d.get("tokenCount"))
        for d in details
        if isinstance(d, dict) and str(d.get("modality", "")).casefold() == kind
    )


def usage_shape(usage: Any) -> str | None:
    """Which vendor shape a usage object has: ``openai``, ``anthropic``, ``gemini`` or None."""
    if not isinstance(usage, dict):
        return None
    if "promptTokenCount" in usage or "candidatesTokenCount" in usage:
        return "gemini"
    if "prompt_tokens" in usage or "completion_tokens" in usage:
        return "openai"
    if "input_tokens" in usage or "output_tokens" in usage:
        anthropic_keys = ("cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation")
        openai_details = "input_tokens_details" in usage or "output_tokens_details" in usage
        anthropic = any(key in usage for key in anthropic_keys) or "total_tokens" not in usage
        return "anthropic" if anthropic and not openai_details else "openai"
    return None


def usage_fields(usage: Any, model: Any = None) -> dict[str, int]:
    """The normalised fields of any known usage object (``model``: the logged id, for xAI's accounting);
    Skip when there is none."""
    shape = usage_shape(usage)
    if shape is None:
        raise Skip("no usage")
    if shape == "openai":
        return openai_usage(usage, is_xai(model))
    return {"anthropic": anthropic_usage, "gemini": gemini_usage}[shape](usage)


def response_text(response: Any) -> str | None:
    """The completion text of an OpenAI chat/Responses, Anthropic or Gemini response body, if it has any."""
    if not isinstance(response, dict):
        return None
    parts: list[str] = []
    for choice in response.get("choices") or ():
        content = dig(choice, "message", "content")
        if isinstance(content, str):
            parts.append(content)
    for item in response.get("output") or ():  # Responses API
        for piece in (item.get("content") or ()) if isinstance(item, dict) else ():
            if isinstance(piece, dict) and isinstance(piece.get("text"), str):
                parts.append(piece["text"])
    content = response.get("content")
    if isinstance(content, list):  # Anthropic
        parts += [b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)]
    for candidate in response.get("candidates") or ():  # Gemini
        for part in dig(candidate, "content", "parts") or ():
            if isinstance(part, dict) and isinstance(part.get("text"), str) and not part.get("thought"):
                parts.append(part["text"])
    return "\n".join(parts) if parts else None
