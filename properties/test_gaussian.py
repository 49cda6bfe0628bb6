"""Properties of ``reparameterize`` and ``log_normal``: the Gaussian latent variable itself.

Oracles: the formula ``mu + exp(logvar / 2) * eps`` and its derivatives written here in float64;
``torch.distributions.Normal`` for the density. Seeds 000 ("正态分布的重参数化": z = mu + sigma ⊙ eps;
``std = torch.exp(0.5 * logvar)``), 002 (z = mu + Sigma^{1/2} eps), 004 eq. (10).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.distributions import Independent, Normal

from genspec import strategies as gst
from genspec.checks import assert_close

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64


@st.composite
def params(draw, count: int, *, max_k: int = 4, bound: float = 5.0):
    """``count`` tensors of one shape ``(*batch, K)`` (batch rank 0-3) and one dtype."""
    dtype = draw(gst.float_dtypes())
    batch = draw(gst.batch_shapes())
    k = draw(st.integers(1, max_k))
    return [draw(gst.tensors((*batch, k), dtype=dtype, min_value=-bound, max_value=bound))
            for _ in range(count)]


# ----------------------------------------------------------------------------- reparameterize


@given(data=st.data())
def test_reparameterize_is_mu_plus_std_times_eps(impl, device, data):
    mu, logvar, eps = (t.to(device) for t in data.draw(params(3)))
    got = impl.reparameterize(mu, logvar, eps)
    assert got.dtype == mu.dtype and got.device == mu.device and got.shape == mu.shape
    mu64, logvar64, eps64 = (t.to(F64) for t in (mu, logvar, eps))
    assert_close(got, mu64 + torch.exp(logvar64 / 2) * eps64, kind="elementwise",
                 what="reparameterize = mu + exp(logvar / 2) * eps")


@pytest.mark.feature("eps_sample_dims")
@given(data=st.data(), draws=st.integers(1, 3))
def test_reparameterize_broadcasts_several_draws_per_example(impl, data, draws):
    mu, logvar = data.draw(params(2))
    eps = data.draw(gst.tensors((draws, *mu.shape), dtype=mu.dtype, min_value=-4, max_value=4))
    got = impl.reparameterize(mu, logvar, eps)
    assert got.shape == eps.shape
    for i in range(draws):
        assert_close(got[i], impl.reparameterize(mu, logvar, eps[i]).to(F64), kind="elementwise",
                     what=f"draw {i} of a (L, *batch, K) noise tensor")


@given(data=st.data(), std=st.floats(0.05, 20.0))
def test_reparameterize_scales_unit_noise_by_the_standard_deviation(impl, data, std):
    """logvar = log(std^2) and eps = 1 give z = mu + std: the standard deviation, not the variance."""
    (mu,) = data.draw(params(1))
    logvar = torch.full_like(mu, 2 * math.log(std))
    got = impl.reparameterize(mu, logvar, torch.ones_like(mu))
    assert_close(got, mu.to(F64) + std, kind="elementwise",
                 what="reparameterize(mu, log std^2, 1) = mu + std")


@given(data=st.data())
def test_reparameterize_gradients_flow_to_mu_and_logvar(impl, data):
    """dz/dmu = 1 and dz/dlogvar = exp(logvar / 2) * eps / 2, elementwise."""
    mu, logvar, eps = data.draw(params(3))
    mu.requires_grad_(True)
    logvar.requires_grad_(True)
    z = impl.reparameterize(mu, logvar, eps)
    assert z.requires_grad, "reparameterize cut the graph: z does not depend on mu, logvar"
    g_mu, g_logvar = torch.autograd.grad(z.sum(), (mu, logvar))
    assert_close(g_mu, torch.ones(mu.shape, dtype=F64), kind="gradient", what="dz/dmu = 1")
    logvar64, eps64 = logvar.detach().to(F64), eps.to(F64)
    assert_close(g_logvar, 0.5 * torch.exp(logvar64 / 2) * eps64, kind="gradient",
                 what="dz/dlogvar = exp(logvar / 2) eps / 2")


# ----------------------------------------------------------------------------- log_normal


@given(data=st.data())
def test_log_normal_matches_torch_distributions(impl, device, data):
    x, mu, logvar = (t.to(device) for t in data.draw(params(3)))
    got = impl.log_normal(x, mu, logvar)
    assert got.dtype == x.dtype and got.device == x.device and got.shape == x.shape[:-1]
    x64, mu64, logvar64 = (t.to(F64) for t in (x, mu, logvar))
    expected = Independent(Normal(mu64, torch.exp(logvar64 / 2)), 1).log_prob(x64)
    assert_close(got, expected, kind="reduction", what="log N(x; mu, exp(logvar)) vs torch")


@given(k=st.integers(1, 6), dtype=gst.float_dtypes())
def test_log_normal_at_the_mean_of_a_standard_normal(impl, k, dtype):
    """log N(0; 0, I_k) = -k/2 log(2 pi): the normalising constant is there, once per coordinate."""
    zeros = torch.zeros(k, dtype=dtype)
    assert_close(impl.log_normal(zeros, zeros, zeros), torch.tensor(-k / 2 * math.log(2 * math.pi), dtype=F64),
                 kind="reduction", what="log N(0; 0, I_k) = -k/2 log 2pi")


@given(data=st.data())
def test_log_normal_of_a_reparameterized_draw_is_the_change_of_variables(impl, data):
    """log q(mu + sigma eps) = log N(eps; 0, I) - 1/2 sum logvar: ties both functions to one logvar."""
    mu, logvar, eps = data.draw(params(3, bound=4.0))
    z = impl.reparameterize(mu, logvar, eps)
    eps64, logvar64 = eps.to(F64), logvar.to(F64)
    expected = (-0.5 * (eps64.square() + math.log(2 * math.pi))).sum(-1) - 0.5 * logvar64.sum(-1)
    assert_close(impl.log_normal(z, mu, logvar), expected, kind="reduction",
                 what="log q(reparameterize(mu, logvar, eps)) = log N(eps) - sum(logvar) / 2")


@given(data=st.data())
def test_log_normal_gradient_in_x_is_the_score(impl, data):
    """d/dx log N(x; mu, v) = -(x - mu) / v."""
    x, mu, logvar = data.draw(params(3, bound=3.0))
    x.requires_grad_(True)
    (g,) = torch.autograd.grad(impl.log_normal(x, mu, logvar).sum(), (x,))
    x64, mu64, logvar64 = x.detach().to(F64), mu.to(F64), logvar.to(F64)
    assert_close(g, -(x64 - mu64) * torch.exp(-logvar64), kind="gradient", what="d log N / dx")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["mu", "logvar"])
def test_reparameterize_rejects_nan_naming_the_argument(impl, bad):
    args = {"mu": torch.zeros(2, 3), "logvar": torch.zeros(2, 3), "eps": torch.ones(2, 3)}
    args[bad][1, 0] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.reparameterize(**args)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["mu", "logvar"])
def test_log_normal_rejects_nan_naming_the_argument(impl, bad):
    args = {"x": torch.zeros(3), "mu": torch.zeros(3), "logvar": torch.zeros(3)}
    args[bad][2] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.log_normal(**args)


@pytest.mark.tier("validation")
def test_shapes_that_do_not_fit_raise_value_error(impl):
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.reparameterize(torch.zeros(3), torch.zeros(4), torch.zeros(3))
    with pytest.raises(ValueError, match=r"\bx\b"):
        impl.log_normal(torch.zeros(2, 5), torch.zeros(2, 3), torch.zeros(2, 3))


@pytest.mark.tier("validation")
def test_reparameterize_rejects_nan_noise_naming_eps(impl):
    eps = torch.ones(2, 3)
    eps[0, 2] = float("nan")
    with pytest.raises(ValueError, match=r"\beps\b"):
        impl.reparameterize(torch.zeros(2, 3), torch.zeros(2, 3), eps)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_reparameterize_and_log_normal_reject_an_infinite_logvar_naming_it(impl, value):
    """logvar = -inf (a point mass) makes log_normal NaN; +inf makes z infinite: both are errors."""
    logvar = torch.zeros(2, 3)
    logvar[1, 1] = value
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.reparameterize(torch.zeros(2, 3), logvar, torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.log_normal(torch.zeros(2, 3), torch.zeros(2, 3), logvar)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["logvar", "eps"])
def test_reparameterize_rejects_an_event_dimension_that_differs_from_mu(impl, bad):
    """Only batch dimensions broadcast: a (2, 1) logvar or eps against a (2, 3) mu is an error."""
    args = {"mu": torch.zeros(2, 3), "logvar": torch.zeros(2, 3), "eps": torch.ones(2, 3)}
    args[bad] = args[bad][:, :1].contiguous()
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.reparameterize(**args)


def test_reparameterize_broadcasts_batch_dimensions(impl):
    """A (1, 3) logvar shared by a (2, 3) batch of means is fine: batch dimensions broadcast."""
    mu = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], dtype=F64)
    logvar = torch.tensor([[0.0, 2 * math.log(2.0), 2 * math.log(3.0)]], dtype=F64)
    got = impl.reparameterize(mu, logvar, torch.ones(2, 3, dtype=F64))
    assert got.shape == (2, 3)
    assert_close(got, mu + torch.tensor([1.0, 2.0, 3.0], dtype=F64), kind="elementwise",
                 what="reparameterize with a logvar broadcast over the batch")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["mu", "logvar", "eps"])
def test_reparameterize_rejects_a_0d_argument_naming_it(impl, bad):
    """The contract's shapes are (*batch, K): a 0-d tensor has no event dimension."""
    args = {"mu": torch.zeros(3), "logvar": torch.zeros(3), "eps": torch.ones(3)}
    args[bad] = torch.zeros(())
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.reparameterize(**args)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("dtype", [torch.int64, torch.bool], ids=str)
@pytest.mark.parametrize("bad", ["mu", "logvar", "eps"])
def test_reparameterize_rejects_an_integer_or_bool_tensor_naming_it(impl, bad, dtype):
    """A tensor of the right type with the wrong dtype is a ValueError (spec-api.md, Errors), as for
    log_normal: the formulas need floating-point tensors."""
    args = {"mu": torch.zeros(2, 3), "logvar": torch.zeros(2, 3), "eps": torch.ones(2, 3)}
    args[bad] = args[bad].to(dtype)
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.reparameterize(**args)
    if bad != "eps":
        given = {"mu": torch.zeros(2, 3), "logvar": torch.zeros(2, 3), bad: args[bad]}
        with pytest.raises(ValueError, match=rf"\b{bad}\b"):
            impl.log_normal(torch.zeros(2, 3), **given)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [[0.0, 0.0, 0.0], "0", None], ids=["list", "str", "None"])
def test_log_normal_rejects_an_argument_that_is_not_a_tensor_with_a_type_error(impl, value):
    """Not a tensor where a tensor is required: TypeError naming the argument (spec-api.md, Errors)."""
    with pytest.raises(TypeError, match=r"\bx\b"):
        impl.log_normal(value, torch.zeros(3), torch.zeros(3))
