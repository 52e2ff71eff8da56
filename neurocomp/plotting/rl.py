"""Figures for reinforcement learning: learning curves, TD errors within a trial, paths on a grid.

Each function draws the data it is given on ``ax`` (a new Axes if None) and returns it.
"""

from __future__ import annotations

import numpy as np

from neurocomp.plotting._core import get_ax

__all__ = ["plot_learning_curves", "plot_rpe_traces", "plot_rpe_map", "plot_grid_paths", "plot_rms_curves",
           "plot_probability_response",
           "plot_weight_race", "plot_final_weights"]


def plot_learning_curves(returns: dict, *, ax=None, smooth: int = 10, ylim=(-100, 0)):
    """Mean online return per episode (± 1 SE over runs), smoothed over ``smooth`` episodes.

    Parameters
    ----------
    returns : dict of str to xarray.DataArray
        Label -> return of each episode, dims ``(run, episode)`` (reward units, summed over the
        episode's steps); one line per label.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    smooth : int, default 10
        Width of the moving average over episodes (the first ``smooth - 1`` episodes are dropped).
    ylim : tuple of float, default (-100, 0)
        Limits of the y axis (reward units).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> returns = {"Q-learning": xr.DataArray(np.random.default_rng(0).normal(-50, 10, size=(5, 100)),
    ...                                       dims=("run", "episode"), coords={"episode": np.arange(1, 101)})}
    >>> plot_learning_curves(returns).get_ylabel()
    'return per episode (mean of 10)'
    """
    ax = get_ax(ax)
    for i, (label, r) in enumerate(returns.items()):
        m = r.mean("run").values
        se = r.std("run", ddof=1).values / np.sqrt(r.sizes["run"])
        k = np.ones(smooth) / smooth
        ms = np.convolve(m, k, mode="valid")
        ses = np.convolve(se, k, mode="valid")
        ep = r["episode"].values[smooth - 1:]
        ax.plot(ep, ms, color=f"C{i}", label=label)
        ax.fill_between(ep, ms - ses, ms + ses, color=f"C{i}", alpha=0.25, lw=0)
    ax.set_ylim(*ylim)
    ax.set_xlabel("episode")
    ax.set_ylabel(f"return per episode (mean of {smooth})")
    ax.legend(frameon=False, fontsize="small", title="± 1 SE over runs", title_fontsize="small")
    return ax


def plot_rpe_traces(traces: dict, *, ax=None, cue_time=None, reward_time=None):
    """TD error δ within a trial, one line per labelled trial (e.g. early, late, omission).

    Parameters
    ----------
    traces : dict of str to xarray.DataArray
        Label -> TD error of one trial over dim ``time`` (s), in reward units.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    cue_time, reward_time : float, optional
        Times of the cue and of the reward within the trial (s), marked by vertical lines.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.arange(0, 2, 0.1)
    >>> traces = {"early": xr.DataArray(np.where(np.isclose(t, 1.5), 1.0, 0.0), dims="time", coords={"time": t})}
    >>> plot_rpe_traces(traces, cue_time=0.5, reward_time=1.5).get_ylabel()
    'TD error δ (reward units)'
    """
    ax = get_ax(ax)
    styles = [("-", 1.5), ("-", 3.0), ("--", 1.5)]
    for i, (label, d) in enumerate(traces.items()):
        ls, lw = styles[i % len(styles)]
        ax.plot(d["time"].values, d.values, ls, lw=lw, color=f"C{i}", label=label, drawstyle="steps-mid", zorder=3 - i)
    if cue_time is not None:
        ax.axvline(cue_time, color="0.5", ls=":", lw=1)
        ax.text(cue_time, ax.get_ylim()[1], " cue", va="top", fontsize="small", color="0.4")
    if reward_time is not None:
        ax.axvline(reward_time, color="0.5", ls="--", lw=1)
        ax.text(reward_time, ax.get_ylim()[1], " reward", va="top", fontsize="small", color="0.4")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel("time in the trial (s)")
    ax.set_ylabel("TD error δ (reward units)")
    ax.legend(frameon=False, fontsize="small", loc="lower left")
    return ax


def plot_rpe_map(rpe, *, ax=None):
    """TD error over trials (rows) and time within the trial (columns).

    Parameters
    ----------
    rpe : xarray.DataArray
        TD error, dims ``(trial, time)``, ``time`` in s with uniform steps, in reward units; the
        colour scale is symmetric about 0.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (with a colour bar added to its figure).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rpe = xr.DataArray(np.random.default_rng(0).normal(size=(10, 20)), dims=("trial", "time"),
    ...                    coords={"time": np.arange(0, 2, 0.1)})
    >>> plot_rpe_map(rpe).get_ylabel()
    'trial'
    """
    ax = get_ax(ax)
    t = rpe["time"].values
    dt = t[1] - t[0] if len(t) > 1 else 1.0
    lim = float(np.abs(rpe.values).max()) or 1.0
    im = ax.imshow(rpe.values, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-lim, vmax=lim,
                   extent=(t[0] - dt / 2, t[-1] + dt / 2, -0.5, rpe.sizes["trial"] - 0.5), interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, label="TD error δ (reward units)")
    ax.set_xlabel("time in the trial (s)")
    ax.set_ylabel("trial")
    return ax


