"""Half of the contract: the reference's Gaussian and Gumbel areas, nothing else.

An example of a partial implementation. ``pytest --impl=adapters.half_reference`` passes the
Gaussian and Gumbel checks and reports the flows and autoencoder checks as *not provided* —
counted and listed, never passed.
"""

from genspec.reference import (  # noqa: F401
    anneal_tau,
    bernoulli_log_prob,
    concrete_log_prob,
    gumbel_max,
    gumbel_softmax,
    iwae_bound,
    kl_normal,
    kl_normal_std,
    log_normal,
    negative_elbo,
    reparameterize,
    sample_gumbel,
)
