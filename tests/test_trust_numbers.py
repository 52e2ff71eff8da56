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
    (sa.windowed_fano_factor, {"window": 0.05}), (sa.binned_rate, {"bin_width": 0.05}), (sa.psth, {"bin_width": 0.05}),
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
        sa.windowed_fano_factor(bare, t_stop=0.2)
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


# ---------------------------------------------------------------- arguments out of range


@pytest.mark.parametrize("level", [1.5, 0.0, 1.0, -0.1, 95, float("nan")])
def test_fit_msd_refuses_a_level_outside_0_1(level):
    from neurocomp import diffusion as nd

    msd = nd.ensemble_msd(nd.brownian(20, 100, rng=0))
    with pytest.raises(ValueError, match="level must"):
        nd.fit_msd(msd, level=level)
    fit = nd.fit_msd(msd, level=0.9)
    assert fit.alpha_ci[0] < fit.alpha < fit.alpha_ci[1] and np.all(np.isfinite(fit.alpha_ci))


@pytest.mark.parametrize("dt", [-1.0, 0.0, float("nan"), float("inf")])
def test_trajectory_analyses_refuse_a_non_positive_dt(dt):
    from neurocomp import diffusion as nd

    x = nd.brownian(4, 50, rng=0).values
    with pytest.raises(ValueError, match="dt must"):
        nd.estimate_alpha(x, dt=dt)
    with pytest.raises(ValueError, match="dt must"):
        nd.time_averaged_msd(x, dt=dt)


# ---------------------------------------------------------------- diverging training


def test_mlp_with_a_diverging_learning_rate_warns_once_naming_learning_rate():
    from neurocomp._validation import NeurocompWarning
    from neurocomp.dnn.mlp import MLP

    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5))
    y = (X @ rng.normal(size=5) > 0).astype(int)
    with pytest.warns(NeurocompWarning, match=r"learning_rate = 1000\.0 is probably too large") as rec:
        net = MLP((8,), output="sigmoid", learning_rate=1000.0, n_epochs=30, rng=0).fit(X, y)
    assert len([w for w in rec if issubclass(w.category, NeurocompWarning)]) == 1
    assert net.loss_curve_[-1] > net.loss_curve_[0]  # the warning tells the truth
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", NeurocompWarning)  # a sane rate trains without a word
        sane = MLP((8,), output="sigmoid", learning_rate=0.1, n_epochs=30, rng=0).fit(X, y)
    assert sane.loss_curve_[-1] < sane.loss_curve_[0]


def test_mlp_whose_loss_overflows_stops_with_an_error_naming_learning_rate():
    from neurocomp.dnn.mlp import MLP

    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5))
    y = X @ rng.normal(size=5)
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(ValueError, match="diverged.*learning_rate"):
        MLP((8,), output="linear", learning_rate=1000.0, n_epochs=30, rng=0).fit(X, y)


def test_rbm_with_a_diverging_learning_rate_warns_once_naming_learning_rate():
    import warnings

    from sklearn.datasets import load_digits

    from neurocomp._validation import NeurocompWarning
    from neurocomp.boltzmann import RBM

    X = (load_digits().data[:300] > 7).astype(float)
    with pytest.warns(NeurocompWarning, match=r"learning_rate = 100\.0 is probably too large") as rec:
        rbm = RBM(n_hidden=16, learning_rate=100.0, n_epochs=3, rng=0).fit(X)
    assert len([w for w in rec if issubclass(w.category, NeurocompWarning)]) == 1
    assert rbm.learning_curve_["reconstruction_error"].values[-1] > np.mean((X - X.mean(0)) ** 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NeurocompWarning)
        RBM(n_hidden=16, learning_rate=0.05, n_epochs=3, rng=0).fit(X)


def test_a_recording_whose_end_was_not_given_does_not_end_at_its_last_spike():
    """spike_dataset without t_stop used the last spike as the end: 3 spikes by 0.15 s of a 1 s
    recording gave 20 Hz instead of 3 Hz. The end is unknown, so a window must be given."""
    ds = spike_dataset([0.05, 0.1, 0.15], [0, 0, 0], n_neurons=1)
    with pytest.raises(ValueError, match="no recorded span"):
        sa.firing_rate(ds)
    assert sa.firing_rate(ds, t_start=0.0, t_stop=1.0).item() == pytest.approx(3.0)
    known = spike_dataset([0.05, 0.1, 0.15], [0, 0, 0], n_neurons=1, t_stop=1.0)
    assert sa.firing_rate(known).item() == pytest.approx(3.0)
