r"""Properties of ``gumbel_softmax`` in its temperature: tensor temperatures and bad ones.

``tau`` may be a tensor broadcastable to ``(*batch, 1)``: row b is ``softmax((l_b + g_b) / tau_b)``,
and the gradient in such a tau is the closed form

    d y_k / d tau = -(y_k / tau) (z_k - sum_j y_j z_j),   z = (logits + g) / tau

finite down to tau = 1e-200. A temperature that is not a positive finite number, or a tensor tau
with such an entry or a shape that does not broadcast to ``(*batch, 1)``, raises ``ValueError``
naming ``tau``.

References: seed 000_bf33366f7638eda2.txt, section Gumbel Softmax；Jang et al., arXiv:1611.01144.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import BAD_TAUS, LOGITS, NOT_NUMBERS, bad_tensor_taus
from genspec.checks import assert_close
from genspec.oracles.categorical import (
    gumbel_noise,
    one_hot64,
    softmax64,
    tensor_tau_shapes,
    winner64,
)
from genspec.strategies import logits_cases

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

@pytest.mark.feature("tensor_tau")
@pytest.mark.parametrize("batch", [(), (4,), (2, 3)], ids=str)
@given(data=st.data())
def test_tensor_tau_gives_each_row_its_own_temperature(impl, batch, data) -> None:
    """``tau`` may be a tensor broadcastable to ``(*batch, 1)`` (0-d, ``(1,)``, ``(*batch, 1)`` or a
    suffix of it), with entries below and above 1: row b is ``softmax((l_b + g_b) / tau_b)`` and the
    hard sample is still ``one_hot(argmax(l + g))``."""
    dtype = data.draw(gst.float_dtypes())
    k = data.draw(st.integers(1, 5))
    logits = data.draw(gst.tensors(batch + (k,), dtype=dtype, min_value=-10, max_value=10))
    g = gumbel_noise(logits.shape, dtype=dtype, seed=data.draw(gst.seeds()))
    noisy = logits.to(torch.float64) + g.to(torch.float64)
    taus = 10.0 ** data.draw(gst.tensors(batch + (1,), dtype=torch.float64, min_value=-0.6, max_value=2.0))
    for tau in tensor_tau_shapes(taus.to(dtype)):  # in [0.25, 100], as TAUS_F32
        shape = tuple(tau.shape)
        y = impl.gumbel_softmax(logits, tau, gumbels=g)
        assert y.shape == logits.shape and y.dtype == dtype, f"tau.shape={shape}: sample {y.shape}, {y.dtype}"
        expected = softmax64(noisy / tau.to(torch.float64))
        assert_close(y, expected, kind="tempered_softmax",
                     what=f"softmax((logits + gumbels) / tau) with tau of shape {shape}, batch {batch}")
        hard = impl.gumbel_softmax(logits, tau, hard=True, gumbels=g)
        assert torch.equal(hard.to(torch.float64), one_hot64(winner64(logits, g), k)), (
            f"tau.shape={shape}: hard sample {hard.tolist()} != one_hot(argmax(logits + gumbels))")


@pytest.mark.feature("tensor_tau")
@pytest.mark.feature("neg_inf_logits")
@pytest.mark.parametrize("tau_value", [0.5, 3.0, pytest.param(1e-200, marks=pytest.mark.tier("numerics"))],
                         ids=["tau=0.5", "tau=3", "tau=1e-200"])
@given(data=st.data())
def test_gradient_in_a_tensor_tau_is_the_closed_form_and_finite(impl, tau_value, data) -> None:
    """A tensor tau ``(*batch, 1)`` with requires_grad gets ``d(w . y)/d tau = -(1 / tau) sum_k w_k y_k
    (a_k - sum_j y_j a_j) / tau`` with ``a = l + g`` (float64 closed form), finite with -inf logits
    (whose y_k = 0 contributes 0, not ``0 · inf = NaN``) and at tau = 1e-200, where every row is one-hot
    and the gradient is exactly 0."""
    logits = data.draw(logits_cases(dtype=torch.float64, neg_inf=True, min_k=2, min_rank=1))
    g = gumbel_noise(logits.shape, dtype=torch.float64, seed=data.draw(gst.seeds()))
    w = data.draw(gst.tensors(logits.shape, dtype=torch.float64, min_value=-1, max_value=1))
    spread = 10.0 ** data.draw(gst.tensors(logits.shape[:-1] + (1,), dtype=torch.float64, min_value=0, max_value=0.5))
    tau = (tau_value * spread).requires_grad_(True)  # one temperature per row, in [tau_value, 3.2 tau_value]
    y = impl.gumbel_softmax(logits, tau, gumbels=g)
    (grad,) = torch.autograd.grad((y * w).sum(), tau)
    assert bool(torch.isfinite(grad).all()), f"tau={tau_value}: d/dtau is not finite: {grad}"
    t = tau.detach()
    a = logits + g
    a = a - a.amax(dim=-1, keepdim=True)
    y64 = softmax64(a / t)
    finite = torch.isfinite(a)
    a0 = torch.where(finite, a, 0.0)
    centred = torch.where(finite, (a0 - (y64 * a0).sum(dim=-1, keepdim=True)) / t, 0.0)
    expected = -(w * y64 * centred).sum(dim=-1, keepdim=True) / t
    assert_close(grad, expected, kind="gradient", what=f"d(w . y)/dtau, closed form (tau ~ {tau_value})")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("tau", BAD_TAUS)
@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_rejects_a_bad_tau(impl, tau, hard) -> None:
    with pytest.raises(ValueError, match="tau"):
        impl.gumbel_softmax(LOGITS, tau, hard=hard, generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
@pytest.mark.feature("tensor_tau")
@pytest.mark.parametrize("tau", bad_tensor_taus())
def test_gumbel_softmax_rejects_a_tensor_tau_with_a_bad_entry(impl, tau) -> None:
    """A tensor temperature is checked entry by entry: one zero, negative, NaN or infinite row is an
    error naming tau (a 0 row would otherwise divide by zero), and so is a tensor with no entry."""
    with pytest.raises(ValueError, match="tau"):
        impl.gumbel_softmax(LOGITS, tau, generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("shape", [(2,), (3, 1), (4, 2, 1)], ids=["(B,) without the 1", "(3, 1) for B=2", "(4, B, 1)"])
def test_gumbel_softmax_rejects_a_tau_that_does_not_broadcast_to_batch_by_one(impl, shape) -> None:
    """Logits ``(2, 3)`` take a tau broadcastable to ``(2, 1)``; ``(2,)`` (the trailing 1 forgotten),
    ``(3, 1)`` and ``(4, 2, 1)`` (which would add a batch axis) are errors naming tau."""
    with pytest.raises(ValueError, match="tau"):
        impl.gumbel_softmax(LOGITS, torch.full(shape, 0.5, dtype=torch.float64),
                            generator=torch.Generator().manual_seed(0))


SQUARE = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [1.0, 3.0, -2.0]], dtype=torch.float64)
"""Logits with B == K == 3: a tau of shape (B,) is also (K,), and broadcasts as one per class."""


@pytest.mark.tier("validation")
@pytest.mark.parametrize("shape", [(3,), (1, 3), (3, 3)], ids=["(B,) = (K,)", "(1, K)", "(B, K)"])
def test_gumbel_softmax_rejects_a_tau_per_class(impl, shape) -> None:
    """The one rule for a tensor tau, shared with ``concrete_log_prob``: 0-d, or a last dimension of 1
    broadcasting to ``(*batch, 1)``. Each of these broadcasts against logits ``(B, K)`` with B == K and
    would divide each class by its own temperature: an error naming tau, not a silent per-class tau."""
    with pytest.raises(ValueError, match=r"\btau\b"):
        impl.gumbel_softmax(SQUARE, torch.full(shape, 0.5, dtype=torch.float64),
                            generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("tau", NOT_NUMBERS)
def test_gumbel_softmax_rejects_a_tau_that_is_not_a_real_number(impl, tau) -> None:
    """A string, None, a bool, an int beyond the float range or a complex number: ValueError naming tau."""
    with pytest.raises(ValueError, match=r"\btau\b"):
        impl.gumbel_softmax(LOGITS, tau, generator=torch.Generator().manual_seed(0))
