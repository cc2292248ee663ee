"""``replay --emit-workload``: what the emitted file carries (growth only when supported, billing dimensions a
plan needs, traffic it leaves out), checked through ``plan`` where the numbers matter."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner

from tokencost.cli import cli
from tokencost.replay import growth

MAP = "model=llm,input=tin,output=tout,time=when"


def _csv(path, times, model="gpt-4o", tin=1000, tout=100):
    rows = ["when,llm,tin,tout"] + [f"{t.isoformat()},{model},{tin},{tout}" for t in times]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def _flat(start: dt.datetime, days: float, per_day: int = 100) -> list[dt.datetime]:
    step = dt.timedelta(days=1) / per_day
    return [start + i * step for i in range(int(days * per_day))]


def _emit(tmp_path, log, *extra):
    out = tmp_path / "w.yaml"
    result = CliRunner().invoke(cli, ["replay", log, "--map", MAP, *extra, "--emit-workload", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out, result


def _growth_line(path) -> str:
    return next(line for line in path.read_text("utf-8").splitlines() if line.strip().startswith("growth:"))


T0 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def test_flat_traffic_cut_on_its_last_day_is_no_decline(tmp_path):
    log = _csv(tmp_path / "a.csv", _flat(T0, 29.04))  # the last day holds one hour
    out, _ = _emit(tmp_path, log)
    line = _growth_line(out)
    assert line.split("#")[0].split() == ["growth:", "0"], line
    assert "not used" in line and "95 % CI" in line
    assert yaml.safe_load(out.read_text("utf-8"))["workloads"][0]["growth"] == 0


def test_flat_traffic_starting_late_on_its_first_day_is_no_surge(tmp_path):
    log = _csv(tmp_path / "a.csv", _flat(T0 + dt.timedelta(hours=23), 29))
    measured = growth.fit(*_daily(_flat(T0 + dt.timedelta(hours=23), 29)))
    assert abs(measured["rate"]) < 0.02, measured  # the 1 h first day is a rate per hour, not a drop
    out, _ = _emit(tmp_path, log)
    assert yaml.safe_load(out.read_text("utf-8"))["workloads"][0]["growth"] == 0


def _daily(times):
    from collections import Counter

    return Counter(t.date() for t in times), times[0], times[-1]


def test_noisy_flat_traffic_is_not_a_trend():
    rng = random.Random(7)
    times = sorted(T0 + dt.timedelta(seconds=rng.uniform(0, 35 * 86400)) for _ in range(3000))
    measured = growth.fit(*_daily(times))
    assert measured["low"] < 0 < measured["high"] and not measured["used"]


def test_short_log_growth_is_measured_but_not_used():
    times = [T0 + dt.timedelta(days=d, minutes=i) for d in range(14) for i in range(10 * (d + 1))]
    measured = growth.fit(*_daily(times))
    assert measured["rate"] > 1 and not measured["used"] and "under 28" in measured["reason"]


def test_real_growth_over_six_weeks_is_emitted_and_planned(tmp_path):
    # 20 %/month compounding, 42 days, 200 requests a day at the start
    times = []
    for day in range(42):
        n = round(200 * math.exp(math.log(1.2) * day / 30.4375))
        times += [T0 + dt.timedelta(days=day) + i * dt.timedelta(days=1) / n for i in range(n)]
    log = _csv(tmp_path / "g.csv", times)
    out, _ = _emit(tmp_path, log)
    value = yaml.safe_load(out.read_text("utf-8"))["workloads"][0]["growth"]
    assert 0.17 < value < 0.23, value
    assert "measured" in _growth_line(out)


SHEET = """
    provider: {id: acme, name: Acme, kind: vendor, currency: USD, checked: 2026-11-01}
    models:
      - id: acme-dims
        tokenizer: o200k_base
        context_window: 1000000
        prices:
          input: 1
          output: 1
          tiers:
            - {above: 100000, input: 4, output: 4}
          windows:
            - {name: off-peak, start: '00:00', end: '06:00', input: 0.5, output: 0.5}
          variants:
            flex: {input: 0.25, output: 0.25}
