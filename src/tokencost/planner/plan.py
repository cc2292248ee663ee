"""``plan_file``: read a workload file, count tokens per tokenizer family, price every candidate, rank them
under the constraints and project the monthly bill over the horizon.

The result's ``to_document()`` is the JSON of ``tokencost plan --format json`` (schema ``tokencost.plan/1``,
documented in DESIGN.md), which ``tokencost check`` reads as its baseline.
"""

from __future__ import annotations

import datetime as dt
import gc
import glob as globlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from typing import Any

from tokencost._version import __version__
from tokencost.costing.arguments import currency_code, fx_overrides
from tokencost.costing.card_pricer import CardPricer
from tokencost.costing.models import DEFAULT_MODELS
from tokencost.costing.volumes import CardPricers, Volumes, price_volumes
from tokencost.errors import InputError
from tokencost.fx import FxTable, fx_table
from tokencost.planner.projection import (
    DAYS_PER_MONTH,
    add_months,
    default_start,
    growth_factors,
    month_labels,
    monthly_growth_factor,
    requests_per_month,
)
from tokencost.planner.ratios import provenance, ratio, ratio_table
from tokencost.planner.workload import Workload, WorkloadFile, is_selector, load_workload, where
from tokencost.pricing.catalog import Catalog, Entry, load_catalog, pricing_paths
from tokencost.pricing.schema import Capability

SCHEMA = "tokencost.plan/1"
DEFAULT_OUTPUT_RATIO = Decimal("0.25")
MAX_SAMPLE_BYTES = 64 * 1024 * 1024
_MONEY = Decimal("1e-10")  # see _money
_PCT = Decimal("0.1")
#: exchange rates a plan accepts, in units per USD (so every converted figure stays representable)
MIN_FX = Decimal("0.000001")
MAX_FX = Decimal(1_000_000)


# -- result types --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountInfo:
    """How the tokens of one family were obtained."""

    family: str
    exact: bool
    method: str
    error_band: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "exact": self.exact,
            "method": self.method,
            "error_band": self.error_band,
        }


@dataclass(frozen=True)
class FamilyTokens:
    """Average (and largest) tokens per request in one family."""

    input: Decimal
    largest_input: Decimal
    output: Decimal
    reasoning: Decimal
    count: CountInfo
    samples: tuple[Decimal, ...] = ()  # input tokens of each sample request (real text only)


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
    #: per forecast month when a price change (scheduled or dated card) falls in the horizon, else None
    month_costs: list[Decimal] | None = None


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

    @property
    def name(self) -> str:
        return self.workload.name

    @property
    def forecast(self) -> list[tuple[str, Decimal]]:
        if self.monthly_cost is None:
            return []
        costs = self.month_costs or [self.monthly_cost] * len(self.months)
        return [(m, c * f) for m, c, f in zip(self.months, costs, self.factors, strict=True)]

    def candidate_forecast(self, row: CandidateRow) -> list[tuple[str, Decimal]]:
        costs = row.month_costs or [row.monthly_cost] * len(self.months)
        return [(m, c * f) for m, c, f in zip(self.months, costs, self.factors, strict=True)]

    @property
    def best(self) -> CandidateRow | None:
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
        if not w.sample_paths:
            return {}
        counts = _Counts(self.estimate_only)
        out = {}
        for family in families:
            counter = counts.counter(family)
            numbers = [n for p in w.sample_paths for n in counts.count(p, family, w.chat)]
            method = counter.method + (" + chat overhead" if w.chat else "")
            out[family] = (
                Decimal(sum(numbers)) / len(numbers),
                Decimal(max(numbers)),
                CountInfo(counter.family, counter.exact, method, counter.error_band),
            )
        return out

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
        """This month on each workload's cheapest candidate; a workload no candidate qualifies for stays on
        its current model (nothing cheaper is allowed)."""
        total = Decimal(0)
        for w in self.workloads:
            if w.best is not None:
                total += w.best.monthly_cost * w.factors[0]
            elif w.monthly_cost is not None:
                total += w.monthly_cost * w.factors[0]
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
            return self._document()
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
            return converted.quantize(_MONEY, rounding=ROUND_HALF_EVEN)

    def _budget(self, value: Decimal | None) -> str | None:
        return _plain(self.in_display_currency(value))

    def _document(self) -> dict[str, Any]:
        spec = self.spec
        max_price = spec.policies.max_price_per_mtok
        return {
            "schema": SCHEMA,
            "tokencost_version": __version__,
            "generated_on": self.generated_on.isoformat(),
            "workload_file": self.workload_file,
            "currency": self.currency,
            "fx": self.fx_note,
            "price_data": {k: (v.isoformat() if v else None) for k, v in self.price_data().items()},
            "prices_at": self.prices_at.isoformat() if self.prices_at else None,
            "start": self.start.isoformat(),
            "horizon_months": self.horizon_months,
            "days_per_month": str(DAYS_PER_MONTH),
            "assumptions": list(self.assumptions),
            "budgets": {
                "monthly_total": self._budget(spec.budgets.monthly_total),
                "per_workload": {k: self._budget(v) for k, v in spec.budgets.per_workload.items()},
            },
            "policies": {
                "block_unknown_models": spec.policies.block_unknown_models,
                "require_exact_counts": spec.policies.require_exact_counts,
                "max_price_per_mtok": None
                if max_price is None
                else {
                    k: self._budget(getattr(max_price, k))
                    for k in ("input", "output")
                    if getattr(max_price, k) is not None
                },
                "denied_vendors": list(spec.policies.denied_vendors),
            },
            "workloads": [_workload_document(w) for w in self.workloads],
            "totals": {
                "monthly_cost": _money(self.monthly_cost),
                "best_monthly_cost": _money(self.best_monthly_cost),
                "forecast": [{"month": m, "cost": _money(c)} for m, c in self.total_forecast()],
            },
            "problems": list(self.problems),
        }


