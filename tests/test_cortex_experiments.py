"""The bundled cortex specs: the flagship's layer-to-area hierarchy, V1 tuning, bad input."""

from pathlib import Path

import numpy as np
import pytest

from neurocomp.experiments import _registry
from neurocomp.specs import SpecError, load_spec

MODELS = Path(__file__).resolve().parents[1] / "models"

# A smaller configuration of models/ventral_stream.toml (fewer images, neuroids, splits).
SMALL = [
    "n_per_category=15",
    "n_train_per_category=100",
    "n_v1=60",
    "n_v4=60",
    "n_it=60",
    "n_splits=5",
    "n_bootstrap=0",
]


@pytest.fixture(scope="module")
def flagship():
    spec = load_spec(MODELS / "ventral_stream.toml", overrides=SMALL)
    func = _registry.get(spec.experiment)
    return func(**spec.params, rng=spec.seed)


LAYERS = ["conv1", "pool1", "conv2", "pool2", "fc1", "output"]


def test_flagship_recovers_the_ventral_hierarchy(flagship):
    ds = flagship.dataset
    trained = ds["ceiled_score"].sel(network="trained")
    best = {r: str(trained.sel(region=r).idxmax("layer").values) for r in ("V1", "V4", "IT")}
    # V1 best predicted by the first stage, V4 by the second, IT by the dense top.
    # Nothing in the simulated areas refers to the network: this can fail. At this size the
    # V4 peak is the least certain of the three: with seeds 2014, 1 and 2 it fell on pool2,
    # pool1 and pool2 (V1: pool1, conv1, pool1; IT: fc1 each time), so the check is seeded.
    assert best["V1"] in ("conv1", "pool1"), best
    assert best["V4"] in ("conv2", "pool2"), best
    assert best["IT"] in ("fc1", "output"), best
    order = [LAYERS.index(best[r]) for r in ("V1", "V4", "IT")]
    assert order == sorted(order)
    # training on categories makes the network a better model of IT
    it_trained = float(trained.sel(region="IT").max())
    it_untrained = float(ds["ceiled_score"].sel(network="untrained", region="IT").max())
    assert it_trained > it_untrained
    # the network learned the task: above chance by > 5 binomial s.e. on the test images
    n = ds.attrs["n_presentations"]
    chance = ds.attrs["chance_accuracy"]
    assert float(ds["test_accuracy"].sel(network="trained")) > chance + 5 * np.sqrt(chance * (1 - chance) / n)
    assert 0.5 < float(ds["ceiling"].min()) <= 1.0


def test_flagship_outputs(flagship):
    res = flagship
    assert set(res.figures) == {"layer_region", "decoding", "stimuli"}
    assert list(res.table.columns) == ["network", "layer", "V1", "V4", "IT"]
    assert res.table["layer"].iloc[-1] == "noise ceiling"
    assert res.summary["normalization"] == "r2_over_ceiling"
    for name, var in res.dataset.data_vars.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name
    assert res.dataset["ceiled_score"].dims == ("network", "layer", "region")


def test_gratings_v1_matches_theory():
    spec = load_spec(MODELS / "gratings_v1.toml", overrides=["n_v1=16", "orientation_step=5.0"])
    res = _registry.get(spec.experiment)(**spec.params, rng=spec.seed)
    s = res.summary
    # HWHH from 5-degree samples by linear interpolation: within 1 deg of the Gabor value
    assert s["hwhh_median_deg"] == pytest.approx(s["hwhh_theory_deg"], abs=1.0)
    assert s["f1_f0_simple_median"] == pytest.approx(16 / (3 * np.pi), rel=0.03)
    assert s["f1_f0_complex_max"] < 0.1
    assert 0.0 < s["c50_simple"] < 1.0


def test_ventral_stream_bad_input():
    func = _registry.get("ventral_stream")
    with pytest.raises(ValueError, match="n_per_category x len\\(variations\\) must be >= 10"):
        func(n_per_category=3, variations=["high"], rng=0)
    with pytest.raises(ValueError, match="image_size must be divisible by 4"):
        func(image_size=30, rng=0)
    with pytest.raises(ValueError, match="variations must be distinct levels"):
        func(variations=["low", "extreme"], rng=0)
    with pytest.raises(SpecError, match="duration"):
        load_spec(MODELS / "ventral_stream.toml", overrides=["duration=-0.2"])
    with pytest.raises(SpecError, match="method"):
        load_spec(MODELS / "ventral_stream.toml", overrides=["method='lasso'"])


@pytest.mark.slow
def test_bundled_flagship_spec_recovers_the_hierarchy():
    # the spec exactly as bundled (about 30 s of CPU), less the bootstrap
    spec = load_spec(MODELS / "ventral_stream.toml", overrides=["n_bootstrap=0"])
    ds = _registry.get(spec.experiment)(**spec.params, rng=spec.seed).dataset
    trained = ds["ceiled_score"].sel(network="trained")
    best = {r: str(trained.sel(region=r).idxmax("layer").values) for r in ("V1", "V4", "IT")}
    assert best["V1"] in ("conv1", "pool1") and best["V4"] in ("conv2", "pool2") and best["IT"] in ("fc1", "output"), best
    assert float(trained.sel(region="IT").max()) > float(ds["ceiled_score"].sel(network="untrained", region="IT").max())
