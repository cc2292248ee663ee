"""``tokencost pricing diff``: compare the catalog's prices with a reference (LiteLLM, genai-prices or
OpenRouter).

The reference is first converted by the matching importer, so both sides are per-million Decimal prices
in USD. A catalog model matches a reference entry by id, alias or the reference's own key (with or without
its provider prefix), and only when both are sold by the same provider (or, for OpenRouter, when the
reference entry is the catalog vendor's own model resold); a unique "loose" name match
(``claude-opus-4.6`` ~ ``claude-opus-4-6``) within the same provider is the fallback. Catalog sheets in
another currency than USD are not comparable and are counted as such.

Each reference entry is compared with exactly one catalog model, the most specific one that matches it:
the seller's own model (an OpenRouter entry with ``openrouter/<id>`` when the catalog has it) before the
vendor's model it resells, an exact id before an alias, an exact name before a loose one. A ``:free``
variant is compared only with a free model: a free tier is a different offer, not a price of the paid one.
genai-prices entries also match every name their own match rules accept (``claude-opus-4-6-20260101``).

Both sides are compared on the card in force on the day of the diff (a scheduled change counts once it
starts): the base components and each long-context tier both have. A disagreement is *known* when the
model's ``reference_checks`` record this reference's figure for the field (or the figure equals an earlier
card of ours: the reference is stale), and *new* otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tokencost.pricing.import_common import ImportResult
from tokencost.pricing.schema import Model, PriceCard, ReferenceCheck

#: Columns of the disagreement table: (row key, header).
DIFF_COLUMNS = [
    ("model", "model"),
    ("provider", "provider"),
    ("reference", "reference key"),
    ("component", "component"),
    ("catalog", "catalog/M"),
    ("reference_price", "reference/M"),
    ("difference", "diff"),
    ("status", "status"),
]

#: The components compared, in display order.
COMPARED = ("input", "output", "cache_read", "cache_write", "cache_write_1h")

#: Provider ids that name the same seller in LiteLLM, OpenRouter and our sheets.
PROVIDER_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        {"google", "gemini", "google-ai-studio", "google-ai", "vertex_ai-language-models"},
        {"vertex_ai", "vertex", "google-vertex", "vertex-ai"},
        {"alibaba", "dashscope", "qwen", "alibaba-cloud", "alibaba-intl"},
        {"zai", "z-ai", "zhipu", "zhipuai", "z.ai"},
        {"xiaomi", "xiaomi_mimo", "mimo"},
        {"mistral", "mistralai"},
        {"moonshot", "moonshotai", "kimi"},
        {"bedrock", "bedrock_converse", "aws-bedrock", "amazon-bedrock", "aws"},
        {"together", "together_ai", "togetherai"},
        {"fireworks", "fireworks_ai", "fireworks-ai"},
        {"azure", "azure-openai", "azure_openai", "azure_ai", "azure_text", "azure-ai"},
        {"meta", "meta_llama", "meta-llama"},
        {"amazon", "amazon_nova", "amazon-nova"},
        {"xai", "x-ai", "x.ai"},
        {"bytedance", "volcengine", "bytedance-seed", "doubao"},
        {"cohere", "cohere_chat"},
        {"minimax", "minimaxai"},
        {"deepseek", "deepseek-ai"},
        {"stepfun", "stepfun-ai", "step"},
        {"openrouter"},
    )
)


#: Vendors whose own list prices are those of one host (Amazon's Nova models are sold through Bedrock).
HOME_HOSTS: dict[str, frozenset[str]] = {"amazon": frozenset({"bedrock", "bedrock_converse"})}


def provider_keys(provider_id: str) -> frozenset[str]:
    """Every name of a provider (its synonym group), casefolded."""
    key = provider_id.casefold()
    for group in PROVIDER_SYNONYMS:
        if key in group:
            return group
    return frozenset({key})


def _loose(name: str) -> str:
    return re.sub(r"[\s._:-]+", "", name.casefold())


@dataclass
class RefEntry:
    """One reference model, converted: our id, the reference's key, who sells it, its names."""

    model: Model
    key: str
    provider: str
    creator: str | None
    names: set[str]

    def sold_by(self, provider_id: str) -> str | None:
        """How this entry relates to a catalog provider: 'same provider', 'home host', 'creator', or None."""
        mine = provider_keys(provider_id)
        if self.provider.casefold() in mine:
            return "same provider"
        if self.provider.casefold() in HOME_HOSTS.get(provider_id.casefold(), ()):
            return "home host"
        if self.creator and self.creator.casefold() in mine:
            return "creator"
        return None


