"""``tokencost pricing update``: a reviewed, layout-preserving update of the sheets from a reference."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.pricing.catalog import parse_sheet

SHEET = textwrap.dedent(
    """\
    # yaml-language-server: $schema=schema.json
    # DeepSeek test sheet: this comment must survive byte for byte.
    provider:
      id: deepseek
      name: DeepSeek
      kind: vendor
      currency: USD
      checked: 2026-11-01   # trailing comment
    models:
      # --- the chat endpoint ---
      - id: deepseek-chat
        name: DeepSeek Chat
        tokenizer: deepseek-v3
        source: 'litellm 1.0 key "deepseek/deepseek-chat"'
        prices:
          input: 0.28
          output: 0.42
          cache_read: 0.028
      - id: deepseek-reasoner   # unchanged
        tokenizer: deepseek-v3
        prices: {input: 0.5, output: 2}
      - id: deepseek-coder
        tokenizer: deepseek-v3
        prices: {input: 0.14, output: 0.28}
      - id: deepseek-v4-pro
        tokenizer: generic
        reference_checks:
          - {reference: litellm, version: '1.0', checked: 2026-11-01, field: input, theirs: 0.66, verdict: different-offer, reason: Off-peak rate as base.}
        prices: {input: 1.32, output: 3.96}
      - id: deepseek-v4-flash
        tokenizer: generic
        history:
          - {effective_from: 2026-08-17, input: 0.2, output: 0.8}
        prices: {effective_from: 2026-10-01, input: 0.3, output: 1.2}
      - id: deepseek-gone
        tokenizer: generic
        prices: {input: 1, output: 1}
    """
)


def per_token(value: str) -> str:
    return f"{value}e-06"


REFERENCE = {
    "deepseek/deepseek-chat": {"input": "0.3", "output": "0.42", "cache_read": "0.028"},  # input changed
    "deepseek/deepseek-reasoner": {"input": "0.5", "output": "2"},  # unchanged
    "deepseek/deepseek-coder": {"input": "140000", "output": "0.28"},  # per-token look-alike: held back
    "deepseek/deepseek-v4-pro": {"input": "0.66", "output": "3.96"},  # known disagreement
    "deepseek/deepseek-v4-flash": {"input": "0.25", "output": "1.2"},  # changed, with history
    "deepseek/deepseek-v9": {"input": "1", "output": "4"},  # new model
    "deepseek/deepseek-v9-20261101": {"input": "1", "output": "4"},  # its dated snapshot
}


def litellm_json(reference: dict[str, dict[str, str]]) -> str:
    entries = {}
    for key, prices in reference.items():
        entry = {"litellm_provider": "deepseek", "mode": "chat", "max_input_tokens": 128000}
        entry["input_cost_per_token"] = float(per_token(prices["input"]))
        entry["output_cost_per_token"] = float(per_token(prices["output"]))
        if "cache_read" in prices:
            entry["cache_read_input_token_cost"] = float(per_token(prices["cache_read"]))
        entries[key] = entry
    return json.dumps(entries)


@pytest.fixture()
def setup(tmp_path: Path):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "deepseek.yaml").write_text(SHEET)
    reference = tmp_path / "litellm.json"
    reference.write_text(litellm_json(REFERENCE))
    return sheets, reference


def update(sheets: Path, reference: Path, *extra: str):
    args = ["pricing", "update", "--from", "litellm", str(reference), "--sheets", str(sheets)]
    return CliRunner().invoke(cli, [*args, "--checked", "2026-12-04", "--effective", "2026-12-01", *extra])


def models_of(text: str) -> dict:
    return {m.id: m for m in parse_sheet(text, "deepseek.yaml").models}


def test_proposal_is_a_diff_and_writes_nothing(setup):
    sheets, reference = setup
    result = update(sheets, reference)
    assert result.exit_code == 0, result.output
    assert (sheets / "deepseek.yaml").read_text() == SHEET
    assert (
        result.stdout.startswith("--- a/") and "+++ b/" in result.stdout and "deepseek.yaml" in result.stdout
    )
    assert "nothing written" in result.stderr
    assert "2 price change(s), 1 new model(s), 1 held back, 1 not in the reference" in result.stderr
    assert "held back" in result.stderr and "per token vs per million" in result.stderr
    assert "not in the reference (kept): deepseek-gone" in result.stderr


def test_write_appends_history_adds_models_and_keeps_the_rest(setup):
    sheets, reference = setup
    result = update(sheets, reference, "--write")
    assert result.exit_code == 0, result.output
    text = (sheets / "deepseek.yaml").read_text()
    models = models_of(text)
    chat = models["deepseek-chat"]
    assert (str(chat.prices.effective_from), str(chat.prices.input)) == ("2026-12-01", "0.3")
    [old] = chat.history
    assert old.effective_from is None and str(old.input) == "0.28"
    assert old.source == 'litellm 1.0 key "deepseek/deepseek-chat"'  # the old card keeps where it came from
    assert str(chat.checked) == "2026-12-04" and "deepseek/deepseek-chat" in chat.source
    flash = models["deepseek-v4-flash"]
    assert [str(c.effective_from) for c in flash.history] == ["2026-08-17", "2026-10-01"]
    assert str(flash.prices.effective_from) == "2026-12-01" and str(flash.prices.input) == "0.25"
    assert str(models["deepseek-coder"].prices.input) == "0.14"  # held back
    assert str(models["deepseek-v4-pro"].prices.input) == "1.32"  # known: left alone
    assert models["deepseek-reasoner"].history == []  # unchanged
    new = models["deepseek-v9"]
    assert new.aliases == ["deepseek/deepseek-v9", "deepseek-v9-20261101", "deepseek/deepseek-v9-20261101"]
    assert str(new.checked) == "2026-12-04" and "deepseek/deepseek-v9" in new.source
    assert "deepseek-gone" in models  # listed, never deleted
    assert "# Added by `tokencost pricing update --from litellm`" in text


def test_comments_and_untouched_lines_survive_byte_for_byte(setup):
    sheets, reference = setup
    update(sheets, reference, "--write")
    new = (sheets / "deepseek.yaml").read_text()
    old_lines, new_lines = SHEET.splitlines(keepends=True), new.splitlines(keepends=True)
    assert new.startswith("".join(old_lines[:12]))  # header, comments and provider block untouched
    for line in old_lines:
        if "#" in line or line.startswith("  - id:"):
            assert line in new_lines, line
    # outside the two changed models' blocks, every old line is still there in order
    changed = re.compile(r"^  - id: (deepseek-chat|deepseek-v4-flash)\b")
    kept, inside = [], False
    for line in old_lines:
        if line.startswith("  - id:"):
            inside = bool(changed.match(line))
        if not inside:
            kept.append(line)
    it = iter(new_lines)
    assert all(any(line == other for other in it) for line in kept)


def test_accept_large_applies_a_held_change(setup):
    sheets, reference = setup
    result = update(sheets, reference, "--write", "--accept-large", "--model", "deepseek-coder")
    assert result.exit_code == 0, result.output
    models = models_of((sheets / "deepseek.yaml").read_text())
    assert str(models["deepseek-coder"].prices.input) == "140000"
    assert models["deepseek-chat"].history == [] and "deepseek-v9" not in models  # --model kept only coder


def test_a_known_disagreement_becomes_new_when_the_reference_moves(setup, tmp_path):
    sheets, _ = setup
    moved = dict(REFERENCE, **{"deepseek/deepseek-v4-pro": {"input": "0.7", "output": "3.96"}})
    reference = tmp_path / "moved.json"
    reference.write_text(litellm_json(moved))
    result = update(sheets, reference, "--model", "deepseek-v4-pro")
    assert "1 price change(s)" in result.stderr
    assert "+    prices: {effective_from: 2026-12-01, input: 0.7, output: 3.96}" in result.stdout


def test_write_is_refused_when_the_sheet_would_not_validate(setup):
    sheets, reference = setup
    # a change dated before the model's last history card cannot be a new current card
    result = update(sheets, reference, "--write", "--effective", "2026-01-01", "--model", "deepseek-v4-flash")
    assert result.exit_code == 2
    assert "would not validate, nothing written" in result.output
    assert (sheets / "deepseek.yaml").read_text() == SHEET


def test_unknown_reference_file_is_a_usage_error(setup, tmp_path):
    sheets, _ = setup
    result = update(sheets, tmp_path / "missing.json")
    assert result.exit_code == 2 and "not found" in result.output


def test_mark_checked_dates_only_the_models_that_agree(setup):
    sheets, reference = setup
    result = update(sheets, reference, "--write", "--mark-checked", "--model", "none")
    assert result.exit_code == 0, result.output
    assert "2 confirmed (checked 2026-12-04)" in result.stderr  # reasoner agrees; v4-pro is known
    models = models_of((sheets / "deepseek.yaml").read_text())
    assert str(models["deepseek-reasoner"].checked) == "2026-12-04"
    assert str(models["deepseek-v4-pro"].checked) == "2026-12-04"
    assert models["deepseek-chat"].checked is None and models["deepseek-gone"].checked is None
    assert models["deepseek-chat"].history == [] and "deepseek-v9" not in models  # --model none: no change


def test_a_model_typo_is_an_input_error_with_suggestions(setup):
    sheets, reference = setup
    result = update(sheets, reference, "--write", "--model", "deepseek-chatt")
    assert result.exit_code == 2 and result.stdout == ""
    assert "Error: --model: 'deepseek-chatt' is not a model of the sheets or the reference" in result.stderr
    assert "did you mean: deepseek-chat" in result.stderr
    assert (sheets / "deepseek.yaml").read_text() == SHEET  # nothing written


def test_model_accepts_a_new_reference_model_and_none(setup):
    sheets, reference = setup
    assert update(sheets, reference, "--model", "deepseek-v9").exit_code == 0  # new: only in the reference
    assert update(sheets, reference, "--model", "None").exit_code == 0  # 'none' keeps no change


def test_new_host_models_name_what_they_serve(tmp_path):
    from tokencost.pricing.update import _serves

    assert _serves("bedrock/anthropic.claude-opus-5", {"claudeopus5": "claude-opus-5"}) == "claude-opus-5"
    assert _serves("openrouter/qwen/qwen3-vl-32b-instruct", {"qwen3vl32binstruct": "qwen3-vl-32b-instruct"})
    assert _serves("azure/unknown-model", {"claudeopus5": "claude-opus-5"}) is None


GENAI = Path(__file__).parent / "fixtures" / "genai_prices_data.txt"
ACME = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme Cloud, kind: host, currency: USD, checked: 2026-11-01}
    models:
      - id: acme/acme-large
        tokenizer: generic
        prices:
          input: 1.2
          output: 3
          cache_read: 0.12
          tiers:
            - {above: 200000, input: 2.4}
      - id: acme/acme-small
        tokenizer: generic
        prices: {effective_from: 2026-06-01, input: 0.05, output: 0.2}
        scheduled:
          - {effective_from: 2026-12-01, input: 0.1, output: 0.4}
    """
)


