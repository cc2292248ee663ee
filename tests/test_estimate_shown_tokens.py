"""The output and cached tokens a row shows are the ones its bill prices: an expected output (the ratio x the
input count) keeps its decimals in the table, the CSV, the JSON and the library row, never rounded apart."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

import tokencost
from tokencost.cli import cli


def _billed(row: dict, component: str) -> Decimal:
    return sum(
        (Decimal(i["tokens"]) for i in row["native"]["items"] if i["component"] == component), Decimal(0)
    )


@pytest.fixture
def hi(tmp_path):
    path = tmp_path / "hi.txt"
    path.write_text("hi")  # 1 o200k token: the default output is 0.25 token
    return path


def test_json_output_tokens_are_the_billed_output_tokens(hi):
    result = CliRunner().invoke(cli, ["estimate", str(hi), "-m", "gpt-5", "--format", "json"])
    (row,) = json.loads(result.output)["rows"]
    assert row["output_tokens"] == 0.25
    assert Decimal(str(row["output_tokens"])) == _billed(row, "output")
    given = CliRunner().invoke(
        cli, ["estimate", str(hi), "-m", "gpt-5", "--output-tokens", "7", "--format", "json"]
    )
    assert json.loads(given.output)["rows"][0]["output_tokens"] == 7  # a whole count stays an int


def test_table_and_csv_show_the_billed_output_tokens(hi):
    table = CliRunner().invoke(cli, ["estimate", str(hi), "-m", "gpt-5"])
    row = next(line for line in table.output.splitlines() if line.startswith("1 "))
    assert row.split()[5:7] == ["1", "0.25"]
    csv = CliRunner().invoke(cli, ["estimate", str(hi), "-m", "gpt-5", "--format", "csv"])
    assert csv.output.splitlines()[1].split(",")[5:7] == ["1", "0.25"]


def test_library_rows_carry_the_billed_output_and_cached_tokens():
    text = "word " * 465
    result = tokencost.estimate(text, "gpt-5", cached_ratio="0.5")
    (row,) = result.rows
    assert row.output_tokens == Decimal(row.input_tokens) * Decimal("0.25")
    assert row.cached_tokens == Decimal(row.input_tokens) * Decimal("0.5")
    billed = {i.component: i.tokens for i in row.bill.items}
    assert billed["output"] == row.output_tokens
    assert billed["cache_read"] == row.cached_tokens
