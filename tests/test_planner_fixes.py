"""Regression tests for planner-core defects found in review: default candidates, budgets in the file's
currency, per-workload starts on the plan's month grid, bad dates, error lines, retired and free models,
non-text chat parts and numbers too large to represent."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from decimal import Decimal

import pytest

from conftest import write_sheet
from tokencost.cli import cli
from tokencost.costing.models import default_models
from tokencost.errors import InputError
from tokencost.planner import plan_file
from tokencost.pricing.catalog import load_catalog

TODAY = dt.date(2026, 11, 22)


write = write_sheet  # dedented YAML into a directory


SIMPLE = """
    version: 1
    start: 2027-01-01
    horizon_months: 2
    {candidates}
    workloads:
      - name: w
        model: gpt-5.4-mini
        requests_per_day: 10
        input_tokens: 500
        counted_with: o200k_base
        output_tokens: 50
"""


# -- 1. candidates left out -----------------------------------------------------------------------------------
@pytest.mark.parametrize("candidates", ["", "candidates: []"])
def test_missing_candidates_use_the_default_comparison_set(tmp_path, candidates):
    path = write(tmp_path, "w.yaml", SIMPLE.format(candidates=candidates))
    result = plan_file(path, today=TODAY)
    ranked = {row.entry.id for row in result.workloads[0].candidates}
    assert "gpt-5.4-mini" in ranked  # the current model is always priced
    assert ranked & {e.id for e in default_models(load_catalog(), TODAY)}
    assert any(
        "default comparison set on " in a and "(assumed: candidates not given" in a
        for a in result.assumptions
    )


def test_plan_cli_without_candidates_succeeds(tmp_path, runner):
    path = write(tmp_path, "w.yaml", SIMPLE.format(candidates=""))
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 0, out.output
    assert "default comparison set" in out.output and "Traceback" not in out.output


# -- 2. budgets are in the file's currency ---------------------------------------------------------------------
CNY_BUDGETS = """
    version: 1
    currency: CNY
    start: 2027-01-01
    horizon_months: 2
    candidates: [gpt-5.4-mini]
    budgets: {monthly_total: 7120, per_workload: {w: 712}}
    policies: {max_price_per_mtok: {input: 71.2}}
    workloads:
      - name: w
        model: gpt-5.4-mini
        requests_per_day: 10
        input_tokens: 500
        counted_with: o200k_base
        output_tokens: 50
"""


def test_budgets_convert_from_the_file_currency_to_the_display_currency(tmp_path):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS)
    doc = plan_file(path, currency="USD", fx=["CNY=7.12"], today=TODAY).to_document()
    assert doc["currency"] == "USD"
    assert doc["budgets"] == {"monthly_total": "1000", "per_workload": {"w": "100"}}
    assert doc["policies"]["max_price_per_mtok"] == {"input": "10"}
    assert any(
        "budgets and max_price_per_mtok converted from CNY" in a and "1 USD = 7.12 CNY (given)" in a
        for a in doc["assumptions"]
    )
    assert "7.12 CNY" in doc["fx"]


def test_budgets_unchanged_in_the_file_currency(tmp_path):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS)
    doc = plan_file(path, fx=["CNY=7.12"], today=TODAY).to_document()
    assert doc["budgets"] == {"monthly_total": "7120", "per_workload": {"w": "712"}}
    assert doc["policies"]["max_price_per_mtok"] == {"input": "71.2"}
    assert not any("budgets and max_price_per_mtok converted" in a for a in doc["assumptions"])


def test_check_cli_compares_converted_budget(tmp_path, runner):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS.replace("monthly_total: 7120", "monthly_total: 0.0712"))
    # 0.0712 CNY = 0.01 USD, below the bill: the budget must fail in either currency
    out = runner.invoke(cli, ["check", str(path), "--currency", "USD", "--fx", "CNY=7.12"])
    assert out.exit_code == 1, out.output
    assert "budget of $0.01" in out.output and "USD" in out.output
    assert "0.0712" not in out.output


# -- 3. a workload's own start sits on the plan's month grid --------------------------------------------------
STARTS = """
    version: 1
    start: 2027-01-01
    horizon_months: 4
    candidates: [gpt-5.4-mini]
    workloads:
      - name: a
        model: gpt-5.4-mini
        requests_per_month: 1000000
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 0
        growth: 0%
      - name: b
        model: gpt-5.4-mini
        start: {start}
        requests_per_month: 1000000
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 0
        growth: 10%
