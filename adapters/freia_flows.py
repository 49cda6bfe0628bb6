"""FrEIA 0.2's invertible blocks, run through ``SequenceINN``, via the protocol ``FLOWS`` of ``spec-api.md``.

FrEIA's blocks, unmodified, each appended to a ``FrEIA.framework.SequenceINN(D)`` as FrEIA's README
builds its networks, so that ``genspec check --impl adapters.freia_flows`` judges them. No name of
the functional contract is defined here (``adapters.freia_coupling`` maps ``NICECouplingBlock`` onto
``AdditiveCoupling``). Needs ``pip install FrEIA`` (extra ``peers``).

Entries (registry name -> what is appended to ``SequenceINN(D)``); the coupling sub-networks are
``subnet(c_in, c_out) = nn.Sequential(nn.Linear(c_in, 16), nn.ReLU(), nn.Linear(16, c_out))``, the
README's ``subnet_fc`` with 16 hidden units; FrEIA's defaults otherwise:

* ``FrEIA.AllInOneBlock`` -> ``AllInOneBlock(subnet_constructor=subnet)`` (affine coupling, soft clamp
  ``affine_clamping=2``, global affine scaling ``SOFTPLUS``, a hard random permutation)
* ``FrEIA.GLOWCouplingBlock``, ``FrEIA.RNVPCouplingBlock``, ``FrEIA.GINCouplingBlock``,
  ``FrEIA.AffineCouplingOneSided``, ``FrEIA.NICECouplingBlock`` -> ``<Block>(subnet_constructor=subnet)``
  (``clamp=2``, ``ATAN`` clamp activation, ``split_len=0.5``)
* ``FrEIA.PermuteRandom`` -> ``PermuteRandom()`` (numpy draws the permutation, see Randomness)
* ``FrEIA.ActNorm`` -> ``ActNorm()``: FrEIA initialises it from the first batch passed through
  (``init_on_next_batch``); the factory runs that first batch itself, ``inn(x)`` on 64 standard
  normal draws from the seeded RNG. (FrEIA's ``init_data=`` argument cannot be used: ``if init_data:``
  raises "Boolean value of Tensor with more than one value is ambiguous" for any tensor of more than
  one element.)
* ``FrEIA.LearnedElementwiseScaling`` -> ``LearnedElementwiseScaling()``;
  ``FrEIA.HouseholderPerm`` -> ``HouseholderPerm(n_reflections=2)``
* ``FrEIA.SequenceINN(Glow)`` -> ``[GLOWCouplingBlock, PermuteRandom] * 2``, a whole INN

Couplings split the features in two and need ``D >= 2``: their factories declare ``dims`` 2-8.

Left out: ``IResNetLayer`` (fixed-point inverse, stochastic Hutchinson log-det), ``OrthogonalTransform``
(re-orthogonalises its weights at random steps of training), ``InvAutoAct*`` and ``InvertibleSigmoid``
(not bijections of ``R^D`` onto ``R^D``: the latter maps onto ``(0, 1)``), ``GaussianMixtureModel``,
``FixedLinearTransform`` (needs a matrix from the user), the conditional and image (reshaping) modules.
FrEIA has no base distribution object, so no entry is a distribution (no ``log_prob``/``sample``).

Conventions translated here:

* **Direction.** FrEIA's ``InvertibleModule`` docstring: the module "returns log det J = log |det
  ∂f/∂x| of the operation in forward mode, and -log |det J| = log |det ∂f^-1/∂z| in backward mode
  (rev=True)"; the README trains with ``z, log_jac_det = inn(x)`` and ``loss = 0.5 * sum(z**2, 1) -
  log_jac_det``: ``rev=False`` is data to latent. So the contract's ``forward`` is ``inn(x)`` and its
  ``inverse`` is ``inn(z, rev=True)``, each ``(output, log_jac_det)`` exactly as ``SequenceINN``
  returns it (``SequenceINN.forward`` returns ``x_or_z[0]`` and the summed ``log_det_jac``).
* **Randomness.** FrEIA initialises its sub-networks from torch's global RNG and draws its
  permutations from *numpy's* global RNG (``np.random.permutation`` in ``PermuteRandom`` and
  ``AllInOneBlock``). Factories build with both global RNGs seeded from ``generator`` and restore
  them afterwards (``genspec.adapters._protocol_common.seeded_global_rng``, ``seeded_numpy_rng``).
* **dtype.** FrEIA builds in float32; the factory casts with ``inn.to(dtype)``. FrEIA keeps its fixed
  permutation matrices (``AllInOneBlock.w_perm``/``w_perm_inv``) as ``nn.Parameter(...,
  requires_grad=False)``, so the cast (and anything that treats every floating-point parameter as
  trainable) reaches them too.
* **Batch rank.** FrEIA splits and permutes along ``dim=1`` of ``(N, D)``; the factories declare
  ``batch_ranks = (1,)`` and hand the input over as it is: no flattening, so no log-det is reshaped.

Passed through raw: every output and log-det ``SequenceINN`` returns — in particular the Python float
``0.0`` it returns for blocks whose log-det FrEIA computes as a float (``NICECouplingBlock``,
``GINCouplingBlock``, ``PermuteRandom``, ``HouseholderPerm``, and a sum of such blocks:
``log_det_jac`` starts as the int ``0``), and the shape-``(1,)`` tensor of
``LearnedElementwiseScaling`` (one value for the whole batch); FrEIA's exceptions.

Library defects this adapter leaves for the checks to see (FrEIA 0.2, from PyPI):

* ``LearnedElementwiseScaling`` returns ``+sum(s)`` as the log-det in both directions: with
  ``rev=True`` it must be ``-sum(s)`` (its base class's docstring: ``jac_rev == -jac``); and
  ``init_scale`` is ignored (``np.log(init_scale) * torch.zeros(...)`` is always zero; vislearn/FrEIA
  issue #117, fixed upstream in pull request #118 after the 0.2 release).
* ``ActNorm(dims_in, init_data=tensor)`` raises "Boolean value of Tensor with more than one value is
  ambiguous" (``if init_data:``), so its documented ``init_data`` argument cannot be used.
* Float log-dets (``0.0``) for volume-preserving blocks, see above and
  ``docs/conformance/repro_freia_float_logdet.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from FrEIA import framework as Ff  # the peer; ImportError if not installed
from FrEIA import modules as Fm
from genspec.adapters._protocol_common import flow_factory
from torch import nn

__all__ = ["FLOWS", "FreiaINN", "subnet"]

HIDDEN = 16
COUPLING_DIMS = tuple(range(2, 9))


def subnet(c_in: int, c_out: int) -> nn.Module:
    """FrEIA's README ``subnet_fc`` with 16 hidden units."""
    return nn.Sequential(nn.Linear(c_in, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, c_out))


