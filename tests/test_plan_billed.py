"""What a plan's candidate row costs is what is billed: a candidate that cannot be bought in its first month
shows its successor's cost everywhere (row, breakdown, JSON, CSV, totals, report); "Prices used" lists every
card billed; ranges and "ranking not certain" are judged on the horizon totals; a successor must meet the
constraints; candidates not covering the horizon rank by the months they cover; every broken limit is named."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_sheet
from tokencost.cli import cli

# 1,000 requests a month x (900 input + 100 output) tokens = 1M tokens: a month costs the model's price
SHEET = """
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - {id: acme-base, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         prices: {input: 10, output: 10}}
      - {id: acme-mini, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         prices: {input: 1.5, output: 1.5}}
      - {id: acme-old, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-01-10, successor: acme-mini, prices: {input: 0.5, output: 0.5}}
      - {id: acme-flash, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         prices: {input: 1, output: 1}, scheduled: [{effective_from: 2027-03-01, input: 3, output: 3}]}
      - {id: acme-dead, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2026-12-20, prices: {input: 0.1, output: 0.1}}
      - {id: acme-gone, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-03-10, prices: {input: 0.2, output: 0.2}}
      - {id: acme-a, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-02-15, successor: acme-b, prices: {input: 0.5, output: 0.5}}
      - {id: acme-b, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-04-10, successor: acme-c, prices: {input: 0.6, output: 0.6}}
      - {id: acme-c, tokenizer: o200k_base, context_window: 100000, prices: {input: 0.7, output: 0.7}}
      - {id: acme-x, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-02-05, successor: acme-y, prices: {input: 0.5, output: 0.5}}
      - {id: acme-y, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-03-05, successor: acme-x, prices: {input: 0.5, output: 0.5}}
      - {id: acme-small, tokenizer: o200k_base, context_window: 500, max_output_tokens: 50,
         capabilities: [tools], prices: {input: 0.1, output: 0.1}}
      - {id: acme-est-flash, tokenizer: claude, context_window: 100000, capabilities: [tools],
         prices: {input: 1, output: 1}, scheduled: [{effective_from: 2027-02-01, input: 3, output: 3}]}
      - {id: acme-est-mini, tokenizer: claude, context_window: 100000, capabilities: [tools],
         prices: {input: 1.2, output: 1.2}}
      - {id: acme-zeta, tokenizer: o200k_base, context_window: 100000, capabilities: [tools],
         deprecated: 2027-02-05, successor: acme-est-mini, prices: {input: 1, output: 1}}
