"""The flagship's data in the form ``neurocomp regress`` reads.

``neurocomp run models/ventral_stream.toml`` (with ``save_data = true``, the
default) writes, beside the layer x region scores in ``results.nc``, the
simulated recordings and the trained network's activations it scored, so that
the regression can be run again, or with other settings, on exactly the same
numbers::

    neurocomp run models/ventral_stream.toml --out runs/vs
    neurocomp regress --model runs/vs/activations.nc --recordings runs/vs/recordings.nc \\
        --n-splits 10 --n-bootstrap 0

* ``recordings.nc``: (repetition, presentation, neuroid) in Hz, ``region`` on
  neuroid, float32 (Poisson counts / window are exact);
* ``activations.nc``: (presentation, neuroid) with ``layer`` on neuroid. Each
  layer is stored in its principal-component basis (:func:`principal_components`):
  a rotation of the centred units that keeps every inner product, so ridge and PLS
  mappings (what ``regress`` fits) give the same scores as on the units, from
  about 1,700 columns instead of 15,624 (2.4 MB instead of 22 MB at the default
  size). Single units and correlation-distance RDMs do not survive the rotation.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError

__all__ = ["saved_data", "principal_components"]

#: gzip level 4 with byte shuffling: Poisson rates (multiples of 1/duration) and ReLU
#: activations (many exact zeros) compress several-fold, losslessly.
_ENCODING = {"zlib": True, "complevel": 4, "shuffle": True}


def saved_data(recordings: xr.DataArray, activations: xr.DataArray) -> dict[str, xr.DataArray]:
    """The ``recordings`` and ``activations`` the flagship writes beside its scores.

    Parameters
    ----------
    recordings : DataArray (repetition, presentation, neuroid)
        Simulated responses in Hz with ``region`` on neuroid.
    activations : DataArray (presentation, neuroid)
        Model features with ``layer`` on neuroid, same stimuli in the same order.

    Returns
    -------
    dict of str to DataArray
        float32, with the standard names, ``units``/``long_name`` attrs and gzip
        encoding; the activations in each layer's principal-component basis.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> g = np.random.default_rng(0)
    >>> ids = {"stimulus_id": ("presentation", list("abcd"))}
    >>> rec = xr.DataArray(10.0 * g.poisson(5, size=(2, 4, 3)), dims=("repetition", "presentation", "neuroid"),
    ...                    coords={**ids, "region": ("neuroid", ["V4", "V4", "IT"])})
    >>> acts = xr.DataArray(g.normal(size=(4, 6)), dims=("presentation", "neuroid"),
    ...                     coords={**ids, "layer": ("neuroid", ["conv1"] * 6)})
    >>> {k: v.dtype.name for k, v in saved_data(rec, acts).items()}
    {'recordings': 'float32', 'activations': 'float32'}
    """
    for name, da, dims in (("recordings", recordings, ("repetition", "presentation", "neuroid")),
                           ("activations", activations, ("presentation", "neuroid"))):
        if not isinstance(da, xr.DataArray) or tuple(da.dims) != dims:
            got = tuple(da.dims) if isinstance(da, xr.DataArray) else type(da).__name__
            raise ValidationError(f"{name} must be a DataArray with dims {dims}; got {got}")
    if not np.array_equal(recordings["stimulus_id"].values, activations["stimulus_id"].values):
        raise ValidationError("recordings and activations must hold the same stimulus_id values in the same order")
    acts = principal_components(activations)
    # the same presentation coords (taken from the recordings) in both files
    acts = acts.assign_coords({c: v for c, v in recordings.coords.items() if v.dims == ("presentation",)})
    rec = recordings.astype(np.float32)
    acts = acts.astype(np.float32)
    rec.attrs = {"units": "Hz", "long_name": "simulated responses (Poisson spike counts / window)"}
    acts.attrs = {"units": "1", "long_name": "trained CNN activations, each layer in its principal-component basis",
                  "basis": "per layer: centred activations projected on all right singular vectors "
                           "(lossless for ridge, PLS and Euclidean distances); see neurocomp.cortex.export",
                  "n_units": acts.attrs["n_units"]}
    rec.encoding = dict(_ENCODING)
    acts.encoding = dict(_ENCODING)
    return {"recordings": rec.rename("recordings"), "activations": acts.rename("activations")}


def principal_components(activations: xr.DataArray, *, rtol: float = 1e-6) -> xr.DataArray:
    """Each layer's centred activations in its principal-component basis, all components kept.

    ``Z = (X - mean) V`` with ``V`` the right singular vectors of the centred
    layer ``X`` (presentation x unit) whose singular values exceed ``rtol`` times
    the largest (computed as ``U S`` from the eigenvectors of ``X X^T``): at most ``n_presentations - 1`` columns per layer however many
    units it has. ``V`` is orthonormal and spans every centred row, so every
    inner product between centred rows -- and between rows centred on any subset's
    mean -- is unchanged: ridge regression (which sees the features only through
    their Gram matrix), PLS without scaling and Euclidean distances give the same
    results on ``Z`` as on ``X``, to rounding. Stored per layer, the flagship's
    activations shrink from 15,624 units to about 1,700 components.

    Parameters
    ----------
    activations : xarray.DataArray
        Model activations, dims (presentation, neuroid), with a ``layer`` coord on neuroid.
    rtol : float, default 1e-6
        Components whose singular value is below ``rtol`` times the layer's largest are
        dropped (they carry only rounding).

    Returns
    -------
    DataArray (presentation, neuroid), float32, with ``layer``, ``neuroid_id``
    (``"conv1.pc0000"``) and ``component`` on neuroid and the presentation coords of
    ``activations``; attrs ``n_units`` per layer (JSON).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> g = np.random.default_rng(0)
    >>> acts = xr.DataArray(g.normal(size=(10, 30)), dims=("presentation", "neuroid"),
    ...                     coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(10)]),
    ...                             "layer": ("neuroid", ["conv1"] * 20 + ["fc1"] * 10)})
    >>> pcs = principal_components(acts)          # at most 9 components per layer from 10 stimuli
    >>> pcs.shape, str(pcs.neuroid_id.values[0])
    ((10, 18), 'conv1.pc0000')
    >>> x = acts.values[:, :20] - acts.values[:, :20].mean(0)
    >>> z = pcs.values[:, :9]
    >>> bool(np.allclose(x @ x.T, z @ z.T, atol=1e-4))          # inner products kept
    True
    """
    from neurocomp._threads import one_blas_thread

    layers = list(dict.fromkeys(activations["layer"].values.tolist()))
    with one_blas_thread():  # small products: one thread is faster
        return _principal_components(activations, layers, rtol)


def _principal_components(activations, layers, rtol):
    blocks, layer_col, comp_col, n_units = [], [], [], {}
    for layer in layers:
        x = activations.values[:, activations["layer"].values == layer].astype(np.float64)
        x -= x.mean(axis=0)
        # Z = U S from the eigenvectors of the Gram matrix X X^T = U S^2 U^T: an n x n problem,
        # however wide the layer (a tenth of the time of an SVD of X for conv1)
        lam, u = np.linalg.eigh(x @ x.T)
        lam, u = lam[::-1], u[:, ::-1]
        keep = lam > rtol**2 * lam[0] if lam[0] > 0 else np.zeros(lam.size, bool)
        keep[0] = True  # at least one column, even for a constant layer
        blocks.append((u[:, keep] * np.sqrt(np.maximum(lam[keep], 0))).astype(np.float32))
        layer_col += [layer] * int(keep.sum())
        comp_col.append(np.arange(int(keep.sum())))
        n_units[layer] = int(x.shape[1])
    comp = np.concatenate(comp_col)
    coords = {c: v for c, v in activations.coords.items() if v.dims == ("presentation",)}
    coords.update(layer=("neuroid", np.array(layer_col)), component=("neuroid", comp),
                  neuroid_id=("neuroid", np.char.add(np.char.add(np.array(layer_col), ".pc"),
                                                     np.char.zfill(comp.astype(str), 4))))
    return xr.DataArray(np.concatenate(blocks, axis=1), dims=("presentation", "neuroid"), coords=coords,
                        name="activations", attrs={"n_units": json.dumps(n_units)})
