"""Behaviour of price-sheet objects, kept free of pydantic so both kinds of object share one copy.

The pydantic models in ``schema.py`` inherit these mixins, and so do the light records the catalog
snapshot (``snapshot.py``) loads at run time: a method defined here works on either. A method added to a
schema model must live here (a test checks every public method of a schema model is on its record).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

#: The names of the per-million-token price components, in display order.
TOKEN_PRICE_FIELDS = (
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cache_write_1h",
    "reasoning",
    "input_audio",
    "output_audio",
    "output_image",
)
#: All price components a sheet can set (the token ones plus the flat per-request fee).
PRICE_FIELDS = (*TOKEN_PRICE_FIELDS, "per_request")


class PriceComponentsMethods:
    """Methods of every object that carries price components (cards, tiers, overrides, windows)."""

    __slots__ = ()

    def components(self) -> dict[str, Decimal]:
        """The components that are set, by name."""
        return {name: value for name in PRICE_FIELDS if (value := getattr(self, name)) is not None}


class TimeWindowMethods:
    """Methods of a daily UTC time window (``start``, ``end``)."""

    __slots__ = ()

    def contains(self, moment: dt.time) -> bool:
        """True when ``moment`` (UTC) falls in ``[start, end)``."""
        start, end = self.start, self.end  # type: ignore[attr-defined]
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end


class ModelMethods:
    """Methods of a model (``id``, ``name``, ``prices``, ``history``, ``scheduled``, ``released``)."""

    __slots__ = ()

    @property
    def display_name(self) -> str:
        return self.name or self.id  # type: ignore[attr-defined]

    @property
    def reasons(self) -> bool:
        """Whether the model produces reasoning tokens (its card lists the ``reasoning`` capability): plan and
        replay bill a workload's or a log's reasoning tokens on such a model only."""
        return "reasoning" in self.capabilities  # type: ignore[attr-defined]

    def cards(self) -> list[Any]:
        """All price cards, oldest first (history, the current prices, then scheduled changes)."""
        return [*self.history, self.prices, *self.scheduled]  # type: ignore[attr-defined]

    def card_in_force(self, day: dt.date) -> Any:
        """The card in force on ``day``, or the current card when ``day`` precedes all known prices."""
        return self.card_at(day) or self.prices  # type: ignore[attr-defined]

    def card_at(self, day: dt.date | None) -> Any:
        """The card in force on ``day`` (None = the current ``prices``), or None if ``day`` precedes all known
        prices. A card without ``effective_from`` applies from the model's release date when that is known;
        a scheduled card applies once its day comes."""
        if day is None:
            return self.prices  # type: ignore[attr-defined]
        chosen = None
        for card in self.cards():
            start = card.effective_from or self.released  # type: ignore[attr-defined]
            if start is None or start <= day:
                chosen = card
        return chosen
