"""Threshold neurons as logic gates; perceptron and delta-rule learning; spiking gates.

What one neuron computes. A McCulloch-Pitts unit fires (outputs 1) when the
weighted sum of its binary inputs reaches its threshold, ``y = H(w·x - θ)``:
a low threshold adds (OR), a high one multiplies (AND), a negative weight
subtracts (NOT), and shunting inhibition divides (``E / (E + I)``). XOR is not
linearly separable, so no single unit computes it; one hidden layer does.
Rosenblatt's perceptron rule learns any linearly separable dichotomy in at
most ``(R/γ)²`` updates (Novikoff); the Widrow-Hoff delta rule is gradient
descent on the squared error and its generalised form multiplies in the
activation's derivative. On brian2, leaky integrate-and-fire neurons compute
the same gates: AND by coincidence detection, OR with a low threshold, NOT as
a tonically firing neuron silenced by inhibition, XOR as a small network.
A difference-of-Gaussians (centre-surround) receptive field, as in retinal
ganglion and LGN cells, filters an image.

References
----------
McCulloch & Pitts (1943), A logical calculus of the ideas immanent in nervous
activity. Bull. Math. Biophys. 5, 115-133.
Rosenblatt (1958), The perceptron. Psychol. Rev. 65, 386-408.
Novikoff (1962), On convergence proofs on perceptrons. Symp. Math. Theory of
Automata 12, 615-622.
Widrow & Hoff (1960), Adaptive switching circuits. IRE WESCON Conv. Rec. 4, 96-104.
Minsky & Papert (1969), Perceptrons. MIT Press.
Koch (1999), Biophysics of Computation, chapters 1 and 5 (shunting inhibition,
coincidence detection).
Rodieck (1965), Quantitative analysis of cat retinal ganglion cell response to
visual stimuli. Vision Res. 5, 583-601 (difference-of-Gaussians model).
Hertz, Krogh & Palmer (1991), Introduction to the Theory of Neural
Computation, chapter 5.
"""

from __future__ import annotations

import itertools
import numbers
import warnings
from collections.abc import Sequence

import numpy as np
import xarray as xr
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from neurocomp._validation import (
    check_is_fitted,
    NeurocompWarning,
    ValidationError,
    check_array,
    check_binary,
    check_in_range,
    check_int,
    check_nonnegative,
    check_option,
    check_positive,
)
from neurocomp._deprecation import renamed_kwargs
from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp.random import as_generator

__all__ = [
    "ThresholdUnit",
    "ThresholdNetwork",
    "Circuit",
    "GATE_NAMES",
    "gate",
    "AND",
    "OR",
    "NOT",
    "NAND",
    "NOR",
    "XOR",
    "MAJORITY",
    "majority",
    "half_adder",
    "full_adder",
    "input_patterns",
    "truth_table",
    "find_threshold_units",
    "divisive_inhibition",
    "Perceptron",
    "DeltaRule",
    "SPIKING_GATES",
    "spiking_truth_table",
    "dog_kernel",
    "center_surround",
]


# --------------------------------------------------------------------------- helpers
def _check_inputs(X, n_inputs: int, name: str = "X") -> tuple[np.ndarray, bool]:
    """Binary inputs as (n_samples, n_inputs); flag if a single 1-D pattern came."""
    X = check_binary(name, X, ndim=(1, 2))
    single = X.ndim == 1
    X2 = X[None, :] if single else X
    if X2.shape[1] != n_inputs:
        raise ValidationError(
            f"{name} must have {n_inputs} input column(s), one per input of the gate; got shape {X.shape}"
        )
    return X2, single


