"""Tests of the oracles and case builders in ``genspec.oracles``: they must be right before they judge.

The Jacobian oracle on maps whose Jacobians are known in closed form, with each of its three ways of
building the Jacobian; the layer builders give non-identity layers of the requested kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

from genspec import reference
from genspec.checks import assert_close
from genspec.oracles import jacobian as jacobian_module
from genspec.oracles.jacobian import JACOBIAN_METHODS, JacobianFn, jacobian, jacobian_logdet
from genspec.oracles.layers import NAMES, build

F64 = torch.float64
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
    monkeypatch.setattr(jacobian_module, "record", lambda **kw: evidence.append(kw))
    x = torch.linspace(-2, 2, 2 * 3 * 4, dtype=F64).reshape(2, 3, 4)
    jac = jacobian(fn, x)
    assert jac.shape == (2, 3, 4, 4) and not jac.requires_grad
    assert_close(jac, torch.diag_embed(derivative(x)), kind="gradient", what=f"Jacobian by {method}")
    used = evidence[-1]["jacobian_oracle"] if evidence else JACOBIAN_METHODS[0][0]
    assert used == method, f"the oracle used {used}, expected {method} (evidence {evidence})"


def test_jacobian_logdet_of_a_linear_map_is_log_abs_det_of_its_matrix() -> None:
    g = torch.Generator().manual_seed(0)
    a = torch.randn(5, 5, generator=g, dtype=F64)
    x = torch.randn(3, 5, generator=g, dtype=F64)
    got = jacobian_logdet(lambda v: (v @ a.T, None), x)
    assert_close(got, torch.linalg.slogdet(a)[1].expand(3), kind="logdet", what="log|det A| of x -> A x")


@pytest.mark.parametrize("name", NAMES)
def test_built_layers_are_not_the_identity(name: str) -> None:
    """A random layer moves its input (the permutations excepted where D makes them trivial), and the
    same seeds build the same layer."""
    x = torch.randn(4, 7, generator=torch.Generator().manual_seed(1), dtype=F64)
    layer = build(name, reference, 7, structure_seed=3, param_seed=4)
    again = build(name, reference, 7, structure_seed=3, param_seed=4)
    y = layer(x)[0]
    assert not torch.allclose(y, x), f"{name}: the built layer is the identity"
    assert torch.equal(y, again(x)[0]), f"{name}: the same seeds built different layers"
