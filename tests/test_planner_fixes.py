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


# -- 2. budgets are in the file's currency ---------------------------------------------------------------------
CNY_BUDGETS = """
    version: 1
    currency: CNY
    start: 2027-01-01
    horizon_months: 2
    candidates: [gpt-5.4-mini]
    budgets: {monthly_total: 7120, per_workload: {w: 712}}
    policies: {max_price_per_mtok: {input: 71.2}}
    workloads:
      - name: w
        model: gpt-5.4-mini
        requests_per_day: 10
        input_tokens: 500
        counted_with: o200k_base
        output_tokens: 50
"""


def test_budgets_convert_from_the_file_currency_to_the_display_currency(tmp_path):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS)
    doc = plan_file(path, currency="USD", fx=["CNY=7.12"], today=TODAY).to_document()
    assert doc["currency"] == "USD"
    assert doc["budgets"] == {"monthly_total": "1000", "per_workload": {"w": "100"}}
    assert doc["policies"]["max_price_per_mtok"] == {"input": "10"}
    assert any(
        "budgets and max_price_per_mtok converted from CNY" in a and "1 USD = 7.12 CNY (given)" in a
        for a in doc["assumptions"]
    )
    assert "7.12 CNY" in doc["fx"]


def test_budgets_unchanged_in_the_file_currency(tmp_path):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS)
    doc = plan_file(path, fx=["CNY=7.12"], today=TODAY).to_document()
    assert doc["budgets"] == {"monthly_total": "7120", "per_workload": {"w": "712"}}
    assert doc["policies"]["max_price_per_mtok"] == {"input": "71.2"}
    assert not any("budgets and max_price_per_mtok converted" in a for a in doc["assumptions"])


def test_check_cli_compares_converted_budget(tmp_path, runner):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS.replace("monthly_total: 7120", "monthly_total: 0.0712"))
    # 0.0712 CNY = 0.01 USD, below the bill: the budget must fail in either currency
    out = runner.invoke(cli, ["check", str(path), "--currency", "USD", "--fx", "CNY=7.12"])
    assert out.exit_code == 1, out.output
    assert "budget of $0.01" in out.output and "USD" in out.output
    assert "0.0712" not in out.output
