"""Claude Opus 4.7 and later, Fable (issue 20): their own estimate family ``claude-4.7``, the claude estimate times
the newer tokenizer's factor measured on billed requests, so that plain text (count, estimate, the planner's
samples) counts as their chats always did; chats count as before (the framing no longer applies the factor)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.families import CLAUDE_47_MODELS, FAMILIES
from tokencost.tokenizers import count_tokens, estimator, family_for_model, get_counter
from tokencost.tokenizers.chat import count_request
from tokencost.tokenizers.chat.framing import constants

ROOT = Path(__file__).resolve().parents[1]
EN = (ROOT / "examples" / "prompts" / "en.txt").read_text(encoding="utf-8")
FACTOR = estimator._family("claude-4.7")["factor"]["value"]


def test_the_family_is_listed_as_an_estimate_of_the_newer_tokenizer():
    assert "claude-4.7" in FAMILIES and "newer Claude tokenizer" in FAMILIES["claude-4.7"]
    result = CliRunner().invoke(cli, ["count", "--list-families", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {f["id"]: f for f in json.loads(result.stdout)["families"]}
    assert listed["claude-4.7"]["exact"] is False
    counter = get_counter("claude-4.7")
    assert not counter.exact and counter.method.startswith("estimate:claude-4.7")
    assert "estimate only" in estimator.describe("claude-4.7") and f"x {FACTOR:.2f}" in counter.method


def test_its_weights_are_the_claude_estimate_times_the_factor_with_its_provenance():
    data = json.loads((ROOT / "src/tokencost/tokenizers/data/estimator.json").read_text(encoding="utf-8"))
    base, newer = data["families"]["claude"], data["families"]["claude-4.7"]
    assert (
        1.3 < FACTOR < 1.6
    )  # measured 1.46 (Anthropic: 1.0-1.35x the earlier tokenizer, itself above cl100k)
    for key in ("weights",):
        assert newer[key] == pytest.approx([w * FACTOR for w in base[key]], abs=2e-6)
    assert newer["short"]["weights"] == pytest.approx(
        [w * FACTOR for w in base["short"]["weights"]], abs=2e-6
    )
    assert newer["short"]["lexicon"] == base["short"]["lexicon"]
    factor = newer["factor"]
    assert (
        factor["n"] >= 10 and "claude-opus-4-8" in factor["models"] and factor["sources"] == ["pydantic-ai"]
    )
    assert factor["recordings"].endswith(".jsonl") and re.fullmatch(r"\d{4}-\d\d-\d\d", factor["measured"])
    assert 0 < factor["spread_p90"] < 0.5


@pytest.mark.parametrize("text", [EN, EN[:600], "def f(x):\n    return {'a': [x, x * 2]}\n" * 30])
def test_plain_text_on_opus_4_7_counts_the_factor_over_sonnet_4_6(text):
    newer = count_tokens(text, model="claude-opus-4.7")
    older = count_tokens(text, model="claude-sonnet-4.6")
    assert newer.family == "claude-4.7" and older.family == "claude"
    assert newer.tokens / older.tokens == pytest.approx(FACTOR, rel=0.01)


def test_count_and_estimate_use_it_for_the_newer_models(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(EN, encoding="utf-8")
    args = ["count", str(path), "-m", "claude-opus-4.7", "-m", "claude-sonnet-4.6", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    tokens = {r["family"]: r["tokens"] for r in json.loads(result.stdout)["results"]}
    assert tokens["claude-4.7"] / tokens["claude"] == pytest.approx(FACTOR, rel=0.01)
    args = ["estimate", str(path), "-m", "claude-opus-4.7", "-m", "claude-fable-5", "-m", "claude-sonnet-4.6"]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["model"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows["claude-opus-4.7"]["tokenizer"] == rows["claude-fable-5"]["tokenizer"] == "claude-4.7"
    ratio = rows["claude-opus-4.7"]["input_tokens"] / rows["claude-sonnet-4.6"]["input_tokens"]
    assert ratio == pytest.approx(FACTOR, rel=0.01)
    assert rows["claude-opus-4.7"]["input_tokens_high"] > rows["claude-opus-4.7"]["input_tokens"]


def test_the_planner_counts_a_text_sample_with_it(tmp_path):
    (tmp_path / "p.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "w.yaml").write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 1\ncandidates: [claude-sonnet-4.6, claude-opus-4.8]\n"
        "workloads:\n  - name: a\n    model: claude-opus-4.8\n    requests_per_day: 10\n    prompt: p.txt\n"
        "    output_tokens: 10\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["plan", str(tmp_path / "w.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    by_family = json.loads(result.stdout)["workloads"][0]["tokens_by_family"]
    ratio = float(by_family["claude-4.7"]["input"]) / float(by_family["claude"]["input"])
    assert ratio == pytest.approx(FACTOR, rel=0.01)


TEXT = "Fact 0001: workspace file 1 has revision 1, owner 1, and status verified.\n" * 40
PLAIN_CHAT = {"system": "Be brief.", "messages": [{"role": "user", "content": TEXT}]}
TOOL = {
    "name": "get_weather",
    "description": "Get the weather of a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
TOOL_CHAT = {
    "system": "You answer weather questions.",
    "messages": [{"role": "user", "content": "What is the weather in Paris today?"}],
    "tools": [TOOL],
}
RESULT_CHAT = {
    "messages": [
        {"role": "user", "content": "What is the weather in Paris today?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"city": "Paris"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "Sunny, 21 degrees."}]},
    ],
    "tools": [TOOL],
}  # fmt: skip


def test_a_chat_on_opus_4_8_counts_as_before_the_family():
    """1,231 tokens before the family existed (the claude estimate, its text weighted 1.46 by the framing)."""
    counted = count_request(PLAIN_CHAT, family_for_model("claude-opus-4.8"), model="claude-opus-4.8")
    assert counted.basis == "fitted:anthropic:4.7"
    assert counted.tokens == pytest.approx(1231, rel=0.01)  # the factor moved, not doubled nor lost


@pytest.mark.parametrize("request_body", [PLAIN_CHAT, TOOL_CHAT, RESULT_CHAT])
def test_moving_the_factor_from_the_framing_into_the_family_changes_no_chat_count(request_body, monkeypatch):
    """The framing as it was (the claude estimate, every text weight of ``anthropic:4.7`` times the factor) and
    as it is (the claude-4.7 estimate, text weight 1) count every kind of chat alike, to within rounding."""
    from tokencost.tokenizers.chat import framing, parse_request

    request = parse_request(request_body)
    now = framing.count_request(
        request, "claude-4.7", get_counter("claude-4.7").count, False, "claude-opus-4.8"
    )
    data = json.loads(json.dumps(constants()))
    coef = data["generations"]["anthropic:4.7"]["coef"]
    coef.update({k: v * FACTOR for k, v in coef.items() if k.endswith("_text") or k == "text"})
    monkeypatch.setattr(framing, "constants", lambda: data)
    then = framing.count_request(request, "claude-4.7", get_counter("claude").count, False, "claude-opus-4.8")
    assert abs(now.tokens - then.tokens) <= 2 + 0.005 * then.tokens, (now, then)


def test_the_framing_no_longer_applies_the_factor():
    coef = constants()["generations"]["anthropic:4.7"]["coef"]
    assert coef["text"] == coef["result_text"] == coef["call_text"] == 1.0
    assert "claude-4.7" in constants()["generations"]["anthropic:4.7"]["about"]


def test_its_band_holds_the_claude_band_and_the_factors_spread():
    spread = estimator._family("claude-4.7")["factor"]["spread_p90"]
    assert (
        estimator.error_band("claude-4.7") >= (1 + estimator.error_band("claude")) * (1 + spread) - 1 - 1e-9
    )
    for text in (
        EN,
        EN[:300],
        "今天天气很好，我们去公园散步吧。" * 20,
        "Größenordnung überprüfen für Straßenbahn. " * 20,
    ):
        base = estimator.estimate(text, "claude")
        low, high = estimator.bounds(text, "claude")
        new = estimator.estimate(text, "claude-4.7")
        new_low, new_high = estimator.bounds(text, "claude-4.7")
        assert new == pytest.approx(base * FACTOR, rel=0.01, abs=1)
        # each side at least as wide as the claude band's, widened by the factor's spread (integer rounding aside)
        assert new_low / new <= low / base * (1 - spread) + 0.01
        assert new_high / new >= min(high / base * (1 + spread), len(text.encode()) / new) - 0.01
    # text other than English: only Anthropic's stated 1.0-1.35x is known, so wider than the latin composition
    bands = estimator._family("claude-4.7")["bands"]
    assert min(bands["cjk"]["lo"]) > max(bands["latin"]["lo"]) and min(bands["other"]["hi"]) > 1


def test_every_catalog_card_of_the_newer_models_names_the_family():
    from tokencost.pricing.catalog import load_catalog

    newer = 0
    for entry in load_catalog():
        names = [entry.id, *(entry.model.aliases or ()), getattr(entry.model, "serves", None) or ""]
        is_newer = any(re.search(CLAUDE_47_MODELS, name.lower()) for name in names)
        assert is_newer == (entry.model.tokenizer == "claude-4.7"), entry.id
        newer += is_newer
    assert newer >= 18  # Anthropic's own cards, Bedrock, Vertex, Azure and OpenRouter
    assert family_for_model("claude-sonnet-5") == "claude"  # bills like Sonnet 4.6 (recorded)
    assert family_for_model("bedrock/anthropic.claude-opus-4-7") == "claude-4.7"
    assert family_for_model("vertex/claude-opus-4-7") == "claude-4.7"
    assert family_for_model("openrouter/anthropic/claude-opus-4.7") == "claude-4.7"


def test_validate_warns_of_a_newer_claude_card_on_the_earlier_family(tmp_path):
    sheet = (ROOT / "pricing" / "anthropic.yaml").read_text(encoding="utf-8")
    card = sheet[sheet.index("  - id: claude-opus-4.8") : sheet.index("  - id: claude-opus-4.7")]
    text = (
        sheet[: sheet.index("models:")]
        + "models:\n"
        + card.replace("tokenizer: claude-4.7", "tokenizer: claude")
    )
    text = re.sub(r"\n    aliases: .*", "", text.replace("id: claude-opus-4.8", "id: my-claude-opus-4.8"))
    (tmp_path / "mine.yaml").write_text(text, "utf-8")
    bundled = CliRunner().invoke(cli, ["pricing", "validate"])
    assert bundled.exit_code == 0 and "counts with" not in bundled.output
    result = CliRunner().invoke(cli, ["pricing", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "my-claude-opus-4.8 has tokenizer claude, but its model counts with claude-4.7" in result.output


def test_importers_and_the_online_counter_know_it():
    from tokencost.online.vendors import api_model_id, vendor_for_family
    from tokencost.pricing.import_common import guess_family

    for name in ("anthropic.claude-opus-4-7", "openrouter/anthropic/claude-fable-5", "claude-opus-5-5"):
        assert guess_family(name) == "claude-4.7", name
    for name in ("claude-sonnet-5", "claude-opus-4-6", "claude-opus-4-20250514", "claude-3-opus-20240229"):
        assert guess_family(name) == "claude", name
    vendor = vendor_for_family("claude-4.7")
    assert vendor is not None and vendor.name == "Anthropic" and vendor.family == "claude-4.7"
    assert (
        api_model_id(vendor, "claude-opus-4.7", ["claude-opus-4-7", "anthropic/claude-opus-4.7"])
        == "claude-opus-4-7"
    )
