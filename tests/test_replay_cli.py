"""``tokencost replay``: exit codes, the JSON contract, stderr reporting, --strict, --emit-workload -> plan."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import fake_clock_span
from tokencost.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "replay"
CANDIDATE_KEYS = {
    "model",
    "provider",
    "input_tokens",
    "output_tokens",
    "tokens_method",
    "cost",
    "cost_low",
    "cost_high",
    "vs_actual",
    "monthly_cost",
}
ACTUAL_KEYS = {
    "model",
    "catalog_id",
    "requests",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "computed_cost",
    "billed_cost",
    "currency",
}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["replay", *args], input=input)


def test_every_fixture_source_at_once_json_contract():
    files = [str(p) for p in sorted(FIXTURES.iterdir()) if p.name != "generic.csv"]
    result = run(*files, "-m", "deepseek-v3.2", "-m", "gpt-4.1-mini", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "tokencost.replay/1"
    assert set(document["records"]) >= {"read", "priced", "skipped"}
    assert set(document["period"]) >= {"start", "end", "days"}
    assert all(set(row) >= ACTUAL_KEYS for row in document["actual"])
    assert [c["model"] for c in document["candidates"]] and all(
        set(c) >= CANDIDATE_KEYS for c in document["candidates"]
    )
    assert all(c["tokens_method"] in ("retokenized", "converted", "logged") for c in document["candidates"])
    Decimal(document["candidates"][0]["cost"])  # money as decimal strings
    sources = set(document["sources"].values())
    assert {"openai", "anthropic", "openrouter", "litellm", "langfuse", "otel", "pairs"} <= sources
    assert "reading " in result.stderr and "skipped " in result.stderr


def test_table_says_source_and_skips_with_locations():
    result = run(str(FIXTURES / "openai-chat.jsonl"), "-m", "gpt-4o-mini")
    assert result.exit_code == 0, result.output
    assert "openai-chat.jsonl as openai" in result.stderr
    assert "malformed JSON line (at " in result.stderr and "openai-chat.jsonl:8" in result.stderr
    assert "The same traffic on each candidate" in result.stdout


def test_strict_exits_2_when_records_were_skipped():
    result = run(str(FIXTURES / "openai-chat.jsonl"), "-m", "gpt-4o-mini", "--strict")
    assert result.exit_code == 2
    assert "Error: 2 record(s) skipped (--strict)" in result.stderr
    clean = run(str(FIXTURES / "pairs.jsonl"), "-m", "gpt-4o-mini", "--strict", "--since", "2025-01-01")
    assert clean.exit_code == 2  # pairs.jsonl holds one error response


def test_unknown_format_and_missing_file_exit_2(tmp_path):
    odd = tmp_path / "odd.json"
    odd.write_text('{"rows": [1, 2, 3]}')
    result = run(str(odd))
    assert result.exit_code == 2
    assert "odd.json: not a usage log format" in result.stderr and "Traceback" not in result.output
    assert run(str(tmp_path / "missing.jsonl")).exit_code == 2
    assert run(str(FIXTURES / "pairs.jsonl"), "--group-by", "week").exit_code == 2
    assert run(str(FIXTURES / "pairs.jsonl"), "-m", "gpt-9-ultra").exit_code == 2


def test_stdin_generic_map_and_group_by_tag():
    text = (FIXTURES / "generic.csv").read_text()
    result = run(
        "-",
        "--map",
        "model=llm,input=tokens_in,cached=tokens_cached,output=tokens_out,time=when,tag.team=team",
        "--group-by",
        "tag:team",
        "-m",
        "gpt-4o-mini",
        input=text,
    )
    assert result.exit_code == 0, result.output
    assert "By tag:team" in result.stdout and "unknown model 'gpt-9-turbo'" in result.stdout


def test_csv_and_markdown():
    csv_out = run(str(FIXTURES / "pairs.jsonl"), "-m", "gpt-4o-mini", "--format", "csv")
    assert csv_out.exit_code == 0 and csv_out.stdout.splitlines()[0].startswith("kind,model,")
    md = run(str(FIXTURES / "pairs.jsonl"), "-m", "gpt-4o-mini", "--format", "markdown")
    assert md.exit_code == 0 and "| model" in md.stdout


def test_emit_workload_round_trips_through_plan(tmp_path):
    target = tmp_path / "from-log.yaml"
    result = run(
        str(FIXTURES / "openai-usage-page.json"),
        "-m",
        "gpt-4o",
        "--emit-workload",
        str(target),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    replayed = Decimal(json.loads(result.stdout)["actual_total"]["monthly_cost"])
    plan = CliRunner().invoke(cli, ["plan", str(target), "--format", "json"])
    assert plan.exit_code == 0, plan.output
    planned = Decimal(json.loads(plan.stdout)["totals"]["monthly_cost"])
    assert abs(planned - replayed) / replayed < Decimal("0.01")
    again = run(str(FIXTURES / "openai-usage-page.json"), "--emit-workload", str(target))
    assert again.exit_code == 2  # never overwrites unasked
    assert (
        run(str(FIXTURES / "openai-usage-page.json"), "--emit-workload", str(target), "--force").exit_code
        == 0
    )


def test_emit_workload_refuses_an_existing_file_before_reading_the_logs(tmp_path):
    """The refusal comes first: a log that does not exist is not even looked at, and the file is untouched."""
    target = tmp_path / "mine.yaml"
    target.write_text("# my own workload\n")
    result = run(str(tmp_path / "no-such-log.jsonl"), "--emit-workload", str(target))
    assert result.exit_code == 2
    assert "already exists; pass --force to overwrite it" in result.output
    assert "no-such-log" not in result.output
    assert target.read_text() == "# my own workload\n"


def test_listed_in_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert "replay" in result.output


def test_every_readme_replay_command_runs(monkeypatch):
    """The README's "Replay your real usage" commands run on examples/usage/ (exit 0)."""
    import shlex

    repo = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(repo)
    lines = (repo / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [
        line.split("  #")[0]
        for line in lines
        if line.startswith("tokencost replay examples/usage/")
        and "--scheduler" not in line  # needs a cluster
    ]
    assert len(commands) >= 11
    for command in commands:
        result = CliRunner().invoke(cli, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"


def test_outside_period_and_empty_logs_are_said(tmp_path):
    result = run(str(FIXTURES / "pairs.jsonl"), "--since", "2030-01-01", "-m", "gpt-4o")
    assert result.exit_code == 0
    assert "3 more outside --since/--until" in result.stdout
    # they were all filtered out: not "the records carry no time" (they do)
    assert "period unknown (every record falls outside --since/--until)" in result.stdout
    assert "notice: no usage records to price" in result.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = run(str(empty), "-m", "gpt-4o")
    assert result.exit_code == 2 and "empty: no usage records to replay" in result.stderr


def test_jobs_give_the_same_document():
    """Re-tokenising in worker processes changes nothing in the result."""
    args = [
        str(FIXTURES / "pairs.jsonl"),
        str(FIXTURES / "langfuse-observations.json"),
        "-m",
        "deepseek-v3.2",
    ]
    one = run(*args, "-m", "claude-haiku-4.5", "--format", "json")
    two = run(*args, "-m", "claude-haiku-4.5", "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, two.output
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "generated_on"}  # noqa: E731
    assert strip(one.stdout) == strip(two.stdout)
    assert run(*args, "--jobs", "0").exit_code == 2


def test_an_empty_log_is_a_one_line_input_error(tmp_path):
    from click.testing import CliRunner

    from tokencost.cli import cli

    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["replay", str(path)])
    assert result.exit_code == 2
    assert f"Error: {path}: empty: no usage records to replay" in result.output
    assert "Traceback" not in result.output


def test_at_prices_every_record_on_that_days_cards(tmp_path):
    """--at prices the log on the cards in force that day (here across gemini-4-argon's 2026-12-01 price
    rise), says so in the JSON, and gives the same document on the partition engine."""
    import json as _json

    record = {
        "time": "2026-11-15T10:00:00Z",
        "request": {"model": "gemini-4-argon", "contents": [{"role": "user", "parts": [{"text": "Hello"}]}]},
        "response": {
            "modelVersion": "gemini-4-argon",
            "candidates": [{"content": {"role": "model", "parts": [{"text": "Hi"}]}}],
            "usageMetadata": {
                "promptTokenCount": 1000000,
                "candidatesTokenCount": 100000,
                "totalTokenCount": 1100000,
            },
        },
    }
    log = tmp_path / "argon.jsonl"
    log.write_text(_json.dumps(record) + "\n", encoding="utf-8")
    own = run(str(log), "-m", "gemini-4-argon", "--format", "json")
    assert own.exit_code == 0, own.output
    later = run(str(log), "-m", "gemini-4-argon", "--at", "2026-12-04", "--format", "json")
    assert later.exit_code == 0, later.output
    own_doc, doc = _json.loads(own.stdout), _json.loads(later.stdout)
    assert own_doc["prices_at"] is None and doc["prices_at"] == "2026-12-04"
    assert doc["assumptions"][0].startswith("prices: every record, as logged and on candidates, on the cards")
    # the introductory $2 / $10 card on its own date, the $4 / $20 card from 2026-12-01
    assert Decimal(own_doc["actual_total"]["computed_cost"]) == Decimal("3")
    assert Decimal(doc["actual_total"]["computed_cost"]) == Decimal("6")
    parallel = run(str(log), "-m", "gemini-4-argon", "--at", "2026-12-04", "--jobs", "2", "--format", "json")
    assert _json.loads(parallel.stdout) == doc


def test_replay_names_fake_clock_records_and_keeps_the_period_real(tmp_path):
    """Spans from a test suite's fake clock (1970) must not stretch the period over 56 years and shrink the run
    rate: they are read as records without a time and the summary says how many, with or without --jobs."""
    log = tmp_path / "spans.jsonl"
    spans = [fake_clock_span("5000000000"), fake_clock_span("1733312000100000000")]
    spans.append(fake_clock_span("1733398400100000000"))
    log.write_text("\n".join(spans) + "\n", encoding="utf-8")
    runner = CliRunner()
    for extra in ([], ["--jobs", "2"]):
        result = runner.invoke(cli, ["replay", str(log), "-m", "gpt-4o", *extra])
        assert result.exit_code == 0, result.output
        assert "3 records read, 3 priced" in result.output
        assert "1 with a placeholder time before 2000 (a fake clock: " in result.output
        assert "period 2024-12-04 .. 2024-12-05 (1 day elapsed)" in result.output  # 24 h apart
    document = json.loads(runner.invoke(cli, ["replay", str(log), "-m", "gpt-4o", "--format", "json"]).stdout)
    assert document["records"]["placeholder_time"] == 1
    assert document["period"]["records_without_time"] == 1


USAGE = Path(__file__).resolve().parents[1] / "examples" / "usage"
GENERIC_MAP = "model=llm,input=tokens_in,cached=tokens_cached,output=tokens_out,time=when"


def test_strict_counts_records_on_unknown_models_and_says_where(runner):
    """A record no card prices is as much a gap as a skipped one: located on stderr, and --strict exits 2."""
    args = ["replay", str(USAGE / "generic.csv"), "--map", GENERIC_MAP, "-m", "gpt-4o"]
    loose = runner.invoke(cli, args)
    assert loose.exit_code == 0
    assert "not priced: 1 record(s) on unknown model 'gpt-9-turbo' (at " in loose.stderr
    assert "generic.csv:5)" in loose.stderr
    strict = runner.invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 2
    assert "1 record(s) on unknown models (--strict)" in strict.stderr


def test_billed_total_says_what_it_covers_and_period_filters_drop_untimed_records(runner):
    result = runner.invoke(cli, ["replay", str(USAGE / "otel-spans.jsonl"), "-m", "gpt-4o"])
    document = json.loads(
        runner.invoke(
            cli, ["replay", str(USAGE / "otel-spans.jsonl"), "-m", "gpt-4o", "--format", "json"]
        ).stdout
    )
    total = document["actual_total"]
    if total["billed_cost"] and total["billed_records"] < total["records"]:
        assert f"on the {total['billed_records']} of {total['records']} records that carry" in result.stdout
    # Anthropic Messages responses carry no time: with a period asked for, they cannot be inside it
    log = str(USAGE / "anthropic-messages.jsonl")
    dated = runner.invoke(cli, ["replay", log, "-m", "gpt-4o", "--since", "2030-01-01", "--format", "json"])
    records = json.loads(dated.stdout)["records"]
    assert records["priced"] == 0 and records["outside_period"] > records["outside_period_untimed"] > 0


def test_replay_takes_exchange_rate_overrides(runner):
    log = str(USAGE / "pairs.jsonl")
    given = runner.invoke(cli, ["replay", log, "-m", "gpt-4o", "--currency", "JPY", "--fx", "JPY=150"])
    assert given.exit_code == 0 and "1 USD = 150 JPY (given)" in given.stdout
    bad = runner.invoke(cli, ["replay", log, "-m", "gpt-4o", "--fx", "nonsense"])
    assert bad.exit_code == 2 and "--fx 'nonsense'" in bad.stderr


def test_the_library_takes_iso_dates_and_exports_its_errors():
    import tokencost

    document = tokencost.replay(str(USAGE / "pairs.jsonl"), ["gpt-4o"], since="2020-01-01", fx={"CNY": 7})
    assert document["records"]["read"] > 0
    with pytest.raises(tokencost.InputError, match=r"since 'yesterday': expected a date, YYYY-MM-DD"):
        tokencost.replay(str(USAGE / "pairs.jsonl"), ["gpt-4o"], since="yesterday")
    assert issubclass(tokencost.UnknownModelError, tokencost.TokencostError)


def test_emitted_workload_leaves_usage_report_buckets_out_of_the_per_request_means(runner, tmp_path):
    """Usage-report buckets carry tokens but no request count: spread over the few logged requests they made a
    workload of millions of tokens per request that no model could run."""
    logs = [str(USAGE / "anthropic-usage-report.json"), str(USAGE / "anthropic-messages.jsonl")]
    out = tmp_path / "w.yaml"
    result = runner.invoke(cli, ["replay", *logs, "-m", "gpt-4o", "--emit-workload", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "usage-report buckets with no request count" in text
    means = [
        float(line.split(":")[1]) for line in text.splitlines() if line.strip().startswith("input_tokens:")
    ]
    assert means and max(means) < 100_000
    assert runner.invoke(cli, ["plan", str(out)]).exit_code == 0


def test_csv_keeps_groups_and_cache_writes(runner):
    log = str(USAGE / "pairs.jsonl")
    flat = runner.invoke(cli, ["replay", log, "-m", "gpt-4o", "--format", "csv"]).stdout
    by_day = runner.invoke(
        cli, ["replay", log, "-m", "gpt-4o", "--format", "csv", "--group-by", "day"]
    ).stdout
    header = flat.splitlines()[0].split(",")
    assert "cache_write_tokens" in header and "group" in header
    groups = [line for line in by_day.splitlines() if line.startswith("group,")]
    column = header.index("group")
    assert groups and all(line.split(",")[column] for line in groups)  # each group row names its group
    assert not any(line.startswith("group,") for line in flat.splitlines())


def test_the_summary_line_counts_skipped_records_too(runner):
    result = runner.invoke(cli, ["replay", str(USAGE / "anthropic-messages.jsonl"), "-m", "gpt-4o"])
    assert result.exit_code == 0
    skipped = sum(int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("skipped "))
    assert skipped and f"({skipped} more skipped, listed by reason on stderr)" in result.stdout


def test_a_directory_walk_skips_and_names_files_that_are_not_logs(tmp_path):
    logs = tmp_path / "logs"
    (logs / "otel").mkdir(parents=True)
    (logs / "README.md").write_text("# Our logs\n\nExported weekly.\n", encoding="utf-8")
    (logs / "otel" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (logs / "otel" / "pairs.jsonl").write_text(
        (FIXTURES / "pairs.jsonl").read_text("utf-8"), encoding="utf-8"
    )
    walked = run(str(logs), "-m", "gpt-4o", "--format", "json")
    assert walked.exit_code == 0, walked.output
    document = json.loads(walked.stdout)
    assert document["records"]["files_not_logs"] == [
        str(logs / "README.md"),
        str(logs / "otel" / "chart.png"),
    ]
    assert document["sources"][str(logs / "README.md")] == "not a usage log (skipped)"
    assert document["records"]["read"] == 3
    same = run(str(logs), "-m", "gpt-4o", "--format", "json", "--jobs", "2")
    assert json.loads(same.stdout)["records"] == document["records"]
    table = run(str(logs), "-m", "gpt-4o")
    assert "2 file(s) found that are not usage logs, skipped:" in table.stdout
    assert f"{logs / 'README.md'}" in table.stdout
    globbed = run(str(logs / "**" / "*"), "-m", "gpt-4o")
    assert globbed.exit_code == 0 and "2 file(s) found that are not usage logs" in globbed.stdout
    # a directory a pattern matches is walked too (logs/* matches logs/otel/)
    shallow = run(str(logs / "*"), "-m", "gpt-4o", "--format", "json")
    assert json.loads(shallow.stdout)["records"] == document["records"]
    # a file named on its own is still an error, and so is a walk that finds no log at all
    named = run(str(logs / "README.md"), "-m", "gpt-4o")
    assert named.exit_code == 2 and "not a usage log format" in named.stderr
    (logs / "otel" / "pairs.jsonl").unlink()
    nothing = run(str(logs), "-m", "gpt-4o")
    assert nothing.exit_code == 2 and "no usage log among the 2 file(s) found" in nothing.stderr


def test_a_candidates_tokens_column_names_every_method_with_its_records():
    files = [str(FIXTURES / "pairs.jsonl"), str(FIXTURES / "openai-usage-page.json")]
    document = json.loads(run(*files, "-m", "deepseek-v3.2", "--format", "json").stdout)
    by_method = document["candidates"][0]["records_by_method"]
    assert set(by_method) == {"converted", "retokenized"}
    table = run(*files, "-m", "deepseek-v3.2").stdout
    assert f"converted {by_method['converted']}, retokenized {by_method['retokenized']}" in table


def test_a_map_naming_a_missing_csv_column_is_an_input_error_naming_the_columns():
    result = run(str(FIXTURES / "generic.csv"), "--map", "model=nosuchcol,input=tokens_in")
    assert result.exit_code == 2
    assert "--map model=nosuchcol: no such column" in result.stderr and "tokens_in" in result.stderr


def test_a_one_line_note_beside_the_logs_is_not_a_log_not_an_empty_one(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "pairs.jsonl").write_text((FIXTURES / "pairs.jsonl").read_text("utf-8"), encoding="utf-8")
    (logs / "notes.txt").write_text("hello world\n", encoding="utf-8")
    (logs / "empty.csv").write_text("model,input\n", encoding="utf-8")
    document = json.loads(run(str(logs), "-m", "gpt-4o", "--format", "json").stdout)
    assert document["records"]["files_not_logs"] == [str(logs / "notes.txt")]
    assert document["sources"][str(logs / "empty.csv")] == "empty"
    named = run(str(logs / "notes.txt"), "-m", "gpt-4o")
    assert named.exit_code == 2 and "not a usage log" in named.stderr


def test_emitted_workload_keeps_the_cache_write_ttl_mix(tmp_path):
    """The Anthropic example writes 2,000 tokens at 5 min and 3,000 at 1 h: the workload says so
    (``ttl_1h_share: 0.6``) and plan bills each at its own rate, so it gives the replay's run rate."""
    log = Path(__file__).parent.parent / "examples" / "usage" / "anthropic-messages.jsonl"
    target = tmp_path / "from-log.yaml"
    result = run(str(log), "--emit-workload", str(target), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    sonnet = next(row for row in document["actual"] if row["model"] == "claude-sonnet-4.5")
    assert (sonnet["cache_write_tokens"], sonnet["cache_write_1h_tokens"]) == (5000, 3000)
    assert "cache: {write_ratio: 0.384615, ttl_1h_share: 0.6}" in target.read_text(encoding="utf-8")
    replayed = Decimal(document["actual_total"]["monthly_cost"])
    plan = CliRunner().invoke(cli, ["plan", str(target), "--format", "json"])
    assert plan.exit_code == 0, plan.output
    planned = json.loads(plan.stdout)
    assert round(Decimal(planned["totals"]["monthly_cost"]), 2) == round(replayed, 2)  # $1.57, was $1.37
    # the model that writes the cache, alone: its run rate to a hundredth of a percent (requests per day are
    # written to 4 places); before, its 1 h writes were billed at the 5 min rate
    days = Decimal(document["period"]["days"])
    sonnet_rate = Decimal(sonnet["computed_cost"]) * Decimal("30.4375") / days
    planned_sonnet = Decimal(planned["workloads"][0]["monthly_cost"])
    assert planned["workloads"][0]["model"] == "claude-sonnet-4.5"
    assert abs(planned_sonnet - sonnet_rate) / sonnet_rate < Decimal("0.0001")
    writes = planned["workloads"][0]["breakdown"]["parts"]["cache_writes"]
    assert writes["ttl"] == "5m+1h"


def test_a_pipe_or_line_break_in_a_tag_keeps_the_markdown_table_whole(tmp_path):
    import re

    rows = [
        {"id": f"o{i}", "traceId": f"t{i}", "type": "GENERATION", "startTime": "2026-11-04T10:00:00Z",
         "model": "gpt-4o", "name": name, "usageDetails": {"input": 100, "output": 10}}
        for i, name in enumerate(["a|b", "line\nbreak", "<x> tag"])
    ]  # fmt: skip
    log = tmp_path / "lf.json"
    log.write_text(json.dumps(rows), encoding="utf-8")
    result = run(str(log), "-m", "gpt-4o", "--group-by", "tag:name", "--format", "markdown")
    assert result.exit_code == 0, result.output
    section = result.stdout.split("### By tag:name")[1]
    table = [line for line in section.splitlines() if line.startswith("|")]
    cells = {len(re.split(r"(?<!\\)\|", line)) for line in table}
    assert len(table) == 5 and len(cells) == 1  # header, rule, 3 groups: every line the same columns
    assert "a\\|b" in result.stdout and "line<br>break" in result.stdout
    assert "&lt;x> tag" in result.stdout and "<x>" not in result.stdout  # no raw HTML in a PR summary


def test_csv_candidate_rows_give_the_mix_of_counting_methods(tmp_path):
    """A candidate whose records were counted several ways says the mix in CSV too (the table does)."""
    import csv
    import io

    body = {"object": "chat.completion", "created": 1764842400, "choices": []}
    rows = [
        {"id": "c1", "model": "gpt-4o", **body, "usage": {"prompt_tokens": 1000, "completion_tokens": 10}},
        {
            "id": "c2",
            "model": "claude-sonnet-4-5",
            **body,
            "usage": {"prompt_tokens": 900, "completion_tokens": 9},
        },
    ]
    log = tmp_path / "mix.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run(str(log), "-m", "gpt-4.1", "--format", "csv")
    assert result.exit_code == 0, result.output
    [row] = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["kind"] == "candidate"]
    assert (
        row["records_by_method"] == "logged=1;converted=1"
        or row["records_by_method"] == "converted=1;logged=1"
    )
    assert row["tokens_method"] == "converted"


def test_batch_input_files_alone_are_an_empty_input_that_names_the_output_file(tmp_path):
    """Only OpenAI batch *input* files: say how many request lines were found and that the output (results)
    file carries the usage, exit 2; with the output file, or any file with usage records, it prices."""
    batch_input = str(FIXTURES / "openai-batch-input.jsonl")
    alone = run(batch_input, "-m", "gpt-4o")
    assert alone.exit_code == 2, alone.output
    errors = [line for line in alone.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {batch_input}: 2 OpenAI batch request line(s), no usage to price: a batch input file holds the "
        "requests only; replay the batch's output file (the results JSONL of its output_file_id, whose lines "
        "carry the usage), with this one beside it to re-tokenise the prompts"
    ]
    assert alone.stdout == ""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert run(batch_input, str(empty), "-m", "gpt-4o").exit_code == 2  # an empty file has no usage either
    with_output = run(
        batch_input, str(FIXTURES / "openai-batch-output.jsonl"), "-m", "gpt-4o", "--format", "json"
    )
    assert with_output.exit_code == 0, with_output.output
    document = json.loads(with_output.stdout)
    assert document["records"]["batch_input_lines"] == {batch_input: 2} and document["records"]["read"] == 2
    with_other = run(batch_input, str(FIXTURES / "pairs.jsonl"), "-m", "gpt-4o")
    assert with_other.exit_code == 0, with_other.output
