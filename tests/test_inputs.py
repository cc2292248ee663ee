"""Reading inputs: files, directories, globs, binary files, symlink loops, BOM, invalid UTF-8, empty input."""

from __future__ import annotations

import io
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.errors import InputError
from tokencost.inputs import STDIN, Source, TextStream, collect, decode_bytes, read_text


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


def test_explicit_binary_file_skipped(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc\x00def")
    collected = collect([str(path)])
    assert collected.sources == [] and "binary" in collected.notices[0]


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


def test_stdin_stream(monkeypatch):
    data = "\ufeff你好，世界\n".encode() + b"\xff"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    stream = TextStream(Source(STDIN, None), block=3)
    assert "".join(stream) == "你好，世界\n\ufffd"
    assert stream.invalid_bytes == 1 and stream.bytes_read == len(data)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200), block=st.integers(min_value=1, max_value=16))
def test_streamed_decoding_equals_whole(tmp_path_factory, data, block):
    path = tmp_path_factory.mktemp("s") / "f"
    path.write_bytes(data)
    stream = TextStream(Source(str(path), path), block=block)
    text = "".join(stream)
    whole, bad = decode_bytes(data)
    assert text == whole
    assert stream.invalid_bytes == bad


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
