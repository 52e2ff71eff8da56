"""Fitting MSD curves and estimating the anomalous exponent α of single trajectories.

* :func:`fit_msd` fits MSD = 2 d K t^α to an ensemble or time-averaged MSD and
  returns D (= K when α = 1) and α with confidence intervals, as a Dataset
  (Einstein 1905; Metzler & Klafter 2000).
* :func:`estimate_alpha` estimates α for each trajectory of an arbitrary set,
  e.g. a user's tracked particles. Two methods:

  - ``"tamsd"``: the naive least-squares line through log δ²(Δ) vs log Δ for
    Δ = 1 … max(4, T/10) steps — biased by localisation noise (which lifts
    the first lags) and very noisy for short trajectories;
  - ``"features"`` (default): the average of five small neural networks (one
    hidden layer of 32 ReLU units each) on scale-free statistics of the
    trajectory (log TAMSD ratios at lags 2–48, scaling of the mean absolute
    displacement, increment autocorrelations and kurtosis, the change of the
    increment variance along the trajectory, the maximal excursion), trained on
    trajectories of the five AnDi models (Muñoz-Gil et al. 2021) from
    :mod:`neurocomp.diffusion.walks` with localisation noise, and shipped as
    about 4,000 coefficients (``_alpha_coefficients.py``, made by
    ``python -m neurocomp.diffusion._train_alpha``).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import xarray as xr
from scipy import stats

from neurocomp._deprecation import REMOVED_IN
from neurocomp._validation import ValidationError, check_in_range, check_int, check_option
from neurocomp.diffusion._common import as_trajectories
from neurocomp.diffusion.msd import _tamsd_array
from neurocomp.random import as_generator

__all__ = ["MSDFit", "fit_msd", "estimate_alpha", "alpha_features"]


@dataclasses.dataclass(frozen=True)
class MSDFit:
    """Result of :func:`fit_msd` before 0.2 (deprecated).

    :func:`fit_msd` now returns an :class:`xarray.Dataset` like its sibling
    :func:`estimate_alpha` returns a DataArray; the Dataset answers the same
    attribute names (``fit.alpha``, ``fit.D``, ``fit.alpha_ci``, ``fit.D_ci``,
    ``fit.t_min``, ``fit.t_max``, ``fit.d``, ``fit.level``, ``fit.method``).
    This class is kept for one release for code that builds or type-checks it.

    Parameters
    ----------
    alpha : float
        Anomalous exponent (1 for normal diffusion).
    D : float
        Generalised diffusion coefficient K in MSD = 2 d K t^α [m²/s^α] (D for α = 1).
    alpha_ci, D_ci : tuple of float
        Confidence intervals at ``level``.
    t_min, t_max : float
        Lag range used [s].
    d : int
        Spatial dimension used in 2 d K.
    level : float
        Confidence level of the intervals (e.g. 0.95).
    method : str
        "bootstrap over walkers" or "least squares".

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)     # deprecated: fit_msd's Dataset replaces it
    ...     f = MSDFit(1.0, 1e-12, (0.9, 1.1), (8e-13, 1.2e-12), 1e-3, 0.1, 1, 0.95, "least squares")
    >>> f.alpha, f.d
    (1.0, 1)
    """

    alpha: float
    D: float
    alpha_ci: tuple
    D_ci: tuple
    t_min: float
    t_max: float
    d: int
    level: float
    method: str

    def __post_init__(self):
        warnings.warn(f"MSDFit is deprecated and will be removed in neurocomp {REMOVED_IN}; fit_msd returns an "
                      "xarray.Dataset with the same attribute names", DeprecationWarning, stacklevel=3)


def _loglog(t, y):
    X = np.stack([np.ones_like(t), np.log(t)], axis=1)
    coef, *_ = np.linalg.lstsq(X, np.log(y), rcond=None)
    return coef  # intercept, slope


def fit_msd(msd, *, t_range=None, d: int | None = None, fix_alpha: bool = False, level: float = 0.95,
            n_boot: int = 200, rng=None) -> xr.Dataset:
    """Fit MSD(t) = 2 d K t^α (least squares in log-log, log-spaced points).

    Parameters
    ----------
    msd : DataArray
        From :func:`ensemble_msd` (dim ``time``) or :func:`time_averaged_msd`
        (dims ``walker`` × ``lag``); values [m²], times [s].
    t_range : (float, float), optional
        Lag/time window [s]. Default: all positive times for an ensemble MSD;
        lags 1 … max(4, T/10) steps for a TAMSD, where its statistics are good
        (long lags average few independent pairs).
    d : int, optional
        Spatial dimension (default ``msd.attrs["d"]``, else 1).
    fix_alpha : bool
        Fit D with α fixed to 1 (normal diffusion).
    level : float
        Confidence level of the intervals, in (0, 1) (e.g. 0.95; not 95 or 1.5).
    n_boot : int
        Bootstrap resamples over walkers when ``msd`` has a ``walker`` dim.
    rng : None, int, SeedSequence or Generator
        For the bootstrap.

    Returns
    -------
    xarray.Dataset
        0-d variables ``alpha`` (units ``"1"``), ``D`` (K, in m²/s^α: units
        ``"m^2/s"`` when α is fixed at 1), and their interval bounds
        ``alpha_low``, ``alpha_high``, ``D_low``, ``D_high`` at ``level``; attrs
        ``t_min``, ``t_max`` (s, the lag range used), ``d``, ``level``,
        ``method`` ("bootstrap over walkers" or "least squares") and, as in the
        ``MSDFit`` this returned before 0.2, ``alpha_ci`` and ``D_ci`` as
        (low, high) tuples. Attribute access works as it did: ``fit.alpha``,
        ``fit.D`` (0-d DataArrays; ``float(fit.alpha)`` for a number),
        ``fit.alpha_ci``, ``fit.method``, ...

    Notes
    -----
    With a ``walker`` dim the MSD is averaged over walkers and the intervals are
    percentile bootstrap intervals over walkers (honest when walkers are
    independent). Without one they are least-squares intervals, which are too
    narrow when MSD points are correlated (they always are for one ensemble of walkers).

    Examples
    --------
    >>> from neurocomp.diffusion import ensemble_msd
    >>> from neurocomp.diffusion.walks import brownian
    >>> fit = fit_msd(ensemble_msd(brownian(500, 100, D=1e-12, dt=1e-3, rng=0)))
    >>> round(float(fit.alpha), 1), fit.attrs["method"]
    (1.0, 'least squares')
    """
    if not isinstance(msd, xr.DataArray):
        raise TypeError(f"msd must be an xarray DataArray from ensemble_msd or time_averaged_msd; got {type(msd).__name__}")
    tdim = "lag" if "lag" in msd.dims else "time" if "time" in msd.dims else None
    if tdim is None or set(msd.dims) - {tdim, "walker"}:
        raise ValidationError(f"msd must have dims ('time',) or ('walker', 'lag'); got {msd.dims}")
    d = int(msd.attrs.get("d", 1)) if d is None else check_int("d", d, low=1, high=3)
    # a level outside (0, 1) has no quantiles: it gave NaN intervals instead of an error
    level = check_in_range("level", level, 0, 1, low_open=True, high_open=True)
    n_boot = check_int("n_boot", n_boot, low=2, high=1_000_000)
    t = np.asarray(msd[tdim].values, dtype=float)
    vals = msd.transpose(..., tdim).values.reshape(-1, t.size).astype(float)
    if t_range is None:
        if tdim == "lag":
            n_times = int(msd.attrs.get("n_times", t.size + 1))
            hi = t[min(t.size, max(4, n_times // 10)) - 1]
        else:
            hi = t.max()
        lo = t[t > 0].min()
    else:
        lo, hi = (float(v) for v in t_range)
        if not 0 < lo < hi:
            raise ValidationError(f"t_range must be (t_min, t_max) with 0 < t_min < t_max; got {t_range}")
    sel = np.flatnonzero((t >= lo) & (t <= hi) & (t > 0))
    if sel.size > 30:  # log-spaced points so that long lags do not dominate
        pick = np.unique(np.round(np.geomspace(1, sel.size, 30)).astype(int) - 1)
        sel = sel[pick]
    if sel.size < 2:
        raise ValidationError(f"fit_msd needs at least 2 positive MSD points in t_range; got {sel.size}")
    ts = t[sel]

    def fit(y):
        y = np.nanmean(y, axis=0)
        if np.any(~(y > 0)):
            return np.nan, np.nan
        if fix_alpha:
            return 1.0, float(np.exp(np.mean(np.log(y) - np.log(ts))) / (2 * d))
        b0, b1 = _loglog(ts, y)
        return float(b1), float(np.exp(b0) / (2 * d))

    alpha, K = fit(vals[:, sel])
    if not np.isfinite(alpha):
        raise ValidationError("msd must be positive in the fitted range; got zero or NaN values")
    q = (1 - level) / 2
    if vals.shape[0] > 1:
        gen = as_generator(rng)
        boot = np.array([fit(vals[gen.integers(0, vals.shape[0], vals.shape[0])][:, sel]) for _ in range(n_boot)])
        a_ci = tuple(np.nanquantile(boot[:, 0], [q, 1 - q]))
        k_ci = tuple(np.nanquantile(boot[:, 1], [q, 1 - q]))
        method = "bootstrap over walkers"
    else:
        y = np.log(vals[0, sel])
        x = np.log(ts)
        if fix_alpha or sel.size < 3:
            r = y - x - np.log(2 * d * K)
            se = np.std(r, ddof=1) / np.sqrt(sel.size) if sel.size > 1 else 0.0
            tq = stats.t.ppf(1 - q, max(sel.size - 1, 1))
            a_ci, k_ci = (alpha, alpha), (K * np.exp(-tq * se), K * np.exp(tq * se))
        else:
            res = stats.linregress(x, y)
            tq = stats.t.ppf(1 - q, sel.size - 2)
            a_ci = (res.slope - tq * res.stderr, res.slope + tq * res.stderr)
            k_ci = (K * np.exp(-tq * res.intercept_stderr), K * np.exp(tq * res.intercept_stderr))
        method = "least squares"
    a_ci, k_ci = tuple(map(float, a_ci)), tuple(map(float, k_ci))
    d_units = "m^2/s" if fix_alpha else "m^2/s^alpha"
    pct = f"{level:.0%}"

    def scalar(value, units, long_name):
        return xr.DataArray(float(value), attrs={"units": units, "long_name": long_name})

    return xr.Dataset(
        {
            "alpha": scalar(alpha, "1", "anomalous exponent α" + (" (fixed)" if fix_alpha else "")),
            "alpha_low": scalar(a_ci[0], "1", f"lower {pct} bound of α"),
            "alpha_high": scalar(a_ci[1], "1", f"upper {pct} bound of α"),
            "D": scalar(K, d_units, "generalised diffusion coefficient K (MSD = 2 d K t^α)"),
            "D_low": scalar(k_ci[0], d_units, f"lower {pct} bound of K"),
            "D_high": scalar(k_ci[1], d_units, f"upper {pct} bound of K"),
        },
        attrs={"t_min": float(ts[0]), "t_max": float(ts[-1]), "d": d, "level": level, "method": method,
               "alpha_ci": a_ci, "D_ci": k_ci},
    )


# ----------------------------------------------------------------- estimate_alpha
FEATURE_LAGS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48)


def _nanmean(a, axis):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanmean(a, axis=axis)


def _lagged_increments(x, k):
    """|r(t+k) − r(t)|² summed over space, shape (W, T−k), NaN where a point is missing."""
    return ((x[:, k:] - x[:, :-k]) ** 2).sum(axis=2)


def alpha_features(trajectories) -> np.ndarray:
    """Scale-free statistics of each trajectory used by ``estimate_alpha(method="features")``.

    Returns an array of shape (n_walkers, n_features). NaN-padded trajectories of
    unequal lengths are accepted (trailing NaN = shorter trajectory).

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
        Positions (any length unit: the features are ratios and logarithms of ratios).

    Returns
    -------
    numpy.ndarray of shape (n_walkers, n_features)
        Dimensionless features (log TAMSD ratios at several lags and step statistics).

    Examples
    --------
    >>> from neurocomp.diffusion.walks import fbm
    >>> alpha_features(fbm(5, 100, alpha=0.6, rng=0)).shape
    (5, 22)
    """
    x, _, _ = as_trajectories(trajectories)
    W, T, d = x.shape
    max_lag = min(T - 1, max(FEATURE_LAGS))
    tam = _tamsd_array(x, max_lag)
    lags = np.array([min(k, max_lag) for k in FEATURE_LAGS])
    with np.errstate(invalid="ignore", divide="ignore"):
        base = tam[:, 0]
        f = [np.log(tam[:, lags - 1] / base[:, None])]
        inc = np.diff(x, axis=1)  # (W, T-1, d)
        step2 = (inc ** 2).sum(axis=2)
        s2 = _nanmean(step2, 1)
        # mean absolute displacement scaling (robust to heavy tails)
        a1 = _nanmean(np.sqrt(step2), 1)
        for k in (4, 16):
            k = min(k, T - 1)
            f.append(np.log(_nanmean(np.sqrt(_lagged_increments(x, k)), 1) / a1)[:, None])
        # increment autocorrelations at lags 1, 2 (per component, averaged)
        for k in (1, 2):
            c = _nanmean((inc[:, k:] * inc[:, :-k]).sum(axis=2), 1) / s2
            f.append(c[:, None])
        # autocorrelation of 4-step increments (non-overlapping)
        n4 = (T - 1) // 4
        inc4 = x[:, 4 : 4 * n4 + 1 : 4] - x[:, 0 : 4 * (n4 - 1) + 1 : 4]
        i4 = ((inc4[:, 1:] * inc4[:, :-1]).sum(axis=2))
        f.append((_nanmean(i4, 1) / _nanmean((inc4 ** 2).sum(axis=2), 1))[:, None])
        # kurtosis of 1-step and 8-step displacements
        for k in (1, 8):
            r2 = _lagged_increments(x, min(k, T - 1))
            f.append(np.log(_nanmean(r2 ** 2, 1) / _nanmean(r2, 1) ** 2)[:, None])
        # change of the step variance along the trajectory (non-stationarity: sbm, ctrw)
        n_valid = np.sum(~np.isnan(step2), axis=1)
        pos = np.cumsum(~np.isnan(step2), axis=1)
        early = np.where(pos <= n_valid[:, None] // 2, step2, np.nan)
        late = np.where(pos > n_valid[:, None] // 2, step2, np.nan)
        q1 = np.where(pos <= n_valid[:, None] // 4, step2, np.nan)
        q4 = np.where(pos > 3 * n_valid[:, None] // 4, step2, np.nan)
        f.append(np.log(_nanmean(late, 1) / _nanmean(early, 1))[:, None])
        f.append(np.log(_nanmean(q4, 1) / _nanmean(q1, 1))[:, None])
        # maximal excursion relative to a free diffusive spread
        r0 = ((x - x[:, :1]) ** 2).sum(axis=2)
        f.append(np.log(np.nanmax(r0, axis=1) / (n_valid * s2))[:, None])
        # fraction of small steps (CTRW rests, blurred by noise)
        f.append(_nanmean(np.where(np.isnan(step2), np.nan, step2 < 0.1 * s2[:, None]), 1)[:, None])
        f.append(np.log(n_valid + 1.0)[:, None])
    F = np.concatenate(f, axis=1)
    return np.where(np.isfinite(F), F, 0.0)


def _naive_alpha(x):
    T = x.shape[1]
    n_lag = min(T - 1, max(4, T // 10))
    tam = _tamsd_array(x, n_lag)
    lt = np.log(np.arange(1, n_lag + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ly = np.log(tam)
    ok = np.isfinite(ly)
    # A walker that never moved (a CTRW stuck in its first trap) has a zero TAMSD at every lag:
    # it has no log-log slope, and gets NaN rather than a warning about an empty mean.
    n_ok = ok.sum(axis=1)
    fit = n_ok >= 2
    lt_b = np.where(ok, lt[None, :], 0.0)
    ly_b = np.where(ok, ly, 0.0)
    denom = np.maximum(n_ok, 1)
    mx, my = lt_b.sum(1) / denom, ly_b.sum(1) / denom
    cov = np.where(ok, (lt_b - mx[:, None]) * (ly_b - my[:, None]), 0.0).sum(1)
    var = np.where(ok, (lt_b - mx[:, None]) ** 2, 0.0).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = cov / var
    return np.where(fit & (var > 0), slope, np.nan)


def _predict_from_features(F: np.ndarray) -> np.ndarray:
    """The trained networks' average on a feature matrix from :func:`alpha_features` (unclipped)."""
    from neurocomp.diffusion import _alpha_coefficients as C

    Z = (F - np.asarray(C.MEAN)) / np.asarray(C.SCALE)
    W1, B1, W2, B2 = (np.asarray(a) for a in (C.W1, C.B1, C.W2, C.B2))
    hidden = np.maximum(np.einsum("wf,nfh->nwh", Z, W1) + B1[:, None, :], 0.0)
    return (np.einsum("nwh,nh->nw", hidden, W2) + B2[:, None]).mean(axis=0)


