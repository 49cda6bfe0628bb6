r"""Properties of the ``NICE`` model: its density, its sampler with a temperature, its configuration.

    z, logdet = NICE.forward(x),   log_prob(x) = log p_prior(z) + logdet
    p_prior: standard logistic, log p = -softplus(z) - softplus(-z) (paper), or standard normal (seed)
    sample(n, temperature=T) = inverse(T * eps),  eps ~ prior

Checked here: log_prob against scipy / torch.distributions priors plus an autograd slogdet; the
density integrates to 1 over a grid for D = 2 (the Monte Carlo check for D = 6 is in
``statistical/test_nice.py``); with the Gaussian prior it equals the unscaled flow under
N(0, diag(exp(-log_scale))^2) exactly (the seed's s_i = 1/σ_i); every coordinate is moved (the
partition alternates), the first coupling passing the even coordinates and the second the odd
ones; the parameter count follows (couplings, hidden, depth) down to one coupling of linear nets;
the latent of ``sample(temperature=T)`` is T times that of T = 1 for the same noise, and zero draws
are an empty batch; a NaN in x makes log_prob raise ValueError naming x; the paper's 784-D model has
19,158,352 parameters (the seed's "约为 2×10^7") and, with a random log_scale and non-zero coupling
nets, round-trips in float32 with inverse logdet = -forward logdet = -sum(log_scale).

References: seed 003_2bb67353180af150.txt, sections 尺度变换层, 实验 / 模型细节, 退火参数, 总结;
Dinh et al., arXiv:1410.8516, §3.4 and §5.1.
"""

from __future__ import annotations

import inspect
import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.distributions import Normal

from genspec import strategies as gst
from genspec.bad_inputs import NOT_GENERATORS, NOT_NUMBERS
from genspec.oracles.densities import prior_log_prob64
from genspec.checks import assert_close, record
from genspec.tolerances import tolerance
from genspec.oracles.jacobian import jacobian, jacobian_logdet, magnitude
from genspec.oracles.layers import F64, randomize_

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

PRIORS = ["logistic", "gaussian"]


def small_nice(impl, dim: int, prior: str, generator: torch.Generator, *, couplings: int = 4,
               dtype: torch.dtype = F64):
    """A NICE with small random nets (2 hidden layers of 8 units) and random log_scale."""
    model = impl.NICE(dim, couplings=couplings, hidden=8, depth=2, prior=prior).to(dtype)
    return randomize_(model, generator)


@st.composite
def nice_cases(draw):
    """``(prior, dim, seed, x)``: D in 6..9, x ``(*batch, D)`` with batch rank 1-3."""
    prior = draw(st.sampled_from(PRIORS))
    dim = draw(st.integers(6, 9))
    batch = draw(gst.batch_shapes(min_rank=1, max_rank=3))
    x = draw(gst.tensors((*batch, dim), dtype=F64, min_value=-3, max_value=3))
    return prior, dim, draw(st.integers(0, 2**31)), x


# ----------------------------------------------------------------------------- the density


@given(case=nice_cases())
def test_log_prob_is_prior_log_prob_plus_log_abs_det_jacobian(impl, case):
    prior, dim, seed, x = case
    model = small_nice(impl, dim, prior, torch.Generator().manual_seed(seed))
    z, _ = model(x)
    expected = prior_log_prob64(z, prior) + jacobian_logdet(model, x).detach()
    got = model.log_prob(x)
    assert got.shape == x.shape[:-1] and got.dtype == x.dtype
    assert_close(got, expected, kind="identity",
                 what=f"log_prob = log p_{prior}(f(x)) + log|det df/dx| (scipy/torch prior, autograd slogdet)")


