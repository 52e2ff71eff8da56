"""One BLAS thread for many small matrix products (internal; the one helper for it).

Sampling an RBM, training the small numpy CNN or projecting activations onto
principal components multiplies matrices of a few dozen rows thousands of
times; a multi-threaded BLAS spends longer waking its threads than computing,
and on a shared machine far longer. :func:`one_blas_thread` limits BLAS to one
thread for a block (restored afterwards); :func:`few_threads` does it for a
whole function.
"""

from __future__ import annotations

import contextlib
import functools

__all__ = ["one_blas_thread", "few_threads"]


def one_blas_thread():
    """A context manager limiting BLAS to one thread (``threadpoolctl``; a no-op without it)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def few_threads(func):
    """Decorator: run ``func`` under :func:`one_blas_thread`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with one_blas_thread():
            return func(*args, **kwargs)

    return wrapper
