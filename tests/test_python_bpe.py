"""The pure-Python BPE (short texts) and the rank index it reads: same counts as tiktoken, and a bounded
number of lookups per byte (the regression behind a minutes-long ``replay``: every merge re-looked-up every
pair by binary search, O(n^2) searches per piece). Replay counts each distinct text once per family."""

from __future__ import annotations

import base64
import functools
import json
from collections import Counter as Tally

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.cli import cli
from tokencost.tokenizers import get_counter
from tokencost.tokenizers.backends import python_bpe
from tokencost.tokenizers.backends.python_bpe import PythonBpe, bpe_length
from tokencost.tokenizers.vocab.store import RankIndex


@pytest.fixture(scope="module")
def o200k():
    counter = get_counter("o200k_base")
    ranks = counter.vocab.ranks()
    return counter, ranks, RankIndex(RankIndex.build(ranks))


class Lookups:
    """A ranks mapping that counts its lookups."""

    def __init__(self, ranks) -> None:
        self.ranks, self.calls = ranks, 0

    def get(self, token, default=None):
        self.calls += 1
        return self.ranks.get(token, default)

    def __contains__(self, token) -> bool:
        return self.get(token) is not None


#: long pieces (no pre-tokenizer split inside): base64, letter and digit runs, repeated multi-byte letters
long_pieces = st.one_of(
    st.binary(min_size=200, max_size=1500).map(lambda b: base64.b64encode(b)),
    st.text(st.sampled_from("abcdeé"), min_size=200, max_size=1500).map(str.encode),
    st.text(st.sampled_from("ab=+/xy"), min_size=1, max_size=600).map(str.encode),
    st.sampled_from(["a", "ab", "中", "😀", "x="]).flatmap(
        lambda s: st.integers(1, 700).map(lambda n: (s * n).encode())
    ),
)


@settings(max_examples=150, deadline=None)
@given(data=long_pieces)
def test_bpe_length_equals_tiktoken_on_long_pieces(o200k, data):
    counter, ranks, index = o200k
    expected = len(counter.encoding._encode_single_piece(data))
    assert bpe_length(data, ranks) == expected  # list path up to 256 bytes, heap path above
    assert bpe_length(data, index) == expected


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cn", "Cs")), min_size=0, max_size=400).map(
        lambda t: t + "Q" * 300 + " 12345678901234 " + t
    )
)
def test_python_bpe_on_the_rank_index_equals_tiktoken(o200k, text):
    counter, _, index = o200k
    assert PythonBpe(counter.pat_str, index).count(text) == len(counter.encoding.encode_ordinary(text))


def test_rank_index_answers_as_the_dict(o200k):
    _, ranks, _ = o200k
    index = RankIndex(RankIndex.build(ranks))
    for token in [b"", b"a", b"\x00", b"\xff", b" the", b"zzzzzzzzzzzz", b"\xff\xff", *list(ranks)[::997]]:
        assert index.get(token, -7) == ranks.get(token, -7), token
        assert index.get(token, -7) == ranks.get(token, -7), token  # second time: from its memo
        assert (token in index) == (token in ranks)


@pytest.mark.parametrize("size", [2, 50, 256, 257, 2000, 8000])
def test_bpe_length_lookups_are_linear_in_the_piece(o200k, size):
    _, ranks, _ = o200k
    data = base64.b64encode(bytes(range(256)) * 40)[:size]
    lookups = Lookups(ranks)
    bpe_length(data, lookups)
    assert lookups.calls <= 3 * size  # was ~size^2 / 2


def test_python_bpe_merges_each_distinct_piece_once(o200k, monkeypatch):
    counter, ranks, _ = o200k
    merged = Tally()

    def spy(data, ranks):
        merged[data] += 1
        return bpe_length(data, ranks)

    monkeypatch.setattr(python_bpe, "bpe_length", spy)
    text = "Counting repeated words: supercalifragilistic supercalifragilistic. " * 50
    assert PythonBpe(counter.pat_str, ranks).count(text) == len(counter.encoding.encode_ordinary(text))
    assert merged and max(merged.values()) == 1


def test_replay_without_models_counts_each_text_once_per_family(tmp_path, monkeypatch):
    """Default candidates (many models, fewer families): a repeated system prompt and a long base64 blob are
    counted once per tokenizer family, not once per record or per candidate."""
    from tokencost.replay import translate

    system = "You are a careful assistant. " * 20 + base64.b64encode(bytes(range(256)) * 16).decode()
    lines = []
    for i in range(6):
        request = {
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": f"Question {i}?"},
            ],
        }
        response = {
            "model": "gpt-4o",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": f"Answer {i}."}}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 4, "total_tokens": 904},
        }
        lines.append(json.dumps({"ts": f"2025-12-04T10:0{i}:00Z", "request": request, "response": response}))
    log = tmp_path / "pairs.jsonl"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")

    calls: dict[str, Tally] = {}
    real = translate.counter

    @functools.cache
    def counting(family, estimate=False):
        memo = real(family, estimate)
        inner = memo.inner
        seen = calls.setdefault(family, Tally())

        class Spy:
            def __getattr__(self, name):
                return getattr(inner, name)

            def count_range(self, text):
                seen[text] += 1
                return inner.count_range(text)

        memo.inner = Spy()
        return memo

    monkeypatch.setattr(translate, "counter", counting)
    result = CliRunner().invoke(cli, ["replay", str(log), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert len(document["candidates"]) > len(calls) >= 3  # candidates share families
    for family, seen in calls.items():
        assert seen[system] == 1, family
        assert max(seen.values()) == 1, (family, seen.most_common(2))
