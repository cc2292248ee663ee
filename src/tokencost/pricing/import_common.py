"""Shared machinery of the reference-data importers (LiteLLM, OpenRouter) and ``pricing diff``.

An importer is a pure function from parsed reference JSON to an :class:`ImportResult`: validated
:class:`~tokencost.pricing.schema.Sheet` objects plus the entries it skipped and why. Writing is separate
(:func:`write_sheets`) and all-or-nothing: every sheet is rendered and re-parsed before the first file is
written, so a bad input never leaves half an import behind.

Prices in the references are USD per token; ours are per million. The conversion is exact: the JSON is
parsed with ``parse_float=Decimal`` so ``2.5e-06`` becomes ``Decimal("2.5E-6")`` from its text, never a
binary float, and multiplying by 1,000,000 gives exactly ``2.5``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tokencost.errors import InputError
from tokencost.families import CLAUDE_47_MODELS
from tokencost.fileio import write_atomic
from tokencost.pricing.schema import Model, Provider, Sheet
from tokencost.yamlio import read_text_file

MILLION = Decimal(1_000_000)
#: Reference files can be large (LiteLLM's is ~3 MB); refuse anything absurd.
MAX_REFERENCE_BYTES = 200 * 1024 * 1024


# -- reading -------------------------------------------------------------------------------------------
def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid price")


def parse_json_text(text: str, source: str) -> Any:
    """Parse JSON with exact decimals; malformed or truncated input is a one-line InputError."""
    if not text.strip():
        raise InputError(f"{source}: is empty, expected JSON")
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        rest = text[exc.pos :].rstrip()
        truncated = not rest or (exc.msg.startswith("Unterminated string") and "\n" not in rest)
        what = "truncated JSON (the file ends early)" if truncated else f"malformed JSON: {exc.msg}"
        raise InputError(f"{source}:{exc.lineno}:{exc.colno}: {what}") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{source}: malformed JSON: {exc}") from None


def read_reference(path: Path, member: str | None = None) -> tuple[Any, str | None]:
    """Read a reference JSON file (or ``member`` inside a wheel/zip) -> (parsed JSON, version if known).

    The version is taken from a wheel's file name (``litellm-1.109.1-...whl`` -> ``1.109.1``)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: reference file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a JSON file")
    version = None
    if member is not None and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                data = archive.read(member)
        except KeyError:
            raise InputError(f"{path}: has no {member} inside") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{path}: cannot read the archive: {exc}") from None
        match = re.match(r"^[A-Za-z0-9_.]+-(\d[^-]*)-", path.name)
        version = match.group(1) if match else None
        source = f"{path}!{member}"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: is not valid UTF-8 (byte {exc.start}); expected JSON") from None
    else:
        source = str(path)
        text = read_text_file(path, "reference JSON file", max_bytes=MAX_REFERENCE_BYTES)
    return parse_json_text(text, source), version


# -- numbers ---------------------------------------------------------------------------------------------
class BadValue(ValueError):
    """A field of one reference entry has an unusable value (the entry is skipped, not the file)."""


def to_decimal(value: Any, what: str) -> Decimal | None:
    """A reference number (Decimal from the parser, int, or a numeric string) as Decimal; None when absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(f"{what} is {value!r}, not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise BadValue(f"{what} is {value!r}, not a number") from None
    else:
        raise BadValue(f"{what} is a {type(value).__name__}, not a number")
    if not number.is_finite():
        raise BadValue(f"{what} is {value!r}, not a finite number")
    return number


def per_million(per_token: Decimal) -> Decimal:
    """USD per token -> per million tokens, exactly, without trailing zeros (2.50000 -> 2.5, 1.5E+1 -> 15)."""
    value = (per_token * MILLION).normalize()
    if value == 0:
        return Decimal(0)
    # normalize() writes 15 as 1.5E+1; quantize back to a plain exponent >= 0 for integers.
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


def positive_int(value: Any) -> int | None:
    """A token limit as a positive int, or None when absent or unusable (limits are informative)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal, float)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        if number.is_finite() and number > 0 and number == number.to_integral_value():
            return int(number)
    return None


