"""Read log files into checked ``UsageRecord``s: choose each file's format (``--source auto`` sniffs the
content), stream its documents through the parser, count what is skipped by reason with the first few
locations, and keep what falls in ``--since``/``--until``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tokencost.errors import InputError
from tokencost.replay.reader import MALFORMED, DamagedFile, Document, documents, expand, open_text
from tokencost.replay.record import EARLIEST_TIME, EMPTY_BUCKET, EmptyBucket, Skip, UsageRecord
from tokencost.replay.sources import Context, by_name, parsers

#: documents looked at to recognise a file's format
SNIFF_DOCUMENTS = 50
#: locations kept per skip reason (shown on stderr)
LOCATIONS_PER_REASON = 3


@dataclass
class ReadStats:
    """What reading the logs gave: records read, skipped by reason (with first locations), ignored
    non-records (stream chunks, spans without usage, parent spans), the source chosen per file."""

    read: int = 0
    skipped: Counter = field(default_factory=Counter)
    ignored: Counter = field(default_factory=Counter)
    locations: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    filtered: int = 0
    #: of ``filtered``, records without a time (a period was asked for: they cannot be placed in it)
    filtered_untimed: int = 0
    files: int = 0
    #: records whose time was a placeholder (before ``EARLIEST_TIME``), read as without a time; first places
    placeholder_times: int = 0
    placeholder_at: list[str] = field(default_factory=list)
    #: files a directory walk or a glob found that are not usage logs (a README beside the logs): skipped
    not_logs: list[str] = field(default_factory=list)
    #: first places of each ignored kind (stream chunks, parent spans, ...), as for skips
    ignored_at: dict[str, list[str]] = field(default_factory=dict)
    #: every vendor id read (``id_key``) -> where: a later record with one is a duplicate
    ids: dict[bytes, str] = field(default_factory=dict)
    #: of the duplicates located: where -> (where the first was read, whether in this same read)
    duplicate_of: dict[str, tuple[str, bool]] = field(default_factory=dict)
    #: records that report 0 input and 0 output tokens (priced as requests at no token cost); first places
    zero_tokens: int = 0
    zero_tokens_at: list[str] = field(default_factory=list)
    #: the span of usage-report buckets with no results (no traffic then): part of the period
    empty_start: dt.datetime | None = None
    empty_end: dt.datetime | None = None
    #: per OpenAI batch *input* file, its request lines (joined to the output's records, not priced)
    batch_input_lines: dict[str, int] = field(default_factory=dict)

    def empty_bucket(self, bucket: EmptyBucket) -> None:
        """An empty report bucket: counted apart from records (located), its time kept for the period."""
        self.skip(bucket.reason, bucket.where, ignored=True)
        self.span(bucket.start, bucket.end)

    def span(self, start: dt.datetime | None, end: dt.datetime | None) -> None:
        if start is not None:
            self.empty_start = start if self.empty_start is None else min(self.empty_start, start)
        if end is not None:
            self.empty_end = end if self.empty_end is None else max(self.empty_end, end)

    def not_a_log(self, label: str) -> None:
        """A file a walk or a glob found that is in no log format: skipped, and named."""
        self.sources[label] = "not a usage log (skipped)"
        self.not_logs.append(label)

    def skip(self, reason: str, where: str, ignored: bool = False) -> None:
        (self.ignored if ignored else self.skipped)[reason] += 1
        keep_first((self.ignored_at if ignored else self.locations).setdefault(reason, []), where)

    def located(self, reason: str) -> list[str]:
        """The first places of a skip reason, a duplicate's with the place of the record it repeats."""
        return [
            f"{where} (duplicate of {self.duplicate_of[where][0]})" if where in self.duplicate_of else where
            for where in self.locations.get(reason, ())
        ]


def keep_first(places: list[str], *new: str) -> None:
    """Add ``new`` places to ``places`` while it holds fewer than ``LOCATIONS_PER_REASON`` (the first are shown)."""
    places.extend(new[: max(LOCATIONS_PER_REASON - len(places), 0)])


#: why a record is skipped that repeats one already read (its place names the first: "duplicate of ...")
DUPLICATE = "duplicate: the same record (id, model, time, token counts) was already read"


