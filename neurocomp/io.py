"""Reading and writing results: atomic saves with provenance, labelled loads.

Every file neurocomp writes is written to a temporary file in the same folder
and renamed into place, so an interrupted write (an exception, Ctrl-C, a kill)
leaves either the old file or nothing -- never a half-written one.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError

__all__ = [
    "atomic_path",
    "atomic_write_text",
    "save_dataset",
    "load_dataset",
    "provenance_attrs",
    "NETCDF_ENGINE",
]

#: NetCDF engine used for reading and writing (installs from PyPI everywhere).
NETCDF_ENGINE = "h5netcdf"


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception (KeyboardInterrupt included) the temporary file is removed
    and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def provenance_attrs(*, seed, spec: dict, experiment: str | None = None) -> dict:
    """The provenance attributes every written Dataset carries.

    ``neurocomp_version``, ``seed`` (-1 when unseeded), ``spec`` (JSON of the
    resolved parameters), ``created`` (UTC, ISO 8601) and ``experiment``.
    """
    from neurocomp import __version__

    attrs = {
        "neurocomp_version": __version__,
        "seed": -1 if seed is None else int(seed),
        "spec": json.dumps(_jsonable(spec), sort_keys=True),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if experiment is not None:
        attrs["experiment"] = experiment
    return attrs


def _netcdf_safe_attrs(attrs: dict) -> dict:
    safe = {}
    for key, value in attrs.items():
        if isinstance(value, (bool, np.bool_)):
            value = int(value)
        elif value is None:
            value = ""
        elif isinstance(value, (dict, list, tuple)) and not (
            isinstance(value, (list, tuple)) and value and all(isinstance(v, (int, float)) for v in value)
        ):
            value = json.dumps(_jsonable(value))
        safe[key] = value
    return safe


def _prepare_for_netcdf(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    ds.attrs = _netcdf_safe_attrs(ds.attrs)
    for name in list(ds.variables):
        var = ds[name]
        var.attrs = _netcdf_safe_attrs(var.attrs)
        if var.dtype == bool:
            ds[name] = var.astype("i1").assign_attrs(var.attrs, dtype_was="bool")
        elif var.dtype.kind == "O":
            ds[name] = var.astype(str)
    return ds


def save_dataset(ds, path, *, attrs: dict | None = None) -> Path:
    """Write an xarray Dataset (or DataArray) to NetCDF atomically.

    Parameters
    ----------
    ds : xarray.Dataset or xarray.DataArray
    path : str or Path
        Target file; its folder is created if needed.
    attrs : dict, optional
        Extra global attributes (e.g. :func:`provenance_attrs`).
    """
    if isinstance(ds, xr.DataArray):
        ds = ds.to_dataset(name=ds.name or "data")
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"ds must be an xarray Dataset or DataArray; got {type(ds).__name__}")
    ds = _prepare_for_netcdf(ds.assign_attrs(**(attrs or {})))
    with atomic_path(path, suffix=".nc") as tmp:
        ds.to_netcdf(tmp, engine=NETCDF_ENGINE, invalid_netcdf=False)
    return Path(path)


def load_dataset(path) -> xr.Dataset:
    """Load a NetCDF file written by :func:`save_dataset` into memory.

    Boolean variables stored as int8 come back as bool.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"path must be an existing file; got {str(path)!r}, which does not exist")
    try:
        with xr.open_dataset(path, engine=NETCDF_ENGINE) as ds:
            ds = ds.load()
    except (OSError, ValueError) as exc:
        raise ValidationError(f"path must be a NetCDF file; could not read {str(path)!r}: {exc}") from None
    for name in list(ds.variables):
        if ds[name].attrs.get("dtype_was") == "bool":
            attrs = {k: v for k, v in ds[name].attrs.items() if k != "dtype_was"}
            ds[name] = ds[name].astype(bool).assign_attrs(attrs)
    return ds
