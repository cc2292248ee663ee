"""``plan_file``: read a workload file, count tokens per tokenizer family, price every candidate, rank them
under the constraints and project the monthly bill over the horizon.

Each step lives in its own module: ``workload`` (load and validate the file), ``tokens`` (token volumes
per family), ``candidates`` (which models, and the constraints), ``ranking`` (price with
``costing.price_volumes`` and rank), ``projection`` (months and growth), ``assumptions``, and the result
(``plan_result``) with its JSON (``plan_document``). This module runs them as a pipeline.

The result's ``to_document()`` is the JSON of ``tokencost plan --format json`` (schema ``tokencost.plan/1``,
documented in DESIGN.md), which ``tokencost check`` reads as its baseline.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokencost.costing.arguments import currency_code, fx_overrides
from tokencost.costing.framing_keys import framing_key, volumes_key
from tokencost.costing.volumes import CardPricers
from tokencost.errors import InputError
from tokencost.fx import FxTable, fx_table
from tokencost.planner.assumptions import conversion_assumptions, plan_assumptions, workload_assumptions
from tokencost.planner.bands import apply_bands
from tokencost.planner.cache_writes import cache_writes
from tokencost.planner.candidates import (
    Prepared,
    Screen,
    reasoning_assumption,
    resolve_candidates,
    screen,
    static_exclusion,
    unknown_model,
    unknown_problem,
)
from tokencost.planner.embedding import embedding_step, step_assumptions
from tokencost.planner.figures import grouped, plain
from tokencost.planner.plan_document import SCHEMA
from tokencost.planner.plan_result import CandidateRow, PlanResult, WorkloadPlan
from tokencost.planner.price_changes import apply_month_costs, price_first_month, undated_card_note
from tokencost.planner.projection import (
    Timeline,
    add_months,
    default_start,
    monthly_growth_factor,
    requests_per_month,
    workload_timeline,
)
from tokencost.planner.ranking import Ranking, Traffic, family_volumes, price_candidates, rank_rows
from tokencost.planner.retirement import CurrentNotes, Horizon, follow
from tokencost.planner.tokens import FamilyTokens, WorkloadTokens, sample_files
from tokencost.planner.workload import CacheRefresh, Workload, WorkloadFile, is_selector, load_workload, where
from tokencost.pricing.catalog import Catalog, Entry, load_catalog, pricing_paths
from tokencost.tokenizers.chat import model as chat_model

__all__ = ["SCHEMA", "PlanResult", "WorkloadPlan", "plan_file", "plan_spec"]

#: exchange rates a plan accepts, in units per USD (so every converted figure stays representable)
MIN_FX = Decimal("0.000001")
MAX_FX = Decimal(1_000_000)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _workload_start(w: Workload, spec: WorkloadFile, today: dt.date) -> dt.date:
    return w.start or spec.start or default_start(today)


def _traffic(w: Workload) -> tuple[Decimal, Decimal, Traffic, str | None]:
    """Requests per month, the monthly growth factor, the traffic at standard and batch prices with its
    cache reads and writes, and the cache writes' assumption."""
    period, count = w.traffic
    monthly_requests = requests_per_month(count, period)
    factor = monthly_growth_factor(w.growth or Decimal(0), w.growth_per or "month")
    batch_share = w.batch_share or Decimal(0)
    tiers = w.service_tier.shares() if w.service_tier is not None else ()
    writes = cache_writes(w, monthly_requests)
    traffic = Traffic(
        monthly_requests * (1 - batch_share - sum((share for _, share in tiers), Decimal(0))),
        monthly_requests * batch_share,
        w.cache_hit_ratio or Decimal(0),
        writes.share,
        writes.ttl,
        writes.share_1h,
        tuple((name, monthly_requests * share) for name, share in tiers),
        w.off_peak_share or Decimal(0),
    )
    return monthly_requests, factor, traffic, writes.assumption