def input_patterns(n_inputs: int) -> np.ndarray:
    """All ``2**n_inputs`` binary input patterns in counting order, shape (2**n, n).

    >>> input_patterns(2).tolist()
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    n_inputs = check_int("n_inputs", n_inputs, low=1, high=16)
    return np.array(list(itertools.product((0, 1), repeat=n_inputs)), dtype=int)


class ThresholdUnit:
    """A McCulloch-Pitts threshold unit: ``y = 1 if w·x >= threshold else 0``.

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
        Synaptic weights (positive excitatory, negative inhibitory).
    threshold : float
        Firing threshold θ.
    name : str, optional
        Label used in truth tables and figures.

    Examples
    --------
    >>> and_unit = ThresholdUnit([1, 1], 2)
    >>> and_unit([[0, 0], [0, 1], [1, 0], [1, 1]]).tolist()
    [0, 0, 0, 1]
    """

    n_outputs = 1

    def __init__(self, weights, threshold: float, name: str | None = None):
        self.weights = check_array("weights", weights, ndim=1)
        if self.weights.size == 0:
            raise ValidationError("weights must hold at least one weight; got an empty array")
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
            raise ValidationError(f"threshold must be a finite real number; got {threshold!r}")
        self.threshold = float(threshold)
        self.name = name or f"ThresholdUnit(w={self.weights.tolist()}, θ={self.threshold:g})"

    @property
    def n_inputs(self) -> int:
        return int(self.weights.size)

    def net_input(self, X) -> np.ndarray:
        """Weighted input sum ``w·x`` for binary ``X`` of shape (n_samples, n_inputs)."""
        X2, single = _check_inputs(X, self.n_inputs)
        h = X2 @ self.weights
        return h[0] if single else h

    def __call__(self, X) -> np.ndarray:
        """Output bits, shape (n_samples,) (a scalar for one 1-D pattern)."""
        X2, single = _check_inputs(X, self.n_inputs)
        y = (X2 @ self.weights >= self.threshold).astype(int)
        return y[0] if single else y

    def __repr__(self):
        return f"ThresholdUnit(weights={self.weights.tolist()}, threshold={self.threshold:g}, name={self.name!r})"


class ThresholdNetwork:
    """Layers of threshold units, evaluated on a batch of binary inputs.

    Parameters
    ----------
    layers : sequence of (weights, thresholds)
        ``weights`` of shape (n_in, n_out) and ``thresholds`` of shape (n_out,)
        for each layer in turn; ``n_in`` of a layer is ``n_out`` of the one before.
    name : str, optional

    Examples
    --------
    XOR = AND(OR, NAND):

    >>> xor = ThresholdNetwork([([[1, -1], [1, -1]], [1, -1.5]), ([[1], [1]], [2])])
    >>> xor(input_patterns(2)).tolist()
    [0, 1, 1, 0]
    """

    def __init__(self, layers: Sequence, name: str | None = None):
        if not isinstance(layers, Sequence) or len(layers) == 0:
            raise ValidationError(f"layers must be a non-empty sequence of (weights, thresholds); got {layers!r}")
        self.layers = []
        n_prev = None
        for i, layer in enumerate(layers):
            try:
                W, theta = layer
            except (TypeError, ValueError):
                raise ValidationError(f"layers[{i}] must be a pair (weights, thresholds); got {layer!r}") from None
            W = check_array(f"layers[{i}] weights", W, ndim=2)
            theta = check_array(f"layers[{i}] thresholds", theta, ndim=(0, 1)).reshape(-1)
            if theta.size != W.shape[1]:
                raise ValidationError(
                    f"layers[{i}] thresholds must hold one value per unit ({W.shape[1]}); got {theta.size}"
                )
            if n_prev is not None and W.shape[0] != n_prev:
                raise ValidationError(
                    f"layers[{i}] weights must have {n_prev} rows (the units of layer {i - 1}); got {W.shape[0]}"
                )
            n_prev = W.shape[1]
            self.layers.append((W, theta))
        self.name = name or "ThresholdNetwork"

    @property
    def n_inputs(self) -> int:
        return int(self.layers[0][0].shape[0])

    @property
    def n_outputs(self) -> int:
        return int(self.layers[-1][0].shape[1])

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Each layer's output bits, ``[(n_samples, n_units), ...]``."""
        X2, _ = _check_inputs(X, self.n_inputs)
        outs, y = [], X2
        for W, theta in self.layers:
            y = (y @ W >= theta).astype(int)
            outs.append(y)
        return outs

    def __call__(self, X) -> np.ndarray:
        """Output bits: (n_samples,) for one output unit, else (n_samples, n_outputs)."""
        single = np.ndim(X) == 1
        y = self.layer_outputs(X)[-1]
        y = y[:, 0] if self.n_outputs == 1 else y
        return y[0] if single else y

    def __repr__(self):
        shapes = " -> ".join([str(self.n_inputs)] + [str(W.shape[1]) for W, _ in self.layers])
        return f"ThresholdNetwork({shapes}, name={self.name!r})"


