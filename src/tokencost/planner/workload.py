"""The workload file: pydantic models (``extra="forbid"``) and the loader with ``file:line`` errors.

A workload file describes traffic once; the planner prices it on every candidate model::

    version: 1
    currency: USD
    start: 2026-12-01
    horizon_months: 12
    defaults: {cache_hit_ratio: 0.3}
    candidates: [deepseek-v3.2, vendor:anthropic, capability:tools]
    constraints: {capabilities: [tools], deny_vendors: [xai]}
    budgets: {monthly_total: 5000, per_workload: {support-bot: 1200}}
    workloads:
      - name: support-bot
        model: deepseek-v3.2
        requests_per_day: 10000
        prompt: prompts/*.txt          # or input_tokens: 812 + counted_with: o200k_base
        output_tokens: 350
        growth: 15%                    # per growth_per (month or week), compounding

The JSON Schema for editors is generated from these models (``workload_json_schema``) and shipped as
``planner/data/workload.schema.json``; a test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tokencost.errors import InputError, every_problem
from tokencost.planner.projection import monthly_growth_factor, requests_per_month
from tokencost.planner.workload_values import (
    MAX_REQUESTS_PER_MONTH,
    Count,
    CurrencyCode,
    Family,
    Growth,
    Language,
    Money,
    PositiveCount,
    Ratio,
    Tokens,
    Ttl,
    _Strict,
)
from tokencost.pricing.schema import Capability
from tokencost.yamlio import format_loc, line_of, load_yaml, read_text_file, validation_problems

WORKLOAD_VERSION = 1
MAX_HORIZON_MONTHS = 120

#: Fields of a workload that travel together: a workload that sets one of them replaces the whole group
#: it would inherit from ``defaults`` (so ``defaults: {requests_per_day: 10}`` and a workload's own
#: ``requests_per_month`` do not clash).
TRAFFIC_FIELDS = ("requests_per_day", "requests_per_week", "requests_per_month")
INPUT_FIELDS = ("input_tokens", "prompt", "messages")


class CacheRefresh(_Strict):
    """How the cached prefix (the ``cache_hit_ratio`` share of input) is written: each write bills the
    prefix at the card's cache-write rate for ``ttl``. Give ``write_ratio``, or let the TTL windows derive it
    (``writes_per_window``, default 1, over ``requests_per_window``, default: the traffic)."""

    ttl: Ttl = Field("5m", description="Cache lifetime, 5m or 1h: picks the write price (default 5m).")
    write_ratio: Ratio | None = Field(
        None,
        description="Share of requests that write the cached prefix instead of reading it (0-1); "
        "excludes writes_per_window and requests_per_window.",
    )
    writes_per_window: PositiveCount | None = Field(
        None,
        description="Times the prefix is written per TTL window (default 1; more for several prefixes, "
        "regions or replicas).",
    )
    requests_per_window: PositiveCount | None = Field(
        None,
        description="Requests per TTL window (default: the workload's traffic spread evenly over the month).",
    )
    ttl_1h_share: Ratio | None = Field(
        None,
        description="Share of the cache writes made with the 1 h TTL, the rest with 5 min (a measured mix, as "
        "tokencost replay --emit-workload writes it); needs write_ratio, excludes ttl.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> CacheRefresh:
        if self.ttl_1h_share is not None:
            if self.write_ratio is None:
                raise ValueError(
                    "ttl_1h_share needs write_ratio (a mix of TTLs has no single window to derive it)"
                )
            if "ttl" in self.model_fields_set:
                raise ValueError("give ttl or ttl_1h_share, not both")
        if self.write_ratio is not None:
            given = [k for k in ("writes_per_window", "requests_per_window") if getattr(self, k) is not None]
            if given:
                raise ValueError(f"give write_ratio or {' and '.join(given)}, not both")
            if self.write_ratio >= 1:
                raise ValueError("write_ratio must be below 1 (at 1 no request reads the cache)")
        return self


class ServiceTiers(_Strict):
    """Shares of the requests sent on a service tier (the rest on the default tier), priced at each
    candidate's tier prices where its card has them, at its standard prices otherwise (noted per candidate)."""

    flex: Ratio | None = Field(None, description="Share of requests on the flex tier (0-1; OpenAI flex).")
    priority: Ratio | None = Field(None, description="Share of requests on the priority tier (0-1).")

    @model_validator(mode="after")
    def _at_most_all(self) -> ServiceTiers:
        if (self.flex or 0) + (self.priority or 0) > 1:
            raise ValueError(
                f"flex {self.flex} and priority {self.priority} add up to more than 1 (all requests)"
            )
        return self

    def shares(self) -> tuple[tuple[str, Decimal], ...]:
        """(tier, share) of the tiers with requests, in a fixed order."""
        return tuple((name, value) for name in ("flex", "priority") if (value := getattr(self, name)))


