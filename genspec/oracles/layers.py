"""The contract's flow layers built with random, non-identity parameters: the cases of the flow checks.

A layer initialised to the identity hides sign and direction bugs (STYLE.md), so every layer the
flow checks build has random values: nets with random, non-zero output weights (:func:`shift_net`),
random ``log_scale``, random masks and permutations (:func:`randomize_`, :func:`random_mask`).
:func:`build` makes the layer ``name`` of :data:`FACTORIES` from the implementation under test
(``impl.AdditiveCoupling``, ``impl.Scaling``, the permutations, ``impl.FlowSequential``,
``impl.NICE``); :func:`cases` draws ``(dim, x, structure_seed, param_seed)`` with D in 6..9 (odd D
included) and batch ranks 1-3.

References: seed 003_2bb67353180af150.txt, sections flow and NICE; Dinh et al., arXiv:1410.8516, §3.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from hypothesis import strategies as st
from torch import nn

from genspec import strategies as gst

__all__ = ["F64", "FACTORIES", "NAMES", "build", "cases", "coupling_cases", "random_mask", "randomize_", "shift_net"]

F64 = torch.float64


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


def _coupling(impl: Any, dim, structure, params, dtype):
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


@st.composite
def coupling_cases(draw, *, dtype: torch.dtype | None = F64):
    """``(mask, net, x)``: a random mask of D in 6..9, a random net, x ``(*batch, D)``, batch rank 1-3."""
    dim = draw(st.integers(6, 9))
    dt = dtype or draw(gst.float_dtypes())
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    mask = random_mask(dim, g)
    net = shift_net(int(mask.sum()), int((~mask).sum()), g, dt)
    batch = draw(gst.batch_shapes(min_rank=1, max_rank=3))
    x = draw(gst.tensors((*batch, dim), dtype=dt, min_value=-3, max_value=3))
    return mask, net, x
