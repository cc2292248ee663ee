"""The planner: workload files, monthly projection, ranking under constraints (``tokencost plan``).

``plan_file(path, ...) -> PlanResult``; ``PlanResult.to_document()`` is the ``tokencost.plan/1`` JSON that
``tokencost check`` reads. ``load_workload(path)`` validates a workload file alone.
"""

from __future__ import annotations

from tokencost.planner.plan import SCHEMA, PlanResult, WorkloadPlan, plan_file, plan_spec
from tokencost.planner.workload import WorkloadFile, load_workload, parse_workload_text, workload_json_schema

__all__ = [
    "SCHEMA",
    "PlanResult",
    "WorkloadFile",
    "WorkloadPlan",
    "load_workload",
    "parse_workload_text",
    "plan_file",
    "plan_spec",
    "workload_json_schema",
]
