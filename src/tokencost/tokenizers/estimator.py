"""Fast token-count estimator, fitted against real tokenizers (see ``benchmarks/fit_estimator.py``).

Contract: ``estimate(text, family) -> int``, ``error_band(family) -> float`` (typical relative error:
the held-out 90th percentile of |error|), ``describe(family) -> str`` (method detail shown to users).

How it works: a token count is, to a good approximation, a linear function of a few dozen counts that
C-level ``bytes``/``int`` operations compute without a Python loop over characters:

* every character is mapped (``bytes.translate`` over its UTF-8 lead byte) to a bit set: letter,
  ASCII upper case, digit, space/tab, punctuation, newline, non-ASCII; the class counts come from
  ``bytes.count`` and the number of *runs* of each class (what a BPE pre-tokenizer cuts text into:
  words, digit groups, punctuation runs, line breaks) from one big-integer ``x ^ (x & (x << 8))``
  that marks where runs start, including upper case starting inside a word (camelCase, and the case
  switches that make base64 cost 2-3x more tokens than prose of the same length); plus long runs of spaces (indentation, alignment) and punctuation
  (separator lines) and non-ASCII letters inside words (accents, umlauts);
* non-ASCII text: counts per Unicode block from the UTF-16 high byte (Latin-1 letters, Latin
  extended, Cyrillic, symbols, CJK punctuation and kana, Han, Hangul, full-width forms, emoji),
  and a *per-character cost class* for Han from GB 2312, which the C codec tests in one pass:
  level 1 (the 3,755 most common characters), level 2 (3,008 less common ones) or neither
  (Traditional-only and rare characters, which byte-level vocabularies often split into 2-3 tokens).
  This is what separates Traditional from Simplified and literary from technical Chinese.
* texts over 256k characters are measured on every other 32k-character chunk and scaled
  (``sample=False`` measures everything; the sampling error is ~1 %, far below the model's own).

Texts under 2,000 characters use a second, short-text weight vector per family that also prices the text's
words and Han characters (``lexicon.py``): on a short prompt which words it holds matters more than how many
letters (held-out median error on 60-400 characters about 6 % -> 4-5 %).

A text under 64k characters made of blocks of CJK lines and of other lines (an English prompt followed by its
Chinese source) is estimated block by block (``segments``), each block with its own model and band, so a mix
is estimated as its parts are (``benchmarks/mixed.py``).

The coefficients per family are data (``tokenizers/data/estimator.json``), fitted by weighted least
squares (relative error, corpora balanced, a small ridge) on Debian text against the real
tokenizers; families without a public tokenizer use a documented proxy with a wider error band.
Only the standard library is used; loading the data takes a few milliseconds.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["FEATURES", "bounds", "describe", "error_band", "estimate", "features", "script_class"]

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


def _build_hi() -> bytes:
    """UTF-16 high byte (the character's 256-code-point block) -> class letter, for non-Latin-1 text."""
    t = bytearray(b"o" * 256)
    spans = (
        (0x01, 0x04, "x"),  # U+0100-03FF Latin extended, IPA, Greek
        (0x04, 0x05, "c"),  # U+0400-04FF Cyrillic
        (0x05, 0x08, "r"),  # U+0500-07FF Armenian, Hebrew, Arabic, ... (2 UTF-8 bytes, like the above)
        (0x08, 0x20, "i"),  # U+0800-1FFF Indic scripts, Thai, Lao, Myanmar, Georgian, Ethiopic, ...
        (0x20, 0x30, "p"),  # U+2000-2FFF general punctuation, symbols, arrows, box drawing, dingbats
        (0x30, 0x31, "k"),  # U+3000-30FF CJK punctuation, hiragana, katakana
        (0x34, 0x4E, "a"),  # U+3400-4DFF CJK extension A (rare Han)
        (0xAC, 0xD8, "g"),  # U+AC00-D7FF Hangul syllables
        (0xD8, 0xDC, "e"),  # high surrogates: one per character outside the BMP (emoji, CJK ext B+)
        (0xF9, 0x100, "f"),  # U+F900-FFFF compatibility ideographs, variation selectors, full-width forms
    )
    for lo, hi, code in spans:
        for c in range(lo, hi):
            t[c] = ord(code)
    return bytes(t)


def _build_gb() -> bytes:
    """GB 2312 lead byte -> class letter: the national character set sorts Han by frequency level."""
    t = bytearray(b"o" * 256)
    for c in range(0xA1, 0xA3):
        t[c] = ord("P")  # CJK punctuation and symbols
    t[0xA3] = ord("F")  # full-width ASCII forms
    t[0xA4] = ord("H")  # hiragana
    t[0xA5] = ord("K")  # katakana
    for c in range(0xB0, 0xD8):
        t[c] = ord("1")  # level 1: the 3,755 most common Han characters
    for c in range(0xD8, 0xF8):
        t[c] = ord("2")  # level 2: 3,008 less common ones
    return bytes(t)


_CLS = _build_cls()
_HI = _build_hi()
_GB = _build_gb()
_CONT = bytes(range(0x80, 0xC0))
_ASCII = bytes(range(0x80))
#: high bytes deleted before the block counts: Latin-1 (0x00), Han (0x4E-0x9F, counted as the difference)
#: and low surrogates (0xDC-0xDF, the second half of a character already counted)
_HI_DROP = bytes([0]) + bytes(range(0x4E, 0xA0)) + bytes(range(0xDC, 0xE0))
_NOT = {k: bytes(c for c in range(256) if not c & k) for k in (_L, _U, _D, _S, _P, _N, _X)}
_CHUNK = 1 << 15
_SAMPLE_FROM = 8 * _CHUNK  # characters

#: feature names, in the order of ``features()`` and of the coefficient vectors in the data file
FEATURES: tuple[str, ...] = (
    "chars", "utf8_bytes", "letters", "upper", "digit", "punct", "newline", "nonascii_sym",
    "word_runs", "upper_runs", "digit_runs", "punct_runs", "newline_runs", "nonascii_runs", "nonascii_in_word",
    "upper_in_word", "space4", "space16", "punct16",
    "latin1", "latin_ext", "cyrillic", "gen_punct", "cjk_kana", "cjk_ext_a", "hangul", "astral", "compat_fw",
    "rtl", "indic_etc", "other_script", "han", "gb_level1", "gb_level2",
)  # fmt: skip
_NF = len(FEATURES)


def _chunk_features(s: str, out: list[int]) -> None:
    b = s.encode("utf-8", "surrogatepass")
    cls = b.translate(_CLS, _CONT)
    n = len(cls)
    # letters (ASCII lower case and non-ASCII letters) dominate most text: count the rest on a shorter string
    rest = cls.translate(None, b"\x01\x81")
    c = rest.count
    upper, digit, newline = c(3), c(4), c(32)
    x = int.from_bytes(cls, "little")
    # one byte per character with the class bits that start a run there; no-run and space-run bytes dropped
    z = (x ^ (x & (x << 8))).to_bytes(n + 1, "little").translate(None, b"\x00\x08")
    starts = z.translate
    extra = len(b) - n  # UTF-8 continuation bytes
    vals = [
        n, len(b), n - len(rest), upper, digit, c(16), newline, c(144) if extra else 0,
        len(starts(None, _NOT[_L])),
        len(starts(None, _NOT[_U])) if upper else 0,
        len(starts(None, _NOT[_D])) if digit else 0,
        len(starts(None, _NOT[_P])),
        len(starts(None, _NOT[_N])) if newline else 0,
        len(starts(None, _NOT[_X])) if extra else 0,
        z.count(b"\x80") if extra else 0,  # a non-ASCII letter inside a word (umlauts, accents)
        z.count(b"\x02") if upper else 0,  # lower -> upper inside a word: camelCase humps, base64
        cls.count(b"\x08\x08\x08\x08"), cls.count(b"\x08" * 16), cls.count(b"\x10" * 16),
    ]  # fmt: skip
    if extra:
        # mostly-ASCII text: work on its non-ASCII characters only
        u = s if extra * 4 > n else b.translate(None, _ASCII).decode("utf-8", "surrogatepass")
        hi = u.encode("utf-16-le", "surrogatepass")[1::2]
        wide = hi.translate(None, b"\x00")  # characters outside Latin-1
        small = hi.translate(_HI, _HI_DROP)  # ... and not Han
        k = small.count
        cx, cc, cp, ck, ca, cg, ce, cf = (
            k(b"x"),
            k(b"c"),
            k(b"p"),
            k(b"k"),
            k(b"a"),
            k(b"g"),
            k(b"e"),
            k(b"f"),
        )
        other = len(small) - (cx + cc + cp + ck + ca + cg + ce + cf)
        cr, ci = (k(b"r"), k(b"i")) if other else (0, 0)
        other -= cr + ci
        han = len(wide) - len(small) - ce  # low surrogates were dropped from small but not from wide
        # UTF-8 length is 2 bytes below U+0800, 3 in the rest of the BMP, 4 outside: solve for the
        # Latin-1 supplement characters (accented letters), which share the high byte 0 with ASCII
        two = cx + cc + cr
        latin1 = extra - 2 * (len(wide) - 2 * ce - two) - 3 * ce - two
        vals += [latin1, cx, cc, cp, ck, ca, cg, ce, cf, cr, ci, other, han]
        if han:
            g = u.encode("gb2312", "ignore").translate(_GB, _ASCII)[::2]
            rest1 = g.translate(None, b"1")
            vals += [len(g) - len(rest1), rest1.count(b"2")]
    for i, v in enumerate(vals):
        out[i] += v


_last: list = [None, None, None]


def features(text: str, sample: bool = True) -> list[float]:
    """The feature counts of ``text`` (see ``FEATURES``).

    With ``sample`` (the default), a text longer than ``_SAMPLE_FROM`` characters is measured on every
    other 32k-character chunk and the counts are scaled to the whole text: twice the speed on large
    inputs for a sampling error far below the model's own (see benchmarks/README.md).
    """
    if _last[0] is text and _last[2] == sample:
        return _last[1]
    out = [0] * _NF
    n = len(text)
    if n <= _CHUNK:
        _chunk_features(text, out)
    elif not sample or n <= _SAMPLE_FROM:
        for i in range(0, n, _CHUNK):
            _chunk_features(text[i : i + _CHUNK], out)
    else:
        seen = 0
        for i in range(0, n, 2 * _CHUNK):
            piece = text[i : i + _CHUNK]
            seen += len(piece)
            _chunk_features(piece, out)
        scale = n / seen
        out = [v * scale for v in out]
    _last[0], _last[1], _last[2] = text, out, sample
    return out


# ------------------------------------------------------------------------------------------- the model
@lru_cache(maxsize=1)
def _data() -> dict:
    path = Path(__file__).parent / "data" / "estimator.json"
    if path.is_file():  # a plain install: read without importlib.resources (~5 ms of a cold command)
        raw = path.read_text("utf-8")
    else:
        from importlib import resources

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


_HAN = FEATURES.index("han")
_SHORT_BELOW = 2000  # = lexicon.SHORT_BELOW (not imported: long texts never load the lexicon module)


def estimate(text: str, family: str, *, sample: bool = True) -> int:
    """Estimated token count of ``text`` for ``family`` (no special tokens); 0 for empty text. Texts under
    2,000 characters use the family's short-text weights and word/Han costs (``lexicon``) when fitted; a
    text of CJK and non-CJK blocks is the sum of its blocks' estimates (``segments``).

    ``sample=False`` measures every character of a large text (half the speed, see ``features``)."""
    if not text:
        return 0
    parts = segments(text)
    if len(parts) > 1:
        return sum(_estimate(p, family, sample) for p in parts)
    return _estimate(text, family, sample)


def _estimate(text: str, family: str, sample: bool) -> int:
    fam = _family(family)
    f = x = features(text, sample)
    short = fam.get("short")
    if short and len(text) < _SHORT_BELOW:
        # a short text: its own weights, which also price its words and Han characters (``lexicon``)
        from tokencost.tokenizers import lexicon

        x = [*f, *lexicon.extra_features(text, short["lexicon"], f[2] > 0, f[_HAN] > 0)]
        w = short["weights"]
    else:
        w = fam["weights"]
    est = sum(a * b for a, b in zip(w, x, strict=False) if b)
    # physical bounds of a byte-level vocabulary: at least one token, at most one per UTF-8 byte
    return max(1, min(round(est), round(f[1])))


# ----------------------------------------------------------------------------------- mixed-script text
_CJK_CHARS = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f"
)
#: a run of lines each holding a kana, Han or Hangul character or a full-width form (not the variation selectors
#: of emoji that share the estimator's ``compat_fw`` block), blank lines between them included. Anchored at line
#: starts, and the scan to a line's first CJK character is atomic (a lookahead's capture matched again: Python
#: 3.10 has no possessive quantifier), so a line without one costs two passes, not one per character
_CJK_LINES_PATTERN = (
    f"(?m)^(?:(?=([^\\n{_CJK_CHARS}]*))\\1[{_CJK_CHARS}][^\\n]*(?:\\n|\\Z)(?:[ \\t\\r]*\\n)*)+"
)
_SEGMENT_BELOW = 1 << 16  # characters: longer texts (and the chunks of larger ones) are estimated whole
MIN_SEGMENT = 200  # characters: a shorter run of CJK or non-CJK lines stays with its neighbours


