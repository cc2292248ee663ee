"""Plain-dict views of catalog entries for the renderers (no formatting decisions beyond units)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tokencost.errors import InputError
from tokencost.pricing.catalog import Entry
from tokencost.pricing.lifecycle import retired_note
from tokencost.pricing.schema import PRICE_FIELDS, PriceCard, PriceComponents


def model_summary(entry: Entry, today: dt.date | None = None) -> dict[str, Any]:
    """One row per model for ``tokencost models``: the card in force ``today`` (default: the date), never a
    card not yet in force; a model with none in force has no prices and says when its first card starts."""
    model = entry.model
    today = today or dt.date.today()
    card = model.card_at(today)
    flags = []
    if model.free:
        flags.append("free")
    if card is None:
        flags.append(f"no price before {_first_price_day(entry)}")
    elif card.tiers:
        flags.append(f"tiers>{card.tiers[0].above // 1000}k")
    if card is not None and card.variants:
        flags.append("+".join(sorted(card.variants)))
    if card is not None and card.windows:
        flags.append("windows")
    if model.deprecated:  # the catalog's retirement date, worded as every other output words it (lifecycle)
        flags.append(f"{'retired' if model.deprecated <= today else 'retires'} {model.deprecated}")
    return {
        "id": model.id,
        "name": model.display_name,
        "provider": entry.provider.id,
        "provider_kind": entry.provider.kind.value,
        "creator": entry.creator,
        "serves": model.serves,
        "mode": model.mode,
        "currency": entry.currency,
        "input": None if card is None else card.input,
        "output": None if card is None else card.output,
        "cache_read": None if card is None else card.cache_read,
        "context_window": model.context_window,
        "max_input_tokens": model.max_input_tokens,
        "max_output_tokens": model.max_output_tokens,
        "tokenizer": model.tokenizer,
        "capabilities": [c.value for c in model.capabilities],
        "aliases": model.aliases,
        "free": model.free,
        "deprecated": model.deprecated,
        "checked": entry.checked,
        "source": entry.source,
        "flags": flags,
    }


def _component_rows(card_name: str, components: PriceComponents) -> list[dict[str, Any]]:
    rows = []
    for name in PRICE_FIELDS:
        value = getattr(components, name)
        if value is not None:
            unit = "per request" if name == "per_request" else "per 1M tokens"
            rows.append({"card": card_name, "component": name, "price": value, "unit": unit})
    return rows


def card_rows(card: PriceCard, label: str) -> list[dict[str, Any]]:
    """Rows for one card: base, tiers, variants and windows."""
    rows = _component_rows(label, card)
    for tier in card.tiers:
        rows += _component_rows(f"{label} prompt>{tier.above:,}", tier)
    for variant, override in card.variants.items():
        rows += _component_rows(f"{label} {variant}", override)
        for tier in override.tiers or []:
            rows += _component_rows(f"{label} {variant} prompt>{tier.above:,}", tier)
    for window in card.windows:
        span = f"{window.start:%H:%M}-{window.end:%H:%M} UTC"
        rows += _component_rows(f"{label} {window.name} {span}", window)
    return rows


def _card_label(card: PriceCard, current: bool) -> str:
    start = f"from {card.effective_from}" if card.effective_from else ""
    return ("current " + start).strip() if current else (start or "earliest")


def price_rows(entry: Entry, at: dt.date | None = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every price row of a model, newest first; with ``at``, only the card in force that day. "current" is
    the card in force ``today`` (default: the date): one that starts later is "scheduled", wherever the sheet
    puts it (a ``prices`` card dated in the future too)."""
    cards = entry.model.cards()
    now = entry.model.card_at(today or dt.date.today())
    current = next((i for i, card in enumerate(cards) if card is now), -1)

    def label(card: PriceCard) -> str:
        index = next(i for i, c in enumerate(cards) if c is card)
        if index > current:
            return f"scheduled from {card.effective_from or entry.model.released}"
        return _card_label(card, index == current)

    if at is not None:
        card = _card_at_or_fail(entry, at)
        return card_rows(card, label(card) or "in force")
    rows = []
    for card in reversed(cards):
        rows += card_rows(card, label(card))
    return rows


def _in_force(model: Any, today: dt.date) -> dict[str, Any] | None:
    """Which card is in force ``today`` (``prices``, ``history`` or ``scheduled``) and since when; None before
    the first card (estimate without --at refuses the model, as ``--at today`` does)."""
    now = model.card_at(today)
    if now is None:
        return None
    kind = (
        "prices"
        if now is model.prices
        else "scheduled"
        if any(now is c for c in model.scheduled)
        else "history"
    )
    return {"on": today, "card": kind, "effective_from": now.effective_from}


def _first_price_day(entry: Entry) -> dt.date | None:
    return entry.model.cards()[0].effective_from or entry.model.released


def _card_at_or_fail(entry: Entry, at: dt.date) -> PriceCard:
    card = entry.model.card_at(at)
    if card is None:
        first = _first_price_day(entry)
        raise InputError(f"no known price for {entry.id} on {at}; its earliest recorded price starts {first}")
    return card


def prices_document(entry: Entry, at: dt.date | None = None) -> dict[str, Any]:
    """The JSON document of ``tokencost prices``."""
    model = entry.model
    document: dict[str, Any] = {
        "schema": "tokencost.prices/1",
        "id": model.id,
        "name": model.display_name,
        "aliases": model.aliases,
        "provider": {"id": entry.provider.id, "name": entry.provider.name, "kind": entry.provider.kind.value},
        "creator": entry.creator,
        "serves": model.serves,
        "currency": entry.currency,
        "unit": "per 1M tokens (per_request: per request)",
        "tokenizer": model.tokenizer,
        "context_window": model.context_window,
        "max_input_tokens": model.max_input_tokens,
        "max_output_tokens": model.max_output_tokens,
        "capabilities": [c.value for c in model.capabilities],
        "free": model.free,
        "released": model.released,
        "deprecated": model.deprecated,
        "lifecycle": retired_note(entry, at or dt.date.today()),
        "source": entry.source,
        "checked": entry.checked,
        "file": entry.file,
        "layer": entry.layer,
        "overrides": entry.overrides,
    }
    if at is not None:
        document["at"] = at
        document["prices"] = _card_at_or_fail(entry, at).model_dump(mode="python", exclude_none=True)
    else:
        # ``prices`` is the sheet's card (it may start after today); ``in_force`` says which card prices today
        document["in_force"] = _in_force(model, dt.date.today())
        document["prices"] = model.prices.model_dump(mode="python", exclude_none=True)
        document["history"] = [card.model_dump(mode="python", exclude_none=True) for card in model.history]
        document["scheduled"] = [
            card.model_dump(mode="python", exclude_none=True) for card in model.scheduled
        ]
    return document
