"""The Jacobian oracle of a flow layer: autograd Jacobians and their log-determinants, in float64.

For a map ``fn: (*batch, D_in) -> ((*batch, D_out), logdet or None)`` (a flow layer's ``forward`` or
``inverse``), :func:`jacobian` builds the Jacobian of every example with ``torch.func.jacrev`` of one
example, ``torch.func.vmap``-ed over the batch; a module under test that ``vmap`` (or ``torch.func``
altogether) cannot trace falls back to ``jacrev`` per example (or to ``torch.autograd.grad`` rows)
and the fallback is recorded in the check's evidence, never a failure. :func:`jacobian_logdet` is
``log|det|`` of it by ``torch.linalg.slogdet`` (LU), the oracle of every log-determinant check:

    logdet_f(x) = log |det ∂f/∂x (x)|                      (change of variables)

References: seed 003_2bb67353180af150.txt, section 背景 / 直面概率积分 (eq. (5)-(6)); Dinh et al.,
arXiv:1410.8516, §2.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from genspec.checks import record

__all__ = ["JACOBIAN_METHODS", "JacobianFn", "jacobian", "jacobian_logdet", "magnitude"]

JacobianFn = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor | None]]
"""A map ``(*batch, D_in) -> ((*batch, D_out), logdet or None)``: a flow layer's forward or inverse."""


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
