r"""Where the contract's arguments go in practice, per dtype, and Hypothesis strategies that go there.

Float32 training reaches the edges of its dtype routinely (log-variances of ±80, logits past ±17,
-inf log weights, latents past |h| = 88, the generator's extreme uniforms). ``EDGES`` lists, per
function and argument, the interval each dtype's checks draw from and why values get there
(``docs/numerics.md`` is the same table in prose); the numerics-tier checks require a finite result
within a numerics tolerance of the true value where it is representable, ±inf of the right sign where
it overflows, and never NaN (``genspec.numerics.assert_numerics``). ``extreme_generator`` builds CPU
generators whose next draws are the extremes of ``torch.rand`` and ``torch.randn``.
"""

from __future__ import annotations

import functools
import math
import struct
from dataclasses import dataclass

import torch
from hypothesis import strategies as st

F64, F32, BF16, F16 = torch.float64, torch.float32, torch.bfloat16, torch.float16
HALF_DTYPES: tuple[torch.dtype, ...] = (BF16, F16)
"""Mixed-precision dtypes, checked where a function runs under autocast-style mixed precision."""


@dataclass(frozen=True)
class Edge:
    """``bounds[dtype] = (lo, hi)``: the interval of one argument's values per dtype, and why;
    ``smallest``: the smallest non-zero magnitude reached, where larger than the dtype's tiny."""

    function: str
    argument: str
    bounds: dict[torch.dtype, tuple[float, float]]
    why: str
    smallest: float = 0.0


def _all(lo32: float, hi32: float, lo64: float, hi64: float, half: tuple[float, float] | None = None):
    """Bounds per dtype; ``half`` (float16's) adds both half-precision dtypes."""
    out = {F32: (lo32, hi32), F64: (lo64, hi64)}
    if half is not None:  # bfloat16: float32's range, up to its own largest number
        out.update({BF16: (max(lo32, -_MAXBF16), min(hi32, _MAXBF16)), F16: half})
    return out


_MAX32, _MAX64, _MAX16 = float(torch.finfo(F32).max), float(torch.finfo(F64).max), 65504.0
_MAXBF16 = float(torch.finfo(BF16).max)
_LOGVAR = _all(-200.0, 200.0, -1600.0, 1600.0, half=(-30.0, 30.0))
_LOGVAR_WHY = ("an unbounded linear head; diverging runs reach ±80 and beyond. exp(logvar) over/underflows "
               "at ±88.7 (float32), ±709.8 (float64); exp(logvar / 2) at twice that")
_EPS = _all(-8.6, 8.6, -8.6, 8.6, half=(-8.6, 8.6))
_EPS_WHY = ("torch.randn's extremes: ±8.57 (53-bit Box-Muller), ±5.77 (float32, vectorised); 0 for the mean; "
            "no non-zero draw below 1e-24 (smallest radius 1.5e-8 times |cos| >= 6e-17)")
_MU = _all(-1e4, 1e4, -1e4, 1e4, half=(-1e3, 1e3))
_MU_WHY = "encoder means and data; the bound keeps (x - mu)^2 itself representable"
_LOGITS = _all(-_MAX32, _MAX32, -_MAX64, _MAX64, half=(-_MAX16, _MAX16))
_LOGITS_WHY = ("decoder logits pass ±17, where float32 sigmoid rounds to 0 or 1 (±37 in float64); a diverged "
               "layer reaches the dtype's largest number")

