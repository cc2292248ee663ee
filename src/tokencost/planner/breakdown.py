"""A model's monthly cost split into what it pays for (uncached input, cached input, cache writes, output,
reasoning, request fees), with the tokens behind each part, and its total over the horizon.

The parts are the cost engine's own (``costing.card_pricer.PARTS``, summed in that order to the total). In the
JSON document each part is rounded to the document's 10 decimal places and the largest part takes the
rounding, so the written parts add up to the written total exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import TYPE_CHECKING, Any, NamedTuple

from tokencost.costing.card_pricer import PARTS
from tokencost.planner.figures import MONEY_QUANTUM, money, tokens_text

if TYPE_CHECKING:
    from tokencost.planner.plan_result import CandidateRow, WorkloadPlan

ZERO = Decimal(0)

#: the parts' names on screen
PART_LABELS = {
    "input": "input",
    "cached_input": "cached input",
    "cache_writes": "cache writes",
    "output": "output",
    "reasoning": "reasoning",
    "request_fees": "request fees",
}


class Part(NamedTuple):
    """One part of a month's cost: its tokens per request and in the month (None for request fees)."""

    name: str
    tokens_per_request: Decimal | None
    tokens: Decimal | None
    cost: Decimal

    @property
    def label(self) -> str:
        return PART_LABELS[self.name]


@dataclass(frozen=True)
class Breakdown:
    """A model's cost in ``month`` (``total``, its ``monthly_cost``) split into ``parts``; ``requests``
    in that month; ``horizon_total`` over the plan's months; ``ttl`` of its cache writes."""

    month: str | None
    requests: Decimal
    parts: tuple[Part, ...]
    total: Decimal
    horizon_total: Decimal | None  # None: the model covers none of the plan's months (retired)
    ttl: str

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)

    def rounded_costs(self, quantum: Decimal = MONEY_QUANTUM) -> list[Decimal]:
        """Each part's cost rounded to ``quantum``, the largest part taking the rounding: they add up to
        ``total`` rounded to ``quantum``, exactly."""
        return round_parts([p.cost for p in self.parts], self.total, quantum)

    def to_document(self) -> dict[str, Any]:
        """The JSON form: money as decimal strings (parts adding up to ``total``), whole tokens in the month
        (the workload's ``tokens_per_request`` has them per request)."""
        tokens = [None if p.tokens is None else f"{p.tokens:.0f}" for p in self.parts]
        requests = tokens_text(self.requests)
        return _document(self.month, requests, tokens, self.rounded_costs(), self.horizon_total, self.ttl)


def round_parts(costs: list[Decimal], total: Decimal, quantum: Decimal = MONEY_QUANTUM) -> list[Decimal]:
    """``costs`` rounded to ``quantum``, the largest taking what the rounding moved, so that they add up to
    ``total`` rounded to ``quantum`` exactly (parts and total agree to Decimal precision before)."""
    if total.adjusted() >= 12 or quantum.adjusted() < -12:  # beyond the default 28 digits: widen
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, total.adjusted() - quantum.adjusted() + 8)
            return _round_parts(costs, total, quantum)
    return _round_parts(costs, total, quantum)


def _round_parts(costs: list[Decimal], total: Decimal, quantum: Decimal) -> list[Decimal]:
    rounded = [cost.quantize(quantum, rounding=ROUND_HALF_EVEN) for cost in costs]
    rest = total.quantize(quantum, rounding=ROUND_HALF_EVEN) - sum(rounded, ZERO)
    if rest:
        largest = max(range(len(costs)), key=lambda i: (costs[i], -i))
        rounded[largest] += rest
    return rounded