def id_key(record: UsageRecord) -> bytes:
    """A compact key (16 bytes) of a record's source and vendor id with its model, time and counts: a copy of
    a record has them all, two requests that share an id do not (Ollama's ids are ``chatcmpl-`` and a number
    below 999: its requests would otherwise be taken for each other's copies)."""
    identity = (record.source, record.record_id, record.model, record.host)
    identity += (record.time.timestamp() if record.time else None, record.input_tokens, record.output_tokens)
    identity += (record.cache_read_tokens, record.cache_write_5m_tokens, record.cache_write_1h_tokens)
    identity += (record.reasoning_tokens, record.requests)
    return hashlib.blake2b(repr(identity).encode(), digest_size=16).digest()


#: what to do with a log in another format (the hint of every "not a log" error)
GENERIC_HINT = (
    "for another CSV/JSONL log: tokencost replay --source generic --map model=COL,input=COL,output=COL"
)


def _sniff(name: str, docs: Iterator[Document], source: str) -> tuple[Any, list[Document]]:
    """The parser for a file and the documents read to choose it (to be replayed)."""
    if source != "auto":
        module = by_name().get(source)
        if module is None:
            raise InputError(f"unknown --source {source!r}", "known: auto, " + ", ".join(by_name()))
        return module, []
    head = list(itertools.islice(docs, SNIFF_DOCUMENTS))
    for module in parsers():
        if any(doc.value is not MALFORMED and module.sniff(doc) for doc in head):
            return module, head
    if not head:
        return None, head
    tried = ", ".join(m.NAME for m in parsers() if m.NAME != "generic")
    raise InputError(
        f"{name}: not a usage log format tokencost knows (tried {tried})",
        GENERIC_HINT,
    )


def _not_a_log(name: str) -> bool:
    """A file with text but no record whose first line names no model column: not an empty log's header."""
    with open_text(name) as stream:
        first = next((line for line in stream if line.strip()), "")
    return bool(first.strip()) and "model" not in first.lower()


def _is_batch_input(doc: Document) -> bool:
    value = doc.value
    return isinstance(value, dict) and "custom_id" in value and "body" in value and "response" not in value


