"""Properties of the closed-form Gaussian KLs ``kl_normal_std`` and ``kl_normal``.

Oracles: ``torch.distributions.kl_divergence`` between ``Independent(Normal)`` distributions in
float64, and closed-form derivatives written here. Seeds 000 ("代码示例", ``KLD``), 004 eq. (8).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.distributions import Independent, Normal, kl_divergence

from genspec import strategies as gst
from genspec.checks import assert_close, record

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64


def _normal(mu: torch.Tensor, logvar: torch.Tensor) -> Independent:
    """The float64 oracle N(mu, diag(exp(logvar))) over the last dimension."""
    mu, logvar = mu.to(F64), logvar.to(F64)
    return Independent(Normal(mu, torch.exp(0.5 * logvar)), 1)


@st.composite
def params(draw, count: int, *, max_k: int = 4, bound: float = 5.0, dtype=None):
    """``count`` tensors of one shape ``(*batch, K)`` (batch rank 0-3) and one dtype."""
    dtype = dtype or draw(gst.float_dtypes())
    batch = draw(gst.batch_shapes())
    k = draw(st.integers(1, max_k))
    return [draw(gst.tensors((*batch, k), dtype=dtype, min_value=-bound, max_value=bound))
            for _ in range(count)]


# ----------------------------------------------------------------------------- against the oracle


@given(data=st.data())
def test_kl_normal_std_matches_torch_distributions(impl, device, data):
    mu, logvar = (t.to(device) for t in data.draw(params(2)))
    got = impl.kl_normal_std(mu, logvar)
    standard = _normal(torch.zeros_like(mu), torch.zeros_like(logvar))
    expected = kl_divergence(_normal(mu, logvar), standard)
    assert got.dtype == mu.dtype and got.device == mu.device and got.shape == mu.shape[:-1]
    assert_close(got, expected, kind="reduction", what="KL(N(mu, e^logvar) || N(0, I)) vs torch")


@given(data=st.data())
def test_kl_normal_matches_torch_distributions(impl, device, data):
    mu_q, logvar_q, mu_p, logvar_p = (t.to(device) for t in data.draw(params(4)))
    got = impl.kl_normal(mu_q, logvar_q, mu_p, logvar_p)
    expected = kl_divergence(_normal(mu_q, logvar_q), _normal(mu_p, logvar_p))
    assert got.dtype == mu_q.dtype and got.device == mu_q.device and got.shape == mu_q.shape[:-1]
    assert_close(got, expected, kind="reduction", what="KL(q || p) of diagonal Gaussians vs torch")


@given(data=st.data())
def test_kl_normal_with_standard_p_is_kl_normal_std(impl, data):
    mu, logvar = data.draw(params(2))
    zeros = torch.zeros_like(mu)
    assert_close(impl.kl_normal(mu, logvar, zeros, zeros), impl.kl_normal_std(mu, logvar).to(F64),
                 kind="reduction", what="kl_normal(q, N(0, I)) = kl_normal_std(q)")


# ----------------------------------------------------------------------------- structure


@given(data=st.data())
def test_kls_are_nonnegative(impl, data):
    """Negative values are allowed only within round-off (the seed's float32 formula
    ``-0.5 * (1 + logvar - mu^2 - exp(logvar))`` can dip an ulp below 0 near logvar = 0)."""
    mu_q, logvar_q, mu_p, logvar_p = data.draw(params(4))
    zero = torch.zeros(mu_q.shape[:-1], dtype=F64)
    assert_close(impl.kl_normal_std(mu_q, logvar_q).clamp(max=0), zero, kind="reduction",
                 what="KL(q || N(0, I)) >= 0")
    assert_close(impl.kl_normal(mu_q, logvar_q, mu_p, logvar_p).clamp(max=0), zero, kind="reduction",
                 what="KL(q || p) >= 0")


@given(data=st.data())
def test_kls_are_zero_when_q_equals_p(impl, data):
    mu, logvar = data.draw(params(2))
    assert_close(impl.kl_normal(mu, logvar, mu, logvar), torch.zeros(mu.shape[:-1], dtype=F64),
                 kind="elementwise", what="KL(q || q) = 0")
    zeros = torch.zeros_like(mu)
    assert_close(impl.kl_normal_std(zeros, zeros), torch.zeros(mu.shape[:-1], dtype=F64),
                 kind="elementwise", what="KL(N(0, I) || N(0, I)) = 0")


@given(data=st.data(), copies=st.integers(2, 4))
def test_kl_is_summed_over_latents(impl, data, copies):
    """K copies of the same coordinates carry `copies` times the KL (a mean would keep it fixed)."""
    mu_q, logvar_q, mu_p, logvar_p = data.draw(params(4))
    rep = [t.repeat_interleave(copies, dim=-1) for t in (mu_q, logvar_q, mu_p, logvar_p)]
    base = impl.kl_normal_std(mu_q, logvar_q).to(F64)
    assert_close(impl.kl_normal_std(rep[0], rep[1]), copies * base,
                 kind="reduction", what=f"KL_std of {copies} copies of the latents = {copies} x KL_std")
    base = impl.kl_normal(mu_q, logvar_q, mu_p, logvar_p).to(F64)
    assert_close(impl.kl_normal(*rep), copies * base,
                 kind="reduction", what=f"KL of {copies} copies of the latents = {copies} x KL")


@given(data=st.data())
def test_kls_are_additive_over_independent_dimensions(impl, data):
    a = data.draw(params(4))
    k_b = data.draw(st.integers(1, 3))
    b = [data.draw(gst.tensors((*a[0].shape[:-1], k_b), dtype=a[0].dtype, min_value=-5, max_value=5))
         for _ in range(4)]
    joined = [torch.cat([x, y], dim=-1) for x, y in zip(a, b)]
    assert_close(impl.kl_normal_std(joined[0], joined[1]),
                 impl.kl_normal_std(a[0], a[1]).to(F64) + impl.kl_normal_std(b[0], b[1]).to(F64),
                 kind="reduction", what="KL_std of independent blocks = sum of their KLs")
    assert_close(impl.kl_normal(*joined), impl.kl_normal(*a).to(F64) + impl.kl_normal(*b).to(F64),
                 kind="reduction", what="KL of independent blocks = sum of their KLs")


@given(data=st.data())
def test_kl_normal_is_not_symmetric_in_its_arguments(impl, data):
    """KL(q || p) for q = N(0, 1), p = N(0, e^2): 1/2 (e^-2 + 2 - 1) vs KL(p || q) = 1/2 (e^2 - 2 - 1)."""
    dtype = data.draw(gst.float_dtypes())
    zero = torch.zeros(1, dtype=dtype)
    two = torch.full((1,), 2.0, dtype=dtype)
    e = torch.tensor(2.0, dtype=F64)
    assert_close(impl.kl_normal(zero, zero, zero, two), 0.5 * (torch.exp(-e) + e - 1),
                 kind="elementwise", what="KL(N(0,1) || N(0,e^2)), the order of the arguments")
    assert_close(impl.kl_normal(zero, two, zero, zero), 0.5 * (torch.exp(e) - e - 1),
                 kind="elementwise", what="KL(N(0,e^2) || N(0,1)), the order of the arguments")


# ----------------------------------------------------------------------------- gradients


@given(data=st.data())
def test_kl_normal_std_gradient_matches_closed_form(impl, data):
    """d KL / d mu = mu, d KL / d logvar = (exp(logvar) - 1) / 2."""
    mu, logvar = (t.requires_grad_(True) for t in data.draw(params(2)))
    g_mu, g_logvar = torch.autograd.grad(impl.kl_normal_std(mu, logvar).sum(), (mu, logvar))
    mu64, logvar64 = mu.detach().to(F64), logvar.detach().to(F64)
    assert_close(g_mu, mu64, kind="gradient", what="d KL_std / d mu = mu")
    assert_close(g_logvar, 0.5 * torch.expm1(logvar64), kind="gradient",
                 what="d KL_std / d logvar = (exp(logvar) - 1) / 2")


@given(data=st.data())
def test_kl_normal_gradient_matches_torch_autograd(impl, data):
    xs = [t.requires_grad_(True) for t in data.draw(params(4, bound=3.0))]
    got = torch.autograd.grad(impl.kl_normal(*xs).sum(), xs)
    ref = [t.detach().to(F64).requires_grad_(True) for t in xs]
    expected = torch.autograd.grad(kl_divergence(_normal(ref[0], ref[1]), _normal(ref[2], ref[3])).sum(), ref)
    for name, g, e in zip(("mu_q", "logvar_q", "mu_p", "logvar_p"), got, expected):
        assert_close(g, e, kind="gradient", what=f"d KL(q || p) / d {name}")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.tier("validation")
@pytest.mark.parametrize("position", range(4))
def test_kl_normal_rejects_nan_naming_the_argument(impl, position):
    names = ("mu_q", "logvar_q", "mu_p", "logvar_p")
    args = [torch.zeros(2, 3) for _ in names]
    args[position][1, 2] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{names[position]}\b"):
        impl.kl_normal(*args)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["mu", "logvar"])
def test_kl_normal_std_rejects_nan_naming_the_argument(impl, bad):
    args = {"mu": torch.zeros(3), "logvar": torch.zeros(3)}
    args[bad][0] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.kl_normal_std(**args)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_kl_normal_std_rejects_an_infinite_logvar_naming_it(impl, value):
    """logvar = ±inf is a point mass or no distribution: the KL would be inf, not a loss to train on."""
    logvar = torch.zeros(2, 3)
    logvar[0, 1] = value
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.kl_normal_std(torch.zeros(2, 3), logvar)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.inf, -math.inf])
@pytest.mark.parametrize("bad", ["logvar_q", "logvar_p", "both"])
def test_kl_normal_rejects_an_infinite_logvar_naming_it(impl, bad, value):
    """logvar_q = logvar_p = +inf gives inf - inf = NaN in the closed form; any ±inf is an error."""
    args = {name: torch.zeros(2, 3) for name in ("mu_q", "logvar_q", "mu_p", "logvar_p")}
    for name in (("logvar_q", "logvar_p") if bad == "both" else (bad,)):
        args[name][1, 0] = value
    pattern = r"\blogvar_[qp]\b" if bad == "both" else rf"\b{bad}\b"
    with pytest.raises(ValueError, match=pattern):
        impl.kl_normal(**args)


@pytest.mark.tier("validation")
def test_kls_reject_shapes_that_do_not_fit(impl):
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.kl_normal_std(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r"\blogvar_p\b"):
        impl.kl_normal(torch.zeros(3), torch.zeros(3), torch.zeros(3), torch.zeros(5))
    record(checked="mu vs logvar (2,3) vs (2,4); logvar_p (5,) vs (3,)")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("position", range(4))
def test_kls_reject_an_integer_tensor_naming_it(impl, position):
    """An integer tensor where a floating one is needed is a ValueError naming it (spec-api.md, Errors)."""
    names = ("mu_q", "logvar_q", "mu_p", "logvar_p")
    args = [torch.zeros(2, 3) for _ in names]
    args[position] = args[position].to(torch.int64)
    with pytest.raises(ValueError, match=rf"\b{names[position]}\b"):
        impl.kl_normal(*args)
    if position < 2:
        with pytest.raises(ValueError, match=rf"\b{names[position][:-2]}\b"):
            impl.kl_normal_std(*args[:2])
