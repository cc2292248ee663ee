"""Reading user inputs: files, directories (recursive), and ``-`` for stdin.

- Directories are walked recursively, following symlinks but never entering a directory twice (symlink
  loops are safe); ``.git``/``.hg``/``.svn`` are skipped. ``include``/``exclude`` globs match a file's path
  relative to the directory given or its name (``*.py``, ``docs/**``); ``exclude`` also prunes directories.
- Binary files (a NUL byte in the first 8 KiB) are skipped with a notice.
- UTF-8 with or without BOM; invalid bytes are replaced (U+FFFD, as ``errors="replace"``) and reported.
- An empty input is 0 tokens, not an error. A missing path is an ``InputError`` (exit 2).
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tokencost.errors import InputError

STDIN = "-"
_SNIFF = 8192
_SKIP_DIRS = {".git", ".hg", ".svn"}
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Source:
    """One input: a file (``path``) or stdin (``path`` None, ``name`` ``-``)."""

    name: str
    path: Path | None
    size: int | None = None

    @property
    def is_stdin(self) -> bool:
        return self.path is None


@dataclass
class Collected:
    sources: list[Source] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    for pattern in globs:
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(name, pattern):
            return True
        if pattern.endswith("/**") and (rel == pattern[:-3] or rel.startswith(pattern[:-2])):
            return True
    return False


def is_binary(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return b"\x00" in head


def _walk(root: Path, include: Sequence[str], exclude: Sequence[str], out: Collected) -> None:
    seen: set[tuple[int, int]] = set()
    try:
        st = root.stat()
    except OSError as exc:
        raise InputError(f"{root}: cannot read directory: {exc.strerror or exc}") from None
    seen.add((st.st_dev, st.st_ino))
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            out.notices.append(f"{directory}: skipped (cannot list: {exc.strerror or exc})")
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                st = entry.stat()  # follows symlinks
            except OSError:
                out.notices.append(f"{path}: skipped (broken symlink or unreadable)")
                continue
            if stat.S_ISDIR(st.st_mode):
                if entry.name in _SKIP_DIRS or _matches(rel, entry.name, exclude):
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    continue  # a symlink loop or a second link to a directory already walked
                seen.add(key)
                subdirs.append(path)
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if include and not _matches(rel, entry.name, include):
                continue
            if exclude and _matches(rel, entry.name, exclude):
                continue
            if is_binary(path):
                out.notices.append(f"{path}: skipped (binary file)")
                continue
            out.sources.append(Source(str(path), path, st.st_size))
        stack.extend(reversed(subdirs))


def collect(paths: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Collected:
    """Expand ``paths`` (files, directories, ``-``) into sources, in the order given; notices for skips."""
    out = Collected()
    if not paths:
        raise InputError("no input: give a file, a directory, or - for stdin")
    stdin_seen = False
    for raw in paths:
        if raw == STDIN:
            if stdin_seen:
                raise InputError("- (stdin) given more than once")
            stdin_seen = True
            out.sources.append(Source(STDIN, None))
            continue
        path = Path(raw)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise InputError(f"{raw}: no such file or directory") from None
        except OSError as exc:
            raise InputError(f"{raw}: cannot read: {exc.strerror or exc}") from None
        if stat.S_ISDIR(st.st_mode):
            before = len(out.sources)
            _walk(path, include, exclude, out)
            if len(out.sources) == before:
                out.notices.append(f"{raw}: no text files found")
        elif not stat.S_ISREG(st.st_mode):
            out.sources.append(Source(raw, path, None))  # a pipe or device: streamed, never sniffed
        elif is_binary(path):
            out.notices.append(f"{raw}: skipped (binary file)")
        else:
            out.sources.append(Source(raw, path, st.st_size))
    return out


def open_binary(source: Source) -> BinaryIO:
    if source.path is None:
        return sys.stdin.buffer
    try:
        return open(source.path, "rb")
    except OSError as exc:
        raise InputError(f"{source.name}: cannot read: {exc.strerror or exc}") from None


def read_blocks(source: Source, block: int = _BLOCK) -> Iterator[bytes]:
    handle = open_binary(source)
    try:
        while True:
            try:
                data = handle.read(block)
            except OSError as exc:
                raise InputError(f"{source.name}: cannot read: {exc.strerror or exc}") from None
            if not data:
                return
            yield data
    finally:
        if source.path is not None:
            handle.close()


class _ReplacementCounter:
    """A codec error handler that replaces invalid UTF-8 exactly like ``errors="replace"`` and counts bytes."""

    def __init__(self) -> None:
        self.invalid_bytes = 0

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        self.invalid_bytes += exc.end - exc.start
        return "\ufffd", exc.end


_ERRORS = "tokencost-replace"
_REPLACER: _ReplacementCounter | None = None


def _replacer() -> _ReplacementCounter:
    global _REPLACER
    if _REPLACER is None:
        _REPLACER = _ReplacementCounter()
        codecs.register_error(_ERRORS, _REPLACER)
    return _REPLACER


def decode_bytes(data: bytes, strip_bom: bool = True) -> tuple[str, int]:
    """Decode UTF-8 (BOM dropped when ``strip_bom``), invalid bytes replaced: (text, invalid byte count)."""
    try:
        text = data.decode("utf-8")
        bad = 0
    except UnicodeDecodeError:
        counter = _replacer()
        before = counter.invalid_bytes
        text = data.decode("utf-8", _ERRORS)
        bad = counter.invalid_bytes - before
    if strip_bom and text.startswith("\ufeff"):
        text = text[1:]
    return text, bad


class TextStream:
    """Decode a source incrementally: iterate for text pieces; ``invalid_bytes`` counts replaced bytes."""

    def __init__(self, source: Source, block: int = _BLOCK) -> None:
        self.source = source
        self.block = block
        self.invalid_bytes = 0
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        counter = _replacer()
        decoder = codecs.getincrementaldecoder("utf-8")(_ERRORS)
        first = True
        for data in read_blocks(self.source, self.block):
            self.bytes_read += len(data)
            before = counter.invalid_bytes
            text = decoder.decode(data)
            self.invalid_bytes += counter.invalid_bytes - before
            if first and text:
                if text.startswith("\ufeff"):
                    text = text[1:]
                first = False
            if text:
                yield text
        before = counter.invalid_bytes
        tail = decoder.decode(b"", final=True)
        self.invalid_bytes += counter.invalid_bytes - before
        if first and tail.startswith("\ufeff"):
            tail = tail[1:]
        if tail:
            yield tail


def read_text(source: Source) -> tuple[str, int]:
    """The whole text of a source (BOM dropped, invalid bytes replaced) and the number of invalid bytes."""
    stream = TextStream(source)
    text = "".join(stream)
    return text, stream.invalid_bytes


def invalid_notice(name: str, invalid_bytes: int) -> str:
    return f"{name}: {invalid_bytes} invalid UTF-8 byte(s) replaced with U+FFFD"
