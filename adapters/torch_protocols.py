"""``torch.distributions`` and ``F.gumbel_softmax`` through the protocols ``FLOWS``, ``SAMPLERS``, ``RELAXED``.

Exposes torch's own objects, unmodified, through the three registries of ``spec-api.md`` ("Protocols"),
so that ``genspec check --impl adapters.torch_protocols`` judges them. No name of the functional
contract is defined here (``adapters.torch_builtins`` does that). The RNG plumbing the protocol
adapters share is in ``adapters._protocol_common``.

Entries (registry name -> torch object):

* ``FLOWS``

  - ``torch.AffineTransform`` -> ``AffineTransform(loc, scale, event_dim=1)`` (``scale`` with either sign)
  - ``torch.ExpTransform`` -> ``IndependentTransform(ExpTransform(), 1)``; data domain ``(0, inf)^D``
  - ``torch.SigmoidTransform`` -> ``IndependentTransform(SigmoidTransform(), 1)``; data domain ``(0, 1)^D``
  - ``torch.ComposeTransform`` -> ``ComposeTransform([AffineTransform, Exp, Softplus.inv, AffineTransform])``,
    a bijection of ``R^D`` assembled from torch's parts (``softplus^-1(exp(u)) = log(expm1(exp(u)))``)
  - ``torch.TransformedDistribution`` -> ``TransformedDistribution(Independent(Normal(0, 1), 1), <the
    four transforms above>)``, a distribution (``log_prob``, ``sample``)

* ``SAMPLERS``: every continuous ``torch.distributions`` class with ``has_rsample`` (``Normal``,
  ``Independent(Normal)``, ``MultivariateNormal``, ``LowRankMultivariateNormal``, ``LogNormal``,
  ``Gamma``, ``Beta``, ``Dirichlet``, ``Exponential``, ``Laplace``, ``Cauchy``, ``StudentT``, ``Gumbel``,
  ``Weibull``, ``Chi2``, ``Kumaraswamy``, ``Uniform``, ``HalfNormal``, ``HalfCauchy``, ``Pareto``,
  ``InverseGamma``, ``LogisticNormal``, ``ContinuousBernoulli``, ``FisherSnedecor``,
  ``GeneralizedPareto``, ``Wishart``); registry name ``torch.<Class>``. The relaxed ones are under
  ``RELAXED``.

* ``RELAXED``

  - ``torch.RelaxedOneHotCategorical`` -> ``RelaxedOneHotCategorical(tau, logits=logits)``:
    ``rsample()`` and ``log_prob``
  - ``torch.RelaxedBernoulli`` -> ``RelaxedBernoulli(tau, logits=logits[..., 1] - logits[..., 0])``,
    for K = 2 only (attribute ``categories = (2,)``)
  - ``torch.gumbel_softmax`` -> ``F.gumbel_softmax(logits, tau)`` (no ``log_prob``)
  - ``torch.gumbel_softmax_hard`` -> ``F.gumbel_softmax(logits, tau, hard=True)`` (no ``log_prob``;
    its forward value is a vertex of the simplex by design)

Conventions translated here:

* **Direction.** A torch ``Transform`` ``t`` maps the base (latent) to the target (data):
  ``TransformedDistribution.rsample`` returns ``t(base.rsample())`` and ``log_prob(y)`` computes
  ``x = t.inv(y)`` and subtracts ``t.log_abs_det_jacobian(x, y)`` (torch's
  ``distributions/transformed_distribution.py``). The contract's ``forward`` (data to latent) is
  therefore ``t.inv``, with logdet ``t.inv.log_abs_det_jacobian(x, z)``; its ``inverse`` is ``t`` with
  ``t.log_abs_det_jacobian(z, x)``. Both are torch's own ``log |det J|`` of the map applied (``t.inv``'s
  is torch's ``_InverseTransform.log_abs_det_jacobian``, the negation done by torch, not here).
* **Vectors.** An elementwise torch transform returns an elementwise log-det; the documented way to
  treat the last dimension as the event is ``event_dim=1`` (``AffineTransform``) or
  ``IndependentTransform(t, 1)``, which is how the entries are built. Nothing is summed here.
* **Data domain.** ``ExpTransform`` and ``SigmoidTransform`` are bijections onto ``(0, inf)`` and
  ``(0, 1)``: their data side is restricted. Their factories carry the contract's optional ``domain``
  attribute (``constraints.positive``, ``constraints.unit_interval``: torch's own constraint objects, so
  the suite draws data through torch's ``transform_to``).
* **Randomness.** torch's ``rsample`` and ``F.gumbel_softmax`` draw from the global RNG and take no
  ``generator``. The adapter forks the global RNG (``torch.random.fork_rng``, CPU and, when CUDA is
  available, every CUDA device), seeds it with ``torch.manual_seed(s)`` where
  ``s = torch.randint(2**62, (), generator=generator)`` is drawn from the contract's generator, runs
  torch's own call, and restores the RNG. So draws are reproducible from ``generator`` and advance it,
  but are not the noise the generator itself would produce. With ``generator=None`` torch's call runs
  on the global RNG untouched. Factories build their parameters with ``generator`` directly.
* **Sampler parameters.** ``parameters()`` are unconstrained leaf tensors; positive parameters are
  passed to torch as ``exp(leaf)``, a Cholesky factor as ``tril(leaf, -1) + diag(exp(diag(leaf)))``,
  a probability through ``logits=leaf``. The distribution is rebuilt from the leaves on every call
  (torch's constructors are cheap), so gradients reach the leaves. Each sampler has batch shape
  ``()``.
* **Temperature type.** ``RelaxedOneHotCategorical`` and ``RelaxedBernoulli`` document ``temperature
  (Tensor)``; given the contract's Python float, ``rsample`` works but ``log_prob`` fails
  (``torch.full_like(self.temperature, ...)``, ``self.temperature.log()``). The adapter passes
  ``torch.tensor(tau, dtype=logits.dtype, device=logits.device)`` (a float converts exactly to float64;
  to float32 it rounds once, as any float32 computation with ``tau`` would). ``F.gumbel_softmax``
  documents ``tau (float)`` and gets the float.
* **RelaxedBernoulli as K = 2.** The two-category Concrete with logits ``(l0, l1)`` is the binary
  Concrete with logit ``l1 - l0`` (Maddison et al. 2017, section 3.3: ``softmax((l + g) / tau)[1] =
  sigmoid((l1 - l0 + g1 - g0) / tau)`` and ``g1 - g0`` is standard logistic). The adapter returns
  ``stack((1 - y, y), -1)`` for torch's draw ``y``, and ``log_prob(Y) = RelaxedBernoulli.log_prob(Y[...,
  1])``: the density of the first coordinate ``Y0 = 1 - Y1`` is that of ``Y1`` (Jacobian ``-1``). The
  subtraction ``1 - y`` rounds once (exact for ``y >= 0.5``).

Passed through raw (never reshaped, cast, clamped or negated): every log-det, output, sample and
log-density torch returns; torch's argument validation (``validate_args``, on by default) and the
exceptions it raises (torch raises ``ValueError`` from its constraints, ``RuntimeError`` or ``TypeError``
elsewhere).

Library defects this adapter leaves for the checks to see (torch 2.14):

* ``GeneralizedPareto.log_prob`` raises ``RuntimeError: Double did not match Float`` for float64
  parameters (``torch.isclose(self.concentration, torch.tensor(0.0))``; pytorch/pytorch#198185).
* ``Wishart.rsample(sample_shape)`` with a non-empty ``sample_shape`` cannot be differentiated:
  ``is_singular = self.support.check(sample)`` is True for every *valid* sample, so every sample is
  "corrected" in place (``sample[is_singular] = ...``, with the warning "Singular sample detected.", cf.
  pytorch/pytorch#122021), and ``backward`` raises "one of the variables needed for gradient
  computation has been modified by an inplace operation".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import constraints
from torch.distributions import transforms as T

from genspec.adapters._protocol_common import (
    Sampler,
    TransformFlow,
    flow_factory,
    lower_cholesky,
    sampler_factory,
    seed_from,
    seeded_global_rng,
    seeded_numpy_rng,
)

__all__ = ["FLOWS", "RELAXED", "SAMPLERS", "GumbelSoftmax", "RelaxedBinaryAsTwoCategories", "RelaxedOneHot",
           "Sampler", "flow_factory", "lower_cholesky", "sampler_factory", "seed_from", "seeded_global_rng",
           "seeded_numpy_rng", "temperature"]


# ----------------------------------------------------------------------------------------------------
# RNG plumbing shared by the protocol adapters
# ----------------------------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------------------------
# FLOWS
# ----------------------------------------------------------------------------------------------------


def _signed_scale(dim: int) -> torch.Tensor:
    magnitude = torch.exp(0.3 * torch.randn(dim))
    sign = torch.where(torch.rand(dim) < 0.5, -1.0, 1.0)
    return magnitude * sign


class _Affine(TransformFlow):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.loc = nn.Parameter(torch.randn(dim))
        self.scale = nn.Parameter(_signed_scale(dim))

    def transform(self) -> T.Transform:
        return T.AffineTransform(self.loc, self.scale, event_dim=1)


class _Fixed(TransformFlow):
    """A parameter-free elementwise torch transform made a vector transform by ``IndependentTransform``."""

    def __init__(self, cls: type[T.Transform]) -> None:
        super().__init__()
        self.cls = cls

    def transform(self) -> T.Transform:
        return T.IndependentTransform(self.cls(), 1)


class _Composed(TransformFlow):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.loc1 = nn.Parameter(torch.randn(dim))
        self.scale1 = nn.Parameter(_signed_scale(dim))
        self.loc2 = nn.Parameter(torch.randn(dim))
        self.scale2 = nn.Parameter(_signed_scale(dim))

    def transforms(self) -> list[T.Transform]:
        return [
            T.AffineTransform(self.loc1, self.scale1, event_dim=1),
            T.IndependentTransform(T.ExpTransform(), 1),
            T.IndependentTransform(T.SoftplusTransform().inv, 1),
            T.AffineTransform(self.loc2, self.scale2, event_dim=1),
        ]

    def transform(self) -> T.Transform:
        return T.ComposeTransform(self.transforms())


class _TransformedDistribution(_Composed):
    """``TransformedDistribution(Independent(Normal(0, 1), 1), transforms)``: also ``log_prob``, ``sample``."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        self.register_buffer("base_loc", torch.zeros(dim))
        self.register_buffer("base_scale", torch.ones(dim))

    def distribution(self) -> torch.distributions.TransformedDistribution:
        base = torch.distributions.Independent(torch.distributions.Normal(self.base_loc, self.base_scale), 1)
        return torch.distributions.TransformedDistribution(base, self.transforms())

    def transform(self) -> T.Transform:
        return T.ComposeTransform(self.distribution().transforms)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return self.distribution().log_prob(x)

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
        with seeded_global_rng(generator):
            return self.distribution().sample((n,))


