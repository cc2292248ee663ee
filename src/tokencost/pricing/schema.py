"""Pydantic models of a price sheet: one YAML file per vendor or host, prices per million tokens as Decimal.

The shape learns from pydantic/genai-prices and LiteLLM's JSON: a provider header, then models, each with
its current prices, long-context tiers, variants (batch/flex/priority) as key-by-key overrides, time-of-day
windows and dated history. Every model is ``extra="forbid"`` so a typo in a sheet is an error, not a silent 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from tokencost.currency import is_currency
from tokencost.families import FAMILIES, is_known_family
from tokencost.pricing.methods import (  # behaviour shared with the snapshot's light records
    PRICE_FIELDS,  # noqa: F401  (re-exported: importers, views and tests read it from here)
    TOKEN_PRICE_FIELDS,  # noqa: F401
    ModelMethods,
    PriceComponentsMethods,
    TimeWindowMethods,
)

SCHEMA_VERSION = 1


def _no_float_artifacts(value: object) -> object:
    """Turn YAML floats into Decimal through their shortest repr, so 0.3 is 0.3 and not 0.299999...

    Booleans are rejected: YAML's ``yes``/``no`` must never become a price of 1 or 0.
    """
    if isinstance(value, bool):
        raise ValueError("a price must be a number, not true/false")
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _non_negative(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("a price must be a finite number")
    if value < 0:
        raise ValueError(f"a price cannot be negative (got {value})")
    return value


#: What the JSON Schema says of a price: as strict as the validator (a non-negative number, or a string
#: holding one), so an editor flags a negative price just as ``tokencost pricing validate`` does.
PRICE_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"},
    ]
}

#: A price per million tokens (or per request for ``per_request``) in the sheet's currency.
Price = Annotated[
    Decimal,
    BeforeValidator(_no_float_artifacts),
    AfterValidator(_non_negative),
    WithJsonSchema(PRICE_JSON_SCHEMA),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class ProviderKind(str, Enum):
    vendor = "vendor"  # trains and serves its own models
    host = "host"  # serves other people's (often open-weight) models: Together, Fireworks, Bedrock...
    aggregator = "aggregator"  # routes to other hosts under one bill: OpenRouter


class Capability(str, Enum):
    tools = "tools"
    reasoning = "reasoning"
    vision = "vision"
    json_mode = "json_mode"
    structured_output = "structured_output"
    open_weights = "open_weights"
    prompt_caching = "prompt_caching"
    web_search = "web_search"
    audio = "audio"
    computer_use = "computer_use"


Modality = Literal["text", "image", "audio", "video", "pdf", "file", "embedding"]
Mode = Literal["chat", "completion", "embedding", "image", "audio", "rerank", "moderation"]
Variant = Literal["batch", "flex", "priority"]


class PriceComponents(PriceComponentsMethods, _Strict):
    """Per-million-token prices. An absent component is absent (the cost engine says how it falls back),
    never zero; a free model sets its prices to 0 explicitly and ``free: true`` on the model."""

    input: Price | None = None
    output: Price | None = None
    cache_read: Price | None = Field(None, description="Cached input read (cache hit), per million tokens.")
    cache_write: Price | None = Field(
        None, description="Cache write with the default (5 minute) lifetime, per million tokens."
    )
    cache_write_1h: Price | None = Field(None, description="Cache write with a 1 hour lifetime.")
    reasoning: Price | None = Field(
        None, description="Reasoning/thinking tokens, only when billed differently from output."
    )
    input_audio: Price | None = None
    output_audio: Price | None = None
    output_image: Price | None = Field(
        None, description="Image output tokens (image-generating models); image input bills as input."
    )
    per_request: Price | None = Field(
        None, description="Flat fee per request, in currency units (not per million)."
    )


class Tier(PriceComponents):
    """A long-context tier: when a request's prompt exceeds ``above`` tokens, these rates apply to the
    whole request (as Google, Anthropic and Alibaba bill), not only to the tokens past the threshold."""

    above: int = Field(
        gt=0, description="Prompt tokens (input incl. cached) strictly above which this tier applies."
    )


def _check_tiers(tiers: list[Tier]) -> list[Tier]:
    thresholds = [tier.above for tier in tiers]
    if thresholds != sorted(set(thresholds)):
        raise ValueError(f"tiers must be in increasing order of 'above' with no repeats (got {thresholds})")
    return tiers


Tiers = Annotated[list[Tier], AfterValidator(_check_tiers)]


class PriceOverride(PriceComponents):
    """Key-by-key overrides of a price card (a variant or a time window); absent keys keep the base price."""

    tiers: Tiers | None = Field(None, description="Replaces the base tiers when set.")


class TimeWindow(TimeWindowMethods, PriceOverride):
    """A daily window (UTC) with its own prices, e.g. DeepSeek's off-peak discount. Wraps midnight when
    ``end`` is before ``start``."""

    name: str
    start: dt.time
    end: dt.time

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        # YAML reads an unquoted 16:30 as the integer 990 (sexagesimal); accept it as minutes.
        if isinstance(value, int) and not isinstance(value, bool):
            return dt.time(value // 60 % 24, value % 60)
        return value

    @model_validator(mode="after")
    def _distinct(self) -> TimeWindow:
        if self.start == self.end:
            raise ValueError("a time window needs different start and end times")
        return self


class PriceCard(PriceComponents):
    """A complete price card: base components, long-context tiers, variants and time windows."""

    tiers: Tiers = Field(default_factory=list)
    variants: dict[Variant, PriceOverride] = Field(default_factory=dict)
    windows: list[TimeWindow] = Field(default_factory=list)
    effective_from: dt.date | None = Field(None, description="First day these prices apply (UTC).")
    source: str | None = Field(
        None, description="Where these prices were read, when it differs from the model's."
    )
    checked: dt.date | None = None
    note: str | None = None


class HistoricalCard(PriceCard):
    """An earlier (or scheduled) price card; applies from ``effective_from`` until the next card starts.
    Only the oldest history card may omit its start (unknown: it applies from the model's release)."""


#: How a maintainer judged a reference's figure that differs from ours.
Verdict = Literal["stale", "theirs-wrong-unit", "different-offer", "adopted"]


class ReferenceCheck(_Strict):
    """A reference figure we checked and judged, so ``pricing diff`` can tell a known, argued disagreement
    from a new one. It stays known while the reference still says ``theirs`` for ``field``."""

    reference: str = Field(min_length=1, description="litellm, genai-prices or openrouter.")
    version: str | None = Field(None, description="The reference's version that was checked.")
    key: str | None = Field(None, description="The reference's own key or id for the model.")
    checked: dt.date
    field: str = Field(
        min_length=1,
        description="The compared price: input, output, cache_read, cache_write, cache_write_1h, or "
        "tier>N.COMPONENT for a long-context tier.",
    )
    theirs: Price | None = Field(None, description="The reference's figure, per million tokens.")
    verdict: Verdict = Field(
        description="stale (they lag a price change), theirs-wrong-unit, different-offer (they price another "
        "endpoint/tier), adopted (we took their figure)."
    )
    reason: str = Field(min_length=1, description="One line: why.")


def _check_family(value: str) -> str:
    if not is_known_family(value):
        known = ", ".join(sorted(FAMILIES))
        raise ValueError(
            f"unknown tokenizer family {value!r}; use one of: {known} (or huggingface:PATH / tiktoken:PATH)"
        )
    return value


class Modalities(_Strict):
    input: list[Modality] = Field(default_factory=lambda: ["text"])
    output: list[Modality] = Field(default_factory=lambda: ["text"])


class Model(ModelMethods, _Strict):
    """A model as one provider sells it."""

    id: str = Field(
        min_length=1,
        description="Unique across all sheets. Hosts prefix theirs: openrouter/deepseek/deepseek-v3.2.",
    )
    name: str | None = Field(None, description="Display name; defaults to the id.")
    aliases: list[str] = Field(
        default_factory=list, description="Other names it is known by (API ids, provider-prefixed forms)."
    )
    creator: str | None = Field(None, description="Who made the model; defaults to the provider.")
    serves: str | None = Field(
        None, description="The canonical model id this entry serves, to compare one model across hosts."
    )
    mode: Mode = "chat"
    tokenizer: Annotated[str, AfterValidator(_check_family)] | None = Field(
        None,
        description="Tokenizer family. Required, except in an overlay model that overrides a model of a "
        "lower layer (it then inherits the field).",
    )
    context_window: int | None = Field(None, gt=0, description="Input and output of one request together.")
    max_input_tokens: int | None = Field(
        None,
        gt=0,
        description="Most input one request may carry, when the vendor limits input below the context window "
        "(OpenAI GPT-5: 272,000 of a 400,000-token window).",
    )
    max_output_tokens: int | None = Field(None, gt=0)
    modalities: Modalities = Field(default_factory=Modalities)
    capabilities: list[Capability] = Field(default_factory=list)
    released: dt.date | None = None
    deprecated: dt.date | None = Field(None, description="Date the provider deprecated (or will retire) it.")
    successor: str | None = Field(
        None,
        description="The model the provider names as its replacement (a catalog id or alias), shown beside the "
        "retirement date.",
    )
    free: bool = False
    source: str | None = Field(
        None, description="Pricing page or reference dataset (with version); defaults to the provider's."
    )
    checked: dt.date | None = Field(
        None, description="Day the prices were last checked; defaults to the provider's."
    )
    notes: str | None = None
    prices: PriceCard | None = Field(
        None,
        description="The card in force now. Required, except in an overlay model that overrides a model of "
        "a lower layer: when given there it replaces the whole price block (prices, history, free, source, "
        "checked); when omitted the block is inherited.",
    )
    history: list[HistoricalCard] = Field(default_factory=list, description="Earlier prices, oldest first.")
    scheduled: list[HistoricalCard] = Field(
        default_factory=list,
        description="Announced price changes, oldest first, each starting after the current card; "
        "lookups by date choose one once it starts.",
    )
    reference_checks: list[ReferenceCheck] = Field(
        default_factory=list,
        description="Reference figures that differ from ours, each with a verdict and a one-line reason.",
    )

    @field_validator("aliases")
    @classmethod
    def _unique_aliases(cls, aliases: list[str]) -> list[str]:
        seen: set[str] = set()
        for alias in aliases:
            key = alias.casefold()
            if not alias.strip():
                raise ValueError("an alias cannot be empty")
            if key in seen:
                raise ValueError(f"alias {alias!r} is listed twice")
            seen.add(key)
        return aliases

    @model_validator(mode="after")
    def _consistent(self) -> Model:
        if self.deprecated and self.released and self.deprecated < self.released:
            raise ValueError("deprecated date is before the release date")
        most_in, window = self.max_input_tokens, self.context_window
        if most_in is not None and window is not None and most_in > window:
            raise ValueError(f"max_input_tokens {most_in:,} is larger than context_window {window:,}")
        if self.prices is None:
            # only an overlay override may omit prices (the catalog checks that); it inherits the block
            if self.history or self.scheduled:
                raise ValueError("history and scheduled need the current card: give prices too")
            return self
        if any(card.effective_from is None for card in self.history[1:]):
            raise ValueError("every history card but the oldest needs effective_from")
        dates = [card.effective_from for card in self.history if card.effective_from is not None]
        if dates != sorted(set(dates)):
            raise ValueError(
                f"history must be oldest first with distinct effective_from dates (got {[str(d) for d in dates]})"
            )
        if dates and self.prices.effective_from is not None and self.prices.effective_from <= dates[-1]:
            raise ValueError(
                f"prices.effective_from {self.prices.effective_from} must be after the last history entry {dates[-1]}"
            )
        if self.history and self.prices.effective_from is None:
            raise ValueError(
                "prices.effective_from is required when history is given (it ends the last history entry)"
            )
        self._check_scheduled()
        if self.free:
            for card in self.cards():
                paid = {k: v for k, v in card.components().items() if v != 0}
                if paid:
                    raise ValueError(f"a model marked free cannot have non-zero prices (got {sorted(paid)})")
        return self

    def _check_scheduled(self) -> None:
        if not self.scheduled:
            return
        start = self.prices.effective_from if self.prices else None
        dates = [card.effective_from for card in self.scheduled]
        if None in dates:
            raise ValueError("every scheduled card needs effective_from")
        if dates != sorted(set(dates)) or (start is not None and dates[0] <= start):
            raise ValueError(
                f"scheduled cards must start after prices.effective_from {start}, oldest first with distinct "
                f"dates (got {[str(d) for d in dates]})"
            )


class Provider(_Strict):
    """Who bills you: a vendor, a host or an aggregator, and the currency it bills in."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    kind: ProviderKind
    currency: str = Field(
        description="ISO 4217 code of every price in this sheet (USD, CNY, EUR...).",
        json_schema_extra={"pattern": "^[A-Z]{3}$"},
    )
    regions: list[str] = Field(
        default_factory=list, description="Where it serves from, e.g. global, us, eu, cn."
    )
    pricing_urls: list[str] = Field(default_factory=list)
    checked: dt.date = Field(description="Day this sheet's prices were last checked against the sources.")
    notes: str | None = None

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, code: str) -> str:
        if not is_currency(code):
            raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, CNY, EUR)")
        return code


class Sheet(_Strict):
    """One YAML price sheet."""

    schema_version: Literal[1] = SCHEMA_VERSION
    provider: Provider
    models: list[Model] = Field(default_factory=list)
    model_map: dict[str, str] = Field(
        default_factory=dict,
        description="Names logs or workloads use (Azure deployment names, in-house aliases) -> catalog model ids.",
    )

    @model_validator(mode="after")
    def _unique_within_sheet(self, info: ValidationInfo) -> Sheet:
        if info.context and info.context.get("names_checked"):
            return self  # the loader checked the raw data already, with line numbers
        seen: dict[str, str] = {}
        for model in self.models:
            for name in (model.id, *model.aliases):
                key = name.casefold()
                if key in seen and seen[key] != model.id:
                    raise ValueError(f"{name!r} names both {seen[key]!r} and {model.id!r}")
                if key in seen and name == model.id:
                    raise ValueError(f"model id {model.id!r} appears twice")
                seen[key] = model.id
        return self


def sheet_json_schema() -> dict:
    """The JSON Schema of a sheet, shipped as ``pricing/schema.json`` for editors."""
    schema = Sheet.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tokencost price sheet"
    return schema
