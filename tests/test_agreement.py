"""``estimate`` and ``plan`` agree to the cent on the same inputs: one prompt, one model, the same requests,
output tokens and cache share (the issue's $1,012.31 vs $1,012.38 came from rounding per-request tokens)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tokencost.cli import cli

CENT = Decimal("0.01")


@pytest.mark.parametrize("model", ["gpt-5.4-mini", "gemini-2.5-pro", "claude-haiku-4.5", "deepseek-v3.2"])
@pytest.mark.parametrize(("cache", "output"), [("0.5", "200"), ("0.3", None), ("0", "77")])
def test_estimate_and_plan_agree_to_the_cent(runner, tmp_path, model, cache, output):
    prompt = (Path(__file__).parent.parent / "examples" / "prompts" / "zh.txt").read_text(encoding="utf-8")
    (tmp_path / "p.txt").write_text(prompt, encoding="utf-8")
    lines = [
        "version: 1",
        "start: 2027-01-01",
        "horizon_months: 1",
        f"candidates: [{model}]",
        "workloads:",
        "  - name: a",
        f"    model: {model}",
        "    requests_per_month: 612345",
        "    prompt: p.txt",
        f"    cache_hit_ratio: {cache}",
        "    cache: {write_ratio: 0}",  # estimate prices one request's reads, not the writes that store them
    ]
    if output is not None:
        lines.append(f"    output_tokens: {output}")
    (tmp_path / "w.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    planned = runner.invoke(cli, ["plan", str(tmp_path / "w.yaml"), "--format", "json"])
    assert planned.exit_code == 0, planned.output
    plan_cost = Decimal(json.loads(planned.stdout)["workloads"][0]["monthly_cost"])
    args = ["estimate", str(tmp_path / "p.txt"), "-m", model, "--requests", "612345", "--cached-ratio", cache]
    args += ["--at", "2027-01-01", "--format", "json"]
    args += ["--output-tokens", output] if output is not None else ["--output-ratio", "0.25"]
    estimated = runner.invoke(cli, args)
    assert estimated.exit_code == 0, estimated.output
    estimate_cost = Decimal(json.loads(estimated.stdout)["rows"][0]["total"])
    assert plan_cost.quantize(CENT) == estimate_cost.quantize(CENT), (plan_cost, estimate_cost)
