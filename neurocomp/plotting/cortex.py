"""Figures for the simulated visual cortex: stimuli, V1 tuning curves, decodability per region.

Hubel & Wiesel (1962) tuning curves, the energy model (Adelson & Bergen 1985)
with normalisation (Heeger 1992), and the ventral-stream hierarchy
(Fukushima 1980; Riesenhuber & Poggio 1999; Yamins et al. 2014). Each function
takes the data and ``ax=None`` and returns the Axes; none calls ``plt.show()``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_int
from neurocomp.plotting._core import get_ax

__all__ = ["plot_stimuli", "plot_tuning_curves", "plot_decoding", "plot_orientation_tuning", "plot_phase_sensitivity",
           "plot_contrast_response"]


def plot_stimuli(images: xr.DataArray, *, ax=None, n_columns: int = 8, n_rows: int = 3, label: str = "object_name", **kwargs):
    """A mosaic of example images: one column per value of ``label``, rows by ``variation``.

    Parameters
    ----------
    images : DataArray (presentation, y, x)
        Luminance in [0, 1]; presentation coords ``label`` and (optionally) ``variation``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes (sized to the mosaic) if None.
    n_columns, n_rows : int
        Most columns (categories) and rows shown.
    label : str
        Presentation coord whose values head the columns.
    **kwargs
        Passed to ``Axes.imshow`` (``cmap`` defaults to "gray").

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.cortex.stimuli import object_images
    >>> ax = plot_stimuli(object_images(n_per_category=2, size=24, rng=0))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('category', 'variation')
    """
    if not isinstance(images, xr.DataArray) or images.ndim != 3 or images.dims[0] != "presentation":
        raise ValidationError(f"images must be a DataArray with dims ('presentation', 'y', 'x'); got {getattr(images, 'dims', type(images).__name__)}")
    n_columns = check_int("n_columns", n_columns, low=1)
    n_rows = check_int("n_rows", n_rows, low=1)
    ax = get_ax(ax, figsize=(1.0 * n_columns + 0.6, 1.0 * n_rows + 0.6))
    labels = list(dict.fromkeys(images[label].values.tolist())) if label in images.coords else [None]
    labels = labels[:n_columns]
    rows = list(dict.fromkeys(images["variation"].values.tolist()))[:n_rows] if "variation" in images.coords else [None] * n_rows
    H, W = images.shape[1:]
    pad = 2
    mosaic = np.ones(((H + pad) * len(rows) - pad, (W + pad) * len(labels) - pad))
    for j, lab in enumerate(labels):
        sel_lab = np.ones(images.sizes["presentation"], bool) if lab is None else images[label].values == lab
        for i, row in enumerate(rows):
            sel = sel_lab & (True if row is None else images["variation"].values == row)
            idx = np.flatnonzero(sel)
            if row is None:
                idx = idx[i : i + 1]
            if idx.size:
                mosaic[i * (H + pad) : i * (H + pad) + H, j * (W + pad) : j * (W + pad) + W] = images.values[idx[0]]
    ax.imshow(mosaic, cmap=kwargs.pop("cmap", "gray"), vmin=0, vmax=1, interpolation="nearest", **kwargs)
    ax.set_xticks([(W + pad) * j + W / 2 for j in range(len(labels))], [str(v) for v in labels], rotation=30, fontsize=7)
    ax.set_yticks([(H + pad) * i + H / 2 for i in range(len(rows))], [str(r) if r is not None else "" for r in rows], fontsize=7)
    ax.set_xlabel("category" if label == "object_name" else label)
    ax.set_ylabel("variation" if rows[0] is not None else "")
    return ax


def plot_tuning_curves(tuning: xr.DataArray, *, ax=None, dim: str = "orientation", normalize: bool = True, max_curves: int = 12, **kwargs):
    """Tuning curves, one line per neuroid, against a stimulus parameter.

    Parameters
    ----------
    tuning : DataArray (dim, neuroid)
        Responses (e.g. rates in Hz above baseline); ``long_name`` and ``units`` attrs label
        the y axis when not normalised.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    dim : str
        The stimulus dimension on the x axis (its coord's ``units`` label it).
    normalize : bool
        Divide each curve by its maximum (curves with no positive value are left as they are).
    max_curves : int
        Most curves drawn (the first neuroids).
    **kwargs
        Passed to ``ax.plot`` for every curve.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ori = np.arange(0, 180, 15.0)
    >>> tuning = xr.DataArray(np.exp(2 * np.cos(np.deg2rad(2 * (ori[:, None] - [30.0, 90.0, 150.0])))),
    ...                       dims=("orientation", "neuroid"),
    ...                       coords={"orientation": ("orientation", ori, {"units": "deg"})})
    >>> ax = plot_tuning_curves(tuning)
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.lines)
    ('orientation [deg]', 'response / max', 3)
    """
    if not isinstance(tuning, xr.DataArray) or set(tuning.dims) != {dim, "neuroid"}:
        raise ValidationError(f"tuning must be a DataArray with dims ({dim!r}, 'neuroid'); got {getattr(tuning, 'dims', type(tuning).__name__)}")
    ax = get_ax(ax)
    t = tuning.transpose(dim, "neuroid")
    y = t.values[:, :max_curves]
    if normalize:
        y = y / np.where(y.max(0) > 0, y.max(0), 1)
    x = t[dim].values
    for k in range(y.shape[1]):
        ax.plot(x, y[:, k], lw=1, **kwargs)
    units = t[dim].attrs.get("units", "")
    ax.set_xlabel(f"{dim.replace('_', ' ')} [{units}]" if units else dim.replace("_", " "))
    ax.set_ylabel("response / max" if normalize else f"{tuning.attrs.get('long_name', 'response')} [{tuning.attrs.get('units', '')}]")
    return ax


def plot_decoding(accuracy: xr.DataArray, *, ax=None, chance: float | None = None, error: xr.DataArray | None = None,
                  **kwargs):
    """Linear category decodability per region, one line per variation level (or a bar per region).

    Parameters
    ----------
    accuracy : DataArray (region,) or (region, variation)
        Held-out accuracy.
    ax : matplotlib Axes, optional
    chance : float, optional
        Drawn as a dashed line.
    error : DataArray, optional
        Standard error of each accuracy (same dims as ``accuracy``), drawn as
        ± error bars; computed by the caller (e.g. the experiment's binomial SE).
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import xarray as xr
    >>> accuracy = xr.DataArray([[0.9, 0.6], [0.95, 0.8]], dims=("region", "variation"),
    ...                         coords={"region": ["V4", "IT"], "variation": ["low", "high"]})
    >>> plot_decoding(accuracy, chance=0.125).get_ylabel()
    'category decoding accuracy (held out)'
    """
    if not isinstance(accuracy, xr.DataArray) or "region" not in accuracy.dims:
        raise ValidationError(f"accuracy must be a DataArray with a 'region' dim; got {getattr(accuracy, 'dims', type(accuracy).__name__)}")
    if error is not None and (not isinstance(error, xr.DataArray) or set(error.dims) != set(accuracy.dims)):
        raise ValidationError(f"error must be a DataArray with the dims of accuracy {accuracy.dims}; "
                              f"got {getattr(error, 'dims', type(error).__name__)}")
    ax = get_ax(ax)
    regions = [str(r) for r in accuracy["region"].values]
    x = np.arange(len(regions))
    if "variation" in accuracy.dims:
        levels = accuracy["variation"].values
        for i, v in enumerate(levels):
            err = None if error is None else error.sel(variation=v).values
            shift = 0.06 * (i - (len(levels) - 1) / 2) if error is not None else 0.0  # bars side by side
            ax.errorbar(x + shift, accuracy.sel(variation=v).values, yerr=err, fmt="o-", capsize=3, label=str(v),
                        **kwargs)
        ax.legend(title="variation", fontsize=8, frameon=False)
    else:
        err = None if error is None else error.values
        ax.errorbar(x, accuracy.values, yerr=err, fmt="o-", capsize=3, **kwargs)
    if chance is not None:
        ax.axhline(chance, color="0.5", ls="--", lw=0.8)
        ax.text(x[-1], chance, "chance", va="bottom", ha="right", fontsize=7, color="0.4")
    ax.set_xticks(x, regions)
    ax.set_xlabel("region")
    ax.set_ylabel("category decoding accuracy (held out)")
    ax.set_ylim(0, 1)
    return ax


def _v1_dataset(data, needs):
    if not isinstance(data, xr.Dataset) or any(v not in data for v in needs):
        raise ValidationError(f"data must be the gratings_v1 Dataset with variables {list(needs)}; "
                              f"got {type(data).__name__} with {sorted(getattr(data, 'data_vars', []))}")
    return data


def plot_orientation_tuning(data: xr.Dataset, *, ax=None, theory: xr.DataArray | None = None, max_curves: int = 12,
                            **kwargs):
    """Phase-averaged orientation tuning of V1 neuroids, each re-centred on its preferred orientation.

    Parameters
    ----------
    data : xarray.Dataset
        From the ``gratings_v1`` experiment: ``tuning`` (orientation x neuroid,
        Hz above baseline) with a ``preferred_orientation`` coord (deg) on
        neuroid, and ``hwhh`` (neuroid, deg); ``attrs["hwhh_theory_deg"]`` is
        quoted in the title when present.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    theory : xarray.DataArray, optional
        Predicted normalised tuning over ``orientation`` (offset from the
        preferred orientation, deg), computed by the caller; drawn dashed.
    max_curves : int, default 12
        Most curves drawn (the first neuroids).
    **kwargs
        Passed to :func:`plot_tuning_curves` (``ax.plot`` of each curve).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ori = np.arange(0, 180, 15.0)
    >>> pref = np.array([30.0, 90.0, 150.0])
    >>> ds = xr.Dataset({"tuning": (("orientation", "neuroid"), np.exp(2 * np.cos(np.deg2rad(2 * (ori[:, None] - pref))))),
    ...                  "hwhh": ("neuroid", [20.0, 21.0, 19.0])},
    ...                 coords={"orientation": ("orientation", ori, {"units": "deg"}),
    ...                         "preferred_orientation": ("neuroid", pref)})
    >>> plot_orientation_tuning(ds).get_xlabel()
    'orientation - preferred [deg]'
    """
    data = _v1_dataset(data, ("tuning", "hwhh"))
    ax = get_ax(ax)
    tuning = data["tuning"].transpose("orientation", "neuroid")
    ori = tuning["orientation"].values
    n_ori = ori.size
    # re-centre each curve on its preferred orientation for display
    pref = data["preferred_orientation"].values
    shift = np.array([np.argmin(np.abs((ori - p + 90) % 180 - 90)) for p in pref])
    rolled = np.stack([np.roll(tuning.values[:, i], n_ori // 2 - shift[i]) for i in range(pref.size)], axis=1)
    centred = xr.DataArray(rolled, dims=("orientation", "neuroid"),
                           coords={"orientation": ("orientation", ori - ori[n_ori // 2], {"units": "deg"})})
    plot_tuning_curves(centred, ax=ax, max_curves=max_curves, **{"color": "C0", "alpha": 0.4, **kwargs})
    if theory is not None:
        ax.plot(theory["orientation"].values, theory.values, "k--", lw=1.5, label="Gabor theory")
    ax.axhline(0.5, color="0.6", lw=0.6)
    if theory is not None:
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel("orientation - preferred [deg]")
    title = f"orientation tuning: HWHH {np.nanmedian(data['hwhh'].values):.1f} deg"
    if "hwhh_theory_deg" in data.attrs:
        title += f" (theory {data.attrs['hwhh_theory_deg']:.1f})"
    ax.set_title(title, fontsize=9)
    return ax


def plot_phase_sensitivity(data: xr.Dataset, *, ax=None, theory: float | None = None, bins=None, **kwargs):
    """Histogram of the modulation ratio F1/F0 of simple and complex cells.

    Parameters
    ----------
    data : xarray.Dataset
        From the ``gratings_v1`` experiment: ``f1_f0`` (neuroid) with a
        ``cell_type`` coord ("simple" / "complex") on neuroid.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    theory : float, optional
        The simple cells' predicted F1/F0 (16 / (3 pi) for half-squared
        cells), drawn as a dotted line; default ``attrs["f1_f0_theory_simple"]``
        when present.
    bins : array-like, optional
        Histogram bin edges (default 20 bins from 0 to 2).
    **kwargs
        Passed to ``Axes.hist``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"f1_f0": ("neuroid", [1.6, 0.2, 1.5])},
    ...                 coords={"cell_type": ("neuroid", ["simple", "complex", "simple"])})
    >>> plot_phase_sensitivity(ds, theory=16 / (3 * 3.141592653589793)).get_xlabel()
    'modulation ratio F1/F0'
    """
    data = _v1_dataset(data, ("f1_f0",))
    ax = get_ax(ax)
    f1f0 = data["f1_f0"].values
    ctype = data["cell_type"].values
    bins = np.linspace(0, 2, 21) if bins is None else bins
    for t, c in (("simple", "C1"), ("complex", "C2")):
        ax.hist(f1f0[ctype == t], bins=bins, **{"color": c, "alpha": 0.7, "label": t, **kwargs})
    ax.axvline(1.0, color="0.4", ls="--", lw=0.8)
    theory = data.attrs.get("f1_f0_theory_simple") if theory is None else theory
    if theory is not None:
        ax.axvline(theory, color="C1", ls=":", lw=1, label="theory 16/(3\u03c0)")
    ax.set_xlabel("modulation ratio F1/F0")
    ax.set_ylabel("number of neuroids")
    # between the complex cells' bar and the dashed line at 1, clear of both
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(0.1, 1.0))
    ax.set_title("phase sensitivity (simple > 1 > complex)", fontsize=9)
    return ax


def plot_contrast_response(data: xr.Dataset, *, ax=None, **kwargs):
    """Mean contrast response of simple and complex cells, each normalised by its response at the highest contrast.

    Parameters
    ----------
    data : xarray.Dataset
        From the ``gratings_v1`` experiment: ``contrast_response`` (contrast x
        neuroid) with a ``cell_type`` coord on neuroid.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"contrast_response": (("contrast", "neuroid"), [[1, 1, 1], [5, 6, 5], [9, 10, 9]])},
    ...                 coords={"contrast": [0.1, 0.4, 1.0], "cell_type": ("neuroid", ["simple", "complex", "simple"])})
    >>> plot_contrast_response(ds).get_ylabel()
    'response / response at contrast 1'
    """
    data = _v1_dataset(data, ("contrast_response",))
    ax = get_ax(ax)
    resp = data["contrast_response"].transpose("contrast", "neuroid")
    contrasts = resp["contrast"].values
    ctype = data["cell_type"].values
    for t, c, style in (("simple", "C1", "s-"), ("complex", "C2", "o--")):
        m = resp.values[:, ctype == t]
        ax.plot(contrasts, np.nanmean(m / m[-1], axis=1), style,
                **{"color": c, "label": t, "mfc": "none" if t == "complex" else None, **kwargs})
    ax.set_xscale("log")
    ax.set_xlabel("contrast")
    ax.set_ylabel("response / response at contrast 1")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("contrast response (divisive normalisation)", fontsize=9)
    return ax
