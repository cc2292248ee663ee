"""The assumption lines of a plan: what each figure rests on, given or assumed (traffic, tokens, output,
reasoning, cache, batch, growth, start month, conversions), per workload and for the whole plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from tokencost.planner.figures import grouped, percent
from tokencost.planner.projection import Timeline
from tokencost.planner.ratios import provenance, ratio_table
from tokencost.planner.tokens import DEFAULT_OUTPUT_RATIO
from tokencost.planner.workload import Workload, WorkloadFile

PLAN_RULES = (
    "a month is 30.4375 days (365.25 / 12); a month's cost is the same whichever calendar month it is",
    "growth compounds month on month from each workload's start month; weekly rates convert as "
    "(1 + g) ** (30.4375 / 7); a workload costs 0 in the plan's months before its start",
)
RANKING_RULE = (
    "ranking: by each candidate's total over the horizon (price changes and growth included); a candidate "
    "cannot be bought from the month its retirement date falls in: from that month it is priced on the "
    "successor its sheet names, or those months are not covered and it ranks after every candidate that "
    "covers the horizon (the current model's forecast too: on its successor once it cannot be bought, else on its "
    "last price, a problem)"
)
PRICES_RULE = (
    "published list prices as of each sheet's checked date (overlay negotiated prices with --pricing); "
    "time-of-day discounts applied only to a workload's off_peak_share; long-context tiers judged per sample request when real text is "
    "given (each sample an equal share of the traffic), else on the average request"
)


def prices_assumption(at: dt.date | None) -> str:
    """Which cards price the months: one day's (``--at``) or the current ones with scheduled changes."""
    if at:
        return f"prices: the cards in force on {at} (--at), for every month; " + PRICES_RULE
    return "prices: current cards, a scheduled change from its month on (noted per model); " + PRICES_RULE


def traffic_assumption(w: Workload, monthly_requests: Decimal) -> str:
    period, count = w.traffic
    if period == "month":
        return f"traffic: {count:,} requests per month (given)"
    per = "30.4375 days" if period == "day" else "30.4375/7 weeks"
    return (
        f"traffic: {count:,} requests per {period} x {per} = {grouped(monthly_requests)} requests per month"
    )


def input_assumption(w: Workload, samples: Sequence[Path], chat_requests: int | None, base: str) -> str:
    """Where the input tokens come from: sample files (``chat_requests`` for chat samples) or given counts."""
    if samples:
        if chat_requests is not None:
            what = f"{chat_requests} chat request(s) from {len(samples)} file(s), incl. per-message overhead"
        else:
            what = f"{len(samples)} sample prompt file(s)"
        return (
            f"input: mean of {what}, counted with each candidate's own tokenizer "
            "(largest sample used for the context check)"
        )
    given_base = "given" if w.counted_with else "assumed: the current model's tokenizer"
    table = ratio_table()
    return (
        f"input: {w.input_tokens:,} tokens per request counted with {base} ({given_base}); other "
        f"tokenizers converted with ratios measured on {table['sample_name']} "
        f"[{w.language or 'mixed'}{'' if w.language else ', default'}]; the context check assumes no "
        "request is larger than this average (set constraints.min_context for peaks)"
    )


def output_assumptions(w: Workload, has_samples: bool, base: str) -> list[str]:
    """Output and reasoning tokens per request, given or assumed."""
    unit = (
        f"{base} tokens"
        if not has_samples
        else f"{base} tokens, scaled to each tokenizer by the sample's text counts (chat framing and tools aside)"
    )
    out = []
    if w.output_tokens is None:
        out.append(
            f"output: {DEFAULT_OUTPUT_RATIO} x input tokens per request (assumed: output_tokens not given)"
        )
    else:
        out.append(f"output: {w.output_tokens:,} {unit} per request (given)")
    if w.reasoning_tokens is None:
        out.append("reasoning: 0 tokens per request (assumed: reasoning_tokens not given)")
    elif not w.reasoning_tokens:
        out.append("reasoning: 0 tokens per request (given)")
    else:
        out.append(
            f"reasoning: {w.reasoning_tokens:,} {unit} per request, billed at the reasoning or output rate"
        )
    return out


def billing_assumptions(w: Workload, factor: Decimal, cache_note: str | None = None) -> list[str]:
    """Cache hits and writes (``cache_note``, from ``cache_writes``), batch share and growth, given or
    assumed."""
    out = []
    if w.cache_hit_ratio is None:
        out.append("cache hits: none (assumed: cache_hit_ratio not given)")
    elif not w.cache_hit_ratio:
        out.append("cache hits: none (given)")
    else:
        out.append(
            f"cache hits: {percent(w.cache_hit_ratio)} of input tokens billed at the cache-read rate "
            "(input rate where none is published)"
        )
    if cache_note:
        out.append(cache_note)
    if w.batch_share is None:
        out.append("batch: none (assumed: batch_share not given)")
    elif not w.batch_share:
        out.append("batch: none (given)")
    else:
        out.append(
            f"batch: {percent(w.batch_share)} of requests at batch prices where published "
            "(standard prices otherwise, noted per candidate)"
        )
    out += _tier_assumptions(w)
    if w.growth is None or w.growth == 0:
        out.append("growth: none" + (" (assumed: growth not given)" if w.growth is None else " (given)"))
    else:
        per = w.growth_per or "month"
        extra = "" if w.growth_per else " (period assumed: growth_per not given)"
        conv = f" = x{factor.quantize(Decimal('0.0001'))} per month" if per == "week" else ""
        out.append(f"growth: {percent(w.growth)} per {per}, compounding{conv}{extra}")
    return out