def read_records(
    paths: Sequence[str],
    stats: ReadStats,
    *,
    source: str = "auto",
    mapping: dict[str, str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limits: Any = None,
) -> Iterator[UsageRecord]:
    """Every checked record of ``paths`` (streamed), counting the rest in ``stats``; ``limits``: see
    ``Context.limits`` (``ModelLookup.impossible``)."""
    found: set[str] = set()
    files = expand(paths, found)
    if not files:
        raise InputError("no log files found in " + ", ".join(paths))
    ctx = Context(mapping=dict(mapping or {}), limits=limits)
    chosen = choose(files, stats, source, ctx, found)
    for name, module, stdin in chosen:
        if module.NAME == "otel" and name != "-":
            for doc in documents(name):
                if doc.value is not MALFORMED and module.sniff(doc):
                    module.collect_parents(doc, ctx)
        stream = stdin if stdin is not None else documents(name)
        yield from records_of(stream, module, ctx, stats, since, until)


def choose(
    files: Sequence[str], stats: ReadStats, source: str, ctx: Context, found: Collection[str] = ()
) -> list[tuple[str, Any, Iterator[Document] | None]]:
    """Each file's parser (``stats.sources`` says which), OpenAI batch input files read into
    ``ctx.batch_inputs`` (they are joined, not priced): ``(file, parser, stdin stream or None)`` to read.
    A file of ``found`` (a directory walk's, a glob's) in no log format is skipped and named in ``stats``."""
    from tokencost.replay.requests import to_chat

    stats.files = len(files)
    chosen: list[tuple[str, Any, Iterator[Document] | None]] = []
    for name in files:
        docs = documents(name)
        label = "<stdin>" if name == "-" else name
        try:
            module, head = _sniff(name, docs, source)
        except DamagedFile:
            raise  # a log that cannot be read, not a stray file: an error in a directory walk too
        except InputError:
            if name not in found or source != "auto":
                raise
            docs.close()
            stats.not_a_log(label)
            continue
        if module is None:
            if name != "-" and _not_a_log(name):  # one line and no record: a note, not a CSV log's header
                if source != "auto" or name not in found:
                    raise InputError(f"{name}: not a usage log (one line, no records)")
                stats.not_a_log(label)
                continue
            stats.sources[label] = "empty"
            continue
        is_input = (
            module.NAME == "openai"
            and head
            and all(_is_batch_input(d) for d in head if d.value is not MALFORMED)
        )
        stats.sources[label] = "openai (batch input, joined by custom_id)" if is_input else module.NAME
        if is_input:
            lines = 0
            for doc in itertools.chain(head, docs):
                if _is_batch_input(doc):
                    ctx.batch_inputs[str(doc.value["custom_id"])] = to_chat(doc.value["body"])
                    lines += 1
            stats.batch_input_lines[label] = lines
            continue
        if name == "-":
            chosen.append((name, module, itertools.chain(head, docs)))  # stdin is read once
        else:
            docs.close()
            chosen.append((name, module, None))
    if stats.not_logs and len(stats.not_logs) == len(files):
        shown = ", ".join(stats.not_logs[:LOCATIONS_PER_REASON])
        raise InputError(
            f"no usage log among the {len(files)} file(s) found ({shown}): none is in a format tokencost knows",
            GENERIC_HINT,
        )
    return chosen


def records_of(
    stream: Any, module: Any, ctx: Context, stats: ReadStats, since: dt.date | None, until: dt.date | None
) -> Iterator[UsageRecord]:
    for doc in stream:
        if doc.value is MALFORMED:
            stats.skip(doc.problem or "malformed JSON line", doc.where)
            continue
        try:
            items = list(module.parse(doc, ctx))
        except Skip as skip:
            stats.skip(skip.reason, doc.where, skip.ignored)
            continue
        for item in items:
            if isinstance(item, Skip):
                stats.skip(item.reason, item.where or doc.where, item.ignored)
                continue
            if isinstance(item, EmptyBucket):
                if item.reason != EMPTY_BUCKET:
                    _unbilled(item, stats, since, until)
                elif _in_period(item, since, until):
                    stats.empty_bucket(item)
                continue
            item.where = item.where or doc.where
            reason = _problem(item, ctx)
            if reason is not None:
                stats.skip(reason, item.where)
                continue
            if item.record_id and _duplicate(item, ctx, stats):
                continue
            if item.time is not None and item.time < EARLIEST_TIME:
                item.time = item.time_end = item.finished = (
                    None  # a fake clock: priced as a record without a time
                )
                stats.placeholder_times += 1
                keep_first(stats.placeholder_at, item.where)
            day = item.time.date() if item.time else None
            if day is None and (since or until):  # no time: not inside the period asked for
                stats.filtered += 1
                stats.filtered_untimed += 1
                continue
            if day is not None and _outside(day, since, until):
                stats.filtered += 1
                continue
            if not item.input_tokens and not item.output_tokens:  # reported as 0: a request, said apart
                stats.zero_tokens += 1
                keep_first(stats.zero_tokens_at, item.where)
            stats.read += 1
            yield item


def _unbilled(request: EmptyBucket, stats: ReadStats, since: dt.date | None, until: dt.date | None) -> None:
    """A request no provider billed (a proxy's cache hit): counted apart, its time part of the period;
    outside ``--since``/``--until`` (or without a time when a period is asked for) counted as filtered."""
    timed = request.start is not None and request.start >= EARLIEST_TIME
    if (since or until) and not (timed and _in_period(request, since, until)):
        stats.filtered += 1
        stats.filtered_untimed += not timed
    elif timed:
        stats.empty_bucket(request)
    else:
        stats.skip(request.reason, request.where, ignored=True)


def _in_period(bucket: EmptyBucket, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether an empty bucket is evidence for the period asked for (a placeholder time never is)."""
    if bucket.start is None or bucket.start < EARLIEST_TIME:
        return False
    return not _outside(bucket.start.date(), since, until)


def _outside(day: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether ``day`` falls outside ``--since``/``--until`` (both inclusive)."""
    return bool((since and day < since) or (until and day > until))


def _problem(record: UsageRecord, ctx: Context) -> str | None:
    """Why a record cannot be priced: inconsistent counts (``UsageRecord.check``), or counts its model's
    limits make impossible (``ctx.limits``); None when it can."""
    try:
        record.check()
    except Skip as skip:
        return skip.reason
    return ctx.limits(record) if ctx.limits is not None else None


def _duplicate(record: UsageRecord, ctx: Context, stats: ReadStats) -> bool:
    """Whether a record repeats one already read (same source and vendor id: here, or in an earlier
    partition, ``ctx.earlier_ids``); counted and located with the place of the first. The first is kept."""
    key = id_key(record)
    first = stats.ids.get(key)
    here = first is not None
    if not here:
        first = ctx.earlier_ids.get(key)
    if first is None:
        stats.ids[key] = record.where
        return False
    stats.skip(DUPLICATE, record.where)
    if len(stats.duplicate_of) < LOCATIONS_PER_REASON:
        stats.duplicate_of[record.where] = (first, here)
    return True
