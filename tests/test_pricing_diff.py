"""``tokencost pricing diff``: matching the catalog to a reference and reporting disagreements."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.pricing.catalog import Catalog, LoadedSheet, load_sheets, parse_sheet
from tokencost.pricing.diff import diff_catalog, provider_keys
from tokencost.pricing.import_common import parse_json_text
from tokencost.pricing.import_litellm import import_litellm
from tokencost.pricing.import_openrouter import import_openrouter

FIXTURES = Path(__file__).parent / "fixtures"
LITELLM = FIXTURES / "litellm_prices.json"
OPENROUTER = FIXTURES / "openrouter_models.json"
D = Decimal

ACME = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme Cloud, kind: host, currency: USD, checked: 2026-11-01}
    models:
      - id: acme/acme-large
        tokenizer: generic
        prices: {input: 1.1, output: 3, cache_read: 0.1}
      - id: acme/acme_small
        tokenizer: generic
        notes: We take the list price; LiteLLM still shows the launch promotion.
        reference_checks:
          - {reference: litellm, version: 1.0.0, checked: 2026-11-01, field: input, theirs: 0.1, verdict: stale,
             reason: LiteLLM still shows the launch promotion.}
        prices: {input: 0.2, output: 0.4}
      - id: acme/acme-tiny
        tokenizer: generic
        prices: {input: 0.01, output: 0.02}
    """
)
VENDORS = textwrap.dedent(
    """\
    provider: {id: anthropic, name: Anthropic, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: claude-opus-4.6
        aliases: [claude-opus-4-6]
        tokenizer: claude
        prices: {input: 5, output: 25, cache_read: 0.5, cache_write: 6.25, cache_write_1h: 10}
      - id: claude-3-haiku
        aliases: [claude-3-haiku-20240307]
        tokenizer: claude
        prices: {input: 0.25, output: 1.25}
    """
)
GOOGLE = textwrap.dedent(
    """\
    provider: {id: google, name: Google, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: gemini-2.5-pro
        tokenizer: gemini
        prices: {input: 1.25, output: 10, cache_read: 0.31}
    """
)
CNY = textwrap.dedent(
    """\
    provider: {id: deepseek-cn, name: DeepSeek China, kind: vendor, currency: CNY, checked: 2026-11-01}
    models:
      - id: deepseek-cn/deepseek-chat
        aliases: [deepseek-chat-cny]
        tokenizer: deepseek-v3
        prices: {input: 2, output: 3}
    """
)
CODESTRAL = textwrap.dedent(
    """\
    provider: {id: codestral, name: Codestral, kind: host, currency: USD, checked: 2026-11-01}
    models:
      - id: codestral/codestral-latest
        tokenizer: mistral-tekken
        prices: {input: 0.3, output: 0.9}
    """
)


def catalog_of(*texts: str) -> Catalog:
    sheets = [LoadedSheet(parse_sheet(t, f"s{i}.yaml"), f"s{i}.yaml", "test") for i, t in enumerate(texts)]
    return Catalog.from_sheets(sheets)


def litellm_reference():
    return import_litellm(parse_json_text(LITELLM.read_text(), "fixture"), checked=dt.date(2026, 11, 1))


@pytest.fixture()
def report():
    catalog = catalog_of(ACME, VENDORS, GOOGLE, CNY, CODESTRAL)
    return diff_catalog(catalog, litellm_reference(), source="litellm", tolerance=D(1))


def test_counts(report):
    assert report.catalog_models == 8
    assert {m.model for m in report.matches} == {
        "acme/acme-large",
        "acme/acme_small",
        "claude-opus-4.6",
        "claude-3-haiku",
        "gemini-2.5-pro",
        "codestral/codestral-latest",
    }
    assert report.unmatched == ["acme/acme-tiny"]
    assert report.not_comparable == [("deepseek-cn/deepseek-chat", "prices in CNY; the reference is USD")]


def test_match_kinds(report):
    how = {m.model: (m.reference_key, m.how) for m in report.matches}
    assert how["claude-opus-4.6"] == ("claude-opus-4-6", "alias")
    assert how["gemini-2.5-pro"] == ("gemini/gemini-2.5-pro", "id")
    assert how["acme/acme-large"] == ("acme/acme-large", "id")
    assert how["acme/acme_small"] == ("acme/acme-small", "loose name")


