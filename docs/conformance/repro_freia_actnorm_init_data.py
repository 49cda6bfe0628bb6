"""FrEIA 0.2: ActNorm(init_data=...) crashes in its constructor."""
import torch
import FrEIA.modules as Fm

try:
    Fm.ActNorm([(3,)], init_data=torch.randn(16, 3))
    print("constructed")
except Exception as error:  # noqa: BLE001
    print(f"raises {type(error).__name__}: {error}")  # Boolean value of Tensor with more than one value is ambiguous
