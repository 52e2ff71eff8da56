"""Learning a threshold unit: Rosenblatt's perceptron rule and the (generalised) delta rule.

The perceptron rule learns any linearly separable dichotomy in at most
``(R/γ)²`` updates (Novikoff); the Widrow-Hoff delta rule is gradient descent on
the squared error, and its generalised form multiplies in the activation's
derivative. Part of :mod:`neurocomp.gates` (import from there).

References
----------
Rosenblatt (1958), The perceptron. Psychol. Rev. 65, 386-408.
Novikoff (1962), On convergence proofs on perceptrons. Symp. Math. Theory of
Automata 12, 615-622.
Widrow & Hoff (1960), Adaptive switching circuits. IRE WESCON Conv. Rec. 4, 96-104.
Hertz, Krogh & Palmer (1991), Introduction to the Theory of Neural
Computation, chapter 5.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._validation import NeurocompWarning, ValidationError, check_int, check_option, check_positive
from neurocomp.random import as_generator

__all__ = ["Perceptron", "DeltaRule"]


# --------------------------------------------------------------------------- learning
def _train_perceptron(Xa, t, eta, max_iter, shuffle, rng):
    """The perceptron rule on augmented inputs ``Xa`` and 0/1 targets ``t``; returns (w, updates per epoch)."""
    w = np.zeros(Xa.shape[1])
    updates = []
    for _ in range(max_iter):
        order = rng.permutation(Xa.shape[0]) if shuffle else np.arange(Xa.shape[0])
        Xo, to = Xa[order], t[order]
        mistakes, i = 0, 0
        # The rule is sequential; instead of a Python step per sample, find the next
        # mistake under the current weights in one product (identical result).
        while i < Xo.shape[0]:
            wrong = np.flatnonzero((Xo[i:] @ w >= 0) != (to[i:] == 1))
            if wrong.size == 0:
                break
            j = i + int(wrong[0])
            w += eta * (2 * to[j] - 1) * Xo[j]
            mistakes += 1
            i = j + 1
        updates.append(mistakes)
        if mistakes == 0:
            break
    return w, updates


class Perceptron(ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron: a threshold unit trained by the perceptron rule.

    On each misclassified sample, ``w <- w + η (t - y) x`` and
    ``b <- b + η (t - y)`` with ``y = H(w·x + b)`` and targets ``t`` in {0, 1};
    weights start at zero. An epoch without a mistake ends training.

    Any two class labels are learned as 0 (the first of ``classes_``) and 1 (the
    second). With more than two classes, one unit per class is trained one-vs-rest
    and the class with the largest ``w·x + b`` is predicted.

    Parameters
    ----------
    learning_rate : float, default 1.0
        η. With zero initial weights it only rescales ``w`` and ``b``; the
        sequence of decisions does not depend on it.
    n_epochs : int, default 100
        Most epochs (passes through the data); training stops earlier at the
        first epoch without a mistake (``max_iter`` before 0.2: still accepted,
        with a DeprecationWarning at ``fit``).
    shuffle : bool, default False
        Present the samples in a new random order each epoch.
    rng : None, int, SeedSequence or Generator
        Randomness of the order when ``shuffle``.
    max_iter : int, optional
        Deprecated name of ``n_epochs`` (removed in a later release).

    Attributes
    ----------
    classes_ : array of shape (n_classes,)
    coef_ : array of shape (n_features,), or (n_classes, n_features) for more than two classes
    intercept_ : float, or array of shape (n_classes,)
    n_features_in_ : int
    n_iter_ : int
        Epochs run (the most over the one-vs-rest units).
    n_updates_ : int
        Weight updates (mistakes) made in total.
    updates_per_epoch_ : list of int
        Mistakes per epoch (summed over the one-vs-rest units).
    converged_ : bool
        True when an epoch made no mistake (for every unit); False after ``n_epochs``
        epochs otherwise (then a :class:`NeurocompWarning` is issued).

    Notes
    -----
    Novikoff's theorem: if a unit vector ``u`` (over weights and bias)
    separates the data with margin ``γ = min_i t_i' u·[x_i, 1]`` (``t' = ±1``)
    and ``R = max_i ||[x_i, 1]||``, the rule makes at most ``(R/γ)²`` updates.
    On data that are not linearly separable (XOR) it never converges; it stops
    after ``n_epochs`` epochs.

    References
    ----------
    Rosenblatt F (1958) The perceptron: a probabilistic model for information storage
    and organization in the brain. Psychol Rev 65:386-408.

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> Perceptron().fit(X, [0, 0, 0, 1]).predict(X).tolist()
    [0, 0, 0, 1]
    """

    def __init__(self, *, learning_rate: float = 1.0, n_epochs: int = 100, shuffle: bool = False, rng=None,
                 max_iter="deprecated"):
        self.learning_rate = learning_rate
        self.n_epochs = n_epochs
        self.shuffle = shuffle
        self.rng = rng
        self.max_iter = max_iter

    def fit(self, X, y):
        """Learn from ``X`` (n_samples, n_features) and class labels ``y`` (n_samples,). Returns self."""
        from sklearn.utils.multiclass import check_classification_targets

        eta = check_positive("learning_rate", self.learning_rate)
        if isinstance(self.max_iter, str) and self.max_iter == "deprecated":
            max_iter = check_int("n_epochs", self.n_epochs, low=1)
        else:
            from neurocomp._deprecation import warn_renamed

            warn_renamed("Perceptron", "max_iter", "n_epochs")
            max_iter = check_int("max_iter", self.max_iter, low=1)
        X, y = validate_X_y(self, X, y)
        check_classification_targets(y)
        self.classes_, index = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValidationError(f"y must hold at least two classes to learn a boundary; got one class {self.classes_[0]!r}")
        rng = as_generator(self.rng)
        Xa = np.hstack([X, np.ones((X.shape[0], 1))])
        targets = [index] if self.classes_.size == 2 else [(index == k).astype(int) for k in range(self.classes_.size)]
        weights, updates = [], []
        for t in targets:
            w, u = _train_perceptron(Xa, t, eta, max_iter, self.shuffle, rng)
            weights.append(w)
            updates.append(u)
        self.converged_ = all(u[-1] == 0 for u in updates)
        self.updates_per_epoch_ = [int(sum(u[e] for u in updates if e < len(u))) for e in range(max(map(len, updates)))]
        self.n_iter_ = len(self.updates_per_epoch_)
        self.n_updates_ = int(sum(self.updates_per_epoch_))
        W = np.array(weights)
        if self.classes_.size == 2:
            self.coef_, self.intercept_ = W[0, :-1].copy(), float(W[0, -1])
        else:
            self.coef_, self.intercept_ = W[:, :-1].copy(), W[:, -1].copy()
        if not self.converged_:
            warnings.warn(
                f"Perceptron did not converge in n_epochs={max_iter} epochs "
                f"({self.updates_per_epoch_[-1]} mistakes in the last); the classes may not be linearly "
                "separable (as for XOR). Increase n_epochs only if they are.",
                NeurocompWarning,
                stacklevel=2,
            )
        return self

    def decision_function(self, X) -> np.ndarray:
        """``w·x + b`` for X of shape (n_samples, n_features): shape (n_samples,), or (n_samples, n_classes)."""
        X = validate_X(self, X, fitted_attribute="coef_")
        return X @ self.coef_.T + self.intercept_

    def predict(self, X) -> np.ndarray:
        """Class labels, shape (n_samples,) (0/1 when trained on 0/1 labels)."""
        h = self.decision_function(X)
        index = (h >= 0).astype(int) if h.ndim == 1 else np.argmax(h, axis=1)
        return self.classes_[index]


