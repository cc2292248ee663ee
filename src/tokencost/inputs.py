"""Reading user inputs: files, directories (recursive), and ``-`` for stdin.

- Directories are walked recursively, following symlinks but never entering a directory twice (symlink
  loops are safe); ``.git``/``.hg``/``.svn`` are skipped. ``include``/``exclude`` globs match a file's path
  relative to the directory given or its name (``*.py``, ``docs/**``); ``exclude`` also prunes directories.
- A file is counted once however many times it is reached (overlapping paths, symlinks, hard links: the
  same ``(st_dev, st_ino)``); the duplicates skipped are reported in one notice.
- Binary data (a NUL byte in the first 8 KiB and no UTF-16/32 byte-order mark): a file found while walking
  a directory is skipped with a notice; a file named explicitly, or stdin, is an ``InputError`` (exit 2).
- UTF-8 with or without BOM; UTF-16 and UTF-32 with a BOM are decoded (``encoding`` says which, for a
  notice). Invalid bytes are replaced (U+FFFD, as ``errors="replace"``) and counted, or with ``strict``
  are an ``InputError`` naming the byte offset. ``max_bytes`` limits what ``read_input`` reads, for a file
  or stdin alike.
- ``.gz`` and ``.zst`` files are decompressed by their name (``tokencost.compressed``, the reader replay
  uses too) and their text read by these rules; one that cannot be decompressed is an ``InputError``.
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

from tokencost import compressed
from tokencost.errors import InputError
from tokencost.remote import is_url

STDIN = "-"
_SNIFF = 8192
_SKIP_DIRS = {".git", ".hg", ".svn"}
_BLOCK = 1 << 20
UTF8 = "utf-8"
#: UTF-16/32 byte-order marks, longest first (a UTF-32-LE BOM starts with the UTF-16-LE one)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Source:
    """One input: a file (``path``; a URL is kept as its string, read through fsspec) or stdin (``path``
    None, ``name`` ``-``)."""

    name: str
    path: Path | str | None
    size: int | None = None
    #: the encoding ``collect`` sniffed for a regular file (``utf-8``, ``utf-16``, ``utf-32``)
    encoding: str = UTF8
    #: found by walking a directory (not named): a file there in the wrong format is skipped, not an error
    walked: bool = False

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


def sniff_encoding(head: bytes) -> str | None:
    """The encoding of text starting with ``head`` (up to 8 KiB): from its BOM, else UTF-8; None for binary
    data (a NUL byte and no UTF-16/32 BOM)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None if b"\x00" in head[:_SNIFF] else UTF8


def _sniff_file(path: Path | str, name: str | None = None) -> str | None:
    """The encoding of a file's text (a ``.gz``/``.zst`` file's decompressed text), None for binary data."""
    name = name or str(path)
    with _opened(name, str(path)) as handle:
        return sniff_encoding(_read(handle, name, str(path), _SNIFF))


def _opened(name: str, path: str) -> BinaryIO:
    """``path`` opened for its bytes, decompressed by its name (``tokencost.compressed``); ``name`` is how
    an error names it."""
    try:
        return compressed.open_binary(path)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None


def _read(handle: BinaryIO, name: str, path: str, size: int) -> bytes:
    """Up to ``size`` bytes; a compressed file that cannot be decompressed is one ``DamagedFile`` error."""
    try:
        return handle.read(size)
    except compressed.errors(path) as exc:  # before OSError: gzip.BadGzipFile is one
        raise compressed.damaged(path, display_name(name), exc) from None
    except OSError as exc:
        raise InputError(f"{display_name(name)}: cannot read: {exc.strerror or exc}") from None


def _size(path: Path | str, size: int | None) -> int | None:
    """A file's size as the readers use it: None for a compressed file (its text's size is unknown until
    read, so it is streamed, never cut into byte ranges)."""
    return None if compressed.kind(str(path)) else size


def is_binary(path: Path) -> bool:
    return _sniff_file(path) is None


def display_name(name: str) -> str:
    """``stdin`` for ``-``, else the name: for messages."""
    return "stdin" if name == STDIN else name


def binary_error(name: str) -> InputError:
    return InputError(
        f"{display_name(name)}: looks like binary data (a NUL byte in the first 8 KiB), expected text "
        "(UTF-8, or UTF-16/UTF-32 with a byte-order mark)"
    )


class _Walk:
    """State shared by every path of one ``collect``: files already taken, duplicates skipped."""

    def __init__(self, out: Collected) -> None:
        self.out = out
        self.files: set[tuple[int, int]] = set()
        self.binary: set[tuple[int, int]] = set()
        self.duplicates = 0

    def add(
        self, name: str, path: Path, st: os.stat_result, encoding: str, size: int | None, walked: bool = False
    ) -> None:
        key = (st.st_dev, st.st_ino)
        if key in self.files:
            self.duplicates += 1
            return
        self.files.add(key)
        self.out.sources.append(Source(name, path, size, encoding, walked))


