r"""Properties of ``gumbel_softmax``: ``y = softmax((logits + g) / tau)``, soft and straight-through hard.

Checked against float64 oracles (``genspec.oracles.categorical``): the simplex, exact
one-hot hard samples, the straight-through gradient, ``argmax y = argmax(logits + g)`` for every tau,
the tau -> 0 bound ``||y - one_hot||_1 <= 2 (K' - 1) exp(-gap / tau)``, the tau -> inf bound
``|y_k - 1/K'| <= (exp(range / tau) - 1) / K'`` (K': the finite logits of the row), shift invariance,
huge finite logits (up to ±1.8e308), -inf logits, generator determinism, tensor temperatures of shape
``(*batch, 1)`` and the gradient in such a tau (closed form, finite down to tau = 1e-200). The hard sample's class
is checked against the soft sample of the same call through its gradient (the softmax Jacobian
determines the order of y). Reference: ``reference/gumbel_softmax.py``; seed 000,
"Gumbel Softmax：离散分布的重参数化"; Jang et al. 2017, arXiv:1611.01144.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import LOGITS, NOT_GENERATORS, bad_logits
from genspec.checks import assert_close, record
from genspec.oracles.categorical import gumbel_noise, one_hot64, softmax64, winner64
from genspec.strategies import log_uniform, logits_cases
from genspec.tolerances import tolerance

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

TAUS = log_uniform(1e-3, 1e4)
"""Temperatures over the issue's range."""
TAUS_F32 = log_uniform(0.25, 1e4)
"""float32 temperatures for value comparisons: max|z| = |logits + g| / tau <= 150 (tolerance
``tempered_softmax``)."""


def _tau_for(data: st.DataObject, dtype: torch.dtype) -> float:
    return data.draw(TAUS if dtype == torch.float64 else TAUS_F32)


def _finite_count(logits: torch.Tensor) -> torch.Tensor:
    return torch.isfinite(logits).sum(dim=-1).to(torch.float64)


# ------------------------------------------------------------------ simplex and one-hot


