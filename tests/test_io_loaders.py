"""Loaders of activations and recordings: NetCDF, .npz, .mat round trips and bad files."""

import numpy as np
import pytest
import scipy.io
import xarray as xr

from neurocomp.io import load_activations, load_assembly, load_recordings, save_dataset


def recordings(rng, n_reps=3, n_stim=12, n_neur=5):
    return xr.DataArray(
        rng.normal(size=(n_reps, n_stim, n_neur)), dims=("repetition", "presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(n_stim)]),
                "object_name": ("presentation", ["a", "b"] * (n_stim // 2)),
                "neuroid_id": ("neuroid", [f"n{i}" for i in range(n_neur)]),
                "region": ("neuroid", ["V4"] * 2 + ["IT"] * (n_neur - 2)),
                "repetition": np.arange(n_reps)},
        name="recordings",
    )


def activations(rng, n_stim=12, n_units=6):
    return xr.DataArray(
        rng.normal(size=(n_stim, n_units)), dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(n_stim)]),
                "layer": ("neuroid", ["conv1"] * 3 + ["fc"] * (n_units - 3))},
        name="activations",
    )


def test_netcdf_round_trip(tmp_path, rng):
    rec, acts = recordings(rng), activations(rng)
    save_dataset(rec.to_dataset(), tmp_path / "rec.nc")
    save_dataset(acts.to_dataset(), tmp_path / "acts.nc")
    got = load_recordings(tmp_path / "rec.nc")
    assert got.dims == ("repetition", "presentation", "neuroid")
    np.testing.assert_array_equal(got.values, rec.values)
    assert list(got["region"].values) == list(rec["region"].values)
    got = load_activations(tmp_path / "acts.nc")
    np.testing.assert_array_equal(got.values, acts.values)
    assert list(got["layer"].values) == list(acts["layer"].values)


def test_npz_and_mat_round_trip(tmp_path, rng):
    rec = recordings(rng)
    # a plain 3-D array must say which axis is which (issue 14: MATLAB saves neurons x stimuli x trials)
    arrays = dict(responses=rec.values, stimulus_id=rec.stimulus_id.values, region=rec.region.values,
                  neuroid_id=rec.neuroid_id.values, object_name=rec.object_name.values,
                  dims=np.array(["repetition", "presentation", "neuroid"]))
    np.savez(tmp_path / "rec.npz", **arrays)
    scipy.io.savemat(tmp_path / "rec.mat", arrays)
    for name in ("rec.npz", "rec.mat"):
        got = load_recordings(tmp_path / name)
        np.testing.assert_allclose(got.values, rec.values)
        assert list(got["stimulus_id"].values) == list(rec["stimulus_id"].values)
        assert list(got["region"].values) == list(rec["region"].values)


def test_flattened_brainscore_npz_is_reshaped(tmp_path, rng):
    rec = recordings(rng)
    flat = rec.values.reshape(-1, rec.sizes["neuroid"])
    np.savez(tmp_path / "flat.npz", data=flat, stimulus_id=np.tile(rec.stimulus_id.values, 3),
             repetition=np.repeat(np.arange(3), 12))
    got = load_recordings(tmp_path / "flat.npz")
    np.testing.assert_array_equal(got.values, rec.values)
    assert list(got["region"].values) == ["all"] * 5  # no region coord: one region


def test_file_without_the_needed_variables(tmp_path, rng):
    np.savez(tmp_path / "odd.npz", weights=rng.normal(size=(4, 4)), bias=rng.normal(size=(4, 4)))
    with pytest.raises(ValueError, match=r"must hold the recordings as one of the variables .*found \['bias', 'weights'\]"):
        load_recordings(tmp_path / "odd.npz")
    np.savez(tmp_path / "noids.npz", data=rng.normal(size=(4, 3)))
    with pytest.raises(ValueError, match="must hold a 'stimulus_id' array"):
        load_activations(tmp_path / "noids.npz")
    np.savez(tmp_path / "short.npz", data=rng.normal(size=(4, 3)), stimulus_id=np.arange(3))
    with pytest.raises(ValueError, match=r"'stimulus_id' must have one value per presentation \(4\); got 3"):
        load_assembly(tmp_path / "short.npz")
    with pytest.raises(ValueError, match="does not exist"):
        load_recordings(tmp_path / "missing.nc")
    (tmp_path / "junk.nc").write_text("not netcdf")
    with pytest.raises(ValueError, match="NetCDF"):
        load_recordings(tmp_path / "junk.nc")
    with pytest.raises(ValueError, match=r"variable 'x' is not in"):
        load_recordings(tmp_path / "odd.npz", variable="x")


def test_loaded_data_are_validated(tmp_path, rng):
    rec = recordings(rng)
    values = rec.values.copy()
    values[1, 4, 2] = np.nan
    np.savez(tmp_path / "nan.npz", data=values, stimulus_id=rec.stimulus_id.values,
             dims=np.array(["repetition", "presentation", "neuroid"]))
    with pytest.raises(ValueError, match=r"must be finite; got 1 non-finite value\(s\) \(1 NaN, 0 inf\).*stimulus_id='s4'"):
        load_recordings(tmp_path / "nan.npz")
    np.savez(tmp_path / "dup.npz", data=rng.normal(size=(4, 3)), stimulus_id=np.array(["a", "b", "a", "c"]))
    with pytest.raises(ValueError, match=r"unique stimulus_id.*duplicated ids \['a'\]"):
        load_activations(tmp_path / "dup.npz")


def test_nwb_needs_pynwb(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pynwb(name, *args, **kwargs):
        if name == "pynwb":
            raise ImportError("No module named 'pynwb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pynwb)
    (tmp_path / "x.nwb").write_bytes(b"\x89HDF")
    with pytest.raises(ValueError, match="pynwb module is needed: pip install pynwb"):
        load_recordings(tmp_path / "x.nwb")


def test_nwb_spike_counts_per_trial(tmp_path):
    """Rates = spikes in [start, stop) / duration; repetitions numbered per stimulus in trial order."""
    pynwb = pytest.importorskip("pynwb")
    import datetime

    nwb = pynwb.NWBFile(session_description="test", identifier="neurocomp-test",
                        session_start_time=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
    nwb.add_trial_column("stimulus_id", "stimulus shown")
    for k in range(6):
        nwb.add_trial(start_time=float(k), stop_time=k + 0.5, stimulus_id=f"s{k % 3}")
    nwb.add_unit_column("location", "recording site")
    nwb.add_unit(spike_times=[0.1, 0.2, 1.1, 2.3, 2.4, 2.45, 2.7], location="IT")  # 2.7 falls between trials
    nwb.add_unit(spike_times=[3.1, 4.2, 5.3], location="V4")
    with pynwb.NWBHDF5IO(str(tmp_path / "rec.nwb"), "w") as io_:
        io_.write(nwb)
    rec = load_recordings(tmp_path / "rec.nwb")
    assert rec.dims == ("repetition", "presentation", "neuroid")
    expected = np.array([[[4.0, 0.0], [2.0, 0.0], [6.0, 0.0]], [[0.0, 2.0], [0.0, 2.0], [0.0, 2.0]]])
    np.testing.assert_array_equal(rec.values, expected)
    assert list(rec["region"].values) == ["IT", "V4"] and list(rec["stimulus_id"].values) == ["s0", "s1", "s2"]
    assert rec.attrs["units"] == "Hz"