@lru_cache(maxsize=1)
def _cjk_line():
    import re

    return re.compile(_CJK_LINES_PATTERN)


def segments(text: str) -> list[str]:
    """``text`` cut at line breaks into blocks of CJK lines and of other lines, each at least
    ``MIN_SEGMENT`` characters (shorter runs join the block before them); ``[text]`` when there is one
    block. An English prompt followed by its Chinese source is two texts to a tokenizer-like estimate:
    each block gets its own model (short or whole-document weights) and its own script's band."""
    n = len(text)
    if n < 2 * MIN_SEGMENT or n >= _SEGMENT_BELOW:
        return [text]
    f = features(text)
    if not any(f[i] for i in _CJK) or sum(f[i] for i in _CJK) >= 0.9 * f[0]:
        return [text]
    raw: list[list] = []  # [is_cjk, start, end] of maximal runs of CJK lines and of other lines
    pos = 0
    for m in _cjk_line().finditer(text):
        start, end = m.span()
        if start > pos and text[pos:start].strip():
            raw.append([False, pos, start])
        if raw and raw[-1][0]:
            raw[-1][2] = end  # CJK lines, possibly with blank lines between them
        else:
            raw.append([True, raw[-1][2] if raw else start, end])
        pos = end
    if pos < n:
        if raw and (raw[-1][0] is False or not text[pos:].strip()):
            raw[-1][2] = n
        else:
            raw.append([False, pos, n])
    raw[0][1] = 0
    runs: list[list] = []
    for kind, start, end in raw:
        if runs and end - start < MIN_SEGMENT:
            runs[-1][2] = end  # too short to stand alone: the block before it goes on
        elif runs and (runs[-1][0] == kind or runs[-1][2] - runs[-1][1] < MIN_SEGMENT):
            runs[-1][0], runs[-1][2] = kind, end  # the same kind, or the block before is too short
        else:
            runs.append([kind, start, end])
    if len(runs) < 2:
        return [text]
    return [text[s:e] for _, s, e in runs]


