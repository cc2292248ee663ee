"""The ranks cache: a parsed ``{token bytes: rank}`` dict (marshal) and a sorted *rank index* per verified
vocabulary, keyed by the sha256 of the vocabulary's source bytes.

Both files live in the shared cache directory (``tokencost.cache``: ``$TOKENCOST_CACHE_DIR``, else
``$XDG_CACHE_HOME/tokencost``, else ``~/.cache/tokencost``), are written atomically and checked by their own
sha256 on every read. The cache is never needed for correctness: if it is missing, unreadable, corrupt or
unwritable, the source is parsed again (and the cache rewritten when possible). ``TOKENCOST_NO_CACHE=1`` or
``TOKENCOST_CACHE_DIR=""`` disables it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import struct
import sys
from pathlib import Path

from tokencost.cache import write_bytes

_MAGIC = b"TCRANKS1"


def cache_dir() -> Path | None:
    """Directory of the ranks cache (the shared ``tokencost.cache`` directory), or None when disabled
    (``TOKENCOST_NO_CACHE=1`` or ``TOKENCOST_CACHE_DIR=""``)."""
    from tokencost.cache import cache_dir as shared_cache_dir

    return shared_cache_dir()


def _cache_path(key: str, kind: str = "marshal") -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / f"ranks-{key}.{kind}"


def _read_checked(path: Path | None, magic: bytes) -> bytes | None:
    """The payload of a cache file written by ``_write_checked``, or None when it is absent, not ours or
    corrupt (a corrupt file is removed: it is rebuilt from the source file)."""
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    size = len(magic)
    payload = blob[size + 32 :]
    if blob[:size] == magic and hashlib.sha256(payload).digest() == blob[size : size + 32]:
        return payload
    drop_cache_file(path)
    return None


def _write_checked(path: Path | None, magic: bytes, payload: bytes) -> None:
    """Store ``payload`` behind ``magic`` and its sha256, atomically; nothing when the cache is not writable."""
    if path is not None:
        write_bytes(path, magic + hashlib.sha256(payload).digest() + payload)


def drop_cache_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def read_ranks_cache(key: str) -> dict[bytes, int] | None:
    """The cached ranks for ``key`` (a sha256 hex), or None when absent or corrupt (a corrupt file is removed)."""
    path = _cache_path(key)
    payload = _read_checked(path, _MAGIC)
    if payload is None:
        return None
    enabled = gc.isenabled()
    gc.disable()  # 200k small objects: the cyclic GC would only slow the load down
    try:
        ranks = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        ranks = None
    finally:
        if enabled:
            gc.enable()
    if isinstance(ranks, dict):
        return ranks
    drop_cache_file(path)  # type: ignore[arg-type]  # not None: a payload was read from it
    return None


def write_ranks_cache(key: str, ranks: dict[bytes, int]) -> None:
    """Store ``ranks`` under ``key`` atomically; silently does nothing when the cache cannot be written."""
    _write_checked(_cache_path(key), _MAGIC, marshal.dumps(ranks))


class RankIndex:
    """Read-only ``{token bytes: rank}`` lookups by binary search in one sorted blob: loads in milliseconds
    (no 200k Python objects), for counting short texts without building the whole dict or tiktoken's
    encoder. Same answers as the dict it was made from."""

    SEEN = 1 << 16

    def __init__(self, data: bytes) -> None:
        (n,) = struct.unpack_from("<I", data, 0)
        view = memoryview(data)
        start = 4
        self._offsets = view[start : start + 4 * (n + 1)].cast("I")
        start += 4 * (n + 1)
        self._ranks = view[start : start + 4 * n].cast("I")
        self._blob = data[start + 4 * n :]
        self._n = n
        self._starts: list[int] | None = None
        #: answers already looked up (BPE asks for the same pairs again and again); cleared past ``SEEN``
        self._seen: dict[bytes, int | None] = {}
        if len(self._blob) != self._offsets[n]:
            raise ValueError("truncated rank index")

    def __len__(self) -> int:
        return self._n

    def _search(self, token: bytes, lo: int, hi: int) -> int:
        """First position in ``[lo, hi)`` whose token is not below ``token``."""
        offsets, blob = self._offsets, self._blob
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[offsets[mid] : offsets[mid + 1]] < token:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def get(self, token: bytes, default: int | None = None) -> int | None:
        found = self._seen.get(token, -1)
        if found == -1:
            if self._starts is None:  # where each first byte's tokens start: 8 fewer steps per search
                self._starts = [self._search(bytes([b]), 0, self._n) for b in range(256)] + [self._n]
            if not token:
                return default
            first = token[0]
            lo = self._search(token, self._starts[first], self._starts[first + 1])
            offsets = self._offsets
            hit = lo < self._n and self._blob[offsets[lo] : offsets[lo + 1]] == token
            found = self._ranks[lo] if hit else None
            if len(self._seen) >= self.SEEN:
                self._seen.clear()
            self._seen[token] = found
        return default if found is None else found

    def __contains__(self, token: bytes) -> bool:
        return self.get(token) is not None

    @staticmethod
    def build(ranks: dict[bytes, int]) -> bytes:
        from array import array

        tokens = sorted(ranks)
        offsets = array("I", [0])
        total = 0
        for token in tokens:
            total += len(token)
            offsets.append(total)
        values = array("I", (ranks[token] for token in tokens))
        return struct.pack("<I", len(tokens)) + offsets.tobytes() + values.tobytes() + b"".join(tokens)


_INDEX_MAGIC = b"TCRIDX1" + (b"L" if sys.byteorder == "little" else b"B")


def read_index_cache(key: str) -> RankIndex | None:
    """The cached rank index for ``key``, or None (absent or corrupt)."""
    path = _cache_path(key, "index")
    payload = _read_checked(path, _INDEX_MAGIC)
    if payload is None:
        return None
    try:
        return RankIndex(payload)
    except (ValueError, TypeError, struct.error):
        drop_cache_file(path)  # type: ignore[arg-type]
        return None


def write_index_cache(key: str, ranks: dict[bytes, int]) -> None:
    _write_checked(_cache_path(key, "index"), _INDEX_MAGIC, RankIndex.build(ranks))


def ensure_index_cache(key: str, ranks: dict[bytes, int]) -> None:
    """Write the rank index for ``key`` if it is not there yet."""
    path = _cache_path(key, "index")
    if path is not None and not path.exists():
        write_index_cache(key, ranks)
