r"""Strategies and float64 oracles shared by the Gumbel-area checks.

Used by ``properties/test_gumbel*.py``, ``properties/test_concrete.py`` and
``statistical/test_gumbel*.py``. Nothing here calls the implementation under test: the noise is the
float64 inverse CDF ``g = -log(-log u)`` of torch's 53-bit uniforms, the softmax is written out.
"""

from __future__ import annotations

import math

import torch
from hypothesis import strategies as st
from torch import Tensor

from genspec import strategies as gst

__all__ = ["log_uniform", "gumbel_noise", "logits_cases", "softmax64", "one_hot64", "winner64"]


def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats spread evenly in log10 over ``[lo, hi]`` (temperatures from 1e-3 to 1e4, say)."""
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda e: float(10.0**e))


def gumbel_noise(shape: tuple[int, ...], *, dtype: torch.dtype, seed: int) -> Tensor:
    """Standard Gumbel noise ``(*shape)``: ``-log(-log u)`` in float64, u clamped into (0, 1)."""
    gen = torch.Generator().manual_seed(seed)
    u = torch.rand(shape, dtype=torch.float64, generator=gen).clamp_(2.0**-53, 1.0 - 2.0**-53)
    return (-torch.log(-torch.log(u))).to(dtype)


@st.composite
def logits_cases(
    draw: st.DrawFn,
    *,
    dtype: torch.dtype | None = None,
    min_k: int = 1,
    max_k: int = 6,
    min_rank: int = 0,
    max_rank: int = 3,
    neg_inf: bool = False,
    bound: float = 10.0,
) -> Tensor:
    """Logits ``(*batch, K)``, batch rank ``min_rank..max_rank``, entries in ``[-bound, bound]``;
    with ``neg_inf`` some entries are -inf, never a whole row."""
    dtype = draw(gst.float_dtypes()) if dtype is None else dtype
    batch = draw(gst.batch_shapes(min_rank=min_rank, max_rank=max_rank))
    k = draw(st.integers(min_k, max_k))
    logits = draw(gst.tensors(batch + (k,), dtype=dtype, min_value=-bound, max_value=bound))
    if neg_inf and k > 1:
        flags = draw(st.lists(st.booleans(), min_size=logits.numel(), max_size=logits.numel()))
        mask = torch.tensor(flags, dtype=torch.bool).reshape(logits.shape)
        keep = draw(st.integers(0, k - 1))
        mask[..., keep] = False  # every row keeps a finite logit
        logits = logits.masked_fill(mask, -math.inf)
    return logits


def softmax64(z: Tensor) -> Tensor:
    """``exp(z - max z) / sum exp(z - max z)`` over the last dim in float64 (-inf entries give 0)."""
    z = z.to(torch.float64)
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def winner64(logits: Tensor, gumbels: Tensor) -> Tensor:
    """``argmax(logits + gumbels)`` formed in float64: ``(*batch)`` int64."""
    return (logits.to(torch.float64) + gumbels.to(torch.float64)).argmax(dim=-1)


def one_hot64(index: Tensor, k: int) -> Tensor:
    """One-hot rows ``(*batch, k)`` in float64."""
    return torch.nn.functional.one_hot(index, k).to(torch.float64)