"""


def _forecast(doc):
    return [(p["month"], Decimal(p["cost"])) for p in doc["totals"]["forecast"]]


def test_later_workload_costs_nothing_before_its_start(tmp_path):
    result = plan_file(write(tmp_path, "w.yaml", STARTS.format(start="2027-03-01")), today=TODAY)
    doc = result.to_document()
    assert _forecast(doc) == [
        ("2027-01", Decimal(750)),
        ("2027-02", Decimal(750)),
        ("2027-03", Decimal(1500)),
        ("2027-04", Decimal(1575)),
    ]
    assert result.monthly_cost == Decimal(750) == _forecast(doc)[0][1]
    assert result.best_monthly_cost == Decimal(750)
    b = doc["workloads"][1]
    assert [p["month"] for p in b["forecast"]] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert [Decimal(p["cost"]) for p in b["forecast"]] == [0, 0, 750, 825]
    assert b["first_month"] == "2027-03" and Decimal(b["monthly_cost"]) == 750
    assert any("costs 0 before 2027-03" in a for a in b["assumptions"])


def test_earlier_workload_has_grown_by_the_plan_start(tmp_path):
    result = plan_file(write(tmp_path, "w.yaml", STARTS.format(start="2026-10-01")), today=TODAY)
    doc = result.to_document()
    assert doc["start"] == "2027-01-01"
    assert [m for m, _ in _forecast(doc)] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert _forecast(doc)[0][1] == Decimal("1748.25") == result.monthly_cost  # 750 + 750 x 1.1**3
    b = doc["workloads"][1]
    assert Decimal(b["monthly_cost"]) == Decimal("998.25")
    assert b["candidates"][0]["monthly_cost"] == b["monthly_cost"]


def test_workload_after_the_horizon_is_not_in_the_forecast(tmp_path):
    result = plan_file(write(tmp_path, "w.yaml", STARTS.format(start="2028-01-01")), today=TODAY)
    doc = result.to_document()
    assert [c for _, c in _forecast(doc)] == [750] * 4
    b = doc["workloads"][1]
    assert b["first_month"] is None and all(Decimal(p["cost"]) == 0 for p in b["forecast"])
    assert any("not in the forecast" in a for a in b["assumptions"])


def test_plan_cli_totals_match_the_forecast(tmp_path, runner):
    path = write(tmp_path, "w.yaml", STARTS.format(start="2027-03-01"))
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 0, out.output
    assert "Total in 2027-01: $750.00" in out.output
    assert "2027-05" not in out.output and "2027-06" not in out.output
    # the late workload's figure is its first month's, and says so
    assert "Workload a: gpt-5.4-mini, 1,000,000 requests/month, in 2027-01 $750.00" in out.output
    assert "Workload b: gpt-5.4-mini, 1,000,000 requests/month, from 2027-03 $750.00" in out.output
    report = runner.invoke(
        cli, ["report", str(path), "--format", "markdown", "--out", str(tmp_path / "r.md")]
    )
    assert report.exit_code == 0, report.output
    assert "from 2027-03 $750.00." in (tmp_path / "r.md").read_text()


def test_renderers_can_read_converted_budgets(tmp_path):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS)
    result = plan_file(path, currency="USD", fx=["CNY=7.12"], today=TODAY)
    assert result.in_display_currency(result.spec.budgets.monthly_total) == Decimal(1000)
    assert result.in_display_currency(None) is None


# -- 4. impossible unquoted dates -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file_start", "workload_start", "line", "loc", "why"),
    [
        ("start: 2027-02-30", "", 2, "start", "day is out of range"),
        ("start: 2027-13-01", "", 2, "start", "month must be in 1..12"),
        ("", "start: 2027-04-31", 6, "workloads[0].start", "day is out of range"),
    ],
)
def test_impossible_dates_are_one_line_errors(tmp_path, runner, file_start, workload_start, line, loc, why):
    body = f"""
        version: 1
        {file_start or "horizon_months: 2"}
        candidates: [gpt-5.4-mini]
        workloads:
          - name: w
            {workload_start or "output_tokens: 1"}
            model: gpt-5.4-mini
            requests_per_day: 1
            input_tokens: 5
    """
    path = write(tmp_path, "w.yaml", body)
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 2, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.output
    assert f"w.yaml:{line}: {loc}: " in lines[0] and "is not a valid date" in lines[0] and why in lines[0]


# -- 5. whole-file checks point at the offending line ---------------------------------------------------------
TWO = """
    version: 1
    candidates: [gpt-5.4-mini]
    workloads:
      - name: w
        model: gpt-5.4-mini
        requests_per_day: 1
        input_tokens: 5
      - name: {second}
        model: gpt-5.4-mini
        requests_per_day: 1
        input_tokens: 5
    budgets:
      monthly_total: 5
      per_workload:
        w: 3
        {budget}: 2
