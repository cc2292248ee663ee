"""Estimate bands: every estimated count carries inclusive low/high bounds that hold the exact count for at
least 9 texts in 10, at every length (fitted and measured on the corpus by benchmarks/bands.py; here checked
on text the bands never saw: the bundled examples and Python's own sources)."""

from __future__ import annotations

import argparse
import inspect
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.cli import cli
from tokencost.tokenizers import count_tokens, estimator, get_counter
from tokencost.tokenizers.ranges import RangeTally

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "examples").rglob("*.txt"))]
    return texts + [inspect.getsource(m)[:20000] for m in (json, argparse)]


def _snippets() -> list[str]:
    """Random cuts of 20-60, 60-400 and 400-2,000 characters, as prompts are made."""
    rng = random.Random(7)
    out = []
    for text in _texts():
        for lo, hi in ((20, 60), (60, 400), (400, 2000)):
            for _ in range(15):
                n = rng.randrange(lo, min(hi, len(text)))
                start = rng.randrange(0, max(1, len(text) - n))
                out.append(text[start : start + n])
    return out


@pytest.mark.parametrize(
    "family",
    [
        "o200k_base",
        "cl100k_base",
        "deepseek-v3",
        "qwen2",
        "qwen3.5",
        "mistral-tekken",
        "llama3",  # ran ~12 % low on the Chinese support prompts before short texts priced their Han characters
    ],
)
def test_band_holds_the_exact_count_for_nine_texts_in_ten(family):
    exact = get_counter(family)
    if not exact.exact:
        pytest.skip(f"{family}: exact tokenizer not installed (tokenizers extra)")
    estimate = get_counter(family, estimate=True)
    hits = []
    for text in _snippets():
        _tokens, low, high = estimate.count_range(text)
        hits.append(low <= exact.count(text) <= high)
    assert sum(hits) / len(hits) >= 0.9, f"{family}: band held on {sum(hits)}/{len(hits)} snippets"


def test_short_chinese_prompt_from_the_issue_is_inside_its_band():
    # 12 characters: estimated 9 (one constant band: 8-9) for deepseek-v3 where the exact count is 7 (+29 %);
    # pricing its merged two-character words (你好, 世界, 今天, 天气, 很好) the estimate is now 7
    count = count_tokens("你好，世界。今天天气很好", tokenizer="deepseek-v3", estimate=True)
    assert count.low <= 7 <= count.high
    assert not count.exact
    assert f"range {count.low}–{count.high} tokens" in count.method


def test_exact_count_has_a_zero_width_range():
    count = count_tokens("hello world", tokenizer="o200k_base")
    assert count.exact and count.low == count.high == count.tokens == 2
    assert "range" not in count.method
    assert count.as_dict()["low"] == 2 and count.as_dict()["high"] == 2


def test_bands_are_relatively_wider_for_short_texts():
    short = "The cat sat on the mat today."
    long = (short + " ") * 200
    est_s, est_l = estimator.estimate(short, "o200k_base"), estimator.estimate(long, "o200k_base")
    lo_s, hi_s = estimator.bounds(short, "o200k_base", est_s)
    lo_l, hi_l = estimator.bounds(long, "o200k_base", est_l)
    assert (hi_s - lo_s) / est_s > (hi_l - lo_l) / est_l


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_bounds_bracket_the_estimate_and_respect_physical_limits(text):
    for family in ("o200k_base", "deepseek-v3", "claude", "claude-4.7", "generic"):
        est = estimator.estimate(text, family)
        low, high = estimator.bounds(text, family, est)
        assert 1 <= low <= est <= high
        assert high <= max(est, len(text.encode("utf-8", "surrogatepass")))


def test_script_class_separates_scripts():
    assert estimator.script_class("plain English text, nothing else") == "latin"
    assert estimator.script_class("今天天气很好，我们去公园散步吧") == "cjk"
    assert estimator.script_class("Größenordnung überprüfen für Straßenbahn") == "european"
    assert estimator.script_class("Привет, как дела? Всё хорошо") == "european"
    assert estimator.script_class("مرحبا بالعالم كيف حالك اليوم") == "other"
    assert estimator.script_class("Run `apt-get install foo` to 安装软件包 first") == "mixed"
    assert (
        estimator.script_class("❤️ 🎉 ✨ party time ❤️") == "other"
    )  # emoji's variation selectors are not CJK


def test_every_fitted_family_has_bands_for_every_script_class():
    data = json.loads((ROOT / "src/tokencost/tokenizers/data/estimator.json").read_text())
    for family, spec in data["families"].items():
        assert set(spec["bands"]) == set(estimator.SCRIPT_CLASSES), family
        for side in ("lo", "hi"):
            cells = spec["bands"]["latin"][side]
            assert len(cells) == len(estimator.LENGTH_EDGES) + 1
            # within the short-text model; whole documents (last cell) are another model with their own band
            short = cells[:-1]
            assert short == sorted(short, reverse=True), f"{family}: shorter texts must not be narrower"


def test_range_tally_sums_the_bands_of_pieces():
    tally = RangeTally(get_counter("claude"))
    pieces = ["Hello there, how are you?", "今天天气很好", "def f(x):\n    return x * 2\n"]
    total = sum(tally(p) for p in pieces)
    low, high = tally.bounds(total)
    each = [get_counter("claude").count_range(p) for p in pieces]
    assert (low, high) == (sum(e[1] for e in each), sum(e[2] for e in each))


def test_count_json_carries_low_and_high(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("你好，世界。今天天气很好。我们明天再见。", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["count", str(path), "--tokenizer", "claude", "--tokenizer", "o200k_base", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    claude, o200k = doc["results"]
    assert claude["low"] < claude["tokens"] < claude["high"]
    assert f"range {claude['low']}–{claude['high']} tokens" in claude["method"]
    assert o200k["low"] == o200k["tokens"] == o200k["high"]


def test_count_per_file_and_messages_carry_bounds(tmp_path):
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps({"messages": [{"role": "user", "content": "Summarise the attached report."}]}))
    result = CliRunner().invoke(
        cli, ["count", str(chat), "--messages", "--tokenizer", "claude", "--per-file", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["low"] < doc["tokens"] < doc["high"]
    assert doc["files"][0]["low"] == doc["low"] and doc["files"][0]["high"] == doc["high"]
