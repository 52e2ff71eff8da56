"""Figures for model-to-brain analysis: layer x region scores, RDMs, held-out predictions.

Each function takes the data and ``ax=None`` and returns the Axes (Yamins et al.
2014; Schrimpf et al. 2018, Brain-Score; Kriegeskorte et al. 2008, RSA;
Kornblith et al. 2019, CKA).
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_option
from neurocomp.plotting._core import get_ax

__all__ = ["plot_layer_region_scores", "plot_preferred_depth", "plot_rdm", "plot_prediction"]


_NORM_WORDS = {"r2_over_ceiling": "r\u00b2 / noise ceiling", "ratio_squared": "(r / noise ceiling)\u00b2"}


def plot_layer_region_scores(ds, *, ax=None, kind: str = "ceiled", **kwargs):
    """Score per layer, one line per region, with bootstrap bands, each region's best layer marked.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`neurocomp.analysis.layer_region_scores`.
    ax : matplotlib Axes, optional
    kind : {"ceiled", "raw"}
        ``"ceiled"``: ceiled score (named in words on the axis, e.g.
        "r² / noise ceiling") with its bootstrap interval; the noise ceiling is 1
        and the region above it is shaded grey. ``"raw"``: median held-out r with
        its interval; each region's ceiling on r, sqrt(ceiling) (the ceiling is a
        squared correlation, the reliability), drawn as a band in the region's colour.
    **kwargs
        Passed to ``Axes.plot`` for the lines.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Coloured bands: the paired bootstrap interval of each score (level in
    ``ds.attrs["ci_level"]``). A star with an error bar marks each region's best
    layer and its interval; open circles mark the layers whose paired difference
    from the best has an interval containing 0 (not separable from the best).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from neurocomp.analysis import layer_region_scores
    >>> g = np.random.default_rng(0)
    >>> ids = {"stimulus_id": ("presentation", [f"s{i}" for i in range(40)])}
    >>> latent = g.normal(size=(40, 4))                       # what the stimuli share with the cortex
    >>> acts = xr.DataArray(np.hstack([latent @ g.normal(size=(4, 6)), g.normal(size=(40, 6))]),
    ...                     dims=("presentation", "neuroid"), coords={**ids, "layer": ("neuroid", ["conv1"] * 6 + ["fc1"] * 6)})
    >>> rec = xr.DataArray(latent @ g.normal(size=(4, 6)) + 0.5 * g.normal(size=(4, 40, 6)),
    ...                    dims=("repetition", "presentation", "neuroid"),
    ...                    coords={**ids, "region": ("neuroid", ["V4"] * 3 + ["IT"] * 3)})
    >>> scores = layer_region_scores(acts, rec, method="ridge", n_splits=2, n_bootstrap=20, rng=0)
    >>> ax = plot_layer_region_scores(scores)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('model layer', 'ceiled score, r² / noise ceiling')
    """
    check_option("kind", kind, ("ceiled", "raw"))
    for var in ("raw_score", "ceiled_score", "ceiling"):
        if var not in getattr(ds, "data_vars", {}):
            raise ValidationError(
                f"ds must be the Dataset returned by layer_region_scores (with {var!r}); "
                f"got variables {sorted(getattr(ds, 'data_vars', {}))}"
            )
    ax = get_ax(ax, figsize=(5.5, 3.8))
    layers = [str(v) for v in ds["layer"].values]
    x = np.arange(len(layers))
    score = ds["ceiled_score"] if kind == "ceiled" else ds["raw_score"]
    low = ds["ci_low"] if kind == "ceiled" else ds["raw_ci_low"]
    high = ds["ci_high"] if kind == "ceiled" else ds["raw_ci_high"]
    level = ds.attrs.get("ci_level", 0.95)
    for i, region in enumerate(ds["region"].values):
        color = f"C{i}"
        y = score.sel(region=region).values
        ax.plot(x, y, "o-", color=color, label=str(region), ms=4, **kwargs)
        lo, hi = low.sel(region=region).values, high.sel(region=region).values
        if np.isfinite(lo).any():
            ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
        finite = np.where(np.isfinite(y), y, -np.inf)
        b = int(np.argmax(finite))
        if np.isfinite(y[b]):
            err = None
            if np.isfinite(lo[b]) and np.isfinite(hi[b]):
                err = [[max(y[b] - lo[b], 0.0)], [max(hi[b] - y[b], 0.0)]]
            ax.errorbar([x[b]], [y[b]], yerr=err, fmt="*", ms=13, color=color, mec="k", mew=0.6,
                        capsize=4, elinewidth=1.4, zorder=5)
            if "tied_with_best" in ds:
                tied = ds["tied_with_best"].sel(region=region).values.astype(bool)
                tied[b] = False
                if tied.any():
                    ax.plot(x[tied], y[tied], "o", ms=9, mfc="none", mec=color, mew=1.2, zorder=4)
        if kind == "raw":
            # the largest r a model can reach is sqrt(ceiling): the ceiling is a squared correlation
            c = float(ds["ceiling"].sel(region=region))
            err = float(ds["ceiling_error"].sel(region=region)) if "ceiling_error" in ds else 0.0
            top = np.sqrt(max(c, 0.0))
            half = max(err / (2 * top) if top > 0 else 0.0, 0.004)
            ax.axhspan(top - half, top + half, color=color, alpha=0.3, linewidth=0)
            ax.annotate(f"{region}: sqrt(ceiling)", (x[-1], top), textcoords="offset points",
                        xytext=(0, 3 + 9 * i), ha="right", va="bottom", fontsize=7, color=color)
    if kind == "ceiled":
        ymax = float(np.nanmax(high.values)) if np.isfinite(high.values).any() else float(np.nanmax(score.values))
        top = 1.05 if ymax > 0.8 else max(0.1, 1.15 * ymax)
        if top > 1.0:
            ax.axhspan(1.0, top, color="0.85", zorder=0, linewidth=0)
            ax.axhline(1.0, color="0.4", lw=0.8, ls="--")
            ax.text(x[-1], 1.0, "noise ceiling ", va="bottom", ha="right", fontsize=7, color="0.3")
        words = _NORM_WORDS.get(ds.attrs.get("normalization", ""), ds.attrs.get("normalization_formula", ""))
        ax.set_ylabel(f"ceiled score, {words}" if words else "ceiled score")
        floor = float(np.nanmin(low.values)) if np.isfinite(low.values).any() else 0.0
        ax.set_ylim(min(0.0, floor), top)
    else:
        ax.set_ylabel("neural predictivity (median held-out r)")
    ax.set_xticks(x, layers, rotation=30 if len(layers) > 4 else 0)
    ax.set_xlabel("model layer")
    method = ds.attrs.get("method", "")
    ax.set_title(f"layer x region ({method})" if method else "layer x region", fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], marker="*", ls="none", color="0.3", ms=10, mec="k", mew=0.6),
                Line2D([], [], marker="o", ls="none", mfc="none", mec="0.3", ms=8)]
    labels += ["best layer, its interval", "not separable from best"]
    ax.legend(handles, labels, title=f"region (bands: {level:.0%} bootstrap)", fontsize=7, title_fontsize=7,
              frameon=False)
    return ax


def plot_preferred_depth(ds, *, ax=None, offset: float = 0.0, label: str | None = None, **kwargs):
    """Each region's preferred layer depth with its interval (the hierarchy, measured).

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`neurocomp.analysis.layer_region_scores` (with
        ``preferred_depth`` and its ``_low``/``_high`` interval).
    ax : matplotlib Axes, optional
    offset : float
        Horizontal shift of the points (to draw several networks side by side).
    label : str, optional
        Legend label.
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from neurocomp.analysis import layer_region_scores
    >>> g = np.random.default_rng(0)
    >>> ids = {"stimulus_id": ("presentation", [f"s{i}" for i in range(40)])}
    >>> latent = g.normal(size=(40, 4))
    >>> acts = xr.DataArray(np.hstack([latent @ g.normal(size=(4, 6)), g.normal(size=(40, 6))]),
    ...                     dims=("presentation", "neuroid"), coords={**ids, "layer": ("neuroid", ["conv1"] * 6 + ["fc1"] * 6)})
    >>> rec = xr.DataArray(latent @ g.normal(size=(4, 6)) + 0.5 * g.normal(size=(4, 40, 6)),
    ...                    dims=("repetition", "presentation", "neuroid"),
    ...                    coords={**ids, "region": ("neuroid", ["V4"] * 3 + ["IT"] * 3)})
    >>> scores = layer_region_scores(acts, rec, method="ridge", n_splits=2, n_bootstrap=20, rng=0)
    >>> plot_preferred_depth(scores).get_ylabel()
    'preferred layer depth (0 first, 1 last layer)'
    """
    if "preferred_depth" not in getattr(ds, "data_vars", {}):
        raise ValidationError("ds must be a layer_region_scores Dataset with 'preferred_depth'")
    ax = get_ax(ax, figsize=(3.5, 3.5))
    regions = [str(r) for r in ds["region"].values]
    x = np.arange(len(regions)) + offset
    y = ds["preferred_depth"].values
    lo, hi = ds["preferred_depth_low"].values, ds["preferred_depth_high"].values
    err = np.array([y - lo, hi - y]) if np.isfinite(lo).all() else None
    kwargs.setdefault("ls", "-")
    ax.errorbar(x, y, yerr=err, fmt="o", capsize=3, label=label, **kwargs)
    ax.set_xticks(np.arange(len(regions)), regions)
    ax.set_xlabel("region")
    ax.set_ylabel("preferred layer depth (0 first, 1 last layer)")
    ax.set_ylim(0, 1)
    return ax


def plot_rdm(rdm, *, ax=None, cmap: str = "viridis", **kwargs):
    """Show a representational dissimilarity matrix.

    Parameters
    ----------
    rdm : xarray.DataArray
        Square (presentation x presentation_2) matrix from
        :func:`neurocomp.analysis.rdm`, or a square ndarray.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure's Axes if None.
    cmap : str, default "viridis"
        Matplotlib colour map.
    **kwargs
        Passed to ``ax.imshow``.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on (with a colour bar labelled by the matrix's ``metric`` attr).

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.analysis.rsa import rdm
    >>> plot_rdm(rdm(np.random.default_rng(0).normal(size=(12, 30)))).get_xlabel()
    'stimulus (presentation index)'
    """
    values = np.asarray(getattr(rdm, "values", rdm), dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValidationError(f"rdm must be a square 2-D matrix; got shape {values.shape}")
    ax = get_ax(ax, figsize=(4.2, 3.8))
    im = ax.imshow(values, cmap=cmap, interpolation="nearest", **kwargs)
    metric = getattr(rdm, "attrs", {}).get("metric", "")
    ax.figure.colorbar(im, ax=ax, label=f"dissimilarity ({metric})" if metric else "dissimilarity")
    ax.set_xlabel("stimulus (presentation index)")
    ax.set_ylabel("stimulus (presentation index)")
    return ax


def plot_prediction(time, observed, predicted, *, ax=None, r=None, units: str = "", **kwargs):
    """Observed vs held-out predicted response over time (or stimulus index).

    Parameters
    ----------
    time : ndarray (n,)
        Time of each bin [s] (or any x axis).
    observed, predicted : ndarray (n,)
        Observed and predicted response, in ``units``.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure's Axes if None.
    r : float, optional
        Held-out Pearson r to show in the legend.
    units : str
        Units of the response for the y label.
    **kwargs
        Passed to ``ax.plot`` for the observed trace.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 1, 50)
    >>> ax = plot_prediction(t, np.sin(6 * t), 0.9 * np.sin(6 * t), r=0.98, units="Hz")
    >>> ax.get_ylabel(), ax.get_legend_handles_labels()[1]
    ('response [Hz]', ['observed', 'predicted (held out), r = 0.98'])
    """
    time = np.asarray(time, dtype=float)
    observed = np.asarray(observed, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if not (time.shape == observed.shape == predicted.shape) or time.ndim != 1:
        raise ValidationError(
            f"time, observed and predicted must be 1-D of equal length; got {time.shape}, {observed.shape}, "
            f"{predicted.shape}"
        )
    ax = get_ax(ax, figsize=(6.5, 3.0))
    ax.plot(time, observed, color="0.3", lw=0.9, label="observed", **kwargs)
    label = "predicted (held out)" + (f", r = {r:.2f}" if r is not None else "")
    ax.plot(time, predicted, color="C3", lw=1.2, label=label)
    ax.set_xlabel("time [s]")
    ax.set_ylabel(f"response [{units}]" if units else "response")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    return ax
