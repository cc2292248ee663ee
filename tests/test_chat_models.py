"""Chats are framed per model, not per tokenizer family: estimate, plan and count --messages frame a GPT-5
request as GPT-5 (not GPT-4o) and a Claude 3 one with Claude 3's tool prompt; replay keeps logged bodies in
their own shape so the chat package converts them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import tokencost
from tokencost.cli import cli
from tokencost.costing.framing_keys import framing_key
from tokencost.replay.requests import to_chat
from tokencost.tokenizers.chat import count_request, parse_request
from tokencost.tokenizers.chat.framing import generation, tool_prompt

TOOLS_CHAT = {
    "messages": [
        {"role": "system", "content": "You answer weather questions."},
        {"role": "user", "content": "What is the weather in Paris today?"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the weather of a city",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            },
        }
    ],
}


def own(model: str, family: str) -> int:
    return count_request(TOOLS_CHAT, family, model=model).tokens


def test_catalog_ids_with_dots_pick_the_vendor_generation():
    assert generation("claude", "claude-opus-4.1") == "anthropic"  # catalog spelling of claude-opus-4-1
    assert generation("claude", "claude-opus-4.5") == "anthropic:4.5"
    assert generation("o200k_base", "gpt-5.4-mini") == "openai:reasoning"
    assert generation("o200k_base", "gpt-4.1") == "openai:chat"
    assert tool_prompt("claude-3.5-haiku", "auto") == tool_prompt("claude-3-5-haiku-20241022", "auto") == 264
    assert framing_key("gpt-4o", "o200k_base") == "o200k_base"
    assert framing_key("gpt-5", "o200k_base") == "o200k_base (openai:reasoning framing)"
    assert framing_key("claude-3-haiku", "claude").startswith("claude (anthropic:3 framing, tool prompt 264/")


def test_claude_3_takes_anthropics_documented_tool_prompt_as_it_is():
    """Claude 3 has its own generation: the Claude 4.0 generation's constants, but the tool prompt is Anthropic's
    per-model table with no fitted correction (the Claude 4.0 correction made Claude 3.5 Haiku 6-12 % low)."""
    assert generation("claude", "claude-3-5-haiku-20241022") == "anthropic:3"
    assert generation("claude", "claude-3.5-haiku") == "anthropic:3"
    assert generation("claude", "claude-sonnet-4-20250514") == "anthropic"
    assert generation("claude", "claude-opus-4.1") == "anthropic"
    plain = {**TOOLS_CHAT, "tools": []}
    haiku_35 = (
        own("claude-3-5-haiku-20241022", "claude")
        - count_request(plain, "claude", model="claude-3-5-haiku-20241022").tokens
    )
    sonnet_40 = (
        own("claude-sonnet-4-20250514", "claude")
        - count_request(plain, "claude", model="claude-sonnet-4-20250514").tokens
    )
    # the same tool list: the documented prompt (264 for 3.5 Haiku, 346 for Sonnet 4) plus its rendering, and on
    # Sonnet 4 the fitted correction (negative) besides
    rendering = haiku_35 - 264
    assert rendering > 0
    assert sonnet_40 < 346 + rendering


def test_estimate_frames_each_model_as_its_generation():
    result = tokencost.estimate(
        TOOLS_CHAT, models=["gpt-4o", "gpt-5", "claude-3-haiku", "claude-sonnet-4.5"], output_tokens=0
    )
    tokens = {row.entry.id: row.input_tokens for row in result.rows}
    assert tokens["gpt-4o"] == own("gpt-4o", "o200k_base")
    assert tokens["gpt-5"] == own("gpt-5", "o200k_base")
    assert tokens["gpt-5"] != tokens["gpt-4o"]
    assert tokens["claude-3-haiku"] == own("claude-3-haiku", "claude")
    assert tokens["claude-sonnet-4.5"] == own("claude-sonnet-4.5", "claude")
    assert tokens["claude-3-haiku"] != tokens["claude-sonnet-4.5"]
    # alone, a model keeps its family's key in the JSON and the same count
    (alone,) = tokencost.estimate(TOOLS_CHAT, models="gpt-5", output_tokens=0).rows
    assert alone.input_tokens == tokens["gpt-5"]
    document = tokencost.estimate(TOOLS_CHAT, models=["gpt-5"], output_tokens=0).to_document()
    assert list(document["token_counts"]) == ["o200k_base"]


def test_count_messages_frames_each_model(tmp_path):
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(TOOLS_CHAT), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["count", "--messages", str(path), "-m", "gpt-4o", "-m", "gpt-5", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["model"]: r for r in json.loads(result.output)["results"]}
    assert rows["gpt-4o"]["tokens"] == own("gpt-4o", "o200k_base")
    assert rows["gpt-5"]["tokens"] == own("gpt-5", "o200k_base")
    assert rows["gpt-5"]["messages"]["basis"] == "fitted:openai:reasoning"


def test_plan_frames_chat_samples_per_candidate(tmp_path):
    (tmp_path / "sample.json").write_text(json.dumps(TOOLS_CHAT), encoding="utf-8")
    (tmp_path / "work.yaml").write_text(
        "workloads:\n  - name: agent\n    model: gpt-4o\n    requests_per_day: 100\n"
        "    messages: sample.json\n    output_tokens: 10\n"
        "candidates: [gpt-4o, gpt-5, claude-3-haiku, claude-sonnet-4.5]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["plan", str(tmp_path / "work.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    (workload,) = json.loads(result.output)["workloads"]
    tokens = {c["model"]: c["input_tokens"] for c in workload["candidates"]}
    expected = {"gpt-4o": "o200k_base", "gpt-5": "o200k_base", "claude-3-haiku": "claude"}
    expected["claude-sonnet-4.5"] = "claude"
    for model, family in expected.items():
        assert float(tokens[model]) == pytest.approx(own(model, family)), model
    assert "o200k_base (openai:reasoning framing)" in workload["tokens_by_family"]


ANTHROPIC_LOGGED = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 100,
    "system": "Be brief.",
    "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"}}],
    "messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"city": "Paris"}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "18C"}]},
    ],
}


def test_replay_keeps_a_logged_body_for_the_chat_package_to_convert():
    kept = to_chat(ANTHROPIC_LOGGED)
    request = parse_request(kept)
    assert request.shape == "anthropic" and request.calls == 1 and request.results == 1
    assert request.tools[0].name == "get_weather"
    # replayed on GPT-4o it is counted as the OpenAI request it would be: tool call, result and tools
    assert count_request(kept, "o200k_base").tokens == count_request(ANTHROPIC_LOGGED, "o200k_base").tokens
    # what the chat package cannot read is still converted leniently (a bare prompt)
    assert to_chat({"prompt": "hello"}) == {"messages": [{"role": "user", "content": "hello"}], "tools": []}


def test_replay_frames_each_candidate_as_its_generation(tmp_path):
    """A logged GPT-4o request with tools, replayed on GPT-4o and GPT-5: each candidate is counted as its
    own generation frames the chat (not as the logged model), alike with worker processes."""
    from tokencost.replay import replay

    body = {"model": "gpt-4o", **TOOLS_CHAT}
    response = {
        "id": "c1",
        "object": "chat.completion",
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Sunny."}}],
        "usage": {"prompt_tokens": 60, "completion_tokens": 2, "total_tokens": 62},
    }
    log = tmp_path / "pairs.jsonl"
    log.write_text(
        json.dumps({"ts": "2025-12-04T10:00:00Z", "request": body, "response": response}) + "\n",
        encoding="utf-8",
    )
    serial = replay(str(log), ["gpt-4o", "gpt-5"])
    tokens = {c["model"]: c["input_tokens"] for c in serial["candidates"]}
    assert tokens["gpt-4o"] == own("gpt-4o", "o200k_base")
    assert tokens["gpt-5"] == own("gpt-5", "o200k_base") != tokens["gpt-4o"]
    parallel = replay(str(log), ["gpt-4o", "gpt-5"], jobs=2)
    assert {c["model"]: c["input_tokens"] for c in parallel["candidates"]} == tokens


def test_plan_scales_output_by_the_text_not_by_the_framing(tmp_path):
    """Output tokens given in one tokenizer scale to another by the sample's text alone: GPT-5 (same
    tokenizer as GPT-4o) keeps them, and Claude's tool prompt does not make its replies longer."""
    from decimal import Decimal

    from tokencost.planner.plan import plan_file
    from tokencost.tokenizers.messages import count_requests, parse_requests

    (tmp_path / "sample.json").write_text(json.dumps(TOOLS_CHAT), encoding="utf-8")
    (tmp_path / "work.yaml").write_text(
        "workloads:\n  - name: agent\n    model: gpt-4o\n    requests_per_day: 100\n"
        "    messages: sample.json\n    output_tokens: 100\n"
        "candidates: [gpt-4o, gpt-5, claude-3-haiku, claude-sonnet-4.5]\n",
        encoding="utf-8",
    )
    (workload,) = plan_file(tmp_path / "work.yaml").workloads
    tokens = workload.by_family
    assert tokens["o200k_base"].output == tokens["o200k_base (openai:reasoning framing)"].output == 100
    requests = parse_requests(json.dumps(TOOLS_CHAT), "sample")
    from tokencost.tokenizers import get_counter

    text = {f: count_requests(requests, f, get_counter(f).count).content for f in ("o200k_base", "claude")}
    expected = Decimal(100) * text["claude"] / text["o200k_base"]
    assert tokens["claude"].output == expected
    assert tokens["claude (anthropic:3 framing, tool prompt 264/340 tokens)"].output == expected
    assert tokens["claude"].output < 2 * 100  # not the ~10x the whole request's ratio gave


