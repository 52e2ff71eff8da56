"""Figures for independent component analysis: signals, filter mosaics, Ringach's (nx, ny) plane.

Each function takes the data and ``ax=None`` and returns the Axes; none
computes theory or calls ``plt.show()``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_int
from neurocomp.plotting._core import get_ax

__all__ = ["plot_signals", "plot_filters", "plot_nx_ny"]


def plot_signals(signals: xr.DataArray, *, ax=None, spacing: float = 4.0, labels=None, **kwargs):
    """Stacked traces, one per row of a (component or channel) × time DataArray.

    Parameters
    ----------
    signals : DataArray (component or channel, time)
        Time coordinate in s; amplitudes of order one (e.g. unit variance).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    spacing : float
        Vertical offset between traces, in amplitude units.
    labels : sequence of str, optional
        One tick label per trace (default: the ``kind`` coord, else the row index).
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from neurocomp.ica.signals import cocktail_party
    >>> ax = plot_signals(cocktail_party(("speech", "sine"), duration=0.1, rng=0)["sources"])
    >>> ax.get_xlabel()
    'time [s]'
    """
    if not isinstance(signals, xr.DataArray) or signals.ndim != 2 or signals.dims[1] != "time":
        raise ValidationError(f"signals must be a DataArray with dims (component or channel, 'time'); got {getattr(signals, 'dims', type(signals).__name__)}")
    ax = get_ax(ax, figsize=(6.0, 0.6 * signals.shape[0] + 1.0))
    row = signals.dims[0]
    t = signals["time"].values
    n = signals.shape[0]
    if labels is None:
        labels = [str(v) for v in signals["kind"].values] if "kind" in signals.coords else [f"{row} {i}" for i in range(n)]
    kwargs.setdefault("lw", 0.5)
    kwargs.setdefault("color", "k")
    for i in range(n):
        ax.plot(t, signals.values[i] - i * spacing, **kwargs)
    ax.set_yticks([-i * spacing for i in range(n)], labels, fontsize=7)
    ax.set_xlabel("time [s]")
    ax.set_xlim(t[0], t[-1])
    ax.spines[["top", "right", "left"]].set_visible(False)
    return ax


def plot_filters(filters, *, ax=None, n_columns: int | None = None, pad: int = 1, **kwargs):
    """A mosaic of 2-D filters, each scaled to its own largest absolute value (mid-grey = 0).

    Parameters
    ----------
    filters : DataArray or array, shape (n_components, height, width)
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    n_columns : int, optional
        Filters per row (default: about the square root of their number).
    pad : int
        Pixels of white between filters.
    **kwargs
        Passed to ``Axes.imshow``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> ax = plot_filters(np.random.default_rng(0).normal(size=(6, 5, 5)))
    >>> len(ax.images)
    1
    """
    F = np.asarray(getattr(filters, "values", filters), float)
    if F.ndim != 3:
        raise ValidationError(f"filters must have shape (n_components, height, width); got {F.shape}")
    n, h, w = F.shape
    n_columns = int(np.ceil(np.sqrt(n))) if n_columns is None else check_int("n_columns", n_columns, low=1)
    n_rows = int(np.ceil(n / n_columns))
    ax = get_ax(ax, figsize=(0.4 * n_columns + 0.5, 0.4 * n_rows + 0.5))
    scale = np.abs(F).max(axis=(1, 2), keepdims=True)
    scale[scale == 0] = 1.0
    F = F / scale
    mosaic = np.full((n_rows * (h + pad) - pad, n_columns * (w + pad) - pad), np.nan)
    for i in range(n):
        r, c = divmod(i, n_columns)
        mosaic[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = F[i]
    import matplotlib as mpl

    cmap = mpl.colormaps[kwargs.pop("cmap", "gray")].with_extremes(bad="white")
    ax.imshow(mosaic, cmap=cmap, vmin=-1, vmax=1, interpolation="nearest", **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def plot_nx_ny(fits: xr.Dataset, *, ax=None, label=None, limit: float = 1.5, **kwargs):
    """Ringach's (2002) plane: ``ny = σy f`` against ``nx = σx f``, one point per filter.

    Parameters
    ----------
    fits : Dataset
        From :func:`neurocomp.ica.fit_gabor`, with ``nx`` and ``ny`` over ``component``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    label : str, optional
        Legend entry.
    limit : float
        Upper limit of both axes (points beyond are drawn on the edge).
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import xarray as xr
    >>> fits = xr.Dataset({"nx": ("component", [0.2, 0.6]), "ny": ("component", [0.3, 0.9])})
    >>> plot_nx_ny(fits).get_xlabel().endswith("(cycles across the bars)")
    True
    """
    if not isinstance(fits, xr.Dataset) or "nx" not in fits or "ny" not in fits:
        raise ValidationError("fits must be a Dataset with variables 'nx' and 'ny' (from fit_gabor)")
    ax = get_ax(ax, figsize=(4.2, 4.0))
    nx = np.clip(fits["nx"].values, 0, limit)
    ny = np.clip(fits["ny"].values, 0, limit)
    kwargs.setdefault("s", 14)
    ax.scatter(nx, ny, label=label, **kwargs)
    ax.set_xlim(0, limit)
    ax.set_ylim(0, limit)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$n_x = \sigma_x f$ (cycles across the bars)")
    ax.set_ylabel(r"$n_y = \sigma_y f$ (cycles along the bars)")
    if label is not None:
        ax.legend(frameon=False, fontsize="small")
    return ax