def test_history_the_reference_dates_is_filled_and_a_started_scheduled_card_takes_over(tmp_path):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "acme.yaml").write_text(ACME)
    args = ["pricing", "update", "--from", "genai-prices", str(GENAI), "--sheets", str(sheets)]
    result = CliRunner().invoke(cli, [*args, "--checked", "2026-12-04", "--write"])
    assert result.exit_code == 0, result.output
    assert "history from the reference: acme/acme-large: the start, current from 2026-10-01" in result.stderr
    assert "scheduled card now in force: acme/acme-small from 2026-12-01" in result.stderr
    models = {m.id: m for m in parse_sheet((sheets / "acme.yaml").read_text(), "acme.yaml").models}
    large = models["acme/acme-large"]
    assert str(large.prices.effective_from) == "2026-10-01"
    [first] = large.history
    assert first.effective_from is None and str(first.input) == "1" and "genai-prices" in first.source
    small = models["acme/acme-small"]
    assert (str(small.prices.effective_from), str(small.prices.input)) == ("2026-12-01", "0.1")
    assert [str(c.effective_from) for c in small.history] == ["2026-06-01"] and small.scheduled == []


def test_update_from_openrouter_changes_a_listing_and_adds_one_without_vendor_aliases(tmp_path):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "openrouter.yaml").write_text(
        textwrap.dedent(
            """\
            provider: {id: openrouter, name: OpenRouter, kind: aggregator, currency: USD, checked: 2026-11-01}
            models:
              - id: openrouter/deepseek/deepseek-v3.2
                tokenizer: deepseek-v3
                prices: {input: 0.25, output: 0.38, cache_read: 0.13}
            """
        )
    )
    reference = Path(__file__).parent / "fixtures" / "openrouter_models.json"
    args = ["pricing", "update", "--from", "openrouter", str(reference), "--sheets", str(sheets)]
    result = CliRunner().invoke(cli, [*args, "--checked", "2026-12-04", "--write"])
    assert result.exit_code == 0, result.output
    models = models_of((sheets / "openrouter.yaml").read_text())
    v32 = models["openrouter/deepseek/deepseek-v3.2"]
    assert (str(v32.prices.input), str(v32.prices.effective_from)) == ("0.26", "2026-12-04")
    assert str(v32.history[0].input) == "0.25"
    opus = models["openrouter/anthropic/claude-opus-4.6"]
    assert opus.aliases == [] and str(opus.prices.output) == "25"


def test_a_provider_typo_beside_a_known_one_is_an_error_not_dropped(setup):
    sheets, reference = setup
    result = update(sheets, reference, "--provider", "deepseek", "--provider", "deep-seek")
    assert result.exit_code == 2, result.output
    assert "--provider: unknown provider 'deep-seek' (did you mean: deepseek)" in result.output
    assert update(sheets, reference, "--provider", "deepseek").exit_code == 0
