"""``-`` means standard output for ``report --out`` and ``replay --emit-workload`` (never a file named ``-``),
and ``report --out`` never writes a format its file name does not say."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tokencost.cli import cli
from tokencost.fileio import is_stdout

REPLAY = Path(__file__).parent / "fixtures" / "replay"

WORKLOAD = """\
version: 1
start: 2027-01-01
horizon_months: 3
candidates: [gpt-5.4-mini]
workloads:
  - name: bot
    model: gpt-5.4-mini
    requests_per_month: 1000
    input_tokens: 1000
    output_tokens: 100
"""


def _workload(tmp_path: Path) -> str:
    path = tmp_path / "w.yaml"
    path.write_text(WORKLOAD, encoding="utf-8")
    return str(path)


def test_is_stdout():
    assert is_stdout("-") and is_stdout(Path("-"))
    assert not is_stdout("./-") and not is_stdout("x.html")


def test_report_out_dash_writes_stdout_not_a_file(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _workload(tmp_path)
    result = runner.invoke(cli, ["report", path, "--out", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().lower().startswith("<!doctype html")
    assert not (tmp_path / "-").exists()
    md = runner.invoke(cli, ["report", path, "--out", "-", "--format", "markdown"])
    assert md.exit_code == 0 and md.stdout.startswith("#") and not (tmp_path / "-").exists()


def test_report_refuses_an_out_name_of_another_format(runner, tmp_path):
    path = _workload(tmp_path)
    for name in ("x.csv", "x.json"):
        result = runner.invoke(cli, ["report", path, "--out", str(tmp_path / name)])
        assert result.exit_code == 2, result.output
        assert "a report is HTML (.html) or Markdown (.md)" in result.output
        assert "tokencost plan FILE --format csv|json" in result.output
        assert not (tmp_path / name).exists()
    clash = runner.invoke(cli, ["report", path, "--out", str(tmp_path / "x.md"), "--format", "html"])
    assert clash.exit_code == 2 and "names a markdown file but --format is html" in clash.output
    # an explicit --format is honoured for a name it does not contradict
    text = runner.invoke(cli, ["report", path, "--out", str(tmp_path / "r.txt"), "--format", "markdown"])
    assert text.exit_code == 0, text.output
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("#")


def test_replay_emit_workload_dash_writes_the_yaml_alone_to_stdout(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = str(REPLAY / "openai-usage-page.json")
    result = runner.invoke(cli, ["replay", log, "-m", "gpt-4o", "--emit-workload", "-", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists()
    workload = yaml.safe_load(result.stdout)
    assert workload["workloads"]  # the stdout is the workload YAML, nothing else
    assert json.loads(result.stderr[result.stderr.index("{") :])["schema"].startswith("tokencost.replay/")