def _document(
    month: str | None,
    requests: str,
    tokens: list[str | None],
    costs: list[Decimal],
    horizon: Decimal | None,
    ttl: str,
) -> dict[str, Any]:
    parts = {}
    for name, count, cost in zip(PARTS, tokens, costs, strict=True):
        text = _rounded_text(cost)
        item: dict[str, Any] = {"cost": text} if count is None else {"tokens": count, "cost": text}
        if name == "cache_writes":
            item["ttl"] = ttl
        parts[name] = item
    return {
        "month": month,
        "requests": requests,
        "parts": parts,
        "total": _rounded_text(sum(costs, ZERO)),
        "horizon_total": money(horizon),
    }


def _rounded_text(cost: Decimal) -> str | None:
    """``money(cost)`` for a cost already rounded to the document's places (the common case made cheap)."""
    if cost.adjusted() >= 16:
        return money(cost)
    return f"{cost.normalize():f}" if cost else "0"


def breakdown_document(
    w: WorkloadPlan, row: CandidateRow, memo: dict[int, list[str | None]]
) -> dict[str, Any]:
    """``breakdown_of(w, row).to_document()``, built without the objects (the plan document writes one per
    candidate; a test keeps the two equal). ``memo`` keeps ``w``'s texts: requests (key 0) and each
    tokenizer family's tokens."""
    requests = w.requests_per_month * w.scale
    if 0 not in memo:
        memo[0] = [tokens_text(requests)]
    tokens = memo.get(id(row.tokens))
    if tokens is None:
        counts = [t * requests for t in per_request_tokens(w, row).values()]
        tokens = memo[id(row.tokens)] = [*(f"{t:.0f}" for t in counts), None]
    rate = row.parts_rate
    costs = [cost * rate for cost in row.parts] if row.parts else [ZERO] * len(PARTS)
    rounded = round_parts(costs, row.monthly_cost)
    return _document(
        w.first_month_label,
        memo[0][0],
        tokens,
        rounded,
        candidate_horizon(w, row),
        w.cache_ttl,  # type: ignore[arg-type]
    )


def candidate_horizon(w: WorkloadPlan, row: CandidateRow) -> Decimal | None:
    """``row``'s cost over the plan's months (the months it covers; None when it covers none of the
    workload's): the workload's own total for the current model."""
    if row.uncovered_from is not None and row.uncovered_from == w.first_month_label:
        return None
    if row.is_current and w.horizon_total is not None:
        return w.horizon_total  # the sum of the workload's forecast as written
    if row.month_costs is None:
        return row.monthly_cost * w.factor_sum
    return sum((cost for _, cost in w.candidate_forecast(row) if cost is not None), ZERO)


def per_request_tokens(w: WorkloadPlan, row: CandidateRow) -> dict[str, Decimal]:
    """Tokens of the average request in ``row``'s tokenizer, by part (reads and writes out of input)."""
    tokens = row.tokens
    cached = tokens.input * (w.workload.cache_hit_ratio or ZERO)
    writes = tokens.input * w.cache_write_share
    return {
        "input": tokens.input - cached - writes,
        "cached_input": cached,
        "cache_writes": writes,
        "output": tokens.output,
        "reasoning": tokens.reasoning,
    }


def breakdown_of(w: WorkloadPlan, row: CandidateRow) -> Breakdown:
    """``row``'s cost in the workload's first month, split into parts, and its total over the horizon."""
    requests = w.requests_per_month * w.scale
    tokens = per_request_tokens(w, row)
    rate = row.parts_rate
    costs = [cost * rate for cost in row.parts] if row.parts else [ZERO] * len(PARTS)
    parts = tuple(
        Part(name, tokens.get(name), None if name not in tokens else tokens[name] * requests, cost)
        for name, cost in zip(PARTS, costs, strict=True)
    )
    return Breakdown(
        w.first_month_label, requests, parts, row.monthly_cost, candidate_horizon(w, row), w.cache_ttl
    )


__all__ = [
    "PART_LABELS",
    "Breakdown",
    "Part",
    "breakdown_document",
    "breakdown_of",
    "candidate_horizon",
    "per_request_tokens",
    "round_parts",
]
