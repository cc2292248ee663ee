"""What a fresh-eyes user test of ``tokencost replay`` found (2026-12-05), each as the behaviour it expected:
the user's tokenizer setup is an input error as in ``count``; a re-tokenised chat carries the range
``count --messages`` gives it; retired candidates are said; replay and plan bill reasoning by one rule and the
emitted workload says which prices replay used; a usage report without request counts is named; an empty
report bucket is part of the period; one note per cache-write fallback."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_sheet
from tokencost import tokenizers
from tokencost.cli import cli
from tokencost.costing.engine import rate_for
from tokencost.replay import translate
from tokencost.replay.engine import NO_REASONING_NOTE

EXAMPLES = Path(__file__).parent.parent / "examples" / "usage"


def run(*args: str):
    return CliRunner().invoke(cli, ["replay", *args])


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def fresh_counters(monkeypatch):
    """Counters built for this test only (tokenizers and replay's memo keep one per family)."""
    monkeypatch.setattr(tokenizers, "_COUNTERS", {})
    translate.counter.cache_clear()
    yield
    translate.counter.cache_clear()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_wrong_gemma_file_is_an_input_error_not_a_note_and_no_candidate_loses_its_text(
    tmp_path, monkeypatch, fresh_counters, jobs
):
    garbage = tmp_path / "garb.json"
    garbage.write_text("garbage", encoding="utf-8")
    monkeypatch.setenv("TOKENCOST_GEMMA3_TOKENIZER", str(garbage))
    log = str(EXAMPLES / "pairs.jsonl")
    result = run(log, "-m", "gemini-2.5-flash", "-m", "gpt-4o", "--jobs", jobs)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "not Gemma 3's tokenizer.json" in errors[0]
    assert "Traceback" not in result.output
    monkeypatch.delenv("TOKENCOST_GEMMA3_TOKENIZER")
    tokenizers._COUNTERS.clear()
    translate.counter.cache_clear()
    rows = {row["model"]: row for row in _json(run(log, "-m", "gpt-4o", "--format", "json"))["candidates"]}
    assert rows["gpt-4o"]["records_by_method"] == {"retokenized": 3}


CHAT = {
    "model": "gpt-4o",
    "messages": [
        {"role": "system", "content": "You are a helpful travel agent."},
        {"role": "user", "content": "Find me a flight from Paris to Tokyo next Friday, economy."},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "search_flights",
                "description": "Search flights",
                "parameters": {
                    "type": "object",
                    "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
                    "required": ["from", "to"],
                },
            },
        }
    ],
}


def test_a_retokenised_request_carries_the_range_count_messages_gives_it(tmp_path):
    response = {
        "id": "chatcmpl-p1",
        "object": "chat.completion",
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
        "usage": {"prompt_tokens": 70, "completion_tokens": 1, "total_tokens": 71},
    }
    log = tmp_path / "pt.jsonl"
    log.write_text(json.dumps({"ts": "2025-12-04T10:00:00Z", "request": CHAT, "response": response}) + "\n")
    request = tmp_path / "req.json"
    request.write_text(json.dumps(CHAT), encoding="utf-8")
    models = ("-m", "deepseek-v3.2", "-m", "claude-sonnet-4.5")
    counted = CliRunner().invoke(cli, ["count", "--messages", str(request), *models, "--format", "json"])
    assert counted.exit_code == 0, counted.output
    count = {row["model"]: row for row in json.loads(counted.stdout)["results"]}["deepseek-v3.2"]
    assert count["exact"] and count["low"] < count["tokens"] < count["high"]  # exact, framing +-N%
    # the reply "ok" is one token on both: estimate with one output token prices the same request
    flags = ("--output-tokens", "1", "--at", "2025-12-04", "--format", "json")
    estimated = CliRunner().invoke(cli, ["estimate", "--messages", str(request), *models, *flags])
    assert estimated.exit_code == 0, estimated.output
    estimate = {row["model"]: row for row in json.loads(estimated.stdout)["rows"]}
    rows = {row["model"]: row for row in _json(run(str(log), *models, "--format", "json"))["candidates"]}
    deepseek, expected = rows["deepseek-v3.2"], estimate["deepseek-v3.2"]
    assert deepseek["input_tokens"] == count["tokens"] == expected["input_tokens"]
    assert (count["low"], count["high"]) == (expected["input_tokens_low"], expected["input_tokens_high"])
    assert deepseek["cost_low"] < deepseek["cost"] < deepseek["cost_high"]  # was exact: low == high
    for mine, theirs in (("cost", "total"), ("cost_low", "cost_low"), ("cost_high", "cost_high")):
        assert Decimal(deepseek[mine]) == Decimal(expected[theirs])
    # an estimate: the framing's error (wider than its text's bounds) below; above, the reply's own range
    claude, expected = rows["claude-sonnet-4.5"], estimate["claude-sonnet-4.5"]
    for mine, theirs in (("cost", "total"), ("cost_low", "cost_low")):
        assert Decimal(claude[mine]) == Decimal(expected[theirs])


