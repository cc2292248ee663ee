"""A workload's ``off_peak_share`` and ``service_tier`` mix: validated with clear errors, priced on each
candidate's window and tier prices (standard where its card has none, said), and shown in every format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_sheet
from tokencost.cli import cli
from tokencost.costing.volumes import Volumes, price_volumes
from tokencost.pricing.catalog import load_catalog

SHEET = """
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-night
        tokenizer: o200k_base
        context_window: 1000000
        prices:
          input: 1
          output: 1
          windows:
            - {name: off-peak, start: '00:00', end: '06:00', input: 0.5, output: 0.5}
          variants:
            flex: {input: 0.25, output: 0.25}
      - id: acme-plain
        tokenizer: o200k_base
        context_window: 1000000
        prices: {input: 1, output: 1}
"""

WORKLOAD = """
    version: 1
    start: 2026-12-01
    horizon_months: 1
    candidates: [acme-plain]
    workloads:
      - name: night
        model: acme-night
        requests_per_month: 1000
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 1000
        {extra}
"""
EXTRA = "off_peak_share: 0.4\n        service_tier: {flex: 0.5}"


def _files(tmp_path, extra=EXTRA):
    sheets = write_sheet(tmp_path / "sheets", "acme.yaml", SHEET).parent
    workload = write_sheet(tmp_path, "w.yaml", WORKLOAD.replace("{extra}", extra))
    return str(sheets), str(workload)


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def test_off_peak_and_flex_are_priced_on_the_cards_window_and_tier(tmp_path):
    sheets, workload = _files(tmp_path)
    result = _run("plan", workload, "--pricing", sheets, "--format", "json")
    assert result.exit_code == 0, result.output
    [w] = json.loads(result.stdout)["workloads"]
    rows = {r["model"]: r for r in w["candidates"]}
    # per request 2,000 tokens: standard $0.002, flex $0.0005; a window's rates override the tier's (the cost
    # engine's order), so off-peak is $0.001 on both. 1,000 x (0.5 x (0.6 x 0.002 + 0.4 x 0.001) + 0.5 x (0.6 x
    # 0.0005 + 0.4 x 0.001)) = $1.15
    assert Decimal(rows["acme-night"]["monthly_cost"]) == Decimal("1.15")
    assert "off-peak rates (00:00-06:00 UTC)" in rows["acme-night"]["notes"]
    # no window and no flex price: every request at standard rates, the tier fallback said
    assert Decimal(rows["acme-plain"]["monthly_cost"]) == Decimal("2")
    assert "no flex price published: standard rates used" in rows["acme-plain"]["notes"]


def test_without_the_fields_nothing_changes(tmp_path):
    sheets, workload = _files(tmp_path, extra="")
    result = _run("plan", workload, "--pricing", sheets, "--format", "json")
    [w] = json.loads(result.stdout)["workloads"]
    assert {r["model"]: Decimal(r["monthly_cost"]) for r in w["candidates"]} == {
        "acme-night": Decimal(2),
        "acme-plain": Decimal(2),
    }
    assert not [a for a in w["assumptions"] if a.startswith(("off-peak", "service tiers"))]


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_every_plan_format_states_both_assumptions(tmp_path, fmt):
    sheets, workload = _files(tmp_path)
    result = _run("plan", workload, "--pricing", sheets, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "off-peak: 40% of requests sent in each candidate's off-peak window" in result.stdout
    assert "candidates whose card has no time window bill them at standard prices" in result.stdout
    assert (
        "service tiers: 50% flex of requests at each candidate's tier prices where published" in result.stdout
    )


def test_report_and_check_price_and_state_them(tmp_path):
    sheets, workload = _files(tmp_path)
    report = _run("report", workload, "--pricing", sheets, "--out", "-", "--format", "markdown")
    assert report.exit_code == 0, report.output
    assert "off-peak: 40% of requests" in report.stdout and "50% flex" in report.stdout
    assert "1.15" in report.stdout
    # $1.15 a month: a $1.20 budget passes, $1.10 fails (at standard rates it would be $2)
    passed = _run("check", workload, "--pricing", sheets, "--budget", "1.20", "--format", "markdown")
    assert passed.exit_code == 0, passed.output
    assert "off-peak: 40% of requests" in passed.stdout
    failed = _run("check", workload, "--pricing", sheets, "--budget", "1.10")
    assert failed.exit_code == 1, failed.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("off_peak_share: 1.5", "workloads[0].off_peak_share: must be between 0 and 1 (got 1.5)"),
        ("service_tier: {flex: 0.7, turbo: 0.1}", "workloads[0].service_tier.turbo: unknown field 'turbo'"),
        ("service_tier: {flex: 0.7, priority: 0.4}", "flex 0.7 and priority 0.4 add up to more than 1"),
        (
            "batch_share: 0.5\n        service_tier: {flex: '60%'}",
            "batch_share 0.5 and service_tier.flex 0.6 add up to more than 1",
        ),
        ("service_tier: 0.7", "workloads[0].service_tier"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path, extra, message):
    sheets, workload = _files(tmp_path, extra=extra)
    result = _run("plan", workload, "--pricing", sheets)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_defaults_carry_them_to_every_workload(tmp_path):
    sheets, workload = _files(tmp_path, extra="")
    path = Path(workload)
    path.write_text(
        path.read_text("utf-8").replace("workloads:", "defaults: {off_peak_share: 1}\nworkloads:"), "utf-8"
    )
    result = _run("plan", workload, "--pricing", sheets, "--format", "json")
    [w] = json.loads(result.stdout)["workloads"]
    assert {r["model"]: Decimal(r["monthly_cost"]) for r in w["candidates"]}["acme-night"] == Decimal(1)


@pytest.mark.parametrize("off_peak", ["0", "0.3", "1"])
@pytest.mark.parametrize(
    "parts", [((None, 700), ("flex", 300)), ((None, 1000),), (("batch", 10), ("flex", 5))]
)
def test_fast_pricer_matches_the_itemised_engine_with_off_peak(tmp_path, off_peak, parts):
    sheets, _ = _files(tmp_path)
    catalog = load_catalog(sheets)
    entries = [catalog.get("acme-night"), catalog.get("acme-plain")]
    volumes = {"o200k_base": Volumes(1000, 200, 300, 0, parts, off_peak=Decimal(off_peak))}
    fast = price_volumes(entries, volumes)
    slow = price_volumes(entries, volumes, itemised=True)
    for a, b in zip(fast, slow, strict=True):
        assert a.total == b.total and set(a.notes) == set(b.notes)
