"""Figures for the control of movement: reach paths, speed profiles, variability along the task, estimation error.

Each function draws the data it is given on ``ax`` (a new Axes if None) and returns it.
"""

from __future__ import annotations

import numpy as np

from neurocomp.plotting._core import get_ax

__all__ = ["plot_reach_paths", "plot_speed_profile", "plot_task_variability", "plot_endpoint_variance",
           "plot_estimation_error"]

CM = 100.0  # metres -> centimetres for axes


def plot_reach_paths(paths, *, target=None, ax=None, n: int = 20, **kwargs):
    """Hand paths (x against y, in cm) of the first ``n`` trials, the mean path thick.

    Parameters
    ----------
    paths : xarray.DataArray
        Hand position in m, dims ``(trial, time, space)`` with ``space`` = ``"x"``, ``"y"``.
    target : tuple of float, optional
        Target position ``(x, y)`` in m, drawn as a circle.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    n : int, default 20
        Number of single trials drawn (thin grey lines).
    **kwargs
        Only ``color`` is used: the colour of the mean path (default ``"C0"``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (equal aspect, axes in cm).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.linspace(0, 0.5, 51)
    >>> straight = np.stack([0.2 * t, 0.1 * t], axis=-1)               # to (10, 5) cm in 0.5 s
    >>> paths = xr.DataArray(np.stack([straight] * 3), dims=("trial", "time", "space"),
    ...                      coords={"time": t, "space": ["x", "y"]})
    >>> plot_reach_paths(paths, target=(0.1, 0.05)).get_xlabel()
    'hand x (cm)'
    """
    ax = get_ax(ax)
    p = paths.values * CM
    for i in range(min(n, p.shape[0])):
        ax.plot(p[i, :, 0], p[i, :, 1], lw=0.5, color="0.7")
    mean = p.mean(0)
    ax.plot(mean[:, 0], mean[:, 1], lw=2, color=kwargs.get("color", "C0"), label="mean path")
    ax.plot(mean[0, 0], mean[0, 1], "ko", ms=4)
    if target is not None:
        ax.plot(target[0] * CM, target[1] * CM, "o", mfc="none", mec="C3", ms=12, label="target")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("hand x (cm)")
    ax.set_ylabel("hand y (cm)")
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def plot_speed_profile(speed, *, ax=None, spread=None, **kwargs):
    """Hand speed (cm/s) against the fraction of movement time; ``spread`` (SD) shaded.

    Parameters
    ----------
    speed : xarray.DataArray
        Hand speed in m/s over dim ``time`` (s, starting at 0); time is drawn as a fraction of
        its last value.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    spread : xarray.DataArray, optional
        Standard deviation over trials of the speed (m/s) on the same ``time``, shaded ± 1 SD.
    **kwargs
        Only ``color`` (default ``"C0"``) and ``label`` (default ``"mean speed"``) are used.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; the time of peak speed is marked.

    References
    ----------
    .. [1] Flash, T. & Hogan, N. (1985). The coordination of arm movements: an experimentally
       confirmed mathematical model. J. Neurosci. 5, 1688-1703.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.linspace(0, 0.5, 51)
    >>> speed = xr.DataArray(0.3 * np.sin(np.pi * t / 0.5), dims="time", coords={"time": t})   # bell-shaped, m/s
    >>> plot_speed_profile(speed).get_legend_handles_labels()[1]
    ['mean speed', 'peak at 0.50 of the movement']
    """
    ax = get_ax(ax)
    t = speed["time"].values
    frac = t / t[-1]
    v = speed.values * CM
    ax.plot(frac, v, color=kwargs.get("color", "C0"), label=kwargs.get("label", "mean speed"))
    if spread is not None:
        s = spread.values * CM
        ax.fill_between(frac, v - s, v + s, color=kwargs.get("color", "C0"), alpha=0.2, lw=0, label="± 1 SD over trials")
    k = int(np.nanargmax(v))
    ax.axvline(frac[k], color="0.5", ls=":", lw=1, label=f"peak at {frac[k]:.2f} of the movement")
    ax.set_xlabel("time (fraction of movement duration)")
    ax.set_ylabel("hand speed (cm/s)")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_task_variability(endpoints, *, target_sum: float, ax=None, title: str | None = None, **kwargs):
    """Final positions of two redundant effectors (cm) with the task manifold p₁ + p₂ = target.

    Parameters
    ----------
    endpoints : xarray.DataArray
        Final positions in m, dims ``(trial, effector)`` with two effectors.
    target_sum : float
        The target of p₁ + p₂, in m.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    title : str, optional
        Axes title.
    **kwargs
        Only ``color`` is used: the colour of the points (default ``"C0"``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on, with the 2 SD covariance ellipse of the endpoints.

    References
    ----------
    .. [1] Todorov, E. & Jordan, M. I. (2002). Optimal feedback control as a theory of motor
       coordination. Nat. Neurosci. 5, 1226-1235.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ends = xr.DataArray(np.random.default_rng(0).normal(0.05, 0.01, size=(100, 2)), dims=("trial", "effector"))
    >>> plot_task_variability(ends, target_sum=0.1).get_xlabel()
    'effector 1 final position (cm)'
    """
    ax = get_ax(ax)
    p = endpoints.values * CM
    ax.plot(p[:, 0], p[:, 1], ".", ms=2, alpha=0.4, color=kwargs.get("color", "C0"))
    c = p.mean(0)
    cov = np.cov(p.T)
    w, v = np.linalg.eigh(cov)
    ang = np.linspace(0, 2 * np.pi, 200)
    ell = c[:, None] + v @ (2 * np.sqrt(w)[:, None] * np.vstack([np.cos(ang), np.sin(ang)]))
    ax.plot(ell[0], ell[1], color="k", lw=1.2, label="2 SD ellipse")
    lo, hi = p.min(), p.max()
    xs = np.linspace(lo - 1, hi + 1, 2)
    ax.plot(xs, target_sum * CM - xs, "--", color="C3", lw=1, label="task manifold p₁ + p₂ = target")
    ax.set_xlim(lo - 0.5, hi + 0.5)
    ax.set_ylim(lo - 0.5, hi + 0.5)
    ax.set_aspect("equal")
    ax.set_xlabel("effector 1 final position (cm)")
    ax.set_ylabel("effector 2 final position (cm)")
    if title:
        ax.set_title(title, fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="lower left")
    return ax