def _plain(value: Decimal | None) -> str | None:
    return (
        None
        if value is None
        else format(value.normalize(), "f")
        if value == value.to_integral()
        else str(value)
    )


def _money(value: Decimal | None) -> str | None:
    """Money in the JSON document: 10 decimal places, trailing zeros dropped (``0.000316``, ``1194.987347``).

    Fine enough that ``check`` never decides on a rounded figure (a $0.000316 request is not $0.0003)."""
    if value is None:
        return None
    if value.adjusted() >= 24:
        return str(value)
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + 12)
        rounded = value.quantize(_MONEY, rounding=ROUND_HALF_EVEN).normalize()
    return f"{rounded:f}" if rounded else "0"


def _tokens(value: Decimal) -> str:
    """A count in the JSON document, always in plain notation (``1000000000000000``, never ``1E+15``)."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN).normalize():f}"


def _percent(fraction: Decimal) -> str:
    return format((fraction * 100).normalize(), "f") + "%"


def _grouped(value: Decimal) -> str:
    """Thousands-separated, at most 2 decimals: 21,741.07."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.2f}"


def _workload_document(w: WorkloadPlan) -> dict[str, Any]:
    entry = w.resolved
    return {
        "name": w.name,
        "model": w.workload.model,
        "resolved_model": entry.id if entry else None,
        "provider": entry.provider.id if entry else None,
        "requests_per_month": _tokens(w.requests_per_month),
        "monthly_growth_factor": str(w.growth_factor.quantize(Decimal("0.000001"))),
        "start": w.start.isoformat(),
        "first_month": w.first_month_label,
        "tokens_per_request": {
            "input": _tokens(w.tokens.input),
            "cached": _tokens(w.cached_per_request),
            "output": _tokens(w.tokens.output),
            "reasoning": _tokens(w.tokens.reasoning),
        },
        "count": w.tokens.count.as_dict(),
        "tokens_by_family": {
            family: {
                "input": _tokens(t.input),
                "largest_input": _tokens(t.largest_input),
                **t.count.as_dict(),
            }
            for family, t in sorted(w.by_family.items())
        },
        "samples": list(w.samples),
        "price_per_mtok": w.price_per_mtok,
        "monthly_cost": _money(w.monthly_cost),
        "forecast": [{"month": m, "cost": _money(c)} for m, c in w.forecast],
        "candidates": [
            {
                "rank": row.rank,
                "model": row.entry.id,
                "provider": row.entry.provider.id,
                "current": row.is_current,
                "monthly_cost": _money(row.monthly_cost),
                "savings": _money(row.savings),
                "savings_pct": None if row.savings_pct is None else str(row.savings_pct),
                "tokenizer": row.tokens.count.family,
                "input_tokens": _tokens(row.tokens.input),
                "exact": row.tokens.count.exact,
                "method": row.tokens.count.method,
                "notes": list(row.notes),
            }
            for row in w.candidates
        ],
        "excluded": [{"model": x.model, "provider": x.provider, "reason": x.reason} for x in w.excluded],
        "assumptions": list(w.assumptions),
        "problems": list(w.problems),
    }


# -- counting ------------------------------------------------------------------------------------------------
class _Counts:
    """Counts of sample files per family, each file read and counted once per family."""

    def __init__(self, estimate_only: bool) -> None:
        self.estimate_only = estimate_only
        self._texts: dict[Path, str] = {}
        self._chats: dict[Path, list] = {}  # the chat requests of each chat sample file
        self._counts: dict[tuple[Path, str, bool], tuple[int, ...]] = {}
        self.skipped_parts: dict[Path, int] = {}  # non-text parts (images, audio) of each chat sample

    def counter(self, family: str):
        from tokencost.tokenizers import get_counter

        return get_counter(family, estimate=self.estimate_only)

    def text(self, path: Path) -> str:
        if path not in self._texts:
            from tokencost.yamlio import read_text_file

            text = read_text_file(path, "prompt file", max_bytes=MAX_SAMPLE_BYTES)
            if not text.strip():
                raise InputError(f"{path}: the sample file is empty")
            self._texts[path] = text
        return self._texts[path]

    def count(self, path: Path, family: str, chat: bool, model: str | None = None) -> tuple[int, ...]:
        """Input tokens of each sample request in ``path`` for ``family``: one for a text file, one per
        request for a chat file (a JSONL of logged requests is a list of samples, each its own request)."""
        key = (path, family, chat, model)
        if key not in self._counts:
            counter = self.counter(family)
            if chat:
                from tokencost.tokenizers.messages import count_requests, parse_requests

                if path not in self._chats:
                    requests = parse_requests(self.text(path), str(path))
                    if not requests or not any(r.messages for r in requests):
                        raise InputError(f"{path}: no chat messages found")
                    self._chats[path] = requests
                counted = [
                    count_requests([r], family, counter.count, model, counter.exact)
                    for r in self._chats[path]
                ]
                self.skipped_parts[path] = sum(c.skipped_parts for c in counted)
                self._counts[key] = tuple(c.tokens for c in counted)
            else:
                self._counts[key] = (counter.count(self.text(path)),)
        return self._counts[key]


