"""``tokencost check``: fail a CI build when projected API spend breaks a budget or a policy.

Exit codes: 0 pass (warnings may print), 1 a budget or policy failed, 2 usage or input error.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from tokencost.cli._common import (
    DATE,
    calibration_option,
    echo_output,
    format_option,
    map_option,
    pricing_option,
)
from tokencost.cli.check_money import FlagMoney
from tokencost.cli.online_opt import online_option
from tokencost.errors import EXIT_CHECK_FAILED, InputError

MAX_PLAN_BYTES = 64 * 1024 * 1024


def _new_document(file: str, *, pricing_dirs, currency, fx, at=None, online: bool = False) -> dict:
    """The plan document of FILE: a workload file is planned; a plan JSON is read as is."""
    from tokencost.planner.check import load_plan_document, looks_like_plan_document

    path = Path(file)
    if not path.exists():
        raise InputError(f"{file}: no such file")
    if not path.is_file():
        raise InputError(f"{file}: not a file")
    head = ""
    if path.suffix.lower() == ".json" and path.stat().st_size <= MAX_PLAN_BYTES:
        try:
            head = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            head = ""
    if head and looks_like_plan_document(head):
        if currency or fx or pricing_dirs or at or online:
            raise InputError(
                f"{file}: is already a plan; --currency, --fx, --pricing, --at and --online apply to workload "
                "files only"
            )
        return load_plan_document(path)
    if online:
        _go_online(file, pricing_dirs)
    try:
        from tokencost.planner import plan_file
    except ImportError:
        raise InputError(
            "the planner is not available in this build of tokencost, so workload files cannot be checked",
            "pass a plan JSON written by `tokencost plan --format json` instead",
        ) from None
    # Unknown candidates are tolerated (they become the plan's `problems`, judged by the
    # block_unknown_models policy); an unknown current model is an input error, as in `tokencost plan`.
    result = plan_file(path, pricing=pricing_dirs, currency=currency, fx=fx, tolerate_unknown=True, at=at)
    document = result.to_document()
    _require_known_current_models(path, document)
    from tokencost.cli._common import workload_loose_notices

    for notice in workload_loose_notices(path, pricing_dirs):
        click.echo(f"notice: {notice}", err=True)
    return document


def _go_online(file: str, pricing_dirs) -> None:
    """``--online``: the workload's texts are counted by the vendors' count endpoints, as in ``plan --online``."""
    from tokencost.cli.online_opt import install, workload_models

    install(workload_models(file), families=(), pricing=pricing_dirs)


def _require_known_current_models(path: Path, document: dict) -> None:
    """Raise the planner's own error (``file:line: workloads[i].model: unknown model ...``)."""
    from tokencost.planner.workload import load_workload, where

    unknown = [w for w in document.get("workloads") or [] if w.get("resolved_model") is None]
    if not unknown:
        return
    spec, text = load_workload(path)
    names = [w.name for w in spec.workloads]
    first = unknown[0]
    index = names.index(first["name"]) if first["name"] in names else 0
    problems = [str(p) for p in first.get("problems") or []]
    what = next((p for p in problems if p.startswith("unknown model")), f"unknown model {first['model']!r}")
    source = document.get("workload_file") or str(path)
    raise InputError(f"{where(text, source, 'workloads', index, 'model')}: workloads[{index}].model: {what}")


def _parse_budgets(budgets: tuple[str, ...], parse) -> tuple[object, dict[str, object]]:
    """``--budget AMOUNT`` and ``--budget NAME=AMOUNT`` values, each through ``parse(text, flag_name)``."""
    total = None
    per_workload: dict[str, object] = {}
    for value in budgets:
        name, sep, amount_text = value.rpartition("=")
        if sep:
            name = name.strip()
            if not name:
                raise InputError(f"--budget {value!r}: expected AMOUNT or NAME=AMOUNT")
            per_workload[name] = _first(parse(amount_text, f"--budget {name}="))
        else:
            total = _first(parse(value, "--budget"))
    return total, per_workload


def _first(parsed):
    """``parse_amount`` returns (amount, currency); ``FlagMoney.amount`` the amount alone."""
    return parsed[0] if isinstance(parsed, tuple) else parsed


def _is_workload_file(path: str) -> bool:
    """True for a YAML (not JSON) mapping with a ``workloads`` key: a workload file where a plan JSON belongs."""
    try:
        if Path(path).stat().st_size > MAX_PLAN_BYTES:
            return False
        text = Path(path).read_text(encoding="utf-8-sig")
        if text.lstrip().startswith(("{", "[")):
            return False  # JSON (a plan with another problem), judged by the plan reader
        import yaml

        data = yaml.safe_load(text)
    except Exception:
        return False
    return isinstance(data, dict) and "workloads" in data


def _load_baseline(baseline: str, load_plan_document) -> dict:
    """The baseline plan JSON; a workload file there is named as one, with the command that makes a plan."""
    try:
        return load_plan_document(baseline)
    except InputError:
        if _is_workload_file(baseline):
            raise InputError(
                f"--baseline {baseline}: this is a workload file, not a plan JSON (make one with "
                f"`tokencost plan {baseline} --format json > baseline.json`)"
            ) from None
        raise


