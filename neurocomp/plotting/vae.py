"""Figures for variational auto-encoders and the comparison of generative models (``ax=None`` in, Axes out).

Images (reconstructions, samples, traversals) are drawn with
:func:`neurocomp.plotting.boltzmann.plot_image_grid`.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError
from neurocomp.plotting._core import get_ax

__all__ = ["plot_latent_map", "plot_elbo_kl", "plot_log_likelihoods"]


def plot_latent_map(latent, labels, *, ax=None, title: str | None = None, **kwargs):
    """Posterior means in a 2-D latent space, one colour per class (e.g. digit).

    Parameters
    ----------
    latent : xarray.DataArray or array, shape (n, 2)
        Posterior means (dims ``pattern`` x ``latent``); only the first two latents are drawn.
    labels : array of int, shape (n,)
        Class of each point (the digit), used for the colour.
    ax : matplotlib Axes, optional
    title : str, optional
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_latent_map(np.random.default_rng(0).normal(size=(30, 2)), np.arange(30) % 10)
    >>> ax.get_xlabel()
    'latent 1, posterior mean'
    """
    z = np.asarray(latent, dtype=float)
    labels = np.asarray(labels)
    if z.ndim != 2 or z.shape[1] < 2 or len(labels) != len(z):
        raise ValidationError(f"latent must have shape (n, >=2) with one label per row; got {z.shape} and "
                              f"{labels.shape} labels")
    ax = get_ax(ax, figsize=(5.5, 4.8))
    classes = np.unique(labels)
    size = kwargs.pop("s", 8)
    for i, c in enumerate(classes):
        sel = labels == c
        ax.scatter(z[sel, 0], z[sel, 1], s=size, color=f"C{i % 10}", label=str(c), **kwargs)
    ax.set_xlabel("latent 1, posterior mean")
    ax.set_ylabel("latent 2, posterior mean")
    ax.legend(title="digit", fontsize="small", markerscale=2, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        ax.set_title(title)
    return ax


def plot_elbo_kl(curve, *, ax=None, title: str | None = None):
    """ELBO (training and held-out) and KL term per data vector against epoch, in nats.

    Parameters
    ----------
    curve : xarray.Dataset
        Over ``epoch`` with ``elbo``, ``kl`` and optionally ``elbo_valid`` (a VAE's
        ``learning_curve_``).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import xarray as xr
    >>> c = xr.Dataset({"elbo": ("epoch", [-30.0, -25, -22]), "kl": ("epoch", [0.1, 4, 6])},
    ...                coords={"epoch": [0, 1, 2]})
    >>> plot_elbo_kl(c).get_ylabel()
    'nats per image'
    """
    for v in ("elbo", "kl"):
        if v not in curve:
            raise ValidationError(f"curve must hold {v!r} over epoch (a VAE's learning_curve_); got {list(curve.data_vars)}")
    ax = get_ax(ax)
    ep = curve["epoch"].values
    ax.plot(ep, curve["elbo"], color="C0", label="ELBO, training")
    if "elbo_valid" in curve:
        ax.plot(ep, curve["elbo_valid"], color="C0", ls="--", label="ELBO, held-out")
    ax.plot(ep, -curve["kl"], color="C3", label="−KL(q(z|x) ‖ p(z)), training")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xlabel("epoch")
    ax.set_ylabel("nats per image")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title, fontsize="medium")
    return ax


def plot_log_likelihoods(table, *, ax=None, title: str | None = None):
    """Held-out log-likelihood per model with its 95 % interval (horizontal error bars).

    Parameters
    ----------
    table : xarray.Dataset
        Over ``model`` with ``log_likelihood_test`` and ``std_err`` (nat).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import xarray as xr
    >>> t = xr.Dataset({"log_likelihood_test": ("model", [-25.0, -20.0]), "std_err": ("model", [0.3, 0.2])},
    ...                coords={"model": ["independent pixels", "VAE"]})
    >>> plot_log_likelihoods(t).get_xlabel()
    'held-out log-likelihood (nats per image)'
    """
    ll = np.asarray(table["log_likelihood_test"], dtype=float)
    se = np.asarray(table["std_err"], dtype=float)
    names = [str(m) for m in table["model"].values]
    ax = get_ax(ax, figsize=(6.0, 0.5 * len(names) + 1.5))
    y = np.arange(len(names))
    ax.errorbar(ll, y, xerr=1.96 * se, fmt="o", color="k", capsize=3)
    for yi, v in zip(y, ll):
        ax.annotate(f"{v:.2f}", (v, yi), textcoords="offset points", xytext=(0, 7), ha="center", fontsize="small")
    ax.set_yticks(y, names)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlabel("held-out log-likelihood (nats per image)")
    if title:
        ax.set_title(title, fontsize="medium")
    return ax
