"""Model name -> how to build, train and evaluate it (``genspec train MODEL``): one registry.

Each family package lists its models as ``SPECS`` (``models.spec.ModelSpec``); this module imports
every family explicitly and collects them, in the order of ``FAMILIES``. Nothing is optional and
nothing is swallowed: a family that fails to import, or two models with one name, fail here, at
import, with the family's own error.

| family | package | models |
|---|---|---|
| VAEs | ``models.vae`` | ``vae``, ``vae2d``, ``conv_vae``, ``gumbel_vae``, ``gumbel_vae_st`` |
| flows | ``models.flows`` | ``nice`` |
| autoencoders | ``models.autoencoders`` | ``dense_ae`` ... ``seq2seq_ae`` |

References: seeds 000 (``vae``), 001 (``vae2d``, the autoencoders), 002 (autoencoders), 003
(``nice``), 004 (``conv_vae``); Jang et al. 2017 (``gumbel_vae``, ``gumbel_vae_st``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from genspec.models import autoencoders, flows, vae
from genspec.models.spec import KINDS, ModelSpec

__all__ = ["FAMILIES", "KINDS", "ModelSpec", "get", "names", "registry"]

#: Family name -> its specs, in registry order.
FAMILIES: Mapping[str, tuple[ModelSpec, ...]] = MappingProxyType({
    "vae": vae.SPECS,
    "flows": flows.SPECS,
    "autoencoders": autoencoders.SPECS,
})


def _collect(families: Mapping[str, tuple[ModelSpec, ...]]) -> dict[str, ModelSpec]:
    """Name -> spec over all families; a name registered twice raises ``ValueError`` naming both families."""
    out: dict[str, ModelSpec] = {}
    owner: dict[str, str] = {}
    for family, specs in families.items():
        for spec in specs:
            if not isinstance(spec, ModelSpec):
                raise TypeError(f"family {family!r} lists {spec!r}, which is not a ModelSpec")
            if spec.name in out:
                raise ValueError(f"model {spec.name!r} is registered by family {owner[spec.name]!r} "
                                 f"and again by {family!r}")
            out[spec.name], owner[spec.name] = spec, family
    return out


_REGISTRY = _collect(FAMILIES)


def registry() -> dict[str, ModelSpec]:
    """All models: name -> spec (a copy), VAEs first, then flows, then autoencoders."""
    return dict(_REGISTRY)


def names() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> ModelSpec:
    """The spec called ``name``; ``ValueError`` naming the known ones otherwise."""
    if name not in _REGISTRY:
        raise ValueError(f"model={name!r}, but should be one of {sorted(_REGISTRY)}")
    return _REGISTRY[name]
