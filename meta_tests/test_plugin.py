"""Tests of the pytest plugin: not-provided accounting, areas, seeds, profiles, markers and the report.

Each runs a small pytest session in a temporary folder with ``-p genspec.plugin`` and the plugin's
namespaced options, as a user's repository would.
"""

from __future__ import annotations

import json

import pytest

from meta_tests.plugin_runs import CHECKS, HALF_IMPL, run, setup_half_impl as _setup


def test_missing_names_are_not_provided_and_counted(pytester: pytest.Pytester) -> None:
    _setup(pytester)
    result = run(pytester, "--genspec-impl=halfimpl")
    result.assert_outcomes(passed=1, failed=1, skipped=2)
    result.stdout.fnmatch_lines([
        "*genspec conformance: halfimpl*",
        "gaussian*1*1*1*0*",
        "gumbel*0*0*1*0*",
        "not provided in gaussian: log_normal",
        "not provided in gumbel: gumbel_max",
    ])
    assert result.ret == 1  # only the real failure fails the run


def test_report_is_written_with_outcomes(pytester: pytest.Pytester) -> None:
    _setup(pytester)
    out = pytester.path / "rep"
    run(pytester, "--genspec-impl=halfimpl", f"--genspec-report={out}")
    data = json.loads((out / "report.json").read_text())
    outcomes = {c["nodeid"].split("::")[-1]: c["outcome"] for c in data["checks"]}
    assert outcomes == {"test_present": "passed", "test_absent": "not_provided",
                        "test_present_but_wrong": "failed", "test_other_area": "not_provided"}
    assert data["summary"]["gaussian"]["missing"] == ["log_normal"]
    assert data["status"] == "complete" and data["torch"]
    assert "| gaussian | 1 | 1 | 1 | 0 |" in (out / "report.md").read_text()


def test_report_is_written_when_a_passing_check_recorded_an_infinite_error(pytester: pytest.Pytester) -> None:
    """A check that expects assert_close to fail (an erratum, a caught bug) records a ratio of inf."""
    pytester.makepyfile(test_inf='''
import pytest, torch
from genspec.checks import assert_close, record
pytestmark = pytest.mark.area("gaussian")

def test_expected_failure():
    with pytest.raises(AssertionError):
        assert_close(torch.tensor([float("nan")]), 0.0, kind="elementwise", what="nan vs 0")
    record(p_value=float("nan"))
''')
    out = pytester.path / "rep"
    result = run(pytester, f"--genspec-report={out}")
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    data = json.loads((out / "report.json").read_text())
    assert data["checks"][0]["evidence"][0]["max_error_over_tolerance"] == "inf"
    assert "| inf |" in (out / "report.md").read_text()


def test_area_option_deselects_other_areas(pytester: pytest.Pytester) -> None:
    _setup(pytester)
    result = run(pytester, "--genspec-impl=halfimpl", "--genspec-area=gumbel")
    result.assert_outcomes(skipped=1, deselected=3)
    assert run(pytester, "--genspec-impl=halfimpl", "--genspec-area=nope").ret == pytest.ExitCode.USAGE_ERROR


def test_unimportable_impl_is_a_usage_error(pytester: pytest.Pytester) -> None:
    _setup(pytester)
    result = run(pytester, "--genspec-impl=no_such_module_xyz")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*impl='no_such_module_xyz' cannot be imported*"])


