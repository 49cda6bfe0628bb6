r"""The Jacobian oracle of any flow: the autograd Jacobian of one example and its log|det|, float64.

For a map ``fn: (*batch, D) -> ((*batch, D), logdet)`` (a flow's ``forward`` or ``inverse``) the
oracle of every log-determinant check is

    logdet(x) = log |det ∂fn(x)/∂x|    (change of variables; slogdet by LU, float64)

built with ``torch.func.jacrev`` of one example, ``torch.func.vmap``-ed over the examples. A flow
that ``torch.func`` cannot trace (data-dependent Python control flow, ``.item()``, an in-place
write that vmap rejects, an op without a batching rule) gets ``torch.autograd.functional.jacobian``
per example instead; the fallback and its reason are returned as evidence, never a failure. Each
example is passed as a batch of one (or, for a flow that takes no batch dimension, alone), so the
oracle never mixes examples.

References: seed 003_2bb67353180af150.txt, section 直面概率积分 (eq. (5)-(6)); Dinh et al.,
arXiv:1410.8516 §2; zuko's and nflows' own autograd-Jacobian tests (STYLE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

__all__ = ["FlowMap", "jacobian", "log_abs_det_jacobian", "magnitude"]

FlowMap = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
"""A flow's ``forward`` or ``inverse``: ``(*batch, D) -> ((*batch, D), (*batch,))``."""


def _one_example(fn: FlowMap, batch_ranks: Sequence[int]) -> Callable[[torch.Tensor], torch.Tensor]:
    """``(D,) -> (D,)``: ``fn`` on one example, as a batch of one when the flow takes rank-1 batches."""
    if 1 in batch_ranks or 0 not in batch_ranks:
        return lambda xi: fn(xi.unsqueeze(0))[0].squeeze(0)
    return lambda xi: fn(xi)[0]


def jacobian(fn: FlowMap, x: torch.Tensor, *, batch_ranks: Sequence[int] = (0, 1, 2)
             ) -> tuple[torch.Tensor, dict[str, Any]]:
    """The Jacobian ``(*batch, D, D)`` of ``fn(x)[0]`` at every example of ``x`` ``(*batch, D)``.

    Returns the Jacobians and the evidence ``{"jacobian_oracle": method}`` (with
    ``"jacobian_fallback_reason"`` when ``torch.func`` could not trace the flow).
    """
    if x.dim() < 1:
        raise ValueError(f"x has shape {tuple(x.shape)}: it needs an event (last) dimension")
    flat = x.detach().reshape(-1, x.shape[-1])
    one = _one_example(fn, batch_ranks)
    evidence: dict[str, Any] = {"jacobian_oracle": "torch.func.vmap(jacrev)"}
    try:
        jac = torch.func.vmap(torch.func.jacrev(one))(flat)
    except Exception as error:
        first = (str(error).splitlines() or [""])[0][:200]
        evidence = {"jacobian_oracle": "torch.autograd.functional.jacobian per example",
                    "jacobian_fallback_reason": f"torch.func: {type(error).__name__}: {first}"}
        jac = torch.stack([torch.autograd.functional.jacobian(one, xi) for xi in flat])
    return jac.detach().reshape(*x.shape[:-1], *jac.shape[-2:]), evidence


def log_abs_det_jacobian(fn: FlowMap, x: torch.Tensor, *, batch_ranks: Sequence[int] = (0, 1, 2)
                         ) -> tuple[torch.Tensor, dict[str, Any]]:
    """``log|det ∂fn/∂x|`` ``(*batch,)`` by ``torch.linalg.slogdet`` of :func:`jacobian`, and its evidence."""
    jac, evidence = jacobian(fn, x, batch_ranks=batch_ranks)
    sign, logabs = torch.linalg.slogdet(jac.to(torch.float64))
    if bool((sign == 0).any()):
        raise AssertionError(f"the autograd Jacobian of the flow is singular at {int((sign == 0).sum())} "
                             "points: the map is not a bijection there")
    return logabs, evidence


def magnitude(*tensors: torch.Tensor) -> float:
    """The largest absolute value among ``tensors`` (at least 1): the scale round-off is relative to."""
    finite = [t.detach().abs().max() for t in tensors if t.numel() and bool(torch.isfinite(t).all())]
    return max([1.0] + [float(m) for m in finite])
