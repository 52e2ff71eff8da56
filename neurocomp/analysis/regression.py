"""Linear mappings from model units to recorded neuroids: PLS and ridge.

Two tiers: pure solver functions on arrays (``pls_fit``, ``ridge_path``), then
scikit-learn-shaped estimators that call them (:class:`PLSMapping`,
:class:`RidgeMapping`). All targets are fitted at once; nothing loops over
neuroids in Python.

- PLS regression (partial least squares, NIPALS with regression deflation;
  Wegelin 2000) is the mapping of Brain-Score's neural predictivity metric
  (Schrimpf et al. 2018), used with 25 components and no scaling.
  :class:`PLSMapping` follows the same iterative choices as scikit-learn's
  ``PLSRegression`` (power iteration from the first non-constant target,
  tolerance 1e-6 on the squared change of the weights, 500 iterations at most)
  so the predictions agree to rounding; the power iteration runs on the
  cross-covariance ``X'Y`` (deflated in place) instead of on the data, which is
  what makes it cheaper.
- Ridge regression picks one penalty per neuroid by exact leave-one-out
  cross-validation, all penalties and all neuroids from one eigendecomposition
  of the centred Gram matrix (kernel form when units outnumber stimuli, primal
  covariance otherwise). Yamins et al. (2014) mapped layers to IT sites with
  cross-validated linear regression in the same spirit.

References
----------
Yamins, D. L. K. et al. (2014). Performance-optimized hierarchical models predict neural
responses in higher visual cortex. PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score: which artificial neural network for object
recognition is most brain-like? bioRxiv 407007.
Wegelin, J. A. (2000). A survey of partial least squares (PLS) methods, with emphasis on
the two-block case. Technical report 371, University of Washington.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, RegressorMixin

from neurocomp._deprecation import REMOVED_IN, renamed_kwargs
from neurocomp._sklearn import validate_X, validate_X_y
from neurocomp._validation import NeurocompWarning, ValidationError, check_array, check_int, check_is_fitted

__all__ = ["PLSMapping", "RidgeMapping", "pearson_r", "default_penalties", "default_alphas", "ridge_loo_errors"]


def _check_xy(X, Y):
    X = check_array("X", X, ndim=2)
    Y = check_array("Y", Y, ndim=(1, 2))
    if Y.ndim == 1:
        Y = Y[:, None]
    if X.shape[0] != Y.shape[0]:
        raise ValidationError(
            f"X and Y must have the same number of samples (rows); got X {X.shape} and Y {Y.shape}"
        )
    if X.shape[0] < 2:
        raise ValidationError(f"X must have at least 2 samples; got {X.shape[0]} sample(s)")
    return X, Y


def _not_fitted(obj):
    check_is_fitted(obj, "coef_")


def pearson_r(a, b) -> np.ndarray:
    """Pearson correlation of matching columns of two arrays.

    Parameters
    ----------
    a, b : ndarray of shape (n_samples, n_columns)

    Returns
    -------
    r : ndarray of shape (n_columns,)
        NaN where a column is constant (as ``scipy.stats.pearsonr``).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(5.0)[:, None]
    >>> pearson_r(np.hstack([x, x]), np.hstack([2 * x + 1, -x])).tolist()
    [1.0, -1.0]
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim == 1:
        a, b = a[:, None], b[:, None]
    ac = a - a.mean(axis=0)
    bc = b - b.mean(axis=0)
    num = np.einsum("ij,ij->j", ac, bc)
    den = np.sqrt(np.einsum("ij,ij->j", ac, ac) * np.einsum("ij,ij->j", bc, bc))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num / den
    r[den == 0] = np.nan
    return np.clip(r, -1.0, 1.0)


# --------------------------------------------------------------------------- PLS


def _rank1_update(A, alpha, x, y):
    """``A += alpha * outer(x, y)`` in place, one pass over ``A`` (BLAS ``dger``) when it can."""
    if A.flags.c_contiguous and A.dtype == np.float64:
        # A is C-ordered, so A.T is a Fortran-ordered view that dger updates in place
        _dger(alpha, y, x, a=A.T, overwrite_a=True)
    else:  # pragma: no cover - the callers pass C-ordered float64 arrays
        A += alpha * np.outer(x, y)


