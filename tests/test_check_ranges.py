"""check says when an estimated count's cost range crosses a budget: the verdict is taken on the figure, and
the range says how sure it is (a warning within budget, a note over it; never a changed exit code)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli

RAG = Path(__file__).resolve().parents[1] / "examples" / "workloads" / "rag-en.yaml"


@pytest.fixture(scope="module")
def figures() -> tuple[Decimal, Decimal, Decimal]:
    result = CliRunner().invoke(cli, ["plan", str(RAG), "--format", "json"])
    assert result.exit_code == 0, result.output
    (workload,) = json.loads(result.stdout)["workloads"]
    low, cost, high = (Decimal(workload[k]) for k in ("cost_low", "monthly_cost", "cost_high"))
    assert low < cost < high  # claude-sonnet-4.6: an estimated count
    return low, cost, high


def _check(budget: Decimal, *extra: str):
    return CliRunner().invoke(cli, ["check", str(RAG), "--budget", f"{budget:.2f}", *extra])


def test_within_budget_but_not_within_the_range_warns(figures):
    _low, cost, high = figures
    result = _check((cost + high) / 2, "--warn-at", "100")
    assert result.exit_code == 0, result.output
    assert "WARN: total is within its budget of" in result.output
    assert "if its estimated token counts are off" in result.output


def test_over_budget_with_the_low_bound_under_it_still_fails_with_a_note(figures):
    low, cost, _high = figures
    result = _check((low + cost) / 2)
    assert result.exit_code == 1, result.output
    assert "note: total is over its budget of" in result.output


def test_no_range_line_when_the_whole_range_is_within_budget(figures):
    _low, _cost, high = figures
    result = _check(high * 3, "--warn-at", "100")
    assert result.exit_code == 0, result.output
    assert "estimated token counts are off" not in result.output


def test_json_carries_the_range_finding(figures):
    _low, cost, high = figures
    result = _check((cost + high) / 2, "--warn-at", "100", "--format", "json")
    assert result.exit_code == 0, result.output
    codes = [r["code"] for r in json.loads(result.stdout)["reasons"]]
    assert "budget.range" in codes


def test_a_workload_budget_gets_its_own_range_finding(figures):
    _low, cost, high = figures
    budget = f"hr-assistant={(cost + high) / 2:.2f}"
    result = CliRunner().invoke(cli, ["check", str(RAG), "--budget", budget, "--warn-at", "100"])
    assert result.exit_code == 0, result.output
    assert "WARN: workload 'hr-assistant' is within its budget of" in result.output
