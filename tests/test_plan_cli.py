"""``tokencost plan`` and ``tokencost init``: formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from tokencost.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "workloads"

WORKLOAD = """
    version: 1
    start: 2027-01-01
    horizon_months: 2
    candidates: [acme-large, acme-mini]
    workloads:
      - name: bot
        model: acme-large
        requests_per_day: 100
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 200
        growth: 10%
"""


@pytest.fixture
def workload(tmp_path) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(WORKLOAD).lstrip(), encoding="utf-8")
    return path


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_plan_table(runner, workload, acme_dir):
    result = run(runner, "plan", workload, "--pricing", acme_dir)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Workload bot: acme-large, 3,044 requests/month" in out
    assert "acme-mini" in out and "(current)" in out
    assert "Assumptions:" in out and "30.4375" in out
    assert "2027-02" in out


def test_plan_json_is_the_contract(runner, workload, acme_dir):
    result = run(runner, "plan", workload, "--pricing", acme_dir, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["schema"] == "tokencost.plan/1"
    assert doc["workloads"][0]["candidates"][0]["rank"] == 1
    assert len(doc["totals"]["forecast"]) == 2


def test_plan_csv_and_markdown(runner, workload, acme_dir):
    result = run(runner, "plan", workload, "--pricing", acme_dir, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["model"] for r in rows} == {"acme-large", "acme-mini"}
    assert rows[0]["currency"] == "USD"
    result = run(runner, "plan", workload, "--pricing", acme_dir, "--format", "markdown")
    assert result.exit_code == 0
    assert "| acme-mini" in result.output or "acme-mini" in result.output
    assert "Assumptions" in result.output


def test_plan_currency_flag(runner, workload, acme_dir):
    result = run(
        runner,
        "plan",
        workload,
        "--pricing",
        acme_dir,
        "--format",
        "json",
        "--currency",
        "eur",
        "--fx",
        "EUR=0.5",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["currency"] == "EUR" and "1 USD = 0.5 EUR (given)" in doc["fx"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("growth: 10%", "growth: 10%\n    colour: blue", "w.yaml:13: workloads[0].colour: unknown field"),
        (
            "requests_per_day: 100",
            "requests_per_day: -100",
            "w.yaml:8: workloads[0].requests_per_day: cannot be negative",
        ),
        ("growth: 10%", "growth: 10%\n    cache_hit_ratio: 7", "cache_hit_ratio: must be between 0 and 1"),
        ("model: acme-large", "model: acme-lage", "w.yaml:7: workloads[0].model: unknown model 'acme-lage'"),
        (
            "input_tokens: 1000\n    counted_with: o200k_base",
            "prompt: nothing/*.txt",
            "'nothing/*.txt' matches no file",
        ),
        ("version: 1", "version: 1\nversion: 1", "duplicate key 'version'"),
    ],
)
def test_bad_input_exits_2_with_one_line(runner, tmp_path, acme_dir, old, new, expected):
    text = textwrap.dedent(WORKLOAD).lstrip()
    assert old in text
    path = tmp_path / "w.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(path), "--pricing", str(acme_dir)])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_missing_file_and_not_yaml(runner, tmp_path):
    result = runner.invoke(cli, ["plan", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "not found" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(bad)])
    assert result.exit_code == 2 and "expected a mapping" in result.output


def test_init_writes_a_plannable_file_and_refuses_to_overwrite(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "workload.yaml").read_text("utf-8")
    assert text.count("#") > 20  # commented
    before = text
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 2 and "already exists" in result.output
    assert (tmp_path / "workload.yaml").read_text("utf-8") == before
    result = runner.invoke(cli, ["plan", "workload.yaml", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["workloads"][0]["name"] == "support-bot"
    assert doc["budgets"]["monthly_total"] == "2000"
    result = runner.invoke(cli, ["init", "sub/other.yaml"])
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_plan(runner, name):
    result = runner.invoke(cli, ["plan", str(EXAMPLES / name), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    for w in doc["workloads"]:
        assert w["resolved_model"] is not None and w["candidates"]


# -- table notes, budgets, CSV precision, huge amounts, refusing to overwrite ---------------------------------
def write_workload(tmp_path, old: str = "", new: str = "") -> Path:
    text = textwrap.dedent(WORKLOAD).lstrip()
    assert old in text
    path = tmp_path / "w.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def table_notes(output: str) -> tuple[dict[str, str], dict[str, str]]:
    """(row marks by model, footnote text by number) of a one-workload plan table."""
    footnotes = dict(re.findall(r"^\[(\d+)\] (.+)$", output, flags=re.MULTILINE))
    marks = {}
    for line in output.splitlines():
        match = re.match(r"^\d+\s+(\S+)(?: \(current\))?\s.*?((?:\[\d+\])*)$", line)
        if match:
            marks[match.group(1)] = match.group(2)
    return marks, footnotes


def test_plan_table_lists_each_candidates_notes_as_footnotes(runner, tmp_path, acme_dir):
    path = write_workload(tmp_path, "growth: 10%", "growth: 10%\n    batch_share: 0.5")
    doc = json.loads(run(runner, "plan", path, "--pricing", acme_dir, "--format", "json").output)
    expected = {c["model"]: set(c["notes"]) for c in doc["workloads"][0]["candidates"]}
    assert "no batch price published: standard rates used" in expected["acme-mini"]
    assert "context window unknown: not checked" in expected["acme-mini"]
    result = run(runner, "plan", path, "--pricing", acme_dir)
    assert result.exit_code == 0, result.output
    assert re.search(r"^#\s.*\bnotes$", result.output, flags=re.MULTILINE)  # the column header
    marks, footnotes = table_notes(result.output)
    assert set(marks) == {"acme-mini", "acme-large"}
    for model, notes in expected.items():
        shown = {footnotes[n] for n in re.findall(r"\[(\d+)\]", marks[model])}
        assert shown == notes, model
    # each note listed once, numbered from 1
    assert sorted(footnotes, key=int) == [str(n) for n in range(1, len(footnotes) + 1)]
    assert len(set(footnotes.values())) == len(footnotes)


def test_plan_table_footnotes_only_for_shown_rows(runner, tmp_path, acme_dir):
    path = write_workload(tmp_path, "growth: 10%", "growth: 10%\n    batch_share: 0.5")
    # the current model is always shown (--top never hides it): make it the cheaper one, ranked first
    path.write_text(
        path.read_text(encoding="utf-8").replace("model: acme-large", "model: acme-mini"), "utf-8"
    )
    result = run(runner, "plan", path, "--pricing", acme_dir, "--top", "1")
    assert result.exit_code == 0, result.output
    marks, footnotes = table_notes(result.output)
    assert list(marks) == ["acme-mini"]  # the cheaper one; acme-large is hidden
    assert "batch has no long-context tiers" not in result.output  # acme-large's note
    assert "no batch price published: standard rates used" in footnotes.values()


# 100 requests a day x 30.4375 days x (1000 x $2.5 + 200 x $10) / 1M = $13.696875 a month, +10 % in 2027-02
@pytest.mark.parametrize(
    ("budgets", "expected", "absent"),
    [
        (
            "{monthly_total: 10}",
            ["Over budget: total $13.70 in 2027-01 against a $10.00 monthly budget (over by $3.70)"],
            ["Forecast over budget"],
        ),
        (
            "{monthly_total: 14}",
            ["Forecast over budget: total projected at $15.07 in 2027-02 against a $14.00 monthly budget"],
            ["Over budget: total"],
        ),
        (
            "{monthly_total: 100, per_workload: {bot: 13.5}}",
            [
                "Over budget: workload bot $13.70 in 2027-01 against its $13.50 monthly budget "
                "(over by $0.197)"
            ],
            ["Over budget: total", "Forecast over budget"],
        ),
        ("{monthly_total: 100}", [], ["Over budget", "Forecast over budget"]),
    ],
)
def test_plan_says_when_spend_is_over_budget(runner, tmp_path, acme_dir, budgets, expected, absent):
    path = write_workload(tmp_path, "candidates:", f"budgets: {budgets}\ncandidates:")
    result = run(runner, "plan", path, "--pricing", acme_dir)
    assert result.exit_code == 0, result.output  # plan reports; `tokencost check` is the gate
    for text in expected:
        assert text in result.output
    for text in absent:
        assert text not in result.output
    # the JSON document is unchanged: no budget sentence in it
    result = run(runner, "plan", path, "--pricing", acme_dir, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["totals"]["monthly_cost"] == "13.696875"  # 10 decimal places, trailing zeros dropped
    assert "Over budget" not in result.output and "Forecast over" not in result.output


def test_plan_budget_is_compared_in_the_display_currency(runner, tmp_path, acme_dir):
    path = write_workload(tmp_path, "candidates:", "budgets: {monthly_total: 10}\ncandidates:")
    result = run(runner, "plan", path, "--pricing", acme_dir, "--currency", "EUR", "--fx", "EUR=0.5")
    assert result.exit_code == 0, result.output
    expected = "Over budget: total €6.85 in 2027-01 against a €5.00 monthly budget (over by €1.85)"
    assert expected in result.output


def test_display_budget_without_a_conversion():
    from types import SimpleNamespace

    from tokencost.render.report_markdown import display_budget

    same = SimpleNamespace(currency="USD", spec=SimpleNamespace(currency=None))
    other = SimpleNamespace(currency="EUR", spec=SimpleNamespace(currency="USD"))
    assert display_budget(same, Decimal(10)) == Decimal(10)
    assert display_budget(other, Decimal(10)) is None  # never compared as if it were EUR
    converting = SimpleNamespace(currency="EUR", in_display_currency=lambda v: v / 2)
    assert display_budget(converting, Decimal(10)) == Decimal(5)


def test_plan_csv_uses_the_json_documents_decimal_strings(runner, tmp_path, acme_dir):
    # 333 o200k_base tokens convert to a fractional cl100k_base count for acme-mini
    path = write_workload(tmp_path, "input_tokens: 1000", "input_tokens: 333")
    doc = json.loads(run(runner, "plan", path, "--pricing", acme_dir, "--format", "json").output)
    result = run(runner, "plan", path, "--pricing", acme_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["model"]: r for r in csv.DictReader(io.StringIO(result.output))}
    candidates = doc["workloads"][0]["candidates"]
    assert any("." in c["input_tokens"] for c in candidates)  # the case that used to differ
    for c in candidates:
        row = rows[c["model"]]
        for key in ("input_tokens", "monthly_cost", "savings_pct", "tokenizer"):
            assert row[key] == (c[key] or ""), (c["model"], key)
        assert row["savings"] == (c["savings"] or "")
        assert row["notes"] == ";".join(c["notes"])
        assert row["currency"] == "USD" and row["workload"] == "bot"


HUGE = """
    version: 1
    start: 2027-01-01
    horizon_months: 24
    budgets: {monthly_total: 1000}
    candidates: [acme-large, acme-mini]
    workloads:
      - name: bot
        model: acme-large
        requests_per_day: 1000000000000
        input_tokens: 1000
        counted_with: o200k_base
        output_tokens: 200
        growth: 500%
