"""Token-count estimator (placeholder interface; the fitted estimator replaces this module).

Contract: ``estimate(text, family) -> int``, ``error_band(family) -> float`` (typical relative error),
``describe(family) -> str`` (method detail shown to users).
"""

from __future__ import annotations


def estimate(text: str, family: str) -> int:
    """Placeholder: characters / 4 for Latin-like text, one token per non-ASCII character."""
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return round(ascii_chars / 4 + (len(text) - ascii_chars))


def error_band(family: str) -> float:
    return 0.5


def describe(family: str) -> str:
    return "placeholder chars/4"
