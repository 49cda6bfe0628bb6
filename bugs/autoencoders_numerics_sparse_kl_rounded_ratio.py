"""sparse_kl through log1p((rho_hat - rho) / rho): +inf for a dead unit (rho_hat = 1e-30).

``rho f(u) + (1 - rho) f(v)`` with ``f(t) = t - log1p(t)`` is non-negative by construction; but for
rho_hat far below rho, float32 ``u`` rounds to -1 and ``log1p(-1) = -inf``: a dead sigmoid unit makes
the sparsity penalty +inf and training NaN.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import real_number

AREA = "autoencoders"
TIER = "numerics"
CAUGHT_BY = "properties/test_sparse_numerics.py::test_sparse_kl_of_dead_and_saturated_units"
SOURCE = ("plausible: the cancellation-free form of the Bernoulli KL, computed through the rounded ratio "
          "(the reference's own form until the numerics review); rho_hat of a dead unit underflows the ratio")


def sparse_kl(rho, rho_hat: torch.Tensor) -> torch.Tensor:
    rho_t = torch.as_tensor(real_number("rho", rho) if not isinstance(rho, torch.Tensor) else rho,
                            dtype=rho_hat.dtype, device=rho_hat.device)
    if not bool(((rho_t > 0) & (rho_t < 1)).all()):
        raise ValueError(f"rho={rho!r} must lie in the open interval (0, 1)")
    if not bool(((rho_hat >= 0) & (rho_hat <= 1)).all()):
        raise ValueError("rho_hat must lie in [0, 1]")
    d = rho_hat - rho_t
    f = lambda t: (t - torch.log1p(t)).clamp_min(0.0)  # noqa: E731 -- BUG: log1p of a t rounded to -1
    return (rho_t * f(d / rho_t) + (1 - rho_t) * f(-d / (1 - rho_t))).sum(-1)