def estimate_alpha(trajectories, *, method: str = "features", dt: float | None = None) -> xr.DataArray:
    """Anomalous exponent α of each trajectory.

    Parameters
    ----------
    trajectories : DataArray (walker, time[, space]) or array (n_walkers, n_times[, n_space])
        Positions in any length unit sampled at regular times (α does not depend
        on the units). Trajectories of unequal length may be NaN-padded at the
        end; interior NaN gaps are skipped by the TAMSD. At least 3 points each.
    method : {"features", "tamsd"}
        See the module docstring. ``"features"`` was trained on 1-D and 2-D
        trajectories of 50–1000 points (3-D input is accepted but untested);
        ``"tamsd"`` is the naive log-log fit.
    dt : float, optional
        Sampling interval [s], > 0. Unused by the estimate (α is dimensionless);
        accepted for symmetry, and checked.

    Returns
    -------
    DataArray (walker,) of α estimates, clipped to [0, 2].

    Notes
    -----
    Measured on 240 andi-datasets trajectories (AnDi challenge task 1, all five
    models, lengths 200–1000, 1-D and 2-D, with the challenge's localisation
    noise), the mean absolute error is 0.205 for ``"features"`` and 0.324 for the
    naive ``"tamsd"`` fit (``tests/test_diffusion_alpha.py``). Estimates for
    models outside the training set (e.g. confined or directed motion) are not
    reliable.

    **Bias per model.** ``"features"`` returns (close to) the posterior mean of α
    given the trajectory's statistics under the training prior (the five AnDi
    models, α uniform over each model's range): it minimises the mean squared
    error, and pays with a bias *conditional on the true α* wherever the
    statistics cannot tell nearby exponents apart -- estimates are pulled towards
    the middle of what is compatible. On held-out trajectories drawn as the
    training set is (``python -m neurocomp.diffusion._train_alpha --table``
    prints bias, its standard error, spread and MAE per model and α bin), the
    bias averaged over each model's range is small (|bias| ≤ 0.11, below a third
    of the per-trajectory spread), but it reaches −0.19 for CTRW with α in
    (0.75, 1], +0.30 for ATTM with α ≤ 0.5 and −0.24 for SBM with α > 1.5.

    The CTRW case (true 0.9 read as about 0.67 by the ``anomalous_exponent``
    analysis) has a second cause, in the definition of α: the AnDi CTRW labels a
    trajectory with the *asymptotic* exponent of its Pareto waiting times
    (ψ(t) ∝ t^−1−α for t > t0 = one sampling step), but over 50–1000 steps such a
    walk is far from its asymptote -- its ensemble MSD grows as t^0.79 for α = 0.9
    and t^0.84 for α = 1 between lags 50 and 500 -- so trajectories with α from 0.8
    to 1 look alike and get an estimate near their common mean. Checked and ruled
    out: a training/test mismatch (the held-out bias equals the analysis' bias),
    ageing (training and test walks both start at t = 0), the order of
    normalisation and cutting, the network's size (two layers of 64: −0.20),
    per-model experts mixed by a classifier (−0.19) and waiting-time features
    (rest lengths between detected jumps: −0.21). A network trained on CTRW only
    (told the model) gets −0.13: pooling the models costs about a third of it.
    Use ``waiting="mittag-leffler"`` walks (MSD ∝ t^α at all times) when the
    exponent over the observed window is what is wanted.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import fbm
    >>> est = estimate_alpha(fbm(50, 200, alpha=0.6, rng=0))
    >>> est.dims
    ('walker',)
    """
    check_option("method", method, ["features", "tamsd"])
    x, _, _ = as_trajectories(trajectories, dt=dt)
    valid = (~np.isnan(x).any(axis=2)).sum(axis=1)
    if valid.min() < 3:
        raise ValidationError(f"trajectories must each have at least 3 valid points; walker {int(np.argmin(valid))} has {int(valid.min())}")
    est = _naive_alpha(x) if method == "tamsd" else _predict_from_features(alpha_features(x))
    est = np.clip(est, 0.0, 2.0)
    return xr.DataArray(est, dims=("walker",), name="alpha",
                        attrs={"units": "1", "long_name": "anomalous exponent", "method": method})
