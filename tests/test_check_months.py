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


BASE_GROWING = """\
version: 1
currency: USD
start: 2027-01-01
horizon_months: {horizon}
candidates: [gpt-5.4-mini]
workloads:
  - name: a
    model: gpt-5.4-mini
    requests_per_month: 100000
    input_tokens: 1000
    output_tokens: 100
    growth: 20%
"""

ADDS_LATE_B = (
    BASE_GROWING.format(horizon=6)
    + """\
  - name: b
    model: gpt-5.4-mini
    start: 2027-04-01
    requests_per_month: 10
    input_tokens: 1000
    output_tokens: 100
"""
)


def _baseline(runner, tmp_path, horizon):
    plan = _plan(runner, tmp_path, BASE_GROWING.format(horizon=horizon))
    path = tmp_path / "base.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return plan, path


def test_baseline_is_read_in_the_new_plans_judged_month(runner, tmp_path):
    """A late-starting workload moves the judged month: the baseline is read in that same month, so an
    unchanged growing workload is unchanged and a tiny addition passes the increase gate."""
    plan, base = _baseline(runner, tmp_path, 6)
    april = {p["month"]: Decimal(p["cost"]) for p in plan["totals"]["forecast"]}["2027-04"]
    args = ("--baseline", str(base), "--max-increase", "10%")
    result = _check(runner, tmp_path, ADDS_LATE_B, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert Decimal(document["totals"]["baseline"]) == april
    assert Decimal(document["totals"]["new"]) - april < Decimal("0.02")
    rows = {w["name"]: w for w in document["workloads"]}
    assert rows["a"]["status"] == "unchanged"
    assert Decimal(rows["a"]["baseline_cost"]) == Decimal(rows["a"]["new_cost"])
    text = _check(runner, tmp_path, ADDS_LATE_B, *args)
    assert text.exit_code == 0, text.output
    assert "+72.8%" not in text.stderr and "PASS" in text.stderr


def test_baseline_without_the_judged_month_falls_back_with_a_warning(runner, tmp_path):
    plan, base = _baseline(runner, tmp_path, 2)
    result = _check(runner, tmp_path, ADDS_LATE_B, "--baseline", str(base), "--format", "json")
    document = json.loads(result.stdout)
    assert Decimal(document["totals"]["baseline"]) == Decimal(plan["totals"]["forecast"][0]["cost"])
    assert "the baseline's forecast has no 2027-04" in result.stderr
    assert "compared with its 2027-01" in result.stderr
