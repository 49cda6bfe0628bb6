"""genspec's reference implementation of the contract in ``spec-api.md``.

Each concept lives in its own module; this package re-exports the contract's names, so that
``pytest --impl=reference`` (the default) finds them all on one module. An adapter for another
library is a module with the same names.
"""

# --- Gaussian latent variables, the ELBO and the IWAE bound (seeds 000, 002, 004) ---
from reference.gaussian import *  # noqa: F401,F403
from reference.bernoulli import *  # noqa: F401,F403
from reference.elbo import *  # noqa: F401,F403
from reference.iwae import *  # noqa: F401,F403
from reference.linear_gaussian import *  # noqa: F401,F403
from reference.gradient_estimators import *  # noqa: F401,F403

# --- Gumbel-Max and Gumbel-Softmax (seed 000) ---
from reference.gumbel import *  # noqa: F401,F403
from reference.gumbel_softmax import *  # noqa: F401,F403
from reference.concrete import *  # noqa: F401,F403
from reference.anneal import *  # noqa: F401,F403

# --- Additive coupling flows and NICE (seed 003) ---
from reference.coupling import *  # noqa: F401,F403
from reference.partitions import *  # noqa: F401,F403
from reference.permutations import *  # noqa: F401,F403
from reference.composition import *  # noqa: F401,F403
from reference.scaling import *  # noqa: F401,F403
from reference.priors import *  # noqa: F401,F403
from reference.nice import *  # noqa: F401,F403
from reference.bits_per_dim import *  # noqa: F401,F403
from reference.dequantize import *  # noqa: F401,F403

# --- Autoencoder regularisers and corruptions (seeds 001, 002) ---
from reference.regularisers import *  # noqa: F401,F403
