"""The price catalog: loads bundled and user sheets, validates them together, and looks models up.

Precedence, lowest to highest: the bundled sheets, then each directory in ``TOKENCOST_PRICING``
(os.pathsep-separated) in order, then each ``--pricing DIR`` in order. A model in a higher layer with the
same id overrides the lower one (a negotiated discount, a private deployment): the fields it sets replace
the lower model's, the fields it omits are inherited, and ``prices`` replaces the whole price block
(prices, history, free, source, checked). Any other clash of ids or aliases is an error, because a name
must mean one price.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokencost.errors import InputError, PricingError, UnknownModelError, closest
from tokencost.yamlio import format_loc, line_of, load_yaml, read_text_file, validation_problems

if TYPE_CHECKING:  # the schema (pydantic) is imported only to validate sheets, never to read a snapshot
    from tokencost.pricing.resolve import Resolution
    from tokencost.pricing.schema import Model, Provider, Sheet

ENV_VAR = "TOKENCOST_PRICING"
BUNDLED_LAYER = "bundled"
SHEET_SUFFIXES = (".yaml", ".yml")
#: Bumped when the way sheets merge changes, so a catalog cached by older code is never served.
CATALOG_FORMAT = 5
#: The fields that describe a model's prices: an overriding model that gives ``prices`` replaces them all
#: (a negotiated card has its own history, source and checked date); one that omits ``prices`` inherits them.
PRICE_BLOCK = ("prices", "history", "scheduled", "free", "source", "checked")


@dataclass(frozen=True)
class Entry:
    """A model with the provider that sells it and where its prices came from."""

    model: Model
    provider: Provider
    file: str
    layer: str
    overrides: str | None = None  # the file whose entry this one replaced
    #: how a lookup that did not name this card exactly reached it (``pricing.resolve.Resolution``)
    resolution: Any = field(default=None, compare=False, repr=False)

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
    text: str | None = None  # the YAML it came from, to name lines in error messages

    def where(self, loc: Sequence[str | int]) -> str:
        """``file:line`` of the node at ``loc`` (just the file when the text is not known)."""
        line = line_of(self.text, loc) if self.text is not None else None
        return f"{self.path}:{line}" if line else self.path


def _bundled_root():  # -> a Traversable: the directory, or importlib.resources' view of it
    import tokencost.pricing_data as package

    directory = Path(package.__file__).parent if getattr(package, "__file__", None) else None
    if directory is not None and directory.is_dir():
        return directory  # the usual install: a plain directory, read without importlib.resources
    from importlib.resources import files

    return files("tokencost.pricing_data")


def bundled_sheet_files() -> list[tuple[str, str]]:
    """(display path, text) of every bundled sheet, sorted by name."""
    out = []
    for item in sorted(_bundled_root().iterdir(), key=lambda p: p.name):
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
    from pydantic import ValidationError

    from tokencost.pricing.schema import Sheet

    try:
        data = load_yaml(text, source)
    except InputError as exc:
        raise PricingError([exc.message]) from None
    if not isinstance(data, dict):
        raise PricingError(
            [f"{source}: expected a mapping with 'provider' and 'models', got {type(data).__name__}"]
        )
    problems = _duplicate_names(data, text, source)
    try:
        sheet = Sheet.model_validate(data, context={"names_checked": True})
    except ValidationError as exc:
        raise PricingError([*problems, *validation_problems(exc, text, source)]) from None
    if problems:
        raise PricingError(problems)
    return sheet


def _duplicate_names(data: dict, text: str, source: str) -> list[str]:
    """Ids and aliases used twice within one sheet's raw data, each named at the line of the repeat."""
    models = data.get("models")
    if not isinstance(models, list):
        return []
    problems: list[str] = []
    seen: dict[str, tuple[str, list[str | int]]] = {}  # normalised name -> (model id, where it is)
    for index, raw in enumerate(models):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        model_id = raw["id"]
        names: list[tuple[str, list[str | int]]] = [(model_id, ["models", index, "id"])]
        aliases = raw.get("aliases")
        if isinstance(aliases, list):
            names += [
                (a, ["models", index, "aliases", j]) for j, a in enumerate(aliases) if isinstance(a, str)
            ]
        own: set[str] = set()
        for name, loc in names:
            key = _normal(name)
            if key in own:
                continue  # the model itself reports an alias listed twice
            own.add(key)
            if key not in seen:
                seen[key] = (model_id, loc)
                continue
            first_id, first_loc = seen[key]
            line, first_line = line_of(text, loc), line_of(text, first_loc)
            where = f"{source}:{line}" if line else source
            if first_id == model_id:
                message = f"model id {model_id!r} appears twice (first at line {first_line})"
            else:
                message = f"{name!r} names both {first_id!r} (line {first_line}) and {model_id!r}"
            problems.append(f"{where}: {format_loc(loc)}: {message}")
    return problems


