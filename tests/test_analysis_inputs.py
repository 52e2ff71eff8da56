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
    with pytest.raises(ValueError, match="penalties must be a non-empty list of positive numbers"):
        RidgeMapping(penalties=[1.0, -1.0]).fit(rng.normal(size=(5, 2)), rng.normal(size=(5, 1)))
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


# ----------------------------------------------------------------------------- issue 14: regress's contract


@pytest.fixture
def matlab_files(tmp_path, rng):
    """The same recordings saved three ways: NetCDF (named dims), and MATLAB's neurons x stimuli x trials
    in a .mat without and with a 'dims' array."""
    import scipy.io

    rec, acts, _ = make_data(rng, n_stimuli=60, n_neuroids=6, n_reps=12, n_features=6, regions=("IT",))
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    mat = rec.transpose("neuroid", "presentation", "repetition").values  # 6 x 60 x 12
    ids = rec["stimulus_id"].values
    scipy.io.savemat(tmp_path / "rec.mat", {"recordings": mat, "stimulus_id": ids})
    scipy.io.savemat(tmp_path / "rec_dims.mat", {"recordings": mat, "stimulus_id": ids,
                                                 "dims": np.array(["neuroid", "presentation", "repetition"],
                                                                  dtype=object)})
    return tmp_path


def _main(capsys, *args):
    from neurocomp.cli import main

    rc = main(["regress", *map(str, args), "--n-bootstrap", "0", "--quiet"])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_an_unnamed_3d_array_is_refused_with_its_shape_and_how_to_name_it(matlab_files, capsys):
    d = matlab_files
    rc, _, err = _main(capsys, "--model", d / "acts.nc", "--recordings", d / "rec.mat", "--out", d / "o")
    assert rc == 2 and err.count("\n") == 1, err
    assert "3-D array of shape (6, 60, 12) whose dims are not named" in err
    assert "--dims neuroid,presentation,repetition" in err and "stimulus_id has 60 values (axis 1)" in err
    assert not (d / "o").exists()


def test_named_dims_give_the_same_scores_as_the_netcdf_file(matlab_files, capsys):
    d = matlab_files
    assert _main(capsys, "--model", d / "acts.nc", "--recordings", d / "rec.nc", "--out", d / "nc")[0] == 0
    assert _main(capsys, "--model", d / "acts.nc", "--recordings", d / "rec.mat", "--dims",
                 "neuroid,presentation,repetition", "--out", d / "flag")[0] == 0
    assert _main(capsys, "--model", d / "acts.nc", "--recordings", d / "rec_dims.mat", "--out", d / "file")[0] == 0
    ref = xr.open_dataset(d / "nc" / "results.nc", engine="h5netcdf").load()
    for name in ("flag", "file"):
        got = xr.open_dataset(d / name / "results.nc", engine="h5netcdf").load()
        np.testing.assert_allclose(got["ceiled_score"].values, ref["ceiled_score"].values, rtol=1e-10)
        np.testing.assert_allclose(got["ceiling"].values, ref["ceiling"].values, rtol=1e-10)
    assert float(ref["ceiling"].max()) > 0.5  # the right reading has a real ceiling (the wrong one had ~0)


def test_transposed_2d_array_and_bad_dims_are_named(tmp_path, rng):
    from neurocomp.io import load_activations, load_recordings

    ids = np.array([f"s{i}" for i in range(8)])
    np.savez(tmp_path / "t.npz", data=rng.normal(size=(5, 8)), stimulus_id=ids)
    with pytest.raises(ValueError, match=r"one value per presentation \(5\); got 8 -- it matches axis 1.*"
                                         r"name its axes in order with dims neuroid,presentation"):
        load_activations(tmp_path / "t.npz")
    assert load_activations(tmp_path / "t.npz", dims="neuroid,presentation").dims == ("presentation", "neuroid")
    np.savez(tmp_path / "r.npz", data=rng.normal(size=(3, 8, 5)), stimulus_id=ids)
    with pytest.raises(ValueError, match=r"dims must name each axis once"):
        load_recordings(tmp_path / "r.npz", dims="trial,presentation,neuroid")
    with pytest.raises(ValueError, match=r"dims must name all 3 axes"):
        load_recordings(tmp_path / "r.npz", dims="presentation,neuroid")
    with pytest.raises(ValueError, match=r"'stimulus_id' must have one value per presentation \(3\); got 8 "
                                         r"\(dims read as presentation,repetition,neuroid"):
        load_recordings(tmp_path / "r.npz", dims="presentation,repetition,neuroid")
    # a NetCDF variable with unnamed (default) dims
    save_dataset(xr.Dataset({"recordings": (("dim_0", "dim_1", "dim_2"), rng.normal(size=(3, 8, 5)))},
                            coords={"stimulus_id": ("dim_1", ids)}), tmp_path / "u.nc")
    with pytest.raises(ValueError, match=r"has dims \('dim_0', 'dim_1', 'dim_2'\) \(shape \(3, 8, 5\)\), not named"):
        load_recordings(tmp_path / "u.nc")
    got = load_recordings(tmp_path / "u.nc", dims="repetition,presentation,neuroid")
    assert got.sizes == {"repetition": 3, "presentation": 8, "neuroid": 5}


def test_integer_and_string_stimulus_ids_say_the_types_differ(data):
    rec, acts = data
    as_int = acts.assign_coords(stimulus_id=("presentation", np.arange(acts.sizes["presentation"])))
    with pytest.raises(ValueError, match=r"stimulus_id types differ: source has integer ids \(e\.g\. \[0, 1, 2\]\) "
                                         r"and target has string ids \(e\.g\. \['im0000'"):
        neural_predictivity(as_int, rec)


