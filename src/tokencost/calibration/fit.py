"""Fit one family: the estimator's weights (one per character-class feature) and the per-request framing, on
billed counts; check on held-back requests. Least squares on relative error with a ridge that pulls each weight
towards the shipped one (in units of that feature's spread), so a class the logs barely contain (no CJK text,
say) keeps the estimator's own weight."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from tokencost.calibration.samples import Sample
from tokencost.tokenizers import estimator
from tokencost.tokenizers.calibrated import cjk_share as estimator_cjk_share

RIDGE = 0.02
#: relative band: the quantiles of held-back residuals that leave 5 % out on each side
BAND_QUANTILE = 0.95


@dataclass(frozen=True)
class FamilyFit:
    family: str
    weights: dict[str, float]
    framing: float
    fit_requests: int
    held_back: int
    residual_median: float
    residual_p90: float
    band_below: float
    band_above: float
    models: tuple[str, ...]
    first: str | None
    last: str | None
    #: the relative change of the estimate on the fitted requests' texts, per script class present
    framing_only: bool = False
    #: the share of CJK characters in the requests' texts: the band holds for text like these
    cjk_share: float = 0.0


def _held_back(samples: list[Sample], share: float) -> list[Sample]:
    """The requests kept out of the fit: ``share`` of them (at least one), chosen by a hash of file name, line
    and billed count (the same log splits the same way wherever it is stored), in their order."""

    def key(sample: Sample) -> int:
        where = sample.where.replace("\\", "/").rsplit("/", 1)[-1]
        return zlib.crc32(f"{where}|{sample.billed}".encode())

    chosen = {id(s) for s in sorted(samples, key=key)[: max(1, round(share * len(samples)))]}
    return [s for s in samples if id(s) in chosen]


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _solve(
    rows: list[list[float]], target: list[float], prior: list[float], penalty: list[float]
) -> list[float]:
    """Least squares ``rows @ x ~ target`` plus ``penalty[j] * (x[j] - prior[j])**2`` (normal equations;
    a system of a few dozen unknowns needs no numpy)."""
    k = len(prior)
    a = [
        [sum(r[i] * r[j] for r in rows) + (penalty[i] if i == j else 0.0) for j in range(k)] for i in range(k)
    ]
    b = [sum(r[i] * t for r, t in zip(rows, target, strict=True)) + penalty[i] * prior[i] for i in range(k)]
    for col in range(k):  # Gauss-Jordan elimination with partial pivoting
        pivot = max(range(col, k), key=lambda r: abs(a[r][col]))
        a[col], a[pivot], b[col], b[pivot] = a[pivot], a[col], b[pivot], b[col]
        if abs(a[col][col]) < 1e-15:
            continue
        for r in range(k):
            if r != col and a[r][col]:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
                b[r] -= f * b[col]
    return [b[i] / a[i][i] if abs(a[i][i]) > 1e-15 else prior[i] for i in range(k)]


def _fit_weights(family: str, train: list[Sample]) -> tuple[list[float], float]:
    prior = [*estimator._family(family)["weights"], 0.0]
    rows = [[x / s.billed for x in s.features] + [1.0 / s.billed] for s in train]
    target = [(s.billed - s.framing) / s.billed for s in train]
    # a feature's penalty in units of its spread: pulling a weight of a frequent feature costs as much as a rare
    spread = [math.sqrt(sum(r[j] ** 2 for r in rows) / len(rows)) for j in range(len(prior))]
    penalty = [RIDGE * len(rows) * (v**2 if v else 1.0) for v in spread]
    x = _solve(rows, target, prior, penalty)
    return x[:-1], x[-1]


def fit_family(
    family: str, samples: list[Sample], holdout: float = 0.2, framing_only: bool = False
) -> FamilyFit:
    held = _held_back(samples, holdout)
    train = [s for s in samples if s not in held] or samples
    if framing_only:  # an exact tokenizer: only the framing differs from what was billed
        weights = list(estimator._family(family)["weights"])
        framing = _quantile([s.billed - s.framing - (s.exact_text or 0) for s in train], 0.5)

        def predict(s: Sample) -> float:
            return s.framing + framing + (s.exact_text or 0)
    else:
        weights, framing = _fit_weights(family, train)

        def predict(s: Sample) -> float:
            return s.framing + framing + sum(w * x for w, x in zip(weights, s.features, strict=True))

    residuals = [(s.billed - predict(s)) / max(predict(s), 1.0) for s in held]
    absolute = [abs(r) for r in residuals]
    days = sorted(s.day for s in samples if s.day)
    return FamilyFit(
        family=family,
        weights={name: round(w, 6) for name, w in zip(estimator.FEATURES, weights, strict=True)},
        framing=round(framing, 2),
        fit_requests=len(train),
        held_back=len(held),
        residual_median=round(_quantile(absolute, 0.5), 4),
        residual_p90=round(_quantile(absolute, 0.9), 4),
        band_below=round(max(0.0, -_quantile(residuals, 1 - BAND_QUANTILE)), 4),
        band_above=round(max(0.0, _quantile(residuals, BAND_QUANTILE)), 4),
        models=tuple(sorted({s.model for s in samples})),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        framing_only=framing_only,
        cjk_share=round(estimator_cjk_share("".join(s.text for s in samples)), 4),
    )
