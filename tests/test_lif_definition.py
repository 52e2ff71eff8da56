"""One LIF definition (issue 22): ``neurocomp.spiking.membrane_equation`` with the noise given as
the stationary SD of the free membrane potential, used by simulate_lif, the spiking gates and
the spiking Hopfield network; the old names (sigma, noise, refractory) warn and mean the same."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.spiking
pytest.importorskip("brian2")


def test_noise_sd_is_the_stationary_sd_of_the_free_membrane():
    from neurocomp.spiking import TAU_M, simulate_lif

    noise_sd, n, duration = 1e-3, 50, 0.5
    ds = simulate_lif(n, noise_sd=noise_sd, duration=duration, record_voltage=True, rng=1, target="numpy")
    assert ds.sizes["spike"] == 0  # 20 mV below threshold: the membrane is free
    v = ds["voltage"].sel(voltage_time=slice(5 * TAU_M, None)).values  # past the transient from rest
    # samples decorrelate over ~2 tau_m: n * duration / (2 tau_m) independent values; sd of the
    # sample sd ~ noise_sd / sqrt(2 m); tolerance 4 of those (+ the Euler bias, ~dt / (4 tau_m) = 0.25%)
    m = n * (duration - 5 * TAU_M) / (2 * TAU_M)
    assert v.std() == pytest.approx(noise_sd, rel=4 / np.sqrt(2 * m) + 0.01)
    assert v.mean() == pytest.approx(-70e-3, abs=4 * noise_sd / np.sqrt(m))


def test_sigma_is_deprecated_and_means_brunels_sqrt2_noise_sd():
    from neurocomp.spiking import simulate_lif

    kw = dict(current=np.linspace(0.15e-9, 0.25e-9, 6), duration=0.2, rng=4, target="numpy")
    new = simulate_lif(6, noise_sd=3e-3, **kw)
    with pytest.warns(DeprecationWarning, match="'sigma' is deprecated"):
        old = simulate_lif(6, sigma=3e-3 * np.sqrt(2), **kw)
    np.testing.assert_allclose(old["spike_time"].values, new["spike_time"].values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(new["sigma"].values, np.sqrt(2) * new["noise_sd"].values)
    with pytest.raises(TypeError, match="noise_sd"):
        simulate_lif(2, noise_sd=1e-3, sigma=1e-3, duration=0.01)


def test_gates_and_hopfield_use_the_one_membrane_equation():
    import inspect

    from neurocomp import gates, hopfield
    from neurocomp.spiking import membrane_equation

    assert "noise_sd * sqrt(2 / tau_m) * xi" in membrane_equation("I", noise=True)
    for func in (gates.spiking_truth_table, hopfield.spiking_recall):
        src = inspect.getsource(inspect.unwrap(func))
        assert "membrane_equation(" in src and "dv/dt = (" not in src  # no hand-written membrane


def test_old_noise_and_refractory_names_warn_and_give_the_same_result():
    from neurocomp import gates, hopfield

    a = gates.spiking_truth_table("AND", trials=3, noise_sd=0.4e-3, rng=2, target="numpy")
    with pytest.warns(DeprecationWarning, match="'noise' is deprecated"):
        b = gates.spiking_truth_table("AND", trials=3, noise=0.4e-3, rng=2, target="numpy")
    np.testing.assert_array_equal(a["spike_count"].values, b["spike_count"].values)

    xi = hopfield.random_patterns(2, 40, rng=0)
    kw = dict(duration=0.06, cue_duration=0.02, readout=0.03, rng=5)
    new = hopfield.spiking_recall(xi, xi[0], t_ref=5e-3, noise_sd=1e-3, **kw)
    with pytest.warns(DeprecationWarning, match="'refractory' is deprecated"):
        old = hopfield.spiking_recall(xi, xi[0], refractory=5e-3, noise_sd=1e-3, **kw)
    np.testing.assert_array_equal(new["rate"].values, old["rate"].values)
    with pytest.raises(TypeError, match="pass 't_ref' only"):
        hopfield.spiking_recall(xi, xi[0], refractory=5e-3, t_ref=5e-3, **kw)
