"""``tokencost check`` through the CLI: exit codes, stdout/stderr, GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import json
import shutil
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
    assert "monthly total $931.68 USD" in result.stderr


def test_warn_exits_zero(runner):
    result = run(runner, fixture("head-near-budget"))
    assert result.exit_code == 0
    assert "tokencost check: WARN" in result.stderr
    assert "84.0% of the budget" in result.stderr


def test_fail_over_budget_exits_one(runner):
    result = run(runner, fixture("head-over-budget"))
    assert result.exit_code == 1
    assert "tokencost check: FAIL" in result.stderr
    assert "Error: check failed: total $5,600.00 USD/month is over the budget" in result.stderr
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
    assert "total rose +$642.10 USD (+69.5%)" in result.stderr
    assert "translate-nightly" in result.stderr and "added" in result.stderr
    ok = run(runner, fixture("head-increase"), "--baseline", fixture("baseline"), "--max-increase", "700")
    assert ok.exit_code == 0


def test_min_delta_noise_floor(runner):
    args = ["--baseline", fixture("baseline"), "--max-increase", "1"]
    assert run(runner, fixture("head-pass"), *args).exit_code == 1
    result = run(runner, fixture("head-pass"), *args, "--min-delta", "10")
    assert result.exit_code == 0
    assert "2 workload(s) unchanged" in result.stderr


def test_unknown_model_without_policy_warns(runner):
    result = run(runner, fixture("head-unknown-model"), "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["verdict"] == "warn"
    assert document["reasons"][0]["code"] == "unknown_model"


def test_unknown_model_with_policy_fails(runner, tmp_path):
    path = edited(tmp_path, "head-unknown-model", lambda d: d["policies"].update(block_unknown_models=True))
    result = run(runner, path)
    assert result.exit_code == 1
    assert "unknown model 'gpt-9'" in result.stderr
    assert "block_unknown_models" in result.stderr
    # --warn-only reports it but does not fail
    assert run(runner, path, "--warn-only").exit_code == 0


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
        (["--budget", "100 CNY"], "is in CNY, but the plan is in USD"),
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
