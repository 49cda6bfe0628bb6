"""Properties of the IWAE bound ``iwae_bound(log_weights) = logsumexp(log_weights, 0) - log k``.

Oracles: a log-mean-exp written here in float64 (max-shifted, independent of ``torch.logsumexp``),
exhaustive enumeration of subsets, and the exact posterior of a linear-Gaussian model with
orthogonal columns, where every importance weight equals p(x) (``torch.distributions``'
``MultivariateNormal`` gives log p(x)). Burda et al. (arXiv:1509.00519) eq. (8), Theorem 1.
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.distributions import MultivariateNormal

from genspec import strategies as gst
from genspec.checks import assert_close
from genspec.tolerances import tolerance

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_linear_algebra():
    """The factorizations here are at most 5 x 5: threads gain nothing, and on a busy 2-core machine
    each multi-threaded LAPACK call waits milliseconds for a second core. Restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _log_mean_exp(log_weights: torch.Tensor) -> torch.Tensor:
    """log((1/k) sum_i exp(w_i)) over dim 0 in float64, shifted by the max."""
    w = log_weights.to(F64)
    top = w.max(dim=0).values
    return top + torch.log(torch.exp(w - top).sum(dim=0) / w.shape[0])


@st.composite
def log_weights(draw, *, max_k: int = 6, bound: float = 50.0):
    dtype = draw(gst.float_dtypes())
    k = draw(st.integers(1, max_k))
    shape = (k, *draw(gst.batch_shapes()))
    return draw(gst.tensors(shape, dtype=dtype, min_value=-bound, max_value=bound))


@given(data=st.data())
def test_iwae_bound_matches_log_mean_exp(impl, device, data):
    w = data.draw(log_weights()).to(device)
    got = impl.iwae_bound(w)
    assert got.dtype == w.dtype and got.device == w.device and got.shape == w.shape[1:]
    assert_close(got, _log_mean_exp(w), kind="reduction", what="iwae_bound = log mean_i exp(w_i)")


@pytest.mark.tier("numerics")
@given(data=st.data(), shift=st.floats(-1e4, 1e4))
def test_iwae_bound_is_shift_equivariant_for_weights_of_any_size(impl, data, shift):
    """L_k(w + c) = L_k(w) + c; log weights of -1e4 (a 784-pixel image) must not underflow."""
    w = data.draw(log_weights(bound=20.0)).to(F64)
    assert_close(impl.iwae_bound(w + shift), _log_mean_exp(w) + shift, kind="reduction",
                 what=f"iwae_bound(w + {shift}) = iwae_bound(w) + {shift}")


@given(data=st.data())
def test_iwae_bound_with_one_sample_is_the_single_sample_elbo(impl, data):
    w = data.draw(log_weights(max_k=1))
    assert_close(impl.iwae_bound(w), w[0].to(F64), kind="elementwise",
                 what="L_1 = log p(x, z) - log q(z | x) of the one draw")


@given(data=st.data())
def test_iwae_bound_lies_between_the_mean_and_the_max_of_the_log_weights(impl, data):
    """mean_i w_i <= L_k <= max_i w_i, and L_k >= max_i w_i - log k."""
    w = data.draw(log_weights())
    got = impl.iwae_bound(w).to(F64)
    w64 = w.to(F64)
    k = w.shape[0]
    tol = tolerance("reduction", w.dtype)
    slack = tol.atol + tol.rtol * w64.abs().amax(dim=0)
    assert bool((got >= w64.mean(0) - slack).all()), "L_k < mean of the log weights (Jensen)"
    assert bool((got <= w64.amax(0) + slack).all()), "L_k > max log weight"
    assert bool((got >= w64.amax(0) - math.log(k) - slack).all()), "L_k < max - log k"


@given(data=st.data())
def test_iwae_bound_is_invariant_to_the_order_of_the_samples(impl, data):
    w = data.draw(log_weights())
    perm = data.draw(st.permutations(range(w.shape[0])))
    assert_close(impl.iwae_bound(w[list(perm)]), impl.iwae_bound(w).to(F64), kind="reduction",
                 what="L_k of permuted samples")


