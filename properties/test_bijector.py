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
(``test_jacobian_oracle_falls_back_and_says_so`` checks the oracle itself). The helpers here
(``build``, ``randomize_``, ``shift_net``, ``jacobian``, ``jacobian_logdet``) are shared by the other
flow test modules.

References: seed 003_2bb67353180af150.txt, section 背景 / 直面概率积分 (eq. (5)-(6): change of
variables with |det ∂f/∂x|) and section flow (eq. (7)-(11)); Dinh et al., arXiv:1410.8516, §2-3.
"""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Callable
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from genspec import strategies as gst
from genspec.checks import assert_close, record

pytestmark = pytest.mark.area("flows")

F64 = torch.float64

# ----------------------------------------------------------------------------- shared helpers


JacobianFn = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor | None]]
"""A map ``(*batch, D_in) -> ((*batch, D_out), logdet or None)``: a flow layer's forward or inverse."""


def randomize_(module: nn.Module, generator: torch.Generator, *, log_scale_bound: float = 0.7,
               gain: float = 1.2) -> nn.Module:
    """Give every floating parameter of ``module`` random, non-identity values (in place).

    Matrices ``(out, in)``: N(0, 1) * gain / sqrt(in). Parameters named ``*log_scale``:
    U(-log_scale_bound, log_scale_bound). Other vectors: N(0, 0.5^2).
    """
    with torch.no_grad():
        for name, p in module.named_parameters():
            if not p.dtype.is_floating_point:
                continue
            if name.endswith("log_scale"):
                v = (torch.rand(p.shape, generator=generator, dtype=F64) * 2 - 1) * log_scale_bound
            elif p.dim() >= 2:
                v = torch.randn(p.shape, generator=generator, dtype=F64) * gain / math.sqrt(p.shape[-1])
            else:
                v = torch.randn(p.shape, generator=generator, dtype=F64) * 0.5
            p.copy_(v.to(p.dtype))
    return module


def shift_net(n_in: int, n_out: int, generator: torch.Generator, dtype: torch.dtype) -> nn.Module:
    """A smooth test-owned shift network ``(*, n_in) -> (*, n_out)``: Linear-Tanh-Linear, random."""
    net = nn.Sequential(nn.Linear(n_in, 5), nn.Tanh(), nn.Linear(5, n_out)).to(dtype)
    return randomize_(net, generator)


def random_mask(dim: int, generator: torch.Generator) -> torch.Tensor:
    """A random bool mask of length ``dim`` with both sides non-empty."""
    k = int(torch.randint(1, dim, (1,), generator=generator))
    mask = torch.zeros(dim, dtype=torch.bool)
    mask[torch.randperm(dim, generator=generator)[:k]] = True
    return mask


def _coupling(impl, dim, structure, params, dtype):
    mask = random_mask(dim, structure)
    return impl.AdditiveCoupling(mask, shift_net(int(mask.sum()), int((~mask).sum()), params, dtype))


def _scaling(impl, dim, structure, params, dtype):
    return randomize_(impl.Scaling(dim).to(dtype), params)


def _sequential(impl, dim, structure, params, dtype):
    layers = [
        _coupling(impl, dim, structure, params, dtype),
        impl.RandomPermutation(dim, generator=params),
        _coupling(impl, dim, structure, params, dtype),
        impl.SwapHalves(dim),
        _coupling(impl, dim, structure, params, dtype),
        _scaling(impl, dim, structure, params, dtype),
    ]
    return impl.FlowSequential(layers)


def _nice(prior: str):
    def make(impl, dim, structure, params, dtype):
        return randomize_(impl.NICE(dim, couplings=4, hidden=8, depth=2, prior=prior).to(dtype), params)
    return make


