"""Replay prices every logged id through the one resolver (``pricing.resolve``): on the host its log names,
never another host's card; per logged id the JSON says ``catalog_id`` and ``resolved_by``; ambiguous ids
are listed with their candidates, self-hosted ids are their own group; partitions resolve the same way."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import tokencost.replay.partitions as partitions
from tokencost.cli import cli
from tokencost.engines.local import LocalEngine
from tokencost.replay import replay

#: (logged model, LiteLLM custom_llm_provider) as a proxy's spend log writes them
LOGGED = [
    ("gpt-4o", "openrouter"),
    ("gpt-4o", "openai"),
    ("Qwen/Qwen3.5-397B-A17B", None),
    ("Qwen/Qwen3.5-397B-A17B", "deepinfra"),
    ("qwen3:0.6b", "ollama"),
    ("openai/gpt-oss-120b", "openai"),
    ("prod-4o", "azure"),
]


@pytest.fixture(scope="module")
def spend_log(tmp_path_factory) -> Path:
    rows = []
    for i in range(140):
        model, host = LOGGED[i % len(LOGGED)]
        row = {
            "request_id": f"r{i}",
            "call_type": "acompletion",
            "spend": 0.001,
            "prompt_tokens": 1000 + i,
            "completion_tokens": 100,
            "startTime": f"2025-12-{1 + i % 20:02d}T10:00:00Z",
            "model": model,
            "status": "success",
        }
        if host:
            row["custom_llm_provider"] = host
        rows.append(row)
    path = tmp_path_factory.mktemp("spend") / "spend.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _ids(document: dict) -> dict[tuple, dict]:
    return {(r["logged_id"], r["host"]): r for r in document["model_ids"]}


def test_each_logged_id_says_its_card_and_rule(spend_log):
    document = replay([str(spend_log)], ["gpt-4o-mini"], model_map={"prod-4o": "azure/gpt-4o"})
    ids = _ids(document)
    assert list(ids) == LOGGED  # first-seen order
    assert ids[("gpt-4o", "openrouter")]["catalog_id"] == "openrouter/openai/gpt-4o"
    assert ids[("gpt-4o", "openrouter")]["resolved_by"] == "host"
    assert ids[("gpt-4o", "openai")]["catalog_id"] == "gpt-4o"
    assert ids[("Qwen/Qwen3.5-397B-A17B", "deepinfra")]["catalog_id"] == "deepinfra/Qwen/Qwen3.5-397B-A17B"
    assert ids[("prod-4o", "azure")] | {"records": 20} == {
        **ids[("prod-4o", "azure")],
        "catalog_id": "azure/gpt-4o",
        "resolved_by": "map",
    }
    assert all(r["records"] == 20 for r in ids.values())
    actual = {r["model"]: r["resolved_by"] for r in document["actual"]}
    assert actual == {
        "openrouter/openai/gpt-4o": "host",
        "gpt-4o": "host",
        "deepinfra/Qwen/Qwen3.5-397B-A17B": "host",
        "azure/gpt-4o": "map",
    }


def test_a_named_host_is_never_priced_on_another_hosts_card(spend_log):
    document = replay([str(spend_log)], ["gpt-4o-mini"])
    unknown = {u["model"]: u for u in document["unknown_models"]}
    # OpenAI sells no gpt-oss: the record says openai, so Groq's or Together's card is not used
    oss = unknown["openai/gpt-oss-120b"]
    assert oss["host"] == "openai" and oss["ambiguous"] == []
    assert "groq/openai/gpt-oss-120b" in oss["suggestions"]
    assert all("gpt-oss" not in r["model"] for r in document["actual"])
    assert "prod-4o" in unknown  # without the map, a deployment name is unknown, never $0


def test_ambiguous_ids_are_listed_with_candidates_and_self_hosted_is_its_own_group(spend_log):
    document = replay([str(spend_log)], ["gpt-4o-mini"])
    qwen = next(u for u in document["unknown_models"] if u["model"] == "Qwen/Qwen3.5-397B-A17B")
    assert qwen["records"] == 20  # only the records with no host: the deepinfra ones are priced
    assert set(qwen["ambiguous"]) == {"deepinfra/Qwen/Qwen3.5-397B-A17B", "openrouter/qwen/qwen3.5-397b-a17b"}
    [own] = document["self_hosted_models"]
    assert own["model"] == "qwen3:0.6b" and own["self_hosted"] is True and own["requests"] == 20
    # no vendor cost, yet priced on every candidate: what the traffic would cost on an API
    assert set(own["on_candidates"]) == {"gpt-4o-mini"} and Decimal(own["on_candidates"]["gpt-4o-mini"]) > 0
    assert document["records"]["self_hosted"] == 20
    assert document["records"]["unknown_model"] == 60
    assert document["records"]["priced"] == 60
    assert all(r["model"] != "qwen3:0.6b" for r in document["unknown_models"])


def test_partitions_resolve_the_same_way_byte_for_byte(spend_log, monkeypatch):
    monkeypatch.setattr(partitions, "PARTITION_BYTES", 2048)
    logs = [str(spend_log)]
    mapping = {"prod-4o": "azure/gpt-4o"}
    assert (
        len(partitions.plan(logs, partitions.Spec((), None, (), "model", {}, None, None), "auto", *_ctx()))
        > 3
    )
    local = replay(logs, ["gpt-4o-mini"], model_map=mapping)
    on_workers = replay(logs, ["gpt-4o-mini"], model_map=mapping, engine=LocalEngine(2))
    assert json.dumps(on_workers) == json.dumps(local)


def _ctx():
    from tokencost.replay.pipeline import ReadStats

    return ReadStats(), None


def test_cli_model_map_and_text_lines(spend_log):
    runner = CliRunner()
    result = runner.invoke(
        cli, ["replay", str(spend_log), "-m", "gpt-4o-mini", "--model-map", "prod-4o=azure/gpt-4o", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "ambiguous model 'Qwen/Qwen3.5-397B-A17B' not priced" in result.stdout
    assert "host 'openai' has no card for it" in result.stdout
    assert "self-hosted model 'qwen3:0.6b'" in result.stdout
    assert "20 self-hosted (no vendor price)" in result.stdout
    bad = runner.invoke(cli, ["replay", str(spend_log), "--model-map", "prod-4o"])
    assert bad.exit_code == 2 and "Error: --model-map 'prod-4o'" in bad.output


def test_check_json_says_each_workloads_card_and_rule(tmp_path):
    path = tmp_path / "tokencost.yaml"
    path.write_text(
        "workloads:\n"
        "  - {name: bot, model: prod-east-4o, requests_per_day: 1000, input_tokens: 800, output_tokens: 300}\n"
        "  - {name: snap, model: gpt-4o-2024-08-06, requests_per_day: 1000, input_tokens: 800,"
        " output_tokens: 300}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["check", str(path), "--map", "prod-east-4o=azure/gpt-4o", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {w["name"]: w for w in json.loads(result.stdout)["workloads"]}
    assert (rows["bot"]["catalog_id"], rows["bot"]["resolved_by"]) == ("azure/gpt-4o", "map")
    assert rows["snap"]["catalog_id"] == "gpt-4o" and rows["snap"]["resolved_by"] in ("exact", "normalised")


def test_an_overlay_sheets_model_map_reaches_replay_and_the_cli_flag_wins(spend_log, tmp_path):
    overlay = tmp_path / "deployments.yaml"
    overlay.write_text(
        "provider: {id: my-azure-names, name: Our Azure deployments, kind: host, currency: USD,"
        " checked: 2026-11-01}\nmodel_map:\n  prod-4o: azure/gpt-4o\n",
        encoding="utf-8",
    )
    document = replay([str(spend_log)], ["gpt-4o-mini"], pricing=[str(overlay)])
    assert _ids(document)[("prod-4o", "azure")]["catalog_id"] == "azure/gpt-4o"
    flagged = replay(
        [str(spend_log)], ["gpt-4o-mini"], pricing=[str(overlay)], model_map={"prod-4o": "gpt-4o"}
    )
    assert _ids(flagged)[("prod-4o", "azure")]["catalog_id"] == "gpt-4o"


def test_replay_of_the_realistic_fixture_prices_99_percent_on_the_expected_cards(tmp_path):
    """Every id of tests/fixtures/logged_models.yaml as a LiteLLM spend row (its host as
    ``custom_llm_provider``): replay prices or reports self-hosted at least 99 % of the records, each on the
    card the resolver test expects, and lists the rest."""
    import yaml

    fixture = Path(__file__).parent / "fixtures" / "logged_models.yaml"
    records = yaml.safe_load(fixture.read_text(encoding="utf-8"))["records"]
    model_map: dict[str, str] = {}
    rows = []
    for i, record in enumerate(records):
        model_map.update(record.get("map") or {})
        row = {"request_id": f"r{i}", "spend": 0.001, "prompt_tokens": 1000, "completion_tokens": 100}
        row |= {"startTime": "2025-12-01T10:00:00Z", "model": record["id"], "status": "success"}
        if record.get("host"):
            row["custom_llm_provider"] = record["host"]
        rows.append(row)
    log = tmp_path / "spend.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    document = replay([str(log)], ["gpt-4o-mini"], model_map=model_map)
    counts = document["records"]
    assert counts["read"] == len(records)
    assert (counts["priced"] + counts["self_hosted"]) / counts["read"] >= 0.99
    assert [u["model"] for u in document["unknown_models"]] == ["x-ai/grok-4", "groq/compound"]
    expected = {(r["id"], r.get("host")): r["expect"] for r in records}
    for row in document["model_ids"]:
        want = expected[(row["logged_id"], row["host"])]
        if want == "self-hosted":
            assert row["self_hosted"], row
        elif want != "unpriced":
            assert row["catalog_id"] == want, row


def test_embeddings_responses_are_read_and_priced_on_input_only(tmp_path):
    def body(tokens: int) -> dict:
        return {
            "object": "list",
            "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2]}],
            "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    log = tmp_path / "embeddings.jsonl"
    log.write_text(json.dumps(body(8000)) + "\n" + json.dumps(body(2000)) + "\n", encoding="utf-8")
    document = replay([str(log)], ["text-embedding-3-large"])
    assert document["sources"][str(log)].startswith("openai")
    [row] = document["actual"]
    assert (row["model"], row["input_tokens"], row["output_tokens"]) == ("text-embedding-3-small", 10000, 0)
    assert Decimal(row["computed_cost"]) == Decimal("0.0002")  # 10k tokens at $0.02/M
    [large] = document["candidates"]
    assert Decimal(large["cost"]) == Decimal("0.0013")  # same tokenizer: 10k tokens at $0.13/M


def test_the_text_report_names_no_empty_suggestions_and_formats_self_hosted_money(tmp_path):
    """An unknown id with no close name says how to map it (never "did you mean: none"); the self-hosted line's
    costs are money as everywhere else (``$0.000636``), not raw decimals."""
    rows = [
        {"request_id": f"r{i}", "call_type": "acompletion", "spend": 0.001, "prompt_tokens": 1000,
         "completion_tokens": 100, "startTime": "2025-12-01T10:00:00Z", "model": model, "status": "success",
         **({"custom_llm_provider": "ollama"} if ":" in model else {})}
        for i, model in enumerate(["zzqqxx", "qwen3:0.6b", "gpt-4o"])
    ]  # fmt: skip
    log = tmp_path / "spend.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["replay", str(log), "-m", "gpt-4o-mini"])
    assert result.exit_code == 0, result.output
    assert "none" not in result.output
    assert (
        "unknown model 'zzqqxx' not priced (no close name in the catalog; map it with --model-map"
        in result.output
    )
    line = next(x for x in result.output.splitlines() if x.startswith("self-hosted model 'qwen3:0.6b'"))
    assert re.search(r"on the candidates: gpt-4o-mini \$0\.000\d+$", line), line


def test_a_loose_match_is_said_for_logged_ids_and_candidates(tmp_path):
    """``gpt4o`` in a log priced as gpt-4o, and ``-m gpt4.1`` taken as gpt-4.1, are said (the README's
    promise), not done silently; an exact id is not."""
    body = {"object": "chat.completion", "created": 1764842400, "choices": []}
    rows = [
        {"id": "c1", "model": "gpt4o", **body, "usage": {"prompt_tokens": 100, "completion_tokens": 10}},
        {
            "id": "c2",
            "model": "gpt-4o-mini",
            **body,
            "usage": {"prompt_tokens": 100, "completion_tokens": 10},
        },
    ]
    log = tmp_path / "typo.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["replay", str(log), "-m", "gpt4.1", "-m", "gpt-4o-mini"])
    assert result.exit_code == 0, result.output
    assert "notice: model 'gpt4.1' is not an id or alias; taken as gpt-4.1 (a loose match" in result.stderr
    assert "'gpt-4o-mini'" not in result.stderr
    notes = replay(str(log), ["gpt-4o-mini"])["notes"]
    assert [n for n in notes if "loose match" in n] == [
        "logged model 'gpt4o' is not an id or alias; taken as gpt-4o (a loose match, 1 record(s): name it "
        "exactly or map it with --model-map to be sure)"
    ]
