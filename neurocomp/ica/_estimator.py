"""The ICA and whitening estimators, the Amari distance and source matching."""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import validate_data

from neurocomp._validation import (
    NeurocompWarning,
    ValidationError,
    check_array,
    check_int,
    check_is_fitted,
    check_option,
    check_positive,
)
from neurocomp.ica import _solvers
from neurocomp.random import as_generator

__all__ = ["ICA", "Whitening", "amari_distance", "match_sources", "ICAConvergenceWarning"]

METHODS = ("infomax", "extended", "fastica")
DEFAULT_TOL = {"infomax": 1e-7, "extended": 1e-7, "fastica": 1e-4}
RANK_RTOL = 1e-10  # eigenvalues below this fraction of the largest count as zero


class ICAConvergenceWarning(NeurocompWarning, ConvergenceWarning):
    """An ICA solver stopped at ``max_iter`` before reaching ``tol``.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from neurocomp.ica import ICA
    >>> X = np.random.default_rng(0).laplace(size=(500, 3))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = ICA(max_iter=1, rng=0).fit(X)
    >>> [type(w.message).__name__ for w in caught]
    ['ICAConvergenceWarning']
    """


def _check_X(estimator, X, *, reset):
    """Validate X with scikit-learn's bookkeeping, then refuse NaN/inf with a clear message."""
    X = validate_data(estimator, X, reset=reset, dtype=np.float64, ensure_all_finite=False,
                      ensure_min_samples=1)
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValidationError(
            f"X must be finite; got {int(bad.sum())} NaN or inf entries (first at sample {r}, "
            f"channel {c}). Drop or impute them before fitting."
        )
    return X


class Whitening(TransformerMixin, BaseEstimator):
    """PCA or ZCA whitening: centred data with identity covariance, as an inspectable step.

    Parameters
    ----------
    n_components : int or None
        Number of principal directions kept (default: all). Must not exceed
        the rank of the data.
    method : {"pca", "zca"}
        ``"pca"``: project on the leading eigenvectors and scale each to unit
        variance (output shape (n_samples, n_components)). ``"zca"``: rotate
        back into the input space, ``E D^(-1/2) Eᵀ`` (output shape
        (n_samples, n_features)); of all whitening matrices it changes the
        data least (Bell & Sejnowski 1997 whitened images this way).

    Attributes
    ----------
    mean_ : numpy.ndarray, shape (n_features,)
    explained_variance_ : numpy.ndarray, shape (n_components,)
        Eigenvalues of the covariance, descending.
    eigenvectors_ : numpy.ndarray, shape (n_components, n_features)
        Principal directions (rows), the sign fixed so the largest entry is positive.
    components_ : numpy.ndarray, shape (n_out, n_features)
        The whitening matrix K: ``transform(X) = (X − mean_) Kᵀ``.
    dewhitening_ : numpy.ndarray, shape (n_features, n_out)
        Its pseudo-inverse: ``inverse_transform(Z) = Z dewhitening_ᵀ + mean_``.
    rank_ : int
        Numerical rank of the covariance.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(500, 3)) @ [[2, 1, 0], [0, 1, 0], [0, 0, 3]]
    >>> Z = Whitening().fit_transform(X)
    >>> bool(np.allclose(np.cov(Z.T, bias=True), np.eye(3)))
    True

    References
    ----------
    Bell, A. J. & Sejnowski, T. J. (1997). The "independent components" of
    natural scenes are edge filters. Vision Research 37, 3327–3338.
    """

    def __init__(self, n_components=None, method="pca"):
        self.n_components = n_components
        self.method = method

    def fit(self, X, y=None):
        """Estimate the mean and the covariance's eigen-decomposition of X (n_samples, n_features)."""
        check_option("method", self.method, ("pca", "zca"))
        X = _check_X(self, X, reset=True)
        n, f = X.shape
        k = f if self.n_components is None else check_int("n_components", self.n_components, low=1)
        if k > f:
            raise ValidationError(
                f"n_components must be <= the number of channels (n_features={f}); got n_components={k}"
            )
        if n <= k:
            raise ValidationError(
                f"X has too few samples for n_components={k}: need n_samples > n_components; got n_samples={n}"
            )
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        cov = Xc.T @ Xc / n
        evals, evecs = np.linalg.eigh(cov)
        evals, evecs = evals[::-1], evecs[:, ::-1]
        top = max(evals[0], 0.0)
        rank = int(np.sum(evals > RANK_RTOL * top)) if top > 0 else 0
        self.rank_ = rank
        if k > rank:
            var = np.diag(cov)
            const = np.flatnonzero(var <= RANK_RTOL * max(var.max(), np.finfo(float).tiny))
            why = (f"channels {const.tolist()} are constant" if const.size
                   else "some channels are linear combinations of others")
            raise ValidationError(
                f"X is rank deficient: its covariance has rank {rank} < n_components={k} ({why}). "
                f"Pass n_components <= {rank} or drop the redundant channels."
            )
        evals, evecs = evals[:k], evecs[:, :k]
        flip = np.sign(evecs[np.argmax(np.abs(evecs), axis=0), np.arange(k)])
        evecs = evecs * flip
        self.explained_variance_ = evals
        self.eigenvectors_ = evecs.T.copy()
        scale = 1.0 / np.sqrt(evals)
        if self.method == "pca":
            self.components_ = (evecs * scale).T.copy()
            self.dewhitening_ = evecs * np.sqrt(evals)
        else:
            self.components_ = (evecs * scale) @ evecs.T
            self.dewhitening_ = (evecs * np.sqrt(evals)) @ evecs.T
        return self

    def transform(self, X):
        """Whitened data, shape (n_samples, n_components) (PCA) or (n_samples, n_features) (ZCA)."""
        check_is_fitted(self, "components_")
        X = _check_X(self, X, reset=False)
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, Z):
        """Back to the input space: ``Z dewhitening_ᵀ + mean_``."""
        check_is_fitted(self, "components_")
        Z = check_array("Z", Z, ndim=2, shape=(None, self.components_.shape[0]))
        return Z @ self.dewhitening_.T + self.mean_


