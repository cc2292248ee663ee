"""The CI gate: compare a plan document with budgets, policies and an optional baseline plan.

Everything here works on plan DOCUMENTS (the ``tokencost.plan/1`` JSON of ``tokencost plan --format json``,
see DESIGN.md "Planner and check"), never on planner internals, so a baseline written by an older run on
another branch is read exactly like the new plan. The result is a :class:`CheckResult`: a verdict
(``pass`` / ``warn`` / ``fail``), the reasons, totals, and a per-workload diff against the baseline.

Exit codes (the CLI maps them): 0 pass or warn, 1 a budget or policy failed, 2 input error (raised here as
:class:`~tokencost.errors.InputError` before any verdict is formed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokencost.errors import EXIT_CHECK_FAILED, EXIT_OK, InputError

CHECK_SCHEMA = "tokencost.check/1"
PLAN_SCHEMA = "tokencost.plan/1"

PASS, WARN, FAIL = "pass", "warn", "fail"
#: reason levels; ``info`` never changes the verdict.
INFO = "info"

DEFAULT_WARN_AT = Decimal(80)
MAX_BASELINE_BYTES = 64 * 1024 * 1024

_PCT_QUANTUM = Decimal("0.1")
_AMOUNT_RE = re.compile(
    r"^\s*([+]?)\s*([$€£¥]?)\s*([0-9][0-9,_]*(?:\.[0-9]+)?|\.[0-9]+)\s*([A-Za-z]{3})?\s*$"
)


# --------------------------------------------------------------------------------------------- options


@dataclass(frozen=True)
class CheckOptions:
    """What the check enforces beyond the document's own ``budgets`` and ``policies``.

    ``budget`` replaces the document's ``budgets.monthly_total``; ``workload_budgets`` replace (by name)
    entries of ``budgets.per_workload`` (flags win). ``max_increase`` / ``max_increase_pct`` limit the
    growth of the total monthly cost against the baseline. ``min_delta`` is the noise floor: a change whose
    absolute size is below it is not reported (and never fails ``max_increase``). ``warn_at`` is the share
    of a budget (percent) from which the check warns. ``warn_only`` turns failures into warnings.
    """

    budget: Decimal | None = None
    workload_budgets: Mapping[str, Decimal] = field(default_factory=dict)
    max_increase: Decimal | None = None
    max_increase_pct: Decimal | None = None
    min_delta: Decimal = Decimal(0)
    warn_at: Decimal = DEFAULT_WARN_AT
    warn_only: bool = False

    def __post_init__(self) -> None:
        """Amounts may be given as Decimal, int, str or float (via ``str``, so ``10.5`` is exactly 10.5);
        a bool, a negative or non-finite number or anything else is an InputError naming the field."""
        for name in ("budget", "max_increase", "max_increase_pct", "min_delta", "warn_at"):
            value = getattr(self, name)
            if value is None and name in ("budget", "max_increase", "max_increase_pct"):
                continue
            object.__setattr__(self, name, _option_amount(value, name))
        if self.warn_at > 100:
            raise InputError(f"CheckOptions.warn_at must be between 0 and 100, got {self.warn_at}")
        budgets = self.workload_budgets
        if not isinstance(budgets, Mapping):
            raise InputError(
                "CheckOptions.workload_budgets must be a mapping of workload name to amount, "
                f"got {type(budgets).__name__} {budgets!r}"
            )
        coerced: dict[str, Decimal] = {}
        for key, value in budgets.items():
            if not isinstance(key, str):
                raise InputError(f"CheckOptions.workload_budgets: workload names must be str, got {key!r}")
            coerced[key] = _option_amount(value, f"workload_budgets[{key!r}]")
        object.__setattr__(self, "workload_budgets", coerced)
        if not isinstance(self.warn_only, bool):
            raise InputError(f"CheckOptions.warn_only must be True or False, got {self.warn_only!r}")


def _option_amount(value: Any, name: str) -> Decimal:
    """A non-negative finite Decimal from a CheckOptions field (Decimal, int, str, or float via ``str``)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise InputError(f"CheckOptions.{name} must be a number, got {type(value).__name__} {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"CheckOptions.{name} {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise InputError(f"CheckOptions.{name} must be a finite number of 0 or more, got {value!r}")
    return number


#: What a currency symbol means to tokencost (it prints ``$`` only for USD); ``¥`` is CNY or JPY.
SYMBOL_CURRENCIES: Mapping[str, tuple[str, ...]] = {
    "$": ("USD",),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("CNY", "JPY"),
}


def parse_amount(text: str, name: str, currency: str | None = None) -> tuple[Decimal, str | None]:
    """Parse a money amount such as ``5000``, ``5,000.50``, ``$120``, ``€300`` or ``120 USD``.

    Returns the amount and the currency it is written in (an ISO code, upper case), or None when it names
    none (or only the ambiguous ``¥`` and no ``currency`` to settle it). With ``currency`` (the plan's), an
    amount written in any other currency raises :class:`InputError`, as do negative amounts and anything
    that is not a plain decimal.
    """
    from tokencost.currency import is_currency

    match = _AMOUNT_RE.match(str(text))
    if not match:
        raise InputError(f"{name} {text!r} is not an amount (e.g. 5000, 1250.50 or '5000 USD')")
    number = Decimal(match.group(3).replace(",", "").replace("_", ""))
    symbol = match.group(2)
    code = match.group(4).upper() if match.group(4) else None
    if code is not None and not is_currency(code):
        raise InputError(f"{name} {text!r}: {code!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)")
    meant = SYMBOL_CURRENCIES[symbol] if symbol else ()
    if symbol and code is not None and code not in meant:
        raise InputError(f"{name} {text!r}: {symbol} is {' or '.join(meant)}, not {code}")
    if code is None and len(meant) == 1:
        code = meant[0]
    if currency is not None:
        plain = f"{match.group(3)} {currency}"
        if code is not None and code != currency:
            raise InputError(
                f"{name} {text!r} is in {code}, but the plan is in {currency}",
                f"write the amount in {currency}, e.g. '{plain}'",
            )
        if code is None and meant:
            if currency not in meant:
                raise InputError(
                    f"{name} {text!r}: {symbol} may be {' or '.join(meant)}, and the plan is in {currency}",
                    f"write the ISO code, e.g. '{plain}'",
                )
            code = currency
    return number, code


def parse_increase(text: str, currency: str | None = None) -> tuple[Decimal | None, Decimal | None]:
    """``--max-increase``: ``10%`` -> (None, 10); ``250`` or ``250 USD`` -> (250, None).

    ``currency`` (the plan's) is checked against a currency written on an amount, as in :func:`parse_amount`.
    """
    raw = str(text).strip()
    if raw.endswith("%"):
        try:
            pct = Decimal(raw[:-1].strip().lstrip("+"))
        except InvalidOperation:
            raise InputError(f"--max-increase {text!r} is not a percentage (e.g. 10%)") from None
        if not pct.is_finite() or pct < 0:
            raise InputError(f"--max-increase {text!r} must be a percentage of 0% or more")
        return None, pct
    amount, _ = parse_amount(raw, "--max-increase", currency)
    return amount, None


def parse_percent(text: str, name: str) -> Decimal:
    """A percentage from 0 to 100, with or without ``%``."""
    raw = str(text).strip().removesuffix("%").strip()
    try:
        pct = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"{name} {text!r} is not a percentage (e.g. 80 or 80%)") from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise InputError(f"{name} {text!r} must be between 0 and 100")
    return pct


# ------------------------------------------------------------------------------------------- documents


def _money(value: Any, where: str, source: str) -> Decimal | None:
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
        _money(workload.get("monthly_cost"), f"workloads[{index}].monthly_cost", source)
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


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """One finding. ``level`` is fail/warn/info; ``demoted`` marks a failure turned into a warning."""

    level: str
    code: str
    message: str
    workload: str | None = None
    demoted: bool = False

    def to_document(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "code": self.code, "message": self.message}
        out["workload"] = self.workload
        if self.demoted:
            out["demoted_from"] = FAIL
        return out


@dataclass(frozen=True)
class WorkloadDiff:
    """One workload, new plan against baseline.

    ``status``: ``added`` (only in the new plan), ``removed`` (only in the baseline), ``changed``,
    ``unchanged`` (identical, or a change below the noise floor: then ``below_noise`` is true), or ``new``
    when there is no baseline at all.
    """

    name: str
    status: str
    model: str | None
    baseline_model: str | None
    new_cost: Decimal | None
    baseline_cost: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    budget: Decimal | None = None
    exact: bool | None = None
    below_noise: bool = False

    @property
    def reported(self) -> bool:
        return self.status in ("added", "removed", "changed", "new")

    def to_document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "reported": self.reported,
            "below_noise": self.below_noise,
            "model": self.model,
            "baseline_model": self.baseline_model,
            "baseline_cost": _s(self.baseline_cost),
            "new_cost": _s(self.new_cost),
            "change": _s(self.change),
            "change_pct": _s(self.change_pct),
            "budget": _s(self.budget),
            "exact_counts": self.exact,
        }


