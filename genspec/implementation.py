"""The implementation under test: a module looked up by name, and the *not provided* outcome.

A check obtains every function or class it checks through :class:`Implementation`. Asking for a
name the module does not define ends the test with :class:`NotProvided`, a skip that the plugin
counts and lists separately, so a partial implementation is never reported as passing a check it
did not take.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

_Skipped: type[BaseException] = pytest.skip.Exception


class NotProvided(_Skipped):  # type: ignore[misc,valid-type]
    """The implementation does not define ``name``; the check is not provided, not passed."""

    def __init__(self, name: str, implementation: str) -> None:
        super().__init__(f"not provided: {name} (by {implementation})")
        self.name = name
        self.implementation = implementation


_TOOL_HOOKS = frozenset({"execute_example", "setup_example", "teardown_example"})


class Implementation:
    """Attribute access to the module under test; a missing name raises :class:`NotProvided`."""

    def __init__(self, module_name: str) -> None:
        if not module_name:
            raise ValueError("impl must name a module, got an empty string")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ValueError(f"impl={module_name!r} cannot be imported: {exc}") from exc
        self.__dict__["_module"] = module
        self.__dict__["name"] = module_name

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
