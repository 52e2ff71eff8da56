"""The flagship's data inside its ``results.nc``, and back out in the form ``neurocomp regress`` reads.

``neurocomp run models/ventral_stream.toml`` (with ``save_data = true``, the
default) stores, beside the layer x region scores, the simulated recordings
and the trained network's activations it scored, so that the regression can be
run again, or with other settings, on exactly the same numbers::

    neurocomp run models/ventral_stream.toml --out runs/vs
    python -m neurocomp.cortex.export runs/vs/results.nc runs/vs
    neurocomp regress --model runs/vs/activations.nc --recordings runs/vs/recordings.nc \\
        --n-splits 10 --n-bootstrap 0

One Dataset cannot hold both arrays under the standard names: the scores use
``layer`` and ``region`` as dimensions (network x layer x region), and the
recordings and the activations would need a ``neuroid`` dimension each, of
different lengths, with ``region`` or ``layer`` as a coordinate on it. So in
``results.nc`` the two are stored under renamed dimensions and coordinates
(listed in each variable's ``renamed`` attribute), float32 and compressed:

* ``recordings``: (repetition, presentation, neuroid) in Hz; ``region`` on
  neuroid is stored as ``neuroid_region``;
* ``activations``: (presentation, model_neuroid); ``layer`` and ``neuroid_id``
  on it as ``model_layer`` and ``model_neuroid_id``. Each layer is stored in its
  principal-component basis (:func:`principal_components`): a rotation of the
  centred units that keeps every inner product, so ridge and PLS mappings (what
  ``regress`` fits) give the same scores as on the units, from about 1,700
  columns instead of 15,624 (2.4 MB instead of 22 MB at the default size).

The presentation coordinates (``stimulus_id``, ``object_name``, the stimulus
``variation``, stored as ``presentation_variation``, ...) are shared.
:func:`unpack_data` undoes the renaming; ``python -m neurocomp.cortex.export``
writes ``activations.nc`` and ``recordings.nc`` with the standard names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError

__all__ = ["pack_data", "principal_components", "unpack_data", "export_data", "main"]

#: gzip level 4 with byte shuffling: Poisson rates (multiples of 1/duration) and ReLU
#: activations (many exact zeros) compress several-fold, losslessly.
_ENCODING = {"zlib": True, "complevel": 4, "shuffle": True}

# standard name -> name inside results.nc, per variable
_RECORDING_RENAMES = {"region": "neuroid_region", "variation": "presentation_variation"}
_ACTIVATION_RENAMES = {"neuroid": "model_neuroid", "layer": "model_layer", "neuroid_id": "model_neuroid_id",
                       "variation": "presentation_variation"}


def _rename(da: xr.DataArray, renames: dict) -> xr.DataArray:
    present = {k: v for k, v in renames.items() if k in da.dims or k in da.coords}
    return da.rename(present)


def pack_data(recordings: xr.DataArray, activations: xr.DataArray) -> dict[str, xr.DataArray]:
    """The ``recordings`` and ``activations`` variables to add to the flagship's Dataset.

    Parameters
    ----------
    recordings : DataArray (repetition, presentation, neuroid)
        Simulated responses in Hz with ``region`` on neuroid.
    activations : DataArray (presentation, neuroid)
        Model features with ``layer`` on neuroid, same stimuli in the same order.

    Returns
    -------
    dict of str to DataArray
        float32, renamed so that they fit beside the (network, layer, region)
        scores, with ``units``, ``long_name``, ``renamed`` attrs and gzip encoding.
    """
    for name, da, dims in (("recordings", recordings, ("repetition", "presentation", "neuroid")),
                           ("activations", activations, ("presentation", "neuroid"))):
        if not isinstance(da, xr.DataArray) or tuple(da.dims) != dims:
            got = tuple(da.dims) if isinstance(da, xr.DataArray) else type(da).__name__
            raise ValidationError(f"{name} must be a DataArray with dims {dims}; got {got}")
    if not np.array_equal(recordings["stimulus_id"].values, activations["stimulus_id"].values):
        raise ValidationError("recordings and activations must hold the same stimulus_id values in the same order")
    acts = principal_components(activations)
    # one set of presentation coords (taken from the recordings) for both variables
    acts = acts.assign_coords({c: v for c, v in recordings.coords.items() if v.dims == ("presentation",)})
    rec = _rename(recordings, _RECORDING_RENAMES).astype(np.float32)
    acts = _rename(acts, _ACTIVATION_RENAMES).astype(np.float32)
    rec.attrs = {"units": "Hz", "long_name": "simulated responses (Poisson spike counts / window)",
                 "renamed": json.dumps({v: k for k, v in _RECORDING_RENAMES.items()})}
    acts.attrs = {"units": "1", "long_name": "trained CNN activations, each layer in its principal-component basis",
                  "basis": "per layer: centred activations projected on all right singular vectors "
                           "(lossless for ridge, PLS and Euclidean distances); see neurocomp.cortex.export",
                  "n_units": acts.attrs["n_units"],
                  "renamed": json.dumps({v: k for k, v in _ACTIVATION_RENAMES.items()})}
    rec.encoding = dict(_ENCODING)
    acts.encoding = dict(_ENCODING)
    return {"recordings": rec, "activations": acts}


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

    Returns
    -------
    DataArray (presentation, neuroid), float32, with ``layer``, ``neuroid_id``
    (``"conv1.pc0000"``) and ``component`` on neuroid and the presentation coords of
    ``activations``; attrs ``n_units`` per layer (JSON).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        def threadpool_limits(**_):
            return contextlib.nullcontext()

    layers = list(dict.fromkeys(activations["layer"].values.tolist()))
    with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread is faster
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


def unpack_data(results) -> tuple[xr.DataArray, xr.DataArray]:
    """(activations, recordings) with the standard names, from a flagship results Dataset or file.

    Returns
    -------
    activations : DataArray (presentation, neuroid), ``layer`` and ``stimulus_id`` coords, float32
    recordings : DataArray (repetition, presentation, neuroid), ``region`` and ``stimulus_id`` coords, float32
    """
    if not isinstance(results, xr.Dataset):
        from neurocomp.io import load_dataset

        results = load_dataset(results)
    missing = [v for v in ("recordings", "activations") if v not in results.data_vars]
    if missing:
        raise ValidationError(
            f"results must hold the variables 'recordings' and 'activations' (run the ventral_stream experiment "
            f"with save_data = true); missing {missing}"
        )
    out = []
    for name in ("activations", "recordings"):
        var = results[name]  # carries only the coords on its own dims
        renamed = json.loads(var.attrs.get("renamed", "{}"))
        da = var.rename({k: v for k, v in renamed.items() if k in var.dims or k in var.coords})
        da.attrs = {k: v for k, v in var.attrs.items() if k != "renamed"}
        out.append(da)
    return out[0], out[1]


def export_data(results, out_dir) -> list[Path]:
    """Write ``activations.nc`` and ``recordings.nc`` (the files ``neurocomp regress`` reads) into ``out_dir``."""
    from neurocomp.io import save_dataset

    if not isinstance(results, xr.Dataset):
        from neurocomp.io import load_dataset

        results = load_dataset(results)
    acts, recs = unpack_data(results)
    prov = {k: v for k, v in results.attrs.items() if k in ("neurocomp_version", "seed", "spec", "created", "experiment")}
    out_dir = Path(out_dir)
    written = []
    for name, da in (("activations", acts), ("recordings", recs)):
        ds = da.to_dataset(name=name).assign_attrs(prov, source="ventral_stream results.nc")
        ds[name].encoding = dict(_ENCODING)
        written.append(save_dataset(ds, out_dir / f"{name}.nc"))
    return written


def main(argv=None) -> int:
    """``python -m neurocomp.cortex.export RESULTS OUT_DIR``."""
    p = argparse.ArgumentParser(
        prog="python -m neurocomp.cortex.export",
        description="Write the ventral_stream run's activations.nc and recordings.nc for `neurocomp regress`.",
    )
    p.add_argument("results", help="results.nc of `neurocomp run models/ventral_stream.toml`")
    p.add_argument("out_dir", help="folder for activations.nc and recordings.nc")
    args = p.parse_args(argv)
    try:
        written = export_data(args.results, args.out_dir)
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("wrote " + ", ".join(map(str, written)))
    a, r = written
    print(f"next: neurocomp regress --model {a} --recordings {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