class FreiaINN(nn.Module):
    """A ``SequenceINN`` with the contract's ``forward`` (``rev=False``) and ``inverse`` (``rev=True``)."""

    def __init__(self, inn: Ff.SequenceINN) -> None:
        super().__init__()
        self.inn = inn

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | float]:
        """Data to latent: ``inn(x)``."""
        return self.inn(x)

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | float]:
        """Latent to data: ``inn(z, rev=True)``."""
        return self.inn(z, rev=True)


def _sequence(*blocks: tuple[type[Fm.InvertibleModule], dict]) -> Callable[[int], nn.Module]:
    def build(dim: int) -> nn.Module:
        inn = Ff.SequenceINN(dim)
        for cls, kwargs in blocks:
            inn.append(cls, **kwargs)
        return FreiaINN(inn)

    build.__doc__ = "SequenceINN(D) with " + ", ".join(cls.__name__ for cls, _ in blocks)
    return build


def _actnorm(dim: int) -> nn.Module:
    """SequenceINN(D) with ActNorm, initialised by a first batch of 64 standard normal draws."""
    inn = Ff.SequenceINN(dim)
    inn.append(Fm.ActNorm)
    inn(torch.randn(64, dim))  # FrEIA's data-dependent initialisation (init_on_next_batch), once
    return FreiaINN(inn)


def _entry(build: Callable[[int], nn.Module], **attributes) -> Callable[..., nn.Module]:
    return flow_factory(build, batch_ranks=(1,), numpy_rng=True, **attributes)


_SUB = {"subnet_constructor": subnet}

FLOWS: dict[str, Callable[..., nn.Module]] = {
    "FrEIA.AllInOneBlock": _entry(_sequence((Fm.AllInOneBlock, _SUB)), dims=COUPLING_DIMS),
    "FrEIA.GLOWCouplingBlock": _entry(_sequence((Fm.GLOWCouplingBlock, _SUB)), dims=COUPLING_DIMS),
    "FrEIA.RNVPCouplingBlock": _entry(_sequence((Fm.RNVPCouplingBlock, _SUB)), dims=COUPLING_DIMS),
    "FrEIA.GINCouplingBlock": _entry(_sequence((Fm.GINCouplingBlock, _SUB)), dims=COUPLING_DIMS),
    "FrEIA.AffineCouplingOneSided": _entry(_sequence((Fm.AffineCouplingOneSided, _SUB)), dims=COUPLING_DIMS),
    "FrEIA.NICECouplingBlock": _entry(_sequence((Fm.NICECouplingBlock, _SUB)), dims=COUPLING_DIMS),
    "FrEIA.PermuteRandom": _entry(_sequence((Fm.PermuteRandom, {}))),
    "FrEIA.ActNorm": _entry(_actnorm),
    "FrEIA.LearnedElementwiseScaling": _entry(_sequence((Fm.LearnedElementwiseScaling, {}))),
    "FrEIA.HouseholderPerm": _entry(_sequence((Fm.HouseholderPerm, {"n_reflections": 2}))),
    "FrEIA.SequenceINN(Glow)": _entry(
        _sequence((Fm.GLOWCouplingBlock, _SUB), (Fm.PermuteRandom, {}),
                  (Fm.GLOWCouplingBlock, _SUB), (Fm.PermuteRandom, {})),
        dims=COUPLING_DIMS),
}
