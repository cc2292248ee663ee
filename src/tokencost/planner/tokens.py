"""Turning a workload into token volumes per tokenizer family: its sample files counted with each family's
tokenizer (each file read and counted once per family), or its given token counts converted with the
measured ratios between tokenizers."""

from __future__ import annotations

import glob as globlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokencost.errors import InputError
from tokencost.planner.ratios import ratio, ratio_table
from tokencost.planner.workload import Workload, where

DEFAULT_OUTPUT_RATIO = Decimal("0.25")
MAX_SAMPLE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CountInfo:
    """How the tokens of one family were obtained."""

    family: str
    exact: bool
    method: str
    error_band: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "exact": self.exact,
            "method": self.method,
            "error_band": self.error_band,
        }


@dataclass(frozen=True)
class FamilyTokens:
    """Average (and largest) tokens per request in one family."""

    input: Decimal
    largest_input: Decimal
    output: Decimal
    reasoning: Decimal
    count: CountInfo
    samples: tuple[Decimal, ...] = ()  # input tokens of each sample request (real text only)
    #: inclusive (low, high) of ``input`` when the count is an estimate (None: exact, low = high = input)
    bounds: tuple[Decimal, Decimal] | None = None
    #: (low, high) of each sample request, beside ``samples``
    sample_bounds: tuple[tuple[Decimal, Decimal], ...] = ()
    #: output and reasoning were given in this family's tokens: they do not move with the input's bounds
    fixed_output: bool = False


class SampleCounts:
    """Counts of sample files per family, each file read and counted once per family."""

    def __init__(self, estimate_only: bool) -> None:
        self.estimate_only = estimate_only
        self._texts: dict[Path, str] = {}
        self._chats: dict[Path, list] = {}  # the chat requests of each chat sample file
        self._counts: dict[tuple[Path, str, bool], tuple[int, ...]] = {}
        self._bounds: dict[tuple[Path, str, bool], tuple[tuple[int, int], ...]] = {}
        #: tokens of the text alone (a chat's content, without its framing and tool definitions)
        self._content: dict[tuple[Path, str, bool], tuple[int, ...]] = {}
        self.skipped_parts: dict[Path, int] = {}  # non-text parts (images, audio) of each chat sample
        self.signed_parts: dict[Path, int] = {}  # parts carrying reasoning signatures (billed, unseen)

    def counter(self, family: str):
        from tokencost.tokenizers import get_counter

        return get_counter(family, estimate=self.estimate_only)

    def text(self, path: Path) -> str:
        if path not in self._texts:
            from tokencost.yamlio import read_text_file

            text = read_text_file(path, "prompt file", max_bytes=MAX_SAMPLE_BYTES)
            if not text.strip():
                raise InputError(f"{path}: the sample file is empty")
            self._texts[path] = text
        return self._texts[path]

    def count(self, path: Path, family: str, chat: bool, model: str | None = None) -> tuple[int, ...]:
        """Input tokens of each sample request in ``path`` for ``family``: one for a text file, one per
        request for a chat file (a JSONL of logged requests is a list of samples, each its own request)."""
        key = (path, family, chat, model)
        if key not in self._counts:
            counter = self.counter(family)
            tally = None
            if chat:
                from tokencost.tokenizers.messages import count_requests, parse_requests, request_bounds
                from tokencost.tokenizers.ranges import RangeTally

                if path not in self._chats:
                    requests = parse_requests(self.text(path), str(path))
                    if not requests or not any(r.messages for r in requests):
                        raise InputError(f"{path}: no chat messages found")
                    self._chats[path] = requests
                counted, bounds = [], []
                for r in self._chats[path]:
                    tally = None if counter.exact else RangeTally(counter)
                    one = count_requests([r], family, tally or counter.count, model, counter.exact)
                    counted.append(one)
                    text = (one.tokens, one.tokens) if tally is None else tally.bounds(one.tokens)
                    bounds.append(request_bounds(one.tokens, text, one.error, counter.exact))
                self.skipped_parts[path] = sum(c.skipped_parts for c in counted)
                self.signed_parts[path] = sum(c.unknown_parts for c in counted)
                self._counts[key] = tuple(c.tokens for c in counted)
                self._bounds[key] = tuple(bounds)
                self._content[key] = tuple(c.content for c in counted)
            else:
                n, low, high = counter.count_range(self.text(path))
                self._counts[key] = self._content[key] = (n,)
                self._bounds[key] = ((low, high),)
        return self._counts[key]

    def bounds(
        self, path: Path, family: str, chat: bool, model: str | None = None
    ) -> tuple[tuple[int, int], ...]:
        """Inclusive (low, high) of each of ``count``'s sample requests (equal to the count when exact)."""
        self.count(path, family, chat, model)
        return self._bounds[(path, family, chat, model)]

    def content(self, path: Path, family: str, chat: bool, model: str | None = None) -> tuple[int, ...]:
        """Like ``count``, the tokens of the text alone: what scales output between tokenizers (a Claude
        tool prompt is input framing, not a sign that Claude's replies take more tokens)."""
        self.count(path, family, chat, model)
        return self._content[(path, family, chat, model)]


