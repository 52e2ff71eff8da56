"""Figures for reinforcement learning: learning curves, TD errors within a trial, paths on a grid.

Each function draws the data it is given on ``ax`` (a new Axes if None) and returns it.
"""

from __future__ import annotations

import numpy as np

from neurocomp.plotting._core import get_ax

__all__ = ["plot_learning_curves", "plot_rpe_traces", "plot_rpe_map", "plot_grid_paths", "plot_rms_curves",
           "plot_probability_response"]


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
    """
    ax = get_ax(ax)
    for i, (label, c) in enumerate(curves.items()):
        ls = "-" if label.startswith("TD") else "--"
        ax.plot(c["episode"].values, c.values, ls, color=f"C{i}", label=label)
    ax.set_xlabel("episode")
    ax.set_ylabel("RMS error of the values (mean over runs)")
    ax.legend(frameon=False, fontsize="small", ncol=2)
    return ax