class WorkloadFields(_Strict):
    """Everything a workload can set; every field is optional here so ``defaults`` can use the same shape."""

    model: str | None = Field(None, min_length=1, description="The model the workload runs on today.")
    requests_per_day: Count | None = Field(None, description="Traffic: requests per day.")
    requests_per_week: Count | None = Field(None, description="Traffic: requests per week.")
    requests_per_month: Count | None = Field(None, description="Traffic: requests per month (30.4375 days).")
    input_tokens: Tokens | None = Field(
        None, description="Average prompt tokens per request (including cached), counted with counted_with."
    )
    counted_with: Family | None = Field(
        None,
        description="Tokenizer family the given token counts (input, output, reasoning) were measured with; "
        "defaults to the current model's family.",
    )
    language: Language | None = Field(
        None,
        description="Language of the traffic, to pick the measured cross-tokenizer ratio table "
        "(default mixed). Ignored when real text is given.",
    )
    prompt: str | list[str] | None = Field(
        None,
        description="Prompt text: a path or glob (or a list), relative to the workload file; each file is one "
        "sample request, counted per tokenizer family.",
    )
    messages: str | list[str] | None = Field(
        None,
        description="Chat requests (OpenAI messages as JSON or JSONL): a path or glob (or a list), relative to "
        "the workload file; each file is one sample request, counted with per-message overhead.",
    )
    output_tokens: Tokens | None = Field(
        None,
        description="Average output tokens per request (default: 0.25 x input, stated as an assumption).",
    )
    reasoning_tokens: Tokens | None = Field(
        None, description="Average reasoning tokens per request (default 0)."
    )
    cache_hit_ratio: Ratio | None = Field(
        None, description="Share of input tokens read from the prompt cache (0-1, default 0)."
    )
    cache: CacheRefresh | None = Field(
        None,
        description="How the cached prefix is refreshed (ttl, write_ratio or writes/requests per window); "
        "default: written once per 5-minute window.",
    )
    batch_share: Ratio | None = Field(
        None, description="Share of requests sent through the batch API (0-1, default 0)."
    )
    off_peak_share: Ratio | None = Field(
        None,
        description="Share of requests sent in each candidate's off-peak window (0-1; DeepSeek-style discounted "
        "hours), at its window prices; candidates whose card has no window bill them at standard prices.",
    )
    service_tier: ServiceTiers | None = Field(
        None,
        description="Shares of requests on service tiers, e.g. {flex: 0.7, priority: 0.1} (the rest on the "
        "default tier); a candidate without a tier's price bills it at standard prices (noted).",
    )
    growth: Growth | None = Field(
        None, description="Traffic growth per growth_per, compounding: '15%' or 0.15 (default 0)."
    )
    growth_per: Literal["month", "week"] | None = Field(None, description="Period of growth (default month).")
    start: dt.date | None = Field(None, description="First day of the projection for this workload.")
    assumptions: list[str] = Field(
        default_factory=list, description="Your own assumptions behind these figures, echoed in the plan."
    )


