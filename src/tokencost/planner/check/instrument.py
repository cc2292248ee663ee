"""Like-for-like: a baseline and a new plan counted differently are compared on a common basis.

A plan records per workload how it was counted and priced (``instrument``, ``planner/instrument.py``). When a
workload's current model was counted differently in the two plans (exact then, an estimate now because the
``tokenizers`` extra is missing in CI; another vocabulary; another estimator or calibration), its change is
taken on the **estimator basis** both plans carry (the cost with every count by the shipped estimator), so the
change shown is traffic or prices, never the instrument: the baseline's cost is re-expressed on today's
instrument as ``new cost - (new basis - baseline basis)``. Without a common basis (a baseline from before the
record, or another estimator) the workload's change is not gated. Each case is an ``info`` finding, never a
failure. A changed price card is a price change (shown, gated) and is only named. A changed cost model (cache
writes billed, another cache-write assumption) is re-expressed first (``check/cost_model.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokencost.planner.check.cost_model import cost_model_change
from tokencost.planner.check.documents import late_starts, money_field
from tokencost.planner.check.result import INFO, Findings, format_amount


def _families(workload: Mapping[str, Any]) -> dict[str, tuple[Any, Any]] | None:
    """Per family the current model's cost depends on: (exact, counter or method); None without a record."""
    record = workload.get("instrument")
    if not isinstance(record, dict) or not isinstance(record.get("families"), dict):
        return None
    return {
        str(f): (v.get("exact"), v.get("counter") or v.get("method"))
        for f, v in record["families"].items()
        if isinstance(v, dict)
    }


