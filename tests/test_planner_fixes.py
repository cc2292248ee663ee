"""Regression tests for planner-core defects found in review: default candidates, budgets in the file's
currency, per-workload starts on the plan's month grid, bad dates, error lines, retired and free models,
non-text chat parts and numbers too large to represent."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from tokencost.cli import cli
from tokencost.planner import plan_file
from tokencost.prompt_cost import DEFAULT_MODELS

TODAY = dt.date(2026, 11, 22)


def write(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


SIMPLE = """
    version: 1
    start: 2027-01-01
    horizon_months: 2
    {candidates}
    workloads:
      - name: w
        model: gpt-5.4-mini
        requests_per_day: 10
        input_tokens: 500
        counted_with: o200k_base
        output_tokens: 50
"""


# -- 1. candidates left out -----------------------------------------------------------------------------------
@pytest.mark.parametrize("candidates", ["", "candidates: []"])
def test_missing_candidates_use_the_default_comparison_set(tmp_path, candidates):
    path = write(tmp_path, "w.yaml", SIMPLE.format(candidates=candidates))
    result = plan_file(path, today=TODAY)
    ranked = {row.entry.id for row in result.workloads[0].candidates}
    assert "gpt-5.4-mini" in ranked  # the current model is always priced
    assert ranked & set(DEFAULT_MODELS)
    assert any("default comparison set (assumed: candidates not given)" in a for a in result.assumptions)


def test_plan_cli_without_candidates_succeeds(tmp_path, runner):
    path = write(tmp_path, "w.yaml", SIMPLE.format(candidates=""))
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 0, out.output
    assert "default comparison set" in out.output and "Traceback" not in out.output
