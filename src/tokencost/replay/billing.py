"""Per-request pricing of many records without one bill per record: records that share a model, a price
card, a variant, a long-context tier and a time window are summed into one bucket and priced once through
the shared costing step (``costing.price_volumes``) as ``requests`` requests of their mean usage.

That is exact: the engine is linear within one (card, variant, tier, window), and the mean of requests that
all fall in one tier band falls in that band too, so the tier the engine picks for the mean is the tier
every request had. Long-context tiers are therefore applied per request, never to a total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tokencost.costing.engine import Unpriceable
from tokencost.costing.volumes import Volumes, price_volumes
from tokencost.pricing.catalog import Entry
from tokencost.pricing.schema import PriceCard

ZERO = Decimal(0)
_VARIANTS = {"batch": "batch", "flex": "flex", "priority": "priority"}


@dataclass
class Volume:
    """Summed tokens of a bucket (cache parts are subsets of input, reasoning of output)."""

    requests: Decimal = ZERO
    input: Decimal = ZERO
    cache_read: Decimal = ZERO
    cache_write_5m: Decimal = ZERO
    cache_write_1h: Decimal = ZERO
    output: Decimal = ZERO
    reasoning: Decimal = ZERO
    #: (input audio, input image, output audio, output image): subsets of input and visible output
    media: tuple[Decimal, Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO, ZERO)

    def add(
        self, requests, input, cache_read, cache_write_5m, cache_write_1h, output, reasoning, *media
    ) -> None:
        self.requests += requests
        self.input += input
        self.cache_read += cache_read
        self.cache_write_5m += cache_write_5m
        self.cache_write_1h += cache_write_1h
        self.output += output
        self.reasoning += reasoning
        if media:  # only records that carry audio/image details have them
            self.media = tuple(a + b for a, b in zip(self.media, media, strict=True))  # type: ignore[assignment]


def card_for(entry: Entry, day: dt.date | None) -> tuple[PriceCard, dt.date | None, str | None]:
    """The card in force on ``day`` and the date that selects it; before the first known price, the
    earliest card (selected by its own start date) and a note saying so."""
    card = entry.model.card_at(day)
    if card is not None:
        return card, day, None
    first = entry.model.cards()[0]
    start = first.effective_from or entry.model.released
    return first, start, "records dated before its first published price are priced at that first price"


def variant_for(batch: bool, service_tier: str | None) -> str | None:
    if batch:
        return "batch"
    return _VARIANTS.get((service_tier or "").lower())


def tier_for(card: PriceCard, variant: str | None, prompt_tokens: Decimal) -> int | None:
    """The long-context threshold one request of ``prompt_tokens`` falls above (the engine's rule)."""
    tiers = card.tiers
    if variant:
        override = card.variants.get(variant)  # type: ignore[call-overload]
        if override is not None and override.tiers is not None:
            tiers = override.tiers
    chosen = None
    for tier in tiers:
        if prompt_tokens > tier.above:
            chosen = tier.above
    return chosen


#: the window key of a usage-report bucket that spans an edge of a card's time windows: standard rates
SPANS_WINDOWS = "(spans windows)"
#: the note on a model whose buckets span a window's edge (the cost engine's "no time of day" rule)
SPANS_NOTE = (
    "usage-report buckets spanning a price window's edge (a day's bucket always does) have no one time of "
    "day: priced at standard rates, as plan and estimate price a request without a time"
)


def window_for(card: PriceCard, moment: dt.datetime | None, until: dt.datetime | None = None) -> str | None:
    """The window a request at ``moment`` falls in (None: standard rates). A bucket ``[moment, until)`` of a
    usage report is in a window only if all of it is (else ``SPANS_WINDOWS``: one time cannot price it)."""
    if moment is None or not card.windows:
        return None
    at = moment.astimezone(dt.timezone.utc).time()
    name = next((window.name for window in card.windows if window.contains(at)), None)
    if until is not None and until > moment and _crosses_edge(card.windows, moment, until):
        return SPANS_WINDOWS
    return name


def _crosses_edge(windows: Sequence[Any], start: dt.datetime, end: dt.datetime) -> bool:
    """True when a window starts or ends strictly inside ``(start, end)`` (a day or more always does)."""
    if end - start >= dt.timedelta(days=1):
        return True
    start = start.astimezone(dt.timezone.utc)
    for window in windows:
        for edge in (window.start, window.end):
            moment = dt.datetime.combine(start.date(), edge, tzinfo=dt.timezone.utc)
            if moment <= start:
                moment += dt.timedelta(days=1)
            if moment < end:
                return True
    return False


@dataclass
class Buckets:
    """Volumes keyed by (group, entry id, card, variant, tier, window), priced at the end."""

    volumes: dict[Hashable, Volume] = field(default_factory=dict)
    cards: dict[Hashable, tuple[Entry, dt.date | None, dt.time | None, TierRule]] = field(
        default_factory=dict
    )

    def add(
        self,
        group: str,
        entry: Entry,
        card: PriceCard,
        day: dt.date | None,
        variant: str | None,
        moment: dt.datetime | None,
        per_request_input: Decimal,
        tokens: tuple,
        no_tiers: TierRule = False,
        until: dt.datetime | None = None,
    ) -> None:
        """Add ``tokens`` (requests, input, cache_read, write_5m, write_1h, output incl. reasoning,
        reasoning) to the bucket of one record (``until``: the end of a usage-report bucket)."""
        tier = None if no_tiers else tier_for(card, variant, per_request_input)
        window = window_for(card, moment, until)
        key = (group, entry.id, id(card), variant, tier, window, no_tiers)
        volume = self.volumes.get(key)
        if volume is None:
            volume = self.volumes[key] = Volume()
            at = moment.astimezone(dt.timezone.utc).time() if window and window != SPANS_WINDOWS else None
            self.cards[key] = (entry, day, at, no_tiers)
        volume.add(*tokens)


#: how a bucket's requests are found for its long-context tier: ``False`` its own request count (tiers judged
#: on its mean request), ``True`` none known (spread so no tier applies), or ``(above, up_to)``: the
#: per-request input range its rows state (Anthropic's ``context_window``), whatever their mean
TierRule = bool | tuple[Decimal, Decimal]


def tier_rule(record: Any) -> TierRule:
    """A record's ``TierRule``: the range it states, else whether it is a report row without requests."""
    if record.context_window is not None:
        return (Decimal(record.context_window[0]), Decimal(record.context_window[1]))
    return bool(record.aggregated and record.requests == 0)


def scaled_rule(rule: TierRule, tokens: Decimal, logged: int) -> TierRule:
    """``rule`` for the same requests counted on another tokenizer (``tokens`` for the ``logged`` input)."""
    if not isinstance(rule, tuple) or not logged:
        return rule
    factor = Decimal(tokens) / logged
    return (rule[0] * factor, rule[1] * factor)


def _stated_requests(
    entry: Entry, day: dt.date | None, volume: Volume, above: Decimal, up_to: Decimal
) -> Decimal:
    """Requests to spread a bucket over so its mean request lies in its stated range ``(above, up_to]``: its
    own count when its mean does; for ``0-200k``, as a report without counts (no tier); else the most
    requests whose mean is still above ``above`` (each request at the range's low end), else the fewest."""
    known, tokens = volume.requests, volume.input
    if known > 0 and above < tokens / known <= up_to:
        return known
    if above <= 0 or tokens <= above:  # the range's low end is no tier (or the row cannot be placed in it)
        return _unknown_requests(entry, day, tokens)
    most = max(Decimal(1), (tokens / above).to_integral_value(rounding="ROUND_CEILING") - 1)
    if above < tokens / most <= up_to:
        return most
    return max(Decimal(1), (tokens / up_to).to_integral_value(rounding="ROUND_CEILING"))


def _unknown_requests(entry: Entry, day: dt.date | None, input_tokens: Decimal) -> Decimal:
    """Requests to spread a bucket of unknown request count over (a usage report without counts): enough
    that the mean stays at or under the card's lowest long-context threshold, so no tier is applied."""
    card = entry.model.card_at(day) or entry.model.prices
    thresholds = [t.above for t in card.tiers] + [
        t.above for v in card.variants.values() for t in v.tiers or []
    ]
    if not thresholds or input_tokens <= 0:
        return Decimal(1)
    return max(Decimal(1), (input_tokens / min(thresholds)).to_integral_value(rounding="ROUND_CEILING"))


def price_volume(
    entry: Entry,
    day: dt.date | None,
    variant: str | None,
    at: dt.time | None,
    volume: Volume,
    no_tiers: TierRule,
) -> tuple[Decimal, tuple[str, ...]]:
    """Price one bucket through the shared costing step (its mean request x its requests, on the card in
    force on ``day``; ``no_tiers``: a ``TierRule``); raises Unpriceable when the card lacks a needed price."""
    requests = volume.requests if volume.requests > 0 else ZERO
    if isinstance(no_tiers, tuple):
        requests = _stated_requests(entry, day, volume, *no_tiers)
    elif no_tiers or requests == 0:
        requests = _unknown_requests(entry, day, volume.input)
    read, w5, w1 = (
        volume.cache_read / requests,
        volume.cache_write_5m / requests,
        volume.cache_write_1h / requests,
    )
    prompt = max(volume.input / requests, read + w5 + w1)
    visible = (volume.output - volume.reasoning) / requests
    audio_in, image_in, audio_out, image_out = _media(
        volume.media, requests, prompt - read - w5 - w1, visible
    )
    volumes = Volumes(
        input=prompt,
        cached=read,
        output=visible,
        reasoning=volume.reasoning / requests,
        traffic=((variant, requests),),
        cache_write=w5,
        cache_write_1h=w1,
        input_audio=audio_in,
        input_image=image_in,
        output_audio=audio_out,
        output_image=image_out,
    )
    [cost] = price_volumes([entry], {entry.model.tokenizer: volumes}, at=day, at_time=at)
    if cost.total is None:
        raise Unpriceable(cost.problem or "cannot be priced")
    return cost.total, cost.notes


def _media(media: tuple, requests: Decimal, room_in: Decimal, room_out: Decimal) -> tuple[Decimal, ...]:
    """A bucket's audio/image tokens per request, each part at most what its side leaves (a log whose
    details exceed its totals never bills more tokens than it counted)."""
    if not any(media):
        return (ZERO, ZERO, ZERO, ZERO)
    out = []
    for index, value in enumerate(media):
        room = room_in if index < 2 else room_out
        part = min(value / requests, max(room, ZERO))
        out.append(part)
        if index < 2:
            room_in -= part
        else:
            room_out -= part
    return tuple(out)


__all__ = [
    "SPANS_NOTE",
    "SPANS_WINDOWS",
    "Buckets",
    "TierRule",
    "Unpriceable",
    "Volume",
    "card_for",
    "price_volume",
    "scaled_rule",
    "tier_rule",
    "variant_for",
]
