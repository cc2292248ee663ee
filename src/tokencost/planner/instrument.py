"""How each workload of a plan was measured (its *instrument*), recorded in the plan document so that
``tokencost check`` can compare a baseline and a new plan like with like (``planner/check/instrument.py``).

Per workload: each family the current model's cost depends on (the current model's, and the one the output is
given in) with how it was counted (exact with which vocabulary, the shipped estimator with which coefficients,
a calibration, given or converted counts), the current model's price card (its start date, the sheet's checked
date), and the **estimator basis**: the current model's monthly cost with every count made by the shipped
estimator. The estimator ships inside tokencost and never depends on an extra, so two plans that were counted
differently (a baseline made with the ``tokenizers`` extra, a check without it) still share one basis.

It also records the **cost model** (``cost_model``): its version (``COST_MODEL_VERSION``; 2 bills cache writes,
plans before it billed none), the cache-write assumption (the workload's ``cache:`` spec or the default, the
TTL and the derived share) and the **no-writes basis**: the current model's monthly cost with no cache writes,
the basis a plan of either cost model shares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from tokencost.errors import InputError
from tokencost.planner.figures import money

if TYPE_CHECKING:
    import datetime as dt

    from tokencost.planner.plan_result import WorkloadPlan
    from tokencost.planner.tokens import CountInfo

#: version of the ``instrument`` record in the plan document
INSTRUMENT_VERSION = 1
#: version of the cost model: 2 bills cache writes (``planner/cache_writes.py``); 1 (plans without the record
#: and without ``tokens_per_request.cache_write``) billed none
COST_MODEL_VERSION = 2


def _data_id(package: str, *names: str) -> str:
    """sha256 (16 hex digits) of shipped data files: a refit or a new table is another instrument."""
    from importlib import resources

    digest = hashlib.sha256()
    for name in names:
        digest.update(resources.files(package).joinpath("data", name).read_bytes())
    return digest.hexdigest()[:16]


@cache
def estimator_id() -> str:
    """The shipped estimator (its coefficients and the chat framing weights it adds)."""
    return "estimator sha256:" + _data_id("tokencost.tokenizers", "estimator.json", "framing.json")


@cache
def framing_id() -> str:
    """The chat framing weights (``framing.json``): part of every count of a chat sample."""
    return "framing sha256:" + _data_id("tokencost.tokenizers", "framing.json")


@cache
def ratios_id() -> str:
    """The measured ratios between tokenizers that convert given counts (``family_ratios.json``)."""
    return "ratios sha256:" + _data_id("tokencost.planner", "family_ratios.json")


def counter_id(family: str, estimate_only: bool) -> str:
    """What counts ``family`` in this process: a vocabulary (by its sha256), the estimator, a calibration."""
    from tokencost.tokenizers import get_counter

    counter = get_counter(family, estimate=estimate_only)
    vocab = getattr(counter, "vocab", None)
    if vocab is not None and getattr(vocab, "digest", None):
        return f"vocabulary {str(vocab.digest)[:22]}"  # its sha256 (or a key derived from it)
    calibration = getattr(counter, "calibration", None)
    if calibration is not None:
        return f"calibrated estimator ({calibration.describe()})"
    if counter.exact:
        return counter.method
    return estimator_id()


def _family_record(info: CountInfo, estimate_only: bool, counted: bool, chat: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"exact": info.exact, "method": info.method}
    if counted:  # counted from sample text
        record["counter"] = counter_id(info.family, estimate_only) + (f" + {framing_id()}" if chat else "")
    elif info.method.startswith("converted:"):  # given in another family, converted by the ratio table
        record["counter"] = ratios_id()
    return record


def cost_model(w: WorkloadPlan, without_writes: Any | None) -> dict[str, Any]:
    """The cost model a workload was priced with: the cache-write assumption and the no-writes basis."""
    spec = w.workload.cache
    assumption = (
        {"given": False, "ttl": w.cache_ttl}
        if spec is None
        else {"given": True, **spec.model_dump(mode="json", exclude_none=True)}
    )
    return {
        "version": COST_MODEL_VERSION,
        "cache_writes": {**assumption, "share_of_input": str(w.cache_write_share.normalize())},
        "without_cache_writes": {"monthly_cost": money(without_writes)},
    }


def workload_instrument(
    w: WorkloadPlan,
    estimate_only: bool,
    at: dt.date | None,
    basis: Any | None,
    without_writes: Any | None = None,
) -> dict[str, Any] | None:
    """The ``instrument`` record of one workload (None when its current model is unknown)."""
    entry = w.resolved
    if entry is None:
        return None
    base = w.workload.counted_with or entry.model.tokenizer
    counted = bool(w.sample_paths)
    families = {
        family: _family_record(w.by_family[family].count, estimate_only, counted, w.chat)
        for family in dict.fromkeys([entry.model.tokenizer, base])
        if family in w.by_family
    }
    converted = any(r["method"].startswith("converted:") for r in families.values())
    card = entry.model.card_at(at) if at is not None else entry.model.prices
    checked = entry.checked
    return {
        "version": INSTRUMENT_VERSION,
        "families": families,
        "price_card": {
            "model": entry.id,
            "effective_from": getattr(card, "effective_from", None) and card.effective_from.isoformat(),
            "checked": checked.isoformat() if checked else None,
            # the card's own rates in its own currency (an exchange rate is not a price change)
            "input": None if card is None or card.input is None else str(card.input),
            "output": None if card is None or card.output is None else str(card.output),
            "currency": entry.currency,
        },
        "estimator": estimator_id(),
        # a conversion by the ratio table is part of the basis too: then it is no common ground
        "estimator_basis": {"monthly_cost": None if converted else money(basis)},
        "cost_model": cost_model(w, without_writes),
    }


def needs_basis(w: WorkloadPlan) -> bool:
    """True when the current model's cost rests on a count other than the shipped estimator's (so the
    estimator basis must be planned apart); otherwise the basis is the cost itself."""
    if w.resolved is None or not w.sample_paths:
        return False
    base = w.workload.counted_with or w.resolved.model.tokenizer
    infos = [w.by_family[f].count for f in {w.resolved.model.tokenizer, base} if f in w.by_family]
    return any(i.exact or not i.method.startswith("estimate:") or "calibrated" in i.method for i in infos)


def attach_instruments(
    plans: Sequence[WorkloadPlan],
    estimate_only: bool,
    at: dt.date | None,
    plan_basis: Callable[[int, WorkloadPlan], Any],
    plan_without_writes: Callable[[int, WorkloadPlan], Any] | None = None,
) -> None:
    """Record every workload's instrument; ``plan_basis(index, plan)`` plans one workload with the estimator
    only and ``plan_without_writes(index, plan)`` with no cache writes, each returning its current model's
    monthly cost (None when it cannot)."""
    for index, w in enumerate(plans):
        basis = w.monthly_cost
        if needs_basis(w):
            try:
                basis = plan_basis(index, w)
            except InputError:
                basis = None
        without = w.monthly_cost
        if w.cache_write_share and plan_without_writes is not None:
            try:
                without = plan_without_writes(index, w)
            except InputError:
                without = None
        w.instrument = workload_instrument(w, estimate_only, at, basis, without)


__all__ = [
    "COST_MODEL_VERSION",
    "INSTRUMENT_VERSION",
    "attach_instruments",
    "cost_model",
    "counter_id",
    "estimator_id",
    "framing_id",
    "ratios_id",
    "workload_instrument",
]
