"""Cut long text where no supported pre-tokenizer can merge across, so chunk counts add up to the whole.

Every exact family splits text with a regex before BPE (tiktoken patterns, DeepSeek's Split sequence); BPE
never merges across those pieces. A cut at position ``p`` is safe when ``p`` is a piece boundary of the whole
text and the pieces on each side come out the same when each side is tokenized alone. Three kinds of
position satisfy that for every pattern in the registry (``tests/test_tokenizers_exact.py`` checks it with
hypothesis, per family):

- after a newline that is followed by a letter (``"...\\n|Word"``): no piece contains a newline followed by
  a letter, and the piece ending in the newline reads the same when the text ends there;
- before a single space between two letters (``"word| word"``): a run of letters ends at the space, the
  next piece (``" word"``) starts at it;
- before CJK sentence punctuation between two letters (``"你好|，世界"``);
- before ASCII structural punctuation that follows a letter (``"name|":"``, ``"key|=value"``): a run of
  letters ends there in every pattern (the apostrophe of ``'s`` is not in the set), and the piece starting
  at the punctuation reads the same alone. This is what lets minified JSON, which has no spaces or
  newlines, be streamed in bounded memory.

Letters are ``\\p{L}`` (never a combining mark: marks join the previous letter in some patterns), and none
of those positions sits inside an NFC composition, so NFC-normalising each chunk (Qwen) equals normalising
the whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import BinaryIO

_PATTERN = (
    r"(?<=\n)(?=\p{L})|(?<=\p{L})(?= \p{L})|(?<=\p{L})(?=[，。、；：？！]\p{L})"
    r'|(?<=\p{L})(?=[",:;=(){}\[\]<>|])'
)

#: Target chunk size in characters: big enough that per-call overhead vanishes, small enough that the
#: token list of one chunk stays a few MB.
CHUNK_CHARS = 1 << 20
#: Target segment size in bytes when a file is split for streaming or for worker processes.
SEGMENT_BYTES = 1 << 20

_forward = None
_reverse = None


def _patterns():
    global _forward, _reverse
    if _forward is None:
        import regex  # tiktoken's own dependency; imported only when a text is long enough to cut

        _forward = regex.compile(_PATTERN)
        _reverse = regex.compile(_PATTERN, regex.REVERSE)
    return _forward, _reverse


def last_boundary(text: str, start: int = 0, end: int | None = None) -> int | None:
    """The last safe cut position ``p`` with ``start < p < end`` (lookahead limited to ``end``), or None."""
    _, reverse = _patterns()
    end = len(text) if end is None else end
    match = reverse.search(text, start, end)
    if match is None or match.start() <= start:
        return None
    return match.start()


def first_boundary(text: str, start: int = 0) -> int | None:
    """The first safe cut position ``p > start``, or None."""
    forward, _ = _patterns()
    match = forward.search(text, start + 1)
    return None if match is None else match.start()


def split_text(text: str, chunk_chars: int = CHUNK_CHARS) -> list[str]:
    """``text`` cut at safe positions into pieces of about ``chunk_chars`` (a piece is longer only when no
    safe position exists within it)."""
    if len(text) <= chunk_chars:
        return [text]
    pieces = []
    pos = 0
    while len(text) - pos > chunk_chars:
        cut = last_boundary(text, pos, pos + chunk_chars)
        if cut is None:
            cut = first_boundary(text, pos + chunk_chars - 1)
            if cut is None:
                break
        pieces.append(text[pos:cut])
        pos = cut
    pieces.append(text[pos:])
    return pieces


def rechunk(pieces: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """Re-cut a stream of arbitrary text pieces (e.g. decoded blocks of stdin) into safe chunks."""
    buffer = ""
    for piece in pieces:
        buffer = buffer + piece if buffer else piece
        if len(buffer) < chunk_chars:
            continue
        cut = last_boundary(buffer, len(buffer) // 2 if len(buffer) > 2 * chunk_chars else 0)
        if cut is None:
            continue  # no safe position yet: keep reading
        yield buffer[:cut]
        buffer = buffer[cut:]
    if buffer:
        yield buffer


# --- files: safe byte offsets, so segments can be read (and counted) independently --------------------


def plan_segments(handle: BinaryIO, size: int, segment_bytes: int = SEGMENT_BYTES) -> list[tuple[int, int]]:
    """Byte ranges ``[(start, end), ...]`` covering a seekable file, cut at safe positions.

    Each cut is found by decoding a small window after the target offset (``surrogateescape`` keeps the
    byte accounting exact around invalid bytes); a target with no safe position nearby is skipped, so a
    segment is longer only in text that has no spaces, newlines or CJK punctuation at all.
    """
    if size <= segment_bytes:
        return [(0, size)]
    forward, _ = _patterns()
    cuts = [0]
    target = segment_bytes
    window = 1 << 14
    while target < size:
        handle.seek(target)
        block = handle.read(window)
        skip = 0
        while skip < 4 and skip < len(block) and 0x80 <= block[skip] < 0xC0:
            skip += 1
        text = block[skip:].decode("utf-8", "surrogateescape")
        match = forward.search(text, 1)
        if match is None or match.start() >= len(text) - 8:
            target += window - 16
            continue
        cut = target + skip + len(text[: match.start()].encode("utf-8", "surrogateescape"))
        if cut >= size:
            break
        cuts.append(cut)
        target = cut + segment_bytes
    cuts.append(size)
    return list(itertools.pairwise(cuts))


def decode(data: bytes, strip_bom: bool) -> tuple[str, int]:
    """Decode UTF-8 (BOM dropped when ``strip_bom``), invalid bytes replaced: (text, invalid byte count)."""
    from tokencost.inputs import decode_bytes

    return decode_bytes(data, strip_bom)
