"""Execution engines: the same partition functions on this machine and on a Dask cluster give identical
totals, whatever the partitioning, the number of workers, or a task that fails once."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.engines import get_engine
from tokencost.engines.local import LocalEngine
from tokencost.errors import InputError
from tokencost.inputs import collect
from tokencost.tokenizers.files import count_partition, count_sources

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

KEYS = [("o200k_base", False), ("cl100k_base", False), ("claude", False), ("deepseek-v3", True)]


@pytest.fixture(scope="module")
def dask_engine():
    engine = get_engine("dask", jobs=2)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """English, Chinese, code and JSONL chats, large enough for many partitions of 4 kB."""
    root = tmp_path_factory.mktemp("corpus")
    en = "The quick brown fox jumps over the lazy dog; pricing tokens is not the same as counting words.\n"
    zh = "今天天气很好，我们去公园散步吧。退货需要在三十天内完成，请保留收据。\n"
    code = "def add(a: int, b: int) -> int:\n    return a + b  # 求和\n\n"
    chats = "".join(
        json.dumps(
            {"messages": [{"role": "user", "content": f"第{i}个问题: how much is {i}?"}]}, ensure_ascii=False
        )
        + "\n"
        for i in range(400)
    )
    (root / "en.txt").write_text(en * 300, encoding="utf-8")
    (root / "zh.txt").write_text(zh * 300, encoding="utf-8")
    (root / "code.py").write_text(code * 300, encoding="utf-8")
    (root / "chats.jsonl").write_text(chats, encoding="utf-8")
    return root


def _totals(results):
    return [
        (r.name, sorted(r.tokens.items()), sorted(r.ranges.items()), r.characters, r.bytes) for r in results
    ]


def test_dask_totals_equal_local_bit_for_bit(corpus, dask_engine):
    sources = collect([str(corpus)], (), ()).sources
    local = count_sources(sources, KEYS, segment_bytes=4096)
    local_jobs = count_sources(sources, KEYS, segment_bytes=4096, engine=LocalEngine(2))
    on_dask = count_sources(sources, KEYS, segment_bytes=4096, engine=dask_engine)
    assert sum(r.bytes for r in local) > 8 * 4096  # at least 8 partitions
    assert _totals(on_dask) == _totals(local)
    assert _totals(local_jobs) == _totals(local)
    # exact counts do not even depend on the partitioning (estimates round per partition)
    coarse = count_sources(sources, KEYS[:2], segment_bytes=1 << 20, engine=dask_engine)
    assert [sorted(r.tokens.items()) for r in coarse] == [
        sorted((k, v) for k, v in r.tokens.items() if k in KEYS[:2]) for r in local
    ]


_FAILED_ONCE = "tokencost-test-failed-once"


def flaky_count(unit):
    """count_partition, but the first attempt at each partition dies (a worker lost mid-task)."""
    marker = Path(unit[1] + f".{unit[2]}.{_FAILED_ONCE}")
    if not marker.exists():
        marker.write_text("x")
        raise RuntimeError("worker lost")
    return count_partition(unit)


def test_a_task_that_fails_once_is_retried_and_counted_once(corpus, dask_engine, tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text((corpus / "zh.txt").read_text("utf-8"), encoding="utf-8")
    size = path.stat().st_size
    keys = tuple(KEYS)
    # cut on whole lines (every line is the same bytes), so no partition splits a character
    line = len((corpus / "zh.txt").read_text("utf-8").splitlines(keepends=True)[0].encode())
    units = [(0, str(path), start, min(start + 10 * line, size), keys) for start in range(0, size, 10 * line)]
    # the counts, not which engine counted them (a fresh worker counts short texts on the pure-Python path,
    # a warm process on its native engine: the same counts)
    expected = sorted(repr(part[:-1]) for part in map(count_partition, units))
    got = sorted(repr(part[:-1]) for part in dask_engine.map_unordered(flaky_count, units))
    assert got == expected


def test_a_partition_the_workers_cannot_read_is_an_input_error(dask_engine, tmp_path):
    missing = str(tmp_path / "gone.txt")
    with pytest.raises(InputError) as caught:
        list(dask_engine.map_unordered(count_partition, [(0, missing, 0, 10, (("o200k_base", False),))]))
    message = str(caught.value)  # one line naming the worker and the path, not retried
    assert message.startswith("Dask worker tcp://") and f"cannot read {missing} (No such file" in message
    assert "\n" not in message


def test_relative_paths_reach_workers_started_in_another_directory(corpus, dask_engine, monkeypatch):
    """The cluster's workers were spawned in the test's first directory; the driver now runs in the corpus
    directory and names files relative to it: partitions carry absolute paths, results the names given."""
    monkeypatch.chdir(corpus)
    sources = collect(["zh.txt", "code.py"], (), ()).sources
    local = count_sources(sources, KEYS[:2], segment_bytes=4096)
    on_dask = count_sources(sources, KEYS[:2], segment_bytes=4096, engine=dask_engine)
    assert _totals(on_dask) == _totals(local)
    assert [r.name for r in on_dask] == ["zh.txt", "code.py"]


def test_count_cli_engine_dask_matches_local(corpus):
    runner = CliRunner()
    args = ["count", str(corpus), "--tokenizer", "o200k_base", "--tokenizer", "claude", "--format", "json"]
    local = runner.invoke(cli, args)
    dask = runner.invoke(cli, [*args, "--engine", "dask", "--jobs", "2"])
    assert local.exit_code == dask.exit_code == 0, dask.output
    assert json.loads(dask.stdout)["results"] == json.loads(local.stdout)["results"]


@pytest.mark.parametrize("command", ["count", "replay", "calibrate"])
def test_engine_dask_without_the_extra_names_the_install(monkeypatch, tmp_path, command):
    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed":  # (the module cluster's own threads import distributed.* meanwhile)
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    path = tmp_path / "a.jsonl"
    path.write_text('{"model": "gpt-4o-mini", "usage": {"prompt_tokens": 3, "completion_tokens": 1}}\n')
    result = CliRunner().invoke(cli, [command, str(path), "--engine", "dask"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "Error: --engine dask needs Dask: pip install 'tokencost-advisor[dask]'"


def test_unreachable_scheduler_is_a_bounded_one_line_error(monkeypatch, tmp_path):
    from tokencost.engines import dask_engine

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 1)
    path = tmp_path / "a.txt"
    path.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["count", str(path), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_an_address_where_something_else_answers_is_a_one_line_error(monkeypatch, tmp_path):
    """Not a Dask scheduler (an HTTP server, a proxy): its answer is not a handshake; one line, exit 2."""
    import socket
    import threading

    from tokencost.engines import dask_engine

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 2)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        for _ in range(5):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 4)
            conn.close()

    threading.Thread(target=answer, daemon=True).start()
    path = tmp_path / "a.txt"
    path.write_text("hello", encoding="utf-8")
    try:
        result = CliRunner().invoke(
            cli, ["count", str(path), "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{port}"]
        )
    finally:
        server.close()
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_scheduler_without_dask_engine_is_a_usage_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(cli, ["count", str(path), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "--scheduler goes with --engine dask" in result.output


def bad_input(marker: str):
    """A partition that stops on tokencost's own error (as a log a worker cannot parse), counting attempts."""
    with open(marker, "a", encoding="utf-8") as handle:
        handle.write("x")
    raise InputError("logs/a.jsonl.zst: reading .zst needs the zstandard package")


