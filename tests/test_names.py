"""Names that meant two things, and unit-suffixed experiment parameters (issue 22): the new names
give the same numbers; the old ones still work for a release, with a DeprecationWarning."""

from __future__ import annotations

import numpy as np
import pytest

import neurocomp.diffusion as nd


def test_friction_replaces_gamma_in_langevin_and_ornstein_uhlenbeck():
    new = nd.langevin(20, 50, friction=2.0, rng=1)
    with pytest.warns(DeprecationWarning, match="'gamma' is deprecated"):
        old = nd.langevin(20, 50, gamma=2.0, rng=1)
    np.testing.assert_array_equal(new.values, old.values)
    assert new.attrs["friction"] == 2.0
    new = nd.ornstein_uhlenbeck(20, 50, friction=3.0, rng=2)
    with pytest.warns(DeprecationWarning):
        old = nd.ornstein_uhlenbeck(20, 50, gamma=3.0, rng=2)
    np.testing.assert_array_equal(new.values, old.values)
    with pytest.raises(TypeError, match="pass 'friction' only"):
        nd.langevin(2, 2, friction=1.0, gamma=1.0)
    # gamma is now only the ATTM exponent
    assert "gamma" in nd.attm.__code__.co_varnames


def test_tail_exponent_replaces_sigma_in_levy_walk():
    new = nd.levy_walk(10, 100, alpha=2.0, tail_exponent=0.3, rng=3)
    with pytest.warns(DeprecationWarning, match="'sigma' is deprecated"):
        old = nd.levy_walk(10, 100, alpha=2.0, sigma=0.3, rng=3)
    np.testing.assert_array_equal(new.values, old.values)


def test_bounded_brownian_is_the_walk_and_first_passage_its_old_name():
    new = nd.bounded_brownian(50, 200, D=1.0, dt=0.01, upper=0.5, rng=4)
    with pytest.warns(DeprecationWarning, match="bounded_brownian"):
        old = nd.first_passage(50, 200, D=1.0, dt=0.01, upper=0.5, rng=4)
    np.testing.assert_array_equal(new["first_passage_time"].values, old["first_passage_time"].values)


def test_unit_suffixed_spec_keys_are_converted_to_si_with_a_warning():
    from neurocomp.experiments import get
    from neurocomp.specs import SpecError, validate_params

    func = get("fi_curve")
    with pytest.warns(DeprecationWarning, match="'sigma_mv' is deprecated"):
        params = validate_params(func, {"i_max_na": 0.5, "sigma_mv": [0.0, 4.0], "dt_ms": 0.05, "tau_m_ms": 20.0})
    assert params["i_max"] == pytest.approx(0.5e-9, rel=1e-12, abs=0)
    np.testing.assert_allclose(params["noise_sd"], [0.0, 4e-3 / np.sqrt(2)], rtol=1e-12, atol=0)
    assert params["dt"] == pytest.approx(5e-5, rel=1e-12, abs=0)
    assert params["tau_m"] == pytest.approx(20e-3, rel=1e-12)
    assert not any(k.endswith(("_na", "_mv", "_ms", "_mohm")) for k in params)
    with pytest.raises(SpecError, match="both 'dt' and its old name 'dt_ms'"):
        validate_params(func, {"dt": 1e-4, "dt_ms": 0.1})
    with pytest.warns(DeprecationWarning):
        p = validate_params(get("spiking_gates"), {"jitter_ms": 2.0, "noise_mv": 1.0})
    assert (p["jitter"], p["noise_sd"]) == pytest.approx((2e-3, 1e-3), rel=1e-12, abs=0)
    with pytest.warns(DeprecationWarning):
        p = validate_params(get("locust_auditory_encoding"), {"bin_ms": 4.0, "history_ms": 40.0})
    assert (p["bin_width"], p["history"]) == pytest.approx((4e-3, 40e-3), rel=1e-12, abs=0)


@pytest.mark.parametrize("stem", ["lif_fi_curve", "spiking_gates"])
def test_bundled_specs_use_si_names(stem):
    from pathlib import Path

    from neurocomp.specs import load_spec

    spec = load_spec(Path(__file__).parents[1] / "models" / f"{stem}.toml")
    assert not any(k.endswith(("_na", "_mv", "_ms", "_mohm")) for k in spec.params)


def test_mlp_speaks_the_training_vocabulary_and_old_names_warn():
    from sklearn.base import clone

    from neurocomp.dnn.mlp import MLP, make_xor

    X, y = make_xor()
    kw = dict(hidden_layer_sizes=(3,), n_epochs=5, learning_rate=0.5, rng=0)
    new = MLP(weight_decay=0.01, **kw).fit(X, y, X_valid=X, y_valid=y)
    with pytest.warns(DeprecationWarning, match="'l2' is deprecated"):
        old = MLP(l2=0.01, **kw).fit(X, y)
    np.testing.assert_array_equal(new.coefs_[0], old.coefs_[0])
    with pytest.warns(DeprecationWarning, match="'X_val' is deprecated"):
        MLP(**kw).fit(X, y, X_val=X, y_val=y)
    curve = new.learning_curve_
    assert curve.sizes["epoch"] == 6 and int(curve["epoch"][0]) == 0  # epoch 0 = before training
    assert set(curve.data_vars) == {"train_loss", "validation_loss"}
    assert clone(new).get_params()["weight_decay"] == 0.01


def test_perceptron_and_boltzmann_machine_count_epochs_in_n_epochs():
    from neurocomp.boltzmann import BoltzmannMachine, encoder_patterns
    from neurocomp.gates import Perceptron

    X, y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 0, 0, 1]
    new = Perceptron(n_epochs=7, shuffle=True, rng=1).fit(X, y)
    with pytest.warns(DeprecationWarning, match="'max_iter' is deprecated"):
        old = Perceptron(max_iter=7, shuffle=True, rng=1).fit(X, y)
    np.testing.assert_array_equal(new.coef_, old.coef_)

    P = encoder_patterns(2)
    kw = dict(schedule=[(2, 10.0)], n_stat_sweeps=2, rng=0)
    new = BoltzmannMachine(4, 1, n_epochs=3, **kw).fit(P)
    for call in (lambda bm: bm.fit(P, n_cycles=3), lambda bm: bm.fit(P, 3)):
        with pytest.warns(DeprecationWarning, match="'n_cycles' is deprecated"):
            old = call(BoltzmannMachine(4, 1, **kw))
        np.testing.assert_array_equal(new.weights_, old.weights_)
    assert new.n_cycles_ == 3


def test_rdm_second_axis_is_presentation_post_and_old_rdms_still_compare():
    import xarray as xr

    from neurocomp.analysis import compare_rdms, rdm

    rng = np.random.default_rng(0)
    rec = xr.DataArray(rng.normal(size=(12, 5)), dims=("presentation", "neuroid"),
                       coords={"stimulus_id": ("presentation", np.arange(12))})
    a = rdm(rec)
    assert a.dims[-2:] == ("presentation", "presentation_post") and "stimulus_id_post" in a.coords
    old = a.rename({"presentation_post": "presentation_b"})
    with pytest.warns(DeprecationWarning, match="presentation_b"):
        r = compare_rdms(old, a)
    assert float(np.asarray(r).ravel()[0]) == pytest.approx(1.0)
