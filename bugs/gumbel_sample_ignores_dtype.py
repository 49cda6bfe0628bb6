"""sample_gumbel ignores dtype and always returns the default dtype (float32)."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.validation import as_shape

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel.py::test_sample_gumbel_shape_and_dtype"
SOURCE = ("opendilab/DI-engine#169 (the merged GumbelSoftmax draws U = torch.rand(x.shape) and "
          "moves it to x.device: no dtype, always float32); dev4488/VAE_gumble_softmax (U = "
          "torch.rand(shape).cuda())")


def sample_gumbel(shape, *, generator=None, dtype=None, device=None):
    device = device if device is not None else (generator.device if generator is not None else "cpu")
    return gumbel64(as_shape(shape), generator, device).to(torch.get_default_dtype())
