"""``tokencost report``: a self-contained HTML page with inline SVG charts (parsed here), and Markdown."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tokencost.cli import cli
from tokencost.render.svg import Bar, Series, bar_chart, compact, line_chart, nice_ticks

WORKLOAD = """
    version: 1
    start: 2027-01-01
    horizon_months: 6
    candidates: [acme-large, acme-mini]
    budgets: {monthly_total: 50, per_workload: {support: 40}}
    workloads:
      - name: support
        model: acme-large
        requests_per_day: 200
        prompt: prompts/*.txt
        output_tokens: 150
        growth: 10%
      - name: batch-job
        model: acme-mini
        requests_per_month: 9000
        input_tokens: 700
        counted_with: o200k_base
        output_tokens: 700
        batch_share: 1
"""


class Page(HTMLParser):
    """Collects what the tests look for: tags with attributes, text, and table cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_cell:
            self.cells[-1] += data

    def find(self, tag: str, klass: str | None = None) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and (klass is None or klass in (a.get("class") or "").split())
        ]

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


@pytest.fixture
def workload(tmp_path) -> Path:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.txt").write_text(
        "你好，请问我的订单 NW-1 什么时候发货？" * 12, encoding="utf-8"
    )
    (tmp_path / "prompts" / "b.txt").write_text(
        "Where is my parcel? Order NW-2, placed Monday. " * 9, encoding="utf-8"
    )
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(WORKLOAD).lstrip(), encoding="utf-8")
    return path


def render(runner, workload, acme_dir, *extra) -> tuple[Path, str]:
    out = workload.parent / "report.html"
    result = runner.invoke(
        cli, ["report", str(workload), "--out", str(out), "--pricing", str(acme_dir), *extra]
    )
    assert result.exit_code == 0, result.output
    return out, out.read_text("utf-8")


def test_html_report_has_charts_figures_and_tables(runner, workload, acme_dir):
    _, html = render(runner, workload, acme_dir)
    page = Page()
    page.feed(html)
    svgs = page.find("svg")
    assert len(svgs) == 4  # a bar chart and a line chart per workload
    assert len(page.find("svg", "bar-chart")) == 2 and len(page.find("svg", "line-chart")) == 2
    assert all(s.get("role") == "img" for s in svgs)
    assert len(page.find("rect", "bar")) == 4  # two candidates per workload
    assert len(page.find("rect", "current")) == 2
    assert len(page.find("polyline", "series")) == 4
    # the support workload's budget on both its charts: a line, or named at the edge when far above the costs
    assert len(page.find("line", "marker")) + len(page.find("text", "off-scale")) == 2
    # figures: the plan's own numbers appear in the page
    from tokencost.planner import plan_file
    from tokencost.render.report_markdown import money

    result = plan_file(workload, pricing=[acme_dir])
    text = page.all_text
    for w in result.workloads:
        assert money(w.monthly_cost, "USD") in text
        for row in w.candidates:
            assert money(row.monthly_cost, "USD") in text
    assert money(result.monthly_cost, "USD") in text
    # tokens per family of the sample text: every family, with the o200k_base count
    assert "Tokens per tokenizer family" in text
    o200k = result.workloads[0].by_family["o200k_base"].input
    assert f"{o200k.quantize(Decimal(1)):,}" in page.cells
    assert {"claude", "deepseek-v3", "qwen3.5", "cl100k_base"} <= set(page.cells)
    # prices with source and checked date, and the assumptions
    assert "https://acme.example/pricing" in text and "2026-11-01" in page.cells
    assert "30.4375" in text and "Assumptions" in text
    # self-contained: no scripts, no external resources
    assert not page.find("script") and not page.find("link") and not page.find("img")
    assert "src=" not in html


def test_markdown_report(runner, workload, acme_dir):
    out = workload.parent / "report.md"
    result = runner.invoke(
        cli, ["report", str(workload), "--out", str(out), "--format", "markdown", "--pricing", str(acme_dir)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith("# tokencost plan")
    assert "## Workload support" in text and "| 1 | acme-mini" in text
    assert "## Prices used" in text and "## Assumptions" in text
    # budgets are stated even when they are not broken (the HTML report shows them as cards)
    assert "- Monthly budget: $50.00" in text and "Monthly budget $40.00." in text


def test_markdown_report_shows_a_workload_name_as_text_never_as_markup(runner, workload, acme_dir):
    text = workload.read_text("utf-8").replace("per_workload: {support: 40}", "per_workload: {}")
    workload.write_text(text.replace("name: support", 'name: "team|a <b>"'), "utf-8")
    result = runner.invoke(cli, ["plan", str(workload), "--format", "markdown", "--pricing", str(acme_dir)])
    assert result.exit_code == 0, result.output
    assert "## Workload team\\|a &lt;b>" in result.stdout and "<b>" not in result.stdout


def test_report_refuses_to_overwrite(runner, workload, acme_dir):
    out, _ = render(runner, workload, acme_dir)
    result = runner.invoke(cli, ["report", str(workload), "--out", str(out), "--pricing", str(acme_dir)])
    assert result.exit_code == 2 and "already exists" in result.output
    render(runner, workload, acme_dir, "--force")


def test_report_bad_input_exits_2(runner, tmp_path, acme_dir):
    bad = tmp_path / "w.yaml"
    bad.write_text("version: 1\nworkloads: []\n", encoding="utf-8")
    result = runner.invoke(cli, ["report", str(bad), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "w.yaml:2: workloads" in result.output
    assert not (tmp_path / "r.html").exists()


# -- the SVG primitives --------------------------------------------------------------------------------------
def test_nice_ticks_and_compact_labels():
    assert nice_ticks(93) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(2.5e8)[-1] >= 2.5e8
    assert (
        compact(1500) == "1.5k"
        and compact(2_000_000) == "2M"
        and compact(0) == "0"
        and compact(7.36e12) == "7.4T"
    )


def test_charts_escape_labels_and_scale():
    svg = bar_chart(
        [Bar("<evil>", Decimal(10), "$10"), Bar("b", Decimal(5), "$5", True)], title="T & t", unit="USD"
    )
    assert "<evil>" not in svg and "&lt;evil&gt;" in svg and "T &amp; t" in svg
    assert svg.count("class='bar") == 2
    svg = line_chart(
        [Series("a", [Decimal(1), Decimal(2)]), Series("b", [Decimal(3), Decimal(1)])],
        ["m1", "m2"],
        title="t",
        unit="USD per month",
    )
    assert svg.count("class='series'") == 2
    # the screen-reader text says what the figures are in, as the axis does
    assert "<desc id='lines-desc'>USD per month: a: 1 in m1 to 2 in m2; b: 3 in m1 to 1 in m2</desc>" in svg
    ElementTree.fromstring(svg)  # well-formed XML
    if shutil.which("xmllint"):
        subprocess.run(["xmllint", "--noout", "-"], input=svg.encode(), check=True)


# -- budgets and huge amounts --------------------------------------------------------------------------------
def test_html_and_markdown_reports_say_over_budget(runner, workload, acme_dir):
    text = workload.read_text("utf-8").replace(
        "{monthly_total: 50, per_workload: {support: 40}}", "{monthly_total: 1}"
    )
    workload.write_text(text, encoding="utf-8")
    from tokencost.planner import plan_file
    from tokencost.render.report_markdown import money

    result = plan_file(workload, pricing=[acme_dir])
    over = result.monthly_cost - 1
    sentence = (
        f"Over budget: total {money(result.monthly_cost, 'USD')} in 2027-01 against a $1.00 monthly budget "
        f"(over by {money(over, 'USD')})"
    )
    _, html = render(runner, workload, acme_dir)
    page = Page()
    page.feed(html)
    assert len(page.find("p", "alert")) == 1
    assert sentence in page.all_text
    out = workload.parent / "report.md"
    cli_result = runner.invoke(
        cli, ["report", str(workload), "--out", str(out), "--format", "markdown", "--pricing", str(acme_dir)]
    )
    assert cli_result.exit_code == 0, cli_result.output
    assert f"- **{sentence}**" in out.read_text("utf-8")


def test_html_report_within_budget_has_no_alert(runner, workload, acme_dir):
    text = workload.read_text("utf-8").replace(
        "{monthly_total: 50, per_workload: {support: 40}}", "{monthly_total: 1000000}"
    )
    workload.write_text(text, encoding="utf-8")
    _, html = render(runner, workload, acme_dir)
    page = Page()
    page.feed(html)
    assert not page.find("p", "alert") and "over budget" not in page.all_text.lower()


def test_html_report_budget_in_the_display_currency(runner, workload, acme_dir):
    _, html = render(runner, workload, acme_dir, "--currency", "EUR", "--fx", "EUR=0.5")
    page = Page()
    page.feed(html)
    # the file's $50 / $40 budgets, converted: figures and chart markers in EUR
    assert "€25.00" in page.all_text and "€20.00" in page.all_text
    assert "$50.00" not in page.all_text
    assert len(page.find("line", "marker")) + len(page.find("text", "off-scale")) == 2


def test_html_report_of_huge_amounts(runner, workload, acme_dir):
    """The largest traffic a file can ask for renders in plain digits (growth that would take it past that
    bound is refused: see test_plan_cli)."""
    text = (
        workload.read_text("utf-8")
        .replace("horizon_months: 6", "horizon_months: 24")
        .replace("requests_per_month: 9000", "requests_per_month: 1000000000000000")
    )
    workload.write_text(text, encoding="utf-8")
    _, html = render(runner, workload, acme_dir)
    assert not re.search(r"\d\.?\d*E[+-]\d", html)  # money in plain digits, never $4.7728E+26
    page = Page()
    page.feed(html)
    assert any(re.fullmatch(r"\$\d{1,3}(,\d{3}){3,}\.\d\d", cell) for cell in page.cells)
    assert len(page.find("svg")) == 4
    assert not re.search(r"='[^']*\b(inf|nan)\b", html)


def test_charts_never_draw_infinite_coordinates():
    huge = Decimal("1E+400")
    svg = bar_chart([Bar("a", huge, "x"), Bar("b", Decimal(5), "y")], title="t", unit="u")
    svg += line_chart(
        [Series("a", [Decimal(1), huge]), Series("b", [Decimal("NaN"), Decimal(2)])],
        ["m1", "m2"],
        title="t",
        unit="u",
    )
    assert not re.search(r"='[^']*\b(inf|nan)\b", svg)
    assert compact(1e300) == "1.0e+300"


def test_report_format_follows_the_out_extension(runner, workload, acme_dir):
    out = workload.parent / "report.md"
    result = runner.invoke(cli, ["report", str(workload), "--out", str(out), "--pricing", str(acme_dir)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("# tokencost plan")  # Markdown, not HTML in a .md file
    html = workload.parent / "report.html"
    assert (
        runner.invoke(
            cli, ["report", str(workload), "--out", str(html), "--pricing", str(acme_dir)]
        ).exit_code
        == 0
    )
    assert html.read_text("utf-8").lstrip().lower().startswith("<!doctype html")


# -- a report a procurement lead forwards ----------------------------------------------------------------------
def _bar_colours(html: str) -> dict[str, set[str]]:
    colours: dict[str, set[str]] = {}
    for fill, title in re.findall(r"<rect class='bar[^']*'[^>]*fill='([^']+)'[^>]*><title>([^:<]+):", html):
        colours.setdefault(title.replace(" (current)", ""), set()).add(fill)
    return colours


def test_chart_colours_are_fixed_per_model_not_by_rank(runner, tmp_path):
    from tokencost.render.colours import PALETTE, assign, model_colour

    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", "examples/workloads/support-zh.yaml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    colours = _bar_colours(html)
    assert len(colours) >= 8
    assert all(len(c) == 1 for c in colours.values()), colours  # one colour per model across workloads
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # distinct within the report
    # a model's line has its bar's colour
    for name, stroke in re.findall(
        r"<polyline class='series[^']*' data-name='([^']+)'[^>]*stroke='([^']+)'", html
    ):
        assert colours[name.replace(" (current)", "")] == {stroke}
    # independent of order (rank): the same set gives the same colours; no collision -> the hash colour
    ids = ["a-model", "b-model", "deepseek-v3.2", "gpt-5.4-mini"]
    assert assign(ids) == assign(list(reversed(ids)))
    assert model_colour("deepseek-v3.2") in PALETTE
    lone = assign(["deepseek-v3.2"])
    assert lone["deepseek-v3.2"] == model_colour("deepseek-v3.2")


def _widest_bar(svg: str) -> float:
    return max(
        float(w) for w in re.findall(r"<rect class='bar[^']*' x='[^']+' y='[^']+' width='([^']+)'", svg)
    )


def test_a_budget_far_above_the_bars_does_not_squash_them():
    bars = [Bar("a", Decimal(10), "$10"), Bar("b", Decimal(4), "$4", True)]
    plain = bar_chart(bars, title="t", unit="u")
    far = bar_chart(bars, title="t", unit="u", marker=("budget $1,000.00", Decimal(1000)))
    assert _widest_bar(far) == _widest_bar(plain) > 300
    assert "class='marker off-scale'" in far and "budget $1,000.00: beyond the axis" in far
    near = bar_chart(bars, title="t", unit="u", marker=("budget", Decimal(12)))
    assert "<line class='marker'" in near and _widest_bar(near) > 0.6 * _widest_bar(plain)
    lines = line_chart(
        [Series("a", [Decimal(1), Decimal(2)])],
        ["m1", "m2"],
        title="t",
        unit="u",
        marker=("budget", Decimal(900)),
    )
    assert "off-scale" in lines and "<line class='marker'" not in lines


def test_headline_figures_name_their_month_and_the_horizon_total(runner, workload, acme_dir):
    from tokencost.planner import plan_file
    from tokencost.render.money import money

    _, html = render(runner, workload, acme_dir)
    result = plan_file(workload, pricing=[acme_dir])
    assert result.start.isoformat().startswith("2027-01")
    assert "this month" not in html.lower()
    assert "2027-01 on the current models" in html and "2027-06 (month 6), current models" in html
    total = sum((c for _, c in result.total_forecast()), Decimal(0))
    assert "Total 2027-01 to 2027-06, current models" in html and money(total, "USD") in html
    out = workload.parent / "r.md"
    result_md = runner.invoke(cli, ["report", str(workload), "--out", str(out), "--pricing", str(acme_dir)])
    assert result_md.exit_code == 0
    markdown = out.read_text("utf-8")
    assert "this month" not in markdown.lower()
    assert f"- Total 2027-01 to 2027-06, current models: **{money(total, 'USD')}**" in markdown


def test_long_method_texts_are_folded():
    from tokencost.render.html_parts import folded

    short = folded("exact:o200k_base")
    assert short == "exact:o200k_base"
    long = folded("estimate:claude (fitted estimator v3 over character classes, proxy o200k_base, ±32 %)")
    assert long.startswith("<details class='fold'><summary>estimate:claude (fitted estimator v3")
    assert "±32 %)</details>" in long
