"""FrEIA 0.2's NICECouplingBlock returns its log-Jacobian-determinant as a Python float.

``_BaseCouplingBlock.forward`` returns ``j1 + j2`` and ``NICECouplingBlock._coupling1/2`` return
``0.`` for each, so the block returns the float ``0.0`` instead of a tensor of shape ``(batch,)``;
``SequenceINN`` starts its sum from the int ``0``, so a chain of NICE blocks returns ``0.0`` too.
FrEIA's coupling docstring allows it ("If the Jacobian is zero or fixed, may also return float"), but
``InvertibleModule.forward`` is annotated ``-> Tuple[Tuple[Tensor], Tensor]``. Code that adds the
value to a tensor works (broadcasting); code that reads ``.shape``, ``.dtype``, moves it with ``.to``,
or ``torch.stack``s per-layer log-dets fails. Run: ``python docs/conformance/repro_freia_float_logdet.py``.
"""

import torch
from torch import nn
from FrEIA.framework import SequenceINN
from FrEIA.modules import NICECouplingBlock


def subnet(n_in: int, n_out: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_in, 8), nn.ReLU(), nn.Linear(8, n_out))


block = NICECouplingBlock([(4,)], subnet_constructor=subnet)
x = torch.randn(3, 4)
(z,), logdet = block((x,))
print("NICECouplingBlock forward logdet:", type(logdet).__name__, repr(logdet))
(_,), logdet_rev = block((z,), rev=True)
print("NICECouplingBlock reverse logdet:", type(logdet_rev).__name__, repr(logdet_rev))

inn = SequenceINN(4)
inn.append(NICECouplingBlock, subnet_constructor=subnet)
inn.append(NICECouplingBlock, subnet_constructor=subnet)
z, logdet = inn(x)
print("SequenceINN of two NICE blocks logdet:", type(logdet).__name__, repr(logdet))

try:
    logdet.shape
except AttributeError as e:
    print("logdet.shape ->", type(e).__name__, e)
try:
    torch.stack([logdet, torch.zeros(3)])
except TypeError as e:
    print("torch.stack([logdet, tensor]) ->", type(e).__name__, str(e)[:80])
