"""Render a check verdict (:class:`tokencost.planner.check.CheckResult`) as text, Markdown or JSON.

* text: the human summary the CLI prints on stderr, verdict first.
* markdown: a PR comment; its first line is :data:`MARKER` so a bot can find and update its own comment.
* json: the versioned ``tokencost.check/1`` document.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tokencost.render.money import money, signed, signed_pct
from tokencost.render.tabular import dumps_json, markdown_text

if TYPE_CHECKING:
    from tokencost.planner.check import CheckResult, WorkloadDiff

MARKER = "<!-- tokencost-check -->"

_ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌"}
_REASON_ICONS = {"fail": "❌", "warn": "⚠️", "info": "ℹ️"}
_TEXT_MARKS = {"fail": "FAIL", "warn": "WARN", "info": "note"}
_HEADLINES = {
    "pass": "within budget",
    "warn": "passed with warnings",
    "fail": "failed",
}


def _failures(result: CheckResult) -> list:
    return [r for r in result.reasons if r.level == "fail"]


def _headline(result: CheckResult) -> str:
    """A pass says what was checked (the budgets, the increase limit, or a rise under the noise floor), never
    "within budget" without one; a failure's own sentence when one thing failed, else how many did."""
    failures = _failures(result)
    if result.verdict == "fail" and failures:
        return failures[0].message if len(failures) == 1 else f"{len(failures)} budget or policy failures"
    if result.verdict != "pass":
        return _HEADLINES[result.verdict]
    checked = ["within budget"] if result.budget is not None or result.per_workload_budgets else []
    increase = _increase_checked(result)
    if increase:
        checked.append(increase)
    if not checked:
        return "passed (no budget or increase limit set)"
    if len(checked) == 2 and checked[1].startswith("within the "):
        return "within budget and" + checked[1].removeprefix("within")
    return "; ".join(checked)


def _increase_checked(result: CheckResult) -> str | None:
    """What the increase limit judged: the rise within it, under the noise floor, or None (no limit or no
    baseline to compare with)."""
    options, currency = result.options, result.currency
    if result.baseline_info is None or (options.max_increase is None and options.max_increase_pct is None):
        return None
    limit = " and ".join(
        [f"+{_money(options.max_increase, currency)}"] * (options.max_increase is not None)
        + [f"+{options.max_increase_pct}%"] * (options.max_increase_pct is not None)
    )
    change = result.change
    if change is not None and 0 < change < options.min_delta:
        return f"total {_by(change, result.change_pct, currency)}, under the {_money(options.min_delta, currency)} noise floor"
    return f"within the increase limit of {limit}"


def _by(change: Decimal | None, pct: Decimal | None, currency: str) -> str:
    """``changed by +20.0% (+$100.48)`` (the amount alone without a percentage)."""
    shown = signed_pct(pct)
    return (
        f"changed by {shown} ({signed(change, currency)})"
        if shown
        else f"changed by {signed(change, currency)}"
    )


def _money(amount: Decimal | None, currency: str) -> str:
    return money(amount, currency, missing="—")


def _change(diff: WorkloadDiff, currency: str, floor: Decimal | None = None) -> str:
    if diff.status == "added":
        return "added"
    if diff.status == "removed":
        return "removed"
    if diff.status == "new":
        return ""
    if diff.below_noise:
        under = (
            f", under the {_money(floor, currency)} noise floor"
            if floor is not None
            else ", under the noise floor"
        )
        return _by(diff.change, diff.change_pct, currency) + under
    if diff.change is None or (diff.change == 0 and diff.status == "unchanged"):
        return "model changed" if diff.status == "changed" else "no change"
    pct = signed_pct(diff.change_pct)
    return signed(diff.change, currency) + (f" ({pct})" if pct else "")


def _model(diff: WorkloadDiff) -> str:
    if diff.status == "changed" and diff.baseline_model and diff.model and diff.baseline_model != diff.model:
        return f"{diff.baseline_model} → {diff.model}"
    return diff.model or diff.baseline_model or "?"


def _cost(diff: WorkloadDiff, currency: str) -> str:
    """A row's cost in the judged month; a workload starting after the horizon has none and says so."""
    if diff.after_horizon and diff.new_cost is None:
        return "starts after the horizon"
    return _money(diff.new_cost, currency)


def _total_line(result: CheckResult) -> str:
    currency = result.currency
    line = f"monthly total {_money(result.new_total, currency)}"
    if result.month:
        line += f" in {result.month}" + (", the first month every workload runs" if result.staggered else "")
    if result.baseline_info is not None:
        pct = signed_pct(result.change_pct)
        line += f" (baseline {_money(result.baseline_total, currency)}, {signed(result.change, currency)}"
        line += f", {pct})" if pct else ")"
    if result.budget is not None:
        used = result.budget_used_pct
        line += f"; budget {_money(result.budget, currency)}" + (
            f" ({used}% used)" if used is not None else ""
        )
    return line


