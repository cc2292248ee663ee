"""Against a baseline plan: each workload's change (with the noise floor), the total's rise against
``--max-increase``, and what makes the two plans hard to compare (start month, exchange rates, prices)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, NamedTuple

from tokencost.planner.check.documents import gated_total, money_field
from tokencost.planner.check.options import CheckOptions
from tokencost.planner.check.result import FAIL, INFO, WARN, Findings, WorkloadDiff, format_amount, percent_of

_DIFF_ORDER = {"changed": 0, "added": 1, "removed": 2, "new": 3, "unchanged": 4}


class TotalChange(NamedTuple):
    """The baseline's gated total and the change of the new one against it (None without a baseline)."""

    baseline_total: Decimal | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None


def diff_workloads(
    workloads: Mapping[str, Any],
    baseline: Mapping[str, Any] | None,
    base_workloads: Mapping[str, Any],
    per_workload: Mapping[str, Decimal],
    options: CheckOptions,
    sources: tuple[str, str],
) -> list[WorkloadDiff]:
    """One diff per workload of either plan: changed first, then added, removed, new, unchanged."""
    new_source, baseline_source = sources
    diffs = []
    for name, workload in workloads.items():
        cost = money_field(workload.get("monthly_cost"), f"workload {name!r} monthly_cost", new_source)
        count = workload.get("count")
        common = {
            "name": name,
            "model": workload.get("resolved_model") or workload.get("model"),
            "new_cost": cost,
            "budget": per_workload.get(name),
            "exact": (count or {}).get("exact") if isinstance(count, dict) else None,
            "catalog_id": workload.get("resolved_model"),
            "resolved_by": workload.get("resolved_by"),
            "after_horizon": bool(workload.get("after_horizon")),
        }
        if baseline is None:
            diffs.append(WorkloadDiff(status="new", baseline_model=None, baseline_cost=None, change=None,
                                      change_pct=None, **common))  # fmt: skip
        elif name not in base_workloads:
            diffs.append(WorkloadDiff(status="added", baseline_model=None, baseline_cost=None, change=cost,
                                      change_pct=None, **common))  # fmt: skip
        else:
            diffs.append(_changed(common, base_workloads[name], options, baseline_source))
    diffs.extend(_removed(workloads, base_workloads, baseline_source))
    diffs.sort(key=lambda d: (_DIFF_ORDER[d.status], d.name))
    return diffs


def _changed(
    common: dict[str, Any], before: Mapping[str, Any], options: CheckOptions, source: str
) -> WorkloadDiff:
    """A workload in both plans: changed, or unchanged (also when the change is below the noise floor)."""
    cost = common["new_cost"]
    before_cost = money_field(before.get("monthly_cost"), f"workload {common['name']!r} monthly_cost", source)
    before_model = before.get("resolved_model") or before.get("model")
    delta = cost - before_cost if cost is not None and before_cost is not None else None
    model_changed = before_model != common["model"]
    below = delta is not None and delta != 0 and abs(delta) < options.min_delta
    if (
        model_changed
        or (cost is None) != (before_cost is None)
        or (delta not in (None, Decimal(0)) and not below)
    ):
        status = "changed"
    else:
        status = "unchanged"
    return WorkloadDiff(
        status=status,
        baseline_model=before_model,
        baseline_cost=before_cost,
        change=delta,
        change_pct=percent_of(delta, before_cost),
        below_noise=below and status == "unchanged",
        **common,
    )


def _removed(
    workloads: Mapping[str, Any], base_workloads: Mapping[str, Any], source: str
) -> list[WorkloadDiff]:
    out = []
    for name, before in base_workloads.items():
        if name in workloads:
            continue
        before_cost = money_field(before.get("monthly_cost"), f"workload {name!r} monthly_cost", source)
        out.append(
            WorkloadDiff(
                name=name,
                status="removed",
                model=None,
                baseline_model=before.get("resolved_model") or before.get("model"),
                new_cost=None,
                baseline_cost=before_cost,
                change=-before_cost if before_cost is not None else None,
                change_pct=Decimal(-100) if before_cost else None,
            )
        )
    return out


def compare_totals(
    findings: Findings,
    new: Mapping[str, Any],
    baseline: Mapping[str, Any] | None,
    new_total: Decimal | None,
    options: CheckOptions,
    baseline_source: str,
    month: str | None = None,
) -> TotalChange:
    """The total's change against the baseline, gated by ``--max-increase`` (reported but not gated without
    it); without a baseline an increase limit cannot be checked (noted). ``month``: the baseline's forecast
    month to read (the new plan's judged month), else its own gated total."""
    limit_set = options.max_increase is not None or options.max_increase_pct is not None
    if baseline is None:
        if limit_set:
            findings.add(INFO, "increase.no_baseline", "no baseline given: --max-increase not checked")
        return TotalChange()
    baseline_total = gated_total(baseline, baseline_source, month)
    change = change_pct = None
    if new_total is not None and baseline_total is not None:
        change = new_total - baseline_total
        change_pct = percent_of(change, baseline_total)
    totals = TotalChange(baseline_total, change, change_pct)
    money = lambda amount: format_amount(amount, new["currency"])  # noqa: E731
    if limit_set and change is not None and change > 0 and change >= options.min_delta:
        _gate_increase(findings, totals, new_total, options, new["currency"])
    elif limit_set and change is None:
        findings.add(
            WARN,
            "increase.unpriced",
            "the total of the plan or the baseline has no price: increase not checked",
        )
    elif not limit_set and change:
        shown = f"{'+' if change > 0 else '-'}{money(abs(change))}"
        pct = f" ({'+' if change > 0 else ''}{change_pct}%)" if change_pct is not None else ""
        findings.add(
            INFO,
            "increase.not_gated",
            f"total changed {shown}{pct} against the baseline; not gated (set --max-increase to fail on a rise)",
        )
    return totals


