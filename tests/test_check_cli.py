"""``tokencost check`` through the CLI: exit codes, stdout/stderr, GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tokencost.cli import cli
from tokencost.render.check_render import MARKER

PLANS = Path(__file__).parent / "fixtures" / "plans"


def fixture(name: str) -> str:
    return str(PLANS / f"{name}.json")


def edited(tmp_path: Path, name: str, edit) -> str:
    """A copy of fixture ``name`` changed by ``edit(document)``."""
    document = json.loads((PLANS / f"{name}.json").read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / f"{name}-edited.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def run(runner, *args):
    return runner.invoke(cli, ["check", *args], catch_exceptions=False)


def test_pass(runner):
    result = run(runner, fixture("head-pass"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("tokencost check: PASS")
    assert "monthly total $931.68" in result.stderr


def test_warn_exits_zero(runner):
    result = run(runner, fixture("head-near-budget"))
    assert result.exit_code == 0
    assert "tokencost check: WARN" in result.stderr
    assert "84.0% of the budget" in result.stderr


def test_fail_over_budget_exits_one(runner):
    result = run(runner, fixture("head-over-budget"))
    assert result.exit_code == 1
    # one verdict line saying what failed; no second "Error: check failed" line
    assert "tokencost check: FAIL: total $5,600.00/month is over the budget" in result.stderr
    assert "Error:" not in result.stderr and "FAIL: failed" not in result.stderr
    assert result.stderr.count("is over the budget") == 1
    assert "Traceback" not in result.output


def test_budget_flag_overrides_file(runner):
    assert run(runner, fixture("head-over-budget"), "--budget", "7000").exit_code == 0
    assert run(runner, fixture("head-pass"), "--budget", "$900").exit_code == 1
    result = run(runner, fixture("head-pass"), "--budget", "support-bot=100")
    assert result.exit_code == 1
    assert "workload 'support-bot'" in result.stderr


def test_warn_only_never_fails_a_budget(runner):
    result = run(runner, fixture("head-over-budget"), "--warn-only", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["verdict"] == "warn"
    assert document["would_fail"] is True
    assert document["reasons"][0]["demoted_from"] == "fail"


def test_baseline_increase_over_limit(runner):
    result = run(runner, fixture("head-increase"), "--baseline", fixture("baseline"), "--max-increase", "10%")
    assert result.exit_code == 1
    assert "total rose +$642.10 (+69.5%)" in result.stderr
    assert "translate-nightly" in result.stderr and "added" in result.stderr
    ok = run(runner, fixture("head-increase"), "--baseline", fixture("baseline"), "--max-increase", "700")
    assert ok.exit_code == 0


def test_percent_limit_is_not_rounded_before_comparing(runner, tmp_path):
    def grow(document, factor):
        for workload in document["workloads"]:
            workload["monthly_cost"] = str(Decimal(workload["monthly_cost"]) * factor)
        document["totals"]["monthly_cost"] = str(Decimal(document["totals"]["monthly_cost"]) * factor)

    over = edited(tmp_path, "baseline", lambda d: grow(d, Decimal("1.1005")))  # +10.05 %
    result = run(runner, over, "--baseline", fixture("baseline"), "--max-increase", "10%")
    assert result.exit_code == 1, result.output
    assert "(+10.05%)" in result.stderr and "over the limit of +10%" in result.stderr
    at = edited(tmp_path, "baseline", lambda d: grow(d, Decimal("1.1")))
    assert run(runner, at, "--baseline", fixture("baseline"), "--max-increase", "10%").exit_code == 0


def test_min_delta_noise_floor(runner):
    args = ["--baseline", fixture("baseline"), "--max-increase", "1"]
    assert run(runner, fixture("head-pass"), *args).exit_code == 1
    result = run(runner, fixture("head-pass"), *args, "--min-delta", "10")
    assert result.exit_code == 0
    # a change under the floor is said as the change it is (it was "2 workload(s) unchanged")
    assert "1 workload(s) unchanged" in result.stderr  # the one that did not change at all
    assert (
        "support-bot  deepseek-v3.2  $131.68/month  changed by +6.7% (+$8.23), under the $10.00 noise floor"
        in (result.stderr)
    )
    assert "PASS: within budget; total changed by +" in result.stderr
    markdown = run(runner, fixture("head-pass"), *args, "--min-delta", "10", "--format", "markdown").stdout
    assert "| changed by +6.7% (+$8.23), under the $10.00 noise floor |" in markdown
    assert "below noise floor" not in markdown


def test_headline_says_what_was_checked(runner, tmp_path):
    """ "within budget" only when a budget was set: an increase limit alone says it was within that limit."""
    args = ["--baseline", fixture("baseline"), "--max-increase", "50%"]
    result = run(runner, fixture("head-pass"), *args, "--budget", "100000")
    assert "PASS: within budget and the increase limit of +50%" in result.stderr
    no_budget = edited(tmp_path, "head-pass", lambda d: d.pop("budgets"))
    result = run(runner, no_budget, *args)
    assert result.exit_code == 0, result.output
    assert "PASS: within the increase limit of +50%" in result.stderr and "within budget" not in result.stderr


@pytest.mark.parametrize("block", [False, True])
def test_unknown_model_in_a_plan_json_exits_two(runner, tmp_path, block):
    path = edited(tmp_path, "head-unknown-model", lambda d: d["policies"].update(block_unknown_models=block))
    result = run(runner, path, "--warn-only")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: {path}: workload 'summarizer': unknown model 'gpt-9' (did you mean: gpt-5, gpt-5-mini)"
    ]


def test_estimated_counts_with_require_exact_counts(runner, tmp_path):
    assert run(runner, fixture("head-estimates")).exit_code == 0
    path = edited(tmp_path, "head-estimates", lambda d: d["policies"].update(require_exact_counts=True))
    result = run(runner, path, "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout.startswith(MARKER + "\n")
    assert "❌" in result.stdout
    assert "requires exact counts" in result.stdout


def test_malformed_baseline_is_an_input_error(runner):
    result = run(runner, fixture("head-pass"), "--baseline", fixture("malformed"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {fixture('malformed')}: invalid JSON at line 6, column 1: Expecting value"
    ]
    assert "Traceback" not in result.output


def test_warn_only_never_hides_an_input_error(runner):
    result = run(runner, fixture("head-over-budget"), "--warn-only", "--baseline", fixture("malformed"))
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "wrong-schema"], "'tokencost.plan/2' is not supported"),
        (["--baseline", "missing"], "no such file"),
        (["--budget", "lots"], "--budget 'lots' is not an amount"),
        (["--max-increase", "x%"], "not a percentage"),
        (["--warn-at", "150"], "between 0 and 100"),
        (["--min-delta", "-1"], "not an amount"),
        (["--currency", "CNY"], "already a plan"),
    ],
)
def test_input_errors_exit_two_on_one_line(runner, args, message):
    args = [fixture(a) if a in ("wrong-schema", "missing") else a for a in args]
    result = run(runner, fixture("head-pass"), *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert message in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--budget", "¥100"],
            "¥ may be CNY or JPY, and the plan is in USD (write the ISO code, e.g. '100 USD')",
        ),
        (["--budget", "$100 EUR"], "$ is USD, not EUR"),
        (["--budget", "100 XYZ"], "'XYZ' is not an ISO 4217 currency code"),
    ],
)
def test_money_flags_that_name_no_clear_currency_exit_two(runner, args, message):
    result = run(runner, fixture("head-pass"), "--baseline", fixture("baseline"), *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert message in lines[0]


@pytest.mark.parametrize(
    ("args", "converted"),
    [
        (["--budget", "5000 CNY"], "--budget '5000 CNY' converted to $702.25"),
        (["--budget", "support-bot=€300"], "--budget support-bot= '€300' converted to $346.02"),
        (["--max-increase", "25 EUR"], "--max-increase '25 EUR' converted to $28.84"),
        (["--min-delta", "100 GBP"], "--min-delta '100 GBP' converted to $"),
    ],
)
def test_money_flags_in_another_currency_are_converted_with_a_note(runner, args, converted):
    result = run(
        runner, fixture("head-pass"), "--baseline", fixture("baseline"), *args, "--format", "markdown"
    )
    assert result.exit_code in (0, 1), result.output
    assert f"notice: {converted}" in result.stderr
    assert "at the default rate: 1 USD = " in result.stderr
    assert converted in result.stdout  # the PR comment states the conversion among its assumptions


def test_budget_in_usd_on_a_cny_plan_uses_the_plans_rate(runner, tmp_path, planner):
    path = workload(tmp_path)
    result = run(runner, str(path), "--currency", "CNY", "--fx", "CNY=7.0", "--budget", "$100")
    assert "notice: --budget '$100' converted to 700.00 CNY at the plan's rate: 1 USD = 7.0 CNY (given)" in (
        result.stderr
    )
    assert "budget 700.00 CNY" in result.stderr


def test_a_conversion_names_where_its_rate_came_from(runner, tmp_path, planner):
    """The plan's default rate is labelled as the default (it said "(given)" though no --fx was passed); an
    --fx rate is "given" and "the given rate" (not "the default rate")."""
    path = workload(tmp_path)
    result = run(runner, str(path), "--currency", "CNY", "--budget", "100 USD")
    assert "converted to" in result.stderr and "(given)" not in result.stderr, result.stderr
    assert "at the plan's rate: 1 USD = " in result.stderr and " CNY (default, " in result.stderr
    result = run(runner, str(path), "--fx", "EUR=0.5", "--budget", "100 EUR")
    assert "notice: --budget '100 EUR' converted to $200.00 at the given rate: 1 USD = 0.5 EUR (given)" in (
        result.stderr
    )


def test_money_flags_in_the_plan_currency_are_accepted(runner, tmp_path):
    args = ["--baseline", fixture("baseline"), "--max-increase", "$100", "--min-delta", "1 usd"]
    result = run(runner, fixture("head-pass"), *args, "--budget", "$900", "--budget", "support-bot=120 USD")
    assert result.exit_code == 1, result.output
    assert "over the budget of $900.00" in result.stderr
    assert "over the budget of $120.00" in result.stderr

    def to_cny(document):
        document["currency"] = "CNY"

    cny = edited(tmp_path, "head-pass", to_cny)
    assert run(runner, cny, "--budget", "¥900").exit_code == 1
    assert run(runner, cny, "--budget", "¥90000").exit_code == 0
    assert run(runner, cny, "--budget", "¥90000 CNY").exit_code == 0
    # another currency is converted (this plan JSON names no rate: the default one), with a note
    result = run(runner, cny, "--budget", "$90000")
    assert result.exit_code == 0
    assert "notice: --budget '$90000' converted to 640,800.00 CNY at the default rate" in result.stderr
    result = run(runner, cny, "--budget", "¥90000 JPY")
    assert "notice: --budget '¥90000 JPY' converted to " in result.stderr


def test_missing_file(runner, tmp_path):
    result = run(runner, str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.yaml'}: no such file"


def test_bad_format_is_a_usage_error(runner):
    assert run(runner, fixture("head-pass"), "--format", "html").exit_code == 2


def test_json_output_on_stdout(runner):
    result = run(runner, fixture("head-increase"), "--baseline", fixture("baseline"), "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["schema"] == "tokencost.check/1"
    assert document["currency"] == "USD"
    assert document["price_data"]["newest_checked"] == "2026-11-22"
    assert document["totals"]["change"] == "642.10"
    assert {w["name"]: w["status"] for w in document["workloads"]} == {
        "rag-assistant": "changed",
        "translate-nightly": "added",
        "support-bot": "unchanged",
    }
    assert result.stderr.startswith("tokencost check: PASS")


def test_github_step_summary_is_appended(runner, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run(runner, fixture("head-pass"))
    assert result.exit_code == 0
    result = run(runner, fixture("head-over-budget"))
    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n")
    assert text.count(MARKER) == 2
    assert "✅" in text and "❌" in text


def test_unwritable_step_summary_only_warns(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing-dir" / "summary.md"))
    result = run(runner, fixture("head-pass"))
    assert result.exit_code == 0
    assert "cannot append to GITHUB_STEP_SUMMARY" in result.stderr


def test_plan_json_with_any_name_is_read(runner, tmp_path):
    target = tmp_path / "plan.JSON"
    shutil.copy(PLANS / "head-pass.json", target)
    assert run(runner, str(target)).exit_code == 0


def test_help_documents_exit_codes(runner):
    result = runner.invoke(cli, ["check", "--help"])
    assert result.exit_code == 0
    assert "1 a budget or policy failed" in result.output


# ------------------------------------------------------------------------ real workload files (planner)

WORKLOAD = """\
version: 1
currency: USD
start: 2026-12-01
horizon_months: 3
candidates: [deepseek-v3.2]
{budgets}
{policies}
workloads:
  - name: support-bot
    model: {model}
    requests_per_day: {requests}
    input_tokens: 800
    counted_with: {counted_with}
    output_tokens: 300
