"""MSD analyses: FFT TAMSD against the direct sum, gaps, VACF, van Hove, fits with intervals."""

import math

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from neurocomp import diffusion as nd


def _tamsd_direct(x, max_lag):
    """Direct O(T^2) TAMSD skipping pairs with a NaN point, x (W, T, d)."""
    W, T, _ = x.shape
    out = np.full((W, max_lag), np.nan)
    for k in range(1, max_lag + 1):
        sq = ((x[:, k:] - x[:, :-k]) ** 2).sum(axis=2)
        out[:, k - 1] = np.nanmean(sq, axis=1)
    return out


def test_tamsd_fft_equals_direct_sum(rng):
    x = rng.standard_normal((7, 60, 2)).cumsum(axis=1)
    tam = nd.time_averaged_msd(x, max_lag=59)
    assert tam.dims == ("walker", "lag")
    assert np.allclose(tam.values, _tamsd_direct(x, 59), rtol=1e-9, atol=1e-9)


def test_tamsd_with_nan_gaps_equals_direct_sum(rng):
    x = rng.standard_normal((5, 80, 1)).cumsum(axis=1)
    x[0, 10:14] = np.nan
    x[3, 50:] = np.nan  # a shorter trajectory, NaN-padded
    with np.errstate(invalid="ignore"):
        direct = _tamsd_direct(x, 30)
    tam = nd.time_averaged_msd(x, max_lag=30).values
    assert np.allclose(tam, direct, rtol=1e-8, atol=1e-8)


def test_numpy_and_dataarray_inputs_agree():
    tr = nd.brownian(30, 50, D=2.0, dt=0.1, d=2, rng=1)
    a = nd.ensemble_msd(tr)
    b = nd.ensemble_msd(tr.values, dt=0.1)
    assert np.allclose(a.values, b.values) and np.allclose(a["time"], b["time"])
    assert a.attrs["units"] == "m^2"
    c = nd.time_averaged_msd(tr.sel(space="x").values, dt=0.1)
    assert np.allclose(c["lag"].values[:3], [0.1, 0.2, 0.3])


def test_velocity_autocorrelation_of_langevin_decays_exponentially():
    m, gamma, kT = 1.0, 2.0, 1.0  # tau = 0.5
    tr = nd.langevin(1000, 2000, mass=m, friction=gamma, kT=kT, dt=0.01, rng=4)
    vacf = nd.velocity_autocorrelation(tr, max_lag=100, normalize=True)
    lag = vacf["lag"].values
    # finite differences of x average v over a step; the exact VACF of (x(t+dt)-x(t))/dt is
    # smooth in lag, ~ exp(-lag/tau) for lag >> dt
    sel = (lag > 0.05) & (lag < 0.6)
    assert np.allclose(vacf.values[sel], np.exp(-lag[sel] / (m / gamma)), atol=0.03)


def test_van_hove_of_brownian_is_gaussian():
    D, dt, lag = 1.0, 0.1, 5
    tr = nd.brownian(2000, 100, D=D, dt=dt, rng=2)
    vh = nd.van_hove(tr, lag=lag, bins=41)
    x = vh["displacement"].values
    s2 = 2 * D * lag * dt
    g = np.exp(-x ** 2 / (2 * s2)) / np.sqrt(2 * np.pi * s2)
    n = 2000 * (101 - lag)
    width = x[1] - x[0]
    # pooled displacements overlap in time; allow 6 Poisson SE of each bin (count = n g width)
    se = np.sqrt(g / (n * width)) * math.sqrt(lag)
    assert np.all(np.abs(vh.values - g) < 6 * se + 1e-3)


def test_first_passage_times_from_trajectories():
    x = np.array([[0.0, 0.5, 1.2, 0.1], [0.0, -1.0, -2.0, -3.0]])
    fpt = nd.first_passage_times(x, level=1.0, dt=0.5)
    assert fpt.values[0] == pytest.approx(1.0)
    assert np.isnan(fpt.values[1])


