"""Costing: what tokens cost. The Decimal engine (a usage on a price card, with tiers, cache, batch and
time windows), ``price_volumes`` (token volumes on many models: the one pricing step that ``estimate``, the
planner, usage replay and the engines share) and ``estimate`` (a prompt counted once per tokenizer family,
priced on many models, ranked).

Modules: ``engine`` (Usage -> Bill), ``card_pricer`` (the same arithmetic, fast, for many pairs),
``volumes`` (``price_volumes``), ``prompt_estimate`` (``estimate``, the prompt pipeline) with ``arguments``, ``models``,
``prompt_counts`` and ``result``. Names below are imported lazily, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Bill": "tokencost.costing.engine",
    "LineItem": "tokencost.costing.engine",
    "Unpriceable": "tokencost.costing.engine",
    "Usage": "tokencost.costing.engine",
    "price_usage": "tokencost.costing.engine",
    "CardPricer": "tokencost.costing.card_pricer",
    "CardPricers": "tokencost.costing.volumes",
    "ModelCost": "tokencost.costing.volumes",
    "Volumes": "tokencost.costing.volumes",
    "price_volumes": "tokencost.costing.volumes",
    "default_models": "tokencost.costing.models",
    "EstimateResult": "tokencost.costing.result",
    "EstimateRow": "tokencost.costing.result",
    "estimate": "tokencost.costing.prompt_estimate",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tokencost.costing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
