"""The explainable resolver: one test per rule (on a small synthetic catalog, so data changes cannot hide a
broken rule), the traps of issue 18 on the bundled catalog, and invariants of the normalisation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokencost.errors import UnknownModelError
from tokencost.pricing.catalog import Catalog, load_catalog, load_sheets
from tokencost.pricing.resolve import RULES, normal_forms, resolve

SHEETS = {
    "acme.yaml": """
provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
models:
  - id: acme-large
    aliases: [acme-large-2026-01-15, acme/acme-large]
    tokenizer: o200k_base
    prices: {input: 2, output: 8}
  - id: acme-large-2025-05-13
    tokenizer: o200k_base
    prices: {input: 5, output: 15}
  - id: acme-mini
    tokenizer: o200k_base
    prices: {input: 0.1, output: 0.4}
""",
    "openrouter.yaml": """
provider: {id: openrouter, name: OpenRouter, kind: aggregator, currency: USD, checked: 2026-11-01}
models:
  - {id: openrouter/acme/acme-large, serves: acme-large, creator: acme, tokenizer: o200k_base,
     prices: {input: 2, output: 8}}
  - {id: openrouter/acme/acme-large:free, creator: acme, tokenizer: o200k_base, free: true,
     prices: {input: 0, output: 0}}
  - {id: openrouter/acme/open-7b, creator: acme, tokenizer: o200k_base, prices: {input: 0.3, output: 0.3}}
""",
    "groq.yaml": """
provider: {id: groq, name: Groq, kind: host, currency: USD, checked: 2026-11-01}
models:
  - {id: groq/acme/open-7b, creator: acme, tokenizer: o200k_base, prices: {input: 0.1, output: 0.1}}
  - {id: groq/open-7b-versatile, creator: acme, tokenizer: o200k_base, prices: {input: 0.2, output: 0.2}}
  - {id: groq/acme/open-70b, creator: acme, tokenizer: o200k_base, prices: {input: 0.5, output: 0.5}}
""",
    "together.yaml": """
provider: {id: together, name: Together, kind: host, currency: USD, checked: 2026-11-01}
models:
  - {id: together/acme/open-7b, creator: acme, tokenizer: o200k_base, prices: {input: 0.2, output: 0.2}}
  - {id: together/acme/open-70b, aliases: [open-70b], creator: acme, tokenizer: o200k_base,
     prices: {input: 0.9, output: 0.9}}
""",
    "bedrock.yaml": """
provider: {id: bedrock, name: Bedrock, kind: host, currency: USD, checked: 2026-11-01}
models:
  - {id: bedrock/acme.acme-large-v1:0, aliases: [acme.acme-large-v1:0], serves: acme-large, creator: acme,
     tokenizer: o200k_base, prices: {input: 2.2, output: 8.8}}
""",
    "vertex.yaml": """
provider: {id: vertex, name: Vertex, kind: host, currency: USD, checked: 2026-11-01}
models:
  - {id: vertex/acme-large, serves: acme-large, creator: acme, tokenizer: o200k_base,
     prices: {input: 2.1, output: 8.4}}
""",
    "google.yaml": """
provider: {id: google, name: Google, kind: vendor, currency: USD, checked: 2026-11-01}
models:
  - {id: gem-pro, aliases: [google/gem-pro], tokenizer: o200k_base, prices: {input: 1.25, output: 10}}
