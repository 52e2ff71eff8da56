"""Figures for threshold logic and backpropagation: truth tables, spiking-gate rasters,
learning curves, decision surfaces and function fits.

Each function takes data and ``ax=None`` and returns the Axes; nothing is shown.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError
from neurocomp.plotting._core import get_ax
from neurocomp.plotting.training import plot_learning_curve  # the one learning-curve plot (was defined here)

__all__ = [
    "plot_truth_table",
    "plot_spike_raster",
    "plot_learning_curve",
    "plot_decision_surface",
    "plot_function_fit",
    "plot_separability",
    "plot_center_surround",
    "plot_luminance",
    "plot_dog_profile",
]


def plot_truth_table(table, *, ax=None, cmap="Greys", **kwargs):
    """Heat map of one or several truth tables.

    Parameters
    ----------
    table : xarray.DataArray
        dims ``("pattern",)`` (one gate), ``("gate", "pattern")`` or
        ``("pattern", "output")``, values 0/1; a coord ``inputs`` labels the patterns.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes (sized to the table) if None.
    cmap : str, default "Greys"
        Matplotlib colour map of the cells.
    **kwargs
        Passed to ``ax.imshow``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> from neurocomp.gates.threshold import gate, truth_table
    >>> ax = plot_truth_table(truth_table(gate("XOR")))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input pattern (x1 x2 ...)', 'gate')
    """
    import xarray as xr

    if not isinstance(table, xr.DataArray) or "pattern" not in table.dims:
        raise ValidationError(f"table must be a DataArray with a 'pattern' dim; got {type(table).__name__}")
    other = [d for d in table.dims if d != "pattern"]
    t = table if other else table.expand_dims(gate=[table.attrs.get("gate", table.name or "output")])
    row = [d for d in t.dims if d != "pattern"][0]
    t = t.transpose(row, "pattern")
    ax = get_ax(ax, figsize=(1.0 + 0.8 * t.sizes["pattern"], 0.8 + 0.45 * t.sizes[row]))
    vals = np.asarray(t.values, dtype=float)
    ax.imshow(vals, cmap=cmap, vmin=-0.3, vmax=1.3, aspect="auto", **kwargs)
    for (i, j), v in np.ndenumerate(vals):
        if np.isfinite(v):
            ax.text(j, i, f"{int(v)}", ha="center", va="center", color="white" if v > 0.5 else "black")
    labels = t["inputs"].values if "inputs" in t.coords else t["pattern"].values
    ax.set_xticks(range(t.sizes["pattern"]), [str(s) for s in labels])
    ax.set_yticks(range(t.sizes[row]), [str(s) for s in t[row].values])
    ax.set_xlabel("input pattern (x1 x2 ...)")
    ax.set_ylabel(row)
    return ax


def plot_spike_raster(ds, *, n_trials: int = 5, ax=None, **kwargs):
    """Raster of a spiking gate (from :func:`neurocomp.gates.spiking_truth_table`).

    One block of rows per input pattern, one row per neuron (inputs first,
    output last); the first ``n_trials`` trials are drawn as ticks offset
    within the row; the readout window is shaded.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`neurocomp.gates.spiking_truth_table`: spikes as ``spike_time``
        (s), ``spike_neuron``, ``spike_pattern``, ``spike_trial``, with attrs ``neurons``,
        ``window_start``, ``window_end``, ``duration`` (s) and ``gate``.
    n_trials : int, default 5
        Number of trials drawn per pattern.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``ax.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (time in ms).

    Examples
    --------
    >>> from neurocomp.gates.spiking import spiking_truth_table
    >>> ax = plot_spike_raster(spiking_truth_table("AND", trials=2, target="numpy", rng=0), n_trials=2)
    >>> ax.get_xlabel(), ax.get_title()
    ('time [ms]', 'AND: correct 100% of trials')
    """
    for name in ("spike_time", "spike_neuron", "spike_pattern", "spike_trial"):
        if name not in ds.variables:
            raise ValidationError(f"ds must come from spiking_truth_table (needs {name!r}); got variables {list(ds.variables)}")
    roles = ds.attrs["neurons"].split(",")
    n_pat = ds.sizes["pattern"]
    ax = get_ax(ax, figsize=(5.0, 0.6 + 0.28 * n_pat * (len(roles) + 1)))
    t_ms = ds.spike_time.values * 1e3
    role_idx = {r: k for k, r in enumerate(roles)}
    rows_per = len(roles) + 1
    tr = ds.spike_trial.values
    keep = tr < n_trials
    pat = ds.spike_pattern.values
    neuron = np.array([role_idx[str(r)] for r in ds.spike_neuron.values])
    y = (n_pat - 1 - pat) * rows_per + (len(roles) - 1 - neuron) + 0.8 * tr / max(n_trials, 1)
    is_out = ds.spike_neuron.values == "out"
    color = np.where(is_out, "C3", np.where(np.char.startswith(ds.spike_neuron.values.astype(str), "in"), "C0", "0.3"))
    ax.scatter(t_ms[keep], y[keep], marker="|", s=40, c=color[keep], linewidths=1.2, **kwargs)
    ax.axvspan(ds.attrs["window_start"] * 1e3, ds.attrs["window_end"] * 1e3, color="C2", alpha=0.12, lw=0, label="readout window")
    ticks, labels = [], []
    for p in range(n_pat):
        base = (n_pat - 1 - p) * rows_per
        for r, role in enumerate(roles):
            ticks.append(base + (len(roles) - 1 - r) + 0.4)
            labels.append(f"{ds['inputs'].values[p]} {role}" if r == 0 else role)
        if p < n_pat - 1:
            ax.axhline(base - 0.1, color="0.85", lw=0.8)
    ax.set_yticks(ticks, labels, fontsize=7)
    ax.set_xlim(0, ds.attrs["duration"] * 1e3)
    ax.set_ylim(-0.3, n_pat * rows_per - 0.7)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("input pattern, neuron")
    ax.set_title(f"{ds.attrs['gate']}: correct {float(ds.fraction_correct.mean()):.0%} of trials", fontsize=9)
    return ax


def plot_decision_surface(model, X, y, *, ax=None, resolution: int = 200, margin: float = 0.3, **kwargs):
    """Probability of class 1 over the plane, with the data points on top.

    Parameters
    ----------
    model : estimator
        A fitted classifier whose ``predict_proba`` gives P(class 1) in its last column
        (e.g. an MLP with a sigmoid output).
    X : array_like of shape (n_samples, 2)
        Inputs.
    y : array_like of shape (n_samples,)
        Class labels, 0 or 1.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    resolution : int, default 200
        Grid points per axis at which the probability is evaluated.
    margin : float, default 0.3
        Extent of the grid beyond the data, in input units.
    **kwargs
        Passed to ``ax.scatter`` for the data points (``s`` sets their size, default 12).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (with a colour bar; the 0.5 contour is the decision boundary).

    Examples
    --------
    >>> from neurocomp.dnn.mlp import MLP, make_donut
    >>> X, y = make_donut(200, rng=0)
    >>> net = MLP((8,), n_epochs=20, rng=0).fit(X, y)
    >>> plot_decision_surface(net, X, y, resolution=50).get_xlabel()
    'input $x_1$'
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValidationError(f"X must have shape (n_samples, 2); got {X.shape}")
    ax = get_ax(ax, figsize=(4.6, 4.0))
    lo, hi = X.min(0) - margin, X.max(0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    p = model.predict_proba(np.column_stack([gx.ravel(), gy.ravel()]))[:, -1].reshape(gx.shape)
    cs = ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.75)
    ax.contour(gx, gy, p, levels=[0.5], colors="k", linewidths=1.2)
    y = np.asarray(y)
    size = kwargs.pop("s", 12)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=size, c="C0", edgecolors="k", linewidths=0.5, label="class 0", **kwargs)
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=size, c="C3", edgecolors="k", linewidths=0.5, label="class 1", **kwargs)
    ax.figure.colorbar(cs, ax=ax, label="P(class 1)")
    ax.set_xlabel("input $x_1$")
    ax.set_ylabel("input $x_2$")
    ax.set_aspect("equal")
    return ax


