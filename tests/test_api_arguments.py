"""The Python API takes its arguments the same way at every entry point and answers a wrong one with a
tokencost error naming the parameter, never an AttributeError/TypeError from deep inside."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import tokencost
from conftest import write_sheet
from tokencost.errors import InputError
from tokencost.planner import plan_file
from tokencost.pricing.catalog import load_catalog, pricing_paths

TODAY = dt.date(2026, 11, 22)

WORKLOAD = """
    version: 1
    currency: USD
    start: 2027-01-01
    horizon_months: 2
    candidates: [acme-large, acme-mini]
    workloads:
      - name: bot
        model: acme-large
        requests_per_month: 1000
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 500
"""


@pytest.fixture
def workload(tmp_path) -> Path:
    return write_sheet(tmp_path, "w.yaml", WORKLOAD)


def _monthly(result) -> Decimal:
    return result.to_document()["workloads"][0]["monthly_cost"]


# -- 1. one pricing path, fx and currency: the same forms at load_catalog, plan_file and estimate -------------
@pytest.mark.parametrize("form", [str, Path, lambda p: [p], lambda p: (str(p),)])
def test_load_catalog_takes_one_overlay_as_str_or_path_or_a_list(acme_dir, form):
    catalog = load_catalog(form(acme_dir))
    assert catalog.get("acme-large").layer == f"--pricing:{acme_dir}"


@pytest.mark.parametrize("form", [str, Path, lambda p: [Path(p)]])
def test_plan_file_takes_one_overlay_as_str_or_path(workload, acme_dir, form):
    result = plan_file(workload, pricing=form(acme_dir), today=TODAY)
    # acme-large: 1000 requests x (1000 x $2.5 + 500 x $10) per million tokens
    assert Decimal(_monthly(result)) == Decimal("7.5")


@pytest.mark.parametrize("form", [str, Path])
def test_estimate_takes_one_overlay_as_str_or_path(acme_dir, form):
    result = tokencost.estimate("hello world", models="acme-mini", output_tokens=10, pricing=form(acme_dir))
    assert [row.model_id for row in result.rows] == ["acme-mini"]


def test_a_missing_overlay_str_is_named_whole_not_by_its_first_letter(tmp_path, workload):
    missing = tmp_path / "nowhere"
    for call in (
        lambda: load_catalog(str(missing)),
        lambda: plan_file(workload, pricing=str(missing)),
        lambda: tokencost.estimate("hi", models="gpt-5", pricing=missing),
    ):
        with pytest.raises(InputError, match=r"nowhere: pricing directory or file not found"):
            call()


@pytest.mark.parametrize("bad", [5, b"dir", {"a": 1}, [5]])
def test_pricing_of_another_type_is_an_input_error_naming_it(bad, workload):
    with pytest.raises(InputError, match=r"^pricing: expected"):
        pricing_paths(bad)
    with pytest.raises(InputError, match=r"^pricing: expected"):
        load_catalog(bad)
    with pytest.raises(InputError, match=r"^pricing: expected"):
        plan_file(workload, pricing=bad)
    with pytest.raises(InputError, match=r"^pricing: expected"):
        tokencost.estimate("hi", models="gpt-5", pricing=bad)


@pytest.mark.parametrize("fx", ["CNY=7", ["CNY=7"], ("cny=7",), {"CNY": 7}, {"cny": Decimal("7")}])
def test_plan_file_takes_fx_as_estimate_does(workload, acme_dir, fx):
    usd = plan_file(workload, pricing=acme_dir, today=TODAY)
    cny = plan_file(workload, pricing=acme_dir, currency="cny", fx=fx, today=TODAY)
    assert cny.currency == "CNY"
    assert cny.fx_note == "1 USD = 7 CNY (given)"
    assert Decimal(_monthly(cny)) == Decimal(_monthly(usd)) * 7


def test_plan_file_checks_fx_values_with_the_cli_wording(workload, acme_dir):
    with pytest.raises(InputError, match=r"^--fx 'CNY=abc': 'abc' is not a number"):
        plan_file(workload, pricing=acme_dir, currency="CNY", fx={"CNY": "abc"})
    with pytest.raises(InputError, match=r"^--currency 'XYZ' is not an ISO 4217 code"):
        plan_file(workload, pricing=acme_dir, currency="xyz")


@pytest.mark.parametrize("bad", [5, b"CNY=7", [7]])
def test_fx_of_another_type_is_an_input_error_naming_it(workload, acme_dir, bad):
    with pytest.raises(InputError, match=r"^fx: expected"):
        plan_file(workload, pricing=acme_dir, fx=bad)
    with pytest.raises(InputError, match=r"^fx: expected"):
        tokencost.estimate("hi", models="gpt-5", fx=bad)


def test_currency_of_another_type_is_an_input_error_naming_it(workload, acme_dir):
    with pytest.raises(InputError, match=r"^currency must be an ISO 4217 code as a str"):
        tokencost.estimate("hi", models="gpt-5", currency=5)
    with pytest.raises(InputError, match=r"currency must be an ISO 4217 code as a str"):
        plan_file(workload, pricing=acme_dir, currency=5)


def test_plan_file_path_of_another_type_is_an_input_error(acme_dir):
    with pytest.raises(InputError, match=r"^path: expected a workload file path"):
        plan_file(5, pricing=acme_dir)


def test_none_means_no_overlay_and_no_fx(workload, acme_dir):
    assert len(load_catalog(None)) == len(load_catalog())
    result = tokencost.estimate("hello", models="gpt-5", output_tokens=1, pricing=None, fx=None)
    assert result.rows[0].model_id == "gpt-5"
    assert isinstance(result.rows[0].total, Decimal)


# -- 2. wrong types: an InputError naming the parameter --------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": 5}, "model must be a str, got int 5"),
        ({"tokenizer": 5}, "tokenizer must be a str, got int 5"),
        ({"tokenizer": ["o200k_base"]}, "tokenizer must be a str, got list ['o200k_base']"),
        ({"estimate": "no"}, "estimate must be True or False, got 'no'"),
    ],
)
def test_count_tokens_names_a_wrong_argument(kwargs, message):
    from tokencost.tokenizers import count_tokens

    with pytest.raises(InputError) as caught:
        count_tokens("hi", **kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize("bad", [5, None, ["claude"]])
def test_get_counter_names_a_wrong_family(bad):
    from tokencost.tokenizers import get_counter
    from tokencost.tokenizers.registry import spec

    for call in (lambda: get_counter(bad), lambda: spec(bad)):
        with pytest.raises(
            InputError, match=r"^tokenizer family must be a str \(e\.g\. 'o200k_base'\), got "
        ):
            call()


@pytest.mark.parametrize("family", ["claude", "o200k_base"])
@pytest.mark.parametrize("bad", [None, 5, b"hi"])
def test_counter_count_refuses_what_is_not_text(family, bad):
    from tokencost.tokenizers import get_counter

    counter = get_counter(family)
    with pytest.raises(InputError, match=rf"^text must be a str, not {type(bad).__name__}$"):
        counter.count(bad)
    assert counter.count("hello world") > 0


@pytest.mark.parametrize("bad", [None, 5, ["gpt-5"]])
def test_catalog_lookup_names_a_name_that_is_not_a_str(bad):
    catalog = load_catalog()
    for call in (catalog.get, catalog.find):
        with pytest.raises(InputError, match=r"^model name must be a str \(an id or alias\), got "):
            call(bad)
    assert catalog.get("GPT-5").id == "gpt-5"


DATED_SHEET = """
    provider: {id: dated, name: Dated AI, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: dated-chat
        tokenizer: o200k_base
        prices:
          effective_from: 2026-03-01
          input: 2
          output: 4
          windows:
            - {name: off-peak, start: '16:00', end: '20:00', input: 1, output: 2}
        history:
          - {effective_from: 2025-01-01, input: 1, output: 1}
"""


@pytest.fixture
def dated_dir(tmp_path) -> Path:
    directory = tmp_path / "dated"
    write_sheet(directory, "dated.yaml", DATED_SHEET)
    return directory


def _dated_total(dated_dir, **kwargs) -> Decimal:
    result = tokencost.estimate(
        "hello world", models="dated-chat", output_tokens=1000, pricing=dated_dir, **kwargs
    )
    return result.rows[0].total


@pytest.mark.parametrize(
    "at",
    [
        dt.date(2026, 2, 20),
        "2026-02-20",
        " 2026-02-20 ",
        dt.datetime(2026, 2, 20, 23, 59),
        "2026-02-20T08:00",
    ],
)
def test_estimate_at_takes_a_date_an_iso_string_or_a_datetime(dated_dir, at):
    result = tokencost.estimate(
        "hello world", models="dated-chat", output_tokens=1000, pricing=dated_dir, at=at
    )
    assert result.at == dt.date(2026, 2, 20)
    assert "prices in force on 2026-02-20" in result.assumptions
    # the 2025 card: 2 input tokens at $1 + 1000 output tokens at $1 per million
    assert result.rows[0].total == Decimal("0.001002")
    assert _dated_total(dated_dir) == Decimal("0.004004")


@pytest.mark.parametrize(
    "at_time",
    [
        dt.time(16, 40),
        "16:40",
        "16:40:00",
        dt.datetime(2026, 5, 1, 16, 40),
        dt.datetime(2026, 5, 1, 18, 40, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "18:40+02:00",
    ],
)
def test_estimate_at_time_takes_a_time_an_hh_mm_string_or_a_datetime_in_utc(dated_dir, at_time):
    result = tokencost.estimate(
        "hello world", models="dated-chat", output_tokens=1000, pricing=dated_dir, at_time=at_time
    )
    assert result.rows[0].total == Decimal("0.002002")  # off-peak: $1 input, $2 output
    assert "requests sent at 16:40 UTC (time-of-day windows applied)" in result.assumptions
    assert _dated_total(dated_dir, at_time="12:00") == Decimal("0.004004")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"at": "20.02.2026"}, "at '20.02.2026': expected a date, YYYY-MM-DD"),
        ({"at": 20260220}, "at must be a date (datetime.date, a datetime or 'YYYY-MM-DD'), got int 20260220"),
        ({"at_time": "4pm"}, "at_time '4pm': expected HH:MM (UTC)"),
        ({"at_time": 1640}, "at_time must be a time of day (datetime.time or 'HH:MM' UTC), got int 1640"),
        ({"currency": 5}, "currency must be an ISO 4217 code as a str (e.g. 'USD'), got int 5"),
        ({"output_tokens": "500"}, "output_tokens must be a whole number (int), got str '500'"),
        ({"requests": "5"}, "requests must be a whole number (int), got str '5'"),
        ({"models": 5}, "models: expected a name (str) or a list of names, got int 5"),
        ({"vendors": 5, "models": ()}, "vendors: expected a name (str) or a list of names, got int 5"),
        ({"fx": 5}, "fx: expected a CODE=RATE str, a list of them or a {code: rate} mapping, got int 5"),
        (
            {"pricing": 5},
            "pricing: expected a directory or file path (str or Path) or a list of them, got int 5",
        ),
    ],
)
def test_estimate_names_a_wrong_argument(kwargs, message):
    kwargs.setdefault("models", "gpt-5")
    with pytest.raises(InputError) as caught:
        tokencost.estimate("hello", **kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize("bad", [None, 123, 1.5, object()])
def test_estimate_of_something_not_text_says_text_must_be_a_str(bad):
    with pytest.raises(InputError, match=r"^text must be a str \(or chat messages") as caught:
        tokencost.estimate(bad, models="gpt-5")
    assert type(bad).__name__ in str(caught.value)


def test_estimate_still_takes_chat_messages():
    result = tokencost.estimate([{"role": "user", "content": "hello"}], models="gpt-5", output_tokens=1)
    assert result.rows[0].input_tokens > 0


# -- 3. CheckOptions coerces amounts to Decimal ---------------------------------------------------------------
PLANS = Path(__file__).parent / "fixtures" / "plans"


def _head_pass() -> dict:
    import json

    return json.loads((PLANS / "head-pass.json").read_text(encoding="utf-8"))  # total $931.68


@pytest.mark.parametrize("budget", [900, "900", 900.0, " 900 ", Decimal(900)])
def test_check_budget_may_be_an_int_str_float_or_decimal(budget):
    from tokencost.planner.check import FAIL, CheckOptions, run_check

    options = CheckOptions(budget=budget)
    assert options.budget == Decimal(900) and isinstance(options.budget, Decimal)
    result = run_check(_head_pass(), None, options)
    assert result.verdict == FAIL
    assert "over the budget of $900.00 by $31.68" in result.failures[0].message


def test_check_float_amounts_are_taken_as_written_and_warn_at_as_a_str():
    from tokencost.planner.check import FAIL, CheckOptions, run_check

    options = CheckOptions(budget=931.7, warn_at="80", min_delta=0.1, workload_budgets={"support-bot": 10.5})
    assert options.budget == Decimal("931.7")  # str(float), not the binary expansion
    assert options.min_delta == Decimal("0.1")
    assert options.warn_at == Decimal(80)
    assert options.workload_budgets == {"support-bot": Decimal("10.5")}
    result = run_check(_head_pass(), None, options)
    codes = {reason.code for reason in result.reasons}
    assert "budget.total.near" in codes and "budget.workload" in codes
    assert result.verdict == FAIL  # support-bot costs $131.68


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": True}, "CheckOptions.budget must be a number, got bool True"),
        ({"budget": "ten"}, "CheckOptions.budget 'ten' is not a number"),
        ({"budget": [10]}, "CheckOptions.budget must be a number, got list [10]"),
        ({"budget": -1}, "CheckOptions.budget must be a finite number of 0 or more, got -1"),
        (
            {"max_increase": float("nan")},
            "CheckOptions.max_increase must be a finite number of 0 or more, got nan",
        ),
        ({"max_increase_pct": "Infinity"}, "must be a finite number of 0 or more"),
        ({"min_delta": None}, "CheckOptions.min_delta must be a number, got NoneType None"),
        ({"warn_at": "80%x"}, "CheckOptions.warn_at '80%x' is not a number"),
        ({"warn_at": 120}, "CheckOptions.warn_at must be between 0 and 100, got 120"),
        (
            {"workload_budgets": {"bot": False}},
            "CheckOptions.workload_budgets['bot'] must be a number, got bool",
        ),
        ({"workload_budgets": [("bot", 1)]}, "CheckOptions.workload_budgets must be a mapping"),
        ({"workload_budgets": {1: 1}}, "CheckOptions.workload_budgets: workload names must be str, got 1"),
        ({"warn_only": "no"}, "CheckOptions.warn_only must be True or False, got 'no'"),
    ],
)
def test_check_options_name_a_wrong_field(kwargs, message):
    from tokencost.planner.check import CheckOptions

    with pytest.raises(InputError) as caught:
        CheckOptions(**kwargs)
    assert message in str(caught.value)


# -- 4. the library refuses what the CLI refuses ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output_tokens": 2.5}, "output_tokens must be a whole number (int), got float 2.5"),
        ({"output_tokens": True}, "output_tokens must be a whole number (int), got True"),
        ({"output_tokens": -1}, "output_tokens cannot be negative, got -1"),
        ({"requests": 2.5}, "requests must be a whole number (int), got float 2.5"),
        ({"requests": False}, "requests must be a whole number (int), got False"),
        ({"requests": 0}, "requests must be at least 1, got 0"),
        ({"batch": "no"}, "batch must be True or False, got 'no'"),
        ({"batch": 1}, "batch must be True or False, got 1"),
        ({"all_models": "yes"}, "all_models must be True or False, got 'yes'"),
        ({"estimate_only": None}, "estimate_only must be True or False, got None"),
    ],
)
def test_estimate_refuses_what_the_cli_refuses(kwargs, message):
    with pytest.raises(InputError) as caught:
        tokencost.estimate("hello", models="gpt-5", **kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize("text", ["", "  \n\t "])
def test_estimate_of_an_empty_prompt_is_an_input_error_as_in_the_cli(runner, tmp_path, text):
    from tokencost.cli import cli

    with pytest.raises(InputError, match=r"^the prompt is empty: nothing to price$"):
        tokencost.estimate(text, models="gpt-5")
    prompt = tmp_path / "empty.txt"
    prompt.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(prompt), "-m", "gpt-5"])
    assert result.exit_code == 2
    assert "Error: the prompt is empty: nothing to price" in result.output


class _Index:
    """An integer type that is not int (as numpy's are): it has ``__index__``."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


def test_estimate_takes_integer_types_and_a_real_batch_flag(acme_dir):
    def run(**kwargs):
        return tokencost.estimate("hello", models="acme-large", pricing=acme_dir, **kwargs)

    plain = run(output_tokens=100, requests=3)
    indexed = run(output_tokens=_Index(100), requests=_Index(3))
    assert indexed.requests == 3 and indexed.rows[0].output_tokens == 100
    assert indexed.rows[0].total == plain.rows[0].total
    batch = run(output_tokens=100, requests=3, batch=True)
    assert batch.rows[0].total * 2 == plain.rows[0].total  # acme-large's batch card is half price
    assert any(line.startswith("batch prices") for line in batch.assumptions)
    assert not any(line.startswith("batch prices") for line in plain.assumptions)


# -- chat given to estimate as Python data: parsed as the CLI parses a chat file ---------------------------
LEGACY_FUNCTIONS = {
    "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
    "functions": [
        {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
            },
        }
    ],
}


def test_estimate_counts_legacy_functions_as_the_cli_does(runner, tmp_path):
    import json

    from tokencost.cli import cli

    bare = tokencost.estimate({"messages": LEGACY_FUNCTIONS["messages"]}, models="gpt-4o", output_tokens=0)
    api = tokencost.estimate(LEGACY_FUNCTIONS, models="gpt-4o", output_tokens=0)
    path = tmp_path / "legfn.json"
    path.write_text(json.dumps(LEGACY_FUNCTIONS), encoding="utf-8")
    result = runner.invoke(
        cli, ["estimate", str(path), "--messages", "-m", "gpt-4o", "--output-tokens", "0", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cli_tokens = json.loads(result.output)["rows"][0]["input_tokens"]
    assert api.rows[0].input_tokens == cli_tokens
    assert api.rows[0].input_tokens > bare.rows[0].input_tokens + 20  # the function definition counted


def test_estimate_takes_any_mapping_and_tuple_as_chat_data():
    from types import MappingProxyType

    plain = tokencost.estimate({"messages": [{"role": "user", "content": "hi"}]}, models="gpt-4o")
    proxied = tokencost.estimate(
        MappingProxyType({"messages": (MappingProxyType({"role": "user", "content": "hi"}),)}),
        models="gpt-4o",
    )
    assert proxied.rows[0].input_tokens == plain.rows[0].input_tokens


@pytest.mark.parametrize(
    ("chat", "message"),
    [
        (
            {"messages": [{"role": "user", "content": "hi"}], "tools": [1]},
            "text_or_messages: tools[0]: expected a tool object, got a number",
        ),
        (
            {"messages": [{"role": "user", "content": "hi"}], "tools": "abc"},
            "text_or_messages: tools: expected a list of tools, got a string",
        ),
        (
            {"messages": [{"role": "user", "content": "hi"}], "functions": [{"name": 3}]},
            "text_or_messages: functions[0].name: expected a string, got a number",
        ),
        ({"messages": [{"content": "hi"}]}, "text_or_messages: messages[0]: message has no 'role'"),
        ({"messages": []}, "no chat messages to price: expected a list of {role, content} messages"),
        ([], "no chat messages to price: expected a list of {role, content} messages"),
    ],
)
def test_estimate_names_a_malformed_chat_field(chat, message):
    with pytest.raises(InputError) as caught:
        tokencost.estimate(chat, models="gpt-4o")
    assert str(caught.value) == message


def test_estimate_of_chat_data_that_is_not_json_is_an_input_error():
    with pytest.raises(InputError, match=r"^text_or_messages: chat messages must be JSON data .*object"):
        tokencost.estimate([{"role": "user", "content": object()}], models="gpt-4o")


def test_estimate_prices_the_mean_of_several_chat_requests():
    short = {"messages": [{"role": "user", "content": "hi"}]}
    long = {"messages": [{"role": "user", "content": "hello there, " * 40}]}
    one_short = tokencost.estimate(short, models="gpt-4o", output_tokens=0)
    one_long = tokencost.estimate(long, models="gpt-4o", output_tokens=0)
    both = tokencost.estimate([short, long], models="gpt-4o", output_tokens=0)
    mean = (one_short.rows[0].input_tokens + one_long.rows[0].input_tokens) / 2
    assert abs(both.rows[0].input_tokens - mean) <= 0.5
    assert both.chat_requests == 2 and both.to_document()["requests_in_file"] == 2
    assert any(n.startswith("mean of 2 requests") for n in both.notices)
    assert one_short.chat_requests == 1 and not any("mean of" in n for n in one_short.notices)
    assert tokencost.estimate("hi", models="gpt-4o").to_document()["requests_in_file"] is None
