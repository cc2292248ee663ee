"""``tokencost plan``, ``tokencost init`` and ``tokencost report``: the planner's commands."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import click

from tokencost.cli._common import (
    DATE,
    calibration_option,
    echo_output,
    format_option,
    map_option,
    pricing_option,
    workload_loose_notices,
)
from tokencost.cli.online_opt import online_option
from tokencost.errors import InputError
from tokencost.pricing.resolve import model_map_scope, parse_model_map
from tokencost.render.report_markdown import tokens_label

CANDIDATE_COLUMNS = [
    ("rank", "#"),
    ("model", "model"),
    ("provider", "provider"),
    ("tokenizer", "tokenizer"),
    ("input_tokens", "input tok/req"),
    ("monthly_cost", "monthly cost"),
    ("horizon_total", "horizon total"),  # named after the horizon: "6-month total"
    ("savings", "savings"),  # over the horizon: "6-month savings"
    ("savings_pct", "savings %"),
    ("count", "count"),
    ("notes", "notes"),
]

CSV_COLUMNS = [
    ("workload", "workload"),
    ("current_model", "current_model"),
    ("rank", "rank"),
    ("model", "model"),
    ("provider", "provider"),
    ("current", "current"),
    ("tokenizer", "tokenizer"),
    ("input_tokens", "input_tokens"),
    ("exact", "exact"),
    ("monthly_cost", "monthly_cost"),
    ("cost_low", "cost_low"),
    ("cost_high", "cost_high"),
    ("savings", "savings"),
    ("savings_pct", "savings_pct"),
    ("horizon_savings", "horizon_savings"),  # horizon_total: with the breakdown's columns
    ("horizon_savings_pct", "horizon_savings_pct"),
    ("successor", "successor"),
    ("successor_from", "successor_from"),
    ("not_covered_from", "not_covered_from"),
    ("currency", "currency"),
    ("excluded_reason", "excluded_reason"),
    ("notes", "notes"),
]


def _common_plan_options(func):
    for option in reversed(
        [
            click.option(
                "--currency",
                metavar="CODE",
                help="Show every cost in this currency (default: the file's, else USD).",
            ),
            click.option(
                "--fx",
                multiple=True,
                metavar="CODE=RATE",
                help="Exchange rate override, units per 1 USD (e.g. CNY=7.1).",
            ),
            click.option(
                "--estimate",
                "estimate_only",
                is_flag=True,
                help="Use the fitted estimators even where an exact tokenizer exists.",
            ),
            click.option(
                "--at",
                type=DATE,
                default=None,
                help="Price every month on the cards in force on this day (default: current cards, a "
                "scheduled price change from its month on).",
            ),
            pricing_option,
            map_option,
        ]
    ):
        func = option(func)
    return func


def _money(value: Decimal | None, currency: str) -> str:
    from tokencost.render.money import money

    return money(value, currency, missing="")


def _savings_pct(pct: Decimal | None) -> str:
    from tokencost.render.money import savings_pct

    return savings_pct(pct)


def _candidate_table(result, w, shown) -> list[str]:
    """One workload's ranked candidates shown: the table, its footnotes, the ranking and range lines."""
    from tokencost.render.plan_horizon import (
        month_cell,
        ranking_lines,
        savings_header,
        total_cell,
        total_header,
    )
    from tokencost.render.plan_ranges import HEADER as RANGE_HEADER
    from tokencost.render.plan_ranges import count_suffix, has_ranges, range_lines, range_text
    from tokencost.render.report_markdown import whole
    from tokencost.render.tabular import render_rows

    parts: list[str] = []
    footnotes: dict[str, int] = {}  # note -> its number, numbered in order of first use
    rows = []
    for row in shown:
        marks = [footnotes.setdefault(note, len(footnotes) + 1) for note in row.notes]
        rows.append(
            {
                "rank": row.rank,
                "model": row.entry.id + (" (current)" if row.is_current else ""),
                "provider": row.entry.provider.id,
                "tokenizer": row.tokens.count.family,
                "input_tokens": whole(row.tokens.input),
                "monthly_cost": month_cell(w, row, result.currency),
                "horizon_total": total_cell(row, result.currency),
                "savings": _money(row.horizon_savings, result.currency),
                "savings_pct": _savings_pct(row.horizon_savings_pct),
                "count": tokens_label(row.tokens, short=True) + count_suffix(row),
                "notes": "".join(f"[{n}]" for n in marks),
                "range": range_text(row, result.currency),
            }
        )
    named = {"horizon_total": total_header(result), "savings": savings_header(result)}
    columns = [(key, named.get(key, head)) for key, head in CANDIDATE_COLUMNS]
    columns = columns if footnotes else columns[:-1]
    if has_ranges(shown):
        columns = [*columns[:6], ("range", RANGE_HEADER), *columns[6:]]
    parts.append(render_rows(rows, columns, "table").rstrip("\n"))
    parts.extend(f"[{n}] {note}" for note, n in footnotes.items())
    parts.extend(ranking_lines(result, w))
    parts.extend(range_lines(shown, result.currency))
    return parts