def _dger(alpha, x, y, a, overwrite_a):
    from scipy.linalg.blas import dger

    out = dger(alpha, x, y, a=a, overwrite_a=overwrite_a)
    if not np.shares_memory(out, a):  # pragma: no cover - dger always works in place on Fortran arrays
        a[...] = out
    return out


def pls_fit(X, Y, n_components: int, *, max_iter: int = 500, tol: float = 1e-6, iterations: list | None = None,
            scores: list | None = None):
    """Fit PLS2 regression (NIPALS, regression-mode deflation) on centred copies of X, Y.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features (model units).
    Y : ndarray of shape (n_samples, n_targets)
        Targets (neuroids).
    n_components : int
        Number of latent components to extract.
    max_iter : int, default 500
        Power iterations per component at most.
    tol : float, default 1e-6
        Stop when the squared change of the x-weights falls below it.
    iterations : list, optional
        If given, the power iterations of each component are appended to it.
    scores : list, optional
        If given, the x-scores ``t`` of each component (shape (n_samples,)) are appended to it.

    Returns
    -------
    coef : ndarray of shape (n_features, n_targets)
    x_mean : ndarray of shape (n_features,)
    y_mean : ndarray of shape (n_targets,)
    n_fitted : int
        Components actually extracted (fewer when the residual of Y vanishes).

    Notes
    -----
    For component k, the x-weights ``w`` are the first left singular vector of
    ``M_k = X_k' Y_k``, found by the power iteration ``w <- M M' w / |M M' w|``
    started from the first non-constant column of ``M_k`` and stopped when
    ``|w - w_old|^2 < tol``. Scores ``t = X_k w``; loadings ``p = X_k' t / t't``,
    ``q = Y_k' t / t't``; deflation ``X_{k+1} = X_k - t p'``, ``Y_{k+1} = Y_k - t q'``,
    which gives ``M_{k+1} = M_k - (t't) p q'``. The regression coefficients are
    ``W (P'W)^+ Q'``.

    The iteration runs in the smaller of the two Gram spaces: with fewer targets than
    features it carries ``v = M' w`` and multiplies by ``C = M'M`` (targets x targets,
    updated by rank 2 per component), so each step touches a small matrix that stays in
    cache instead of streaming ``M`` twice; the change ``|w - w_old|^2`` is computed from
    inner products of ``v`` (``w`` itself is formed once, at the end). The sequence of
    iterates is the same as above, so the stopping step and the result are those of
    scikit-learn's ``PLSRegression`` to rounding.
    """
    X = np.array(X, dtype=float, copy=True, order="C")
    Y = np.array(Y, dtype=float, copy=True, order="C")
    x_mean = X.mean(axis=0)
    y_mean = Y.mean(axis=0)
    X -= x_mean
    Y -= y_mean
    n_features, n_targets = X.shape[1], Y.shape[1]
    eps = np.finfo(float).eps
    M = X.T @ Y
    # iterate with C = M'M (targets space) when that is the smaller Gram, else G = MM'
    target_space = n_targets < n_features

    def exact_gram():
        return (M.T @ M) if target_space else (M @ M.T)

    gram = exact_gram()
    # The rank-2 updates carry rounding of the order eps * |M_0|^2; once deflation has shrunk
    # |M|^2 a millionfold since the Gram was last formed, it is formed again from M.
    gram_norm2 = float(np.trace(gram))
    W, P, Q = [], [], []
    tt_first = None
    for _ in range(n_components):
        zero = np.all(np.abs(Y) < 10 * eps, axis=0)
        if zero.any():  # targets whose residual vanished drop out (their columns of M too)
            Y[:, zero] = 0.0
            if np.any(M[:, zero]):
                M[:, zero] = 0.0
                gram = exact_gram()
                gram_norm2 = float(np.trace(gram))
        nonconst = np.flatnonzero(np.any(np.abs(Y) > eps, axis=0))
        if nonconst.size == 0:
            break
        w = M[:, nonconst[0]].copy()
        w /= np.sqrt(w @ w) + eps
        n_it = 1
        if n_targets > 1 and target_space:
            # w_{i+1} = M v_i / (|M v_i| + eps) with v_i = M' w_i; |M v|^2 = v'Cv, w_{i+1}.w_i = v_i.v_i / (|M v_i| + eps)
            v = M.T @ w
            ww = w @ w  # |w_i|^2
            v_old = None
            change = None
            for n_it in range(1, max_iter):
                if change is not None and change < tol:
                    break
                v_old = v
                cv = gram @ v_old
                vcv = max(float(v_old @ cv), 0.0)  # |M v|^2
                norm = np.sqrt(vcv) + eps
                ww_new = vcv / norm**2
                change = ww_new + ww - 2.0 * (v_old @ v_old) / norm
                v = cv / norm
                ww = ww_new
            if v_old is not None:
                w = M @ v_old
                w /= np.sqrt(max(float(v_old @ (gram @ v_old)), 0.0)) + eps
        elif n_targets > 1:
            w_old = None
            for n_it in range(1, max_iter):
                if w_old is not None and (w - w_old) @ (w - w_old) < tol:
                    break
                w_old = w
                w = gram @ w_old
                w /= np.sqrt(w @ w) + eps
        if iterations is not None:
            iterations.append(n_it)
        t = X @ w
        tt = t @ t
        if tt_first is None:
            tt_first = tt
        if tt <= 1e-20 * tt_first:  # X is exhausted: its rank is below n_components
            break
        p = (X.T @ t) / tt
        q = (Y.T @ t) / tt
        _rank1_update(X, -1.0, t, p)
        _rank1_update(Y, -1.0, t, q)
        # M' = M - tt p q'; the Gram follows by a rank-2 update
        # C - tt (q m' + m q') + tt^2 (p.p) q q' = C - tt (q r' + r q') with m = M'p, r = m - tt (p.p) q / 2
        # (and the same with the roles of p and q swapped for G = MM')
        a, b = (q, p) if target_space else (p, q)
        r = (M.T @ p) if target_space else (M @ q)
        r -= (0.5 * tt * (b @ b)) * a
        _rank1_update(gram, -tt, a, r)
        _rank1_update(gram, -tt, r, a)
        _rank1_update(M, -tt, p, q)
        m_norm2 = float(np.einsum("ij,ij->", M, M))
        if m_norm2 < 1e-6 * gram_norm2:
            gram = exact_gram()
            gram_norm2 = m_norm2
        W.append(w)
        P.append(p)
        Q.append(q)
        if scores is not None:
            scores.append(t)
    if not W:
        coef = np.zeros((X.shape[1], n_targets))
        return coef, x_mean, y_mean, 0
    W, P, Q = np.array(W).T, np.array(P).T, np.array(Q).T
    rotations = W @ scipy.linalg.pinv(P.T @ W, check_finite=False)
    return rotations @ Q.T, x_mean, y_mean, W.shape[1]


