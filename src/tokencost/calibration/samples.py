"""Billed requests -> calibration samples: per request its tokenizer family, billed input tokens, our framing
count, and the estimator's per-group contributions of its texts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tokencost.replay.pipeline import ReadStats, read_records


@dataclass(frozen=True)
class Sample:
    billed: int
    framing: float  # tokens our chat model adds around the texts (per-message overhead, priming)
    #: the estimator's feature counts of the texts, summed (an estimated family: each weighted as the chat
    #: framing model weighs that text's tokens, ``calibration.terms``)
    features: tuple[float, ...]
    text: str  # the texts joined, for exact families' checks
    exact_text: int | None  # the exact count of the texts, for a family with an exact tokenizer
    model: str
    day: str | None
    where: str


@dataclass
class Collected:
    by_family: dict[str, list[Sample]] = field(default_factory=dict)
    exact: dict[str, bool] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    #: requests left out, with why and where: impossible billed counts, no text, unknown model
    excluded: list[tuple[str, str]] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)
    digests: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    #: ``--online``: per family, (billed count or None when it was impossible, the vendor's count) per request
    vendor: dict[str, list[tuple[int | None, int]]] = field(default_factory=dict)


#: ``--online``: the vendor's count of a logged request (its catalog entry given), or None (no endpoint)
VendorCount = Callable[[dict[str, Any], Any], "int | None"]


class _Recorder:
    """A count function that records the texts it is given and counts nothing: what the chat model frames."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> int:
        self.texts.append(text)
        return 0


def _digest(path: str) -> str:
    from tokencost.remote import open_any

    h = hashlib.sha256()
    with open_any(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _chat_of(body: Any, family: str, exact: bool) -> tuple[Any, float, tuple[float, ...] | None, list[str]]:
    """(parsed request, framing, weighted features or None, texts) of a logged body; an estimated family's
    through the chat framing model's terms (``calibration.terms``), an exact one's framing by a recorder.
    Raises InputError for a request the vendor's API would refuse."""
    from tokencost.calibration.terms import request_terms
    from tokencost.replay.requests import count_chat
    from tokencost.tokenizers.chat import parse_request

    request = parse_request(body)
    terms = None if exact else request_terms(request, family)
    if terms is not None:
        framing, weighted, texts = terms
        return request, framing, weighted, texts
    recorder = _Recorder()
    return request, count_chat(request, family, recorder), None, recorder.texts


def add_sample(out: Collected, record, lookup, vendor_count: VendorCount | None = None) -> None:
    """One record -> a sample of its family in ``out``, or an exclusion saying why (the same code on every
    engine). With ``vendor_count`` (``--online``, this process only) a request of a family with a count
    endpoint is also counted by the vendor: the billed count is checked against it, and it stands in for a
    billed count that is impossible (0, smaller than the text could be)."""
    from tokencost.errors import InputError
    from tokencost.replay.coverage import chained
    from tokencost.tokenizers import estimator, get_counter

    if record.request is None or record.aggregated:
        out.excluded.append(("no prompt text in the log", record.where))
        return
    resolved = lookup.resolve(record.model, record.host)
    if resolved.entry is None:
        out.excluded.append((f"unknown model {record.model!r}", record.where))
        return
    family = resolved.entry.model.tokenizer
    exact = get_counter(family).exact
    try:
        request, framing, weighted, texts = _chat_of(record.request, family, exact)
    except InputError as exc:  # a request the vendor's API would refuse: left out and located, as replay does
        out.excluded.append((f"request not countable ({str(exc).splitlines()[0]})", record.where))
        return
    if request.skipped_parts or request.signatures:  # billed tokens the texts cannot explain
        what = (
            "images, audio, files or server-side tools" if request.skipped_parts else "reasoning signatures"
        )
        out.excluded.append(
            (f"request holds parts that are not text ({what}), billed beyond its text", record.where)
        )
        return
    if chained(record.request):  # billed for earlier turns the log does not show
        out.excluded.append(
            ("request chained by previous_response_id / conversation, billed for earlier turns", record.where)
        )
        return
    text = "\n".join(texts)
    billed = record.input_tokens
    impossible = billed <= framing or billed * 32 < len(text)
    vendor = vendor_count(record.request, resolved.entry) if vendor_count is not None else None
    if vendor is not None:
        out.vendor.setdefault(family, []).append((None if impossible else billed, vendor))
        billed = vendor if impossible else billed
    elif impossible:
        out.excluded.append((f"impossible billed input count {record.input_tokens}", record.where))
        return
    out.exact[family] = exact
    features = [0.0] * len(estimator.FEATURES)
    if weighted is not None:
        features = list(weighted)
    else:
        for piece in texts:
            if piece:
                features = [a + b for a, b in zip(features, estimator.features(piece), strict=True)]
    out.by_family.setdefault(family, []).append(
        Sample(
            billed, framing, tuple(features), text,
            sum(get_counter(family).count(t) for t in texts) if exact else None,
            resolved.entry.id, record.time.date().isoformat() if record.time else None, record.where,
        )
    )  # fmt: skip
    out.sources.add(record.source)


def collect_samples(
    paths: Sequence[str],
    *,
    source: str = "auto",
    pricing=(),
    engine: Any = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Any = None,
    notice: Any = None,
    vendor_count: VendorCount | None = None,
) -> Collected:
    """Every billed request of ``paths`` as a sample. ``engine`` None reads here in one pass; ``"local"`` /
    ``"dask"`` (with ``jobs``, ``scheduler``) or an engine object reads partitions there, merged in order
    into the same samples (see ``calibration.partitions``). ``vendor_count``: see ``add_sample`` (here only:
    not with an engine)."""
    from tokencost.pricing.catalog import load_catalog
    from tokencost.replay.lookup import ModelLookup
    from tokencost.replay.reader import expand

    if (engine is not None or scheduler) and vendor_count is not None:
        from tokencost.errors import InputError

        raise InputError("--online counts in this process: it does not go with --engine dask or --jobs")
    if engine is not None or scheduler:
        from tokencost.calibration.partitions import collect_on_engine

        out = collect_on_engine(paths, source, pricing, (engine, jobs, scheduler), progress, notice)
    else:
        out = Collected()
        lookup = ModelLookup(load_catalog(pricing))
        for record in read_records(paths, out.stats, source=source, limits=lookup.impossible):
            add_sample(out, record, lookup, vendor_count)
    out.digests = {name: _digest(name) for name in expand(paths) if name != "-"}
    return out
