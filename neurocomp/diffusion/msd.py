"""Mean-squared displacements and other trajectory statistics.

Inputs are trajectories as returned by :mod:`neurocomp.diffusion.walks`
(DataArray, dims walker × time [× space]) or plain numpy arrays of shape
(n_walkers, n_times) or (n_walkers, n_times, n_space) with positions in metres
(or any length unit; outputs are in that unit squared) sampled every ``dt``
seconds. NaN marks a missing localisation (a gap): the MSD functions skip the
pairs that involve one; functions that cannot handle gaps refuse them.

* ensemble MSD ⟨|r(t) − r(0)|²⟩ (Einstein 1905) and the time-averaged MSD
  δ²(Δ) of each trajectory, computed with FFTs in O(T log T) per walker;
* the ergodicity-breaking parameter EB = ⟨(δ²)²⟩/⟨δ²⟩² − 1 (He, Burov, Metzler &
  Barkai 2008; Metzler & Klafter 2000): EB → 0 for ergodic processes (Brownian,
  fBm), EB stays finite for the CTRW;
* velocity autocorrelation, van Hove displacement distributions, first-passage times;
* :func:`streaming_msd`: ensemble MSD of millions of walkers, chunk by chunk.
"""

from __future__ import annotations

import numpy as np
import scipy.fft
import xarray as xr

from neurocomp._validation import ValidationError, check_int, check_option
from neurocomp.diffusion._common import as_trajectories
from neurocomp.random import as_generator

__all__ = [
    "ensemble_msd",
    "time_averaged_msd",
    "ergodicity_breaking",
    "velocity_autocorrelation",
    "van_hove",
    "first_passage_times",
    "streaming_msd",
]


def _units(trajectories, power=2):
    u = getattr(trajectories, "attrs", {}).get("units", "m")
    return f"{u}^{power}" if power != 1 else u


def ensemble_msd(trajectories, *, dt: float | None = None) -> xr.DataArray:
    """Ensemble-averaged MSD ⟨|r(t) − r(0)|²⟩ over walkers, summed over space.

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
    dt : float, optional
        Sampling interval [s] for numpy input (default 1; a DataArray's own times are used).

    Returns
    -------
    DataArray, dim ``time`` (n_times,) [m²], with attrs ``d`` (spatial dimension)
    and ``n_walkers``. Walkers missing a point (NaN) are left out of that time's mean.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import brownian
    >>> m = ensemble_msd(brownian(200, 100, D=1e-12, dt=1e-3, rng=0))
    >>> m.dims, m.attrs["units"]
    (('time',), 'm^2')
    """
    arr, dt, times = as_trajectories(trajectories, dt=dt)
    disp2 = ((arr - arr[:, :1]) ** 2).sum(axis=2)
    disp2[np.isnan(arr).any(axis=2) | np.isnan(arr[:, :1]).any(axis=2)] = np.nan
    n = np.sum(~np.isnan(disp2), axis=0)
    with np.errstate(invalid="ignore"):
        msd = np.nansum(disp2, axis=0) / np.where(n > 0, n, np.nan)
    return xr.DataArray(
        msd, dims=("time",), coords={"time": ("time", times, {"units": "s", "long_name": "time"})},
        name="msd", attrs={"units": _units(trajectories), "long_name": "ensemble MSD", "d": arr.shape[2],
                           "n_walkers": arr.shape[0], "kind": "ensemble"},
    )


def _corr(a, b, n_fft):
    """Σ_i a_i b_{i+k} for k = 0..T-1 along axis 1 (FFT)."""
    fa = np.fft.rfft(a, n=n_fft, axis=1)
    fb = np.fft.rfft(b, n=n_fft, axis=1)
    return np.fft.irfft(np.conj(fa) * fb, n=n_fft, axis=1)[:, : a.shape[1]]


