"""The cost engine's billing rules and arithmetic invariants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokencost.costing.engine import Unpriceable, Usage, price_usage
from tokencost.errors import InputError
from tokencost.fx import fx_table
from tokencost.pricing.schema import PriceCard

D = Decimal


def card(**prices) -> PriceCard:
    return PriceCard.model_validate(prices)


def test_plain_input_and_output():
    bill = price_usage(card(input=3, output=15), Usage(input_tokens=1_000_000, output_tokens=200_000), "USD")
    assert bill.input_cost == D(3)
    assert bill.output_cost == D(3)
    assert bill.total == D(6)
    assert bill.currency == "USD"


def test_cached_tokens_are_part_of_input_at_the_cache_read_rate():
    usage = Usage(input_tokens=1_000_000, cache_read_tokens=400_000)
    bill = price_usage(card(input=2, cache_read=D("0.2")), usage, "USD")
    assert bill.cost_of("input") == D("1.2")  # 600k uncached
    assert bill.cost_of("cache_read") == D("0.08")
    assert bill.total == D("1.28")


def test_missing_cache_price_falls_back_to_input_and_says_so():
    bill = price_usage(card(input=2), Usage(input_tokens=1_000_000, cache_read_tokens=500_000), "USD")
    assert bill.total == D(2)
    assert any("cached tokens billed as input" in note for note in bill.notes)


def test_one_hour_cache_write_falls_back_to_five_minute_rate():
    usage = Usage(input_tokens=1_000_000, cache_write_1h_tokens=1_000_000)
    bill = price_usage(card(input=3, cache_write=D("3.75")), usage, "USD")
    assert bill.total == D("3.75")
    assert any("1 h" in n for n in bill.notes)


def test_long_context_tier_applies_to_the_whole_request():
    priced = card(input=D("1.25"), output=10, tiers=[{"above": 200_000, "input": D("2.5"), "output": 15}])
    below = price_usage(priced, Usage(input_tokens=200_000, output_tokens=1000), "USD")
    above = price_usage(priced, Usage(input_tokens=200_001, output_tokens=1000), "USD")
    assert below.tier_above is None and below.cost_of("input") == D("0.25")
    assert above.tier_above == 200_000
    assert above.cost_of("input") == D("200001") * D("2.5") / D(1_000_000)  # every token at the tier rate
    assert above.cost_of("output") == D("0.015")


def test_tier_is_chosen_per_request_not_per_total():
    priced = card(input=1, tiers=[{"above": 1000, "input": 2}])
    bill = price_usage(priced, Usage(input_tokens=800, requests=100), "USD")
    assert bill.tier_above is None
    assert bill.total == D("0.08")


def test_batch_variant_overrides_key_by_key():
    priced = card(input=2, output=8, cache_read=D("0.5"), variants={"batch": {"input": 1, "output": 4}})
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000, cache_read_tokens=1_000_000)
    bill = price_usage(priced, usage, "USD", variant="batch")
    assert bill.variant == "batch"
    assert bill.cost_of("output") == D(4)
    assert bill.cost_of("cache_read") == D("0.5")  # not overridden: keeps the base rate


def test_missing_variant_uses_standard_rates_and_says_so():
    bill = price_usage(card(input=2), Usage(input_tokens=1_000_000), "USD", variant="flex")
    assert bill.total == D(2) and bill.variant is None
    assert "no flex price" in bill.notes[0]


def test_time_window_applies_inside_and_wraps_midnight():
    priced = card(
        input=D("0.27"),
        windows=[{"name": "off-peak", "start": "16:30", "end": "00:30", "input": D("0.135")}],
    )
    usage = Usage(input_tokens=1_000_000)
    assert price_usage(priced, usage, "USD", at_time=dt.time(12, 0)).total == D("0.27")
    assert price_usage(priced, usage, "USD", at_time=dt.time(23, 0)).total == D("0.135")
    night = price_usage(priced, usage, "USD", at_time=dt.time(0, 15))
    assert night.total == D("0.135") and night.window == "off-peak"
    assert price_usage(priced, usage, "USD", at_time=dt.time(0, 30)).total == D("0.27")


def test_reasoning_billed_as_output_unless_priced():
    usage = Usage(input_tokens=0, output_tokens=1_000_000, reasoning_tokens=1_000_000)
    assert price_usage(card(input=1, output=10), usage, "USD").total == D(20)
    assert price_usage(card(input=1, output=10, reasoning=5), usage, "USD").total == D(15)


def test_per_request_fee():
    bill = price_usage(card(input=1, per_request=D("0.005")), Usage(input_tokens=1000, requests=10), "USD")
    assert bill.request_fee == D("0.05")
    assert bill.total == D("0.01") + D("0.05")
    assert bill.per_request == bill.total / 10


def test_free_model_costs_zero():
    bill = price_usage(card(input=0, output=0), Usage(input_tokens=5000, output_tokens=100), "USD", free=True)
    assert bill.total == 0 and "free model" in bill.notes


def test_missing_input_price_is_unpriceable_not_zero():
    with pytest.raises(Unpriceable):
        price_usage(card(output=1), Usage(input_tokens=10), "USD")
    with pytest.raises(Unpriceable):
        price_usage(card(input=1), Usage(input_tokens=10, output_tokens=10), "USD")


def test_usage_rejects_impossible_figures():
    with pytest.raises(ValueError):
        Usage(input_tokens=-1)
    with pytest.raises(ValueError):
        Usage(input_tokens=10, cache_read_tokens=11)


tokens = st.integers(min_value=0, max_value=10**9)
rates = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)


@given(tokens, tokens, rates, rates, st.integers(min_value=1, max_value=10**6))
def test_total_is_linear_in_requests_and_equals_the_sum_of_items(inp, out, r_in, r_out, requests):
    priced = card(input=r_in, output=r_out)
    one = price_usage(priced, Usage(input_tokens=inp, output_tokens=out), "USD")
    many = price_usage(priced, Usage(input_tokens=inp, output_tokens=out, requests=requests), "USD")
    assert many.total == one.total * requests
    assert many.total == sum(i.cost for i in many.items) + many.request_fee
    assert many.total >= 0


@given(tokens, st.integers(min_value=0, max_value=100), rates, rates)
def test_caching_never_costs_more_when_cache_reads_are_cheaper(inp, pct, r_in, r_cache):
    r_cache = min(r_cache, r_in)
    priced = card(input=r_in, cache_read=r_cache)
    cached = inp * pct // 100
    with_cache = price_usage(priced, Usage(input_tokens=inp, cache_read_tokens=cached), "USD").total
    without = price_usage(priced, Usage(input_tokens=inp), "USD").total
    assert with_cache <= without


def test_fx_conversion_and_overrides():
    table = fx_table()
    assert table.convert(D(1), "USD", "USD") == 1
    assert table.rate("USD", "CNY") == table.per_usd["CNY"]
    given_table = fx_table(["CNY=7"])
    assert given_table.convert(D(7), "CNY", "USD") == 1
    assert "given" in given_table.describe(["CNY", "USD"])
    for bad in (["CNY"], ["XXX=1"], ["CNY=-1"], ["CNY=abc"], ["USD=2"]):
        with pytest.raises(InputError):
            fx_table(bad)
    with pytest.raises(InputError, match="no exchange rate for KZT"):
        table.rate("USD", "KZT")


def test_format_money_never_raises_on_large_or_non_finite_amounts():
    from tokencost.currency import format_money

    # 23 integer digits: beyond the default 28-digit context once 6 places are added, still exact
    assert (
        format_money(Decimal("12345678901234567890123.456"), "USD", 2) == "$12,345,678,901,234,567,890,123.46"
    )
    assert format_money(Decimal("4.77281E+26"), "CNY") == "4.7728E+26 CNY"
    assert format_money(Decimal("Infinity"), "EUR") == "Infinity EUR"
    assert format_money(Decimal("0.000012345"), "USD") == "$0.0000123"
