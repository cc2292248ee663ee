"""The replay document (``schema: tokencost.replay/1``): price the engine's buckets, reconcile with billed
cost, rank the candidates and project the log's period to a monthly run rate."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tokencost._version import __version__
from tokencost.costing.engine import Unpriceable
from tokencost.costing.result import money_text
from tokencost.currency import format_money
from tokencost.planner.projection import DAYS_PER_MONTH
from tokencost.pricing.catalog import Entry
from tokencost.pricing.lifecycle import retired_note
from tokencost.replay import coverage, ids, kinds
from tokencost.replay.billing import SPANS_NOTE, SPANS_WINDOWS, Buckets, price_volume
from tokencost.replay.dimensions import billing_dimensions
from tokencost.replay.engine import SERVER_TOOLS, Engine, ModelTotals, kind
from tokencost.replay.pipeline import ReadStats

SCHEMA = "tokencost.replay/1"
RECONCILE_TOLERANCE = Decimal("0.01")
ZERO = Decimal(0)


#: the token counts a bucket without a request count adds (``ModelTotals.add_record``)
_UNREQUESTED = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)


class Converter:
    """Money into the display currency (the FX table is loaded only when a second currency appears)."""

    def __init__(self, display: str, fx=()) -> None:
        self.display = display
        self.used: set[str] = set()
        self._table = None
        #: ``CODE=RATE`` overrides (``--fx``), or an ``FxTable``
        self._fx = fx

    def __call__(self, amount: Decimal, currency: str) -> Decimal:
        if currency == self.display:
            return amount
        if self._table is None:
            from tokencost.fx import fx_table

            self._table = self._fx if hasattr(self._fx, "convert") else fx_table(self._fx)
        self.used.add(currency)
        return self._table.convert(amount, currency, self.display)

    def note(self) -> str | None:
        if not self.used or self._table is None:
            return None
        return f"converted to {self.display}: " + self._table.describe({*self.used, self.display})


def _price(
    buckets: Buckets, convert: Converter, problems: dict[str, str], notes: dict[str, set[str]] | None = None
) -> dict[tuple, Decimal]:
    """Cost per (model id, group) key in the display currency; unpriceable buckets listed in ``problems``,
    the cost engine's notes (fallbacks such as 'no batch price published') gathered per model in ``notes``."""
    out: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for key, volume in buckets.volumes.items():
        entry, day, at, no_tiers = buckets.cards[key]
        try:
            cost, bill_notes = price_volume(entry, day, key[3], at, volume, no_tiers)
        except Unpriceable as exc:
            problems[entry.id] = str(exc)
            continue
        out[key[0]] += convert(cost, entry.currency)
        if notes is not None:
            notes.setdefault(entry.id, set()).update(bill_notes)
            if key[5] == SPANS_WINDOWS:
                notes[entry.id].add(SPANS_NOTE)
    return out


def _said_on_actual(note: str) -> bool:
    """The cost engine's notes that a logged model's row repeats (the others are candidates' matters)."""
    return " billed at the text " in note or note == SPANS_NOTE


def _billed(engine: Engine, convert: Converter) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Per logged model with a usable billed cost: (billed, computed cost of the same records, computed cost
    of those billed 0), every amount converted into the display currency with the computed cost's FX."""
    computed: dict[str, list[Decimal]] = {}
    for (model_id, group), cost in _price(engine.billed_buckets, convert, {}).items():
        parts = computed.setdefault(model_id, [ZERO, ZERO])
        parts[0] += cost
        if group == "zero":
            parts[1] += cost
    out = {}
    for model_id, totals in engine.actual.items():
        if not totals.billed_records:
            continue
        amount = sum((convert(value, code) for code, value in totals.billed.items()), ZERO)
        whole, zero = computed.get(model_id, [ZERO, ZERO])
        out[model_id] = (amount, whole, zero)
    return out


