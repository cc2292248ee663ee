"""`calibrate` on an engine: samples extracted partition by partition (line-aligned byte ranges of a JSONL
log), on worker processes or a Dask cluster, give the same calibration file byte for byte as a local read;
relative paths reach workers that run in another directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import tokencost.replay.partitions as partitions
from tokencost.calibration import calibrate
from tokencost.calibration.partitions import sample_partition
from tokencost.cli import cli
from tokencost.engines.local import LocalEngine
from tokencost.errors import InputError
from tokencost.replay.pipeline import ReadStats

WORDS = "refund order invoice shipping 退货 请保留收据 def total(items): return sum(items) 注文 キャンセル".split()
MALFORMED_LINES = (5, 77)


def _pair(i: int) -> str:
    """A request/response pair: Claude (no exact tokenizer: fitted) or GPT-4o (exact: a framing check);
    every 9th an unknown model, every 13th a billed count too small to be true."""
    model = ("claude-sonnet-4-5", "claude-sonnet-4-5", "gpt-4o-mini", "no-such-model-z")[
        i % 4 if i % 9 else 3
    ]
    text = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(20 + i % 37))
    billed = 2 if i % 13 == 0 else 12 + len(text) // 3 + i % 5
    request = {"model": model, "max_tokens": 50, "messages": [{"role": "user", "content": text}]}
    response = {
        "id": f"msg_{i}", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": "ok"}], "usage": {"input_tokens": billed, "output_tokens": 3},
    }  # fmt: skip
    return json.dumps({"request": request, "response": response}, ensure_ascii=False)


@pytest.fixture(scope="module")
def pairs_log(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("calib-logs")
    lines = ["{broken" if n in MALFORMED_LINES else _pair(n) for n in range(1, 241)]
    (root / "pairs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def small_partitions(monkeypatch):
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 4096)


def _calibrate_cli(args: list[str], out: Path) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["calibrate", *args, "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8"), result.stderr


def test_samples_on_partitions_equal_a_local_read(pairs_log, small_partitions):
    log = str(pairs_log / "pairs.jsonl")
    spec = partitions.Spec((), None, (), "model", {}, None, None)
    assert len(partitions.plan([log], spec, "auto", ReadStats(), None)) >= 8
    local = calibrate([log])
    calls = []
    parted = calibrate(log, engine=LocalEngine(2), progress=lambda *args: calls.append(args))
    size = (pairs_log / "pairs.jsonl").stat().st_size
    assert calls[-1] == (len(calls), len(calls), size, size) and len(calls) >= 8  # partitions and bytes done
    assert parted["families"] == local["families"] and parted["checks"] == local["checks"]
    assert parted["excluded"] == local["excluded"]  # located by file line across partitions
    assert any(where == f"{log}:9" for _, where in local["excluded"])  # line 9 is an unknown model
    assert parted["stats"].locations["malformed JSON line"] == [f"{log}:{n}" for n in MALFORMED_LINES]
    assert set(local["families"]) == {"claude"} and set(local["checks"]) == {"o200k_base"}


def test_calibration_file_on_dask_and_jobs_equals_local_byte_for_byte(pairs_log, small_partitions, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    log = str(pairs_log / "pairs.jsonl")
    local, local_err = _calibrate_cli([log], tmp_path / "local.yaml")
    jobs, jobs_err = _calibrate_cli([log, "--jobs", "2"], tmp_path / "jobs.yaml")
    dask, dask_err = _calibrate_cli(
        [log, "--engine", "dask", "--jobs", "2", "--quiet"], tmp_path / "dask.yaml"
    )
    assert "claude" in local and "logs_sha256" in local
    assert jobs == local and dask == local
    assert jobs_err == local_err and dask_err == local_err  # the same requests left out, at the same lines
    # the client's --calibration reaches the workers (they were not started with it): same calibrated count
    text = tmp_path / "zh.txt"
    text.write_text("退货需要在三十天内完成，请保留收据。今天天气很好。" * 40, encoding="utf-8")
    args = ["count", str(text), "--tokenizer", "claude", "--format", "json"]
    plain = json.loads(CliRunner().invoke(cli, args).stdout)["tokens"]
    counts = []
    for engine in ("local", "dask"):
        result = CliRunner().invoke(
            cli, [*args, "--calibration", str(tmp_path / "local.yaml"), "--engine", engine]
        )
        assert result.exit_code == 0, result.output
        counts.append(json.loads(result.stdout)["tokens"])
    assert counts[0] == counts[1] != plain


def test_relative_paths_reach_workers_in_another_directory(
    pairs_log, small_partitions, tmp_path, monkeypatch
):
    """Workers started elsewhere (here: spawned before the driver changed directory) open the absolute path;
    locations still name the file as the user wrote it."""
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from tokencost.engines import get_engine

    engine = get_engine("dask", jobs=1)
    try:
        monkeypatch.chdir(pairs_log)
        spec = partitions.Spec((), None, (), "model", {}, None, None)
        units = partitions.plan(["pairs.jsonl"], spec, "auto", ReadStats(), None)
        assert all(unit.path == os.path.join(str(pairs_log), "pairs.jsonl") for unit in units)
        local = calibrate(["pairs.jsonl"])
        on_dask = calibrate(["pairs.jsonl"], engine=engine)
        assert on_dask["families"] == local["families"]
        assert on_dask["excluded"] == local["excluded"] and local["excluded"][0][1].startswith("pairs.jsonl:")
        # a file the workers cannot read (gone after planning): one line naming the worker and the path
        gone = tmp_path / "gone.jsonl"
        gone.write_text(_pair(1) + "\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        units = partitions.plan(["gone.jsonl"], spec, "auto", ReadStats(), None)
        gone.unlink()
        with pytest.raises(InputError) as caught:
            list(engine.map_unordered(sample_partition, units))
    finally:
        engine.close()
    message = str(caught.value)
    assert message.startswith("Dask worker tcp://") and f"cannot read {gone} (" in message
    assert "\n" not in message


def test_calibrate_engine_flags_are_checked(pairs_log):
    log = str(pairs_log / "pairs.jsonl")
    result = CliRunner().invoke(cli, ["calibrate", log, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: --scheduler goes with --engine dask"
    result = CliRunner().invoke(cli, ["calibrate", "-", "--jobs", "2"], input="{}\n")
    assert result.exit_code == 2 and "stdin cannot be read on an engine" in result.output


def test_settings_travel_with_partitions(tmp_path, monkeypatch):
    """What a worker takes from the client: the calibration file in use (or none, not even its own default)
    and $TOKENCOST_PRICING, with relative paths made absolute."""
    from tokencost.pricing.catalog import ENV_VAR
    from tokencost.tokenizers import calibrated, settings

    assert settings.ENV_VAR == ENV_VAR
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TOKENCOST_PRICING", "mine")
    (tmp_path / "c.yaml").write_text("format: 1\nfamilies: {}\n", encoding="utf-8")
    calibrated.use_file("c.yaml")
    try:
        client = settings.current()
        assert client == (str(tmp_path / "c.yaml"), str(tmp_path / "mine"))
        calibrated.use_file(None)
        monkeypatch.delenv("TOKENCOST_PRICING")
        assert calibrated.active_path() is None
        settings.apply(client)
        assert calibrated.active_path() == tmp_path / "c.yaml"
        assert os.environ["TOKENCOST_PRICING"] == str(tmp_path / "mine")
        settings.apply((None, None))
        assert calibrated.active_path() is None and "TOKENCOST_PRICING" not in os.environ
    finally:
        os.environ.pop("TOKENCOST_CALIBRATION", None)
        calibrated.use_file(None)


def test_a_log_the_workers_cannot_read_exits_2_naming_the_worker_and_the_path(pairs_log):
    """memory:// lives in the client's process: the client plans the partitions, the workers find nothing."""
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe("/dask2-calib/pairs.jsonl", (pairs_log / "pairs.jsonl").read_bytes())
    try:
        result = CliRunner().invoke(
            cli, ["calibrate", "memory://dask2-calib/pairs.jsonl", "--engine", "dask", "--jobs", "1"]
        )
    finally:
        fs.rm("/dask2-calib", recursive=True)
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith("Error: Dask worker tcp://") and "\n" not in line
    assert " cannot read memory://dask2-calib/pairs.jsonl (" in line
