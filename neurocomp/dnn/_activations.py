"""Activation functions and losses shared by the numpy networks (MLP, CNN).

Each activation is an :class:`Activation` with ``forward(h)`` (the unit's
output for net input ``h``) and ``derivative(h, y)`` (``df/dh`` elementwise,
given both the net input and the output, so that sigmoid and tanh can reuse
``y``). Softmax has no elementwise derivative; it is only used as an output
paired with the cross-entropy loss, where the error signal simplifies to
``y - t`` (see :func:`output_delta`).

References
----------
Rumelhart, Hinton & Williams (1986), Learning representations by
back-propagating errors. Nature 323, 533-536.
Bishop (2006), Pattern Recognition and Machine Learning, sections 4.3.6 and 5.2
(canonical link functions: matching an output nonlinearity with its loss).

This module is a stable interface: other neurocomp networks import from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from neurocomp._validation import check_option

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "LOSSES",
    "get_activation",
    "sigmoid",
    "softmax",
    "loss_value",
    "output_delta",
]


def sigmoid(h: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-h)), computed without overflow."""
    h = np.asarray(h, dtype=float)
    out = np.empty_like(h)
    pos = h >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-h[pos]))
    e = np.exp(h[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softmax(h: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (shifted by the maximum for numerical stability)."""
    h = np.asarray(h, dtype=float)
    z = np.exp(h - h.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


@dataclasses.dataclass(frozen=True)
class Activation:
    """A unit nonlinearity ``y = f(h)`` with its derivative ``f'(h)`` (expressed through h and y)."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None


def _relu(h):
    return np.maximum(h, 0.0)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, lambda h, y: y * (1.0 - y)),
    "tanh": Activation("tanh", np.tanh, lambda h, y: 1.0 - y * y),
    "relu": Activation("relu", _relu, lambda h, y: (h > 0).astype(float)),
    "linear": Activation("linear", lambda h: np.asarray(h, dtype=float), lambda h, y: np.ones_like(h)),
    "softmax": Activation("softmax", softmax, None),
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "softmax")
#: Losses: "squared_error" = 1/2 sum (y - t)^2 per sample; "cross_entropy" =
#: -sum t log y (softmax) or -sum [t log y + (1-t) log(1-y)] (sigmoid).
LOSSES = ("squared_error", "cross_entropy")

_EPS = 1e-12


def get_activation(name: str, *, allowed=tuple(ACTIVATIONS), param: str = "activation") -> Activation:
    """Look up an activation by name; an unknown name lists the valid ones."""
    check_option(param, name, list(allowed))
    return ACTIVATIONS[name]


def loss_value(y: np.ndarray, t: np.ndarray, *, loss: str, output: str) -> float:
    """Mean loss per sample.

    Parameters
    ----------
    y : array of shape (n_samples, n_outputs)
        Network outputs.
    t : array of shape (n_samples, n_outputs)
        Targets (one-hot for softmax).
    loss : {"squared_error", "cross_entropy"}
    output : {"linear", "sigmoid", "softmax"}
        The output nonlinearity (chooses the cross-entropy form).
    """
    n = y.shape[0]
    if loss == "squared_error":
        return float(0.5 * np.sum((y - t) ** 2) / n)
    if output == "softmax":
        return float(-np.sum(t * np.log(np.clip(y, _EPS, None))) / n)
    yc = np.clip(y, _EPS, 1.0 - _EPS)
    return float(-np.sum(t * np.log(yc) + (1.0 - t) * np.log(1.0 - yc)) / n)


def output_delta(h: np.ndarray, y: np.ndarray, t: np.ndarray, *, loss: str, output: str) -> np.ndarray:
    """dLoss/dh at the output layer, per sample (not yet divided by the batch size).

    With a matching pair (linear + squared error, sigmoid or softmax + cross-entropy)
    this is ``y - t``; with squared error on a sigmoid output it is ``(y - t) f'(h)``.
    """
    if loss == "cross_entropy" or output == "linear":
        return y - t
    act = ACTIVATIONS[output]
    if act.derivative is None:
        # softmax with squared error: full Jacobian-vector product.
        g = y - t
        return y * (g - np.sum(g * y, axis=1, keepdims=True))
    return (y - t) * act.derivative(h, y)
