"""One seeding rule (issue 22): keyword-only ``rng=None``; a fitted model's methods use its own
stream; old spellings warn; brian2's global random state is restored after a run."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from neurocomp import boltzmann as bz
from neurocomp import hopfield as hf


def _digits_like(seed=0, n=60, d=12):
    return (np.random.default_rng(seed).random((n, d)) < 0.3).astype(float)


@pytest.mark.parametrize("method", ["sample", "gibbs", "log_partition"])
def test_rbm_methods_with_rng_none_repeat_for_a_seeded_model(method):
    X = _digits_like()

    def run():
        rbm = bz.RBM(n_hidden=4, n_epochs=2, rng=0).fit(X)
        if method == "sample":
            return rbm.sample(3, n_gibbs=5)
        if method == "gibbs":
            return rbm.gibbs(X[:5])
        return np.array([rbm.log_partition("ais", n_chains=4, betas=20).log_z])

    a, b = run(), run()
    np.testing.assert_array_equal(a, b)


def test_rbm_own_stream_advances_and_explicit_rng_overrides():
    rbm = bz.RBM(n_hidden=4, n_epochs=1, rng=0).fit(_digits_like())
    first, second = rbm.sample(4, n_gibbs=3), rbm.sample(4, n_gibbs=3)
    assert not np.array_equal(first, second)  # the stream moves on, as Hopfield.recall's does
    np.testing.assert_array_equal(rbm.sample(4, n_gibbs=3, rng=5), rbm.sample(4, n_gibbs=3, rng=5))


def test_rbm_from_weights_has_its_own_stream():
    W = np.random.default_rng(1).normal(size=(3, 5))
    a = bz.RBM.from_weights(W, np.zeros(3), np.zeros(5), rng=2).sample(2, n_gibbs=4)
    b = bz.RBM.from_weights(W, np.zeros(3), np.zeros(5), rng=2).sample(2, n_gibbs=4)
    np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("ignore::neurocomp._validation.NeurocompWarning")  # tiny net, 1 epoch: about seeding only
def test_dbn_sample_with_rng_none_repeats():
    X = _digits_like()
    a = bz.DBN(layers=[6, 3], n_epochs=1, rng=0).fit(X).sample(3, n_gibbs=4)
    b = bz.DBN(layers=[6, 3], n_epochs=1, rng=0).fit(X).sample(3, n_gibbs=4)
    np.testing.assert_array_equal(a, b)


def test_boltzmann_machine_sample_with_rng_none_repeats():
    X = bz.encoder_patterns(4)

    def run():
        bm = bz.BoltzmannMachine(8, 2, schedule=[(2, 20.0), (2, 10.0)], n_stat_sweeps=2, n_epochs=2, rng=3).fit(X)
        return bm.sample(2)

    np.testing.assert_array_equal(run(), run())


def test_noise_ceiling_default_is_rng_none_and_int_keeps_brainscore_splits():
    from neurocomp.analysis import noise_ceiling

    assert inspect.signature(noise_ceiling).parameters["rng"].default is None
    rng = np.random.default_rng(0)
    import xarray as xr

    rec = xr.DataArray(rng.normal(size=(4, 30, 5)) + rng.normal(size=(1, 30, 5)),
                       dims=("repetition", "presentation", "neuroid"),
                       coords={"stimulus_id": ("presentation", np.arange(30))})
    a, b = noise_ceiling(rec, rng=1), noise_ceiling(rec, rng=1)
    np.testing.assert_array_equal(a["ceiling"].values, b["ceiling"].values)
    assert a.attrs["split_seed"] == 1


def test_neural_predictivity_random_state_is_deprecated_for_rng():
    import xarray as xr

    from neurocomp.analysis import neural_predictivity

    rng = np.random.default_rng(0)
    n = 40
    src = xr.DataArray(rng.normal(size=(n, 6)), dims=("presentation", "neuroid"),
                       coords={"stimulus_id": ("presentation", np.arange(n))})
    tgt = xr.DataArray(src.values @ rng.normal(size=(6, 3)) + rng.normal(size=(n, 3)),
                       dims=("presentation", "neuroid"), coords={"stimulus_id": ("presentation", np.arange(n))})
    new = neural_predictivity(src, tgt, "ridge", n_splits=3, stratify_coord=None, rng=4)
    with pytest.warns(DeprecationWarning, match="random_state"):
        old = neural_predictivity(src, tgt, "ridge", n_splits=3, stratify_coord=None, random_state=4)
    np.testing.assert_array_equal(new["r"].values, old["r"].values)
    assert "random_state" not in inspect.signature(neural_predictivity).parameters
    with pytest.raises(TypeError, match="pass 'rng' only"):
        neural_predictivity(src, tgt, "ridge", rng=1, random_state=1)


def test_flip_bits_rng_is_keyword_only_with_a_deprecated_positional_form():
    xi = hf.random_patterns(2, 50, rng=0)
    by_keyword = hf.flip_bits(xi, 0.2, rng=7)
    with pytest.warns(DeprecationWarning, match="rng by position"):
        by_position = hf.flip_bits(xi, 0.2, 7)
    np.testing.assert_array_equal(by_keyword, by_position)
    with pytest.raises(TypeError):
        hf.flip_bits(xi, 0.2, 7, 8)


def test_brian2_seeded_restores_the_global_random_state():
    pytest.importorskip("brian2")
    from neurocomp.random import brian2_seeded

    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    with pytest.raises(RuntimeError):
        with brian2_seeded(1) as seed:
            assert isinstance(seed, int)
            np.random.random(100)  # brian2's numpy target draws from the global state
            raise RuntimeError("restored even after an error")
    np.testing.assert_array_equal(np.random.random(3), expected)


@pytest.mark.spiking
def test_spiking_truth_table_and_recall_leave_the_global_state_alone():
    pytest.importorskip("brian2")
    from neurocomp.gates import spiking_truth_table

    np.random.seed(5)
    expected = np.random.random(2)
    np.random.seed(5)
    a = spiking_truth_table("AND", trials=2, target="numpy", rng=3)
    np.testing.assert_array_equal(np.random.random(2), expected)
    b = spiking_truth_table("AND", trials=2, target="numpy", rng=3)
    np.testing.assert_array_equal(a["output"].values, b["output"].values)

    xi = hf.random_patterns(2, 30, rng=0)
    np.random.seed(5)
    hf.spiking_recall(xi, hf.flip_bits(xi, 0.1, rng=1), duration=0.05, cue_duration=0.02, readout=0.02, rng=2)
    np.testing.assert_array_equal(np.random.random(2), expected)


def test_layer_region_scores_split_seed_replaces_random_state():
    """The splitters' int seed is ``split_seed``; ``random_state`` still works, warns, same numbers."""
    import xarray as xr

    from neurocomp.analysis import layer_region_scores

    rng = np.random.default_rng(3)
    n = 40
    x = rng.normal(size=(n, 4))
    ids = ("presentation", [f"s{i}" for i in range(n)])
    acts = xr.DataArray(np.c_[x, x ** 2], dims=("presentation", "neuroid"),
                        coords={"stimulus_id": ids, "layer": ("neuroid", ["a"] * 4 + ["b"] * 4)})
    y = x[:, :2] @ [[1.0, 0.5], [0.2, 1.0]]
    rec = xr.DataArray(y[None] + 0.5 * rng.normal(size=(3, n, 2)), dims=("repetition", "presentation", "neuroid"),
                       coords={"stimulus_id": ids, "region": ("neuroid", ["R", "R"])})
    kw = dict(n_bootstrap=0, n_splits=3, stratify_coord=None, heldout=False, rng=0)
    new = layer_region_scores(acts, rec, split_seed=5, **kw)
    with pytest.warns(DeprecationWarning, match="random_state"):
        old = layer_region_scores(acts, rec, random_state=5, **kw)
    np.testing.assert_array_equal(new["raw_score"].values, old["raw_score"].values)
    other = layer_region_scores(acts, rec, split_seed=6, **kw)
    assert not np.array_equal(new["raw_score"].values, other["raw_score"].values)
    assert new.attrs["split_seed"] == 5
    assert "random_state" not in inspect.signature(layer_region_scores).parameters
