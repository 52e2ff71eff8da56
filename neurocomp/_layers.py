"""The one builder of labelled layer activations, used by every model that yields layer activity.

Every model of neurocomp that has layers (the numpy MLP and CNN, PyTorch models
through :func:`neurocomp.dnn.cnn.torch_activations`, the ventral-stream family of
:mod:`neurocomp.vision`: pixels, V1-like, HMAX, Neocognitron) returns its units
in one format, Brain-Score's (Schrimpf et al. 2018), which
:func:`neurocomp.analysis.layer_region_scores` and the RSA functions take
unchanged:

* a DataArray named ``"activations"`` with dims ``("presentation", "neuroid")``,
  ``attrs`` ``units`` (``"1"``) and ``long_name``;
* ``stimulus_id`` on presentation (unique strings; default ``"stim0000"``, …),
  plus the images' other presentation coordinates when they came as a DataArray;
* on neuroid: ``layer`` (the layer's name), ``unit`` (index within the layer,
  in the order of the layer's array flattened C-style, i.e. channel-major for
  (channel, y, x) maps) and ``neuroid_id`` = ``"<layer>.<unit>"`` with the unit
  zero-padded to at least 4 digits (``"conv1.0012"``); unique, checked.

Three pieces: :func:`check_layers` (``layers=`` argument: ``None`` means all,
unknown names list the valid ones), :func:`layer_activations` (arrays ->
DataArray) and :func:`batched_activations` (runs a model's forward function over
``batch_size`` images at a time and builds the result).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._validation import ValidationError, check_int

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "VARIABLE_NAME",
    "check_layers",
    "stimulus_ids",
    "presentation_coords",
    "layer_activations",
    "batched_activations",
    "id_width",
    "check_batch_size",
]

#: Images per forward pass when a model's ``activations(..., batch_size=None)``.
DEFAULT_BATCH_SIZE = 256
#: Name of every activation DataArray (the name :func:`neurocomp.io.load_activations` looks for first).
VARIABLE_NAME = "activations"


def id_width(n: int) -> int:
    """Digits of a zero-padded index among ``n`` items: at least 4, more when ``n > 10_000``."""
    return max(4, len(str(max(int(n) - 1, 0))))


def check_layers(layers, valid: Sequence[str], *, name: str = "layers") -> list[str]:
    """The requested layer names as a list: ``None`` -> all of ``valid``; one str -> ``[str]``.

    Raises
    ------
    ValidationError
        For an empty request, a repeated name, or a name not in ``valid`` (the
        message lists the valid names).

    Examples
    --------
    >>> check_layers(None, ["c1", "c2"])
    ['c1', 'c2']
    >>> check_layers("c7", ["c1", "c2"])
    Traceback (most recent call last):
    ...
    neurocomp._validation.ValidationError: layers must be among ['c1', 'c2']; got unknown 'c7'
    """
    valid = list(valid)
    if layers is None:
        return valid
    layers = [layers] if isinstance(layers, str) else list(layers)
    if not layers:
        raise ValidationError(f"{name} must name at least one of {valid}; got none")
    for layer in layers:
        if not isinstance(layer, str) or layer not in valid:
            raise ValidationError(f"{name} must be among {valid}; got unknown {layer!r}")
    if len(set(layers)) != len(layers):
        raise ValidationError(f"{name} must not repeat a name; got {layers}")
    return layers


def stimulus_ids(n: int, stimulus_id=None, images=None) -> np.ndarray:
    """``n`` unique stimulus ids: the given ones, else the images' ``stimulus_id`` coord, else ``stim0000``, ….

    Raises
    ------
    ValidationError
        When the given ids are not one per presentation or repeat.
    """
    if stimulus_id is None and isinstance(images, xr.DataArray) and "stimulus_id" in images.coords:
        stimulus_id = images["stimulus_id"].values
    if stimulus_id is None:
        w = id_width(n)
        return np.array([f"stim{i:0{w}d}" for i in range(n)], dtype=object)
    sid = np.array([str(s) for s in np.asarray(stimulus_id, dtype=object).ravel()], dtype=object)
    if sid.shape != (n,):
        raise ValidationError(f"stimulus_id must hold one id per row of the input, i.e. per image ({n}); got {sid.size}")
    ids = pd.Index(sid)
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()[:5].tolist()
        raise ValidationError(f"stimulus_id must be unique; got repeated ids {dup}")
    return sid


def presentation_coords(images) -> dict:
    """The presentation coordinates of an image DataArray (empty for a plain array)."""
    if not isinstance(images, xr.DataArray):
        return {}
    dim = images.dims[0]
    return {
        name: ("presentation", c.values, dict(c.attrs))
        for name, c in images.coords.items()
        if c.dims == (dim,) and name != "stimulus_id"
    }


def layer_activations(
    layers: Mapping[str, np.ndarray],
    *,
    stimulus_id=None,
    images=None,
    model: str | None = None,
    dtype=None,
    long_name: str = "unit activation",
) -> xr.DataArray:
    """Build the (presentation × neuroid) DataArray from one array per layer.

    Parameters
    ----------
    layers : mapping of str to array of shape (n_presentations, ...)
        Each layer's activity; trailing axes are flattened C-style (so a
        (channel, y, x) map is numbered channel-major). Order is kept.
    stimulus_id : sequence of str, optional
        One unique id per presentation (default: the ``stimulus_id`` coord of
        ``images``, else ``"stim0000"``, …).
    images : DataArray, optional
        The input images; their presentation coordinates are carried over.
    model : str, optional
        Stored as ``attrs["model"]``.
    dtype : numpy dtype, optional
        Cast the values (default: the common dtype of the layers).
    long_name : str
        ``attrs["long_name"]``.

    Returns
    -------
    xarray.DataArray
        Named ``"activations"``, dims (presentation, neuroid); coords
        ``stimulus_id`` (+ the images' presentation coords), ``layer``,
        ``unit``, ``neuroid_id`` (``"<layer>.<unit:04d>"``); attrs ``units``
        ``"1"``, ``long_name`` (and ``model``).

    Examples
    --------
    >>> import numpy as np
    >>> a = layer_activations({"c1": np.zeros((2, 3, 2)), "c2": np.ones((2, 1))}, stimulus_id=["a", "b"])
    >>> a.dims, a.neuroid_id.values[[0, -1]].tolist(), a.layer.values[-1]
    (('presentation', 'neuroid'), ['c1.0000', 'c2.0000'], 'c2')
    """
    if not layers:
        raise ValidationError("layers must hold at least one layer; got none")
    blocks, names = [], []
    n = None
    for name, arr in layers.items():
        arr = np.asarray(arr)
        if arr.ndim < 1:
            raise ValidationError(f"layer {name!r} must be an array (n_presentations, ...); got a scalar")
        if n is None:
            n = arr.shape[0]
        elif arr.shape[0] != n:
            raise ValidationError(
                f"every layer must have {n} presentations (the first layer's); layer {name!r} has {arr.shape[0]}"
            )
        blocks.append(arr.reshape(n, -1))
        names.append(str(name))
    if len(set(names)) != len(names):
        raise ValidationError(f"layer names must be unique; got {names}")
    data = np.concatenate(blocks, axis=1) if len(blocks) > 1 else blocks[0]
    if dtype is not None:
        data = data.astype(dtype, copy=False)
    layer_col, unit_col, nid_col = [], [], []
    for name, b in zip(names, blocks):
        m = b.shape[1]
        units = np.arange(m)
        layer_col.append(np.full(m, name, dtype=object))
        unit_col.append(units)
        nid_col.append(np.char.add(f"{name}.", np.char.zfill(units.astype(str), id_width(m))).astype(object))
    nid = np.concatenate(nid_col)
    if pd.Index(nid).has_duplicates:  # only possible with names like "a" and "a.0" colliding
        raise ValidationError(f"neuroid_id must be unique; layer names {names} produce repeated ids")
    coords = {"stimulus_id": ("presentation", stimulus_ids(n, stimulus_id, images))}
    coords.update(presentation_coords(images))
    coords.update(
        layer=("neuroid", np.concatenate(layer_col)),
        unit=("neuroid", np.concatenate(unit_col)),
        neuroid_id=("neuroid", nid),
    )
    attrs = {"units": "1", "long_name": long_name}
    if model is not None:
        attrs["model"] = str(model)
    return xr.DataArray(data, dims=("presentation", "neuroid"), coords=coords, name=VARIABLE_NAME, attrs=attrs)


def check_batch_size(batch_size) -> int:
    """``None`` -> :data:`DEFAULT_BATCH_SIZE`; otherwise a positive int."""
    if batch_size is None:
        return DEFAULT_BATCH_SIZE
    return check_int("batch_size", batch_size, low=1)


def batched_activations(
    forward: Callable[[np.ndarray, list[str]], Mapping[str, np.ndarray]],
    inputs: np.ndarray,
    layers: list[str],
    *,
    batch_size=None,
    stimulus_id=None,
    images=None,
    model: str | None = None,
    dtype=None,
    long_name: str = "unit activation",
) -> xr.DataArray:
    """Run ``forward(inputs[i:i + batch_size], layers)`` over all inputs and build the DataArray.

    ``forward`` returns a mapping from each requested layer name to its
    activity (batch, ...). The ids are checked before any computation.
    """
    n = inputs.shape[0]
    batch_size = check_batch_size(batch_size)
    sid = stimulus_ids(n, stimulus_id, images)
    parts = {name: [] for name in layers}
    for start in range(0, n, batch_size):
        out = forward(inputs[start:start + batch_size], layers)
        for name in layers:
            a = np.asarray(out[name])
            parts[name].append(a.reshape(a.shape[0], -1) if dtype is None else a.reshape(a.shape[0], -1).astype(dtype))
    joined = {name: (p[0] if len(p) == 1 else np.concatenate(p)) for name, p in parts.items()}
    return layer_activations(joined, stimulus_id=sid, images=images, model=model, dtype=dtype, long_name=long_name)
