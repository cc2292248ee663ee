"""``tokencost pricing update``: plan a reviewed update of the sheets from a reference (what to change).

The plan is pure data; :mod:`tokencost.pricing.yamledit` turns it into edited YAML text. It is built on
``pricing diff``'s matching, so update and diff agree on which reference model is which of ours:

- a **changed price** is a *new* disagreement with the model's best match (a known one, recorded in
  ``reference_checks``, is left alone): it becomes a new current card dated from the reference's own date,
  ``--effective`` or today, and the old card moves to ``history``;
- a move of more than 5x either way, or to/from 0, is a likely unit error (per token vs per million)
  and is **held back** with a warning unless ``accept_large``;
- a **new model** is a reference model of a provider we have a sheet for, that no catalog name matches,
  current (not deprecated), chat, priced, and of a vendor family we carry; dated snapshots of one model
  are folded into its aliases;
- a **gone model** is one of ours for a provider the reference covers that it no longer lists: listed,
  never deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tokencost.pricing.diff import COMPARED, RefEntry, _loose, compared_prices, diff_catalog, provider_keys
from tokencost.pricing.import_common import ImportResult
from tokencost.pricing.schema import Model

#: A price moving by more than this factor either way is held back as a likely unit error.
LARGE_FACTOR = Decimal(5)
#: Name fragments of the vendors whose models we carry (hosts list far more; we add only these).
CARRIED = (
    "gpt", "o1", "o3", "o4", "codex", "claude", "gemini", "gemma", "deepseek", "qwen", "qwq", "kimi",
    "moonshot", "glm", "z-ai", "zai", "minimax", "grok", "mistral", "magistral", "codestral", "devstral",
    "ministral", "pixtral", "llama", "mimo", "step",
)  # fmt: skip
#: Names of models that are not chat models, for references that do not say (genai-prices).
NOT_CHAT = re.compile(
    r"(tts|image|embed|realtime|audio|transcribe|[-.]live|ocr|guard|moderation|robotics|rerank|whisper|"
    r"voxtral|ft:|:extended|search)",
)
_DATED = re.compile(r"[-@](\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{6})(?=$|[-:])")


@dataclass
class PriceChange:
    """A new current card for one model: the fields that move, and from when."""

    file: str
    model_id: str
    reference_key: str
    fields: dict[str, tuple[Decimal, Decimal]]  # field -> (ours, theirs)
    effective: dt.date
    held: str | None = None  # why it is held back (a likely unit error), None when applied

    def describe(self) -> str:
        moves = ", ".join(f"{name} {a} -> {b}" for name, (a, b) in self.fields.items())
        return f"{self.model_id}: {moves} from {self.effective} ({self.reference_key})"


@dataclass
class NewModel:
    file: str
    provider: str
    model: Model
    key: str


@dataclass
class UpdatePlan:
    source: str
    version: str | None
    checked: dt.date
    changes: list[PriceChange] = field(default_factory=list)
    held: list[PriceChange] = field(default_factory=list)
    added: list[NewModel] = field(default_factory=list)
    gone: list[tuple[str, str]] = field(default_factory=list)  # (model id, provider)
    skipped_new: dict[str, int] = field(default_factory=dict)  # reason -> count

    @property
    def label(self) -> str:
        return f"{self.source} {self.version}" if self.version else self.source


def plan_update(
    catalog: Any,
    files: dict[str, str],
    result: ImportResult,
    *,
    source: str,
    today: dt.date,
    effective: dt.date | None = None,
    providers: tuple[str, ...] = (),
    accept_large: bool = False,
    tolerance: Decimal = Decimal(1),
    only: tuple[str, ...] = (),
) -> UpdatePlan:
    """What an update would change in the sheets ``files`` (model id -> sheet path) of ``catalog``;
    ``only`` keeps the changes and new models with those ids (after a review of the full proposal)."""
    plan = UpdatePlan(source, result.version, today)
    wanted = {key for p in providers for key in provider_keys(p)}
    report = diff_catalog(catalog, result, source=source, tolerance=tolerance, today=today)
    entries = {entry.id: entry for entry in catalog}
    by_model: dict[str, list[Any]] = {}
    for dis in report.disagreements:
        if dis.best and dis.is_new and dis.model in files and _wanted(dis.provider, wanted):
            by_model.setdefault(dis.model, []).append(dis)
    for model_id, found in by_model.items():
        change = _change(entries[model_id].model, found, files[model_id], today, effective)
        change.held = None if accept_large else _unit_trap(change)
        (plan.held if change.held else plan.changes).append(change)
    _plan_new_models(plan, catalog, files, report.refs, result, wanted)
    if only:
        keep = {name.casefold() for name in only}
        plan.changes = [c for c in plan.changes if c.model_id.casefold() in keep]
        plan.held = [c for c in plan.held if c.model_id.casefold() in keep]
        plan.added = [n for n in plan.added if n.model.id.casefold() in keep]
    covered = {key for sheet in result.sheets for key in provider_keys(sheet)}
    for model_id in report.unmatched:
        entry = entries[model_id]
        if (
            model_id in files
            and entry.provider.id.casefold() in covered
            and _wanted(entry.provider.id, wanted)
        ):
            plan.gone.append((model_id, entry.provider.id))
    return plan


def _wanted(provider: str, wanted: set[str]) -> bool:
    return not wanted or provider.casefold() in wanted


def _change(
    model: Model, found: list[Any], file: str, today: dt.date, effective: dt.date | None
) -> PriceChange:
    ref: RefEntry = found[0].ref
    theirs = ref.model.card_in_force(today).effective_from
    ours = model.prices.effective_from
    start = effective or today
    if effective is None and theirs is not None and theirs <= today and (ours is None or theirs > ours):
        start = theirs
    fields = {d.component: (d.catalog, d.reference) for d in found}
    fields.update(_variant_moves(model.prices, ref.model.card_in_force(today)))
    return PriceChange(file, model.id, found[0].reference_key, fields, start)


def _variant_moves(ours: Any, theirs: Any) -> dict[str, tuple[Decimal, Decimal]]:
    """``batch.input``-style moves of the variants both cards have, so a new card keeps its discounts true."""
    moves = {}
    for kind, mine in ours.variants.items():
        other = theirs.variants.get(kind)
        if other is None:
            continue
        for name in COMPARED:
            a, b = getattr(mine, name), getattr(other, name)
            if a is not None and b is not None and a != b:
                moves[f"{kind}.{name}"] = (a, b)
    return moves


def _unit_trap(change: PriceChange) -> str | None:
    """Why a change looks like a unit error (per token vs per million, or a 5x move), or None."""
    for name, (ours, theirs) in change.fields.items():
        if ours == 0 or theirs == 0:
            return f"{name} {ours} -> {theirs}: a move to or from 0"
        ratio = theirs / ours
        if ratio < Decimal("1e-4") or ratio > Decimal("1e4"):
            return f"{name} {ours} -> {theirs}: looks like per token vs per million (x{ratio:.3g})"
        if ratio > LARGE_FACTOR or ratio < 1 / LARGE_FACTOR:
            return f"{name} {ours} -> {theirs}: moves more than {LARGE_FACTOR}x"
    return None


def _catalog_names(catalog: Any) -> tuple[set[str], set[tuple[str, str]]]:
    names: set[str] = set()
    loose: set[tuple[str, str]] = set()
    for entry in catalog:
        own = [entry.model.id, *entry.model.aliases]
        prefix = f"{entry.provider.id.casefold()}/"
        own += [n[len(prefix) :] for n in own if n.casefold().startswith(prefix)]
        for name in own:
            names.add(name.casefold())
            for key in provider_keys(entry.provider.id):
                loose.add((key, _loose(name)))
    return names, loose


def _skip_reason(ref: RefEntry, result: ImportResult, today: dt.date) -> str | None:
    model = ref.model
    if model.mode != "chat" or NOT_CHAT.search(model.id.casefold()):
        return f"{model.mode if model.mode != 'chat' else 'non-chat'} models"
    if model.free or ref.key.casefold().endswith(":free") or model.id.casefold().endswith(":free"):
        return "free listings"
    if model.id in result.retired or (model.deprecated and model.deprecated <= today):
        return "deprecated models"
    if not any(part in model.id.casefold() for part in CARRIED):
        return "models of vendors we do not carry"
    return None


def _plan_new_models(
    plan: UpdatePlan,
    catalog: Any,
    files: dict[str, str],
    refs: list[RefEntry],
    result: ImportResult,
    wanted: set[str],
) -> None:
    names, loose = _catalog_names(catalog)
    sheets: dict[str, str] = {}
    for entry in catalog:
        if entry.id in files:
            for key in provider_keys(entry.provider.id):
                sheets.setdefault(key, entry.provider.id)
    groups: dict[tuple[str, str], list[RefEntry]] = {}
    for ref in refs:
        provider = sheets.get(ref.provider.casefold())
        if provider is None or not _wanted(provider, wanted):
            continue
        if any(n.casefold() in names for n in ref.names) or any(
            (ref.provider.casefold(), _loose(n)) in loose for n in ref.names
        ):
            continue
        reason = _skip_reason(ref, result, plan.checked)
        if reason:
            plan.skipped_new[reason] = plan.skipped_new.get(reason, 0) + 1
            continue
        card = tuple(sorted(compared_prices(ref.model.prices).items()))
        groups.setdefault((provider, _DATED.sub("", ref.model.id).casefold(), card), []).append(ref)
    file_of = {entry.provider.id: files[entry.id] for entry in catalog if entry.id in files}
    taken = set(names)
    for (provider, _base, _card), members in groups.items():
        members.sort(key=lambda r: (bool(_DATED.search(r.model.id)), len(r.model.id), r.model.id))
        first = members[0]
        if first.model.id.casefold() in taken:
            continue
        taken.add(first.model.id.casefold())
        unique: list[str] = []
        for alias in (a for r in members for a in (r.model.id, *r.model.aliases)):
            if alias.casefold() not in taken:
                taken.add(alias.casefold())
                unique.append(alias)
        source = first.model.source or f'{plan.label} key "{first.key}"'
        model = first.model.model_copy(update={"aliases": unique, "checked": plan.checked, "source": source})
        plan.added.append(NewModel(file_of[provider], provider, model, first.key))
    plan.added.sort(key=lambda n: (n.file, n.model.id))
