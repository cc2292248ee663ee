"""`tokencost estimate` CLI behaviour found in review: infeasible requests, notices, number formats, stdin,
usage errors, the requests column; and the Python API's argument handling."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tokencost.cli import cli


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["estimate"], "Error: Missing argument 'PATHS...'.", "Try 'tokencost estimate --help' for help."),
        (
            ["estimate", "x", "--requests", "0"],
            "Error: Invalid value for '--requests': 0 is not in the range x>=1.",
            "Try 'tokencost estimate --help' for help.",
        ),
        (
            ["count", "--no-such-flag"],
            "Error: No such option '--no-such-flag'",
            "Try 'tokencost count --help' for help.",
        ),
        (["--bogus"], "Error: No such option '--bogus'.", "Try 'tokencost --help' for help."),
        (["nosuch"], "Error: No such command 'nosuch'.", "Try 'tokencost --help' for help."),
        (
            ["pricing", "nosuch"],
            "Error: No such command 'nosuch'.",
            "Try 'tokencost pricing --help' for help.",
        ),
        (
            ["estimate", "x", "--format", "nope"],
            "Error: Invalid value for '--format': 'nope' is not one of",
            "Try 'tokencost estimate --help' for help.",
        ),
    ],
)
def test_usage_errors_are_one_error_line_and_a_hint(runner, args, message, hint):
    result = runner.invoke(cli, args, prog_name="tokencost")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(message) and lines[1] == hint
    assert "Usage:" not in result.output and result.stdout == ""


def test_no_arguments_still_shows_the_help(runner):
    result = runner.invoke(cli, [], prog_name="tokencost")
    assert result.exit_code == 2
    assert result.output.startswith("Usage: tokencost [OPTIONS] COMMAND") and "Commands:" in result.output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary", ": looks like binary data (a NUL byte in the first 8 KiB)"),
        (b"x" * 101, "larger than the 100-byte limit"),
    ],
)
def test_stdin_follows_the_rules_of_a_prompt_file(runner, monkeypatch, tmp_path, data, message):
    from tokencost.cli import estimate_cmd

    monkeypatch.setattr(estimate_cmd, "MAX_PROMPT_BYTES", 100)
    result = runner.invoke(cli, ["estimate", "-", "-m", "gpt-5"], input=data)
    assert result.exit_code == 2
    assert result.output.startswith("Error: stdin") and message in result.output
    assert "Traceback" not in result.output and len(result.output.splitlines()) == 1
    path = tmp_path / "prompt.txt"
    path.write_bytes(data)  # the same bytes in a file are refused with the same words
    result = runner.invoke(cli, ["estimate", str(path), "-m", "gpt-5"])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}") and message in result.output


def test_stdin_at_the_limit_and_with_a_bom_is_accepted(runner, monkeypatch):
    from tokencost.cli import estimate_cmd

    monkeypatch.setattr(estimate_cmd, "MAX_PROMPT_BYTES", 100)
    result = runner.invoke(cli, ["estimate", "-", "-m", "gpt-5"], input=b"\xef\xbb\xbf" + b"x " * 48 + b"\n")
    assert result.exit_code == 0, result.output
    assert "gpt-5" in result.output


def test_stdin_given_twice_is_an_error(runner):
    result = runner.invoke(cli, ["estimate", "-", "-", "-m", "gpt-5"], input="hi")
    assert result.exit_code == 2
    assert "Error: - (stdin) given more than once" in result.output


MONEY = re.compile(r"^-?\d+\.\d{10}$")


def test_converted_money_is_plain_fixed_point_in_json_and_csv(runner, tmp_path):
    prompt = tmp_path / "p.txt"
    prompt.write_text("hi", encoding="utf-8")
    args = ["estimate", str(prompt), "-m", "gpt-5", "-m", "deepseek-cn/deepseek-v3.2", "--output-tokens", "0"]
    result = runner.invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["model"] for r in rows} == {"gpt-5", "deepseek-cn/deepseek-v3.2"}
    for row in rows:
        for key in ("input_cost", "output_cost", "total"):
            assert MONEY.match(row[key]), row[key]
            assert "E" not in row[key]
    converted = next(r for r in rows if r["model"] == "deepseek-cn/deepseek-v3.2")
    assert converted["output_cost"] == "0.0000000000"
    assert Decimal(converted["total"]) > 0
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    for row in document["rows"]:
        for value in (row["input_cost"], row["output_cost"], row["total"], row["per_request"]):
            assert MONEY.match(value), value
        assert MONEY.match(row["native"]["total"]) and MONEY.match(row["native"]["request_fee"])
        for item in row["native"]["items"]:
            assert MONEY.match(item["cost"]) and "E" not in item["rate_per_million"]


def test_money_text_rounds_half_even_and_handles_large_amounts():
    from tokencost.costing.result import money_text

    assert money_text(Decimal("5.617977528089887640449438204E-7")) == "0.0000005618"
    assert money_text(Decimal("0E-28")) == "0.0000000000"
    assert money_text(Decimal("0.00000000005")) == "0.0000000000"  # half-even
    assert money_text(Decimal("0.00000000015")) == "0.0000000002"
    assert money_text(Decimal("1.5E+25")) == "15000000000000000000000000.0000000000"


def test_csv_and_json_rows_say_how_many_requests_the_costs_cover(runner, tmp_path):
    prompt = tmp_path / "p.txt"
    prompt.write_text("hi", encoding="utf-8")
    args = ["estimate", str(prompt), "-m", "gpt-5", "--output-tokens", "0", "--requests", "1000000"]
    result = runner.invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split(",")
    assert header[:6] == ["rank", "model", "provider", "tokenizer", "requests", "input_tokens"]
    (row,) = csv.DictReader(io.StringIO(result.output))
    assert row["requests"] == "1000000" and row["input_tokens"] == "1"
    assert Decimal(row["total"]) == Decimal("1.25")  # 1 token x 1.25 USD/M x 1M requests
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert document["requests"] == 1000000 and document["rows"][0]["requests"] == 1000000
    assert document["rows"][0]["per_request"] == "0.0000012500"


def _big_prompt(tmp_path):
    prompt = tmp_path / "big.txt"
    prompt.write_text("hello world " * 20000, encoding="utf-8")  # ~20k tokens: over gpt-4's 8,192
    return prompt


def test_a_request_too_big_for_a_model_is_flagged_and_ranked_last_in_every_format(runner, tmp_path):
    prompt = _big_prompt(tmp_path)
    args = ["estimate", str(prompt), "-m", "gpt-4", "-m", "claude-haiku-4.5", "--output-tokens", "100"]
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    rows = {r["model"]: r for r in document["rows"]}
    # gpt-4 alone would be the more expensive anyway; the point is the flag and the order
    assert [r["model"] for r in document["rows"]] == ["claude-haiku-4.5", "gpt-4"]
    assert rows["claude-haiku-4.5"]["fits"] is True and rows["claude-haiku-4.5"]["problems"] == []
    assert rows["gpt-4"]["fits"] is False
    assert rows["gpt-4"]["problems"][0].startswith("exceeds context window 8,192 (input ")
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert "cannot run" in table.output and "exceeds context window 8,192" in table.output
    assert "warning: 1 model(s) cannot take this request and are ranked last" in table.output
    markdown = runner.invoke(cli, [*args, "--format", "markdown"]).output
    assert "| cannot run" in markdown and "exceeds context window 8,192" in markdown
    rows_csv = list(csv.DictReader(io.StringIO(runner.invoke(cli, [*args, "--format", "csv"]).output)))
    assert [(r["model"], r["fits"]) for r in rows_csv] == [("claude-haiku-4.5", "yes"), ("gpt-4", "no")]
    assert rows_csv[1]["problems"].startswith("exceeds context window 8,192")


def test_an_infeasible_cheap_model_ranks_after_a_feasible_expensive_one(runner, tmp_path):
    prompt = _big_prompt(tmp_path)
    # gpt-4.1-nano is far cheaper than claude-opus-4.6, but cannot write 100,000 output tokens
    args = [
        "estimate",
        str(prompt),
        "-m",
        "gpt-4.1-nano",
        "-m",
        "claude-opus-4.6",
        "--output-tokens",
        "100000",
    ]
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    first, second = document["rows"]
    assert (first["model"], first["fits"], first["rank"]) == ("claude-opus-4.6", True, 1)
    assert (second["model"], second["fits"], second["rank"]) == ("gpt-4.1-nano", False, 2)
    assert Decimal(second["total"]) < Decimal(first["total"])
    assert second["problems"] == ["exceeds max output 32,768 tokens (output 100,000)"]
    assert Decimal(first["times_cheapest"]) == 1  # compared with the cheapest model that fits
    assert Decimal(second["times_cheapest"]) < 1


def test_python_api_rows_carry_the_same_flag(tmp_path):
    import tokencost

    text = _big_prompt(tmp_path).read_text(encoding="utf-8")
    result = tokencost.estimate(text, models=["gpt-4", "gpt-5"], output_tokens=100)
    by_id = {r.model_id: r for r in result.rows}
    assert by_id["gpt-5"].fits and not by_id["gpt-5"].problems
    assert not by_id["gpt-4"].fits and by_id["gpt-4"].problems[0].startswith("exceeds context window 8,192")
    assert result.rows[-1].model_id == "gpt-4"


EN = Path(__file__).resolve().parents[1] / "examples" / "prompts" / "en.txt"


def test_time_of_day_prices_without_time_say_which_rate_was_assumed(runner):
    args = ["estimate", str(EN), "-m", "deepseek-v4-pro", "-m", "gpt-5", "--output-tokens", "100"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    note = (
        "note: deepseek-v4-pro: no time of day given: standard rates assumed "
        "(off-peak rates apply 10:00-01:00 and 04:00-06:00 UTC)"
    )
    assert note in result.output
    assert "hint: --time HH:MM (UTC)" in result.output
    assert "gpt-5: no time of day" not in result.output  # only models with windows get the note
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    rows = {r["model"]: r for r in document["rows"]}
    assert any(n.startswith("no time of day given") for n in rows["deepseek-v4-pro"]["notes"])
    assert any(a.startswith("time of day not given") for a in document["assumptions"])
    timed = json.loads(runner.invoke(cli, [*args, "--time", "12:00", "--format", "json"]).output)
    row = next(r for r in timed["rows"] if r["model"] == "deepseek-v4-pro")
    assert not any(n.startswith("no time of day") for n in row["notes"])
    assert Decimal(row["total"]) < Decimal(rows["deepseek-v4-pro"]["total"])  # off-peak at 12:00
    assert not any(a.startswith("time of day not given") for a in timed["assumptions"])


def test_unknown_context_window_is_noted_not_assumed(runner):
    model = "openrouter/deepseek/deepseek-v3.2"
    result = runner.invoke(cli, ["estimate", str(EN), "-m", model, "--format", "json"])
    row = json.loads(result.output)["rows"][0]
    assert row["fits"] is True and "context window unknown: not checked" in row["notes"]


PARTS = {
    "messages": [
        {
            "role": "user",
            "content": [{"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "hello"}],
        }
    ]
}


def test_non_text_message_parts_are_reported_not_dropped_silently(runner, tmp_path):
    path = tmp_path / "parts.json"
    path.write_text(json.dumps(PARTS), encoding="utf-8")
    args = ["estimate", str(path), "--messages", "-m", "gpt-5", "-m", "claude-haiku-4.5"]
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert len(document["notices"]) == 1
    assert document["notices"][0].startswith("1 part(s) not counted (images, audio, files")
    table = runner.invoke(cli, args)
    assert table.exit_code == 0
    assert table.stderr.startswith("notice: 1 part(s) not counted (images, audio, files")
    assert "non-text" not in table.stdout
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"messages": [{"role": "user", "content": "hello"}]}), encoding="utf-8")
    clean = runner.invoke(cli, ["estimate", str(plain), "--messages", "-m", "gpt-5", "--format", "json"])
    assert clean.stderr == "" and json.loads(clean.stdout)["notices"] == []


def test_python_api_reports_non_text_parts():
    import tokencost

    result = tokencost.estimate(PARTS, models="gpt-5")
    assert result.notices and "1 part(s) not counted (images, audio, files" in result.notices[0]


def test_gpt5_input_limit_is_checked_apart_from_its_400k_window():
    # OpenAI's GPT-5 window is 400,000 tokens of which at most 272,000 may be input (128,000 output)
    from tokencost.costing.models import limit_problems
    from tokencost.pricing.catalog import load_catalog

    entry = load_catalog().get("gpt-5")
    assert (entry.model.context_window, entry.model.max_input_tokens) == (400_000, 272_000)
    assert limit_problems(entry, 200_000, 100_000) == ()  # 300k in all: fits the window
    assert limit_problems(entry, 300_000, 1_000) == ("exceeds max input 272,000 tokens (input 300,000)",)


# -- inputs read as `tokencost count` reads them ----------------------------------------------------------------
def _estimate_json(runner, *args, input=None):
    result = runner.invoke(cli, ["estimate", *args, "-m", "gpt-4o", "--format", "json"], input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _count_tokens(runner, *args):
    result = runner.invoke(cli, ["count", *args, "-m", "gpt-4o", "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded_with_a_notice(runner, tmp_path, encoding):
    text = "Explain the difference between a list and a tuple in Python. " * 20
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[encoding]
    wide = tmp_path / "wide.txt"
    wide.write_bytes(bom + text.encode(encoding))
    plain = tmp_path / "plain.txt"
    plain.write_text(text, encoding="utf-8")
    label = "UTF-32" if encoding == "utf-32" else "UTF-16"
    document = _estimate_json(runner, str(wide))
    assert (
        document["rows"][0]["input_tokens"] == _estimate_json(runner, str(plain))["rows"][0]["input_tokens"]
    )
    assert document["notices"] == [f"{wide}: decoded as {label} (byte-order mark)"]
    table = runner.invoke(cli, ["estimate", str(wide), "-m", "gpt-4o"])
    assert table.exit_code == 0
    assert table.stderr == f"notice: {wide}: decoded as {label} (byte-order mark)\n"
    piped = _estimate_json(runner, "-", input=bom + text.encode(encoding))
    assert piped["notices"] == [f"-: decoded as {label} (byte-order mark)"]
    assert piped["rows"][0]["input_tokens"] == document["rows"][0]["input_tokens"]


def test_a_utf16_chat_file_is_decoded(runner, tmp_path):
    chat = {"messages": [{"role": "user", "content": "Bonjour, ça va ?"}]}
    wide = tmp_path / "chat16.json"
    wide.write_bytes(json.dumps(chat, ensure_ascii=False).encode("utf-16"))
    plain = tmp_path / "chat8.json"
    plain.write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    document = _estimate_json(runner, str(wide), "--messages")
    assert document["notices"] == [f"{wide}: decoded as UTF-16 (byte-order mark)"]
    expected = _estimate_json(runner, str(plain), "--messages")["rows"][0]["input_tokens"]
    assert document["rows"][0]["input_tokens"] == expected


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfeh\x00i\x00\x00\xd8",  # UTF-16 with a lone surrogate
        b"ok \xc3\x28 no",
        b"caf\xe9 latin-1",
    ],
)
def test_invalid_bytes_are_replaced_and_counted_as_count_does(runner, tmp_path, data):
    """estimate reads as count reads (inputs.collect + read_input): bad bytes become U+FFFD, one notice says
    how many, and the tokens priced are the tokens count reports."""
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    counted = runner.invoke(cli, ["count", str(path), "-m", "gpt-4o", "--format", "json"])
    assert counted.exit_code == 0, counted.output
    count_doc = json.loads(counted.stdout)
    document = _estimate_json(runner, str(path))
    invalid = [n for n in count_doc["notices"] if "replaced with U+FFFD" in n]
    assert len(invalid) == 1
    assert [n for n in document["notices"] if "replaced with U+FFFD" in n] == invalid
    assert document["rows"][0]["input_tokens"] == count_doc["tokens"]
    table = runner.invoke(cli, ["estimate", str(path), "-m", "gpt-4o"])
    assert table.exit_code == 0 and f"notice: {invalid[0]}" in table.stderr
    piped = _estimate_json(runner, "-", input=data)  # stdin the same way
    assert piped["rows"][0]["input_tokens"] == count_doc["tokens"]
    assert any(n.startswith("-: ") and "replaced with U+FFFD" in n for n in piped["notices"])


@pytest.mark.parametrize("command", ["count", "estimate"])
@pytest.mark.parametrize("data", [b"h\x00i\x00", b"\x00\x01binary"])  # UTF-16 without a BOM: binary
def test_binary_input_is_refused_by_count_and_estimate(runner, tmp_path, command, data):
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    result = runner.invoke(cli, [command, str(path), "-m", "gpt-4o"])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: looks like binary data")
    assert len(result.output.splitlines()) == 1


def test_the_size_limit_holds_for_files(runner, monkeypatch, tmp_path):
    from tokencost.cli import estimate_cmd

    monkeypatch.setattr(estimate_cmd, "MAX_PROMPT_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("x" * 101, encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(path), "-m", "gpt-4o"])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: is 101 bytes, larger than the 100-byte limit\n"


REQUESTS = [
    {"messages": [{"role": "user", "content": "hi"}]},
    {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Oslo?"},
        ]
    },
    {"messages": [{"role": "user", "content": "Summarise the plot of Hamlet in three sentences, please."}]},
]


@pytest.mark.parametrize("form", ["jsonl", "json-list"])
def test_several_chat_requests_are_priced_as_their_mean(runner, tmp_path, form):
    path = tmp_path / "reqs.jsonl"
    if form == "jsonl":
        path.write_text("\n".join(json.dumps(r) for r in REQUESTS) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps(REQUESTS), encoding="utf-8")
    document = _estimate_json(runner, str(path), "--messages", "--output-tokens", "0")
    total = json.loads(_count_tokens(runner, str(path), "--messages"))["tokens"]
    singles = []
    for index, request in enumerate(REQUESTS):
        one = tmp_path / f"one{index}.json"
        one.write_text(json.dumps(request), encoding="utf-8")
        singles.append(_estimate_json(runner, str(one), "--messages")["rows"][0]["input_tokens"])
    mean = Decimal(sum(singles)) / 3
    assert abs(document["rows"][0]["input_tokens"] - mean) <= Decimal("0.5")
    assert total == sum(singles)  # count sums the same requests
    assert document["requests_in_file"] == 3
    assert document["notices"][0].startswith("mean of 3 requests: the input holds 3 chat requests")
    table = runner.invoke(cli, ["estimate", str(path), "--messages", "-m", "gpt-4o"])
    assert table.exit_code == 0, table.output
    assert table.stderr.startswith("notice: mean of 3 requests")
    assert "Cost per request in USD" in table.stdout


def test_one_chat_request_has_no_mean_notice(runner, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REQUESTS[0]), encoding="utf-8")
    document = _estimate_json(runner, str(path), "--messages")
    assert document["requests_in_file"] == 1 and document["notices"] == []
    assert _estimate_json(runner, str(path))["requests_in_file"] is None  # a text prompt


def test_the_same_file_twice_is_priced_once_with_a_notice(runner, tmp_path):
    path = tmp_path / "prompt.txt"
    path.write_text("Explain recursion to a child.", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(path)
    once = _estimate_json(runner, str(path))
    for args in ([str(path), str(path)], [str(path), str(link)]):
        twice = _estimate_json(runner, *args)
        assert twice["rows"][0]["input_tokens"] == once["rows"][0]["input_tokens"]
        assert twice["notices"] == [
            "1 duplicate file(s) skipped (the same file reached by overlapping paths, a symlink or a hard link)"
        ]
    table = runner.invoke(cli, ["estimate", str(path), str(path), "-m", "gpt-4o"])
    assert table.exit_code == 0
    assert table.stderr.startswith("notice: 1 duplicate file(s) skipped")
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps(REQUESTS[0]), encoding="utf-8")
    doubled = _estimate_json(runner, str(chat), str(chat), "--messages")
    assert doubled["requests_in_file"] == 1  # not two copies of the same request


def test_several_files_are_joined_with_a_blank_line_as_help_says(runner, tmp_path):
    first, second = tmp_path / "a1.txt", tmp_path / "a2.txt"
    first.write_text("hello", encoding="utf-8")
    second.write_text("world", encoding="utf-8")
    joined = tmp_path / "joined.txt"
    joined.write_text("hello\n\nworld", encoding="utf-8")
    both = _estimate_json(runner, str(first), str(second))
    assert both["rows"][0]["input_tokens"] == _estimate_json(runner, str(joined))["rows"][0]["input_tokens"]
    assert both["notices"] == []
    help_text = runner.invoke(cli, ["estimate", "--help"])
    assert help_text.exit_code == 0
    assert "joined into one prompt with a blank line between files, which counts as tokens" in " ".join(
        help_text.output.split()
    )


def test_several_requests_are_checked_against_the_window_by_the_largest(tmp_path):
    import tokencost

    small = {"messages": [{"role": "user", "content": "hi"}]}
    big = {"messages": [{"role": "user", "content": "hello " * 12000}]}
    result = tokencost.estimate([small, big], models=["gpt-4", "gpt-5"], output_tokens=10)
    by_id = {r.model_id: r for r in result.rows}
    assert by_id["gpt-4"].count.tokens < 8192  # the mean request would fit gpt-4's 8,192 window ...
    assert (
        not by_id["gpt-4"].fits and "exceeds context window 8,192" in by_id["gpt-4"].problems[0]
    )  # ... the largest does not
    assert by_id["gpt-5"].fits


def test_estimate_says_when_part_of_a_chat_count_is_approximated():
    import tokencost

    nested = {
        "type": "function",
        "function": {
            "name": "order",
            "description": "Place an order",
            "parameters": {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "sku": {"type": "string", "description": "stock keeping unit " * 20}
                            },
                        },
                    }
                },
            },
        },
    }
    schema = {
        "type": "json_schema",
        "json_schema": {"name": "order", "schema": nested["function"]["parameters"]},
    }
    chat = {"messages": [{"role": "user", "content": "hi"}], "response_format": schema}
    (row,) = tokencost.estimate(chat, models="gpt-4o", output_tokens=10).rows
    assert (
        "tokens approximated: response-format schemas rendered as the vendor does not publish"
        in row.count.method
    )


def test_a_chat_file_priced_without_messages_says_so(runner, tmp_path):
    """A chat request priced as plain text (its JSON syntax counted) is rarely what was meant: a notice names
    the file and the flag; with --messages, or for plain text, nothing is said."""
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps({"messages": [{"role": "user", "content": "Where is my order?"}]}), "utf-8")
    prose = tmp_path / "prose.txt"
    prose.write_text("{not json, just a brace} and some words\n", encoding="utf-8")
    plain = runner.invoke(cli, ["estimate", str(chat), "-m", "gpt-4o", "--format", "json"])
    assert plain.exit_code == 0
    notices = json.loads(plain.stdout)["notices"]
    assert any("chat.json reads as a chat request" in n and "--messages" in n for n in notices)
    framed = runner.invoke(cli, ["estimate", str(chat), "--messages", "-m", "gpt-4o", "--format", "json"])
    assert not any("reads as a chat request" in n for n in json.loads(framed.stdout)["notices"])
    text = runner.invoke(cli, ["estimate", str(prose), "-m", "gpt-4o", "--format", "json"])
    assert not any("reads as a chat request" in n for n in json.loads(text.stdout)["notices"])


SIGNED = {
    "contents": [
        {"role": "user", "parts": [{"text": "What is 2+2?"}]},
        {"role": "model", "parts": [{"text": "4", "thoughtSignature": "CiQB0e2Kb"}]},
        {"role": "user", "parts": [{"text": "And 3+3?"}]},
    ]
}


def test_reasoning_signatures_are_said_by_estimate_as_by_count(runner, tmp_path):
    path = tmp_path / "signed.json"
    path.write_text(json.dumps(SIGNED), encoding="utf-8")
    estimated = runner.invoke(
        cli, ["estimate", str(path), "--messages", "-m", "gemini-2.5-flash", "--format", "json"]
    )
    counted = runner.invoke(cli, ["count", str(path), "--messages", "-m", "gemini-2.5-flash"])
    assert estimated.exit_code == counted.exit_code == 0
    said = (
        "carry reasoning signatures (thoughtSignature, encrypted reasoning): billed for context we cannot see"
    )
    assert any(said in notice for notice in json.loads(estimated.stdout)["notices"])
    assert said in counted.stderr


def test_error_messages_name_what_they_are_about(runner, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text('{"messages": []}', encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(empty), "--messages", "-m", "gpt-5"])
    assert result.exit_code == 2 and f"{empty}: no chat messages to price" in result.output
    nothing = tmp_path / "logs"
    nothing.mkdir()
    replayed = runner.invoke(cli, ["replay", str(nothing)])
    assert replayed.exit_code == 2 and f"no log files found in {nothing}" in replayed.output
    calibration = tmp_path / "cal.yaml"
    calibration.write_text(
        "format: tokencost.calibration/1\nfamilies:\n  claude:\n    band: 0.1\n", encoding="utf-8"
    )
    from tokencost.tokenizers import calibrated

    try:
        counted = runner.invoke(
            cli, ["count", str(empty), "-m", "claude-sonnet-4.5", "--calibration", str(calibration)]
        )
    finally:
        calibrated.use_file(None)  # --calibration holds for the process: not for the tests after this one
    assert (
        counted.exit_code == 2
        and "family 'claude' has no 'fit'" in counted.output
        and "KeyError" not in counted.output
    )


def test_estimate_says_when_the_model_a_request_names_is_not_priced(runner, tmp_path):
    path = tmp_path / "named.json"
    path.write_text(
        json.dumps(
            {"model": "claude-sonnet-4-5", "system": "x", "messages": [{"role": "user", "content": "hi"}]}
        )
    )
    default = json.loads(runner.invoke(cli, ["estimate", str(path), "--messages", "--format", "json"]).stdout)
    said = "the request names claude-sonnet-4-5, which is not in the default set: add -m claude-sonnet-4.5"
    assert any(said in notice for notice in default["notices"])
    asked = json.loads(
        runner.invoke(
            cli, ["estimate", str(path), "--messages", "-m", "claude-sonnet-4.5", "--format", "json"]
        ).stdout
    )
    assert not any("the request names" in notice for notice in asked["notices"])


def test_a_map_to_nothing_names_its_bad_target(runner, tmp_path):
    """``--map x=nothing/x``: the error names the mapping's target, not only the id it maps."""
    prompt = tmp_path / "p.txt"
    prompt.write_text("Hello", encoding="utf-8")
    result = runner.invoke(cli, ["estimate", str(prompt), "--map", "x=nothing/x", "-m", "x"])
    assert result.exit_code == 2
    assert (
        "model 'x' is mapped (--map / model_map) to 'nothing/x', which is not a catalog model"
        in result.stderr
    )
    workload = tmp_path / "w.yaml"
    workload.write_text(
        "version: 1\nworkloads:\n  - {name: w, model: x, requests_per_day: 1, input_tokens: 10, output_tokens: 1}\n",
        encoding="utf-8",
    )
    planned = runner.invoke(cli, ["plan", str(workload), "--map", "x=gpt-9o"])
    assert planned.exit_code == 2
    assert "to 'gpt-9o', which is not a catalog model" in planned.stderr and "gpt-4o" in planned.stderr


