"""Science of neurocomp.spiking: simulations against rate theory and spike statistics.

Tolerances:
* Noise-free f–I: the issue's 2 %. brian2 detects a threshold crossing at the
  end of the step in which it happens and stamps it with the step's start, so a
  simulated ISI lies in (T - dt, T]; the rate error is therefore bounded by
  dt * r / (1 - dt * r) <= 1.7 % for r <= 170 Hz at dt = 0.1 ms, which we also check.
* Siegert: the issue's 10 %. Euler–Maruyama at dt = 0.1 ms misses crossings
  between steps, lowering rates by ~2–5 % here (checked against a reference
  numpy integrator while writing this test); the standard error of each
  simulated mean is < 1 % (100 neurons x 1 s).
* Poisson: bounds of 4 standard errors computed from the Poisson statistics.
"""

import numpy as np
import pytest
import xarray as xr
from scipy import integrate, special

import brian2 as b2

from neurocomp.spiking import (
    RESISTANCE,
    T_REF,
    TAU_M,
    V_REST,
    V_THRESHOLD,
    binned_rate,
    windowed_fano_factor,
    firing_rate,
    isi_cv,
    lif_population,
    lif_rate,
    poisson_input,
    psth,
    rate_monitor_to_dataarray,
    rheobase,
    siegert_rate,
    simulate_lif,
    simulate_poisson,
    spike_dataset,
    spike_monitor_to_dataset,
    state_monitor_to_dataarray,
)
from neurocomp.spiking.backend import brian2_settings

from conftest import approx_si


def _isi_rates(ds):
    """1 / mean ISI per neuron (NaN with fewer than 2 spikes)."""
    t, i = ds["spike_time"].values, ds["spike_neuron"].values
    out = np.full(ds.sizes["neuron"], np.nan)
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    same = i[1:] == i[:-1]
    n = np.bincount(i[1:][same], minlength=out.size)
    total = np.bincount(i[1:][same], weights=np.diff(t)[same], minlength=out.size)
    ok = n > 0
    out[ok] = n[ok] / total[ok]
    return out


# --------------------------------------------------------------------- theory


def test_lif_rate_closed_form_and_rheobase():
    theta = V_THRESHOLD - V_REST
    currents = np.array([0.0, 0.1e-9, 0.2e-9, 0.25e-9, 0.4e-9, 1e-9])
    r = lif_rate(currents)
    ri = RESISTANCE * currents
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(ri > theta, 1 / (T_REF + TAU_M * np.log(ri / (ri - theta))), 0.0)
    np.testing.assert_allclose(r, expected, rtol=1e-12)
    assert rheobase() == approx_si(0.2e-9, rel=1e-12)
    assert lif_rate(rheobase()) == 0.0
    # brian2 quantities give the same numbers as SI floats
    assert lif_rate(0.4 * b2.nA, tau_m=10 * b2.ms, t_ref=2 * b2.ms) == pytest.approx(lif_rate(0.4e-9))
    # the rate saturates at 1 / t_ref
    assert lif_rate(1e-3) == pytest.approx(1 / T_REF, rel=1e-3)


def _siegert_quad(mu, sigma, tau=TAU_M, tref=T_REF, theta=20e-3, reset=0.0):
    # exp(u^2) (1 + erf u) written as erfcx(-u) so the reference does not overflow;
    # adaptive quadrature (QUADPACK) checks neurocomp's fixed Gauss-Legendre rule
    f = lambda u: special.erfcx(-u)  # noqa: E731
    lo, hi = (reset - mu) / sigma, (theta - mu) / sigma
    value, _ = integrate.quad(f, lo, hi, limit=500, epsrel=1e-11, points=[p for p in (-3.0, 0.0) if lo < p < hi] or None)
    return 1 / (tref + tau * np.sqrt(np.pi) * value)


@pytest.mark.parametrize("mu", [-10e-3, 5e-3, 15e-3, 19e-3, 20e-3, 25e-3, 40e-3])
@pytest.mark.parametrize("sigma", [0.5e-3, 2e-3, 5e-3, 10e-3])
def test_siegert_quadrature_matches_scipy_quad(mu, sigma):
    expected = _siegert_quad(mu, sigma)
    assert siegert_rate(mu, sigma) == pytest.approx(expected, rel=1e-7, abs=1e-12)


