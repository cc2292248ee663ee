"""Budgets: which apply (flags win over the plan's ``budgets:``), and whether the total and each workload
stay within theirs this month and over the forecast (warning from ``warn_at`` percent)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from tokencost.errors import InputError, closest
from tokencost.planner.check.documents import money_field
from tokencost.planner.check.options import CheckOptions
from tokencost.planner.check.result import FAIL, INFO, WARN, Findings, format_amount, percent_of


class Budgets(NamedTuple):
    """The budgets in force: the total's (and where it came from: ``flag`` or ``file``) and per workload."""

    total: Decimal | None
    source: str | None
    per_workload: dict[str, Decimal]


def resolve_budgets(
    new: Mapping[str, Any], options: CheckOptions, workloads: Mapping[str, Any], source: str
) -> Budgets:
    """The plan's budgets overridden by the flags; a flag naming a workload the plan lacks is an input error."""
    budgets = new.get("budgets") or {}
    total = options.budget
    total_source = "flag" if total is not None else None
    if total is None:
        total = money_field(budgets.get("monthly_total"), "budgets.monthly_total", source)
        total_source = "file" if total is not None else None
    per_workload: dict[str, Decimal] = {}
    file_per_workload = budgets.get("per_workload") or {}
    if not isinstance(file_per_workload, dict):
        raise InputError(f"{source}: budgets.per_workload must be an object")
    for name, value in file_per_workload.items():
        amount = money_field(value, f"budgets.per_workload.{name}", source)
        if amount is not None:
            per_workload[str(name)] = amount
    for name, amount in options.workload_budgets.items():
        if name not in workloads:
            close = closest(name, {w: w for w in workloads})
            known = ", ".join(close or sorted(workloads)) or "none"
            raise InputError(
                f"--budget {name}={amount}: the plan has no workload {name!r}",
                ("did you mean: " if close else "its workloads: ") + known,
            )
    per_workload.update(options.workload_budgets)
    return Budgets(total, total_source, per_workload)


