"""A record's tokens on another tokenizer family.

- ``retokenized``: the log holds the request text: it is counted with the candidate's tokenizer, chat
  framing included (as ``tokencost count --messages``); the response text too when logged. Cache parts keep
  their share of the input; reasoning is carried over as logged (it is model behaviour, not tokenisation).
- ``logged``: the candidate uses the logged model's tokenizer: the logged counts.
- ``converted``: counts only: input and visible output are scaled with the planner's measured per-language
  family ratios; the mixed-language ratio is the central value and the lowest/highest language ratio the
  band (``cost_low``/``cost_high``), since the traffic's language mix is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from tokencost.replay.record import UsageRecord

ONE = Decimal(1)


@dataclass(frozen=True)
class Band:
    """Tokens of a family per logged-family token: central value, low and high."""

    central: Decimal
    low: Decimal
    high: Decimal


@cache
def conversion(from_family: str, to_family: str) -> Band:
    """The planner's per-language ratios: mixed as the central value, the spread over languages as the band."""
    from tokencost.planner.ratios import ratio, ratio_table

    if from_family == to_family:
        return Band(ONE, ONE, ONE)
    values = [ratio(from_family, to_family, language)[0] for language in ratio_table()["tables"]]
    return Band(ratio(from_family, to_family, "mixed")[0], min(values), max(values))


class MemoCounter:
    """A family's counter that remembers the counts of recent texts: real logs repeat the same system prompt
    (and tool list) in every request, so each is counted once per family. Bounded (entries are dropped in
    bulk past ``LIMIT``), keyed by (length, hash) so no text is kept."""

    LIMIT = 4096

    def __init__(self, inner) -> None:
        self.inner = inner
        self.family, self.exact, self.error_band = inner.family, inner.exact, inner.error_band
        self._counts: dict[tuple[int, int], tuple[int, int, int]] = {}
        if hasattr(inner, "count_chat"):  # a vendor's count endpoint counts a chat whole (--online)
            self.count_chat = inner.count_chat

    def count_range(self, text: str) -> tuple[int, int, int]:
        key = (len(text), hash(text))
        found = self._counts.get(key)
        if found is None:
            if len(self._counts) >= self.LIMIT:
                self._counts.clear()
            found = self._counts[key] = self.inner.count_range(text)
        return found

    def count(self, text: str) -> int:
        return self.count_range(text)[0]


_MEMOS: dict[tuple[str, bool], MemoCounter] = {}


def counter(family: str, estimate: bool = False) -> MemoCounter:
    """The family's remembering counter, rebuilt whenever the tokenizers hand out another counter for it (a
    calibration file or ``--online`` put in use in this process), so no memo keeps counting the old way."""
    from tokencost.tokenizers import get_counter

    inner = get_counter(family, estimate=estimate)
    memo = _MEMOS.get((family, estimate))
    if memo is None or memo.inner is not inner:
        memo = _MEMOS[(family, estimate)] = MemoCounter(inner)
    return memo


counter.cache_clear = _MEMOS.clear  # type: ignore[attr-defined]  # as the functools.cache it replaced


def _round(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_HALF_EVEN)


_MEDIA = ("input_audio", "input_image", "output_audio", "output_image")


def scaled(record: UsageRecord, input_factor: Decimal, output_factor: Decimal) -> tuple:
    """(requests, input, cache_read, write_5m, write_1h, output incl. reasoning, reasoning, then, only for a
    record that has them, input audio, input image, output audio, output image) with input parts scaled by
    ``input_factor`` and visible output by ``output_factor``; reasoning kept; audio and image tokens kept as
    logged (they are not text: another tokenizer does not change them)."""
    visible = Decimal(record.visible_output_tokens) * output_factor
    reasoning = Decimal(record.reasoning_tokens)
    values = (
        Decimal(record.requests),
        Decimal(record.input_tokens) * input_factor,
        Decimal(record.cache_read_tokens) * input_factor,
        Decimal(record.cache_write_5m_tokens) * input_factor,
        Decimal(record.cache_write_1h_tokens) * input_factor,
        visible + reasoning,
        reasoning,
    )
    media = record.modalities
    return (*values, *(Decimal(media.get(name, 0)) for name in _MEDIA)) if media else values


def _values(record: UsageRecord, tokens: Decimal, out_factor: Decimal) -> tuple:
    logged = Decimal(record.input_tokens)
    values = scaled(record, tokens / logged if logged else ONE, out_factor)
    return (values[0], tokens, *values[2:])


def retokenized(
    record: UsageRecord, family: str, logged_family: str | None, model: str | None = None
) -> tuple[tuple, tuple, tuple]:
    """The record's tokens counted with ``family`` from its text, its chat framed for ``model`` (the
    candidate): (central, low, high) value tuples, low and high the bounds ``count --messages`` gives the
    request (an estimate's fitted bounds widened by the chat framing's held-out error, which an exact
    tokenizer's count carries too).

    Input parts the text cannot show (cache) keep their logged share of the input; an output without
    logged text converts with the measured ratio and its band."""
    from tokencost.replay.requests import count_chat_range

    count = counter(family)
    assert record.request is not None
    central_in, low_in, high_in = count_chat_range(record.request, family, count, model)
    visible = Decimal(record.visible_output_tokens)
    if record.response_text is not None:
        n, low_out, high_out = count.count_range(record.response_text)
        outs = [Decimal(v) / visible if visible else ONE for v in (n, low_out, high_out)]
    elif logged_family:
        band = conversion(logged_family, family)
        outs = [band.central, band.low, band.high]
    else:
        outs = [ONE, ONE, ONE]
    ins = (central_in, low_in, high_in)
    central, low, high = (_values(record, Decimal(i), o) for i, o in zip(ins, outs, strict=True))
    return central, low, high


def rounded(values: tuple) -> tuple:
    return tuple(_round(v) if isinstance(v, Decimal) else v for v in values)
