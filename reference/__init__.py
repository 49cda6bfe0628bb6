"""genspec's reference implementation of the contract in ``spec-api.md``.

Each concept lives in its own module; this package re-exports the contract's names, so that
``pytest --impl=reference`` (the default) finds them all on one module. An adapter for another
library is a module with the same names.
"""

GENSPEC_FEATURES: frozenset[str] = frozenset(
    {"tensor_tau", "eps_sample_dims", "neg_inf_logits", "nice_internals"})
"""The reference has every optional feature of the contract (``genspec.features``); so has every
catalogue entry, which imports it: a bug in a feature is then a failure, never *not provided*."""

# --- Gaussian latent variables, the ELBO and the IWAE bound (seeds 000, 002, 004) ---
from genspec.reference.gaussian import *  # noqa: F401,F403
from genspec.reference.bernoulli import *  # noqa: F401,F403
from genspec.reference.elbo import *  # noqa: F401,F403
from genspec.reference.iwae import *  # noqa: F401,F403
from genspec.reference.linear_gaussian import *  # noqa: F401,F403
from genspec.reference.gradient_estimators import *  # noqa: F401,F403

# --- Gumbel-Max and Gumbel-Softmax (seed 000) ---
from genspec.reference.gumbel import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import *  # noqa: F401,F403
from genspec.reference.concrete import *  # noqa: F401,F403
from genspec.reference.anneal import *  # noqa: F401,F403

# --- Additive coupling flows and NICE (seed 003) ---
from genspec.reference.coupling import *  # noqa: F401,F403
from genspec.reference.partitions import *  # noqa: F401,F403
from genspec.reference.permutations import *  # noqa: F401,F403
from genspec.reference.composition import *  # noqa: F401,F403
from genspec.reference.scaling import *  # noqa: F401,F403
from genspec.reference.priors import *  # noqa: F401,F403
from genspec.reference.nice import *  # noqa: F401,F403
from genspec.reference.bits_per_dim import *  # noqa: F401,F403
from genspec.reference.dequantize import *  # noqa: F401,F403

# --- Autoencoder regularisers and corruptions (seeds 001, 002) ---
from genspec.reference.sparse import *  # noqa: F401,F403
from genspec.reference.contractive import *  # noqa: F401,F403
from genspec.reference.corruptions import *  # noqa: F401,F403
from genspec.reference.denoising import *  # noqa: F401,F403

# --- Protocol registries: genspec's own objects judged by the protocol checks (spec-api.md, "Protocols") ---
from genspec.reference.protocols import FLOWS, RELAXED, SAMPLERS  # noqa: F401