def plot_function_fit(model, X, y, *, ax=None, target=None, **kwargs):
    """Data points, the network's output and (optionally) the true function, for 1-D input.

    Parameters
    ----------
    model : estimator
        A fitted regressor with ``predict`` taking an array of shape (n, 1).
    X : array_like of shape (n_samples,) or (n_samples, 1)
        Training inputs.
    y : array_like of shape (n_samples,)
        Training targets.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    target : callable, optional
        The true function, ``target(x)`` on a 1-D array, drawn dashed.
    **kwargs
        Passed to ``ax.plot`` for the network's output.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.dnn.mlp import MLP, make_sine
    >>> X, y = make_sine(50, rng=0)
    >>> net = MLP((8,), output="linear", n_epochs=20, rng=0).fit(X, y)
    >>> plot_function_fit(net, X, y, target=np.sin).get_legend_handles_labels()[1]
    ['training data', 'true function', 'network']
    """
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    if X.shape[1] != 1:
        raise ValidationError(f"X must have one feature; got {X.shape[1]}")
    ax = get_ax(ax)
    grid = np.linspace(X.min(), X.max(), 400)[:, None]
    ax.scatter(X[:, 0], y, s=8, c="0.5", label="training data")
    if target is not None:
        ax.plot(grid[:, 0], target(grid[:, 0]), "k--", lw=1, label="true function")
    ax.plot(grid[:, 0], model.predict(grid), "C3", lw=2, label="network", **kwargs)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output $y$")
    ax.legend(frameon=False)
    return ax


