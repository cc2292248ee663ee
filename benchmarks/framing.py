"""How close chat counts come to what the vendors billed, on recorded API calls (held out by source).

Usage: ``python benchmarks/framing.py [PAIRS.jsonl] [--fit]``

``PAIRS.jsonl`` comes from ``benchmarks/framing_extract.py`` (default ``/work/ref/framing_pairs.jsonl``).
Pairs from the FIT sources fit the constants (``--fit`` writes them into ``tokenizers/data/framing.json``);
the others are held out. Prints, per vendor x request kind on the held-out set: n, share exact, median and
p90 |error| relative to the billed input tokens.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from tokencost.errors import InputError
from tokencost.tokenizers import get_counter
from tokencost.tokenizers.chat import framing, parse_request
from tokencost.tokenizers.chat.framing.features import features

#: sources whose pairs fit the constants; every other source is held out
FIT = frozenset({"pydantic-ai", "mirascope"})
DATA = Path(__file__).resolve().parents[1] / "src/tokencost/tokenizers/data/framing.json"
#: token features whose weight is fitted (no exact tokenizer, or a rendering we do not know)
_FREE_TOKENS = {
    "anthropic": ("text", "tools_text", "call_text", "result_text", "thinking_text", "schema_text"),
    "gemini": ("text", "tools_text", "call_text", "result_text", "thinking_text", "schema_text"),
}


def family_of(vendor: str, model: str | None) -> str:
    if vendor == "anthropic":
        return "claude"
    if vendor == "gemini":
        return "gemini"
    if model and model.startswith(("gpt-4-", "gpt-3.5", "gpt-4-0")) and not model.startswith("gpt-4o"):
        return "cl100k_base"
    return "o200k_base"


def kind_of(pair: dict, request, gen: str) -> str:
    body = pair["request"]
    thinking = bool(body.get("thinking") or body.get("reasoning") or body.get("reasoning_effort"))
    config = body.get("generationConfig") or {}
    thinking = thinking or bool(config.get("thinkingConfig"))
    if gen == "openai:reasoning" or thinking:
        return "reasoning"
    if request.results:
        return "tool results"
    if request.tools:
        return "tools"
    if request.response_schema is not None:
        return "structured"
    return "plain"


def load(path: Path) -> tuple[list[dict], dict[str, int]]:
    rows, dropped = [], defaultdict(int)
    counters = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        try:
            request = parse_request(pair["request"], pair["file"])
        except InputError as exc:
            dropped[str(exc).split(": ")[-1][:60]] += 1
            continue
        if request.skipped_parts:
            dropped["non-text parts"] += 1
            continue
        family = family_of(pair["vendor"], pair["model"])
        if family not in counters:
            counters[family] = get_counter(family)
        gen = framing.generation(family, pair["model"])
        vendor = framing.vendor_of(family)
        prompt = framing.tool_prompt(pair["model"], request.tool_choice) if vendor == "anthropic" else 0
        feats = features(request, vendor, counters[family].count, prompt if request.tools else 0)
        rows.append(
            {
                "source": pair["source"],
                "vendor": f"{pair['vendor']}-{pair['endpoint']}" if vendor == "openai" else pair["vendor"],
                "gen": gen,
                "kind": kind_of(pair, request, gen),
                "billed": pair["input_tokens"],
                "features": feats,
                "family": family,
                "unknown": request.signatures,
            }
        )
    return rows, dict(dropped)


def fit(rows: list[dict], gen: str, coef: dict) -> dict:
    """Robust, sequential fit of the framing constants of ``gen`` on ``rows`` (medians, not least squares:
    a few odd recordings must not move them).

    1. Claude and Gemini only: one scale for text counted with the estimate (median billed / counted on
       plain requests). 2. The reply priming (``base``): median residual of plain requests. 3. The schema
       constant on structured-output requests, 4. the tools constant on requests with tools but no calls,
       5. one constant per tool call and per tool result on the rest. OpenAI constants are integers.
    """
    vendor = gen.split(":")[0]
    out = dict(coef)
    if not rows:
        return out
    whole = vendor == "openai"

    def only(*present: str, absent: tuple[str, ...] = ()) -> list[dict]:
        return [
            r
            for r in rows
            if all(r["features"][p] for p in present) and not any(r["features"][a] for a in absent)
        ]

    extras = ("tools", "calls", "results", "schema", "thinking_text")
    plain = only(absent=extras)
    if not whole and plain:
        scale = statistics.median(r["billed"] / max(1, predict(r, out)) for r in plain)
        for name in _FREE_TOKENS[vendor]:
            out[name] = round(out[name] * scale, 4)
    steps = [
        ("base", plain, lambda r: 1),
        ("schema", only("schema", absent=("tools", "calls", "results")), lambda r: 1),
        ("tools", only("tools", absent=("calls", "results")), lambda r: 1),
        ("calls", only("calls"), lambda r: r["features"]["calls"] + r["features"]["results"]),
    ]
    for name, subset, per in steps:
        if not subset:
            continue
        value = statistics.median((r["billed"] - predict(r, {**out, name: 0})) / per(r) for r in subset)
        out[name] = round(value) if whole else round(value, 2)
        if name == "calls":
            out["results"] = out["calls"]
    return out


def predict(row: dict, coef: dict) -> int:
    return max(0, round(sum(coef.get(name, 0) * value for name, value in row["features"].items())))


def table(rows: list[dict], data: dict) -> tuple[list[str], dict]:
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    exact: dict[tuple[str, str], int] = defaultdict(int)
    per_gen: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        coef = data["generations"][row["gen"]]["coef"]
        error = (predict(row, coef) - row["billed"]) / row["billed"]
        key = (row["vendor"], row["kind"])
        groups[key].append(abs(error))
        exact[key] += predict(row, coef) == row["billed"]
        per_gen[row["gen"]].append(abs(error))
    lines = [f"{'vendor':20} {'kind':13} {'n':>5} {'exact':>6} {'median':>7} {'p90':>7}"]
    for key in sorted(groups):
        errors = sorted(groups[key])
        p90 = errors[min(len(errors) - 1, int(0.9 * len(errors)))]
        lines.append(
            f"{key[0]:20} {key[1]:13} {len(errors):5} {exact[key] / len(errors):6.0%} "
            f"{statistics.median(errors):7.2%} {p90:7.2%}"
        )
    p90s = {}
    for gen, errors in per_gen.items():
        errors.sort()
        p90s[gen] = round(errors[min(len(errors) - 1, int(0.9 * len(errors)))], 4)
    return lines, p90s


def main(argv: list[str]) -> int:
    do_fit = "--fit" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else Path("/work/ref/framing_pairs.jsonl")
    rows, dropped = load(path)
    fit_rows = [r for r in rows if r["source"] in FIT]
    held = [r for r in rows if r["source"] not in FIT]
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if do_fit:
        for gen, spec in data["generations"].items():
            spec["coef"] = fit([r for r in fit_rows if r["gen"] == gen], gen, spec["coef"])
    lines, p90s = table(held, data)
    fit_lines, _ = table(fit_rows, data)
    print(f"held out ({len(held)} requests from {sorted({r['source'] for r in held})}):")
    print("\n".join(lines))
    print(f"\nfit set ({len(fit_rows)} requests from {sorted(FIT)}):")
    print("\n".join(fit_lines))
    print(f"\nleft out: {dropped}")
    if do_fit:
        for gen, p90 in p90s.items():
            data["generations"][gen]["error_p90"] = p90
        data["fit_sources"] = sorted(FIT)
        data["held_out"] = {"sources": sorted({r["source"] for r in held}), "table": lines}
        DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