"""


def _dims_log(tmp_path, rows):
    """OpenAI chat completions (time, prompt tokens, service tier) as a JSONL log."""
    lines = []
    for i, (when, tokens, tier) in enumerate(rows):
        record = {"id": f"c{i}", "object": "chat.completion", "created": int(when.timestamp()), "model": "acme-dims",
                  "usage": {"prompt_tokens": tokens, "completion_tokens": 1000, "total_tokens": tokens + 1000}}  # fmt: skip
        if tier:
            record["service_tier"] = tier
        lines.append(json.dumps(record))
    path = tmp_path / "dims.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _replay_and_plan(tmp_path, log):
    from conftest import write_sheet

    sheets = write_sheet(tmp_path / "sheets", "acme.yaml", SHEET).parent
    out = tmp_path / "w.yaml"
    args = ["replay", log, "--pricing", str(sheets), "--format", "json"]
    replayed = CliRunner().invoke(cli, [*args, "--emit-workload", str(out)])
    assert replayed.exit_code == 0, replayed.output
    document = json.loads(replayed.stdout)
    planned = CliRunner().invoke(cli, ["plan", str(out), "--pricing", str(sheets), "--format", "json"])
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    return document, plan, out.read_text("utf-8"), replayed.stderr


def test_long_context_requests_are_a_workload_of_their_own_so_plan_bills_their_tier(tmp_path):
    day = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rows = [(day + dt.timedelta(hours=h, minutes=30), 200000 if h % 2 else 10000, None) for h in range(8, 20)]
    document, plan, text, _ = _replay_and_plan(tmp_path, _dims_log(tmp_path, rows))
    names = [w["name"] for w in yaml.safe_load(text)["workloads"]]
    assert names == ["replay-acme-dims", "replay-acme-dims-above-100000"]
    replay_month = Decimal(document["actual_total"]["monthly_cost"])
    assert abs(Decimal(plan["totals"]["monthly_cost"]) - replay_month) <= replay_month / 100


def _within_a_percent(document, plan):
    replay_month = Decimal(document["actual_total"]["monthly_cost"])
    plan_month = Decimal(plan["totals"]["monthly_cost"])
    assert replay_month > 0 and abs(plan_month - replay_month) <= replay_month / 100, (
        replay_month,
        plan_month,
    )


def test_off_peak_share_is_emitted_and_plan_reproduces_the_discounted_month(tmp_path):
    day = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rows = [
        (day + dt.timedelta(days=d, hours=h, minutes=30), 10000, None) for d in range(3) for h in range(2, 10)
    ]
    document, plan, text, stderr = _replay_and_plan(
        tmp_path, _dims_log(tmp_path, rows)
    )  # 4 of 8 a day off-peak
    [workload] = yaml.safe_load(text)["workloads"]
    assert Decimal(str(workload["off_peak_share"])) == Decimal("0.5") and "service_tier" not in workload
    assert document["actual"][0]["off_peak_requests"] == 12
    _within_a_percent(document, plan)
    # without the share, plan would bill every request at standard rates: the discount is real
    standard = Decimal(plan["totals"]["monthly_cost"]) / Decimal("0.75")
    assert Decimal(document["actual_total"]["monthly_cost"]) < standard * Decimal("0.99")
    assert "not expressible" not in text and "note: --emit-workload" not in stderr
    assert any("off-peak: 50% of requests" in a for w in plan["workloads"] for a in w["assumptions"])


def test_flex_mix_is_emitted_and_plan_reproduces_the_month_at_flex_prices(tmp_path):
    day = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rows = [
        (day + dt.timedelta(days=d, hours=12 + h), 10000, "flex" if h < 3 else None)
        for d in range(2)
        for h in range(4)
    ]
    rows.append(
        (day + dt.timedelta(days=2, hours=12), 10000, "priority")
    )  # no priority price: standard, noted
    document, plan, text, stderr = _replay_and_plan(tmp_path, _dims_log(tmp_path, rows))
    [workload] = yaml.safe_load(text)["workloads"]
    assert workload["service_tier"] == {
        "flex": pytest.approx(6 / 9, abs=1e-6),
        "priority": pytest.approx(1 / 9, abs=1e-6),
    }
    assert "off_peak_share" not in workload
    _within_a_percent(document, plan)
    [current] = [r for w in plan["workloads"] for r in w["candidates"] if r["current"]]
    assert "no priority price published: standard rates used" in current["notes"]
    assert "not expressible" not in text and "note: --emit-workload" not in stderr


def test_traffic_on_unknown_models_is_said_in_the_file_and_by_replay(tmp_path):
    rows = [(T0 + dt.timedelta(hours=h), "gpt-4o") for h in range(4)] + [(T0, "my-azure-deploy")]
    path = tmp_path / "u.csv"
    path.write_text(
        "when,llm,tin,tout\n" + "".join(f"{t.isoformat()},{m},1000,100\n" for t, m in rows), encoding="utf-8"
    )
    out, result = _emit(tmp_path, str(path))
    text = out.read_text("utf-8")
    assert "left out: my-azure-deploy: 1 request(s) on a model no price sheet knows" in text
    assert "note: --emit-workload: my-azure-deploy: 1 request(s)" in result.stderr
    assert [w["model"] for w in yaml.safe_load(text)["workloads"]] == ["gpt-4o"]


def test_plan_shows_a_small_rate_as_it_is_not_as_zero(tmp_path):
    workload = tmp_path / "w.yaml"
    workload.write_text(
        "version: 1\nworkloads:\n  - {name: rare, model: gpt-4o, requests_per_month: 0.4, input_tokens: 1000,"
        " counted_with: o200k_base, output_tokens: 100}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["plan", str(workload)])
    assert result.exit_code == 0, result.output
    assert "gpt-4o, 0.4 requests/month" in result.stdout
