"""A ``prices`` card dated after today is not in force: estimate, models and prices use the card in force today
(as ``--at today`` and plan do), and a model with no card in force today is not priced."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal

import pytest
from click.testing import CliRunner

from tokencost import estimate
from tokencost.cli import cli

FUTURE = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-12-01}
    models:
      - id: acme-1
        tokenizer: o200k_base
        prices: {effective_from: 2099-06-01, input: 10, output: 20}
    """
)
WITH_HISTORY = FUTURE + "    history:\n      - {effective_from: 2025-01-01, input: 1, output: 2}\n"


@pytest.fixture
def sheets(tmp_path):
    (tmp_path / "future").mkdir()
    (tmp_path / "future" / "acme.yaml").write_text(FUTURE)
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "acme.yaml").write_text(WITH_HISTORY)
    (tmp_path / "prompt.txt").write_text("one two three four five six")
    return tmp_path


def _estimate(sheets, kind: str, *extra: str):
    args = ["estimate", str(sheets / "prompt.txt"), "-m", "acme-1", "--pricing", str(sheets / kind)]
    return CliRunner().invoke(cli, [*args, "--output-tokens", "0", "--format", "json", *extra])


def test_estimate_without_at_prices_on_the_card_in_force_today_as_at_today_does(sheets):
    plain = _estimate(sheets, "history")
    today = _estimate(sheets, "history", "--at", dt.date.today().isoformat())
    assert plain.exit_code == 0, plain.output
    rows, rows_today = json.loads(plain.output)["rows"], json.loads(today.output)["rows"]
    assert rows[0]["total"] == rows_today[0]["total"]
    # 6 tokens at the history card's $1/M, not the 2099 card's $10/M
    assert Decimal(rows[0]["total"]) == Decimal("0.000006")


def test_estimate_of_a_model_with_no_card_in_force_today_is_an_error_as_at_today_gives(sheets):
    plain = _estimate(sheets, "future")
    today = _estimate(sheets, "future", "--at", dt.date.today().isoformat())
    assert plain.exit_code == today.exit_code == 2
    assert "no known price on" in plain.output
    assert plain.output == today.output


def test_library_estimate_does_not_price_a_card_not_yet_in_force(sheets):
    with pytest.raises(Exception, match="no known price on"):
        estimate("one two three", "acme-1", pricing=sheets / "future", output_tokens=0)


def test_models_lists_the_card_in_force_today(sheets):
    history = CliRunner().invoke(cli, ["models", "--pricing", str(sheets / "history"), "--vendor", "acme"])
    assert history.exit_code == 0, history.output
    row = next(line for line in history.output.splitlines() if line.startswith("acme-1"))
    assert row.split()[3:5] == ["1", "2"]
    future = CliRunner().invoke(
        cli, ["models", "--pricing", str(sheets / "future"), "--vendor", "acme", "--format", "json"]
    )
    (model,) = json.loads(future.output)["models"]
    assert model["input"] is None and model["output"] is None
    assert "no price before 2099-06-01" in model["flags"]


def test_prices_calls_the_card_in_force_today_current_and_a_later_one_scheduled(sheets):
    result = CliRunner().invoke(cli, ["prices", "acme-1", "--pricing", str(sheets / "history")])
    assert result.exit_code == 0, result.output
    assert "scheduled from 2099-06-01  input" in result.output
    assert "current from 2025-01-01" in result.output
    assert "current from 2099" not in result.output
    future = CliRunner().invoke(cli, ["prices", "acme-1", "--pricing", str(sheets / "future")])
    assert "current" not in future.output and "scheduled from 2099-06-01" in future.output


def test_prices_json_says_which_card_is_in_force_today(sheets):
    def in_force(kind: str):
        args = ["prices", "acme-1", "--pricing", str(sheets / kind), "--format", "json"]
        return json.loads(CliRunner().invoke(cli, args).output)["in_force"]

    history = in_force("history")
    assert (history["card"], history["effective_from"]) == ("history", "2025-01-01")
    assert in_force("future") is None
