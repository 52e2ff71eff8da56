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


# ---------------------------------------------------------------- sibling functions, sibling return types
def test_gaussian_solution_is_labelled_like_solve_diffusion():
    from neurocomp import diffusion as nd
    from neurocomp.vocabulary import check_dataset

    x = (np.arange(41) - 20) * 0.1
    c0 = nd.gaussian_solution(x, 0.5, D=1.0)
    sol = nd.solve_diffusion(c0, D=1.0, dx=0.1, dt=0.01, n_steps=5)
    assert isinstance(c0, xr.DataArray) and c0.dims == sol.dims[1:] == ("x",)
    assert c0.attrs["units"] == sol.attrs["units"] == "1/m" and check_dataset(c0) == []
    np.testing.assert_array_equal(c0["x"].values, x)
    np.testing.assert_allclose(c0.values, np.exp(-x ** 2 / 2.0) / np.sqrt(2 * np.pi), rtol=1e-12)
    c2 = nd.gaussian_solution(x, 0.5, D=1.0, y=x[:30])
    assert c2.dims == ("x", "y") and c2.attrs["units"] == "1/m^2" and check_dataset(c2) == []
    np.testing.assert_allclose(c2.values, np.outer(c0.values, c0.values[:30]), rtol=1e-12)


def test_stimulus_functions_all_return_presentation_y_x_images():
    from neurocomp.cortex import gratings, natural_backgrounds, object_images, render_objects
    from neurocomp.vocabulary import check_dataset

    bg = natural_backgrounds(3, size=16, rng=0)
    obj = render_objects(["disk", "disk", "disk"], scales=[1.0, 0.8, 0.6], backgrounds=bg, size=16)
    for images in (bg, obj, gratings(size=16), object_images(n_per_category=2, size=16, rng=0)):
        assert isinstance(images, xr.DataArray) and images.dims == ("presentation", "y", "x")
        assert images.name == "images" and images.attrs["units"] == "1" and check_dataset(images) == []
        assert images["stimulus_id"].to_index().is_unique
    np.testing.assert_array_equal(obj["scale"].values, [1.0, 0.8, 0.6])
    # the same draw as before the change (values only), and object_images is render_objects + variation
    imgs = object_images(n_per_category=2, size=16, rng=0)
    assert set(imgs.coords) - set(obj.coords) == {"variation"}


def test_fit_msd_returns_a_dataset_that_answers_the_old_attribute_names():
    from neurocomp import diffusion as nd
    from neurocomp.vocabulary import check_dataset

    msd = nd.ensemble_msd(nd.brownian(500, 100, D=0.5, dt=0.01, rng=0))
    fit = nd.fit_msd(msd)
    assert isinstance(fit, xr.Dataset) and fit.method == "least squares" and fit.d == 1
    assert fit.D.attrs["units"] == "m^2/s^alpha" and check_dataset(fit) == []
    assert fit.alpha_ci == (float(fit.alpha_low), float(fit.alpha_high))
    assert fit.alpha_ci[0] < fit.alpha < fit.alpha_ci[1] and f"{fit.alpha:.1f}" == "1.0"
    assert fit.D_ci == (float(fit.D_low), float(fit.D_high)) and fit.t_max == pytest.approx(1.0)
    lin = nd.fit_msd(msd, fix_alpha=True)
    assert lin.D.attrs["units"] == "m^2/s" and check_dataset(lin) == []
    with pytest.warns(DeprecationWarning, match="MSDFit is deprecated"):
        nd.MSDFit(alpha=1.0, D=0.5, alpha_ci=(1, 1), D_ci=(0.4, 0.6), t_min=0.01, t_max=1.0, d=1, level=0.95,
                  method="least squares")


