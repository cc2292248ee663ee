"""Count many sources with several counters: UTF-8 files cut into safe byte segments (bounded memory),
spread over worker processes with ``jobs > 1``; stdin, pipes and UTF-16/32 files streamed in safe chunks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tokencost.inputs import UTF8, Source, TextStream, decode_bytes
from tokencost.remote import for_workers, open_any
from tokencost.tokenizers import chunking

#: (family, estimate) pairs: what to count with
CounterKey = tuple[str, bool]


@dataclass
class SourceCount:
    name: str
    tokens: dict[CounterKey, int] = field(default_factory=dict)
    #: per estimating counter key, [low, high]: the sum of each segment's band (exact keys are absent)
    ranges: dict[CounterKey, list[int]] = field(default_factory=dict)
    characters: int = 0
    bytes: int = 0
    invalid_bytes: int = 0
    #: the encoding the text was decoded from (UTF-16/32 files with a byte-order mark are decoded too)
    encoding: str = UTF8
    #: per counter key, a detail object (e.g. the messages breakdown)
    breakdown: dict = field(default_factory=dict)
    #: per counter key, what counted its partitions wherever they ran (``rs-bpe`` on Dask workers, say)
    backends: dict[CounterKey, set[str]] = field(default_factory=dict)


def _counters(keys: Sequence[CounterKey]):
    from tokencost.tokenizers import get_counter

    return [(key, get_counter(*key)) for key in keys]


def _count_text(text: str, counters) -> dict[CounterKey, tuple[int, int, int]]:
    """Per counter key, ``(tokens, low, high)`` of one piece of text."""
    return {key: counter.count_range(text) for key, counter in counters}


#: one partition of the work: (source index, path, start byte, end byte, counter keys)
Partition = tuple[int, str, int, int, tuple[CounterKey, ...]]


def count_partition(unit: Partition) -> tuple[int, dict, int, int, int, dict]:
    """Count one byte range of one file with every counter: the same function on every engine (this
    process, worker processes, Dask workers). Counters load once per process (``get_counter`` caches).
    Returns the counts, characters, bytes, invalid bytes and, per key, the backend that counted here."""
    index, path, start, end, keys = unit
    with open_any(path) as handle:
        handle.seek(start)
        data = handle.read(end - start)
    text, bad = decode_bytes(data, strip_bom=start == 0)
    counters = _counters(keys)
    backends = {key: getattr(counter, "backend", None) for key, counter in counters}
    return index, _count_text(text, counters), len(text), len(data), bad, backends


def _add(result: SourceCount, counts: dict[CounterKey, tuple[int, int, int]], counters) -> None:
    exact = {key for key, counter in counters if counter.exact}
    for key, (tokens, low, high) in counts.items():
        result.tokens[key] += tokens
        if key not in exact:
            bounds = result.ranges.setdefault(key, [0, 0])
            bounds[0] += low
            bounds[1] += high


def count_sources(
    sources: Sequence[Source],
    keys: Sequence[CounterKey],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    segment_bytes: int | None = None,
    engine=None,
) -> list[SourceCount]:
    """Token counts of every source for every counter key. ``progress(n_bytes)`` is called as work ends.

    Files are cut into partitions at safe byte positions and counted by ``engine`` (default: this machine
    with ``jobs`` processes; see ``tokencost.engines``); the partial counts are integers merged by sums, so
    the totals are identical on every engine. Pipes and non-UTF-8 files are streamed here. Partitions are
    ``segment_bytes`` long, by default the engine's own size (``engine.segment_bytes``: a Dask task costs more
    to hand out than a local one) or ``chunking.SEGMENT_BYTES``."""
    if segment_bytes is None:
        segment_bytes = getattr(engine, "segment_bytes", None) or chunking.SEGMENT_BYTES
    keys = list(dict.fromkeys(keys))  # two models of one family: count once
    results = [SourceCount(source.name) for source in sources]
    for result in results:
        result.tokens = dict.fromkeys(keys, 0)
    counters = _counters(keys)  # load in the parent: forked workers inherit them
    units: list[Partition] = []
    frozen = tuple(keys)
    for index, source in enumerate(sources):
        if source.path is None or source.size is None or source.encoding != UTF8:
            _count_stream(source, counters, results[index], progress)
            continue
        path = for_workers(str(source.path))  # workers may run in another directory, on another machine
        if source.size <= segment_bytes or not all(counter.chunk_safe for _, counter in counters):
            units.append((index, path, 0, source.size, frozen))
            continue
        with open_any(path) as handle:
            for start, end in chunking.plan_segments(handle, source.size, segment_bytes):
                units.append((index, path, start, end, frozen))

    from tokencost.tokenizers.counter import BpeCounter

    here = engine is None or getattr(engine, "name", None) == "local"  # Dask workers build their own
    if here and sum(unit[3] - unit[2] for unit in units) > BpeCounter.SMALL_TEXT:
        for _, counter in counters:
            if isinstance(counter, BpeCounter):
                counter.warm()  # build the engine once here; forked workers inherit it

    def merge(outcome) -> None:
        index, counts, chars, nbytes, bad, backends = outcome
        result = results[index]
        for key, name in backends.items():
            if name:
                result.backends.setdefault(key, set()).add(name)
        _add(result, counts, counters)
        result.characters += chars
        result.bytes += nbytes
        result.invalid_bytes += bad
        if progress is not None:
            progress(nbytes)

    if engine is None:
        from tokencost.engines.local import LocalEngine

        engine = LocalEngine(jobs)
    from tokencost.tokenizers.settings import carried

    for outcome in engine.map_unordered(carried(count_partition), units):
        merge(outcome)
    return results


def _count_stream(source: Source, counters, result: SourceCount, progress) -> None:
    stream = TextStream(source)
    done = 0
    pieces = chunking.rechunk(stream)
    if not all(counter.chunk_safe for _, counter in counters):
        pieces = iter(["".join(stream)])  # a tokenizer that cannot be cut: count the input whole
    for chunk in pieces:
        _add(result, _count_text(chunk, counters), counters)
        result.characters += len(chunk)
        if progress is not None:
            progress(stream.bytes_read - done)
            done = stream.bytes_read
    result.bytes = stream.bytes_read
    result.invalid_bytes = stream.invalid_bytes
    result.encoding = stream.encoding
