"""What the Boltzmann-machine models share: state enumeration, annealing schedules, result types.

:func:`all_states` enumerates binary states for exact sums (at most
:data:`MAX_EXACT_UNITS` units), :func:`check_schedule` validates a simulated-annealing
schedule (:data:`ACKLEY_SCHEDULE` is the 1985 one), and :class:`LogPartition` /
:class:`LogLikelihood` carry an estimate in nats with its standard error. Part of
:mod:`neurocomp.boltzmann` (import from there).

References
----------
Ackley, D. H., Hinton, G. E. & Sejnowski, T. J. (1985). A learning algorithm for Boltzmann
    machines. Cognitive Science 9, 147-169.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from neurocomp._threads import few_threads, one_blas_thread
from neurocomp._validation import ValidationError, check_array, check_int

__all__ = ["ACKLEY_SCHEDULE", "all_states", "LogPartition", "LogLikelihood", "check_schedule"]


#: The annealing schedule of Ackley et al. (1985) for the encoder problems:
#: (number of sweeps, temperature) pairs; statistics are gathered at the last temperature.
ACKLEY_SCHEDULE = ((2, 20.0), (2, 15.0), (2, 12.0), (4, 10.0))

#: Largest number of units summed over exactly.
MAX_EXACT_UNITS = 20

_LOG2 = math.log(2.0)


class LogPartition(NamedTuple):
    """A log-partition function ``log Z`` (nats) with its standard error (0 when exact).

    Parameters
    ----------
    log_z : float
        log Z in nat.
    std_err : float
        Its standard error in nat (0 when exact).
    method : str
        How it was computed (e.g. ``"exact"`` or ``"ais"``).

    Examples
    --------
    >>> LogPartition(log_z=12.5, std_err=0.0, method="exact").log_z
    12.5
    """

    log_z: float
    std_err: float
    method: str


class LogLikelihood(NamedTuple):
    """Mean log-likelihood per data vector (nats) with its standard error (from ``log Z``).

    Parameters
    ----------
    mean : float
        Mean log-likelihood per data vector, in nat.
    std_err : float
        Its standard error in nat (from that of ``log Z``).
    method : str
        How ``log Z`` was computed.

    Examples
    --------
    >>> LogLikelihood(mean=-20.1, std_err=0.3, method="ais").mean
    -20.1
    """

    mean: float
    std_err: float
    method: str


# ---------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------


def all_states(n_units: int) -> np.ndarray:
    """All ``2**n_units`` binary vectors, shape (2**n_units, n_units), in binary order.

    Row ``k`` is the binary expansion of ``k`` with unit 0 as the most significant bit.

    Parameters
    ----------
    n_units : int
        Number of binary units, 0 … 24.

    Returns
    -------
    numpy.ndarray of float, shape (2**n_units, n_units)
        The states, 0.0 or 1.0.

    Examples
    --------
    >>> all_states(2).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    n_units = check_int("n_units", n_units, 0, MAX_EXACT_UNITS + 4)
    codes = np.arange(2**n_units)
    shifts = np.arange(n_units - 1, -1, -1)
    return ((codes[:, None] >> shifts) & 1).astype(float)


def _sigmoid_of_negated(x):
    """Overwrite ``x = -a`` with the logistic sigmoid ``σ(a) = 1 / (1 + exp(-a))`` in place.

    Three vectorised passes (numpy's SIMD ``exp``), about three times faster than
    ``scipy.special.expit`` on large arrays; agrees with it to 1 ulp. ``exp`` overflows to
    ``inf`` (σ = 0 exactly) for ``a < -709``: call it under ``np.errstate(over="ignore")``.
    """
    np.exp(x, out=x)
    x += 1.0
    np.reciprocal(x, out=x)
    return x


def _neg_sigmoid_of_negated(x):
    """Overwrite ``x = -a`` with ``-σ(a) = 1 / (-1 - exp(-a))`` in place (see ``_sigmoid_of_negated``)."""
    np.exp(x, out=x)
    np.subtract(-1.0, x, out=x)
    np.reciprocal(x, out=x)
    return x