def test_siegert_tends_to_lif_rate_without_noise():
    currents = np.linspace(0.25e-9, 0.8e-9, 8)
    r = siegert_rate(currents * RESISTANCE, 0.02e-3)
    np.testing.assert_allclose(r, lif_rate(currents), rtol=2e-3)
    # far below threshold with little noise, (almost) silent; broadcasting works
    rates = siegert_rate([5e-3, 10e-3], [[0.5e-3], [1e-3]])
    assert rates.shape == (2, 2) and np.all(rates < 1e-6)


def test_siegert_rate_increases_with_noise_below_threshold():
    sig = np.array([1e-3, 2e-3, 4e-3, 8e-3])
    r = siegert_rate(15e-3, sig)
    assert np.all(np.diff(r) > 0)


# ------------------------------------------------------ simulations vs theory


@pytest.mark.spiking
def test_deterministic_fi_curve_matches_lif_rate():
    above = np.linspace(0.21e-9, 0.6e-9, 10)
    below = np.array([0.0, 0.05e-9, 0.15e-9, 0.199e-9])
    currents = np.r_[below, above]
    ds = simulate_lif(currents.size, current=currents, duration=0.5, dt=1e-4, rng=0)
    theory = lif_rate(above)
    sim = _isi_rates(ds)[below.size:]
    assert np.all(ds["mean_rate"].values[: below.size] == 0)
    rel = sim / theory - 1
    assert np.all(np.abs(rel) < 0.02), rel
    bound = 1e-4 * theory / (1 - 1e-4 * theory) + 1e-9
    assert np.all((rel > -1e-9) & (rel <= bound)), (rel, bound)


@pytest.mark.spiking
def test_noisy_rates_match_siegert():
    mus = np.array([16e-3, 20e-3, 24e-3])
    sigmas = np.array([4e-3, 8e-3])
    mu, sigma = (a.ravel() for a in np.meshgrid(mus, sigmas, indexing="ij"))
    n_trials = 100
    ds = simulate_lif(mu.size * n_trials, current=np.repeat(mu / RESISTANCE, n_trials),
                      sigma=np.repeat(sigma, n_trials), duration=1.2, rng=11)
    sim = firing_rate(ds, t_start=0.2).values.reshape(mu.size, n_trials)
    mean = sim.mean(axis=1)
    sem = sim.std(axis=1, ddof=1) / np.sqrt(n_trials)
    theory = siegert_rate(mu, sigma)
    assert np.all(sem / theory < 0.02)  # the comparison is not limited by counting noise
    np.testing.assert_allclose(mean, theory, rtol=0.10)


@pytest.mark.spiking
def test_poisson_sources_rate_cv_and_fano():
    rate, n, duration = 20.0, 200, 2.0
    ds = simulate_poisson(n, rate=rate, duration=duration, rng=3)
    total = ds.sizes["spike"]
    expected = rate * n * duration
    assert abs(total - expected) < 4 * np.sqrt(expected)
    assert ds["mean_rate"].mean() == pytest.approx(rate, abs=4 * np.sqrt(rate / (n * duration)))
    # discrete time: ISIs are geometric with p = rate*dt, CV = sqrt(1 - p) ~ 0.999
    cv = isi_cv(ds).values
    assert np.nanmean(cv) == pytest.approx(np.sqrt(1 - rate * 1e-4), abs=0.05)
    # Fano factor of counts in 100 ms windows: binomial, 1 - p; per-neuron s.d. ~ sqrt(2 / 19)
    ff = windowed_fano_factor(ds, window=0.1).values
    assert np.nanmean(ff) == pytest.approx(1 - rate * 1e-4, abs=4 * np.sqrt(2 / 19) / np.sqrt(n))


