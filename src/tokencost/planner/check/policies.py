"""Policies of the plan (``policies:``): unknown models, exact counts, denied vendors, maximum prices per
million tokens; and what the plan leaves unpriced or estimated."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tokencost.planner.check.documents import money_field
from tokencost.planner.check.result import FAIL, WARN, Findings, format_amount


def check_policies(
    findings: Findings, new: Mapping[str, Any], workloads: Mapping[str, Any], source: str
) -> list[str]:
    """Record the policy findings of every workload; return the assumptions they imply (the total leaves
    out unpriced workloads; counts are estimates)."""
    policies = new.get("policies") or {}
    _check_plan_problems(findings, new, bool(policies.get("block_unknown_models")))
    require_exact = bool(policies.get("require_exact_counts"))
    max_price = policies.get("max_price_per_mtok") or {}
    denied = [str(v) for v in (policies.get("denied_vendors") or [])]
    unpriced: list[str] = []
    estimated: list[str] = []
    for name, workload in workloads.items():
        if not _check_priced(findings, name, workload, source):
            unpriced.append(name)
        else:  # an unpriced workload's warning already names its problems
            _check_workload_problems(findings, name, workload)
        if _is_estimate(workload):
            estimated.append(name)
            if require_exact:
                _fail_estimate(findings, name, workload)
        _check_vendor(findings, name, workload, denied)
        _check_max_price(findings, name, workload, max_price, new["currency"], source)
    assumptions = []
    if unpriced:
        assumptions.append(
            f"the total leaves out {len(unpriced)} unpriced workload(s): {', '.join(unpriced)}"
        )
    if estimated and not require_exact:
        assumptions.append(f"token counts are estimates for: {', '.join(estimated)}")
    return assumptions


def _check_plan_problems(findings: Findings, new: Mapping[str, Any], block_unknown: bool) -> None:
    """The plan's own problems warn; an unknown candidate fails under ``block_unknown_models``."""
    for problem in [str(p) for p in new.get("problems") or []]:
        if not problem.startswith(("unknown candidate model", "unknown model")):
            findings.add(WARN, "plan.problem", f"plan: {problem}")
        elif block_unknown:
            findings.add(FAIL, "policy.unknown_model", f"{problem} (policy: block_unknown_models)")
        else:
            findings.add(WARN, "unknown_candidate", f"{problem}; not compared")


#: a limit the model's card sets on one request, smaller than the workload's (``candidates.Screen._limits``):
#: ``context 128k < needed 201k``; an unknown window (``context window unknown``) is not one
_LIMIT = re.compile(r"(?:context|max input|max output) \S+ < ")
#: workload problems another step reports (lifecycle: ``check_lifecycle``)
_ELSEWHERE = ("retires on", "retired on", "was retired on")


def _check_workload_problems(findings: Findings, name: str, workload: Mapping[str, Any]) -> None:
    """Each problem the plan found in a priced workload: a current model whose context window or input or output
    limit is smaller than the workload's requests fails (its figure prices requests the model refuses); any
    other (a constraint of the file it breaks, no candidate left, parts not counted) warns."""
    model = workload.get("resolved_model") or workload.get("model")
    for problem in [str(p) for p in workload.get("problems") or []]:
        words = problem.split(" ", 3)
        about_current = words[3] if problem.startswith("current model ") and len(words) == 4 else ""
        if about_current.startswith(_ELSEWHERE):
            continue
        detail = about_current.partition("breaks a constraint: ")[2]
        if _LIMIT.match(detail):
            message = f"workload {name!r}: current model {model} cannot serve it: {detail}"
            findings.add(FAIL, "plan.current_model_limit", message, name)
        else:
            findings.add(WARN, "plan.workload_problem", f"workload {name!r}: {problem}", name)


def _check_priced(findings: Findings, name: str, workload: Mapping[str, Any], source: str) -> bool:
    """False (with a warning naming the workload's problems) when the workload has no monthly cost."""
    cost = money_field(workload.get("monthly_cost"), f"workload {name!r} monthly_cost", source)
    if cost is not None:
        return True
    problems = [str(p) for p in workload.get("problems") or []]
    detail = f" ({'; '.join(problems)})" if problems else ""
    findings.add(
        WARN, "unpriced", f"workload {name!r}: no monthly cost for {workload.get('model')!r}{detail}", name
    )
    return False


def _is_estimate(workload: Mapping[str, Any]) -> bool:
    count = workload.get("count") or {}
    return isinstance(count, dict) and count.get("exact") is False


def _fail_estimate(findings: Findings, name: str, workload: Mapping[str, Any]) -> None:
    method = (workload.get("count") or {}).get("method") or "estimate"
    findings.add(
        FAIL,
        "policy.exact_counts",
        f"workload {name!r}: token counts are an estimate ({method}) and the policy requires exact counts",
        name,
    )


def denied_vendor(workload: Mapping[str, Any], denied: Sequence[str]) -> str | None:
    """The denied vendor a workload's provider or model belongs to, if any."""
    provider = str(workload.get("provider") or "").lower()
    model = str(workload.get("resolved_model") or "").lower()
    segments = model.split("/")[:-1]
    for vendor in denied:
        v = str(vendor).lower().strip()
        if not v:
            continue
        if provider == v or provider.startswith(v + "-") or v in segments:
            return str(vendor)
    return None


def _check_vendor(findings: Findings, name: str, workload: Mapping[str, Any], denied: Sequence[str]) -> None:
    vendor = denied_vendor(workload, denied)
    if vendor is not None:
        findings.add(
            FAIL,
            "policy.denied_vendor",
            f"workload {name!r}: model {workload.get('resolved_model')!r} "
            f"(provider {workload.get('provider')!r}) is from denied vendor {vendor!r}",
            name,
        )


def _check_max_price(
    findings: Findings, name: str, workload: Mapping[str, Any], max_price: Any, currency: str, source: str
) -> None:
    """The current model's input and output prices against ``max_price_per_mtok`` (same currency only)."""
    prices = workload.get("price_per_mtok") or {}
    if not (isinstance(max_price, dict) and max_price and isinstance(prices, dict)):
        return
    price_currency = prices.get("currency") or currency
    for kind in ("input", "output"):
        limit = money_field(max_price.get(kind), f"policies.max_price_per_mtok.{kind}", source)
        price = money_field(prices.get(kind), f"workload {name!r} price_per_mtok.{kind}", source)
        if limit is None or price is None:
            continue
        if price_currency != currency:
            findings.add(
                WARN,
                "policy.max_price.currency",
                f"workload {name!r}: {kind} price is in {price_currency}, the limit in {currency}; not compared",
                name,
            )
        elif price > limit:
            findings.add(
                FAIL,
                "policy.max_price",
                f"workload {name!r}: {kind} price {format_amount(price, currency)}/Mtok on "
                f"{workload.get('resolved_model')!r} is over the limit of {format_amount(limit, currency)}/Mtok",
                name,
            )
