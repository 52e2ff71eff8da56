"""Figures of Hopfield networks: patterns, recall, overlaps, energy, capacity, basins, spikes.

Each function takes data (arrays or the xarray objects of :mod:`neurocomp.hopfield`),
``ax=None`` and keyword styling, and returns the Axes; none calls ``plt.show()``.
Reference: J. J. Hopfield (1982), PNAS 79, 2554-2558.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_array
from neurocomp.plotting._core import axis_label, get_ax

__all__ = [
    "plot_patterns",
    "plot_recall",
    "plot_overlap_trajectory",
    "plot_energy_trajectory",
    "plot_capacity",
    "plot_basins",
    "plot_spike_raster",
]


def _mosaic(rows: list[np.ndarray], shape: tuple[int, int], gap: int = 1) -> np.ndarray:
    """Tile images (grid of rows x columns) into one array with NaN gaps between them."""
    h, w = shape
    n_rows = len(rows)
    n_cols = max(len(r) for r in rows)
    out = np.full((n_rows * (h + gap) - gap, n_cols * (w + gap) - gap), np.nan)
    for r, images in enumerate(rows):
        for c, img in enumerate(images):
            out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = np.reshape(img, shape)
    return out


def plot_patterns(patterns, *, shape, ax=None, n_columns: int | None = None, titles=None, cmap="gray_r", **kwargs):
    """Show ±1 patterns as images on one Axes (+1 dark).

    Parameters
    ----------
    patterns : array_like, shape (n_patterns, rows * columns)
        ±1 patterns, one per row.
    shape : tuple of int
        ``(rows, columns)`` of one image.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes (sized to the mosaic) if None.
    n_columns : int, optional
        Images per row of the mosaic (default: all in one row).
    titles : list of str, optional
        One per pattern, written below each image.
    cmap : str, default "gray_r"
        Matplotlib colour map (-1 to +1).
    **kwargs
        Passed to ``ax.imshow``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.hopfield import letter_patterns
    >>> patterns, shape = letter_patterns("HI")
    >>> ax = plot_patterns(patterns, shape=shape, titles=["H", "I"])
    >>> [t.get_text() for t in ax.texts]
    ['H', 'I']
    """
    p = check_array("patterns", patterns, ndim=2)
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] * shape[1] != p.shape[1]:
        raise ValidationError(f"shape must be (rows, columns) with rows * columns = {p.shape[1]}; got {shape}")
    n_columns = p.shape[0] if n_columns is None else int(n_columns)
    rows = [list(p[i: i + n_columns]) for i in range(0, p.shape[0], n_columns)]
    ax = get_ax(ax, figsize=(1.0 * n_columns + 0.5, 1.4 * len(rows) + 0.3))
    ax.imshow(_mosaic(rows, shape), cmap=cmap, vmin=-1, vmax=1, interpolation="nearest", **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    if titles is not None:
        h, w = shape
        for k, title in enumerate(titles):
            r, c = divmod(k, n_columns)
            ax.text(c * (w + 1) + w / 2 - 0.5, r * (h + 1) + h + 0.2, str(title), ha="center", va="top", fontsize=8)
    return ax


def plot_recall(result, *, shape, ax=None, stored=None, **kwargs):
    """Cues (top row) above the recalled states (bottom row), and the stored patterns if given.

    Parameters
    ----------
    result : xarray.Dataset
        From :meth:`neurocomp.hopfield.Hopfield.recall`: ``initial_state`` and ``state``,
        each (cue, neuron), ±1; with ``overlap`` (cue, pattern) the best final overlap of each
        cue is written below it.
    shape : tuple of int
        ``(rows, columns)`` of one image.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    stored : array_like, shape (n_cues, n_neurons), optional
        The pattern each cue came from, drawn as a first row.
    **kwargs
        Passed to ``ax.imshow`` (``cmap`` defaults to ``"gray_r"``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, flip_bits, letter_patterns
    >>> patterns, shape = letter_patterns("HI")
    >>> result = Hopfield(patterns.shape[1], rng=0).store(patterns).recall(flip_bits(patterns, 0.1, rng=0), rng=0)
    >>> ax = plot_recall(result, shape=shape, stored=patterns)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['stored', 'cue', 'recalled']
    """
    rows = []
    labels = []
    if stored is not None:
        rows.append(list(np.asarray(stored)))
        labels.append("stored")
    rows.append(list(result["initial_state"].values))
    labels.append("cue")
    rows.append(list(result["state"].values))
    labels.append("recalled")
    ax = get_ax(ax, figsize=(1.0 * len(rows[0]) + 1.0, 1.4 * len(rows)))
    ax.imshow(_mosaic(rows, tuple(shape)), cmap=kwargs.pop("cmap", "gray_r"), vmin=-1, vmax=1, interpolation="nearest", **kwargs)
    h = shape[0]
    ax.set_yticks([r * (h + 1) + h / 2 - 0.5 for r in range(len(rows))], labels)
    ax.set_xticks([])
    if "overlap" in result:
        m = result["overlap"].values.max(axis=1)
        w = shape[1]
        ax.set_xticks([c * (w + 1) + w / 2 - 0.5 for c in range(len(m))], [f"m={v:.2f}" for v in m], fontsize=8)
        ax.set_xlabel("best final overlap with a stored pattern")
    return ax


def plot_overlap_trajectory(result, *, cue: int = 0, ax=None, **kwargs):
    """Overlap of one cue's state with every stored pattern over sweeps (or time, spiking).

    Parameters
    ----------
    result : xarray.Dataset
        With ``overlap_trajectory`` (cue, sweep, pattern) from
        :meth:`neurocomp.hopfield.Hopfield.recall`, or (cue, time, pattern) with time in s from
        :func:`neurocomp.hopfield.spiking_recall`; overlaps are dimensionless in [-1, 1].
    cue : int, default 0
        The cue whose trajectory is drawn (a label of dim ``cue``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``ax.plot`` for every pattern's line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, flip_bits, letter_patterns
    >>> patterns, shape = letter_patterns("HI")
    >>> result = Hopfield(patterns.shape[1], rng=0).store(patterns).recall(flip_bits(patterns, 0.1, rng=0), rng=0)
    >>> plot_overlap_trajectory(result, cue=0).get_ylabel()
    'overlap with stored pattern'
    """
    traj = result["overlap_trajectory"].sel(cue=cue)
    x_dim = [d for d in traj.dims if d != "pattern"][0]
    ax = get_ax(ax)
    names = traj["letter"].values if "letter" in traj.coords else traj["pattern"].values
    for p, name in zip(traj["pattern"].values, names):
        ax.plot(traj[x_dim].values, traj.sel(pattern=p).values, marker="o" if x_dim == "sweep" else None, ms=3, label=f"pattern {name}", **kwargs)
    if x_dim == "sweep":
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(axis_label(traj[x_dim], x_dim))
    ax.set_ylabel(axis_label(traj, "overlap"))
    ax.set_ylim(-1.05, 1.05)
    if traj.sizes["pattern"] <= 10:
        ax.legend(fontsize=7, loc="best")
    return ax


def plot_energy_trajectory(result, *, ax=None, **kwargs):
    """Energy of each cue's state over sweeps (never rises under asynchronous dynamics).

    Parameters
    ----------
    result : xarray.Dataset
        With ``energy_trajectory`` (cue, sweep), dimensionless, from
        :meth:`neurocomp.hopfield.Hopfield.recall`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``ax.plot`` for every cue's line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Hopfield, J. J. (1982). Neural networks and physical systems with emergent collective
       computational abilities. PNAS 79, 2554-2558.

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, flip_bits, letter_patterns
    >>> patterns, shape = letter_patterns("HI")
    >>> result = Hopfield(patterns.shape[1], rng=0).store(patterns).recall(flip_bits(patterns, 0.1, rng=0), rng=0)
    >>> plot_energy_trajectory(result).get_ylabel()
    'energy'
    """
    e = result["energy_trajectory"]
    ax = get_ax(ax)
    for c in e["cue"].values:
        ax.plot(e["sweep"].values, e.sel(cue=c).values, marker="o", ms=3, **{"alpha": 0.8, **kwargs})
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(axis_label(e["sweep"], "sweep"))
    ax.set_ylabel(axis_label(e, "energy"))
    return ax


def plot_capacity(curve, *, ax=None, theory=None, **kwargs):
    """Fraction of bits in error after recall against the load, with theory lines if given.

    Parameters
    ----------
    curve : xarray.Dataset
        From :func:`neurocomp.hopfield.capacity_curve`.
    ax : matplotlib Axes, optional
    theory : xarray.Dataset, optional
        From :func:`neurocomp.hopfield.capacity_theory` (computed by the caller:
        a plot draws, it does not compute): the one-step error, the
        replica-theory error of the retrieval state and alpha_c. ``True`` (the
        default before 0.2) still computes it here, with a DeprecationWarning.
    **kwargs
        Passed to the simulation line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.hopfield import capacity_curve, capacity_theory
    >>> curve = capacity_curve(200, loads=[0.05, 0.3], trials=2, n_cues=5, rng=0)
    >>> ax = plot_capacity(curve, theory=capacity_theory(np.linspace(0.02, 0.3, 20)))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('load α = P/N', 'fraction of bits in error')
    """
    if theory is True or theory is False:
        import warnings

        warnings.warn("plot_capacity(theory=True/False) is deprecated and will be removed in neurocomp 0.3; pass "
                      "theory=neurocomp.hopfield.capacity_theory(loads) (or nothing)", DeprecationWarning, stacklevel=2)
        if theory:
            from neurocomp.hopfield import capacity_theory

            load = curve["load"].values
            theory = capacity_theory(np.linspace(max(1e-3, load.min() * 0.8), load.max() * 1.05, 300))
        else:
            theory = None

    ax = get_ax(ax)
    load = curve["load"].values
    err = curve["error_fraction"]
    per_trial = err.mean("cue").values  # (load, trial)
    mean = curve["mean_error_fraction"].values
    # A log axis from the smallest error one flipped bit can make (no symlog: its linear
    # region puts a kink in every line); runs with no error at all sit on the floor as ▽.
    n_bits = err.sizes.get("cue", 1) * (curve.attrs.get("n_neurons") or err.attrs.get("n_neurons") or 1000)
    floor = 0.5 / n_bits
    positive = per_trial[per_trial > 0]
    if positive.size:
        floor = min(floor, 0.5 * positive.min())

    def above(y):
        y = np.asarray(y, dtype=float)
        return np.where(y >= floor, y, np.nan)

    x_trials = np.repeat(load, per_trial.shape[1])
    ax.plot(x_trials, above(per_trial.ravel()), ".", color="0.6", ms=4, label="one network")
    ax.plot(load, above(mean), "o-", label="simulation (final state)", **kwargs)
    zero = mean == 0
    if zero.any():
        ax.plot(load[zero], np.full(zero.sum(), floor), "v", color="C0", mfc="none", clip_on=False,
                label="no error in any network")
    if "one_step_error" in curve and np.isfinite(curve["one_step_error"].values).any():
        ax.plot(load, above(curve["one_step_error"].values), "s", mfc="none", label="simulation (one step)")
    if theory is not None:
        a = theory["load"].values
        ax.plot(a, above(theory["one_step_error"].values), "--", color="k", lw=1,
                label=r"$\frac{1}{2}\mathrm{erfc}(1/\sqrt{2\alpha})$")
        ax.plot(a, above(theory["ags_error"].values), "-", color="C3", lw=1, label="replica theory (AGS)")
        a_c = theory.attrs["critical_load"]
        ax.axvline(a_c, color="C3", ls=":", lw=1, label=rf"$\alpha_c = {a_c:g}$")
    ax.set_yscale("log")
    ax.set_ylim(floor, 0.6)
    ax.set_xlabel(axis_label(curve["load"], "load"))
    ax.set_ylabel(axis_label(err, "fraction of bits in error"))
    ax.legend(fontsize=7, loc="upper left")
    return ax


def plot_basins(basins, *, ax=None, **kwargs):
    """Final overlap against the fraction of flipped bits in the cue (each cue and the mean).

    Parameters
    ----------
    basins : xarray.Dataset
        From :func:`neurocomp.hopfield.basins_of_attraction`: ``overlap`` (flip_fraction,
        cue) and ``mean_overlap`` (flip_fraction), dimensionless.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``ax.plot`` for the mean.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.hopfield import Hopfield, basins_of_attraction, random_patterns
    >>> net = Hopfield(100, rng=0).store(random_patterns(5, 100, rng=0))
    >>> ax = plot_basins(basins_of_attraction(net, flip_fractions=[0.0, 0.2, 0.4], n_cues=5, rng=0))
    >>> ax.get_xlabel()
    'fraction of flipped bits in the cue'
    """
    ax = get_ax(ax)
    fr = basins["flip_fraction"].values
    ov = basins["overlap"].values
    ax.plot(np.repeat(fr, ov.shape[1]), ov.ravel(), ".", color="0.6", ms=4, label="one cue")
    ax.plot(fr, basins["mean_overlap"].values, "o-", label="mean", **kwargs)
    ax.set_xlabel(axis_label(basins["flip_fraction"], "fraction of flipped bits"))
    ax.set_ylabel(axis_label(basins["overlap"], "final overlap"))
    ax.set_ylim(-1.05, 1.05)
    ax.legend(fontsize=8)
    return ax


def plot_spike_raster(result, *, cue: int = 0, pattern: int = 0, ax=None, **kwargs):
    """Spike raster of one network copy, neurons sorted by their bit in ``pattern`` (+1 on top).

    The cue period is shaded.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`neurocomp.hopfield.spiking_recall`: ``spike_time`` (s), ``spike_neuron``
        and ``spike_cue`` over dim ``spike``, a ``neuron`` dim, attrs ``cue_duration`` and
        ``duration`` (s), plus ``stored_pattern`` (pattern, neuron) of ±1 to sort by.
    cue : int, default 0
        The network copy (cue) whose spikes are drawn.
    pattern : int, default 0
        The stored pattern whose +1 neurons are drawn above the line.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``ax.plot`` for the spikes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.hopfield import flip_bits, random_patterns, spiking_recall
    >>> from neurocomp.spiking.backend import set_codegen_target
    >>> set_codegen_target("numpy")                     # no compilation for a network this small
    >>> xi = random_patterns(2, 60, rng=0)
    >>> res = spiking_recall(xi, flip_bits(xi, 0.1, rng=0), duration=0.2, cue_duration=0.05, readout=0.05, rng=0)
    >>> set_codegen_target(None)
    >>> res["stored_pattern"] = (("pattern", "neuron"), xi)
    >>> plot_spike_raster(res, cue=0, pattern=0).get_ylabel()
    'neuron (sorted: +1 of pattern 0 above the line)'
    """
    ax = get_ax(ax, figsize=(6.0, 3.8))
    sel = result["spike_cue"].values == cue
    t = result["spike_time"].values[sel]
    i = result["spike_neuron"].values[sel]
    n = result.sizes["neuron"]
    bits = result["stored_pattern"].sel(pattern=pattern).values
    order = np.argsort(-np.asarray(bits), kind="stable")
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    ax.plot(t, rank[i], "|", ms=2, color="k", **kwargs)
    ax.axvspan(0, result.attrs.get("cue_duration", 0.0), color="C1", alpha=0.15, label="cue on")
    n_plus = int((np.asarray(bits) > 0).sum())
    ax.axhline(n_plus - 0.5, color="C0", lw=0.8)
    ax.set_xlim(0, result.attrs.get("duration", t.max() if t.size else 1.0))
    ax.set_ylim(-0.5, n - 0.5)
    ax.invert_yaxis()
    ax.set_xlabel(axis_label(result["spike_time"], "time"))
    ax.set_ylabel(f"neuron (sorted: +1 of pattern {pattern} above the line)")
    ax.legend(fontsize=7, loc="lower right")
    return ax
