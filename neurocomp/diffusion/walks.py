"""Random-walk generators, vectorized over walkers.

Every generator returns an :class:`xarray.DataArray` with dims
``("walker", "time", "space")``: positions in metres, ``time`` in seconds,
``space`` coords ``"x"``, ``"y"``, ``"z"`` (first ``d``), ``attrs["dt"]`` the step
in seconds and ``attrs["model"]`` the generator's name. All walkers start at the
origin. ``record_steps`` (integer step indices, e.g. from :func:`log_steps`)
keeps only the chosen times, so long runs fit in memory; ``dtype="float32"``
halves the output.

Models and the laws they obey (``d`` dimensions, MSD summed over dimensions):

* :func:`brownian` — Einstein (1905): MSD = 2 d D t.
* :func:`lattice_walk` — nearest-neighbour steps of length ``a``: MSD = a² n.
* :func:`langevin` — Langevin (1908), underdamped: MSD = 2 d D [t − τ(1 − e^{−t/τ})],
  τ = m/γ, D = kT/γ (ballistic d kT t²/m for t ≪ τ, diffusive for t ≫ τ).
* :func:`ornstein_uhlenbeck` — overdamped particle in a harmonic trap:
  stationary variance kT/k per dimension.
* :func:`ctrw` — continuous-time random walk with power-law waiting times
  ψ(t) ∝ t^{−1−α}: MSD ∝ t^α, weakly non-ergodic (Metzler & Klafter 2000).
* :func:`levy_flight`, :func:`levy_walk` — heavy-tailed jumps (flights, infinite
  MSD) and constant-speed flights of power-law duration (MSD ∝ t^α, 1 < α ≤ 2).
* :func:`fbm` — fractional Brownian motion, exact (Davies & Harte 1987), α = 2H.
* :func:`sbm` — scaled Brownian motion, D(t) ∝ t^{α−1}.
* :func:`attm` — annealed transient time motion (Massignan et al. 2014).
* :func:`run_and_tumble` — bacterial runs and tumbles (Berg 1993; Purcell 1977),
  D_eff = v² τ / (d (1 − ⟨cos θ⟩)) (Lovely & Dahlquist 1975), with chemotactic bias.
* :func:`bounded_brownian` — Brownian motion between reflecting/absorbing walls, with
  first-passage times (``first_passage`` before 0.2).

``attm``, ``ctrw``, ``fbm``, ``levy_walk`` (lw) and ``sbm`` are the five models
of the AnDi challenge (Muñoz-Gil et al. 2021); :func:`andi_model` calls them by
those names with the generalised diffusion coefficient ``K`` [m²/s^α], so that
MSD ≈ 2 d K t^α.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import scipy.fft as sfft
import xarray as xr
from scipy.signal import lfilter

from neurocomp._validation import (
    ValidationError,
    check_in_range,
    check_int,
    check_option,
    check_positive,
)
from neurocomp.diffusion._common import (
    check_dim,
    check_dtype,
    log_steps,
    make_trajectories,
    record_index,
)
from neurocomp._deprecation import renamed_kwargs
from neurocomp.random import as_generator

__all__ = [
    "brownian",
    "lattice_walk",
    "langevin",
    "ornstein_uhlenbeck",
    "ctrw",
    "levy_flight",
    "levy_walk",
    "fbm",
    "sbm",
    "attm",
    "andi_model",
    "ANDI_MODELS",
    "ALPHA_RANGES",
    "run_and_tumble",
    "bounded_brownian",
    "first_passage",
    "log_steps",
]

#: Admissible anomalous exponent per AnDi model: (low, high, low_open, high_open).
ALPHA_RANGES = {
    "attm": (0.0, 1.0, True, False),
    "ctrw": (0.0, 1.0, True, False),
    "fbm": (0.0, 2.0, True, True),
    "lw": (1.0, 2.0, True, False),
    "sbm": (0.0, 2.0, True, True),
}
ANDI_MODELS = tuple(ALPHA_RANGES)

_BLOCK_ELEMENTS = 1 << 21  # numbers drawn per block in the time-blocked drivers


def _common_args(n_walkers, n_steps, d, dt, dtype, record_steps):
    n_walkers = check_int("n_walkers", n_walkers, low=1)
    n_steps = check_int("n_steps", n_steps, low=1)
    d = check_dim(d)
    dt = check_positive("dt", dt)
    dtype = check_dtype(dtype)
    idx = record_index(n_steps, record_steps)
    return n_walkers, n_steps, d, dt, dtype, idx


def _drive(step_block, state, n_walkers, n_steps, d, idx, dtype):
    """Run ``step_block(start, n, state) -> (positions (W, n, d), state)`` over time
    blocks and keep the positions at step indices ``idx`` (step 0 = origin)."""
    out = np.zeros((n_walkers, idx.size, d), dtype=dtype)
    block = max(1, _BLOCK_ELEMENTS // (n_walkers * d))
    start = 0
    while start < n_steps:
        n = min(block, n_steps - start)
        pos, state = step_block(start, n, state)
        sel = (idx > start) & (idx <= start + n)
        if sel.any():
            out[:, sel] = pos[:, idx[sel] - start - 1]
        start += n
    return out


def _integrate(inc, idx, dtype):
    """Positions (W, R, d) at step indices ``idx`` from increments ``inc`` (W, n, d), starting at 0.

    ``inc`` is consumed (overwritten). With every step recorded in float64 the
    cumulative sum is written straight into the output.
    """
    W, n, d = inc.shape
    if idx.size == n + 1 and dtype == np.float64:
        out = np.empty((W, n + 1, d))
        out[:, 0] = 0.0
        np.cumsum(inc, axis=1, out=out[:, 1:])
        return out
    np.cumsum(inc, axis=1, out=inc)
    out = np.zeros((W, idx.size, d), dtype=dtype)
    nz = idx > 0
    out[:, nz] = inc[:, idx[nz] - 1]
    return out


def _cumulative(draw_increments, n_walkers, n_steps, d, idx, dtype):
    """Positions as cumulative sums of increments ``draw_increments(start, n) -> (W, n, d)``
    (a fresh array the caller may overwrite); one shot when it fits in one block."""
    if n_steps <= max(1, _BLOCK_ELEMENTS // (n_walkers * d)):
        return _integrate(draw_increments(0, n_steps), idx, dtype)

    def step(start, n, last):
        pos = np.cumsum(draw_increments(start, n), axis=1)
        pos += last[:, None, :]
        return pos, pos[:, -1, :]

    return _drive(step, np.zeros((n_walkers, d)), n_walkers, n_steps, d, idx, dtype)


def brownian(n_walkers: int = 1000, n_steps: int = 1000, *, D: float = 1.0, dt: float = 1.0, d: int = 1,
             record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Brownian motion as a Gaussian random walk (Einstein 1905).

    Parameters
    ----------
    n_walkers, n_steps : int
        Number of independent walkers and of time steps.
    D : float
        Diffusion coefficient [m²/s], > 0.
    dt : float
        Time step [s], > 0.
    d : int
        Spatial dimension, 1–3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    DataArray, dims (walker, time, space), shape (n_walkers, n_recorded, d), metres.

    Notes
    -----
    Each increment is normal with variance 2 D dt per dimension, so the ensemble
    MSD is exactly 2 d D t.

    References
    ----------
    .. [1] Einstein, A. (1905). Über die von der molekularkinetischen Theorie der Wärme
       geforderte Bewegung von in ruhenden Flüssigkeiten suspendierten Teilchen. Ann. Phys.
       17, 549-560.

    Examples
    --------
    >>> from neurocomp.diffusion import ensemble_msd
    >>> x = brownian(500, 100, D=1e-12, dt=1e-3, rng=0)     # 1 µm²/s for 0.1 s
    >>> x.dims, x.shape, x.attrs["units"]
    (('walker', 'time', 'space'), (500, 101, 1), 'm')
    >>> round(float(ensemble_msd(x)[-1]) / (2 * 1e-12 * 0.1), 1)   # MSD / 2Dt, SE 0.06
    1.1
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    D = check_positive("D", D)
    gen = as_generator(rng)
    sd = math.sqrt(2 * D * dt)
    pos = _cumulative(lambda s, n: gen.normal(0.0, sd, (n_walkers, n, d)), n_walkers, n_steps, d, idx, dtype)
    return make_trajectories(pos, idx, dt, model="brownian", D=D)


def lattice_walk(n_walkers: int = 1000, n_steps: int = 1000, *, a: float = 1.0, dt: float = 1.0, d: int = 1,
                 record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Nearest-neighbour random walk on a (hyper)cubic lattice of spacing ``a`` [m].

    Each step moves ±a along one axis chosen uniformly, so MSD = a² n and the
    diffusion coefficient is D = a² / (2 d dt) [m²/s]. Returns (walker, time, space).

    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    a : float
        Lattice spacing in m (> 0).
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Examples
    --------
    >>> import numpy as np
    >>> x = lattice_walk(100, 10, d=2, rng=0)
    >>> np.unique(np.abs(np.diff(x.values, axis=1)).sum(axis=-1)).tolist()   # one site per step
    [1.0]
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    a = check_positive("a", a)
    gen = as_generator(rng)

    def draw(s, n):
        axis = gen.integers(0, d, (n_walkers, n))
        sign = gen.integers(0, 2, (n_walkers, n)) * 2.0 - 1.0
        inc = np.zeros((n_walkers, n, d))
        np.put_along_axis(inc, axis[..., None], (a * sign)[..., None], axis=2)
        return inc

    pos = _cumulative(draw, n_walkers, n_steps, d, idx, dtype)
    return make_trajectories(pos, idx, dt, model="lattice", a=a, D=a * a / (2 * d * dt))


@renamed_kwargs(gamma="friction")  # before 0.2; gamma now means only the ATTM exponent
def langevin(n_walkers: int = 1000, n_steps: int = 1000, *, mass: float = 1.0, friction: float = 1.0, kT: float = 1.0,
             dt: float = 0.01, d: int = 1, record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Underdamped Langevin dynamics m dv = −γ v dt + √(2γkT) dW (Langevin 1908).

    Parameters
    ----------
    mass : float
        Particle mass [kg], > 0.
    friction : float
        Friction coefficient γ [kg/s], > 0; the velocity relaxes in τ = m/γ [s]
        (called ``gamma`` before 0.2; still accepted with a DeprecationWarning).
    kT : float
        Thermal energy [J], > 0; D = kT/γ [m²/s].
    dt : float
        Time step [s]. The update is exact for any dt (no discretisation error).
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    DataArray (walker, time, space) of positions [m]; initial velocities are
    drawn from the Maxwell distribution, so MSD = 2 d D [t − τ(1 − e^{−t/τ})].

    Notes
    -----
    Velocity and position are advanced jointly with the exact Gaussian transition
    of the Ornstein–Uhlenbeck velocity process (Gillespie 1996): with
    a = e^{−dt/τ}, Var v = (kT/m)(1 − a²), Var x = (kT/m) τ² (2dt/τ − 3 + 4a − a²),
    Cov(x, v) = (kT/m) τ (1 − a)².

    References
    ----------
    .. [1] Langevin, P. (1908). Sur la théorie du mouvement brownien. C. R. Acad. Sci. Paris 146,
       530-533.

    Examples
    --------
    >>> x = langevin(300, 2000, mass=1.0, friction=1.0, kT=1.0, dt=0.01, rng=0)
    >>> x.shape, x.attrs["D"]                                     # D = kT / friction
    ((300, 2001, 1), 1.0)
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    mass = check_positive("mass", mass)
    gamma = check_positive("friction", friction)
    kT = check_positive("kT", kT)
    gen = as_generator(rng)
    tau = mass / gamma
    a = math.exp(-dt / tau)
    vth2 = kT / mass
    var_v = vth2 * (1 - a * a)
    var_x = vth2 * tau * tau * (2 * dt / tau - 3 + 4 * a - a * a)
    cov = vth2 * tau * (1 - a) ** 2
    sv = math.sqrt(var_v)
    c = cov / sv if sv > 0 else 0.0
    s = math.sqrt(max(var_x - c * c, 0.0))
    v0 = gen.normal(0.0, math.sqrt(vth2), (n_walkers, d))

    def step(start, n, state):
        x_last, v_last = state
        xi1 = gen.standard_normal((n_walkers, n, d))
        xi2 = gen.standard_normal((n_walkers, n, d))
        v = lfilter([1.0], [1.0, -a], sv * xi1, axis=1, zi=(a * v_last)[:, None, :])[0]
        v_prev = np.concatenate([v_last[:, None, :], v[:, :-1]], axis=1)
        dx = tau * (1 - a) * v_prev + c * xi1 + s * xi2
        x = x_last[:, None, :] + np.cumsum(dx, axis=1)
        return x, (x[:, -1], v[:, -1])

    pos = _drive(step, (np.zeros((n_walkers, d)), v0), n_walkers, n_steps, d, idx, dtype)
    return make_trajectories(pos, idx, dt, model="langevin", tau=tau, D=kT / gamma, mass=mass, friction=gamma, kT=kT)


@renamed_kwargs(gamma="friction")  # before 0.2
def ornstein_uhlenbeck(n_walkers: int = 1000, n_steps: int = 1000, *, stiffness: float = 1.0, friction: float = 1.0,
                       kT: float = 1.0, dt: float = 0.01, x0: float = 0.0, stationary: bool = False, d: int = 1,
                       record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Overdamped Brownian particle in a harmonic trap (Ornstein–Uhlenbeck process).

    γ dx = −k x dt + √(2γkT) dW. Parameters: ``stiffness`` k [N/m], ``friction`` γ [kg/s]
    (``gamma`` before 0.2),
    ``kT`` [J], ``dt`` [s], ``x0`` start [m] (or ``stationary=True`` to start in
    equilibrium). Relaxation time τ = γ/k; stationary variance kT/k = Dγ/k per
    dimension with D = kT/γ. The AR(1) update is exact for any dt.
    Returns (walker, time, space) positions [m].

    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    stiffness : float
        Trap stiffness k in N/m (> 0).
    friction : float
        Friction coefficient γ in kg/s (> 0; ``gamma`` before 0.2).
    kT : float
        Thermal energy in J (> 0).
    dt : float
        Time step in s (> 0).
    x0 : float
        Start position in m (ignored when ``stationary``).
    stationary : bool
        Start from the equilibrium distribution instead of ``x0``.
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Examples
    --------
    >>> x = ornstein_uhlenbeck(2000, 10, stiffness=2.0, kT=1.0, stationary=True, rng=0)
    >>> round(float(x.isel(time=-1).var()), 2)                    # kT / stiffness
    0.5
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    k = check_positive("stiffness", stiffness)
    gamma = check_positive("friction", friction)
    kT = check_positive("kT", kT)
    x0 = float(x0)
    gen = as_generator(rng)
    a = math.exp(-k * dt / gamma)
    var = kT / k
    sd = math.sqrt(var * (1 - a * a))
    start_pos = gen.normal(0.0, math.sqrt(var), (n_walkers, d)) if stationary else np.full((n_walkers, d), x0)

    def step(start, n, last):
        x = lfilter([1.0], [1.0, -a], sd * gen.standard_normal((n_walkers, n, d)), axis=1,
                    zi=(a * last)[:, None, :])[0]
        return x, x[:, -1]

    pos = _drive(step, start_pos, n_walkers, n_steps, d, idx, dtype)
    if idx[0] == 0:
        pos[:, 0] = start_pos
    return make_trajectories(pos, idx, dt, model="ornstein_uhlenbeck", tau=gamma / k, D=kT / gamma,
                             stationary_variance=var)


# ---------------------------------------------------------------- renewal helpers
def _renewal_ends(draw, n_walkers, horizon, first_batch):
    """Cumulative renewal times (W, K) until every walker passes ``horizon``; also the raw durations."""
    durations = [draw(first_batch)]
    ends = np.cumsum(durations[0], axis=1)
    while ends[:, -1].min() <= horizon:
        extra = draw(max(8, durations[-1].shape[1]))
        durations.append(extra)
        ends = np.concatenate([ends, ends[:, -1:] + np.cumsum(extra, axis=1)], axis=1)
    return ends, np.concatenate(durations, axis=1)


def _renewal_runs(ends, times):
    """Run lengths (W, K + 1): how many of the sorted ``times`` (R,) see exactly k renewals, k = 0..K.

    ``ends`` (W, K) are each walker's sorted renewal times; every row sums to R, so
    ``np.repeat(values.ravel(), runs.ravel())`` lays out per-renewal ``values``
    (W, K + 1) over the observation times without a gather.
    """
    W, K = ends.shape
    start = np.empty((W, K + 2), dtype=np.intp)
    start[:, 0] = 0
    start[:, 1:K + 1] = np.searchsorted(times, ends, side="left")  # first time >= each renewal
    start[:, K + 1] = times.size
    return np.diff(start, axis=1)


def _random_directions(gen, shape, d):
    """Unit vectors uniform on the sphere, shape ``shape + (d,)``."""
    if d == 1:
        return (gen.integers(0, 2, shape) * 2.0 - 1.0)[..., None]
    u = gen.standard_normal(shape + (d,))
    return u / np.linalg.norm(u, axis=-1, keepdims=True)


def _check_alpha(model, alpha):
    lo, hi, lo_open, hi_open = ALPHA_RANGES[model]
    return check_in_range("alpha", alpha, lo, hi, low_open=lo_open, high_open=hi_open)


def ctrw(n_walkers: int = 1000, n_steps: int = 1000, *, alpha: float = 0.5, waiting: str = "mittag-leffler",
         t0: float = 1.0, jump: float = 1.0, dt: float = 1.0, d: int = 1, record_steps=None, dtype="float64",
         rng=None) -> xr.DataArray:
    """Continuous-time random walk, observed at regular times ``n·dt``.

    Parameters
    ----------
    alpha : float
        Waiting-time exponent in (0, 1]: ψ(t) ∝ t^{−1−α} at long times, giving
        subdiffusion MSD ∝ t^α.
    waiting : {"mittag-leffler", "pareto", "exponential"}
        ``"mittag-leffler"`` (default): Mittag-Leffler waiting times of scale t0,
        drawn exactly (Fulger, Scalas & Germano 2008); the number of jumps is a
        fractional Poisson process with mean (t/t0)^α / Γ(1+α) at *all* times, so
        MSD = d jump² (t/t0)^α / Γ(1+α) exactly. ``"pareto"``: ψ(t) = α t0^α / t^{1+α}
        for t > t0 (as in the AnDi challenge), MSD ∝ t^α only asymptotically.
        ``"exponential"`` (mean t0): normal diffusion, MSD = d jump² t / t0; alpha is ignored.
    t0 : float
        Waiting-time scale [s].
    jump : float
        Standard deviation of each jump per dimension [m].
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Notes
    -----
    For Pareto waiting times the mean number of jumps by time t grows as
    t^α / (t0^α Γ(1−α) Γ(1+α)), so MSD ≈ d jump² t^α / (t0^α Γ(1−α) Γ(1+α))
    at t ≫ t0. The time-averaged MSD is linear in the lag and ages with the
    measurement time (weak ergodicity breaking; Metzler & Klafter 2000).

    References
    ----------
    .. [1] Fulger, D., Scalas, E. & Germano, G. (2008). Monte Carlo simulation of uncoupled
       continuous-time random walks yielding a stochastic solution of the space-time
       fractional diffusion equation. Phys. Rev. E 77, 021122.
    .. [2] Metzler, R. & Klafter, J. (2000). The random walk's guide to anomalous diffusion: a
       fractional dynamics approach. Phys. Rep. 339, 1-77.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.diffusion import ensemble_msd
    >>> m = ensemble_msd(ctrw(500, 200, alpha=0.5, rng=0))
    >>> round(float(np.log(m[200] / m[50]) / np.log(4)), 1)           # MSD ~ t^alpha
    0.6
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    check_option("waiting", waiting, ["mittag-leffler", "pareto", "exponential"])
    alpha = _check_alpha("ctrw", alpha)
    t0 = check_positive("t0", t0)
    jump = check_positive("jump", jump)
    gen = as_generator(rng)
    times = idx * dt
    horizon = n_steps * dt
    if waiting == "pareto":
        def draw(k):
            return t0 * (1.0 - gen.random((n_walkers, k))) ** (-1.0 / alpha)
        expected = (horizon / t0) ** alpha
    elif waiting == "mittag-leffler":
        pa = np.pi * alpha

        def draw(k):
            u = 1.0 - gen.random((n_walkers, k))
            v = gen.random((n_walkers, k))
            with np.errstate(divide="ignore"):
                core = np.sin(pa) / np.tan(pa * v) - np.cos(pa)
            return -t0 * np.log(u) * np.abs(core) ** (1.0 / alpha)
        expected = (horizon / t0) ** alpha / math.gamma(1 + alpha)
    else:
        def draw(k):
            return gen.exponential(t0, (n_walkers, k))
        expected = horizon / t0
    ends, _ = _renewal_ends(draw, n_walkers, horizon, int(min(expected * 1.2 + 10, 1e6)))
    ends = ends[:, : int((ends <= horizon).sum(axis=1).max()) + 1]
    K = ends.shape[1]
    steps = gen.normal(0.0, jump, (n_walkers, K, d))
    cum = np.empty((n_walkers, K + 1, d))
    cum[:, 0] = 0.0
    np.cumsum(steps, axis=1, out=cum[:, 1:])
    # position after k jumps, repeated over the observation times that see exactly k jumps
    runs = _renewal_runs(ends, times)
    pos = np.repeat(cum.reshape(-1, d), runs.ravel(), axis=0).reshape(n_walkers, idx.size, d)
    pos = pos.astype(dtype, copy=False)
    return make_trajectories(pos, idx, dt, model="ctrw", alpha=alpha if waiting != "exponential" else 1.0,
                             waiting=waiting, t0=t0, jump=jump)


