"""Layer x region scores: which model layer best predicts which cortical region?

Yamins et al. (2014) regressed each layer of a performance-optimised network
onto V4 and IT sites and found intermediate layers best for V4 and the top
layer best for IT; Brain-Score (Schrimpf et al. 2018) made this a benchmark.
:func:`layer_region_scores` computes the cross-validated neural predictivity of
every layer for every region on the same splits, the noise ceiling of every
region, the ceiled score with the normalisation named explicitly, and
*paired* bootstrap intervals (the same resample for every layer) over the
held-out stimuli, the splits and the neuroids. From the same resamples it
measures the hierarchy:

* each region's **preferred depth**, the score-weighted mean depth of the
  layers (0 = first layer, 1 = last), with its interval, and the interval of
  the difference between consecutive regions (the ordering is stated only where
  that interval excludes 0);
* for every region, which layers cannot be told apart from its best one (the
  paired difference's interval contains 0) and how often each layer is the best;
* the layer **committed on held-out stimuli**: the stimuli are split in two
  halves (stratified by category); the best layer is chosen on one half and
  scored on the other, and vice versa (as Brain-Score commits a layer on public
  data and scores it on private data). The selection bias -- best same-data
  score minus the held-out score of the committed layer -- is reported too.

References
----------
Yamins, D. L. K. et al. (2014). PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score. bioRxiv 407007.
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

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
from neurocomp._deprecation import renamed_kwargs
from neurocomp._validation import ValidationError, check_in_range, check_int, check_option
from neurocomp.analysis.ceiling import NORMALIZATIONS, ceil_score, nanmedian, split_half_consistency
from neurocomp.analysis.predictivity import METHODS, _clamp_components, _stratify_labels, make_splits
from neurocomp.analysis.regression import PLSMapping, RidgeMapping, pearson_r
from neurocomp.random import as_generator

__all__ = ["layer_region_scores", "preferred_depth"]


def _names(da, coord, wanted, name):
    if wanted is None:
        return group_values(da, coord, name)
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    for value in wanted:
        select_group(da, coord, value, name)  # raises for a name that does not exist
    return wanted


def preferred_depth(scores, depth=None, axis: int = 0):
    """Score-weighted mean layer depth: ``sum_l w_l d_l / sum_l w_l`` with ``w_l = max(score_l, 0)``.

    Parameters
    ----------
    scores : array-like
        Scores along ``axis`` (one per layer, in forward order).
    depth : array-like, optional
        Depth of each layer; default ``l / (L - 1)``, i.e. 0 for the first and 1
        for the last layer.
    axis : int
        The layer axis.

    Returns
    -------
    float or ndarray
        In [0, 1] for the default depths; NaN where no layer scores above 0.

    Examples
    --------
    >>> float(preferred_depth([0.0, 1.0, 1.0]))
    0.75
    """
    s = np.moveaxis(np.asarray(scores, dtype=float), axis, -1)
    L = s.shape[-1]
    d = np.linspace(0.0, 1.0, L) if depth is None else np.asarray(depth, dtype=float)
    if d.shape != (L,):
        raise ValidationError(f"depth must hold one value per layer ({L}); got shape {d.shape}")
    w = np.clip(np.nan_to_num(s, nan=0.0), 0.0, None)
    total = w.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, (w * d).sum(-1) / total, np.nan)
    return out if out.ndim else float(out)


def _cv_predictions(X, Y, splits, method, n_components, penalties):
    """Held-out predictions per split, list of (n_test, n_targets), and the PLS components used."""
    n_used = None
    if method == "pls":
        n_used = _clamp_components(n_components, X, min(len(tr) for tr, _ in splits))
    out = []
    for train, test in splits:
        model = PLSMapping(n_used) if method == "pls" else RidgeMapping(penalties, penalty_per_target=True)
        model.fit(X[train], Y[train])
        out.append(model.predict(X[test]))
    return out, n_used


def _row_space(X, rtol: float = 1e-9):
    """A wide layer (units > stimuli) rotated onto its principal components, all kept.

    ``Z = (X - mean) V`` with ``V`` the right singular vectors of the centred
    ``X``: every inner product between rows centred on any subset's mean is
    unchanged, so ridge and PLS (no scaling) fitted on any training subset give
    the same predictions from ``Z`` (at most n columns) as from ``X`` -- much
    faster for PLS on layers of thousands of units.
    """
    n, p = X.shape
    if p <= n:
        return X
    Xc = X - X.mean(axis=0)
    lam, u = np.linalg.eigh(Xc @ Xc.T)
    keep = lam > rtol * max(lam[-1], 0.0)
    if not keep.any():
        return Xc[:, :1] * 0.0
    return u[:, keep] * np.sqrt(lam[keep])


def _layer_predictions(acts, layer_names, Y, cols, splits, method, n_components, penalties, progress=None):
    """preds[l][s]: (n_test_s, n_neuroids) for every layer and split (PLS fitted per region)."""
    layer_of = acts["layer"].values
    preds, n_used = [], None
    for layer in layer_names:
        X = _row_space(acts.values[:, layer_of == layer].astype(np.float64))
        k = min(n_components, X.shape[1])  # a narrow layer (e.g. 8 logits) cannot have more components
        if method == "ridge":
            p, _ = _cv_predictions(X, Y, splits, method, k, penalties)
        else:
            p = [np.empty((len(te), Y.shape[1])) for _, te in splits]
            for c in cols.values():
                part, n_used = _cv_predictions(X, Y[:, c], splits, method, k, penalties)
                for s in range(len(splits)):
                    p[s][:, c] = part[s]
        preds.append(p)
        if progress is not None:
            progress.update(1)
    return preds, n_used


def _split_r(preds, Y, splits):
    """r[l, s, neuroid]: held-out Pearson r of every layer, split and neuroid."""
    return np.stack([np.stack([pearson_r(p[s], Y[te]) for s, (_, te) in enumerate(splits)]) for p in preds])


def _pearson_resampled(P, T, idx):
    """Pearson r along the sample axis after resampling it: P (L, n, N), T (n, N), idx (B, n) -> (B, L, N)."""
    Pb = P[:, idx]  # (L, B, n, N)
    Tb = T[idx]  # (B, n, N)
    Pb = Pb - Pb.mean(axis=2, keepdims=True)
    Tb = Tb - Tb.mean(axis=1, keepdims=True)
    num = np.einsum("lbnk,bnk->blk", Pb, Tb)
    den = np.sqrt(np.einsum("lbnk,lbnk->blk", Pb, Pb) * np.einsum("bnk,bnk->bk", Tb, Tb)[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _bootstrap_raw(preds, Y, splits, region_cols, n_bootstrap, gen, chunk=25):
    """Paired bootstrap of the raw score: (B, L, G) resampling test stimuli within each split, splits, neuroids.

    One resample draws, with replacement, n_splits splits, the test stimuli of each
    drawn split, and the neuroids of each region; every layer sees the same draw.
    """
    L, S = len(preds), len(splits)
    B = n_bootstrap
    n_neur = Y.shape[1]
    r_b = np.empty((B, L, S, n_neur), np.float32)  # r per resample, layer, split (its own test resample)
    for s, (_, te) in enumerate(splits):
        P = np.stack([p[s] for p in preds])  # (L, n_test, N)
        T = Y[te]
        n = len(te)
        idx = gen.integers(0, n, size=(B, n))
        for b0 in range(0, B, chunk):
            r_b[b0:b0 + chunk, :, s] = _pearson_resampled(P, T, idx[b0:b0 + chunk])
    split_idx = gen.integers(0, S, size=(B, S))
    raw_b = np.empty((B, L, len(region_cols)))
    neuroid_idx = []
    for gi, c in enumerate(region_cols):
        nid = c[gen.integers(0, len(c), size=(B, len(c)))]  # (B, n_g)
        neuroid_idx.append(nid)
        for b in range(B):
            sub = r_b[b][:, split_idx[b]][:, :, nid[b]]  # (L, S, n_g)
            raw_b[b, :, gi] = nanmedian(sub, axis=2).mean(axis=1)
    return raw_b, neuroid_idx


def _halves(n, labels, seed):
    """Two halves of the presentations, stratified by ``labels`` when given."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if labels is not None and np.unique(labels, return_counts=True)[1].min() >= 2:
        folds = StratifiedKFold(2, shuffle=True, random_state=seed).split(np.zeros(n), labels)
    else:
        folds = KFold(2, shuffle=True, random_state=seed).split(np.zeros(n))
    return [test for _, test in folds]