"""


def test_plan_refuses_growth_past_what_a_plan_can_represent(runner, tmp_path, acme_dir):
    """500% a month compounded over 24 months takes the traffic to ~10^30 requests a month: refused at the growth
    line (it printed money as "$2.4000E+95" and CSV "0E+68"), as traffic past the bound is."""
    path = tmp_path / "huge.yaml"
    path.write_text(textwrap.dedent(HUGE).lstrip(), encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(path), "--pricing", str(acme_dir)])
    assert result.exit_code == 2
    assert (
        "huge.yaml:13: workloads[0].growth: growth 500% per month over 23 months grows the traffic past"
        in (result.output)
    )
    assert "lower the growth or horizon_months" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_plan_at_the_traffic_bound_prints_plain_money(runner, tmp_path, acme_dir, fmt):
    """The largest plan a file can ask for (traffic at its bound, growth that stays within it over the horizon)
    prints every amount as plain digits: no scientific notation in any format."""
    text = textwrap.dedent(HUGE).lstrip().replace("growth: 500%", "growth: 5%")
    path = tmp_path / "big.yaml"
    path.write_text(
        text.replace("requests_per_day: 1000000000000", "requests_per_day: 10000000000000"), "utf-8"
    )
    result = runner.invoke(cli, ["plan", str(path), "--pricing", str(acme_dir), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert not re.search(r"\d\.?\d*E[+-]\d", result.output), result.output  # Decimal's 1E+2, 0E+68


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13.696875", "$13.70"),
        ("-3.4", "-$3.40"),
        ("0.00012345", "$0.000123"),
        ("0", "$0.00"),
        ("12345678901234567890123.456", "$12,345,678,901,234,567,890,123.46"),
        ("477284969277174025992251809.7", "$4.7728E+26"),
        ("-1E+400", "-$1.0000E+400"),
        ("Infinity", "Infinity USD"),
        ("NaN", "NaN USD"),
    ],
)
def test_money_formats_any_decimal(value, expected):
    from tokencost.render.report_markdown import money

    assert money(Decimal(value), "USD") == expected


@pytest.mark.parametrize("command", ["init", "report"])
def test_init_and_report_refuse_a_dangling_symlink_without_force(
    runner, tmp_path, workload, acme_dir, command
):
    link = tmp_path / "out.txt"
    link.symlink_to(tmp_path / "missing-target")
    report = ["report", workload, "--out", link, "--format", "html", "--pricing", acme_dir]  # .txt: say which
    args = ["init", link] if command == "init" else report
    result = runner.invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert "already exists" in result.output and "--force" in result.output
    assert link.is_symlink() and not (tmp_path / "missing-target").exists()
    result = runner.invoke(cli, [str(a) for a in [*args, "--force"]])
    assert result.exit_code == 0, result.output
    assert not link.is_symlink() and link.stat().st_size > 0
    assert not (tmp_path / "missing-target").exists()  # replaced the link, did not write through it


@pytest.mark.parametrize("command", ["init", "report"])
def test_init_and_report_refuse_to_overwrite_a_file(runner, tmp_path, workload, acme_dir, command):
    out = tmp_path / "existing.txt"
    out.write_text("mine\n", encoding="utf-8")
    args = ["init", out] if command == "init" else ["report", workload, "--out", out, "--pricing", acme_dir]
    result = runner.invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_text("utf-8") == "mine\n"


@pytest.mark.parametrize("content", ["", "# only a comment\n"])
def test_plan_of_an_empty_workload_file_is_a_one_line_error(runner, tmp_path, content):
    path = tmp_path / "empty.yaml"
    path.write_text(content, encoding="utf-8")
    result = run(runner, "plan", path)
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip()
        == f"Error: {path}: the workload file is empty (write one with `tokencost init`)"
    )


def test_a_self_hosted_model_in_a_plan_says_how_to_price_it(runner, tmp_path):
    """A plan needs a price: a self-hosted tag is named as such with the way to give it one (model_map or an
    overlay sheet), not a bare "unknown model"; mapped, it plans."""
    body = (
        "version: 1\ncandidates: [gpt-5.4-mini]\n{map}workloads:\n"
        "  - {{name: bot, model: 'llama3.1:8b', requests_per_day: 100, input_tokens: 2000, output_tokens: 100}}\n"
    )
    path = tmp_path / "w.yaml"
    path.write_text(body.format(map=""), encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(path)])
    assert result.exit_code == 2
    assert "model 'llama3.1:8b' is a self-hosted tag (Ollama/vLLM): it has no vendor price" in result.stderr
    assert "model_map: {'llama3.1:8b': ID}" in result.stderr and "--map llama3.1:8b=ID" in result.stderr
    path.write_text(body.format(map="model_map: {'llama3.1:8b': cerebras/llama3.1-8b}\n"), encoding="utf-8")
    mapped = runner.invoke(cli, ["plan", str(path)])
    assert mapped.exit_code == 0, mapped.output
    assert "Workload bot: cerebras/llama3.1-8b" in mapped.stdout
    prompt = tmp_path / "p.txt"
    prompt.write_text("Hello", encoding="utf-8")
    estimated = runner.invoke(cli, ["estimate", str(prompt), "-m", "llama3.1:8b"])  # the same advice
    assert (
        estimated.exit_code == 2
        and "--map llama3.1:8b=ID" in estimated.stderr
        and "--pricing" in estimated.stderr
    )


def test_reasoning_tokens_are_not_billed_on_a_model_that_does_not_reason(runner, tmp_path):
    """A workload's reasoning tokens (its current model thinks) are not output of a candidate without the
    reasoning capability: gpt-4o costs what it costs without them, with an assumption naming it; a reasoning
    candidate still bills them."""

    def plan(reasoning: int) -> dict:
        path = tmp_path / f"r{reasoning}.yaml"
        path.write_text(
            "version: 1\ncandidates: [gpt-4o, gpt-5.4-mini]\nworkloads:\n  - {name: bot, model: o4-mini, "
            f"requests_per_day: 1000, input_tokens: 2000, output_tokens: 200, reasoning_tokens: {reasoning}}}\n",
            encoding="utf-8",
        )
        result = runner.invoke(cli, ["plan", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        workload = json.loads(result.stdout)["workloads"][0]
        return {
            "costs": {c["model"]: Decimal(c["monthly_cost"]) for c in workload["candidates"]},
            "reasoning": {
                c["model"]: c["breakdown"]["parts"]["reasoning"]["tokens"] for c in workload["candidates"]
            },
            "assumptions": workload["assumptions"],
        }

    thinking, plain = plan(2000), plan(0)
    assert thinking["costs"]["gpt-4o"] == plain["costs"]["gpt-4o"]
    assert Decimal(thinking["reasoning"]["gpt-4o"]) == 0
    assert thinking["costs"]["gpt-5.4-mini"] > plain["costs"]["gpt-5.4-mini"]
    assert Decimal(thinking["reasoning"]["gpt-5.4-mini"]) > 0
    assert thinking["costs"]["o4-mini"] > plain["costs"]["o4-mini"]
    assert any(
        a.startswith("reasoning: not billed on models that do not reason") and a.endswith(": gpt-4o")
        for a in thinking["assumptions"]
    )
    assert not any("not billed on models that do not reason" in a for a in plain["assumptions"])
