"""Which card prices a model id as a log writes it: an explainable chain of rules, first unique answer wins.

``resolve(catalog, logged_id, host=..., model_map=...)`` tries, in order: a user mapping; the id or an
alias as written; normalised forms (host prefixes, Gemini ``models/``, Vertex ``publishers/.../models/``
and ``@version``, Bedrock region prefixes, ``vendor.model`` and ``-v1:0``, OpenRouter ``:free`` etc.,
date suffixes, ``-latest``), each looked up on the named host first; the host id tables (a host's own id
without its prefix); the model's reference card when several hosts sell it; a unique loose match. A
``name:tag`` id (Ollama, vLLM) is self-hosted. Anything still ambiguous is reported with its candidates.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tokencost.errors import InputError
from tokencost.pricing import hosts as H
from tokencost.pricing.id_forms import Form, is_self_hosted_tag, normal_forms, split_forms

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tokencost.pricing.catalog import Catalog, Entry

#: the rules, in the order they are tried (``Resolution.resolved_by`` is one of them, or None)
RULES = ("map", "exact", "case", "normalised", "host", "host-id", "reference", "loose", "self-hosted")


@dataclass(frozen=True)
class Resolution:
    """The answer for one logged id: the card (or none), the rule that chose it, and why."""

    logged_id: str
    entry: Entry | None
    resolved_by: str | None  # one of RULES; None when unresolved
    host: str | None = None  # the host used (named, or implied by the id's shape)
    host_named: bool = False  # True when the caller named the host (then no other host's card is used)
    normalised_by: tuple[str, ...] = ()  # normalisation steps applied (bedrock-region, date-suffix, ...)
    alternatives: tuple[str, ...] = ()  # other cards that sell the same model
    ambiguous: tuple[str, ...] = ()  # candidates when no unique answer exists
    self_hosted: bool = False
    chain: tuple[str, ...] = field(default=(), compare=False)  # human lines, one per rule that decided
    #: the target a user mapping (``--map``, ``model_map``) gave the id, when it resolved to no card
    bad_map_target: str | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.entry is not None

    @property
    def catalog_id(self) -> str | None:
        return self.entry.id if self.entry is not None else None

    @property
    def card(self) -> Entry | None:
        return self.entry

    @property
    def provider(self) -> str | None:
        return self.entry.provider.id if self.entry is not None else None

    @property
    def loose(self) -> bool:
        """True when the id did not name the card as written (a notice should say what it resolved to)."""
        return self.entry is not None and self.resolved_by not in ("exact", "case")

    def notice(self) -> str | None:
        """One line for the CLI when the match was not exact: ``'x' resolved to y (rule: ...)``."""
        if not self.loose:
            return None
        others = f"; also sold as {', '.join(self.alternatives[:4])}" if self.alternatives else ""
        return f"{self.logged_id!r} resolved to {self.catalog_id} ({self._rule_text()}){others}"

    def _rule_text(self) -> str:
        steps = f": {', '.join(self.normalised_by)}" if self.normalised_by else ""
        return f"rule {self.resolved_by}{steps}"

    def explain(self) -> str:
        """The chain as text: each rule that decided, then the outcome and the alternatives."""
        lines = [f"{self.logged_id}", *(f"  {line}" for line in self.chain)]
        if self.entry is not None:
            lines.append(f"  => {self.entry.id} ({self.entry.provider.id}, {self._rule_text()})")
        elif self.self_hosted:
            lines.append("  => self-hosted: no vendor price")
        elif self.ambiguous:
            lines.append(f"  => ambiguous: {', '.join(self.ambiguous)}")
        else:
            lines.append("  => unresolved")
        if self.alternatives:
            lines.append(f"  alternatives: {', '.join(self.alternatives)}")
        return "\n".join(lines)

    def to_document(self) -> dict:
        """The JSON view (``models --resolve --format json``, replay and check documents)."""
        return {
            "logged_id": self.logged_id,
            "catalog_id": self.catalog_id,
            "provider": self.provider,
            "resolved_by": self.resolved_by,
            "normalised_by": list(self.normalised_by),
            "host": self.host,
            "host_named": self.host_named,
            "self_hosted": self.self_hosted,
            "alternatives": list(self.alternatives),
            "ambiguous": list(self.ambiguous),
            "chain": list(self.chain),
        }


# -- the catalog's view for resolving ------------------------------------------------------------------------
class _View:
    """Indexes the resolver needs beyond the catalog's own: host prefixes and same-model groups."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.kind = {e.provider.id: e.provider.kind.value for e in catalog}
        self.prefixes: dict[str, set[str]] = {}
        for entry in catalog:
            pid = entry.provider.id
            self.prefixes.setdefault(pid, {pid})
            for name in (entry.id, *entry.model.aliases):
                head = name.split("/", 1)[0].casefold() if "/" in name else None
                if head and H.HOST_PREFIXES.get(head) == pid:
                    self.prefixes[pid].add(head)
        self.groups: dict[str, list[Entry]] = {}
        self.key: dict[str, str] = {}
        for entry in catalog:
            key = self._group_key(entry)
            self.key[entry.id] = key
            self.groups.setdefault(key, []).append(entry)

    def lookup(self, name: str) -> Entry | None:
        return self.catalog._lookup(name)

    def direct(self, name: str) -> tuple[Entry | None, str | None]:
        """The entry ``name`` names (id or alias), or ``creator/name`` whose creator matches; and the step."""
        entry = self.lookup(name)
        if entry is not None:
            return entry, None
        if "/" in name:
            prefix, rest = name.split("/", 1)
            entry = self.lookup(rest)
            if entry is not None:
                creator = H.CREATOR_NAMES.get(prefix.casefold(), prefix.casefold())
                if creator in (entry.provider.id.casefold(), entry.creator.casefold()):
                    return entry, "creator-prefix"
        return None, None

    def host_hits(self, name: str, host: str | None) -> list[Entry]:
        """Cards of ``host`` (of every host when None) whose id is ``host-prefix/name``."""
        hosts = list(H.host_providers(host)) if host else sorted(self.prefixes)
        hits: list[Entry] = []
        for pid in hosts:
            for prefix in sorted(self.prefixes.get(pid, {pid})):
                entry = self.lookup(f"{prefix}/{name}")
                if entry is not None and entry.provider.id == pid and entry not in hits:
                    hits.append(entry)
        return hits

    def group(self, entry: Entry) -> list[Entry]:
        return self.groups.get(self.key.get(entry.id, entry.id), [entry])

    def reference(self, entries: list[Entry]) -> Entry | None:
        """The reference card shared by ``entries`` (the vendor's own, or the declared default host's)."""
        keys = {self.key.get(e.id, e.id) for e in entries}
        if len(keys) != 1:
            return None
        key = keys.pop()
        return self.catalog.entries.get(key)

    def _group_key(self, entry: Entry) -> str:
        model = entry.model
        if model.serves:
            target = self.lookup(model.serves)
            return target.id if target is not None else model.serves.casefold()
        if "/" not in entry.id and self.kind.get(entry.provider.id) == "vendor":
            return entry.id
        base = _base_name(entry.id, entry.provider.id)
        target, _ = self.direct(base)
        if target is not None and target.id != entry.id:
            return target.id if target.model.serves is None else self._group_key(target)
        return entry.id if target is not None else "~" + _loose(base)


