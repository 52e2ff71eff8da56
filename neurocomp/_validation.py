"""Argument checks shared by every public function.

Every check raises :class:`ValidationError` (a ``ValueError``) or ``TypeError``
with a message that names the argument, says what was expected and what came,
in the style ``"<name> must be <expectation>; got <what came>"``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "NeurocompError",
    "ValidationError",
    "NeurocompWarning",
    "check_option",
    "check_positive",
    "check_nonnegative",
    "check_in_range",
    "check_int",
    "check_finite_array",
    "check_array",
    "check_binary",
    "check_spins",
    "check_probability_array",
    "check_random_state_like",
    "describe_values",
    "check_is_fitted",
]


class NeurocompError(Exception):
    """Base class of neurocomp's own errors."""


class ValidationError(NeurocompError, ValueError):
    """An argument does not satisfy what the function documents.

    Subclasses :class:`ValueError`, so ``except ValueError`` still catches it.
    """


class NeurocompWarning(UserWarning):
    """Warnings issued by neurocomp (the test suite turns them into errors)."""


def describe_values(values: np.ndarray, limit: int = 6) -> str:
    """Short description of the distinct values in an array, for messages."""
    flat = np.asarray(values).ravel()
    try:
        uniq = np.unique(flat[~np.isnan(flat)]) if flat.dtype.kind == "f" else np.unique(flat)
    except TypeError:
        uniq = np.unique(flat.astype(str))
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in uniq[:limit])
    more = f", ... ({uniq.size} distinct)" if uniq.size > limit else ""
    return "{" + shown + more + "}"


def check_option(name: str, value, allowed: Sequence):
    """Check that ``value`` is one of ``allowed``; return it.

    >>> check_option("method", "lasso", ["ridge", "pls"])
    Traceback (most recent call last):
    ...
    neurocomp._validation.ValidationError: Invalid value for the 'method' parameter. Allowed values are 'ridge' and 'pls', but got 'lasso' instead.
    """
    if value in allowed:
        return value
    names = [repr(a) for a in allowed]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    raise ValidationError(
        f"Invalid value for the {name!r} parameter. Allowed values are {listed}, "
        f"but got {value!r} instead."
    )


def _check_real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValidationError(f"{name} must be finite; got {value!r}")
    return value


def check_positive(name: str, value) -> float:
    """Check ``value > 0`` and finite; return it as float."""
    v = _check_real(name, value)
    if v <= 0:
        raise ValidationError(f"{name} must be > 0; got {value!r}")
    return v


def check_nonnegative(name: str, value) -> float:
    """Check ``value >= 0`` and finite; return it as float."""
    v = _check_real(name, value)
    if v < 0:
        raise ValidationError(f"{name} must be >= 0; got {value!r}")
    return v


def check_in_range(name: str, value, low=None, high=None, *, low_open=False, high_open=False) -> float:
    """Check that a real number lies in the given interval; return it as float."""
    v = _check_real(name, value)
    ok = True
    if low is not None:
        ok &= v > low if low_open else v >= low
    if high is not None:
        ok &= v < high if high_open else v <= high
    if not ok:
        lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
        raise ValidationError(f"{name} must lie in {lo}, {hi}; got {value!r}")
    return v


