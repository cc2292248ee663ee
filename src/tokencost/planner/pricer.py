"""A fast, exact re-statement of ``cost.price_usage`` for the planner's many (model x workload) pairs.

``price_usage`` builds a bill with line items for every call (about 20 us); planning 2,000 models x 50
workloads needs one price in a few microseconds. ``CardPricer`` resolves a card's rates once per
(variant, long-context tier) with the cost engine's own ``effective_rates`` and fallback rules, then
prices a usage with the same Decimal arithmetic in the same order, so the totals are identical to
``price_usage`` (tests/test_planner.py checks this with hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokencost.cost import MILLION, ZERO, Unpriceable, _rate_for, effective_rates
from tokencost.pricing.schema import PriceCard

_COMPONENTS = ("input", "cache_read", "output", "reasoning")


@dataclass(frozen=True)
class Rates:
    """Rates per million tokens of one (variant, tier), ``None`` where the card cannot price the component."""

    input: Decimal | None
    cache_read: Decimal | None
    output: Decimal | None
    reasoning: Decimal | None
    per_request: Decimal
    notes: tuple[str, ...]
    problems: dict[str, str]
    fallback_notes: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Priced:
    """The cost of ``requests`` requests of one usage on one variant, in the card's currency."""

    total: Decimal
    notes: tuple[str, ...]
    rates: Rates


class CardPricer:
    """Prices per-request token averages on one price card, caching resolved rates."""

    def __init__(self, card: PriceCard, free: bool = False) -> None:
        self.card = card
        self.free = free
        self._cache: dict[tuple[str | None, int | None], Rates] = {}

    def _tier(self, variant: str | None, prompt_tokens: Decimal) -> int | None:
        tiers = self.card.tiers
        if variant:
            override = self.card.variants.get(variant)  # type: ignore[call-overload]
            if override is not None and override.tiers is not None:
                tiers = override.tiers
        chosen = None
        for tier in tiers:
            if prompt_tokens > tier.above:
                chosen = tier.above
        return chosen

    def rates(self, variant: str | None, prompt_tokens: Decimal) -> Rates:
        tier = self._tier(variant, prompt_tokens)
        key = (variant, tier)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        probe = Decimal(tier + 1) if tier is not None else ZERO
        raw, notes, _, _, _ = effective_rates(self.card, probe, variant)
        resolved: dict[str, Decimal | None] = {}
        problems: dict[str, str] = {}
        fallback_notes: dict[str, tuple[str, ...]] = {}
        for component in _COMPONENTS:
            own: list[str] = []
            try:
                resolved[component] = _rate_for(component, raw, own)[0]
            except Unpriceable as exc:
                resolved[component] = None
                problems[component] = str(exc)
            fallback_notes[component] = tuple(own)
        rates = Rates(
            resolved["input"],
            resolved["cache_read"],
            resolved["output"],
            resolved["reasoning"],
            raw.get("per_request") or ZERO,
            tuple(notes),
            problems,
            fallback_notes,
        )
        self._cache[key] = rates
        return rates

    def price(
        self,
        input_tokens: Decimal,
        cached_tokens: Decimal,
        output_tokens: Decimal,
        reasoning_tokens: Decimal,
        requests: Decimal,
        variant: str | None = None,
    ) -> Priced:
        """Cost of ``requests`` requests, each with these average tokens; raises Unpriceable like price_usage."""
        rates = self.rates(variant, input_tokens)
        total = ZERO
        any_item = False
        notes = list(rates.notes)
        for component, tokens in (
            ("input", input_tokens - cached_tokens),
            ("cache_read", cached_tokens),
            ("output", output_tokens),
            ("reasoning", reasoning_tokens),
        ):
            if tokens == 0:
                continue
            rate = getattr(rates, component)
            if rate is None:
                raise Unpriceable(rates.problems[component])
            any_item = True
            total += tokens * requests * rate / MILLION
            for note in rates.fallback_notes[component]:
                if note not in notes:
                    notes.append(note)
        if not any_item and rates.input is None and not self.free:
            raise Unpriceable("no input price")
        total += rates.per_request * requests
        if self.free:
            notes.append("free model")
        return Priced(total, tuple(notes), rates)
