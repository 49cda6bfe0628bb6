"""Properties of the score-function and reparameterization estimators of grad E_q[f(z)].

q = N(mu, diag(exp(logvar))). With the noise set to Gauss-Hermite nodes and the per-draw terms
(``reduction="none"``) weighted by the Gauss-Hermite weights, the estimators' expectation and
variance are computed *exactly* (the per-draw terms are polynomials in eps of degree <= 4, their
squares of degree <= 8, and a 12-node rule integrates degree 23). Oracles are closed forms written
here: for f(z) = sum_j (z_j - c_j)^2, d/dmu E f = 2 (mu - c), d/dlogvar E f = exp(logvar); in one
dimension with a = mu - c and s = exp(logvar / 2), the per-draw variance of the mu-gradient is 4 s^2
(pathwise) and (a^4 + 18 a^2 s^2 + 15 s^4) / s^2 - 4 a^2 (score function).

Seed 004 eq. (7) (score function) and eq. (10) (E_{N(mu, sigma^2)}[f(z)] = E_{N(0,1)}[f(mu + sigma eps)],
the one-dimensional example used here); seed 000 "重参数化背后的梯度估计".
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.checks import assert_close

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64
NODES = 12


def _gauss_hermite_grid(k: int, batch: tuple[int, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """eps ``(N^k, *batch, k)`` on the tensor-product probabilists' Gauss-Hermite grid and its weights
    ``(N^k,)`` (summing to 1): sum_i w_i g(eps_i) = E[g(eps)] for eps ~ N(0, I_k), g polynomial."""
    x, w = np.polynomial.hermite_e.hermegauss(NODES)
    w = w / w.sum()
    points = torch.tensor(list(itertools.product(x, repeat=k)), dtype=F64)  # (N^k, k)
    weights = torch.tensor([float(np.prod(c)) for c in itertools.product(w, repeat=k)], dtype=F64)
    eps = points.reshape(-1, *([1] * len(batch)), k).expand(-1, *batch, k).contiguous()
    return eps, weights


def _f(c: torch.Tensor):
    return lambda z: (z - c).square().sum(-1)


def _moments(terms: torch.Tensor, weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact mean and variance over eps of per-draw terms ``(N^k, *batch, K)``."""
    w = weights.reshape(-1, *([1] * (terms.dim() - 1)))
    mean = (w * terms).sum(0)
    return mean, (w * (terms - mean).square()).sum(0)


@st.composite
def problems(draw):
    batch = draw(gst.batch_shapes(max_rank=2, max_side=2))
    k = draw(st.integers(1, 2))
    mu = draw(gst.tensors((*batch, k), min_value=-2, max_value=2))
    logvar = draw(gst.tensors((*batch, k), min_value=-2, max_value=1))
    c = draw(gst.tensors((*batch, k), min_value=-2, max_value=2))
    return mu, logvar, c


@pytest.mark.parametrize("estimator", ["score_function_gradient", "reparameterization_gradient"])
@given(data=st.data())
def test_estimator_is_unbiased_exactly(impl, estimator, data):
    """E_eps[per-draw gradient] = (2 (mu - c), exp(logvar)) for f = sum (z - c)^2, by quadrature."""
    mu, logvar, c = data.draw(problems())
    eps, weights = _gauss_hermite_grid(mu.shape[-1], mu.shape[:-1])
    g_mu, g_logvar = getattr(impl, estimator)(_f(c), mu, logvar, eps=eps, reduction="none")
    assert g_mu.shape == eps.shape and g_logvar.shape == eps.shape
    assert_close(_moments(g_mu, weights)[0], 2 * (mu - c), kind="identity",
                 what=f"E[{estimator} d/dmu] = 2 (mu - c)")
    assert_close(_moments(g_logvar, weights)[0], torch.exp(logvar), kind="identity",
                 what=f"E[{estimator} d/dlogvar] = exp(logvar)")


