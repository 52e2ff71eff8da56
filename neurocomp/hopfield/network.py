"""The Hopfield network: storage rules (Hebb, Storkey, pseudo-inverse), energy, and its dynamics.

Asynchronous, synchronous and Glauber (finite-temperature) updates, vectorised
over cues; :class:`Hopfield` stores patterns and recalls from cues. Part of
:mod:`neurocomp.hopfield` (import from there).

References
----------
J. J. Hopfield (1982), "Neural networks and physical systems with emergent
collective computational abilities", PNAS 79, 2554-2558.
A. Storkey (1997), "Increasing the capacity of a Hopfield network without
sacrificing functionality", ICANN'97, LNCS 1327, 451-456.
L. Personnaz, I. Guyon, G. Dreyfus (1986), "Collective computational properties
of neural networks: new learning mechanisms", Phys. Rev. A 34, 4217.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import expit

from neurocomp._validation import (
    ValidationError, check_array, check_int, check_nonnegative, check_option, check_spins,
)
from neurocomp.random import as_generator

__all__ = ["Hopfield", "RULES", "DYNAMICS", "AGS_CRITICAL_LOAD", "hebbian_weights", "storkey_weights", "pseudoinverse_weights", "energy", "run_dynamics"]


RULES = ("hebb", "storkey", "pseudoinverse")
#: Update schemes understood by :meth:`Hopfield.recall`.
DYNAMICS = ("async", "sync", "glauber")
#: Storage capacity of the Hebbian network at T = 0 in the N -> infinity limit (AGS 1987).
AGS_CRITICAL_LOAD = 0.138
#: Default number of sweeps before recall gives up.
DEFAULT_MAX_SWEEPS = 50


# --------------------------------------------------------------------------- storage rules


def _check_patterns(patterns, n_neurons=None) -> np.ndarray:
    raw = np.asarray(patterns) if isinstance(patterns, np.ndarray) else None
    if raw is not None and raw.dtype.kind == "i" and raw.ndim in (1, 2) and (np.abs(raw) == 1).all():
        arr = np.atleast_2d(raw)  # fast path: integer spins need no float copy
    else:
        arr = np.atleast_2d(check_spins("patterns", patterns, ndim=(1, 2)))
    if n_neurons is not None and arr.shape[1] != n_neurons:
        raise ValidationError(
            f"patterns must have shape (n_patterns, {n_neurons}) to match n_neurons={n_neurons}; got {arr.shape}"
        )
    return arr


def hebbian_weights(patterns, *, dtype="float64") -> np.ndarray:
    """Hebb's prescription ``W = patterns.T @ patterns / N`` with a zero diagonal.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    dtype : numpy dtype of the result (float32 halves the memory)

    Returns
    -------
    ndarray, shape (n_neurons, n_neurons), symmetric

    Examples
    --------
    >>> import numpy as np
    >>> w = hebbian_weights([[1, -1, 1, -1], [1, 1, -1, -1]])
    >>> w.tolist()[0], bool(np.allclose(w, w.T))
    ([0.0, 0.0, 0.0, -0.5], True)
    """
    xi = _check_patterns(patterns).astype(dtype)
    n = xi.shape[1]
    w = xi.T @ (xi * np.asarray(1.0 / n, dtype=xi.dtype))  # scale the small factor, not the N x N result
    np.fill_diagonal(w, 0.0)
    return w


def storkey_weights(patterns, *, dtype="float64") -> np.ndarray:
    """Storkey's (1997) incremental, local learning rule; zero diagonal.

    For each pattern ``x`` in turn, with local fields ``h = W @ x``::

        W += (x x^T - x h^T - h x^T + 2 W) / N      (then W_ii = 0)

    which is Storkey's ``(x_i x_j - x_i h_ji - h_ij x_j) / N`` written with
    ``h_ij = h_i - W_ij x_j``. Its capacity for random patterns (~0.14 N / sqrt(2 ln N)
    for perfect recall) exceeds Hebb's, and it copes far better with correlated patterns.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
        Patterns stored in turn.
    dtype : str or numpy dtype, default "float64"
        Type of the returned matrix.

    Returns
    -------
    ndarray, shape (n_neurons, n_neurons), symmetric

    References
    ----------
    .. [1] Storkey, A. (1997). Increasing the capacity of a Hopfield network without
       sacrificing functionality. ICANN'97, LNCS 1327, 451-456.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.hopfield import random_patterns
    >>> w = storkey_weights(random_patterns(10, 200, rng=0))
    >>> w.shape, bool(np.allclose(w, w.T)), bool((np.diag(w) == 0).all())
    ((200, 200), True, True)
    """
    xi = _check_patterns(patterns).astype(np.float64)
    n = xi.shape[1]
    w = np.zeros((n, n))
    for x in xi:  # sequential by definition of the rule: one step per pattern
        h = w @ x
        w *= 1.0 + 2.0 / n
        # x x^T - x h^T - h x^T as one rank-2 product: [x - h, -x]^T [x, h]
        w += np.stack([x - h, -x]).T @ (np.stack([x, h]) / n)
        np.fill_diagonal(w, 0.0)
    return w.astype(dtype, copy=False)


def pseudoinverse_weights(patterns, *, dtype="float64") -> np.ndarray:
    """Projection (pseudo-inverse) rule ``W = X^T (X X^T)^-1 X`` with a zero diagonal.

    Every stored pattern is a fixed point for any linearly independent set with
    ``n_patterns < n_neurons`` (each diagonal element removed is below 1).

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
        Linearly independent patterns, fewer than neurons.
    dtype : str or numpy dtype, default "float64"
        Type of the returned matrix.

    Returns
    -------
    ndarray, shape (n_neurons, n_neurons), symmetric
        The weights (dimensionless), zero diagonal.

    Raises
    ------
    ValueError
        If ``n_patterns >= n_neurons`` or the patterns are linearly dependent.

    References
    ----------
    .. [1] Personnaz, L., Guyon, I. & Dreyfus, G. (1985). Information storage and retrieval in
       spin-glass like neural networks. J. Physique Lett. 46, L359-L365.
    .. [2] Kanter, I. & Sompolinsky, H. (1987). Associative recall of memory without errors.
       Phys. Rev. A 35, 380-392.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, 1, -1, -1, 1], [1, -1, 1, -1, -1]])
    >>> w = pseudoinverse_weights(xi)
    >>> bool((np.sign(xi @ w.T) == xi).all())                # both patterns are fixed points
    True
    """
    xi = _check_patterns(patterns).astype(np.float64)
    p, n = xi.shape
    if p >= n:
        raise ValidationError(
            f"patterns: the pseudo-inverse rule can store fewer patterns than neurons; "
            f"got n_patterns={p} >= n_neurons={n}"
        )
    gram = xi @ xi.T
    rank = np.linalg.matrix_rank(gram)
    if rank < p:
        raise ValidationError(
            f"patterns must be linearly independent for the pseudo-inverse rule; got {p} patterns of rank {rank} "
            f"(remove repeated or dependent patterns)"
        )
    w = xi.T @ np.linalg.solve(gram, xi)
    np.fill_diagonal(w, 0.0)
    return w.astype(dtype, copy=False)


_RULE_FUNCS = {"hebb": hebbian_weights, "storkey": storkey_weights, "pseudoinverse": pseudoinverse_weights}


def energy(weights, states) -> np.ndarray | float:
    """Hopfield energy ``E(s) = -1/2 s^T W s`` of each state.

    Parameters
    ----------
    weights : array_like, shape (n_neurons, n_neurons)
    states : array_like of ±1, shape (n_neurons,) or (n_states, n_neurons)

    Returns
    -------
    float or ndarray of shape (n_states,)

    Examples
    --------
    >>> from neurocomp.hopfield import random_patterns
    >>> xi = random_patterns(10, 200, rng=0)
    >>> round(float(energy(hebbian_weights(xi), xi[0])) / 200, 2)      # about -1/2 per neuron
    -0.49
    """
    w = check_array("weights", weights, ndim=2)
    if w.shape[0] != w.shape[1]:
        raise ValidationError(f"weights must be a square matrix; got shape {w.shape}")
    s = check_spins("states", states, ndim=(1, 2))
    if s.shape[-1] != w.shape[0]:
        raise ValidationError(f"states must have {w.shape[0]} neurons (last axis); got shape {s.shape}")
    s2 = np.atleast_2d(s)
    e = -0.5 * np.einsum("bi,bi->b", s2 @ w, s2)
    return float(e[0]) if s.ndim == 1 else e


# --------------------------------------------------------------------------- dynamics


def _check_temperature(dynamics: str, temperature) -> float:
    t = check_nonnegative("temperature", temperature)
    if t > 0 and dynamics != "glauber":
        raise ValidationError(
            f"temperature must be 0 for dynamics={dynamics!r} (the temperature is used by dynamics='glauber'); got {temperature!r}"
        )
    return t


def _async_sweep(w, s, h, order, temperature, u, tol):
    """One asynchronous sweep over a batch, in place; returns the number of flips per cue.

    Cue ``b`` visits its neurons in the order ``order[b]``; ``h`` holds the local
    fields ``s @ w`` and is updated incrementally (one row of ``w`` per flip).
    At T = 0 the sweep jumps from flip to flip when few neurons are unstable
    (:func:`_async_sweep_deterministic`) and steps through the neurons otherwise;
    both give the same result.
    """
    n_cues, n = s.shape
    if temperature == 0.0:
        unstable = int((h * s < -tol).sum(axis=1).max()) if n_cues else 0
        # rough costs: a jump costs ~6 passes over the batch, a step ~8 microseconds
        if unstable * (5e-6 + 6e-9 * n_cues * n) < 8e-6 * n:
            return _async_sweep_deterministic(w, s, h, order, tol)
    flips = np.zeros(n_cues, dtype=np.int64)
    # flat indices, one contiguous row per time step
    flat = (order + (np.arange(n_cues) * n)[:, None]).T.copy()
    sf = s.reshape(-1)
    hf = h.reshape(-1)
    for t in range(n):  # sequential in time by definition; vectorized over cues
        ft = flat[t]
        old = sf.take(ft)
        field = hf.take(ft)
        if temperature == 0.0:
            changed = (field * old < -tol).nonzero()[0]
        else:
            new = np.where(u[:, t] < expit(2.0 * field / temperature), 1.0, -1.0)
            changed = (new != old).nonzero()[0]
        if changed.size:
            i = order[changed, t]
            nv = -old[changed]
            s[changed, i] = nv
            h[changed] += (2.0 * nv)[:, None] * w[i]
            flips[changed] += 1
    return flips


def _tie_tolerance(w, scale: float | None = None) -> float:
    """Fields smaller than this count as 0 (a tie keeps the state), so rounding never decides a flip.

    ``scale`` is a bound on ``max |w_ij|`` when known (P/N for Hebb), which saves a pass over ``w``.
    """
    if scale is None:
        scale = float(np.abs(w).max()) if w.size else 1.0
    return (1e-4 if w.dtype == np.float32 else 1e-9) * scale


def _async_sweep_deterministic(w, s, h, order, tol):
    """Exact T = 0 asynchronous sweep that jumps from one flip to the next.

    Between two flips of a cue the fields do not change, so the neurons visited in
    between are stable and visiting them changes nothing: the next neuron to flip
    is the first *unstable* one (``h_i s_i < 0``) at or after the cue's position in
    its order. The result is identical to visiting every neuron in turn, but the
    Python loop runs once per flip instead of once per neuron.
    """
    n_cues, n = s.shape
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[None, :], axis=1)
    pos = np.zeros(n_cues, dtype=np.int64)
    flips = np.zeros(n_cues, dtype=np.int64)
    rows = np.arange(n_cues)
    while rows.size:
        sr = s[rows]
        rr = rank[rows]
        key = np.where((h[rows] * sr < -tol) & (rr >= pos[rows, None]), rr, n)
        i = key.argmin(axis=1)
        k = key[np.arange(rows.size), i]
        ok = k < n
        rows, i, k = rows[ok], i[ok], k[ok]
        if rows.size == 0:
            break
        new_values = -s[rows, i]
        s[rows, i] = new_values
        h[rows] += (2.0 * new_values)[:, None] * w[i]
        pos[rows] = k + 1
        flips[rows] += 1
    return flips


def run_dynamics(
    weights,
    cues,
    *,
    patterns=None,
    dynamics: str = "async",
    temperature: float = 0.0,
    max_sweeps: int = DEFAULT_MAX_SWEEPS,
    rng=None,
) -> xr.Dataset:
    """Relax a batch of cues under a symmetric weight matrix.

    Parameters
    ----------
    weights : ndarray, shape (n_neurons, n_neurons), symmetric
    cues : array_like of ±1, shape (n_neurons,) or (n_cues, n_neurons)
    patterns : array_like of ±1, shape (n_patterns, n_neurons), optional
        Stored patterns to measure overlaps against.
    dynamics : {"async", "sync", "glauber"}
        ``"async"``: one neuron at a time, each cue in its own random order each
        sweep, ``s_i <- sign(h_i)`` (a zero field keeps the state); stops at a
        fixed point. ``"sync"``: all neurons at once, ``S <- sign(S W)``; stops at
        a fixed point or a 2-cycle. ``"glauber"``: asynchronous stochastic
        updates, ``P(s_i = +1) = 1 / (1 + exp(-2 h_i / T))``; runs ``max_sweeps`` sweeps.
    temperature : float >= 0
        ``T`` of Glauber dynamics (must be 0 for the deterministic dynamics).
    max_sweeps : int
        Upper bound on the sweeps per cue.
    rng : None, int, SeedSequence or Generator
        Update orders and Glauber noise.

    Returns
    -------
    xarray.Dataset
        ``state`` (cue, neuron), ``initial_state`` (cue, neuron), ``energy`` (cue),
        ``energy_trajectory`` (cue, sweep), ``converged`` (cue), ``cycle`` (cue),
        ``n_sweeps`` (cue); with ``patterns`` also ``overlap`` (cue, pattern) and
        ``overlap_trajectory`` (cue, sweep, pattern). Sweep 0 is the cue itself;
        cues that stop early keep their final values in later sweeps.

    Notes
    -----
    Asynchronous dynamics never raise the energy ``-1/2 s^T W s`` of a symmetric
    ``W`` with a non-negative diagonal (Hopfield 1982), so they end at a fixed
    point; synchronous dynamics end at a fixed point or a 2-cycle.

    References
    ----------
    .. [1] Hopfield, J. J. (1982). Neural networks and physical systems with emergent collective
       computational abilities. PNAS 79, 2554-2558.

    Examples
    --------
    >>> from neurocomp.hopfield import flip_bits, random_patterns
    >>> xi = random_patterns(10, 200, rng=0)
    >>> res = run_dynamics(hebbian_weights(xi), flip_bits(xi[:2], 0.1, rng=0), patterns=xi, rng=0)
    >>> res.overlap.values.max(axis=1).round(2).tolist()             # both cues recalled
    [1.0, 1.0]
    """
    w = check_array("weights", weights, ndim=2)
    if w.shape[0] != w.shape[1]:
        raise ValidationError(f"weights must be a square matrix; got shape {w.shape}")
    if w.dtype not in (np.float32, np.float64):
        w = w.astype(np.float64)
    n = w.shape[0]
    xi = None if patterns is None else _check_patterns(patterns, n)
    return _relax(w, cues, xi, dynamics, temperature, max_sweeps, rng, _tie_tolerance(w))


_RANGE_INDEXES: dict = {}  # (dim, size) -> xarray PandasIndex over 0 .. size - 1 (immutable, shared)


def _range_dataset(data, sizes, coord_attrs, attrs) -> xr.Dataset:
    """``xr.Dataset(data, coords={dim: np.arange(size)}, attrs=attrs)``, assembled in a tenth of the time.

    The recall of a batch of cues is a few matrix products; xarray's general constructor
    (alignment, merging, one pandas index per call) cost as much as one of them at N = 1000.
    Here the data are wrapped as variables directly and the integer-range indexes, which are
    immutable, are made once per (dim, size) and shared. The result is identical to the
    constructor's (tested); should xarray's internal constructor change, the public one is used.
    """
    try:
        from xarray.indexes import PandasIndex

        variables, indexes = {}, {}
        for dim, size in sizes.items():
            key = (dim, int(size))
            index = _RANGE_INDEXES.get(key)
            if index is None:
                if len(_RANGE_INDEXES) > 512:
                    _RANGE_INDEXES.clear()
                values = np.arange(size)
                values.flags.writeable = False
                index = _RANGE_INDEXES[key] = PandasIndex(values, dim)
            variables.update(index.create_variables({dim: xr.Variable(dim, index.index.values, coord_attrs.get(dim))}))
            indexes[dim] = index
        coord_names = set(variables)
        data_vars = {name: xr.Variable(dims, values, dict(var_attrs)) for name, (dims, values, var_attrs) in data.items()}
        return xr.Dataset._construct_direct({**data_vars, **variables}, coord_names, indexes=indexes, attrs=dict(attrs))
    except (AttributeError, TypeError, ImportError):  # pragma: no cover - another xarray
        coords = {dim: (dim, np.arange(size), coord_attrs.get(dim, {})) for dim, size in sizes.items()}
        return xr.Dataset(data, coords=coords, attrs=attrs)


def _relax(w, cues, xi, dynamics, temperature, max_sweeps, rng, tol) -> xr.Dataset:
    """:func:`run_dynamics` on checked weights ``w`` and patterns ``xi`` (or None).

    Skips the O(N^2) passes over the weights (finiteness, tie tolerance) that a
    stored model has already done once.
    """
    n = w.shape[0]
    c = check_array("cues", cues, ndim=(1, 2))
    if not (np.abs(c) == 1).all():  # one cheap pass; check_spins words the error
        check_spins("cues", c)
    if c.shape[-1] != n:
        raise ValidationError(f"cues must have shape (n_cues, {n}) or ({n},); got {c.shape}")
    c2 = np.atleast_2d(c)
    dynamics = check_option("dynamics", dynamics, DYNAMICS)
    temperature = _check_temperature(dynamics, temperature)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    gen = as_generator(rng)

    n_cues = c2.shape[0]
    s = c2.astype(w.dtype)
    xi_f = None if xi is None else xi.astype(w.dtype)
    energy_traj = np.empty((n_cues, max_sweeps + 1))
    overlap_traj = None if xi is None else np.empty((n_cues, max_sweeps + 1, xi.shape[0]))
    converged = np.zeros(n_cues, dtype=bool)
    cycle = np.zeros(n_cues, dtype=bool)
    n_sweeps = np.zeros(n_cues, dtype=np.int64)

    h = s @ w
    energy_traj[:, 0] = -0.5 * np.einsum("bi,bi->b", s, h)
    if xi is not None:
        overlap_traj[:, 0] = s @ xi_f.T / n
    active = np.arange(n_cues)
    previous = None  # states two parallel steps back, for 2-cycle detection
    run = 0
    for sweep in range(1, max_sweeps + 1):
        if active.size == 0:
            break
        run = sweep
        energy_traj[:, sweep] = energy_traj[:, sweep - 1]
        if xi is not None:
            overlap_traj[:, sweep] = overlap_traj[:, sweep - 1]
        # while every cue is still running (the common case) work on the arrays themselves,
        # not on gathered copies of their rows
        full = active.size == n_cues
        rows = slice(None) if full else active
        sa = s if full else s[active]
        if dynamics == "sync":
            ha = h if full else h[active]
            # sign(h) where |h| > tol, else the old state (a tie keeps it): fields are finite
            new = np.copysign(np.ones((), w.dtype), ha)
            np.copyto(new, sa, where=np.abs(ha) <= tol)
            changed = (new != sa).any(axis=1)
            is_cycle = np.zeros(active.size, dtype=bool) if previous is None else ((new == previous).all(axis=1) & changed)
            previous = sa
            sa = new
            if changed.all():
                h_new = sa @ w
            else:
                h_new = ha  # h itself, or (some cues stopped) a copy of its active rows
                if changed.any():  # unchanged states keep their fields: no product needed
                    h_new[changed] = sa[changed] @ w
            if full:
                s, h = sa, h_new
            else:
                s[active] = sa
                h[active] = h_new
            flips = changed.astype(np.int64)
            # overlaps are integer sums / n, exact: only the changed states need them again
            ov_rows = (active if not full else slice(None)) if changed.all() else active[changed]
            ov_states = sa if changed.all() else sa[changed]
        else:
            ha = h[active]
            order = gen.permuted(np.broadcast_to(np.arange(n), (active.size, n)), axis=1)
            u = gen.random((active.size, n)) if temperature > 0 else None
            flips = _async_sweep(w, sa, ha, order, temperature, u, tol)
            h_new = ha
            h[active] = h_new
            is_cycle = np.zeros(active.size, dtype=bool)
            if not full:
                s[active] = sa
            ov_rows, ov_states = rows, sa
        energy_traj[rows, sweep] = -0.5 * np.einsum("bi,bi->b", sa, h_new)
        if xi is not None and ov_states.shape[0]:
            overlap_traj[ov_rows, sweep] = ov_states @ xi_f.T / n
        n_sweeps[active] += flips > 0
        if temperature > 0:
            converged[active] = flips == 0
            continue
        stop = (flips == 0) | is_cycle
        converged[active[flips == 0]] = True
        cycle[active[is_cycle]] = True
        keep = ~stop
        active = active[keep]
        if previous is not None:
            previous = previous[keep]

    state = s.astype(np.int8)
    data = {
        "state": (("cue", "neuron"), state, {"long_name": "final state", "units": "1"}),
        "initial_state": (("cue", "neuron"), c2.astype(np.int8), {"long_name": "cue (initial state)", "units": "1"}),
        "energy": (("cue",), energy_traj[:, run], {"long_name": "final energy", "units": "1"}),
        "energy_trajectory": (("cue", "sweep"), energy_traj[:, : run + 1], {"long_name": "energy", "units": "1"}),
        "converged": (("cue",), converged, {"long_name": "reached a fixed point", "units": "1"}),
        "cycle": (("cue",), cycle, {"long_name": "ended in a 2-cycle (synchronous)", "units": "1"}),
        "n_sweeps": (("cue",), n_sweeps, {"long_name": "sweeps that changed the state", "units": "1"}),
    }
    sizes = {"cue": n_cues, "neuron": n, "sweep": run + 1}
    if xi is not None:
        data["overlap"] = (("cue", "pattern"), overlap_traj[:, run], {"long_name": "overlap with stored pattern", "units": "1"})
        data["overlap_trajectory"] = (
            ("cue", "sweep", "pattern"),
            overlap_traj[:, : run + 1],
            {"long_name": "overlap with stored pattern", "units": "1"},
        )
        sizes["pattern"] = xi.shape[0]
    attrs = dict(
        dynamics=dynamics,
        temperature=temperature,
        max_sweeps=max_sweeps,
        n_neurons=n,
        n_patterns=0 if xi is None else xi.shape[0],
    )
    ds = _range_dataset(data, sizes, {"sweep": {"long_name": "sweep (N single-neuron updates or one parallel update)", "units": "1"}}, attrs)
    return ds


# --------------------------------------------------------------------------- the model


class Hopfield:
    """A Hopfield network: store ±1 patterns, recall them from cues.

    Parameters
    ----------
    n_neurons : int
        Number of binary neurons N.
    rule : {"hebb", "storkey", "pseudoinverse"}
        Storage prescription (see :func:`hebbian_weights`, :func:`storkey_weights`,
        :func:`pseudoinverse_weights`).
    dtype : {"float64", "float32"}
        Precision of the weights (float32 halves the memory of large networks).
    rng : None, int, SeedSequence or Generator
        Default random stream of :meth:`recall` when it is given no ``rng``.

    Attributes
    ----------
    patterns_ : ndarray of int8, shape (n_patterns, n_neurons)
    weights_ : ndarray, shape (n_neurons, n_neurons)
    n_patterns_ : int
    load_ : float
        ``n_patterns / n_neurons`` (alpha).

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, random_patterns, flip_bits
    >>> xi = random_patterns(10, 500, rng=0)
    >>> net = Hopfield(500, rng=1).store(xi)
    >>> res = net.recall(flip_bits(xi, 0.2, rng=2))
    >>> bool((res.overlap.values.diagonal() == 1).all())
    True
    """

    def __init__(self, n_neurons: int, rule: str = "hebb", *, dtype: str = "float64", rng=None):
        self.n_neurons = n_neurons
        self.rule = rule
        self.dtype = dtype
        self.rng = rng

    def _check_params(self):
        check_int("n_neurons", self.n_neurons, low=2)
        check_option("rule", self.rule, RULES)
        try:
            name = np.dtype(self.dtype).name
        except TypeError:
            name = self.dtype
        check_option("dtype", name, ("float32", "float64"))

    def store(self, patterns) -> "Hopfield":
        """Store ``patterns`` (shape (n_patterns, n_neurons), values ±1), replacing earlier ones.

        Returns
        -------
        self
        """
        self._check_params()
        xi = _check_patterns(patterns, self.n_neurons)
        self.weights_ = _RULE_FUNCS[self.rule](xi, dtype=str(np.dtype(self.dtype)))
        self.patterns_ = xi.astype(np.int8)
        self.n_patterns_ = xi.shape[0]
        self.load_ = self.n_patterns_ / self.n_neurons
        self.tie_tolerance_ = _tie_tolerance(self.weights_, self.load_ if self.rule == "hebb" else None)
        self.rng_ = as_generator(self.rng)
        return self

    def _check_fitted(self, what: str):
        if not hasattr(self, "weights_"):
            raise ValidationError(
                f"This Hopfield instance has no stored patterns yet. Call 'store' with patterns before '{what}'."
            )

    def recall(
        self,
        cues,
        *,
        dynamics: str = "async",
        temperature: float = 0.0,
        max_sweeps: int = DEFAULT_MAX_SWEEPS,
        rng=None,
    ) -> xr.Dataset:
        """Let each cue relax; see :func:`run_dynamics` for the dynamics and the Dataset.

        Parameters
        ----------
        cues : array_like of ±1, shape (n_cues, n_neurons) or (n_neurons,)
        dynamics : {"async", "sync", "glauber"}
        temperature : float >= 0 (Glauber only)
        max_sweeps : int
        rng : None, int, SeedSequence or Generator
            Defaults to the model's stream (``rng`` given at construction).

        Returns
        -------
        xarray.Dataset with ``state`` (cue, neuron), ``overlap`` (cue, pattern),
        ``overlap_trajectory`` (cue, sweep, pattern), ``energy_trajectory`` (cue, sweep),
        ``converged`` (cue), ... and attrs ``rule``, ``load``.
        """
        self._check_fitted("recall")
        ds = _relax(
            self.weights_,
            cues,
            self.patterns_,
            dynamics,
            temperature,
            max_sweeps,
            self.rng_ if rng is None else rng,
            self.tie_tolerance_,
        )
        ds.attrs.update(rule=self.rule, load=self.load_)
        return ds

    def energy(self, states) -> np.ndarray | float:
        """Energy ``-1/2 s^T W s`` of each state (shape (n_states,) or a float for one state)."""
        self._check_fitted("energy")
        return energy(self.weights_, states)

    def __repr__(self) -> str:
        return f"Hopfield(n_neurons={self.n_neurons!r}, rule={self.rule!r}, dtype={self.dtype!r}, rng={self.rng!r})"
