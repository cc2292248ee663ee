"""Embedding and chat traffic compared apart: an embedding record is priced on embedding candidates only and a
chat record on chat candidates only (``engine.kind``), each candidate's ``x actual`` against its own kind's
traffic as logged, and what a comparison leaves out is said."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokencost.currency import format_money
from tokencost.replay.engine import Engine, kind

ZERO = Decimal(0)


def actual_by_kind(engine: Engine, per_model: dict[str, Decimal], problems: dict) -> dict[str, list]:
    """``{kind: [records, computed cost as logged]}`` over the priced logged models, first-seen order."""
    out: dict[str, list] = {}
    for model_id, totals in engine.actual.items():
        entry = engine.resolved[model_id].entry
        assert entry is not None
        part = out.setdefault(kind(entry), [0, ZERO])
        part[0] += totals.records
        part[1] += per_model[model_id] if model_id not in problems else ZERO
    return out


def notes(engine: Engine, by_kind: dict[str, list], currency: str) -> list[str]:
    """What each comparison covers when the log or the candidates mix embedding and chat models."""
    if not engine.candidates:
        return []
    offered = {kind(entry) for entry in engine.candidates}
    out = []
    for name, (records, cost) in by_kind.items():
        if name not in offered:
            out.append(
                f"{records:,} {name} record(s) ({format_money(cost, currency)} as logged) left out of the candidates' "
                f"comparison: no {name} model among the candidates (name one with -m)"
            )
    if len(by_kind) > 1 and len(offered) > 1:
        out.append(
            "embedding records are priced on embedding candidates only and chat records on chat candidates "
            "only; each candidate's 'x actual' is against its own kind's traffic as logged"
        )
    for entry in engine.candidates:
        if kind(entry) not in by_kind and by_kind:
            out.append(f"{entry.id}: no {kind(entry)} records in the log to price it on")
    return out


def kind_of(engine: Engine, model_id: str) -> str:
    entry = next(e for e in engine.candidates if e.id == model_id)
    return kind(entry)


def base(by_kind: dict[str, list], engine: Engine, model_id: str) -> Any:
    """The actual cost a candidate is compared with: its own kind's traffic as logged."""
    return by_kind.get(kind_of(engine, model_id), [0, ZERO])[1]