def _sample_files(
    workload: Workload, index: int, base_dir: Path, text: str, source: str
) -> tuple[list[Path], bool]:
    chat = workload.messages is not None
    raw = workload.messages if chat else workload.prompt
    patterns = [raw] if isinstance(raw, str) else list(raw or [])
    key = "messages" if chat else "prompt"
    paths: list[Path] = []
    for pattern in patterns:
        full = Path(pattern).expanduser()
        full = full if full.is_absolute() else base_dir / full
        if globlib.has_magic(str(full)):
            matched = sorted(Path(p) for p in globlib.glob(str(full), recursive=True) if Path(p).is_file())
            if not matched:
                raise InputError(
                    f"{where(text, source, 'workloads', index, key)}: workloads[{index}].{key}: "
                    f"{pattern!r} matches no file (relative to {base_dir})"
                )
            paths.extend(matched)
        else:
            if not full.is_file():
                what = (
                    f"{pattern!r} is a directory (give files or a glob such as '{pattern.rstrip('/')}/*.txt')"
                    if full.is_dir()
                    else f"file {pattern!r} not found"
                )
                raise InputError(
                    f"{where(text, source, 'workloads', index, key)}: workloads[{index}].{key}: "
                    f"{what} (relative to {base_dir})"
                )
            paths.append(full)
    return list(dict.fromkeys(paths)), chat


# -- planning ------------------------------------------------------------------------------------------------
def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _resolve_candidates(
    spec: WorkloadFile, catalog: Catalog, text: str, source: str, tolerate_unknown: bool, problems: list[str]
) -> tuple[list[Entry], str]:
    if not spec.candidates:
        entries = [e for name in DEFAULT_MODELS if (e := catalog.find(name)) is not None]
        return entries, (
            "candidates: the default comparison set (assumed: candidates not given): "
            + ", ".join(e.id for e in entries)
        )
    out: dict[str, Entry] = {}
    for i, candidate in enumerate(spec.candidates):
        if is_selector(candidate):
            kind, _, arg = candidate.partition(":")
            if candidate == "all":
                found = catalog.select(mode="chat")
            elif kind == "vendor":
                found = catalog.select(vendor=[arg], mode="chat")
            else:
                found = catalog.select(capabilities=[arg], mode="chat")
            if not found:
                raise InputError(
                    f"{where(text, source, 'candidates', i)}: candidates[{i}]: {candidate!r} selects no model",
                    "known vendors: " + ", ".join(sorted(catalog.providers())) if kind == "vendor" else None,
                )
            for entry in found:
                out.setdefault(entry.id, entry)
        else:
            entry = catalog.find(candidate)
            if entry is None:
                message = (
                    f"{where(text, source, 'candidates', i)}: candidates[{i}]: unknown model {candidate!r}"
                )
                suggestions = catalog.suggest(candidate)
                hint = "did you mean: " + ", ".join(suggestions) if suggestions else "see `tokencost models`"
                if tolerate_unknown:
                    problems.append(f"unknown candidate model {candidate!r} ({hint})")
                    continue
                raise InputError(message, hint)
            out.setdefault(entry.id, entry)
    return list(out.values()), "candidates: " + ", ".join(spec.candidates) + " (as listed in the file)"


def _static_exclusion(entry: Entry, spec: WorkloadFile) -> str | None:
    """The reason ``entry`` breaks a constraint that does not depend on the workload, or None."""
    c = spec.constraints
    vendor_ids = {entry.provider.id.casefold(), entry.creator.casefold()}
    if c.allow_vendors and not vendor_ids & {v.casefold() for v in c.allow_vendors}:
        return f"vendor {entry.provider.id} not in allow_vendors"
    denied = vendor_ids & {v.casefold() for v in c.deny_vendors}
    if denied:
        return f"vendor {sorted(denied)[0]} is in deny_vendors"
    missing = [cap.value for cap in c.capabilities if cap not in entry.model.capabilities]
    if missing:
        return "lacks " + ", ".join(missing)
    if c.open_weights and Capability.open_weights not in entry.model.capabilities:
        return "not open weights"
    if c.regions:
        regions = {r.casefold() for r in entry.provider.regions}
        if not regions & {r.casefold() for r in c.regions}:
            served = ", ".join(entry.provider.regions) or "no region listed"
            return f"provider {entry.provider.id} serves {served}, not {', '.join(c.regions)}"
    if not c.include_deprecated and entry.model.deprecated is not None:
        return f"deprecated {entry.model.deprecated}"
    return None


