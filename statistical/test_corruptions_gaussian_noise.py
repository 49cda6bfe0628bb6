"""The law of ``gaussian_noise``: the noise added before clipping is std · N(0, 1).

The unclipped noise of N draws has a sample mean and variance within bounds whose false-alarm
probability (computed below, from the normal and chi-square laws) is negligible.

References: seed 001_b5504797ad883274.txt, section 去噪自编码器 (noise_factor = 0.5).
"""

from __future__ import annotations

import math

import pytest
import torch
from scipy import stats

from genspec.checks import record

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]

N, STD, MEAN_BOUND, VAR_BOUND = 20_000, 0.5, 0.1, 0.1
# False alarm: |mean of N standard normals| > 0.1, or |s^2 - 1| > 0.1 with (N - 1) s^2 ~ chi2(N - 1).
ALPHA_SCALE = float(2 * stats.norm.sf(MEAN_BOUND * math.sqrt(N))
                    + stats.chi2.cdf((N - 1) * (1 - VAR_BOUND), N - 1)
                    + stats.chi2.sf((N - 1) * (1 + VAR_BOUND), N - 1))


@pytest.mark.statistical(statistic="sample mean and variance of (out - x) / std", n=N, alpha=ALPHA_SCALE,
                         detects="noise of variance off by 10% or more (std**2 for std, uniform noise) "
                                 "or mean shifted by 0.1 std")
def test_gaussian_noise_has_standard_deviation_std(impl, generator):
    x = torch.full((N,), 0.25, dtype=torch.float64)
    z = (impl.gaussian_noise(x, STD, clip=None, generator=generator) - x) / STD
    mean, var = z.mean().item(), z.var().item()
    record(mean=mean, variance=var, n=N, alpha=ALPHA_SCALE)
    assert abs(mean) < MEAN_BOUND, f"mean of (out - x)/std = {mean}, expected 0"
    assert abs(var - 1) < VAR_BOUND, f"variance of (out - x)/std = {var}, expected 1"