def _append_step_summary(markdown: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY (GitHub Actions job summary) when it is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as exc:
        click.echo(f"warning: cannot append to GITHUB_STEP_SUMMARY {target}: {exc.strerror or exc}", err=True)


@click.command(
    epilog="""Exit codes: 0 pass (warnings may print), 1 a budget or policy failed, 2 usage or input error.

Examples:

\b
  tokencost check workloads.yaml --budget 5000
  tokencost plan workloads.yaml --format json > baseline.json     # on the main branch
  tokencost check workloads.yaml --baseline baseline.json --max-increase 10% --format markdown
  tokencost check workloads.yaml --budget support-bot=1200 --warn-at 90 --warn-only
"""
)
@click.argument("file")
@click.option(
    "--budget",
    "budgets",
    multiple=True,
    metavar="AMOUNT|NAME=AMOUNT",
    help="Monthly budget for the total, or NAME=AMOUNT for one workload (repeatable). "
    "Overrides the workload file's budgets. Money flags are in the plan's currency; one written in "
    "another ('5000 EUR', '€5000') is converted at the plan's rates, with a notice.",
)
@click.option(
    "--max-increase",
    metavar="AMOUNT|PCT",
    help="Largest allowed rise of the monthly total against --baseline, e.g. 250 or 10%.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Plan JSON written earlier by `tokencost plan --format json` (e.g. on the main branch).",
)
@click.option(
    "--min-delta",
    default="0",
    show_default=True,
    metavar="AMOUNT",
    help="Noise floor: changes smaller than this are shown as under it and never fail --max-increase.",
)
@click.option(
    "--warn-at",
    default="80",
    show_default=True,
    metavar="PCT",
    help="Warn when a cost reaches this share of its budget (100 = only fail when over).",
)
@click.option("--warn-only", is_flag=True, help="Report budget and policy failures as warnings (exit 0).")
@format_option(
    ("text", "json", "markdown"),
    "text",
    help="text: summary on stderr only; json / markdown: also the report on stdout.",
)
@click.option("--currency", metavar="CODE", help="Plan in this currency (workload files only).")
@click.option("--fx", multiple=True, metavar="CODE=RATE", help="Exchange rate override, units per 1 USD.")
@click.option(
    "--at", type=DATE, default=None,
    help="Price every month on the cards in force on this day (workload files only; default: current "
    "cards, a scheduled change from its month on).",
)  # fmt: skip
@pricing_option
@map_option
@online_option
@calibration_option
def check(
    file, budgets, max_increase, baseline, min_delta, warn_at, warn_only, fmt, currency, fx, at, pricing_dirs,
    model_map, online,
):  # fmt: skip
    """Check projected monthly spend of FILE against budgets, policies and a baseline.

    FILE is a workload file (planned now) or a plan JSON. Budgets come from the workload file's
    `budgets:` and from --budget (flags win); policies from its `policies:`. The verdict and a summary go
    to stderr; --format json or markdown writes the report to stdout. When GITHUB_STEP_SUMMARY is set, the
    Markdown report is appended there too.
    """
    from tokencost.planner.check import (
        CheckOptions,
        load_plan_document,
        parse_amount,
        parse_increase,
        parse_percent,
        run_check,
    )
    from tokencost.render.check_render import render, render_markdown, render_text

    if currency is not None:
        from tokencost.currency import is_currency

        currency = currency.upper()
        if not is_currency(currency):
            raise InputError(f"--currency {currency!r} is not an ISO 4217 code (e.g. USD, CNY, EUR)")
    _parse_budgets(budgets, parse_amount)  # bad syntax fails before the (slower) planning
    if max_increase:
        parse_increase(max_increase)
    parse_amount(min_delta, "--min-delta")
    warn_pct = parse_percent(warn_at, "--warn-at")
    # Read the baseline first: a broken baseline is an input error, found before the (slower) planning.
    baseline_doc = _load_baseline(baseline, load_plan_document) if baseline else None
    from tokencost.pricing.resolve import model_map_scope, parse_model_map

    with model_map_scope(parse_model_map(model_map)):
        new_doc = _new_document(
            file, pricing_dirs=pricing_dirs, currency=currency, fx=fx, at=at, online=online
        )
    # Money flags in another currency than the plan's are converted at the plan's rate, and say so.
    flags = FlagMoney(new_doc["currency"], new_doc.get("fx"), tuple(fx))
    total_budget, workload_budgets = _parse_budgets(budgets, flags.amount)
    increase_amount, increase_pct = flags.increase(max_increase) if max_increase else (None, None)
    options = CheckOptions(
        budget=total_budget,
        workload_budgets=workload_budgets,
        max_increase=increase_amount,
        max_increase_pct=increase_pct,
        min_delta=flags.amount(min_delta, "--min-delta"),
        warn_at=warn_pct,
        warn_only=warn_only,
    )
    result = run_check(
        new_doc,
        baseline_doc,
        options,
        new_source=file,
        baseline_source=baseline or "baseline",
    )
    result.assumptions.extend(flags.notes)
    for note in flags.notes:
        click.echo(f"notice: {note}", err=True)
    click.echo(render_text(result), err=True, nl=False)
    if fmt != "text":
        echo_output(render(result, fmt))
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        _append_step_summary(render_markdown(result))
    if result.exit_code:
        # the verdict line above says what failed: exit 1 without a second "Error:" line
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)
