"""The planner library: workload schema, projection arithmetic, pricing, ranking, constraints, bad input."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_sheet
from tokencost.costing.card_pricer import CardPricer
from tokencost.costing.engine import Usage, price_usage
from tokencost.errors import InputError
from tokencost.planner import plan_file, workload_json_schema
from tokencost.planner.projection import (
    DAYS_PER_MONTH,
    add_months,
    default_start,
    growth_factors,
    month_labels,
    monthly_growth_factor,
    requests_per_month,
)
from tokencost.planner.ratios import ratio, ratio_table
from tokencost.pricing.schema import PriceCard
from tokencost.tokenizers import get_counter

TODAY = dt.date(2026, 11, 22)
ROOT = Path(__file__).resolve().parents[1]


write = write_sheet  # dedented YAML into a directory


BASIC = """
    version: 1
    currency: USD
    start: 2027-01-01
    horizon_months: 3
    candidates: [acme-large, acme-mini]
    budgets: {monthly_total: 100, per_workload: {bot: 60}}
    policies: {require_exact_counts: true, max_price_per_mtok: {input: 3}}
    workloads:
      - name: bot
        model: acme-large
        requests_per_month: 1000
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 500
"""


def plan(tmp_path, acme_dir, body: str = BASIC, **kwargs):
    path = write(tmp_path, "w.yaml", body)
    return plan_file(path, pricing=[acme_dir], today=TODAY, **kwargs)


# -- projection ----------------------------------------------------------------------------------------------
def test_month_is_365_25_over_12_days():
    assert Decimal("365.25") / 12 == DAYS_PER_MONTH
    assert requests_per_month(Decimal(10), "day") == Decimal("304.375")
    assert requests_per_month(Decimal(7), "week") == DAYS_PER_MONTH
    assert requests_per_month(Decimal(5), "month") == 5


def test_weekly_growth_compounds_to_a_monthly_factor():
    factor = monthly_growth_factor(Decimal("0.10"), "week")
    assert abs(float(factor) - 1.1 ** (30.4375 / 7)) < 1e-12
    assert monthly_growth_factor(Decimal("0.15"), "month") == Decimal("1.15")
    assert monthly_growth_factor(Decimal(0), "week") == 1
    assert growth_factors(Decimal("1.5"), 3) == [1, Decimal("1.5"), Decimal("2.25")]


@given(st.decimals(min_value=Decimal("-0.9"), max_value=Decimal(3), places=3))
def test_four_weeks_of_weekly_growth_is_less_than_a_month(g):
    monthly = monthly_growth_factor(g, "week")
    four_weeks = (1 + g) ** 4
    if g > 0:
        assert monthly > four_weeks
    elif g < 0:
        assert monthly < four_weeks


def test_month_labels_and_default_start():
    assert month_labels(dt.date(2026, 11, 30), 4) == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert default_start(dt.date(2026, 12, 15)) == dt.date(2027, 1, 1)


# -- the fast pricer is the cost engine --------------------------------------------------------------------
CARD = PriceCard.model_validate(
    {
        "input": "2.5",
        "output": "10",
        "cache_read": "0.25",
        "per_request": "0.001",
        "tiers": [{"above": 200000, "input": 5, "output": 15}],
        "variants": {"batch": {"input": "1.25", "output": 5}},
    }
)
NO_CACHE_CARD = PriceCard.model_validate({"input": "0.3", "output": "0.9", "reasoning": "2"})

amounts = st.decimals(min_value=0, max_value=400000, places=2)


@settings(max_examples=200, deadline=None)
@given(
    amounts,
    st.decimals(min_value=0, max_value=1, places=3),
    amounts,
    amounts,
    st.decimals(min_value=0, max_value=10**9, places=1),
    st.sampled_from([None, "batch", "flex"]),
    st.sampled_from([CARD, NO_CACHE_CARD]),
)
def test_fast_pricer_equals_price_usage(inp, cache, out, reasoning, requests, variant, card):
    cached = inp * cache
    usage = Usage(
        input_tokens=inp,
        output_tokens=out,
        cache_read_tokens=cached,
        reasoning_tokens=reasoning,
        requests=requests,
    )
    expected = price_usage(card, usage, "USD", variant=variant)
    got = CardPricer(card).price(inp, cached, out, reasoning, requests, variant)
    assert got.total == expected.total
    assert set(got.notes) == set(expected.notes)


# -- schema --------------------------------------------------------------------------------------------------
def test_shipped_json_schema_matches_the_models():
    shipped = json.loads(files("tokencost.planner").joinpath("data/workload.schema.json").read_text("utf-8"))
    assert shipped == json.loads(json.dumps(workload_json_schema())), (
        "regenerate src/tokencost/planner/data/workload.schema.json from workload_json_schema()"
    )


def test_example_workloads_validate_against_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = workload_json_schema()
    examples = sorted((ROOT / "examples" / "workloads").glob("*.yaml"))
    from tokencost.planner.starter import STARTER

    documents = [yaml.safe_load(STARTER), *(yaml.safe_load(p.read_text("utf-8")) for p in examples)]
    for document in documents:
        jsonschema.validate(json.loads(json.dumps(document, default=str)), schema)


def test_ratio_table_has_provenance_and_is_consistent():
    table = ratio_table()
    assert table["reference"] == "o200k_base"
    assert {"mixed", "en", "zh", "code"} <= set(table["tables"])
    r, how = ratio("o200k_base", "cl100k_base", "zh")
    assert r > 1 and "measured on" in how
    assert ratio("deepseek-v3", "deepseek-v3")[0] == 1
    back, _ = ratio("cl100k_base", "o200k_base", "zh")
    assert abs(r * back - 1) < Decimal("0.002")


def test_ratio_table_was_measured_with_the_shipped_estimator():
    # estimate-only families (claude, gemini, glm, ...) were counted with the estimator: refitting it without
    # regenerating the table would leave the planner converting through stale ratios
    from tokencost.planner.ratios import estimator_fingerprint

    assert ratio_table()["estimator_sha256"] == estimator_fingerprint(), (
        "family_ratios.json is stale: regenerate it with " + ratio_table()["regenerate"]
    )


# -- plan ----------------------------------------------------------------------------------------------------
def test_plan_document_follows_the_contract(tmp_path, acme_dir):
    doc = plan(tmp_path, acme_dir).to_document()
    assert doc["schema"] == "tokencost.plan/1"
    assert doc["currency"] == "USD" and doc["start"] == "2027-01-01" and doc["horizon_months"] == 3
    assert doc["generated_on"] == "2026-11-22"
    assert doc["budgets"] == {"monthly_total": "100", "per_workload": {"bot": "60"}}
    assert doc["policies"]["require_exact_counts"] is True
    assert doc["policies"]["max_price_per_mtok"] == {"input": "3"}
    assert doc["price_data"] == {"oldest_checked": "2026-11-01", "newest_checked": "2026-11-01"}
    (w,) = doc["workloads"]
    assert w["resolved_model"] == "acme-large" and w["provider"] == "acme"
    assert w["requests_per_month"] == "1000"
    assert w["tokens_per_request"] == {
        "input": "1000",
        "cached": "0",
        "cache_write": "0",
        "output": "500",
        "reasoning": "0",
    }
    assert w["count"] == {
        "family": "o200k_base",
        "exact": True,
        "method": "given:o200k_base",
        "error_band": None,
        "low": "1000",
        "high": "1000",
    }
    assert w["price_per_mtok"] == {"input": "2.5", "output": "10", "currency": "USD"}
    # 1000 requests x (1000 x 2.5 + 500 x 10) / 1e6 = 7.5
    assert Decimal(w["monthly_cost"]) == Decimal("7.5")
    assert [f["month"] for f in w["forecast"]] == ["2027-01", "2027-02", "2027-03"]
    assert {Decimal(f["cost"]) for f in w["forecast"]} == {Decimal("7.5")}
    ranks = [(c["rank"], c["model"], c["current"]) for c in w["candidates"]]
    assert ranks == [(1, "acme-mini", False), (2, "acme-large", True)]
    mini = w["candidates"][0]
    assert mini["exact"] is False and mini["method"].startswith("converted:o200k_base->cl100k_base")
    assert Decimal(mini["savings"]) == Decimal("7.5") - Decimal(mini["monthly_cost"])
    assert doc["totals"]["monthly_cost"] == w["monthly_cost"]
    assert doc["totals"]["best_monthly_cost"] == mini["monthly_cost"]
    assert any("30.4375" in a for a in doc["assumptions"])
    assert any("converted from o200k_base with ratio" in a for a in w["assumptions"])
    assert any("assumed: reasoning_tokens not given" in a for a in w["assumptions"])
    json.dumps(doc)  # plain JSON


def test_cache_batch_growth_and_daily_traffic(tmp_path, acme_dir):
    body = BASIC.replace("requests_per_month: 1000", "requests_per_day: 100").replace(
        "output_tokens: 500",
        "output_tokens: 500\n        cache_hit_ratio: 0.5\n        batch_share: 0.25\n        growth: 10%\n        growth_per: week",
    )
    result = plan(tmp_path, acme_dir, body)
    w = result.workloads[0]
    requests = Decimal(100) * DAYS_PER_MONTH
    standard = requests * Decimal("0.75") * (500 * Decimal("2.5") + 500 * Decimal("0.25") + 500 * 10) / 10**6
    batch = requests * Decimal("0.25") * (500 * Decimal("1.25") + 500 * Decimal("0.25") + 500 * 5) / 10**6
    assert w.monthly_cost == standard + batch
    factor = monthly_growth_factor(Decimal("0.1"), "week")
    assert w.forecast[2][1] == w.monthly_cost * factor * factor
    doc = result.to_document()
    assert doc["workloads"][0]["tokens_per_request"]["cached"] == "500"
    mini = next(c for c in doc["workloads"][0]["candidates"] if c["model"] == "acme-mini")
    assert "no batch price published: standard rates used" in mini["notes"]


def test_real_prompt_text_is_counted_per_family(tmp_path, acme_dir):
    write(tmp_path, "prompts/a.txt", "你好，我想退货。订单号 A-1234，能帮我查一下吗？" * 20)
    write(tmp_path, "prompts/b.txt", "Where is my order? It was due on Monday. " * 10)
    body = BASIC.replace("input_tokens: 1000\n        counted_with: o200k_base", "prompt: prompts/*.txt")
    result = plan(tmp_path, acme_dir, body)
    w = result.workloads[0]
    assert len(w.samples) == 2
    o200k, cl100k = get_counter("o200k_base"), get_counter("cl100k_base")
    texts = [(tmp_path / "prompts" / n).read_text("utf-8") for n in ("a.txt", "b.txt")]
    assert w.by_family["o200k_base"].input == Decimal(sum(o200k.count(t) for t in texts)) / 2
    assert w.by_family["cl100k_base"].input == Decimal(sum(cl100k.count(t) for t in texts)) / 2
    assert w.by_family["cl100k_base"].largest_input == max(cl100k.count(t) for t in texts)
    assert w.tokens.count.exact is True
    # output tokens are given in the current model's family and scaled by the text's own ratio
    r = w.by_family["cl100k_base"].input / w.by_family["o200k_base"].input
    assert w.by_family["cl100k_base"].output == 500 * r


def test_chat_messages_are_counted_with_overhead(tmp_path, acme_dir):
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi there"}]
    write(tmp_path, "chat.json", json.dumps({"messages": messages}))
    body = BASIC.replace("input_tokens: 1000\n        counted_with: o200k_base", "messages: chat.json")
    w = plan(tmp_path, acme_dir, body).workloads[0]
    content = sum(get_counter("o200k_base").count(m["content"]) for m in messages)
    assert w.tokens.input > content
    assert "chat overhead" in w.tokens.count.method


def test_constraints_exclude_with_reasons(tmp_path, acme_dir):
    body = BASIC.replace("budgets:", "constraints: {capabilities: [vision]}\n    budgets:")
    doc = plan(tmp_path, acme_dir, body).to_document()
    w = doc["workloads"][0]
    assert [c["model"] for c in w["candidates"]] == ["acme-large"]
    assert w["excluded"] == [{"model": "acme-mini", "provider": "acme", "reason": "lacks vision"}]


def test_context_window_must_fit_the_largest_request(tmp_path, acme_dir):
    body = BASIC.replace("input_tokens: 1000", "input_tokens: 130000").replace(
        "candidates: [acme-large, acme-mini]", "candidates: [acme-mini]"
    )
    doc = plan(tmp_path, acme_dir, body).to_document()
    w = doc["workloads"][0]
    assert w["candidates"] == [] or all(c["model"] != "acme-large" for c in w["candidates"])
    reason = next(x["reason"] for x in w["excluded"] if x["model"] == "acme-large")
    assert reason == "context 128k < needed 131k"
    assert any("breaks a constraint" in p for p in w["problems"])


def test_min_context_and_vendor_lists(tmp_path, acme_dir):
    # nothing qualifies: the current model is still priced (so the budget can be gated), every candidate
    # is listed with its reason, and the plan says nothing meets the constraints instead of refusing
    for constraint in ("{min_context: 200000}", "{deny_vendors: [acme]}"):
        body = BASIC.replace("budgets:", f"constraints: {constraint}\n    budgets:")
        doc = plan(tmp_path, acme_dir, body).to_document()
        (w,) = doc["workloads"]
        assert w["candidates"] == [] and {x["model"] for x in w["excluded"]} == {"acme-large", "acme-mini"}
        assert (
            w["monthly_cost"] is not None
            and doc["totals"]["best_monthly_cost"] == doc["totals"]["monthly_cost"]
        )
        assert any(p.startswith("no candidate meets the constraints (2 excluded") for p in w["problems"])


def test_selectors(tmp_path, acme_dir):
    body = BASIC.replace(
        "candidates: [acme-large, acme-mini]", "candidates: ['vendor:acme', 'capability:vision']"
    )
    doc = plan(tmp_path, acme_dir, body).to_document()
    models = {c["model"] for c in doc["workloads"][0]["candidates"]}
    assert {"acme-large", "acme-mini"} <= models


def test_unknown_model_raises_or_is_tolerated(tmp_path, acme_dir):
    body = BASIC.replace("model: acme-large", "model: acme-larg")
    with pytest.raises(InputError) as info:
        plan(tmp_path, acme_dir, body)
    assert "w.yaml:10: workloads[0].model: unknown model 'acme-larg'" in str(info.value)
    assert "acme-large" in str(info.value)  # suggestion
    doc = plan(tmp_path, acme_dir, body, tolerate_unknown=True).to_document()
    w = doc["workloads"][0]
    assert w["resolved_model"] is None and w["provider"] is None
    assert w["monthly_cost"] is None and w["forecast"] == []
    assert w["problems"] and "unknown model 'acme-larg'" in w["problems"][0]
    assert all(c["savings"] is None for c in w["candidates"])


def test_currency_conversion_is_stated(tmp_path, acme_dir):
    doc = plan(
        tmp_path, acme_dir, BASIC.replace("currency: USD", "currency: CNY"), fx=["CNY=7"]
    ).to_document()
    assert doc["currency"] == "CNY"
    assert Decimal(doc["workloads"][0]["monthly_cost"]) == Decimal("52.5")
    assert doc["fx"] == "1 USD = 7 CNY (given)"
    assert doc["workloads"][0]["price_per_mtok"] == {"input": "17.5", "output": "70", "currency": "CNY"}


# -- bad input -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "output_tokens: 500",
            "output_tokens: 500\n        colour: blue",
            r"w.yaml:15: workloads\[0\].colour: unknown field",
        ),
        (
            "requests_per_month: 1000",
            "requests_per_month: -5",
            r"w.yaml:11: workloads\[0\].requests_per_month: cannot be negative",
        ),
        (
            "output_tokens: 500",
            "output_tokens: 500\n        cache_hit_ratio: 1.5",
            r"w.yaml:15: .*cache_hit_ratio: must be between 0 and 1",
        ),
        (
            "output_tokens: 500",
            "output_tokens: 500\n        batch_share: -0.1",
            r"batch_share: must be between 0 and 1",
        ),
        (
            "requests_per_month: 1000",
            "requests_per_month: 1000\n        requests_per_day: 3",
            r"give the traffic once",
        ),
        ("counted_with: o200k_base", "counted_with: o201k", r"unknown tokenizer family 'o201k'"),
        ("horizon_months: 3", "horizon_months: 0", r"w.yaml:4: horizon_months"),
        ("currency: USD", "currency: XXX", r"not an ISO 4217"),
        (
            "candidates: [acme-large, acme-mini]",
            "candidates: ['capability:telepathy']",
            r"unknown capability",
        ),
        (
            "per_workload: {bot: 60}",
            "per_workload: {bots: 60}",
            r"w.yaml:6: budgets.per_workload.bots: budget for bots, but no workload has that name \(workloads: bot\)",
        ),
        ("output_tokens: 500", "output_tokens: 500\n        growth: -100%", r"growth must be above -100%"),
        ("version: 1", "version: 2", r"w.yaml:1: version"),
        (
            "output_tokens: 500",
            "output_tokens: 500\n        growth: 15",
            r"growth 15 is ambiguous: write '15%'",
        ),
    ],
)
def test_bad_input_is_one_line_with_file_and_line(tmp_path, acme_dir, old, new, message):
    assert old in BASIC
    with pytest.raises(InputError, match=message) as info:
        plan(tmp_path, acme_dir, BASIC.replace(old, new))
    assert "\n" not in str(info.value)


def test_glob_matching_nothing(tmp_path, acme_dir):
    body = BASIC.replace("input_tokens: 1000\n        counted_with: o200k_base", "prompt: prompts/*.md")
    with pytest.raises(
        InputError, match=r"w.yaml:12: workloads\[0\].prompt: 'prompts/\*.md' matches no file"
    ):
        plan(tmp_path, acme_dir, body)


def test_unknown_candidate(tmp_path, acme_dir):
    body = BASIC.replace("candidates: [acme-large, acme-mini]", "candidates: [acme-large, acme-nano]")
    with pytest.raises(InputError, match=r"w.yaml:5: candidates\[1\]: unknown model 'acme-nano'"):
        plan(tmp_path, acme_dir, body)
    result = plan(tmp_path, acme_dir, body, tolerate_unknown=True)
    assert any("acme-nano" in p for p in result.problems)


def test_defaults_are_inherited_and_replaced_as_groups(tmp_path, acme_dir):
    body = """
        version: 1
        start: 2027-01-01
        candidates: [acme-large]
        defaults:
          requests_per_day: 10
          input_tokens: 100
          counted_with: o200k_base
          output_tokens: 10
        workloads:
          - name: a
            model: acme-large
          - name: b
            model: acme-large
            requests_per_month: 5
    """
    result = plan(tmp_path, acme_dir, body)
    assert result.workloads[0].requests_per_month == Decimal("304.375")
    assert result.workloads[1].requests_per_month == 5
    assert result.currency == "USD"
    assert any("currency: USD (assumed" in a for a in result.assumptions)
    assert any("horizon: 12 months (assumed" in a for a in result.assumptions)


def test_bad_defaults_point_at_the_defaults_block(tmp_path, acme_dir):
    body = """
        version: 1
        defaults:
          cache_hit_ratio: 2
        workloads:
          - {name: a, model: acme-large, requests_per_day: 1, input_tokens: 1}
    """
    with pytest.raises(InputError, match=r"w.yaml:3: defaults.cache_hit_ratio: must be between 0 and 1"):
        plan(tmp_path, acme_dir, body)


def test_planning_restores_the_garbage_collector(tmp_path, acme_dir):
    import gc

    assert gc.isenabled()
    result = plan(tmp_path, acme_dir)
    result.to_document()
    assert gc.isenabled()
    gc.disable()
    try:
        plan(tmp_path, acme_dir).to_document()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_prompt_list_and_estimate_only(tmp_path, acme_dir):
    write(tmp_path, "one.txt", "First sample prompt, in English. " * 5)
    write(tmp_path, "more/two.txt", "第二个样本。" * 10)
    body = BASIC.replace(
        "input_tokens: 1000\n        counted_with: o200k_base", "prompt: [one.txt, 'more/*.txt']"
    )
    exact = plan(tmp_path, acme_dir, body).workloads[0]
    assert len(exact.samples) == 2 and exact.tokens.count.exact
    estimated = plan(tmp_path, acme_dir, body, estimate_only=True)
    w = estimated.workloads[0]
    assert not w.tokens.count.exact and w.tokens.count.method.startswith("estimate:")
    assert any("--estimate" in a for a in estimated.assumptions)
    missing = BASIC.replace(
        "input_tokens: 1000\n        counted_with: o200k_base", "prompt: [one.txt, gone.txt]"
    )
    with pytest.raises(InputError, match=r"w.yaml:12: workloads\[0\].prompt: file 'gone.txt' not found"):
        plan(tmp_path, acme_dir, missing)


def test_zero_traffic_and_free_models(tmp_path, acme_dir):
    write(
        acme_dir,
        "free.yaml",
        """
        provider: {id: freebie, name: Freebie, kind: vendor, currency: USD, checked: 2026-11-01}
        models:
          - {id: free-one, tokenizer: o200k_base, free: true, prices: {input: 0, output: 0}}
        """,
    )
    body = BASIC.replace("candidates: [acme-large, acme-mini]", "candidates: [acme-mini, free-one]")
    doc = plan(tmp_path, acme_dir, body).to_document()
    first = doc["workloads"][0]["candidates"][0]
    assert first["model"] == "free-one" and Decimal(first["monthly_cost"]) == 0
    assert "free model" in first["notes"] and first["savings_pct"] == "100.0"
    doc = plan(
        tmp_path, acme_dir, body.replace("requests_per_month: 1000", "requests_per_month: 0")
    ).to_document()
    w = doc["workloads"][0]
    assert Decimal(w["monthly_cost"]) == 0 and all(c["savings_pct"] is None for c in w["candidates"])


@given(st.decimals(min_value=Decimal("-99.9"), max_value=Decimal(1000), places=1))
def test_growth_percent_strings_equal_fractions(p):
    from tokencost.planner.workload import WorkloadFields

    as_percent = WorkloadFields.model_validate({"growth": f"{p}%"}).growth
    assert as_percent == p / 100
    if abs(p) < 100:
        assert WorkloadFields.model_validate({"growth": str(p / 100)}).growth == p / 100


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["day", "week", "month"]))
def test_monthly_requests_scale_linearly(n, per):
    one = requests_per_month(Decimal(1), per)
    assert requests_per_month(Decimal(n), per) == Decimal(n) * one >= 0


def test_selector_matching_nothing(tmp_path, acme_dir):
    body = BASIC.replace("candidates: [acme-large, acme-mini]", "candidates: ['vendor:nobody']")
    with pytest.raises(
        InputError, match=r"w.yaml:5: candidates\[0\]: unknown vendor 'nobody' \(known vendors: acme"
    ):
        plan(tmp_path, acme_dir, body)


def test_long_context_tiers_are_judged_per_sample_request(tmp_path, acme_dir):
    write(tmp_path, "p/big.txt", "hello " * 120_000)
    write(tmp_path, "p/small.txt", "hello " * 100)
    body = BASIC.replace("input_tokens: 1000\n        counted_with: o200k_base", "prompt: p/*.txt").replace(
        "candidates: [acme-large, acme-mini]", "candidates: [acme-large]"
    )
    w = plan(tmp_path, acme_dir, body).workloads[0]
    counter = get_counter("o200k_base")
    big, small = counter.count("hello " * 120_000), counter.count("hello " * 100)
    assert (big + small) / 2 < 100_000 < big  # the average request is below the tier, one sample above it
    expected = (
        Decimal(500) * (big * Decimal(5) + 500 * 15) + Decimal(500) * (small * Decimal("2.5") + 500 * 10)
    ) / 10**6
    assert w.monthly_cost == expected
    assert any("prompt over 100,000 tokens" in n for n in w.candidates[0].notes)


def test_shares_accept_percent_strings(tmp_path, acme_dir):
    body = BASIC.replace(
        "output_tokens: 500", "output_tokens: 500\n        cache_hit_ratio: 40%\n        batch_share: '25 %'"
    )
    w = plan(tmp_path, acme_dir, body).workloads[0].workload
    assert w.cache_hit_ratio == Decimal("0.4") and w.batch_share == Decimal("0.25")
    with pytest.raises(InputError, match="cache_hit_ratio: must be between 0 and 1"):
        plan(tmp_path, acme_dir, body.replace("40%", "140%"))
