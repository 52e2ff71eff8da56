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
    msd : xarray.DataArray
        Mean squared displacement (units from ``attrs["units"]``, e.g. m²), dim ``time`` (s)
        or ``lag`` (s), optionally with a ``walker`` dim: a walker dim is averaged (thick
        line) and ``individual`` of the walkers are drawn as thin lines too (time-averaged
        MSDs scatter for non-ergodic processes).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    theory : array_like, optional
        Theoretical values on the same times, in the units of ``msd`` (dashed black).
    label : str, optional
        Legend label of the mean curve (no legend if None).
    individual : int, default 0
        Number of single walkers drawn as thin lines.
    loglog : bool, default True
        Logarithmic x and y axes. Non-positive times are always left out.
    **kwargs
        Passed to ``ax.plot`` for the mean curve.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.diffusion import ensemble_msd
    >>> from neurocomp.diffusion.walks import brownian
    >>> ax = plot_msd(ensemble_msd(brownian(20, 100, D=1e-12, dt=1e-3, rng=0)))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('time [s]', 'ensemble MSD [m²]')
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

    Parameters
    ----------
    trajectories : xarray.DataArray
        Positions (units from ``attrs["units"]``, default m) with dims ``time`` (s, first),
        ``walker`` and optionally ``space``; with two or more space dims the first two are
        drawn against each other.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    n : int, default 5
        Number of walkers drawn.
    scale : float, default 1.0
        Factor multiplying positions (e.g. 1e6 with ``unit="µm"``).
    unit : str, optional
        Unit of the scaled positions for the axis labels (default ``attrs["units"]`` or "m").
    **kwargs
        Passed to ``ax.plot`` for every path.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import brownian
    >>> ax = plot_trajectories(brownian(20, 100, D=1e-12, dt=1e-3, d=2, rng=0), scale=1e6, unit="µm")
    >>> ax.get_xlabel(), len(ax.lines)                  # the first 5 walkers
    ('x [µm]', 5)
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

    Parameters
    ----------
    true_alpha : array_like of shape (n,)
        True anomalous exponents α (dimensionless, 0-2).
    estimates : array_like of shape (n,)
        Estimated exponents (e.g. the mean per true α); non-finite ones are left out.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    spread : array_like of shape (n,), optional
        Error bars (e.g. the standard deviation across trajectories).
    label : str, optional
        Legend label (no legend if None).
    **kwargs
        Passed to ``ax.errorbar``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> ax = plot_alpha_estimates([0.5, 1.0, 1.5], [0.55, 0.97, 1.4], spread=[0.1, 0.1, 0.1])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('true α', 'estimated α')
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
    """Concentration profiles c(x) at several times of a 1-D solution.

    Parameters
    ----------
    concentration : xarray.DataArray
        Concentration with dims ``time`` (s) and ``x`` (m), e.g. from
        :mod:`neurocomp.diffusion.pde`; units from ``attrs["units"]``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    times : float or array_like of float, optional
        Times in s at which to draw profiles (the nearest recorded time); default all recorded.
    scale : float, default 1.0
        Factor multiplying x (e.g. 1e6 with ``unit="µm"``).
    unit : str, default "m"
        Unit of the scaled x for the axis label.
    **kwargs
        Passed to ``ax.plot`` for every profile.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.diffusion.pde import solve_diffusion
    >>> c0 = np.zeros(101)
    >>> c0[50] = 1e6
    >>> c = solve_diffusion(c0, D=1e-9, dx=1e-6, dt=1e-4, n_steps=100, record_every=50)
    >>> ax = plot_profiles(c, scale=1e6, unit="µm")
    >>> ax.get_xlabel(), len(ax.lines)                  # one profile per recorded time
    ('x [µm]', 3)
    """
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
    """Histogram (density) of first-passage times [s]; ``theory(t)`` draws a density on top.

    Parameters
    ----------
    fpt : array_like
        First-passage times in s; non-finite ones (walkers that never arrived) are left out.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    bins : int, default 40
        Number of histogram bins.
    theory : callable, optional
        ``theory(t)`` -> density in 1/s at times ``t`` (s), drawn dashed.
    **kwargs
        Passed to ``ax.hist``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.diffusion.walks import bounded_brownian
    >>> ds = bounded_brownian(200, 2000, D=1.0, dt=1e-4, x0=0.5, lower=0.0, upper=1.0, rng=0)
    >>> ax = plot_first_passage(ds.first_passage_time, bins=20)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('first-passage time [s]', 'density [1/s]')
    """
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