FLOWS: dict[str, Callable[..., nn.Module]] = {
    "torch.AffineTransform": flow_factory(_Affine),
    "torch.ExpTransform": flow_factory(lambda dim: _Fixed(T.ExpTransform), domain=constraints.positive),
    "torch.SigmoidTransform": flow_factory(lambda dim: _Fixed(T.SigmoidTransform),
                                           domain=constraints.unit_interval),
    "torch.ComposeTransform": flow_factory(_Composed),
    "torch.TransformedDistribution": flow_factory(_TransformedDistribution),
}


# ----------------------------------------------------------------------------------------------------
# SAMPLERS
# ----------------------------------------------------------------------------------------------------


D = torch.distributions
_SCALAR = ()

SAMPLERS: dict[str, Callable[..., Sampler]] = {
    "torch.Normal": sampler_factory(lambda loc, log_scale: D.Normal(loc, log_scale.exp()),
                                    loc=_SCALAR, log_scale=_SCALAR),
    "torch.Independent(Normal)": sampler_factory(
        lambda loc, log_scale: D.Independent(D.Normal(loc, log_scale.exp()), 1), loc=(3,), log_scale=(3,)),
    "torch.MultivariateNormal": sampler_factory(
        lambda loc, raw: D.MultivariateNormal(loc, scale_tril=lower_cholesky(raw)), loc=(3,), raw=(3, 3)),
    "torch.LowRankMultivariateNormal": sampler_factory(
        lambda loc, cov_factor, log_diag: D.LowRankMultivariateNormal(loc, cov_factor, log_diag.exp()),
        loc=(3,), cov_factor=(3, 2), log_diag=(3,)),
    "torch.LogNormal": sampler_factory(lambda loc, log_scale: D.LogNormal(loc, log_scale.exp()),
                                       loc=_SCALAR, log_scale=_SCALAR),
    "torch.Gamma": sampler_factory(lambda log_a, log_b: D.Gamma(log_a.exp(), log_b.exp()),
                                   log_a=_SCALAR, log_b=_SCALAR),
    "torch.Beta": sampler_factory(lambda log_a, log_b: D.Beta(log_a.exp(), log_b.exp()),
                                  log_a=_SCALAR, log_b=_SCALAR),
    "torch.Dirichlet": sampler_factory(lambda log_c: D.Dirichlet(log_c.exp()), log_c=(3,)),
    "torch.Exponential": sampler_factory(lambda log_rate: D.Exponential(log_rate.exp()), log_rate=_SCALAR),
    "torch.Laplace": sampler_factory(lambda loc, log_scale: D.Laplace(loc, log_scale.exp()),
                                     loc=_SCALAR, log_scale=_SCALAR),
    "torch.Cauchy": sampler_factory(lambda loc, log_scale: D.Cauchy(loc, log_scale.exp()),
                                    loc=_SCALAR, log_scale=_SCALAR),
    "torch.StudentT": sampler_factory(
        lambda log_df, loc, log_scale: D.StudentT(2.0 + log_df.exp(), loc, log_scale.exp()),
        log_df=_SCALAR, loc=_SCALAR, log_scale=_SCALAR),
    "torch.Gumbel": sampler_factory(lambda loc, log_scale: D.Gumbel(loc, log_scale.exp()),
                                    loc=_SCALAR, log_scale=_SCALAR),
    "torch.Weibull": sampler_factory(lambda log_scale, log_k: D.Weibull(log_scale.exp(), log_k.exp()),
                                     log_scale=_SCALAR, log_k=_SCALAR),
    "torch.Chi2": sampler_factory(lambda log_df: D.Chi2(1.0 + log_df.exp()), log_df=_SCALAR),
    "torch.Kumaraswamy": sampler_factory(lambda log_a, log_b: D.Kumaraswamy(log_a.exp(), log_b.exp()),
                                         log_a=_SCALAR, log_b=_SCALAR),
    "torch.Uniform": sampler_factory(lambda low, log_width: D.Uniform(low, low + log_width.exp()),
                                     low=_SCALAR, log_width=_SCALAR),
    "torch.HalfNormal": sampler_factory(lambda log_scale: D.HalfNormal(log_scale.exp()), log_scale=_SCALAR),
    "torch.HalfCauchy": sampler_factory(lambda log_scale: D.HalfCauchy(log_scale.exp()), log_scale=_SCALAR),
    "torch.Pareto": sampler_factory(lambda log_scale, log_alpha: D.Pareto(log_scale.exp(), 2.0 + log_alpha.exp()),
                                    log_scale=_SCALAR, log_alpha=_SCALAR),
    "torch.InverseGamma": sampler_factory(
        lambda log_a, log_b: D.InverseGamma(1.0 + log_a.exp(), log_b.exp()), log_a=_SCALAR, log_b=_SCALAR),
    "torch.LogisticNormal": sampler_factory(lambda loc, log_scale: D.LogisticNormal(loc, log_scale.exp()),
                                            loc=(2,), log_scale=(2,)),
    "torch.ContinuousBernoulli": sampler_factory(lambda logits: D.ContinuousBernoulli(logits=logits),
                                                 logits=_SCALAR),
    "torch.FisherSnedecor": sampler_factory(
        lambda log_d1, log_d2: D.FisherSnedecor(1.0 + log_d1.exp(), 4.0 + log_d2.exp()),
        log_d1=_SCALAR, log_d2=_SCALAR),
    "torch.GeneralizedPareto": sampler_factory(
        lambda loc, log_scale, concentration: D.GeneralizedPareto(loc, log_scale.exp(), concentration),
        loc=_SCALAR, log_scale=_SCALAR, concentration=_SCALAR),
    "torch.Wishart": sampler_factory(lambda log_df, raw: D.Wishart(3.0 + log_df.exp(), scale_tril=lower_cholesky(raw)),
                                     log_df=_SCALAR, raw=(2, 2)),
}


