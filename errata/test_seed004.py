r"""Errata of seed 004 (``004_66c9886f7d9d9ca6.txt``), each shown numerically (``docs/errata.md``).

The ELBO statements are checked in the scalar linear-Gaussian model; the listing through its port
``faithful.seed004``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from genspec.faithful import seed004
from genspec.checks import assert_close, record
from errata.support import LinearGaussian, assert_differs, f64

pytestmark = pytest.mark.area("gaussian")

_QUAD = dict(epsabs=1e-12, epsrel=1e-12, limit=200)


def test_kl_and_elbo_inequalities_are_not_strict() -> None:
    """Eqs. (4)-(5) write '> 0' and 'log p(x) > ELBO'; at q = p(z|x) both are equalities, so only >= holds."""
    model, x = LinearGaussian(a=0.8, b=0.2, s2=0.5), -0.7
    m, v = model.posterior(x)
    assert_close(f64(model.kl_posterior(x, m, v)), f64(0.0), kind="identity", what="KL(p(z|x) || p(z|x)) = 0")
    assert_close(f64(model.elbo(x, m, v)), f64(model.log_px(x)), kind="identity", what="ELBO = log p(x) at q = p(z|x)")
    assert model.elbo(x, m + 0.5, v) < model.log_px(x), "strict only when q differs from the posterior"


def test_score_function_gradient_is_taken_with_respect_to_phi() -> None:
    """Eq. (9) writes nabla_{q_phi(z)} log q_phi(z), i.e. 1/q; the estimator needs nabla_phi log q_phi(z) and f(z^(l))."""
    mu = 0.6  # q_phi = N(mu, 1), phi = mu, f(z) = exp(-z^2)
    pdf = lambda z: math.exp(-0.5 * (z - mu) ** 2) / math.sqrt(2 * math.pi)  # noqa: E731
    f = lambda z: math.exp(-z * z)  # noqa: E731
    exact = -(2 * mu / 3) / math.sqrt(3) * math.exp(-mu * mu / 3)  # d/dmu of E_q f = exp(-mu^2/3)/sqrt(3)
    corrected, _ = integrate.quad(lambda z: f(z) * (z - mu) * pdf(z), -math.inf, math.inf, **_QUAD)
    literal, _ = integrate.quad(f, -math.inf, math.inf, **_QUAD)  # E_q[f(z) * (1 / q(z))] = ∫ f(z) dz
    record(exact_gradient=exact, corrected_estimator_mean=corrected, literal_reading_mean=literal)
    assert_close(f64(corrected), f64(exact), kind="quadrature", what="E[f(z) d/dmu log q(z)] = d/dmu E f")
    assert_close(f64(literal), f64(math.sqrt(math.pi)), kind="quadrature", what="E[f(z) / q(z)] = ∫ f = sqrt(pi)")
    assert_differs(literal, exact, kind="quadrature", what="the literal nabla_q reading vs the gradient")


def test_gaussian_reparameterization_identity_holds() -> None:
    """Eq. (11): E_{N(mu, sigma^2)} f(z) = E_{N(0, 1)} f(mu + sigma eps) (here f = 1 / (1 + z^2))."""
    mu, sigma = -0.4, 1.7
    f = lambda z: 1.0 / (1.0 + z * z)  # noqa: E731
    phi = lambda t: math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)  # noqa: E731
    lhs, _ = integrate.quad(lambda z: f(z) * phi((z - mu) / sigma) / sigma, -math.inf, math.inf, **_QUAD)
    rhs, _ = integrate.quad(lambda e: f(mu + sigma * e) * phi(e), -math.inf, math.inf, **_QUAD)
    assert_close(f64(lhs), f64(rhs), kind="quadrature", what="E_z f(z) = E_eps f(mu + sigma eps)")


def test_loss_is_a_gaussian_negative_elbo_with_decoder_variance_0_98() -> None:
    """mean-MSE + 0.0025 KL = 0.0025 * (-ELBO) up to a constant iff N(x | xhat, sigma^2 I) with sigma^2 = 784 * 0.0025 / 2."""
    d, w = 784, seed004.KL_WEIGHT
    g = torch.Generator().manual_seed(6)
    x = torch.rand(5, d, generator=g, dtype=torch.float64)
    logits = torch.randn(5, d, generator=g, dtype=torch.float64)
    mu = torch.randn(5, 16, generator=g, dtype=torch.float64)
    logvar = torch.randn(5, 16, generator=g, dtype=torch.float64)
    seed_loss = seed004.negative_elbo(x, logits, mu, logvar)
    kl = -0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(-1)

    def gaussian_negative_elbo(var: float) -> torch.Tensor:
        xhat = torch.sigmoid(logits)
        return ((x - xhat) ** 2).sum(-1) / (2 * var) + 0.5 * d * math.log(2 * math.pi * var) + kl

    var = d * w / 2
    assert var == pytest.approx(0.98)
    assert_close(seed_loss / w + 0.5 * d * math.log(2 * math.pi * var), gaussian_negative_elbo(var),
                 kind="identity", what="loss / 0.0025 + const = -ELBO of N(x | xhat, 0.98 I)")
    offsets = seed_loss / w - gaussian_negative_elbo(0.01)  # a decoder with std 0.1 on [0, 1] pixels
    record(implied_decoder_variance=var, offset_spread_at_var_0_01=float(offsets.max() - offsets.min()))
    assert float(offsets.max() - offsets.min()) > 1.0, "at any other variance the two differ by more than a constant"


@pytest.mark.area("models")
def test_decoder_adds_the_residual_twice() -> None:
    """ConvBlock.forward already returns x + conv(x); the decoder's 'conv_block1(o) + o' adds o again."""
    block = seed004.ConvBlock([8, 32, 16, 8]).double().eval()
    for module in block.modules():
        if isinstance(module, torch.nn.Conv2d):
            torch.nn.init.zeros_(module.weight)
            torch.nn.init.zeros_(module.bias)
    o = torch.randn(1, 8, 7, 7, dtype=torch.float64)
    with torch.no_grad():
        assert_close(block(o), o, kind="elementwise", what="a ConvBlock whose convs are zero is the identity")
        assert_close(block(o) + o, 2 * o, kind="elementwise", what="the decoder's 'conv_block1(o) + o' doubles o")