# ---------------------------------------------------------------- experiments compute, plotting draws
def test_gratings_v1_panels_are_plot_functions_that_draw_what_they_are_given():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurocomp.plotting import cortex as cplot

    ori = np.arange(0.0, 180.0, 30.0)
    pref = np.array([0.0, 60.0, 120.0, 30.0])
    d = (ori[:, None] - pref[None, :] + 90) % 180 - 90
    ds = xr.Dataset(
        {"tuning": (("orientation", "neuroid"), np.exp(-d ** 2 / 800.0)), "hwhh": (("neuroid",), np.full(4, 23.5)),
         "f1_f0": (("neuroid",), [1.7, 1.6, 0.0, 0.1]),
         "contrast_response": (("contrast", "neuroid"), np.outer([0.1, 0.5, 1.0], [1.0, 2.0, 3.0, 4.0]))},
        coords={"orientation": ori, "contrast": [0.1, 0.5, 1.0],
                "preferred_orientation": ("neuroid", pref), "cell_type": ("neuroid", ["simple", "simple", "complex", "complex"])},
        attrs={"hwhh_theory_deg": 21.8, "f1_f0_theory_simple": 16 / (3 * np.pi)})
    fig, axes = plt.subplots(1, 3)
    assert cplot.plot_orientation_tuning(ds, ax=axes[0]) is axes[0]
    assert len(axes[0].get_lines()) == 4 + 1 and axes[0].get_legend() is None  # 4 curves, the half-height line
    for line in axes[0].get_lines()[:4]:  # each curve re-centred: its maximum at offset 0
        assert line.get_xdata()[np.argmax(line.get_ydata())] == 0.0
    assert "21.8" in axes[0].get_title() and "23.5" in axes[0].get_title()
    theory = xr.DataArray([0.5, 1.0, 0.5], dims=("orientation",), coords={"orientation": [-30.0, 0.0, 30.0]})
    ax = cplot.plot_orientation_tuning(ds, theory=theory)
    assert ax.get_legend() is not None and list(ax.get_lines()[-2].get_ydata()) == [0.5, 1.0, 0.5]
    assert cplot.plot_phase_sensitivity(ds, ax=axes[1]) is axes[1]
    assert any(abs(line.get_xdata()[0] - 16 / (3 * np.pi)) < 1e-12 for line in axes[1].get_lines())
    assert cplot.plot_contrast_response(ds, ax=axes[2]) is axes[2]
    np.testing.assert_allclose(axes[2].get_lines()[0].get_ydata(), [0.1, 0.5, 1.0])
    with pytest.raises(ValueError, match="gratings_v1 Dataset"):
        cplot.plot_contrast_response(ds[["tuning"]])
    plt.close("all")


# ---------------------------------------------------------------- one set of LIF defaults
def test_spiking_gates_use_the_package_lif_defaults():
    from neurocomp.gates import spiking as gates_spiking
    from neurocomp.spiking import populations

    assert (gates_spiking.TAU_M, gates_spiking.V_REST, gates_spiking.T_REF) == (
        populations.TAU_M, populations.V_REST, populations.T_REF)


# ---------------------------------------------------------------- modules split into packages
@pytest.mark.parametrize("package, cls", [("neurocomp.gates", "Perceptron"), ("neurocomp.boltzmann", "RBM"),
                                          ("neurocomp.hopfield", "Hopfield")])
def test_a_pickle_naming_the_module_before_the_split_still_loads(package, cls):
    import importlib

    module = importlib.import_module(package)
    klass = getattr(module, cls)
    X = np.random.default_rng(0).integers(0, 2, (20, 4))
    if cls == "Hopfield":
        xi = 2 * X[:3] - 1
        model = klass(4, rng=0).store(xi)
        home = klass.__module__
        try:
            klass.__module__ = package
            data = pickle.dumps(model)
        finally:
            klass.__module__ = home
        restored = pickle.loads(data)
        assert type(restored) is klass and home.encode() not in data
        np.testing.assert_array_equal(restored.weights_, model.weights_)
        return
    model = klass(rng=0).fit(X, X[:, 0]) if cls == "Perceptron" else klass(n_hidden=3, n_epochs=1, rng=0).fit(X)
    home = klass.__module__
    try:
        klass.__module__ = package  # what a pickle written before the split names
        data = pickle.dumps(model)
    finally:
        klass.__module__ = home
    assert f"{home}".encode() not in data
    restored = pickle.loads(data)
    assert type(restored) is klass
    np.testing.assert_array_equal(restored.transform(X) if cls == "RBM" else restored.predict(X),
                                  model.transform(X) if cls == "RBM" else model.predict(X))
