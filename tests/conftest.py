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