class Workload(WorkloadFields):
    """One stream of traffic on one model."""

    name: str = Field(min_length=1, description="Unique name, used for per-workload budgets.")
    model: str = Field(min_length=1, description="The model the workload runs on today.")  # type: ignore[assignment]

    @model_validator(mode="after")
    def _complete(self) -> Workload:
        traffic = [f for f in TRAFFIC_FIELDS if getattr(self, f) is not None]
        if not traffic:
            raise ValueError(
                "give the traffic as one of requests_per_day, requests_per_week or requests_per_month"
            )
        if len(traffic) > 1:
            raise ValueError(f"give the traffic once, not as {' and '.join(traffic)}")
        given = [f for f in INPUT_FIELDS if getattr(self, f) is not None]
        if not given:
            raise ValueError(
                "give the input as input_tokens (with counted_with), prompt (files) or messages (file)"
            )
        if len(given) > 1:
            raise ValueError(f"give the input once, not as {' and '.join(given)}")
        for key in ("prompt", "messages"):
            if isinstance(getattr(self, key), list) and not getattr(self, key):
                raise ValueError(f"{key}: the list of files is empty")
        tiers = self.service_tier.shares() if self.service_tier is not None else ()
        if tiers and (self.batch_share or 0) + sum(share for _, share in tiers) > 1:
            named = " and ".join(f"service_tier.{name} {share}" for name, share in tiers)
            raise ValueError(
                f"batch_share {self.batch_share} and {named} add up to more than 1: a request is sent on one "
                "tier (batch, flex, priority or default)"
            )
        hits, refresh = self.cache_hit_ratio or Decimal(0), self.cache
        if refresh is not None and refresh.write_ratio is not None and hits + refresh.write_ratio > 1:
            raise ValueError(
                f"cache.write_ratio {refresh.write_ratio} with cache_hit_ratio {hits}: the cached prefix "
                f"would be larger than the input (write_ratio at most {1 - hits})"
            )
        return self

    @field_validator("requests_per_day", "requests_per_week")
    @classmethod
    def _monthly_traffic_bound(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        per = info.field_name.rsplit("_", 1)[1]  # type: ignore[union-attr]
        if value is not None and requests_per_month(value, per) > MAX_REQUESTS_PER_MONTH:
            raise ValueError(
                f"{value} requests per {per} is more than a plan can represent (at most "
                f"{MAX_REQUESTS_PER_MONTH:,.0f} requests per month)"
            )
        return value

    @property
    def traffic(self) -> tuple[str, Decimal]:
        """(period, requests) as written: ("day", 10000)."""
        for field_name in TRAFFIC_FIELDS:
            value = getattr(self, field_name)
            if value is not None:
                return field_name.rsplit("_", 1)[1], value
        raise AssertionError("validated")  # pragma: no cover


class Constraints(_Strict):
    """Filters on the candidates; a candidate that breaks one is listed under ``excluded`` with the reason."""

    min_context: int | None = Field(
        None,
        gt=0,
        description="Minimum context window in tokens. The workload's largest request (input + output + "
        "reasoning, in the candidate's tokenizer) must always fit.",
    )
    capabilities: list[Capability] = Field(
        default_factory=list, description="Capabilities every candidate needs."
    )
    allow_vendors: list[str] = Field(
        default_factory=list, description="Only these providers or model creators (empty: any)."
    )
    deny_vendors: list[str] = Field(
        default_factory=list, description="Never these providers or model creators."
    )
    open_weights: bool | None = Field(None, description="true: only open-weight models.")
    regions: list[str] = Field(
        default_factory=list,
        description="The provider must serve from one of these regions (e.g. eu, us, cn; 'global' is its own region).",
    )
    include_deprecated: bool = Field(True, description="false: drop models with a deprecation date.")


class Budgets(_Strict):
    """Used by ``tokencost check``; the plan only echoes them."""

    monthly_total: Money | None = Field(None, description="Monthly budget for all workloads, in currency.")
    per_workload: dict[str, Money] = Field(
        default_factory=dict, description="Monthly budget per workload name."
    )


class MaxPrice(_Strict):
    input: Money | None = None
    output: Money | None = None


class Policies(_Strict):
    """Used by ``tokencost check``; the plan validates and echoes them."""

    block_unknown_models: bool = False
    require_exact_counts: bool = False
    max_price_per_mtok: MaxPrice | None = Field(
        None, description="Fail when a workload's model costs more per million tokens (in currency)."
    )
    denied_vendors: list[str] = Field(default_factory=list)


class WorkloadFile(_Strict):
    """A workload file."""

    version: Literal[1] = Field(WORKLOAD_VERSION, description="Workload file format version.")
    currency: CurrencyCode | None = Field(None, description="Currency of every cost shown (default USD).")
    start: dt.date | None = Field(
        None, description="First day of the projection (default: the 1st of next month)."
    )
    horizon_months: int = Field(12, ge=1, le=MAX_HORIZON_MONTHS, description="Months to forecast.")
    assumptions: list[str] = Field(
        default_factory=list,
        description="Your own assumptions behind the file's figures, echoed in the plan.",
    )
    defaults: WorkloadFields | None = Field(
        None, description="Fields every workload inherits unless it sets them."
    )
    candidates: list[str] = Field(
        default_factory=list,
        description="Models to compare: ids, or selectors vendor:NAME, capability:NAME, all "
        "(default: a broad set of current models). The current model is always included.",
    )
    constraints: Constraints = Field(default_factory=Constraints)
    budgets: Budgets = Field(default_factory=Budgets)
    policies: Policies = Field(default_factory=Policies)
    model_map: dict[str, str] = Field(
        default_factory=dict,
        description="Names this file uses (Azure deployment names, in-house aliases) -> catalog model ids; "
        "--map on the command line wins.",
    )
    workloads: list[Workload] = Field(min_length=1)

    @field_validator("candidates")
    @classmethod
    def _selectors(cls, values: list[str]) -> list[str]:
        for value in values:
            kind, sep, arg = value.partition(":")
            if not value.strip():
                raise ValueError("a candidate cannot be empty")
            if sep and kind == "capability":
                try:
                    Capability(arg)
                except ValueError:
                    known = ", ".join(c.value for c in Capability)
                    raise ValueError(
                        f"unknown capability {arg!r} in {value!r}; use one of: {known}"
                    ) from None
            elif sep and kind == "vendor" and not arg:
                raise ValueError(f"{value!r}: name the vendor, e.g. vendor:deepseek")
        return values

    @model_validator(mode="after")
    def _consistent(self) -> WorkloadFile:
        # PydanticCustomError with the node's location in ctx: _raise points the error at its line
        names: set[str] = set()
        for index, workload in enumerate(self.workloads):
            if workload.name in names:
                raise PydanticCustomError(
                    "duplicate_workload",
                    "workload name '{name}' is used twice",
                    {"name": workload.name, "loc": ("workloads", index, "name")},
                )
            names.add(workload.name)
            _growth_within_bounds(workload, index, self.start, self.horizon_months)
        unknown = [name for name in self.budgets.per_workload if name not in names]
        if unknown:
            raise PydanticCustomError(
                "unknown_workload",
                "budget for {names}, but no workload has that name (workloads: {known})",
                {
                    "names": ", ".join(unknown),
                    "known": ", ".join(w.name for w in self.workloads),
                    "loc": ("budgets", "per_workload", unknown[0]),
                },
            )
        return self


def _growth_within_bounds(w: Workload, index: int, start: dt.date | None, horizon: int) -> None:
    """Growth compounded over the horizon must keep the traffic a plan can represent (the bound the traffic
    fields have): past it, money outgrows exact Decimal arithmetic and would print in scientific notation."""
    if not w.growth or w.growth <= 0:
        return
    offset = 0
    if start is not None and w.start is not None and w.start > start:
        offset = (w.start.year - start.year) * 12 + w.start.month - start.month
    steps = horizon - 1 - offset
    if steps <= 0:
        return
    per, count = w.traffic
    per_growth = w.growth_per or "month"
    reached = requests_per_month(count, per) * monthly_growth_factor(w.growth, per_growth) ** steps
    if reached > MAX_REQUESTS_PER_MONTH:
        raise PydanticCustomError(
            "growth_too_large",
            "growth {growth}% per {per} over {steps} months grows the traffic past what a plan can represent "
            "(at most {limit} requests per month); lower the growth or horizon_months",
            {
                "growth": format((w.growth * 100).normalize(), ",f"),
                "per": per_growth,
                "steps": steps,
                "limit": f"{MAX_REQUESTS_PER_MONTH:,.0f}",
                "loc": ("workloads", index, "growth"),
            },
        )


# -- loading ------------------------------------------------------------------------------------------------
_SELECTOR = re.compile(r"^(vendor|capability):")


def _merge_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """Each workload inherits ``defaults`` field by field; traffic and input replace as groups."""
    defaults = data.get("defaults")
    workloads = data.get("workloads")
    if not isinstance(defaults, dict) or not isinstance(workloads, list):
        return data
    merged = []
    for item in workloads:
        if not isinstance(item, dict):
            merged.append(item)
            continue
        inherited = dict(defaults)
        for group in (TRAFFIC_FIELDS, INPUT_FIELDS):
            if any(key in item for key in group):
                for key in group:
                    inherited.pop(key, None)
        merged.append({**inherited, **item})
    return {**data, "workloads": merged}


def parse_workload_text(text: str, source: str) -> WorkloadFile:
    """Validate a workload file's text; raise InputError with ``file:line: path: message``."""
    try:
        data = load_yaml(text, source)
    except ValueError as exc:  # PyYAML builds unquoted dates itself: 2027-02-30 raises a bare ValueError
        raise InputError(_bad_date(text, source) or f"{source}: invalid value: {exc}") from None
    if data is None:
        raise InputError(f"{source}: the workload file is empty (write one with `tokencost init`)")
    if not isinstance(data, dict):
        raise InputError(
            f"{source}: expected a mapping with 'version' and 'workloads', got {type(data).__name__}"
        )
    if isinstance(data.get("defaults"), dict):
        try:
            WorkloadFields.model_validate(data["defaults"])
        except ValidationError as exc:
            _raise(exc, text, source, prefix=("defaults",))
    try:
        return WorkloadFile.model_validate(_merge_defaults(data))
    except ValidationError as exc:
        _raise(exc, text, source)
    raise AssertionError("unreachable")  # pragma: no cover


def _bad_date(text: str, source: str) -> str | None:
    """``file:line: path: message`` of the first unquoted date YAML cannot build (``start: 2027-02-30``)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    constructor = yaml.constructor.SafeConstructor()
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, loc = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack[:0] = [(value, (*loc, key.value)) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = [(value, (*loc, i)) for i, value in enumerate(node.value)]
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError as exc:
                return (
                    f"{source}:{node.start_mark.line + 1}: {format_loc(loc)}: {node.value!r} is not a valid "
                    f"date ({exc}); write YYYY-MM-DD"
                )
    return None


def _raise(exc: ValidationError, text: str, source: str, prefix: tuple[str, ...] = ()) -> None:
    class _Located:
        """The errors with their YAML location: under ``prefix`` (the defaults block validated alone), or
        the node a whole-file check names in its context (e.g. a per-workload budget's key)."""

        def errors(self, include_url: bool = False) -> list[dict]:
            out = []
            for error in exc.errors(include_url=include_url):
                loc = (error.get("ctx") or {}).get("loc") or error["loc"]
                out.append({**error, "loc": (*prefix, *loc)})
            return out

    problems = validation_problems(_Located(), text, source)
    problems = [
        p.replace("pricing/schema.json", "tokencost/planner/data/workload.schema.json") for p in problems
    ]
    raise InputError(every_problem(problems)) from None


def load_workload(path: str | Path) -> tuple[WorkloadFile, str]:
    """Read and validate a workload file; returns the model and its text (for line numbers later)."""
    path = Path(path)
    text = read_text_file(path, "workload file")
    return parse_workload_text(text, str(path)), text


def where(text: str, source: str, *loc: str | int) -> str:
    """``file:line`` of the node at ``loc`` (e.g. ``"workloads", 0, "model"``)."""
    line = line_of(text, list(loc))
    return f"{source}:{line}" if line else source


def workload_json_schema() -> dict:
    """The JSON Schema of a workload file, shipped as ``planner/data/workload.schema.json``."""
    schema = WorkloadFile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tokencost workload file"
    return schema


def is_selector(candidate: str) -> bool:
    return candidate == "all" or bool(_SELECTOR.match(candidate))