@pytest.mark.area("models")
def test_listing_needs_typing_import_and_a_cpu_fallback() -> None:
    """The listing uses List without importing it, and its default device is 'mps' on a machine without CUDA."""
    snippet = "class Encoder:\n    def forward(self, x) -> List[int]:\n        return [x]\n"
    with pytest.raises(NameError):
        exec(compile(snippet, "<seed 004 listing>", "exec", dont_inherit=True), {})
    if torch.cuda.is_available() or torch.backends.mps.is_available():
        pytest.skip("this machine has CUDA or MPS, where the seed's default device works")
    with pytest.raises(RuntimeError):
        seed004.VAE()
    model = seed004.VAE(device=torch.device("cpu"))
    assert sum(p.numel() for p in model.parameters()) > 0


@pytest.mark.area("gumbel")
def test_reparameterization_does_not_apply_to_a_bernoulli() -> None:
    """'对于其他常见分布，此方法一样适用': z = 1[u < p] has zero pathwise derivative, while dE[z]/dp = 1."""
    u = (np.arange(10_000) + 0.5) / 10_000
    p, h = 0.3, 1e-7
    pathwise = np.mean(((u < p + h).astype(float) - (u < p).astype(float)) / h)
    record(pathwise_gradient=float(pathwise), true_gradient=1.0)
    assert pathwise == 0.0
    assert_differs(pathwise, 1.0, kind="elementwise", what="pathwise gradient of a Bernoulli sample vs d/dp E z")


def test_the_gaussian_has_the_largest_entropy_for_its_variance() -> None:
    """Footnote 4, '高斯分布可以通过最大熵法直接推出': at variance 1 the Gaussian's entropy exceeds the Laplace's and the uniform's."""
    gaussian = 0.5 * math.log(2 * math.pi * math.e)
    laplace = 1 + math.log(2 / math.sqrt(2))  # b = 1/sqrt(2) gives variance 2 b^2 = 1
    uniform = math.log(math.sqrt(12))  # width sqrt(12) gives variance 1
    assert_close(f64([stats.norm.entropy(), stats.laplace.entropy(scale=1 / math.sqrt(2)),
                      stats.uniform.entropy(scale=math.sqrt(12))]), f64([gaussian, laplace, uniform]),
                 kind="elementwise", what="closed-form entropies at variance 1")
    assert gaussian > laplace > uniform
