"""Criticality: branching processes, neuronal avalanches, power-law fits and branching-ratio estimators.

* Branching processes with immigration (each active unit activates Poisson(m) units
  in the next step, plus Poisson(h·N) spontaneous activations), vectorised over
  trials, with subsampling of n of N units; single-seed avalanches of a
  Galton–Watson process.
* Avalanches from population activity (sizes, durations, mean shapes).
* Discrete power-law fits by maximum likelihood with the KS choice of x_min
  (Clauset, Shalizi & Newman 2009), a bootstrap goodness-of-fit p-value, and
  Vuong likelihood-ratio tests against exponential and log-normal tails.
* Branching ratio m: the conventional regression estimator and the multistep
  regression (MR) estimator of Wilting & Priesemann (2018), which is unbiased under
  subsampling; the intrinsic timescale τ = −Δt / ln m.
* Dynamic range of a network of excitable units across m (Kinouchi & Copelli 2006).

References
----------
Beggs, J. M. & Plenz, D. (2003). Neuronal avalanches in neocortical circuits.
    J. Neurosci. 23, 11167–11177.
Clauset, A., Shalizi, C. R. & Newman, M. E. J. (2009). Power-law distributions in
    empirical data. SIAM Rev. 51, 661–703.
Wilting, J. & Priesemann, V. (2018). Inferring collective dynamical states from
    widely unobserved systems. Nat. Commun. 9, 2325.
Kinouchi, O. & Copelli, M. (2006). Optimal dynamical range of excitable networks at
    criticality. Nat. Phys. 2, 348–351.
Friedman, N. et al. (2012). Universal critical dynamics in high resolution neuronal
    avalanche data. Phys. Rev. Lett. 108, 208102 (the crackling-noise relation).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr
from scipy import optimize, special, stats

from neurocomp._validation import (NeurocompWarning, ValidationError, check_array, check_in_range, check_int,
                                   check_option, check_positive)
from neurocomp.random import as_generator

__all__ = ["branching_process", "spiking_branching_network", "subsample", "galton_watson_avalanches", "avalanches", "fit_power_law",
           "compare_tails", "crackling_noise", "branching_ratio", "dynamic_range"]

MAX_BYTES = 2 * 2**30
MIN_EVENTS = 50


# --- Simulation -----------------------------------------------------------------------------------

def branching_process(*, m: float, n_units: int = 10_000, drive: float = 1e-3, n_steps: int = 10_000,
                      n_trials: int = 1, dt: float = 4e-3, rng=None) -> xr.DataArray:
    """Population activity of a branching network with immigration, many trials at once.

    A_{t+1} ~ Poisson(m·A_t + drive·N), capped at N: each active unit activates on
    average m units, and each unit fires spontaneously with probability ``drive``.
    The stationary mean is drive·N/(1 − m) for m < 1.

    Parameters
    ----------
    m : float
        Branching ratio (≥ 0; m = 1 is critical).
    n_units : int
        N.
    drive : float
        Spontaneous activation probability per unit and step, h.
    n_steps, n_trials : int
    dt : float
        Step duration in s (4 ms: a typical avalanche bin).
    rng : None, int or Generator

    Returns
    -------
    xarray.DataArray
        Active units (trial, time); attrs m, n_units, drive.

    References
    ----------
    Wilting, J. & Priesemann, V. (2018). Nat. Commun. 9, 2325.

    Examples
    --------
    >>> a = branching_process(m=0.9, n_units=10_000, drive=1e-3, n_steps=20_000, rng=0)
    >>> round(float(a.mean()) / 100, 1)       # stationary mean h N / (1 - m) = 100
    1.0
    """
    if not np.isfinite(m) or m < 0:
        raise ValidationError(f"m must be a finite branching ratio >= 0; got {m!r}")
    n_units = check_int("n_units", n_units, 1, 10**12)
    check_in_range("drive", drive, 0, 1)
    n_steps = check_int("n_steps", n_steps, 2, 10**9)
    n_trials = check_int("n_trials", n_trials, 1, 10**7)
    check_positive("dt", dt)
    if 8 * n_steps * n_trials > MAX_BYTES:
        raise ValidationError(f"n_steps × n_trials = {n_steps * n_trials} values need more than 2 GiB")
    g = as_generator(rng)
    A = np.empty((n_trials, n_steps), np.int64)
    mean0 = drive * n_units / (1 - m) if m < 1 else drive * n_units
    A[:, 0] = g.poisson(min(mean0, n_units), n_trials)
    hN = drive * n_units
    for t in range(n_steps - 1):
        A[:, t + 1] = np.minimum(g.poisson(m * A[:, t] + hN), n_units)
    return xr.DataArray(A, dims=("trial", "time"),
                        coords={"trial": np.arange(n_trials),
                                "time": ("time", np.arange(n_steps) * dt, {"units": "s", "long_name": "time"})},
                        attrs={"units": "1", "long_name": "active units", "m": m, "n_units": n_units, "drive": drive})


def spiking_branching_network(*, m: float, n_neurons: int = 1000, out_degree: int = 10, drive: float = 1.0,
                              duration: float = 20.0, delay: float = 2e-3, jump: float = 25e-3, dt: float = 5e-4,
                              rng=None) -> xr.DataArray:
    """A network of LIF neurons on brian2 tuned through criticality by its branching ratio m.

    Each neuron projects to ``out_degree`` random others; a spike crosses each
    synapse with probability m / out_degree and then depolarises its target by
    ``jump`` (above threshold: the target fires), after ``delay``. Every neuron also
    fires spontaneously as a Poisson process of rate ``drive``. So, while activity is
    sparse, each spike causes on average m spikes one delay later: a branching process
    with immigration made of spiking neurons (refractoriness and coincident inputs make
    the effective ratio slightly smaller at high activity). Spikes are counted in bins
    of one delay, one generation per bin.

    Parameters
    ----------
    m : float
        Branching ratio, in [0, out_degree].
    n_neurons, out_degree : int
    drive : float
        Spontaneous rate per neuron in Hz.
    duration : float
        Simulated time in s.
    delay : float
        Synaptic delay = bin width, in s.
    jump : float
        Voltage jump of a transmitted spike, in V (above threshold from rest).
    dt : float
        Simulation step in s.
    rng : None, int or Generator

    Returns
    -------
    xarray.DataArray
        Spike counts per bin (time), attrs ``m``, ``n_units`` (= n_neurons), ``drive``,
        so :func:`subsample`, :func:`avalanches` and :func:`branching_ratio` take it.

    References
    ----------
    Haldeman, C. & Beggs, J. M. (2005). Critical branching captures activity in living
        neural networks and maximizes the number of metastable states. Phys. Rev. Lett.
        94, 058101.

    Examples
    --------
    >>> a = spiking_branching_network(m=0.9, n_neurons=200, duration=1.0, rng=0)   # doctest: +SKIP
    >>> a.dims                                                                      # doctest: +SKIP
    ('time',)
    """
    if not np.isfinite(m) or not 0 <= m <= out_degree:
        raise ValidationError(f"m must lie in [0, out_degree={out_degree}]; got {m!r}")
    n_neurons = check_int("n_neurons", n_neurons, 2, 1_000_000)
    out_degree = check_int("out_degree", out_degree, 1, n_neurons - 1)
    for name, v in dict(drive=drive, duration=duration, delay=delay, jump=jump, dt=dt).items():
        check_positive(name, v)
    if delay < 2 * dt:
        raise ValidationError(f"delay={delay} s must be at least two steps dt={dt} s")
    if duration / dt > 1e8:
        raise ValidationError(f"duration / dt = {duration / dt:.3g} steps is too many")
    import brian2 as b2

    from neurocomp.random import brian2_seeded
    from neurocomp.spiking.backend import brian2_settings
    from neurocomp.spiking.populations import _lif_namespace, lif_parameters, membrane_equation

    p = lif_parameters()
    if jump <= p["v_threshold"] - p["v_rest"]:
        raise ValidationError(f"jump={jump} V must exceed threshold - rest = {p['v_threshold'] - p['v_rest']:.3g} V, "
                              "so that a transmitted spike makes its target fire")
    with brian2_settings(), brian2_seeded(rng) as seed:
        b2.start_scope()
        clock = b2.Clock(dt * b2.second, name="critical_net_clock")
        ns = _lif_namespace(p)
        group = b2.NeuronGroup(n_neurons, membrane_equation(""), threshold="v > v_threshold", reset="v = v_reset",
                               refractory=p["t_ref"] * b2.second, method="exact", namespace=ns, clock=clock,
                               name="critical_net")
        group.v = p["v_rest"] * b2.volt
        drive_in = b2.PoissonInput(group, "v", N=1, rate=drive * b2.Hz, weight=jump * b2.volt)
        syn = b2.Synapses(group, group, on_pre="v_post += J * int(rand() < p_transmit)",
                          namespace=dict(J=jump * b2.volt, p_transmit=m / out_degree), clock=clock,
                          name="critical_net_synapses")
        syn.connect(j="k for k in sample(N_post, size=n_out) if k != i", namespace=dict(n_out=out_degree))
        syn.delay = (delay - dt) * b2.second  # the target crosses threshold one step after the jump
        b2.BrianLogger.suppress_hierarchy("brian2.codegen.generators.base")  # "+=" order warning: summing is intended
        mon = b2.SpikeMonitor(group, name="critical_net_spikes")
        net = b2.Network(group, drive_in, syn, mon)
        net.run(duration * b2.second, namespace={})
        times = np.asarray(mon.t / b2.second)
    n_bins = int(duration / delay)
    counts = np.bincount(np.minimum((times / delay).astype(np.int64), n_bins - 1), minlength=n_bins)
    return xr.DataArray(counts, dims=("time",),
                        coords={"time": ("time", np.arange(n_bins) * delay, {"units": "s", "long_name": "time"})},
                        attrs={"units": "1", "long_name": "spikes per bin", "m": m, "n_units": n_neurons,
                               "drive": drive * delay, "brian2_seed": seed})


def subsample(activity: xr.DataArray, n_observed: int, *, rng=None) -> xr.DataArray:
    """Activity seen by recording ``n_observed`` of the N units.

    In a branching network whose active units are a random subset at each step, the
    observed count is hypergeometric: of A_t active among N, n are recorded.

    Parameters
    ----------
    activity : xarray.DataArray
        Active units per step, dims (trial, time), from :func:`branching_process` (it must
        carry ``attrs["n_units"]``).
    n_observed : int
        Number of recorded units, 1 … n_units.
    rng : None, int, SeedSequence or Generator
        Stream for the hypergeometric draws.

    Returns
    -------
    xarray.DataArray
        Active units among the recorded ones, same dims and coords; attr ``n_observed``.

    References
    ----------
    .. [1] Wilting, J. & Priesemann, V. (2018). Inferring collective dynamical states from
       widely unobserved systems. Nat. Commun. 9, 2325.

    Examples
    --------
    >>> a = branching_process(m=0.9, n_units=1000, drive=1e-2, n_steps=100, rng=0)
    >>> int(subsample(a, 1000, rng=0).sum()) == int(a.sum())
    True
    """
    N = int(activity.attrs.get("n_units", 0))
    if N <= 0:
        raise ValidationError("activity must carry attrs['n_units'] (made by branching_process)")
    n = check_int("n_observed", n_observed, 1, N)
    g = as_generator(rng)
    A = activity.values
    obs = g.hypergeometric(A, N - A, n) if n < N else A.copy()
    out = activity.copy(data=obs)
    out.attrs = dict(activity.attrs, long_name=f"active units among {n} observed", n_observed=n)
    return out


def galton_watson_avalanches(*, m: float = 1.0, n_avalanches: int = 10_000, max_size: int = 10**6,
                             rng=None) -> xr.Dataset:
    """Sizes and durations of avalanches started by one unit of a branching process.

    Each active unit has Poisson(m) descendants in the next step; the avalanche ends
    when none is active (or is cut at ``max_size`` total activations). At m = 1 the
    size distribution falls as s^(−3/2) and the duration distribution as T^(−2).

    Parameters
    ----------
    m : float, default 1.0
        Branching ratio (mean descendants per active unit, ≥ 0).
    n_avalanches : int, default 10000
        Number of avalanches, each started by one unit.
    max_size : int, default 10**6
        Total activations at which an avalanche is cut.
    rng : None, int, SeedSequence or Generator
        The random stream.

    Returns
    -------
    xarray.Dataset
        ``size`` and ``duration`` (avalanche); ``truncated`` marks avalanches cut at
        ``max_size``.

    References
    ----------
    .. [1] Harris, T. E. (1963). The Theory of Branching Processes. Springer.

    Examples
    --------
    >>> av = galton_watson_avalanches(m=0.5, n_avalanches=20_000, rng=0)
    >>> round(float(av["size"].mean()), 1)         # 1 / (1 - m)
    2.0
    """
    if not np.isfinite(m) or m < 0:
        raise ValidationError(f"m must be a finite branching ratio >= 0; got {m!r}")
    n = check_int("n_avalanches", n_avalanches, 1, 10**8)
    max_size = check_int("max_size", max_size, 1, 10**12)
    g = as_generator(rng)
    active = np.ones(n, np.int64)
    size = np.ones(n, np.int64)
    dur = np.ones(n, np.int64)
    alive = np.ones(n, bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        nxt = g.poisson(m * active[idx])
        active[idx] = nxt
        grow = nxt > 0
        size[idx] += nxt
        dur[idx[grow]] += 1
        stop = ~grow | (size[idx] >= max_size)
        alive[idx[stop]] = False
    trunc = size >= max_size
    return xr.Dataset(
        {"size": ("avalanche", size, {"units": "1", "long_name": "avalanche size (activations)"}),
         "duration": ("avalanche", dur, {"units": "1", "long_name": "avalanche duration (steps)"}),
         "truncated": ("avalanche", trunc, {"units": "1", "long_name": "cut at max_size"})},
        attrs={"m": m},
    )


# --- Avalanches from activity ----------------------------------------------------------------------

def avalanches(activity, *, bin_width: float | None = None, dt: float | None = None) -> xr.Dataset:
    """Avalanches in population activity: runs of non-empty bins between empty ones.

    Parameters
    ----------
    activity : DataArray or array (time,) or (trial, time)
        Event counts per time step (spikes or active units).
    bin_width : float, optional
        Re-bin to this width in s (a multiple of the step ``dt``); default: no re-binning.
    dt : float, optional
        Step in s, when ``activity`` is not a DataArray with a ``time`` coordinate.

    Returns
    -------
    xarray.Dataset
        ``size`` (events) and ``duration`` (bins) per ``avalanche``, and
        ``mean_shape`` (duration_bin, position): the mean activity profile of
        avalanches of each duration (NaN where none).

    Raises
    ------
    ValueError
        Negative or non-integer counts, a bin wider than the recording, or no
        avalanche at all (activity never empty, or always empty).

    Examples
    --------
    >>> import numpy as np
    >>> av = avalanches(np.array([0, 2, 1, 0, 0, 3, 0]), dt=0.004)
    >>> av["size"].values.tolist(), av["duration"].values.tolist()
    ([3, 3], [2, 1])
    """
    if isinstance(activity, xr.DataArray):
        x = activity.values
        if dt is None and "time" in activity.coords and activity.sizes["time"] > 1:
            t = activity["time"].values
            dt = float(t[1] - t[0])
    else:
        x = np.asarray(activity)
    x = check_array("activity", x, ndim=(1, 2), dtype=float)
    if (x < 0).any() or np.any(x != np.round(x)):
        raise ValidationError("activity must hold non-negative integer counts per time step")
    if x.ndim == 1:
        x = x[None]
    if bin_width is not None:
        if dt is None:
            raise ValidationError("bin_width needs the step dt (pass dt= or a DataArray with a time coordinate)")
        check_positive("bin_width", bin_width)
        k = int(round(bin_width / dt))
        if k < 1 or abs(k * dt - bin_width) > 1e-9 * bin_width:
            raise ValidationError(f"bin_width={bin_width} s must be a whole multiple of the step dt={dt} s")
        if k > x.shape[1]:
            raise ValidationError(f"bin_width={bin_width} s is longer than the recording "
                                  f"({x.shape[1] * dt:g} s)")
        T = x.shape[1] // k * k
        x = x[:, :T].reshape(x.shape[0], -1, k).sum(-1)
    sizes, durs, shapes = [], [], {}
    for row in x:
        active = row > 0
        edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        # Avalanches touching the edges of the recording are incomplete: drop them.
        keep = (starts > 0) & (ends < len(row))
        cs = np.concatenate([[0.0], np.cumsum(row)])
        st, en = starts[keep], ends[keep]
        sizes.append(cs[en] - cs[st])
        durs.append(en - st)
        for d in np.unique(en - st):
            if d <= 100:  # mean shapes of the shorter avalanches (at most 2000 per duration and row)
                pick = st[en - st == d][:2000]
                shapes.setdefault(int(d), []).extend(row[pick[:, None] + np.arange(d)])
    sizes = np.concatenate(sizes) if sizes else np.empty(0)
    durs = np.concatenate(durs) if durs else np.empty(0)
    if sizes.size == 0:
        raise ValidationError("activity has no complete avalanche (it is never empty, or never active, between its "
                              "first and last bin); try a smaller bin_width or a longer recording")
    max_d = max(shapes) if shapes else 1
    mean_shape = np.full((max_d, max_d), np.nan)
    for d, rows in shapes.items():
        mean_shape[d - 1, :d] = np.mean(rows, axis=0)
    return xr.Dataset(
        {"size": ("avalanche", np.asarray(sizes, np.int64), {"units": "1", "long_name": "avalanche size (events)"}),
         "duration": ("avalanche", np.asarray(durs, np.int64), {"units": "1", "long_name": "avalanche duration (bins)"}),
         "mean_shape": (("duration_bin", "position"), mean_shape,
                        {"units": "1", "long_name": "mean events per bin of avalanches of a duration"})},
        coords={"duration_bin": np.arange(1, max_d + 1), "position": np.arange(max_d)},
        attrs={"bin_width_s": (bin_width if bin_width is not None else dt) or float("nan")},
    )


# --- Power-law fits ----------------------------------------------------------------------------------

def _tail_stats(values, counts, xmin_index):
    """n, Σ ln x of the tail from each candidate x_min index (suffix sums)."""
    n = np.cumsum(counts[::-1])[::-1]
    slog = np.cumsum((counts * np.log(values))[::-1])[::-1]
    return n[xmin_index], slog[xmin_index]


def _mle_alpha(xmins, n, slog, lo=1.0 + 1e-6, hi=10.0):
    """Discrete power-law MLE for each x_min: root of d/dα [n ln ζ(α, x_min) + α Σ ln x] = 0 (vectorised)."""
    def dloglik(a):
        h = 1e-6
        dz = (np.log(special.zeta(a + h, xmins)) - np.log(special.zeta(a - h, xmins))) / (2 * h)
        return n * dz + slog  # derivative of the negative log-likelihood; increasing in α

    a_lo = np.full(len(xmins), lo)
    a_hi = np.full(len(xmins), hi)
    for _ in range(60):
        mid = 0.5 * (a_lo + a_hi)
        pos = dloglik(mid) > 0
        a_hi = np.where(pos, mid, a_hi)
        a_lo = np.where(pos, a_lo, mid)
    return 0.5 * (a_lo + a_hi)


def _zeta(s, v):
    """Hurwitz ζ(s, v) for arrays of v (s > 1 scalar).

    scipy.special.zeta costs about a microsecond per point; the KS search evaluates it
    at every observed value for every candidate x_min. For v ≥ 30 the Euler–Maclaurin
    series to the B₆ term is accurate to ~1e-12 relative and twenty times cheaper, so
    we use it there (checked against scipy in the tests) and scipy below.
    """
    v = np.asarray(v, dtype=float)
    out = np.empty_like(v)
    small = v < 30
    out[small] = special.zeta(s, v[small])
    w = v[~small]
    if w.size:
        ws = w ** (-s)
        iw2 = 1.0 / (w * w)
        out[~small] = (w * ws / (s - 1) + 0.5 * ws
                       + ws / w * (s / 12 - s * (s + 1) * (s + 2) / 720 * iw2
                                   + s * (s + 1) * (s + 2) * (s + 3) * (s + 4) / 30240 * iw2 * iw2))
    return out


def _ks(values, counts, xmin_index, alpha, exclusive=False):
    """KS distance between the tail's empirical CDF and the fitted one, for one x_min.

    Exact, but lazy: both CDFs rise to 1, so beyond the J-th value their difference is
    at most max(1 − E(v_J), 1 − F(v_J)); values past J are evaluated only when that
    bound could exceed the largest difference found so far.
    """
    v = values[xmin_index:]
    c = counts[xmin_index:]
    emp = np.cumsum(c) / c.sum()
    if exclusive:  # P(X < x): the mass below each value
        emp = np.concatenate([[0.0], emp[:-1]])
    z0 = float(_zeta(alpha, v[:1])[0])
    shift = 0 if exclusive else 1
    best, J, done = 0.0, 0, 0
    while True:
        J = min(len(v), max(64, 4 * J))
        fit = 1.0 - _zeta(alpha, v[done:J] + shift) / z0
        best = max(best, float(np.abs(emp[done:J] - fit).max()))
        done = J
        if J == len(v) or max(1.0 - emp[J - 1], 1.0 - fit[-1]) <= best:
            return best


def fit_power_law(data, *, xmin: int | None = None, min_tail: int = MIN_EVENTS, n_bootstrap: int = 0,
                  ks_cdf: str = "inclusive", rng=None) -> xr.Dataset:
    """Discrete power-law fit P(x) = x^(−α)/ζ(α, x_min) by maximum likelihood, x_min by KS (Clauset et al. 2009).

    Parameters
    ----------
    data : array of positive integers
        Event sizes (avalanche sizes, durations).
    xmin : int, optional
        Fix x_min; by default every observed value with at least ``min_tail`` events
        at or above it is tried and the one with the smallest KS distance kept.
    min_tail : int
        Fewest tail events a candidate x_min may leave.
    n_bootstrap : int
        If > 0, the goodness-of-fit p-value by Clauset et al.'s semi-parametric
        bootstrap (each synthetic set refitted with its own x_min search).
    ks_cdf : {"inclusive", "exclusive"}
        The CDFs the KS distance compares at the observed values: P(X ≤ x)
        (``"inclusive"``) or P(X < x) (``"exclusive"``, the ``powerlaw`` package's
        choice — use it to reproduce that package's x_min). For discrete data the
        two can pick different x_min.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        0-d variables ``alpha``, ``alpha_se`` ((α − 1)/√n, Clauset's eq. 3.2),
        ``xmin``, ``n_tail``, ``ks_distance`` and, with bootstrap, ``p_value``.

    Warns
    -----
    NeurocompWarning
        When fewer than 50 events are in the tail: the fit says little.

    Notes
    -----
    The KS distance compares the tail's empirical CDF with the fitted one,
    P(X ≤ x) = 1 − ζ(α, x + 1)/ζ(α, x_min), at every observed value.

    References
    ----------
    Clauset, A., Shalizi, C. R. & Newman, M. E. J. (2009). SIAM Rev. 51, 661–703.

    Examples
    --------
    >>> av = galton_watson_avalanches(m=1.0, n_avalanches=50_000, rng=1)
    >>> fit = fit_power_law(av["size"].values)
    >>> bool(abs(float(fit.alpha) - 1.5) < 3 * float(fit.alpha_se) + 0.02)
    True
    """
    check_option("ks_cdf", ks_cdf, ["inclusive", "exclusive"])
    x = check_array("data", data, ndim=1, dtype=float)
    if x.size == 0 or (x < 1).any() or np.any(x != np.round(x)):
        raise ValidationError("data must be positive integers (event sizes or durations)")
    x = x.astype(np.int64)
    values, counts = np.unique(x, return_counts=True)
    if xmin is None:
        n_tail_all = np.cumsum(counts[::-1])[::-1]
        cand = np.flatnonzero(n_tail_all >= min_tail)[:-1] if len(values) > 1 else np.array([0])
        if cand.size == 0:
            cand = np.array([0])
    else:
        xmin = check_int("xmin", xmin, 1, int(values.max()))
        cand = np.array([np.searchsorted(values, xmin)])
    xm = values[cand].astype(float)
    n, slog = _tail_stats(values, counts, cand)
    alphas = _mle_alpha(xm, n, slog)
    ds = np.array([_ks(values, counts, i, a, ks_cdf == "exclusive") for i, a in zip(cand, alphas)])
    best = int(np.argmin(ds))
    a, i0, n_t = float(alphas[best]), int(cand[best]), int(n[best])
    if n_t < MIN_EVENTS:
        warnings.warn(f"only {n_t} events in the power-law tail (fewer than {MIN_EVENTS}): the fit is not meaningful",
                      NeurocompWarning, stacklevel=2)
    out = {"alpha": a, "alpha_se": (a - 1) / np.sqrt(n_t), "xmin": int(values[i0]), "n_tail": n_t,
           "ks_distance": float(ds[best])}
    if n_bootstrap:
        out["p_value"] = _gof_pvalue(x, dict(out, ks_cdf=ks_cdf), check_int("n_bootstrap", n_bootstrap, 1, 100_000), min_tail,
                                     as_generator(rng))
    attrs = {"alpha": ("1", "power-law exponent"), "alpha_se": ("1", "standard error of the exponent"),
             "xmin": ("1", "lower bound of the power-law tail"), "n_tail": ("1", "events in the tail"),
             "ks_distance": ("1", "Kolmogorov-Smirnov distance of the tail"),
             "p_value": ("1", "goodness-of-fit p-value (bootstrap)")}
    return xr.Dataset({k: ((), v, {"units": attrs[k][0], "long_name": attrs[k][1]}) for k, v in out.items()},
                      attrs={"ks_cdf": ks_cdf})


def _sample_discrete_power_law(alpha, xmin, size, g, xmax=10**7):
    """Exact discrete power-law draws by inverting the CDF on a table (tail beyond xmax by the continuous approximation)."""
    xs = np.arange(xmin, min(xmax, xmin + 10**6))
    sf = special.zeta(alpha, xs) / special.zeta(alpha, xmin)  # P(X >= x)
    u = g.random(size)
    idx = np.searchsorted(-sf, -u, side="right") - 1
    out = xs[np.clip(idx, 0, len(xs) - 1)].astype(float)
    beyond = u < sf[-1]
    if beyond.any():  # continuous approximation far in the tail
        out[beyond] = np.floor((xs[-1] - 0.5) * (u[beyond] / sf[-1]) ** (-1 / (alpha - 1)) + 0.5)
    return out.astype(np.int64)


def _gof_pvalue(x, fit, n_boot, min_tail, g):
    tail = x[x >= fit["xmin"]]
    body = x[x < fit["xmin"]]
    p_tail = len(tail) / len(x)
    worse = 0
    for _ in range(n_boot):
        from_tail = g.random(len(x)) < p_tail
        k = int(from_tail.sum())
        synth = np.concatenate([_sample_discrete_power_law(fit["alpha"], fit["xmin"], k, g),
                                g.choice(body, len(x) - k) if len(body) and len(x) - k else np.empty(0, np.int64)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NeurocompWarning)
            d = float(fit_power_law(synth, min_tail=min_tail, ks_cdf=fit.get("ks_cdf", "inclusive")).ks_distance)
        worse += d >= fit["ks_distance"]
    return worse / n_boot


def _loglik_tail(name, v, xmin):
    """Per-event log-likelihoods of the tail v ≥ xmin under a discrete fitted alternative, and its parameters."""
    if name == "exponential":
        # P(x) ∝ exp(−λ x), x ≥ xmin: geometric; MLE λ = ln(1 + 1/(mean − xmin)).
        mu = v.mean() - xmin
        lam = np.log1p(1.0 / mu) if mu > 0 else 50.0
        return np.log1p(-np.exp(-lam)) - lam * (v - xmin), {"lambda": lam}
    # Discretised log-normal: P(x) ∝ Φ((ln(x+½)−μ)/σ) − Φ((ln(x−½)−μ)/σ), normalised over x ≥ xmin.
    def nll(theta):
        mu, log_s = theta
        s = np.exp(log_s)
        upper = stats.norm.logsf((np.log(xmin - 0.5) - mu) / s)
        p = stats.norm.cdf((np.log(v + 0.5) - mu) / s) - stats.norm.cdf((np.log(v - 0.5) - mu) / s)
        return -(np.log(np.maximum(p, 1e-300)) - upper).sum()

    lv = np.log(v)
    res = optimize.minimize(nll, [lv.mean(), np.log(lv.std() + 1e-3)], method="Nelder-Mead",
                            options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 2000})
    mu, s = res.x[0], np.exp(res.x[1])
    upper = stats.norm.logsf((np.log(xmin - 0.5) - mu) / s)
    p = stats.norm.cdf((np.log(v + 0.5) - mu) / s) - stats.norm.cdf((np.log(v - 0.5) - mu) / s)
    return np.log(np.maximum(p, 1e-300)) - upper, {"mu": mu, "sigma": s}


def compare_tails(data, fit: xr.Dataset, *, alternative: str = "lognormal") -> xr.Dataset:
    """Vuong's likelihood-ratio test of the power-law tail against an alternative (Clauset et al. 2009 §5).

    Parameters
    ----------
    data : array of positive integers
    fit : Dataset from :func:`fit_power_law` (its α and x_min)
    alternative : {"lognormal", "exponential"}

    Returns
    -------
    xarray.Dataset
        ``log_likelihood_ratio`` R (> 0 favours the power law), its normalised
        value and the two-sided ``p_value`` (small p: the sign of R is significant).

    References
    ----------
    .. [1] Clauset, A., Shalizi, C. R. & Newman, M. E. J. (2009). Power-law distributions in
       empirical data. SIAM Rev. 51, 661-703.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).geometric(0.3, 5000)             # exponential tail
    >>> fit = fit_power_law(x, xmin=1)
    >>> t = compare_tails(x, fit, alternative="exponential")
    >>> bool(t.log_likelihood_ratio < 0 and t.p_value < 0.01)
    True
    """
    check_option("alternative", alternative, ["lognormal", "exponential"])
    x = np.asarray(data)
    xmin, a = int(fit.xmin), float(fit.alpha)
    v = x[x >= xmin].astype(float)
    if v.size < 2:
        raise ValidationError("fewer than two events in the tail")
    l_pl = -a * np.log(v) - np.log(special.zeta(a, xmin))
    l_alt, params = _loglik_tail(alternative, v, xmin)
    d = l_pl - l_alt
    R = float(d.sum())
    sd = float(d.std(ddof=0))
    z = R / (np.sqrt(len(v)) * sd) if sd > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(z)))
    out = xr.Dataset({"log_likelihood_ratio": ((), R, {"units": "nat", "long_name": "log-likelihood ratio (power law - alternative)"}),
                      "normalized_ratio": ((), z, {"units": "1", "long_name": "normalised ratio (Vuong)"}),
                      "p_value": ((), p, {"units": "1", "long_name": "two-sided p-value of the sign"})},
                     attrs={"alternative": alternative, **{k: float(v) for k, v in params.items()}})
    return out


def crackling_noise(av: xr.Dataset, *, min_duration: int = 2, max_duration: int | None = None) -> xr.Dataset:
    """The crackling-noise relation: ⟨S⟩(T) ∝ T^γ with γ = (α_T − 1)/(α_S − 1).

    Fits size and duration exponents (:func:`fit_power_law`), and γ as the slope of
    log mean size on log duration for durations in [min_duration, max_duration].

    Parameters
    ----------
    av : xarray.Dataset
        Avalanches with ``size`` (events) and ``duration`` (bins) over dim ``avalanche``,
        from :func:`avalanches` or :func:`galton_watson_avalanches`.
    min_duration : int, default 2
        Shortest duration (bins) used for the fit of γ.
    max_duration : int, optional
        Longest duration (bins) used for the fit of γ (default: all).

    Returns
    -------
    xarray.Dataset
        ``size_exponent``, ``duration_exponent`` (with SEs), ``gamma_fit``,
        ``gamma_predicted`` and their difference.

    References
    ----------
    .. [1] Sethna, J. P., Dahmen, K. A. & Myers, C. R. (2001). Crackling noise. Nature 410,
       242-250.
    .. [2] Friedman, N. et al. (2012). Universal critical dynamics in high resolution neuronal
       avalanche data. Phys. Rev. Lett. 108, 208102.

    Examples
    --------
    >>> av = galton_watson_avalanches(m=1.0, n_avalanches=100_000, max_size=10**5, rng=2)
    >>> out = crackling_noise(av, min_duration=20, max_duration=300)
    >>> round(float(out.gamma_fit), 1)                    # mean-field theory: 2
    2.0
    """
    sizes, durs = av["size"].values, av["duration"].values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NeurocompWarning)
        fs = fit_power_law(sizes)
        fd = fit_power_law(durs)
    T = np.unique(durs)
    T = T[(T >= min_duration) & ((T <= max_duration) if max_duration else True)]
    means = np.array([sizes[durs == t].mean() for t in T])
    ok = np.array([(durs == t).sum() >= 5 for t in T])
    if ok.sum() < 3:
        raise ValidationError("too few distinct avalanche durations (with ≥ 5 avalanches each) to fit <S>(T)")
    slope = float(np.polyfit(np.log(T[ok]), np.log(means[ok]), 1)[0])
    pred = (float(fd.alpha) - 1) / (float(fs.alpha) - 1)
    f = lambda v, n: ((), v, {"units": "1", "long_name": n})  # noqa: E731
    return xr.Dataset({
        "size_exponent": f(float(fs.alpha), "size exponent"), "size_exponent_se": f(float(fs.alpha_se), "SE"),
        "duration_exponent": f(float(fd.alpha), "duration exponent"),
        "duration_exponent_se": f(float(fd.alpha_se), "SE"),
        "gamma_fit": f(slope, "exponent of <S>(T)"), "gamma_predicted": f(pred, "(alpha_T - 1)/(alpha_S - 1)")})


# --- Branching ratio ----------------------------------------------------------------------------------

def _lag_slopes(a, max_lag):
    """Regression slopes r_k of a_{t+k} on a_t, pooled over trials (the 'stationary mean' form)."""
    from scipy import fft

    n_tr, T = a.shape
    if T <= max_lag + 1:
        raise ValidationError(f"max_lag={max_lag} needs more than {max_lag + 1} time steps; got {T}")
    a = a - a.mean()
    if not a.any():
        raise ValidationError("activity is constant: the branching ratio is undefined")
    # Autocovariances of every lag at once: Σ over trials of |FFT|², one inverse transform.
    n_fft = fft.next_fast_len(T + max_lag, real=True)
    F = fft.rfft(a, n_fft, axis=1, workers=-1)
    power = (F.real**2 + F.imag**2).sum(0)
    ac = fft.irfft(power, n_fft)[: max_lag + 1]
    cov = ac / (n_tr * (T - np.arange(max_lag + 1)))
    return cov[1:] / cov[0]


def branching_ratio(activity, *, method: str = "mr", max_lag: int = 40, dt: float | None = None,
                    n_bootstrap: int = 100, level: float = 0.95, rng=None) -> xr.Dataset:
    """Branching ratio m from population activity: conventional or multistep regression (MR).

    Parameters
    ----------
    activity : DataArray or array (time,) or (trial, time)
        Event counts per step (possibly of a subsample of units).
    method : {"mr", "conventional"}
        ``"conventional"``: the slope of a_{t+1} on a_t, biased towards 0 under
        subsampling. ``"mr"``: fit r_k = b·m^k to the slopes of lags k = 1 …
        ``max_lag`` (Wilting & Priesemann 2018): subsampling scales every r_k by the
        same b, so m is recovered.
    max_lag : int
    dt : float, optional
        Step in s (default from the DataArray's ``time``), for τ = −dt / ln m.
    n_bootstrap : int
        Resamples of trials (blocks of time for one trial) for the interval.
    level : float in (0, 1)
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``m`` with ``m_low``/``m_high``, ``timescale`` τ in s, and ``slopes`` r_k (lag).

    Raises
    ------
    ValueError
        Constant activity, too short a recording for ``max_lag``, negative counts.

    References
    ----------
    Wilting, J. & Priesemann, V. (2018). Nat. Commun. 9, 2325.

    Examples
    --------
    >>> a = branching_process(m=0.98, n_units=10_000, drive=2e-4, n_steps=20_000, n_trials=5, rng=0)
    >>> few = subsample(a, 50, rng=1)
    >>> conv = float(branching_ratio(few, method="conventional", n_bootstrap=0).m)
    >>> mr = float(branching_ratio(few, method="mr", n_bootstrap=0).m)
    >>> conv < 0.9, abs(mr - 0.98) < 0.01
    (True, True)
    """
    check_option("method", method, ["mr", "conventional"])
    if isinstance(activity, xr.DataArray):
        x = activity.values
        if dt is None and "time" in activity.coords and activity.sizes["time"] > 1:
            dt = float(activity["time"][1] - activity["time"][0])
    else:
        x = np.asarray(activity)
    x = check_array("activity", x, ndim=(1, 2), dtype=float)
    if (x < 0).any():
        raise ValidationError("activity must hold non-negative counts")
    if x.ndim == 1:
        x = x[None]
    dt = 1.0 if dt is None else check_positive("dt", dt)
    max_lag = check_int("max_lag", max_lag, 1 if method == "conventional" else 2, 10**6)
    if method == "conventional":
        max_lag = 1
    check_in_range("level", level, 0, 1, low_open=True, high_open=True)
    n_bootstrap = check_int("n_bootstrap", n_bootstrap, 0, 100_000)

    def estimate(a):
        r = _lag_slopes(a, max_lag)
        if method == "conventional":
            return float(r[0]), r
        k = np.arange(1, max_lag + 1)
        pos = r > 0
        if pos.sum() < 2:
            raise ValidationError("the lag slopes are not positive: no exponential decay to fit (is this activity "
                                  "a branching process?)")
        # Least squares of r_k = b m^k (log-linear start, then nonlinear refinement).
        c = np.polyfit(k[pos], np.log(r[pos]), 1)
        try:
            (b, m), _ = optimize.curve_fit(lambda kk, b, m: b * m**kk, k, r, p0=[np.exp(c[1]), np.exp(c[0])],
                                           maxfev=10_000)
        except RuntimeError:
            raise ValidationError(f"the lag slopes r_k do not fit b·m^k over lags 1..{max_lag} (the fit did not "
                                  "converge); try a smaller max_lag or a longer recording") from None
        return float(m), r

    m, r = estimate(x)
    lo = hi = float("nan")
    if n_bootstrap:
        g = as_generator(rng)
        if x.shape[0] > 1:
            reps = [estimate(x[g.integers(0, x.shape[0], x.shape[0])])[0] for _ in range(n_bootstrap)]
        else:  # one trial: resample blocks of 20 × max_lag steps
            L = min(x.shape[1], max(20 * max_lag, 100))
            nb = x.shape[1] // L
            blocks = x[0, : nb * L].reshape(nb, L)
            reps = [estimate(blocks[g.integers(0, nb, nb)])[0] for _ in range(n_bootstrap)]
        lo, hi = np.quantile(reps, [(1 - level) / 2, (1 + level) / 2])
    tau = -dt / np.log(m) if 0 < m < 1 else float("inf")
    return xr.Dataset(
        {"m": ((), m, {"units": "1", "long_name": f"branching ratio ({method})"}),
         "m_low": ((), float(lo), {"units": "1", "long_name": f"lower {level:.0%} bound"}),
         "m_high": ((), float(hi), {"units": "1", "long_name": f"upper {level:.0%} bound"}),
         "timescale": ((), tau, {"units": "s", "long_name": "intrinsic timescale -dt / ln m"}),
         "slopes": ("lag", r, {"units": "1", "long_name": "regression slope of a(t+k) on a(t)"})},
        coords={"lag": ("lag", np.arange(1, len(r) + 1) * dt, {"units": "s", "long_name": "lag"})},
        attrs={"method": method},
    )


# --- Dynamic range -----------------------------------------------------------------------------------

def dynamic_range(*, branching_ratios=(0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4), n_units: int = 2000, n_neighbours: int = 10,
                  n_states: int = 5, stimulus_rates=None, n_steps: int = 1500, n_discard: int = 300,
                  dt: float = 1e-3, rng=None) -> xr.Dataset:
    """Response curves and dynamic range of excitable networks across the branching ratio σ.

    Kinouchi & Copelli's (2006) cellular automaton: each unit is quiescent (0),
    excited (1) or refractory (2 … n_states−1); a quiescent unit is excited by an
    external Poisson stimulus of rate r (probability 1 − e^(−r dt) per step) or by
    each excited neighbour with probability σ/K. The response F(r) is the mean
    fraction of excited units; the dynamic range Δ = 10 log10(r₀.₉ / r₀.₁), with r_x
    the stimulus giving F₀ + x(F_max − F₀), peaks at σ = 1.

    Parameters
    ----------
    branching_ratios : sequence of float
        Branching ratios σ (mean excitations caused by one excited unit).
    n_units, n_neighbours, n_states : int
    stimulus_rates : array of float, optional
        Stimulus rates in Hz (default 20 log-spaced rates from 10⁻¹ to 10⁴ Hz).
    n_steps, n_discard : int
        Steps per simulation and the transient discarded.
    dt : float
        Step in s.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``response`` (branching_ratio, stimulus_rate), ``dynamic_range`` (branching_ratio) in dB.

    References
    ----------
    Kinouchi, O. & Copelli, M. (2006). Nat. Phys. 2, 348–351.
    Shew, W. L. et al. (2009). Neuronal avalanches imply maximum dynamic range in
        cortical networks at criticality. J. Neurosci. 29, 15595–15600.

    Examples
    --------
    >>> out = dynamic_range(branching_ratios=(0.5, 1.0), n_units=500, n_steps=400, n_discard=100, rng=0)
    >>> out.dynamic_range.dims
    ('branching_ratio',)
    """
    from scipy import sparse

    sig = np.asarray(branching_ratios, dtype=float)
    if sig.ndim != 1 or (sig < 0).any() or not np.isfinite(sig).all():
        raise ValidationError(f"branching_ratios must be non-negative numbers; got {list(branching_ratios)}")
    N = check_int("n_units", n_units, 10, 10**6)
    K = check_int("n_neighbours", n_neighbours, 1, N - 1)
    S = check_int("n_states", n_states, 2, 100)
    n_steps = check_int("n_steps", n_steps, 10, 10**7)
    n_discard = check_int("n_discard", n_discard, 0, n_steps - 1)
    check_positive("dt", dt)
    rates = np.logspace(-1, 4, 20) if stimulus_rates is None else check_array("stimulus_rates", stimulus_rates, ndim=1)
    if (rates <= 0).any():
        raise ValidationError("stimulus_rates must be positive")
    g = as_generator(rng)
    if 8 * N * len(rates) * len(sig) > MAX_BYTES:
        raise ValidationError("n_units × rates × sigmas is too large")
    # Random directed graph: each unit listens to K random others.
    rows = np.repeat(np.arange(N), K)
    cols = g.integers(0, N - 1, N * K)
    cols = cols + (cols >= rows)  # no self-loops
    Adj = sparse.csr_matrix((np.ones(N * K), (rows, cols)), shape=(N, N))
    p_ext = 1.0 - np.exp(-rates * dt)
    B = len(rates) * len(sig)
    p_syn = np.repeat(sig / K, len(rates))  # column order: sigma-major
    p_stim = np.tile(p_ext, len(sig))
    state = np.zeros((N, B), np.int8)
    state[g.random((N, B)) < 0.01] = 1
    F = np.zeros(B)
    for t in range(n_steps):
        excited = (state == 1).astype(np.float64)
        k_in = Adj @ excited  # excited neighbours of each unit
        quiet = state == 0
        p_fire = 1.0 - (1.0 - p_stim) * (1.0 - p_syn) ** k_in
        fire = quiet & (g.random((N, B)) < p_fire)
        new = np.where(state > 0, (state + 1) % S, 0).astype(np.int8)
        new[fire] = 1
        state = new
        if t >= n_discard:
            F += fire.mean(0)
    F = (F / (n_steps - n_discard)).reshape(len(sig), len(rates))
    drange = np.empty(len(sig))
    lr = np.log10(rates)
    for i in range(len(sig)):
        f0, fmax = F[i].min(), F[i].max()
        r01 = np.interp(f0 + 0.1 * (fmax - f0), np.maximum.accumulate(F[i]), lr)
        r09 = np.interp(f0 + 0.9 * (fmax - f0), np.maximum.accumulate(F[i]), lr)
        drange[i] = 10 * (r09 - r01)
    return xr.Dataset(
        {"response": (("branching_ratio", "stimulus_rate"), F / dt, {"units": "Hz", "long_name": "mean firing rate per unit"}),
         "dynamic_range": ("branching_ratio", drange, {"units": "dB", "long_name": "dynamic range 10 log10(r90 / r10)"})},
        coords={"branching_ratio": ("branching_ratio", sig, {"units": "1", "long_name": "branching ratio"}),
                "stimulus_rate": ("stimulus_rate", rates, {"units": "Hz", "long_name": "stimulus rate"})},
    )
