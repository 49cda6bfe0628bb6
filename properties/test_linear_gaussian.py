"""The ELBO identities on the linear-Gaussian model (probabilistic PCA), where everything is exact.

p(z) = N(0, I_K), p(x | z) = N(W z + b, s^2 I_D). Oracles, all float64 and written here:
log p(x) = log N(x; b, W W^T + s^2 I) (``torch.distributions.MultivariateNormal``); the posterior
from its precision Lambda = I + W^T W / s^2; KL(q || p(z|x)) by ``kl_divergence`` of two
``MultivariateNormal``; the closed-form ELBO of a diagonal q.

The ELBO under test is composed from the implementation's own ``reparameterize``, ``log_normal`` and
``kl_normal_std``: E_q[log p(x|z)] is quadratic in z, so the 2K-point symmetric rule
eps = ±sqrt(K) e_j (weights 1/2K; exact for polynomials of degree <= 3) gives it to round-off:

    ELBO(q) = mean_i log_normal(x, W reparameterize(mu, logvar, eps_i) + b, log s^2)
              - kl_normal_std(mu, logvar)

Seed 004 eqs. (4)-(5) (KL(q || p(z|x)) = log p(x) - ELBO, so ELBO <= log p(x)); seed 002 "VAE" (the
same identity, ELBO = log p(x) - KL[q(z|x) || p(z|x)]).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.distributions import MultivariateNormal, Normal, kl_divergence

from genspec import strategies as gst
from genspec.bad_inputs import NOT_GENERATORS, NOT_NUMBERS
from genspec.checks import assert_close

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_linear_algebra():
    """The factorizations here are at most 5 x 5: threads gain nothing, and on a busy 2-core machine
    each multi-threaded LAPACK call waits milliseconds for a second core. Restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@st.composite
def models(draw, *, dtype=F64, orthogonal: bool = False):
    """(weight (D, K), bias (D,), noise_var, x (*batch, D))."""
    d = draw(st.integers(1, 5))
    k = draw(st.integers(1, min(d, 3) if orthogonal else 3))
    weight = draw(gst.tensors((d, k), dtype=F64, min_value=-2, max_value=2))
    if orthogonal:
        q_mat, r_mat = torch.linalg.qr(weight + torch.eye(d, k, dtype=F64))  # full rank
        scales = draw(gst.tensors((k,), dtype=F64, min_value=0.2, max_value=2.5))
        weight = q_mat * scales
    bias = draw(gst.tensors((d,), dtype=F64, min_value=-2, max_value=2))
    noise_var = draw(st.floats(0.1, 2.0))
    x = draw(gst.tensors((*draw(gst.batch_shapes(max_rank=2)), d), dtype=F64, min_value=-4, max_value=4))
    return weight.to(dtype), bias.to(dtype), noise_var, x.to(dtype)


def _q(draw, batch: tuple[int, ...], k: int):
    mu = draw(gst.tensors((*batch, k), dtype=F64, min_value=-3, max_value=3))
    logvar = draw(gst.tensors((*batch, k), dtype=F64, min_value=-4, max_value=2))
    return mu, logvar


def _log_marginal(weight, bias, noise_var, x):
    d = weight.shape[0]
    cov = weight @ weight.T + noise_var * torch.eye(d, dtype=F64)
    return MultivariateNormal(bias, cov, validate_args=False).log_prob(x)


def _posterior(weight, bias, noise_var, x):
    """Mean (*batch, K) and covariance (K, K) from the precision Lambda = I + W^T W / s^2."""
    k = weight.shape[1]
    precision = torch.eye(k, dtype=F64) + weight.T @ weight / noise_var
    cov = torch.linalg.inv(precision)
    return (x - bias) @ weight @ cov.T / noise_var, cov


def _closed_form_elbo(weight, bias, noise_var, x, mu, logvar):
    d = weight.shape[0]
    v = torch.exp(logvar)
    residual = x - bias - mu @ weight.T
    e_log_lik = -0.5 * d * math.log(2 * math.pi * noise_var) - (
        residual.square().sum(-1) + (v * weight.square().sum(0)).sum(-1)) / (2 * noise_var)
    kl = 0.5 * (v + mu.square() - 1 - logvar).sum(-1)
    return e_log_lik - kl


