"""Figures for the ventral-stream models: filter banks, feature maps, tolerance curves.

Each function takes the data and ``ax=None`` and returns the Axes; none computes
model quantities (the experiments in :mod:`neurocomp.experiments.vision` do).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError
from neurocomp.plotting._core import get_ax

__all__ = ["plot_filter_bank", "plot_tolerance"]


def plot_filter_bank(filters: xr.DataArray, *, ax=None, row_label: str | None = None, col_label: str | None = None,
                     symmetric: bool = True, cmap: str = "RdBu_r", **kwargs):
    """A mosaic of 2-D filters or maps: one tile per (row, column) of a (row, col, y, x) DataArray.

    Parameters
    ----------
    filters : DataArray with dims (row dim, column dim, y, x)
        E.g. HMAX's S1 bank (``size`` × ``orientation``), C1 maps (``band`` ×
        ``orientation``) or learned features (``row`` × ``col``). Coordinate
        values of the first two dims label the rows and columns. Each tile is divided by its
        largest magnitude; all-NaN tiles are left blank.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes (sized to the mosaic) if None.
    row_label, col_label : str, optional
        Axis labels (default: the dims' names and units).
    symmetric : bool
        Colour scale symmetric about 0 for each tile (filters); otherwise 0 to
        the tile's maximum (responses).
    cmap : str, default "RdBu_r"
        Colour map when ``symmetric``; otherwise ``cmap_pos`` in ``kwargs`` (default "magma").
    **kwargs
        Passed to ``Axes.imshow``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> bank = xr.DataArray(np.random.default_rng(0).normal(size=(2, 4, 7, 7)), dims=("size", "orientation", "y", "x"),
    ...                     coords={"size": [7, 9], "orientation": ("orientation", [0, 45, 90, 135], {"units": "deg"})})
    >>> ax = plot_filter_bank(bank)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('orientation [deg]', 'size')
    """
    if not isinstance(filters, xr.DataArray) or filters.ndim != 4:
        raise ValidationError(f"filters must be a 4-D DataArray (row, column, y, x); got {getattr(filters, 'dims', type(filters).__name__)}")
    rdim, cdim = filters.dims[:2]
    nr, nc, h, w = filters.shape
    pad = 1 if h < 12 else 2
    canvas = np.full((nr * (h + pad) - pad, nc * (w + pad) - pad), np.nan)
    for i in range(nr):
        for j in range(nc):
            tile = np.asarray(filters[i, j], float)
            if np.isnan(tile).all():
                continue
            m = np.nanmax(np.abs(tile)) or 1.0
            canvas[i * (h + pad):i * (h + pad) + h, j * (w + pad):j * (w + pad) + w] = tile / m
    ax = get_ax(ax, figsize=(1.0 + 0.5 * nc * max(w / h, 0.5), 1.0 + 0.5 * nr))
    vmin = -1 if symmetric else 0
    ax.imshow(canvas, cmap=cmap if symmetric else kwargs.pop("cmap_pos", "magma"), vmin=vmin, vmax=1,
              interpolation="nearest", **kwargs)
    ax.set_xticks([j * (w + pad) + w / 2 for j in range(nc)])
    ax.set_yticks([i * (h + pad) + h / 2 for i in range(nr)])

    def fmt(v):
        v = v.item() if hasattr(v, "item") else v
        return f"{v:g}" if isinstance(v, float) else str(v)

    ax.set_xticklabels([fmt(v) for v in filters[cdim].values] if cdim in filters.coords else range(nc), fontsize=7)
    ax.set_yticklabels([fmt(v) for v in filters[rdim].values] if rdim in filters.coords else range(nr), fontsize=7)

    def label(dim, given):
        if given is not None:
            return given
        units = filters[dim].attrs.get("units") if dim in filters.coords else None
        name = filters[dim].attrs.get("long_name", dim) if dim in filters.coords else dim
        return f"{name} [{units}]" if units and units != "1" else name

    ax.set_xlabel(label(cdim, col_label))
    ax.set_ylabel(label(rdim, row_label))
    return ax


def plot_tolerance(curves: xr.DataArray, *, ax=None, dim: str = "shift", hue: str | None = None, chance=None,
                   errors: xr.DataArray | None = None, **kwargs):
    """Lines of a quantity against a transformation's size (e.g. accuracy or similarity vs shift).

    Parameters
    ----------
    curves : DataArray (hue, dim) or (dim,)
        Its ``long_name``/``units`` label the y axis, the ``dim`` coord's the x axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    dim : str
        The transformation's dim (x axis).
    hue : str, optional
        The dim drawn as separate lines (default: the other dim).
    chance : float, optional
        A dashed horizontal line (e.g. chance accuracy).
    errors : DataArray like ``curves``, optional
        Standard errors, drawn as bars.
    **kwargs
        Passed to ``ax.errorbar`` for every line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import xarray as xr
    >>> curves = xr.DataArray([[0.9, 0.7, 0.4], [0.95, 0.9, 0.85]], dims=("model", "shift"),
    ...                       coords={"model": ["pixels", "hmax"],
    ...                               "shift": ("shift", [0, 2, 4], {"units": "pixel", "long_name": "shift"})},
    ...                       attrs={"long_name": "accuracy", "units": "1"})
    >>> ax = plot_tolerance(curves, chance=0.1)
    >>> ax.get_xlabel(), ax.get_legend_handles_labels()[1]
    ('shift [pixel]', ['chance', 'pixels', 'hmax'])
    """
    if not isinstance(curves, xr.DataArray) or dim not in curves.dims or curves.ndim > 2:
        raise ValidationError(f"curves must be a 1-D or 2-D DataArray with a {dim!r} dim; got {getattr(curves, 'dims', None)}")
    ax = get_ax(ax)
    if curves.ndim == 1:
        curves = curves.expand_dims(_line=[curves.name or ""])
        errors = errors.expand_dims(_line=[curves.name or ""]) if errors is not None else None
    hue = hue or next(d for d in curves.dims if d != dim)
    x = curves[dim].values
    for i, h in enumerate(curves[hue].values):
        y = curves.sel({hue: h}).values
        e = errors.sel({hue: h}).values if errors is not None else None
        ax.errorbar(x, y, yerr=e, marker="o", ms=4, capsize=2, label=str(h), **kwargs)
    if chance is not None:
        ax.axhline(chance, color="0.5", ls="--", lw=1, label="chance")
    xa = curves[dim].attrs
    ax.set_xlabel(f"{xa.get('long_name', dim)} [{xa['units']}]" if xa.get("units") not in (None, "1") else xa.get("long_name", dim))
    ya = curves.attrs
    ax.set_ylabel(f"{ya.get('long_name', curves.name)} [{ya['units']}]" if ya.get("units") not in (None, "1")
                  else ya.get("long_name", curves.name or ""))
    ax.legend(fontsize=8, frameon=False)
    return ax