class Circuit:
    """Gates wired into a circuit (evaluated in the order given, batched over samples).

    Parameters
    ----------
    inputs : sequence of str
        Names of the circuit's input lines.
    nodes : sequence of (name, gate, sources)
        Each node applies a single-output ``gate`` (ThresholdUnit, ThresholdNetwork
        or Circuit) to the lines named in ``sources`` (inputs or earlier nodes).
    outputs : sequence of str
        The lines read out, in order.
    name : str, optional

    Examples
    --------
    >>> ha = half_adder()
    >>> ha(input_patterns(2)).tolist()    # columns: sum, carry
    [[0, 0], [1, 0], [1, 0], [0, 1]]
    """

    def __init__(self, inputs: Sequence[str], nodes: Sequence, outputs: Sequence[str], name: str | None = None):
        self.inputs = [str(s) for s in inputs]
        if not self.inputs or len(set(self.inputs)) != len(self.inputs):
            raise ValidationError(f"inputs must be unique, non-empty names; got {list(inputs)!r}")
        known = set(self.inputs)
        self.nodes = []
        for node in nodes:
            try:
                node_name, g, sources = node
            except (TypeError, ValueError):
                raise ValidationError(f"each node must be (name, gate, sources); got {node!r}") from None
            if node_name in known:
                raise ValidationError(f"node name {node_name!r} is used twice")
            sources = [str(s) for s in sources]
            missing = [s for s in sources if s not in known]
            if missing:
                raise ValidationError(
                    f"node {node_name!r} reads undefined line(s) {missing}; defined so far: {sorted(known)}"
                )
            if getattr(g, "n_outputs", None) != 1 or g.n_inputs != len(sources):
                raise ValidationError(
                    f"node {node_name!r}: gate must have one output and {len(sources)} input(s); "
                    f"got {getattr(g, 'n_inputs', '?')} input(s) and {getattr(g, 'n_outputs', '?')} output(s)"
                )
            self.nodes.append((str(node_name), g, sources))
            known.add(str(node_name))
        self.outputs = [str(s) for s in outputs]
        bad = [s for s in self.outputs if s not in known]
        if bad or not self.outputs:
            raise ValidationError(f"outputs must name defined lines {sorted(known)}; got {list(outputs)!r}")
        self.name = name or "Circuit"

    @property
    def n_inputs(self) -> int:
        return len(self.inputs)

    @property
    def n_outputs(self) -> int:
        return len(self.outputs)

    def __call__(self, X) -> np.ndarray:
        single = np.ndim(X) == 1
        X2, _ = _check_inputs(X, self.n_inputs)
        lines = {name: X2[:, i] for i, name in enumerate(self.inputs)}
        for node_name, g, sources in self.nodes:
            lines[node_name] = np.asarray(g(np.column_stack([lines[s] for s in sources])))
        y = np.column_stack([lines[o] for o in self.outputs])
        y = y[:, 0] if self.n_outputs == 1 else y
        return y[0] if single else y

    def __repr__(self):
        return f"Circuit(inputs={self.inputs}, outputs={self.outputs}, name={self.name!r})"


GATE_NAMES = ("AND", "OR", "NOT", "NAND", "NOR", "XOR", "MAJORITY")