def _text_output(result, top: int, breakdown: bool = False) -> str:
    from tokencost.render.plan_horizon import shown_candidates
    from tokencost.render.plan_ranges import current_range
    from tokencost.render.report_markdown import (
        budget_alerts,
        first_month,
        horizon_total,
        rate_text,
        when,
    )

    currency = result.currency
    parts: list[str] = [
        f"Plan for {result.workload_file} ({result.horizon_months} months from {result.start}, {currency})"
    ]
    for w in result.workloads:
        model = w.resolved.id if w.resolved else f"{w.workload.model} (unknown)"
        head = (
            f"\nWorkload {w.name}: {model}, {rate_text(w.requests_per_month)} requests/month, "
            f"{when(w)} {_money(w.monthly_cost, currency) or 'n/a'}{current_range(w, currency)}"
        )
        if w.forecast:
            last_month, last_cost = w.forecast[-1]
            head += f", {last_month}: {_money(last_cost, currency)}"
        parts.append(head)
        shown = shown_candidates(w, top)
        parts.extend(_candidate_table(result, w, shown))
        hidden = len(w.candidates) - len(shown)
        if hidden > 0:
            parts.append(f"... {hidden} more candidate(s) (--top 0 shows all)")
        if w.excluded:
            shown_ex = w.excluded[:5]
            parts.append(
                f"Excluded ({len(w.excluded)}): "
                + "; ".join(f"{x.model}: {x.reason}" for x in shown_ex)
                + (" ..." if len(w.excluded) > 5 else "")
            )
        for problem in w.problems:
            parts.append(f"Problem: {problem}")
    parts.append(
        f"\nTotal in {first_month(result)}: {_money(result.monthly_cost, currency)}; "
        f"on each workload's top-ranked candidate: {_money(result.best_monthly_cost, currency)}"
    )
    forecast = result.total_forecast()
    if forecast:
        parts.append("Forecast: " + ", ".join(f"{m} {_money(c, currency)}" for m, c in forecast))
        parts.append(f"Total over the horizon: {_money(horizon_total(forecast), currency)}")
    parts.extend(budget_alerts(result))
    if breakdown:
        from tokencost.render.breakdown import breakdown_text

        parts.extend(breakdown_text(result, top))
    for problem in result.problems:
        parts.append(f"Problem: {problem}")
    parts.append("\nAssumptions:")
    parts.extend(f"- {a}" for a in result.assumptions)
    for w in result.workloads:
        parts.extend(f"- [{w.name}] {a}" for a in w.assumptions)
    return "\n".join(parts) + "\n"


def _csv_output(result) -> str:
    """One row per candidate and per excluded model, with the JSON document's exact decimal strings (and each
    candidate's cost breakdown after the plan's columns)."""
    from tokencost.render.breakdown import CSV_COLUMNS as BREAKDOWN_COLUMNS
    from tokencost.render.breakdown import csv_cells
    from tokencost.render.tabular import render_rows

    document = result.to_document()
    rows = []
    for w in document["workloads"]:
        current = w["resolved_model"] or w["model"]
        for row in w["candidates"]:
            rows.append(
                {
                    "workload": w["name"],
                    "current_model": current,
                    **{key: row[key] for key, _ in CSV_COLUMNS if key in row},
                    "currency": document["currency"],
                    "notes": row["notes"],
                    **csv_cells(row.get("breakdown")),
                }
            )
        for x in w["excluded"]:
            rows.append(
                {
                    "workload": w["name"],
                    "current_model": current,
                    "model": x["model"],
                    "provider": x["provider"],
                    "currency": document["currency"],
                    "excluded_reason": x["reason"],
                }
            )
    return render_rows(rows, CSV_COLUMNS + BREAKDOWN_COLUMNS, "csv")


