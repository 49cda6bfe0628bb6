r"""Errata of seed 003 (``003_2bb67353180af150.txt``), each shown numerically (``docs/errata.md``).

The seed's formulas are images; the statements checked are those of its text, and the code it links
to (bojone/flow ``nice.py``) through its port ``faithful.seed003``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from genspec.faithful import seed003
from genspec.checks import assert_close, record
from errata.support import LinearGaussian, assert_differs, f64

pytestmark = pytest.mark.area("flows")


def _std_normal_logpdf(z: torch.Tensor) -> torch.Tensor:
    return -0.5 * (z.square() + math.log(2 * math.pi))


def test_scaling_layer_is_a_prior_with_standard_deviation_one_over_s() -> None:
    """'其实就有 s_i = 1/sigma_i': exact for sigma_i the standard deviation; wrong if sigma_i is read as the variance."""
    g = torch.Generator().manual_seed(3)
    h = torch.randn(6, 5, generator=g, dtype=torch.float64)  # h = the couplings' output f(x)
    log_s = torch.randn(5, generator=g, dtype=torch.float64)
    s = log_s.exp()
    with_scaling = (_std_normal_logpdf(s * h) + log_s).sum(-1)  # N(0, I) prior after z = s * h
    prior_std = torch.distributions.Normal(0.0, 1 / s).log_prob(h).sum(-1)  # sigma_i = 1 / s_i
    prior_var = torch.distributions.Normal(0.0, (1 / s).sqrt()).log_prob(h).sum(-1)  # sigma_i^2 = 1 / s_i
    assert_close(with_scaling, prior_std, kind="identity", what="scaling s + N(0, 1) = N(0, (1/s)^2) on h")
    assert_differs(with_scaling, prior_var, kind="identity", factor=10.0, what="scaling vs a prior of variance 1/s")
    # The same equivalence for NICE's logistic prior: any location-scale family.
    logistic = torch.tensor(stats.logistic.logpdf(h.numpy(), scale=(1 / s).numpy()).sum(-1))
    logistic_scaled = torch.tensor(stats.logistic.logpdf((s * h).numpy()).sum(-1)) + log_s.sum()
    assert_close(logistic_scaled, logistic, kind="identity", what="scaling s + Logistic(0, 1) = Logistic(0, 1/s)")


def test_scale_must_be_positive_not_merely_nonnegative() -> None:
    """'各个元素非负': a zero s_i makes the Jacobian singular (log|det| = -inf) and the layer non-invertible."""
    s = torch.tensor([1.5, 0.0, 0.7], dtype=torch.float64)
    assert float(torch.log(s.abs()).sum()) == -math.inf
    a = torch.tensor([0.2, 1.0, -0.3], dtype=torch.float64)
    b = torch.tensor([0.2, -4.0, -0.3], dtype=torch.float64)
    assert torch.equal(s * a, s * b) and not torch.equal(a, b)
    assert bool(torch.isfinite(seed003.Scaling(3).log_scale).all()), "the seed's code uses s = exp(kernel) > 0"


@pytest.mark.area("gaussian")
def test_vae_maximises_a_lower_bound_not_an_upper_bound() -> None:
    """'VAE 没有直接优化目标 (2)，而是优化一个更强的上界': the ELBO is below log p(x) for every q."""
    model, x = LinearGaussian(a=1.5, b=-0.5, s2=0.4), 1.3
    elbos = [model.elbo(x, m, v) for m in np.linspace(-3, 3, 61) for v in np.geomspace(1e-3, 10, 41)]
    log_px = model.log_px(x)
    record(max_elbo_over_grid=max(elbos), log_px=log_px)
    assert max(elbos) <= log_px, "an upper bound would lie above log p(x) somewhere"
    assert_close(f64(model.elbo(x, *model.posterior(x))), f64(log_px), kind="identity",
                 what="the ELBO reaches log p(x) at the exact posterior")


def test_code_loss_omits_the_gaussian_constant() -> None:
    """The linked code's loss 0.5|z|^2 - sum(log s) is -log q(x) minus (D/2) log 2 pi; '-2200' is not -log q(x)."""
    d = 784
    g = torch.Generator().manual_seed(4)
    z = torch.randn(3, d, generator=g, dtype=torch.float64)
    log_s = 0.1 * torch.randn(d, generator=g, dtype=torch.float64)
    nll = -(_std_normal_logpdf(z).sum(-1) + log_s.sum())
    offset = seed003.seed_loss(z, log_s) - nll
    constant = -0.5 * d * math.log(2 * math.pi)
    assert_close(offset, f64(constant).expand(3), kind="identity", what="seed loss - NLL = -(D/2) log 2 pi")
    record(constant=constant, nll_for_reported_loss=-2200 - constant)
    assert -2200 - constant == pytest.approx(-1479.6, abs=0.1)


