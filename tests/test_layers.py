"""The package map of DESIGN.md, enforced: each src module imports only from its own layer or below, and
no module or function outgrows the size limits (600 lines a module, 80 a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "tokencost"

#: Layers from the bottom up (DESIGN.md "Package map"). A module belongs to the first prefix that matches
#: its dotted name; it may import modules of its own layer or of a lower one, never of a higher one.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "basics",
        (
            "tokencost._version",
            "tokencost.errors",
            "tokencost.families",
            "tokencost.currency",
            "tokencost.yamlio",
            "tokencost.fileio",
            "tokencost.inputs",
            "tokencost.cache",
            "tokencost.fx",
            "tokencost.engines",
            "tokencost.remote",
            "tokencost.compressed",
        ),
    ),
    ("price data", ("tokencost.pricing.schema", "tokencost.pricing.methods")),
    ("catalog", ("tokencost.pricing", "tokencost.pricing_data")),
    ("tokenizers", ("tokencost.tokenizers", "tokencost.online")),
    ("costing", ("tokencost.costing",)),
    ("planner / replay", ("tokencost.planner", "tokencost.replay", "tokencost.calibration")),
    ("renderers", ("tokencost.render",)),
    ("cli", ("tokencost.cli", "tokencost.__main__")),
]
#: ``tokencost/__init__.py`` is the library's facade: it names its entry points lazily (strings only).
FACADE = "tokencost"

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
#: Functions over MAX_FUNCTION_LINES, exempt (none: keep it that way; split a function rather than list it).
ALLOWED_LONG_FUNCTIONS: set[str] = set()
#: Modules still over MAX_MODULE_LINES, exempt for now (none).
ALLOWED_LONG_MODULES: set[str] = set()


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def layer_of(module: str) -> int | None:
    """The index in LAYERS of a dotted module name, or None for a module outside tokencost."""
    if module != FACADE and not module.startswith(FACADE + "."):
        return None
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    if module == FACADE:
        return 0
    raise AssertionError(f"{module} is on no layer: add it to LAYERS (and to DESIGN.md's package map)")


def _imports(name: str, path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the module, lazy and TYPE_CHECKING ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.append((node.lineno, base))
            # ``from tokencost.planner import check`` imports the submodule
            out += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
    return out


def _resolvable(module: str) -> bool:
    """True when ``module`` names a tokencost module or package (not a name imported from one)."""
    relative = Path(*module.split("."))
    return (SRC / relative).with_suffix(".py").is_file() or (SRC / relative / "__init__.py").is_file()


def test_every_src_module_is_on_a_layer():
    for name, _ in _modules():
        layer_of(name)


def test_no_module_imports_from_a_higher_layer():
    upward = []
    for name, path in _modules():
        own = layer_of(name)
        for line, imported in _imports(name, path):
            target = layer_of(imported)
            if target is None or not _resolvable(imported) or imported == FACADE:
                continue
            if target > own:  # type: ignore[operator]
                where = f"{path.relative_to(SRC)}:{line}"
                upward.append(f"{where}: {LAYERS[own][0]} imports {imported} ({LAYERS[target][0]})")  # type: ignore[index]
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


#: (importer, imported) pairs on one floor that must not import each other: replay may use the planner's
#: month arithmetic and tokenizer ratios, the planner never imports replay
SIBLINGS = [("tokencost.planner", "tokencost.replay")]


def test_siblings_do_not_import_each_other():
    crossing = []
    for name, path in _modules():
        for a, b in SIBLINGS:
            if name == a or name.startswith(a + "."):
                crossing += [
                    f"{path.relative_to(SRC)}:{line}: {imported}"
                    for line, imported in _imports(name, path)
                    if imported == b or imported.startswith(b + ".")
                ]
    assert not crossing, "the planner imports replay:\n" + "\n".join(crossing)


def test_the_layer_check_sees_upward_imports(tmp_path):
    """The checker itself: a costing module importing the planner would be caught, a planner one not."""
    assert layer_of("tokencost.costing.volumes") < layer_of("tokencost.planner.plan")  # type: ignore[operator]
    assert layer_of("tokencost.pricing.schema") < layer_of("tokencost.pricing.catalog")  # type: ignore[operator]
    assert layer_of("numpy") is None
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from tokencost.planner import plan_file\n", encoding="utf-8")
    assert (2, "tokencost.planner.plan_file") in _imports("tokencost.costing.m", module)
    with pytest.raises(AssertionError, match="on no layer"):
        layer_of("tokencost.somewhere_new")


def _sizes() -> tuple[list[str], list[str]]:
    long_modules, long_functions = [], []
    for _, path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES and rel not in ALLOWED_LONG_MODULES:
            long_modules.append(f"{rel}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if length > MAX_FUNCTION_LINES and f"{rel}::{node.name}" not in ALLOWED_LONG_FUNCTIONS:
                    long_functions.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    return long_modules, long_functions


def test_no_module_over_600_lines():
    long_modules, _ = _sizes()
    assert not long_modules, f"modules over {MAX_MODULE_LINES} lines (split them):\n" + "\n".join(
        long_modules
    )


def test_no_function_over_80_lines():
    _, long_functions = _sizes()
    assert not long_functions, f"functions over {MAX_FUNCTION_LINES} lines (split them):\n" + "\n".join(
        long_functions
    )
