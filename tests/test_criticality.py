"""Criticality: avalanche statistics against exact branching-process theory, power-law fits against `powerlaw`,
the MR estimator under subsampling, and the dynamic range peak."""

import warnings

import numpy as np
import pytest
from scipy import special

from neurocomp import criticality as cr
from neurocomp._validation import NeurocompWarning
from neurocomp.experiments import get


def _borel_alpha(xmin, smax=10**6):
    """The exponent a maximum-likelihood power-law fit converges to on the exact Borel distribution (m = 1)."""
    s = np.arange(xmin, smax, dtype=float)
    logp = -s + (s - 1) * np.log(s) - special.gammaln(s + 1)
    p = np.exp(logp - logp.max())
    p /= p.sum()
    target = (p * np.log(s)).sum()  # E[ln S | S ≥ xmin]
    f = lambda a: (np.log(special.zeta(a + 1e-6, xmin)) - np.log(special.zeta(a - 1e-6, xmin))) / 2e-6 + target  # noqa: E731
    lo, hi = 1.01, 3.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if f(mid) > 0 else (mid, hi)
    return (lo + hi) / 2


@pytest.fixture(scope="module")
def critical():
    av = cr.galton_watson_avalanches(m=1.0, n_avalanches=100_000, max_size=10**6, rng=11)
    return av.isel(avalanche=~av.truncated.values)


def test_critical_sizes_follow_the_exact_borel_law(critical):
    """Size exponent: within 3 SE of the exact distribution's, which approaches 3/2 as x_min grows."""
    fit = cr.fit_power_law(critical["size"].values)
    expected = _borel_alpha(int(fit.xmin))
    assert abs(float(fit.alpha) - expected) < 3 * float(fit.alpha_se)
    # The asymptote: the local log-log slope of Borel's law at s ~ 10^4 is −3/2.
    logp = lambda s: -s + (s - 1) * np.log(s) - special.gammaln(s + 1)  # noqa: E731
    assert (logp(2e4) - logp(1e4)) / np.log(2) == pytest.approx(-1.5, abs=1e-3)


def test_critical_durations_follow_the_exact_extinction_law(critical):
    """P(T ≤ t) = q_t with q_(t+1) = exp(q_t − 1): the simulated durations agree, and the tail exponent is 2."""
    d = critical["duration"].values
    q = [0.0]
    for _ in range(60):
        q.append(np.exp(q[-1] - 1))
    q = np.array(q)
    for t in (1, 2, 5, 20, 50):
        emp = (d <= t).mean()
        assert abs(emp - q[t]) < 4 * np.sqrt(q[t] * (1 - q[t]) / len(d))
    fit = cr.fit_power_law(d, xmin=30)
    assert abs(float(fit.alpha) - 2.0) < 3 * float(fit.alpha_se) + 0.02


def test_crackling_noise_relation(critical):
    out = cr.crackling_noise(critical, min_duration=20, max_duration=300)
    assert abs(float(out.gamma_fit) - 2.0) < 0.1  # mean-field: <S>(T) ∝ T^2


def test_subcritical_mean_size_and_cutoff():
    av = cr.galton_watson_avalanches(m=0.8, n_avalanches=50_000, rng=12)
    s = av["size"].values
    assert abs(s.mean() - 5.0) < 4 * s.std() / np.sqrt(len(s))  # E[S] = 1 / (1 − m)
    fit = cr.fit_power_law(s, xmin=1)
    t = cr.compare_tails(s, fit, alternative="lognormal")
    assert float(t.log_likelihood_ratio) < 0 and float(t.p_value) < 0.01


def test_poisson_activity_gives_no_power_law():
    counts = np.random.default_rng(13).poisson(1.0, 200_000)
    av = cr.avalanches(counts, dt=0.004)
    fit = cr.fit_power_law(av["size"].values, xmin=1)
    for alt in ("exponential", "lognormal"):
        t = cr.compare_tails(av["size"].values, fit, alternative=alt)
        assert float(t.log_likelihood_ratio) < 0 and float(t.p_value) < 1e-3