class ICA(TransformerMixin, BaseEstimator):
    """Independent component analysis: infomax, extended infomax or FastICA.

    Parameters
    ----------
    n_components : int or None
        Number of sources sought (default: number of channels). The data are
        reduced to this many principal components before separation.
    method : {"infomax", "extended", "fastica"}
        ``"infomax"``: maximum likelihood with the logistic density (Bell &
        Sejnowski 1995), separates super-Gaussian sources only.
        ``"extended"``: extended infomax (Lee, Girolami & Sejnowski 1999),
        switches each component between a sub- and a super-Gaussian density.
        ``"fastica"``: Hyvärinen's (1999) fixed point (see ``algorithm``, ``fun``).
    whiten : bool
        Centre and PCA-whiten the data first (default). With False the data
        are only centred and must already be white (FastICA assumes it);
        ``n_components`` must then be None or the number of channels.
    max_iter : int
        Maximum iterations (each one pass over all samples).
    tol : float or None
        Convergence threshold; None uses the method's default: 1e-7 on the
        largest entry of the relative gradient ``E[ψ(u)uᵀ] − I`` (infomax,
        extended), 1e-4 on ``max|1 − |⟨w_new, w_old⟩||`` (FastICA, as
        scikit-learn).
    algorithm : {"parallel", "deflation"}
        FastICA only: symmetric or deflationary orthogonalisation.
    fun : {"logcosh", "exp", "cube"}
        FastICA only: the contrast function.
    optimizer : {"newton", "natural_gradient"}
        Infomax and extended only: natural-gradient steps scaled by the
        Hessian approximation of Ablin et al. (2018) (``"newton"``, default,
        tens of iterations), or plain natural-gradient steps ``W ← W − μ G W``
        of Amari et al. (1996) (the textbook rule, hundreds of iterations);
        both with the step μ found by backtracking on the likelihood, and the
        same fixed points.
    subsample_start : bool
        With many samples (at least 16 × max(2000, 20 n_components)), run the
        same iteration first on random subsets of 1/16 and 1/4 of the samples
        and start the full-data iteration from their answer (parallel FastICA,
        infomax and extended infomax). The final iterations, the stopping rule
        and the fixed point are those of the full data; ``n_iter_`` counts
        the full-data iterations only.
    rng : None, int, SeedSequence or Generator
        Stream for the random orthogonal starting matrix.

    Attributes
    ----------
    components_ : numpy.ndarray, shape (n_components, n_features)
        The unmixing matrix W (applied to centred data): ``S = (X − mean_) Wᵀ``.
    mixing_ : numpy.ndarray, shape (n_features, n_components)
        The mixing matrix A (pseudo-inverse of W): ``X ≈ S Aᵀ + mean_``.
    mean_ : numpy.ndarray, shape (n_features,)
    whitening_ : Whitening or None
        The fitted whitening step.
    n_iter_ : int
        Iterations used.
    gradient_norm_ : float
        The final value of the convergence criterion (see ``tol``).
    converged_ : bool
    signs_ : numpy.ndarray or None
        Extended infomax: +1 for components modelled super-Gaussian, −1 sub-Gaussian.
    learning_curve_ : xarray.Dataset
        ``criterion`` over ``epoch`` (epoch 0 = before the first update; NaN
        for FastICA, whose criterion compares two iterates).

    Notes
    -----
    The model is ``x = A s`` with independent, non-Gaussian sources s.
    Whitening ``z = K (x − m)`` removes second-order dependence, leaving an
    orthogonal rotation to find; the rotation is what the higher-order
    statistics fix, and it is not identifiable for Gaussian sources, whose
    joint density is rotation invariant. The recovered sources have unit
    variance; their order and sign are arbitrary (the sign is fixed so that the
    largest entry of each mixing column is positive).

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.ica import ICA, amari_distance
    >>> rng = np.random.default_rng(0)
    >>> S = rng.laplace(size=(5000, 3))
    >>> A = rng.normal(size=(3, 3))
    >>> ica = ICA(method="infomax", rng=0).fit(S @ A.T)
    >>> bool(amari_distance(ica.components_, A) < 0.05)
    True

    References
    ----------
    Bell, A. J. & Sejnowski, T. J. (1995). An information-maximization approach
    to blind separation and blind deconvolution. Neural Computation 7, 1129–1159.
    Amari, S., Cichocki, A. & Yang, H. H. (1996). A new learning algorithm for
    blind signal separation. NIPS 8, 757–763.
    Lee, T.-W., Girolami, M. & Sejnowski, T. J. (1999). Independent component
    analysis using an extended infomax algorithm for mixed sub-Gaussian and
    super-Gaussian sources. Neural Computation 11, 417–441.
    Hyvärinen, A. (1999). Fast and robust fixed-point algorithms for
    independent component analysis. IEEE Trans. Neural Networks 10, 626–634.
    Ablin, P., Cardoso, J.-F. & Gramfort, A. (2018). Faster independent
    component analysis by preconditioning with Hessian approximations. IEEE
    Trans. Signal Processing 66, 4040–4049.
    """

    def __init__(self, n_components=None, *, method="infomax", whiten=True, max_iter=200, tol=None,
                 algorithm="parallel", fun="logcosh", optimizer="newton", subsample_start=True, rng=None):
        self.n_components = n_components
        self.method = method
        self.whiten = whiten
        self.max_iter = max_iter
        self.tol = tol
        self.algorithm = algorithm
        self.fun = fun
        self.optimizer = optimizer
        self.subsample_start = subsample_start
        self.rng = rng

    def _check_params(self, n_features):
        check_option("method", self.method, METHODS)
        check_option("algorithm", self.algorithm, ("parallel", "deflation"))
        check_option("fun", self.fun, _solvers.CONTRASTS)
        check_option("optimizer", self.optimizer, ("newton", "natural_gradient"))
        if not isinstance(self.whiten, (bool, np.bool_)):
            raise TypeError(f"whiten must be True or False; got {self.whiten!r}")
        max_iter = check_int("max_iter", self.max_iter, low=1)
        tol = DEFAULT_TOL[self.method] if self.tol is None else check_positive("tol", self.tol)
        k = n_features if self.n_components is None else check_int("n_components", self.n_components, low=1)
        if k > n_features:
            raise ValidationError(
                f"n_components must be <= the number of channels (n_features={n_features}); "
                f"got n_components={k}"
            )
        if not self.whiten and k != n_features:
            raise ValidationError(
                f"n_components must be None or n_features={n_features} when whiten=False; got n_components={k}"
            )
        return k, max_iter, tol

    def fit(self, X, y=None, *, X_valid=None, y_valid=None):
        """Estimate the unmixing matrix from X of shape (n_samples, n_features).

        ``y``, ``X_valid`` and ``y_valid`` are ignored (scikit-learn's signature).
        """
        X = _check_X(self, X, reset=True)
        n, f = X.shape
        k, max_iter, tol = self._check_params(f)
        if n <= k:
            raise ValidationError(
                f"X has too few samples for n_components={k}: need n_samples > n_components; got n_samples={n}"
            )
        gen = as_generator(self.rng)
        if self.whiten:
            wh = Whitening(n_components=k).fit(X)
            Z = np.ascontiguousarray(wh.transform(X).T)
            K = wh.components_
            self.mean_ = wh.mean_
        else:
            wh = None
            self.mean_ = X.mean(axis=0)
            Z = np.ascontiguousarray((X - self.mean_).T)
            K = np.eye(f)
        self.whitening_ = wh
        W0, _ = np.linalg.qr(gen.normal(size=(k, k)))
        signs = None
        if self.subsample_start and not (self.method == "fastica" and self.algorithm == "deflation"):
            W0 = self._subsample_start(Z, W0, max_iter, tol, gen)
        if self.method == "fastica":
            W, n_iter, crit = _solvers.fastica(Z, W0, algorithm=self.algorithm, fun=self.fun,
                                               max_iter=max_iter, tol=tol)
            final = float(np.max(crit[1:])) if self.algorithm == "deflation" else float(crit[-1])
            long_name = "FastICA criterion max|1 − |<w_new, w_old>||"
        else:
            W, n_iter, crit, signs = _solvers.infomax(Z, W0, extended=self.method == "extended",
                                                      max_iter=max_iter, tol=tol,
                                                      precondition=self.optimizer == "newton")
            final = float(crit[-1])
            long_name = "largest entry of the relative gradient E[psi(u) u^T] - I"
        converged = bool(np.isfinite(final) and final < tol)
        U = W @ Z
        scale = U.std(axis=1)
        scale[scale == 0] = 1.0
        W = W / scale[:, None]
        unmixing = W @ K
        mixing = np.linalg.pinv(unmixing)
        flip = np.sign(mixing[np.argmax(np.abs(mixing), axis=0), np.arange(k)])
        flip[flip == 0] = 1.0
        self.components_ = unmixing * flip[:, None]
        self.mixing_ = mixing * flip[None, :]
        self.n_iter_ = int(n_iter)
        self.gradient_norm_ = final
        self.converged_ = converged
        self.signs_ = signs
        self.learning_curve_ = xr.Dataset(
            {"criterion": ("epoch", np.asarray(crit, float), {"units": "1", "long_name": long_name})},
            coords={"epoch": np.arange(len(crit))},
        )
        if not converged:
            warnings.warn(
                f"ICA(method={self.method!r}) did not converge: after max_iter={max_iter} iterations "
                f"the criterion is {final:.3g} > tol={tol:g}. Increase max_iter, loosen tol, or check "
                "that the sources are non-Gaussian.",
                ICAConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _subsample_start(self, Z, W0, max_iter, tol, gen):
        """Starting matrix from the same solver run on nested random subsets (1/16, then 1/4)."""
        k, n = Z.shape
        smallest = max(2000, 20 * k)
        order = None
        for frac in (16, 4):
            m = n // frac
            if m < smallest:
                continue
            if order is None:
                order = gen.permutation(n)
            sub = np.ascontiguousarray(Z[:, np.sort(order[:m])])
            if self.method == "fastica":
                W0, *_ = _solvers.fastica(sub, W0, algorithm="parallel", fun=self.fun, max_iter=max_iter, tol=tol)
            else:
                W0, *_ = _solvers.infomax(sub, W0, extended=self.method == "extended", max_iter=max_iter, tol=tol,
                                          precondition=self.optimizer == "newton")
        return W0

    def transform(self, X):
        """Estimated sources, shape (n_samples, n_components), unit variance on the training data."""
        check_is_fitted(self, "components_")
        X = _check_X(self, X, reset=False)
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, S):
        """Mix sources back into channel space: ``S mixing_ᵀ + mean_``, shape (n_samples, n_features)."""
        check_is_fitted(self, "components_")
        S = check_array("S", S, ndim=2, shape=(None, self.components_.shape[0]))
        return S @ self.mixing_.T + self.mean_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags


