"""Input checks shared by the estimators, in scikit-learn's manner.

scikit-learn's estimator checks expect particular behaviour at the boundary:
sparse and complex input refused, ``n_features_in_`` set by ``fit`` and checked by
``predict``, a ``NotFittedError`` before fit, and NaN/inf refused with a message
naming them. These helpers give every neurocomp estimator that behaviour with
neurocomp's own messages where they are clearer.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import check_array, check_is_fitted

__all__ = ["output_tags", "validate_X", "validate_X_y"]


def _finite(name, X):
    # scikit-learn's check wants the words NaN/inf; ours names the count and the place.
    return check_array(name, X, dtype=None)


def validate_X(estimator, X, *, fitted_attribute: str, name: str = "X") -> np.ndarray:
    """Check ``X`` for a fitted estimator's predict/transform: fitted, 2-D, float, finite, same features."""
    from sklearn.utils.validation import validate_data

    check_is_fitted(estimator, fitted_attribute)
    X = validate_data(estimator, X, reset=False, dtype=np.float64, ensure_all_finite=False)
    return _finite(name, X)


def validate_X_y(estimator, X, y="no_validation", *, y_numeric: bool = False, multi_output: bool = False,
                 name: str = "X"):
    """Check ``X`` (and ``y``) at ``fit``; sets ``n_features_in_``. Returns ``X`` or ``(X, y)``.

    Leave ``y`` out for unsupervised estimators; a supervised one passes it even when
    it is ``None`` (then scikit-learn says that ``y`` is required).
    """
    from sklearn.utils.validation import validate_data

    if isinstance(y, str) and y == "no_validation":
        X = validate_data(estimator, X, reset=True, dtype=np.float64, ensure_all_finite=False)
        return _finite(name, X)
    if y_numeric and y is not None and np.asarray(y).dtype.kind != "c":
        y = check_array("y", y, dtype=np.float64)  # neurocomp's message for NaN/inf targets
    X, y = validate_data(estimator, X, y, reset=True, dtype=np.float64, ensure_all_finite=False,
                         y_numeric=y_numeric, multi_output=multi_output)
    return _finite(name, X), y


def output_tags(tags, output: str):
    """Set scikit-learn's estimator type and target tags for a network's output layer; returns ``tags``.

    ``"linear"``: a (multi-output) regressor. ``"softmax"``: a classifier choosing one
    label among many. ``"sigmoid"``: two classes (one unit) or several independent 0/1
    outputs given as a 2-D y (multi-label). Shared by the MLP and the recurrent networks.
    """
    from sklearn.utils import ClassifierTags, RegressorTags

    tags.target_tags.required = True
    if output == "linear":
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.target_tags.multi_output = True
    else:
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_class=output == "softmax", multi_label=output == "sigmoid")
        tags.target_tags.multi_output = output == "sigmoid"
    return tags