"""


def test_budget_for_unknown_workload_names_its_line(tmp_path, runner):
    path = write(tmp_path, "w.yaml", TWO.format(second="v", budget="ghost"))
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 2, out.output
    assert out.output.strip() == (
        f"Error: {path}:16: budgets.per_workload.ghost: budget for ghost, but no workload has that name "
        "(workloads: w, v)"
    )


def test_duplicate_workload_name_names_its_line(tmp_path):
    path = write(tmp_path, "w.yaml", TWO.format(second="w", budget="v"))
    with pytest.raises(InputError, match=r"w.yaml:8: workloads\[1\].name: workload name 'w' is used twice"):
        plan_file(path, today=TODAY)


# -- 6. retired and free models -------------------------------------------------------------------------------
OLD_SHEET = """
    provider:
      id: oldco
      name: Old Co
      kind: vendor
      currency: USD
      checked: 2026-11-01
    models:
      - id: old-cheap
        tokenizer: o200k_base
        deprecated: 2026-10-01
        prices: {input: 0.01, output: 0.01}
      - id: old-soon
        tokenizer: o200k_base
        deprecated: 2027-02-01
        prices: {input: 0.02, output: 0.02}
      - id: old-free
        tokenizer: o200k_base
        free: true
        prices: {input: 0, output: 0}
      - id: old-main
        tokenizer: o200k_base
        prices: {input: 1, output: 1}