@dataclass
class Disagreement:
    model: str
    provider: str
    reference_key: str
    component: str
    catalog: Decimal
    reference: Decimal
    percent: Decimal | None  # None when the reference price is 0 and ours is not
    known: ReferenceCheck | None = None  # the model's recorded check of this figure, when there is one
    history_match: str | None = None  # effective_from of a history card with the reference's price
    ref: RefEntry | None = field(default=None, repr=False)  # the reference model compared
    best: bool = True  # compared with the model's best match (not an entry only an alias names)

    @property
    def status(self) -> str:
        """``known: VERDICT``, ``known: stale (= ours from DATE)`` or ``new``."""
        if self.known is not None:
            return f"known: {self.known.verdict}"
        if self.history_match:
            return f"known: stale (= ours from {self.history_match})"
        return "new"

    @property
    def is_new(self) -> bool:
        return self.known is None and self.history_match is None

    def as_row(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "provider": self.provider,
            "reference": self.reference_key,
            "component": self.component,
            "catalog": self.catalog,
            "reference_price": self.reference,
            "difference": format_percent(self.percent),
            "status": self.status,
        }


@dataclass
class Match:
    model: str
    provider: str
    reference_key: str
    how: str
    ref: RefEntry | None = field(default=None, repr=False, compare=False)


@dataclass
class DiffReport:
    source: str
    reference: str
    version: str | None
    tolerance: Decimal
    catalog_models: int = 0
    matches: list[Match] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    not_comparable: list[tuple[str, str]] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (model, component, which side)
    refs: list[RefEntry] = field(default_factory=list, repr=False)  # every reference model, with its names

    @property
    def models_disagreeing(self) -> int:
        return len({d.model for d in self.disagreements})

    @property
    def new(self) -> list[Disagreement]:
        """Disagreements no reference check (nor an earlier card of ours) accounts for."""
        return [d for d in self.disagreements if d.is_new]


def format_percent(percent: Decimal | None) -> str:
    if percent is None:
        return "reference is 0"
    return f"{percent:+.1f}%"


def reference_entries(result: ImportResult, source: str) -> list[RefEntry]:
    """The converted reference models with every name they are known by."""
    entries = []
    for provider_id, sheet in result.sheets.items():
        for model in sheet.models:
            key = result.keys.get(model.id, model.id)
            names = {model.id, *model.aliases, key}
            if model.id.casefold().startswith(f"{provider_id}/"):
                names.add(model.id[len(provider_id) + 1 :])
            creator = model.creator
            if source == "openrouter" and model.serves:
                names.add(model.serves)
            entries.append(RefEntry(model, key, provider_id, creator, {n for n in names if n}))
    return entries


def _percent(ours: Decimal, theirs: Decimal) -> Decimal | None:
    if theirs == 0:
        return None if ours != 0 else Decimal(0)
    return (ours - theirs) / theirs * 100


