"""plan and check price each month on the card in force then, and --at prices every month on one day's cards."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.planner import plan_file

SHEET = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-flash
        tokenizer: generic
        context_window: 1000000
        history:
          - {effective_from: 2026-01-01, input: 0.5, output: 2}
        prices: {effective_from: 2026-06-01, input: 1, output: 4}
        scheduled:
          - {effective_from: 2027-02-01, input: 2, output: 8}
      - id: acme-steady
        tokenizer: generic
        context_window: 1000000
        prices: {input: 3, output: 3}
    """
)
WORKLOAD = textwrap.dedent(
    """\
    version: 1
    start: 2026-12-01
    horizon_months: 4
    candidates: [acme-flash, acme-steady]
    workloads:
      - name: bot
        model: acme-flash
        requests_per_month: 1000000
        input_tokens: 1000
        output_tokens: 250
        counted_with: generic
    """
)


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    prices = tmp_path / "prices"
    prices.mkdir()
    (prices / "acme.yaml").write_text(SHEET)
    workload = tmp_path / "w.yaml"
    workload.write_text(WORKLOAD)
    return workload, prices


def test_the_forecast_takes_a_scheduled_card_from_its_month(files):
    workload, prices = files
    result = plan_file(workload, pricing=[prices])
    [w] = result.workloads
    # 1e9 input tokens x $1 + 2.5e8 output x $4 = $2,000 a month; from 2027-02: $4,000
    assert w.monthly_cost == Decimal(2000)
    assert [(m, c) for m, c in w.forecast] == [
        ("2026-12", Decimal(2000)),
        ("2027-01", Decimal(2000)),
        ("2027-02", Decimal(4000)),
        ("2027-03", Decimal(4000)),
    ]
    steady = next(r for r in w.candidates if r.entry.id == "acme-steady")
    assert steady.month_costs is None and w.candidate_forecast(steady)[-1][1] == Decimal(3750)
    flash = next(r for r in w.candidates if r.entry.id == "acme-flash")
    assert (
        "price change within the forecast: from 2027-02-01 (scheduled); those months use that card"
        in flash.notes
    )
    assert any("acme-flash from 2027-02-01 (scheduled)" in a for a in w.assumptions)
    assert result.prices_at is None


def test_at_prices_every_month_on_that_days_cards(files):
    workload, prices = files
    earlier = plan_file(workload, pricing=[prices], at=__import__("datetime").date(2026, 3, 1))
    [w] = earlier.workloads
    assert w.monthly_cost == Decimal(1000)  # the history card: 1e9 x 0.5 + 2.5e8 x 2
    assert {c for _, c in w.forecast} == {Decimal(1000)}
    assert any("cards in force on 2026-03-01 (--at)" in a for a in earlier.assumptions)


def test_cli_plan_and_check_take_at(files):
    workload, prices = files
    runner = CliRunner()
    plan = runner.invoke(
        cli, ["plan", str(workload), "--pricing", str(prices), "--at", "2027-03-01", "--format", "json"]
    )
    assert plan.exit_code == 0, plan.output
    document = json.loads(plan.stdout)
    assert document["prices_at"] == "2027-03-01"
    assert document["totals"]["monthly_cost"] == "4000"
    ok = runner.invoke(cli, ["check", str(workload), "--pricing", str(prices), "--budget", "2500"])
    assert ok.exit_code == 0, ok.output  # this month is $2,000 on the current card
    later = runner.invoke(
        cli, ["check", str(workload), "--pricing", str(prices), "--budget", "2500", "--at", "2027-02-01"]
    )
    assert later.exit_code == 1 and "2027-02-01 (--at)" in later.output
    before = runner.invoke(cli, ["check", str(workload), "--pricing", str(prices), "--at", "2025-01-01"])
    # before any known price: never $0, and never a pass on it: an input error naming the day
    assert before.exit_code == 2, before.output
    assert "no known price on 2025-01-01" in before.output and "never counted as $0" in before.output
