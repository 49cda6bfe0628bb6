"""Run the specification against the reference and every adapter; write ``docs/conformance.md``.

For each implementation (``reference``, ``adapters.torch_builtins`` and the peer coupling adapters,
skipping peers that are not installed) this runs ``genspec check`` over the areas that look the
implementation up (gaussian, gumbel, flows, autoencoders; ``models`` and ``harness`` test genspec's
own models and harness whatever ``--impl`` is) and collects every check's outcome. It then writes
``docs/conformance.md``: a summary, the verdict and a minimal reproduction for every failure, the
candidate discrepancies investigated (each reproduced by a script in ``docs/conformance/``, whose
output is embedded), and the full matrix of checks x implementations.

Usage (from the repository root; about 5 minutes on 2 cores)::

    python scripts/conformance_matrix.py                 # run everything, write docs/conformance.md
    python scripts/conformance_matrix.py --reuse DIR     # re-render from the reports already in DIR
    python scripts/conformance_matrix.py --skip-repros   # reuse the repro outputs of the last run
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPRO_DIR = ROOT / "docs" / "conformance"
AREAS = ("gaussian", "gumbel", "flows", "autoencoders")
SLOW_SELECTION = ("--run-slow", "-k", "test_gumbel_tail")  # the slow checks run here: the Gumbel tail


@dataclass(frozen=True)
class Impl:
    module: str
    label: str
    peer: str | None  # distribution that must be installed; None: always run


IMPLEMENTATIONS = (
    Impl("reference", "reference", None),
    Impl("adapters.torch_builtins", "torch", "torch"),
    Impl("adapters.nflows_coupling", "nflows", "nflows"),
    Impl("adapters.zuko_coupling", "zuko", "zuko"),
    Impl("adapters.normflows_coupling", "normflows", "normflows"),
    Impl("adapters.freia_coupling", "FrEIA", "FrEIA"),
    Impl("adapters.freia_coupling_raw", "FrEIA (raw logdet)", "FrEIA"),
)

# ----------------------------------------------------------------------------- the adapters
ADAPTER_NOTES = (
    ("adapters.torch_builtins",
     "`Normal` + `kl_divergence`, `F.binary_cross_entropy_with_logits`, `Gumbel.icdf` of generator "
     "uniforms (= `Gumbel.rsample`), `torch.multinomial` (= `Categorical.sample`) with the generator, "
     "`F.gumbel_softmax` with its `exponential_` noise drawn from the generator or fixed to `exp(-gumbels)`, "
     "`RelaxedOneHotCategorical.log_prob`."),
    ("adapters.nflows_coupling",
     "`AdditiveCouplingTransform`; nflows transforms where `mask > 0`, so it gets `where(mask, -1, 1)`; "
     "`forward` is data to noise as in the contract; the net's `context` argument dropped; batch "
     "dimensions flattened to nflows' `(N, D)`."),
    ("adapters.zuko_coupling",
     "`GeneralCouplingTransform(univariate=AdditiveTransform, shapes=((),))` — zuko's `NICE` is affine by "
     "default — with the contract's net as its hyper network; zuko's mask already means pass-through; "
     "`call_and_ladj` and `.inv.call_and_ladj`."),
    ("adapters.normflows_coupling",
     "`MaskedAffineFlow(b=mask, t, s=None)`. normflows' `forward` is generative (latent to data), so "
     "the contract's `forward` is normflows' `inverse`, with shift network `t = -net` scattered into "
     "the `~mask` slots (negation is exact); batch flattened to `(N, D)`; `b` cast to the input dtype."),
    ("adapters.freia_coupling",
     "`NICECouplingBlock` (two additive couplings) with a zero first sub-network and the contract's net "
     "as the second; coordinates permuted to `(x[mask], x[~mask])` and back; batch flattened; FrEIA's "
     "float logdet broadcast to a tensor of shape `batch`."),
    ("adapters.freia_coupling_raw",
     "the same without the logdet translation, to show what FrEIA's float costs a caller."),
)

# ----------------------------------------------------------------------------- verdicts
CONVENTION = "documented difference of convention"
DEFECT = "real defect of the peer"
ADAPTER = "fault of the adapter"


@dataclass(frozen=True)
class Verdict:
    pattern: str                 # regex searched in the check's node id
    impls: tuple[str, ...]       # implementation modules it applies to
    title: str
    kind: str                    # CONVENTION, DEFECT or ADAPTER
    text: str                    # what happens and why, in Markdown
    repro: str                   # a minimal reproduction (Python), run from the repository root


COUPLING_PEERS = ("adapters.nflows_coupling", "adapters.zuko_coupling", "adapters.normflows_coupling",
                  "adapters.freia_coupling", "adapters.freia_coupling_raw")

VERDICTS: tuple[Verdict, ...] = (
    Verdict(
        r"test_(reparameterize|log_normal|kl_normal|kl_normal_std)_rejects_nan_naming_the_argument",
        ("adapters.torch_builtins",),
        "torch names its own parameters (`loc`, `scale`), not the contract's (`mu`, `logvar`)",
        CONVENTION,
        "`torch.distributions.Normal` validates its parameters (`validate_args` is on by default) and "
        "raises `ValueError`, as the contract asks, but the message names `loc` or `scale`: a NaN in "
        "`logvar` reaches torch as a NaN `scale = exp(logvar / 2)`. The contract's check wants the "
        "caller's argument named. A naming convention, not a numerical fault.",
        "import torch, adapters.torch_builtins as tb\n"
        "mu = torch.zeros(2, 3); mu[1, 0] = float('nan')\n"
        "tb.kl_normal_std(mu, torch.zeros(2, 3))\n"
        "# ValueError: Expected parameter loc (Tensor of shape (2, 3)) of distribution Normal(...) ...",
    ),
    Verdict(
        r"test_reparameterize_and_log_normal_reject_an_infinite_logvar_naming_it"
        r"|test_kl_normal(_std)?_rejects_an_infinite_logvar_naming_it"
        r"|test_reparameterize_rejects_(a_0d_argument_naming_it|an_event_dimension_that_differs_from_mu"
        r"|nan_noise_naming_eps)",
        ("adapters.torch_builtins",),
        "torch accepts infinite variances, 0-d parameters, any broadcastable shapes and unchecked noise",
        CONVENTION,
        "`Normal` validates `scale > 0`, which `exp(+inf / 2) = inf` satisfies, so an infinite "
        "`logvar` is accepted and the closed-form KL comes out NaN (inf − inf; the true value is +inf); "
        "`logvar = -inf` gives `scale = 0`, rejected with a message naming `scale`. The "
        "reparameterization `mu + exp(logvar / 2) * eps` is plain tensor arithmetic: 0-d arguments, a "
        "logvar or eps whose event dimension broadcasts against mu's, and NaN noise all go through. "
        "The contract asks for `ValueError` naming the argument in each case; torch's convention is to "
        "broadcast and compute.",
        "import torch, adapters.torch_builtins as tb\n"
        "tb.kl_normal_std(torch.zeros(1, 2), torch.tensor([[float('inf'), 0.]]))   # tensor([nan])\n"
        "tb.reparameterize(torch.zeros(2, 3), torch.zeros(2, 1), torch.ones(2, 3)).shape  # (2, 3): K=1 broadcast",
    ),
    Verdict(
        r"test_shapes_that_do_not_fit_raise_value_error|test_kls_reject_shapes_that_do_not_fit",
        ("adapters.torch_builtins",),
        "torch broadcasts mismatched shapes, and raises `RuntimeError` when it cannot",
        CONVENTION,
        "torch's convention is broadcasting: `kl_normal_std(zeros(2, 3), zeros(3))` is accepted, and "
        "shapes that cannot broadcast raise `RuntimeError` from `broadcast_tensors`, not the "
        "contract's `ValueError` naming the argument.",
        "import torch, adapters.torch_builtins as tb\n"
        "tb.kl_normal_std(torch.zeros(2, 3), torch.zeros(2, 4))\n"
        "# RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
    ),
    Verdict(
        r"test_bernoulli_log_prob_rejects_bad_input",
        ("adapters.torch_builtins",),
        "`binary_cross_entropy_with_logits` validates neither logits nor targets",
        CONVENTION,
        "`F.binary_cross_entropy_with_logits` returns NaN for a NaN logit and accepts targets outside "
        "[0, 1] (soft targets are its documented use); torch.nn.functional does not validate. The "
        "contract asks for `ValueError` naming `logits` or `x`.",
        "import torch, torch.nn.functional as F\n"
        "F.binary_cross_entropy_with_logits(torch.tensor([0., float('nan')]), torch.tensor([2., -1.]), reduction='none')\n"
        "# tensor([0.6931, nan]): no error",
    ),
    Verdict(
        r"test_gumbel_softmax_rejects_a_bad_tau|test_gumbel_softmax_rejects_bad_logits"
        r"|test_gumbel_softmax_rejects_a_tensor_tau_with_a_bad_entry"
        r"|test_gumbel_softmax_rejects_a_tau_that_does_not_broadcast_to_batch_by_one",
        ("adapters.torch_builtins",),
        "`F.gumbel_softmax` validates neither `tau` nor `logits` (and its docstring admits tau = 0)",
        CONVENTION,
        "torch.nn.functional does not validate arguments: NaN or +inf logits give NaN samples, "
        "`tau = 0` gives NaN (hard: a NaN \"one-hot\"), and a negative `tau` silently returns a "
        "sample that favours the *smallest* logit. The contract asks for `ValueError`. The docstring "
        "says \"tau: non-negative scalar temperature\", which admits the NaN-producing `tau = 0`: a "
        "small documentation defect on top of the convention.",
        "import torch, torch.nn.functional as F\n"
        "l = torch.tensor([[1., 2., 3.]])\n"
        "F.gumbel_softmax(l, tau=0.0)    # tensor([[nan, nan, nan]])\n"
        "F.gumbel_softmax(l, tau=-1.0)   # a valid-looking sample that favours the smallest logit",
    ),
    Verdict(
        r"test_concrete_log_prob_rejects_a_bad_tau|test_concrete_log_prob_rejects_a_tensor_tau_with_a_bad_entry",
        ("adapters.torch_builtins",),
        "`RelaxedOneHotCategorical` does not validate its temperature",
        DEFECT,
        "`RelaxedOneHotCategorical.arg_constraints` lists `probs` and `logits` only, so with argument "
        "validation on (torch's default) a zero, negative, NaN or infinite temperature is accepted "
        "and `log_prob` returns NaN or a finite number for a distribution that does not exist. Other "
        "torch distributions validate their positive parameters (`Normal.scale`, `Gamma.rate`); "
        "this one's omission is a (minor) validation defect.",
        "import torch\n"
        "from torch.distributions import RelaxedOneHotCategorical\n"
        "d = RelaxedOneHotCategorical(torch.tensor(-1.0), logits=torch.tensor([1., 2., 3.]))  # no error\n"
        "d.log_prob(torch.tensor([0.2, 0.3, 0.5]))   # tensor(nan)",
    ),
    Verdict(
        r"test_concrete.py::(test_log_density_of_its_own_float32_samples_is_never_nan|test_k2_"
        r"|test_points_with_a_zero_or_negative_entry_have_log_density_neg_inf"
        r"|test_masking_out_boundary_points_leaves_finite_gradients)",
        ("adapters.torch_builtins",),
        "`RelaxedOneHotCategorical.log_prob` is NaN at points of the simplex's boundary, its own float32 samples among them (candidate 2)",
        DEFECT,
        "`log_prob(y)` computes `log(y)`; a coordinate that is exactly 0 gives `-inf`, then "
        "`logits - (-inf) * tau = +inf` and `inf - logsumexp = NaN`. The specification asks for -inf or a "
        "finite value there, never NaN. At tau = 0.02, 1519 of 2000 of torch's own float32 Gumbel-Softmax "
        "samples have an entry that underflowed to 0; and the K = 2 quadrature checks integrate over "
        "`y_1 = sigmoid(s)` for all real s, where float64 rounds `sigmoid(+-800)` to exactly (1, 0) and the "
        "NaN poisons the integral. Known upstream (pytorch/pytorch#18254). See candidate 2.",
        "import torch\n"
        "from torch.distributions import RelaxedOneHotCategorical\n"
        "d = RelaxedOneHotCategorical(torch.tensor(1.0, dtype=torch.float64),\n"
        "                             logits=torch.tensor([0.7, -0.4], dtype=torch.float64))\n"
        "d.log_prob(torch.tensor([1.0, 0.0], dtype=torch.float64))   # tensor(nan): y is on the simplex, validation passes",
    ),
    Verdict(
        r"test_concrete.py::test_tensor_tau_gives_each_row_its_own_temperature",
        ("adapters.torch_builtins",),
        "`RelaxedOneHotCategorical.log_prob` works with a scalar temperature only",
        DEFECT,
        "The contract lets tau be a tensor broadcastable to `(*batch, 1)`, one temperature per row. "
        "torch's `ExpRelaxedCategorical.log_prob` multiplies the `(*batch, K)` value by the temperature "
        "and adds a log-normaliser of the temperature's own shape: a `(*batch, 1)` temperature gives a "
        "silently wrong `(*batch, *batch)` result, a `(*batch,)` one a `RuntimeError` (its shape meets "
        "K). The distribution takes a tensor temperature and neither rejects nor documents a batched "
        "one.",
        "import torch\n"
        "from torch.distributions import RelaxedOneHotCategorical\n"
        "tau = torch.full((4, 1), 0.5)\n"
        "RelaxedOneHotCategorical(tau, logits=torch.zeros(4, 2)).log_prob(torch.full((4, 2), 0.5)).shape"
        "   # torch.Size([4, 4]), not (4,)",
    ),
    Verdict(
        r"test_sample_gumbel_rejects_a_negative_side",
        ("adapters.torch_builtins",),
        "a negative size reaches `torch.rand`, which raises `RuntimeError`",
        CONVENTION,
        "torch's factories reject a negative dimension with `RuntimeError` (\"Trying to create tensor "
        "with negative dimension\"); the contract asks for `ValueError` naming `shape`.",
        "import adapters.torch_builtins as tb\n"
        "tb.sample_gumbel((-1,))   # RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    ),
    Verdict(
        r"test_a_generator_whose_uniforms_are_all_zero_still_gives_finite_draws",
        ("adapters.torch_builtins",),
        "`torch.multinomial` maps a uniform of exactly 0 to category 0 even when its probability is 0",
        DEFECT,
        "The check zeroes a CPU generator's Mersenne Twister state (through `Generator.set_state`), so "
        "every uniform it draws is exactly 0. `Gumbel(0, 1).icdf` clamps u to `finfo.tiny` and stays "
        "finite, but `Categorical.sample`'s `torch.multinomial` then returns category 0 for probabilities "
        "`[0, 1]`: an impossible class. The inverse-CDF search takes the first category whose cumulative "
        "probability is >= u, and 0 >= 0. With a real generator u = 0 is too rare to observe (none in "
        "1e8 draws here), so this is a latent boundary defect, not one a user will meet; the fix is a "
        "strict comparison (or u in (0, 1]).",
        "import torch\n"
        "g = torch.Generator().manual_seed(0)\n"
        "s = g.get_state(); s[24:24 + 624 * 8] = 0; g.set_state(s)   # every uniform is now 0\n"
        "torch.multinomial(torch.tensor([0.0, 1.0]), 4, replacement=True, generator=g)   # tensor([0, 0, 0, 0])",
    ),
    Verdict(
        r"test_gradient_in_a_tensor_tau_is_the_closed_form_and_finite",
        ("adapters.torch_builtins",),
        "`F.gumbel_softmax`'s gradient in a tensor `tau` is NaN when a logit is -inf",
        DEFECT,
        "`F.gumbel_softmax` divides `(logits + gumbels) / tau` elementwise; for a -inf logit the quotient "
        "is -inf and its derivative in tau, `-(l + g) / tau^2 = +inf`, times the softmax's zero upstream "
        "gradient is NaN, which the sum over classes spreads into tau's gradient. A learned temperature "
        "with masked (-inf) logits therefore gets a NaN gradient. The value is right; dividing only the "
        "finite entries (or masking after the division) fixes the gradient.",
        "import torch, torch.nn.functional as F\n"
        "tau = torch.tensor([[0.5]], dtype=torch.float64, requires_grad=True)\n"
        "y = F.gumbel_softmax(torch.tensor([[0.0, -float('inf'), 1.0]], dtype=torch.float64), tau=tau)\n"
        "y[..., 0].sum().backward(); tau.grad   # tensor([[nan]])",
    ),
    Verdict(
        r"test_huge_finite_logits_give_a_finite_sample_at_every_tau",
        ("adapters.torch_builtins",),
        "`F.gumbel_softmax` overflows to NaN when `logits / tau` exceeds the float range",
        DEFECT,
        "`F.gumbel_softmax` divides by tau before the softmax subtracts its maximum, so a finite logit "
        "of 1e37 at tau = 0.01 in float32 becomes inf, and the softmax's `inf - inf` is NaN. Subtracting "
        "the row maximum of `logits + gumbels` before dividing (softmax is shift-invariant) keeps every "
        "finite input finite. Only extreme logit / temperature ratios reach it.",
        "import torch, torch.nn.functional as F\n"
        "F.gumbel_softmax(torch.tensor([[1e37, 0.0]]), tau=0.01)   # tensor([[nan, nan]])",
    ),
    Verdict(
        r"test_hard_index_is_argmax_of_noisy_logits_when_the_soft_sample_ties",
        ("adapters.torch_builtins",),
        "hard `F.gumbel_softmax` takes its argmax from the rounded soft sample (candidate 1)",
        DEFECT,
        "`F.gumbel_softmax(hard=True)` computes `index = y_soft.max(dim)[1]`. At large tau the float32 "
        "soft entries round to equal values and `max` returns the first, so the one-hot is not "
        "`argmax(logits + g)`: the hard sample is biased towards low indices. See candidate 1 below "
        "for rates at realistic tau; fix: take the index from `logits + gumbels`.",
        "python docs/conformance/repro_hard_gumbel_softmax_ties.py",
    ),
    Verdict(
        r"test_gumbel_tail.py::test_float32_upper_tail_beyond_the_float32_uniform_grid",
        ("adapters.torch_builtins",),
        "`torch.distributions.Gumbel` cannot draw above 15.54 in float32 (candidate 3)",
        CONVENTION,
        "`Gumbel` samples through `Uniform(tiny, 1 - eps)`, so its float32 draws stop at 15.54 (the "
        "largest `torch.rand` value 1 - 2^-24 maps to 1 - 3 * 2^-24); a true Gumbel exceeds 16.7 with "
        "probability 5.6e-8, which the slow check's 2.8e8 draws see about 16 times. The clamp is "
        "deliberate (finite samples), the lost mass below 2e-7: a precision convention. See candidate 3.",
        "python docs/conformance/repro_gumbel_noise_max.py",
    ),
    Verdict(
        r"test_coupling_rejects_x_whose_length_differs_from_the_mask",
        ("adapters.nflows_coupling",),
        "nflows checks the feature size but its message names neither `mask` nor `x`",
        CONVENTION,
        "nflows raises `ValueError(\"Expected features = 6, got 5.\")`: the right exception, worded "
        "in nflows' terms (`features`), so the contract's `match=r\"\\bmask\\b|\\bx\\b\"` fails.",
        "import torch, nflows.transforms.coupling as c\n"
        "t = c.AdditiveCouplingTransform(torch.tensor([-1, 1] * 3), lambda i, o: torch.nn.Linear(i, o))\n"
        "t(torch.zeros(4, 5))   # ValueError: Expected features = 6, got 5.",
    ),
    Verdict(
        r"test_coupling_rejects_x_whose_length_differs_from_the_mask",
        ("adapters.zuko_coupling",),
        "zuko does not check the feature size: too few raises `IndexError`, too many returns uninitialised memory",
        DEFECT,
        "zuko's `CouplingTransform` indexes `x[..., idx]`, so an input with fewer features than the "
        "mask raises `IndexError`; with more, `merge` allocates the output with `new_empty(x.shape)` "
        "and fills only the mask's coordinates: the extra output coordinates hold whatever the "
        "allocator returned, silently. The missing `ValueError` is a convention; the silent garbage "
        "is a real (minor) defect. Script: `docs/conformance/repro_zuko_unchecked_features.py`.",
        "python docs/conformance/repro_zuko_unchecked_features.py",
    ),
    Verdict(
        r"test_coupling_rejects_x_whose_length_differs_from_the_mask",
        ("adapters.normflows_coupling", "adapters.freia_coupling", "adapters.freia_coupling_raw"),
        "no feature-size check: a `RuntimeError` from broadcasting (normflows) or `torch.split` (FrEIA)",
        CONVENTION,
        "Neither library validates the input against the mask / `dims_in`; the mismatch surfaces as "
        "torch's `RuntimeError` (normflows: `b * z` broadcasting; FrEIA: `split_with_sizes`). The "
        "FrEIA adapter hands a wrongly sized input to FrEIA unpermuted, so FrEIA's own reaction is "
        "what the check sees.",
        "import torch, normflows as nf\n"
        "f = nf.flows.MaskedAffineFlow(torch.tensor([1., 0.] * 3), t=torch.nn.Linear(6, 6), s=None)\n"
        "f.inverse(torch.zeros(4, 5))   # RuntimeError: The size of tensor a (6) must match the size of tensor b (5) ...",
    ),
    Verdict(
        r"test_coupling_rejects_an_empty_side_of_the_partition",
        COUPLING_PEERS,
        "an all-True or all-False mask is accepted (nflows, normflows, FrEIA) or asserted against (zuko)",
        CONVENTION,
        "nflows, normflows and FrEIA build a coupling with an empty side (an identity layer, or a "
        "shift computed from no inputs); zuko rejects it with a bare `assert features_a > 0` "
        "(`AssertionError`, no message). The contract asks for `ValueError` naming `mask`: none of "
        "the peers promises it.",
        "import torch, nflows.transforms.coupling as c\n"
        "from zuko.flows.coupling import GeneralCouplingTransform\n"
        "c.AdditiveCouplingTransform(torch.ones(6), lambda i, o: torch.nn.Linear(i, o))   # accepted\n"
        "GeneralCouplingTransform(6, mask=torch.ones(6, dtype=torch.bool))   # AssertionError",
    ),
    Verdict(
        r"test_coupling_rejects_a_net_whose_output_does_not_fit",
        COUPLING_PEERS,
        "a net of the wrong output size surfaces as torch's `RuntimeError`",
        CONVENTION,
        "No peer checks the shift network's output size against the shifted side; the mismatch "
        "surfaces as a broadcasting or index-assignment `RuntimeError` in the addition, not as a "
        "`ValueError` naming `net`.",
        "import torch, nflows.transforms.coupling as c\n"
        "class Shift(torch.nn.Linear):   # nflows calls net(x, context)\n"
        "    def forward(self, x, context=None):\n"
        "        return super().forward(x)\n"
        "t = c.AdditiveCouplingTransform(torch.tensor([-1, -1, 1, -1, 1, 1, 1]), lambda i, o: Shift(i, 3))  # 4 shifted\n"
        "t(torch.zeros(2, 7))   # RuntimeError: The size of tensor a (4) must match the size of tensor b (3) ...",
    ),
    Verdict(
        r".",
        ("adapters.freia_coupling_raw",),
        "FrEIA 0.2 returns the log-determinant as a Python float (candidate 4)",
        CONVENTION,
        "`NICECouplingBlock` returns `j1 + j2 = 0. + 0.`, the float `0.0`, for every batch; the "
        "contract's logdet is a tensor of shape `batch` and the input's dtype, so every check that "
        "reads its shape, dtype or device, or reshapes it, fails. FrEIA's coupling docstring allows "
        "it (\"If the Jacobian is zero or fixed, may also return float\"), although "
        "`InvertibleModule.forward` is annotated to return a `Tensor`: a documented convention. "
        "`adapters.freia_coupling` translates it (`torch.full(batch, logdet)`) and passes these checks.",
        "python docs/conformance/repro_freia_float_logdet.py",
    ),
)


def verdict_for(module: str, nodeid: str) -> Verdict | None:
    for v in VERDICTS:
        if module in v.impls and re.search(v.pattern, nodeid):
            return v
    return None


# ----------------------------------------------------------------------------- candidates
CANDIDATES = (
    ("The hard `F.gumbel_softmax` takes its argmax from the rounded soft sample at very large τ",
     "repro_hard_gumbel_softmax_ties.py",
     f"**Confirmed; {DEFECT}** (numerical, small at realistic τ). `F.gumbel_softmax(hard=True)` "
     "computes `index = y_soft.max(dim)[1]` with `y_soft = softmax((logits + g) / tau)`. Division by "
     "τ and `exp` are only weakly increasing in floating point, so distinct `logits + g` can round to "
     "equal soft entries, and `max` then returns the *first* tied index: never a reversal, always a "
     "bias towards low indices. The straight-through estimator's forward pass is supposed to be the "
     "exact Gumbel-max sample `argmax(logits + g)` at every τ. In float32 with K = 10 the one-hot "
     "differs from `argmax(logits + g)` in 0 of 10⁶ draws at τ ≤ 10, in about 10⁻⁶ at τ = 100, "
     "10⁻⁵ at τ = 10³, 10⁻⁴ at τ = 10⁴; with logits (0, 5), category 1 (probability 0.9933) drops "
     "to 0.88 at τ = 10⁸. In bfloat16 the mismatch rate is already 2.5·10⁻⁵ at τ = 1. Fix: take the "
     "index from `logits + gumbels` (before dividing by τ). The specification checks it in "
     "`properties/test_gumbel_softmax.py::test_hard_index_is_argmax_of_noisy_logits_when_the_soft_sample_ties`, "
     "which torch fails at τ = 10⁴ and 10⁸ in float32."),
    ("`RelaxedOneHotCategorical.log_prob` is NaN on its own float32 samples at small τ",
     "repro_relaxed_onehot_log_prob_nan.py",
     f"**Confirmed; {DEFECT}** (known upstream: pytorch/pytorch#18254 reported it for "
     "`RelaxedBernoulli` and noted \"same goes for `RelaxedOneHotCategorical`\"; the latter still "
     "reproduces in torch 2.x). Two failure modes on the distribution's *own* samples: (1) with "
     "argument validation on (the default), `log_prob` *raises* `ValueError` \"not within the support "
     "(Simplex())\" because the float32 sample's sum misses 1 by more than the constraint's 1e-6 "
     "(0.1 % of samples at τ = 0.1, 1 % at τ = 0.05); (2) with `validate_args=False`, samples whose "
     "small coordinates underflowed to exact 0 give `log(0) = -inf`, then `inf - inf = NaN` (0.03 % "
     "at τ = 0.1, 5.6 % at τ = 0.05, 96 % at τ = 0.01 for K = 5). The rounded sample lies on the "
     "boundary of the simplex, where the density is undefined, so NaN is defensible for that *point*; "
     "the defect is that `sample()` and `log_prob()` disagree about the support. Work in log space "
     "(`torch.distributions.relaxed_categorical.ExpRelaxedCategorical`, finite on all its own "
     "samples) or in float64 (NaN from τ ≈ 0.01). The specification asks `concrete_log_prob` for "
     "-inf or a finite value at boundary points, never NaN "
     "(`properties/test_concrete.py::test_log_density_of_its_own_float32_samples_is_never_nan`), and "
     "torch fails that check and the K = 2 quadrature checks, whose integrand reaches the boundary."),
    ("Gumbel noise clamped near 16 in float32",
     "repro_gumbel_noise_max.py",
     f"**Partly confirmed; {CONVENTION}** (a precision limit, not a correctness defect at any "
     "practical sample size). The ceiling depends on the path: `torch.distributions.Gumbel` in "
     "float32 can never exceed **15.54** (its base `Uniform(tiny, 1 - eps)` maps the largest "
     "`torch.rand` value 1 - 2⁻²⁴ to 1 - 3·2⁻²⁴; `icdf(1)` would be 15.94 = -log eps); the textbook "
     "`-log(-log(torch.rand()))` stops at 16.64 = 24 log 2; `F.gumbel_softmax` on **CUDA** (kernel "
     "source: `log(u)` replaced by `-eps/2` for u ≥ 1 - eps/2) also stops at 16.64 — not run here, "
     "no GPU in this session. On **CPU** `F.gumbel_softmax` is *not* clamped: its `exponential_` "
     "kernel computes `-log1p(-u)` from a 53-bit double uniform, so its noise reaches 36.7 (and is "
     "`+inf`, making the sample NaN, with probability 2⁻⁵³ per entry); 10⁸ CPU draws reached 18.0. "
     "The mass a float32 ceiling removes is P(G > 15.54) = 1.8·10⁻⁷ (16.64: 6·10⁻⁸); it matters only "
     "for Gumbel-max sampling of categories whose probability relative to the largest is below "
     "~10⁻⁷, and for tail tests with ≳ 10⁸ draws (the maximum of 10⁸ draws from a true Gumbel is "
     "below 15.54 with probability 1.7·10⁻⁸). torch's clamp to `[tiny, 1 - eps]` is deliberate (it "
     "guarantees finite samples, which the contract's `sample_gumbel` also requires). The "
     "specification's slow check `statistical/test_gumbel_tail.py::test_float32_upper_tail_beyond_the_float32_uniform_grid` "
     "(threshold 16.7, 2.8·10⁸ draws) sees it: `adapters.torch_builtins` fails it (0 draws above 16.7, "
     "about 16 expected)."),
    ("FrEIA 0.2 returns a Python float as logdet",
     "repro_freia_float_logdet.py",
     f"**Confirmed; {CONVENTION}.** `NICECouplingBlock` returns `(outputs,), j1 + j2` with "
     "`j1 = j2 = 0.`: the float `0.0`, not a tensor of shape `(batch,)`; `SequenceINN` starts its "
     "sum at `0`, so a chain of NICE blocks returns the float too. FrEIA documents it in "
     "`_BaseCouplingBlock._coupling1` (\"If the Jacobian is zero or fixed, may also return float\") "
     "while `InvertibleModule.forward` is annotated `-> Tuple[Tuple[Tensor], Tensor]`. Adding it to "
     "a tensor works (broadcasting); `.shape`, `.to(device)` or `torch.stack` of per-layer log-dets "
     "fail. `adapters.freia_coupling` broadcasts a float logdet to `torch.full(batch, logdet)`; "
     "`adapters.freia_coupling_raw` keeps FrEIA's value, and the matrix shows the checks it fails."),
    ("Found on the way: zuko's coupling returns uninitialised memory for an input longer than its mask",
     "repro_zuko_unchecked_features.py",
     f"**{DEFECT}** (minor: needs a malformed input). `CouplingTransform.merge` allocates the output "
     "with `new_empty(x.shape)` and writes only the coordinates the mask indexes; zuko checks the "
     "feature size nowhere, so the extra coordinates come back holding stale memory, with no error."),
)


# ----------------------------------------------------------------------------- running


def installed(impl: Impl) -> bool:
    if impl.peer is None:
        return True
    return importlib.util.find_spec(impl.peer) is not None


def peer_version(impl: Impl) -> str:
    if impl.peer is None:
        return "-"
    for dist in (impl.peer, impl.peer.lower()):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "?"


def run_check(impl: Impl, out: Path, extra: tuple[str, ...] = (), areas: tuple[str, ...] = AREAS) -> float:
    """``genspec check`` over ``areas`` with a JUnit file for the failure messages; returns seconds."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    cmd = [sys.executable, "-m", "genspec.cli", "check", "--impl", impl.module, "--out", str(out), "--",
           f"--area={','.join(areas)}", "-p", "no:cacheprovider",
           f"--junitxml={out / 'junit.xml'}", *extra]
    start = time.time()
    with open(out / "log.txt", "w") as log:
        subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    return time.time() - start