EDGES: dict[str, tuple[Edge, ...]] = {
    "gaussian": (
        Edge("reparameterize", "logvar", _LOGVAR, _LOGVAR_WHY),
        Edge("reparameterize", "eps", _EPS, _EPS_WHY, smallest=1e-24),
        Edge("reparameterize", "mu", _MU, _MU_WHY),
        Edge("log_normal", "logvar", _LOGVAR, _LOGVAR_WHY),
        Edge("log_normal", "x - mu", _MU, _MU_WHY),
        Edge("kl_normal_std", "logvar", _LOGVAR, _LOGVAR_WHY),
        Edge("kl_normal_std", "mu", _MU, _MU_WHY),
        Edge("kl_normal", "logvar_q, logvar_p", _LOGVAR, _LOGVAR_WHY + "; q = p at any logvar"),
        Edge("kl_normal", "mu_q, mu_p", _MU, _MU_WHY),
        Edge("bernoulli_log_prob", "logits", _LOGITS, _LOGITS_WHY),
        Edge("bernoulli_log_prob", "x", _all(0.0, 1.0, 0.0, 1.0, half=(0.0, 1.0)),
             "binary pixels, or grey levels k/255 read as Bernoulli means"),
        Edge("negative_elbo", "logits", _all(-_MAX32, _MAX32, -_MAX64, _MAX64), _LOGITS_WHY),
        Edge("negative_elbo", "logvar", _all(-200.0, 200.0, -1600.0, 1600.0), _LOGVAR_WHY),
        Edge("iwae_bound", "log_weights", _all(-1e30, 1e4, -1e300, 1e4),
             "log p(x, z) - log q(z|x): -1e4 for a 784-pixel image, -1e30 for a diverged decoder; "
             "-inf entries (a zero weight), whole columns of them"),
        Edge("LinearGaussian", "bias, x", _all(-1e30, 1e30, -1e300, 1e300),
             "uncentred data (a large offset); the residual x - bias of a far point; |r|^2 overflows"),
        Edge("LinearGaussian", "weight", _all(-3.0, 3.0, -3.0, 3.0),
             "loadings of standardised data (the matrices stay well conditioned: κ(M) <= 1e3)"),
        Edge("LinearGaussian", "noise_var", _all(0.1, 10.0, 0.1, 10.0), "the noise of standardised data"),
        Edge("score_function_gradient", "logvar", _LOGVAR, _LOGVAR_WHY + "; the score eps / sigma overflows first"),
        Edge("score_function_gradient", "mu", _MU, _MU_WHY + "; f(z) eps underflows float64 below 1e-308", 1e-24),
        Edge("reparameterization_gradient", "logvar", _LOGVAR, _LOGVAR_WHY),
        Edge("LinearGaussian.sample", "eps", _EPS, _EPS_WHY),
    ),
    "gumbel": (
        Edge("gumbel_softmax", "logits", _LOGITS, _LOGITS_WHY + "; -inf marks an impossible class"),
        Edge("gumbel_softmax", "tau", _all(1e-30, 1e30, 1e-300, 1e300, half=(1e-4, 1e4)),
             "annealed to 0.1 or below; 'hard' experiments use 1e-3; sweeps try large tau"),
        Edge("concrete_log_prob", "logits", _all(-1e6, 1e6, -1e12, 1e12),
             "unnormalised logits drift (the density is shift-invariant): 1e6 in float32 leaves an ulp of 0.06"),
        Edge("concrete_log_prob", "tau", _all(1e-3, 1e38, 1e-3, 1e300), "a temperature sweep to 'uniform'"),
        Edge("concrete_log_prob", "y", _all(1e-30, 1.0, 1e-300, 1.0),
             "samples at small tau have entries that underflow towards the dtype's smallest numbers"),
        Edge("gumbel_max", "logits", _LOGITS, _LOGITS_WHY),
        Edge("sample_gumbel", "u", _all(0.0, 1 - 2**-24, 0.0, 1 - 2**-53, half=(0.0, 1 - 2**-8)),
             "the generator's smallest and largest uniform (extreme_generator)"),
        Edge("anneal_tau", "step", {F64: (0.0, 2.0**63)}, "Python numbers: exp(-rate every n) underflows to 0 "
             "after ~7e6 updates and the floor tau_min takes over"),
    ),
    "flows": (
        Edge("NICE.prior_log_prob", "z", _all(-_MAX32, _MAX32, -_MAX64, _MAX64),
             "latents of data far from the training set: |h| > 88 overflows exp(h) in float32"),
        Edge("Scaling", "log_scale", _all(-100.0, 100.0, -800.0, 800.0),
             "a learned log-scale of a constant pixel grows without bound; exp overflows at 88.7 / 709.8"),
        Edge("AdditiveCoupling", "x", _all(-1e30, 1e30, -1e300, 1e300), "inputs of any magnitude: logdet stays 0"),
        Edge("bits_per_dim", "log_likelihood", _all(-_MAX32, _MAX32, -_MAX64, _MAX64), "-inf gives +inf bits"),
        Edge("dequantize", "u", _all(0.0, 1 - 2**-24, 0.0, 1 - 2**-53, half=(0.0, 1 - 2**-8)),
             "k + u rounds up to k + 1 near u = 1 (float32 from k = 128)"),
        Edge("NICE.sample", "u, eps", _all(0.0, 1 - 2**-24, 0.0, 1 - 2**-53),
             "the logistic prior's logit(u) is -inf at u = 0; the Gaussian prior's eps reaches ±8.57"),
    ),
    "autoencoders": (
        Edge("sparse_kl", "rho_hat", _all(0.0, 1.0, 0.0, 1.0),
             "dead or saturated sigmoid units: mean activations of 1e-30 and 1 - 2^-24"),
        Edge("sparse_kl", "rho", _all(1e-6, 0.5, 1e-12, 0.5), "sparsity targets from 0.05 down to 1e-6"),
        Edge("contractive_penalty", "weight", _all(-1e20, 1e20, -1e150, 1e150),
             "a diverging encoder; sum_i w_ji^2 overflows at |w| = 1.8e19 (float32)"),
        Edge("contractive_penalty", "bias", _all(-1e20, 1e20, -1e150, 1e150),
             "saturated units: h (1 - h) = sigmoid(z) sigmoid(-z) underflows for |z| > 88 (float32)"),
        Edge("contractive_penalty", "x", _all(0.0, 1.0, 0.0, 1.0), "pixels"),
        Edge("l1_activity_penalty", "h", _all(-_MAX32, _MAX32, -_MAX64, _MAX64), "unbounded (ReLU) codes"),
        Edge("denoising_loss", "logits", _all(-_MAX32, _MAX32, -_MAX64, _MAX64), _LOGITS_WHY),
        Edge("sparse_kl_penalty", "h", _all(0.0, 1.0, 0.0, 1.0), "sigmoid activations, dead and saturated"),
        Edge("masking_noise", "u", _all(0.0, 1 - 2**-24, 0.0, 1 - 2**-24),
             "its scores are float32 uniforms: ties at the generator's extremes (and by chance, 2^-24 a pair)"),
        Edge("gaussian_noise", "eps", _EPS, _EPS_WHY),
    ),
}