@given(mu=st.floats(-2, 2), logvar=st.floats(-2, 1), c=st.floats(-2, 2))
def test_reparameterization_has_the_lower_variance_on_the_one_dimensional_example(impl, mu, logvar, c):
    """Per-draw variance of d/dmu: 4 s^2 (pathwise) < (a^4 + 18 a^2 s^2 + 15 s^4)/s^2 - 4 a^2 (score)."""
    mu_t, logvar_t, c_t = (torch.tensor([v], dtype=F64) for v in (mu, logvar, c))
    eps, weights = _gauss_hermite_grid(1, ())
    sf, _ = impl.score_function_gradient(_f(c_t), mu_t, logvar_t, eps=eps, reduction="none")
    rp, _ = impl.reparameterization_gradient(_f(c_t), mu_t, logvar_t, eps=eps, reduction="none")
    a, s2 = mu - c, float(np.exp(logvar))
    var_sf_expected = (a**4 + 18 * a**2 * s2 + 15 * s2**2) / s2 - 4 * a**2
    var_sf, var_rp = _moments(sf, weights)[1], _moments(rp, weights)[1]
    assert_close(var_rp, torch.tensor([4 * s2], dtype=F64), kind="identity",
                 what="variance of the pathwise d/dmu = 4 sigma^2")
    assert_close(var_sf, torch.tensor([var_sf_expected], dtype=F64), kind="identity",
                 what="variance of the score-function d/dmu")
    assert bool((var_rp < var_sf).all()), f"pathwise variance {var_rp} >= score-function variance {var_sf}"


@given(data=st.data())
def test_reparameterization_terms_are_the_pathwise_derivatives(impl, data):
    """Per draw: d/dmu f(z) = 2 (z - c) and d/dlogvar f(z) = (z - c) s eps, z = mu + s eps."""
    mu, logvar, c = data.draw(problems())
    eps = data.draw(gst.tensors((3, *mu.shape), min_value=-3, max_value=3))
    g_mu, g_logvar = impl.reparameterization_gradient(_f(c), mu, logvar, eps=eps, reduction="none")
    s = torch.exp(logvar / 2)
    z = mu + s * eps
    assert_close(g_mu, 2 * (z - c), kind="gradient", what="pathwise d f(z) / d mu")
    assert_close(g_logvar, (z - c) * s * eps, kind="gradient", what="pathwise d f(z) / d logvar")


@given(data=st.data())
def test_score_function_terms_are_f_times_the_score(impl, data):
    """Per draw: f(z) eps / s and f(z) (eps^2 - 1) / 2, also where eps is exactly 0, 1 or -1 (the scores'
    zeros: a draw there has no special value, only the ordinary formula)."""
    mu, logvar, c = data.draw(problems())
    eps = data.draw(gst.tensors((3, *mu.shape), min_value=-3, max_value=3)).clone(memory_format=torch.contiguous_format)
    eps.view(-1)[:3] = torch.tensor([0.0, 1.0, -1.0], dtype=eps.dtype)
    g_mu, g_logvar = impl.score_function_gradient(_f(c), mu, logvar, eps=eps, reduction="none")
    s = torch.exp(logvar / 2)
    value = (mu + s * eps - c).square().sum(-1, keepdim=True)
    assert_close(g_mu, value * eps / s, kind="gradient", what="f(z) d log q / d mu")
    assert_close(g_logvar, value * (eps.square() - 1) / 2, kind="gradient", what="f(z) d log q / d logvar")


@pytest.mark.parametrize("estimator", ["score_function_gradient", "reparameterization_gradient"])
def test_estimators_take_randomness_only_from_the_generator(impl, estimator, make_generator):
    mu, logvar, c = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 3, dtype=F64), torch.ones(3, dtype=F64)
    fn = getattr(impl, estimator)
    state = torch.random.get_rng_state()
    first = fn(_f(c), mu, logvar, num_samples=5, generator=make_generator(1))
    assert torch.equal(torch.random.get_rng_state(), state), f"{estimator} used the global RNG"
    again = fn(_f(c), mu, logvar, num_samples=5, generator=make_generator(1))
    other = fn(_f(c), mu, logvar, num_samples=5, generator=make_generator(2))
    assert all(torch.equal(a, b) for a, b in zip(first, again)), "same generator seed, different estimate"
    assert not torch.equal(first[0], other[0]), "different generator seeds, same estimate"
    eps = torch.randn(4, 2, 3, dtype=F64, generator=make_generator(4))  # terms that differ per draw
    mean = fn(_f(c), mu, logvar, eps=eps)
    each = fn(_f(c), mu, logvar, eps=eps, reduction="none")
    for i, name in enumerate(("mu", "logvar")):
        assert each[i].shape == eps.shape, f"reduction='none': {name} terms of shape {tuple(each[i].shape)}"
        assert_close(mean[i], each[i].mean(0), kind="reduction",
                     what=f"reduction='mean' = mean of the {name} terms over the draws")