def sample_files(
    workload: Workload, index: int, base_dir: Path, text: str, source: str
) -> tuple[list[Path], bool]:
    chat = workload.messages is not None
    raw = workload.messages if chat else workload.prompt
    patterns = [raw] if isinstance(raw, str) else list(raw or [])
    key = "messages" if chat else "prompt"
    paths: list[Path] = []
    for pattern in patterns:
        full = Path(pattern).expanduser()
        full = full if full.is_absolute() else base_dir / full
        if globlib.has_magic(str(full)):
            matched = sorted(Path(p) for p in globlib.glob(str(full), recursive=True) if Path(p).is_file())
            if not matched:
                raise InputError(
                    f"{where(text, source, 'workloads', index, key)}: workloads[{index}].{key}: "
                    f"{pattern!r} matches no file (relative to {base_dir})"
                )
            paths.extend(matched)
        else:
            if not full.is_file():
                what = (
                    f"{pattern!r} is a directory (give files or a glob such as '{pattern.rstrip('/')}/*.txt')"
                    if full.is_dir()
                    else f"file {pattern!r} not found"
                )
                raise InputError(
                    f"{where(text, source, 'workloads', index, key)}: workloads[{index}].{key}: "
                    f"{what} (relative to {base_dir})"
                )
            paths.append(full)
    return list(dict.fromkeys(paths)), chat


def sample_counts(
    paths: Sequence[Path], chat: bool, families: Sequence[str], estimate_only: bool
) -> dict[str, tuple[Decimal, Decimal, CountInfo]]:
    """(mean, largest, how) tokens per request of the sample files for each family; empty without files."""
    if not paths:
        return {}
    counts = SampleCounts(estimate_only)
    out = {}
    for family in families:
        counter = counts.counter(family)
        numbers = [n for p in paths for n in counts.count(p, family, chat)]
        method = counter.method + (" + chat overhead" if chat else "")
        out[family] = (
            Decimal(sum(numbers)) / len(numbers),
            Decimal(max(numbers)),
            CountInfo(counter.family, counter.exact, method, counter.error_band),
        )
    return out


