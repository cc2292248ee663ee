"""The ``.tiktoken`` format (``base64-token rank`` lines, optionally gzipped): user files, package files."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from tokencost.errors import InputError
from tokencost.tokenizers.vocab import Vocabulary, locate


def parse_tiktoken_bpe(data: bytes, source: str) -> dict[bytes, int]:
    """Parse ``base64-token rank`` lines (the ``.tiktoken`` format)."""
    ranks: dict[bytes, int] = {}
    b64decode = base64.b64decode
    for number, line in enumerate(data.splitlines(), 1):
        if not line:
            continue
        try:
            token, rank = line.split()
            ranks[b64decode(token)] = int(rank)
        except Exception:
            raise InputError(f"{source}:{number}: not a tiktoken BPE line") from None
    return ranks


def _content(path: Path) -> bytes:
    try:
        return locate.read_maybe_gz(path)
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read tiktoken file: {exc}") from None


def read(path: Path) -> tuple[bytes, str]:
    """The (decompressed) content of a ``.tiktoken`` file and its sha256."""
    data = _content(path)
    return data, hashlib.sha256(data).hexdigest()


def vocabulary(family: str, path: Path, pat_str: str = "", normalize: str | None = None) -> Vocabulary:
    """The vocabulary of a ``.tiktoken`` file, keyed by the sha256 of its content (hashed once per file
    version, ``digests``; read again only when its ranks must be parsed)."""
    from tokencost.tokenizers.vocab import digests

    digest, data = digests.sha256_of(path, _content)

    def parse() -> dict[bytes, int]:
        content = data if data is not None else digests.verified_bytes(path, digest, _content)
        ranks = parse_tiktoken_bpe(content, str(path))
        if not ranks:
            raise InputError(f"{path}: empty tiktoken file")
        return ranks

    return Vocabulary(family, digest, pat_str, parse, normalize)
