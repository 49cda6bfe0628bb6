"""score_function_gradient uses (eps^2 - 1) for d log q / d logvar, without the 1/2: twice the gradient."""
from typing import Callable

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gradient_estimators.py::test_estimator_is_unbiased_exactly"
SOURCE = ("plausible: d log q / d log sigma = eps^2 - 1 is right for a log-std parameter and twice too "
          "large for a log-variance one; seed 004 eq. (7) leaves the parameter of the score unstated")


def score_function_gradient(f: Callable[[Tensor], Tensor], mu: Tensor, logvar: Tensor, *,
                            eps: Tensor | None = None, num_samples: int = 1,
                            generator: torch.Generator | None = None, reduction: str = "mean"):
    if eps is None:
        eps = torch.randn((num_samples, *mu.shape), dtype=mu.dtype, device=mu.device, generator=generator)
    with torch.no_grad():
        value = f(mu + torch.exp(0.5 * logvar) * eps).unsqueeze(-1)
        terms = (value * eps * torch.exp(-0.5 * logvar), value * (eps.square() - 1))
    return terms if reduction == "none" else (terms[0].mean(0), terms[1].mean(0))
