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
    # fields the overlay omits are inherited: the aliases still find the overriding entry
    assert catalog.find("acme-large-2026-01") is entry
    assert entry.model.context_window == 128000
    # the price block is replaced as a whole: no tiers or batch variant of the old card leak in
    assert entry.model.prices.tiers == [] and entry.model.prices.variants == {}


def _layered(*texts: str) -> Catalog:
    """Each text is one sheet in its own layer, lowest first; lines are known (texts are kept)."""
    import textwrap

    sheets = []
    for i, text in enumerate(texts):
        body = textwrap.dedent(text)
        sheets.append(LoadedSheet(parse_sheet(body, f"l{i}.yaml"), f"l{i}.yaml", f"layer{i}", body))
    return Catalog.from_sheets(sheets)


VENDOR = """
provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01,
           pricing_urls: [https://acme.example/pricing]}
models:
  - id: acme-large
    name: Acme Large
    aliases: [acme-large-2026-01]
    tokenizer: o200k_base
    context_window: 128000
    capabilities: [tools]
    modalities: {input: [text, image]}
    released: 2026-01-01
    checked: 2026-10-01
    notes: bundled note
    prices: {effective_from: 2026-06-01, input: 2.5, output: 10}
    history:
      - {effective_from: 2026-01-01, input: 3, output: 12}
"""


def test_overlay_inherits_every_field_it_does_not_set():
    catalog = _layered(
        VENDOR,
        """
        provider: {id: mine, name: My deals, kind: vendor, currency: USD, checked: 2026-11-10}
        models:
          - id: acme-large
            prices: {input: 1, output: 4}
        """,
    )
    entry = catalog.get("acme-large-2026-01")  # bundled alias still resolves
    model = entry.model
    assert (model.prices.input, model.prices.output) == (Decimal(1), Decimal(4))
    assert model.name == "Acme Large" and model.tokenizer == "o200k_base"
    assert model.context_window == 128000 and [c.value for c in model.capabilities] == ["tools"]
    assert model.modalities.input == ["text", "image"] and model.notes == "bundled note"
    # the creator stays the vendor, so --vendor acme still lists it though the overlay's provider is "mine"
    assert entry.creator == "acme" and entry.provider.id == "mine"
    assert [e.id for e in catalog.select(vendor=["acme"])] == ["acme-large"]
    # the price block is replaced whole: no inherited history, source or checked date
    assert model.history == [] and entry.model.card_at(dt.date(2026, 2, 1)) is model.prices
    assert entry.source is None and entry.checked == dt.date(2026, 11, 10)


def test_overlay_without_prices_inherits_the_price_block_and_its_provenance():
    catalog = _layered(
        VENDOR,
        """
        provider: {id: mine, name: Mine, kind: vendor, currency: USD, checked: 2026-11-10}
        models:
          - id: acme-large
            context_window: 64000
            aliases: [big]
        """,
    )
    entry = catalog.get("big")
    assert entry.model.context_window == 64000
    assert entry.model.prices.input == Decimal("2.5") and len(entry.model.history) == 1
    assert entry.source == "https://acme.example/pricing" and entry.checked == dt.date(2026, 10, 1)
    assert catalog.find("acme-large-2026-01") is None  # aliases given: replaced, not merged


def test_overlay_without_prices_in_another_currency_is_an_error():
    with pytest.raises(PricingError) as info:
        _layered(
            VENDOR,
            """
            provider: {id: mine, name: Mine, kind: vendor, currency: EUR, checked: 2026-11-10}
            models:
              - id: acme-large
                context_window: 64000
            """,
        )
    assert info.value.problems == [
        "l1.yaml:4: model 'acme-large' overrides l0.yaml without prices, but its sheet bills in EUR and "
        "the inherited prices are in USD; give prices in EUR"
    ]


