"""The current models' lifecycle in a check: a retired one warns (it can no longer be bought), one that
retires within the plan's horizon is named with the month it can no longer be bought from. Read from the
plan document (the current model's candidate notes, written by ``pricing.lifecycle.retired_note``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokencost.planner.check.result import INFO, WARN, Findings

_PREFIXES = ("retired on", "retires on")


def lifecycle_note(workload: Mapping[str, Any]) -> str | None:
    """The current model's ``retired on DATE`` / ``retires on DATE: cannot be bought from MONTH`` note."""
    for row in workload.get("candidates") or []:
        if isinstance(row, dict) and row.get("current"):
            notes = [str(n) for n in row.get("notes") or []]
            return next((n for n in notes if n.startswith(_PREFIXES)), None)
    for problem in [str(p) for p in workload.get("problems") or []]:  # the current model not ranked
        if problem.startswith("current model ") and any(p in problem for p in _PREFIXES):
            return problem.split(" ", 3)[3].removeprefix("was ")
    return None


def check_lifecycle(findings: Findings, workloads: Mapping[str, Any]) -> None:
    """A warning per workload whose current model is retired, a notice per one that retires in the horizon."""
    for name, workload in workloads.items():
        note = lifecycle_note(workload)
        if note is None:
            continue
        model = workload.get("resolved_model") or workload.get("model")
        if note.startswith("retired on"):
            findings.add(
                WARN, "lifecycle.retired", f"workload {name!r}: current model {model} was {note}", name
            )
        else:
            findings.add(INFO, "lifecycle.retiring", f"workload {name!r}: current model {model} {note}", name)


__all__ = ["check_lifecycle", "lifecycle_note"]