FACTORIES: dict[str, Callable[..., nn.Module]] = {
    "coupling": _coupling,
    "scaling": _scaling,
    "reverse": lambda impl, dim, s, p, dtype: impl.ReversePermutation(dim),
    "swap_halves": lambda impl, dim, s, p, dtype: impl.SwapHalves(dim),
    "random_permutation": lambda impl, dim, s, p, dtype: impl.RandomPermutation(dim, generator=p),
    "permutation": lambda impl, dim, s, p, dtype: impl.Permutation(torch.randperm(dim, generator=p)),
    "sequential": _sequential,
    "nice_logistic": _nice("logistic"),
    "nice_gaussian": _nice("gaussian"),
}
"""Each builds a layer ``(impl, dim, structure_generator, parameter_generator, dtype) -> module``.
The structure generator fixes the architecture (masks); the parameter generator the values that a
``state_dict`` holds (weights, ``log_scale``, random permutations)."""

NAMES = list(FACTORIES)


def build(name: str, impl, dim: int, structure_seed: int, param_seed: int, dtype: torch.dtype = F64) -> nn.Module:
    """The layer ``name`` with the architecture of ``structure_seed`` and the values of ``param_seed``."""
    s = torch.Generator().manual_seed(structure_seed)
    p = torch.Generator().manual_seed(param_seed)
    return FACTORIES[name](impl, dim, s, p, dtype)


@st.composite
def cases(draw, *, dtype: torch.dtype | None = F64, bound: float = 3.0):
    """``(dim, x, structure_seed, param_seed)``: D in 6..9, x of shape ``(*batch, D)``, batch rank 1-3."""
    dim = draw(st.integers(6, 9))
    batch = draw(gst.batch_shapes(min_rank=1, max_rank=3))
    dt = dtype or draw(gst.float_dtypes())
    x = draw(gst.tensors((*batch, dim), dtype=dt, min_value=-bound, max_value=bound))
    return dim, x, draw(st.integers(0, 2**31)), draw(st.integers(0, 2**31))


def _jacobian_func_vmapped(fn: JacobianFn, flat: torch.Tensor) -> torch.Tensor:
    """``torch.func.vmap`` over the examples of ``torch.func.jacrev`` of one example: ``(N, D_out, D_in)``."""
    def one(xi: torch.Tensor) -> torch.Tensor:  # (D,) -> (D_out,), called as a batch of one
        return fn(xi.unsqueeze(0))[0].squeeze(0)
    return torch.func.vmap(torch.func.jacrev(one))(flat)


def _jacobian_func_per_example(fn: JacobianFn, flat: torch.Tensor) -> torch.Tensor:
    """``torch.func.jacrev`` of each example in turn (a Python loop, no vmap): ``(N, D_out, D_in)``."""
    def one(xi: torch.Tensor) -> torch.Tensor:
        return fn(xi.unsqueeze(0))[0].squeeze(0)
    return torch.stack([torch.func.jacrev(one)(xi) for xi in flat])


def _jacobian_autograd_rows(fn: JacobianFn, flat: torch.Tensor) -> torch.Tensor:
    """Row j: one ``torch.autograd.grad`` of the batch-summed output coordinate j: ``(N, D_out, D_in)``.

    That is each example's own Jacobian because each example is transformed independently
    (``test_each_example_is_transformed_independently`` checks that)."""
    xg = flat.detach().clone().requires_grad_(True)
    y = fn(xg)[0]
    rows = [torch.autograd.grad(y[..., j].sum(), xg, retain_graph=True, allow_unused=True)[0]
            for j in range(y.shape[-1])]
    return torch.stack([torch.zeros_like(xg) if r is None else r for r in rows], dim=-2)


JACOBIAN_METHODS: tuple[tuple[str, Callable[[JacobianFn, torch.Tensor], torch.Tensor]], ...] = (
    ("torch.func.vmap(jacrev)", _jacobian_func_vmapped),
    ("torch.func.jacrev per example", _jacobian_func_per_example),
    ("torch.autograd.grad rows", _jacobian_autograd_rows),
)
"""The oracle's ways of building the Jacobian, in order of preference: the first that runs is used."""


