"""Replay on an engine (worker processes or a Dask cluster): the log is cut into partitions, by file and,
for large uncompressed JSONL files, by line-aligned byte ranges (a record is never split). Each partition
reads, parses and prices its records into a replay ``Engine`` exactly as the local path does, and returns a
small picklable partial (``partials.export``); the driver merges them in partition order, so the document
equals the local one byte for byte.

Passes that need the whole log run here, in the driver, before partitioning: choosing each file's format,
reading OpenAI batch input files (joined by custom_id), collecting OTel parent spans (each OTel file's
partition gets the parents of that file and the ones before it, as the local read does). OTel and
Anthropic stream files (events that pair across lines), ``.gz``/``.zst`` and JSON/CSV files are whole-file
partitions.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import localcontext
from typing import Any

from tokencost.errors import InputError
from tokencost.remote import for_workers, size_any
from tokencost.replay.pipeline import ReadStats, choose, records_of
from tokencost.replay.reader import MALFORMED, JsonlRange, documents, expand, is_jsonl, line_cuts
from tokencost.replay.sources import Context

#: a JSONL file larger than this is cut into line-aligned byte ranges of about this size
PARTITION_BYTES = 64 * 1024 * 1024
#: decimal digits while summing records: sums of token counts x ratios and billed costs stay exact, so
#: partial sums merge to the same totals in any grouping (Decimal addition is exact below this precision)
PRECISION = 60
#: sources whose records pair across lines (stream events) or need the file's other spans
_WHOLE_FILE_SOURCES = ("anthropic", "otel")


@dataclass(frozen=True)
class Spec:
    """What every partition needs to build the same replay engine as the driver (small, picklable)."""

    pricing: tuple[str, ...]
    model_map: dict[str, str] | None
    candidates: tuple[str, ...]
    group_by: str
    mapping: dict[str, str]
    since: dt.date | None
    until: dt.date | None
    at: dt.date | None = None


@dataclass(frozen=True)
class Unit:
    index: int
    spec: Spec
    name: str
    source: str
    start: int = 0
    end: int | None = None  # None: the whole file
    batch_inputs: dict | None = None
    otel_parents: frozenset | None = None
    size: int = 0  # bytes to read (for progress)
    path: str = ""  # what workers open (an absolute path or a URL); ``name`` labels locations
    #: ids earlier partitions read (id key -> file place): this partition's copies are duplicates (a re-run)
    earlier_ids: dict | None = None

    def stream(self):
        """The documents of this partition: the whole file, or its byte range."""
        path = self.path or self.name
        if self.end is None:
            return documents(path, self.name)
        return JsonlRange(path, self.start, self.end, self.name)


def new_engine(catalog, spec: Spec, candidates=None):
    from tokencost.replay.engine import Engine
    from tokencost.replay.lookup import ModelLookup

    if candidates is None:
        candidates = [catalog.entries[c] for c in spec.candidates]
    return Engine(ModelLookup(catalog, spec.model_map), candidates, spec.group_by, at=spec.at)


def replay_partition(unit: Unit) -> tuple[int, int, Any]:
    """Read, parse and price one partition: ``(index, lines read, partial)``. The same code as the local
    path; catalogs load once per process (``load_catalog`` caches)."""
    from tokencost.pricing.catalog import load_catalog, pricing_paths
    from tokencost.replay.partials import export
    from tokencost.replay.sources import by_name

    spec = unit.spec
    engine = new_engine(load_catalog(pricing_paths(list(spec.pricing))), spec)
    stats = ReadStats()
    ctx = Context(
        mapping=dict(spec.mapping),
        batch_inputs=dict(unit.batch_inputs or {}),
        otel_parents=set(unit.otel_parents or ()),
        earlier_ids=dict(unit.earlier_ids or {}),
        limits=engine.lookup.impossible,
    )
    stream = unit.stream()
    with localcontext() as context:
        context.prec = PRECISION
        for record in records_of(stream, by_name()[unit.source], ctx, stats, spec.since, spec.until):
            engine.add(record)
    lines = stream.lines if isinstance(stream, JsonlRange) else 0
    return unit.index, lines, export(engine, stats)


def plan(
    paths: list[str], spec: Spec, source: str, stats: ReadStats, notice: Callable[[str], None] | None
) -> list[Unit]:
    """The partitions of a replay, in the order the local path reads them (the driver-side passes done)."""
    found: set[str] = set()
    files = expand(paths, found)
    if not files:
        raise InputError("no log files found in " + ", ".join(paths))
    if "-" in files:
        raise InputError("stdin cannot be read on an engine: save it to a file (or use --engine local)")
    ctx = Context(mapping=dict(spec.mapping))
    units: list[Unit] = []
    parents: set = set()
    for name, module, _ in choose(files, stats, source, ctx, found):
        inputs = ctx.batch_inputs if module.NAME == "openai" and ctx.batch_inputs else None
        size = size_any(name)
        path = for_workers(name)
        if module.NAME == "otel":
            for doc in documents(name):
                if doc.value is not MALFORMED and module.sniff(doc):
                    module.collect_parents(doc, ctx)
            parents |= ctx.otel_parents
        whole = _whole_file_reason(name, module.NAME, size)
        if whole is not None:
            if size > PARTITION_BYTES and notice is not None:
                notice(f"{name}: read as one partition ({whole})")
            otel = frozenset(parents) if module.NAME == "otel" else None
            units.append(Unit(len(units), spec, name, module.NAME, 0, None, inputs, otel, size, path))
            continue
        cuts = line_cuts(name, size, PARTITION_BYTES)
        for start, end in itertools.pairwise(cuts):
            units.append(
                Unit(len(units), spec, name, module.NAME, start, end, inputs, None, end - start, path)
            )
    return units


def _whole_file_reason(name: str, source: str, size: int) -> str | None:
    if name.endswith((".gz", ".zst")):
        return "compressed logs cannot be cut"
    if source in _WHOLE_FILE_SOURCES:
        return f"{source} records pair across lines"
    if size <= PARTITION_BYTES:
        return "small"
    if not is_jsonl(name):
        return "a JSON document or CSV file is read whole; JSON Lines are cut into byte ranges"
    return None
