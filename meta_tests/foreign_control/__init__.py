"""A foreign-style control implementation of genspec's core contract.

This module is an independently written implementation of the core contract of
``docs/spec-api.md`` (the Gaussian, Gumbel, Flows and Autoencoder sections; not the Protocols, and
tau is a float: not the optional tensor tau),
written from the contract alone, in the way a competent library author would: plain torch
arithmetic, the usual numerically sane forms (logsumexp, logsigmoid, max-subtracted softmax) and
minimal input checks -- only the ones that fall out naturally, not elaborate ValueError validation.

It is the suite's false-alarm guard: ``genspec check --impl meta_tests.foreign_control`` may
fail it on input validation, on optional extensions and on numerics at extreme inputs, but never
on a law (a value, an identity or a gradient at moderate inputs).
"""


from meta_tests.foreign_control.autoencoders import *  # noqa: F401,F403
from meta_tests.foreign_control.flows import *  # noqa: F401,F403
from meta_tests.foreign_control.gaussian import *  # noqa: F401,F403
from meta_tests.foreign_control.gumbel import *  # noqa: F401,F403
