"""``price_volumes``: the one place that prices token volumes on a list of models.

``estimate`` (a prompt on many models), the planner (every candidate of every workload) and the usage
replay / calibration / distributed engines all call it, so a billing rule lives in one place. Each caller
turns its input into ``Volumes`` per tokenizer family (the tokens of an average request and the traffic
per price variant); this module picks each model's card, prices the volumes of the model's family on it
and returns one ``ModelCost`` per model, in the models' order, in each card's own currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from tokencost.costing.card_pricer import PARTS, CardPricer
from tokencost.costing.engine import Bill, Unpriceable, Usage, price_usage
from tokencost.costing.framing_keys import volumes_key

if TYPE_CHECKING:
    from tokencost.pricing.catalog import Entry

ZERO = Decimal(0)


class Volumes(NamedTuple):
    """Tokens of one tokenizer family: the average request's tokens and how many requests at each price
    variant (``None`` is standard, else ``"batch"``, ...). ``samples``: the input tokens of each sample
    request; when a long-context tier of a card lies below the largest, each sample is priced on an equal
    share of the traffic (a tier applies to whole requests), else the average request is priced."""

    input: Decimal | int
    cached: Decimal | int
    output: Decimal | int
    reasoning: Decimal | int
    traffic: tuple[tuple[str | None, Decimal | int], ...]
    samples: tuple[Decimal, ...] = ()
    largest: Decimal | int = 0
    cache_ratio: Decimal = ZERO  # share of a sample's input read from cache
    #: cache writes of the average request (5 min and 1 h), subsets of ``input`` like ``cached``
    cache_write: Decimal | int = 0
    cache_write_1h: Decimal | int = 0
    #: audio and image parts of the average request's input and visible output (subsets, like ``cached``),
    #: billed at the card's modality rates through the itemised path (the text rate where a card has none)
    input_audio: Decimal | int = 0
    input_image: Decimal | int = 0
    output_audio: Decimal | int = 0
    output_image: Decimal | int = 0
    #: shares of a sample's input written to the cache (5 min, 1 h), as ``cache_ratio`` is for reads
    write_ratio: Decimal = ZERO
    write_1h_ratio: Decimal = ZERO
    #: share of every traffic part's requests sent in a card's off-peak window (its first time window),
    #: billed at the window's rates; a card without a window bills them at its standard rates
    off_peak: Decimal = ZERO


class ModelCost(NamedTuple):
    """The cost of one model's volumes in its card's currency: ``total`` and its ``notes`` (fallbacks,
    tiers, variants used), or ``problem`` (why it cannot be priced) with ``total`` None. ``bills`` holds
    the itemised bill of each priced traffic part when asked for (``itemised=True``)."""

    entry: Entry
    total: Decimal | None
    notes: tuple[str, ...]
    problem: str | None = None
    bills: tuple[Bill, ...] = ()
    #: ``total`` split into ``card_pricer.PARTS`` (uncached input, cached input, cache writes, output,
    #: reasoning, request fees), each in the card's currency; empty when it cannot be priced
    parts: tuple[Decimal, ...] = ()


class CardPricers:
    """A cache of fast pricers, one per (model, price date): keep one across calls that price the same
    models many times (the planner prices every candidate once per workload)."""

    def __init__(self) -> None:
        self._by_date: dict[dt.date | None, dict[str, CardPricer | None]] = {}

    def on(self, at: dt.date | None) -> dict[str, CardPricer | None]:
        """The pricers of the cards in force on ``at``, by model id (filled by ``get``)."""
        return self._by_date.setdefault(at, {})

    def get(self, entry: Entry, at: dt.date | None = None) -> CardPricer | None:
        """The pricer of ``entry``'s card in force on ``at`` (None: current prices); None before any price."""
        pricers = self.on(at)
        if entry.id not in pricers:
            card = entry.model.card_at(at)
            pricers[entry.id] = None if card is None else CardPricer(card, entry.model.free)
        return pricers[entry.id]