def test_impl_that_raises_at_import_is_a_usage_error_naming_the_exception(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(badimpl="raise RuntimeError('no GPU here')\n", test_x="def test_x(impl):\n    pass\n")
    pytester.syspathinsert()
    result = run(pytester, "--genspec-impl=badimpl")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*impl='badimpl' raised RuntimeError while being imported: no GPU here*"])


def test_impl_that_provides_no_contract_name_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(emptyimpl="def helper():\n    pass\n", test_x="def test_x(impl):\n    pass\n")
    pytester.syspathinsert()
    result = run(pytester, "--genspec-impl=emptyimpl")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*provides none of the contract*"])


def test_impl_may_be_a_path_to_a_python_file(pytester: pytest.Pytester) -> None:
    (pytester.path / "sub").mkdir()
    (pytester.path / "sub" / "my_adapter.py").write_text(HALF_IMPL)
    pytester.makepyfile(test_checks=CHECKS)
    result = run(pytester, "--genspec-impl=sub/my_adapter.py")
    result.assert_outcomes(passed=1, failed=1, skipped=2)


def test_statistical_marker_must_declare_its_design(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stat='''
import pytest
@pytest.mark.statistical(alpha=1e-5)
def test_x():
    pass
''')
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*lacks*detects*"])


def test_slow_tests_are_excluded_unless_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_slow='''
import pytest
@pytest.mark.slow
def test_s():
    pass
def test_f():
    pass
''')
    run(pytester).assert_outcomes(passed=1, deselected=1)
    run(pytester, "--genspec-run-slow").assert_outcomes(passed=2)


SEEDED = '''
import torch
def test_draw(generator, spec_seed):
    print("DRAW", spec_seed, torch.rand(3, generator=generator).tolist())
    print("GLOBAL", torch.rand(2).tolist())
'''


def _draws(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = run(pytester, "-s", *args)
    lines = [line for line in result.stdout.lines if "DRAW" in line or "GLOBAL" in line]
    return [line[line.index("DRAW") if "DRAW" in line else line.index("GLOBAL"):] for line in lines]


def test_seeds_reproduce_and_differ(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_seeded=SEEDED)
    default = _draws(pytester)
    assert default == _draws(pytester) and len(default) == 2
    assert _draws(pytester, "--genspec-seed=7") == _draws(pytester, "--genspec-seed=7")
    assert _draws(pytester, "--genspec-seed=7") != default
    random_run = run(pytester, "--genspec-seed=random")
    random_run.stdout.fnmatch_lines(["*spec-seed * (drawn at random) -- reproduce with --genspec-seed=*"])


def test_the_global_rng_is_restored_after_each_check(pytester: pytest.Pytester) -> None:
    """The plugin seeds torch's global RNG inside each check and gives the caller's state back."""
    pytester.makepyfile(test_rng='''
import torch
def test_a():
    torch.rand(5)
def test_b():
    torch.rand(5)
''')
    import torch

    torch.manual_seed(1234)
    before = torch.random.get_rng_state().clone()
    run(pytester).assert_outcomes(passed=2)
    assert torch.equal(torch.random.get_rng_state(), before)


HYPOTHESIS_DRAWS = '''
from hypothesis import given, strategies as st
@given(st.integers(0, 10**9))
def test_h(k):
    print("HDRAW", k)
'''


def _hypothesis_draws(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = run(pytester, "-s", *args)
    return [line[line.index("HDRAW"):] for line in result.stdout.lines if "HDRAW" in line]


@pytest.mark.slow
def test_seed_zero_is_derandomized_under_every_profile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_hyp=HYPOTHESIS_DRAWS)
    for profile in ("dev", "ci", "thorough"):
        first = _hypothesis_draws(pytester, f"--genspec-profile={profile}", "--genspec-seed=0")
        assert first and first == _hypothesis_draws(pytester, f"--genspec-profile={profile}", "--genspec-seed=0")
    seeded = _hypothesis_draws(pytester, "--genspec-seed=11")
    assert seeded == _hypothesis_draws(pytester, "--genspec-seed=11") != _hypothesis_draws(pytester, "--genspec-seed=12")


def test_the_callers_hypothesis_profile_is_restored(pytester: pytest.Pytester) -> None:
    from hypothesis import settings

    before = settings.get_current_profile_name()
    pytester.makepyfile(test_p="def test_p():\n    pass\n")
    run(pytester, "--genspec-profile=thorough").assert_outcomes(passed=1)
    assert settings.get_current_profile_name() == before


def test_shrink_off_removes_the_shrink_phase(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_phases='''
from hypothesis import Phase, settings
def test_phases():
    print("SHRINK", Phase.shrink in settings.default.phases)
''')
    on = run(pytester, "-s", "--genspec-shrink=on")
    off = run(pytester, "-s", "--genspec-shrink=off")
    assert any("SHRINK True" in line for line in on.stdout.lines)
    assert any("SHRINK False" in line for line in off.stdout.lines)


@pytest.mark.parametrize(("ci", "profile"), [("true", "ci"), ("1", "ci"), ("false", "dev"), ("", "dev")])
def test_ci_environment_variable_selects_the_ci_profile(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str, profile: str
) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(test_p="def test_p():\n    pass\n")
    run(pytester).stdout.fnmatch_lines([f"*profile {profile}*"])


def test_thorough_profile_includes_slow_tests_and_draws_a_random_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_slow='''
import pytest
@pytest.mark.slow
def test_s():
    pass
''')
    result = run(pytester, "--genspec-profile=thorough")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*spec-seed * (drawn at random) -- reproduce with --genspec-seed=*"])


