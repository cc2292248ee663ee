"""The plan's JSON document (``tokencost.plan/1``, see DESIGN.md): what ``tokencost plan --format json``
writes and ``tokencost check`` reads as its baseline. Money as decimal strings in the display currency."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tokencost._version import __version__
from tokencost.planner.breakdown import breakdown_document
from tokencost.planner.figures import money, plain, tokens_text
from tokencost.planner.projection import DAYS_PER_MONTH

if TYPE_CHECKING:
    from tokencost.planner.plan_result import CandidateRow, PlanResult, WorkloadPlan
    from tokencost.planner.tokens import FamilyTokens

SCHEMA = "tokencost.plan/1"


def workload_document(w: WorkloadPlan) -> dict[str, Any]:
    entry = w.resolved
    memo: dict[int, list[str | None]] = {}  # token texts of each tokenizer family's breakdown
    return {
        "name": w.name,
        "model": w.workload.model,
        "resolved_model": entry.id if entry else None,
        "resolved_by": (entry.resolution.resolved_by if entry.resolution else "exact") if entry else None,
        "provider": entry.provider.id if entry else None,
        "requests_per_month": tokens_text(w.requests_per_month),
        "monthly_growth_factor": str(w.growth_factor.quantize(Decimal("0.000001"))),
        "start": w.start.isoformat(),
        "first_month": w.first_month_label,
        "tokens_per_request": {
            "input": tokens_text(w.tokens.input),
            "cached": tokens_text(w.cached_per_request),
            "cache_write": tokens_text(w.tokens.input * w.cache_write_share),
            "output": tokens_text(w.tokens.output),
            "reasoning": tokens_text(w.tokens.reasoning),
        },
        "count": {**w.tokens.count.as_dict(), **token_bounds(w.tokens)},
        "tokens_by_family": {
            family: {
                "input": tokens_text(t.input),
                "largest_input": tokens_text(t.largest_input),
                **t.count.as_dict(),
                **token_bounds(t),
            }
            for family, t in sorted(w.by_family.items())
        },
        "samples": list(w.samples),
        "price_per_mtok": w.price_per_mtok,
        "monthly_cost": money(w.monthly_cost),
        **workload_range(w),
        "forecast": [{"month": m, "cost": money(c)} for m, c in w.forecast],
        "horizon_total": money(w.horizon_total),
        "ranked_by": "horizon_total",
        "breakdown": None if w.current_row is None else breakdown_document(w, w.current_row, memo),
        "candidates": [candidate_document(w, row, memo) for row in w.candidates],
        "excluded": [{"model": x.model, "provider": x.provider, "reason": x.reason} for x in w.excluded],
        "assumptions": list(w.assumptions),
        "problems": list(w.problems),
        "instrument": w.instrument,
    }


def candidate_document(
    w: WorkloadPlan, row: CandidateRow, memo: dict[int, list[str | None]]
) -> dict[str, Any]:
    """One ranked candidate: its first month, its breakdown and its horizon (``candidate_horizon_fields``)."""
    breakdown = breakdown_document(w, row, memo)
    return {
        "rank": row.rank,
        "model": row.entry.id,
        "provider": row.entry.provider.id,
        "current": row.is_current,
        "monthly_cost": money(row.monthly_cost),
        "savings": money(row.savings),
        "savings_pct": None if row.savings_pct is None else str(row.savings_pct),
        **candidate_horizon_fields(w, row, breakdown["horizon_total"]),
        "tokenizer": row.tokens.count.family,
        "input_tokens": tokens_text(row.tokens.input),
        "exact": row.tokens.count.exact,
        "method": row.tokens.count.method,
        "notes": list(row.notes),
        "breakdown": breakdown,
        **candidate_range(row),
    }


def candidate_horizon_fields(w: WorkloadPlan, row: CandidateRow, total: str | None) -> dict[str, Any]:
    """A ranked candidate over the horizon: its ``total`` as written (what it is ranked by; the months it
    covers), savings against the current model's total, the successor its months after retirement are
    priced on and from when, the successor its first month is billed as (``billed_as``: then its
    ``monthly_cost``, breakdown and tokens are that successor's), the first month it does not cover, and its forecast when its cost changes
    within the horizon (a month not covered is null)."""
    out: dict[str, Any] = {
        "horizon_total": total,
        "horizon_savings": money(row.horizon_savings),
        "horizon_savings_pct": None if row.horizon_savings_pct is None else str(row.horizon_savings_pct),
        "successor": row.successor,
        "successor_from": row.successor_from,
        "billed_as": None if row.billed is None else row.billed.id,
        "not_covered_from": row.uncovered_from,
    }
    if row.month_costs is not None:
        out["forecast"] = [{"month": m, "cost": money(c)} for m, c in w.candidate_forecast(row)]
    return out


def token_bounds(tokens: FamilyTokens) -> dict[str, Any]:
    """``low`` / ``high``: inclusive bounds of a family's input tokens per request (equal to it when exact)."""
    low, high = tokens.bounds or (tokens.input, tokens.input)
    return {"low": tokens_text(low), "high": tokens_text(high)}


def candidate_range(row: CandidateRow) -> dict[str, Any]:
    """A ranked candidate's monthly ``cost_low`` / ``cost_high``, its horizon total at the same bounds
    (``horizon_low`` / ``horizon_high``, every month's billed count included) and the candidates whose
    horizon range meets its own (their ranking is not certain)."""
    return {
        "cost_low": money(row.cost_low),
        "cost_high": money(row.cost_high),
        "horizon_low": money(row.horizon_low),
        "horizon_high": money(row.horizon_high),
        "overlaps": list(row.overlaps),
    }


def workload_range(w: WorkloadPlan) -> dict[str, Any]:
    """The current model's monthly ``cost_low`` / ``cost_high`` (null when it is not priced)."""
    low, high = w.cost_range or (None, None)
    return {"cost_low": money(low), "cost_high": money(high)}


def plan_document(result: PlanResult) -> dict[str, Any]:
    """The whole document of ``result`` (``PlanResult.to_document`` pauses the garbage collector around it)."""
    spec = result.spec
    return {
        "schema": SCHEMA,
        "tokencost_version": __version__,
        "generated_on": result.generated_on.isoformat(),
        "workload_file": result.workload_file,
        "currency": result.currency,
        "fx": result.fx_note,
        "price_data": {k: (v.isoformat() if v else None) for k, v in result.price_data().items()},
        "prices_at": result.prices_at.isoformat() if result.prices_at else None,
        "start": result.start.isoformat(),
        "horizon_months": result.horizon_months,
        "days_per_month": str(DAYS_PER_MONTH),
        "assumptions": list(result.assumptions),
        "budgets": {
            "monthly_total": _limit(result, spec.budgets.monthly_total),
            "per_workload": {k: _limit(result, v) for k, v in spec.budgets.per_workload.items()},
        },
        "policies": _policies(result),
        "workloads": [workload_document(w) for w in result.workloads],
        "totals": {
            "monthly_cost": money(result.monthly_cost),
            "best_monthly_cost": money(result.best_monthly_cost),
            "forecast": [{"month": m, "cost": money(c)} for m, c in result.total_forecast()],
            "horizon_total": money(result.horizon_total),
            "best_horizon_total": money(result.best_horizon_total),
        },
        "problems": list(result.problems),
    }


def _limit(result: PlanResult, value: Decimal | None) -> str | None:
    """A budget or price limit of the file, in the display currency."""
    return plain(result.in_display_currency(value))


def _policies(result: PlanResult) -> dict[str, Any]:
    policies = result.spec.policies
    max_price = policies.max_price_per_mtok
    return {
        "block_unknown_models": policies.block_unknown_models,
        "require_exact_counts": policies.require_exact_counts,
        "max_price_per_mtok": None
        if max_price is None
        else {
            k: _limit(result, getattr(max_price, k))
            for k in ("input", "output")
            if getattr(max_price, k) is not None
        },
        "denied_vendors": list(policies.denied_vendors),
    }
