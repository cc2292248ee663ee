"""Schema validation, the catalog loader, lookup and overlay precedence."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ACME_SHEET, write_sheet
from tokencost.errors import PricingError, UnknownModelError
from tokencost.pricing.catalog import Catalog, LoadedSheet, load_catalog, load_sheets, parse_sheet
from tokencost.pricing.schema import PriceCard, Sheet, sheet_json_schema

REPO = Path(__file__).resolve().parents[1]


def catalog_of(*dirs: Path) -> Catalog:
    return Catalog.from_sheets(load_sheets(dirs, use_env=False, bundled=False))


def test_prices_are_exact_decimals(acme_dir):
    entry = catalog_of(acme_dir).get("acme-large")
    assert entry.model.prices.input == Decimal("2.5")
    assert entry.model.prices.tiers[0].output == Decimal("15")
    assert entry.currency == "USD"
    assert entry.source == "https://acme.example/pricing"  # provider default
    assert entry.checked == dt.date(2026, 11, 1)


def test_float_prices_keep_their_decimal_spelling():
    card = PriceCard.model_validate({"input": 0.3, "output": 1.1})
    assert card.input == Decimal("0.3") and str(card.output) == "1.1"


@given(st.decimals(min_value=0, max_value=10_000, places=6, allow_nan=False, allow_infinity=False))
def test_any_non_negative_decimal_round_trips(value):
    card = PriceCard.model_validate({"input": str(value)})
    assert card.input == value


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("input: -1", "cannot be negative"),
        ("input: abc", "expected a number"),
        ("input: yes", "not true/false"),
        ("inptu: 1", "unknown field 'inptu'"),
        ("input: .nan", "finite"),
    ],
)
def test_bad_prices_are_rejected_with_the_line(body, message):
    text = f"""provider: {{id: x, name: X, kind: vendor, currency: USD, checked: 2026-01-01}}
models:
  - id: m
    tokenizer: generic
    prices:
      {body}
"""
    with pytest.raises(PricingError) as info:
        parse_sheet(text, "x.yaml")
    problem = info.value.problems[0]
    assert problem.startswith("x.yaml:6: models[0].prices."), problem
    assert message in problem


def test_malformed_yaml_names_file_and_line():
    with pytest.raises(PricingError) as info:
        parse_sheet("provider: {id: x\nmodels: [", "bad.yaml")
    assert info.value.problems[0].startswith("bad.yaml:")
    assert "malformed YAML" in info.value.problems[0]


def test_duplicate_yaml_keys_are_an_error():
    text = "provider: {id: x, name: X, kind: vendor, currency: USD, checked: 2026-01-01}\nprovider: {}\n"
    with pytest.raises(PricingError, match="duplicate key 'provider'"):
        parse_sheet(text, "dup.yaml")


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ("currency: XYZ", "not an ISO 4217 currency"),
        ("currency: CNY", None),
    ],
)
def test_currency_must_be_iso_4217(fragment, message):
    text = f"provider: {{id: x, name: X, kind: vendor, {fragment}, checked: 2026-01-01}}\n"
    if message is None:
        assert parse_sheet(text, "x.yaml").provider.currency == "CNY"
    else:
        with pytest.raises(PricingError, match=message):
            parse_sheet(text, "x.yaml")


def _model_sheet(prices: str, extra: str = "") -> str:
    return f"""provider: {{id: x, name: X, kind: vendor, currency: USD, checked: 2026-01-01}}
