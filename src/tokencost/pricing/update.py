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

from tokencost.errors import InputError, closest
from tokencost.pricing.diff import COMPARED, RefEntry, _loose, compared_prices, diff_catalog, provider_keys
from tokencost.pricing.import_common import ImportResult
from tokencost.pricing.schema import HistoricalCard, Model

#: A price moving by more than this factor either way is held back as a likely unit error.
LARGE_FACTOR = Decimal(5)
#: Name fragments of the vendors whose models we carry (hosts list far more; we add only these).
CARRIED = (
    "gpt", "o1", "o3", "o4", "codex", "claude", "gemini", "gemma", "deepseek", "qwen", "qwq", "kimi",
    "moonshot", "glm", "z-ai", "zai", "minimax", "grok", "mistral", "magistral", "codestral", "devstral",
    "ministral", "pixtral", "llama", "mimo", "step", "hunyuan", "hy4", "seed", "doubao", "ernie", "nova",
)  # fmt: skip
#: Names of models that are not chat models, for references that do not say (genai-prices).
NOT_CHAT = re.compile(
    r"(tts|image|embed|realtime|audio|transcribe|[-.]live|ocr|guard|moderation|robotics|rerank|whisper|"
    r"voxtral|ft:|:extended|search)",
)
#: A regional or geographic endpoint of a host (``us.anthropic...``, ``bedrock/eu-west-1/...``): the sheets carry
#: the base id (Bedrock's global card), so these are folded into its aliases at the same price or skipped.
_REGIONAL = re.compile(r"(^|/)((us|eu|apac|au|jp|ca|in|us-gov|global|regional)[./]|[a-z]{2}(-[a-z]+)+-\d/)")
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
class HistoryFill:
    """Earlier cards the reference dates and we lack, for a model whose current card agrees with it."""

    file: str
    model_id: str
    reference_key: str
    effective: dt.date  # the start of our (so far undated) current card
    cards: list[HistoricalCard]


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
    #: (model id, file) of every model that matched with no new disagreement
    confirmed: list[tuple[str, str]] = field(default_factory=list)
    history: list[HistoryFill] = field(default_factory=list)
    started: list[tuple[str, str, dt.date]] = field(default_factory=list)  # scheduled cards now in force
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
    disagreeing = {d.model for d in report.disagreements}
    for match in report.matches:
        if match.model in files and match.model not in by_model and _wanted(match.provider, wanted):
            plan.confirmed.append((match.model, files[match.model]))
            model = entries[match.model].model
            fill = None if match.model in disagreeing else _history_fill(model, match, result, today)
            if fill is not None and fill[1]:
                plan.history.append(HistoryFill(files[match.model], match.model, match.reference_key, *fill))
    for model_id, file in files.items():
        entry = entries[model_id]
        first = entry.model.scheduled[0] if entry.model.scheduled else None
        if first is not None and first.effective_from <= today and _wanted(entry.provider.id, wanted):
            plan.started.append((model_id, file, first.effective_from))
    _plan_new_models(plan, catalog, files, report.refs, result, wanted)
    if only:
        ours = {*files, *(n.model.id for n in plan.added)}
        keep = _check_only(only, ours | {m.id for sheet in result.sheets.values() for m in sheet.models})
        plan.changes = [c for c in plan.changes if c.model_id.casefold() in keep]
        plan.held = [c for c in plan.held if c.model_id.casefold() in keep]
        plan.added = [n for n in plan.added if n.model.id.casefold() in keep]
        plan.history = [h for h in plan.history if h.model_id.casefold() in keep]
        plan.started = [s for s in plan.started if s[0].casefold() in keep]
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


def _check_only(only: tuple[str, ...], known: set[str]) -> set[str]:
    """The ids ``--model`` keeps (casefolded). ``none`` keeps nothing (``--mark-checked`` alone); any other
    id neither in the sheets nor the reference is an input error with suggestions, never an empty update."""
    by_fold = {name.casefold(): name for name in known}
    for name in only:
        if name.casefold() != "none" and name.casefold() not in by_fold:
            close = closest(name.casefold(), by_fold)
            hint = "did you mean: " + ", ".join(close) if close else "see the full proposal"
            raise InputError(f"--model: {name!r} is not a model of the sheets or the reference", hint)
    return {name.casefold() for name in only}


def _history_fill(
    model: Model, match: Any, result: ImportResult, today: dt.date
) -> tuple[dt.date, list[HistoricalCard]] | None:
    """(start of our current card, the reference's earlier cards) when we have no history and an undated
    current card that agrees with the reference's dated one; None otherwise (a history of our own, or
    time-of-day prices the reference's cards leave out, is reviewed by hand)."""
    ref = match.ref
    start = ref.model.prices.effective_from if ref is not None else None
    if start is None or start > today or model.history or model.prices.effective_from is not None:
        return None
    if ref.model.id in result.windowed:
        return None
    return start, list(ref.model.history)


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
        names.update(name.casefold() for name in own)
        prefix = f"{entry.provider.id.casefold()}/"
        own += [n[len(prefix) :] for n in own if n.casefold().startswith(prefix)]
        for name in own:  # a host's unprefixed name only counts within that host
            for key in provider_keys(entry.provider.id):
                loose.add((key, _loose(name)))
    return names, loose


