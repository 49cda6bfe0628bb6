"""Composition of flow layers: the log-determinants of the layers add up.

For layers f_1, ..., f_K, each returning ``(output, log_det)``, the composite
f = f_K ∘ ... ∘ f_1 maps x = h_0 -> h_1 -> ... -> h_K = z and, by the chain rule,

    dz/dx = J_K ... J_1,   so   log|det dz/dx| = sum_k log|det J_k|(h_{k-1}).

The inverse applies the layers' inverses in reverse order and its log_det is minus the
forward one at the corresponding point.

References:
    Dinh, Krueger, Bengio, "NICE", arXiv:1410.8516, section 3.3 (combining coupling layers).
    Seed 003_2bb67353180af150.txt, section flow / 细水长flow: equation (10), the chain
    x = h^(0) <-> h^(1) <-> ... <-> h^(n) = z; equation (11), the product of Jacobians.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from genspec.reference.validation import check_tensor, expected

__all__ = ["FlowSequential"]


class FlowSequential(nn.Module):
    """Layers applied in order; their log_dets are summed.

    Args:
        layers: flow layers: ``nn.Module``s with an ``inverse`` method, whose ``forward`` and
            ``inverse`` map ``(*batch, D)`` to ``((*batch, D), (*batch,))``; at least one.

    Raises:
        TypeError naming ``layers``: not an iterable of modules, or a module without ``inverse`` (an
        ``nn.Linear`` is no flow layer); ValueError naming ``layers``: no layer. At call time, a layer
        that does not return a pair ``(output, log_det)`` of tensors raises TypeError naming it.
    """

    def __init__(self, layers: Iterable[nn.Module]) -> None:
        super().__init__()
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Iterable):
            raise TypeError(expected("layers", layers, "be an iterable of flow layers (nn.Modules with inverse)"))
        layers = list(layers)
        for i, layer in enumerate(layers):
            if not isinstance(layer, nn.Module) or not callable(getattr(layer, "inverse", None)):
                raise TypeError(expected(f"layers[{i}]", layer, "be a flow layer: an nn.Module with forward and "
                                         "inverse, each returning (output, log_det)", "no inverse method"
                                         if isinstance(layer, nn.Module) else None))
        if not layers:
            raise ValueError(expected("layers", layers, "hold at least one flow layer"))
        self.layers = nn.ModuleList(layers)

    def _step(self, i: int, direction: str, h: torch.Tensor, name: str, given: torch.Tensor
              ) -> tuple[torch.Tensor, torch.Tensor]:
        """``layers[i].<direction>(h)`` as a pair ``(output, log_det)``. A layer's ``TypeError`` or
        ``ValueError`` is raised again naming the composition's argument (``name``, the tensor ``given``)
        and the layer; a layer that returns anything but a pair of tensors raises TypeError naming it."""
        layer = self.layers[i]
        try:
            out = layer(h) if direction == "forward" else layer.inverse(h)
        except (TypeError, ValueError) as err:
            kind = TypeError if isinstance(err, TypeError) else ValueError
            raise kind(expected(name, given, f"pass through layers[{i}] ({type(layer).__name__}).{direction}",
                                f"{type(err).__name__}: {err}")) from err
        if not (isinstance(out, (tuple, list)) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError(expected(f"layers[{i}]", layer, f"return a pair (output, log_det) of tensors from "
                                     f"{direction}", f"a {type(out).__name__}"))
        return out[0], out[1]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``(*batch, D) -> ((*batch, D), (*batch,))``."""
        check_tensor("x", x)
        h, log_det = x, x.new_zeros(x.shape[:-1])
        for i in range(len(self.layers)):
            h, ld = self._step(i, "forward", h, "x", x)
            log_det = log_det + ld
        return h, log_det

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``(*batch, D) -> ((*batch, D), (*batch,))``."""
        check_tensor("z", z)
        h, log_det = z, z.new_zeros(z.shape[:-1])
        for i in reversed(range(len(self.layers))):
            h, ld = self._step(i, "inverse", h, "z", z)
            log_det = log_det + ld
        return h, log_det
