"""The plan's result: plain data (per workload the current model's cost, the forecast, the ranked and the
excluded candidates, assumptions and problems) that the renderers take, and its totals."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import cached_property
from pathlib import Path
from typing import Any

from tokencost.planner.breakdown import Breakdown, breakdown_of
from tokencost.planner.figures import MONEY_QUANTUM, written_sum
from tokencost.planner.plan_document import plan_document
from tokencost.planner.projection import month_labels
from tokencost.planner.tokens import CountInfo, FamilyTokens, sample_counts
from tokencost.planner.workload import Workload, WorkloadFile
from tokencost.pricing.catalog import Entry


@dataclass(slots=True)
class CandidateRow:
    entry: Entry
    tokens: FamilyTokens
    monthly_cost: Decimal  # display currency, start month
    notes: list[str]
    is_current: bool = False
    rank: int = 0
    savings: Decimal | None = None
    savings_pct: Decimal | None = None
    #: per forecast month when a price change (scheduled or dated card) or the model's retirement falls in
    #: the horizon, else None; None for a month not covered (retired, no successor: ``planner.retirement``)
    month_costs: list[Decimal | None] | None = None
    #: ``monthly_cost`` split into ``costing.card_pricer.PARTS`` in the card's currency and for the priced
    #: traffic; times ``parts_rate`` (FX rate x growth before the plan) they are in the display currency
    parts: tuple[Decimal, ...] = ()
    parts_rate: Decimal = Decimal(1)
    #: the monthly cost at the low and high bounds of an estimated count (= monthly_cost when exact)
    cost_low: Decimal | None = None
    cost_high: Decimal | None = None
    #: ranked candidates whose cost range meets this one's: the order between them is not certain
    overlaps: tuple[str, ...] = ()
    #: the cost over the plan's months (covered months only), what the rows are ranked by
    horizon_total: Decimal | None = None
    #: the current model's horizon total minus this one's (None when this one does not cover the horizon)
    horizon_savings: Decimal | None = None
    horizon_savings_pct: Decimal | None = None
    #: retiring within the horizon: the successor its later months are priced on, from which month, or the
    #: first month it does not cover (no successor)
    successor: str | None = None
    #: the day whose card priced ``monthly_cost`` when a scheduled card is in force by the workload's first
    #: month (``planner.price_changes.price_first_month``); None: the current card (or ``--at``'s)
    priced_at: dt.date | None = None
    #: the days a dated or scheduled card of its own starts within the horizon (``planner.price_changes``)
    price_changes: tuple[str, ...] = ()
    successor_from: str | None = None
    uncovered_from: str | None = None
    #: the successor billed in the workload's first month when the model cannot be bought then
    #: (``planner.retirement.bill_first_month``): ``monthly_cost``, ``parts``, ``tokens`` and the range are its
    billed: Entry | None = None
    #: the cost over the horizon at the low and high bounds of every estimated count its months are billed on
    horizon_low: Decimal | None = None
    horizon_high: Decimal | None = None
    #: every (model, price card) its months are billed on when its cost changes within the horizon (a price
    #: change, a successor: ``planner.retirement.billed_cards``); empty: its own card prices every month
    cards: tuple[tuple[Entry, Any], ...] = ()

    @property
    def billed_entry(self) -> Entry:
        """The model billed in the first month: ``billed`` when set, else the row's own."""
        return self.billed or self.entry

    def __post_init__(self) -> None:
        if self.cost_low is None:
            self.cost_low = self.monthly_cost
        if self.cost_high is None:
            self.cost_high = self.monthly_cost


@dataclass(frozen=True)
class Excluded:
    model: str
    provider: str | None
    reason: str


@dataclass
class WorkloadPlan:
    workload: Workload
    resolved: Entry | None
    requests_per_month: Decimal
    growth_factor: Decimal
    start: dt.date
    months: list[str]
    factors: list[Decimal]
    tokens: FamilyTokens  # in the current model's family (the given family when the model is unknown)
    cached_per_request: Decimal
    price_per_mtok: dict[str, Any] | None
    monthly_cost: Decimal | None
    candidates: list[CandidateRow]
    excluded: list[Excluded]
    assumptions: list[str]
    problems: list[str]
    by_family: dict[str, FamilyTokens]
    samples: list[str]
    sample_paths: list[Path] = field(default_factory=list)
    chat: bool = False
    #: index in ``months`` of the first month the workload runs (its costs are for that month); None when
    #: it starts after the horizon. ``factors`` are 0 before it and relative to it from there on.
    first_month: int | None = 0
    #: the current model's cost per forecast month when its price changes within the horizon, else None
    month_costs: list[Decimal] | None = None
    #: cache-write tokens per request as a share of input, and their TTL (``planner.cache_writes``)
    cache_write_share: Decimal = Decimal(0)
    cache_ttl: str = "5m"
    #: growth before the plan's first month of a workload that started earlier (its costs include it)
    scale: Decimal = Decimal(1)
    #: the current model's priced row (also when a constraint keeps it out of ``candidates``)
    current_row: CandidateRow | None = None
    #: the current model's monthly cost at the low and high bounds of its estimated count (None: unpriced)
    cost_range: tuple[Decimal, Decimal] | None = None
    #: how the workload was counted and priced (``planner/instrument.py``), for a like-for-like check
    instrument: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.workload.name

    @property
    def forecast(self) -> list[tuple[str, Decimal]]:
        if self.monthly_cost is None:
            return []
        costs = self.month_costs or [self.monthly_cost] * len(self.months)
        return [(m, c * f) for m, c, f in zip(self.months, costs, self.factors, strict=True)]

    def candidate_forecast(self, row: CandidateRow) -> list[tuple[str, Decimal | None]]:
        """``row``'s cost per plan month (None: a month it does not cover, ``planner.retirement``)."""
        costs = row.month_costs or [row.monthly_cost] * len(self.months)
        return [
            (m, None if c is None else c * f)
            for m, c, f in zip(self.months, costs, self.factors, strict=True)
        ]

    def first_cost(self, row: CandidateRow) -> Decimal | None:
        """``row``'s cost in the workload's first month as forecast: its successor's when it cannot be
        bought then, None when that month is not covered (``planner.retirement``)."""
        if row.month_costs is None:
            return row.monthly_cost
        return row.month_costs[self.first_month or 0]

    def breakdown(self, row: CandidateRow) -> Breakdown:
        """``row``'s monthly cost split into input, cached input, cache writes, output, reasoning and fees,
        with its total over the horizon."""
        return breakdown_of(self, row)

    @cached_property
    def factor_sum(self) -> Decimal:
        """The growth factors of the plan's months added up (a constant monthly cost times this is its
        total over the horizon)."""
        return sum(self.factors, Decimal(0))

    @property
    def horizon_total(self) -> Decimal | None:
        """The current model's cost summed over the plan's months (None when it cannot be priced)."""
        return None if self.monthly_cost is None else written_sum(c for _, c in self.forecast)

    @property
    def best(self) -> CandidateRow | None:
        """The top-ranked candidate: the cheapest over the horizon (``ranking.rank_rows``)."""
        return self.candidates[0] if self.candidates else None

    @property
    def first_month_label(self) -> str | None:
        return None if self.first_month is None else self.months[self.first_month]

    @property
    def when_label(self) -> str:
        """What ``monthly_cost`` is the cost of: ``this month``, ``from 2027-03`` (a later start) or, for a
        workload starting after the horizon, ``after the horizon``."""
        if self.first_month is None:
            return "after the horizon"
        return "this month" if self.first_month == 0 else f"from {self.first_month_label}"


