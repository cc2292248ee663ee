"""Convert the JSON of OpenRouter's ``GET /api/v1/models`` into an ``openrouter`` price sheet.

Each entry of ``data`` has an ``id`` (``anthropic/claude-opus-4.6``, ``deepseek/deepseek-v3.2:free``),
``pricing`` with USD per token as strings (``prompt``, ``completion``, ``input_cache_read``,
``input_cache_write``, ``internal_reasoning``, ``request``, ``image``, ``web_search``), ``context_length``,
``top_provider.max_completion_tokens``, ``architecture`` (modalities, tokenizer) and
``supported_parameters``. Our ids are ``openrouter/<id>``; ``serves`` is the part after the creator
prefix. Router entries whose prices are ``-1`` (decided per request, e.g. ``openrouter/auto``) are skipped.

Limits: ``context_length`` is the total window (input and output together), so it becomes our
``context_window``; ``top_provider.max_completion_tokens`` becomes ``max_output_tokens``. OpenRouter
gives no separate input limit, so ``max_input_tokens`` is never set.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tokencost.errors import InputError
from tokencost.pricing.import_common import (
    BadValue,
    ImportResult,
    SheetBuilder,
    Skipped,
    guess_family,
    make_unique,
    per_million,
    positive_int,
    to_decimal,
)

PROVIDER = {
    "id": "openrouter",
    "name": "OpenRouter",
    "kind": "aggregator",
    "currency": "USD",
    "regions": ["global"],
    "pricing_urls": ["https://openrouter.ai/models"],
}

#: OpenRouter pricing key -> our component (per token; ``request`` is per request).
TOKEN_PRICES = {
    "prompt": "input",
    "completion": "output",
    "input_cache_read": "cache_read",
    "input_cache_write": "cache_write",
    "internal_reasoning": "reasoning",
    "audio": "input_audio",
}
#: Priced per unit other than a token; informative only (noted, not imported).
OTHER_PRICES = ("image", "web_search", "input_image", "output_image", "input_audio_cache")

#: OpenRouter architecture.tokenizer -> our family, used when the model name says nothing.
TOKENIZERS = {
    "claude": "claude",
    "gemini": "gemini",
    "gpt": "o200k_base",
    "llama3": "llama3",
    "llama4": "llama3",
    "qwen": "qwen2",
    "qwen3": "qwen2",
    "deepseek": "deepseek-v3",
    "mistral": "mistral-tekken",
    "grok": "grok",
    "gemma": "gemma3",
}
MODALITIES = {"text": "text", "image": "image", "audio": "audio", "video": "video", "file": "file"}


def _price(pricing: dict[str, Any], name: str, model: str) -> Decimal | None:
    value = to_decimal(pricing.get(name), f"pricing.{name}")
    if value is not None and value < 0:
        raise BadValue("dynamic")
    return value


def _modalities(arch: dict[str, Any]) -> dict[str, list[str]] | None:
    inputs = [MODALITIES[m] for m in arch.get("input_modalities") or [] if m in MODALITIES]
    outputs = [MODALITIES[m] for m in arch.get("output_modalities") or [] if m in MODALITIES]
    if not inputs and not outputs:
        return None
    inputs, outputs = inputs or ["text"], outputs or ["text"]
    if inputs == ["text"] and outputs == ["text"]:
        return None
    return {"input": list(dict.fromkeys(inputs)), "output": list(dict.fromkeys(outputs))}


def _capabilities(params: list[Any], arch: dict[str, Any], card: dict[str, Any]) -> list[str]:
    caps: list[str] = []
    wanted = {
        "tools": "tools",
        "reasoning": "reasoning",
        "include_reasoning": "reasoning",
        "structured_outputs": "structured_output",
        "response_format": "json_mode",
        "web_search_options": "web_search",
    }
    for param in params:
        capability = wanted.get(param) if isinstance(param, str) else None
        if capability and capability not in caps:
            caps.append(capability)
    inputs = arch.get("input_modalities") or []
    if "image" in inputs:
        caps.append("vision")
    if "audio" in inputs:
        caps.append("audio")
    if "cache_read" in card:
        caps.append("prompt_caching")
    return caps


def _card(pricing: dict[str, Any], key: str) -> tuple[dict[str, Any], list[str]] | str:
    """The price card (per million tokens, per request) and the per-unit prices not imported, or the reason
    the entry is skipped."""
    card: dict[str, Any] = {}
    try:
        for name, component in TOKEN_PRICES.items():
            value = _price(pricing, name, key)
            if value is not None:
                card[component] = per_million(value)
        request = _price(pricing, "request", key)
        others = [n for n in OTHER_PRICES if (_price(pricing, n, key) or 0) > 0]
    except BadValue as exc:
        if str(exc) == "dynamic":
            return "router entries with dynamic prices (-1)"
        return f"entries with invalid prices ({exc})"
    if request:
        card["per_request"] = request.normalize()
    if "input" not in card and "output" not in card:
        return "entries without prompt/completion prices"
    if card.get("reasoning") in (None, Decimal(0)) or card.get("reasoning") == card.get("output"):
        card.pop("reasoning", None)  # "0" means reasoning tokens are billed as output
    if card.get("input_audio") == 0:
        card.pop("input_audio")
    return card, others


def _dates(item: dict[str, Any], checked: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(released, deprecated) from ``created`` (a timestamp, not after ``checked``) and ``expiration_date``
    (not before the release)."""
    created = item.get("created")
    released = None
    if isinstance(created, int) and not isinstance(created, bool) and created > 0:
        released = dt.datetime.fromtimestamp(created, dt.timezone.utc).date()
        if released > checked:
            released = None
    expiry = item.get("expiration_date")
    deprecated = None
    if isinstance(expiry, str):
        try:
            deprecated = dt.date.fromisoformat(expiry[:10])
        except ValueError:
            deprecated = None
    if deprecated and released and deprecated < released:
        deprecated = None
    return released, deprecated


