"""Short texts are estimated with their words and Han characters priced (``tokenizers/lexicon.py``): on a short
prompt the error of a character-class model is mostly which words it holds, not how many letters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokencost.tokenizers import estimator, get_counter, lexicon

DATA = Path(__file__).resolve().parents[1] / "src/tokencost/tokenizers/data"


def test_every_family_has_short_text_weights_over_the_lexicon():
    names = lexicon._raw()[0]
    data = json.loads((DATA / "estimator.json").read_text())
    for family, spec in data["families"].items():
        short = spec["short"]
        assert len(short["weights"]) == len(estimator.FEATURES) + len(lexicon.EXTRA), family
        assert short["lexicon"] and set(short["lexicon"]) <= set(names), family


def test_lexicon_knows_common_words_and_characters():
    names = lexicon._raw()[0]
    words, han = lexicon._table(), lexicon.han_table(set("的我们客服"))
    assert "o200k_base" in names and "qwen2" in names
    for item in ("the", "customer", "return"):
        assert item in words and item not in han, item
    for item in ("的", "我们", "客服"):
        assert item in han and item not in words, item
    # one digit per tokenizer: extra tokens beyond the first
    assert words["the"] == b"0" * len(names)


def test_rare_words_cost_more_than_common_words_of_the_same_shape():
    common = "The order will ship today and the refund goes back to your card."
    rare = "Thq orbwz wilp shyp todqx anj thw refvnd gozs bacq tu yoxr cxrd."
    for family in ("o200k_base", "cl100k_base", "claude", "claude-4.7", "generic"):
        assert estimator.estimate(rare, family) > estimator.estimate(common, family), family
    exact = get_counter("o200k_base")
    if exact.exact:  # what the estimate now sees is what the tokenizer does
        assert exact.count(rare) > exact.count(common)


def test_merged_han_pairs_are_counted_for_cjk_rich_vocabularies():
    text = "我们的公司今天发布了新产品，客户可以在网站上查看价格。"
    qwen = lexicon.extra_features(text, ["qwen2"], False, True)
    cl100k = lexicon.extra_features(text, ["cl100k_base"], False, True)
    assert qwen[5] > cl100k[5]  # qwen holds common two-character words as one token, cl100k rarely does
    assert estimator.estimate(text, "qwen2") < estimator.estimate(text, "cl100k_base")


@pytest.mark.parametrize("family", ["o200k_base", "qwen2", "llama3"])
def test_short_estimates_are_close_on_an_everyday_prompt(family):
    exact = get_counter(family)
    if not exact.exact:
        pytest.skip(f"{family}: exact tokenizer not installed (tokenizers extra)")
    text = (
        "Please summarise the customer's complaint below in two sentences, then suggest a polite reply "
        "that offers a replacement or a refund."
    )
    est, low, high = get_counter(family, estimate=True).count_range(text)
    assert low <= exact.count(text) <= high
    assert abs(est / exact.count(text) - 1) <= 0.15


def _clear() -> None:
    for cached in (lexicon._raw, lexicon._table, lexicon._han_index):
        cached.cache_clear()


def test_long_texts_do_not_load_the_lexicon_and_english_does_not_load_han():
    _clear()
    estimator.estimate("plain words and more words " * 100, "o200k_base")  # 2,700 characters
    assert lexicon._raw.cache_info().currsize == 0
    estimator.estimate("plain words and more words", "o200k_base")
    assert lexicon._table.cache_info().currsize == 1  # the words only
    assert lexicon._han_index.cache_info().currsize == 0
    estimator.estimate("今天天气很好", "o200k_base")
    assert lexicon._han_index.cache_info().currsize == 1
    # only the lines of the text's own characters are parsed, not the 23k entries
    assert 0 < len(lexicon._han_index()[3]) < 500


def test_han_lines_parsed_on_demand_price_a_text_as_the_whole_table_does():
    text = "我们的公司今天发布了新产品，客户可以在网站上查看价格。請問這個帳號的密碼如何重設？"
    _clear()
    lazy = [lexicon.extra_features(text, [f], False, True) for f in ("qwen2", "o200k_base", "llama3")]
    assert 0 < len(lexicon._han_index()[3]) < 5000  # of 23k
    lexicon.han_table(set(lexicon._han_index()[0]))  # every line parsed
    assert len(lexicon._han_index()[3]) > 20000
    full = [lexicon.extra_features(text, [f], False, True) for f in ("qwen2", "o200k_base", "llama3")]
    assert lazy == full
