"""Scheduled price changes: a card that starts in the future is allowed, shown and chosen once it starts."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from tokencost.cli import cli
from tokencost.pricing.schema import Model

SHEET = textwrap.dedent(
    """\
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-flash
        tokenizer: generic
        history:
          - {effective_from: 2026-01-01, input: 0.5, output: 2}
        prices:
          effective_from: 2026-06-01
          input: 0.75
          output: 3.75
          variants:
            flex: {input: 0.375, output: 1.875, tiers: [{above: 200000, input: 0.75, output: 3}]}
        scheduled:
          - {effective_from: 2027-01-01, input: 1.5, output: 7.5}
    """
)


def model(**changes) -> Model:
    data = {"id": "m", "tokenizer": "generic", "prices": {"effective_from": "2026-06-01", "input": 1}}
    data.update(changes)
    return Model.model_validate(data)


def test_lookup_by_date_takes_the_scheduled_card_once_it_starts():
    m = model(scheduled=[{"effective_from": "2027-01-01", "input": 2}])
    assert m.card_at(dt.date(2026, 12, 31)).input == Decimal(1)
    assert m.card_at(dt.date(2027, 1, 1)).input == Decimal(2)
    assert m.card_in_force(dt.date(2020, 1, 1)) is m.prices  # before every card: the current one
    assert m.card_at(None) is m.prices


@pytest.mark.parametrize("start", ["2026-06-01", "2026-01-01"])
def test_a_scheduled_card_must_start_after_the_current_one(start):
    with pytest.raises(ValidationError, match="scheduled cards must start after"):
        model(scheduled=[{"effective_from": start, "input": 2}])


def test_scheduled_cards_are_oldest_first():
    with pytest.raises(ValidationError, match="oldest first"):
        model(
            scheduled=[
                {"effective_from": "2027-02-01", "input": 2},
                {"effective_from": "2027-01-01", "input": 3},
            ]
        )


def test_prices_shows_scheduled_cards_and_variant_tiers(tmp_path):
    (tmp_path / "acme.yaml").write_text(SHEET)
    runner = CliRunner()
    result = runner.invoke(cli, ["prices", "acme-flash", "--pricing", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "scheduled from 2027-01-01" in result.stdout
    assert "current from 2026-06-01 flex prompt>200,000" in result.stdout
    later = runner.invoke(cli, ["prices", "acme-flash", "--pricing", str(tmp_path), "--at", "2027-03-01"])
    assert later.exit_code == 0 and "scheduled from 2027-01-01" in later.stdout and "7.5" in later.stdout
    assert "0.75" not in later.stdout