def _composed_elbo(impl, weight, bias, noise_var, x, mu, logvar):
    """The ELBO from the implementation's reparameterize, log_normal and kl_normal_std (exact rule)."""
    d, k = weight.shape
    points = math.sqrt(k) * torch.cat([torch.eye(k, dtype=mu.dtype), -torch.eye(k, dtype=mu.dtype)])
    eps = points.reshape(2 * k, *([1] * (mu.dim() - 1)), k)
    z = impl.reparameterize(mu, logvar, eps)  # (2K, *batch, K)
    log_noise = torch.full((d,), math.log(noise_var), dtype=mu.dtype)
    log_lik = impl.log_normal(x, z @ weight.T + bias, log_noise)  # (2K, *batch)
    return log_lik.mean(0) - impl.kl_normal_std(mu, logvar)


# ----------------------------------------------------------------------------- the ELBO identities


@given(data=st.data())
def test_composed_elbo_is_the_closed_form_elbo(impl, data):
    weight, bias, noise_var, x = data.draw(models())
    mu, logvar = _q(data.draw, x.shape[:-1], weight.shape[1])
    assert_close(_composed_elbo(impl, weight, bias, noise_var, x, mu, logvar),
                 _closed_form_elbo(weight, bias, noise_var, x, mu, logvar), kind="identity",
                 what="E_q[log_normal(x; W z + b)] - kl_normal_std = closed-form ELBO")


@given(data=st.data())
def test_elbo_is_at_most_log_p_x_for_every_q(impl, data):
    weight, bias, noise_var, x = data.draw(models())
    mu, logvar = _q(data.draw, x.shape[:-1], weight.shape[1])
    elbo = _composed_elbo(impl, weight, bias, noise_var, x, mu, logvar)
    log_px = _log_marginal(weight, bias, noise_var, x)
    assert_close((elbo - log_px).clamp(min=0), torch.zeros_like(log_px), kind="identity",
                 what="ELBO <= log p(x)")


@given(data=st.data())
def test_elbo_plus_kl_to_the_posterior_is_log_p_x(impl, data):
    weight, bias, noise_var, x = data.draw(models())
    mu, logvar = _q(data.draw, x.shape[:-1], weight.shape[1])
    elbo = _composed_elbo(impl, weight, bias, noise_var, x, mu, logvar)
    post_mean, post_cov = _posterior(weight, bias, noise_var, x)
    q = MultivariateNormal(mu, torch.diag_embed(torch.exp(logvar)), validate_args=False)
    kl = kl_divergence(q, MultivariateNormal(post_mean, post_cov, validate_args=False))
    assert_close(elbo + kl, _log_marginal(weight, bias, noise_var, x), kind="identity",
                 what="ELBO + KL(q || p(z | x)) = log p(x)")


@given(data=st.data())
def test_elbo_equals_log_p_x_at_the_exact_posterior(impl, data):
    """With orthogonal columns the posterior is diagonal, so a diagonal q can be exact."""
    weight, bias, noise_var, x = data.draw(models(orthogonal=True))
    post_mean, post_cov = _posterior(weight, bias, noise_var, x)
    logvar = torch.log(post_cov.diagonal()).expand_as(post_mean)
    elbo = _composed_elbo(impl, weight, bias, noise_var, x, post_mean, logvar)
    assert_close(elbo, _log_marginal(weight, bias, noise_var, x), kind="identity",
                 what="ELBO(q = p(z | x)) = log p(x)")


