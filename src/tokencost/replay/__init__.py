"""Replay real usage: read what a team actually sent (provider responses, usage exports, proxy spend logs,
Langfuse, OTel spans, request/response pairs, any CSV/JSONL through a column map), price it as billed on
the logged models, and price the same traffic on other models.

Layer: planner/replay (imports catalog, tokenizers and the cost engine; never the CLI or renderers).
``replay(...)`` returns the ``tokencost.replay/1`` document the CLI prints as JSON.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import sys
import types
from collections.abc import Sequence
from typing import Any

from tokencost.replay.record import Skip, UsageRecord

GROUP_BY = ("model", "day", "month")


def _check_group(group_by: str) -> str:
    from tokencost.errors import InputError

    if group_by in GROUP_BY or (group_by.startswith("tag:") and len(group_by) > 4):
        return group_by
    raise InputError(f"group_by must be model, day, month or tag:KEY, got {group_by!r}")


def replay(
    logs: str | os.PathLike | Sequence[str | os.PathLike],
    models: str | Sequence[str] = (),
    *,
    all_models: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    group_by: str = "model",
    source: str = "auto",
    mapping: dict[str, str] | str | None = None,
    model_map: dict[str, str] | None = None,
    currency: str | None = None,
    pricing: str | os.PathLike | Sequence[str | os.PathLike] | None = (),
    progress: Any = None,
    engine: Any = None,
    jobs: int = 1,
    scheduler: str | None = None,
    notice: Any = None,
    at: dt.date | str | None = None,
    fx: Any = None,
) -> dict[str, Any]:
    """Replay usage logs: the ``tokencost.replay/1`` document (money as decimal strings).

    ``logs``: files, directories, globs or ``-``; ``models``: candidate ids (default: estimate's default
    set; ``all_models`` every chat model); ``mapping``: the generic source's column map (a dict or
    ``"model=col,input=col"``); ``progress``: called with each record count step (for a progress bar);
    ``jobs``: worker processes that re-tokenise logged text (the result is the same as with one).
    ``engine``: None reads here in one pass; ``"local"``/``"dask"`` (with ``jobs``, ``scheduler``) or an
    engine from ``tokencost.engines.get_engine`` runs partitions there (same document byte for byte); on an
    engine ``progress`` gets (partitions done, partitions, bytes done, bytes) and ``notice`` is told what the
    user should know about the partitioning (whole-file partitions). ``since``/``until``/``at`` are dates or
    ISO ``YYYY-MM-DD`` strings; ``fx``: exchange-rate overrides (``{"CNY": 7.1}`` or ``"CNY=7.1"``).
    """
    from tokencost.costing.arguments import date_value, fx_overrides
    from tokencost.costing.models import resolve_models
    from tokencost.pricing.catalog import load_catalog, pricing_paths
    from tokencost.replay.engine import Engine
    from tokencost.replay.lookup import ModelLookup
    from tokencost.replay.partitions import PRECISION
    from tokencost.replay.pipeline import ReadStats, read_records
    from tokencost.replay.result import build
    from tokencost.replay.sources.generic import parse_map

    since, until, at = date_value(since, "since"), date_value(until, "until"), date_value(at, "at")
    fx = fx_overrides(fx)
    paths = [str(logs)] if isinstance(logs, (str, os.PathLike)) else [str(p) for p in logs]
    names = [models] if isinstance(models, str) else list(models)
    if isinstance(mapping, str):
        mapping = parse_map(mapping)
    group_by = _check_group(group_by)
    catalog = load_catalog(pricing_paths(pricing))
    candidates = resolve_models(catalog, names, (), all_models, on=at)  # the default set on --at's day
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        from tokencost.errors import InputError

        raise InputError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    if engine is not None or scheduler:
        from tokencost.replay.run import run_on_engine

        spec_args = (pricing, model_map, candidates, group_by, mapping, since, until, at)
        runner = (engine, jobs, scheduler)
        document = run_on_engine(paths, catalog, spec_args, source, runner, progress, notice)
        return build(*document, currency, fx)
    engine = Engine(ModelLookup(catalog, model_map), candidates, _check_group(group_by), at=at)
    stats = ReadStats()
    read = {"source": source, "mapping": mapping, "since": since, "until": until}
    records = read_records(paths, stats, **read, limits=engine.lookup.impossible)
    if jobs > 1 and candidates:
        from tokencost.replay.parallel import with_counts

        paired = with_counts(records, engine, jobs)
    else:
        paired = ((record, None) for record in records)
    with decimal.localcontext() as context:
        context.prec = PRECISION  # exact sums, as on partitions
        for number, (record, counts) in enumerate(paired, start=1):
            engine.add(record, counts)
            if progress is not None and number % 1000 == 0:
                progress(number)
    return build(engine, stats, currency, fx)


__all__ = ["Skip", "UsageRecord", "replay"]


class _CallableModule(types.ModuleType):
    """``tokencost.replay`` is this package once imported, and the package is also the ``replay`` function:
    ``tokencost.replay(logs, ...)`` works whether or not the subpackage was imported first."""

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return replay(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