#: a log shorter than this counts as this long (two requests a minute apart are not a month's traffic x 21,915)
MIN_PERIOD_DAYS = Decimal(1)
_DAY_PLACES = Decimal("0.01")


def period(engine: Engine, stats: ReadStats | None = None) -> dict[str, Any]:
    """The log's period: its first record's start to its last record's end (a usage-report bucket's end
    included, an empty bucket's too: no traffic is a zero), ``days`` the elapsed time in days to 0.01, at
    least one (what the monthly run rate divides)."""
    if engine.start is None or engine.end is None:
        return {"start": None, "end": None, "days": None, "records_without_time": engine.untimed}
    start, end = engine.start, engine.end
    if stats is not None and stats.empty_start is not None:
        start, end = min(start, stats.empty_start), max(end, stats.empty_end or stats.empty_start)
    elapsed = Decimal((end - start).total_seconds()) / 86400
    days = max(elapsed.quantize(_DAY_PLACES, rounding=ROUND_HALF_EVEN), MIN_PERIOD_DAYS).normalize()
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        # a JSON number (an int when whole): the elapsed days, at least 1
        "days": int(days) if days == days.to_integral_value() else float(days),
        "elapsed_seconds": int((end - start).total_seconds()),
        "records_without_time": engine.untimed,
    }


def _ratio(value: Decimal, base: Decimal) -> str | None:
    if not base:
        return None
    return str((value / base).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def _entry(engine: Engine, model_id: str) -> Entry | None:
    """The catalog card a logged model resolved to, or None."""
    return engine.resolved[model_id].entry if model_id in engine.resolved else None


def _price_cards(engine: Engine, model_id: str) -> dict[str, list]:
    """The cards a logged model's records were priced on (``price_cards``: each one's ``from`` and ``until``
    dates, None when unknown or open, oldest first) and the starts of its later cards
    (``later_price_changes``: history after them, the current card, scheduled ones): a plan of the same
    traffic prices on the card in force in its own months."""
    entry = _entry(engine, model_id)
    if entry is None:
        return {"price_cards": [], "later_price_changes": []}
    cards = entry.model.cards()
    starts = [
        card.effective_from or (entry.model.released if i == 0 else None) for i, card in enumerate(cards)
    ]
    used_ids = {key[2] for key in engine.actual_buckets.volumes if key[1] == model_id}
    used = [i for i, card in enumerate(cards) if id(card) in used_ids]

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "price_cards": [
            {"from": iso(starts[i]), "until": iso(starts[i + 1]) if i + 1 < len(cards) else None}
            for i in used
        ],
        "later_price_changes": [iso(day) for day in starts[used[-1] + 1 :]] if used else [],
    }


def _growth(totals: ModelTotals, engine: Engine) -> dict[str, Any] | None:
    """The monthly traffic growth measured over the log (``replay.growth``: per elapsed time, cut first and last
    days weighted by the part the log covers) and whether it is supported well enough to plan with."""
    from tokencost.replay import growth

    return growth.fit(totals.daily, engine.start, engine.end)


