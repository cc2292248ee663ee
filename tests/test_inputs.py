"""Reading inputs: files, directories, globs, binary files, symlink loops, BOM, invalid UTF-8, empty input."""

from __future__ import annotations

import io
import os
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tokencost.errors import InputError
from tokencost.inputs import (
    STDIN,
    Source,
    TextStream,
    collect,
    decode_bytes,
    read_input,
    read_text,
    sniff_encoding,
)


def _tree(root):
    (root / "a.txt").write_text("alpha", encoding="utf-8")
    (root / "b.py").write_text("print('b')\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "c.md").write_text("# c\n", encoding="utf-8")
    (root / "sub" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "build").mkdir()
    (root / "build" / "out.txt").write_text("built")


def _names(collected, root):
    return sorted(os.path.relpath(s.name, root) for s in collected.sources)


def test_directory_recursive_skips_binary_and_vcs(tmp_path):
    _tree(tmp_path)
    collected = collect([str(tmp_path)])
    assert _names(collected, tmp_path) == ["a.txt", "b.py", "build/out.txt", "sub/c.md"]
    assert any("image.png" in n and "binary" in n for n in collected.notices)


def test_include_and_exclude_globs(tmp_path):
    _tree(tmp_path)
    assert _names(collect([str(tmp_path)], include=["*.py", "*.md"]), tmp_path) == ["b.py", "sub/c.md"]
    assert _names(collect([str(tmp_path)], exclude=["build"]), tmp_path) == ["a.txt", "b.py", "sub/c.md"]
    assert _names(collect([str(tmp_path)], exclude=["sub/**", "*.txt"]), tmp_path) == ["b.py"]


def test_symlink_loop_is_safe(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("x")
    os.symlink(tmp_path, tmp_path / "d" / "loop")
    os.symlink(tmp_path / "d", tmp_path / "again")
    collected = collect([str(tmp_path)])
    # each directory is walked once, whichever path reaches it first
    assert len(collected.sources) == 1 and collected.sources[0].name.endswith("f.txt")


def test_broken_symlink_noticed(tmp_path):
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    (tmp_path / "ok.txt").write_text("ok")
    collected = collect([str(tmp_path)])
    assert _names(collected, tmp_path) == ["ok.txt"]
    assert any("dangling" in n for n in collected.notices)


def test_missing_path_is_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        collect([str(tmp_path / "nope.txt")])
    with pytest.raises(InputError):
        collect([])
    with pytest.raises(InputError, match="more than once"):
        collect([STDIN, STDIN])


def test_explicit_binary_file_is_an_error(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc\x00def")
    with pytest.raises(InputError, match=r"^.*x\.bin: looks like binary data"):
        collect([str(path)])
    # UTF-16 without a BOM has NUL bytes: binary too
    (tmp_path / "nobom16.txt").write_bytes("hello".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"nobom16\.txt: looks like binary"):
        collect([str(tmp_path / "nobom16.txt")])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_utf32_with_bom_decoded(tmp_path, encoding):
    text = "hello 世界 \U0001f600\n" * 3000  # several sniff/decode blocks
    data = ("\ufeff" + text).encode(encoding) if encoding.endswith("-be") else text.encode(encoding)
    path = tmp_path / "u.txt"
    path.write_bytes(data)
    collected = collect([str(tmp_path), str(path)])
    assert [s.encoding for s in collected.sources] == [encoding[:6]]
    read = read_input(collected.sources[0], block=1000)
    assert read.text == text and read.invalid_bytes == 0 and read.bytes == len(data)
    assert read.notices == [f"{path}: decoded as {encoding[:6].upper()} (byte-order mark)"]


def test_utf16_invalid_surrogate_replaced_or_strict(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes(b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8" + "c".encode("utf-16-le"))
    read = read_input(str(path))
    assert read.text == "ab\ufffdc" and read.invalid_bytes == 2
    assert read.notices[-1] == f"{path}: 2 invalid UTF-16 byte(s) replaced with U+FFFD"
    with pytest.raises(InputError, match="is not valid UTF-16"):
        read_input(str(path), strict=True)


def test_overlapping_paths_and_links_counted_once(tmp_path):
    _tree(tmp_path)
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    os.link(tmp_path / "b.py", tmp_path / "sub" / "hard.py")
    collected = collect(
        [str(tmp_path), str(tmp_path / "sub"), str(tmp_path / "a.txt"), str(tmp_path / "link.txt")]
    )
    assert _names(collected, tmp_path) == ["a.txt", "b.py", "build/out.txt", "sub/c.md"]
    # link.txt and sub/hard.py in the walk; the sub walk's c.md and hard.py; a.txt and link.txt named
    assert "6 duplicate file(s) skipped" in collected.notices[-1]
    assert not any("no text files found" in n for n in collected.notices)  # sub had files, all seen
    assert sum("image.png: skipped (binary file)" in n for n in collected.notices) == 1
    # nothing duplicated: no notice
    assert not any("duplicate" in n for n in collect([str(tmp_path / "a.txt")]).notices)


def test_bom_and_invalid_bytes(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfhello \xff\xfe world \xe4\xb8")
    text, bad = read_text(Source(str(path), path))
    assert text == "hello \ufffd\ufffd world \ufffd"
    assert bad == 4
    assert decode_bytes(b"\xef\xbb\xbfok") == ("ok", 0)
    assert decode_bytes(b"a\x80b") == ("a\ufffdb", 1)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    collected = collect([str(path)])
    assert len(collected.sources) == 1
    assert read_text(collected.sources[0]) == ("", 0)


def _stdin(monkeypatch, data):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_binary_is_an_error_like_a_named_file(monkeypatch):
    _stdin(monkeypatch, b"a\x00b")
    with pytest.raises(InputError, match=r"^stdin: looks like binary data"):
        read_text(STDIN)
    _stdin(monkeypatch, ("x" * 9000).encode() + b"\x00")  # past the sniffed 8 KiB: text, as for files
    assert read_text(STDIN) == ("x" * 9000 + "\x00", 0)
    _stdin(monkeypatch, "hi".encode("utf-16"))
    read = read_input(STDIN)  # decoded, as for files
    assert read.text == "hi" and read.notices == ["-: decoded as UTF-16 (byte-order mark)"]


def test_read_input_limits_and_strict_same_for_stdin_and_files(monkeypatch, tmp_path):
    data = b"0123456789" * 10
    path = tmp_path / "p.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"p\.txt: is 100 bytes, larger than the 99-byte limit"):
        read_text(str(path), max_bytes=99)
    assert read_text(str(path), max_bytes=100) == (data.decode(), 0)
    _stdin(monkeypatch, data)
    with pytest.raises(InputError, match=r"^stdin: more than 99 bytes, larger than the 99-byte limit"):
        read_text(STDIN, max_bytes=99)
    _stdin(monkeypatch, data)
    assert read_text(STDIN, max_bytes=100) == (data.decode(), 0)
    bad = b"hello \xe4\xb8 world"
    path.write_bytes(bad)
    assert read_text(str(path)) == ("hello \ufffd world", 2)
    with pytest.raises(InputError, match=r"p\.txt: is not valid UTF-8 \(byte 6\); save it as UTF-8"):
        read_text(str(path), strict=True)
    _stdin(monkeypatch, bad)
    with pytest.raises(InputError, match=r"^stdin: is not valid UTF-8 \(byte 6\)"):
        read_text(STDIN, strict=True)
    # the offset is exact across blocks and a character cut between them
    path.write_bytes("é".encode() * 5 + b"\xff")
    with pytest.raises(InputError, match=r"\(byte 10\)"):
        read_input(str(path), strict=True, block=3)
    with pytest.raises(InputError, match="no such file"):
        read_text(str(tmp_path / "nope"))
    with pytest.raises(InputError, match="is a directory"):
        read_text(str(tmp_path))


def test_stdin_stream(monkeypatch):
    data = "\ufeff你好，世界\n".encode() + b"\xff"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    stream = TextStream(Source(STDIN, None), block=3)
    assert "".join(stream) == "你好，世界\n\ufffd"
    assert stream.invalid_bytes == 1 and stream.bytes_read == len(data)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200), block=st.integers(min_value=1, max_value=16))
@example(data=b"\xff\xfe\xff\xfe", block=1)  # UTF-16 BOM then U+FEFF: the character is kept
@example(data=b"\xef\xbb\xbf\x00", block=1)  # a UTF-8 BOM then NUL: binary
def test_streamed_decoding_equals_whole(tmp_path_factory, data, block):
    path = tmp_path_factory.mktemp("s") / "f"
    path.write_bytes(data)
    stream = TextStream(Source(str(path), path), block=block)
    encoding = sniff_encoding(data)
    if encoding is None:
        with pytest.raises(InputError, match="binary"):
            "".join(stream)
        return
    text = "".join(stream)
    assert stream.encoding == encoding
    if encoding == "utf-8":
        whole, bad = decode_bytes(data)
        assert text == whole
        assert stream.invalid_bytes == bad
    else:
        assert text == data.decode(encoding, "replace")


def test_fifo_is_streamed_not_sniffed(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"hello from a pipe"))
    writer.start()
    collected = collect([str(fifo)])
    assert collected.sources[0].size is None
    assert read_text(collected.sources[0]) == ("hello from a pipe", 0)
    writer.join()
