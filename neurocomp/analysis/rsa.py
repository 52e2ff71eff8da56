"""Representational similarity analysis and centred kernel alignment.

RSA (Kriegeskorte et al. 2008) summarises a population's code by its
representational dissimilarity matrix (RDM): the dissimilarity of the response
patterns of every pair of stimuli. Two systems (a model layer and a cortical
region; two subjects) are compared by correlating their RDMs' upper triangles,
so no mapping between units is fitted. The RDM noise ceiling (Nili et al. 2014)
bounds the best achievable comparison: the upper bound compares each
subject/repetition with the mean RDM of all, the lower bound with the mean of
the others. Linear CKA (Kornblith et al. 2019) compares two representations of
the same stimuli through their centred Gram matrices; it is invariant to
orthogonal transforms and isotropic scaling, not to arbitrary linear maps.

The definitions follow rsatoolbox's so numbers agree: "correlation" distance
is 1 - Pearson r between two patterns, "sqeuclidean" is the squared Euclidean
distance divided by the number of neuroids (rsatoolbox's "euclidean"); RDMs are
pooled for the ceiling as rsatoolbox pools them (ranks averaged for the rank
methods, RMS-normalised vectors for cosine, z-scored vectors for Pearson).

References
----------
Kriegeskorte, N., Mur, M. & Bandettini, P. (2008). Representational similarity analysis --
connecting the branches of systems neuroscience. Front. Syst. Neurosci. 2, 4.
Nili, H. et al. (2014). A toolbox for representational similarity analysis. PLoS Comput.
Biol. 10, e1003553.
Kornblith, S., Norouzi, M., Lee, H. & Hinton, G. (2019). Similarity of neural network
representations revisited. ICML.
Yamins, D. L. K. et al. (2014). PNAS 111, 8619-8624 (RDMs of model layers and IT).
Schrimpf, M. et al. (2018). Brain-Score. bioRxiv 407007.
"""

from __future__ import annotations

import numpy as np
import scipy.stats
import xarray as xr

from neurocomp._validation import ValidationError, check_array, check_option
from neurocomp._assembly import (
    NEUROID,
    PRESENTATION,
    STIMULUS,
    _check_dims,
    _check_finite,
    _check_stimulus_coord,
    _check_unique,
    _require_dataarray,
    align_to,
)

__all__ = ["rdm", "compare_rdms", "rdm_ceiling", "linear_cka", "RDM_METRICS", "COMPARE_METHODS"]

RDM_METRICS = ("correlation", "euclidean", "sqeuclidean", "cosine")
COMPARE_METHODS = ("spearman", "pearson", "kendall_tau_a", "cosine")
OTHER = "presentation_post"  # the vocabulary's second axis of a square matrix ("presentation_b" before 0.2)


def _patterns(values: np.ndarray, metric: str) -> np.ndarray:
    """RDMs of patterns (..., n_stimuli, n_units) -> (..., n_stimuli, n_stimuli)."""
    x = values
    if metric == "correlation":
        x = x - x.mean(axis=-1, keepdims=True)
        norm = np.sqrt(np.einsum("...ij,...ij->...i", x, x))
        with np.errstate(invalid="ignore", divide="ignore"):
            x = x / norm[..., None]
        d = 1.0 - x @ np.swapaxes(x, -1, -2)
    elif metric == "cosine":
        norm = np.sqrt(np.einsum("...ij,...ij->...i", x, x))
        with np.errstate(invalid="ignore", divide="ignore"):
            x = x / norm[..., None]
        d = 1.0 - x @ np.swapaxes(x, -1, -2)
    else:
        sq = np.einsum("...ij,...ij->...i", x, x)
        d = sq[..., :, None] + sq[..., None, :] - 2.0 * (x @ np.swapaxes(x, -1, -2))
        d = np.maximum(d, 0.0)
        if metric == "sqeuclidean":
            d = d / x.shape[-1]
        else:
            d = np.sqrt(d)
    n = d.shape[-1]
    d[..., np.arange(n), np.arange(n)] = 0.0
    return d