def test_embedding_models_are_ranked_apart_from_chat_models_with_their_kind(runner, tmp_path):
    """An embedding model bills input only: it is ranked in a section of its own that names its kind, never
    in the chat models' column; JSON and CSV rows carry ``kind`` and ranks restart within each kind."""
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Explain the difference between a list and a tuple in Python. " * 20, encoding="utf-8")
    models = [
        "-m",
        "gpt-5-mini",
        "-m",
        "text-embedding-3-small",
        "-m",
        "deepseek-v3.2",
        "-m",
        "text-embedding-3-large",
    ]
    result = runner.invoke(cli, ["estimate", str(prompt), *models, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    rows = [(row["kind"], row["rank"], row["model"]) for row in document["rows"]]
    assert [kind for kind, _, _ in rows] == ["chat", "chat", "embedding", "embedding"]
    assert [rank for _, rank, _ in rows] == [1, 2, 1, 2]
    embedding = [row for row in document["rows"] if row["kind"] == "embedding"]
    assert embedding[0]["times_cheapest"] == "1.00" and embedding[0]["output_tokens"] == 0
    table = runner.invoke(cli, ["estimate", str(prompt), *models])
    assert table.exit_code == 0, table.output
    chat_part, embedding_part = table.stdout.split("Embedding models (input tokens only), ranked apart: ")
    embedding_part = embedding_part.split("\n\n")[0]  # the table, not the notes under it
    assert chat_part.startswith("Cost per request in USD")
    assert "text-embedding" not in chat_part and "gpt-5-mini" not in embedding_part
    assert embedding_part.startswith("cost per request in USD") and "output tok" not in embedding_part
    csv_rows = runner.invoke(cli, ["estimate", str(prompt), *models, "--format", "csv"]).stdout.splitlines()
    assert csv_rows[0].endswith(",kind") and [line.rsplit(",", 1)[1] for line in csv_rows[1:]] == [
        "chat",
        "chat",
        "embedding",
        "embedding",
    ]
    alone = runner.invoke(cli, ["estimate", str(prompt), "-m", "text-embedding-3-small"])
    assert alone.stdout.startswith("Embedding models (input tokens only): cost per request in USD")
