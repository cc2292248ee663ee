"""The one month the check judges: with staggered starts, every workload's row, budget and the total are read
in the same month (the first month every workload starting within the horizon runs), never each in its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokencost.planner.check.documents import forecast_months, gated_month, late_starts, money_field


def judged_month(document: Mapping[str, Any]) -> str | None:
    """The month the check's figures are for: the gated month with staggered starts, else the first one."""
    month = gated_month(document)
    if month is not None:
        return month
    forecast = (document.get("totals") or {}).get("forecast") or []
    if forecast and isinstance(forecast[0], dict) and forecast[0].get("month"):
        return str(forecast[0]["month"])
    start = document.get("start")
    return str(start)[:7] if start else None


def at_gated_month(document: Mapping[str, Any], source: str, month: str | None = None) -> Mapping[str, Any]:
    """A copy of ``document`` whose workloads' ``monthly_cost`` (and range) are their cost in the gated month,
    so each row adds up to the gated total; a workload starting after the horizon has no cost there (None,
    ``after_horizon`` true). Documents whose workloads all start in the first month are returned as they are.

    Each cost is the workload's own (possibly re-expressed) first-month cost grown as its forecast grows from
    its first month to the gated month, the rule the baseline's gated total is moved by. An explicit
    ``month`` (a baseline read in the new plan's month) is used instead of the document's own."""
    late = late_starts(document)
    if month is None:
        if not late:
            return document
        month = gated_month(document)
    out = dict(document)
    out["workloads"] = [
        _at_month(w, month, late, source) if isinstance(w, dict) else w
        for w in document.get("workloads") or []
    ]
    return out


def _at_month(
    workload: dict[str, Any], month: str | None, late: Mapping[str, str | None], source: str
) -> dict:
    name = workload.get("name")
    if name in late and late[name] is None:
        return {**workload, "monthly_cost": None, "cost_low": None, "cost_high": None, "after_horizon": True}
    what = f"workload {name!r}"
    costs = {
        p.get("month"): money_field(p.get("cost"), f"{what} forecast cost", source)
        for p in workload.get("forecast") or []
        if isinstance(p, dict)
    }
    first_month = workload.get("first_month") or next(iter(costs), None)
    first, then = costs.get(first_month), costs.get(month)
    cost = money_field(workload.get("monthly_cost"), f"{what} monthly_cost", source)
    if month is None or cost is None or then is None or not first or then == first:
        return workload
    out = {**workload, "monthly_cost": str(then if cost == first else cost * then / first)}
    for key in ("cost_low", "cost_high"):
        bound = money_field(workload.get(key), f"{what} {key}", source)
        if bound is not None:
            out[key] = str(then if bound == first else bound * then / first)
    return out


def baseline_month(new: Mapping[str, Any], baseline: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The month to read the baseline in when it is not the baseline's own judged month: the new plan's judged
    month when the baseline's forecast has it (both sides the same month); else None (its own month) and,
    when the two differ, a note saying so."""
    target, own = judged_month(new), judged_month(baseline)
    if target is None or target == own:
        return None, None
    if target in forecast_months(baseline):
        return target, None
    return None, (
        f"the baseline's forecast has no {target} (the month the new plan is judged in): compared with its "
        f"{own}, so growth between the two months is part of the change (plan the baseline over a horizon "
        f"that reaches {target})"
    )


def after_horizon(document: Mapping[str, Any]) -> dict[str, str]:
    """Workloads that start after the plan's horizon: name -> their start (as the plan gives it)."""
    late = late_starts(document)
    return {
        name: str(w.get("start") or "")
        for w in document.get("workloads") or []
        if isinstance(w, dict) and (name := str(w.get("name"))) in late and late[name] is None
    }


__all__ = ["after_horizon", "at_gated_month", "baseline_month", "judged_month"]