class DeltaRule(RegressorMixin, BaseEstimator):
    """A single unit trained by the (generalised) delta rule, gradient descent on squared error.

    ``E = 1/2 Σ (t - y)²`` with ``y = f(w·x + b)``; each step moves
    ``Δw = η (t - y) f'(h) x``. With ``activation="linear"`` (``f' = 1``) this
    is the Widrow-Hoff LMS rule, whose batch fixed point is the least-squares
    solution; sigmoid and tanh give the generalised delta rule.

    Parameters
    ----------
    activation : {"linear", "sigmoid", "tanh"}, default "linear"
    learning_rate : float, default 0.01
    n_epochs : int, default 100
    mode : {"online", "batch"}, default "online"
        ``online`` updates after every sample (Widrow-Hoff); ``batch`` takes
        one step on the mean gradient per epoch (plain gradient descent).
    shuffle : bool, default True
        Present the samples in a new random order each epoch (online mode).
    rng : None, int, SeedSequence or Generator
        Randomness of the sample order (weights start at zero).

    Attributes
    ----------
    coef_ : array of shape (n_features,)
    intercept_ : float
    n_features_in_ : int
    loss_curve_ : list of float
        Mean ``1/2 (t - y)²`` per sample before training and after each epoch.
    n_iter_ : int

    References
    ----------
    Widrow B, Hoff ME (1960) Adaptive switching circuits. IRE WESCON Convention Record 4:96-104.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> est = DeltaRule(learning_rate=0.1, n_epochs=2000, mode="batch").fit(X, [1.0, 3.0, 5.0, 7.0])
    >>> round(float(est.coef_[0]), 3), round(est.intercept_, 3)
    (2.0, 1.0)
    """

    _ACTIVATIONS = ("linear", "sigmoid", "tanh")

    def __init__(self, *, activation: str = "linear", learning_rate: float = 0.01, n_epochs: int = 100,
                 mode: str = "online", shuffle: bool = True, rng=None):
        self.activation = activation
        self.learning_rate = learning_rate
        self.n_epochs = n_epochs
        self.mode = mode
        self.shuffle = shuffle
        self.rng = rng

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Plain gradient descent with a fixed step and a fixed number of epochs: a step
        # small enough not to diverge on unscaled inputs may stop short of the
        # least-squares fit, so no minimum score is promised.
        tags.regressor_tags.poor_score = True
        return tags

    def _f(self, h):
        from neurocomp.dnn._activations import ACTIVATIONS

        act = ACTIVATIONS[self.activation]
        y = act.forward(h)
        return y, act.derivative(h, y)

    def fit(self, X, y):
        """Learn from ``X`` (n_samples, n_features) and real targets ``y`` (n_samples,). Returns self."""
        check_option("activation", self.activation, self._ACTIVATIONS)
        check_option("mode", self.mode, ("online", "batch"))
        eta = check_positive("learning_rate", self.learning_rate)
        n_epochs = check_int("n_epochs", self.n_epochs, low=0)
        X, t = validate_X_y(self, X, y, y_numeric=True)
        lo, hi = {"linear": (-np.inf, np.inf), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}[self.activation]
        if np.any(t < lo) or np.any(t > hi):
            raise ValidationError(
                f"y must lie in [{lo:g}, {hi:g}] (the range of the {self.activation} activation); "
                f"got values in [{t.min():g}, {t.max():g}]"
            )
        rng = as_generator(self.rng)
        Xa = np.hstack([X, np.ones((X.shape[0], 1))])
        w = np.zeros(Xa.shape[1])

        def loss():
            return float(0.5 * np.mean((t - self._f(Xa @ w)[0]) ** 2))

        self.loss_curve_ = [loss()]
        for _ in range(n_epochs):
            if self.mode == "batch":
                yv, d = self._f(Xa @ w)
                w += eta * ((t - yv) * d) @ Xa / X.shape[0]
            else:
                order = rng.permutation(X.shape[0]) if self.shuffle else range(X.shape[0])
                for i in order:  # Widrow-Hoff is sequential by definition
                    yi, di = self._f(np.atleast_1d(Xa[i] @ w))
                    w += eta * (t[i] - yi[0]) * di[0] * Xa[i]
            self.loss_curve_.append(loss())
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValidationError(
                    f"training diverged (loss became {self.loss_curve_[-1]}); lower learning_rate (got {self.learning_rate})"
                )
        self.n_iter_ = n_epochs
        self.coef_, self.intercept_ = w[:-1].copy(), float(w[-1])
        return self

    def predict(self, X) -> np.ndarray:
        """The unit's output ``f(w·x + b)``, shape (n_samples,)."""
        X = validate_X(self, X, fitted_attribute="coef_")
        return self._f(X @ self.coef_ + self.intercept_)[0]