class _LinearMapping(RegressorMixin, BaseEstimator):
    """What PLS and ridge mappings share once fitted: ``Y = (X - mean) @ coef_ + intercept_``.

    scikit-learn regressors with several outputs: ``coef_`` is always
    (n_features, n_targets); ``predict`` returns (n_samples,) when ``fit`` got a
    1-D target, else (n_samples, n_targets).
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_fit_input(self, X, Y):
        if hasattr(X, "shape") and hasattr(Y, "shape") and len(X.shape) and len(Y.shape) and X.shape[0] != Y.shape[0]:
            raise ValidationError(
                f"X and Y must have the same number of samples (rows); got X {X.shape} and Y {Y.shape}"
            )
        X, Y = validate_X_y(self, X, Y, y_numeric=True, multi_output=True)
        self._target_1d = np.ndim(Y) == 1
        return _check_xy(X, Y)

    def predict(self, X):
        """Predicted responses, ndarray of shape (n_samples, n_targets), or (n_samples,) after a 1-D fit."""
        X = validate_X(self, X, fitted_attribute="coef_")
        Y = (X - self._x_mean) @ self.coef_ + self.intercept_
        return Y[:, 0] if getattr(self, "_target_1d", False) else Y


def warn_too_many_components(n_components: int, bound: int, *, of: str, stacklevel: int = 2) -> None:
    """The one warning for a PLS asked for more components than its features' rank allows."""
    warnings.warn(
        f"n_components={n_components} exceeds the rank of {of} ({bound}); PLS uses {bound} "
        f"components. Pass n_components<={bound} to silence this warning.",
        NeurocompWarning,
        stacklevel=stacklevel + 1,
    )


