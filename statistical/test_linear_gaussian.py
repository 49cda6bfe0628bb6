"""Statistical test of the linear-Gaussian model's sampler: (x, z) ~ p(z) p(x | z).

``LinearGaussian.sample(n, generator=...)`` returns x ``(n, D)`` and z ``(n, K)``. Under the model,
z ~ N(0, I_K) and the residual u = (x - W z - b) / s ~ N(0, I_D), independent. Both are pooled over
their coordinates and compared with N(0, 1) by a one-sample Kolmogorov-Smirnov test each, at
alpha / 2 (Bonferroni). A sampler that drops the bias, the noise or the latent's contribution, scales
the noise by the variance instead of the standard deviation, or draws z from anything but N(0, I)
moves one of the two pooled laws by far more than the detectable CDF distance.

Seed 004 ("变分贝叶斯": the generative model p(x, z) = p(x | z) p(z) with p(z) = N(0, I)); the
probabilistic PCA model of Tipping & Bishop (1999).
"""

from __future__ import annotations

import math

import pytest
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64
ALPHA = 1e-5
CDF_DISTANCE = 0.02
N = stats.ks_sample_size(CDF_DISTANCE, alpha=ALPHA / 2)  # pooled draws per law
WEIGHT = torch.tensor([[1.0, -0.5], [0.3, 2.0], [-1.2, 0.4], [0.0, 0.7]], dtype=F64)  # (D=4, K=2)
BIAS = torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=F64)
NOISE_VAR = 0.3


@pytest.mark.statistical(
    statistic="two one-sample KS tests against N(0, 1): z pooled over K = 2 coordinates, and the "
              "residual (x - W z - b) / s pooled over D = 4 coordinates",
    n=N, alpha=ALPHA,
    detects=f"a CDF distance of {CDF_DISTANCE} in either pooled law (e.g. a noise scale off by "
            f"{CDF_DISTANCE * math.sqrt(2 * math.pi * math.e):.0%})")
def test_linear_gaussian_samples_follow_the_model(impl, generator):
    model = impl.LinearGaussian(WEIGHT, BIAS, NOISE_VAR)
    rows = math.ceil(N / WEIGHT.shape[1])
    x, z = model.sample(rows, generator=generator)
    assert x.shape == (rows, WEIGHT.shape[0]) and z.shape == (rows, WEIGHT.shape[1])
    u = (x - z @ WEIGHT.T - BIAS) / math.sqrt(NOISE_VAR)
    p_latent = sps.kstest(z.flatten()[:N].numpy(), "norm").pvalue
    p_noise = sps.kstest(u.flatten()[:N].numpy(), "norm").pvalue
    record(n=N, check="z ~ N(0, I)", p_value=float(p_latent))
    record(n=N, check="(x - W z - b) / s ~ N(0, I)", p_value=float(p_noise))
    assert p_latent > ALPHA / 2, f"z is not N(0, I): KS p = {p_latent:.2e}"
    assert p_noise > ALPHA / 2, f"x | z is not N(W z + b, s^2 I): KS p = {p_noise:.2e}"