class _Planner:
    """Plans one workload at a time, with the plan-wide caches (prepared candidates, FX rates, pricers,
    token counts) shared between workloads."""

    def __init__(
        self,
        spec: WorkloadFile,
        text: str,
        source: str,
        base_dir: Path,
        catalog: Catalog,
        table: FxTable,
        currency: str,
        estimate_only: bool,
        tolerate_unknown: bool,
        today: dt.date,
        grid_start: dt.date,
        at: dt.date | None = None,
    ) -> None:
        self.grid_start, self.at = grid_start, at
        self.spec, self.text, self.source, self.base_dir = spec, text, source, base_dir
        self.catalog, self.table, self.currency = catalog, table, currency
        self.tolerate_unknown, self.today = tolerate_unknown, today
        #: ids the file names in candidates (not through a selector)
        self.explicit: set[str] = {
            entry.id for name in spec.candidates if not is_selector(name) and (entry := catalog.find(name))
        }
        self.tokens = WorkloadTokens(estimate_only)
        self.pricers = CardPricers()
        self._prepared: dict[str, Prepared] = {}
        self._prepared_candidates: list[Prepared] | None = None
        self._prepared_key: tuple[str, ...] = ()
        self._candidate_families: list[str] = []
        self._fx: dict[str, Decimal] = {}
        self.entries: dict[str, Entry] = {}  # every model priced, by id

    def fx(self, from_currency: str) -> Decimal:
        rate = self._fx.get(from_currency)
        if rate is None:
            rate = self._fx[from_currency] = self.table.rate(from_currency, self.currency)
        return rate

    def prepared(self, entry: Entry) -> Prepared:
        """What the screening needs of ``entry``, once per plan."""
        item = self._prepared.get(entry.id)
        if item is None:
            model = entry.model
            item = self._prepared[entry.id] = Prepared(
                entry,
                entry.id,
                model.tokenizer,
                model.context_window,
                self.fx(entry.currency),
                static_exclusion(entry, self.spec),
            )
        return item

    def prepared_candidates(self, candidates: list[Entry]) -> list[Prepared]:
        """Every candidate prepared, built once per plan."""
        key = tuple(e.id for e in candidates)  # an embedding step has its own candidates
        if self._prepared_candidates is None or self._prepared_key != key:
            self._prepared_candidates = [self.prepared(e) for e in candidates]
            self._candidate_families = list(dict.fromkeys(e.model.tokenizer for e in candidates))
            self._prepared_key = key
        return self._prepared_candidates

    # -- one workload: the pipeline ----------------------------------------------------------------------
    def plan_workload(self, index: int, w: Workload, candidates: list[Entry]) -> WorkloadPlan:
        problems: list[str] = []
        current = self._current_model(index, w, problems)
        w, candidates, step = embedding_step(w, current, self.catalog, candidates, self.grid_start)
        samples, chat = self._samples(index, w)
        base = w.counted_with or (current.model.tokenizer if current else "generic")
        families = self._families(base, current, candidates)
        framed = self._framed(current, candidates) if chat else None
        by_family = self.tokens.family_tokens(w, families, base, samples, chat, framed)
        skipped = self._skipped_parts(samples, chat, problems)
        monthly_requests, factor, traffic, cache_note = _traffic(w)
        start = _workload_start(w, self.spec, self.today)
        timeline = workload_timeline(start, self.grid_start, self.spec.horizon_months, factor)
        assumptions = workload_assumptions(
            w, self.spec, samples, self._chat_requests(samples, chat, base), base, monthly_requests, factor,
            timeline, skipped, [] if samples else conversion_assumptions(w, families, base, self.tokens.ratio),
            cache_note,
        )  # fmt: skip
        assumptions = step_assumptions(assumptions, step)
        rules = self._screen_rules(by_family, current, timeline, monthly_requests, per_input=step is not None)
        screened = screen(self._to_screen(current, candidates), rules, problems)
        assumptions += reasoning_assumption(screened, w.reasoning_tokens or Decimal(0))
        volumes = family_volumes(by_family, traffic)
        ranking = price_candidates(screened, volumes, self.pricers, self.at, timeline.scale, problems)
        self._require_current_price(index, current, ranking, problems)
        if self.at is not None:
            for row in _priced_rows(ranking):
                undated_card_note(row, self.at)
        self.entries.update(ranking.priced)
        self._month_costs(ranking, volumes, timeline, assumptions)
        # a workload starting after the horizon has no month to follow its current model in ("9999-99")
        first = "9999-99" if timeline.first is None else timeline.months[timeline.first]
        current_notes = CurrentNotes(first, problems, assumptions)
        rows, t = _priced_rows(ranking), timeline
        horizon = Horizon(self.grid_start, t.months, t.first or 0, t.scale, self.fx, self.catalog, self.at)
        months_on = follow(rows, volumes, horizon, current_notes, rules, self.prepared)
        self.entries.update((entry.id, entry) for row in rows for entry, _ in row.cards)  # successors billed
        rank_rows(ranking.rows, ranking.current, timeline.factors)
        cost_range = apply_bands(
            ranking, by_family, traffic, self.pricers, self.at, timeline.scale, self.fx, timeline.factors, months_on
        )  # fmt: skip
        self._require_a_candidate(w, ranking, problems)
        tokens = by_family[volumes_key(current, by_family)] if current else by_family[base]
        monthly_cost = _current_cost(ranking.current, timeline)
        return WorkloadPlan(
            workload=w,
            resolved=current,
            requests_per_month=monthly_requests,
            growth_factor=factor,
            start=start,
            months=timeline.months,
            factors=timeline.factors,
            tokens=tokens,
            cached_per_request=tokens.input * traffic.cache_ratio,
            price_per_mtok=self._price_per_mtok(current, ranking.current, tokens),
            monthly_cost=monthly_cost,
            candidates=ranking.rows,
            excluded=ranking.excluded,
            assumptions=assumptions,
            problems=problems,
            by_family=by_family,
            samples=[_display_path(p) for p in samples],
            sample_paths=samples,
            chat=chat,
            first_month=timeline.first,
            month_costs=ranking.current.month_costs if ranking.current is not None else None,
            cache_write_share=traffic.write_ratio,
            cache_ttl=traffic.ttl,
            scale=timeline.scale,
            current_row=ranking.current,
            cost_range=cost_range if monthly_cost == _own(ranking.current) else None,  # its own card's
        )

    # -- its steps ---------------------------------------------------------------------------------------
    def _current_model(self, index: int, w: Workload, problems: list[str]) -> Entry | None:
        """The workload's model; unknown is an input error, or a problem with ``tolerate_unknown``."""
        current = self.catalog.find(w.model)
        if current is None:
            what, hint = unknown_model(self.catalog, w.model)
            if not self.tolerate_unknown:
                raise InputError(
                    f"{where(self.text, self.source, 'workloads', index, 'model')}: workloads[{index}].model: {what}",
                    hint,
                )
            problems.append(unknown_problem("", w.model, what, hint))
        return current

    def _require_current_price(
        self, index: int, current: Entry | None, ranking: Ranking, problems: list[str]
    ) -> None:
        """A current model with no price on the day priced is an input error: an unknown price is never $0
        (the plan's totals and the check's budget would rest on it)."""
        if current is None or ranking.current is not None:
            return
        why = next(
            (p for p in problems if p.startswith(f"current model {current.id} cannot be priced")), None
        )
        loc = where(self.text, self.source, "workloads", index, "model")
        raise InputError(
            f"{loc}: workloads[{index}].model: {why or f'current model {current.id} cannot be priced'}",
            "an unknown price is never counted as $0: price on a day its sheet has a card for (--at), "
            "or give its price in an overlay (--pricing)",
        )

    def _samples(self, index: int, w: Workload) -> tuple[list[Path], bool]:
        if w.prompt is None and w.messages is None:
            return [], False
        return sample_files(w, index, self.base_dir, self.text, self.source)

    def _families(self, base: str, current: Entry | None, candidates: list[Entry]) -> list[str]:
        """The families to count in: the given one, the current model's, then the candidates'."""
        self.prepared_candidates(candidates)
        own = [current.model.tokenizer] if current else []
        return list(dict.fromkeys([base, *own, *self._candidate_families]))

    def _framed(self, current: Entry | None, candidates: list[Entry]) -> dict[str, tuple[str, str]]:
        """The chat framings other than their family's default among the models (GPT-5 beside GPT-4o):
        ``framing_key`` -> (family, a model framed so)."""
        out: dict[str, tuple[str, str]] = {}
        for entry in [*([current] if current else []), *candidates]:
            family = entry.model.tokenizer
            key = framing_key(entry.id, family)
            if key != family:
                out.setdefault(key, (family, entry.id))
        return out

    def _skipped_parts(self, samples: list[Path], chat: bool, problems: list[str]) -> int:
        skipped = self.tokens.skipped_parts(samples, chat)
        if skipped:
            problems.append(
                f"{skipped} part(s) ({chat_model.NOT_COUNTED}) in the chat sample(s) were not counted: "
                "they are billed by other rules, so the input cost is understated"
            )
        signed = self.tokens.signed_parts(samples, chat)
        if signed:
            problems.append(f"{signed} part(s) of the chat sample(s) {chat_model.SIGNED}")
        return skipped

    def _chat_requests(self, samples: list[Path], chat: bool, base: str) -> int | None:
        if not (samples and chat):
            return None
        return sum(len(self.tokens.counts.count(p, base, True)) for p in samples)

    def _to_screen(self, current: Entry | None, candidates: list[Entry]) -> list[Prepared]:
        """The current model first, then every other candidate."""
        items = [item for item in self.prepared_candidates(candidates) if item.entry is not current]
        if current is not None:
            items.insert(0, self.prepared(current))
        return items

    def _screen_rules(
        self,
        by_family: dict[str, FamilyTokens],
        current: Entry | None,
        timeline: Timeline,
        requests: Decimal,
        per_input: bool = False,
    ) -> Screen:
        """The screening facts; ``per_input`` (an embedding step): the window is an input's, not a request's
        (which may batch inputs), so only ``min_context`` is needed."""
        floor = Decimal(self.spec.constraints.min_context or 0)
        horizon = self.spec.horizon_months
        return Screen(
            tokens={
                family: (t, floor if per_input else max(t.largest_input + t.output + t.reasoning, floor))
                for family, t in by_family.items()
            },
            current_id=current.id if current is not None else None,
            explicit=self.explicit,
            first_day=max(timeline.start, self.grid_start),
            last_day=add_months(self.grid_start, horizon) - dt.timedelta(days=1),
            free_note=f"free tier: rate limits apply; check they allow {grouped(requests)} requests a month",
            needed_floor=floor,
            per_input=per_input,
        )

    def _month_costs(
        self, ranking: Ranking, volumes: dict, timeline: Timeline, assumptions: list[str]
    ) -> None:
        """Each priced row on the card of each month when its price changes within the horizon (not with
        ``--at``); the current model's change is also an assumption of the workload."""
        if self.at is not None:
            return
        current = ranking.current
        extra = [] if current is None or any(r is current for r in ranking.rows) else [current]
        first_day = add_months(self.grid_start, timeline.first or 0)
        for row in [*ranking.rows, *extra]:
            notes = assumptions if row is current else None
            price_first_month(row, volumes, first_day, timeline.scale, self.fx)
            apply_month_costs(row, volumes, self.grid_start, timeline.months, timeline.scale, self.fx, notes)

    def _require_a_candidate(self, w: Workload, ranking: Ranking, problems: list[str]) -> None:
        """Nothing ranked: a problem when the current model is still priced (the budget can be gated),
        else an input error."""
        if ranking.rows:
            return
        excluded = ranking.excluded
        if ranking.current is not None and excluded:
            reasons = "; ".join(f"{x.model}: {x.reason}" for x in excluded[:3])
            problems.append(f"no candidate meets the constraints ({len(excluded)} excluded, e.g. {reasons})")
        else:
            loc = "constraints" if "constraints" in self.spec.model_fields_set else "candidates"
            if excluded:
                reasons = "; ".join(f"{x.model}: {x.reason}" for x in excluded[:3])
                why = f"no candidate is left after the constraints ({len(excluded)} excluded, e.g. {reasons})"
            else:
                why = "no candidate could be priced (none of the candidates resolved to a priced model)"
            raise InputError(f"{where(self.text, self.source, loc)}: workload {w.name!r}: {why}")

    def _price_per_mtok(
        self, current: Entry | None, row: CandidateRow | None, tokens: FamilyTokens
    ) -> dict[str, Any] | None:
        """The current model's input and output rates for this workload's request size, converted."""
        if current is None or row is None:
            return None
        at = self.at or row.priced_at
        rates = self.pricers.get(current, at).rates(None, tokens.input)  # type: ignore[union-attr]
        rate = self.fx(current.currency)
        return {
            "input": plain(rates.input * rate) if rates.input is not None else None,
            "output": plain(rates.output * rate) if rates.output is not None else None,
            "currency": self.currency,
        }