def _actual_row(
    model_id: str,
    totals: ModelTotals,
    cost: Decimal | None,
    currency: str,
    engine: Engine,
    billed: tuple[Decimal, Decimal, Decimal] | None,
) -> dict:
    """One logged model's row; ``billed``: (billed cost, computed cost of the records that carry it, computed
    cost of those billed 0), all in ``currency``, or None when no record carries a usable billed cost."""
    counts = totals.counts
    row: dict[str, Any] = {
        "model": model_id,
        "catalog_id": model_id,
        "resolved_by": engine.resolved[model_id].resolved_by if model_id in engine.resolved else None,
        "requests": counts["requests"],
        "input_tokens": counts["input_tokens"],
        "cached_input_tokens": counts["cache_read_tokens"],
        "cache_write_tokens": counts["cache_write_tokens"],
        "cache_write_1h_tokens": counts["cache_write_1h_tokens"],  # of cache_write_tokens
        "output_tokens": counts["output_tokens"],
        "reasoning_tokens": counts["reasoning_tokens"],
        "batch_requests": counts["batch_requests"],
        # tokens of usage-report buckets that carry no request count (no per-request mean can use them)
        "tokens_without_requests": {
            name: counts[f"unrequested_{name}"] for name in _UNREQUESTED if counts[f"unrequested_{name}"]
        },
        # uses of the vendor's server-side tools (web search, web fetch): counted, no sheet prices them
        "server_tool_requests": {
            name: counts[f"server_{name}"] for name in SERVER_TOOLS if counts[f"server_{name}"]
        },
        "tokenizer": entry.model.tokenizer if (entry := _entry(engine, model_id)) else None,
        # whether its card lists the reasoning capability (plan bills reasoning tokens only on such models)
        "reasoning_model": entry.model.reasons if entry else None,
        **_price_cards(engine, model_id),
        # the measured growth (``growth_fit``) and, when ``replay.growth.RULE`` holds, the rate a plan may use
        "growth_fit": (measured := _growth(totals, engine)),
        "monthly_growth": str(measured["rate"]) if measured and measured["used"] else None,
        "computed_cost": money_text(cost) if cost is not None else None,
        "billed_cost": money_text(billed[0]) if billed is not None else None,
        # billed_cost is converted into the document's currency; billed_as_logged keeps the log's amounts
        "billed_currency": currency if billed is not None else None,
        "billed_as_logged": {code: money_text(amount) for code, amount in sorted(totals.billed.items())},
        "billed_records": totals.billed_records,
        "billed_zero_records": totals.billed_zero,
        "billed_negative_records": totals.billed_negative,
        "billed_negative_at": list(totals.billed_negative_at),
        "currency": currency,
        "reconcile": None,
        "notes": list(totals.notes),
    }
    if billed is not None and cost is not None:
        row["computed_cost_of_billed_records"] = money_text(billed[1])
        row["reconcile"] = reconcile(model_id, totals, billed, currency)
    if entry is not None:  # the model the team runs on retires: as a candidate's row says it
        row["notes"] += _lifecycle(entry, engine)
    if totals.billed_negative:
        row["notes"].append(_negative_note(totals))
    if counts["byok_records"]:
        row["byok_requests"] = counts["byok_requests"]
        row["byok_fee_usd"] = money_text(counts["byok_fee"])
        row["notes"].append(_byok_note(totals))
    for name, uses in row["server_tool_requests"].items():
        row["notes"].append(
            f"{uses:,} {name.removesuffix('_requests').replace('_', ' ')} request(s) not priced: no price sheet "
            "has a per-use price for server-side tools, so every cost here (as logged and on candidates) "
            "leaves them out"
        )
    return row


def _negative_note(totals: ModelTotals) -> str:
    places = ", ".join(totals.billed_negative_at)
    return (
        f"{totals.billed_negative} record(s) with a negative billed cost (at {places}): not a billed amount, "
        "left out of the billed cost and of the reconciliation"
    )


def _byok_note(totals: ModelTotals) -> str:
    """What BYOK records were reconciled against, and OpenRouter's fee on them (billed apart)."""
    fee = format_money(Decimal(totals.counts["byok_fee"]), "USD")
    return (
        f"{totals.counts['byok_requests']:,} OpenRouter BYOK request(s), run on your own provider key: billed "
        "is the provider's charge (upstream_inference_cost, /activity's byok_usage_inference), what the card prices; "
        f"OpenRouter's own charge on them, {fee} (its BYOK fee), is billed apart and is in no computed cost"
    )


#: why a source logs 0 for a request that cost something (the reconcile verdict of records billed 0)
ZERO_BILLED = {"litellm": "LiteLLM logs 0 for a model it cannot price"}


