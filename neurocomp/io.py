"""Reading and writing results: atomic saves with provenance, labelled loads.

Every file neurocomp writes is written to a temporary file in the same folder
and renamed into place, so an interrupted write (an exception, Ctrl-C, a kill)
leaves either the old file or nothing -- never a half-written one.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from neurocomp._assembly import as_features, as_recordings
from neurocomp._validation import NeurocompError, ValidationError

__all__ = [
    "atomic_path",
    "atomic_write_text",
    "check_run_complete",
    "finish_run_folder",
    "file_checksum",
    "IncompleteRunError",
    "OutOfSpaceError",
    "remove_stale_temp_files",
    "run_folder_status",
    "save_dataset",
    "load_dataset",
    "provenance_attrs",
    "to_jsonable",
    "NETCDF_ENGINE",
    "load_assembly",
    "load_activations",
    "load_recordings",
    "ACTIVATION_NAMES",
    "RECORDING_NAMES",
]

#: NetCDF engine used for reading and writing (installs from PyPI everywhere).
NETCDF_ENGINE = "h5netcdf"

#: Datasets up to this size are encoded in memory before they are written (see save_dataset).
_IN_MEMORY_LIMIT = 1 << 30


class OutOfSpaceError(NeurocompError, OSError):
    """The disk (or quota) filled while writing a result: nothing was left under the final name.

    Examples
    --------
    >>> issubclass(OutOfSpaceError, OSError)          # caught by ``except OSError`` too
    True
    """


_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}

#: Temporary files made by :func:`atomic_path`: ``.<final name>.<8 random chars><suffix>``.
_TEMP_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.(tmp|nc|png|json)")


def _no_space(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            return True
        if "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception (KeyboardInterrupt included) the temporary file is removed
    and ``path`` is left as it was. A full disk raises :class:`OutOfSpaceError`
    ("no space left on device writing DIR/FILE").

    Parameters
    ----------
    path : str or Path
        The final file; its folder is created if needed.
    suffix : str, optional
        Suffix of the temporary file (default ``".tmp"``; e.g. ``".nc"`` for a writer that
        chooses its format by the suffix).

    Yields
    ------
    pathlib.Path
        The temporary file (hidden, ``.<name>.<random><suffix>``), to be written by the caller.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    except OSError as exc:
        if _no_space(exc):
            raise OutOfSpaceError(errno.ENOSPC, f"no space left on device writing {path}") from None
        raise
    os.close(fd)
    tmp = Path(tmp)
    # mkstemp creates the file 0600; give the result the permissions a plain open() would.
    tmp.chmod(0o666 & ~_umask())
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if not isinstance(exc, OutOfSpaceError) and _no_space(exc):
            raise OutOfSpaceError(errno.ENOSPC, f"no space left on device writing {path}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_bytes(path: Path, data) -> None:
    """Write ``data`` and flush it to the disk, so a full disk fails here, as an OSError."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically; return the path.

    Parameters
    ----------
    path : str or Path
        The file to write (its folder is created if needed).
    text : str
        Written as UTF-8.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "notes" / "a.txt", "hello")
    >>> path.read_text()
    'hello'
    """
    with atomic_path(path) as tmp:
        _write_bytes(tmp, text.encode("utf-8"))
    return Path(path)


def remove_stale_temp_files(folder) -> list[Path]:
    """Remove the hidden temporary files a killed run left in ``folder``; return them.

    Only names made by :func:`atomic_path` (``.results.nc.k3j_x9a2.nc``) are touched.

    Parameters
    ----------
    folder : str or Path
        A run folder; a path that is not a folder removes nothing.

    Returns
    -------
    list of pathlib.Path
        The files removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (run / ".results.nc.abcd1234.nc").write_text("half written")
    >>> [p.name for p in remove_stale_temp_files(run)]
    ['.results.nc.abcd1234.nc']
    """
    folder = Path(folder)
    removed = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        if _TEMP_NAME.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed


# --------------------------------------------------------------------------- run folders
#: The file written last in a run folder: its ``checksums`` make the folder complete.
SUMMARY_NAME = "summary.json"


class IncompleteRunError(ValidationError):
    """A run folder (or a file in one) whose run did not finish or whose files changed since.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (run / "results.nc").write_bytes(b"")      # written, but the run never finished
    >>> try:
    ...     check_run_complete(run / "results.nc")
    ... except IncompleteRunError as exc:
    ...     print("refused:", "no summary.json" in str(exc))
    refused: True
    """


def file_checksum(path) -> str:
    """SHA-256 of a file's bytes, as ``"sha256:<hex>"``.

    Parameters
    ----------
    path : str or Path
        The file to hash.

    Returns
    -------
    str
        ``"sha256:"`` followed by 64 hexadecimal digits.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "empty"
    >>> _ = f.write_bytes(b"")
    >>> file_checksum(f)[:19]
    'sha256:e3b0c44298fc'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def run_folder_status(folder) -> tuple[bool, str]:
    """``(complete, reason)`` for a run folder.

    A folder is complete when its ``summary.json`` (written last) exists, lists
    the folder's files and, where it records checksums, every listed file still
    has its checksum. Anything else (a killed run, a run still writing, a file
    edited or truncated since) is incomplete; ``reason`` says why.

    Parameters
    ----------
    folder : str or Path
        The run folder.

    Returns
    -------
    complete : bool
        Whether the run finished and its files are unchanged.
    reason : str
        ``"complete"`` or why the folder is incomplete.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> run_folder_status(run)[0]                       # nothing finished here
    False
    """
    folder = Path(folder)
    if not folder.is_dir():
        return False, f"{folder} is not a folder"
    summary = folder / SUMMARY_NAME
    stale = sorted(e.name for e in folder.iterdir() if _TEMP_NAME.fullmatch(e.name))
    if not summary.is_file():
        why = f"no {SUMMARY_NAME} (the run was interrupted or is still running)"
        return False, why + (f"; temporary files left: {', '.join(stale)}" if stale else "")
    try:
        record = json.loads(summary.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise TypeError("not a JSON table")
        if "files" not in record:  # written last all the same, by a writer that lists no files
            return True, f"complete ({SUMMARY_NAME} lists no files to check)"
        files = record["files"]
        checksums = record.get("checksums", {})
        if not isinstance(files, list) or not isinstance(checksums, dict):
            raise TypeError("files must be a list, checksums a table")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        return False, f"{SUMMARY_NAME} is unreadable ({type(exc).__name__}: {exc})"
    missing = [f for f in files if isinstance(f, str) and f != SUMMARY_NAME and not f.endswith("/")
               and not (folder / f).is_file()]
    if missing:
        return False, f"files listed in {SUMMARY_NAME} are missing: {', '.join(missing)}"
    for name, expected in checksums.items():
        target = folder / str(name)
        if not target.is_file():
            return False, f"{name} is missing"
        if file_checksum(target) != expected:
            return False, f"{name} changed since the run wrote it (checksum differs)"
    return True, "complete"


def finish_run_folder(out_dir, summary: dict, written) -> Path:
    r"""Write ``summary.json`` last, listing ``written`` with their SHA-256: the folder is then complete.

    For any command that writes a run folder (``run``, ``sweep``, ``regress``): call it after every
    other file is in place. Adds ``files`` and ``checksums`` to ``summary``; returns the summary's path.

    Parameters
    ----------
    out_dir : str or Path
        The run folder.
    summary : dict
        The run's summary (JSON-able after :func:`to_jsonable`); not modified.
    written : iterable of str or Path
        The files the run wrote; each existing one is listed with its checksum.

    Returns
    -------
    pathlib.Path
        The path of ``summary.json``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> data = atomic_write_text(run / "table.csv", "a,b\n1,2\n")
    >>> _ = finish_run_folder(run, {"experiment": "demo"}, [data])
    >>> run_folder_status(run)
    (True, 'complete')
    """
    out_dir = Path(out_dir)
    written = [Path(p) for p in written]
    record = dict(summary)
    record["files"] = list(dict.fromkeys([*record.get("files", []), *(p.name for p in written), SUMMARY_NAME]))
    record["checksums"] = {p.name: file_checksum(p) for p in written if p.is_file()}
    return atomic_write_text(out_dir / SUMMARY_NAME, json.dumps(to_jsonable(record), indent=2))


def check_run_complete(path) -> Path:
    """Refuse a file from an incomplete run folder; return ``path``.

    ``path`` is a run folder or a file. A file is checked when its folder is a
    run folder (it holds ``summary.json``, a ``results.nc`` or temporary files of
    a write): then the folder must be complete and the file, if listed, unchanged.
    A file elsewhere (a user's own recordings) passes.

    Parameters
    ----------
    path : str or Path
        A run folder or a file.

    Returns
    -------
    pathlib.Path
        ``path``, when it may be read.

    Raises
    ------
    IncompleteRunError
        Naming the folder and why it is incomplete.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> run = pathlib.Path(tempfile.mkdtemp())
    >>> table = atomic_write_text(run / "table.csv", "a,b")
    >>> _ = finish_run_folder(run, {}, [table])
    >>> check_run_complete(table) == table
    True
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if not path.is_dir():
        looks_like_run = (folder / SUMMARY_NAME).exists() or (folder / "results.nc").exists() or any(
            _TEMP_NAME.fullmatch(e.name) for e in folder.iterdir()) if folder.is_dir() else False
        if not looks_like_run:
            return path
    complete, why = run_folder_status(folder)
    if not complete:
        raise IncompleteRunError(
            f"{path} is in an incomplete run folder {folder}: {why}; rerun it (or use a complete run's files)"
        )
    return path


def to_jsonable(value):
    """``value`` with numpy scalars and arrays, tuples and mappings turned into JSON types.

    Anything else that JSON cannot hold (a Path, a brian2 quantity ...) becomes its ``str``.
    Used for the ``spec`` provenance attribute, summary.json and the sweep's cache keys.

    Parameters
    ----------
    value : object
        Any value; mappings and sequences are converted recursively (keys become ``str``).

    Returns
    -------
    object
        ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or None.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"n": np.int64(3), "x": np.array([0.5, 1.0]), 2: (1, None)})
    {'n': 3, 'x': [0.5, 1.0], '2': [1, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def provenance_attrs(*, seed, spec: dict, experiment: str | None = None) -> dict:
    """The provenance attributes every written Dataset carries.

    ``neurocomp_version``, ``seed`` (-1 when unseeded), ``spec`` (JSON of the
    resolved parameters), ``created`` (UTC, ISO 8601) and ``experiment``.

    Parameters
    ----------
    seed : int or None
        The run's seed (None: unseeded, stored as -1).
    spec : dict
        The resolved parameters, stored as sorted JSON.
    experiment : str, optional
        The experiment's registered name (left out if None).

    Returns
    -------
    dict
        Attribute name -> value, all NetCDF-safe (str or int).

    Examples
    --------
    >>> attrs = provenance_attrs(seed=0, spec={"n": 3}, experiment="demo")
    >>> attrs["seed"], attrs["spec"], attrs["experiment"]
    (0, '{"n": 3}', 'demo')
    """
    from neurocomp import __version__

    attrs = {
        "neurocomp_version": __version__,
        "seed": -1 if seed is None else int(seed),
        "spec": json.dumps(to_jsonable(spec), sort_keys=True),
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
            value = json.dumps(to_jsonable(value))
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

    Returns
    -------
    pathlib.Path
        ``path``. Booleans are stored as int8 and nested attributes as JSON;
        :func:`load_dataset` undoes the first.

    Examples
    --------
    >>> import tempfile, pathlib, xarray as xr
    >>> ds = xr.Dataset({"rate": ("neuron", [1.0, 2.5], {"units": "Hz"}), "on": ("neuron", [True, False])})
    >>> path = save_dataset(ds, pathlib.Path(tempfile.mkdtemp()) / "r.nc", attrs={"seed": 0})
    >>> back = load_dataset(path)
    >>> back.rate.attrs["units"], back.on.dtype.name, int(back.attrs["seed"])
    ('Hz', 'bool', 0)
    """
    if isinstance(ds, xr.DataArray):
        ds = ds.to_dataset(name=ds.name or "data")
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"ds must be an xarray Dataset or DataArray; got {type(ds).__name__}")
    ds = _prepare_for_netcdf(ds.assign_attrs(**(attrs or {})))
    path = Path(path)
    with atomic_path(path, suffix=".nc") as tmp:
        if ds.nbytes <= _IN_MEMORY_LIMIT:
            # Encode in memory, then write the bytes with a plain write: a disk that fills
            # fails as a clean OSError instead of inside the HDF5 library (which crashed).
            _write_bytes(tmp, ds.to_netcdf(engine=NETCDF_ENGINE, invalid_netcdf=False))
        else:
            free = shutil.disk_usage(tmp.parent).free
            if free < 1.05 * ds.nbytes + (1 << 20):
                raise OutOfSpaceError(errno.ENOSPC, f"no space left on device writing {path} "
                                                    f"(needs about {ds.nbytes / 2**20:.0f} MiB, {free / 2**20:.0f} MiB free)")
            ds.to_netcdf(tmp, engine=NETCDF_ENGINE, invalid_netcdf=False)
    return path


def load_dataset(path) -> xr.Dataset:
    """Load a NetCDF file written by :func:`save_dataset` into memory.

    Boolean variables stored as int8 come back as bool.

    Parameters
    ----------
    path : str or Path
        An existing NetCDF file.

    Returns
    -------
    xarray.Dataset
        The file's contents, loaded (the file is closed).

    Examples
    --------
    >>> import tempfile, pathlib, xarray as xr
    >>> path = save_dataset(xr.Dataset({"x": ("t", [1.0, 2.0])}), pathlib.Path(tempfile.mkdtemp()) / "d.nc")
    >>> load_dataset(path).x.values.tolist()
    [1.0, 2.0]
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


# --------------------------------------------------------------------------- recording-like data
# Loaders for model activations and neural recordings (neurocomp.analysis). They read
# NetCDF (.nc), NumPy (.npz) and MATLAB (.mat) files, and NWB (.nwb) when pynwb is
# installed, into Brain-Score-style DataArrays (Schrimpf et al. 2018): dims
# presentation x neuroid (plus repetition), stimulus_id on presentation, layer or
# region on neuroid; then validate them (finite values, unique stimulus ids, ...).

#: Array names looked up (in this order) when a file holds several variables.
ACTIVATION_NAMES = ("activations", "features", "data")
RECORDING_NAMES = ("recordings", "responses", "rates", "data")
_PRESENTATION_KEYS = ("stimulus_id", "object_name", "repetition")
_NEUROID_KEYS = ("neuroid_id", "layer", "region")


def _pick_variable(found: list[str], variable, candidates, path, what) -> str:
    if variable is not None:
        if variable not in found:
            raise ValidationError(f"variable {variable!r} is not in {str(path)!r}; it holds {sorted(found)}")
        return variable
    for name in candidates:
        if name in found:
            return name
    if len(found) == 1:
        return found[0]
    raise ValidationError(
        f"{str(path)!r} must hold the {what} as one of the variables {list(candidates)} (or name it with "
        f"variable=...); found {sorted(found) or 'no array variables'}"
    )


#: Dims a recording-like array may have (Brain-Score's vocabulary).
_ASSEMBLY_DIMS = ("presentation", "neuroid", "repetition")


def parse_dims(dims, ndim: int | None = None, *, name: str = "dims") -> tuple[str, ...] | None:
    """``"neuroid,presentation,repetition"`` (or a sequence) -> a checked tuple of dim names, or None."""
    if dims is None:
        return None
    if isinstance(dims, np.ndarray):
        dims = dims.ravel().tolist()
    if isinstance(dims, str):
        dims = dims.split(",")
    try:
        names = tuple((d.decode() if isinstance(d, bytes) else str(d)).strip() for d in dims)
    except TypeError:
        raise ValidationError(f"{name} must name the array's dims in order, e.g. 'neuroid,presentation,"
                              f"repetition'; got {dims!r}") from None
    bad = [d for d in names if d not in _ASSEMBLY_DIMS]
    if bad or len(set(names)) != len(names) or not names:
        raise ValidationError(
            f"{name} must name each axis once with {list(_ASSEMBLY_DIMS)}, e.g. 'neuroid,presentation,repetition'; "
            f"got {','.join(names)!r}"
        )
    if ndim is not None and len(names) != ndim:
        raise ValidationError(f"{name} must name all {ndim} axes of the array in order; got {len(names)}: {','.join(names)!r}")
    return names


def _how_to_name(ndim: int, flag: str) -> str:
    example = "neuroid,presentation,repetition" if ndim == 3 else "presentation,neuroid"
    return (f"name its axes in order with {flag} {example} (dims=... in Python), or store a 'dims' array in the "
            f"file, e.g. dims = {example.split(',')}")


def _dataarray_from_arrays(arrays: dict, name: str, path, what: str, dims=None, flag: str = "--dims") -> xr.DataArray:
    """Build a DataArray from plain arrays: data plus stimulus_id / layer / region ... vectors.

    A plain array does not say which axis is which (MATLAB saves neurons x stimuli x
    trials, Python code often trials x stimuli x neurons), so the dims come from
    ``dims``, or from a ``<name>_dims`` or ``dims`` array in the file. Without one, a
    2-D array is read as presentation x neuroid (rows are stimuli, as scikit-learn's X)
    when ``stimulus_id`` matches its rows, and a 3-D array is refused.
    """
    data = np.asarray(arrays[name])
    if data.ndim not in (2, 3):
        raise ValidationError(
            f"{str(path)!r}: {what} {name!r} must be 2-D (presentation x neuroid) or 3-D (repetition x "
            f"presentation x neuroid); got shape {data.shape}"
        )
    if data.dtype.kind == "c":
        raise ValidationError(
            f"{str(path)!r}: {what} {name!r} must hold real numbers; got complex values (dtype {data.dtype}): "
            "store abs(x), x.real or both as separate units"
        )
    stim = np.asarray(arrays["stimulus_id"]).ravel() if "stimulus_id" in arrays else None
    file_dims = arrays.get(f"{name}_dims", arrays.get("dims"))
    if dims is not None:
        dims = parse_dims(dims, data.ndim, name=flag)
    elif file_dims is not None:
        dims = parse_dims(file_dims, data.ndim, name=f"the 'dims' array in {str(path)!r}")
    elif data.ndim == 3:
        hint = ""
        if stim is not None:
            axes = [a for a in range(3) if data.shape[a] == stim.size]
            hint = f"; stimulus_id has {stim.size} values (axis {' or '.join(map(str, axes)) or 'none'})"
        raise ValidationError(
            f"{str(path)!r}: {what} {name!r} is a 3-D array of shape {data.shape} whose dims are not named: "
            f"which axis is the neuroid, the presentation (stimulus) and the repetition cannot be guessed{hint}; "
            + _how_to_name(3, flag)
        )
    elif stim is not None and data.shape[0] != stim.size:
        transposed = data.shape[1] == stim.size
        raise ValidationError(
            f"{str(path)!r}: 'stimulus_id' must have one value per presentation ({data.shape[0]}); got {stim.size}"
            + (f" -- it matches axis 1 of {what} {name!r} (shape {data.shape}): if the rows are neuroids, "
               + _how_to_name(2, flag).replace("presentation,neuroid", "neuroid,presentation")
               .replace("['presentation', 'neuroid']", "['neuroid', 'presentation']") if transposed else "")
        )
    else:
        dims = ("presentation", "neuroid")
    if what == "activations" and "repetition" in dims:
        raise ValidationError(f"{flag} for activations must be presentation and neuroid; got {','.join(dims)!r}")
    if "presentation" not in dims or "neuroid" not in dims:
        raise ValidationError(f"{flag} must include presentation and neuroid; got {','.join(dims)!r}")
    n_pres, n_neur = data.shape[dims.index("presentation")], data.shape[dims.index("neuroid")]
    coords = {}
    for key in _PRESENTATION_KEYS + _NEUROID_KEYS:
        if key not in arrays:
            continue
        values = np.asarray(arrays[key]).ravel()
        if values.dtype.kind in "OU" or values.dtype.kind == "S":
            values = np.array([v.decode() if isinstance(v, bytes) else str(v).strip() for v in values])
        want = n_pres if key in _PRESENTATION_KEYS else n_neur
        dim = "presentation" if key in _PRESENTATION_KEYS else "neuroid"
        if values.size != want:
            raise ValidationError(
                f"{str(path)!r}: {key!r} must have one value per {dim} ({want}); got {values.size}"
                + (f" (dims read as {','.join(dims)}, shape {data.shape})" if data.ndim == 3 else "")
            )
        coords[key] = (dim, values)
    if "stimulus_id" not in coords:
        raise ValidationError(
            f"{str(path)!r} must hold a 'stimulus_id' array (one id per presentation) beside {name!r}; "
            f"found {sorted(arrays)}"
        )
    if "repetition" in dims:
        coords["repetition"] = ("repetition", np.arange(data.shape[dims.index("repetition")]))
    return xr.DataArray(data.astype(float), dims=dims, coords=coords, name=name)


def _read_npz(path) -> dict:
    import zipfile

    if not zipfile.is_zipfile(path):
        raise ValidationError(f"path must be a .npz file (a zip archive of arrays, np.savez); {str(path)!r} is not one")
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    except Exception as exc:  # a damaged archive raises many kinds
        why = "it holds pickled Python objects, which are not read (save plain arrays)" if "pickle" in str(exc) else exc
        raise ValidationError(f"path must be a readable .npz file; could not read {str(path)!r}: {why}") from None


def _read_mat(path) -> dict:
    import scipy.io

    try:
        raw = scipy.io.loadmat(path, squeeze_me=True, chars_as_strings=True)
    except Exception as exc:  # scipy's reader raises many kinds (IndexError, MatReadError ...) on a damaged file
        hint = " (MATLAB v7.3 files are HDF5: save with -v7 or export to NetCDF)" if isinstance(
            exc, NotImplementedError) else ""
        raise ValidationError(f"path must be a readable .mat file; could not read {str(path)!r}: {exc}{hint}") from None
    return {k: v for k, v in raw.items() if not k.startswith("__")}


def _read_nwb(path, what: str) -> xr.DataArray:
    """Spike counts per trial and unit from an NWB file's units and trials tables."""
    try:
        import pynwb
    except ImportError:
        raise ValidationError(
            "For NWB files to load, the pynwb module is needed: pip install pynwb "
            "(or export the data to NetCDF, .npz or .mat)"
        ) from None
    with pynwb.NWBHDF5IO(str(path), "r") as io_:
        nwb = io_.read()
        if nwb.units is None or nwb.trials is None:
            raise ValidationError(
                f"{str(path)!r} must hold a units table and a trials table (with a stimulus_id column) to give "
                f"{what}; found units={nwb.units is not None}, trials={nwb.trials is not None}"
            )
        trials = nwb.trials.to_dataframe()
        if "stimulus_id" not in trials:
            raise ValidationError(
                f"{str(path)!r}: the trials table must have a 'stimulus_id' column; found {list(trials.columns)}"
            )
        units = nwb.units.to_dataframe()
        start = trials["start_time"].to_numpy()
        stop = trials["stop_time"].to_numpy()
        counts = np.empty((len(trials), len(units)))
        for j, spikes in enumerate(units["spike_times"]):  # one searchsorted per unit, all trials at once
            spikes = np.sort(np.asarray(spikes))
            counts[:, j] = np.searchsorted(spikes, stop) - np.searchsorted(spikes, start)
        rates = counts / (stop - start)[:, None]
        stim = trials["stimulus_id"].astype(str).to_numpy()
        rep = trials.groupby("stimulus_id").cumcount().to_numpy()
        coords = {"stimulus_id": ("presentation", stim), "repetition": ("presentation", rep),
                  "neuroid_id": ("neuroid", units.index.astype(str).to_numpy())}
        for key in ("region", "location"):
            if key in units:
                coords["region"] = ("neuroid", units[key].astype(str).to_numpy())
                break
        if "object_name" in trials:
            coords["object_name"] = ("presentation", trials["object_name"].astype(str).to_numpy())
    return xr.DataArray(rates, dims=("presentation", "neuroid"), coords=coords, name="rates",
                        attrs={"units": "Hz", "long_name": "firing rate in the trial window"})


def _check_netcdf_size(path, variable, candidates, what) -> str:
    """Pick the variable of a NetCDF file without loading it, and refuse one larger than the memory available."""
    try:
        with xr.open_dataset(path, engine=NETCDF_ENGINE) as lazy:
            found = [k for k, v in lazy.data_vars.items() if v.ndim >= 2]
            name = _pick_variable(found, variable, candidates, path, what)
            need = int(lazy[name].size) * 8  # read as float64
    except ValidationError:
        raise
    except Exception as exc:  # not NetCDF/HDF5, or damaged
        raise ValidationError(f"path must be a NetCDF file; could not read {str(path)!r}: "
                              f"{' '.join(str(exc).split())[:300]}") from None
    from neurocomp.experiments._registry import _bytes, available_memory

    free = available_memory()
    if free is not None and need > free // 2:
        raise ValidationError(
            f"{str(path)!r}: {what} {name!r} would need {_bytes(need)} in memory; only {_bytes(free)} is available "
            "(analyse a subset of the stimuli or neuroids)"
        )
    return name


def load_assembly(path, *, what: str = "recordings", variable: str | None = None, dims=None,
                  flag: str | None = None) -> xr.DataArray:
    """Read recording-like data from NetCDF, .npz, .mat or NWB into a labelled DataArray.

    Parameters
    ----------
    path : str or Path
    what : {"recordings", "activations"}
        Which variable names to look for when the file holds several
        (:data:`RECORDING_NAMES` or :data:`ACTIVATION_NAMES`).
    variable : str, optional
        The variable to read.
    dims : str or sequence of str, optional
        The array's dims in order, among ``presentation``, ``neuroid`` and
        ``repetition`` (e.g. ``"neuroid,presentation,repetition"`` for MATLAB's
        neurons x stimuli x trials). Needed for a 3-D array of a .npz/.mat file
        that has no ``dims`` (or ``<variable>_dims``) array of its own; for a
        NetCDF variable it renames the dims.
    flag : str, optional
        How to name ``dims`` in messages (the command line passes ``--dims``).

    Returns
    -------
    xarray.DataArray
        Not yet validated; see :func:`load_recordings` and :func:`load_activations`.

    Notes
    -----
    .npz and .mat files hold the data array (2-D presentation x neuroid or 3-D
    repetition x presentation x neuroid) beside 1-D arrays ``stimulus_id``
    (required) and optionally ``object_name``, ``repetition`` (one per
    presentation, for Brain-Score-style flattened trials), ``neuroid_id``,
    ``layer`` and ``region`` (one per neuroid). NWB files give firing rates per
    trial from the units table and a trials table with a ``stimulus_id`` column.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acts.npz"
    >>> np.savez(path, activations=np.zeros((4, 3)), stimulus_id=np.array(["a", "b", "c", "d"]))
    >>> load_assembly(path, what="activations").dims
    ('presentation', 'neuroid')
    """
    path = Path(path)
    if not path.is_file():
        if path.is_dir():
            raise ValidationError(f"path must be a file (e.g. RUN/{what}.nc); got the folder {str(path)!r}")
        if path.exists():
            raise ValidationError(f"path must be a regular file; {str(path)!r} is not one (a FIFO, socket or device)")
        raise ValidationError(f"path must be an existing file; got {str(path)!r}, which does not exist")
    candidates = RECORDING_NAMES if what == "recordings" else ACTIVATION_NAMES
    flag = "dims" if flag is None else flag
    suffix = path.suffix.lower()
    if suffix in (".npz", ".mat"):
        arrays = _read_npz(path) if suffix == ".npz" else _read_mat(path)
        data_keys = [k for k, v in arrays.items() if np.ndim(v) >= 2 and np.asarray(v).dtype.kind in "biufc"]
        name = _pick_variable(data_keys, variable, candidates, path, what)
        return _dataarray_from_arrays(arrays, name, path, what, dims=dims, flag=flag)
    if suffix == ".nwb":
        if dims is not None:
            raise ValidationError(f"{flag} is not used for NWB files (their trials and units tables name the axes)")
        return _read_nwb(path, what)
    name = _check_netcdf_size(path, variable, candidates, what)
    ds = load_dataset(path)
    da = ds[name]
    if dims is not None:
        names = parse_dims(dims, da.ndim, name=flag)
        da = da.rename(dict(zip(da.dims, names)))
    elif not set(map(str, da.dims)) <= set(_ASSEMBLY_DIMS):
        raise ValidationError(
            f"{str(path)!r}: {what} {name!r} has dims {tuple(map(str, da.dims))} (shape {da.shape}), not named with "
            f"{list(_ASSEMBLY_DIMS)}; " + _how_to_name(da.ndim, flag).split(", or store")[0]
        )
    if da.dtype.kind == "c":
        raise ValidationError(
            f"{str(path)!r}: {what} {name!r} must hold real numbers; got complex values (dtype {da.dtype}): "
            "store abs(x), x.real or both as separate units"
        )
    return da


def load_activations(path, *, variable: str | None = None, dims=None, flag: str | None = None) -> xr.DataArray:
    """Load model activations: (presentation x neuroid) with ``stimulus_id`` and a ``layer`` coord.

    Validated on load (2-D, real, finite, unique stimulus ids). A file without a
    ``layer`` coordinate is read as a single layer named after the variable.
    ``dims`` names the axes of an array whose file does not (see :func:`load_assembly`).

    Parameters
    ----------
    path : str or Path
        A NetCDF, .npz, .mat or NWB file.
    variable : str, optional
        The variable to read when the file holds several (default: one of
        :data:`ACTIVATION_NAMES`).
    dims : str or sequence of str, optional
        The array's dims in order (see :func:`load_assembly`).
    flag : str, optional
        How to name ``dims`` in messages (the command line passes ``--dims``).

    Returns
    -------
    xarray.DataArray
        Activations, dims ``(presentation, neuroid)``, with coords ``stimulus_id``
        (presentation) and ``layer`` (neuroid); values in the model's units.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "acts.npz"
    >>> np.savez(path, activations=np.arange(12.0).reshape(4, 3), stimulus_id=np.array(["a", "b", "c", "d"]),
    ...          layer=np.array(["conv1", "conv1", "fc1"]))
    >>> acts = load_activations(path)
    >>> acts.dims, acts.layer.values.tolist()
    (('presentation', 'neuroid'), ['conv1', 'conv1', 'fc1'])
    """
    da = load_assembly(path, what="activations", variable=variable, dims=dims, flag=flag)
    if "layer" not in da.coords:
        da = da.assign_coords(layer=("neuroid", np.full(da.sizes.get("neuroid", 0), str(da.name or "model"))))
    return as_features(da, f"activations in {str(path)!r}")


def load_recordings(path, *, variable: str | None = None, dims=None, flag: str | None = None) -> xr.DataArray:
    """Load recordings as (repetition x presentation x neuroid) with ``stimulus_id`` and ``region``.

    Validated on load (real, finite, each stimulus once per repetition). Brain-Score-style
    assemblies (flattened presentation with a ``repetition`` coordinate) are
    reshaped. A file without a ``region`` coordinate is read as one region, ``"all"``.
    ``dims`` names the axes of an array whose file does not: a 3-D .mat or .npz
    array without it is refused (see :func:`load_assembly`).

    Parameters
    ----------
    path : str or Path
        A NetCDF, .npz, .mat or NWB file.
    variable : str, optional
        The variable to read when the file holds several (default: one of
        :data:`RECORDING_NAMES`).
    dims : str or sequence of str, optional
        The array's dims in order (see :func:`load_assembly`).
    flag : str, optional
        How to name ``dims`` in messages (the command line passes ``--dims``).

    Returns
    -------
    xarray.DataArray
        Responses, dims ``(repetition, presentation, neuroid)``, with coords
        ``stimulus_id`` (presentation), ``neuroid_id`` and ``region`` (neuroid); values
        in the file's units (firing rates in Hz from NWB).

    Examples
    --------
    MATLAB's habit, neurons x stimuli x trials::

        rec = load_recordings("v4.mat", dims="neuroid,presentation,repetition")  # doctest: +SKIP
    """
    da = load_assembly(path, what="recordings", variable=variable, dims=dims, flag=flag)
    if "region" not in da.coords and "neuroid" in da.dims:
        da = da.assign_coords(region=("neuroid", np.full(da.sizes["neuroid"], "all")))
    # constant neuroids are reported once, by the analysis that meets them (not here too)
    return as_recordings(da, f"recordings in {str(path)!r}", check_constant=False)
