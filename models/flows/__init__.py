"""The flow family: NICE in the paper's MNIST configuration (``flows.nice``).

| name | model | seed / paper |
|---|---|---|
| ``nice`` | 4 additive couplings of 5 x 1000 ReLU, logistic prior, dequantized data | 003 / Dinh et al. 2015 |

``SPECS`` registers it (``models.registry``).

References: Dinh, Krueger & Bengio, arXiv:1410.8516; seed 003.
"""

from __future__ import annotations

from genspec.models.flows.nice import NICE_ADAM, NICEModel
from genspec.models.spec import ModelSpec

__all__ = ["NICE_ADAM", "SPECS", "NICEModel"]

SPECS: tuple[ModelSpec, ...] = (
    ModelSpec("nice", "flow", NICEModel, "dequantize", epochs=1500, batch_size=256,
              kwargs={"couplings": 4, "hidden": 1000, "depth": 5, "prior": "logistic"},
              optimizer_kwargs=dict(NICE_ADAM),
              description="seed 003 / Dinh et al. 2015: NICE, 4 additive couplings of 5 x 1000 ReLU, "
                          "logistic prior, dequantized data",
              anchor="NICE paper, MNIST: log-likelihood 1980.50 nats = 4.36 bits/dim"),
)
