"""Like-for-like CI (issue 21, point 2): a baseline counted with the ``tokenizers`` extra and a check without
it (same workload) pass with a notice; a real rise in traffic still fails; old baselines still work."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import tokencost.tokenizers as tokenizers
from tokencost.cli import cli
from tokencost.errors import TokenizerUnavailableError

ZH = Path(__file__).parent.parent / "examples" / "prompts" / "zh.txt"

WORKLOAD = """version: 1
start: 2027-01-01
horizon_months: 3
candidates: [deepseek-v3.2]
workloads:
  - name: bot
    model: deepseek-v3.2
    requests_per_day: {requests}
    prompt: zh.txt
    output_tokens: 200
"""


def _workload(tmp_path: Path, requests: int = 20000) -> str:
    (tmp_path / "zh.txt").write_text(ZH.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "w.yaml"
    path.write_text(WORKLOAD.format(requests=requests), encoding="utf-8")
    return str(path)


@pytest.fixture
def without_the_extra(monkeypatch):
    """The ``tokenizers`` extra missing, as in a CI job that installs tokencost without it: every family
    that needs a vocabulary falls back to the estimator."""

    def unavailable(family_spec):
        raise TokenizerUnavailableError(f"{family_spec.id}: the tokenizers extra is not installed")

    def switch():
        tokenizers._COUNTERS.clear()
        monkeypatch.setattr(tokenizers, "load_exact", unavailable)

    yield switch
    tokenizers._COUNTERS.clear()


def _baseline(runner, workload: str, out: Path) -> dict:
    result = runner.invoke(cli, ["plan", workload, "--format", "json"])
    assert result.exit_code == 0, result.output
    out.write_text(result.stdout, encoding="utf-8")
    return json.loads(result.stdout)


def test_an_extra_missing_in_ci_is_not_a_rise_in_spend(runner, tmp_path, without_the_extra):
    workload = _workload(tmp_path)
    baseline = _baseline(runner, workload, tmp_path / "base.json")
    record = baseline["workloads"][0]["instrument"]
    assert record["families"]["deepseek-v3"]["exact"] is True
    assert record["families"]["deepseek-v3"]["counter"].startswith("vocabulary ")
    assert record["price_card"]["model"] == "deepseek-v3.2" and record["price_card"]["checked"]
    without_the_extra()
    args = ["check", workload, "--baseline", str(tmp_path / "base.json"), "--max-increase", "1%"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    document = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    # the instrument changed the plan's figure ...
    new_doc = json.loads(runner.invoke(cli, ["plan", workload, "--format", "json"]).stdout)
    assert new_doc["workloads"][0]["count"]["exact"] is False
    assert new_doc["workloads"][0]["monthly_cost"] != baseline["workloads"][0]["monthly_cost"]
    # ... but not the change the check shows or gates, and it says what changed in the instrument
    assert document["verdict"] == "pass"
    assert Decimal(document["totals"]["change"]) == 0
    notice = next(r for r in document["reasons"] if r["code"] == "instrument.changed")
    assert notice["level"] == "info"
    assert "deepseek-v3 counted exact (vocabulary " in notice["message"]
    assert "estimate (estimator sha256:" in notice["message"] and "traffic or prices" in notice["message"]
    assert "the baseline's $" in notice["message"] and " is compared as $" in notice["message"]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0 and "counted exact" in text.stderr


def test_a_real_rise_in_traffic_still_fails_across_instruments(runner, tmp_path, without_the_extra):
    workload = _workload(tmp_path)
    _baseline(runner, workload, tmp_path / "base.json")
    without_the_extra()
    more = _workload(tmp_path, requests=24000)  # +20 % traffic
    result = runner.invoke(
        cli, ["check", more, "--baseline", str(tmp_path / "base.json"), "--max-increase", "10%"]
    )
    assert result.exit_code == 1, result.stderr
    assert "total rose" in result.stderr and "+20.0%" in result.stderr
    assert "counted exact" in result.stderr  # the instrument's change is still named


def test_an_old_baseline_without_the_record_still_works_and_says_so(runner, tmp_path, without_the_extra):
    workload = _workload(tmp_path)
    baseline = _baseline(runner, workload, tmp_path / "base.json")
    for w in baseline["workloads"]:
        del w["instrument"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(baseline), encoding="utf-8")
    same = runner.invoke(cli, ["check", workload, "--baseline", str(old), "--max-increase", "1%"])
    assert same.exit_code == 0, same.stderr
    assert "does not record how each workload was counted" in same.stderr
    # counted differently and no common basis: the workload's change is not gated
    without_the_extra()
    result = runner.invoke(cli, ["check", workload, "--baseline", str(old), "--max-increase", "1%"])
    assert result.exit_code == 0, result.stderr
    assert (
        "deepseek-v3 counted exact (exact:deepseek-v3) then, estimate (estimate:deepseek-v3) now"
        in result.stderr
    )
    assert "its change is not gated" in result.stderr


def test_the_same_instrument_changes_nothing(runner, tmp_path):
    workload = _workload(tmp_path)
    _baseline(runner, workload, tmp_path / "base.json")
    result = runner.invoke(
        cli, ["check", workload, "--baseline", str(tmp_path / "base.json"), "--format", "json"]
    )
    assert result.exit_code == 0
    codes = {r["code"] for r in json.loads(result.stdout)["reasons"]}
    assert "instrument.changed" not in codes
    assert "does not record" not in result.stderr


def test_a_changed_price_card_is_named_as_a_price_change(runner, tmp_path):
    workload = _workload(tmp_path)
    baseline = _baseline(runner, workload, tmp_path / "base.json")
    card = baseline["workloads"][0]["instrument"]["price_card"]
    card["effective_from"] = "2025-01-01"
    card["input"] = "0.5"
    (tmp_path / "base.json").write_text(json.dumps(baseline), encoding="utf-8")
    result = runner.invoke(cli, ["check", workload, "--baseline", str(tmp_path / "base.json")])
    assert result.exit_code == 0
    assert (
        "deepseek-v3.2's price differs (card from 2025-01-01, 0.5 in / 0.42 out USD per Mtok in the baseline; "
        in (result.stderr)
    )
    assert (
        "card from its release, 0.28 in / 0.42 out USD per Mtok now): part of the change is prices"
        in result.stderr
    )


GIVEN = """version: 1
start: 2027-01-01
horizon_months: 3
candidates: [claude-haiku-4.5]
workloads:
  - name: bot
    model: claude-haiku-4.5
    requests_per_day: {requests}
    input_tokens: 800
    counted_with: o200k_base
    output_tokens: 200
