"""``estimate --at`` before an undated card's sheet was checked says the price is not known to hold then, in the
same words as ``plan --at`` and replay (one note: ``lifecycle.undated_card_note``)."""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

import tokencost
from tokencost.cli import cli

SHEET = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-undated
        tokenizer: o200k_base
        context_window: 1000000
        prices: {input: 3, output: 3}
    """
)
NOTE = (
    "price not known to hold on 2025-06-01: its card is undated (checked 2026-11-01), taken as in force then"
)


def _estimate(tmp_path, at: str):
    (tmp_path / "acme.yaml").write_text(SHEET)
    (tmp_path / "p.txt").write_text("hello world")
    args = ["estimate", str(tmp_path / "p.txt"), "-m", "acme-undated", "--pricing", str(tmp_path)]
    return CliRunner().invoke(cli, [*args, "--at", at, "--format", "json"])


def test_estimate_at_a_day_before_the_sheet_was_checked_notes_the_undated_card(tmp_path):
    result = _estimate(tmp_path, "2025-06-01")
    assert result.exit_code == 0, result.output
    assert NOTE in json.loads(result.output)["rows"][0]["notes"]


def test_no_note_once_the_sheet_was_checked(tmp_path):
    result = _estimate(tmp_path, "2026-11-15")
    assert "price not known to hold" not in result.output


def test_plan_and_estimate_word_it_alike(tmp_path):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "acme.yaml").write_text(SHEET)
    workload = tmp_path / "w.yaml"
    workload.write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 1\ncandidates: [acme-undated]\nworkloads:\n"
        "  - {name: a, model: acme-undated, requests_per_month: 10, input_tokens: 10, output_tokens: 1}\n"
    )
    plan = CliRunner().invoke(cli, ["plan", str(workload), "--at", "2025-06-01", "--pricing", str(sheets)])
    assert plan.exit_code == 0, plan.output
    assert NOTE in plan.output
    library = tokencost.estimate("hello", "acme-undated", pricing=sheets, at="2025-06-01")
    assert NOTE in library.rows[0].all_notes


def _spend_log(tmp_path, model: str, host: str):
    row = {
        "request_id": "r1",
        "call_type": "acompletion",
        "spend": 0.001,
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "startTime": "2025-06-01T10:00:00Z",
        "model": model,
        "status": "success",
        "custom_llm_provider": host,
    }
    path = tmp_path / "spend.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_replay_says_it_of_self_hosted_traffic_priced_on_a_candidate(tmp_path):
    """Self-hosted records priced on a candidate carry the note as logged and candidate rows do."""
    from tokencost.replay import replay

    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "acme.yaml").write_text(SHEET)
    log = _spend_log(tmp_path, "qwen3:0.6b", "ollama")
    document = replay([str(log)], ["acme-undated"], pricing=[sheets], at="2025-06-01")
    [own] = document["self_hosted_models"]
    assert own["notes"] == [f"on acme-undated: {NOTE}"]
    later = replay([str(log)], ["acme-undated"], pricing=[sheets], at="2026-12-01")
    assert later["self_hosted_models"][0]["notes"] == []
    result = CliRunner().invoke(
        cli, ["replay", str(log), "-m", "acme-undated", "--at", "2025-06-01", "--pricing", str(sheets)]
    )
    assert result.exit_code == 0, result.output
    assert f"self-hosted model 'qwen3:0.6b': on acme-undated: {NOTE}" in result.output