class WorkloadTokens:
    """Tokens per request of each workload in each family, with the plan-wide caches (sample counts,
    conversion ratios, conversion notes) shared by all workloads of a plan."""

    def __init__(self, estimate_only: bool) -> None:
        self.counts = SampleCounts(estimate_only)
        self._ratios: dict[tuple[str, str, str], tuple[Decimal, str]] = {}
        self._family_info: dict[str, CountInfo] = {}

    def ratio(self, from_family: str, to_family: str, language: str) -> tuple[Decimal, str]:
        key = (from_family, to_family, language)
        if key not in self._ratios:
            self._ratios[key] = ratio(from_family, to_family, language)
        return self._ratios[key]

    def skipped_parts(self, samples: Sequence[Path], chat: bool) -> int:
        """Non-text parts (images, audio) of the chat samples, which are not counted."""
        return sum(self.counts.skipped_parts.get(p, 0) for p in samples) if chat else 0

    def signed_parts(self, samples: Sequence[Path], chat: bool) -> int:
        """Parts of the chat samples with reasoning signatures: billed for context we cannot see."""
        return sum(self.counts.signed_parts.get(p, 0) for p in samples) if chat else 0

    def family_tokens(
        self,
        w: Workload,
        families: Sequence[str],
        base: str,
        samples: list[Path],
        chat: bool,
        framed: Mapping[str, tuple[str, str]] | None = None,
    ) -> dict[str, FamilyTokens]:
        """Per family: the samples counted (output and reasoning scaled by the family's ratio to ``base``), or
        the given counts (in ``base``) converted. ``framed``: chat samples are also counted under each
        ``framing_key`` as its (family, model) frames them (GPT-5 apart from GPT-4o)."""
        if samples:
            return self._from_samples(w, families, base, samples, chat, framed or {})
        return self._from_given(w, families, base)

    def _from_samples(
        self,
        w: Workload,
        families: Sequence[str],
        base: str,
        samples: list[Path],
        chat: bool,
        framed: Mapping[str, tuple[str, str]],
    ) -> dict[str, FamilyTokens]:
        output = w.output_tokens
        reasoning = w.reasoning_tokens or Decimal(0)
        per_family: dict[str, tuple[Decimal, Decimal, CountInfo, tuple[Decimal, ...], tuple]] = {}
        keys = {f: (f, None) for f in dict.fromkeys([base, *families])}
        if chat:
            keys.update(framed)
        for key, (family, model) in keys.items():
            counter = self.counts.counter(family)
            numbers = [n for p in samples for n in self.counts.count(p, family, chat, model)]
            method = counter.method + (" + chat overhead" if chat else "")
            info = CountInfo(counter.family, counter.exact, method, counter.error_band)
            bounds = self._sample_bounds(samples, family, chat, model) if chat or not counter.exact else ()
            if counter.exact and all(low == high for low, high in bounds):
                bounds = ()  # exact text and no fitted framing (a plain GPT-4o chat): no range
            per_family[key] = (
                Decimal(sum(numbers)) / len(numbers),
                Decimal(max(numbers)),
                info,
                tuple(Decimal(n) for n in numbers),
                bounds,
            )
        text = {  # output and reasoning scale by the tokenizers' counts of the text alone
            f: sum(n for p in samples for n in self.counts.content(p, f, chat))
            for f in dict.fromkeys(f for f, _ in keys.values())
        }
        text_base = text[base]
        out: dict[str, FamilyTokens] = {}
        for family in [*families, *(k for k in keys if k not in families and k != base)]:
            mean, largest, info, each, bounds = per_family[family]
            own = text[keys[family][0]]  # a framing key: its family's text count
            r = Decimal(own) / text_base if text_base else Decimal(1)
            out_tokens = output * r if output is not None else mean * DEFAULT_OUTPUT_RATIO
            out[family] = FamilyTokens(
                mean, largest, out_tokens, reasoning * r, info, each,
                _mean_bounds(bounds), bounds, fixed_output=output is not None and keys[family][0] == base,
            )  # fmt: skip
        return out

    def _sample_bounds(
        self, samples: list[Path], family: str, chat: bool, model: str | None
    ) -> tuple[tuple[Decimal, Decimal], ...]:
        return tuple(
            (Decimal(low), Decimal(high))
            for p in samples
            for low, high in self.counts.bounds(p, family, chat, model)
        )

    def _from_given(self, w: Workload, families: Sequence[str], base: str) -> dict[str, FamilyTokens]:
        output = w.output_tokens
        reasoning = w.reasoning_tokens or Decimal(0)
        language = w.language or "mixed"
        given = w.input_tokens or Decimal(0)
        out: dict[str, FamilyTokens] = {}
        for family in families:
            r, how = self.ratio(base, family, language)
            info = self._conversion_info(base, family, language, r, how)
            inp = given * r
            out_tokens = (output * r) if output is not None else inp * DEFAULT_OUTPUT_RATIO
            band = None if info.exact or info.error_band is None else Decimal(str(info.error_band))
            bounds = None if band is None else (max(Decimal(0), inp * (1 - band)), inp * (1 + band))
            out[family] = FamilyTokens(inp, inp, out_tokens, reasoning * r, info, bounds=bounds)
        return out

    def _conversion_info(self, base: str, family: str, language: str, r: Decimal, how: str) -> CountInfo:
        if family == base:
            return CountInfo(family, True, f"given:{base}")
        key = f"{base}>{family}>{language}"
        info = self._family_info.get(key)
        if info is None:
            basis = "exact" if "exact" in how else "estimator"
            info = CountInfo(
                family, False, f"converted:{base}->{family} x{r} ({basis} ratio)", spread(base, family)
            )
            self._family_info[key] = info
        return info


def _mean_bounds(bounds: Sequence[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal] | None:
    """The (low, high) of the mean request: the mean of the requests' bounds (None without bounds)."""
    if not bounds:
        return None
    return sum((b[0] for b in bounds), Decimal(0)) / len(bounds), sum(
        (b[1] for b in bounds), Decimal(0)
    ) / len(bounds)


def spread(base: str, family: str) -> float | None:
    """A rough error band of a count converted from ``base`` to ``family``: how much the measured ratio
    varies between languages, and at least the estimator's own band when either family is estimate-only."""
    table = ratio_table()
    bands = [
        band for f in (base, family) if (band := table["families"].get(f, {}).get("error_band")) is not None
    ]
    spread = _language_spread(base, family)
    values = [v for v in (spread, *bands) if v is not None]
    return round(max(values), 3) if values else None


def _language_spread(base: str, family: str) -> float | None:
    tables = ratio_table()["tables"]
    values = []
    for table in tables.values():
        a, b = table.get(base), table.get(family)
        if a and b:
            values.append(b / a)
    mixed = tables["mixed"]
    if not values or not mixed.get(base) or not mixed.get(family):
        return None
    centre = mixed[family] / mixed[base]
    return round(max(abs(v / centre - 1) for v in values), 3)
