"""Derive the ``claude-4.7`` estimate family (Claude Opus 4.7 and later, Fable) from billed requests.

    python benchmarks/claude47.py [PAIRS.jsonl]               # -> "claude-4.7" in tokenizers/data/estimator.json
    python benchmarks/claude47.py --stored                    # the same from the factor it recorded (after a
                                                              # `bands.py fit` that changed only the bands)
    python benchmarks/framing.py --fit --only=anthropic:4.7   # then its framing, on the new family's counts
    python -m tokencost.planner.ratios benchmarks/corpus examples/prompts/en.txt examples/prompts/zh.txt \\
        > src/tokencost/planner/data/family_ratios.json       # and the planner's ratio table

Anthropic publishes no tokenizer, and said Opus 4.7 brought a new one (1.0-1.35x the tokens of the earlier
one). What we can measure is what those models bill: the recorded requests of ``framing_extract.py``
(``PAIRS.jsonl``, default ``/work/ref/framing_pairs.jsonl``). The factor is the text weight of the Opus 4.7+
requests on the ``claude`` estimate, fitted as ``framing.py`` fits a framing generation (the text scale together
with the system constant: a ratio alone would fold the constant into the factor), on the fit sources'
recordings of the models ``families.CLAUDE_47_MODELS`` names. The family is the ``claude`` estimate (weights,
short-text weights: the estimate is linear in them) times that factor; its bands are the ``claude`` bands
composed with the factor's own uncertainty (``compose``). The date, the recordings, n and the spread are kept
in the entry's ``factor``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import fit_estimator as fe  # noqa: E402
import framing  # noqa: E402
from tokencost.families import CLAUDE_47_MODELS  # noqa: E402

FAMILY = "claude-4.7"
BASE = "claude"
GENERATION = "anthropic:4.7"
#: the generation a new one starts from (its constants that the recordings cannot fit stay as there)
NEIGHBOUR = "anthropic:4.5"
#: Anthropic's stated range for the new tokenizer (tokens of the same text vs the earlier one): on text of a
#: kind the recordings do not hold (CJK, accented Latin, other scripts) the factor may sit anywhere in it
#: relative to where the recorded (English) text sits: as low as 1.0/1.35 of it, as high as 1.35x
STATED_RANGE = (1.0, 1.35)


def measure(path: Path) -> dict:
    """The factor of the newer tokenizer on the ``claude`` estimate, and its spread on the recordings."""

    def family_of(vendor: str, model: str | None) -> str:  # every Claude request on the earlier estimate
        return BASE if vendor == "anthropic" else framing.family_of(vendor, model)

    rows, _ = framing.load(path, family_of=family_of)
    newer = [
        r
        for r in rows
        if r["vendor"] == "anthropic"
        and re.search(CLAUDE_47_MODELS, r["model"].lower())
        and r["source"] in framing.FIT
        and r["kind"] != "signed (unknown)"
    ]
    data = json.loads(framing.DATA.read_text(encoding="utf-8"))
    coef = framing.fit(newer, GENERATION, data["generations"][NEIGHBOUR]["coef"])
    errors = sorted(abs(framing.predict(r, coef) - r["billed"]) / r["billed"] for r in newer)
    return {
        "value": coef["text"],
        "spread_p90": round(errors[min(len(errors) - 1, int(0.9 * len(errors)))], 4),
        "n": len(newer),
        "models": sorted({r["model"] for r in newer}),
        "sources": sorted({r["source"] for r in newer}),
        "recordings": str(path),
        "measured": dt.date.today().isoformat(),
        "method": (
            f"billed input tokens of the recorded requests on the {BASE} estimate: the text weight of framing "
            f"generation {GENERATION} fitted with its system constant (benchmarks/framing.py fit), starting from "
            f"{NEIGHBOUR}'s constants; spread_p90: p90 |error| of that fit over the requests (no held-out "
            "recording exists)"
        ),
    }


def compose(rel: float, other: float, side: int) -> float:
    """The relative slack of one side of a band when the estimate is also scaled by an uncertain factor
    (relative error ``other`` on that side): the two errors multiply. Rounded outwards to 0.005."""
    value = 1 - (1 - rel) * (1 - other) if side < 0 else (1 + rel) * (1 + other) - 1
    return math.ceil(round(value, 6) * 200) / 200


def derive(base: dict, factor: dict) -> dict:
    """The family's estimator entry: ``base`` (the claude entry) scaled by the factor, its bands widened."""
    f = factor["value"]
    spread = factor["spread_p90"]
    low, high = STATED_RANGE
    unmeasured = {-1: max(spread, 1 - low / high), 1: max(spread, high / low - 1)}
    bands = {}
    for cls, sides in base["bands"].items():
        # the recordings are English prompts (latin): elsewhere the factor is Anthropic's stated range
        other = {-1: spread, 1: spread} if cls == "latin" else unmeasured
        bands[cls] = {
            name: [compose(v, other[side], side) for v in sides[name]]
            for side, name in ((-1, "lo"), (1, "hi"))
        }
    band = compose(base["band"], spread, 1)
    short = dict(base["short"])
    short["weights"] = [round(w * f, 6) for w in base["short"]["weights"]]
    return {
        "weights": [round(w * f, 6) for w in base["weights"]],
        "band": band,
        "heldout": base["heldout"],
        "proxy": base["proxy"],
        "describe": (
            f"estimate only: no public tokenizer; the {BASE} estimate x {f:.2f}, the newer tokenizer's factor "
            f"measured on {factor['n']} billed Opus 4.7+ / Fable requests (English prompts, spread p90 "
            f"{spread * 100:.1f} %); stated band ±{band * 100:.0f} % (the {BASE} band and the factor's spread; wider on "
            "text other than English, where only Anthropic's stated 1.0-1.35x range is known)"
        ),
        "short": short,
        "bands": bands,
        "factor": factor,
    }


def main(argv: list[str]) -> int:
    data = json.loads(fe.DATA_OUT.read_text(encoding="utf-8"))
    if argv == ["--stored"]:
        factor = data["families"][FAMILY]["factor"]
    else:
        factor = measure(Path(argv[0]) if argv else Path("/work/ref/framing_pairs.jsonl"))
    entry = derive(data["families"][BASE], factor)
    families = {}
    for name, spec in data["families"].items():  # right after the base family
        if name != FAMILY:
            families[name] = spec
        if name == BASE:
            families[FAMILY] = entry
    data["families"] = families
    fe.DATA_OUT.write_text(fe._dump(data), encoding="utf-8")
    print(
        f"{FAMILY}: factor {factor['value']} on {factor['n']} requests ({', '.join(factor['models'])}), "
        f"spread p90 {factor['spread_p90']:.1%}; band ±{entry['band']:.1%}"
    )
    for cls, sides in entry["bands"].items():
        print(f"  {cls:9} lo {sides['lo']}  hi {sides['hi']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
