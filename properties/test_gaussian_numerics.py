r"""Numerics of ``reparameterize``, ``log_normal``, ``kl_normal_std`` and ``kl_normal`` at the edges of
every dtype (``genspec.domains.EDGES``): finite and accurate wherever the true value is, ±inf of the
right sign where it overflows, NaN never (``genspec.numerics.assert_numerics``).

The edges: log-variances to ±200 (float32, bfloat16), ±1600 (float64), ±30 (float16), where
``exp(logvar)`` and even ``exp(logvar / 2)`` over- and underflow; ``eps = 0`` beside an overflowing
standard deviation; ``x = mu`` beside an underflowing variance (``0 · inf``). Oracles: the formulas
in mpmath (unbounded exponents, 200 bits), rounded to float64. Reference: ``reference/gaussian.py``.
"""

from __future__ import annotations


import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]

ALL = (dom.F32, dom.F64, dom.BF16, dom.F16)


@st.composite
def gaussian_args(draw, function: str, names: tuple[str, ...], *, dtypes=ALL):
    """``names`` tensors of one shape ``(*batch, K)`` drawn from ``function``'s edges in one dtype."""
    dtype = draw(st.sampled_from(dtypes))
    shape = (*draw(st.lists(st.integers(1, 3), max_size=2)), draw(st.integers(1, 4)))
    return dtype, [draw(dom.edge_tensors(shape, function, name, dtype)) for name in names]


def _half_exp_minus(lv):
    return (mpmath.expm1(lv) - lv) / 2


# ----------------------------------------------------------------------------- reparameterize


@settings(max_examples=6)
@given(case=gaussian_args("reparameterize", ("mu", "logvar", "eps")))
def test_reparameterize_is_exact_to_the_edges(impl, case):
    """z = mu + exp(logvar / 2) eps with logvar at ±200 (float32), ±1600 (float64): 0 · inf = NaN at
    eps = 0, exp(logvar / 2) = inf beside a product that is finite, sqrt(exp(logvar)) = 0 or inf."""
    dtype, (mu, logvar, eps) = case
    got = impl.reparameterize(mu, logvar, eps)
    truth = mp_map(lambda m, lv, e: m + mpmath.exp(lv / 2) * e, mu, logvar, eps)
    scale = mp_map(lambda m, lv, e: abs(m) + abs(mpmath.exp(lv / 2) * e), mu, logvar, eps)
    assert_numerics(got, truth, kind="edge_elementwise", scale=scale,
                    what=f"reparameterize = mu + exp(logvar / 2) eps at the {dtype} edges")


@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_reparameterize_with_zero_noise_is_mu_at_any_logvar(impl, dtype):
    """eps = 0 gives z = mu exactly, dz/dmu = 1 and dz/dlogvar = 0, for every finite logvar (the
    dtype's largest included): exp(logvar / 2) overflowing to inf must not make 0 · inf = NaN. The
    Jacobian in the noise stays dz/deps = exp(logvar / 2): +inf where that overflows, 0 where it
    underflows (a guard against 0 · inf must not change the derivative it guards)."""
    top = float(torch.finfo(dtype).max)
    logvar = torch.tensor([[0.0, 89.0, 178.0, 1600.0 if dtype == dom.F64 else 100.0, top, -top]], dtype=dtype)
    logvar = logvar.clamp(-top, top).requires_grad_(True)
    mu = torch.tensor([[1.5, -2.0, 0.0, 3.0, -0.25, 7.0]], dtype=dtype, requires_grad=True)
    eps = torch.zeros_like(mu, requires_grad=True)
    z = impl.reparameterize(mu, logvar, eps)
    assert torch.equal(z.detach(), mu.detach()), f"reparameterize(mu, logvar, 0) = {z.tolist()}, not mu = {mu.tolist()}"
    g_mu, g_logvar, g_eps = torch.autograd.grad(z.sum(), (mu, logvar, eps))
    assert torch.equal(g_mu, torch.ones_like(mu)), f"dz/dmu = {g_mu.tolist()} at eps = 0"
    assert torch.equal(g_logvar, torch.zeros_like(logvar)), f"dz/dlogvar = {g_logvar.tolist()} at eps = 0"
    assert_numerics(g_eps, mp_map(lambda lv: mpmath.exp(lv / 2), logvar.detach()), kind="edge_gradient",
                    what=f"dz/deps = exp(logvar / 2) at eps = 0 ({dtype})")


@settings(max_examples=6)
@given(case=gaussian_args("reparameterize", ("mu", "logvar", "eps")))
def test_reparameterize_gradients_to_the_edges(impl, case):
    """dz/dmu = 1 and dz/dlogvar = exp(logvar / 2) eps / 2, finite wherever they are."""
    dtype, (mu, logvar, eps) = case
    if dtype == dom.F64:  # beyond |logvar| = 1400 exp(logvar / 2) eps / 2 is formed as twice itself
        logvar = logvar.clamp(-1400.0, 1400.0)
    mu.requires_grad_(True)
    logvar.requires_grad_(True)
    z = impl.reparameterize(mu, logvar, eps)
    g_mu, g_logvar = torch.autograd.grad(z.sum(), (mu, logvar))
    assert_numerics(g_mu, torch.ones(mu.shape, dtype=torch.float64), kind="edge_gradient", what="dz/dmu = 1")
    truth = mp_map(lambda lv, e: mpmath.exp(lv / 2) * e / 2, logvar, eps)
    assert_numerics(g_logvar, truth, kind="edge_gradient", what=f"dz/dlogvar = exp(logvar / 2) eps / 2 ({dtype})")


# ----------------------------------------------------------------------------- log_normal