def _loose(name: str) -> str:
    return re.sub(r"[\s._:-]+", "", name.casefold())


def _base_name(model_id: str, provider_id: str) -> str:
    """A host card's model name without host, org and version decorations: ``bedrock/openai.gpt-oss-120b-1:0``
    -> ``gpt-oss-120b``; ``fireworks/deepseek-v3p2`` -> ``deepseek-v3.2``."""
    name = model_id
    if name.casefold().startswith(provider_id.casefold() + "/"):
        name = name[len(provider_id) + 1 :]
    forms, _, _ = normal_forms(name)
    name = forms[-1].text if any("bedrock" in s for s in forms[-1].steps) else name
    name = name.rsplit("/", 1)[-1]
    if provider_id == "fireworks":
        name = re.sub(r"(\d)p(\d)", r"\1.\2", name)
    return name


_VIEWS: dict[int, tuple[weakref.ref, _View]] = {}


def _view(catalog: Catalog) -> _View:
    found = _VIEWS.get(id(catalog))
    if found is not None and found[0]() is catalog:
        return found[1]
    view = _View(catalog)
    _VIEWS[id(catalog)] = (weakref.ref(catalog), view)
    weakref.finalize(catalog, _VIEWS.pop, id(catalog), None)
    return view


# -- user mappings -------------------------------------------------------------------------------------------
_SCOPE: ContextVar[Mapping[str, str] | None] = ContextVar("tokencost_model_map", default=None)


