"""The price catalog: loads bundled and user sheets, validates them together, and looks models up.

Precedence, lowest to highest: the bundled sheets, then each directory in ``TOKENCOST_PRICING``
(os.pathsep-separated) in order, then each ``--pricing DIR`` in order. A model in a higher layer with the
same id replaces the lower one (a negotiated discount, a private deployment); any other clash of ids or
aliases is an error, because a name must mean one price.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from pydantic import ValidationError

from tokencost import cache
from tokencost.errors import InputError, PricingError, UnknownModelError
from tokencost.pricing.schema import Capability, Model, Provider, Sheet
from tokencost.yamlio import load_yaml, read_text_file, validation_problems

ENV_VAR = "TOKENCOST_PRICING"
BUNDLED_LAYER = "bundled"
SHEET_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Entry:
    """A model with the provider that sells it and where its prices came from."""

    model: Model
    provider: Provider
    file: str
    layer: str
    overrides: str | None = None  # the file whose entry this one replaced

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def currency(self) -> str:
        return self.provider.currency

    @property
    def source(self) -> str | None:
        return self.model.source or (self.provider.pricing_urls[0] if self.provider.pricing_urls else None)

    @property
    def checked(self):  # -> datetime.date
        return self.model.checked or self.provider.checked

    @property
    def creator(self) -> str:
        return self.model.creator or self.provider.id


@dataclass
class LoadedSheet:
    sheet: Sheet
    path: str
    layer: str


def bundled_sheet_files() -> list[tuple[str, str]]:
    """(display path, text) of every bundled sheet, sorted by name."""
    root = files("tokencost.pricing_data")
    out = []
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.endswith(SHEET_SUFFIXES):
            out.append((f"pricing/{item.name}", item.read_text(encoding="utf-8")))
    return out


def sheet_paths(path: Path) -> list[Path]:
    """The sheet files named by ``path``: the file itself, or the YAML files directly inside a directory."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SHEET_SUFFIXES and p.is_file())
    if path.exists():
        return [path]
    raise InputError(f"{path}: pricing directory or file not found")


def parse_sheet(text: str, source: str) -> Sheet:
    """Validate one sheet's text; raise PricingError with one line per problem."""
    try:
        data = load_yaml(text, source)
    except InputError as exc:
        raise PricingError([exc.message]) from None
    if not isinstance(data, dict):
        raise PricingError(
            [f"{source}: expected a mapping with 'provider' and 'models', got {type(data).__name__}"]
        )
    try:
        return Sheet.model_validate(data)
    except ValidationError as exc:
        raise PricingError(validation_problems(exc, text, source)) from None


def _normal(name: str) -> str:
    return name.strip().casefold()


def _loose(name: str) -> str:
    """A looser key for a unique fallback match: claude-opus-4-6 ~ claude-opus-4.6 ~ Claude Opus 4.6."""
    return re.sub(r"[\s._:-]+", "", name.casefold())


