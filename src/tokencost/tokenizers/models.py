"""Which tokenizer counts a model id: the one resolver behind ``count_tokens(model=...)`` and ``tokencost count
-m``. A catalog model counts with its card's family; a self-hosted tag (``llama3.1:8b``, ``ollama/qwen3``: no
vendor price, which counting does not need) with the open-weight family its name tells."""

from __future__ import annotations

import re

from tokencost.errors import InputError

#: a self-hosted tag's base name -> the open-weight family whose tokenizer it ships (``families.FAMILIES``)
OPEN_WEIGHT = (
    (r"qwen3\.[56]", "qwen3.5"),
    (r"qwen(?:2|2\.5|3)(?![.\d])", "qwen2"),
    (r"llama-?3", "llama3"),
)


def model_family(model: str, pricing_dirs=()) -> tuple[str, str]:
    """(catalog id, tokenizer family) of ``model`` as typed; for a self-hosted tag the tag itself and the family
    its name tells. ``UnknownModelError`` for an unknown id, ``InputError`` for a tag whose name does not tell
    its tokenizer (``deepseek-r1:7b`` is a Qwen distill)."""
    from tokencost.pricing.catalog import load_catalog

    catalog = load_catalog(pricing_dirs) if pricing_dirs else load_catalog()
    entry = catalog.find(model)
    if entry is None:
        found = catalog.resolve(model)
        family = open_weight_family(model) if found.self_hosted else None
        if family is not None:
            return model, family
        if found.self_hosted:
            raise InputError(
                f"model {model!r} is a self-hosted tag whose tokenizer its name does not tell",
                "count it with its tokenizer family: --tokenizer FAMILY, or tokenizer=FAMILY in the library; "
                "tokencost count --list-families lists them",
            )
        entry = catalog.get(model)
    return entry.id, entry.model.tokenizer


def open_weight_family(tag: str) -> str | None:
    """The tokenizer family a self-hosted tag (``qwen3:0.6b``, ``ollama/llama3.2``) runs, by its model name."""
    name = tag.lower().rsplit("/", 1)[-1].split(":", 1)[0]
    return next((family for pattern, family in OPEN_WEIGHT if re.match(pattern, name)), None)


__all__ = ["OPEN_WEIGHT", "model_family", "open_weight_family"]