def timeline_assumptions(t: Timeline, skipped_parts: int) -> list[str]:
    """Uncounted chat parts, then a start before, after or inside the plan's months."""
    out = []
    if skipped_parts:
        out.append(
            f"input: {skipped_parts} part(s) of the chat sample(s) not counted (images, audio, files or server-side tools: text only)"
        )
    months, first, offset, start = t.months, t.first, t.offset, t.start
    if first is None:
        out.append(
            f"start: {start}, after the plan's last month {months[-1]}: not in the forecast; costs below "
            f"are for its first month {start:%Y-%m}"
        )
    elif offset > 0:
        out.append(
            f"start: {start}: costs 0 before {months[first]}; costs below are for {months[first]}, its first month"
        )
    elif offset < 0:
        out.append(
            f"start: {start}, {-offset} month(s) before the plan's first month {months[0]}: costs below "
            f"are for {months[0]}, with growth since {start:%Y-%m} (x{t.scale.quantize(Decimal('0.0001'))})"
        )
    if start.day != 1 and first is not None and offset >= 0:
        out.append(
            f"start: {start} is mid-month: {start:%Y-%m} is counted as a whole month (months are the "
            "plan's unit; start on the 1st, or scale that month's traffic, to count part of it)"
        )
    return out


def conversion_assumptions(
    w: Workload, families: Sequence[str], base: str, ratio: Callable[[str, str, str], tuple[Decimal, str]]
) -> list[str]:
    """The ratios used to convert given token counts from ``base`` to the other families."""
    language = w.language or "mixed"
    conversions = [f"{f} x{ratio(base, f, language)[0]}" for f in families if f != base]
    if not conversions:
        return []
    return [
        f"converted from {base} with ratio(s) {', '.join(conversions)} "
        f"({provenance(language)}; ratios of estimate-only tokenizers come from the estimator)"
    ]


def workload_assumptions(
    w: Workload,
    spec: WorkloadFile,
    samples: Sequence[Path],
    chat_requests: int | None,
    base: str,
    monthly_requests: Decimal,
    factor: Decimal,
    timeline: Timeline,
    skipped_parts: int,
    conversions: list[str],
    cache_note: str | None = None,
) -> list[str]:
    """Every assumption line of one workload, in the order the plan states them."""
    out = [
        traffic_assumption(w, monthly_requests),
        input_assumption(w, samples, chat_requests, base),
        *output_assumptions(w, bool(samples), base),
        *billing_assumptions(w, factor, cache_note),
        *(f"{note} (stated in the workload file)" for note in w.assumptions),
    ]
    if w.start is None and spec.start is None:
        out.append(f"start: {timeline.start} (assumed: the first day of next month)")
    return out + timeline_assumptions(timeline, skipped_parts) + conversions


def plan_assumptions(
    spec: WorkloadFile,
    candidates_note: str,
    display: str,
    currency_given: bool,
    estimate_only: bool,
    at: dt.date | None = None,
) -> list[str]:
    """The plan-wide lines: month and growth rules, prices, candidates, horizon, currency, counting."""
    out = [
        *PLAN_RULES,
        prices_assumption(at),
        RANKING_RULE,
        candidates_note + "; the current model is always priced",
        *(f"{note} (stated in the workload file)" for note in spec.assumptions),
    ]
    if "horizon_months" not in spec.model_fields_set:
        out.append(f"horizon: {spec.horizon_months} months (assumed: horizon_months not given)")
    if currency_given:
        out.append(f"currency: {display} (given with --currency)")
    elif spec.currency:
        out.append(f"currency: {display} (from the workload file)")
    else:
        out.append("currency: USD (assumed: currency not given)")
    if estimate_only:
        out.append(
            "token counts: the fitted estimators, even where an exact tokenizer is installed (--estimate)"
        )
    return out


def _tier_assumptions(w: Workload) -> list[str]:
    """The service-tier mix and off-peak share, when the workload gives them."""
    out = []
    tiers = w.service_tier.shares() if w.service_tier is not None else ()
    if tiers:
        mix = ", ".join(f"{percent(share)} {name}" for name, share in tiers)
        out.append(
            f"service tiers: {mix} of requests at each candidate's tier prices where published (standard prices "
            "otherwise, noted per candidate); the rest on the default tier"
        )
    if w.off_peak_share:
        out.append(
            f"off-peak: {percent(w.off_peak_share)} of requests sent in each candidate's off-peak window, at its "
            "window prices; candidates whose card has no time window bill them at standard prices"
        )
    return out
