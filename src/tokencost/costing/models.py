"""Which models ``estimate`` prices (named, a vendor's, all, or the default set) and whether one request fits
a model's context window and output limit."""

from __future__ import annotations

from collections.abc import Sequence

from tokencost.errors import InputError
from tokencost.pricing.catalog import Catalog, Entry

#: The default comparison set: current flagship, mid and budget models of the major vendors, so the first
#: run is useful without flags. Ids must exist in the bundled catalog (a test checks).
DEFAULT_MODELS: tuple[str, ...] = (
    "gpt-5",
    "gpt-5-mini",
    "gpt-4.1-mini",
    "claude-opus-4.6",
    "claude-sonnet-4.5",
    "claude-haiku-4.5",
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "grok-4",
    "deepseek-v3.2",
    "qwen3.5-plus",
    "kimi-k2.5",
    "glm-5",
    "minimax-m2.5",
    "mistral-medium-3",
)


def resolve_models(
    catalog: Catalog,
    models: Sequence[str] = (),
    vendors: Sequence[str] = (),
    all_models: bool = False,
) -> list[Entry]:
    """The entries to price: named models, a vendor's chat models, everything, or the default set."""
    if models:
        entries = [catalog.get(name) for name in models]
    elif vendors:
        entries = catalog.select(vendor=vendors, mode="chat")
        if not entries:
            known = sorted(catalog.providers())
            raise InputError(
                f"no chat model from vendor(s) {', '.join(vendors)}", "known: " + ", ".join(known)
            )
    elif all_models:
        entries = catalog.select(mode="chat")
    else:
        entries = [entry for name in DEFAULT_MODELS if (entry := catalog.find(name)) is not None]
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.id, entry)
    return list(unique.values())


def limit_problems(entry: Entry, input_tokens: int, output_tokens: int) -> tuple[str, ...]:
    """Why one request of ``input_tokens`` + ``output_tokens`` cannot be sent to ``entry`` (empty when it can).
    The context window must hold input and output together, as the planner checks it."""
    problems = []
    window = entry.model.context_window
    if window is not None and input_tokens + output_tokens > window:
        problems.append(
            f"exceeds context window {window:,} "
            f"(input {input_tokens:,} + output {output_tokens:,} = {input_tokens + output_tokens:,} tokens)"
        )
    most_in = entry.model.max_input_tokens
    if most_in is not None and input_tokens > most_in:
        problems.append(f"exceeds max input {most_in:,} tokens (input {input_tokens:,})")
    most = entry.model.max_output_tokens
    if most is not None and output_tokens > most:
        problems.append(f"exceeds max output {most:,} tokens (output {output_tokens:,})")
    return tuple(problems)
