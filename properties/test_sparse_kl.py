"""Seed 002's sparsity penalty: ``sparse_kl(rho, rho_hat)`` and ``sparse_kl_penalty(h, rho)``.

Oracle: ``scipy.special.kl_div`` in float64, ``kl_div(a, b) = a log(a/b) − a + b`` (elementwise ≥ 0),
so that ``KL(Bern(rho) ‖ Bern(q)) = kl_div(rho, q) + kl_div(1 − rho, 1 − q)``; the gradient against
the closed form ``−rho/q + (1 − rho)/(1 − q)``.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

from genspec import strategies as gst
from genspec.checks import assert_close, record

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]

rhos = st.floats(min_value=0.01, max_value=0.99)


def _oracle(rho: float | torch.Tensor, rho_hat: torch.Tensor) -> torch.Tensor:
    """sum_j KL(Bern(rho_j) || Bern(rho_hat_j)) in float64 by scipy; rho a number or a tensor (per unit)."""
    q = rho_hat.detach().to(torch.float64).numpy()
    if isinstance(rho, torch.Tensor):
        rho = rho.detach().to(torch.float64).numpy()
    kl = special.kl_div(rho, q) + special.kl_div(1 - rho, 1 - q)
    return torch.from_numpy(kl).sum(-1)


def _rho_hats(data: st.DataObject, dtype: torch.dtype, *, min_rank: int = 1) -> torch.Tensor:
    shape = data.draw(gst.shapes(min_rank=min_rank, max_rank=4, max_side=4), label="shape")
    return data.draw(gst.tensors(shape, dtype=dtype, min_value=0.005, max_value=0.995), label="rho_hat")


@given(data=st.data(), rho=rhos)
def test_sparse_kl_matches_bernoulli_kl_summed_over_units(impl, data, rho):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    rho_hat = _rho_hats(data, dtype)
    got = impl.sparse_kl(rho, rho_hat)
    assert got.shape == rho_hat.shape[:-1] and got.dtype == dtype
    assert_close(got, _oracle(rho, rho_hat), kind="reduction",
                 what="sparse_kl = sum_j KL(Bern(rho) || Bern(rho_hat_j))")


@pytest.mark.tier("validation")
@given(data=st.data())
def test_sparse_kl_takes_a_tensor_rho_one_target_per_unit(impl, data):
    """rho may be a tensor broadcastable to rho_hat (one target per unit, ``(H,)``): the sum over units of
    KL(Bern(rho_j) || Bern(rho_hat_j)). The contract's rho is a number; taking a tensor is an accepted
    input type (docs/spec-api.md), so this is validation, not law."""
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    rho_hat = _rho_hats(data, dtype)
    rho = data.draw(gst.tensors(rho_hat.shape[-1:], dtype=dtype, min_value=0.01, max_value=0.99), label="rho")
    got = impl.sparse_kl(rho, rho_hat)
    assert got.shape == rho_hat.shape[:-1] and got.dtype == dtype
    assert_close(got, _oracle(rho, rho_hat), kind="reduction", what="sparse_kl with a per-unit rho = sum_j KL(Bern(rho_j) || Bern(rho_hat_j))")


@pytest.mark.tier("numerics")
@given(data=st.data(), rho=rhos)
def test_sparse_kl_is_nonnegative_and_zero_exactly_at_rho(impl, data, rho):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    rho = float(torch.tensor(rho, dtype=dtype))  # representable in dtype, so rho_hat = rho is exact
    rho_hat = _rho_hats(data, dtype)
    got = impl.sparse_kl(rho, rho_hat)
    assert bool((got >= 0).all()), f"sparse_kl < 0: {got.min().item()!r}"
    at_rho = torch.full_like(rho_hat, rho)
    zero = impl.sparse_kl(rho, at_rho)
    assert bool((zero == 0).all()), f"sparse_kl(rho, rho_hat=rho) = {zero.flatten()[0].item()!r}, not exactly 0"
    # Away from rho (by 1e-2 in one unit) the KL is positive: KL >= 2 (rho_hat - rho)^2 = 2e-4 (Pinsker).
    away = rho_hat.clone()
    away[..., 0] = rho + 1e-2 if rho < 0.5 else rho - 1e-2
    assert bool((impl.sparse_kl(rho, away) > 0).all()), "sparse_kl = 0 at rho_hat != rho"


@given(data=st.data(), rho=rhos)
def test_sparse_kl_gradient_in_rho_hat_is_closed_form(impl, data, rho):
    rho_hat = _rho_hats(data, torch.float64).requires_grad_(True)
    impl.sparse_kl(rho, rho_hat).sum().backward()
    q = rho_hat.detach()
    assert rho_hat.grad is not None, "sparse_kl is not differentiable in rho_hat"
    assert_close(rho_hat.grad, -rho / q + (1 - rho) / (1 - q), kind="gradient",
                 what="d sparse_kl / d rho_hat_j = -rho/rho_hat_j + (1-rho)/(1-rho_hat_j)")


@pytest.mark.tier("numerics")
def test_sparse_kl_is_infinite_at_the_ends(impl):
    got = impl.sparse_kl(0.05, torch.tensor([[0.0, 0.5], [0.3, 1.0]], dtype=torch.float64))
    assert bool(torch.isinf(got).all() and (got > 0).all()), f"KL to rho_hat in {{0, 1}}: {got.tolist()}"


@given(data=st.data(), rho=rhos)
def test_sparse_kl_penalty_averages_over_the_batch(impl, data, rho):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    h = _rho_hats(data, dtype, min_rank=2)
    got = impl.sparse_kl_penalty(h, rho)
    rho_hat = h.to(torch.float64).reshape(-1, h.shape[-1]).mean(0)  # (H,): mean over every batch dim
    assert got.shape == () and got.dtype == dtype, f"penalty shape {tuple(got.shape)}, dtype {got.dtype}"
    assert_close(got, _oracle(rho, rho_hat), kind="reduction",
                 what="sparse_kl_penalty = sum_j KL(rho || mean over the batch of h[:, j])")


def test_sparse_kl_penalty_on_a_known_batch(impl):
    # Two examples, two units: rho_hat = (0.05, 0.5) over the batch, so only unit 1 pays.
    h = torch.tensor([[0.0, 0.2], [0.1, 0.8]], dtype=torch.float64)
    expected = 0.05 * math.log(0.05 / 0.5) + 0.95 * math.log(0.95 / 0.5)
    got = impl.sparse_kl_penalty(h, 0.05)
    record(penalty=got.item(), expected=expected)
    assert_close(got, torch.tensor(expected, dtype=torch.float64), kind="elementwise",
                 what="penalty of rho_hat = (0.05, 0.5)")


def test_sparse_kl_penalty_of_a_single_example_is_its_sparse_kl(impl):
    """h of shape (H,): one example, so rho_hat = h (a batch of one is still a batch)."""
    h = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    assert_close(impl.sparse_kl_penalty(h, 0.2), _oracle(0.2, h), kind="reduction",
                 what="sparse_kl_penalty of one example (H,) = sum_j KL(rho || h_j)")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("rho", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_sparse_kl_rejects_rho_outside_the_open_unit_interval(impl, rho):
    with pytest.raises(ValueError, match="rho"):
        impl.sparse_kl(rho, torch.full((3,), 0.5))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("rho", [None, "0.05", 0.05j], ids=repr)
def test_sparse_kl_and_penalty_reject_a_rho_that_is_not_a_number(impl, rho):
    with pytest.raises(ValueError, match="rho"):
        impl.sparse_kl(rho, torch.full((3,), 0.5))
    with pytest.raises(ValueError, match="rho"):
        impl.sparse_kl_penalty(torch.full((2, 3), 0.5), rho)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", [-0.1, 1.1, float("nan")])
def test_sparse_kl_rejects_rho_hat_outside_the_unit_interval(impl, bad):
    with pytest.raises(ValueError, match="rho_hat"):
        impl.sparse_kl(0.05, torch.tensor([0.5, bad]))


def test_sparse_kl_on_a_known_case(impl):
    rho_hat = torch.tensor([[0.01, 0.3, 0.9], [0.05, 0.5, 0.2]], dtype=torch.float64)
    assert_close(impl.sparse_kl(0.05, rho_hat), _oracle(0.05, rho_hat), kind="reduction",
                 what="sparse_kl at fixed rho_hat, rho = 0.05")


@pytest.mark.tier("numerics")
def test_sparse_kl_on_device_matches_cpu(impl, device):
    rho_hat = torch.tensor([[0.01, 0.3, 0.9], [0.05, 0.5, 0.2]], dtype=torch.float64)
    for fn, arg in ((impl.sparse_kl, (0.05, rho_hat)), (lambda h, r: impl.sparse_kl_penalty(h, r), (rho_hat, 0.05))):
        on_cpu = fn(*arg)
        on_device = fn(*(a.to(device) if isinstance(a, torch.Tensor) else a for a in arg))
        assert on_device.device.type == device.type
        assert_close(on_device, on_cpu, kind="reduction", what=f"sparse KL on {device} vs on cpu")



@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", [math.nan, -0.1, 1.5], ids=repr)
def test_sparse_kl_penalty_blames_h_for_a_bad_activation(impl, bad):
    """h's batch mean becomes rho_hat, but the argument the user passed is h: the error names h."""
    h = torch.full((2, 3), 0.5, dtype=torch.float64)
    h[1, 2] = bad
    with pytest.raises(ValueError, match=r"\bh\b"):
        impl.sparse_kl_penalty(h, 0.05)


@pytest.mark.tier("validation")
def test_sparse_kl_rejects_shapes_that_do_not_fit_naming_them(impl):
    """A tensor rho must broadcast to rho_hat's shape: ValueError naming rho, not a RuntimeError."""
    with pytest.raises(ValueError, match=r"\brho\b"):
        impl.sparse_kl(torch.full((4,), 0.05, dtype=torch.float64), torch.full((2, 3), 0.5, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"\brho\b"):
        impl.sparse_kl_penalty(torch.full((2, 3), 0.5, dtype=torch.float64),
                               torch.full((2,), 0.05, dtype=torch.float64))
