"""Figures for criticality: avalanche distributions with fits, <S>(T), lag slopes, dynamic range.

Each function draws the data it is given on ``ax`` (a new Axes if None) and returns it.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from neurocomp.plotting._core import get_ax

__all__ = ["plot_distribution", "plot_mean_size", "plot_lag_slopes", "plot_subsampling", "plot_response_curves",
           "plot_dynamic_range"]


def plot_distribution(values, *, fit=None, ax=None, label=None, color="C0"):
    """Probability of integer events on log-log axes (logarithmic bins above 10), with the fitted power law.

    Parameters
    ----------
    values : array_like of int
        Positive integer events, e.g. avalanche sizes (events) or durations (bins).
    fit : xarray.Dataset, optional
        A power-law fit from :func:`neurocomp.criticality.fit_power_law` (``alpha``, ``alpha_se``,
        ``xmin``); drawn as a dashed line over the tail x ≥ xmin, scaled by the tail's share of
        the events.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    label : str, optional
        Legend label of the histogram.
    color : str, default "C0"
        Matplotlib colour of the histogram's markers.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; y is the probability per unit of size (a density over integers).

    Examples
    --------
    >>> from neurocomp.criticality import fit_power_law, galton_watson_avalanches
    >>> sizes = galton_watson_avalanches(m=1.0, n_avalanches=2000, max_size=10**4, rng=0)["size"].values
    >>> ax = plot_distribution(sizes, fit=fit_power_law(sizes))
    >>> ax.get_ylabel(), len(ax.lines)                  # histogram and fitted power law
    ('probability per unit of size', 2)
    """
    ax = get_ax(ax)
    x = np.asarray(values)
    top = int(x.max())
    edges = np.unique(np.concatenate([np.arange(1, min(top, 10) + 2),
                                      np.floor(np.logspace(1, np.log10(top + 1), 40)).astype(int) + 1]))
    edges = edges[edges <= top + 1]
    if edges[-1] <= top:
        edges = np.append(edges, top + 1)
    counts, _ = np.histogram(x, bins=edges)
    width = np.diff(edges)
    p = counts / width / len(x)
    centre = np.sqrt(edges[:-1] * (edges[1:] - 1).clip(min=edges[:-1]))
    ok = counts > 0
    ax.loglog(centre[ok], p[ok], "o", ms=3, color=color, label=label)
    if fit is not None:
        a, xm = float(fit.alpha), int(fit.xmin)
        xs = np.logspace(np.log10(xm), np.log10(top), 200)
        frac = (x >= xm).mean()
        ax.loglog(xs, frac * xs ** (-a) / special.zeta(a, xm), "k--", lw=1,
                  label=f"fit α = {a:.3f} ± {float(fit.alpha_se):.3f} (x ≥ {xm})")
    ax.set_ylabel("probability per unit of size")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_mean_size(av, *, gamma_fit=None, gamma_predicted=None, ax=None):
    """Mean avalanche size against duration (the crackling-noise relation).

    Parameters
    ----------
    av : xarray.Dataset
        Avalanches from :func:`neurocomp.criticality.avalanches`: ``size`` (events) and
        ``duration`` (bins) over dim ``avalanche``.
    gamma_fit : float, optional
        Fitted exponent γ of <S>(T) ∝ T^γ, drawn as a dashed line anchored on durations 5-500.
    gamma_predicted : float, optional
        The exponent predicted from the size and duration exponents, (α_T − 1)/(α_S − 1),
        shown in the legend.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Friedman, N. et al. (2012). Universal critical dynamics in high resolution neuronal
       avalanche data. Phys. Rev. Lett. 108, 208102.

    Examples
    --------
    >>> from neurocomp.criticality import galton_watson_avalanches
    >>> ax = plot_mean_size(galton_watson_avalanches(m=1.0, n_avalanches=2000, max_size=10**4, rng=0), gamma_fit=2.0)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('avalanche duration (steps)', 'mean avalanche size')
    """
    ax = get_ax(ax)
    sizes, durs = av["size"].values, av["duration"].values
    T = np.unique(durs)
    means = np.array([sizes[durs == t].mean() for t in T])
    ax.loglog(T, means, ".", ms=3, color="C0", label="simulated")
    if gamma_fit is not None:
        mid = (T >= 5) & (T <= 500)
        mid = mid if mid.any() else np.ones_like(T, bool)
        logref = np.mean(np.log(means[mid]) - gamma_fit * np.log(T[mid]))
        ax.loglog(T, np.exp(logref) * T**gamma_fit, "k--", lw=1, label=f"fit γ = {gamma_fit:.2f}")
    if gamma_predicted is not None:
        ax.plot([], [], " ", label=f"(α_T − 1)/(α_S − 1) = {gamma_predicted:.2f}")
    ax.set_xlabel("avalanche duration (steps)")
    ax.set_ylabel("mean avalanche size")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_lag_slopes(slopes, *, ax=None):
    """Regression slopes r_k against lag (log scale), one line per number of observed units.

    Parameters
    ----------
    slopes : xarray.DataArray
        Slopes r_k of a(t + k) on a(t) (dimensionless), dims ``(n_observed, lag)`` with ``lag``
        in s (drawn in ms); non-positive slopes are left out of the log axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Wilting, J. & Priesemann, V. (2018). Inferring collective dynamical states from
       widely unobserved systems. Nat. Commun. 9, 2325.

    Examples
    --------
    >>> import xarray as xr
    >>> slopes = xr.DataArray([[0.9, 0.81, 0.73], [0.5, 0.45, 0.4]], dims=("n_observed", "lag"),
    ...                       coords={"n_observed": [1000, 10], "lag": [0.004, 0.008, 0.012]})
    >>> ax = plot_lag_slopes(slopes)
    >>> ax.get_xlabel(), len(ax.lines)
    ('lag (ms)', 2)
    """
    ax = get_ax(ax)
    lag = slopes["lag"].values
    for i, n in enumerate(slopes["n_observed"].values):
        r = slopes.sel(n_observed=n).values
        ok = r > 0
        ax.semilogy(lag[ok] * 1e3, r[ok], color=f"C{i}", label=f"{n} units observed")
    ax.set_xlabel("lag (ms)")
    ax.set_ylabel("slope of a(t + k) on a(t)")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_subsampling(table, *, m_true, ax=None):
    """Estimated branching ratio against the number of observed units: conventional vs MR, with intervals.

    Parameters
    ----------
    table : pandas.DataFrame or xarray.Dataset
        One row per number of observed units: ``n_observed`` and, for ``key`` in
        ``("conventional", "mr")``, the estimate ``m_<key>`` and its interval ``<key>_low``,
        ``<key>_high`` (dimensionless); intervals that are all NaN are not drawn.
    m_true : float
        The true branching ratio, drawn as a dashed line.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Wilting, J. & Priesemann, V. (2018). Inferring collective dynamical states from
       widely unobserved systems. Nat. Commun. 9, 2325.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"n_observed": [10, 100], "m_conventional": [0.5, 0.85],
    ...                       "conventional_low": [0.45, 0.8], "conventional_high": [0.55, 0.9],
    ...                       "m_mr": [0.9, 0.9], "mr_low": [0.85, 0.88], "mr_high": [0.95, 0.92]})
    >>> plot_subsampling(table, m_true=0.9).get_xlabel()
    'observed units'
    """
    ax = get_ax(ax)
    n = table["n_observed"].values
    x = np.arange(len(n))
    for key, lab, col, off in (("conventional", "conventional", "C3", -0.1), ("mr", "multistep regression", "C0", 0.1)):
        m = table[f"m_{key}"].values
        lo, hi = table[f"{key}_low"].values, table[f"{key}_high"].values
        ax.plot(x + off, m, "o", color=col, label=lab)
        if not np.isnan(lo).all():  # the bootstrap interval, drawn as it is (it need not contain the point)
            ax.vlines(x + off, lo, hi, color=col, lw=1.5)
    ax.axhline(m_true, color="k", ls="--", lw=1, label=f"true m = {m_true:g}")
    ax.set_xticks(x, [str(v) for v in n])
    ax.set_xlabel("observed units")
    ax.set_ylabel("estimated branching ratio")
    ax.legend(frameon=False, fontsize="small", title="95 % intervals over trials", title_fontsize="small")
    return ax


def plot_response_curves(ds, *, ax=None):
    """Mean firing rate against stimulus rate for each σ (log-x).

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`neurocomp.criticality.dynamic_range`: ``response`` (mean firing rate per
        unit, Hz) with dims ``(branching_ratio, stimulus_rate)``, ``stimulus_rate`` in Hz.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Kinouchi, O. & Copelli, M. (2006). Optimal dynamical range of excitable networks at
       criticality. Nat. Phys. 2, 348-351.

    Examples
    --------
    >>> from neurocomp.criticality import dynamic_range
    >>> ds = dynamic_range(branching_ratios=(0.8, 1.0, 1.2), n_units=200, n_steps=300, n_discard=50, rng=0)
    >>> ax = plot_response_curves(ds)
    >>> ax.get_xlabel(), len(ax.lines)                  # one curve per branching ratio
    ('stimulus rate (Hz)', 3)
    """
    ax = get_ax(ax)
    for i, s in enumerate(ds.branching_ratio.values):
        ax.semilogx(ds.stimulus_rate.values, ds.response.sel(branching_ratio=s).values, color=f"C{i % 10}", label=f"σ = {s:g}")
    ax.set_xlabel("stimulus rate (Hz)")
    ax.set_ylabel("mean firing rate per unit (Hz)")
    ax.legend(frameon=False, fontsize="x-small", ncol=2)
    return ax


def plot_dynamic_range(ds, *, ax=None):
    """Dynamic range (dB) against the branching ratio σ.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`neurocomp.criticality.dynamic_range`: ``dynamic_range`` (dB) over dim
        ``branching_ratio``; σ = 1 is marked by a dotted line.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Kinouchi, O. & Copelli, M. (2006). Optimal dynamical range of excitable networks at
       criticality. Nat. Phys. 2, 348-351.

    Examples
    --------
    >>> from neurocomp.criticality import dynamic_range
    >>> ds = dynamic_range(branching_ratios=(0.8, 1.0, 1.2), n_units=200, n_steps=300, n_discard=50, rng=0)
    >>> plot_dynamic_range(ds).get_ylabel()
    'dynamic range (dB)'
    """
    ax = get_ax(ax)
    ax.plot(ds.branching_ratio.values, ds.dynamic_range.values, "o-", color="k")
    ax.axvline(1.0, color="0.5", ls=":", lw=1)
    ax.set_xlabel("branching ratio σ")
    ax.set_ylabel("dynamic range (dB)")
    return ax
