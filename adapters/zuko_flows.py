"""zuko 1.6's flow zoo through the protocol ``FLOWS`` of ``spec-api.md``.

Every flow of ``zuko.flows`` that works on vectors, and the lazy transformations it is built from,
exposed unmodified, so that ``genspec check --impl adapters.zuko_flows`` judges them. No name of the
functional contract is defined here (``adapters.zuko_coupling`` maps zuko's coupling onto
``AdditiveCoupling``). Needs ``pip install zuko`` (extra ``peers``).

Entries (registry name -> zuko object; hyper networks ``hidden_features=(16, 16)``, ``transforms=2``
where the class takes it unless said otherwise, everything else zuko's default). Flows (``zuko.lazy.Flow``, a standard
``DiagNormal`` base; ``log_prob`` and ``sample``):

* ``zuko.NICE`` -> ``NICE(D)``: zuko's NICE is *affine* by default ("Affine transformations are used by
  default, as in RealNVP", its docstring); ``zuko.NICE(additive)`` -> ``NICE(D,
  univariate=AdditiveTransform, shapes=((),))``, the additive coupling of the NICE paper
* ``zuko.RealNVP`` -> ``RealNVP(D)`` (a subclass of ``NICE`` with nothing changed)
* ``zuko.MAF`` -> ``MAF(D)``; ``zuko.NSF`` -> ``NSF(D)`` (autoregressive rational-quadratic splines on
  ``[-5, 5]``, identity outside); ``zuko.NSF(coupling)`` -> ``NSF(D, passes=2)`` (zuko's docstring:
  "Coupling transformations can be obtained by setting passes=2")
* ``zuko.NAF`` -> ``NAF(D, transforms=1, signal=8, network={hidden_features: (16, 16)})``
  (monotonic neural networks, inverted by zuko's bisection, one coordinate per pass);
  ``zuko.UNAF(coupling)`` -> ``UNAF(D, transforms=1, passes=2, signal=8, network={hidden_features:
  (16, 16)})``: the unconstrained monotonic networks (an integral by Gauss-Legendre quadrature, inverted
  by bisection) in coupling form, since the fully autoregressive UNAF takes about a minute to invert 64
  vectors of length 5 on one CPU core (``passes`` is a documented keyword of zuko's
  ``MaskedAutoregressiveTransform``)
* ``zuko.SOSPF`` -> ``SOSPF(D)`` (sum-of-squares polynomials; zuko: invertible on ``[-10, 10]``)
* ``zuko.BPF`` -> ``BPF(D)`` (Bernstein polynomials on ``[-5, 5]``)
* ``zuko.GF`` -> ``GF(D, components=4)`` (Gaussianization flow)
* ``zuko.CNF`` -> ``CNF(D)`` (FFJORD, ``exact=True``: the exact trace, not Hutchinson's estimate)

Single lazy transformations (``forward``/``inverse`` only):

* ``zuko.MaskedAutoregressiveTransform`` -> ``MaskedAutoregressiveTransform(D)`` (affine)
* ``zuko.MaskedAutoregressiveTransform(RQS)`` -> the same with ``univariate=MonotonicRQSTransform,
  shapes=[(8,), (8,), (7,)]``, NSF's layer
* ``zuko.GeneralCouplingTransform`` -> ``GeneralCouplingTransform(D)`` (affine, checkered mask)
* ``zuko.ElementWiseTransform`` -> ``ElementWiseTransform(D)`` (affine, unconditional)

Left out: ``NCSF`` (circular splines on ``[-pi, pi]^D``, a flow on the torus, not on ``R^D``) and
``GMM`` (a mixture, not a flow: no transformation).

Conventions translated here:

* **Direction.** zuko's transformations map data to latent: ``NormalizingFlow.log_prob(x)`` is
  ``z, ladj = self.transform.call_and_ladj(x)`` then ``base.log_prob(z) + ladj`` and
  ``rsample`` returns ``self.transform.inv(base.rsample())`` (``zuko/distributions.py``). So the
  contract's ``forward`` is ``flow.transform().call_and_ladj(x)`` and its ``inverse`` is
  ``flow.transform().inv.call_and_ladj(z)``, each zuko's ``log |det J|`` of the map applied, as
  returned. For a lazy transformation ``t``: ``t().call_and_ladj`` and ``t().inv.call_and_ladj``.
* **Distribution.** ``log_prob(x)`` is ``flow().log_prob(x)``; ``sample(n)`` is ``flow().sample((n,))``.
* **Randomness.** zuko draws the base noise (``DiagNormal.rsample``) and its initialisation from
  torch's global RNG. The factories build the flow with the global RNG seeded from ``generator`` and
  restore it (``genspec.adapters._protocol_common.seeded_global_rng``); ``sample(n, generator=g)``
  runs zuko's ``sample`` the same way (``g`` seeds a forked global RNG; its own noise is not used).
* **dtype.** zuko builds in the default dtype; the factory casts with ``flow.to(dtype)`` (parameters
  and buffers: the base's ``loc``/``scale``, CNF's ``times``/``freqs``).
* **Batch rank.** zuko works on ``(*batch, D)`` natively; nothing is reshaped. ``D = 1`` is zuko's own
  business: ``GeneralCouplingTransform`` and ``MaskedAutoregressiveTransform`` with one feature
  return an ``ElementWiseTransform`` (their ``__new__``).

Passed through raw: every output and log-det zuko returns (shape, dtype, values); zuko's numerical
inverses (bisection for NAF, UNAF, SOSPF, BPF, GF; an adaptive ODE solver with ``atol=1e-6,
rtol=1e-5`` for CNF) with their own tolerances; zuko's ``AssertionError``\\ s.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import zuko  # noqa: F401  (the peer; ImportError if not installed)
import zuko.flows as zf  # module access only: zuko's class names (NICE, ...) must not shadow the contract's
from genspec.adapters._protocol_common import flow_factory, seeded_global_rng
from torch import nn
from zuko.lazy import Flow, LazyTransform
from zuko.transforms import AdditiveTransform, MonotonicRQSTransform

__all__ = ["FLOWS", "ZukoFlow", "ZukoTransform"]

HIDDEN = (16, 16)


class ZukoTransform(nn.Module):
    """A zuko lazy transformation (data to latent) with the contract's ``forward``/``inverse``."""

    def __init__(self, lazy: LazyTransform) -> None:
        super().__init__()
        self.lazy = lazy

    def transform(self) -> torch.distributions.Transform:
        return self.lazy()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: zuko's ``call_and_ladj``."""
        return self.transform().call_and_ladj(x)

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: zuko's ``inv.call_and_ladj``."""
        return self.transform().inv.call_and_ladj(z)


