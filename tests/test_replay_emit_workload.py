"""``replay --emit-workload``: what the emitted file carries (growth only when supported, billing dimensions a
plan needs, traffic it leaves out), checked through ``plan`` where the numbers matter."""

from __future__ import annotations

import datetime as dt
import math
import random

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
