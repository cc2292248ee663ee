"""tokencost: what LLM traffic will cost before you pay for it.

Library entry points (the CLI is a thin layer over these), imported lazily so that
``import tokencost`` stays cheap for the commands that need only part of the library:
- ``load_catalog()``: the price catalog (bundled sheets + overlays).
- ``estimate(text_or_messages, models=..., output_tokens=...)``: a prompt's cost on many models, ranked.
- ``replay(logs, models=...)``: real usage logs priced as logged and on other models (``tokencost.replay/1``).
- ``plan_file(path)``: a workload file's monthly spend on every candidate (``tokencost plan``).
- Errors: ``TokencostError`` (every one), ``InputError`` (bad input), ``UnknownModelError`` (with suggestions).
"""

from __future__ import annotations

import importlib
from typing import Any

from tokencost._version import __version__

_LAZY = {
    "load_catalog": "tokencost.pricing.catalog",
    "count_tokens": "tokencost.tokenizers",
    "estimate": "tokencost.costing.prompt_estimate",
    "replay": "tokencost.replay",
    "plan_file": "tokencost.planner",
    "TokencostError": "tokencost.errors",
    "InputError": "tokencost.errors",
    "UnknownModelError": "tokencost.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tokencost' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
