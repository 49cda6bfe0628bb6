"""Reference models, data loading, training and evaluation, grouped by family.

| module | what |
|---|---|
| ``models.vae`` | the VAE family: ``vae.vae`` (seed 000's 784-400-20 VAE, seed 001's 2-d latent VAE), ``vae.conv_vae`` (seed 004's conv VAE, mean MSE + 0.0025 KL), ``vae.gumbel_vae`` (20 x 10 Gumbel-Softmax latents, Jang et al. 2017) |
| ``models.flows`` | the flow family: ``flows.nice``, NICE in the paper's MNIST configuration (``reference.NICE``) |
| ``models.autoencoders`` | the autoencoder family of seeds 001 and 002 |
| ``models.spec`` | ``ModelSpec``: what training and evaluation need to know about a model |
| ``models.registry`` | name -> ``ModelSpec``, collected from every family (an import error propagates) |
| ``models.data`` | MNIST / Fashion-MNIST through torchvision; binarization, dequantization; damaged files refused |
| ``models.checkpoints`` | checkpoint files: format, SHA-256, atomic writes, the previous checkpoint, the run folder |
| ``models.training`` | the resumable training loop |
| ``models.evaluation`` | test metrics in the papers' units (nats, bits/dim, IWAE log p(x), BCE) |
| ``models.figures`` | PNG figures |
| ``models.cli`` | ``genspec train`` / ``genspec evaluate`` |
"""
