"""The names of the implementation contract (``docs/spec-api.md``), per spec area.

The suite looks these names up on the module given by ``--impl``. This list is the index the
harness uses to say, before anything runs, which names an implementation lacks, and to check that
each bug-catalogue entry overrides a contract name.
"""

from __future__ import annotations

CONTRACT: dict[str, tuple[str, ...]] = {
    "gaussian": (
        "reparameterize", "log_normal", "kl_normal_std", "kl_normal", "bernoulli_log_prob",
        "negative_elbo", "iwae_bound", "LinearGaussian", "score_function_gradient",
        "reparameterization_gradient",
    ),
    "gumbel": (
        "sample_gumbel", "gumbel_max", "gumbel_softmax", "concrete_log_prob", "anneal_tau",
    ),
    "flows": (
        "AdditiveCoupling", "Scaling", "NICE", "bits_per_dim", "interleaved_mask", "Permutation",
        "ReversePermutation", "SwapHalves", "RandomPermutation", "FlowSequential", "dequantize",
    ),
    "autoencoders": (
        "sparse_kl", "contractive_penalty", "masking_noise", "gaussian_noise",
        "sparse_kl_penalty", "l1_activity_penalty", "denoising_loss",
    ),
}


def all_names() -> tuple[str, ...]:
    """Every contract name, in area order."""
    return tuple(name for names in CONTRACT.values() for name in names)


def missing_names(module: object) -> dict[str, list[str]]:
    """Per area, the contract names ``module`` does not define."""
    return {area: [n for n in names if not hasattr(module, n)] for area, names in CONTRACT.items()}


PROTOCOLS: tuple[str, ...] = ("FLOWS", "SAMPLERS", "RELAXED")
"""Module-level registries of the protocol checks (``docs/spec-api.md``): any object, judged by its behaviour."""


def provides_any(module: object) -> bool:
    """Whether ``module`` defines at least one contract name or protocol registry."""
    return any(hasattr(module, n) for n in all_names()) or any(hasattr(module, p) for p in PROTOCOLS)
