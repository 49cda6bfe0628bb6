"""Tests of ``genspec.domains`` (the edges, their strategies, the generator extremes) and of
``genspec.numerics.assert_numerics`` (the numerics-tier comparison)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.contract import all_names
from genspec.numerics import assert_numerics, mp_map

ROWS = [row for rows in dom.EDGES.values() for row in rows]


def test_every_contract_name_has_edges_or_a_reason_for_none() -> None:
    covered = {row.function.split(".")[0] for row in ROWS} | set(dom.NO_EDGES)
    assert set(all_names()) <= covered, f"no edges for {sorted(set(all_names()) - covered)}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.function}({r.argument})")
def test_every_edge_is_an_interval_of_representable_numbers_with_a_reason(row) -> None:
    assert row.why and row.bounds
    for dtype, (lo, hi) in row.bounds.items():
        assert lo <= hi and math.isfinite(lo) and math.isfinite(hi), (dtype, lo, hi)
        if dtype != dom.F64:
            top = float(torch.finfo(dtype).max)
            assert -top <= lo and hi <= top, f"{row.function}: {dtype} edge beyond the dtype's range"


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64, dom.BF16, dom.F16], ids=str)
def test_edge_pool_holds_the_ends_zero_and_tiny_magnitudes_all_representable(dtype) -> None:
    lo, hi = dom.edge("reparameterize", "logvar").bounds[dtype]
    pool = dom.edge_pool(lo, hi, dtype)
    assert {lo, hi, 0.0} <= set(pool), f"{dtype}: {pool[:12]}"
    values = torch.tensor(pool, dtype=torch.float64)
    assert torch.equal(values.to(dtype).double(), values), "pool values must be numbers of the dtype"
    assert bool(((values >= lo) & (values <= hi)).all())
    assert float(values.abs()[values != 0].min()) <= 10 * float(torch.finfo(dtype).tiny)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_edge_tensors_have_the_dtype_shape_and_bounds_and_reach_the_edges(data) -> None:
    row = data.draw(st.sampled_from(ROWS))
    dtype = data.draw(st.sampled_from(list(row.bounds)))
    shape = tuple(data.draw(st.lists(st.integers(1, 3), max_size=3)))
    x = data.draw(dom.edge_tensors(shape, row.function, row.argument, dtype))
    lo, hi = row.bounds[dtype]
    assert x.dtype == dtype and tuple(x.shape) == shape
    assert bool(torch.isfinite(x).all()) and bool(((x.double() >= lo) & (x.double() <= hi)).all())


def test_edge_tensors_reach_both_ends_of_the_float32_logvar_range() -> None:
    seen: set[float] = set()

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(dom.edge_tensors((4,), "reparameterize", "logvar", dom.F32))
    def collect(x: torch.Tensor) -> None:
        seen.update(x.tolist())

    collect()
    assert min(seen) <= -88.0 and max(seen) >= 88.0, (min(seen), max(seen))


@settings(max_examples=40, deadline=None)
@given(w=st.sampled_from([dom.F32, dom.F64]).flatmap(dom.iwae_log_weights))
def test_iwae_log_weights_are_neg_inf_or_finite_never_nan_or_pos_inf(w) -> None:
    assert not bool(torch.isnan(w).any()) and not bool(torch.isposinf(w).any())


def test_iwae_log_weights_contain_whole_columns_of_neg_inf() -> None:
    found = []

    @settings(max_examples=80, deadline=None, derandomize=True, database=None)
    @given(dom.iwae_log_weights(dom.F32))
    def collect(w: torch.Tensor) -> None:
        if w.dim() > 1 and w.shape[0] > 1:
            found.append(bool(torch.isneginf(w.reshape(w.shape[0], -1)).all(0).any()))

    collect()
    assert any(found), "no all -inf column in 80 draws"


@given(dom.pixels(dom.F32, (3, 5)))
def test_pixels_are_binary_or_grey_levels(x) -> None:
    levels = x.double() * 255
    assert bool(((levels - levels.round()).abs() < 1e-4).all()) and bool(((x >= 0) & (x <= 1)).all())


# ------------------------------------------------------------------ generator extremes


def test_the_untempered_words_temper_to_their_outputs() -> None:
    for name, word in dom.WORDS.items():
        assert dom.temper(dom.UNTEMPERED[word]) == word, name


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64, dom.BF16, dom.F16], ids=str)
def test_extreme_uniforms_are_the_smallest_and_largest_the_generator_returns(dtype) -> None:
    lo, hi = dom.EXTREME_UNIFORM[dtype]
    for kind, value in (("u_min", lo), ("u_max", hi)):
        u = torch.rand(300 if dtype != dom.F64 else 150, dtype=dtype, generator=dom.extreme_generator(kind, dtype))
        assert bool((u == value).all()), f"{kind} {dtype}: {u[:4].tolist()}, expected {value}"
    top = torch.tensor(hi, dtype=dtype)
    assert float(torch.nextafter(top, torch.tensor(2.0, dtype=dtype))) == 1.0, "hi must be the largest number below 1"
    zeros = torch.rand(10**4, dtype=dtype, generator=dom.extreme_generator("u_min", dtype))
    assert bool((zeros == 0).all()), "the zero state lasts beyond the first twist"


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64, dom.BF16, dom.F16], ids=str)
def test_extreme_normals_are_the_most_extreme_randn_returns(dtype) -> None:
    top = dom.EXTREME_NORMAL_53
    tol = 1e-2 if dtype in dom.HALF_DTYPES else 1e-6
    small = {k: torch.randn(8, dtype=dtype, generator=dom.extreme_generator(k, dtype)).double()
             for k in ("normal_max", "normal_min", "u_min")}
    assert abs(float(small["normal_max"].max()) - top) < tol * top
    assert abs(float(small["normal_min"].min()) + top) < tol * top
    assert bool((small["u_min"] == 0).all())
    vectorised = top if dtype == dom.F64 else math.sqrt(-2 * math.log(2.0**-24))  # 5.7681 from float32 uniforms
    big_max = torch.randn(64, dtype=dtype, generator=dom.extreme_generator("normal_max", dtype)).double()
    big_min = torch.randn(64, dtype=dtype, generator=dom.extreme_generator("normal_min_16", dtype)).double()
    assert abs(float(big_max.max()) - vectorised) < tol * vectorised
    assert abs(float(big_min.min()) + vectorised) < tol * vectorised


# ------------------------------------------------------------------ assert_numerics


def test_assert_numerics_accepts_exact_and_overflowing_values() -> None:
    truth = torch.tensor([1.0, 1e39, -1e39, -math.inf, 0.0], dtype=torch.float64)
    got = torch.tensor([1.0, math.inf, -math.inf, -math.inf, 0.0], dtype=torch.float32)
    assert_numerics(got, truth, kind="edge_elementwise", what="self-check")


@pytest.mark.parametrize("got, truth, message", [
    (float("nan"), 1.0, "NaN"),
    (math.inf, 3e38, "expected the finite"),
    (3.0e38, 1e39, "overflows"),
    (-math.inf, 1e39, "overflows"),
    (1.0001, 1.0, "tolerance"),
])
def test_assert_numerics_rejects_nan_wrong_infinities_and_errors(got, truth, message) -> None:
    with pytest.raises(AssertionError, match=message):
        assert_numerics(torch.tensor([got], dtype=torch.float32), torch.tensor([truth], dtype=torch.float64),
                        kind="edge_elementwise", what="self-check")


def test_assert_numerics_scale_widens_the_tolerance_to_the_size_of_the_terms() -> None:
    got, truth = torch.tensor([1e-3], dtype=torch.float32), torch.tensor([1e-3 + 1e-6], dtype=torch.float64)
    with pytest.raises(AssertionError):
        assert_numerics(got, truth, kind="edge_reduction", what="self-check")
    assert_numerics(got, truth, kind="edge_reduction", scale=1.0, what="self-check (terms of size 1)")


def test_mp_map_rounds_beyond_float64_to_infinity() -> None:
    import mpmath

    out = mp_map(lambda v: mpmath.exp(v), torch.tensor([1.0, 800.0], dtype=torch.float64))
    assert out[0].item() == pytest.approx(math.e) and out[1].item() == math.inf