def _legacy_families(workload: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What an old baseline (no instrument record) says: the current model's family and its method."""
    count = workload.get("count") if isinstance(workload.get("count"), dict) else {}
    method = str(count.get("method") or "")
    return {str(count.get("family")): (count.get("exact"), method.split(" (")[0])}


def _describe(exact: Any, how: Any) -> str:
    kind = "exact" if exact else "estimate"
    return f"{kind} ({how})" if how else kind


def instrument_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """How the counting of one workload's current model differs between baseline and new (empty: alike)."""
    old, new = _families(before), _families(after)
    if old is None or new is None:
        old, new = _legacy_families(before), _legacy_families(after)
    changes = []
    for family in sorted(old.keys() & new.keys()):
        if old[family] != new[family]:
            changes.append(f"{family} counted {_describe(*old[family])} then, {_describe(*new[family])} now")
    moved = _moved(before, after)
    if moved:
        was, now = moved
        changes.append(
            f"the model counted with tokenizer family {was} ({_describe(*old.get(was, (None, None)))}) then, "
            f"{now} ({_describe(*new.get(now, (None, None)))}) now"
        )
    return changes


def _moved(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, str] | None:
    """(then, now) when the current model was counted with another tokenizer family (its ``count.family``)
    in the two plans (the catalog moved it: Claude Opus 4.7 and later to ``claude-4.7``), else None."""
    families = []
    for workload in (before, after):
        count = workload.get("count")
        families.append(str(count.get("family") or "") if isinstance(count, dict) else "")
    was, now = families
    return (was, now) if was and now and was != now else None


def _no_basis(old_record: bool, moved: tuple[str, str] | None, other_estimator: bool) -> str:
    """Why a workload counted differently has no common basis in the two plans."""
    if not old_record:
        return "the baseline does not record how it was counted (plan it again with this tokencost)"
    if moved:
        return "counts in another tokenizer family are no common basis"
    if other_estimator:
        return "the estimator changed too, so the two plans share no basis"
    return "its given counts were converted by another ratio table, so the two plans share no basis"


def _basis(workload: Mapping[str, Any], name: str, source: str) -> tuple[Decimal | None, Any]:
    record = workload.get("instrument")
    if not isinstance(record, dict):
        return None, None
    basis = record.get("estimator_basis") or {}
    cost = money_field(basis.get("monthly_cost"), f"workload {name!r} instrument.estimator_basis", source)
    return cost, record.get("estimator")


def _card(workload: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The current model's card: its start, input and output rates in its own currency (a re-check alone or
    another exchange rate is no price change)."""
    record = workload.get("instrument")
    card = record.get("price_card") if isinstance(record, dict) else None
    if not isinstance(card, dict):
        return None
    return card.get("effective_from"), card.get("input"), card.get("output"), card.get("currency")


def _name_price_change(
    findings: Findings, name: Any, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """A price card that differs between the plans is a price change: gated as such, and named."""
    old, new = _card(before), _card(after)
    if old is None or new is None or old == new:
        return

    def card(c: tuple[Any, ...]) -> str:
        return f"card from {c[0] or 'its release'}, {c[1]} in / {c[2]} out {c[3]} per Mtok"

    findings.add(
        INFO,
        "prices.changed",
        f"workload {name!r}: {after.get('resolved_model')}'s price differs ({card(old)} in the baseline; "
        f"{card(new)} now): part of the change is prices",
        name,
    )


def like_for_like(
    findings: Findings,
    new: Mapping[str, Any],
    baseline: Mapping[str, Any],
    sources: tuple[str, str],
) -> tuple[Mapping[str, Any], list[str]]:
    """The baseline to compare with: a copy whose workloads counted differently are re-expressed on the new
    plan's instrument (and its total with them), each an ``info`` finding; and the assumptions to state (a
    baseline without the instrument record)."""
    new_source, base_source = sources
    new_workloads = {w.get("name"): w for w in new.get("workloads") or []}
    # copies of only what may change (a large baseline holds every candidate of every workload)
    adjusted = dict(baseline)
    adjusted["workloads"] = [dict(w) if isinstance(w, dict) else w for w in baseline.get("workloads") or []]
    if isinstance(baseline.get("totals"), dict):
        adjusted["totals"] = dict(baseline["totals"])
    shift = Decimal(0)
    deltas: dict[Any, Decimal] = {}  # per workload, what its first month's cost moved by
    excluded = late_starts(adjusted)
    old_record = any(isinstance(w.get("instrument"), dict) for w in adjusted.get("workloads") or [])
    for before in adjusted.get("workloads") or []:
        name = before.get("name")
        after = new_workloads.get(name)
        if after is None or (before.get("resolved_model") or before.get("model")) != (
            after.get("resolved_model") or after.get("model")
        ):
            continue  # another model: a real change, compared as it is
        _name_price_change(findings, name, before, after)
        move = cost_model_change(findings, name, before, after, str(new.get("currency")), sources)
        if not (name in excluded and excluded[name] is None):
            shift += move
            deltas[name] = deltas.get(name, Decimal(0)) + move
        changes = instrument_change(before, after)
        if not changes:
            continue
        old_cost = money_field(before.get("monthly_cost"), f"workload {name!r} monthly_cost", base_source)
        new_cost = money_field(after.get("monthly_cost"), f"workload {name!r} monthly_cost", new_source)
        if old_cost is None or new_cost is None:
            continue
        old_basis, old_estimator = _basis(before, name, base_source)
        new_basis, new_estimator = _basis(after, name, new_source)
        what = "; ".join(changes)
        moved = _moved(before, after)
        if old_basis is not None and new_basis is not None and old_estimator == new_estimator and not moved:
            re_expressed = new_cost - (new_basis - old_basis)
            money = lambda amount: format_amount(amount, str(new.get("currency")))  # noqa: E731
            how = (
                f"the baseline's {money(old_cost)} is compared as {money(re_expressed)} (the change on the shipped "
                "estimator's counts of both plans), so the change shown is traffic or prices"
            )
        else:
            re_expressed = new_cost
            why = _no_basis(old_record, moved, old_estimator != new_estimator)
            how = f"{why}: its change is not gated"
        findings.add(INFO, "instrument.changed", f"workload {name!r}: {what}; {how}", name)
        before["monthly_cost"] = str(re_expressed)
        if not (name in excluded and excluded[name] is None):
            shift += re_expressed - old_cost
            deltas[name] = deltas.get(name, Decimal(0)) + re_expressed - old_cost
    notes = []
    if not old_record and baseline.get("workloads"):
        notes.append(
            "the baseline does not record how each workload was counted (planned before tokencost recorded it): "
            "only the current models' counting methods are compared; plan the baseline again for like-for-like"
        )
    totals = adjusted.get("totals")
    if shift and isinstance(totals, dict) and totals.get("monthly_cost") is not None:
        total = money_field(totals.get("monthly_cost"), "totals.monthly_cost", base_source)
        if total is not None:
            totals["monthly_cost"] = str(total + shift)
    _shift_forecast(adjusted, deltas, base_source)
    return adjusted, notes


def _shift_forecast(adjusted: dict[str, Any], deltas: Mapping[Any, Decimal], source: str) -> None:
    """The gate may read the forecast's total in any month (the gated month, or the new plan's judged month):
    move every month's total by each workload's change, grown from its first month as its forecast grows."""
    totals = adjusted.get("totals")
    if not isinstance(totals, dict) or not any(deltas.values()):
        return
    moves: dict[Any, Decimal] = {}
    for w in adjusted.get("workloads") or []:
        delta = deltas.get(w.get("name"))
        if not delta:
            continue
        costs = {
            p.get("month"): money_field(p.get("cost"), "forecast cost", source)
            for p in w.get("forecast") or []
            if isinstance(p, dict)
        }
        first = costs.get(w.get("first_month"))
        for p in totals.get("forecast") or []:
            month = p.get("month") if isinstance(p, dict) else None
            then = costs.get(month)
            moves[month] = moves.get(month, Decimal(0)) + (
                delta * then / first if first and then is not None else delta
            )
    totals["forecast"] = [
        {
            **p,
            "cost": str(money_field(p.get("cost"), "totals.forecast[].cost", source) + moves[p.get("month")]),
        }
        if isinstance(p, dict) and p.get("month") in moves and p.get("cost") is not None
        else p
        for p in totals.get("forecast") or []
    ]


__all__ = ["instrument_change", "like_for_like"]