@given(data=st.data())
def test_iwae_bound_dominates_the_average_over_subsets_pointwise(impl, data):
    """For every draw and m < k: L_k(w) >= mean over m-subsets I of L_m(w_I) (Burda et al., Thm 1)."""
    w = data.draw(log_weights(max_k=5, bound=10.0)).to(F64)
    k = w.shape[0]
    whole = impl.iwae_bound(w)
    for m in range(1, k):
        subsets = [impl.iwae_bound(w[list(idx)]) for idx in itertools.combinations(range(k), m)]
        average = torch.stack(subsets).mean(0)
        tol = tolerance("reduction", F64)
        assert bool((whole >= average - tol.atol - tol.rtol * average.abs()).all()), (
            f"L_{k} = {whole} < average of L_{m} over subsets = {average}")


@pytest.mark.tier("numerics")
def test_iwae_bound_accepts_zero_weights(impl):
    w = torch.tensor([[-math.inf, 0.0], [0.0, -math.inf], [-math.inf, -math.inf]], dtype=F64)
    assert_close(impl.iwae_bound(w), torch.full((2,), math.log(1 / 3), dtype=F64), kind="elementwise",
                 what="zero weights (log weight -inf) count in k")


@pytest.mark.tier("validation")
def test_iwae_bound_rejects_nan(impl):
    with pytest.raises(ValueError, match=r"\blog_weights\b"):
        impl.iwae_bound(torch.tensor([0.0, float("nan")]))


@pytest.mark.tier("validation")
def test_iwae_bound_rejects_plus_inf_and_a_0d_tensor(impl):
    """A weight of +inf is no importance weight (the contract: NaN and +inf raise); a 0-d tensor has
    no sample dimension."""
    with pytest.raises(ValueError, match=r"\blog_weights\b"):
        impl.iwae_bound(torch.tensor([[0.0, math.inf], [0.0, 0.0]]))
    with pytest.raises(ValueError, match=r"\blog_weights\b"):
        impl.iwae_bound(torch.tensor(0.0))


# ----------------------------------------------------------------------------- exact posterior


@given(d=st.integers(2, 5), k_latent=st.integers(1, 2), samples=st.integers(1, 8),
       noise_var=st.floats(0.1, 2.0), g=gst.generators())
def test_iwae_bound_under_the_exact_posterior_is_log_p_x_for_every_k(impl, d, k_latent, samples,
                                                                     noise_var, g):
    """Linear-Gaussian model with orthogonal columns: p(z | x) is diagonal, every weight is p(x).

    The log weights compose the implementation's ``reparameterize`` and ``log_normal``:
    log w = log N(x; W z + b, s^2) + log N(z; 0, I) - log N(z; m, v), z = reparameterize(m, log v, eps).
    """
    k_latent = min(k_latent, d)
    q_mat, _ = torch.linalg.qr(torch.randn(d, k_latent, dtype=F64, generator=g))
    scales = 0.5 + 2 * torch.rand(k_latent, dtype=F64, generator=g)
    weight, bias = q_mat * scales, torch.randn(d, dtype=F64, generator=g)
    x = torch.randn(3, d, dtype=F64, generator=g) * 2
    m_diag = scales.square() + noise_var  # M = W^T W + s^2 I is diagonal
    post_mean = (x - bias) @ weight / m_diag
    post_logvar = torch.log(noise_var / m_diag).expand_as(post_mean)
    eps = torch.randn(samples, 3, k_latent, dtype=F64, generator=g)
    z = impl.reparameterize(post_mean, post_logvar, eps)  # (samples, 3, K)
    log_noise = torch.full((d,), math.log(noise_var), dtype=F64)
    log_w = (impl.log_normal(x, z @ weight.T + bias, log_noise)
             + impl.log_normal(z, torch.zeros_like(z), torch.zeros_like(z))
             - impl.log_normal(z, post_mean, post_logvar))
    log_px = MultivariateNormal(bias, weight @ weight.T + noise_var * torch.eye(d, dtype=F64)).log_prob(x)
    assert_close(impl.iwae_bound(log_w), log_px, kind="identity",
                 what=f"L_{samples} under the exact posterior = log p(x)")
