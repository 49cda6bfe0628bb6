"""pyro 1.9's normalizing-flow transforms, samplers and relaxed categoricals through the protocols.

Exposes the objects of ``pyro.distributions.transforms`` and ``pyro.distributions``, unmodified,
through ``FLOWS``, ``SAMPLERS`` and ``RELAXED`` of ``spec-api.md`` ("Protocols"), so that
``genspec check --impl adapters.pyro_protocols`` judges them. No name of the functional contract is
defined here. Needs ``pip install pyro-ppl`` (extra ``peers``).

Entries (registry name -> pyro object). ``FLOWS`` (pyro's helper functions, conditioners
``hidden_dims=[16, 16]``, pyro's defaults otherwise; splines ``count_bins=8, bound=3.0``):

* ``pyro.affine_coupling`` -> ``affine_coupling(D, hidden_dims=[16, 16])``
* ``pyro.affine_autoregressive`` -> ``affine_autoregressive(D, hidden_dims=[16, 16])`` (IAF: pyro's
  ``__call__`` is the fast direction); ``pyro.affine_autoregressive(stable)`` -> the same with
  ``stable=True`` (the sigmoid-scale variant)
* ``pyro.spline`` -> ``IndependentTransform(spline(D), 1, cache_size=1)``; ``pyro.spline_coupling`` ->
  ``spline_coupling(D, hidden_dims=[16, 16])``; ``pyro.spline_autoregressive`` ->
  ``spline_autoregressive(D, hidden_dims=[16, 16])``
* ``pyro.permute`` -> ``permute(D)`` (a ``torch.randperm`` permutation)
* ``pyro.householder`` -> ``householder(D, count_transforms=2)``; ``pyro.matrix_exponential`` ->
  ``matrix_exponential(D)``; ``pyro.LowerCholeskyAffine`` -> ``LowerCholeskyAffine(loc, scale_tril)``
  (random ``loc`` and lower-triangular ``scale_tril`` with positive diagonal, held as parameters and
  handed to pyro on every call)
* ``pyro.LeakyReLUTransform`` -> ``IndependentTransform(LeakyReLUTransform(), 1)``
* ``pyro.batchnorm(eval)`` -> ``IndependentTransform(batchnorm(D), 1)`` with the module in ``eval()``
  mode: in training mode pyro's ``BatchNorm`` normalises data with the statistics of the batch passed
  in (and updates its moving averages on every call), which is not one bijection per example; in
  eval mode it is the elementwise affine map of its moving averages, as pyro uses it for sampling
* ``pyro.TransformedDistribution`` -> ``TransformedDistribution(Normal(zeros(D), ones(D)).to_event(1),
  [affine_coupling, permute, spline_coupling, permute])``: a distribution (``log_prob``, ``sample``)

``SAMPLERS`` (pyro's own continuous distributions with ``has_rsample``; torch's are in
``adapters.torch_protocols``): ``pyro.Logistic``, ``pyro.SoftLaplace``, ``pyro.AsymmetricLaplace``,
``pyro.SoftAsymmetricLaplace``, ``pyro.SkewLogistic``, ``pyro.AffineBeta``,
``pyro.MultivariateStudentT``, ``pyro.OMTMultivariateNormal`` and ``pyro.AVFMultivariateNormal``
(custom pathwise gradients), ``pyro.MixtureOfDiagNormals``, ``pyro.GaussianScaleMixture`` (mixtures
with pyro's implicit reparameterization).

``RELAXED``: ``pyro.RelaxedOneHotCategorical`` (``rsample``, ``log_prob``),
``pyro.RelaxedOneHotCategoricalStraightThrough`` (its ``rsample`` returns the one-hot vertex in the
forward pass by design; ``log_prob`` of that vertex is pyro's ``log_prob``, which reads the soft sample
pyro attaches to the tensor, ``value._unquantize``, when there is one: a tensor derived from the
sample, even by ``detach()``, has lost it).

Left out: ``neural_autoregressive``, ``block_autoregressive``, ``planar``, ``radial``, ``sylvester``,
``polynomial``: invertible (some only under constraints) but pyro implements no inverse ("The inverse
operation is not implemented", or a ``KeyError`` unless the value was cached by a forward call);
``RelaxedBernoulliStraightThrough`` (as K = 2 its hard sample would have to be re-stacked, losing the
``_unquantize`` soft sample its ``log_prob`` reads);
``generalized_channel_permute`` (images); the ``Conditional*`` transforms; ``ELUTransform`` (onto
``(-1, inf)``, not ``R``); ``ProjectedNormal`` (a density on the sphere, not Lebesgue);
``Stable`` (no ``log_prob``).

Conventions translated here:

* **Direction.** A pyro transform maps the base (latent) to the target (data): ``TransformedDistribution
  .rsample`` returns ``t(base.rsample())``, ``log_prob(y)`` inverts with ``t.inv`` and subtracts
  ``t.log_abs_det_jacobian(x, y)`` (torch's ``TransformedDistribution``, which pyro's subclasses). The
  contract's ``forward`` (data to latent) is ``t.inv`` with ``t.inv.log_abs_det_jacobian(x, z)`` (torch's
  ``_InverseTransform`` negates ``t``'s own value: the negation is torch's, not the adapter's); its
  ``inverse`` is ``t`` with ``t.log_abs_det_jacobian(z, x)``.
* **Vectors.** Elementwise transforms (``Spline``, ``LeakyReLUTransform``, ``BatchNorm``:
  ``event_dim = 0``) are declared on vectors with torch's ``IndependentTransform(t, 1,
  cache_size=t._cache_size)`` (the cache size the transform already has: ``IndependentTransform`` calls
  ``t.with_cache(cache_size)``, which pyro's ``Spline`` does not implement for another size), which sums
  their elementwise log-det over the last dimension (``_sum_rightmost``), exactly as a
  ``TransformedDistribution`` over a vector event does; nothing is summed here.
* **Randomness.** pyro initialises (``nn.Linear``, ``torch.randperm``) and samples (``rsample`` of
  torch's distributions) from torch's global RNG. Factories build with the global RNG seeded from
  ``generator`` and restore it; ``sample``/``rsample`` run pyro's call the same way
  (``genspec.adapters._protocol_common.seeded_global_rng``).
* **Sampler parameters.** As in ``adapters.torch_protocols``: unconstrained leaves, positive
  parameters as ``exp(leaf)``, Cholesky factors as ``tril(leaf, -1) + diag(exp(diag(leaf)))``,
  rebuilt on every call. ``AVFMultivariateNormal``'s ``control_var`` does not parameterise the law
  (pyro: it "parameterizes the control variate" and "needs to be learned (i.e. adapted) to achieve
  lower variance gradients"; the gradient pyro's backward returns for it is that adaptation signal,
  not a derivative of E f(x)), so it is a fixed tensor drawn from ``generator``, not among
  ``parameters()``: the law's parameters are ``loc`` and ``scale_tril``.
* **Relaxed temperature.** pyro's relaxed distributions are torch's, ``temperature (Tensor)``: the
  adapter passes ``torch.tensor(tau, dtype=logits.dtype, device=logits.device)``.
* **dtype, batch rank.** Factories cast with ``module.to(dtype)``; pyro works on ``(*batch, D)``
  natively, nothing is reshaped.

Passed through raw: every output and log-det pyro returns, with its shape and dtype (e.g.
``MatrixExponential.log_abs_det_jacobian`` returns a 0-d tensor whatever the batch; eval-mode
``BatchNorm``'s log-det has no batch dimension; ``AffineAutoregressive`` clamps its log-scale to
``[-5, 3]`` with ``clamp_preserve_gradients``); pyro's one-element caches (``cache_size=1``): calling
``t(z)`` with the very tensor object ``t.inv`` just returned, or the reverse, returns the cached input
without computing; pyro's exceptions.

Library defects this adapter leaves for the checks to see (pyro 1.9.2):

* ``AffineAutoregressive._inverse`` (the contract's ``forward``) fails for a float64 transform: it starts
  from ``torch.zeros(x_size, device=y.device)`` in the default dtype and the autoregressive net raises
  "mat1 and mat2 must have the same dtype" (``stable=True`` too).
* ``GaussianScaleMixture.log_prob`` accepts a single unbatched value only (``assert value.dim() == 1``)
  although ``rsample`` draws batches.
* ``MixtureOfDiagNormals.rsample(sample_shape)`` fails for a sample shape of two or more dimensions
  (``rsample((2, 5))``: "The expanded size of the tensor (3) must match the existing size (5)").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyro.distributions as pdist  # the peer; ImportError if not installed
import pyro.distributions.transforms as PT
import torch
from genspec.adapters.torch_protocols import RelaxedOneHot
from genspec.adapters._protocol_common import (
    TransformFlow,
    flow_factory,
    lower_cholesky,
    sampler_factory,
    seeded_global_rng,
)
from torch import nn
from torch.distributions import transforms as T

__all__ = ["FLOWS", "RELAXED", "SAMPLERS", "PyroFlow", "PyroTransform"]

HIDDEN = [16, 16]


class PyroTransform(TransformFlow):
    """A pyro transform (latent to data) with the contract's ``forward`` (its ``inv``) and ``inverse``.

    ``module`` holds the pyro ``TransformModule`` (so its parameters belong to this module);
    ``make(module)`` returns the torch ``Transform`` to call (the module itself, or a wrapper around
    it such as ``IndependentTransform(module, 1)``)."""

    def __init__(self, module: nn.Module | None, make: Callable[[Any], T.Transform] | None = None) -> None:
        super().__init__()
        self.module = module
        self._make = make

    def transform(self) -> T.Transform:
        return self.module if self._make is None else self._make(self.module)


def _independent(module: T.Transform) -> T.Transform:
    # IndependentTransform(base, 1) asks base.with_cache(cache_size); pyro's Spline (cache_size=1)
    # implements no with_cache, so the base's own cache size is asked for (with_cache then returns it).
    return T.IndependentTransform(module, 1, cache_size=module._cache_size)


class _LowerCholeskyAffine(PyroTransform):
    def __init__(self, dim: int) -> None:
        super().__init__(None)
        self.loc = nn.Parameter(torch.randn(dim))
        self.raw = nn.Parameter(0.3 * torch.randn(dim, dim))

    def transform(self) -> T.Transform:
        return PT.LowerCholeskyAffine(self.loc, lower_cholesky(self.raw))


class PyroFlow(PyroTransform):
    """``TransformedDistribution(Normal(zeros(D), ones(D)).to_event(1), transforms)``."""

    def __init__(self, dim: int, transforms: list[T.Transform]) -> None:
        # pyro's Permute is a plain Transform, not a TransformModule: the list keeps the order, the
        # ModuleList registers the parameters of those that are modules.
        super().__init__(nn.ModuleList([t for t in transforms if isinstance(t, nn.Module)]))
        self.transforms = transforms
        self.register_buffer("base_loc", torch.zeros(dim))
        self.register_buffer("base_scale", torch.ones(dim))

    def distribution(self) -> pdist.TransformedDistribution:
        base = pdist.Normal(self.base_loc, self.base_scale).to_event(1)
        return pdist.TransformedDistribution(base, list(self.transforms))

    def transform(self) -> T.Transform:
        return T.ComposeTransform(self.distribution().transforms)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return self.distribution().log_prob(x)

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
        with seeded_global_rng(generator):
            return self.distribution().sample((n,))


def _eval_batchnorm(dim: int) -> nn.Module:
    module = PT.batchnorm(dim)
    module.eval()
    return PyroTransform(module, _independent)


def _transformed(dim: int) -> nn.Module:
    return PyroFlow(dim, [
        PT.affine_coupling(dim, hidden_dims=HIDDEN), PT.permute(dim),
        PT.spline_coupling(dim, hidden_dims=HIDDEN), PT.permute(dim),
    ])


def _pyro(build: Callable[[int], nn.Module], make: Callable[[Any], T.Transform] | None = None,
          **attributes) -> Callable[..., nn.Module]:
    return flow_factory(lambda dim: PyroTransform(build(dim), make), **attributes)


FLOWS: dict[str, Callable[..., nn.Module]] = {
    "pyro.affine_coupling": _pyro(lambda d: PT.affine_coupling(d, hidden_dims=HIDDEN)),
    "pyro.affine_autoregressive": _pyro(lambda d: PT.affine_autoregressive(d, hidden_dims=HIDDEN)),
    "pyro.affine_autoregressive(stable)": _pyro(
        lambda d: PT.affine_autoregressive(d, hidden_dims=HIDDEN, stable=True)),
    "pyro.spline": _pyro(lambda d: PT.spline(d), _independent),
    "pyro.spline_coupling": _pyro(lambda d: PT.spline_coupling(d, hidden_dims=HIDDEN)),
    "pyro.spline_autoregressive": _pyro(lambda d: PT.spline_autoregressive(d, hidden_dims=HIDDEN)),
    "pyro.permute": _pyro(lambda d: PT.permute(d)),
    "pyro.householder": _pyro(lambda d: PT.householder(d, count_transforms=2)),
    "pyro.matrix_exponential": _pyro(lambda d: PT.matrix_exponential(d)),
    "pyro.LowerCholeskyAffine": flow_factory(_LowerCholeskyAffine),
    "pyro.LeakyReLUTransform": _pyro(lambda d: PT.LeakyReLUTransform(), _independent),
    "pyro.batchnorm(eval)": flow_factory(_eval_batchnorm),
    "pyro.TransformedDistribution": flow_factory(_transformed),
}


_S = ()

SAMPLERS: dict[str, Callable[..., Any]] = {
    "pyro.Logistic": sampler_factory(lambda loc, log_scale: pdist.Logistic(loc, log_scale.exp()),
                                     loc=_S, log_scale=_S),
    "pyro.SoftLaplace": sampler_factory(lambda loc, log_scale: pdist.SoftLaplace(loc, log_scale.exp()),
                                        loc=_S, log_scale=_S),
    "pyro.AsymmetricLaplace": sampler_factory(
        lambda loc, log_scale, log_asym: pdist.AsymmetricLaplace(loc, log_scale.exp(), log_asym.exp()),
        loc=_S, log_scale=_S, log_asym=_S),
    "pyro.SoftAsymmetricLaplace": sampler_factory(
        lambda loc, log_scale, log_asym: pdist.SoftAsymmetricLaplace(loc, log_scale.exp(), log_asym.exp()),
        loc=_S, log_scale=_S, log_asym=_S),
    "pyro.SkewLogistic": sampler_factory(
        lambda loc, log_scale, log_asym: pdist.SkewLogistic(loc, log_scale.exp(), log_asym.exp()),
        loc=_S, log_scale=_S, log_asym=_S),
    "pyro.AffineBeta": sampler_factory(
        lambda log_a, log_b, loc, log_scale: pdist.AffineBeta(log_a.exp(), log_b.exp(), loc, log_scale.exp()),
        log_a=_S, log_b=_S, loc=_S, log_scale=_S),
    "pyro.MultivariateStudentT": sampler_factory(
        lambda log_df, loc, raw: pdist.MultivariateStudentT(2.0 + log_df.exp(), loc, lower_cholesky(raw)),
        log_df=_S, loc=(3,), raw=(3, 3)),
    "pyro.OMTMultivariateNormal": sampler_factory(
        lambda loc, raw: pdist.OMTMultivariateNormal(loc, lower_cholesky(raw)), loc=(3,), raw=(3, 3)),
    "pyro.AVFMultivariateNormal": sampler_factory(
        lambda loc, raw, control_var: pdist.AVFMultivariateNormal(loc, lower_cholesky(raw), control_var),
        loc=(3,), raw=(3, 3), constants={"control_var": (2, 1, 3)}),
    "pyro.MixtureOfDiagNormals": sampler_factory(
        lambda locs, log_scale, logits: pdist.MixtureOfDiagNormals(locs, log_scale.exp(), logits),
        locs=(2, 3), log_scale=(2, 3), logits=(2,)),
    "pyro.GaussianScaleMixture": sampler_factory(
        lambda log_coord_scale, logits, log_component_scale: pdist.GaussianScaleMixture(
            log_coord_scale.exp(), logits, log_component_scale.exp()),
        log_coord_scale=(3,), logits=(2,), log_component_scale=(2,)),
}


RELAXED: dict[str, Any] = {
    "pyro.RelaxedOneHotCategorical": RelaxedOneHot(pdist.RelaxedOneHotCategorical),
    "pyro.RelaxedOneHotCategoricalStraightThrough": RelaxedOneHot(pdist.RelaxedOneHotCategoricalStraightThrough),
}
