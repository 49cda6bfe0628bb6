r"""Generic bijector checks for every flow layer whose ``forward`` and ``inverse`` return
``(output, logdet)``: additive couplings, permutations, scaling, their composition and NICE.

For a bijection f (forward, data -> latent) with inverse g and log|det| outputs ``ld_f``, ``ld_g``:

    g(f(x)) = x,   f(g(z)) = z                       (round trip, both directions)
    ld_f(x) = log|det df/dx (x)|                     (oracle: torch.func.jacrev + slogdet, float64)
    ld_g(f(x)) = -ld_f(x)                            (inverse function theorem)
    ld_f has shape batch and x's dtype

and the module is a function of each example alone, of its parameters and buffers alone (train vs
eval, ``state_dict`` save and load). Every case has non-identity parameters: nets with random,
non-zero output weights, random ``log_scale``, random masks and permutations, D in 6..9 (odd D
included), batch ranks 1-3. A layer initialised to the identity would hide sign bugs (STYLE.md).

The Jacobian oracle is ``torch.func.jacrev`` of one example, ``torch.func.vmap``-ed over the batch;
for a module under test that ``vmap`` (or ``torch.func`` altogether) cannot trace it falls back to
``jacrev`` per example (or to ``torch.autograd.grad`` rows) and records the fallback in the evidence
(``meta_tests/test_oracles.py`` checks the oracle itself). The layers and the oracle live in the
harness: ``genspec.oracles.layers`` and ``genspec.oracles.jacobian``.

References: seed 003_2bb67353180af150.txt, section 背景 / 直面概率积分 (eq. (5)-(6): change of
variables with |det ∂f/∂x|) and section flow (eq. (7)-(11)); Dinh et al., arXiv:1410.8516, §2-3.
"""

from __future__ import annotations

import copy
import io

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from genspec.checks import assert_close, record
from genspec.oracles.jacobian import jacobian_logdet, magnitude
from genspec.oracles.layers import F64, NAMES, build, cases

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

parametrize_layers = pytest.mark.parametrize("name", NAMES)