def test_disagreements_carry_both_figures(report):
    found = {(d.model, d.component): d for d in report.disagreements}
    assert set(found) == {
        ("acme/acme-large", "input"),
        ("acme/acme_small", "input"),
        ("gemini-2.5-pro", "cache_read"),
        ("codestral/codestral-latest", "input"),
        ("codestral/codestral-latest", "output"),
    }
    large = found[("acme/acme-large", "input")]
    assert (large.catalog, large.reference) == (D("1.1"), D("1"))
    assert large.percent == D(10)
    assert large.as_row()["difference"] == "+10.0%"
    assert found[("gemini-2.5-pro", "cache_read")].as_row()["difference"] == "+148.0%"
    free = found[("codestral/codestral-latest", "input")]
    assert free.percent is None and free.as_row()["difference"] == "reference is 0"
    assert report.models_disagreeing == 4


def test_known_by_a_reference_check(report):
    small = next(d for d in report.disagreements if d.model == "acme/acme_small")
    assert small.known is not None and small.known.verdict == "stale"
    assert small.as_row()["status"] == "known: stale"
    assert len(report.new) == 4 and small not in report.new


def test_a_check_of_another_figure_is_not_known():
    """The reference moved since the check (0.1 recorded, now something else): the disagreement is new again."""
    moved = ACME.replace("field: input, theirs: 0.1", "field: input, theirs: 0.15")
    report = diff_catalog(catalog_of(moved), litellm_reference(), source="litellm", tolerance=D(1))
    small = next(d for d in report.disagreements if d.model == "acme/acme_small")
    assert small.is_new and small.as_row()["status"] == "new"
    other = diff_catalog(catalog_of(ACME), litellm_reference(), source="openrouter", tolerance=D(1))
    assert all(d.is_new for d in other.disagreements)  # a litellm check says nothing of another reference


def test_missing_components_are_listed_not_counted(report):
    assert ("gemini-2.5-pro", "cache_write", "absent in catalog") not in report.missing
    assert ("claude-3-haiku", "cache_read", "absent in catalog") in report.missing


def test_tolerance():
    catalog = catalog_of(ACME)
    loose = diff_catalog(catalog, litellm_reference(), source="litellm", tolerance=D(10))
    assert [d.model for d in loose.disagreements] == ["acme/acme_small"]  # exactly 10% is within
    strict = diff_catalog(catalog, litellm_reference(), source="litellm", tolerance=D(0))
    assert len(strict.disagreements) == 2


def test_another_provider_does_not_match():
    other = ACME.replace("id: acme,", "id: elsewhere,").replace("acme/", "elsewhere/")
    report = diff_catalog(catalog_of(other), litellm_reference(), source="litellm", tolerance=D(1))
    assert report.matches == []


def test_provider_synonyms():
    assert "gemini" in provider_keys("google")
    assert "bedrock_converse" in provider_keys("bedrock")
    assert provider_keys("acme") == frozenset({"acme"})


def test_openrouter_reference_matches_own_and_vendor_models():
    sheet = textwrap.dedent(
        """\
        provider: {id: openrouter, name: OpenRouter, kind: aggregator, currency: USD, checked: 2026-11-01}
        models:
          - id: openrouter/acme/acme-large
            tokenizer: generic
            prices: {input: 1, output: 3.5}
        """
    )
    reference = import_openrouter(parse_json_text(OPENROUTER.read_text(), "or"), checked=dt.date(2026, 11, 1))
    report = diff_catalog(catalog_of(sheet, VENDORS), reference, source="openrouter", tolerance=D(1))
    how = {m.model: (m.reference_key, m.how) for m in report.matches}
    assert how["openrouter/acme/acme-large"] == ("acme/acme-large", "id")
    assert how["claude-opus-4.6"][0] == "anthropic/claude-opus-4.6"
    assert how["claude-opus-4.6"][1].endswith("(creator)")
    [dis] = report.disagreements
    assert (dis.model, dis.component, dis.catalog, dis.reference) == (
        "openrouter/acme/acme-large",
        "output",
        D("3.5"),
        D("3"),
    )