def test_an_input_error_on_a_worker_is_one_line_naming_it_and_not_retried(dask_engine, tmp_path):
    marker = str(tmp_path / "attempts")
    with pytest.raises(InputError) as caught:
        list(dask_engine.map_unordered(bad_input, [marker]))
    message = str(caught.value)
    assert message.startswith(
        "logs/a.jsonl.zst: reading .zst needs the zstandard package (on Dask worker tcp://"
    )
    assert "\n" not in message
    assert Path(marker).read_text() == "x"  # the same input fails the same way: tried once


def needs_tiktoken(unit):
    """A partition function on a worker without the tokenizers extra."""
    raise ModuleNotFoundError("No module named 'tiktoken'", name="tiktoken")


def test_a_worker_without_the_tokenizers_extra_is_named(dask_engine):
    with pytest.raises(InputError) as caught:
        list(dask_engine.map_unordered(needs_tiktoken, [1, 2]))
    message = str(caught.value)
    assert "Dask worker tcp://" in message and "cannot import 'tiktoken'" in message
    assert "pip install 'tokencost-advisor[tokenizers]'" in message and "\n" not in message


_KILLED_ONCE = "tokencost-test-killed-once"


def dying_count(unit):
    """count_partition, but the worker process running partition 3 dies the first time (a machine lost)."""
    import os

    marker = Path(unit[1] + f".{unit[2]}.{_KILLED_ONCE}")
    if unit[2] == 3 * 4096 and not marker.exists():
        marker.write_text("x")
        os._exit(1)
    return count_partition(unit)