def convert_model(item: Any, checked: dt.date) -> dict[str, Any] | str:
    """One entry of ``data`` -> a Model dict, or the reason it is skipped."""
    if not isinstance(item, dict):
        return "entries that are not objects"
    key = item.get("id")
    if not isinstance(key, str) or not key.strip():
        return "entries without an id"
    pricing = item.get("pricing")
    if not isinstance(pricing, dict):
        return "entries without pricing"
    priced = _card(pricing, key)
    if isinstance(priced, str):
        return priced
    card, others = priced
    free = all(v == 0 for v in card.values())
    if free and others:
        return "entries priced only per image or search (not per token)"
    base = key.split(":", 1)[0]
    creator, _, name = base.partition("/")
    arch = item.get("architecture") if isinstance(item.get("architecture"), dict) else {}
    family = guess_family(name or base)
    if family == "generic":
        family = TOKENIZERS.get(str(arch.get("tokenizer", "")).casefold(), "generic")
    top = item.get("top_provider") if isinstance(item.get("top_provider"), dict) else {}
    params = item.get("supported_parameters") if isinstance(item.get("supported_parameters"), list) else []
    released, deprecated = _dates(item, checked)
    data: dict[str, Any] = {
        "id": f"openrouter/{key}",
        "name": item.get("name") if isinstance(item.get("name"), str) else None,
        "creator": creator if name else None,
        "serves": name or None,
        "mode": "embedding" if (arch.get("output_modalities") or []) == ["embeddings"] else "chat",
        "tokenizer": family,
        "context_window": positive_int(item.get("context_length")),
        "max_output_tokens": positive_int(top.get("max_completion_tokens")),
        "modalities": _modalities(arch),
        "capabilities": _capabilities(params, arch, card),
        "released": released,
        "deprecated": deprecated,
        "source": f"openrouter /api/v1/models id {key}",
        "notes": f"also billed per unit for: {', '.join(others)} (not imported)" if others else None,
        "prices": card,
    }
    if free:
        data["free"] = True
    return data


def import_openrouter(
    data: Any, *, checked: dt.date | None = None, reference: str = "openrouter models.json"
) -> ImportResult:
    """Convert parsed ``/api/v1/models`` JSON into one ``openrouter`` sheet; InputError if not that shape."""
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(
            f"{reference}: expected OpenRouter's /api/v1/models JSON, an object with a 'data' list"
        )
    checked = checked or dt.date.today()
    result = ImportResult(reference=reference)
    builder = SheetBuilder({**PROVIDER, "checked": checked})
    for position, item in enumerate(data["data"]):
        label = (
            item.get("id")
            if isinstance(item, dict) and isinstance(item.get("id"), str)
            else f"data[{position}]"
        )
        converted = convert_model(item, checked)
        if isinstance(converted, str):
            result.skipped.append(Skipped(label, converted))
            continue
        builder.add(converted, label, result)
    if builder.models:
        result.sheets["openrouter"] = builder.build()
    make_unique(result)
    return result