def _walk(root: Path, include: Sequence[str], exclude: Sequence[str], state: _Walk) -> int:
    """Add the text files under ``root``; the number of text files found (duplicates included)."""
    out = state.out
    found = 0
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
            if (st.st_dev, st.st_ino) in state.files:
                found += 1
                state.duplicates += 1
                continue
            if (st.st_dev, st.st_ino) in state.binary:
                continue  # already reported
            encoding = _sniff_file(path)
            if encoding is None:
                state.binary.add((st.st_dev, st.st_ino))
                out.notices.append(f"{path}: skipped (binary file)")
                continue
            found += 1
            state.add(str(path), path, st, encoding, _size(path, st.st_size), walked=True)
        stack.extend(reversed(subdirs))
    return found


def collect(
    paths: Sequence[str],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    *,
    directories: bool = True,
) -> Collected:
    """Expand ``paths`` (files, directories, ``-``) into sources, in the order given, each file once;
    notices for skips. A binary file named in ``paths`` is an ``InputError``; so is a directory when
    ``directories`` is False (``estimate`` prices files it is given, it does not walk)."""
    out = Collected()
    if not paths:
        raise InputError("no input: give a file, a directory, or - for stdin")
    state = _Walk(out)
    stdin_seen = False
    for raw in paths:
        if raw == STDIN:
            if stdin_seen:
                raise InputError("- (stdin) given more than once")
            stdin_seen = True
            out.sources.append(Source(STDIN, None))
            continue
        if is_url(raw):
            _collect_url(raw, out)
            continue
        path = Path(raw)
        st = _stat(raw, path)
        if stat.S_ISDIR(st.st_mode):
            if not directories:
                raise _directory_error(raw)
            if _walk(path, include, exclude, state) == 0:
                out.notices.append(f"{raw}: no text files found")
        elif not stat.S_ISREG(st.st_mode):
            state.add(raw, path, st, UTF8, None)  # a pipe or device: streamed, never sniffed
        else:
            encoding = _sniff_file(path, raw)
            if encoding is None:
                raise binary_error(raw)
            state.add(raw, path, st, encoding, _size(path, st.st_size))
    if state.duplicates:
        out.notices.append(
            f"{state.duplicates} duplicate file(s) skipped "
            "(the same file reached by overlapping paths, a symlink or a hard link)"
        )
    return out


def _collect_url(raw: str, out: Collected) -> None:
    """The files a URL names (fsspec), each sniffed like a local file; binary files under a URL directory
    are skipped with a notice, a binary file named directly is an error."""
    from tokencost.remote import expand, size

    skipped = 0
    for url in expand(raw):
        encoding = _sniff_file(url)
        if encoding is None:
            if url == raw:
                raise binary_error(raw)
            skipped += 1
            continue
        out.sources.append(Source(url, url, _size(url, size(url)), encoding))
    if skipped:
        out.notices.append(f"{raw}: {skipped} binary file(s) skipped")


def _directory_error(name: str) -> InputError:
    return InputError(f"{name}: is a directory, expected a file")


