"""Log files -> documents, streamed: JSONL line by line, a top-level JSON array element by element, another
JSON document whole (at most 512 MB), CSV row by row.

Paths may be files, directories (walked recursively), globs or ``-`` (stdin). ``.gz`` and ``.zst`` are
decompressed by ``tokencost.compressed`` (the reader count and estimate share; ``.zst`` needs the optional
``zstandard`` package, and says so when it is missing).
"""

from __future__ import annotations

import csv
import glob
import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tokencost import compressed
from tokencost.compressed import DamagedFile as DamagedFile  # re-exported: pipeline catches it
from tokencost.errors import InputError
from tokencost.remote import Unreadable, is_url, open_any
from tokencost.remote import expand as remote_expand

#: a JSON document (not JSON Lines) larger than this is refused: it would have to be held in memory
MAX_JSON_DOCUMENT = 512 * 1024 * 1024
MALFORMED = object()


@dataclass(frozen=True)
class Document:
    """One parsed unit of a log: a JSON value (a JSONL line, a whole JSON file) or a CSV row (a dict)."""

    where: str
    value: Any
    csv: bool = False
    #: why an unreadable document (``value`` MALFORMED) is skipped, when not a malformed line
    problem: str = ""


#: the skip of the rest of a compressed file cut off or damaged part-way (the records before it are read)
CUT_OFF = "compressed file cut off or damaged: the rest of it is unread"


