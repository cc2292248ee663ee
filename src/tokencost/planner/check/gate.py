"""``run_check``: the CI gate as a pipeline over two plan documents (new and baseline).

Validate the documents, resolve the budgets (flags win), check the budgets, then the policies, then the
change against the baseline; decide the verdict and assemble the :class:`CheckResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokencost.errors import InputError
from tokencost.planner.check.baseline import baseline_info, compare_conditions, compare_totals, diff_workloads
from tokencost.planner.check.budgets import check_budgets, resolve_budgets
from tokencost.planner.check.documents import (
    gated_month,
    gated_total,
    late_starts,
    require_known_models,
    validate_plan_document,
    workloads_by_name,
)
from tokencost.planner.check.instrument import like_for_like
from tokencost.planner.check.lifecycle import check_lifecycle
from tokencost.planner.check.months import after_horizon, at_gated_month, baseline_month, judged_month
from tokencost.planner.check.options import CheckOptions
from tokencost.planner.check.policies import check_policies
from tokencost.planner.check.result import INFO, WARN, CheckResult, Findings, format_amount


def run_check(
    new: Mapping[str, Any],
    baseline: Mapping[str, Any] | None = None,
    options: CheckOptions | None = None,
    *,
    new_source: str = "plan",
    baseline_source: str = "baseline",
) -> CheckResult:
    """Check the plan document ``new`` (against ``baseline`` when given) and return the verdict.

    Both documents are validated first; an unreadable one raises :class:`InputError` (exit 2), and so does
    a baseline in another currency (the diff would be meaningless).
    """
    options = CheckOptions() if options is None else options
    if not isinstance(options, CheckOptions):
        raise InputError(f"options must be a CheckOptions, got {type(options).__name__}")
    _validate(new, baseline, new_source, baseline_source)
    findings = Findings(options.warn_only)
    workloads = workloads_by_name(new)
    budgets = resolve_budgets(new, options, workloads, new_source)
    new_total = gated_total(new, new_source)
    late = late_starts(new)
    assumptions = _late_start_assumptions(late, gated_month(new))
    _after_horizon_notes(findings, new)
    # rows, per-workload budgets and the total: all in the one month the check judges
    judged = at_gated_month(new, new_source)
    judged_workloads = workloads_by_name(judged)
    check_budgets(findings, judged, budgets, judged_workloads, new_total, late, options, new_source)
    assumptions += check_policies(findings, new, workloads, new_source)
    check_lifecycle(findings, workloads)
    sources = (new_source, baseline_source)
    # counted differently (an extra missing, another estimator): compare on a common basis, never the instrument
    compared = month = None
    if baseline is not None:
        compared, instrument_notes = like_for_like(findings, new, baseline, sources)
        assumptions += instrument_notes
        # the baseline is read in the month the new plan is judged in, never in its own other month
        month, month_note = baseline_month(new, baseline)
        if month_note:
            findings.add(WARN, "baseline.month_missing", month_note)
    if compared is not None:
        compared = at_gated_month(compared, baseline_source, month)
    base_workloads = workloads_by_name(compared) if compared is not None else {}
    diffs = diff_workloads(judged_workloads, compared, base_workloads, budgets.per_workload, options, sources)
    totals = compare_totals(findings, new, compared, new_total, options, baseline_source, month)
    if baseline is not None:
        assumptions += compare_conditions(findings, new, baseline)
    assumptions += _closing_assumptions(new, options)
    verdict, reasons = findings.verdict()
    price_data = new.get("price_data") or {}
    return CheckResult(
        verdict=verdict,
        reasons=reasons,
        currency=new["currency"],
        new_total=new_total,
        month=judged_month(new),
        staggered=gated_month(new) is not None,
        baseline_total=totals.baseline_total,
        change=totals.change,
        change_pct=totals.change_pct,
        budget=budgets.total,
        budget_source=budgets.source,
        workloads=diffs,
        options=options,
        price_data=dict(price_data),
        workload_file=new.get("workload_file"),
        generated_on=new.get("generated_on"),
        baseline_info=baseline_info(baseline, baseline_source),
        assumptions=list(dict.fromkeys(assumptions)),
        per_workload_budgets=budgets.per_workload,
        fx=str(new["fx"]) if new.get("fx") else None,
        workload_assumptions={
            name: [str(a) for a in w.get("assumptions") or []]
            for name, w in workloads.items()
            if w.get("assumptions")
        },
    )


def _validate(
    new: Mapping[str, Any], baseline: Mapping[str, Any] | None, new_source: str, baseline_source: str
) -> None:
    """Both documents readable, every current model known, and both in the same currency."""
    validate_plan_document(new, new_source)
    if baseline is not None:
        validate_plan_document(baseline, baseline_source)
    require_known_models(new, new_source)
    if baseline is not None:
        require_known_models(baseline, baseline_source)
    currency = new["currency"]
    if baseline is not None and baseline["currency"] != currency:
        raise InputError(
            f"{baseline_source}: baseline is in {baseline['currency']} but the new plan is in {currency}",
            "plan both with the same --currency",
        )


def _late_start_assumptions(late: Mapping[str, str | None], month: str | None) -> list[str]:
    """Late starts within the horizon, and the month the total is read in (after-horizon ones are findings)."""
    out = [
        f"workload {name!r} starts in {first}: the monthly total counts it at that month's cost"
        for name, first in late.items()
        if first is not None
    ]
    if month is not None:
        out.append(f"the monthly total is the plan's total in {month}, the first month every workload runs")
    return out


def _after_horizon_notes(findings: Findings, new: Mapping[str, Any]) -> None:
    """A workload starting after the horizon is said plainly (a note in the summary, not an assumption): it
    has no cost in any month the plan covers, so it is in neither the total nor any row's cost."""
    forecast = (new.get("totals") or {}).get("forecast") or []
    last = forecast[-1].get("month") if forecast and isinstance(forecast[-1], dict) else None
    until = f" (its last month is {last})" if last else ""
    for name, start in after_horizon(new).items():
        when = f"on {start}" if start else "later"
        findings.add(
            INFO,
            "start.after_horizon",
            f"workload {name!r} starts {when}, after the plan's horizon{until}: not costed, not in the total",
            name,
        )


def _closing_assumptions(new: Mapping[str, Any], options: CheckOptions) -> list[str]:
    """Price date, exchange rate, the plan's own assumptions and the noise floor."""
    out = []
    price_data = new.get("price_data") or {}
    if price_data.get("newest_checked"):
        out.append(f"prices as checked on {price_data.get('newest_checked')}")
    if new.get("fx"):
        out.append(f"exchange rate: {new.get('fx')}")
    out += [str(a) for a in new.get("assumptions") or []]
    if options.min_delta > Decimal(0):
        out.append(
            f"changes smaller than {format_amount(options.min_delta, new['currency'])} are under the noise floor: "
            "shown as such, never failing --max-increase"
        )
    return out