class BudgetCheck:
    """Compares costs with budgets and records the findings (in the plan's currency)."""

    def __init__(self, findings: Findings, options: CheckOptions, currency: str, source: str) -> None:
        self.findings, self.options, self.currency, self.source = findings, options, currency, source

    def money(self, amount: Decimal | None) -> str:
        return format_amount(amount, self.currency)

    def check(self, cost: Decimal | None, limit: Decimal, what: str, code: str, name: str | None) -> None:
        """Over the budget fails; from ``warn_at`` percent of it warns; no cost warns that it is unchecked."""
        add, money, options = self.findings.add, self.money, self.options
        if cost is None:
            add(
                WARN,
                f"{code}.unpriced",
                f"{what} has no price, cannot check its budget of {money(limit)}",
                name,
            )
        elif cost > limit:
            over = cost - limit
            add(
                FAIL,
                code,
                f"{what} {money(cost)}/month is over the budget of {money(limit)} by {money(over)}",
                name,
            )
        elif limit > 0 and options.warn_at < 100 and cost >= limit * (options.warn_at / 100):
            add(
                WARN,
                f"{code}.near",
                f"{what} {money(cost)}/month uses {percent_of(cost, limit)}% of the budget of {money(limit)} "
                f"(warning from {options.warn_at}%)",
                name,
            )

    def total(self, new: Mapping[str, Any], new_total: Decimal | None, budget: Decimal) -> None:
        """The monthly total against its budget; within it, the first forecast month over it warns."""
        self.check(new_total, budget, "total", "budget.total", None)
        self.range_note(None, self.total_range(new, new_total), new_total, budget)
        if new_total is None or new_total > budget:
            return
        for point in (new.get("totals") or {}).get("forecast") or []:
            if not isinstance(point, dict):
                continue
            cost = money_field(point.get("cost"), "totals.forecast[].cost", self.source)
            if cost is not None and cost > budget:
                self.findings.add(
                    WARN,
                    "budget.forecast",
                    f"total is projected to reach {self.money(cost)} in {point.get('month')}, over the "
                    f"budget of {self.money(budget)}",
                )
                return

    def workloads(
        self,
        per_workload: Mapping[str, Decimal],
        workloads: Mapping[str, Any],
        late: Mapping[str, str | None],
    ) -> None:
        """Each workload budget: unknown workloads warn, ones starting after the horizon are not checked."""
        for name, limit in per_workload.items():
            if name not in workloads:
                self.findings.add(
                    WARN,
                    "budget.unknown_workload",
                    f"budget set for workload {name!r}, which the plan does not have",
                    name,
                )
            elif name in late and late[name] is None:
                self.findings.add(
                    INFO,
                    "budget.after_horizon",
                    f"workload {name!r} starts after the plan's horizon: budget not checked",
                    name,
                )
            else:
                self.workload(name, workloads[name], limit)

    def workload(self, name: str, workload: Mapping[str, Any], limit: Decimal) -> None:
        cost = money_field(workload.get("monthly_cost"), f"workload {name!r} monthly_cost", self.source)
        self.check(cost, limit, f"workload {name!r}", "budget.workload", name)
        self.range_note(name, self.cost_range(workload, f"workload {name!r}"), cost, limit)
        if cost is None or cost > limit:
            return
        for point in workload.get("forecast") or []:
            later = (
                money_field(point.get("cost"), f"workload {name!r} forecast cost", self.source)
                if isinstance(point, dict)
                else None
            )
            if later is not None and later > limit:
                self.findings.add(
                    WARN,
                    "budget.workload_forecast",
                    f"workload {name!r} is projected to reach {self.money(later)} in {point.get('month')}, over "
                    f"its budget of {self.money(limit)}",
                    name,
                )
                return

    def cost_range(self, workload: Mapping[str, Any], what: str) -> tuple[Decimal, Decimal] | None:
        """A workload's monthly ``cost_low`` / ``cost_high`` (None when the plan gives none)."""
        low = money_field(workload.get("cost_low"), f"{what} cost_low", self.source)
        high = money_field(workload.get("cost_high"), f"{what} cost_high", self.source)
        return None if low is None or high is None else (low, high)

    def total_range(self, new: Mapping[str, Any], total: Decimal | None) -> tuple[Decimal, Decimal] | None:
        """The total's range: the workloads' ranges summed, when their costs add up to the total (every
        workload priced in the first month, each with a range); else None (no range is claimed)."""
        workloads = [w for w in new.get("workloads") or [] if isinstance(w, dict)]
        if not workloads or total is None:
            return None
        ranges, costs = [], []
        for w in workloads:
            what = f"workload {w.get('name')!r}"
            ranges.append(self.cost_range(w, what))
            costs.append(money_field(w.get("monthly_cost"), f"{what} monthly_cost", self.source))
        if None in ranges or None in costs or sum(costs) != total:
            return None
        return sum(r[0] for r in ranges), sum(r[1] for r in ranges)

    def range_note(
        self, name: str | None, bounds: tuple[Decimal, Decimal] | None, cost: Decimal | None, limit: Decimal
    ) -> None:
        """When the cost rests on an estimated count whose range crosses the budget, say so: the verdict is
        taken on the figure, and the range says how sure it is (a warning within budget, a note over it).
        ``name`` None: the total."""
        if cost is None or bounds is None or bounds[0] == bounds[1]:
            return
        low, high = bounds
        what = "total" if name is None else f"workload {name!r}"
        span = f"{self.money(low)} to {self.money(high)} if its estimated token counts are off"
        if cost <= limit < high:
            self.findings.add(
                WARN,
                "budget.range",
                f"{what} is within its budget of {self.money(limit)} at {self.money(cost)}, but it could be "
                f"{span}",
                name,
            )
        elif low <= limit < cost:
            self.findings.add(
                INFO,
                "budget.range",
                f"{what} is over its budget of {self.money(limit)} at {self.money(cost)}; it could be {span}",
                name,
            )


def check_budgets(
    findings: Findings,
    new: Mapping[str, Any],
    budgets: Budgets,
    workloads: Mapping[str, Any],
    new_total: Decimal | None,
    late: Mapping[str, str | None],
    options: CheckOptions,
    source: str,
) -> None:
    """The total's budget, then each workload's."""
    check = BudgetCheck(findings, options, new["currency"], source)
    if budgets.total is not None:
        check.total(new, new_total, budgets.total)
    check.workloads(budgets.per_workload, workloads, late)