def _normal(name: str) -> str:
    return name.strip().casefold()


def _loose(name: str) -> str:
    """A looser key for a unique fallback match: claude-opus-4-6 ~ claude-opus-4.6 ~ Claude Opus 4.6."""
    return re.sub(r"[\s._:-]+", "", name.casefold())


def bad_map_message(found: Resolution) -> str:
    """An id mapped (``--map``, ``model_map``) to a target that is not a catalog model: names the target."""
    return (
        f"model {found.logged_id!r} is mapped (--map / model_map) to {found.bad_map_target!r}, "
        "which is not a catalog model"
    )


@dataclass
class Catalog:
    """Every priced model, indexed by id and alias (case-insensitive)."""

    entries: dict[str, Entry] = field(default_factory=dict)  # by model id (original case)
    _index: dict[str, str] = field(default_factory=dict)  # normalised name -> model id
    _loose_index: dict[str, set[str]] = field(default_factory=dict)
    #: the sheets' ``model_map`` sections (logged name -> catalog id), later sheets win
    model_map: dict[str, str] = field(default_factory=dict)

    # -- building -----------------------------------------------------------------------------------------
    @classmethod
    def from_sheets(cls, sheets: Sequence[LoadedSheet]) -> Catalog:
        """Merge sheets in precedence order; raise PricingError listing every clash."""
        catalog = cls()
        problems: list[str] = []
        origin: dict[str, tuple[LoadedSheet, list[str | int]]] = {}  # normalised name -> where it is defined
        for loaded in sheets:
            for index, model in enumerate(loaded.sheet.models):
                id_loc: list[str | int] = ["models", index, "id"]
                previous = catalog.entries.get(model.id)
                overrides = None
                if previous is not None:
                    if previous.layer == loaded.layer:
                        first = _where(origin.get(_normal(model.id)), previous.file)
                        problems.append(
                            f"{loaded.where(id_loc)}: model id {model.id!r} is already defined at {first}; "
                            "ids must be unique (rename one, or move the override to a --pricing directory)"
                        )
                        continue
                    try:
                        model = _override(previous, model, loaded.sheet.provider)
                    except _OverrideError as exc:
                        problems.extend(f"{loaded.where(id_loc)}: {line}" for line in exc.lines)
                        continue
                    catalog._remove(previous.model)
                    overrides = previous.file
                else:
                    missing = [name for name in ("tokenizer", "prices") if getattr(model, name) is None]
                    if missing:
                        problems.append(
                            f"{loaded.where(['models', index])}: models[{index}]: model {model.id!r} needs "
                            f"{' and '.join(missing)} (only a model that overrides one of a lower layer "
                            "may omit them)"
                        )
                        continue
                given = loaded.sheet.models[index].model_fields_set
                names: list[tuple[str, list[str | int] | None]] = [(model.id, id_loc)]
                names += [
                    (
                        alias,
                        ["models", index, "aliases", j] if "aliases" in given or previous is None else None,
                    )
                    for j, alias in enumerate(model.aliases)
                ]
                clash = False
                for name, loc in names:
                    key = _normal(name)
                    other = catalog._index.get(key)
                    if other is not None and other != model.id:
                        first = _where(origin.get(key), catalog.entries[other].file)
                        here = loaded.where(loc) if loc else f"{loaded.where(id_loc)} (inherited alias)"
                        problems.append(
                            f"{here}: {name!r} (model {model.id!r}) is already a name of {other!r} at {first}; "
                            "an id or alias must name one model"
                        )
                        clash = True
                if clash:
                    continue
                entry = Entry(model, loaded.sheet.provider, loaded.path, loaded.layer, overrides)
                catalog._add(entry)
                for name, loc in names:
                    if loc is not None or _normal(name) not in origin:
                        origin[_normal(name)] = (loaded, loc or id_loc)
        problems += catalog._add_model_maps(sheets)
        problems += catalog._check_successors()
        if problems:
            raise PricingError(problems)
        return catalog

    def _add_model_maps(self, sheets: Sequence[LoadedSheet]) -> list[str]:
        """Merge the sheets' ``model_map`` sections; a target that names no model is a problem."""
        problems = []
        for loaded in sheets:
            for logged, target in loaded.sheet.model_map.items():
                if self._lookup(target) is None:
                    problems.append(
                        f"{loaded.where(['model_map', logged])}: model_map {logged!r}: {target!r} is not a "
                        "model id or alias"
                    )
                    continue
                self.model_map[logged] = target
        return problems

    def _check_successors(self) -> list[str]:
        """A ``successor`` must name a model of the catalog."""
        return [
            f"{entry.file}: model {entry.id!r}: successor {entry.model.successor!r} is not a model id or alias"
            for entry in self.entries.values()
            if getattr(entry.model, "successor", None) and self._lookup(entry.model.successor) is None
        ]

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

    def _lookup(self, name: str) -> Entry | None:
        """The entry whose id or alias is ``name`` (case-insensitive), nothing looser."""
        model_id = self._index.get(_normal(name))
        return self.entries[model_id] if model_id is not None else None

    def _loose_ids(self, name: str) -> set[str]:
        return set(self._loose_index.get(_loose(name), ()))

    def resolve(self, name: str, *, host: str | None = None, model_map: Mapping[str, str] | None = None):
        """How ``name`` (a model id as a log or a user writes it) resolves: see ``pricing.resolve``."""
        from tokencost.pricing.resolve import resolve

        return resolve(self, name, host=host, model_map=model_map)

    def find(self, name: str, *, model_map: Mapping[str, str] | None = None) -> Entry | None:
        """The entry ``name`` resolves to (``pricing.resolve``: id or alias, normalised forms, host ids,
        reference card, a unique loose match), or None. A card reached by anything but its exact id or alias
        carries the ``resolution`` that says how. InputError when ``name`` is not a str."""
        if not isinstance(name, str):
            raise InputError(f"model name must be a str (an id or alias), got {type(name).__name__} {name!r}")
        entry = self._lookup(name)
        exact = entry is not None and name.strip() in (entry.id, *entry.model.aliases)
        resolver = sys.modules.get("tokencost.pricing.resolve")  # a --map scope needs it imported
        if exact and not model_map and not self.model_map and (resolver is None or not resolver.scoped()):
            return entry  # the cold path: an id as written, no mapping anywhere, no resolver import
        from tokencost.pricing.resolve import effective_map

        mapped = name.strip().casefold() in effective_map(self, model_map)
        if exact and not mapped:
            return entry
        if not name.strip():
            return None
        found = self.resolve(name, model_map=model_map)
        if found.entry is None:
            return None
        return replace(found.entry, resolution=found) if found.loose else found.entry

    def get(self, name: str, *, model_map: Mapping[str, str] | None = None) -> Entry:
        """Like ``find`` but raises UnknownModelError when nothing matches: with the candidates when the name
        is ambiguous, the API card when it is a self-hosted tag, else the closest names."""
        entry = self.find(name, model_map=model_map)
        if entry is not None:
            return entry
        found = self.resolve(name, model_map=model_map)
        if found.bad_map_target is not None:
            raise UnknownModelError(name, self.suggest(found.bad_map_target), message=bad_map_message(found))
        if found.ambiguous:
            raise UnknownModelError(
                name,
                found.ambiguous,
                message=f"model {name!r} is ambiguous",
                hint="it matches " + ", ".join(found.ambiguous) + "; name one of them",
            )
        if found.self_hosted:
            api = f"; on an API it is {found.alternatives[0]}" if found.alternatives else ""
            raise UnknownModelError(
                name,
                found.alternatives,
                message=f"model {name!r} is a self-hosted tag (Ollama/vLLM): it has no vendor price",
                hint=f"to price it, map it to a catalog model (--map {name}=ID) or give it a card of your own in an "
                f"overlay price sheet (--pricing){api}",
            )
        raise UnknownModelError(name, self.suggest(name))

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
        from tokencost.pricing.schema import Capability

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

    def unknown_vendor(self, name: str) -> str | None:
        """None when ``name`` is a provider id or a model creator of the catalog; else what to do: the closest
        known names (``did you mean: ...``), or all of them. One wording for every vendor list and flag."""
        known = sorted({v for e in self for v in (e.provider.id, e.creator)})
        if _normal(name) in {v.casefold() for v in known}:
            return None
        close = closest(_loose(name), {_loose(v): v for v in known}, cutoff=0.7)
        return "did you mean: " + ", ".join(close) if close else "known vendors: " + ", ".join(known)

    def check_vendors(self, names: Iterable[str], what: str) -> None:
        """An input error (naming ``what``: a flag or a file location) for the first vendor no provider or
        creator answers to: a typo in a vendor list must never be ignored silently."""
        for name in names:
            hint = self.unknown_vendor(name)
            if hint is not None:
                raise InputError(f"{what}: unknown vendor {name!r}", hint)