def _k(tokens: Decimal | int, rounding: str = ROUND_HALF_EVEN) -> str:
    value = Decimal(tokens)
    if value >= 1000:
        return f"{(value / 1000).quantize(Decimal('1'), rounding=rounding)}k"
    return str(int(value.to_integral_value(rounding=rounding)))


class _Planner:
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
        self.explicit: set[str] = set()  # ids the file names in candidates (not through a selector)
        self.spec, self.text, self.source, self.base_dir = spec, text, source, base_dir
        self.catalog, self.table, self.currency = catalog, table, currency
        self.estimate_only, self.tolerate_unknown, self.today = estimate_only, tolerate_unknown, today
        self.counts = _Counts(estimate_only)
        self.pricers = CardPricers()
        self._prepared_candidates: list[tuple] | None = None
        self._candidate_families: list[str] = []
        self._prepared: dict[str, tuple[str, str, int | None, Decimal, str | None]] = {}
        self._fx: dict[str, Decimal] = {}
        self._ratios: dict[tuple[str, str, str], tuple[Decimal, str]] = {}
        self._family_info: dict[str, CountInfo] = {}
        self.entries: dict[str, Entry] = {}

    def fx(self, from_currency: str) -> Decimal:
        rate = self._fx.get(from_currency)
        if rate is None:
            rate = self._fx[from_currency] = self.table.rate(from_currency, self.currency)
        return rate

    def prepared(self, entry: Entry) -> tuple[str, str, int | None, Decimal, str | None]:
        """(id, tokenizer, context window, FX rate, static exclusion reason) of ``entry``, once per plan."""
        item = self._prepared.get(entry.id)
        if item is None:
            item = self._prepared[entry.id] = (
                entry.id,
                entry.model.tokenizer,
                entry.model.context_window,
                self.fx(entry.currency),
                _static_exclusion(entry, self.spec),
            )
        return item

    def prepared_candidates(self, candidates: list[Entry]) -> list[tuple]:
        """``(entry, *prepared(entry))`` of every candidate, built once per plan."""
        if self._prepared_candidates is None:
            self._prepared_candidates = [(e, *self.prepared(e)) for e in candidates]
            self._candidate_families = list(dict.fromkeys(e.model.tokenizer for e in candidates))
        return self._prepared_candidates

    def pricer(self, entry: Entry) -> CardPricer:
        return self.pricers.get(entry, self.at)  # type: ignore[return-value]  # asked only of a priced model

    def ratio(self, from_family: str, to_family: str, language: str) -> tuple[Decimal, str]:
        key = (from_family, to_family, language)
        if key not in self._ratios:
            self._ratios[key] = ratio(from_family, to_family, language)
        return self._ratios[key]

    # -- tokens per family ------------------------------------------------------------------------------
    def family_tokens(
        self, w: Workload, families: Sequence[str], base: str, samples: list[Path], chat: bool
    ) -> dict[str, FamilyTokens]:
        out: dict[str, FamilyTokens] = {}
        output = w.output_tokens
        reasoning = w.reasoning_tokens or Decimal(0)
        if samples:
            per_family: dict[str, tuple[Decimal, Decimal, CountInfo]] = {}
            for family in dict.fromkeys([base, *families]):
                counter = self.counts.counter(family)
                model = w.model if family == base else None  # the model picks OpenAI's chat framing
                numbers = [n for p in samples for n in self.counts.count(p, family, chat, model)]
                method = counter.method + (" + chat overhead" if chat else "")
                info = CountInfo(counter.family, counter.exact, method, counter.error_band)
                per_family[family] = (
                    Decimal(sum(numbers)) / len(numbers),
                    Decimal(max(numbers)),
                    info,
                    tuple(Decimal(n) for n in numbers),
                )
            base_mean = per_family[base][0]
            for family in families:
                mean, largest, info, each = per_family[family]
                r = mean / base_mean if base_mean else Decimal(1)
                out_tokens = output * r if output is not None else mean * DEFAULT_OUTPUT_RATIO
                out[family] = FamilyTokens(mean, largest, out_tokens, reasoning * r, info, each)
            return out
        language = w.language or "mixed"
        given = w.input_tokens or Decimal(0)
        for family in families:
            r, how = self.ratio(base, family, language)
            if family == base:
                info = CountInfo(family, True, f"given:{base}")
            else:
                info = self._family_info.get(f"{base}>{family}>{language}")
                if info is None:
                    basis = "exact" if "exact" in how else "estimator"
                    info = CountInfo(
                        family,
                        False,
                        f"converted:{base}->{family} x{r} ({basis} ratio)",
                        _spread(base, family),
                    )
                    self._family_info[f"{base}>{family}>{language}"] = info
            inp = given * r
            out_tokens = (output * r) if output is not None else inp * DEFAULT_OUTPUT_RATIO
            out[family] = FamilyTokens(inp, inp, out_tokens, reasoning * r, info)
        return out

    # -- one workload -----------------------------------------------------------------------------------
    def plan_workload(self, index: int, w: Workload, candidates: list[Entry]) -> WorkloadPlan:
        problems: list[str] = []
        assumptions: list[str] = []
        current = self.catalog.find(w.model)
        if current is None:
            suggestions = self.catalog.suggest(w.model)
            hint = "did you mean: " + ", ".join(suggestions) if suggestions else "see `tokencost models`"
            if not self.tolerate_unknown:
                raise InputError(
                    f"{where(self.text, self.source, 'workloads', index, 'model')}: workloads[{index}].model: "
                    f"unknown model {w.model!r}",
                    hint,
                )
            problems.append(f"unknown model {w.model!r} ({hint})")
        samples, chat = ([], False)
        if w.prompt is not None or w.messages is not None:
            samples, chat = _sample_files(w, index, self.base_dir, self.text, self.source)
        base = w.counted_with or (current.model.tokenizer if current else "generic")
        prepared = self.prepared_candidates(candidates)
        rows_entries = [item for item in prepared if item[0] is not current]
        if current is not None:
            rows_entries.insert(0, (current, *self.prepared(current)))
        candidate_families = self._candidate_families
        families = list(
            dict.fromkeys([base, *([current.model.tokenizer] if current else []), *candidate_families])
        )
        by_family = self.family_tokens(w, families, base, samples, chat)
        skipped = sum(self.counts.skipped_parts.get(p, 0) for p in samples) if chat else 0
        if skipped:
            problems.append(
                f"{skipped} non-text part(s) (images, audio, files) in the chat sample(s) were not counted: "
                "they are billed by other rules, so the input cost is understated"
            )

        period, count = w.traffic
        monthly_requests = requests_per_month(count, period)
        growth = w.growth or Decimal(0)
        growth_per = w.growth_per or "month"
        factor = monthly_growth_factor(growth, growth_per)
        start = _workload_start(w, self.spec, self.today)
        horizon = self.spec.horizon_months
        months = month_labels(self.grid_start, horizon)
        # the workload on the plan's month grid: 0 before its own start, growth from its own start
        offset = _month_index(start) - _month_index(self.grid_start)
        first: int | None = max(offset, 0) if offset < horizon else None
        scale = growth_factors(factor, max(-offset, 0) + 1)[-1]  # growth before the plan's first month
        powers = growth_factors(factor, horizon)
        factors = [
            powers[i - first] if first is not None and i >= first else Decimal(0) for i in range(horizon)
        ]
        cache_ratio = w.cache_hit_ratio or Decimal(0)
        batch_share = w.batch_share or Decimal(0)
        standard_requests = monthly_requests * (1 - batch_share)
        batch_requests = monthly_requests * batch_share

        self._assumptions(w, samples, chat, base, monthly_requests, factor, start, assumptions)
        if skipped:
            assumptions.append(
                f"input: {skipped} non-text part(s) of the chat sample(s) not counted (text only)"
            )
        if first is None:
            assumptions.append(
                f"start: {start}, after the plan's last month {months[-1]}: not in the forecast; costs below "
                f"are for its first month {start:%Y-%m}"
            )
        elif offset > 0:
            assumptions.append(
                f"start: {start}: costs 0 before {months[first]}; costs below are for {months[first]}, its "
                "first month"
            )
        elif offset < 0:
            assumptions.append(
                f"start: {start}, {-offset} month(s) before the plan's first month {months[0]}: costs below "
                f"are for {months[0]}, with growth since {start:%Y-%m} (x{scale.quantize(Decimal('0.0001'))})"
            )
        if start.day != 1 and first is not None and offset >= 0:
            assumptions.append(
                f"start: {start} is mid-month: {start:%Y-%m} is counted as a whole month (months are the "
                "plan's unit; start on the 1st, or scale that month's traffic, to count part of it)"
            )
        if not samples:
            conversions = [
                f"{f} x{self.ratio(base, f, w.language or 'mixed')[0]}" for f in families if f != base
            ]
            if conversions:
                assumptions.append(
                    f"converted from {base} with ratio(s) {', '.join(conversions)} "
                    f"({provenance(w.language or 'mixed')}; ratios of estimate-only tokenizers come from the estimator)"
                )

        rows: list[CandidateRow] = []
        excluded: list[Excluded] = []
        current_row: CandidateRow | None = None
        needed_floor = Decimal(self.spec.constraints.min_context or 0)
        # per family: tokens, cached tokens, context needed, and the count note (computed once, not per model)
        per_family = {}
        for family, tokens in by_family.items():
            per_family[family] = (
                tokens,
                tokens.input * cache_ratio,
                max(tokens.largest_input + tokens.output + tokens.reasoning, needed_floor),
            )
        current_id = current.id if current is not None else None
        # a model retired by the workload's first month is not ranked unless the file names it
        first_day = max(start, self.grid_start)
        last_day = add_months(self.grid_start, horizon) - dt.timedelta(days=1)
        free_note = (
            f"free tier: rate limits apply; check they allow {_grouped(monthly_requests)} requests a month"
        )
        screened = []
        for entry, entry_id, family, window, fx_rate, static_reason in rows_entries:
            tokens, _, needed = per_family[family]
            t_output, t_reasoning = tokens.output, tokens.reasoning
            is_current = entry_id == current_id
            reason = static_reason
            extra_notes: list[str] = []
            deprecated = entry.model.deprecated
            if deprecated is not None and deprecated <= last_day:
                if deprecated > first_day:
                    extra_notes.append(f"retires on {deprecated}, within the forecast")
                elif reason is None and not is_current and entry_id not in self.explicit:
                    reason = f"retired on {deprecated} (name it in candidates to rank it anyway)"
                else:
                    extra_notes.append(f"retired on {deprecated}")
                    if is_current:
                        problems.append(f"current model {entry_id} was retired on {deprecated}")
            if entry.model.free:
                extra_notes.append(free_note)
            if reason is None and window is not None and window < needed:
                reason = f"context {_k(window, ROUND_FLOOR)} < needed {_k(needed, ROUND_CEILING)}"
            elif (
                reason is None
                and (most_in := entry.model.max_input_tokens)
                and tokens.largest_input > most_in
            ):
                reason = (
                    f"max input {_k(most_in, ROUND_FLOOR)} < input {_k(tokens.largest_input, ROUND_CEILING)}"
                )
            elif (
                reason is None
                and (most_out := entry.model.max_output_tokens)
                and t_output + t_reasoning > most_out
            ):
                reason = f"max output {_k(most_out, ROUND_FLOOR)} < output {_k(t_output + t_reasoning, ROUND_CEILING)}"
            elif reason is None and window is None and needed_floor:
                reason = f"context window unknown (min_context {_k(needed_floor, ROUND_CEILING)})"
            screened.append((entry, entry_id, tokens, window, fx_rate, is_current, reason, extra_notes))
        traffic = ((None, standard_requests), ("batch", batch_requests))
        volumes = {
            family: Volumes(
                tokens.input,
                cached,
                tokens.output,
                tokens.reasoning,
                traffic,
                tokens.samples,
                tokens.largest_input,
                cache_ratio,
            )
            for family, (tokens, cached, _) in per_family.items()
        }
        to_price = [item[0] for item in screened if item[6] is None or item[5]]
        costs = iter(price_volumes(to_price, volumes, at=self.at, pricers=self.pricers))
        for entry, entry_id, tokens, window, fx_rate, is_current, reason, extra_notes in screened:
            if reason is not None and not is_current:
                excluded.append(Excluded(entry_id, entry.provider.id, reason))
                continue
            cost = next(costs)
            if cost.problem is not None:
                excluded.append(Excluded(entry_id, entry.provider.id, f"cannot be priced: {cost.problem}"))
                if is_current:
                    problems.append(f"current model {entry_id} cannot be priced: {cost.problem}")
                continue
            notes = list(cost.notes)
            self.entries[entry_id] = entry
            if window is None and not is_current:
                notes.append("context window unknown: not checked")
            notes.extend(extra_notes)
            row = CandidateRow(entry, tokens, cost.total * fx_rate * scale, notes, is_current)
            if is_current:
                current_row = row
                if reason is not None:
                    problems.append(f"current model {entry_id} breaks a constraint: {reason}")
                    excluded.append(Excluded(entry_id, entry.provider.id, reason))
                    continue
            rows.append(row)
        extra = [] if current_row is None or any(r is current_row for r in rows) else [current_row]
        for row in [*rows, *extra]:
            self.month_costs(row, volumes, months, scale, assumptions if row is current_row else None)
        rows.sort(key=lambda r: (r.monthly_cost, not r.is_current, r.entry.id))
        base_cost = current_row.monthly_cost if current_row is not None else None
        for rank, row in enumerate(rows, start=1):
            row.rank = rank
            if base_cost is not None:
                row.savings = base_cost - row.monthly_cost
                row.savings_pct = (
                    (row.savings / base_cost * 100).quantize(_PCT, rounding=ROUND_HALF_EVEN)
                    if base_cost
                    else None
                )
        if not rows and current_row is not None and excluded:
            # the current model is still priced (the budget can be gated); nothing qualifies to replace it
            reasons = "; ".join(f"{x.model}: {x.reason}" for x in excluded[:3])
            problems.append(f"no candidate meets the constraints ({len(excluded)} excluded, e.g. {reasons})")
        elif not rows:
            loc = "constraints" if "constraints" in self.spec.model_fields_set else "candidates"
            if excluded:
                reasons = "; ".join(f"{x.model}: {x.reason}" for x in excluded[:3])
                why = f"no candidate is left after the constraints ({len(excluded)} excluded, e.g. {reasons})"
            else:
                why = "no candidate could be priced (none of the candidates resolved to a priced model)"
            raise InputError(f"{where(self.text, self.source, loc)}: workload {w.name!r}: {why}")
        current_tokens = by_family[current.model.tokenizer] if current else by_family[base]
        price = None
        if current is not None and current_row is not None:
            rates = self.pricer(current).rates(None, current_tokens.input)
            rate = self.fx(current.currency)
            price = {
                "input": _plain(rates.input * rate) if rates.input is not None else None,
                "output": _plain(rates.output * rate) if rates.output is not None else None,
                "currency": self.currency,
            }
        return WorkloadPlan(
            workload=w,
            resolved=current,
            requests_per_month=monthly_requests,
            growth_factor=factor,
            start=start,
            months=months,
            factors=factors,
            tokens=current_tokens,
            cached_per_request=current_tokens.input * cache_ratio,
            price_per_mtok=price,
            monthly_cost=base_cost,
            candidates=rows,
            excluded=excluded,
            assumptions=assumptions,
            problems=problems,
            by_family=by_family,
            samples=[_display_path(p) for p in samples],
            sample_paths=samples,
            chat=chat,
            first_month=first,
            month_costs=current_row.month_costs if current_row is not None else None,
        )

    def month_costs(
        self, row: CandidateRow, volumes: dict, months: list[str], scale: Decimal, notes: list[str] | None
    ) -> None:
        """Price ``row`` on the card in force in each forecast month when a dated or scheduled card starts
        within the horizon (not with ``--at``: then one day's cards price every month); say so in its notes
        (and in the workload's assumptions for the current model)."""
        model = row.entry.model
        current_start = model.prices.effective_from
        if self.at is not None or (
            not model.scheduled and (current_start is None or current_start <= self.grid_start)
        ):
            return  # the common case, kept cheap: nothing changes within the horizon
        first_day, last_day = self.grid_start, add_months(self.grid_start, len(months)) - dt.timedelta(days=1)
        starts = [
            c.effective_from
            for c in model.cards()
            if c.effective_from and first_day < c.effective_from <= last_day
        ]
        if self.at is not None or not starts or model.card_at(None) is None:
            return
        rate, by_card, costs = self.fx(row.entry.currency), {}, []
        for i in range(len(months)):
            card = model.card_at(add_months(self.grid_start, i)) or model.prices
            if card is model.prices:
                costs.append(row.monthly_cost)
                continue
            if id(card) not in by_card:
                [cost] = price_volumes([row.entry], volumes, at=card.effective_from)
                by_card[id(card)] = None if cost.total is None else cost.total * rate * scale
            costs.append(by_card[id(card)] if by_card[id(card)] is not None else row.monthly_cost)
        if costs == [row.monthly_cost] * len(months):
            return
        row.month_costs = costs
        changes = ", ".join(f"{day} ({_card_kind(model, day)})" for day in starts)
        text = f"price change within the forecast: {row.entry.id} from {changes}; those months use that card"
        row.notes.append(text.replace(f"{row.entry.id} ", "", 1))
        if notes is not None:
            notes.append(f"prices: {text}")

    def _assumptions(
        self,
        w: Workload,
        samples: list[Path],
        chat: bool,
        base: str,
        monthly_requests: Decimal,
        factor: Decimal,
        start: dt.date,
        out: list[str],
    ) -> None:
        period, count = w.traffic
        if period == "month":
            out.append(f"traffic: {count:,} requests per month (given)")
        else:
            per = "30.4375 days" if period == "day" else "30.4375/7 weeks"
            out.append(
                f"traffic: {count:,} requests per {period} x {per} = {_grouped(monthly_requests)} requests per month"
            )
        if samples:
            if chat:
                requests = sum(len(self.counts.count(p, base, True)) for p in samples)
                what = f"{requests} chat request(s) from {len(samples)} file(s), incl. per-message overhead"
            else:
                what = f"{len(samples)} sample prompt file(s)"
            out.append(
                f"input: mean of {what}, counted with each candidate's own tokenizer "
                "(largest sample used for the context check)"
            )
        else:
            given_base = "given" if w.counted_with else "assumed: the current model's tokenizer"
            table = ratio_table()
            out.append(
                f"input: {w.input_tokens:,} tokens per request counted with {base} ({given_base}); other "
                f"tokenizers converted with ratios measured on {table['sample_name']} "
                f"[{w.language or 'mixed'}{'' if w.language else ', default'}]; the context check assumes no "
                "request is larger than this average (set constraints.min_context for peaks)"
            )
        unit = (
            f"{base} tokens"
            if not samples
            else f"{base} tokens, scaled to each tokenizer by the sample's counts"
        )
        if w.output_tokens is None:
            out.append(
                f"output: {DEFAULT_OUTPUT_RATIO} x input tokens per request (assumed: output_tokens not given)"
            )
        else:
            out.append(f"output: {w.output_tokens:,} {unit} per request (given)")
        if w.reasoning_tokens is None:
            out.append("reasoning: 0 tokens per request (assumed: reasoning_tokens not given)")
        elif not w.reasoning_tokens:
            out.append("reasoning: 0 tokens per request (given)")
        else:
            out.append(
                f"reasoning: {w.reasoning_tokens:,} {unit} per request, billed at the reasoning or output rate"
            )
        if w.cache_hit_ratio is None:
            out.append("cache hits: none (assumed: cache_hit_ratio not given)")
        elif not w.cache_hit_ratio:
            out.append("cache hits: none (given)")
        else:
            out.append(
                f"cache hits: {_percent(w.cache_hit_ratio)} of input tokens billed at the cache-read rate "
                "(input rate where none is published); cache writes not billed"
            )
        if w.batch_share is None:
            out.append("batch: none (assumed: batch_share not given)")
        elif not w.batch_share:
            out.append("batch: none (given)")
        else:
            out.append(
                f"batch: {_percent(w.batch_share)} of requests at batch prices where published "
                "(standard prices otherwise, noted per candidate)"
            )
        if w.growth is None or w.growth == 0:
            out.append("growth: none" + (" (assumed: growth not given)" if w.growth is None else " (given)"))
        else:
            per = w.growth_per or "month"
            extra = "" if w.growth_per else " (period assumed: growth_per not given)"
            conv = f" = x{factor.quantize(Decimal('0.0001'))} per month" if per == "week" else ""
            out.append(f"growth: {_percent(w.growth)} per {per}, compounding{conv}{extra}")
        out.extend(f"{note} (stated in the workload file)" for note in w.assumptions)
        if w.start is None and self.spec.start is None:
            out.append(f"start: {start} (assumed: the first day of next month)")