models:
  - id: m
    tokenizer: generic
{extra}    prices: {prices}
"""


def test_tiers_must_increase():
    text = _model_sheet("{input: 1, tiers: [{above: 200000, input: 2}, {above: 100000, input: 3}]}")
    with pytest.raises(PricingError, match="increasing order"):
        parse_sheet(text, "x.yaml")


def test_history_must_be_in_order_and_before_current_prices():
    history = "    history:\n      - {effective_from: 2026-03-01, input: 1}\n      - {effective_from: 2026-02-01, input: 2}\n"
    with pytest.raises(PricingError, match="oldest first"):
        parse_sheet(_model_sheet("{input: 1, effective_from: 2026-04-01}", history), "x.yaml")
    history = "    history:\n      - {effective_from: 2026-03-01, input: 1}\n"
    with pytest.raises(PricingError, match="must be after the last history entry"):
        parse_sheet(_model_sheet("{input: 1, effective_from: 2026-02-01}", history), "x.yaml")


def test_free_model_cannot_have_a_price():
    with pytest.raises(PricingError, match="marked free"):
        parse_sheet(_model_sheet("{input: 0, output: 1}", "    free: true\n"), "x.yaml")


def test_unknown_tokenizer_family_is_rejected():
    text = _model_sheet("{input: 1}").replace("tokenizer: generic", "tokenizer: gpt2")
    with pytest.raises(PricingError, match="unknown tokenizer family 'gpt2'"):
        parse_sheet(text, "x.yaml")


def test_card_at_follows_history():
    text = _model_sheet(
        "{input: 3, effective_from: 2026-06-01}",
        "    history:\n      - {effective_from: 2026-01-01, input: 1}\n      - {effective_from: 2026-03-01, input: 2}\n",
    )
    model = parse_sheet(text, "x.yaml").models[0]
    assert model.card_at(dt.date(2025, 12, 31)) is None
    assert model.card_at(dt.date(2026, 1, 1)).input == 1
    assert model.card_at(dt.date(2026, 5, 31)).input == 2
    assert model.card_at(dt.date(2026, 6, 1)).input == 3
    assert model.card_at(None).input == 3


def test_lookup_is_case_insensitive_and_accepts_provider_prefixes(acme_dir):
    catalog = catalog_of(acme_dir)
    assert catalog.get("ACME-LARGE").id == "acme-large"
    assert catalog.get("acme-large-2026-01").id == "acme-large"
    assert catalog.get("acme/acme-mini").id == "acme-mini"  # own provider as prefix
    assert catalog.get("acme large").id == "acme-large"  # unique loose match
    assert catalog.find("openrouter/acme-mini") is None  # another provider's prefix is not stripped


def test_unknown_model_suggests_close_names(acme_dir):
    with pytest.raises(UnknownModelError) as info:
        catalog_of(acme_dir).get("acme-larg")
    assert "acme-large" in info.value.suggestions
    assert "did you mean" in str(info.value)


def test_duplicate_alias_across_two_files_is_rejected(tmp_path):
    write_sheet(tmp_path / "d", "acme.yaml", ACME_SHEET)
    write_sheet(
        tmp_path / "d",
        "other.yaml",
        """
        provider: {id: other, name: Other, kind: host, currency: USD, checked: 2026-11-01}
        models:
          - id: other/large
            aliases: [acme-large-2026-01]
            tokenizer: generic
            prices: {input: 1}
        """,
    )
    with pytest.raises(PricingError) as info:
        catalog_of(tmp_path / "d")
    assert "'acme-large-2026-01'" in info.value.problems[0]
    assert "acme.yaml" in info.value.problems[0]


def test_overlay_replaces_a_model_and_records_what_it_overrode(acme_dir, tmp_path):
    overlay = write_sheet(
        tmp_path / "mine",
        "deal.yaml",
        """
        provider: {id: acme, name: Acme AI (our contract), kind: vendor, currency: USD, checked: 2026-11-10}
        models:
          - id: acme-large
            tokenizer: o200k_base
            prices: {input: 2, output: 8}
        """,
    )
    sheets = [
        *[
            LoadedSheet(s.sheet, s.path, "bundled")
            for s in load_sheets([acme_dir], use_env=False, bundled=False)
        ],
        *[
            LoadedSheet(s.sheet, s.path, "mine")
            for s in load_sheets([overlay.parent], use_env=False, bundled=False)
        ],
    ]
    catalog = Catalog.from_sheets(sheets)
    entry = catalog.get("acme-large")
    assert entry.model.prices.input == 2
    assert entry.overrides and entry.overrides.endswith("acme.yaml")
    assert entry.file.endswith("deal.yaml")
    # the overriding entry dropped the old aliases with the old model
    assert catalog.find("acme-large-2026-01") is None


def test_env_and_option_overlays_follow_documented_precedence(acme_dir, tmp_path, monkeypatch):
    low = write_sheet(
        tmp_path / "env",
        "a.yaml",
        """
        provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
        models:
          - {id: acme-mini, tokenizer: generic, prices: {input: 7}}
        """,
    )
    high = write_sheet(
        tmp_path / "opt",
        "a.yaml",
        """
        provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
        models:
          - {id: acme-mini, tokenizer: generic, prices: {input: 9}}
        """,
    )
    monkeypatch.setenv("TOKENCOST_PRICING", f"{acme_dir}:{low.parent}")
    sheets = load_sheets([high.parent], use_env=True, bundled=False)
    assert [s.layer.split(":")[0] for s in sheets] == ["TOKENCOST_PRICING", "TOKENCOST_PRICING", "--pricing"]
    # acme_dir and low are both in the env layer... but in different directories: distinct layers
    catalog = Catalog.from_sheets(sheets)
    assert catalog.get("acme-mini").model.prices.input == 9


def test_bundled_catalog_loads_and_has_the_headline_model():
    catalog = load_catalog()
    entry = catalog.get("claude-opus-4.6")
    assert (entry.model.prices.input, entry.model.prices.output) == (Decimal(5), Decimal(25))
    assert entry.model.prices.cache_read is not None
    assert load_catalog() is catalog  # loaded once


def test_shipped_json_schema_matches_the_models():
    shipped = json.loads((REPO / "pricing" / "schema.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(sheet_json_schema())), (
        "run: tokencost pricing schema > pricing/schema.json"
    )
    assert "additionalProperties" in json.dumps(shipped)


def test_sheet_model_forbids_extra_top_level_keys():
    with pytest.raises(ValueError):
        Sheet.model_validate(
            {
                "provider": {
                    "id": "x",
                    "name": "X",
                    "kind": "vendor",
                    "currency": "USD",
                    "checked": "2026-01-01",
                },
                "x": 1,
            }
        )


def test_disk_cache_never_serves_a_changed_sheet(acme_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from tokencost.pricing import catalog as module

    assert load_catalog([acme_dir]).get("acme-mini").model.prices.input == Decimal("0.1")
    assert list((tmp_path / "cache" / "tokencost").glob("catalog-*.pickle"))
    sheet = acme_dir / "acme.yaml"
    sheet.write_text(sheet.read_text().replace("input: 0.1,", "input: 0.2,"), encoding="utf-8")
    module._cached_catalog.cache_clear()
    assert load_catalog([acme_dir]).get("acme-mini").model.prices.input == Decimal("0.2")


def test_corrupt_cache_entry_is_ignored(acme_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from tokencost.pricing import catalog as module

    load_catalog([acme_dir])
    for entry in (tmp_path / "cache" / "tokencost").glob("catalog-*.pickle"):
        entry.write_bytes(b"not a pickle")
    module._cached_catalog.cache_clear()
    assert load_catalog([acme_dir]).get("acme-large").id == "acme-large"


def test_invalid_sheet_is_reported_even_when_a_cache_exists(acme_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from tokencost.pricing import catalog as module

    load_catalog([acme_dir])
    (acme_dir / "acme.yaml").write_text("provider: [", encoding="utf-8")
    module._cached_catalog.cache_clear()
    with pytest.raises(PricingError):
        load_catalog([acme_dir])


def test_cache_keeps_only_recent_catalogs(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from tokencost import cache

    for i in range(7):
        cache.store(f"catalog-{i}.pickle", i)
    names = sorted(p.name for p in (tmp_path / "cache" / "tokencost").iterdir())
    assert len(names) == 4
    assert cache.load("catalog-6.pickle") == 6


def test_a_model_has_no_price_before_its_release():
    text = _model_sheet("{input: 3}", "    released: 2026-06-01\n")
    model = parse_sheet(text, "x.yaml").models[0]
    assert model.card_at(dt.date(2026, 5, 31)) is None
    assert model.card_at(dt.date(2026, 6, 1)).input == 3