def plot_probability_response(p, cue, reward, *, cue_se=None, reward_se=None, ax=None):
    """Cue and reward responses of δ against reward probability (Fiorillo et al. 2003).

    Parameters
    ----------
    p : array_like of shape (n_probabilities,)
        Reward probabilities (0-1).
    cue, reward : array_like of shape (n_probabilities,)
        TD error after learning at the cue and at a delivered reward (reward units).
    cue_se, reward_se : array_like of shape (n_probabilities,), optional
        Standard errors over runs of ``cue`` and ``reward``, drawn as error bars.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Fiorillo, C. D., Tobler, P. N. & Schultz, W. (2003). Discrete coding of reward
       probability and uncertainty by dopamine neurons. Science 299, 1898-1902.

    Examples
    --------
    >>> plot_probability_response([0, 0.5, 1], [0, 0.5, 1], [1, 0.5, 0]).get_xlabel()
    'reward probability'
    """
    ax = get_ax(ax)
    ax.errorbar(p, cue, yerr=cue_se, fmt="o-", color="C0", label="at the cue")
    ax.errorbar(p, reward, yerr=reward_se, fmt="s-", color="C3", label="at a delivered reward")
    ax.set_xlabel("reward probability")
    ax.set_ylabel("TD error δ after learning (reward units)")
    ax.legend(frameon=False, fontsize="small", title="± 1 SE over runs", title_fontsize="small")
    return ax


def plot_grid_paths(env, paths: dict, *, ax=None):
    """Greedy paths drawn on a grid world (cliff cells shaded).

    Parameters
    ----------
    env : object
        A grid world with a ``layout`` attribute: a sequence of equal-length strings, one per row,
        where ``"S"`` marks the start, ``"G"`` the goal, ``"C"`` a cliff cell and ``"#"`` a wall
        (e.g. from :func:`neurocomp.rl.environments.GridWorld`).
    paths : dict of str to sequence of int
        Label -> states visited, each state the flat index ``row * n_columns + column``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.rl.environments import CliffWalking
    >>> ax = plot_grid_paths(CliffWalking(), {"safe": [36, 24, 25, 26, 38, 47], "short": [36, 37]})
    >>> ax.get_legend_handles_labels()[1]
    ['safe', 'short']
    """
    ax = get_ax(ax)
    layout = np.array([list(r) for r in env.layout])
    H, W = layout.shape
    img = np.where(layout == "C", 0.35, np.where(layout == "#", 0.0, 1.0))
    ax.imshow(img, cmap="gray", vmin=0, vmax=1, extent=(-0.5, W - 0.5, H - 0.5, -0.5))
    for (r, c) in zip(*np.nonzero(layout == "S")):
        ax.text(c, r, "S", ha="center", va="center", fontweight="bold")
    for (r, c) in zip(*np.nonzero(layout == "G")):
        ax.text(c, r, "G", ha="center", va="center", fontweight="bold")
    for i, (label, states) in enumerate(paths.items()):
        rc = np.array([divmod(s, W) for s in states], dtype=float)
        off = (i - (len(paths) - 1) / 2) * 0.12
        ax.plot(rc[:, 1] + off, rc[:, 0] + off, "-o", ms=3, color=f"C{i}", label=label)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=len(paths))
    return ax


def plot_rms_curves(curves: dict, *, ax=None):
    """RMS error of learned values against episodes (Sutton & Barto Figure 6.2).

    Parameters
    ----------
    curves : dict of str to xarray.DataArray
        Label -> RMS error of the learned state values (reward units) over dim ``episode``;
        labels starting with ``"TD"`` are drawn solid, the others dashed.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction, 2nd ed.,
       Example 6.2. MIT Press.

    Examples
    --------
    >>> import xarray as xr
    >>> curves = {name: xr.DataArray(v, dims="episode", coords={"episode": [1, 50, 100]})
    ...           for name, v in {"TD(0)": [0.3, 0.2, 0.1], "MC": [0.3, 0.25, 0.15]}.items()}
    >>> [line.get_linestyle() for line in plot_rms_curves(curves).lines]      # TD solid, MC dashed
    ['-', '--']
    """
    ax = get_ax(ax)
    for i, (label, c) in enumerate(curves.items()):
        ls = "-" if label.startswith("TD") else "--"
        ax.plot(c["episode"].values, c.values, ls, color=f"C{i}", label=label)
    ax.set_xlabel("episode")
    ax.set_ylabel("RMS error of the values (mean over runs)")
    ax.legend(frameon=False, fontsize="small", ncol=2)
    return ax


