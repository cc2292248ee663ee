"""Exact counts from the vendors' own count endpoints, only when the user asks (``--online``).

Anthropic (``POST /v1/messages/count_tokens``), Google Gemini (``models/{model}:countTokens``) and Moonshot
(``/v1/tokenizers/estimate-token-count``) count a request with the model's real tokenizer, for free. This is
the only package that opens a socket; nothing imports it unless ``--online`` (or ``online=True``) is given.
Keys come from the vendors' usual environment variables and never appear in output, errors or the cache.
Answers are cached on disk by the sha256 of (vendor, model, request), so a CI rerun sends nothing.
"""

from __future__ import annotations

from tokencost.online.counter import OnlineCounter, online_counter
from tokencost.online.vendors import VENDORS, vendor_for_family

__all__ = ["VENDORS", "OnlineCounter", "online_counter", "vendor_for_family"]
