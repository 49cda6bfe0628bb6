r"""Properties of ``concrete_log_prob``, the log density of the Concrete (Gumbel-Softmax) distribution.

    p(y) = (K - 1)! tau^(K - 1) prod_k [alpha_k y_k^(-tau - 1)] / (sum_i alpha_i y_i^(-tau))^K

(Lebesgue measure on y_1..y_{K-1}; alpha = exp(logits)). Oracles: the product form above in float64
where it cannot overflow, the binary Concrete closed form, and ``scipy.integrate``: the density
integrates to 1 (K = 2 by ``quad`` in the coordinate s = logit(y_1), dy_1 = y_1 y_2 ds; K = 3 by an
adaptive ``quad`` over y_1 around a vectorised Gauss-Legendre ``fixed_quad`` over the segment
y_2 + y_3 = 1 - y_1, at integer tau, where the integrand is analytic on the closed triangle), and for
K = 2 the law of y_1 is ``P(y_1 <= x) = sigmoid(tau logit(x) - (l_1 - l_2))``, so P(y_1 > 1/2) = p_1.
A tensor tau broadcastable to ``(*batch, 1)`` gives each row its temperature; a point with an entry
``<= 0`` has log density -inf, and masking such points out leaves finite gradients.

Reference: ``reference/concrete.py``; Maddison et al. 2017, arXiv:1611.00712, eq. (6) and Appendix C.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, special

from genspec import strategies as gst
from genspec.bad_inputs import (
    BAD_TAUS,
    LOGITS,
    NOT_NUMBERS,
    bad_logits,
    bad_tensor_taus,
    simplex_points,
)
from genspec.checks import assert_close, record
from genspec.oracles.categorical import gumbel_noise, tensor_tau_shapes
from genspec.strategies import log_uniform, logits_cases

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

_QUAD = dict(epsabs=1e-12, epsrel=1e-12, limit=200)


def _product_form(y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
    """log of the density written as products and powers, in float64 (moderate y only)."""
    y, logits = y.to(torch.float64), logits.to(torch.float64)
    k = y.shape[-1]
    alpha = torch.exp(logits)
    num = math.factorial(k - 1) * tau ** (k - 1) * torch.prod(alpha * y ** (-tau - 1), dim=-1)
    den = torch.sum(alpha * y ** (-tau), dim=-1) ** k
    return torch.log(num / den)


def _log_space_oracle(y: np.ndarray, logits: np.ndarray, tau: float | np.ndarray) -> np.ndarray:
    """The same log density in numpy float64 with scipy's logsumexp, for extreme y; ``tau`` a number
    or an array broadcastable to ``(*batch, 1)`` (one temperature per row)."""
    k = y.shape[-1]
    tau = np.asarray(tau, dtype=np.float64)
    tau = tau.reshape(1) if tau.ndim == 0 else tau  # (*batch, 1)
    log_y = np.log(y)
    return (special.gammaln(k) + (k - 1) * np.log(tau[..., 0]) + np.sum(logits - (tau + 1) * log_y, axis=-1)
            - k * special.logsumexp(logits - tau * log_y, axis=-1))


def _torch_log_density(y: torch.Tensor, logits: torch.Tensor, tau: torch.Tensor) -> torch.Tensor:
    """The log-space formula in torch float64 (differentiable), ``tau`` of shape ``(*batch, 1)``,
    for interior points only: the gradient oracle."""
    k = y.shape[-1]
    log_y = torch.log(y)
    return (math.lgamma(k) + (k - 1) * torch.log(tau[..., 0]) + torch.sum(logits - (tau + 1) * log_y, dim=-1)
            - k * torch.logsumexp(logits - tau * log_y, dim=-1))


def _simplex_points(data: st.DataObject, shape: tuple[int, ...], floor: float) -> torch.Tensor:
    raw = data.draw(gst.tensors(shape, dtype=torch.float64, min_value=floor, max_value=1.0))
    return raw / raw.sum(dim=-1, keepdim=True)


# ------------------------------------------------------------------ closed forms


@given(data=st.data())
def test_matches_the_product_form(impl, data) -> None:
    logits = data.draw(logits_cases(dtype=torch.float64, min_k=2, bound=5.0))
    y = _simplex_points(data, logits.shape, 1e-3)
    tau = data.draw(log_uniform(0.1, 5.0))
    got = impl.concrete_log_prob(y, logits, tau)
    assert tuple(got.shape) == tuple(logits.shape[:-1]), f"shape {tuple(got.shape)}"
    assert_close(got, _product_form(y, logits, tau), kind="concrete_log_density",
                 what=f"log Concrete density vs (K-1)! tau^(K-1) prod(...) / (sum ...)^K, tau={tau}")


@given(data=st.data())
def test_binary_concrete_closed_form(impl, data) -> None:
    x = data.draw(st.floats(1e-6, 1 - 1e-6))
    logits = data.draw(gst.tensors((2,), dtype=torch.float64, min_value=-5, max_value=5))
    tau = data.draw(log_uniform(0.05, 20.0))
    a = math.exp(float(logits[0] - logits[1]))
    closed = tau * a * x ** (-tau - 1) * (1 - x) ** (-tau - 1) / (a * x ** (-tau) + (1 - x) ** (-tau)) ** 2
    got = impl.concrete_log_prob(torch.tensor([x, 1 - x], dtype=torch.float64), logits, tau)
    assert_close(got, math.log(closed), kind="concrete_log_density",
                 what=f"binary Concrete tau a x^(-tau-1)(1-x)^(-tau-1)/(a x^-tau + (1-x)^-tau)^2 at x={x}")


@given(data=st.data())
def test_invariant_to_shifting_the_logits(impl, data) -> None:
    logits = data.draw(logits_cases(dtype=torch.float64, min_k=2, bound=5.0))
    y = _simplex_points(data, logits.shape, 1e-4)
    c = data.draw(st.floats(-30, 30))
    tau = data.draw(log_uniform(0.1, 5.0))
    assert_close(impl.concrete_log_prob(y, logits + c, tau), _product_form(y, logits, tau),
                 kind="concrete_log_density", what=f"log density with logits + {c} (tau={tau})")


@pytest.mark.feature("tensor_tau")
@pytest.mark.parametrize("batch", [(), (4,), (2, 3)], ids=str)
@given(data=st.data())
def test_tensor_tau_gives_each_row_its_own_temperature(impl, batch, data) -> None:
    """``tau`` may be a tensor broadcastable to ``(*batch, 1)``: 0-d, ``(1,)``, ``(*batch, 1)`` or a
    suffix of it. The result has shape ``(*batch)`` (never ``(*batch, 1)`` or ``(*batch, *batch)``),
    and row b is the log density at temperature ``tau[b]``; the trailing 1 is squeezed, not another
    axis."""
    k = data.draw(st.integers(2, 5))
    logits = data.draw(gst.tensors(batch + (k,), dtype=torch.float64, min_value=-5, max_value=5))
    y = _simplex_points(data, batch + (k,), 1e-3)
    taus = 10.0 ** data.draw(gst.tensors(batch + (1,), dtype=torch.float64, min_value=-1.0, max_value=0.7))
    for tau in tensor_tau_shapes(taus):  # temperatures in [0.1, 5], below and above 1
        tau_shape = tuple(tau.shape)
        got = impl.concrete_log_prob(y, logits, tau)
        assert tuple(got.shape) == batch, f"tau.shape={tau_shape}: result shape {tuple(got.shape)} != batch {batch}"
        expected = _log_space_oracle(y.numpy(), logits.numpy(), tau.numpy())
        assert_close(got, torch.from_numpy(np.asarray(expected)), kind="concrete_log_density",
                     what=f"log density with a tensor tau of shape {tau_shape}, batch {batch}")


# ------------------------------------------------------------------ the boundary of the simplex


@pytest.mark.tier("numerics")
@given(data=st.data())
def test_points_with_a_zero_or_negative_entry_have_log_density_neg_inf(impl, data) -> None:
    """The support is the open simplex: a point with an entry exactly 0 (a float32 sample whose small
    coordinates underflowed) or below 0 has density 0, log density -inf, while the interior rows of
    the same batch keep their finite values."""
    dtype = data.draw(gst.float_dtypes())
    b, k = data.draw(st.integers(2, 6)), data.draw(st.integers(2, 5))
    logits = data.draw(gst.tensors((b, k), dtype=torch.float64, min_value=-5, max_value=5))
    y = _simplex_points(data, (b, k), 1e-3)
    off = torch.tensor(data.draw(st.lists(st.booleans(), min_size=b, max_size=b)))
    off[0] = True
    rows = torch.arange(b)[off]
    cols = torch.tensor(data.draw(st.lists(st.integers(0, k - 1), min_size=b, max_size=b)))[off]
    entries = data.draw(st.lists(st.sampled_from([0.0, -0.0, -1e-3, -0.5]), min_size=b, max_size=b))
    y[rows, cols] = 0.0
    y = y / y.sum(dim=-1, keepdim=True)  # the other entries sum to 1
    y[rows, cols] = torch.tensor(entries, dtype=torch.float64)[off]
    tau = data.draw(log_uniform(0.1, 5.0))
    got = impl.concrete_log_prob(y.to(dtype), logits.to(dtype), tau)
    assert bool(torch.isneginf(got[off]).all()), (
        f"tau={tau}: points with an entry <= 0 must give -inf, got {got[off].tolist()} at {y[off].tolist()}")
    inside = ~off
    if bool(inside.any()):
        y_in, l_in = y.to(dtype)[inside].double().numpy(), logits.to(dtype)[inside].double().numpy()
        expected = _log_space_oracle(y_in, l_in, tau)
        assert_close(got[inside], torch.from_numpy(np.asarray(expected)), kind="concrete_log_density",
                     what=f"interior rows next to boundary points (tau={tau})")


@pytest.mark.tier("numerics")
@given(data=st.data())
def test_masking_out_boundary_points_leaves_finite_gradients(impl, data) -> None:
    """``torch.where(isfinite(log_p), log_p, 0).sum()`` over a batch with boundary points (an entry
    exactly 0: log density -inf) has a finite gradient in y, logits and a tensor tau: zero from the
    boundary rows (no ``0 · inf = NaN`` leaks through the masked branch), and for the interior rows the
    gradient of the log-space formula, by autograd of a float64 oracle written here."""
    b, k = data.draw(st.integers(2, 5)), data.draw(st.integers(2, 5))
    logits = data.draw(gst.tensors((b, k), dtype=torch.float64, min_value=-5, max_value=5))
    y = _simplex_points(data, (b, k), 1e-3)
    off = torch.tensor(data.draw(st.lists(st.booleans(), min_size=b, max_size=b)))
    off[0], off[-1] = True, False
    col = data.draw(st.integers(0, k - 1))
    y[off, col] = 0.0
    y[off] = y[off] / y[off].sum(dim=-1, keepdim=True)
    tau = 10.0 ** data.draw(gst.tensors((b, 1), dtype=torch.float64, min_value=-1.0, max_value=0.7))
    inputs = [t.clone().requires_grad_(True) for t in (y, logits, tau)]
    log_p = impl.concrete_log_prob(*inputs)
    assert bool(torch.isneginf(log_p[off]).all()), f"boundary rows must be -inf: {log_p.tolist()}"
    grads = torch.autograd.grad(torch.where(torch.isfinite(log_p), log_p, 0.0).sum(), inputs, allow_unused=True)
    inside = ~off
    oracle_in = [t[inside].clone().requires_grad_(True) for t in (y, logits, tau)]
    expected = torch.autograd.grad(_torch_log_density(*oracle_in).sum(), oracle_in)
    for name, grad, exp in zip(("y", "logits", "tau"), grads, expected):
        assert grad is not None, f"no gradient reaches {name}"
        assert bool(torch.isfinite(grad).all()), f"d/d{name} is not finite with boundary rows masked out: {grad}"
        assert bool((grad[off] == 0).all()), f"boundary rows (log density -inf) give d/d{name} = {grad[off]}"
        assert_close(grad[inside], exp, kind="gradient", what=f"d/d{name} of the interior rows' log densities")


# ------------------------------------------------------------------ normalisation by quadrature


S_MAX = 700.0
"""The quadrature evaluates the density only at |s| <= S_MAX, s = logit(y_1): there both coordinates
of y = (sigmoid(s), sigmoid(-s)) are positive in float64 (sigmoid(-700) = 1e-304). Beyond it y rounds
to a vertex, outside the open simplex where the contract defines the density, and the mass there is
below sigmoid(-tau·700 + |l_1 - l_2|) < 1e-29 for every tau of these checks."""


def _k2_integral(impl, logits: torch.Tensor, tau: float, lo: float, hi: float) -> float:
    """∫ p(y_1) dy_1 over y_1 in (sigmoid(lo), sigmoid(hi)), computed in s = logit(y_1)."""
    def integrand(s: float) -> float:
        if abs(s) > S_MAX:
            return 0.0
        y = torch.sigmoid(torch.tensor([s, -s], dtype=torch.float64))  # (y_1, 1 - y_1), both positive
        return math.exp(float(impl.concrete_log_prob(y, logits, tau)) + float(torch.log(y).sum()))

    value, err = integrate.quad(integrand, lo, hi, **_QUAD)
    record(tau=tau, lo=lo, hi=hi, integral=value, quad_error=err)
    return value


@pytest.mark.parametrize("tau", [0.1, 1.0, 10.0])
def test_k2_density_integrates_to_one(impl, tau) -> None:
    logits = torch.tensor([0.7, -0.4], dtype=torch.float64)
    total = _k2_integral(impl, logits, tau, -math.inf, math.inf)
    assert_close(torch.tensor(total, dtype=torch.float64), 1.0, kind="quadrature",
                 what=f"∫_0^1 p(y_1) dy_1 = 1 (K = 2, tau = {tau})")


@pytest.mark.parametrize("tau", [0.1, 1.0, 10.0])
def test_k2_probability_that_y1_exceeds_half_is_p1(impl, tau) -> None:
    logits = torch.tensor([0.7, -0.4], dtype=torch.float64)
    p1 = float(torch.softmax(logits, -1)[0])
    upper = _k2_integral(impl, logits, tau, 0.0, math.inf)
    assert_close(torch.tensor(upper, dtype=torch.float64), p1, kind="quadrature",
                 what=f"P(y_1 > 1/2) = softmax(logits)_1 (K = 2, tau = {tau})")
    for x in (0.05, 0.9):  # the whole CDF: P(y_1 <= x) = sigmoid(tau logit(x) - (l_1 - l_2))
        s = math.log(x / (1 - x))
        lower = _k2_integral(impl, logits, tau, -math.inf, s)
        expected = 1 / (1 + math.exp(-(tau * s - float(logits[0] - logits[1]))))
        assert_close(torch.tensor(lower, dtype=torch.float64), expected, kind="quadrature",
                     what=f"P(y_1 <= {x}) = sigmoid(tau logit(x) - (l_1 - l_2)) (tau = {tau})")


@pytest.mark.parametrize("tau", [1.0, 2.0])
def test_k3_density_integrates_to_one(impl, tau) -> None:
    logits = torch.tensor([0.5, -0.3, 1.0], dtype=torch.float64)

    def inner(y1: float) -> float:
        def along_segment(v: np.ndarray) -> np.ndarray:  # y_2 = (1 - y_1) v, y_3 = (1 - y_1)(1 - v)
            v = torch.as_tensor(v, dtype=torch.float64)
            y = torch.stack([torch.full_like(v, y1), (1 - y1) * v, (1 - y1) * (1 - v)], dim=-1)
            return (torch.exp(impl.concrete_log_prob(y, logits, tau)) * (1 - y1)).detach().numpy()

        return integrate.fixed_quad(along_segment, 0.0, 1.0, n=64)[0]

    total, err = integrate.quad(inner, 0.0, 1.0, **_QUAD)
    record(tau=tau, integral=total, quad_error=err)
    assert_close(torch.tensor(total, dtype=torch.float64), 1.0, kind="quadrature",
                 what=f"∫∫ p(y_1, y_2) dy_2 dy_1 over the triangle = 1 (K = 3, tau = {tau})")


# ------------------------------------------------------------------ small tau: log space


def _small_tau_point(data: st.DataObject, k: int, tau: float, min_log_y: float) -> tuple[torch.Tensor, torch.Tensor]:
    """A typical Concrete point at small tau: tiny entries down to exp(min_log_y), largest entry last."""
    logits = data.draw(gst.tensors((k,), dtype=torch.float32, min_value=-5, max_value=5)).to(torch.float64)
    g = gumbel_noise((k,), dtype=torch.float64, seed=data.draw(gst.seeds()))
    log_y = torch.log_softmax((logits + g) / tau, dim=-1).clamp(min=min_log_y)
    y = torch.exp(log_y)
    y = y / y.sum()
    order = torch.argsort(y)  # the largest coordinate last: y_K = 1 - sum(...) is then accurate too
    return y[order], logits[order]


@pytest.mark.tier("numerics")
@given(data=st.data())
def test_float32_small_tau_is_finite_and_accurate(impl, data) -> None:
    k = data.draw(st.integers(2, 6))
    tau = data.draw(log_uniform(1e-2, 0.2))
    y, logits = _small_tau_point(data, k, tau, min_log_y=-80.0)  # y >= 1.8e-35: float32 normal numbers
    y32, l32 = y.to(torch.float32), logits.to(torch.float32)
    got = impl.concrete_log_prob(y32, l32, tau)
    expected = _log_space_oracle(y32.double().numpy(), l32.double().numpy(), tau)
    record(tau=tau, min_y=float(y32.min()), log_density=float(got))
    assert bool(torch.isfinite(got)), f"log density {got} at a float32 point {y32.tolist()} (tau={tau})"
    assert_close(got, torch.tensor(expected), kind="concrete_log_density",
                 what=f"float32 log density at tau={tau}, min y={float(y32.min()):.2e}")


@pytest.mark.tier("numerics")
@given(data=st.data())
def test_float64_extreme_points_are_finite_and_accurate(impl, data) -> None:
    k = data.draw(st.integers(2, 6))
    tau = data.draw(log_uniform(1e-3, 0.2))
    y, logits = _small_tau_point(data, k, tau, min_log_y=-690.0)  # y down to 1e-300
    got = impl.concrete_log_prob(y, logits, tau)
    expected = _log_space_oracle(y.numpy(), logits.numpy(), tau)
    assert bool(torch.isfinite(got)), f"log density {got} at {y.tolist()} (tau={tau})"
    assert_close(got, torch.tensor(expected), kind="concrete_log_density",
                 what=f"float64 log density at tau={tau}, min y={float(y.min()):.2e}")


@pytest.mark.tier("numerics")
def test_log_density_of_its_own_float32_samples_is_never_nan(impl, generator) -> None:
    """At tau = 0.02 most float32 samples have entries that underflow to 0 (the boundary of the
    simplex): the log density may be -inf or finite there, never NaN."""
    logits = torch.tensor([0.0, 1.0, -1.0, 0.5], dtype=torch.float32)
    y = impl.gumbel_softmax(logits.expand(2000, 4), 0.02, generator=generator)
    log_p = impl.concrete_log_prob(y, logits, 0.02)
    record(rows_with_a_zero=int((y == 0).any(-1).sum()), nan=int(torch.isnan(log_p).sum()))
    assert not bool(torch.isnan(log_p).any()), f"{int(torch.isnan(log_p).sum())} of 2000 log densities are NaN"


@pytest.mark.tier("validation")
@pytest.mark.parametrize("tau", BAD_TAUS)
def test_concrete_log_prob_rejects_a_bad_tau(impl, tau) -> None:
    with pytest.raises(ValueError, match="tau"):
        impl.concrete_log_prob(simplex_points(), LOGITS, tau)


@pytest.mark.tier("validation")
@pytest.mark.feature("tensor_tau")
@pytest.mark.parametrize("tau", bad_tensor_taus())
def test_concrete_log_prob_rejects_a_tensor_tau_with_a_bad_entry(impl, tau) -> None:
    with pytest.raises(ValueError, match="tau"):
        impl.concrete_log_prob(simplex_points(), LOGITS, tau)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("logits", [*bad_logits(), pytest.param(LOGITS.where(LOGITS != -1.0, -math.inf), id="-inf")])
def test_concrete_log_prob_rejects_bad_logits(impl, logits) -> None:
    """NaN, +inf, a row of -inf, and (unlike gumbel_softmax) a single -inf: a class that is never drawn
    puts the distribution on a face of the simplex, where it has no density (docs/spec-api.md)."""
    with pytest.raises(ValueError, match="logits"):
        impl.concrete_log_prob(simplex_points(), logits, 1.0)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("shape", [(2,), (3, 1), (4, 2, 1), (3,), (2, 3)],
                         ids=["(B,)", "(3, 1) for B=2", "(4, B, 1)", "(K,)", "(B, K)"])
def test_concrete_log_prob_rejects_a_tau_that_does_not_broadcast_to_batch_by_one(impl, shape) -> None:
    """The rule of ``gumbel_softmax``: a tensor tau is 0-d or has a last dimension of 1 and broadcasts to
    ``(*batch, 1)`` without adding a batch axis; anything else is an error naming tau."""
    with pytest.raises(ValueError, match=r"\btau\b"):
        impl.concrete_log_prob(simplex_points(), LOGITS, torch.full(shape, 0.5, dtype=torch.float64))


@pytest.mark.tier("validation")
def test_concrete_log_prob_rejects_shapes_that_do_not_fit_naming_them(impl) -> None:
    """y ``(4, 3)`` against logits ``(2, 3)`` does not broadcast, and y ``(2, 4)`` has another K: each a
    ValueError naming y or logits, not a RuntimeError from inside torch."""
    y = torch.full((4, 3), 1 / 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"\b(y|logits)\b"):
        impl.concrete_log_prob(y, LOGITS, 1.0)
    with pytest.raises(ValueError, match=r"\b(y|logits)\b"):
        impl.concrete_log_prob(torch.full((2, 4), 0.25, dtype=torch.float64), LOGITS, 1.0)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("tau", NOT_NUMBERS)
def test_concrete_log_prob_rejects_a_tau_that_is_not_a_real_number(impl, tau) -> None:
    with pytest.raises(ValueError, match=r"\btau\b"):
        impl.concrete_log_prob(simplex_points(), LOGITS, tau)
