"""normflows 1.7: a float64 flow's log-det is float32 (AffineConstFlow) or float32 zeros (Permute)."""
import torch
import normflows as nf

flow = nf.NormalizingFlow(nf.distributions.DiagGaussian(2), [nf.flows.AffineConstFlow((2,))]).double()
with torch.no_grad():
    flow.flows[0].s.fill_(0.1)
x = torch.randn(3, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
z, log_det = flow.inverse_and_log_det(x)
print(z.dtype, log_det.dtype, repr(log_det[0].item()))  # float64 float32 -0.20000000298023224 (exact: -0.2)
print("log_prob dtype:", flow.log_prob(x).dtype)       # float64
print("Permute logdet dtype:", nf.flows.Permute(2, mode="swap")(x)[1].dtype)  # float32 for a float64 input