def diff_catalog(
    catalog: Any, result: ImportResult, *, source: str, tolerance: Decimal, today: dt.date | None = None
) -> DiffReport:
    """Compare every catalog model the reference also has; see the module docstring for matching.

    Besides the best match, every other reference entry that one of the model's aliases names exactly
    (same seller) is compared too: an alias promises the same price, so a differently priced snapshot or
    regional endpoint behind an alias is a disagreement worth seeing."""
    today = today or dt.date.today()
    report = DiffReport(source, result.reference, result.version, tolerance)
    refs = report.refs = reference_entries(result, source)
    entries = sorted(catalog, key=lambda e: (e.provider.id, e.id))
    _claim_by_rules(entries, refs, result)
    by_name: dict[str, list[RefEntry]] = {}
    by_loose: dict[str, list[RefEntry]] = {}
    for ref in refs:
        for name in ref.names:
            by_name.setdefault(name.casefold(), []).append(ref)
            by_loose.setdefault(_loose(name), []).append(ref)
    considered: list[tuple[Any, list[tuple[tuple[int, ...], RefEntry, str]]]] = []
    for entry in entries:
        report.catalog_models += 1
        model = entry.model
        if entry.currency != "USD":
            report.not_comparable.append((model.id, f"prices in {entry.currency}; the reference is USD"))
            continue
        considered.append((entry, _candidates(model, entry.provider.id, by_name, by_loose)))
    # every reference entry goes to the one catalog model that matches it most specifically
    owner: dict[int, tuple[tuple[int, ...], int]] = {}
    for order, (_entry, candidates) in enumerate(considered):
        for score, ref, _how in candidates:
            if id(ref) not in owner or (score, order) < owner[id(ref)]:
                owner[id(ref)] = (score, order)
    for order, (entry, candidates) in enumerate(considered):
        model = entry.model
        found = _ranked([c for c in candidates if owner[id(c[1])][1] == order])
        if not found:
            report.unmatched.append(model.id)
            continue
        report.matches.append(Match(model.id, entry.provider.id, found[0][0].key, found[0][1], found[0][0]))
        ours = compared_prices(model.card_in_force(today))
        for position, (ref, _how) in enumerate(found):
            theirs = compared_prices(ref.model.card_in_force(today))
            for component in sorted(set(ours) | set(theirs), key=_field_order):
                a, b = ours.get(component), theirs.get(component)
                if a is None or b is None:
                    if position == 0 and "." not in component:
                        side = "catalog" if a is None else "reference"
                        report.missing.append((model.id, component, f"absent in {side}"))
                    continue
                percent = _percent(a, b)
                if percent is None or abs(percent) > tolerance:
                    known = _known(model, source, component, b)
                    report.disagreements.append(
                        Disagreement(
                            model.id,
                            entry.provider.id,
                            ref.key,
                            component,
                            a,
                            b,
                            percent,
                            known,
                            None if known else _history_match(model, component, b),
                            ref,
                            position == 0,
                        )
                    )
    return report


def compared_prices(card: PriceCard) -> dict[str, Decimal]:
    """The compared figures of a card: base components, then ``tier>N.COMPONENT`` for each tier."""
    out = {name: value for name in COMPARED if (value := getattr(card, name)) is not None}
    for tier in card.tiers:
        for name in COMPARED:
            value = getattr(tier, name)
            if value is not None:
                out[f"tier>{tier.above}.{name}"] = value
    return out


def _field_order(name: str) -> tuple[int, str]:
    base = name.rsplit(".", 1)[-1]
    return (COMPARED.index(base) if base in COMPARED else len(COMPARED), name)


def _claim_by_rules(entries: list[Any], refs: list[RefEntry], result: ImportResult) -> None:
    """Give each catalog name to the first reference model whose own match rules accept it (genai-prices
    resolves a model name this way), so dated ids and spelling variants match."""
    if not result.matchers:
        return
    by_id = {ref.model.id: ref for ref in refs}
    rules: dict[str, list[tuple[RefEntry, Any]]] = {}
    for model_id, (provider, rule) in result.matchers.items():
        if model_id in by_id:
            rules.setdefault(provider.casefold(), []).append((by_id[model_id], rule))
    for entry in entries:
        mine = provider_keys(entry.provider.id) | HOME_HOSTS.get(entry.provider.id.casefold(), frozenset())
        model = entry.model
        names = [model.id, *model.aliases]
        prefix = f"{entry.provider.id.casefold()}/"
        names += [n[len(prefix) :] for n in names if n.casefold().startswith(prefix)]
        for provider in mine & rules.keys():
            for name in names:
                lowered = name.casefold()
                ref = next((ref for ref, rule in rules[provider] if rule(lowered)), None)
                if ref is not None:
                    ref.names.add(name)


def _known(model: Model, source: str, component: str, reference: Decimal) -> ReferenceCheck | None:
    """The model's recorded check of this reference's figure for ``component``, if any."""
    for check in model.reference_checks:
        same = check.reference.casefold() == source.casefold() and check.field == component
        if same and (check.theirs is None or check.theirs == reference):
            return check
    return None


def _history_match(model: Model, component: str, reference: Decimal) -> str | None:
    """The start date of an earlier card of ours whose price equals the reference's: a stale reference."""
    for card in reversed(model.history):
        if compared_prices(card).get(component) == reference:
            return card.effective_from.isoformat() if card.effective_from else "the first card"
    return None


def _is_free_variant(name: str) -> bool:
    return name.casefold().endswith(":free")


def _comparable(model: Model, ref: RefEntry) -> bool:
    """False for a free tier against a paid model (``stepfun/step-3.5-flash:free`` vs ``step-3.5-flash``)."""
    return model.free or not (_is_free_variant(ref.key) or _is_free_variant(ref.model.id))


