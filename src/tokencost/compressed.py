"""Compressed inputs, read transparently by their name: ``.gz`` with the standard library, ``.zst`` with the
optional ``zstandard`` package (``pip install 'tokencost-advisor[zstd]'``; without it a one-line error says
so). One reader for ``count``, ``estimate`` (``inputs``) and ``replay`` (``replay/reader``).
"""

from __future__ import annotations

from typing import Any, BinaryIO

from tokencost.errors import InputError
from tokencost.remote import open_any


class DamagedFile(InputError):
    """A compressed file that cannot be decompressed from its start (not gzip/zstd data, or cut off before
    anything could be read): an input error naming it."""


def kind(name: str) -> str | None:
    """``gzip`` or ``zstd`` for a name ending ``.gz`` or ``.zst``, else None (read as it is)."""
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith(".zst"):
        return "zstd"
    return None


def _zstandard(name: str) -> Any:
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        raise InputError(
            f"{name}: reading .zst needs the zstandard package",
            "pip install 'tokencost-advisor[zstd]', or decompress it first",
        ) from None
    return zstandard


def open_binary(name: str) -> BinaryIO:
    """The bytes of ``name`` (a path or a URL), decompressed when its name says gzip or zstd; closing the
    stream closes the file. ``OSError`` from opening it is the caller's to word."""
    compression = kind(name)
    zstandard = _zstandard(name) if compression == "zstd" else None
    raw: Any = open_any(name)
    if compression == "gzip":
        import gzip

        raw = gzip.GzipFile(fileobj=raw)
        raw.myfileobj = raw.fileobj  # closed with the wrapper, as gzip.open does
    elif zstandard is not None:
        raw = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
    return raw


def errors(name: str) -> tuple[type[BaseException], ...]:
    """What reading a compressed file raises when its data is cut off or not what its name says."""
    compression = kind(name)
    if compression == "gzip":
        import gzip
        import zlib

        return (EOFError, gzip.BadGzipFile, zlib.error)
    if compression == "zstd":
        return (EOFError, _zstandard(name).ZstdError)
    return ()


def damaged(name: str, label: str, exc: BaseException) -> DamagedFile:
    """The error for ``name`` (shown as ``label``), which could not be decompressed from its start."""
    return DamagedFile(f"{label}: not readable as {kind(name)} data ({describe(exc)})")


def describe(exc: BaseException) -> str:
    """A decompression error in a few words (its message, else its type)."""
    return str(exc) or type(exc).__name__
