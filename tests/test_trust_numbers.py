"""Silently wrong numbers (issue 14): each case asserts the RIGHT answer or a clear refusal.

* spike statistics over a window past the recording (3 Hz reported for a 75 Hz neuron);
* ceiled scores that lost the sign of r;
* fit_msd / estimate_alpha arguments out of range;
* estimators whose loss diverges.
"""

import numpy as np
import pytest
import xarray as xr

from neurocomp.analysis import ceil_score
from neurocomp.spiking import analysis as sa
from neurocomp.spiking.convert import spike_dataset

# ---------------------------------------------------------------- spike windows


@pytest.fixture
def run_75hz():
    """A 0.2 s recording of two neurons firing regularly at 75 Hz and 25 Hz (15 and 5 spikes)."""
    t_a = (np.arange(15) + 0.5) / 75.0
    t_b = (np.arange(5) + 0.5) / 25.0
    times = np.concatenate([t_a, t_b])
    neuron = np.concatenate([np.zeros(15, int), np.ones(5, int)])
    return spike_dataset(times, neuron, n_neurons=2, t_start=0.0, t_stop=0.2)


def test_firing_rate_over_the_recorded_span_is_right(run_75hz):
    np.testing.assert_allclose(sa.firing_rate(run_75hz).values, [75.0, 25.0], rtol=1e-12)
    # a window inside the span is fine
    np.testing.assert_allclose(sa.firing_rate(run_75hz, t_start=0.0, t_stop=0.1).values,
                               [np.sum((np.arange(15) + 0.5) / 75 < 0.1) / 0.1, 20.0])


@pytest.mark.parametrize("func, kw", [
    (sa.firing_rate, {}), (sa.spike_counts, {}), (sa.isi_cv, {}),
    (sa.fano_factor, {"window": 0.05}), (sa.binned_rate, {"bin_width": 0.05}), (sa.psth, {"bin_width": 0.05}),
])
@pytest.mark.parametrize("window", [{"t_stop": 5.0}, {"t_start": -1.0}, {"t_start": -0.1, "t_stop": 0.1}])
def test_every_windowed_statistic_refuses_a_window_outside_the_recording(run_75hz, func, kw, window):
    with pytest.raises(ValueError, match=r"outside the recorded span \[0\.0, 0\.2\] s") as err:
        func(run_75hz, **kw, **window)
    assert "t_start" in str(err.value) and "t_stop" in str(err.value)


def test_a_dataset_without_its_recorded_span_needs_an_explicit_window(run_75hz):
    bare = run_75hz.copy()
    bare.attrs = {}
    with pytest.raises(ValueError, match="no recorded span.*pass both t_start and t_stop"):
        sa.firing_rate(bare)
    with pytest.raises(ValueError, match="no recorded span"):
        sa.fano_factor(bare, t_stop=0.2)
    # the caller's explicit window is the recorded span
    np.testing.assert_allclose(sa.firing_rate(bare, t_start=0.0, t_stop=0.2).values, [75.0, 25.0])


# ---------------------------------------------------------------- ceiled scores keep the sign of r


@pytest.mark.parametrize("normalization, expected", [("r2_over_ceiling", -0.095**2 / 0.8),
                                                      ("ratio_squared", -((0.095 / 0.8) ** 2))])
def test_anti_correlated_model_scores_below_zero(normalization, expected):
    assert ceil_score(-0.095, 0.8, normalization) == pytest.approx(expected, rel=1e-12)
    assert ceil_score(-0.095, 0.8, normalization) < 0 < ceil_score(0.095, 0.8, normalization)
    r = np.array([-0.5, -0.1, 0.0, 0.1, 0.5])
    out = ceil_score(r, 0.5, normalization)
    assert np.array_equal(np.sign(out), np.sign(r))
    assert np.all(np.diff(out) > 0)  # monotone in r: a better prediction never scores lower


def test_layer_region_scores_keep_the_sign_of_every_raw_score(rng):
    """End to end: the layer of pure noise has median held-out r scattered around 0; its ceiled
    score must have the sign of that r (before, r = -0.095 became +0.01)."""
    from neurocomp.analysis import layer_region_scores
    from test_analysis import make_data

    signs = []
    for seed in range(3):
        rec, acts, _ = make_data(np.random.default_rng(seed), n_stimuli=60, n_neuroids=12, n_features=30)
        ds = layer_region_scores(acts, rec, n_bootstrap=0, rng=0)
        raw, ceiled, c = ds["raw_score"].values, ds["ceiled_score"].values, ds["ceiling"].values
        np.testing.assert_allclose(ceiled, np.sign(raw) * raw**2 / c[None, :], rtol=1e-12)
        signs.extend(np.sign(raw[ds["layer"].values == "noise"]).ravel())
    assert -1 in signs  # the check above met at least one anti-correlated layer
