"""Counters: exact ones (tiktoken or HF ``tokenizers`` on a verified vocabulary) and the estimator fallback.

A counter has ``family``, ``exact``, ``method``, ``error_band`` and ``count(text) -> int``. Counts never
include special tokens (text is encoded as ordinary text) nor a BOS token.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers import bpe_files, chunking
from tokencost.tokenizers.registry import CL100K_PAT, KNOWN_TIKTOKEN_FILES, O200K_PAT, FamilySpec

#: Texts longer than this are counted chunk by chunk (bounded token-list memory; same total).
_LONG = 4 * chunking.CHUNK_CHARS


class Counter:
    """Base class; subclasses implement ``_count``."""

    family: str
    exact: bool
    method: str
    error_band: float | None

    def count(self, text: str) -> int:
        if len(text) <= _LONG:
            return self._count(text)
        return sum(self._count(piece) for piece in chunking.split_text(text))

    def count_chunks(self, chunks: Iterable[str]) -> int:
        """Total of safe chunks (see ``chunking``); equals ``count`` of their concatenation."""
        return sum(self.count(chunk) for chunk in chunks)

    def _count(self, text: str) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method}>"


class TiktokenCounter(Counter):
    exact = True
    error_band = None

    def __init__(self, family: str, encoding, normalize: str | None = None) -> None:
        self.family = family
        self.method = f"exact:{family}"
        self.encoding = encoding
        self.normalize = normalize
        self._encode = encoding.encode_ordinary

    def _count(self, text: str) -> int:
        if self.normalize:
            text = unicodedata.normalize(self.normalize, text)
        return len(self._encode(text))


class HuggingFaceCounter(Counter):
    exact = True
    error_band = None

    def __init__(self, family: str, tokenizer) -> None:
        self.family = family
        self.method = f"exact:{family}"
        self.tokenizer = tokenizer
        if hasattr(tokenizer, "encode_special_tokens"):
            tokenizer.encode_special_tokens = True  # text like "<|eot|>" counts as text, as in tiktoken

    def _count(self, text: str) -> int:
        if not text:
            return 0
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


class EstimateCounter(Counter):
    exact = False

    def __init__(self, family: str, proxy: str | None = None) -> None:
        from tokencost.tokenizers import estimator

        self.family = family
        self._proxy = proxy or family
        self._estimate = estimator.estimate
        self.error_band = float(estimator.error_band(self._proxy))
        detail = estimator.describe(self._proxy)
        self.method = f"estimate:{family}" + (f" ({detail})" if detail else "")

    def _count(self, text: str) -> int:
        return int(self._estimate(text, self._proxy)) if text else 0


# --- loaders --------------------------------------------------------------------------------------------


def _tiktoken_encoding(name: str, pat_str: str, ranks: dict[bytes, int]):
    import tiktoken

    return tiktoken.Encoding(name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens={})


def _package_path(spec: FamilySpec) -> Path:
    assert spec.package_file is not None
    package, parts = spec.package_file
    path = bpe_files.package_file(package, *parts)
    if path is None:
        raise TokenizerUnavailableError(
            f"the {spec.id} tokenizer is not installed ({spec.distribution} not found)", spec.install_hint
        )
    return path


def _load_tekken(path: Path) -> tuple[dict[bytes, int], str]:
    """Ranks and pattern of a Mistral tekken json, the way mistral-common builds its tiktoken encoder."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = f"tekken-{digest}"
    model = None
    ranks = bpe_files.read_ranks_cache(key)
    pattern_key = f"tekken-pattern-{digest}"
    pattern_cache = bpe_files.read_ranks_cache(pattern_key)
    if ranks is None or pattern_cache is None:
        import base64

        model = json.loads(data)
        config = model["config"]
        inner = int(config["default_vocab_size"]) - int(config["default_num_special_tokens"])
        ranks = {base64.b64decode(entry["token_bytes"]): entry["rank"] for entry in model["vocab"][:inner]}
        pattern = config["pattern"]
        bpe_files.write_ranks_cache(key, ranks)
        bpe_files.write_ranks_cache(pattern_key, {b"pattern": pattern.encode()})
    else:
        pattern = pattern_cache[b"pattern"].decode()
    return ranks, pattern


def _hf_tokenizer(path: Path, family: str):
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise TokenizerUnavailableError(
            f"{family} needs the 'tokenizers' package", "pip install tokenizers"
        ) from None
    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:
        raise InputError(f"{path}: not a Hugging Face tokenizer.json ({exc})") from None


def load_exact(spec: FamilySpec) -> Counter:
    """Build the exact counter of ``spec``; raises ``TokenizerUnavailableError`` when it is not installed."""
    family = spec.id
    if family in ("o200k_base", "cl100k_base"):
        ranks = bpe_files.load_openai_ranks(family)
        return TiktokenCounter(family, _tiktoken_encoding(family, spec.pat_str or "", ranks))
    if family.startswith("huggingface:"):
        path = Path(os.path.expanduser(family.split(":", 1)[1]))
        if not path.is_file():
            raise InputError(f"{path}: no such tokenizer.json file")
        return HuggingFaceCounter(family, _hf_tokenizer(path, family))
    if family.startswith("tiktoken:"):
        path = Path(os.path.expanduser(family.split(":", 1)[1]))
        if not path.is_file():
            raise InputError(f"{path}: no such .tiktoken file")
        ranks, digest = bpe_files.load_tiktoken_file(path)
        pattern = KNOWN_TIKTOKEN_FILES.get(digest) or (O200K_PAT if len(ranks) >= 190_000 else CL100K_PAT)
        return TiktokenCounter(family, _tiktoken_encoding(family, pattern, ranks))
    if spec.backend == "estimate" or spec.package_file is None:
        raise TokenizerUnavailableError(f"no offline tokenizer for {family}", spec.install_hint)
    path = _package_path(spec)
    if spec.backend == "huggingface":
        return HuggingFaceCounter(family, _hf_tokenizer(path, family))
    if family == "mistral-tekken":
        ranks, pattern = _load_tekken(path)
        return TiktokenCounter(family, _tiktoken_encoding(family, pattern, ranks))
    ranks, _ = bpe_files.load_tiktoken_file(path)
    return TiktokenCounter(family, _tiktoken_encoding(family, spec.pat_str or "", ranks), spec.normalize)


def exact_available(spec: FamilySpec) -> bool:
    """Cheap check (file lookups only): could ``load_exact`` succeed?"""
    if spec.id in ("o200k_base", "cl100k_base"):
        _, expected = bpe_files.OPENAI_FILES[spec.id]
        path = bpe_files.cache_dir()
        cached = path is not None and (path / f"ranks-{expected}.marshal").is_file()
        return cached or bool(bpe_files.openai_bpe_sources(spec.id))
    if spec.id.startswith(("huggingface:", "tiktoken:")):
        return Path(os.path.expanduser(spec.id.split(":", 1)[1])).is_file()
    if spec.package_file is None or spec.backend == "estimate":
        return False
    package, parts = spec.package_file
    if bpe_files.package_file(package, *parts) is None:
        return False
    if spec.backend == "huggingface":
        import importlib.util

        return importlib.util.find_spec("tokenizers") is not None
    return True
