"""Like-for-like across cost models: a baseline priced with another cache-write assumption (or before plans
billed cache writes) is re-expressed on the new plan's, so the change shown is traffic or prices.

Every plan since cost model 2 records its cache-write assumption and the **no-writes basis** (its current
model's cost with no cache writes, ``instrument.cost_model``, ``planner/instrument.py``). When the cost model
or the assumption (the workload's ``cache:`` spec, TTL) differs, the baseline's cost is compared as
``new cost - (new no-writes basis - baseline no-writes basis)``: the change with no cache writes on both
sides. A baseline without the record and without ``tokens_per_request.cache_write`` was planned before writes
were billed (cost model 1): its cost *is* its no-writes basis, so it is re-expressed exactly. One with the
field but no record was priced by cost model 2 on the default assumption and is compared as it is. A derived
share that moves with traffic under the same assumption is a real change (gated). Each case is an ``info``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from tokencost.planner.check.documents import money_field
from tokencost.planner.check.result import INFO, Findings, format_amount


class CostModel(NamedTuple):
    """A workload's cost model: its version, its cache-write assumption (None: unknown) and its no-writes
    basis (None: not recorded)."""

    version: int
    assumption: dict[str, Any] | None
    without_writes: Decimal | None


def workload_cost_model(workload: Mapping[str, Any], name: Any, source: str) -> CostModel:
    """What a plan document says of the workload's cost model (see the module docstring for old ones)."""
    record = workload.get("instrument")
    model = record.get("cost_model") if isinstance(record, dict) else None
    if isinstance(model, dict):
        writes = model.get("cache_writes") if isinstance(model.get("cache_writes"), dict) else {}
        assumption = {k: v for k, v in writes.items() if k != "share_of_input"}
        basis = (model.get("without_cache_writes") or {}).get("monthly_cost")
        cost = money_field(basis, f"workload {name!r} instrument.cost_model", source)
        return CostModel(int(model.get("version") or 2), assumption, cost)
    tokens = workload.get("tokens_per_request")
    if isinstance(tokens, dict) and "cache_write" in tokens:
        return CostModel(2, None, None)
    cost = money_field(workload.get("monthly_cost"), f"workload {name!r} monthly_cost", source)
    return CostModel(1, {"billed": False}, cost)


def _said(model: CostModel, share: Any) -> str:
    """How a cost model billed cache writes, in words."""
    if model.version < 2:
        return "not billed (planned before tokencost billed cache writes)"
    a = model.assumption or {}
    if a.get("write_ratio") is not None and Decimal(str(a["write_ratio"])) == 0:
        return "switched off (cache: {write_ratio: 0})"
    ttl = "1-hour" if a.get("ttl") == "1h" else "5-minute"
    rate = f"{ttl} rate" if a.get("ttl_1h_share") is None else "5-minute and 1-hour rates"
    how = (
        f"at the {rate} as the workload's cache: says"
        if a.get("given")
        else (f"the prefix written once per {ttl} window (the default)")
    )
    return f"billed, {how}" + (f", {share} of input" if share else "")


def cost_model_change(
    findings: Findings,
    name: Any,
    before: dict[str, Any],
    after: Mapping[str, Any],
    currency: str,
    sources: tuple[str, str],
) -> Decimal:
    """Re-express ``before`` (a copy of the baseline's workload) on ``after``'s cost model when the two differ:
    its ``monthly_cost`` and its estimator basis move by the change the cost model made. Returns that move."""
    new_source, base_source = sources
    old = workload_cost_model(before, name, base_source)
    new = workload_cost_model(after, name, new_source)
    if (
        old.assumption is None
        or new.assumption is None
        or (old.version, old.assumption)
        == (
            new.version,
            new.assumption,
        )
    ):
        return Decimal(0)
    old_cost = money_field(before.get("monthly_cost"), f"workload {name!r} monthly_cost", base_source)
    new_cost = money_field(after.get("monthly_cost"), f"workload {name!r} monthly_cost", new_source)
    if old_cost is None or new_cost is None:
        return Decimal(0)
    share = (
        ((after.get("instrument") or {}).get("cost_model") or {})
        .get("cache_writes", {})
        .get("share_of_input")
    )
    share_text = None if share is None else f"{Decimal(share) * 100:.3g}%"
    changed = f"cache writes {_said(old, None)} in the baseline, {_said(new, share_text)} now"
    if old.without_writes is None or new.without_writes is None:
        re_expressed = new_cost
        how = "the plans share no cost without writes, so its change is not gated"
    else:
        re_expressed = new_cost - (new.without_writes - old.without_writes)
        how = (
            f"the baseline's {format_amount(old_cost, currency)} is compared as "
            f"{format_amount(re_expressed, currency)} (the change with no cache writes on both sides), so the "
            "change shown is traffic or prices, not tokencost's cost model"
        )
    if re_expressed == old_cost:
        return Decimal(0)  # the prefix is never written (no cache hits): nothing to say
    findings.add(
        INFO, "cost_model.changed", f"workload {name!r}: the cost model changed: {changed}; {how}", name
    )
    move = re_expressed - old_cost
    before["monthly_cost"] = str(re_expressed)
    _move_estimator_basis(before, move)
    return move


def _move_estimator_basis(before: dict[str, Any], move: Decimal) -> None:
    """The baseline's estimator basis moves with its cost (the writes part taken on the new plan's counts)."""
    record = before.get("instrument")
    basis = record.get("estimator_basis") if isinstance(record, dict) else None
    if not isinstance(basis, dict) or basis.get("monthly_cost") is None:
        return
    try:
        moved = Decimal(str(basis["monthly_cost"])) + move
    except ArithmeticError:
        return
    before["instrument"] = {**record, "estimator_basis": {**basis, "monthly_cost": str(moved)}}


__all__ = ["CostModel", "cost_model_change", "workload_cost_model"]