def _stat(raw: str, path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise InputError(f"{raw}: no such file or directory") from None
    except OSError as exc:
        raise InputError(f"{raw}: cannot read: {exc.strerror or exc}") from None


def open_binary(source: Source) -> BinaryIO:
    """The bytes of a source: stdin, or a file (a ``.gz``/``.zst`` one decompressed)."""
    if source.path is None:
        return sys.stdin.buffer
    return _opened(source.name, str(source.path))


def read_blocks(source: Source, block: int = _BLOCK) -> Iterator[bytes]:
    handle = open_binary(source)
    path = "" if source.path is None else str(source.path)
    try:
        while True:
            data = _read(handle, source.name, path, block)
            if not data:
                return
            yield data
    finally:
        if source.path is not None:
            handle.close()


class _ReplacementCounter:
    """A codec error handler that replaces invalid bytes exactly like ``errors="replace"`` and counts them."""

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


def _label(encoding: str) -> str:
    return encoding.upper()


class TextStream:
    """Decode a source incrementally: iterate for text pieces; ``invalid_bytes`` counts replaced bytes.

    The encoding is sniffed from the first 8 KiB (``encoding`` says which after iterating); binary data is
    an ``InputError``. With ``strict`` an invalid byte is an ``InputError``; more than ``max_bytes`` bytes
    too.
    """

    def __init__(
        self, source: Source, block: int = _BLOCK, *, strict: bool = False, max_bytes: int | None = None
    ) -> None:
        self.source = source
        self.block = block
        self.strict = strict
        self.max_bytes = max_bytes
        self.invalid_bytes = 0
        self.bytes_read = 0
        self.encoding = UTF8

    def _blocks(self) -> Iterator[bytes]:
        """The raw blocks, the first one at least 8 KiB (or all the input) so it can be sniffed."""
        head = b""
        blocks = read_blocks(self.source, self.block)
        for data in blocks:
            self.bytes_read += len(data)
            if self.max_bytes is not None and self.bytes_read > self.max_bytes:
                raise InputError(
                    f"{display_name(self.source.name)}: more than {self.max_bytes:,} bytes, "
                    f"larger than the {self.max_bytes:,}-byte limit"
                )
            if head is not None:
                head += data
                if len(head) < _SNIFF:
                    continue
                data, head = head, None
                self._sniff(data)
            yield data
        if head is not None:
            self._sniff(head)
            if head:
                yield head

    def _sniff(self, head: bytes) -> None:
        encoding = sniff_encoding(head)
        if encoding is None:
            raise binary_error(self.source.name)
        self.encoding = encoding

    def __iter__(self) -> Iterator[str]:
        counter = _replacer()
        decoder = None
        offset = 0  # bytes given to the decoder before this block
        first = True
        for data in self._blocks():
            if decoder is None:
                decoder = codecs.getincrementaldecoder(self.encoding)("strict" if self.strict else _ERRORS)
            before = counter.invalid_bytes
            text = self._decode(decoder, data, offset)
            offset += len(data)
            self.invalid_bytes += counter.invalid_bytes - before
            if first and text:
                if text.startswith("\ufeff") and self.encoding == UTF8:  # UTF-16/32 decoders drop theirs
                    text = text[1:]
                first = False
            if text:
                yield text
        if decoder is None:
            return
        before = counter.invalid_bytes
        tail = self._decode(decoder, b"", offset, final=True)
        self.invalid_bytes += counter.invalid_bytes - before
        if first and tail.startswith("\ufeff") and self.encoding == UTF8:
            tail = tail[1:]
        if tail:
            yield tail

    def _decode(
        self, decoder: codecs.IncrementalDecoder, data: bytes, offset: int, final: bool = False
    ) -> str:
        try:
            return decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            # exc.object is the decoder's pending bytes followed by ``data``
            at = offset + len(data) - len(exc.object) + exc.start
            raise InputError(
                f"{display_name(self.source.name)}: is not valid {_label(self.encoding)} (byte {at}); save it as UTF-8"
            ) from None


@dataclass(frozen=True)
class TextInput:
    """The whole text of one input, as ``read_input`` read it."""

    name: str
    text: str
    invalid_bytes: int
    encoding: str
    bytes: int

    @property
    def notices(self) -> list[str]:
        """What the reader changed: a non-UTF-8 decoding, invalid bytes replaced."""
        out = []
        if self.encoding != UTF8:
            out.append(decoded_notice(self.name, self.encoding))
        if self.invalid_bytes:
            out.append(invalid_notice(self.name, self.invalid_bytes, self.encoding))
        return out


def source_for(name: str) -> Source:
    """The source for a file name or ``-`` (stdin); a missing file or a directory is an ``InputError``."""
    if name == STDIN:
        return Source(STDIN, None)
    path = Path(name)
    st = _stat(name, path)
    if stat.S_ISDIR(st.st_mode):
        raise _directory_error(name)
    return Source(name, path, _size(path, st.st_size) if stat.S_ISREG(st.st_mode) else None)


def read_input(
    source: Source | str, *, max_bytes: int | None = None, strict: bool = False, block: int = _BLOCK
) -> TextInput:
    """The whole text of ``source`` (a ``Source``, a file name, or ``-`` for stdin), BOM dropped.

    The same rules for a file and stdin: binary data is an ``InputError``; UTF-16/32 with a BOM is decoded;
    invalid bytes are replaced and counted, or with ``strict`` are an ``InputError`` naming the byte;
    more than ``max_bytes`` bytes is an ``InputError`` (a file's size is checked before reading).
    """
    if isinstance(source, str):
        source = source_for(source)
    if max_bytes is not None and source.size is not None and source.size > max_bytes:
        raise InputError(
            f"{display_name(source.name)}: is {source.size:,} bytes, larger than the {max_bytes:,}-byte limit"
        )
    stream = TextStream(source, block, strict=strict, max_bytes=max_bytes)
    text = "".join(stream)
    return TextInput(source.name, text, stream.invalid_bytes, stream.encoding, stream.bytes_read)


def read_text(source: Source | str, *, max_bytes: int | None = None, strict: bool = False) -> tuple[str, int]:
    """The whole text of a source (BOM dropped, invalid bytes replaced) and the number of invalid bytes;
    ``read_input`` with its notices."""
    result = read_input(source, max_bytes=max_bytes, strict=strict)
    return result.text, result.invalid_bytes


def invalid_notice(name: str, invalid_bytes: int, encoding: str = UTF8) -> str:
    return f"{name}: {invalid_bytes} invalid {_label(encoding)} byte(s) replaced with U+FFFD"


def decoded_notice(name: str, encoding: str) -> str:
    return f"{name}: decoded as {_label(encoding)} (byte-order mark)"