# -- CLI ----------------------------------------------------------------------------------------------------------
@pytest.fixture()
def overlay(tmp_path) -> Path:
    directory = tmp_path / "prices"
    directory.mkdir()
    (directory / "acme.yaml").write_text(ACME)
    return directory


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_table(overlay):
    result = run("pricing", "diff", str(LITELLM), "--from", "litellm", "--pricing", str(overlay))
    assert result.exit_code == 0, result.output
    assert "reference: litellm" in result.stdout
    assert "matched: " in result.stdout and "unmatched: " in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("acme/acme-large "))
    assert "1.1" in row and "+10.0%" in row and row.split()[-1] == "new"
    small = next(line for line in result.stdout.splitlines() if line.startswith("acme/acme_small "))
    assert small.rstrip().endswith("known: stale")


def test_cli_fail_on_new_only_for_new_disagreements(overlay, tmp_path):
    args = ["pricing", "diff", str(LITELLM), "--from", "litellm", "--fail-on-new"]
    assert run(*args, "--pricing", str(overlay)).exit_code == 1  # acme-large's input is new
    only_known = tmp_path / "known"
    only_known.mkdir()
    (only_known / "acme.yaml").write_text(
        ACME.split("      - id: acme/acme-tiny")[0].replace(
            "prices: {input: 1.1, output: 3, cache_read: 0.1}",
            "prices: {input: 1, output: 3, cache_read: 0.1}",
        )
    )
    result = run(*args, "--pricing", str(only_known), "--format", "json")
    mine = [d for d in json.loads(result.stdout)["disagreements"] if d["model"].startswith("acme/")]
    assert [(d["model"], d["status"], d["verdict"]) for d in mine] == [("acme/acme_small", "known", "stale")]
    assert result.exit_code == (1 if json.loads(result.stdout)["new"] else 0)


def test_cli_fail_on_diff(overlay):
    result = run(
        "pricing", "diff", str(LITELLM), "--from", "litellm", "--pricing", str(overlay), "--fail-on-diff"
    )
    assert result.exit_code == 1
    result = run(
        "pricing",
        "diff",
        str(LITELLM),
        "--from",
        "litellm",
        "--pricing",
        str(overlay),
        "--tolerance",
        "1000",
        "--fail-on-diff",
    )
    assert result.exit_code == 0, result.output
    assert "no disagreement beyond the tolerance" in result.stdout


