"""Names that meant two things, renamed (issue 22): the old spelling still works for a release.

Each old name gives the same numbers as the new one and warns with a
DeprecationWarning that names the replacement; the new names are what the
package itself uses.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import xarray as xr


# ---------------------------------------------------------------- two Fano factors
def test_spiking_fano_factor_is_the_windowed_one_under_its_new_name():
    from neurocomp import spiking
    from neurocomp.spiking import spike_dataset

    t = np.r_[np.arange(0.05, 1.0, 0.1), [0.2, 0.7, 0.71]]
    i = np.r_[np.full(10, 10), [30, 30, 30]]
    ds = spike_dataset(t, i, neuron=[10, 20, 30], t_start=0.0, t_stop=1.0)
    new = spiking.windowed_fano_factor(ds, window=0.2)
    with pytest.warns(DeprecationWarning, match="use windowed_fano_factor"):
        old = spiking.fano_factor(ds, window=0.2)
    xr.testing.assert_identical(new, old)
    # counts per 0.2 s window of neuron 30: 0, 1, 0, 2, 0 -> var 0.8 / mean 0.6
    assert new.sel(neuron=30).item() == pytest.approx(0.8 / 0.6)


# ---------------------------------------------------------------- alpha as a ridge penalty
@pytest.fixture
def regression_data():
    g = np.random.default_rng(0)
    X = g.normal(size=(40, 6))
    Y = X @ g.normal(size=(6, 3)) + g.normal(size=(40, 3))
    return X, Y


def test_ridge_mapping_takes_penalties_and_the_old_keywords_warn(regression_data):
    from neurocomp.analysis import RidgeMapping

    X, Y = regression_data
    grid = [0.01, 1.0, 100.0]
    new = RidgeMapping(penalties=grid, penalty_per_target=False, penalties_relative=False).fit(X, Y)
    with pytest.warns(DeprecationWarning, match="'alphas' is deprecated"):
        old = RidgeMapping(alphas=grid, alpha_per_target=False, alphas_relative=False).fit(X, Y)
    assert old.get_params() == new.get_params() == {
        "penalties": grid, "penalty_per_target": False, "penalties_relative": False}
    np.testing.assert_array_equal(old.coef_, new.coef_)
    assert np.unique(new.penalty_).size == 1 and new.penalty_[0] in grid
    with pytest.warns(DeprecationWarning, match="use penalty_"):
        np.testing.assert_array_equal(new.alpha_, new.penalty_)
    with pytest.raises(TypeError, match="pass 'penalties' only"):
        RidgeMapping(penalties=grid, alphas=grid)


def test_a_ridge_mapping_pickled_under_the_old_names_still_loads(regression_data):
    from neurocomp.analysis import RidgeMapping

    X, Y = regression_data
    model = RidgeMapping([0.5, 5.0]).fit(X, Y)
    state = model.__getstate__()
    renamed = {"penalties": "alphas", "penalty_per_target": "alpha_per_target",
               "penalties_relative": "alphas_relative", "penalty_": "alpha_"}
    old_state = {renamed.get(k, k): v for k, v in state.items()}  # what a 0.1 pickle holds
    restored = RidgeMapping.__new__(RidgeMapping)
    restored.__setstate__(old_state)
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert restored.get_params() == model.get_params()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(restored)).penalty_, model.penalty_)


def test_default_alphas_is_default_penalties():
    from neurocomp.analysis.regression import default_alphas, default_penalties

    with pytest.warns(DeprecationWarning, match="use default_penalties"):
        np.testing.assert_array_equal(default_alphas(5), default_penalties(5))


def test_cross_validated_r_and_neural_predictivity_take_penalties(regression_data):
    from neurocomp.analysis.predictivity import cross_validated_r

    X, Y = regression_data
    splits = [(np.arange(30), np.arange(30, 40)), (np.arange(10, 40), np.arange(10))]
    r, pen, _ = cross_validated_r(X, Y, splits, method="ridge", penalties=[0.1, 10.0])
    with pytest.warns(DeprecationWarning, match="'alphas' is deprecated"):
        r_old, pen_old, _ = cross_validated_r(X, Y, splits, method="ridge", alphas=[0.1, 10.0])
    np.testing.assert_array_equal(r, r_old)
    np.testing.assert_array_equal(pen, pen_old)


def test_category_decoding_takes_penalty_and_returns_a_labelled_accuracy():
    from neurocomp.cortex import category_decoding

    g = np.random.default_rng(1)
    labels = np.repeat(["a", "b"], 10)
    X = g.normal(size=(20, 4)) + 3.0 * (labels == "a")[:, None]
    resp = xr.DataArray(X, dims=("presentation", "neuroid"), coords={"object_name": ("presentation", labels)})
    acc = category_decoding(resp, penalty=2.0, rng=0)
    assert isinstance(acc, xr.DataArray) and acc.ndim == 0
    assert acc.attrs["units"] == "1" and acc.attrs["long_name"] and acc.attrs["chance"] == 0.5
    assert float(acc) == 1.0  # two categories 6 standard deviations apart
    with pytest.warns(DeprecationWarning, match="'alpha' is deprecated"):
        old = category_decoding(resp, alpha=2.0, rng=0)
    assert float(old) == float(acc)
