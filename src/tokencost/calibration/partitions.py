"""Calibration samples on an engine (worker processes or a Dask cluster): the logs are cut into the same
partitions as ``replay`` (by file, and large JSONL files by line-aligned byte ranges; see
``replay.partitions``), each partition turns its records into samples with the code of the local path
(``samples.add_sample``), and the driver concatenates them in partition order with their locations moved to
file lines. The samples, their order and so the fit are those of a local read: the calibration file is the
same byte for byte. The fit itself (a few dozen unknowns) runs on the driver.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from tokencost.calibration.samples import Collected, add_sample


def sample_partition(unit: Any) -> tuple[int, int, Collected]:
    """Read one partition into samples: ``(index, lines read, Collected)``; catalogs and tokenizers load once
    per process (both are cached)."""
    from tokencost.pricing.catalog import load_catalog
    from tokencost.replay.lookup import ModelLookup
    from tokencost.replay.pipeline import records_of
    from tokencost.replay.reader import JsonlRange
    from tokencost.replay.sources import Context, by_name

    out = Collected()
    lookup = ModelLookup(load_catalog(list(unit.spec.pricing)))
    ctx = Context(
        mapping=dict(unit.spec.mapping),
        batch_inputs=dict(unit.batch_inputs or {}),
        otel_parents=set(unit.otel_parents or ()),
        earlier_ids=dict(unit.earlier_ids or {}),
        limits=lookup.impossible,
    )
    stream = unit.stream()
    for record in records_of(stream, by_name()[unit.source], ctx, out.stats, None, None):
        add_sample(out, record, lookup)
    return unit.index, stream.lines if isinstance(stream, JsonlRange) else 0, out


def merge_samples(into: Collected, part: Collected, fix: Callable[[str], str]) -> None:
    """Append one partition's samples, exclusions and read statistics (call in partition order)."""
    from tokencost.replay.partials import merge_stats

    for family, samples in part.by_family.items():
        into.by_family.setdefault(family, []).extend(
            dataclasses.replace(s, where=fix(s.where)) for s in samples
        )
    into.exact.update(part.exact)
    into.excluded.extend((reason, fix(where)) for reason, where in part.excluded)
    merge_stats(into.stats, part.stats, fix)
    into.sources |= part.sources


def collect_on_engine(
    paths: Sequence[str],
    source: str,
    pricing: Any,
    runner: tuple,
    progress: Callable[..., None] | None,
    notice: Callable[[str], None] | None,
) -> Collected:
    """The samples of ``paths`` read partition by partition on ``runner`` = ``(engine, jobs, scheduler)``."""
    from tokencost.pricing.catalog import pricing_paths
    from tokencost.remote import for_workers
    from tokencost.replay.partitions import Spec
    from tokencost.replay.run import run_partitions

    # overlay sheets by absolute path: workers elsewhere load the same catalog
    spec = Spec(tuple(for_workers(p) for p in pricing_paths(pricing)), None, (), "model", {}, None, None)
    out = Collected()
    ordered = run_partitions(sample_partition, list(paths), spec, source, out.stats, runner, progress, notice)
    for part, fix in ordered:
        merge_samples(into=out, part=part, fix=fix)
    return out
