"""Loading and validating plan documents (the ``tokencost.plan/1`` JSON, the check's only input) and reading
the figures the check compares from them: money fields, workloads by name, late starts, the gated total."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokencost.errors import InputError

PLAN_SCHEMA = "tokencost.plan/1"
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def money_field(value: Any, where: str, source: str) -> Decimal | None:
    """A money field of a plan document: a decimal string (or number), or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"{source}: {where} must be a decimal string, got {type(value).__name__}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{source}: {where} {value!r} is not a decimal number") from None
    if not number.is_finite():
        raise InputError(f"{source}: {where} must be a finite number")
    return number


def validate_plan_document(document: Any, source: str) -> dict[str, Any]:
    """Check that ``document`` is a ``tokencost.plan/1`` document the check can read; return it.

    Only what the check uses is validated (unknown keys are ignored, as the contract says). Every problem
    is an :class:`InputError` naming ``source``.
    """
    if not isinstance(document, dict):
        raise InputError(f"{source}: not a tokencost plan (expected a JSON object)")
    schema = document.get("schema")
    if schema != PLAN_SCHEMA:
        if isinstance(schema, str) and schema.startswith("tokencost.plan/"):
            raise InputError(
                f"{source}: plan schema {schema!r} is not supported (this tokencost reads {PLAN_SCHEMA!r})",
                "re-create it with this version's `tokencost plan --format json`",
            )
        shown = repr(schema) if schema is not None else "none"
        raise InputError(
            f"{source}: not a tokencost plan (schema {shown}, expected {PLAN_SCHEMA!r})",
            "write it with `tokencost plan FILE --format json`",
        )
    currency = document.get("currency")
    if not isinstance(currency, str) or not currency:
        raise InputError(f"{source}: plan has no currency")
    from tokencost.currency import is_currency

    if not is_currency(currency):
        raise InputError(f"{source}: plan currency {currency!r} is not an ISO 4217 code (e.g. USD, CNY, EUR)")
    workloads = document.get("workloads")
    if not isinstance(workloads, list):
        raise InputError(f"{source}: plan has no list of workloads")
    seen: set[str] = set()
    for index, workload in enumerate(workloads):
        if not isinstance(workload, dict) or not isinstance(workload.get("name"), str):
            raise InputError(f"{source}: workloads[{index}] has no name")
        name = workload["name"]
        if name in seen:
            raise InputError(f"{source}: workload {name!r} appears twice")
        seen.add(name)
        money_field(workload.get("monthly_cost"), f"workloads[{index}].monthly_cost", source)
    totals = document.get("totals")
    if totals is not None and not isinstance(totals, dict):
        raise InputError(f"{source}: totals must be an object")
    if document.get("problems") is not None and not isinstance(document["problems"], list):
        raise InputError(f"{source}: problems must be a list")
    for key in ("budgets", "policies", "price_data"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            raise InputError(f"{source}: {key} must be an object")
    return document


def load_plan_document(path: str | Path) -> dict[str, Any]:
    """Read and validate a plan JSON (a baseline); malformed or missing files raise :class:`InputError`."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    if path.stat().st_size > MAX_BASELINE_BYTES:
        raise InputError(f"{path}: larger than {MAX_BASELINE_BYTES // (1024 * 1024)} MiB, not a plan")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text, not a plan JSON") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not text.strip():
        raise InputError(f"{path}: empty file, not a plan JSON")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return validate_plan_document(document, str(path))


def looks_like_plan_document(text: str) -> bool:
    """True when ``text`` is a JSON object whose schema is a tokencost plan (any version)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("{"):
        return False
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        return False
    schema = document.get("schema") if isinstance(document, dict) else None
    return isinstance(schema, str) and schema.startswith("tokencost.plan/")


def workloads_by_name(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in document.get("workloads") or []}


def late_starts(document: Mapping[str, Any]) -> dict[str, str | None]:
    """Workloads that do not run in the plan's first month: name -> their first month (None: after the
    horizon). Empty for documents written before plans had per-workload ``first_month``."""
    forecast = (document.get("totals") or {}).get("forecast") or []
    first = forecast[0].get("month") if forecast and isinstance(forecast[0], dict) else None
    out: dict[str, str | None] = {}
    for w in document.get("workloads") or []:
        if (
            isinstance(w, dict)
            and "first_month" in w
            and (w["first_month"] is None or w["first_month"] != first)
        ):
            out[str(w.get("name"))] = w["first_month"]
    return out


def gated_month(document: Mapping[str, Any]) -> str | None:
    """The month the gate judges when workloads start at different months: the first month every workload
    starting within the horizon runs (the latest of their ``first_month``); None when none starts late."""
    late = late_starts(document)
    months = [m for m in late.values() if m is not None]
    return max(months) if months else None


def forecast_months(document: Mapping[str, Any]) -> list[str]:
    """The months of the plan's total forecast, in order."""
    forecast = (document.get("totals") or {}).get("forecast") or []
    return [str(p["month"]) for p in forecast if isinstance(p, dict) and p.get("month")]


def gated_total(document: Mapping[str, Any], source: str, month: str | None = None) -> Decimal | None:
    """The monthly total the gate compares, always a figure the plan shows: its first month's total
    (``totals.monthly_cost``) when every workload runs from the start, else the forecast's total in the first
    month every workload runs (``gated_month``), so a workload that starts later counts (at its cost then)
    and one that starts after the horizon does not. Documents without that month in ``totals.forecast`` are
    summed from the workloads' own forecasts. An explicit ``month`` reads that month's forecast total (None
    when the forecast has no such month): a baseline is read in the new plan's month."""
    late = late_starts(document)
    explicit = month is not None
    month = month if explicit else gated_month(document)
    totals = document.get("totals") or {}
    points = [p for p in totals.get("forecast") or [] if isinstance(p, dict) and p.get("month") == month]
    if month is not None and points:
        return money_field(points[0].get("cost"), "totals.forecast[].cost", source)
    if explicit:
        return None
    total = money_field(totals.get("monthly_cost"), "totals.monthly_cost", source)
    if not late and total is not None:
        return total
    costs = [
        money_field(w.get("monthly_cost"), f"workload {w['name']!r} monthly_cost", source)
        for w in document.get("workloads") or []
        if not (w.get("name") in late and late[w.get("name")] is None)
    ]
    priced = [c for c in costs if c is not None]
    return sum(priced, Decimal(0)) if priced else None


def require_known_models(document: Mapping[str, Any], source: str) -> None:
    """An unknown current model, or one with no price (a plan written before that was an error), is an input
    error: it must never count as $0 in a total."""
    for workload in document.get("workloads") or []:
        if workload.get("resolved_model") is not None:
            if workload.get("monthly_cost") is None:
                problems = [str(p) for p in workload.get("problems") or []]
                what = next(
                    (p for p in problems if "cannot be priced" in p),
                    f"current model {workload['resolved_model']} has no price",
                )
                raise InputError(f"{source}: workload {workload['name']!r}: {what} (never counted as $0)")
            continue
        model = workload.get("model")
        problems = [str(p) for p in workload.get("problems") or []]
        what = next((p for p in problems if p.startswith("unknown model")), f"unknown model {model!r}")
        raise InputError(f"{source}: workload {workload['name']!r}: {what}")
