"""Cache writes in plans (the workload's ``cache:`` refresh spec) and the cost breakdown per model."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_sheet
from tokencost.cli import cli
from tokencost.costing.card_pricer import PARTS, CardPricer
from tokencost.costing.engine import Usage, price_usage
from tokencost.costing.volumes import bill_parts
from tokencost.errors import InputError
from tokencost.planner import plan_file
from tokencost.planner.breakdown import Breakdown, Part
from tokencost.planner.cache_writes import windows_per_month
from tokencost.pricing.schema import PriceCard

REPO = Path(__file__).resolve().parents[1]

# An Anthropic-like card (writes 1.25x input for 5 min, 2x for 1 h) and a slightly dearer one with no write
# price (writes billed as input, as OpenAI and DeepSeek bill a cache miss).
SHEET = """
    provider: {id: acme, name: Acme AI, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: cachy
        tokenizer: o200k_base
        context_window: 200000
        prices: {input: 1, output: 5, cache_read: 0.1, cache_write: 1.25, cache_write_1h: 2}
      - id: plain
        tokenizer: o200k_base
        context_window: 200000
        prices: {input: 1.02, output: 5, cache_read: 0.1}
"""


def workload(tmp_path, cache: str = "", hits: str = "0.5", traffic: str = "requests_per_month: 1000000",
             inp: int = 1200) -> str:  # fmt: skip
    sheets = write_sheet(tmp_path / "sheets", "acme.yaml", SHEET)
    body = f"""
        version: 1
        start: 2027-01-01
        horizon_months: 3
        candidates: [cachy, plain]
        workloads:
          - name: bot
            model: cachy
            {traffic}
            input_tokens: {inp}
            counted_with: o200k_base
            output_tokens: 100
            cache_hit_ratio: {hits}
            {cache}
    """
    path = write_sheet(tmp_path, "w.yaml", body)
    return str(path), str(sheets)


def plan_doc(tmp_path, **kwargs) -> dict:
    path, sheets = workload(tmp_path, **kwargs)
    result = plan_file(path, pricing=sheets, today=dt.date(2026, 12, 4))
    return result.to_document()


def costs(doc) -> dict[str, Decimal]:
    return {c["model"]: Decimal(c["monthly_cost"]) for c in doc["workloads"][0]["candidates"]}


def test_a_cached_prefix_costs_its_writes_at_the_cards_rate_and_the_ranking_can_shift(tmp_path):
    # 1,200 input tokens, half read from the cache; one request in four writes the prefix: the prefix is
    # 600 / 0.75 = 800 tokens, written 0.25 x 800 = 200 tokens per request; 400 uncached; 100 output.
    without = plan_doc(tmp_path, cache="cache: {write_ratio: 0}")
    assert costs(without) == {"cachy": Decimal(1160), "plain": Decimal(1172)}  # 600x1 + 600x0.1 + 500
    assert [c["model"] for c in without["workloads"][0]["candidates"]] == ["cachy", "plain"]

    five = plan_doc(tmp_path, cache="cache: {ttl: 5m, write_ratio: 0.25}")
    # cachy: 400 x 1 + 600 x 0.1 + 200 x 1.25 + 100 x 5 = 1,210 per million requests' worth: $1,210.00
    # plain has no write price: 200 written tokens billed as input, exactly what it cost before
    assert costs(five) == {"cachy": Decimal(1210), "plain": Decimal(1172)}
    assert [c["model"] for c in five["workloads"][0]["candidates"]] == ["plain", "cachy"]
    (w,) = five["workloads"]
    assert w["tokens_per_request"]["cache_write"] == "200" and w["tokens_per_request"]["cached"] == "600"
    plain_row = next(c for c in w["candidates"] if c["model"] == "plain")
    assert "no cache-write price: cache writes billed as input" in plain_row["notes"]
    assert (
        "cache writes: 25% of requests write the cached prefix (given: write_ratio), 16.7% of input tokens per "
        "request, billed at the card's 5 min cache-write rate (as input where a card publishes none, noted per "
        "model)"
    ) in w["assumptions"]

    hour = plan_doc(tmp_path, cache="cache: {ttl: 1h, write_ratio: 0.25}")
    assert costs(hour) == {"cachy": Decimal(1360), "plain": Decimal(1172)}  # 200 x 2 instead of x 1.25
    assert hour["workloads"][0]["breakdown"]["parts"]["cache_writes"]["ttl"] == "1h"


def test_the_default_writes_the_prefix_once_per_five_minute_window_and_says_so(tmp_path):
    # 87,660 requests a month over 8,766 windows: 10 a window, one of them writes (m = 0.1)
    doc = plan_doc(tmp_path, traffic="requests_per_month: 87660", inp=1800)
    (w,) = doc["workloads"]
    assert windows_per_month("5m") == 8766 and windows_per_month("1h") == Decimal("730.5")
    # prefix 900 / 0.9 = 1,000 tokens, written by 10 % of requests: 100 write tokens per request
    assert w["tokens_per_request"]["cache_write"] == "100"
    # cachy: 800 x 1 + 900 x 0.1 + 100 x 1.25 + 100 x 5 = 1,515 per million, x 87,660 requests
    assert costs(doc)["cachy"] == Decimal("132.8049")
    (said,) = [a for a in w["assumptions"] if a.startswith("cache writes:")]
    assert said.startswith(
        "cache writes: the cached prefix is written once per 5-minute window (8,766 windows a month over 87,660 "
        "requests, at the start traffic; assumed: no cache refresh spec given): 10% of requests write it, "
        "5.56% of input tokens per request"
    )
    # the same with the window spelled out
    given_doc = plan_doc(
        tmp_path,
        traffic="requests_per_month: 87660",
        inp=1800,
        cache="cache: {writes_per_window: 2, requests_per_window: 20}",
    )
    assert costs(given_doc)["cachy"] == Decimal("132.8049")


def test_thin_traffic_caps_the_writes_at_the_input_not_read_from_cache(tmp_path):
    doc = plan_doc(tmp_path, traffic="requests_per_month: 1000", hits="0.6", inp=1000)
    (w,) = doc["workloads"]
    assert w["tokens_per_request"]["cache_write"] == "400"  # every token not read is written
    parts = w["breakdown"]["parts"]
    assert parts["input"]["tokens"] == "0"
    assert any("40% of requests write it (capped: the traffic is too thin" in a for a in w["assumptions"])


def test_no_hits_means_no_writes(tmp_path):
    doc = plan_doc(tmp_path, hits="0", cache="cache: {ttl: 1h}")
    (w,) = doc["workloads"]
    assert w["tokens_per_request"]["cache_write"] == "0"
    assert "cache writes: none (no cache hits, so no cached prefix to write)" in w["assumptions"]
    assert costs(doc)["cachy"] == Decimal(1700)  # 1,200 x 1 + 100 x 5


@pytest.mark.parametrize(
    ("cache", "message"),
    [
        ("cache: {ttl: 10m}", "cache ttl must be 5m or 1h"),
        (
            "cache: {write_ratio: 0.1, writes_per_window: 2}",
            "give write_ratio or writes_per_window, not both",
        ),
        ("cache: {write_ratio: 0.6}", "cache.write_ratio 0.6 with cache_hit_ratio 0.5"),
        ("cache: {writes_per_window: 0}", "greater than 0"),
        ("cache: {ttl: 5m, refresh: daily}", "refresh"),
        ("cache: {write_ratio: 150%}", "between 0 and 1"),
    ],
)
def test_a_bad_refresh_spec_is_a_one_line_input_error(tmp_path, cache, message):
    path, sheets = workload(tmp_path, cache=cache)
    out = CliRunner().invoke(cli, ["plan", path, "--pricing", sheets])
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output and out.output.startswith("Error: ")
    assert message in out.output
    assert "w.yaml:" in out.output  # located in the file


def test_old_files_stay_valid_and_ttl_spellings_are_accepted(tmp_path):
    assert plan_doc(tmp_path, hits="0")["workloads"][0]["tokens_per_request"]["cache_write"] == "0"
    doc = plan_doc(tmp_path, cache="cache: {ttl: 60min, write_ratio: '25%'}")
    assert costs(doc)["cachy"] == Decimal(1360)


# -- the fast pricer bills writes as the engine does, and splits the total ------------------------------------
CARDS = [
    PriceCard.model_validate({"input": "3", "output": "15", "cache_read": "0.3", "cache_write": "3.75",
                              "cache_write_1h": "6", "tiers": [{"above": 200000, "input": 6, "output": 22.5,
                              "cache_write": 7.5}], "variants": {"batch": {"input": "1.5", "output": "7.5"}}}),
    PriceCard.model_validate({"input": "0.3", "output": "0.9", "cache_read": "0.03", "per_request": "0.001"}),
    PriceCard.model_validate({"input": "1", "output": "5", "cache_write": "1.25"}),
]  # fmt: skip
amounts = st.decimals(min_value=0, max_value=400000, places=2)
shares = st.decimals(min_value=0, max_value=1, places=3)


@settings(max_examples=200, deadline=None)
@given(amounts, shares, shares, shares, amounts, amounts, st.decimals(min_value=0, max_value=10**9, places=1),
       st.sampled_from([None, "batch"]), st.sampled_from(CARDS))  # fmt: skip
def test_fast_pricer_bills_writes_like_the_engine(
    inp, read, w5, w1h, out, reasoning, requests, variant, card
):
    read_tokens = inp * read
    w5_tokens = (inp - read_tokens) * w5
    w1h_tokens = (inp - read_tokens - w5_tokens) * w1h
    usage = Usage(
        input_tokens=inp,
        output_tokens=out,
        cache_read_tokens=read_tokens,
        cache_write_tokens=w5_tokens,
        cache_write_1h_tokens=w1h_tokens,
        reasoning_tokens=reasoning,
        requests=requests,
    )
    bill = price_usage(card, usage, "USD", variant=variant)
    got = CardPricer(card).price(inp, read_tokens, out, reasoning, requests, variant, w5_tokens, w1h_tokens)
    assert got.total == bill.total
    assert set(got.notes) == set(bill.notes)
    assert len(got.parts) == len(PARTS)
    assert got.parts == bill_parts([bill])
    assert abs(sum(got.parts, Decimal(0)) - got.total) <= abs(got.total) * Decimal("1e-25")


# -- the breakdown adds up ------------------------------------------------------------------------------------
money_parts = st.decimals(min_value=0, max_value=10**12, places=14, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(money_parts, min_size=6, max_size=6), st.decimals(min_value=-1, max_value=1, places=20))
def test_written_parts_add_up_to_the_written_total_exactly(costs_, drift):
    # the parts of a priced row agree with its total to Decimal precision, not to the last digit
    total = sum(costs_, Decimal(0)) + drift * Decimal("1e-12")
    parts = tuple(Part(name, None, None, cost) for name, cost in zip(PARTS, costs_, strict=True))
    doc = Breakdown("2027-01", Decimal(10), parts, max(total, Decimal(0)), Decimal(0), "5m").to_document()
    written = [Decimal(p["cost"]) for p in doc["parts"].values()]
    assert sum(written, Decimal(0)) == Decimal(doc["total"])
    assert all(cost >= 0 for cost in written) or total < Decimal("1e-9")


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=1, max_value=200000),
    st.decimals(min_value=0, max_value=1, places=2),
    st.decimals(min_value=0, max_value=Decimal("0.5"), places=2),
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["5m", "1h"]),
    st.decimals(min_value=0, max_value=1, places=2),
)
def test_every_models_breakdown_sums_to_its_monthly_cost(tmp_path_factory, inp, hits, writes, out, requests,
                                                        ttl, batch):  # fmt: skip
    writes = min(writes, 1 - hits - Decimal("0.01")) if hits < 1 else Decimal(0)
    cache = f"cache: {{ttl: {ttl}, write_ratio: {max(writes, Decimal(0))}}}\n            batch_share: {batch}"
    tmp_path = tmp_path_factory.mktemp("plan")
    doc = plan_doc(tmp_path, cache=cache, hits=str(hits), traffic=f"requests_per_month: {requests}", inp=inp)
    (w,) = doc["workloads"]
    for row in [w, *w["candidates"]]:
        b = row["breakdown"]
        assert sum((Decimal(p["cost"]) for p in b["parts"].values()), Decimal(0)) == Decimal(
            row["monthly_cost"]
        )
        assert b["total"] == row["monthly_cost"] and b["month"] == "2027-01"
        assert Decimal(b["horizon_total"]) >= Decimal(row["monthly_cost"])
    assert Decimal(doc["totals"]["horizon_total"]) == sum(
        Decimal(m["cost"]) for m in doc["totals"]["forecast"]
    )


# -- the views -------------------------------------------------------------------------------------------------
def test_plan_breakdown_table_markdown_and_html_show_the_parts_with_the_month(tmp_path):
    path, sheets = workload(tmp_path, cache="cache: {write_ratio: 0.25}")
    runner = CliRunner()
    table = runner.invoke(cli, ["plan", path, "--pricing", sheets, "--breakdown"])
    assert table.exit_code == 0, table.output
    assert "Workload bot: Cost breakdown in 2027-01 (USD" in table.output
    line = next(x for x in table.output.splitlines() if x.startswith("cachy (current)"))
    assert "$250.00 (200M)" in line and "$60.00 (600M)" in line and "$1,210.00" in line
    assert "$3,630.00" in line  # three months, no growth
    plain = runner.invoke(cli, ["plan", path, "--pricing", sheets])
    assert "Cost breakdown" not in plain.output

    markdown = runner.invoke(cli, ["plan", path, "--pricing", sheets, "--format", "markdown"])
    assert "Cost breakdown in 2027-01 (USD" in markdown.output
    assert (
        "| model | input | cached input | cache writes | output | reasoning | month total |"
        in markdown.output
    )

    out = tmp_path / "r.html"
    report = runner.invoke(cli, ["report", path, "--pricing", sheets, "--out", str(out)])
    assert report.exit_code == 0, report.output
    html = out.read_text("utf-8")
    assert "<table class='breakdown'>" in html and "Cost breakdown in 2027-01 (USD" in html
    assert "$250.00<br><span class='note'>200M tok</span>" in html

    doc = json.loads(runner.invoke(cli, ["plan", path, "--pricing", sheets, "--format", "json"]).output)
    assert doc["totals"]["horizon_total"] == "3630" and doc["workloads"][0]["horizon_total"] == "3630"
    assert doc["totals"]["best_horizon_total"] == "3516"  # plain: 1,172 a month


def test_the_documents_lean_breakdown_equals_the_objects(tmp_path):
    from tokencost.planner.breakdown import breakdown_document

    path, sheets = workload(tmp_path, cache="cache: {ttl: 1h, write_ratio: 0.1}")
    result = plan_file(path, pricing=sheets, today=dt.date(2026, 12, 4))
    example = plan_file(REPO / "examples/workloads/support-zh.yaml", today=dt.date(2026, 12, 4))
    rows = [(w, row) for r in (result, example) for w in r.workloads for row in w.candidates]
    assert len(rows) > 10
    memo: dict = {}
    for w, row in rows:
        assert breakdown_document(w, row, memo if w is rows[0][0] else {}) == w.breakdown(row).to_document()


def test_a_claude_workload_on_the_bundled_card_costs_its_cache_writes(tmp_path):
    # claude-haiku-4.5 on the card of 2026-12-04: $1 input, $0.10 cache read, $1.25 5-min write, $2 1-h, $5 output
    body = """
        version: 1
        start: 2027-01-01
        horizon_months: 1
        candidates: [claude-haiku-4.5, gpt-5.4-mini]
        workloads:
          - name: bot
            model: claude-haiku-4.5
            requests_per_month: 1000000
            input_tokens: 1200
            counted_with: claude
            output_tokens: 100
            cache_hit_ratio: 0.5
            cache: {write_ratio: 0.25}
    """
    path = write_sheet(tmp_path, "claude.yaml", body)
    doc = plan_file(path, today=dt.date(2026, 12, 4), at=dt.date(2026, 12, 4)).to_document()
    (w,) = doc["workloads"]
    # 400 x $1 + 600 x $0.10 + 200 x $1.25 + 100 x $5 per request, x 1,000,000 requests / 1,000,000 tokens
    assert w["monthly_cost"] == "1210"
    parts = w["breakdown"]["parts"]
    assert parts["cache_writes"] == {"tokens": "200000000", "cost": "250", "ttl": "5m"}
    assert parts["cached_input"]["cost"] == "60" and parts["input"]["cost"] == "400"
    assert parts["output"]["cost"] == "500"
    gpt = next(c for c in w["candidates"] if c["model"] == "gpt-5.4-mini")
    assert "no cache-write price: cache writes billed as input" in gpt["notes"]


def test_a_replayed_log_with_cache_writes_emits_a_valid_refresh_spec(tmp_path):
    # the example log: 8,000 tokens read from the cache and 5,000 written (2,000 for 5 min, 3,000 for 1 h)
    target = tmp_path / "from-log.yaml"
    log = str(REPO / "examples/usage/anthropic-messages.jsonl")
    result = CliRunner().invoke(cli, ["replay", log, "--emit-workload", str(target), "--format", "json"])
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8")
    # 5,000 / (8,000 + 5,000), rounded down; 3,000 of the 5,000 written for 1 h
    assert "cache: {write_ratio: 0.384615, ttl_1h_share: 0.6}  # as logged" in text
    assert '"cache writes: cache.write_ratio is the logged writes over reads plus writes' in text
    planned = CliRunner().invoke(cli, ["plan", str(target), "--format", "json"])
    assert planned.exit_code == 0, planned.output  # the assumption lines are quoted YAML strings
    (sonnet, _) = json.loads(planned.stdout)["workloads"]
    # 5,000 of 14,050 input tokens written over the log's two requests
    assert Decimal(sonnet["tokens_per_request"]["cache_write"]) == Decimal("2500")


def test_a_mix_of_ttls_bills_each_share_at_its_rate(tmp_path):
    """``ttl_1h_share`` splits the writes: 60 % at the 1 h rate, 40 % at the 5 min rate; it needs a write ratio
    and excludes ``ttl``."""
    body = (
        "version: 1\ncandidates: [claude-sonnet-4.6]\nworkloads:\n  - {{name: w, model: claude-sonnet-4.6, "
        "requests_per_month: 1000000, input_tokens: 1000, output_tokens: 100, cache_hit_ratio: 0.5, "
        "cache: {{{cache}}}}}\n"
    )

    def plan(cache: str):
        path = tmp_path / "w.yaml"
        path.write_text(body.format(cache=cache), encoding="utf-8")
        return plan_file(path, today=dt.date(2026, 12, 4), at=dt.date(2026, 12, 4)).to_document()[
            "workloads"
        ][0]

    five, hour = plan("write_ratio: 0.2"), plan("write_ratio: 0.2, ttl: 1h")
    mixed = plan("write_ratio: 0.2, ttl_1h_share: 0.6")
    cost = {name: Decimal(w["breakdown"]["parts"]["cache_writes"]["cost"]) for name, w in
            (("5m", five), ("1h", hour), ("mix", mixed))}  # fmt: skip
    assert cost["mix"] == cost["5m"] * Decimal("0.4") + cost["1h"] * Decimal("0.6")
    assert mixed["breakdown"]["parts"]["cache_writes"]["ttl"] == "5m+1h"
    assert any("1 h cache-write rate for 60% of them" in a for a in mixed["assumptions"])
    for bad in ("ttl_1h_share: 0.6", "write_ratio: 0.2, ttl: 5m, ttl_1h_share: 0.6"):
        with pytest.raises(InputError, match="ttl_1h_share"):
            plan(bad)


def test_plan_csv_carries_each_candidates_breakdown(tmp_path):
    import csv
    import io

    path, sheets = workload(tmp_path, cache="cache: {write_ratio: 0.25}")
    result = CliRunner().invoke(cli, ["plan", path, "--pricing", sheets, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {r["model"]: r for r in csv.DictReader(io.StringIO(result.output))}
    cachy = rows["cachy"]
    assert (cachy["cost_input"], cachy["cost_cached_input"], cachy["cost_cache_writes"]) == (
        "400",
        "60",
        "250",
    )
    assert cachy["tokens_cache_writes"] == "200000000" and cachy["breakdown_month"] == "2027-01"
    assert cachy["horizon_total"] == "3630" and rows["plain"]["cost_cache_writes"] == "204"
