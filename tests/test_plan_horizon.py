"""The plan ranks candidates by their total over the horizon: a scheduled price change counts from its month
(the first month too), and a candidate retiring within the horizon is priced on its successor from the month
it can no longer be bought, or left not covered (ranked after every candidate that covers the horizon)."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.cli import cli
from tokencost.planner import plan_file
from tokencost.planner.plan_result import CandidateRow
from tokencost.planner.ranking import rank_rows

# 1,000 requests a month x (900 input + 100 output) tokens = 1M tokens: a month costs the model's price
SHEET = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-flash
        tokenizer: generic
        context_window: 1000000
        prices: {input: 1, output: 1}
        scheduled:
          - {effective_from: 2027-03-01, input: 3, output: 3}
      - id: acme-mini
        tokenizer: generic
        context_window: 1000000
        prices: {input: 1.5, output: 1.5}
      - id: acme-old
        tokenizer: generic
        context_window: 1000000
        deprecated: 2027-02-15
        successor: acme-mini
        prices: {input: 0.5, output: 0.5}
      - id: acme-gone
        tokenizer: generic
        context_window: 1000000
        deprecated: 2027-03-10
        prices: {input: 0.2, output: 0.2}
      - id: acme-big
        tokenizer: generic
        context_window: 1000000
        prices: {input: 10, output: 10}
    """
)


def _workload(candidates: str, start: str = "2027-01-01") -> str:
    return textwrap.dedent(
        f"""\
        version: 1
        horizon_months: 6
        candidates: {candidates}
        workloads:
          - name: bot
            model: acme-big
            requests_per_month: 1000
            input_tokens: 900
            output_tokens: 100
            counted_with: generic
            start: {start}
        """
    )


@pytest.fixture()
def plan(tmp_path: Path):
    prices = tmp_path / "prices"
    prices.mkdir()
    (prices / "acme.yaml").write_text(SHEET)

    def run(candidates: str, *args: str, start: str = "2027-01-01", command: str = "plan"):
        path = tmp_path / "w.yaml"
        path.write_text(_workload(candidates, start))
        result = CliRunner().invoke(cli, [command, str(path), "--pricing", str(prices), *args])
        return result, path, prices

    return run


def _candidates(result) -> dict[str, dict]:
    return {c["model"]: c for c in json.loads(result.stdout)["workloads"][0]["candidates"]}


def test_a_price_rise_ranks_by_the_horizon_not_the_first_month(plan):
    result, _, _ = plan("[acme-flash, acme-mini]")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rows = [line.split()[1] for line in lines if line[:1].isdigit()]
    assert rows == ["acme-mini", "acme-flash", "acme-big"]  # flash: $1 in 2027-01, but $14 over the horizon
    assert "6-month total" in result.output and "6-month savings" in result.output
    assert (
        "in 2027-01 alone acme-flash is cheapest ($1.00 against acme-mini's $1.50), but over the horizon "
        "acme-mini is cheapest: $9.00 against acme-flash's $14.00, whose price changes on 2027-03-01"
    ) in result.output
    document, _, _ = plan("[acme-flash, acme-mini]", "--format", "json")
    rows = _candidates(document)
    assert json.loads(document.stdout)["workloads"][0]["ranked_by"] == "horizon_total"
    assert (
        Decimal(rows["acme-flash"]["horizon_total"]) == 14
        and Decimal(rows["acme-mini"]["horizon_total"]) == 9
    )
    assert rows["acme-mini"]["rank"] == 1 and Decimal(rows["acme-mini"]["horizon_savings"]) == 51
    assert rows["acme-flash"]["breakdown"]["horizon_total"] == rows["acme-flash"]["horizon_total"]
    assert [Decimal(m["cost"]) for m in rows["acme-flash"]["forecast"]] == [1, 1, 3, 3, 3, 3]
    assert "forecast" not in rows["acme-mini"]  # a steady price: its monthly cost times the growth


def test_a_plan_starting_after_a_scheduled_change_pays_the_new_price_from_its_first_month(plan):
    # Before, the first month stayed on the current card although the scheduled one was in force by then.
    result, _, _ = plan("[acme-flash, acme-mini]", "--format", "json", start="2027-03-01")
    assert result.exit_code == 0, result.output
    flash = _candidates(result)["acme-flash"]
    assert Decimal(flash["monthly_cost"]) == 3 and Decimal(flash["horizon_total"]) == 18
    assert Decimal(flash["breakdown"]["total"]) == 3  # the breakdown explains the card it was priced on
    assert "priced on the card in force from 2027-03-01 (scheduled)" in flash["notes"]


