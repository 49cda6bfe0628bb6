"""genspec: an executable specification of the mathematics behind deep generative models.

The package holds the harness: the pytest plugin (``genspec.plugin``), named tolerances
(``genspec.tolerances``), comparison helpers (``genspec.checks``), Hypothesis strategies for tensors
(``genspec.strategies``), statistical design helpers (``genspec.stats``), the conformance report
(``genspec.report``), the bug-catalogue runner (``genspec.bugs``) and the command line
(``genspec.cli``). The mathematics lives in ``reference``; the checks in ``properties`` and
``statistical``; the models in ``models``.
"""

__version__ = "0.1.0"

AREAS: tuple[str, ...] = ("gaussian", "gumbel", "flows", "autoencoders", "models", "harness")
"""The spec areas, in report order. A test module names its area with ``pytest.mark.area``."""
