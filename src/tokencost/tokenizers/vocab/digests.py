"""The sha256 of a vocabulary file, hashed once per file version: remembered in the cache directory under
the file's (path, size, mtime_ns, inode) so a warm run neither reads nor hashes tens of MB of vocabulary files
it will not parse (the ranks cache already holds them). A rewritten or replaced file has a new stat and is
hashed again; anything wrong with the memo is a miss. ``TOKENCOST_NO_CACHE=1`` hashes every time."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

_NAME = "vocab-digests.json"


def _key(path: Path) -> str | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ino}"


def _memo() -> dict:
    from tokencost.cache import load_bytes

    blob = load_bytes(_NAME)
    try:
        memo = json.loads(blob) if blob else {}
    except ValueError:
        return {}
    return memo if isinstance(memo, dict) else {}


def remembered(path: Path) -> str | None:
    """The sha256 this file had when it was last hashed at its current stat, or None."""
    key = _key(path)
    found = _memo().get(key) if key else None
    return found if isinstance(found, str) and len(found) == 64 else None


def sha256_of(path: Path, read: Callable[[Path], bytes]) -> tuple[str, bytes | None]:
    """``(sha256 of read(path), the bytes)``, or ``(remembered sha256, None)`` when the memo knows this file
    version (the caller reads it later only if it must parse it)."""
    digest = remembered(path)
    if digest is not None:
        return digest, None
    key = _key(path)
    data = read(path)
    digest = hashlib.sha256(data).hexdigest()
    if key is not None and _key(path) == key:  # not changed while it was read
        remember(key, digest)
    return digest, data


def remember(key: str, digest: str) -> None:
    from tokencost.cache import cache_dir, write_bytes

    directory = cache_dir()
    if directory is None:
        return
    memo = _memo()
    if len(memo) > 256:
        memo.clear()
    memo[key] = digest
    write_bytes(directory / _NAME, json.dumps(memo, sort_keys=True).encode())


def verified_bytes(path: Path, digest: str, read: Callable[[Path], bytes]) -> bytes:
    """``read(path)`` when its sha256 is still ``digest`` (the file is read to be parsed after a memo hit)."""
    data = read(path)
    if hashlib.sha256(data).hexdigest() != digest:
        from tokencost.errors import TokenizerUnavailableError

        raise TokenizerUnavailableError(f"{path}: changed while it was in use (sha256 differs); run again")
    return data
