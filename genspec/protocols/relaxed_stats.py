r"""The law of a relaxed one-hot sampler, by two designed tests.

1. The argmax of a sample is Categorical(softmax(logits)) (Maddison et al. 2017, Proposition 1(b)):
   Pearson chi-square of the argmax counts of n samples at tau = 1 against softmax(LOGITS[:K]);
   n detects, with power 0.99, 0.5% of the probability moved from the most to the least likely
   class (K = 5: Cohen's w = 0.027). The same design as ``statistical/test_gumbel_argmax.py``.
2. The temperature and the noise: for y = softmax((l + g) / tau), for any two classes i, j,

       tau · (log y_i - log y_j) - (l_i - l_j) = g_i - g_j ~ Logistic(0, 1)

   (the difference of two independent standard Gumbels). A one-sample KS test of that statistic
   (classes 0 and K - 1) against the standard logistic CDF, at tau = 0.5 and tau = 2 (each at α/2),
   detects a CDF distance of KS_DISTANCE: a temperature ignored or multiplied instead of divided
   rescales the statistic; exponential or uniform noise changes its shape.

References: Maddison, Mnih, Teh, arXiv:1611.00712, Proposition 1 and Appendix B; Jang et al.,
arXiv:1611.01144; Cochran 1952 (chi-square power); ``genspec.stats``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record
from genspec.protocols.core import NotApplicable, generator_for, reproducing
from genspec.protocols.relaxed import categories
from genspec.stats import Design

__all__ = ["ARGMAX_DESIGN", "LOGISTIC_DESIGN", "argmax_sample_size", "relaxed_argmax_frequencies",
           "relaxed_log_ratio_is_logistic"]

F64 = torch.float64
ALPHA: float = 1e-6
LOGITS: tuple[float, ...] = (1.0, 0.0, -0.5, 0.3, -1.5, 0.8)
MOVED: float = 0.005
KS_DISTANCE: float = 0.025
N_LOGISTIC: int = stats.ks_sample_size(KS_DISTANCE, alpha=ALPHA / 2)
LOGISTIC_TAUS: tuple[float, ...] = (0.5, 2.0)


def _p0(k: int) -> np.ndarray:
    p = np.exp(np.asarray(LOGITS[:k]))
    return p / p.sum()


def _p1(k: int) -> np.ndarray:
    p0 = _p0(k)
    p1 = p0.copy()
    p1[p0.argmax()] -= MOVED
    p1[p0.argmin()] += MOVED
    return p1


def argmax_sample_size(k: int) -> int:
    """The chi-square sample size for K classes (0.5% moved, α = ALPHA, power 0.99)."""
    return stats.chi2_gof_sample_size(_p0(k), _p1(k), alpha=ALPHA)


ARGMAX_DESIGN = Design(
    "relaxed_argmax_frequencies", "Pearson chi-square of the argmax counts against softmax(logits), K - 1 df",
    argmax_sample_size(5), ALPHA,
    f"argmax frequencies off softmax(logits) by Cohen's w >= {stats.cohens_w(_p0(5), _p1(5)):.3f} (K = 5), e.g. "
    f"{MOVED:.1%} of the probability moved from the most to the least likely class")
LOGISTIC_DESIGN = Design(
    "relaxed_log_ratio_is_logistic", "one-sample Kolmogorov-Smirnov of tau (log y_0 - log y_K-1) - (l_0 - l_K-1) "
    f"against the standard logistic, at tau = {LOGISTIC_TAUS} (each at alpha/2)", N_LOGISTIC, ALPHA,
    f"a law of the tempered log-ratio at CDF distance >= {KS_DISTANCE} from Logistic(0, 1): a temperature "
    "ignored, multiplied, or noise that is not Gumbel")


def _k(entry: Any, preferred: tuple[int, ...]) -> int:
    """The first preferred number of classes the entry supports (NotApplicable when none is)."""
    ks = categories(entry)
    for k in preferred:
        if k in ks:
            return k
    raise NotApplicable(f"the entry supports K in {ks}; this test needs one of {preferred}")


def relaxed_argmax_frequencies(entry: Any, *, seed: int, alpha: float = ALPHA) -> dict[str, Any]:
    """The argmax of a relaxed sample is Categorical(softmax(logits)): Pearson chi-square."""
    k = _k(entry, (5, 4, 3, 6, 2))
    n = argmax_sample_size(k)
    with reproducing(K=k, seed=seed):
        logits = torch.tensor(LOGITS[:k], dtype=F64).expand(n, k)
        with torch.no_grad():
            y = entry.sample(logits, 1.0, generator=generator_for(seed, "argmax"))
        counts = torch.bincount(y.argmax(-1).reshape(-1), minlength=k).numpy()
        p0 = _p0(k)
        statistic, p = sps.chisquare(counts, n * p0)
        evidence = {"K": k, "n": n, "frequencies": (counts / n).tolist(), "expected": p0.tolist(),
                    "statistic": float(statistic), "p_value": float(p), "alpha": alpha}
        record(**evidence)
        assert p > alpha, (f"argmax frequencies {np.round(counts / n, 4).tolist()} vs softmax(logits) "
                           f"{np.round(p0, 4).tolist()}: chi-square {statistic:.1f}, p = {p:.2e} < {alpha:.0e}")
    return evidence


def relaxed_log_ratio_is_logistic(entry: Any, *, seed: int, alpha: float = ALPHA) -> dict[str, Any]:
    """tau (log y_0 - log y_K-1) - (l_0 - l_K-1) is standard logistic: KS at two temperatures."""
    k = _k(entry, (4, 3, 5, 6, 2))
    evidence: dict[str, Any] = {"K": k, "n": N_LOGISTIC, "alpha": alpha}
    for tau in LOGISTIC_TAUS:
        with reproducing(K=k, tau=tau, seed=seed):
            logits = (torch.rand(k, generator=generator_for(seed, "l"), dtype=F64) * 2 - 1).expand(N_LOGISTIC, k)
            with torch.no_grad():
                y = entry.sample(logits, tau, generator=generator_for(seed, "ratio", tau)).to(F64)
            v = tau * (torch.log(y[:, 0]) - torch.log(y[:, -1])) - (logits[:, 0] - logits[:, -1])
            assert bool(torch.isfinite(v).all()), f"log y is not finite for {int((~torch.isfinite(v)).sum())} samples"
            result = sps.kstest(v.numpy(), sps.logistic.cdf)
            evidence[f"tau={tau}"] = {"ks_statistic": float(result.statistic), "p_value": float(result.pvalue)}
            record(tau=tau, ks_statistic=float(result.statistic), p_value=float(result.pvalue), n=N_LOGISTIC)
            assert result.pvalue > alpha / 2, (
                f"tau (log y_0 - log y_K-1) - (l_0 - l_K-1) is not standard logistic at tau={tau}: KS D = "
                f"{result.statistic:.4f}, p = {result.pvalue:.2e} < {alpha / 2:.1e}: wrong temperature or noise")
    return evidence
