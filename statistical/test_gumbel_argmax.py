r"""The class drawn by ``gumbel_max`` and by soft and hard ``gumbel_softmax`` is Categorical(softmax(logits)).

Pearson chi-square goodness of fit of the argmax counts against ``softmax(LOGITS)``, for non-uniform
logits (uniform logits, or tau = 1 alone, hide sign errors, wrong noise and wrong temperature
handling) and for every temperature of a grid from 1e-3 to 1e4: the argmax of
``softmax((l + g) / tau)`` does not depend on tau. The soft sample is drawn in float64 (in float32 its
entries round to ties at tau = 1e4, a representation limit, not a bug); the hard sample in float32,
where the contract still asks for one_hot(argmax(l + g)).

Design (``genspec.stats``): alpha = 1e-5 per item; n = the chi-square sample size that detects, with
power 0.99, 0.5% of the probability moved from the most to the least likely class (Cohen's w = 0.027).
Reference: ``reference/gumbel.py``, ``reference/gumbel_softmax.py``; seed 000, "引入 Gumbel Max".
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

ALPHA = 1e-5
LOGITS = [1.0, 0.0, -0.5, 0.3, -1.5]
P0 = np.exp(LOGITS) / np.exp(LOGITS).sum()
P1 = P0.copy()
P1[P0.argmax()] -= 0.005
P1[P0.argmin()] += 0.005
N = stats.chi2_gof_sample_size(P0, P1, alpha=ALPHA)
DETECTS = (f"argmax frequencies off softmax(logits) by Cohen's w >= {stats.cohens_w(P0, P1):.3f}, e.g. "
           "0.5% of the probability moved from the most to the least likely class")
TAUS = [1e-3, 1e-1, 1.0, 10.0, 1e4]


def _check_frequencies(index: torch.Tensor, what: str) -> None:
    counts = torch.bincount(index.reshape(-1).cpu(), minlength=len(LOGITS)).numpy()
    assert counts.size == len(LOGITS), f"{what}: class indices outside [0, {len(LOGITS)}): {counts}"
    stat, p = sps.chisquare(counts, N * P0)
    record(statistic=float(stat), p_value=float(p), n=N, alpha=ALPHA, frequencies=(counts / N).tolist(),
           expected=P0.tolist())
    assert p > ALPHA, (f"{what}: argmax frequencies {np.round(counts / N, 4).tolist()} vs softmax(logits) "
                       f"{np.round(P0, 4).tolist()}: chi-square {stat:.1f}, p = {p:.2e} < alpha = {ALPHA}")


@pytest.mark.statistical(statistic="Pearson chi-square, 4 df", n=N, alpha=ALPHA, detects=DETECTS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_gumbel_max_frequencies_are_softmax(impl, generator, dtype) -> None:
    logits = torch.tensor(LOGITS, dtype=dtype).expand(N, len(LOGITS))
    _check_frequencies(impl.gumbel_max(logits, generator=generator), f"gumbel_max ({dtype})")


@pytest.mark.statistical(statistic="Pearson chi-square, 4 df", n=N, alpha=ALPHA, detects=DETECTS)
@pytest.mark.parametrize("tau", TAUS)
def test_soft_sample_argmax_frequencies_are_softmax(impl, generator, tau) -> None:
    logits = torch.tensor(LOGITS, dtype=torch.float64).expand(N, len(LOGITS))
    y = impl.gumbel_softmax(logits, tau, generator=generator)
    _check_frequencies(y.argmax(dim=-1), f"argmax of the soft sample at tau={tau}")


@pytest.mark.statistical(statistic="Pearson chi-square, 4 df", n=N, alpha=ALPHA, detects=DETECTS)
@pytest.mark.parametrize("tau", TAUS)
def test_hard_sample_frequencies_are_softmax(impl, generator, tau) -> None:
    logits = torch.tensor(LOGITS, dtype=torch.float32).expand(N, len(LOGITS))
    y = impl.gumbel_softmax(logits, tau, hard=True, generator=generator)
    _check_frequencies(y.argmax(dim=-1), f"hard sample at tau={tau} (float32)")
