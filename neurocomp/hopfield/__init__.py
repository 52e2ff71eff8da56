"""Hopfield networks: content-addressable memory in a network of threshold neurons.

Memories are stored in symmetric weights so that each becomes a stable state
(a minimum of an energy function); a partial or faulty cue then relaxes to the
nearest memory. This module gives the storage rules (Hebb, Storkey,
pseudo-inverse), the dynamics (asynchronous, synchronous, Glauber at a
temperature), the energy, overlaps, pattern tools, the analyses that measure
capacity, spurious states and basins of attraction, and a spiking (LIF, brian2)
version of pattern completion.

Units: neuron states are dimensionless spins ±1; weights and local fields are
dimensionless; "sweep" counts N single-neuron updates (asynchronous) or one
parallel update (synchronous). The spiking version takes seconds, volts and
hertz (plain SI floats or brian2 quantities).

References
----------
J. J. Hopfield (1982), "Neural networks and physical systems with emergent
collective computational abilities", PNAS 79, 2554-2558.
D. J. Amit, H. Gutfreund, H. Sompolinsky (1985), "Storing infinite numbers of
patterns in a spin-glass model of neural networks", PRL 55, 1530-1533, and
(1987) Ann. Phys. 173, 30-67 (the capacity alpha_c ~ 0.138).
A. Storkey (1997), "Increasing the capacity of a Hopfield network without
sacrificing functionality", ICANN'97, LNCS 1327, 451-456.
L. Personnaz, I. Guyon, G. Dreyfus (1986), "Collective computational properties
of neural networks: new learning mechanisms", Phys. Rev. A 34, 4217.
J. Hertz, A. Krogh, R. G. Palmer (1991), *Introduction to the Theory of Neural
Computation*, ch. 2 (crosstalk, one-step error probability, replica theory).
W. Gerstner, W. Kistler, R. Naud, L. Paninski (2014), *Neuronal Dynamics*, ch. 17.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.special import erf, erfc, expit

from neurocomp._validation import (
    ValidationError,
    check_array,
    check_in_range,
    check_int,
    check_nonnegative,
    check_option,
    check_positive,
    check_spins,
    describe_values,
)
from neurocomp.random import as_generator, brian2_seeded, spawn

__all__ = [
    "Hopfield",
    "RULES",
    "DYNAMICS",
    "AGS_CRITICAL_LOAD",
    "hebbian_weights",
    "storkey_weights",
    "pseudoinverse_weights",
    "energy",
    "run_dynamics",
    "to_spins",
    "random_patterns",
    "correlated_patterns",
    "letter_patterns",
    "flip_bits",
    "overlap",
    "mixture_state",
    "classify_states",
    "one_step_error",
    "one_step_error_theory",
    "ags_retrieval_overlap",
    "capacity_theory",
    "capacity_curve",
    "critical_load",
    "spurious_states",
    "basins_of_attraction",
    "spiking_recall",
]

#: Storage prescriptions understood by :class:`Hopfield`.
RULES = ("hebb", "storkey", "pseudoinverse")
#: Update schemes understood by :meth:`Hopfield.recall`.
DYNAMICS = ("async", "sync", "glauber")
#: Storage capacity of the Hebbian network at T = 0 in the N -> infinity limit (AGS 1987).
AGS_CRITICAL_LOAD = 0.138
#: Default number of sweeps before recall gives up.
DEFAULT_MAX_SWEEPS = 50


# --------------------------------------------------------------------------- patterns


def to_spins(values) -> np.ndarray:
    """Map 0/1 (or boolean) data to spins: 0 -> -1, 1 -> +1.

    Parameters
    ----------
    values : array_like of 0/1 or bool, any shape

    Returns
    -------
    ndarray of int8, same shape, values ±1
    """
    arr = np.asarray(values)
    if arr.dtype == bool:
        arr = arr.astype(np.int8)
    arr = check_array("values", arr)
    if not np.isin(arr, (0.0, 1.0)).all():
        raise ValidationError(f"values must hold only 0 and 1 (or booleans); got values {describe_values(arr)}")
    return (2 * arr - 1).astype(np.int8)


def random_patterns(n_patterns: int, n_neurons: int, *, activity: float = 0.5, rng=None) -> np.ndarray:
    """Independent random ±1 patterns.

    Parameters
    ----------
    n_patterns, n_neurons : int
    activity : float in (0, 1)
        Probability that a neuron is active (+1); 0.5 gives unbiased patterns,
        others give biased patterns whose mean spin is ``2 * activity - 1``.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    ndarray of int8, shape (n_patterns, n_neurons)
    """
    n_patterns = check_int("n_patterns", n_patterns, low=1)
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    activity = check_in_range("activity", activity, 0, 1, low_open=True, high_open=True)
    gen = as_generator(rng)
    if activity == 0.5:
        bits = gen.integers(0, 2, size=(n_patterns, n_neurons), dtype=np.int8)
    else:
        bits = (gen.random((n_patterns, n_neurons)) < activity).astype(np.int8)
    return (2 * bits - 1).astype(np.int8)


def correlated_patterns(
    n_patterns: int, n_neurons: int, *, n_prototypes: int = 1, noise: float = 0.2, rng=None
) -> np.ndarray:
    """Correlated patterns: noisy copies of a few random prototypes.

    Each pattern copies prototype ``k = index % n_prototypes`` and flips every
    bit independently with probability ``noise``, so two copies of the same
    prototype overlap by ``(1 - 2 * noise) ** 2`` on average.

    Returns
    -------
    ndarray of int8, shape (n_patterns, n_neurons)
    """
    n_patterns = check_int("n_patterns", n_patterns, low=1)
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    n_prototypes = check_int("n_prototypes", n_prototypes, low=1)
    noise = check_in_range("noise", noise, 0, 0.5)
    proto_rng, noise_rng = spawn(rng, 2)
    prototypes = random_patterns(n_prototypes, n_neurons, rng=proto_rng)
    base = prototypes[np.arange(n_patterns) % n_prototypes]
    flips = noise_rng.random((n_patterns, n_neurons)) < noise
    return np.where(flips, -base, base).astype(np.int8)


# 5 x 7 glyphs drawn for this module ('#' = active pixel).
_GLYPHS = {
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".####", "#....", "#....", "#....", "#....", "#....", ".####"),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".####", "#....", "#....", "#.###", "#...#", "#...#", ".###."),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "#####"),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "##.##", "#...#"),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
}
#: Shape (rows, columns) of one letter pattern before scaling.
LETTER_SHAPE = (7, 5)


def letter_patterns(letters: str = "HOPFIELD", *, scale: int = 2) -> tuple[np.ndarray, tuple[int, int]]:
    """Bitmaps of capital letters as ±1 patterns, for teaching.

    Parameters
    ----------
    letters : str
        Capital letters A-Z (repeats allowed).
    scale : int
        Each pixel of the 7 x 5 glyph becomes a ``scale`` x ``scale`` block,
        so ``n_neurons = 35 * scale**2``.

    Returns
    -------
    patterns : ndarray of int8, shape (len(letters), 35 * scale**2)
        Row-major flattened images; +1 = ink.
    shape : tuple (rows, columns)
        The image shape, for :func:`neurocomp.plotting.hopfield.plot_patterns`.

    Notes
    -----
    Letters share much of their ink, so they are *correlated* patterns: Hebbian
    storage of many of them fails long before the load 0.138 (try ``rule="storkey"``
    or ``"pseudoinverse"``).
    """
    if not isinstance(letters, str) or not letters:
        raise ValidationError(f"letters must be a non-empty string of capital letters A-Z; got {letters!r}")
    bad = sorted({c for c in letters if c not in _GLYPHS})
    if bad:
        raise ValidationError(f"letters must contain only capital letters A-Z; got {''.join(bad)!r} in {letters!r}")
    scale = check_int("scale", scale, low=1, high=10)
    images = np.array([[[c == "#" for c in row] for row in _GLYPHS[ch]] for ch in letters], dtype=np.int8)
    images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    shape = (LETTER_SHAPE[0] * scale, LETTER_SHAPE[1] * scale)
    return (2 * images.reshape(len(letters), -1) - 1).astype(np.int8), shape


def flip_bits(patterns, fraction: float, *args, rng=None) -> np.ndarray:
    """Copies of ``patterns`` with exactly ``round(fraction * n_neurons)`` bits flipped per row.

    The flipped positions are drawn independently for each row.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_neurons,) or (n_rows, n_neurons)
    fraction : float in [0, 1]
    *args
        Deprecated: ``rng`` given third, by position (works with a
        DeprecationWarning until version 0.3).
    rng : None, int, SeedSequence or Generator
        Keyword-only.

    Returns
    -------
    ndarray of int8, same shape as ``patterns``
    """
    if args:
        if len(args) > 1 or rng is not None:
            raise TypeError(f"flip_bits takes 2 positional arguments and rng by keyword; got {2 + len(args)} positional")
        import warnings

        warnings.warn("flip_bits: passing rng by position is deprecated and will stop working in neurocomp 0.3; "
                      "pass rng=... by keyword", DeprecationWarning, stacklevel=2)
        rng = args[0]
    arr = check_spins("patterns", patterns, ndim=(1, 2))
    fraction = check_in_range("fraction", fraction, 0, 1)
    two_d = np.atleast_2d(arr).astype(np.int8)
    n_rows, n = two_d.shape
    k = int(round(fraction * n))
    out = two_d.copy()
    if k > 0:
        gen = as_generator(rng)
        positions = np.argpartition(gen.random((n_rows, n)), k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (n_rows, 1))
        rows = np.repeat(np.arange(n_rows), k)
        out[rows, positions.ravel()] *= -1
    return out if arr.ndim == 2 else out[0]


def overlap(states, patterns) -> np.ndarray:
    """Overlaps ``m = states @ patterns.T / N`` (1 = identical, -1 = reversed, ~0 = unrelated).

    Parameters
    ----------
    states : array_like of ±1, shape (n_neurons,) or (n_states, n_neurons)
    patterns : array_like of ±1, shape (n_neurons,) or (n_patterns, n_neurons)

    Returns
    -------
    ndarray of float, shape (n_states, n_patterns) (dimensions of 1-D inputs dropped)
    """
    s = check_spins("states", states, ndim=(1, 2))
    p = check_spins("patterns", patterns, ndim=(1, 2))
    if s.shape[-1] != p.shape[-1]:
        raise ValidationError(
            f"states and patterns must have the same number of neurons (last axis); got {s.shape[-1]} and {p.shape[-1]}"
        )
    m = np.atleast_2d(s) @ np.atleast_2d(p).T / s.shape[-1]
    if s.ndim == 1:
        m = m[0]
    if p.ndim == 1:
        m = m[..., 0]
    return m


def mixture_state(patterns, indices=(0, 1, 2), signs=None) -> np.ndarray:
    """The mixture state ``sign(sum_k signs[k] * patterns[indices[k]])`` of an odd number of patterns.

    Returns
    -------
    ndarray of int8, shape (n_neurons,)
    """
    p = check_spins("patterns", patterns, ndim=2)
    idx = np.asarray(indices, dtype=int)
    if idx.ndim != 1 or idx.size % 2 == 0 or np.any((idx < 0) | (idx >= p.shape[0])):
        raise ValidationError(
            f"indices must be an odd number of pattern indices in [0, {p.shape[0] - 1}]; got {list(idx)}"
        )
    sg = np.ones(idx.size) if signs is None else check_spins("signs", signs, shape=(idx.size,))
    return np.sign(sg @ p[idx]).astype(np.int8)


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

    Returns
    -------
    ndarray, shape (n_neurons, n_neurons), symmetric
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

    Raises
    ------
    ValueError
        If ``n_patterns >= n_neurons`` or the patterns are linearly dependent.
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


# --------------------------------------------------------------------------- analyses


def one_step_error_theory(load, n_neurons: int | None = None):
    """Probability that a bit of a stored pattern flips in one update (Hebb, random patterns).

    The local field of neuron i in pattern 1 is signal ``(N-1)/N`` plus a crosstalk
    that is Gaussian with variance ``(P-1)(N-1)/N**2`` for large N, so

    ``P_error = 1/2 erfc(1 / sqrt(2 alpha))`` (N -> infinity, alpha = P/N), or with
    ``n_neurons`` the finite-N form ``1/2 erfc(sqrt((N-1) / (2 (P-1))))``.

    Parameters
    ----------
    load : float or array_like
        Load alpha = P / N (> 0).
    n_neurons : int, optional
        N for the finite-size form (default: the N -> infinity limit).

    Returns
    -------
    float or ndarray
        Error probability per bit, the shape of ``load``.
    """
    a = np.asarray(load, dtype=float)
    if np.any(a <= 0):
        raise ValidationError(f"load must be > 0; got {load!r}")
    if n_neurons is None:
        return 0.5 * erfc(1.0 / np.sqrt(2.0 * a))
    n = check_int("n_neurons", n_neurons, low=2)
    p = np.maximum(np.round(a * n), 2)
    return 0.5 * erfc(np.sqrt((n - 1) / (2.0 * (p - 1))))


def one_step_error(n_neurons: int, load: float, trials: int = 1, *, rng=None) -> np.ndarray:
    """Measured fraction of bits that flip in one parallel update started at stored patterns.

    Hebbian storage of ``P = round(load * N)`` random patterns; every bit of
    every pattern is tested. The fields are computed as ``(X X^T) X / N - (P/N) X``,
    which avoids forming the N x N weight matrix.

    Returns
    -------
    ndarray, shape (trials,) — the error fraction of each independent network
    """
    n = check_int("n_neurons", n_neurons, low=2)
    load = check_positive("load", load)
    trials = check_int("trials", trials, low=1)
    p = max(1, int(round(load * n)))
    out = np.empty(trials)
    for k, g in enumerate(spawn(rng, trials)):  # independent networks
        # integer-valued fields N h = (X X^T) X - P X, exact in float32 (|values| < 2**24)
        xi = random_patterns(p, n, rng=g).astype(np.float32)
        nh = (xi @ xi.T) @ xi - p * xi
        out[k] = np.mean(nh * xi < 0)
    return out


def ags_retrieval_overlap(load) -> np.ndarray:
    """Retrieval overlap m(alpha) of the Hebbian network at T = 0 (replica-symmetric theory).

    Solves ``y (sqrt(2 alpha) + 2/sqrt(pi) exp(-y**2)) = erf(y)`` for its largest
    root and returns ``m = erf(y)``; NaN above the capacity alpha_c ~ 0.138
    where no retrieval solution exists (Amit, Gutfreund & Sompolinsky 1987;
    Hertz, Krogh & Palmer 1991, eq. 2.73). ``(1 - m) / 2`` is the fraction of
    wrong bits in the retrieval state (about 1.6 % at alpha_c).

    Parameters
    ----------
    load : float or array_like
        Load alpha = P / N (> 0).

    Returns
    -------
    ndarray
        Overlap m per load (NaN above alpha_c).
    """
    from scipy.optimize import brentq

    loads = np.atleast_1d(np.asarray(load, dtype=float))
    if np.any(loads < 0):
        raise ValidationError(f"load must be >= 0; got {load!r}")
    out = np.full(loads.shape, np.nan)
    for k, a in enumerate(loads):  # one root-find per load (scalar equation)
        if a == 0:
            out[k] = 1.0
            continue

        def f(y, a=a):
            return erf(y) - y * (np.sqrt(2 * a) + 2 / np.sqrt(np.pi) * np.exp(-y * y))

        # the retrieval root lies below 1 / sqrt(2 alpha) (where y sqrt(2 alpha) exceeds erf(y))
        grid = np.linspace(1e-3, max(6.0, 2.0 / np.sqrt(2 * a)), 3000)
        vals = f(grid)
        down = np.flatnonzero((vals[:-1] > 0) & (vals[1:] <= 0))
        if down.size:
            j = down[-1]
            out[k] = erf(brentq(f, grid[j], grid[j + 1]))
    return out if np.ndim(load) else out[0]


def capacity_theory(loads) -> xr.Dataset:
    """The theory lines of the capacity curve, over ``load``, for plotting beside a simulation.

    Parameters
    ----------
    loads : array_like of float
        Loads alpha = P / N (> 0).

    Returns
    -------
    xarray.Dataset
        Over dim ``load``: ``one_step_error`` (1/2 erfc(1/sqrt(2 alpha))),
        ``ags_overlap`` (:func:`ags_retrieval_overlap`, NaN above alpha_c) and
        ``ags_error`` ((1 - m) / 2, the wrong-bit fraction of the retrieval
        state), all dimensionless; attrs ``critical_load`` = 0.138.

    References
    ----------
    Amit DJ, Gutfreund H, Sompolinsky H (1987) Statistical mechanics of neural
    networks near saturation. Ann Phys 173:30-67.

    Examples
    --------
    >>> th = capacity_theory([0.05, 0.1, 0.2])
    >>> bool(np.isnan(th["ags_overlap"].sel(load=0.2)))
    True
    """
    a = np.asarray(loads, dtype=float).ravel()
    if a.size == 0 or not np.all(a > 0):
        raise ValidationError(f"loads must be a non-empty list of numbers > 0; got {list(a)}")
    m = ags_retrieval_overlap(a)
    return xr.Dataset(
        {
            "one_step_error": ("load", one_step_error_theory(a), {"units": "1", "long_name": "one-step error 1/2 erfc(1/sqrt(2 alpha))"}),
            "ags_overlap": ("load", m, {"units": "1", "long_name": "retrieval overlap (replica theory)"}),
            "ags_error": ("load", (1 - m) / 2, {"units": "1", "long_name": "wrong-bit fraction of the retrieval state"}),
        },
        coords={"load": ("load", a, {"units": "1", "long_name": "load α = P/N"})},
        attrs={"critical_load": AGS_CRITICAL_LOAD},
    )


def _run_capacity_point(n, p, n_cues, rule, dynamics, flip_fraction, max_sweeps, dtype, gen):
    pat_rng, cue_rng, run_rng = spawn(gen, 3)
    xi = random_patterns(p, n, rng=pat_rng)
    net = Hopfield(n, rule=rule, dtype=dtype).store(xi)
    k = min(n_cues, p)
    cues = flip_bits(xi[:k], flip_fraction, rng=cue_rng) if flip_fraction > 0 else xi[:k]
    res = net.recall(cues, dynamics=dynamics, max_sweeps=max_sweeps, rng=run_rng)
    m = (res.state.values.astype(np.float64) @ xi[:k].T.astype(np.float64) / n).diagonal()
    return m, res.converged.values


def capacity_curve(
    n_neurons: int = 1000,
    loads=(0.05, 0.1, 0.125, 0.15, 0.175, 0.2),
    trials: int = 3,
    *,
    n_cues: int = 20,
    rule: str = "hebb",
    dynamics: str = "async",
    flip_fraction: float = 0.0,
    max_sweeps: int = DEFAULT_MAX_SWEEPS,
    dtype: str = "float64",
    rng=None,
) -> xr.Dataset:
    """Recall quality against the load alpha = P/N.

    For each load and trial a fresh network stores ``P = round(alpha N)`` random
    patterns; up to ``n_cues`` of them (with ``flip_fraction`` of their bits
    flipped) are used as cues and relaxed; the final overlap with the cued pattern
    is recorded. Also measured: the one-step error from stored patterns.

    Parameters
    ----------
    n_neurons : int
    loads : sequence of float > 0
    trials : int
        Independent networks per load.
    n_cues : int
        Cues per network.
    rule, dynamics, max_sweeps, dtype : see :class:`Hopfield`
    flip_fraction : float in [0, 1)
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    xarray.Dataset, dims ``load``, ``trial``, ``cue``:
        ``overlap`` (load, trial, cue), ``error_fraction`` (load, trial, cue)
        (NaN where a network stored fewer than ``n_cues`` patterns),
        ``converged`` (load, trial, cue), ``mean_overlap`` (load),
        ``mean_error_fraction`` (load), ``one_step_error`` (load),
        ``theory_one_step_error`` (load), ``theory_error_fraction`` (load)
        (replica theory, NaN above alpha_c), coord ``n_patterns`` (load).
    """
    n = check_int("n_neurons", n_neurons, low=2)
    loads_arr = check_array("loads", loads, ndim=1)
    if loads_arr.size == 0 or np.any(loads_arr <= 0):
        raise ValidationError(f"loads must be a non-empty list of numbers > 0; got {list(np.atleast_1d(loads))}")
    trials = check_int("trials", trials, low=1)
    n_cues = check_int("n_cues", n_cues, low=1)
    check_option("rule", rule, RULES)
    check_option("dynamics", dynamics, ("async", "sync"))
    flip_fraction = check_in_range("flip_fraction", flip_fraction, 0, 1, high_open=True)
    max_sweeps = check_int("max_sweeps", max_sweeps, low=1)
    n_patterns = np.maximum(1, np.round(loads_arr * n)).astype(int)
    if rule == "pseudoinverse" and n_patterns.max() >= n:
        raise ValidationError(f"loads must stay below 1 for rule='pseudoinverse'; got max load {loads_arr.max()}")

    gens = spawn(rng, loads_arr.size * trials + 1)
    ov = np.full((loads_arr.size, trials, n_cues), np.nan)
    conv = np.zeros((loads_arr.size, trials, n_cues), dtype=bool)
    for a, p in enumerate(n_patterns):
        for t in range(trials):  # independent networks (each batched over cues)
            m, c = _run_capacity_point(n, p, n_cues, rule, dynamics, flip_fraction, max_sweeps, dtype, gens[a * trials + t])
            ov[a, t, : m.size] = m
            conv[a, t, : c.size] = c
    one_step = np.array(
        [one_step_error(n, float(a), trials=trials, rng=gens[-1]).mean() for a in loads_arr]
    ) if rule == "hebb" else np.full(loads_arr.size, np.nan)
    err = (1.0 - ov) / 2.0
    m_theory = ags_retrieval_overlap(loads_arr)
    ds = xr.Dataset(
        {
            "overlap": (("load", "trial", "cue"), ov, {"long_name": "final overlap with the cued pattern", "units": "1"}),
            "error_fraction": (("load", "trial", "cue"), err, {"long_name": "fraction of bits in error", "units": "1"}),
            "converged": (("load", "trial", "cue"), conv, {"long_name": "reached a fixed point", "units": "1"}),
            "mean_overlap": (("load",), np.nanmean(ov, axis=(1, 2)), {"long_name": "mean final overlap", "units": "1"}),
            "mean_error_fraction": (("load",), np.nanmean(err, axis=(1, 2)), {"long_name": "mean fraction of bits in error", "units": "1"}),
            "one_step_error": (("load",), one_step, {"long_name": "one-step error probability (measured)", "units": "1"}),
            "theory_one_step_error": (
                ("load",),
                one_step_error_theory(loads_arr),
                {"long_name": "one-step error probability, 1/2 erfc(1/sqrt(2 alpha))", "units": "1"},
            ),
            "theory_error_fraction": (
                ("load",),
                (1.0 - m_theory) / 2.0,
                {"long_name": "fraction of bits in error, replica theory (AGS)", "units": "1"},
            ),
        },
        coords={
            "load": ("load", loads_arr, {"long_name": "load α = P/N", "units": "1"}),
            "n_patterns": ("load", n_patterns, {"long_name": "stored patterns", "units": "1"}),
            "trial": np.arange(trials),
            "cue": np.arange(n_cues),
        },
    )
    ds.attrs.update(n_neurons=n, rule=rule, dynamics=dynamics, flip_fraction=flip_fraction, max_sweeps=max_sweeps)
    return ds


def critical_load(curve: xr.Dataset, threshold: float = 0.75) -> float:
    """Load at which ``mean_overlap`` first falls below ``threshold`` (linear interpolation).

    Returns NaN if it never does (or starts below). The default 0.75 is halfway
    between perfect recall (1) and the collapsed state (overlap ~ 0.5 or less).

    Parameters
    ----------
    curve : xarray.Dataset
        From :func:`capacity_curve` (``mean_overlap`` over ``load``).
    threshold : float in [0, 1]
        Overlap that counts as recall.

    Returns
    -------
    float
        The interpolated load (dimensionless), or NaN.
    """
    threshold = check_in_range("threshold", threshold, 0, 1)
    if "mean_overlap" not in curve or "load" not in curve.dims:
        raise ValidationError("curve must be a Dataset from capacity_curve (with 'mean_overlap' over 'load')")
    c = curve.sortby("load")
    a = c["load"].values
    m = c["mean_overlap"].values
    below = np.flatnonzero(m < threshold)
    if below.size == 0 or below[0] == 0:
        return float("nan")
    j = below[0]
    return float(a[j - 1] + (m[j - 1] - threshold) * (a[j] - a[j - 1]) / (m[j - 1] - m[j]))


def classify_states(states, patterns, *, tolerance: float = 0.9) -> np.ndarray:
    """Label each state as ``"pattern"``, ``"reversed"``, ``"mixture"`` or ``"other"``.

    ``"pattern"``/``"reversed"``: overlap ``> tolerance`` / ``< -tolerance`` with a stored
    pattern. ``"mixture"``: overlap ``> tolerance`` with the 3-mixture
    ``sign(s1 xi_a + s2 xi_b + s3 xi_c)`` built from the three patterns it overlaps most
    (``s_k`` the signs of those overlaps; each component overlap is 1/2 for a symmetric
    mixture). ``"other"``: none of these (spin-glass states).

    Returns
    -------
    ndarray of str, shape (n_states,)
    """
    s = np.atleast_2d(check_spins("states", states, ndim=(1, 2))).astype(np.float64)
    xi = _check_patterns(patterns, s.shape[1]).astype(np.float64)
    tolerance = check_in_range("tolerance", tolerance, 0, 1, low_open=True)
    m = s @ xi.T / s.shape[1]
    labels = np.full(s.shape[0], "other", dtype=object)
    best = np.abs(m).max(axis=1)
    arg = np.abs(m).argmax(axis=1)
    sign = m[np.arange(s.shape[0]), arg]
    labels[(best > tolerance) & (sign > 0)] = "pattern"
    labels[(best > tolerance) & (sign < 0)] = "reversed"
    if xi.shape[0] >= 3:
        top = np.argsort(-np.abs(m), axis=1)[:, :3]
        signs = np.sign(np.take_along_axis(m, top, axis=1))
        mix = np.sign(np.einsum("bk,bkn->bn", signs, xi[top]))
        m_mix = np.einsum("bn,bn->b", mix, s) / s.shape[1]
        labels[(labels == "other") & (m_mix > tolerance)] = "mixture"
    return labels.astype(str)


def spurious_states(model: Hopfield, n_cues: int = 200, *, max_sweeps: int = DEFAULT_MAX_SWEEPS, rng=None) -> xr.Dataset:
    """Relax random states and label where they end (stored, reversed, mixture, other).

    Parameters
    ----------
    model : Hopfield with stored patterns
    n_cues : int
        Random initial states (unbiased ±1).

    Returns
    -------
    xarray.Dataset: the :meth:`Hopfield.recall` result plus ``label`` (cue) and
    ``count`` (kind) of each label.
    """
    if not isinstance(model, Hopfield):
        raise TypeError(f"model must be a Hopfield instance; got {type(model).__name__}")
    model._check_fitted("spurious_states")
    n_cues = check_int("n_cues", n_cues, low=1)
    cue_rng, run_rng = spawn(rng, 2)
    cues = random_patterns(n_cues, model.n_neurons, rng=cue_rng)
    res = model.recall(cues, max_sweeps=max_sweeps, rng=run_rng)
    labels = classify_states(res.state.values, model.patterns_)
    kinds = ["pattern", "reversed", "mixture", "other"]
    res["label"] = ("cue", labels, {"long_name": "kind of final state"})
    res["count"] = ("kind", np.array([(labels == k).sum() for k in kinds]), {"long_name": "final states of each kind", "units": "1"})
    res = res.assign_coords(kind=kinds)
    return res


def basins_of_attraction(
    model: Hopfield,
    flip_fractions=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
    n_cues: int = 20,
    *,
    dynamics: str = "async",
    max_sweeps: int = DEFAULT_MAX_SWEEPS,
    rng=None,
) -> xr.Dataset:
    """Final overlap with the cued pattern against the fraction of flipped bits in the cue.

    Cue ``c`` starts from stored pattern ``c % n_patterns``; all flip fractions and
    cues run as one batch.

    Returns
    -------
    xarray.Dataset: ``overlap`` (flip_fraction, cue), ``recalled`` (flip_fraction, cue)
    (overlap > 0.9), ``mean_overlap`` (flip_fraction), ``recall_probability`` (flip_fraction).
    """
    if not isinstance(model, Hopfield):
        raise TypeError(f"model must be a Hopfield instance; got {type(model).__name__}")
    model._check_fitted("basins_of_attraction")
    fr = check_array("flip_fractions", flip_fractions, ndim=1)
    if fr.size == 0 or np.any((fr < 0) | (fr > 1)):
        raise ValidationError(f"flip_fractions must be a non-empty list of numbers in [0, 1]; got {list(np.atleast_1d(flip_fractions))}")
    n_cues = check_int("n_cues", n_cues, low=1)
    cue_rng, run_rng = spawn(rng, 2)
    which = np.arange(n_cues) % model.n_patterns_
    base = model.patterns_[which]
    cue_gens = spawn(cue_rng, fr.size)
    cues = np.concatenate([flip_bits(base, float(f), rng=g) for f, g in zip(fr, cue_gens)])
    res = model.recall(cues, dynamics=dynamics, max_sweeps=max_sweeps, rng=run_rng)
    m = res.overlap.values[np.arange(cues.shape[0]), np.tile(which, fr.size)].reshape(fr.size, n_cues)
    ds = xr.Dataset(
        {
            "overlap": (("flip_fraction", "cue"), m, {"long_name": "final overlap with the cued pattern", "units": "1"}),
            "recalled": (("flip_fraction", "cue"), m > 0.9, {"long_name": "recalled (overlap > 0.9)", "units": "1"}),
            "mean_overlap": (("flip_fraction",), m.mean(axis=1), {"long_name": "mean final overlap", "units": "1"}),
            "recall_probability": (("flip_fraction",), (m > 0.9).mean(axis=1), {"long_name": "fraction of cues recalled", "units": "1"}),
        },
        coords={
            "flip_fraction": ("flip_fraction", fr, {"long_name": "fraction of flipped bits in the cue", "units": "1"}),
            "cue": np.arange(n_cues),
            "pattern_index": ("cue", which),
        },
    )
    ds.attrs.update(rule=model.rule, dynamics=dynamics, n_neurons=model.n_neurons, n_patterns=model.n_patterns_)
    return ds


# --------------------------------------------------------------------------- spiking version

#: Defaults of :func:`spiking_recall` (SI units).
SPIKING_DEFAULTS = {
    "tau_m": 20e-3,  # s, membrane time constant
    "tau_syn": 30e-3,  # s, synaptic time constant (slow, NMDA-like: fast synapses let the network oscillate)
    "v_rest": -70e-3,  # V
    "v_threshold": -50e-3,  # V
    "v_reset": -70e-3,  # V
    "t_ref": 10e-3,  # s, refractory period (caps rates at 100 Hz: active neurons saturate, like binary units)
    "bias": 18e-3,  # V, constant drive: 2 mV below threshold
    "cue_drive": 15e-3,  # V, extra drive of cued (+1) neurons while the cue is on
    "coupling": 50e-3,  # V, J: w_ij = J (W_ij - mean_k W_ik), W the Hebbian matrix (jump of I_syn per spike)
    "noise_sd": 2e-3,  # V, stationary SD of the free membrane potential (neurocomp.spiking.membrane_equation)
    "dt": 0.1e-3,  # s
}


def _si(name: str, value, unit_name: str) -> float:
    """A brian2 quantity of the right dimension, or a plain float in SI; return a float
    (the package's one converter, :func:`neurocomp.spiking._units.to_si`)."""
    from neurocomp.spiking._units import to_si

    return to_si(name, value, unit_name)


def spiking_recall(
    patterns,
    cues,
    *,
    duration=0.3,
    cue_duration=0.05,
    readout=0.1,
    rate_threshold: float = 10.0,
    bin_width=0.02,
    rng=None,
    **params,
) -> xr.Dataset:
    """Pattern completion in a network of leaky integrate-and-fire neurons (brian2).

    Each neuron stands for one bit; "+1" means firing, "-1" silence. Synapses
    carry Hebbian weights ``w_ij = J/N sum_mu xi_i^mu xi_j^mu`` (i != j), so a
    neuron receives net excitation from the active members of a pattern it belongs
    to and net inhibition otherwise. For ``cue_duration`` the neurons that are +1 in
    the cue get an extra drive; afterwards only the recurrent input sustains (and
    corrects) the activity. Each cue runs in its own copy of the network, all
    copies simulated together.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    cues : array_like of ±1, shape (n_cues, n_neurons) or (n_neurons,)
    duration, cue_duration, readout, bin_width : float (s) or brian2 quantity
        Total time, time the cue is on, final window in which rates are read, bin
        for the overlap trajectory.
    rate_threshold : float (Hz)
        A neuron counts as +1 when it fires faster than this in the readout window.
    rng : None, int, SeedSequence or Generator
        Seeds brian2 (noise and initial membrane potentials).
    **params
        Override :data:`SPIKING_DEFAULTS` (``tau_m``, ``tau_syn``, ``v_rest``,
        ``v_threshold``, ``v_reset``, ``t_ref``, ``bias``, ``cue_drive``,
        ``coupling``, ``noise_sd``, ``dt``), floats in SI or brian2 quantities.
        The names ``refractory`` and ``noise`` of versions before 0.2 are still
        accepted, with a DeprecationWarning.

    Returns
    -------
    xarray.Dataset
        ``rate`` (cue, neuron) [Hz] in the readout window, ``state`` (cue, neuron)
        (±1 from the rates), ``overlap`` (cue, pattern), ``overlap_trajectory``
        (cue, time, pattern) from the binned activity, ``initial_state`` (cue, neuron),
        ``spike_time`` (spike) [s], ``spike_neuron`` (spike), ``spike_cue`` (spike).

    Notes
    -----
    Membrane (:func:`neurocomp.spiking.membrane_equation`):
    ``tau_m dv/dt = v_rest - v + bias + cue_drive * c_i * on(t) + I_syn + noise_sd sqrt(2 tau_m) xi``;
    synapses: ``tau_syn dI_syn/dt = -I_syn``, each spike of neuron j adds
    ``w_ij = J (W_ij - mean_k W_ik)`` to neuron i, with ``W`` the Hebbian matrix.
    Subtracting the row mean makes the input of a network with half its neurons
    firing at rate r equal ``J r tau_syn / 2`` times the binary network's field,
    whatever r is. The weights have both signs (no Dale's law), as in the binary
    model (Gerstner et al. 2014, ch. 17.2). Two choices make the LIF network
    behave like the binary one: slow synapses (30 ms, NMDA-like) keep the persistent
    activity asynchronous (with 5 ms synapses it synchronises and loses the
    pattern), and a 10 ms refractory period with strong coupling drives active
    neurons into saturation (~70-100 Hz), so they act as binary units; with graded
    rates the network falls into mixture states more often than the binary one.
    """
    import brian2 as b2

    from neurocomp.spiking.backend import brian2_settings
    from neurocomp.spiking.populations import membrane_equation

    xi = _check_patterns(patterns)
    n_pat, n = xi.shape
    c = check_spins("cues", cues, ndim=(1, 2))
    if c.shape[-1] != n:
        raise ValidationError(f"cues must have shape (n_cues, {n}) or ({n},) to match the patterns; got {c.shape}")
    c2 = np.atleast_2d(c)
    n_cues = c2.shape[0]
    for old, new in (("refractory", "t_ref"), ("noise", "noise_sd")):  # names before 0.2, as in neurocomp.spiking now
        if old in params:
            from neurocomp._deprecation import warn_renamed

            if new in params:
                raise TypeError(f"spiking_recall: pass {new!r} only (got both {new!r} and its old name {old!r})")
            warn_renamed("spiking_recall", old, new)
            params[new] = params.pop(old)
    unknown = sorted(set(params) - set(SPIKING_DEFAULTS))
    if unknown:
        raise ValidationError(f"unknown spiking parameter(s) {unknown}; allowed are {sorted(SPIKING_DEFAULTS)}")
    units = {"tau_m": "s", "tau_syn": "s", "t_ref": "s", "dt": "s"}
    p = {k: _si(k, params.get(k, v), units.get(k, "V")) for k, v in SPIKING_DEFAULTS.items()}
    for k in ("tau_m", "tau_syn", "dt"):
        check_positive(k, p[k])
    check_nonnegative("t_ref", p["t_ref"])
    check_nonnegative("noise_sd", p["noise_sd"])
    duration = check_positive("duration", _si("duration", duration, "s"))
    cue_duration = check_in_range("cue_duration", _si("cue_duration", cue_duration, "s"), 0, duration, low_open=True, high_open=True)
    readout = check_in_range("readout", _si("readout", readout, "s"), 0, duration - cue_duration, low_open=True)
    bin_width = check_in_range("bin_width", _si("bin_width", bin_width, "s"), 0, duration, low_open=True)
    rate_threshold = check_positive("rate_threshold", rate_threshold)

    # Hebbian weights minus each row's mean: with half the neurons active at rate r,
    # sum_j w_ij r_j = (r / 2) sum_j W_ij s_j, the binary network's field with s = 2 a - 1
    hebb = hebbian_weights(xi)
    off_diag = ~np.eye(n, dtype=bool)
    w = (hebb - hebb.sum(axis=1, keepdims=True) / (n - 1)) * p["coupling"]  # (n, n) in volts
    pre, post = np.nonzero(off_diag)
    offsets = (np.arange(n_cues) * n)[:, None]
    pre_all = (offsets + pre[None, :]).ravel()
    post_all = (offsets + post[None, :]).ravel()
    w_all = np.tile(w[post, pre], n_cues)  # synapse pre -> post carries the row of post
    cue_bits = ((c2.ravel() + 1) // 2).astype(float)

    gen = as_generator(rng)
    v0 = p["v_rest"] + gen.random(n_cues * n) * (p["v_threshold"] - p["v_rest"]) * 0.5
    eqs = membrane_equation("bias + I_cue * c + I_syn", noise=True) + """
    dI_syn/dt = -I_syn / tau_syn : volt
    c : 1 (constant)
    """
    ns = {
        "v_rest": p["v_rest"] * b2.volt,
        "bias": p["bias"] * b2.volt,
        "tau_m": p["tau_m"] * b2.second,
        "tau_syn": p["tau_syn"] * b2.second,
        "noise_sd": p["noise_sd"] * b2.volt,
        "v_threshold": p["v_threshold"] * b2.volt,
        "v_reset": p["v_reset"] * b2.volt,
    }
    with brian2_settings(), brian2_seeded(gen):  # brian2's global random state is restored afterwards
        dt = p["dt"] * b2.second
        group = b2.NeuronGroup(
            n_cues * n,
            eqs,
            threshold="v > v_threshold",
            reset="v = v_reset",
            refractory=p["t_ref"] * b2.second,
            method="euler",
            dt=dt,
            name="hopfield_lif",
        )
        group.v = v0 * b2.volt
        group.c = cue_bits
        syn = b2.Synapses(group, group, "w : volt", on_pre="I_syn_post += w", dt=dt, name="hopfield_hebb")
        syn.connect(i=pre_all, j=post_all)
        syn.w = w_all * b2.volt
        spikes = b2.SpikeMonitor(group, name="hopfield_spikes")
        net = b2.Network(group, syn, spikes)
        net.run(cue_duration * b2.second, namespace={**ns, "I_cue": p["cue_drive"] * b2.volt})
        net.run((duration - cue_duration) * b2.second, namespace={**ns, "I_cue": 0 * b2.volt})
        t_spk = np.asarray(spikes.t / b2.second, dtype=float)
        i_spk = np.asarray(spikes.i[:], dtype=np.int64)

    cue_of = i_spk // n
    neuron_of = i_spk % n
    in_window = t_spk >= duration - readout
    counts = np.zeros((n_cues, n))
    np.add.at(counts, (cue_of[in_window], neuron_of[in_window]), 1)
    rate = counts / readout
    state = np.where(rate > rate_threshold, 1, -1).astype(np.int8)
    n_bins = int(math.floor(duration / bin_width + 1e-9))
    edges_idx = np.minimum((t_spk / bin_width).astype(int), n_bins - 1)
    binned = np.zeros((n_cues, n_bins, n))
    np.add.at(binned, (cue_of, edges_idx, neuron_of), 1)
    active = np.where(binned > 0, 1.0, -1.0)
    traj = active @ xi.T.astype(float) / n
    times = (np.arange(n_bins) + 0.5) * bin_width
    ds = xr.Dataset(
        {
            "rate": (("cue", "neuron"), rate, {"long_name": "firing rate in the readout window", "units": "Hz"}),
            "state": (("cue", "neuron"), state, {"long_name": "firing pattern (+1 = rate above threshold)", "units": "1"}),
            "overlap": (("cue", "pattern"), state.astype(float) @ xi.T / n, {"long_name": "overlap of the firing pattern with stored pattern", "units": "1"}),
            "overlap_trajectory": (("cue", "time", "pattern"), traj, {"long_name": "overlap of binned activity with stored pattern", "units": "1"}),
            "initial_state": (("cue", "neuron"), c2.astype(np.int8), {"long_name": "cue (initial state)", "units": "1"}),
            "stored_pattern": (("pattern", "neuron"), xi.astype(np.int8), {"long_name": "stored pattern", "units": "1"}),
            "spike_time": (("spike",), t_spk, {"long_name": "spike time", "units": "s"}),
            "spike_neuron": (("spike",), neuron_of, {"long_name": "neuron of the spike", "units": "1"}),
            "spike_cue": (("spike",), cue_of, {"long_name": "cue (network copy) of the spike", "units": "1"}),
        },
        coords={
            "cue": np.arange(n_cues),
            "neuron": np.arange(n),
            "pattern": np.arange(n_pat),
            "time": ("time", times, {"long_name": "time (bin centre)", "units": "s"}),
        },
    )
    ds.attrs.update(
        duration=duration,
        cue_duration=cue_duration,
        readout=readout,
        rate_threshold=rate_threshold,
        bin_width=bin_width,
        **{f"param_{k}": v for k, v in p.items()},
    )
    return ds