class PLSMapping(_LinearMapping):
    """Partial-least-squares regression from model units to neuroids (scikit-learn shape).

    Parameters
    ----------
    n_components : int, default 25
        Number of latent components (Brain-Score's default). Clamped to the rank
        of the centred training features, with a :class:`NeurocompWarning`.
    max_iter, tol : int, float
        Power-iteration limits (scikit-learn's defaults).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features, n_targets)
    intercept_ : ndarray of shape (n_targets,)
    n_components_ : int
        Components used after clamping.
    n_iter_ : list of int
        Power iterations spent on each component (1 for a single target, where
        the first singular vector is exact).

    Notes
    -----
    No scaling of features or targets (Brain-Score uses ``scale=False``).
    Predictions equal ``sklearn.cross_decomposition.PLSRegression(n_components,
    scale=False)`` to rounding.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0)
    >>> X = g.normal(size=(40, 20))
    >>> Y = X[:, :5] @ g.normal(size=(5, 3)) + 0.1 * g.normal(size=(40, 3))
    >>> PLSMapping(n_components=5).fit(X, Y).predict(X).shape
    (40, 3)
    """

    def __init__(self, n_components: int = 25, *, max_iter: int = 500, tol: float = 1e-6):
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, Y):
        """Fit on X (n_samples, n_features) and Y (n_samples, n_targets) or (n_samples,); return self."""
        check_int("n_components", self.n_components, low=1)
        X, Y = self._check_fit_input(X, Y)
        n = self.n_components
        # n is clamped to max_rank(X); the fit's own scores usually prove rank >= n without
        # max_rank's eigendecomposition of the Gram matrix (see _rank_at_least)
        iterations, scores = [], []
        fitted = pls_fit(X, Y, n, max_iter=self.max_iter, tol=self.tol, iterations=iterations, scores=scores)
        if not _rank_at_least(X, fitted[1], scores, n):
            bound = max_rank(X)
            if n > bound:
                warn_too_many_components(n, bound, of="the centred features", stacklevel=3)
                n = bound
                iterations = []
                fitted = pls_fit(X, Y, max(n, 1), max_iter=self.max_iter, tol=self.tol, iterations=iterations)
        self.coef_, self._x_mean, self.intercept_, self.n_components_ = fitted
        self.n_iter_ = iterations
        if self.n_components_ < n:
            warnings.warn(
                f"PLS stopped after {self.n_components_} of {n} components: the residual of the features or "
                "of the targets vanished (the data have lower rank). Pass fewer components to silence this warning.",
                NeurocompWarning,
                stacklevel=2,
            )
        return self



def _rank_at_least(X, x_mean, scores, k: int) -> bool:
    """True if ``max_rank(X) >= k`` is certain from ``k`` score vectors in the centred column space.

    For an orthonormal basis U of the span of the scores (columns of ``X - x_mean`` times
    weights), Courant-Fischer gives ``lambda_k(Xc Xc') >= lambda_min(U' Xc Xc' U)``; when that
    exceeds ``max_rank``'s threshold (computed with ``|Xc|_F^2 >= lambda_1``, so larger), a
    hundredfold, ``max_rank`` counts at least k eigenvalues. False means "not proven", not
    "rank < k": the caller then runs ``max_rank``. Costs O(n p k) instead of O(n^2 p + n^3).
    """
    if k < 1 or len(scores) < k:
        return False
    U, _ = np.linalg.qr(np.column_stack(scores[:k]))
    Xc = X - x_mean
    XtU = Xc.T @ U
    low = np.linalg.eigvalsh(XtU.T @ XtU)[0]
    Xc_norm2 = float(np.einsum("ij,ij->", Xc, Xc))
    threshold = Xc_norm2 * max(X.shape) * np.finfo(float).eps * 10
    return bool(low > 100 * threshold)


