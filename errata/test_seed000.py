r"""Errata of seed 000 (``000_bf33366f7638eda2.txt``), each shown numerically (``docs/errata.md``).

Each test passes by showing that the seed's statement fails and the corrected statement holds, with
float64 oracles (closed forms, ``scipy.integrate.quad``). They check the seed, not ``--impl``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate

from genspec.faithful import seed000
from genspec.checks import assert_close, record
from errata.support import assert_differs, f64

pytestmark = pytest.mark.area("gumbel")

_QUAD = dict(epsabs=1e-12, epsrel=1e-12, limit=200)


def _gumbel_max_wins_1(p: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Whether class 1 (index 0) wins ``argmax_i log p_i - log(-log eps_i)``; eps: ``(..., k)``."""
    y = np.log(p) - np.log(-np.log(eps))
    return y.argmax(axis=-1) == 0


# ------------------------------------------------------------------ "Gumbel Max 的数学证明"


def test_assert_differs_rejects_values_within_tolerance() -> None:
    """The helper of every erratum test: a gap inside the tolerance must not count as an erratum."""
    with pytest.raises(AssertionError):
        assert_differs(1.0 + 1e-12, 1.0, kind="identity", what="helper self-check")
    assert_differs(1.1, 1.0, kind="identity", what="helper self-check")


def test_step2_inequality_is_not_the_event_class1_wins() -> None:
    """Step 2 says class 1 wins iff eps_j < eps_1 * p_j / p_1; the right condition is eps_j < eps_1 ** (p_j / p_1)."""
    p = np.array([0.25, 0.75])
    grid = (np.arange(1, 400) - 0.5) / 399
    e1, e2 = np.meshgrid(grid, grid, indexing="ij")
    eps = np.stack([e1, e2], axis=-1)
    wins = _gumbel_max_wins_1(p, eps)
    seed_event = e2 < e1 * p[1] / p[0]
    corrected_event = e2 < e1 ** (p[1] / p[0])
    disagree = float(np.mean(seed_event != wins))
    record(fraction_of_grid_where_seed_step2_is_wrong=disagree)
    assert disagree > 0.3, f"the seed's step-2 event disagrees with the argmax on only {disagree:.3f} of the grid"
    assert np.array_equal(corrected_event, wins), "eps_j < eps_1 ** (p_j / p_1) must be exactly the event 'class 1 wins'"
    # The explicit counterexample of docs/errata.md: eps = (0.5, 0.3), p = (0.25, 0.75).
    assert not _gumbel_max_wins_1(p, np.array([0.5, 0.3])) and 0.3 < 0.5 * 0.75 / 0.25


def test_step3_probability_exceeds_one() -> None:
    """Step 3's P(eps_j < eps_1 p_j / p_1) = eps_1 p_j / p_1 is above 1 when p_j > p_1 / eps_1."""
    eps1, p1, pj = 0.5, 0.25, 0.75
    seed_probability = eps1 * pj / p1
    corrected = eps1 ** (pj / p1)  # P(eps_j < eps_1 ** (p_j / p_1) | eps_1) for eps_j ~ U(0, 1)
    assert seed_probability > 1.0, "a probability above 1 is the visible symptom"
    assert 0.0 < corrected <= 1.0


def test_step4_sums_where_independence_multiplies() -> None:
    """Step 4 adds the per-j probabilities; the joint probability of independent events is their product."""
    p = np.array([0.2, 0.3, 0.5])
    eps1 = 0.6
    rng = np.random.default_rng(0)  # a fixed Monte Carlo check of the conditional probability
    eps_rest = rng.random((400_000, 2))
    eps = np.concatenate([np.full((eps_rest.shape[0], 1), eps1), eps_rest], axis=1)
    mc = float(_gumbel_max_wins_1(p, eps).mean())
    product = float(np.prod(eps1 ** (p[1:] / p[0])))
    seed_sum = float(eps1 * p[1:].sum() / p[0])
    record(monte_carlo=mc, product=product, seed_sum=seed_sum)
    # 400 000 draws: standard error <= 0.0008; the product must be within 5 of them.
    assert abs(mc - product) < 5 * math.sqrt(product * (1 - product) / eps.shape[0]) + 1e-12
    assert seed_sum > 1.0 and abs(seed_sum - mc) > 1.0


