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