def max_rank(X) -> int:
    """Numerical rank of the column-centred matrix ``X`` (n_samples, n_features)."""
    Xc = X - X.mean(axis=0)
    small = min(Xc.shape)
    if small == 0:
        return 0
    gram = Xc @ Xc.T if Xc.shape[0] <= Xc.shape[1] else Xc.T @ Xc
    ev = np.linalg.eigvalsh(gram)
    if ev[-1] <= 0:
        return 0
    return int((ev > ev[-1] * max(Xc.shape) * np.finfo(float).eps * 10).sum())


# --------------------------------------------------------------------------- ridge


def _eigenbasis(Xc):
    """Orthonormal basis Q (n, k) of Xc's column space and eigenvalues lam (k,) of Xc Xc'.

    Kernel form (eigh of the n x n Gram) when features >= samples, else the primal
    covariance (p x p); returns V (p, k) too in that case (None otherwise).
    """
    n, p = Xc.shape
    if p >= n:
        lam, Q = np.linalg.eigh(Xc @ Xc.T)
        keep = lam > lam[-1] * n * np.finfo(float).eps * 10
        return Q[:, keep], lam[keep], None
    lam, V = np.linalg.eigh(Xc.T @ Xc)
    keep = lam > lam[-1] * p * np.finfo(float).eps * 10
    lam, V = lam[keep], V[:, keep]
    Q = (Xc @ V) / np.sqrt(lam)
    return Q, lam, V


def default_penalties(n_penalties: int = 20, low: float = 1e-4, high: float = 1e4) -> np.ndarray:
    """Relative ridge-penalty grid: multiples of the mean eigenvalue of the centred Gram matrix.

    Parameters
    ----------
    n_penalties : int, default 20
        Number of grid points.
    low, high : float, default 1e-4 and 1e4
        Smallest and largest multiple, spaced logarithmically.

    Returns
    -------
    ndarray of shape (n_penalties,)
        Dimensionless multiples.

    Examples
    --------
    >>> default_penalties(5).tolist()
    [0.0001, 0.01, 1.0, 100.0, 10000.0]
    """
    return np.logspace(np.log10(low), np.log10(high), n_penalties)


def default_alphas(n_alphas: int = 20, low: float = 1e-4, high: float = 1e4) -> np.ndarray:
    """Deprecated name of :func:`default_penalties` (``alpha`` is the diffusion exponent elsewhere).

    Parameters
    ----------
    n_alphas : int, default 20
        Number of grid points.
    low, high : float, default 1e-4 and 1e4
        Smallest and largest multiple.

    Returns
    -------
    ndarray of shape (n_alphas,)
        The grid of :func:`default_penalties`.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     grid = default_alphas(3)
    >>> grid.tolist()
    [0.0001, 1.0, 10000.0]
    """
    warnings.warn(f"default_alphas is deprecated and will be removed in neurocomp {REMOVED_IN}; use default_penalties",
                  DeprecationWarning, stacklevel=2)
    return default_penalties(n_alphas, low, high)


