"""The calibration file: YAML, one entry per family, written atomically; families already in the file and
not refitted are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tokencost.calibration.fit import FamilyFit
from tokencost.fileio import write_atomic
from tokencost.tokenizers.calibrated import FORMAT


def _entry(fit: FamilyFit, sources: list[str], digests: dict[str, str]) -> dict:
    return {
        "models": list(fit.models),
        "requests": {"fit": fit.fit_requests, "held_back": fit.held_back},
        "period": {"first": fit.first, "last": fit.last},
        "sources": sources,
        "logs_sha256": digests,
        "fit": {
            "framing_tokens": fit.framing,
            "weights": fit.weights,
        },
        "residuals": {
            "median": fit.residual_median,
            "p90": fit.residual_p90,
            "band_below": fit.band_below,
            "band_above": fit.band_above,
        },
        "cjk_share": fit.cjk_share,
    }


def write_calibration(
    path: Path,
    fits: dict[str, FamilyFit],
    sources: list[str],
    digests: dict[str, str],
    *,
    force: bool = False,
    merge: bool = False,
) -> None:
    """Write ``fits`` to ``path`` atomically; with ``merge`` (the default file) families already there and not
    refitted are kept; otherwise an existing file is replaced only with ``force``."""
    import yaml

    families = {}
    if merge and path.is_file():
        from tokencost.tokenizers.calibrated import read_file

        read_file(path)  # a malformed file is an error, not silently replaced
        families = dict((yaml.safe_load(path.read_text("utf-8")) or {}).get("families") or {})
    families.update({family: _entry(fit, sources, digests) for family, fit in fits.items()})
    document = {
        "format": FORMAT,
        "created": dt.date.today().isoformat(),
        "families": families,
    }
    header = "# written by `tokencost calibrate`: per-family corrections fitted to billed input counts\n"
    text = header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text, force=force or merge)