def price_volumes(
    entries: Sequence[Entry],
    volumes: Mapping[str, Volumes],
    *,
    at: dt.date | None = None,
    at_time: dt.time | None = None,
    itemised: bool = False,
    pricers: CardPricers | None = None,
) -> list[ModelCost]:
    """Price each model's family volumes (``volumes[entry.model.tokenizer]``, or its chat framing's when
    counted apart: ``framing_keys.volumes_key``) on the card in force on ``at``.

    ``itemised`` (or a time of day, for off-peak windows) bills through the cost engine's ``price_usage``
    and keeps each ``Bill``; otherwise the fast ``CardPricer`` gives the same totals and notes (tested).
    A model without a price on ``at`` or lacking a needed price gets a ``problem``, never a cost of 0."""
    media = any(v.input_audio or v.input_image or v.output_audio or v.output_image for v in volumes.values())
    if itemised or at_time is not None or media:
        return [_itemised(entry, volumes[volumes_key(entry, volumes)], at, at_time) for entry in entries]
    return _fast(entries, volumes, pricers if pricers is not None else CardPricers(), at)


def _no_card(entry: Entry, at: dt.date | None) -> ModelCost:
    return ModelCost(entry, None, (), f"no known price on {at}")


def _itemised(entry: Entry, v: Volumes, at: dt.date | None, at_time: dt.time | None) -> ModelCost:
    """Bill each traffic part that has requests (else the first, on none) with ``price_usage``: the average
    request (samples are not split here)."""
    card = entry.model.card_at(at)
    if card is None:
        return _no_card(entry, at)
    bills = []
    parts = [part for part in v.traffic if part[1]] or list(v.traffic[:1])
    if v.off_peak and card.windows and at_time is None:
        start, share = card.windows[0].start, v.off_peak
        parts = [(var, n * (1 - share), None) for var, n in parts] + [
            (var, n * share, start) for var, n in parts
        ]
    else:
        parts = [(var, n, at_time) for var, n in parts]
    try:
        for variant, requests, when in parts:
            usage = Usage(
                input_tokens=v.input,
                output_tokens=v.output,
                cache_read_tokens=v.cached,
                cache_write_tokens=v.cache_write,
                cache_write_1h_tokens=v.cache_write_1h,
                reasoning_tokens=v.reasoning,
                requests=requests,
                input_audio_tokens=v.input_audio,
                input_image_tokens=v.input_image,
                output_audio_tokens=v.output_audio,
                output_image_tokens=v.output_image,
            )
            bills.append(
                price_usage(card, usage, entry.currency, variant=variant, at_time=when, free=entry.model.free)
            )
    except Unpriceable as exc:
        return ModelCost(entry, None, (), str(exc))
    total = bills[0].total
    notes = list(bills[0].notes)
    for bill in bills[1:]:
        total += bill.total
        notes.extend(n for n in bill.notes if n not in notes)
    return ModelCost(entry, total, tuple(notes), None, tuple(bills), bill_parts(bills))


#: the cost engine's components in each part of ``PARTS`` (audio and image input count as input)
_PART_COMPONENTS = (
    ("input", "input_audio", "input_image"),
    ("cache_read",),
    ("cache_write", "cache_write_1h"),
    ("output", "output_audio", "output_image"),
    ("reasoning",),
)


def bill_parts(bills: Sequence[Bill]) -> tuple[Decimal, ...]:
    """The bills' costs split into ``PARTS`` (the last part is the per-request fees)."""
    parts = [sum((b.cost_of(*names) for b in bills), ZERO) for names in _PART_COMPONENTS]
    return (*parts, sum((b.request_fee for b in bills), ZERO))


