"""``genspec.check_flow`` from a plain pytest test in a throwaway repository (issue: protocols).

A user's repository with nothing of genspec's in it but ``import genspec``: its own flow (an affine
coupling written in plain torch, initialised from the global RNG as many libraries are), its own
test calling ``genspec.check_flow``. A correct flow passes; the same flow with the additive
log-determinant (the log-scale left out) fails with one AssertionError naming the property. Runs
pytest in a child process with the repository as its only root (no genspec conftest, no plugin).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

FLOW = '''
import torch
from torch import nn


class AffineCoupling(nn.Module):
    """z_b = x_b * exp(s(x_a)) + t(x_a); the first half of the coordinates passes through."""

    def __init__(self, dim, additive_logdet=False):
        super().__init__()
        self.k = dim // 2
        self.net = nn.Sequential(nn.Linear(self.k, 16), nn.Tanh(), nn.Linear(16, 2 * (dim - self.k)))
        self.additive_logdet = additive_logdet

    def _st(self, a):
        s, t = self.net(a).chunk(2, dim=-1)
        return torch.tanh(s), t

    def forward(self, x):
        a, b = x[..., :self.k], x[..., self.k:]
        s, t = self._st(a)
        z = torch.cat([a, b * torch.exp(s) + t], dim=-1)
        logdet = torch.zeros_like(x[..., 0]) if self.additive_logdet else s.sum(-1)
        return z, logdet

    def inverse(self, z):
        a, b = z[..., :self.k], z[..., self.k:]
        s, t = self._st(a)
        return torch.cat([a, (b - t) * torch.exp(-s)], dim=-1), -s.sum(-1)
'''

TEST = '''
import pytest
import torch
import genspec
from mylib import AffineCoupling


def factory(additive_logdet):
    def make(dim, *, generator, dtype):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(torch.randint(2**62, (), generator=generator)))
            return AffineCoupling(dim, additive_logdet).to(dtype)
    make.dims = (2, 3)
    return make


def test_my_affine_coupling_is_a_correct_flow():
    evidence = genspec.check_flow(factory(False), statistics=False)
    assert evidence


def test_my_broken_coupling_is_caught():
    with pytest.raises(AssertionError, match="logdet"):
        genspec.check_flow(factory(True), statistics=False)
'''


def test_check_flow_judges_a_users_flow_from_their_own_pytest_test(tmp_path: Path) -> None:
    repo = tmp_path / "throwaway"
    (repo / "tests").mkdir(parents=True)
    (repo / "mylib.py").write_text(textwrap.dedent(FLOW))
    (repo / "tests" / "test_my_flows.py").write_text(textwrap.dedent(TEST))
    (repo / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--rootdir", str(repo), "tests"],
                          cwd=repo, capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "2 passed" in proc.stdout, proc.stdout[-2000:]
    # The user's run is the user's: no genspec header, table or options appeared in it.
    assert "genspec conformance" not in proc.stdout
