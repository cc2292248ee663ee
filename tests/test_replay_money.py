"""Replay's money: reconciliation like with like (billed 0, negative billed amounts, coverage always said),
billed costs converted with the computed cost's FX, server-side tool uses counted, off-peak windows only for
what a bucket's time says, and the period as elapsed time."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.replay import replay

USAGE = Path(__file__).resolve().parents[1] / "examples" / "usage"
HEADER = "request_id,spend,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider\n"


def _litellm(tmp_path: Path, rows: list[tuple], name: str = "spend.csv") -> Path:
    """A LiteLLM spend CSV of (spend, prompt, completion, start time) rows on gpt-4o."""
    lines = [f"r{i},{spend},{p},{c},{t},gpt-4o,openai\n" for i, (spend, p, c, t) in enumerate(rows)]
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _run(*args: str) -> tuple:
    result = CliRunner().invoke(cli, ["replay", *args])
    assert result.exit_code == 0, result.output
    document = json.loads(CliRunner().invoke(cli, ["replay", *args, "--format", "json"]).stdout)
    return result.stdout, document


# gpt-4o at $2.50 / $10 per million: 1,000 in + 100 out = $0.0035
T = "2025-12-04T10:00:00Z"


def test_a_billed_zero_against_a_positive_cost_is_flagged_not_ok(tmp_path):
    text, document = _run(str(_litellm(tmp_path, [(0, 1000, 100, T)])), "-m", "gpt-4o")
    [row] = document["actual"]
    assert not row["reconcile"].startswith("ok")
    assert row["reconcile"].startswith("billed 0 against $0.00350 computed: ")
    assert "ok (within 1%)" not in text
    assert "reconcile gpt-4o: billed 0 against $0.00350 computed" in text


def test_one_zero_among_billed_records_is_flagged_even_when_the_total_is_close(tmp_path):
    rows = [("0.0035", 1000, 100, T)] * 200 + [(0, 1000, 100, T)]
    _, document = _run(str(_litellm(tmp_path, rows)), "-m", "gpt-4o")
    [row] = document["actual"]  # 1 of 201 is 0.5 %: inside the tolerance, but a gap all the same
    assert row["reconcile"].startswith("1 billed 0 against $0.00350 computed: ")
    assert row["billed_zero_records"] == 1


def test_a_zero_does_not_hide_the_gap_of_the_records_billed_more(tmp_path):
    """3 records billed $0.0055 in all compute $0.0105 (+90.9%) and a 4th was billed 0: both are said, in the
    part of the verdict a table shows (before the first colon)."""
    rows = [("0.0035", 1000, 100, T), ("0.001", 1000, 100, T), ("0.001", 1000, 100, T), (0, 1000, 100, T)]
    text, document = _run(str(_litellm(tmp_path, rows)), "-m", "gpt-4o")
    head = document["actual"][0]["reconcile"].split(": ")[0]
    assert head == (
        "1 billed 0 against $0.00350 computed; the other 3 differ by +90.9% (computed $0.0105 against billed "
        "$0.00550)"
    )
    assert "+90.9%" in text


def test_a_billed_zero_on_a_zero_cost_is_ok(tmp_path):
    _, document = _run(str(_litellm(tmp_path, [(0, 0, 0, T)])), "-m", "gpt-4o")
    assert document["actual"][0]["reconcile"] == "ok (within 1%)"


def test_a_negative_billed_amount_is_left_out_counted_and_located(tmp_path):
    log = _litellm(tmp_path, [("0.0035", 1000, 100, T), (-1, 1000, 100, T)])
    text, document = _run(str(log), "-m", "gpt-4o")
    [row] = document["actual"]
    assert Decimal(row["billed_cost"]) == Decimal("0.0035")
    assert Decimal(document["actual_total"]["billed_cost"]) == Decimal("0.0035")
    assert document["actual_total"]["billed_negative_records"] == 1
    assert document["records"]["billed_negative"] == 1
    assert document["records"]["billed_negative_at"] == [f"{log}:3"]
    assert row["reconcile"] == (
        "ok (within 1%) on the 1 of 2 records that carry a billed cost (computed $0.00350 on them), "
        "1 negative billed amount(s) left out"
    )
    assert f"1 with a negative billed cost ({log}:3: not a billed amount" in text
    assert "(billed $0.00350 on the 1 of 2 records that carry a billed cost; 1 negative billed" in text
    assert "-$" not in text


def test_a_flagged_row_keeps_its_coverage_and_compares_like_with_like(tmp_path):
    """Two of three records carry a cost, billed 40 % under their computed cost: the verdict is on those two
    and says so in the table (before the explanation's colon), with their computed cost."""
    rows = [("0.0021", 1000, 100, T), ("0.0021", 1000, 100, T), ("", 1000, 100, T)]
    text, document = _run(str(_litellm(tmp_path, rows)), "-m", "gpt-4o")
    [row] = document["actual"]
    head = "computed differs from billed by +66.7% on the 2 of 3 records that carry a billed cost"
    assert row["reconcile"].startswith(head + " (computed $0.00700 on them): ")
    table = text.split("actual total")[0]
    assert head + " (computed $0.00700 on them)" in table


def test_billed_costs_are_converted_with_the_computed_costs_fx():
    args = [str(USAGE / "litellm-spend.csv"), "-m", "gpt-4o", "--currency", "CNY", "--fx", "CNY=7"]
    text, document = _run(*args)
    [row] = document["actual"]
    assert Decimal(row["billed_cost"]) == Decimal("0.0055") * 7
    assert row["billed_currency"] == "CNY" and row["billed_as_logged"] == {"USD": "0.0055000000"}
    assert row["reconcile"] == "ok (within 1%)"
    assert "(billed 0.0385 CNY)" in text and "$0.00550" not in text
    assert any(a.startswith("converted to CNY") for a in document["assumptions"])


def test_reconciliation_does_not_depend_on_the_display_currency():
    log = str(USAGE / "openrouter-generations.jsonl")
    usd = replay(log, [])
    eur = replay(log, [], currency="EUR", fx={"EUR": "0.9"})
    assert [r["reconcile"] for r in eur["actual"]] == [r["reconcile"] for r in usd["actual"]]
    for a, b in zip(usd["actual"], eur["actual"], strict=True):
        assert Decimal(b["billed_cost"]) == Decimal(a["billed_cost"]) * Decimal("0.9")


def test_report_replay_reconciles_in_the_workloads_currency(tmp_path):
    """support-zh budgets in CNY: the LiteLLM log's USD spend is converted at the report's own rate."""
    out = tmp_path / "report.md"
    args = ["report", str(USAGE.parent / "workloads" / "support-zh.yaml"), "--out", str(out)]
    args += ["--replay", str(USAGE / "litellm-spend.csv"), "--fx", "CNY=7"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    section = out.read_text(encoding="utf-8").split("## Replay of real usage")[1]
    assert "| gpt-4o | 2 | 0.0385 CNY | 0.0385 CNY | ok (within 1%) |" in section
    assert "differs" not in section


def test_web_searches_are_counted_and_said_not_priced():
    text, document = _run(str(USAGE / "anthropic-usage-report.json"), "-m", "gpt-4o")
    [row] = document["actual"]
    assert row["server_tool_requests"] == {"web_search_requests": 12}
    note = "12 web search request(s) not priced: no price sheet has a per-use price"
    assert any(n.startswith(note) for n in row["notes"])
    assert f"claude-sonnet-4.5 (as logged): {note}" in text


def test_a_messages_response_counts_its_web_searches_and_fetches(tmp_path):
    usage = {"input_tokens": 10, "output_tokens": 5, "server_tool_use": {"web_search_requests": 2}}
    lines = [
        {"ts": T, "type": "message", "model": "claude-sonnet-4-5", "usage": usage},
        {
            "ts": T,
            "type": "message",
            "model": "claude-sonnet-4-5",
            "usage": {**usage, "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 3}},
        },
    ]
    log = tmp_path / "messages.jsonl"
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    [row] = replay(str(log), [])["actual"]
    assert row["server_tool_requests"] == {"web_search_requests": 3, "web_fetch_requests": 3}


def _shifted_usage_api(tmp_path: Path, seconds: int) -> Path:
    page = json.loads((USAGE / "openai-usage-api.json").read_text(encoding="utf-8"))
    for bucket in page["data"]:
        bucket["start_time"] += seconds
        bucket["end_time"] += seconds
    path = tmp_path / f"usage-{seconds}.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


def test_a_daily_bucket_is_priced_at_standard_rates_wherever_it_starts(tmp_path):
    """A day's bucket has no time of day: its start (00:00 or 02:00) must not pick DeepSeek's off-peak rate."""
    docs = [
        replay(str(_shifted_usage_api(tmp_path, s)), ["deepseek-v4.1-flash"]) for s in (0, 7200, 12 * 3600)
    ]
    costs = {d["candidates"][0]["cost"] for d in docs}
    assert len(costs) == 1
    assert {d["period"]["days"] for d in docs} == {2}
    assert {d["actual_total"]["monthly_cost"] for d in docs} == {docs[0]["actual_total"]["monthly_cost"]}
    notes = docs[1]["candidates"][0]["notes"]
    assert any(n.startswith("usage-report buckets spanning a price window's edge") for n in notes)
    assert not any("off-peak rates" in n for n in notes)


def _hourly(tmp_path: Path, start: int, name: str) -> str:
    """An OpenAI usage page of one one-hour bucket starting ``start`` seconds into 2024-12-04 (UTC)."""
    day = 1733270400
    result = {
        "object": "organization.usage.completions.result",
        "model": "gpt-4o",
        "num_model_requests": 10,
        "input_tokens": 100000,
        "output_tokens": 10000,
    }
    bucket = {
        "object": "bucket",
        "start_time": day + start,
        "end_time": day + start + 3600,
        "results": [result],
    }
    path = tmp_path / name
    path.write_text(json.dumps({"object": "page", "data": [bucket]}), encoding="utf-8")
    return str(path)


def test_an_hourly_bucket_inside_a_window_takes_its_rate_and_one_across_an_edge_does_not(tmp_path):
    """deepseek-v4.1-flash is off-peak 10:00-01:00 and 04:00-06:00 UTC."""
    inside = replay(_hourly(tmp_path, 11 * 3600, "in.json"), ["deepseek-v4.1-flash"])["candidates"][0]
    peak = replay(_hourly(tmp_path, 2 * 3600, "peak.json"), ["deepseek-v4.1-flash"])["candidates"][0]
    across = replay(_hourly(tmp_path, 1800, "across.json"), ["deepseek-v4.1-flash"])["candidates"][0]
    assert any("off-peak rates" in n for n in inside["notes"])
    assert Decimal(inside["cost"]) < Decimal(peak["cost"]) == Decimal(across["cost"])
    assert any(n.startswith("usage-report buckets spanning") for n in across["notes"])
    assert not any(n.startswith("usage-report buckets spanning") for n in peak["notes"])


def test_the_period_is_elapsed_time_at_least_a_day(tmp_path):
    """Two requests two minutes apart across midnight are one day of traffic, not two."""
    log = _litellm(
        tmp_path, [(0.0035, 1000, 100, "2025-12-04T23:59:00Z"), (0.0035, 1000, 100, "2025-12-05T00:01:00Z")]
    )
    text, document = _run(str(log), "-m", "gpt-4o")
    assert document["period"]["days"] == 1 and document["period"]["elapsed_seconds"] == 120
    assert Decimal(document["actual_total"]["monthly_cost"]) == Decimal("0.007") * Decimal("30.4375")
    assert "(2m 00s elapsed, counted as 1 day)" in text
    longer = _litellm(
        tmp_path, [(0.0035, 1000, 100, T), (0.0035, 1000, 100, "2025-12-05T22:00:00Z")], "b.csv"
    )
    _, document = _run(str(longer), "-m", "gpt-4o")
    assert document["period"]["days"] == 1.5


def test_negative_and_zero_billed_amounts_merge_alike_on_partitions(tmp_path, monkeypatch):
    """The engine's new billed state survives partitions: the local engine's document equals one read's."""
    from tokencost.replay import partitions

    monkeypatch.setattr(partitions, "PARTITION_BYTES", 2048)
    rows = []
    for i in range(120):
        spend = (-1, 0, "0.0035")[i % 3]
        rows.append(
            {
                "request_id": f"r{i}",
                "spend": spend,
                "prompt_tokens": 1000,
                "completion_tokens": 100,
                "startTime": f"2025-12-04T{i % 24:02d}:00:00Z",
                "model": "gpt-4o",
                "custom_llm_provider": "openai",
            }
        )
    log = tmp_path / "spend.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    one = replay(str(log), ["gpt-4o"])
    parts = replay(str(log), ["gpt-4o"], engine="local", jobs=1)
    assert json.dumps(parts) == json.dumps(one)
    assert one["records"]["billed_negative"] == 40 and len(one["records"]["billed_negative_at"]) == 3
    assert one["records"]["billed_negative_at"][2] == f"{log}:7"


@pytest.mark.parametrize(
    "start,end,expected", [(11, 12, "off-peak"), (2, 3, None), (0.5, 1.5, "(spans windows)")]
)
def test_window_for_a_bucket(start, end, expected):
    import datetime as dt

    from tokencost.pricing.catalog import load_catalog
    from tokencost.replay.billing import window_for

    card = load_catalog().entries["deepseek-v4.1-flash"].model.prices
    day = dt.datetime(2025, 12, 4, tzinfo=dt.timezone.utc)
    at, until = day + dt.timedelta(hours=start), day + dt.timedelta(hours=end)
    assert window_for(card, at, until) == expected
    assert window_for(card, at) == (None if start == 2 else "off-peak")
