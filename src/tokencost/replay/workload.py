"""A workload file (the format ``plan`` and ``check`` read) that reproduces a replayed log's traffic: one
workload per logged model with its requests per day, mean tokens per request (counted with the logged
model's tokenizer), cache-hit ratio, batch share, service-tier mix, off-peak share and fitted growth, so a
CI baseline can come from real traffic. ``plan`` on it gives the replay's monthly run rate (within 1 %) when the cards replay priced the log
on are those in force in the plan's months, except for what a workload cannot express; the file's assumptions
say which cards replay used, which prices changed since, and what plan will not bill.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

_PLACES = Decimal("0.0001")


def _mean(total: Any, requests: int) -> Decimal:
    return (Decimal(total) / requests).quantize(_PLACES, rounding=ROUND_HALF_EVEN)


def _write_ratio(row: dict[str, Any], hits: Decimal) -> Decimal:
    """The share of cached-prefix requests that wrote it (``cache.write_ratio``): the logged writes over reads
    plus writes, at most what the hit ratio leaves (``planner/cache_writes.py`` has the model)."""
    reads, writes = Decimal(row["cached_input_tokens"]), Decimal(row["cache_write_tokens"] or 0)
    ratio = writes / (reads + writes)
    ratio = min(ratio, 1 - hits).quantize(Decimal("0.000001"), rounding="ROUND_FLOOR")
    return ratio.normalize() if ratio else Decimal(0)


def _cache_spec(row: dict[str, Any], hits: Decimal) -> str:
    """The ``cache:`` refresh spec of a logged model: its write ratio and the TTLs its writes used (all 1 h:
    ``ttl: 1h``; a mix: ``ttl_1h_share``, the 1 h writes' share of the write tokens), so ``plan`` bills each at
    its own rate, as replay did."""
    spec = f"write_ratio: {_write_ratio(row, hits)}"
    writes, hour = Decimal(row["cache_write_tokens"] or 0), Decimal(row.get("cache_write_1h_tokens") or 0)
    if not writes or not hour:
        return spec
    if hour >= writes:
        return spec + ", ttl: 1h"
    return (
        spec
        + f", ttl_1h_share: {(hour / writes).quantize(Decimal('0.000001'), rounding=ROUND_HALF_EVEN).normalize()}"
    )


def _per_request(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` without the tokens of usage-report buckets that carry no request count: a mean per request
    over request-level records only (those tokens would otherwise be spread over the few logged requests)."""
    left_out = row.get("tokens_without_requests") or {}
    if not left_out:
        return row
    names = {"cache_read_tokens": "cached_input_tokens"}
    return {**row, **{names.get(k, k): row[names.get(k, k)] - v for k, v in left_out.items()}}


_PART_FIELDS = (
    "requests", "input_tokens", "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens",
    "output_tokens", "reasoning_tokens", "batch_requests", "flex_requests", "priority_requests",
    "off_peak_requests",
)  # fmt: skip


def _parts(row: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``row`` as workloads: the requests billed above a long-context threshold apart (each part's mean stays
    in its band, so ``plan`` bills the tier replay billed), the rest under the model's own name."""
    row = _per_request(row)
    name = "replay-" + row["model"]
    longs = row.get("long_context") or []
    rest = dict(row)
    for part in longs:
        for key in _PART_FIELDS:
            rest[key] = (rest.get(key) or 0) - part[key]
    out = [(name, rest)] if rest["requests"] > 0 else []
    for part in longs:
        out.append((f"{name}-above-{part['above']}", {**row, **part}))
    return out


def _workload(row: dict[str, Any], days: float | None, name: str) -> list[str]:
    requests = row["requests"]
    per_day = (Decimal(requests) / Decimal(str(days or 1))).quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    visible = row["output_tokens"] - row["reasoning_tokens"]
    lines = [
        f"  - name: {json.dumps(name)}",
        f"    model: {json.dumps(row['model'])}",
        f"    requests_per_day: {per_day}",
        f"    input_tokens: {_mean(row['input_tokens'], requests)}",
        f"    counted_with: {json.dumps(row['tokenizer'])}",
        f"    output_tokens: {_mean(visible, requests)}",
    ]
    if row["reasoning_tokens"]:
        lines.append(f"    reasoning_tokens: {_mean(row['reasoning_tokens'], requests)}")
    if row["cached_input_tokens"] and row["input_tokens"]:
        ratio = Decimal(row["cached_input_tokens"]) / Decimal(row["input_tokens"])
        lines.append(f"    cache_hit_ratio: {ratio.quantize(Decimal('0.000001'), rounding=ROUND_HALF_EVEN)}")
        lines.append(f"    cache: {{{_cache_spec(row, ratio)}}}  # as logged")
    if row.get("batch_requests"):
        lines.append(f"    batch_share: {_share(row['batch_requests'], requests)}")
    tiers = [(tier, row.get(f"{tier}_requests")) for tier in ("flex", "priority")]
    if any(count for _, count in tiers):
        mix = ", ".join(f"{tier}: {_share(count, requests, 'ROUND_DOWN')}" for tier, count in tiers if count)
        lines.append(f"    service_tier: {{{mix}}}")
    if row.get("off_peak_requests"):
        lines.append(f"    off_peak_share: {_share(row['off_peak_requests'], requests)}")
    lines += _growth_lines(row.get("growth_fit"))
    return lines


def _share(count: Any, requests: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """``count`` of ``requests`` to 6 places (service tiers round down: with batch they stay at most 1)."""
    return (Decimal(count) / requests).quantize(Decimal("0.000001"), rounding=rounding)


def _left_out(document: dict[str, Any]) -> list[str]:
    """Traffic in the log that the file leaves out: models no sheet prices, self-hosted models."""
    out = []
    for row in document.get("unknown_models") or ():
        hint = f" (did you mean {', '.join(row['suggestions'][:2])}?)" if row.get("suggestions") else ""
        out.append(
            f"{row['model']}: {row['requests']:,} request(s) on a model no price sheet knows are left out of this "
            f"file{hint}; plan's figures do not include them"
        )
    for row in document.get("self_hosted_models") or ():
        out.append(
            f"{row['model']}: {row['requests']:,} request(s) on a self-hosted model (no vendor price) are left "
            "out of this file; plan's figures do not include them"
        )
    return out


def workload_notes(document: dict[str, Any]) -> list[str]:
    """The notes replay prints beside ``--emit-workload``: the traffic the file leaves out."""
    return _left_out(document)


def _growth_lines(measured: dict[str, Any] | None) -> list[str]:
    """``growth:`` when the measured rate holds ``replay.growth.RULE``; else growth 0 with a comment saying what
    was measured and why it is not used (a plan compounds it over its whole horizon)."""
    from tokencost.replay.growth import RULE, describe

    if not measured:
        return []
    if measured["used"]:
        return [f"    growth: {measured['rate']}  # measured: {describe(measured)}; {RULE}"]
    return [
        f"    growth: 0  # measured {describe(measured)}, not used: {measured['reason']} ({RULE})",
    ]


def _card_text(card: dict[str, Any]) -> str:
    start, end = card.get("from"), card.get("until")
    if start and end:
        return f"the card of {start} to {end}"
    if start:
        return f"the current card (from {start})"
    return f"the card until {end}" if end else "the current card"


def _price_notes(document: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """Which prices replay used and which ``plan`` will use: plan prices each month on the card in force then,
    from its own start month (this file sets none: the month after it is planned), so the two agree only
    while the cards replay used are in force; and logged reasoning tokens plan does not bill (the model's
    card lists no reasoning capability)."""
    at = document.get("prices_at")
    used = "; ".join(
        f"{row['model']}: {', '.join(_card_text(c) for c in row.get('price_cards') or ()) or 'unknown'}"
        for row in rows
    )
    how = (
        f"every record on the cards in force on {at} (--at)"
        if at
        else "each record on the card in force on its date"
    )
    notes = [
        f"prices: replay priced {how} ({used}); plan prices each month on the card in force in it, from the "
        "plan's start month (this file sets no start: the 1st of the month after the plan is made), so it "
        "reproduces the replay's monthly run rate only while those cards are in force"
    ]
    changed = [
        f"{row['model']} (new prices from {', '.join(d or '?' for d in row['later_price_changes'])})"
        for row in rows
        if row.get("later_price_changes")
    ]
    if changed:
        notes.append(
            "prices changed or are scheduled to change after the cards replay used: " + ", ".join(changed)
        )
    plain = [row["model"] for row in rows if row["reasoning_tokens"] and row.get("reasoning_model") is False]
    if plain:
        notes.append(
            "reasoning: replay billed the reasoning tokens these models logged, but plan bills reasoning only on "
            f"models whose card lists the reasoning capability, so it leaves them out: {', '.join(plain)}"
        )
    return notes


def workload_yaml(document: dict[str, Any], logs: Sequence[str] = ()) -> str:
    """The workload YAML text of a replay document (models with no request, or unknown, are left out)."""
    from tokencost.errors import InputError

    days = document["period"]["days"]
    rows = [row for row in document["actual"] if row["requests"] and row["tokenizer"]]
    if not rows:
        report = [
            r["model"] for r in document["actual"] if r["tokenizer"] and r.get("tokens_without_requests")
        ]
        if report:  # priced, but a usage report's buckets without request counts describe no request
            raise InputError(
                "--emit-workload: the usage report has no request counts (its buckets give tokens only, on "
                f"{', '.join(report)}), so no per-request workload can be written (replay prices its tokens "
                "without --emit-workload)"
            )
        raise InputError("--emit-workload: no priced requests in the log to describe")
    lines = [
        "# Written by `tokencost replay --emit-workload` from: " + ", ".join(str(p) for p in logs),
        f"# Log period: {document['period']['start']} .. {document['period']['end']} ({days} day(s)); "
        "requests_per_day is the period's mean.",
        "version: 1",
        f"currency: {document['currency']}",
        "assumptions:",
        "  - traffic, token means, cache-hit ratio, batch share, service-tier mix and off-peak share measured on the "
        "replayed log",
    ]
    notes = []
    if any(row["cache_write_tokens"] and row["cached_input_tokens"] for row in rows):
        notes.append(
            "cache writes: cache.write_ratio is the logged writes over reads plus writes, each TTL's share priced "
            "at its own write rate (ttl: 1h, or ttl_1h_share: the 1 h writes' share of the logged write tokens)"
        )
    if any(row["cache_write_tokens"] and not row["cached_input_tokens"] for row in rows):
        notes.append(
            "cache writes without cache reads are not expressible in a workload: they count as uncached input here"
        )
    if days is None:
        notes.append("the log carried no timestamps: requests_per_day assumes it covers one day")
    left_out = [row["model"] for row in rows if row.get("tokens_without_requests")]
    if left_out:
        notes.append(
            "token means are over request-level records only: usage-report buckets with no request count "
            f"({', '.join(left_out)}) are priced by replay but describe no request"
        )
    notes += _price_notes(document, rows)
    if any(row.get("off_peak_requests") for row in rows):
        notes.append(
            "off-peak: off_peak_share is the share of logged requests replay billed in a card's time window; "
            "plan bills that share at each candidate's off-peak window (standard rates where it has none)"
        )
    notes += [f"left out: {text}" for text in _left_out(document)]
    if any(row.get("long_context") for row in rows):
        notes.append(
            "long context: requests replay billed above a long-context threshold are a workload of their own "
            "(name ending -above-N), so plan bills them at the tier replay billed"
        )
    lines += [f"  - {json.dumps(note, ensure_ascii=False)}" for note in notes]  # quoted: notes contain colons
    candidates = [c["model"] for c in document["candidates"]]
    if candidates:
        lines.append("candidates:")
        lines += [f"  - {json.dumps(model)}" for model in candidates]
    lines.append("workloads:")
    for row in rows:
        for name, part in _parts(row):
            lines += _workload(part, days, name)
    return "\n".join(lines) + "\n"
