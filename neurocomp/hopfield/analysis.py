"""Capacity, basins and spurious states of a Hopfield net, measured and from theory.

One-step error (signal-to-noise) theory, the replica theory of Amit, Gutfreund &
Sompolinsky (retrieval overlap, critical load 0.138), the measured capacity curve,
basins of attraction and the classification of spurious (mixture, spin-glass)
states. Part of :mod:`neurocomp.hopfield` (import from there).

References
----------
D. J. Amit, H. Gutfreund, H. Sompolinsky (1985), "Storing infinite numbers of
patterns in a spin-glass model of neural networks", PRL 55, 1530-1533, and
(1987) Ann. Phys. 173, 30-67 (the capacity alpha_c ~ 0.138).
J. Hertz, A. Krogh, R. G. Palmer (1991), *Introduction to the Theory of Neural
Computation*, ch. 2 (crosstalk, one-step error probability, replica theory).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import erf, erfc

from neurocomp._validation import (
    ValidationError, check_array, check_in_range, check_int, check_option, check_positive, check_spins,
)
from neurocomp.hopfield.network import AGS_CRITICAL_LOAD, DEFAULT_MAX_SWEEPS, Hopfield, RULES, _check_patterns
from neurocomp.hopfield.patterns import flip_bits, random_patterns
from neurocomp.random import spawn

__all__ = ["classify_states", "one_step_error", "one_step_error_theory", "ags_retrieval_overlap", "capacity_theory", "capacity_curve", "critical_load", "spurious_states", "basins_of_attraction"]


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

    Examples
    --------
    >>> round(float(one_step_error_theory(0.1)), 5)
    0.00078
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

    Parameters
    ----------
    n_neurons : int
        Network size N (at least 2).
    load : float
        Load α = P / N (> 0).
    trials : int, default 1
        Independent networks.
    rng : None, int, SeedSequence or Generator
        Draws the patterns.

    Returns
    -------
    ndarray, shape (trials,) — the error fraction of each independent network

    Examples
    --------
    >>> one_step_error(1000, 0.1, trials=3, rng=0).round(5).tolist()
    [0.00044, 0.00071, 0.00094]
    >>> round(float(one_step_error_theory(0.1)), 5)               # erfc(1/sqrt(2 alpha)) / 2
    0.00078
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

    References
    ----------
    .. [1] Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Statistical mechanics of neural
       networks near saturation. Ann. Phys. 173, 30-67.

    Examples
    --------
    >>> ags_retrieval_overlap([0.05, 0.1, 0.2]).round(3).tolist()   # no retrieval state above 0.138
    [1.0, 0.998, nan]
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

    Examples
    --------
    >>> c = capacity_curve(200, loads=[0.05, 0.3], trials=2, n_cues=5, rng=0)
    >>> c.mean_overlap.values.round(2).tolist()                 # recall breaks down above ~0.14
    [1.0, 0.37]
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

    Examples
    --------
    >>> c = capacity_curve(200, loads=[0.05, 0.3], trials=2, n_cues=5, rng=0)
    >>> round(critical_load(c), 2)                              # interpolated between the two loads
    0.15
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

    Parameters
    ----------
    states : array_like of ±1, shape (n_states, n_neurons) or (n_neurons,)
        The states to label.
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
        The stored patterns.
    tolerance : float, default 0.9
        Overlap (0-1] above which a state counts as a pattern or mixture.

    Returns
    -------
    ndarray of str, shape (n_states,)

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, 1, 1, -1], [1, -1, 1, 1], [-1, 1, 1, 1]])
    >>> classify_states(np.vstack([xi[0], -xi[1]]), xi).tolist()
    ['pattern', 'reversed']
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

    max_sweeps : int, default 50
        Most asynchronous sweeps per relaxation.
    rng : None, int, SeedSequence or Generator
        Draws the random cues and the update order.

    Returns
    -------
    xarray.Dataset: the :meth:`Hopfield.recall` result plus ``label`` (cue) and
    ``count`` (kind) of each label.

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, random_patterns
    >>> net = Hopfield(200, rng=0).store(random_patterns(10, 200, rng=0))
    >>> res = spurious_states(net, n_cues=20, rng=0)
    >>> dict(zip(res.kind.values.tolist(), res["count"].values.tolist()))
    {'pattern': 7, 'reversed': 9, 'mixture': 1, 'other': 3}
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

    Parameters
    ----------
    model : Hopfield
        A network with stored patterns.
    flip_fractions : sequence of float
        Fractions of the cue's bits flipped (each in [0, 1]).
    n_cues : int, default 20
        Cues per flip fraction.
    dynamics : {"async", "sync", "glauber"}
        Update rule of the recall (see :meth:`Hopfield.recall`).
    max_sweeps : int, default 50
        Most sweeps per relaxation.
    rng : None, int, SeedSequence or Generator
        Draws the flipped bits and the update order.

    Returns
    -------
    xarray.Dataset: ``overlap`` (flip_fraction, cue), ``recalled`` (flip_fraction, cue)
    (overlap > 0.9), ``mean_overlap`` (flip_fraction), ``recall_probability`` (flip_fraction).

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, random_patterns
    >>> net = Hopfield(200, rng=0).store(random_patterns(10, 200, rng=0))
    >>> b = basins_of_attraction(net, flip_fractions=[0.0, 0.2, 0.45], n_cues=10, rng=0)
    >>> b.mean_overlap.values.round(2).tolist()
    [1.0, 1.0, 0.29]
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