NO_EDGES: dict[str, str] = {
    "interleaved_mask": "integer index arithmetic only",
    "Permutation": "a gather: exact at every value, logdet exactly 0",
    "ReversePermutation": "a gather: exact at every value, logdet exactly 0",
    "SwapHalves": "a gather: exact at every value, logdet exactly 0",
    "RandomPermutation": "a gather: exact at every value, logdet exactly 0",
    "FlowSequential": "adds its layers' logdets: finite wherever theirs are (checked through NICE and Scaling)",
}
"""Contract names with no arithmetic that can over- or underflow, and why."""


def edge(function: str, argument: str) -> Edge:
    """The row of ``EDGES`` for ``function``'s ``argument``."""
    for rows in EDGES.values():
        for row in rows:
            if row.function == function and row.argument == argument:
                return row
    raise KeyError(f"no edge for {function}({argument})")


def dtypes(function: str, argument: str) -> st.SearchStrategy[torch.dtype]:
    """The dtypes whose edges ``EDGES`` lists for this argument."""
    return st.sampled_from(list(edge(function, argument).bounds))


# ------------------------------------------------------------------ strategies


def _round_inwards(values: torch.Tensor, dtype: torch.dtype, lo: float, hi: float) -> torch.Tensor:
    """float64 ``values`` rounded to ``dtype``, each moved to the nearest number of ``dtype`` in [lo, hi]."""
    r = values.clamp(lo, hi).to(dtype)
    r = torch.where(r.double() > hi, torch.nextafter(r, torch.full_like(r, -math.inf)), r)
    return torch.where(r.double() < lo, torch.nextafter(r, torch.full_like(r, math.inf)), r)