@dataclass
class CheckResult:
    """The verdict of a check and everything needed to explain it."""

    verdict: str
    reasons: list[Reason]
    currency: str
    new_total: Decimal | None
    baseline_total: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    budget: Decimal | None
    budget_source: str | None
    workloads: list[WorkloadDiff]
    options: CheckOptions
    price_data: dict[str, Any]
    workload_file: str | None
    generated_on: str | None
    baseline_info: dict[str, Any] | None
    assumptions: list[str]
    per_workload_budgets: dict[str, Decimal]
    workload_assumptions: dict[str, list[str]] = field(default_factory=dict)
    fx: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CHECK_FAILED if self.verdict == FAIL else EXIT_OK

    @property
    def failures(self) -> list[Reason]:
        return [r for r in self.reasons if r.level == FAIL]

    @property
    def warnings(self) -> list[Reason]:
        return [r for r in self.reasons if r.level == WARN]

    @property
    def would_fail(self) -> bool:
        """True when a failure was demoted by ``warn_only`` (the check would fail without it)."""
        return any(r.demoted for r in self.reasons)

    @property
    def budget_used_pct(self) -> Decimal | None:
        return _pct(self.new_total, self.budget)

    @property
    def price_date(self) -> str | None:
        return self.price_data.get("newest_checked") or self.price_data.get("oldest_checked")

    def to_document(self) -> dict[str, Any]:
        """The ``tokencost.check/1`` JSON document."""
        from tokencost._version import __version__

        options = self.options
        return {
            "schema": CHECK_SCHEMA,
            "tokencost_version": __version__,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "warn_only": options.warn_only,
            "would_fail": self.would_fail,
            "reasons": [r.to_document() for r in self.reasons],
            "currency": self.currency,
            "workload_file": self.workload_file,
            "generated_on": self.generated_on,
            "price_data": dict(self.price_data),
            "price_date": self.price_date,
            "fx": self.fx,
            "baseline": self.baseline_info,
            "limits": {
                "budget": _s(self.budget),
                "budget_source": self.budget_source,
                "per_workload_budgets": {k: str(v) for k, v in self.per_workload_budgets.items()},
                "max_increase": _s(options.max_increase),
                "max_increase_pct": _s(options.max_increase_pct),
                "min_delta": str(options.min_delta),
                "warn_at_pct": str(options.warn_at),
            },
            "totals": {
                "baseline": _s(self.baseline_total),
                "new": _s(self.new_total),
                "change": _s(self.change),
                "change_pct": _s(self.change_pct),
                "budget": _s(self.budget),
                "budget_used_pct": _s(self.budget_used_pct),
            },
            "workloads": [w.to_document() for w in self.workloads],
            "assumptions": list(self.assumptions),
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return (part / whole * 100).quantize(_PCT_QUANTUM, rounding=ROUND_HALF_EVEN)


def _fmt_beside(amount: Decimal, limit: Decimal, currency: str) -> str:
    """``amount`` as money with enough places to differ from ``limit`` (when it does)."""
    from tokencost.currency import format_money

    for places in range(2, 9):
        shown = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        if shown != limit:
            return format_money(amount, currency, places)
    return format_money(amount, currency, 8)


def _pct_beside(exact: Decimal, limit: Decimal) -> Decimal:
    """``exact`` rounded to 0.1, or finer when that rounding would land on the other side of ``limit``."""
    for places in range(1, 7):
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        if (shown > limit) == (exact > limit) and (shown == limit) == (exact == limit):
            return shown
    return exact.normalize()


# ---------------------------------------------------------------------------------------------- checks


def _by_name(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in document.get("workloads") or []}


def _starts_late(document: Mapping[str, Any]) -> dict[str, str | None]:
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


def _total(document: Mapping[str, Any], source: str) -> Decimal | None:
    """The monthly total the gate compares: every workload at its own first month's cost (its run rate), so
    a workload that starts later in the plan counts, and one that starts after the horizon does not.
    For workloads that all start with the plan this is the plan's ``totals.monthly_cost``."""
    late = _starts_late(document)
    if not late:
        totals = document.get("totals") or {}
        total = _money(totals.get("monthly_cost"), "totals.monthly_cost", source)
        if total is not None:
            return total
    costs = [
        _money(w.get("monthly_cost"), f"workload {w['name']!r} monthly_cost", source)
        for w in document.get("workloads") or []
        if not (w.get("name") in late and late[w.get("name")] is None)
    ]
    priced = [c for c in costs if c is not None]
    return sum(priced, Decimal(0)) if priced else None


def _denied(workload: Mapping[str, Any], denied: Sequence[str]) -> str | None:
    """The denied vendor a workload's provider or model belongs to, if any."""
    provider = str(workload.get("provider") or "").lower()
    model = str(workload.get("resolved_model") or "").lower()
    segments = model.split("/")[:-1]
    for vendor in denied:
        v = str(vendor).lower().strip()
        if not v:
            continue
        if provider == v or provider.startswith(v + "-") or v in segments:
            return str(vendor)
    return None


def _require_known_models(document: Mapping[str, Any], source: str) -> None:
    """An unknown current model is an input error: it must never count as $0 in a total."""
    for workload in document.get("workloads") or []:
        if workload.get("resolved_model") is not None:
            continue
        model = workload.get("model")
        problems = [str(p) for p in workload.get("problems") or []]
        what = next((p for p in problems if p.startswith("unknown model")), f"unknown model {model!r}")
        raise InputError(f"{source}: workload {workload['name']!r}: {what}")


_FX_RATE_RE = re.compile(r"1 USD = (\S+) ([A-Z]{3})")


def _fx_difference(before: Any, after: Any) -> tuple[str, str] | None:
    """The rates (as the plans state them) when a currency both plans convert was converted differently.

    A plan's ``fx`` reads like ``1 USD = 7.12 CNY (default, 2025-10-31); 1 USD = 0.86 EUR (given)``. Only
    the rates are compared (the same rate from another source is no difference); a currency only one plan
    converts is not a difference in rate either. Unparseable notes are compared as text.
    """
    if not before or not after or before == after:
        return None
    old_rates = dict((code, rate) for rate, code in _FX_RATE_RE.findall(str(before)))
    new_rates = dict((code, rate) for rate, code in _FX_RATE_RE.findall(str(after)))
    if not old_rates or not new_rates:
        return str(before), str(after)

    def same(a: str, b: str) -> bool:
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return a == b

    differing = sorted(c for c in old_rates.keys() & new_rates.keys() if not same(old_rates[c], new_rates[c]))
    if not differing:
        return None
    return (
        ", ".join(f"1 USD = {old_rates[c]} {c}" for c in differing),
        ", ".join(f"1 USD = {new_rates[c]} {c}" for c in differing),
    )


def _fmt(amount: Decimal | None, currency: str) -> str:
    """Money for messages: cents from 1 up, significant digits below."""
    from tokencost.currency import format_money

    if amount is None:
        return "n/a"
    return format_money(amount, currency, 2 if abs(amount) >= 1 else None)


def run_check(
    new: Mapping[str, Any],
    baseline: Mapping[str, Any] | None = None,
    options: CheckOptions | None = None,
    *,
    new_source: str = "plan",
    baseline_source: str = "baseline",
) -> CheckResult:
    """Check the plan document ``new`` (against ``baseline`` when given) and return the verdict.

    Both documents are validated first; an unreadable one raises :class:`InputError` (exit 2), and so does
    a baseline in another currency (the diff would be meaningless).
    """
    options = CheckOptions() if options is None else options
    if not isinstance(options, CheckOptions):
        raise InputError(f"options must be a CheckOptions, got {type(options).__name__}")
    validate_plan_document(new, new_source)
    if baseline is not None:
        validate_plan_document(baseline, baseline_source)
    _require_known_models(new, new_source)
    if baseline is not None:
        _require_known_models(baseline, baseline_source)
    currency = new["currency"]
    if baseline is not None and baseline["currency"] != currency:
        raise InputError(
            f"{baseline_source}: baseline is in {baseline['currency']} but the new plan is in {currency}",
            "plan both with the same --currency",
        )
    reasons: list[Reason] = []
    assumptions: list[str] = []

    def add(level: str, code: str, message: str, workload: str | None = None) -> None:
        if level == FAIL and options.warn_only:
            reasons.append(Reason(WARN, code, message + " (warn-only)", workload, demoted=True))
        else:
            reasons.append(Reason(level, code, message, workload))

    money = lambda amount: _fmt(amount, currency)  # noqa: E731

    budgets = new.get("budgets") or {}
    policies = new.get("policies") or {}
    workloads = _by_name(new)
    base_workloads = _by_name(baseline) if baseline is not None else {}

    # --- budgets (flags win over the file)
    budget = options.budget
    budget_source = "flag" if budget is not None else None
    if budget is None:
        budget = _money(budgets.get("monthly_total"), "budgets.monthly_total", new_source)
        budget_source = "file" if budget is not None else None
    per_workload: dict[str, Decimal] = {}
    file_per_workload = budgets.get("per_workload") or {}
    if not isinstance(file_per_workload, dict):
        raise InputError(f"{new_source}: budgets.per_workload must be an object")
    for name, value in file_per_workload.items():
        amount = _money(value, f"budgets.per_workload.{name}", new_source)
        if amount is not None:
            per_workload[str(name)] = amount
    for name, amount in options.workload_budgets.items():
        if name not in workloads:
            import difflib

            close = difflib.get_close_matches(name, list(workloads), n=3, cutoff=0.6)
            known = ", ".join(close or sorted(workloads)) or "none"
            raise InputError(
                f"--budget {name}={amount}: the plan has no workload {name!r}",
                ("did you mean: " if close else "its workloads: ") + known,
            )
    per_workload.update(options.workload_budgets)

    new_total = _total(new, new_source)
    late = _starts_late(new)
    for name, first in late.items():
        assumptions.append(
            f"workload {name!r} starts after the plan's horizon: not in the monthly total"
            if first is None
            else f"workload {name!r} starts in {first}: the monthly total counts it at that month's cost"
        )
    warn_ratio = options.warn_at / 100

    def check_budget(cost: Decimal | None, limit: Decimal, what: str, code: str, name: str | None) -> None:
        if cost is None:
            add(
                WARN,
                f"{code}.unpriced",
                f"{what} has no price, cannot check its budget of {money(limit)}",
                name,
            )
        elif cost > limit:
            over = cost - limit
            add(
                FAIL,
                code,
                f"{what} {money(cost)}/month is over the budget of {money(limit)} by {money(over)}",
                name,
            )
        elif limit > 0 and options.warn_at < 100 and cost >= limit * warn_ratio:
            add(
                WARN,
                f"{code}.near",
                f"{what} {money(cost)}/month uses {_pct(cost, limit)}% of the budget of {money(limit)} "
                f"(warning from {options.warn_at}%)",
                name,
            )

    if budget is not None:
        check_budget(new_total, budget, "total", "budget.total", None)
        forecast = (new.get("totals") or {}).get("forecast") or []
        if new_total is not None and new_total <= budget:
            for point in forecast:
                if not isinstance(point, dict):
                    continue
                cost = _money(point.get("cost"), "totals.forecast[].cost", new_source)
                if cost is not None and cost > budget:
                    add(
                        WARN,
                        "budget.forecast",
                        f"total is projected to reach {money(cost)} in {point.get('month')}, over the "
                        f"budget of {money(budget)}",
                    )
                    break
    for name, limit in per_workload.items():
        if name not in workloads:
            add(
                WARN,
                "budget.unknown_workload",
                f"budget set for workload {name!r}, which the plan does not have",
                name,
            )
            continue
        if name in late and late[name] is None:
            add(
                INFO,
                "budget.after_horizon",
                f"workload {name!r} starts after the plan's horizon: budget not checked",
                name,
            )
            continue
        cost = _money(workloads[name].get("monthly_cost"), f"workload {name!r} monthly_cost", new_source)
        check_budget(cost, limit, f"workload {name!r}", "budget.workload", name)
        if cost is not None and cost <= limit:
            for point in workloads[name].get("forecast") or []:
                later = (
                    _money(point.get("cost"), f"workload {name!r} forecast cost", new_source)
                    if isinstance(point, dict)
                    else None
                )
                if later is not None and later > limit:
                    add(
                        WARN,
                        "budget.workload_forecast",
                        f"workload {name!r} is projected to reach {money(later)} in {point.get('month')}, over "
                        f"its budget of {money(limit)}",
                        name,
                    )
                    break

    # --- policies
    block_unknown = bool(policies.get("block_unknown_models"))
    for problem in [str(p) for p in new.get("problems") or []]:
        if not problem.startswith(("unknown candidate model", "unknown model")):
            add(WARN, "plan.problem", f"plan: {problem}")
        elif block_unknown:
            add(FAIL, "policy.unknown_model", f"{problem} (policy: block_unknown_models)")
        else:
            add(WARN, "unknown_candidate", f"{problem}; not compared")
    require_exact = bool(policies.get("require_exact_counts"))
    max_price = policies.get("max_price_per_mtok") or {}
    denied = [str(v) for v in (policies.get("denied_vendors") or [])]
    unpriced: list[str] = []
    estimated: list[str] = []
    for name, workload in workloads.items():
        problems = [str(p) for p in workload.get("problems") or []]
        detail = f" ({'; '.join(problems)})" if problems else ""
        model = workload.get("model")
        cost = _money(workload.get("monthly_cost"), f"workload {name!r} monthly_cost", new_source)
        if cost is None:
            unpriced.append(name)
            add(WARN, "unpriced", f"workload {name!r}: no monthly cost for {model!r}{detail}", name)
        count = workload.get("count") or {}
        if isinstance(count, dict) and count.get("exact") is False:
            estimated.append(name)
            if require_exact:
                add(
                    FAIL,
                    "policy.exact_counts",
                    f"workload {name!r}: token counts are an estimate ({count.get('method') or 'estimate'})"
                    " and the policy requires exact counts",
                    name,
                )
        vendor = _denied(workload, denied)
        if vendor is not None:
            add(
                FAIL,
                "policy.denied_vendor",
                f"workload {name!r}: model {workload.get('resolved_model')!r} "
                f"(provider {workload.get('provider')!r}) is from denied vendor {vendor!r}",
                name,
            )
        prices = workload.get("price_per_mtok") or {}
        if isinstance(max_price, dict) and max_price and isinstance(prices, dict):
            price_currency = prices.get("currency") or currency
            for kind in ("input", "output"):
                limit = _money(max_price.get(kind), f"policies.max_price_per_mtok.{kind}", new_source)
                price = _money(prices.get(kind), f"workload {name!r} price_per_mtok.{kind}", new_source)
                if limit is None or price is None:
                    continue
                if price_currency != currency:
                    add(
                        WARN,
                        "policy.max_price.currency",
                        f"workload {name!r}: {kind} price is in {price_currency}, the limit in {currency}; "
                        "not compared",
                        name,
                    )
                elif price > limit:
                    add(
                        FAIL,
                        "policy.max_price",
                        f"workload {name!r}: {kind} price {_fmt(price, currency)}/Mtok on "
                        f"{workload.get('resolved_model')!r} is over the limit of {_fmt(limit, currency)}/Mtok",
                        name,
                    )
    if unpriced:
        assumptions.append(
            f"the total leaves out {len(unpriced)} unpriced workload(s): {', '.join(unpriced)}"
        )
    if estimated and not require_exact:
        assumptions.append(f"token counts are estimates for: {', '.join(estimated)}")

    # --- baseline diff
    baseline_total = change = change_pct = None
    diffs: list[WorkloadDiff] = []
    for name, workload in workloads.items():
        cost = _money(workload.get("monthly_cost"), f"workload {name!r} monthly_cost", new_source)
        exact = (
            (workload.get("count") or {}).get("exact") if isinstance(workload.get("count"), dict) else None
        )
        common = {
            "name": name,
            "model": workload.get("resolved_model") or workload.get("model"),
            "new_cost": cost,
            "budget": per_workload.get(name),
            "exact": exact,
        }
        if baseline is None:
            diffs.append(
                WorkloadDiff(
                    status="new",
                    baseline_model=None,
                    baseline_cost=None,
                    change=None,
                    change_pct=None,
                    **common,
                )
            )
            continue
        before = base_workloads.get(name)
        if before is None:
            diffs.append(
                WorkloadDiff(
                    status="added",
                    baseline_model=None,
                    baseline_cost=None,
                    change=cost,
                    change_pct=None,
                    **common,
                )
            )
            continue
        before_cost = _money(before.get("monthly_cost"), f"workload {name!r} monthly_cost", baseline_source)
        before_model = before.get("resolved_model") or before.get("model")
        delta = cost - before_cost if cost is not None and before_cost is not None else None
        model_changed = before_model != common["model"]
        below = delta is not None and delta != 0 and abs(delta) < options.min_delta
        if (
            model_changed
            or (cost is None) != (before_cost is None)
            or (delta not in (None, Decimal(0)) and not below)
        ):
            status = "changed"
        else:
            status = "unchanged"
        diffs.append(
            WorkloadDiff(
                status=status,
                baseline_model=before_model,
                baseline_cost=before_cost,
                change=delta,
                change_pct=_pct(delta, before_cost),
                below_noise=below and status == "unchanged",
                **common,
            )
        )
    for name, before in base_workloads.items():
        if name in workloads:
            continue
        before_cost = _money(before.get("monthly_cost"), f"workload {name!r} monthly_cost", baseline_source)
        diffs.append(
            WorkloadDiff(
                name=name,
                status="removed",
                model=None,
                baseline_model=before.get("resolved_model") or before.get("model"),
                new_cost=None,
                baseline_cost=before_cost,
                change=-before_cost if before_cost is not None else None,
                change_pct=Decimal(-100) if before_cost else None,
            )
        )

    limit_set = options.max_increase is not None or options.max_increase_pct is not None
    if baseline is not None:
        baseline_total = _total(baseline, baseline_source)
        if new_total is not None and baseline_total is not None:
            change = new_total - baseline_total
            change_pct = _pct(change, baseline_total)
        if limit_set and change is not None and change > 0 and change >= options.min_delta:
            shown_pct = change_pct
            if options.max_increase_pct is not None and baseline_total:
                # compare the exact percentage; round only for display, and never to the limit itself
                shown_pct = _pct_beside(change / baseline_total * 100, options.max_increase_pct)
            shown = f"+{money(change)}" + (f" (+{shown_pct}%)" if shown_pct is not None else "")
            base_text = f"{money(baseline_total)} -> {money(new_total)}"
            if options.max_increase is not None and change > options.max_increase:
                rose = shown
                if money(change) == money(options.max_increase):
                    rose = rose.replace(money(change), _fmt_beside(change, options.max_increase, currency), 1)
                add(
                    FAIL,
                    "increase.amount",
                    f"total rose {rose}, {base_text}: over the limit of +{money(options.max_increase)}",
                )
            if options.max_increase_pct is not None and (
                not baseline_total or change * 100 > options.max_increase_pct * baseline_total
            ):
                over = (
                    "from zero" if not baseline_total else f"over the limit of +{options.max_increase_pct}%"
                )
                add(FAIL, "increase.pct", f"total rose {shown}, {base_text}: {over}")
        elif limit_set and change is None:
            add(
                WARN,
                "increase.unpriced",
                "the total of the plan or the baseline has no price: increase not checked",
            )
        elif not limit_set and change:
            shown = f"{'+' if change > 0 else '-'}{money(abs(change))}"
            pct = f" ({'+' if change > 0 else ''}{change_pct}%)" if change_pct is not None else ""
            add(
                INFO,
                "increase.not_gated",
                f"total changed {shown}{pct} against the baseline; not gated (set --max-increase to fail on a rise)",
            )
        if baseline.get("start") and new.get("start") and baseline.get("start") != new.get("start"):
            add(
                WARN,
                "start.differs",
                f"the baseline was planned from {baseline.get('start')}, the new plan from {new.get('start')}: "
                "growth between the two start months is part of the change (give both the same start)",
            )
        fx_change = _fx_difference(baseline.get("fx"), new.get("fx"))
        if fx_change is not None:
            add(
                WARN,
                "fx.differs",
                f"exchange rates differ: baseline {fx_change[0]}, new plan {fx_change[1]}; "
                "part of the change is the exchange rate",
            )
        if baseline.get("price_data") and baseline.get("price_data") != new.get("price_data"):
            assumptions.append(
                "baseline priced with price data checked "
                f"{(baseline.get('price_data') or {}).get('newest_checked')}; part of the change may be price updates"
            )
    elif limit_set:
        add(INFO, "increase.no_baseline", "no baseline given: --max-increase not checked")

    price_data = new.get("price_data") or {}
    if price_data.get("newest_checked"):
        assumptions.append(f"prices as checked on {price_data.get('newest_checked')}")
    if new.get("fx"):
        assumptions.append(f"exchange rate: {new.get('fx')}")
    assumptions += [str(a) for a in new.get("assumptions") or []]
    if options.min_delta > 0:
        assumptions.append(f"changes smaller than {money(options.min_delta)} are not reported")

    order = {FAIL: 0, WARN: 1, INFO: 2}
    reasons.sort(key=lambda r: order[r.level])
    if any(r.level == FAIL for r in reasons):
        verdict = FAIL
    elif any(r.level == WARN for r in reasons):
        verdict = WARN
    else:
        verdict = PASS

    baseline_info = None
    if baseline is not None:
        baseline_info = {
            "source": baseline_source,
            "workload_file": baseline.get("workload_file"),
            "generated_on": baseline.get("generated_on"),
            "price_data": baseline.get("price_data"),
            "fx": baseline.get("fx"),
        }
    diff_order = {"changed": 0, "added": 1, "removed": 2, "new": 3, "unchanged": 4}
    diffs.sort(key=lambda d: (diff_order[d.status], d.name))
    return CheckResult(
        verdict=verdict,
        reasons=reasons,
        currency=currency,
        new_total=new_total,
        baseline_total=baseline_total,
        change=change,
        change_pct=change_pct,
        budget=budget,
        budget_source=budget_source,
        workloads=diffs,
        options=options,
        price_data=dict(price_data),
        workload_file=new.get("workload_file"),
        generated_on=new.get("generated_on"),
        baseline_info=baseline_info,
        assumptions=list(dict.fromkeys(assumptions)),
        per_workload_budgets=per_workload,
        fx=str(new["fx"]) if new.get("fx") else None,
        workload_assumptions={
            name: [str(a) for a in w.get("assumptions") or []]
            for name, w in workloads.items()
            if w.get("assumptions")
        },
    )


__all__ = [
    "CHECK_SCHEMA",
    "FAIL",
    "INFO",
    "PASS",
    "PLAN_SCHEMA",
    "WARN",
    "CheckOptions",
    "CheckResult",
    "Reason",
    "WorkloadDiff",
    "load_plan_document",
    "looks_like_plan_document",
    "parse_amount",
    "parse_increase",
    "parse_percent",
    "run_check",
    "validate_plan_document",
]
