"""Render a ``tokencost.replay/1`` document: the actual table (as logged, recomputed and billed), the ranked
candidates with their range, a per-group split, and what was skipped. Table, Markdown, CSV or JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokencost.render.money import cost_range
from tokencost.render.tabular import dumps_json, render_rows

ACTUAL_COLUMNS = [
    ("model", "logged model"),
    ("requests", "requests"),
    ("input_tokens", "input tok"),
    ("cached_input_tokens", "cached"),
    ("cache_write_tokens", "cache write"),
    ("output_tokens", "output tok"),
    ("reasoning_tokens", "reasoning"),
    ("computed", "computed"),
    ("billed", "billed"),
    ("reconcile", "reconcile"),
]
CANDIDATE_COLUMNS = [
    ("rank", "#"),
    ("model", "model"),
    ("provider", "provider"),
    ("tokens_method", "tokens"),
    ("input_tokens", "input tok"),
    ("output_tokens", "output tok"),
    ("cost_text", "cost"),
    ("range", "range"),
    ("vs_actual", "x actual"),
    ("monthly", "monthly"),
]
CSV_COLUMNS = [
    ("kind", "kind"),
    ("model", "model"),
    ("provider", "provider"),
    ("tokens_method", "tokens_method"),
    ("requests", "requests"),
    ("input_tokens", "input_tokens"),
    ("cached_input_tokens", "cached_input_tokens"),
    ("output_tokens", "output_tokens"),
    ("reasoning_tokens", "reasoning_tokens"),
    ("cost", "cost"),
    ("cost_low", "cost_low"),
    ("cost_high", "cost_high"),
    ("billed_cost", "billed_cost"),
    ("vs_actual", "vs_actual"),
    ("monthly_cost", "monthly_cost"),
    ("currency", "currency"),
    # added later, at the end so that existing columns keep their places
    ("cache_write_tokens", "cache_write_tokens"),
    ("group", "group"),
    ("records_by_method", "records_by_method"),  # candidates: every counting method, ``converted=3;logged=2``
    ("model_kind", "model_kind"),  # candidates: chat or embedding (ranked apart)
]


def _money(value: str | None, currency: str) -> str:
    from tokencost.render.report_markdown import money

    return money(Decimal(value), currency, missing="") if value is not None else ""


def _actual_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    currency = document["currency"]
    rows = []
    for row in document["actual"]:
        rows.append(
            {
                **row,
                "computed": _money(row["computed_cost"], currency),
                "billed": _money(row["billed_cost"], row.get("billed_currency") or currency),
                "reconcile": (row["reconcile"] or "").split(":")[0],
            }
        )
    for unknown in document["unknown_models"]:
        rows.append({"model": unknown["model"], "requests": unknown["requests"], "computed": "unknown model"})
    return rows


def _candidate_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    currency = document["currency"]
    rows = []
    for row in document["candidates"]:
        rows.append(
            {
                **row,
                "tokens_method": _method_mix(row),
                "cost_text": _money(row["cost"], currency),
                "range": cost_range(row["cost_low"], row["cost_high"], lambda value: _money(value, currency)),
                "vs_actual": f"{row['vs_actual']}x" if row["vs_actual"] else "",
                "monthly": _money(row["monthly_cost"], currency),
            }
        )
    return rows


def _method_mix(row: dict[str, Any]) -> str:
    """Every counting method with its records, the main one first (``converted 12, retokenized 4``)."""
    by_method, method = row["records_by_method"], row["tokens_method"]
    if len(by_method) < 2:
        return method
    ordered = sorted(by_method.items(), key=lambda item: (item[0] != method, -item[1], item[0]))
    return ", ".join(f"{name} {n:,}" for name, n in ordered)


def _csv(document: dict[str, Any]) -> str:
    rows = []
    for row in document["actual"]:
        rows.append({**row, "kind": "actual", "cost": row["computed_cost"], "tokens_method": "logged"})
    for row in document["candidates"]:
        # tokens_method is the main method (as before); records_by_method the whole mix, machine-readable
        mix = ";".join(f"{name}={n}" for name, n in row["records_by_method"].items())
        candidate = {"kind": "candidate", "model_kind": row["kind"], "records_by_method": mix}
        rows.append({**row, **candidate, "currency": document["currency"]})
    if document["group_by"] != "model":  # --group-by day/month/tag: one row per group and model ("actual")
        for group in document["groups"]:
            for model, cost in group.items():
                if model != "group":
                    row = {"kind": "group", "group": group["group"], "model": model, "cost": cost}
                    rows.append({**row, "currency": document["currency"]})
    return render_rows(rows, CSV_COLUMNS, "csv")


def _period_line(document: dict[str, Any]) -> str:
    period, records = document["period"], document["records"]
    read = (
        f"{records['read']:,} record{'' if records['read'] == 1 else 's'} read, {records['priced']:,} priced"
    )
    skipped = sum(records.get("skipped", {}).values())
    if skipped:
        read += f" ({skipped:,} more skipped, listed by reason on stderr)"
    if records.get("outside_period"):
        untimed = records.get("outside_period_untimed")
        why = f", {untimed:,} of them without a time" if untimed else ""
        read += f" ({records['outside_period']:,} more outside --since/--until{why}, not counted)"
    if records.get("unknown_model"):
        read += f", {records['unknown_model']:,} on unknown models"
    if records.get("billed_negative"):
        where = ", ".join(records.get("billed_negative_at") or [])
        read += (
            f", {records['billed_negative']:,} with a negative billed cost ({where}: not a billed amount, "
            "left out of billed totals)"
        )
    if records.get("self_hosted"):
        read += f", {records['self_hosted']:,} self-hosted (no vendor price)"
    if records.get("placeholder_time"):
        where = ", ".join(records.get("placeholder_time_at") or [])
        read += (
            f", {records['placeholder_time']:,} with a placeholder time before 2000 (a fake clock"
            f"{': ' + where if where else ''}), read as without a time"
        )
    if records.get("zero_tokens"):
        where = ", ".join(records.get("zero_tokens_at") or [])
        read += f", {records['zero_tokens']:,} reporting 0 tokens (requests at no token cost: {where})"
    if period.get("records_without_time") and period["days"] is not None:
        read += f", {period['records_without_time']:,} without a time (priced, not dated)"
    not_logs = records.get("files_not_logs") or []
    if not_logs:
        shown = ", ".join(not_logs[:5]) + (f" and {len(not_logs) - 5:,} more" if len(not_logs) > 5 else "")
        read += f"; {len(not_logs):,} file(s) found that are not usage logs, skipped: {shown}"
    if period["days"] is None:
        return f"{read}; period unknown ({_why_no_period(records)}): no monthly run rate"
    return f"{read}; period {period['start'][:10]} .. {period['end'][:10]} ({days_text(period)})"


def _why_no_period(records: dict[str, Any]) -> str:
    """Why a replay has no period: its priced records carry no time, or no record was priced at all."""
    if records["priced"]:
        return "the records carry no time"
    if records.get("outside_period") and not records["read"]:
        return "every record falls outside --since/--until"
    return "no record was priced"


def days_text(period: dict[str, Any]) -> str:
    """The period's length as the run rate uses it: elapsed days (first record to last one's end), at least 1."""
    seconds = period.get("elapsed_seconds")
    if seconds is not None and seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        span = (
            f"{hours}h {rest // 60:02d}m"
            if hours
            else f"{rest // 60}m {rest % 60:02d}s"
            if rest >= 60
            else f"{rest}s"
        )
        return f"{span} elapsed, counted as 1 day"
    return f"{period['days']} day{'' if period['days'] == 1 else 's'} elapsed"


def _located(reason: str, count: int, places: list[str] | None) -> str:
    """``reason (n, at file:line, ...)``: a count with its first places."""
    at = f", at {', '.join(places)}{' ...' if count > len(places) else ''}" if places else ""
    return f"{reason} ({count:,}{at})"


def _footer(document: dict[str, Any]) -> list[str]:
    lines = []
    skipped = document["records"]["skipped"]
    if skipped:
        lines.append("skipped: " + ", ".join(f"{reason} ({n})" for reason, n in skipped.items()))
    ignored = document["records"]["ignored"]
    if ignored:
        places = document["records"].get("ignored_at", {})
        lines.append(
            "not usage records: " + ", ".join(_located(r, n, places.get(r)) for r, n in ignored.items())
        )
    for row in document["actual"]:
        if row["reconcile"] and not row["reconcile"].startswith("ok"):
            lines.append(f"reconcile {row['model']}: {row['reconcile']}")
        lines += [f"{row['model']} (as logged): {note}" for note in row.get("notes", ())]
    for unknown in document["unknown_models"]:
        hint = ", ".join(unknown["suggestions"])
        if unknown.get("ambiguous"):
            lines.append(
                f"ambiguous model {unknown['model']!r} not priced (name one with --model-map: {hint})"
            )
        elif unknown.get("host"):
            others = f"other hosts: {hint}" if hint else "no other host sells it"
            lines.append(
                f"model {unknown['model']!r} not priced (host {unknown['host']!r} has no card for it; {others})"
            )
        else:
            advice = (
                f"did you mean: {hint}"
                if hint
                else "no close name in the catalog; map it with --model-map LOGGED=CATALOG_ID"
            )
            lines.append(f"unknown model {unknown['model']!r} not priced ({advice})")
    for own in document.get("self_hosted_models", ()):
        api = f"; on an API it is {own['api_equivalent']}" if own["api_equivalent"] else ""
        on_candidates = own.get("on_candidates", {}).items()
        costs = ", ".join(f"{m} {_money(c, document['currency'])}" for m, c in on_candidates)
        on = f"; on the candidates: {costs}" if costs else ""
        lines.append(
            f"self-hosted model {own['model']!r}: {own['requests']:,} request(s), no vendor price{api}{on}"
        )
        lines += [f"self-hosted model {own['model']!r}: {note}" for note in own.get("notes", ())]
    for row in document["candidates"]:
        for note in row["notes"]:
            lines.append(f"{row['model']}: {note}")
    lines += [f"note: {note}" for note in document["notes"]]
    lines += [f"assumption: {text}" for text in document["assumptions"]]
    return lines


def render_replay(document: dict[str, Any], fmt: str) -> str:
    """The replay document in ``fmt`` (table, markdown, csv, json)."""
    if fmt == "json":
        return dumps_json(document)
    if fmt == "csv":
        return _csv(document)
    currency = document["currency"]
    total = document["actual_total"]
    parts = [
        _period_line(document),
        "",
        render_rows(
            _actual_rows(document), ACTUAL_COLUMNS, fmt, title=f"Actual traffic as logged, {currency}"
        ),
        f"actual total: {_money(total['computed_cost'], currency)}"
        + (
            f" (billed {_money(total['billed_cost'], currency)}{_billed_cover(total)})"
            if total["billed_cost"]
            else ""
        )
        + (f"; monthly run rate {_money(total['monthly_cost'], currency)}" if total["monthly_cost"] else ""),
        *_candidate_sections(document, fmt),
    ]
    if document["group_by"] != "model" and document["groups"]:
        models = [row["model"] for row in document["candidates"]]
        columns = [("group", document["group_by"]), ("actual", "actual")] + [(m, m) for m in models]
        rows = [
            {k: _money(v, currency) if k != "group" else v for k, v in g.items()} for g in document["groups"]
        ]
        parts += ["", render_rows(rows, columns, fmt, title=f"By {document['group_by']}, {currency}")]
    parts += ["", *_footer(document)]
    return "\n".join(parts) + "\n"


def _candidate_sections(document: dict[str, Any], fmt: str) -> list[str]:
    """The candidates' table; embedding candidates in a section of their own (each kind is ranked against
    its own traffic), as ``estimate`` lists them."""
    rows = _candidate_rows(document)
    chat = [row for row in rows if row["kind"] == "chat"]
    embedding = [row for row in rows if row["kind"] == "embedding"]
    parts = []
    if chat or not embedding:
        parts += ["", render_rows(chat, CANDIDATE_COLUMNS, fmt, title="The same traffic on each candidate")]
    if embedding:
        title = "The embedding traffic on each embedding candidate"
        parts += ["", render_rows(embedding, CANDIDATE_COLUMNS, fmt, title=title)]
    return parts


def _billed_cover(total: dict[str, Any]) -> str:
    """`` on 4 of 53 records`` when the billed figure covers only the records that carry one."""
    billed, records = total.get("billed_records"), total.get("records")
    negative = total.get("billed_negative_records")
    left_out = f"; {negative:,} negative billed amount(s) left out" if negative else ""
    if billed is None or records is None or billed >= records:
        return left_out
    return f" on the {billed:,} of {records:,} records that carry a billed cost{left_out}"