@dataclass
class PlanResult:
    workload_file: str
    currency: str
    fx_note: str | None
    generated_on: dt.date
    start: dt.date
    horizon_months: int
    assumptions: list[str]
    spec: WorkloadFile
    workloads: list[WorkloadPlan]
    problems: list[str] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)  # every model priced, by id
    estimate_only: bool = False
    #: multiply the file's budgets and max prices (in the file's currency) by this to get ``currency``
    budget_rate: Decimal = Decimal(1)
    #: the day whose cards priced every month (``--at``), or None: current cards, scheduled changes applied
    prices_at: dt.date | None = None

    def sample_counts(
        self, w: WorkloadPlan, families: Sequence[str]
    ) -> dict[str, tuple[Decimal, Decimal, CountInfo]]:
        """(mean, largest, how) tokens per request of ``w``'s sample text for each family (the report's table).
        Empty when the workload gives token counts instead of text."""
        return sample_counts(w.sample_paths, w.chat, families, self.estimate_only)

    # -- totals -------------------------------------------------------------------------------------------
    @property
    def monthly_cost(self) -> Decimal:
        """The plan's first month on the current models (the forecast's first month: a workload that has
        not started yet adds 0)."""
        return sum(
            (w.monthly_cost * w.factors[0] for w in self.workloads if w.monthly_cost is not None), Decimal(0)
        )

    @property
    def best_monthly_cost(self) -> Decimal:
        """The first month on each workload's top-ranked candidate (cheapest over the horizon; as forecast, so on
        its successor when it cannot be bought then); a workload no candidate qualifies for stays on
        its current model (nothing cheaper is allowed)."""
        total = Decimal(0)
        for w in self.workloads:
            best = None if w.best is None else w.first_cost(w.best)
            if best is not None:
                total += best * w.factors[0]
            elif w.monthly_cost is not None:
                total += w.monthly_cost * w.factors[0]
        return total

    @property
    def horizon_total(self) -> Decimal:
        """Every workload's current model summed over the plan's months (the forecast's sum)."""
        return written_sum(cost for _, cost in self.total_forecast())

    @property
    def best_horizon_total(self) -> Decimal:
        """Each workload's cheapest candidate (else its current model) summed over the plan's months."""
        total = Decimal(0)
        for w in self.workloads:
            months = w.candidate_forecast(w.best) if w.best is not None else w.forecast
            total += written_sum(cost for _, cost in months if cost is not None)
        return total

    def total_forecast(self) -> list[tuple[str, Decimal]]:
        months: dict[str, Decimal] = dict.fromkeys(month_labels(self.start, self.horizon_months), Decimal(0))
        for w in self.workloads:
            for label, cost in w.forecast:
                months[label] += cost
        return list(months.items())

    def price_data(self) -> dict[str, Any]:
        dates = sorted(e.checked for e in self.entries.values() if e.checked is not None)
        return {
            "oldest_checked": dates[0] if dates else None,
            "newest_checked": dates[-1] if dates else None,
        }

    def to_document(self) -> dict[str, Any]:
        """The versioned JSON document (``tokencost.plan/1``); money as decimal strings in ``currency``."""
        gc_was_enabled = gc.isenabled()
        gc.disable()  # many small acyclic dicts, as in plan_spec
        try:
            return plan_document(self)
        finally:
            if gc_was_enabled:
                gc.enable()

    def in_display_currency(self, value: Decimal | None) -> Decimal | None:
        """A budget or price limit written in the file's currency, in the display currency ``currency``
        (renderers show budgets through this, as the JSON does)."""
        if value is None or self.budget_rate == 1:
            return value
        converted = value * self.budget_rate
        if converted.adjusted() >= 24:
            return converted
        with localcontext() as ctx:
            ctx.prec = max(ctx.prec, converted.adjusted() + 12)
            return converted.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN)
