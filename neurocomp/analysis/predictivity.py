"""Neural predictivity: cross-validated linear mapping from model units to recorded neuroids.

A model's features for each stimulus are mapped linearly onto each recorded
neuroid's (trial-averaged) response, the mapping is fitted on training stimuli
and the prediction on held-out stimuli is scored by Pearson r per neuroid
(Yamins et al. 2014). With ``method="pls"`` and the defaults the procedure is
Brain-Score's neural predictivity metric (Schrimpf et al. 2018): PLS regression
with 25 components and no scaling; 10 stratified shuffle splits of the
stimuli, train fraction 0.9, stratified by ``object_name``, seed 1; Pearson r
per neuroid; median over neuroids within a split; mean and standard error
(population standard deviation over splits / sqrt(n_splits)) over splits.

References
----------
Yamins, D. L. K. et al. (2014). PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score. bioRxiv 407007.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

from neurocomp._validation import (
    ValidationError,
    check_in_range,
    check_int,
    check_option,
)
from neurocomp._assembly import (
    NEUROID,
    PRESENTATION,
    REPETITION,
    align_to,
    as_features,
    as_recordings,
    average_repetitions,
)
from neurocomp._deprecation import renamed_kwargs
from neurocomp.analysis.ceiling import _split_seed, nanmedian
from neurocomp.analysis.regression import PLSMapping, RidgeMapping, max_rank, pearson_r, warn_too_many_components

__all__ = ["neural_predictivity", "METHODS"]

METHODS = ("pls", "ridge")


def _stratify_labels(stratify_coord, target, source):
    if stratify_coord is None or stratify_coord == "":
        return None
    for da in (target, source):
        if stratify_coord in da.coords and da[stratify_coord].dims == (PRESENTATION,):
            return np.asarray(da[stratify_coord].values)
    return None


def make_splits(n_presentations: int, labels, *, n_splits: int, train_size: float, random_state: int, name="target"):
    """Train/test index pairs over presentations: scikit-learn's (Stratified)ShuffleSplit.

    Returns
    -------
    list of (ndarray, ndarray)
    """
    if n_presentations < n_splits:
        raise ValidationError(
            f"{name} must have at least n_splits={n_splits} stimuli to cross-validate over; got {n_presentations}"
        )
    if labels is None:
        splitter = ShuffleSplit(n_splits=n_splits, train_size=train_size, random_state=random_state)
        args = ()
    else:
        splitter = StratifiedShuffleSplit(n_splits=n_splits, train_size=train_size, random_state=random_state)
        args = (labels,)
    try:
        splits = list(splitter.split(np.zeros(n_presentations), *args))
    except ValueError as exc:
        raise ValidationError(
            f"{name}: cannot make {n_splits} splits with train_size={train_size} over {n_presentations} stimuli"
            + (" stratified by category" if labels is not None else "") + f": {exc}"
        ) from None
    for train, test in splits:
        if len(train) < 2 or len(test) < 2:
            raise ValidationError(
                f"train_size={train_size} leaves {len(train)} training and {len(test)} test stimuli of "
                f"{n_presentations}; both need at least 2 (for a Pearson r on held-out stimuli)"
            )
    return splits


def _clamp_components(n_components, X, n_train_min):
    bound = min(max_rank(X), n_train_min - 1)
    if n_components > bound:
        warn_too_many_components(n_components, bound, of="the training features", stacklevel=3)
        return max(bound, 1)
    return n_components


@renamed_kwargs(alphas="penalties", alpha_per_target="penalty_per_target")
def cross_validated_r(X, Y, splits, *, method="pls", n_components=25, penalties=None, penalty_per_target=True):
    """Held-out Pearson r of a linear mapping, per split and target column.

    Parameters
    ----------
    X : ndarray of shape (n_presentations, n_features)
    Y : ndarray of shape (n_presentations, n_targets)
        Rows aligned with X.
    splits : list of (train_index, test_index)

    Returns
    -------
    r : ndarray of shape (n_splits, n_targets)
    penalty : ndarray of shape (n_splits, n_targets) or None
        Ridge penalties chosen (None for PLS).
    n_components : int or None
        PLS components used after clamping (None for ridge).
    """
    r = np.empty((len(splits), Y.shape[1]))
    penalty = np.empty_like(r) if method == "ridge" else None
    if method == "pls":
        n_components = _clamp_components(n_components, X, min(len(tr) for tr, _ in splits))
    for i, (train, test) in enumerate(splits):
        if method == "pls":
            model = PLSMapping(n_components)
        else:
            model = RidgeMapping(penalties, penalty_per_target=penalty_per_target)
        model.fit(X[train], Y[train])
        r[i] = pearson_r(model.predict(X[test]), Y[test])
        if penalty is not None:
            penalty[i] = model.penalty_
    return r, penalty, (n_components if method == "pls" else None)


@renamed_kwargs(random_state="rng", alphas="penalties", alpha_per_target="penalty_per_target")
def neural_predictivity(
    source,
    target,
    method: str = "pls",
    *,
    n_splits: int = 10,
    train_size: float = 0.9,
    stratify_coord: str | None = "object_name",
    rng=None,
    n_components: int = 25,
    penalties=None,
    penalty_per_target: bool = True,
) -> xr.Dataset:
    """Cross-validated prediction of recorded neuroids from model units, scored by held-out Pearson r.

    Parameters
    ----------
    source : xarray.DataArray
        Model features, dims (presentation x neuroid), ``stimulus_id`` on
        presentation (unique), typically a ``layer`` coord on neuroid.
    target : xarray.DataArray
        Recordings, dims (presentation x neuroid) or (repetition x presentation x
        neuroid) -- averaged over repetitions for the mapping -- or a
        Brain-Score-style assembly with a ``repetition`` coord on presentation.
        ``stimulus_id`` on presentation; source rows are aligned to it by id.
    method : {"pls", "ridge"}
        PLS regression (Brain-Score's mapping) or ridge with a per-neuroid
        penalty chosen by leave-one-out cross-validation inside each training set.
    n_splits : int, default 10
    train_size : float, default 0.9
        Fraction of stimuli used for fitting in each split.
    stratify_coord : str or None, default "object_name"
        Presentation coordinate (on target, else on source) whose categories are
        balanced across train and test (``StratifiedShuffleSplit``). When the
        coordinate is absent, or None, plain ``ShuffleSplit`` is used; the
        result's attrs say which.
    rng : None, int, SeedSequence or Generator
        Seeds the splitter: an int is its ``random_state`` (``rng=1`` gives
        Brain-Score's splits, and this function's numbers before version 0.2,
        when the keyword was ``random_state`` with default 1 -- still accepted,
        with a DeprecationWarning); a Generator gives that seed from its stream;
        None draws fresh entropy. The seed used is in ``attrs["random_state"]``.
        Splits index the target's presentations in the order given.
    n_components : int, default 25
        PLS components; clamped to the rank of the training features with a
        :class:`~neurocomp._validation.NeurocompWarning`.
    penalties : list of float, optional
        Ridge penalty grid (see :class:`~neurocomp.analysis.RidgeMapping`;
        default: 20 values, 1e-4..1e4 times the mean eigenvalue of the Gram matrix).
        Named ``alphas`` before 0.2 (still accepted, with a DeprecationWarning).
    penalty_per_target : bool, default True
        Ridge: one penalty per neuroid (else one for all). Named
        ``alpha_per_target`` before 0.2.

    Returns
    -------
    xarray.Dataset
        ``r`` (split x neuroid): held-out Pearson r; ``split_score`` (split):
        median of r over neuroids; ``score``: mean of split_score;
        ``score_error``: its standard error over splits; ``neuroid_r``
        (neuroid): mean r over splits; ``penalty`` (split x neuroid, ridge only).
        The target's neuroid coordinates are kept. Attrs record every choice.

    Notes
    -----
    Neuroids whose held-out prediction or response is constant get r = NaN and
    are skipped by the median (as xarray's median does in Brain-Score).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> g = np.random.default_rng(0)
    >>> ids = {"stimulus_id": ("presentation", [f"s{i}" for i in range(40)])}
    >>> X = g.normal(size=(40, 20))                                  # 20 model units
    >>> Y = X[:, :5] @ g.normal(size=(5, 3)) + 0.1 * g.normal(size=(40, 3))   # 3 neuroids
    >>> source = xr.DataArray(X, dims=("presentation", "neuroid"), coords=ids)
    >>> target = xr.DataArray(Y, dims=("presentation", "neuroid"), coords=ids)
    >>> res = neural_predictivity(source, target, method="ridge", n_splits=3, stratify_coord=None, rng=0)
    >>> round(float(res.score), 2)                                   # held-out Pearson r
    0.99
    """
    check_option("method", method, METHODS)
    n_splits = check_int("n_splits", n_splits, low=1)
    train_size = check_in_range("train_size", train_size, 0, 1, low_open=True, high_open=True)
    n_components = check_int("n_components", n_components, low=1)
    random_state = _split_seed(rng)
    src = as_features(source, "source")
    rec = as_recordings(target, "target")
    tgt = average_repetitions(rec)
    src = align_to(src, tgt, source_name="source", target_name="target")
    labels = _stratify_labels(stratify_coord, tgt, src)
    splits = make_splits(tgt.sizes[PRESENTATION], labels, n_splits=n_splits, train_size=train_size,
                         random_state=int(random_state))
    X = src.values
    Y = tgt.transpose(PRESENTATION, NEUROID).values
    r, penalty, used = cross_validated_r(X, Y, splits, method=method, n_components=n_components, penalties=penalties,
                                         penalty_per_target=penalty_per_target)
    return _predictivity_dataset(r, penalty, tgt, attrs=dict(
        method=method,
        n_splits=n_splits,
        train_size=train_size,
        random_state=int(random_state),
        stratify_coord=stratify_coord if labels is not None else "",
        splitter="StratifiedShuffleSplit" if labels is not None else "ShuffleSplit",
        n_components=-1 if used is None else int(used),
        n_presentations=int(tgt.sizes[PRESENTATION]),
        n_repetitions=int(rec.sizes[REPETITION]),
        n_features=int(X.shape[1]),
        aggregation="median over neuroids within a split; mean and standard error over splits",
    ))


def _predictivity_dataset(r, penalty, tgt, *, attrs):
    split_score = nanmedian(r, axis=1)
    n_splits = r.shape[0]
    neuroid_coords = {k: c for k, c in tgt.coords.items() if c.dims == (NEUROID,)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        neuroid_r = np.nanmean(r, axis=0)
    data = {
        "r": xr.DataArray(r, dims=("split", NEUROID), attrs={"units": "1", "long_name": "held-out Pearson r"}),
        "split_score": xr.DataArray(split_score, dims=("split",), attrs={
            "units": "1", "long_name": "median held-out r over neuroids"}),
        "score": xr.DataArray(float(np.mean(split_score)), attrs={
            "units": "1", "long_name": "neural predictivity (mean over splits of median r)"}),
        "score_error": xr.DataArray(float(np.std(split_score) / np.sqrt(n_splits)), attrs={
            "units": "1", "long_name": "standard error over splits"}),
        "neuroid_r": xr.DataArray(neuroid_r, dims=(NEUROID,), attrs={
            "units": "1", "long_name": "held-out r per neuroid (mean over splits)"}),
    }
    if penalty is not None:
        data["penalty"] = xr.DataArray(penalty, dims=("split", NEUROID), attrs={
            "units": "1", "long_name": "ridge penalty chosen by leave-one-out CV"})
    return xr.Dataset(data, coords={**neuroid_coords, "split": np.arange(n_splits)}, attrs=attrs)
