"""Adapters: modules that map other libraries' functions onto the contract of ``spec-api.md``.

Run the specification against one with ``genspec check --impl adapters.<name>``. Each adapter's
docstring states the library's conventions it translates (direction, log-determinant sign and type,
mask meaning, parameterisation) and the gaps it leaves for the checks to see; every name it does
not define is reported as not provided.

==============================  =============================================================
``adapters.torch_builtins``     ``torch.distributions`` (``Normal``, ``kl_divergence``, ``Gumbel``,
                                ``Categorical``, ``RelaxedOneHotCategorical``), ``F.gumbel_softmax``,
                                ``F.binary_cross_entropy_with_logits``
``adapters.nflows_coupling``    nflows ``AdditiveCouplingTransform`` (mask sign flipped)
``adapters.zuko_coupling``      zuko ``GeneralCouplingTransform`` with ``AdditiveTransform`` (NICE
                                is affine by default) and the contract's net as hyper network
``adapters.normflows_coupling`` normflows ``MaskedAffineFlow(b, t, s=None)``; normflows' forward is
                                generative, so the contract's forward is its ``inverse``
``adapters.freia_coupling``     FrEIA ``NICECouplingBlock`` with a zero first sub-network; a float
                                logdet broadcast to a tensor
``adapters.freia_coupling_raw`` the same, FrEIA's float logdet left as it is
``adapters.torch_protocols``    ``FLOWS``: ``torch.distributions.transforms`` (affine, exp, sigmoid,
                                composed) and a ``TransformedDistribution``; ``SAMPLERS``: every
                                continuous ``torch.distributions`` class with ``rsample``;
                                ``RELAXED``: ``RelaxedOneHotCategorical``, ``RelaxedBernoulli``
                                (K = 2), ``F.gumbel_softmax`` (soft and hard); also the RNG
                                plumbing the other protocol adapters share
``adapters.zuko_flows``         ``FLOWS``: zuko's zoo (NICE, RealNVP, MAF, NSF, NAF, UNAF, SOSPF,
                                BPF, GF, CNF) and its lazy transformations; zuko's direction
``adapters.nflows_flows``       ``FLOWS``: nflows couplings, MADE transforms, splines,
                                permutation, LU, ActNorm, and ``Flow`` objects (batch rank 1)
``adapters.normflows_flows``    ``FLOWS``: normflows layers and ``NormalizingFlow``; normflows'
                                forward is generative, so the contract's forward is its
                                ``inverse`` (batch rank 1)
``adapters.freia_flows``        ``FLOWS``: FrEIA blocks in a ``SequenceINN`` (``rev=True`` is the
                                inverse; float log-dets passed through; batch rank 1)
``adapters.pyro_protocols``     ``FLOWS``: pyro's invertible transforms (the contract's forward is
                                ``t.inv``) and a ``TransformedDistribution``; ``SAMPLERS``: pyro's
                                own ``rsample``-able distributions; ``RELAXED``: pyro's relaxed
                                one-hot categoricals (straight-through included)
==============================  =============================================================

The protocol adapters (``*_protocols``, ``*_flows``) expose the libraries' own objects through the
registries ``FLOWS``, ``SAMPLERS`` and ``RELAXED`` of ``spec-api.md`` ("Protocols"), translating only
direction, argument names and the randomness source, and passing every log-det through as returned.

The peer adapters import their library at module import (``--impl`` then fails clearly when it is
not installed: ``pip install 'genspec[peers]'``); nothing in the default test run imports them.
``scripts/conformance_matrix.py`` runs the specification against all of them and writes
``docs/conformance.md``.
"""
