"""The replay engine: feed it records one at a time (constant memory), then price the buckets.

Actual: each record on its logged model at the price in force on the record's date. Candidates: the same
record on every candidate, re-tokenised where the log holds text, else converted between tokenizer
families with a band. Both go through ``billing.Buckets`` (per-request tiers, the shared cost engine).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tokencost.costing.framing_keys import framing_key
from tokencost.errors import TokencostError
from tokencost.pricing.catalog import Entry
from tokencost.pricing.lifecycle import undated_card_note
from tokencost.pricing.resolve import Resolution
from tokencost.replay.billing import Buckets, card_for, scaled_rule, tier_rule, variant_for
from tokencost.replay.coverage import META, logged_count, with_gap
from tokencost.replay.lookup import ModelLookup
from tokencost.replay.record import UsageRecord
from tokencost.replay.translate import conversion, counter, retokenized, scaled

ZERO = Decimal(0)
ONE = Decimal(1)
_COUNTS = (
    "requests",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cache_write_1h_tokens",  # of cache_write_tokens (``--emit-workload`` keeps the TTL mix)
)


#: server-side tool uses a log may count (Anthropic's ``server_tool_use``): counted per model, never priced
#: (no price sheet has a per-use price), and said (``server_tool_requests`` and a note)
SERVER_TOOLS = ("web_search_requests", "web_fetch_requests")

#: a candidate without the reasoning capability produces no reasoning tokens: the planner's rule
#: (``planner.ranking.price_models``), so a workload ``--emit-workload`` writes plans as replay priced it
NO_REASONING_NOTE = (
    "reasoning tokens not billed: this model does not reason (no reasoning capability on its card), as plan"
)


def without_reasoning(values: tuple) -> tuple:
    """A value tuple (``translate.scaled``'s) without its reasoning tokens (out of the output too)."""
    return (*values[:5], values[5] - values[6], ZERO, *values[7:])


def kind(entry: Entry) -> str:
    """``embedding`` or ``chat``: a record is priced on the candidates of its own kind only (embedding
    traffic on a chat model, or chat on an embedding model, is no comparison)."""
    return "embedding" if entry.model.mode == "embedding" else "chat"


#: a request's logged end time further than this from its start is not read as its end
MAX_REQUEST_TIME = dt.timedelta(days=1)

#: the note on usage-report rows that state their requests' context window (Anthropic's ``context_window``)
STATED_WINDOW_NOTE = "usage-report rows that state their context window (200k-1M): long-context tiers from the window they state"


#: places kept per logged model (the first records), as for skipped records
FIRST_PLACES = 3


@dataclass
class ModelTotals:
    """Token volumes and billed cost of one logged model (or one candidate)."""

    #: token counts by ``_COUNTS`` name, plus ``byok_records`` / ``byok_requests`` / ``byok_fee`` (OpenRouter's
    #: fee on BYOK records, USD) and ``zero_source:NAME`` (records billed 0, per source): summed as partials merge
    counts: Counter = field(default_factory=Counter)
    #: billed cost per currency as logged (converted with the computed cost's FX when the document is built)
    billed: dict[str, Decimal] = field(default_factory=dict)
    billed_records: int = 0
    #: of ``billed_records``, those billed exactly 0 (LiteLLM logs 0 for a model it cannot price)
    billed_zero: int = 0
    #: records whose billed amount was negative: not a billed amount, left out of billed totals (first places)
    billed_negative: int = 0
    billed_negative_at: list[str] = field(default_factory=list)
    records: int = 0
    methods: Counter = field(default_factory=Counter)
    notes: dict[str, None] = field(default_factory=dict)
    #: requests per UTC day (a few thousand keys at most), for the workload's fitted growth
    daily: Counter = field(default_factory=Counter)
    #: the first records' places (file:line), for what cannot be priced
    where: list[str] = field(default_factory=list)
    #: the first records whose text did not cover their billed input (``coverage``): converted instead
    uncovered_at: list[str] = field(default_factory=list)

    def add_record(self, record: UsageRecord) -> None:
        self.records += 1
        if len(self.where) < FIRST_PLACES and record.where:
            self.where.append(record.where)
        for name in _COUNTS:
            self.counts[name] += getattr(record, name)
        if record.aggregated and not record.requests:  # a usage-report bucket without a request count
            for name in _COUNTS[1:]:
                self.counts[f"unrequested_{name}"] += getattr(record, name)
        if record.batch:
            self.counts["batch_requests"] += record.requests
        for name, uses in record.server_tools.items():
            self.counts[f"server_{name}"] += uses
        if record.time is not None:
            self.daily[record.time.date()] += record.requests
        if record.byok:
            self.counts["byok_records"] += 1
            self.counts["byok_requests"] += record.requests
            if record.fee_cost is not None:
                self.counts["byok_fee"] += record.fee_cost
        if record.billed_cost is not None and record.billed_cost < 0:
            self.billed_negative += 1
            if len(self.billed_negative_at) < FIRST_PLACES:
                self.billed_negative_at.append(record.where)
        elif record.billed_cost is not None:
            currency = (record.billed_currency or "USD").upper()
            self.billed[currency] = self.billed.get(currency, ZERO) + record.billed_cost
            self.billed_records += 1
            self.billed_zero += not record.billed_cost
            if not record.billed_cost:
                self.counts[f"zero_source:{record.source}"] += 1


def group_key(record: UsageRecord, group_by: str, model_key: str) -> str:
    """The ``--group-by`` value of a record: model, day, month or a tag (``tag:KEY``)."""
    if group_by == "model":
        return model_key
    if group_by in ("day", "month"):
        if record.time is None:
            return "(no time)"
        return record.time.date().isoformat()[: 10 if group_by == "day" else 7]
    return record.tags.get(group_by.removeprefix("tag:"), "(untagged)")


@dataclass
class Engine:
    lookup: ModelLookup
    candidates: Sequence[Entry]
    group_by: str = "model"
    actual: dict[str, ModelTotals] = field(default_factory=dict)
    #: catalog id -> the first resolution that reached it
    resolved: dict[str, Resolution] = field(default_factory=dict)
    unknown: dict[str, ModelTotals] = field(default_factory=dict)
    #: self-hosted ids (``name:tag``, a self-hosted host): no vendor price, reported as their own group
    self_hosted: dict[str, ModelTotals] = field(default_factory=dict)
    #: (logged id, host) -> records, in first-seen order: how each id the log wrote was resolved
    logged_ids: Counter = field(default_factory=Counter)
    #: self-hosted records on every candidate (counts converted), by (candidate id, logged id)
    self_hosted_buckets: Buckets = field(default_factory=Buckets)
    cand_totals: dict[str, ModelTotals] = field(default_factory=dict)
    actual_buckets: Buckets = field(default_factory=Buckets)
    #: the records that carry a billed cost, priced apart to reconcile like with like
    billed_buckets: Buckets = field(default_factory=Buckets)
    cand_buckets: dict[str, Buckets] = field(
        default_factory=lambda: {"central": Buckets(), "low": Buckets(), "high": Buckets()}
    )
    notes: dict[str, None] = field(default_factory=dict)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    untimed: int = 0
    priced: int = 0
    #: price every record on the cards in force this day (``--at``) instead of its own date
    at: dt.date | None = None
    _by_family: dict[str, tuple] = field(default_factory=dict)
    _gap: Decimal = ZERO

    def logged_model(self, record: UsageRecord) -> tuple[str | None, str | None]:
        """(tokenizer family, catalog id) of a record's logged model ((None, None) when it is unknown)."""
        entry = self.resolution(record).entry
        return (entry.model.tokenizer, entry.id) if entry is not None else (None, None)

    def resolution(self, record: UsageRecord) -> Resolution:
        """The record's model through the one resolver, on the host its log names (``record.host``; a
        source's wire format, ``record.provider``, is not a host: Groq answers in OpenAI's format)."""
        return self.lookup.resolve(record.model, record.host)

    def add(self, record: UsageRecord, counts: dict | None = None) -> None:
        """Price one record as logged and on every candidate; ``counts`` are its per-family re-tokenised
        tuples when a worker process already counted them (``parallel.with_counts``)."""
        resolved = self.resolution(record)
        self.logged_ids[(record.model, record.host)] += 1
        if resolved.self_hosted:
            self._self_hosted(record, resolved)
            return
        if resolved.entry is None:
            self.unknown.setdefault(record.model, ModelTotals()).add_record(record)
            return
        entry = resolved.entry
        self.resolved.setdefault(entry.id, resolved)
        self._period(record)
        self.priced += 1
        totals = self.actual.setdefault(entry.id, ModelTotals())
        totals.add_record(record)
        group = group_key(record, self.group_by, entry.id)
        day = self.at or (record.time.date() if record.time else None)
        variant = variant_for(record.batch, record.service_tier)
        no_tiers = tier_rule(record)
        if isinstance(no_tiers, tuple):
            self.notes[STATED_WINDOW_NOTE] = None
        elif no_tiers:
            self.notes["a usage report without request counts: long-context tiers not applied to it"] = None
        elif record.aggregated:
            self.notes["usage-report rows: long-context tiers judged on each row's mean request"] = None
        card, on = self._card(entry, day, totals.notes)
        logged = scaled(record, ONE, ONE)
        per_request = Decimal(record.input_tokens) / max(record.requests, 1)
        where = (entry, card, on, variant, record.time, per_request, logged, no_tiers)
        until = record.time_end  # a usage-report bucket's end: its off-peak window only if it lies in one
        self.actual_buckets.add((entry.id, group), *where, until=until)
        if record.billed_cost is not None and record.billed_cost >= 0:  # negative: not a billed amount
            # records billed 0 apart: their computed cost is what the log failed to bill
            self.billed_buckets.add((entry.id, "zero" if not record.billed_cost else ""), *where, until=until)
        self._by_family = {}  # one count per tokenizer family per record
        self._gap = ZERO
        if counts is None and record.request is not None and not record.aggregated and entry.model.tokenizer:
            counts = logged_count(record, entry.model.tokenizer, entry.id)  # does the text cover the bill?
        if counts and "error" in counts:
            self.notes[f"request text not countable, counts converted instead ({counts['error']})"[:200]] = (
                None
            )
            record.request = None
        elif counts:
            self._by_family = {k: v for k, v in counts.items() if k not in META}
            self._covered(record, totals, counts)
        for candidate in self.candidates:
            if kind(candidate) == kind(entry):
                self._candidate(record, entry, candidate, group, day, variant, no_tiers)

    def _covered(self, record: UsageRecord, totals: ModelTotals, counts: dict) -> None:
        """Count a record's non-text parts, and convert it when its text does not cover its billed input
        (``coverage``'s rule); a covered record's uncounted input is carried over (``_gap``)."""
        if counts.get("skipped_parts") and "uncovered" not in counts:
            totals.counts["skipped_parts"] += counts["skipped_parts"]
            totals.counts["skipped_part_records"] += 1
        if "uncovered" in counts:
            totals.counts[f"uncovered_{counts['uncovered']}"] += 1
            if len(totals.uncovered_at) < FIRST_PLACES and record.where:
                totals.uncovered_at.append(record.where)
            record.request = None
        self._gap = Decimal(counts.get("gap", 0))

    def _self_hosted(self, record: UsageRecord, resolved: Resolution) -> None:
        """Self-hosted traffic: no vendor cost, but priced on every candidate (what it would cost on an API),
        its counts converted from the API model's tokenizer (generic when it has none)."""
        totals = self.self_hosted.setdefault(record.model, ModelTotals())
        totals.add_record(record)
        api = self.lookup.catalog.entries.get(resolved.alternatives[0]) if resolved.alternatives else None
        logged_family = api.model.tokenizer if api is not None else "generic"
        day = self.at or (record.time.date() if record.time else None)
        variant = variant_for(record.batch, record.service_tier)
        for candidate in self.candidates:
            ratio = conversion(logged_family, candidate.model.tokenizer).central
            values = scaled(record, ratio, ratio)
            no_tiers = scaled_rule(tier_rule(record), values[1], record.input_tokens)
            if record.reasoning_tokens and not candidate.model.reasons:
                values = without_reasoning(values)
            notes: dict[str, None] = {}  # said per candidate, as on logged and candidate rows
            card, on = self._card(candidate, day, notes)
            totals.notes.update({f"on {candidate.id}: {note}": None for note in notes})
            per_request = values[1] / max(record.requests, 1)
            where = (candidate, card, on, variant, record.time, per_request, values, no_tiers)
            self.self_hosted_buckets.add((candidate.id, record.model), *where, until=record.time_end)

    def _card(self, entry: Entry, day: dt.date | None, notes: dict[str, None]) -> tuple:
        """The card to price ``entry`` on ``day`` and the date that selects it; ``notes`` get why it may not
        hold then (before its first price; with ``--at``, an undated card before its sheet's checked date)."""
        card, on, note = card_for(entry, day)
        if note:
            notes[note] = None
        undated = undated_card_note(entry, self.at) if self.at is not None else None
        if undated:
            notes[undated] = None
        return card, on

    def _period(self, record: UsageRecord) -> None:
        if record.time is None:
            self.untimed += 1
            return
        end = record.time_end or record.time
        if record.finished is not None and end < record.finished <= end + MAX_REQUEST_TIME:
            end = record.finished  # a request's own end (one later than a day is a broken clock, not an end)
        self.start = record.time if self.start is None else min(self.start, record.time)
        self.end = end if self.end is None else max(self.end, end)

    def _candidate(self, record, entry, candidate, group, day, variant, no_tiers) -> None:
        family, logged_family = candidate.model.tokenizer, entry.model.tokenizer
        totals = self.cand_totals.setdefault(candidate.id, ModelTotals())
        if record.request is not None and not record.aggregated:
            key = framing_key(candidate.id, family)  # GPT-5 frames a chat otherwise than GPT-4o
            known = self._by_family.get(key)
            if known is None:
                counter(family)  # the user's tokenizer setup (a wrong Gemma file): an error, never per record
                try:
                    known = self._by_family[key] = retokenized(record, family, logged_family, candidate.id)
                except TokencostError as exc:  # logged text that is not a countable chat request
                    self.notes[f"request text not countable, counts converted instead ({exc})"[:200]] = None
                    record.request = None
                    self._candidate(record, entry, candidate, group, day, variant, no_tiers)
                    return
            central, low, high = known
            if self._gap:  # non-text input the text does not show: carried over as logged
                central, low, high = (with_gap(values, self._gap) for values in known)
            method = "retokenized"
        elif family == logged_family:
            central = low = high = scaled(record, ONE, ONE)
            method = "logged"
        else:
            ratio = conversion(logged_family, family)
            central = scaled(record, ratio.central, ratio.central)
            low, high = scaled(record, ratio.low, ratio.low), scaled(record, ratio.high, ratio.high)
            method = "converted"
        if record.reasoning_tokens and not candidate.model.reasons:
            central, low, high = (without_reasoning(values) for values in (central, low, high))
            totals.notes[NO_REASONING_NOTE] = None
        totals.methods[method] += 1
        totals.records += 1
        totals.counts["input_tokens"] += central[1]
        totals.counts["output_tokens"] += central[5]
        totals.counts["cache_read_tokens"] += central[2]
        totals.counts["reasoning_tokens"] += central[6]
        card, on = self._card(candidate, day, totals.notes)
        requests = max(record.requests, 1)
        for name, values in (("central", central), ("low", low), ("high", high)):
            per_request = values[1] / requests
            rule = scaled_rule(no_tiers, values[1], record.input_tokens)
            self.cand_buckets[name].add(
                (candidate.id, group),
                candidate,
                card,
                on,
                variant,
                record.time,
                per_request,
                values,
                rule,
                until=record.time_end,
            )
