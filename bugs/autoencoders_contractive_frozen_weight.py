"""Contractive penalty computed from a detached copy of the encoder weight: right value, no gradient to W.

The value is correct, so only a gradient check sees it; training then never contracts through W.
"""
from genspec.reference import *  # noqa: F401,F403
from genspec.reference import contractive_penalty as _contractive_penalty

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = ("properties/test_contractive.py::"
             "test_contractive_penalty_gradients_match_autograd_of_the_jacobian_norm")
SOURCE = ("seen in public code: the widely copied Keras contractive loss (A. Kristiadi, 'Deriving "
          "Contractive Autoencoder and Implementing it in Keras', 2016) reads the weights with "
          "`W = K.variable(value=model.get_layer('encoded').get_weights()[0])`, a constant copy taken "
          "when the loss is built")


def contractive_penalty(x, weight, bias):
    return _contractive_penalty(x, weight.detach(), bias)
