"""Whether a logged request's text covers what the log billed as its input.

A log can bill far more input than its request text shows: images and files (not text), earlier turns a
Responses call reaches by ``previous_response_id``, context a proxy added. Re-tokenising only the text
would price such a record on a fraction of its input. The stated rule: the request is counted on the logged
model's own tokenizer (its chat framing included); when that comes to under ``COVERED_SHARE`` of the billed
input (and at least ``MIN_GAP`` tokens short), the text does not cover the record, and its candidates'
counts are converted from the logged counts instead. A covered record that shows unseen context (non-text
parts, earlier turns by ``previous_response_id`` / ``conversation``) carries the billed input its text does
not show (on the logged tokenizer) over to candidates as logged; counted by reason and located. A record with
no such sign carries nothing: its shortfall is the tokenizers' and framing's difference, which replay measures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokencost.costing.framing_keys import framing_key
from tokencost.errors import TokencostError
from tokencost.replay.record import UsageRecord

#: the text must come to at least this share of the billed input, on the logged model's own tokenizer
COVERED_SHARE = Decimal("0.5")
#: ... or be short of it by fewer tokens than this (a short request's framing differences are not a gap)
MIN_GAP = 50

#: why a record's text does not cover its billed input, by the first that applies
WHY = {
    "parts": "images or other non-text parts",
    "chained": "earlier turns by previous_response_id / conversation",
    "unseen": "context the log does not show",
}
#: the meta keys a record's counts carry beside its per-framing tuples
META = ("error", "uncovered", "skipped_parts", "gap", "carried")


def chained(request: Any) -> bool:
    """Whether a logged request body reaches earlier turns the log does not show (Responses chaining)."""
    return isinstance(request, dict) and bool(
        request.get("previous_response_id") or request.get("conversation")
    )


def logged_count(record: UsageRecord, family: str, model: str) -> dict[str, Any]:
    """The record's request counted on its logged model (``family``, framed for ``model``):
    ``{framing key: (central, low, high)}`` when its text covers the billed input, ``{"uncovered": why}``
    when it does not, ``{"error": message}`` when it is not a countable chat; ``skipped_parts`` when the
    request has non-text parts; ``gap`` (billed input the text does not show, carried over) and ``carried``
    (why: a ``WHY`` key) when it shows unseen context (non-text parts, a chain)."""
    from tokencost.replay.requests import count_chat_range, parsed
    from tokencost.replay.translate import counter, retokenized

    assert record.request is not None
    online = hasattr(
        counter(family), "count_chat"
    )  # --online: judge offline, leave the endpoint to candidates
    try:
        skipped = parsed(record.request).skipped_parts
        if online:
            counted, tokens = None, count_chat_range(record.request, family, offline(family), model)[0]
        else:
            counted = retokenized(record, family, family, model)
            tokens = counted[0][1]
    except TokencostError as exc:
        return {"error": str(exc)}
    out: dict[str, Any] = {"skipped_parts": skipped} if skipped else {}
    short = record.input_tokens - tokens
    why = "parts" if skipped else "chained" if chained(record.request) else None
    if tokens < record.input_tokens * COVERED_SHARE and short >= MIN_GAP:
        return {**out, "uncovered": why or "unseen"}
    if why and short > 0:  # context the text does not show: carried over as logged
        out["gap"], out["carried"] = short, why
    if counted is not None:
        out[framing_key(model, family)] = counted
    return out


def offline(family: str) -> Any:
    """The family's offline counter (its estimator), for judging coverage when ``--online`` counts the rest."""
    from tokencost.replay.translate import counter

    return counter(family, estimate=True)


def with_gap(values: tuple, gap: Decimal) -> tuple:
    """A value tuple with ``gap`` input tokens added (uncounted input carried over as logged)."""
    return (values[0], values[1] + gap, *values[2:])


def notes(actual: dict[str, Any]) -> list[str]:
    """The document's notes on records converted by the rule and non-text parts (``actual``: the logged
    models' ``ModelTotals``)."""
    from tokencost.tokenizers.chat.model import NOT_COUNTED

    out = []
    by_why = {why: sum(t.counts[f"uncovered_{why}"] for t in actual.values()) for why in WHY}
    if sum(by_why.values()):
        places = [w for t in actual.values() for w in t.uncovered_at][:3]
        reasons = "; ".join(f"{WHY[why]}: {n:,}" for why, n in by_why.items() if n)
        out.append(
            f"{sum(by_why.values()):,} record(s) converted from their logged counts, not re-tokenised: their "
            f"request text, counted on the logged model's own tokenizer, is under {COVERED_SHARE:.0%} of the "
            f"billed input ({reasons}; first at {', '.join(places)})"
        )
    out += _carried(actual)
    parts = sum(t.counts["skipped_parts"] for t in actual.values())
    if parts:
        records = sum(t.counts["skipped_part_records"] for t in actual.values())
        out.append(
            f"{parts:,} request part(s) not counted as text ({NOT_COUNTED}) in {records:,} record(s) whose "
            f"text still comes to {COVERED_SHARE:.0%} of the billed input or more: the billed input their text "
            "does not show (on the logged model's tokenizer) is carried over to candidates as logged"
        )
    return out


def _carried(actual: dict[str, Any]) -> list[str]:
    """The note on covered records whose unseen context was carried over as logged, by reason, located."""
    by_why = {why: sum(t.counts[f"carried_{why}"] for t in actual.values()) for why in WHY}
    if not sum(by_why.values()):
        return []
    places = [w for t in actual.values() for w in t.carried_at][:3]
    reasons = "; ".join(f"{WHY[why]}: {n:,}" for why, n in by_why.items() if n)
    return [
        f"{sum(by_why.values()):,} record(s) re-tokenised, the billed input their text does not show carried "
        f"over to candidates as logged ({reasons}; first at {', '.join(places)}): their text comes to "
        f"{COVERED_SHARE:.0%} of the bill or more, the rest (bill less text, on the logged model's tokenizer) "
        "is context it does not show"
    ]
