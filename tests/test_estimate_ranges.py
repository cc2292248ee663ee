"""Costs built on estimated counts carry their range, and rankings whose ranges overlap say so."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

import tokencost
from tokencost.cli import cli

EN = (Path(__file__).resolve().parents[1] / "examples" / "prompts" / "en.txt").read_text("utf-8")


def test_estimated_rows_carry_a_cost_range_and_exact_rows_none():
    result = tokencost.estimate(EN, models=["gpt-5-mini", "glm-5", "claude-haiku-4.5"])
    rows = {row.model_id: row for row in result.rows}
    exact = rows["gpt-5-mini"]
    assert exact.count.exact and exact.cost_low == exact.total == exact.cost_high
    for model in ("glm-5", "claude-haiku-4.5"):
        row = rows[model]
        assert not row.count.exact
        assert row.count.low < row.count.tokens < row.count.high
        assert row.cost_low < row.total < row.cost_high


def test_overlapping_ranges_are_flagged_both_ways():
    # GLM 5 and Kimi K2.6 count with proxies of the same kind and cost about the same: not a certain order
    result = tokencost.estimate(EN, models=["glm-5", "kimi-k2.6", "gpt-5-mini"])
    rows = {row.model_id: row for row in result.rows}
    assert "kimi-k2.6" in rows["glm-5"].uncertain_vs and "glm-5" in rows["kimi-k2.6"].uncertain_vs
    assert rows["gpt-5-mini"].uncertain_vs == ()  # exact and far cheaper than both


def test_json_and_table_show_ranges():
    runner = CliRunner()
    result = runner.invoke(
        cli, ["estimate", "-", "-m", "glm-5", "-m", "kimi-k2.6", "--format", "json"], input=EN
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for row in doc["rows"]:
        assert Decimal(row["cost_low"]) < Decimal(row["total"]) < Decimal(row["cost_high"])
        assert row["input_tokens_low"] < row["input_tokens"] < row["input_tokens_high"]
        assert row["rank_uncertain_with"]
    table = runner.invoke(cli, ["estimate", "-", "-m", "glm-5", "-m", "kimi-k2.6"], input=EN)
    assert "total if counts are off" in table.output
    assert "ranking not certain: #1 glm-5 and #2 kimi-k2.6 (their cost ranges overlap)" in table.output


def test_table_names_runs_of_neighbours_once():
    """Overlaps among neighbouring ranks read as one line per run, not one per pair; a model whose range
    stands apart (minimax-m2.5, about a third of the others) breaks no run it is not in."""
    models = ["-m", "minimax-m2.5", "-m", "glm-5", "-m", "kimi-k2.6", "-m", "claude-haiku-4.5"]
    table = CliRunner().invoke(cli, ["estimate", "-", *models], input=EN)
    assert table.exit_code == 0, table.output
    lines = [line for line in table.output.splitlines() if line.startswith("ranking not certain")]
    assert lines == [
        "ranking not certain from #2 glm-5 to #4 claude-haiku-4.5: each one's cost range overlaps the next's "
        "(#3 kimi-k2.6 between)"
    ]


def test_chat_requests_carry_bounds():
    chat = {
        "messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": EN[:300]}]
    }
    result = tokencost.estimate(chat, models=["claude-haiku-4.5"])
    row = result.rows[0]
    assert row.count.low < row.count.tokens < row.count.high
    assert row.cost_low < row.total < row.cost_high


TOOLS_CHAT = {
    "messages": [
        {"role": "system", "content": "You answer order questions."},
        {"role": "user", "content": "Where is order 1234?"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "get_order",
                "description": "Look an order up by its id",
                "parameters": {
                    "type": "object",
                    "properties": {"order_id": {"type": "string", "description": "The order's id"}},
                    "required": ["order_id"],
                },
            },
        }
    ],
}


def test_an_exact_tokenizer_chat_with_tools_carries_its_framings_range(tmp_path):
    """The text is exact on o200k_base, but a tool prompt's framing is fitted: its held-out error is a range,
    in estimate (the row, the cost, the table's label) as in ``count --messages``."""
    result = tokencost.estimate(TOOLS_CHAT, models=["gpt-5", "gpt-4o"], output_tokens=10)
    for row in result.rows:
        assert row.count.exact
        assert row.count.low < row.count.tokens < row.count.high
        assert row.cost_low < row.total < row.cost_high
    path = tmp_path / "tools.json"
    path.write_text(json.dumps(TOOLS_CHAT), encoding="utf-8")
    counted = CliRunner().invoke(cli, ["count", str(path), "--messages", "-m", "gpt-5", "--format", "json"])
    document = json.loads(counted.stdout)
    gpt5 = next(row for row in result.rows if row.model_id == "gpt-5")
    assert (document["low"], document["tokens"], document["high"]) == (
        gpt5.count.low,
        gpt5.count.tokens,
        gpt5.count.high,
    )
    table = CliRunner().invoke(cli, ["estimate", str(path), "--messages", "-m", "gpt-5"])
    assert table.exit_code == 0
    assert "o200k_base (exact, framing ±" in table.output and "total if counts are off" in table.output
    plain = tokencost.estimate({"messages": TOOLS_CHAT["messages"]}, models=["gpt-4o"], output_tokens=10)
    assert plain.rows[0].cost_low == plain.rows[0].total == plain.rows[0].cost_high  # plain GPT-4o: exact
