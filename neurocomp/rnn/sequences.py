"""Surprise and entropy rate of symbol sequences: a trained model's estimate against plug-in ones.

The "entropy" of a stimulus string computed from its symbol frequencies,
H₁ = −Σ p(a) log p(a), ignores every dependence between symbols and so
overstates how unpredictable the string is. The entropy rate
h = lim H(X_t | X_{t−1}, …, X_1) is the proper measure. Two kinds of estimate:

* plug-in block entropies (:func:`entropy_estimates`, through
  :func:`neurocomp.information.entropy_rate`): h_L = H_L − H_{L−1} from counts
  of blocks of L symbols; exact for a Markov chain of order < L given enough
  data, but the counts run out quickly as L grows;
* a predictive model's cross-entropy (:func:`model_entropy_rate`): the mean
  surprise −log₂ p̂(x_{t+1} | x_1 … x_t) of a trained next-symbol model. For a
  stationary ergodic source it is an upper bound on h (the excess is the
  Kullback–Leibler divergence of the model from the source), and it uses long
  contexts that block counts cannot.

References
----------
Cover, T. M. & Thomas, J. A. (2006). Elements of Information Theory, 2nd ed.,
    §4.2 and §5.4 (entropy rate; the cross-entropy bound).
Shannon, C. E. (1951). Prediction and entropy of printed English. Bell Syst.
    Tech. J. 30, 50–64.
Graves, A. (2013). Generating sequences with recurrent neural networks.
    arXiv:1308.0850.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp import information
from neurocomp._validation import ValidationError, check_array, check_int, check_option

__all__ = ["surprise_from_proba", "surprise", "model_entropy_rate", "entropy_estimates"]

_LOG2 = np.log(2.0)


def _task_arrays(X, y, mask):
    if isinstance(X, xr.Dataset):
        if y is not None:
            raise ValidationError("give y only with an array X; a task Dataset carries its own targets")
        return X["inputs"].values, X["targets"].values, X["mask"].values
    if y is None:
        raise ValidationError("y (the next-symbol targets, trial × time) is required with an array X")
    return X, y, mask


def surprise_from_proba(proba, targets, *, mask=None, units: str = "bit") -> xr.DataArray:
    """Per-symbol surprise −log p(target) from predicted next-symbol probabilities.

    Parameters
    ----------
    proba : array (trial, time, n_symbols)
        Predicted probability of each next symbol (rows sum to 1).
    targets : int array (trial, time)
        The symbol that came next (index into the last axis of ``proba``).
    mask : bool array (trial, time), optional
        Steps to score; the others are NaN.
    units : {"bit", "nat"}

    Returns
    -------
    xarray.DataArray (trial, time)
        ``attrs["units"]`` ``units``.

    Examples
    --------
    >>> p = np.full((1, 2, 4), 0.25)
    >>> surprise_from_proba(p, [[0, 3]]).values.tolist()
    [[2.0, 2.0]]
    """
    check_option("units", units, ["bit", "nat"])
    p = check_array("proba", proba, ndim=3)
    t = np.asarray(targets)
    if t.shape != p.shape[:2]:
        raise ValidationError(f"targets must have shape (trial, time) = {p.shape[:2]}; got {t.shape}")
    if t.dtype.kind not in "iu" and not (t.dtype.kind == "f" and np.all(t == np.round(t))):
        raise ValidationError(f"targets must be integer symbol indices; got dtype {t.dtype}")
    t = t.astype(np.int64)
    m = np.ones(t.shape, bool) if mask is None else check_array("mask", mask, dtype=bool, shape=t.shape)
    if ((t < 0) | (t >= p.shape[2]))[m].any():
        raise ValidationError(f"targets must index the {p.shape[2]} symbols of proba; got values outside "
                              f"[0, {p.shape[2] - 1}]")
    if (p < 0).any() or np.abs(p.sum(-1) - 1.0)[m].max(initial=0.0) > 1e-6:
        raise ValidationError("proba must be non-negative and sum to 1 over its last axis")
    pt = np.take_along_axis(p, np.clip(t, 0, p.shape[2] - 1)[..., None], -1)[..., 0]
    with np.errstate(divide="ignore"):
        s = -np.log(pt)
    if units == "bit":
        s = s / _LOG2
    s = np.where(m, s, np.nan)
    return xr.DataArray(s, dims=("trial", "time"), coords={"trial": np.arange(s.shape[0])},
                        attrs={"units": units, "long_name": "surprise −log p(next symbol)"})


def _model_proba(model, X):
    p = np.asarray(model.predict_proba(X), dtype=float)
    if p.ndim != 3:
        raise ValidationError(f"model.predict_proba must give (trial, time, symbol) probabilities (a softmax model "
                              f"with readout='all'); got shape {p.shape}")
    return p


def _as_class_index(model, t):
    classes = getattr(model, "classes_", None)
    if classes is None:
        return t
    classes = np.asarray(classes)
    idx = np.searchsorted(classes, t)
    idx = np.clip(idx, 0, len(classes) - 1)
    return idx, classes[idx] == t


def surprise(model, X, y=None, *, mask=None, units: str = "bit") -> xr.DataArray:
    """Per-symbol surprise −log p̂(next symbol) of a trained next-symbol model.

    Parameters
    ----------
    model : fitted RNN with ``output="softmax"``, ``readout="all"``
        Anything with ``predict_proba(X) -> (trial, time, n_classes)``.
    X : array (trial, time, n_features) or task Dataset
        Inputs; a Dataset from :mod:`neurocomp.rnn.tasks` brings ``targets`` and ``mask``.
    y : int array (trial, time), optional
        The next symbols (class labels of the model).
    mask : bool array (trial, time), optional
    units : {"bit", "nat"}

    Returns
    -------
    xarray.DataArray (trial, time)
        NaN where ``mask`` is False.

    Examples
    --------
    >>> class Uniform:                      # a "model" that knows nothing
    ...     def predict_proba(self, X):
    ...         return np.full(X.shape[:2] + (4,), 0.25)
    >>> float(surprise(Uniform(), np.zeros((2, 3, 4)), np.zeros((2, 3), int)).mean())
    2.0
    """
    X, y, mask = _task_arrays(X, y, mask)
    p = _model_proba(model, X)
    t = np.asarray(y)
    m = np.ones(t.shape, bool) if mask is None else np.asarray(mask, bool)
    mapped = _as_class_index(model, t)
    if isinstance(mapped, tuple):
        t, known = mapped
        if not known[m].all():
            raise ValidationError("y has symbols the model never saw in training (not in model.classes_)")
    return surprise_from_proba(p, t, mask=m, units=units)


def model_entropy_rate(model, X, y=None, *, mask=None, skip: int = 0, units: str = "bit") -> xr.DataArray:
    """The model-based entropy-rate estimate: mean surprise (cross-entropy) per symbol.

    Parameters
    ----------
    model : fitted softmax RNN (readout "all")
    X : array or task Dataset
    y : int array (trial, time), optional
    mask : bool array (trial, time), optional
    skip : int
        Leading steps of every sequence left out (the model starts each sequence
        without context, so its first predictions overstate the rate).
    units : {"bit", "nat"}

    Returns
    -------
    xarray.DataArray
        0-d; attrs ``sd`` (standard error over trials), ``n_symbols``, ``method``.

    Notes
    -----
    For a stationary ergodic source with rate h and a model q,
    −(1/n) Σ log q(x_{t+1} | x_{≤t}) → h + D(p‖q) ≥ h: the estimate is an upper
    bound, tight when the model has learned the source.

    References
    ----------
    Cover, T. M. & Thomas, J. A. (2006). Elements of Information Theory, 2nd ed., §5.4.

    Examples
    --------
    >>> class Uniform:
    ...     def predict_proba(self, X):
    ...         return np.full(X.shape[:2] + (2,), 0.5)
    >>> float(model_entropy_rate(Uniform(), np.zeros((3, 5, 2)), np.zeros((3, 5), int)))
    1.0
    """
    skip = check_int("skip", skip, 0, 10**6)
    s = surprise(model, X, y, mask=mask, units=units)
    if skip >= s.sizes["time"]:
        raise ValidationError(f"skip={skip} leaves no steps of the {s.sizes['time']}-step sequences")
    s = s.isel(time=slice(skip, None))
    per_trial = s.mean("time", skipna=True)
    n = int(s.notnull().sum())
    if n == 0:
        raise ValidationError("no step to score (mask is all False)")
    if np.isinf(s.values).any():
        value, sd = float("inf"), float("nan")
    else:
        value = float(np.nanmean(s.values))
        k = int(per_trial.notnull().sum())
        sd = float(np.nanstd(per_trial.values, ddof=1) / np.sqrt(k)) if k > 1 else float("nan")
    return xr.DataArray(value, attrs={"units": units, "long_name": "entropy rate (model cross-entropy)",
                                      "method": "model_cross_entropy", "sd": sd, "n_symbols": n})


def entropy_estimates(sequence, *, max_order: int = 6, method: str = "plugin", units: str = "bit") -> xr.Dataset:
    """The naive symbol-frequency "entropy" and the plug-in block estimates of the entropy rate.

    Parameters
    ----------
    sequence : str or array (n,)
        The symbols.
    max_order : int
        Longest block L.
    method : {"plugin", "miller_madow", "nsb"}
        Estimator of each block entropy (see :func:`neurocomp.information.entropy`).
    units : {"bit", "nat"}

    Returns
    -------
    xarray.Dataset
        ``block_entropy`` H_L and ``conditional_entropy`` h_L = H_L − H_{L−1} over
        ``order`` (from :func:`neurocomp.information.entropy_rate`); scalars
        ``naive_entropy`` (H₁, symbol frequencies only), ``rate_longest_block``
        (h at the longest block) and ``rate_extrapolated`` (Strong et al.'s
        extrapolation of H_L/L to 1/L → 0).

    References
    ----------
    Strong, S. P. et al. (1998). Phys. Rev. Lett. 80, 197–200.

    Examples
    --------
    >>> est = entropy_estimates("ab" * 200, max_order=3)
    >>> float(est.naive_entropy), round(float(est.rate_longest_block), 3)
    (1.0, 0.0)
    """
    out = information.entropy_rate(sequence, max_order=max_order, method=method, units=units)
    h = out["conditional_entropy"]
    ds = xr.Dataset({"block_entropy": out["block_entropy"], "conditional_entropy": h})
    ds["naive_entropy"] = xr.DataArray(float(h[0]), attrs={"units": units, "long_name": "entropy of the symbol "
                                                           "frequencies (naive)"})
    ds["rate_longest_block"] = xr.DataArray(float(h[-1]), attrs={"units": units, "long_name": "entropy rate, "
                                                                 "longest block"})
    ds["rate_extrapolated"] = xr.DataArray(float(out.attrs["rate_extrapolated"]),
                                           attrs={"units": units, "long_name": "entropy rate, extrapolated in "
                                                  "block length"})
    ds.attrs = {"method": method, "n_symbols": int(out.attrs.get("n_symbols", len(sequence)))}
    return ds