def rdm(data, metric: str = "correlation") -> xr.DataArray:
    """Representational dissimilarity matrix of the stimuli's response patterns.

    Parameters
    ----------
    data : xarray.DataArray
        (presentation x neuroid) with ``stimulus_id`` on presentation, or
        (repetition x presentation x neuroid) for one RDM per repetition (any
        leading dimension name works, e.g. ``subject``). A plain 2-D ndarray
        (n_stimuli, n_units) is accepted too (stimuli numbered 0..n-1).
    metric : {"correlation", "euclidean", "sqeuclidean", "cosine"}
        ``1 - Pearson r`` between patterns; Euclidean distance; squared
        Euclidean distance / n_neuroids (rsatoolbox's "euclidean");
        ``1 - cosine similarity``.

    Returns
    -------
    xarray.DataArray
        (presentation x presentation_post) -- with the leading dimension kept when
        given -- carrying ``stimulus_id`` on presentation and ``stimulus_id_post``
        on presentation_post; attrs ``metric``.

    Examples
    --------
    >>> import numpy as np
    >>> d = rdm(np.random.default_rng(0).normal(size=(12, 30)))       # 12 stimuli x 30 neuroids
    >>> d.dims, d.shape, float(d[0, 0])
    (('presentation', 'presentation_post'), (12, 12), 0.0)
    """
    check_option("metric", metric, RDM_METRICS)
    if isinstance(data, np.ndarray):
        arr = check_array("data", data, ndim=2)
        data = xr.DataArray(arr, dims=(PRESENTATION, NEUROID),
                            coords={STIMULUS: (PRESENTATION, np.arange(arr.shape[0]))})
    da = _require_dataarray("data", data)
    lead = [d for d in da.dims if d not in (PRESENTATION, NEUROID)]
    if len(lead) > 1 or PRESENTATION not in da.dims or NEUROID not in da.dims:
        raise ValidationError(
            f"data must have dims (presentation x neuroid), optionally after one leading dim such as "
            f"repetition; got {tuple(da.dims)}"
        )
    _check_stimulus_coord("data", da)
    _check_unique("data", da)
    _check_finite("data", da)
    da = da.transpose(*lead, PRESENTATION, NEUROID)
    values = _patterns(da.values.astype(float), metric)
    if metric in ("correlation", "cosine") and not np.isfinite(values).all():
        raise ValidationError(
            f"data: metric={metric!r} is undefined for a constant (or all-zero) response pattern; "
            "drop those stimuli or use metric='euclidean'"
        )
    ids = da[STIMULUS].values
    coords = {STIMULUS: (PRESENTATION, ids), f"{STIMULUS}_post": (OTHER, ids)}
    for name, coord in da.coords.items():
        if lead and coord.dims == (lead[0],):
            coords[name] = coord
    return xr.DataArray(values, dims=(*lead, PRESENTATION, OTHER), coords=coords, attrs={
        "metric": metric, "units": "1" if metric in ("correlation", "cosine") else "",
        "long_name": f"representational dissimilarity ({metric})"})


def _upper(rdms: np.ndarray) -> np.ndarray:
    """Upper triangles (diagonal excluded) of (..., n, n) -> (..., n(n-1)/2)."""
    n = rdms.shape[-1]
    iu = np.triu_indices(n, k=1)
    return rdms[..., iu[0], iu[1]]


