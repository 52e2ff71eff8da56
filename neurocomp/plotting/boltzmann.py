"""Figures for Boltzmann machines, RBMs and DBNs (``ax=None`` in, Axes out)."""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_array
from neurocomp.plotting._core import axis_label, get_ax, plain_log_ticks
from neurocomp.plotting.training import plot_learning_curve  # the one learning-curve plot (was defined here)

__all__ = ["plot_encoder_learning", "plot_divergence", "plot_weights", "plot_image_grid", "plot_learning_curve"]


def plot_encoder_learning(ds, *, ax=None, paper_median: float | None = None, **kwargs):
    """Cumulative fraction of runs that have learned the encoder against learning cycles.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`neurocomp.boltzmann.learn_encoder` (``fraction_learned`` over ``epoch``,
        ``cycles_to_learn`` over ``trial``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    paper_median : float, optional
        A published median number of cycles, drawn as a dashed line.
    **kwargs
        Passed to ``Axes.step``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    References
    ----------
    .. [1] Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for
       Boltzmann machines. Cognitive Science 9, 147-169.

    Examples
    --------
    >>> from neurocomp.boltzmann.machine import learn_encoder
    >>> ds = learn_encoder(2, 1, n_runs=3, max_cycles=5, estimator="exact", rng=0)
    >>> ax = plot_encoder_learning(ds)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('learning cycle', 'fraction of runs learned')
    """
    ax = get_ax(ax)
    frac = ds["fraction_learned"]
    ax.step(frac["epoch"], frac, where="post", label=f"neurocomp ({ds.sizes['trial']} runs)", **kwargs)
    cycles = ds["cycles_to_learn"].values
    if np.isfinite(cycles).any():
        med = float(np.nanmedian(cycles))
        ax.axvline(med, color="C0", lw=0.8, ls=":", label=f"median of learned runs: {med:.0f}")
    if paper_median is not None:
        ax.axvline(paper_median, color="k", lw=0.8, ls="--", label=f"paper's median: {paper_median:g}")
    ax.set_xlabel(axis_label(frac["epoch"], "learning cycle"))
    ax.xaxis.get_major_locator().set_params(integer=True)  # cycles are whole numbers
    ax.set_ylabel("fraction of runs learned")
    ax.set_ylim(0, 1.02)
    ax.set_title(ds.attrs.get("problem", "encoder"))
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_divergence(ds, *, ax=None, **kwargs):
    """Median and interquartile band of the divergence G over runs against learning cycles.

    Parameters
    ----------
    ds : xarray.Dataset
        With ``divergence`` (trial, epoch): the divergence G between the clamped and free
        distributions of the visible units (nat), e.g. from
        :func:`neurocomp.boltzmann.learn_encoder`; it must hold finite values.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    **kwargs
        Passed to ``ax.plot`` for the median (``color`` also colours the band, default "C1").

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (log y axis).

    References
    ----------
    .. [1] Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for
       Boltzmann machines. Cognitive Science 9, 147-169.

    Examples
    --------
    >>> from neurocomp.boltzmann.machine import learn_encoder
    >>> ds = learn_encoder(2, 1, n_runs=3, max_cycles=5, estimator="exact", rng=0)
    >>> plot_divergence(ds).get_ylabel()
    'divergence G [nat]'
    """
    ax = get_ax(ax)
    g = ds["divergence"]
    if not np.isfinite(g.values).any():
        raise ValidationError("ds['divergence'] holds no finite values (machine too large to enumerate?)")
    q = np.nanpercentile(g.values, [25, 50, 75], axis=0)
    x = g["epoch"].values
    ax.fill_between(x, q[0], q[2], alpha=0.3, color=kwargs.get("color", "C1"), label="25-75 % of runs")
    ax.plot(x, q[1], color=kwargs.pop("color", "C1"), label="median", **kwargs)
    ax.set_xlabel(axis_label(g["epoch"], "learning cycle"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(axis_label(g, "G"))
    ax.set_yscale("log")
    plain_log_ticks(ax)
    ax.legend(fontsize="small")
    return ax


def plot_weights(weights, *, ax=None, labels=None, biases=None, max_weight: float | None = None):
    """Hinton diagram of a symmetric weight matrix: white squares excite, black inhibit.

    Parameters
    ----------
    weights : array, shape (n_units, n_units)
        Square weight matrix (dimensionless); a square's area is proportional to |w_ij|.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes if None.
    labels : list of str, optional
        Unit names for the ticks.
    biases : array, shape (n_units,), optional
        Drawn as an extra column at the right ("bias").
    max_weight : float, optional
        Weight drawn as a full square (default: largest magnitude).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[0.0, 2.0, -1.0], [2.0, 0.0, 0.5], [-1.0, 0.5, 0.0]])
    >>> ax = plot_weights(w, labels=["A", "B", "H"], biases=[0.1, -0.2, 0.0])
    >>> ax.get_title(), len(ax.patches)                 # one square per weight and bias
    ('weights w_ij (full square = 2)', 12)
    """
    w = check_array("weights", weights, ndim=2)
    if w.shape[0] != w.shape[1]:
        raise ValidationError(f"weights must be square; got shape {w.shape}")
    if biases is not None:
        b = check_array("biases", biases, shape=(w.shape[0],))
        w = np.hstack([w, b[:, None]])
    from matplotlib.patches import Rectangle

    ax = get_ax(ax, figsize=(5.0, 4.6))
    top = max_weight or float(np.abs(w).max()) or 1.0
    ax.set_facecolor("0.55")
    for (i, j), value in np.ndenumerate(w):
        size = np.sqrt(min(abs(value) / top, 1.0))
        color = "white" if value > 0 else "black"
        ax.add_patch(Rectangle((j - size / 2, i - size / 2), size, size, facecolor=color, edgecolor=color))
    n_rows, n_cols = w.shape
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(n_rows - 0.4, -0.6)
    ax.set_aspect("equal")
    if labels is not None:
        labels = list(labels)
        ax.set_yticks(range(n_rows), labels)
        ax.set_xticks(range(n_cols), labels + (["bias"] if biases is not None else []), rotation=90)
    ax.set_xlabel("unit j")
    ax.set_ylabel("unit i")
    ax.set_title(f"weights w_ij (full square = {top:.3g})")
    return ax


def plot_image_grid(images, *, ax=None, image_shape=(8, 8), n_cols: int | None = None, symmetric: bool = False,
                    cmap: str | None = None, title: str | None = None):
    """Tile vectors as small images (filters, samples, reconstructions) in one Axes.

    Parameters
    ----------
    images : array, shape (n_images, height * width)
        One flattened image per row.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's Axes (sized to the grid) if None.
    image_shape : tuple of int, default (8, 8)
        ``(height, width)`` of one image.
    n_cols : int, optional
        Images per row (default: about square).
    symmetric : bool, default False
        Colour scale symmetric about 0 with a diverging map, each image divided by its largest
        magnitude (for weights/filters); otherwise the values are intensities in [0, 1].
    cmap : str, optional
        Matplotlib colour map (default "RdBu_r" if ``symmetric``, else "gray_r").
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (with a colour bar).

    Examples
    --------
    >>> import numpy as np
    >>> ax = plot_image_grid(np.random.default_rng(0).random((6, 64)))       # six 8 x 8 images
    >>> len(ax.images)
    1
    """
    imgs = check_array("images", images, ndim=2)
    h, w = image_shape
    if imgs.shape[1] != h * w:
        raise ValidationError(f"images must have {h * w} columns for image_shape {image_shape}; got {imgs.shape[1]}")
    n = len(imgs)
    n_cols = n_cols or int(np.ceil(np.sqrt(n)))
    n_rows = int(np.ceil(n / n_cols))
    pad = 1
    canvas = np.full((n_rows * (h + pad) + pad, n_cols * (w + pad) + pad), np.nan)
    for k, img in enumerate(imgs):
        r, c = divmod(k, n_cols)
        tile = img.reshape(h, w)
        if symmetric:
            tile = tile / (np.abs(tile).max() or 1.0)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h, pad + c * (w + pad): pad + c * (w + pad) + w] = tile
    ax = get_ax(ax, figsize=(0.6 * n_cols + 1, 0.6 * n_rows + 0.8))
    if symmetric:
        im = ax.imshow(canvas, cmap=cmap or "RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    else:
        im = ax.imshow(canvas, cmap=cmap or "gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, shrink=0.7, label="weight / max |weight|" if symmetric else "p(pixel on)")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


