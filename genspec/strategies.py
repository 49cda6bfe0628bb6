"""Hypothesis strategies for tensors, built on ``hypothesis.extra.numpy``.

Values are bounded (no NaN, no ±inf) and float32 draws never contain subnormals, whose flushing to
zero on some hardware would make exact identities fail for reasons that are not the
implementation's. Batch shapes run over ranks 0–3 (STYLE.md habit 4). Randomness that a drawn case
needs is a seeded ``torch.Generator`` drawn here, so a shrunk example reproduces exactly.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_DTYPES: tuple[torch.dtype, ...] = (torch.float32, torch.float64)

_NUMPY: dict[torch.dtype, type] = {torch.float32: np.float32, torch.float64: np.float64}


def float_dtypes() -> st.SearchStrategy[torch.dtype]:
    """float32 or float64."""
    return st.sampled_from(FLOAT_DTYPES)


def shapes(
    *, min_rank: int = 0, max_rank: int = 3, min_side: int = 1, max_side: int = 4
) -> st.SearchStrategy[tuple[int, ...]]:
    """Tensor shapes of rank ``min_rank..max_rank`` with sides ``min_side..max_side``."""
    if not 0 <= min_rank <= max_rank:
        raise ValueError(f"min_rank={min_rank}, max_rank={max_rank}: need 0 <= min_rank <= max_rank")
    if not 0 <= min_side <= max_side:
        raise ValueError(f"min_side={min_side}, max_side={max_side}: need 0 <= min_side <= max_side")
    return hnp.array_shapes(min_dims=min_rank, max_dims=max_rank, min_side=min_side, max_side=max_side)


def batch_shapes(*, min_rank: int = 0, max_rank: int = 3, max_side: int = 3) -> st.SearchStrategy[tuple[int, ...]]:
    """Leading batch shapes: rank 0 (no batch) up to rank 3."""
    return shapes(min_rank=min_rank, max_rank=max_rank, min_side=1, max_side=max_side)


def tensors(
    shape: tuple[int, ...],
    *,
    dtype: torch.dtype = torch.float64,
    min_value: float = -10.0,
    max_value: float = 10.0,
) -> st.SearchStrategy[torch.Tensor]:
    """Tensors of ``shape`` and ``dtype`` with finite values in ``[min_value, max_value]``.

    float32 values are drawn as float32 numbers (``width=32``) without subnormals.
    """
    if dtype not in _NUMPY:
        raise ValueError(f"dtype={dtype} is not one of {FLOAT_DTYPES}")
    if not min_value <= max_value:
        raise ValueError(f"min_value={min_value} > max_value={max_value}")
    width = 32 if dtype == torch.float32 else 64
    if width == 32:  # round the bounds inwards to float32 numbers
        lo, hi = np.float32(min_value), np.float32(max_value)
        if float(lo) < min_value:
            lo = np.nextafter(lo, np.float32(np.inf))
        if float(hi) > max_value:
            hi = np.nextafter(hi, np.float32(-np.inf))
        min_value, max_value = float(lo), float(hi)
    elements = st.floats(
        min_value=min_value,
        max_value=max_value,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
        width=width,
    )
    arrays = hnp.arrays(dtype=_NUMPY[dtype], shape=shape, elements=elements)
    # np.array(copy=True) keeps 0-d arrays 0-d (np.ascontiguousarray would make them 1-d).
    return arrays.map(lambda a: torch.from_numpy(np.array(a, dtype=_NUMPY[dtype], copy=True).reshape(shape)))


def seeds() -> st.SearchStrategy[int]:
    """Seeds for ``torch.Generator.manual_seed``."""
    return st.integers(min_value=0, max_value=2**63 - 1)


def generators() -> st.SearchStrategy[torch.Generator]:
    """A CPU ``torch.Generator`` seeded from a drawn integer (shown in the falsifying example)."""
    return seeds().map(lambda s: torch.Generator().manual_seed(s))


def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats spread evenly in log10 over ``[lo, hi]`` (temperatures from 1e-3 to 1e4, say)."""
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda e: float(10.0**e))


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
) -> torch.Tensor:
    """Logits ``(*batch, K)``, batch rank ``min_rank..max_rank``, entries in ``[-bound, bound]``;
    with ``neg_inf`` some entries are -inf, never a whole row."""
    dtype = draw(float_dtypes()) if dtype is None else dtype
    batch = draw(batch_shapes(min_rank=min_rank, max_rank=max_rank))
    k = draw(st.integers(min_k, max_k))
    logits = draw(tensors(batch + (k,), dtype=dtype, min_value=-bound, max_value=bound))
    if neg_inf and k > 1:
        flags = draw(st.lists(st.booleans(), min_size=logits.numel(), max_size=logits.numel()))
        mask = torch.tensor(flags, dtype=torch.bool).reshape(logits.shape)
        keep = draw(st.integers(0, k - 1))
        mask[..., keep] = False  # every row keeps a finite logit
        logits = logits.masked_fill(mask, -math.inf)
    return logits
