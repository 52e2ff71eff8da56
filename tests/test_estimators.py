"""Every neurocomp estimator keeps scikit-learn's contract.

``parametrize_with_checks`` runs scikit-learn's own estimator checks; true limits
(binary-only data, one output …) are declared with ``__sklearn_tags__`` by the
estimators themselves, not skipped here. Then ``clone``, ``Pipeline``,
``GridSearchCV`` and ``cross_val_score`` are exercised on each.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from neurocomp.analysis.regression import PLSMapping, RidgeMapping
from neurocomp.boltzmann import DBN, RBM
from neurocomp.dnn.cnn import CNN
from neurocomp.dnn.mlp import MLP
from neurocomp.gates import DeltaRule, Perceptron
from neurocomp.vision import Neocognitron

# Small settings so the ~45 checks per estimator stay fast; the defaults are exercised
# by each module's own tests. DeltaRule's step is small enough for unscaled check data.
ESTIMATORS = [
    Perceptron(n_epochs=20),
    DeltaRule(learning_rate=1e-5, n_epochs=50, mode="batch"),
    DeltaRule(learning_rate=1e-5, n_epochs=5, rng=0),
    RBM(n_hidden=4, n_epochs=2, visible="gaussian", learning_rate=0.01, rng=0),
    DBN(layers=(4, 3), n_epochs=2, visible="gaussian", learning_rate=0.01, rng=0),
    RidgeMapping(),
    RidgeMapping([1.0], penalties_relative=False),
    PLSMapping(n_components=2),
    MLP((8,), output="softmax", learning_rate=0.1, n_epochs=30, rng=0),
    MLP((8,), output="sigmoid", learning_rate=0.1, n_epochs=30, rng=0),
    MLP((8,), output="linear", learning_rate=0.01, n_epochs=30, rng=0),
    # image models: the checks' 2-D X are flattened images (square rows reshaped, other rows
    # read as one-pixel-high strips; the CNN pads them to a size its poolings divide)
    CNN(channels=(2, 2), kernel_sizes=(3, 3), fc_units=4, n_epochs=2, rng=0),
    CNN(channels=(2, 2), kernel_sizes=(3, 3), fc_units=4, n_epochs=2, max_steps=1, rng=0),
    Neocognitron(n_planes=(2, 2, 2), n_epochs=1, n_patches=200, rng=0),
]

# Binary visible units read the data as probabilities and refuse values outside [0, 1].
# scikit-learn's tags can say "no negative values" (declared: positive_only) but not
# "at most 1", and its checks feed values above 1. The same code with Gaussian units
# passes every check above; with binary units every check must pass or fail *only*
# because of that refusal.
BINARY_UNITS = [RBM(n_hidden=4, n_epochs=2, rng=0), DBN(layers=(4, 3), n_epochs=2, rng=0)]


# Warnings that say something true about the check data (not separable; two epochs of
# CD on random numbers do not improve a reconstruction that is already ~1e-5).
EXPECTED_WARNINGS = [
    pytest.mark.filterwarnings("ignore:Perceptron did not converge"),
    pytest.mark.filterwarnings("ignore:RBM training made the reconstruction error worse"),
    # a check with one feature asks PLS for more components than the rank allows
    pytest.mark.filterwarnings("ignore:n_components=2 exceeds the rank"),
]


@parametrize_with_checks(ESTIMATORS)
@EXPECTED_WARNINGS[0]
@EXPECTED_WARNINGS[1]
@EXPECTED_WARNINGS[2]
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _messages(exc):
    while exc is not None:
        yield str(exc)
        exc = exc.__cause__ or exc.__context__


@pytest.mark.parametrize("estimator", BINARY_UNITS, ids=lambda e: type(e).__name__)
@EXPECTED_WARNINGS[1]
def test_binary_units_fail_checks_only_by_refusing_values_above_one(estimator):
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(estimator, on_fail=None, on_skip=None)
    failed = [r for r in results if r["status"] == "failed"]
    passed = [r for r in results if r["status"] == "passed"]
    assert len(passed) > 20, "most checks run on data in [0, 1] or never reach the data"
    for r in failed:
        assert any("must lie in [0, 1]" in m for m in _messages(r["exception"])), (r["check_name"], r["exception"])


# --------------------------------------------------------------------------- scikit-learn's tools
def _classification(rng):
    from sklearn.datasets import make_classification

    return make_classification(n_samples=120, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, class_sep=2.0, random_state=int(rng.integers(2**31)))


def _regression(rng):
    X = rng.standard_normal((120, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.standard_normal(120)
    return X, y


# (estimator, data, a grid to search, the chance-level score a fit must beat)
TOOLS = {
    "Perceptron": (Perceptron(n_epochs=50), _classification, {"perceptron__learning_rate": [0.5, 1.0]}, 1 / 3),
    "MLP-softmax": (MLP((8,), output="softmax", learning_rate=0.2, n_epochs=60, rng=0), _classification,
                    {"mlp__hidden_layer_sizes": [(4,), (8,)]}, 1 / 3),
    "DeltaRule": (DeltaRule(learning_rate=0.05, n_epochs=200, mode="batch"), _regression,
                  {"deltarule__learning_rate": [0.02, 0.05]}, 0.0),
    "MLP-linear": (MLP((8,), output="linear", learning_rate=0.05, n_epochs=100, rng=0), _regression,
                   {"mlp__l2": [0.0, 1e-3]}, 0.0),
    "RidgeMapping": (RidgeMapping(), _regression, {"ridgemapping__penalty_per_target": [True, False]}, 0.0),
    "PLSMapping": (PLSMapping(2), _regression, {"plsmapping__n_components": [1, 2]}, 0.0),
}


@pytest.mark.parametrize("name", list(TOOLS))
@pytest.mark.filterwarnings("ignore:Perceptron did not converge")
def test_pipeline_gridsearch_clone_and_cross_validation(name, rng):
    estimator, make_data, grid, chance = TOOLS[name]
    X, y = make_data(rng)
    twin = clone(estimator)
    assert twin is not estimator and twin.get_params() == estimator.get_params()
    pipe = make_pipeline(StandardScaler(), estimator)
    scores = cross_val_score(pipe, X, y, cv=3, error_score="raise")
    assert scores.shape == (3,) and scores.mean() > chance + 0.3, scores
    search = GridSearchCV(pipe, grid, cv=3, error_score="raise").fit(X, y)
    assert set(search.best_params_) == set(grid)
    assert search.best_estimator_.predict(X).shape == y.shape
    # a clone of a fitted estimator is unfitted
    fitted = clone(estimator).fit(X, y)
    with pytest.raises(ValueError, match="not fitted"):
        clone(fitted).predict(X)


@pytest.mark.parametrize("features", [RBM(n_hidden=32, n_epochs=20, learning_rate=0.1, rng=0),
                                      DBN(layers=(32, 16), n_epochs=20, learning_rate=0.1, rng=0)],
                         ids=["RBM", "DBN"])
@pytest.mark.filterwarnings("ignore:RBM training made the reconstruction error worse")
def test_unsupervised_features_in_a_pipeline(features):
    """Digits scaled to [0, 1] -> RBM/DBN features -> logistic regression, searched and cross-validated."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    X, y = load_digits(return_X_y=True)
    X, y = X[:300], y[:300]
    # clip: a test image brighter than every training image would fall outside [0, 1], which binary units refuse
    pipe = make_pipeline(MinMaxScaler(clip=True), features, LogisticRegression(max_iter=500))
    scores = cross_val_score(pipe, X, y, cv=3, error_score="raise")
    assert scores.mean() > 0.5, scores  # chance is 0.1
    step = type(features).__name__.lower()
    key, values = ("n_epochs", [2, 20])
    search = GridSearchCV(pipe, {f"{step}__{key}": values}, cv=2, error_score="raise").fit(X, y)
    assert search.best_params_[f"{step}__{key}"] in values
    assert clone(features).get_params() == features.get_params()


