"""Bad input to neurocomp.analysis and the `neurocomp regress` command line."""

import json
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from neurocomp.analysis import (
    PLSMapping,
    RidgeMapping,
    ceil_score,
    layer_region_scores,
    neural_predictivity,
    noise_ceiling,
)
from neurocomp.io import save_dataset

from test_analysis import make_data


@pytest.fixture
def data(rng):
    rec, acts, _ = make_data(rng, n_stimuli=60, n_neuroids=8, n_features=6)
    return rec, acts


def test_nan_and_inf_are_located(data):
    rec, acts = data
    bad = acts.copy()
    bad[3, 1] = np.nan
    bad[7, 2] = np.inf
    with pytest.raises(ValueError, match=r"source must be finite; got 2 non-finite value\(s\) \(1 NaN, 1 inf\) "
                                         r"in 2 of 60 presentations, first at stimulus_id='im0003'"):
        neural_predictivity(bad, rec)
    rec_bad = rec.copy()
    rec_bad[0, 5, 0] = np.nan
    with pytest.raises(ValueError, match=r"target must be finite.*stimulus_id='im0005', neuroid_id='n0'"):
        neural_predictivity(acts, rec_bad)


def test_missing_stimulus_ids_are_listed(data):
    rec, acts = data
    renamed = acts.assign_coords(stimulus_id=("presentation", [f"x{i}" for i in range(60)]))
    with pytest.raises(ValueError, match=r"source must contain every stimulus_id of target; 60 of 60 are missing, "
                                         r"e\.g\. \['im0000', 'im0001'"):
        neural_predictivity(renamed, rec)
    with pytest.raises(ValueError, match=r"5 of 60 are missing"):
        neural_predictivity(acts.isel(presentation=slice(5, None)), rec)


def test_duplicated_stimulus_ids(data):
    rec, acts = data
    ids = acts.stimulus_id.values.copy()
    ids[1] = ids[0]
    with pytest.raises(ValueError, match=r"source must have unique stimulus_id.*duplicated ids \['im0000'\]"):
        neural_predictivity(acts.assign_coords(stimulus_id=("presentation", ids)), rec)


def test_no_stimulus_id_and_wrong_dims(data, rng):
    rec, acts = data
    with pytest.raises(ValueError, match="must carry a 'stimulus_id' coordinate on 'presentation'"):
        neural_predictivity(acts.drop_vars("stimulus_id"), rec)
    with pytest.raises(ValueError, match=r"source must have dims \(presentation x neuroid\); got \('a', 'b'\)"):
        neural_predictivity(xr.DataArray(np.zeros((3, 2)), dims=("a", "b")), rec)
    with pytest.raises(TypeError, match="source must be an xarray DataArray"):
        neural_predictivity(np.zeros((60, 3)), rec)


def test_too_few_repetitions_for_a_ceiling(data):
    rec, _ = data
    with pytest.raises(ValueError, match=r"at least 2 repetitions per stimulus .* got 1"):
        noise_ceiling(rec.isel(repetition=[0]))
    with pytest.raises(ValueError, match=r"at least 2 repetitions"):
        noise_ceiling(rec.mean("repetition"))


def test_fewer_stimuli_than_folds(data):
    rec, acts = data
    small = rec.isel(presentation=slice(0, 6))
    with pytest.raises(ValueError, match=r"target must have at least n_splits=10 stimuli to cross-validate over; got 6"):
        neural_predictivity(acts, small, "ridge", stratify_coord=None)
    with pytest.raises(ValueError, match=r"leaves .* test stimuli"):
        neural_predictivity(acts, rec, "ridge", train_size=0.99, stratify_coord=None)


