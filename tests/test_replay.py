"""Replay pricing: actual cost at the price in force on each record's date, per-request tiers, batch rates,
reconciliation with billed cost, candidates re-tokenised or converted with a band, unknown models listed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.errors import InputError
from tokencost.replay import replay
from tokencost.replay.requests import count_chat_range, parsed
from tokencost.replay.translate import counter

FIXTURES = Path(__file__).parent / "fixtures" / "replay"


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(path)


def anthropic(model: str, ts: str, uncached: int, output: int, read: int = 0, write: int = 0) -> dict:
    usage = {
        "input_tokens": uncached,
        "cache_read_input_tokens": read,
        "cache_creation_input_tokens": write,
        "output_tokens": output,
    }
    return {"ts": ts, "type": "message", "model": model, "content": [], "usage": usage}


def row(document: dict, model: str) -> dict:
    return next(r for r in document["actual"] if r["model"] == model)


def cand(document: dict, model: str) -> dict:
    return next(r for r in document["candidates"] if r["model"] == model)


def test_anthropic_cache_priced_like_genai_prices():
    """genai-prices prices {input 50, cache write 2000 (5m), cache read 8000, output 400} on
    claude-sonnet-4.5 at $0.01605 (3, 3.75, 0.30 and 15 per MTok)."""
    document = replay(str(FIXTURES / "litellm-spend.json"), ["gpt-4o-mini"])
    sonnet = row(document, "claude-sonnet-4.5")
    assert Decimal(sonnet["computed_cost"]) == Decimal("0.01605")
    assert sonnet["billed_cost"] == "0.0160500000" and sonnet["reconcile"].startswith("ok")
    assert sonnet["cached_input_tokens"] == 8000 and sonnet["cache_write_tokens"] == 2000
    assert document["schema"] == "tokencost.replay/1"
    assert document["records"]["skipped"] == {"error response": 1}


def test_reconcile_flags_more_than_one_percent():
    """OpenRouter's generation record has no cache-write count: the recomputed cost falls short of the billed
    one by more than 1 %, and the row says so."""
    document = replay(str(FIXTURES / "openrouter-generations.jsonl"), ["gpt-4o-mini"])
    flagged = [r for r in document["actual"] if r["reconcile"] and "differs" in r["reconcile"]]
    assert flagged and all(r["billed_cost"] for r in flagged)


def test_price_history_and_per_request_tiers(tmp_path):
    """claude-opus-4.6 billed prompts over 200k at long-context rates until 2026-03-13: one 250k request on
    2026-02-20 pays the tier on the whole request, the same request on 2026-04-01 does not, and a 100k
    request never does (tiers per request, not on the summed 350k)."""
    log = write_jsonl(
        tmp_path / "opus.jsonl",
        [
            anthropic("claude-opus-4-6", "2026-02-20T10:00:00Z", 250_000, 1000),
            anthropic("claude-opus-4-6", "2026-02-20T11:00:00Z", 100_000, 1000),
            anthropic("claude-opus-4-6", "2026-04-01T10:00:00Z", 250_000, 1000),
        ],
    )
    document = replay(log, ["claude-opus-4.6"])
    expected = (
        Decimal(250_000) * 10
        + 1000 * Decimal("37.5")  # history card, long-context tier
        + Decimal(100_000) * 5
        + 1000 * 25  # history card, below the tier
        + Decimal(250_000) * 5
        + 1000 * 25  # current flat card
    ) / 1_000_000
    assert Decimal(row(document, "claude-opus-4.6")["computed_cost"]) == expected
    assert document["period"]["days"] == 40  # elapsed: 02-20 10:00 to 04-01 10:00
    same = cand(document, "claude-opus-4.6")
    assert same["tokens_method"] == "logged" and Decimal(same["cost"]) == expected
    assert same["vs_actual"] == "1.00"


def test_batch_records_at_batch_rates():
    document = replay(str(FIXTURES / "openai-usage-page.json"), ["gpt-4o-mini"])
    mini = row(document, "gpt-4o-mini")
    assert (
        Decimal(mini["computed_cost"]) == (800_000 * Decimal("0.075") + 60_000 * Decimal("0.3")) / 1_000_000
    )


def test_retokenized_candidate_equals_count_messages(tmp_path):
    """Pairs hold the request: each candidate counts it with its own tokenizer and chat framing, the same
    number ``tokencost count --messages`` gives for those requests."""
    document = replay(str(FIXTURES / "pairs.jsonl"), ["gpt-4.1-mini"])
    mini = cand(document, "gpt-4.1-mini")
    assert mini["tokens_method"] == "retokenized"
    requests = tmp_path / "requests.jsonl"
    lines = [json.loads(line) for line in (FIXTURES / "pairs.jsonl").read_text().splitlines()]
    from tokencost.replay.requests import to_chat

    chats = [
        to_chat(line["request"])
        for line in lines
        if "usage" in line["response"] or "usageMetadata" in line["response"]
    ]
    requests.write_text("".join(json.dumps(c) + "\n" for c in chats))
    result = CliRunner().invoke(
        cli, ["count", str(requests), "--messages", "--tokenizer", "o200k_base", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    counted = json.loads(result.output)
    assert counted["messages"]["requests"] == 3
    assert mini["input_tokens"] == counted["tokens"]


def test_converted_candidate_carries_a_band():
    document = replay(str(FIXTURES / "openai-usage-page.json"), ["deepseek-v3.2", "gpt-4o"])
    deepseek = cand(document, "deepseek-v3.2")
    assert deepseek["tokens_method"] == "converted"
    assert Decimal(deepseek["cost_low"]) < Decimal(deepseek["cost"]) < Decimal(deepseek["cost_high"])
    same = cand(document, "gpt-4o")
    assert same["tokens_method"] == "logged" and same["cost_low"] == same["cost_high"]


def test_unknown_model_listed_with_suggestions_never_priced():
    document = replay(
        str(FIXTURES / "generic.csv"),
        ["gpt-4o-mini"],
        source="generic",
        mapping="model=llm,input=tokens_in,cached=tokens_cached,output=tokens_out,time=when,tag.team=team",
        group_by="tag:team",
    )
    [unknown] = document["unknown_models"]
    assert unknown["model"] == "gpt-9-turbo" and unknown["suggestions"]
    assert all(r["model"] != "gpt-9-turbo" for r in document["actual"])
    assert document["records"] == {**document["records"], "read": 4, "priced": 3, "unknown_model": 1}
    assert {g["group"] for g in document["groups"]} == {"search", "support"}


def test_cached_input_stays_cached_and_missing_cache_price_is_noted():
    document = replay(str(FIXTURES / "anthropic-messages.jsonl"), ["deepseek-v3.2", "claude-sonnet-4.5"])
    assert cand(document, "claude-sonnet-4.5")["tokens_method"] == "logged"
    group = next(g for g in document["groups"] if g["group"] == "claude-sonnet-4.5")
    assert group["actual"] == group["claude-sonnet-4.5"]  # the same traffic on the same model: same cost
    assert any("cache" in note for note in cand(document, "deepseek-v3.2")["notes"])


def test_period_unknown_without_times():
    document = replay(str(FIXTURES / "anthropic-usage-report.json"), ["gpt-4o"])
    assert document["period"]["days"] == 1
    untimed = replay(str(FIXTURES / "openai-batch-output.jsonl"), ["gpt-4o"])
    assert untimed["period"]["days"] == 1  # created timestamps from the response bodies


def test_uncountable_request_text_falls_back_to_conversion(tmp_path):
    bad = {"role": "user", "content": [{"type": "text", "text": 5}]}
    log = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            {
                "request": {"model": "gpt-4o", "messages": [bad]},
                "response": {
                    "object": "chat.completion",
                    "model": "gpt-4o",
                    "usage": {"prompt_tokens": 10, "completion_tokens": 2},
                },
            }
        ],
    )
    document = replay(log, ["deepseek-v3.2"])
    assert cand(document, "deepseek-v3.2")["tokens_method"] == "converted"
    assert any("not countable" in note for note in document["notes"])


def test_no_timestamps_means_no_run_rate(tmp_path):
    message = anthropic("claude-haiku-4-5", "", 100, 10)
    del message["ts"]
    document = replay(write_jsonl(tmp_path / "m.jsonl", [message]), ["gpt-4o"])
    assert document["period"]["days"] is None and document["actual_total"]["monthly_cost"] is None
    assert all(c["monthly_cost"] is None for c in document["candidates"])


def test_price_volumes_prices_cache_writes_like_the_engine():
    """The shared pricing step keeps cache writes at their own rates (5 min and 1 h), as price_usage does."""
    from tokencost.costing.engine import Usage, price_usage
    from tokencost.costing.volumes import Volumes, price_volumes
    from tokencost.pricing.catalog import load_catalog

    entry = load_catalog().get("claude-sonnet-4.5")
    volumes = Volumes(
        input=10050,
        cached=8000,
        output=400,
        reasoning=0,
        traffic=((None, 3),),
        cache_write=1500,
        cache_write_1h=500,
    )
    [cost] = price_volumes([entry], {entry.model.tokenizer: volumes})
    usage = Usage(
        input_tokens=10050,
        cache_read_tokens=8000,
        cache_write_tokens=1500,
        cache_write_1h_tokens=500,
        output_tokens=400,
        requests=3,
    )
    assert cost.total == price_usage(entry.model.prices, usage, entry.currency).total
    assert (
        cost.total
        == 3
        * (Decimal(50) * 3 + 1500 * Decimal("3.75") + 500 * 6 + 8000 * Decimal("0.3") + 400 * 15)
        / 1_000_000
    )


def test_memo_counter_counts_repeated_texts_once_and_stays_bounded(monkeypatch):
    from tokencost.replay.translate import MemoCounter

    calls = []

    class Inner:
        family, exact, error_band = "o200k_base", True, None

        def count_range(self, text):
            calls.append(text)
            return len(text), len(text), len(text)

    memo = MemoCounter(Inner())
    monkeypatch.setattr(MemoCounter, "LIMIT", 3)
    assert [memo.count("system prompt") for _ in range(5)] == [13] * 5 and len(calls) == 1
    for text in ("a", "bb", "ccc", "dddd"):
        memo.count(text)
    assert len(memo._counts) <= 3  # bounded


def test_a_logged_body_is_parsed_once_for_all_candidates_and_a_bad_one_is_not_remembered():
    """Every candidate of a record counts the same body: it is parsed once (the Request is frozen)."""
    body = {"messages": [{"role": "user", "content": "What is the capital of France?"}]}
    first = parsed(body)
    assert parsed(body) is first
    twin = {"messages": [{"role": "user", "content": "What is the capital of France?"}]}
    assert parsed(twin) is not first and parsed(twin) == first
    bad = {"messages": [{"role": "user", "content": 5}]}
    for _ in range(2):  # the failure is raised each time, never a stale Request
        with pytest.raises(InputError):
            parsed(bad)
    assert count_chat_range(body, "o200k_base", counter("o200k_base"), "gpt-4o")[0] == 14
