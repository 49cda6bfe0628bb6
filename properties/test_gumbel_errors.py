r"""Bad arguments of the Gumbel functions raise ``ValueError`` naming the argument.

``spec-api.md``, Conventions: a temperature that is not a positive finite number, NaN or +inf in
logits, and a row of logits that is all -inf (nothing can be drawn) are errors, not NaN results.
"""

from __future__ import annotations

import math

import pytest
import torch

pytestmark = pytest.mark.area("gumbel")

BAD_TAUS = [0.0, -1.0, math.nan, math.inf, -math.inf]
LOGITS = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]], dtype=torch.float64)


def _bad_logits() -> list:
    nan = LOGITS.clone()
    nan[0, 1] = math.nan
    pos_inf = LOGITS.clone()
    pos_inf[1, 2] = math.inf
    all_neg_inf = LOGITS.clone()
    all_neg_inf[1] = -math.inf
    return [pytest.param(nan, id="nan"), pytest.param(pos_inf, id="+inf"),
            pytest.param(all_neg_inf, id="all-neg-inf-row")]


def _y() -> torch.Tensor:
    return torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=torch.float64)


@pytest.mark.parametrize("tau", BAD_TAUS)
@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_rejects_a_bad_tau(impl, tau, hard) -> None:
    with pytest.raises(ValueError, match="tau"):
        impl.gumbel_softmax(LOGITS, tau, hard=hard, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("tau", BAD_TAUS)
def test_concrete_log_prob_rejects_a_bad_tau(impl, tau) -> None:
    with pytest.raises(ValueError, match="tau"):
        impl.concrete_log_prob(_y(), LOGITS, tau)


def _bad_tensor_taus() -> list:
    """Tensor temperatures ``(2, 1)`` with one bad entry (the other row's 0.5 is fine), and an empty one."""
    cases = [pytest.param(torch.tensor([[0.5], [bad]], dtype=torch.float64), id=f"tensor-{bad}") for bad in BAD_TAUS]
    return cases + [pytest.param(torch.ones(0, dtype=torch.float64), id="tensor-empty")]


@pytest.mark.parametrize("tau", _bad_tensor_taus())
def test_gumbel_softmax_rejects_a_tensor_tau_with_a_bad_entry(impl, tau) -> None:
    """A tensor temperature is checked entry by entry: one zero, negative, NaN or infinite row is an
    error naming tau (a 0 row would otherwise divide by zero), and so is a tensor with no entry."""
    with pytest.raises(ValueError, match="tau"):
        impl.gumbel_softmax(LOGITS, tau, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("tau", _bad_tensor_taus())
def test_concrete_log_prob_rejects_a_tensor_tau_with_a_bad_entry(impl, tau) -> None:
    with pytest.raises(ValueError, match="tau"):
        impl.concrete_log_prob(_y(), LOGITS, tau)


@pytest.mark.parametrize("shape", [(2,), (3, 1), (4, 2, 1)], ids=["(B,) without the 1", "(3, 1) for B=2", "(4, B, 1)"])
def test_gumbel_softmax_rejects_a_tau_that_does_not_broadcast_to_batch_by_one(impl, shape) -> None:
    """Logits ``(2, 3)`` take a tau broadcastable to ``(2, 1)``; ``(2,)`` (the trailing 1 forgotten),
    ``(3, 1)`` and ``(4, 2, 1)`` (which would add a batch axis) are errors naming tau."""
    with pytest.raises(ValueError, match="tau"):
        impl.gumbel_softmax(LOGITS, torch.full(shape, 0.5, dtype=torch.float64),
                            generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("shape", [(-1,), (3, -2)], ids=str)
def test_sample_gumbel_rejects_a_negative_side(impl, shape) -> None:
    with pytest.raises(ValueError, match="shape"):
        impl.sample_gumbel(shape, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("logits", _bad_logits())
def test_gumbel_softmax_rejects_bad_logits(impl, logits) -> None:
    with pytest.raises(ValueError, match="logits"):
        impl.gumbel_softmax(logits, 1.0, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("logits", _bad_logits())
def test_gumbel_max_rejects_bad_logits(impl, logits) -> None:
    with pytest.raises(ValueError, match="logits"):
        impl.gumbel_max(logits, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("logits", _bad_logits())
def test_concrete_log_prob_rejects_bad_logits(impl, logits) -> None:
    with pytest.raises(ValueError, match="logits"):
        impl.concrete_log_prob(_y(), logits, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"step": -1}, "step"), ({"step": 10, "every": 0}, "every"), ({"step": 10, "tau0": 0.0}, "tau0"),
     ({"step": 10, "tau_min": -0.5}, "tau_min"), ({"step": 10, "tau_min": math.nan}, "tau_min"),
     ({"step": 10, "rate": -1e-4}, "rate"), ({"step": 10, "tau0": math.inf}, "tau0")],
    ids=["step<0", "every=0", "tau0=0", "tau_min<0", "tau_min=nan", "rate<0", "tau0=inf"],
)
def test_anneal_tau_rejects_bad_arguments(impl, kwargs, name) -> None:
    step = kwargs.pop("step")
    with pytest.raises(ValueError, match=name):
        impl.anneal_tau(step, **kwargs)