def test_unknown_layer_region_and_options(data):
    rec, acts = data
    with pytest.raises(ValueError, match=r"layer 'fc9' does not exist in activations; valid layer values are "
                                         r"\['perfect', 'noise'\]"):
        layer_region_scores(acts, rec, layers=["fc9"], n_bootstrap=0)
    with pytest.raises(ValueError, match=r"region 'V1' does not exist in recordings; valid region values are "
                                         r"\['V4', 'IT'\]"):
        layer_region_scores(acts, rec, regions=["V1"], n_bootstrap=0)
    with pytest.raises(ValueError, match="Invalid value for the 'method' parameter. Allowed values are 'pls' and "
                                         "'ridge', but got 'lasso' instead."):
        neural_predictivity(acts, rec, "lasso")
    with pytest.raises(ValueError, match="'normalization' parameter"):
        layer_region_scores(acts, rec, normalization="r_over_ceiling")
    with pytest.raises(ValueError, match="'normalization' parameter"):
        ceil_score(0.5, 0.5, "r")
    with pytest.raises(ValueError, match=r"train_size must lie in \(0, 1\)"):
        neural_predictivity(acts, rec, train_size=1.0)
    with pytest.raises(ValueError, match="must carry a 'layer' coordinate"):
        layer_region_scores(acts.drop_vars("layer"), rec)


def test_mapping_estimators_refuse_bad_input(rng):
    with pytest.raises(ValueError, match="not fitted yet"):
        RidgeMapping().predict(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"X and Y must have the same number of samples"):
        PLSMapping().fit(np.zeros((5, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="alphas must be a non-empty list of positive numbers"):
        RidgeMapping(alphas=[1.0, -1.0]).fit(rng.normal(size=(5, 2)), rng.normal(size=(5, 1)))
    with pytest.raises(ValueError, match="X must be finite"):
        RidgeMapping().fit(np.array([[np.nan, 1], [1, 2], [3, 4]]), np.zeros(3))


# ----------------------------------------------------------------------------- command line

def _regress(*args, cwd):
    return subprocess.run([sys.executable, "-m", "neurocomp.cli", "regress", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_regress_cli_writes_results_and_table(tmp_path, rng):
    rec, acts, _ = make_data(rng, n_stimuli=80, n_neuroids=10, n_features=6)
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    out = tmp_path / "out"
    proc = _regress("--model", "acts.nc", "--recordings", "rec.nc", "--n-bootstrap", "50", "--out", str(out),
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "ceiling" in proc.stdout and "perfect" in proc.stdout and "best layer: V4 -> perfect" in proc.stdout
    assert {p.name for p in out.iterdir()} == {"results.nc", "layer_region_scores.png", "summary.json"}
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf").load()
    assert ds.attrs["normalization"] == "r2_over_ceiling" and ds.attrs["experiment"] == "regress"
    assert ds["ceiled_score"].dims == ("layer", "region")
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["ceiling"]) == {"V4", "IT"}


def test_regress_cli_user_errors_exit_2(tmp_path, rng, capsys):
    rec, acts, _ = make_data(rng, n_stimuli=40, n_neuroids=4, n_features=4)
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    np.savez(tmp_path / "weights.npz", w=rng.normal(size=(3, 3)), b=rng.normal(size=(3, 3)))
    proc = _regress("--model", "weights.npz", "--recordings", "rec.nc", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "found ['b', 'w']" in proc.stderr and "Traceback" not in proc.stderr
    # the same path in-process (no interpreter start-up): one stderr line, exit 2, no output folder
    from neurocomp.cli import main

    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    for args, message in [
        (["--model", str(tmp_path / "nope.nc"), "--recordings", str(tmp_path / "rec.nc")], "does not exist"),
        (["--model", str(tmp_path / "acts.nc"), "--recordings", str(tmp_path / "rec.nc"), "--layers", "fc9"],
         "layer 'fc9' does not exist"),
        (["--model", str(tmp_path / "rec.nc"), "--recordings", str(tmp_path / "rec.nc")],
         "must have dims (presentation x neuroid)"),
        (["--model", str(tmp_path / "acts.nc"), "--recordings", str(tmp_path / "rec.nc"), "--n-bootstrap", "-1"],
         "--n-bootstrap must be >= 0"),
    ]:
        assert main(["regress", *args, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()
