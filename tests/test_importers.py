"""``tokencost pricing import litellm|openrouter``: conversion, skips, exactness, all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tokencost.cli import cli
from tokencost.pricing.catalog import parse_sheet
from tokencost.pricing.import_common import (
    dump_sheet,
    guess_family,
    parse_json_text,
    per_million,
)
from tokencost.pricing.import_litellm import JSON_MEMBER, import_litellm
from tokencost.pricing.import_openrouter import import_openrouter
from tokencost.pricing.schema import Sheet

FIXTURES = Path(__file__).parent / "fixtures"
LITELLM = FIXTURES / "litellm_prices.json"
OPENROUTER = FIXTURES / "openrouter_models.json"
D = Decimal


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def load_dir(directory: Path) -> dict[str, Sheet]:
    return {
        p.stem: parse_sheet(p.read_text(encoding="utf-8"), str(p)) for p in sorted(directory.glob("*.yaml"))
    }


def models_by_id(sheets: dict[str, Sheet]):
    return {m.id: m for sheet in sheets.values() for m in sheet.models}


@pytest.fixture(scope="module")
def litellm_sheets(tmp_path_factory) -> tuple[Path, dict[str, Sheet], object]:
    out = tmp_path_factory.mktemp("litellm") / "out"
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone")
    assert result.exit_code == 0, result.output
    return out, load_dir(out), result


# -- exact arithmetic -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.5e-06", "2.5"),
        ("1.5e-05", "15"),
        ("3e-07", "0.3"),
        ("1.25e-07", "0.125"),
        ("3.3333e-07", "0.33333"),
        ("0.0", "0"),
        ("1e-05", "10"),
        ("6.25e-06", "6.25"),
    ],
)
def test_per_million_is_exact(text, expected):
    value = parse_json_text(f"[{text}]", "t")[0]
    assert isinstance(value, Decimal)
    assert str(per_million(value)) == expected


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=D("0"), max_value=D("1000"), places=6, allow_nan=False, allow_infinity=False))
def test_per_token_round_trip_through_yaml_is_exact(price):
    """Any per-million price written as per-token JSON comes back exactly through the YAML sheet."""
    per_token = format(price / D(1_000_000), "f")
    text = json.dumps({"m": {"litellm_provider": "acme", "mode": "chat"}})
    text = text.replace('"mode": "chat"', f'"mode": "chat", "input_cost_per_token": {per_token}')
    result = import_litellm(parse_json_text(text, "t"), checked=dt.date(2026, 1, 1))
    sheet = result.sheets["acme"]
    assert sheet.models[0].prices.input == price
    again = parse_sheet(dump_sheet(sheet), "again.yaml")
    assert again.models[0].prices.input == price
    assert again == sheet


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("gpt-4o-mini", "o200k_base"),
        ("gpt-4.1", "o200k_base"),
        ("gpt-5.4", "o200k_base"),
        ("o3", "o200k_base"),
        ("gpt-realtime", "o200k_base"),
        ("gpt-image-1.5", "o200k_base"),
        ("azure/gpt-6-luna", "o200k_base"),
        ("azure/o4-mini", "o200k_base"),
        ("openai.gpt-oss-120b-1:0", "o200k_base"),
        ("gpt-4-turbo", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", "claude"),
        ("gemini-2.5-pro", "gemini"),
        ("gemma-3-27b-it", "gemma3"),
        ("deepseek-chat", "deepseek-v3"),
        ("qwen3.5-plus", "qwen3.5"),
        ("qwen3.6-max", "qwen3.5"),
        ("qwen-flash", "qwen2"),
        ("qwen3-coder-plus", "qwen2"),
        ("meta.llama3-70b-instruct-v1:0", "llama3"),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama3"),
        ("codestral-latest", "mistral-tekken"),
        ("magistral-medium", "mistral-tekken"),
        ("devstral-small", "mistral-tekken"),
        ("glm-5", "glm"),
        ("kimi-k2.5", "kimi"),
        ("moonshot-v1-8k", "kimi"),
        ("MiniMax-M2.5", "minimax"),
        ("grok-4", "grok"),
        ("palmyra-x5", "generic"),
    ],
)
def test_guess_family(name, family):
    assert guess_family(name) == family


# -- LiteLLM: conversion --------------------------------------------------------------------------------------
def test_litellm_one_sheet_per_provider(litellm_sheets):
    out, sheets, _ = litellm_sheets
    assert sorted(sheets) == [
        "acme",
        "alibaba",
        "anthropic",
        "azure",
        "bedrock",
        "codestral",
        "deepseek",
        "google",
        "groq",
        "openai",
        "together",
    ]
    assert sheets["anthropic"].provider.kind.value == "vendor"
    assert sheets["bedrock"].provider.kind.value == "host"
    assert sheets["bedrock"].provider.name == "AWS Bedrock"
    for sheet in sheets.values():
        assert sheet.provider.currency == "USD"
        assert sheet.provider.checked == dt.date.today()
    text = (out / "anthropic.yaml").read_text()
    assert text.startswith("# Generated by `tokencost pricing import litellm`")


def test_litellm_cache_batch_and_capabilities(litellm_sheets):
    models = models_by_id(litellm_sheets[1])
    opus = models["claude-opus-4-6"]
    p = opus.prices
    assert (p.input, p.output, p.cache_read, p.cache_write, p.cache_write_1h) == (
        D("5"),
        D("25"),
        D("0.5"),
        D("6.25"),
        D("10"),
    )
    assert p.variants["batch"].input == D("2.5") and p.variants["batch"].output == D("12.5")
    assert opus.tokenizer == "claude"
    # LiteLLM's max_input_tokens is an input limit, not the window: it states no total window
    assert opus.max_input_tokens == 1_000_000 and opus.max_output_tokens == 128_000
    assert opus.context_window is None
    caps = {c.value for c in opus.capabilities}
    assert {"tools", "reasoning", "vision", "prompt_caching", "computer_use", "structured_output"} <= caps
    assert "pdf" in opus.modalities.input
    assert opus.source == "litellm model_prices_and_context_window_backup.json key claude-opus-4-6"
    assert models["claude-3-haiku-20240307"].deprecated == dt.date(2025, 3, 1)


def test_litellm_long_context_tiers_and_variants(litellm_sheets):
    models = models_by_id(litellm_sheets[1])
    gemini = models["gemini-2.5-pro"]
    assert gemini.aliases == ["gemini/gemini-2.5-pro"]
    [tier] = gemini.prices.tiers
    assert (tier.above, tier.input, tier.output, tier.cache_read) == (200_000, D("2.5"), D("15"), D("0.25"))
    priority = gemini.prices.variants["priority"]
    assert (priority.input, priority.output, priority.cache_read) == (D("2.25"), D("18"), D("0.225"))
    assert priority.tiers[0].above == 200_000 and priority.tiers[0].output == D("27")
    assert gemini.prices.variants["flex"].input == D("0.625")
    assert gemini.prices.variants["batch"].output == D("5")
    assert gemini.modalities.input == ["text", "image", "audio", "video", "pdf"]

    gpt = models["gpt-5.4"]
    assert gpt.tokenizer == "o200k_base"
    assert [(t.above, t.input, t.output, t.cache_read) for t in gpt.prices.tiers] == [
        (272_000, D("5"), D("22.5"), D("0.5"))
    ]
    batch = gpt.prices.variants["batch"]
    assert batch.input == D("1.25") and batch.tiers[0].output == D("11.25")
    assert set(gpt.prices.variants) == {"batch"}  # "ultrafast" has no place in the schema


def test_litellm_tiered_pricing_list(litellm_sheets):
    qwen = models_by_id(litellm_sheets[1])["qwen-flash"]
    assert (qwen.prices.input, qwen.prices.output) == (D("0.05"), D("0.4"))
    assert [(t.above, t.input, t.output) for t in qwen.prices.tiers] == [(256_000, D("0.25"), D("2"))]
    assert qwen.tokenizer == "qwen2"


def test_litellm_modes_free_reasoning_and_cache_hit(litellm_sheets):
    models = models_by_id(litellm_sheets[1])
    assert models["o3"].mode == "chat"  # LiteLLM "responses"
    assert models["o3"].prices.reasoning is None  # same as output: not repeated
    assert models["o3"].prices.variants["flex"].output == D("4")
    embed = models["text-embedding-3-small"]
    assert embed.mode == "embedding" and embed.prices.input == D("0.02")
    assert embed.tokenizer == "cl100k_base"
    free = models["codestral/codestral-latest"]
    assert free.free is True and free.prices.input == 0 and free.prices.output == 0
    assert models["deepseek-chat"].prices.cache_read == D("0.028")
    assert models["deepseek-chat"].prices.cache_write == D("0")
    image = models["gemini-2.5-flash-image"]
    assert image.mode == "image" and "per image" in image.notes


def test_litellm_host_ids_are_prefixed(litellm_sheets):
    models = models_by_id(litellm_sheets[1])
    sonnet = models["bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"]
    assert sonnet.aliases == ["anthropic.claude-3-5-sonnet-20240620-v1:0"]
    assert sonnet.tokenizer == "claude"
    llama = models["bedrock/us-east-1/meta.llama3-70b-instruct-v1:0"]
    assert llama.tokenizer == "llama3" and llama.prices.input == D("2.65")
    # bedrock_converse entries land in the same bedrock sheet
    assert "bedrock/us.writer.palmyra-x5-v1:0" in {m.id for m in litellm_sheets[1]["bedrock"].models}
    azure = models["azure/gpt-4o"]
    assert azure.deprecated == dt.date(2027, 4, 14) and azure.prices.variants["batch"].input == D("1.25")
    assert "together/meta-llama/Llama-3.3-70B-Instruct-Turbo" in models
    assert models["groq/qwen/qwen3.5-32b"].tokenizer == "qwen3.5"
    assert models["acme/acme-large"].prices.cache_read == D("0.1")


def test_litellm_skips_are_reported(litellm_sheets):
    _, sheets, result = litellm_sheets
    err = result.stderr
    assert "skipped 1 documentation entries (sample_spec)" in err
    assert "not priced per token" in err and "dall-e-3" in err and "whisper-1" in err
    assert "wildcard, router or commitment entries" in err
    assert "mode 'video_generation'" in err
    assert "invalid prices" in err and "acme/acme-broken" in err
    assert "duplicates of another key" in err and "deepseek/deepseek-chat" in err
    models = models_by_id(sheets)
    for key in ("sample_spec", "dall-e-3", "whisper-1", "acme/acme-broken"):
        assert key not in models
    assert result.stdout.startswith(f"wrote {len(models)} models in 11 sheet(s)")


def test_litellm_output_validates_and_prices_can_read_it(tmp_path):
    out = tmp_path / "imported"
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out))
    assert result.exit_code == 0, result.output
    check = run("pricing", "validate", str(out))
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith("ok: ")
    # layered over the bundled catalog: no clash of names, the imported prices are shown
    shown = run("prices", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "--pricing", str(out))
    assert shown.exit_code == 0, shown.output
    assert str(out) in shown.stdout and "15" in shown.stdout
    shown = run("prices", "claude-opus-4-6", "--pricing", str(out), "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert str(out) in json.loads(shown.stdout)["file"]
    listing = run("models", "--pricing", str(out), "--format", "json", "--all-modes")
    assert listing.exit_code == 0, listing.output


#: LiteLLM's own figures: GPT-5 limits input to 272k of a 400k window; for Claude 200k is the whole window.
LIMITS = {
    "gpt-5-mini": {
        "litellm_provider": "openai",
        "mode": "chat",
        "max_input_tokens": 272000,
        "max_output_tokens": 128000,
        "input_cost_per_token": 2.5e-07,
        "output_cost_per_token": 2e-06,
    },
    "claude-sonnet-4-5": {
        "litellm_provider": "anthropic",
        "mode": "chat",
        "max_input_tokens": 200000,
        "max_output_tokens": 64000,
        "input_cost_per_token": 3e-06,
        "output_cost_per_token": 1.5e-05,
    },
    "acme/acme-new": {
        "litellm_provider": "acme",
        "mode": "chat",
        "max_input_tokens": 131072,
        "max_output_tokens": 8192,
        "input_cost_per_token": 1e-06,
        "output_cost_per_token": 2e-06,  # a chat card without one fails `pricing validate`
    },
}


def test_litellm_limits_map_field_for_field():
    result = import_litellm(json.loads(json.dumps(LIMITS)), checked=dt.date(2026, 11, 1))
    models = {m.id: m for sheet in result.sheets.values() for m in sheet.models}
    gpt = models["gpt-5-mini"]
    assert (gpt.context_window, gpt.max_input_tokens, gpt.max_output_tokens) == (None, 272_000, 128_000)
    new = models["acme/acme-new"]
    assert (new.context_window, new.max_input_tokens, new.max_output_tokens) == (None, 131_072, 8192)


def test_litellm_overlay_inherits_the_catalogs_window(tmp_path):
    """Layered with --pricing, an imported GPT-5 mini keeps the bundled 400k window: 200k in + 100k out fits."""
    from tokencost.costing.models import limit_problems
    from tokencost.pricing.catalog import load_catalog

    reference = tmp_path / "prices.json"
    reference.write_text(json.dumps(LIMITS))
    out = tmp_path / "imported"
    result = run("pricing", "import", "litellm", str(reference), "--out", str(out))
    assert result.exit_code == 0, result.output
    [written] = load_dir(out)["openai"].models
    assert written.model_fields_set.isdisjoint({"context_window", "max_input_tokens"})  # both inherited
    check = run("pricing", "validate", str(out))
    assert check.exit_code == 0, check.output
    bundled, layered = load_catalog(), load_catalog([out])
    for name in ("gpt-5-mini", "claude-sonnet-4-5"):
        before, after = bundled.get(name), layered.get(name)
        assert str(out) in after.file
        assert after.model.context_window == before.model.context_window is not None
        assert after.model.max_input_tokens == before.model.max_input_tokens
    gpt = layered.get("gpt-5-mini")
    assert (gpt.model.context_window, gpt.model.max_input_tokens) == (400_000, 272_000)
    assert limit_problems(gpt, 200_000, 100_000) == ()
    assert limit_problems(gpt, 300_000, 50_000) == ("exceeds max input 272,000 tokens (input 300,000)",)
    # a model the catalog lacks keeps LiteLLM's input limit
    assert layered.get("acme/acme-new").model.max_input_tokens == 131_072


def test_align_keeps_input_limit_when_the_catalog_has_no_window():
    from tokencost.pricing.import_common import CatalogNames, align_with_catalog

    result = import_litellm(json.loads(json.dumps(LIMITS)), checked=dt.date(2026, 11, 1))
    align_with_catalog(result, CatalogNames({"gpt-5-mini": [], "acme/acme-new": []}, {"gpt-5-mini": 400_000}))
    models = {m.id: m for sheet in result.sheets.values() for m in sheet.models}
    assert models["gpt-5-mini"].max_input_tokens is None  # the catalog's window and input limit stay
    assert models["acme/acme-new"].max_input_tokens == 131_072  # no window known: LiteLLM's limit kept


def test_litellm_provider_filter(tmp_path):
    for name in ("google", "gemini"):
        out = tmp_path / name
        result = run("pricing", "import", "litellm", str(LITELLM), "--provider", name, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert [p.name for p in out.iterdir()] == ["google.yaml"]
    result = run(
        "pricing", "import", "litellm", str(LITELLM), "--provider", "nobody", "--out", str(tmp_path / "x")
    )
    assert result.exit_code == 2
    assert "no priced model from provider(s) nobody" in result.output
    assert not (tmp_path / "x").exists()


def test_litellm_checked_date_and_wheel_version(tmp_path):
    wheel = tmp_path / "litellm-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.write(LITELLM, JSON_MEMBER)
    out = tmp_path / "out"
    result = run(
        "pricing",
        "import",
        "litellm",
        str(wheel),
        "--out",
        str(out),
        "--checked",
        "2026-10-01",
        "--standalone",
    )
    assert result.exit_code == 0, result.output
    sheets = load_dir(out)
    assert sheets["openai"].provider.checked == dt.date(2026, 10, 1)
    gpt = models_by_id(sheets)["gpt-4o-mini"]
    assert gpt.source == "litellm 9.9.9 model_prices_and_context_window_backup.json key gpt-4o-mini"


def test_litellm_wheel_without_the_json(tmp_path):
    wheel = tmp_path / "litellm-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("litellm/__init__.py", "")
    result = run("pricing", "import", "litellm", str(wheel), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"has no {JSON_MEMBER} inside" in result.output


# -- writing: never clobber, all or nothing --------------------------------------------------------------------
def test_existing_files_are_not_overwritten_without_force(tmp_path):
    out = tmp_path / "out"
    assert run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone").exit_code == 0
    (out / "openai.yaml").write_text("# my edits\n")
    before = {p.name: p.read_text() for p in out.iterdir()}
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone")
    assert result.exit_code == 2
    assert "already exist" in result.output and "--force" in result.output
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone", "--force")
    assert result.exit_code == 0, result.output
    assert (out / "openai.yaml").read_text().startswith("# Generated by")


def test_one_existing_sheet_blocks_every_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "acme.yaml").write_text("# keep\n")
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone")
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["acme.yaml"]


def test_a_directory_in_the_way_writes_nothing_even_with_force(tmp_path):
    out = tmp_path / "out"
    (out / "openai.yaml").mkdir(parents=True)
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone", "--force")
    assert result.exit_code == 2
    assert (
        result.output == f"Error: {out / 'openai.yaml'}: is a directory, not a sheet; nothing was written\n"
    )
    assert [p.name for p in out.iterdir()] == ["openai.yaml"]  # no other sheet, no staging left behind


def test_a_failure_part_way_through_the_renames_rolls_back(tmp_path, monkeypatch):
    import os

    out = tmp_path / "out"
    assert run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone").exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert len(names) >= 3
    (out / names[0]).unlink()  # renamed first on the next import, as a new file: must be removed again
    (out / names[1]).write_text("# my edits\n")  # replaced next: must come back
    before = {p.name: p.read_text() for p in out.iterdir()}
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        if os.path.dirname(os.fspath(dst)) == str(out):
            calls.append(dst)
            if len(calls) == len(names):  # the last rename into out/ fails
                raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    result = run("pricing", "import", "litellm", str(LITELLM), "--out", str(out), "--standalone", "--force")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "No space left on device" in result.output and "nothing was written" in result.output
    assert {p.name: p.read_text() for p in out.iterdir()} == before


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("litellm_truncated.json", "truncated JSON (the file ends early)"),
        ("litellm_malformed.json", "malformed JSON: Expecting ',' delimiter"),
        ("litellm_wrong_shape.json", "expected a JSON object of model name -> prices"),
    ],
)
def test_bad_litellm_json_is_one_line_error_and_writes_nothing(tmp_path, fixture, message):
    out = tmp_path / "out"
    result = run("pricing", "import", "litellm", str(FIXTURES / fixture), "--out", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert not out.exists()


def test_malformed_json_names_the_line(tmp_path):
    result = run(
        "pricing", "import", "litellm", str(FIXTURES / "litellm_malformed.json"), "--out", str(tmp_path / "o")
    )
    text = (FIXTURES / "litellm_malformed.json").read_text()
    line = text[: text.index('"input_cost_per_token": 1.5e-07\n')].count("\n") + 2
    assert f"litellm_malformed.json:{line}:" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"\xff\xfe{", "not valid UTF-8"), (b'{"a": NaN}', "malformed JSON")],
)
def test_unreadable_reference_files(tmp_path, content, message):
    path = tmp_path / "prices.json"
    path.write_bytes(content)
    result = run("pricing", "import", "litellm", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_missing_reference_file(tmp_path):
    result = run("pricing", "import", "litellm", str(tmp_path / "nope.json"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "reference file not found" in result.output


def test_import_litellm_is_pure_and_groups_by_provider():
    data = parse_json_text(LITELLM.read_text(), "fixture")
    result = import_litellm(data, providers=("bedrock",), checked=dt.date(2026, 1, 2), version="1.2.3")
    assert list(result.sheets) == ["bedrock"]
    assert result.sheets["bedrock"].provider.checked == dt.date(2026, 1, 2)
    assert all("litellm 1.2.3 " in m.source for m in result.sheets["bedrock"].models)


# -- OpenRouter -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def openrouter_models(tmp_path_factory):
    out = tmp_path_factory.mktemp("openrouter") / "out"
    result = run("pricing", "import", "openrouter", str(OPENROUTER), "--out", str(out), "--standalone")
    assert result.exit_code == 0, result.output
    return out, models_by_id(load_dir(out)), result


def test_openrouter_conversion(openrouter_models):
    out, models, _ = openrouter_models
    assert [p.name for p in out.iterdir()] == ["openrouter.yaml"]
    opus = models["openrouter/anthropic/claude-opus-4.6"]
    assert (opus.prices.input, opus.prices.output, opus.prices.cache_read, opus.prices.cache_write) == (
        D("5"),
        D("25"),
        D("0.5"),
        D("6.25"),
    )
    assert opus.serves == "claude-opus-4.6" and opus.creator == "anthropic"
    assert opus.name == "Anthropic: Claude Opus 4.6"
    assert opus.tokenizer == "claude"
    assert opus.context_window == 1_000_000 and opus.max_output_tokens == 128_000
    assert opus.released == dt.date(2026, 2, 5)
    assert {"tools", "reasoning", "structured_output", "vision", "prompt_caching"} <= {
        c.value for c in opus.capabilities
    }
    assert opus.modalities.input == ["text", "image", "file"]
    assert "web_search" in opus.notes
    deepseek = models["openrouter/deepseek/deepseek-v3.2"]
    assert (deepseek.prices.input, deepseek.prices.output) == (D("0.26"), D("0.38"))
    assert deepseek.tokenizer == "deepseek-v3"
    assert models["openrouter/perplexity/sonar-pro"].prices.per_request == D("0.006")
    assert models["openrouter/qwen/qwen3-embedding-8b"].mode == "embedding"
    assert models["openrouter/openai/gpt-5.4"].tokenizer == "o200k_base"


def test_openrouter_free_and_skipped(openrouter_models):
    _, models, result = openrouter_models
    free = models["openrouter/stepfun/step-3.5-flash:free"]
    assert free.free is True and free.serves == "step-3.5-flash"
    assert free.prices.input == 0 and free.prices.output == 0
    assert "openrouter/openrouter/auto" not in models
    assert "skipped 1 router entries with dynamic prices (-1) (e.g. openrouter/auto)" in result.stderr
    assert "acme/acme-broken" in result.stderr
    assert result.stdout.startswith("wrote 9 models in 1 sheet(s)")


def test_openrouter_output_validates(openrouter_models):
    check = run("pricing", "validate", str(openrouter_models[0]))
    assert check.exit_code == 0, check.output


def test_openrouter_truncated_and_wrong_shape(tmp_path):
    result = run(
        "pricing",
        "import",
        "openrouter",
        str(FIXTURES / "openrouter_truncated.json"),
        "--out",
        str(tmp_path / "o"),
    )
    assert result.exit_code == 2 and "truncated JSON" in result.output
    assert not (tmp_path / "o").exists()
    result = run("pricing", "import", "openrouter", str(LITELLM), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "expected OpenRouter's /api/v1/models JSON" in result.output


def test_import_openrouter_is_pure():
    data = parse_json_text(OPENROUTER.read_text(), "fixture")
    result = import_openrouter(data, checked=dt.date(2026, 3, 1))
    sheet = result.sheets["openrouter"]
    assert sheet.provider.kind.value == "aggregator" and sheet.provider.checked == dt.date(2026, 3, 1)
    assert {s.key for s in result.skipped} == {"openrouter/auto", "acme/acme-broken"}


def test_openrouter_output_layers_over_the_catalog(tmp_path):
    out = tmp_path / "or"
    result = run("pricing", "import", "openrouter", str(OPENROUTER), "--out", str(out))
    assert result.exit_code == 0, result.output
    listing = run("models", "--pricing", str(out), "--vendor", "openrouter", "--format", "json")
    assert listing.exit_code == 0, listing.output
    ids = {m["id"] for m in json.loads(listing.stdout)["models"]}
    assert "openrouter/acme/acme-large" in ids
    shown = run("prices", "openrouter/anthropic/claude-opus-4.6", "--pricing", str(out), "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert str(out) in json.loads(shown.stdout)["file"]
