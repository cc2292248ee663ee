"""The rs-bpe backend (``[fast]`` extra): used only when verified, same counts as tiktoken everywhere
(corpus documents, hypothesis text, the chunked file path of ``count --jobs``), and a fallback to tiktoken
with a notice when its vocabulary differs or it does not import."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencost.inputs import Source
from tokencost.tokenizers import get_counter
from tokencost.tokenizers.backends import fast_backend, notices
from tokencost.tokenizers.backends.tiktoken_backend import TiktokenEngine
from tokencost.tokenizers.files import count_sources
from tokencost.tokenizers.registry import SPECS
from tokencost.tokenizers.vocab import openai as openai_vocab

REPO = Path(__file__).resolve().parents[1]
FAMILIES = ["o200k_base", "cl100k_base"]
needs_fast = pytest.mark.skipif(
    importlib.util.find_spec("rs_bpe") is None,
    reason="rs-bpe (the [fast] extra) not installed: counting uses tiktoken, tested elsewhere",
)


def _vocab(family):
    return openai_vocab.vocabulary(family, SPECS[family].pat_str)


_ENGINES: dict = {}


def _engines(family):
    """(rs-bpe engine, tiktoken engine) for ``family``, built once per test session."""
    if family not in _ENGINES:
        fast = fast_backend.build(_vocab(family))
        assert fast is not None, notices()
        _ENGINES[family] = (fast, TiktokenEngine(_vocab(family)))
    return _ENGINES[family]


@pytest.fixture
def fresh_counters(monkeypatch):
    from tokencost import tokenizers

    monkeypatch.setattr(tokenizers, "_COUNTERS", {})


def _documents() -> list[Path]:
    """Every text document the repository has: example prompts and workloads, the docs, this project's own
    sources; with ``TOKENCOST_TEST_CORPUS=1`` also the benchmark corpus (``benchmarks/corpus.sh``, ~30 MB)."""
    found = [*sorted((REPO / "examples").rglob("*.*")), REPO / "README.md", REPO / "DESIGN.md"]
    found += sorted((REPO / "src" / "tokencost").rglob("*.py"))
    if os.environ.get("TOKENCOST_TEST_CORPUS"):
        found += sorted((REPO / "benchmarks" / "corpus").rglob("*.txt"))
    return [path for path in found if path.is_file()]


@needs_fast
@pytest.mark.parametrize("family", FAMILIES)
def test_fast_backend_verified_cached_and_used(family, fresh_counters, tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path))
    counter = get_counter(family)
    counter.warm()
    assert counter.backend == "rs-bpe"
    verdicts = list(tmp_path.glob(f"fastbpe-{family}-*.json"))
    assert len(verdicts) == 1 and verdicts[0].read_text() == '{"mismatch": ""}'
    calls = []
    monkeypatch.setattr(fast_backend, "verify", lambda *a: calls.append(a) or "")
    assert fast_backend.build(_vocab(family)) is not None and calls == []  # the verdict is reused


@needs_fast
@pytest.mark.parametrize("family", FAMILIES)
def test_same_count_on_every_document(family):
    fast, reference = _engines(family)
    documents = _documents()
    assert len(documents) > 20
    for path in documents:
        text = path.read_text("utf-8", "replace")
        assert fast.count(text) == reference.count(text), path


_WORD = st.text(alphabet="abcXYZéßжλ中文かな한글", min_size=1, max_size=12)
_PIECES = st.one_of(
    _WORD,
    st.sampled_from(
        [
            "👨\u200d👩\u200d👧\u200d👦",  # ZWJ family
            "🏳️\u200d🌈",
            "👍🏽",
            "❤️",
            "e\u0301",
            "a\u0308\u0301\u0323",  # stacked combining marks
            "\u0915\u094d\u0937",  # Devanagari conjunct
            "<|endoftext|>",
            "<|fim_prefix|>",
            "<|im_start|>",
            "'s",
            "'LL",
            "\r\n",
            "\u00a0",
            "\u3000",
            "\u200b",
            "，",
            "。",
            "ﬁ",
            "²",
        ]
    ),
    st.from_regex(r"[0-9]{1,12}", fullmatch=True),
    st.integers(1, 300).map(lambda n: " " * n),
    st.integers(1, 200).map(lambda n: "\n" * n),
    st.integers(1, 50).map(lambda n: " \n\t" * n),
    st.integers(50, 3000).map(lambda n: "x" * n),  # very long words
    st.integers(20, 400).map(lambda n: "supercalifragilistic" * (n // 20)),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x3FFFF), max_size=30),
)
texts = st.lists(_PIECES, max_size=25).map("".join)


@needs_fast
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_same_count_on_generated_text(family, text):
    fast, reference = _engines(family)
    assert fast.count(text) == reference.count(text)


@needs_fast
def test_lone_surrogates_count_as_tiktoken_does():
    fast, reference = _engines("o200k_base")
    for text in ("\ud800", "a\udfffb", "x\ud83d y"):
        assert fast.count(text) == reference.count(text)


@needs_fast
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("jobs", [1, 2])
def test_chunked_file_path_same_count_with_both_backends(family, jobs, tmp_path, monkeypatch):
    from tokencost import tokenizers

    documents = _documents()
    text = "".join(path.read_text("utf-8", "replace") for path in documents[:60])
    text += "<|endoftext|>" + " " * 5000 + "\n" * 500 + "x" * 20000 + text
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    source = Source(str(path), path, path.stat().st_size)
    key = (family, False)
    totals = {}
    for backend in ("tiktoken", "auto"):
        monkeypatch.setenv("TOKENCOST_BPE_BACKEND", backend)
        monkeypatch.setattr(tokenizers, "_COUNTERS", {})
        totals[backend] = count_sources([source], [key], jobs=jobs, segment_bytes=1 << 14)[0].tokens[key]
        assert get_counter(family).backend == ("tiktoken" if backend == "tiktoken" else "rs-bpe")
    assert totals["tiktoken"] == totals["auto"] == _engines(family)[1].count(text)


# --- verification and fallback (no rs-bpe needed: a fake binding) ------------------------------------------


class _FakeTokenizer:
    """A binding whose vocabulary is the verified one, except where ``swap`` says."""

    def __init__(self, ranks, swap=None):
        self.by_id = {rank: token for token, rank in ranks.items()}
        self.ids = {token: rank for rank, token in self.by_id.items()}
        if swap:
            a, b = swap
            self.by_id[a], self.by_id[b] = self.by_id[b], self.by_id[a]
        self.reference = TiktokenEngine(_vocab("cl100k_base"))

    def bpe(self):
        return SimpleNamespace(
            decode_tokens=lambda ids: b"".join(self.by_id[i] for i in ids),
            encode_via_backtracking=lambda data: [self.ids[data]],
        )

    def count(self, text):
        return self.reference.count(text) + 1  # wrong on purpose: must never be used


def _fake_module(tokenizer):
    return SimpleNamespace(openai=SimpleNamespace(cl100k_base=lambda: tokenizer), __version__="0.0-fake")


def test_mismatched_vocabulary_falls_back_to_tiktoken_with_a_notice(monkeypatch, tmp_path, fresh_counters):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path))
    ranks = _vocab("cl100k_base").ranks()
    fake = _FakeTokenizer(ranks, swap=(1000, 1001))
    monkeypatch.setattr(fast_backend, "_import", lambda: _fake_module(fake))
    monkeypatch.setattr(fast_backend, "notices", [])
    assert "token id 1000 differs" in fast_backend.verify(_vocab("cl100k_base"), fake)
    counter = get_counter("cl100k_base")
    text = "hello world, 你好 " * 3000
    assert counter.count(text) == fake.reference.count(text)
    assert counter.backend == "tiktoken"
    assert any("rs-bpe not used for cl100k_base: token id 1000" in n for n in notices())
    verdicts = list(tmp_path.glob("fastbpe-cl100k_base-*.json"))
    assert len(verdicts) == 1 and "token id 1000" in verdicts[0].read_text()  # cached: not verified again


def test_wrong_counts_on_the_canary_are_refused(monkeypatch):
    ranks = _vocab("cl100k_base").ranks()
    fake = _FakeTokenizer(ranks)  # same vocabulary, but counts one token too many
    assert "counts differ" in fast_backend.verify(_vocab("cl100k_base"), fake)


def test_broken_install_falls_back_with_a_notice(monkeypatch, fresh_counters):
    def broken():
        fast_backend._notice("rs-bpe is installed but does not import (boom); counting with tiktoken")

    monkeypatch.setattr(fast_backend, "notices", [])
    monkeypatch.setattr(fast_backend, "_import", broken)
    counter = get_counter("o200k_base")
    counter.warm()
    assert counter.backend == "tiktoken" and "does not import (boom)" in notices()[0]


def test_import_error_is_caught(monkeypatch):
    import sys

    monkeypatch.setattr(fast_backend, "notices", [])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    monkeypatch.setitem(sys.modules, "rs_bpe", None)  # import raises ImportError
    assert fast_backend._import() is None
    assert "does not import" in fast_backend.notices[0]


def test_backend_can_be_turned_off(monkeypatch, fresh_counters):
    monkeypatch.setenv("TOKENCOST_BPE_BACKEND", "tiktoken")
    counter = get_counter("o200k_base")
    counter.warm()
    assert counter.backend == "tiktoken"


def test_other_vocabularies_never_use_rs_bpe():
    vocab = _vocab("o200k_base")
    vocab.pat_str = SPECS["cl100k_base"].pat_str  # same ranks, another pattern: not what rs-bpe runs
    assert fast_backend.build(vocab) is None


# --- what the commands say -----------------------------------------------------------------------------------


def test_count_json_and_verbose_say_which_backend_counted(runner, tmp_path, monkeypatch, fresh_counters):
    import json

    from tokencost.cli import cli

    monkeypatch.setenv("TOKENCOST_BPE_BACKEND", "tiktoken")
    path = tmp_path / "long.txt"
    path.write_text("hello world, 你好 " * 3000, encoding="utf-8")  # over SMALL_TEXT: the engine counts
    result = runner.invoke(cli, ["count", str(path), "--format", "json", "--verbose"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["backend"] == "tiktoken" and document["tokens"] == 15001
    assert "note: o200k_base counted by tiktoken" in result.stderr
    short = tmp_path / "short.txt"
    short.write_text("hello world", encoding="utf-8")
    result = runner.invoke(cli, ["count", str(short), "--format", "json", "--tokenizer", "claude"])
    assert json.loads(result.stdout)["backend"] == "estimator"
    assert "counted by" not in result.stderr  # only with --verbose


def test_estimate_json_says_which_backend_counted(runner, tmp_path, fresh_counters):
    import json

    from tokencost.cli import cli

    prompt = tmp_path / "p.txt"
    prompt.write_text("hello world", encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(prompt), "-m", "gpt-4o", "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)["token_counts"]
    assert counts["o200k_base"]["backend"] == "python-bpe"  # a short prompt never builds an engine


def test_list_families_says_what_counts_after_a_failed_verification(monkeypatch, tmp_path, fresh_counters):
    """--list-families reads the recorded verdict (no vocabulary loaded): unverified rs-bpe says it may fall
    back; after a failed check it names tiktoken and why, as --verbose does."""
    import json

    from click.testing import CliRunner

    from tokencost.cli import cli

    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path))
    fake = _FakeTokenizer(_vocab("cl100k_base").ranks(), swap=(1000, 1001))
    monkeypatch.setattr(fast_backend, "_import", lambda: _fake_module(fake))
    monkeypatch.setattr(fast_backend, "notices", [])
    monkeypatch.setattr(
        fast_backend, "takes", lambda digest, *_: digest in fast_backend.SUPPORTED
    )  # installed

    def listed(*fmt: str):
        return CliRunner().invoke(cli, ["count", "--list-families", *fmt])

    def cl100k():
        rows = json.loads(listed("--format", "json").stdout)["families"]
        return next((r["backend"], r["backend_note"]) for r in rows if r["id"] == "cl100k_base")

    assert cl100k() == ("rs-bpe", "unverified: falls back to tiktoken if its check fails")
    text = tmp_path / "long.txt"
    text.write_text("hello world, 你好 " * 3000, encoding="utf-8")
    counted = CliRunner().invoke(cli, ["count", str(text), "--tokenizer", "cl100k_base", "--verbose"])
    assert "note: cl100k_base counted by tiktoken\n" in counted.stderr
    backend, note = cl100k()
    assert backend == "tiktoken" and note.startswith("rs-bpe not used: token id 1000 differs")
    assert "tiktoken (rs-bpe not used: token id 1000 differs" in listed().stdout


def test_list_families_names_tiktoken_for_a_broken_install(monkeypatch):
    from tokencost.tokenizers import families

    def broken():
        fast_backend._notice("rs-bpe is installed but does not import (boom); counting with tiktoken")

    monkeypatch.setattr(fast_backend, "notices", [])
    monkeypatch.setattr(fast_backend, "_import", broken)
    monkeypatch.setattr(fast_backend, "takes", lambda digest, *_: digest in fast_backend.SUPPORTED)
    info = next(f for f in families() if f.id == "o200k_base")
    assert info.backend == "tiktoken" and "does not import (boom)" in (info.backend_note or "")
