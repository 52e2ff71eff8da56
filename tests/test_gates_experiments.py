"""The gates/backprop experiments and their bundled specs."""

from pathlib import Path

import numpy as np
import pytest

from neurocomp.experiments import get
from neurocomp.specs import SpecError, load_spec, run_spec, write_result

MODELS = Path(__file__).resolve().parent.parent / "models"
SPECS = ["mcculloch_pitts_gates", "spiking_gates", "backprop_xor", "backprop_sine", "backprop_donut"]


@pytest.mark.parametrize("name", SPECS)
def test_bundled_specs_validate(name):
    spec = load_spec(MODELS / f"{name}.toml")
    assert spec.experiment == name
    assert spec.seed is not None


def test_mcculloch_pitts_spec_runs_and_writes(tmp_path):
    # a coarser weight grid keeps the test quick; every other parameter is the bundled one
    spec = load_spec(MODELS / "mcculloch_pitts_gates.toml", overrides=["weight_step=0.25"])
    result = run_spec(spec)
    s = result.summary
    assert s["all_truth_tables_exact"] and s["xor_single_unit_solutions"] == 0
    assert s["linearly_separable_functions"] == 14
    assert not s["perceptron_xor_converged"]
    files = {p.name for p in write_result(result, tmp_path, spec)}
    assert {"results.nc", "truth_tables.png", "separability.png", "center_surround.png", "summary.json"} <= files
    assert abs(s["dog_response_inside_square_centre"]) < 1e-3 < s["dog_response_at_square_edge_max"]


@pytest.mark.spiking
def test_spiking_gates_experiment_small():
    res = get("spiking_gates")(gates=["NOT", "XOR"], trials=3, rng=0)
    assert res.summary["min_fraction_correct"] == 1.0
    assert res.dataset.fraction_correct.dims == ("gate", "pattern")
    # NOT has two input patterns; the missing ones are NaN, not invented
    assert np.isnan(res.dataset.fraction_correct.sel(gate="NOT").values[2:]).all()
    assert set(res.dataset.spike_gate.values) == {"NOT", "XOR"}
    assert "raster" in res.figures


def test_backprop_experiments_small():
    xor = get("backprop_xor")(n_seeds=4, n_epochs=300, rng=0)
    assert xor.summary["fraction_seeds_solved"] >= 0.75
    assert xor.dataset.loss.dims == ("trial", "epoch")
    sine = get("backprop_sine")(n_epochs=200, rng=0)
    assert sine.summary["test_mse"] < 0.02
    donut = get("backprop_donut")(n_train=500, n_test=500, n_epochs=40, rng=0)
    assert donut.summary["test_accuracy"] > donut.summary["linear_unit_test_accuracy"]
    assert donut.dataset.test_activations.dims == ("presentation", "neuroid")


def test_bad_spec_values_are_refused():
    with pytest.raises(SpecError, match="parameter 'gates\\[0\\]' must be one of"):
        load_spec(MODELS / "spiking_gates.toml", overrides=['gates=["XNOR"]'])
    with pytest.raises(SpecError, match="jitter' must lie in"):
        load_spec(MODELS / "spiking_gates.toml", overrides=["jitter=10e-3"])
    with pytest.raises(SpecError, match="activation"):
        load_spec(MODELS / "backprop_xor.toml", overrides=['activation="elu"'])


def test_same_seed_same_result():
    a = get("backprop_sine")(n_epochs=20, rng=5).dataset
    b = get("backprop_sine")(n_epochs=20, rng=5).dataset
    c = get("backprop_sine")(n_epochs=20, rng=6).dataset
    assert a.identical(b)
    assert not np.array_equal(a.train_loss.values, c.train_loss.values)
