"""The ventral-stream family: one activation format, the registry, bad input."""

import numpy as np
import pytest
import xarray as xr

from neurocomp._assembly import as_features
from neurocomp._layers import layer_activations
from neurocomp.cortex import object_images
from neurocomp.vision import HMAX, Pixels, V1Like, get_model, model_names


@pytest.fixture(scope="module")
def images():
    return object_images(n_per_category=2, variations=("low",), size=32, rng=7)


def _small(name):
    return {
        "pixels": {},
        "v1_like": {"n_orientations": 4, "wavelengths": (4.0, 8.0)},
        "hmax": {"n_prototypes": 6, "rng": 0},
        "neocognitron": {"rng": 0, "n_epochs": 1},
        "cnn_untrained": {"rng": 0, "fc_units": 8},
        "cnn_trained": {"rng": 0, "fc_units": 8, "n_epochs": 1},
    }[name]


@pytest.mark.parametrize("name", model_names())
def test_every_model_gives_the_shared_format(name, images):
    if name == "neocognitron":
        pytest.importorskip("neurocomp.vision.neocognitron")
    model = get_model(name, **_small(name)).fit(images, images.object_name.values)
    acts = model.activations(images, batch_size=5)
    assert isinstance(acts, xr.DataArray) and acts.name == "activations"
    assert acts.dims == ("presentation", "neuroid") and acts.dtype == np.float32
    assert acts.attrs["units"] == "1" and acts.attrs["long_name"]
    assert list(acts.stimulus_id.values) == list(images.stimulus_id.values)
    assert list(acts.object_name.values) == list(images.object_name.values)
    layers = list(dict.fromkeys(acts.layer.values))
    assert layers == list(model.layer_names_)
    ids = acts.neuroid_id.values
    assert len(set(ids)) == ids.size
    first = acts.sel(neuroid=acts.layer == layers[-1])
    assert first.neuroid_id.values[0] == f"{layers[-1]}.0000"
    np.testing.assert_array_equal(first.unit.values, np.arange(first.sizes["neuroid"]))
    as_features(acts)  # what layer_region_scores and RSA validate
    # batching never changes the numbers; a layer subset is the same numbers
    whole = model.activations(images, layers=layers[-1], batch_size=len(images))
    np.testing.assert_allclose(whole.values, first.values, rtol=1e-5, atol=1e-6)


def test_builder_refuses_what_would_be_ambiguous():
    with pytest.raises(ValueError, match="stimulus_id must be unique"):
        layer_activations({"a": np.zeros((2, 3))}, stimulus_id=["x", "x"])
    with pytest.raises(ValueError, match="layer 'b' has 3"):
        layer_activations({"a": np.zeros((2, 3)), "b": np.zeros((3, 1))})
    with pytest.raises(ValueError, match="one id per row"):
        layer_activations({"a": np.zeros((2, 3))}, stimulus_id=["x"])
    wide = layer_activations({"s1": np.zeros((1, 12345))})
    assert wide.neuroid_id.values[[0, -1]].tolist() == ["s1.00000", "s1.12344"]


def test_registry_names_and_errors():
    assert model_names() == ("pixels", "v1_like", "hmax", "neocognitron", "cnn_untrained", "cnn_trained")
    with pytest.raises(ValueError, match="Allowed values are 'pixels'"):
        get_model("alexnet")
    with pytest.raises(ValueError, match=r"hmax does not take parameters \['depth'\]; valid parameters are"):
        get_model("hmax", depth=3)
    with pytest.raises(ValueError, match="cnn_untrained is never trained"):
        get_model("cnn_untrained", n_epochs=3)
    net = get_model("cnn_trained", depth=4, width=2, n_epochs=1)
    assert net.channels == (2, 4, 8, 8) and net.kernel_sizes == (5, 3, 3, 3)


def test_bad_input_names_the_argument(images):
    hmax = HMAX(n_prototypes=4, rng=0).fit(images)
    with pytest.raises(ValueError, match="images must be at least 22 x 22 pixels for HMAX's 8 C1 bands"):
        HMAX(n_prototypes=2, rng=0).fit(np.zeros((4, 16, 16)))
    with pytest.raises(ValueError, match="images must be 32 x 32 pixels like the images the model was fitted on"):
        hmax.activations(np.zeros((2, 40, 40)))
    with pytest.raises(ValueError, match="images must be a 3-D array .* got one 2-D image"):
        hmax.activations(np.zeros((32, 32)))
    with pytest.raises(ValueError, match="images must be a 3-D array"):
        Pixels().activations(np.zeros((2, 3, 32, 32)))
    with pytest.raises(ValueError, match=r"layers must be among \['s1', 'c1', 's2', 'c2'\]; got unknown 'c3'"):
        hmax.activations(images, layers=["c1", "c3"])
    with pytest.raises(ValueError, match=r"images must hold at least n_prototypes \(20\) images .* got 16"):
        HMAX(n_prototypes=20, rng=0).fit(images)
    with pytest.raises(ValueError, match=r"patch_sizes \[8\] do not fit in any C1 map"):
        HMAX(patch_sizes=(8,), n_prototypes=2, rng=0).fit(images)
    with pytest.raises(ValueError, match="not fitted yet"):
        HMAX().activations(images)
    with pytest.raises(ValueError, match="images must be finite"):
        V1Like().activations(np.full((1, 8, 8), np.nan))
    with pytest.raises(ValueError, match="wavelengths must be"):
        V1Like(wavelengths=(1.0,)).activations(images)


