"""Figures for model-to-brain analysis: layer x region scores, RDMs, held-out predictions.

Each function takes the data and ``ax=None`` and returns the Axes (Yamins et al.
2014; Schrimpf et al. 2018, Brain-Score; Kriegeskorte et al. 2008, RSA;
Kornblith et al. 2019, CKA).
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_option
from neurocomp.plotting._core import get_ax

__all__ = ["plot_layer_region_scores", "plot_rdm", "plot_prediction"]


def plot_layer_region_scores(ds, *, ax=None, kind: str = "ceiled", **kwargs):
    """Score per layer, one line per region, with bootstrap bands and the noise ceiling shaded.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`neurocomp.analysis.layer_region_scores`.
    ax : matplotlib Axes, optional
    kind : {"ceiled", "raw"}
        ``"ceiled"``: ceiled score with its bootstrap interval; the ceiling is 1
        and the region above it is shaded. ``"raw"``: median held-out r with its
        interval; each region's ceiling on r, sqrt(ceiling) (the ceiling is a
        squared correlation, the reliability), drawn as a band in the region's colour.
    **kwargs
        Passed to ``Axes.plot`` for the lines.

    Returns
    -------
    matplotlib Axes
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
    for i, region in enumerate(ds["region"].values):
        color = f"C{i}"
        ax.plot(x, score.sel(region=region).values, "o-", color=color, label=str(region), **kwargs)
        lo, hi = low.sel(region=region).values, high.sel(region=region).values
        if np.isfinite(lo).any():
            ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
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
        top = max(1.05, float(np.nanmax(high.values)) + 0.05 if np.isfinite(high.values).any() else 1.05)
        ax.axhspan(1.0, top, color="0.85", zorder=0, linewidth=0)
        ax.axhline(1.0, color="0.4", lw=0.8, ls="--")
        ax.text(x[-1], 1.0, "noise ceiling ", va="bottom", ha="right", fontsize=7, color="0.3")
        norm = ds.attrs.get("normalization_formula", ds.attrs.get("normalization", ""))
        ax.set_ylabel(f"ceiled score, {norm}" if norm else "ceiled score")
        ax.set_ylim(min(0.0, float(np.nanmin(low.values)) if np.isfinite(low.values).any() else 0.0), top)
    else:
        ax.set_ylabel("neural predictivity (median held-out r)")
    ax.set_xticks(x, layers, rotation=30 if len(layers) > 4 else 0)
    ax.set_xlabel("model layer")
    method = ds.attrs.get("method", "")
    ax.set_title(f"layer x region ({method})" if method else "layer x region", fontsize=9)
    ax.legend(title="region", fontsize=8, frameon=False)
    return ax


def plot_rdm(rdm, *, ax=None, cmap: str = "viridis", **kwargs):
    """Show a representational dissimilarity matrix.

    Parameters
    ----------
    rdm : xarray.DataArray
        Square (presentation x presentation_2) matrix from
        :func:`neurocomp.analysis.rdm`, or a square ndarray.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
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
    r : float, optional
        Held-out Pearson r to show in the legend.
    units : str
        Units of the response for the y label.

    Returns
    -------
    matplotlib Axes
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
