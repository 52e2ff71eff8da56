"""Layer x region scores: which model layer best predicts which cortical region?

Yamins et al. (2014) regressed each layer of a performance-optimised network
onto V4 and IT sites and found intermediate layers best for V4 and the top
layer best for IT; Brain-Score (Schrimpf et al. 2018) made this a benchmark.
:func:`layer_region_scores` computes the cross-validated neural predictivity of
every layer for every region on the same splits, the noise ceiling of every
region, the ceiled score with the normalisation named explicitly, and bootstrap
confidence intervals over neuroids.

References
----------
Yamins, D. L. K. et al. (2014). PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score. bioRxiv 407007.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import check_in_range, check_int, check_option
from neurocomp._assembly import (
    NEUROID,
    PRESENTATION,
    REPETITION,
    align_to,
    as_features,
    as_recordings,
    average_repetitions,
    group_values,
    select_group,
)
from neurocomp.analysis.ceiling import NORMALIZATIONS, ceil_score, nanmedian, split_half_consistency
from neurocomp.analysis.predictivity import METHODS, _stratify_labels, cross_validated_r, make_splits
from neurocomp.random import as_generator

__all__ = ["layer_region_scores"]


def _names(da, coord, wanted, name):
    if wanted is None:
        return group_values(da, coord, name)
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    for value in wanted:
        select_group(da, coord, value, name)  # raises for a name that does not exist
    return wanted


def layer_region_scores(
    activations,
    recordings,
    *,
    method: str = "ridge",
    normalization: str = "r2_over_ceiling",
    n_bootstrap: int = 1000,
    ci: float = 0.95,
    layers=None,
    regions=None,
    n_splits: int = 10,
    train_size: float = 0.9,
    stratify_coord: str | None = "object_name",
    random_state: int = 1,
    n_components: int = 25,
    alphas=None,
    rng=None,
) -> xr.Dataset:
    """Cross-validated predictivity of every layer for every region, ceiled, with bootstrap CIs.

    Parameters
    ----------
    activations : xarray.DataArray
        (presentation x neuroid) model features, all layers concatenated along
        neuroid with a ``layer`` coord; ``stimulus_id`` on presentation.
    recordings : xarray.DataArray
        (repetition x presentation x neuroid) with a ``region`` coord on neuroid
        (or a Brain-Score-style assembly with a ``repetition`` coord); at least
        2 repetitions (for the ceiling).
    method : {"ridge", "pls"}
        Mapping (see :func:`~neurocomp.analysis.neural_predictivity`).
    normalization : {"r2_over_ceiling", "ratio_squared"}
        Ceiled score ``r**2 / c`` (current Brain-Score) or ``(r / c)**2``
        (Yamins 2014, earlier Brain-Score).
    n_bootstrap : int, default 1000
        Resamples of the neuroids of each region (with replacement) for the
        confidence intervals; the splits are held fixed. 0 skips them.
    ci : float, default 0.95
        Confidence level of the percentile intervals.
    layers, regions : list of str, optional
        Subsets, in the order given (default: all, in order of appearance).
    n_splits, train_size, stratify_coord, random_state, n_components, alphas
        As in :func:`~neurocomp.analysis.neural_predictivity`; one set of splits
        serves every layer and region. ``random_state`` also seeds the
        split-half ceiling (as Brain-Score's seed 1 does).
    rng : int, Generator or None
        Stream for the bootstrap.

    Returns
    -------
    xarray.Dataset
        ``raw_score`` (layer x region): mean over splits of the median held-out r;
        ``raw_score_error``: its standard error over splits; ``ceiled_score``
        (layer x region); ``ci_low``/``ci_high``: bootstrap interval of the
        ceiled score; ``raw_ci_low``/``raw_ci_high``: of the raw score;
        ``ceiling``/``ceiling_error`` (region); ``n_neuroids`` (region);
        ``neuroid_r`` (layer x neuroid): mean held-out r per neuroid (its
        region in the coordinate ``neuroid_region``). Attrs
        ``normalization`` and ``method`` say how the numbers were made.
    """
    check_option("method", method, METHODS)
    check_option("normalization", normalization, NORMALIZATIONS)
    n_bootstrap = check_int("n_bootstrap", n_bootstrap, low=0)
    ci = check_in_range("ci", ci, 0, 1, low_open=True, high_open=True)
    n_splits = check_int("n_splits", n_splits, low=1)
    train_size = check_in_range("train_size", train_size, 0, 1, low_open=True, high_open=True)
    n_components = check_int("n_components", n_components, low=1)
    gen = as_generator(rng)

    acts = as_features(activations, "activations")
    rec = as_recordings(recordings, "recordings", require_repetitions=True)
    layer_names = _names(acts, "layer", layers, "activations")
    region_names = _names(rec, "region", regions, "recordings")
    tgt = average_repetitions(rec)
    acts = align_to(acts, tgt, source_name="activations", target_name="recordings")
    labels = _stratify_labels(stratify_coord, tgt, acts)
    splits = make_splits(tgt.sizes[PRESENTATION], labels, n_splits=n_splits, train_size=train_size,
                         random_state=int(random_state), name="recordings")

    region_of = rec["region"].values
    masks = [np.flatnonzero(region_of == g) for g in region_names]
    used = np.concatenate(masks)
    Y_all = tgt.transpose(PRESENTATION, NEUROID).values
    ceil_split = split_half_consistency(rec.values[:, :, used], n_splits, int(random_state))
    cols = {g: np.arange(start, start + len(m)) for g, m, start in
            zip(region_names, masks, np.cumsum([0] + [len(m) for m in masks[:-1]]))}
    Y = Y_all[:, used]

    n_l, n_g = len(layer_names), len(region_names)
    r_all = np.empty((n_l, n_splits, len(used)))
    layer_of = acts["layer"].values
    n_used = None
    for li, layer in enumerate(layer_names):
        X = acts.values[:, layer_of == layer]
        if method == "ridge":
            r_all[li], _, _ = cross_validated_r(X, Y, splits, method="ridge", alphas=alphas)
        else:
            for g in region_names:
                r_all[li][:, cols[g]], _, n_used = cross_validated_r(
                    X, Y[:, cols[g]], splits, method="pls", n_components=n_components)

    raw = np.empty((n_l, n_g))
    raw_err = np.empty((n_l, n_g))
    ceiling = np.empty(n_g)
    ceiling_err = np.empty(n_g)
    lo = np.full((n_l, n_g), np.nan)
    hi = np.full((n_l, n_g), np.nan)
    raw_lo = np.full((n_l, n_g), np.nan)
    raw_hi = np.full((n_l, n_g), np.nan)
    q = [(1 - ci) / 2 * 100, (1 + ci) / 2 * 100]
    for gi, g in enumerate(region_names):
        c = cols[g]
        c_med = nanmedian(ceil_split[:, c], axis=1)
        ceiling[gi] = c_med.mean()
        ceiling_err[gi] = c_med.std() / np.sqrt(n_splits)
        med = nanmedian(r_all[:, :, c], axis=2)  # (layer, split)
        raw[:, gi] = med.mean(axis=1)
        raw_err[:, gi] = med.std(axis=1) / np.sqrt(n_splits)
        if n_bootstrap:
            idx = gen.integers(0, len(c), size=(n_bootstrap, len(c)))
            ceil_b = nanmedian(ceil_split[:, c][:, idx], axis=2).mean(axis=0)  # (B,)
            for li in range(n_l):
                raw_b = nanmedian(r_all[li][:, c][:, idx], axis=2).mean(axis=0)
                ceiled_b = ceil_score(raw_b, ceil_b, normalization)
                raw_lo[li, gi], raw_hi[li, gi] = np.nanpercentile(raw_b, q)
                if np.isfinite(ceiled_b).any():
                    lo[li, gi], hi[li, gi] = np.nanpercentile(ceiled_b, q)
    ceiled = ceil_score(raw, ceiling[None, :], normalization)

    # the neuroids' own coordinates; 'region' becomes 'neuroid_region' beside the region dimension
    neuroid_coords = {(f"neuroid_{k}" if k in ("region", "layer") else k): (NEUROID, v.values[used])
                      for k, v in rec.coords.items() if v.dims == (NEUROID,)}
    norm_text = "r**2 / ceiling" if normalization == "r2_over_ceiling" else "(r / ceiling)**2"

    def var(values, dims, long_name):
        return xr.DataArray(values, dims=dims, attrs={"units": "1", "long_name": long_name})

    ds = xr.Dataset(
        {
            "raw_score": var(raw, ("layer", "region"), "neural predictivity (median held-out r)"),
            "raw_score_error": var(raw_err, ("layer", "region"), "standard error over splits"),
            "ceiled_score": var(ceiled, ("layer", "region"), f"ceiled score, {norm_text}"),
            "ci_low": var(lo, ("layer", "region"), f"{ci:.0%} bootstrap CI of the ceiled score, low"),
            "ci_high": var(hi, ("layer", "region"), f"{ci:.0%} bootstrap CI of the ceiled score, high"),
            "raw_ci_low": var(raw_lo, ("layer", "region"), f"{ci:.0%} bootstrap CI of the raw score, low"),
            "raw_ci_high": var(raw_hi, ("layer", "region"), f"{ci:.0%} bootstrap CI of the raw score, high"),
            "ceiling": var(ceiling, ("region",), "noise ceiling (split-half r, Spearman-Brown)"),
            "ceiling_error": var(ceiling_err, ("region",), "standard error of the ceiling over splits"),
            "n_neuroids": xr.DataArray(np.array([len(m) for m in masks]), dims=("region",),
                                       attrs={"units": "1", "long_name": "neuroids per region"}),
            "neuroid_r": var(r_all.mean(axis=1), ("layer", NEUROID), "held-out r per neuroid (mean over splits)"),
        },
        coords={"layer": np.asarray(layer_names, dtype=str), "region": np.asarray(region_names, dtype=str),
                **neuroid_coords},
        attrs={
            "normalization": normalization,
            "normalization_formula": norm_text,
            "method": method,
            "n_splits": n_splits,
            "train_size": train_size,
            "random_state": int(random_state),
            "splitter": "StratifiedShuffleSplit" if labels is not None else "ShuffleSplit",
            "stratify_coord": stratify_coord if labels is not None else "",
            "n_components": int(n_used) if n_used is not None else -1,
            "n_bootstrap": n_bootstrap,
            "ci_level": ci,
            "n_repetitions": int(rec.sizes[REPETITION]),
            "n_presentations": int(tgt.sizes[PRESENTATION]),
        },
    )
    return ds