@pytest.mark.spiking
def test_same_rng_same_spikes_other_rng_other_spikes():
    kwargs = dict(current=0.18e-9, sigma=3e-3, poisson_rate=50.0, poisson_n=20, poisson_weight=0.5e-3, duration=0.3)
    a = simulate_lif(20, rng=5, **kwargs)
    b = simulate_lif(20, rng=5, **kwargs)
    c = simulate_lif(20, rng=6, **kwargs)
    assert a.sizes["spike"] > 50
    np.testing.assert_array_equal(a["spike_time"].values, b["spike_time"].values)
    np.testing.assert_array_equal(a["spike_neuron"].values, b["spike_neuron"].values)
    assert a.sizes["spike"] != c.sizes["spike"] or not np.array_equal(a["spike_time"].values, c["spike_time"].values)
    # a Generator advances: two draws from one stream differ, a fresh equal stream repeats them
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    x1, x2 = simulate_lif(5, rng=g1, **kwargs), simulate_lif(5, rng=g2, **kwargs)
    np.testing.assert_array_equal(x1["spike_time"].values, x2["spike_time"].values)


@pytest.mark.spiking
def test_simulated_rates_equal_the_analysis_functions_on_the_spikes():
    # simulate_* count the rates directly (labels are positions 0..n-1); the result must be identical
    # to binned_rate / firing_rate on the spike dataset, bin edges, coordinates and attributes included
    lif = simulate_lif(60, duration=0.37, poisson_rate=10.0, poisson_n=1000, poisson_weight=0.2e-3, bin_width=0.03,
                       rng=3)
    poi = simulate_poisson(40, rate=np.linspace(1.0, 80.0, 40), duration=1.3, bin_width=0.1, rng=4)
    for ds in (lif, poi):
        assert ds.sizes["spike"] > 100
        spikes = spike_dataset(ds["spike_time"].values, ds["spike_neuron"].values, n_neurons=ds.sizes["neuron"],
                               t_start=0.0, t_stop=ds.attrs["t_stop"])
        xr.testing.assert_identical(ds["rate"], binned_rate(spikes, bin_width=ds["rate"].attrs["bin_width"]))
        expected = firing_rate(spikes).assign_attrs(long_name="mean firing rate").rename("mean_rate")
        xr.testing.assert_identical(ds["mean_rate"], expected)


@pytest.mark.spiking
def test_step_current_spikes_only_while_on():
    ds = simulate_lif(3, current=0.5e-9, current_start=0.05, current_stop=0.15, duration=0.25, rng=0,
                      record_voltage=[1])
    t = ds["spike_time"].values
    assert t.size > 0 and t.min() >= 0.05 and t.max() < 0.15 + 1e-4
    v = ds["voltage"]
    assert v.dims == ("voltage_neuron", "voltage_time") and v.attrs["units"] == "V"
    assert v.isel(voltage_neuron=0).sel(voltage_time=0.04, method="nearest").item() == pytest.approx(V_REST)
    assert float(v.max()) <= V_THRESHOLD + 1e-12


@pytest.mark.spiking
def test_conductance_poisson_input_drives_neurons_between_reversals():
    ds = simulate_lif(20, synapse="conductance", poisson_rate=2000.0, poisson_n=1, poisson_weight=3e-9,
                      duration=0.3, record_voltage=True, rng=1)
    assert ds["mean_rate"].mean() > 1.0
    v = ds["voltage"].values
    assert v.min() >= V_REST - 1e-9 and v.max() <= V_THRESHOLD + 1e-9


def _mean_field_voltage(g_mean, reversal, current=0.0):
    """Steady mean potential of tau dv/dt = v_rest - v + R I + R g (E - v) at the mean conductance."""
    rg = RESISTANCE * g_mean
    return (V_REST + RESISTANCE * current + rg * reversal) / (1 + rg)


