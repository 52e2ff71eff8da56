"""Generators against theory: Einstein, Langevin, OU, Lovely–Dahlquist, anomalous exponents,
first passage. Tolerances come from the sampling statistics stated next to each assert."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import erf

from neurocomp import diffusion as nd

from conftest import approx_si


def _slope_through_origin(t, y):
    return float(np.sum(t * y) / np.sum(t * t))


@pytest.mark.parametrize("d,n_walkers", [(1, 40000), (2, 20000), (3, 12000)])
def test_einstein_msd_slope(d, n_walkers):
    # The least-squares slope of the ensemble MSD through the origin over [0, T] has
    # relative standard error sqrt(1.5/(d N)) (Brownian covariance of x^2); N is chosen so
    # that 3 standard errors are < 2 %, the tolerance of the issue.
    D, dt = 0.5e-12, 1e-3
    tr = nd.brownian(n_walkers, 100, D=D, dt=dt, d=d, rng=11 + d)
    msd = nd.ensemble_msd(tr)
    t = msd["time"].values
    slope = _slope_through_origin(t, msd.values)
    assert math.sqrt(1.5 / (d * n_walkers)) * 3 < 0.02
    # relative check: pytest.approx's default abs=1e-12 is larger than 2 d D = 1e-12..3e-12
    assert slope == approx_si(2 * d * D, rel=0.02)
    assert tr.dims == ("walker", "time", "space") and tr.attrs["units"] == "m"
    assert list(tr["space"].values) == ["x", "y", "z"][:d]


@settings(max_examples=15, deadline=None)
@given(D=st.floats(1e-3, 1e3), dt=st.floats(1e-3, 10.0), d=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_brownian_msd_is_linear_for_all_parameters(D, dt, d, seed):
    # MSD(t)/(2 d D t) = chi^2_{dN}/(dN) at each t: mean 1, sd sqrt(2/(dN)); 5 sd bound.
    n = 2000
    tr = nd.brownian(n, 20, D=D, dt=dt, d=d, rng=seed)
    msd = nd.ensemble_msd(tr).values[1:]
    t = tr["time"].values[1:]
    ratio = msd / (2 * d * D * t)
    assert np.all(np.abs(ratio - 1) < 5 * math.sqrt(2 / (d * n)))


def test_lattice_walk_msd_and_diffusion_coefficient():
    n, steps, a = 20000, 64, 0.5
    tr = nd.lattice_walk(n, steps, a=a, d=2, rng=1)
    r2 = (tr.isel(time=-1) ** 2).sum("space").values
    # mean of n i.i.d. values; 4 standard errors
    assert abs(r2.mean() - a * a * steps) < 4 * r2.std() / math.sqrt(n)
    assert tr.attrs["D"] == pytest.approx(a * a / (2 * 2 * 1.0))
    steps_taken = np.abs(np.diff(tr.values, axis=1)).sum(axis=2)
    assert np.allclose(steps_taken, a)


def _fit_slope(t, y):
    return np.polyfit(np.log(t), np.log(y), 1)[0]


def test_langevin_ballistic_to_diffusive_crossover():
    m, gamma, kT = 2.0, 4.0, 1.5  # tau = 0.5 s, D = 0.375 m^2/s
    tau, D = m / gamma, kT / gamma
    n = 3000
    steps = nd.log_steps(8000, 60)
    tr = nd.langevin(n, 8000, mass=m, friction=gamma, kT=kT, dt=tau / 400, d=1, record_steps=steps, rng=5)
    msd = nd.ensemble_msd(tr)
    t = msd["time"].values[1:]
    y = msd.values[1:]
    theory = 2 * D * (t - tau * (1 - np.exp(-t / tau)))
    r2 = ((tr - tr.isel(time=0)) ** 2).sum("space").values[:, 1:]
    se = r2.std(axis=0) / math.sqrt(n)
    assert np.all(np.abs(y - theory) < 4.5 * se)  # pointwise, 4.5 SE over ~60 correlated points
    short, long_ = t < 0.05 * tau, t > 10 * tau
    # ballistic regime: slope -> 2; diffusive regime: slope -> 1 (the exact curve's own
    # slopes over these windows are 1.98 and 1.07)
    for w, limit in ((short, 2.0), (long_, 1.0)):
        assert _fit_slope(t[w], y[w]) == pytest.approx(_fit_slope(t[w], theory[w]), abs=0.03)
        assert _fit_slope(t[w], theory[w]) == pytest.approx(limit, abs=0.08)
    # ballistic amplitude: MSD ≈ (kT/m) t^2 at t << tau
    assert y[0] == pytest.approx(kT / m * t[0] ** 2, rel=5 * math.sqrt(2 / n))


def test_ornstein_uhlenbeck_stationary_variance():
    k, gamma, kT = 2.0, 1.0, 0.5
    n = 20000
    tr = nd.ornstein_uhlenbeck(n, 400, stiffness=k, friction=gamma, kT=kT, dt=0.05, x0=3.0, rng=3)
    x = tr.isel(time=-1).values[:, 0]  # t = 20 = 40 relaxation times (the AR(1) update is exact)
    # sample variance of n Gaussians: relative SE sqrt(2/n) = 1 %; 4 SE
    assert x.var() == pytest.approx(kT / k, rel=4 * math.sqrt(2 / n))
    assert tr.attrs["stationary_variance"] == pytest.approx(kT / k)
    # relaxation of the mean: <x(t)> = x0 exp(-k t / gamma)
    mean = tr.sel(space="x").mean("walker").values
    t = tr["time"].values
    expect = 3.0 * np.exp(-k * t / gamma)
    assert np.all(np.abs(mean - expect) < 5 * math.sqrt(kT / k / n))


@pytest.mark.parametrize("d,turn_angle", [(2, 68.0), (3, None), (1, 90.0)])
def test_run_and_tumble_lovely_dahlquist(d, turn_angle):
    v, lam = 20e-6, 2.0
    n = 3000
    tr = nd.run_and_tumble(n, 1000, speed=v, tumble_rate=lam, turn_angle=turn_angle, dt=0.01, d=d,
                           record_steps=np.array([0, 250, 500, 1000]), rng=7)
    mean_cos = 0.0 if turn_angle is None else math.cos(math.radians(turn_angle))
    d_eff = v * v / lam / (d * (1 - mean_cos))  # Lovely & Dahlquist (1975)
    assert tr.attrs["D_eff"] == approx_si(d_eff, rel=1e-12)
    tau_c = 1 / lam / (1 - mean_cos)
    t = tr["time"].values
    theory = 2 * d * d_eff * (t - tau_c * (1 - np.exp(-t / tau_c)))
    r2 = ((tr - tr.isel(time=0)) ** 2).sum("space").values
    se = r2.std(axis=0) / math.sqrt(n)
    # 5 % as in the issue, which is > 3 SE here (SE ≈ 1.5-2.6 %)
    assert np.all(se[1:] / theory[1:] < 0.05 / 1.9)
    assert r2.mean(axis=0)[1:] == approx_si(theory[1:], rel=0.05)


def test_run_and_tumble_chemotaxis_drifts_up_the_gradient():
    tr = nd.run_and_tumble(2000, 1500, speed=20e-6, tumble_rate=1.0, bias=0.5, dt=0.02, d=2, rng=2)
    x_end = tr.isel(time=-1).sel(space="x").values
    y_end = tr.isel(time=-1).sel(space="y").values
    se = x_end.std() / math.sqrt(x_end.size)
    assert x_end.mean() > 6 * se  # clear drift along +x
    assert abs(y_end.mean()) < 4 * y_end.std() / math.sqrt(y_end.size)  # none across


def _ensemble_alpha(tr, lo, hi):
    msd = nd.ensemble_msd(tr)
    return nd.fit_msd(msd, t_range=(lo, hi))


@pytest.mark.parametrize("alpha", [0.3, 0.7])
def test_ctrw_subdiffusion_exponent_and_amplitude(alpha):
    tr = nd.ctrw(5000, 1000, alpha=alpha, d=1, rng=4)
    fit = _ensemble_alpha(tr, 1, 1000)
    assert fit.alpha == pytest.approx(alpha, abs=0.05)
    # Mittag-Leffler waiting times: MSD = jump^2 (t/t0)^alpha / Gamma(1+alpha) exactly (d = 1)
    msd = nd.ensemble_msd(tr).values[-1]
    assert msd == pytest.approx(1000 ** alpha / math.gamma(1 + alpha), rel=0.1)


def test_ctrw_is_nonergodic_and_fbm_ergodic():
    a = 0.5
    ct = nd.ctrw(3000, 1000, alpha=a, rng=8)
    fb = nd.fbm(3000, 1000, alpha=a, rng=8)
    # TAMSD of CTRW grows linearly in the lag although the ensemble MSD grows as t^alpha
    tam_ct = nd.time_averaged_msd(ct, max_lag=20).mean("walker")
    lags = tam_ct["lag"].values
    assert _fit_slope(lags, tam_ct.values) == pytest.approx(1.0, abs=0.1)
    tam_fb = nd.time_averaged_msd(fb, max_lag=20).mean("walker")
    assert _fit_slope(lags, tam_fb.values) == pytest.approx(a, abs=0.05)
    # ergodicity-breaking parameter (He et al. 2008): CTRW -> 2 Gamma(1+a)^2/Gamma(1+2a) - 1 = 0.571
    # as T -> infinity. At finite T, with lag-1 TAMSD = (sum of the n jumps' squares)/T and
    # fractional-Poisson moments of n (Laskin 2003), EB = EB_inf + 3/<n>, <n> = T^a/Gamma(1+a);
    # several jumps within one step raise it a little more.
    eb_ct = float(nd.ergodicity_breaking(ct, lags=[1]).values[0])
    eb_fb = float(nd.ergodicity_breaking(fb, lags=[1]).values[0])
    n_mean = 1000 ** a / math.gamma(1 + a)
    eb_theory = 2 * math.gamma(1 + a) ** 2 / math.gamma(1 + 2 * a) - 1 + 3 / n_mean
    assert eb_ct == pytest.approx(eb_theory, abs=0.1)
    assert eb_fb < 0.02  # ergodic: EB ~ 4/(3T) for Brownian-like increments


@pytest.mark.parametrize("hurst,dtype", [(0.25, "float64"), (0.75, "float64"), (0.25, "float32")])
def test_fbm_exact_covariance(hurst, dtype):
    # float32 runs the whole Davies-Harte computation in single precision: same statistics
    tr = nd.fbm(4000, 256, hurst=hurst, K=0.5, d=2, dtype=dtype, rng=9)
    assert tr.dtype == np.dtype(dtype)
    fit = _ensemble_alpha(tr, 1, 256)
    assert fit.alpha == pytest.approx(2 * hurst, abs=0.05)
    inc = np.diff(tr.values, axis=1)
    rho1 = np.mean(inc[:, 1:] * inc[:, :-1]) / np.mean(inc * inc)
    n_pairs = inc[:, 1:].size
    assert rho1 == pytest.approx(2 ** (2 * hurst - 1) - 1, abs=4 / math.sqrt(n_pairs) * 2)
    # variance 2 K t^(2H) per dimension at the end
    var_end = tr.isel(time=-1).values.var(axis=0)
    assert np.allclose(var_end, 2 * 0.5 * 256 ** (2 * hurst), rtol=5 * math.sqrt(2 / 4000))


def _cov_z_scores(x, theory):
    """Sample covariance of x (samples, times) against ``theory``, in units of its standard error
    sqrt((C_ss C_tt + C_st^2) / N) (Gaussian fourth moments)."""
    n = x.shape[0]
    cov = x.T @ x / n  # zero mean by construction
    se = np.sqrt((np.outer(np.diag(theory), np.diag(theory)) + theory ** 2) / n)
    return (cov - theory) / se


@pytest.mark.parametrize("hurst,seed", [(0.15, 31), (0.5, 32), (0.85, 33)])
def test_fbm_whole_covariance_matrix_is_exact(hurst, seed):
    # the cumulated Davies-Harte transform and the polar normals: every entry of the 33 x 33
    # covariance of (x_0..x_32) agrees with K (s^2H + t^2H - |t-s|^2H) within 5 standard errors
    # (561 entries: a false alarm has probability < 561 * 6e-7); a wrong weight shows at > 20 SE
    K, n = 0.7, 32
    x = nd.fbm(20000, n, hurst=hurst, K=K, rng=seed).values[:, :, 0]
    assert np.all(x[:, 0] == 0.0)
    t = np.arange(n + 1.0)
    theory = K * (t[:, None] ** (2 * hurst) + t[None] ** (2 * hurst) - np.abs(t[:, None] - t[None]) ** (2 * hurst))
    z = _cov_z_scores(x[:, 1:], theory[1:, 1:])
    assert np.abs(z).max() < 5
    # the first and second path of one complex FFT (real and imaginary parts) are independent
    # (d = 2 puts them in x and y of one walker): correlation within 5 SE of 0
    xy = nd.fbm(20000, n, hurst=hurst, K=K, d=2, rng=seed).values[:, -1]
    assert abs(np.corrcoef(xy.T)[0, 1]) < 5 / math.sqrt(20000)


@pytest.mark.parametrize("alpha,seed", [(0.4, 41), (1.6, 42)])
def test_sbm_increments_are_independent_gaussians_of_the_right_variance(alpha, seed):
    # the row-by-row cumulation (>= 64 walkers) and numpy's cumsum give the same path
    K, n, W = 0.3, 40, 20000
    tr = nd.sbm(W, n, alpha=alpha, K=K, rng=seed)
    x = tr.values[:, :, 0]
    t = np.arange(n + 1.0)
    theory = 2 * K * np.minimum.outer(t, t) ** alpha  # Cov(x_s, x_t) = 2K min(s, t)^alpha
    assert np.abs(_cov_z_scores(x[:, 1:], theory[1:, 1:])).max() < 5
    z = np.diff(x, axis=1) / np.sqrt(np.diff(2 * K * t ** alpha))  # standardised increments
    z = z.ravel()
    # Gaussian: kurtosis 3 (SE sqrt(96/N)), tails P(|z| > 3) and P(|z| > 4) (binomial SE)
    assert abs(np.mean(z ** 4) - 3) < 5 * math.sqrt(96 / z.size)
    for c in (3.0, 4.0):
        p = 1 - erf(c / math.sqrt(2))
        assert abs(np.mean(np.abs(z) > c) - p) < 5 * math.sqrt(p / z.size)
    part = nd.sbm(W, n, alpha=alpha, K=K, record_steps=[0, 5, n], rng=seed)
    assert np.array_equal(part.values, tr.values[:, [0, 5, n]])


def test_polar_normals_match_the_normal_distribution():
    # Kolmogorov distance of 10^6 normals from Box-Muller pairs (float64 modulus, float32 phase)
    # below the 99.9 % point 1.95/sqrt(N); the pairs R cos, R sin are uncorrelated also in z^2
    from scipy.special import ndtr

    from neurocomp.diffusion.walks import _rayleigh_phase

    r, theta = _rayleigh_phase(np.random.default_rng(5), 500_000)
    a, b = r * np.cos(theta), r * np.sin(theta)
    z = np.sort(np.concatenate([a, b]))
    ecdf = np.arange(1, z.size + 1) / z.size
    assert np.max(np.abs(ecdf - ndtr(z))) < 1.95 / math.sqrt(z.size)
    assert abs(np.corrcoef(a * a, b * b)[0, 1]) < 5 / math.sqrt(a.size)
    assert r.dtype == np.float64 and np.isfinite(r).all()


@pytest.mark.parametrize("alpha", [0.5, 1.5])
def test_sbm_exponent(alpha):
    fit = _ensemble_alpha(nd.sbm(4000, 500, alpha=alpha, rng=10), 1, 500)
    assert fit.alpha == pytest.approx(alpha, abs=0.05)


def test_attm_exponent():
    fit = _ensemble_alpha(nd.attm(5000, 1000, alpha=0.6, rng=12), 10, 1000)
    assert fit.alpha == pytest.approx(0.6, abs=0.05)


def test_levy_walk_superdiffusion():
    T = 10000
    tr = nd.levy_walk(2000, T, alpha=1.5, record_steps=nd.log_steps(T, 40), rng=13)
    fit = _ensemble_alpha(tr, T / 10, T)
    assert fit.alpha == pytest.approx(1.5, abs=0.05)
    # speed is constant: no displacement exceeds v t
    r = np.sqrt((tr ** 2).sum("space")).values
    assert np.all(r <= tr["time"].values[None, :] * 1.0 + 1e-9)


def test_levy_flight_heavy_tails():
    tr = nd.levy_flight(4000, 1, mu=1.2, d=1, rng=1)
    jumps = np.abs(tr.values[:, 1, 0])
    # P(|jump| > x) = x^-mu: fraction above 10 is 10^-1.2 = 0.063; 4 binomial SE
    p = 10 ** -1.2
    assert abs((jumps > 10).mean() - p) < 4 * math.sqrt(p * (1 - p) / 4000)


@pytest.mark.parametrize("model", nd.ANDI_MODELS)
def test_all_andi_models_run(model):
    lo, hi, *_ = nd.ALPHA_RANGES[model]
    alpha = 0.5 * (lo + hi) if model != "lw" else 1.5
    tr = nd.andi_model(model, 50, 200, alpha=alpha, d=2, rng=0)
    assert tr.shape == (50, 201, 2) and np.isfinite(tr.values).all()


def test_first_passage_semi_infinite_levy_smirnov():
    L, D = 1.0, 0.5
    n = 4000
    ds = nd.bounded_brownian(n, 2000, D=D, dt=0.005, x0=0.0, upper=L, rng=14)
    fpt = ds["first_passage_time"].values
    for t in (0.5, 2.0, 8.0):
        p = 1 - erf(L / math.sqrt(4 * D * t))  # P(T <= t) = erfc(L / sqrt(4 D t))
        emp = np.mean(np.nan_to_num(fpt, nan=np.inf) <= t)
        # binomial SE, 4 SE, plus half a time step of dating bias
        assert abs(emp - p) < 4 * math.sqrt(p * (1 - p) / n) + 0.01
    pos = ds["position"].values
    assert np.nanmax(pos) <= L + 5 * math.sqrt(2 * D * 0.005)


def test_first_passage_reflecting_absorbing_mean_time():
    L, D, x0 = 1.0, 1.0, 0.3
    n = 4000
    ds = nd.bounded_brownian(n, 1500, D=D, dt=0.002, x0=x0, lower=0.0, upper=L, lower_kind="reflecting", rng=15)
    fpt = ds["first_passage_time"].values
    assert np.isfinite(fpt).mean() > 0.999
    fpt = fpt[np.isfinite(fpt)]
    expect = (L ** 2 - x0 ** 2) / (2 * D)
    assert fpt.mean() == pytest.approx(expect, abs=4 * fpt.std() / math.sqrt(fpt.size) + 0.002)
    assert np.nanmin(ds["position"].values) >= 0.0


def test_same_rng_same_result_and_float32():
    a = nd.fbm(10, 64, hurst=0.3, rng=5)
    b = nd.fbm(10, 64, hurst=0.3, rng=5)
    assert np.array_equal(a.values, b.values)
    c = nd.ctrw(10, 64, rng=np.random.default_rng(5))
    d = nd.ctrw(10, 64, rng=np.random.default_rng(5))
    assert np.array_equal(c.values, d.values)
    f = nd.brownian(10, 64, dtype="float32", rng=1)
    assert f.dtype == np.float32


def test_record_steps_keeps_the_same_path():
    full = nd.brownian(20, 300, d=2, rng=3)
    steps = nd.log_steps(300, 12)
    part = nd.brownian(20, 300, d=2, record_steps=steps, rng=3)
    assert np.allclose(part.values, full.isel(time=steps).values)
    assert np.allclose(part["time"].values, steps * 1.0)


@pytest.mark.parametrize("model", nd.ANDI_MODELS)
def test_andi_record_steps_and_float32_keep_the_same_path(model):
    # the generators lay out the same draws whatever is recorded, and float32 only rounds them
    alpha = 1.5 if model in ("lw", "sbm") else 0.5
    steps = np.array([0, 1, 2, 7, 30, 31, 100, 299, 300])
    full = nd.andi_model(model, 7, 300, alpha=alpha, d=3, rng=21)  # 21 paths, odd: fBm's last complex row half used
    part = nd.andi_model(model, 7, 300, alpha=alpha, d=3, record_steps=steps, rng=21)
    assert np.array_equal(part.values, full.isel(time=steps).values)
    assert np.array_equal(part["step"].values, steps)
    single = nd.andi_model(model, 7, 300, alpha=alpha, d=3, dtype="float32", rng=21)
    assert single.dtype == np.float32
    # same draws in both precisions; float32 only rounds them (fBm: its FFT runs in single precision)
    assert np.allclose(single.values, full.values, rtol=1e-5, atol=1e-5 * np.abs(full.values).max())
    again = nd.andi_model(model, 7, 300, alpha=alpha, d=3, rng=21)
    assert np.array_equal(again.values, full.values)


def test_renewal_runs_count_the_renewals_before_each_time(rng):
    # CTRW and ATTM lay out per-renewal values with np.repeat over these run lengths: check them
    # against counting the renewals at or before each observation time directly
    from neurocomp.diffusion.walks import _renewal_runs

    ends = np.cumsum(rng.exponential(3.0, (6, 40)), axis=1)
    ends[:, 5] = ends[:, 4] + 0.0  # tie: two renewals at once
    times = np.concatenate([[0.0], np.sort(rng.uniform(0, 150, 30)), [ends[0, 7]]])  # a time on a renewal
    times.sort()
    runs = _renewal_runs(ends, times)
    assert runs.shape == (6, 41) and np.all(runs >= 0) and np.all(runs.sum(axis=1) == times.size)
    k = np.repeat(np.tile(np.arange(41), 6), runs.ravel()).reshape(6, times.size)
    assert np.array_equal(k, (ends[:, None, :] <= times[None, :, None]).sum(axis=2))


def test_fbm_refuses_hurst_and_alpha_together_naming_both():
    with pytest.raises(ValueError, match=r"not both; got hurst=0.3 and alpha=0.6"):
        nd.fbm(2, 10, hurst=0.3, alpha=0.6)
