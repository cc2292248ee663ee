"""Estimates corrected with what a vendor billed: ``tokencost calibrate`` fits, per tokenizer family without
an offline tokenizer, a multiplier per character-class group of the estimator's features (a vendor's tokenizer
differs from our stand-in differently on English, CJK and code) and the per-request framing, and writes them to
a calibration file. This module reads that file and counts with it; fitting lives in ``tokencost.calibration``.

A calibration replaces the family's estimator weights (one per character-class feature, fitted with a ridge
towards the shipped weights, so classes the logs barely contain keep them). The active file: ``use_file(PATH)`` (``--calibration PATH``), else ``$TOKENCOST_CALIBRATION`` (empty: none),
else ``$XDG_CONFIG_HOME/tokencost/calibration.yaml`` (default ``~/.config/tokencost/``) when it exists.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokencost.errors import InputError
from tokencost.tokenizers import estimator
from tokencost.tokenizers.exact import Counter

FORMAT = "tokencost.calibration/1"


@dataclass(frozen=True)
class Calibration:
    """One family's fitted correction and how it was measured."""

    family: str
    weights: tuple[float, ...]
    framing: float  # tokens a request adds beyond its texts and our overhead model
    requests: int
    heldout: int
    residual_median: float
    residual_p90: float
    band: tuple[float, float]  # relative (below, above) covering 9 held-back requests in 10
    source: str
    first: str | None
    last: str | None
    #: share of CJK characters in the calibrating requests' texts (None: a file from before it was written)
    cjk_share: float | None = None

    def describe(self) -> str:
        dates = f", {self.first} to {self.last}" if self.first else ""
        return (
            f"calibrated on {self.requests} billed requests ({self.source}{dates}), held-back residual median "
            f"{self.residual_median * 100:.1f} %, p90 {self.residual_p90 * 100:.1f} %"
        )

    def estimate(self, text: str) -> int:
        if not text:
            return 0
        counts = estimator.features(text)
        value = sum(w * x for w, x in zip(self.weights, counts, strict=True) if x)
        return max(1, min(round(value), round(counts[1])))

    def bounds(self, est: int) -> tuple[int, int]:
        below, above = self.band
        return max(1, min(est, math.floor(est * (1 - below)))), max(est, math.ceil(est * (1 + above)))


class CalibratedCounter(Counter):
    """The estimator with a family's calibration applied; its band comes from held-back billed requests."""

    exact = False
    backend = "estimator"  # the fitted estimator, calibrated: its method says so

    def __init__(self, family: str, proxy: str, calibration: Calibration) -> None:
        self.family = family
        self._proxy = proxy
        self.calibration = calibration
        self.error_band = calibration.residual_p90
        self.method = f"estimate:{family} ({calibration.describe()})"

    def _count(self, text: str) -> int:
        return self.calibration.estimate(text)

    def count_range(self, text: str) -> tuple[int, int, int]:
        n = self.count(text)
        if not text:
            return (0, 0, 0)
        low, high = self.calibration.bounds(n)
        if (self.calibration.cjk_share or 0.0) < UNCOVERED / 4 and cjk_share(text) >= UNCOVERED:
            # CJK text, calibrated on (almost) none: the held-back band says nothing of it, the estimator's does
            from tokencost.tokenizers.counter import EstimateCounter

            base, base_low, base_high = EstimateCounter(self.family).count_range(text)
            if base:
                low = min(low, math.floor(n * base_low / base))
                high = max(high, math.ceil(n * base_high / base))
        return n, low, high


def calibration_behind(count: Any) -> Calibration | None:
    """The calibration of the counter behind ``count`` (a ``CalibratedCounter``'s ``count``, or a wrapper of one:
    a ``RangeTally``, replay's ``MemoCounter``), or None."""
    owner, seen = count, 0
    while owner is not None and seen < 5:
        calibration = getattr(owner, "calibration", None)
        if isinstance(calibration, Calibration):
            return calibration
        owner = next(
            (getattr(owner, name) for name in ("counter", "inner", "__self__") if hasattr(owner, name)), None
        )
        seen += 1
    return None