@pytest.mark.spiking
def test_conductance_synapses_pull_towards_their_reversal_potentials():
    """Conductance input cannot carry v past its reversal potential, and the mean potential sits
    where the mean conductance puts it. Shot-noise conductance: mean rate x weight x tau_syn
    (3e-8 S excitatory, 6e-8 S inhibitory); the mean-field potential ignores the g-v correlation
    (measured: within 0.02 mV of the simulation); 0.25 mV covers that and the sampling error
    (20 neurons x 0.25 s, SE ~0.02 mV) and is small against the 2-60 mV a wrong reversal moves it."""
    e_exc = -60e-3  # between rest and threshold: excitation alone can never fire the neuron
    ds = simulate_lif(20, synapse="conductance", poisson_rate=2000.0, poisson_n=1, poisson_weight=3e-9,
                      e_exc=e_exc, duration=0.3, record_voltage=True, rng=1)
    v = ds["voltage"].sel(voltage_time=slice(0.05, None))
    assert float(ds["mean_rate"].max()) == 0.0
    assert float(v.max()) <= e_exc + 1e-12
    expected = _mean_field_voltage(2000.0 * 3e-9 * 5e-3, e_exc)
    assert expected == pytest.approx(-62.5e-3, abs=1e-9)
    assert float(v.mean()) == pytest.approx(expected, abs=0.25e-3)
    # inhibition (E_i = -80 mV) pulls below rest but never below E_i
    with brian2_settings("numpy"):
        b2.seed(3)
        group = lif_population(20, synapse="conductance", dt=1e-4, name="inhibited")
        pin = poisson_input(group, n_sources=1, rate=2000.0, weight=3e-9, synapse="conductance", inhibitory=True)
        mon = b2.StateMonitor(group, "v", record=True)
        b2.Network(group, pin, mon).run(0.3 * b2.second, namespace={})
        vi = mon.v_[:, 500:]
    assert vi.min() >= -80e-3 - 1e-12
    assert float(vi.mean()) == pytest.approx(_mean_field_voltage(2000.0 * 3e-9 * 10e-3, -80e-3), abs=0.25e-3)


# ------------------------------------------------------------- conversions


@pytest.mark.spiking
def test_monitors_convert_from_a_users_own_network():
    with brian2_settings():
        b2.seed(1)
        group = lif_population(30, current=0.3e-9, noise=True, sigma=2e-3, dt=1e-4, name="mine")
        pin = poisson_input(group, n_sources=10, rate=20.0, weight=0.2e-3)
        smon = b2.SpikeMonitor(group)
        vmon = b2.StateMonitor(group, "v", record=[0, 7])
        rmon = b2.PopulationRateMonitor(group)
        net = b2.Network(group, pin, smon, vmon, rmon)
        net.run(0.2 * b2.second, namespace={})
        spikes = spike_monitor_to_dataset(smon)
        volt = state_monitor_to_dataarray(vmon, "v")
        pop = rate_monitor_to_dataarray(rmon)
        n_mon = smon.num_spikes
        smooth = rate_monitor_to_dataarray(rmon, smooth_width=5 * b2.ms)
    assert spikes.sizes["spike"] == n_mon > 0
    assert spikes.sizes["neuron"] == 30 and spikes.attrs["t_stop"] == pytest.approx(0.2)
    assert np.all(np.diff(spikes["spike_time"].values) >= 0)
    assert volt.dims == ("neuron", "time") and list(volt["neuron"].values) == [0, 7]
    assert volt.attrs["units"] == "V" and volt.sizes["time"] == 2000
    # the population rate integrates to the spike count
    assert float(pop.sum()) * 1e-4 * 30 == pytest.approx(n_mon)
    assert pop.attrs["units"] == "Hz" and smooth.sizes["time"] == pop.sizes["time"]
    assert float(firing_rate(spikes).mean()) == pytest.approx(float(pop.mean()), rel=1e-9)


# ---------------------------------------------------------------- analyses


