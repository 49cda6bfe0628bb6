"""Throwaway Python environments for tests and benchmarks of genspec as an installed package.

A sandbox is a new virtual environment that sees the current environment's packages (torch,
hypothesis, pytest, ...) through a *shadow* folder of links, minus genspec itself, so that
installing genspec's wheel into it (non-editable, ``--no-deps``) is a real "with vs without genspec"
comparison that needs no download of torch. Used by ``meta_tests/test_repository_citizen.py`` and
``benchmarks/bench_plugin_startup.py``; not a test module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_GENSPEC_PREFIXES = ("genspec", "__editable__.genspec", "__editable___genspec")


def build_wheel(dest: Path) -> Path:
    """Build genspec's wheel from a copy of this checkout (the build leaves ``build/`` behind) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    source = dest / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", "runs", "data",
        "genspec-report"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--disable-pip-version-check",
                    "-w", str(dest), str(source)], check=True, capture_output=True, text=True)
    (wheel,) = sorted(dest.glob("genspec-*.whl"))
    return wheel


class Sandbox:
    """A virtual environment at ``path``; ``with_packages`` links the current environment's packages."""

    def __init__(self, path: Path, *, with_packages: bool = True) -> None:
        self.path = path
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        self.python = path / "bin" / "python"
        self.site = Path(subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True).stdout.strip())
        if with_packages:
            self._link_current_packages()

    def _link_current_packages(self) -> None:
        source = Path(sysconfig.get_paths()["purelib"])
        shadow = self.path / "shadow-site-packages"
        shadow.mkdir()
        for entry in source.iterdir():
            if entry.name.startswith(_GENSPEC_PREFIXES) or entry.suffix == ".pth" or entry.name in ("pip", "_distutils_hack"):
                continue
            if entry.name.startswith(("pip-", "setuptools")):
                continue
            (shadow / entry.name).symlink_to(entry)
        (self.site / "_genspec_sandbox_shadow.pth").write_text(str(shadow) + "\n")

    def top_level_names(self) -> set[str]:
        """Import names in the environment's own site-packages (packages, modules, not metadata)."""
        names = set()
        for entry in self.site.iterdir():
            if entry.name.endswith((".dist-info", ".pth", ".egg-info")) or entry.name == "__pycache__":
                continue
            names.add(entry.name.removesuffix(".py"))
        return names

    def run(self, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900,
            check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run a command with this environment's ``bin`` first on PATH and no inherited venv."""
        base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTEST_ADDOPTS")}
        base["PATH"] = f"{self.path / 'bin'}{os.pathsep}{base.get('PATH', '')}"
        base["VIRTUAL_ENV"] = str(self.path)
        return subprocess.run(list(args), cwd=cwd, env={**base, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout, check=check)

    def pip_install(self, *args: str) -> None:
        self.run(str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args,
                 cwd=self.path, check=True)