def test_fit_msd_recovers_D_with_bootstrap_interval():
    D = 0.25
    tr = nd.brownian(400, 500, D=D, dt=0.02, d=2, rng=3)
    tam = nd.time_averaged_msd(tr, max_lag=50)
    fit = nd.fit_msd(tam, rng=0)
    assert fit.method == "bootstrap over walkers"
    assert fit.alpha_ci[0] < 1.0 < fit.alpha_ci[1]
    assert fit.D_ci[0] < D < fit.D_ci[1]
    assert fit.D == pytest.approx(D, rel=0.05)
    lin = nd.fit_msd(tam, fix_alpha=True, rng=0)
    assert lin.alpha == 1.0 and lin.D == pytest.approx(D, rel=0.03)
    # default TAMSD window: lags 1 .. T/10 steps
    assert fit.t_max == pytest.approx(50 * 0.02)


def test_fit_msd_ensemble_least_squares():
    tr = nd.sbm(3000, 400, alpha=0.7, K=2.0, rng=5)
    fit = nd.fit_msd(nd.ensemble_msd(tr))
    assert fit.method == "least squares"
    assert fit.alpha == pytest.approx(0.7, abs=0.05)
    assert fit.D == pytest.approx(2.0, rel=0.1)


def test_streaming_msd_matches_in_memory_and_chunks():
    ds = nd.streaming_msd("brownian", 5000, 200, chunk_size=1500, tamsd_lags=[1, 10], D=0.5, d=3, rng=1)
    t = ds["time"].values
    theory = 2 * 3 * 0.5 * t
    assert np.all(np.abs(ds["msd"].values[1:] - theory[1:]) < 5 * ds["msd_sem"].values[1:])
    # msd_sem is the standard error of the mean, SD / sqrt(N): r^2 = 2 D t chi^2_d, so
    # SD(r^2) = 2 D t sqrt(2 d). The sample SD has relative SE sqrt((2 + 12/d) / N) / 2 = 1.7 %
    # here (chi^2_3 kurtosis); 6 SE over the correlated time points. The SD itself is 70x larger.
    sem_theory = theory[1:] * np.sqrt(2 / 3) / np.sqrt(5000)
    ratio = ds["msd_sem"].values[1:] / sem_theory
    assert np.all(np.abs(ratio - 1) < 6 * np.sqrt((2 + 12 / 3) / 5000) / 2)
    assert ds["msd_sem"].attrs["units"] == "m^2" and ds["msd"].attrs["units"] == "m^2"
    assert ds["tamsd"].values == pytest.approx([3.0, 30.0], rel=0.02)
    assert isinstance(ds, xr.Dataset) and ds.attrs["n_walkers"] == 5000


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(3, 40), st.integers(1, 3)),
              elements=st.floats(-1e3, 1e3)))
def test_tamsd_fft_equals_direct_for_any_trajectory(x):
    tam = nd.time_averaged_msd(x).values
    direct = _tamsd_direct(x, x.shape[1] - 1)
    assert np.allclose(tam, direct, rtol=1e-7, atol=1e-6 * max(1.0, float(np.abs(x).max()) ** 2))


def test_ensemble_msd_is_measured_from_each_walkers_own_start(rng):
    # walkers that do not start at the origin: the MSD is translation invariant per walker (the
    # generators all start at 0, so a sign error in x(t) - x(0) went unnoticed), and with a single
    # walker it is that walker's squared displacement
    x = rng.normal(size=(50, 30, 2)).cumsum(axis=1)
    shifted = x + rng.normal(scale=100.0, size=(50, 1, 2))
    np.testing.assert_allclose(nd.ensemble_msd(shifted).values, nd.ensemble_msd(x).values, rtol=1e-9, atol=1e-9)
    expected = ((x - x[:, :1]) ** 2).sum(axis=2).mean(axis=0)
    np.testing.assert_allclose(nd.ensemble_msd(x).values, expected, rtol=1e-12)
    one = nd.ensemble_msd(shifted[:1]).values
    np.testing.assert_allclose(one, ((shifted[0] - shifted[0, 0]) ** 2).sum(axis=1), rtol=1e-9)