def _zero_why(totals: ModelTotals) -> str:
    """What the log that billed 0 is, named by its source (never another source's habit)."""
    sources = sorted(k.removeprefix("zero_source:") for k in totals.counts if k.startswith("zero_source:"))
    reasons = [ZERO_BILLED[s] for s in sources if s in ZERO_BILLED]
    return f" ({'; '.join(reasons)})" if reasons else ""


def reconcile(model_id: str, totals: ModelTotals, billed: tuple, currency: str) -> str:
    """The verdict on billed vs computed, like with like (only the records that carry a billed cost), always
    saying what it covers. Before the first colon: the verdict and its coverage (what tables show)."""
    amount, computed, zero_part = billed
    cover = (
        ""
        if totals.billed_records == totals.records
        else f" on the {totals.billed_records} of {totals.records} records that carry a billed cost"
    )
    # the table's computed column covers every record: name the like-for-like figure when it differs
    like = f" (computed {format_money(computed, currency)} on them)" if cover else ""
    left_out = (
        f", {totals.billed_negative} negative billed amount(s) left out" if totals.billed_negative else ""
    )
    figures = like + left_out
    check = f"check `tokencost prices {model_id}`"
    if zero_part > 0:  # a billed 0 on a positive cost: the logger could not price it, not a match
        zero = (
            f"{totals.billed_zero} billed 0 against {format_money(zero_part, currency)} computed{cover}{figures}"
            if amount
            else f"billed 0 against {format_money(computed, currency)} computed{cover}{left_out}"
        )
        priced, others = computed - zero_part, totals.billed_records - totals.billed_zero
        gap = why = ""  # the records billed more than 0 are reconciled too: a zero must not hide their gap
        if amount and abs(priced - amount) / amount > RECONCILE_TOLERANCE:
            pct = ((priced - amount) / amount * 100).quantize(Decimal("0.1"))
            gap = (
                f"; the other {others} differ by {pct:+}% (computed {format_money(priced, currency)} against "
                f"billed {format_money(amount, currency)})"
            )
            why = "; the others' gap: a stale price sheet, a discount or a price the sheet lacks"
        return (
            f"{zero}{gap}: the log recorded no cost for the zeros{_zero_why(totals)}, so the billed figure "
            f"misses them{why}; {check}"
        )
    if amount and abs(computed - amount) / amount > RECONCILE_TOLERANCE:
        pct = ((computed - amount) / amount * 100).quantize(Decimal("0.1"))
        return (
            f"computed differs from billed by {pct:+}%{cover}{figures}: a stale price sheet, a discount or a "
            f"price the sheet lacks ({check})"
        )
    return "ok (within 1%)" + cover + figures


