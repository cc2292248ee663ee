"""A validated catalog as light records, so a command can load prices without importing pydantic.

Sheets are validated by the pydantic models of ``schema.py`` when they are built, checked or changed; the
merged catalog is then turned into *records* (``to_records``): plain immutable objects whose classes are
made here, at run time, from the field names of the schema model they copy. Nothing lists the schema's
fields: a field added to a schema model appears on its record, in the same order, with the same value
(``Decimal`` stays ``Decimal``, dates stay dates). Methods come from the pydantic-free mixins in
``methods.py`` that the schema models inherit. An enum member becomes a member of a stand-in ``str`` enum
with the same names and values (equal to the real ones), so reading one needs no schema import either.

The snapshot file (``dumps``/``loads``) is a header, then a pickle of the catalog. The header names the
snapshot format, the tokencost version, the fingerprint of the sheets and the layout of every record and
enum class; the classes are made from it before the catalog is read, by an unpickler that accepts those
classes and a handful of value types only, so a foreign or damaged file is refused (and rebuilt by the
caller), never half-trusted. Records unpickle without running Python code per object.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import io
import pickle
import sys
from enum import Enum
from typing import Any

#: Bumped whenever the snapshot's layout changes; a snapshot of another format is rebuilt.
SNAPSHOT_FORMAT = 1
_MAGIC = "tokencost-catalog-snapshot"

#: A record class is identified by (schema class name, field names, "module:qualname" of each mixin).
RecordSpec = tuple[str, tuple[str, ...], tuple[str, ...]]
#: A stand-in enum by (enum class name, (member name, value) pairs).
EnumSpec = tuple[str, tuple[tuple[str, Any], ...]]

_classes: dict[str, type] = {}  # made record and enum classes by their (unique) name in this module
_record_specs: dict[str, RecordSpec] = {}
_enum_specs: dict[str, EnumSpec] = {}


class Record:
    """Base of the light records: immutable objects holding the fields of the schema model they copy.

    Equality needs the same record class and equal fields (a tier never equals an override with the same
    rates), as with pydantic models. ``model_dump`` mirrors pydantic's for the renderers that dump a card."""

    __slots__ = ("__dict__",)
    _fields: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (a record of validated price data)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (a record of validated price data)")

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.__dict__.values()))

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__.partition('_')[0]}({args})"

    def model_dump(self, *, mode: str = "python", exclude_none: bool = False) -> dict[str, Any]:
        """The fields as a dict, records nested as dicts (pydantic's ``model_dump(mode="python")``)."""
        if mode != "python":
            raise ValueError("records dump in python mode only")
        return {
            name: _dump(value, exclude_none)
            for name, value in self.__dict__.items()
            if not (exclude_none and value is None)
        }


def _dump(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(exclude_none=exclude_none)
    if isinstance(value, list):
        return [_dump(item, exclude_none) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item, exclude_none) for key, item in value.items()}
    return value


def _class_name(spec: RecordSpec | EnumSpec) -> str:
    """A module-level name for the class of ``spec``: the schema name and a digest of the layout."""
    return f"{spec[0]}_{hashlib.sha256(repr(spec).encode()).hexdigest()[:12]}"


def _load_mixin(path: str) -> type:
    module, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _register(name: str, cls: type) -> type:
    cls.__module__ = __name__
    type.__setattr__(cls, "__qualname__", name)  # pickle finds the class here, by this name
    setattr(sys.modules[__name__], name, cls)
    _classes[name] = cls
    return cls


def record_class(spec: RecordSpec) -> type:
    """The record class for ``spec``, made once per process."""
    name = _class_name(spec)
    cls = _classes.get(name)
    if cls is None:
        _, fields, mixins = spec
        namespace = {"__slots__": (), "_fields": fields}
        cls = _register(name, type(name, (*(_load_mixin(m) for m in mixins), Record), namespace))
        _record_specs[name] = spec
    return cls


def enum_class(spec: EnumSpec) -> type:
    """A ``str`` enum with the members of ``spec``, standing in for a schema enum without importing it."""
    name = _class_name(spec)
    cls = _classes.get(name)
    if cls is None:
        cls = _register(name, Enum(name, list(spec[1]), type=str, module=__name__, qualname=name))
        _enum_specs[name] = spec
    return cls