@pytest.mark.parametrize("prior, z_half_width", [("logistic", 14.0), ("gaussian", 7.0)])
def test_density_integrates_to_one_on_a_grid_in_two_dimensions(impl, prior, z_half_width, generator):
    """Trapezoid rule on a 401 x 401 grid over the bounding box of inverse([-a, a]^2): the prior's
    mass outside the z-box is < 4e-6 (logistic, a = 14) or 1e-11 (Gaussian, a = 7). Measured
    |error| <= 4.2e-4 over 40 random models; the tolerance is 2e-3."""
    model = small_nice(impl, 2, prior, generator)
    zs = torch.linspace(-z_half_width, z_half_width, 101, dtype=F64)
    with torch.no_grad():
        corners, _ = model.inverse(torch.stack(torch.meshgrid(zs, zs, indexing="ij"), dim=-1).reshape(-1, 2))
    lo, hi = corners.min(0).values, corners.max(0).values
    n = 401
    xs, ys = (torch.linspace(float(lo[i]), float(hi[i]), n, dtype=F64) for i in range(2))
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="ij"), dim=-1).reshape(-1, 2)
    with torch.no_grad():
        density = torch.exp(model.log_prob(grid).reshape(n, n))
    w = torch.ones(n, dtype=F64)
    w[0] = w[-1] = 0.5
    integral = (density * w[:, None] * w[None, :]).sum() * float(xs[1] - xs[0]) * float(ys[1] - ys[0])
    record(prior=prior, integral=float(integral), grid=n, box=[lo.tolist(), hi.tolist()])
    assert_close(integral, torch.tensor(1.0, dtype=F64), kind="grid_quadrature",
                 what=f"integral of exp(log_prob) over R^2 ({prior} prior)")


@pytest.mark.feature("nice_internals")
@given(seed=st.integers(0, 2**31), data=st.data())
def test_gaussian_nice_is_the_unscaled_flow_under_a_prior_with_std_exp_minus_log_scale(impl, seed, data):
    """Seed 003 eq. (15)-(17): the scaling layer is a learned prior std, sigma_i = exp(-log_scale_i)."""
    dim = data.draw(st.integers(6, 9))
    x = data.draw(gst.tensors((4, dim), dtype=F64, min_value=-3, max_value=3))
    model = small_nice(impl, dim, "gaussian", torch.Generator().manual_seed(seed))
    log_scale = model.scaling.log_scale.detach().to(F64)
    z, logdet = model(x)
    h = z.detach() * torch.exp(-log_scale)  # the couplings' output, before the scaling
    assert_close(logdet, log_scale.sum().expand(4), kind="logdet",
                 what="NICE logdet = sum(log_scale): the couplings preserve volume")
    sigma = torch.exp(-log_scale)
    expected = Normal(torch.zeros(dim, dtype=F64), sigma).log_prob(h).sum(-1)
    assert_close(model.log_prob(x), expected, kind="identity",
                 what="log_prob = log N(unscaled f(x); 0, diag(exp(-log_scale))^2)")


@pytest.mark.parametrize("dim", [6, 7])
def test_every_coordinate_is_moved_by_the_stack(impl, dim, generator):
    """With the partition alternating, each output depends on some other input coordinate; a stack
    that always conditions on the same side leaves z_i = exp(s_i) x_i there (seed: 交错中前进)."""
    model = small_nice(impl, dim, "logistic", generator)
    x = torch.randn(5, dim, generator=generator, dtype=F64)
    jac = jacobian(model, x)  # (5, D, D)
    off_diagonal = (jac * (1 - torch.eye(dim, dtype=F64))).abs().amax(dim=(0, 2))  # per output i
    record(min_off_diagonal_dependence=float(off_diagonal.min()))
    unmoved = torch.nonzero(off_diagonal == 0).squeeze(-1).tolist()
    assert not unmoved, f"outputs {unmoved} depend on their own input only: those coordinates are never shifted"