def build(engine: Engine, stats: ReadStats, currency: str | None = None, fx=()) -> dict[str, Any]:
    """The replay document (``fx``: exchange-rate overrides, ``CODE=RATE`` units per 1 USD)."""
    currencies = {e.currency for e in engine.candidates} | {
        engine.resolved[m].entry.currency
        for m in engine.actual  # type: ignore[union-attr]
    }
    display = currency or (next(iter(currencies)) if len(currencies) == 1 else "USD")
    convert = Converter(display, fx)
    problems: dict[str, str] = {}
    bill_notes: dict[str, set[str]] = {}
    actual_cost = _price(engine.actual_buckets, convert, problems, bill_notes)
    per_model: dict[str, Decimal] = defaultdict(lambda: ZERO)
    per_group: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (model_id, group), cost in actual_cost.items():
        per_model[model_id] += cost
        per_group[group]["actual"] = per_group[group].get("actual", ZERO) + cost
    billed = _billed(engine, convert)
    actual_rows = [
        _actual_row(m, t, None if m in problems else per_model[m], display, engine, billed.get(m))
        for m, t in engine.actual.items()
    ]
    span = period(engine, stats)
    monthly_factor = DAYS_PER_MONTH / Decimal(str(span["days"])) if span["days"] else None
    for row in actual_rows:  # audio/image billed at a text rate, buckets without a time of day: say so
        row["notes"] += sorted(n for n in bill_notes.get(row["model"], ()) if _said_on_actual(n))
        # long-context parts, off-peak and service tiers: what --emit-workload carries or must say
        row.update(billing_dimensions(engine.actual_buckets, row["model"], convert, monthly_factor))
    total = sum((per_model[m] for m in engine.actual if m not in problems), ZERO)
    by_kind = kinds.actual_by_kind(engine, per_model, problems)
    candidates = _candidates(engine, convert, by_kind, monthly_factor, per_group, problems)
    billed_total = sum((b[0] for b in billed.values()), ZERO)
    assumptions = _assumptions(span, monthly_factor, convert)
    if engine.at is not None:
        assumptions[0] = (
            f"prices: every record, as logged and on candidates, on the cards in force on {engine.at} (--at)"
        )
    return {
        "schema": SCHEMA,
        "tokencost_version": __version__,
        "generated_on": dt.date.today().isoformat(),
        "currency": display,
        "group_by": engine.group_by,
        "prices_at": engine.at.isoformat() if engine.at else None,
        "sources": dict(stats.sources),
        "records": _records(engine, stats),
        "period": span,
        "actual": actual_rows,
        "actual_total": {
            "computed_cost": money_text(total),
            "billed_cost": money_text(billed_total) if billed else None,
            "monthly_cost": money_text(total * monthly_factor) if monthly_factor is not None else None,
            "currency": display,
            # what billed_cost covers: the records that carry a billed cost, of all priced
            "billed_records": sum(t.billed_records for t in engine.actual.values()),
            "records": sum(t.records for t in engine.actual.values()),
            # records whose billed amount was negative: left out of billed_cost (located in records)
            "billed_negative_records": sum(t.billed_negative for t in engine.actual.values()),
        },
        "unknown_models": ids.unknown_models(engine),
        "self_hosted_models": ids.self_hosted_models(engine, _price(engine.self_hosted_buckets, convert, {})),
        "model_ids": ids.logged_ids(engine),
        "candidates": candidates,
        "groups": [
            {"group": g, **{k: money_text(v) for k, v in sorted(costs.items())}}
            for g, costs in sorted(per_group.items())
        ],
        "notes": list(engine.notes)
        + ids.loose_notes(engine)
        + kinds.notes(engine, by_kind, display)
        + coverage.notes(engine.actual)
        + [f"{m}: cannot be priced ({why})" for m, why in problems.items()],
        "assumptions": assumptions,
    }


def _records(engine: Engine, stats: ReadStats) -> dict[str, Any]:
    return {
        "read": stats.read,
        "priced": engine.priced,
        "skipped": dict(stats.skipped),
        "skipped_at": {reason: stats.located(reason) for reason in stats.locations},
        "ignored": dict(stats.ignored),
        "ignored_at": {k: list(v) for k, v in stats.ignored_at.items()},
        "zero_tokens": stats.zero_tokens,
        "zero_tokens_at": list(stats.zero_tokens_at),
        "outside_period": stats.filtered,
        "outside_period_untimed": stats.filtered_untimed,
        "placeholder_time": stats.placeholder_times,
        "placeholder_time_at": list(stats.placeholder_at),
        "files_not_logs": list(stats.not_logs),
        "batch_input_lines": dict(stats.batch_input_lines),
        "unknown_model": sum(t.records for t in engine.unknown.values()),
        # priced records whose billed amount was negative (not a billed amount): first places per model
        "billed_negative": sum(t.billed_negative for t in engine.actual.values()),
        "billed_negative_at": [w for t in engine.actual.values() for w in t.billed_negative_at],
        "self_hosted": sum(t.records for t in engine.self_hosted.values()),
        # priced records whose text did not cover their billed input: converted from the logged counts
        "uncovered": sum(t.counts[f"uncovered_{w}"] for t in engine.actual.values() for w in coverage.WHY),
        "uncovered_at": [w for t in engine.actual.values() for w in t.uncovered_at],
    }


