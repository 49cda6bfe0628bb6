"""Root conftest of the genspec checkout.

The suite's options and fixtures (``--impl``, ``--device``, ``--spec-seed``, ``--spec-profile``,
``--run-slow``, ``--area``, ``--genspec-report``; ``impl``, ``device``, ``generator``) live in the
plugin ``genspec.plugin``. An installed genspec registers it through its ``pytest11`` entry point
(under the same name, so it is never loaded twice); naming it here also makes a plain checkout
work without installing.
"""

pytest_plugins = ["genspec.plugin"]
