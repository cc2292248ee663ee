"""Convert LiteLLM's ``model_prices_and_context_window_backup.json`` into our price sheets.

LiteLLM keys one flat dict by model name; each entry names its ``litellm_provider`` and gives USD per
token under names like ``input_cost_per_token``, ``cache_read_input_token_cost``,
``input_cost_per_token_above_200k_tokens`` (a long-context tier) or ``output_cost_per_token_batches`` (a
variant). We group entries by provider into one sheet each, convert to per-million exactly, and skip what
is not priced per token (per image, per second, per query) or is not a model (``sample_spec``, wildcard
router entries), reporting each skip with its reason.

Limits are mapped field for field: LiteLLM's ``max_input_tokens`` becomes our ``max_input_tokens`` and its
``max_output_tokens`` our ``max_output_tokens``; ``context_window`` (input and output together) is never
set, because LiteLLM states no total window. Its ``max_input_tokens`` is the whole window for some vendors
(Anthropic's Claude: 200,000, the same figure as the context window) and an input-only limit below it for
others (OpenAI GPT-5: 272,000 of a 400,000-token window, with 128,000 output), and nothing in an entry
tells the two apart; its legacy ``max_tokens`` (absent from 1.109.1) was documented as the output limit
or, failing that, the input limit, never the total. Both limits are still enforced (a request's input
never exceeds the window, so ``max_input_tokens`` is safe either way), and a sheet layered over a
bundled model inherits the bundled ``context_window`` because the field is omitted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tokencost.errors import InputError
from tokencost.pricing.import_common import (
    BadValue,
    ImportResult,
    SheetBuilder,
    Skipped,
    guess_family,
    iso_date,
    make_unique,
    per_million,
    positive_int,
    to_decimal,
)

JSON_MEMBER = "litellm/model_prices_and_context_window_backup.json"
REFERENCE_NAME = "model_prices_and_context_window_backup.json"


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    kind: str  # vendor | host | aggregator
    url: str | None = None


#: LiteLLM provider -> our provider. Vendors sell their own models under bare ids; hosts and aggregators
#: prefix theirs with the provider id. Unlisted providers become hosts with their LiteLLM name.
PROVIDERS: dict[str, ProviderInfo] = {
    "openai": ProviderInfo("openai", "OpenAI", "vendor", "https://openai.com/api/pricing/"),
    "text-completion-openai": ProviderInfo("openai", "OpenAI", "vendor", "https://openai.com/api/pricing/"),
    "anthropic": ProviderInfo("anthropic", "Anthropic", "vendor", "https://www.anthropic.com/pricing#api"),
    "gemini": ProviderInfo("google", "Google (Gemini API)", "vendor", "https://ai.google.dev/pricing"),
    "mistral": ProviderInfo("mistral", "Mistral AI", "vendor", "https://mistral.ai/pricing"),
    "codestral": ProviderInfo(
        "codestral", "Mistral Codestral endpoint", "host", "https://mistral.ai/pricing"
    ),
    "text-completion-codestral": ProviderInfo(
        "codestral", "Mistral Codestral endpoint", "host", "https://mistral.ai/pricing"
    ),
    "deepseek": ProviderInfo(
        "deepseek", "DeepSeek", "vendor", "https://api-docs.deepseek.com/quick_start/pricing"
    ),
    "xai": ProviderInfo("xai", "xAI", "vendor", "https://docs.x.ai/docs/models"),
    "cohere": ProviderInfo("cohere", "Cohere", "vendor", "https://cohere.com/pricing"),
    "cohere_chat": ProviderInfo("cohere", "Cohere", "vendor", "https://cohere.com/pricing"),
    "ai21": ProviderInfo("ai21", "AI21 Labs", "vendor", "https://www.ai21.com/pricing"),
    "dashscope": ProviderInfo("alibaba", "Alibaba Cloud Model Studio (Qwen)", "vendor"),
    "moonshot": ProviderInfo(
        "moonshot", "Moonshot AI", "vendor", "https://platform.moonshot.ai/docs/pricing"
    ),
    "zai": ProviderInfo("zai", "Z.ai (Zhipu)", "vendor", "https://docs.z.ai/guides/overview/pricing"),
    "minimax": ProviderInfo("minimax", "MiniMax", "vendor", "https://www.minimax.io/price"),
    "xiaomi_mimo": ProviderInfo("xiaomi", "Xiaomi MiMo", "vendor"),
    "tencent": ProviderInfo("tencent", "Tencent Cloud (Hunyuan)", "host"),
    "meta_llama": ProviderInfo("meta", "Meta Llama API", "vendor"),
    "amazon_nova": ProviderInfo("amazon", "Amazon Nova", "vendor"),
    "perplexity": ProviderInfo(
        "perplexity", "Perplexity", "vendor", "https://docs.perplexity.ai/guides/pricing"
    ),
    "voyage": ProviderInfo("voyage", "Voyage AI", "vendor", "https://docs.voyageai.com/docs/pricing"),
    "inception": ProviderInfo("inception", "Inception Labs", "vendor"),
    "text-completion-inception": ProviderInfo("inception", "Inception Labs", "vendor"),
    "bedrock": ProviderInfo("bedrock", "AWS Bedrock", "host", "https://aws.amazon.com/bedrock/pricing/"),
    "bedrock_converse": ProviderInfo(
        "bedrock", "AWS Bedrock", "host", "https://aws.amazon.com/bedrock/pricing/"
    ),
    "azure": ProviderInfo("azure", "Azure OpenAI", "host"),
    "azure_text": ProviderInfo("azure", "Azure OpenAI", "host"),
    "azure_ai": ProviderInfo("azure_ai", "Azure AI Foundry", "host"),
    "vertex_ai": ProviderInfo(
        "vertex_ai", "Google Vertex AI", "host", "https://cloud.google.com/vertex-ai/pricing"
    ),
    "together_ai": ProviderInfo("together", "Together AI", "host", "https://www.together.ai/pricing"),
    "fireworks_ai": ProviderInfo("fireworks", "Fireworks AI", "host", "https://fireworks.ai/pricing"),
    "fireworks_ai-embedding-models": ProviderInfo(
        "fireworks", "Fireworks AI", "host", "https://fireworks.ai/pricing"
    ),
    "deepinfra": ProviderInfo("deepinfra", "DeepInfra", "host", "https://deepinfra.com/pricing"),
    "groq": ProviderInfo("groq", "Groq", "host", "https://groq.com/pricing"),
    "cerebras": ProviderInfo("cerebras", "Cerebras", "host"),
    "openrouter": ProviderInfo("openrouter", "OpenRouter", "aggregator", "https://openrouter.ai/models"),
    "vercel_ai_gateway": ProviderInfo("vercel_ai_gateway", "Vercel AI Gateway", "aggregator"),
    "aihubmix": ProviderInfo("aihubmix", "AIHubMix", "aggregator"),
    "clf_ai_gateway": ProviderInfo("clf_ai_gateway", "Cloudflare AI Gateway", "aggregator"),
    "hostinger_router": ProviderInfo("hostinger_router", "Hostinger router", "aggregator"),
}

#: Extra key prefixes LiteLLM uses for a provider besides ``<provider>/``.
KEY_PREFIXES: dict[str, tuple[str, ...]] = {
    "bedrock_converse": ("bedrock/",),
    "azure_text": ("azure/",),
    "amazon_nova": ("amazon-nova/", "amazon_nova/"),
    "fireworks_ai-embedding-models": ("fireworks_ai/",),
    "text-completion-codestral": ("codestral/", "text-completion-codestral/"),
    "codestral": ("codestral/",),
    "cohere_chat": ("cohere/",),
    "text-completion-openai": ("openai/",),
    "text-completion-inception": ("inception/",),
}

#: LiteLLM mode -> our mode; anything else (video_generation, search, ocr, ...) is skipped.
MODES = {
    "chat": "chat",
    "responses": "chat",
    "realtime": "chat",
    "completion": "completion",
    "embedding": "embedding",
    "image_generation": "image",
    "image_edit": "image",
    "audio_transcription": "audio",
    "audio_speech": "audio",
    "rerank": "rerank",
    "moderation": "moderation",
}

#: LiteLLM per-token field -> our component.
BASE_FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h",
    "output_cost_per_reasoning_token": "reasoning",
    "input_cost_per_audio_token": "input_audio",
    "output_cost_per_audio_token": "output_audio",
}
_PRICE_KEY = re.compile(
    r"^(?P<base>cache_creation_input_token_cost_above_1hr|cache_creation_input_token_cost"
    r"|cache_read_input_token_cost|input_cost_per_token|output_cost_per_token"
    r"|output_cost_per_reasoning_token|input_cost_per_audio_token|output_cost_per_audio_token)"
    r"(?:_above_(?P<above>\d+)k_tokens)?(?:_(?P<variant>batches|flex|priority))?$"
)
VARIANTS = {"batches": "batch", "flex": "flex", "priority": "priority"}

CAPABILITY_FLAGS = {
    "supports_function_calling": "tools",
    "supports_reasoning": "reasoning",
    "supports_vision": "vision",
    "supports_response_schema": "structured_output",
    "supports_prompt_caching": "prompt_caching",
    "supports_web_search": "web_search",
    "supports_audio_input": "audio",
    "supports_audio_output": "audio",
    "supports_computer_use": "computer_use",
}
MODALITIES = {"text", "image", "audio", "video", "pdf", "file"}


def provider_info(litellm_provider: str) -> ProviderInfo:
    if litellm_provider in PROVIDERS:
        return PROVIDERS[litellm_provider]
    if litellm_provider.startswith("vertex_ai"):
        return PROVIDERS["vertex_ai"]
    pid = re.sub(r"[^a-z0-9._-]+", "-", litellm_provider.casefold()).strip("-._") or "unknown"
    return ProviderInfo(pid, litellm_provider, "host")


def strip_prefix(key: str, litellm_provider: str) -> str:
    """The model name without LiteLLM's provider prefix (``gemini/gemini-2.5-pro`` -> ``gemini-2.5-pro``)."""
    prefixes = [f"{litellm_provider}/", *KEY_PREFIXES.get(litellm_provider, ())]
    if litellm_provider.startswith("vertex_ai"):
        prefixes.append("vertex_ai/")
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


