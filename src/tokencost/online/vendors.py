"""The vendors with a count endpoint: where it is, which key it needs, and how a request and its answer look."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tokencost.errors import InputError


@dataclass(frozen=True)
class Vendor:
    name: str
    family: str
    key_vars: tuple[str, ...]
    base_vars: tuple[str, ...]
    default_base: str
    #: model sent when the user named a tokenizer family, not a model
    default_model: str
    path: Callable[[str], str]
    headers: Callable[[str], dict[str, str]]
    #: the request body of one user message holding ``text``
    text_request: Callable[[str, str], dict[str, Any]]
    #: the token count in a successful answer
    read_count: Callable[[dict[str, Any]], int]

    def api_key(self) -> str:
        for var in self.key_vars:
            value = os.environ.get(var, "").strip()
            if value:
                return value
        names = " or ".join(self.key_vars)
        raise InputError(f"--online counts {self.family} with {self.name}'s count endpoint: set {names}")

    def base_url(self) -> str:
        for var in self.base_vars:
            value = os.environ.get(var, "").strip()
            if value:
                if not value.lower().startswith(("http://", "https://")):
                    raise InputError(f"{var}={value!r} is not an http:// or https:// URL")
                return value.rstrip("/")
        return self.default_base


def _anthropic_text(model: str, text: str) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}]}


def _gemini_text(model: str, text: str) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


def _moonshot_text(model: str, text: str) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}]}


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"the count endpoint answered without a token count ({where} is {value!r})")
    return value


_ANTHROPIC = Vendor(
    name="Anthropic",
    family="claude",
    key_vars=("ANTHROPIC_API_KEY",),
    base_vars=("ANTHROPIC_BASE_URL",),
    default_base="https://api.anthropic.com",
    default_model="claude-sonnet-4-5",
    path=lambda model: "/v1/messages/count_tokens",
    headers=lambda key: {"x-api-key": key, "anthropic-version": "2023-06-01"},
    text_request=_anthropic_text,
    read_count=lambda body: _int(body.get("input_tokens"), "input_tokens"),
)

VENDORS: dict[str, Vendor] = {
    "anthropic": _ANTHROPIC,
    # Claude Opus 4.7 and later count with another tokenizer (family claude-4.7): the same endpoint, asked for
    # one of those models
    "anthropic-4.7": replace(_ANTHROPIC, family="claude-4.7", default_model="claude-opus-4-7"),
    "gemini": Vendor(
        name="Google Gemini",
        family="gemini",
        key_vars=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        base_vars=("GOOGLE_GEMINI_BASE_URL", "GEMINI_BASE_URL"),
        default_base="https://generativelanguage.googleapis.com",
        default_model="gemini-2.5-flash",
        path=lambda model: f"/v1beta/models/{model}:countTokens",
        headers=lambda key: {"x-goog-api-key": key},
        text_request=_gemini_text,
        read_count=lambda body: _int(body.get("totalTokens"), "totalTokens"),
    ),
    "moonshot": Vendor(
        name="Moonshot",
        family="kimi",
        key_vars=("MOONSHOT_API_KEY",),
        base_vars=("MOONSHOT_BASE_URL",),
        default_base="https://api.moonshot.ai",
        default_model="kimi-k2.5",
        path=lambda model: "/v1/tokenizers/estimate-token-count",
        headers=lambda key: {"Authorization": f"Bearer {key}"},
        text_request=_moonshot_text,
        read_count=lambda body: _int((body.get("data") or {}).get("total_tokens"), "data.total_tokens"),
    ),
}


def vendor_for_family(family: str) -> Vendor | None:
    """The vendor whose count endpoint counts ``family`` exactly, or None."""
    return next((v for v in VENDORS.values() if v.family == family), None)


def api_model_id(vendor: Vendor, catalog_id: str, aliases: list[str]) -> str:
    """The id the vendor's API takes for a catalog model: Anthropic's API spells versions with dashes
    (``claude-opus-4-6``) where the catalog uses dots; other vendors' catalog ids are their API ids."""
    if vendor.family not in ("claude", "claude-4.7") or "." not in catalog_id:
        return catalog_id.rsplit("/", 1)[-1]
    dashed = [a for a in aliases if "/" not in a and "." not in a and a.startswith("claude-")]
    undated = [a for a in dashed if not a[-8:].isdigit()]
    return (undated or dashed or [catalog_id.replace(".", "-")])[0]
