"""The replay document's view of the logged model ids: for each id (and the host its log named) the card
that priced it and the resolver's rule, the ids left unpriced (ambiguous ones with their candidates, never
guessed) and the self-hosted ids (no vendor price: their own group)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokencost.costing.result import money_text
from tokencost.pricing.resolve import Resolution
from tokencost.replay.engine import Engine, ModelTotals
from tokencost.replay.lookup import suggestions


def logged_ids(engine: Engine) -> list[dict[str, Any]]:
    """One row per (logged id, host) in first-seen order: ``catalog_id``, ``resolved_by`` and the rest."""
    rows = []
    for (logged, host), records in engine.logged_ids.items():
        found = engine.lookup.resolve(logged, host)
        rows.append(
            {
                "logged_id": logged,
                "host": host,
                "records": records,
                "catalog_id": found.catalog_id,
                "resolved_by": found.resolved_by,
                "normalised_by": list(found.normalised_by),
                "self_hosted": found.self_hosted,
                "ambiguous": list(found.ambiguous),
                "alternatives": list(found.alternatives),
            }
        )
    return rows


def loose_notes(engine: Engine) -> list[str]:
    """A note per logged id the resolver matched only loosely (``gpt4o`` taken as ``gpt-4o``): said, never
    done silently (the wording of ``estimate``'s and ``plan``'s notice, ``cli._common.loose_match_notice``)."""
    out = []
    for (logged, host), records in engine.logged_ids.items():
        found = engine.lookup.resolve(logged, host)
        if found.resolved_by == "loose":
            out.append(
                f"logged model {logged!r} is not an id or alias; taken as {found.catalog_id} (a loose match, "
                f"{records:,} record(s): name it exactly or map it with --model-map to be sure)"
            )
    return out


def _first(engine: Engine, model: str, self_hosted: bool) -> Resolution | None:
    """The first resolution of ``model`` (over the hosts records named) that left it unpriced that way."""
    for logged, host in engine.logged_ids:
        if logged == model:
            found = engine.lookup.resolve(logged, host)
            if found.entry is None and found.self_hosted == self_hosted:
                return found
    return None


def _totals_row(model: str, totals: ModelTotals) -> dict[str, Any]:
    counts = totals.counts
    return {
        "model": model,
        "requests": counts["requests"],
        "records": totals.records,
        "input_tokens": counts["input_tokens"],
        "output_tokens": counts["output_tokens"],
    }


def unknown_models(engine: Engine) -> list[dict[str, Any]]:
    """Ids no card prices: the host named, the candidates of an ambiguous id, else suggestions."""
    rows = []
    for model, totals in engine.unknown.items():
        found = _first(engine, model, False)
        row = {key: value for key, value in _totals_row(model, totals).items() if "tokens" not in key}
        row["host"] = found.host if found is not None else None
        row["ambiguous"] = list(found.ambiguous) if found is not None else []
        row["suggestions"] = list(suggestions(engine.lookup.catalog, found)) if found is not None else []
        row["first_at"] = list(totals.where)
        rows.append(row)
    return rows


def self_hosted_models(engine: Engine, costs: Mapping[tuple, Decimal]) -> list[dict[str, Any]]:
    """Self-hosted ids (``name:tag``, a self-hosted host): no vendor cost; the API card of the same model and
    what the traffic would cost on each candidate (``costs`` by (candidate id, logged id), display currency)."""
    rows = []
    for model, totals in engine.self_hosted.items():
        found = _first(engine, model, True)
        api = found.alternatives[0] if found is not None and found.alternatives else None
        on = {c.id: money_text(costs[(c.id, model)]) for c in engine.candidates if (c.id, model) in costs}
        rows.append(
            {
                **_totals_row(model, totals),
                "self_hosted": True,
                "api_equivalent": api,
                "on_candidates": on,
                "notes": sorted(totals.notes),  # why a candidate's price may not hold on the records' days
            }
        )
    return rows
