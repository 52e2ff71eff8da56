"""Figures for recurrent networks: state-space trajectories with fixed points, psychometric curves,
gradient norms through time, per-symbol surprise and entropy-rate estimates.

Each function draws the data it is given on ``ax`` (a new Axes if None) and returns it; projections,
fits and theory values are computed by the caller.
"""

from __future__ import annotations

import numpy as np

from neurocomp.plotting._core import axis_label, get_ax, plain_log_ticks

__all__ = ["plot_state_space", "plot_psychometric", "plot_gradient_norms", "plot_surprise",
           "plot_entropy_estimates", "KIND_STYLE"]

#: Marker style of each kind of fixed point.
KIND_STYLE = {
    "stable": dict(marker="o", color="k", s=46, zorder=5),
    "marginal": dict(marker="o", facecolors="none", edgecolors="k", s=46, zorder=5),
    "saddle": dict(marker="X", color="tab:red", s=46, zorder=5),
    "unstable": dict(marker="^", color="tab:orange", s=46, zorder=5),
}


def plot_state_space(trajectories, fixed_points=None, *, ax=None, color=None, cmap="coolwarm", directions=None,
                     direction_length: float = 0.5, labels=("PC 1", "PC 2", "PC 3"), alpha: float = 0.6,
                     legend_title: str = "fixed points"):
    """Trajectories of a network in a low-dimensional projection, with fixed points marked by kind.

    Parameters
    ----------
    trajectories : xarray.DataArray (trial, time, component)
        Projected states (2 or 3 components; a 3-D Axes for 3).
    fixed_points : xarray.Dataset, optional
        ``projection`` (fixed_point, component) and ``kind`` (fixed_point).
    ax : matplotlib.axes.Axes, optional
    color : array (trial,), optional
        A value per trial mapped through ``cmap`` (e.g. the coherence); grey if None.
    cmap : str
    directions : array (fixed_point, component), optional
        Projected slow directions, drawn as segments of ``direction_length`` through each point.
    direction_length : float
    labels : sequence of str
        Axis labels.
    alpha : float
        Opacity of the trajectories.
    legend_title : str
        Title of the legend of the fixed points (e.g. "slow points").

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.linspace(0, 2 * np.pi, 50)
    >>> circle = np.stack([np.cos(t), np.sin(t)], -1)
    >>> traj = xr.DataArray(np.stack([circle, 0.5 * circle]), dims=("trial", "time", "component"))
    >>> fps = xr.Dataset({"projection": (("fixed_point", "component"), [[0.0, 0.0]]),
    ...                   "kind": ("fixed_point", ["stable"])})
    >>> ax = plot_state_space(traj, fps, color=[1.0, -1.0])
    >>> ax.get_xlabel(), len(ax.lines)
    ('PC 1', 2)
    """
    ax = get_ax(ax)
    tr = trajectories.transpose("trial", "time", "component").values
    k = tr.shape[-1]
    three = hasattr(ax, "get_zlim") and k >= 3
    if color is None:
        colors = ["0.55"] * len(tr)
    else:
        import matplotlib as mpl

        c = np.asarray(color, float)
        lim = max(np.abs(c).max(), 1e-12)
        colors = mpl.colormaps[cmap]((c / lim + 1) / 2)
    for x, col in zip(tr, colors):
        if three:
            ax.plot(x[:, 0], x[:, 1], x[:, 2], color=col, lw=0.7, alpha=alpha)
        else:
            ax.plot(x[:, 0], x[:, 1], color=col, lw=0.8, alpha=alpha)
    if fixed_points is not None and fixed_points.sizes.get("fixed_point", 0):
        P = fixed_points["projection"].transpose("fixed_point", "component").values
        kinds = fixed_points["kind"].values
        if directions is not None:
            D = np.asarray(directions)
            for p, d in zip(P, D):
                seg = np.stack([p - direction_length / 2 * d, p + direction_length / 2 * d])
                if three:
                    ax.plot(seg[:, 0], seg[:, 1], seg[:, 2], color="k", lw=1.5)
                else:
                    ax.plot(seg[:, 0], seg[:, 1], color="k", lw=1.5)
        for kind, style in KIND_STYLE.items():
            sel = kinds == kind
            if not sel.any():
                continue
            lab = f"{kind} ({int(sel.sum())})"
            if three:
                ax.scatter(P[sel, 0], P[sel, 1], P[sel, 2], label=lab, depthshade=False, **style)
            else:
                ax.scatter(P[sel, 0], P[sel, 1], label=lab, **style)
        ax.legend(frameon=False, fontsize="small", title=legend_title, title_fontsize="small")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if three:
        ax.set_zlabel(labels[2])
    return ax


