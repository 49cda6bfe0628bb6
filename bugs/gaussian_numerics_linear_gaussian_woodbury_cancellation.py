"""LinearGaussian.log_marginal as (|r|^2 - r^T W M^-1 W^T r) / s: inf - inf = NaN far from the bias.

Woodbury's identity subtracts two quadratic forms of the same size: far from the bias both overflow
and the difference is NaN where log p(x) is -inf, and before that it cancels every digit.
"""
import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.linear_gaussian import LinearGaussian as _LinearGaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_linear_gaussian_numerics.py::test_log_marginal_of_uncentred_and_far_points"
SOURCE = ("plausible: the matrix determinant lemma and Woodbury's identity written literally, as textbooks "
          "state them (Bishop, PRML eq. (12.35) with C^-1 = s^-1 (I - W M^-1 W^T)); the reference's own "
          "form until a review found NaN at a bias of 1e30")


class LinearGaussian(_LinearGaussian):
    def log_marginal(self, x: Tensor) -> Tensor:
        self._check_x(x)
        chol = torch.linalg.cholesky(self.m_matrix())
        r = x - self.bias
        proj = r @ self.weight
        solved = torch.cholesky_solve(proj.unsqueeze(-1), chol).squeeze(-1)
        quad = (r.square().sum(-1) - (proj * solved).sum(-1)) / self.noise_var  # BUG: a difference of squares
        log_det = (self.dim_x - self.dim_z) * self.noise_var.log() + 2 * chol.diagonal().log().sum()
        return -0.5 * (self.dim_x * math.log(2 * math.pi) + log_det + quad)