def expand(paths: Sequence[str], found: set[str] | None = None) -> list[str]:
    """Files named by ``paths`` (directories walked, globs expanded, ``-`` kept), in a stable order;
    ``found`` collects the ones a directory walk or a glob found (not named one by one: a file there that
    is not a log is skipped and named, where a named one is an error)."""
    out: list[str] = []
    found = set() if found is None else found
    for raw in paths:
        if raw == "-":
            out.append("-")
            continue
        if is_url(raw):
            out += remote_expand(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            walked = _walk(path)
            found.update(walked)
            out += walked
        elif path.exists():
            out.append(raw)
        elif any(ch in raw for ch in "*?["):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise InputError(f"{raw}: no file matches this pattern")
            # a directory the pattern matches is walked, as one named on the command line is
            matched = [f for m in matches for f in (_walk(Path(m)) if Path(m).is_dir() else [m])]
            found.update(matched)
            out += matched
        else:
            raise InputError(f"{raw}: no such file or directory")
    return list(dict.fromkeys(out))


def _walk(directory: Path) -> list[str]:
    """The files under ``directory``, recursively and sorted, hidden ones left out."""
    return [str(p) for p in sorted(directory.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def open_text(name: str) -> IO[str]:
    """A text stream of ``name`` (``-`` = stdin; a URL through fsspec), decompressing ``.gz`` / ``.zst``
    transparently (``tokencost.compressed``)."""
    if name == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    try:
        raw = compressed.open_binary(name)
    except OSError as exc:
        raise Unreadable(name, exc.strerror or exc) from None
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def _first_line(stream: IO[str]) -> tuple[str, str]:
    """The first non-blank line of ``stream`` and everything read to get it."""
    consumed = []
    for line in stream:
        consumed.append(line)
        if line.strip():
            return line, "".join(consumed)
    return "", "".join(consumed)


def documents(name: str, label: str | None = None) -> Iterator[Document]:
    """The documents of one file, streamed; a malformed JSONL line is a Document whose value is MALFORMED.
    ``label`` names the file in locations when it is opened under another name (an absolute path). A
    compressed file that breaks off after some documents ends with one MALFORMED document (``CUT_OFF``)
    where it broke; one that breaks before its first is a ``DamagedFile`` error."""
    label = label or ("<stdin>" if name == "-" else name)
    errors = compressed.errors(name)
    last = None
    try:
        for last in _documents(name, label):
            yield last
    except errors as exc:
        if last is None:
            raise compressed.damaged(name, label, exc) from None
        kind, detail = compressed.kind(name), compressed.describe(exc)
        line = re.fullmatch(re.escape(label) + r":(\d+)", last.where)
        where = f"{label}:{int(line.group(1)) + 1}" if line else f"{last.where} (after it)"
        yield Document(where, MALFORMED, problem=f"{CUT_OFF} ({kind}: {detail})")


def _documents(name: str, label: str) -> Iterator[Document]:
    with open_text(name) as stream:
        first, head = _first_line(stream)
        text = first.lstrip("\ufeff").strip()
        if not text:
            return
        if text.startswith("{"):
            try:
                json.loads(text)
                is_jsonl = True
            except ValueError:
                is_jsonl = False
            if is_jsonl:
                yield from _jsonl(label, head, stream, compressed.kind(name))
                return
        if text.startswith("["):
            yield from _json_array(label, head.lstrip().lstrip("\ufeff").lstrip(), stream)
            return
        if text.startswith("{"):
            rest = stream.read(MAX_JSON_DOCUMENT + 1)
            if len(rest) > MAX_JSON_DOCUMENT:
                raise InputError(
                    f"{label}: a JSON document over 512 MB; write it as JSON Lines (one record a line)"
                )
            text = (head + rest).lstrip("\ufeff")
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                if exc.msg == "Extra data":  # pretty-printed objects one after another (jq's output)
                    yield from _concatenated(label, text)
                else:
                    yield Document(f"{label}:{exc.lineno}", MALFORMED)
                return
            yield from _json_document(label, value)
            return
        yield from _csv(label, head, stream)


def _jsonl(label: str, head: str, stream: IO[str], packed: str | None = None) -> Iterator[Document]:
    """A JSONL file's lines as documents. In a compressed file (``packed``: gzip, zstd), a last line that breaks off unreadable
    without its newline is the file cut off (``CUT_OFF``), not a malformed record: a truncated stream can
    decompress without an error up to where it was cut."""
    number = head.count("\n") or 1
    first = head.rstrip("\n").rsplit("\n", 1)[-1]
    tail = head  # the last non-blank line as read (with its newline, if it has one)
    document = _line(label, number, first)
    for line in stream:
        number += 1
        if line.strip():
            yield document
            tail, document = line, _line(label, number, line)
    if packed and document.value is MALFORMED and not tail.endswith(("\n", "\r")):
        document = Document(document.where, MALFORMED, problem=f"{CUT_OFF} ({packed}: it ends mid-line)")
    yield document


def _line(label: str, number: int, line: str) -> Document:
    try:  # a UTF-8 BOM (Windows tools write one) is no part of the record
        return Document(f"{label}:{number}", json.loads(line[1:] if line.startswith("\ufeff") else line))
    except ValueError:
        return Document(f"{label}:{number}", MALFORMED)


def _json_document(label: str, value: Any) -> Iterator[Document]:
    """A JSON file: a list is one document per element (``file:[i]``), anything else one document."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield Document(f"{label}:[{index}]", item)
    else:
        yield Document(f"{label}:1", value)


def _concatenated(label: str, text: str) -> Iterator[Document]:
    """JSON values one after another, each spread over lines (``jq`` without ``-c``): one document per value,
    located at the line it starts on; an unreadable value ends the file with one MALFORMED document there."""
    decoder = json.JSONDecoder()
    position, line = 0, 1
    while True:
        start = position
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        line += text.count("\n", start, position)
        if position >= len(text):
            return
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield Document(f"{label}:{exc.lineno}", MALFORMED)
            return
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            yield Document(f"{label}:{line}" + (f"[{index}]" if index is not None else ""), item)
        line += text.count("\n", position, end)
        position = end


def _json_array(label: str, text: str, stream: IO[str], chunk: int = 1 << 20) -> Iterator[Document]:
    """The elements of a top-level JSON array, decoded one at a time as the file streams in (``file:[i]``):
    memory holds one element and one chunk, not the whole array. A malformed element ends the file with
    one MALFORMED document at its index."""
    decoder = json.JSONDecoder()
    buffer, position, index = text, 1, 0  # past the opening bracket
    at_end = False
    while True:
        while position < len(buffer) and buffer[position] in " \t\r\n,":
            position += 1
        if position < len(buffer) and buffer[position] == "]":
            return
        try:
            value, end = decoder.raw_decode(buffer, position)
        except ValueError:
            if at_end:
                if buffer[position:].strip():
                    yield Document(f"{label}:[{index}]", MALFORMED)
                return
            more = stream.read(chunk)
            at_end = not more
            buffer, position = buffer[position:] + more, 0
            continue
        if end == len(buffer) and not at_end:  # a number may continue in the next chunk
            more = stream.read(chunk)
            if more:
                buffer, position = buffer[position:] + more, 0
                continue
            at_end = True
        yield Document(f"{label}:[{index}]", value)
        index += 1
        position = end
        if position > chunk:
            buffer, position = buffer[position:], 0


def _csv(label: str, head: str, stream: IO[str]) -> Iterator[Document]:
    lines = _chain(head, stream)
    reader = csv.DictReader(lines)
    for row in reader:
        yield Document(f"{label}:{reader.line_num}", row, csv=True)


def _chain(head: str, stream: IO[str]) -> Iterator[str]:
    yield from io.StringIO(head)
    yield from stream


def is_jsonl(name: str) -> bool:
    """Whether ``name`` reads as JSON Lines (its first non-blank line is a whole JSON object)."""
    with open_text(name) as stream:
        first, _ = _first_line(stream)
    text = first.lstrip("\ufeff").strip()
    if not text.startswith("{"):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class JsonlRange:
    """The documents of bytes ``[start, end)`` of an uncompressed JSONL file (both ends on line starts),
    numbered from 1 within the range; ``lines`` is how many lines the range held once read (the merge
    adds the lines of earlier ranges to locate skips by file line)."""

    def __init__(self, name: str, start: int, end: int, label: str | None = None) -> None:
        self.name, self.start, self.end = name, start, end
        self.label = label or name
        self.lines = 0

    def __iter__(self) -> Iterator[Document]:
        try:
            with open_any(self.name) as handle:
                handle.seek(self.start)
                data = handle.read(self.end - self.start)
        except OSError as exc:
            raise Unreadable(self.name, exc.strerror or exc) from None
        # newline="" splits lines as open_text does (\n, \r\n and \r), so numbers match a whole-file read
        stream = io.StringIO(data.decode("utf-8", errors="replace"), newline="")
        for number, line in enumerate(stream, start=1):
            self.lines = number
            if line.strip():
                yield _line(self.label, number, line)


def line_cuts(name: str, size: int, part: int) -> list[int]:
    """Byte offsets cutting ``name`` (``size`` bytes) into ranges of about ``part`` bytes, each just after a
    newline, so a record is never split: ``[0, ..., size]``."""
    cuts = [0]
    with open_any(name) as handle:
        while cuts[-1] + part < size:
            handle.seek(cuts[-1] + part)
            handle.readline()  # finish the line the guess landed in
            at = handle.tell()
            if at >= size:
                break
            cuts.append(at)
    cuts.append(size)
    return cuts