def jacobian(fn: JacobianFn, x: torch.Tensor) -> torch.Tensor:
    """The autograd Jacobian ``(*batch, D_out, D_in)`` of ``fn(x)[0]`` at every point of ``x``.

    ``torch.func.jacrev`` of one example (called as a batch of one), ``torch.func.vmap``-ed over the
    examples. A module under test that ``vmap`` cannot trace (data-dependent Python control flow, an
    op without a batching rule) gets ``jacrev`` per example instead, and one that ``torch.func``
    cannot trace at all gets the ``torch.autograd.grad`` row method; a fallback is recorded in the
    evidence (``jacobian_oracle``, ``jacobian_fallback_reason``), never a failure. All three give the
    same matrices for a function of each example alone.
    """
    if x.dim() < 1:
        raise ValueError(f"x has shape {tuple(x.shape)}: it needs an event (last) dimension")
    flat = x.detach().reshape(-1, x.shape[-1])
    reasons = []
    for method, build_jacobian in JACOBIAN_METHODS[:-1]:
        try:
            jac = build_jacobian(fn, flat)
            break
        except Exception as error:  # noqa: BLE001 - any failure to trace selects the next method
            first_line = (str(error).splitlines() or [""])[0][:200]
            reasons.append(f"{method}: {type(error).__name__}: {first_line}")
    else:
        method, build_jacobian = JACOBIAN_METHODS[-1]
        jac = build_jacobian(fn, flat)  # the last resort: an error here is the module's own
    if reasons:
        record(jacobian_oracle=method, jacobian_fallback_reason="; ".join(reasons))
    return jac.detach().reshape(*x.shape[:-1], *jac.shape[-2:])


def jacobian_logdet(fn: JacobianFn, x: torch.Tensor) -> torch.Tensor:
    """log|det| (``torch.linalg.slogdet``) of the autograd Jacobian of ``fn(x)[0]``: ``(*batch,)``."""
    sign, logabs = torch.linalg.slogdet(jacobian(fn, x))
    assert bool((sign != 0).all()), "the autograd Jacobian is singular"
    return logabs


def magnitude(*tensors: torch.Tensor) -> float:
    """The largest absolute value among ``tensors`` (at least 1): the scale round-off is relative to."""
    return max([1.0] + [float(t.detach().abs().max()) for t in tensors if t.numel()])


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


# ----------------------------------------------------------------------------- the Jacobian oracle itself


class _DoubleWithoutSetupContext(torch.autograd.Function):
    """y = 2x as an old-style ``autograd.Function`` (no ``setup_context``): ``torch.func`` refuses it."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return 2.0 * x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return 2.0 * grad


def _sinh_with_a_python_branch(x: torch.Tensor) -> tuple[torch.Tensor, None]:
    if bool((x.abs() > 1e6).any()):  # data-dependent control flow: vmap cannot trace it
        raise ValueError("x is too large")
    return torch.sinh(x), None


@pytest.mark.parametrize("fn, method, derivative", [
    (lambda x: (torch.sinh(x), None), "torch.func.vmap(jacrev)", torch.cosh),
    (_sinh_with_a_python_branch, "torch.func.jacrev per example", torch.cosh),
    (lambda x: (_DoubleWithoutSetupContext.apply(x), None), "torch.autograd.grad rows",
     lambda x: torch.full_like(x, 2.0)),
], ids=["vmap", "python_branch", "old_style_autograd_function"])
def test_jacobian_oracle_falls_back_and_says_so(fn: JacobianFn, method: str,
                                               derivative: Callable[[torch.Tensor], torch.Tensor],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle (not an implementation) under test: an elementwise map has the diagonal Jacobian
    diag(f'(x)); a module torch.func cannot trace gets the next method, recorded, not a failure."""
    evidence: list[dict[str, Any]] = []
    monkeypatch.setattr(f"{__name__}.record", lambda **kw: evidence.append(kw))
    x = torch.linspace(-2, 2, 2 * 3 * 4, dtype=F64).reshape(2, 3, 4)
    jac = jacobian(fn, x)
    assert jac.shape == (2, 3, 4, 4) and not jac.requires_grad
    assert_close(jac, torch.diag_embed(derivative(x)), kind="gradient", what=f"Jacobian by {method}")
    used = evidence[-1]["jacobian_oracle"] if evidence else JACOBIAN_METHODS[0][0]
    assert used == method, f"the oracle used {used}, expected {method} (evidence {evidence})"
