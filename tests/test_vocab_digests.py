"""Vocabulary files are hashed once per file version (``vocab.digests``): a warm run does not read them, a
changed file is hashed again, and a file that changes under a remembered digest is refused, not parsed."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest

from tokencost.errors import TokenizerUnavailableError
from tokencost.tokenizers.vocab import digests, tiktoken_file


def _tiktoken(path, tokens):
    lines = [f"{base64.b64encode(t).decode()} {rank}" for rank, t in enumerate(tokens)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def test_a_remembered_digest_skips_reading_and_a_changed_file_is_hashed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "v.tiktoken"
    _tiktoken(path, [b"a", b"b", b"ab"])
    reads = []

    def read(p):
        reads.append(p)
        return p.read_bytes()

    digest, data = digests.sha256_of(path, read)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest() and data is not None
    assert digests.sha256_of(path, read) == (digest, None) and len(reads) == 1  # warm: not read
    _tiktoken(path, [b"a", b"b", b"ba"])
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    changed, data = digests.sha256_of(path, read)
    assert changed != digest and data is not None and len(reads) == 2


def test_vocabulary_after_a_memo_hit_parses_the_verified_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "v.tiktoken"
    _tiktoken(path, [b"a", b"b", b"ab"])
    first = tiktoken_file.vocabulary("tiktoken:x", path)
    second = tiktoken_file.vocabulary("tiktoken:x", path)  # digest from the memo, file not read yet
    assert second.digest == first.digest
    assert second.parse() == {b"a": 0, b"b": 1, b"ab": 2}


def test_a_file_changed_under_its_remembered_digest_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "v.tiktoken"
    _tiktoken(path, [b"a", b"b", b"ab"])
    tiktoken_file.vocabulary("tiktoken:x", path)
    vocab = tiktoken_file.vocabulary("tiktoken:x", path)
    stat = os.stat(path)
    _tiktoken(path, [b"a", b"b", b"ba"])  # same size; stat restored: the memo cannot see it
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(TokenizerUnavailableError, match="sha256 differs"):
        vocab.parse()


def test_no_cache_hashes_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENCOST_NO_CACHE", "1")
    path = tmp_path / "v.tiktoken"
    _tiktoken(path, [b"a"])
    assert digests.sha256_of(path, lambda p: p.read_bytes())[1] is not None
    assert digests.sha256_of(path, lambda p: p.read_bytes())[1] is not None
