r"""Properties of the permutation layers: reverse, swap halves, fixed random, any given permutation.

    forward: y = x[..., p],   inverse: x = y[..., argsort(p)],   logdet = 0   (|det P| = 1)

The Jacobian is the permutation matrix, whose determinant is ±1 (the seed: "行列式可能变为 -1，
但绝对值依然为 1"). The permutation is a buffer: saved in the ``state_dict`` and moved by ``.to``.

Seed 003 (section 实验 / 模型细节) combines "在耦合之前，需要反转输入的维度" with the interleaved
even/odd partition. Reversal maps index i to D-1-i, which keeps its parity when D is odd: then the
even-index side is the same set of coordinates before and after the reversal, so reversal does not
alternate the interleaved partition for odd D (it does for the seed's D = 784). The check
``test_reversal_alternates_the_interleaved_partition_only_for_even_dim`` shows it.

References: seed 003_2bb67353180af150.txt, section flow / 交错中前进; Dinh et al.,
arXiv:1410.8516, §3.2; Kingma & Dhariwal, arXiv:1807.03039, §3.2.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import NOT_GENERATORS
from genspec.checks import assert_close, record
from genspec.oracles.jacobian import jacobian
from genspec.oracles.layers import F64

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]


@st.composite
def permutations_and_inputs(draw, *, dtype: torch.dtype | None = None):
    """``(p, x)``: a permutation of D in 6..9 and x ``(*batch, D)``, batch rank 1-3."""
    dim = draw(st.integers(6, 9))
    p = torch.tensor(draw(st.permutations(list(range(dim)))), dtype=torch.int64)
    dt = dtype or draw(gst.float_dtypes())
    batch = draw(gst.batch_shapes(min_rank=1, max_rank=3))
    return p, draw(gst.tensors((*batch, dim), dtype=dt, min_value=-5, max_value=5))


@given(case=permutations_and_inputs())
def test_permutation_forward_gathers_and_inverse_gathers_with_argsort(impl, case):
    p, x = case
    layer = impl.Permutation(p)
    y, logdet = layer(x)
    assert torch.equal(y, x[..., p]), "forward is not x[..., p]"
    back, inv_logdet = layer.inverse(x)
    assert torch.equal(back, x[..., torch.argsort(p)]), "inverse is not y[..., argsort(p)]"
    assert torch.equal(layer.inverse(y)[0], x), "inverse(forward(x)) != x exactly"
    for ld in (logdet, inv_logdet):
        assert ld.shape == x.shape[:-1] and ld.dtype == x.dtype and bool((ld == 0).all())


@given(case=permutations_and_inputs(dtype=F64))
def test_permutation_jacobian_is_a_permutation_matrix_with_det_plus_or_minus_one(impl, case):
    p, x = case
    layer = impl.Permutation(p)
    jac = jacobian(layer, x)
    expected = torch.eye(p.numel(), dtype=F64)[p]  # row i has its 1 in column p[i]
    assert torch.equal(jac, expected.expand_as(jac)), "the Jacobian is not the permutation matrix of p"
    sign, logabs = torch.linalg.slogdet(expected)
    record(permutation=p.tolist(), det_sign=float(sign))
    assert_close(logabs, torch.tensor(0.0, dtype=F64), kind="logdet", what="log|det P| = 0")
    assert float(sign) in (-1.0, 1.0)


@given(dim=st.integers(6, 9), data=st.data())
def test_reverse_and_swap_halves_are_the_named_permutations(impl, dim, data):
    x = data.draw(gst.tensors((2, dim), dtype=F64))
    assert torch.equal(impl.ReversePermutation(dim)(x)[0], x.flip(-1)), "reverse is not x.flip(-1)"
    h = dim // 2
    swapped = impl.SwapHalves(dim)(x)[0]
    assert torch.equal(swapped, torch.cat([x[..., h:], x[..., :h]], dim=-1)), "swap halves is not (x[h:], x[:h])"


@given(dim=st.integers(6, 9), seed=st.integers(0, 2**31))
def test_random_permutation_is_reproducible_from_its_generator_and_a_permutation(impl, dim, seed):
    a = impl.RandomPermutation(dim, generator=torch.Generator().manual_seed(seed))
    b = impl.RandomPermutation(dim, generator=torch.Generator().manual_seed(seed))
    x = torch.arange(dim, dtype=F64).expand(2, dim)
    ya, yb = a(x)[0], b(x)[0]
    assert torch.equal(ya, yb), "two permutations drawn from equally seeded generators differ"
    assert torch.equal(torch.sort(ya[0]).values, x[0]), "the random layer does not permute the coordinates"


@pytest.mark.parametrize("kind", ["reverse", "swap_halves", "random", "given"])
def test_permutation_is_a_buffer_in_the_state_dict(impl, kind, generator):
    dim = 7
    layer = {
        "reverse": lambda: impl.ReversePermutation(dim),
        "swap_halves": lambda: impl.SwapHalves(dim),
        "random": lambda: impl.RandomPermutation(dim, generator=generator),
        "given": lambda: impl.Permutation(torch.randperm(dim, generator=generator)),
    }[kind]()
    buffers = [b for b in layer.buffers() if b.dtype == torch.int64 and b.numel() == dim]
    assert buffers, f"{kind}: no int64 buffer of length {dim} holds the permutation"
    assert list(layer.parameters()) == [], f"{kind}: a permutation has no trainable parameters"
    saved = [v for v in layer.state_dict().values() if v.dtype == torch.int64 and v.numel() == dim]
    assert saved, f"{kind}: the permutation is not in the state_dict (lost on save and load)"


def test_permutation_moves_with_the_module(impl, device, generator):
    layer = impl.RandomPermutation(8, generator=generator).to(device)
    x = torch.randn(3, 8, generator=generator, dtype=F64).to(device)
    y, logdet = layer(x)
    assert y.device == x.device and logdet.device == x.device
    assert torch.equal(layer.inverse(y)[0], x)


@pytest.mark.parametrize("dim", [6, 7, 8, 9])
def test_reversal_alternates_the_interleaved_partition_only_for_even_dim(impl, dim):
    """Seed 003 reverses the coordinates before each coupling with the even/odd partition: that
    alternates which coordinates are shifted only when D is even."""
    reverse = impl.ReversePermutation(dim)
    mask = impl.interleaved_mask(dim)  # True on even positions: the side that is not shifted
    ids = torch.arange(dim, dtype=F64)
    after = reverse(ids)[0]
    unshifted_before = set(ids[mask].long().tolist())
    unshifted_after = set(after[mask].long().tolist())
    record(dim=dim, unshifted_before=sorted(unshifted_before), unshifted_after=sorted(unshifted_after))
    if dim % 2 == 0:
        assert unshifted_after.isdisjoint(unshifted_before), "even D: reversal swaps the two sides"
    else:
        assert unshifted_after == unshifted_before, (
            "odd D: reversal keeps every coordinate on its side of the even/odd partition, so the "
            "odd-index coordinates are never used to shift the even-index ones")


def test_permutations_of_one_coordinate_are_the_identity(impl, generator):
    """D = 1 is a permutation like any other (of {0}): every permutation layer accepts it and
    leaves x as it is, with logdet 0."""
    x = torch.randn(3, 1, generator=generator, dtype=F64)
    layers = {
        "given": lambda: impl.Permutation(torch.tensor([0])),
        "reverse": lambda: impl.ReversePermutation(1),
        "swap_halves": lambda: impl.SwapHalves(1),
        "random": lambda: impl.RandomPermutation(1, generator=generator),
    }
    for kind, make in layers.items():
        layer = make()
        for direction, fn in (("forward", layer), ("inverse", layer.inverse)):
            out, logdet = fn(x)
            assert torch.equal(out, x), f"{kind}.{direction} of a single coordinate changed it: {out} != {x}"
            assert logdet.shape == (3,) and bool((logdet == 0).all()), f"{kind}.{direction}: logdet {logdet}"


@pytest.mark.tier("validation")
def test_permutation_rejects_bad_input(impl):
    for bad in (torch.tensor([0, 1, 1]), torch.tensor([1, 2, 3]), torch.tensor([[0, 1], [1, 0]]),
                torch.tensor([], dtype=torch.int64)):
        with pytest.raises(ValueError, match=r"\bpermutation\b"):
            impl.Permutation(bad)
    layer = impl.ReversePermutation(6)
    with pytest.raises(ValueError, match=r"\bx\b|\bpermutation\b"):
        layer(torch.zeros(2, 5))



@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_random_permutation_rejects_a_generator_that_is_not_a_torch_generator(impl, generator):
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.RandomPermutation(5, generator=generator)
