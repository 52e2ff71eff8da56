"""Multi-layer perceptron trained by backpropagation, in numpy, batched.

The network computes, for layers ``l = 1 .. L``,

.. math:: h^{(l)} = y^{(l-1)} W^{(l)} + b^{(l)}, \\qquad y^{(l)} = f_l(h^{(l)}),

with ``y^(0) = X`` (shape ``(n_samples, n_features)``). Backpropagation gives the
error signals ``delta^(L) = dE/dh^(L)`` (``y - t`` for a matching output and
loss) and ``delta^(l) = (delta^(l+1) W^(l+1)^T) * f_l'(h^(l))``, and the
gradients ``dE/dW^(l) = y^(l-1)^T delta^(l) / n`` and ``dE/db^(l) = mean(delta^(l))``
-- the four backpropagation equations. Training is minibatch stochastic
gradient descent with optional momentum.

References
----------
Rumelhart, Hinton & Williams (1986), Learning representations by
back-propagating errors. Nature 323, 533-536.
Nielsen (2015), Neural Networks and Deep Learning, chapter 2 (the four
equations of backpropagation).
Hertz, Krogh & Palmer (1991), Introduction to the Theory of Neural
Computation, chapter 6.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import xarray as xr
from sklearn.base import BaseEstimator
from sklearn.utils.metaestimators import available_if

from neurocomp._deprecation import renamed_kwargs
from neurocomp._layers import batched_activations, check_layers
from neurocomp._threads import few_threads
from neurocomp._validation import (
    check_is_fitted,
    ValidationError,
    check_array,
    check_binary,
    check_int,
    check_nonnegative,
    check_option,
    check_positive,
)
from neurocomp.dnn._activations import (
    HIDDEN_ACTIVATIONS,
    LOSSES,
    OUTPUT_ACTIVATIONS,
    get_activation,
    loss_value,
    output_delta,
)
from neurocomp.random import as_generator

__all__ = ["MLP", "make_xor", "make_donut", "make_sine"]


class MLP(BaseEstimator):
    """A fully connected feed-forward network trained by backpropagation.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default (8,)
        Units in each hidden layer (any number of layers; ``()`` gives a
        single-layer network).
    activation : {"sigmoid", "tanh", "relu", "linear"}, default "tanh"
        Hidden-unit nonlinearity.
    output : {"linear", "sigmoid", "softmax"}, default "sigmoid"
        Output nonlinearity. ``linear`` regresses real targets, ``sigmoid``
        classifies 0/1 targets (one or several independent outputs),
        ``softmax`` classifies one label among ``n_classes``.
    loss : {"auto", "squared_error", "cross_entropy"}, default "auto"
        ``auto`` takes the matching loss: squared error for a linear output,
        cross-entropy for sigmoid and softmax. Squared error on a sigmoid
        output (the 1986 paper's choice) is allowed; cross-entropy on a linear
        output is not.
    learning_rate : float, default 0.1
        Step size of stochastic gradient descent.
    momentum : float in [0, 1), default 0.0
        Fraction of the previous update added to the next one.
    batch_size : int, default 32
        Minibatch size (clipped to the number of samples; use a large value
        for full-batch gradient descent).
    n_epochs : int, default 200
        Passes through the training data. ``0`` only initialises the weights.
    weight_decay : float, default 0.0
        L2 penalty: adds ``0.5 * weight_decay * sum(W**2)`` to the loss (biases
        exempt), the name every trained model in neurocomp uses.
    shuffle : bool, default True
        Reshuffle the samples before each epoch.
    rng : None, int, SeedSequence or Generator
        Randomness of the initial weights and the minibatch order.
    l2 : float, optional
        Deprecated name of ``weight_decay`` (used, with a DeprecationWarning at
        ``fit``, when given; removed in 0.3).

    Attributes
    ----------
    coefs_ : list of arrays, ``coefs_[l]`` of shape (n_in, n_out)
        Weight matrices, input side first.
    intercepts_ : list of arrays of shape (n_out,)
        Biases.
    classes_ : array
        Class labels (sigmoid and softmax outputs).
    loss_curve_ : list of float
        Training loss (mean per sample, plus weight decay) after each epoch;
        entry 0 is the loss before training.
    validation_curve_ : list of float
        Same on the validation data given to :meth:`fit` (empty otherwise).
    learning_curve_ : xarray.Dataset
        ``train_loss`` (and ``validation_loss``) over dim ``epoch``, epoch 0 =
        before training: the training record every neurocomp model keeps.
    n_iter_ : int
        Epochs run.
    n_features_in_ : int
    layer_names_ : list of str
        ``["hidden1", ..., "output"]``.

    Notes
    -----
    Built on :class:`sklearn.base.BaseEstimator`, so ``get_params``,
    ``set_params``, :func:`sklearn.base.clone` and scikit-learn's model
    selection tools work. Weights start uniform in ``±sqrt(6 / (n_in + n_out))`` (Glorot) for
    sigmoid/tanh/linear hidden units and ``±sqrt(6 / n_in)`` (He) for ReLU;
    biases start at zero.

    Examples
    --------
    >>> from neurocomp.dnn.mlp import MLP, make_xor
    >>> X, y = make_xor()
    >>> net = MLP((4,), learning_rate=0.5, momentum=0.9, batch_size=4, n_epochs=500, rng=0).fit(X, y)
    >>> net.predict(X).tolist()
    [0, 1, 1, 0]
    """

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (8,),
        *,
        activation: str = "tanh",
        output: str = "sigmoid",
        loss: str = "auto",
        learning_rate: float = 0.1,
        momentum: float = 0.0,
        batch_size: int = 32,
        n_epochs: int = 200,
        weight_decay: float = 0.0,
        shuffle: bool = True,
        rng=None,
        l2="deprecated",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.weight_decay = weight_decay
        self.shuffle = shuffle
        self.rng = rng
        self.l2 = l2

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        if isinstance(self.hidden_layer_sizes, numbers.Integral) and not isinstance(self.hidden_layer_sizes, bool):
            sizes = [int(self.hidden_layer_sizes)]
        else:
            try:
                sizes = list(self.hidden_layer_sizes)
            except TypeError:
                raise TypeError(
                    "hidden_layer_sizes must be a sequence of positive integers; "
                    f"got {type(self.hidden_layer_sizes).__name__} {self.hidden_layer_sizes!r}"
                ) from None
        sizes = [check_int(f"hidden_layer_sizes[{i}]", s, low=1) for i, s in enumerate(sizes)]
        get_activation(self.activation, allowed=HIDDEN_ACTIVATIONS, param="activation")
        get_activation(self.output, allowed=OUTPUT_ACTIVATIONS, param="output")
        check_option("loss", self.loss, ("auto",) + LOSSES)
        loss = self.loss
        if loss == "auto":
            loss = "squared_error" if self.output == "linear" else "cross_entropy"
        if loss == "cross_entropy" and self.output == "linear":
            raise ValidationError(
                "loss='cross_entropy' needs a sigmoid or softmax output; got output='linear' "
                "(use loss='squared_error' or 'auto')"
            )
        check_positive("learning_rate", self.learning_rate)
        m = check_nonnegative("momentum", self.momentum)
        if m >= 1:
            raise ValidationError(f"momentum must lie in [0, 1); got {self.momentum!r}")
        check_int("batch_size", self.batch_size, low=1)
        check_int("n_epochs", self.n_epochs, low=0)
        if not (isinstance(self.l2, str) and self.l2 == "deprecated"):
            from neurocomp._deprecation import warn_renamed

            warn_renamed(type(self).__name__, "l2", "weight_decay", stacklevel=4)
            check_nonnegative("l2", self.l2)
        check_nonnegative("weight_decay", self.weight_decay)
        return sizes, loss

    def _decay(self) -> float:
        """The L2 penalty: ``weight_decay``, or the deprecated ``l2`` when that was given."""
        return self.weight_decay if isinstance(self.l2, str) and self.l2 == "deprecated" else self.l2

    def _check_fitted(self):
        check_is_fitted(self, "coefs_")

    def __sklearn_tags__(self):
        from neurocomp._sklearn import output_tags

        return output_tags(super().__sklearn_tags__(), self.output)

    def _check_X(self, X, name="X", *, reset=False):
        from sklearn.utils.validation import validate_data

        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        return check_array(name, X, dtype=None)

    def _class_index(self, y, n_samples, name, fitting):
        """Indices of 1-D class labels ``y`` into ``classes_`` (set when ``fitting``)."""
        from sklearn.utils.multiclass import check_classification_targets

        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n_samples:
            raise ValidationError(
                f"{name} must have {n_samples} rows (one class label per sample of X) in a 1-D array for a "
                f"{self.output} output; got shape {y.shape}"
            )
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValidationError(f"{name} must be finite; got NaN/inf labels")
        if fitting:
            check_classification_targets(y)
            self.classes_ = np.unique(y)
            if self.classes_.size < 2:
                raise ValidationError(f"{name} must hold at least 2 classes; got 1 class {self.classes_.tolist()}")
            if self.output == "sigmoid" and self.classes_.size > 2:
                raise ValidationError(
                    f"{name} must hold only 0 and 1 (or any two class labels) for a sigmoid output; got "
                    f"{self.classes_.size} classes {self.classes_.tolist()[:6]}. Only binary classification is "
                    "supported with one sigmoid output: use output='softmax' for more classes"
                )
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, self.classes_.size - 1)
        if not np.array_equal(self.classes_[idx], y):
            raise ValidationError(
                f"{name} holds labels not seen in fit; known classes are {self.classes_.tolist()}"
            )
        return idx

    def _encode_targets(self, y, n_samples, name="y", fitting=False):
        if self.output == "softmax":
            from sklearn.utils.validation import column_or_1d

            y = np.asarray(y)
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_or_1d(y, warn=True)
            idx = self._class_index(y, n_samples, name, fitting)
            T = np.zeros((n_samples, self.classes_.size))
            T[np.arange(n_samples), idx] = 1.0
            return T
        if self.output == "sigmoid" and np.asarray(y).ndim == 2:
            # several independent 0/1 outputs (multi-label)
            T = check_binary(name, y, ndim=2)
            if fitting:
                self.classes_ = np.array([0, 1])
                self._multilabel = True
        elif self.output == "sigmoid":
            if fitting:
                self._multilabel = False
            if getattr(self, "_multilabel", False):
                raise ValidationError(f"{name} must be 2-D (one 0/1 column per output), as in fit; got 1-D")
            T = self._class_index(y, n_samples, name, fitting).astype(float)
        else:
            T = check_array(name, y, ndim=(1, 2))
        if T.shape[0] != n_samples:
            raise ValidationError(f"{name} must have {n_samples} rows (one per sample of X); got {T.shape[0]}")
        if fitting:
            self._y_1d = T.ndim == 1
        return T.reshape(n_samples, -1)

    # ---------------------------------------------------------------- network
    def _init_weights(self, sizes, n_in, n_out, rng):
        dims = [n_in, *sizes, n_out]
        self.coefs_, self.intercepts_ = [], []
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            hidden = i < len(sizes)
            if hidden and self.activation == "relu":
                bound = np.sqrt(6.0 / a)
            else:
                bound = np.sqrt(6.0 / (a + b))
            self.coefs_.append(rng.uniform(-bound, bound, size=(a, b)))
            self.intercepts_.append(np.zeros(b))
        self.layer_names_ = [f"hidden{i + 1}" for i in range(len(sizes))] + ["output"]

    def _forward(self, X, coefs=None, intercepts=None):
        """Net inputs ``hs`` and outputs ``ys`` of every layer (``ys[0]`` is X)."""
        coefs = self.coefs_ if coefs is None else coefs
        intercepts = self.intercepts_ if intercepts is None else intercepts
        hidden = get_activation(self.activation)
        out = get_activation(self.output)
        ys, hs = [X], []
        n_layers = len(coefs)
        for i, (W, b) in enumerate(zip(coefs, intercepts)):
            h = ys[-1] @ W + b
            hs.append(h)
            ys.append((out if i == n_layers - 1 else hidden).forward(h))
        return hs, ys

    def _loss_from_output(self, y, T):
        value = loss_value(y, T, loss=self._loss, output=self.output)
        decay = self._decay()
        if decay:
            value += 0.5 * decay * sum(float(np.sum(W * W)) for W in self.coefs_)
        return value

    def _backward(self, hs, ys, T):
        n = T.shape[0]
        hidden = get_activation(self.activation)
        delta = output_delta(hs[-1], ys[-1], T, loss=self._loss, output=self.output)
        grads_W = [None] * len(self.coefs_)
        grads_b = [None] * len(self.coefs_)
        for layer in range(len(self.coefs_) - 1, -1, -1):
            grads_W[layer] = ys[layer].T @ delta / n
            grads_b[layer] = delta.mean(axis=0)
            if self._decay():
                grads_W[layer] = grads_W[layer] + self._decay() * self.coefs_[layer]
            if layer > 0:
                delta = (delta @ self.coefs_[layer].T) * hidden.derivative(hs[layer - 1], ys[layer])
        return grads_W, grads_b

    # -------------------------------------------------------------------- API
    @renamed_kwargs(X_val="X_valid", y_val="y_valid")  # names before 0.2
    @few_threads  # minibatch-sized products: one BLAS thread (a second costs more than it saves)
    def fit(self, X, y, *, X_valid=None, y_valid=None):
        """Train on ``X`` (n_samples, n_features) and targets ``y``.

        ``y`` is 1-D class labels for softmax, 0/1 of shape (n_samples,) or
        (n_samples, n_outputs) for sigmoid, real values of either shape for
        linear. Optional ``X_valid``/``y_valid`` are scored after every epoch into
        ``validation_curve_`` and ``learning_curve_`` (``X_val``/``y_val``
        before 0.2: still accepted, with a DeprecationWarning). Returns ``self``.
        """
        X_val, y_val = X_valid, y_valid
        sizes, self._loss = self._check_params()
        if y is None:
            raise ValidationError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        X = self._check_X(X, reset=True)
        T = self._encode_targets(y, X.shape[0], fitting=True)
        val = None
        if (X_val is None) != (y_val is None):
            raise ValidationError("X_valid and y_valid must be given together; got only one of them")
        if X_val is not None:
            Xv = self._check_X(X_val, "X_valid")
            val = (Xv, self._encode_targets(y_val, Xv.shape[0], name="y_valid"))

        rng = as_generator(self.rng)
        init_rng, order_rng = rng.spawn(2)
        self._init_weights(sizes, X.shape[1], T.shape[1], init_rng)
        velocity_W = [np.zeros_like(W) for W in self.coefs_]
        velocity_b = [np.zeros_like(b) for b in self.intercepts_]
        n = X.shape[0]
        batch = min(int(self.batch_size), n)
        lr, mom = float(self.learning_rate), float(self.momentum)

        self.loss_curve_ = [self._loss_from_output(self._forward(X)[1][-1], T)]
        self.validation_curve_ = [] if val is None else [self._loss_from_output(self._forward(val[0])[1][-1], val[1])]
        from neurocomp._progress import progress

        for _ in progress(range(int(self.n_epochs)), desc="MLP training", unit="epoch", detail=True):
            order = order_rng.permutation(n) if self.shuffle else np.arange(n)
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                hs, ys = self._forward(X[idx])
                gW, gb = self._backward(hs, ys, T[idx])
                for layer in range(len(self.coefs_)):
                    velocity_W[layer] = mom * velocity_W[layer] - lr * gW[layer]
                    velocity_b[layer] = mom * velocity_b[layer] - lr * gb[layer]
                    self.coefs_[layer] += velocity_W[layer]
                    self.intercepts_[layer] += velocity_b[layer]
            self.loss_curve_.append(self._loss_from_output(self._forward(X)[1][-1], T))
            if val is not None:
                self.validation_curve_.append(self._loss_from_output(self._forward(val[0])[1][-1], val[1]))
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValidationError(
                    f"training diverged (loss became {self.loss_curve_[-1]}); lower learning_rate "
                    f"(got {self.learning_rate})"
                )
        if len(self.loss_curve_) > 1 and self.loss_curve_[-1] > 1.05 * self.loss_curve_[0]:
            # a saturating output keeps a diverging loss finite: say so once instead of training on silently
            import warnings

            from neurocomp._validation import NeurocompWarning

            warnings.warn(
                f"MLP training made the loss worse than before training ({self.loss_curve_[0]:.4g} -> "
                f"{self.loss_curve_[-1]:.4g} after {int(self.n_epochs)} epochs): learning_rate = {self.learning_rate!r} "
                f"is probably too large (the updates diverge); lower learning_rate (e.g. 10x) or momentum",
                NeurocompWarning, stacklevel=2,
            )
        self.n_iter_ = int(self.n_epochs)
        self.learning_curve_ = self.learning_curve()
        return self

    def gradients(self, X, y):
        """Loss and its analytic gradients at the current weights.

        Returns
        -------
        loss : float
            Mean loss per sample (plus weight decay).
        grads_W : list of arrays shaped like ``coefs_``
        grads_b : list of arrays shaped like ``intercepts_``
        """
        self._check_fitted()
        X = self._check_X(X)
        T = self._encode_targets(y, X.shape[0])
        hs, ys = self._forward(X)
        gW, gb = self._backward(hs, ys, T)
        return self._loss_from_output(ys[-1], T), gW, gb

    def loss_on(self, X, y) -> float:
        """Mean loss per sample (plus weight decay) on ``X``, ``y``."""
        self._check_fitted()
        X = self._check_X(X)
        T = self._encode_targets(y, X.shape[0])
        return self._loss_from_output(self._forward(X)[1][-1], T)

    def _output(self, X) -> np.ndarray:
        self._check_fitted()
        return self._forward(self._check_X(X))[1][-1]

    def _is_classifier(self):
        return self.output != "linear"

    @available_if(_is_classifier)
    def decision_function(self, X) -> np.ndarray:
        """Net input of the output layer (before its nonlinearity), scikit-learn's decision values.

        For two classes, shape (n_samples,): the log-odds of ``classes_[1]`` (positive
        means ``classes_[1]``); else (n_samples, n_outputs). Only for sigmoid and
        softmax outputs; probabilities come from :meth:`predict_proba`.
        """
        self._check_fitted()
        h = self._forward(self._check_X(X))[0][-1]
        if self.output == "sigmoid" and not self._multilabel:
            return h[:, 0]
        if self.output == "softmax" and h.shape[1] == 2:
            return h[:, 1] - h[:, 0]
        return h

    @available_if(_is_classifier)
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities: (n_samples, n_classes) for softmax; for sigmoid
        (n_samples, 2) with one 0/1 output, else (n_samples, n_outputs)."""
        p = self._output(X)
        if self.output == "sigmoid" and not getattr(self, "_multilabel", True):
            return np.hstack([1.0 - p, p])
        return p

    def predict(self, X) -> np.ndarray:
        """Labels (softmax), 0/1 decisions at 0.5 (sigmoid) or values (linear)."""
        out = self._output(X)
        if self.output == "softmax":
            return self.classes_[np.argmax(out, axis=1)]
        if self.output == "sigmoid":
            decision = (out >= 0.5).astype(int)
            return decision if self._multilabel else self.classes_[decision[:, 0]]
        return out.ravel() if self._y_1d else out

    def score(self, X, y) -> float:
        """Accuracy (sigmoid, softmax; a sample counts when all its outputs are right) or R² (linear)."""
        pred = self.predict(X)
        if self.output == "linear":
            t = check_array("y", y, ndim=(1, 2)).reshape(pred.shape[0], -1)
            p = pred.reshape(t.shape)
            ss_res = np.sum((t - p) ** 2, axis=0)
            ss_tot = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
            return float(np.mean(1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0)))
        if self.output == "sigmoid" and self._multilabel:
            t = check_binary("y", y, ndim=2)
            return float(np.mean(np.all(pred == t, axis=1)))
        return float(np.mean(pred == np.asarray(y)))

    def activations(self, X, stimulus_id=None, *, layers=None, batch_size=None) -> xr.DataArray:
        """Every layer's activity as one (presentation × neuroid) array.

        Parameters
        ----------
        X : array of shape (n_presentations, n_features)
        stimulus_id : sequence of str, optional
            One unique id per row of X; default ``"stim0000", "stim0001", ...``.
        layers : str or sequence of str, optional
            Among :attr:`layer_names_` (default all).
        batch_size : int, optional
            Rows per forward pass (default 256).

        Returns
        -------
        xarray.DataArray of shape (n_presentations, total units)
            dims ``("presentation", "neuroid")``, built by
            :func:`neurocomp._layers.layer_activations`; coords ``stimulus_id``
            on presentation and ``layer`` (``"hidden1"``, ..., ``"output"``),
            ``neuroid_id`` (``"hidden1.0012"``) and ``unit`` (index within
            the layer) on neuroid. Hidden layers hold ``f(h)``; the output
            layer holds the output nonlinearity's value (probabilities for
            softmax).
        """
        self._check_fitted()
        X = self._check_X(X)
        names = check_layers(layers, self.layer_names_)

        def forward(batch, names):
            ys = self._forward(batch)[1][1:]
            return dict(zip(self.layer_names_, ys))

        return batched_activations(forward, X, names, batch_size=batch_size, stimulus_id=stimulus_id,
                                   model="MLP", long_name="unit activity")

    def learning_curve(self) -> xr.Dataset:
        """Training (and validation) loss per epoch as a Dataset with dim ``epoch`` (0 = before training).

        The same Dataset as the attribute ``learning_curve_`` (prefer that: the
        attribute is what every neurocomp model has).
        """
        self._check_fitted()
        epochs = np.arange(len(self.loss_curve_))
        ds = xr.Dataset(coords={"epoch": ("epoch", epochs, {"long_name": "epoch", "units": "1"})})
        loss_name = {"squared_error": "½ mean squared error", "cross_entropy": "mean cross-entropy"}[self._loss]
        ds["train_loss"] = ("epoch", np.asarray(self.loss_curve_), {"long_name": f"training loss: {loss_name}", "units": "1"})
        if self.validation_curve_:
            ds["validation_loss"] = (
                "epoch", np.asarray(self.validation_curve_), {"long_name": f"validation loss: {loss_name}", "units": "1"}
            )
        return ds