def junit_messages(path: Path) -> dict[str, str]:
    """node id -> the failure's first message line, from pytest's JUnit XML."""
    messages: dict[str, str] = {}
    if not path.exists():
        return messages
    for case in ET.parse(path).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if failure is None:
            continue
        module = case.get("classname", "").replace(".", "/") + ".py"
        nodeid = f"{module}::{case.get('name')}"
        message = (failure.get("message") or "").strip()
        messages[nodeid] = " ".join(line.strip() for line in message.splitlines()[:3])[:300]
    return messages


def run_repro(script: str) -> str:
    proc = subprocess.run([sys.executable, str(REPRO_DIR / script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    text = (proc.stdout + proc.stderr).strip()
    return text if proc.returncode == 0 else f"{text}\n(exit status {proc.returncode})"


# ----------------------------------------------------------------------------- rendering

SYMBOL = {"passed": "pass", "failed": "**FAIL**", "not_provided": "n/p", "skipped": "skip"}


def base_name(nodeid: str) -> str:
    return nodeid.split("[", 1)[0]


def cell(outcomes: list[str]) -> str:
    if not outcomes:
        return ""
    kinds = sorted(set(outcomes), key=["failed", "passed", "not_provided", "skipped"].index)
    if len(kinds) == 1:
        symbol = SYMBOL[kinds[0]]
        return symbol if len(outcomes) == 1 else f"{symbol} ({len(outcomes)})"
    return ", ".join(f"{SYMBOL[k]} {outcomes.count(k)}" for k in kinds)


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: dict[str, dict], impls: list[Impl], skipped: list[Impl], seconds: dict[str, float],
           repros: dict[str, str], independent: set[str]) -> str:
    import torch

    lines = [
        "# Conformance matrix",
        "",
        "The whole specification run against genspec's reference, torch's built-in functions and the "
        "additive couplings of four flow libraries, through the adapters in `adapters/`. Generated by "
        "`python scripts/conformance_matrix.py` (do not edit by hand; the verdicts live in that script).",
        "",
        f"Python {platform.python_version()}, torch {torch.__version__}; "
        + ", ".join(f"{i.peer} {peer_version(i)}" for i in impls if i.peer not in (None, "torch")
                    and i.module != "adapters.freia_coupling_raw")
        + f". Areas {', '.join(AREAS)} (`models` and `harness` test genspec's own models and harness, "
        "whatever `--impl` is); spec-seed 0, profile dev, CPU. Reproduce one column with "
        "`genspec check --impl MODULE -- --area=" + ",".join(AREAS) + "`. Slow checks are excluded except "
        "the Gumbel tail (`statistical/test_gumbel_tail.py`, `--run-slow`), run for the implementations "
        "that provide `sample_gumbel`.",
        "",
        f"Set aside: {len(independent)} checks of these areas that do not use the `impl` fixture "
        "(the report's `suite-internal` row: errata of the seed documents, smoke tests of genspec's own "
        "models): they test genspec itself, whatever `--impl` is, and are not counted below.",
        "",
    ]
    if skipped:
        lines += [f"Not run (peer not installed): {', '.join(f'`{i.module}`' for i in skipped)}. "
                  "Install the extra: `pip install 'genspec[peers]'`.", ""]
    # summary
    lines += ["## Summary", "",
              "Passed / failed / not provided, per area (a parametrized check counts once per parameter).", "",
              "| implementation | module | " + " | ".join(AREAS) + " | total | run time |",
              "|---|---|" + "---:|" * (len(AREAS) + 2)]
    for impl in impls:
        checks = results[impl.module]["checks"]
        row = []
        totals = [0, 0, 0]
        for area in AREAS:
            counts = [sum(1 for c in checks if c["area"] == area and c["outcome"] == o)
                      for o in ("passed", "failed", "not_provided")]
            totals = [a + b for a, b in zip(totals, counts)]
            row.append(" / ".join(str(c) for c in counts))
        lines.append(f"| {impl.label} | `{impl.module}` | " + " | ".join(row)
                     + f" | {' / '.join(map(str, totals))} | "
                     f"{seconds.get(impl.module, 0) + seconds.get(impl.module + ' (slow)', 0):.0f} s |")
    lines.append("")
    from genspec.contract import all_names, missing_names

    sys.path.insert(0, str(ROOT))
    for impl in impls:
        missing = missing_names(importlib.import_module(impl.module))
        names = {n for area_names in missing.values() for n in area_names}
        provided = [n for n in all_names() if n not in names]
        if not names:
            lines.append(f"- `{impl.module}` provides every contract name.")
        elif len(provided) <= len(names):
            lines.append(f"- `{impl.module}` provides only {', '.join(f'`{n}`' for n in provided)} of the "
                         f"{len(all_names())} contract names.")
        else:
            lines.append(f"- `{impl.module}` does not provide: {', '.join(f'`{n}`' for n in sorted(names))}.")
    extra = sorted({c["missing"] for i in impls for c in results[i.module]["checks"]
                    if c["outcome"] == "not_provided" and c.get("missing")} - set(all_names()))
    if extra:
        lines += ["", "Beyond the names of `spec-api.md`, checks also look up "
                  + ", ".join(f"`{n}`" for n in extra) + " (the reference defines them; the adapters map "
                  "only what their library has, so those checks are not provided for them)."]
    lines.append("")

    lines += ["## The adapters", "",
              "Each adapter's docstring states the conventions it translates and the gaps it leaves for "
              "the checks to see; in one line each:", ""]
    for module, note in ADAPTER_NOTES:
        lines.append(f"- `{module}`: {note}")
    lines.append("")

    # failures with verdicts
    lines += ["## Failures: verdicts and reproductions", ""]
    assigned: dict[int, list[tuple[Impl, dict]]] = {}
    untriaged: list[tuple[Impl, dict]] = []
    for impl in impls:
        for c in results[impl.module]["checks"]:
            if c["outcome"] != "failed":
                continue
            v = verdict_for(impl.module, c["nodeid"])
            if v is None:
                untriaged.append((impl, c))
            else:
                assigned.setdefault(VERDICTS.index(v), []).append((impl, c))
    if not assigned and not untriaged:
        lines += ["No check failed.", ""]
    for index, members in sorted(assigned.items()):
        v = VERDICTS[index]
        impl_names = sorted({m[0].label for m in members})
        lines += [f"### {v.title}", "",
                  f"**Verdict: {v.kind}.** Implementations: {', '.join(impl_names)}.", "", v.text, "",
                  "Failing checks:", ""]
        by_check: dict[str, list[tuple[Impl, dict]]] = {}
        for impl, c in members:
            by_check.setdefault(c["nodeid"], []).append((impl, c))
        for nodeid, entries in sorted(by_check.items()):
            labels = ", ".join(e[0].label for e in entries)
            message = entries[0][1].get("junit_message") or entries[0][1].get("message") or ""
            lines.append(f"- `{nodeid}` ({labels}): {md_escape(message)[:240]}")
        fence = "```bash" if v.repro.startswith("python ") else "```python"
        lines += ["", "Minimal reproduction:", "", fence, v.repro, "```", ""]
    if untriaged:
        lines += ["### Not yet triaged", "",
                  "These failures have no verdict in `scripts/conformance_matrix.py` yet. Reproduce each with "
                  "`pytest --impl=MODULE 'NODEID' --spec-seed=0` from the repository root.", ""]
        for impl, c in untriaged:
            message = c.get("junit_message") or c.get("message") or ""
            lines.append(f"- `{impl.module}` `{c['nodeid']}`: {md_escape(message)[:240]}")
        lines.append("")

    # candidates
    lines += ["## Candidates investigated", "",
              "Each was suspected before the run; each has a script in `docs/conformance/` whose output "
              "(from this run) follows it.", ""]
    for i, (title, script, verdict) in enumerate(CANDIDATES, 1):
        lines += [f"### {i}. {title}", "", verdict, "", f"Reproduction: `python docs/conformance/{script}`", ""]
        if script in repros:
            lines += ["```text", repros[script], "```", ""]

    # matrix
    labels = [i.label for i in impls]
    lines += ["## The matrix", "",
              "One row per check (parametrized variants folded: `pass (9)` is nine variants passed). "
              "`n/p`: not provided, the implementation lacks a name the check needs (a counted skip, "
              "never a pass). An empty cell: not run for that implementation (the slow Gumbel-tail checks "
              "run only where `sample_gumbel` is provided).", "",
              "| area | check | " + " | ".join(labels) + " |",
              "|---|---|" + "---|" * len(labels)]
    rows: dict[tuple[str, str], dict[str, list[str]]] = {}
    for impl in impls:
        for c in results[impl.module]["checks"]:
            key = (c["area"], base_name(c["nodeid"]))
            rows.setdefault(key, {}).setdefault(impl.module, []).append(c["outcome"])
    for (area, check), per_impl in sorted(rows.items()):
        cells = [cell(per_impl.get(i.module, [])) for i in impls]
        lines.append(f"| {area} | `{check}` | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default="/tmp/genspec-conformance", help="directory for the reports")
    parser.add_argument("--reuse", action="store_true", help="render from the reports already in --work")
    parser.add_argument("--skip-repros", action="store_true",
                        help="do not run docs/conformance/repro_*.py (embed the last run's outputs, if kept)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these implementation modules")
    parser.add_argument("--out", default=str(ROOT / "docs" / "conformance.md"))
    args = parser.parse_args(argv)

    work = Path(args.work)
    impls = [i for i in IMPLEMENTATIONS if installed(i)]
    skipped = [i for i in IMPLEMENTATIONS if not installed(i)]
    seconds: dict[str, float] = {}
    timing_file = work / "seconds.json"
    if timing_file.exists():
        seconds.update(json.loads(timing_file.read_text()))
    for impl in impls:
        out = work / impl.module
        if args.reuse and (out / "report.json").exists():
            continue
        if args.only is not None and impl.module not in args.only and (out / "report.json").exists():
            continue
        print(f"genspec check --impl {impl.module} ...", flush=True)
        seconds[impl.module] = run_check(impl, out)
        print(f"  {seconds[impl.module]:.0f} s", flush=True)
        work.mkdir(parents=True, exist_ok=True)
        timing_file.write_text(json.dumps(seconds))

    for impl in impls:  # the slow Gumbel-tail checks, for the implementations that sample Gumbels
        out, slow = work / impl.module, work / impl.module / "slow"
        report = out / "report.json"
        if not report.exists() or "sample_gumbel" in json.loads(report.read_text())["contract_missing"].get("gumbel", []):
            continue
        if (args.reuse or (args.only is not None and impl.module not in args.only)) and (slow / "report.json").exists():
            continue
        print(f"genspec check --impl {impl.module} {' '.join(SLOW_SELECTION)} ...", flush=True)
        seconds[impl.module + " (slow)"] = run_check(impl, slow, SLOW_SELECTION, ("gumbel",))
        timing_file.write_text(json.dumps(seconds))

    results: dict[str, dict] = {}
    independent: set[str] = set()
    for impl in impls:
        out = work / impl.module
        report = out / "report.json"
        if not report.exists():
            print(f"error: no report for {impl.module}; see {out / 'log.txt'}", file=sys.stderr)
            return 1
        data = json.loads(report.read_text())
        independent.update(c["nodeid"] for c in data["checks"] if not c.get("uses_impl", True))
        data["checks"] = [c for c in data["checks"] if c.get("uses_impl", True)]
        messages = junit_messages(out / "junit.xml")
        slow_report = out / "slow" / "report.json"
        if slow_report.exists():  # the slow run's checks replace or join the default run's
            slow_checks = {c["nodeid"]: c for c in json.loads(slow_report.read_text())["checks"]}
            data["checks"] = [c for c in data["checks"] if c["nodeid"] not in slow_checks] + list(slow_checks.values())
            messages.update(junit_messages(out / "slow" / "junit.xml"))
        for c in data["checks"]:
            if c["outcome"] == "failed":
                c["junit_message"] = messages.get(c["nodeid"], "")
        results[impl.module] = data

    repros: dict[str, str] = {}
    repro_cache = work / "repros.json"
    if args.skip_repros and repro_cache.exists():  # the outputs of the last run that ran them
        repros.update(json.loads(repro_cache.read_text()))
    elif not args.skip_repros:
        for _, script, _ in CANDIDATES:
            print(f"running docs/conformance/{script} ...", flush=True)
            repros[script] = run_repro(script)
        repro_cache.write_text(json.dumps(repros))

    text = render(results, impls, skipped, seconds, repros, independent)
    Path(args.out).write_text(text)
    print(f"wrote {args.out}")
    failed = sum(1 for r in results.values() for c in r["checks"] if c["outcome"] == "failed")
    untriaged = sum(1 for i in impls for c in results[i.module]["checks"]
                    if c["outcome"] == "failed" and verdict_for(i.module, c["nodeid"]) is None)
    print(f"{failed} failures, {untriaged} without a verdict")
    return 0


if __name__ == "__main__":
    sys.exit(main())
