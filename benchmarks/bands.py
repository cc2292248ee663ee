"""Fit and check the estimator's error bands on short prompts and whole documents.

    bash benchmarks/corpus.sh                 # build benchmarks/corpus/ (not committed)
    python benchmarks/bands.py count          # cut snippets, count them exactly with 8 real tokenizers (cached)
    (python benchmarks/fit_estimator.py lexicon && python benchmarks/fit_estimator.py fit: short-text weights)
    python benchmarks/bands.py fit            # -> the "bands" of src/tokencost/tokenizers/data/estimator.json
    python benchmarks/claude47.py             # then claude-4.7's, derived from claude's (no tokenizer to check)
    python benchmarks/bands.py check          # coverage, half-width and error per family x length bucket

A band is a promise: the printed ``low``-``high`` interval must hold the exact count for at least 9 texts in
10, in every family and every length bucket, from 20-character snippets to whole documents. Snippets are cut
from the corpus the way prompts are made: whole sentences, whole lines, and random cuts, in the buckets
20-60, 60-400 and 400-2,000 characters, plus the whole documents (2k-12k characters). Fit and check use the
estimator's own fit / held-out split of documents (``fit_estimator._heldout_names``), so the check is on
text the bands never saw.
"""

from __future__ import annotations

import json
import random
import re
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import fit_estimator as fe  # noqa: E402

BUCKETS = ((20, 60), (60, 400), (400, 2000), (2000, 10**9))
BUCKET_NAMES = ("20-60", "60-400", "400-2k", "whole")
PER_CATEGORY = 40  # documents per category and side cut into snippets
PER_CATEGORY_WHOLE = 150  # ... and counted whole
SNIPPETS = fe.CACHE / "bands_snippets.json"
TARGET_MISS = 0.04  # per side on the fit set: two sides miss <= 7 %, leaving room for held-out drift
TARGET_MISS_WHOLE = 0.03  # whole documents drift more from fit to held-out (a document's own vocabulary)
TARGET_MISS_LONG = 0.0325  # ... and so do 400-2,000-character cuts (held-out misses ran up to 1.4x the fit's)
LONG_FROM = 400  # characters: the cells from here up to SHORT_BELOW use TARGET_MISS_LONG
MIN_CELL = 40  # fewer fit snippets than this in a class x length cell: use the class's pooled quantile
_SENT = re.compile(r"(?<=[.!?。！？])\s*")


def _grow(units: list[str], rng: random.Random, lo: int, hi: int) -> str | None:
    """Consecutive units from a random start until the text is at least ``lo`` characters."""
    if not units:
        return None
    start = rng.randrange(len(units))
    text = ""
    for u in units[start:]:
        text += u
        if len(text) >= lo:
            break
    return text if lo <= len(text) < hi else None


def cut(doc: str, seed: str) -> list[tuple[int, str, str]]:
    """(bucket index, how it was cut, text) snippets of one document, deterministic per ``seed``."""
    rng = random.Random(zlib.crc32(seed.encode()))
    lines = doc.splitlines(keepends=True)
    sentences = [s for s in _SENT.split(doc) if s]
    sentences = [s + " " for s in sentences]
    out = []
    for b, (lo, hi) in enumerate(BUCKETS[:3]):
        for how, units in (("sentences", sentences), ("lines", lines)):
            for _ in range(2):
                t = _grow(units, rng, lo, hi)
                if t and t.strip():
                    out.append((b, how, t))
        for _ in range(2):
            n = rng.randrange(lo, hi)
            if len(doc) > n:
                s = rng.randrange(len(doc) - n)
                out.append((b, "random", doc[s : s + n]))
    if len(doc) >= BUCKETS[3][0]:
        out.append((3, "whole", doc))
    return out


def build_snippets() -> list[dict]:
    by_cat: dict[tuple[str, bool], list] = {}
    for cat, name, path, held in fe.corpus_docs():
        by_cat.setdefault((cat, held), []).append((name, path))
    rows = []
    for (cat, held), docs in sorted(by_cat.items()):
        docs = sorted(docs, key=lambda d: zlib.crc32(d[0].encode()))[:PER_CATEGORY_WHOLE]
        for n, (name, path) in enumerate(docs):
            for b, how, text in cut(fe.read_doc(path), f"{cat}/{name}"):
                if b < 3 and n >= PER_CATEGORY:
                    continue
                rows.append({"cat": cat, "doc": name, "held": held, "bucket": b, "how": how, "text": text})
    return rows


def count() -> None:
    rows = build_snippets()
    real = fe.load_real()
    for fam, tok in real.items():
        print(f"counting {len(rows)} snippets with {fam}", file=sys.stderr)
        for r in rows:
            r.setdefault("exact", {})[fam] = tok.count(r["text"])
    SNIPPETS.parent.mkdir(parents=True, exist_ok=True)
    SNIPPETS.write_text(json.dumps(rows, ensure_ascii=False))


def load() -> list[dict]:
    if not SNIPPETS.exists():
        sys.exit("no snippets: run `python benchmarks/bands.py count` first")
    return json.loads(SNIPPETS.read_text())


def truths(rows: list[dict]) -> dict[str, list[list[float]]]:
    """Per family, the true count(s) of every snippet: one for a measured family, one per member
    tokenizer for a proxy (the band of a proxy must hold each member it stands for)."""
    measured = list(rows[0]["exact"])
    out = {f: [[r["exact"][f]] for r in rows] for f in measured}
    for p, (members, *_rest) in fe.PROXIES.items():
        members = [m for m in members if m in measured]
        out[p] = [[r["exact"][m] for m in members] for r in rows]
    return out


