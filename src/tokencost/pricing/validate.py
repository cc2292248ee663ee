"""Whole-catalog validation for ``tokencost pricing validate``: errors fail, stale sheets only warn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tokencost.errors import InputError, PricingError
from tokencost.pricing.catalog import Catalog, LoadedSheet, load_sheets, parse_sheet, sheet_paths
from tokencost.yamlio import read_text_file

DEFAULT_MAX_AGE_DAYS = 90


@dataclass
class ValidationReport:
    files: int = 0
    models: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(
    paths: Sequence[Path] = (),
    *,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    today: dt.date | None = None,
) -> ValidationReport:
    """Validate the given sheets (files or directories) together, or the bundled catalog plus overlays
    when no path is given; every problem is reported, not just the first."""
    report = ValidationReport()
    sheets: list[LoadedSheet] = []
    if paths:
        for path in paths:
            try:
                files = sheet_paths(Path(path))
            except InputError as exc:
                report.errors.append(exc.message)
                continue
            for file in files:
                try:
                    text = read_text_file(file, "price sheet")
                    sheets.append(LoadedSheet(parse_sheet(text, str(file)), str(file), "given"))
                except InputError as exc:
                    report.errors.append(exc.message)
                except PricingError as exc:
                    report.errors.extend(exc.problems)
        report.files = len(sheets) + len({e.split(":")[0] for e in report.errors})
    else:
        try:
            sheets = load_sheets()
        except PricingError as exc:
            report.errors.extend(exc.problems)
        report.files = len(sheets)
    try:
        catalog = Catalog.from_sheets(sheets)
        report.models = len(catalog)
    except PricingError as exc:
        report.errors.extend(exc.problems)
    today = today or dt.date.today()
    for loaded in sheets:
        age = (today - loaded.sheet.provider.checked).days
        if age > max_age_days:
            report.warnings.append(
                f"{loaded.path}: prices last checked {loaded.sheet.provider.checked} ({age} days ago, "
                f"over {max_age_days}); re-check them against the provider's pricing page"
            )
        if loaded.sheet.provider.checked > today:
            report.errors.append(
                f"{loaded.path}: provider.checked {loaded.sheet.provider.checked} is in the future"
            )
    return report