def _priced_rows(ranking: Ranking) -> list[CandidateRow]:
    """The ranked rows and the current model's (once, also when a constraint keeps it out of the ranking)."""
    rows = list(ranking.rows)
    if ranking.current is not None and not any(r is ranking.current for r in rows):
        rows.append(ranking.current)
    return rows


def _own(row: CandidateRow | None) -> Decimal | None:
    return None if row is None else row.monthly_cost


def _current_cost(row: CandidateRow | None, timeline: Timeline) -> Decimal | None:
    """The workload's cost in its first month: the current model's own, or its successor's when it cannot be
    bought then (``planner.retirement``: the forecast, the totals and the check's budgets follow it)."""
    if row is None or row.successor_from is None or row.month_costs is None:
        return _own(row)
    first = timeline.first or 0
    if row.successor_from > timeline.months[first]:
        return row.monthly_cost
    return row.month_costs[first] or row.monthly_cost


def _checked_fx_table(fx: str | Sequence[str] | Mapping[str, Any] | FxTable | None) -> FxTable:
    """The FX table with the overrides, each rate within what a plan can represent."""
    overrides = fx_overrides(fx, check=False)  # checked by fx_table, with the --fx wording the CLI shows
    table = overrides if isinstance(overrides, FxTable) else fx_table(overrides)
    for code in sorted(table.overridden):
        rate = table.per_usd[code]
        if not MIN_FX <= rate <= MAX_FX:
            raise InputError(
                f"--fx {code}={rate}: an exchange rate must be between {MIN_FX} and {MAX_FX:,} {code} per 1 USD "
                "(larger or smaller figures cannot be represented)"
            )
    return table