def _gate_increase(
    findings: Findings, totals: TotalChange, new_total: Decimal | None, options: CheckOptions, currency: str
) -> None:
    """A rise over ``max_increase`` (amount) or ``max_increase_pct`` fails; figures are shown with enough
    places never to round onto the limit."""
    money = lambda amount: format_amount(amount, currency)  # noqa: E731
    baseline_total, change = totals.baseline_total, totals.change
    assert baseline_total is not None and change is not None
    shown_pct = totals.change_pct
    if options.max_increase_pct is not None and baseline_total:
        # compare the exact percentage; round only for display, and never to the limit itself
        shown_pct = _pct_beside(change / baseline_total * 100, options.max_increase_pct)
    shown = f"+{money(change)}" + (f" (+{shown_pct}%)" if shown_pct is not None else "")
    base_text = f"{money(baseline_total)} -> {money(new_total)}"
    if options.max_increase is not None and change > options.max_increase:
        rose = shown
        if money(change) == money(options.max_increase):
            rose = rose.replace(money(change), _fmt_beside(change, options.max_increase, currency), 1)
        findings.add(
            FAIL,
            "increase.amount",
            f"total rose {rose}, {base_text}: over the limit of +{money(options.max_increase)}",
        )
    if options.max_increase_pct is not None and (
        not baseline_total or change * 100 > options.max_increase_pct * baseline_total
    ):
        over = "from zero" if not baseline_total else f"over the limit of +{options.max_increase_pct}%"
        findings.add(FAIL, "increase.pct", f"total rose {shown}, {base_text}: {over}")


def compare_conditions(findings: Findings, new: Mapping[str, Any], baseline: Mapping[str, Any]) -> list[str]:
    """Warnings when the plans start in different months or convert at different rates; returns the
    assumption that a baseline priced with other price data may differ by price updates."""
    if baseline.get("start") and new.get("start") and baseline.get("start") != new.get("start"):
        findings.add(
            WARN,
            "start.differs",
            f"the baseline was planned from {baseline.get('start')}, the new plan from {new.get('start')}: "
            "growth between the two start months is part of the change (give both the same start)",
        )
    fx_change = _fx_difference(baseline.get("fx"), new.get("fx"))
    if fx_change is not None:
        findings.add(
            WARN,
            "fx.differs",
            f"exchange rates differ: baseline {fx_change[0]}, new plan {fx_change[1]}; "
            "part of the change is the exchange rate",
        )
    if baseline.get("price_data") and baseline.get("price_data") != new.get("price_data"):
        return [
            "baseline priced with price data checked "
            f"{(baseline.get('price_data') or {}).get('newest_checked')}; part of the change may be price updates"
        ]
    return []


def baseline_info(baseline: Mapping[str, Any] | None, source: str) -> dict[str, Any] | None:
    """Where the baseline came from, for the result."""
    if baseline is None:
        return None
    return {
        "source": source,
        "workload_file": baseline.get("workload_file"),
        "generated_on": baseline.get("generated_on"),
        "price_data": baseline.get("price_data"),
        "fx": baseline.get("fx"),
    }


_FX_RATE_RE = re.compile(r"1 USD = (\S+) ([A-Z]{3})")


def _fx_difference(before: Any, after: Any) -> tuple[str, str] | None:
    """The rates (as the plans state them) when a currency both plans convert was converted differently.

    A plan's ``fx`` reads like ``1 USD = 7.12 CNY (default, 2025-10-31); 1 USD = 0.86 EUR (given)``. Only
    the rates are compared (the same rate from another source is no difference); a currency only one plan
    converts is not a difference in rate either. Unparseable notes are compared as text.
    """
    if not before or not after or before == after:
        return None
    old_rates = dict((code, rate) for rate, code in _FX_RATE_RE.findall(str(before)))
    new_rates = dict((code, rate) for rate, code in _FX_RATE_RE.findall(str(after)))
    if not old_rates or not new_rates:
        return str(before), str(after)

    def same(a: str, b: str) -> bool:
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return a == b

    differing = sorted(c for c in old_rates.keys() & new_rates.keys() if not same(old_rates[c], new_rates[c]))
    if not differing:
        return None
    return (
        ", ".join(f"1 USD = {old_rates[c]} {c}" for c in differing),
        ", ".join(f"1 USD = {new_rates[c]} {c}" for c in differing),
    )


def _fmt_beside(amount: Decimal, limit: Decimal, currency: str) -> str:
    """``amount`` as money with enough places to differ from ``limit`` (when it does)."""
    from tokencost.currency import format_money

    for places in range(2, 9):
        shown = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        if shown != limit:
            return format_money(amount, currency, places)
    return format_money(amount, currency, 8)


def _pct_beside(exact: Decimal, limit: Decimal) -> Decimal:
    """``exact`` rounded to 0.1, or finer when that rounding would land on the other side of ``limit``."""
    for places in range(1, 7):
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        if (shown > limit) == (exact > limit) and (shown == limit) == (exact == limit):
            return shown
    return exact.normalize()