@contextmanager
def model_map_scope(model_map: Mapping[str, str] | None, *, override: bool = True) -> Iterator[None]:
    """Every lookup inside the ``with`` also uses ``model_map`` (``--map`` on plan and check reach the
    planner's lookups this way, without a parameter threaded through every layer); ``override=False``
    keeps the outer scope's entries where both name a key (a workload file's map under ``--map``)."""
    outer, inner = _SCOPE.get() or {}, model_map or {}
    token = _SCOPE.set({**outer, **inner} if override else {**inner, **outer})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def scoped() -> bool:
    """True inside a ``model_map_scope`` with entries (the catalog's fast path checks it)."""
    return bool(_SCOPE.get())


def effective_map(catalog: Catalog, model_map: Mapping[str, str] | None) -> dict[str, str]:
    """The sheets' ``model_map`` sections, then the scope's, then ``model_map``: later wins; keys casefolded."""
    merged: dict[str, str] = {}
    for layer in (getattr(catalog, "model_map", None) or {}, _SCOPE.get() or {}, model_map or {}):
        merged.update({str(k).strip().casefold(): v for k, v in layer.items()})
    return merged


# -- the rules -----------------------------------------------------------------------------------------------
def resolve(
    catalog: Catalog,
    logged_id: str,
    *,
    host: str | None = None,
    model_map: Mapping[str, str] | None = None,
) -> Resolution:
    """The card that prices ``logged_id`` (as a log or a user writes it) and how it was chosen.

    ``host`` is the host the record names (a provider id or a log's spelling: ``openrouter``,
    ``aws.bedrock``, ``together_ai``, ``ollama``...); when given, no other host's card is used.
    ``model_map`` maps logged ids (Azure deployment names, in-house aliases) to catalog ids."""
    if not isinstance(logged_id, str):
        raise InputError(
            f"model name must be a str (an id or alias), got {type(logged_id).__name__} {logged_id!r}"
        )
    raw = logged_id.strip()
    if not raw:
        raise InputError("model name is empty")
    return _resolve(_view(catalog), raw, host, effective_map(catalog, model_map))


def _resolve(view: _View, raw: str, host: str | None, mapping: Mapping[str, str]) -> Resolution:
    if mapping:
        mapped = _mapped(view, raw, host, mapping)
        if mapped is not None:
            return mapped
    if H.is_self_hosted_host(host):
        return _self_hosted(view, raw, f"host {host!r} is a self-hosted serving stack")
    named = H.canonical_host(host)
    forms, implied, prefixed, self_hosted = split_forms(raw)
    if self_hosted:
        return _self_hosted(view, forms[-1].text, "the id's prefix names a self-hosted serving stack")
    if named in H.PASS_THROUGH_HOSTS:  # the router's provider decides the price: use the id's own shape
        found = _resolve(view, raw, None, {})
        note = f"host {named} bills the price of the provider it routes to: the id's own shape decides"
        return replace(found, chain=(note, *found.chain))
    if named is None and prefixed is not None:
        found = _walk(view, raw, forms, prefixed, named=True)
    elif named is None and implied is not None:
        found = _walk(view, raw, forms, implied, named=False)
    else:
        found = _walk(view, raw, forms, named, named=named is not None)
    if found is not None:
        return found
    if is_self_hosted_tag(raw):
        return _self_hosted(view, raw, "a name:tag id (Ollama, vLLM, LM Studio) is a self-hosted model")
    return _last_resort(view, raw, named)


