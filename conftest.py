"""Settings for the doctests of ``neurocomp/`` (collected by ``--doctest-modules``).

``tests/conftest.py`` serves the test files; the examples in the package's docstrings
run here: figures on the Agg backend, each example's figures closed after it (the
plotting examples would otherwise keep dozens open in one process).
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


@pytest.fixture(autouse=True)
def _close_doctest_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:  # never import pyplot for an example that did not
        sys.modules["matplotlib.pyplot"].close("all")