#: feature indices of the script mix that decides a text's band class
_NONASCII = tuple(range(FEATURES.index("latin1"), FEATURES.index("han") + 1))
_CJK = tuple(FEATURES.index(f) for f in ("cjk_kana", "cjk_ext_a", "hangul", "compat_fw", "han"))
_CJK_CORE = tuple(FEATURES.index(f) for f in ("cjk_kana", "cjk_ext_a", "hangul", "han"))
_EUROPEAN = tuple(FEATURES.index(f) for f in ("latin1", "latin_ext", "cyrillic", "gen_punct"))
#: the script classes a band is fitted for, in the order they are tested (a text of CJK and non-CJK blocks,
#: ``blocks``, has none of its own: each block has its class)
SCRIPT_CLASSES = ("cjk", "latin", "european", "mixed", "other")


def script_class(text: str) -> str:
    """The script mix an estimate's error depends on, besides its length: ``cjk`` (at least 30 % Han, kana
    or Hangul), ``latin`` (under 10 % non-ASCII), ``european`` (the non-ASCII mostly accented Latin, Greek,
    Cyrillic or punctuation), ``mixed`` (Latin text with CJK lines or words among it: a Chinese man page,
    Japanese prose full of English terms) or ``other`` (Arabic, Indic, Thai, emoji, ...: the least
    predictable); ``blocks`` for a text of CJK and non-CJK blocks, each of its own class (``segments``)."""
    if len(segments(text)) > 1:
        return "blocks"
    f = features(text)
    chars = f[0] or 1
    cjk = sum(f[i] for i in _CJK)
    if cjk >= 0.3 * chars:
        return "cjk"
    nonascii = sum(f[i] for i in _NONASCII)
    if nonascii < 0.1 * chars:
        return "latin"
    european = sum(f[i] for i in _EUROPEAN)
    if european >= 0.6 * nonascii:
        return "european"
    if sum(f[i] for i in _CJK_CORE) >= 0.5 * nonascii and cjk + european >= 0.9 * nonascii:
        return "mixed"
    return "other"