def test_a_worker_killed_mid_run_changes_nothing(corpus, dask_engine, tmp_path):
    path = tmp_path / "en.txt"
    path.write_text((corpus / "en.txt").read_text("utf-8"), encoding="utf-8")
    size = path.stat().st_size
    keys = (("o200k_base", False),)
    units = [(0, str(path), start, min(start + 4096, size), keys) for start in range(0, size, 4096)]
    expected = sorted(map(repr, map(count_partition, units)))
    got = sorted(map(repr, dask_engine.map_unordered(dying_count, units)))
    assert list(tmp_path.glob(f"*.{_KILLED_ONCE}"))  # a worker did die
    assert got == expected


class _RecordingEngine(LocalEngine):
    """This process, but with its own partition size, remembering the partitions it was given."""

    segment_bytes = 4096

    def __init__(self) -> None:
        super().__init__(1)
        self.units: list = []

    def map_unordered(self, fn, units):
        self.units = list(units)
        return super().map_unordered(fn, self.units)


def test_an_engine_sets_its_own_partition_size_and_the_totals_do_not_move(corpus):
    sources = collect([str(corpus)], (), ()).sources
    engine = _RecordingEngine()
    mine = count_sources(sources, KEYS[:2], engine=engine)
    assert len(engine.units) > len(sources)  # 4 kB partitions, where the default (1 MiB) gives one per file
    assert len(engine.units) >= sum(source.size for source in sources) // 8192  # cut near 4 kB (safe places)
    assert _totals(mine) == _totals(count_sources(sources, KEYS[:2]))
    explicit = _RecordingEngine()
    count_sources(sources, KEYS[:2], engine=explicit, segment_bytes=1 << 20)  # a caller's size wins
    assert len(explicit.units) == len(sources)
    from tokencost.engines.dask_engine import DaskEngine

    assert DaskEngine.segment_bytes == 4 << 20  # a Dask task costs more to hand out: fewer, larger ones


def test_what_counted_on_the_workers_is_reported_not_the_clients_idle_counter(corpus, dask_engine):
    """The client never builds a native engine for Dask runs: the backend named is the workers' (a partition
    above the pure-Python budget is counted natively), never the client's unbuilt 'python-bpe' alone."""
    sources = collect([str(corpus)], (), ()).sources
    key = ("o200k_base", False)
    results = count_sources(sources, [key], segment_bytes=1 << 20, engine=dask_engine)
    names = set().union(*(r.backends.get(key, set()) for r in results))
    assert names & {"rs-bpe", "tiktoken"}, names
    local = count_sources(sources, [key], segment_bytes=1 << 20)
    assert set().union(*(r.backends.get(key, set()) for r in local))  # reported locally too
