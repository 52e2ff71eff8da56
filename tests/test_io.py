"""Atomic writes and provenance."""

import json

import numpy as np
import pytest
import xarray as xr

from neurocomp import io


def _dataset(values):
    return xr.Dataset({"v": ("x", np.asarray(values, float), {"units": "s"})}, coords={"x": np.arange(len(values))})


def test_roundtrip_with_provenance(tmp_path):
    path = io.save_dataset(_dataset([1, 2, 3]), tmp_path / "a.nc", attrs=io.provenance_attrs(seed=7, spec={"n": 3}))
    ds = io.load_dataset(path)
    assert ds.attrs["seed"] == 7 and json.loads(ds.attrs["spec"]) == {"n": 3}
    assert ds.attrs["neurocomp_version"] and ds.attrs["created"].endswith("+00:00")
    np.testing.assert_array_equal(ds.v, [1, 2, 3])
    assert ds.v.attrs["units"] == "s"


def test_bool_and_string_variables_survive(tmp_path):
    ds = xr.Dataset({"ok": ("c", [True, False])}, coords={"c": ["a", "b"]}, attrs={"flag": True, "cfg": {"k": 1}})
    back = io.load_dataset(io.save_dataset(ds, tmp_path / "b.nc"))
    assert back.ok.dtype == bool and list(back.c.values) == ["a", "b"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_interrupted_write_keeps_old_file(tmp_path, monkeypatch, exc):
    path = tmp_path / "results.nc"
    io.save_dataset(_dataset([1.0]), path)

    original = xr.Dataset.to_netcdf

    def half_write(self, target=None, *args, **kwargs):
        if target is not None:  # (small datasets are encoded in memory, without a target)
            with open(target, "wb") as fh:
                fh.write(b"\x89HDF partial")
        raise exc("interrupted")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", half_write)
    with pytest.raises(exc):
        io.save_dataset(_dataset([5.0, 6.0]), path)
    monkeypatch.setattr(xr.Dataset, "to_netcdf", original)
    np.testing.assert_array_equal(io.load_dataset(path).v, [1.0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.nc"]


def test_interrupted_first_write_leaves_nothing(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with io.atomic_path(tmp_path / "new.txt") as tmp:
            tmp.write_text("half")
            1 / 0
    assert list(tmp_path.iterdir()) == []


def test_load_errors_name_the_path(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        io.load_dataset(tmp_path / "missing.nc")
    bad = tmp_path / "bad.nc"
    bad.write_text("text")
    with pytest.raises(ValueError, match="must be a NetCDF file"):
        io.load_dataset(bad)


def test_written_files_get_the_usual_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = io.save_dataset(_dataset([1.0]), tmp_path / "p.nc")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