"""


def _retired_plan(tmp_path, candidates, model="old-main"):
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "oldco.yaml").write_text(textwrap.dedent(OLD_SHEET).lstrip(), encoding="utf-8")
    body = f"""
        version: 1
        start: 2027-01-01
        horizon_months: 3
        candidates: {candidates}
        workloads:
          - name: w
            model: {model}
            requests_per_day: 10
            input_tokens: 500
            counted_with: o200k_base
            output_tokens: 50
    """
    path = write(tmp_path, "w.yaml", body)
    return plan_file(path, pricing=[sheets], today=TODAY).to_document()["workloads"][0]


def test_retired_model_from_a_selector_is_excluded_with_its_date(tmp_path):
    w = _retired_plan(tmp_path, "['vendor:oldco']")
    ranked = {c["model"]: c for c in w["candidates"]}
    assert "old-cheap" not in ranked
    assert {
        "model": "old-cheap",
        "provider": "oldco",
        "reason": "retired on 2026-10-01 (name it in candidates to rank it anyway)",
    } in w["excluded"]
    assert "retires on 2027-02-01: cannot be bought from 2027-02" in ranked["old-soon"]["notes"]
    assert not any("retire" in n for n in ranked["old-main"]["notes"])


def test_retired_model_named_explicitly_is_ranked_with_a_note(tmp_path):
    # Named, a retired model is still listed with its note, but it cannot be bought in any month of the
    # plan and names no successor: it covers nothing and ranks after every candidate that covers the
    # horizon (it used to rank #1 on a price nobody can pay).
    w = _retired_plan(tmp_path, "[old-cheap]")
    ranked = {c["model"]: c for c in w["candidates"]}
    assert ranked["old-cheap"]["rank"] == 2 and ranked["old-main"]["rank"] == 1
    assert "retired on 2026-10-01" in ranked["old-cheap"]["notes"]
    assert ranked["old-cheap"]["not_covered_from"] == "2027-01"
    assert ranked["old-cheap"]["horizon_total"] is None and ranked["old-cheap"]["horizon_savings"] is None
    assert [m["cost"] for m in ranked["old-cheap"]["forecast"]] == [None, None, None]
    assert not w["excluded"]


def test_retired_current_model_is_priced_and_flagged(tmp_path):
    w = _retired_plan(tmp_path, "[old-main]", model="old-cheap")
    current = next(c for c in w["candidates"] if c["current"])
    assert current["model"] == "old-cheap" and "retired on 2026-10-01" in current["notes"]
    assert "current model old-cheap was retired on 2026-10-01" in w["problems"]


def test_free_tier_carries_a_rate_limit_note(tmp_path):
    w = _retired_plan(tmp_path, "[old-free]")
    free = next(c for c in w["candidates"] if c["model"] == "old-free")
    assert free["rank"] == 1 and Decimal(free["monthly_cost"]) == 0
    assert any(n.startswith("free tier: rate limits apply") and "304.38 requests" in n for n in free["notes"])


# -- 7. non-text chat parts -----------------------------------------------------------------------------------
def _chat_plan(tmp_path, content):
    chat = {"messages": [{"role": "user", "content": content}]}
    (tmp_path / "chat.json").write_text(json.dumps(chat), encoding="utf-8")
    body = """
        version: 1
        start: 2027-01-01
        horizon_months: 1
        candidates: [gpt-5.4-mini, claude-haiku-4.5]
        workloads:
          - name: w
            model: gpt-5.4-mini
            requests_per_day: 100
            messages: chat.json
            output_tokens: 10
    """
    return plan_file(write(tmp_path, "w.yaml", body), today=TODAY).to_document()["workloads"][0]


def test_non_text_chat_parts_are_reported(tmp_path):
    image = {"type": "image_url", "image_url": {"url": "http://x"}}
    w = _chat_plan(tmp_path, [{"type": "text", "text": "hello there"}, image, image])
    assert any(p.startswith("2 part(s) (images, audio, files") and "not counted" in p for p in w["problems"])
    assert any("2 part(s) of the chat sample(s) not counted" in a for a in w["assumptions"])


def test_text_only_chat_has_no_non_text_problem(tmp_path):
    w = _chat_plan(tmp_path, "hello there")
    assert not any("not counted" in p for p in w["problems"] + w["assumptions"])


# -- 8. numbers too large to represent ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "replacement", "message"),
    [
        (
            "requests_per_day: 10",
            "requests_per_day: 1e30",
            r"w.yaml:8: workloads\[0\].requests_per_day: 1E\+30 is more than a plan can represent",
        ),
        (
            "requests_per_day: 10",
            "requests_per_day: 1e14",
            r"w.yaml:8: workloads\[0\].requests_per_day: 1E\+14 requests per day is more than a plan can "
            r"represent \(at most 1,000,000,000,000,000 requests per month\)",
        ),
        (
            "input_tokens: 500",
            "input_tokens: 2e9",
            r"w.yaml:9: workloads\[0\].input_tokens: .* \(at most 1,000,000,000 tokens per request\)",
        ),
        (
            "output_tokens: 50",
            "output_tokens: 50\n        growth: 1e9%",
            r"w.yaml:12: workloads\[0\].growth: growth of 1,000,000,000% is more than a plan can represent",
        ),
        (
            "horizon_months: 2",
            "horizon_months: 2\n    budgets: {monthly_total: 1e20}",
            r"w.yaml:4: budgets.monthly_total: 1E\+20 is more than a plan can represent",
        ),
    ],
)
def test_numbers_beyond_the_representable_range_are_input_errors(
    tmp_path, runner, line, replacement, message
):
    body = SIMPLE.format(candidates="candidates: [gpt-5.4-mini]").replace(line, replacement)
    path = write(tmp_path, "w.yaml", body)
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 2, out.output
    assert len(out.output.strip().splitlines()) == 1 and "Traceback" not in out.output
    assert re.search(message, out.output), out.output


@pytest.mark.parametrize("rate", ["1e-30", "1e30", "0.0000009", "1000001"])
def test_fx_rates_outside_the_range_are_input_errors(tmp_path, runner, rate):
    path = write(tmp_path, "w.yaml", CNY_BUDGETS)
    out = runner.invoke(cli, ["plan", str(path), "--currency", "USD", "--fx", f"CNY={rate}"])
    assert out.exit_code == 2, out.output
    assert out.output.startswith("Error: --fx CNY=") and "between 0.000001 and 1,000,000" in out.output
    assert "Traceback" not in out.output


def test_largest_accepted_inputs_plan_and_serialise(tmp_path):
    body = """
        version: 1
        start: 2027-01-01
        horizon_months: 120
        candidates: [gpt-5.4-mini, deepseek-cn/deepseek-v3.2]
        budgets: {monthly_total: 1000000000000000}
        workloads:
          - name: w
            model: gpt-5.4-mini
            requests_per_month: 900000000000000
            input_tokens: 10000
            counted_with: o200k_base
            output_tokens: 10000
            growth: 0.0001%
    """
    path = write(tmp_path, "w.yaml", body)
    for fx in ("CNY=0.000001", "CNY=1000000"):
        result = plan_file(path, currency="CNY", fx=[fx], today=TODAY)
        doc = json.loads(json.dumps(result.to_document()))
        forecast = [Decimal(p["cost"]) for p in doc["totals"]["forecast"]]
        assert len(forecast) == 120 and forecast == sorted(forecast) and forecast[-1] > forecast[0] > 0
        assert Decimal(doc["budgets"]["monthly_total"]) > 0
        assert "E" not in json.dumps(doc["totals"])  # plain digits
    # the largest growth compounded over the horizon takes the traffic past the bound: refused, not computed
    path = write(
        tmp_path, "w.yaml", body.replace("growth: 0.0001%", "growth: 10000%\n            growth_per: week")
    )
    with pytest.raises(InputError, match=r"workloads\[0\]\.growth: growth 10,000% per week over 119 months"):
        plan_file(path, currency="CNY", today=TODAY)


MAX_INPUT = """\
version: 1
start: 2027-01-01
candidates: [gpt-5, claude-opus-4.6]
workloads:
  - name: long
    model: claude-opus-4.6
    requests_per_month: 1000
    input_tokens: {tokens}
    counted_with: o200k_base
    output_tokens: 1000
