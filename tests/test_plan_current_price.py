"""The current model's price is never $0 nor a price that cannot be paid, and check budgets a figure the plan
shows: an unpriceable current model is an input error, an undated card before its sheet's check is flagged, a
current model not sold in its first month is forecast (and budgeted) on its successor, and with staggered starts
the gate reads the plan's total in the first month every workload runs."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from tokencost.cli import cli

SHEET = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-old
        tokenizer: generic
        context_window: 1000000
        deprecated: 2026-12-11
        successor: acme-new
        prices: {effective_from: 2026-01-01, input: 1, output: 1}
      - id: acme-lone
        tokenizer: generic
        context_window: 1000000
        deprecated: 2026-12-11
        prices: {effective_from: 2026-01-01, input: 1, output: 1}
      - id: acme-new
        tokenizer: generic
        context_window: 1000000
        prices: {effective_from: 2026-01-01, input: 2, output: 2, cache_read: 0.2, cache_write: 2.5}
      - id: acme-undated
        tokenizer: generic
        context_window: 1000000
        prices: {input: 3, output: 3}
    """
)


def workload(model: str, *, growth: str = "0%", extra: str = "") -> str:
    """One workload of 1e6 requests x 1,000 input tokens a month: $1,000 per $1/Mtok of input."""
    return (
        textwrap.dedent(
            f"""\
        version: 1
        start: 2026-12-01
        horizon_months: 3
        candidates: [acme-new, acme-undated]
        workloads:
          - name: bot
            model: {model}
            requests_per_month: 1000000
            input_tokens: 1000
            output_tokens: 0
            counted_with: generic
            growth: {growth}
        """
        )
        + extra
    )


@pytest.fixture()
def env(tmp_path: Path):
    prices = tmp_path / "prices"
    prices.mkdir()
    (prices / "acme.yaml").write_text(SHEET, encoding="utf-8")

    def write(text: str) -> str:
        path = tmp_path / "w.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write, ["--pricing", str(prices)]


def test_a_current_model_without_a_price_on_the_day_is_an_input_error(runner, env, tmp_path):
    write, pricing = env
    path = write(workload("acme-new"))
    for args in (
        ["plan", path, "--at", "2025-06-01"],
        ["report", path, "--at", "2025-06-01", "--out", str(tmp_path / "r.html")],
        ["check", path, "--at", "2025-06-01", "--budget", "100"],
    ):
        result = runner.invoke(cli, [*args, *pricing])
        assert result.exit_code == 2, (args, result.output)  # never a $0 total, never a passing check
        assert "current model acme-new cannot be priced: no known price on 2025-06-01" in result.output
        assert "never counted as $0" in result.output and "$0.00" not in result.output
    assert not (tmp_path / "r.html").exists()


def test_check_refuses_a_plan_document_whose_current_model_has_no_cost(runner, env, tmp_path):
    write, pricing = env
    plan = runner.invoke(cli, ["plan", write(workload("acme-new")), "--format", "json", *pricing])
    assert plan.exit_code == 0, plan.output
    document = json.loads(plan.stdout)
    document["workloads"][0]["monthly_cost"] = None  # as plans wrote it before this was an error
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), "--budget", "100"])
    assert result.exit_code == 2, result.output
    assert "current model acme-new has no price (never counted as $0)" in result.output


def test_an_undated_card_is_not_known_to_hold_before_its_sheet_was_checked(runner, env):
    write, pricing = env
    path = write(workload("acme-undated"))
    early = runner.invoke(cli, ["plan", path, "--at", "2020-01-01", "--format", "json", *pricing])
    assert early.exit_code == 0, early.output
    [row] = [
        r for r in json.loads(early.stdout)["workloads"][0]["candidates"] if r["model"] == "acme-undated"
    ]
    note = "price not known to hold on 2020-01-01: its card is undated (checked 2026-11-01), taken as in force then"
    assert note in row["notes"]
    later = runner.invoke(cli, ["plan", path, "--at", "2026-11-15", *pricing])
    assert later.exit_code == 0 and "price not known to hold" not in later.output