#: Vendors that also resell other vendors' models: those get ``<provider>/`` ids, their own stay bare.
RESELLING_VENDORS = {"alibaba": ("qwen2", "qwen3.5")}


def model_id(key: str, litellm_provider: str) -> str:
    """Our id: the bare name for a vendor's own model, ``<provider>/<name>`` for hosts and resold models."""
    info = provider_info(litellm_provider)
    name = strip_prefix(key, litellm_provider)
    if info.kind == "vendor" and guess_family(name) in RESELLING_VENDORS.get(info.id, (guess_family(name),)):
        return name
    return f"{info.id}/{name}"


def _prices(entry: dict[str, Any]) -> dict[str, Any]:
    """Our price card (as a dict) from an entry's per-token fields; BadValue on an unusable number."""
    base: dict[str, Decimal] = {}
    tiers: dict[int, dict[str, Decimal]] = {}
    variants: dict[str, dict[str, Decimal]] = {}
    variant_tiers: dict[str, dict[int, dict[str, Decimal]]] = {}
    for field_name, raw in entry.items():
        match = _PRICE_KEY.match(field_name)
        if not match:
            continue
        value = to_decimal(raw, field_name)
        if value is None:
            continue
        if value < 0:
            raise BadValue(f"{field_name} is negative ({raw})")
        component = BASE_FIELDS[match["base"]]
        amount = per_million(value)
        above = int(match["above"]) * 1000 if match["above"] else None
        variant = VARIANTS.get(match["variant"] or "")
        if variant and above:
            variant_tiers.setdefault(variant, {}).setdefault(above, {})[component] = amount
        elif variant:
            variants.setdefault(variant, {})[component] = amount
        elif above:
            tiers.setdefault(above, {})[component] = amount
        else:
            base[component] = amount
    if "cache_read" not in base and entry.get("input_cost_per_token_cache_hit") is not None:
        value = to_decimal(entry["input_cost_per_token_cache_hit"], "input_cost_per_token_cache_hit")
        if value is not None and value >= 0:
            base["cache_read"] = per_million(value)
    if entry.get("input_cost_per_request") is not None:
        value = to_decimal(entry["input_cost_per_request"], "input_cost_per_request")
        if value is not None and value > 0:
            base["per_request"] = value.normalize()
    if "tiered_pricing" in entry and "input" not in base and "output" not in base:
        _tiered(entry["tiered_pricing"], base, tiers)
    if "reasoning" in base and base["reasoning"] == base.get("output"):
        del base["reasoning"]
    card: dict[str, Any] = dict(base)
    if tiers:
        card["tiers"] = [{"above": above, **tiers[above]} for above in sorted(tiers)]
    all_variants = {}
    for variant in ("batch", "flex", "priority"):
        override: dict[str, Any] = dict(variants.get(variant, {}))
        if variant in variant_tiers:
            vt = variant_tiers[variant]
            override["tiers"] = [{"above": above, **vt[above]} for above in sorted(vt)]
        if override:
            all_variants[variant] = override
    if all_variants:
        card["variants"] = all_variants
    return card


