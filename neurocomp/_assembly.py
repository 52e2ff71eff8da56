"""Checking, reshaping and aligning recording-like DataArrays (internal).

The vocabulary is Brain-Score's (Schrimpf et al. 2018): dims ``presentation`` x
``neuroid`` (plus ``repetition`` when trials are kept apart), coordinate
``stimulus_id`` on ``presentation``, ``region`` (recordings) or ``layer`` (model
features) on ``neuroid``. Data are aligned by ``stimulus_id``, never by position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._validation import ValidationError

PRESENTATION = "presentation"
NEUROID = "neuroid"
REPETITION = "repetition"
STIMULUS = "stimulus_id"


def _py(value):
    """A numpy scalar as the plain Python value (for readable messages)."""
    return value.item() if hasattr(value, "item") else value


def _few(values, limit: int = 5) -> str:
    values = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}] ({len(values)} in all)"


def _flatten_index(da: xr.DataArray) -> xr.DataArray:
    """Drop pandas MultiIndexes (Brain-Score assemblies) into plain coordinates."""
    for dim in list(da.dims):
        if dim in da.indexes and isinstance(da.indexes[dim], pd.MultiIndex):
            da = da.reset_index(dim)
    return da


def _require_dataarray(name: str, data) -> xr.DataArray:
    if isinstance(data, xr.Dataset):
        names = list(data.data_vars)
        if len(names) == 1:
            return data[names[0]]
        raise ValidationError(
            f"{name} must be a DataArray (presentation x neuroid); got a Dataset with variables {names}; "
            "pick one, e.g. ds['data']"
        )
    if not isinstance(data, xr.DataArray):
        raise TypeError(
            f"{name} must be an xarray DataArray with dims (presentation, neuroid) and a 'stimulus_id' "
            f"coordinate; got {type(data).__name__}"
        )
    return _flatten_index(data)


class DataTypeError(ValidationError, TypeError):
    """Data of the wrong type (a TypeError, and a ValidationError so the command line reports it in one line)."""


def _check_finite(name: str, da: xr.DataArray) -> None:
    values = np.asarray(da.values)
    if values.dtype.kind == "c":
        # casting to float would drop the imaginary part silently (a ComplexWarning at best)
        raise DataTypeError(
            f"{name} must hold real numbers; got complex values (dtype {values.dtype}): pass abs(x) or x.real "
            "explicitly, or both as separate neuroids"
        )
    if values.dtype.kind not in "fiub":
        raise DataTypeError(f"{name} must hold numbers; got dtype {values.dtype}")
    if values.dtype.kind != "f":
        return
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    n_bad, n_nan = int(bad.sum()), int(np.isnan(values).sum())
    first = np.argwhere(bad)[0]
    where = []
    for dim, i in zip(da.dims, first):
        if dim == PRESENTATION and STIMULUS in da.coords:
            where.append(f"stimulus_id={_py(da[STIMULUS].values[i])!r}")
        elif dim == NEUROID and "neuroid_id" in da.coords:
            where.append(f"neuroid_id={_py(da['neuroid_id'].values[i])!r}")
        else:
            where.append(f"{dim} index {int(i)}")
    extent = ""
    if PRESENTATION in da.dims:
        axis = da.dims.index(PRESENTATION)
        per = bad.any(axis=tuple(a for a in range(bad.ndim) if a != axis))
        extent = f" in {int(per.sum())} of {per.size} presentations"
    raise ValidationError(
        f"{name} must be finite; got {n_bad} non-finite value(s) ({n_nan} NaN, {n_bad - n_nan} inf)"
        f"{extent}, first at " + ", ".join(where)
    )


def _check_dims(name: str, da: xr.DataArray, allowed: tuple[tuple[str, ...], ...]) -> None:
    if set(da.dims) not in [set(a) for a in allowed]:
        want = " or ".join("(" + " x ".join(a) + ")" for a in allowed)
        raise ValidationError(f"{name} must have dims {want}; got {tuple(da.dims)}")


def _check_stimulus_coord(name: str, da: xr.DataArray) -> None:
    if STIMULUS not in da.coords or da[STIMULUS].dims != (PRESENTATION,):
        raise ValidationError(
            f"{name} must carry a 'stimulus_id' coordinate on 'presentation' (data are aligned by stimulus, "
            f"never by position); found coordinates {sorted(map(str, da.coords))}"
        )


def _check_unique(name: str, da: xr.DataArray) -> None:
    ids = pd.Index(da[STIMULUS].values)
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()
        raise ValidationError(
            f"{name} must have unique stimulus_id values along 'presentation'; got duplicated ids {_few(dup)}. "
            "If these are repeated trials, give 'presentation' a 'repetition' coordinate "
            "(a Brain-Score-style assembly) or add a 'repetition' dimension"
        )


def as_features(data, name: str = "source") -> xr.DataArray:
    """Validate model features: a (presentation x neuroid) DataArray with unique ``stimulus_id``.

    Returns the array transposed to (presentation, neuroid) as float64.
    """
    da = _require_dataarray(name, data)
    _check_dims(name, da, ((PRESENTATION, NEUROID),))
    _check_stimulus_coord(name, da)
    _check_unique(name, da)
    _check_finite(name, da)
    if da.sizes[NEUROID] < 1 or da.sizes[PRESENTATION] < 2:
        raise ValidationError(f"{name} must have at least 2 presentations and 1 neuroid; got sizes {dict(da.sizes)}")
    return da.transpose(PRESENTATION, NEUROID).astype(float)


def _unflatten(name: str, da: xr.DataArray) -> xr.DataArray:
    """(presentation x neuroid) with a ``repetition`` coord on presentation -> (repetition, presentation, neuroid)."""
    stim = da[STIMULUS].values
    reps = da[REPETITION].values
    pairs = pd.MultiIndex.from_arrays([reps, stim])
    if pairs.has_duplicates:
        dup = pairs[pairs.duplicated()].unique()
        raise ValidationError(
            f"{name}: each (repetition, stimulus_id) pair must occur once; got duplicated pairs {_few(dup)}"
        )
    stim_order = pd.unique(stim)
    rep_order = np.sort(pd.unique(reps))
    counts = pd.Series(stim).value_counts()
    if (counts != len(rep_order)).any():
        short = counts[counts != len(rep_order)].index
        raise ValidationError(
            f"{name}: every stimulus must be recorded in every repetition ({len(rep_order)}); "
            f"stimuli with missing repetitions: {_few(short)}"
        )
    si = pd.Index(stim_order).get_indexer(stim)
    ri = pd.Index(rep_order).get_indexer(reps)
    vals = da.transpose(PRESENTATION, NEUROID).values
    out = np.empty((len(rep_order), len(stim_order), da.sizes[NEUROID]), dtype=float)
    out[ri, si] = vals
    first = np.flatnonzero(~pd.Index(stim).duplicated())  # first occurrences, in the order of stim_order
    coords = {}
    for cname, coord in da.coords.items():
        if coord.dims == (PRESENTATION,) and cname != REPETITION:
            coords[cname] = (PRESENTATION, coord.values[first])
        elif coord.dims == (NEUROID,):
            coords[cname] = (NEUROID, coord.values)
    coords[REPETITION] = (REPETITION, rep_order)
    return xr.DataArray(out, dims=(REPETITION, PRESENTATION, NEUROID), coords=coords, attrs=da.attrs, name=da.name)


def constant_neuroids(rec: xr.DataArray) -> np.ndarray:
    """Boolean mask over ``neuroid``: True where a neuroid has one value for every stimulus and repetition."""
    values = rec.transpose(..., NEUROID).values.reshape(-1, rec.sizes[NEUROID])
    return np.ptp(values, axis=0) == 0 if values.shape[0] else np.zeros(rec.sizes[NEUROID], bool)


def _check_constant(name: str, da: xr.DataArray) -> None:
    """Refuse recordings with no variation at all; warn once, naming them, about constant neuroids.

    A neuroid whose response never changes has no stimulus signal: its correlation
    with anything (its split-half ceiling, a model's prediction) is undefined, so its
    ceiling and scores are NaN and it is left out of its region's medians.
    """
    const = constant_neuroids(da)
    if not const.any():
        return
    ids = da["neuroid_id"].values if "neuroid_id" in da.coords else np.arange(da.sizes[NEUROID])
    if const.all():
        value = np.asarray(da.values).flat[0]
        raise ValidationError(
            f"{name} are constant: every neuroid has the same value for every stimulus and repetition (e.g. "
            f"{_py(value)!r}), so there is no stimulus signal to predict and no noise ceiling"
        )
    import warnings

    from neurocomp._validation import NeurocompWarning

    where = ""
    if "region" in da.coords and da["region"].dims == (NEUROID,):
        regions = pd.unique(da["region"].values[const])
        whole = [r for r in regions if const[da["region"].values == r].all()]
        if whole:
            where = f"; region(s) {[_py(r) for r in whole]} are entirely constant and get NaN ceilings and scores"
    warnings.warn(
        f"{name}: {int(const.sum())} of {const.size} neuroids are constant (one value for every stimulus and "
        f"repetition): {_few(ids[const])}; their ceilings and scores are NaN and left out of the region "
        f"medians{where}",
        NeurocompWarning, stacklevel=3,
    )


def as_recordings(data, name: str = "recordings", *, require_repetitions: bool = False,
                  check_constant: bool = True) -> xr.DataArray:
    """Validate recordings; return (repetition, presentation, neuroid) float64.

    Accepts a 3-D (repetition x presentation x neuroid) array, a Brain-Score-style
    (presentation x neuroid) assembly whose presentations carry a ``repetition``
    coordinate (reshaped here), or a trial-averaged (presentation x neuroid) array
    (returned with a single repetition).
    """
    da = _require_dataarray(name, data)
    _check_dims(name, da, ((REPETITION, PRESENTATION, NEUROID), (PRESENTATION, NEUROID)))
    _check_stimulus_coord(name, da)
    _check_finite(name, da)
    if da.ndim == 2:
        if REPETITION in da.coords and da[REPETITION].dims == (PRESENTATION,):
            da = _unflatten(name, da)
        else:
            _check_unique(name, da)
            da = da.expand_dims(REPETITION)
    else:
        _check_unique(name, da)
        da = da.transpose(REPETITION, PRESENTATION, NEUROID)
    if require_repetitions and da.sizes[REPETITION] < 2:
        raise ValidationError(
            f"{name} must hold at least 2 repetitions per stimulus for a split-half noise ceiling; "
            f"got {da.sizes[REPETITION]} (dims {tuple(da.dims)}): a ceiling cannot be computed from trial-averaged "
            "data, so give the single trials (a 'repetition' dim or coordinate)"
        )
    if da.sizes[PRESENTATION] < 2 or da.sizes[NEUROID] < 1:
        raise ValidationError(f"{name} must have at least 2 presentations and 1 neuroid; got sizes {dict(da.sizes)}")
    if check_constant:
        _check_constant(name, da)
    return da.astype(float)


def average_repetitions(rec: xr.DataArray) -> xr.DataArray:
    """Mean over ``repetition`` keeping the presentation and neuroid coordinates."""
    out = rec.mean(REPETITION)
    out.attrs = dict(rec.attrs)
    return out


def _id_kind(values) -> str:
    """'integer', 'float', 'string' or 'mixed' for a stimulus_id array."""
    values = np.asarray(values)
    kind = values.dtype.kind
    if kind in "iu":
        return "integer"
    if kind == "f":
        return "float"
    if kind in "US":
        return "string"
    kinds = {("string" if isinstance(v, (str, bytes)) else "integer" if isinstance(v, (int, np.integer))
              else "float" if isinstance(v, (float, np.floating)) else type(v).__name__) for v in values.ravel()}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def align_to(source: xr.DataArray, target: xr.DataArray, *, source_name="source", target_name="target") -> xr.DataArray:
    """Rows of ``source`` in the order of ``target``'s stimulus_id (extra source stimuli dropped)."""
    src_ids = pd.Index(source[STIMULUS].values)
    tgt_ids = target[STIMULUS].values
    idx = src_ids.get_indexer(tgt_ids)
    if (idx < 0).any():
        missing = tgt_ids[idx < 0]
        overlap = int((idx >= 0).sum())
        kinds = {_id_kind(source[STIMULUS].values), _id_kind(tgt_ids)}
        if len(kinds) > 1 and overlap == 0:
            raise ValidationError(
                f"stimulus_id types differ: {source_name} has {_id_kind(source[STIMULUS].values)} ids (e.g. "
                f"{[_py(v) for v in src_ids[:3]]}) and {target_name} has {_id_kind(tgt_ids)} ids (e.g. "
                f"{[_py(v) for v in tgt_ids[:3]]}), so none match; store both with the same type (e.g. both as strings)"
            )
        raise ValidationError(
            f"{source_name} must contain every stimulus_id of {target_name}; {len(missing)} of {len(tgt_ids)} are "
            f"missing, e.g. {_few(missing)} ({overlap} match). Data are aligned by stimulus_id, never by position"
        )
    return source.isel({PRESENTATION: idx})


def select_group(da: xr.DataArray, coord: str, value, name: str) -> xr.DataArray:
    """The neuroids whose ``coord`` equals ``value``; a clear error when it does not exist."""
    if coord not in da.coords or da[coord].dims != (NEUROID,):
        raise ValidationError(
            f"{name} must carry a {coord!r} coordinate on 'neuroid'; found coordinates {sorted(map(str, da.coords))}"
        )
    values = da[coord].values
    mask = values == value
    if not mask.any():
        valid = [v.item() if hasattr(v, "item") else v for v in pd.unique(values)]
        raise ValidationError(f"{coord} {value!r} does not exist in {name}; valid {coord} values are {valid}")
    return da.isel({NEUROID: np.flatnonzero(mask)})


def group_values(da: xr.DataArray, coord: str, name: str) -> list:
    """Distinct values of a neuroid coordinate in order of first appearance."""
    if coord not in da.coords or da[coord].dims != (NEUROID,):
        raise ValidationError(
            f"{name} must carry a {coord!r} coordinate on 'neuroid'; found coordinates {sorted(map(str, da.coords))}"
        )
    return [v.item() if hasattr(v, "item") else v for v in pd.unique(da[coord].values)]
