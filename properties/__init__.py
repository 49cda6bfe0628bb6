"""Hypothesis property tests: exact invariants of the contract, checked against float64 oracles."""
