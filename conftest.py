"""Root conftest of the genspec checkout.

Loads the genspec plugin (``genspec.plugin``; an installed genspec never loads it on its own) and
the short option spellings used in the checkout (``genspec.plugin.checkout``): ``--impl``,
``--device``, ``--spec-seed``, ``--spec-profile``, ``--run-slow``, ``--area`` are aliases of
``--genspec-impl``, ``--genspec-device``, ...
"""

pytest_plugins = ["genspec.plugin", "genspec.plugin.checkout"]