def test_power_law_fit_agrees_with_the_powerlaw_package():
    powerlaw = pytest.importorskip("powerlaw")
    for seed in (1, 2):
        s = cr.galton_watson_avalanches(m=1.0, n_avalanches=5000, max_size=10**5, rng=seed)["size"].values
        ours = cr.fit_power_law(s, ks_cdf="exclusive", min_tail=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = powerlaw.Fit(s, discrete=True, estimate_discrete=False, verbose=False)
        assert int(ours.xmin) == int(theirs.xmin)
        assert float(ours.alpha) == pytest.approx(theirs.alpha, abs=1e-3)


def test_power_law_fit_recovers_a_planted_exponent_and_warns_on_few_events():
    g = np.random.default_rng(3)
    x = cr._sample_discrete_power_law(2.2, 5, 20_000, g)
    fit = cr.fit_power_law(x, xmin=5)
    assert abs(float(fit.alpha) - 2.2) < 3 * float(fit.alpha_se)
    with pytest.warns(NeurocompWarning, match="fewer than 50"):
        cr.fit_power_law(x[:30], xmin=5)


def test_mr_estimator_recovers_m_under_subsampling_where_the_conventional_one_fails():
    act = cr.branching_process(m=0.98, n_units=10_000, drive=2e-4, n_steps=20_000, n_trials=8, rng=14)
    for n in (100, 10):
        a = cr.subsample(act, n, rng=15)
        conv = cr.branching_ratio(a, method="conventional", n_bootstrap=0)
        mr = cr.branching_ratio(a, method="mr", max_lag=60, n_bootstrap=30, rng=16)
        assert float(conv.m) < 0.8
        assert float(mr.m_low) - 0.005 < 0.98 < float(mr.m_high) + 0.005
        assert float(mr.timescale) == pytest.approx(-4e-3 / np.log(0.98), rel=0.3)


def test_mr_estimator_agrees_with_mrestimator():
    mre = pytest.importorskip("mrestimator")
    act = cr.branching_process(m=0.95, n_units=1000, drive=1e-3, n_steps=20_000, n_trials=4, rng=17)
    ours = float(cr.branching_ratio(act, method="mr", max_lag=40, n_bootstrap=0).m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rk = mre.coefficients(act.values.astype(float), steps=(1, 40), method="sm", desc="")
        theirs = mre.fit(rk, fitfunc="exponential").mre
    assert ours == pytest.approx(theirs, abs=2e-3)


def test_dynamic_range_peaks_at_criticality():
    res = get("dynamic_range")(branching_ratios=[0.6, 1.0, 1.5], n_units=1000, n_steps=800, rng=18)
    dr = res.dataset.dynamic_range
    assert float(dr.sel(branching_ratio=1.0)) > float(dr.sel(branching_ratio=0.6)) + 2
    assert float(dr.sel(branching_ratio=1.0)) > float(dr.sel(branching_ratio=1.5)) + 2


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="m must be a finite branching ratio >= 0"):
        cr.branching_process(m=-0.1)
    with pytest.raises(ValueError, match="positive integers"):
        cr.fit_power_law([1, 2, 0])
    with pytest.raises(ValueError, match="non-negative integer counts"):
        cr.avalanches([1, -1, 0])
    with pytest.raises(ValueError, match="longer than the recording"):
        cr.avalanches(np.zeros(10), bin_width=1.0, dt=0.004)
    with pytest.raises(ValueError, match="no complete avalanche"):
        cr.avalanches(np.ones(100), dt=0.004)
    with pytest.raises(ValueError, match="constant"):
        cr.branching_ratio(np.ones((2, 500)), n_bootstrap=0)


def test_fast_hurwitz_zeta_matches_scipy():
    from scipy import special

    v = np.unique(np.logspace(0, 6, 2000).astype(int)).astype(float)
    for a in (1.01, 1.5, 2.0, 3.0, 5.0):
        np.testing.assert_allclose(cr._zeta(a, v), special.zeta(a, v), rtol=1e-11)


@pytest.mark.spiking
def test_spiking_network_is_tuned_by_its_branching_ratio():
    """brian2 LIF network: the MR estimate rises with the nominal m and stays within 0.1 of it (refractoriness
    and jumps held over a refractory period shift the estimate), and the rate follows h N / (1 - m)."""
    est = []
    for m in (0.5, 0.8):
        a = cr.spiking_branching_network(m=m, n_neurons=1000, duration=6.0, rng=21)
        m_hat = float(cr.branching_ratio(a, method="mr", max_lag=15, n_bootstrap=0).m)
        assert abs(m_hat - m) < 0.1
        assert float(a.mean()) == pytest.approx(a.attrs["drive"] * 1000 / (1 - m), rel=0.15)
        est.append(m_hat)
    assert est[1] > est[0] + 0.1
    with pytest.raises(ValueError, match="jump"):
        cr.spiking_branching_network(m=0.5, jump=5e-3, duration=0.1)