"""


def test_given_counts_converted_by_another_ratio_table_are_not_gated(runner, tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GIVEN.format(requests=1000), encoding="utf-8")
    baseline = _baseline(runner, str(path), tmp_path / "base.json")
    record = baseline["workloads"][0]["instrument"]
    assert record["families"]["claude"]["counter"].startswith("ratios sha256:")
    assert record["families"]["o200k_base"] == {"exact": True, "method": "given:o200k_base"}
    assert record["estimator_basis"]["monthly_cost"] is None  # a conversion is no common ground
    # the same table: a rise in traffic is a rise
    path.write_text(GIVEN.format(requests=2000), encoding="utf-8")
    base = str(tmp_path / "base.json")
    rise = runner.invoke(cli, ["check", str(path), "--baseline", base, "--max-increase", "10%"])
    assert rise.exit_code == 1 and "counted" not in rise.stderr
    # another ratio table (a tokencost upgrade): the change cannot be told from the instrument's
    record["families"]["claude"]["counter"] = "ratios sha256:0000000000000000"
    (tmp_path / "base.json").write_text(json.dumps(baseline), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), "--baseline", base, "--max-increase", "10%"])
    assert result.exit_code == 0, result.stderr
    assert "converted by another ratio table" in result.stderr and "its change is not gated" in result.stderr


def test_run_check_leaves_the_baseline_document_as_it_was(runner, tmp_path, without_the_extra):
    import copy

    from tokencost.planner.check import run_check

    workload = _workload(tmp_path)
    baseline = _baseline(runner, workload, tmp_path / "base.json")
    kept = copy.deepcopy(baseline)
    without_the_extra()
    new = json.loads(runner.invoke(cli, ["plan", workload, "--format", "json"]).stdout)
    result = run_check(new, baseline)
    assert baseline == kept
    (diff,) = result.workloads
    assert diff.status == "unchanged" and diff.baseline_cost == diff.new_cost != Decimal(
        kept["workloads"][0]["monthly_cost"]
    )


def test_a_price_sheet_checked_again_is_no_price_change(runner, tmp_path):
    workload = _workload(tmp_path)
    baseline = _baseline(runner, workload, tmp_path / "base.json")
    baseline["workloads"][0]["instrument"]["price_card"]["checked"] = "2025-06-01"
    (tmp_path / "base.json").write_text(json.dumps(baseline), encoding="utf-8")
    result = runner.invoke(cli, ["check", workload, "--baseline", str(tmp_path / "base.json")])
    assert result.exit_code == 0 and "price differs" not in result.stderr


CHAT = """version: 1
start: 2027-01-01
horizon_months: 3
candidates: [claude-opus-4.8]
workloads:
  - name: agent
    model: claude-opus-4.8
    requests_per_day: 1000
    messages: chat.json
    output_tokens: 200
