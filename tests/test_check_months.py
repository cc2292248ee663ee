"""``tokencost check`` with staggered starts: every row, per-workload budget and the total are figures of
the one month the check judges (which the summary names), and a workload starting after the horizon is said
plainly, never shown at a cost the total does not contain."""

from __future__ import annotations

import json
from decimal import Decimal

from tokencost.cli import cli

STAGGERED = """\
version: 1
currency: USD
start: 2027-01-01
horizon_months: 6
candidates: [gpt-5.4-mini]
workloads:
  - name: a
    model: gpt-5.4-mini
    requests_per_month: 10000
    input_tokens: 1000
    output_tokens: 200
    growth: 10%
  - name: b
    model: gpt-5.4-mini
    start: 2027-03-01
    requests_per_month: 10000
    input_tokens: 1000
    output_tokens: 200
"""

LATE = """\
version: 1
currency: USD
start: 2027-01-01
horizon_months: 3
candidates: [gpt-5.4-mini]
budgets: {monthly_total: 100}
workloads:
  - name: a
    model: gpt-5.4-mini
    requests_per_month: 1000
    input_tokens: 1000
    output_tokens: 100
  - name: b
    model: gpt-5.4-mini
    start: 2027-06-01
    requests_per_month: 1000000
    input_tokens: 1000
    output_tokens: 100
"""


def _check(runner, tmp_path, text, *args):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(cli, ["check", str(path), *args], catch_exceptions=False)


def _plan(runner, tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rows_and_total_are_the_same_month(runner, tmp_path):
    plan = _plan(runner, tmp_path, STAGGERED)
    forecast_a = {p["month"]: Decimal(p["cost"]) for p in plan["workloads"][0]["forecast"]}
    result = _check(runner, tmp_path, STAGGERED, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["totals"]["month"] == "2027-03"
    rows = {w["name"]: Decimal(w["new_cost"]) for w in document["workloads"]}
    assert rows["a"] == forecast_a["2027-03"] > forecast_a["2027-01"]
    assert sum(rows.values()) == Decimal(document["totals"]["new"])
    assert "in 2027-03, the first month every workload runs" in result.stderr


def test_workload_budget_is_judged_on_the_judged_month(runner, tmp_path):
    plan = _plan(runner, tmp_path, STAGGERED)
    forecast_a = {p["month"]: Decimal(p["cost"]) for p in plan["workloads"][0]["forecast"]}
    # within budget in the first month, over it in the month the total is judged
    limit = (forecast_a["2027-01"] + forecast_a["2027-02"]) / 2
    result = _check(runner, tmp_path, STAGGERED, "--budget", f"a={limit}", "--format", "markdown")
    assert result.exit_code == 1, result.output
    assert "workload 'a'" in result.stderr and "is over the budget" in result.stderr


def test_workload_after_the_horizon_is_said_plainly(runner, tmp_path):
    result = _check(runner, tmp_path, LATE, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "$1,200.00" not in result.stdout and "$1,200.00" not in result.stderr
    assert "| b | gpt-5.4-mini | starts after the horizon |" in result.stdout
    note = "workload 'b' starts on 2027-06-01, after the plan's horizon (its last month is 2027-03)"
    summary = result.stdout.split("<details>")[0]
    assert note in summary and note in result.stderr
    document = json.loads(_check(runner, tmp_path, LATE, "--format", "json").stdout)
    b = next(w for w in document["workloads"] if w["name"] == "b")
    assert b["new_cost"] is None and b["after_horizon"] is True