def test_complex_data_are_refused_not_cast(data, tmp_path, capsys):
    rec, acts = data
    with pytest.raises(TypeError, match=r"source must hold real numbers; got complex values"):
        neural_predictivity(acts * (1 + 1j), rec)
    np.savez(tmp_path / "c.npz", activations=acts.values * 1j, stimulus_id=acts.stimulus_id.values)
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    rc, _, err = _main(capsys, "--model", tmp_path / "c.npz", "--recordings", tmp_path / "rec.nc", "--out",
                       tmp_path / "o")
    assert rc == 2 and err.count("\n") == 1 and "must hold real numbers; got complex values" in err


def test_constant_recordings_are_an_error_and_constant_neuroids_one_warning(data, tmp_path, capsys):
    rec, acts = data
    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    save_dataset(xr.full_like(rec, 1.0).rename("recordings").to_dataset(), tmp_path / "const.nc")
    rc, out, err = _main(capsys, "--model", tmp_path / "acts.nc", "--recordings", tmp_path / "const.nc", "--out",
                         tmp_path / "o")
    assert rc == 2 and err.count("\n") == 1 and "recordings are constant" in err, err
    assert not (tmp_path / "o").exists()
    part = rec.copy()
    part[:, :, [1, 5]] = 2.5  # two neuroids that never change
    save_dataset(part.rename("recordings").to_dataset(), tmp_path / "part.nc")
    rc, out, err = _main(capsys, "--model", tmp_path / "acts.nc", "--recordings", tmp_path / "part.nc", "--out",
                         tmp_path / "p")
    assert rc == 0, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "2 of 8 neuroids are constant" in lines[0] and "['n1', 'n5']" in lines[0], err
    ds = xr.open_dataset(tmp_path / "p" / "results.nc", engine="h5netcdf").load()
    # the constant neuroids' held-out r is NaN (labelled), the others are scored
    r = ds["neuroid_r"].sel(layer="perfect")
    assert np.isnan(r.values[[1, 5]]).all() and np.isfinite(np.delete(r.values, [1, 5])).all()
    assert np.isfinite(ds["ceiled_score"].sel(layer="perfect")).all()
    from neurocomp._validation import NeurocompWarning

    with pytest.warns(NeurocompWarning, match="2 of 8 neuroids are constant") as record:
        noise_ceiling(part)
    assert len(record) == 1


def test_method_typo_and_single_repetition_are_one_line(data, tmp_path, capsys):
    rec, acts = data
    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    with pytest.raises(SystemExit) as info:
        _main(capsys, "--model", tmp_path / "acts.nc", "--recordings", tmp_path / "rec.nc", "--method", "plss")
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "invalid choice: 'plss'" in err and "usage" not in err
    save_dataset(rec.isel(repetition=[0]).rename("recordings").to_dataset(), tmp_path / "one.nc")
    rc, _, err = _main(capsys, "--model", tmp_path / "acts.nc", "--recordings", tmp_path / "one.nc", "--out",
                       tmp_path / "o")
    assert rc == 2 and err.count("\n") == 1, err
    assert "at least 2 repetitions per stimulus for a split-half noise ceiling; got 1" in err
    assert "a ceiling cannot be computed from trial-averaged data" in err


def test_regress_hostile_files_and_values_are_one_line(data, tmp_path, capsys):
    import os

    import h5netcdf

    rec, acts = data
    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo.nc")
    (tmp_path / "text.npz").write_text("not a zip")
    (tmp_path / "cut.mat").write_bytes(b"MATLAB 5.0 MAT-file" + b"\0" * 20)
    with h5netcdf.File(tmp_path / "huge.nc", "w") as f:  # declares 8 TB, holds nothing
        f.dimensions = {"repetition": 100, "presentation": 100_000, "neuroid": 100_000}
        f.create_variable("recordings", ("repetition", "presentation", "neuroid"), float, chunks=(1, 100, 100))
    acts_nc, rec_nc = tmp_path / "acts.nc", tmp_path / "rec.nc"
    cases = [
        (["--recordings", rec_nc, "--n-bootstrap", "1000000000"], "--n-bootstrap must be <= 100,000"),
        (["--recordings", rec_nc, "--n-splits", "5000"], "--n-splits must be <= 1,000"),
        (["--recordings", rec_nc, "--seed", str(2**70)], "--seed must be an integer in 0..2**63-1"),
        (["--recordings", tmp_path / "folder"], "--recordings must be a file (e.g. RUN/recordings.nc); got the folder"),
        (["--recordings", tmp_path / "fifo.nc"], "is not one (a FIFO, socket or device)"),
        (["--recordings", tmp_path / "text.npz"], "must be a .npz file (a zip archive of arrays"),
        (["--recordings", tmp_path / "cut.mat"], "must be a readable .mat file"),
        (["--recordings", tmp_path / "huge.nc"], "would need 7.3 TiB in memory"),
    ]
    from neurocomp.cli import main

    for args, message in cases:
        rc = main(["regress", "--model", str(acts_nc), *map(str, args), "--out", str(tmp_path / "o"), "--quiet"])
        err = capsys.readouterr().err
        assert rc == 2 and message in err and err.count("\n") == 1, (args, err)
    assert not (tmp_path / "o").exists()


def test_regress_out_that_is_a_file_is_refused_before_the_work(data, tmp_path, capsys):
    rec, acts = data
    save_dataset(acts.rename("activations").to_dataset(), tmp_path / "acts.nc")
    save_dataset(rec.rename("recordings").to_dataset(), tmp_path / "rec.nc")
    rc, out, err = _main(capsys, "--model", tmp_path / "acts.nc", "--recordings", tmp_path / "rec.nc", "--out",
                         tmp_path / "acts.nc")
    assert rc == 2 and err.count("\n") == 1 and "is a file, not a folder" in err
