"""pytest plugin: keep Hypothesis's probes of ``impl`` from ending tests as "not provided".

Hypothesis's ``@given`` treats its test's first argument as a possible test runner: it asks
``hasattr(arg, "hypothesis_internal_is_this_a_mock_check")``, then ``arg.execute_example``,
``setup_example``, ``teardown_example`` and ``_switch_to_hypothesis_provider``, expecting
``AttributeError`` for the absent ones. When that argument is the ``impl`` fixture, the harness's
``Implementation.__getattr__`` answers a missing name with ``NotProvided`` (a skip), so every
``@given`` test whose first parameter is ``impl`` ends as not provided, for every implementation
(the reference included), before drawing one example. Until ``genspec/implementation.py`` answers
those names with ``AttributeError``, ``scripts/conformance_matrix.py`` loads this plugin (``-p``);
once the harness is fixed the plugin detects it and does nothing.
"""

from __future__ import annotations

from genspec.implementation import Implementation, NotProvided

PROBES = ("hypothesis_internal_is_this_a_mock_check", "execute_example", "setup_example",
          "teardown_example", "_switch_to_hypothesis_provider")


def _is_probe(name: str) -> bool:
    return name in PROBES or name.startswith(("hypothesis_internal", "_"))


def _harness_has_the_bug() -> bool:
    impl = Implementation.__new__(Implementation)
    impl.__dict__.update(_module=object(), name="probe")
    for name in PROBES:
        try:
            hasattr(impl, name)
        except NotProvided:
            return True
    return False


APPLIED = _harness_has_the_bug()

if APPLIED:
    _original = Implementation.__getattr__

    def _getattr(self: Implementation, name: str):  # type: ignore[no-untyped-def]
        if _is_probe(name):
            raise AttributeError(name)
        return _original(self, name)

    Implementation.__getattr__ = _getattr  # type: ignore[method-assign]


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    return f"hypothesis_probe_shim: {'applied' if APPLIED else 'not needed (harness fixed)'}"
