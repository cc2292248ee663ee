"""Plan ranges: estimated counts carry token bounds into the plan JSON, every candidate's monthly cost at those
bounds (priced through the same path, so the figures agree), and the ranking says where two neighbours'
ranges overlap; exact counts have no range."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_sheet
from tokencost.cli import cli
from tokencost.planner import plan_file
from tokencost.tokenizers import get_counter

TODAY = dt.date(2026, 11, 22)
SHEET = """
    provider: {id: band, name: Band AI, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - {id: band-est-a, tokenizer: claude, prices: {input: 1, output: 4}}
      - {id: band-est-b, tokenizer: claude, prices: {input: 1.1, output: 4.4}}
      - {id: band-exact, tokenizer: o200k_base, prices: {input: 100, output: 400}}
      - {id: band-exact-2, tokenizer: o200k_base, prices: {input: 100.5, output: 402}}
"""
WORKLOAD = """
    version: 1
    currency: USD
    start: 2027-01-01
    horizon_months: 2
    candidates: [band-est-a, band-est-b, band-exact, band-exact-2]
    workloads:
      - name: bot
        model: band-est-a
        requests_per_month: 100000
        prompt: prompts/*.txt
"""
TEXTS = {
    "a.txt": "Where is my order? It was due on Monday and the tracking page has not changed since. " * 6,
    "b.txt": "你好，我想退货。订单号 A-1234，能帮我查一下吗？谢谢。" * 8,
}


@pytest.fixture
def workload(tmp_path):
    write_sheet(tmp_path / "sheets", "band.yaml", SHEET)
    for name, text in TEXTS.items():
        write_sheet(tmp_path / "prompts", name, text)
    return write_sheet(tmp_path, "w.yaml", WORKLOAD), tmp_path / "sheets"


def _doc(path, sheets):
    return plan_file(path, pricing=[sheets], today=TODAY).to_document()


def test_estimated_family_has_token_bounds_and_exact_family_has_none(workload):
    (w,) = _doc(*workload)["workloads"]
    claude, o200k = w["tokens_by_family"]["claude"], w["tokens_by_family"]["o200k_base"]
    assert Decimal(claude["low"]) < Decimal(claude["input"]) < Decimal(claude["high"])
    assert not claude["exact"]
    assert o200k["low"] == o200k["high"] == o200k["input"] and o200k["exact"]
    # the mean request's bounds are the mean of each sample's own bounds
    counter = get_counter("claude")
    bounds = [counter.count_range(text)[1:] for text in TEXTS.values()]
    assert Decimal(claude["low"]) == Decimal(sum(b[0] for b in bounds)) / 2
    assert Decimal(claude["high"]) == Decimal(sum(b[1] for b in bounds)) / 2
    # the chosen model's count carries the same bounds
    assert (w["count"]["low"], w["count"]["high"]) == (claude["low"], claude["high"])


def test_cost_range_is_the_cost_at_the_token_bounds(workload):
    (w,) = _doc(*workload)["workloads"]
    claude = w["tokens_by_family"]["claude"]
    rows = {c["model"]: c for c in w["candidates"]}
    est = rows["band-est-a"]
    monthly = Decimal(est["monthly_cost"])
    # no cache, no tiers, output derived from input: the cost is proportional to the input tokens
    for side in ("low", "high"):
        expected = monthly * Decimal(claude[side]) / Decimal(claude["input"])
        assert abs(Decimal(est[f"cost_{side}"]) - expected) < Decimal("1e-6")
    assert Decimal(est["cost_low"]) < monthly < Decimal(est["cost_high"])
    exact = rows["band-exact"]
    assert exact["cost_low"] == exact["cost_high"] == exact["monthly_cost"]
    # the current model's own range, beside its monthly cost
    assert (w["cost_low"], w["cost_high"]) == (est["cost_low"], est["cost_high"])


def test_overlapping_ranges_are_flagged_and_exact_neighbours_are_not(workload):
    (w,) = _doc(*workload)["workloads"]
    rows = {c["model"]: c for c in w["candidates"]}
    assert [c["model"] for c in w["candidates"]] == ["band-est-a", "band-est-b", "band-exact", "band-exact-2"]
    assert rows["band-est-a"]["overlaps"] == ["band-est-b"]
    assert rows["band-est-b"]["overlaps"] == ["band-est-a"]
    # two exact costs 0.5 % apart are a certain ranking; estimated ones far cheaper do not reach them
    assert rows["band-exact"]["overlaps"] == [] and rows["band-exact-2"]["overlaps"] == []
    for c in w["candidates"]:  # the flag is symmetric and means the ranges of horizon totals meet
        for other in c["overlaps"]:
            o = rows[other]
            assert c["model"] in o["overlaps"]
            assert Decimal(o["horizon_low"]) <= Decimal(c["horizon_high"])
            assert Decimal(c["horizon_low"]) <= Decimal(o["horizon_high"])


def test_converted_counts_carry_the_conversion_band(tmp_path):
    write_sheet(tmp_path / "sheets", "band.yaml", SHEET)
    body = WORKLOAD.replace("prompt: prompts/*.txt", "input_tokens: 1000\n        counted_with: o200k_base")
    path = write_sheet(tmp_path, "w.yaml", body)
    (w,) = _doc(path, tmp_path / "sheets")["workloads"]
    claude, o200k = w["tokens_by_family"]["claude"], w["tokens_by_family"]["o200k_base"]
    assert o200k["low"] == o200k["high"] == o200k["input"] == "1000"
    band = Decimal(str(claude["error_band"]))
    # the JSON writes token counts to 2 decimals
    assert abs(Decimal(claude["low"]) - Decimal(claude["input"]) * (1 - band)) <= Decimal("0.005")
    assert abs(Decimal(claude["high"]) - Decimal(claude["input"]) * (1 + band)) <= Decimal("0.005")


def test_plan_table_shows_the_range_column_and_the_uncertain_ranking(workload):
    path, sheets = workload
    result = CliRunner().invoke(cli, ["plan", str(path), "--pricing", str(sheets)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "if counts are off" in out
    head = next(line for line in out.splitlines() if line.startswith("Workload bot"))
    assert re.search(r"\$[\d,.]+ \(if counts are off: \$[\d,.]+ – \$[\d,.]+\)", head)  # the current model's
    assert re.search(
        r"ranking not certain: #1 band-est-a and #2 band-est-b \(their totals if counts are off overlap: "
        r"\$[\d,.]+ – \$[\d,.]+ and \$[\d,.]+ – \$[\d,.]+\)",
        out,
    )
    assert "band-exact and" not in out  # exact neighbours are a certain ranking
    row = next(line for line in out.splitlines() if line.startswith("3 ") and "band-exact" in line)
    assert row.split("$2,910.00")[1].split()[0] == "exact"  # the range cell of an exact count says so
    first = next(line for line in out.splitlines() if line.startswith("1 "))
    assert re.search(r"\$[\d,.]+ +\$[\d,.]+ – \$[\d,.]+", first)  # monthly cost, then low – high
    markdown = CliRunner().invoke(cli, ["plan", str(path), "--pricing", str(sheets), "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.output
    assert "| if counts are off |" in markdown.stdout
    assert "(if counts are off: $" in markdown.stdout.split("| # |")[0]
    csv = CliRunner().invoke(cli, ["plan", str(path), "--pricing", str(sheets), "--format", "csv"])
    header, first_row = csv.stdout.splitlines()[:2]
    columns = dict(zip(header.split(","), first_row.split(","), strict=False))
    assert Decimal(columns["cost_low"]) < Decimal(columns["monthly_cost"]) < Decimal(columns["cost_high"])
    assert "- ranking not certain: #1 band-est-a and #2 band-est-b" in markdown.stdout


def test_html_report_shows_ranges(workload, tmp_path):
    path, sheets = workload
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(path), "--pricing", str(sheets), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "<th class=num>if counts are off</th>" in html
    assert re.search(r"current model \(if counts are off: \$[\d,.]+ – \$[\d,.]+\)</p>", html)
    assert "ranking not certain: #1 band-est-a and #2 band-est-b" in html


def test_all_exact_plan_has_no_range_column(tmp_path):
    write_sheet(tmp_path / "sheets", "band.yaml", SHEET)
    for name, text in TEXTS.items():
        write_sheet(tmp_path / "prompts", name, text)
    body = WORKLOAD.replace(
        "[band-est-a, band-est-b, band-exact, band-exact-2]", "[band-exact, band-exact-2]"
    )
    path = write_sheet(tmp_path, "w.yaml", body.replace("model: band-est-a", "model: band-exact"))
    result = CliRunner().invoke(cli, ["plan", str(path), "--pricing", str(tmp_path / "sheets")])
    assert result.exit_code == 0, result.output
    assert "if counts are off" not in result.stdout and "ranking not certain" not in result.stdout
    doc = json.loads(
        CliRunner()
        .invoke(cli, ["plan", str(path), "--pricing", str(tmp_path / "sheets"), "--format", "json"])
        .stdout
    )
    (w,) = doc["workloads"]
    assert all(c["cost_low"] == c["cost_high"] == c["monthly_cost"] for c in w["candidates"])
    assert w["count"]["low"] == w["count"]["high"]


def test_proportional_shortcut_agrees_with_pricing_at_the_bounds(tmp_path):
    # converted counts move every volume by one factor: where the cost is proportional (no per-request fee, no
    # long-context tier reached) the range is the cost times that factor, else the bounds are priced; both must
    # give what price_volumes gives at the bounds
    import dataclasses

    from tokencost.costing.volumes import CardPricers
    from tokencost.planner import bands
    from tokencost.planner.plan import _traffic

    sheet = SHEET + (
        "      - {id: band-fee, tokenizer: claude, prices: {input: 1, output: 4, per_request: 0.002}}\n"
        "      - id: band-tier\n"
        "        tokenizer: claude\n"
        "        prices: {input: 1, output: 4, tiers: [{above: 1200, input: 2, output: 8}]}\n"
    )
    write_sheet(tmp_path / "sheets", "band.yaml", sheet)
    body = WORKLOAD.replace("prompt: prompts/*.txt", "input_tokens: 1000\n        counted_with: o200k_base")
    body = body.replace("band-exact, band-exact-2]", "band-exact, band-exact-2, band-fee, band-tier]")
    path = write_sheet(tmp_path, "w.yaml", body)
    (w,) = plan_file(path, pricing=[tmp_path / "sheets"], today=TODAY).workloads
    claude = w.by_family["claude"]
    assert claude.bounds[0] < 1200 < claude.bounds[1]  # band-tier's tier is reached at the high bound only
    rows = {row.entry.id: row for row in w.candidates}
    assert {"band-fee", "band-tier", "band-est-a"} <= set(rows)
    for name in ("band-est-a", "band-est-b", "band-fee", "band-tier"):
        row = rows[name]
        fresh = dataclasses.replace(row, cost_low=None, cost_high=None)
        traffic = _traffic(w.workload)[2]
        bands._price_at_bounds([fresh], w.by_family, traffic, CardPricers(), None, Decimal(1), lambda c: 1)
        assert abs(row.cost_low - fresh.cost_low) <= Decimal("1e-18") * row.monthly_cost, name
        assert abs(row.cost_high - fresh.cost_high) <= Decimal("1e-18") * row.monthly_cost, name
        assert row.cost_low < row.monthly_cost < row.cost_high
    # the fee does not scale with the tokens: the shortcut would have been wrong there
    fee = rows["band-fee"]
    factor = claude.bounds[0] / claude.input
    assert abs(fee.cost_low - fee.monthly_cost * factor) > Decimal("0.01")
    tier = rows["band-tier"]  # the dearer tier applies at the high bound only
    assert tier.cost_high > tier.monthly_cost * claude.bounds[1] / claude.input * Decimal("1.5")


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e30"), max_value=Decimal("1e30"))
)
def test_money_strings_are_those_of_a_context_wide_enough_for_every_figure(value):
    # the JSON's money skips its local context when the current one is precise enough: the same string
    from decimal import ROUND_HALF_EVEN, localcontext

    from tokencost.planner.figures import MONEY_QUANTUM, money

    if value.adjusted() >= 24:
        expected = str(value)
    else:
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, value.adjusted() + 12)
            rounded = value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN).normalize()
        expected = f"{rounded:f}" if rounded else "0"
    assert money(value) == expected


TOOLS_WORKLOAD = """
    version: 1
    currency: USD
    start: 2027-01-01
    horizon_months: 2
    candidates: [band-exact]
    workloads:
      - name: agent
        model: band-exact
        requests_per_month: 100000
        messages: chats/*.json
        output_tokens: 50
"""


def test_a_chat_sample_with_tools_on_an_exact_family_carries_the_framings_range(tmp_path):
    """A tool prompt's framing is fitted even where the text is exact: the plan's bounds say so, as estimate's."""
    write_sheet(tmp_path / "sheets", "band.yaml", SHEET)
    tool = {
        "type": "function",
        "function": {
            "name": "get_order",
            "description": "Look an order up",
            "parameters": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        },
    }
    chat = {"messages": [{"role": "user", "content": "Where is order 1234?"}], "tools": [tool]}
    write_sheet(tmp_path / "chats", "a.json", json.dumps(chat))
    (w,) = _doc(write_sheet(tmp_path, "w.yaml", TOOLS_WORKLOAD), tmp_path / "sheets")["workloads"]
    o200k = w["tokens_by_family"]["o200k_base"]
    assert o200k["exact"]
    assert Decimal(o200k["low"]) < Decimal(o200k["input"]) < Decimal(o200k["high"])
