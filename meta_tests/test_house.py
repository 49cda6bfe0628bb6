"""The house rules a newcomer relies on to find things by name alone (``docs/CONTRIBUTING.md``).

- Tests mirror concepts: every file in ``properties/`` and ``statistical/`` is
  ``test_<module>[_<aspect>].py`` for a public module of ``reference/``, and every public module of
  ``reference/`` has a property test file.
- Statistical tests (``pytest.mark.statistical``) live in ``statistical/``, never in ``properties/``.
- No test module imports another test module: shared helpers live in the harness (``genspec/``).
- No Python file outside ``docs/`` is over 400 lines.
- The installed package list in ``pyproject.toml`` is exactly the folders with an ``__init__.py``
  that install under ``genspec``.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE_FOLDERS = ("properties", "statistical")
MAX_LINES = 400
NOT_SOURCE = {".git", ".venv", "build", "dist", "docs", "__pycache__", ".hypothesis", ".pytest_cache", "runs", "data"}

NO_TEST_FILE_NEEDED: dict[str, str] = {
    "validation": "argument checks of every concept; the validation-tier checks of each concept exercise them",
}
"""Public reference modules that need no property file of their own, with the reason."""


def public_modules() -> list[str]:
    return sorted(p.stem for p in (ROOT / "reference").glob("*.py") if not p.stem.startswith("_"))


def concept_of(test_file: Path, modules: list[str]) -> str | None:
    """The reference module a test file is named after (the longest matching prefix), or None."""
    stem = test_file.stem.removeprefix("test_")
    matches = [m for m in modules if stem == m or stem.startswith(m + "_")]
    return max(matches, key=len) if matches else None


def suite_files() -> list[Path]:
    return sorted(p for folder in SUITE_FOLDERS for p in (ROOT / folder).glob("test_*.py"))


def python_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not NOT_SOURCE & set(p.relative_to(ROOT).parts))


@pytest.mark.parametrize("path", suite_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_suite_files_are_named_after_a_reference_module(path: Path) -> None:
    assert concept_of(path, public_modules()), (
        f"{path.relative_to(ROOT)} is not test_<module>[_<aspect>].py for a module of reference/ "
        f"({', '.join(public_modules())})")


def test_every_public_reference_module_has_a_property_file() -> None:
    modules = public_modules()
    covered = {concept_of(p, modules) for p in (ROOT / "properties").glob("test_*.py")}
    missing = [m for m in modules if m not in covered and m not in NO_TEST_FILE_NEEDED]
    assert not missing, f"reference modules without properties/test_<module>*.py: {missing}"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


@pytest.mark.parametrize("path", [p for p in python_files() if p.name.startswith("test_")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_test_module_imports_another_test_module(path: Path) -> None:
    offending = [n for n in _imports(path) if any(part.startswith("test_") for part in n.split("."))]
    assert not offending, f"{path.relative_to(ROOT)} imports test modules {offending}: move the helper into genspec/"


def _statistical_tests(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr == "statistical":
                    found.append(node.name)
    return found


def test_statistical_tests_live_in_statistical() -> None:
    misplaced = {str(p.relative_to(ROOT)): _statistical_tests(p) for p in (ROOT / "properties").glob("test_*.py")}
    misplaced = {k: v for k, v in misplaced.items() if v}
    assert not misplaced, f"statistical tests outside statistical/: {misplaced}"


def test_no_python_file_is_over_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in python_files() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines (split them by concept): {long}"


def test_installed_packages_are_the_folders_with_an_init() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(config["packages"])
    mapping: dict[str, str] = config["package-dir"]
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            if NOT_SOURCE & set(init.relative_to(ROOT).parts):
                continue
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]))
    assert declared == found, f"pyproject.toml packages differ from the folders: missing {found - declared}, " \
                              f"extra {declared - found}"