def _assumptions(span: dict, monthly_factor: Decimal | None, convert: Converter) -> list[str]:
    assumptions = [
        "actual cost: each record at the price in force on its date (current price when it has no time)",
        "candidates: re-tokenised where the log holds the text, else converted with the planner's per-language "
        "family ratios (band = lowest/highest language ratio); cached input stays cached, reasoning carried "
        "over to models that reason (not billed on the others, as plan), batch records at each candidate's "
        "batch rate",
    ]
    if monthly_factor is not None:
        days = span["days"]
        assumptions.append(
            f"monthly run rate: cost over the log's {days} day(s) x 30.4375 / {days}, the period being the "
            "elapsed time from the first record to the last one's end (a usage-report bucket's end included), "
            "at least one day"
        )
    fx_note = convert.note()
    if fx_note:
        assumptions.append(fx_note)
    return assumptions


def _lifecycle(entry: Any, engine: Engine) -> list[str]:
    """``retired on DATE`` (``retires on``; ``; successor ID``) as ``estimate`` says it: on the day the prices
    are for (``--at``), else today, the day a team would switch."""
    note = retired_note(entry, engine.at or dt.date.today())
    return [note] if note else []


def _candidates(engine, convert, by_kind, monthly_factor, per_group, problems) -> list[dict[str, Any]]:
    engine_notes: dict[str, set[str]] = {}
    priced = {
        name: _price(b, convert, problems, engine_notes if name == "central" else None)
        for name, b in engine.cand_buckets.items()
    }
    rows = []
    for entry in engine.candidates:
        if entry.id in problems or entry.id not in engine.cand_totals:
            continue
        totals = engine.cand_totals[entry.id]
        sums = {}
        for name, costs in priced.items():
            sums[name] = sum((c for (model_id, _), c in costs.items() if model_id == entry.id), ZERO)
        for (model_id, group), cost in priced["central"].items():
            if model_id == entry.id:
                per_group[group][entry.id] = cost
        methods = totals.methods
        method = (
            "converted" if methods["converted"] else ("retokenized" if methods["retokenized"] else "logged")
        )
        rows.append(
            {
                "model": entry.id,
                "kind": kind(entry),  # chat or embedding: ranked apart, each against its own kind's traffic
                "provider": entry.provider.id,
                "tokenizer": entry.model.tokenizer,
                "input_tokens": int(
                    totals.counts["input_tokens"].to_integral_value(rounding=ROUND_HALF_EVEN)
                ),
                "output_tokens": int(
                    totals.counts["output_tokens"].to_integral_value(rounding=ROUND_HALF_EVEN)
                ),
                "tokens_method": method,
                "records_by_method": dict(methods),
                "cost": sums["central"],
                "cost_low": min(sums.values()),
                "cost_high": max(sums.values()),
                "vs_actual": _ratio(sums["central"], kinds.base(by_kind, engine, entry.id)),
                "monthly_cost": sums["central"] * monthly_factor if monthly_factor is not None else None,
                "notes": sorted({*totals.notes, *engine_notes.get(entry.id, ())}) + _lifecycle(entry, engine),
            }
        )
    rows.sort(key=lambda row: (row["kind"] != "chat", row["cost"], row["model"]))
    ranks: dict[str, int] = {}
    for row in rows:  # ranks restart within each kind, as estimate ranks its embedding models apart
        row["rank"] = ranks[row["kind"]] = ranks.get(row["kind"], 0) + 1
        for key in ("cost", "cost_low", "cost_high", "monthly_cost"):
            row[key] = money_text(row[key]) if row[key] is not None else None
    return rows
