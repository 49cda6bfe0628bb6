"""Where the installed specification lives, and the pytest arguments that run it.

Both ``genspec check`` and ``genspec bugs`` run the same suite: the packages ``properties`` and
``statistical`` (plus ``models/tests`` for the model area), found wherever genspec is installed, with
genspec's own pytest settings, so that a user's project configuration does not change what runs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SUITE_PACKAGES: tuple[str, ...] = ("properties", "statistical", "models.tests")


def suite_paths() -> list[str]:
    """Filesystem paths of the suite's test packages (installed or in the checkout)."""
    paths = []
    for name in SUITE_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        paths.append(str(Path(list(spec.submodule_search_locations)[0])))
    return paths


def suite_root() -> Path:
    """The directory that holds the suite packages (the checkout, or site-packages)."""
    spec = importlib.util.find_spec("properties")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the genspec suite package 'properties' is not importable; is genspec installed?")
    return Path(list(spec.submodule_search_locations)[0]).parent


def pytest_args(impl: str, *, extra: list[str] | None = None) -> list[str]:
    """Arguments for ``pytest.main`` that run the whole specification against ``impl``."""
    root = suite_root()
    args = [
        "-c", str(Path(__file__).with_name("pytest.ini")),
        "--rootdir", str(root),
        "-p", "genspec.plugin",
        f"--impl={impl}",
        *suite_paths(),
    ]
    return args + list(extra or [])
