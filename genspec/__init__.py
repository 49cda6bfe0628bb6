"""genspec: an executable specification of the mathematics behind deep generative models.

Everything installs under this one import name:

| subpackage | what |
|---|---|
| ``genspec.reference`` | the mathematics as small typed torch functions; the default implementation |
| ``genspec.properties`` | Hypothesis property tests against float64 oracles |
| ``genspec.statistical`` | scipy statistical tests of the samplers |
| ``genspec.models`` | reference models, data, training, evaluation |
| ``genspec.adapters`` | other libraries mapped onto the contract |
| ``genspec.bugs`` | the bug catalogue: the reference with one realistic bug each |
| ``genspec.faithful`` | the source documents' own code, ported |

The harness is in the modules beside this one: the pytest plugin (``genspec.plugin``), tolerances,
comparison helpers, strategies, statistics, the report, the catalogue runner and the command line.

In the repository these subpackages are the top-level folders ``reference/``, ``properties/``, ...;
the package map in ``pyproject.toml`` installs them under ``genspec``. A bare checkout (nothing
installed) resolves them the same way: ``__path__`` below also searches the repository root.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.2.0"

AREAS: tuple[str, ...] = ("gaussian", "gumbel", "flows", "autoencoders", "models", "harness")
"""The spec areas, in report order. A test module names its area with ``pytest.mark.area``."""

TIERS: tuple[str, ...] = ("law", "numerics", "validation")
"""The verdict tiers of a check that uses the implementation (``docs/spec-api.md``, "Verdict tiers"):
``law`` the value, law or gradient at inputs where plain arithmetic is accurate; ``numerics`` accuracy
and finiteness at the edges; ``validation`` bad input raises ValueError naming the argument."""

GATED_BY_DEFAULT: tuple[str, ...] = ("law", "numerics")
"""The tiers whose failures fail a run against another implementation; the reference is judged on all."""

MAPPED_SUBPACKAGES: tuple[str, ...] = (
    "reference", "properties", "statistical", "models", "bugs", "adapters", "faithful",
)
"""The repository's top-level folders that install as ``genspec.<name>``."""


def _checkout_root() -> Path | None:
    """The repository root when this package is imported from a checkout, else None."""
    root = Path(__file__).resolve().parent.parent
    marker = root / "pyproject.toml"
    if (root / "reference" / "__init__.py").is_file() and marker.is_file() and 'name = "genspec"' in marker.read_text():
        return root
    return None


_ROOT = _checkout_root()
if _ROOT is not None and str(_ROOT) not in __path__:
    # From a checkout, `genspec.reference` is the folder `reference/` beside this package (an
    # editable install maps it the same way through setuptools' finder).
    __path__.append(str(_ROOT))


PROTOCOL_CHECKS: tuple[str, ...] = ("check_flow", "check_sampler", "check_relaxed")
"""The protocol checks of ``genspec.protocols``, also reachable as ``genspec.check_flow`` and so on."""


def __getattr__(name: str) -> object:
    """``genspec.check_flow``, ``check_sampler``, ``check_relaxed``: imported from ``genspec.protocols``
    on first use, so that ``import genspec`` itself imports neither torch nor scipy."""
    if name in PROTOCOL_CHECKS:
        from genspec import protocols

        return getattr(protocols, name)
    raise AttributeError(f"module 'genspec' has no attribute {name!r}")
