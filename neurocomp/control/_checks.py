"""Argument checks for the control unit: matrix shapes that must agree, covariances, costs."""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_array

__all__ = ["as_matrix", "check_square", "check_psd", "check_pd", "check_cols", "check_rows"]


def as_matrix(name: str, value, *, ndim: int = 2) -> np.ndarray:
    """A finite float array of the given rank (scalars become 1 × 1 matrices)."""
    arr = np.asarray(value, dtype=float) if np.ndim(value) else np.atleast_2d(np.asarray(value, dtype=float))
    if ndim == 2 and arr.ndim == 1:
        raise ValidationError(f"{name} must be a 2-D matrix; got a 1-D array of shape {arr.shape} "
                              "(write a row as [[...]] or a column as [[a], [b]])")
    return check_array(name, arr, ndim=ndim)


def check_square(name: str, m: np.ndarray, n: int | None = None, *, what: str = "") -> np.ndarray:
    if m.shape[0] != m.shape[1]:
        raise ValidationError(f"{name} must be square; got shape {m.shape}")
    if n is not None and m.shape[0] != n:
        raise ValidationError(f"{name} must have shape ({n}, {n}){what}; got {m.shape}")
    return m


def check_rows(name: str, m: np.ndarray, n: int, what: str) -> np.ndarray:
    if m.shape[0] != n:
        raise ValidationError(f"{name} must have {n} rows ({what}); got shape {m.shape}")
    return m


def check_cols(name: str, m: np.ndarray, n: int, what: str) -> np.ndarray:
    if m.shape[1] != n:
        raise ValidationError(f"{name} must have {n} columns ({what}); got shape {m.shape}")
    return m


def _check_symmetric(name: str, m: np.ndarray) -> np.ndarray:
    scale = max(1.0, float(np.abs(m).max()))
    asym = float(np.abs(m - m.T).max())
    if asym > 1e-9 * scale:
        raise ValidationError(f"{name} must be symmetric; got max |{name} - {name}.T| = {asym:.3g}")
    return 0.5 * (m + m.T)


def check_psd(name: str, m: np.ndarray, n: int | None = None, *, what: str = "") -> np.ndarray:
    """Symmetric positive semi-definite (a cost on states or a noise covariance)."""
    m = _check_symmetric(name, check_square(name, m, n, what=what))
    low = float(np.linalg.eigvalsh(m).min())
    if low < -1e-10 * max(1.0, float(np.abs(m).max())):
        raise ValidationError(f"{name} must be positive semi-definite; its smallest eigenvalue is {low:.3g}")
    return m


def check_pd(name: str, m: np.ndarray, n: int | None = None, *, what: str = "") -> np.ndarray:
    """Symmetric positive definite (the control cost R, an observation covariance)."""
    m = _check_symmetric(name, check_square(name, m, n, what=what))
    low = float(np.linalg.eigvalsh(m).min())
    if low <= 0:
        raise ValidationError(f"{name} must be positive definite; its smallest eigenvalue is {low:.3g}")
    return m