class ZukoFlow(ZukoTransform):
    """A zuko ``Flow``: its transformation, ``log_prob`` and ``sample``."""

    def __init__(self, flow: Flow) -> None:
        super().__init__(flow.transform)
        self.flow = flow

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return self.flow().log_prob(x)

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
        with seeded_global_rng(generator):
            return self.flow().sample((n,))


def _flow(cls: Callable[..., Flow], **kwargs) -> Callable[..., nn.Module]:
    def build(dim: int) -> nn.Module:
        return ZukoFlow(cls(dim, **kwargs))

    build.__doc__ = f"zuko.flows.{getattr(cls, '__name__', cls)}(D, **{kwargs})"
    return flow_factory(build)


def _lazy(cls: Callable[..., LazyTransform], **kwargs) -> Callable[..., nn.Module]:
    def build(dim: int) -> nn.Module:
        return ZukoTransform(cls(dim, **kwargs))

    build.__doc__ = f"zuko.flows.{getattr(cls, '__name__', cls)}(D, **{kwargs})"
    return flow_factory(build)


_RQS = {"univariate": MonotonicRQSTransform, "shapes": [(8,), (8,), (7,)]}
_NET = {"hidden_features": HIDDEN}

FLOWS: dict[str, Callable[..., nn.Module]] = {
    "zuko.NICE": _flow(zf.NICE, transforms=2, **_NET),
    "zuko.NICE(additive)": _flow(zf.NICE, transforms=2, univariate=AdditiveTransform, shapes=((),), **_NET),
    "zuko.RealNVP": _flow(zf.RealNVP, transforms=2, **_NET),
    "zuko.MAF": _flow(zf.MAF, transforms=2, **_NET),
    "zuko.NSF": _flow(zf.NSF, transforms=2, **_NET),
    "zuko.NSF(coupling)": _flow(zf.NSF, transforms=2, passes=2, **_NET),
    "zuko.NAF": _flow(zf.NAF, transforms=1, signal=8, network={"hidden_features": HIDDEN}, **_NET),
    "zuko.UNAF(coupling)": _flow(zf.UNAF, transforms=1, passes=2, signal=8, network={"hidden_features": HIDDEN},
                                 **_NET),
    "zuko.SOSPF": _flow(zf.SOSPF, transforms=2, **_NET),
    "zuko.BPF": _flow(zf.BPF, transforms=2, **_NET),
    "zuko.GF": _flow(zf.GF, transforms=2, components=4),
    "zuko.CNF": _flow(zf.CNF, **_NET),
    "zuko.MaskedAutoregressiveTransform": _lazy(zf.MaskedAutoregressiveTransform, **_NET),
    "zuko.MaskedAutoregressiveTransform(RQS)": _lazy(zf.MaskedAutoregressiveTransform, **_RQS, **_NET),
    "zuko.GeneralCouplingTransform": _lazy(zf.GeneralCouplingTransform, **_NET),
    "zuko.ElementWiseTransform": _lazy(zf.ElementWiseTransform, **_NET),
}
