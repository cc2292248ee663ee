"""How far can a token-count estimator get on the held-out corpus?  The evidence behind issue 4's max target.

    python benchmarks/estimator_ceiling.py            # all three experiments, every measured family
    python benchmarks/estimator_ceiling.py features   # only: extra regex features on top of the shipped 33

Three ways to predict family F's count of a held-out document, each fitted the way ``fit_estimator.py``
fits the shipped model (weighted least squares on relative error, corpora balanced, same fit/held-out split):

1. ``features``: the shipped 33 C-level counts plus 14 regex counts aimed at the worst documents
   (runs of spaces, indentation, hiragana / katakana words, Han runs, CJK punctuation, backslashes, ...).
   Slow (regex), so it measures the ceiling of count features, not a shippable design.
2. ``anchored``: the 33 counts plus the *exact* o200k_base count of the document (o200k ships in the base
   install). Runs at tiktoken speed, so at best 1x, not the 10x the estimator must reach.
3. ``translation``: every o200k token (grouped into whole UTF-8 characters) is re-tokenized with F and the
   counts summed, plus the 33 counts as a linear correction. This is the most vocabulary-aware estimate that
   one fixed table per family could make; it also runs at tiktoken speed.

Needs the corpus, the cached exact counts (``fit_estimator.py count``) and, for ``translation``, the real
tokenizers; numpy. Results are recorded in benchmarks/README.md ("Estimator ceiling").
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_estimator as fe

EXTRA_PATTERNS = {
    "space runs >= 2": r"(?<! )  +",
    "indented lines": r"\n[ \t]{2,}",
    "hiragana": r"[\u3041-\u309f]",
    "katakana": r"[\u30a0-\u30ff]",
    "hiragana runs": r"[\u3041-\u309f]+",
    "katakana runs": r"[\u30a0-\u30ff]+",
    "Han runs": r"[\u4e00-\u9fff]+",
    "CJK / full-width punctuation": r"[\u3000-\u303f\uff00-\uffef]",
    "space before non-ASCII": r" [^\x00-\x7f]",
    "ASCII words after CJK": r"(?<=[\u3000-\u9fff])[A-Za-z0-9]+",
    "one-letter words": r"\b[A-Za-z]\b",
    "words of 10+ letters": r"[A-Za-z]{10,}",
    "numbers of 4+ digits": r"\d{4,}",
    "backslashes": r"\\",
}


class Setup:
    """The corpus split, feature matrix, exact counts and row weights that ``fit_estimator.fit`` uses."""

    def __init__(self) -> None:
        import numpy as np

        self.docs = fe.corpus_docs()
        self.keys = [f"{c}/{n}" for c, n, _p, _h in self.docs]
        self.held = np.array([h for *_x, h in self.docs])
        cats = [c for c, *_r in self.docs]
        rows = np.array([1 / np.sqrt(cats.count(c)) for c in cats]) ** fe.BALANCE
        self.rows = rows * np.array([fe.OUT_OF_DOMAIN.get(c, 1.0) for c in cats])
        self.core = self.held & ~np.array([c in fe.OUT_OF_DOMAIN for c in cats])
        cache = fe.load_cache()
        self.Y = {f: np.array([cache[f]["counts"][k] for k in self.keys], dtype=float) for f in cache}
        self.X = fe.feature_matrix(self.docs)

    def score(self, X, family: str) -> dict[str, float]:
        """Held-out (in-domain) |error| summary of a model fitted on columns ``X`` for ``family``."""
        y = self.Y[family]
        w = fe.fit_weights(X, y, ~self.held, rows=self.rows)
        return fe.summarize((X[self.core] @ w - y[self.core]) / y[self.core])


def fmt(s: dict[str, float]) -> str:
    return f"{s['median'] * 100:.1f} / {s['p90'] * 100:.1f} / {s['max'] * 100:.1f}"


def features(st: Setup) -> None:
    import numpy as np

    pats = [re.compile(p) for p in EXTRA_PATTERNS.values()]
    texts = [fe.read_doc(p) for _c, _n, p, _h in st.docs]
    E = np.array([[len(p.findall(t)) for p in pats] for t in texts], dtype=float)
    print("\n## 1. Extra regex features (held-out median / p90 / max |error| %)\n")
    print("| family | shipped 33 | + 14 regex features |")
    print("|---|---|---|")
    for f in st.Y:
        print(f"| {f} | {fmt(st.score(st.X, f))} | {fmt(st.score(np.column_stack([st.X, E]), f))} |")


def _units(enc, text: str) -> list[str]:
    """o200k tokens of ``text``, grouped so that every unit decodes to whole UTF-8 characters."""
    units, buf = [], b""
    for tok in enc.encode_ordinary(text):
        buf += enc.decode_single_token_bytes(tok)
        try:
            units.append(buf.decode("utf-8"))
        except UnicodeDecodeError:
            if len(buf) < 8:
                continue
            units.append(buf.decode("utf-8", "replace"))
        buf = b""
    return units


def anchored_and_translation(st: Setup) -> None:
    import numpy as np

    o200k = fe.Real("o200k_base").tik
    texts = [fe.read_doc(p) for _c, _n, p, _h in st.docs]
    t0 = time.perf_counter()
    units = [_units(o200k, t) for t in texts]
    print(f"\n(o200k units for {len(texts)} documents: {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    anchor = st.Y["o200k_base"]
    print("\n## 2-3. Anchored on the exact o200k count, and o200k-token translation (median / p90 / max %)\n")
    print("| family | shipped 33 | anchored (+ exact o200k) | translation alone | translation + 33 |")
    print("|---|---|---|---|---|")
    for f in st.Y:
        base = fmt(st.score(st.X, f))
        anch = fmt(st.score(np.column_stack([st.X, anchor]), f))
        if f == "o200k_base":
            print(f"| {f} | {base} | {anch} (trivial) | - | - |")
            continue
        real, memo = fe.Real(f), {}
        trans = np.zeros(len(texts))
        for i, us in enumerate(units):
            total = 0
            for u in us:
                v = memo.get(u)
                if v is None:
                    v = memo[u] = real.count(u)
                total += v
            trans[i] = total
        y = st.Y[f]
        raw = fe.summarize((trans[st.core] - y[st.core]) / y[st.core])
        both = fmt(st.score(np.column_stack([st.X, trans]), f))
        print(f"| {f} | {base} | {anch} | {fmt(raw)} | {both} |", flush=True)


def main(argv: list[str]) -> None:
    st = Setup()
    which = argv[0] if argv else "all"
    if which in ("all", "features"):
        features(st)
    if which in ("all", "anchored", "translation"):
        anchored_and_translation(st)


if __name__ == "__main__":
    main(sys.argv[1:])
