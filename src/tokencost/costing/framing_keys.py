"""Which count a model is priced on: its tokenizer family's, or, for chat requests, its framing's.

Models of one family frame a chat request alike unless their generation differs (GPT-5 renders tools
otherwise than GPT-4o; Claude 4.5 bills a longer tool prompt than Claude 3): such a model's chat count is
kept under ``framing_key`` (``o200k_base (openai:reasoning framing)``) beside its family's, and
``volumes_key`` finds the one a mapping holds (the family's when no chat was counted apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokencost.pricing.catalog import Entry


#: families whose models frame chat requests by generation
_FRAMED = frozenset({"o200k_base", "cl100k_base", "claude", "claude-4.7", "gemini"})


@cache
def framing_key(model_id: str, family: str) -> str:
    """``family``, or ``family (GENERATION framing[, tool prompt AUTO/ANY tokens])`` when ``model_id``
    frames chat requests otherwise than the family's default model."""
    from tokencost.tokenizers.chat import framing

    variant, default = framing.variant(family, model_id), framing.variant(family, None)
    if variant == default:
        return family
    label = f"{variant[0]} framing"
    if len(variant) > 1 and variant[1] != default[1]:
        prompt = dict(variant[1])
        label += f", tool prompt {prompt['auto']}/{prompt['any']} tokens"
    return f"{family} ({label})"


def volumes_key(entry: Entry, mapping: Mapping[str, Any]) -> str:
    """The key of ``entry``'s figures in ``mapping``: its framing's when counted apart, else its family's."""
    family = entry.model.tokenizer
    if family not in _FRAMED:
        return family
    key = framing_key(entry.id, family)
    return key if key in mapping else family
