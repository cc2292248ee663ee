"""Packaging invariants that would otherwise only fail after release."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_package_under_src_is_listed_in_pyproject():
    listed = set(
        re.findall(
            r'"(tokencost[\w.]*)"',
            (REPO / "pyproject.toml").read_text().split("packages = [")[1].split("]")[0],
        )
    )
    found = {".".join(p.parent.relative_to(REPO / "src").parts) for p in (REPO / "src").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_pricing_sheets_are_found_through_importlib_resources():
    names = {p.name for p in files("tokencost.pricing_data").iterdir()}
    assert "schema.json" in names
    assert any(name.endswith(".yaml") for name in names)


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"```(?:sh|bash)?\n(.*pytest.*)\n```", readme).group(1).strip()
    assert command in ci


def test_every_data_directory_is_shipped():
    """A data/ directory inside a package must be named in package-data, or installed wheels lose it."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for data_dir in (REPO / "src").rglob("data"):
        if data_dir.is_dir():
            package = ".".join(data_dir.parent.relative_to(REPO / "src").parts)
            assert (
                f'"{package}" = [' in pyproject
                and "data/*" in pyproject.split(f'"{package}" = [')[1].split("]")[0]
            ), f"add data/* to package-data for {package}"
