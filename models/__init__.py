"""Reference models, data loading, training and evaluation.

| module | what |
|---|---|
| ``models.data`` | MNIST / Fashion-MNIST through torchvision; binarization, dequantization |
| ``models.vae`` | seed 000's 784-400-20 VAE (Bernoulli logits) and seed 001's 2-d latent VAE |
| ``models.conv_vae`` | seed 004's convolutional VAE, mean MSE + 0.0025 KL |
| ``models.gumbel_vae`` | categorical VAE, 20 x 10 Gumbel-Softmax latents (Jang et al. 2017) |
| ``models.nice_model`` | NICE in the paper's MNIST configuration (``reference.NICE``) |
| ``models.autoencoders`` | the autoencoder family of seeds 001 and 002 |
| ``models.registry`` | name -> model, loss, data transform, default schedule |
| ``models.training`` | the resumable training loop and its checkpoints |
| ``models.evaluation`` | test metrics in the papers' units (nats, bits/dim, IWAE log p(x), BCE) |
| ``models.figures`` | PNG figures |
| ``models.cli`` | ``genspec train`` / ``genspec evaluate`` |
"""