""",
}


@pytest.fixture(scope="module")
def cat(tmp_path_factory) -> Catalog:
    directory = tmp_path_factory.mktemp("resolve-sheets")
    for name, text in SHEETS.items():
        (directory / name).write_text(text.lstrip(), encoding="utf-8")
    return Catalog.from_sheets(load_sheets([directory], use_env=False, bundled=False))


def _r(cat, logged, **kw):
    return resolve(cat, logged, **kw)


# -- one test per rule --------------------------------------------------------------------------------------
def test_rule_exact(cat):
    found = _r(cat, "acme-large-2026-01-15")
    assert (found.catalog_id, found.resolved_by, found.loose) == ("acme-large", "exact", False)
    assert set(found.alternatives) == {
        "openrouter/acme/acme-large",
        "bedrock/acme.acme-large-v1:0",
        "vertex/acme-large",
    }
    assert "reference card (the vendor's own API" in found.explain()


def test_rule_case(cat):
    found = _r(cat, "ACME-Large")
    assert (found.catalog_id, found.resolved_by, found.loose) == ("acme-large", "case", False)


def test_rule_normalised_date_suffix_falls_back_to_the_undated_model(cat):
    found = _r(cat, "acme-mini-2026-02-01")
    assert (found.catalog_id, found.resolved_by, found.normalised_by) == (
        "acme-mini",
        "normalised",
        ("date-suffix",),
    )
    assert _r(cat, "acme-mini-20260201").catalog_id == "acme-mini"
    assert found.loose and "acme-mini" in found.notice()


def test_trap_dated_snapshot_with_its_own_card_keeps_it(cat):
    assert _r(cat, "acme-large-2025-05-13").catalog_id == "acme-large-2025-05-13"


def test_rule_normalised_latest_gemini_and_vertex_forms(cat):
    assert _r(cat, "acme-mini-latest").normalised_by == ("latest-suffix",)
    found = _r(cat, "models/gem-pro")
    assert (found.catalog_id, found.normalised_by) == ("gem-pro", ("gemini-path",))
    vertex = _r(cat, "publishers/acme/models/acme-large@20260115")
    assert vertex.catalog_id == "vertex/acme-large"  # Vertex's shape implies Vertex's card
    assert vertex.normalised_by[:2] == ("vertex-path", "vertex-version")


def test_rule_normalised_bedrock_region_prefix_and_version(cat):
    found = _r(cat, "us.acme.acme-large-v1:0", host="aws.bedrock")
    assert (found.catalog_id, found.resolved_by) == ("bedrock/acme.acme-large-v1:0", "host")
    assert found.normalised_by == ("bedrock-region",)
    # no host named: the Bedrock shape alone still finds Bedrock's card
    assert _r(cat, "eu.acme.acme-large-v1:0").catalog_id == "bedrock/acme.acme-large-v1:0"
    assert _r(cat, "global.acme.acme-large-v1:0").catalog_id == "bedrock/acme.acme-large-v1:0"


def test_bedrock_shape_without_a_bedrock_card_falls_back_to_the_vendor_and_says_so(cat):
    found = _r(cat, "apac.acme.acme-mini-v1:0")
    assert found.catalog_id == "acme-mini"
    assert any("implies host bedrock" in line for line in found.chain)


def test_rule_host_chooses_the_named_hosts_card(cat):
    found = _r(cat, "acme-large", host="openrouter")
    assert (found.catalog_id, found.resolved_by, found.host_named) == (
        "openrouter/acme/acme-large",
        "host",
        True,
    )
    assert _r(cat, "acme/open-7b", host="groq").catalog_id == "groq/acme/open-7b"
    assert _r(cat, "acme/open-7b", host="together_ai").catalog_id == "together/acme/open-7b"


def test_instrumentations_host_spellings_read_by_their_provider():
    """OTel instrumentations write the provider with an API or agent layer after a dot (Vercel AI SDK
    ``openai.responses``, Google ADK ``gcp.vertex.agent``) or their own name (pydantic-ai ``google-gla``):
    each names a host we know; a name we do not know still passes through, so it binds to no card."""
    from tokencost.pricing.hosts import canonical_host

    assert canonical_host("openai.responses") == "openai"
    assert canonical_host("anthropic.messages") == "anthropic"
    assert canonical_host("gcp.vertex.agent") == "vertex"
    assert canonical_host("google-gla") == "google"
    assert canonical_host("gcp.vertex_ai") == "vertex"  # a whole name we know is read whole
    assert canonical_host("Azure.AI.OpenAI") == "azure"
    assert canonical_host("acme.cloud") == "acme.cloud"


def test_rule_host_through_an_instrumentations_dotted_name(cat):
    found = _r(cat, "acme-large", host="openrouter.chat")
    assert (found.catalog_id, found.host_named) == ("openrouter/acme/acme-large", True)
    assert _r(cat, "acme-mini", host="groq.chat").entry is None  # still bound to the named host


def test_named_host_without_a_card_is_never_priced_on_another_host(cat):
    found = _r(cat, "acme-mini", host="groq")
    assert found.entry is None and found.resolved_by is None
    assert "not priced on another host" in found.explain()
    assert _r(cat, "open-70b", host="cerebras").entry is None  # a host without a card for it


def test_trap_openrouter_free_variant_gets_the_free_card(cat):
    found = _r(cat, "acme/acme-large:free", host="openrouter")
    assert found.catalog_id == "openrouter/acme/acme-large:free"
    assert found.entry.model.free
    assert _r(cat, "acme/acme-large:free").catalog_id == "openrouter/acme/acme-large:free"
    # a variant without its own card is priced on the model and the chain says so
    nitro = _r(cat, "acme/acme-large:nitro", host="openrouter")
    assert nitro.catalog_id == "openrouter/acme/acme-large"
    assert nitro.normalised_by == ("openrouter-variant",)


def test_rule_host_id_unique_host_id_without_prefix(cat):
    found = _r(cat, "open-7b-versatile")
    assert (found.catalog_id, found.resolved_by) == ("groq/open-7b-versatile", "host-id")


def test_rule_reference_declared_default_host(cat):
    found = _r(cat, "acme/open-70b")  # groq and together both write it; together declares the bare id
    assert (found.catalog_id, found.resolved_by) == ("together/acme/open-70b", "reference")
    assert "groq/acme/open-70b" in found.alternatives
    assert "declared default host" in found.explain()


def test_trap_two_hosts_same_id_no_host_is_ambiguous_never_guessed(cat):
    found = _r(cat, "acme/open-7b")
    assert found.entry is None
    assert set(found.ambiguous) == {"groq/acme/open-7b", "together/acme/open-7b", "openrouter/acme/open-7b"}
    with pytest.raises(UnknownModelError, match="ambiguous"):
        cat.get("acme/open-7b")


def test_rule_loose(cat):
    found = _r(cat, "acme large")
    assert (found.catalog_id, found.resolved_by) == ("acme-large", "loose")
    assert cat.find("acme large").resolution.resolved_by == "loose"


def test_rule_self_hosted(cat):
    found = _r(cat, "acme-mini:q4")
    assert found.self_hosted and found.entry is None and found.resolved_by == "self-hosted"
    assert found.alternatives[0] == "acme-mini"  # what it would be on an API
    assert _r(cat, "anything", host="ollama").self_hosted
    assert _r(cat, "hosted_vllm/acme/open-7b").self_hosted
    with pytest.raises(UnknownModelError, match="self-hosted"):
        cat.get("acme-mini:q4")


def test_rule_map(cat):
    found = _r(cat, "prod-east-deployment", model_map={"PROD-east-deployment": "acme-large"})
    assert (found.catalog_id, found.resolved_by) == ("acme-large", "map")
    assert _r(cat, "other", model_map={"x": "acme-large"}).entry is None


def test_unknown_keeps_suggestions(cat):
    with pytest.raises(UnknownModelError) as info:
        cat.get("acme-larg")
    assert "acme-large" in info.value.suggestions


def test_every_rule_is_named():
    assert RULES[0] == "map" and "self-hosted" in RULES


# -- invariants of normalisation -----------------------------------------------------------------------------
NAME = st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,3}", fullmatch=True)


@given(NAME)
def test_forms_start_with_the_id_as_written(name):
    forms, _, _ = normal_forms(name)
    assert forms[0].text == name
    assert len({f.text for f in forms}) == len(forms)  # every form is new


@given(NAME, st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(lambda d: d.strftime("%Y-%m-%d")))
def test_a_date_suffix_is_stripped_back_to_the_name(name, date):
    forms, _, _ = normal_forms(f"{name}-{date}")
    assert name in {f.text for f in forms}


@given(
    NAME.filter(lambda n: not re.search(r"-v\d+$", n)),  # a name ending in -v2 reads as a version
    st.sampled_from(["us", "eu", "apac", "global"]),
    st.sampled_from(["-v1:0", "-v2:0", ""]),
)
def test_bedrock_decorations_are_stripped_back_to_the_name(name, region, version):
    forms, implied, _ = normal_forms(f"{region}.anthropic.{name}{version}")
    assert implied == "bedrock"
    assert name in {f.text for f in forms}


def test_every_catalog_id_and_alias_resolves_to_its_own_card():
    catalog = load_catalog()
    for entry in catalog:
        found = resolve(catalog, entry.id)
        assert (found.catalog_id, found.resolved_by) == (entry.id, "exact")
        for alias in entry.model.aliases:
            assert resolve(catalog, alias).catalog_id == entry.id, alias


# -- the traps on the bundled catalog ----------------------------------------------------------------
def test_bundled_dated_snapshot_keeps_its_own_card():
    found = resolve(load_catalog(), "gpt-4o-2024-05-13")
    assert found.catalog_id == "gpt-4o-2024-05-13"
    assert str(found.entry.model.prices.input) == "5" and str(found.entry.model.prices.output) == "15"


def test_bundled_bedrock_region_prefix():
    found = resolve(load_catalog(), "us.anthropic.claude-sonnet-4-5-20250929-v1:0", host="bedrock")
    assert found.catalog_id == "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0"


def test_bundled_openrouter_free_variant():
    found = resolve(load_catalog(), "meta-llama/llama-3.3-70b-instruct:free", host="openrouter")
    assert found.catalog_id == "openrouter/meta-llama/llama-3.3-70b-instruct:free" and found.entry.model.free


def test_catalog_get_goes_through_the_resolver():
    entry = load_catalog().get("models/gemini-2.5-pro")
    assert entry.id == "gemini-2.5-pro" and entry.resolution.resolved_by == "normalised"
    assert load_catalog().get("gemini-2.5-pro").resolution is None  # exact: nothing to say


def test_ids_are_case_insensitive_on_host_paths(tmp_path: Path):
    found = resolve(load_catalog(), "meta-llama/llama-4-scout-17b-16e-instruct", host="together_ai")
    assert found.catalog_id == "together/meta-llama/Llama-4-Scout-17B-16E-Instruct"


def test_bundled_two_hosts_same_id_without_host_is_listed_not_guessed():
    found = resolve(load_catalog(), "Qwen/Qwen3.5-397B-A17B")
    assert found.entry is None
    assert set(found.ambiguous) == {"deepinfra/Qwen/Qwen3.5-397B-A17B", "openrouter/qwen/qwen3.5-397b-a17b"}
    named = resolve(load_catalog(), "Qwen/Qwen3.5-397B-A17B", host="deepinfra")
    assert named.catalog_id == "deepinfra/Qwen/Qwen3.5-397B-A17B"


# -- audio and image tokens at their own rates (the cost engine) ---------------------------------------------
def test_audio_and_image_tokens_bill_at_their_own_rates():
    from decimal import Decimal

    from tokencost.costing.engine import Usage, price_usage

    catalog = load_catalog()
    audio = catalog.get("gpt-audio").model.prices  # 2.5 / 10 text, 32 / 64 audio
    bill = price_usage(
        audio, Usage(input_tokens=1_000_000, output_tokens=1_000_000, input_audio_tokens=400_000,
                     output_audio_tokens=250_000), "USD",
    )  # fmt: skip
    by = {i.component: i.cost for i in bill.items}
    assert by == {
        "input": Decimal("1.5"),  # 600k text at 2.5
        "input_audio": Decimal("12.8"),  # 400k at 32
        "output": Decimal("7.5"),  # 750k text at 10
        "output_audio": Decimal("16"),  # 250k at 64
    }
    assert bill.input_cost + bill.output_cost == bill.total
    image = catalog.get("gemini-2.5-flash-image").model.prices
    bill = price_usage(image, Usage(input_tokens=1000, output_tokens=1290, output_image_tokens=1290), "USD")
    assert bill.total == Decimal("0.3") * 1000 / 1_000_000 + Decimal(30) * 1290 / 1_000_000


def test_modality_tokens_without_a_rate_fall_back_to_text_and_say_so():
    from decimal import Decimal

    from tokencost.costing.engine import Usage, price_usage

    card = load_catalog().get("gpt-4o").model.prices  # no audio prices
    bill = price_usage(card, Usage(input_tokens=100, output_tokens=10, input_audio_tokens=60), "USD")
    assert bill.total == (Decimal(100) * card.input + Decimal(10) * card.output) / 1_000_000
    assert any("audio input billed at the text input rate" in n for n in bill.notes)
    with pytest.raises(ValueError, match="cannot exceed"):
        Usage(input_tokens=10, input_audio_tokens=11)


@given(
    st.integers(0, 10**7), st.integers(0, 10**7), st.integers(0, 10**7), st.integers(0, 10**7),
)  # fmt: skip
def test_splitting_tokens_by_modality_never_changes_a_card_without_modality_rates(a, b, c, d):
    from tokencost.costing.engine import Usage, price_usage

    card = load_catalog().get("gpt-4.1").model.prices
    plain = price_usage(card, Usage(input_tokens=a + b, output_tokens=c + d), "USD")
    split = price_usage(
        card,
        Usage(input_tokens=a + b, output_tokens=c + d, input_audio_tokens=b, output_image_tokens=d),
        "USD",
    )
    assert plain.total == split.total


def test_an_exact_id_never_imports_the_resolver_but_a_scope_still_maps_it():
    import subprocess
    import sys

    code = (
        "import sys; from tokencost.pricing.catalog import load_catalog; c = load_catalog(); "
        "c.get('gpt-4o'); c.find('deepseek-v3.2'); print('tokencost.pricing.resolve' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    from tokencost.pricing.resolve import model_map_scope

    with model_map_scope({"gpt-4o": "azure/gpt-4o"}):
        assert load_catalog().get("gpt-4o").id == "azure/gpt-4o"
    assert load_catalog().get("gpt-4o").id == "gpt-4o"