def plot_psychometric(curves: dict, *, ax=None, xlabel: str = "coherence"):
    """Fraction of +1 choices against a coherence, one curve per label, with ± 1 SE and fitted logistics.

    Parameters
    ----------
    curves : dict of str to xarray.Dataset
        Label -> Dataset over ``coherence`` with ``p_choice`` and ``p_choice_se``, and optionally
        ``fit`` over ``coherence_fine`` (a fitted curve computed by the caller).
    ax : matplotlib.axes.Axes, optional
    xlabel : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> c = np.array([-0.2, -0.05, 0.05, 0.2])
    >>> d = xr.Dataset({"p_choice": ("coherence", 1 / (1 + np.exp(-20 * c))),
    ...                 "p_choice_se": ("coherence", np.full(4, 0.03))}, coords={"coherence": c})
    >>> ax = plot_psychometric({"relevant": d})
    >>> ax.get_ylabel()
    'fraction of choices +1'
    """
    ax = get_ax(ax)
    for i, (label, d) in enumerate(curves.items()):
        x = d["coherence"].values
        ax.errorbar(x, d["p_choice"].values, yerr=d["p_choice_se"].values, fmt="o", color=f"C{i}", ms=4,
                    capsize=2, label=label)
        if "fit" in d:
            ax.plot(d["coherence_fine"].values, d["fit"].values, color=f"C{i}", lw=1.2)
    ax.axhline(0.5, color="0.7", lw=0.6)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of choices +1")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_gradient_norms(norms: dict, *, ax=None):
    """Mean ‖∂L/∂h_t‖ against the time step, one line per network, on a log axis.

    Parameters
    ----------
    norms : dict of str to xarray.DataArray
        Label -> gradient norm over ``time`` (step index).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = np.arange(60)
    >>> norms = {"vanilla": xr.DataArray(0.6 ** (59 - t), dims="time", coords={"time": t}),
    ...          "LSTM": xr.DataArray(0.9 ** (59 - t), dims="time", coords={"time": t})}
    >>> ax = plot_gradient_norms(norms)
    >>> ax.get_yscale(), len(ax.lines)
    ('log', 2)
    """
    ax = get_ax(ax)
    for i, (label, g) in enumerate(norms.items()):
        v = np.asarray(g.values, float)
        ok = np.isfinite(v) & (v > 0)
        ax.semilogy(g["time"].values[ok], v[ok], color=f"C{i}", label=label)
    ax.set_xlabel("time step t")
    ax.set_ylabel("mean ‖∂L/∂hₜ‖")
    plain_log_ticks(ax)
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_surprise(surprise, text: str, *, ax=None):
    """Per-character surprise of a text under a model, as bars labelled by the characters.

    Parameters
    ----------
    surprise : xarray.DataArray (time)
        Surprise of each next character, in bit.
    text : str
        The characters predicted (one per step; spaces shown as "␣").
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import xarray as xr
    >>> s = xr.DataArray([3.0, 0.2, 0.1], dims="time", attrs={"units": "bit", "long_name": "surprise"})
    >>> ax = plot_surprise(s, "cat")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['c', 'a', 't']
    """
    ax = get_ax(ax, figsize=(10.0, 3.0))
    v = np.asarray(surprise.values, float)
    x = np.arange(len(v))
    ax.bar(x, v, color="C0", width=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(["␣" if c == " " else c for c in text[:len(v)]], fontsize="small", family="monospace")
    ax.set_xlim(-0.6, len(v) - 0.4)
    ax.set_xlabel("next character")
    ax.set_ylabel(axis_label(surprise, "surprise").replace(" −log p(next symbol)", ""))
    return ax


def plot_entropy_estimates(estimates, *, ax=None, reference: dict | None = None):
    """Plug-in conditional block entropies h_L against block length L, with reference levels.

    Parameters
    ----------
    estimates : xarray.Dataset
        :func:`neurocomp.rnn.sequences.entropy_estimates` output (``conditional_entropy`` over ``order``).
    ax : matplotlib.axes.Axes, optional
    reference : dict of str to float, optional
        Label -> a rate drawn as a horizontal line (e.g. the model's cross-entropy, the exact rate).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from neurocomp.rnn.sequences import entropy_estimates
    >>> ax = plot_entropy_estimates(entropy_estimates("ab" * 200, max_order=3), reference={"exact": 0.0})
    >>> ax.get_xlabel()
    'block length L'
    """
    ax = get_ax(ax)
    h = estimates["conditional_entropy"]
    ax.plot(h["order"].values, h.values, "o-", color="C0", label="plug-in hₗ = Hₗ − Hₗ₋₁")
    styles = ["--", ":", "-.", (0, (5, 1))]
    for i, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(value, color=f"C{i + 1}", ls=styles[i % len(styles)], label=label)
    ax.set_xlabel("block length L")
    ax.set_ylabel(f"entropy rate [{h.attrs.get('units', 'bit')}/symbol]")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize="small")
    return ax