@pytest.mark.parametrize("p1", [0.05, 0.2, 0.3, 0.5, 0.7, 0.95])
def test_step5_result_is_not_p_and_the_corrected_integral_is(p1: float) -> None:
    """Step 5's (1/2)(1/p - 1) equals p only at p = 1/2; the integral of eps^(1/p - 1) over (0, 1) is p."""
    seed_value = 0.5 * (1.0 / p1 - 1.0)
    corrected, err = integrate.quad(lambda e: e ** (1.0 / p1 - 1.0), 0.0, 1.0, **_QUAD)
    record(p=p1, seed_step5=seed_value, corrected_integral=corrected, quad_error=err)
    assert_close(f64(corrected), f64(p1), kind="quadrature",
                 what="∫_0^1 ε^(1/p - 1) dε = p (Gumbel-Max, corrected step 5)")
    if p1 == 0.5:
        assert seed_value == pytest.approx(p1)  # the one coincidence: 2p^2 + p - 1 = 0
    else:
        assert_differs(seed_value, p1, kind="quadrature", what="seed 000 step 5: (1/2)(1/p - 1) vs p")
    if p1 < 1 / 3:
        assert seed_value > 1.0, "for p < 1/3 the seed's 'probability' exceeds 1"


def test_corrected_proof_with_three_classes_gives_softmax() -> None:
    """The corrected argument for k = 3: E_{eps_1}[prod_j eps_1 ** (p_j / p_1)] = p_1, for each class."""
    logits = np.array([0.3, -1.2, 1.1])
    p = np.exp(logits - logits.max())
    p /= p.sum()
    for i in range(3):
        others = np.delete(p, i)
        value, _ = integrate.quad(lambda e: float(np.prod(e ** (others / p[i]))), 0.0, 1.0, **_QUAD)
        assert_close(f64(value), f64(p[i]), kind="quadrature",
                     what=f"P(Gumbel-Max picks class {i}) = softmax(o)_{i}")


# ------------------------------------------------------------------ "Gumbel Softmax的数学推导"


def test_softmax_then_divide_by_tau_is_not_the_gumbel_softmax() -> None:
    """Step 2's words ("softmax, then divide by tau") give softmax(y)/tau, off the simplex; the formula is softmax(y/tau)."""
    y = f64([0.4, -1.0, 2.0, 0.1])
    tau = 0.5
    words = torch.softmax(y, dim=-1) / tau
    formula = torch.softmax(y / tau, dim=-1)
    assert_close(formula.sum(), 1.0, kind="elementwise", what="softmax(y / tau) sums to 1")
    assert_differs(words.sum(), 1.0, kind="elementwise", what="softmax(y) / tau sums to 1 / tau")


# ------------------------------------------------------------------ "Score Function Estimator（REINFORCE）"