"""


def test_gpt5_is_excluded_above_its_input_limit_not_below_its_window(tmp_path):
    fits = plan_file(write(tmp_path, "a.yaml", MAX_INPUT.format(tokens=190000)), today=TODAY).to_document()
    assert "gpt-5" in [c["model"] for c in fits["workloads"][0]["candidates"]]
    over = plan_file(write(tmp_path, "b.yaml", MAX_INPUT.format(tokens=290000)), today=TODAY).to_document()
    reasons = {x["model"]: x["reason"] for x in over["workloads"][0]["excluded"]}
    assert reasons["gpt-5"] == "max input 272k < input 290k"


def test_a_directory_as_prompt_is_named_a_directory_not_missing(tmp_path, runner):
    (tmp_path / "d").mkdir()
    path = write(
        tmp_path,
        "w.yaml",
        """
        version: 1
        candidates: [gpt-5-mini]
        workloads:
          - name: w
            model: gpt-5-mini
            requests_per_month: 10
            prompt: d
            output_tokens: 10
        """,
    )
    out = runner.invoke(cli, ["plan", str(path)])
    assert out.exit_code == 2
    assert "workloads[0].prompt: 'd' is a directory (give files or a glob such as 'd/*.txt')" in out.output


def test_a_jsonl_of_logged_requests_is_one_sample_per_request(tmp_path, runner):
    # count --messages counts each line as a request; plan takes each as a sample of the traffic
    short = {"messages": [{"role": "user", "content": "hi"}]}
    long = {"messages": [{"role": "user", "content": "hello " * 300}]}
    (tmp_path / "log.jsonl").write_text("\n".join(json.dumps(r) for r in (short, long)) + "\n", "utf-8")
    for name, request in (("short.json", short), ("long.json", long)):
        (tmp_path / name).write_text(json.dumps(request), "utf-8")
    body = """
        version: 1
        candidates: [gpt-5-mini]
        workloads:
          - name: w
            model: gpt-5-mini
            requests_per_month: 1000
            messages: {files}
            output_tokens: 10
        """
    logged = plan_file(write(tmp_path, "a.yaml", body.format(files="log.jsonl")), today=TODAY)
    separate = plan_file(write(tmp_path, "b.yaml", body.format(files="[short.json, long.json]")), today=TODAY)
    a, b = logged.to_document()["workloads"][0], separate.to_document()["workloads"][0]
    assert len(a["samples"]) == 1 and a["samples"][0].endswith("log.jsonl")
    assert a["tokens_per_request"] == b["tokens_per_request"]  # the mean of the two requests
    assert a["monthly_cost"] == b["monthly_cost"]
    assert any("mean of 2 chat request(s) from 1 file(s)" in x for x in a["assumptions"])
    # and the total over the log equals what `tokencost count --messages` says of it
    out = runner.invoke(
        cli, ["count", str(tmp_path / "log.jsonl"), "--messages", "--model", "gpt-5-mini", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    total = json.loads(out.stdout)["tokens"]
    assert Decimal(a["tokens_per_request"]["input"]) == Decimal(total) / 2


def test_counts_in_the_plan_document_are_plain_decimals(tmp_path):
    body = SIMPLE.format(candidates="candidates: [gpt-5.4-mini]").replace(
        "requests_per_day: 10", "requests_per_month: 1e15"
    )
    doc = plan_file(write(tmp_path, "w.yaml", body), today=TODAY).to_document()
    assert doc["workloads"][0]["requests_per_month"] == "1000000000000000"


def test_a_mid_month_start_says_the_month_counts_whole(tmp_path):
    result = plan_file(write(tmp_path, "w.yaml", STARTS.format(start="2027-03-15")), today=TODAY)
    b = result.to_document()["workloads"][1]
    assert any(
        "start: 2027-03-15 is mid-month: 2027-03 is counted as a whole month" in a for a in b["assumptions"]
    )


def test_late_workload_budget_lines_and_report_say_from_when(tmp_path, runner):
    body = STARTS.format(start="2027-03-01").replace(
        "    version: 1", "    version: 1\n    budgets: {per_workload: {b: 700}}"
    )
    path = write(tmp_path, "w.yaml", body)
    out = runner.invoke(cli, ["plan", str(path)])
    assert "Over budget: workload b $750.00 from 2027-03 against its $700.00 monthly budget" in out.output
    report = runner.invoke(cli, ["report", str(path), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert "2027-03, current model" in (tmp_path / "r.html").read_text("utf-8")


def test_plan_counts_a_structured_output_schema_like_count_does(tmp_path, runner):
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string", "description": "the answer " * 50}},
    }
    request = {
        "messages": [{"role": "user", "content": "hi"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": schema}},
    }
    (tmp_path / "r.json").write_text(json.dumps(request), "utf-8")
    (tmp_path / "plain.json").write_text(json.dumps({"messages": request["messages"]}), "utf-8")
    body = """
        version: 1
        candidates: [gpt-5-mini]
        workloads:
          - name: w
            model: gpt-5-mini
            requests_per_month: 10
            messages: {file}
            output_tokens: 10
        """
    with_schema = plan_file(write(tmp_path, "a.yaml", body.format(file="r.json")), today=TODAY).to_document()
    plain = plan_file(write(tmp_path, "b.yaml", body.format(file="plain.json")), today=TODAY).to_document()
    tokens = Decimal(with_schema["workloads"][0]["tokens_per_request"]["input"])
    assert tokens > Decimal(plain["workloads"][0]["tokens_per_request"]["input"]) + 50
    out = runner.invoke(
        cli, ["count", str(tmp_path / "r.json"), "--messages", "-m", "gpt-5-mini", "--format", "json"]
    )
    assert json.loads(out.stdout)["tokens"] == tokens


def test_reasoning_signatures_in_chat_samples_are_a_plan_problem(tmp_path):
    chat = {
        "contents": [
            {"role": "user", "parts": [{"text": "hello there"}]},
            {"role": "model", "parts": [{"text": "hi", "thoughtSignature": "CiQB0e2Kb"}]},
            {"role": "user", "parts": [{"text": "again"}]},
        ]
    }
    (tmp_path / "chat.json").write_text(json.dumps(chat), encoding="utf-8")
    body = """
        version: 1
        start: 2027-01-01
        horizon_months: 1
        candidates: [gemini-2.5-flash]
        workloads:
          - name: w
            model: gemini-2.5-flash
            requests_per_day: 100
            messages: chat.json
            output_tokens: 10
    """
    w = plan_file(write(tmp_path, "w.yaml", body), today=TODAY).to_document()["workloads"][0]
    assert any("1 part(s) of the chat sample(s) carry reasoning signatures" in p for p in w["problems"])
