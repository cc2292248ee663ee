"""Candidates and constraints: which models a workload file compares (listed, selected, or the default
set), and why a candidate is excluded (vendor, capability, region, deprecation, retirement, context window,
input and output limits) or noted (retiring, free tier) for one workload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import NamedTuple

from tokencost.costing.framing_keys import volumes_key
from tokencost.costing.models import default_models
from tokencost.errors import InputError
from tokencost.planner.figures import k_tokens
from tokencost.planner.tokens import FamilyTokens
from tokencost.planner.workload import WorkloadFile, is_selector, where
from tokencost.pricing.catalog import Catalog, Entry, bad_map_message
from tokencost.pricing.lifecycle import retired_note
from tokencost.pricing.schema import Capability


def resolve_candidates(
    spec: WorkloadFile,
    catalog: Catalog,
    text: str,
    source: str,
    tolerate_unknown: bool,
    problems: list[str],
    first_day: dt.date,
) -> tuple[list[Entry], str]:
    _check_vendor_lists(spec, catalog, text, source)
    if not spec.candidates:
        entries = default_models(catalog, first_day)
        return entries, (
            f"candidates: the default comparison set on {first_day} (assumed: candidates not given; each major "
            "vendor's current model per size class, from the catalog): " + ", ".join(e.id for e in entries)
        ) + _later_defaults(catalog, entries, first_day, spec.horizon_months)
    out: dict[str, Entry] = {}
    for i, candidate in enumerate(spec.candidates):
        if is_selector(candidate):
            kind, _, arg = candidate.partition(":")
            if candidate == "all":
                found = catalog.select(mode="chat")
            elif kind == "vendor":
                catalog.check_vendors([arg], f"{where(text, source, 'candidates', i)}: candidates[{i}]")
                found = catalog.select(vendor=[arg], mode="chat")
            else:
                found = catalog.select(capabilities=[arg], mode="chat")
            if not found:
                raise InputError(
                    f"{where(text, source, 'candidates', i)}: candidates[{i}]: {candidate!r} selects no model"
                )
            for entry in found:
                out.setdefault(entry.id, entry)
        else:
            entry = catalog.find(candidate)
            if entry is None:
                what, hint = unknown_model(catalog, candidate)
                if tolerate_unknown:
                    problems.append(unknown_problem("candidate ", candidate, what, hint))
                    continue
                raise InputError(f"{where(text, source, 'candidates', i)}: candidates[{i}]: {what}", hint)
            out.setdefault(entry.id, entry)
    return list(out.values()), "candidates: " + ", ".join(spec.candidates) + " (as listed in the file)"


def _check_vendor_lists(spec: WorkloadFile, catalog: Catalog, text: str, source: str) -> None:
    """Every vendor the file's allow/deny lists name is known to the catalog: a typo would otherwise let the
    vendor through (an input error with the closest names instead)."""
    lists = [
        ("constraints", spec.constraints, "allow_vendors"),
        ("constraints", spec.constraints, "deny_vendors"),
        ("policies", spec.policies, "denied_vendors"),
    ]
    for block, values, field in lists:
        for i, name in enumerate(getattr(values, field)):
            catalog.check_vendors([name], f"{where(text, source, block, field, i)}: {block}.{field}[{i}]")


def unknown_model(catalog: Catalog, name: str) -> tuple[str, str]:
    """(what is wrong, what to do) for a model id the catalog cannot price: a self-hosted tag (``llama3.1:8b``)
    has no vendor price, so say how to give it one; else the closest names."""
    found = catalog.resolve(name)
    if found.bad_map_target is not None:
        close = catalog.suggest(found.bad_map_target)
        return bad_map_message(found), (
            "did you mean: " + ", ".join(close) if close else "see `tokencost models`"
        )
    if found.self_hosted:
        api = f"; on an API it is {found.alternatives[0]}" if found.alternatives else ""
        return (
            f"model {name!r} is a self-hosted tag (Ollama/vLLM): it has no vendor price{api}",
            f"to price it, map it to a catalog model with model_map: {{{name!r}: ID}} in the file or --map {name}=ID, "
            "or give it a card of your own in an overlay price sheet (--pricing)",
        )
    suggestions = catalog.suggest(name)
    hint = "did you mean: " + ", ".join(suggestions) if suggestions else "see `tokencost models`"
    return f"unknown model {name!r}", hint


def unknown_problem(kind: str, name: str, what: str, hint: str) -> str:
    """An unknown model as a plan problem (``unknown model 'x' (...)``, ``unknown candidate model 'x' (...)``:
    the check reads that prefix); a self-hosted tag's reason is kept beside the hint."""
    detail = hint if what == f"unknown model {name!r}" else f"{what}; {hint}"
    return f"unknown {kind}model {name!r} ({detail})"


def _later_defaults(catalog: Catalog, entries: list[Entry], first_day: dt.date, horizon: int) -> str:
    """The models the default set takes in within the horizon (released later), named with their month:
    they are not ranked, since they cannot be bought from the plan's first month."""
    from tokencost.planner.projection import add_months

    ranked = {e.id for e in entries}
    later: dict[str, str] = {}
    for month in range(1, horizon):
        day = add_months(first_day, month)
        for entry in default_models(catalog, day):
            released = entry.model.released
            if entry.id not in ranked and released is not None and released > first_day:
                later.setdefault(entry.id, f"{day:%Y-%m}")
    if not later:
        return ""
    joined = ", ".join(f"{model} from {month}" for model, month in later.items())
    return f"; joining it within the horizon, not ranked (not yet released on {first_day}): {joined}"