def _tamsd_array(arr, max_lag):
    """TAMSD (W, max_lag) for lags 1..max_lag; arr (W, T, d) may contain NaN gaps."""
    W, T, d = arr.shape
    n_fft = 1 << int(np.ceil(np.log2(2 * T)))
    nan = np.isnan(arr).any(axis=2)
    if not nan.any():
        sq = (arr ** 2).sum(axis=2)
        cs = np.cumsum(sq, axis=1)
        k = np.arange(1, max_lag + 1)
        s1 = cs[:, T - 1 - k] + cs[:, -1:] - cs[:, k - 1]
        # Autocorrelation of every component at once: one forward transform, |F|^2 summed over
        # space, one inverse (Wiener-Khinchin) -- half the transforms of correlating a with a.
        spectrum = scipy.fft.rfft(arr, n=n_fft, axis=1, workers=-1)
        power = (spectrum.real ** 2 + spectrum.imag ** 2).sum(axis=2)
        s2 = scipy.fft.irfft(power, n=n_fft, axis=1, workers=-1)[:, 1 : max_lag + 1]
        return (s1 - 2 * s2) / (T - k)
    m = (~nan).astype(float)
    x = np.where(nan[..., None], 0.0, arr)
    sq = (x ** 2).sum(axis=2)
    count = _corr(m, m, n_fft)
    num = _corr(m, sq, n_fft) + _corr(sq, m, n_fft)
    for j in range(d):
        num -= 2 * _corr(x[:, :, j], x[:, :, j], n_fft)
    count = np.rint(count[:, 1 : max_lag + 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num[:, 1 : max_lag + 1] / count
    out[count < 1] = np.nan
    return np.maximum(out, 0.0, where=~np.isnan(out), out=out)


def time_averaged_msd(trajectories, *, max_lag: int | None = None, dt: float | None = None) -> xr.DataArray:
    """Time-averaged MSD δ²(Δ) of each trajectory, by FFT in O(T log T).

    δ²(Δ) = (1/(T−Δ)) Σ_t |r(t+Δ) − r(t)|² (pairs with a NaN point are skipped
    and the average is over the remaining pairs).

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
    max_lag : int, optional
        Largest lag in steps (default: n_times − 1).
    dt : float, optional
        Sampling interval [s] for numpy input (default 1).

    Returns
    -------
    DataArray (walker, lag), shape (n_walkers, max_lag), lags 1..max_lag in seconds
    (coord ``lag``; ``lag_steps`` in samples), values in [m²]. Assumes regular sampling.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import brownian
    >>> ta = time_averaged_msd(brownian(200, 100, D=1e-12, dt=1e-3, rng=0), max_lag=10)
    >>> ta.dims, ta.shape
    (('walker', 'lag'), (200, 10))
    >>> round(float(ta.mean("walker")[0]) / (2 * 1e-12 * 1e-3), 2)     # 2 D Δ at the first lag
    0.99
    """
    arr, dt, times = as_trajectories(trajectories, dt=dt)
    T = arr.shape[1]
    max_lag = T - 1 if max_lag is None else check_int("max_lag", max_lag, low=1, high=T - 1)
    if not np.allclose(np.diff(times), times[1] - times[0], rtol=1e-6):
        raise ValidationError("trajectories must be sampled at regular times for the time-averaged MSD; "
                              "got irregular time coordinates (e.g. from record_steps)")
    out = _tamsd_array(arr, max_lag)
    k = np.arange(1, max_lag + 1)
    return xr.DataArray(
        out, dims=("walker", "lag"),
        coords={"walker": np.arange(arr.shape[0]), "lag": ("lag", k * dt, {"units": "s", "long_name": "lag time"}),
                "lag_steps": ("lag", k)},
        name="tamsd", attrs={"units": _units(trajectories), "long_name": "time-averaged MSD", "d": arr.shape[2],
                             "n_times": T, "kind": "time-averaged"},
    )


def ergodicity_breaking(trajectories, *, lags=(1,), dt: float | None = None) -> xr.DataArray:
    """Ergodicity-breaking parameter EB(Δ) = ⟨(δ²)²⟩/⟨δ²⟩² − 1 across walkers.

    ``lags`` in steps. Returns a DataArray over ``lag`` [s] (dimensionless values).
    For Brownian motion EB ≈ 4Δ/(3T) → 0; for a subdiffusive CTRW it tends to a
    finite value 2Γ(1+α)²/Γ(1+2α) − 1 (He et al. 2008).

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
        Positions (m) sampled at regular times; NaN gaps are skipped.
    lags : sequence of int, default (1,)
        Lags Δ in steps, each in 1 … n_times − 1.
    dt : float, optional
        Sampling interval [s] for numpy input (default 1; a DataArray's own times are used).

    Returns
    -------
    xarray.DataArray
        EB (dimensionless) over dim ``lag`` (s).

    References
    ----------
    .. [1] He, Y., Burov, S., Metzler, R. & Barkai, E. (2008). Random time-scale invariant
       diffusion and transport coefficients. Phys. Rev. Lett. 101, 058101.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import brownian
    >>> eb = ergodicity_breaking(brownian(200, 400, D=1e-12, dt=1e-3, rng=0), lags=[1, 10])
    >>> eb.dims, bool(abs(float(eb[0])) < 0.05)
    (('lag',), True)
    """
    arr, dt, _ = as_trajectories(trajectories, dt=dt)
    lags = np.atleast_1d(np.asarray(lags))
    if lags.dtype.kind not in "iu" or lags.min() < 1 or lags.max() > arr.shape[1] - 1:
        raise ValidationError(f"lags must be integers in [1, {arr.shape[1] - 1}]; got {lags.tolist()}")
    tam = _tamsd_array(arr, int(lags.max()))[:, lags - 1]
    eb = np.nanmean(tam ** 2, axis=0) / np.nanmean(tam, axis=0) ** 2 - 1
    return xr.DataArray(eb, dims=("lag",), coords={"lag": ("lag", lags * dt, {"units": "s"})},
                        name="eb", attrs={"units": "1", "long_name": "ergodicity-breaking parameter"})


def velocity_autocorrelation(trajectories, *, max_lag: int | None = None, dt: float | None = None,
                             normalize: bool = False) -> xr.DataArray:
    """Velocity autocorrelation ⟨v(t)·v(t+Δ)⟩, averaged over walkers and time origins.

    Velocities are finite differences (r(t+dt) − r(t))/dt [m/s]. Returns a DataArray
    over ``lag`` (0..max_lag steps, in s) in [m²/s²] (or normalised to 1 at lag 0).
    Gaps (NaN) are refused.

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
        Positions (m) sampled at regular times, without gaps.
    max_lag : int, optional
        Largest lag in steps (default: all, n_times − 2).
    dt : float, optional
        Sampling interval [s] for numpy input (default 1; a DataArray's own times are used).
    normalize : bool, default False
        Divide by the value at lag 0 (then dimensionless).

    Returns
    -------
    xarray.DataArray
        The autocorrelation over dim ``lag`` (s), summed over space, in m²/s² (or 1).

    Examples
    --------
    >>> from neurocomp.diffusion.walks import langevin
    >>> x = langevin(200, 500, mass=1.0, friction=1.0, kT=1.0, dt=0.01, rng=0)
    >>> vacf = velocity_autocorrelation(x, max_lag=100, normalize=True)
    >>> round(float(vacf.sel(lag=1.0, method="nearest")), 1)            # exp(-t/tau), tau = 1 s
    0.3
    """
    arr, dt, _ = as_trajectories(trajectories, dt=dt, allow_nan=False)
    v = np.diff(arr, axis=1) / dt
    T = v.shape[1]
    max_lag = T - 1 if max_lag is None else check_int("max_lag", max_lag, low=0, high=T - 1)
    n_fft = 1 << int(np.ceil(np.log2(2 * T)))
    acc = sum(_corr(v[:, :, j], v[:, :, j], n_fft) for j in range(v.shape[2]))
    k = np.arange(max_lag + 1)
    vacf = acc[:, : max_lag + 1].mean(axis=0) / (T - k)
    units = _units(trajectories, 1) + "^2/s^2"
    if normalize:
        vacf, units = vacf / vacf[0], "1"
    return xr.DataArray(vacf, dims=("lag",), coords={"lag": ("lag", k * dt, {"units": "s", "long_name": "lag time"})},
                        name="vacf", attrs={"units": units, "long_name": "velocity autocorrelation"})


def van_hove(trajectories, *, lag: int = 1, bins: int = 61, component: str = "x", dt: float | None = None) -> xr.DataArray:
    """Van Hove distribution: probability density of displacements over ``lag`` steps.

    Displacements of one ``component`` ("x", "y" or "z") are pooled over walkers
    and time origins (gaps skipped). Returns a DataArray over dim ``space``
    (the displacement in m, also as coordinate ``displacement``; the dim was
    ``displacement`` before 0.2) with density values [1/m]; Gaussian for Brownian motion and fBm, cusped for
    CTRW, heavy-tailed for Lévy flights.

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
        Positions (m); NaN gaps are skipped.
    lag : int, default 1
        Lag in steps.
    bins : int, default 61
        Number of histogram bins (at least 3).
    component : {"x", "y", "z"}
        The spatial component whose displacements are binned.
    dt : float, optional
        Sampling interval [s] for numpy input (default 1; a DataArray's own times are used).

    Returns
    -------
    xarray.DataArray
        Density (1/m) over dim ``space`` (bin centres, m); attr ``lag`` in s.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import brownian
    >>> vh = van_hove(brownian(200, 100, D=1e-12, dt=1e-3, rng=0), lag=1, bins=21)
    >>> width = float(vh.space[1] - vh.space[0])
    >>> vh.dims, round(float(vh.sum()) * width, 6)                      # a density: integrates to 1
    (('space',), 1.0)
    """
    arr, dt, _ = as_trajectories(trajectories, dt=dt)
    lag = check_int("lag", lag, low=1, high=arr.shape[1] - 1)
    bins = check_int("bins", bins, low=3)
    comps = ["x", "y", "z"][: arr.shape[2]]
    check_option("component", component, comps)
    c = comps.index(component)
    disp = (arr[:, lag:, c] - arr[:, :-lag, c]).ravel()
    disp = disp[~np.isnan(disp)]
    hist, edges = np.histogram(disp, bins=bins, density=True)
    centres = 0.5 * (edges[1:] + edges[:-1])
    u = _units(trajectories, 1)
    # dim "space" (the vocabulary's position axis, in m); "displacement" stays as a coordinate name
    return xr.DataArray(hist, dims=("space",),
                        coords={"space": ("space", centres, {"units": u, "long_name": f"displacement {component}"}),
                                "displacement": ("space", centres, {"units": u, "long_name": f"displacement {component}"})},
                        name="van_hove", attrs={"units": f"1/{u}", "long_name": f"van Hove density at lag {lag * dt:g} s",
                                                "lag": lag * dt})


def first_passage_times(trajectories, *, level: float, component: str = "x", dt: float | None = None) -> xr.DataArray:
    """Time [s] at which each walker's ``component`` first reaches ``level`` [m] (NaN if never).

    The crossing direction is taken from the start: walkers starting below the
    level are timed until they reach or exceed it, and vice versa. Sampled
    points only (no bridge correction; see :func:`walks.bounded_brownian` for that).

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
        Positions (m).
    level : float
        The level in m.
    component : {"x", "y", "z"}
        The spatial component compared with ``level``.
    dt : float, optional
        Sampling interval [s] for numpy input (default 1; a DataArray's own times are used).

    Returns
    -------
    xarray.DataArray
        First-passage time (s) over dim ``walker``; NaN for a walker that never reached it.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0, 0.5, 1.2, 0.8], [0.0, -0.1, -0.3, -0.2]])
    >>> first_passage_times(x, level=1.0, dt=0.1).values.round(2).tolist()
    [0.2, nan]
    """
    arr, dt, times = as_trajectories(trajectories, dt=dt)
    comps = ["x", "y", "z"][: arr.shape[2]]
    check_option("component", component, comps)
    x = arr[:, :, comps.index(component)]
    level = float(level)
    below = x[:, :1] < level
    with np.errstate(invalid="ignore"):
        reached = np.where(below, x >= level, x <= level)
    hit = reached.any(axis=1)
    t = np.where(hit, times[np.argmax(reached, axis=1)], np.nan)
    return xr.DataArray(t, dims=("walker",), name="first_passage_time",
                        attrs={"units": "s", "long_name": f"first-passage time to {component} = {level:g}"})


def streaming_msd(model, n_walkers: int, n_steps: int, *, chunk_size: int = 20000, tamsd_lags=None, rng=None,
                  **model_kwargs) -> xr.Dataset:
    """Ensemble MSD (and optionally mean TAMSD) of many walkers, generated and reduced chunk by chunk.

    Parameters
    ----------
    model : callable or str
        A generator from :mod:`neurocomp.diffusion.walks` (or its name, e.g. ``"brownian"``),
        called as ``model(n, n_steps, rng=child, **model_kwargs)``.
    n_walkers, n_steps : int
        Number of walkers and of steps of each.
    chunk_size : int
        Walkers per chunk; peak memory ≈ a few × chunk_size × n_recorded × d × 8 bytes.
    tamsd_lags : list of int, optional
        Lags (steps) at which to accumulate the walker-averaged TAMSD too.
    rng : None, int, SeedSequence or Generator
        Each chunk gets its own child stream, so the result depends on ``chunk_size``.
    **model_kwargs
        Passed to ``model`` (e.g. ``D``, ``dt``, ``d``, ``record_steps``).

    Returns
    -------
    Dataset with ``msd`` (time) [m²], ``msd_sem`` (standard error of the mean) and,
    if requested, ``tamsd`` (lag).

    Examples
    --------
    >>> s = streaming_msd("brownian", 1000, 100, chunk_size=250, D=1.0, dt=1.0, rng=0)
    >>> sorted(s.data_vars), round(float(s.msd[-1]) / (2 * 1.0 * 100), 2)      # 2 D t
    (['msd', 'msd_sem'], 0.98)
    """
    from neurocomp.diffusion import walks

    if isinstance(model, str):
        check_option("model", model, [n for n in walks.__all__ if n not in ("log_steps", "ANDI_MODELS", "ALPHA_RANGES", "andi_model", "first_passage", "bounded_brownian")])
        model = getattr(walks, model)
    n_walkers = check_int("n_walkers", n_walkers, low=1)
    n_steps = check_int("n_steps", n_steps, low=1)
    chunk_size = check_int("chunk_size", chunk_size, low=1)
    n_chunks = -(-n_walkers // chunk_size)
    children = as_generator(rng).spawn(n_chunks)
    s1 = s2 = tam = None
    times = None
    for i, child in enumerate(children):
        n = min(chunk_size, n_walkers - i * chunk_size)
        traj = model(n, n_steps, rng=child, **model_kwargs)
        x = traj.values
        r2 = ((x - x[:, :1]) ** 2).sum(axis=2)
        s1 = r2.sum(axis=0) if s1 is None else s1 + r2.sum(axis=0)
        s2 = (r2 ** 2).sum(axis=0) if s2 is None else s2 + (r2 ** 2).sum(axis=0)
        if tamsd_lags is not None:
            lags = np.asarray(tamsd_lags, dtype=int)
            t = _tamsd_array(x.astype(float), int(lags.max()))[:, lags - 1].sum(axis=0)
            tam = t if tam is None else tam + t
        times = traj["time"].values
        dt = traj.attrs["dt"]
        del traj, x, r2
    mean = s1 / n_walkers
    var = np.maximum(s2 / n_walkers - mean ** 2, 0.0)
    ds = xr.Dataset(
        {"msd": ("time", mean, {"units": "m^2", "long_name": "ensemble MSD"}),
         "msd_sem": ("time", np.sqrt(var / n_walkers), {"units": "m^2", "long_name": "standard error of the MSD"})},
        coords={"time": ("time", times, {"units": "s", "long_name": "time"})},
        attrs={"n_walkers": n_walkers, "chunk_size": chunk_size},
    )
    if tam is not None:
        ds["tamsd"] = xr.DataArray(tam / n_walkers, dims=("lag",), coords={"lag": ("lag", lags * dt, {"units": "s"})},
                                   attrs={"units": "m^2", "long_name": "walker-averaged TAMSD"})
    return ds
