"""zuko's CouplingTransform returns uninitialised memory for an input longer than its mask.

``CouplingTransform.merge`` allocates the output with ``x_a.new_empty(x.shape)`` and fills only the
coordinates the mask indexes (``idx_a``, ``idx_b``). An input with more features than the mask is
neither rejected nor copied through: the extra output coordinates are whatever the allocator
returned. (An input with fewer features raises ``IndexError``.) Run:
``python docs/conformance/repro_zuko_unchecked_features.py``.
"""

import torch
from zuko.flows.coupling import GeneralCouplingTransform
from zuko.transforms import AdditiveTransform

torch.manual_seed(0)
mask = torch.tensor([True, False, True, False, True, False])  # 6 features
t = GeneralCouplingTransform(6, mask=mask, univariate=AdditiveTransform, shapes=((),))()
x = torch.zeros(64, 7)  # 7 features: one too many; column 6 is 0
for trial in range(3):
    junk = torch.full((64, 7), 1234.5)  # freed just before the call: the allocator hands it back
    del junk
    y, ladj = t.call_and_ladj(x)
    print(f"trial {trial}: no error; output column 6 (input: all 0) holds {y[:, 6].unique()[:4].tolist()}")
