"""A model's monthly cost split into what it pays for (uncached input, cached input, cache writes, output,
reasoning, request fees), with the tokens behind each part, and its total over the horizon.

The parts are the cost engine's own (``costing.card_pricer.PARTS``, summed in that order to the total). In the
JSON document each part is rounded to the document's 10 decimal places and the largest part takes the
rounding, so the written parts add up to the written total exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import TYPE_CHECKING, Any

from tokencost.costing.card_pricer import PARTS
from tokencost.planner.figures import MONEY_QUANTUM, money, tokens_text, written_sum

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


@dataclass(frozen=True)
class Part:
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
    horizon_total: Decimal
    ttl: str

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)

    def rounded_costs(self, quantum: Decimal = MONEY_QUANTUM) -> list[Decimal]:
        """Each part's cost rounded to ``quantum``, the largest part taking the rounding: they add up to
        ``total`` rounded to ``quantum``, exactly."""
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, self.total.adjusted() + 14, 28)
            costs = [p.cost.quantize(quantum, rounding=ROUND_HALF_EVEN) for p in self.parts]
            target = self.total.quantize(quantum, rounding=ROUND_HALF_EVEN)
            largest = max(range(len(costs)), key=lambda i: (self.parts[i].cost, -i))
            costs[largest] += target - sum(costs, ZERO)
        return costs

    def to_document(self) -> dict[str, Any]:
        """The JSON form: money as decimal strings (parts adding up to ``total``), tokens in the month."""
        costs = self.rounded_costs()
        parts = {}
        for part, cost in zip(self.parts, costs, strict=True):
            item: dict[str, Any] = {"cost": money(cost)}
            if part.tokens is not None:
                item = {
                    "tokens_per_request": tokens_text(part.tokens_per_request),  # type: ignore[arg-type]
                    "tokens": tokens_text(part.tokens),
                    **item,
                }
            if part.name == "cache_writes":
                item["ttl"] = self.ttl
            parts[part.name] = item
        return {
            "month": self.month,
            "requests": tokens_text(self.requests),
            "parts": parts,
            "total": money(sum(costs, ZERO)),
            "horizon_total": money(self.horizon_total),
        }


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
    costs = row.parts or (ZERO,) * len(PARTS)
    parts = tuple(
        Part(name, tokens.get(name), None if name not in tokens else tokens[name] * requests, cost)
        for name, cost in zip(PARTS, costs, strict=True)
    )
    horizon = written_sum(cost for _, cost in w.candidate_forecast(row))
    return Breakdown(w.first_month_label, requests, parts, row.monthly_cost, horizon, w.cache_ttl)


__all__ = ["PART_LABELS", "Breakdown", "Part", "breakdown_of", "per_request_tokens"]