def test_claude_opus_4_7_and_later_are_their_own_tokenizer_generation():
    """Opus 4.7 introduced a tokenizer that makes more tokens of the same text: the recorded Opus 4.7/4.8/5 and
    Fable 5 calls bill ~1.46x the claude estimate's text. The catalog counts them with ``claude-4.7``, whose
    only framing generation is ``anthropic:4.7``; Sonnet 5 billed like Sonnet 4.6 (not moved)."""
    from tokencost.tokenizers import family_for_model

    for model in (
        "claude-opus-4.7",
        "claude-opus-4-8",
        "claude-opus-5",
        "anthropic/claude-opus-4.8",
        "claude-fable-5",
    ):
        assert family_for_model(model) == "claude-4.7", model
        assert generation(family_for_model(model), model) == "anthropic:4.7", model
    for model in ("claude-opus-4.6", "claude-sonnet-4.6", "claude-sonnet-5", "claude-haiku-4.5"):
        assert family_for_model(model) == "claude", model
        assert generation("claude", model) == "anthropic:4.5", model
    assert (
        generation("claude-4.7", None) == "anthropic:4.7"
    )  # the family is the tokenizer, whatever the model
    text = "Fact 0001: workspace file 1 has revision 1, owner 1, and status verified.\n" * 40
    request = {"system": "Be brief.", "messages": [{"role": "user", "content": text}]}
    newer = count_request(parse_request(request), "claude-4.7", model="claude-opus-4.8")
    older = count_request(parse_request(request), "claude", model="claude-opus-4.6")
    assert 1.35 < newer.tokens / older.tokens < 1.55
    assert newer.basis == "fitted:anthropic:4.7"
    # its band is the fit set's spread over every kind (no held-out recording of this generation exists)
    assert newer.error >= 0.1 * newer.tokens