def test_merged_override_is_validated_as_a_whole():
    with pytest.raises(PricingError) as info:
        _layered(
            VENDOR,
            """
            provider: {id: mine, name: Mine, kind: vendor, currency: USD, checked: 2026-11-10}
            models:
              - id: acme-large
                deprecated: 2025-01-01
            """,
        )
    (problem,) = info.value.problems
    assert problem.startswith("l1.yaml:4: ") and "deprecated date is before the release date" in problem
    assert "inherited from l0.yaml" in problem


def test_a_new_model_still_needs_tokenizer_and_prices():
    with pytest.raises(PricingError) as info:
        _layered(
            VENDOR,
            """
            provider: {id: mine, name: Mine, kind: vendor, currency: USD, checked: 2026-11-10}
            models:
              - id: acme-large
                prices: {input: 1}
              - id: brand-new
                context_window: 1000
            """,
        )
    assert info.value.problems == [
        "l1.yaml:6: models[1]: model 'brand-new' needs tokenizer and prices (only a model that overrides "
        "one of a lower layer may omit them)"
    ]


def test_bundled_sheet_without_tokenizer_is_an_error():
    with pytest.raises(PricingError, match="needs tokenizer"):
        _layered("""
        provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
        models:
          - {id: x, prices: {input: 1}}
        """)


def test_duplicate_id_in_one_sheet_names_the_line_of_the_repeat():
    text = """provider: {id: mine, name: x, kind: vendor, currency: USD, checked: 2026-11-01}
models:
  - id: m1
    tokenizer: o200k_base
    prices: {input: 1, output: 2}
  - id: m1
    tokenizer: o200k_base
    prices: {input: 1, output: 2}
"""
    with pytest.raises(PricingError) as info:
        parse_sheet(text, "s.yaml")
    assert info.value.problems == ["s.yaml:6: models[1].id: model id 'm1' appears twice (first at line 3)"]


def test_duplicate_alias_in_one_sheet_names_the_line_of_the_alias():
    text = """provider: {id: mine, name: x, kind: vendor, currency: USD, checked: 2026-11-01}
models:
  - id: m1
    tokenizer: o200k_base
    prices: {input: 1, output: 2}
  - id: m2
    tokenizer: o200k_base
    aliases:
      - other
      - M1
    prices: {input: 1, output: 2}
"""
    with pytest.raises(PricingError) as info:
        parse_sheet(text, "s.yaml")
    assert info.value.problems == ["s.yaml:10: models[1].aliases[1]: 'M1' names both 'm1' (line 3) and 'm2'"]


def test_cross_file_clash_names_both_files_and_lines():
    with pytest.raises(PricingError) as info:
        _layered(
            VENDOR,
            """
            provider: {id: mine, name: Mine, kind: vendor, currency: USD, checked: 2026-11-10}
            models:
              - id: m1
                tokenizer: generic
                aliases: [x, ACME-LARGE-2026-01]
                prices: {input: 1}
            """,
        )
    assert info.value.problems == [
        "l1.yaml:6: 'ACME-LARGE-2026-01' (model 'm1') is already a name of 'acme-large' at l0.yaml:7; "
        "an id or alias must name one model"
    ]


def test_same_layer_duplicate_id_across_files_names_the_first_definition():
    import textwrap

    body = textwrap.dedent(VENDOR)
    sheets = [
        LoadedSheet(parse_sheet(body, "a.yaml"), "a.yaml", "same", body),
        LoadedSheet(parse_sheet(body, "b.yaml"), "b.yaml", "same", body),
    ]
    with pytest.raises(PricingError) as info:
        Catalog.from_sheets(sheets)
    assert info.value.problems[0].startswith(
        "b.yaml:5: model id 'acme-large' is already defined at a.yaml:5; ids must be unique"
    )


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


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("input", -1),
        ("input", "-0.5"),
        ("input", "cheap"),
        ("currency", "usd"),
        ("currency", "US"),
    ],
)
def test_json_schema_rejects_what_the_validator_rejects(where, value):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "pricing" / "schema.json").read_text(encoding="utf-8"))
    sheet = {
        "provider": {"id": "x", "name": "X", "kind": "vendor", "currency": "USD", "checked": "2026-01-01"},
        "models": [{"id": "m", "tokenizer": "generic", "prices": {"input": 1, "output": "0.5"}}],
    }
    jsonschema.validate(sheet, schema)  # the valid baseline passes
    if where == "currency":
        sheet["provider"]["currency"] = value
    else:
        sheet["models"][0]["prices"][where] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sheet, schema)
    with pytest.raises(ValueError):
        Sheet.model_validate(sheet)