def _walk(view: _View, raw: str, forms: list[Form], host: str | None, named: bool) -> Resolution | None:
    for form in forms:
        if host is not None:
            hits = view.host_hits(form.text, host)
            if len(hits) == 1:
                chain = [*_form_chain(form), f"host {host}: its id {form.text!r} is {hits[0].id}"]
                rule = "host" if named else _form_rule(raw, form, hits[0])
                return _resolved(view, raw, hits[0], rule, form, host, named, chain)
            if len(hits) > 1:
                return _ambiguous(raw, hits, host, named, f"host {host} has several cards for {form.text!r}")
        entry = view.lookup(form.text)
        if entry is not None and (host is None or entry.provider.id in H.host_providers(host)):
            return _resolved(
                view, raw, entry, _form_rule(raw, form, entry), form, host, named, _form_chain(form)
            )
        if entry is not None:
            return _on_host(view, raw, entry, form, host, named)
        creator, step = view.direct(form.text)
        if host is None:
            found = _any_host(view, raw, form, creator)
            if found is not None:
                return found
            continue
        if creator is not None:
            form = Form(form.text, (*form.steps, step))
            if creator.provider.id in H.host_providers(host):
                return _resolved(view, raw, creator, "normalised", form, host, named, _form_chain(form))
            return _on_host(view, raw, creator, form, host, named)
    return None


def _any_host(view: _View, raw: str, form: Form, creator: Entry | None) -> Resolution | None:
    """No host known: a host's own id without its prefix (unique), the vendor's card under a ``creator/``
    prefix, or the reference card when several cards fit."""
    hits = view.host_hits(form.text, None)
    if creator is not None and creator not in hits:
        if not hits:
            form = Form(form.text, (*form.steps, "creator-prefix"))
            return _resolved(view, raw, creator, "normalised", form, None, False, _form_chain(form))
        hits = [creator, *hits]
    if len(hits) == 1:
        chain = [*_form_chain(form), f"host id table: only {hits[0].provider.id} writes {form.text!r}"]
        return _resolved(view, raw, hits[0], "host-id", form, None, False, chain)
    if len(hits) > 1:
        ref = view.reference(hits)
        names = ", ".join(e.id for e in hits)
        if ref is None:
            return _ambiguous(raw, hits, None, False, f"no host named and {names} all fit {form.text!r}")
        why = _reference_reason(view, ref)
        chain = [*_form_chain(form), f"no host named; {len(hits)} cards fit {form.text!r}: {names}", why]
        return _resolved(view, raw, ref, "reference", form, None, False, chain)
    return None


def _on_host(view: _View, raw: str, entry: Entry, form: Form, host: str, named: bool) -> Resolution:
    """``entry`` matched but is another provider's card: use ``host``'s card of the same model."""
    same = [e for e in view.group(entry) if e.provider.id in H.host_providers(host)]
    chain = [*_form_chain(form), f"{form.text!r} is {entry.id} ({entry.provider.id})"]
    if len(same) == 1:
        chain.append(f"host {host}: its card for the same model is {same[0].id}")
        return _resolved(view, raw, same[0], "host", form, host, named, chain)
    if len(same) > 1:
        return _ambiguous(raw, same, host, named, f"host {host} has several cards for {entry.id}")
    others = tuple(e.id for e in view.group(entry))
    if named:
        chain.append(f"host {host} named, and no card of {host} sells it: not priced on another host")
        return Resolution(raw, None, None, host, True, form.steps, others, (), False, tuple(chain))
    chain.append(f"the id's shape implies host {host}, which has no card for it: priced on {entry.id}")
    return _resolved(view, raw, entry, _form_rule(raw, form, entry), form, host, False, chain)


def _resolved(
    view: _View,
    raw: str,
    entry: Entry,
    rule: str,
    form: Form,
    host: str | None,
    named: bool,
    chain: list[str],
) -> Resolution:
    others = tuple(e.id for e in view.group(entry) if e.id != entry.id)
    if others and not named and rule not in ("reference",) and host is None:
        chain = [*chain, _reference_reason(view, entry) if view.reference([entry]) is entry else ""]
        chain = [line for line in chain if line]
    if host is not None and entry.provider.id != host and entry.provider.id in H.host_providers(host):
        chain = [*chain, f"host {host} bills {entry.provider.id}'s own models at {entry.provider.id}'s card"]
    steps = tuple(s for s in form.steps if s)
    return Resolution(raw, entry, rule, host, named, steps, others, (), False, tuple(chain))


def _reference_reason(view: _View, ref: Entry) -> str:
    count = len(view.group(ref)) - 1
    if view.kind.get(ref.provider.id) == "vendor" and ref.provider.id == ref.creator:
        why = f"{ref.id} is the model's reference card (the vendor's own API, {ref.provider.id})"
    else:
        why = f"{ref.id} is the model's reference card (its declared default host, {ref.provider.id})"
    return f"{why}; {count} other card(s) sell it" if count else why


