"""Like-for-like across cost models (issue 21): plans bill cache writes now, so a baseline planned with writes
switched off (or before tokencost billed them) is re-expressed on the new plan's cost model, with a notice
naming cache writes; a real rise in traffic still fails."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tokencost.cli import cli

ZH = Path(__file__).parent.parent / "examples" / "prompts" / "zh.txt"

WORKLOAD = """version: 1
start: 2027-01-01
horizon_months: 3
candidates: [claude-sonnet-4.6]
workloads:
  - name: bot
    model: claude-sonnet-4.6
    requests_per_day: {requests}
    prompt: zh.txt
    output_tokens: 200
    cache_hit_ratio: 0.5
{cache}"""


def _workload(tmp_path: Path, requests: int = 20000, cache: str = "", name: str = "w.yaml") -> str:
    (tmp_path / "zh.txt").write_text(ZH.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / name
    path.write_text(WORKLOAD.format(requests=requests, cache=cache), encoding="utf-8")
    return str(path)


def _plan(runner, workload: str, out: Path | None = None) -> dict:
    result = runner.invoke(cli, ["plan", workload, "--format", "json"])
    assert result.exit_code == 0, result.output
    if out is not None:
        out.write_text(result.stdout, encoding="utf-8")
    return json.loads(result.stdout)


def _check(runner, workload: str, baseline: Path, limit: str = "0.01%") -> tuple[int, dict]:
    args = ["check", workload, "--baseline", str(baseline), "--max-increase", limit, "--format", "json"]
    result = runner.invoke(cli, args)
    return result.exit_code, json.loads(result.stdout)


def _old_document(document: dict) -> dict:
    """The same plan as tokencost wrote it before it billed cache writes (no record, no write tokens)."""
    for w in document["workloads"]:
        w.pop("instrument")
        w["tokens_per_request"].pop("cache_write")
    return document


def test_the_plan_records_its_cost_model(runner, tmp_path):
    plan = _plan(runner, _workload(tmp_path))["workloads"][0]
    model = plan["instrument"]["cost_model"]
    assert model["version"] == 2
    assert model["cache_writes"]["given"] is False and model["cache_writes"]["ttl"] == "5m"
    assert Decimal(model["cache_writes"]["share_of_input"]) > 0
    # Anthropic bills writes above input: the cost without them is lower
    assert Decimal(model["without_cache_writes"]["monthly_cost"]) < Decimal(plan["monthly_cost"])
    off = _plan(runner, _workload(tmp_path, cache="    cache: {write_ratio: 0}\n"))["workloads"][0]
    off_model = off["instrument"]["cost_model"]
    assert off_model["cache_writes"]["given"] is True and off_model["cache_writes"]["write_ratio"] == "0"
    assert off_model["without_cache_writes"]["monthly_cost"] == off["monthly_cost"]
    assert Decimal(off_model["without_cache_writes"]["monthly_cost"]) == Decimal(
        model["without_cache_writes"]["monthly_cost"]
    )


def test_writes_switched_on_are_the_cost_model_not_a_rise_in_spend(runner, tmp_path):
    off = _workload(tmp_path, cache="    cache: {write_ratio: 0}\n", name="off.yaml")
    baseline = _plan(runner, off, tmp_path / "base.json")
    workload = _workload(tmp_path)
    assert Decimal(_plan(runner, workload)["totals"]["monthly_cost"]) > Decimal(
        baseline["totals"]["monthly_cost"]
    )
    code, document = _check(runner, workload, tmp_path / "base.json")
    assert code == 0 and document["verdict"] == "pass"
    assert Decimal(document["totals"]["change"]) == 0
    notice = next(r for r in document["reasons"] if r["code"] == "cost_model.changed")
    assert notice["level"] == "info"
    assert (
        "cache writes switched off" in notice["message"] and "once per 5-minute window" in notice["message"]
    )
    assert "not tokencost's cost model" in notice["message"]


def test_an_old_baseline_before_writes_were_billed_passes_with_a_notice(runner, tmp_path):
    workload = _workload(tmp_path)
    off = _workload(tmp_path, cache="    cache: {write_ratio: 0}\n", name="off.yaml")
    old = _old_document(_plan(runner, off))
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    code, document = _check(runner, workload, tmp_path / "old.json")
    assert code == 0, document
    assert Decimal(document["totals"]["change"]) == 0
    notice = next(r for r in document["reasons"] if r["code"] == "cost_model.changed")
    assert "cache writes not billed (planned before tokencost billed cache writes)" in notice["message"]


def test_a_real_rise_in_traffic_still_fails_across_cost_models(runner, tmp_path):
    off = _workload(tmp_path, cache="    cache: {write_ratio: 0}\n", name="off.yaml")
    _plan(runner, off, tmp_path / "base.json")
    more = _workload(tmp_path, requests=24000, name="more.yaml")  # +20 % traffic
    code, document = _check(runner, more, tmp_path / "base.json", "10%")
    assert code == 1 and document["verdict"] == "fail"
    assert Decimal(document["totals"]["change_pct"]) > 19
    assert any(r["code"] == "cost_model.changed" for r in document["reasons"])


def test_the_same_cost_model_says_nothing_and_gates_what_traffic_does_to_writes(runner, tmp_path):
    workload = _workload(tmp_path)
    _plan(runner, workload, tmp_path / "base.json")
    code, document = _check(runner, workload, tmp_path / "base.json")
    assert code == 0 and not any(r["code"] == "cost_model.changed" for r in document["reasons"])
    # the derived share moves with traffic under the same assumption: a real change, no re-expression
    more = _workload(tmp_path, requests=24000, name="more.yaml")
    code, document = _check(runner, more, tmp_path / "base.json", "10%")
    assert code == 1 and not any(r["code"] == "cost_model.changed" for r in document["reasons"])


def test_without_cache_hits_an_old_baseline_says_nothing(runner, tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        Path(_workload(tmp_path)).read_text(encoding="utf-8").replace("    cache_hit_ratio: 0.5\n", ""),
        encoding="utf-8",
    )
    (tmp_path / "old.json").write_text(json.dumps(_old_document(_plan(runner, str(plain)))), encoding="utf-8")
    code, document = _check(runner, str(plain), tmp_path / "old.json")
    assert code == 0 and not any(r["code"] == "cost_model.changed" for r in document["reasons"])


def test_counting_and_cost_model_changed_together_pass_with_both_notices(runner, tmp_path, monkeypatch):
    """A baseline counted exactly with writes off, checked without the extra and with writes: neither the
    instrument nor the cost model is a rise in spend."""
    import tokencost.tokenizers as tokenizers
    from tokencost.errors import TokenizerUnavailableError

    def text(cache: str) -> str:
        return WORKLOAD.replace("claude-sonnet-4.6", "qwen3.8-flash").format(requests=20000, cache=cache)

    (tmp_path / "zh.txt").write_text(ZH.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "off.yaml").write_text(text("    cache: {write_ratio: 0}\n"), encoding="utf-8")
    (tmp_path / "w.yaml").write_text(text(""), encoding="utf-8")
    baseline = _plan(runner, str(tmp_path / "off.yaml"), tmp_path / "base.json")
    assert baseline["workloads"][0]["count"]["exact"] is True

    def unavailable(family_spec):
        raise TokenizerUnavailableError(f"{family_spec.id}: the tokenizers extra is not installed")

    tokenizers._COUNTERS.clear()
    monkeypatch.setattr(tokenizers, "load_exact", unavailable)
    try:
        code, document = _check(runner, str(tmp_path / "w.yaml"), tmp_path / "base.json")
    finally:
        tokenizers._COUNTERS.clear()
    assert code == 0, document
    codes = {r["code"] for r in document["reasons"]}
    assert {"cost_model.changed", "instrument.changed"} <= codes
    assert abs(Decimal(document["totals"]["change"])) < Decimal("0.01")
