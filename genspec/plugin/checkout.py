"""The short option spellings of genspec's own checkout, as a plugin its root ``conftest.py`` loads.

``--impl``, ``--device``, ``--spec-seed``, ``--spec-profile``, ``--run-slow`` and ``--area`` are
aliases of ``--genspec-impl``, ``--genspec-device``, ... Outside the checkout only the namespaced
names exist, so a user's own ``--device`` never collides with genspec's.
"""

from __future__ import annotations

import pytest

from genspec.plugin.options import add_checkout_aliases


def pytest_addoption(parser: pytest.Parser) -> None:
    add_checkout_aliases(parser)
