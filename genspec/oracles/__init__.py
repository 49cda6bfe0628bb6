"""Oracles and case builders shared by the checks: independent float64 computations and random inputs.

| module | what |
|---|---|
| ``jacobian`` | autograd Jacobians of flow layers and their log-determinants (``slogdet``) |
| ``layers`` | the contract's flow layers with random, non-identity parameters; their Hypothesis cases |
| ``categorical`` | Gumbel noise, the softmax and the winner of perturbed logits, in float64 |

Each has its own tests in ``meta_tests/test_oracles.py``.
"""
