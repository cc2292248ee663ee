"""A fast, exact re-statement of ``costing.engine.price_usage`` for the planner's many (model x workload) pairs.

``price_usage`` builds a bill with line items for every call (about 20 us); planning 2,000 models x 50
workloads needs one price in a few microseconds. ``CardPricer`` resolves a card's rates once per
(variant, long-context tier) with the cost engine's own ``effective_rates`` and fallback rules, then
prices a usage with the same Decimal arithmetic in the same order, so the totals are identical to
``price_usage`` (tests/test_planner.py checks this with hypothesis).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from tokencost.costing.engine import MILLION, ZERO, Unpriceable, effective_rates, rate_for

if TYPE_CHECKING:  # a card is a pydantic model or a catalog snapshot record: only its fields are read
    from tokencost.pricing.schema import PriceCard

_COMPONENTS = ("input", "cache_read", "cache_write", "cache_write_1h", "output", "reasoning")


@dataclass(frozen=True)
class Rates:
    """Rates per million tokens of one (variant, tier), ``None`` where the card cannot price the component."""

    input: Decimal | None
    cache_read: Decimal | None
    output: Decimal | None
    reasoning: Decimal | None
    cache_write: Decimal | None
    cache_write_1h: Decimal | None
    per_request: Decimal
    notes: tuple[str, ...]
    problems: dict[str, str]
    fallback_notes: dict[str, tuple[str, ...]]
    any_fallback_note: bool = False
    notes_by_use: dict[tuple[bool, ...], tuple[str, ...]] = field(default_factory=dict)


#: The parts of a bill, in the cost engine's display order: uncached input, cached input (reads), cache
#: writes (5 min and 1 h), output, reasoning, per-request fees. Their sum, in this order, is the total.
PARTS = ("input", "cached_input", "cache_writes", "output", "reasoning", "request_fees")


class Priced(NamedTuple):
    """The cost of ``requests`` requests of one usage on one variant, in the card's currency (a named
    tuple: built once per priced pair, so it has to be cheap); ``parts`` is the total split as ``PARTS``."""

    total: Decimal
    notes: tuple[str, ...]
    rates: Rates
    parts: tuple[Decimal, ...] = ()


class CardPricer:
    """Prices per-request token averages on one price card, caching resolved rates."""

    def __init__(self, card: PriceCard, free: bool = False, at_time: dt.time | None = None) -> None:
        self.card = card
        self.free = free
        #: a time of day (UTC): the card's time window holding it applies (``off_peak``)
        self.at_time = at_time
        self._cache: dict[tuple[str | None, int | None], Rates] = {}
        self._thresholds: dict[str | None, tuple[Decimal, ...]] = {}
        thresholds = [t.above for t in card.tiers] + [
            t.above for v in card.variants.values() for t in (v.tiers or [])
        ]
        #: the smallest long-context threshold of the card or its variants; None without tiers
        self.lowest_tier: int | None = min(thresholds) if thresholds else None

    @functools.cached_property
    def per_request_fee(self) -> bool:
        """Whether the card charges a fee per request (standard or batch): its cost is then not proportional
        to its tokens."""
        return any(self.rates(variant, ZERO).per_request for variant in (None, "batch"))

    @functools.cached_property
    def off_peak(self) -> CardPricer | None:
        """The pricer of requests in the card's (first) time window, e.g. DeepSeek's off-peak hours; None when
        the card has no window."""
        windows = self.card.windows
        if not windows:
            return None
        return CardPricer(self.card, self.free, windows[0].start)

    def _tier(self, variant: str | None, prompt_tokens: Decimal) -> int | None:
        thresholds = self._thresholds.get(variant)
        if thresholds is None:
            tiers = self.card.tiers
            if variant:
                override = self.card.variants.get(variant)  # type: ignore[call-overload]
                if override is not None and override.tiers is not None:
                    tiers = override.tiers
            thresholds = self._thresholds[variant] = tuple(Decimal(tier.above) for tier in tiers)
        chosen = None
        for above in thresholds:
            if prompt_tokens > above:
                chosen = int(above)
        return chosen

    def rates(self, variant: str | None, prompt_tokens: Decimal) -> Rates:
        tier = self._tier(variant, prompt_tokens) if self._thresholds.get(variant, True) else None
        key = (variant, tier)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        probe = Decimal(tier + 1) if tier is not None else ZERO
        raw, notes, _, _, _ = effective_rates(self.card, probe, variant, self.at_time)
        resolved: dict[str, Decimal | None] = {}
        problems: dict[str, str] = {}
        fallback_notes: dict[str, tuple[str, ...]] = {}
        for component in _COMPONENTS:
            own: list[str] = []
            try:
                resolved[component] = rate_for(component, raw, own)[0]
            except Unpriceable as exc:
                resolved[component] = None
                problems[component] = str(exc)
            fallback_notes[component] = tuple(own)
        rates = Rates(
            resolved["input"],
            resolved["cache_read"],
            resolved["output"],
            resolved["reasoning"],
            resolved["cache_write"],
            resolved["cache_write_1h"],
            raw.get("per_request") or ZERO,
            tuple(notes),
            problems,
            fallback_notes,
            any(fallback_notes.values()),
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
        write_tokens: Decimal = ZERO,
        write_1h_tokens: Decimal = ZERO,
    ) -> Priced:
        """Cost of ``requests`` requests, each with these average tokens; raises Unpriceable like price_usage.

        ``cached_tokens`` (reads) and the cache writes (5 min, 1 h) are parts of ``input_tokens``. Same
        arithmetic, in the same order, as ``price_usage``: each component's tokens x requests x rate / 1e6,
        summed in display order, then the per-request fee."""
        if self._thresholds.get(variant) == ():
            rates = self._cache[(variant, None)]  # no long-context tiers: one set of rates
        else:
            rates = self.rates(variant, input_tokens)
        total = p_in = p_read = p_write = p_out = p_reason = ZERO
        uncached = input_tokens - cached_tokens
        if write_tokens or write_1h_tokens:
            uncached = uncached - write_tokens - write_1h_tokens
        if uncached:
            if rates.input is None:
                raise Unpriceable(rates.problems["input"])
            total += (p_in := uncached * requests * rates.input / MILLION)
        if cached_tokens:
            if rates.cache_read is None:
                raise Unpriceable(rates.problems["cache_read"])
            total += (p_read := cached_tokens * requests * rates.cache_read / MILLION)
        if write_tokens:
            if rates.cache_write is None:
                raise Unpriceable(rates.problems["cache_write"])
            total += (p_write := write_tokens * requests * rates.cache_write / MILLION)
        if write_1h_tokens:
            if rates.cache_write_1h is None:
                raise Unpriceable(rates.problems["cache_write_1h"])
            cost = write_1h_tokens * requests * rates.cache_write_1h / MILLION
            total += cost
            p_write += cost
        if output_tokens:
            if rates.output is None:
                raise Unpriceable(rates.problems["output"])
            total += (p_out := output_tokens * requests * rates.output / MILLION)
        if reasoning_tokens:
            if rates.reasoning is None:
                raise Unpriceable(rates.problems["reasoning"])
            total += (p_reason := reasoning_tokens * requests * rates.reasoning / MILLION)
        used_any = (
            uncached or cached_tokens or write_tokens or write_1h_tokens or output_tokens or reasoning_tokens
        )
        if not used_any and rates.input is None and not self.free:
            raise Unpriceable("no input price")
        fee = ZERO
        if rates.per_request:
            total += (fee := rates.per_request * requests)
        parts = (p_in, p_read, p_write, p_out, p_reason, fee)
        if not rates.any_fallback_note and not self.free:
            return Priced(total, rates.notes, rates, parts)
        mask = (
            bool(uncached),
            bool(cached_tokens),
            bool(write_tokens),
            bool(write_1h_tokens),
            bool(output_tokens),
            bool(reasoning_tokens),
        )
        notes = rates.notes_by_use.get(mask)
        if notes is None:
            merged = list(rates.notes)
            for component, used in zip(_COMPONENTS, mask, strict=True):
                for note in rates.fallback_notes[component] if used else ():
                    if note not in merged:
                        merged.append(note)
            if self.free:
                merged.append("free model")
            notes = rates.notes_by_use[mask] = tuple(merged)
        return Priced(total, notes, rates, parts)