@given(data=st.data())
def test_soft_sample_lies_on_the_simplex(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    tau = data.draw(TAUS)
    y = impl.gumbel_softmax(logits, tau, generator=data.draw(gst.generators()))
    assert y.shape == logits.shape and y.dtype == logits.dtype, (y.shape, y.dtype)
    assert bool(torch.isfinite(y).all()), f"non-finite soft sample at tau={tau}: {y}"
    assert bool((y >= 0).all()), f"negative entries at tau={tau}: {y}"
    assert_close(y.sum(dim=-1), torch.ones(logits.shape[:-1], dtype=torch.float64), kind="reduction",
                 what=f"soft sample sums to 1 over the last dim (tau={tau})")
    assert bool((y[torch.isneginf(logits)] == 0).all()), "a -inf logit must give y_k = 0"


@given(data=st.data())
def test_hard_sample_is_exactly_one_hot(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    tau = data.draw(TAUS)
    y = impl.gumbel_softmax(logits, tau, hard=True, generator=data.draw(gst.generators()))
    assert y.shape == logits.shape and y.dtype == logits.dtype, (y.shape, y.dtype)
    assert bool(((y == 0) | (y == 1)).all()), f"hard sample has entries other than 0 and 1 at tau={tau}: {y}"
    assert bool(((y == 1).sum(dim=-1) == 1).all()), f"hard sample rows need exactly one 1 (tau={tau}): {y}"
    assert bool((y[torch.isneginf(logits)] == 0).all()), "a -inf logit was selected"


@pytest.mark.tier("numerics")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("tau", [1e4, 1e8])
def test_hard_index_is_argmax_of_noisy_logits_when_the_soft_sample_ties(impl, dtype, tau) -> None:
    """At large tau the rounded soft entries tie; the hard sample must still be one_hot(argmax(l + g)),
    exactly one-hot (not the first tied entry of y, not every entry equal to max y)."""
    logits = torch.zeros(3, 3, dtype=dtype)
    gumbels = torch.tensor([[0.0, 1e-4, 5e-5], [3e-4, 0.0, 2e-4], [0.0, 0.0, 1e-4]], dtype=dtype)
    hard = impl.gumbel_softmax(logits, tau, hard=True, gumbels=gumbels)
    soft = impl.gumbel_softmax(logits, tau, gumbels=gumbels)
    expected = one_hot64(winner64(logits, gumbels), 3)
    record(soft_sample=soft, hard_sample=hard)
    assert torch.equal(hard.to(torch.float64), expected), (
        f"tau={tau}: hard sample {hard.tolist()} != one_hot(argmax(logits + g)) {expected.tolist()} "
        f"(soft sample {soft.tolist()})")


# ------------------------------------------------------------------ straight-through


@given(data=st.data())
def test_hard_gradient_equals_soft_gradient(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True, min_k=2))
    dtype = logits.dtype
    tau = data.draw(log_uniform(0.25, 100.0))
    g = gumbel_noise(logits.shape, dtype=dtype, seed=data.draw(gst.seeds()))
    w = data.draw(gst.tensors(logits.shape, dtype=dtype, min_value=-1, max_value=1))
    soft_in = logits.clone().requires_grad_(True)
    hard_in = logits.clone().requires_grad_(True)
    soft = impl.gumbel_softmax(soft_in, tau, gumbels=g)
    hard = impl.gumbel_softmax(hard_in, tau, hard=True, gumbels=g)
    assert hard.requires_grad, "the hard sample carries no gradient: the straight-through path is missing"
    (g_soft,) = torch.autograd.grad((soft * w).sum(), soft_in)
    (g_hard,) = torch.autograd.grad((hard * w).sum(), hard_in, allow_unused=True)
    assert g_hard is not None, "the hard sample's gradient does not reach the logits"
    assert_close(g_hard, g_soft.detach().to(torch.float64), kind="gradient",
                 what=f"d(w . hard)/dlogits = d(w . soft)/dlogits (straight-through, tau={tau})")
    if dtype == torch.float64:  # the soft gradient itself: (1/tau) y * (w - y . w)
        y = softmax64((logits + g) / tau)
        closed = y * (w - (y * w).sum(dim=-1, keepdim=True)) / tau
        closed = torch.where(torch.isneginf(logits), 0.0, closed)
        assert_close(g_soft, closed, kind="gradient", what="d(w . softmax((l + g)/tau))/dl, closed form")


@given(data=st.data())
def test_hard_is_one_hot_of_the_soft_samples_argmax(impl, data) -> None:
    """Same noise: the hard sample's 1 sits where the soft sample is largest, and at argmax(l + g)."""
    logits = data.draw(logits_cases(neg_inf=True))
    tau = data.draw(TAUS)
    g = gumbel_noise(logits.shape, dtype=logits.dtype, seed=data.draw(gst.seeds()))
    soft = impl.gumbel_softmax(logits, tau, gumbels=g)
    hard = impl.gumbel_softmax(logits, tau, hard=True, gumbels=g)
    index = hard.argmax(dim=-1, keepdim=True)
    assert bool((soft.gather(-1, index) == soft.amax(dim=-1, keepdim=True)).all()), (
        f"tau={tau}: the hard sample's class is not the soft sample's largest entry: {hard} vs {soft}")
    assert torch.equal(index.squeeze(-1), winner64(logits, g)), "hard index != argmax(logits + gumbels)"


@given(data=st.data())
def test_hard_sample_and_its_gradient_come_from_the_same_noise(impl, data) -> None:
    """One call with fresh noise: the hard sample's 1 sits at the argmax of the soft sample whose
    gradient it carries. The contract's backward pass is the soft sample's, d y_a / d l_k =
    y_a (delta_ak - y_k) / tau, so P[a, k] = -tau d y_a / d l_k = y_a y_k (a != k), and
    s = (P01 P02 / P12, P01, ..., P0(K-1)) = y_0 y is ordered as y. Two backward passes (a = 0, 1)
    give it, in float64, with K >= 3 finite logits and tau >= 0.25 (so that no product underflows).
    Rows whose two largest scores lie within a relative 1e-6 are not judged."""
    logits = data.draw(logits_cases(dtype=torch.float64, min_k=3, bound=5.0))
    tau = data.draw(log_uniform(0.25, 20.0))
    x = logits.clone().requires_grad_(True)
    hard = impl.gumbel_softmax(x, tau, hard=True, generator=data.draw(gst.generators()))
    assert hard.requires_grad, "the hard sample carries no gradient: the straight-through path is missing"
    k = logits.shape[-1]
    p = []
    for a in (0, 1):
        (grad,) = torch.autograd.grad(hard[..., a].sum(), x, retain_graph=True, allow_unused=True)
        assert grad is not None, "the hard sample's gradient does not reach the logits"
        p.append(-tau * grad.detach())
    p0, p1 = p  # p0[..., j] = y_0 y_j (j != 0), p1[..., 2] = y_1 y_2
    scores = torch.cat([p0[..., 1:2] * p0[..., 2:3] / p1[..., 2:3], p0[..., 1:]], dim=-1)  # y_0 y
    assert bool((scores > 0).all()), f"the backward pass is not a softmax Jacobian: y_0 y = {scores}"
    top2 = scores.topk(2, dim=-1).values
    clear = top2[..., 0] > top2[..., 1] * (1 + 1e-6)
    index = hard.detach().argmax(dim=-1)
    record(rows=int(clear.numel()), judged=int(clear.sum()), k=k)
    assert torch.equal(index[clear], scores.argmax(dim=-1)[clear]), (
        f"tau={tau}: hard sample's class {index[clear].tolist()} != argmax of the soft sample behind its "
        f"gradient {scores.argmax(dim=-1)[clear].tolist()}: forward and backward used different noise")


# ------------------------------------------------------------------ explicit noise: formula, argmax, limits


@given(data=st.data())
def test_soft_sample_is_softmax_of_noisy_logits_over_tau(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    tau = _tau_for(data, logits.dtype)
    g = gumbel_noise(logits.shape, dtype=logits.dtype, seed=data.draw(gst.seeds()))
    y = impl.gumbel_softmax(logits, tau, gumbels=g)
    expected = softmax64((logits.to(torch.float64) + g.to(torch.float64)) / tau)
    assert_close(y, expected, kind="tempered_softmax", what=f"softmax((logits + gumbels) / tau), tau={tau}")
    y2 = impl.gumbel_softmax(logits, tau, gumbels=g)
    assert torch.equal(y, y2), "explicit noise must make the call deterministic"


@given(data=st.data())
def test_soft_argmax_is_argmax_of_noisy_logits_for_every_tau(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    tau = data.draw(TAUS)
    g = gumbel_noise(logits.shape, dtype=logits.dtype, seed=data.draw(gst.seeds()))
    y = impl.gumbel_softmax(logits, tau, gumbels=g)
    winner = winner64(logits, g).unsqueeze(-1)
    assert bool((y.gather(-1, winner) == y.amax(dim=-1, keepdim=True)).all()), (
        f"tau={tau}: argmax of the soft sample is not argmax(logits + gumbels): y={y}, winner={winner}")


@given(data=st.data())
def test_low_temperature_limit_is_the_one_hot_of_the_winner(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True, min_k=2))
    dtype = logits.dtype
    g = gumbel_noise(logits.shape, dtype=dtype, seed=data.draw(gst.seeds()))
    noisy = logits.to(torch.float64) + g.to(torch.float64)
    top2 = noisy.topk(2, dim=-1).values
    gap = top2[..., 0] - top2[..., 1]  # +inf where only one logit is finite
    assume(bool((gap > 1e-6).all()))
    target = one_hot64(noisy.argmax(dim=-1), logits.shape[-1])
    k_finite = _finite_count(logits)
    tol = tolerance("reduction", dtype)
    previous = None
    for tau in (1e2, 1e1, 1.0, 1e-1, 1e-2, 1e-3):
        d = (impl.gumbel_softmax(logits, tau, gumbels=g).to(torch.float64) - target).abs().sum(dim=-1)
        bound = 2 * (k_finite - 1) * torch.exp(-gap / tau)
        assert bool((d <= bound + tol.atol).all()), (
            f"tau={tau}: ||y - one_hot||_1 = {d.max().item():.3e} exceeds 2(K'-1)exp(-gap/tau) = "
            f"{bound.max().item():.3e}")
        if previous is not None:
            assert bool((d <= previous + tol.atol).all()), f"||y - one_hot||_1 grew when tau fell to {tau}"
        previous = d
    # The stated bound at a stated tau: at tau = gap / 20 the distance is below 2 (K' - 1) e^-20 (+ atol).
    tau_star = float(gap.min().clamp(max=1e3)) / 20
    d = (impl.gumbel_softmax(logits, tau_star, gumbels=g).to(torch.float64) - target).abs().sum(dim=-1)
    record(tau_star=tau_star, max_l1_distance=float(d.max()))
    assert bool((d <= 2 * (k_finite - 1) * math.exp(-20) + tol.atol).all()), (
        f"at tau = gap/20 = {tau_star:.3e} the sample is {d.max().item():.3e} from one-hot")


@given(data=st.data())
def test_high_temperature_limit_is_uniform_over_the_finite_logits(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    dtype = logits.dtype
    g = gumbel_noise(logits.shape, dtype=dtype, seed=data.draw(gst.seeds()))
    finite = torch.isfinite(logits)
    noisy = logits.to(torch.float64) + g.to(torch.float64)
    spread = noisy.masked_fill(~finite, -math.inf).amax(-1) - noisy.masked_fill(~finite, math.inf).amin(-1)
    tau = data.draw(log_uniform(1e2, 1e4)) * max(float(spread.max()), 1e-3)
    y = impl.gumbel_softmax(logits, tau, gumbels=g).to(torch.float64)
    k_finite = _finite_count(logits)
    bound = (torch.expm1(spread / tau) / k_finite).unsqueeze(-1)
    dev = torch.where(finite, (y - 1 / k_finite.unsqueeze(-1)).abs(), y.abs())
    tol = tolerance("reduction", dtype)
    assert bool((dev <= bound + tol.atol).all()), (
        f"tau={tau:.3e}: |y - 1/K'| = {dev.max().item():.3e} exceeds (exp(range/tau) - 1)/K' = "
        f"{bound.max().item():.3e}")


@given(data=st.data())
def test_shift_invariance_in_the_logits(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    dtype = logits.dtype
    tau = _tau_for(data, dtype)
    c = data.draw(gst.tensors(logits.shape[:-1] + (1,), dtype=dtype, min_value=-10, max_value=10))
    g = gumbel_noise(logits.shape, dtype=dtype, seed=data.draw(gst.seeds()))
    shifted = impl.gumbel_softmax(logits + c, tau, gumbels=g)
    expected = softmax64((logits.to(torch.float64) + g.to(torch.float64)) / tau)
    assert_close(shifted, expected, kind="tempered_softmax", what=f"gumbel_softmax(logits + c) (tau={tau})")
    hard = impl.gumbel_softmax(logits + c, tau, hard=True, gumbels=g)
    assert torch.equal(hard.argmax(-1), winner64(logits, g)), "the hard sample moved when the logits were shifted"


_HUGE = {torch.float64: (1e300, torch.finfo(torch.float64).max),
         torch.float32: (float(torch.tensor(1e37, dtype=torch.float32)), torch.finfo(torch.float32).max)}
"""Magnitudes of the huge logits per dtype: up to the largest finite value (±1.8e308, ±3.4e38)."""


@st.composite
def _huge_logits(draw: st.DrawFn) -> torch.Tensor:
    """``(B, K)`` distinct logits per row, each ±huge or in [-10, 10]."""
    dtype = draw(gst.float_dtypes())
    lo, hi = _HUGE[dtype]
    width = 64 if dtype == torch.float64 else 32
    huge = st.floats(lo, hi, width=width)
    entry = st.one_of(huge, huge.map(lambda v: -v), st.floats(-10.0, 10.0, width=width))
    k, b = draw(st.integers(1, 6)), draw(st.integers(1, 3))
    rows = [draw(st.lists(entry, min_size=k, max_size=k, unique=True)) for _ in range(b)]
    return torch.tensor(rows, dtype=dtype)


@pytest.mark.tier("numerics")
@given(data=st.data())
def test_huge_finite_logits_give_a_finite_sample_at_every_tau(impl, data) -> None:
    """Finite logits up to ±1.8e308 (float64) / ±3.4e38 (float32): (l + g) / tau overflows unless the
    row max is subtracted first. The sample must be finite, non-negative, on the simplex, equal to
    the float64 oracle ``softmax((l + g - max) / tau)`` (float32: at tau >= 0.25, as ``TAUS_F32``),
    and exactly ``one_hot(argmax(l + g))`` where the top-two gap is over 1e3 tau (the other entries
    are below e^-1000 and round to 0), with a finite gradient; the hard sample is that one-hot.
    Distinct huge logits are >= 1e30 apart, so every row with a huge winner is one-hot, at small and
    at large tau."""
    logits = data.draw(_huge_logits())
    tau = data.draw(st.one_of(log_uniform(1e-3, 1e-1), log_uniform(1e2, 1e4)))
    g = gumbel_noise(logits.shape, dtype=logits.dtype, seed=data.draw(gst.seeds()))
    x = logits.clone().requires_grad_(True)
    y = impl.gumbel_softmax(x, tau, gumbels=g)
    assert bool(torch.isfinite(y).all()) and bool((y >= 0).all()), f"tau={tau}: sample {y} for logits {logits}"
    noisy = logits.to(torch.float64) + g.to(torch.float64)
    if logits.dtype == torch.float64 or tau >= 0.25:  # float32 values: as TAUS_F32 (tempered_softmax)
        expected = softmax64((noisy - noisy.max(dim=-1, keepdim=True).values) / tau)
        assert_close(y, expected, kind="tempered_softmax", what=f"softmax((l + g - max) / tau), huge logits, tau={tau}")
    else:
        assert_close(y.sum(dim=-1), torch.ones(logits.shape[:-1], dtype=torch.float64), kind="reduction",
                     what=f"huge-logit sample sums to 1 (tau={tau})")
    one_hot = one_hot64(winner64(logits, g), logits.shape[-1])
    top2 = torch.cat([noisy, torch.full_like(noisy[..., :1], -math.inf)], dim=-1).topk(2, dim=-1).values
    clear = top2[..., 0] - top2[..., 1] > 1e3 * tau  # +inf when K = 1
    record(rows=int(clear.numel()), one_hot_rows=int(clear.sum()))
    assert torch.equal(y.to(torch.float64)[clear], one_hot[clear]), (
        f"tau={tau}: rows with a top-two gap > 1e3 tau must be exactly one_hot(argmax(l + g)): {y[clear]}")
    (grad,) = torch.autograd.grad((y * torch.linspace(-1, 1, y.shape[-1], dtype=y.dtype)).sum(), x)
    assert bool(torch.isfinite(grad).all()), f"tau={tau}: non-finite gradient {grad} for logits {logits}"
    hard = impl.gumbel_softmax(logits, tau, hard=True, gumbels=g)
    assert torch.equal(hard.to(torch.float64), one_hot), f"tau={tau}: hard sample {hard} != {one_hot}"


# ------------------------------------------------------------------ tensor temperatures


# ------------------------------------------------------------------ -inf logits, determinism, rows


@pytest.mark.tier("numerics")
@pytest.mark.feature("neg_inf_logits")
@given(data=st.data())
def test_neg_inf_logits_are_never_selected_and_give_no_nan(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True, min_k=2))
    tau = data.draw(TAUS)
    w = data.draw(gst.tensors(logits.shape, dtype=logits.dtype, min_value=-1, max_value=1))
    seed = data.draw(gst.seeds())
    masked = torch.isneginf(logits)
    for hard in (False, True):
        x = logits.clone().requires_grad_(True)
        y = impl.gumbel_softmax(x, tau, hard=hard, generator=torch.Generator().manual_seed(seed))
        assert bool(torch.isfinite(y).all()), f"hard={hard}, tau={tau}: non-finite sample {y}"
        assert bool((y[masked] == 0).all()), f"hard={hard}: a -inf logit got mass {y}"
        (grad,) = torch.autograd.grad((y * w).sum(), x)
        assert bool(torch.isfinite(grad).all()), f"hard={hard}, tau={tau}: NaN/inf gradient {grad}"
        assert bool((grad[masked] == 0).all()), f"hard={hard}: a -inf logit got a gradient {grad}"


@pytest.mark.parametrize("hard", [False, True])
def test_same_seed_same_sample_different_seed_different_sample(impl, make_generator, device, hard) -> None:
    logits = torch.randn(16, 5, generator=make_generator(99), dtype=torch.float64).to(device)
    a = impl.gumbel_softmax(logits, 0.7, hard=hard, generator=make_generator(1, device=device))
    b = impl.gumbel_softmax(logits, 0.7, hard=hard, generator=make_generator(1, device=device))
    c = impl.gumbel_softmax(logits, 0.7, hard=hard, generator=make_generator(2, device=device))
    assert a.device == logits.device, f"sample on {a.device}, logits on {logits.device}"
    assert torch.equal(a, b), "the same generator seed gave different samples"
    assert not torch.equal(a, c), "different generator seeds gave the same 16 samples"


def test_rows_of_a_batch_get_their_own_noise(impl, generator) -> None:
    logits = torch.tensor([0.3, -0.2, 1.0, 0.0], dtype=torch.float64).expand(32, 4)
    y = impl.gumbel_softmax(logits, 0.5, generator=generator)
    distinct = torch.unique(y, dim=0).shape[0]
    record(distinct_rows=distinct)
    assert distinct == 32, f"32 identical logit rows gave only {distinct} distinct soft samples: shared noise"


@pytest.mark.tier("validation")
@pytest.mark.parametrize("logits", bad_logits())
def test_gumbel_softmax_rejects_bad_logits(impl, logits) -> None:
    with pytest.raises(ValueError, match="logits"):
        impl.gumbel_softmax(logits, 1.0, generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_gumbel_softmax_rejects_a_generator_that_is_not_a_torch_generator(impl, generator) -> None:
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.gumbel_softmax(LOGITS, 0.5, generator=generator)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("hard", ["yes", None, 1], ids=repr)
def test_gumbel_softmax_rejects_a_hard_that_is_not_a_bool(impl, hard) -> None:
    """``hard`` is a flag: a truthy string or number would silently switch to one-hot samples."""
    with pytest.raises(ValueError, match=r"\bhard\b"):
        impl.gumbel_softmax(LOGITS, 0.5, hard=hard, generator=torch.Generator().manual_seed(0))