def amari_distance(unmixing, mixing) -> float:
    """Amari distance between an unmixing matrix and the true mixing matrix, in [0, 1].

    Parameters
    ----------
    unmixing : array-like, shape (n_components, n_channels)
        Estimated W.
    mixing : array-like, shape (n_channels, n_components)
        True A.

    Returns
    -------
    float
        0 when ``P = W A`` is a scaled permutation (perfect separation); 1 at
        worst (all entries of every row and column of |P| equal).

    Notes
    -----
    With ``p_ij = |P_ij|`` and n components,

    ``d = [Σ_i (Σ_j p_ij / max_j p_ij − 1) + Σ_j (Σ_i p_ij / max_i p_ij − 1)] / (2 n (n − 1))``,

    the index of Amari, Cichocki & Yang (1996) divided by its maximum.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> round(amari_distance(np.linalg.inv(A)[::-1] * [[2.0], [-1.0]], A), 12)
    0.0
    >>> amari_distance(np.ones((2, 2)), np.eye(2))
    1.0

    References
    ----------
    Amari, S., Cichocki, A. & Yang, H. H. (1996). A new learning algorithm for
    blind signal separation. NIPS 8, 757–763.
    """
    W = check_array("unmixing", unmixing, ndim=2)
    A = check_array("mixing", mixing, ndim=2)
    if W.shape[1] != A.shape[0] or W.shape[0] != A.shape[1]:
        raise ValidationError(
            f"unmixing (n_components, n_channels) and mixing (n_channels, n_components) must match; "
            f"got shapes {W.shape} and {A.shape}"
        )
    P = np.abs(W @ A)
    n = P.shape[0]
    if n == 1:
        return 0.0
    rmax = P.max(axis=1, keepdims=True)
    cmax = P.max(axis=0, keepdims=True)
    if np.any(rmax == 0) or np.any(cmax == 0):
        raise ValidationError("unmixing @ mixing has an all-zero row or column: unmixing is singular on the mixing's range")
    rows = (P / rmax).sum(axis=1) - 1.0
    cols = (P / cmax).sum(axis=0) - 1.0
    return float((rows.sum() + cols.sum()) / (2.0 * n * (n - 1)))


