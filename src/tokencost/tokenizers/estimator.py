"""Fast token-count estimator, fitted against real tokenizers (see ``benchmarks/fit_estimator.py``).

Contract: ``estimate(text, family) -> int``, ``error_band(family) -> float`` (typical relative error:
the held-out 90th percentile of |error|), ``describe(family) -> str`` (method detail shown to users).

How it works: a token count is, to a good approximation, a linear function of a few dozen counts that
C-level ``bytes``/``int`` operations compute without a Python loop over characters:

* every character is mapped (``bytes.translate`` over its UTF-8 lead byte) to a bit set: letter,
  ASCII upper case, digit, space, punctuation, newline, tab, non-ASCII; the counts of each class and
  the number of *runs* of each class (pre-tokenizer chunks: words, digit groups, space runs, ...) come
  from ``bytes.count`` and from one big-integer ``x & ~(x << 8)`` that marks where runs start;
* long runs: occurrences of 3 digits, 4 spaces, 4 punctuation marks, 8 lower-case letters in a row;
* non-ASCII text: counts per Unicode block (Latin extensions, Cyrillic, CJK punctuation, kana,
  Han, Hangul, full-width forms, emoji, ZWJ / VS16), and *per-character cost classes* for Han and
  Hangul taken from the national character sets, which the C codecs test in one pass each: GB 2312
  level 1 (3,755 most common Simplified characters) and level 2, Big5 common (5,401) and less common
  Traditional characters, JIS X 0208 level 1 and 2 kanji, KS X 1001 Hangul (2,350 common syllables).
  A character outside them is rare, and rare characters cost 2-3 byte-level tokens; Traditional
  characters are mostly outside GB 2312, literary text is richer in level-2 characters.

The coefficients per family are data (``tokenizers/data/estimator.json``), fitted by weighted least
squares (relative error) on Debian text against the real tokenizers; families without a public
tokenizer use a documented proxy with a wider error band. Only the standard library is used.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

__all__ = ["FEATURES", "describe", "error_band", "estimate", "features"]

# ---------------------------------------------------------------------------------------- class tables
_L, _U, _D, _S, _P, _N, _X = 1, 2, 4, 8, 16, 32, 128


def _build_cls() -> bytes:
    t = bytearray(256)
    for c in range(128):
        ch = chr(c)
        if ch.islower():
            t[c] = _L
        elif ch.isupper():
            t[c] = _L | _U
        elif ch.isdigit():
            t[c] = _D
        elif ch == " ":
            t[c] = _S
        elif ch in "\r\n":
            t[c] = _N
        elif ch == "\t":
            t[c] = _S  # tabs and spaces: one whitespace class
        else:
            t[c] = _P
    for c in range(0xC0, 0x100):
        # lead byte of a multi-byte character: E2 (punctuation, symbols), EE (private use),
        # EF (full-width forms, variation selectors) and 4-byte characters (emoji) count as punctuation
        t[c] = _X | (_P if c in (0xE2, 0xEE, 0xEF) or c >= 0xF0 else _L)
    return bytes(t)


def _build_lead() -> bytes:
    t = bytearray(b" " * 256)
    spans = (
        (0xC0, 0xD0, "l"),  # U+0080-03FF Latin-1 supplement, Latin extended, IPA, Greek
        (0xD0, 0xD5, "c"),  # U+0400-053F Cyrillic
        (0xD5, 0xE0, "r"),  # U+0540-07FF Armenian, Hebrew, Arabic, ...
        (0xE0, 0xE2, "i"),  # U+0800-1FFF Indic, Thai, Georgian, ...
        (0xE2, 0xE3, "p"),  # U+2000-2FFF general punctuation, symbols, box drawing
        (0xE3, 0xE4, "k"),  # U+3000-3FFF CJK punctuation, kana, CJK extension A
        (0xE4, 0xEA, "h"),  # U+4000-9FFF CJK unified ideographs
        (0xEA, 0xEE, "g"),  # U+A000-DFFF Hangul syllables (and Yi, surrogates)
        (0xEE, 0xEF, "u"),  # U+E000-EFFF private use
        (0xEF, 0xF0, "f"),  # U+F000-FFFF compatibility ideographs, full-width forms
        (0xF0, 0x100, "e"),  # U+10000- emoji, CJK extension B+
    )
    for lo, hi, code in spans:
        for c in range(lo, hi):
            t[c] = ord(code)
    return bytes(t)


_CLS = _build_cls()
_LEAD = _build_lead()
_CONT = bytes(range(0x80, 0xC0))
_ASCII = bytes(range(0x80))
_NOT = {k: bytes(c for c in range(256) if not c & k) for k in (_L, _U, _D, _S, _P, _N, _X)}
_CHUNK = 1 << 15

#: feature names, in the order of ``features()`` and of the coefficient vectors in the data file
FEATURES: tuple[str, ...] = (
    "chars", "utf8_bytes", "upper", "digit", "space", "punct", "newline", "lower",
    "word_runs", "upper_runs", "digit_runs", "space_runs", "punct_runs", "newline_runs",
    "nonascii_runs", "digit3", "space4", "punct4", "lower8",
    "latin_ext", "cyrillic", "cyrillic6", "rtl", "indic", "gen_punct", "cjk_3000", "han", "hangul_blk",
    "private", "fullwidth_blk", "astral",
    "cjk_punct", "kana_3040", "kana_3080", "kana_30c0", "fullwidth_punct", "vs16", "zwj", "box",
    "gb1", "gb2", "big5_1", "big5_2", "jis1", "jis2", "ksx_hangul",
)  # fmt: skip
_NF = len(FEATURES)


def _lead_counts(leads: bytes, lo: int, mid: int, hi: int) -> tuple[int, int]:
    """Counts of lead bytes in [lo, mid) and [mid, hi) (one byte string of leads)."""
    a = len(leads.translate(None, _OUTSIDE[(lo, mid)]))
    b = len(leads.translate(None, _OUTSIDE[(mid, hi)]))
    return a, b


_OUTSIDE = {
    r: bytes(c for c in range(256) if not r[0] <= c < r[1])
    for r in (
        (0xB0, 0xD8),
        (0xD8, 0xF8),
        (0xA4, 0xC7),
        (0xC9, 0xFA),
        (0xB0, 0xD0),
        (0xD0, 0xF5),
        (0xB0, 0xC9),
    )
}


def _chunk_features(s: str, out: list[int]) -> None:
    b = s.encode("utf-8", "surrogatepass")
    cls = b.translate(_CLS, _CONT)
    n = len(cls)
    # most characters of Latin-script text are lower-case letters: count the rest on a shorter string
    rest = cls.translate(None, b"\x01")
    c = rest.count
    x = int.from_bytes(cls, "little")
    # one byte per character, the class bits that start a run there; zero bytes dropped
    starts = (x ^ (x & (x << 8))).to_bytes(n + 1, "little").translate(None, b"\x00").translate
    cc = cls.count
    vals = (
        n, len(b), c(3), c(4), c(8), c(16), c(32), n - len(rest),
        len(starts(None, _NOT[_L])), len(starts(None, _NOT[_U])), len(starts(None, _NOT[_D])),
        len(starts(None, _NOT[_S])), len(starts(None, _NOT[_P])), len(starts(None, _NOT[_N])),
        len(starts(None, _NOT[_X])) if n != len(b) else 0,
        c(b"\x04\x04\x04"), c(b"\x08\x08\x08\x08"), c(b"\x10\x10\x10\x10"), cc(b"\x01" * 8),
    )  # fmt: skip
    for i, v in enumerate(vals):
        out[i] += v
    if n == len(b):  # pure ASCII
        return
    lead = b.translate(_LEAD, _CONT)
    lc = lead.count
    bc = b.count
    han = lc(b"h")
    hangul = lc(b"g")
    more = [
        lc(b"l"), lc(b"c"), lc(b"cccccc"), lc(b"r"), lc(b"i"), lc(b"p"), lc(b"k"), han, hangul,
        lc(b"u"), lc(b"f"), lc(b"e"),
        bc(b"\xe3\x80"), bc(b"\xe3\x81"), bc(b"\xe3\x82"), bc(b"\xe3\x83"), bc(b"\xef\xbc") + bc(b"\xef\xbd"),
        bc(b"\xef\xb8\x8f"), bc(b"\xe2\x80\x8d"), bc(b"\xe2\x94") + bc(b"\xe2\x95"),
    ]  # fmt: skip
    if han or hangul:
        wide = b.translate(None, _ASCII).decode("utf-8", "surrogatepass")
        if han:
            more += _lead_counts(wide.encode("gb2312", "ignore")[::2], 0xB0, 0xD8, 0xF8)
            big5 = wide.encode("big5", "ignore")[::2]
            more += (
                len(big5.translate(None, _OUTSIDE[(0xA4, 0xC7)])),
                len(big5.translate(None, _OUTSIDE[(0xC9, 0xFA)])),
            )
            more += _lead_counts(wide.encode("euc_jp", "ignore")[::2], 0xB0, 0xD0, 0xF5)
        else:
            more += (0, 0, 0, 0, 0, 0)
        more.append(
            len(wide.encode("euc_kr", "ignore")[::2].translate(None, _OUTSIDE[(0xB0, 0xC9)])) if hangul else 0
        )
    else:
        more += (0,) * 7
    for i, v in enumerate(more, 19):
        out[i] += v


_last: list = [None, None]


def features(text: str) -> list[int]:
    """The feature counts of ``text`` (see ``FEATURES``)."""
    if _last[0] is text:
        return _last[1]
    out = [0] * _NF
    if len(text) <= _CHUNK:
        _chunk_features(text, out)
    else:
        for i in range(0, len(text), _CHUNK):
            _chunk_features(text[i : i + _CHUNK], out)
    _last[0], _last[1] = text, out
    return out


# ------------------------------------------------------------------------------------------- the model
@lru_cache(maxsize=1)
def _data() -> dict:
    raw = resources.files("tokencost.tokenizers").joinpath("data", "estimator.json").read_text("utf-8")
    data = json.loads(raw)
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError("tokenizers/data/estimator.json does not match this estimator's features")
    return data


def _family(family: str) -> dict:
    fams = _data()["families"]
    if family in fams:
        return fams[family]
    # user-supplied tokenizer files (huggingface:/tiktoken:) and unknown ids: the generic estimate
    return fams["generic"]


def estimate(text: str, family: str) -> int:
    """Estimated token count of ``text`` for ``family`` (no special tokens); 0 for empty text."""
    if not text:
        return 0
    w = _family(family)["weights"]
    f = features(text)
    est = sum(a * b for a, b in zip(w, f, strict=False) if b)
    return max(1, round(est))


def error_band(family: str) -> float:
    """Stated typical relative error of ``estimate`` for ``family`` (held-out p90 |error|)."""
    return float(_family(family)["band"])


def describe(family: str) -> str:
    """One line on how the estimate for ``family`` is made and how good it is."""
    return str(_family(family)["describe"])
