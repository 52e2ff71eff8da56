"""Figures for diffusion and random walks: MSD curves, trajectories, exponent estimates, profiles.

Each function takes data (xarray objects from :mod:`neurocomp.diffusion`) and
``ax=None``, draws on the Axes (a new one if None) and returns it.
"""

from __future__ import annotations

import numpy as np

from neurocomp.plotting._core import axis_label, get_ax

__all__ = ["plot_msd", "plot_trajectories", "plot_alpha_estimates", "plot_profiles", "plot_first_passage"]


def plot_msd(msd, *, ax=None, theory=None, label=None, individual: int = 0, loglog: bool = True, **kwargs):
    """MSD against time or lag, on log-log axes.

    Parameters
    ----------
    msd : DataArray, dim ``time`` or (``walker``, ``lag``)
        A walker dim is averaged (thick line); ``individual`` of the walkers are
        drawn as thin lines too (time-averaged MSDs scatter for non-ergodic processes).
    theory : array, optional
        Theoretical values on the same times (dashed black).
    label : str, optional
    **kwargs
        Passed to ``ax.plot`` for the mean curve.
    """
    ax = get_ax(ax)
    tdim = "lag" if "lag" in msd.dims else "time"
    t = msd[tdim].values
    mean = msd.mean("walker") if "walker" in msd.dims else msd
    pos = t > 0
    if "walker" in msd.dims and individual:
        for w in range(min(individual, msd.sizes["walker"])):
            ax.plot(t[pos], msd.isel(walker=w).values[pos], lw=0.5, alpha=0.4, color=kwargs.get("color", "0.6"))
    line, = ax.plot(t[pos], mean.values[pos], label=label, **kwargs)
    if theory is not None:
        ax.plot(t[pos], np.asarray(theory)[pos], "k--", lw=1)
    if loglog:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(axis_label(msd[tdim], "lag time [s]" if tdim == "lag" else "time [s]"))
    ax.set_ylabel(axis_label(msd, "MSD"))
    if label is not None:
        ax.legend(frameon=False, fontsize="small")
    return ax


def plot_trajectories(trajectories, *, ax=None, n: int = 5, scale: float = 1.0, unit: str | None = None, **kwargs):
    """Paths of the first ``n`` walkers: y against x in 2-D/3-D, x against time in 1-D.

    ``scale`` multiplies positions (e.g. 1e6 with ``unit="µm"``).
    """
    ax = get_ax(ax)
    unit = unit or trajectories.attrs.get("units", "m")
    x = trajectories.isel(walker=slice(0, n))
    if trajectories.sizes.get("space", 1) >= 2:
        for w in range(x.sizes["walker"]):
            ax.plot(x.isel(walker=w, space=0).values * scale, x.isel(walker=w, space=1).values * scale, lw=0.8, **kwargs)
        ax.set_xlabel(f"x [{unit}]")
        ax.set_ylabel(f"y [{unit}]")
        ax.set_aspect("equal", adjustable="datalim")
    else:
        t = trajectories["time"].values
        for w in range(x.sizes["walker"]):
            ax.plot(t, x.isel(walker=w).values.reshape(t.size, -1)[:, 0] * scale, lw=0.8, **kwargs)
        ax.set_xlabel("time [s]")
        ax.set_ylabel(f"x [{unit}]")
    return ax


def plot_alpha_estimates(true_alpha, estimates, *, ax=None, spread=None, label=None, **kwargs):
    """Estimated against true anomalous exponent, with the identity line.

    ``true_alpha`` and ``estimates`` are 1-D arrays (e.g. means per true α);
    ``spread`` draws error bars (e.g. the standard deviation across trajectories).
    """
    ax = get_ax(ax)
    true_alpha = np.asarray(true_alpha, dtype=float)
    est = np.asarray(estimates, dtype=float)
    ok = np.isfinite(est)
    ax.errorbar(true_alpha[ok], est[ok], yerr=None if spread is None else np.asarray(spread)[ok], fmt="o",
                ms=4, capsize=2, label=label, **kwargs)
    ax.plot([0, 2], [0, 2], color="0.5", lw=0.8, ls=":")
    ax.set_xlim(0, 2.05)
    ax.set_ylim(0, 2.05)
    ax.set_xlabel("true α")
    ax.set_ylabel("estimated α")
    if label is not None:
        ax.legend(frameon=False, fontsize="small")
    return ax


def plot_profiles(concentration, *, ax=None, times=None, scale: float = 1.0, unit: str = "m", **kwargs):
    """Concentration profiles c(x) at several ``times`` [s] (default: all recorded) of a 1-D solution."""
    ax = get_ax(ax)
    c = concentration
    sel = c["time"].values if times is None else np.atleast_1d(times)
    x = c["x"].values * scale
    for t in sel:
        ax.plot(x, c.sel(time=t, method="nearest").values, label=f"t = {t:g} s", **kwargs)
    ax.set_xlabel(f"x [{unit}]")
    ax.set_ylabel(axis_label(c, "concentration"))
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_first_passage(fpt, *, ax=None, bins: int = 40, theory=None, **kwargs):
    """Histogram (density) of first-passage times [s]; ``theory(t)`` draws a density on top."""
    ax = get_ax(ax)
    v = np.asarray(fpt, dtype=float)
    v = v[np.isfinite(v)]
    ax.hist(v, bins=bins, density=True, alpha=0.6, **kwargs)
    if theory is not None:
        t = np.linspace(max(v.min(), 1e-12), v.max(), 200)
        ax.plot(t, theory(t), "k--", lw=1)
    ax.set_xlabel("first-passage time [s]")
    ax.set_ylabel("density [1/s]")
    return ax
