"""Whole-catalog validation for ``tokencost pricing validate``: errors fail, stale sheets only warn."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tokencost.errors import InputError, PricingError
from tokencost.families import CLAUDE_47_MODELS
from tokencost.pricing.catalog import (
    Catalog,
    LoadedSheet,
    _sources,
    overlay_dirs,
    parse_sheet,
    sheet_paths,
)

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
    """Validate the catalog exactly as commands load it, reporting every problem, not just the first.

    With ``paths`` (files or directories), they are layered over the bundled sheets and
    ``$TOKENCOST_PRICING`` as ``--pricing PATH...`` would be, in order (later wins), so a clean report
    means ``--pricing PATH...`` loads; the counts and staleness warnings are about the given sheets.
    Without paths, the bundled catalog plus ``$TOKENCOST_PRICING`` is validated."""
    report = ValidationReport()
    usable: list[Path] = []
    for path in paths:
        try:
            sheet_paths(Path(path))
        except InputError as exc:
            report.errors.append(exc.message)
            continue
        usable.append(Path(path))
    sources, problems = _sources(usable, use_env=True, bundled=True)
    report.errors.extend(problems)
    sheets: list[LoadedSheet] = []
    for path, text, layer in sources:
        try:
            sheets.append(LoadedSheet(parse_sheet(text, path), path, layer, text))
        except PricingError as exc:
            report.errors.extend(exc.problems)
    given_layers = {layer for layer, _ in overlay_dirs(usable, use_env=False)}
    mine = [s for s in sheets if s.layer in given_layers] if paths else sheets
    mine_sources = [s for s in sources if s[2] in given_layers] if paths else sources
    report.files = len(mine_sources)
    try:
        catalog = Catalog.from_sheets(sheets)
        report.models = len({e.id for e in catalog if e.layer in given_layers}) if paths else len(catalog)
        report.warnings.extend(_host_tokenizers(catalog, {str(s.path) for s in mine}))
        report.errors.extend(_unpriceable_cards(catalog, {str(s.path) for s in mine}))
    except PricingError as exc:
        report.errors.extend(exc.problems)
    today = today or dt.date.today()
    for loaded in mine:
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
        report.warnings.extend(_tokenizer_generation(loaded))
    return report


def _tokenizer_generation(loaded: LoadedSheet) -> list[str]:
    """Claude cards whose family is not the tokenizer their model uses: Opus 4.7 and later and Fable count with
    ``claude-4.7`` (~1.46x the tokens of ``claude``), the others with ``claude``."""
    out = []
    for model in loaded.sheet.models:
        if model.tokenizer not in ("claude", "claude-4.7"):
            continue
        names = [model.id, *(model.aliases or ()), getattr(model, "serves", None) or ""]
        newer = any(re.search(CLAUDE_47_MODELS, name.lower()) for name in names)
        if newer != (model.tokenizer == "claude-4.7"):
            want = "claude-4.7" if newer else "claude"
            out.append(
                f"{loaded.path}: {model.id} has tokenizer {model.tokenizer}, but its model counts with {want} "
                "(Claude Opus 4.7 and later, Fable: the newer tokenizer)"
            )
    return out


#: the prices a card of each mode needs to price one request (plan and estimate refuse a card without them)
_NEEDED = {"chat": ("input", "output"), "completion": ("input", "output"), "embedding": ("input",)}


def _unpriceable_cards(catalog: Catalog, files: set[str]) -> list[str]:
    """Cards that lack a price their model's mode bills (a chat card with no output price): loading works, but
    every plan or estimate on them is refused (exit 2), so the sheet is wrong. Embedding models bill input only."""
    out = []
    for entry in catalog:
        needed = _NEEDED.get(entry.model.mode, ())
        if str(entry.file) not in files or not needed:
            continue
        for card in entry.model.cards():
            missing = [name for name in needed if getattr(card, name) is None]
            if missing:
                which = f"card from {card.effective_from}" if card.effective_from else "card"
                out.append(
                    f"{entry.file}: {entry.id}: its {which} has no {' or '.join(missing)} price: a "
                    f"{entry.model.mode} model cannot be priced without it (plan and estimate refuse it)"
                )
    return out


def _host_tokenizers(catalog: Catalog, files: set[str]) -> list[str]:
    """Host cards (``serves: MODEL``) whose tokenizer is not their model's: the same weights tokenize alike on
    every host, so one of the two cards is wrong (an importer's family guess, usually the host's)."""
    out = []
    for entry in catalog:
        served_id = getattr(entry.model, "serves", None)
        served = catalog.entries.get(served_id) if served_id else None
        if served is None or str(entry.file) not in files or entry.model.tokenizer == served.model.tokenizer:
            continue
        out.append(
            f"{entry.file}: {entry.id} has tokenizer {entry.model.tokenizer}, but the model it serves "
            f"({served.id}) has {served.model.tokenizer}: the same model tokenizes alike on every host"
        )
    return out
