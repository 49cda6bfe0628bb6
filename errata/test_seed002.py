r"""Errata of seed 002 (``002_5243b5eda1672e89.txt``), each shown numerically (``docs/errata.md``).

The statements about p(x), the ELBO and its two KL terms are checked in the scalar linear-Gaussian
model (``properties._errata.LinearGaussian``), where every quantity has a float64 closed form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from genspec.checks import assert_close, record
from errata.support import LinearGaussian, assert_differs, f64

pytestmark = pytest.mark.area("gaussian")

MODEL = LinearGaussian(a=1.5, b=-0.5, s2=0.4)
X = 1.3


def test_the_two_forms_of_the_elbo_agree() -> None:
    """'ELBO = log p(x) - KL[q(z|x)||p(z|x)]' = 'E_q[log p(x|z)] - KL[q(z|x)||p(z)]' holds for every q."""
    for m, v in [(0.0, 1.0), (0.7, 0.2), (-1.0, 3.0), MODEL.posterior(X)]:
        first = MODEL.log_px(X) - MODEL.kl_posterior(X, m, v)
        second = MODEL.expected_loglik(X, m, v) - MODEL.kl_prior(m, v)
        assert_close(f64(first), f64(second), kind="identity", what=f"the two ELBO forms at q = N({m}, {v})")


def test_kl_to_the_prior_is_not_the_approximation_loss() -> None:
    """'第二项 KL[q(z|x_i)||p(z)] ... 表示我们用q近似p带来的信息损失': at the exact posterior that loss is 0, KL(q||p(z)) is not."""
    m, v = MODEL.posterior(X)
    approximation_loss = MODEL.kl_posterior(X, m, v)
    kl_prior = MODEL.kl_prior(m, v)
    record(kl_q_posterior=approximation_loss, kl_q_prior=kl_prior)
    assert_close(f64(approximation_loss), f64(0.0), kind="identity", what="KL(p(z|x) || p(z|x)) = 0")
    assert_differs(kl_prior, approximation_loss, kind="identity", what="KL(q || p(z)) at the exact posterior")


def test_monte_carlo_average_estimates_p_x_it_does_not_equal_it(generator: torch.Generator) -> None:
    """'p(x) = 1/n sum_i p(x|z_i)' is an unbiased estimate (z_i ~ p(z)), not an equality; its log is biased low."""
    px = math.exp(MODEL.log_px(X))
    lik = lambda z: stats.norm.pdf(X, MODEL.a * z + MODEL.b, math.sqrt(MODEL.s2))  # noqa: E731
    expectation, _ = integrate.quad(lambda z: lik(z) * stats.norm.pdf(z), -math.inf, math.inf, epsabs=1e-13, epsrel=1e-12)
    assert_close(f64(expectation), f64(px), kind="quadrature", what="E_{z ~ p(z)} p(x|z) = p(x)")
    z = torch.randn(10, generator=generator, dtype=torch.float64)
    estimate = float(torch.tensor([lik(float(zi)) for zi in z]).mean())
    record(p_x=px, estimate_n10=estimate)
    assert_differs(estimate, px, kind="quadrature", factor=10.0, what="a 10-sample average vs p(x)")
    # Jensen: E log p(x|z) < log p(x) (the n = 1 case, in closed form).
    assert MODEL.expected_loglik(X, 0.0, 1.0) < MODEL.log_px(X) - 0.1


def test_gaussian_decoder_density_is_never_zero() -> None:
    """'对大多数z来说，p(x|z)=0': under N(x | f(z), sigma^2 I) the density is positive for every z."""
    far = torch.tensor([10.0, 1e3, 1e5], dtype=torch.float64)
    log_lik = torch.distributions.Normal(MODEL.a * far + MODEL.b, math.sqrt(MODEL.s2)).log_prob(torch.tensor(X))
    assert bool(torch.isfinite(log_lik).all()) and bool((log_lik < -100).all())


@pytest.mark.area("autoencoders")
def test_dae_corrupts_a_fixed_number_not_each_pixel_with_a_probability() -> None:
    """'对图像中的像素以一定概率遮挡': Vincent et al. 2008 zero a fixed number nu*d; Bernoulli(nu) masking rarely does."""
    d, nu = 784, 0.25
    p_exact = stats.binom.pmf(round(nu * d), d, nu)
    record(probability_bernoulli_masks_exactly_nu_d=p_exact, std_of_count=math.sqrt(d * nu * (1 - nu)))
    assert p_exact < 0.05


def test_kl_is_not_symmetric() -> None:
    """'真实分布p与假想分布q的距离': KL is a divergence, not a distance: KL(q||p) != KL(p||q) in general."""
    q = torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
    p = torch.distributions.Normal(torch.tensor(1.0, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64))
    forward, backward = torch.distributions.kl_divergence(q, p), torch.distributions.kl_divergence(p, q)
    closed = 0.5 * (math.log(4.0) + (1.0 + 1.0) / 4.0 - 1.0)  # KL(N(0,1) || N(1,4))
    assert_close(forward, f64(closed), kind="elementwise", what="KL(N(0,1) || N(1,2^2)) closed form")
    assert_differs(backward, forward, kind="elementwise", what="KL(p||q) vs KL(q||p)")


def test_bayes_argmax_drops_the_evidence() -> None:
    """'argmax_k p(C_k|x) = argmax_k p(x|C_k) p(C_k) / p(x) = argmax_k p(x|C_k) p(C_k)' holds (p(x) > 0 is common to all k)."""
    prior = np.array([0.5, 0.3, 0.2])
    lik = np.array([0.1, 0.4, 0.35])
    joint = lik * prior
    posterior = joint / joint.sum()
    assert_close(f64(posterior.sum()), f64(1.0), kind="elementwise", what="posterior sums to 1")
    assert int(np.argmax(posterior)) == int(np.argmax(joint)) == 1


def test_a_gaussian_pushed_through_a_function_can_be_exponential() -> None:
    """'任何d维的分布，都可以利用d维的高斯分布经过某种复杂函数变换得到' (d = 1): g = F_exp^-1 o Phi maps N(0, 1) to Exp(1)."""
    y = np.array([0.05, 0.5, 1.0, 2.5, 6.0])
    z = stats.norm.ppf(1 - np.exp(-y))  # g^-1(y)
    dg_dz = stats.norm.pdf(z) / np.exp(-y)  # g'(z) = phi(z) / f_exp(g(z))
    h = 1e-6  # an independent finite-difference check of g'
    g = lambda t: -np.log1p(-stats.norm.cdf(t))  # noqa: E731
    assert_close(f64((g(z + h) - g(z - h)) / (2 * h)), f64(dg_dz), kind="quadrature", what="g'(z) by finite differences")
    density = stats.norm.pdf(z) / dg_dz  # change of variables
    assert_close(f64(density), f64(np.exp(-y)), kind="elementwise", what="density of g(Z) = exp(-y)")
