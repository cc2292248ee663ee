"""Cross-tokenizer ratios: how many tokens family B makes of text that family A counts as one token.

Used when a workload gives token counts (``input_tokens`` + ``counted_with``) instead of text. The table
is data (``planner/data/family_ratios.json``) with its provenance; regenerate it with::

    python -m tokencost.planner.ratios benchmarks/corpus > src/tokencost/planner/data/family_ratios.json

When a workload gives real text, the planner does not use this table: each family counts the text itself
and output/reasoning tokens convert with the ratio measured on that text.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

#: Categories of the sample (directories of benchmarks/corpus) per language table, and the bytes read from each.
SAMPLE: dict[str, tuple[str, ...]] = {
    "en": ("en-prose", "en-tech"),
    "zh": ("zh-hans-tech", "zh-hans-lit", "zh-mixed", "zh-hant-tech"),
    "code": ("code", "json"),
}
BYTES_PER_CATEGORY = 150_000
REFERENCE = "o200k_base"


@lru_cache(maxsize=1)
def ratio_table() -> dict[str, Any]:
    """The shipped table: ``{"reference", "tables": {lang: {family: tokens per reference token}}, ...}``."""
    try:
        text = files("tokencost.planner").joinpath("data/family_ratios.json").read_text(encoding="utf-8")
    except OSError:  # a wheel built without the planner's package data
        from tokencost.errors import TokencostError

        raise TokencostError(
            "tokencost/planner/data/family_ratios.json is missing from this installation",
            "reinstall tokencost; the wheel must ship tokencost.planner's data/*",
        ) from None
    return json.loads(text)


def ratio(from_family: str, to_family: str, language: str = "mixed") -> tuple[Decimal, str]:
    """Tokens in ``to_family`` per token in ``from_family`` for ``language``, and a provenance phrase."""
    if from_family == to_family:
        return Decimal(1), "same tokenizer"
    table = ratio_table()
    per_ref = table["tables"].get(language) or table["tables"]["mixed"]
    fallback = per_ref.get("generic")
    a = per_ref.get(from_family, fallback)
    b = per_ref.get(to_family, fallback)
    value = (Decimal(str(b)) / Decimal(str(a))).quantize(Decimal("0.001"))
    how = table["families"].get(to_family, {}).get("method", "estimate")
    how_from = table["families"].get(from_family, {}).get("method", "estimate")
    basis = "exact counts" if how.startswith("exact") and how_from.startswith("exact") else "estimator counts"
    return value, f"measured on {table['sample_name']} [{language}], {basis}"


def provenance(language: str = "mixed") -> str:
    """Where the ratios of ``language`` were measured, for the plan's assumptions."""
    table = ratio_table()
    chars = table["sample"].get(language, table["sample"]["mixed"])["characters"]
    return f"measured on {table['sample_name']} [{language}, {chars:,} characters]"


def _read_sample(root: Path, categories: tuple[str, ...]) -> str:
    parts = []
    for category in categories:
        budget = BYTES_PER_CATEGORY
        for path in sorted((root / category).glob("*.txt")):
            if budget <= 0:
                break
            data = path.read_text(encoding="utf-8", errors="replace")[:budget]
            parts.append(data)
            budget -= len(data.encode("utf-8"))
    return "\n\n".join(parts)


def estimator_fingerprint() -> str:
    """sha256 of the shipped estimator's features and weights (not its bands or prose, which change no
    estimate): the table is stale when they change (a test checks)."""
    import hashlib

    raw = files("tokencost.tokenizers").joinpath("data", "estimator.json").read_bytes()
    data = json.loads(raw)
    weights = {family: spec["weights"] for family, spec in sorted(data["families"].items())}
    return hashlib.sha256(json.dumps([data["features"], weights]).encode()).hexdigest()


def measure(corpus: Path, extra: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Count the sample with every family and return the ratio table (tokens per ``REFERENCE`` token)."""
    from tokencost.families import FAMILIES
    from tokencost.tokenizers import get_counter

    samples = {lang: _read_sample(corpus, cats) for lang, cats in SAMPLE.items()}
    extra_text = "\n\n".join(p.read_text(encoding="utf-8") for p in extra)
    samples["mixed"] = "\n\n".join([*samples.values(), extra_text])
    counts: dict[str, dict[str, int]] = {lang: {} for lang in samples}
    methods: dict[str, dict[str, Any]] = {}
    for family in FAMILIES:
        counter = get_counter(family)
        methods[family] = {"exact": counter.exact, "method": counter.method, "error_band": counter.error_band}
        for lang, text in samples.items():
            counts[lang][family] = counter.count(text)
    tables = {lang: {f: round(n / c[REFERENCE], 4) for f, n in c.items()} for lang, c in counts.items()}
    import datetime as dt

    from tokencost._version import __version__

    return {
        "generated_on": dt.date.today().isoformat(),
        "tokencost_version": __version__,
        "estimator_sha256": estimator_fingerprint(),
        "regenerate": "python -m tokencost.planner.ratios benchmarks/corpus examples/prompts/en.txt examples/prompts/zh.txt",
        "reference": REFERENCE,
        "sample_name": "benchmarks/corpus sample + examples/prompts",
        "sample": {
            lang: {
                "categories": list(SAMPLE.get(lang, ("all of the above", *(str(p) for p in extra)))),
                "characters": len(text),
                f"{REFERENCE}_tokens": counts[lang][REFERENCE],
            }
            for lang, text in samples.items()
        },
        "note": "tables[lang][family] = tokens family makes of the sample / tokens o200k_base makes of it. "
        "Families whose method starts with 'estimate' were counted with the estimator, not a real tokenizer.",
        "families": methods,
        "tables": tables,
    }


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - data generation
    args = argv if argv is not None else sys.argv[1:]
    corpus = Path(args[0] if args else "benchmarks/corpus")
    extra = tuple(Path(p) for p in args[1:]) or tuple(sorted(Path("examples/prompts").glob("*.txt")))
    print(json.dumps(measure(corpus, extra), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