def _log_normal_terms(x, m, lv):
    return -(mpmath.log(2 * mpmath.pi) + lv + (x - m) ** 2 * mpmath.exp(-lv)) / 2


@settings(max_examples=6)
@given(case=gaussian_args("log_normal", ("x - mu", "x - mu", "logvar")), same=st.booleans())
def test_log_normal_is_exact_to_the_edges(impl, case, same):
    """log N(x; mu, exp(logvar)) with logvar at the edges: (x - mu)^2 exp(-logvar) is 0 · inf = NaN
    at x = mu, logvar = -89 (float32) unless formed as ((x - mu) exp(-logvar / 2))^2."""
    dtype, (x, mu, logvar) = case
    if same:
        mu = x.clone()
    got = impl.log_normal(x, mu, logvar)
    terms = mp_map(_log_normal_terms, x, mu, logvar)
    scale = mp_map(lambda a, m, lv: abs(_log_normal_terms(a, m, lv)) + abs(lv) / 2, x, mu, logvar)
    assert_numerics(got, terms.sum(-1), kind="edge_reduction", scale=scale.sum(-1),
                    what=f"log N(x; mu, exp(logvar)) at the {dtype} edges (x = mu: {same})")


# ----------------------------------------------------------------------------- KL divergences


@settings(max_examples=6)
@given(case=gaussian_args("kl_normal_std", ("mu", "logvar")))
def test_kl_normal_std_is_exact_to_the_edges(impl, case):
    """KL(N(mu, exp(logvar)) || N(0, I)) = sum (exp(logvar) - 1 - logvar + mu^2) / 2: exp(logvar) / 2
    is finite where exp(logvar) overflows (float32 logvar in [88.7, 89.4])."""
    dtype, (mu, logvar) = case
    got = impl.kl_normal_std(mu, logvar)
    truth = mp_map(lambda m, lv: _half_exp_minus(lv) + m * m / 2, mu, logvar)
    scale = mp_map(lambda m, lv: (abs(mpmath.expm1(lv)) + abs(lv) + m * m) / 2, mu, logvar)
    assert_numerics(got, truth.sum(-1), kind="edge_reduction", scale=scale.sum(-1),
                    what=f"KL(q || N(0, I)) at the {dtype} edges")


@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_kl_normal_std_where_only_the_half_variance_is_representable(impl, dtype):
    """exp(logvar) / 2 fits the dtype where exp(logvar) does not: float32 logvar = 89 gives
    KL = 2.2e38 (exp(89) = 4.5e38 overflows); float64 logvar = 710 gives 1.1e308."""
    lv = {dom.F64: 710.0, dom.F32: 89.0, dom.BF16: 89.0, dom.F16: 11.5}[dtype]
    mu, logvar = torch.zeros(1, dtype=dtype), torch.full((1,), lv, dtype=dtype)
    truth = mp_map(lambda v: _half_exp_minus(v), logvar).sum(-1)
    assert_numerics(impl.kl_normal_std(mu, logvar), truth, kind="edge_reduction",
                    what=f"KL at logvar = {lv} ({dtype}): exp(logvar) overflows, exp(logvar) / 2 does not")


def _kl_terms(mq, lq, mp_, lp):
    return _half_exp_minus(lq - lp) + (mq - mp_) ** 2 * mpmath.exp(-lp) / 2


@settings(max_examples=6)
@given(case=gaussian_args("kl_normal", ("logvar_q, logvar_p",) * 2 + ("mu_q, mu_p",) * 2), same=st.booleans())
def test_kl_normal_is_exact_to_the_edges(impl, case, same):
    """KL(q || p) with both log-variances at the edges, and q = p (KL exactly 0): a ratio
    exp(logvar_q) / exp(logvar_p) is 0 / 0 at -89 and inf / inf at 89 (float32)."""
    dtype, (logvar_q, logvar_p, mu_q, mu_p) = case
    if same:
        logvar_p, mu_p = logvar_q.clone(), mu_q.clone()
    got = impl.kl_normal(mu_q, logvar_q, mu_p, logvar_p)
    truth = mp_map(_kl_terms, mu_q, logvar_q, mu_p, logvar_p).sum(-1)
    scale = mp_map(lambda mq, lq, mp_, lp: abs(_kl_terms(mq, lq, mp_, lp)) + abs(mpmath.expm1(lq - lp)) + abs(lq - lp),
                   mu_q, logvar_q, mu_p, logvar_p).sum(-1)
    assert_numerics(got, truth, kind="edge_reduction", scale=scale,
                    what=f"KL(q || p) at the {dtype} edges (q = p: {same})")
    if same:
        assert bool((got == 0).all()), f"KL(q || q) = {got.tolist()}, not 0"


GAUSSIAN_ARITIES = {"reparameterize": 3, "log_normal": 3, "kl_normal_std": 2, "kl_normal": 4}


@pytest.mark.parametrize(("function", "position"),
                         [(f, p) for f, n in GAUSSIAN_ARITIES.items() for p in range(n)])
def test_gaussian_functions_return_the_promoted_dtype_of_mixed_arguments(impl, function, position):
    """One float64 argument among float32 ones: the result is float64, as plain torch arithmetic on
    them gives (torch.promote_types), whichever argument it is."""
    generator = torch.Generator().manual_seed(position)
    args = [torch.randn(2, 3, generator=generator, dtype=torch.float32) for _ in range(GAUSSIAN_ARITIES[function])]
    args[position] = args[position].to(torch.float64)
    got = getattr(impl, function)(*args)
    assert got.dtype == torch.float64, f"{function} with argument {position} in float64, the rest float32: {got.dtype}"