@pytest.mark.area("gaussian")
def test_score_function_estimator_is_unbiased() -> None:
    """The formula the empty section omits: grad_mu E_q f = E_q[f(z) d/dmu log q(z)] (checked by quadrature)."""
    mu, sigma, omega = 0.3, 0.8, 2.0
    pdf = lambda z: math.exp(-0.5 * ((z - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))  # noqa: E731
    exact = -omega * math.sin(omega * mu) * math.exp(-0.5 * (omega * sigma) ** 2)  # d/dmu E cos(omega z)
    score, _ = integrate.quad(lambda z: math.cos(omega * z) * (z - mu) / sigma**2 * pdf(z), -math.inf, math.inf, **_QUAD)
    pathwise, _ = integrate.quad(lambda z: -omega * math.sin(omega * z) * pdf(z), -math.inf, math.inf, **_QUAD)
    assert_close(f64(score), f64(exact), kind="quadrature",
                 what="E[f(z) (z - mu) / sigma^2] = d/dmu E f (score function, REINFORCE)")
    assert_close(f64(pathwise), f64(exact), kind="quadrature",
                 what="E[f'(mu + sigma eps)] = d/dmu E f (reparameterization)")


def _estimator_variances(f, df, mu: float, sigma: float) -> tuple[float, float]:
    """Variances of the pathwise ``f'(mu + sigma eps)`` and score ``f(z)(z - mu)/sigma^2`` estimators."""
    pdf = lambda e: math.exp(-0.5 * e * e) / math.sqrt(2 * math.pi)  # noqa: E731
    moment = lambda g: integrate.quad(lambda e: g(e) * pdf(e), -math.inf, math.inf, **_QUAD)[0]  # noqa: E731
    path = lambda e: df(mu + sigma * e)  # noqa: E731
    score = lambda e: f(mu + sigma * e) * e / sigma  # noqa: E731
    var_path = moment(lambda e: path(e) ** 2) - moment(path) ** 2
    var_score = moment(lambda e: score(e) ** 2) - moment(score) ** 2
    return var_path, var_score


@pytest.mark.area("gaussian")
def test_reparameterization_does_not_always_reduce_variance() -> None:
    """The seed says reparameterization lowers the variance; true for f = z^2, false for f = cos(3 z)."""
    vp_sq, vs_sq = _estimator_variances(lambda z: z * z, lambda z: 2 * z, mu=1.0, sigma=1.0)
    assert_close(f64([vp_sq, vs_sq]), f64([4.0, 30.0]),
                 kind="quadrature", what="variances for f = z^2 at mu = sigma = 1 (closed forms 4 and 30)")
    vp_cos, vs_cos = _estimator_variances(lambda z: math.cos(3 * z), lambda z: -3 * math.sin(3 * z), mu=0.3, sigma=1.0)
    record(var_pathwise_z2=vp_sq, var_score_z2=vs_sq, var_pathwise_cos3z=vp_cos, var_score_cos3z=vs_cos)
    assert vp_cos > 5 * vs_cos, f"pathwise variance {vp_cos:.4f} should exceed the score variance {vs_cos:.4f}"


# ------------------------------------------------------------------ "代码示例"


@pytest.mark.area("gaussian")
def test_listing_bce_caps_the_log_likelihood_of_large_logits() -> None:
    """F.binary_cross_entropy on sigmoid outputs clamps log(0) at -100: log p(x=0 | l) = -softplus(l) is lost."""
    for dtype, logit in ((torch.float64, 200.0), (torch.float32, 30.0)):
        x = torch.zeros(1, dtype=dtype)
        logits = torch.tensor([logit], dtype=dtype)
        seed_value = seed000.bernoulli_log_prob(x, logits)
        exact = -torch.nn.functional.softplus(logits.double()).sum()  # x*l - softplus(l) with x = 0
        stable = (x * logits - torch.nn.functional.softplus(logits)).sum()
        record(dtype=str(dtype), logit=logit, seed=float(seed_value), exact=float(exact))
        assert_close(stable, exact, kind="elementwise", what=f"x*l - softplus(l) at l={logit} ({dtype})")
        assert_differs(seed_value, exact, kind="elementwise", dtype=dtype,
                       what=f"seed 000 BCE log-likelihood at logit {logit} ({dtype})")


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.8])
@pytest.mark.area("gaussian")
def test_bce_on_grey_level_pixels_is_not_a_normalised_likelihood(p: float) -> None:
    """The listing feeds ToTensor() grey levels x in [0, 1] to a Bernoulli BCE: exp(-BCE) is no density on [0, 1].

    Over x in {0, 1} the Bernoulli mass sums to 1. Over x in [0, 1] the integral of
    p^x (1 - p)^(1 - x) is (2p - 1) / logit(p) (1/2 at p = 1/2), the inverse of the continuous
    Bernoulli normaliser of Loaiza-Ganem & Cunningham (2019); -BCE misses that log-normaliser, so the
    listing's loss is not -log p(x). The correction binarizes the pixels (as models/vae.py does).
    """
    density = lambda x: p**x * (1 - p) ** (1 - x)  # noqa: E731 -- exp(-BCE(x; p)) for one pixel
    integral, err = integrate.quad(density, 0.0, 1.0, **_QUAD)
    closed = 0.5 if p == 0.5 else (2 * p - 1) / math.log(p / (1 - p))
    record(p=p, integral_over_unit_interval=integral, quad_error=err, binary_sum=density(0) + density(1))
    assert_close(f64(integral), f64(closed), kind="quadrature", what="integral of p^x (1-p)^(1-x) over [0, 1]")
    assert_close(f64(density(0.0) + density(1.0)), f64(1.0), kind="elementwise",
                 what="Bernoulli mass over {0, 1}")
    assert_differs(integral, 1.0, kind="quadrature", what=f"seed 000: exp(-BCE) integrated over grey levels (p={p})")


@pytest.mark.area("gaussian")
def test_elbo_first_term_is_minus_the_reconstruction_error() -> None:
    """'第一项：重建误差': E_q log p(x|z) is minus the BCE reconstruction error, so maximising it lowers the error."""
    x = f64([[0.0, 1.0, 1.0, 0.0]])
    recon = f64([[0.2, 0.7, 0.9, 0.4]])
    bce = torch.nn.functional.binary_cross_entropy(recon, x, reduction="sum")
    loglik = (x * recon.log() + (1 - x) * (1 - recon).log()).sum()
    assert_close(loglik, -bce, kind="elementwise", what="log p(x|z) = -BCE")
    assert float(bce) > 0 > float(loglik)


@pytest.mark.area("models")
def test_main_loop_prints_epoch_1_every_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    """main() calls train_vae(..., epochs=1) ten times; its counter restarts, so every line says 'Epoch 1'."""

    class _Loader(list):
        dataset = range(8)

    class _NoStep:
        def zero_grad(self) -> None: ...

        def step(self) -> None: ...

    images = torch.rand(8, 1, 28, 28)
    loader = _Loader([(images[:4], None), (images[4:], None)])
    model = seed000.VAE(hidden_dim=16, latent_dim=2)  # the seed's 784-400-20, narrowed for speed
    optimizer = _NoStep()  # the loop under test is the printing; torch.optim costs ~2 s to import
    for _ in range(1, 3):  # the seed's `for epoch in range(1, 11)`, twice is enough
        seed000.train_vae(model, loader, optimizer, epochs=1)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Epoch")]
    assert len(lines) == 2 and all(line.startswith("Epoch 1,") for line in lines), lines