@pytest.mark.parametrize("dim", [6, 7])
def test_the_first_coupling_passes_the_even_coordinates_and_the_second_the_odd_ones(impl, dim, generator):
    """Seed 003 (实验 / 模型细节): "下标为偶数的作为第一部分" -- the first coupling passes x[0::2]
    through and shifts x[1::2], the next one the other way round. Read off the Jacobian's exact
    zeros: with one coupling z_even = exp(s) x_even depends on nothing else; with two,
    z_odd = exp(s) (x_odd + m_1(x_even)) depends on no other odd coordinate."""
    i = torch.arange(dim)
    even_i, even_j, same = (i % 2 == 0)[:, None], (i % 2 == 0)[None, :], i[:, None] == i[None, :]
    depends_on = {  # couplings: (output i, input j) that may be non-zero, the block the last shift fills
        1: (same | (~even_i & even_j), ~even_i & even_j, "odd outputs on even inputs"),
        2: (same | even_i | even_j, even_i & ~even_j, "even outputs on odd inputs"),
    }
    x = torch.randn(8, dim, generator=generator, dtype=F64)
    for couplings, (allowed, shifted, block) in depends_on.items():
        jac = jacobian(small_nice(impl, dim, "logistic", generator, couplings=couplings), x)  # (8, D, D)
        leaks = torch.nonzero((jac != 0).any(0) & ~allowed).tolist()
        assert not leaks, (f"couplings={couplings}: output i depends on input j for (i, j) in {leaks}; the first "
                           "coupling must pass the even coordinates through, the second the odd ones")
        moved = (jac.abs().amax(0) * shifted).amax(1)[shifted.any(1)]
        record(couplings=couplings, min_shift_dependence=float(moved.min()))
        assert bool((moved > 0).all()), f"couplings={couplings}: the shift does not reach every one of the {block}"


def mlp_parameters(n_in: int, n_out: int, hidden: int, depth: int) -> int:
    """Weights and biases of ``depth`` hidden layers of ``hidden`` units and a linear output."""
    widths = [n_in] + [hidden] * depth + [n_out]
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


@pytest.mark.feature("nice_internals")
@given(dim=st.integers(2, 9), couplings=st.integers(1, 4), hidden=st.integers(1, 6), depth=st.integers(0, 3),
       seed=st.integers(0, 2**31))
def test_parameter_count_follows_couplings_hidden_and_depth(impl, dim, couplings, hidden, depth, seed):
    """Every configuration down to one coupling (``couplings=1``) of linear nets (``depth=0``) or of
    one hidden unit (``hidden=1``) builds: coupling k's net maps the side it passes through (the
    even indices, ceil(D/2) of them, for k = 1, 3, ...) to the other, plus D entries of log_scale;
    the model is a bijection with logdet sum(log_scale)."""
    n_even, n_odd = (dim + 1) // 2, dim // 2
    sides = [(n_even, n_odd) if k % 2 == 0 else (n_odd, n_even) for k in range(couplings)]
    expected = sum(mlp_parameters(a, b, hidden, depth) for a, b in sides) + dim
    model = impl.NICE(dim, couplings=couplings, hidden=hidden, depth=depth).to(F64)
    count = sum(p.numel() for p in model.parameters())
    assert count == expected, (f"NICE({dim}, couplings={couplings}, hidden={hidden}, depth={depth}) has {count} "
                               f"parameters, expected {expected}")
    randomize_(model, torch.Generator().manual_seed(seed))
    x = torch.randn(3, dim, generator=torch.Generator().manual_seed(seed), dtype=F64)
    z, logdet = model(x)
    x_back, _ = model.inverse(z)
    assert_close((x_back - x) / magnitude(x, z), torch.zeros_like(x), kind="roundtrip",
                 what=f"NICE({dim}, couplings={couplings}, hidden={hidden}, depth={depth}): inverse(forward(x)) = x")
    assert_close(logdet, model.scaling.log_scale.detach().to(F64).sum().expand(3), kind="logdet",
                 what="logdet = sum(log_scale)")


# ----------------------------------------------------------------------------- sampling