@functools.lru_cache(maxsize=None)
def edge_pool(lo: float, hi: float, dtype: torch.dtype, moderate: float = 10.0,
              smallest: float = 0.0) -> tuple[float, ...]:
    """The values the strategies pick from, simplest first (Hypothesis shrinks towards the start):
    0 and ±1, moderate values, the ends and values just inside them, and magnitudes spread evenly
    in log10 from the dtype's smallest normal number (or ``smallest``) to the ends."""
    top, tiny = max(abs(lo), abs(hi)), max(float(torch.finfo(dtype).tiny), smallest)
    a, b = max(lo, -moderate), min(hi, moderate)
    values = [0.0, 1.0, -1.0] + (torch.linspace(a, b, 9).tolist() if a <= b else [])
    values += [lo, hi] + [e * (1 - f) for e in (lo, hi) for f in (1e-7, 1e-3, 1e-2, 0.1, 0.5)]
    if top > tiny:
        values += [sgn * m for m in torch.logspace(math.log10(tiny), math.log10(top), 24, dtype=F64).tolist()
                   for sgn in (1.0, -1.0)]
    kept = _round_inwards(torch.tensor([v for v in values if lo <= v <= hi], dtype=F64), dtype, lo, hi)
    return tuple(dict.fromkeys(kept.double().tolist()))


def edge_floats(lo: float, hi: float, dtype: torch.dtype, *, moderate: float = 10.0,
                smallest: float = 0.0) -> st.SearchStrategy[float]:
    """Numbers of ``dtype`` in ``[lo, hi]`` from ``edge_pool``."""
    return st.sampled_from(edge_pool(lo, hi, dtype, moderate, smallest))


def edge_tensors(shape: tuple[int, ...], function: str, argument: str, dtype: torch.dtype, *,
                 moderate: float = 10.0) -> st.SearchStrategy[torch.Tensor]:
    """Tensors of ``shape`` and ``dtype`` with entries from ``edge_pool`` of ``EDGES``' row, all
    scaled by one factor ``1 + j``, |j| <= 0.01 (then rounded into the interval again)."""
    row = edge(function, argument)
    lo, hi = row.bounds[dtype]
    n = math.prod(shape)
    values = st.lists(edge_floats(lo, hi, dtype, moderate=moderate, smallest=row.smallest), min_size=n, max_size=n)
    return st.tuples(values, st.sampled_from([0.0, 0.0, 1e-3, -1e-3, 1e-2, -1e-2])).map(
        lambda t: _round_inwards(torch.tensor(t[0], dtype=F64) * (1 + t[1]), dtype, lo, hi).reshape(shape))


@st.composite
def pixels(draw: st.DrawFn, dtype: torch.dtype, shape: tuple[int, ...]) -> torch.Tensor:
    """Binary pixels, or grey levels k / 255 (as ``ToTensor`` makes them), in ``dtype``."""
    n = math.prod(shape)
    if draw(st.booleans()):
        values = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n))
    else:
        values = [k / 255 for k in draw(st.lists(st.integers(0, 255), min_size=n, max_size=n))]
    return torch.tensor(values, dtype=F64).reshape(shape).to(dtype)


@st.composite
def iwae_log_weights(draw: st.DrawFn, dtype: torch.dtype, *, max_k: int = 5) -> torch.Tensor:
    """Log weights ``(k, *batch)`` from ``EDGES``, some entries -inf and, often, whole columns of them."""
    batch = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    k = draw(st.integers(1, max_k))
    w = draw(edge_tensors((k, *batch), "iwae_bound", "log_weights", dtype))
    flags = draw(st.lists(st.booleans(), min_size=w.numel(), max_size=w.numel()))
    w = w.masked_fill(torch.tensor(flags).reshape(w.shape), -math.inf)
    if batch and draw(st.booleans()):  # a whole column of -inf
        w.reshape(k, -1)[:, draw(st.integers(0, math.prod(batch) - 1))] = -math.inf
    return w


# ------------------------------------------------------------------ generator extremes

_LEFT_AT, _NEXT_AT, _STATE_AT = 8, 16, 24
"""``CPUGeneratorImplState`` (``Generator.get_state()``): int64 seed, int32 ``left``, int32 seeded,
uint64 ``next``, then the 624 Mersenne Twister words in uint64 slots. With ``left = 624`` and
``next = 0`` the next 623 outputs are the tempered state words 0..622, read before any twist."""
MT_OUTPUTS = 623

WORDS: dict[str, int] = {"zero": 0x00000000, "ones": 0xFFFFFFFF, "half53": 0x00100000, "half24": 0x00800000,
                         "top8": 0x00FF0000, "top11": 0x00FFE000}