UNDATED_NOTE = (
    "price not known to hold on 2020-01-01: its card is undated (checked 2026-11-01), taken as in force then"
)


def test_replay_flags_an_undated_card_before_its_sheet_was_checked_as_plan_does(runner, env, tmp_path):
    """replay --at before an undated card's sheet was checked prices the records and says so, as logged and
    on candidates, with plan's words (lifecycle.undated_card_note)."""
    _write, pricing = env
    usage = {"prompt_tokens": 1000, "completion_tokens": 10}
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps(
            {"object": "chat.completion", "model": "acme-undated", "created": 1733312000, "usage": usage}
        )
        + "\n",
        encoding="utf-8",
    )
    args = ["replay", str(log), "-m", "acme-undated", "-m", "acme-new", "--format", "json", *pricing]
    early = runner.invoke(cli, [*args, "--at", "2020-01-01"])
    assert early.exit_code == 0, early.output
    document = json.loads(early.stdout)
    [actual] = document["actual"]
    assert UNDATED_NOTE in actual["notes"]
    rows = {row["model"]: row for row in document["candidates"]}
    assert UNDATED_NOTE in rows["acme-undated"]["notes"]
    assert not any("not known to hold" in note for note in rows["acme-new"]["notes"])
    later = runner.invoke(cli, [*args, "--at", "2026-11-15"])
    assert later.exit_code == 0 and "not known to hold" not in later.output


def test_a_current_model_not_sold_in_its_first_month_is_forecast_and_budgeted_on_its_successor(runner, env):
    write, pricing = env
    path = write(workload("acme-old"))
    plan = runner.invoke(cli, ["plan", path, "--format", "json", *pricing])
    assert plan.exit_code == 0, plan.output
    document = json.loads(plan.stdout)
    [w] = document["workloads"]
    # acme-old ($1,000) cannot be bought from 2026-12: the plan's figures are its successor's ($2,000)
    assert Decimal(w["monthly_cost"]) == Decimal(document["totals"]["monthly_cost"]) == 2000
    assert [Decimal(p["cost"]) for p in document["totals"]["forecast"]] == [2000] * 3
    assert any("its forecast is priced from 2026-12 on its successor acme-new" in p for p in w["problems"])
    rows = {r["model"]: r for r in w["candidates"]}
    assert Decimal(rows["acme-old"]["monthly_cost"]) == 2000  # billed as its successor, as the total is
    assert Decimal(rows["acme-new"]["horizon_savings"]) == 0  # measured against what can be bought
    assert Decimal(rows["acme-new"]["savings"]) == 0
    text = runner.invoke(cli, ["plan", path, *pricing])
    assert "Total in 2026-12: $2,000.00" in text.output
    check = runner.invoke(cli, ["check", path, "--budget", "1500", *pricing])
    assert check.exit_code == 1, check.output  # the old $1,000 would pass; $2,000 is what will be paid
    assert "monthly total $2,000.00" in check.output
    assert "WARN: workload 'bot': current model acme-old cannot be bought after retirement" in check.output