def _spread(base: str, family: str) -> float | None:
    """A rough error band of a count converted from ``base`` to ``family``: how much the measured ratio
    varies between languages, and at least the estimator's own band when either family is estimate-only."""
    table = ratio_table()
    bands = [
        band for f in (base, family) if (band := table["families"].get(f, {}).get("error_band")) is not None
    ]
    spread = _language_spread(base, family)
    values = [v for v in (spread, *bands) if v is not None]
    return round(max(values), 3) if values else None


def _language_spread(base: str, family: str) -> float | None:
    tables = ratio_table()["tables"]
    values = []
    for table in tables.values():
        a, b = table.get(base), table.get(family)
        if a and b:
            values.append(b / a)
    mixed = tables["mixed"]
    if not values or not mixed.get(base) or not mixed.get(family):
        return None
    centre = mixed[family] / mixed[base]
    return round(max(abs(v / centre - 1) for v in values), 3)


def _card_kind(model: Any, day: dt.date) -> str:
    return "scheduled" if any(c.effective_from == day for c in model.scheduled) else "dated card"


def _workload_start(w: Workload, spec: WorkloadFile, today: dt.date) -> dt.date:
    return w.start or spec.start or default_start(today)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


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
    # checked by fx_table, with the --fx wording the CLI shows
    overrides = fx_overrides(fx, check=False)
    table = overrides if isinstance(overrides, FxTable) else fx_table(overrides)
    for code in sorted(table.overridden):
        rate = table.per_usd[code]
        if not MIN_FX <= rate <= MAX_FX:
            raise InputError(
                f"--fx {code}={rate}: an exchange rate must be between {MIN_FX} and {MAX_FX:,} {code} per 1 USD "
                "(larger or smaller figures cannot be represented)"
            )
    display = currency or spec.currency or "USD"
    problems: list[str] = []
    candidates, candidates_note = _resolve_candidates(spec, catalog, text, source, tolerate_unknown, problems)
    # the plan's month grid: the file's start, else the earliest workload start
    start = spec.start or min(_workload_start(w, spec, today) for w in spec.workloads)
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
    planner.explicit = {
        entry.id for name in spec.candidates if not is_selector(name) and (entry := catalog.find(name))
    }
    # A large plan allocates hundreds of thousands of small acyclic objects (rows, notes, Decimals); the
    # cyclic garbage collector's passes over them would double the run time, and there is nothing for it
    # to collect here, so it is paused while the workloads are planned (benchmarks/README.md).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        plans = [planner.plan_workload(i, w, candidates) for i, w in enumerate(spec.workloads)]
    finally:
        if gc_was_enabled:
            gc.enable()
    assumptions = [
        "a month is 30.4375 days (365.25 / 12); a month's cost is the same whichever calendar month it is",
        "growth compounds month on month from each workload's start month; weekly rates convert as "
        "(1 + g) ** (30.4375 / 7); a workload costs 0 in the plan's months before its start",
        (
            f"prices: the cards in force on {at} (--at), for every month; "
            if at
            else "prices: current cards, a scheduled change from its month on (noted per model); "
        )
        + "published list prices as of each sheet's checked date (overlay negotiated prices with --pricing); "
        "time-of-day discounts not applied; long-context tiers judged per sample request when real text is "
        "given (each sample an equal share of the traffic), else on the average request",
        candidates_note + "; the current model is always priced",
        *(f"{note} (stated in the workload file)" for note in spec.assumptions),
    ]
    if "horizon_months" not in spec.model_fields_set:
        assumptions.append(f"horizon: {spec.horizon_months} months (assumed: horizon_months not given)")
    if currency:
        assumptions.append(f"currency: {display} (given with --currency)")
    elif spec.currency:
        assumptions.append(f"currency: {display} (from the workload file)")
    else:
        assumptions.append("currency: USD (assumed: currency not given)")
    if estimate_only:
        assumptions.append(
            "token counts: the fitted estimators, even where an exact tokenizer is installed (--estimate)"
        )
    foreign = {entry.currency for entry in planner.entries.values()} - {display}
    # budgets and price limits are written in the file's currency; shown (and checked) in the display one
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
