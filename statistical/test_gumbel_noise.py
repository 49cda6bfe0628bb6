r"""The laws of the Gumbel noise and of the Gumbel-Softmax sample.

* ``sample_gumbel`` draws follow Gumbel(0, 1), CDF ``exp(-exp(-g))`` (one-sample KS).
* Max-stability: ``M = max_k (l_k + g_k) - logsumexp(l)`` follows Gumbel(0, 1) (KS), and is
  independent of ``argmax_k (l_k + g_k)``: the joint counts over (argmax, quartile of M under
  Gumbel(0, 1)) match ``softmax(l) x (1/4, 1/4, 1/4, 1/4)`` (chi-square; marginals and independence
  at once).
* Log-ratios of the soft sample: ``tau log(y_i / y_j) - (l_i - l_j) = g_i - g_j`` follows the standard
  logistic law (KS), at tau != 1, where dividing and multiplying by tau differ.

Design (``genspec.stats``): alpha = 1e-5 per item; KS n detects a sup-distance of 0.005 between CDFs
with power 0.99; the joint chi-square n detects 0.5% of the mass moved between the top and bottom
quartile of M in opposite directions for two classes (marginals unchanged, only the dependence).
References: Maddison, Tarlow, Minka 2014, arXiv:1411.0030, Sec. 2; ``reference/gumbel.py``;
seed 000, "Gumbel Max 的数学证明".
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

ALPHA = 1e-5
KS_D = 0.005
N_KS = stats.ks_sample_size(KS_D, alpha=ALPHA)
KS_DETECTS = f"a CDF {KS_D} away from the null somewhere (sup distance), e.g. Exp(1) noise, tau used twice"

LOGITS = [1.0, 0.0, -0.5, 0.3, -1.5]
P = np.exp(LOGITS) / np.exp(LOGITS).sum()
QUARTILES = sps.gumbel_r.ppf([0.25, 0.5, 0.75])
JOINT_P0 = np.outer(P, np.full(4, 0.25)).ravel()
_joint = JOINT_P0.reshape(len(P), 4).copy()
_joint[P.argmax(), 3] -= 0.005
_joint[P.argmax(), 0] += 0.005
_joint[P.argmin(), 3] += 0.005
_joint[P.argmin(), 0] -= 0.005
JOINT_P1 = _joint.ravel()
N_JOINT = max(stats.chi2_gof_sample_size(JOINT_P0, JOINT_P1, alpha=ALPHA), N_KS)


def _ks(sample: np.ndarray, cdf, what: str) -> None:
    stat, p = sps.kstest(sample, cdf)
    record(statistic=float(stat), p_value=float(p), n=int(sample.size), alpha=ALPHA,
           critical_value=stats.ks_critical_value(int(sample.size), alpha=ALPHA))
    assert p > ALPHA, f"{what}: KS distance {stat:.4f}, p = {p:.2e} < alpha = {ALPHA} (n = {sample.size})"


@pytest.mark.statistical(statistic="one-sample Kolmogorov-Smirnov vs Gumbel(0, 1)", n=N_KS, alpha=ALPHA,
                         detects=KS_DETECTS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_sample_gumbel_is_standard_gumbel(impl, generator, dtype) -> None:
    g = impl.sample_gumbel((N_KS,), generator=generator, dtype=dtype)
    _ks(g.double().numpy(), sps.gumbel_r.cdf, f"sample_gumbel ({dtype})")


@pytest.mark.statistical(statistic="one-sample Kolmogorov-Smirnov vs Gumbel(0, 1)", n=N_KS, alpha=ALPHA,
                         detects=KS_DETECTS)
def test_max_of_perturbed_logits_minus_logsumexp_is_standard_gumbel(impl, generator) -> None:
    logits = torch.tensor(LOGITS, dtype=torch.float64)
    g = impl.sample_gumbel((N_KS, len(LOGITS)), generator=generator, dtype=torch.float64)
    m = (logits + g).amax(dim=-1) - torch.logsumexp(logits, dim=-1)
    _ks(m.numpy(), sps.gumbel_r.cdf, "max_k(l_k + g_k) - logsumexp(l)")


@pytest.mark.statistical(
    statistic="Pearson chi-square over (argmax, Gumbel quartile of the max), 19 df", n=N_JOINT, alpha=ALPHA,
    detects=(f"Cohen's w >= {stats.cohens_w(JOINT_P0, JOINT_P1):.3f} on the joint law, e.g. 0.5% of the mass "
             "moved between the max's top and bottom quartiles in opposite directions for two classes"))
def test_max_is_independent_of_the_argmax(impl, generator) -> None:
    logits = torch.tensor(LOGITS, dtype=torch.float64)
    g = impl.sample_gumbel((N_JOINT, len(LOGITS)), generator=generator, dtype=torch.float64)
    noisy = logits + g
    m = (noisy.amax(dim=-1) - torch.logsumexp(logits, dim=-1)).numpy()
    cell = noisy.argmax(dim=-1).numpy() * 4 + np.searchsorted(QUARTILES, m)
    counts = np.bincount(cell, minlength=JOINT_P0.size)
    stat, p = sps.chisquare(counts, N_JOINT * JOINT_P0)
    record(statistic=float(stat), p_value=float(p), n=N_JOINT, alpha=ALPHA)
    assert p > ALPHA, (f"(argmax, quartile of max) counts do not factor as softmax(l) x uniform quartiles: "
                       f"chi-square {stat:.1f}, p = {p:.2e}\n{counts.reshape(len(P), 4)}")


@pytest.mark.statistical(statistic="one-sample Kolmogorov-Smirnov vs standard logistic", n=N_KS, alpha=ALPHA,
                         detects=KS_DETECTS)
@pytest.mark.parametrize(("tau", "dtype"), [(0.25, torch.float64), (4.0, torch.float32)], ids=["0.25-f64", "4-f32"])
def test_soft_sample_log_ratios_are_standard_logistic(impl, generator, tau, dtype) -> None:
    logits = torch.tensor([0.8, -0.6, 0.1], dtype=dtype)
    y = impl.gumbel_softmax(logits.expand(N_KS, 3), tau, generator=generator).double()
    r = tau * (torch.log(y[:, 0]) - torch.log(y[:, 1])) - float(logits[0] - logits[1])
    assert bool(torch.isfinite(r).all()), f"tau={tau}: the soft sample has zero entries, log-ratios are infinite"
    _ks(r.numpy(), sps.logistic.cdf, f"tau log(y_0/y_1) - (l_0 - l_1) at tau={tau} ({dtype})")