# ----------------------------------------------------------------------------------------------------
# RELAXED
# ----------------------------------------------------------------------------------------------------


def temperature(tau: float | torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """The contract's temperature as the tensor torch documents (``temperature (Tensor)``), in the
    logits' dtype and device; a tensor ``tau`` is passed as it is."""
    if isinstance(tau, torch.Tensor):
        return tau
    return torch.tensor(tau, dtype=logits.dtype, device=logits.device)


class RelaxedOneHot:
    """A relaxed one-hot distribution class ``cls(temperature, logits=...)`` with ``rsample`` and
    ``log_prob`` (torch's ``RelaxedOneHotCategorical`` or a subclass of it)."""

    def __init__(self, cls: type[torch.distributions.Distribution]) -> None:
        self.cls = cls

    def sample(self, logits: torch.Tensor, tau: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
        d = self.cls(temperature(tau, logits), logits=logits)
        with seeded_global_rng(generator):
            return d.rsample()

    def log_prob(self, y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
        return self.cls(temperature(tau, logits), logits=logits).log_prob(y)

    def __repr__(self) -> str:
        return f"RelaxedOneHot({self.cls.__module__}.{self.cls.__qualname__})"


class RelaxedBinaryAsTwoCategories:
    """A binary Concrete class ``cls(temperature, logits=...)`` (torch's ``RelaxedBernoulli`` or a
    subclass) as a two-category relaxed one-hot: logit ``l1 - l0``, sample ``(1 - y, y)``."""

    categories = (2,)

    def __init__(self, cls: type[torch.distributions.Distribution]) -> None:
        self.cls = cls

    @staticmethod
    def _binary_logit(logits: torch.Tensor) -> torch.Tensor:
        if logits.shape[-1] != 2:
            raise ValueError(f"logits must have K = 2 categories in the last dimension, got shape "
                             f"{tuple(logits.shape)}")
        return logits[..., 1] - logits[..., 0]

    def sample(self, logits: torch.Tensor, tau: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
        d = self.cls(temperature(tau, logits), logits=self._binary_logit(logits))
        with seeded_global_rng(generator):
            y = d.rsample()
        return torch.stack((1 - y, y), dim=-1)

    def log_prob(self, y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
        return self.cls(temperature(tau, logits), logits=self._binary_logit(logits)).log_prob(y[..., 1])

    def __repr__(self) -> str:
        return f"RelaxedBinaryAsTwoCategories({self.cls.__module__}.{self.cls.__qualname__})"


class GumbelSoftmax:
    """``F.gumbel_softmax(logits, tau, hard=hard)``; no density."""

    def __init__(self, hard: bool = False) -> None:
        self.hard = hard

    def sample(self, logits: torch.Tensor, tau: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
        with seeded_global_rng(generator):
            return F.gumbel_softmax(logits, tau=tau, hard=self.hard)

    def __repr__(self) -> str:
        return f"GumbelSoftmax(hard={self.hard})"


RELAXED: dict[str, Any] = {
    "torch.RelaxedOneHotCategorical": RelaxedOneHot(torch.distributions.RelaxedOneHotCategorical),
    "torch.RelaxedBernoulli": RelaxedBinaryAsTwoCategories(torch.distributions.RelaxedBernoulli),
    "torch.gumbel_softmax": GumbelSoftmax(hard=False),
    "torch.gumbel_softmax_hard": GumbelSoftmax(hard=True),
}
