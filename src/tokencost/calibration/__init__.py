"""``tokencost calibrate``: learn from what vendors billed.

Logs holding both the prompt and the billed input count (request/response pairs, stored messages, captured
span content: whatever ``tokencost replay`` reads) are the truth for tokenizers nobody publishes. Requests are
grouped by their model's tokenizer family; for a family without an exact tokenizer the per-request framing and
one multiplier per character-class group of the estimator are fitted to the billed counts on part of the
requests and checked on the rest; for a family with an exact tokenizer nothing is fitted and the framing
difference found is reported (a check of our chat-overhead model). ``samples`` extracts, ``fit`` fits,
``store`` writes the calibration file that ``tokenizers.calibrated`` applies.
"""

from __future__ import annotations

from tokencost.calibration.fit import FamilyFit, fit_family
from tokencost.calibration.samples import Sample, collect_samples
from tokencost.calibration.store import write_calibration

__all__ = ["FamilyFit", "Sample", "calibrate", "collect_samples", "fit_family", "write_calibration"]

#: fewer usable requests than this for a family: refuse to calibrate it
MIN_REQUESTS = 30
#: a fit whose held-back p90 error is above this is refused: the billed counts do not follow the texts (the
#: uncalibrated estimate's chat band is about 18 %), and a file with it would make every count worse
MAX_RESIDUAL_P90 = 0.25


def calibrate(
    paths,
    *,
    source: str = "auto",
    pricing=(),
    holdout: float = 0.2,
    engine=None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress=None,
    notice=None,
    vendor_count=None,
) -> dict:
    """Fit every family the logs cover; returns ``{"families": {family: FamilyFit}, "checks": {...},
    "refused": {family: reason}, "excluded": [...], "stats": ReadStats, "sha256": {file: digest},
    "vendor": {family: summary}}``. ``vendor_count`` (``--online``): see ``samples.add_sample``.

    ``engine`` None reads the logs here; ``"local"``/``"dask"`` (with ``jobs``, ``scheduler``) or an engine from
    ``tokencost.engines.get_engine`` extracts the samples partition by partition there (the same samples, so
    the same fit and file); the fit runs here. ``progress``/``notice`` as in ``tokencost.replay``."""
    import os

    from tokencost.errors import InputError

    paths = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    collected = collect_samples(
        paths, source=source, pricing=pricing, engine=engine, jobs=jobs, scheduler=scheduler,
        progress=progress, notice=notice, vendor_count=vendor_count,
    )  # fmt: skip
    fits, checks, refused = {}, {}, dict(collected.refused)
    for family, samples in sorted(collected.by_family.items()):
        if collected.exact.get(family):
            checks[family] = fit_family(family, samples, holdout, framing_only=True)
        elif len(samples) < MIN_REQUESTS:
            refused[family] = (
                f"{len(samples)} usable request(s); at least {MIN_REQUESTS} with prompt text and a billed input "
                "count are needed"
            )
        else:
            fit = fit_family(family, samples, holdout)
            if fit.residual_p90 > MAX_RESIDUAL_P90:
                refused[family] = (
                    f"the fit's held-back p90 error is {fit.residual_p90:.1%} (over {MAX_RESIDUAL_P90:.0%}): the "
                    "billed counts do not follow the texts, so it is not written"
                )
            else:
                fits[family] = fit
    if not fits and not checks:
        reasons = (
            "; ".join(f"{f}: {r}" for f, r in refused.items())
            or _all_left_out(collected.excluded)
            or "no record held both prompt text and a billed input count"
        )
        raise InputError(f"nothing to calibrate: {reasons}")
    return {
        "families": fits, "checks": checks, "refused": refused, "excluded": collected.excluded,
        "stats": collected.stats, "sha256": collected.digests,
        "vendor": {family: vendor_summary(pairs) for family, pairs in sorted(collected.vendor.items())},
    }  # fmt: skip


def vendor_summary(pairs: list[tuple[int | None, int]]) -> dict:
    """How the billed counts of one family compare with the vendor's count endpoint (``--online``): requests
    counted, how many had a usable billed count, how many of those equal the vendor's, the median and p90 of
    |billed - vendor| / vendor, and how many requests used the vendor's count for a missing or impossible one."""
    from tokencost.calibration.fit import _quantile

    compared = [(billed, vendor) for billed, vendor in pairs if billed is not None]
    gaps = [abs(billed - vendor) / vendor for billed, vendor in compared if vendor]
    return {
        "requests": len(pairs),
        "compared": len(compared),
        "equal": sum(1 for billed, vendor in compared if billed == vendor),
        "difference_median": _quantile(gaps, 0.5) if gaps else None,
        "difference_p90": _quantile(gaps, 0.9) if gaps else None,
        "vendor_count_used": len(pairs) - len(compared),
    }


def _all_left_out(excluded: list[tuple[str, str]]) -> str:
    """Why every request was left out, by reason with its count and first place ("" when none was)."""
    by_reason: dict[str, list[str]] = {}
    for reason, where in excluded:
        by_reason.setdefault(reason, []).append(where)
    return "; ".join(
        f"{len(places):,} request(s) left out: {reason} (first at {places[0]})"
        for reason, places in by_reason.items()
    )
