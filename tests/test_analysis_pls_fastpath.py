"""pls_fit's Gram-space power iteration and PLSMapping's rank certificate.

pls_fit iterates with the small Gram matrix (M'M or MM', updated by rank 2 per component)
instead of streaming M = X'Y twice per step; it must take the same steps as scikit-learn's
PLSRegression (same iteration count per component) and predict the same to rounding, in
both Gram spaces. PLSMapping skips max_rank when the fit's own scores prove rank >= n: the
decision must be max_rank's, also for rank-deficient features with a large offset.
"""

import warnings

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

from neurocomp._validation import NeurocompWarning
from neurocomp.analysis.regression import PLSMapping, _rank_at_least, max_rank, pls_fit


@pytest.mark.parametrize("shape", [(150, 300, 40), (100, 20, 60), (90, 60, 60)])  # M'M, MM', equal
def test_pls_steps_and_predictions_equal_sklearn(shape):
    n, p, t = shape
    rng = np.random.default_rng(sum(shape))
    Z = rng.normal(size=(n, 8))
    X = Z @ rng.normal(size=(8, p)) + rng.normal(size=(n, p))
    Y = Z @ rng.normal(size=(8, t)) + 2 * rng.normal(size=(n, t))
    k = 12
    iterations = []
    coef, x_mean, y_mean, fitted = pls_fit(X, Y, k, iterations=iterations)
    peer = PLSRegression(n_components=k, scale=False).fit(X, Y)
    assert fitted == k
    assert iterations == list(peer.n_iter_)
    Xt = rng.normal(size=(30, p))
    np.testing.assert_allclose((Xt - x_mean) @ coef + y_mean, peer.predict(Xt), rtol=0, atol=1e-10)


@pytest.mark.parametrize("rank", [2, 7, 40])
def test_rank_certificate_agrees_with_max_rank(rank):
    rng = np.random.default_rng(rank)
    X = rng.normal(size=(70, rank)) @ rng.normal(size=(rank, 45)) + 1e4  # a large offset: centring matters
    Y = rng.normal(size=(70, 5))
    n = 10
    scores = []
    _, x_mean, _, _ = pls_fit(X, Y, n, scores=scores)
    certified = _rank_at_least(X, x_mean, scores, n)
    assert not certified or max_rank(X) >= n  # never claims a rank the eigenvalues deny
    assert certified == (rank >= n)  # and proves it when the rank is ample
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = PLSMapping(n).fit(X, Y)
    clamped = any(issubclass(w.category, NeurocompWarning) and "exceeds the rank" in str(w.message) for w in caught)
    assert clamped == (max_rank(X) < n)
    assert model.n_components_ == min(n, max_rank(X))
