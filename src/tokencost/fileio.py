"""Atomic, non-clobbering file writes: nothing a user wrote is overwritten without being asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tokencost.errors import InputError


def write_atomic(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and a rename.

    Refuses to replace an existing file unless ``force``; a reader never sees a half-written file.
    """
    path = Path(path)
    if path.exists() and not force:
        raise InputError(f"{path}: already exists; pass --force to overwrite it")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{directory}: directory does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
