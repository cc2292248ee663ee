"""``--top`` never hides the current model: every saving is measured against it, so its row (marked, at its
own rank) is shown after the top candidates in the table and Markdown (the report and JSON show every row)."""

from __future__ import annotations

from tokencost.cli import cli

WORKLOAD = """\
version: 1
start: 2027-01-01
horizon_months: 3
candidates: [gpt-5.4-mini, deepseek-v3.2, gpt-5.4-nano]
workloads:
  - name: bot
    model: gpt-5.4
    requests_per_month: 10000
    input_tokens: 1000
    output_tokens: 200
"""


def _path(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(WORKLOAD, encoding="utf-8")
    return str(path)


def test_table_shows_the_current_model_beyond_top(runner, tmp_path):
    result = runner.invoke(cli, ["plan", _path(tmp_path), "--top", "1"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line[:1].isdigit()]
    assert len(rows) == 2 and rows[0].startswith("1 ")
    assert "gpt-5.4 (current)" in rows[1] and rows[1].split()[0] == "4"
    assert "... 2 more candidate(s)" in result.stdout


def test_markdown_shows_the_current_model_beyond_top(runner, tmp_path):
    md = runner.invoke(cli, ["plan", _path(tmp_path), "--top", "1", "--format", "markdown"])
    assert md.exit_code == 0, md.output
    assert "| 4 | gpt-5.4 (current) |" in md.stdout
    assert "2 more candidate(s) not shown." in md.stdout