def _make(cls: type, values: dict[str, Any]) -> Record:
    record = object.__new__(cls)
    record.__dict__.update(values)
    return record


# -- building records from validated pydantic objects (build time: pydantic is loaded already) -----------
def to_records(value: Any, memo: dict[int, tuple[Any, Any]] | None = None) -> Any:
    """``value`` with every pydantic model replaced by its record and every enum member by its stand-in;
    containers are copied, objects shared in ``value`` stay shared."""
    from pydantic import BaseModel

    memo = {} if memo is None else memo
    done = memo.get(id(value))
    if done is not None:
        return done[0]
    if isinstance(value, BaseModel):
        cls = type(value)
        fields = tuple(cls.model_fields)
        record_cls = record_class((cls.__name__, fields, _mixins(cls)))
        out: Any = _make(record_cls, {f: to_records(getattr(value, f), memo) for f in fields})
    elif isinstance(value, Enum):
        members = tuple((m.name, m.value) for m in type(value))
        out = enum_class((type(value).__name__, members))(value.value)
    elif isinstance(value, list):
        out = [to_records(item, memo) for item in value]
    elif isinstance(value, (tuple, set, frozenset)):
        out = type(value)(to_records(item, memo) for item in value)
    elif isinstance(value, dict):
        out = {to_records(k, memo): to_records(v, memo) for k, v in value.items()}
    else:
        return value
    memo[id(value)] = (out, value)  # holding ``value`` keeps its id from being reused meanwhile
    return out


def _mixins(cls: type) -> tuple[str, ...]:
    """``module:qualname`` of the plain (non-pydantic) classes ``cls`` inherits behaviour from."""
    from pydantic import BaseModel

    out = []
    for base in cls.__mro__[1:]:
        if base is object or issubclass(base, BaseModel) or base.__module__ in ("typing", "builtins"):
            continue
        out.append(f"{base.__module__}:{base.__qualname__}")
    return tuple(out)


# -- the snapshot file ------------------------------------------------------------------------------------
#: Globals a snapshot may name besides its own record and enum classes: the catalog's classes and values.
_ALLOWED = {
    ("tokencost.pricing.catalog", "Catalog"),
    ("tokencost.pricing.catalog", "Entry"),
    ("decimal", "Decimal"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "datetime"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, classes: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        super().__init__(stream)
        self.classes = classes

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in self.classes:
            return _classes[name]
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"a catalog snapshot cannot hold {module}.{name}")
        return super().find_class(module, name)


def _header(fingerprint: str) -> dict[str, Any]:
    from tokencost._version import __version__

    return {"magic": _MAGIC, "format": SNAPSHOT_FORMAT, "version": __version__, "fingerprint": fingerprint}


def dumps(catalog: Any, fingerprint: str) -> bytes:
    """The snapshot of a catalog of records, for the sheets whose fingerprint is ``fingerprint``."""
    header = {**_header(fingerprint), "records": dict(_record_specs), "enums": dict(_enum_specs)}
    buffer = io.BytesIO()
    pickle.dump(header, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(catalog, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def loads(blob: bytes, fingerprint: str) -> Any | None:
    """The catalog in ``blob``, or None when it is not a snapshot of this format, version and fingerprint
    (or is damaged in any way): the caller then rebuilds it from the sheets."""
    paused = gc.isenabled()
    gc.disable()  # thousands of acyclic objects: the collector's passes over them would double the time
    try:
        stream = io.BytesIO(blob)
        header = _Unpickler(stream).load()
        if {key: header.get(key) for key in ("magic", "format", "version", "fingerprint")} != _header(
            fingerprint
        ):
            return None
        made = [record_class(spec) for spec in header["records"].values()]
        made += [enum_class(spec) for spec in header["enums"].values()]
        names = {cls.__name__ for cls in made}
        if names != {*header["records"], *header["enums"]}:
            return None
        return _Unpickler(stream, names).load()  # a fresh memo: the two pickles were written separately
    except Exception:  # a damaged snapshot is a miss, never an error
        return None
    finally:
        if paused:
            gc.enable()