@pytest.mark.parametrize("prior", PRIORS)
def test_sample_shape_dtype_device_and_reproducibility(impl, device, prior, make_generator):
    model = small_nice(impl, 7, prior, make_generator(1)).to(device)
    gen_device = device if device.type == "cuda" else "cpu"
    a = model.sample(5, generator=torch.Generator(gen_device).manual_seed(3))
    b = model.sample(5, generator=torch.Generator(gen_device).manual_seed(3))
    c = model.sample(5, generator=torch.Generator(gen_device).manual_seed(4))
    assert a.shape == (5, 7) and a.dtype == F64 and a.device.type == device.type
    assert bool(torch.isfinite(a).all())
    assert torch.equal(a, b), "equally seeded generators gave different samples"
    assert not torch.equal(a, c), "differently seeded generators gave the same samples"


@pytest.mark.parametrize("prior", PRIORS)
@pytest.mark.parametrize("temperature", [0.5, 0.8, 2.0])
def test_sample_latent_is_temperature_times_the_prior_draw(impl, prior, temperature, make_generator):
    """For the same noise, the latent of sample(T) is T times the latent of sample(1): the
    temperature scales the prior's standard deviation (not its variance) (seed: 退火参数 0.8)."""
    model = small_nice(impl, 7, prior, make_generator(1))
    seed = 12345
    x1 = model.sample(64, temperature=1.0, generator=torch.Generator().manual_seed(seed))
    xt = model.sample(64, temperature=temperature, generator=torch.Generator().manual_seed(seed))
    z1, _ = model(x1)
    zt, _ = model(xt)
    scale = magnitude(z1, zt, x1, xt)
    assert_close((zt - temperature * z1).detach() / scale, torch.zeros_like(z1), kind="roundtrip",
                 what=f"latent of sample(temperature={temperature}) = {temperature} * latent of sample(1)")


@pytest.mark.parametrize("prior", PRIORS)
def test_sample_of_zero_draws_is_an_empty_batch(impl, prior, generator):
    """``n`` counts draws: ``sample(0)`` is the empty batch ``(0, D)``."""
    model = small_nice(impl, 6, prior, generator)
    empty = model.sample(0, generator=generator)
    assert empty.shape == (0, 6) and empty.dtype == F64, f"sample(0): {tuple(empty.shape)} {empty.dtype}"


@pytest.mark.tier("validation")
@pytest.mark.parametrize("prior", PRIORS)
def test_sample_rejects_a_negative_count(impl, prior, generator):
    model = small_nice(impl, 6, prior, generator)
    with pytest.raises(ValueError, match=r"\bn\b"):
        model.sample(-1, generator=generator)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", [0.0, -0.8, math.nan, math.inf])
def test_sample_rejects_a_temperature_that_is_not_positive_and_finite(impl, bad, generator):
    model = small_nice(impl, 6, "logistic", generator)
    with pytest.raises(ValueError, match=r"\btemperature\b"):
        model.sample(3, temperature=bad, generator=generator)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("prior", PRIORS)
@given(data=st.data())
def test_log_prob_rejects_nan_input(impl, prior, data):
    """A NaN anywhere in x raises ValueError naming x, instead of a NaN likelihood (and a NaN loss)."""
    dim = data.draw(st.integers(6, 9))
    batch = data.draw(gst.batch_shapes(min_rank=0, max_rank=3))
    x = data.draw(gst.tensors((*batch, dim), dtype=F64, min_value=-3, max_value=3))
    x = x.clone()
    x.view(-1)[data.draw(st.integers(0, x.numel() - 1))] = math.nan
    model = small_nice(impl, dim, prior, torch.Generator().manual_seed(data.draw(st.integers(0, 2**31))))
    with pytest.raises(ValueError, match=r"\bx\b"):
        model.log_prob(x)


@pytest.mark.tier("validation")
def test_nice_rejects_an_unknown_prior_and_a_dim_below_two(impl):
    with pytest.raises(ValueError, match=r"\bprior\b"):
        impl.NICE(6, couplings=2, hidden=4, depth=1, prior="laplace")
    with pytest.raises(ValueError, match=r"\bdim\b"):
        impl.NICE(1, couplings=2, hidden=4, depth=1)


# ----------------------------------------------------------------------------- the paper's model


