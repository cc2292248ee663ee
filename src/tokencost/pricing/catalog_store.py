"""Where ``load_catalog`` gets a catalog: this process's memory, the snapshot on disk, or the sheets.

The sheets are validated (pydantic) only when no snapshot matches their fingerprint; what every load returns
is the catalog as light records (``snapshot.to_records``), fresh or read back. See DESIGN.md, "Catalog
snapshot".
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from tokencost import cache
from tokencost.pricing import snapshot
from tokencost.pricing.catalog import (
    CATALOG_FORMAT,
    ENV_VAR,
    Catalog,
    Entry,
    _bundled_root,
    _parse_all,
    _sources,
    overlay_dirs,
    sheet_paths,
)

#: Source files whose code decides what a snapshot holds (the schema, merging, the record layout): a
#: snapshot built by other code is never served, even while the version number stays the same.
_BUILDER_SOURCES = (
    "pricing/schema.py",
    "pricing/catalog.py",
    "pricing/catalog_store.py",
    "pricing/snapshot.py",
    "families.py",
)


def _fingerprint(sources: Sequence[tuple[str, str, str]]) -> str:
    """sha256 of every sheet (path, layer, text) in order, the code that builds a snapshot, the tokencost
    version and the catalog and snapshot formats: the name of the snapshot these sheets give."""
    from tokencost._version import __version__

    digest = hashlib.sha256(f"{__version__}/{CATALOG_FORMAT}/{snapshot.SNAPSHOT_FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]
    for name in _BUILDER_SOURCES:
        try:
            digest.update((package / name).read_bytes())
        except OSError:  # no source files (a frozen install): the version alone names the code
            digest.update(name.encode())
    for path, text, layer in sources:
        for part in (path, layer, text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    return digest.hexdigest()[:32]


def _as_records(catalog: Catalog) -> Catalog:
    """``catalog`` with every model and provider as a light record (``snapshot.to_records``): what every
    load returns, whether it was just validated or read from a snapshot."""
    memo: dict = {}
    out = Catalog(
        _index=dict(catalog._index), _loose_index={k: set(v) for k, v in catalog._loose_index.items()}
    )
    for model_id, entry in catalog.entries.items():
        out.entries[model_id] = Entry(
            snapshot.to_records(entry.model, memo),
            snapshot.to_records(entry.provider, memo),
            entry.file,
            entry.layer,
            entry.overrides,
        )
    return out


def _build(sources: list[tuple[str, str, str]], problems: list[str], fingerprint: str) -> Catalog:
    """Validate and merge the sheets (pydantic), turn the result into records and save its snapshot."""
    catalog = _as_records(Catalog.from_sheets(_parse_all(sources, problems)))
    cache.store_bytes(f"catalog-{fingerprint}.snapshot", snapshot.dumps(catalog, fingerprint))
    return catalog


def _read_snapshot(fingerprint: str) -> Catalog | None:
    blob = cache.load_bytes(f"catalog-{fingerprint}.snapshot")
    catalog = snapshot.loads(blob, fingerprint) if blob is not None else None
    return catalog if isinstance(catalog, Catalog) else None


#: Seconds within which a file's modification time is too recent to prove it unchanged (timestamps are
#: coarse: two writes in one tick can leave the same size and mtime); such a file is always re-read.
_RACY_SECONDS = 2.0
#: This process's catalogs: (overlay paths, $TOKENCOST_PRICING) -> (stamp of the sheet files, catalog).
_memory: dict[tuple[tuple[str, ...], str], tuple[tuple, Catalog]] = {}


def _stamp(pricing: tuple[str, ...]) -> tuple | None:
    """(path, size, mtime, inode) of the bundled and overlay sheet files and their directories, or None when
    one changed too recently to be trusted (or cannot be read): the sheets are then read and hashed."""
    roots = [_bundled_root(), *(path for _, path in overlay_dirs(pricing))]
    out = []
    recent = time.time_ns() - int(_RACY_SECONDS * 1e9)
    try:
        for root in roots:
            if not isinstance(root, Path):
                return None
            paths = [root, *sheet_paths(root)] if root.is_dir() else [root]
            for path in paths:
                st = path.stat()
                if st.st_mtime_ns >= recent or st.st_ctime_ns >= recent:
                    return None
                out.append((str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    except OSError:
        return None
    return tuple(out)


def cached_catalog(pricing: tuple[str, ...]) -> Catalog:
    """The catalog for these overlays: from this process's memory while no sheet file changed, else from
    the snapshot named by the sheets' fingerprint, else validated from the sheets (and snapshotted)."""
    key = (pricing, os.environ.get(ENV_VAR, ""))
    stamp = _stamp(pricing)
    remembered = _memory.get(key)
    if stamp is not None and remembered is not None and remembered[0] == stamp:
        return remembered[1]
    sources, problems = _sources(pricing, use_env=True, bundled=True)
    fingerprint = _fingerprint(sources)
    catalog = None if problems else _read_snapshot(fingerprint)
    if catalog is None:
        catalog = _build(sources, problems, fingerprint)
    if stamp is not None:
        if len(_memory) >= 8:
            _memory.pop(next(iter(_memory)))
        _memory[key] = (stamp, catalog)
    return catalog


def forget() -> None:
    """Drop this process's catalogs (the snapshots stay): the next load reads them again."""
    _memory.clear()
