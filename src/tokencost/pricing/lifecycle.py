"""Model lifecycle: which models are current on a date, and the default comparison set derived from it.

The default set is not a fixed list: it is read from the catalog on the date being priced, by this rule.

* **Vendors**: MAJOR_VENDORS, their own models (not hosts' or aggregators' resales), chat mode.
* **Current on the date**: released on or before it (undated counts as released) and not retired on it
  (``deprecated`` is the retirement date; retired means ``deprecated <= date``). Free models, models their
  sheet's notes call legacy and speciality variants (SPECIALITY words in the id: previews, code models,
  "-latest" pointers, ...) are left out.
* **Size classes** by the standard input price in USD per million tokens (default exchange rates):
  flagship >= 2, mid 0.5 to 2, small < 0.5.
* **One model per vendor and class**: the newest. Newest by release date, an undated model counting as
  released on its sheet's ``checked`` date (the catalog dates the models it has had for a while; recent
  additions are undated, and were on sale when checked), so a dated release after that date replaces it; then
  the highest version (the first number in the id, not a size or a date: ``gpt-6.1`` > ``gpt-6`` >
  ``gpt-5.6``, ``qwen3.8-flash`` > ``qwen3-next-80b``), then the lower price, then the id.

A retired model is never in the default set; named by the user it is still priced, and ``retired_note`` says
"retired on DATE" so every output can show it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

#: Vendors whose current models make up the default comparison set.
MAJOR_VENDORS: tuple[str, ...] = (
    "openai",
    "anthropic",
    "google",
    "xai",
    "deepseek",
    "alibaba",
    "moonshot",
    "zhipu",
    "minimax",
    "mistral",
)

#: Words (dash-separated parts of an id) that mark a speciality variant rather than a general model.
SPECIALITY = frozenset(
    {
        "preview",
        "code",
        "codex",
        "coder",
        "codestral",
        "devstral",
        "latest",
        "highspeed",
        "vl",
        "audio",
        "realtime",
        "search",
        "thinking",
    }
)

#: Lower bounds of the size classes, input USD per million tokens.
CLASSES: tuple[tuple[str, Decimal], ...] = (
    ("flagship", Decimal(2)),
    ("mid", Decimal("0.5")),
    ("small", Decimal(0)),
)


def is_retired(entry: Any, on: dt.date) -> bool:
    """True when ``entry``'s retirement date is on or before ``on``."""
    retired = entry.model.deprecated
    return retired is not None and retired <= on


def retired_note(entry: Any, on: dt.date, horizon_end: dt.date | None = None) -> str | None:
    """``retired on DATE`` (or ``retires on DATE`` when it is still ahead of ``on``; with ``: cannot be bought
    from MONTH`` when that falls on or before ``horizon_end``), then ``; successor ID`` when the catalog names
    one; None without a date. Every output shows this one wording."""
    retired = entry.model.deprecated
    if retired is None:
        return None
    if retired <= on:
        text = f"retired on {retired}"
    elif horizon_end is not None and retired <= horizon_end:
        text = f"retires on {retired}: cannot be bought from {retired:%Y-%m}"
    else:
        text = f"retires on {retired}"
    successor = getattr(entry.model, "successor", None)
    return f"{text}; successor {successor}" if successor else text


def undated_card_note(entry: Any, on: dt.date) -> str | None:
    """The note for pricing ``entry`` on ``on`` (``--at``) on an undated card (no ``effective_from``, no release
    date) before its sheet was checked: the card is taken as in force then, but that is not known. None
    otherwise. plan, estimate and replay all say it with these words."""
    model = entry.model
    card, checked = model.card_at(on), entry.checked
    if card is None or card.effective_from is not None or model.released is not None:
        return None
    if checked is None or on >= checked:
        return None
    return f"price not known to hold on {on}: its card is undated (checked {checked}), taken as in force then"


def retires_within(entry: Any, first: dt.date, last: dt.date) -> dt.date | None:
    """The retirement date when it falls after ``first`` and on or before ``last`` (inside a horizon)."""
    retired = entry.model.deprecated
    return retired if retired is not None and first < retired <= last else None