def test_parameter_count_is_about_twenty_million() -> None:
    """'两千万的参数': 4 couplings of a 392-1000x5-392 MLP plus 784 scales = 19 158 352."""

    def count(dim: int, hidden: int, depth: int = 5, couplings: int = 4) -> int:
        half = dim // 2
        mlp = (half * hidden + hidden) + (depth - 1) * (hidden * hidden + hidden) + (hidden * half + half)
        return couplings * mlp + dim

    small = seed003.NICE(8, hidden=16)
    assert sum(p.numel() for p in small.parameters()) == count(8, 16)
    assert count(784, 1000) == 19_158_352
    assert abs(count(784, 1000) - 2e7) / 2e7 < 0.05


def test_permutations_have_determinant_plus_or_minus_one() -> None:
    """'行列式可能变为 -1，但绝对值依然为 1': reversal and half-swap permutation matrices."""
    for d in (4, 5, 6, 7):
        reverse = torch.eye(d, dtype=torch.float64).flip(0)
        half = d // 2
        swap = torch.eye(d, dtype=torch.float64)[torch.cat([torch.arange(half, d), torch.arange(half)])]
        det_reverse, det_swap = torch.linalg.det(reverse), torch.linalg.det(swap)
        assert_close(det_reverse, f64((-1) ** (d * (d - 1) // 2)), kind="elementwise", what=f"det(reverse_{d})")
        assert_close(det_swap, f64((-1) ** (half * (d - half))), kind="elementwise", what=f"det(swap_{d})")


def test_same_partition_couplings_leave_x1_unchanged() -> None:
    """'那么最后还是 z1=x1': couplings on a fixed partition compose to one coupling and never touch x1."""
    mask = torch.tensor([True, False, True, False])
    nets = [torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double() for _ in range(3)]
    x = torch.randn(5, 4, dtype=torch.float64)
    y = x
    for net in nets:
        y, _ = seed003.AdditiveCoupling(mask, net)(y)
    assert torch.equal(y[:, mask], x[:, mask])
    assert_close(y[:, ~mask], x[:, ~mask] - sum(net(x[:, mask]) for net in nets), kind="elementwise",
                 what="three same-partition couplings = one coupling with m = m1 + m2 + m3")


def test_independent_prior_does_not_identify_the_components() -> None:
    """'输出的编码特征 z=f(x) 的各个维度是解耦的': a rotation of z has the same likelihood, so no axis is singled out."""
    g = torch.Generator().manual_seed(5)
    q, _ = torch.linalg.qr(torch.randn(4, 4, generator=g, dtype=torch.float64))
    z = torch.randn(7, 4, generator=g, dtype=torch.float64)
    assert_close(_std_normal_logpdf(z @ q.T).sum(-1), _std_normal_logpdf(z).sum(-1), kind="identity",
                 what="log N(Rz) = log N(z) for orthogonal R")
    assert_close(torch.linalg.slogdet(q)[1], f64(0.0), kind="elementwise", what="log|det R| = 0")
    assert float((q.abs() > 1e-3).sum()) > 4, "R mixes the coordinates"


def test_continuous_densities_other_than_the_gaussian_can_be_written_down() -> None:
    """'对于连续型的，我们也就只能写出高斯分布了': NICE's own MNIST prior, the logistic, is a closed-form density."""
    total, _ = integrate.quad(lambda t: math.exp(-t) / (1 + math.exp(-t)) ** 2, -50, 50, epsabs=1e-13, epsrel=1e-12)
    assert_close(f64(total), f64(1.0), kind="quadrature", what="∫ logistic density = 1")


def test_a_constant_coordinate_lets_the_likelihood_grow_without_bound() -> None:
    """'如果方差为 0…该维度的分布坍缩为一个点，于是这意味着流形减少了一维': on data with a constant coordinate
    (MNIST's always-black pixels, undequantized as in the linked code) the log-likelihood grows without bound
    as that coordinate's scale s_i grows, by exactly log s_i."""
    h = torch.tensor([[0.0, 0.3], [0.0, -1.2], [0.0, 0.7]], dtype=torch.float64)  # coordinate 0 is always 0
    values = []
    for t in (0.0, 5.0, 50.0):
        log_s = torch.tensor([t, 0.0], dtype=torch.float64)
        values.append(float((_std_normal_logpdf(log_s.exp() * h) + log_s).sum(-1).mean()))
    record(mean_log_likelihood=values)
    assert_close(f64([values[1] - values[0], values[2] - values[0]]), f64([5.0, 50.0]), kind="identity",
                 what="log-likelihood gain = log s_0 on a constant coordinate")