def _candidates(
    model: Model,
    provider_id: str,
    by_name: dict[str, list[RefEntry]],
    by_loose: dict[str, list[RefEntry]],
) -> list[tuple[tuple[int, ...], RefEntry, str]]:
    """Every reference entry ``model`` could be compared with, as (score, entry, how); lower is more specific.

    The score is (seller: same provider 0, home host 1, creator 2, loose name 3; exact id or key 0, other
    name 1; position of the name in the model's id and aliases)."""
    names = [model.id, *model.aliases]
    if model.id.casefold().startswith(f"{provider_id.casefold()}/"):
        names.append(model.id[len(provider_id) + 1 :])
    scored: dict[int, tuple[tuple[int, ...], RefEntry, str]] = {}
    for position, name in enumerate(names):
        for ref in by_name.get(name.casefold(), []):
            relation = ref.sold_by(provider_id)
            if relation is None or not _comparable(model, ref):
                continue
            exact = name.casefold() in (ref.model.id.casefold(), ref.key.casefold())
            score = ({"same provider": 0, "home host": 1}.get(relation, 2), 0 if exact else 1, position)
            how = ("id" if position == 0 else "alias") + (
                "" if relation == "same provider" else f" ({relation})"
            )
            if id(ref) not in scored or score < scored[id(ref)][0]:
                scored[id(ref)] = (score, ref, how)
    if scored:
        return list(scored.values())
    loose = {
        id(ref): ref
        for name in names
        for ref in by_loose.get(_loose(name), [])
        if ref.sold_by(provider_id) == "same provider" and _comparable(model, ref)
    }
    if len(loose) == 1:
        return [((3, 0, 0), next(iter(loose.values())), "loose name")]
    return []


def _ranked(candidates: list[tuple[tuple[int, ...], RefEntry, str]]) -> list[tuple[RefEntry, str]]:
    """The best match first, then every other entry an alias names exactly (same seller or home host)."""
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda item: item[0])
    best = ranked[0]
    others = [item for item in ranked[1:] if item[0][0] <= 1 and item[0][1] == 0]
    return [(best[1], best[2])] + [(item[1], item[2]) for item in others]


# -- rendering -------------------------------------------------------------------------------------------------
def diff_document(report: DiffReport, show_unmatched: bool = True) -> dict[str, Any]:
    return {
        "schema": "tokencost.pricing-diff/1",
        "source": report.source,
        "reference": report.reference,
        "reference_version": report.version,
        "tolerance_percent": report.tolerance,
        "catalog_models": report.catalog_models,
        "matched": len(report.matches),
        "unmatched": len(report.unmatched),
        "not_comparable": len(report.not_comparable),
        "models_disagreeing": report.models_disagreeing,
        "new": len(report.new),
        "disagreements": [
            {
                "model": d.model,
                "provider": d.provider,
                "reference_key": d.reference_key,
                "component": d.component,
                "catalog": d.catalog,
                "reference": d.reference,
                "difference_percent": None if d.percent is None else d.percent.quantize(Decimal("0.01")),
                "status": "new" if d.is_new else "known",
                "verdict": d.known.verdict if d.known else ("stale" if d.history_match else None),
                "reason": d.known.reason if d.known else None,
                "reference_equals_history_from": d.history_match,
            }
            for d in report.disagreements
        ],
        "matches": [
            {"model": m.model, "provider": m.provider, "reference_key": m.reference_key, "how": m.how}
            for m in report.matches
        ],
        "missing_components": [
            {"model": model, "component": component, "where": where}
            for model, component, where in report.missing
        ],
        "unmatched_models": report.unmatched if show_unmatched else None,
        "not_comparable_models": [{"model": m, "reason": r} for m, r in report.not_comparable],
    }


def summary_lines(report: DiffReport) -> list[str]:
    version = f" {report.version}" if report.version else ""
    return [
        f"reference: {report.source}{version} ({report.reference})",
        f"catalog models: {report.catalog_models}; matched: {len(report.matches)}; "
        f"unmatched: {len(report.unmatched)}; not comparable (currency): {len(report.not_comparable)}",
        f"disagreements over {report.tolerance}%: {len(report.disagreements)} price(s) on "
        f"{report.models_disagreeing} model(s); new (no reference check, no earlier card of ours): "
        f"{len(report.new)}",
    ]