def _plan_workloads(planner: _Planner, spec: WorkloadFile, candidates: list[Entry]) -> list[WorkloadPlan]:
    # A large plan allocates hundreds of thousands of small acyclic objects (rows, notes, Decimals); the
    # cyclic garbage collector's passes over them would double the run time, and there is nothing for it
    # to collect here, so it is paused while the workloads are planned (benchmarks/README.md).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [planner.plan_workload(i, w, candidates) for i, w in enumerate(spec.workloads)]
    finally:
        if gc_was_enabled:
            gc.enable()


def _currency_notes(
    spec: WorkloadFile, entries: dict[str, Entry], table: FxTable, display: str, assumptions: list[str]
) -> tuple[Decimal, str | None]:
    """The rate from the file's currency to the display one (budgets and max prices are written in the
    file's currency, shown and checked in the display one) and the FX note, both added to ``assumptions``."""
    foreign = {entry.currency for entry in entries.values()} - {display}
    file_currency = spec.currency or "USD"
    limits = (
        spec.budgets.monthly_total is not None
        or spec.budgets.per_workload
        or spec.policies.max_price_per_mtok is not None
    )
    budget_rate = Decimal(1)
    if limits and file_currency != display:
        budget_rate = table.rate(file_currency, display)
        foreign.add(file_currency)
        assumptions.append(
            f"budgets and max_price_per_mtok converted from {file_currency} (the file's currency) to "
            f"{display}: {table.describe({file_currency, display})}"
        )
    fx_note = None
    if foreign:
        fx_note = table.describe({*foreign, display})
        assumptions.append(f"converted to {display}: {fx_note}")
    return budget_rate, fx_note


