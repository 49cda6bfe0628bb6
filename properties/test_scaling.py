r"""Properties of ``Scaling`` and its equivalence to a learned prior standard deviation.

    forward:  z = h * exp(log_scale),   logdet = sum(log_scale)
    inverse:  h = z * exp(-log_scale),  logdet = -sum(log_scale)

With a standard normal prior on z, for any flow f with h = f(x),

    log N(Scaling(h); 0, I) + sum(log_scale) + logdet_f(x) = log N(h; 0, diag(sigma^2)) + logdet_f(x),
    sigma_i = exp(-log_scale_i),

an exact identity: the seed's "s_i = 1/σ_i" (section 尺度变换层, eq. (15)-(17)), with the seed's s
being the multiplicative scale exp(log_scale). Checked with random couplings and random log_scale.

References: seed 003_2bb67353180af150.txt, section flow / 尺度变换层; Dinh et al.,
arXiv:1410.8516, §3.3.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.distributions import Normal

from genspec import strategies as gst
from genspec.checks import assert_close
from genspec.oracles.layers import F64, random_mask, randomize_, shift_net

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]


@given(dim=st.integers(1, 9))
def test_scaling_starts_as_the_identity_with_a_zero_log_scale_parameter(impl, dim):
    layer = impl.Scaling(dim)
    assert isinstance(layer.log_scale, nn.Parameter) and layer.log_scale.shape == (dim,)
    assert bool((layer.log_scale == 0).all()), "log_scale must be initialised to zeros"
    x = torch.linspace(-2, 2, 3 * dim, dtype=torch.float32).reshape(3, dim)
    z, logdet = layer(x)
    assert torch.equal(z, x) and bool((logdet == 0).all())


@given(data=st.data())
def test_scaling_multiplies_by_exp_log_scale(impl, data):
    dtype = data.draw(gst.float_dtypes())
    dim = data.draw(st.integers(6, 9))
    batch = data.draw(gst.batch_shapes(min_rank=1, max_rank=3))
    log_scale = data.draw(gst.tensors((dim,), dtype=F64, min_value=-2, max_value=2))
    h = data.draw(gst.tensors((*batch, dim), dtype=dtype, min_value=-5, max_value=5))
    layer = impl.Scaling(dim).to(dtype)
    with torch.no_grad():
        layer.log_scale.copy_(log_scale)
    s = layer.log_scale.detach().to(F64)  # the stored (possibly float32-rounded) log_scale
    z, logdet = layer(h)
    assert_close(z, h.to(F64) * torch.exp(s), kind="elementwise", what="forward: z = h * exp(log_scale)")
    assert_close(logdet, s.sum().expand(batch), kind="logdet", what="forward logdet = sum(log_scale)")
    back, inv_logdet = layer.inverse(h)
    assert_close(back, h.to(F64) * torch.exp(-s), kind="elementwise", what="inverse: h = z * exp(-log_scale)")
    assert_close(inv_logdet, -s.sum().expand(batch), kind="logdet", what="inverse logdet = -sum(log_scale)")


@given(data=st.data())
def test_scaling_with_a_standard_prior_is_a_prior_with_std_exp_minus_log_scale(impl, data):
    dim = data.draw(st.integers(6, 9))
    g = torch.Generator().manual_seed(data.draw(st.integers(0, 2**31)))
    batch = data.draw(gst.batch_shapes(min_rank=1, max_rank=3))
    x = data.draw(gst.tensors((*batch, dim), dtype=F64, min_value=-3, max_value=3))
    couplings = []
    for _ in range(3):
        mask = random_mask(dim, g)
        couplings.append(impl.AdditiveCoupling(mask, shift_net(int(mask.sum()), int((~mask).sum()), g, F64)))
    flow = impl.FlowSequential(couplings)
    scaling = randomize_(impl.Scaling(dim).to(F64), g, log_scale_bound=1.5)
    h, logdet_f = flow(x)
    z, logdet_s = scaling(h)
    scaled = Normal(0.0, 1.0).log_prob(z.to(F64)).sum(-1) + logdet_s + logdet_f
    sigma = torch.exp(-scaling.log_scale.detach().to(F64))
    learned_variance = Normal(torch.zeros(dim, dtype=F64), sigma).log_prob(h.detach()).sum(-1) + logdet_f
    assert_close(scaled, learned_variance.detach(), kind="identity",
                 what="log N(h*exp(s); 0, I) + sum(s) = log N(h; 0, diag(exp(-s))^2)")
    # the seed's s_i = 1/sigma_i, with its s the multiplicative scale exp(log_scale)
    assert_close(torch.exp(scaling.log_scale.detach()), 1.0 / sigma, kind="elementwise",
                 what="the seed's s_i = exp(log_scale_i) = 1/sigma_i")


def test_scaling_accepts_an_unbatched_vector(impl, generator):
    """Batch rank 0: an ``h`` of shape ``(D,)`` gives ``z`` of shape ``(D,)`` and a 0-d logdet."""
    layer = randomize_(impl.Scaling(7).to(F64), generator)
    s = layer.log_scale.detach().to(F64)
    h = torch.randn(7, generator=generator, dtype=F64)
    z, logdet = layer(h)
    assert z.shape == (7,) and logdet.shape == (), f"forward: {tuple(z.shape)}, logdet {tuple(logdet.shape)}"
    assert_close(z, h * torch.exp(s), kind="elementwise", what="unbatched forward: z = h * exp(log_scale)")
    assert_close(logdet, s.sum(), kind="logdet", what="unbatched forward logdet = sum(log_scale)")
    back, inv_logdet = layer.inverse(z)
    assert back.shape == (7,) and inv_logdet.shape == (), (
        f"inverse: {tuple(back.shape)}, logdet {tuple(inv_logdet.shape)}")
    assert_close(back, h, kind="roundtrip", what="unbatched round trip")
    assert_close(inv_logdet, -s.sum(), kind="logdet", what="unbatched inverse logdet = -sum(log_scale)")


@pytest.mark.tier("numerics")
def test_a_zero_scale_is_not_a_bijection(impl):
    """Seed 003 (尺度变换层) asks only that the scales be "各个元素非负" (non-negative). A zero scale,
    s_i = exp(log_scale_i) = 0, maps points that differ in coordinate i to the same z and has
    log|det| = -inf: the scales must be positive, which the log parametrisation guarantees."""
    layer = impl.Scaling(6).to(F64)
    with torch.no_grad():
        layer.log_scale.copy_(torch.tensor([0.3, -0.2, -math.inf, 0.1, 0.0, 0.5], dtype=F64))
    h = torch.zeros(2, 6, dtype=F64)
    h[1, 2] = 1.0  # differs from h[0] in the zero-scale coordinate only
    z, logdet = layer(h)
    assert torch.equal(z[0], z[1]), "two different inputs should meet in one output under a zero scale"
    assert bool((logdet == -math.inf).all()), f"log|det| of a zero scale is -inf, got {logdet}"


@pytest.mark.tier("validation")
def test_scaling_rejects_bad_dim_and_input(impl):
    for bad in (0, -3, 2.5):
        with pytest.raises(ValueError, match=r"\bdim\b"):
            impl.Scaling(bad)
    with pytest.raises(ValueError):
        impl.Scaling(6)(torch.zeros(2, 5))
