"""Small things a newcomer trips on (issue 21, point 5): each says what happened instead of guessing."""

from __future__ import annotations

from tokencost.cli import cli


def test_a_loose_model_match_says_what_it_resolved_to(runner):
    result = runner.invoke(
        cli, ["estimate", "examples/prompts/en.txt", "-m", "gpt5", "-m", "claude-haiku-45"]
    )
    assert result.exit_code == 0, result.output
    assert "notice: model 'gpt5' is not an id or alias; taken as gpt-5" in result.stderr
    assert "notice: model 'claude-haiku-45' is not an id or alias; taken as claude-haiku-4.5" in result.stderr
    exact = runner.invoke(
        cli, ["estimate", "examples/prompts/en.txt", "-m", "gpt-5", "-m", "anthropic/claude-haiku-4.5"]
    )
    assert exact.exit_code == 0 and "loose match" not in exact.stderr
    prices = runner.invoke(cli, ["prices", "gpt5"])
    assert prices.exit_code == 0 and "taken as gpt-5 (a loose match" in prices.stderr


def test_a_workload_file_given_as_baseline_is_named_as_one(runner):
    path = "examples/workloads/support-zh.yaml"
    result = runner.invoke(cli, ["check", "examples/workloads/rag-en.yaml", "--baseline", path])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: --baseline {path}: this is a workload file, not a plan JSON (make one with "
        f"`tokencost plan {path} --format json > baseline.json`)"
    )


def test_an_empty_workload_file_says_it_is_empty(runner, tmp_path):
    for text in ("", "# nothing yet\n\n"):
        path = tmp_path / "w.yaml"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(cli, ["plan", str(path)])
        assert result.exit_code == 2
        assert f"Error: {path}: the workload file is empty" in result.stderr
        assert "NoneType" not in result.stderr


def test_every_problem_of_a_workload_file_is_listed(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        "version: 1\nworkloads:\n  - name: a\n    model: 5\n    bogus: 1\n    requests_per_day: -1\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["plan", str(path)])
    assert result.exit_code == 2
    assert "more problem" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and len(lines) == 3, result.stderr
    assert any("workloads[0].model" in x for x in lines)
    assert any("workloads[0].bogus: unknown field 'bogus'" in x for x in lines)
    assert any("workloads[0].requests_per_day: cannot be negative" in x for x in lines)


def test_every_problem_of_a_price_sheet_is_listed():
    from tokencost.errors import PricingError

    error = PricingError(["a.yaml:1: first", "a.yaml:4: second", "b.yaml:2: third"])
    assert str(error) == "a.yaml:1: first\n  a.yaml:4: second\n  b.yaml:2: third"


def test_a_loose_model_match_in_a_workload_file_is_said_by_plan_and_check(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 3\ncandidates: [claude-haiku-45, deepseek-v3.2]\n"
        "workloads:\n  - name: a\n    model: gpt-5.4mini\n    requests_per_month: 1000\n    input_tokens: 500\n"
        "    counted_with: o200k_base\n    output_tokens: 100\n",
        encoding="utf-8",
    )
    for command in (["plan", str(path)], ["check", str(path)], ["plan", str(path), "--format", "json"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
        assert "notice: model 'gpt-5.4mini' is not an id or alias; taken as gpt-5.4-mini" in result.stderr
        assert (
            "notice: model 'claude-haiku-45' is not an id or alias; taken as claude-haiku-4.5"
            in result.stderr
        )
    exact = runner.invoke(cli, ["plan", "examples/workloads/rag-en.yaml"])
    assert exact.exit_code == 0 and "loose match" not in exact.stderr


def test_pricing_validate_lists_every_problem_on_the_standard_error_line(runner, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "provider: {id: mine, name: x, kind: vendor, currency: USD, checked: 2026-11-01}\nmodels:\n"
        "  - {id: m1, tokenizer: o200k_base, prices: {input: -1}}\n"
        "  - {id: m2, tokenizer: nope, prices: {input: 2}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["pricing", "validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"Error: {path}:") and len(lines) == 2, result.stderr
    assert "error:" not in result.stderr and "problem(s)" not in result.stderr
    assert any("a price cannot be negative" in x for x in lines)
    assert any("unknown tokenizer family 'nope'" in x for x in lines)


def test_pricing_update_lists_every_problem_that_stops_a_write(monkeypatch, tmp_path):
    import pytest

    from tokencost.errors import InputError
    from tokencost.pricing import update_run

    problems = [f"s.yaml:{i}: problem {i}" for i in range(1, 6)]
    monkeypatch.setattr(update_run, "problems_after", lambda directory, proposal: problems)
    with pytest.raises(InputError) as caught:
        update_run.write(tmp_path, None)
    text = str(caught.value)
    assert all(p in text for p in problems) and "more" not in text
    assert text.count("\n") == 4  # one problem per line after the first
