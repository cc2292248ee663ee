"""The CI gate: compare a plan document with budgets, policies and an optional baseline plan.

Everything here works on plan DOCUMENTS (the ``tokencost.plan/1`` JSON of ``tokencost plan --format json``,
see DESIGN.md "Planner and check"), never on planner internals, so a baseline written by an older run on
another branch is read exactly like the new plan. The result is a :class:`CheckResult`: a verdict
(``pass`` / ``warn`` / ``fail``), the reasons, totals, and a per-workload diff against the baseline.

Modules: ``options`` (budgets and limits given as flags, amount parsers), ``documents`` (load and validate
plan JSON, read its figures), ``budgets``, ``policies``, ``baseline`` (the checks), ``result`` (plain data
for the renderers) and ``gate`` (``run_check``, the pipeline).

Exit codes (the CLI maps them): 0 pass or warn, 1 a budget or policy failed, 2 input error (raised here as
:class:`~tokencost.errors.InputError` before any verdict is formed).
"""

from __future__ import annotations

from tokencost.planner.check.documents import (
    MAX_BASELINE_BYTES,
    PLAN_SCHEMA,
    load_plan_document,
    looks_like_plan_document,
    validate_plan_document,
)
from tokencost.planner.check.gate import run_check
from tokencost.planner.check.options import (
    DEFAULT_WARN_AT,
    SYMBOL_CURRENCIES,
    CheckOptions,
    parse_amount,
    parse_increase,
    parse_percent,
)
from tokencost.planner.check.result import (
    CHECK_SCHEMA,
    FAIL,
    INFO,
    PASS,
    WARN,
    CheckResult,
    Reason,
    WorkloadDiff,
)

__all__ = [
    "CHECK_SCHEMA",
    "DEFAULT_WARN_AT",
    "FAIL",
    "INFO",
    "MAX_BASELINE_BYTES",
    "PASS",
    "PLAN_SCHEMA",
    "SYMBOL_CURRENCIES",
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