def _as_vectors(a, name, ids=None):
    """An RDM (square DataArray/ndarray or condensed vector) -> (vectors (k, m), stimulus ids or None)."""
    if isinstance(a, xr.DataArray):
        if "presentation_b" in a.dims and OTHER not in a.dims:  # an RDM made before 0.2 (e.g. read from a file)
            import warnings

            warnings.warn(f"{name}: the RDM dim 'presentation_b' is deprecated (neurocomp 0.3 will refuse it); "
                          "it is now 'presentation_post'", DeprecationWarning, stacklevel=3)
            a = a.rename({"presentation_b": OTHER})
        if PRESENTATION not in a.dims or OTHER not in a.dims:
            raise ValidationError(
                f"{name} must be an RDM from neurocomp.analysis.rdm (dims presentation x presentation_post); "
                f"got dims {tuple(a.dims)}"
            )
        lead = [d for d in a.dims if d not in (PRESENTATION, OTHER)]
        a_ids = a[STIMULUS].values if STIMULUS in a.coords else None
        if ids is not None and a_ids is not None:
            order = _order(a_ids, ids, name)
            a = a.isel({PRESENTATION: order, OTHER: order})
        vals = a.transpose(*lead, PRESENTATION, OTHER).values
        vals = check_array(name, vals, ndim=(2, 3))
        vec = _upper(vals)
        return vec.reshape(-1, vec.shape[-1]), (a_ids if ids is None else ids)
    arr = check_array(name, a, ndim=(1, 2, 3))
    if arr.ndim == 1:
        return arr[None, :], None
    if arr.shape[-1] != arr.shape[-2]:
        raise ValidationError(f"{name} must be a square RDM (n x n) or its condensed upper triangle; got {arr.shape}")
    vec = _upper(arr)
    return vec.reshape(-1, vec.shape[-1]), None


def _order(a_ids, ids, name):
    import pandas as pd

    idx = pd.Index(a_ids).get_indexer(ids)
    if (idx < 0).any() or len(a_ids) != len(ids):
        missing = [i for i, j in zip(ids, idx) if j < 0][:5]
        raise ValidationError(
            f"{name} must cover the same stimulus_id values as the first RDM; {int((idx < 0).sum())} missing, "
            f"e.g. {missing}; sizes {len(a_ids)} and {len(ids)}"
        )
    return idx


def _rank(v):
    return scipy.stats.rankdata(v, axis=-1)


def _pearson_rows(a, b):
    ac = a - a.mean(axis=-1, keepdims=True)
    bc = b - b.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.einsum("...i,...i->...", ac, bc) / np.sqrt(
            np.einsum("...i,...i->...", ac, ac) * np.einsum("...i,...i->...", bc, bc))


def _tau_a(a, b, chunk: int = 512):
    """Kendall's tau-a of rows of a with rows of b (broadcast), counting concordant - discordant pairs."""
    a, b = np.broadcast_arrays(a, b)
    m = a.shape[-1]
    total = np.zeros(a.shape[:-1])
    for start in range(0, m, chunk):
        sl = slice(start, min(start + chunk, m))
        sa = np.sign(a[..., sl, None] - a[..., None, :])
        sb = np.sign(b[..., sl, None] - b[..., None, :])
        total += np.einsum("...ij,...ij->...", sa, sb)
    return total / (m * (m - 1))  # each unordered pair counted twice over m(m-1)/2 pairs


def _compare_vectors(a, b, method):
    """Similarity of rows of a (k, m) with rows of b (k or 1, m) -> (k,)."""
    if method == "pearson":
        return _pearson_rows(a, b)
    if method == "spearman":
        return _pearson_rows(_rank(a), _rank(b))
    if method == "cosine":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.einsum("...i,...i->...", a, b) / np.sqrt(
                np.einsum("...i,...i->...", a, a) * np.einsum("...i,...i->...", b, b))
    return _tau_a(a, b)


