"""Model lifecycle: the default set is read from the catalog on the date priced, never a retired model; a
named retired model says so; bundled examples rank only models current today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from tokencost.cli import cli
from tokencost.fx import default_table
from tokencost.pricing.catalog import load_catalog
from tokencost.pricing.lifecycle import default_candidates, is_retired, retired_note, size_class


def _workload_files() -> list[Path]:
    """Every bundled workload file (examples/workloads, examples/ci, anywhere under examples/)."""
    import yaml

    found = []
    for path in sorted((Path(__file__).parent.parent / "examples").rglob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "workloads" in data:
            found.append(path)
    return found


EXAMPLES = _workload_files()


def _entry(model_id, vendor="acme", price="1", released=None, deprecated=None, **model):
    card = SimpleNamespace(input=Decimal(price))
    fields = dict(
        mode="chat", serves=None, free=False, notes=None, released=released, deprecated=deprecated,
        prices=card, card_at=lambda day: card,
    )  # fmt: skip
    fields.update(model)
    return SimpleNamespace(
        id=model_id, currency="USD", provider=SimpleNamespace(id=vendor), model=SimpleNamespace(**fields)
    )


def test_the_rule_picks_one_current_model_per_vendor_and_size_class():
    day = dt.date(2026, 12, 4)
    catalog = [
        _entry("acme-5", price="3", released=dt.date(2026, 1, 1)),
        _entry("acme-6", price="2.5"),  # undated: newest
        _entry("acme-6.1", price="2", deprecated=day),  # retired on the day: never
        _entry("acme-mini-5", price="0.9", released=dt.date(2025, 1, 1)),
        _entry("acme-mini-4", price="0.6", released=dt.date(2026, 6, 1)),  # newer by date
        _entry("acme-nano-9", price="0.1", released=dt.date(2027, 1, 1)),  # not released yet
        _entry("acme-nano-2-preview", price="0.05"),  # speciality
        _entry("acme-nano-1", price="0.2", notes="Legacy model"),  # legacy
        _entry("acme-free", price="0", free=True),
        _entry("other/acme-7", price="1"),  # a resale
    ]
    chosen = default_candidates(catalog, day, default_table().per_usd, vendors=["acme"])
    assert [e.id for e in chosen] == ["acme-6", "acme-mini-4"]
    assert size_class(Decimal("2")) == "flagship" and size_class(Decimal("0.5")) == "mid"
    assert size_class(Decimal("0.49")) == "small"


def test_a_newer_dated_release_replaces_the_undated_one_of_its_vendor_and_class():
    """Undated models count as released on their sheet's checked date, so a dated release after it (a new
    Haiku) replaces the older model of its size class from its release on, and not before."""
    catalog = load_catalog()
    older = catalog.get("claude-haiku-5.5")
    assert older.model.released is None and size_class(older.model.prices.input) == "small"
    newer = _entry("claude-haiku-6", vendor="anthropic", price="0.08", released=dt.date(2027, 1, 15))
    newer.checked = dt.date(2027, 1, 15)
    with_newer = [*catalog, newer]

    def small_anthropic(day):
        chosen = default_candidates(with_newer, day, default_table().per_usd)
        return [e.id for e in chosen if e.provider.id == "anthropic" and size_class(_usd(e, day)) == "small"]

    assert small_anthropic(dt.date(2026, 12, 5)) == ["claude-haiku-5.5"]
    assert small_anthropic(dt.date(2027, 1, 14)) == ["claude-haiku-5.5"]  # not released yet
    assert small_anthropic(dt.date(2027, 2, 1)) == ["claude-haiku-6"]
    # an undated model checked after a dated release still counts as the newer
    rule = [
        _entry("acme-mini-5", price="0.3", released=dt.date(2026, 3, 1)),
        SimpleNamespace(**{**vars(_entry("acme-mini-4.5", price="0.2")), "checked": dt.date(2026, 6, 1)}),
    ]
    assert [e.id for e in default_candidates(rule, dt.date(2026, 7, 1), vendors=["acme"])] == [
        "acme-mini-4.5"
    ]


def _usd(entry, day):
    return entry.model.card_at(day).input


def test_the_version_is_the_first_number_of_the_id_not_a_size():
    december = [
        e.id for e in default_candidates(load_catalog(), dt.date(2026, 12, 5), default_table().per_usd)
    ]
    assert "qwen3.8-flash" in december and "qwen3-next-80b-a3b-instruct" not in december
    catalog = [
        _entry("acme-3-80b", price="0.1"),
        _entry("acme-3.8", price="0.2"),
        _entry("acme-12b", price="0.1"),
    ]
    assert [e.id for e in default_candidates(catalog, dt.date(2026, 12, 5), vendors=["acme"])] == ["acme-3.8"]


def test_no_retired_model_is_in_the_default_set_on_any_day_of_a_horizon():
    """Every day the set can change on (each retirement and release inside a year's horizon, each month)."""
    from tokencost.planner.projection import add_months

    catalog = load_catalog()
    first, last = dt.date(2026, 12, 1), dt.date(2027, 12, 1)
    days = {add_months(first, m) for m in range(12)}
    for entry in catalog:
        for day in (entry.model.deprecated, entry.model.released):
            if day is not None and first <= day <= last:
                days |= {day - dt.timedelta(days=1), day}
    for day in sorted(days):
        chosen = default_candidates(catalog, day, default_table().per_usd)
        assert not [e.id for e in chosen if is_retired(e, day)], day
        assert len({(e.provider.id, size_class(_usd(e, day))) for e in chosen}) == len(chosen)


def test_the_default_set_follows_the_date_priced():
    catalog = load_catalog()
    for day in (dt.date(2026, 6, 1), dt.date(2026, 12, 4), dt.date(2027, 6, 1)):
        chosen = default_candidates(catalog, day, default_table().per_usd)
        assert len(chosen) >= 15
        assert not [e.id for e in chosen if is_retired(e, day)]
    december = {e.id for e in default_candidates(catalog, dt.date(2026, 12, 4), default_table().per_usd)}
    # the cases: retired or retiring models out, the newer cheap Haiku in
    assert not {"kimi-k2.5", "claude-sonnet-4.5"} & december
    assert "claude-haiku-5.5" in december


def test_estimate_never_ranks_a_retired_model_unless_named(runner):
    for day in ("2026-12-04", "2026-12-12"):
        result = runner.invoke(cli, ["estimate", "examples/prompts/en.txt", "--at", day, "--format", "json"])
        assert result.exit_code == 0, result.output
        rows = __import__("json").loads(result.stdout)["rows"]
        catalog = load_catalog()
        on = dt.date.fromisoformat(day)
        assert not [r["model"] for r in rows if is_retired(catalog.get(r["model"]), on)]
    named = runner.invoke(
        cli, ["estimate", "examples/prompts/en.txt", "--at", "2026-12-04", "-m", "kimi-k2.5"]
    )
    assert named.exit_code == 0 and "note: kimi-k2.5: retired on 2026-08-31" in named.output
    soon = runner.invoke(cli, ["estimate", "examples/prompts/en.txt", "--at", "2026-12-04", "-m", "gpt-5"])
    assert "note: gpt-5: retires on 2026-12-11" in soon.output
    assert (
        retired_note(catalog.get("gpt-5"), dt.date(2026, 12, 11))
        == "retired on 2026-12-11; successor gpt-5.4"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_bundled_examples_rank_only_models_current_today(example):
    """Fails when a bundled example would rank a model retired by today (or by its first month)."""
    from tokencost.planner import plan_file

    today = dt.date.today()
    result = plan_file(example)
    for w in result.workloads:
        day = max(today, w.start)
        retired = [r.entry.id for r in w.candidates if is_retired(r.entry, day)]
        assert not retired, f"{example.name}: {w.name} ranks retired {retired}: replace them in candidates"
        if w.resolved is not None:
            assert not is_retired(w.resolved, day), f"{example.name}: current model {w.resolved.id} retired"


def test_plan_default_candidates_are_current_on_the_first_month(tmp_path):
    from tokencost.planner import plan_file

    path = tmp_path / "w.yaml"
    path.write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 3\nworkloads:\n  - name: a\n    model: gpt-5.4-mini\n"
        "    requests_per_month: 1000\n    input_tokens: 500\n    counted_with: o200k_base\n    output_tokens: 100\n",
        encoding="utf-8",
    )
    result = plan_file(path, today=dt.date(2026, 12, 4))
    ranked = [r.entry for r in result.workloads[0].candidates if not r.is_current]
    assert len(ranked) >= 15
    assert not [e.id for e in ranked if is_retired(e, dt.date(2027, 1, 1))]
    assert "gpt-5-mini" not in {e.id for e in ranked}  # retires 2026-12-11, before the plan starts
    assert any("default comparison set on 2027-01-01" in a for a in result.assumptions)


def test_a_named_retired_model_is_marked_in_every_output(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 3\ncandidates: [kimi-k2.5, deepseek-v3.2]\n"
        "workloads:\n  - name: a\n    model: deepseek-v3.2\n    requests_per_month: 1000\n    input_tokens: 500\n"
        "    counted_with: deepseek-v3\n    output_tokens: 100\n",
        encoding="utf-8",
    )
    table = runner.invoke(cli, ["plan", str(path)])
    assert table.exit_code == 0 and "retired on 2026-08-31" in table.output
    markdown = runner.invoke(cli, ["plan", str(path), "--format", "markdown"])
    assert "retired on 2026-08-31" in markdown.output
    document = __import__("json").loads(runner.invoke(cli, ["plan", str(path), "--format", "json"]).stdout)
    kimi = next(c for c in document["workloads"][0]["candidates"] if c["model"] == "kimi-k2.5")
    assert any("retired on 2026-08-31" in n for n in kimi["notes"])
    out = tmp_path / "r.html"
    assert runner.invoke(cli, ["report", str(path), "--out", str(out)]).exit_code == 0
    html = out.read_text("utf-8")
    assert "<title>kimi-k2.5 (retired on 2026-08-31):" in html  # the chart's bar says so too


def test_bundled_workload_files_are_found():
    assert {p.name for p in EXAMPLES} >= {"support-zh.yaml", "rag-en.yaml", "market-scale.yaml"}


RETIRING = (
    "version: 1\nstart: 2026-12-01\nhorizon_months: 3\ncandidates: [gpt-5-mini, deepseek-v3.2]\n"
    "workloads:\n  - name: a\n    model: {model}\n    requests_per_month: 1000\n    input_tokens: 500\n"
    "    counted_with: o200k_base\n    output_tokens: 100\n"
)


def test_a_model_retiring_in_the_horizon_says_from_which_month_in_every_output(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(RETIRING.format(model="gpt-5"), encoding="utf-8")
    flag = "retires on 2026-12-11: cannot be bought from 2026-12; successor gpt-5.4-mini"
    table = runner.invoke(cli, ["plan", str(path)])
    assert table.exit_code == 0 and flag in table.output
    assert (
        "Problem: current model gpt-5 retires on 2026-12-11: cannot be bought from 2026-12; successor gpt-5.4"
        in (table.output)
    )
    assert flag in runner.invoke(cli, ["plan", str(path), "--format", "markdown"]).output
    document = __import__("json").loads(runner.invoke(cli, ["plan", str(path), "--format", "json"]).stdout)
    mini = next(c for c in document["workloads"][0]["candidates"] if c["model"] == "gpt-5-mini")
    assert flag in mini["notes"]
    out = tmp_path / "r.html"
    assert runner.invoke(cli, ["report", str(path), "--out", str(out)]).exit_code == 0
    html = out.read_text("utf-8")
    assert "cannot be bought from 2026-12" in html and "successor gpt-5.4-mini" in html
    comment = runner.invoke(cli, ["check", str(path), "--format", "markdown"])
    assert comment.exit_code == 0
    current = "current model gpt-5 retires on 2026-12-11: cannot be bought from 2026-12; successor gpt-5.4"
    assert current in comment.stdout and current in comment.stderr


def test_a_retired_current_model_says_so_in_the_check_and_its_comment(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(RETIRING.format(model="kimi-k2.5").replace("2026-12-01", "2027-01-01"), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    line = "current model kimi-k2.5 was retired on 2026-08-31; successor kimi-k2.6"
    assert f"WARN: workload 'a': {line}" in result.stderr
    assert line in result.stdout  # the PR comment
    document = __import__("json").loads(runner.invoke(cli, ["check", str(path), "--format", "json"]).stdout)
    assert document["verdict"] == "warn"
    assert any(r["code"] == "lifecycle.retired" for r in document["reasons"])


def test_a_successor_must_be_a_model_of_the_catalog(tmp_path):
    from tokencost.errors import PricingError

    sheets = tmp_path / "p"
    sheets.mkdir()
    (sheets / "o.yaml").write_text(
        "provider: {id: openai, name: OpenAI, kind: vendor, currency: USD, checked: 2026-11-01}\nmodels:\n  - id: gpt-5\n    successor: gpt-99\n",
        encoding="utf-8",
    )
    with pytest.raises(PricingError, match="successor 'gpt-99' is not a model id or alias"):
        load_catalog([str(sheets)])
    assert load_catalog().get("gpt-5").model.successor == "gpt-5.4"


def test_report_and_check_never_show_a_retired_model_from_the_default_set(runner, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        "version: 1\nstart: 2027-01-01\nhorizon_months: 3\nworkloads:\n  - name: a\n    model: gpt-5.4-mini\n"
        "    requests_per_month: 1000\n    input_tokens: 500\n    counted_with: o200k_base\n    output_tokens: 100\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    assert runner.invoke(cli, ["report", str(path), "--out", str(out)]).exit_code == 0
    html = out.read_text("utf-8")
    catalog = load_catalog()
    retired = [e.id for e in catalog if is_retired(e, dt.date(2027, 1, 1)) and f">{e.id}<" in html]
    assert ">gpt-5.4-mini<" in html  # ids appear as cell text, so a retired one would be found
    assert retired == [] and "retired on" not in html
    check = runner.invoke(cli, ["check", str(path), "--format", "markdown"])
    assert check.exit_code == 0 and "retired on" not in check.output and "lifecycle" not in check.output


def test_a_model_released_within_the_horizon_is_named_with_its_month(monkeypatch):
    from tokencost.planner import candidates

    def entry(model_id, released):
        return SimpleNamespace(id=model_id, model=SimpleNamespace(released=released))

    old, new = entry("acme-6", None), entry("acme-7", dt.date(2027, 3, 2))
    older = entry("acme-5", dt.date(2026, 1, 1))  # takes a retiring model's place: not new, not listed
    by_date = lambda catalog, day: [old, new, older] if day >= dt.date(2027, 3, 2) else [old]  # noqa: E731
    monkeypatch.setattr(candidates, "default_models", by_date)
    note = candidates._later_defaults(None, [old], dt.date(2027, 1, 1), 6)
    assert (
        note
        == "; joining it within the horizon, not ranked (not yet released on 2027-01-01): acme-7 from 2027-04"
    )
    assert candidates._later_defaults(None, [old], dt.date(2027, 1, 1), 2) == ""