def _softplus(x):
    """``log(1 + exp(x))``, stably (faster than ``np.logaddexp(0, x)``)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def logsumexp(a, axis=None, keepdims=False):
    """``log Σ exp(a)`` along ``axis``, computed stably (plain numpy; faster than scipy's for small arrays)."""
    a = np.asarray(a, dtype=float)
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return out if keepdims else (np.squeeze(out, axis=axis) if axis is not None else out.reshape(()).item())


# one BLAS thread while many small matrix products run: the package's one helper (neurocomp._threads)
_few_threads = few_threads
_small_matrix_threads = one_blas_thread


def check_schedule(name: str, schedule) -> tuple[tuple[int, float], ...]:
    """Validate an annealing schedule: (n_sweeps, temperature) pairs, temperatures > 0 and finite.

    Parameters
    ----------
    name : str
        How to name the schedule in error messages.
    schedule : sequence of (int, float)
        ``(n_sweeps, temperature)`` pairs, in order; temperatures dimensionless, > 0.

    Returns
    -------
    tuple of (int, float)
        The validated pairs.

    Examples
    --------
    >>> check_schedule("schedule", [(2, 20), (4, 10.0)])
    ((2, 20.0), (4, 10.0))
    """
    try:
        pairs = [tuple(p) for p in schedule]
    except TypeError:
        raise ValidationError(
            f"{name} must be a sequence of (n_sweeps, temperature) pairs; got {schedule!r}"
        ) from None
    if not pairs:
        raise ValidationError(f"{name} must hold at least one (n_sweeps, temperature) pair; got {schedule!r}")
    out = []
    for k, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ValidationError(f"{name}[{k}] must be a (n_sweeps, temperature) pair; got {pair!r}")
        n, temp = pair
        if isinstance(n, (float, np.floating)) and float(n).is_integer():
            n = int(n)
        n = check_int(f"{name}[{k}] number of sweeps", n, 0)
        try:
            temp = float(temp)
        except (TypeError, ValueError):
            raise ValidationError(f"{name}[{k}] temperature must be a number; got {temp!r}") from None
        if not (np.isfinite(temp) and temp > 0):
            raise ValidationError(
                f"{name}[{k}] temperature must be positive and finite; got {temp!r}"
            )
        out.append((n, temp))
    return tuple(out)


def _check_data(name: str, X, n_columns: int | None, *, binary_units: bool) -> np.ndarray:
    X = check_array(name, X, ndim=(1, 2))
    if X.ndim == 1:
        X = X[None, :]
    if n_columns is not None and X.shape[1] != n_columns:
        raise ValidationError(
            f"{name} must have {n_columns} columns (one per visible unit); got {X.shape[1]} columns "
            f"in an array of shape {X.shape}"
        )
    if X.shape[0] == 0:
        raise ValidationError(f"{name} must hold at least one row; got shape {X.shape}")
    if binary_units:
        bad = (X < 0) | (X > 1)
        if bad.any():
            where = np.argwhere(bad)[:3].tolist()
            raise ValidationError(
                f"{name} must lie in [0, 1] for binary visible units; got {int(bad.sum())} value(s) "
                f"outside, first at (row, column) {where} (scale the data, or use visible='gaussian')"
            )
    return X


def _greedy_colouring(adjacency: np.ndarray, units: np.ndarray) -> list[np.ndarray]:
    """Split ``units`` into classes of mutually unconnected units (greedy colouring).

    Units in one class are conditionally independent given the rest, so a class can be
    Gibbs-updated in one step without changing the stationary distribution.
    """
    classes: list[list[int]] = []
    for u in units:
        for cls in classes:
            if not adjacency[u, cls].any():
                cls.append(int(u))
                break
        else:
            classes.append([int(u)])
    return [np.asarray(c, dtype=int) for c in classes]
