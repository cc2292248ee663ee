"""`tokencost estimate` and `tokencost.estimate`: counting per family, pricing, ranking, bad input."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import tokencost
from tokencost.cli import cli
from tokencost.costing.engine import Usage, price_usage
from tokencost.costing.models import default_models
from tokencost.costing.result import money_text
from tokencost.pricing.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
EN = REPO / "examples" / "prompts" / "en.txt"
ZH = REPO / "examples" / "prompts" / "zh.txt"


def run_json(runner, *args):
    result = runner.invoke(cli, ["estimate", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_default_set_is_current_models_from_the_catalog():
    import datetime as dt

    catalog = load_catalog()
    today = dt.date.today()
    models = default_models(catalog, today)
    assert len(models) >= 15
    assert all(e.model.deprecated is None or e.model.deprecated > today for e in models)


def test_default_run_ranks_cheapest_first_and_labels_every_count(runner):
    result = runner.invoke(cli, ["estimate", str(EN)])
    assert result.exit_code == 0, result.output
    assert "assumption: output: 0.25 x each model's input tokens (default" in result.output
    document = run_json(runner, str(EN))
    rows = document["rows"]
    assert len(rows) == len(default_models(load_catalog()))
    totals = [Decimal(r["total"]) for r in rows]
    assert totals == sorted(totals)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert Decimal(rows[0]["times_cheapest"]) == 1
    for row in rows:
        assert row["count_method"].startswith(("exact:", "estimate:"))
        assert row["exact"] == row["count_method"].startswith("exact:")
        assert row["currency"] == document["currency"]
    o200k = document["token_counts"]["o200k_base"]
    assert o200k["exact"] is True and o200k["method"] == "exact:o200k_base"


def test_each_model_is_priced_on_its_own_family_count(runner):
    document = run_json(runner, str(ZH), "-m", "gpt-5", "-m", "deepseek-v3.2", "--output-tokens", "0")
    by_model = {r["model"]: r for r in document["rows"]}
    counts = document["token_counts"]
    catalog = load_catalog()
    for model_id, row in by_model.items():
        family = catalog.get(model_id).model.tokenizer
        assert row["tokenizer"] == family
        assert row["input_tokens"] == counts[family]["tokens"]
        price = catalog.get(model_id).model.prices.input
        assert Decimal(row["total"]) == Decimal(row["input_tokens"]) * price / 1_000_000


def test_python_api_returns_the_same_rows_as_the_cli(runner):
    text = EN.read_text(encoding="utf-8")
    result = tokencost.estimate(text, models=["gpt-5", "claude-opus-4.6"], output_tokens=300)
    document = run_json(runner, str(EN), "-m", "gpt-5", "-m", "claude-opus-4.6", "--output-tokens", "300")
    assert [r.model_id for r in result.rows] == [r["model"] for r in document["rows"]]
    assert [money_text(r.total) for r in result.rows] == [r["total"] for r in document["rows"]]
    assert [r.total for r in result.rows] == [Decimal(r["total"]) for r in document["rows"]]  # exact here


def test_requests_multiply_and_per_request_is_shown(runner):
    one = run_json(runner, str(EN), "-m", "gpt-5", "--output-tokens", "100")
    many = run_json(runner, str(EN), "-m", "gpt-5", "--output-tokens", "100", "--requests", "1000")
    assert Decimal(many["rows"][0]["total"]) == Decimal(one["rows"][0]["total"]) * 1000
    assert Decimal(many["rows"][0]["per_request"]) == Decimal(one["rows"][0]["total"])
    text = runner.invoke(cli, ["estimate", str(EN), "-m", "gpt-5", "--requests", "1000"]).output
    assert "Cost of 1,000 requests" in text and "per request on gpt-5" in text


def test_cached_ratio_and_batch_lower_the_bill(runner):
    base = run_json(runner, str(EN), "-m", "claude-opus-4.6", "--output-tokens", "100")
    cached = run_json(
        runner, str(EN), "-m", "claude-opus-4.6", "--output-tokens", "100", "--cached-ratio", "0.5"
    )
    batch = run_json(runner, str(EN), "-m", "claude-opus-4.6", "--output-tokens", "100", "--batch")
    assert Decimal(cached["rows"][0]["total"]) < Decimal(base["rows"][0]["total"])
    assert Decimal(batch["rows"][0]["total"]) == Decimal(base["rows"][0]["total"]) / 2
    assert batch["rows"][0]["variant"] == "batch"


def test_currency_conversion_says_which_rate(runner):
    document = run_json(runner, str(EN), "-m", "gpt-5", "--currency", "CNY", "--fx", "CNY=7")
    usd = run_json(runner, str(EN), "-m", "gpt-5")
    assert document["currency"] == "CNY"
    assert Decimal(document["rows"][0]["total"]) == Decimal(usd["rows"][0]["total"]) * 7
    assert "1 USD = 7 CNY (given)" in document["fx"]


def test_stdin_prompt(runner):
    result = runner.invoke(cli, ["estimate", "-", "-m", "gpt-5", "--format", "json"], input="你好，世界")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"][0]["input_tokens"] > 0


def test_market_note_ratios_at_february_2026_prices():
    """Our market notes: at February 2026 OpenRouter prices, 1M input tokens cost 16.7x more on Claude
    Opus 4.6 than on MiniMax M2.5; output 22.7x (MiniMax) and 9.8x (GLM 5)."""
    catalog = load_catalog()
    day = dt.date(2026, 2, 20)

    def cost(model: str, **usage) -> Decimal:
        entry = catalog.get(model)
        return price_usage(entry.model.card_at(day), Usage(**usage), entry.currency).total

    def ratio(a: Decimal, b: Decimal) -> Decimal:
        return (a / b).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    opus, minimax, glm = (
        "openrouter/anthropic/claude-opus-4.6",
        "openrouter/minimax/minimax-m2.5",
        "openrouter/z-ai/glm-5",
    )
    million_in = {"input_tokens": 1_000_000}
    million_out = {"output_tokens": 1_000_000}
    assert ratio(cost(opus, **million_in), cost(minimax, **million_in)) == Decimal("16.7")
    assert ratio(cost(opus, **million_out), cost(minimax, **million_out)) == Decimal("22.7")
    assert ratio(cost(opus, **million_out), cost(glm, **million_out)) == Decimal("9.8")


def test_at_date_through_the_cli(runner):
    document = run_json(
        runner,
        str(EN),
        "-m",
        "openrouter/anthropic/claude-opus-4.6",
        "-m",
        "openrouter/minimax/minimax-m2.5",
        "--at",
        "2026-02-20",
    )
    assert document["at"] == "2026-02-20"
    assert document["rows"][0]["model"] == "openrouter/minimax/minimax-m2.5"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-m", "gpt-5", "--output-tokens", "1", "--output-ratio", "0.5"], None, "not both"),
        (["-m", "gpt-5", "--cached-ratio", "1.5"], None, "between 0 and 1"),
        (["-m", "gpt-5", "--output-ratio", "abc"], None, "not a number"),
        (["-m", "no-such-model-xyz"], None, "unknown model 'no-such-model-xyz'"),
        (["-m", "gpt-5", "--currency", "XYZ"], None, "ISO 4217"),
        (["-m", "gpt-5", "--time", "25:99"], None, "HH:MM"),
        (
            ["-m", "gpt-5", "--vendor", "deepseek"],
            None,
            "sold by openai (made by openai): not from vendor(s) deepseek",
        ),
        (["-m", "gpt-5", "--vendor", "x"], None, "unknown vendor 'x'"),
    ],
)
def test_bad_options_exit_2_without_traceback(runner, args, stdin, message):
    result = runner.invoke(cli, ["estimate", str(EN), *args], input=stdin)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_model_and_vendor_both_apply(runner):
    """-m with --vendor: each named model must be sold or made by a vendor given (neither flag ignored)."""
    document = run_json(runner, str(EN), "-m", "gpt-4o", "-m", "azure/gpt-4o", "--vendor", "openai")
    assert {row["model"] for row in document["rows"]} == {
        "gpt-4o",
        "azure/gpt-4o",
    }  # azure's is made by openai
    result = runner.invoke(cli, ["estimate", str(EN), "-m", "gpt-4o", "--vendor", "azure"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "not from vendor(s) azure (did you mean: azure/gpt-4o)" in result.stderr


def test_unknown_model_suggests(runner):
    result = runner.invoke(cli, ["estimate", str(EN), "-m", "claude-opus-4-7x"])
    assert result.exit_code == 2
    assert "did you mean" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01binary", "binary"),
    ],
)
def test_bad_prompt_files(runner, tmp_path, content, message):
    path = tmp_path / "prompt.txt"
    path.write_bytes(content)
    result = runner.invoke(cli, ["estimate", str(path), "-m", "gpt-5"])
    assert result.exit_code == 2
    assert message in result.output


def test_missing_file_and_directory(runner, tmp_path):
    assert runner.invoke(cli, ["estimate", str(tmp_path / "nope.txt")]).exit_code == 2
    assert runner.invoke(cli, ["estimate", str(tmp_path)]).exit_code == 2
    assert runner.invoke(cli, ["estimate"]).exit_code == 2


def test_markdown_and_csv(runner):
    markdown = runner.invoke(cli, ["estimate", str(EN), "-m", "gpt-5", "--format", "markdown"]).output
    assert markdown.startswith("### Cost per request in USD") and "| #" in markdown
    csv_text = runner.invoke(cli, ["estimate", str(EN), "-m", "gpt-5", "--format", "csv"]).output
    assert csv_text.splitlines()[0].startswith("rank,model,provider,tokenizer")
    assert csv_text.splitlines()[1].endswith(",USD,yes,,chat")  # currency, fits, problems (none), kind


CHAT = REPO / "examples" / "workloads" / "prompts" / "rag-en" / "01-carry-over.json"


def test_messages_are_priced_with_chat_overhead(runner):
    from tokencost.tokenizers import count_tokens
    from tokencost.tokenizers.messages import parse_chat

    document = run_json(runner, str(CHAT), "--messages", "-m", "gpt-5", "--output-tokens", "0")
    row = document["rows"][0]
    messages, _ = parse_chat(CHAT.read_text(encoding="utf-8"), str(CHAT))
    content = sum(
        count_tokens(m["content"], tokenizer="o200k_base").tokens
        for m in messages
        if isinstance(m.get("content"), str)
    )
    assert row["exact"] is True
    assert row["input_tokens"] > content  # per-message and reply-priming overhead on top of the content


def test_messages_through_the_library_match_the_cli(runner):
    import json as json_module

    chat = json_module.loads(CHAT.read_text(encoding="utf-8"))
    result = tokencost.estimate(chat, models=["gpt-5", "deepseek-v3.2"], output_tokens=0)
    document = run_json(
        runner, str(CHAT), "--messages", "-m", "gpt-5", "-m", "deepseek-v3.2", "--output-tokens", "0"
    )
    assert [r.input_tokens for r in result.rows] == [r["input_tokens"] for r in document["rows"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"messages": []}', "no chat messages"),
        ("[1, 2]", "expected a message object"),
        (
            '{"messages": [{"role": "user", "content": "a"}], "tools": [1]}',
            "chat.json: tools[0]: expected a tool",
        ),
        (
            '{"messages": [{"role": "user", "content": "a"}]}\n[1]',
            "chat.json:2: [0]: expected a message object",
        ),
    ],
)
def test_bad_chat_input(runner, tmp_path, content, message):
    path = tmp_path / "chat.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(path), "--messages", "-m", "gpt-5"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_date_before_every_price_is_an_error_not_an_empty_table(runner):
    result = runner.invoke(cli, ["estimate", str(EN), "-m", "gpt-5", "--at", "1999-01-01"])
    assert result.exit_code == 2
    assert (
        "none of the 1 model(s) can be priced" in result.output
        and "no known price on 1999-01-01" in result.output
    )
    both = run_json(runner, str(EN), "-m", "gpt-5", "-m", "gpt-4o", "--at", "2024-06-01")
    assert [r["model"] for r in both["rows"]] == ["gpt-4o"]
    assert both["skipped"][0]["model"] == "gpt-5"


def test_times_cheapest_compares_with_the_cheapest_paid_model(runner):
    free = "openrouter/stepfun/step-3.5-flash:free"
    document = run_json(runner, str(ZH), "-m", free, "-m", "deepseek-v3.2", "-m", "gpt-5")
    rows = {r["model"]: r for r in document["rows"]}
    assert document["rows"][0]["model"] == free and rows[free]["times_cheapest"] is None
    assert Decimal(rows["deepseek-v3.2"]["times_cheapest"]) == 1
    assert Decimal(rows["gpt-5"]["times_cheapest"]) > 1
    table = runner.invoke(cli, ["estimate", str(ZH), "-m", free, "-m", "deepseek-v3.2"]).output
    assert "free" in table and "1.00x" in table and " 0x" not in table and "0.00x" not in table


def test_python_api_accepts_a_str_model_fx_str_or_mapping_and_any_case_currency():
    one = tokencost.estimate("hello world", models="gpt-5", output_tokens=10)
    assert [r.model_id for r in one.rows] == ["gpt-5"]
    usd = one.rows[0].total
    for fx in ("CNY=7", ["CNY=7"], {"cny": 7}, {"CNY": Decimal("7")}):
        result = tokencost.estimate("hello world", models="gpt-5", output_tokens=10, currency="cny", fx=fx)
        assert result.currency == "CNY"
        assert result.rows[0].total == usd * 7
        assert "1 USD = 7 CNY (given)" in result.fx_note
    vendor = tokencost.estimate("hello world", vendors="deepseek", output_tokens=10)
    assert vendor.rows and all("deepseek" in r.model_id for r in vendor.rows)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output_tokens": 1, "output_ratio": "0.5"}, "give output_tokens or output_ratio, not both"),
        ({"output_tokens": -5}, "output_tokens cannot be negative, got -5"),
        ({"output_ratio": -1}, "output_ratio must be a non-negative number, got -1"),
        ({"cached_ratio": 2}, "cached_ratio must be between 0 and 1, got 2"),
        ({"cached_ratio": "abc"}, "must be numbers"),
        ({"requests": 0}, "requests must be at least 1, got 0"),
        ({"currency": "xyz"}, "currency 'XYZ' is not an ISO 4217 code"),
        ({"fx": "C"}, "fx 'C': expected CODE=RATE with an ISO 4217 code"),
        ({"fx": {"CNY": "abc"}}, "fx 'CNY=abc': 'abc' is not a number"),
        ({"fx": "CNY=-1"}, "fx 'CNY=-1': the rate must be a positive number"),
        ({"fx": "USD=2"}, "rates are per 1 USD"),
        ({"models": ["gpt-5", 5]}, "models: expected names (str), got 5"),
    ],
)
def test_python_api_errors_name_its_parameters_not_cli_flags(kwargs, message):
    from tokencost.errors import InputError

    kwargs.setdefault("models", "gpt-5")
    with pytest.raises(InputError) as caught:
        tokencost.estimate("hello", **kwargs)
    assert message in str(caught.value)
    assert "--" not in str(caught.value)


def test_python_api_refuses_bytes_with_a_clear_message():
    from tokencost.errors import InputError

    with pytest.raises(InputError, match="decode it to str"):
        tokencost.estimate(b"hello", models="gpt-5")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output-ratio", "-1"], "--output-ratio cannot be negative"),
        (["--fx", "C"], "--fx 'C': expected CODE=RATE"),
        (["--fx", "USD=2"], "--fx 'USD=2': rates are per 1 USD"),
        (["--currency", "cny", "--fx", "CNY=abc"], "--fx 'CNY=abc'"),
    ],
)
def test_cli_errors_name_the_flags(runner, args, message):
    result = runner.invoke(cli, ["estimate", str(EN), "-m", "gpt-5", *args])
    assert result.exit_code == 2
    assert f"Error: {message}" in result.output
