"""Tests of the plugin's verdict tiers and optional features.

A failure in a tier that does not gate the run is reported (terminal, report) and does not fail it;
``--genspec-strict`` gates every tier; genspec's reference is judged on every tier by default; a
check that needs a feature the implementation does not declare is not provided; ``--genspec-select-tier``
runs one tier.
"""

from __future__ import annotations

import json

import pytest

from meta_tests.plugin_runs import run

IMPL = '''
import torch
GENSPEC_FEATURES = set()
def kl_normal_std(mu, logvar):
    return mu + 1
'''

TIERED = '''
import pytest, torch
pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

def test_law(impl):
    assert impl.kl_normal_std(torch.zeros(()), None) == 1

@pytest.mark.tier("numerics")
def test_numerics(impl):
    assert impl.kl_normal_std(torch.zeros(()), None) == 1

@pytest.mark.tier("validation")
def test_validation(impl):
    with pytest.raises(ValueError, match="logvar"):
        impl.kl_normal_std(torch.zeros(()), None)

@pytest.mark.feature("tensor_tau")
def test_needs_a_feature(impl):
    impl.kl_normal_std(torch.zeros(()), None)
'''


@pytest.fixture
def tiered(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(tieredimpl=IMPL, test_tiered=TIERED)
    pytester.syspathinsert()
    return pytester


def test_a_validation_failure_is_reported_but_does_not_fail_the_run(tiered: pytest.Pytester) -> None:
    out = tiered.path / "rep"
    result = run(tiered, "--genspec-impl=tieredimpl", f"--genspec-report={out}")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["*failures in tiers that do not gate this run (1; gated: law, numerics)*",
                                 "*[[]validation, not gated[]] test_tiered.py::test_validation*"])
    checks = {c["nodeid"].split("::")[-1]: c for c in json.loads((out / "report.json").read_text())["checks"]}
    assert checks["test_validation"]["outcome"] == "failed" and checks["test_validation"]["gated"] is False
    assert checks["test_law"]["tier"] == "law" and checks["test_numerics"]["tier"] == "numerics"
    assert "| gaussian | 2 | 1 | 1 | 0 | 1/0/1 | 1/0/0 | 0/1/0 |" in (out / "report.md").read_text()


def test_strict_gates_every_tier(tiered: pytest.Pytester) -> None:
    assert run(tiered, "--genspec-impl=tieredimpl", "--genspec-strict").ret == 1
    assert run(tiered, "--genspec-impl=tieredimpl", "--genspec-tiers=law,validation").ret == 1
    assert run(tiered, "--genspec-impl=tieredimpl", "--genspec-tiers=bogus").ret == pytest.ExitCode.USAGE_ERROR


def test_a_gated_failure_fails_the_run(tiered: pytest.Pytester) -> None:
    tiered.makepyfile(test_wrong='''
import pytest, torch
pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]
def test_wrong(impl):
    assert impl.kl_normal_std(torch.zeros(()), None) == 5
''')
    assert run(tiered, "--genspec-impl=tieredimpl", "test_wrong.py").ret == 1


def test_the_reference_is_judged_on_every_tier(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_ref='''
import pytest, torch
pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("validation")]
def test_v(impl):
    with pytest.raises(ValueError):
        impl.kl_normal_std(torch.zeros(3), torch.zeros(3))  # valid input: the reference does not raise
''')
    assert run(pytester, "--genspec-impl=reference").ret == 1


def test_an_undeclared_feature_is_not_provided(tiered: pytest.Pytester) -> None:
    result = run(tiered, "--genspec-impl=tieredimpl", "-rs")
    result.stdout.fnmatch_lines(["*not provided: feature tensor_tau (by tieredimpl)*"])


def test_select_tier_runs_one_tier(tiered: pytest.Pytester) -> None:
    run(tiered, "--genspec-impl=tieredimpl", "--genspec-select-tier=numerics").assert_outcomes(passed=1, deselected=3)


def test_unknown_tier_or_feature_markers_are_usage_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad='''
import pytest
@pytest.mark.tier("lawish")
def test_x():
    pass
''')
    assert run(pytester).ret == pytest.ExitCode.USAGE_ERROR