def compare_rdms(a, b, method: str = "spearman"):
    """Similarity of two RDMs over their upper triangles (diagonal excluded).

    Parameters
    ----------
    a, b : xarray.DataArray or ndarray
        RDMs from :func:`rdm` (aligned by ``stimulus_id``; ``a`` may hold a
        leading dimension of several RDMs), square ndarrays (n, n) or condensed
        upper triangles (n(n-1)/2,).
    method : {"spearman", "pearson", "kendall_tau_a", "cosine"}
        Spearman rank correlation (ties get average ranks), Pearson correlation,
        Kendall's tau-a (recommended by Nili et al. 2014 when models predict
        tied dissimilarities), cosine similarity.

    Returns
    -------
    float, or ndarray of shape (k,) when ``a`` holds k RDMs

    References
    ----------
    .. [1] Kriegeskorte, N., Mur, M. & Bandettini, P. (2008). Representational similarity
       analysis - connecting the branches of systems neuroscience. Front. Syst. Neurosci. 2, 4.
    .. [2] Nili, H., Wingfield, C., Walther, A., Su, L., Marslen-Wilson, W. & Kriegeskorte, N.
       (2014). A toolbox for representational similarity analysis. PLoS Comput. Biol. 10,
       e1003553.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(12, 30))
    >>> float(compare_rdms(rdm(x), rdm(3 * x + 1)))       # correlation distance ignores scale and offset
    1.0
    """
    check_option("method", method, COMPARE_METHODS)
    va, ids = _as_vectors(a, "a")
    vb, _ = _as_vectors(b, "b", ids=ids)
    if vb.shape[0] != 1:
        raise ValidationError(f"b must be a single RDM; got {vb.shape[0]}")
    if va.shape[-1] != vb.shape[-1]:
        raise ValidationError(
            f"a and b must describe the same number of stimuli; got {va.shape[-1]} and {vb.shape[-1]} pairs"
        )
    if va.shape[-1] < 2:
        raise ValidationError("a and b must describe at least 3 stimuli (2 stimulus pairs) to be compared")
    out = _compare_vectors(va, vb, method)
    stacked = np.ndim(getattr(a, "values", a)) == 3
    return out if stacked else float(out[0])


def _pool(vectors, method):
    """The pooled RDM vector that best represents a set, as rsatoolbox pools for each method."""
    if method in ("spearman", "kendall_tau_a"):
        return _rank(vectors).mean(axis=0)
    if method == "cosine":
        return (vectors / np.sqrt((vectors**2).mean(axis=1, keepdims=True))).mean(axis=0)
    z = (vectors - vectors.mean(axis=1, keepdims=True)) / vectors.std(axis=1, keepdims=True)
    return z.mean(axis=0)


def rdm_ceiling(rdms, method: str = "spearman") -> xr.Dataset:
    """Noise ceiling of RDM comparisons from several RDMs of the same stimuli (Nili et al. 2014).

    Parameters
    ----------
    rdms : xarray.DataArray or ndarray
        (k x presentation x presentation_post), e.g. ``rdm(recordings)`` with one RDM
        per repetition or subject; k >= 2.
    method : {"spearman", "pearson", "kendall_tau_a", "cosine"}

    Returns
    -------
    xarray.Dataset
        ``lower``: mean similarity of each RDM with the pooled RDM of the others
        (leave one out); ``upper``: with the pooled RDM of all. A model's
        ``compare_rdms`` averaged over the k RDMs cannot be expected above
        ``upper`` and is as good as the data allow above ``lower``.

    References
    ----------
    .. [1] Nili, H., Wingfield, C., Walther, A., Su, L., Marslen-Wilson, W. & Kriegeskorte, N.
       (2014). A toolbox for representational similarity analysis. PLoS Comput. Biol. 10,
       e1003553.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0)
    >>> s = g.normal(size=(12, 30))
    >>> c = rdm_ceiling([rdm(s + g.normal(size=s.shape)) for _ in range(4)])   # 4 noisy subjects
    >>> round(float(c.lower), 2), round(float(c.upper), 2)
    (0.31, 0.63)
    """
    check_option("method", method, COMPARE_METHODS)
    vectors, _ = _as_vectors(rdms, "rdms")
    k = vectors.shape[0]
    if k < 2:
        raise ValidationError(f"rdms must hold at least 2 RDMs (repetitions or subjects) for a ceiling; got {k}")
    pooled = _pool(vectors, method)
    upper = _compare_vectors(vectors, pooled[None], method)
    lower = np.array([_compare_vectors(vectors[i:i + 1], _pool(np.delete(vectors, i, axis=0), method)[None],
                                       method)[0] for i in range(k)])
    return xr.Dataset(
        {"lower": xr.DataArray(float(lower.mean()), attrs={"units": "1", "long_name": "lower bound (leave one out)"}),
         "upper": xr.DataArray(float(upper.mean()), attrs={"units": "1", "long_name": "upper bound"}),
         "lower_each": xr.DataArray(lower, dims=("rdm",), attrs={"units": "1"}),
         "upper_each": xr.DataArray(upper, dims=("rdm",), attrs={"units": "1"})},
        attrs={"method": method, "n_rdms": k},
    )