def _record_instruments(planner: _Planner, plans: list[WorkloadPlan], estimate_only: bool, at) -> None:
    """How each workload was counted and priced, with its estimator basis (``planner/instrument.py``): a
    second pass over the workloads counted with an exact tokenizer, pricing only their current model."""
    from tokencost.planner.instrument import attach_instruments

    p = planner
    basis_planner = _Planner(
        p.spec, p.text, p.source, p.base_dir, p.catalog, p.table, p.currency, True, p.tolerate_unknown, p.today,
        p.grid_start, at,
    )  # fmt: skip

    def basis(index: int, plan: WorkloadPlan) -> Decimal | None:
        return basis_planner.plan_workload(index, plan.workload, []).monthly_cost

    def without_writes(index: int, plan: WorkloadPlan) -> Decimal | None:
        no_writes = plan.workload.model_copy(update={"cache": CacheRefresh(write_ratio=Decimal(0))})
        return planner.plan_workload(index, no_writes, []).monthly_cost

    attach_instruments(plans, estimate_only, at, basis, without_writes)


def plan_spec(
    spec: WorkloadFile,
    text: str,
    source: str,
    base_dir: Path,
    *,
    catalog: Catalog,
    currency: str | None = None,
    fx: str | Sequence[str] | Mapping[str, Any] | FxTable | None = (),
    estimate_only: bool = False,
    tolerate_unknown: bool = False,
    today: dt.date | None = None,
    at: dt.date | None = None,
) -> PlanResult:
    """Plan an already-validated workload file against ``catalog`` (the benchmark calls this directly).
    ``currency`` and ``fx`` are taken as ``plan_file`` takes them; ``at`` prices every month on the cards in
    force that day (default: current cards, and a scheduled or dated change from its month on)."""
    currency = currency_code(currency, "--currency")
    today = today or dt.datetime.now(dt.timezone.utc).date()
    table = _checked_fx_table(fx)
    display = currency or spec.currency or "USD"
    problems: list[str] = []
    # the plan's month grid: the file's start, else the earliest workload start
    start = spec.start or min(_workload_start(w, spec, today) for w in spec.workloads)
    candidates, candidates_note = resolve_candidates(
        spec, catalog, text, source, tolerate_unknown, problems, start
    )
    planner = _Planner(
        spec,
        text,
        source,
        base_dir,
        catalog,
        table,
        display,
        estimate_only,
        tolerate_unknown,
        today,
        start,
        at,
    )
    plans = _plan_workloads(planner, spec, candidates)
    _record_instruments(planner, plans, estimate_only, at)
    assumptions = plan_assumptions(spec, candidates_note, display, bool(currency), estimate_only, at)
    budget_rate, fx_note = _currency_notes(spec, planner.entries, table, display, assumptions)
    return PlanResult(
        workload_file=source,
        currency=display,
        fx_note=fx_note,
        generated_on=today,
        start=start,
        horizon_months=spec.horizon_months,
        assumptions=assumptions,
        spec=spec,
        workloads=plans,
        problems=problems,
        entries=planner.entries,
        estimate_only=estimate_only,
        budget_rate=budget_rate,
        prices_at=at,
    )


