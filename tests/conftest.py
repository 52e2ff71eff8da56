"""Shared fixtures: a seeded ``rng``, the Agg backend, and brian2 on a fast target."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
# Small test networks run faster on brian2's numpy target than they compile on
# cython; tests that check the cython path set the target themselves.
os.environ.setdefault("NEUROCOMP_BRIAN2_TARGET", "numpy")

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded Generator: tests are deterministic."""
    return np.random.default_rng(20261122)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# --- pytest.approx on SI-scale values --------------------------------------------------------
# pytest.approx keeps an absolute tolerance of 1e-12 unless told otherwise; on a quantity of SI
# scale (D = 5e-13 m^2/s, a rheobase of 2e-10 A) that tolerance swallows the whole value and the
# assert cannot fail.  Every test runs with a checking wrapper: an expected value with a nonzero
# magnitude below 1e-6 must come with an explicit ``abs=`` (use ``approx_si`` for a relative check).
_SI_SCALE = 1e-6
_pytest_approx = pytest.approx


def _tiny_magnitudes(expected):
    """Nonzero |values| below ``_SI_SCALE`` in a scalar, sequence, mapping or array."""
    if isinstance(expected, dict):
        values = list(expected.values())
    elif isinstance(expected, (str, bytes)):
        return []
    else:
        try:
            values = np.asarray(expected, dtype=float).ravel()
        except (TypeError, ValueError):
            return []
    values = np.abs(np.asarray(values, dtype=float))
    return values[(values > 0) & (values < _SI_SCALE)]


def checked_approx(expected, rel=None, abs=None, nan_ok=False):
    """``pytest.approx`` that refuses an implicit absolute tolerance on values below 1e-6."""
    if abs is None:
        tiny = _tiny_magnitudes(expected)
        if tiny.size:
            raise AssertionError(
                f"pytest.approx({expected!r}) without abs=: the default absolute tolerance 1e-12 "
                f"is not small against |value| = {tiny.min():.3g}; pass abs= explicitly or use "
                "conftest.approx_si(value, rel=...)")
    return _pytest_approx(expected, rel=rel, abs=abs, nan_ok=nan_ok)


def approx_si(expected, rel=1e-6):
    """A purely relative ``approx`` for SI-scale values (absolute tolerance 0)."""
    return _pytest_approx(expected, rel=rel, abs=0.0)


@pytest.fixture(autouse=True)
def _refuse_tiny_default_abs(monkeypatch):
    monkeypatch.setattr(pytest, "approx", checked_approx)
    yield
