"""The spellings of one logged model id to look up, in order: host prefixes, Gemini ``models/``, Vertex
``publishers/.../models/`` and ``@version``, Fireworks ``accounts/.../models/``, the HF router's ``:provider``,
Bedrock ARNs, region prefixes, ``vendor.model`` and ``-v1:0``, OpenRouter variants, date suffixes, ``-latest``.
Pure text rules (no catalog), so each has its own invariants (tests/test_resolve.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokencost.pricing import hosts as H


@dataclass(frozen=True)
class Form:
    """One spelling of the logged id to look up, with the normalisation steps that produced it."""

    text: str
    steps: tuple[str, ...] = ()


# -- normalised forms ----------------------------------------------------------------------------------------
def _strip_host_prefix(text: str) -> tuple[str, str | None, bool] | None:
    """``together_ai/x`` -> (x, together, False); ``ollama/x`` -> (x, None, True); None when no prefix."""
    if "/" not in text:
        return None
    prefix, rest = text.split("/", 1)
    key = prefix.casefold()
    if key in H.SELF_HOSTED_PREFIXES:
        return rest, None, True
    if key in H.HOST_PREFIXES and rest:
        return rest, H.HOST_PREFIXES[key], False
    return None


_ARN = re.compile(r"^arn:aws[\w-]*:bedrock:[^:]*:[^:]*:(?:inference-profile|foundation-model|[\w-]+)/(.+)$")
_VERTEX_PATH = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?publishers/[^/]+/models/(.+)$")
_FIREWORKS_PATH = re.compile(r"^accounts/[^/]+/models/(.+)$")


def normal_forms(logged_id: str) -> tuple[list[Form], str | None, bool]:
    """Every spelling to try, in order (the id as written first), the host its shape implies, and whether
    its shape says self-hosted (``ollama/...``)."""
    forms, implied, _, self_hosted = split_forms(logged_id)
    return forms, implied, self_hosted


def split_forms(logged_id: str) -> tuple[list[Form], str | None, str | None, bool]:
    """``normal_forms`` plus the host a prefix names outright (``openrouter/...``), kept apart from the
    host only implied by the id's shape (Bedrock's ``vendor.model``, Gemini's ``models/``)."""
    text = logged_id.strip()
    forms = [Form(text)]
    implied: str | None = None
    prefixed: str | None = None
    self_hosted = False
    steps: tuple[str, ...] = ()

    def add(new: str, step: str) -> None:
        nonlocal text, steps
        if new and new != text:
            text, steps = new, (*steps, step)
            forms.append(Form(text, steps))

    stripped = _strip_host_prefix(text)
    if stripped is not None:
        rest, prefixed, self_hosted = stripped
        add(rest, "host-prefix")
    for pattern, host, step in (
        (_ARN, "bedrock", "bedrock-arn"),
        (_VERTEX_PATH, "vertex", "vertex-path"),
        (_FIREWORKS_PATH, "fireworks", "fireworks-path"),
    ):
        match = pattern.match(text)
        if match:
            implied = implied or host
            add(match.group(1), step)
    if text.casefold().startswith("models/"):
        implied = implied or "google"
        add(text[len("models/") :], "gemini-path")
    if "@" in text and H.VERTEX_VERSION.search(text):
        implied = implied or "vertex"
        add(H.VERTEX_VERSION.sub("", text), "vertex-version")
    if ":" in text:
        base, tag = text.rsplit(":", 1)
        if H.host_key(tag) in H.HOST_NAMES and tag.casefold() not in H.OPENROUTER_VARIANTS:
            prefixed = prefixed or H.HOST_NAMES[H.host_key(tag)]  # the router names its provider outright
            add(base, "hf-provider-suffix")
    _bedrock_forms(text, add)
    implied = implied or _bedrock_implied(logged_id)
    if ":" in text and text.rsplit(":", 1)[1].casefold() in H.OPENROUTER_VARIANTS:
        add(text.rsplit(":", 1)[0], "openrouter-variant")
    for pattern, step in ((H.DATE_SUFFIX, "date-suffix"), (H.SHORT_DATE_SUFFIX, "date-suffix")):
        if pattern.search(text):
            add(pattern.sub("", text), step)
            break
    if text.casefold().endswith("-latest"):
        add(text[: -len("-latest")], "latest-suffix")
    return forms, prefixed or implied, prefixed, self_hosted


def _bedrock_vendor_split(text: str) -> tuple[str | None, str]:
    """``us.anthropic.claude-x`` -> ("us", "anthropic.claude-x") when the first label is a region."""
    head, _, rest = text.partition(".")
    vendor, dot, model = rest.partition(".")
    if head.casefold() in H.BEDROCK_REGIONS and dot and vendor.isalnum() and model[:1].isalpha():
        return head, rest
    return None, text


def _bedrock_implied(logged_id: str) -> str | None:
    text = logged_id.strip().rsplit("/", 1)[-1]
    region, rest = _bedrock_vendor_split(text)
    vendor, dot, model = rest.partition(".")
    if region or (dot and vendor.casefold() in H.BEDROCK_VENDORS and model and not model[0].isdigit()):
        return "bedrock"
    return None


def _bedrock_forms(text: str, add) -> None:
    region, rest = _bedrock_vendor_split(text)
    if region:
        add(rest, "bedrock-region")
        text = rest
    vendor, dot, model = text.partition(".")
    known = vendor.casefold() in H.BEDROCK_VENDORS or (region is not None and vendor.isalnum())
    if not dot or not known or not model or model[0].isdigit():
        return
    if H.BEDROCK_VERSION.search(model):
        add(f"{vendor}.{H.BEDROCK_VERSION.sub('', model)}", "bedrock-version")
        model = H.BEDROCK_VERSION.sub("", model)
    add(model, "bedrock-id")


def is_self_hosted_tag(raw: str) -> bool:
    """An Ollama / vLLM / LM Studio ``name:tag`` id (not an OpenRouter variant, not a Bedrock version)."""
    if not H.SELF_HOSTED_TAG.match(raw):
        return False
    tag = raw.rsplit(":", 1)[1].casefold()
    return tag not in H.OPENROUTER_VARIANTS and not re.fullmatch(r"\d+", tag)
