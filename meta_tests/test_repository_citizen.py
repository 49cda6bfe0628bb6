"""genspec in someone else's repository: one import name, an inert plugin, a ``genspec check`` a CI trusts.

A throwaway user repository with its own ``models`` and ``adapters`` packages, its own ``--device``
option and ``device`` fixture, its own Hypothesis profile (200 ms deadline, 7 examples), a
session-wide ``torch.manual_seed``, the pytest docs' ``--runslow`` recipe, and an adapter of its
library onto genspec's contract. In one sandbox environment (see ``meta_tests/sandbox.py``) its
suite runs without genspec, then with genspec's wheel installed (non-editable): the results must be
identical, ``genspec`` must be the only import name added, and ``genspec check`` must judge the
adapter by module name and by path, from the repository, without picking up its ``models``.

Slow (a wheel build and three ``genspec check`` runs): ``.ci/run`` runs it with ``--run-slow``.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from meta_tests.sandbox import Sandbox, build_wheel

pytestmark = pytest.mark.slow

USER_FILES = {
    "models/__init__.py": 'NAME = "the user\'s own models"\n',
    "adapters/__init__.py": 'NAME = "the user\'s own adapters"\n',
    "conftest.py": '''
        import pytest
        import torch
        from hypothesis import settings

        settings.register_profile("user", deadline=200, max_examples=7)
        settings.load_profile("user")


        def pytest_addoption(parser):
            parser.addoption("--device", default="cpu")
            parser.addoption("--runslow", action="store_true", default=False, help="run slow tests")


        def pytest_configure(config):
            config.addinivalue_line("markers", "slow: mark test as slow to run")


        def pytest_collection_modifyitems(config, items):
            if config.getoption("--runslow"):
                return
            skip_slow = pytest.mark.skip(reason="need --runslow option to run")
            for item in items:
                if "slow" in item.keywords:
                    item.add_marker(skip_slow)


        SEEDED = {}


        @pytest.fixture(scope="session", autouse=True)
        def seeded():
            torch.manual_seed(0)
            torch.rand(1)
            SEEDED["state"] = torch.random.get_rng_state().clone()


        @pytest.fixture
        def device(request):
            return request.config.getoption("--device")
    ''',
    "tests/test_user.py": '''
        import sys

        import pytest
        import torch
        from hypothesis import given, settings, strategies as st


        def test_own_models_package():
            import models
            assert models.NAME == "the user's own models"


        def test_own_adapters_package():
            import adapters
            assert adapters.NAME == "the user's own adapters"


        def test_own_device_fixture(device):
            assert device == "cpu"


        def test_own_hypothesis_profile():
            assert settings.default.deadline is not None and settings.default.max_examples == 7


        def test_session_seed_is_not_reseeded():
            from conftest import SEEDED
            assert torch.equal(torch.random.get_rng_state(), SEEDED["state"]), "the global RNG was reseeded"


        def test_genspec_is_not_loaded():
            assert not any(name == "genspec" or name.startswith("genspec.") for name in sys.modules)


        @given(st.integers(0, 10))
        def test_property(k):
            assert k >= 0


        @pytest.mark.slow
        def test_slow_one():
            pass


        @pytest.mark.xfail(reason="a known failure", strict=True)
        def test_known_failure():
            assert False


        def test_plain():
            assert 1 + 1 == 2
    ''',
    "my_adapter.py": '''
        """Maps "mylib" (here: torch itself) onto genspec's contract."""
        import torch


        def reparameterize(mu, logvar, eps):
            return mu + torch.exp(0.5 * logvar) * eps


        def kl_normal_std(mu, logvar):
            return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


        def log_normal(x, mu, logvar):
            return torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).log_prob(x).sum(-1)
    ''',
    "helpers.py": "def not_a_contract_name():\n    return 1\n",
}


def _outcomes(result_text: str) -> dict[str, str]:
    """test id -> outcome, from pytest's ``-v`` lines."""
    found = {}
    for line in result_text.splitlines():
        match = re.match(r"^(\S+::\S+) (PASSED|FAILED|SKIPPED|XFAIL|XPASS|ERROR)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _without_timings(text: str) -> str:
    text = re.sub(r" in [0-9.]+s( \([0-9:]+\))? ", " in Xs ", text)
    return re.sub(r"={2,}", "==", text)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sandbox, Path, Path]:
    base = tmp_path_factory.mktemp("citizen")
    repo = base / "user-repo"
    for name, text in USER_FILES.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    wheel = build_wheel(base / "dist")
    return Sandbox(base / "venv"), repo, wheel


def test_genspec_in_a_users_repository(sandbox: tuple[Sandbox, Path, Path]) -> None:
    env, repo, wheel = sandbox
    suite = ("python", "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests")

    names_before = env.top_level_names()
    without = env.run(*suite, cwd=repo)
    assert without.returncode == 0, without.stdout + without.stderr
    outcomes_without = _outcomes(without.stdout)
    assert len(outcomes_without) == 10 and outcomes_without["tests/test_user.py::test_slow_one"] == "SKIPPED"

    env.pip_install("--no-deps", "--no-index", str(wheel))
    assert env.top_level_names() - names_before == {"genspec"}, "genspec must install one import name only"

    with_genspec = env.run(*suite, cwd=repo)
    assert with_genspec.returncode == 0, with_genspec.stdout + with_genspec.stderr
    assert _outcomes(with_genspec.stdout) == outcomes_without
    assert _without_timings(with_genspec.stdout) == _without_timings(without.stdout), "pytest's output changed"
    # The pytest docs' recipe and the user's option still work with genspec installed.
    assert env.run("python", "-m", "pytest", "-q", "--runslow", "--device=cpu", "tests", cwd=repo).returncode == 0

    # genspec check judges the adapter, by module name and by path; a module with no contract name is refused.
    by_name = env.run("genspec", "check", "--impl", "my_adapter", "--area", "gaussian", "--out", "rep-name", cwd=repo)
    assert by_name.returncode in (0, 1), by_name.stdout + by_name.stderr
    report = json.loads((repo / "rep-name" / "report.json").read_text())
    assert report["status"] == "complete" and report["summary"]["gaussian"]["passed"] > 0
    by_path = env.run("genspec", "check", "--impl", "./my_adapter.py", "--area", "gaussian", "--out", "rep-path",
                      cwd=repo)
    assert by_path.returncode == by_name.returncode, by_path.stdout + by_path.stderr
    assert json.loads((repo / "rep-path" / "report.json").read_text())["summary"] == report["summary"]
    nothing = env.run("genspec", "check", "--impl", "helpers", "--area", "gaussian", "--out", "rep-none", cwd=repo)
    assert nothing.returncode == 3 and "provides none of the contract" in nothing.stdout + nothing.stderr

    # `python -m genspec` from the repository runs genspec's own suite, not the user's `models`.
    module_form = env.run("python", "-m", "genspec", "check", "--impl", "my_adapter", "--area", "gaussian",
                          "--out", "rep-module", cwd=repo)
    assert json.loads((repo / "rep-module" / "report.json").read_text())["summary"] == report["summary"]
    assert module_form.returncode == by_name.returncode

    # Uninstalling removes genspec and nothing of the user's.
    env.run("python", "-m", "pip", "uninstall", "-y", "-q", "genspec", cwd=repo, check=True)
    assert env.top_level_names() == names_before
    assert (repo / "models" / "__init__.py").is_file() and (repo / "adapters" / "__init__.py").is_file()