"""


@pytest.fixture
def planner():
    return pytest.importorskip("tokencost.planner.plan", reason="planner not built yet")


def workload(
    tmp_path: Path,
    name: str = "tokencost.yaml",
    *,
    budgets: str = "",
    policies: str = "",
    model: str = "deepseek-v3.2",
    requests: int = 10000,
    counted_with: str = "deepseek-v3",
) -> str:
    path = tmp_path / name
    text = WORKLOAD.format(
        budgets=budgets, policies=policies, model=model, requests=requests, counted_with=counted_with
    )
    path.write_text(text, encoding="utf-8")
    return str(path)


def plan_json(runner, path: str, out: Path) -> str:
    """``tokencost plan PATH --format json`` into ``out`` (the library's document until the command lands)."""
    result = runner.invoke(cli, ["plan", path, "--format", "json"])
    if result.exit_code == 0:
        out.write_text(result.stdout, encoding="utf-8")
    else:
        assert "No such command" in result.output, result.output
        from tokencost.planner import plan_file
        from tokencost.render.tabular import dumps_json

        out.write_text(dumps_json(plan_file(path, tolerate_unknown=True).to_document()), encoding="utf-8")
    return str(out)


def test_workload_within_and_over_budget(runner, tmp_path, planner):
    path = workload(
        tmp_path, budgets="budgets: {monthly_total: 1000000, per_workload: {support-bot: 900000}}"
    )
    result = run(runner, path, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["verdict"] == "pass"
    assert document["limits"]["budget_source"] == "file"
    assert Decimal(document["totals"]["new"]) > 0
    over = run(runner, path, "--budget", "1")
    assert over.exit_code == 1
    assert "over the budget of $1.00" in over.stderr
    assert run(runner, path, "--budget", "support-bot=0.01").exit_code == 1
    assert run(runner, path, "--budget", "0.01", "--warn-only").exit_code == 0


@pytest.mark.parametrize("policies", ["", "policies: {block_unknown_models: true}"])
def test_workload_unknown_current_model_exits_two_like_plan(runner, tmp_path, planner, policies):
    # a misspelt current model must never be priced at $0 and pass the gate
    path = workload(tmp_path, model="gpt-5-mnii", policies=policies)
    planned = runner.invoke(cli, ["plan", path])
    assert planned.exit_code == 2
    result = run(runner, path, "--budget", "100", "--max-increase", "10%")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == planned.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}:10: workloads[0].model: unknown model 'gpt-5-mnii'")
    assert "did you mean: gpt-5-mini" in lines[0]
    assert "$0" not in result.output


def test_workload_unknown_current_model_against_a_baseline_exits_two(runner, tmp_path, planner):
    baseline = plan_json(runner, workload(tmp_path, "base.yaml"), tmp_path / "baseline.json")
    head = workload(tmp_path, "head.yaml", model="deepseek-v3.3-typo")
    result = run(runner, head, "--baseline", baseline, "--max-increase", "10%", "--format", "json")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "unknown model 'deepseek-v3.3-typo'" in result.stderr


UNKNOWN_CANDIDATE_WORKLOAD = """\
version: 1
currency: USD
start: 2026-12-01
horizon_months: 3
{policies}
candidates: [gpt-5-mini, gpt-9-ultra]
workloads:
  - name: bot
    model: gpt-5-mini
    requests_per_month: 1000000
    input_tokens: 1000
    counted_with: o200k_base
    output_tokens: 0
"""


def test_workload_unknown_candidate_fails_under_the_policy(runner, tmp_path, planner):
    path = tmp_path / "unkcb.yaml"
    path.write_text(
        UNKNOWN_CANDIDATE_WORKLOAD.format(policies="policies: {block_unknown_models: true}"), encoding="utf-8"
    )
    result = run(runner, str(path), "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["verdict"] == "fail"
    assert document["reasons"][0]["code"] == "policy.unknown_model"
    assert "'gpt-9-ultra'" in document["reasons"][0]["message"]
    assert "tokencost check: FAIL: unknown candidate model 'gpt-9-ultra'" in result.stderr
    assert "Error:" not in result.stderr
    assert "block_unknown_models" in result.stderr
    assert run(runner, str(path), "--warn-only").exit_code == 0


def test_workload_unknown_candidate_warns_without_the_policy(runner, tmp_path, planner):
    path = tmp_path / "unkc.yaml"
    path.write_text(UNKNOWN_CANDIDATE_WORKLOAD.format(policies=""), encoding="utf-8")
    result = run(runner, str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("tokencost check: WARN")
    assert "WARN: unknown candidate model 'gpt-9-ultra'" in result.stderr


def test_workload_budget_flag_naming_no_workload_exits_two(runner, tmp_path, planner):
    path = workload(tmp_path)
    result = run(runner, path, "--budget", "suport-bot=100", "--warn-only")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        "Error: --budget suport-bot=100: the plan has no workload 'suport-bot' (did you mean: support-bot)"
    ]
    # the same typo in the file is an input error too
    typo = workload(tmp_path, "typo.yaml", budgets="budgets: {per_workload: {suport-bot: 100}}")
    assert run(runner, typo).exit_code == 2


def test_workload_estimated_counts_with_require_exact_counts(runner, tmp_path, planner):
    # token counts measured with another tokenizer are converted: an estimate, not an exact count
    policies = "policies: {require_exact_counts: true}"
    assert run(runner, workload(tmp_path, policies=policies)).exit_code == 0
    result = run(runner, workload(tmp_path, policies=policies, counted_with="o200k_base"))
    assert result.exit_code == 1
    assert "policy requires exact counts" in result.stderr


def test_workload_against_a_baseline(runner, tmp_path, planner):
    baseline = plan_json(runner, workload(tmp_path, "base.yaml"), tmp_path / "baseline.json")
    head = workload(tmp_path, "head.yaml", requests=15000)
    result = run(runner, head, "--baseline", baseline, "--max-increase", "10%", "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout.startswith(MARKER)
    assert "(+50.0%)" in result.stdout
    assert "over the limit of +10%" in result.stderr
    assert run(runner, head, "--baseline", baseline, "--max-increase", "60%").exit_code == 0


CNY_WORKLOAD = """\
version: 1
currency: USD
start: 2026-12-01
horizon_months: 3
candidates: [deepseek-cn/deepseek-v3.2]
workloads:
  - name: bot
    model: deepseek-cn/deepseek-v3.2
    requests_per_month: 1000000
    input_tokens: 1000
    counted_with: o200k_base
    output_tokens: 100
"""


def test_workload_baseline_at_another_exchange_rate_is_flagged(runner, tmp_path, planner):
    path = tmp_path / "cny.yaml"
    path.write_text(CNY_WORKLOAD, encoding="utf-8")
    baseline = plan_json(runner, str(path), tmp_path / "baseline.json")
    assert run(runner, str(path), "--baseline", baseline).stderr.startswith("tokencost check: PASS")
    baseline_fx = json.loads(Path(baseline).read_text(encoding="utf-8"))["fx"]
    rate = baseline_fx.split(" CNY")[0]  # "1 USD = 7.12", the shipped default
    assert rate != "1 USD = 5"
    result = run(runner, str(path), "--fx", "CNY=5", "--baseline", baseline, "--format", "json")
    assert result.exit_code == 0, result.output
    assert f"WARN: exchange rates differ: baseline {rate} CNY, new plan 1 USD = 5 CNY" in result.stderr
    document = json.loads(result.stdout)
    assert document["verdict"] == "warn"
    assert [r["code"] for r in document["reasons"]] == ["fx.differs", "increase.not_gated"]
    assert document["fx"] == "1 USD = 5 CNY (given)"
    assert document["baseline"]["fx"] == baseline_fx
    markdown = run(runner, str(path), "--fx", "CNY=5", "--baseline", baseline, "--format", "markdown")
    assert "- ⚠️ exchange rates differ" in markdown.stdout


CURRENCY_WORKLOAD = """\
version: 1
currency: USD
start: 2026-12-01
horizon_months: 3
candidates: [gpt-5.1-codex-mini]
budgets: {{monthly_total: {total}, per_workload: {{bot: {bot}}}}}
policies: {{max_price_per_mtok: {{input: {max_input}}}}}
workloads:
  - name: bot
    model: gpt-5.1-codex-mini
    requests_per_month: 1000000
    input_tokens: 1000
    counted_with: o200k_base
    output_tokens: 0
    growth: 0%
"""


def test_workload_checked_in_another_currency_converts_the_files_limits(runner, tmp_path, planner):
    # $250/month; the file's budgets and price limit are in USD and must be converted, never relabelled
    path = tmp_path / "usd.yaml"
    path.write_text(CURRENCY_WORKLOAD.format(total=1000, bot=200, max_input=1), encoding="utf-8")
    eur = ["--currency", "EUR", "--fx", "EUR=0.5"]
    assert "over the budget of $200.00" in run(runner, str(path)).stderr
    result = run(runner, str(path), *eur, "--format", "json")
    assert result.exit_code == 1, result.output
    assert "workload 'bot' €125.00/month is over the budget of €100.00" in result.stderr
    document = json.loads(result.stdout)
    assert document["currency"] == "EUR"
    assert Decimal(document["totals"]["new"]) == Decimal(125)
    assert Decimal(document["limits"]["budget"]) == Decimal(500)
    assert Decimal(document["limits"]["per_workload_budgets"]["bot"]) == Decimal(100)
    # a flag in the display currency is compared as written; one in the file's currency is converted at
    # the plan's rate, with a note
    assert run(runner, str(path), *eur, "--budget", "bot=€130").exit_code == 0
    converted = run(runner, str(path), *eur, "--budget", "bot=$240")
    assert converted.exit_code == 1
    assert "--budget bot= '$240' converted to €120.00 at the plan's rate: 1 USD = 0.5 EUR (given)" in (
        converted.stderr
    )
    assert "workload 'bot' €125.00/month is over the budget of €120.00" in converted.stderr
    # max_price_per_mtok: gpt-5.1-codex-mini input is $0.25/Mtok; a $0.20 limit is €0.10 at 0.5
    path.write_text(CURRENCY_WORKLOAD.format(total=1000, bot=1000, max_input="0.20"), encoding="utf-8")
    assert run(runner, str(path)).exit_code == 1
    result = run(runner, str(path), *eur)
    assert result.exit_code == 1, result.output
    assert "input price €0.125/Mtok on 'gpt-5.1-codex-mini' is over the limit of €0.100/Mtok" in result.stderr


def test_broken_workload_file_is_an_input_error(runner, tmp_path, planner):
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nworkloads:\n  - name: x\n    model: deepseek-v3.2\n    bogus: 1\n")
    result = run(runner, str(path), "--warn-only")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "bad.yaml" in lines[0]


# ------------------------------------------------------------------------- the CI examples really run

EXAMPLES = Path(__file__).parent.parent / "examples" / "ci"


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _tokencost_on_path() -> None:
    if shutil.which("tokencost") is None or shutil.which("bash") is None or shutil.which("git") is None:
        pytest.skip("needs bash, git and the tokencost console script on PATH")


def _git(cwd: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **env}, check=True, capture_output=True)


def test_hook_manifest():
    import yaml

    hooks = yaml.safe_load((EXAMPLES.parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "tokencost-check"
    assert hook["entry"] == "tokencost check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


def test_gitlab_example_runs(tmp_path, planner):
    """Run the GitLab job's script on a real merge-request-like git history."""
    import yaml

    _tokencost_on_path()
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))["tokencost-check"]
    origin, project = tmp_path / "origin.git", tmp_path / "project"
    _git(tmp_path, "init", "-q", "--bare", str(origin))
    _git(tmp_path, "clone", "-q", str(origin), str(project))
    _git(project, "checkout", "-q", "-b", "main")
    workload(project, budgets="budgets: {monthly_total: 1000}")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "base")
    _git(project, "push", "-q", "origin", "main")
    _git(project, "checkout", "-q", "-b", "feature")
    workload(project, budgets="budgets: {monthly_total: 1000}", requests=10500)
    _git(project, "commit", "-q", "-am", "more traffic")
    env = {
        **{k: str(v) for k, v in job["variables"].items()},
        "CI_PROJECT_DIR": str(project),
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    env.pop("TOKENCOST_GITLAB_TOKEN", None)
    result = _bash("\n".join(job["script"]), project, env)
    report = (project / "tokencost-check.md").read_text(encoding="utf-8")
    assert report.startswith(MARKER + "\n")
    status = int((project / "tokencost-check.status").read_text())
    assert result.returncode == status, result.stderr
    if (project / "baseline.json").exists():
        assert "(+5.0%)" in report
        assert status == 0  # +5% is within the example's --max-increase 10%
    after = _bash("\n".join(job["after_script"]), project, {**env, "TOKENCOST_GITLAB_TOKEN": ""})
    assert after.returncode == 0, after.stderr
    assert not (project / ".tokencost-base").exists()


def _grown(document, factor):
    document["budgets"] = {"monthly_total": None, "per_workload": {}}
    for workload in document["workloads"]:
        workload["monthly_cost"] = str(Decimal(workload["monthly_cost"]) * factor)
    document["totals"]["monthly_cost"] = str(Decimal(document["totals"]["monthly_cost"]) * factor)


def test_baseline_without_a_limit_reports_the_rise_but_does_not_claim_a_budget(runner, tmp_path):
    high = edited(tmp_path, "baseline", lambda d: _grown(d, Decimal(10)))
    result = run(runner, high, "--baseline", fixture("baseline"))
    assert result.exit_code == 0, result.output
    assert "PASS: passed (no budget or increase limit set)" in result.stderr
    assert "note: total changed +" in result.stderr and "(+900.0%)" in result.stderr
    assert "not gated (set --max-increase" in result.stderr
    gated = run(runner, high, "--baseline", fixture("baseline"), "--max-increase", "10%")
    assert gated.exit_code == 1 and "not gated" not in gated.stderr


def test_plan_document_in_an_unknown_currency_is_an_input_error(runner, tmp_path):
    path = edited(tmp_path, "head-pass", lambda d: d.update(currency="XYZ"))
    result = runner.invoke(cli, ["check", path])
    assert result.exit_code == 2
    assert "plan currency 'XYZ' is not an ISO 4217 code" in result.stderr


LATE = """\
version: 1
start: 2027-01-01
horizon_months: {horizon}
candidates: [gpt-5.4-mini]
workloads:
  - name: now
    model: gpt-5.4-mini
    requests_per_month: 1000000
    input_tokens: 1000
    counted_with: o200k_base
    output_tokens: 0
    growth: 0%
  - name: later
    model: gpt-5.4-mini
    start: 2027-03-01
    requests_per_month: {later}
    input_tokens: 1000
    counted_with: o200k_base
    output_tokens: 0
    growth: {growth}
"""


def _late(tmp_path, name, horizon=4, later=1000000, growth="0%"):
    path = tmp_path / name
    path.write_text(LATE.format(horizon=horizon, later=later, growth=growth), encoding="utf-8")
    return str(path)


def test_a_workload_starting_later_counts_in_the_gated_total(runner, tmp_path):
    # each workload costs $750 a month once it runs; 'later' starts in the plan's third month
    path = _late(tmp_path, "w.yaml")
    result = run(runner, path, "--budget", "1000")
    assert result.exit_code == 1, result.output
    assert "monthly total $1,500.00" in result.stderr
    assert (
        "workload 'later' starts in 2027-03: the monthly total counts it at that month's cost"
        in result.stderr
    )
    # the same overspend fails the same way through a per-workload budget
    assert run(runner, path, "--budget", "later=700").exit_code == 1


def test_a_rise_in_a_later_workload_is_not_invisible_to_max_increase(runner, tmp_path):
    base = tmp_path / "base.json"
    out = runner.invoke(cli, ["plan", _late(tmp_path, "a.yaml"), "--format", "json"])
    base.write_text(out.stdout, encoding="utf-8")
    result = run(
        runner, _late(tmp_path, "b.yaml", later=10000000), "--baseline", str(base), "--max-increase", "10%"
    )
    assert result.exit_code == 1, result.output
    assert "total rose +$6,750.00 (+450.0%)" in result.stderr


def test_a_workload_after_the_horizon_is_not_gated(runner, tmp_path):
    path = _late(tmp_path, "w.yaml", horizon=2)
    result = run(runner, path, "--budget", "1000", "--budget", "later=1")
    assert result.exit_code == 0, result.output
    assert "monthly total $750.00" in result.stderr
    assert "workload 'later' starts after the plan's horizon: budget not checked" in result.stderr


def test_a_workload_budget_broken_later_in_the_forecast_warns(runner, tmp_path):
    result = run(runner, _late(tmp_path, "w.yaml", growth="10%"), "--budget", "later=800")
    assert result.exit_code == 0, result.output
    assert "WARN: workload 'later' is projected to reach $825.00 in 2027-04, over its budget" in result.stderr


def test_a_baseline_planned_from_another_month_is_flagged(runner, tmp_path):
    base = tmp_path / "base.json"
    out = runner.invoke(cli, ["plan", _late(tmp_path, "a.yaml"), "--format", "json"])
    base.write_text(out.stdout, encoding="utf-8")
    moved = tmp_path / "m.yaml"
    moved.write_text(
        LATE.format(horizon=4, later=1000000, growth="0%").replace("2027-01-01", "2027-02-01"), "utf-8"
    )
    result = run(runner, str(moved), "--baseline", str(base))
    assert "the baseline was planned from 2027-01-01, the new plan from 2027-02-01" in result.stderr


def _workload_file(tmp_path: Path, body: str) -> str:
    path = tmp_path / "w.yaml"
    path.write_text("version: 1\n" + body, encoding="utf-8")
    return str(path)


def test_a_current_model_too_small_for_the_workload_fails(runner, tmp_path):
    """The plan says the current model's context window cannot hold the requests: the check must not pass
    silently on a figure for requests the model refuses."""
    path = _workload_file(
        tmp_path,
        "candidates: [gpt-5.4-mini]\nbudgets: {monthly_total: 100000}\nworkloads:\n"
        "  - {name: bot, model: gpt-4o, requests_per_day: 100, input_tokens: 200000, output_tokens: 100}\n",
    )
    result = run(runner, path)
    assert result.exit_code == 1, result.output
    assert (
        "FAIL: workload 'bot': current model gpt-4o cannot serve it: context 128k < needed 201k"
        in result.stderr
    )
    assert "PASS" not in result.stderr
    summary = run(runner, path, "--format", "markdown")
    assert summary.exit_code == 1
    assert "current model gpt-4o cannot serve it: context 128k" in summary.stdout
    demoted = run(runner, path, "--warn-only")
    assert demoted.exit_code == 0
    assert "cannot serve it" in demoted.stderr


def test_the_plans_other_workload_problems_warn(runner, tmp_path):
    """A current model that breaks a constraint of the file (not a limit) and "no candidate meets the
    constraints" are warnings in the text and in the PR summary, never silent."""
    path = _workload_file(
        tmp_path,
        "candidates: [gpt-4o-mini]\nconstraints: {deny_vendors: [openai]}\nworkloads:\n"
        "  - {name: bot, model: gpt-4o, requests_per_day: 100, input_tokens: 2000, output_tokens: 100}\n",
    )
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "tokencost check: WARN: passed with warnings" in result.stderr
    assert (
        "WARN: workload 'bot': current model gpt-4o breaks a constraint: vendor openai is in deny_vendors"
        in (result.stderr)
    )
    assert "WARN: workload 'bot': no candidate meets the constraints" in result.stderr
    summary = run(runner, path, "--format", "markdown")
    assert "⚠️ workload 'bot': no candidate meets the constraints" in summary.stdout