@pytest.mark.parametrize("value", [0, 0.5, "0", "1.25", "2.5e-1", ".5"])
def test_json_schema_accepts_non_negative_prices(value):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "pricing" / "schema.json").read_text(encoding="utf-8"))
    sheet = {
        "provider": {"id": "x", "name": "X", "kind": "vendor", "currency": "CNY", "checked": "2026-01-01"},
        "models": [{"id": "m", "tokenizer": "generic", "prices": {"input": value}}],
    }
    jsonschema.validate(sheet, schema)
    assert Sheet.model_validate(sheet).models[0].prices.input >= 0


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
    assert list((tmp_path / "cache" / "tokencost").glob("catalog-*.snapshot"))
    sheet = acme_dir / "acme.yaml"
    sheet.write_text(sheet.read_text().replace("input: 0.1,", "input: 0.2,"), encoding="utf-8")
    module._cached_catalog.cache_clear()
    assert load_catalog([acme_dir]).get("acme-mini").model.prices.input == Decimal("0.2")


def test_corrupt_cache_entry_is_ignored(acme_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from tokencost.pricing import catalog as module

    load_catalog([acme_dir])
    for entry in (tmp_path / "cache" / "tokencost").glob("catalog-*.snapshot"):
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


@pytest.mark.parametrize(
    ("model", "thinking_rate"),
    [
        ("qwen-plus-latest", "4"),
        ("qwen-turbo", "0.5"),
        ("alibaba-cn/qwen-plus", "8"),
        ("alibaba-cn/qwen-turbo", "3"),
    ],
)
def test_alibaba_thinking_mode_notes_say_what_to_enter(model, thinking_rate):
    """Alibaba bills ALL thinking-mode output at the thinking rate; the engine bills reasoning tokens at
    `reasoning` and answer tokens at `output`. The note must say so, and what it tells users to enter
    (all output as reasoning tokens) must bill the whole output at the thinking rate."""
    from tokencost.costing.engine import Usage, price_usage

    entry = load_catalog().get(model)
    card = entry.model.prices
    assert card.reasoning == Decimal(thinking_rate) and card.output < card.reasoning
    note = entry.model.notes or ""
    assert "WHOLE output" in note and "enter all output as reasoning_tokens" in note
    assert "output_tokens 0" in note and f"thinking-mode output {thinking_rate} " in note
    # as the note says: 100 answer + 100 reasoning tokens in thinking mode entered as 200 reasoning tokens
    bill = price_usage(card, Usage(input_tokens=0, output_tokens=0, reasoning_tokens=200), entry.currency)
    assert bill.total == Decimal(200) * Decimal(thinking_rate) / Decimal(1_000_000)
    # entered naively, the answer tokens are billed at the (lower) non-thinking output rate
    naive = price_usage(card, Usage(input_tokens=0, output_tokens=100, reasoning_tokens=100), entry.currency)
    assert naive.total < bill.total


def test_max_input_tokens_cannot_exceed_the_context_window():
    text = ACME_SHEET.replace(
        "context_window: 128000\n", "context_window: 128000\n        max_input_tokens: 200000\n", 1
    )
    assert "max_input_tokens: 200000" in text
    with pytest.raises(PricingError) as info:
        parse_sheet(text, "x.yaml")
    assert "max_input_tokens 200,000 is larger than context_window 128,000" in info.value.problems[0]