@renamed_kwargs(alphas="penalties", random_state="split_seed")
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
    split_seed: int = 1,
    n_components: int = 25,
    penalties=None,
    heldout: bool = True,
    progress: bool | None = False,
    rng=None,
) -> xr.Dataset:
    """Cross-validated predictivity of every layer for every region, ceiled, with the hierarchy measured.

    Parameters
    ----------
    activations : xarray.DataArray
        (presentation x neuroid) model features, all layers concatenated along
        neuroid with a ``layer`` coord, layers in forward order;
        ``stimulus_id`` on presentation.
    recordings : xarray.DataArray
        (repetition x presentation x neuroid) with a ``region`` coord on neuroid
        (or a Brain-Score-style assembly with a ``repetition`` coord); at least
        2 repetitions (for the ceiling).
    method : {"ridge", "pls"}
        Mapping (see :func:`~neurocomp.analysis.neural_predictivity`).
    normalization : {"r2_over_ceiling", "ratio_squared"}
        Ceiled score ``sign(r) r**2 / c`` (current Brain-Score) or ``sign(r) (r / c)**2``
        (Yamins 2014, earlier Brain-Score).
    n_bootstrap : int, default 1000
        Paired resamples (held-out stimuli within each split, the splits, the
        neuroids of each region; the same draw for every layer) for all
        intervals. 0 skips them.
    ci : float, default 0.95
        Confidence level of the percentile intervals.
    layers, regions : list of str, optional
        Subsets, in the order given (default: all, in order of appearance).
        Layer depth for :func:`preferred_depth` follows this order.
    n_splits, train_size, stratify_coord, n_components, penalties
        As in :func:`~neurocomp.analysis.neural_predictivity`; one set of splits
        serves every layer and region.
    split_seed : int, default 1
        Seed of scikit-learn's splitters (Brain-Score's seed 1): the
        cross-validation splits, the split-half ceiling and the halves of the
        held-out layer commitment. Formerly ``random_state`` (deprecated; it is
        an int seed of the splitters, not a stream, so it is not folded into
        ``rng``, which draws the bootstrap).
    heldout : bool, default True
        Also commit each region's layer on one half of the stimuli and score it
        on the other (cross-validated within each half, ``n_splits`` splits).
    progress : bool or None, default False
        A progress bar over layers (None: only on a terminal).
    rng : int, Generator or None
        Stream for the bootstrap.

    Returns
    -------
    xarray.Dataset
        ``raw_score`` (layer x region): mean over splits of the median held-out r;
        ``raw_score_error``: its standard error over splits; ``ceiled_score``;
        ``ci_low``/``ci_high`` and ``raw_ci_low``/``raw_ci_high``: bootstrap
        intervals; ``best_probability`` (layer x region): share of resamples in
        which the layer is the region's best; ``tied_with_best`` (layer x region):
        the paired interval of (best - layer) contains 0; ``preferred_depth``
        with ``preferred_depth_low``/``_high`` (region); ``depth_difference``
        with ``_low``/``_high`` (dim ``region_pair``, e.g. ``"V4-V1"``);
        ``ceiling``/``ceiling_error`` and ``n_neuroids`` (region);
        ``neuroid_r`` (layer x neuroid). With ``heldout``: ``heldout_score``
        (region, ceiled, mean over both directions), ``heldout_raw_score``,
        ``same_data_score`` (the best layer's ceiled score on the half it was
        chosen on), ``selection_bias`` (same-data minus held-out) and
        ``committed_layer`` (region x half, the layer chosen on each half).
        Attrs ``normalization``, ``method``, ``hierarchy`` (e.g.
        ``"V1 < V4 < IT"``, with ``"~"`` where the interval of a difference
        contains 0) and the settings.

    Notes
    -----
    Preferred depth: ``D = sum_l w_l d_l / sum_l w_l``, ``w_l = max(s_l, 0)``
    with ``s_l`` the ceiled score and ``d_l = l / (L - 1)``. It uses every
    layer's score, so it is steadier than the argmax, which jumps between layers
    whose scores differ by less than their intervals.

    References
    ----------
    .. [1] Yamins, D. L. K., Hong, H., Cadieu, C. F., Solomon, E. A., Seibert, D. & DiCarlo, J. J.
       (2014). Performance-optimized hierarchical models predict neural responses in higher
       visual cortex. PNAS 111, 8619-8624.
    .. [2] Schrimpf, M. et al. (2018). Brain-Score: which artificial neural network for object
       recognition is most brain-like? bioRxiv 407007.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(60, 4))
    >>> acts = xr.DataArray(np.c_[x, x ** 2], dims=("presentation", "neuroid"),
    ...     coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(60)]),
    ...             "layer": ("neuroid", ["a"] * 4 + ["b"] * 4)})
    >>> y = x[:, :2] @ [[1.0, 0.5], [0.2, 1.0]]
    >>> rec = xr.DataArray(y[None] + 0.3 * rng.normal(size=(4, 60, 2)),
    ...     dims=("repetition", "presentation", "neuroid"),
    ...     coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(60)]),
    ...             "region": ("neuroid", ["R", "R"])})
    >>> ds = layer_region_scores(acts, rec, n_bootstrap=50, n_splits=4, stratify_coord=None, rng=0)
    >>> str(ds["ceiled_score"].sel(region="R").idxmax("layer").values)
    'a'
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
    n_pres = tgt.sizes[PRESENTATION]
    splits = make_splits(n_pres, labels, n_splits=n_splits, train_size=train_size,
                         random_state=int(split_seed), name="recordings")

    region_of = rec["region"].values
    masks = [np.flatnonzero(region_of == g) for g in region_names]
    used = np.concatenate(masks)
    Y = tgt.transpose(PRESENTATION, NEUROID).values[:, used].astype(np.float64)
    reps = rec.transpose(REPETITION, PRESENTATION, NEUROID).values[:, :, used]
    ceil_split = split_half_consistency(reps, n_splits, int(split_seed))
    starts = np.cumsum([0] + [len(m) for m in masks[:-1]])
    cols = {g: np.arange(start, start + len(m)) for g, m, start in zip(region_names, masks, starts)}
    region_cols = [cols[g] for g in region_names]

    n_l, n_g = len(layer_names), len(region_names)
    bar = None
    if progress is None or progress:
        from neurocomp._progress import progress as _bar

        bar = _bar(total=n_l * (3 if heldout else 1), desc="layer x region", enabled=progress)
    preds, n_used = _layer_predictions(acts, layer_names, Y, cols, splits, method, n_components, penalties, bar)
    r_all = _split_r(preds, Y, splits)  # (L, S, N)

    raw = np.empty((n_l, n_g))
    raw_err = np.empty((n_l, n_g))
    ceiling = np.empty(n_g)
    ceiling_err = np.empty(n_g)
    for gi, c in enumerate(region_cols):
        c_med = nanmedian(ceil_split[:, c], axis=1)
        ceiling[gi] = c_med.mean()
        ceiling_err[gi] = c_med.std() / np.sqrt(n_splits)
        med = nanmedian(r_all[:, :, c], axis=2)  # (layer, split)
        raw[:, gi] = med.mean(axis=1)
        raw_err[:, gi] = med.std(axis=1) / np.sqrt(n_splits)
    ceiled = ceil_score(raw, ceiling[None, :], normalization)
    depth = np.linspace(0.0, 1.0, n_l) if n_l > 1 else np.zeros(1)
    pref = preferred_depth(ceiled, depth, axis=0)  # (region,)
    best = np.nanargmax(np.where(np.isfinite(ceiled), ceiled, -np.inf), axis=0)
    pairs = [f"{b}-{a}" for a, b in zip(region_names[:-1], region_names[1:])]
    diff = pref[1:] - pref[:-1]

    nan_lg = np.full((n_l, n_g), np.nan)
    lo, hi, raw_lo, raw_hi = nan_lg.copy(), nan_lg.copy(), nan_lg.copy(), nan_lg.copy()
    best_prob, tied = nan_lg.copy(), np.zeros((n_l, n_g), bool)
    pref_lo, pref_hi = np.full(n_g, np.nan), np.full(n_g, np.nan)
    diff_lo, diff_hi = np.full(len(pairs), np.nan), np.full(len(pairs), np.nan)
    q = [(1 - ci) / 2 * 100, (1 + ci) / 2 * 100]
    if n_bootstrap:
        raw_b, neuroid_idx = _bootstrap_raw(preds, Y, splits, region_cols, n_bootstrap, gen)
        ceil_b = np.stack([nanmedian(ceil_split[:, nid], axis=2).mean(axis=0)
                           for nid in neuroid_idx], axis=-1)  # (B, G)
        ceiled_b = ceil_score(raw_b, ceil_b[:, None, :], normalization)  # (B, L, G)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            raw_lo, raw_hi = np.nanpercentile(raw_b, q, axis=0)
            lo, hi = np.nanpercentile(ceiled_b, q, axis=0)
            arg_b = np.nanargmax(np.where(np.isfinite(ceiled_b), ceiled_b, -np.inf), axis=1)  # (B, G)
            best_prob = (arg_b[:, None, :] == np.arange(n_l)[None, :, None]).mean(axis=0)
            gap = ceiled_b[:, best, np.arange(n_g)][:, None, :] - ceiled_b  # (B, L, G)
            gap_lo = np.nanpercentile(gap, q[0], axis=0)
            tied = gap_lo <= 0
            pref_b = preferred_depth(ceiled_b, depth, axis=1)  # (B, G)
            pref_lo, pref_hi = np.nanpercentile(pref_b, q, axis=0)
            if pairs:
                d_b = pref_b[:, 1:] - pref_b[:, :-1]
                diff_lo, diff_hi = np.nanpercentile(d_b, q, axis=0)
    hierarchy = str(region_names[0])
    for k, g in enumerate(region_names[1:]):
        sep = "<" if diff_lo[k] > 0 else (">" if diff_hi[k] < 0 else "~")
        hierarchy += f" {sep} {g}"
    if not n_bootstrap:
        hierarchy = "not tested (n_bootstrap = 0)"

    norm_text = "sign(r) r² / ceiling" if normalization == "r2_over_ceiling" else "sign(r) (r / ceiling)²"  # read on figures

    def var(values, dims, long_name):
        return xr.DataArray(values, dims=dims, attrs={"units": "1", "long_name": long_name})

    data = {
        "raw_score": var(raw, ("layer", "region"), "neural predictivity (median held-out r)"),
        "raw_score_error": var(raw_err, ("layer", "region"), "standard error over splits"),
        "ceiled_score": var(ceiled, ("layer", "region"), f"ceiled score, {norm_text}"),
        "ci_low": var(lo, ("layer", "region"), f"{ci:.0%} paired bootstrap CI of the ceiled score, low"),
        "ci_high": var(hi, ("layer", "region"), f"{ci:.0%} paired bootstrap CI of the ceiled score, high"),
        "raw_ci_low": var(raw_lo, ("layer", "region"), f"{ci:.0%} bootstrap CI of the raw score, low"),
        "raw_ci_high": var(raw_hi, ("layer", "region"), f"{ci:.0%} bootstrap CI of the raw score, high"),
        "best_probability": var(best_prob, ("layer", "region"), "share of bootstrap resamples in which the layer is best"),
        "tied_with_best": xr.DataArray(tied, dims=("layer", "region"), attrs={
            "units": "1", "long_name": f"{ci:.0%} interval of (best layer - this layer) contains 0"}),
        "preferred_depth": var(pref, ("region",), "score-weighted mean layer depth (0 first, 1 last layer)"),
        "preferred_depth_low": var(pref_lo, ("region",), f"{ci:.0%} bootstrap CI of the preferred depth, low"),
        "preferred_depth_high": var(pref_hi, ("region",), f"{ci:.0%} bootstrap CI of the preferred depth, high"),
        "depth_difference": var(diff, ("region_pair",), "difference of preferred depths between consecutive regions"),
        "depth_difference_low": var(diff_lo, ("region_pair",), f"{ci:.0%} paired bootstrap CI, low"),
        "depth_difference_high": var(diff_hi, ("region_pair",), f"{ci:.0%} paired bootstrap CI, high"),
        "ceiling": var(ceiling, ("region",), "noise ceiling (split-half r, Spearman-Brown)"),
        "ceiling_error": var(ceiling_err, ("region",), "standard error of the ceiling over splits"),
        "n_neuroids": xr.DataArray(np.array([len(m) for m in masks]), dims=("region",),
                                   attrs={"units": "1", "long_name": "neuroids per region"}),
        "neuroid_r": var(r_all.mean(axis=1), ("layer", NEUROID), "held-out r per neuroid (mean over splits)"),
    }
    if heldout:
        data.update(_heldout(acts, layer_names, Y, reps, cols, region_names, labels, n_splits, train_size,
                             split_seed, method, n_components, penalties, normalization, bar))
    if bar is not None:
        bar.close()

    # the neuroids' own coordinates; 'region' becomes 'neuroid_region' beside the region dimension
    neuroid_coords = {(f"neuroid_{k}" if k in ("region", "layer") else k): (NEUROID, v.values[used])
                      for k, v in rec.coords.items() if v.dims == (NEUROID,)}
    ds = xr.Dataset(
        data,
        coords={"layer": np.asarray(layer_names, dtype=str), "region": np.asarray(region_names, dtype=str),
                "layer_depth": ("layer", depth, {"units": "1", "long_name": "layer depth (0 first, 1 last)"}),
                "region_pair": np.asarray(pairs, dtype=str), **neuroid_coords},
        attrs={
            "normalization": normalization,
            "normalization_formula": norm_text,
            "method": method,
            "hierarchy": hierarchy,
            "n_splits": n_splits,
            "train_size": train_size,
            "split_seed": int(split_seed),
            "splitter": "StratifiedShuffleSplit" if labels is not None else "ShuffleSplit",
            "stratify_coord": stratify_coord if labels is not None else "",
            "n_components": int(n_components) if method == "pls" else -1,  # at most: clamped per layer to its rank
            "n_bootstrap": n_bootstrap,
            "bootstrap": "paired over held-out stimuli within splits, splits and neuroids",
            "ci_level": ci,
            "n_repetitions": int(rec.sizes[REPETITION]),
            "n_presentations": int(n_pres),
        },
    )
    return ds


def _heldout(acts, layer_names, Y, reps, cols, region_names, labels, n_splits, train_size, split_seed,
             method, n_components, penalties, normalization, bar):
    """Commit each region's layer on one half of the stimuli, score it on the other (both ways)."""
    n_l, n_g = len(layer_names), len(region_names)
    halves = _halves(Y.shape[0], labels, int(split_seed))
    scores = np.empty((2, n_l, n_g))  # ceiled score of every layer on each half
    raws = np.empty((2, n_l, n_g))
    for h, idx in enumerate(halves):
        sub_labels = None if labels is None else labels[idx]
        try:
            splits = make_splits(len(idx), sub_labels, n_splits=n_splits, train_size=train_size,
                                 random_state=int(split_seed), name="recordings (half of the stimuli)")
        except ValidationError:
            splits = make_splits(len(idx), None, n_splits=n_splits, train_size=train_size,
                                 random_state=int(split_seed), name="recordings (half of the stimuli)")
        sub_acts = acts.isel({PRESENTATION: idx})
        preds, _ = _layer_predictions(sub_acts, layer_names, Y[idx], cols, splits, method, n_components, penalties, bar)
        r = _split_r(preds, Y[idx], splits)
        ceil_split = split_half_consistency(reps[:, idx], n_splits, int(split_seed))
        for gi, g in enumerate(region_names):
            c = cols[g]
            ceiling = nanmedian(ceil_split[:, c], axis=1).mean()
            raws[h, :, gi] = nanmedian(r[:, :, c], axis=2).mean(axis=1)
            scores[h, :, gi] = ceil_score(raws[h, :, gi], ceiling, normalization)
    finite = np.where(np.isfinite(scores), scores, -np.inf)
    chosen = finite.argmax(axis=1)  # (half, region)
    g_idx = np.arange(n_g)
    # the layer chosen on half h is scored on the other half
    held = np.stack([scores[1 - h, chosen[h], g_idx] for h in range(2)])
    held_raw = np.stack([raws[1 - h, chosen[h], g_idx] for h in range(2)])
    same = np.stack([scores[h, chosen[h], g_idx] for h in range(2)])
    names = np.asarray(layer_names, dtype=str)

    def var(values, dims, long_name):
        return xr.DataArray(values, dims=dims, attrs={"units": "1", "long_name": long_name})

    return {
        "heldout_score": var(held.mean(0), ("region",),
                             "ceiled score of the layer committed on the other half of the stimuli"),
        "heldout_raw_score": var(held_raw.mean(0), ("region",), "raw score (median r) of the committed layer, held out"),
        "same_data_score": var(same.mean(0), ("region",), "best ceiled score on the half the layer was chosen on"),
        "selection_bias": var(same.mean(0) - held.mean(0), ("region",),
                              "same-data best minus held-out score of the committed layer"),
        "committed_layer": xr.DataArray(names[chosen].T, dims=("region", "half"),
                                        attrs={"units": "1", "long_name": "layer chosen on each half of the stimuli"}),
    }
