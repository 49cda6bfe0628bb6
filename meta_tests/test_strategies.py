"""Tests of ``genspec.strategies``: the drawn tensors have the promised dtypes, shapes and values."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st

from genspec import strategies as gst


@given(data=st.data())
def test_tensors_respect_shape_dtype_and_bounds(data: st.DataObject) -> None:
    dtype = data.draw(gst.float_dtypes())
    shape = data.draw(gst.shapes(min_rank=0, max_rank=3))
    x = data.draw(gst.tensors(shape, dtype=dtype, min_value=-3.0, max_value=2.0))
    assert x.dtype == dtype and tuple(x.shape) == shape
    assert torch.isfinite(x).all()
    assert (x >= -3.0).all() and (x <= 2.0).all()


@given(gst.tensors((64,), dtype=torch.float32, min_value=-1e-30, max_value=1e-30))
def test_float32_draws_have_no_subnormals(x: torch.Tensor) -> None:
    tiny = torch.finfo(torch.float32).tiny
    assert ((x == 0) | (x.abs() >= tiny)).all()


@given(gst.batch_shapes())
def test_batch_shapes_cover_ranks_zero_to_three(shape: tuple[int, ...]) -> None:
    assert 0 <= len(shape) <= 3 and all(s >= 1 for s in shape)


def test_batch_shapes_reach_every_rank() -> None:
    seen: set[int] = set()

    @given(gst.batch_shapes())
    def collect(shape: tuple[int, ...]) -> None:
        seen.add(len(shape))

    collect()
    assert seen == {0, 1, 2, 3}


@given(gst.seeds())
def test_generators_are_reproducible(seed: int) -> None:
    a = torch.rand(3, generator=torch.Generator().manual_seed(seed))
    b = torch.rand(3, generator=torch.Generator().manual_seed(seed))
    assert torch.equal(a, b)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="min_rank"):
        gst.shapes(min_rank=3, max_rank=1)
    with pytest.raises(ValueError, match="dtype"):
        gst.tensors((2,), dtype=torch.int64)
    with pytest.raises(ValueError, match="min_value"):
        gst.tensors((2,), min_value=1.0, max_value=0.0)
