"""Shape checks shared by the request parsers: a malformed field is one ``InputError`` naming its path."""

from __future__ import annotations

from typing import Any

from tokencost.errors import InputError


def kind(value: Any) -> str:
    """The JSON type name of ``value``, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def join(path: str, key: str | int) -> str:
    """``path`` extended by a key (``a.b``) or an index (``a[0]``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Checker:
    """Checks fields; errors are one line: ``source:line: field.path: problem``."""

    def __init__(self, location: str | None) -> None:
        self.location = location

    def fail(self, path: str, problem: str) -> InputError:
        where = ": ".join(part for part in (self.location, path) if part)
        return InputError(f"{where}: {problem}" if where else problem)

    def expect(self, value: Any, types: type | tuple[type, ...], path: str, wanted: str) -> Any:
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            raise self.fail(path, f"expected {wanted}, got {kind(value)}")
        return value

    def string(self, mapping: dict, key: str, path: str, required: bool = False) -> str:
        """``mapping[key]`` as a string ("" when absent and not required)."""
        value = mapping.get(key)
        if value is None and not required:
            return ""
        return self.expect(value, str, join(path, key), "a string")

    def items(self, value: Any, path: str, wanted: str) -> list:
        """``value`` as a list (none when null)."""
        if value is None:
            return []
        return self.expect(value, list, path, wanted)

    def obj(self, value: Any, path: str, wanted: str = "an object") -> dict:
        return self.expect(value, dict, path, wanted)


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)