def plot_weight_race(data, *, ax=None, schedule: str = "contingent", run: int = 0):
    """The rewarded synapse's weight against the other synapses' over simulated time.

    Parameters
    ----------
    data : xarray.Dataset
        Output of :func:`neurocomp.rl.distal_reward_stdp` (weights in V, ``time`` in s).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    schedule : str
        Which reward schedule to draw (``"contingent"`` or ``"yoked"``).
    run : int
        Which run to draw.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: time in minutes, weights in mV from 0 to the largest
        allowed weight (``attrs["w_max"]``); the others' 10–90 % band, median and
        maximum, the rewarded synapse in red, rewards as ticks.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.arange(0.0, 601.0, 60.0)
    >>> q = np.array([0.1, 0.5, 0.9])
    >>> d = xr.Dataset(
    ...     {"rewarded_weight": (("schedule", "run", "time"), np.linspace(1e-3, 3.5e-3, 11)[None, None]),
    ...      "others_max": (("schedule", "run", "time"), np.full((1, 1, 11), 2.5e-3)),
    ...      "others_quantile": (("schedule", "run", "quantile", "time"),
    ...                          np.broadcast_to(1e-3 * q[:, None], (1, 1, 3, 11))),
    ...      "reward_time": (("schedule", "run", "reward"), [[[30.0, 400.0, np.nan]]]),
    ...      "final_weight": (("schedule", "run", "synapse"), np.r_[3.5e-3, np.linspace(0, 2.5e-3, 99)][None, None])},
    ...     coords={"schedule": ["contingent"], "run": [0], "time": t, "quantile": q}, attrs={"w_max": 4e-3})
    >>> ax = plot_weight_race(d)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('simulated time (min)', 'synaptic weight (mV)')
    """
    ax = get_ax(ax)
    d = data.sel(schedule=schedule, run=run)
    minutes = d["time"].values / 60.0
    q = d["others_quantile"] * 1e3
    ax.fill_between(minutes, q.sel(quantile=0.1).values, q.sel(quantile=0.9).values, color="0.8", lw=0,
                    label="others, 10–90 %")
    ax.plot(minutes, q.sel(quantile=0.5).values, color="0.45", lw=1, label="others, median")
    ax.plot(minutes, d["others_max"].values * 1e3, color="0.2", lw=1, ls="--", label="others, maximum")
    ax.plot(minutes, d["rewarded_weight"].values * 1e3, color="C3", lw=2, label="rewarded synapse")
    rewards = d["reward_time"].values
    rewards = rewards[np.isfinite(rewards)] / 60.0
    ax.plot(rewards, np.zeros_like(rewards), "|", color="C3", ms=6, alpha=0.5, clip_on=False)
    ax.set_xlabel("simulated time (min)")
    ax.set_ylabel("synaptic weight (mV)")
    ax.set_xlim(0, minutes[-1] if minutes.size else 1)
    w_max = data.attrs.get("w_max")
    ax.set_ylim(0, 1.05e3 * w_max if w_max else None)   # the same scale for every schedule and run
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def plot_final_weights(data, *, ax=None, schedule: str = "contingent", bins: int = 40):
    """Histogram of the final weights, pooled over runs, with each run's rewarded synapse marked.

    Parameters
    ----------
    data : xarray.Dataset
        Output of :func:`neurocomp.rl.distal_reward_stdp`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    schedule : str
        Which reward schedule to draw.
    bins : int
        Histogram bins between 0 and the largest weight.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: weights in mV, synapse counts on a log scale; the
        rewarded synapse of each run as a red triangle on the axis.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.arange(0.0, 601.0, 60.0)
    >>> q = np.array([0.1, 0.5, 0.9])
    >>> d = xr.Dataset(
    ...     {"rewarded_weight": (("schedule", "run", "time"), np.linspace(1e-3, 3.5e-3, 11)[None, None]),
    ...      "others_max": (("schedule", "run", "time"), np.full((1, 1, 11), 2.5e-3)),
    ...      "others_quantile": (("schedule", "run", "quantile", "time"),
    ...                          np.broadcast_to(1e-3 * q[:, None], (1, 1, 3, 11))),
    ...      "reward_time": (("schedule", "run", "reward"), [[[30.0, 400.0, np.nan]]]),
    ...      "final_weight": (("schedule", "run", "synapse"), np.r_[3.5e-3, np.linspace(0, 2.5e-3, 99)][None, None])},
    ...     coords={"schedule": ["contingent"], "run": [0], "time": t, "quantile": q}, attrs={"w_max": 4e-3})
    >>> ax = plot_final_weights(d)
    >>> ax.get_xlabel()
    'final synaptic weight (mV)'
    """
    ax = get_ax(ax)
    fw = data["final_weight"].sel(schedule=schedule) * 1e3
    others = fw.isel(synapse=slice(1, None)).values.ravel()
    rewarded = fw.isel(synapse=0).values.ravel()
    top = float(data.attrs.get("w_max", max(others.max(initial=0), rewarded.max(initial=0)) * 1e-3)) * 1e3
    ax.hist(others, bins=np.linspace(0, top, bins + 1), color="0.6", label="other synapses")
    ax.set_yscale("log")
    ax.plot(rewarded, np.full_like(rewarded, 0.7), "v", color="C3", ms=9, clip_on=False,
            label="rewarded synapse (one per run)")
    ax.set_ylim(bottom=0.5)
    ax.set_xlabel("final synaptic weight (mV)")
    ax.set_ylabel("synapses")
    ax.legend(frameon=False, fontsize="small", loc="upper right")
    return ax