def plot_separability(X, y, *, lines=(), ax=None, title: str = "", **kwargs):
    """Binary input patterns in the plane with threshold units' decision lines ``w·x = θ``.

    Parameters
    ----------
    X : array_like of shape (n_patterns, 2)
        Input patterns (usually the corners of the unit square).
    y : array_like of shape (n_patterns,)
        Target output of each pattern, 0 (open circle) or 1 (filled).
    lines : sequence of tuple, optional
        ``(weights, threshold, label)`` for 2-input threshold units, each drawn as the line
        ``w·x = θ``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    title : str, optional
        Axes title.
    **kwargs
        Passed to ``ax.plot`` / ``ax.axvline`` for every decision line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Minsky, M. & Papert, S. (1969). Perceptrons. MIT Press.

    Examples
    --------
    >>> from neurocomp.gates.threshold import input_patterns
    >>> ax = plot_separability(input_patterns(2), [0, 0, 0, 1], lines=[((1, 1), 1.5, "AND unit")], title="AND")
    >>> ax.get_legend_handles_labels()[1]
    ['0', '1', 'AND unit']
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    ax = get_ax(ax, figsize=(3.2, 3.2))
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=120, facecolors="white", edgecolors="k", zorder=3, label="0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=120, c="k", zorder=3, label="1")
    xs = np.linspace(-0.5, 1.5, 2)
    for k, (w, theta, label) in enumerate(lines):
        w = np.asarray(w, dtype=float)
        if abs(w[1]) > 1e-12:
            ax.plot(xs, (theta - w[0] * xs) / w[1], color=f"C{k}", label=label, **kwargs)
        else:
            ax.axvline(theta / w[0], color=f"C{k}", label=label, **kwargs)
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_xlabel("x1 (a point on a line counts as on)")
    ax.set_ylabel("x2")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    return ax


def plot_luminance(image, *, ax=None, title: str = "stimulus"):
    """An image as grey levels with a luminance colour bar.

    Parameters
    ----------
    image : array of shape (height, width)
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> edge = np.zeros((20, 20))
    >>> edge[:, 10:] = 1.0
    >>> plot_luminance(edge).get_title()
    'stimulus'
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValidationError(f"image must be 2-D (height, width); got shape {image.shape}")
    ax = get_ax(ax)
    im = ax.imshow(image, cmap="gray")
    ax.set_title(title, fontsize=9)
    ax.figure.colorbar(im, ax=ax, label="luminance [a.u.]", shrink=0.8)
    ax.set_xlabel("x [pixel]")
    ax.set_ylabel("y [pixel]")
    return ax


