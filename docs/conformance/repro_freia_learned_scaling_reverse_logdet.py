"""FrEIA 0.2: LearnedElementwiseScaling returns the same log-det in reverse (should be its negative),
and ignores init_scale."""
import torch
import FrEIA.framework as Ff
import FrEIA.modules as Fm

inn = Ff.SequenceINN(3)
inn.append(Fm.LearnedElementwiseScaling, init_scale=2.0)
print("s after init_scale=2.0:", inn.module_list[0].s.detach().flatten().tolist())  # zeros: init_scale ignored
with torch.no_grad():
    inn.module_list[0].s.fill_(0.5)
x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
z, j = inn(x)
x_back, j_rev = inn(z, rev=True)
print("forward logdet:", j.tolist(), "reverse logdet:", j_rev.tolist())  # equal; the reverse must be -forward
print("round trip exact:", bool(torch.allclose(x_back, x)))