@dataclass
class Catalog:
    """Every priced model, indexed by id and alias (case-insensitive)."""

    entries: dict[str, Entry] = field(default_factory=dict)  # by model id (original case)
    _index: dict[str, str] = field(default_factory=dict)  # normalised name -> model id
    _loose_index: dict[str, set[str]] = field(default_factory=dict)

    # -- building -----------------------------------------------------------------------------------------
    @classmethod
    def from_sheets(cls, sheets: Sequence[LoadedSheet]) -> Catalog:
        """Merge sheets in precedence order; raise PricingError listing every clash."""
        catalog = cls()
        problems: list[str] = []
        owner_file: dict[str, tuple[str, str]] = {}  # normalised name -> (file, layer)
        for loaded in sheets:
            for model in loaded.sheet.models:
                previous = catalog.entries.get(model.id)
                overrides = None
                if previous is not None:
                    if previous.layer == loaded.layer:
                        problems.append(
                            f"{loaded.path}: model id {model.id!r} is already defined in {previous.file}; "
                            "ids must be unique (rename one, or move the override to a --pricing directory)"
                        )
                        continue
                    catalog._remove(previous.model)
                    overrides = previous.file
                clash = False
                for name in (model.id, *model.aliases):
                    key = _normal(name)
                    other = catalog._index.get(key)
                    if other is not None and other != model.id:
                        file, _ = owner_file.get(key, ("?", "?"))
                        problems.append(
                            f"{loaded.path}: {name!r} (model {model.id!r}) is already a name of {other!r} in {file}; "
                            "an id or alias must name one model"
                        )
                        clash = True
                if clash:
                    continue
                entry = Entry(model, loaded.sheet.provider, loaded.path, loaded.layer, overrides)
                catalog._add(entry)
                for name in (model.id, *model.aliases):
                    owner_file[_normal(name)] = (loaded.path, loaded.layer)
        if problems:
            raise PricingError(problems)
        return catalog

    def _add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for name in (entry.id, *entry.model.aliases):
            self._index[_normal(name)] = entry.id
            self._loose_index.setdefault(_loose(name), set()).add(entry.id)

    def _remove(self, model: Model) -> None:
        del self.entries[model.id]
        for name in (model.id, *model.aliases):
            self._index.pop(_normal(name), None)
            ids = self._loose_index.get(_loose(name))
            if ids:
                ids.discard(model.id)

    # -- lookup -------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def find(self, name: str) -> Entry | None:
        """The entry for an id or alias, case-insensitive; ``provider/name`` works when the prefix is the
        model's own provider or creator. None when nothing matches."""
        key = _normal(name)
        if key in self._index:
            return self.entries[self._index[key]]
        if "/" in key:
            prefix, rest = key.split("/", 1)
            entry = self.find(rest)
            if entry is not None and prefix in (entry.provider.id.casefold(), entry.creator.casefold()):
                return entry
            return None
        ids = self._loose_index.get(_loose(name), set())
        if len(ids) == 1:
            return self.entries[next(iter(ids))]
        return None

    def get(self, name: str) -> Entry:
        """Like ``find`` but raises UnknownModelError with the closest names when nothing matches."""
        entry = self.find(name)
        if entry is None:
            raise UnknownModelError(name, self.suggest(name))
        return entry

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Model ids whose names are closest to ``name``."""
        key = _normal(name)
        names = list(self._index)
        close = difflib.get_close_matches(key, names, n=limit * 3, cutoff=0.5)
        contains = [n for n in names if key and (key in n or n in key)] if len(key) >= 3 else []
        out: list[str] = []
        for candidate in [*close, *sorted(contains, key=len)]:
            model_id = self._index[candidate]
            if model_id not in out:
                out.append(model_id)
            if len(out) == limit:
                break
        return out

    def select(
        self,
        vendor: Iterable[str] = (),
        search: str | None = None,
        capabilities: Iterable[str] = (),
        include_deprecated: bool = True,
        mode: str | None = None,
    ) -> list[Entry]:
        """Entries matching every filter: vendor (provider id or creator), text search, capabilities."""
        vendors = {v.casefold() for v in vendor}
        wanted = [Capability(c) for c in capabilities]
        needle = search.casefold() if search else None
        out = []
        for entry in self:
            model = entry.model
            if (
                vendors
                and entry.provider.id.casefold() not in vendors
                and entry.creator.casefold() not in vendors
            ):
                continue
            if needle and not any(
                needle in n.casefold() for n in (model.id, model.display_name, *model.aliases)
            ):
                continue
            if any(c not in model.capabilities for c in wanted):
                continue
            if not include_deprecated and model.deprecated is not None:
                continue
            if mode and model.mode != mode:
                continue
            out.append(entry)
        return out

    def providers(self) -> dict[str, Provider]:
        return {e.provider.id: e.provider for e in self}


def overlay_dirs(pricing: Sequence[str | Path] = (), use_env: bool = True) -> list[tuple[str, Path]]:
    """(layer name, path) of every user overlay in precedence order: TOKENCOST_PRICING, then --pricing."""
    layers: list[tuple[str, Path]] = []
    if use_env:
        for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
            if part.strip():
                layers.append((f"{ENV_VAR}:{part}", Path(part).expanduser()))
    for item in pricing:
        layers.append((f"--pricing:{item}", Path(item).expanduser()))
    return layers


def _sources(
    pricing: Sequence[str | Path], use_env: bool, bundled: bool
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(display path, text, layer) of every sheet in precedence order, and the problems reading them."""
    problems: list[str] = []
    sources: list[tuple[str, str, str]] = []
    if bundled:
        sources.extend((path, text, BUNDLED_LAYER) for path, text in bundled_sheet_files())
    for layer, directory in overlay_dirs(pricing, use_env):
        for path in sheet_paths(directory):
            try:
                text = read_text_file(path, "price sheet")
            except InputError as exc:
                problems.append(exc.message)
                continue
            sources.append((str(path), text, layer))
    return sources, problems


def _parse_all(sources: Sequence[tuple[str, str, str]], problems: list[str]) -> list[LoadedSheet]:
    loaded: list[LoadedSheet] = []
    for path, text, layer in sources:
        try:
            loaded.append(LoadedSheet(parse_sheet(text, path), path, layer))
        except PricingError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PricingError(problems)
    return loaded


def load_sheets(
    pricing: Sequence[str | Path] = (), use_env: bool = True, bundled: bool = True
) -> list[LoadedSheet]:
    """Parse every sheet in precedence order; collect all problems before raising."""
    sources, problems = _sources(pricing, use_env, bundled)
    return _parse_all(sources, problems)


def _fingerprint(sources: Sequence[tuple[str, str, str]]) -> str:
    from tokencost._version import __version__

    digest = hashlib.sha256(__version__.encode())
    for path, text, layer in sources:
        for part in (path, layer, text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    return digest.hexdigest()[:32]


@lru_cache(maxsize=8)
def _cached_catalog(pricing: tuple[str, ...], env_value: str) -> Catalog:
    sources, problems = _sources(pricing, use_env=True, bundled=True)
    key = f"catalog-{_fingerprint(sources)}.pickle"
    if not problems:
        cached = cache.load(key)
        if isinstance(cached, Catalog):
            return cached
    catalog = Catalog.from_sheets(_parse_all(sources, problems))
    cache.store(key, catalog)
    return catalog


def load_catalog(pricing: Sequence[str | Path] = ()) -> Catalog:
    """The merged catalog (bundled + TOKENCOST_PRICING + ``pricing`` dirs), loaded once per combination.

    The validated catalog is cached on disk keyed by a hash of every sheet's text (see ``tokencost.cache``),
    so a changed sheet is always re-validated and an unchanged one costs a few milliseconds."""
    return _cached_catalog(tuple(str(p) for p in pricing), os.environ.get(ENV_VAR, ""))
