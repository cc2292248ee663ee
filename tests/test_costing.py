"""``costing.price_volumes``: the one pricing step that estimate, the planner and replay share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_sheet
from tokencost.costing import CardPricers, Volumes, price_volumes
from tokencost.costing.engine import Usage, price_usage
from tokencost.pricing.catalog import load_catalog

SHEET = """
    provider: {id: acme, name: Acme AI, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-large
        tokenizer: o200k_base
        prices:
          effective_from: 2026-06-01
          input: 2.5
          output: 10
          cache_read: 0.25
          per_request: 0.001
          tiers: [{above: 100000, input: 5, output: 15}]
          variants: {batch: {input: 1.25, output: 5}}
          windows: [{name: off-peak, start: "16:30", end: "00:30", input: 1, output: 4}]
        history:
          - {effective_from: 2026-01-01, input: 3, output: 12}
      - id: acme-mini
        tokenizer: cl100k_base
        prices: {input: 0.1, output: 0.4}
      - id: acme-outputless
        tokenizer: cl100k_base
        prices: {input: 0.1}
"""


@pytest.fixture(scope="module")
def entries(tmp_path_factory):
    directory = tmp_path_factory.mktemp("acme")
    catalog = load_catalog([write_sheet(directory, "acme.yaml", SHEET)])
    return [catalog.get(name) for name in ("acme-large", "acme-mini", "acme-outputless")]


def volumes(inp, cached, out, reasoning, traffic, **kwargs) -> dict[str, Volumes]:
    one = Volumes(inp, cached, out, reasoning, traffic, **kwargs)
    return {"o200k_base": one, "cl100k_base": one}


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=0, max_value=300000, places=0),
    st.decimals(min_value=0, max_value=1, places=2),
    st.decimals(min_value=0, max_value=5000, places=0),
    st.decimals(min_value=0, max_value=10**6, places=0),
    st.decimals(min_value=0, max_value=10**6, places=0),
)
def test_fast_and_itemised_paths_agree(entries, inp, share, out, standard, batch):
    cached = (inp * share).to_integral_value()
    v = volumes(inp, cached, out, 0, ((None, standard), ("batch", batch)))
    fast = price_volumes(entries[:2], v)
    itemised = price_volumes(entries[:2], v, itemised=True)
    for a, b in zip(fast, itemised, strict=True):
        assert a.entry is b.entry and a.problem is None and b.problem is None
        if standard or batch:  # with no traffic at all the itemised path bills 0 requests: total 0 too
            assert a.total == b.total
            assert set(a.notes) == set(b.notes)
        assert not a.bills and len(b.bills) == max(bool(standard) + bool(batch), 1)


def test_one_cost_per_model_in_order_with_problems_never_zero(entries):
    costs = price_volumes(entries, volumes(1000, 0, 200, 0, ((None, 10),)))
    assert [c.entry.id for c in costs] == ["acme-large", "acme-mini", "acme-outputless"]
    large = price_usage(
        entries[0].model.prices, Usage(input_tokens=1000, output_tokens=200, requests=10), "USD"
    )
    assert costs[0].total == large.total
    assert costs[2].total is None and costs[2].problem == "no output price"


def test_standard_and_batch_traffic_add_up(entries):
    both = price_volumes(entries[:1], volumes(1000, 0, 200, 0, ((None, 6), ("batch", 4))))[0]
    alone = [
        price_volumes(entries[:1], volumes(1000, 0, 200, 0, (part,)))[0].total
        for part in ((None, 6), ("batch", 4))
    ]
    assert both.total == alone[0] + alone[1]


def test_samples_are_priced_one_by_one_when_a_tier_may_apply(entries):
    # two samples of 50k and 150k tokens: the 150k one crosses the 100k tier, the 100k average would not
    samples = (Decimal(50_000), Decimal(150_000))
    v = volumes(100_000, 0, 0, 0, ((None, 2),), samples=samples, largest=Decimal(150_000))
    split = price_volumes(entries[:1], v)[0]
    card = entries[0].model.prices
    expected = sum(price_usage(card, Usage(input_tokens=size, requests=1), "USD").total for size in samples)
    assert split.total == expected
    assert any("long-context" in note for note in split.notes)
    average = price_volumes(entries[:1], volumes(100_000, 0, 0, 0, ((None, 2),)))[0]
    assert average.total < split.total


def test_a_date_before_any_price_is_a_problem_and_history_is_used(entries):
    early = price_volumes(entries[:1], volumes(1000, 0, 0, 0, ((None, 1),)), at=dt.date(2025, 1, 1))[0]
    assert early.total is None and early.problem == "no known price on 2025-01-01"
    # the oldest card applies from 2026-01-01, the current one from 2026-06-01
    v = volumes(50_000, 0, 0, 0, ((None, 1),))
    assert price_volumes(entries[:1], v, at=dt.date(2026, 3, 1))[0].total == Decimal("0.15")
    assert price_volumes(entries[:1], v, at=dt.date(2026, 7, 1))[0].total == Decimal("0.126")


def test_a_time_of_day_bills_itemised_with_the_window(entries):
    v = volumes(50_000, 0, 0, 0, ((None, 1),))
    night = price_volumes(entries[:1], v, at_time=dt.time(23, 0))[0]
    assert night.total == Decimal("0.051") and night.bills and any("off-peak" in n for n in night.notes)
    assert price_volumes(entries[:1], v)[0].total == Decimal("0.126")


def test_pricers_are_cached_per_model_and_date(entries):
    pricers = CardPricers()
    assert pricers.get(entries[0]) is pricers.get(entries[0])
    assert pricers.get(entries[0], dt.date(2025, 1, 1)) is None