@given(data=st.data())
def test_best_diagonal_q_leaves_the_gap_of_the_m_matrix(impl, data):
    """q* = N(posterior mean, 1 / diag(Lambda)): log p(x) - ELBO(q*) = 1/2 (sum log M_jj - log det M)."""
    weight, bias, noise_var, x = data.draw(models())
    k = weight.shape[1]
    post_mean, _ = _posterior(weight, bias, noise_var, x)
    m = weight.T @ weight + noise_var * torch.eye(k, dtype=F64)
    logvar = torch.log(noise_var / m.diagonal()).expand_as(post_mean)
    gap = 0.5 * (m.diagonal().log().sum() - torch.logdet(m))
    elbo = _composed_elbo(impl, weight, bias, noise_var, x, post_mean, logvar)
    log_px = _log_marginal(weight, bias, noise_var, x)
    assert_close(log_px - elbo, gap.expand_as(log_px), kind="identity",
                 what="log p(x) - ELBO(best diagonal q) = (sum log M_jj - log det M) / 2")
    # it is the best: moving mu or logvar of any coordinate lowers the ELBO
    step = data.draw(st.sampled_from([-0.3, 0.2]))
    j = data.draw(st.integers(0, k - 1))
    moved_mu, moved_logvar = post_mean.clone(), logvar.clone()
    moved_mu[..., j] += step
    moved_logvar[..., j] += step
    for name, (a, b) in {"mu": (moved_mu, logvar), "logvar": (post_mean, moved_logvar)}.items():
        worse = _composed_elbo(impl, weight, bias, noise_var, x, a, b)
        assert bool((worse < elbo).all()), f"moving {name}[{j}] by {step} raised the ELBO above q*'s"


@given(data=st.data())
def test_gap_is_zero_when_the_columns_are_orthogonal(impl, data):
    weight, bias, noise_var, x = data.draw(models(orthogonal=True))
    model = impl.LinearGaussian(weight, bias, noise_var)
    mu, logvar = model.best_diagonal_q(x)
    assert_close(model.diagonal_gap(), torch.zeros((), dtype=F64), kind="identity",
                 what="diagonal gap with orthogonal W")
    assert_close(_composed_elbo(impl, weight, bias, noise_var, x, mu, logvar),
                 _log_marginal(weight, bias, noise_var, x), kind="identity",
                 what="ELBO(best diagonal q) = log p(x) with orthogonal W")


@given(data=st.data())
def test_composed_elbo_gradients_match_the_closed_form(impl, data):
    weight, bias, noise_var, x = data.draw(models())
    mu, logvar = (t.requires_grad_(True) for t in _q(data.draw, x.shape[:-1], weight.shape[1]))
    got = torch.autograd.grad(_composed_elbo(impl, weight, bias, noise_var, x, mu, logvar).sum(), (mu, logvar))
    mu64, logvar64 = (t.detach().clone().requires_grad_(True) for t in (mu, logvar))
    expected = torch.autograd.grad(_closed_form_elbo(weight, bias, noise_var, x, mu64, logvar64).sum(),
                                   (mu64, logvar64))
    assert_close(got[0], expected[0], kind="gradient", what="d ELBO / d mu through reparameterize")
    assert_close(got[1], expected[1], kind="gradient", what="d ELBO / d logvar through reparameterize")


# ----------------------------------------------------------------------------- LinearGaussian itself


@given(data=st.data(), dtype=gst.float_dtypes())
def test_linear_gaussian_log_marginal_and_posterior(impl, data, dtype):
    weight, bias, noise_var, x = data.draw(models(dtype=dtype))
    model = impl.LinearGaussian(weight, bias, noise_var)
    w64, b64, x64 = weight.to(F64), bias.to(F64), x.to(F64)
    got = model.log_marginal(x)
    assert got.dtype == dtype and got.shape == x.shape[:-1]
    assert_close(got, _log_marginal(w64, b64, noise_var, x64), kind="identity", what="LinearGaussian log p(x)")
    mean, cov = model.posterior(x)
    exp_mean, exp_cov = _posterior(w64, b64, noise_var, x64)
    assert_close(mean, exp_mean, kind="identity", what="LinearGaussian posterior mean")
    assert_close(cov, exp_cov, kind="identity", what="LinearGaussian posterior covariance")