def test_statistics_of_handmade_spike_trains():
    # neuron 10: regular 10 Hz; neuron 30: two spikes; neuron 20: silent
    t = np.r_[np.arange(0.05, 1.0, 0.1), [0.2, 0.7]]
    i = np.r_[np.full(10, 10), [30, 30]]
    ds = spike_dataset(t, i, neuron=[10, 20, 30], t_start=0.0, t_stop=1.0)
    np.testing.assert_allclose(firing_rate(ds).values, [10.0, 0.0, 2.0])
    cv = isi_cv(ds).values
    assert cv[0] == pytest.approx(0.0, abs=1e-9) and np.isnan(cv[1]) and np.isnan(cv[2])
    ff = windowed_fano_factor(ds, window=0.2).values
    assert ff[0] == pytest.approx(0.0) and np.isnan(ff[1])
    rates = binned_rate(ds, bin_width=0.1)
    assert rates.dims == ("neuron", "time") and rates.sizes["time"] == 10
    np.testing.assert_allclose(rates.sel(neuron=10).values, 10.0)
    p = psth(ds, bin_width=0.1, neurons=[10, 20])
    np.testing.assert_allclose(p.values, 5.0)
    assert p.attrs["units"] == "Hz"
    # isi_cv of alternating intervals 0.1/0.3: mean 0.2, sd (ddof=1) known
    t2 = np.cumsum([0.1, 0.3, 0.1, 0.3, 0.1])
    cv2 = isi_cv(spike_dataset(t2, np.zeros(5, int), n_neurons=1, t_stop=1.0)).item()
    isis = np.diff(t2)
    assert cv2 == pytest.approx(isis.std(ddof=1) / isis.mean())


def test_spike_dataset_round_trips_through_netcdf(tmp_path):
    from neurocomp.io import load_dataset, save_dataset

    ds = spike_dataset([0.3, 0.1, 0.2], [1, 0, 1], n_neurons=3, t_stop=0.5)
    assert list(ds["spike_time"].values) == [0.1, 0.2, 0.3]
    path = save_dataset(ds, tmp_path / "s.nc")
    back = load_dataset(path)
    xr.testing.assert_allclose(firing_rate(back), firing_rate(ds))


# ------------------------------------------------- experiment, spec, figures


@pytest.mark.spiking
def test_fi_curve_experiment_and_spec(tmp_path):
    from pathlib import Path

    from neurocomp.experiments import get
    from neurocomp.specs import load_spec

    spec = load_spec(Path(__file__).parents[1] / "models" / "lif_fi_curve.toml")
    assert spec.experiment == "fi_curve"
    res = get("fi_curve")(n_currents=5, i_max=0.5e-9, noise_sd=[0.0, 6e-3 / np.sqrt(2)], n_trials=5, duration=0.4,
                          transient=0.1, target="numpy", rng=1)
    ds = res.dataset
    assert ds["rate_simulated"].dims == ("current", "noise_sd")
    assert res.summary["max_rel_error_noise_free"] < 0.02
    assert res.summary["max_rate_below_rheobase_Hz"] == 0
    assert set(res.figures) == {"fi_curve", "raster"}
    ax = res.figures["fi_curve"].axes[0]
    assert "nA" in ax.get_xlabel() and "Hz" in ax.get_ylabel()
    assert len(res.table) == 10


def test_plots_label_their_axes():
    from neurocomp.plotting.spiking import plot_raster, plot_rate

    ds = spike_dataset([0.1, 0.2, 0.25], [0, 1, 1], n_neurons=2, t_stop=0.3)
    ax = plot_raster(ds)
    assert ax.get_xlabel() == "time [s]" and ax.get_ylabel() == "neuron"
    ax = plot_rate(ds, bin_width=0.05)
    assert "Hz" in ax.get_ylabel() and "s" in ax.get_xlabel()
    ax = plot_rate(binned_rate(ds, bin_width=0.1))
    assert len(ax.lines) == 1


@pytest.mark.spiking
def test_a_dimensionless_state_variable_is_labelled_1_not_radian():
    # brian2's get_unit names the dimensionless unit "rad"; a plain number must not read as an angle
    with brian2_settings():
        group = b2.NeuronGroup(2, "dx/dt = -x / (10*ms) : 1", method="exact", name="dimless")
        group.x = [1.0, 0.5]
        mon = b2.StateMonitor(group, "x", record=True)
        b2.Network(group, mon).run(1 * b2.ms, namespace={"ms": b2.ms})
        x = state_monitor_to_dataarray(mon, "x")
    assert x.attrs["units"] == "1"
    t_last = float(x["time"][-1])
    assert float(x.isel(neuron=0, time=-1)) == pytest.approx(np.exp(-t_last / 10e-3), rel=1e-9)