def render_text(result: CheckResult) -> str:
    """The human summary: verdict, totals, reported workloads, reasons, then assumptions."""
    currency = result.currency
    headline = _headline(result)
    if result.verdict == "warn" and result.would_fail:
        headline = "would fail, reported as warnings (--warn-only)"
    where = result.workload_file or "plan"
    date = f", prices checked {result.price_date}" if result.price_date else ""
    lines = [f"tokencost check: {result.verdict.upper()}: {headline} ({where}, {currency}{date})"]
    lines.append(f"  {_total_line(result)}")
    floor = result.options.min_delta
    shown = [d for d in result.workloads if d.reported or d.below_noise]
    quiet = len(result.workloads) - len(shown)
    if shown:
        lines.append("  workloads:")
        width = max(len(d.name) for d in shown)
        for diff in shown:
            cost = _money(diff.baseline_cost, currency) if diff.status == "removed" else _cost(diff, currency)
            change = _change(diff, currency, floor)
            tail = f"  {change}" if change else ""
            per = "" if diff.after_horizon and diff.new_cost is None else "/month"
            lines.append(f"    {diff.name.ljust(width)}  {_model(diff)}  {cost}{per}{tail}")
    if quiet:
        lines.append(f"  {quiet} workload(s) unchanged")
    failures = _failures(result)
    for reason in result.reasons:
        if result.verdict == "fail" and len(failures) == 1 and reason is failures[0]:
            continue  # it is the verdict line
        lines.append(f"  {_TEXT_MARKS[reason.level]}: {reason.message}")
    for assumption in result.assumptions:
        lines.append(f"  assumption: {assumption}")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    """User text on one Markdown line (a list item, inline code)."""
    return markdown_text(text, line_break=" ")


def render_markdown(result: CheckResult) -> str:
    """A PR comment: marker line, verdict with icon, totals, workload table, reasons, assumptions footer."""
    currency = result.currency
    icon = _ICONS[result.verdict]
    headline = _headline(result)
    if result.verdict == "warn" and result.would_fail:
        headline = "would fail (reported as warnings: --warn-only)"
    out = [MARKER, f"## {icon} tokencost check: {headline}", ""]
    where = f"`{_md_escape(result.workload_file)}`" if result.workload_file else "the plan"
    out.append(f"Projected spend of {where}: **{_total_line(result)}**.")
    out.append("")
    has_baseline = result.baseline_info is not None
    if has_baseline:
        out.append("| workload | model | baseline | new | change |")
        out.append("|---|---|---:|---:|---:|")
    else:
        out.append("| workload | model | monthly cost | budget |")
        out.append("|---|---|---:|---:|")
    for diff in result.workloads:
        name = _md_escape(diff.name)
        model = _md_escape(_model(diff))
        if has_baseline:
            change = _change(diff, currency, result.options.min_delta)
            if diff.status == "changed":
                change = f"**{change}**"
            out.append(
                f"| {name} | {model} | {_money(diff.baseline_cost, currency)} | "
                f"{_cost(diff, currency)} | {change} |"
            )
        else:
            budget = _money(diff.budget, currency) if diff.budget is not None else ""
            out.append(f"| {name} | {model} | {_cost(diff, currency)} | {budget} |")
    total_new = _money(result.new_total, currency)
    if has_baseline:
        pct = signed_pct(result.change_pct)
        change = signed(result.change, currency) + (f" ({pct})" if pct else "")
        out.append(
            f"| **total** | | {_money(result.baseline_total, currency)} | **{total_new}** | {change} |"
        )
    else:
        budget = _money(result.budget, currency) if result.budget is not None else ""
        out.append(f"| **total** | | **{total_new}** | {budget} |")
    out.append("")
    if result.reasons:
        for reason in result.reasons:
            out.append(f"- {_REASON_ICONS[reason.level]} {_md_escape(reason.message)}")
        out.append("")
    footer = []
    if result.price_date:
        footer.append(f"Prices checked {result.price_date}; amounts in {currency} per month.")
    else:
        footer.append(f"Amounts in {currency} per month.")
    if has_baseline:
        info = result.baseline_info or {}
        generated = f" (planned {info.get('generated_on')})" if info.get("generated_on") else ""
        footer.append(f"Baseline: `{_md_escape(str(info.get('source')))}`{generated}.")
    out.append("<details><summary>Assumptions</summary>")
    out.append("")
    out += [f"- {_md_escape(a)}" for a in result.assumptions] or ["- none stated"]
    for name, notes in result.workload_assumptions.items():
        out.append(f"- **{_md_escape(name)}**")
        out += [f"  - {_md_escape(a)}" for a in notes]
    out.append("")
    out.append("</details>")
    out.append("")
    out.append("<sub>" + " ".join(footer) + " Generated by `tokencost check`.</sub>")
    return "\n".join(out) + "\n"


def render_json(result: CheckResult) -> str:
    """The ``tokencost.check/1`` document as pretty JSON."""
    return dumps_json(result.to_document())


def render(result: CheckResult, fmt: str) -> str:
    """Render in ``fmt``: ``text``, ``markdown`` or ``json``."""
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result)
    if fmt == "text":
        return render_text(result)
    raise ValueError(f"unknown format {fmt!r}")


__all__ = ["MARKER", "render", "render_json", "render_markdown", "render_text"]