def test_a_retiring_candidate_is_priced_on_its_successor_from_its_retirement_month(plan):
    result, _, _ = plan("[acme-old, acme-mini]", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = _candidates(result)
    old = rows["acme-old"]
    # $0.50 in 2027-01, then acme-mini's $1.50 from 2027-02 (it retires on 2027-02-15): never $0.50 after
    assert [Decimal(m["cost"]) for m in old["forecast"]] == [Decimal("0.5"), *[Decimal("1.5")] * 5]
    assert Decimal(old["horizon_total"]) == 8 and old["rank"] == 1  # still cheapest: its first month is
    assert (old["successor"], old["successor_from"], old["not_covered_from"]) == (
        "acme-mini",
        "2027-02",
        None,
    )
    assert "not sold after retirement: priced from 2027-02 on its successor acme-mini" in old["notes"]
    assert "retires on 2027-02-15: cannot be bought from 2027-02; successor acme-mini" in old["notes"]


def test_a_candidate_retired_from_the_first_month_ranks_after_its_successor(plan):
    result, _, _ = plan("[acme-old, acme-mini]", start="2027-02-01")
    assert result.exit_code == 0, result.output
    rows = [line.split()[1] for line in result.output.splitlines() if line[:1].isdigit()]
    assert rows[:2] == ["acme-mini", "acme-old"]  # equal totals: the successor itself first
    old = next(line for line in result.output.splitlines() if line.split()[1:2] == ["acme-old"])
    assert "$1.50 (as acme-mini)" in old and "$9.00" in old  # billed as its successor, never its own $0.50


def test_the_totals_never_take_the_price_of_a_model_that_cannot_be_bought(plan):
    # acme-old alone, from its retirement month: the top-ranked candidate, but bought as acme-mini
    result, _, _ = plan("[acme-old]", "--format", "json", start="2027-02-01")
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["totals"]
    assert Decimal(totals["best_monthly_cost"]) == Decimal("1.5")  # not its own $0.50
    assert Decimal(totals["best_horizon_total"]) == 9


def test_a_retiring_candidate_without_a_successor_is_not_covered_and_never_ranks_first(plan):
    result, _, _ = plan("[acme-gone, acme-mini]")
    assert result.exit_code == 0, result.output
    rows = [line.split()[1] for line in result.output.splitlines() if line[:1].isdigit()]
    assert rows == ["acme-mini", "acme-big", "acme-gone"]  # $0.20 a month, but sold two months only
    assert "$0.400 (not sold from 2027-03)" in result.output
    assert (
        "in 2027-01 alone acme-gone is cheapest ($0.200 against acme-mini's $1.50), but it is not sold from "
        "2027-03 and has no successor: over the horizon acme-mini ranks first at $9.00"
    ) in result.output
    document, _, _ = plan("[acme-gone, acme-mini]", "--format", "json")
    gone = _candidates(document)["acme-gone"]
    assert gone["not_covered_from"] == "2027-03" and gone["horizon_savings"] is None
    assert [m["cost"] for m in gone["forecast"]][2:] == [None] * 4  # not covered: never priced as $0
    assert Decimal(gone["horizon_total"]) == Decimal("0.4")


def test_csv_markdown_and_html_carry_the_horizon_ranking(plan, tmp_path):
    csv, _, _ = plan("[acme-old, acme-gone, acme-mini]", "--format", "csv")
    assert csv.exit_code == 0, csv.output
    header, *lines = csv.stdout.splitlines()
    columns = header.split(",")
    assert {"horizon_total", "horizon_savings", "successor", "successor_from", "not_covered_from"} <= set(
        columns
    )
    assert columns.count("horizon_total") == 1
    old = dict(zip(columns, next(line for line in lines if ",acme-old," in line).split(","), strict=False))
    assert (old["rank"], old["successor_from"], Decimal(old["horizon_total"])) == ("1", "2027-02", 8)
    markdown, _, _ = plan("[acme-flash, acme-mini]", "--format", "markdown")
    assert "| 6-month total |" in markdown.stdout.replace(
        "6-month total | 6-month savings", "6-month total |"
    )
    assert "but over the horizon acme-mini is cheapest" in markdown.stdout
    out = tmp_path / "r.html"
    report, _, _ = plan("[acme-gone, acme-flash, acme-mini]", "--out", str(out), command="report")
    assert report.exit_code == 0, report.output
    html = out.read_text("utf-8")
    assert "6-month total" in html and "not sold from 2027-03" in html
    assert (
        "acme-gone (retires on 2027-03-10: cannot be bought from 2027-03): 0.2 in 2027-01 to 0.2 in 2027-02, "
        "not covered from 2027-03"
    ) in html  # the forecast chart stops where the model does


def test_check_names_a_retiring_candidate_ranked_ahead_of_the_current_model(plan):
    result, _, _ = plan("[acme-old, acme-gone, acme-mini]", command="check")
    assert result.exit_code == 0, result.output
    assert (
        "note: workload 'bot': candidate acme-old (#1) retires on 2027-02-15: cannot be bought from 2027-02; "
        "successor acme-mini: priced on acme-mini from 2027-02"
    ) in result.output
    # ranked after the current model (not covering the horizon): not a recommendation, not named
    assert "candidate acme-gone" not in result.output
    document, _, _ = plan("[acme-old, acme-mini]", "--format", "json", command="check")
    codes = [r["code"] for r in json.loads(document.stdout)["reasons"]]
    assert "lifecycle.candidate" in codes and json.loads(document.stdout)["verdict"] == "pass"


def test_the_library_ranks_by_the_horizon_total(tmp_path):
    prices = tmp_path / "prices"
    prices.mkdir()
    (prices / "acme.yaml").write_text(SHEET)
    path = tmp_path / "w.yaml"
    path.write_text(_workload("[acme-flash, acme-mini, acme-old]"))
    [w] = plan_file(path, pricing=[prices]).workloads
    assert [r.entry.id for r in w.candidates] == ["acme-old", "acme-mini", "acme-flash", "acme-big"]
    assert [r.horizon_total for r in w.candidates] == [Decimal(8), Decimal(9), Decimal(14), Decimal(60)]
    assert w.best.entry.id == "acme-old"


_money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_money, st.lists(_money, min_size=6, max_size=6), st.integers(min_value=0, max_value=6)),
        min_size=1,
        max_size=6,
    ),
    st.decimals(min_value=Decimal("0.5"), max_value=2, places=2),
)
def test_rank_rows_orders_by_the_horizon_total_with_uncovered_rows_last(specs, growth):
    factors = [growth**i for i in range(6)]
    rows = []
    for i, (first, months, covered) in enumerate(specs):
        row = CandidateRow(SimpleNamespace(id=f"m{i}"), None, first, [], is_current=i == 0)  # type: ignore[arg-type]
        if covered < 6:  # retired without a successor from month `covered`
            row.month_costs = [*months[:covered], *[None] * (6 - covered)]
            row.uncovered_from = f"2027-{covered + 1:02d}"
        rows.append(row)
    current = rows[0]
    rank_rows(rows, current, factors)
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    covering = [r for r in rows if r.uncovered_from is None]
    assert rows[: len(covering)] == covering  # every row covering the horizon ranks before any that does not
    assert [r.horizon_total for r in covering] == sorted(r.horizon_total for r in covering)
    uncovered = [(-sum(c is not None for c in r.month_costs), r.horizon_total) for r in rows[len(covering) :]]
    assert uncovered == sorted(uncovered)  # the most months covered first, then the cheapest
    for r in rows:  # a first month not covered bills nothing: no savings beside it
        if r.month_costs is not None and r.month_costs[0] is None:
            assert r.savings is None and r.savings_pct is None
    for r in rows:
        costs = r.month_costs or [r.monthly_cost] * 6
        assert r.horizon_total == sum(
            (c * f for c, f in zip(costs, factors, strict=True) if c is not None), Decimal(0)
        )
        if r.uncovered_from is None and current.uncovered_from is None:
            assert r.horizon_savings == current.horizon_total - r.horizon_total
        else:
            assert r.uncovered_from is None or r.horizon_savings is None


