"""The GitHub Action (``action.yml``): its inputs and comment marker, and its shell steps run as GitHub would,
on a real pull-request-like git history (base commit planned into a baseline, head checked against it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from test_check_cli import _bash, _git, _tokencost_on_path, workload
from tokencost.cli import cli
from tokencost.render.check_render import MARKER

ROOT = Path(__file__).parent.parent
ACTION = ROOT / "action.yml"
EXAMPLE = ROOT / "examples" / "ci" / "github-actions.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_is_a_composite_with_documented_inputs_and_the_marker():
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {
        "workload",
        "baseline",
        "args",
        "version",
        "python-version",
        "comment",
        "fail",
        "github-token",
    } <= set(inputs)
    assert all(spec.get("description") for spec in inputs.values())
    assert inputs["workload"]["default"] == "tokencost.yaml"
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert set(action["outputs"]) == {"status", "report"}
    steps = action["runs"]["steps"]
    # every shell step names its shell (a composite action requires it)
    assert all("shell" in s for s in steps if "run" in s)
    # every input the steps use is declared; every step output used is written
    text = ACTION.read_text(encoding="utf-8")
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= set(inputs)
    # the comment is found and updated by the same marker tokencost writes first
    script = next(s for s in steps if "github-script" in s.get("uses", ""))["with"]["script"]
    assert f"const marker = '{MARKER}';" in script
    assert "updateComment" in script and "createComment" in script and "startsWith(marker)" in script
    assert "tokencost check" in text and "pip install" in text


def test_example_workflow_uses_the_action_with_declared_inputs():
    workflow = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    (step,) = [s for s in steps if s.get("uses", "").split("@")[0].endswith("/tokencost")]
    assert set(step["with"]) <= set(_action()["inputs"])
    assert "github-script" not in EXAMPLE.read_text(encoding="utf-8")  # no page of script to copy
    assert workflow["permissions"]["pull-requests"] == "write"


def _substitute(text: str, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context.get(m.group(1), ""), text)


def _run_shell_steps(project: Path, temp: Path, context: dict[str, str]) -> tuple[dict[str, str], list]:
    """Run the action's shell steps (not pip install, not `uses:`) with GitHub's files and expressions."""
    output = temp / "github_output"
    outputs: dict[str, str] = {}
    ran = []
    for step in _action()["runs"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        scope = {**context, **{f"steps.{k}": v for k, v in outputs.items()}}
        condition = step.get("if", "")
        failing = condition == "inputs.fail == 'true' && steps.check.outputs.status != '0'"
        if failing and scope.get("steps.check.outputs.status") == "0":
            continue
        env = {k: _substitute(str(v), scope) for k, v in step.get("env", {}).items()}
        output.write_text("")
        result = _bash(
            step["run"],
            project,
            {
                **env,
                "GITHUB_OUTPUT": str(output),
                "RUNNER_TEMP": str(temp),
                "GITHUB_STEP_SUMMARY": str(temp / "s.md"),
            },
        )
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[f"{step['id']}.outputs.{key}"] = value
        ran.append((step["name"], result.returncode, result.stdout + result.stderr))
    return outputs, ran


@pytest.fixture
def pull_request(tmp_path):
    """origin with a base commit (10,000 requests a day) and a clone whose head asks for 12,000."""
    _tokencost_on_path()
    pytest.importorskip("tokencost.planner.plan", reason="planner not built")
    origin, project = tmp_path / "origin.git", tmp_path / "project"
    _git(tmp_path, "init", "-q", "--bare", str(origin))
    _git(tmp_path, "clone", "-q", str(origin), str(project))
    _git(project, "checkout", "-q", "-b", "main")
    workload(project, budgets="budgets: {monthly_total: 1000}")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "base")
    _git(project, "push", "-q", "origin", "main")
    base_sha = (project / ".git" / "refs" / "heads" / "main").read_text().strip()
    _git(project, "checkout", "-q", "-b", "feature")
    workload(project, budgets="budgets: {monthly_total: 1000}", requests=12000)
    _git(project, "commit", "-q", "-am", "more traffic")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    return project, temp, base_sha


def _context(base_sha: str, **inputs: str) -> dict[str, str]:
    defaults = {f"inputs.{k}": str(v.get("default", "")) for k, v in _action()["inputs"].items()}
    given = {f"inputs.{k}": v for k, v in inputs.items()}
    return {**defaults, **given, "github.event.pull_request.base.sha": base_sha}


def test_action_plans_the_base_commit_checks_the_head_and_fails_over_the_limit(pull_request):
    project, temp, base_sha = pull_request
    outputs, ran = _run_shell_steps(project, temp, _context(base_sha, args="--max-increase 10%"))
    names = [name for name, _, _ in ran]
    assert names == ["Plan the base commit (baseline)", "tokencost check", "Fail when the check failed"]
    assert ran[0][1] == 0 and ran[1][1] == 0, ran
    assert outputs["baseline.outputs.path"] == str(temp / "tokencost-baseline.json")
    report = Path(outputs["check.outputs.report"]).read_text(encoding="utf-8")
    assert report.startswith(MARKER + "\n")
    assert "| workload | model | baseline | new | change |" in report and "(+20.0%)" in report
    assert outputs["check.outputs.status"] == "1"
    assert ran[2][1] == 1 and "::error::tokencost check exited 1" in ran[2][2]
    assert not (temp / "tokencost-base").exists()  # the base worktree is removed


def test_action_without_a_pull_request_checks_without_a_baseline(pull_request):
    project, temp, _ = pull_request
    outputs, ran = _run_shell_steps(project, temp, _context(""))
    assert "baseline.outputs.path" not in outputs
    assert outputs["check.outputs.status"] == "0", ran
    report = Path(outputs["check.outputs.report"]).read_text(encoding="utf-8")
    assert report.startswith(MARKER) and "| workload | model | monthly cost | budget |" in report


def test_ci_templates_install_tokencost_from_the_repository_never_pypi():
    """tokencost-advisor is not published on PyPI: every template installs it from the repository (a git URL
    or the action's own checkout), and the README claims no PyPI release."""
    texts = {
        p.name: p.read_text(encoding="utf-8") for p in [ACTION, *(ROOT / "examples" / "ci").glob("*.yml")]
    }
    for name, text in texts.items():
        for line in text.splitlines():
            if "pip install" in line and "tokencost" in line.lower():
                assert "git+https://" in line or "GITHUB_ACTION_PATH" in line, (name, line)
    default = _action()["inputs"]["version"]["default"]
    assert (
        default == "" and '"${TOKENCOST_REQUIREMENT:-$GITHUB_ACTION_PATH[tokenizers]}"' in texts["action.yml"]
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"pip install '?tokencost-advisor", readme)
    assert "not published on PyPI" in readme


def test_action_plans_the_baseline_with_the_checks_plan_changing_args(pull_request):
    """`--currency EUR` in `args` plans the baseline in EUR too (it was planned in USD: every PR failed, exit 2);
    the check-only flags (--max-increase) are not given to `plan`."""
    project, temp, base_sha = pull_request
    outputs, ran = _run_shell_steps(
        project, temp, _context(base_sha, args="--currency EUR --fx EUR=0.9 --max-increase 10%")
    )
    assert ran[0][1] == 0, ran
    baseline = json.loads((temp / "tokencost-baseline.json").read_text(encoding="utf-8"))
    assert baseline["currency"] == "EUR" and "0.9 EUR" in baseline["fx"]
    report = Path(outputs["check.outputs.report"]).read_text(encoding="utf-8")
    assert outputs["check.outputs.status"] == "1", report  # the +20% rise, not a currency mismatch (2)
    assert "(+20.0%)" in report and "€" in report


def test_gitlab_template_plans_the_baseline_with_the_check_args():
    text = (ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8")
    assert 'tokencost plan "$WORKLOAD_FILE" --format json --check-args "$TOKENCOST_ARGS"' in text


def test_plan_check_args_keeps_only_plan_changing_flags(runner, tmp_path):
    workload(tmp_path)
    path = str(tmp_path / "tokencost.yaml")
    args = "--budget 5 --max-increase 10% --warn-only --currency EUR --fx=EUR=0.9 --min-delta 1"
    result = runner.invoke(cli, ["plan", path, "--format", "json", "--check-args", args])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["currency"] == "EUR"
    typo = runner.invoke(cli, ["plan", path, "--check-args", "--curency EUR"])
    assert typo.exit_code == 2 and "'--curency' is not an option of `tokencost check`" in typo.output
    both = ["plan", path, "--check-args", "--fx EUR=0.9", "--fx", "EUR=0.8"]
    clash = runner.invoke(cli, both)  # one rate two ways: an error, as --currency given two ways is
    assert clash.exit_code == 2 and "--fx EUR=0.8 and --check-args' --fx EUR=0.9 disagree" in clash.output
    same = runner.invoke(cli, ["plan", path, "--check-args", "--fx EUR=0.9", "--fx", "EUR=0.9"])
    assert same.exit_code == 0, same.output
