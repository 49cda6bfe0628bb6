"""The implementation under test: a module looked up by name or path, and the *not provided* outcome.

A check obtains every function or class it checks through :class:`Implementation`. Asking for a
name the module does not define ends the test with :class:`NotProvided`, a skip that the plugin
counts and lists separately, so a partial implementation is never reported as passing a check it
did not take.

``--impl`` takes a module name (``my_adapter``, ``mypkg.genspec_adapter``) or the path of a ``.py``
file (``./my_adapter.py``). genspec's own modules have short spellings: ``reference`` is
``genspec.reference``, and ``adapters.X``, ``bugs.X``, ``faithful.X`` are ``genspec.adapters.X``,
``genspec.bugs.X``, ``genspec.faithful.X`` (:func:`resolve`). This module imports neither torch
nor the implementation until :class:`Implementation` is built, so ``genspec check`` can reject a
bad ``--impl`` before anything heavy is loaded (:func:`locate`).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

_Skipped: type[BaseException] = pytest.skip.Exception

SHORT_NAMES: tuple[str, ...] = ("reference", "adapters", "bugs", "faithful")
"""genspec subpackages that ``--impl`` may name without the ``genspec.`` prefix."""


class NotProvided(_Skipped):  # type: ignore[misc,valid-type]
    """The implementation does not define ``name``; the check is not provided, not passed."""

    def __init__(self, name: str, implementation: str) -> None:
        super().__init__(f"not provided: {name} (by {implementation})")
        self.name = name
        self.implementation = implementation


def is_path(spec: str) -> bool:
    """Whether ``--impl`` names a file (``./x.py``, ``dir/x.py``) rather than a module."""
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def resolve(spec: str) -> str:
    """The module name that ``--impl=spec`` denotes (a path is returned unchanged).

    ``reference`` and ``adapters.X`` / ``bugs.X`` / ``faithful.X`` denote genspec's own modules
    when genspec has them; any other name is taken as it is.
    """
    if is_path(spec):
        return spec
    head = spec.split(".", 1)[0]
    if head in SHORT_NAMES:
        full = f"genspec.{spec}"
        try:
            if importlib.util.find_spec(full) is not None:
                return full
        except (ImportError, ValueError):
            pass
    return spec


def locate(spec: str) -> str | None:
    """Why ``--impl=spec`` cannot be imported (without importing it), or None when it can be found.

    Finding a dotted name imports its parent packages, not the module itself.
    """
    if not spec:
        return "--impl must name a module or a .py file, got an empty string"
    if is_path(spec):
        path = Path(spec)
        if not path.is_file():
            return f"--impl={spec!r}: no such file"
        if path.suffix != ".py":
            return f"--impl={spec!r}: a path must name a .py file"
        return None
    name = resolve(spec)
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        return f"--impl={spec!r} cannot be found: {exc}"
    if found is None:
        return (f"--impl={spec!r} cannot be found: no module named {name!r} on the path "
                f"(the current directory is searched; give a .py path otherwise)")
    return None


def import_implementation(spec: str) -> ModuleType:
    """Import the module that ``--impl=spec`` denotes; a ``.py`` path is loaded under its stem's name."""
    if is_path(spec):
        path = Path(spec).resolve()
        if not path.is_file():
            raise ModuleNotFoundError(f"no such file: {spec}")
        if str(path.parent) not in sys.path:
            sys.path.insert(0, str(path.parent))  # so that the file can import its siblings
        name = path.stem
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {spec} as a Python module")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module
    return importlib.import_module(resolve(spec))


_TOOL_HOOKS = frozenset({"execute_example", "setup_example", "teardown_example"})


class Implementation:
    """Attribute access to the module under test; a missing name raises :class:`NotProvided`."""

    def __init__(self, spec: str) -> None:
        if not spec:
            raise ValueError("impl must name a module or a .py file, got an empty string")
        try:
            module = import_implementation(spec)
        except ImportError as exc:
            raise ValueError(f"impl={spec!r} cannot be imported: {exc}") from exc
        self.__dict__["_module"] = module
        self.__dict__["name"] = spec

    @property
    def module(self) -> ModuleType:
        """The imported module."""
        return self.__dict__["_module"]

    def provides(self, name: str) -> bool:
        """Whether the module defines ``name``."""
        return hasattr(self.module, name)

    def __getattr__(self, name: str) -> Any:
        # Introspection by tools (Hypothesis probes arguments with hasattr for its own hooks,
        # pytest and copy look for dunders) must see an ordinary missing attribute, not a skip.
        if name.startswith("_") or name.startswith("hypothesis") or name in _TOOL_HOOKS:
            raise AttributeError(name)
        try:
            return getattr(self.module, name)
        except AttributeError:
            raise NotProvided(name, self.name) from None

    def __repr__(self) -> str:
        return f"Implementation({self.name!r})"
