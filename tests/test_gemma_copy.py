"""Gemini counted exactly with the user's own copy of Gemma 3's tokenizer.json (``vocab/gemma.py``): found
through ``TOKENCOST_GEMMA3_TOKENIZER`` or the Hugging Face hub cache, used only when its sha256 is Gemma 3's,
and then framed with the constants fitted on Gemma 3's exact counts (``GEN@gemma3``)."""

from __future__ import annotations

import hashlib
import json

import pytest

from tokencost import tokenizers
from tokencost.cli import cli
from tokencost.errors import InputError
from tokencost.tokenizers.chat import framing, parse_request
from tokencost.tokenizers.vocab import gemma

pytest.importorskip("tokenizers")


def _tiny_tokenizer(path):
    """A word-level tokenizer.json: one token a word (what the tests count with in place of Gemma 3's)."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = ["hello", "what", "is", "the", "capital", "of", "france", "?", "Hello", "What", "France"]
    tokenizer = Tokenizer(
        models.WordLevel({w: i for i, w in enumerate([*words, "[UNK]"])}, unk_token="[UNK]")
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    path.parent.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(path))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fresh_counters(monkeypatch):
    """Counters built for this test only (the module keeps one per family)."""
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})


@pytest.fixture
def pinned_copy(tmp_path, monkeypatch, fresh_counters):
    """A tokenizer.json in a Hugging Face hub cache layout, with its digest standing in for Gemma 3's."""
    hub = tmp_path / "hub"
    path = hub / "models--google--gemma-3-1b-it" / "snapshots" / "abc123" / "tokenizer.json"
    monkeypatch.setattr(gemma, "GEMMA3_TOKENIZER_SHA256", _tiny_tokenizer(path))
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    return path


def test_no_copy_anywhere_means_the_estimate(tmp_path, monkeypatch, fresh_counters):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub"))
    assert gemma.find() is None
    counter = tokenizers.get_counter("gemini")
    assert not counter.exact
    info = {row.id: row for row in tokenizers.families()}["gemini"]
    assert not info.exact_available and "TOKENCOST_GEMMA3_TOKENIZER" in info.install_hint


def test_a_verified_copy_in_the_hub_cache_makes_gemini_and_gemma_exact(pinned_copy):
    assert gemma.find() == pinned_copy
    for family in ("gemini", "gemma3"):
        counter = tokenizers.get_counter(family)
        assert counter.exact and counter.method == f"exact:{family}"
        assert counter.count("What is the capital of France ?") == 7
    # one vocabulary, built once for both families (Gemma 3's takes ~0.8 s and ~140 MB)
    assert tokenizers.get_counter("gemini").tokenizer is tokenizers.get_counter("gemma3").tokenizer


def test_a_hub_file_that_is_not_gemma3s_is_passed_over(pinned_copy, monkeypatch):
    monkeypatch.setattr(gemma, "GEMMA3_TOKENIZER_SHA256", "0" * 64)
    assert gemma.find() is None
    assert not tokenizers.get_counter("gemini").exact


def test_the_environment_variable_names_the_file_or_its_directory(tmp_path, monkeypatch, fresh_counters):
    path = tmp_path / "mine" / "tokenizer.json"
    monkeypatch.setattr(gemma, "GEMMA3_TOKENIZER_SHA256", _tiny_tokenizer(path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hub"))
    for value in (str(path), str(path.parent)):
        monkeypatch.setenv(gemma.ENV, value)
        assert gemma.find() == path


def test_a_named_file_that_is_missing_or_not_gemma3s_is_an_error(tmp_path, monkeypatch, runner):
    monkeypatch.setenv(gemma.ENV, str(tmp_path / "nope.json"))
    with pytest.raises(InputError, match="no such file"):
        gemma.find()
    other = tmp_path / "other.json"
    _tiny_tokenizer(other)
    monkeypatch.setenv(gemma.ENV, str(other))
    with pytest.raises(InputError, match=r"not Gemma 3's tokenizer\.json"):
        gemma.find()
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    prompt = tmp_path / "p.txt"
    prompt.write_text("What is the capital of France?", encoding="utf-8")
    result = runner.invoke(cli, ["count", "-m", "gemini-2.5-flash", str(prompt)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "not Gemma 3's tokenizer.json" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def _plain(model: str) -> dict:
    return {
        "model": model,
        "contents": [{"role": "user", "parts": [{"text": "What is the capital of France ?"}]}],
        "systemInstruction": {"parts": [{"text": "Hello"}]},
    }


def test_exact_gemini_text_takes_the_constants_fitted_on_gemma3s_counts(pinned_copy):
    counter = tokenizers.get_counter("gemini")
    generations = framing.constants()["generations"]
    for model, gen, per_turn in (("gemini-2.0-flash", "gemini:2.0", 0), ("gemini-2.5-flash", "gemini", 1)):
        request = parse_request(_plain(model))
        exact = framing.count_request(request, "gemini", counter.count, exact=True, model=model)
        assert exact.basis == f"fitted:{gen}@gemma3" and f"{gen}@gemma3" in generations
        # billed as the text alone, plus (from 2.5 on) a token a turn, the system instruction included
        assert exact.tokens == 7 + 1 + 2 * per_turn
        estimated = framing.count_request(request, "gemini", counter.count, exact=False, model=model)
        assert estimated.basis == f"fitted:{gen}"


def test_count_says_exact_and_names_the_generation(pinned_copy, tmp_path, runner):
    request = tmp_path / "chat.json"
    request.write_text(json.dumps(_plain("gemini-2.5-flash")), encoding="utf-8")
    result = runner.invoke(cli, ["count", "--messages", str(request), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["exact"] is True and out["tokens"] == 10
    assert out["messages"]["basis"] == "fitted:gemini@gemma3"
    assert "Gemma 3's tokenizer" in out["method"]


def test_a_hub_copy_passed_over_is_named_in_the_hint(pinned_copy, monkeypatch, runner, tmp_path):
    monkeypatch.setattr(gemma, "GEMMA3_TOKENIZER_SHA256", "0" * 64)
    prompt = tmp_path / "p.txt"
    prompt.write_text("What is the capital of France?", encoding="utf-8")
    result = runner.invoke(cli, ["count", "-m", "gemini-2.5-flash", str(prompt)])
    assert result.exit_code == 0, result.output
    assert f"found {pinned_copy}, but its sha256 is not Gemma 3's" in result.output


def test_a_named_directory_without_tokenizer_json_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(gemma.ENV, str(tmp_path))
    with pytest.raises(InputError, match="a directory without tokenizer"):
        gemma.find()
