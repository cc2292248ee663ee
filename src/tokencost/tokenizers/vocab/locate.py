"""Find vocabulary files on disk without importing the packages that ship them, and read them (gzip or not)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_dir(package: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package (not imported), or None."""
    directory = package_dir(package)
    if directory is None:
        return None
    path = directory.joinpath(*parts)
    return path if path.is_file() else None


def read_maybe_gz(path: Path) -> bytes:
    """The bytes of ``path``, gunzipped when it is gzip data."""
    data = path.read_bytes()
    if data[:2] != b"\x1f\x8b":
        return data
    import gzip

    return gzip.decompress(data)