def apply_to_request(result: Any, calibration: Calibration | None) -> Any:
    """A chat request's count (``chat.RequestCount``) with ``calibration`` applied as ``calibrate`` fitted it:
    its per-request framing constant added, and its error the held-back band measured on whole requests (which
    already holds the framing model's error) instead of the chat framing's own p90: the narrower side here,
    the wider one comes with the texts' calibrated bounds (``messages.request_bounds`` keeps the wider)."""
    import dataclasses

    if calibration is None or not result.tokens:
        return result
    extra = round(calibration.framing)
    tokens = max(0, result.tokens + extra)
    return dataclasses.replace(
        result,
        tokens=tokens,
        overhead=result.overhead + (tokens - result.tokens),
        estimated=result.estimated + (tokens - result.tokens),
        error=math.ceil(tokens * min(calibration.band)),
    )


#: the share of CJK characters from which a text counts as CJK for a calibration's coverage
UNCOVERED = 0.2
_CJK_FEATURES = ("cjk_kana", "cjk_ext_a", "hangul", "han", "compat_fw")


def cjk_share(text: str) -> float:
    """The share of CJK characters (kana, Han, Hangul, full-width forms) among ``text``'s characters, from the
    estimator's own character-class counts (C-level, no loop over characters)."""
    counts = dict(zip(estimator.FEATURES, estimator.features(text), strict=True))
    return sum(counts[name] for name in _CJK_FEATURES) / counts["chars"] if counts["chars"] else 0.0


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "tokencost" / "calibration.yaml"


_explicit: list[Path | None] = []
_loaded: dict[str, Any] = {}


def use_file(path: str | os.PathLike | None) -> None:
    """Use ``path`` as the calibration file for this process (None: back to the default lookup; an empty
    string: no calibration at all, as an empty ``$TOKENCOST_CALIBRATION`` and the option's help say)."""
    from tokencost import tokenizers

    disabled = isinstance(path, str) and not path.strip()
    _explicit[:] = [None] if disabled else [Path(path)] if path is not None else []
    _loaded.clear()
    tokenizers._COUNTERS.clear()
    if path is not None and not disabled and not Path(path).is_file():
        raise InputError(
            f"{path}: no such calibration file (write one with `tokencost calibrate LOG --out {path}`)"
        )


def active_path() -> Path | None:
    if _explicit:
        return _explicit[0]
    env = os.environ.get("TOKENCOST_CALIBRATION")
    if env is not None:
        return Path(env) if env.strip() else None
    path = default_path()
    return path if path.is_file() else None


def calibration_for(family: str) -> Calibration | None:
    """The active calibration of ``family``, or None."""
    path = active_path()
    if path is None:
        return None
    key = str(path)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = read_file(path)
    return _loaded[key].get(family)


def _weights(values: Any, path: Path, family: str) -> tuple[float, ...]:
    if not isinstance(values, dict) or set(values) != set(estimator.FEATURES):
        raise InputError(f"{path}: family {family!r} has weights for other features than this estimator's")
    return tuple(float(values[name]) for name in estimator.FEATURES)


def read_file(path: Path) -> dict[str, Calibration]:
    """Every family's calibration in ``path``; a malformed file is an InputError naming it."""
    from tokencost.yamlio import load_yaml, read_text_file

    data = load_yaml(read_text_file(path, "calibration file"), str(path))
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("families"), dict)
    ):
        raise InputError(f"{path}: not a tokencost calibration file (expected format: {FORMAT})")
    out = {}
    for family, entry in data["families"].items():
        try:
            fit = entry["fit"]
            out[family] = Calibration(
                family=family,
                weights=_weights(fit["weights"], path, family),
                framing=float(fit["framing_tokens"]),
                requests=int(entry["requests"]["fit"]),
                heldout=int(entry["requests"]["held_back"]),
                residual_median=float(entry["residuals"]["median"]),
                residual_p90=float(entry["residuals"]["p90"]),
                band=(float(entry["residuals"]["band_below"]), float(entry["residuals"]["band_above"])),
                source=", ".join(entry.get("sources") or ["logs"]),
                first=entry.get("period", {}).get("first"),
                last=entry.get("period", {}).get("last"),
                cjk_share=float(entry["cjk_share"]) if entry.get("cjk_share") is not None else None,
            )
        except KeyError as exc:
            raise InputError(
                f"{path}: family {family!r} has no {exc.args[0]!r}", "write it again with tokencost calibrate"
            ) from None
        except (TypeError, ValueError) as exc:
            raise InputError(f"{path}: family {family!r} has a value of the wrong type ({exc})") from None
    return out