# --------------------------------------------------------------------------- image estimators
IMAGE_TOOLS = {
    "CNN": (CNN(channels=(4, 8), kernel_sizes=(3, 3), fc_units=16, n_epochs=10, rng=0), {"cnn__n_epochs": [2, 10]}),
    "Neocognitron": (Neocognitron(n_planes=(4, 8, 16), n_epochs=1, n_patches=1000, rng=0),
                     {"neocognitron__C": [0.05, 1.0]}),
}


@pytest.mark.parametrize("name", list(IMAGE_TOOLS))
def test_image_estimators_with_sklearns_tools(name):
    """8 x 8 digits as flattened rows through a Pipeline, cross_val_score, GridSearchCV and clone."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import NotFittedError

    estimator, grid = IMAGE_TOOLS[name]
    X, y = load_digits(return_X_y=True)
    X, y = X[:360], y[:360]
    pipe = make_pipeline(FunctionTransformer(np.sqrt), estimator)  # pixel-wise, keeps the images' layout
    scores = cross_val_score(pipe, X, y, cv=3, error_score="raise")
    assert scores.mean() > 0.1 + 0.2, scores  # chance is 0.1 (measured: CNN 0.62, Neocognitron 0.37)
    search = GridSearchCV(pipe, grid, cv=3, error_score="raise").fit(X, y)
    assert set(search.best_params_) == set(grid)
    assert search.best_estimator_.predict(X).shape == y.shape
    fitted = clone(estimator).fit(X, y)
    assert fitted.n_features_in_ == 64
    with pytest.raises(NotFittedError, match="not fitted"):
        clone(fitted).predict(X)


def test_cnn_flattened_rows_are_the_images():
    """The same network, weights and outputs from (n, 8, 8) images and from their (n, 64) rows."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = X[:120], y[:120]
    params = dict(channels=(2, 4), kernel_sizes=(3, 3), fc_units=8, n_epochs=2, rng=3)
    flat = CNN(**params).fit(X, y)
    images = CNN(**params).fit(X.reshape(-1, 8, 8), y)
    assert flat.image_shape_ == images.image_shape_ == (8, 8)
    for k in images.params_:
        np.testing.assert_array_equal(flat.params_[k], images.params_[k])
    np.testing.assert_array_equal(flat.decision_function(X), images.decision_function(X.reshape(-1, 8, 8)))
    np.testing.assert_array_equal(images.predict(X), flat.predict(X.reshape(-1, 8, 8)))
    # an explicit layout: 4 x 16 strips of the same pixels
    wide = CNN(image_shape=(4, 16), **params).fit(X, y)
    assert wide.image_shape_ == (4, 16)
    np.testing.assert_array_equal(wide.predict(X), CNN(**params).fit(X.reshape(-1, 4, 16), y).predict(X))


