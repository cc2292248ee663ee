"""An embedding step: a workload whose model is an embedding model (documents ingested per month as its
requests, tokens per document as its input). It bills input tokens only, so output and reasoning are 0, and
it is compared with the embedding models among the candidates (the catalog's current embedding models when
the file lists none): a chat model is no alternative to an embedding model, nor the other way round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tokencost.planner.workload import Workload
from tokencost.pricing.catalog import Catalog, Entry

NOTE = (
    "embedding step: {model} bills input tokens only (requests = documents ingested, input = tokens per "
    "document); no output or reasoning tokens; compared with embedding models only"
)
CONTEXT_NOTE = (
    "context: an embedding model's context window applies per input, and a request may batch several inputs, "
    "so it is not checked against the tokens per request (min_context still is); each input must fit {fit}"
)


def is_embedding(entry: Entry | None) -> bool:
    return entry is not None and entry.model.mode == "embedding"


def embedding_candidates(catalog: Catalog, candidates: list[Entry], day: dt.date) -> list[Entry]:
    """The embedding models among ``candidates``, else every embedding model not deprecated by ``day``."""
    listed = [e for e in candidates if is_embedding(e)]
    if listed:
        return listed
    return [
        e for e in catalog.select(mode="embedding") if e.model.deprecated is None or e.model.deprecated > day
    ]


def embedding_step(
    w: Workload, current: Entry | None, catalog: Catalog, candidates: list[Entry], day: dt.date
) -> tuple[Workload, list[Entry], str | None]:
    """``(workload, candidates, note)`` for the workload's step: a chat model's workload as written with the
    chat candidates; an embedding model's with no output or reasoning tokens, embedding candidates and the
    note for the assumptions."""
    if not is_embedding(current):
        return w, [e for e in candidates if not is_embedding(e)], None
    step = w.model_copy(update={"output_tokens": Decimal(0), "reasoning_tokens": Decimal(0)})
    window = current.model.context_window  # type: ignore[union-attr]
    fit = f"{current.id}'s {window:,} tokens" if window else f"{current.id}'s window (not in the catalog)"  # type: ignore[union-attr]
    note = NOTE.format(model=current.id) + "\n" + CONTEXT_NOTE.format(fit=fit)  # type: ignore[union-attr]
    return step, embedding_candidates(catalog, candidates, day), note


def step_assumptions(assumptions: list[str], note: str | None) -> list[str]:
    """The workload's assumptions with the output/reasoning lines replaced by the embedding note."""
    if note is None:
        return assumptions
    kept = [a for a in assumptions if not a.startswith(("output:", "reasoning:"))]
    return [*kept, *note.split("\n")]