def _with_check_args(ctx, check_args, online, currency, fx, at, pricing_dirs, model_map):
    """The plan's options with ``--check-args``' plan-affecting ones added: repeatable ones appended, a
    single-valued one given both ways must agree."""
    from tokencost.cli.check_args import plan_tokens

    parsed = ctx.command.make_context(
        ctx.info_name, [ctx.params["file"], *plan_tokens(check_args)], parent=ctx.parent
    )
    extra = parsed.params

    def single(name, mine):
        theirs = extra.get(name)
        if mine is not None and theirs is not None and mine != theirs:
            raise InputError(f"--{name} {mine} and --check-args' --{name} {theirs} disagree")
        return mine if mine is not None else theirs

    rates: dict[str, str] = {}
    for given, origin in ((fx, "--fx"), (extra["fx"], "--check-args' --fx")):
        for item in given:  # CODE=RATE: one currency given two rates is the same disagreement
            code = item.split("=", 1)[0].strip().upper()
            if rates.setdefault(code, item) != item:
                raise InputError(f"--fx {rates[code]} and {origin} {item} disagree")
    return (
        online or extra["online"],
        single("currency", currency),
        (*fx, *extra["fx"]),
        single("at", at),
        (*pricing_dirs, *extra["pricing_dirs"]),
        (*model_map, *extra["model_map"]),
    )


@click.command(
    epilog="""Examples:

\b
  tokencost init workload.yaml && tokencost plan workload.yaml
  tokencost plan examples/workloads/support-zh.yaml --format json > plan.json
  tokencost plan examples/workloads/market-scale.yaml --currency CNY --top 0
"""
)
@click.argument("file", type=click.Path(dir_okay=False))
@format_option()
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="Candidates shown per workload in the table (0: all).",
)
@click.option(
    "--breakdown",
    is_flag=True,
    help="Split each shown model's month into input, cached input, cache writes, output and reasoning "
    "(cost and tokens), with its total over the horizon (the table; JSON and Markdown always have it).",
)
@online_option
@_common_plan_options
@calibration_option
@click.option(
    "--check-args",
    metavar="ARGS",
    help="The arguments given to `tokencost check` (one string): those that change the plan (--currency, --fx, "
    "--at, --pricing, --map, --online, --calibration) apply here too; for a baseline planned as check plans.",
)
@click.pass_context
def plan(
    ctx,
    file,
    fmt,
    top,
    breakdown,
    online,
    currency,
    fx,
    estimate_only,
    at,
    pricing_dirs,
    model_map,
    check_args,
) -> None:
    """Project the monthly spend of a workload FILE on every candidate model, ranked.

    Per workload: the first month's cost on the current model, a month-by-month forecast with growth, and
    every candidate ranked by its total over the horizon (price changes and retirements included; a retiring
    model on its successor from the month it cannot be bought), with savings against the current model.
    Candidates that break
    a constraint are listed separately with the reason. --format json is the versioned document that
    `tokencost check --baseline` reads.
    """
    from tokencost.planner import plan_file
    from tokencost.render.tabular import dumps_json

    if check_args:
        online, currency, fx, at, pricing_dirs, model_map = _with_check_args(
            ctx, check_args, online, currency, fx, at, pricing_dirs, model_map
        )
    if online:
        from tokencost.cli.online_opt import install, refuse_estimate, workload_models

        refuse_estimate(estimate_only)
        install(workload_models(file), families=(), pricing=pricing_dirs)
    with model_map_scope(parse_model_map(model_map)):
        result = plan_file(
            file, pricing=pricing_dirs, currency=currency, fx=fx, estimate_only=estimate_only, at=at
        )
        for notice in workload_loose_notices(file, pricing_dirs):
            click.echo(f"notice: {notice}", err=True)
    if fmt == "json":
        echo_output(dumps_json(result.to_document()))
    elif fmt == "csv":
        echo_output(_csv_output(result))
    elif fmt == "markdown":
        from tokencost.render.report_markdown import render_markdown

        echo_output(render_markdown(result, top=top or None))
    else:
        echo_output(_text_output(result, top, breakdown))


