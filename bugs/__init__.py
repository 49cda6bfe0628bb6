"""The bug catalogue: adapter modules, each the reference implementation with exactly one realistic bug.

Each entry defines ``AREA``, ``CAUGHT_BY`` and ``SOURCE``; ``genspec bugs`` runs the suite against all of them.
"""
