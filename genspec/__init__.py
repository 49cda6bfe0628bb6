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
