"""The models' lifecycle in a check: a retired current model warns (it can no longer be bought), one that
retires within the plan's horizon is named with the month it can no longer be bought from, and so is a
candidate ranked ahead of the current model that retires (with the successor its later months are priced
on, or the month it stops covering). Read from the plan document (candidate notes, written by
``pricing.lifecycle.retired_note``, and ``successor_from`` / ``not_covered_from``)."""

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


def retiring_candidates(workload: Mapping[str, Any]) -> list[str]:
    """``gpt-5-mini (#1) retires on ...; successor ...: priced on gpt-5.4-mini from 2026-12``: each ranked
    candidate ahead of the current model (what the plan recommends) that retires, as the plan prices it."""
    rows = [row for row in workload.get("candidates") or [] if isinstance(row, dict)]
    out = []
    for row in rows:
        if row.get("current"):
            break
        note = next((str(n) for n in row.get("notes") or [] if str(n).startswith(_PREFIXES)), None)
        if note is None:
            continue
        text = f"{row.get('model')} (#{row.get('rank')}) {note}"
        if row.get("successor_from"):
            text += f": priced on {row.get('successor')} from {row['successor_from']}"
        if row.get("not_covered_from"):
            text += (
                f": not covered from {row['not_covered_from']}, ranked after the models covering the horizon"
            )
        out.append(text)
    return out


def check_lifecycle(findings: Findings, workloads: Mapping[str, Any]) -> None:
    """A warning per workload whose current model is retired, a notice per one that retires in the horizon
    and per retiring candidate ranked ahead of the current model."""
    for name, workload in workloads.items():
        for text in retiring_candidates(workload):
            findings.add(INFO, "lifecycle.candidate", f"workload {name!r}: candidate {text}", name)
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


__all__ = ["check_lifecycle", "lifecycle_note", "retiring_candidates"]
