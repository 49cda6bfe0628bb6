"""``adapters.freia_coupling`` without the logdet translation: FrEIA 0.2's value as it comes.

FrEIA's ``NICECouplingBlock`` returns its log-determinant as the Python float ``0.0``; the contract
asks for a tensor of shape ``batch``. This module exists so that the conformance matrix shows what
that difference costs a caller (``docs/conformance.md``); use ``adapters.freia_coupling`` otherwise.
"""

from __future__ import annotations

from genspec.adapters import freia_coupling as _freia

__all__ = ["AdditiveCoupling"]


class AdditiveCoupling(_freia.AdditiveCoupling):
    __doc__ = _freia.AdditiveCoupling.__doc__
    raw_logdet = True
