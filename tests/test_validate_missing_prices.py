"""``pricing validate`` reports a card its model's mode cannot be priced on (a chat card with no output
price), which plan and estimate refuse; an embedding model bills input only and passes."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from tokencost.cli import cli

HEADER = "provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}\nmodels:\n"


def _validate(tmp_path, models: str):
    (tmp_path / "acme.yaml").write_text(HEADER + textwrap.indent(textwrap.dedent(models), "  "))
    return CliRunner().invoke(cli, ["pricing", "validate", str(tmp_path)])


def test_a_chat_card_without_an_output_price_is_an_error(tmp_path):
    result = _validate(tmp_path, "- {id: acme-chat, tokenizer: o200k_base, prices: {input: 0.5}}\n")
    assert result.exit_code == 2, result.output
    assert (
        "acme-chat: its card has no output price: a chat model cannot be priced without it" in result.output
    )


def test_a_history_card_without_an_output_price_is_an_error(tmp_path):
    result = _validate(
        tmp_path,
        """\
        - id: acme-chat
          tokenizer: o200k_base
          history: [{effective_from: 2025-01-01, input: 1}]
          prices: {effective_from: 2026-01-01, input: 1, output: 2}
        """,
    )
    assert result.exit_code == 2
    assert "its card from 2025-01-01 has no output price" in result.output


def test_an_embedding_model_without_an_output_price_passes(tmp_path):
    models = "- {id: acme-embed, tokenizer: o200k_base, mode: embedding, prices: {input: 0.1}}\n"
    result = _validate(tmp_path, models)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 1 models")


def test_plan_refuses_what_validate_reports(tmp_path):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    assert (
        _validate(sheets, "- {id: acme-chat, tokenizer: o200k_base, prices: {input: 0.5}}\n").exit_code == 2
    )
    workload = tmp_path / "w.yaml"
    workload.write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 1\ncandidates: [acme-chat]\nworkloads:\n"
        "  - {name: a, model: acme-chat, requests_per_month: 10, input_tokens: 10, output_tokens: 1}\n"
    )
    plan = CliRunner().invoke(cli, ["plan", str(workload), "--pricing", str(sheets)])
    assert plan.exit_code == 2 and "no output price" in plan.output