def ridge_loo_errors(Q, lam, Yc, alphas, n_samples: int, *, dtype=np.float32, chunk_bytes: int = 2**28):
    """Exact leave-one-out mean squared error of ridge with intercept, every alpha x target.

    Parameters
    ----------
    Q : ndarray (n, k)
        Orthonormal eigenvectors of the centred Gram matrix (non-null part).
    lam : ndarray (k,)
        Their eigenvalues.
    Yc : ndarray (n, t)
        Centred targets.
    alphas : ndarray (a,)
        Ridge penalties.
    n_samples : int
        Number of samples n.
    dtype : numpy dtype, default float32
        Precision of the large products.
    chunk_bytes : int, default 2**28
        Memory budget per chunk of penalties, in bytes.

    Returns
    -------
    mse : ndarray (a, t)
        Leave-one-out mean squared error per penalty and target, in the targets' units squared.

    Notes
    -----
    The ridge fit with an unpenalised intercept is a linear smoother with hat
    matrix ``H = 11'/n + Q diag(lam/(lam+alpha)) Q'``; its leave-one-out residuals
    are ``e_i / (1 - H_ii)`` exactly. The residual ``e = R0 + Q diag(alpha/(lam+alpha)) Q'Yc``
    (``R0`` the part of Yc outside span(Q)) is formed directly, so there is no
    cancellation; the products run in ``dtype`` (float32 by default: the error
    only ranks the penalties, the final fit is float64).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> g = np.random.default_rng(0)
    >>> X, Y = g.normal(size=(12, 5)), g.normal(size=(12, 2))
    >>> Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    >>> lam, Q = np.linalg.eigh(Xc @ Xc.T)
    >>> keep = lam > 1e-9 * lam.max()
    >>> mse = ridge_loo_errors(Q[:, keep], lam[keep], Yc, np.array([0.1, 10.0]), 12, dtype=np.float64)
    >>> def loo(alpha):                                    # refit without each sample in turn
    ...     rows = np.arange(12)
    ...     return np.mean([(Ridge(alpha=alpha).fit(X[rows != i], Y[rows != i]).predict(X[i:i + 1]) - Y[i]) ** 2
    ...                     for i in rows], axis=0).ravel()
    >>> bool(np.allclose(mse, [loo(0.1), loo(10.0)]))
    True
    """
    QtY = Q.T @ Yc
    R0 = Yc - Q @ QtY
    Q2 = Q * Q
    Qd = Q.astype(dtype)
    QtYd = QtY.astype(dtype)
    R0d = R0.astype(dtype)
    n, t = Yc.shape
    per_alpha = n * t * np.dtype(dtype).itemsize * 2
    step = max(1, int(chunk_bytes // max(per_alpha, 1)))
    mse = np.empty((len(alphas), t))
    for start in range(0, len(alphas), step):
        block = np.asarray(alphas[start:start + step], dtype=float)
        shrink = block[:, None] / (lam[None, :] + block[:, None])  # (b, k)
        h = 1.0 / n_samples + (1.0 - shrink) @ Q2.T  # (b, n)
        G = (shrink.astype(dtype)[:, :, None] * QtYd[None, :, :])  # (b, k, t)
        resid = np.matmul(Qd[None, :, :], G)  # (b, n, t)
        resid += R0d[None]
        resid /= (1.0 - h).astype(dtype)[:, :, None]
        mse[start:start + len(block)] = np.einsum("bnt,bnt->bt", resid, resid, dtype=float) / n
    return mse


class RidgeMapping(_LinearMapping):
    """Ridge regression from model units to neuroids with one penalty per neuroid.

    Parameters
    ----------
    penalties : array-like of float, optional
        Candidate penalties. With ``penalties_relative=True`` (the default when
        ``penalties`` is None) they are multiples of the mean eigenvalue of the
        centred training Gram matrix, so the grid does not depend on the scale of
        the features; default 20 values from 1e-4 to 1e4. With
        ``penalties_relative=False`` they are absolute (scikit-learn's ``alpha``).
        (Named ``alphas`` before 0.2; the old keywords ``alphas``,
        ``alpha_per_target``, ``alphas_relative`` and the attribute ``alpha_``
        still work with a DeprecationWarning: ``alpha`` is the anomalous-diffusion
        exponent elsewhere in neurocomp.)
    penalty_per_target : bool, default True
        Choose the penalty separately for each target (neuroid) by exact
        leave-one-out cross-validation; otherwise one penalty minimising the mean
        error over targets.
    penalties_relative : bool, optional
        See ``penalties``; default True when ``penalties`` is None, else False.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features, n_targets)
    intercept_ : ndarray of shape (n_targets,)
    penalty_ : ndarray of shape (n_targets,)
        Absolute penalty chosen for each target.
    cv_mse_ : ndarray of shape (n_penalties, n_targets)
        Leave-one-out mean squared error (only when more than one penalty).

    Notes
    -----
    One eigendecomposition per fit: ``Xc Xc' = Q diag(lam) Q'``. Then for penalty
    ``a_j`` of target j the coefficients are ``Xc' Q diag(1/(lam+a_j)) Q' y_j``
    (kernel form; the primal form ``V diag(sqrt(lam)/(lam+a_j)) Q' y_j`` is used
    when features < samples). With a single penalty this is scikit-learn's
    ``Ridge(alpha, fit_intercept=True)``.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0)
    >>> X = g.normal(size=(40, 20))
    >>> Y = X[:, :5] @ g.normal(size=(5, 3)) + 0.1 * g.normal(size=(40, 3))
    >>> pearson_r(RidgeMapping().fit(X, Y).predict(X), Y).round(2).tolist()
    [1.0, 1.0, 1.0]
    """

    @renamed_kwargs(alphas="penalties", alpha_per_target="penalty_per_target", alphas_relative="penalties_relative")
    def __init__(self, penalties=None, *, penalty_per_target: bool = True, penalties_relative: bool | None = None):
        self.penalties = penalties
        self.penalty_per_target = penalty_per_target
        self.penalties_relative = penalties_relative

    #: Attribute names before 0.2, renamed in pickles written then (issue 22).
    _OLD_NAMES = {"alphas": "penalties", "alpha_per_target": "penalty_per_target",
                  "alphas_relative": "penalties_relative", "alpha_": "penalty_"}

    def __setstate__(self, state):
        state = {self._OLD_NAMES.get(k, k): v for k, v in state.items()}
        super().__setstate__(state)

    @property
    def alpha_(self):
        """Deprecated name of ``penalty_``."""
        warnings.warn(f"RidgeMapping.alpha_ is deprecated and will be removed in neurocomp {REMOVED_IN}; use penalty_",
                      DeprecationWarning, stacklevel=2)
        return self.penalty_

    def _grid(self, lam, n):
        relative = self.penalties is None if self.penalties_relative is None else self.penalties_relative
        grid = (default_penalties() if self.penalties is None
                else check_array("penalties", self.penalties, ndim=(0, 1)).ravel())
        if grid.size == 0 or (grid <= 0).any():
            raise ValidationError(f"penalties must be a non-empty list of positive numbers; got {self.penalties!r}")
        scale = lam.sum() / n if relative else 1.0
        return grid * (scale if scale > 0 else 1.0)

    def fit(self, X, Y):
        """Fit on X (n_samples, n_features) and Y (n_samples, n_targets) or (n_samples,); return self."""
        X, Y = self._check_fit_input(X, Y)
        n = X.shape[0]
        self._x_mean = X.mean(axis=0)
        self.intercept_ = Y.mean(axis=0)
        Xc = X - self._x_mean
        Yc = Y - self.intercept_
        Q, lam, V = _eigenbasis(Xc)
        grid = self._grid(lam, n)
        if grid.size > 1:
            self.cv_mse_ = ridge_loo_errors(Q, lam, Yc, grid, n)
            if self.penalty_per_target:
                best = np.argmin(self.cv_mse_, axis=0)
            else:
                best = np.full(Y.shape[1], np.argmin(self.cv_mse_.mean(axis=1)))
            self.penalty_ = grid[best]
        else:
            self.penalty_ = np.full(Y.shape[1], grid[0])
        QtY = Q.T @ Yc
        scaled = QtY / (lam[:, None] + self.penalty_[None, :])
        if V is None:
            self.coef_ = Xc.T @ (Q @ scaled)
        else:
            self.coef_ = V @ (np.sqrt(lam)[:, None] * scaled)
        return self