"""32-bit generator outputs. torch.rand keeps the low 24 bits (float32; bfloat16 and float16 round
that float32 number and draw 0 where it rounds to 1), or the low 53 bits of two outputs (float64):
``zero`` gives u = 0; ``ones`` the largest float32 / float64 uniform; ``top8`` / ``top11`` the
largest bfloat16 / float16 uniform, 1 - 2**-8 / 1 - 2**-11 (found by scanning the low 24 bits:
every larger float32 u rounds to 1 in those dtypes and comes out 0); ``half53`` / ``half24`` give
u = 1/2 (the Box-Muller angle pi)."""

UNTEMPERED: dict[int, int] = {0x00000000: 0x00000000, 0xFFFFFFFF: 0x12DD9BB3, 0x00100000: 0x89032260,
                              0x00800000: 0x04888130, 0x00FF0000: 0x88C04EB6, 0x00FFE000: 0xF8EEAB6A}
"""The state word whose tempered output is each of ``WORDS`` (MT19937's tempering inverted;
``meta_tests/test_domains.py`` re-verifies every pair and the draws they give)."""

PATTERNS: dict[str, dict[torch.dtype, tuple[str, ...]]] = {
    "u_min": {d: ("zero",) for d in (F64, F32, BF16, F16)},
    "u_max": {F64: ("ones",), F32: ("ones",), BF16: ("top8",), F16: ("top11",)},
    "normal_max": {d: ("ones",) for d in (F64, F32, BF16, F16)},
    "normal_min": {d: ("half53", "zero", "ones", "ones") for d in (F64, F32, BF16, F16)},
    "normal_min_16": {F64: ("ones",) * 16 + ("half53", "zero") * 8,
                      **{d: ("ones",) * 8 + ("half24",) * 8 for d in (F32, BF16, F16)}},
}
"""Output patterns (repeated) per extreme. ``u_min`` also gives normals of 0 (radius sqrt(-2 log 1)).
``normal_max`` gives +8.5717 from the 53-bit Box-Muller of fewer than 16 draws (and +5.7681 from
the vectorised path of float32 and narrower for 16 or more); ``normal_min`` gives -8.5717 for fewer
than 16 draws, ``normal_min_16`` -5.7681 (float32 and narrower) or -8.5717 (float64) for 16 or more
(torch's ``normal_fill`` pairs uniform j with j + 8 in blocks of 16: radius from the first, angle pi
from u = 1/2 in the second)."""

EXTREME_UNIFORM: dict[torch.dtype, tuple[float, float]] = {
    F64: (0.0, 1 - 2**-53), F32: (0.0, 1 - 2**-24), BF16: (0.0, 1 - 2**-8), F16: (0.0, 1 - 2**-11)}
EXTREME_NORMAL_53 = math.sqrt(-2 * math.log(2.0**-53))
"""8.5717: the largest |torch.randn| of a 53-bit Box-Muller draw."""


@functools.lru_cache(maxsize=None)
def _extreme_state(kind: str, dtype: torch.dtype) -> torch.Tensor:
    words = [UNTEMPERED[WORDS[name]] for name in PATTERNS[kind][dtype]]
    raw = bytearray(bytes(torch.Generator().manual_seed(0).get_state().tolist()))
    struct.pack_into("<i", raw, _LEFT_AT, 1 if kind == "u_min" else MT_OUTPUTS + 1)
    struct.pack_into("<Q", raw, _NEXT_AT, 0)
    for i in range(624):
        struct.pack_into("<Q", raw, _STATE_AT + 8 * i, words[i % len(words)])
    return torch.tensor(list(raw), dtype=torch.uint8)


def extreme_generator(kind: str, dtype: torch.dtype = F32) -> torch.Generator:
    """A CPU generator whose next draws in ``dtype`` are the extreme ``kind`` of ``PATTERNS``.

    ``u_min`` lasts for ever (the zero state is a fixed point of the twist); the others for the next
    623 32-bit outputs (623 float32 uniforms, 311 float64 ones), after which the twist takes over.
    """
    gen = torch.Generator()
    gen.set_state(_extreme_state(kind, dtype))
    return gen


def temper(y: int) -> int:
    """MT19937's output transform of a state word (for re-verifying ``UNTEMPERED``)."""
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    return (y ^ (y >> 18)) & 0xFFFFFFFF
