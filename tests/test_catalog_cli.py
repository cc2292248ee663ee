"""`tokencost models`, `prices`, `pricing validate` and `pricing schema` through CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import ACME_SHEET, write_sheet
from tokencost.cli import cli


def test_version_and_help(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "tokencost" in result.output
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("models", "prices", "pricing", "estimate"):
        assert name in result.output


ALL_COMMANDS = [
    ["models"],
    ["prices"],
    ["pricing"],
    ["pricing", "validate"],
    ["pricing", "schema"],
    ["pricing", "import", "litellm"],
    ["pricing", "import", "openrouter"],
    ["pricing", "diff"],
    ["count"],
    ["estimate"],
    ["plan"],
    ["init"],
    ["report"],
    ["check"],
    ["replay"],
    ["calibrate"],
]


def test_the_list_covers_every_command():
    from tokencost.cli import COMMANDS

    assert {c[0] for c in ALL_COMMANDS} == set(COMMANDS)


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "example" in result.output.lower()


def test_models_lists_bundled_models(runner):
    result = runner.invoke(cli, ["models"])
    assert result.exit_code == 0
    assert "claude-opus-4.6" in result.output


def test_models_json_is_versioned_and_exact(runner, acme_dir):
    result = runner.invoke(
        cli, ["models", "--pricing", str(acme_dir), "--vendor", "acme", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema"] == "tokencost.models/1"
    assert [m["id"] for m in document["models"]] == ["acme-large", "acme-mini"]
    assert document["models"][0]["input"] == "2.5"  # decimals as exact strings
    assert document["models"][0]["currency"] == "USD"


def test_models_filters_and_formats(runner, acme_dir):
    result = runner.invoke(
        cli, ["models", "--pricing", str(acme_dir), "--capability", "vision", "--search", "acme"]
    )
    assert result.exit_code == 0
    assert "acme-large" in result.output and "acme-mini" not in result.output
    result = runner.invoke(cli, ["models", "--pricing", str(acme_dir), "--vendor", "acme", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["id"] == "acme-large" and rows[0]["input"] == "2.5"
    result = runner.invoke(
        cli, ["models", "--pricing", str(acme_dir), "--vendor", "acme", "--format", "markdown"]
    )
    assert result.output.startswith("| model")


def test_models_with_no_match_is_a_usage_error(runner):
    result = runner.invoke(cli, ["models", "--search", "no-such-model-anywhere"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: no model matches")


def test_prices_shows_every_card_and_where_it_came_from(runner, acme_dir):
    result = runner.invoke(cli, ["prices", "acme/large", "--pricing", str(acme_dir)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Acme AI" in out and "prices in USD" in out
    assert "acme.yaml" in out and "checked 2026-11-01" in out
    assert "prompt>100,000" in out and "batch" in out


def test_prices_of_the_headline_model(runner):
    result = runner.invoke(cli, ["prices", "claude-opus-4.6", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert (document["prices"]["input"], document["prices"]["output"]) == ("5", "25")
    assert "cache_read" in document["prices"]
    assert document["layer"] == "bundled"


def test_prices_unknown_model_suggests_and_exits_2(runner, acme_dir):
    result = runner.invoke(cli, ["prices", "acme-lrage", "--pricing", str(acme_dir)])
    assert result.exit_code == 2
    assert "unknown model 'acme-lrage'" in result.output and "acme-large" in result.output
    assert "Traceback" not in result.output


def test_prices_at_a_date_before_any_known_price(runner, tmp_path):
    sheet = ACME_SHEET.replace(
        "          input: 2.5\n", "          input: 2.5\n          effective_from: 2026-05-01\n"
    )
    write_sheet(tmp_path / "p", "acme.yaml", sheet)
    args = ["prices", "acme-large", "--pricing", str(tmp_path / "p")]
    assert runner.invoke(cli, [*args, "--at", "2026-06-01"]).exit_code == 0
    result = runner.invoke(cli, [*args, "--at", "2026-01-01"])
    assert result.exit_code == 2 and "no known price" in result.output
    assert runner.invoke(cli, [*args, "--at", "yesterday"]).exit_code == 2


def test_pricing_flag_overrides_bundled_and_prices_says_so(runner, tmp_path):
    write_sheet(
        tmp_path / "deal",
        "anthropic.yaml",
        """
        provider: {id: anthropic, name: Anthropic (our contract), kind: vendor, currency: USD, checked: 2026-11-20}
        models:
          - id: claude-opus-4.6
            tokenizer: claude
            prices: {input: 4, output: 20}
        """,
    )
    result = runner.invoke(cli, ["prices", "claude-opus-4.6", "--pricing", str(tmp_path / "deal")])
    assert result.exit_code == 0, result.output
    assert "overrides: pricing/anthropic.yaml" in result.output
    assert "(our contract)" in result.output


def test_pricing_validate_bundled(runner):
    result = runner.invoke(cli, ["pricing", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")
    # every host card counts with its served model's tokenizer (openrouter's DeepSeek V4.1 Flash did not)
    assert "tokenizes alike on every host" not in result.output


def test_pricing_validate_warns_of_a_host_card_on_another_tokenizer_than_its_model(runner, tmp_path):
    write_sheet(
        tmp_path / "host",
        "h.yaml",
        """
        provider: {id: myhost, name: My host, kind: host, currency: USD, checked: 2026-11-01}
        models:
          - id: myhost/gpt-4o
            serves: gpt-4o
            tokenizer: cl100k_base
            prices: {input: 1, output: 2}
        """,
    )
    result = runner.invoke(cli, ["pricing", "validate", str(tmp_path / "host")])
    assert result.exit_code == 0, result.output
    assert (
        "myhost/gpt-4o has tokenizer cl100k_base, but the model it serves (gpt-4o) has o200k_base"
        in result.output
    )


BAD_SHEETS = {
    "malformed": ("provider: {id: x\n", "malformed YAML"),
    "string price": (
        "provider: {id: x, name: X, kind: vendor, currency: USD, checked: 2026-01-01}\n"
        "models:\n  - {id: m, tokenizer: generic, prices: {input: cheap}}\n",
        "expected a number, got 'cheap'",
    ),
    "negative price": (
        "provider: {id: x, name: X, kind: vendor, currency: USD, checked: 2026-01-01}\n"
        "models:\n  - {id: m, tokenizer: generic, prices: {input: -0.5}}\n",
        "cannot be negative",
    ),
    "unknown field": (
        "provider: {id: x, name: X, kind: vendor, currency: USD, checked: 2026-01-01, website: y}\n",
        "unknown field 'website'",
    ),
    "not a mapping": ("- just\n- a list\n", "expected a mapping"),
    "binary": ("\x00\x01\x02", "binary"),
}


@pytest.mark.parametrize("case", sorted(BAD_SHEETS))
def test_pricing_validate_fails_cleanly_on_bad_sheets(runner, tmp_path, case):
    body, message = BAD_SHEETS[case]
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    result = runner.invoke(cli, ["pricing", "validate", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert "bad.yaml" in result.output


def test_pricing_validate_duplicate_alias_across_files(runner, tmp_path):
    write_sheet(tmp_path, "a.yaml", ACME_SHEET)
    write_sheet(
        tmp_path,
        "b.yaml",
        """
        provider: {id: b, name: B, kind: host, currency: USD, checked: 2026-11-01}
        models:
          - {id: b/x, aliases: [ACME-MINI], tokenizer: generic, prices: {input: 1}}
        """,
    )
    result = runner.invoke(cli, ["pricing", "validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "'ACME-MINI'" in result.output and "a.yaml" in result.output


def test_pricing_validate_warns_on_stale_sheets_without_failing(runner, acme_dir):
    result = runner.invoke(cli, ["pricing", "validate", str(acme_dir), "--max-age", "0"])
    assert result.exit_code == 0
    assert "warning:" in result.output and "last checked 2026-11-01" in result.output


def test_bad_overlay_in_environment_is_a_clean_error(runner, tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text("provider: [\n", encoding="utf-8")
    monkeypatch.setenv("TOKENCOST_PRICING", str(tmp_path))
    result = runner.invoke(cli, ["models"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "x.yaml" in result.output


def test_missing_pricing_dir_is_a_clean_error(runner, tmp_path):
    result = runner.invoke(cli, ["models", "--pricing", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not found" in result.output


def test_pricing_schema_prints_json_schema(runner):
    result = runner.invoke(cli, ["pricing", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "tokencost price sheet"


NEGOTIATED = """
    provider: {id: mine, name: My deals, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: gpt-5-mini
        name: GPT-5 mini (negotiated)
        prices: {input: 0.1, output: 1}
    """


def test_overlay_override_keeps_bundled_aliases_and_vendor(runner, tmp_path):
    write_sheet(tmp_path / "deal", "mine.yaml", NEGOTIATED)
    deal = str(tmp_path / "deal")
    result = runner.invoke(cli, ["prices", "gpt-5-mini-2025-08-07", "--pricing", deal])
    assert result.exit_code == 0, result.output
    assert "GPT-5 mini (negotiated) (gpt-5-mini)" in result.output
    assert "overrides: pricing/openai.yaml" in result.output
    assert "tokenizer: o200k_base" in result.output
    result = runner.invoke(cli, ["models", "--vendor", "openai", "--pricing", deal, "--format", "csv"])
    assert result.exit_code == 0, result.output
    row = next(r for r in csv.DictReader(io.StringIO(result.output)) if r["id"] == "gpt-5-mini")
    assert row["provider"] == "mine" and row["input"] == "0.1" and row["currency"] == "USD"


def test_pricing_validate_checks_paths_layered_over_the_bundled_catalog(runner, tmp_path):
    write_sheet(
        tmp_path / "clash",
        "s.yaml",
        """
        provider: {id: mine, name: x, kind: vendor, currency: USD, checked: 2026-11-01}
        models:
          - id: m1
            aliases: [gpt-4o]
            tokenizer: o200k_base
            prices: {input: 1, output: 2}
        """,
    )
    clash = str(tmp_path / "clash")
    result = runner.invoke(cli, ["pricing", "validate", clash])
    assert result.exit_code == 2
    assert "s.yaml:4: 'gpt-4o' (model 'm1') is already a name of 'gpt-4o' at pricing/openai.yaml:" in (
        result.output
    )
    # ... and the same overlay fails the same way when used
    result = runner.invoke(cli, ["prices", "m1", "--pricing", clash])
    assert result.exit_code == 2 and "'gpt-4o'" in result.output


def test_pricing_validate_layers_paths_in_order_like_pricing(runner, tmp_path):
    write_sheet(tmp_path / "a", "mine.yaml", NEGOTIATED)
    write_sheet(
        tmp_path / "b", "m.yaml", NEGOTIATED.replace("id: mine,", "id: mine2,").replace("0.1", "0.15")
    )
    dirs = [str(tmp_path / "a"), str(tmp_path / "b")]
    result = runner.invoke(cli, ["pricing", "validate", *dirs])
    assert result.exit_code == 0, result.output
    assert result.output == "ok: 1 models in 2 sheet(s) (layered over the bundled catalog)\n"
    result = runner.invoke(cli, ["prices", "gpt-5-mini", "--pricing", dirs[0], "--pricing", dirs[1]])
    assert result.exit_code == 0 and "m.yaml" in result.output


def test_pricing_validate_names_the_line_of_a_duplicate_id(runner, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "provider: {id: mine, name: x, kind: vendor, currency: USD, checked: 2026-11-01}\n"
        "models:\n"
        "  - {id: m1, tokenizer: o200k_base, prices: {input: 1}}\n"
        "  - {id: m1, tokenizer: o200k_base, prices: {input: 2}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["pricing", "validate", str(path)])
    assert result.exit_code == 2
    assert f"Error: {path}:4: models[1].id: model id 'm1' appears twice (first at line 3)" in result.output


def test_prices_csv_names_the_currency_on_every_row(runner):
    result = runner.invoke(cli, ["prices", "deepseek-cn/deepseek-v3.2", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and {r["currency"] for r in rows} == {"CNY"}
    assert rows[0]["card"] == "current" and rows[0]["unit"] == "per 1M tokens"
    document = json.loads(
        runner.invoke(cli, ["prices", "deepseek-cn/deepseek-v3.2", "--format", "json"]).output
    )
    assert document["currency"] == "CNY"


def test_models_and_prices_word_a_retirement_date_as_every_other_output(runner, tmp_path):
    """The catalog's ``deprecated`` field is a retirement date: ``models`` and ``prices`` say "retired" /
    "retires on" with the successor, as estimate, plan and replay do, never "deprecated"."""
    write_sheet(
        tmp_path / "s",
        "s.yaml",
        """
        provider: {id: mine, name: x, kind: vendor, currency: USD, checked: 2026-11-01}
        models:
          - {id: old-one, tokenizer: generic, deprecated: 2020-01-01, prices: {input: 1, output: 2}}
          - {id: new-one, tokenizer: generic, deprecated: 2999-01-01, successor: old-one, prices: {input: 1, output: 2}}
        """,
    )
    sheets = str(tmp_path / "s")
    listed = runner.invoke(cli, ["models", "--vendor", "mine", "--pricing", sheets])
    assert listed.exit_code == 0, listed.output
    assert "retired 2020-01-01" in listed.output and "retires 2999-01-01" in listed.output
    assert "deprecated" not in listed.output
    shown = runner.invoke(cli, ["prices", "new-one", "--pricing", sheets])
    assert shown.exit_code == 0, shown.output
    assert "retires on 2999-01-01; successor old-one" in shown.output and "deprecated" not in shown.output
    document = json.loads(
        runner.invoke(cli, ["prices", "old-one", "--pricing", sheets, "--format", "json"]).stdout
    )
    assert document["deprecated"] == "2020-01-01" and document["lifecycle"] == "retired on 2020-01-01"