def _where(found: tuple[LoadedSheet, list[str | int]] | None, fallback: str) -> str:
    return found[0].where(found[1]) if found else fallback


class _OverrideError(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0])
        self.lines = lines


def _override(previous: Entry, model: Model, provider: Provider) -> Model:
    """``model`` (from a higher layer, same id) laid over ``previous``: the fields it sets win, the others
    are inherited; giving ``prices`` replaces the whole price block (PRICE_BLOCK)."""
    from pydantic import ValidationError

    from tokencost.pricing.schema import Model

    given = model.model_fields_set
    base = previous.model
    data = {name: getattr(base, name) for name in Model.model_fields}
    data["creator"] = previous.creator  # the vendor stays the creator when a host or a deal re-sells it
    if "prices" in given:
        for name in PRICE_BLOCK:
            data[name] = Model.model_fields[name].get_default(call_default_factory=True)
    else:
        if provider.currency != previous.currency:
            raise _OverrideError(
                [
                    f"model {model.id!r} overrides {previous.file} without prices, but its sheet bills in "
                    f"{provider.currency} and the inherited prices are in {previous.currency}; "
                    f"give prices in {provider.currency}"
                ]
            )
        data["source"], data["checked"] = previous.source, previous.checked
    data.update({name: getattr(model, name) for name in given})
    try:
        return Model.model_validate(data)
    except ValidationError as exc:
        raise _OverrideError(
            [
                f"{format_loc(error['loc'])}: {error['msg'].removeprefix('Value error, ')} "
                f"(model {model.id!r} with the fields it omits inherited from {previous.file})"
                for error in exc.errors(include_url=False)
            ]
        ) from None


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
            loaded.append(LoadedSheet(parse_sheet(text, path), path, layer, text))
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


