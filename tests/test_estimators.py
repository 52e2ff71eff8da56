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
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from neurocomp.analysis.regression import PLSMapping, RidgeMapping
from neurocomp.boltzmann import DBN, RBM
from neurocomp.gates import DeltaRule, Perceptron

# Small settings so the ~45 checks per estimator stay fast; the defaults are exercised
# by each module's own tests. DeltaRule's step is small enough for unscaled check data.
ESTIMATORS = [
    Perceptron(max_iter=20),
    DeltaRule(learning_rate=1e-5, n_epochs=50, mode="batch"),
    DeltaRule(learning_rate=1e-5, n_epochs=5, rng=0),
    RBM(n_hidden=4, n_epochs=2, visible="gaussian", learning_rate=0.01, rng=0),
    DBN(layers=(4, 3), n_epochs=2, visible="gaussian", learning_rate=0.01, rng=0),
    RidgeMapping(),
    RidgeMapping([1.0], alphas_relative=False),
    PLSMapping(n_components=2),
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