@pytest.mark.feature("nice_internals")
def test_the_paper_mnist_model_once(impl, generator):
    """NICE(784) with the defaults: 4 couplings, 5 x 1000 ReLU nets, logistic prior (paper §5.1).

    ``log_scale`` starts at zero (the identity), which would make the logdet checks trivial (0 = -0):
    it is drawn from U(-0.7, 0.7) first, and the couplings' nets are confirmed to be non-zero (every
    weight matrix, and a shift of the data), so the round trip and inverse logdet = -forward logdet
    are checked on a model that moves every coordinate and changes volume."""
    defaults = {k: p.default for k, p in inspect.signature(impl.NICE).parameters.items()
                if p.default is not inspect.Parameter.empty}
    assert defaults == {"couplings": 4, "hidden": 1000, "depth": 5, "prior": "logistic"}, defaults
    model = impl.NICE(784)
    half = 392
    per_net = half * 1000 + 1000 + 4 * (1000 * 1000 + 1000) + 1000 * half + half
    expected = 4 * per_net + 784  # four coupling MLPs and the scaling vector
    count = sum(p.numel() for p in model.parameters())
    record(parameters=count, expected=expected)
    assert count == expected, f"NICE(784) has {count} parameters, the paper's configuration {expected}"
    assert abs(count / 2e7 - 1) < 0.05, "the seed's '约为 2×10^7' parameters"
    zero_matrices = [name for name, p in model.couplings.named_parameters() if p.dim() >= 2 and not bool(p.any())]
    assert not zero_matrices, f"coupling weight matrices {zero_matrices} are all zero: the shifts would vanish"
    with torch.no_grad():
        log_scale = (torch.rand(784, generator=generator, dtype=F64) * 2 - 1) * 0.7
        model.scaling.log_scale.copy_(log_scale.to(model.scaling.log_scale.dtype))
    stored = model.scaling.log_scale.detach().to(F64)
    x = torch.rand(3, 784, generator=generator)  # float32 pixels in [0, 1)
    with torch.no_grad():
        h, _ = model.couplings(x)
        z, logdet = model(x)
        x_back, inv_logdet = model.inverse(z)
        log_prob = model.log_prob(x)
    shift = float((h - x).abs().max())
    err = float((x_back - x).abs().max()) / magnitude(x, z)
    record(float32_roundtrip_error_784=err, max_coupling_shift=shift, sum_log_scale=float(stored.sum()))
    assert shift > 1e-2, f"the couplings move x by at most {shift:.2e}: their nets are (near) zero"
    assert err <= tolerance("roundtrip", torch.float32).atol, f"784-D float32 round trip error {err:.3e}"
    assert logdet.shape == (3,) and log_prob.shape == (3,) and bool(torch.isfinite(log_prob).all())
    assert_close(logdet, stored.sum().expand(3), kind="logdet",
                 what="784-D: forward logdet = sum(log_scale) (random log_scale)")
    assert_close(inv_logdet, -logdet.to(F64), kind="logdet", what="784-D: inverse logdet = -forward logdet")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_sample_rejects_a_generator_that_is_not_a_torch_generator(impl, generator):
    model = small_nice(impl, 6, "gaussian", torch.Generator().manual_seed(0))
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        model.sample(3, generator=generator)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("temperature", NOT_NUMBERS)
def test_sample_rejects_a_temperature_that_is_not_a_real_number(impl, temperature):
    """``float("0.8")`` would quietly accept a string; an int beyond the float range would overflow."""
    model = small_nice(impl, 6, "logistic", torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match=r"\btemperature\b"):
        model.sample(3, temperature=temperature, generator=torch.Generator().manual_seed(1))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_log_prob_rejects_an_infinite_input(impl, value):
    """An infinite coordinate meets the coupling nets as ``inf - inf``: ValueError naming x, not a NaN."""
    x = torch.zeros(2, 6, dtype=F64)
    x[1, 3] = value
    with pytest.raises(ValueError, match=r"\bx\b"):
        small_nice(impl, 6, "logistic", torch.Generator().manual_seed(0)).log_prob(x)
