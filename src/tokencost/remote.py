"""Inputs named by URL (``s3://``, ``gs://``, ``abfs://``, ``file://``, ``memory://``...) read through fsspec,
when the user has installed it and the filesystem's package (s3fs, gcsfs, adlfs): tokencost pulls in no
cloud SDK. fsspec is imported only when a URL is given; without it a URL is a one-line error naming what to
install. Local paths never come here.
"""

from __future__ import annotations

import re
from typing import IO, Any

from tokencost.errors import InputError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: the package that provides each common protocol (fsspec itself provides file://, memory://, http...)
PACKAGES = {
    "s3": "s3fs",
    "s3a": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "abfs": "adlfs",
    "abfss": "adlfs",
    "az": "adlfs",
}


class Unreadable(InputError):
    """A file or URL that exists in name but cannot be read here (permissions, gone, no such bucket): the
    Dask engine names the worker that could not read it."""

    def __init__(self, path: str, reason: object) -> None:
        super().__init__(f"{path}: cannot read ({reason})")
        self.path, self.reason = path, str(reason)

    def __reduce__(self):
        return Unreadable, (self.path, self.reason)


def for_workers(name: str) -> str:
    """``name`` as other processes (Dask workers started elsewhere, in another directory) can open it: a URL
    as it is, a local path made absolute."""
    import os

    return name if is_url(name) or name == "-" else os.path.abspath(name)


def is_url(name: str) -> bool:
    """Whether ``name`` is a URL (``scheme://...``) rather than a local path."""
    return bool(_URL.match(str(name)))


def _install(url: str) -> str:
    package = PACKAGES.get(url.split("://", 1)[0].lower())
    return "pip install fsspec" + (f" {package}" if package else "")


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the path inside it; an InputError naming the install command
    when fsspec or the protocol's package is missing."""
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{url}: reading URLs needs fsspec ({_install(url)})") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise InputError(f"{url}: cannot open this URL ({_install(url)}): {exc}".splitlines()[0]) from None


def expand(url: str) -> list[str]:
    """Files named by ``url``: the file, every file under a directory, or a glob's matches (sorted URLs)."""
    fs, path = filesystem(url)
    try:
        if any(ch in path for ch in "*?["):
            found = [p for p in fs.glob(path) if fs.isfile(p)]
        elif fs.isdir(path):
            found = fs.find(path)
        elif fs.exists(path):
            return [url]
        else:
            raise InputError(f"{url}: no such file or directory")
    except OSError as exc:
        raise InputError(f"{url}: cannot read ({exc})") from None
    names = sorted(fs.unstrip_protocol(p) for p in found)
    return [n for n in names if not n.rsplit("/", 1)[-1].startswith(".")]


def open_bytes(name: str) -> IO[bytes]:
    """A binary file object of a URL (seekable where the filesystem allows)."""
    fs, path = filesystem(name)
    try:
        return fs.open(path, "rb")
    except OSError as exc:
        raise Unreadable(name, exc) from None


def size(name: str) -> int:
    fs, path = filesystem(name)
    return int(fs.size(path))


def open_any(name: str) -> IO[bytes]:
    """``name`` opened for binary reading: through fsspec when it is a URL, else the local file."""
    return open_bytes(name) if is_url(name) else open(name, "rb")


def size_any(name: str) -> int:
    import os

    return size(name) if is_url(name) else os.path.getsize(name)
