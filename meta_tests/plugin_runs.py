"""Shared pieces of the plugin's tests: a half implementation, checks of it, and a pytest run in a
temporary folder with the genspec plugin loaded explicitly (as in a user's repository). Not a test module."""

from __future__ import annotations

import pytest

HALF_IMPL = '''
import torch
def kl_normal_std(mu, logvar):
    return mu + 1
'''

CHECKS = '''
import pytest, torch
pytestmark = pytest.mark.area("gaussian")

def test_present(impl):
    assert impl.kl_normal_std(torch.zeros(()), None) == 1

def test_absent(impl):
    impl.log_normal(torch.zeros(()))

def test_present_but_wrong(impl):
    assert impl.kl_normal_std(torch.zeros(()), None) == 2

@pytest.mark.area("gumbel")
def test_other_area(impl):
    impl.gumbel_max
'''


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A pytest run in ``pytester``'s folder with the genspec plugin loaded explicitly."""
    return pytester.runpytest_inprocess("-p", "genspec.plugin", *args)


def setup_half_impl(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(halfimpl=HALF_IMPL, test_checks=CHECKS)
    pytester.syspathinsert()
