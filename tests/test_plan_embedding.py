"""A workload on an embedding model is an embedding step: documents ingested per month x tokens per
document, billed on input only, compared with embedding models only; chat workloads keep chat candidates."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from tokencost.cli import cli

WORKLOADS = """\
candidates: [gpt-4o-mini, text-embedding-3-large]
workloads:
  - name: ingest
    model: text-embedding-3-small
    requests_per_month: 200000
    input_tokens: 1000
    counted_with: cl100k_base
  - name: chat
    model: gpt-4o-mini
    requests_per_day: 1000
    input_tokens: 800
"""


def _plan(tmp_path, text: str) -> dict:
    path = tmp_path / "tokencost.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {w["name"]: w for w in json.loads(result.stdout)["workloads"]}


def test_embedding_step_bills_documents_times_tokens_on_input_only(tmp_path):
    ingest = _plan(tmp_path, WORKLOADS)["ingest"]
    # 200,000 documents x 1,000 tokens = 200M tokens at $0.02/M
    assert Decimal(ingest["monthly_cost"]) == Decimal("4")
    assert ingest["tokens_per_request"]["output"] == "0"
    assert any(a.startswith("embedding step: text-embedding-3-small") for a in ingest["assumptions"])
    assert not any(a.startswith("output:") for a in ingest["assumptions"])
    names = {c["model"] for c in ingest["candidates"]}
    assert names == {
        "text-embedding-3-small",
        "text-embedding-3-large",
    }  # the chat candidate is no alternative
    large = next(c for c in ingest["candidates"] if c["model"] == "text-embedding-3-large")
    assert Decimal(large["monthly_cost"]) == Decimal("26")  # 200M tokens at $0.13/M


def test_chat_workloads_keep_chat_candidates_and_the_default_embedding_set(tmp_path):
    plans = _plan(tmp_path, WORKLOADS)
    assert {c["model"] for c in plans["chat"]["candidates"]} == {"gpt-4o-mini"}
    assert not any(a.startswith("embedding step") for a in plans["chat"]["assumptions"])
    alone = _plan(tmp_path, WORKLOADS.split("\n", 1)[1])["ingest"]  # no candidates listed
    names = {c["model"] for c in alone["candidates"]} | {e["model"] for e in alone["excluded"]}
    assert {"text-embedding-3-large", "mistral-embed", "gemini-embedding-2"} <= names
    assert not names & {"gpt-4o-mini", "claude-sonnet-4.5"}


BATCHED = """\
candidates: [text-embedding-3-large]
workloads:
  - name: batched
    model: text-embedding-3-small
    requests_per_day: 2
    input_tokens: 75000
    counted_with: cl100k_base
"""


def test_batched_embedding_requests_are_not_held_to_one_inputs_context(tmp_path):
    """An embedding model's context limits each input, not a request batching many (a replayed log's mean
    request is 75k tokens): the current model and its alternative stay ranked, and the assumption says so."""
    path = tmp_path / "tokencost.yaml"
    path.write_text(BATCHED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", str(path)])
    assert result.exit_code == 0, result.output
    assert "breaks a constraint" not in result.output
    assert "no candidate meets the constraints" not in result.output
    batched = _plan(tmp_path, BATCHED)["batched"]
    assert {c["model"] for c in batched["candidates"]} == {"text-embedding-3-small", "text-embedding-3-large"}
    assert not batched["excluded"] and not batched["problems"]
    note = next(a for a in batched["assumptions"] if a.startswith("context:"))
    assert "per input" in note and "8,191" in note