"""


def test_a_new_claude_tokenizer_generation_is_named_not_gated(runner, tmp_path, monkeypatch):
    """Opus 4.8 framed as the newer tokenizer's generation (``anthropic:4.7``, text ~1.46x) against a baseline
    planned when it was framed as Claude 4.5 (its text at the claude estimate's weight): the plan's cost rises
    by the instrument, and check says so instead of failing the budget on it."""
    from tokencost.planner import instrument
    from tokencost.tokenizers import estimator
    from tokencost.tokenizers.chat import framing

    text = "Fact 0001: workspace file 1 has revision 1, owner 1, and status verified.\n" * 30
    chat = {"system": "Be brief.", "messages": [{"role": "user", "content": text}]}
    (tmp_path / "chat.json").write_text(json.dumps(chat), encoding="utf-8")
    path = tmp_path / "w.yaml"
    path.write_text(CHAT, encoding="utf-8")
    current = framing.constants()
    old = json.loads(json.dumps(current))
    factor = estimator._family("claude-4.7")["factor"]["value"]
    coef = dict(old["generations"]["anthropic:4.5"]["coef"])
    coef.update(
        {k: v / factor for k, v in coef.items() if k.endswith("text")}
    )  # the text as claude counted it
    old["generations"]["anthropic:4.7"] = {**old["generations"]["anthropic:4.5"], "coef": coef}
    with monkeypatch.context() as m:  # the baseline: before the generation had its own constants
        m.setattr(framing, "constants", lambda: old)
        m.setattr(instrument, "estimator_id", lambda: "estimator sha256:0000000000000000")
        m.setattr(instrument, "framing_id", lambda: "framing sha256:0000000000000000")
        baseline = _baseline(runner, str(path), tmp_path / "base.json")
    new = json.loads(runner.invoke(cli, ["plan", str(path), "--format", "json"]).stdout)
    rise = Decimal(new["workloads"][0]["monthly_cost"]) / Decimal(baseline["workloads"][0]["monthly_cost"])
    assert rise > Decimal("1.1")  # the newer tokenizer's text factor on the input (output unchanged)
    args = ["check", str(path), "--baseline", str(tmp_path / "base.json"), "--max-increase", "5%"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["verdict"] == "pass"
    notice = next(r for r in document["reasons"] if r["code"] == "instrument.changed")
    assert (
        notice["level"] == "info"
        and "claude-4.7 counted estimate (estimator sha256:0000" in notice["message"]
    )
    assert "its change is not gated" in notice["message"]


PLAIN = """version: 1
start: 2027-01-01
horizon_months: 3
candidates: [claude-opus-4.8]
workloads:
  - name: docs
    model: claude-opus-4.8
    requests_per_day: 1000
    prompt: en.txt
    output_tokens: 50
"""


def test_a_model_moved_to_the_newer_claude_tokenizer_is_named_not_gated(runner, tmp_path, monkeypatch):
    """A plain-text workload on Opus 4.8 planned when the catalog counted it with ``claude`` (before the
    ``claude-4.7`` family: its text ~1.46x): the cost rises by the instrument, and check names the move
    instead of failing the budget on it, even with the same estimator (the two families share no basis)."""
    en = Path(__file__).parent.parent / "examples" / "prompts" / "en.txt"
    (tmp_path / "en.txt").write_text(en.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "w.yaml"
    path.write_text(PLAIN, encoding="utf-8")
    sheet = (Path(__file__).parent.parent / "pricing" / "anthropic.yaml").read_text(encoding="utf-8")
    card = sheet[sheet.index("  - id: claude-opus-4.8") : sheet.index("  - id: claude-opus-4.7")]
    assert "tokenizer: claude-4.7" in card
    overlay = tmp_path / "before"
    overlay.mkdir()  # the card as it was: the same prices, counted with claude
    text = (
        sheet[: sheet.index("models:")]
        + "models:\n"
        + card.replace("tokenizer: claude-4.7", "tokenizer: claude")
    )
    (overlay / "anthropic.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(path), "--pricing", str(overlay), "--format", "json"])
    assert result.exit_code == 0, result.output
    (tmp_path / "base.json").write_text(result.stdout, encoding="utf-8")
    baseline = json.loads(result.stdout)
    assert baseline["workloads"][0]["count"]["family"] == "claude"
    new = json.loads(runner.invoke(cli, ["plan", str(path), "--format", "json"]).stdout)
    assert new["workloads"][0]["count"]["family"] == "claude-4.7"
    rise = Decimal(new["workloads"][0]["monthly_cost"]) / Decimal(baseline["workloads"][0]["monthly_cost"])
    assert rise > Decimal("1.2")  # the newer tokenizer's factor on the input (output unchanged)
    args = ["check", str(path), "--baseline", str(tmp_path / "base.json"), "--max-increase", "5%"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["verdict"] == "pass"
    notice = next(r for r in document["reasons"] if r["code"] == "instrument.changed")
    assert notice["level"] == "info" and "tokenizer family claude (estimate" in notice["message"]
    assert (
        "then, claude-4.7 (estimate" in notice["message"] and "its change is not gated" in notice["message"]
    )
    # a real rise in traffic on the same family is still gated
    path.write_text(PLAIN.replace("1000", "2000"), encoding="utf-8")
    (tmp_path / "base.json").write_text(json.dumps(new), encoding="utf-8")
    assert runner.invoke(cli, args).exit_code == 1