# ------------------------------------------------------------------- datasets
def make_xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR patterns: X of shape (4, 2) in {0, 1}, y = x1 XOR x2 of shape (4,).

    Returns
    -------
    X : numpy.ndarray of shape (4, 2)
        The input patterns, 0.0 or 1.0.
    y : numpy.ndarray of int, shape (4,)
        x1 XOR x2.

    Examples
    --------
    >>> X, y = make_xor()
    >>> y.tolist()
    [0, 1, 1, 0]
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, np.array([0, 1, 1, 0])


def make_donut(n_samples: int = 1000, *, inner: float = 1.0, outer: float = 2.0, extent: float = 3.0, rng=None):
    """Points uniform on the disk of radius ``extent``; label 1 inside the ring ``inner <= r < outer``.

    The ring is not linearly separable and its two circular boundaries need
    several hidden units. Returns X of shape (n_samples, 2) and y of shape (n_samples,).

    Parameters
    ----------
    n_samples : int, default 1000
        Number of points.
    inner, outer : float
        Radii of the ring (defaults 1.0 and 2.0), with inner < outer < extent.
    extent : float, default 3.0
        Radius of the disk the points are drawn from.
    rng : None, int, SeedSequence or Generator
        The random stream.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2)
        The points (same units as the radii).
    y : numpy.ndarray of int, shape (n_samples,)
        1 inside the ring, else 0.

    Examples
    --------
    >>> X, y = make_donut(200, rng=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((200, 2), [0, 1])
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    extent = check_positive("extent", extent)
    inner = check_positive("inner", inner)
    outer = check_positive("outer", outer)
    if not inner < outer < extent:
        raise ValidationError(f"radii must satisfy inner < outer < extent; got {inner}, {outer}, {extent}")
    g = as_generator(rng)
    r = extent * np.sqrt(g.uniform(size=n_samples))
    phi = g.uniform(0, 2 * np.pi, size=n_samples)
    X = np.column_stack([r * np.cos(phi), r * np.sin(phi)])
    return X, ((r >= inner) & (r < outer)).astype(int)


def make_sine(n_samples: int = 200, *, noise: float = 0.05, low: float = -np.pi, high: float = np.pi, rng=None):
    """Samples of ``y = sin(x) + noise * N(0, 1)`` with x uniform on [low, high].

    Returns X of shape (n_samples, 1) and y of shape (n_samples,).

    Parameters
    ----------
    n_samples : int, default 200
        Number of samples.
    noise : float, default 0.05
        Standard deviation of the additive Gaussian noise.
    low, high : float
        Range of x (default -π to π).
    rng : None, int, SeedSequence or Generator
        The random stream.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 1)
        The inputs x.
    y : numpy.ndarray of shape (n_samples,)
        The noisy targets.

    Examples
    --------
    >>> X, y = make_sine(50, noise=0.0, rng=0)
    >>> bool(abs(y - np.sin(X[:, 0])).max() == 0.0)
    True
    """
    n_samples = check_int("n_samples", n_samples, low=1)
    noise = check_nonnegative("noise", noise)
    g = as_generator(rng)
    x = g.uniform(low, high, size=n_samples)
    return x[:, None], np.sin(x) + noise * g.standard_normal(n_samples)