def add_parts(a: tuple[Decimal, ...], b: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """Two splits of ``PARTS`` added part by part (an empty split is zero)."""
    if not a:
        return b
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _fast(
    entries: Sequence[Entry], volumes: Mapping[str, Volumes], pricers: CardPricers, at: dt.date | None
) -> list[ModelCost]:
    """The fast path, a tight loop (the planner prices ~100,000 pairs): per family, the traffic parts with
    requests are found once; per model, one ``CardPricer.price`` call per part."""
    by_id = pricers.on(at)
    parts_of: dict[str, tuple[tuple[str | None, Decimal | int], ...]] = {}
    out = []
    for entry in entries:
        model = entry.model
        family = volumes_key(entry, volumes)
        v = volumes[family]
        parts = parts_of.get(family)
        if parts is None:
            parts = parts_of[family] = tuple(part for part in v.traffic if part[1])
        pricer = by_id.get(model.id) or pricers.get(entry, at)
        if pricer is None:
            out.append(_no_card(entry, at))
            continue
        try:
            if v.off_peak and pricer.card.windows:
                total, notes, split = _price_off_peak(pricer, v, parts)
            elif v.samples and pricer.lowest_tier is not None and v.largest > pricer.lowest_tier:
                total, notes, split = _price_samples(pricer, v)
            elif len(parts) == 1:  # the usual case, inline (``_price_parts`` without the call)
                priced = pricer.price(
                    v.input, v.cached, v.output, v.reasoning, parts[0][1], parts[0][0], v.cache_write,
                    v.cache_write_1h,
                )  # fmt: skip
                total, notes, split = priced.total, priced.notes, priced.parts
            else:
                total, notes, split = _price_average(pricer, v, parts)
        except Unpriceable as exc:
            out.append(ModelCost(entry, None, (), str(exc)))
            continue
        out.append(ModelCost(entry, total, notes, None, (), split))
    return out


def _price_parts(
    pricer: CardPricer, v: Volumes, parts: tuple[tuple[str | None, Decimal | int], ...]
) -> tuple[Decimal, tuple[str, ...], tuple[Decimal, ...]]:
    """``v`` on ``pricer``: sample by sample where a long-context tier may apply, else its average request
    on each traffic part (one ``price`` call for the usual single part)."""
    if v.samples and pricer.lowest_tier is not None and v.largest > pricer.lowest_tier:
        return _price_samples(pricer, v)
    if len(parts) == 1:
        priced = pricer.price(
            v.input,
            v.cached,
            v.output,
            v.reasoning,
            parts[0][1],
            parts[0][0],
            v.cache_write,
            v.cache_write_1h,
        )
        return priced.total, priced.notes, priced.parts
    return _price_average(pricer, v, parts)


def _price_off_peak(
    pricer: CardPricer, v: Volumes, parts: tuple[tuple[str | None, Decimal | int], ...]
) -> tuple[Decimal, tuple[str, ...], tuple[Decimal, ...]]:
    """``v`` with ``off_peak`` of every part's requests at the card's window rates, the rest at its own."""
    total, notes, split = ZERO, [], ()
    window = pricer.off_peak
    for one, share in ((pricer, 1 - v.off_peak), (window, v.off_peak)):
        if not share or one is None:
            continue
        scaled = tuple((variant, requests * share) for variant, requests in v.traffic)
        part_total, part_notes, part_split = _price_parts(
            one, v._replace(traffic=scaled), tuple(p for p in scaled if p[1])
        )
        total += part_total
        split = add_parts(split, part_split)
        notes.extend(n for n in part_notes if n not in notes)
    return total, tuple(notes), split


def _price_average(
    pricer: CardPricer, v: Volumes, parts: tuple[tuple[str | None, Decimal | int], ...]
) -> tuple[Decimal, tuple[str, ...], tuple[Decimal, ...]]:
    """The average request on each traffic part that has requests (with none at all, priced once on no
    requests: the card must still be able to price the request, and there is nothing to note)."""
    writes = (v.cache_write, v.cache_write_1h)
    if not parts:
        variant = v.traffic[0][0] if v.traffic else None
        priced = pricer.price(v.input, v.cached, v.output, v.reasoning, ZERO, variant, *writes)
        return priced.total, (), priced.parts
    priced = pricer.price(v.input, v.cached, v.output, v.reasoning, parts[0][1], parts[0][0], *writes)
    total, notes, split = priced.total, list(priced.notes), priced.parts
    for variant, requests in parts[1:]:
        priced = pricer.price(v.input, v.cached, v.output, v.reasoning, requests, variant, *writes)
        total += priced.total
        split = add_parts(split, priced.parts)
        notes.extend(n for n in priced.notes if n not in notes)
    return total, tuple(notes), split


def _price_samples(pricer: CardPricer, v: Volumes) -> tuple[Decimal, tuple[str, ...], tuple[Decimal, ...]]:
    """Each sample request on its own equal share of every traffic part (so tiers see real sizes)."""
    share = Decimal(len(v.samples))
    total = ZERO
    split: tuple[Decimal, ...] = ()
    notes: list[str] = []
    for size in v.samples:
        for variant, requests in v.traffic:
            if not requests:
                continue
            priced = pricer.price(
                size, size * v.cache_ratio, v.output, v.reasoning, requests / share, variant,
                size * v.write_ratio, size * v.write_1h_ratio,
            )  # fmt: skip
            total += priced.total
            split = add_parts(split, priced.parts)
            notes.extend(n for n in priced.notes if n not in notes)
    return total, tuple(notes), split or (ZERO,) * len(PARTS)