def is_current(entry: Any, on: dt.date) -> bool:
    """Released on or before ``on`` (undated counts) and not retired on it."""
    released = entry.model.released
    return (released is None or released <= on) and not is_retired(entry, on)


def _speciality(model_id: str) -> bool:
    return bool(SPECIALITY.intersection(model_id.casefold().split("-")))


def _legacy(model: Any) -> bool:
    """A model its sheet's notes call legacy (kept for old traffic, not for new choices)."""
    return (model.notes or "").casefold().startswith("legacy")


def _usd_input(entry: Any, on: dt.date, per_usd: Mapping[str, Decimal] | None) -> Decimal | None:
    card = entry.model.card_at(on) if hasattr(entry.model, "card_at") else entry.model.prices
    if card is None or card.input is None:
        return None
    if entry.currency == "USD":
        return card.input
    rate = per_usd.get(entry.currency) if per_usd is not None else None
    return None if rate is None else card.input / rate


def size_class(usd_input: Decimal) -> str:
    """``flagship``, ``mid`` or ``small`` for an input price in USD per million tokens."""
    return next(name for name, floor in CLASSES if usd_input >= floor)


#: a dash-separated part of an id that carries a version: letters, the number, at most one letter (``k2.6``,
#: ``qwen3.8``, ``4o``, ``m3.1``); a trailing b, k or m marks a size or a context length (``80b``, ``128k``)
_VERSION_PART = re.compile(r"[a-z]*(\d+(?:\.\d+)*)([a-z]?)")


def _version(model_id: str) -> tuple[int, ...]:
    """The id's version, padded to compare: gpt-6.1 (6, 1, 0, 0) > gpt-6 (6, 0, 0, 0); the first versioned
    part only, so sizes and dates further on do not count (qwen3-next-80b is (3, 0, 0, 0))."""
    for part in model_id.casefold().split("-"):
        match = _VERSION_PART.fullmatch(part)
        if match and match.group(2) not in ("b", "k", "m"):
            numbers = tuple(int(n) for n in match.group(1).split("."))[:4]
            return numbers + (0,) * (4 - len(numbers))
    return (0, 0, 0, 0)


def _newest_key(entry: Any, usd_input: Decimal) -> tuple:
    """Sort key, newest first: release date (undated: its sheet's checked date, else the newest), version,
    lower price, id."""
    released = entry.model.released or getattr(entry, "checked", None) or dt.date.max
    return (-released.toordinal(), tuple(-n for n in _version(entry.id)), usd_input, entry.id)


def default_candidates(
    catalog: Iterable[Any],
    on: dt.date,
    per_usd: Mapping[str, Decimal] | None = None,
    vendors: Iterable[str] = MAJOR_VENDORS,
) -> list[Any]:
    """The default comparison set on ``on`` (see the module rule), in vendor then class order; ``per_usd``
    converts a card in another currency than USD for the size classes (without it such models are skipped:
    every major vendor's own sheet is in USD)."""
    wanted = list(vendors)
    best: dict[tuple[str, str], tuple[tuple, Any]] = {}
    for entry in catalog:
        model = entry.model
        vendor = entry.provider.id
        if vendor not in wanted or model.mode != "chat" or model.serves or "/" in entry.id or model.free:
            continue
        if _speciality(entry.id) or _legacy(model) or not is_current(entry, on):
            continue
        usd = _usd_input(entry, on, per_usd)
        if usd is None or usd <= 0:
            continue
        slot = (vendor, size_class(usd))
        key = _newest_key(entry, usd)
        if slot not in best or key < best[slot][0]:
            best[slot] = (key, entry)
    order = {name: i for i, (name, _) in enumerate(CLASSES)}
    slots = sorted(best, key=lambda s: (wanted.index(s[0]), order[s[1]]))
    return [best[s][1] for s in slots]


__all__ = [
    "CLASSES",
    "MAJOR_VENDORS",
    "SPECIALITY",
    "default_candidates",
    "is_current",
    "is_retired",
    "retired_note",
    "retires_within",
    "size_class",
]