GEMINI_TOOLS = {
    "contents": [{"role": "user", "parts": [{"text": "What is the weather in Paris today?"}]}],
    "tools": [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Current weather for a city, in degrees Celsius.",
                    "parameters": {
                        "type": "OBJECT",
                        "properties": {"city": {"type": "STRING", "description": "City name"}},
                        "required": ["city"],
                    },
                }
            ]
        }
    ],
}


def test_gemini_2_0_bills_a_fraction_of_the_tool_declarations():
    """Gemini 2.0 bills about 0.4x the compact declarations (recorded), later models about all of them: each
    generation is framed (and kept apart in replay and estimate) as its own."""
    assert generation("gemini", "gemini-2.0-flash") == generation("gemini", "models/gemini-2.0-flash-001")
    assert generation("gemini", "gemini-2.0-flash") == "gemini:2.0"
    assert generation("gemini", "gemini-1.5-flash") == "gemini:2.0"  # 1.x frames as 2.0 (measured)
    assert generation("gemini", "gemini-2.5-flash") == "gemini"
    assert (
        generation("gemini", "gemini-3-pro-preview") == generation("gemini", "gemini-3.5-flash") == "gemini:3"
    )
    request = parse_request(GEMINI_TOOLS)
    older = count_request(request, "gemini", model="gemini-2.0-flash")
    newer = count_request(request, "gemini", model="gemini-2.5-flash")
    assert older.tools < 0.6 * newer.tools and older.basis == "fitted:gemini:2.0"
    assert framing_key("gemini-2.0-flash", "gemini") == "gemini (gemini:2.0 framing)"
    assert framing_key("gemini-2.5-flash", "gemini") == "gemini"
    assert framing_key("gemini-3.8-flash", "gemini") == "gemini (gemini:3 framing)"


def test_count_says_a_claude_opus_4_8_chat_is_framed_with_the_newer_tokenizer_factor(tmp_path):
    path = tmp_path / "req.json"
    path.write_text(json.dumps({"system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}]}))
    args = ["count", "--messages", str(path), "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--model", "claude-opus-4.8"])
    assert result.exit_code == 0, result.output
    method = json.loads(result.stdout)["method"]
    assert "chat framed as anthropic:4.7: Claude Opus 4.7 and later" in method and "factor" in method
    older = CliRunner().invoke(cli, [*args, "--model", "claude-sonnet-4.5"])
    assert "chat framed as" not in json.loads(older.stdout)["method"]


def test_count_says_a_gemini_3_chat_is_framed_with_gemmas_declaration_format(tmp_path):
    declaration = {"name": "get_weather", "description": "Weather.", "parameters": {"type": "object"}}
    request = {
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
        "tools": [{"functionDeclarations": [declaration]}],
    }
    path = tmp_path / "req.json"
    path.write_text(json.dumps(request))
    args = ["count", "--messages", str(path), "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--model", "gemini-3.8-flash"])
    assert result.exit_code == 0, result.output
    assert "chat framed as gemini:3: Gemini 3 and later" in json.loads(result.stdout)["method"]
    older = CliRunner().invoke(cli, [*args, "--model", "gemini-2.0-flash"])
    assert "chat framed as gemini:2.0: Gemini 1.x and 2.0" in json.loads(older.stdout)["method"]