def test_cnn_flattened_rows_padded_with_the_mean_grey_level():
    """A row that no poolings divide is drawn on a larger canvas of the training images' mean grey level."""
    rng = np.random.default_rng(0)
    X = rng.random((20, 10))  # 1 x 10 strips -> 4 x 12 canvas for two 2 x 2 poolings
    y = np.arange(20) % 2
    net = CNN(channels=(2, 2), kernel_sizes=(3, 3), fc_units=4, n_epochs=1, rng=0).fit(X, y)
    assert net.row_shape_ == (1, 10) and net.image_shape_ == (4, 12)
    canvas = np.full((20, 4, 12), net.input_mean_)
    canvas[:, 0, :10] = X
    np.testing.assert_array_equal(net.decision_function(X), net.decision_function(canvas))
    assert net.input_mean_ == pytest.approx(X.mean(), rel=1e-12)  # from the pixels, not the padding


def test_cnn_bad_layouts_are_refused():
    X = np.zeros((6, 64))
    y = np.arange(6) % 2
    with pytest.raises(ValueError, match=r"image_shape 3 x 3 = 9 features per row; got 64"):
        CNN(image_shape=(3, 3)).fit(X, y)
    with pytest.raises(ValueError, match="divisible by 4"):
        CNN(image_shape=(2, 32)).fit(X, y)
    with pytest.raises(ValueError, match=r"image_shape must be \(height, width\)"):
        CNN(image_shape=(8, 8, 1)).fit(X, y)
    net = CNN(channels=(2, 2), kernel_sizes=(3, 3), fc_units=4, n_epochs=0, rng=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 16 features, but CNN is expecting 64"):
        net.predict(np.zeros((2, 16)))