def plot_endpoint_variance(variance, *, theory=None, ax=None):
    """Endpoint variance (cm²) against the relative SD of signal-dependent noise.

    Parameters
    ----------
    variance : xarray.DataArray
        Simulated endpoint variance in m² over dim ``signal_noise`` (the noise SD relative to
        the command, dimensionless); an optional coord ``variance_se`` (m²) gives error bars.
    theory : xarray.DataArray, optional
        The exact variance from the second-moment recursion (m²) over ``signal_noise``, drawn
        as a line.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Harris, C. M. & Wolpert, D. M. (1998). Signal-dependent noise determines motor
       planning. Nature 394, 780-784.

    Examples
    --------
    >>> import xarray as xr
    >>> var = xr.DataArray([1e-5, 4e-5], dims="signal_noise",
    ...                    coords={"signal_noise": [0.1, 0.2], "variance_se": ("signal_noise", [1e-6, 2e-6])})
    >>> plot_endpoint_variance(var).get_ylabel()
    'endpoint variance (cm²)'
    """
    ax = get_ax(ax)
    x = variance["signal_noise"].values
    y = variance.values * CM**2
    yerr = variance["variance_se"].values * CM**2 if "variance_se" in variance.coords else None
    ax.errorbar(x, y, yerr=yerr, fmt="o", color="C0", label="simulated trials (± 1 SE)")
    if theory is not None:
        ax.plot(theory["signal_noise"].values, theory.values * CM**2, "-", color="k", lw=1,
                label="exact second moments")
    ax.set_xlabel("signal-dependent noise (SD relative to the command)")
    ax.set_ylabel("endpoint variance (cm²)")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_estimation_error(bias, sd, *, ax=None, label: str = "", color="C0"):
    """Bias (line) and SD (dashed) of the estimated hand position over time, in cm.

    Parameters
    ----------
    bias, sd : xarray.DataArray
        Mean and standard deviation over trials of the estimated minus the true hand position
        (m), over dim ``time`` (s).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    label : str, optional
        Appended to the legend entries ("bias — label", "SD — label").
    color : str, default "C0"
        Matplotlib colour of both lines.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Wolpert, D. M., Ghahramani, Z. & Jordan, M. I. (1995). An internal model for
       sensorimotor integration. Science 269, 1880-1882.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> bias = xr.DataArray(np.linspace(0, 0.01, 11), dims="time", coords={"time": np.linspace(0, 1, 11)})
    >>> plot_estimation_error(bias, 2 * bias, label="forward model alone").get_legend_handles_labels()[1]
    ['bias — forward model alone', 'SD — forward model alone']
    """
    ax = get_ax(ax)
    t = bias["time"].values
    ax.plot(t, bias.values * CM, color=color, label=f"bias{(' — ' + label) if label else ''}")
    ax.plot(t, sd.values * CM, "--", color=color, label=f"SD{(' — ' + label) if label else ''}")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel("time in the dark (s)")
    ax.set_ylabel("estimated − true hand position (cm)")
    ax.legend(frameon=False, fontsize="small")
    return ax