def static_exclusion(entry: Entry, spec: WorkloadFile) -> str | None:
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
        return f"has a retirement date ({entry.model.deprecated}; include_deprecated: false)"
    return None


class Prepared(NamedTuple):
    """What the screening needs of a candidate, built once per plan."""

    entry: Entry
    id: str
    family: str
    window: int | None
    fx_rate: Decimal
    static_reason: str | None


class Screened(NamedTuple):
    """A candidate screened for one workload: the reason it is excluded (None: it qualifies) and its notes."""

    entry: Entry
    id: str
    tokens: FamilyTokens
    window: int | None
    fx_rate: Decimal
    is_current: bool
    reason: str | None
    notes: list[str]


_new = tuple.__new__


class Screen(NamedTuple):
    """The workload-wide facts the screening of each candidate uses."""

    tokens: dict[str, tuple[FamilyTokens, Decimal]]  # per family: tokens and the context needed
    current_id: str | None
    explicit: set[str]  # ids the file names in candidates (not through a selector)
    first_day: dt.date  # the workload's first day in the plan
    last_day: dt.date  # the plan's last day
    free_note: str
    needed_floor: Decimal  # constraints.min_context
    per_input: bool = False  # an embedding step: limits are an input's, a request may batch several

    def candidate(self, item: Prepared, problems: list[str]) -> Screened:
        """Screen one candidate; a retired current model is also a problem of the workload.

        Runs once per (candidate, workload), ~100,000 times in a large plan: locals, not attributes."""
        entry, item_id, _family, window, fx_rate, reason = item
        tokens, needed = self.tokens[volumes_key(entry, self.tokens)]
        is_current = item_id == self.current_id
        model = entry.model
        if tokens.reasoning and not model.reasons:  # it produces none
            needed = max(needed - tokens.reasoning, self.needed_floor)
            tokens = replace(tokens, reasoning=Decimal(0))
        notes: list[str] = []
        deprecated = model.deprecated
        if deprecated is not None and deprecated <= self.last_day:
            reason = self._retirement(item, deprecated, reason, is_current, notes, problems)
        if model.free:
            notes.append(self.free_note)
        if reason is None and (
            window is None or window < needed or model.max_input_tokens or model.max_output_tokens
        ):
            reason = self._limits(item, tokens, needed)
        # tuple.__new__: a NamedTuple's own __new__ is a Python call, measurable at this count
        return _new(Screened, (entry, item_id, tokens, window, fx_rate, is_current, reason, notes))

    def _retirement(
        self,
        item: Prepared,
        deprecated: dt.date,
        reason: str | None,
        is_current: bool,
        notes: list[str],
        problems: list[str],
    ) -> str | None:
        """A model retired by the workload's first month is not ranked unless the file names it; one that
        retires within the forecast is noted with the month it can no longer be bought from (both also a
        problem of the workload when it is the current model)."""
        note = retired_note(item.entry, self.first_day, self.last_day)
        if deprecated > self.first_day:
            notes.append(note)
            if is_current:
                problems.append(f"current model {item.id} {note}")
        elif reason is None and not is_current and item.id not in self.explicit:
            reason = f"retired on {deprecated} (name it in candidates to rank it anyway)"
        else:
            notes.append(note)
            if is_current:
                problems.append(f"current model {item.id} was {note}")
        return reason

    def _limits(self, item: Prepared, tokens: FamilyTokens, needed: Decimal) -> str | None:
        """The context window, maximum input and maximum output against the workload's largest request: every
        limit it breaks, joined with `` and ``."""
        window, model = item.window, item.entry.model
        broken = []
        if window is not None and window < needed:
            broken.append(
                f"context {k_tokens(window, ROUND_FLOOR)} < needed {k_tokens(needed, ROUND_CEILING)}"
            )
        if (most_in := model.max_input_tokens) and tokens.largest_input > most_in and not self.per_input:
            broken.append(
                f"max input {k_tokens(most_in, ROUND_FLOOR)} < input {k_tokens(tokens.largest_input, ROUND_CEILING)}"
            )
        out = tokens.output + tokens.reasoning
        if (most_out := model.max_output_tokens) and out > most_out:
            broken.append(
                f"max output {k_tokens(most_out, ROUND_FLOOR)} < output {k_tokens(out, ROUND_CEILING)}"
            )
        if window is None and self.needed_floor:
            broken.append(
                f"context window unknown (min_context {k_tokens(self.needed_floor, ROUND_CEILING)})"
            )
        return " and ".join(broken) or None


def reasoning_assumption(screened: Sequence[Screened], reasoning: Decimal) -> list[str]:
    """The models the workload's reasoning tokens are not billed on (they do not reason), as an assumption."""
    plain = [s.id for s in screened if reasoning and "reasoning" not in s.entry.model.capabilities]
    if not plain:
        return []
    shown = ", ".join(plain[:8]) + (f" and {len(plain) - 8} more" if len(plain) > 8 else "")
    return [
        f"reasoning: not billed on models that do not reason (no reasoning capability on their card): {shown}"
    ]


def screen(items: Sequence[Prepared], rules: Screen, problems: list[str]) -> list[Screened]:
    """Every candidate (the current model first) screened for one workload."""
    candidate = rules.candidate
    return [candidate(item, problems) for item in items]