def test_cli_json(overlay):
    result = run(
        "pricing", "diff", str(LITELLM), "--from", "litellm", "--pricing", str(overlay), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "tokencost.pricing-diff/1"
    assert document["tolerance_percent"] == "1"
    mine = [d for d in document["disagreements"] if d["model"].startswith("acme/")]
    assert {(d["model"], d["catalog"], d["reference"], d["difference_percent"]) for d in mine} == {
        ("acme/acme-large", "1.1", "1", "10.00"),
        ("acme/acme_small", "0.2", "0.1", "100.00"),
    }
    assert "acme/acme-tiny" in document["unmatched_models"]
    assert document["matched"] == len(document["matches"])


def test_cli_markdown_and_unmatched(overlay):
    result = run(
        "pricing",
        "diff",
        str(LITELLM),
        "--from",
        "litellm",
        "--pricing",
        str(overlay),
        "--format",
        "markdown",
        "--show-unmatched",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("- reference: litellm")
    assert "| acme/acme-large" in result.stdout
    assert "`acme/acme-tiny`" in result.stdout


def test_cli_openrouter(tmp_path):
    directory = tmp_path / "or"
    directory.mkdir()
    (directory / "or.yaml").write_text(
        textwrap.dedent(
            """\
            provider: {id: openrouter-test, name: OR test, kind: aggregator, currency: USD, checked: 2026-11-01}
            models:
              - id: openrouter-test/acme/acme-large
                tokenizer: generic
                prices: {input: 1, output: 3}
            """
        )
    )
    result = run("pricing", "diff", str(OPENROUTER), "--from", "openrouter", "--pricing", str(directory))
    assert result.exit_code == 0, result.output
    assert "reference: openrouter" in result.stdout


def test_cli_bad_reference(tmp_path):
    result = run("pricing", "diff", str(FIXTURES / "litellm_truncated.json"), "--from", "litellm")
    assert result.exit_code == 2 and "truncated JSON" in result.output
    result = run("pricing", "diff", str(LITELLM), "--from", "nowhere")
    assert result.exit_code == 2


@pytest.mark.parametrize("value", ["-1", "abc", "nan"])
def test_cli_bad_tolerance(value):
    result = run("pricing", "diff", str(LITELLM), "--from", "litellm", "--tolerance", value)
    assert result.exit_code == 2
    assert "--tolerance" in result.output


def test_every_alias_named_in_the_reference_is_compared():
    """An alias promises the same price: a differently priced entry behind it is a disagreement."""
    text = """{
        "acme/acme-large": {"litellm_provider": "acme", "input_cost_per_token": 1e-06},
        "acme/eu.acme-large": {"litellm_provider": "acme", "input_cost_per_token": 1.1e-06}
    }"""
    reference = import_litellm(parse_json_text(text, "ref"), checked=dt.date(2026, 11, 1))
    sheet = textwrap.dedent(
        """\
        provider: {id: acme, name: Acme Cloud, kind: host, currency: USD, checked: 2026-11-01}
        models:
          - id: acme/acme-large
            aliases: [acme/eu.acme-large]
            tokenizer: generic
            prices: {input: 1}
        """
    )
    report = diff_catalog(catalog_of(sheet), reference, source="litellm", tolerance=D(1))
    assert [m.reference_key for m in report.matches] == ["acme/acme-large"]
    [dis] = report.disagreements
    assert (dis.reference_key, dis.catalog, dis.reference) == ("acme/eu.acme-large", D("1"), D("1.1"))


def test_reference_equal_to_an_earlier_price_is_flagged_as_history():
    sheet = textwrap.dedent(
        """\
        provider: {id: acme, name: Acme Cloud, kind: host, currency: USD, checked: 2026-11-01}
        models:
          - id: acme/acme-large
            tokenizer: generic
            history:
              - {effective_from: 2026-01-01, input: 1, output: 3}
            prices: {effective_from: 2026-06-01, input: 1.1, output: 3}
        """
    )
    report = diff_catalog(catalog_of(sheet), litellm_reference(), source="litellm", tolerance=D(1))
    [dis] = report.disagreements
    assert dis.history_match == "2026-01-01"
    assert dis.as_row()["status"] == "known: stale (= ours from 2026-01-01)"
    assert report.new == []


# -- the bundled catalog's recorded diffs (pricing/*-diff.md) ------------------------------------------------------
# The documents are `pricing diff --format markdown` output against the newest references. Offline, these tests
# hold them to the catalog: every row still shows the catalog's price, and every row is known through one of the
# model's reference_checks (same reference, field and figure) or an earlier card of ours with that figure.
DIFF_DOCUMENTS = {
    "litellm": Path(__file__).resolve().parents[1] / "pricing" / "litellm-diff.md",
    "genai-prices": Path(__file__).resolve().parents[1] / "pricing" / "genai-prices-diff.md",
}


def document_rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [
        dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True)) for line in lines[2:]
    ]


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return Catalog.from_sheets(load_sheets([], use_env=False, bundled=True))


@pytest.mark.parametrize("source", sorted(DIFF_DOCUMENTS))
def test_recorded_diff_is_current_and_every_row_is_known(bundled, source):
    from tokencost.pricing.diff import compared_prices

    path = DIFF_DOCUMENTS[source]
    rows = document_rows(path)
    summary = re.search(r"(\d+) price\(s\) on (\d+) model\(s\); new [^:]*: (\d+)", path.read_text())
    assert summary and int(summary.group(1)) == len(rows) > 0 and summary.group(3) == "0"
    for row in rows:
        model = bundled.get(row["model"]).model
        component, reference = row["component"], D(row["reference/M"])
        # a sheet changed since the document was generated: regenerate it (see the document's command line)
        assert compared_prices(model.card_in_force(dt.date(2026, 12, 4)))[component] == D(row["catalog/M"]), (
            row
        )
        assert row["status"].startswith("known: "), row
        checks = {(c.reference, c.field, c.theirs) for c in model.reference_checks}
        earlier = {compared_prices(card).get(component) for card in model.history}
        assert (source, component, reference) in checks or reference in earlier, row


def test_every_reference_check_is_well_formed(bundled):
    for entry in bundled:
        for check in entry.model.reference_checks:
            assert check.reference in ("litellm", "genai-prices", "openrouter"), entry.id
            assert "\n" not in check.reason and len(check.reason) < 300, entry.id