def test_a_retired_current_models_row_says_it_is_priced_on_its_successor_in_every_format(
    runner, env, tmp_path
):
    """The current model's own row shows what the workload pays from its retirement month (its successor's
    card, named), not its retired card beside a forecast on the successor: table, JSON, CSV, Markdown, HTML."""
    write, pricing = env
    path = write(workload("acme-old"))
    document = json.loads(runner.invoke(cli, ["plan", path, "--format", "json", *pricing]).stdout)
    [w] = document["workloads"]
    row = next(r for r in w["candidates"] if r["current"])
    assert (row["billed_as"], row["successor"], row["successor_from"]) == ("acme-new", "acme-new", "2026-12")
    assert Decimal(row["monthly_cost"]) == Decimal(w["monthly_cost"]) == 2000 and Decimal(row["savings"]) == 0
    assert Decimal(row["breakdown"]["total"]) == 2000
    table = runner.invoke(cli, ["plan", path, *pricing]).output
    [line] = [x for x in table.splitlines() if "acme-old (current)" in x and "$" in x]
    assert "$2,000.00 (as acme-new)" in line and "$1,000.00" not in line
    assert "not sold after retirement: forecast from 2026-12 on its successor acme-new" in table
    csv_text = runner.invoke(cli, ["plan", path, "--format", "csv", *pricing]).output
    [current] = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["current"] == "True"]
    assert (current["monthly_cost"], current["successor"], current["successor_from"]) == (
        "2000",
        "acme-new",
        "2026-12",
    )
    markdown = runner.invoke(cli, ["plan", path, "--format", "markdown", *pricing]).output
    assert "| acme-old (current) | acme | generic | exact | $2,000.00 (as acme-new) |" in markdown
    assert "| acme-old (current) (as acme-new) | $2,000.00" in markdown  # its breakdown
    out = tmp_path / "r.html"
    assert runner.invoke(cli, ["report", path, "--out", str(out), *pricing]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "$2,000.00 (as acme-new)" in page and "acme-old (current) (as acme-new)" in page


def test_a_current_model_not_sold_without_a_successor_warns_and_is_never_zero(runner, env):
    write, pricing = env
    path = write(workload("acme-lone"))
    plan = runner.invoke(cli, ["plan", path, "--format", "json", *pricing])
    document = json.loads(plan.stdout)
    assert [Decimal(p["cost"]) for p in document["totals"]["forecast"]] == [1000] * 3
    check = runner.invoke(cli, ["check", path, "--budget", "5000", *pricing])
    assert check.exit_code == 0, check.output
    assert check.output.startswith("tokencost check: WARN")
    assert (
        "WARN: workload 'bot': current model acme-lone cannot be bought from 2026-12 (acme-lone has no successor "
        "in the catalog): its forecast keeps its last price there, which cannot be paid"
    ) in check.output


LATER = """\
  - name: later
    model: acme-new
    start: 2027-02-01
    requests_per_month: 500000
    input_tokens: 1000
    output_tokens: 0
    counted_with: generic
"""


def test_with_staggered_starts_check_budgets_the_plans_total_in_the_month_every_workload_runs(
    runner, env, tmp_path
):
    write, pricing = env
    path = write(workload("acme-new", growth="10%", extra=LATER))
    plan = runner.invoke(cli, ["plan", path, *pricing])
    # bot: $2,000 growing 10% a month; later: $1,000 from 2027-02 (the old gate added $2,000 + $1,000)
    assert "2027-02 $3,420.00" in plan.output
    check = runner.invoke(cli, ["check", path, "--budget", "3200", *pricing])
    assert check.exit_code == 1, check.output
    assert "monthly total $3,420.00" in check.output and "$3,000.00" not in check.output
    assert (
        "the monthly total is the plan's total in 2027-02, the first month every workload runs"
        in check.output
    )
    # a baseline equal to the plan: no change, gated on the same month
    base = tmp_path / "base.json"
    base.write_text(runner.invoke(cli, ["plan", path, "--format", "json", *pricing]).stdout, encoding="utf-8")
    same = runner.invoke(cli, ["check", path, "--baseline", str(base), "--max-increase", "0", *pricing])
    assert same.exit_code == 0, same.output
    assert "total changed" not in same.output


def test_a_baseline_on_another_cost_model_is_compared_like_for_like_in_the_gated_month(runner, env, tmp_path):
    """With staggered starts the gate reads a forecast month: the baseline's like-for-like re-expression
    (here: cache writes assumed differently) must move that month too, or the assumption passes for a rise."""
    write, pricing = env
    cached = LATER + "    cache_hit_ratio: 0.5\n"
    base = tmp_path / "base.json"
    planned = runner.invoke(
        cli, ["plan", write(workload("acme-new", growth="10%", extra=cached)), "--format", "json", *pricing]
    )
    base.write_text(planned.stdout, encoding="utf-8")
    path = write(workload("acme-new", growth="10%", extra=cached + "    cache: {write_ratio: 0.2}\n"))
    result = runner.invoke(
        cli, ["check", path, "--baseline", str(base), "--max-increase", "0", "--format", "json", *pricing]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert Decimal(document["totals"]["change"]) == 0
    assert any(r["code"] == "cost_model.changed" for r in document["reasons"]), document["reasons"]
