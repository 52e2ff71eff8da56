"""Plot of a parameter sweep's merged Dataset (from :func:`neurocomp.sweep.run_sweep`).

Moved here from :mod:`neurocomp.sweep` (issue 22: plotting lives in
:mod:`neurocomp.plotting`); ``from neurocomp.sweep import plot_sweep`` keeps working.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError

__all__ = ["plot_sweep"]


def _log_spaced(values) -> bool:
    """Whether the swept values are positive and span a factor of 10 or more (learning rates,
    penalties, sizes): drawn on a log axis, the small values are not crowded together."""
    v = np.sort(np.asarray(values))
    return bool(v.dtype.kind in "iuf" and v.size >= 2 and v[0] > 0 and v[-1] / v[0] >= 10)


def plot_sweep(ds: xr.Dataset, *, variable: str | None = None, x: str | None = None, ax=None):
    """Line plot of a swept result: mean ± s.e.m. over seeds against one dimension.

    Parameters
    ----------
    ds : xarray.Dataset
        A Dataset returned by :func:`run_sweep`.
    variable : str, optional
        The variable to draw; default the first numeric data variable.
    x : str, optional
        The dimension on the x axis; default the first swept parameter. It may
        also be a dimension of the runs themselves (e.g. ``"load"`` of a
        capacity curve).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    One line per value of the first swept parameter that is not ``x`` (if
    any); every other dimension except ``seed`` is averaged first, then the
    mean and its standard error are taken over ``seed``.

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"error": (("load", "seed"), [[0.0, 0.001, 0.0], [0.02, 0.03, 0.025]],
    ...                            {"units": "1", "long_name": "fraction of bits in error"})},
    ...                 coords={"load": ("load", [0.1, 0.2], {"long_name": "load (swept parameter)"}), "seed": [0, 1, 2]})
    >>> ax = plot_sweep(ds)                    # the shape of run_sweep's result
    >>> ax.get_xlabel(), ax.get_title()
    ('load', 'mean ± s.e.m. over 3 seeds')
    """
    from neurocomp._validation import check_option
    from neurocomp.plotting._core import axis_label, get_ax

    spec = json.loads(ds.attrs.get("spec", "{}"))
    swept = [d for d in spec.get("sweep", {}) if d != "seeds" and d in ds.dims] or [
        d for d in ds.dims if d != "seed"][:1]
    numeric = [n for n, v in ds.data_vars.items() if n != "point_seed" and v.dtype.kind in "biuf"]
    if variable is None:
        if not numeric:
            raise ValidationError(f"ds must hold a numeric data variable to plot; got {list(ds.data_vars)}")
        variable = numeric[0]
    check_option("variable", variable, numeric)
    var = ds[variable]
    x = swept[0] if x is None else x
    check_option("x", x, [d for d in var.dims if d != "seed"])
    hue = next((d for d in swept if d != x and d in var.dims), None)
    keep = [d for d in (x, hue, "seed") if d is not None and d in var.dims]
    per_seed = var.astype(float).mean([d for d in var.dims if d not in keep])
    has_seeds = "seed" in per_seed.dims and per_seed.sizes["seed"] > 1
    mean = per_seed.mean("seed") if "seed" in per_seed.dims else per_seed
    sem = per_seed.std("seed", ddof=1) / np.sqrt(per_seed.count("seed")) if has_seeds else None
    ax = get_ax(ax)
    xs = ds[x].values
    for value in ([None] if hue is None else list(ds[hue].values)):
        sel = {} if value is None else {hue: value}
        y = mean.sel(sel).transpose(x).values
        hue_name = str(ds[hue].attrs.get("long_name") or hue).replace(" (swept parameter)", "").replace("_", " ") if hue else ""
        label = None if value is None else f"{hue_name} = {value}"
        if sem is not None:
            ax.errorbar(xs, y, yerr=sem.sel(sel).transpose(x).values, marker="o", capsize=3, label=label)
        else:
            ax.plot(xs, y, marker="o", label=label)
    ax.set_xlabel(axis_label(ds[x], x).replace(" (swept parameter)", "").replace("_", " "))
    ax.set_ylabel(axis_label(var, variable).replace("_", " "))
    if _log_spaced(xs):  # e.g. learning rates 0.01, 0.05, 0.1: a linear axis crowds the small ones
        ax.set_xscale("log")
    if hue is not None:
        ax.legend(fontsize="small")
    if has_seeds:
        ax.set_title(f"mean ± s.e.m. over {per_seed.sizes['seed']} seeds", fontsize="small")
    return ax