def plan_file(
    path: str | Path,
    *,
    pricing: str | os.PathLike | Sequence[str | os.PathLike] | None = (),
    currency: str | None = None,
    fx: str | Sequence[str] | Mapping[str, Any] | FxTable | None = (),
    estimate_only: bool = False,
    tolerate_unknown: bool = False,
    today: dt.date | None = None,
    at: dt.date | None = None,
) -> PlanResult:
    """Plan the workload file at ``path``: see the module docstring and DESIGN.md for the JSON contract.

    ``pricing``, ``currency`` and ``fx`` are taken as ``tokencost.estimate`` takes them: one overlay path
    (str or Path) or several; an ISO code in any case; a ``"CNY=7.1"`` str, a sequence of them, a
    ``{"CNY": 7.1}`` mapping or an FxTable.
    ``tolerate_unknown``: an unknown current or candidate model is recorded in ``problems`` (and the
    workload's ``resolved_model``/``monthly_cost`` are null) instead of raising; ``tokencost check`` uses it.
    """
    currency = currency_code(currency, "--currency")
    fx = fx_overrides(fx, check=False)
    pricing = pricing_paths(pricing)
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(
            f"path: expected a workload file path (str or Path), got {type(path).__name__} {path!r}"
        )
    path = Path(path)
    spec, text = load_workload(path)
    catalog = load_catalog(pricing)
    from tokencost.pricing.resolve import model_map_scope

    with model_map_scope(spec.model_map, override=False):  # --map (the outer scope) wins
        return plan_spec(
            spec,
            text,
            _display_path(path),
            path.parent,
            catalog=catalog,
            currency=currency,
            fx=fx,
            estimate_only=estimate_only,
            tolerate_unknown=tolerate_unknown,
            today=today,
            at=at,
        )