@click.command(
    epilog="""Example:

\b
  tokencost init            # writes ./workload.yaml
  tokencost init plans/support.yaml
"""
)
@click.argument("path", default="workload.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def init(path, force) -> None:
    """Write a commented starter workload file to PATH (default workload.yaml); refuses to overwrite."""
    from tokencost.fileio import write_atomic
    from tokencost.planner.starter import STARTER

    write_atomic(Path(path), STARTER, force=force)
    click.echo(f"Wrote {path}. Edit it, then run: tokencost plan {path}", err=True)


@click.command(
    epilog="""Examples:

\b
  tokencost report examples/workloads/support-zh.yaml --out report.html
  tokencost report workload.yaml --format markdown --out report.md
"""
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write (refuses to overwrite without --force); - writes to stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "markdown"]),
    default=None,
    help="Report format  [default: markdown for an --out ending in .md, html for .html, no extension or -; "
    "another extension needs --format].",
)
@click.option(
    "--top",
    default=5,
    show_default=True,
    type=click.IntRange(min=1, max=20),
    help="Candidates drawn in the forecast chart.",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option(
    "--replay",
    "replay_logs",
    multiple=True,
    metavar="LOG",
    help="Add a replay of these usage logs (see `tokencost replay`) against the workload's top candidates.",
)
@_common_plan_options
def report(
    file, out, fmt, top, force, replay_logs, currency, fx, estimate_only, at, pricing_dirs, model_map
) -> None:
    """Write a self-contained procurement report of a workload FILE (HTML with inline SVG charts, or Markdown).

    The HTML needs no network and no JavaScript, and prints cleanly: assumptions, a bar chart of projected
    monthly cost per candidate, the forecast of the top candidates, tokens per tokenizer family of the
    sample text, and the prices used with their source and checked date. The Markdown report is the text
    of `tokencost plan --format markdown` (rankings, notes, budgets, assumptions) without the charts,
    for a wiki page or a PR.
    """
    from tokencost.fileio import is_stdout, write_output
    from tokencost.planner import plan_file

    if not force and not is_stdout(out) and os.path.lexists(out):  # refuse before planning, not after
        raise InputError(f"{out}: already exists; pass --force to overwrite it")
    fmt = _report_format(out, fmt)
    with model_map_scope(parse_model_map(model_map)):
        result = plan_file(
            file, pricing=pricing_dirs, currency=currency, fx=fx, estimate_only=estimate_only, at=at
        )
    if fmt == "html":
        from tokencost.render.report_html import render_html

        text = render_html(result, top=top)
    else:
        from tokencost.render.report_markdown import render_markdown

        text = render_markdown(result, top=None, chart_top=top)
    if replay_logs:
        text = _with_replay(text, fmt, result, replay_logs, top, pricing_dirs, fx)
    if not write_output(out, text, force=force):
        click.echo(f"Wrote {out} ({len(text.encode('utf-8')):,} bytes)", err=True)


_REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def _report_format(out: str, fmt: str | None) -> str:
    """The report's format: --format, else the --out name's (.md, .markdown: Markdown; .html, none or -: HTML).
    A name of the other format, or another extension (.csv, .json) without --format, is refused: the file
    would not hold what its name says."""
    suffix = "" if out == "-" else Path(out).suffix.lower()
    named = _REPORT_SUFFIXES.get(suffix)
    if named is not None:
        if fmt is not None and fmt != named:
            raise InputError(f"--out {out} names a {named} file but --format is {fmt}")
        return named
    if suffix and fmt is None:
        raise InputError(
            f"--out {out}: a report is HTML (.html) or Markdown (.md), not {suffix}",
            "for CSV or JSON use `tokencost plan FILE --format csv|json`; to write this name anyway, pass --format",
        )
    return fmt or "html"


def _with_replay(text: str, fmt: str, result, logs, top: int, pricing_dirs, fx=()) -> str:
    """The report with its replay section (the workloads' top candidates, grouped by month)."""
    from tokencost.render.replay_report import replay_section_html, replay_section_markdown
    from tokencost.replay import replay

    models = list(
        dict.fromkeys(c["model"] for w in result.to_document()["workloads"] for c in w["candidates"][:top])
    )
    document = replay(
        list(logs), models, group_by="month", pricing=list(pricing_dirs), currency=result.currency, fx=fx
    )
    if fmt == "html":
        return text.replace("</body></html>", replay_section_html(document) + "</body></html>", 1)
    return text + replay_section_markdown(document)
