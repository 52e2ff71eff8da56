"""The flagship's saved data, re-scored by `neurocomp regress`, end to end in subprocesses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from neurocomp.cortex.export import saved_data
from neurocomp.io import load_activations, load_dataset, load_recordings, save_dataset

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "models" / "ventral_stream.toml"

# 12 images per category (the fewest 5 stratified 90/10 splits allow), 24 px, 2 epochs
TINY = [
    "image_size=24", "n_per_category=4", "n_train_per_category=40", "n_epochs=2", "fc_units=64",
    "n_v1=30", "n_v4=30", "n_it=30", "n_splits=5", "n_bootstrap=0",
]


def _run(*args, cwd):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_run_then_regress_reproduces_the_experiments_scores(tmp_path):
    out = tmp_path / "vs"
    sets = [a for kv in TINY for a in ("--set", kv)]
    proc = _run("-m", "neurocomp.cli", "run", str(SPEC), "--out", str(out), *sets, cwd=tmp_path)
    assert "activations.nc" in proc.stdout and "recordings.nc" in proc.stdout
    _run("-m", "neurocomp.cli", "regress", "--model", str(out / "activations.nc"),
         "--recordings", str(out / "recordings.nc"), "--method", "ridge", "--n-splits", "5",
         "--n-bootstrap", "0", "--out", str(tmp_path / "regress"), cwd=tmp_path)

    ran = load_dataset(out / "results.nc")
    again = load_dataset(tmp_path / "regress" / "results.nc")
    # the experiment stored what it scored: 3 regions of 30 neuroids, 6 layers, 96 images
    recs = load_recordings(out / "recordings.nc")
    acts = load_activations(out / "activations.nc")
    assert recs.sizes == {"repetition": 10, "presentation": 96, "neuroid": 90}
    assert sorted(set(recs["region"].values)) == ["IT", "V1", "V4"]
    assert {"object_name", "variation"} <= set(recs.coords)
    layers = ["conv1", "pool1", "conv2", "pool2", "fc1", "output"]
    # the untrained control travels too, so that regress can redo the trained/untrained comparison
    assert list(dict.fromkeys(acts["layer"].values)) == layers + [f"untrained_{x}" for x in layers]
    assert acts.sizes["presentation"] == 96
    # Same method, same splits (both use seed 1 for the splits and the split-half ceiling),
    # same recordings (spike counts / 0.1 s, stored in float32): the ceilings agree
    # exactly and the scores differ only through float32 rounding of the stored
    # activations (relative 2**-24 = 6e-8, rotated into principal components, see
    # neurocomp.cortex.export). Pearson r is a smooth function of its inputs, so the
    # scores agree to ~1e-7 (measured: 6e-9); 1e-5 allows 100 x that and would still
    # catch any real difference (another split, layer or neuroid set moves r by > 1e-3).
    for network, prefix in (("trained", ""), ("untrained", "untrained_")):
        net = ran.sel(network=network)
        for var in ("raw_score", "ceiled_score"):
            a = net[var].transpose("layer", "region")
            names = [prefix + str(x) for x in a["layer"].values]
            b = again[var].sel(layer=names, region=a["region"]).transpose("layer", "region")
            np.testing.assert_allclose(b.values, a.values, rtol=0, atol=1e-5, err_msg=f"{network} {var}")
    np.testing.assert_array_equal(again["ceiling"].sel(region=ran["region"]).values, ran["ceiling"].values)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["params"]["save_data"] is True


def test_saved_data_fit_in_a_few_megabytes_and_unpack_losslessly(rng, tmp_path):
    # the default spec's sizes: 360 images, 300 neuroids x 10 repetitions, 15,624 CNN units
    n, layers = 360, {"conv1": 8 * 32 * 32, "pool1": 8 * 16 * 16, "conv2": 16 * 16 * 16,
                      "pool2": 16 * 8 * 8, "fc1": 256, "output": 8}
    sid = np.array([f"s{i:03d}" for i in range(n)])
    pres = {"stimulus_id": ("presentation", sid), "object_name": ("presentation", np.repeat(list("abcdefgh"), n // 8)),
            "variation": ("presentation", np.tile(["low", "medium", "high"], n // 3))}
    x = np.maximum(rng.standard_normal((n, sum(layers.values()))), 0)  # full rank: the worst case
    acts = xr.DataArray(x.astype(np.float32), dims=("presentation", "neuroid"),
                        coords={**pres, "layer": ("neuroid", np.repeat(list(layers), list(layers.values())))})
    recs = xr.DataArray(rng.poisson(3.0, (10, n, 300)) / 0.2, dims=("repetition", "presentation", "neuroid"),
                        coords={**pres, "region": ("neuroid", np.repeat(["V1", "V4", "IT"], 100))})
    saved = saved_data(recs, acts)
    pcs = saved["activations"]
    # at most n - 1 (centred) components per layer, whatever the layer's width
    per_layer = {k: int((pcs["layer"] == k).sum()) for k in layers}
    assert all(v <= min(n - 1, layers[k]) for k, v in per_layer.items()), per_layer
    # the rotation keeps the Gram matrix of centred rows (what ridge regression sees)
    xc = x[:, :layers["conv1"]] - x[:, :layers["conv1"]].mean(0)
    z = pcs.isel(neuroid=np.flatnonzero(pcs["layer"].values == "conv1")).values.astype(np.float64)
    gram = xc @ xc.T
    np.testing.assert_allclose(z @ z.T, gram, atol=1e-5 * np.abs(gram).max())

    paths = {name: save_dataset(da, tmp_path / f"{name}.nc") for name, da in saved.items()}
    size = sum(p.stat().st_size for p in paths.values())
    a, r = load_activations(paths["activations"]), load_recordings(paths["recordings"])
    assert size < 5e6, size / 1e6  # 3.4 MB for the real default run (15,624 units -> 1,700 columns)
    # stored as float32 (the loaders hand back float64 for the analyses)
    assert all(load_dataset(p)[name].dtype == np.float32 for name, p in paths.items())
    np.testing.assert_array_equal(r.values, recs.values)  # counts / 0.2 s: exact in float32
    np.testing.assert_array_equal(r["region"].values, recs["region"].values)
    np.testing.assert_array_equal(a["stimulus_id"].values, sid)
    assert list(a["layer"].values) == list(pcs["layer"].values)


def test_saved_data_refuses_mismatched_inputs():
    pres = {"stimulus_id": ("presentation", ["a", "b"])}
    recs = xr.DataArray(np.zeros((2, 2, 3)), dims=("repetition", "presentation", "neuroid"), coords=pres)
    acts = xr.DataArray(np.zeros((2, 4)), dims=("presentation", "neuroid"),
                        coords={"stimulus_id": ("presentation", ["b", "a"]), "layer": ("neuroid", ["fc1"] * 4)})
    with pytest.raises(ValueError, match="same stimulus_id values in the same order"):
        saved_data(recs, acts)
    with pytest.raises(ValueError, match=r"activations must be a DataArray with dims \('presentation', 'neuroid'\)"):
        saved_data(recs, acts.T)