SHEET = """
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-flash
        tokenizer: o200k_base
        context_window: 1000000
        history:
          - {input: 2, output: 2}
        prices: {effective_from: 2026-06-01, input: 1, output: 1}
        scheduled:
          - {effective_from: 2099-01-01, input: 3, output: 3}
      - id: acme-old
        tokenizer: o200k_base
        context_window: 1000000
        deprecated: 2026-11-07
        successor: acme-flash
        prices: {input: 0.5, output: 0.5}
      - id: acme-later
        tokenizer: o200k_base
        context_window: 1000000
        deprecated: 2099-03-01
        prices: {input: 0.7, output: 0.7}
      - id: acme-think
        tokenizer: o200k_base
        context_window: 1000000
        capabilities: [reasoning]
        prices: {input: 1, output: 4}
      - id: acme-plain
        tokenizer: o200k_base
        context_window: 1000000
        prices: {input: 1, output: 4}
"""

MAP = "model=llm,input=tokens_in,output=tokens_out,reasoning=tokens_r,time=when"


@pytest.fixture
def acme(tmp_path) -> Path:
    return write_sheet(tmp_path / "sheets", "acme.yaml", SHEET)


def _csv(tmp_path: Path, rows: list[str], name: str = "log.csv") -> str:
    path = tmp_path / name
    path.write_text("when,llm,tokens_in,tokens_out,tokens_r\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_retired_candidates_are_noted_as_estimate_notes_them(tmp_path, acme):
    log = _csv(tmp_path, ["2026-11-01T11:00:00Z,acme-flash,1000000,0,0"])
    args = (log, "--map", MAP, "--pricing", str(acme), "-m", "acme-old", "-m", "acme-later")
    text = run(*args)
    assert text.exit_code == 0, text.output
    assert "acme-old: retired on 2026-11-07; successor acme-flash" in text.output
    rows = {row["model"]: row for row in _json(run(*args, "--format", "json"))["candidates"]}
    assert "retired on 2026-11-07; successor acme-flash" in rows["acme-old"]["notes"]
    assert "retires on 2099-03-01" in rows["acme-later"]["notes"]
    later = _json(run(*args, "--at", "2099-06-01", "--format", "json"))["candidates"]
    assert "retired on 2099-03-01" in {row["model"]: row for row in later}["acme-later"]["notes"]


def test_a_logged_model_that_retires_is_noted_as_a_candidate_is(tmp_path, acme):
    log = _csv(tmp_path, ["2026-11-01T11:00:00Z,acme-old,1000000,0,0"])
    args = (log, "--map", MAP, "--pricing", str(acme), "-m", "acme-flash")
    text = run(*args)
    assert text.exit_code == 0, text.output
    assert "acme-old (as logged): retired on 2026-11-07; successor acme-flash" in text.output
    rows = {row["model"]: row for row in _json(run(*args, "--format", "json"))["actual"]}
    assert "retired on 2026-11-07; successor acme-flash" in rows["acme-old"]["notes"]
    earlier = _json(run(*args, "--at", "2026-11-01", "--format", "json"))["actual"]
    assert "retires on 2026-11-07; successor acme-flash" in earlier[0]["notes"]


def test_the_default_candidates_are_estimates_default_set_on_the_at_day():
    document = _json(run(str(EXAMPLES / "pairs.jsonl"), "--at", "2025-12-04", "--format", "json"))
    estimated = CliRunner().invoke(
        cli,
        ["estimate", str(EXAMPLES.parent / "prompts" / "en.txt"), "--at", "2025-12-04", "--format", "json"],
    )
    assert estimated.exit_code == 0, estimated.output
    expected = {row["model"] for row in json.loads(estimated.stdout)["rows"]}
    assert {row["model"] for row in document["candidates"]} == expected
    assert not [row["model"] for row in document["candidates"] if any("retired" in n for n in row["notes"])]


def test_reasoning_is_billed_only_on_models_that_reason_and_plan_reproduces_the_replay(tmp_path, acme):
    log = _csv(tmp_path, ["2026-12-01T08:00:00Z,acme-think,1000,3000,2000"])
    target = tmp_path / "w.yaml"
    args = (log, "--map", MAP, "--pricing", str(acme), "-m", "acme-think", "-m", "acme-plain")
    document = _json(run(*args, "--emit-workload", str(target), "--format", "json"))
    rows = {row["model"]: row for row in document["candidates"]}
    assert rows["acme-think"]["output_tokens"] == 3000 and rows["acme-plain"]["output_tokens"] == 1000
    assert rows["acme-plain"]["notes"] == [NO_REASONING_NOTE] and not rows["acme-think"]["notes"]
    assert Decimal(rows["acme-plain"]["cost"]) == Decimal("0.005")  # 1,000 in at $1 + 1,000 out at $4
    plan = CliRunner().invoke(cli, ["plan", str(target), "--pricing", str(acme), "--format", "json"])
    assert plan.exit_code == 0, plan.output
    [workload] = json.loads(plan.stdout)["workloads"]
    planned = {row["model"]: Decimal(row["monthly_cost"]) for row in workload["candidates"]}
    for model in ("acme-think", "acme-plain"):
        replayed = Decimal(rows[model]["monthly_cost"])
        assert abs(planned[model] - replayed) / replayed < Decimal("0.01"), model


def test_the_emitted_workload_says_which_prices_replay_used_and_that_plan_prices_from_its_start(
    tmp_path, acme
):
    log = _csv(
        tmp_path, ["2026-05-01T08:00:00Z,acme-flash,1000,10,0", "2026-11-01T08:00:00Z,acme-flash,1000,10,0"]
    )
    target = tmp_path / "w.yaml"
    args = (log, "--map", MAP, "--pricing", str(acme), "-m", "acme-think", "--emit-workload", str(target))
    document = _json(run(*args, "--format", "json"))
    [row] = document["actual"]
    assert row["price_cards"] == [
        {"from": None, "until": "2026-06-01"},
        {"from": "2026-06-01", "until": "2099-01-01"},
    ]
    assert row["later_price_changes"] == ["2099-01-01"]
    text = target.read_text(encoding="utf-8")
    assert "replay priced each record on the card in force on its date" in text
    assert "acme-flash: the card until 2026-06-01, the card of 2026-06-01 to 2099-01-01" in text
    assert "from the plan's start month (this file sets no start" in text
    assert "acme-flash (new prices from 2099-01-01)" in text
    at = run(*args, "--force", "--at", "2026-12-01")
    assert at.exit_code == 0, at.output
    assert "every record on the cards in force on 2026-12-01 (--at)" in target.read_text(encoding="utf-8")


def test_a_logged_reasoning_model_plan_does_not_bill_reasoning_on_is_said(tmp_path, acme):
    log = _csv(tmp_path, ["2026-12-01T08:00:00Z,acme-plain,1000,300,200"])
    target = tmp_path / "w.yaml"
    result = run(
        log, "--map", MAP, "--pricing", str(acme), "-m", "acme-think", "--emit-workload", str(target)
    )
    assert result.exit_code == 0, result.output
    assert (
        "plan bills reasoning only on models whose card lists the reasoning capability" in target.read_text()
    )
    assert "it leaves them out: acme-plain" in target.read_text()


def test_a_usage_report_without_request_counts_says_so_on_emit_workload(tmp_path):
    target = tmp_path / "x.yaml"
    result = run(str(EXAMPLES / "anthropic-usage-report.json"), "--emit-workload", str(target))
    assert result.exit_code == 2
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: --emit-workload: the usage report has no request counts")
    assert "no per-request workload can be written" in error and "no priced requests" not in error
    assert not target.exists()


def _report(buckets: list[list[dict]]) -> dict:
    data = []
    for day, results in enumerate(buckets, start=3):
        start, end = f"2026-11-{day:02d}T00:00:00Z", f"2026-11-{day + 1:02d}T00:00:00Z"
        data.append({"starting_at": start, "ending_at": end, "results": results})
    return {"data": data, "has_more": False, "next_page": None}


def test_an_empty_report_bucket_is_part_of_the_period(tmp_path):
    row = {"model": "claude-sonnet-4-6", "uncached_input_tokens": 1000000, "output_tokens": 0}
    one = tmp_path / "one.json"
    one.write_text(json.dumps(_report([[row]])), encoding="utf-8")
    two = tmp_path / "two.json"
    two.write_text(json.dumps(_report([[row], []])), encoding="utf-8")
    alone = _json(run(str(one), "-m", "gpt-5-mini", "--format", "json"))
    with_empty = _json(run(str(two), "-m", "gpt-5-mini", "--format", "json"))
    assert alone["period"]["days"] == 1 and with_empty["period"]["days"] == 2
    assert with_empty["period"]["end"].startswith("2026-11-05")
    run_rate = Decimal(alone["actual_total"]["monthly_cost"])
    assert Decimal(with_empty["actual_total"]["monthly_cost"]) * 2 == run_rate
    ignored = with_empty["records"]["ignored_at"]
    [places] = [
        places for reason, places in ignored.items() if reason.startswith("empty usage-report bucket")
    ]
    assert places == [f"{two}:1 data[1]"]
    for flags in (("--engine", "local"), ("--until", "2026-11-03")):
        other = _json(run(str(two), "-m", "gpt-5-mini", "--format", "json", *flags))
        assert other["period"]["days"] == (2 if flags[0] == "--engine" else 1)
    text = run(str(two), "-m", "gpt-5-mini")
    assert text.exit_code == 0 and "(2 days elapsed)" in text.output


def test_one_note_for_a_1h_cache_write_on_a_card_without_any_cache_write_price():
    notes: list[str] = []
    rates = {"input": Decimal(1), "cache_write": None, "cache_write_1h": None}
    assert rate_for("cache_write_1h", rates, notes) == (Decimal(1), "input")
    assert rate_for("cache_write", rates, notes) == (Decimal(1), "input")
    assert notes == ["no cache-write price: cache writes billed as input"]
    notes = []
    assert rate_for("cache_write_1h", {"cache_write": Decimal(2)}, notes)[0] == Decimal(2)
    assert notes == ["no 1 h cache-write price: billed at the 5 min cache-write rate"]


def test_replay_and_plan_say_one_cache_write_note_for_gpt_5_mini(tmp_path):
    document = _json(run(str(EXAMPLES / "anthropic-messages.jsonl"), "-m", "gpt-5-mini", "--format", "json"))
    [row] = document["candidates"]
    cache_notes = [note for note in row["notes"] if "cache-write" in note]
    assert cache_notes == ["no cache-write price: cache writes billed as input"]
    workload = tmp_path / "w.yaml"
    workload.write_text(
        textwrap.dedent(
            """\
            version: 1
            candidates: [gpt-5-mini]
            workloads:
              - name: chat
                model: claude-sonnet-4.6
                requests_per_month: 100000
                input_tokens: 5000
                output_tokens: 200
                cache_hit_ratio: 0.8
                cache: {ttl: 1h}
            """
        ),
        encoding="utf-8",
    )
    plan = CliRunner().invoke(cli, ["plan", str(workload), "--format", "json"])
    assert plan.exit_code == 0, plan.output
    [gpt] = [c for c in json.loads(plan.stdout)["workloads"][0]["candidates"] if c["model"] == "gpt-5-mini"]
    assert [note for note in gpt["notes"] if "cache-write" in note] == [
        "no cache-write price: cache writes billed as input"
    ]
