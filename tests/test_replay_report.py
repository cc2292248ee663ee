"""``tokencost report --replay``: the replay section (charts, reconciliation, skips) in HTML and Markdown,
and the HTML checked in a real headless browser (Debian's chromium; skipped with a reason when absent)."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli

REPO = Path(__file__).resolve().parents[1]
LOGS = [
    str(REPO / "examples" / "usage" / name)
    for name in ("pairs.jsonl", "openai-usage-api.json", "anthropic-messages.jsonl")
]


def _report(tmp_path: Path, suffix: str) -> str:
    out = tmp_path / f"report{suffix}"
    args = ["report", str(REPO / "examples/workloads/rag-en.yaml"), "--out", str(out)]
    for log in LOGS:
        args += ["--replay", log]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_html_report_has_the_replay_section(tmp_path):
    html = _report(tmp_path, ".html")
    section = html[html.index("<h2 id='replay'>") :]
    assert "id='replay-bars'" in section and "id='replay-months'" in section
    assert "reconciliation" in section and "skipped: error response" in section
    assert html.rstrip().endswith("</body></html>")


def test_markdown_report_has_the_replay_section(tmp_path):
    text = _report(tmp_path, ".md")
    assert "## Replay of real usage" in text and "| logged model |" in text


def test_html_report_in_a_headless_browser(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium on PATH: the browser check runs in CI, where .ci/run installs it")
    page = tmp_path / "report.html"
    page.write_text(_report(tmp_path, ".html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    common = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    run = subprocess.run(
        [
            *common,
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])
    assert (width, height) == (1280, 2000)
    assert shot.stat().st_size > 20_000  # drawn, not a blank page
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.stdout.count("<svg") >= 4  # the report's charts and the replay's two
    assert 'id="replay-bars"' in dom.stdout and 'id="replay-months"' in dom.stdout


def test_the_report_says_how_many_records_had_a_placeholder_time(tmp_path):
    from conftest import fake_clock_span

    log = tmp_path / "spans.jsonl"
    log.write_text(
        fake_clock_span("2000000000") + "\n" + fake_clock_span("1733312000100000000") + "\n", "utf-8"
    )
    out = tmp_path / "report.html"
    args = ["report", str(REPO / "examples/workloads/rag-en.yaml"), "--out", str(out), "--replay", str(log)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    section = out.read_text(encoding="utf-8").split("<h2 id='replay'>")[1]
    assert (
        "2024-12-04 to 2024-12-04 (0s elapsed, counted as 1 day) (1 with a placeholder time before 2000"
        in section
    )
