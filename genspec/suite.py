"""Where the installed specification lives, and the pytest arguments that run it.

``genspec check`` and ``genspec bugs`` run the same suite: ``genspec.properties`` and
``genspec.statistical`` (plus ``genspec.models.tests`` when the ``models`` area is asked for),
found wherever genspec is installed, under genspec's own pytest settings (``genspec/pytest.ini``),
with the root and conftest boundary at genspec's own folder, so that nothing in the calling
project (its ``conftest.py``, its pytest configuration, its packages) changes what runs.
Nothing here imports torch.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import genspec

SPEC_PACKAGES: tuple[str, ...] = ("genspec.properties", "genspec.statistical")
"""The specification: the checks that judge an implementation."""

MODEL_PACKAGES: tuple[str, ...] = ("genspec.models.tests",)
"""genspec's own model smoke checks (area ``models``): run only when that area is asked for."""

SPEC_AREAS: tuple[str, ...] = ("gaussian", "gumbel", "flows", "autoencoders")
"""The areas ``genspec check`` runs by default."""


def package_dir(name: str) -> Path:
    """The folder of one of genspec's packages (installed, or in the checkout)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"genspec's package {name!r} is not importable; is genspec installed completely?")
    return Path(list(spec.submodule_search_locations)[0])


def suite_root() -> Path:
    """The folder that holds the suite: the checkout's root, or the installed ``genspec`` package."""
    return package_dir("genspec.properties").parent


def suite_paths(areas: tuple[str, ...] | list[str] = SPEC_AREAS) -> list[str]:
    """The test folders to collect for ``areas``."""
    names = SPEC_PACKAGES + (MODEL_PACKAGES if "models" in areas else ())
    return [str(package_dir(n)) for n in names]


def pytest_args(impl: str, *, areas: tuple[str, ...] | list[str] = SPEC_AREAS,
                extra: list[str] | None = None) -> list[str]:
    """Arguments for pytest that run the specification's ``areas`` against ``impl``."""
    root = suite_root()
    args = [
        "-c", str(Path(genspec.__file__).with_name("pytest.ini")),
        "--rootdir", str(root),
        "--confcutdir", str(root),
        "-p", "genspec.plugin",
        "-p", "_hypothesis_pytestplugin",
        f"--genspec-impl={impl}",
        f"--genspec-area={','.join(areas)}",
        *suite_paths(areas),
    ]
    return args + list(extra or [])


def child_environment(environ: dict[str, str], invocation_dir: Path) -> dict[str, str]:
    """The environment of a child pytest process: no auto-loaded plugins (a user's pytest-randomly
    or pytest-xdist would change the run), no options from ``PYTEST_ADDOPTS``, and the invocation
    folder first on the import path (like ``python -m``), so that ``--impl`` can name a module there."""
    env = {k: v for k, v in environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(invocation_dir)] + ([environ["PYTHONPATH"]] if environ.get("PYTHONPATH") else []))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
