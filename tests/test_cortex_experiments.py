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
    "n_bootstrap=100",
]


@pytest.fixture(scope="module")
def flagship():
    spec = load_spec(MODELS / "ventral_stream.toml", overrides=SMALL)
    func = _registry.get(spec.experiment)
    return func(**spec.params, rng=spec.seed)


LAYERS = ["conv1", "pool1", "conv2", "pool2", "fc1", "output"]


def test_flagship_measures_the_hierarchy(flagship):
    ds = flagship.dataset
    s = flagship.summary
    # Preferred depth (score-weighted mean layer depth) with paired-bootstrap intervals. At this
    # size and seed 2014 (and seeds 1 and 2, measured) V1 prefers shallower layers than V4 with
    # the interval of the difference excluding 0, while V4 and IT are not separated
    # ("V1 < V4 ~ IT"); see analyses/ventral_stream_seeds.py for the default size over 10 seeds.
    lo = float(ds["depth_difference_low"].sel(network="trained", region_pair="V4-V1"))
    assert lo > 0, s["hierarchy"]
    assert s["hierarchy"].startswith("V1 < V4")
    assert s["preferred_depth_IT"] > s["preferred_depth_V1"]
    # the interval statements agree with the intervals stored
    assert 0 <= s["preferred_depth_V1_ci"][0] <= s["preferred_depth_V1"] <= s["preferred_depth_V1_ci"][1] <= 1
    # training on categories makes the network a better model of V4 and IT, on held-out stimuli
    for r in ("V4", "IT"):
        assert s[f"heldout_score_{r}_trained"] > s[f"heldout_score_{r}_untrained"], r
    # the committed layers are real layers and the selection bias is reported
    assert set(s["committed_layer_IT"]) <= set(LAYERS)
    assert s["selection_bias_IT"] >= 0
    # the network learned the task: above chance by > 5 binomial s.e. on the test images
    n = ds.attrs["n_presentations"]
    chance = ds.attrs["chance_accuracy"]
    assert float(ds["test_accuracy"].sel(network="trained")) > chance + 5 * np.sqrt(chance * (1 - chance) / n)
    assert 0.6 < float(ds["ceiling"].min()) and float(ds["ceiling"].max()) < 0.95


def test_flagship_outputs(flagship):
    res = flagship
    assert set(res.figures) == {"layer_region", "decoding", "stimuli"}
    assert list(res.table.columns) == ["network", "layer", "V1", "V4", "IT"]
    assert res.table["layer"].iloc[-1] == "noise ceiling"
    assert res.summary["normalization"] == "r2_over_ceiling"
    for name, var in res.dataset.data_vars.items():
        assert "units" in var.attrs and "long_name" in var.attrs, name
    assert res.dataset["ceiled_score"].dims == ("network", "layer", "region")
    # decoding drawn with +- its binomial SE over the held-out presentations of each level
    p, se = res.dataset["decoding_accuracy"], res.dataset["decoding_accuracy_se"]
    n = res.dataset.attrs["n_decoding_presentations"]
    assert n == 15 * 8
    np.testing.assert_allclose(se.values, np.sqrt(p.values * (1 - p.values) / n))
    bars = res.figures["decoding"].axes[0].containers
    assert len(bars) == p.sizes["variation"] and all(b.has_yerr for b in bars)


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
@pytest.mark.parametrize("method", ["ridge", "pls"])
def test_bundled_flagship_hierarchy_holds_across_seeds(method):
    # The bundled spec at its default size on 4 seeds not used while building the stream
    # (about 40 s of CPU each). Measured over seeds 1-10 (analyses/ventral_stream_seeds.py):
    # V1 < V4 in preferred depth in every seed, trained > untrained for IT in every seed; the
    # majority threshold (3 of 4) leaves room for one seed in the tail of the spread.
    spec = load_spec(MODELS / "ventral_stream.toml", overrides=["n_bootstrap=100", "save_data=false", f"method='{method}'"])
    func = _registry.get(spec.experiment)
    v1_v4 = it_gain = 0
    for seed in (101, 102, 103, 104):
        s = func(**spec.params, rng=seed).summary
        v1_v4 += s["preferred_depth_V1"] < s["preferred_depth_V4"]
        it_gain += s["heldout_score_IT_trained"] > s["heldout_score_IT_untrained"]
    assert v1_v4 >= 3 and it_gain >= 3, (v1_v4, it_gain)
