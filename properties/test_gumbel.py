r"""Properties of ``sample_gumbel`` and ``gumbel_max``: shapes (empty ones included), dtypes, devices,
finiteness (also with a generator that draws only u = 0), -inf logits, generator determinism,
independent rows.

The distributions themselves are checked in ``statistical/test_gumbel_*.py``. Reference:
``reference/gumbel.py``; seed 000, "引入 Gumbel Max".
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import LOGITS, NOT_GENERATORS, bad_logits
from genspec.checks import record
from genspec.strategies import logits_cases

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

ALL_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


@given(data=st.data())
def test_sample_gumbel_shape_and_dtype(impl, data) -> None:
    shape = data.draw(gst.shapes(min_rank=0, max_rank=4))
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    g = impl.sample_gumbel(shape, generator=data.draw(gst.generators()), dtype=dtype)
    assert tuple(g.shape) == tuple(shape), f"shape {tuple(g.shape)} != {shape}"
    assert g.dtype == dtype, f"dtype {g.dtype} != {dtype}"
    assert bool(torch.isfinite(g).all())


@pytest.mark.tier("numerics")
def test_sample_gumbel_on_device(impl, make_generator, device) -> None:
    g = impl.sample_gumbel((7, 3), generator=make_generator(0, device=device), dtype=torch.float32,
                           device=device)
    assert g.device.type == device.type and g.shape == (7, 3)


@pytest.mark.tier("numerics")
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_every_draw_is_finite_at_every_dtype(impl, generator, dtype) -> None:
    """2**18 draws: a uniform drawn in a half-precision dtype is 0 once in 2**8 (bfloat16) or 2**11
    (float16) draws, so -log(-log u) without a guard shows -inf here; float32's 2**-24 needs the slow
    1e8-draw check (statistical/test_gumbel_tail.py)."""
    g = impl.sample_gumbel((2**18,), generator=generator, dtype=dtype)
    bad = int((~torch.isfinite(g)).sum())
    record(dtype=str(dtype), non_finite=bad, max=float(g.float().max()), min=float(g.float().min()))
    assert bad == 0, f"{bad} of 2**18 {dtype} Gumbel draws are not finite"


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 2, 5)], ids=str)
def test_sample_gumbel_with_a_zero_side_is_empty(impl, generator, shape) -> None:
    """A side of 0 is a valid shape (an empty batch): the result is an empty tensor of that shape and
    dtype, not an error (only a negative side is one)."""
    g = impl.sample_gumbel(shape, generator=generator, dtype=torch.float32)
    assert tuple(g.shape) == shape and g.dtype == torch.float32, f"shape {tuple(g.shape)}, dtype {g.dtype}"


def _zero_generator() -> torch.Generator:
    """A CPU generator all of whose draws are 0: its Mersenne Twister state words (624 uint64 slots
    after the int64 seed, two int32 and the uint64 position of ``CPUGeneratorImplState``) set to 0,
    a fixed point of the twist, through ``Generator.set_state``. Every ``torch.rand`` is then u = 0."""
    gen = torch.Generator().manual_seed(0)
    state = gen.get_state()
    state[24 : 24 + 624 * 8] = 0
    gen.set_state(state)
    return gen


@pytest.mark.tier("numerics")
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_a_generator_whose_uniforms_are_all_zero_still_gives_finite_draws(impl, dtype) -> None:
    """The guard on u = 0 (probability 2**-53 per float64 draw, so never seen by chance): with a
    generator that draws only u = 0, -log(-log u) would be -inf; the contract's draws are finite,
    and gumbel_max, whose noise is then equal in every class, never picks a -inf logit."""
    u = torch.rand(64, dtype=torch.float64, generator=_zero_generator())
    assert bool((u == 0).all()), f"test setup: the zeroed generator state drew {u[:4].tolist()}, not 0"
    g = impl.sample_gumbel((64,), generator=_zero_generator(), dtype=dtype)
    record(dtype=str(dtype), draws=g[:4].tolist())
    bad = int((~torch.isfinite(g)).sum())
    assert bad == 0, f"{bad} of 64 {dtype} draws at u = 0 are not finite: {g[:4].tolist()}"
    logits = torch.tensor([[-math.inf, 0.3, 1.0], [0.5, -math.inf, 0.0]], dtype=torch.float64)
    idx = impl.gumbel_max(logits, generator=_zero_generator())
    assert not bool(torch.isneginf(logits.gather(-1, idx.unsqueeze(-1))).any()), (
        f"gumbel_max picked a -inf logit (classes {idx.tolist()}) from a generator whose uniforms are 0")


def test_same_seed_same_draws_different_seed_different_draws(impl, make_generator) -> None:
    a = impl.sample_gumbel((64,), generator=make_generator(1), dtype=torch.float64)
    b = impl.sample_gumbel((64,), generator=make_generator(1), dtype=torch.float64)
    c = impl.sample_gumbel((64,), generator=make_generator(2), dtype=torch.float64)
    assert torch.equal(a, b), "the same generator seed gave different Gumbel draws"
    assert not torch.equal(a, c), "different seeds gave the same Gumbel draws"
    logits = torch.zeros(64, 4, dtype=torch.float64)
    i = impl.gumbel_max(logits, generator=make_generator(3))
    j = impl.gumbel_max(logits, generator=make_generator(3))
    k = impl.gumbel_max(logits, generator=make_generator(4))
    assert torch.equal(i, j), "gumbel_max: the same seed gave different draws"
    assert not torch.equal(i, k), "gumbel_max: different seeds gave the same 64 draws"


@given(data=st.data())
def test_gumbel_max_shape_dtype_and_range(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True))
    idx = impl.gumbel_max(logits, generator=data.draw(gst.generators()))
    assert idx.dtype == torch.int64, f"dtype {idx.dtype} != int64"
    assert tuple(idx.shape) == tuple(logits.shape[:-1]), f"shape {tuple(idx.shape)} != {tuple(logits.shape[:-1])}"
    assert bool(((idx >= 0) & (idx < logits.shape[-1])).all())


@pytest.mark.tier("numerics")
@pytest.mark.feature("neg_inf_logits")
@given(data=st.data())
def test_gumbel_max_never_selects_a_neg_inf_logit(impl, data) -> None:
    logits = data.draw(logits_cases(neg_inf=True, min_k=2, max_rank=1))
    many = logits.unsqueeze(0).expand((256,) + tuple(logits.shape)).contiguous()
    idx = impl.gumbel_max(many, generator=data.draw(gst.generators()))
    chosen = torch.isneginf(many).gather(-1, idx.unsqueeze(-1))
    assert not bool(chosen.any()), f"gumbel_max selected a -inf logit: {logits}"


@given(data=st.data())
def test_gumbel_max_is_invariant_to_shifting_the_logits(impl, data) -> None:
    """With the same generator state, logits + c gives the same draws (float64: no rounding ties)."""
    logits = data.draw(logits_cases(dtype=torch.float64, neg_inf=True))
    c = data.draw(gst.tensors(logits.shape[:-1] + (1,), dtype=torch.float64, min_value=-50, max_value=50))
    seed = data.draw(gst.seeds())
    a = impl.gumbel_max(logits, generator=torch.Generator().manual_seed(seed))
    b = impl.gumbel_max(logits + c, generator=torch.Generator().manual_seed(seed))
    assert torch.equal(a, b), "gumbel_max(logits + c) differs from gumbel_max(logits) for the same noise"


def test_gumbel_max_rows_of_a_batch_get_their_own_noise(impl, generator) -> None:
    idx = impl.gumbel_max(torch.zeros(64, 4, dtype=torch.float64), generator=generator)
    record(distinct=int(idx.unique().numel()))
    assert idx.unique().numel() > 1, "64 rows of uniform logits all drew the same class: shared noise"


@pytest.mark.tier("validation")
@pytest.mark.parametrize("shape", [(-1,), (3, -2)], ids=str)
def test_sample_gumbel_rejects_a_negative_side(impl, shape) -> None:
    with pytest.raises(ValueError, match="shape"):
        impl.sample_gumbel(shape, generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("logits", bad_logits())
def test_gumbel_max_rejects_bad_logits(impl, logits) -> None:
    with pytest.raises(ValueError, match="logits"):
        impl.gumbel_max(logits, generator=torch.Generator().manual_seed(0))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_samplers_reject_a_generator_that_is_not_a_torch_generator(impl, generator) -> None:
    """A ``generator`` that is neither a ``torch.Generator`` nor None is a TypeError naming it (not an
    AttributeError from inside torch)."""
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.sample_gumbel((2, 3), generator=generator)
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.gumbel_max(LOGITS, generator=generator)


@pytest.mark.tier("validation")
def test_sample_gumbel_rejects_a_dtype_that_is_not_a_floating_torch_dtype(impl) -> None:
    with pytest.raises(TypeError, match=r"\bdtype\b"):
        impl.sample_gumbel((2, 3), dtype="float32")
    with pytest.raises(ValueError, match=r"\bdtype\b"):
        impl.sample_gumbel((2, 3), dtype=torch.int64)
