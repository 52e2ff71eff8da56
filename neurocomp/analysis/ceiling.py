"""Noise ceilings: how well could any model predict these recordings?

The ceiling is Brain-Score's internal consistency (Schrimpf et al. 2018): the
repetitions are split in two random halves, each half is averaged, the halves
are correlated per neuroid over stimuli (Pearson) and the correlation is
Spearman-Brown corrected to the full number of repetitions,
``c = 2 r_half / (1 + r_half)``; 10 splits; per neuroid the mean over splits,
and the scalar ceiling is the mean over splits of the median over neuroids.

For a neuroid with signal variance ``s2`` across stimuli and trial noise
variance ``n2``, the split-half correlation is ``s2 / (s2 + 2 n2 / R)`` and its
Spearman-Brown correction is the reliability of the R-trial mean,
``s2 / (s2 + n2 / R)`` -- the largest squared correlation any model of the
stimulus can reach with the trial-averaged response. Hence the ceiled score
``sign(r) r**2 / c`` ("r2_over_ceiling", current Brain-Score's ``r**2 / c``) is 1
for a perfect model; Yamins et al. (2014) and earlier Brain-Score versions used
``(r / c)**2`` ("ratio_squared"). Both keep the sign of r here, so an
anti-correlated model scores below zero.

References
----------
Yamins, D. L. K. et al. (2014). PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score. bioRxiv 407007.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr
from sklearn.model_selection import ShuffleSplit

from neurocomp._validation import check_int, check_option
from neurocomp._assembly import NEUROID, REPETITION, as_recordings
from neurocomp.analysis.regression import pearson_r
from neurocomp.random import as_generator

__all__ = ["noise_ceiling", "ceil_score", "spearman_brown", "NORMALIZATIONS"]

NORMALIZATIONS = ("r2_over_ceiling", "ratio_squared")


def spearman_brown(r, n: float = 2.0):
    """Spearman-Brown prophecy: reliability of ``n`` times as many trials, ``n r / (1 + (n-1) r)``.

    Parameters
    ----------
    r : float or array_like
        Reliability (correlation) of the shorter measurement, e.g. a split-half r.
    n : float, default 2.0
        Factor by which the number of trials grows (2: from a half to the whole).

    Returns
    -------
    numpy.ndarray or float
        The predicted reliability, of ``r``'s shape.

    References
    ----------
    .. [1] Spearman, C. (1910). Correlation calculated from faulty data. Br. J. Psychol. 3,
       271-295.
    .. [2] Brown, W. (1910). Some experimental results in the correlation of mental abilities.
       Br. J. Psychol. 3, 296-322.

    Examples
    --------
    >>> float(spearman_brown(0.5))
    0.6666666666666666
    """
    r = np.asarray(r, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return n * r / (1.0 + (n - 1.0) * r)


def ceil_score(raw, ceiling, normalization: str = "r2_over_ceiling"):
    """Normalise a raw correlation score by a noise ceiling, keeping the sign of r.

    Parameters
    ----------
    raw : float or array
        Raw score (Pearson r).
    ceiling : float or array
        Noise ceiling (Spearman-Brown corrected split-half r).
    normalization : {"r2_over_ceiling", "ratio_squared"}
        ``sign(r) r**2 / c`` (current Brain-Score's ``r**2 / c``; 1 for a model
        as good as the data allow) or ``sign(r) (r / c)**2`` (Yamins et al. 2014,
        earlier Brain-Score; a perfect model scores 1/c).

    Returns
    -------
    float or ndarray
        Same sign as ``raw``; NaN where the ceiling is not positive.

    Notes
    -----
    Squaring alone would turn an anti-correlated prediction (held-out r = −0.1)
    into a small positive score (+0.01 / c), indistinguishable from a weakly
    correlated one; the sign of r is therefore kept: a model that predicts the
    responses backwards scores below zero and a model at chance scores about 0.

    References
    ----------
    .. [1] Yamins, D. L. K., Hong, H., Cadieu, C. F., Solomon, E. A., Seibert, D. & DiCarlo, J. J.
       (2014). Performance-optimized hierarchical models predict neural responses in higher
       visual cortex. PNAS 111, 8619-8624.
    .. [2] Schrimpf, M. et al. (2018). Brain-Score: which artificial neural network for object
       recognition is most brain-like? bioRxiv 407007.

    Examples
    --------
    >>> ceil_score(-0.3, 0.5)
    -0.18
    >>> ceil_score(0.3, 0.5, "ratio_squared")
    0.36
    """
    check_option("normalization", normalization, NORMALIZATIONS)
    raw = np.asarray(raw, dtype=float)
    ceiling = np.asarray(ceiling, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalization == "r2_over_ceiling":
            out = np.sign(raw) * raw**2 / ceiling
        else:
            out = np.sign(raw) * (raw / ceiling) ** 2
    out = np.where(ceiling > 0, out, np.nan)
    return out if out.ndim else float(out)


def nanmedian(a, axis):
    """``np.nanmedian`` without the all-NaN RuntimeWarning (all-NaN slices give NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(a, axis=axis)


def nanmean(a, axis):
    """``np.nanmean`` without the all-NaN RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(a, axis=axis)


def _split_seed(rng):
    """An int seed for scikit-learn's splitter: ints pass through (Brain-Score's seed 1)."""
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng)
    return int(as_generator(rng).integers(0, 2**31 - 1))


def split_half_consistency(values: np.ndarray, n_splits: int, seed: int) -> np.ndarray:
    """Spearman-Brown corrected split-half r per split and neuroid.

    Parameters
    ----------
    values : ndarray of shape (n_repetitions, n_presentations, n_neuroids)
    n_splits : int
    seed : int
        ``random_state`` of ``sklearn.model_selection.ShuffleSplit(train_size=0.5)``
        over repetitions, as Brain-Score does.

    Returns
    -------
    ndarray of shape (n_splits, n_neuroids)
    """
    splitter = ShuffleSplit(n_splits=n_splits, train_size=0.5, random_state=seed)
    out = np.empty((n_splits, values.shape[2]))
    for i, (half1, half2) in enumerate(splitter.split(np.zeros(values.shape[0]))):
        out[i] = spearman_brown(pearson_r(values[half1].mean(axis=0), values[half2].mean(axis=0)))
    return out


def noise_ceiling(recordings, *, n_splits: int = 10, rng=None) -> xr.Dataset:
    """Split-half internal consistency of recordings, Spearman-Brown corrected (Brain-Score's ceiling).

    Parameters
    ----------
    recordings : xarray.DataArray
        (repetition x presentation x neuroid) with ``stimulus_id`` on presentation,
        or a Brain-Score-style (presentation x neuroid) assembly whose presentations
        carry a ``repetition`` coordinate. At least 2 repetitions.
    n_splits : int, default 10
        Random half splits of the repetitions.
    rng : None, int, SeedSequence or Generator
        An int is used as the ``random_state`` of scikit-learn's ``ShuffleSplit``
        over repetitions, so ``rng=1`` reproduces Brain-Score's splits exactly
        (the default was 1 up to version 0.1: pass it for the old numbers); a
        Generator or SeedSequence gives that seed from its stream; None draws
        fresh entropy (the seed used is in ``attrs["split_seed"]``). Same ``rng``
        gives the same result.

    Returns
    -------
    xarray.Dataset
        ``ceiling`` (neuroid): mean over splits of the corrected r per neuroid;
        ``ceiling_split`` (split x neuroid); ``ceiling_median`` (scalar): mean over
        splits of the median over neuroids (Brain-Score's ceiling);
        ``ceiling_error``: its standard error over splits. Neuroid coordinates of
        the input are kept.

    Notes
    -----
    With R repetitions, signal variance s2 and noise variance n2 the expected
    ceiling is the reliability of the R-trial mean, ``s2 / (s2 + n2/R)``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> g = np.random.default_rng(0)
    >>> signal = g.normal(size=(40, 5))                      # 40 stimuli x 5 neuroids, variance 1
    >>> rec = xr.DataArray(signal + 0.5 * g.normal(size=(4, 40, 5)),   # 4 repetitions, noise SD 0.5
    ...                    dims=("repetition", "presentation", "neuroid"),
    ...                    coords={"stimulus_id": ("presentation", [f"s{i}" for i in range(40)])})
    >>> round(float(noise_ceiling(rec, rng=0).ceiling_median), 2)   # theory 2r/(1+r), r = 1/(1+0.25/2)
    0.94
    """
    rec = as_recordings(recordings, "recordings", require_repetitions=True)
    n_splits = check_int("n_splits", n_splits, low=1)
    seed = _split_seed(rng)
    per_split = split_half_consistency(rec.values, n_splits, seed)
    medians = nanmedian(per_split, axis=1)
    per_neuroid = nanmean(per_split, axis=0)
    neuroid_coords = {k: c for k, c in rec.coords.items() if c.dims == (NEUROID,)}
    ds = xr.Dataset(
        {
            "ceiling": xr.DataArray(per_neuroid, dims=(NEUROID,), attrs={
                "units": "1", "long_name": "noise ceiling (Spearman-Brown corrected split-half r)"}),
            "ceiling_split": xr.DataArray(per_split, dims=("split", NEUROID), attrs={
                "units": "1", "long_name": "split-half consistency per split"}),
            "ceiling_median": xr.DataArray(float(np.mean(medians)), attrs={
                "units": "1", "long_name": "median noise ceiling over neuroids"}),
            "ceiling_error": xr.DataArray(float(np.std(medians) / np.sqrt(n_splits)), attrs={
                "units": "1", "long_name": "standard error over splits of the median ceiling"}),
        },
        coords={**neuroid_coords, "split": np.arange(n_splits)},
        attrs={
            "n_repetitions": int(rec.sizes[REPETITION]),
            "n_splits": n_splits,
            "split_seed": seed,
            "definition": "Spearman-Brown corrected split-half Pearson r over repetitions (Brain-Score)",
        },
    )
    return ds