def iso_date(value: Any) -> dt.date | None:
    """A YYYY-MM-DD string as a date, None when absent or not a date."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


# -- tokenizer families ------------------------------------------------------------------------------------
_FAMILY_RULES: tuple[tuple[str, str], ...] = (
    (CLAUDE_47_MODELS, "claude-4.7"),
    (r"claude", "claude"),
    (r"gemma", "gemma3"),
    (r"gemini", "gemini"),
    (r"gpt-oss", "o200k_base"),
    (
        r"gpt-?4o|gpt-?4\.1|gpt-?[5-9]|gpt-(?:realtime|image|audio|chat)|chatgpt|codex|computer-use"
        r"|(?:^|[/._:-])o[1-9](?:$|[._:-])",
        "o200k_base",
    ),
    (r"gpt-?4|gpt-?3\.5|gpt-?35|text-embedding|davinci|babbage|ada-00", "cl100k_base"),
    (r"deepseek", "deepseek-v3"),
    (r"qwen-?3\.[56]|qwen-?3-?[56](?:$|[^0-9])", "qwen3.5"),
    (r"qwen|qwq", "qwen2"),
    (r"llama-?[34]|llama-?v?[34]", "llama3"),
    (r"mistral|codestral|magistral|devstral|ministral|pixtral|voxtral", "mistral-tekken"),
    (r"glm", "glm"),
    (r"kimi|moonshot", "kimi"),
    (r"minimax", "minimax"),
    (r"grok", "grok"),
)
_FAMILY_PATTERNS = [(re.compile(pattern), family) for pattern, family in _FAMILY_RULES]


def guess_family(name: str) -> str:
    """The tokenizer family of a model from its name (the rules of ``families.FAMILIES``); ``generic``
    when nothing fits. Checked in order, so ``gpt-4o`` is o200k_base before ``gpt-4`` is cl100k_base."""
    lowered = name.casefold()
    for pattern, family in _FAMILY_PATTERNS:
        if pattern.search(lowered):
            return family
    return "generic"


# -- results -----------------------------------------------------------------------------------------------
@dataclass
class Skipped:
    key: str
    reason: str


@dataclass
class ImportResult:
    """What an importer produced: one validated sheet per provider, and what it left out."""

    sheets: dict[str, Sheet] = field(default_factory=dict)  # provider id -> sheet
    skipped: list[Skipped] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # model id -> reference key it came from
    reference: str = ""
    version: str | None = None
    #: model id -> (our provider id, predicate on a lower-cased name): genai-prices' own match rules
    matchers: dict[str, tuple[str, Callable[[str], bool]]] = field(default_factory=dict)
    #: model id -> announced future cards (as card dicts with effective_from) the reference records
    scheduled: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: model ids the reference marks deprecated without a date (genai-prices' ``deprecated=True``)
    retired: set[str] = field(default_factory=set)
    #: model ids with time-of-day prices the conversion left out (their cards are not the whole story)
    windowed: set[str] = field(default_factory=set)

    @property
    def models(self) -> int:
        return sum(len(sheet.models) for sheet in self.sheets.values())

    def skip_summary(self, examples: int = 3) -> list[str]:
        """One line per skip reason: count and a few example keys."""
        by_reason: dict[str, list[str]] = {}
        for item in self.skipped:
            by_reason.setdefault(item.reason, []).append(item.key)
        lines = []
        for reason, keys in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(keys[:examples]) + (", ..." if len(keys) > examples else "")
            lines.append(f"{len(keys)} {reason} (e.g. {shown})")
        return lines


@dataclass
class SheetBuilder:
    """Collects model dicts for one provider; validates each so one bad entry is skipped, not fatal."""

    provider: dict[str, Any]
    models: list[Model] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # casefolded id/alias -> model id

    def add(self, data: dict[str, Any], key: str, result: ImportResult) -> Model | None:
        data = {k: v for k, v in data.items() if v not in (None, [], {})}
        try:
            model = Model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            result.skipped.append(Skipped(key, f"entries with invalid data ({where}: {first['msg']})"))
            return None
        if model.id.casefold() in self.names:
            existing = next(m for m in self.models if m.id == self.names[model.id.casefold()])
            same = existing.prices == model.prices
            reason = "duplicates of another key" + ("" if same else " (different prices; first kept)")
            result.skipped.append(Skipped(key, reason))
            return None
        aliases = [a for a in model.aliases if a.casefold() not in self.names]
        if aliases != model.aliases:
            model = model.model_copy(update={"aliases": aliases})
        self.models.append(model)
        for name in (model.id, *model.aliases):
            self.names[name.casefold()] = model.id
        result.keys[model.id] = key
        return model

    def build(self) -> Sheet:
        return Sheet(provider=Provider.model_validate(self.provider), models=self.models)


def make_unique(result: ImportResult, rank: Callable[[str, Model], Any] | None = None) -> None:
    """Make ids and aliases unique across every produced sheet.

    Models claim their names in ``rank(provider_id, model)`` order (lowest first; e.g. a vendor's own
    models, then models it resells, then hosts). A clashing alias is dropped; a model whose id is taken
    gets ``<provider>/<id>`` when that is free, else it is skipped with a notice."""
    items = [(pid, i, m) for pid, sheet in result.sheets.items() for i, m in enumerate(sheet.models)]
    if rank is not None:
        items.sort(key=lambda item: rank(item[0], item[2]))
    taken: dict[str, str] = {}
    kept: dict[str, dict[int, Model]] = {pid: {} for pid in result.sheets}
    for provider_id, position, model in items:
        key = result.keys.get(model.id, model.id)
        if model.id.casefold() in taken:
            prefixed = f"{provider_id}/{model.id}"
            if prefixed.casefold() in taken or model.id.casefold().startswith(f"{provider_id}/"):
                result.skipped.append(Skipped(key, "ids already used by another sheet"))
                continue
            model = model.model_copy(update={"id": prefixed})
            result.keys[prefixed] = key
        aliases = [
            a for a in model.aliases if a.casefold() not in taken and a.casefold() != model.id.casefold()
        ]
        if aliases != model.aliases:
            model = model.model_copy(update={"aliases": aliases})
        for name in (model.id, *model.aliases):
            taken[name.casefold()] = model.id
        kept[provider_id][position] = model
    for provider_id, models in kept.items():
        ordered = [models[i] for i in sorted(models)]
        result.sheets[provider_id] = result.sheets[provider_id].model_copy(update={"models": ordered})
    result.sheets = {pid: s for pid, s in result.sheets.items() if s.models}


class CatalogNames(dict):
    """model id -> aliases of every catalog model, plus ``windows``: model id -> its known context window."""

    def __init__(self, aliases: Mapping[str, list[str]], windows: Mapping[str, int] | None = None) -> None:
        super().__init__(aliases)
        self.windows: dict[str, int] = dict(windows or {})


def align_with_catalog(
    result: ImportResult,
    catalog_aliases: Mapping[str, list[str]],
    windows: Mapping[str, int] | None = None,
) -> int:
    """Rename imported models to the id the catalog already uses for them, so the output directory can be
    layered over the catalog with ``--pricing`` (same id = override; a clash of names would be an error).

    ``catalog_aliases`` maps every catalog model id to its aliases. A model whose names hit exactly one
    catalog model takes that id (first claim wins) and keeps the catalog's aliases too, so overriding
    never loses a name; names owned by other catalog models are dropped; a model whose own id belongs to
    the catalog but cannot take it (already claimed, or ambiguous) is skipped with a notice. Returns the
    number of renamed models.

    ``windows`` (default: ``catalog_aliases.windows`` when it is a :class:`CatalogNames`) gives the
    catalog's context windows. A model that overrides one and omits ``context_window`` (LiteLLM states
    none) inherits that window, and its ``max_input_tokens`` is dropped so the catalog's own input limit
    stays with it: LiteLLM's figure is the whole window for some vendors and an input-only limit for
    others, so it cannot be placed against our window (for Claude Sonnet 4.5 it is the 200,000 standard
    window, which would cap our 1,000,000 long-context window; for GPT-5 it is the 272,000 the catalog
    already states)."""
    if windows is None:
        windows = getattr(catalog_aliases, "windows", {})
    owner: dict[str, str] = {}
    for model_id, aliases in catalog_aliases.items():
        for name in (model_id, *aliases):
            owner[name.strip().casefold()] = model_id
    claimed: dict[str, str] = {}  # catalog id -> reference key that took it
    renamed = 0
    for provider_id, sheet in list(result.sheets.items()):
        kept: list[Model] = []
        for model in sheet.models:
            names = [model.id, *model.aliases]
            owners = {owner[n.casefold()] for n in names if n.casefold() in owner}
            key = result.keys.get(model.id, model.id)
            if not owners:
                kept.append(model)
                continue
            target = next(iter(owners)) if len(owners) == 1 else None
            if target is not None and target not in claimed:
                claimed[target] = key
                aliases: list[str] = []
                for name in (*names, *catalog_aliases.get(target, [])):
                    folded = name.casefold()
                    if folded == target.casefold() or owner.get(folded, target) != target:
                        continue
                    if folded not in {a.casefold() for a in aliases}:
                        aliases.append(name)
                if target != model.id:
                    renamed += 1
                    result.keys[target] = key
                update: dict[str, Any] = {"id": target, "aliases": aliases}
                if model.context_window is None and windows.get(target) is not None:
                    update["max_input_tokens"] = None  # the catalog's window and input limit stay
                kept.append(model.model_copy(update=update))
                continue
            if model.id.casefold() in owner:
                if target is not None:
                    reason = "other keys of a model the catalog already has (its name stays an alias)"
                else:
                    reason = "entries whose names belong to several catalog models"
                result.skipped.append(Skipped(key, reason))
                continue
            aliases = [a for a in model.aliases if a.casefold() not in owner]
            kept.append(model.model_copy(update={"aliases": aliases}))
        result.sheets[provider_id] = sheet.model_copy(update={"models": kept})
    result.sheets = {pid: s for pid, s in result.sheets.items() if s.models}
    return renamed


def catalog_aliases(catalog: Any) -> CatalogNames:
    """model id -> aliases for every entry of a loaded Catalog (with each model's context window)."""
    return CatalogNames(
        {entry.model.id: list(entry.model.aliases) for entry in catalog},
        {entry.model.id: entry.model.context_window for entry in catalog if entry.model.context_window},
    )


# -- writing -------------------------------------------------------------------------------------------------
class _SheetDumper(yaml.SafeDumper):
    """Block mappings, flow lists of scalars, exact decimals."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value() and abs(value) < 10**15:
        return dumper.represent_int(int(value))
    text = format(value.normalize(), "f")
    # A YAML float is read back through float -> shortest repr; keep it plain only when that is exact.
    if Decimal(repr(float(text))) == value:
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_str(text)


def _represent_enum(dumper: yaml.SafeDumper, value: Enum) -> yaml.Node:
    return dumper.represent_data(value.value)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = all(isinstance(v, (str, int, Decimal, Enum)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_SheetDumper.add_representer(Decimal, _represent_decimal)
_SheetDumper.add_multi_representer(Enum, _represent_enum)
_SheetDumper.add_representer(list, _represent_list)


def dump_sheet(sheet: Sheet, comment: str | None = None) -> str:
    """The YAML text of a sheet (defaults left out), with an optional leading comment."""
    data = {"schema_version": sheet.schema_version}
    data.update(sheet.model_dump(mode="python", exclude_defaults=True, exclude={"schema_version"}))
    body = yaml.dump(
        data,
        Dumper=_SheetDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=110,
    )
    header = "".join(f"# {line}\n" for line in comment.splitlines()) if comment else ""
    return header + body


def render_sheets(result: ImportResult, comment: str) -> dict[str, str]:
    """file name -> YAML text for every sheet, each re-parsed and compared to the model (exactness check)."""
    from tokencost.pricing.catalog import parse_sheet

    texts: dict[str, str] = {}
    for provider_id, sheet in sorted(result.sheets.items()):
        name = f"{provider_id}.yaml"
        text = dump_sheet(sheet, comment)
        reparsed = parse_sheet(text, name)
        if reparsed != sheet:  # pragma: no cover - a bug in the dumper, never the input
            raise InputError(f"{name}: internal error: the sheet did not survive a YAML round trip")
        texts[name] = text
    return texts


def write_sheets(texts: Mapping[str, str], out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write every sheet to ``out_dir`` (created if missing), all or nothing.

    Every target is checked before anything is written (a directory in the way, or a file without
    ``force``); the sheets are then written through ``write_atomic`` into a staging directory inside
    ``out_dir`` and renamed into place at the end, so a failure part-way leaves ``out_dir`` as it was."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory; nothing was written")
    targets = [out_dir / name for name in texts]
    for path in targets:
        if os.path.lexists(path) and path.is_dir():
            raise InputError(f"{path}: is a directory, not a sheet; nothing was written")
    existing = [p for p in targets if os.path.lexists(p)]
    if existing and not force:
        shown = ", ".join(p.name for p in existing[:3]) + (", ..." if len(existing) > 3 else "")
        raise InputError(
            f"{out_dir}: {len(existing)} sheet(s) already exist ({shown}); pass --force to overwrite them"
        )
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tokencost-import-", dir=out_dir))
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the directory ({exc.strerror or exc})") from None
    done: list[tuple[Path, Path | None]] = []
    try:
        staged = []
        for path in targets:
            temporary = staging / path.name
            write_atomic(temporary, texts[path.name])
            backup = None
            if os.path.lexists(path):
                backup = staging / f"{path.name}.old"
                shutil.copy2(path, backup, follow_symlinks=False)  # to put back if a later rename fails
                with contextlib.suppress(OSError):
                    os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))  # a replaced sheet keeps its mode
            staged.append((temporary, path, backup))
        for temporary, path, backup in staged:
            try:
                os.replace(temporary, path)
            except OSError as exc:
                _roll_back(done)
                raise InputError(
                    f"{path}: cannot write ({exc.strerror or exc}); nothing was written"
                ) from None
            done.append((path, backup))
    except OSError as exc:  # staging failed before anything in out_dir changed
        raise InputError(f"{out_dir}: cannot write ({exc.strerror or exc}); nothing was written") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not done:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only succeeds when empty: an import that failed leaves no trace
    return [path for path, _ in done]


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    """Undo the renames of an import that failed part-way: old sheets back, new ones removed."""
    for path, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, path)
            else:
                path.unlink()


def components_from(pairs: Iterable[tuple[str, Decimal | None]]) -> dict[str, Decimal]:
    """A dict of the components that are set."""
    return {name: value for name, value in pairs if value is not None}
