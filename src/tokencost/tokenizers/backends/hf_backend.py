"""HF ``tokenizers`` as a backend, for tokenizer.json files that tiktoken's algorithm cannot reproduce (see
``vocab/hf_json.py``): counted with the library itself."""

from __future__ import annotations

import json
from pathlib import Path

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers.counter import Counter


class HuggingFaceCounter(Counter):
    """Counts with HF ``tokenizers`` (``encode``, special tokens as text, no BOS)."""

    exact = True
    error_band = None
    backend = "tokenizers"

    def __init__(self, family: str, tokenizer) -> None:
        self.family = family
        self.method = f"exact:{family}"
        self.tokenizer = tokenizer
        self.chunk_safe = hf_chunk_safe(tokenizer)
        if hasattr(tokenizer, "encode_special_tokens"):
            tokenizer.encode_special_tokens = True  # text like "<|eot|>" counts as text, as in tiktoken

    def _count(self, text: str) -> int:
        if not text:
            return 0
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


_SAFE_PRE_TOKENIZERS = {"Split", "ByteLevel", "Digits"}
_SAFE_NORMALIZERS = {"NFC", "NFKC"}


def hf_chunk_safe(tokenizer) -> bool:
    """Whether cutting text at ``chunking``'s positions keeps a HF tokenizer's count: true for byte-level
    BPE with regex splits (DeepSeek, Llama 3, Qwen's HF files; tests check DeepSeek with hypothesis); false
    for anything else (e.g. SentencePiece-style Metaspace, which prefixes every text with a space), whose
    inputs are then counted whole."""
    try:
        config = json.loads(tokenizer.to_str())
    except Exception:
        return False

    def parts(node: dict | None, key: str) -> list[dict]:
        if not node:
            return []
        if node.get("type") == "Sequence":
            return [p for child in node.get(key, []) for p in parts(child, key)]
        return [node]

    pre = parts(config.get("pre_tokenizer"), "pretokenizers")
    norm = parts(config.get("normalizer"), "normalizers")
    if not pre or any(p.get("type") not in _SAFE_PRE_TOKENIZERS for p in pre):
        return False
    if any(p.get("type") == "ByteLevel" and p.get("add_prefix_space") for p in pre):
        return False
    return all(n.get("type") in _SAFE_NORMALIZERS for n in norm)


def _tokenizer_class(family: str):
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise TokenizerUnavailableError(
            f"{family} needs the 'tokenizers' package", "pip install tokenizers"
        ) from None
    return Tokenizer


def load_tokenizer(path: Path, family: str):
    tokenizer_class = _tokenizer_class(family)
    try:
        return tokenizer_class.from_file(str(path))
    except Exception as exc:
        raise InputError(f"{path}: not a Hugging Face tokenizer.json ({exc})") from None


def tokenizer_from_text(text: str, family: str, path: Path):
    """A tokenizer from the (already verified) JSON text of ``path``."""
    tokenizer_class = _tokenizer_class(family)
    try:
        return tokenizer_class.from_str(text)
    except Exception as exc:
        raise InputError(f"{path}: not a Hugging Face tokenizer.json ({exc})") from None
