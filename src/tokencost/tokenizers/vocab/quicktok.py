"""quicktok's ``.vocab`` format (u32 count, then u16 length + token bytes + u32 rank per token), accepted only
with a pinned sha256 (``registry.QUICKTOK_FILES``)."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from tokencost.errors import InputError, TokenizerUnavailableError
from tokencost.tokenizers.vocab import Vocabulary, store


def parse_quicktok(data: bytes, source: str) -> dict[bytes, int]:
    (count,) = struct.unpack_from("<I", data, 0)
    pos = 4
    ranks = {}
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, pos)
        token = data[pos + 2 : pos + 2 + length]
        (rank,) = struct.unpack_from("<I", data, pos + 2 + length)
        ranks[token] = rank
        pos += 6 + length
    if pos != len(data):
        raise InputError(f"{source}: not a quicktok vocabulary")
    return ranks


def read_verified(path: Path, expected: str) -> bytes:
    """The file's bytes when their sha256 is ``expected``; else ``TokenizerUnavailableError``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise TokenizerUnavailableError(f"{path}: unexpected sha256 {digest}")
    return data


def vocabulary(family: str, path: Path, expected: str, pat_str: str, normalize: str | None) -> Vocabulary:
    """The vocabulary of a pinned quicktok file. With its rank index cached (it was verified when the cache
    was written) the file is not re-read; otherwise it is read and verified here, once."""
    if store.read_index_cache(expected) is None:
        data = read_verified(path, expected)
        parse = lambda: parse_quicktok(data, str(path))  # noqa: E731
    else:
        parse = lambda: parse_quicktok(read_verified(path, expected), str(path))  # noqa: E731
    return Vocabulary(family, expected, pat_str, parse, normalize)