def _skip_reason(ref: RefEntry, result: ImportResult, today: dt.date) -> str | None:
    model = ref.model
    if model.mode != "chat" or NOT_CHAT.search(model.id.casefold()):
        return f"{model.mode if model.mode != 'chat' else 'non-chat'} models"
    if model.free or ref.key.casefold().endswith(":free") or model.id.casefold().endswith(":free"):
        return "free listings"
    if model.id.casefold().endswith(":batch"):
        return "batch listings (a variant, not a model)"
    if "/~" in model.id or model.id.startswith("~"):
        return "router pointers (~vendor/model-latest)"
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
        if entry.id in files and entry.currency == "USD":  # the references price in USD
            for key in provider_keys(entry.provider.id):
                sheets.setdefault(key, entry.provider.id)
    groups: dict[tuple[str, str], list[RefEntry]] = {}
    for ref in refs:
        provider = sheets.get(ref.provider.casefold())
        if provider is None or not _wanted(provider, wanted):
            continue
        if any(n.casefold() in names or _DATED.sub("", n).casefold() in names for n in ref.names) or any(
            (ref.provider.casefold(), _loose(n)) in loose for n in ref.names
        ):
            continue  # one of ours (or a dated snapshot of one)
        reason = _skip_reason(ref, result, plan.checked)
        if reason:
            plan.skipped_new[reason] = plan.skipped_new.get(reason, 0) + 1
            continue
        card = tuple(sorted(compared_prices(ref.model.prices).items()))
        base = _DATED.sub("", _REGIONAL.sub(r"\1", ref.model.id)).casefold()
        groups.setdefault((provider, base, card), []).append(ref)
    file_of = {entry.provider.id: files[entry.id] for entry in catalog if entry.id in files}
    vendor_ids = {
        _loose(e.id): e.id for e in catalog if e.provider.kind.value == "vendor" and "/" not in e.id
    }
    kinds = {e.provider.id: e.provider.kind.value for e in catalog}
    taken = set(names)
    for (provider, _base, _card), members in groups.items():
        members.sort(key=lambda r: (_variant_rank(r.model.id), len(r.model.id), r.model.id))
        first = members[0]
        if _REGIONAL.search(first.model.id):
            plan.skipped_new["regional endpoints (the sheets carry the base id)"] = plan.skipped_new.get(
                "regional endpoints (the sheets carry the base id)", 0
            ) + len(members)
            continue
        if first.model.id.casefold() in taken:
            continue
        taken.add(first.model.id.casefold())
        unique: list[str] = []
        for alias in (a for r in members for a in (r.model.id, *r.model.aliases)):
            if alias.casefold() not in taken:
                taken.add(alias.casefold())
                unique.append(alias)
        source = first.model.source or f'{plan.label} key "{first.key}"'
        model_id = _our_prefix(first.model.id, first.provider, provider)
        if "/" not in model_id:  # vendor ids are lower case (lookup is case-insensitive anyway)
            model_id = model_id.lower()
        if model_id != first.model.id and model_id.casefold() in taken - {first.model.id.casefold()}:
            continue
        taken.add(model_id.casefold())
        if (
            kinds.get(provider) == "aggregator"
        ):  # its ids carry vendor/model; such an alias shadows the vendor's
            unique = [a for a in unique if a.casefold().startswith(f"{provider.casefold()}/")]
        update = {"id": model_id, "aliases": unique, "checked": plan.checked, "source": source}
        if "/" in model_id and first.model.serves is None:  # a host's model: say whose and which
            update["serves"] = _serves(model_id, vendor_ids)
            update["creator"] = first.model.creator or (
                catalog.find(update["serves"]).provider.id if update["serves"] else None
            )
        model = first.model.model_copy(update=update)
        plan.added.append(NewModel(file_of[provider], provider, model, first.key))
    plan.added.sort(key=lambda n: (n.file, n.model.id))


def _variant_rank(model_id: str) -> tuple[bool, bool]:
    """Base ids first: not regional, then not dated."""
    return (bool(_REGIONAL.search(model_id)), bool(_DATED.search(model_id)))


def _our_prefix(model_id: str, theirs: str, ours: str) -> str:
    """``vertex_ai/x`` as our sheet spells its ids (``vertex/x``)."""
    prefix = f"{theirs}/"
    if theirs.casefold() != ours.casefold() and model_id.casefold().startswith(prefix.casefold()):
        return f"{ours}/{model_id[len(prefix) :]}"
    return model_id


def _serves(model_id: str, vendor_ids: dict[str, str]) -> str | None:
    """The vendor model a host entry serves, when its name (without host path or ``vendor.`` prefix) is one."""
    name = model_id.rsplit("/", 1)[-1]
    for candidate in (name, name.split(".", 1)[-1], _DATED.sub("", name.split(".", 1)[-1])):
        found = vendor_ids.get(_loose(candidate))
        if found:
            return found
    return None