def _centred_matrix(x, name):
    if isinstance(x, xr.DataArray):
        return x.transpose(PRESENTATION, NEUROID).values.astype(float)
    return check_array(name, x, ndim=2)


def linear_cka(x, y) -> float:
    """Linear centred kernel alignment between two representations of the same stimuli.

    Parameters
    ----------
    x, y : xarray.DataArray or ndarray
        (presentation x neuroid) each; DataArrays are aligned by ``stimulus_id``
        (``y`` reordered to ``x``), arrays must have matching rows.

    Returns
    -------
    float
        ``||Yc' Xc||_F^2 / (||Xc' Xc||_F ||Yc' Yc||_F)`` in [0, 1], computed
        through the n x n Gram matrices when units outnumber stimuli.

    Notes
    -----
    Equal to HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with linear kernels
    ``K = X X'`` and the biased HSIC estimator (Kornblith et al. 2019).

    References
    ----------
    .. [1] Kornblith, S., Norouzi, M., Lee, H. & Hinton, G. (2019). Similarity of neural network
       representations revisited. Proc. 36th ICML, PMLR 97, 3519-3529.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0)
    >>> x = g.normal(size=(40, 20))
    >>> rotation = np.linalg.qr(g.normal(size=(20, 20)))[0]
    >>> round(float(linear_cka(x, x @ rotation)), 6)        # invariant to orthogonal transforms
    1.0
    """
    if isinstance(x, xr.DataArray) or isinstance(y, xr.DataArray):
        if not (isinstance(x, xr.DataArray) and isinstance(y, xr.DataArray)):
            raise TypeError("x and y must both be DataArrays (aligned by stimulus_id) or both be arrays")
        for name, da in (("x", x), ("y", y)):
            _check_dims(name, da, ((PRESENTATION, NEUROID),))
            _check_stimulus_coord(name, da)
            _check_unique(name, da)
            _check_finite(name, da)
        y = align_to(y, x, source_name="y", target_name="x")
    X = _centred_matrix(x, "x")
    Y = _centred_matrix(y, "y")
    if X.shape[0] != Y.shape[0]:
        raise ValidationError(f"x and y must have the same number of stimuli (rows); got {X.shape} and {Y.shape}")
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    n = X.shape[0]
    if X.shape[1] + Y.shape[1] > 2 * n:
        K, L = X @ X.T, Y @ Y.T
        num = np.einsum("ij,ij->", K, L)
        den = np.sqrt(np.einsum("ij,ij->", K, K) * np.einsum("ij,ij->", L, L))
    else:
        xy = Y.T @ X
        xx = X.T @ X
        yy = Y.T @ Y
        num = np.einsum("ij,ij->", xy, xy)
        den = np.sqrt(np.einsum("ij,ij->", xx, xx) * np.einsum("ij,ij->", yy, yy))
    if den == 0:
        raise ValidationError("x and y must vary across stimuli; one of them is constant, so CKA is undefined")
    return float(num / den)