def test_fit_msd_with_fixed_alpha_is_least_squares_in_log_space():
    # MSD = 2 d K t exp(eps): least squares of log MSD - log t gives log(2 d K) + mean(eps)
    # (the geometric mean, not the median), and the interval is mean +- t_{n-1} SD(eps)/sqrt(n)
    t = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    eps = np.array([0.0, 0.0, 0.0, 0.6, 0.9])
    K, d = 3e-12, 2
    msd = xr.DataArray(2 * d * K * t * np.exp(eps), dims=("time",), coords={"time": t}, attrs={"d": d})
    fit = nd.fit_msd(msd, fix_alpha=True)
    assert fit.alpha == 1.0 and fit.method == "least squares"
    assert fit.D == pytest.approx(K * np.exp(eps.mean()), rel=1e-12, abs=0)
    half = stats.t.ppf(0.975, 4) * eps.std(ddof=1) / np.sqrt(5)
    np.testing.assert_allclose(fit.D_ci, (fit.D * np.exp(-half), fit.D * np.exp(half)), rtol=1e-12)


def test_streaming_msd_sem_at_si_scale():
    # D = 1e-12 m^2/s: the squared displacements are ~1e-14 m^2, their variance ~1e-28 m^4; the
    # SEM must not be floored or rounded at any absolute scale (SD(r^2) = 2 D t sqrt(2 d), d = 2)
    D, n = 1e-12, 4000
    ds = nd.streaming_msd("brownian", n, 20, chunk_size=1500, D=D, d=2, rng=3)
    t = ds["time"].values[1:]
    ratio = ds["msd_sem"].values[1:] / (2 * D * t * 2 / np.sqrt(n))
    assert np.all(np.abs(ratio - 1) < 6 * np.sqrt((2 + 12 / 2) / n) / 2)


def test_fit_msd_least_squares_intervals_match_scipy_linregress():
    # one curve (no walker dim): the intervals are ordinary least-squares intervals of the log-log
    # line, checked against scipy.stats.linregress on the same points (t quantile, n - 2 dof)
    t = np.geomspace(1.0, 100.0, 12)
    eps = np.random.default_rng(5).normal(scale=0.1, size=t.size)
    msd = xr.DataArray(4 * 2e-12 * t ** 0.7 * np.exp(eps), dims=("time",), coords={"time": t}, attrs={"d": 2})
    fit = nd.fit_msd(msd)
    res = stats.linregress(np.log(t), np.log(msd.values))
    tq = stats.t.ppf(0.975, t.size - 2)
    assert fit.alpha == pytest.approx(res.slope, rel=1e-12)
    assert fit.D == pytest.approx(np.exp(res.intercept) / 4, rel=1e-12, abs=0)
    np.testing.assert_allclose(fit.alpha_ci, (res.slope - tq * res.stderr, res.slope + tq * res.stderr), rtol=1e-12)
    np.testing.assert_allclose(fit.D_ci, (fit.D * np.exp(-tq * res.intercept_stderr), fit.D * np.exp(tq * res.intercept_stderr)),
                               rtol=1e-12)


def test_ergodicity_breaking_at_several_lags_from_the_direct_tamsd(rng):
    # EB = <(delta^2)^2> / <delta^2>^2 - 1 over walkers, at each requested lag
    x = rng.normal(size=(40, 25, 2)).cumsum(axis=1)
    tam = _tamsd_direct(x, 6)
    lags = [1, 3, 6]
    expected = (tam[:, np.array(lags) - 1] ** 2).mean(axis=0) / tam[:, np.array(lags) - 1].mean(axis=0) ** 2 - 1
    np.testing.assert_allclose(nd.ergodicity_breaking(x, lags=lags).values, expected, rtol=1e-9)
