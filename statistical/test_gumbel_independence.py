r"""Rows of a batch, and successive calls with one generator, draw independent classes.

Two rows with the same logits (or two calls on the same logits) give a pair of classes (a, b); under
independence the pair has law ``softmax(l) x softmax(l)``. Pearson chi-square over the 9 cells.
Shared noise across rows, or noise re-drawn from a fixed state on every call, puts all pairs on the
diagonal.

Design (``genspec.stats``): alpha = 1e-5 per item; n detects, with power 0.99, the second draw
copying the first with probability 0.02 (law ``0.98 p x p + 0.02 diag(p)``, Cohen's w = 0.028).
Reference: ``reference/gumbel.py``, ``reference/gumbel_softmax.py``.
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
LOGITS = [0.4, -0.3, 0.0]
P = np.exp(LOGITS) / np.exp(LOGITS).sum()
P0 = np.outer(P, P).ravel()
P1 = 0.98 * P0 + 0.02 * np.diag(P).ravel()
N = stats.chi2_gof_sample_size(P0, P1, alpha=ALPHA)
DESIGN = dict(statistic="Pearson chi-square over pairs of classes, 8 df", n=N, alpha=ALPHA,
              detects=(f"Cohen's w >= {stats.cohens_w(P0, P1):.3f}, e.g. the second draw copying the first "
                       "with probability 0.02"))


def _check_pairs(a: torch.Tensor, b: torch.Tensor, what: str) -> None:
    counts = np.bincount((a * 3 + b).reshape(-1).numpy(), minlength=9)
    stat, p = sps.chisquare(counts, N * P0)
    same = float((a == b).double().mean())
    record(statistic=float(stat), p_value=float(p), n=N, alpha=ALPHA, fraction_equal=same,
           expected_fraction_equal=float((P**2).sum()))
    assert p > ALPHA, (f"{what}: pairs are not independent draws of softmax(l): chi-square {stat:.1f}, "
                       f"p = {p:.2e}; equal in {same:.4f} of pairs (independent: {(P**2).sum():.4f})")


def _two_rows() -> torch.Tensor:
    return torch.tensor(LOGITS, dtype=torch.float64).expand(N, 2, 3)


@pytest.mark.statistical(**DESIGN)
def test_gumbel_max_rows_are_independent(impl, generator) -> None:
    idx = impl.gumbel_max(_two_rows(), generator=generator)
    _check_pairs(idx[:, 0], idx[:, 1], "gumbel_max, two rows of one batch")


@pytest.mark.statistical(**DESIGN)
def test_gumbel_softmax_rows_are_independent(impl, generator) -> None:
    idx = impl.gumbel_softmax(_two_rows(), 0.5, generator=generator).argmax(dim=-1)
    _check_pairs(idx[:, 0], idx[:, 1], "gumbel_softmax (tau = 0.5), two rows of one batch")


@pytest.mark.statistical(**DESIGN)
def test_gumbel_max_successive_calls_are_independent(impl, generator) -> None:
    logits = torch.tensor(LOGITS, dtype=torch.float64).expand(N, 3)
    a = impl.gumbel_max(logits, generator=generator)
    b = impl.gumbel_max(logits, generator=generator)
    _check_pairs(a, b, "gumbel_max, two successive calls with one generator")


@pytest.mark.statistical(**DESIGN)
def test_gumbel_softmax_successive_calls_are_independent(impl, generator) -> None:
    logits = torch.tensor(LOGITS, dtype=torch.float32).expand(N, 3)
    a = impl.gumbel_softmax(logits, 2.0, hard=True, generator=generator).argmax(dim=-1)
    b = impl.gumbel_softmax(logits, 2.0, hard=True, generator=generator).argmax(dim=-1)
    _check_pairs(a, b, "hard gumbel_softmax (tau = 2), two successive calls with one generator")