def gate(name: str, n_inputs: int | None = None):
    """A named logic gate built from threshold units.

    Parameters
    ----------
    name : {"AND", "OR", "NOT", "NAND", "NOR", "XOR", "MAJORITY"}
        Case-insensitive.
    n_inputs : int, optional
        Fan-in (default 2; NOT has 1, MAJORITY 3; XOR is built for 2 inputs,
        as AND(OR, NAND)).

    Returns
    -------
    ThresholdUnit or ThresholdNetwork (XOR)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a gate name (str); got {type(name).__name__}")
    key = check_option("name", name.upper(), GATE_NAMES)
    default = {"NOT": 1, "MAJORITY": 3}.get(key, 2)
    n = default if n_inputs is None else check_int("n_inputs", n_inputs, low=1)
    if key == "NOT":
        if n != 1:
            raise ValidationError(f"n_inputs must be 1 for NOT; got {n}")
        return ThresholdUnit([-1.0], -0.5, name="NOT")
    if key == "XOR":
        if n != 2:
            raise ValidationError(f"n_inputs must be 2 for XOR; got {n}")
        return ThresholdNetwork([(np.array([[1.0, -1.0], [1.0, -1.0]]), [0.5, -1.5]), (np.array([[1.0], [1.0]]), [1.5])], name="XOR")
    ones = np.ones(n)
    label = key if n == 2 or (key == "MAJORITY" and n == 3) else f"{key}{n}"
    if key == "AND":
        return ThresholdUnit(ones, n - 0.5, name=label)
    if key == "OR":
        return ThresholdUnit(ones, 0.5, name=label)
    if key == "NAND":
        return ThresholdUnit(-ones, -(n - 0.5), name=label)
    if key == "NOR":
        return ThresholdUnit(-ones, -0.5, name=label)
    return ThresholdUnit(ones, n // 2 + 0.5, name=label)  # MAJORITY: more than half on


def majority(n_inputs: int = 3) -> ThresholdUnit:
    """A unit that fires when more than half of its ``n_inputs`` inputs are on."""
    return gate("MAJORITY", n_inputs)


AND = gate("AND")
OR = gate("OR")
NOT = gate("NOT")
NAND = gate("NAND")
NOR = gate("NOR")
XOR = gate("XOR")
MAJORITY = gate("MAJORITY")


def half_adder() -> Circuit:
    """Sum = a XOR b, carry = a AND b: outputs (sum, carry)."""
    return Circuit(["a", "b"], [("sum", XOR, ["a", "b"]), ("carry", AND, ["a", "b"])], ["sum", "carry"], name="half adder")


def full_adder() -> Circuit:
    """Two half adders and an OR: inputs (a, b, carry_in), outputs (sum, carry_out)."""
    return Circuit(
        ["a", "b", "cin"],
        [
            ("s1", XOR, ["a", "b"]),
            ("c1", AND, ["a", "b"]),
            ("sum", XOR, ["s1", "cin"]),
            ("c2", AND, ["s1", "cin"]),
            ("cout", OR, ["c1", "c2"]),
        ],
        ["sum", "cout"],
        name="full adder",
    )


def _resolve_gate(g):
    if isinstance(g, str):
        return gate(g)
    if not callable(g) or not hasattr(g, "n_inputs"):
        raise TypeError(
            f"gate must be a gate name ({', '.join(GATE_NAMES)}) or a ThresholdUnit/ThresholdNetwork/Circuit; "
            f"got {type(g).__name__}"
        )
    return g


def truth_table(g) -> xr.DataArray:
    """The output of a gate for every input combination.

    Parameters
    ----------
    g : str or gate
        A gate name (see :data:`GATE_NAMES`) or any ThresholdUnit,
        ThresholdNetwork or Circuit.

    Returns
    -------
    xarray.DataArray
        dims ``("pattern",)`` (one output) or ``("pattern", "output")``;
        coords ``inputs`` (e.g. ``"01"``) and ``x1 .. xn`` (each input bit) on
        pattern, output names on ``output``.
    """
    g = _resolve_gate(g)
    X = input_patterns(g.n_inputs)
    y = np.asarray(g(X)).astype(int)
    coords = {
        "pattern": np.arange(X.shape[0]),
        "inputs": ("pattern", np.array(["".join(map(str, row)) for row in X], dtype=object)),
    }
    for k in range(X.shape[1]):
        coords[f"x{k + 1}"] = ("pattern", X[:, k])
    dims = ("pattern",)
    if y.ndim == 2:
        dims = ("pattern", "output")
        coords["output"] = list(getattr(g, "outputs", [f"y{k + 1}" for k in range(y.shape[1])]))
    return xr.DataArray(
        y, dims=dims, coords=coords, name="output",
        attrs={"long_name": f"{getattr(g, 'name', 'gate')} output", "units": "1", "gate": getattr(g, "name", "gate")},
    )


def find_threshold_units(target, *, weights=None, thresholds=None) -> np.ndarray:
    """All single threshold units on a grid that compute a given Boolean function.

    Parameters
    ----------
    target : str, gate or array-like of shape (2**n_inputs,)
        The function (a gate, or its outputs in :func:`input_patterns` order).
    weights : array-like of shape (n_grid,), optional
        Values tried for every weight (default ``linspace(-2, 2, 41)``).
    thresholds : array-like of shape (n_thr,), optional
        Values tried for the threshold (default ``linspace(-2.05, 2.05, 42)``,
        offset so that ties ``w·x = θ`` are also probed on a separate grid).

    Returns
    -------
    array of shape (n_solutions, n_inputs + 1)
        Rows ``(w_1, ..., w_n, θ)`` that reproduce the target on every input
        pattern; empty for a function that is not linearly separable (XOR).
    """
    if isinstance(target, str) or hasattr(target, "n_inputs"):
        table = truth_table(target)
        if table.ndim != 1:
            raise ValidationError("target must have a single output; got a multi-output gate")
        t = table.values
    else:
        t = check_binary("target", target, ndim=1)
    n = int(round(np.log2(t.size)))
    if 2**n != t.size or n < 1:
        raise ValidationError(f"target must hold 2**n_inputs values; got {t.size}")
    w = check_array("weights", np.linspace(-2, 2, 41) if weights is None else weights, ndim=1)
    th = check_array("thresholds", np.linspace(-2.05, 2.05, 42) if thresholds is None else thresholds, ndim=1)
    if w.size ** n * th.size > 5e7:
        raise ValidationError(
            f"the grid is too large ({w.size}**{n} x {th.size} units); use fewer weight or threshold values"
        )
    X = input_patterns(n)
    W = np.array(list(itertools.product(w, repeat=n)))  # (n_w, n)
    h = W @ X.T  # (n_w, n_patterns)
    out = h[:, None, :] >= th[None, :, None]  # (n_w, n_th, n_patterns)
    ok = np.all(out == t.astype(bool)[None, None, :], axis=2)
    iw, it = np.nonzero(ok)
    return np.column_stack([W[iw], th[it]])


def divisive_inhibition(excitation, inhibition, *, leak: float = 0.0) -> np.ndarray:
    """Steady depolarisation of a membrane with shunting inhibition, ``E / (E + I + leak)``.

    A patch with excitatory conductance ``g_E`` (reversal 1, in units of the
    excitatory driving force), inhibitory conductance ``g_I`` with reversal at
    rest (shunting) and leak ``g_L`` settles at
    ``V = g_E / (g_E + g_I + g_L)``: inhibition divides rather than subtracts.

    Parameters
    ----------
    excitation, inhibition : array-like (broadcastable), >= 0
        Conductances ``g_E`` and ``g_I`` (any common unit).
    leak : float, default 0
        Leak conductance ``g_L`` (same unit).

    Returns
    -------
    array
        ``V`` in [0, 1] (fraction of the excitatory reversal potential above
        rest); 0 where all conductances are zero.
    """
    E = check_array("excitation", excitation)
    I = check_array("inhibition", inhibition)
    leak = check_nonnegative("leak", leak)
    for name, a in (("excitation", E), ("inhibition", I)):
        if np.any(a < 0):
            raise ValidationError(f"{name} must be >= 0 (a conductance); got minimum {a.min():g}")
    try:
        E, I = np.broadcast_arrays(E, I)
    except ValueError:
        raise ValidationError(
            f"excitation and inhibition must broadcast together; got shapes {np.shape(E)} and {np.shape(I)}"
        ) from None
    total = E + I + leak
    return np.divide(E, total, out=np.zeros(total.shape), where=total > 0)


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


# --------------------------------------------------------------------------- spiking gates
#: Membrane time constant, resting/reset potential, refractory period (SI units).
TAU_M = 10e-3
V_REST = -70e-3
T_REF = 2e-3
#: Decay time constant of the inhibitory synaptic current (GABA_A-like), s.
TAU_INH = 20e-3
#: Excitatory PSP jump and inhibitory current jump, V.
W_EXC = 16e-3
W_INH = 80e-3
#: Thresholds above rest, V: coincidence (AND: above one EPSP, below two coincident ones; the
#: coincidence window is TAU_M ln(W_EXC / (THETA_AND - W_EXC)) = 6.9 ms), OR (below one EPSP)
#: and tonic NOT-type neurons.
THETA_AND = 24e-3
THETA_OR = 8e-3
THETA_TONIC = 20e-3
#: Tonic drive of NOT-type neurons (steady state above rest, V): fires at ~110 Hz unless inhibited.
I_TONIC = 40e-3
#: Input spike time (before jitter), s; readout windows are relative to it.
T_ON = 20e-3
DURATION = 50e-3
#: Axonal delays in the XOR network: OR -> out slow, AND -> out (inhibitory) fast, s.
DELAY_XOR_EXC = 8e-3
DELAY_INH = 0.5e-3

# Circuits: neurons (role, theta above rest, tonic drive) and edges
# (source, target, excitatory V jump, inhibitory current jump, delay); sources "inK" are inputs.
_SPIKING_CIRCUITS = {
    "AND": (2, [("out", THETA_AND, 0.0)], [("in0", "out", W_EXC, 0, 0), ("in1", "out", W_EXC, 0, 0)]),
    "OR": (2, [("out", THETA_OR, 0.0)], [("in0", "out", W_EXC, 0, 0), ("in1", "out", W_EXC, 0, 0)]),
    "NOT": (1, [("out", THETA_TONIC, I_TONIC)], [("in0", "out", 0, W_INH, 0)]),
    "NOR": (2, [("out", THETA_TONIC, I_TONIC)], [("in0", "out", 0, W_INH, 0), ("in1", "out", 0, W_INH, 0)]),
    "NAND": (
        2,
        [("and", THETA_AND, 0.0), ("out", THETA_TONIC, I_TONIC)],
        [("in0", "and", W_EXC, 0, 0), ("in1", "and", W_EXC, 0, 0), ("and", "out", 0, W_INH, DELAY_INH)],
    ),
    "XOR": (
        2,
        [("or", THETA_OR, 0.0), ("and", THETA_AND, 0.0), ("out", THETA_OR, 0.0)],
        [
            ("in0", "or", W_EXC, 0, 0), ("in1", "or", W_EXC, 0, 0),
            ("in0", "and", W_EXC, 0, 0), ("in1", "and", W_EXC, 0, 0),
            ("or", "out", W_EXC, 0, DELAY_XOR_EXC), ("and", "out", 0, W_INH, DELAY_INH),
        ],
    ),
}
SPIKING_GATES = tuple(_SPIKING_CIRCUITS)
# Readout window relative to T_ON: gates driven by their inputs answer at once;
# tonic (NOT-type) outputs are read after inhibition has had time to arrive.
_WINDOW = {"AND": (-5e-3, 15e-3), "OR": (-5e-3, 15e-3), "XOR": (-5e-3, 15e-3),
           "NOT": (5e-3, 25e-3), "NOR": (5e-3, 25e-3), "NAND": (5e-3, 25e-3)}


def _si(name: str, value, unit_name: str) -> float:
    """A brian2 quantity of the right dimension, or a plain float in SI, as float
    (the package's one converter, :func:`neurocomp.spiking._units.to_si`)."""
    from neurocomp.spiking._units import to_si

    return to_si(name, value, {"second": "s", "volt": "V"}[unit_name])


@renamed_kwargs(noise="noise_sd")
def spiking_truth_table(name: str, *, trials: int = 20, jitter=1e-3, noise_sd=0.5e-3, dt=0.1e-3, target: str | None = None,
                        rng=None) -> xr.Dataset:
    """Truth table of a logic gate built from leaky integrate-and-fire neurons on brian2.

    Every active input emits one spike at ``T_ON`` (20 ms) plus Gaussian jitter;
    a gate's output bit is 1 when its output neuron fires in the readout window.
    All input combinations × trials run at once as one brian2 network (each
    copy of the circuit is a separate set of neurons).

    Circuits (membrane ``τ_m`` = 10 ms, rest -70 mV, EPSP jump 16 mV):

    * AND — coincidence detector: threshold 24 mV above rest, above one EPSP
      (16 mV) but below two coincident ones; the second EPSP must come within
      ``τ_m ln(16 / (24 - 16))`` ≈ 6.9 ms of the first (6.6 ms at dt = 0.1 ms,
      because brian2 applies a synaptic jump after the threshold test, so the
      potential decays for one step before it is compared).
    * OR — low threshold (8 mV above rest): one EPSP suffices.
    * NOT — a tonically driven neuron (steady state 40 mV above rest, ~110 Hz)
      silenced by a slow inhibitory current (τ = 20 ms) from the input.
    * NOR, NAND — the tonic neuron inhibited by both inputs, or by an AND neuron.
    * XOR — OR and AND neurons; the output is excited by OR through a slow
      axon (8 ms) and vetoed by AND through a fast one (0.5 ms).

    Parameters
    ----------
    name : {"AND", "OR", "NOT", "NAND", "NOR", "XOR"}
    trials : int, default 20
        Repetitions of each input combination.
    jitter : float (s) or brian2 quantity, default 1 ms
        Standard deviation of the input spike times (at most 4 ms).
    noise_sd : float (V) or brian2 quantity, default 0.5 mV
        Stationary standard deviation of the free membrane potential (the noise
        of :func:`neurocomp.spiking.membrane_equation`; called ``noise`` before
        0.2, still accepted with a DeprecationWarning).
    dt : float (s) or brian2 quantity, default 0.1 ms
        Integration time step.
    target : {"numpy", "cython"}, optional
        brian2 code-generation target; default neurocomp's choice
        (:func:`neurocomp.spiking.backend.default_codegen_target`). These
        networks are small (a few hundred neurons, 50 ms): "numpy" runs them
        in about the time "cython" needs with a warm cache, without compiling.
    rng : None, int, SeedSequence or Generator
        Randomness of the jitter (numpy) and of the membrane noise (brian2).

    Returns
    -------
    xarray.Dataset
        ``output`` (pattern, trial): the bit read out; ``spike_count``
        (pattern, trial): output spikes in the window; ``expected`` (pattern):
        the logical truth table; ``fraction_correct`` (pattern); and the raster
        as ``spike_time`` (spike) with coords ``spike_pattern``, ``spike_trial``,
        ``spike_neuron`` (``"in1"``, ``"and"``, ``"out"`` ...). Attrs give the
        gate, the readout window and the brian2 code-generation target.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a gate name (str); got {type(name).__name__}")
    key = check_option("name", name.upper(), SPIKING_GATES)
    trials = check_int("trials", trials, low=1, high=10_000)
    jitter = check_in_range("jitter", _si("jitter", jitter, "second"), 0.0, 4e-3)
    noise_sd = check_in_range("noise_sd", _si("noise_sd", noise_sd, "volt"), 0.0, 5e-3)
    dt = check_in_range("dt", _si("dt", dt, "second"), 0.0, 0.5e-3, low_open=True)

    import brian2 as b2

    from neurocomp.random import brian2_seeded
    from neurocomp.spiking.populations import membrane_equation
    from neurocomp.spiking.backend import brian2_settings

    n_in, neurons, edges = _SPIKING_CIRCUITS[key]
    roles = [r for r, _, _ in neurons]
    K = len(neurons)
    X = input_patterns(n_in)
    n_pat = X.shape[0]
    C = n_pat * trials  # copies: copy c has pattern c // trials, trial c % trials
    copy_pattern = np.repeat(np.arange(n_pat), trials)

    g = as_generator(rng)
    jitter_rng, run_rng = g.spawn(2)
    active = X[copy_pattern].astype(bool)  # (C, n_in)
    times = T_ON + jitter * jitter_rng.standard_normal(active.shape)
    c_idx, k_idx = np.nonzero(active)
    in_idx = c_idx * n_in + k_idx
    in_t = times[c_idx, k_idx]

    theta = np.tile([th for _, th, _ in neurons], C)
    tonic = np.tile([ton for _, _, ton in neurons], C)

    def endpoints(src, tgt):
        copies = np.arange(C)
        s = copies * n_in + int(src[2:]) if src.startswith("in") else copies * K + roles.index(src)
        return s, copies * K + roles.index(tgt)

    with brian2_settings(target) as target, brian2_seeded(run_rng):  # global random state restored afterwards
        eqs = membrane_equation("I_tonic - s_i", noise=True) + """
        ds_i/dt = -s_i / tau_i : volt
        I_tonic : volt (constant)
        v_th : volt (constant)
        """
        G = b2.NeuronGroup(C * K, eqs, threshold="v > v_th", reset="v = v_rest", refractory=T_REF * b2.second,
                           method="euler", dt=dt * b2.second, name="gate_neurons")
        G.v = V_REST * b2.volt
        G.v_th = (V_REST + theta) * b2.volt
        G.I_tonic = tonic * b2.volt
        objects = [G]
        inp = b2.SpikeGeneratorGroup(C * n_in, in_idx.astype(int), in_t * b2.second, dt=dt * b2.second, name="gate_inputs")
        objects.append(inp)
        syn_model = "w_e : volt (constant)\nw_i : volt (constant)"
        syn_pre = "v_post += w_e\ns_i_post += w_i"
        for from_inputs, label in ((True, "in"), (False, "rec")):
            sel = [e for e in edges if e[0].startswith("in") == from_inputs]
            if not sel:
                continue
            parts = [endpoints(e[0], e[1]) for e in sel]
            src = np.concatenate([p[0] for p in parts])
            tgt = np.concatenate([p[1] for p in parts])
            S = b2.Synapses(inp if from_inputs else G, G, model=syn_model, on_pre=syn_pre, dt=dt * b2.second,
                            name=f"gate_syn_{label}")
            S.connect(i=src.astype(int), j=tgt.astype(int))
            S.w_e = np.concatenate([np.full(C, e[2]) for e in sel]) * b2.volt
            S.w_i = np.concatenate([np.full(C, e[3]) for e in sel]) * b2.volt
            S.delay = np.concatenate([np.full(C, e[4]) for e in sel]) * b2.second
            objects.append(S)
        mon = b2.SpikeMonitor(G, name="gate_spikes")
        mon_in = b2.SpikeMonitor(inp, name="gate_input_spikes")
        net = b2.Network(*objects, mon, mon_in)
        net.run(DURATION * b2.second, namespace={
            "v_rest": V_REST * b2.volt, "tau_m": TAU_M * b2.second, "tau_i": TAU_INH * b2.second,
            "noise_sd": noise_sd * b2.volt,
        })
        st = np.asarray(mon.t / b2.second)
        si = np.asarray(mon.i)
        st_in = np.asarray(mon_in.t / b2.second)
        si_in = np.asarray(mon_in.i)

    w0, w1 = T_ON + _WINDOW[key][0], T_ON + _WINDOW[key][1]
    out_k = roles.index("out")
    is_out = (si % K == out_k) & (st >= w0) & (st < w1)
    counts = np.bincount(si[is_out] // K, minlength=C).reshape(n_pat, trials)
    output = (counts > 0).astype(int)
    expected = np.asarray(gate(key)(X)).astype(int)

    # raster: inputs then circuit neurons
    sp_copy = np.concatenate([si_in // n_in, si // K])
    sp_role = np.concatenate([np.array([f"in{k + 1}" for k in range(n_in)], dtype=object)[si_in % n_in],
                              np.array(roles, dtype=object)[si % K]])
    sp_time = np.concatenate([st_in, st])
    order = np.lexsort((sp_time, sp_copy))

    coords = {
        "pattern": np.arange(n_pat),
        "trial": np.arange(trials),
        "inputs": ("pattern", np.array(["".join(map(str, r)) for r in X], dtype=object)),
    }
    for k in range(n_in):
        coords[f"x{k + 1}"] = ("pattern", X[:, k])
    ds = xr.Dataset(coords=coords)
    ds["output"] = (("pattern", "trial"), output, {"long_name": "output bit (output neuron fired in window)", "units": "1"})
    ds["spike_count"] = (("pattern", "trial"), counts, {"long_name": "output spikes in readout window", "units": "1"})
    ds["expected"] = ("pattern", expected, {"long_name": "logical truth table", "units": "1"})
    ds["fraction_correct"] = ("pattern", (output == expected[:, None]).mean(axis=1),
                              {"long_name": "fraction of trials correct", "units": "1"})
    ds["spike_time"] = ("spike", sp_time[order], {"long_name": "spike time", "units": "s"})
    ds = ds.assign_coords(
        spike_pattern=("spike", copy_pattern[sp_copy[order]]),
        spike_trial=("spike", sp_copy[order] % trials),
        spike_neuron=("spike", sp_role[order].astype(str)),
    )
    ds.attrs.update(
        gate=key, window_start=w0, window_end=w1, input_time=T_ON, jitter=jitter, noise_sd=noise_sd,
        duration=DURATION, brian2_target=target, neurons=",".join(f"in{k + 1}" for k in range(n_in)) + "," + ",".join(roles),
    )
    return ds


# --------------------------------------------------------------------------- receptive fields
def dog_kernel(sigma_center: float = 1.0, sigma_surround: float = 3.0, *, size: int | None = None,
               on_center: bool = True) -> np.ndarray:
    """A balanced difference-of-Gaussians receptive field (sums to zero).

    ``K(r) = G(r; σ_c) - G(r; σ_s)`` with each Gaussian normalised to unit
    sum on the grid, so a uniform image gives no response. Sign flipped for
    an OFF-centre cell.

    Parameters
    ----------
    sigma_center, sigma_surround : float (pixels), ``sigma_center < sigma_surround``
    size : int, optional
        Odd side length (default ``2 * ceil(3 σ_s) + 1``).
    on_center : bool, default True

    Returns
    -------
    array of shape (size, size)
    """
    sc = check_positive("sigma_center", sigma_center)
    ss = check_positive("sigma_surround", sigma_surround)
    if not sc < ss:
        raise ValidationError(f"sigma_center must be smaller than sigma_surround; got {sc:g} and {ss:g}")
    if size is None:
        size = 2 * int(np.ceil(3 * ss)) + 1
    size = check_int("size", size, low=3)
    if size % 2 == 0:
        raise ValidationError(f"size must be odd (a centre pixel); got {size}")
    r = np.arange(size) - size // 2
    r2 = r[:, None] ** 2 + r[None, :] ** 2
    gc = np.exp(-r2 / (2 * sc**2))
    gs = np.exp(-r2 / (2 * ss**2))
    k = gc / gc.sum() - gs / gs.sum()
    return k if on_center else -k


def center_surround(image, *, sigma_center: float = 1.0, sigma_surround: float = 3.0, on_center: bool = True) -> np.ndarray:
    """Response of a sheet of centre-surround (LGN-like) cells to an image.

    The image is convolved with a balanced difference of Gaussians (unit-area
    centre minus unit-area surround), so uniform regions give zero and edges
    and spots give strong responses.

    Parameters
    ----------
    image : array of shape (height, width) or (n_images, height, width)
        Luminance (finite).
    sigma_center, sigma_surround : float (pixels)
    on_center : bool, default True
        ON-centre (excited by light in the centre) or OFF-centre.

    Returns
    -------
    array shaped like ``image``
        Response in units of the image's luminance.
    """
    from scipy import ndimage

    img = check_array("image", image, ndim=(2, 3))
    sc = check_positive("sigma_center", sigma_center)
    ss = check_positive("sigma_surround", sigma_surround)
    if not sc < ss:
        raise ValidationError(f"sigma_center must be smaller than sigma_surround; got {sc:g} and {ss:g}")
    lead = (0,) if img.ndim == 3 else ()
    resp = ndimage.gaussian_filter(img, lead + (sc, sc), mode="nearest") - ndimage.gaussian_filter(
        img, lead + (ss, ss), mode="nearest"
    )
    return resp if on_center else -resp
