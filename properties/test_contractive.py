"""The contractive penalty equals the squared Frobenius norm of the encoder's autograd Jacobian.

Oracle: the Jacobian of ``x ↦ sigmoid(x @ weight.T + bias)`` built row by row with
``torch.autograd.grad`` in float64 (one backward pass per hidden unit; examples do not interact, so
the gradient of ``h[..., j].sum()`` is row j of every example's Jacobian), its squares summed. For
the gradients, that oracle is differentiated again (``create_graph=True``), so the closed form must
be right in value *and* carry the dependence on every argument. (``torch.func.jacrev`` gives the
same Jacobian but costs about a second of one-time warm-up, a fifth of this area's time budget.)
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.nn import functional as F

from genspec import strategies as gst
from genspec.checks import assert_close

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]


def _frobenius_sq(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """‖∂h/∂x‖_F² per example from the autograd Jacobian: ``(*batch, D) -> (*batch,)``."""
    with torch.enable_grad():
        xg = x if x.requires_grad else x.detach().requires_grad_(True)
        h = torch.sigmoid(F.linear(xg, weight, bias))                               # (*batch, H)
        rows = [torch.autograd.grad(h[..., j].sum(), xg, create_graph=True)[0]     # (*batch, D)
                for j in range(h.shape[-1])]
    return torch.stack(rows, dim=-2).square().sum(dim=(-2, -1))                     # (*batch,)


def _draw(data: st.DataObject, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    d = data.draw(st.integers(1, 5), label="D")
    h = data.draw(st.integers(1, 5), label="H")
    batch = data.draw(gst.batch_shapes(), label="batch")
    x = data.draw(gst.tensors((*batch, d), dtype=dtype, min_value=-3, max_value=3), label="x")
    weight = data.draw(gst.tensors((h, d), dtype=dtype, min_value=-2, max_value=2), label="weight")
    bias = data.draw(gst.tensors((h,), dtype=dtype, min_value=-2, max_value=2), label="bias")
    return x, weight, bias


@given(data=st.data())
def test_contractive_penalty_is_squared_frobenius_norm_of_jacobian(impl, data):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    x, weight, bias = _draw(data, dtype)
    got = impl.contractive_penalty(x, weight, bias)
    assert got.shape == x.shape[:-1] and got.dtype == dtype, f"shape {tuple(got.shape)}, dtype {got.dtype}"
    expected = _frobenius_sq(x.double(), weight.double(), bias.double())
    assert_close(got, expected, kind="reduction", what="contractive_penalty = ||d sigmoid(Wx+b)/dx||_F^2")


@given(data=st.data())
def test_contractive_penalty_gradients_match_autograd_of_the_jacobian_norm(impl, data):
    x, weight, bias = _draw(data, torch.float64)
    args = [t.clone().requires_grad_(True) for t in (x, weight, bias)]
    impl.contractive_penalty(*args).sum().backward()
    oracle_args = [t.clone().requires_grad_(True) for t in (x, weight, bias)]
    expected = torch.autograd.grad(_frobenius_sq(*oracle_args).sum(), oracle_args)
    for name, arg, exp in zip(("x", "weight", "bias"), args, expected):
        got = arg.grad if arg.grad is not None else torch.zeros_like(arg)
        assert_close(got, exp, kind="gradient", what=f"d contractive_penalty / d {name}")


def test_contractive_penalty_on_a_fixed_case(impl, make_generator):
    g = make_generator(1)
    x, w, b = (torch.randn(*s, dtype=torch.float64, generator=g) for s in ((3, 5), (4, 5), (4,)))
    assert_close(impl.contractive_penalty(x, w, b), _frobenius_sq(x, w, b), kind="reduction",
                 what="contractive_penalty = ||J||_F^2 (fixed case)")


def test_contractive_penalty_gradients_on_a_fixed_case(impl, make_generator):
    g = make_generator(1)
    x, w, b = (torch.randn(*s, dtype=torch.float64, generator=g) for s in ((3, 5), (4, 5), (4,)))
    args = [t.clone().requires_grad_(True) for t in (x, w, b)]
    impl.contractive_penalty(*args).sum().backward()
    oracle_args = [t.clone().requires_grad_(True) for t in (x, w, b)]
    expected = torch.autograd.grad(_frobenius_sq(*oracle_args).sum(), oracle_args)
    for name, arg, exp in zip(("x", "weight", "bias"), args, expected):
        got = arg.grad if arg.grad is not None else torch.zeros_like(arg)
        assert_close(got, exp, kind="gradient", what=f"d contractive_penalty / d {name} (fixed case)")


@pytest.mark.tier("validation")
def test_contractive_penalty_rejects_shapes_that_do_not_fit(impl):
    x, w, b = torch.zeros(2, 3), torch.zeros(4, 3), torch.zeros(4)
    with pytest.raises(ValueError, match="weight"):
        impl.contractive_penalty(torch.zeros(2, 5), w, b)
    with pytest.raises(ValueError, match="bias"):
        impl.contractive_penalty(x, w, torch.zeros(3))
    with pytest.raises(ValueError, match="weight"):
        impl.contractive_penalty(x, torch.zeros(3), b)


@pytest.mark.tier("numerics")
def test_contractive_penalty_on_device_matches_cpu(impl, device, make_generator):
    g = make_generator(1)
    x, w, b = (torch.randn(*s, dtype=torch.float64, generator=g) for s in ((5, 4), (3, 4), (3,)))
    got = impl.contractive_penalty(x.to(device), w.to(device), b.to(device))
    assert got.device.type == device.type
    assert_close(got, impl.contractive_penalty(x, w, b), kind="reduction",
                 what=f"contractive_penalty on {device} vs on cpu")



@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["x", "weight", "bias"])
def test_contractive_penalty_rejects_nan_naming_the_argument(impl, bad):
    """A NaN anywhere in x, weight or bias would give a NaN penalty without a word."""
    args = {"x": torch.zeros(2, 3), "weight": torch.ones(4, 3), "bias": torch.zeros(4)}
    args[bad].view(-1)[1] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.contractive_penalty(**args)