@given(data=st.data())
def test_linear_gaussian_elbo_and_best_diagonal_q(impl, data):
    weight, bias, noise_var, x = data.draw(models())
    model = impl.LinearGaussian(weight, bias, noise_var)
    mu, logvar = _q(data.draw, x.shape[:-1], weight.shape[1])
    assert_close(model.elbo(x, mu, logvar), _closed_form_elbo(weight, bias, noise_var, x, mu, logvar),
                 kind="identity", what="LinearGaussian.elbo = closed-form ELBO")
    best_mu, best_logvar = model.best_diagonal_q(x)
    k = weight.shape[1]
    m = weight.T @ weight + noise_var * torch.eye(k, dtype=F64)
    post_mean, _ = _posterior(weight, bias, noise_var, x)
    assert_close(best_mu, post_mean, kind="identity", what="best diagonal q: mean")
    assert_close(best_logvar, torch.log(noise_var / m.diagonal()).expand_as(post_mean), kind="identity",
                 what="best diagonal q: log-variance = log(s^2 / M_jj)")
    assert_close(model.diagonal_gap(), 0.5 * (m.diagonal().log().sum() - torch.logdet(m)),
                 kind="identity", what="LinearGaussian.diagonal_gap")


@given(data=st.data())
def test_linear_gaussian_log_joint_is_prior_plus_likelihood_and_bayes_gives_the_posterior(impl, data):
    """log p(x, z) = log N(x; W z + b, s^2 I) + log N(z; 0, I) (torch.distributions), and
    log p(x, z) - log p(x) = log p(z | x) with the posterior of the precision oracle."""
    weight, bias, noise_var, x = data.draw(models())
    model = impl.LinearGaussian(weight, bias, noise_var)
    z = data.draw(gst.tensors((*x.shape[:-1], weight.shape[1]), dtype=F64, min_value=-3, max_value=3))
    log_joint = model.log_joint(x, z)
    assert log_joint.shape == x.shape[:-1] and log_joint.dtype == F64
    likelihood = Normal(z @ weight.T + bias, math.sqrt(noise_var), validate_args=False).log_prob(x).sum(-1)
    prior = Normal(torch.zeros((), dtype=F64), torch.ones((), dtype=F64)).log_prob(z).sum(-1)
    assert_close(log_joint, likelihood + prior, kind="identity", what="LinearGaussian.log_joint")
    post_mean, post_cov = _posterior(weight, bias, noise_var, x)
    log_post = MultivariateNormal(post_mean, post_cov, validate_args=False).log_prob(z)
    assert_close(log_joint - model.log_marginal(x), log_post, kind="identity",
                 what="Bayes: log p(x, z) - log p(x) = log p(z | x)")


def test_linear_gaussian_sample_shapes_and_sizes(impl, make_generator):
    """sample(n) gives x (n, D) and z (n, K) in the model's dtype, n = 0 included."""
    model = impl.LinearGaussian(torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64), 0.5)
    for n in (0, 1, 5):
        x, z = model.sample(n, generator=make_generator(0))
        assert x.shape == (n, 3) and z.shape == (n, 2) and x.dtype == z.dtype == F64, (
            f"sample({n}): x {tuple(x.shape)} {x.dtype}, z {tuple(z.shape)} {z.dtype}")


@pytest.mark.tier("validation")
def test_linear_gaussian_sample_rejects_a_negative_count(impl, make_generator):
    model = impl.LinearGaussian(torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64), 0.5)
    with pytest.raises(ValueError, match=r"\bn\b"):
        model.sample(-1, generator=make_generator(0))


@pytest.mark.tier("validation")
def test_linear_gaussian_rejects_bad_parameters(impl):
    with pytest.raises(ValueError, match=r"\bnoise_var\b"):
        impl.LinearGaussian(torch.ones(3, 2), torch.zeros(3), 0.0)
    with pytest.raises(ValueError, match=r"\bbias\b"):
        impl.LinearGaussian(torch.ones(3, 2), torch.zeros(2), 1.0)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_linear_gaussian_rejects_a_non_finite_weight_or_bias_naming_it(impl, value):
    weight, bias = torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64)
    weight[1, 0] = value
    with pytest.raises(ValueError, match=r"\bweight\b"):
        impl.LinearGaussian(weight, bias, 1.0)
    weight[1, 0], bias[2] = 1.0, value
    with pytest.raises(ValueError, match=r"\bbias\b"):
        impl.LinearGaussian(weight, bias, 1.0)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("shape", [(3,), (3, 2, 1)])
