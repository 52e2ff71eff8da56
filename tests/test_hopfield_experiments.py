"""Hopfield experiments, specs and figures."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from neurocomp import hopfield as hf
from neurocomp.plotting import hopfield as hplot
from neurocomp.specs import load_spec, run_spec, write_result

ROOT = Path(__file__).resolve().parents[1]


def test_hopfield1982_spec_recalls_letters(tmp_path):
    spec = load_spec(ROOT / "models" / "hopfield1982.toml")
    result = run_spec(spec)
    assert result.summary["mean_cued_overlap"] == 1.0
    assert result.dataset.attrs["seed"] == 1982
    written = write_result(result, tmp_path, spec)
    assert {p.name for p in written} >= {"results.nc", "recall.png", "dynamics.png", "summary.json"}


def test_hopfield1982_similar_letters_fail_with_hebb_but_not_pseudoinverse():
    from neurocomp.experiments import get

    run = get("hopfield1982")
    hebb = run(letters="HOPF", rule="hebb", rng=1)
    pinv = run(letters="HOPF", rule="pseudoinverse", rng=1)
    assert hebb.summary["fraction_recalled_exactly"] < 0.5
    assert pinv.summary["mean_cued_overlap"] > hebb.summary["mean_cued_overlap"]


def test_capacity_experiment_small(tmp_path):
    spec = load_spec(
        ROOT / "analyses" / "hopfield_capacity.toml",
        overrides=["n_neurons=200", "loads=[0.05, 0.4]", "trials=1", "n_cues=5"],
    )
    result = run_spec(spec, seed=3)
    ds = result.dataset
    assert ds.mean_overlap.dims == ("load",)
    np.testing.assert_allclose(ds["load"].values, [0.05, 0.4])
    assert ds.mean_overlap.values[0] > 0.95 and ds.mean_overlap.values[1] < 0.6
    assert set(result.table.columns) >= {"load", "mean_overlap", "theory_one_step"}
    write_result(result, tmp_path, spec)
    assert (tmp_path / "capacity.png").exists()


def test_bad_spec_values_are_refused():
    from neurocomp.specs import SpecError

    with pytest.raises(SpecError, match="flip_fraction"):
        load_spec(ROOT / "models" / "hopfield1982.toml", overrides=["flip_fraction=0.9"])
    with pytest.raises(SpecError, match="rule"):
        load_spec(ROOT / "models" / "hopfield1982.toml", overrides=["rule='oja'"])


@pytest.mark.spiking
def test_spiking_experiment_short():
    from neurocomp.experiments import get

    result = get("spiking_hopfield")(n_neurons=100, n_patterns=2, n_cues=1, duration=0.15, rng=4)
    assert result.summary["mean_spiking_overlap"] >= 0.9
    assert "spiking_recall" in result.figures


def test_plot_functions_label_axes():
    xi, shape = hf.letter_patterns("AB")
    net = hf.Hopfield(xi.shape[1]).store(xi)
    res = net.recall(hf.flip_bits(xi, 0.1, rng=0), rng=0)
    ax = hplot.plot_patterns(xi, shape=shape, titles=["A", "B"])
    assert ax.get_xticks().size == 0
    ax = hplot.plot_recall(res, shape=shape, stored=xi)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["stored", "cue", "recalled"]
    ax = hplot.plot_overlap_trajectory(res)
    assert "overlap" in ax.get_ylabel() and "sweep" in ax.get_xlabel()
    ax = hplot.plot_energy_trajectory(res)
    assert "energy" in ax.get_ylabel()
    curve = hf.capacity_curve(100, [0.05, 0.2], trials=1, n_cues=3, rng=0)
    ax = hplot.plot_capacity(curve)
    assert "load α" in ax.get_xlabel() and "error" in ax.get_ylabel() and "[1]" not in ax.get_ylabel()
    basins = hf.basins_of_attraction(net, [0.0, 0.3], n_cues=4, rng=0)
    ax = hplot.plot_basins(basins)
    assert "flipped" in ax.get_xlabel()
    with pytest.raises(ValueError, match="shape must be"):
        hplot.plot_patterns(xi, shape=(3, 3))
    plt.close("all")
