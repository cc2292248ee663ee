"""One rule for money on screen: a symbol or a code, cents from one unit up, significant digits below."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tokencost.cli import cli
from tokencost.currency import format_money
from tokencost.render.money import money, multiple, savings_pct, signed, signed_pct

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=9)


@given(amounts, st.sampled_from(["USD", "EUR", "GBP", "CNY", "JPY", "CHF"]))
def test_a_symbol_or_a_code_never_both(amount, currency):
    text = format_money(amount, currency)
    has_symbol = bool(re.search(r"[$€£¥]", text))
    has_code = text.endswith(" " + currency)
    assert has_symbol != has_code, text
    assert "¥" not in text  # CNY and JPY share it: always their code


@given(amounts)
def test_cents_from_one_unit_up_significant_digits_below(amount):
    number = format_money(amount, "USD").lstrip("-$").replace(",", "")
    whole, _, decimals = number.partition(".")
    if Decimal(number) >= 1 or amount == 0:
        assert len(decimals) == 2, number
    else:
        digits = (whole + decimals).lstrip("0")
        assert len(digits) == 3, number  # three significant digits, trailing zeros kept
    # the shown figure is the amount, rounded
    assert abs(Decimal(number) - abs(amount)) <= Decimal(1).scaleb(-len(decimals)) / 2


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("159.449", "USD", "$159.45"),
        ("90.4169", "USD", "$90.42"),
        ("0.000102", "USD", "$0.000102"),
        ("-3.2", "EUR", "-€3.20"),
        ("1012.305", "CNY", "1,012.30 CNY"),
        ("0.5", "JPY", "0.500 JPY"),
        ("0", "USD", "$0.00"),
    ],
)
def test_examples_of_the_rule(value, currency, expected):
    assert money(Decimal(value), currency) == expected


def test_a_change_that_rounds_to_nothing_is_no_change_never_plus_minus_zero():
    assert signed(Decimal(0), "USD") == "no change"
    assert signed(Decimal("0.0000000001"), "USD") == "+$0.000000000100"
    assert signed(Decimal("-12.5"), "USD") == "-$12.50"
    assert signed(Decimal("3"), "CNY") == "+3.00 CNY"
    assert signed_pct(Decimal(0)) == "0%"
    assert signed_pct(Decimal("3.4")) == "+3.4%"


def test_savings_beyond_minus_100_percent_are_a_multiple():
    assert savings_pct(Decimal("12.3")) == "12.3%"
    assert savings_pct(Decimal("-45.0")) == "-45.0%"
    assert savings_pct(Decimal("-690")) == "7.9× the current cost"
    assert multiple(Decimal("-1266.9")) == "13.7× the current cost"
    assert savings_pct(Decimal("-100")) == "2.0× the current cost"


def test_plan_outputs_follow_the_rule(tmp_path):
    """Table, Markdown and HTML of the bundled support example: no '$x USD', no '±', no '-1266.9%'."""
    runner = CliRunner()
    for fmt in ("table", "markdown"):
        result = runner.invoke(cli, ["plan", "examples/workloads/support-zh.yaml", "--format", fmt])
        assert result.exit_code == 0, result.output
        _assert_one_rule(result.output)
    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", "examples/workloads/support-zh.yaml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    _assert_one_rule(out.read_text("utf-8"))


def _assert_one_rule(text: str) -> None:
    assert not re.search(r"[$€£]-?[\d,.]+(E[+-]\d+)? (USD|EUR|GBP)\b", text)
    assert not re.search(r"¥[\d,.]+ (CNY|JPY)", text)
    assert "±0" not in text and "±$" not in text
    assert not re.search(r"-\d{3,}(\.\d+)?%", text)  # savings beyond -100 % are multiples
    # no money with four decimals at one unit or more (cents there)
    assert not re.search(r"\$[1-9][\d,]*\.\d{3,}", text)