#: text lengths (characters) where a band's relative width changes: the shorter the text, the wider
LENGTH_EDGES = (60, 150, 400, 1000, 2000)


def _bound(est: int, rel: float, side: int) -> int:
    """One side of a band: ``est`` moved by the relative part ``rel`` and rounded outwards."""
    import math

    return math.floor(est * (1 - rel)) if side < 0 else math.ceil(est * (1 + rel))


def bounds(text: str, family: str, est: int | None = None) -> tuple[int, int]:
    """Inclusive ``(low, high)`` token bounds of ``text``'s count for ``family``, fitted per script class
    and text length to hold the exact count for at least 9 texts in 10 (``benchmarks/bands.py``); a text of
    CJK and non-CJK blocks (``segments``) carries the sum of its blocks' bands."""
    if not text:
        return 0, 0
    if est is None:
        est = estimate(text, family)
    parts = segments(text)
    if len(parts) > 1:
        below = above = 0
        for p in parts:
            n = _estimate(p, family, True)
            low, high = _bounds(p, family, n)
            below, above = below + n - low, above + high - n
        low, high = est - below, est + above
    else:
        low, high = _bounds(text, family, est)
    # physical limits of a byte-level vocabulary: one token at least, one per UTF-8 byte at most
    return max(1, min(low, est)), max(est, min(high, round(features(text)[1])))


def _bounds(text: str, family: str, est: int) -> tuple[int, int]:
    """One block's band: its script class and length cell."""
    fam = _family(family)
    bands = fam.get("bands")
    if bands:
        cls = bands.get(script_class(text)) or bands["other"]
        k = sum(len(text) >= edge for edge in LENGTH_EDGES)
        return _bound(est, cls["lo"][k], -1), _bound(est, cls["hi"][k], 1)
    band = float(fam["band"])  # data without fitted bands: the flat held-out p90
    return _bound(est, band, -1), _bound(est, band, 1)


def error_band(family: str) -> float:
    """Stated typical relative error of ``estimate`` for ``family`` (held-out p90 |error|)."""
    return float(_family(family)["band"])


def describe(family: str) -> str:
    """One line on how the estimate for ``family`` is made and how good it is."""
    return str(_family(family)["describe"])
