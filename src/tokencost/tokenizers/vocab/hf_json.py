"""A Hugging Face tokenizer.json as a BPE vocabulary, when tiktoken's algorithm reproduces it exactly:
byte-level BPE whose merges become ranks in merge order and whose pre-tokenizer is a registered pattern
(DeepSeek V3, Llama 3, Qwen). Anything else is counted by the HF backend (``backends/hf_backend.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from tokencost.tokenizers.vocab import Vocabulary, store


def byte_decoder() -> dict[str, int]:
    """GPT-2 byte-level alphabet: printable stand-in character -> byte."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    chars = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}


def hf_bpe_plan(config: dict) -> tuple[str, str | None] | None:
    """(tiktoken pattern, normalization) for a HF tokenizer.json that tiktoken can run exactly, else None.

    Fits: byte-level BPE (no dropout, no subword affixes, no byte fallback), no normalizer or NFC, and a
    pre-tokenizer that is DeepSeek's three Splits or one Split with a registered pattern (Llama 3, Qwen),
    followed by ByteLevel without prefix space or regex.
    """
    from tokencost.tokenizers.registry import DEEPSEEK_PAT, DEEPSEEK_SPLITS, LLAMA3_PAT, QWEN2_PAT, QWEN35_PAT

    model = config.get("model") or {}
    if model.get("type") != "BPE" or model.get("dropout") or model.get("byte_fallback"):
        return None
    if model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        return None
    normalizer = config.get("normalizer")
    normalize = None
    if normalizer and not (normalizer.get("type") == "Sequence" and not normalizer.get("normalizers")):
        if normalizer.get("type") != "NFC":
            return None
        normalize = "NFC"
    pre = config.get("pre_tokenizer") or {}
    steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else [pre]
    if len(steps) < 2 or steps[-1].get("type") != "ByteLevel":
        return None
    if steps[-1].get("add_prefix_space") or steps[-1].get("use_regex"):
        return None
    splits = steps[:-1]
    if any(
        step.get("type") != "Split" or step.get("behavior") != "Isolated" or step.get("invert")
        for step in splits
    ):
        return None
    patterns = tuple((step.get("pattern") or {}).get("Regex") for step in splits)
    if patterns == DEEPSEEK_SPLITS:
        return DEEPSEEK_PAT, normalize
    known = {LLAMA3_PAT: LLAMA3_PAT, QWEN2_PAT: QWEN2_PAT, QWEN35_PAT: QWEN35_PAT}
    if len(patterns) == 1 and patterns[0] in known:
        return known[patterns[0]], normalize
    return None


def merge_ranks(config: dict) -> dict[bytes, int] | None:
    """Ranks in merge order (tiktoken's lowest-rank-first merge then equals HF's merge priority) of a
    tokenizer.json whose pre-tokenizer fits (``hf_bpe_plan``), or None when the merges cannot be ranks."""
    decoder = byte_decoder()
    ranks = {bytes([b]): b for b in range(256)}
    try:
        for index, merge in enumerate(config["model"]["merges"]):
            left, right = merge.split(" ") if isinstance(merge, str) else merge
            token = bytes(decoder[ch] for ch in left) + bytes(decoder[ch] for ch in right)
            if token in ranks:
                return None  # two merges make one token: tiktoken's rule would differ from HF's
            ranks[token] = 256 + index
        if config["model"].get("ignore_merges"):
            # HF then emits any whole piece found in the vocabulary; tiktoken does the same only for
            # tokens it knows, so every vocabulary token must be a merge result
            vocab = config["model"]["vocab"]
            if any(bytes(decoder[ch] for ch in token) not in ranks for token in vocab):
                return None
    except (KeyError, ValueError, TypeError):
        return None
    return ranks


def vocabulary(family: str, path: Path) -> Vocabulary | None:
    """The vocabulary of a fitting tokenizer.json (plan cached by the file's sha256), or None."""
    from tokencost.tokenizers.vocab import digests

    digest, data = digests.sha256_of(path, Path.read_bytes)
    key = f"hfbpe-{digest}"
    plan = store.read_ranks_cache(f"{key}-plan")
    if plan is not None and store.read_index_cache(key) is not None:
        normalize = (plan.get(b"normalize") or b"").decode() or None

        def parse() -> dict[bytes, int]:
            content = data if data is not None else digests.verified_bytes(path, digest, Path.read_bytes)
            return _ranks_or_fail(content, path)

        return Vocabulary(family, key, plan[b"pattern"].decode(), parse, normalize)
    if data is None:
        data = digests.verified_bytes(path, digest, Path.read_bytes)
    try:
        config = json.loads(data)
    except ValueError:
        return None
    fitted = hf_bpe_plan(config)
    ranks = merge_ranks(config) if fitted is not None else None
    if fitted is None or ranks is None:
        return None
    pattern, normalize = fitted
    store.write_ranks_cache(
        f"{key}-plan", {b"pattern": pattern.encode(), b"normalize": (normalize or "").encode()}
    )
    vocab = Vocabulary(family, key, pattern, lambda: ranks, normalize)
    vocab.ranks()  # writes the ranks cache and the rank index
    return vocab


def _ranks_or_fail(data: bytes, path: Path) -> dict[bytes, int]:
    ranks = merge_ranks(json.loads(data))
    if ranks is None:  # pragma: no cover - the cached plan said it fits
        from tokencost.errors import TokenizerUnavailableError

        raise TokenizerUnavailableError(f"{path}: cannot load")
    return ranks
