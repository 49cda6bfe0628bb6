r"""The law of ``dequantize``'s noise: n_bins * dequantize(k) - k is U[0, 1) (one-sample KS).

Design (``genspec.stats``): alpha = 1e-5; n detects a sup-distance of 0.01 between the noise's CDF
and U[0, 1) with power 0.99 (e.g. noise on [0, 0.98), or Beta-shaped noise).

References: seed 003_2bb67353180af150.txt, section NICE 模型 (加性噪声); Theis et al., arXiv:1511.01844.
"""

from __future__ import annotations


import pytest
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

F64 = torch.float64
ALPHA_DEQUANT = 1e-5
DEQUANT_DISTANCE = 0.01
N_DEQUANT = stats.ks_sample_size(DEQUANT_DISTANCE, alpha=ALPHA_DEQUANT)

@pytest.mark.statistical(
    statistic="one-sample Kolmogorov-Smirnov of n_bins * dequantize(k) - k against U[0, 1)",
    n=N_DEQUANT, alpha=ALPHA_DEQUANT,
    detects=f"dequantization noise at CDF distance {DEQUANT_DISTANCE} from uniform")
def test_dequantization_noise_is_uniform(impl, generator):
    k = torch.arange(N_DEQUANT) % 256
    y = impl.dequantize(k, generator=generator, dtype=F64)
    u = (y * 256 - k).numpy()
    result = sps.kstest(u, "uniform")
    record(n=u.size, ks_statistic=float(result.statistic), p_value=float(result.pvalue))
    assert result.pvalue > ALPHA_DEQUANT, f"dequantization noise not uniform: KS p = {result.pvalue:.2e}"
