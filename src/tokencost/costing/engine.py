"""The cost engine: pure ``Decimal`` arithmetic from a usage and a price card to an itemised bill.

No I/O. Billing rules (each tested in tests/test_cost.py and documented in pricing/README.md):
- ``input_tokens`` is the whole prompt of one request; cache reads and cache writes are *part of* it and are
  billed at their own rates, the rest at the input rate.
- A long-context tier applies its rates to the **whole request** when the prompt exceeds the tier's
  threshold (how Google, Anthropic and Alibaba bill), not only to the tokens past it.
- A variant (batch/flex/priority) overrides the card key by key; its own tiers replace the base tiers.
- A time window (UTC) overrides the card key by key while the request time falls inside it.
- Reasoning tokens are billed at ``reasoning`` when the card has it, else at the output rate.
- A component the card lacks falls back the way vendors bill it (cache reads/writes at the input rate,
  1 h cache writes at the 5 min rate, audio at the text rate) and the breakdown says so in ``notes``.
- Audio and image tokens are *part of* ``input_tokens`` / ``output_tokens`` (as the APIs report them) and are
  billed at ``input_audio`` / ``output_audio`` / ``input_image`` / ``output_image`` where the card has them,
  else at the text rate of their side (said in ``notes``; image input is billed as input by every vendor).
- A card with no input price (or no output price while output is billed) cannot be priced: ``Unpriceable``.
- Free models cost exactly 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from tokencost.errors import TokencostError

if TYPE_CHECKING:  # cards are pydantic models or the snapshot's records: only their fields are read
    from tokencost.pricing.schema import PriceCard, PriceComponents, Tier

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)

#: Billed components in display order, with the token field of Usage that each one prices.
COMPONENTS = (
    ("input", "uncached_input_tokens"),
    ("cache_read", "cache_read_tokens"),
    ("cache_write", "cache_write_tokens"),
    ("cache_write_1h", "cache_write_1h_tokens"),
    ("input_audio", "input_audio_tokens"),
    ("input_image", "input_image_tokens"),
    ("output", "text_output_tokens"),
    ("output_audio", "output_audio_tokens"),
    ("output_image", "output_image_tokens"),
    ("reasoning", "reasoning_tokens"),
)
#: the modality parts of input and output, which the text rates do not bill twice
MODALITY_FIELDS = ("input_audio_tokens", "input_image_tokens", "output_audio_tokens", "output_image_tokens")


class Unpriceable(TokencostError):
    """The card lacks a price the usage needs (e.g. no input price): never silently 0."""


def _tokens(value: int | Decimal | str, name: str) -> Decimal:
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value}")
    return number


@dataclass(frozen=True)
class Usage:
    """Tokens of ONE request (averages are fine, hence Decimal) and how many such requests.

    ``input_tokens`` includes ``cache_read_tokens`` and the cache writes; ``output_tokens`` excludes
    ``reasoning_tokens`` (vendors report them separately and bill them as output unless priced apart).
    """

    input_tokens: Decimal | int = 0
    output_tokens: Decimal | int = 0
    cache_read_tokens: Decimal | int = 0
    cache_write_tokens: Decimal | int = 0
    cache_write_1h_tokens: Decimal | int = 0
    reasoning_tokens: Decimal | int = 0
    requests: Decimal | int = 1
    #: the audio and image parts of input_tokens and output_tokens (not added to them)
    input_audio_tokens: Decimal | int = 0
    input_image_tokens: Decimal | int = 0
    output_audio_tokens: Decimal | int = 0
    output_image_tokens: Decimal | int = 0

    def __post_init__(self) -> None:
        for name in (
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "reasoning_tokens",
            "requests",
            *MODALITY_FIELDS,
        ):
            object.__setattr__(self, name, _tokens(getattr(self, name), name))
        cached = self.cache_read_tokens + self.cache_write_tokens + self.cache_write_1h_tokens
        if cached > self.input_tokens:
            raise ValueError(
                f"cache reads and writes ({cached}) cannot exceed the prompt's input tokens ({self.input_tokens})"
            )
        media_in = self.input_audio_tokens + self.input_image_tokens
        if cached + media_in > self.input_tokens:
            raise ValueError(
                f"audio and image input ({media_in}) plus cached tokens ({cached}) cannot exceed the "
                f"prompt's input tokens ({self.input_tokens})"
            )
        if self.output_audio_tokens + self.output_image_tokens > self.output_tokens:
            raise ValueError(
                f"audio and image output ({self.output_audio_tokens + self.output_image_tokens}) cannot "
                f"exceed the output tokens ({self.output_tokens})"
            )

    @property
    def uncached_input_tokens(self) -> Decimal:
        """Text input billed at the input rate: the prompt less cache reads/writes and audio/image parts."""
        return (
            self.input_tokens
            - self.cache_read_tokens
            - self.cache_write_tokens
            - self.cache_write_1h_tokens
            - self.input_audio_tokens
            - self.input_image_tokens
        )

    @property
    def text_output_tokens(self) -> Decimal:
        """Output billed at the output rate: output less its audio and image parts."""
        return self.output_tokens - self.output_audio_tokens - self.output_image_tokens


@dataclass(frozen=True)
class LineItem:
    """One billed component: tokens of all requests, the rate per million applied, and the cost."""

    component: str
    tokens: Decimal
    rate: Decimal
    cost: Decimal
    billed_as: str  # the card key whose rate was used (differs from component on a fallback)


@dataclass(frozen=True)
class Bill:
    """An itemised cost in ``currency``: per component, per request and in total."""

    currency: str
    items: tuple[LineItem, ...]
    request_fee: Decimal
    total: Decimal
    requests: Decimal
    notes: tuple[str, ...] = ()
    tier_above: int | None = None
    variant: str | None = None
    window: str | None = None
    rates: dict[str, Decimal] = field(default_factory=dict)

    def cost_of(self, *components: str) -> Decimal:
        """Summed cost of the named components (e.g. ``"input", "cache_read"``)."""
        return sum((i.cost for i in self.items if i.component in components), ZERO)

    @property
    def input_cost(self) -> Decimal:
        return self.cost_of(
            "input", "cache_read", "cache_write", "cache_write_1h", "input_audio", "input_image"
        )

    @property
    def output_cost(self) -> Decimal:
        return self.cost_of("output", "reasoning", "output_audio", "output_image")

    @property
    def per_request(self) -> Decimal:
        return self.total / self.requests if self.requests else ZERO


def _overlay(rates: dict[str, Decimal | None], override: PriceComponents) -> None:
    for key, value in override.components().items():
        rates[key] = value


def effective_rates(
    card: PriceCard,
    prompt_tokens: Decimal | int,
    variant: str | None = None,
    at_time: dt.time | None = None,
) -> tuple[dict[str, Decimal | None], list[str], int | None, str | None, str | None]:
    """The rates that apply to one request: base card, then variant keys, then the long-context tier
    for ``prompt_tokens``, then a time window. Returns (rates, notes, tier threshold, variant, window)."""
    notes: list[str] = []
    rates: dict[str, Decimal | None] = dict(card.components())
    tiers: list[Tier] = list(card.tiers)
    used_variant = None
    if variant and variant != "standard":
        override = card.variants.get(variant)  # type: ignore[call-overload]
        if override is None:
            notes.append(f"no {variant} price published: standard rates used")
        else:
            _overlay(rates, override)
            used_variant = variant
            if override.tiers is not None:
                tiers = list(override.tiers)
            elif card.tiers:
                notes.append(f"{variant} has no long-context tiers of its own: base tiers apply above them")
    tier_above = None
    for tier in tiers:
        if Decimal(prompt_tokens) > tier.above:
            tier_above = tier.above
            chosen = tier
    if tier_above is not None:
        _overlay(rates, chosen)
        notes.append(f"prompt over {tier_above:,} tokens: long-context rates apply to the whole request")
    used_window = None
    if at_time is not None:
        for window in card.windows:
            if window.contains(at_time):
                _overlay(rates, window)
                used_window = window.name
                notes.append(f"{window.name} rates ({window.start:%H:%M}-{window.end:%H:%M} UTC)")
                break
    return rates, notes, tier_above, used_variant, used_window


_FALLBACKS = {
    "cache_read": ("input", "no cache-read price: cached tokens billed as input"),
    "cache_write": ("input", "no cache-write price: cache writes billed as input"),
    "cache_write_1h": ("cache_write", "no 1 h cache-write price: billed at the 5 min cache-write rate"),
    "reasoning": ("output", None),  # the usual case: reasoning is billed as output
    "input_audio": ("input", "no audio input price: audio input billed at the text input rate"),
    "output_audio": ("output", "no audio output price: audio output billed at the text output rate"),
    "input_image": ("input", None),  # vendors bill image input as input tokens
    "output_image": ("output", "no image output price: image output billed at the text output rate"),
}


def rate_for(component: str, rates: dict[str, Decimal | None], notes: list[str]) -> tuple[Decimal, str]:
    """The rate billed for ``component`` and the card key it came from, following the vendors' fallbacks
    (cache rates -> input, 1 h cache write -> 5 min write, reasoning -> output); appends one note on a
    fallback that changes the bill (a chain's last step: what was billed) and raises Unpriceable when nothing
    applies."""
    key, said = component, None
    while rates.get(key) is None:
        fallback = _FALLBACKS.get(key)
        if fallback is None:
            raise Unpriceable(f"no {key} price")
        key, note = fallback
        said = note or said  # one note, the last step's: what was billed (1 h writes -> input says so)
    if said and said not in notes:
        notes.append(said)
    return rates[key], key  # type: ignore[return-value]


def price_usage(
    card: PriceCard,
    usage: Usage,
    currency: str,
    *,
    variant: str | None = None,
    at_time: dt.time | None = None,
    free: bool = False,
) -> Bill:
    """Bill ``usage`` on ``card``; raises Unpriceable when a needed price is absent."""
    rates, notes, tier_above, used_variant, used_window = effective_rates(
        card, usage.input_tokens, variant, at_time
    )
    items = []
    for component, attribute in COMPONENTS:
        per_request_tokens: Decimal = getattr(usage, attribute)
        if per_request_tokens == 0:
            continue
        rate, billed_as = rate_for(component, rates, notes)
        tokens = per_request_tokens * usage.requests
        items.append(LineItem(component, tokens, rate, tokens * rate / MILLION, billed_as))
    if not items and rates.get("input") is None and not free:
        raise Unpriceable("no input price")
    fee_rate = rates.get("per_request") or ZERO
    request_fee = fee_rate * usage.requests
    total = sum((item.cost for item in items), ZERO) + request_fee
    if free:
        notes.append("free model")
    return Bill(
        currency=currency,
        items=tuple(items),
        request_fee=request_fee,
        total=total,
        requests=usage.requests,
        notes=tuple(notes),
        tier_above=tier_above,
        variant=used_variant,
        window=used_window,
        rates={k: v for k, v in rates.items() if v is not None},
    )
