"""Reading genai-prices' bundled data without its runtime, and diffing the catalog against it."""

from __future__ import annotations

import datetime as dt
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.errors import InputError
from tokencost.pricing.catalog import Catalog, LoadedSheet, parse_sheet
from tokencost.pricing.diff import diff_catalog
from tokencost.pricing.import_genai import load_genai_prices, matcher

DATA = Path(__file__).parent / "fixtures" / "genai_prices_data.txt"
TODAY = dt.date(2026, 12, 4)
D = Decimal

ACME = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme Cloud, kind: host, currency: USD, checked: 2026-11-01}
    models:
      - id: acme/acme-large
        aliases: [acme-large-20261001]
        tokenizer: generic
        prices: {input: 1.2, output: 3, cache_read: 0.12, tiers: [{above: 200000, input: 2.5}]}
      - id: acme/acme-small-2
        tokenizer: generic
        prices: {input: 0.1, output: 0.5}
    """
)


@pytest.fixture()
def wheel(tmp_path: Path) -> Path:
    path = tmp_path / "genai_prices-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("genai_prices/data.py", DATA.read_text())
    return path


def test_cards_history_scheduled_tiers_and_variants(wheel):
    result = load_genai_prices(wheel, today=TODAY)
    assert result.version == "9.9.9"
    models = {m.id: m for m in result.sheets["acme"].models}
    large = models["acme/acme-large"]
    assert large.prices.effective_from == dt.date(2026, 10, 1)
    assert (large.prices.input, large.prices.cache_read) == (D("1.2"), D("0.12"))
    assert [(t.above, t.input) for t in large.prices.tiers] == [(200000, D("2.4"))]
    assert large.prices.variants["batch"].input == D("0.6")
    assert large.prices.variants["flex"].input == D("0.5")
    assert [c.effective_from for c in large.scheduled] == [dt.date(2027, 1, 1)]
    assert large.card_at(dt.date(2027, 2, 1)).input == D(2)
    # the undated first card is the oldest history card (its start is unknown)
    [first] = large.history
    assert first.effective_from is None and first.input == D(1) and "batch" not in first.variants
    assert large.card_at(dt.date(2026, 9, 30)).input == D(1)
    assert models["acme/acme-night"].prices.input == D("0.5")  # time-of-day prices are left out, and said so
    assert result.windowed == {"acme/acme-night"}
    assert "acme/acme-image" not in models
    assert any(s.key == "acme:acme-image" for s in result.skipped)


def test_reads_a_bare_data_file_and_rejects_other_files(tmp_path):
    assert load_genai_prices(DATA, today=TODAY).models == 3
    bad = tmp_path / "data.py"
    bad.write_text("x = 1\n")
    with pytest.raises(InputError, match="no 'providers' list"):
        load_genai_prices(bad)
    evil = tmp_path / "evil.py"
    evil.write_text("providers = [__import__('os').system('true')]\n")
    with pytest.raises(InputError, match="unexpected expression"):
        load_genai_prices(evil)


def test_match_rules():
    rule = matcher(
        {
            "_type": "ClauseOr",
            "or_": [{"_type": "ClauseEquals", "equals": "a"}, {"_type": "ClauseRegex", "regex": "^b-\\d"}],
        }
    )
    assert rule("a") and rule("b-1") and not rule("b-x") and not rule("ab")


def test_diff_matches_by_the_references_own_rules_and_compares_tiers(wheel):
    sheets = [LoadedSheet(parse_sheet(ACME, "acme.yaml"), "acme.yaml", "test")]
    report = diff_catalog(
        Catalog.from_sheets(sheets),
        load_genai_prices(wheel, today=TODAY),
        source="genai-prices",
        tolerance=D(1),
        today=TODAY,
    )
    how = {m.model: m.reference_key for m in report.matches}
    assert how == {"acme/acme-large": "acme-large", "acme/acme-small-2": "acme-small"}
    found = {(d.model, d.component) for d in report.disagreements}
    assert found == {("acme/acme-large", "tier>200000.input"), ("acme/acme-small-2", "output")}


def test_cli_diff_from_genai_prices(wheel, tmp_path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "acme.yaml").write_text(ACME)
    result = CliRunner().invoke(
        cli,
        [
            "pricing",
            "diff",
            str(wheel),
            "--from",
            "genai-prices",
            "--pricing",
            str(overlay),
            "--at",
            "2026-12-04",
            "--fail-on-new",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "reference: genai-prices 9.9.9" in result.stdout
