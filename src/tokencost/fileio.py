"""Atomic, non-clobbering file writes: nothing a user wrote is overwritten without being asked."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from tokencost.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and a rename.

    Refuses to replace anything already at ``path`` (a file, a directory, a dangling symlink) unless
    ``force``, and never replaces a directory. A reader never sees a half-written file. A new file gets the
    usual ``0o666 & ~umask`` mode (``mkstemp`` alone would make it 0600); a replaced file keeps its mode.
    """
    path = Path(path)
    if os.path.lexists(path):
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        if not force:
            raise InputError(f"{path}: already exists; pass --force to overwrite it")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{directory}: directory does not exist")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


#: the path that means standard output (``--out -``, ``--emit-workload -``)
STDOUT = "-"


def is_stdout(target: str | os.PathLike[str]) -> bool:
    """True when ``target`` is ``-``: standard output, never a file named ``-``."""
    return os.fspath(target) == STDOUT


def write_output(target: str | os.PathLike[str], text: str, *, force: bool = False) -> bool:
    """Write ``text`` to ``target``: standard output for ``-``, else atomically to the file (``write_atomic``,
    refusing to overwrite unless ``force``). Returns True when it went to standard output."""
    if is_stdout(target):
        import sys

        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    write_atomic(Path(target), text, force=force)
    return False
