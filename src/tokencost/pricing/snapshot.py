"""A validated catalog as light records, so a command can load prices without importing pydantic.

Sheets are validated by the pydantic models of ``schema.py`` when they are built, checked or changed; the
merged catalog is then turned into *records*: immutable tuples whose classes are made here, at run time,
from the field names of the schema model they copy (``to_records``). Nothing lists the schema's fields: a
field added to a schema model appears on its record, in the same order, with the same value (``Decimal``
stays ``Decimal``, dates stay dates). Methods come from the pydantic-free mixins in ``methods.py`` that the
schema models inherit. Enum members become members of a stand-in ``str`` enum with the same names and
values (equal to the real ones), so reading them needs no schema import either.

The snapshot file (``dumps``/``loads``) is a pickle of the records behind a header naming the snapshot
format, the tokencost version and the fingerprint of the sheets it was built from; it is read with an
unpickler that only accepts the handful of classes a snapshot holds, so a foreign or damaged file is
refused (and rebuilt by the caller), never half-trusted.
"""

from __future__ import annotations

import importlib
import io
import pickle
from enum import Enum
from typing import Any

#: Bumped whenever the snapshot's layout changes; a snapshot of another format is rebuilt.
SNAPSHOT_FORMAT = 1
_MAGIC = "tokencost-catalog-snapshot"

#: A record class is identified by (schema class name, field names, "module:qualname" of each mixin).
RecordSpec = tuple[str, tuple[str, ...], tuple[str, ...]]
EnumSpec = tuple[str, tuple[tuple[str, Any], ...]]

_record_classes: dict[RecordSpec, type] = {}
_enum_classes: dict[EnumSpec, type] = {}


class Record(tuple):
    """Base of the light records: an immutable tuple of field values with named attributes.

    Equality needs the same record class (a tier never equals an override with the same rates), as with
    pydantic models. ``model_dump`` mirrors pydantic's for the renderers that dump a card."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _spec: RecordSpec

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and tuple.__eq__(self, other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True))
        return f"{type(self).__name__}({args})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_record, (self._spec, tuple(self)))

    @property
    def model_fields_set(self) -> set[str]:
        """Every field (a record keeps no memory of which were written in the sheet)."""
        return set(self._fields)

    def model_dump(self, *, mode: str = "python", exclude_none: bool = False) -> dict[str, Any]:
        """The fields as a dict, records nested as dicts (pydantic's ``model_dump(mode="python")``)."""
        if mode != "python":
            raise ValueError("records dump in python mode only")
        return {
            name: _dump(value, exclude_none)
            for name, value in zip(self._fields, self, strict=True)
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


def _load_mixin(path: str) -> type:
    module, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def record_class(spec: RecordSpec) -> type:
    """The record class for ``spec``, made once per process."""
    cls = _record_classes.get(spec)
    if cls is None:
        name, fields, mixins = spec
        namespace: dict[str, Any] = {"__slots__": (), "_fields": fields, "_spec": spec}
        for index, field_name in enumerate(fields):
            namespace[field_name] = property(_getter(index), doc=f"{name}.{field_name}")
        cls = type(name, (*(_load_mixin(m) for m in mixins), Record), namespace)
        cls.__module__ = __name__
        _record_classes[spec] = cls
    return cls


def _getter(index: int) -> Any:
    from operator import itemgetter

    return itemgetter(index)


def _record(spec: RecordSpec, values: tuple[Any, ...]) -> Record:
    """Rebuild one record (the pickle reconstructor of ``Record``)."""
    cls = _record_classes.get(spec) or record_class(spec)
    return tuple.__new__(cls, values)


def enum_class(spec: EnumSpec) -> type:
    """A ``str`` enum with the members of ``spec``, standing in for a schema enum without importing it."""
    cls = _enum_classes.get(spec)
    if cls is None:
        name, members = spec
        cls = Enum(name, list(members), type=str, module=__name__)  # type: ignore[misc]
        type.__setattr__(cls, "_tokencost_spec", spec)
        type.__setattr__(cls, "__reduce_ex__", _enum_reduce)
        _enum_classes[spec] = cls
    return cls


def _enum_member(spec: EnumSpec, value: Any) -> Enum:
    return enum_class(spec)(value)


def _enum_reduce(member: Enum, protocol: int) -> tuple[Any, ...]:
    return (_enum_member, (type(member)._tokencost_spec, member.value))  # type: ignore[attr-defined]


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
        spec = (cls.__name__, tuple(cls.model_fields), _mixins(cls))
        out: Any = _record(spec, tuple(to_records(getattr(value, f), memo) for f in spec[1]))
    elif isinstance(value, Enum):
        members = tuple((m.name, m.value) for m in type(value))
        out = _enum_member((type(value).__name__, members), value.value)
    elif isinstance(value, list):
        out = [to_records(item, memo) for item in value]
    elif isinstance(value, tuple):
        out = tuple(to_records(item, memo) for item in value)
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
#: Globals a snapshot may name: our record machinery, the catalog's own classes and value types.
_ALLOWED = {
    (__name__, "_record"),
    (__name__, "_enum_member"),
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
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"a catalog snapshot cannot hold {module}.{name}")
        return super().find_class(module, name)


def _header(fingerprint: str) -> dict[str, Any]:
    from tokencost._version import __version__

    return {"magic": _MAGIC, "format": SNAPSHOT_FORMAT, "version": __version__, "fingerprint": fingerprint}


def dumps(catalog: Any, fingerprint: str) -> bytes:
    """The snapshot of a catalog of records, for the sheets whose fingerprint is ``fingerprint``."""
    buffer = io.BytesIO()
    pickle.dump(_header(fingerprint), buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(catalog, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def loads(blob: bytes, fingerprint: str) -> Any | None:
    """The catalog in ``blob``, or None when it is not a snapshot of this format, version and fingerprint
    (or is damaged in any way): the caller then rebuilds it from the sheets."""
    try:
        stream = io.BytesIO(blob)
        if _Unpickler(stream).load() != _header(fingerprint):
            return None
        return _Unpickler(stream).load()  # a fresh memo: the two pickles were written separately
    except Exception:  # a damaged snapshot is a miss, never an error
        return None
