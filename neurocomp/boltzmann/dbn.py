"""Deep belief nets: a greedy layer-wise stack of RBMs. Part of :mod:`neurocomp.boltzmann`.

References
----------
Hinton, G. E., Osindero, S. & Teh, Y.-W. (2006). A fast learning algorithm for deep belief
    nets. Neural Computation 18, 1527-1554.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._validation import ValidationError, check_int, check_is_fitted
from neurocomp.boltzmann.rbm import RBM
from neurocomp.random import as_generator

__all__ = ["DBN"]


# ---------------------------------------------------------------------------------------
# Deep belief net
# ---------------------------------------------------------------------------------------


class DBN(TransformerMixin, BaseEstimator):
    """Deep belief net: RBMs stacked greedily, layer by layer (Hinton, Osindero & Teh 2006).

    Parameters
    ----------
    layers : sequence of int
        Hidden-layer sizes, bottom to top, e.g. ``(64, 32)``.
    visible : {'binary', 'gaussian'}
        Units of the data layer (the upper RBMs are binary).
    learning_rate, batch_size, n_epochs, k, persistent, momentum, weight_decay :
        Passed to every :class:`RBM`.
    rng : None, int, SeedSequence or Generator

    Attributes
    ----------
    rbms_ : list of RBM
        The trained layers, bottom first.

    Notes
    -----
    Each RBM is trained on the hidden probabilities ``p(h|v)`` of the one below. Sampling
    runs Gibbs chains in the top RBM (an undirected associative memory) and then passes down
    through the lower layers' generative weights ``p(v|h)`` (a directed belief net).

    References
    ----------
    .. [1] Hinton, G. E., Osindero, S. & Teh, Y.-W. (2006). A fast learning algorithm for deep
       belief nets. Neural Comput. 18, 1527-1554.

    Examples
    --------
    >>> import numpy as np
    >>> X = (np.random.default_rng(0).random((50, 16)) < 0.3).astype(float)
    >>> dbn = DBN(layers=(8, 4), n_epochs=2, rng=0).fit(X)
    >>> dbn.transform(X).shape, len(dbn.rbms_)
    ((50, 4), 2)
    """

    def __init__(
        self,
        layers=(64, 32),
        *,
        visible: str = "binary",
        learning_rate: float = 0.05,
        batch_size: int = 10,
        n_epochs: int = 10,
        k: int = 1,
        persistent: bool = False,
        momentum: float = 0.5,
        weight_decay: float = 0.0,
        rng=None,
    ):
        self.layers = layers
        self.visible = visible
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.k = k
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.rng = rng

    def fit(self, X, y=None) -> "DBN":
        """Greedy layer-wise training on ``X`` (shape (n_samples, n_visible)); return ``self``."""
        sizes = [check_int(f"layers[{i}]", s, 1) for i, s in enumerate(self.layers)]
        if not sizes:
            raise ValidationError(f"layers must hold at least one hidden-layer size; got {self.layers!r}")
        self.rng_ = as_generator(self.rng)  # the model's own stream, for sample(rng=None)
        rngs = self.rng_.spawn(len(sizes))
        data = validate_X_y(self, X)
        self.rbms_ = []
        for i, (size, r) in enumerate(zip(sizes, rngs)):
            rbm = RBM(
                n_hidden=size,
                visible=self.visible if i == 0 else "binary",
                learning_rate=self.learning_rate,
                batch_size=self.batch_size,
                n_epochs=self.n_epochs,
                k=self.k,
                persistent=self.persistent,
                momentum=self.momentum,
                weight_decay=self.weight_decay,
                rng=r,
            ).fit(data)
            self.rbms_.append(rbm)
            data = rbm.transform(data)
        return self

    def _check_fitted(self):
        check_is_fitted(self, "rbms_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = self.visible == "binary"  # in [0, 1], as for RBM
        return tags

    def transform(self, X, layer: int = -1) -> np.ndarray:
        """Features of ``X``: hidden probabilities of ``layer`` (default the top), shape (n_samples, size)."""
        data = validate_X(self, X, fitted_attribute="rbms_")
        n_layers = len(self.rbms_)
        layer = check_int("layer", layer, -n_layers, n_layers - 1) % n_layers
        for rbm in self.rbms_[: layer + 1]:
            data = rbm.transform(data)
        return data

    def sample(self, n_samples: int = 16, *, n_gibbs: int = 1000, rng=None) -> np.ndarray:
        """Generate visible vectors: Gibbs in the top RBM, then one top-down pass.

        Returns the visible means (probabilities for binary units), shape (n_samples, n_visible).
        """
        self._check_fitted()
        rng = self.rng_ if rng is None else as_generator(rng)
        top = self.rbms_[-1]
        h = top.sample(n_samples, n_gibbs=n_gibbs, rng=rng)  # means of the penultimate layer
        for rbm in reversed(self.rbms_[:-1]):
            h_bin = (rng.random(h.shape) < h).astype(float)
            h = rbm._visible_mean(h_bin)
        return h