@pytest.mark.parametrize("estimator", ["score_function_gradient", "reparameterization_gradient"])
def test_estimators_draw_num_samples_noise_and_default_to_one_draw(impl, estimator, make_generator):
    """Without eps, L = num_samples draws (the contract's default: 1), each with its own term."""
    mu, logvar, c = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 3, dtype=F64), torch.ones(3, dtype=F64)
    fn = getattr(impl, estimator)
    one = fn(_f(c), mu, logvar, generator=make_generator(3), reduction="none")
    four = fn(_f(c), mu, logvar, num_samples=4, generator=make_generator(3), reduction="none")
    assert one[0].shape == one[1].shape == (1, 2, 3), f"default num_samples: terms of shape {tuple(one[0].shape)}"
    assert four[0].shape == four[1].shape == (4, 2, 3), f"num_samples=4: terms of shape {tuple(four[0].shape)}"


# ----------------------------------------------------------------------------- bad input

ESTIMATORS = ["score_function_gradient", "reparameterization_gradient"]


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["mu", "logvar", "eps"])
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_estimators_reject_nan_naming_the_argument(impl, estimator, bad):
    args = {"mu": torch.zeros(2, 3, dtype=F64), "logvar": torch.zeros(2, 3, dtype=F64),
            "eps": torch.ones(4, 2, 3, dtype=F64)}
    args[bad][(1,) * args[bad].dim()] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        getattr(impl, estimator)(_f(torch.zeros(3, dtype=F64)), args["mu"], args["logvar"], eps=args["eps"])


@pytest.mark.tier("validation")
@pytest.mark.parametrize("returns", ["per coordinate", "one scalar"])
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_estimators_reject_an_f_of_the_wrong_shape_naming_f(impl, estimator, returns):
    """f maps z (L, *batch, K) to (L, *batch); a (L, *batch, K) or 0-d value would broadcast into a
    gradient of the wrong shape (score function) or of the wrong function (pathwise)."""
    f = {"per coordinate": lambda z: z.square(), "one scalar": lambda z: z.square().sum()}[returns]
    mu, logvar, eps = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 3, dtype=F64), torch.ones(4, 2, 3, dtype=F64)
    with pytest.raises(ValueError, match=r"\bf\b"):
        getattr(impl, estimator)(f, mu, logvar, eps=eps)



@pytest.mark.tier("validation")
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_estimators_reject_a_generator_or_an_f_of_the_wrong_type(impl, estimator):
    """A generator that is not a ``torch.Generator`` and an ``f`` that is not callable: TypeError naming them."""
    fn = getattr(impl, estimator)
    mu, logvar = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 3, dtype=F64)
    for generator in (3, "seed"):
        with pytest.raises(TypeError, match=r"\bgenerator\b"):
            fn(_f(torch.zeros(3, dtype=F64)), mu, logvar, num_samples=2, generator=generator)
    with pytest.raises(TypeError, match=r"\bf\b"):
        fn(3, mu, logvar, num_samples=2)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_estimators_reject_an_f_that_returns_nan_naming_f(impl, estimator):
    """f's values enter every gradient term: a NaN value would make the estimate NaN without a word."""
    mu, logvar, eps = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 3, dtype=F64), torch.ones(4, 2, 3, dtype=F64)
    with pytest.raises(ValueError, match=r"\bf\b"):
        getattr(impl, estimator)(lambda z: z.sum(-1) * math.nan, mu, logvar, eps=eps)
