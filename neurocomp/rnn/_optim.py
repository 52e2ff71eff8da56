"""Gradient-descent optimisers and gradient clipping shared by the recurrent networks (internal).

Both work in place on a dict ``name -> array`` of parameters, with a dict of gradients of the same
names, and follow PyTorch's update rules exactly so that a network started from the same weights
takes the same steps (the benchmark checks the losses agree).

References
----------
Kingma, D. P. & Ba, J. (2015). Adam: a method for stochastic optimization. ICLR.
Pascanu, R., Mikolov, T. & Bengio, Y. (2013). On the difficulty of training recurrent neural networks.
ICML (gradient-norm clipping).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Adam", "SGD", "clip_global_norm", "make_optimizer"]


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum: ``v = m v + g``, ``p -= lr v``."""

    def __init__(self, params, learning_rate, momentum=0.0):
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self.velocity = {k: np.zeros_like(v) for k, v in params.items()} if self.momentum else None

    def step(self, params, grads):
        lr = self.learning_rate
        for name, p in params.items():
            g = grads[name]
            if self.velocity is not None:
                v = self.velocity[name]
                v *= self.momentum
                v += g
                g = v
            p -= lr * g


class Adam:
    """Adam with bias correction (PyTorch's form: ``p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)``)."""

    def __init__(self, params, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        self.learning_rate = float(learning_rate)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.learning_rate / (1.0 - b1 ** self.t)
        root_correction = np.sqrt(1.0 - b2 ** self.t)
        for name, p in params.items():
            g = grads[name]
            m, v = self.m[name], self.v[name]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            denom = np.sqrt(v)
            denom /= root_correction
            denom += self.eps
            p -= (step_size * m) / denom


def make_optimizer(name, params, learning_rate, momentum):
    """The optimiser called ``name`` ("adam" or "sgd") for ``params``."""
    if name == "adam":
        return Adam(params, learning_rate)
    return SGD(params, learning_rate, momentum)


def clip_global_norm(grads, max_norm):
    """Scale all gradients together so their joint L2 norm is at most ``max_norm`` (in place).

    Returns the norm before clipping. As in PyTorch's ``clip_grad_norm_``, the factor is
    ``max_norm / (norm + 1e-6)`` when it is below 1.
    """
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))
    if max_norm is not None:
        coef = max_norm / (norm + 1e-6)
        if coef < 1.0:
            for g in grads.values():
                g *= g.dtype.type(coef)
    return norm