def _tiered(ranges: Any, base: dict[str, Decimal], tiers: dict[int, dict[str, Decimal]]) -> None:
    """LiteLLM's ``tiered_pricing`` list ([{range: [lo, hi], input_cost_per_token, ...}]) -> base + tiers."""
    if not isinstance(ranges, list) or not ranges:
        raise BadValue("tiered_pricing is not a list of ranges")
    rows = []
    for item in ranges:
        if not isinstance(item, dict) or not isinstance(item.get("range"), list) or not item["range"]:
            raise BadValue("tiered_pricing has an entry without a range")
        low = to_decimal(item["range"][0], "tiered_pricing range")
        rows.append((low, item))
    rows.sort(key=lambda r: r[0])
    for low, item in rows:
        components = {}
        for field_name, component in BASE_FIELDS.items():
            value = to_decimal(item.get(field_name), f"tiered_pricing {field_name}")
            if value is not None:
                if value < 0:
                    raise BadValue(f"tiered_pricing {field_name} is negative")
                components[component] = per_million(value)
        if low == 0:
            base.update(components)
        elif low is not None and low > 0 and low == low.to_integral_value():
            tiers.setdefault(int(low), {}).update(components)
        else:
            raise BadValue(f"tiered_pricing range starts at {low}")


def _has_other_costs(entry: dict[str, Any]) -> bool:
    """True when the entry bills something not per token (per image, second, character, query...)."""
    for field_name, value in entry.items():
        if "cost" not in field_name or "token" in field_name or field_name == "input_cost_per_request":
            continue
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value > 0:
            return True
    return False


