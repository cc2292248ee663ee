"""Safe YAML reading that reports problems as ``file:line: path: message`` and rejects duplicate keys.

Used for price sheets and workload files alike. Parsing is done once with the C loader when available;
line numbers are recovered only when an error needs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from tokencost.errors import InputError

MAX_YAML_BYTES = 20 * 1024 * 1024


@lru_cache(maxsize=1)
def _loaders() -> tuple[type, type]:
    """(plain safe loader, safe loader that rejects duplicate keys), built on first use: PyYAML is only
    imported when something is parsed, so commands served from the catalog cache never pay for it."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class UniqueKeyLoader(base):  # type: ignore[misc, valid-type]
        """SafeLoader that refuses a mapping with the same key twice (PyYAML silently keeps the last)."""

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return loader.construct_mapping(node, deep=deep)

    UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return base, UniqueKeyLoader


def read_text_file(path: Path, what: str = "file", max_bytes: int = MAX_YAML_BYTES) -> str:
    """Read a UTF-8 text file for configuration, with one-line errors for missing, binary or huge files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a {what}")
    if size > max_bytes:
        raise InputError(f"{path}: {what} is {size:,} bytes, larger than the {max_bytes:,}-byte limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise InputError(f"{path}: looks like a binary file, expected a {what} in UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: is not valid UTF-8 (byte {exc.start}); save it as UTF-8") from None


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text; syntax errors become one-line ``InputError``s naming ``source`` and the line."""
    import yaml

    try:
        return yaml.load(text, Loader=_loaders()[1])  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"{where}: malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: malformed YAML: {exc}") from None


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """1-based line of the node at ``path`` (keys and list indexes) in YAML ``text``; the deepest
    node found when the path runs out (e.g. a missing key reports its parent mapping's line)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=_loaders()[0])
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            if match is None:
                key_match = next((k for k, _ in node.value if k.value == str(part)), None)
                return key_match.start_mark.line + 1 if key_match else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def format_loc(loc: Iterable[str | int]) -> str:
    """Render a pydantic error location as a YAML path: ``models[3].prices.input``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def validation_problems(exc: Any, text: str, source: str) -> list[str]:
    """One line per pydantic error: ``file:line: path: message``."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = [
            p for p in error["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
        ]
        line = line_of(text, loc)
        where = f"{source}:{line}" if line else source
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if error["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}; check the spelling against pricing/schema.json"
        elif error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] in ("decimal_parsing", "decimal_type"):
            message = f"expected a number, got {error.get('input')!r}"
        problems.append(f"{where}: {format_loc(loc)}: {message}")
    return problems