def plot_dog_profile(kernel, *, ax=None):
    """The central row of a centre-surround (difference-of-Gaussians) kernel.

    Parameters
    ----------
    kernel : array of shape (size, size)
        From :func:`neurocomp.gates.dog_kernel`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from neurocomp.gates.receptive_fields import dog_kernel
    >>> plot_dog_profile(dog_kernel()).get_xlabel()
    'distance from centre [pixel]'
    """
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2:
        raise ValidationError(f"kernel must be 2-D; got shape {k.shape}")
    ax = get_ax(ax)
    r = np.arange(k.shape[1]) - k.shape[1] // 2
    ax.plot(r, k[k.shape[0] // 2], "k.-")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel("distance from centre [pixel]")
    ax.set_ylabel("weight")
    ax.set_title("receptive field profile: centre - surround", fontsize=9)
    return ax


def plot_center_surround(response, *args, ax=None, kernel=None, axes=None):
    """The ON-centre (difference-of-Gaussians) response map, on a diverging scale.

    Parameters
    ----------
    response : array of shape (height, width)
        :func:`neurocomp.gates.center_surround` output (arbitrary units).
    *args
        Deprecated: the old form's ``response`` after an ``image`` in first place.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    kernel : array of shape (size, size), optional
        Deprecated (old form only): a kernel whose profile is drawn in a third panel.
    axes : sequence of matplotlib.axes.Axes, optional
        Deprecated (old form only): the panels to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (a list of Axes in the deprecated form).

    Notes
    -----
    The form of versions before 0.2, ``plot_center_surround(image, response,
    kernel=None, axes=None)`` returning a list of Axes (stimulus, response and
    kernel profile), still works with a DeprecationWarning; draw those panels
    with :func:`plot_luminance`, this function and :func:`plot_dog_profile`.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.gates.receptive_fields import center_surround
    >>> edge = np.zeros((20, 20))
    >>> edge[:, 10:] = 1.0
    >>> plot_center_surround(center_surround(edge)).get_title()
    'ON-centre response (DoG)'
    """
    if args or axes is not None or kernel is not None:
        import warnings

        warnings.warn("plot_center_surround(image, response, kernel=, axes=) is deprecated and will be removed in "
                      "neurocomp 0.3; call plot_luminance(image, ax=), plot_center_surround(response, ax=) and "
                      "plot_dog_profile(kernel, ax=)", DeprecationWarning, stacklevel=2)
        image, response = response, (args[0] if args else None)
        image = np.asarray(image, dtype=float)
        response = np.asarray(response, dtype=float)
        if image.ndim != 2 or image.shape != response.shape:
            raise ValidationError(f"image and response must be 2-D of the same shape; got {image.shape} and {response.shape}")
        n = 3 if kernel is not None else 2
        if axes is None:
            import matplotlib.pyplot as plt

            _, axes = plt.subplots(1, n, figsize=(3.4 * n, 3.2), layout="constrained")
        axes = list(np.ravel(axes))
        plot_luminance(image, ax=axes[0])
        plot_center_surround(response, ax=axes[1])
        if kernel is not None:
            plot_dog_profile(kernel, ax=axes[2])
        return axes
    response = np.asarray(response, dtype=float)
    if response.ndim != 2:
        raise ValidationError(f"response must be 2-D (height, width); got shape {response.shape}")
    ax = get_ax(ax)
    lim = float(np.max(np.abs(response))) or 1.0
    im = ax.imshow(response, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title("ON-centre response (DoG)", fontsize=9)
    ax.figure.colorbar(im, ax=ax, label="response [a.u.]", shrink=0.8)
    ax.set_xlabel("x [pixel]")
    ax.set_ylabel("y [pixel]")
    return ax