def _capabilities(entry: dict[str, Any], card: dict[str, Any]) -> list[str]:
    caps: list[str] = []
    for flag, capability in CAPABILITY_FLAGS.items():
        if entry.get(flag) is True and capability not in caps:
            caps.append(capability)
    if entry.get("supports_response_schema") is True:
        caps.append("json_mode")
    if "prompt_caching" not in caps and "cache_read" in card:
        caps.append("prompt_caching")
    return caps


def _modalities(entry: dict[str, Any]) -> dict[str, list[str]] | None:
    inputs = [m for m in entry.get("supported_modalities") or [] if m in MODALITIES]
    outputs = [m for m in entry.get("supported_output_modalities") or [] if m in MODALITIES]
    if not isinstance(entry.get("supported_modalities"), list):
        inputs = ["text"]
        if entry.get("supports_vision") is True:
            inputs.append("image")
        if entry.get("supports_audio_input") is True:
            inputs.append("audio")
    if entry.get("supports_pdf_input") is True and "pdf" not in inputs:
        inputs.append("pdf")
    if not isinstance(entry.get("supported_output_modalities"), list):
        outputs = ["text"]
        if entry.get("supports_audio_output") is True:
            outputs.append("audio")
    if inputs == ["text"] and outputs == ["text"]:
        return None
    return {"input": inputs or ["text"], "output": outputs or ["text"]}


def skip_reason(key: str, entry: Any) -> str | None:
    """Why an entry is not imported, or None when it is a model priced per token."""
    if key == "sample_spec":
        return "documentation entries (sample_spec)"
    if not isinstance(entry, dict):
        return "entries that are not objects"
    provider = entry.get("litellm_provider")
    if not isinstance(provider, str) or not provider or " " in provider:
        return "entries without a litellm_provider"
    if "*" in key or "commitment/" in key:
        return "wildcard, router or commitment entries"
    mode = entry.get("mode", "chat")
    if mode not in MODES:
        return f"entries with mode {mode!r} (not priced per token)"
    return None