def match_sources(estimated, true) -> xr.Dataset:
    """Pair estimated sources with true ones (up to order and sign) by their correlation.

    Parameters
    ----------
    estimated : array-like or DataArray, shape (n_estimated, n_time)
        Estimated sources, one per row (e.g. ``ICA.transform(X).T``).
    true : array-like or DataArray, shape (n_true, n_time)

    Returns
    -------
    xarray.Dataset
        Over ``component`` (the true sources, in order): ``match`` (index of
        the estimated row assigned to it), ``sign`` (±1) and ``correlation``
        (the absolute correlation, units "1"), from the assignment maximising
        the summed absolute correlation (Hungarian algorithm).

    Examples
    --------
    >>> import numpy as np
    >>> S = np.random.default_rng(0).normal(size=(3, 100))
    >>> m = match_sources(-S[[2, 0, 1]], S)
    >>> m["match"].values.tolist(), m["sign"].values.tolist()
    ([1, 2, 0], [-1.0, -1.0, -1.0])
    """
    E = check_array("estimated", getattr(estimated, "values", estimated), ndim=2)
    T = check_array("true", getattr(true, "values", true), ndim=2)
    if E.shape[1] != T.shape[1]:
        raise ValidationError(f"estimated and true must have the same number of time points; got {E.shape[1]} and {T.shape[1]}")
    if E.shape[0] < T.shape[0]:
        raise ValidationError(f"estimated must have at least as many rows as true ({T.shape[0]}); got {E.shape[0]}")
    Ec = E - E.mean(axis=1, keepdims=True)
    Tc = T - T.mean(axis=1, keepdims=True)
    En = np.linalg.norm(Ec, axis=1)
    Tn = np.linalg.norm(Tc, axis=1)
    if np.any(En == 0) or np.any(Tn == 0):
        raise ValidationError("estimated and true must not hold constant rows")
    C = (Tc @ Ec.T) / np.outer(Tn, En)
    rows, cols = linear_sum_assignment(-np.abs(C))
    c = C[rows, cols]
    return xr.Dataset(
        {"match": ("component", cols, {"units": "1", "long_name": "index of the matched estimate"}),
         "sign": ("component", np.sign(c), {"units": "1", "long_name": "sign of the match"}),
         "correlation": ("component", np.abs(c), {"units": "1", "long_name": "|correlation| with the true source"})},
        coords={"component": np.arange(T.shape[0])},
    )
