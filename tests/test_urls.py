"""Inputs named by URL (fsspec): count and replay read ``file://`` and ``memory://`` URLs as they read local
paths; without fsspec (or the protocol's package) a URL is a one-line error naming what to install."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import tokencost.replay.partitions as partitions
from tokencost.cli import cli
from tokencost.engines.local import LocalEngine
from tokencost.errors import InputError
from tokencost.remote import is_url
from tokencost.replay import replay

fsspec = pytest.importorskip("fsspec")
FIXTURES = Path(__file__).parent / "fixtures" / "replay"
MODELS = ["deepseek-v3.2", "gpt-4o-mini"]


def _usage_lines(n: int, first: int = 0) -> str:
    rows = []
    for i in range(first, first + n):  # one id per request: a repeated one is a copy, read once
        usage = {"prompt_tokens": 100 + i, "completion_tokens": 7 + i % 13, "total_tokens": 0}
        rows.append({"id": f"c{i}", "object": "chat.completion", "created": 1733312000 + 3600 * i,
                     "model": "gpt-4o-mini", "choices": [], "usage": usage})  # fmt: skip
    return "".join(json.dumps(r) + "\n" for r in rows)


def test_is_url():
    assert is_url("s3://bucket/logs/") and is_url("file:///tmp/x") and is_url("memory://a.jsonl")
    assert not is_url("logs/x.jsonl") and not is_url("C:\\logs\\x.jsonl") and not is_url("-")


def test_replay_file_url_prices_like_the_path():
    log = FIXTURES / "openai-chat.jsonl"
    by_path = replay([str(log)], MODELS)
    by_url = replay([log.as_uri()], MODELS)
    assert by_url["actual_total"] == by_path["actual_total"]
    assert by_url["candidates"] == by_path["candidates"]
    assert list(by_url["sources"]) == [log.as_uri()]
    assert by_url["records"]["skipped_at"]["malformed JSON line"] == [f"{log.as_uri()}:8"]


def test_replay_memory_directory_in_byte_ranges(monkeypatch):
    """A directory URL is walked, and a large JSONL behind a URL is cut into byte ranges read by fsspec."""
    fs = fsspec.filesystem("memory")
    fs.pipe("/dask2-logs/a.jsonl", _usage_lines(300).encode())
    fs.pipe("/dask2-logs/b.jsonl", _usage_lines(40, first=300).encode())
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 2048)
    try:
        whole = replay(["memory://dask2-logs"], MODELS)
        parts = replay(["memory://dask2-logs"], MODELS, engine=LocalEngine(1))  # memory:// is per process
    finally:
        fs.rm("/dask2-logs", recursive=True)
    assert json.dumps(parts) == json.dumps(whole)
    assert whole["records"]["read"] == 340
    assert list(whole["sources"]) == ["memory:///dask2-logs/a.jsonl", "memory:///dask2-logs/b.jsonl"]


def test_count_file_url_counts_like_the_path(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Refunds take five days. 退货需要三十天。\n" * 50, encoding="utf-8")
    runner = CliRunner()
    args = ["--tokenizer", "o200k_base", "--format", "json"]
    by_path = runner.invoke(cli, ["count", str(text), *args])
    by_url = runner.invoke(cli, ["count", text.as_uri(), *args])
    assert by_path.exit_code == by_url.exit_code == 0, by_url.output
    path_doc, url_doc = json.loads(by_path.stdout), json.loads(by_url.stdout)
    assert url_doc.pop("inputs") == [text.as_uri()]
    path_doc.pop("inputs")
    assert url_doc == path_doc and url_doc["tokens"] > 0


def test_missing_url_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["replay", (tmp_path / "none.jsonl").as_uri()])
    assert result.exit_code == 2
    assert result.output.startswith("Error: file://") and "no such file" in result.output


def test_url_without_fsspec_names_the_install(monkeypatch):
    real_import = builtins.__import__

    def no_fsspec(name, *args, **kwargs):
        if name == "fsspec" or name.startswith("fsspec."):
            raise ImportError("No module named 'fsspec'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fsspec)
    result = CliRunner().invoke(cli, ["replay", "s3://bucket/logs/"])
    assert result.exit_code == 2
    assert "pip install fsspec s3fs" in result.output and len(result.output.strip().splitlines()) == 1
    with pytest.raises(InputError, match=r"needs fsspec \(pip install fsspec gcsfs\)"):
        replay(["gs://bucket/x.jsonl"])
