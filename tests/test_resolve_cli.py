"""``models --resolve``, ``--map`` on estimate/plan/check, overlay ``model_map``, and the notice a loose
match prints."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ACME_SHEET, write_sheet
from tokencost.cli import cli
from tokencost.errors import PricingError
from tokencost.pricing.catalog import load_catalog


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_models_resolve_prints_the_chain(runner):
    result = run(runner, "models", "--resolve", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert result.exit_code == 0, result.output
    assert "bedrock-region" in result.stdout
    assert "=> bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0" in result.stdout
    assert "alternatives:" in result.stdout


def test_models_resolve_json_with_provider(runner):
    result = run(runner, "models", "--resolve", "gpt-4o", "--provider", "openrouter", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "tokencost.resolve/1"
    assert document["catalog_id"] == "openrouter/openai/gpt-4o"
    assert document["resolved_by"] == "host" and document["host_named"] is True
    assert "gpt-4o" in document["alternatives"]


def test_models_resolve_unresolved_exits_2_after_the_chain(runner):
    result = run(runner, "models", "--resolve", "gpt-4o-2024-05-13", "--provider", "groq")
    assert result.exit_code == 2
    assert "not priced on another host" in result.stdout
    assert result.stderr.startswith("Error: model 'gpt-4o-2024-05-13' resolves to no card")


def test_models_resolve_self_hosted_exits_0(runner):
    result = run(runner, "models", "--resolve", "qwen3:0.6b", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["self_hosted"] is True


def test_provider_without_resolve_is_a_usage_error(runner):
    result = run(runner, "models", "--provider", "groq")
    assert result.exit_code == 2 and "--provider goes with --resolve" in result.stderr


def test_models_resolve_host_typo_is_an_input_error_with_suggestions(runner):
    result = run(runner, "models", "--resolve", "gpt-4o", "--provider", "opnrouter")
    assert result.exit_code == 2 and result.stdout == ""  # no chain about a host nobody meant
    assert result.stderr.startswith("Error: --provider: unknown host 'opnrouter' (did you mean: openrouter")


@pytest.mark.parametrize("host", ["together_ai", "AWS.Bedrock", "openai.responses", "vllm", "hf-inference"])
def test_models_resolve_accepts_every_spelling_a_log_writes(runner, host):
    result = run(runner, "models", "--resolve", "gpt-4o", "--provider", host)
    assert "unknown host" not in result.stderr


def test_models_resolve_accepts_a_provider_of_the_users_sheets(runner, tmp_path):
    write_sheet(tmp_path, "acme.yaml", ACME_SHEET)
    result = run(runner, "models", "--resolve", "acme-large", "--provider", "acme", "--pricing", tmp_path)
    assert result.exit_code == 0, result.output
    assert "=> acme-large" in result.stdout


@pytest.fixture
def prompt(tmp_path) -> Path:
    path = tmp_path / "p.txt"
    path.write_text("Summarise the attached contract in three bullet points.\n", encoding="utf-8")
    return path


def test_estimate_map_prices_a_deployment_name_and_says_so(runner, prompt):
    result = run(
        runner, "estimate", prompt, "-m", "prod-east-4o", "--map", "prod-east-4o=gpt-4o", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rows"][0]["model"] == "gpt-4o"
    assert any("'prod-east-4o' resolved to gpt-4o (rule map)" in n for n in document["notices"])


def test_estimate_loose_match_prints_a_notice(runner, prompt):
    result = run(runner, "estimate", prompt, "-m", "models/gemini-2.5-pro")
    assert result.exit_code == 0, result.output
    assert "notice: 'models/gemini-2.5-pro' resolved to gemini-2.5-pro" in result.stderr


def test_estimate_bad_map_is_a_usage_error(runner, prompt):
    result = run(runner, "estimate", prompt, "-m", "gpt-4o", "--map", "nonsense")
    assert result.exit_code == 2 and "expected LOGGED=CATALOG" in result.stderr


def test_estimate_self_hosted_tag_says_so(runner, prompt):
    result = run(runner, "estimate", prompt, "-m", "gpt-oss:20b")
    assert result.exit_code == 2
    assert "self-hosted" in result.stderr and "gpt-oss-20b" in result.stderr


WORKLOAD = """
    version: 1
    start: 2027-01-01
    horizon_months: 2
    candidates: [gpt-4o-mini]
    workloads:
      - name: bot
        model: prod-east-4o
        requests_per_day: 100
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 200
"""


def test_plan_and_check_take_map(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(WORKLOAD).lstrip(), encoding="utf-8")
    assert run(runner, "plan", path).exit_code == 2  # unknown without the map
    result = run(runner, "plan", path, "--map", "prod-east-4o=gpt-4o", "--format", "json")
    assert result.exit_code == 0, result.output
    workload = json.loads(result.stdout)["workloads"][0]
    assert (workload["model"], workload["resolved_model"]) == ("prod-east-4o", "gpt-4o")
    checked = run(runner, "check", path, "--map", "prod-east-4o=gpt-4o", "--format", "json")
    assert checked.exit_code == 0, checked.output


def test_overlay_sheet_model_map(runner, tmp_path, prompt):
    overlay = tmp_path / "deployments.yaml"
    overlay.write_text(
        textwrap.dedent(
            """
            provider: {id: my-azure-names, name: Our Azure deployments, kind: host, currency: USD,
                       checked: 2026-11-01}
            model_map:
              prod-east-4o: azure/gpt-4o
            """
        ).lstrip(),
        encoding="utf-8",
    )
    assert load_catalog(overlay).get("prod-east-4o").id == "azure/gpt-4o"
    result = run(runner, "estimate", prompt, "-m", "PROD-EAST-4O", "--pricing", overlay)
    assert result.exit_code == 0, result.output
    assert "azure/gpt-4o" in result.stdout


def test_overlay_model_map_target_must_exist(tmp_path):
    overlay = tmp_path / "bad.yaml"
    overlay.write_text(
        "provider: {id: x, name: X, kind: host, currency: USD, checked: 2026-11-01}\n"
        "model_map:\n  prod: gpt-9-ultra\n",
        encoding="utf-8",
    )
    with pytest.raises(PricingError, match="model_map 'prod': 'gpt-9-ultra' is not a model"):
        load_catalog(overlay)


def test_estimate_prices_embedding_a_file_on_input_only(runner, prompt):
    result = run(runner, "estimate", prompt, "-m", "text-embedding-3-small", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    row = document["rows"][0]
    assert row["output_tokens"] == 0 and row["input_tokens"] > 0
    # 0.02 USD per million input tokens, nothing else
    assert Decimal(row["total"]) == Decimal(row["input_tokens"]) * Decimal("0.02") / 1_000_000
    assert document["assumptions"][0].startswith("output: none (embedding")
    assert any("input tokens only" in note for note in row["notes"])


def test_embeddings_stay_out_of_chat_sets(runner, prompt):
    result = run(runner, "estimate", prompt, "--vendor", "openai", "--format", "json")
    models = [row["model"] for row in json.loads(result.stdout)["rows"]]
    assert models and not any("embedding" in m or "moderation" in m for m in models)
    assert "text-embedding-3-small" not in run(runner, "models", "--vendor", "openai").stdout
    assert "text-embedding-3-small" in run(runner, "models", "--vendor", "openai", "--all-modes").stdout


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ("o1-mini-2024-09-12", "o1-mini"),
        ("gpt-4.5-preview", "gpt-4.5-preview"),
        ("gpt-4o-search-preview", "gpt-4o-search-preview"),
        ("gpt-4o-audio-preview-2024-12-17", "gpt-4o-audio-preview"),
        ("computer-use-preview", "computer-use-preview"),
        ("gemini-1.5-flash-002", "gemini-1.5-flash"),
        ("models/gemini-2.0-flash-exp", "gemini-2.0-flash-exp"),
        ("gemini-2.5-pro-preview-05-06", "gemini-2.5-pro-preview"),
        ("gemini-3-pro-preview", "gemini-3-pro-preview"),
        ("gemini-2.5-flash-image", "gemini-2.5-flash-image"),
        ("pixtral-12b-2409", "pixtral-12b"),
        ("glm-4.6v", "glm-4.6v"),
        ("deepseek-r1-distill-llama-70b", "groq/deepseek-r1-distill-llama-70b"),
        ("llama3-8b-8192", "groq/llama3-8b-8192"),
        ("gpt-5.6-sol", "gpt-5.6-sol"),
        ("text-embedding-ada-002-v2", "text-embedding-ada-002"),
        ("models/gemini-embedding-001", "gemini-embedding-001"),
    ],
)
def test_retired_preview_and_embedding_models_resolve(logged, expected):
    entry = load_catalog().get(logged)
    assert entry.id == expected
    assert entry.model.prices is not None and entry.source


def test_retired_models_keep_their_deprecation_date():
    catalog = load_catalog()
    assert str(catalog.get("o1-mini").model.deprecated) == "2025-10-27"
    assert str(catalog.get("gemini-1.5-flash").model.deprecated) == "2025-09-24"


def test_workload_model_map_and_resolved_by_in_the_plan(runner, tmp_path):
    path = tmp_path / "w.yaml"
    text = textwrap.dedent(WORKLOAD).lstrip() + "model_map:\n  prod-east-4o: gpt-4o\n"
    path.write_text(text, encoding="utf-8")
    result = run(runner, "plan", path, "--format", "json")
    assert result.exit_code == 0, result.output
    workload = json.loads(result.stdout)["workloads"][0]
    assert (workload["resolved_model"], workload["resolved_by"]) == ("gpt-4o", "map")
    # --map on the command line wins over the file's map
    result = run(runner, "plan", path, "--map", "prod-east-4o=azure/gpt-4o", "--format", "json")
    assert json.loads(result.stdout)["workloads"][0]["resolved_model"] == "azure/gpt-4o"
    # a model written as its id is "exact"
    plain = tmp_path / "p.yaml"
    plain.write_text(textwrap.dedent(WORKLOAD).lstrip().replace("prod-east-4o", "gpt-4o"), encoding="utf-8")
    assert (
        json.loads(run(runner, "plan", plain, "--format", "json").stdout)["workloads"][0]["resolved_by"]
        == "exact"
    )