def convert_entry(key: str, entry: dict[str, Any], version: str | None) -> dict[str, Any] | str:
    """One LiteLLM entry -> a Model dict, or the reason it is skipped."""
    provider = entry["litellm_provider"]
    try:
        card = _prices(entry)
    except BadValue as exc:
        return f"entries with invalid prices ({exc})"
    token_components = {k: v for k, v in card.items() if k not in ("tiers", "variants")}
    if "input" not in token_components and "output" not in token_components:
        return "entries not priced per token (per image, second, character or query, or no price)"
    free = all(v == 0 for v in token_components.values()) and not card.get("tiers")
    notes = []
    if free and _has_other_costs(entry):
        return "entries not priced per token (per image, second, character or query, or no price)"
    if _has_other_costs(entry):
        notes.append("also billed per image, second or query in LiteLLM; only token prices are imported")
    if isinstance(entry.get("off_peak_pricing"), dict):
        notes.append("LiteLLM lists off-peak prices by weekday; not imported")
    released = None
    data: dict[str, Any] = {
        "id": model_id(key, provider),
        "aliases": [key] if model_id(key, provider) != key else [],
        "mode": MODES[entry.get("mode", "chat")],
        "tokenizer": guess_family(strip_prefix(key, provider)),
        "max_input_tokens": positive_int(entry.get("max_input_tokens")),
        "max_output_tokens": positive_int(entry.get("max_output_tokens")),
        "modalities": _modalities(entry),
        "capabilities": _capabilities(entry, card),
        "released": released,
        "deprecated": iso_date(entry.get("deprecation_date")),
        "free": free,
        "source": f"litellm {version + ' ' if version else ''}{REFERENCE_NAME} key {key}",
        "notes": "; ".join(notes) or None,
        "prices": card,
    }
    if not free:
        del data["free"]
    return data


#: The tokenizer families of a vendor's own models: those claim bare ids before models it resells.
VENDOR_FAMILIES = {
    "openai": {"o200k_base", "cl100k_base"},
    "anthropic": {"claude", "claude-4.7"},
    "google": {"gemini", "gemma3"},
    "mistral": {"mistral-tekken"},
    "deepseek": {"deepseek-v3"},
    "xai": {"grok"},
    "alibaba": {"qwen2", "qwen3.5"},
    "moonshot": {"kimi"},
    "zai": {"glm"},
    "minimax": {"minimax"},
    "meta": {"llama3"},
}


def _claim_rank(kind: str, provider_id: str, model: Any) -> tuple[int, int, str]:
    kind_rank = {"vendor": 0, "host": 1, "aggregator": 2}[kind]
    own = model.tokenizer in VENDOR_FAMILIES.get(provider_id, ()) or provider_id in model.id.casefold()
    return (kind_rank, 0 if own else 1, provider_id)


def import_litellm(
    data: Any,
    *,
    providers: tuple[str, ...] = (),
    checked: dt.date | None = None,
    version: str | None = None,
    reference: str = REFERENCE_NAME,
) -> ImportResult:
    """Convert parsed LiteLLM JSON (floats as Decimal) into one sheet per provider.

    ``providers`` filters by our provider id or LiteLLM's provider name (case-insensitive).
    Raises InputError when the document is not LiteLLM's shape at all."""
    if not isinstance(data, dict):
        raise InputError(
            f"{reference}: expected a JSON object of model name -> prices (LiteLLM's format), "
            f"got {type(data).__name__}"
        )
    if data and not any(isinstance(v, dict) and "litellm_provider" in v for v in data.values()):
        raise InputError(f"{reference}: no entry has a 'litellm_provider'; is this LiteLLM's price file?")
    wanted = {p.casefold() for p in providers}
    checked = checked or dt.date.today()
    result = ImportResult(reference=reference, version=version)
    builders: dict[str, SheetBuilder] = {}
    kinds: dict[str, str] = {}
    for key, entry in data.items():
        reason = skip_reason(key, entry)
        if reason:
            result.skipped.append(Skipped(key, reason))
            continue
        info = provider_info(entry["litellm_provider"])
        if wanted and info.id.casefold() not in wanted and entry["litellm_provider"].casefold() not in wanted:
            continue
        converted = convert_entry(key, entry, version)
        if isinstance(converted, str):
            result.skipped.append(Skipped(key, converted))
            continue
        builder = builders.get(info.id)
        if builder is None:
            builder = builders[info.id] = SheetBuilder(
                {
                    "id": info.id,
                    "name": info.name,
                    "kind": info.kind,
                    "currency": "USD",
                    "pricing_urls": [info.url] if info.url else [],
                    "checked": checked,
                    "notes": f"Imported from LiteLLM {version or ''} {REFERENCE_NAME} by "
                    "`tokencost pricing import litellm`; prices in USD per million tokens.".replace(
                        "  ", " "
                    ),
                }
            )
            kinds[info.id] = info.kind
        builder.add(converted, key, result)
    for provider_id, builder in builders.items():
        if builder.models:
            result.sheets[provider_id] = builder.build()
    make_unique(result, lambda pid, model: _claim_rank(kinds[pid], pid, model))
    if wanted and not result.sheets:
        raise InputError(
            f"{reference}: no priced model from provider(s) {', '.join(providers)}; "
            "use our provider id (e.g. bedrock, google) or LiteLLM's (e.g. bedrock_converse, gemini)"
        )
    return result
