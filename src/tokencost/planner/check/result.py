"""The check's result: plain data (verdict, reasons, totals, per-workload diffs) that the renderers take, and
its ``tokencost.check/1`` JSON document."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tokencost.errors import EXIT_CHECK_FAILED, EXIT_OK
from tokencost.planner.check.options import CheckOptions

CHECK_SCHEMA = "tokencost.check/1"
PASS, WARN, FAIL = "pass", "warn", "fail"
#: reason levels; ``info`` never changes the verdict.
INFO = "info"

_PCT_QUANTUM = Decimal("0.1")


@dataclass(frozen=True)
class Reason:
    """One finding. ``level`` is fail/warn/info; ``demoted`` marks a failure turned into a warning."""

    level: str
    code: str
    message: str
    workload: str | None = None
    demoted: bool = False

    def to_document(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "code": self.code, "message": self.message}
        out["workload"] = self.workload
        if self.demoted:
            out["demoted_from"] = FAIL
        return out


@dataclass(frozen=True)
class WorkloadDiff:
    """One workload, new plan against baseline.

    ``status``: ``added`` (only in the new plan), ``removed`` (only in the baseline), ``changed``,
    ``unchanged`` (identical, or a change below the noise floor: then ``below_noise`` is true), or ``new``
    when there is no baseline at all.
    """

    name: str
    status: str
    model: str | None
    baseline_model: str | None
    new_cost: Decimal | None
    baseline_cost: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    budget: Decimal | None = None
    exact: bool | None = None
    below_noise: bool = False
    #: how the plan's model id resolved (the resolver's card and rule), for the JSON
    catalog_id: str | None = None
    resolved_by: str | None = None
    #: starts after the plan's horizon: no cost in any month the plan covers (``new_cost`` is None)
    after_horizon: bool = False

    @property
    def reported(self) -> bool:
        return self.status in ("added", "removed", "changed", "new")

    def to_document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "reported": self.reported,
            "below_noise": self.below_noise,
            "model": self.model,
            "catalog_id": self.catalog_id,
            "resolved_by": self.resolved_by,
            "baseline_model": self.baseline_model,
            "baseline_cost": _s(self.baseline_cost),
            "new_cost": _s(self.new_cost),
            "change": _s(self.change),
            "change_pct": _s(self.change_pct),
            "budget": _s(self.budget),
            "exact_counts": self.exact,
            "after_horizon": self.after_horizon,
        }


@dataclass
class CheckResult:
    """The verdict of a check and everything needed to explain it."""

    verdict: str
    reasons: list[Reason]
    currency: str
    new_total: Decimal | None
    baseline_total: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    budget: Decimal | None
    budget_source: str | None
    workloads: list[WorkloadDiff]
    options: CheckOptions
    price_data: dict[str, Any]
    workload_file: str | None
    generated_on: str | None
    baseline_info: dict[str, Any] | None
    assumptions: list[str]
    per_workload_budgets: dict[str, Decimal]
    workload_assumptions: dict[str, list[str]] = field(default_factory=dict)
    fx: str | None = None
    #: the month every figure is for (``YYYY-MM``); ``staggered``: the first month every workload runs
    month: str | None = None
    staggered: bool = False

    @property
    def exit_code(self) -> int:
        return EXIT_CHECK_FAILED if self.verdict == FAIL else EXIT_OK

    @property
    def failures(self) -> list[Reason]:
        return [r for r in self.reasons if r.level == FAIL]

    @property
    def warnings(self) -> list[Reason]:
        return [r for r in self.reasons if r.level == WARN]

    @property
    def would_fail(self) -> bool:
        """True when a failure was demoted by ``warn_only`` (the check would fail without it)."""
        return any(r.demoted for r in self.reasons)

    @property
    def budget_used_pct(self) -> Decimal | None:
        return percent_of(self.new_total, self.budget)

    @property
    def price_date(self) -> str | None:
        return self.price_data.get("newest_checked") or self.price_data.get("oldest_checked")

    def to_document(self) -> dict[str, Any]:
        """The ``tokencost.check/1`` JSON document."""
        from tokencost._version import __version__

        options = self.options
        return {
            "schema": CHECK_SCHEMA,
            "tokencost_version": __version__,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "warn_only": options.warn_only,
            "would_fail": self.would_fail,
            "reasons": [r.to_document() for r in self.reasons],
            "currency": self.currency,
            "workload_file": self.workload_file,
            "generated_on": self.generated_on,
            "price_data": dict(self.price_data),
            "price_date": self.price_date,
            "fx": self.fx,
            "baseline": self.baseline_info,
            "limits": {
                "budget": _s(self.budget),
                "budget_source": self.budget_source,
                "per_workload_budgets": {k: str(v) for k, v in self.per_workload_budgets.items()},
                "max_increase": _s(options.max_increase),
                "max_increase_pct": _s(options.max_increase_pct),
                "min_delta": str(options.min_delta),
                "warn_at_pct": str(options.warn_at),
            },
            "totals": {
                "baseline": _s(self.baseline_total),
                "new": _s(self.new_total),
                "month": self.month,
                "change": _s(self.change),
                "change_pct": _s(self.change_pct),
                "budget": _s(self.budget),
                "budget_used_pct": _s(self.budget_used_pct),
            },
            "workloads": [w.to_document() for w in self.workloads],
            "assumptions": list(self.assumptions),
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def percent_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return (part / whole * 100).quantize(_PCT_QUANTUM, rounding=ROUND_HALF_EVEN)


class Findings:
    """The reasons found so far; with ``warn_only`` a failure is recorded as a demoted warning."""

    def __init__(self, warn_only: bool) -> None:
        self.warn_only = warn_only
        self.reasons: list[Reason] = []

    def add(self, level: str, code: str, message: str, workload: str | None = None) -> None:
        if level == FAIL and self.warn_only:
            self.reasons.append(Reason(WARN, code, message + " (warn-only)", workload, demoted=True))
        else:
            self.reasons.append(Reason(level, code, message, workload))

    def verdict(self) -> tuple[str, list[Reason]]:
        """The verdict (fail over warn over pass) and the reasons, failures first."""
        order = {FAIL: 0, WARN: 1, INFO: 2}
        reasons = sorted(self.reasons, key=lambda r: order[r.level])
        if any(r.level == FAIL for r in reasons):
            return FAIL, reasons
        if any(r.level == WARN for r in reasons):
            return WARN, reasons
        return PASS, reasons


def format_amount(amount: Decimal | None, currency: str) -> str:
    """Money for messages: cents from 1 up, significant digits below."""
    from tokencost.currency import format_money

    if amount is None:
        return "n/a"
    return format_money(amount, currency, 2 if abs(amount) >= 1 else None)
