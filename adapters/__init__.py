"""Adapters: modules that map other libraries' functions onto the contract of ``spec-api.md``.

Run the specification against one with ``genspec check --impl adapters.<name>``. Each adapter's
docstring states the library's conventions it translates (direction, log-determinant sign,
parameterisation) and the names it leaves not provided.
"""
