"""Experiments on the models of the ventral stream: HMAX's filters and tolerance, the Neocognitron on digits.

``hmax`` shows Serre et al. (2007)'s S1 bank and C1 maps of a natural image and
measures how each stage's representation of an image survives a shift
(Riesenhuber & Poggio 1999: MAX pooling builds tolerance stage by stage).
``neocognitron_digits`` trains Fukushima's Neocognitron without labels on
scikit-learn's digits, shows its learned S1 features and compares its accuracy
on shifted digits with a classifier on the pixels (Fukushima 1980).
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp.experiments._registry import ExperimentResult, Length, Range, experiment
from neurocomp.random import spawn

__all__ = ["hmax", "neocognitron_digits"]


def _fig(figsize):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")


@experiment("hmax", memory=lambda *, n_images=40, image_size=48, **_: 3 * 64 * 8 * n_images * image_size**2)
def hmax(
    *,
    image_size: Annotated[int, Range(32, 64)] = 48,
    n_images: Annotated[int, Range(4, 400)] = 40,
    n_prototypes: Annotated[int, Range(2, 400)] = 32,
    shifts: Annotated[list[Annotated[int, Range(0, 32)]], Length(2, 20)] = [0, 1, 2, 4, 8, 12, 16],  # noqa: B006
    rng=None,
) -> ExperimentResult:
    """HMAX (Serre et al. 2007): S1 filters, C1 maps, and tolerance to position stage by stage.

    1. Draw the S1 bank (16 sizes x 4 orientations, Serre et al.'s Table 1).
    2. Render ``n_images`` objects on natural backgrounds of ``image_size + max(shifts)``
       pixels; sample ``n_prototypes`` S2 prototypes from the C1 maps of their
       central crops.
    3. For each shift ``s`` (px), compare each layer's response to the crop at
       (0, 0) with its response to the crop at (s, s) — the same scene moved by
       ``s`` px along the diagonal, with no artificial border — by the Pearson
       correlation of the two activation vectors, averaged over images.

    Parameters
    ----------
    image_size : int
        Side of the crops the model sees (px).
    n_images : int
        Images (and at most as many prototypes).
    n_prototypes : int
        S2 prototypes (patch sides 2 and 4).
    shifts : list of int
        Shifts along each axis (px).
    rng : int, Generator or None
        Images and prototypes.

    Returns
    -------
    ExperimentResult
        dataset: ``s1_filters`` (scale, orientation, patch_y, patch_x), ``c1_maps``
        (band, orientation, y, x: C1 grid positions) of the first image, ``similarity`` (layer, shift: mean
        correlation) with its standard error ``similarity_error``; figures
        ``s1_filters``, ``c1_maps``, ``tolerance``; summary: the similarity of
        each layer at the largest shift.

    References
    ----------
    Riesenhuber & Poggio (1999), Nat. Neurosci. 2, 1019-1025.
    Serre, Wolf, Bileschi, Riesenhuber & Poggio (2007), IEEE PAMI 29, 411-426.
    """
    from neurocomp._validation import ValidationError
    from neurocomp.cortex import object_images
    from neurocomp.plotting.vision import plot_filter_bank, plot_tolerance
    from neurocomp.vision import HMAX
    from neurocomp.vision._filters import embed
    from neurocomp.vision.hmax import S1_TABLE, s1_filters

    if n_prototypes > n_images:
        raise ValidationError(f"n_prototypes must be <= n_images ({n_images}), one image per prototype; got {n_prototypes}")
    shifts = sorted(set(int(s) for s in shifts))
    big = image_size + max(shifts)
    if big > 64:  # the scenes are rendered at image_size + max(shifts); object_images goes up to 64 px
        raise ValidationError(f"image_size + max(shifts) must be <= 64 px; got {image_size} + {max(shifts)} = {big}")
    img_rng, proto_rng = spawn(rng, 2)
    per_cat = max(2, -(-n_images // 24))  # 8 categories x 3 variation levels
    scenes = object_images(n_per_category=per_cat, size=big, rng=img_rng).values[:n_images]
    crop = lambda s: scenes[:, s:s + image_size, s:s + image_size]
    model = HMAX(n_prototypes=n_prototypes, rng=proto_rng).fit(crop(0))

    layers = ["s1", "c1", "s2", "c2"]
    base = model.activations(crop(0), dtype=np.float64)
    sim = np.empty((len(layers), len(shifts)))
    err = np.empty_like(sim)
    for j, s in enumerate(shifts):
        moved = model.activations(crop(s), dtype=np.float64)
        for i, layer in enumerate(layers):
            a = base.sel(neuroid=base.layer == layer).values
            b = moved.sel(neuroid=moved.layer == layer).values
            a = a - a.mean(1, keepdims=True)
            b = b - b.mean(1, keepdims=True)
            r = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
            sim[i, j], err[i, j] = r.mean(), r.std(ddof=1) / np.sqrt(r.size)

    bank = s1_filters()
    filt = xr.DataArray(
        embed(list(bank.ravel())).reshape(16, 4, 37, 37), dims=("scale", "orientation", "patch_y", "patch_x"),
        coords={"scale": ("scale", S1_TABLE[:, 0].astype(int), {"long_name": "S1 filter size", "units": "pixel"}),
                "orientation": ("orientation", [0, 45, 90, 135], {"long_name": "carrier orientation", "units": "deg"})},
        attrs={"long_name": "S1 Gabor weight", "units": "1"},
    )
    _, c1 = model.s1_c1(crop(0)[:1])
    side = max(m.shape[-1] for m in c1)
    maps = np.full((len(c1), 4, side, side), np.nan)
    for b, m in enumerate(c1):
        maps[b, :, :m.shape[-2], :m.shape[-1]] = m[0]
    c1_maps = xr.DataArray(maps, dims=("band", "orientation", "y", "x"),
                           coords={"band": ("band", np.arange(1, len(c1) + 1), {"long_name": "C1 scale band", "units": "1"}),
                                   "orientation": ("orientation", [0, 45, 90, 135],
                                                   {"long_name": "orientation", "units": "deg"})},
                           attrs={"long_name": "C1 response (first image)", "units": "1"})
    shift_coord = ("shift", shifts, {"long_name": "shift along each axis", "units": "pixel"})
    similarity = xr.DataArray(sim, dims=("layer", "shift"), coords={"layer": layers, "shift": shift_coord},
                              attrs={"long_name": "correlation with the unshifted response", "units": "1"})
    ds = xr.Dataset({
        "s1_filters": filt,
        "c1_maps": c1_maps,
        "similarity": similarity,
        "similarity_error": xr.DataArray(err, dims=("layer", "shift"), coords=similarity.coords,
                                         attrs={"long_name": "standard error of the mean correlation", "units": "1"}),
    })

    fig1, ax = _fig((6.5, 11))
    plot_filter_bank(filt, ax=ax)
    ax.set_title("HMAX S1: Serre et al. (2007) Gabor bank, γ = 0.3", fontsize=9)
    fig2, axes = __import__("matplotlib.pyplot").pyplot.subplots(1, 2, figsize=(9, 4.2), layout="constrained",
                                                                 gridspec_kw={"width_ratios": [1, 1.3]})
    axes[0].imshow(crop(0)[0], cmap="gray", vmin=0, vmax=1)
    axes[0].set_xlabel("x [pixel]")
    axes[0].set_ylabel("y [pixel]")
    axes[0].set_title("image", fontsize=9)
    plot_filter_bank(c1_maps, ax=axes[1], symmetric=False)
    axes[1].set_title("C1 maps: MAX over 2 sizes and a grid of positions", fontsize=9)
    fig3, ax = _fig((5.2, 3.9))
    plot_tolerance(ds["similarity"], errors=ds["similarity_error"], ax=ax)
    ax.set_ylim(None, 1.02)
    ax.set_title("tolerance to position grows up the hierarchy", fontsize=9)

    summary = {f"similarity_{layer}_at_{shifts[-1]}px": float(sim[i, -1]) for i, layer in enumerate(layers)}
    summary["n_images"] = n_images
    table = pd.DataFrame(sim, index=layers, columns=[f"{s} px" for s in shifts]).reset_index(names="layer")
    return ExperimentResult(dataset=ds, figures={"s1_filters": fig1, "c1_maps": fig2, "tolerance": fig3},
                            summary=summary, table=table)


@experiment("neocognitron_digits")
def neocognitron_digits(
    *,
    n_train: Annotated[int, Range(100, 1500)] = 1000,
    n_epochs: Annotated[int, Range(0, 20)] = 2,
    n_patches: Annotated[int, Range(100, 100_000)] = 10_000,
    n_planes: Annotated[list[Annotated[int, Range(1, 128)]], Length(3, 3)] = [8, 24, 64],  # noqa: B006
    max_shift: Annotated[int, Range(1, 6)] = 5,
    rng=None,
) -> ExperimentResult:
    """The Neocognitron (Fukushima 1980) on scikit-learn's digits: learned features and tolerance to shifts.

    The 1,797 digits (8 x 8, enlarged to 16 x 16 and padded to 28 x 28) are split
    at random into ``n_train`` training and the rest test digits. The
    Neocognitron learns its three S-layers without labels (winner-take-all) and
    a logistic read-out of C3; a logistic regression on the pixels is the
    control. Both classify the test digits shifted by 0 … ``max_shift`` px in
    each of the four directions.

    Parameters
    ----------
    n_train : int
        Training digits.
    n_epochs, n_patches, n_planes
        Competitive learning: passes, patches per stage, cell-planes of S1-S3.
    max_shift : int
        Largest shift (px).
    rng : int, Generator or None
        The split and the learning.

    Returns
    -------
    ExperimentResult
        dataset: ``s1_features`` (plane, patch_y, patch_x), ``accuracy`` (model, shift) with
        ``accuracy_error`` (binomial s.e.); figures ``s1_features``,
        ``shift_tolerance``; summary: accuracies unshifted and at 3 px.

    References
    ----------
    Fukushima (1980), Biol. Cybern. 36, 193-202; Fukushima (1988), Neural Networks 1, 119-130.
    """
    from sklearn.linear_model import LogisticRegression

    from neurocomp.plotting.vision import plot_filter_bank, plot_tolerance
    from neurocomp.vision import Neocognitron
    from neurocomp.vision.neocognitron import load_digit_images, shift_images

    split_rng, net_rng = spawn(rng, 2)
    images, labels = load_digit_images()
    order = split_rng.permutation(len(images))
    tr, te = order[:n_train], order[n_train:]
    net = Neocognitron(n_planes=tuple(n_planes), n_epochs=n_epochs, n_patches=n_patches, rng=net_rng)
    net.fit(images[tr], labels[tr])
    pix = LogisticRegression(max_iter=3000).fit(images[tr].reshape(len(tr), -1), labels[tr])

    shifts = np.arange(max_shift + 1)
    acc = np.empty((2, shifts.size))
    n_test = []
    for j, s in enumerate(shifts):
        dirs = [(0, 0)] if s == 0 else [(s, 0), (-s, 0), (0, s), (0, -s)]
        x = np.concatenate([shift_images(images[te], dy, dx) for dy, dx in dirs])
        y = np.tile(labels[te], len(dirs))
        acc[0, j] = net.score(x, y)
        acc[1, j] = pix.score(x.reshape(len(x), -1), y)
        n_test.append(len(y))
    se = np.sqrt(acc * (1 - acc) / np.array(n_test))
    shift_coord = ("shift", shifts, {"long_name": "shift of the digit", "units": "pixel"})
    coords = {"model": ["Neocognitron", "pixels + logistic regression"], "shift": shift_coord}
    feats = net.s1_features()
    k = feats.shape[-1]
    n_col = 8
    n_row = -(-len(feats) // n_col)
    grid = np.full((n_row * n_col, k, k), np.nan)
    grid[:len(feats)] = feats
    ds = xr.Dataset({
        "s1_features": xr.DataArray(feats, dims=("plane", "patch_y", "patch_x"),
                                    attrs={"long_name": "learned S1 weight", "units": "1"}),
        "accuracy": xr.DataArray(acc, dims=("model", "shift"), coords=coords,
                                 attrs={"long_name": "test accuracy", "units": "1"}),
        "accuracy_error": xr.DataArray(se, dims=("model", "shift"), coords=coords,
                                       attrs={"long_name": "binomial standard error of the accuracy", "units": "1"}),
    })
    fig1, ax = _fig((6, 1.2 + 0.8 * n_row))
    plot_filter_bank(xr.DataArray(grid.reshape(n_row, n_col, k, k), dims=("row", "col", "y", "x")), ax=ax,
                     symmetric=False, row_label="", col_label="")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{len(feats)} S1 features learned without labels (winner-take-all)", fontsize=9)
    fig2, ax = _fig((5.2, 3.9))
    plot_tolerance(ds["accuracy"], errors=ds["accuracy_error"], ax=ax, chance=0.1)
    ax.set_ylim(0, 1)
    ax.set_title("digits shifted in 4 directions", fontsize=9)
    i3 = min(3, max_shift)
    summary = {
        "neocognitron_accuracy": float(acc[0, 0]),
        "pixel_accuracy": float(acc[1, 0]),
        f"neocognitron_accuracy_at_{i3}px": float(acc[0, i3]),
        f"pixel_accuracy_at_{i3}px": float(acc[1, i3]),
        "n_test": int(len(te)),
    }
    table = pd.DataFrame(acc, index=coords["model"], columns=[f"{s} px" for s in shifts]).reset_index(names="model")
    return ExperimentResult(dataset=ds, figures={"s1_features": fig1, "shift_tolerance": fig2},
                            summary=summary, table=table)