def test_bundled_specs_validate():
    from pathlib import Path

    from neurocomp.specs import load_spec

    root = Path(__file__).resolve().parents[1]
    for name in ("hmax", "neocognitron_digits"):
        assert load_spec(root / "models" / f"{name}.toml").experiment == name


def test_experiments_run_small_and_report_the_science():
    import matplotlib

    from neurocomp.experiments import get

    res = get("hmax")(image_size=32, n_images=6, n_prototypes=4, shifts=[0, 4], rng=1)
    sim = res.dataset["similarity"]
    assert float(sim.sel(shift=0).min()) == pytest.approx(1.0)
    # C2, a global MAX, keeps more of the response to a moved scene than S1
    assert float(sim.sel(layer="c2", shift=4)) > float(sim.sel(layer="s1", shift=4))
    res2 = get("neocognitron_digits")(n_train=200, n_epochs=1, n_patches=1000, n_planes=[4, 8, 8], max_shift=2, rng=1)
    acc = res2.dataset["accuracy"]
    assert float(acc.sel(model="Neocognitron", shift=0)) > 0.3  # chance 0.1
    for r in (res, res2):
        assert all(isinstance(f, matplotlib.figure.Figure) for f in r.figures.values())
        for v in r.dataset.data_vars.values():
            assert v.attrs.get("units") and v.attrs.get("long_name")
    with pytest.raises(ValueError, match="image_size \\+ max\\(shifts\\) must be <= 64 px"):
        get("hmax")(image_size=60, shifts=[0, 8], rng=1)


def test_every_model_is_scored_against_the_simulated_stream_unchanged():
    from neurocomp.analysis import compare_rdms, layer_region_scores, rdm
    from neurocomp.cortex import ventral_recordings

    images = object_images(n_per_category=3, variations=("low", "medium"), size=32, rng=3)
    train = object_images(n_per_category=3, variations=("low",), size=32, rng=4)
    rec = ventral_recordings(images, n_v1=8, n_v4=8, n_it=8, n_repetitions=2, rng=5)
    it = rdm(rec.mean("repetition").sel(neuroid=rec.region == "IT"), metric="euclidean")
    for name in model_names():
        model = get_model(name, **_small(name)).fit(train, train.object_name.values)
        layers = list(model.layer_names_)[-2:]
        acts = model.activations(images, layers=layers)
        scores = layer_region_scores(acts, rec, n_splits=2, train_size=0.5, n_bootstrap=0, rng=0)
        assert list(scores.layer.values) == layers and list(scores.region.values) == ["V1", "V4", "IT"]
        assert np.isfinite(scores["raw_score"].values).all(), name
        r = float(compare_rdms(rdm(acts.sel(neuroid=acts.layer == layers[-1]), metric="euclidean"), it))
        assert -1 <= r <= 1


def test_hmax_prototypes_are_c1_patches_of_distinct_images_and_reproducible(rng):
    x = rng.random((8, 32, 32))
    model = HMAX(n_prototypes=6, rng=3).fit(x)
    again = HMAX(n_prototypes=6, rng=3).fit(x)
    for a, b in zip(model.prototypes_, again.prototypes_):
        np.testing.assert_array_equal(a, b)
    _, c1 = model.s1_c1(x)
    sources = []
    for protos, bands in zip(model.prototypes_, model.prototype_band_):
        p = protos.shape[-1]
        for proto, band in zip(protos, bands):
            win = np.lib.stride_tricks.sliding_window_view(c1[band], (p, p), axis=(2, 3))  # n, O, y, x, p, p
            match = np.all(np.abs(win - proto[None, :, None, None]) < 1e-12, axis=(1, 4, 5))
            images = np.flatnonzero(match.any(axis=(1, 2)))
            assert images.size >= 1
            sources.append(int(images[0]))
    assert len(set(sources)) == 6  # one image per prototype (Serre et al. 2007)