def test_header_names_implementation_versions_and_seed(pytester: pytest.Pytester) -> None:
    _setup(pytester)
    result = run(pytester, "--genspec-impl=halfimpl", "--genspec-seed=3")
    result.stdout.fnmatch_lines([
        "genspec: implementation halfimpl*",
        "genspec: torch *, hypothesis *, scipy *",
        "genspec: device cpu*, profile *, spec-seed 3 -- reproduce with --genspec-seed=3*",
    ])


def test_device_parametrizes_over_available_devices(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_dev='''
import torch
def test_on(device):
    assert isinstance(device, torch.device)
''')
    import torch

    result = run(pytester, "-v")
    expected = 2 if torch.cuda.is_available() else 1
    result.assert_outcomes(passed=expected)
    result.stdout.fnmatch_lines(["*test_on?cpu? PASSED*"])
    assert run(pytester, "--genspec-device=cpu").ret == 0


def test_a_users_own_device_fixture_and_device_option_are_left_alone(pytester: pytest.Pytester) -> None:
    """In a mixed run (a user's suite with ``-p genspec.plugin``) the user's ``--device`` option and
    ``device`` fixture keep working: genspec registers only ``--genspec-*`` options."""
    pytester.makeconftest('''
import pytest
def pytest_addoption(parser):
    parser.addoption("--device", default="mine")
@pytest.fixture
def device(request):
    return request.config.getoption("--device")
''')
    pytester.makepyfile(test_user='''
def test_mine(device):
    assert device == "theirs"
''')
    run(pytester, "--device=theirs").assert_outcomes(passed=1)


def test_contract_index_matches_spec_api() -> None:
    from pathlib import Path

    from genspec.contract import all_names

    spec = (Path(__file__).resolve().parents[1] / "docs" / "spec-api.md").read_text()
    for name in all_names():
        assert f"`{name}(" in spec, f"{name} is in genspec.contract but not in docs/spec-api.md"


def test_hypothesis_tests_taking_impl_run_and_count(pytester: pytest.Pytester) -> None:
    """Hypothesis probes its arguments with hasattr; that must not end the test as not provided."""
    pytester.makepyfile(halfimpl=HALF_IMPL, test_hyp='''
import torch
from hypothesis import given, strategies as st

@given(st.integers(0, 3))
def test_given(impl, k):
    assert impl.kl_normal_std(torch.tensor(float(k)), None) == k + 1
''')
    pytester.syspathinsert()
    run(pytester, "--genspec-impl=halfimpl").assert_outcomes(passed=1)


def test_assert_close_keeps_python_floats_in_float64() -> None:
    import torch

    from genspec.checks import assert_close

    x = torch.tensor(0.1, dtype=torch.float64)
    assert_close(x, 0.1, kind="elementwise", what="0.1 in float64")


def test_checks_without_impl_are_kept_out_of_the_area_counts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(halfimpl=HALF_IMPL, test_mixed='''
import pytest
pytestmark = pytest.mark.area("flows")
def test_uses(impl):
    impl.kl_normal_std
def test_independent():
    pass
''')
    pytester.syspathinsert()
    result = run(pytester, "--genspec-impl=halfimpl")
    result.stdout.fnmatch_lines(["flows*1*0*0*0*", "suite-internal*1*0*0*0*"])


