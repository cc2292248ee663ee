"""Mistral's tekken json: ranks and pattern the way mistral-common builds its tiktoken encoder."""

from __future__ import annotations

import json
from pathlib import Path

from tokencost.tokenizers.vocab import Vocabulary, store


def parse_tekken(data: bytes) -> tuple[dict[bytes, int], str]:
    """Ranks (the inner vocabulary, special tokens excluded) and the pre-tokenizer pattern."""
    import base64

    model = json.loads(data)
    config = model["config"]
    inner = int(config["default_vocab_size"]) - int(config["default_num_special_tokens"])
    ranks = {base64.b64decode(entry["token_bytes"]): entry["rank"] for entry in model["vocab"][:inner]}
    return ranks, config["pattern"]


def vocabulary(family: str, path: Path) -> Vocabulary:
    """The tekken vocabulary of ``path`` (hashed once per file version, ``digests``; the pattern is cached
    beside the ranks, so a warm run does not read the file)."""
    from tokencost.tokenizers.vocab import digests

    digest, data = digests.sha256_of(path, Path.read_bytes)

    def content() -> bytes:
        return data if data is not None else digests.verified_bytes(path, digest, Path.read_bytes)

    pattern_key = f"tekken-pattern-{digest}"
    cached = store.read_ranks_cache(pattern_key)
    if cached is not None and isinstance(cached.get(b"pattern"), bytes):
        pattern = cached[b"pattern"].decode()
    else:
        pattern = parse_tekken(content())[1]
        store.write_ranks_cache(pattern_key, {b"pattern": pattern.encode()})
    return Vocabulary(family, f"tekken-{digest}", pattern, lambda: parse_tekken(content())[0])
