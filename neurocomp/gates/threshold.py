"""McCulloch-Pitts threshold units, logic gates and circuits built from them.

A unit fires (outputs 1) when the weighted sum of its binary inputs reaches its
threshold, ``y = H(w·x - θ)``: a low threshold adds (OR), a high one multiplies
(AND), a negative weight subtracts (NOT), and shunting inhibition divides
(``E / (E + I)``). XOR is not linearly separable, so no single unit computes it;
one hidden layer does. Part of :mod:`neurocomp.gates` (import from there).

References
----------
McCulloch & Pitts (1943), A logical calculus of the ideas immanent in nervous
activity. Bull. Math. Biophys. 5, 115-133.
Minsky & Papert (1969), Perceptrons. MIT Press.
Koch (1999), Biophysics of Computation, chapter 1 (shunting inhibition).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_array, check_binary, check_int, check_nonnegative, check_option

__all__ = ["ThresholdUnit", "ThresholdNetwork", "Circuit", "GATE_NAMES", "gate", "AND", "OR", "NOT", "NAND", "NOR", "XOR", "MAJORITY", "majority", "half_adder", "full_adder", "input_patterns", "truth_table", "find_threshold_units", "divisive_inhibition"]


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

    Parameters
    ----------
    n_inputs : int
        Number of binary inputs, 1 … 16.

    Returns
    -------
    numpy.ndarray of int, shape (2**n_inputs, n_inputs)
        One pattern per row, the first input the most significant bit.

    Examples
    --------
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

    Examples
    --------
    >>> gate("AND")(input_patterns(2)).tolist()
    [0, 0, 0, 1]
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
    """A unit that fires when more than half of its ``n_inputs`` inputs are on.

    Parameters
    ----------
    n_inputs : int, default 3
        Number of inputs.

    Returns
    -------
    ThresholdUnit
        Unit weights and threshold ``n_inputs // 2 + 0.5``.

    Examples
    --------
    >>> majority(3)(input_patterns(3)).tolist()
    [0, 0, 0, 1, 0, 1, 1, 1]
    """
    return gate("MAJORITY", n_inputs)


AND = gate("AND")
OR = gate("OR")
NOT = gate("NOT")
NAND = gate("NAND")
NOR = gate("NOR")
XOR = gate("XOR")
MAJORITY = gate("MAJORITY")


def half_adder() -> Circuit:
    """Sum = a XOR b, carry = a AND b: outputs (sum, carry).

    Returns
    -------
    Circuit
        Inputs ``a``, ``b``; outputs ``sum``, ``carry``.

    References
    ----------
    .. [1] McCulloch, W. S. & Pitts, W. (1943). A logical calculus of the ideas immanent in
       nervous activity. Bull. Math. Biophys. 5, 115-133.

    Examples
    --------
    >>> half_adder()(input_patterns(2)).tolist()    # columns: sum, carry
    [[0, 0], [1, 0], [1, 0], [0, 1]]
    """
    return Circuit(["a", "b"], [("sum", XOR, ["a", "b"]), ("carry", AND, ["a", "b"])], ["sum", "carry"], name="half adder")


def full_adder() -> Circuit:
    """Two half adders and an OR: inputs (a, b, carry_in), outputs (sum, carry_out).

    Returns
    -------
    Circuit
        Inputs ``a``, ``b``, ``cin``; outputs ``sum``, ``cout`` (five threshold units).

    Examples
    --------
    >>> full_adder()(input_patterns(3))[-1].tolist()      # 1 + 1 + 1 = 11 in binary
    [1, 1]
    """
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

    Examples
    --------
    >>> tt = truth_table(gate("XOR"))
    >>> tt.inputs.values.tolist(), tt.values.tolist()
    (['00', '01', '10', '11'], [0, 1, 1, 0])
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

    Examples
    --------
    >>> find_threshold_units("AND")[0].round(2).tolist()          # (w1, w2, theta)
    [0.1, 0.1, 0.15]
    >>> find_threshold_units("XOR").shape                          # not linearly separable
    (0, 3)
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

    Examples
    --------
    >>> divisive_inhibition([1.0, 2.0], [0.0, 1.0], leak=1.0).tolist()   # 1/(1+0+1), 2/(2+1+1)
    [0.5, 0.5]
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
