"""Mixed-script text: does the estimate of English + Chinese (Japanese, Korean, ...) hold the exact count?

    python benchmarks/bands.py count              # the held-out snippets this cuts from (cached)
    python benchmarks/mixed.py count              # build mixed texts, count them with the 8 real tokenizers (cached)
    python benchmarks/mixed.py check [--src DIR]  # median |error|, coverage and half-width per family x length
                                                  # (--src: estimate with another tree's src/, e.g. a git archive
                                                  # of main, for a before/after on the same texts)
    python benchmarks/mixed.py speed --src DIR    # raw tiktoken vs DIR's estimator vs this tree's, one process,
                                                  # on every mixed text one by one and on all of them joined

Texts are made of held-out snippets only (``fit_estimator._heldout_names``: the estimator never saw them): one
Latin-script or Cyrillic piece (en-prose, en-tech, code, de, ru) and one CJK piece (zh-hans/zh-hant pure and
tech, ja, ja-prose, ja-pure, ko, Tang poetry) or one piece of names in 12 scripts, joined the ways prompts mix
languages: one after the other (either order, a blank line between), and interleaved paragraph by paragraph
(a translation, a bilingual document). Pieces come from the same length bucket (20-60, 60-400, 400-2,000
characters, whole documents), so a mixed text runs from ~50 characters to ~25,000.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bands  # noqa: E402
import fit_estimator as fe  # noqa: E402

LATIN = ("en-prose", "en-tech", "code", "de", "ru")
CJK = (
    "zh-hans-pure",
    "zh-hant-pure",
    "zh-hans-tech",
    "zh-hant-tech",
    "ja",
    "ja-prose",
    "ja-pure",
    "ko",
    "zh-hans-lit",
)
OTHER = ("names",)
PER_PAIR = 3  # texts per (Latin category, other category, bucket, way of mixing)
TEXTS = fe.CACHE / "mixed_texts.json"
LENGTHS = ((0, 400), (400, 2000), (2000, 10**9))
LENGTH_NAMES = ("<400", "400-2k", "2k+")


def _paragraphs(text: str, n: int) -> list[str]:
    """``text`` cut at line breaks into about ``n`` consecutive pieces."""
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return [text]
    step = max(1, -(-len(lines) // n))
    return ["".join(lines[i : i + step]) for i in range(0, len(lines), step)]


def _join(a: str, b: str, how: str) -> str:
    a, b = a.rstrip("\n") + "\n", b.rstrip("\n") + "\n"
    if how == "a+b":
        return a + "\n" + b
    if how == "b+a":
        return b + "\n" + a
    pa, pb = _paragraphs(a, 4), _paragraphs(b, 4)
    out = []
    for i in range(max(len(pa), len(pb))):
        out += pa[i : i + 1] + pb[i : i + 1]
    return "".join(out)


def build() -> list[dict]:
    rows = [r for r in bands.load() if r["held"]]
    pool: dict[tuple[str, int], list[str]] = {}
    for r in rows:
        pool.setdefault((r["cat"], r["bucket"]), []).append(r["text"])
    rng = random.Random(20261205)
    out = []
    for la in LATIN:
        for other in CJK + OTHER:
            for b in range(4):
                xs, ys = pool.get((la, b), []), pool.get((other, b), [])
                if not xs or not ys:
                    continue
                for how in ("a+b", "b+a", "interleaved"):
                    for _ in range(PER_PAIR):
                        text = _join(rng.choice(xs), rng.choice(ys), how)
                        out.append({"a": la, "b": other, "bucket": b, "how": how, "text": text})
    return out


def count() -> None:
    texts = build()
    real = fe.load_real()
    for fam, tok in real.items():
        print(f"counting {len(texts)} mixed texts with {fam}", file=sys.stderr)
        for t in texts:
            t.setdefault("exact", {})[fam] = tok.count(t["text"])
    TEXTS.write_text(json.dumps(texts, ensure_ascii=False))


def check(argv: list[str]) -> None:
    import numpy as np

    if "--src" in argv:
        sys.path.insert(0, argv[argv.index("--src") + 1])
    from tokencost.tokenizers import estimator

    print(f"estimator from {Path(estimator.__file__).parent.parent.parent}", file=sys.stderr)
    if not TEXTS.exists():
        sys.exit("no mixed texts: run `python benchmarks/mixed.py count` first")
    rows = json.loads(TEXTS.read_text())
    truth = bands.truths(rows)
    kinds = ("cjk", "names")
    header = [
        "family",
        "mix",
        "length",
        "n",
        "coverage",
        "median half-width",
        "median |error|",
        "p90 |error|",
    ]
    table = []
    classes: dict[str, int] = {}
    for r in rows:
        c = estimator.script_class(r["text"])
        classes[c] = classes.get(c, 0) + 1
    for fam in truth:
        ests = [estimator.estimate(r["text"], fam) for r in rows]
        bnds = [estimator.bounds(r["text"], fam, e) for r, e in zip(rows, ests, strict=True)]
        for kind in kinds:
            for k, (lo_len, hi_len) in enumerate(LENGTHS):
                cov, hw, err = [], [], []
                for i, r in enumerate(rows):
                    if (r["b"] == "names") != (kind == "names") or not lo_len <= len(r["text"]) < hi_len:
                        continue
                    lo, hi = bnds[i]
                    for t in truth[fam][i]:
                        cov.append(lo <= t <= hi)
                        hw.append((hi - lo) / 2 / t)
                        err.append(abs(ests[i] - t) / t)
                if cov:
                    table.append(
                        [fam, kind, LENGTH_NAMES[k], len(cov) // len(truth[fam][0]), f"{np.mean(cov) * 100:.1f} %",
                         f"{np.median(hw) * 100:.1f} %", f"{np.median(err) * 100:.1f} %",
                         f"{np.percentile(err, 90) * 100:.1f} %"]
                    )  # fmt: skip
    print(f"script classes of the {len(rows)} mixed texts: {classes}")
    print(bands.fe_table(table, header, "--markdown" in argv))


def _estimator_from(src: str):
    """``tokencost.tokenizers.estimator`` of another source tree, loaded beside this tree's."""
    import importlib.util

    path = Path(src) / "tokencost" / "tokenizers" / "estimator.py"
    spec = importlib.util.spec_from_file_location("estimator_other", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def speed(argv: list[str]) -> None:
    """Best of 5 rounds, interleaved: o200k_base tiktoken, the other tree's estimator, this tree's."""
    import os
    import time

    from tokencost.tokenizers import estimator

    other = _estimator_from(argv[argv.index("--src") + 1])
    rows = json.loads(TEXTS.read_text())
    texts = [r["text"] for r in rows]
    big = "".join(texts)
    enc = fe._tiktoken_openai("o200k_base")
    contenders = {
        "tiktoken": lambda t: enc.encode_ordinary(t),
        "before": lambda t: other.estimate(t, "o200k_base"),
        "after": lambda t: estimator.estimate(t, "o200k_base"),
    }
    for label, inputs in (
        (f"{len(texts)} mixed texts one by one", texts),
        (f"joined ({len(big):,} chars)", [big]),
    ):
        best = dict.fromkeys(contenders, float("inf"))
        for round_ in range(5):
            for name, fn in contenders.items():
                fresh = [t + " " * (round_ + 1) for t in inputs]  # the estimator remembers the last text
                start = time.perf_counter()
                for t in fresh:
                    fn(t)
                best[name] = min(best[name], time.perf_counter() - start)
        print(
            f"{label}: tiktoken {best['tiktoken']:.3f} s, estimator before {best['before']:.3f} s "
            f"({best['tiktoken'] / best['before']:.1f}x), after {best['after']:.3f} s "
            f"({best['tiktoken'] / best['after']:.1f}x); load {os.getloadavg()[0]:.2f}"
        )


def main(argv: list[str]) -> None:
    cmd = argv[0] if argv else "check"
    if cmd == "count":
        count()
    elif cmd == "check":
        check(argv[1:])
    elif cmd == "speed":
        speed(argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