def _cached_catalog(pricing: tuple[str, ...]) -> Catalog:
    """The catalog for these overlays, as ``catalog_store`` keeps it (memory, snapshot, or validated)."""
    from tokencost.pricing.catalog_store import cached_catalog

    return cached_catalog(pricing)


def _forget_catalogs() -> None:
    from tokencost.pricing.catalog_store import forget

    forget()


_cached_catalog.cache_clear = _forget_catalogs  # type: ignore[attr-defined]  # tests start from a clean process


def pricing_paths(
    pricing: str | os.PathLike | Iterable[str | os.PathLike] | None, name: str = "pricing"
) -> tuple[str, ...]:
    """The overlay paths of a ``pricing`` argument, as ``load_catalog``, ``plan_file`` and ``estimate`` take
    it: one directory or sheet file (a str or a Path; never split into letters), several of them, or None
    for none. Anything else is an InputError naming ``name``."""
    if pricing is None:
        return ()
    if isinstance(pricing, (str, os.PathLike)):
        return (os.fspath(pricing),)
    if isinstance(pricing, (bytes, bytearray, Mapping)) or not isinstance(pricing, Iterable):
        raise InputError(
            f"{name}: expected a directory or file path (str or Path) or a list of them, "
            f"got {type(pricing).__name__} {pricing!r}"
        )
    paths = []
    for item in pricing:
        if not isinstance(item, (str, os.PathLike)):
            raise InputError(
                f"{name}: expected directory or file paths (str or Path), got {type(item).__name__} {item!r}"
            )
        paths.append(os.fspath(item))
    return tuple(paths)


def load_catalog(pricing: str | os.PathLike | Iterable[str | os.PathLike] | None = ()) -> Catalog:
    """The merged catalog (bundled + TOKENCOST_PRICING + ``pricing`` dirs), loaded once per combination.

    ``pricing`` is one overlay directory or sheet file (str or Path) or a sequence of them (see
    ``pricing_paths``). The validated catalog is kept as a snapshot keyed by a hash of every sheet's text
    (see ``catalog_store``), so a changed sheet is always re-validated and an unchanged one costs a few
    milliseconds."""
    return _cached_catalog(pricing_paths(pricing))