def test_linear_gaussian_rejects_a_weight_that_is_not_a_matrix(impl, shape):
    with pytest.raises(ValueError, match=r"\bweight\b"):
        impl.LinearGaussian(torch.ones(shape, dtype=F64), torch.zeros(3, dtype=F64), 1.0)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("method", ["log_marginal", "posterior", "best_diagonal_q", "log_joint", "elbo"])
def test_linear_gaussian_methods_reject_nan_in_x_naming_it(impl, method):
    model = impl.LinearGaussian(torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64), 1.0)
    x = torch.zeros(2, 3, dtype=F64)
    x[1, 2] = math.nan
    latents = {"log_joint": (torch.zeros(2, 2, dtype=F64),),
               "elbo": (torch.zeros(2, 2, dtype=F64), torch.zeros(2, 2, dtype=F64))}.get(method, ())
    with pytest.raises(ValueError, match=r"\bx\b"):
        getattr(model, method)(x, *latents)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("bad", ["z", "mu", "logvar"])
def test_linear_gaussian_methods_reject_non_finite_latents_naming_them(impl, bad, value):
    model = impl.LinearGaussian(torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64), 1.0)
    x, latent = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 2, dtype=F64)
    latent[0, 1] = value
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        if bad == "z":
            model.log_joint(x, latent)
        elif bad == "mu":
            model.elbo(x, latent, torch.zeros(2, 2, dtype=F64))
        else:
            model.elbo(x, torch.zeros(2, 2, dtype=F64), latent)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("noise_var", NOT_NUMBERS + [pytest.param(1e-60, id="rounds-to-0-in-float32")])
def test_linear_gaussian_rejects_a_noise_var_that_is_not_a_positive_number(impl, noise_var):
    """``LinearGaussian(W, b, True)`` would be a model with noise variance 1; a string, None, an int beyond
    the float range, a complex number, or a variance that rounds to 0 in W's dtype: ValueError naming it."""
    with pytest.raises(ValueError, match=r"\bnoise_var\b"):
        impl.LinearGaussian(torch.ones(3, 2), torch.zeros(3), noise_var)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_linear_gaussian_sample_rejects_a_generator_that_is_not_a_torch_generator(impl, generator):
    model = impl.LinearGaussian(torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64), 0.5)
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        model.sample(2, generator=generator)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("n", ["3", 2.5, True, None, 2**64], ids=repr)
def test_linear_gaussian_sample_rejects_a_count_that_is_not_an_integer(impl, n):
    model = impl.LinearGaussian(torch.ones(3, 2, dtype=F64), torch.zeros(3, dtype=F64), 0.5)
    with pytest.raises(ValueError, match=r"\bn\b"):
        model.sample(n, generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
def test_linear_gaussian_takes_a_0d_tensor_noise_var_and_rejects_other_tensors(impl):
    """noise_var may be a 0-d real tensor (a learned variance, say): the model of the equal float. A
    tensor of shape (1,) or (D,) (per-coordinate noise is factor analysis, another model) or a bool
    tensor: ValueError naming noise_var."""
    weight = torch.tensor([[1.0, 0.5], [-0.3, 2.0], [0.7, 0.1]], dtype=F64)
    bias, x = torch.tensor([0.2, -0.1, 0.4], dtype=F64), torch.tensor([[0.3, -1.2, 0.8]], dtype=F64)
    want = impl.LinearGaussian(weight, bias, 0.5).log_marginal(x)
    got = impl.LinearGaussian(weight, bias, torch.tensor(0.5, dtype=F64)).log_marginal(x)
    assert_close(got, want, kind="identity", what="log p(x) with noise_var = tensor(0.5) vs 0.5")
    for bad in (torch.full((1,), 0.5, dtype=F64), torch.full((3,), 0.5, dtype=F64), torch.tensor(True)):
        with pytest.raises(ValueError, match=r"\bnoise_var\b"):
            impl.LinearGaussian(weight, bias, bad)
