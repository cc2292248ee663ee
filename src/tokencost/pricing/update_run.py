"""Run ``pricing update`` on a directory of sheets: plan, edit the YAML text, validate, write atomically."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tokencost.errors import InputError, PricingError, every_problem
from tokencost.fileio import write_atomic
from tokencost.pricing.catalog import Catalog, LoadedSheet, parse_sheet, sheet_paths
from tokencost.pricing.import_common import ImportResult
from tokencost.pricing.update import UpdatePlan, plan_update


@dataclass
class Proposal:
    """The plan and the edited text of every sheet it touches (path -> (old, new))."""

    plan: UpdatePlan
    texts: dict[Path, tuple[str, str]] = field(default_factory=dict)

    def unified_diff(self) -> str:
        out = []
        for path, (old, new) in sorted(self.texts.items()):
            shown = _shown(path)
            out += difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"
            )
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _shown(path: Path) -> str:
    """A path for the diff header: relative to the working directory when below it (``git apply`` reads it)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix().lstrip("/")


def bundled_directory() -> Path | None:
    """The bundled sheets' directory when it is a plain directory on disk (a source checkout)."""
    from importlib.resources import files

    root = Path(str(files("tokencost.pricing_data")))
    return root if root.is_dir() else None


def load_directory(directory: Path) -> tuple[Catalog, dict[str, str], dict[Path, str]]:
    """The catalog of the sheets in ``directory`` alone, model id -> sheet path, and each sheet's text."""
    texts = {path: path.read_text(encoding="utf-8") for path in sheet_paths(directory)}
    if not texts:
        raise InputError(f"{directory}: has no price sheet (*.yaml)")
    sheets = [
        LoadedSheet(parse_sheet(text, str(path)), str(path), "update", text) for path, text in texts.items()
    ]
    catalog = Catalog.from_sheets(sheets)
    files = {model.id: str(sheet.path) for sheet in sheets for model in sheet.sheet.models}
    return catalog, files, texts


def _check_providers(catalog: Catalog, providers: tuple[str, ...]) -> None:
    """Each --provider names a provider of the sheets (in any spelling ``diff.provider_keys`` knows): a typo
    would make an empty proposal that looks like "nothing changed"."""
    from tokencost.pricing.diff import provider_keys

    for name in providers:
        if all(catalog.unknown_vendor(key) for key in provider_keys(name)):
            raise InputError(f"--provider: unknown provider {name!r}", catalog.unknown_vendor(name))


def propose(
    directory: Path,
    result: ImportResult,
    *,
    source: str,
    today: dt.date,
    effective: dt.date | None = None,
    providers: tuple[str, ...] = (),
    accept_large: bool = False,
    only: tuple[str, ...] = (),
    mark_checked: bool = False,
) -> Proposal:
    """Plan the update of the sheets in ``directory`` and edit their text (nothing is written)."""
    from tokencost.pricing import yamledit

    catalog, files, texts = load_directory(directory)
    _check_providers(catalog, providers)
    plan = plan_update(
        catalog, files, result, source=source, today=today, effective=effective, providers=providers,
        accept_large=accept_large, only=only,
    )  # fmt: skip
    yaml = yamledit.round_trip()
    documents = {}
    for change in plan.changes:
        path = Path(change.file)
        data = documents.setdefault(path, yamledit.load(yaml, texts[path]))
        label = f'{plan.label} key "{change.reference_key}"'
        yamledit.apply_change(data, change, label, today)
    for fill in plan.history:
        data = documents.setdefault(Path(fill.file), yamledit.load(yaml, texts[Path(fill.file)]))
        yamledit.fill_history(data, fill, f'{plan.label} key "{fill.reference_key}"')
    for model_id, file, _start in plan.started:
        data = documents.setdefault(Path(file), yamledit.load(yaml, texts[Path(file)]))
        yamledit.start_scheduled(data, model_id)
    if mark_checked:
        for model_id, file in plan.confirmed:
            data = documents.setdefault(Path(file), yamledit.load(yaml, texts[Path(file)]))
            yamledit.mark_checked(data, model_id, today)
    by_file: dict[Path, list] = {}
    for item in plan.added:
        by_file.setdefault(Path(item.file), []).append(item)
    header = f"Added by `tokencost pricing update --from {source}` ({plan.label}) on {today}; review before merging."
    for path, items in by_file.items():
        data = documents.setdefault(path, yamledit.load(yaml, texts[path]))
        yamledit.add_models(data, items, header)
    proposal = Proposal(plan)
    for path, data in documents.items():
        new = yamledit.dump(yaml, data)
        if new != texts[path]:
            proposal.texts[path] = (texts[path], new)
    return proposal


def problems_after(directory: Path, proposal: Proposal) -> list[str]:
    """What ``pricing validate`` would say of ``directory`` with the proposal applied (empty when valid)."""
    from tokencost.pricing.validate import validate

    with tempfile.TemporaryDirectory(prefix="tokencost-update-") as tmp:
        copy = Path(tmp) / directory.name
        shutil.copytree(directory, copy)
        for path, (_old, new) in proposal.texts.items():
            (copy / path.name).write_text(new, encoding="utf-8")
        if directory.resolve() == (bundled_directory() or Path("/nonexistent")).resolve():
            try:
                load_directory(copy)
            except PricingError as exc:
                return [line.replace(str(copy), str(directory)) for line in exc.problems]
            return []
        report = validate([copy])
        return [line.replace(str(copy), str(directory)) for line in report.errors]


def write(directory: Path, proposal: Proposal) -> list[Path]:
    """Write the edited sheets atomically, after checking the whole directory still validates."""
    problems = problems_after(directory, proposal)
    if problems:
        # every problem listed, one per line after the first (never "and N more")
        raise InputError(f"the updated sheets would not validate, nothing written: {every_problem(problems)}")
    for path, (_old, new) in sorted(proposal.texts.items()):
        write_atomic(path, new, force=True)
    return sorted(proposal.texts)