def levy_flight(n_walkers: int = 1000, n_steps: int = 1000, *, mu: float = 1.5, scale: float = 1.0, dt: float = 1.0,
                d: int = 1, record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Lévy flight: one jump per step, random direction, length ℓ with P(ℓ > x) = (scale/x)^μ.

    ``mu`` in (0, 2): the jump variance is infinite, so the ensemble MSD diverges
    (it is dominated by the largest jump); typical displacements grow as t^{1/μ}.
    ``scale`` [m] is the minimal jump length. Returns (walker, time, space) [m].

    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    mu : float
        Tail exponent μ in (0, 2) of the jump lengths.
    scale : float
        Minimal jump length in m.
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Examples
    --------
    >>> levy_flight(100, 50, mu=1.5, rng=0).shape
    (100, 51, 1)
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    mu = check_in_range("mu", mu, 0, 2, low_open=True, high_open=True)
    scale = check_positive("scale", scale)
    gen = as_generator(rng)

    def draw(s, n):
        length = scale * (1.0 - gen.random((n_walkers, n))) ** (-1.0 / mu)
        return length[..., None] * _random_directions(gen, (n_walkers, n), d)

    pos = _cumulative(draw, n_walkers, n_steps, d, idx, dtype)
    return make_trajectories(pos, idx, dt, model="levy_flight", mu=mu, scale=scale)


@renamed_kwargs(sigma="tail_exponent")  # before 0.2; sigma elsewhere means a noise SD
def levy_walk(n_walkers: int = 1000, n_steps: int = 1000, *, alpha: float = 1.5, speed: float = 1.0,
              t0: float = 1.0, tail_exponent: float | None = None, dt: float = 1.0, d: int = 1, record_steps=None, dtype="float64",
              rng=None) -> xr.DataArray:
    """Lévy walk: flights at constant ``speed`` [m/s] in random directions, of duration
    τ with P(τ > t) = (t0/t)^σ, σ the ``tail_exponent``.

    ``alpha`` in (1, 2] sets σ = 3 − α (σ in (1, 2)), for which MSD ∝ t^α
    (superdiffusion); α = 2 uses ``tail_exponent`` (default 0.5; any σ in
    (0, 1) is ballistic; called ``sigma`` before 0.2). ``t0`` [s] is the
    minimal flight time. Positions are exact at the observation times (the walker
    moves continuously along each flight). Returns (walker, time, space) [m].

    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    alpha : float
        MSD exponent in (1, 2].
    speed : float
        Flight speed in m/s.
    t0 : float
        Minimal flight time in s.
    tail_exponent : float, optional
        Flight-time tail exponent σ, only for ``alpha = 2`` (``sigma`` before 0.2).
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.diffusion import ensemble_msd
    >>> m = ensemble_msd(levy_walk(500, 1000, alpha=1.5, rng=0))
    >>> round(float(np.log(m[1000] / m[100]) / np.log(10)), 1)         # superdiffusive
    1.6
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    alpha = _check_alpha("lw", alpha)
    speed = check_positive("speed", speed)
    t0 = check_positive("t0", t0)
    gen = as_generator(rng)
    if tail_exponent is not None and alpha < 2:
        raise ValidationError(f"levy_walk takes tail_exponent only for alpha = 2 (3 - alpha otherwise); got alpha={alpha}")
    if alpha < 2:
        sigma = 3.0 - alpha
    else:
        sigma = 0.5 if tail_exponent is None else check_in_range("tail_exponent", tail_exponent, 0, 1,
                                                                 low_open=True, high_open=True)
    times = idx * dt
    horizon = n_steps * dt

    def draw(k):
        return t0 * (1.0 - gen.random((n_walkers, k))) ** (-1.0 / sigma)

    expected = horizon / t0 if sigma > 1 else (horizon / t0) ** sigma
    ends, durations = _renewal_ends(draw, n_walkers, horizon, int(min(expected + 10, 1e6)))
    keep = int((ends <= horizon).sum(axis=1).max()) + 1
    ends, durations = ends[:, :keep], durations[:, :keep]
    direction = _random_directions(gen, (n_walkers, keep), d)
    disp = (speed * durations)[..., None] * direction
    cum = np.concatenate([np.zeros((n_walkers, 1, d)), np.cumsum(disp, axis=1)], axis=1)
    start = np.concatenate([np.zeros((n_walkers, 1)), ends], axis=1)
    # flight k is in progress at the observation times that see exactly k renewals; the last
    # run (k = keep) is empty, since every walker's flights pass the horizon
    runs = _renewal_runs(ends, times)[:, :-1].ravel()
    R = idx.size
    base = np.repeat(cum[:, :-1].reshape(-1, d), runs, axis=0).reshape(n_walkers, R, d)
    t_in = times[None, :] - np.repeat(start[:, :-1].ravel(), runs).reshape(n_walkers, R)
    t_in *= speed
    u = np.repeat(direction.reshape(-1, d), runs, axis=0).reshape(n_walkers, R, d)
    u *= t_in[..., None]
    base += u
    pos = base.astype(dtype, copy=False)
    return make_trajectories(pos, idx, dt, model="lw", alpha=alpha, speed=speed, t0=t0)


def _rayleigh_phase(gen, shape):
    """Polar parts of complex standard normals (Box & Muller 1958): modulus and phase.

    Returns ``(R, theta)``: R = sqrt(-2 ln U) in float64 from 53-bit uniforms (so the
    tails are exact out to 8.5 SD, as for numpy's own float64 normals) and the phase
    theta uniform on [0, 2 pi) in float32. R cos(theta) and R sin(theta) are two
    independent standard normals; taking the phase and its cosine and sine in single
    precision rounds each normal by at most 6e-8 of its size, far below any statistic
    a sample can resolve, and costs a third of numpy's ziggurat per normal here
    (measured: 3 vs 9 ns; the float64 sine/cosine have no SIMD loops in numpy).
    """
    r = gen.random(shape)
    np.subtract(1.0, r, out=r)  # (0, 1]: log is finite
    np.log(r, out=r)
    r *= -2.0
    np.sqrt(r, out=r)
    theta = gen.random(shape, dtype=np.float32)
    theta *= np.float32(2 * np.pi)
    return r, theta


@functools.lru_cache(maxsize=8)
def _davies_harte_weights(n, hurst):
    """Weights of the cumulated Davies–Harte embedding (length 2n) of unit fGn, cached per (n, H).

    Read-only float64 array ``w`` of shape (2n,): ``w[0] = sqrt(lambda_0 / 2n)`` and
    ``w[j] = sqrt(lambda_j / 2n) / |1 - exp(-2 pi i j / 2n)|`` for j >= 1, with
    lambda_j the eigenvalues of the circulant embedding of the fGn autocovariance
    (all non-negative for fGn, Craigmile 2003; a rounding negative is clipped).
    """
    k = np.arange(n + 1, dtype=float)
    h2 = 2 * hurst
    gamma = 0.5 * (np.abs(k + 1) ** h2 - 2 * k ** h2 + np.abs(k - 1) ** h2)
    row = np.concatenate([gamma, gamma[-2:0:-1]])  # circulant first row, length 2n
    lam = sfft.rfft(row)  # real and even row: the spectrum is real and symmetric
    lam = np.concatenate([lam.real, lam.real[-2:0:-1]])
    if lam.min() < -1e-8 * lam.max():  # pragma: no cover - never for fGn (Craigmile 2003)
        raise ValidationError(f"Davies–Harte embedding is not positive for hurst={hurst}")
    w = np.sqrt(np.clip(lam, 0, None) / (2 * n))
    w[1:] /= 2 * np.sin(np.pi * np.arange(1, 2 * n) / (2 * n))
    w.flags.writeable = False
    return w


def _fbm_paths(gen, n_paths, n, hurst, amplitude, dtype):
    """``n_paths`` fBm paths of ``n`` steps, shape (n_paths, n + 1), starting at 0 (Davies–Harte).

    The increments are fGn of variance ``amplitude²``. The embedding uses a length
    M = 2n' (n' >= n with small prime factors, for fast FFTs); the first n values of
    an exact fGn series of length n' are an exact fGn series. Davies–Harte writes the
    increments as y_k = sum_j a_j exp(-2 pi i jk/M) with a_j = sqrt(lambda_j/M) z_j and
    z_j complex standard normals; one complex FFT gives two independent paths (its
    real and imaginary parts). The path is cumulated inside the transform:
    sum_{k<t} y_k = t a_0 + B_0 - B_t with B = FFT(b), b_0 = 0 and
    b_j = a_j / (1 - exp(-2 pi i j/M)), so no cumulative sum is needed. z_j is
    circularly symmetric, so the phase of 1/(1 - exp(..)) can be dropped (same law).
    The normals come from :func:`_rayleigh_phase`; with ``dtype`` float32 the
    transform runs in single precision (same draws).
    """
    n_fft = sfft.next_fast_len(n)
    m_len = 2 * n_fft
    cdtype = np.complex64 if dtype == np.float32 else np.complex128
    weights = _davies_harte_weights(n_fft, float(hurst)) * amplitude
    t = np.arange(n + 1, dtype=dtype)
    out = np.empty((n_paths, n + 1), dtype=dtype)
    m = (n_paths + 1) // 2  # complex rows: each gives two paths
    chunk = max(1, (1 << 17) // (2 * m_len))  # ~1 MiB of complex rows: draws, FFT and sums stay in cache
    for s in range(0, m, chunk):
        e = min(m, s + chunk)
        r, theta = _rayleigh_phase(gen, (e - s, m_len))
        r *= weights
        b = np.empty((e - s, m_len), dtype=cdtype)
        np.multiply(r, np.cos(theta), out=b.real, casting="same_kind")
        np.multiply(r, np.sin(theta), out=b.imag, casting="same_kind")
        a0 = b[:, :1].copy()
        b[:, 0] = 0.0
        y = sfft.fft(b, axis=1, overwrite_x=True)[:, :n + 1]
        re, im = out[2 * s:2 * e:2], out[2 * s + 1:2 * e:2]  # row views; the last im may be empty
        np.subtract(y.real[:, :1], y.real, out=re)
        re += a0.real * t
        k = im.shape[0]
        np.subtract(y.imag[:k, :1], y.imag[:k], out=im)
        im += a0.imag[:k] * t
    return out


def fbm(n_walkers: int = 1000, n_steps: int = 1000, *, hurst: float | None = None, alpha: float | None = None,
        K: float = 1.0, dt: float = 1.0, d: int = 1, record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Fractional Brownian motion, exact by circulant embedding (Davies & Harte 1987).

    Give either ``hurst`` H in (0, 1) or ``alpha`` = 2H in (0, 2) (default H = 0.5).
    ``K`` [m²/s^α] is the generalised diffusion coefficient: each dimension has
    variance 2 K t^{2H}, so MSD = 2 d K t^α (ergodic: time-averaged MSD equals it).
    Returns (walker, time, space) [m].


    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    hurst : float, optional
        Hurst exponent H in (0, 1).
    alpha : float, optional
        MSD exponent 2H in (0, 2) (give hurst or alpha).
    K : float
        Generalised diffusion coefficient in m²/s^α.
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Notes
    -----
    The circulant eigenvalues are cached per (length, H), so repeated calls pay only
    for the Gaussian draws (Box–Muller pairs: float64 modulus, float32 phase) and one
    batched FFT, which also cumulates the increments into positions
    (sum_{k<t} y_k = t a_0 + B_0 − B_t, see ``_fbm_paths``). With
    ``dtype="float32"`` the same draws are transformed in single precision.

    References
    ----------
    .. [1] Davies, R. B. & Harte, D. S. (1987). Tests for Hurst effect. Biometrika 74, 95-101.
    .. [2] Mandelbrot, B. B. & Van Ness, J. W. (1968). Fractional Brownian motions, fractional
       noises and applications. SIAM Rev. 10, 422-437.

    Examples
    --------
    >>> x = fbm(200, 256, alpha=0.5, K=1e-12, dt=1e-3, rng=0)
    >>> x.shape
    (200, 257, 1)
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    if hurst is not None and alpha is not None:
        raise ValidationError(f"fbm takes hurst or alpha, not both; got hurst={hurst!r} and alpha={alpha!r}")
    if alpha is not None:
        hurst = _check_alpha("fbm", alpha) / 2
    elif hurst is not None:
        hurst = check_in_range("hurst", hurst, 0, 1, low_open=True, high_open=True)
    else:
        hurst = 0.5
    K = check_positive("K", K)
    gen = as_generator(rng)
    paths = _fbm_paths(gen, n_walkers * d, n_steps, hurst, math.sqrt(2 * K) * dt ** hurst, dtype)
    pos = paths.reshape(n_walkers, d, n_steps + 1).transpose(0, 2, 1)
    if idx.size != n_steps + 1:
        pos = pos[:, idx]
    return make_trajectories(pos, idx, dt, model="fbm", hurst=hurst, alpha=2 * hurst, K=K)


def sbm(n_walkers: int = 1000, n_steps: int = 1000, *, alpha: float = 0.5, K: float = 1.0, dt: float = 1.0,
        d: int = 1, record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Scaled Brownian motion: Brownian motion with D(t) = α K t^{α−1}.

    ``alpha`` in (0, 2), ``K`` [m²/s^α]. Increments are independent normal with
    variance 2K (t_{n+1}^α − t_n^α) per dimension, so MSD = 2 d K t^α exactly.
    Returns (walker, time, space) [m].

    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    alpha : float
        MSD exponent in (0, 2).
    K : float
        Generalised diffusion coefficient in m²/s^α.
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Examples
    --------
    >>> from neurocomp.diffusion import ensemble_msd
    >>> m = ensemble_msd(sbm(500, 100, alpha=0.5, K=1.0, rng=0))
    >>> round(float(m[-1]) / (2 * 100 ** 0.5), 1)                      # 2 K t^alpha
    1.0
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    alpha = _check_alpha("sbm", alpha)
    K = check_positive("K", K)
    gen = as_generator(rng)
    width = n_walkers * d
    sub = max(1, (1 << 16) // width)  # steps per draw: ~512 KiB of normals, cache-sized

    def fill(out, s):
        # standard normals times the step SDs into out (k steps from step s, time-major (k, W, d)):
        # Box-Muller pairs, cosines in the first half of the block and sines in the second
        k = out.shape[0]
        flat = out.reshape(-1)
        size = flat.size
        half = (size + 1) // 2
        r, theta = _rayleigh_phase(gen, half)
        np.multiply(r, np.cos(theta), out=flat[:half])
        np.multiply(r[:size - half], np.sin(theta[:size - half]), out=flat[half:])
        out *= np.sqrt(2 * K * np.diff((np.arange(s, s + k + 1) * dt) ** alpha))[:, None, None]

    def increments(s, n):
        inc = np.empty((n, n_walkers, d))
        for a in range(0, n, sub):
            fill(inc[a:a + sub], s + a)
        return inc.transpose(1, 0, 2)

    if dtype == np.float64 and idx.size == n_steps + 1 and n_steps * width <= _BLOCK_ELEMENTS:
        # one block, every step kept: draw and cumulate block by block along time, in cache; with
        # many walkers a loop over time adds whole rows (vectorised), 3x faster than numpy's
        # accumulate; the same sums in the same order as np.cumsum, so the same numbers
        pos = np.empty((n_steps + 1, n_walkers, d))
        pos[0] = 0.0
        for a in range(0, n_steps, sub):
            e = min(n_steps, a + sub)
            fill(pos[a + 1:e + 1], a)
            if width >= 64:
                for k in range(a + 1, e + 1):
                    pos[k] += pos[k - 1]
            else:
                np.cumsum(pos[a:e + 1], axis=0, out=pos[a:e + 1])
        pos = pos.transpose(1, 0, 2)
    else:
        pos = _cumulative(increments, n_walkers, n_steps, d, idx, dtype)
    return make_trajectories(pos, idx, dt, model="sbm", alpha=alpha, K=K)


def attm(n_walkers: int = 1000, n_steps: int = 1000, *, alpha: float = 0.5, gamma: float = 1.0, K: float = 1.0,
         t0: float = 1.0, dt: float = 1.0, d: int = 1, record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Annealed transient time motion (Massignan et al. 2014).

    Brownian motion whose diffusion coefficient is redrawn after each period:
    D = K u^{1/σ} with u uniform (so P(D) ∝ D^{σ−1} on (0, K]), held for a time
    t0 (D/K)^{−γ}. With σ = α γ (``alpha`` in (0, 1), ``gamma`` > 0 and
    γ(1 − α) < 1) the ensemble MSD grows as t^α. Units: K [m²/s], t0, dt [s].
    Returns (walker, time, space) [m].

    Parameters
    ----------
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    alpha : float
        MSD exponent in (0, 1).
    gamma : float
        ATTM exponent γ > 0 of the holding times, with γ(1 - α) < 1.
    K : float
        Largest diffusion coefficient in m²/s.
    t0 : float
        Holding-time scale in s.
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    References
    ----------
    .. [1] Massignan, P., Manzo, C., Torreno-Pina, J. A., García-Parajo, M. F., Lewenstein, M. &
       Lapeyre, G. J. (2014). Nonergodic subdiffusion from Brownian motion in an
       inhomogeneous medium. Phys. Rev. Lett. 112, 150603.

    Examples
    --------
    >>> attm(100, 100, rng=0).shape
    (100, 101, 1)
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    alpha = _check_alpha("attm", alpha)
    gamma = check_positive("gamma", gamma)
    if gamma * (1 - alpha) >= 1:
        raise ValidationError(f"attm needs gamma*(1 - alpha) < 1 for MSD ∝ t^alpha; got gamma={gamma}, alpha={alpha}")
    K = check_positive("K", K)
    t0 = check_positive("t0", t0)
    gen = as_generator(rng)
    sigma = alpha * gamma
    horizon = n_steps * dt
    u_all = []

    def draw(k):
        u = 1.0 - gen.random((n_walkers, k))
        u_all.append(u)
        return t0 * u ** (-1.0 / alpha)  # (D/K)^{-gamma} = u^{-gamma/sigma}

    ends, _ = _renewal_ends(draw, n_walkers, horizon, int(min((horizon / t0) ** alpha + 10, 1e6)))
    D = K * np.concatenate(u_all, axis=1) ** (1.0 / sigma)
    sd = np.sqrt(2 * D * dt)  # per segment
    # segment in force at the start of each step: the last run (k = number of segments) is empty,
    # since every walker's renewals pass the horizon
    runs = _renewal_runs(ends, np.arange(n_steps) * dt)[:, :-1]
    sd_step = np.repeat(sd.ravel(), runs.ravel()).reshape(n_walkers, n_steps, 1)
    inc = gen.standard_normal((n_walkers, n_steps, d))
    inc *= sd_step
    pos = _integrate(inc, idx, dtype)
    return make_trajectories(pos, idx, dt, model="attm", alpha=alpha, gamma=gamma, K=K)


def andi_model(model: str, n_walkers: int = 1000, n_steps: int = 1000, *, alpha: float, K: float = 1.0,
               dt: float = 1.0, d: int = 1, record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """One of the five AnDi-challenge models by name: "attm", "ctrw", "fbm", "lw", "sbm".

    ``alpha`` must lie in the model's admissible range (:data:`ALPHA_RANGES`):
    attm and ctrw (0, 1], fbm and sbm (0, 2), lw (1, 2]. ``K`` sets the scale
    (m²/s^α for fbm/sbm, m²/s for attm, the jump variance/2 per unit time for ctrw,
    the squared speed for lw). Returns (walker, time, space) [m].

    Parameters
    ----------
    model : str
        One of "attm", "ctrw", "fbm", "lw", "sbm".
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    alpha : float
        Anomalous exponent in the model's range (:data:`ALPHA_RANGES`).
    K : float
        Scale of the model (see above).
    dt : float
        Time step in s (> 0).
    d : int
        Spatial dimension, 1-3.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    xarray.DataArray
        Positions in m, dims (walker, time, space), shape (n_walkers, n_recorded, d);
        ``time`` in s, ``attrs`` with the model and its parameters.

    Examples
    --------
    >>> andi_model("fbm", 10, 50, alpha=0.7, rng=0).shape
    (10, 51, 1)
    """
    check_option("model", model, list(ANDI_MODELS))
    _check_alpha(model, alpha)
    kw = dict(dt=dt, d=d, record_steps=record_steps, dtype=dtype, rng=rng)
    K = check_positive("K", K)
    if model == "attm":
        a = min(alpha, 0.999)
        return attm(n_walkers, n_steps, alpha=a, K=K, t0=dt, **kw)
    if model == "ctrw":
        return ctrw(n_walkers, n_steps, alpha=alpha, waiting="pareto", t0=dt, jump=math.sqrt(2 * K * dt), **kw)
    if model == "fbm":
        return fbm(n_walkers, n_steps, alpha=alpha, K=K, **kw)
    if model == "lw":
        return levy_walk(n_walkers, n_steps, alpha=alpha, speed=math.sqrt(2 * K), t0=dt, **kw)
    return sbm(n_walkers, n_steps, alpha=alpha, K=K, **kw)


def run_and_tumble(n_walkers: int = 1000, n_steps: int = 1000, *, speed: float = 20e-6, tumble_rate: float = 1.0,
                   turn_angle: float | None = None, bias: float = 0.0, dt: float = 0.02, d: int = 2,
                   record_steps=None, dtype="float64", rng=None) -> xr.DataArray:
    """Run-and-tumble motion of swimming bacteria (Berg & Brown 1972; Purcell 1977).

    Parameters
    ----------
    speed : float
        Run speed v [m/s] (E. coli: about 20 µm/s).
    tumble_rate : float
        Tumble rate λ [1/s]; runs last τ = 1/λ on average (E. coli: about 1 s).
    turn_angle : float or None
        Turning angle θ [degrees] between successive runs; ``None`` draws a new
        direction uniformly (⟨cos θ⟩ = 0). E. coli turns by about 68°
        (⟨cos θ⟩ ≈ 0.33). In 1-D the walker reverses with probability (1 − cos θ)/2.
    bias : float
        Chemotactic bias in [0, 1): in an attractant gradient along +x the tumble
        rate is λ (1 − bias · u_x), so runs up the gradient last longer.
    dt : float
        Time step [s]; tumbles happen at exact (continuous) times within a step.
    d : int
        Dimension 1–3.
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    record_steps : array of int, optional
        Step indices in ``[0, n_steps]`` to keep (default: all).
    dtype : {"float64", "float32"}
        Floating-point type of the positions.
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    DataArray (walker, time, space) of positions [m].

    Notes
    -----
    Without bias the motion is a persistent random walk with effective diffusion
    coefficient D_eff = v² τ / (d (1 − ⟨cos θ⟩)) (Lovely & Dahlquist 1975) and
    MSD(t) = 2 d D_eff [t − τ_c (1 − e^{−t/τ_c})], τ_c = τ / (1 − ⟨cos θ⟩).
    Keep λ dt ≲ 0.05: at most one tumble per step is simulated.

    References
    ----------
    .. [1] Berg, H. C. & Brown, D. A. (1972). Chemotaxis in Escherichia coli analysed by
       three-dimensional tracking. Nature 239, 500-504.
    .. [2] Lovely, P. S. & Dahlquist, F. W. (1975). Statistical measures of bacterial motility and
       chemotaxis. J. Theor. Biol. 50, 477-496.

    Examples
    --------
    >>> x = run_and_tumble(100, 50, rng=0)
    >>> x.shape, x.attrs["D_eff"]                 # v² τ / d = (20 µm/s)² × 1 s / 2
    ((100, 51, 2), 2.0000000000000003e-10)
    """
    n_walkers, n_steps, d, dt, dtype, idx = _common_args(n_walkers, n_steps, d, dt, dtype, record_steps)
    speed = check_positive("speed", speed)
    lam = check_positive("tumble_rate", tumble_rate)
    if turn_angle is not None:
        turn_angle = check_in_range("turn_angle", turn_angle, 0, 180)
    bias = check_in_range("bias", bias, 0, 1, high_open=True)
    gen = as_generator(rng)
    u = _random_directions(gen, (n_walkers,), d)
    cos_t = None if turn_angle is None else math.cos(math.radians(turn_angle))
    sin_t = None if turn_angle is None else math.sin(math.radians(turn_angle))

    def tumble(u_old, m):
        n = int(m.sum())
        if n == 0:
            return u_old
        uo = u_old[m]
        if cos_t is None:
            new = _random_directions(gen, (n,), d)
        elif d == 1:
            flip = gen.random(n) < (1 - cos_t) / 2
            new = np.where(flip[:, None], -uo, uo)
        elif d == 2:
            sign = gen.integers(0, 2, n) * 2.0 - 1.0
            c, s = cos_t, sin_t * sign
            new = np.stack([c * uo[:, 0] - s * uo[:, 1], s * uo[:, 0] + c * uo[:, 1]], axis=1)
        else:
            ref = np.where(np.abs(uo[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
            e1 = np.cross(uo, ref)
            e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
            e2 = np.cross(uo, e1)
            psi = gen.uniform(0, 2 * np.pi, n)[:, None]
            new = cos_t * uo + sin_t * (np.cos(psi) * e1 + np.sin(psi) * e2)
        out = u_old.copy()
        out[m] = new
        return out

    def step(start, n, state):
        x, u = state
        pos = np.empty((n_walkers, n, d))
        for j in range(n):  # persistent motion: each step depends on the last direction
            rate = lam * (1 - bias * u[:, 0]) if bias > 0 else np.full(n_walkers, lam)
            p = -np.expm1(-rate * dt)
            r = gen.random(n_walkers)
            m = r < p
            # tumble time within the step: exponential truncated to [0, dt], as a fraction
            frac = np.where(m, -np.log1p(-r) / (rate * dt), 1.0)
            u_new = tumble(u, m)
            x = x + speed * dt * (frac[:, None] * u + (1 - frac[:, None]) * u_new)
            u = u_new
            pos[:, j] = x
        return pos, (x, u)

    # the block size bounds memory; the Python loop is over time steps only
    pos = _drive(step, (np.zeros((n_walkers, d)), u), n_walkers, n_steps, d, idx, dtype)
    mean_cos = 0.0 if cos_t is None else cos_t
    d_eff = speed ** 2 / lam / (d * (1 - mean_cos)) if mean_cos < 1 else float("inf")
    return make_trajectories(pos, idx, dt, model="run_and_tumble", speed=speed, tumble_rate=lam,
                             mean_cos=mean_cos, bias=bias, D_eff=d_eff)


def first_passage(*args, **kwargs) -> xr.Dataset:
    """Deprecated name of :func:`bounded_brownian` (a walk, named like the other walks;
    :func:`~neurocomp.diffusion.first_passage_times` reads passage times off any trajectories).
    Removed in 0.3.

    Parameters
    ----------
    *args, **kwargs
        Those of :func:`bounded_brownian`.

    Returns
    -------
    xarray.Dataset
        As :func:`bounded_brownian` (with a DeprecationWarning).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     ds = first_passage(10, 100, D=1.0, dt=1e-3, x0=0.5, lower=0.0, upper=1.0, rng=0)
    >>> sorted(ds.data_vars)
    ['first_passage_time', 'position']
    """
    import warnings

    warnings.warn("neurocomp.diffusion.first_passage is deprecated and will be removed in neurocomp 0.3; "
                  "use bounded_brownian (same arguments, same result)", DeprecationWarning, stacklevel=2)
    return bounded_brownian(*args, **kwargs)


def bounded_brownian(n_walkers: int = 1000, n_steps: int = 1000, *, D: float = 1.0, dt: float = 1.0, x0: float = 0.0,
                     lower: float | None = None, upper: float | None = None, lower_kind: str = "absorbing",
                     upper_kind: str = "absorbing", rng=None) -> xr.Dataset:
    """1-D Brownian motion between walls, with first-passage times to the absorbing ones.

    Parameters
    ----------
    D : float
        Diffusion coefficient [m²/s].
    x0 : float
        Start [m], strictly between the walls.
    lower, upper : float or None
        Wall positions [m] (``None``: no wall).
    lower_kind, upper_kind : {"absorbing", "reflecting"}
    n_walkers : int
        Independent walkers.
    n_steps : int
        Time steps of ``dt`` per walker.
    dt : float
        Time step in s (> 0).
    rng : None, int, SeedSequence or Generator
        Seeds the walk (same rng, same trajectories).

    Returns
    -------
    Dataset with ``position`` (walker, time) [m], NaN after absorption, and
    ``first_passage_time`` (walker) [s], NaN for walkers not absorbed by the end.

    Notes
    -----
    Reflecting walls are exact: the free path is folded (reflection principle).
    Crossings of an absorbing wall between two samples are caught with the
    Brownian-bridge probability exp(−(x_n − a)(x_{n+1} − a)/(D dt)), which removes
    the O(√dt) bias of checking only the sampled points. A passage inside a step
    is dated at the end of that step.

    Examples
    --------
    >>> import numpy as np
    >>> ds = bounded_brownian(400, 5000, D=1.0, dt=1e-4, x0=0.5, lower=0.0, upper=1.0, rng=0)
    >>> fpt = ds.first_passage_time.values
    >>> round(float(np.nanmean(fpt)), 2)                     # x0 (L - x0) / 2D = 0.125 s
    0.12
    """
    n_walkers = check_int("n_walkers", n_walkers, low=1)
    n_steps = check_int("n_steps", n_steps, low=1)
    D = check_positive("D", D)
    dt = check_positive("dt", dt)
    check_option("lower_kind", lower_kind, ["absorbing", "reflecting"])
    check_option("upper_kind", upper_kind, ["absorbing", "reflecting"])
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if not lo < float(x0) < hi:
        raise ValidationError(f"x0 must lie strictly between lower={lower} and upper={upper}; got {x0}")
    gen = as_generator(rng)
    inc = gen.normal(0.0, math.sqrt(2 * D * dt), (n_walkers, n_steps))
    x = np.concatenate([np.zeros((n_walkers, 1)), np.cumsum(inc, axis=1)], axis=1) + float(x0)
    refl_lo = lower is not None and lower_kind == "reflecting"
    refl_hi = upper is not None and upper_kind == "reflecting"
    if refl_lo and refl_hi:
        L = hi - lo
        y = np.mod(x - lo, 2 * L)
        x = np.where(y > L, 2 * L - y, y) + lo
    elif refl_lo:
        x = lo + np.abs(x - lo)
    elif refl_hi:
        x = hi - np.abs(hi - x)
    absorbed = np.zeros((n_walkers, n_steps), dtype=bool)
    u = gen.random((n_walkers, n_steps))
    for wall, kind, sign in ((lo, lower_kind, 1.0), (hi, upper_kind, -1.0)):
        if not np.isfinite(wall) or kind != "absorbing":
            continue
        gap = sign * (x - wall)  # > 0 inside
        hit = gap[:, 1:] <= 0
        both = (gap[:, :-1] > 0) & (gap[:, 1:] > 0)
        p_bridge = np.exp(-np.where(both, gap[:, :-1] * gap[:, 1:], np.inf) / (D * dt))
        absorbed |= hit | (u < p_bridge)
    any_abs = absorbed.any(axis=1)
    first = np.argmax(absorbed, axis=1)
    fpt = np.where(any_abs, (first + 1) * dt, np.nan)
    steps = np.arange(n_steps + 1)
    x = np.where(any_abs[:, None] & (steps[None, :] > first[:, None] + 1), np.nan, x)
    t = steps * dt
    return xr.Dataset(
        {
            "position": (("walker", "time"), x, {"units": "m", "long_name": "position"}),
            "first_passage_time": ("walker", fpt, {"units": "s", "long_name": "first-passage time"}),
        },
        coords={"walker": np.arange(n_walkers), "time": ("time", t, {"units": "s", "long_name": "time"})},
        attrs={"D": D, "dt": dt, "x0": float(x0), "lower": str(lower), "upper": str(upper),
               "lower_kind": lower_kind, "upper_kind": upper_kind},
    )
