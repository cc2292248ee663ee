"""Vendor accounting quirks replay must read as the vendor bills them: LiteLLM cache hits (never sent to the
provider), the generic reader's mapped provider as the record's host, xAI's reasoning outside
``completion_tokens``, the Usage API's audio counts, Anthropic's long-context report rows and OpenRouter BYOK.
Each fixture is written here from the documented shape; every engine gives the same document."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import tokencost.replay.partitions as partitions
from tokencost.cli import cli
from tokencost.engines.local import LocalEngine
from tokencost.replay import replay


def _write(path: Path, rows: list, jsonl: bool = True) -> str:
    text = "".join(json.dumps(r) + "\n" for r in rows) if jsonl else json.dumps(rows)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _same_on_engines(logs: list[str], models: list[str], monkeypatch, **kwargs) -> dict:
    """The local document, after checking that partitions on worker processes give it byte for byte."""
    local = replay(logs, models, **kwargs)
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 256)
    assert json.dumps(replay(logs, models, engine=LocalEngine(2), **kwargs)) == json.dumps(local)
    return local


def _spend_row(i: int, hit: bool) -> dict:
    return {
        "request_id": f"c{i}",
        "call_type": "acompletion",
        "spend": 0.0 if hit else 0.0035,
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "total_tokens": 1100,
        "startTime": f"2026-11-04T{10 + i:02d}:00:00Z",
        "model": "gpt-4o",
        "custom_llm_provider": "openai",
        "metadata": {},
        "cache_hit": "True" if hit else "False",
    }


def test_litellm_cache_hits_are_counted_apart_and_never_priced(tmp_path, monkeypatch):
    rows = [_spend_row(i, hit=i >= 6) for i in range(10)]
    rows[-1]["cache_hit"] = True  # StandardLoggingPayload writes a bool
    log = _write(tmp_path / "spend.jsonl", rows)
    document = _same_on_engines([log], ["gpt-4o", "gpt-4o-mini"], monkeypatch)
    [row] = document["actual"]
    assert row["requests"] == 6 and row["input_tokens"] == 6000
    assert Decimal(row["computed_cost"]) == Decimal(row["billed_cost"]) == Decimal("0.021")
    assert row["reconcile"].startswith("ok") and "cannot price" not in row["reconcile"]
    [reason] = [r for r in document["records"]["ignored"] if "cache hit" in r]
    assert document["records"]["ignored"][reason] == 4
    assert "never sent to the provider" in reason
    on_4o = next(c for c in document["candidates"] if c["model"] == "gpt-4o")
    assert on_4o["input_tokens"] == 6000  # candidates are not billed for the proxy's cache either
    assert document["period"]["elapsed_seconds"] == 9 * 3600  # the hits' times are traffic: in the period
    result = CliRunner().invoke(cli, ["replay", log, "-m", "gpt-4o"])
    assert result.exit_code == 0, result.output
    assert "LiteLLM cache hit" in result.output and "(4, at" in result.output
    assert "cannot price" not in result.output
    since = replay([log], ["gpt-4o"], since=dt.date(2026, 11, 5))
    assert since["records"]["outside_period"] == 10  # outside the period: counted as filtered, hits too


def test_generic_mapped_provider_is_the_host_its_record_is_priced_on(tmp_path, monkeypatch):
    log = tmp_path / "hosts.csv"
    log.write_text(
        "when,llm,prov,tin,tout\n"
        "2026-11-04T10:00:00Z,openai/gpt-oss-120b,groq,100000,10000\n"
        "2026-11-04T10:00:00Z,openai/gpt-oss-120b,cerebras,100000,10000\n"
        "2026-11-04T11:00:00Z,gpt-4o,,1000,100\n",
        encoding="utf-8",
    )
    mapping = {"model": "llm", "input": "tin", "output": "tout", "time": "when", "provider": "prov"}
    document = _same_on_engines([str(log)], ["gpt-4o"], monkeypatch, source="generic", mapping=mapping)
    hosts = {r["host"]: r["catalog_id"] for r in document["model_ids"]}
    assert hosts == {"groq": "groq/openai/gpt-oss-120b", "cerebras": "cerebras/gpt-oss-120b", None: "gpt-4o"}
    costs = {r["model"]: Decimal(r["computed_cost"]) for r in document["actual"]}
    assert costs["groq/openai/gpt-oss-120b"] != costs["cerebras/gpt-oss-120b"]  # each host's own card
    # the same hosts through LiteLLM's custom_llm_provider: the same cards, the same costs
    rows = [
        {
            "request_id": f"h{i}",
            "spend": 0.01,
            "prompt_tokens": 100000,
            "completion_tokens": 10000,
            "startTime": "2026-11-04T10:00:00Z",
            "model": "openai/gpt-oss-120b",
            "custom_llm_provider": host,
        }
        for i, host in enumerate(("groq", "cerebras"))
    ]
    litellm = replay([_write(tmp_path / "spend.jsonl", rows)], ["gpt-4o"])
    assert {r["model"]: Decimal(r["computed_cost"]) for r in litellm["actual"]} == {
        k: v for k, v in costs.items() if "gpt-oss" in k
    }


def _chat(i: int, model: str, prompt: int, completion: int, reasoning: int, total: int | None) -> dict:
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "prompt_tokens_details": {"text_tokens": prompt, "cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }
    if total is not None:
        usage["total_tokens"] = total
    return {
        "id": f"x{i}",
        "object": "chat.completion",
        "created": 1793786400 + i,
        "model": model,
        "usage": usage,
    }


@pytest.mark.parametrize(
    ("model", "completion", "reasoning", "total", "output"),
    [
        ("grok-4-0709", 200, 1500, 2700, 1700),  # xAI: total = prompt + completion + reasoning
        ("grok-4-0709", 800, 500, 2300, 1300),  # reasoning below completion: the total still tells
        ("grok-4-0709", 800, 500, None, 1300),  # no total: xAI's model says its accounting
        ("some-host/reasoner", 200, 1500, 2700, 1700),  # any model: the total's arithmetic says it
        ("grok-4-0709", 800, 500, 1800, 800),  # a proxy that reports OpenAI's accounting for grok
        ("o4-mini", 800, 500, 1800, 800),  # OpenAI: reasoning is inside completion_tokens
        ("o4-mini", 800, 500, None, 800),
    ],
)
def test_reasoning_outside_completion_tokens_is_added_to_output(model, completion, reasoning, total, output):
    from tokencost.replay.shapes import is_xai, openai_usage

    usage = _chat(0, model, 1000, completion, reasoning, total)["usage"]
    fields = openai_usage(usage, is_xai(model))
    assert (fields["output_tokens"], fields["reasoning_tokens"]) == (output, reasoning)


def test_xai_log_bills_completion_plus_reasoning(tmp_path, monkeypatch):
    rows = [_chat(1, "grok-4-0709", 1000, 200, 1500, 2700), _chat(2, "grok-4-0709", 1000, 800, 500, 2300)]
    log = _write(tmp_path / "xai.jsonl", rows)
    document = _same_on_engines([log], ["gpt-4o"], monkeypatch)
    assert document["records"]["skipped"] == {}  # "reasoning tokens exceed output tokens" no more
    [row] = document["actual"]
    assert (row["output_tokens"], row["reasoning_tokens"]) == (1700 + 1300, 2000)


def test_usage_api_audio_tokens_are_billed_as_the_per_request_reader_bills_them(tmp_path, monkeypatch):
    result = {
        "object": "organization.usage.completions.result",
        "model": "gpt-audio",
        "batch": False,
        "num_model_requests": 10,
        "input_tokens": 20000,
        "input_cached_tokens": 0,
        "output_tokens": 1000,
        "input_audio_tokens": 10000,
        "output_audio_tokens": 500,
    }
    bucket = {"object": "bucket", "start_time": 1762041600, "end_time": 1762128000, "results": [result]}
    page = tmp_path / "usage.json"
    page.write_text(json.dumps({"object": "page", "has_more": False, "data": [bucket]}), encoding="utf-8")
    usage = {
        "prompt_tokens": 20000,
        "completion_tokens": 1000,
        "prompt_tokens_details": {"audio_tokens": 10000, "cached_tokens": 0},
        "completion_tokens_details": {"audio_tokens": 500},
    }
    response = {"id": "a1", "object": "chat.completion", "created": 1762041700, "model": "gpt-audio"}
    per_request = _write(tmp_path / "responses.jsonl", [{**response, "usage": usage}])
    columns = [k for k in result if k != "object"]
    dashboard = tmp_path / "completions_usage.csv"
    dashboard.write_text(
        "start_time,end_time," + ",".join(columns) + "\n"
        "1762041600,1762128000," + ",".join(str(result[k]).lower() for k in columns) + "\n",
        encoding="utf-8",
    )
    costs = {}
    for name, log in (("page", str(page)), ("csv", str(dashboard)), ("requests", per_request)):
        document = _same_on_engines([log], ["gpt-audio"], monkeypatch)
        [row] = document["actual"]
        costs[name] = Decimal(row["computed_cost"])
    text_only = replay(
        [
            _write(
                tmp_path / "text.jsonl",
                [
                    {
                        **response,
                        "usage": {**usage, "prompt_tokens_details": {}, "completion_tokens_details": {}},
                    }
                ],
            )
        ],
        ["gpt-audio"],
    )
    assert (
        costs["page"] == costs["csv"] == costs["requests"] > Decimal(text_only["actual"][0]["computed_cost"])
    )


def _report_row(window: str | None, uncached: int, **extra) -> dict:
    row = {
        "model": "claude-sonnet-4-5-20250929",
        "service_tier": "standard",
        "uncached_input_tokens": uncached,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 0,
        **extra,
    }
    if window is not None:
        row["context_window"] = window
    return row


def _messages(tmp_path: Path, name: str, count: int, tokens: int) -> str:
    rows = [
        {
            "ts": f"2026-11-03T{i:02d}:00:00Z",
            "id": f"msg_{name}{i}",
            "model": "claude-sonnet-4-5-20250929",
            "usage": {"input_tokens": tokens, "output_tokens": 0},
        }
        for i in range(count)
    ]
    return _write(tmp_path / f"{name}.jsonl", rows)


def _report(tmp_path: Path, name: str, rows: list) -> str:
    bucket = {"starting_at": "2026-11-03T00:00:00Z", "ending_at": "2026-11-04T00:00:00Z", "results": rows}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"data": [bucket], "has_more": False}), encoding="utf-8")
    return str(path)


def _cost(document: dict) -> Decimal:
    [row] = document["actual"]
    return Decimal(row["computed_cost"])


def test_anthropic_report_rows_in_the_long_context_window_bill_its_tier(tmp_path, monkeypatch):
    models = ["claude-sonnet-4.5", "gemini-2.5-pro"]
    long_row = _report(tmp_path, "long", [_report_row("200k-1M", 1_000_000)])
    document = _same_on_engines([long_row], models, monkeypatch)
    # the row says its requests were over 200k: as four 250k requests are billed, not as standard input
    assert _cost(document) == _cost(replay([_messages(tmp_path, "m250", 4, 250_000)], models))
    assert _cost(document) > _cost(replay([_messages(tmp_path, "m100", 10, 100_000)], models))
    assert any("from the window they state" in note for note in document["notes"])
    # with a request count the row's own mean is used when it lies in the stated window
    counted = _report(tmp_path, "counted", [_report_row("200k-1M", 1_000_000, requests=2)])
    assert _cost(replay([counted], models)) == _cost(document)
    # a row that states it or not below 200k: standard rates, as before
    short = replay([_report(tmp_path, "short", [_report_row("0-200k", 1_000_000)])], models)
    plain = replay([_report(tmp_path, "plain", [_report_row(None, 1_000_000)])], models)
    assert _cost(short) == _cost(plain) == _cost(replay([_messages(tmp_path, "m", 10, 100_000)], models))


def test_context_window_ranges_are_read_or_refused():
    from tokencost.replay.record import context_range

    assert context_range("0-200k") == (0, 200_000)
    assert context_range("200k-1M") == (200_000, 1_000_000)
    assert context_range("1.5k-2K") == (1_500, 2_000)
    for bad in (None, "", "200k", "1M-200k", "x-y", "-5-3"):
        assert context_range(bad) is None


def _generation(i: int, byok: bool) -> dict:
    upstream = 0.0028  # gpt-4.1: 1,000 x $2/M + 100 x $8/M
    data = {
        "id": f"gen-{i}",
        "created_at": f"2026-11-04T10:{i:02d}:11+00:00",
        "model": "openai/gpt-4.1",
        "provider_name": "OpenAI",
        "native_tokens_prompt": 1000,
        "native_tokens_completion": 100,
        "native_tokens_reasoning": 0,
        "native_tokens_cached": 0,
        "total_cost": round(upstream * 0.05, 6) if byok else upstream,
        "is_byok": byok,
    }
    if byok:
        data["upstream_inference_cost"] = upstream
    return {"data": data}


def test_openrouter_byok_reconciles_on_the_upstream_cost_and_says_the_fee(tmp_path, monkeypatch):
    chat = {
        "id": "gen-c",
        "object": "chat.completion",
        "created": 1793786400,
        "model": "openai/gpt-4.1",
        "usage": {
            "prompt_tokens": 1000,
            "completion_tokens": 100,
            "cost": 0.00014,
            "is_byok": True,
            "cost_details": {"upstream_inference_cost": 0.0028},
        },
    }
    log = _write(tmp_path / "generations.jsonl", [_generation(1, True), _generation(2, True), chat])
    document = _same_on_engines([log], ["gpt-4o"], monkeypatch)
    [row] = document["actual"]
    assert row["reconcile"].startswith("ok"), row["reconcile"]  # was "+1900% ... stale price sheet"
    assert Decimal(row["billed_cost"]) == Decimal("0.0084")
    assert row["byok_requests"] == 3 and Decimal(row["byok_fee_usd"]) == Decimal("0.00042")
    [note] = [n for n in row["notes"] if "BYOK" in n]
    assert "$0.000420" in note and "billed apart" in note
    plain = replay([_write(tmp_path / "plain.jsonl", [_generation(3, False)])], ["gpt-4o"])
    assert "byok_requests" not in plain["actual"][0] and plain["actual"][0]["reconcile"].startswith("ok")


def test_openrouter_activity_byok_inference_is_the_billed_cost(tmp_path, monkeypatch):
    rows = [
        {
            "date": "2026-11-04",
            "model": "anthropic/claude-sonnet-4.5",
            "model_permaslug": "anthropic/claude-4.5-sonnet-20250929",
            "endpoint_id": "x2",
            "provider_name": "Anthropic",
            "usage": 0.15,
            "byok_usage_inference": 3.0,
            "requests": 10,
            "prompt_tokens": 1_000_000,
            "completion_tokens": 0,
            "reasoning_tokens": 0,
        }
    ]
    path = tmp_path / "activity.json"
    path.write_text(json.dumps({"data": rows}), encoding="utf-8")
    document = _same_on_engines([str(path)], ["gpt-4o"], monkeypatch)
    [row] = document["actual"]
    assert Decimal(row["billed_cost"]) == Decimal("3.0") and row["reconcile"].startswith("ok")
    assert row["byok_requests"] == 10 and Decimal(row["byok_fee_usd"]) == Decimal("0.15")
    result = CliRunner().invoke(cli, ["replay", str(path), "-m", "gpt-4o"])
    assert result.exit_code == 0 and "LiteLLM" not in result.output


def test_a_zero_billed_record_names_its_own_source_not_litellm(tmp_path):
    log = tmp_path / "costs.csv"
    log.write_text("model,in,out,cost\ngpt-4o,1000,100,0\n", encoding="utf-8")
    mapping = {"model": "model", "input": "in", "output": "out", "cost": "cost"}
    [row] = replay([str(log)], ["gpt-4o"], source="generic", mapping=mapping)["actual"]
    assert row["reconcile"].startswith("billed 0") and "LiteLLM" not in row["reconcile"]
    spend = _write(tmp_path / "spend.jsonl", [{**_spend_row(0, hit=False), "spend": 0}])
    [row] = replay([spend], ["gpt-4o"])["actual"]
    assert "LiteLLM logs 0 for a model it cannot price" in row["reconcile"]


@pytest.mark.parametrize(
    ("completion", "total", "output"),
    [(200, 2700, 1700), (800, 2300, 1300), (200, None, 1700), (1300, 2300, 1300), (800, None, 800)],
)
def test_litellm_rows_of_xai_traffic_bill_reasoning_once(tmp_path, completion, total, output):
    row = {
        **_spend_row(0, hit=False),
        "model": "grok-4-0709",
        "custom_llm_provider": "xai",
        "completion_tokens": completion,
        "total_tokens": total,
        "metadata": {
            "additional_usage_values": {
                "completion_tokens_details": {"reasoning_tokens": 1500 if completion == 200 else 500}
            }
        },
    }
    [actual] = replay([_write(tmp_path / "spend.jsonl", [row])], ["gpt-4o"])["actual"]
    assert actual["output_tokens"] == output
