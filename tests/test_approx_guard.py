"""The suite's guard against pytest.approx's default absolute tolerance on SI-scale values (conftest)."""

import numpy as np
import pytest

from conftest import approx_si, checked_approx


def test_approx_without_abs_is_refused_below_1e_6():
    with pytest.raises(AssertionError, match="without abs="):
        pytest.approx(2 * 0.5e-12, rel=0.02)  # the autouse fixture installed the checking wrapper
    with pytest.raises(AssertionError, match="without abs="):
        checked_approx([1.0, 2e-10])
    with pytest.raises(AssertionError, match="without abs="):
        checked_approx(np.array([3e-9]), rel=1e-3)
    # explicit abs=, zero, and values of ordinary size are allowed
    assert 1.01e-12 == pytest.approx(1e-12, rel=0.02, abs=0)
    assert 0.0 == pytest.approx(0.0)
    assert 1.0 == pytest.approx(1.0 + 1e-9)
    assert {"a": 1.0} == pytest.approx({"a": 1.0})


def test_the_pitfall_it_closes():
    # the Einstein slope check of the issue: D = 0.5e-12 m^2/s in 1-d, slope 2 D = 1e-12 m^2/s
    expected = 2 * 0.5e-12
    from conftest import _pytest_approx as raw_approx  # pytest's own, saved before the wrapper

    assert pytest.approx is checked_approx and raw_approx is not checked_approx
    assert 0.0 == raw_approx(expected, rel=0.02)  # passes with the default abs = 1e-12: cannot fail
    assert 0.0 != approx_si(expected, rel=0.02)  # a slope of 0 now fails
    assert 0.5 * expected != approx_si(expected, rel=0.02)  # half the step variance fails
    assert 0.98 * expected == approx_si(expected, rel=0.021)