def test_scheduled_first_months_and_successor_months_bill_no_reasoning_on_models_that_do_not_reason(tmp_path):
    """The sheet's models have no ``reasoning`` capability: a workload's reasoning tokens are not theirs, on the
    card a plan starts on, and on a successor's months alike (as on every other plan price)."""
    prices = tmp_path / "prices"
    prices.mkdir()
    (prices / "acme.yaml").write_text(SHEET)
    path = tmp_path / "w.yaml"
    text = _workload("[acme-flash, acme-old, acme-mini]", start="2027-01-01")
    path.write_text(text.replace("output_tokens: 100", "output_tokens: 100\n    reasoning_tokens: 1000"))
    result = CliRunner().invoke(cli, ["plan", str(path), "--pricing", str(prices), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = _candidates(result)
    assert [Decimal(m["cost"]) for m in rows["acme-old"]["forecast"]] == [
        Decimal("0.5"),
        *[Decimal("1.5")] * 5,
    ]
    assert [Decimal(m["cost"]) for m in rows["acme-flash"]["forecast"]] == [1, 1, 3, 3, 3, 3]
    path.write_text(path.read_text().replace("start: 2027-01-01", "start: 2027-03-01"))
    result = CliRunner().invoke(cli, ["plan", str(path), "--pricing", str(prices), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert Decimal(_candidates(result)["acme-flash"]["monthly_cost"]) == 3