"""


def _workload(candidates: str, constraints: str = "") -> str:
    return f"""
        version: 1
        start: 2027-01-01
        horizon_months: 6
        candidates: {candidates}
        {constraints}
        workloads:
          - name: bot
            model: acme-base
            requests_per_month: 1000
            input_tokens: 900
            output_tokens: 100
            counted_with: o200k_base
    """


@pytest.fixture()
def plan(tmp_path: Path):
    prices = tmp_path / "prices"
    write_sheet(prices, "acme.yaml", SHEET)

    def run(candidates: str, *args: str, constraints: str = "", command: str = "plan"):
        path = write_sheet(tmp_path, "w.yaml", _workload(candidates, constraints))
        result = CliRunner().invoke(cli, [command, str(path), "--pricing", str(prices), *args])
        assert result.exit_code == 0, result.output
        return result

    return run


def _rows(result) -> dict[str, dict]:
    return {c["model"]: c for c in json.loads(result.stdout)["workloads"][0]["candidates"]}


def _line(result, model: str) -> str:
    return next(line for line in result.output.splitlines() if line.split()[1:2] == [model])


def test_a_candidate_not_sold_in_its_first_month_shows_what_is_billed_everywhere(plan, tmp_path):
    # Before: acme-old's row, breakdown, JSON monthly_cost and savings were its own $0.50 (not sold), while its
    # forecast and totals.best_monthly_cost were its successor's $1.50, and "Prices used" listed acme-old's card.
    doc = plan("[acme-old, acme-flash]", "--format", "json")
    old = _rows(doc)["acme-old"]
    assert old["rank"] == 1 and old["billed_as"] == "acme-mini"
    assert Decimal(old["monthly_cost"]) == Decimal("1.5") == Decimal(old["forecast"][0]["cost"])
    assert Decimal(old["breakdown"]["total"]) == Decimal("1.5")
    assert Decimal(old["horizon_total"]) == 9 == 6 * Decimal(old["monthly_cost"])
    assert (Decimal(old["savings"]), old["savings_pct"]) == (Decimal("8.5"), "85.0")
    assert Decimal(json.loads(doc.stdout)["totals"]["best_monthly_cost"]) == Decimal("1.5")
    breakdown = plan("[acme-old, acme-flash]", "--breakdown").output.split("Cost breakdown")[1]
    assert "acme-old (as acme-mini)" in breakdown and "$0.500" not in breakdown
    table = plan("[acme-old, acme-flash]")
    assert "$1.50 (as acme-mini)" in _line(table, "acme-old") and "$0.500" not in table.output
    assert "on each workload's top-ranked candidate: $1.50" in table.output
    rows = list(csv.DictReader(io.StringIO(plan("[acme-old, acme-flash]", "--format", "csv").stdout)))
    first = next(r for r in rows if r["model"] == "acme-old")
    assert (Decimal(first["monthly_cost"]), first["savings_pct"]) == (Decimal("1.5"), "85.0")
    markdown = plan("[acme-old, acme-flash]", "--format", "markdown").stdout
    prices = markdown.split("## Prices used")[1].split("##")[0]
    cards = [line.split("|")[1].strip() for line in prices.splitlines() if line.startswith("| acme")]
    # the cards billed: acme-old's never (not sold in any month), acme-flash's scheduled one from its day
    assert cards == ["acme-base", "acme-flash", "acme-flash from 2027-03-01", "acme-mini"]
    out = tmp_path / "r.html"
    plan("[acme-old, acme-flash]", "--out", str(out), command="report")
    html = out.read_text("utf-8")
    assert "$0.500" not in html and "acme-flash from 2027-03-01" in html


def test_ranges_and_the_uncertain_ranking_are_judged_on_the_horizon_totals(plan):
    # Before: the two estimated rows' first-month ranges overlap ($1.00 vs $1.20, ±band), so "ranking not
    # certain" was said although their 6-month totals ($16 vs $7.20) are far apart at every bound.
    result = plan("[acme-est-flash, acme-est-mini]", "--format", "json")
    rows = _rows(result)
    flash, mini = rows["acme-est-flash"], rows["acme-est-mini"]
    assert Decimal(flash["cost_high"]) > Decimal(mini["cost_low"])  # the first months' ranges do overlap
    for row in (flash, mini):
        low, total, high = (Decimal(row[k]) for k in ("horizon_low", "horizon_total", "horizon_high"))
        assert low < total < high
        assert abs(low / total - Decimal(row["cost_low"]) / Decimal(row["monthly_cost"])) < Decimal("1e-9")
    assert Decimal(mini["horizon_high"]) < Decimal(flash["horizon_low"])
    assert flash["overlaps"] == [] and mini["overlaps"] == []
    assert "ranking not certain" not in plan("[acme-est-flash, acme-est-mini]").output


def test_a_row_billed_on_an_estimated_successor_carries_its_range(plan):
    # Before: acme-zeta (exact o200k count) priced from 2027-02 on acme-est-mini (a claude estimate) read "exact".
    rows = _rows(plan("[acme-zeta, acme-est-mini]", "--format", "json"))
    zeta = rows["acme-zeta"]
    assert zeta["cost_low"] == zeta["cost_high"]  # its own first month is exact
    assert Decimal(zeta["horizon_low"]) < Decimal(zeta["horizon_total"]) < Decimal(zeta["horizon_high"])
    line = _line(plan("[acme-zeta, acme-est-mini]"), "acme-zeta")
    assert "exact, later months est." in line
    # a successor whose tokenizer no candidate brought in is not counted: those months are not covered
    alone = plan("[acme-zeta]").output
    assert "not covered from 2027-02: successor acme-est-mini's tokenizer claude was not counted" in alone


def test_a_successor_must_meet_the_constraints_and_a_loop_is_named(plan):
    # Before: acme-a and acme-b were priced on acme-c from 2027-04 while acme-c was excluded for lacking tools;
    # the loop acme-x <-> acme-y said "successor acme-x of acme-y is not in the catalog".
    result = plan("[acme-a, acme-b, acme-c, acme-x]", constraints="constraints: {capabilities: [tools]}")
    out = result.output
    assert "Excluded (1): acme-c: lacks tools" in out
    assert "not covered from 2027-04: successor acme-c breaks the constraints: lacks tools" in out
    assert "on its successor acme-c" not in out
    assert "its successors loop (acme-x -> acme-y -> acme-x) and none is on sale in 2027-03" in out
    assert "not in the catalog" not in out
    rows = _rows(
        plan(
            "[acme-a, acme-b, acme-c, acme-x]",
            "--format",
            "json",
            constraints="constraints: {capabilities: [tools]}",
        )
    )
    assert rows["acme-a"]["not_covered_from"] == "2027-04" and rows["acme-a"]["forecast"][3]["cost"] is None
    # without the constraint acme-c carries those months
    free = _rows(plan("[acme-a, acme-c]", "--format", "json"))
    assert free["acme-a"]["not_covered_from"] is None and free["acme-a"]["successor"] == "acme-b"


def test_uncovered_candidates_rank_by_the_months_they_cover_then_cost(plan):
    # Before: acme-dead (no month covered, total 0) ranked ahead of acme-gone (two months covered).
    result = plan("[acme-dead, acme-gone]", "--format", "json")
    order = [c["model"] for c in json.loads(result.stdout)["workloads"][0]["candidates"]]
    assert order == ["acme-base", "acme-gone", "acme-dead"]
    dead = _rows(result)["acme-dead"]
    assert dead["savings"] is None and dead["savings_pct"] is None  # nothing billed in its first month
    assert "$0.100 (not sold)" in _line(plan("[acme-dead, acme-gone]"), "acme-dead")


def test_every_broken_limit_is_named(plan):
    # Before: only the first ("context 500 < needed 1k"), not the maximum output.
    result = plan("[acme-small, acme-mini]")
    assert "acme-small: context 500 < needed 1k and max output 50 < output 100" in result.output