def _ambiguous(raw: str, hits: list[Entry], host: str | None, named: bool, why: str) -> Resolution:
    ids = tuple(e.id for e in hits)
    chain = (f"{why}: not guessed; name one (--provider or --map)",)
    return Resolution(raw, None, None, host, named, (), (), ids, False, chain)


def _form_rule(raw: str, form: Form, entry: Entry) -> str:
    if form.steps:
        return "normalised"
    return "exact" if raw in (entry.id, *entry.model.aliases) else "case"


def _form_chain(form: Form) -> list[str]:
    return [f"normalised ({', '.join(form.steps)}): {form.text!r}"] if form.steps else []


def _mapped(view: _View, raw: str, host: str | None, model_map: Mapping[str, str]) -> Resolution | None:
    target = model_map.get(raw.casefold())
    if target is None:
        return None
    inner = _resolve(view, target.strip(), None, {})  # a mapping's target is a catalog id, never mapped again
    chain = (f"--map / model_map: {raw!r} -> {target!r}", *inner.chain)
    if inner.entry is None:
        return Resolution(raw, None, None, host, False, (), (), inner.ambiguous, False, chain, target.strip())
    return Resolution(raw, inner.entry, "map", host, False, (), inner.alternatives, (), False, chain)


def _self_hosted(view: _View, raw: str, why: str) -> Resolution:
    """Self-hosted traffic: no vendor price; ``alternatives`` holds the API card of the same model, if any."""
    name = raw.rsplit("/", 1)[-1]
    chain = [why]
    alternatives: tuple[str, ...] = ()
    entry = None
    for api_name in dict.fromkeys((name.replace(":", "-"), name.split(":", 1)[0])):
        found = _resolve(view, api_name, None, {}) if ":" not in api_name else None
        if found is not None and found.entry is not None and found.resolved_by != "loose":
            entry = found.entry
            break
    if entry is not None:
        alternatives = (entry.id, *(e.id for e in view.group(entry) if e.id != entry.id))
        chain.append(f"on an API the same model is {entry.id}")
    return Resolution(raw, None, "self-hosted", None, False, (), alternatives, (), True, tuple(chain))


def _last_resort(view: _View, raw: str, host: str | None) -> Resolution:
    ids = view.catalog._loose_ids(raw)
    if host is not None:
        ids = {i for i in ids if view.catalog.entries[i].provider.id in H.host_providers(host)}
    if len(ids) == 1:
        entry = view.catalog.entries[next(iter(ids))]
        chain = [f"loose match (ignoring case, spaces, '.', '-', '_', ':'): {entry.id}"]
        return _resolved(view, raw, entry, "loose", Form(raw), host, host is not None, chain)
    if len(ids) > 1:
        return _ambiguous(
            raw, [view.catalog.entries[i] for i in sorted(ids)], host, host is not None, "loose"
        )
    chain = (f"no rule matched{f' on host {host}' if host else ''}",)
    return Resolution(raw, None, None, host, host is not None, (), (), (), False, chain)


def parse_model_map(items: Sequence[str] | Mapping[str, str] | None, name: str = "--map") -> dict[str, str]:
    """``["LOGGED=CATALOG", ...]`` (or a mapping) as a dict; InputError naming ``name`` for a bad item."""
    if items is None:
        return {}
    if isinstance(items, Mapping):
        pairs = list(items.items())
    elif isinstance(items, str):
        raise InputError(f"{name}: expected a list of LOGGED=CATALOG items, got the str {items!r}")
    else:
        pairs = []
        for item in items:
            logged, eq, target = str(item).partition("=")
            if not eq:
                raise InputError(f"{name} {item!r}: expected LOGGED=CATALOG (e.g. prod-gpt4o=gpt-4o)")
            pairs.append((logged, target))
    out: dict[str, str] = {}
    for logged, target in pairs:
        if (
            not isinstance(logged, str)
            or not isinstance(target, str)
            or not logged.strip()
            or not target.strip()
        ):
            raise InputError(f"{name}: {logged!r}={target!r} needs a logged id and a catalog id")
        out[logged.strip()] = target.strip()
    return out
