"""``pricing diff``: each reference entry is compared with one catalog model, the most specific one."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal

from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.pricing.catalog import Catalog, LoadedSheet, parse_sheet
from tokencost.pricing.diff import diff_catalog
from tokencost.pricing.import_openrouter import import_openrouter

D = Decimal

#: OpenRouter resells DeepSeek V3.2 below DeepSeek's own list price, and offers a free tier of Step 3.5 Flash.
REFERENCE = {
    "data": [
        {
            "id": "deepseek/deepseek-v3.2",
            "name": "DeepSeek: DeepSeek V3.2",
            "context_length": 163840,
            "pricing": {"prompt": "0.00000026", "completion": "0.00000038", "input_cache_read": "0.00000013"},
        },
        {
            "id": "stepfun/step-3.5-flash:free",
            "name": "StepFun: Step 3.5 Flash (free)",
            "context_length": 256000,
            "pricing": {"prompt": "0", "completion": "0"},
        },
    ]
}

VENDORS = textwrap.dedent(
    """\
    provider: {id: deepseek, name: DeepSeek, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: deepseek-v3.2
        aliases: [deepseek/deepseek-v3.2]
        tokenizer: deepseek-v3
        prices: {input: 0.28, output: 0.42, cache_read: 0.028}
    """
)
STEPFUN = textwrap.dedent(
    """\
    provider: {id: stepfun, name: StepFun, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: step-3.5-flash
        aliases: [stepfun/step-3.5-flash]
        tokenizer: generic
        prices: {input: 0.1, output: 0.3}
    """
)
OPENROUTER = textwrap.dedent(
    """\
    provider: {id: openrouter, name: OpenRouter, kind: aggregator, currency: USD, checked: 2026-11-01}
    models:
      - id: openrouter/deepseek/deepseek-v3.2
        creator: deepseek
        serves: deepseek-v3.2
        tokenizer: deepseek-v3
        prices: {input: 0.26, output: 0.38, cache_read: 0.13}
      - id: 'openrouter/stepfun/step-3.5-flash:free'
        creator: stepfun
        serves: step-3.5-flash
        tokenizer: generic
        free: true
        prices: {input: 0, output: 0}
    """
)


def catalog_of(*texts: str) -> Catalog:
    sheets = [LoadedSheet(parse_sheet(t, f"s{i}.yaml"), f"s{i}.yaml", "test") for i, t in enumerate(texts)]
    return Catalog.from_sheets(sheets)


def reference():
    return import_openrouter(REFERENCE, checked=dt.date(2026, 11, 1))


def test_aggregator_entry_goes_to_the_aggregators_model_only():
    report = diff_catalog(catalog_of(VENDORS, OPENROUTER), reference(), source="openrouter", tolerance=D(1))
    matches = {m.model: (m.reference_key, m.how) for m in report.matches}
    assert matches["openrouter/deepseek/deepseek-v3.2"] == ("deepseek/deepseek-v3.2", "id")
    assert "deepseek-v3.2" not in matches
    assert "deepseek-v3.2" in report.unmatched
    assert report.disagreements == []


def test_without_the_aggregators_model_the_vendor_model_is_compared():
    report = diff_catalog(catalog_of(VENDORS), reference(), source="openrouter", tolerance=D(1))
    [match] = report.matches
    assert (match.model, match.reference_key, match.how) == (
        "deepseek-v3.2",
        "deepseek/deepseek-v3.2",
        "alias (creator)",
    )
    assert {(d.component, d.catalog, d.reference) for d in report.disagreements} == {
        ("input", D("0.28"), D("0.26")),
        ("output", D("0.42"), D("0.38")),
        ("cache_read", D("0.028"), D("0.13")),
    }


def test_each_reference_entry_is_compared_once():
    report = diff_catalog(
        catalog_of(VENDORS, STEPFUN, OPENROUTER), reference(), source="openrouter", tolerance=D(1)
    )
    keys = [m.reference_key for m in report.matches]
    assert sorted(keys) == ["deepseek/deepseek-v3.2", "stepfun/step-3.5-flash:free"]
    assert {d.reference_key for d in report.disagreements} == set()


def test_free_variant_is_not_compared_with_the_paid_model():
    report = diff_catalog(catalog_of(STEPFUN), reference(), source="openrouter", tolerance=D(1))
    assert report.matches == []
    assert report.disagreements == []
    assert report.unmatched == ["step-3.5-flash"]


def test_free_variant_is_compared_with_a_free_model():
    report = diff_catalog(catalog_of(OPENROUTER), reference(), source="openrouter", tolerance=D(1))
    matches = {m.model: m.reference_key for m in report.matches}
    assert matches["openrouter/stepfun/step-3.5-flash:free"] == "stepfun/step-3.5-flash:free"


def test_free_tier_that_now_charges_is_a_disagreement():
    """A ``:free`` entry is still compared with our free tier: a price appearing there is worth seeing."""
    paid = {
        "data": [
            {
                "id": "stepfun/step-3.5-flash:free",
                "context_length": 256000,
                "pricing": {"prompt": "0.0000001", "completion": "0.0000003"},
            }
        ]
    }
    result = import_openrouter(paid, checked=dt.date(2026, 11, 1))
    report = diff_catalog(catalog_of(STEPFUN, OPENROUTER), result, source="openrouter", tolerance=D(1))
    assert [m.model for m in report.matches] == ["openrouter/stepfun/step-3.5-flash:free"]
    assert {(d.component, d.catalog, d.reference) for d in report.disagreements} == {
        ("input", D("0"), D("0.1")),
        ("output", D("0"), D("0.3")),
    }


def test_cli_fail_on_diff_passes_when_the_catalog_agrees(tmp_path):
    """The bundled catalog has DeepSeek's own V3.2 and Step 3.5 Flash too; neither is compared with OpenRouter."""
    ref = tmp_path / "models.json"
    ref.write_text(json.dumps(REFERENCE))
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "openrouter.yaml").write_text(OPENROUTER)  # OpenRouter's models at OpenRouter's figures
    args = ["pricing", "diff", str(ref), "--from", "openrouter", "--pricing", str(sheets)]
    result = CliRunner().invoke(cli, [*args, "--fail-on-diff"])
    assert result.exit_code == 0, result.output
    assert "disagreements over 1%: 0 price(s) on 0 model(s)" in result.stdout
    document = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert sorted((m["model"], m["reference_key"]) for m in document["matches"]) == [
        ("openrouter/deepseek/deepseek-v3.2", "deepseek/deepseek-v3.2"),
        ("openrouter/stepfun/step-3.5-flash:free", "stepfun/step-3.5-flash:free"),
    ]