def _estimates(rows: list[dict], family: str) -> list[tuple[int, str]]:
    from tokencost.tokenizers import estimator

    return [(estimator.estimate(r["text"], family), estimator.script_class(r["text"])) for r in rows]


def _slack(est, worst, side: int, target: float = TARGET_MISS) -> float:
    """The smallest relative slack (0.005 steps) whose outward-rounded integer bound misses at most
    ``target`` of the texts: integer rounding already covers much of a short text's error."""
    import numpy as np

    for step in range(0, 401):
        rel = step * 0.005
        bound = np.floor(est * (1 - rel)) if side < 0 else np.ceil(est * (1 + rel))
        miss = (worst < bound) if side < 0 else (worst > bound)
        if miss.mean() <= target:
            return round(rel, 3)
    return 2.0


def fit_family(rows, ests, truth) -> dict:
    """Per script class, text length and side, the relative slack that TARGET_MISS of the fit snippets
    need beyond it (a quantile of their relative errors); thin cells take their class's pooled value."""
    import numpy as np

    from tokencost.tokenizers.estimator import LENGTH_EDGES, SCRIPT_CLASSES
    from tokencost.tokenizers.lexicon import SHORT_BELOW

    assert LENGTH_EDGES[-1] == SHORT_BELOW, "the last length cell must be the whole-document model's"
    out = {}
    for cls in SCRIPT_CLASSES:
        idx = [i for i, r in enumerate(rows) if not r["held"] and ests[i][1] == cls]
        if not idx:
            continue
        k = np.array([sum(len(rows[i]["text"]) >= e for e in LENGTH_EDGES) for i in idx])
        params = {}
        for side, name in ((-1, "lo"), (1, "hi")):
            est = np.array([ests[i][0] for i in idx], dtype=float)
            # the worst true count on this side (of a proxy's members, each must be covered)
            worst = np.array([(min if side < 0 else max)(truth[i]) for i in idx], dtype=float)
            pooled = _slack(est, worst, side)
            cells = []
            for cell in range(len(LENGTH_EDGES) + 1):
                sel = k == cell
                target = TARGET_MISS_WHOLE if cell == len(LENGTH_EDGES) else TARGET_MISS
                if 0 < cell < len(LENGTH_EDGES) and LENGTH_EDGES[cell - 1] >= LONG_FROM:
                    target = TARGET_MISS_LONG
                cells.append(_slack(est[sel], worst[sel], side, target) if sel.sum() >= MIN_CELL else pooled)
            # a longer text is never less certain than a shorter one of the same class, within one model:
            # whole documents (the last cell, SHORT_BELOW characters and more) use the 34-count weights, not
            # the lexicon's, so their tail does not widen the short cells (qwen2 400-2k: 10.3 -> 9.x %)
            for j in range(len(cells) - 3, -1, -1):
                cells[j] = max(cells[j], cells[j + 1])
            params[name] = cells
        out[cls] = params
    return out


def fit() -> None:
    rows = load()
    truth = truths(rows)
    data = json.loads(fe.DATA_OUT.read_text())
    for fam in data["families"]:
        if fam not in truth:
            continue
        ests = _estimates(rows, fam)
        bands = fit_family(rows, ests, truth[fam])
        extra = fe.PROXIES.get(fam, (None, None, 0.0))[2]
        if extra:  # the unverified identity of a proxy widens both sides by a constant
            for p in bands.values():
                p["lo"] = [round(v + extra, 3) for v in p["lo"]]
                p["hi"] = [round(v + extra, 3) for v in p["hi"]]
        data["families"][fam]["bands"] = bands
        print(fam, json.dumps(bands))
    fe.DATA_OUT.write_text(fe._dump(data))


def check(markdown: bool = False) -> None:
    import numpy as np

    from tokencost.tokenizers import estimator

    rows = load()
    truth = truths(rows)
    header = [
        "family",
        "bucket",
        "n",
        "coverage",
        "median half-width",
        "median |error|",
        "p90 |error|",
        "worst corpus",
    ]
    table = []
    for fam in truth:
        for b, bname in enumerate(BUCKET_NAMES):
            idx = [i for i, r in enumerate(rows) if r["held"] and r["bucket"] == b]
            cov, hw, err = [], [], []
            per_cat: dict[str, list[bool]] = {}
            for i in idx:
                text = rows[i]["text"]
                est = estimator.estimate(text, fam)
                lo, hi = estimator.bounds(text, fam, est)
                for t in truth[fam][i]:
                    cov.append(lo <= t <= hi)
                    per_cat.setdefault(rows[i]["cat"], []).append(lo <= t <= hi)
                    hw.append((hi - lo) / 2 / t)
                    err.append(abs(est - t) / t)
            table.append(
                [fam, bname, len(idx), f"{np.mean(cov) * 100:.1f} %", f"{np.median(hw) * 100:.1f} %",
                 f"{np.median(err) * 100:.1f} %", f"{np.percentile(err, 90) * 100:.1f} %", _worst(per_cat)]
            )  # fmt: skip
    print(fe_table(table, header, markdown))


def _worst(per_cat: dict[str, list[bool]]) -> str:
    cat, hits = min(per_cat.items(), key=lambda kv: sum(kv[1]) / len(kv[1]))
    return f"{cat} {sum(hits) / len(hits) * 100:.0f} %"


def fe_table(rows, header, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        return "\n".join(lines)
    w = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    return "\n".join("  ".join(str(c).ljust(n) for c, n in zip(r, w, strict=False)) for r in [header, *rows])


def main(argv: list[str]) -> None:
    cmd = argv[0] if argv else "check"
    if cmd == "count":
        count()
    elif cmd == "fit":
        fit()
    elif cmd == "check":
        check("--markdown" in argv)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
