"""A small per-user cache for derived data (catalog snapshots, parsed tokenizer ranks).

Entries are content-addressed: the key is a hash of everything the value was derived from, so a stale
entry can never be returned, only missed. The cache is an optimisation only: unreadable, corrupt or
unwritable entries are ignored. ``TOKENCOST_NO_CACHE=1`` (or an empty ``TOKENCOST_CACHE_DIR``) turns it off.
``load_bytes``/``store_bytes`` keep raw blobs whose reader checks them (the catalog snapshot);
``load``/``store`` pickle any value.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any


def cache_dir() -> Path | None:
    """``$TOKENCOST_CACHE_DIR``, else ``$XDG_CACHE_HOME/tokencost`` (default ``~/.cache/tokencost``); None when
    disabled by ``TOKENCOST_NO_CACHE=1`` or an empty ``TOKENCOST_CACHE_DIR``."""
    if os.environ.get("TOKENCOST_NO_CACHE"):
        return None
    explicit = os.environ.get("TOKENCOST_CACHE_DIR")
    if explicit is not None:
        return Path(explicit).expanduser() if explicit.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tokencost"


def load_bytes(name: str) -> bytes | None:
    """The bytes stored under ``name``, or None on a miss, a disabled cache or any problem reading them."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        with open(directory / name, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def load(name: str) -> Any | None:
    """The cached value stored under ``name``, or None on a miss or any problem reading it."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        with open(directory / name, "rb") as handle:
            import pickle

            return pickle.load(handle)  # our own private cache directory, content-addressed names
    except Exception:  # a broken cache entry is a miss, never an error
        return None


def write_bytes(path: Path, blob: bytes) -> bool:
    """Write ``blob`` to ``path`` atomically (a temporary file in the same directory, then a rename), so a
    reader never sees half a file; returns False, writing nothing, when the location is not writable."""
    import tempfile  # only writes need it: kept off the cold-start path

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def store(name: str, value: Any, keep: int = 4) -> None:
    """Pickle ``value`` and store it as ``store_bytes`` does."""
    import pickle

    store_bytes(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), keep)


def store_bytes(name: str, blob: bytes, keep: int = 4) -> None:
    """Write ``blob`` atomically under ``name``; silently does nothing if the cache is not writable.

    Entries sharing ``name``'s prefix (the part before the first ``-``) are pruned to the ``keep`` most
    recently written, so edited sheets do not grow the cache without bound."""
    directory = cache_dir()
    if directory is None:
        return
    if write_bytes(directory / name, blob):
        with contextlib.suppress(OSError):
            _prune(directory, name.split("-", 1)[0] + "-", keep)


def _prune(directory: Path, prefix: str, keep: int) -> None:
    entries = sorted(directory.glob(prefix + "*"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in entries[keep:]:
        stale.unlink(missing_ok=True)
