"""``count --explain``: where the tokens come from, by script.

The text is cut into runs of one script class (Latin, Han Simplified, Han Traditional, Kana, Hangul, other
letters, digits, symbols and punctuation, emoji, whitespace); every run is tokenized alone with each family,
and the tokens are summed per class. Tokens per character per class then show why the same Chinese text
costs more on one vendor than another. A single space before a word stays with the word (tokenizers
glue it on: " word"). Runs tokenized alone do not add up exactly to the whole text (BPE
merges across run edges, e.g. " word" or "，世界"); the whole-text total is reported beside them.

Simplified vs Traditional: characters that exist in only one written form come from Unicode's
``Unihan_Variants.txt`` (``data/han_variants.txt``); a Han run is Traditional when it has more
Traditional-only than Simplified-only characters, and a run with neither follows the previous run
(else the whole text's majority).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

LATIN = "Latin"
HAN_S = "Han (Simplified)"
HAN_T = "Han (Traditional)"
HAN = "Han"
KANA = "Kana"
HANGUL = "Hangul"
OTHER_LETTERS = "Other letters"
DIGITS = "Digits"
SYMBOLS = "Symbols & punctuation"
EMOJI = "Emoji"
WHITESPACE = "Whitespace"

ORDER = (LATIN, HAN_S, HAN_T, KANA, HANGUL, OTHER_LETTERS, DIGITS, SYMBOLS, EMOJI, WHITESPACE)


@lru_cache(maxsize=1)
def han_variants() -> tuple[frozenset[str], frozenset[str]]:
    """(Simplified-only, Traditional-only) Han characters."""
    text = resources.files("tokencost.tokenizers").joinpath("data/han_variants.txt").read_text("utf-8")
    simplified: frozenset[str] = frozenset()
    traditional: frozenset[str] = frozenset()
    for line in text.splitlines():
        if line.startswith("S "):
            simplified = frozenset(line[2:])
        elif line.startswith("T "):
            traditional = frozenset(line[2:])
    return simplified, traditional


def _is_han(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
        or cp == 0x3007
    )


def _is_emoji(cp: int) -> bool:
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or cp in (0x200D, 0xFE0F, 0x20E3, 0x2B50, 0x2B55, 0x2B1B, 0x2B1C)
        or 0xE0020 <= cp <= 0xE007F
    )


def _is_latin(cp: int) -> bool:
    return (
        cp < 0x250
        or 0x1E00 <= cp <= 0x1EFF
        or 0x2C60 <= cp <= 0x2C7F
        or 0xA720 <= cp <= 0xA7FF
        or 0xFB00 <= cp <= 0xFB06
        or 0xFF21 <= cp <= 0xFF5A
    )


def classify(ch: str) -> str:
    """Script class of one character (Han is refined to Simplified/Traditional per run)."""
    cp = ord(ch)
    if ch.isspace():
        return WHITESPACE
    if _is_han(cp):
        return HAN
    if _is_emoji(cp):
        return EMOJI
    if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F:
        return KANA if ch.isalpha() or cp == 0x30FC else SYMBOLS
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return HANGUL
    category = unicodedata.category(ch)
    if category == "Nd":
        return DIGITS
    if category[0] == "L":
        return LATIN if _is_latin(cp) else OTHER_LETTERS
    return SYMBOLS


def runs(text: str) -> list[tuple[str, str]]:
    """(class, run) pairs covering ``text``; combining marks stay with the character before them."""
    out: list[list] = []
    for ch in text:
        cls = classify(ch)
        if out and (cls == out[-1][0] or (unicodedata.category(ch)[0] == "M" and cls == SYMBOLS)):
            out[-1][1].append(ch)
        else:
            out.append([cls, [ch]])
    simplified, traditional = han_variants()
    pairs: list[tuple[str, str]] = []
    pending_space = False
    for cls, chars in out:
        run = "".join(chars)
        if cls == WHITESPACE and run.endswith(" ") and not run.endswith("  "):
            # tokenizers glue one space to the word after it (" word"): keep it with a following letter run
            if len(run) > 1:
                pairs.append((cls, run[:-1]))
            pending_space = True
            continue
        if pending_space:
            if cls in (LATIN, OTHER_LETTERS):
                run = " " + run
            else:
                pairs.append((WHITESPACE, " "))
            pending_space = False
        pairs.append((cls, run))
    if pending_space:
        pairs.append((WHITESPACE, " "))
    decided: list[str | None] = []
    for cls, run in pairs:
        if cls != HAN:
            decided.append(None)
            continue
        s = sum(ch in simplified for ch in run)
        t = sum(ch in traditional for ch in run)
        decided.append(HAN_T if t > s else HAN_S if s > t else None)
    han_total_s = sum(1 for d in decided if d == HAN_S)
    han_total_t = sum(1 for d in decided if d == HAN_T)
    default = HAN_T if han_total_t > han_total_s else HAN_S
    result = []
    previous = None
    for (cls, run), variant in zip(pairs, decided, strict=True):
        if cls == HAN:
            variant = variant or previous or default
            previous = variant
            cls = variant
        result.append((cls, run))
    return result


@dataclass
class ScriptRow:
    script: str
    characters: int = 0
    share: float = 0.0
    tokens: dict[str, int] = field(default_factory=dict)


@dataclass
class Explanation:
    characters: int
    rows: list[ScriptRow]
    totals: dict[str, int]
    counters: list


def explain_text(text: str, counters: Sequence) -> Explanation:
    """Per-script characters and tokens (runs tokenized alone) for each counter, and whole-text totals."""
    rows: dict[str, ScriptRow] = {}
    caches: dict[str, dict[str, int]] = {counter.family: {} for counter in counters}
    for cls, run in runs(text):
        row = rows.setdefault(cls, ScriptRow(cls, tokens={c.family: 0 for c in counters}))
        row.characters += len(run)
        for counter in counters:
            cache = caches[counter.family]
            tokens = cache.get(run)
            if tokens is None:
                tokens = counter.count(run)
                if len(run) < 64:
                    cache[run] = tokens
            row.tokens[counter.family] += tokens
    total_chars = len(text)
    ordered = [rows[name] for name in ORDER if name in rows]
    for row in ordered:
        row.share = row.characters / total_chars if total_chars else 0.0
    totals = {counter.family: counter.count(text) for counter in counters}
    return Explanation(total_chars, ordered, totals, list(counters))