def check_int(name: str, value, low=None, high=None) -> int:
    """Check that ``value`` is an integer in ``[low, high]``; return it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValidationError(f"{name} must be >= {low}; got {value}")
    if high is not None and value > high:
        raise ValidationError(f"{name} must be <= {high}; got {value}")
    return value


def check_array(name: str, array, *, ndim=None, shape=None, dtype=float, finite=True) -> np.ndarray:
    """Convert to an array and check its dimensionality, shape and finiteness.

    ``shape`` may hold ``None`` for free axes, e.g. ``(None, 100)``.
    """
    try:
        arr = np.asarray(array, dtype=dtype) if dtype is not None else np.asarray(array)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of {np.dtype(dtype).name}; got {type(array).__name__} ({exc})") from None
    if ndim is not None:
        ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in ndims:
            want = " or ".join(f"{d}-D" for d in ndims)
            raise ValidationError(f"{name} must be a {want} array; got {arr.ndim}-D array of shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValidationError(f"{name} must have shape {want}; got {arr.shape}")
    if finite and arr.dtype.kind in "fc":
        bad = ~np.isfinite(arr)
        if bad.any():
            where = np.argwhere(bad)[:3].tolist()
            raise ValidationError(
                f"{name} must be finite; got {int(bad.sum())} NaN/inf value(s), first at index {where}"
            )
    return arr


check_finite_array = check_array


def check_binary(name: str, array, **kwargs) -> np.ndarray:
    """Check that an array holds only 0 and 1; return it as float."""
    arr = check_array(name, array, **kwargs)
    if not np.isin(arr, (0.0, 1.0)).all():
        raise ValidationError(f"{name} must hold only 0 and 1; got values {describe_values(arr)}")
    return arr


def check_spins(name: str, array, **kwargs) -> np.ndarray:
    """Check that an array holds only -1 and +1; return it as float.

    The message points to :func:`neurocomp.hopfield.to_spins` for 0/1 data.
    """
    arr = check_array(name, array, **kwargs)
    if not np.isin(arr, (-1.0, 1.0)).all():
        hint = ""
        if np.isin(arr, (0.0, 1.0)).all():
            hint = " (for 0/1 data use neurocomp.hopfield.to_spins)"
        raise ValidationError(f"{name} must be ±1; got values {describe_values(arr)}{hint}")
    return arr


def check_probability_array(name: str, array, **kwargs) -> np.ndarray:
    """Check that an array lies in [0, 1]; the message says how many values are outside and where."""
    arr = check_array(name, array, **kwargs)
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        where = np.argwhere(bad)[:3].tolist()
        raise ValidationError(
            f"{name} must lie in [0, 1]; got {int(bad.sum())} value(s) outside, first at index {where}"
        )
    return arr


def check_is_fitted(estimator, attribute: str, *, call: str = "'fit'") -> None:
    """Raise a ValidationError unless ``estimator`` has the learned ``attribute``.

    >>> class Model: pass
    >>> check_is_fitted(Model(), "coef_")
    Traceback (most recent call last):
    ...
    neurocomp._validation.NotFittedError: This Model instance is not fitted yet. Call 'fit' with appropriate arguments before using this method.
    """
    if not hasattr(estimator, attribute):
        raise _not_fitted_error_class()(
            f"This {type(estimator).__name__} instance is not fitted yet. Call {call} with appropriate "
            "arguments before using this method."
        )


_NOT_FITTED_ERROR = None


def _not_fitted_error_class():
    """``NotFittedError``: a :class:`ValidationError` and scikit-learn's ``NotFittedError``.

    Built on first use so that importing this module does not import scikit-learn
    (the command line starts faster without it).
    """
    global _NOT_FITTED_ERROR
    if _NOT_FITTED_ERROR is None:
        from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

        class NotFittedError(ValidationError, _SklearnNotFittedError):
            """An estimator used before ``fit`` (also caught as scikit-learn's ``NotFittedError``)."""

        NotFittedError.__module__ = __name__
        NotFittedError.__qualname__ = "NotFittedError"
        _NOT_FITTED_ERROR = NotFittedError
    return _NOT_FITTED_ERROR


def __getattr__(name):
    if name == "NotFittedError":
        return _not_fitted_error_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_random_state_like(name: str, value) -> None:
    """Raise TypeError unless value is None, an int, a SeedSequence or a Generator."""
    if value is None or isinstance(value, (numbers.Integral, np.random.SeedSequence, np.random.Generator)):
        if isinstance(value, bool):
            raise TypeError(f"{name} must be None, an int, a SeedSequence or a Generator; got bool")
        return
    raise TypeError(
        f"{name} must be None, an int, a numpy SeedSequence or a numpy Generator; got {type(value).__name__}"
    )


def as_list(value) -> list:
    """Wrap a scalar in a list; pass iterables (not strings) through as lists."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)