PER_LAYER = settings(max_examples=max(3, settings.default.max_examples // 5))
"""Each layer gets a fifth of the profile's examples (5 in the dev profile, 200 in thorough): the
checks run once per layer kind, so the total stays near the profile's budget per check."""

# ----------------------------------------------------------------------------- round trips


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_inverse_of_forward_is_identity(impl, device, name, case):
    dim, x, s, p = case
    layer = build(name, impl, dim, s, p).to(device)
    x = x.to(device)
    y, _ = layer(x)
    x_back, _ = layer.inverse(y)
    scale = magnitude(x, y)
    assert x_back.shape == x.shape and x_back.dtype == x.dtype and x_back.device == x.device
    assert_close((x_back - x) / scale, torch.zeros(x.shape, dtype=F64), kind="roundtrip",
                 what=f"{name}: inverse(forward(x)) = x, relative to max|x|, |forward(x)| = {scale:.3g}")


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_forward_of_inverse_is_identity(impl, name, case):
    dim, z, s, p = case
    layer = build(name, impl, dim, s, p)
    x, _ = layer.inverse(z)
    z_back, _ = layer(x)
    scale = magnitude(z, x)
    assert_close((z_back - z) / scale, torch.zeros(z.shape, dtype=F64), kind="roundtrip",
                 what=f"{name}: forward(inverse(z)) = z, relative to max|z|, |inverse(z)| = {scale:.3g}")


@pytest.mark.tier("numerics")
@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_float32_error_measured_against_float64(impl, name, case):
    dim, x, s, p = case
    layer64 = build(name, impl, dim, s, p)
    layer32 = copy.deepcopy(layer64).to(torch.float32)
    y64, ld64 = layer64(x)
    y32, ld32 = layer32(x.to(torch.float32))
    x32_back, _ = layer32.inverse(y32)
    scale = magnitude(x, y64)
    forward_err = float((y32.detach().to(F64) - y64.detach()).abs().max()) / scale
    roundtrip_err = float((x32_back.detach().to(F64) - x).abs().max()) / scale
    record(layer=name, float32_forward_error=forward_err, float32_roundtrip_error=roundtrip_err,
           relative_to=scale)
    assert y32.dtype == torch.float32 and ld32.dtype == torch.float32
    assert_close((y32.to(F64) - y64) / scale, torch.zeros(x.shape, dtype=F64), kind="roundtrip",
                 dtype=torch.float32, what=f"{name}: float32 forward vs float64, relative to {scale:.3g}")
    assert_close((x32_back.to(F64) - x) / scale, torch.zeros(x.shape, dtype=F64), kind="roundtrip",
                 dtype=torch.float32, what=f"{name}: float32 round trip, relative to {scale:.3g}")
    assert_close(ld32, ld64, kind="logdet", what=f"{name}: float32 logdet vs float64")


# ----------------------------------------------------------------------------- log-determinants


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_forward_logdet_is_log_abs_det_of_autograd_jacobian(impl, name, case):
    dim, x, s, p = case
    layer = build(name, impl, dim, s, p)
    _, logdet = layer(x)
    assert_close(logdet, jacobian_logdet(layer, x), kind="logdet",
                 what=f"{name}: forward logdet = slogdet(jacrev(forward))")


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_inverse_logdet_is_log_abs_det_of_autograd_jacobian(impl, name, case):
    dim, z, s, p = case
    layer = build(name, impl, dim, s, p)
    _, logdet = layer.inverse(z)
    assert_close(logdet, jacobian_logdet(layer.inverse, z), kind="logdet",
                 what=f"{name}: inverse logdet = slogdet(jacrev(inverse))")


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_inverse_logdet_is_minus_forward_logdet_at_the_image(impl, name, case):
    dim, x, s, p = case
    layer = build(name, impl, dim, s, p)
    y, ld_forward = layer(x)
    _, ld_inverse = layer.inverse(y)
    assert_close(ld_inverse, -ld_forward.detach().to(F64), kind="logdet",
                 what=f"{name}: logdet of inverse at f(x) = -logdet of forward at x")


@parametrize_layers
@PER_LAYER
@given(case=cases(dtype=None))
def test_logdet_has_batch_shape_and_input_dtype(impl, name, case):
    dim, x, s, p = case
    layer = build(name, impl, dim, s, p, dtype=x.dtype)
    for direction, fn in (("forward", layer), ("inverse", layer.inverse)):
        out, logdet = fn(x)
        assert out.shape == x.shape and out.dtype == x.dtype, (
            f"{name}.{direction}: output {tuple(out.shape)} {out.dtype}, expected {tuple(x.shape)} {x.dtype}")
        assert isinstance(logdet, torch.Tensor) and logdet.shape == x.shape[:-1], (
            f"{name}.{direction}: logdet has shape {tuple(getattr(logdet, 'shape', ()))}, expected the batch "
            f"shape {tuple(x.shape[:-1])} (one value per example, not summed over the batch)")
        assert logdet.dtype == x.dtype, f"{name}.{direction}: logdet dtype {logdet.dtype}, input {x.dtype}"


# ----------------------------------------------------------------------------- a function of each example


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_each_example_is_transformed_independently(impl, name, case):
    dim, x, s, p = case
    layer = build(name, impl, dim, s, p)
    flat = x.reshape(-1, dim)
    for direction, fn in (("forward", layer), ("inverse", layer.inverse)):
        out, logdet = fn(x)
        out, logdet = out.reshape(-1, dim), logdet.reshape(-1)
        for i in range(flat.shape[0]):
            one, one_ld = fn(flat[i:i + 1])
            assert_close(out[i], one[0].detach(), kind="reduction",
                         what=f"{name}.{direction}: example {i} in a batch vs alone")
            assert_close(logdet[i], one_ld[0].detach(), kind="reduction",
                         what=f"{name}.{direction}: logdet of example {i} in a batch vs alone")


@parametrize_layers
@PER_LAYER
@given(case=cases())
def test_train_and_eval_modes_agree(impl, name, case):
    dim, x, s, p = case
    layer = build(name, impl, dim, s, p)
    results = {}
    for mode in (True, False):
        layer.train(mode)
        results[mode] = (layer(x), layer.inverse(x))
    for (a, b), (c, d) in zip(results[True], results[False]):
        assert torch.equal(a, c) and torch.equal(b, d), f"{name}: train() and eval() give different results"


@parametrize_layers
@PER_LAYER
@given(case=cases(), other=st.integers(0, 2**31))
def test_state_dict_save_and_load_restores_the_layer(impl, name, case, other):
    dim, x, s, p = case
    if other == p:
        other += 1
    original = build(name, impl, dim, s, p)
    restored = build(name, impl, dim, s, other)  # same architecture, other values
    buffer = io.BytesIO()
    torch.save(original.state_dict(), buffer)
    buffer.seek(0)
    restored.load_state_dict(torch.load(buffer, weights_only=True))
    for direction in ("forward", "inverse"):
        a = getattr(original, direction)(x) if direction == "inverse" else original(x)
        b = getattr(restored, direction)(x) if direction == "inverse" else restored(x)
        assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]), (
            f"{name}.{direction}: a layer loaded from the saved state_dict differs from the saved one "
            "(a random permutation or mask kept outside the state_dict is lost on reload)")


