"""Replay on an engine: partitions (files, line-aligned byte ranges) read, parse and price their records
as the local path does; the merged document equals the local one byte for byte."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import tokencost.replay.partitions as partitions
from tokencost.cli import cli
from tokencost.engines import get_engine
from tokencost.engines.local import LocalEngine
from tokencost.replay import replay
from tokencost.replay.pipeline import ReadStats

FIXTURES = Path(__file__).parent / "fixtures" / "replay"
MODELS = ["deepseek-v3.2", "claude-sonnet-4.5", "gpt-4o-mini"]
MALFORMED_LINES = (7, 151, 390)


def _chat(i: int) -> dict:
    day = dt.datetime(2025, 11, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=i % 19, minutes=i)
    model = ("gpt-4o-2024-08-06", "gpt-4o-mini", "o4-mini-2025-04-16", "no-such-model-x")[i % 4]
    usage = {"prompt_tokens": 900 + 37 * i, "completion_tokens": 11 + i % 97, "total_tokens": 0}
    if i % 3 == 0:
        usage["prompt_tokens_details"] = {"cached_tokens": 512}
    return {
        "id": f"chatcmpl-{i}",
        "object": "chat.completion",
        "created": int(day.timestamp()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
        "usage": usage,
    }


@pytest.fixture(scope="module")
def usage_log(tmp_path_factory) -> Path:
    """An OpenAI JSONL usage log over 19 days (growth and period), with malformed lines and an unknown
    model, plus a batch input/output pair (joined by custom_id across partitions)."""
    root = tmp_path_factory.mktemp("logs")
    lines = []
    for number in range(1, 401):
        lines.append("{not json" if number in MALFORMED_LINES else json.dumps(_chat(number)))
    (root / "usage.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inputs, outputs = [], []
    for i in range(60):
        body = {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": f"问题 {i}: refund order {i}?"}],
        }
        inputs.append({"custom_id": f"t-{i}", "method": "POST", "url": "/v1/chat/completions", "body": body})
        response = _chat(i * 4 + 1)
        # billed input its text covers (coverage's rule: a bill far over the text is converted, not re-counted)
        response["usage"] = {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
        outputs.append(
            {"id": f"b{i}", "custom_id": f"t-{i}", "response": {"status_code": 200, "body": response}}
        )
    (root / "batch-input.jsonl").write_text("".join(json.dumps(r) + "\n" for r in inputs), encoding="utf-8")
    (root / "batch-output.jsonl").write_text("".join(json.dumps(r) + "\n" for r in outputs), encoding="utf-8")
    return root


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 4096)


@pytest.fixture(scope="module")
def dask_engine():
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    engine = get_engine("dask", jobs=2)
    yield engine
    engine.close()


def _plan(paths: list[str]) -> list:
    spec = partitions.Spec((), None, (), "model", {}, None, None)
    return partitions.plan(paths, spec, "auto", ReadStats(), None)


def test_usage_log_is_cut_on_line_starts(usage_log, small_partitions):
    units = _plan([str(usage_log / "usage.jsonl")])
    assert len(units) >= 8
    data = (usage_log / "usage.jsonl").read_bytes()
    assert [u.start for u in units[1:]] == [u.end for u in units[:-1]]
    assert all(data[u.start - 1 : u.start] == b"\n" for u in units[1:])
    assert units[-1].end == len(data)


@pytest.mark.parametrize("group_by", ["model", "day"])
def test_replay_dask_equals_local_byte_for_byte(usage_log, small_partitions, dask_engine, group_by):
    logs = [str(usage_log)]
    local = replay(logs, MODELS, group_by=group_by)
    on_dask = replay(logs, MODELS, group_by=group_by, engine=dask_engine)
    assert json.dumps(on_dask) == json.dumps(local)
    # the whole-log passes held: growth over 19 days, the batch join re-tokenised its candidates
    row = next(r for r in local["actual"] if r["model"].startswith("gpt-4o-mini"))
    assert row["growth_fit"]["rate"] is not None  # measured; 19 days are too short to plan with it
    assert row["monthly_growth"] is None
    assert local["period"]["days"] == 18.25  # elapsed: day 0 00:00 to day 18 06:00
    assert local["sources"][str(usage_log / "batch-input.jsonl")].startswith("openai (batch input")
    assert any(c["records_by_method"].get("retokenized") for c in local["candidates"])


def test_skips_are_located_by_file_line_across_partitions(usage_log, small_partitions):
    name = str(usage_log / "usage.jsonl")
    document = replay([name], MODELS, engine=LocalEngine(2))
    assert document["records"]["skipped"]["malformed JSON line"] == len(MALFORMED_LINES)
    assert document["records"]["skipped_at"]["malformed JSON line"] == [
        f"{name}:{n}" for n in MALFORMED_LINES
    ]
    assert document["records"]["unknown_model"] == 98  # lines 4k+3, less the malformed 7 and 151
    assert json.dumps(document) == json.dumps(replay([name], MODELS))


def test_fixture_sources_equal_local_with_otel_parents(small_partitions):
    """Every fixture format (OTel parent/child de-duplication, Anthropic stream events, JSON documents,
    CSV) through partitions on worker processes."""
    logs = [str(p) for p in sorted(FIXTURES.iterdir()) if "generic" not in p.name]
    local = replay(logs, MODELS)
    assert json.dumps(replay(logs, MODELS, engine=LocalEngine(2))) == json.dumps(local)
    assert local["records"]["ignored"]  # the OTel parent span and the stream chunks were set aside


def test_cli_jobs_equals_local_and_compressed_logs_are_whole_files(usage_log, small_partitions, tmp_path):
    packed = tmp_path / "usage.jsonl.gz"
    packed.write_bytes(gzip.compress((usage_log / "usage.jsonl").read_bytes()))
    runner = CliRunner()
    base = ["replay", str(packed), "-m", "deepseek-v3.2", "--format", "json"]
    local = runner.invoke(cli, base)
    parallel = runner.invoke(cli, [*base, "--jobs", "2"])
    assert local.exit_code == 0 and parallel.exit_code == 0, parallel.output
    assert parallel.stdout == local.stdout
    assert "read as one partition (compressed logs cannot be cut)" in parallel.stderr


def test_cli_engine_errors_are_one_line(usage_log):
    runner = CliRunner()
    result = runner.invoke(cli, ["replay", str(usage_log), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: --scheduler goes with --engine dask"
    result = runner.invoke(cli, ["replay", "-", "--jobs", "2"], input="{}\n")
    assert result.exit_code == 2
    assert "stdin cannot be read on an engine" in result.output


def test_progress_counts_partitions_and_bytes(usage_log, small_partitions):
    name = str(usage_log / "usage.jsonl")
    calls = []
    replay([name], MODELS, engine=LocalEngine(1), progress=lambda *args: calls.append(args))
    size = (usage_log / "usage.jsonl").stat().st_size
    assert len(calls) >= 8
    assert calls[-1] == (len(calls), len(calls), size, size)
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1))


def test_quiet_is_accepted_and_stderr_is_not_a_tty(usage_log, small_partitions):
    result = CliRunner().invoke(cli, ["replay", str(usage_log), "--jobs", "2", "--quiet", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "partitions" not in result.stderr  # the progress bar is for terminals only


_FAILED_ONCE = "tokencost-replay-failed-once"


def flaky_replay_partition(unit):
    """replay_partition, but the first attempt at each partition dies (a worker lost mid-task)."""
    marker = Path(f"{unit.path}.{unit.index}.{_FAILED_ONCE}")
    if not marker.exists():
        marker.write_text("x")
        raise RuntimeError("worker lost")
    return partitions.replay_partition(unit)


def test_replay_partitions_that_fail_once_are_counted_once(
    usage_log, small_partitions, dask_engine, tmp_path, monkeypatch
):
    log = tmp_path / "usage.jsonl"
    log.write_bytes((usage_log / "usage.jsonl").read_bytes())
    local = replay([str(log)], MODELS)
    monkeypatch.setattr(partitions, "replay_partition", flaky_replay_partition)
    on_dask = replay([str(log)], MODELS, engine=dask_engine)
    assert len(list(tmp_path.glob(f"*.{_FAILED_ONCE}"))) >= 8  # every partition failed once
    assert json.dumps(on_dask) == json.dumps(local)


def test_relative_logs_and_pricing_reach_workers_started_elsewhere(
    usage_log, dask_engine, tmp_path, monkeypatch
):
    """The cluster's workers were spawned in the first test's directory; here the client names the log and a
    --pricing overlay relative to another one: partitions carry absolute paths, the document the names given."""
    from conftest import ACME_SHEET, write_sheet

    write_sheet(tmp_path / "sheets", "acme.yaml", ACME_SHEET)
    (tmp_path / "usage.jsonl").write_bytes((usage_log / "usage.jsonl").read_bytes())
    monkeypatch.chdir(tmp_path)
    local = replay(["usage.jsonl"], ["acme-mini", *MODELS], pricing="sheets")
    on_dask = replay(["usage.jsonl"], ["acme-mini", *MODELS], pricing="sheets", engine=dask_engine)
    assert json.dumps(on_dask) == json.dumps(local)
    assert local["records"]["skipped_at"]["malformed JSON line"][0] == "usage.jsonl:7"


def test_duplicates_in_other_partitions_are_skipped_on_dask_as_locally(
    usage_log, small_partitions, dask_engine, tmp_path
):
    """A log read twice (a copy in another file, records repeated in later byte ranges): each vendor id is
    read once, the first copy kept, on Dask as in one local read."""
    from tokencost.replay.pipeline import DUPLICATE

    log = tmp_path / "usage.jsonl"
    text = (usage_log / "usage.jsonl").read_text("utf-8")
    log.write_text(text + text, encoding="utf-8")  # every record again, in later partitions
    copy = tmp_path / "copy.jsonl"
    copy.write_text(text, encoding="utf-8")
    local = replay([str(log), str(copy)], MODELS)
    assert local["records"]["read"] == replay([str(usage_log / "usage.jsonl")], MODELS)["records"]["read"]
    assert local["records"]["skipped_at"][DUPLICATE][0] == f"{log}:401 (duplicate of {log}:1)"
    on_dask = replay([str(log), str(copy)], MODELS, engine=dask_engine)
    assert json.dumps(on_dask) == json.dumps(local)
