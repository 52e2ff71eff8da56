"""estimate_alpha against andi-datasets, the reference generator of the AnDi challenge.

The fixture (tests/fixtures/andi/andi_task1.npz, made by tests/fixtures/make_andi_fixtures.py
with andi-datasets in its own virtualenv) holds 120 task-1 trajectories per dimension (1-D
and 2-D), all five models, lengths 200-999, with the challenge's localisation noise. The
standard error of a mean absolute error over 240 trajectories is about 0.01, so the bounds
below leave 2-3 standard errors around the measured values (features 0.205, naive 0.324).
"""

from pathlib import Path

import numpy as np
import pytest

from neurocomp import diffusion as nd

FIXTURE = Path(__file__).parent / "fixtures" / "andi" / "andi_task1.npz"


def _load(d):
    f = np.load(FIXTURE)
    inc = f[f"increments_{d}d"].astype(float)
    n = inc.shape[0]
    pos = np.concatenate([np.zeros((n, 1, d)), np.cumsum(inc, axis=1)], axis=1)
    lengths = f[f"lengths_{d}d"]
    pos[np.arange(pos.shape[1])[None, :] >= lengths[:, None]] = np.nan  # NaN-padded, unequal lengths
    return pos, f[f"alpha_{d}d"]


@pytest.fixture(scope="module")
def andi_errors():
    errs = {"features": [], "tamsd": []}
    for d in (1, 2):
        pos, alpha = _load(d)
        for m in errs:
            errs[m].append(np.abs(nd.estimate_alpha(pos, method=m).values - alpha))
    return {m: np.concatenate(v) for m, v in errs.items()}


def test_estimate_alpha_beats_naive_tamsd_fit_on_andi_datasets(andi_errors):
    mae = {m: float(e.mean()) for m, e in andi_errors.items()}
    se = {m: float(e.std() / np.sqrt(e.size)) for m, e in andi_errors.items()}
    assert mae["features"] <= 0.23
    assert mae["tamsd"] >= 0.28  # the issue quotes about 0.27 for the naive fit
    diff = andi_errors["tamsd"] - andi_errors["features"]  # paired difference
    assert diff.mean() > 4 * diff.std() / np.sqrt(diff.size)
    assert se["features"] < 0.015


def test_estimate_alpha_on_long_clean_fbm():
    tr = nd.fbm(200, 999, alpha=0.6, d=2, rng=3)
    est = nd.estimate_alpha(tr)
    assert est.dims == ("walker",) and est.attrs["units"] == "1"
    assert float(np.abs(est - 0.6).mean()) < 0.12


def test_estimate_alpha_is_scale_free():
    tr = nd.sbm(50, 300, alpha=1.3, rng=1).values
    a = nd.estimate_alpha(tr).values
    b = nd.estimate_alpha(tr * 1e-6).values
    assert np.allclose(a, b, atol=1e-6)


def test_estimate_alpha_refuses_too_short():
    x = np.zeros((3, 10))
    x[1, 2:] = np.nan
    with pytest.raises(ValueError, match="at least 3 valid points; walker 1 has 2"):
        nd.estimate_alpha(x)
    with pytest.raises(ValueError, match="at least 3 time points; got 2"):
        nd.estimate_alpha(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="Invalid value for the 'method' parameter"):
        nd.estimate_alpha(np.zeros((4, 20)), method="deep")


def test_naive_fit_gives_nan_without_warnings_for_a_walker_that_never_moves():
    import warnings

    import numpy as np

    from neurocomp.diffusion import estimate_alpha

    x = np.zeros((2, 60))
    x[1] = np.cumsum(np.random.default_rng(3).normal(size=60))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alpha = estimate_alpha(x, method="tamsd").values
    assert np.isnan(alpha[0]) and np.isfinite(alpha[1])


# ----------------------------------------------------------------------------- bias per model (issue 14)


@pytest.fixture(scope="module")
def held_out_table():
    from neurocomp.diffusion._train_alpha import error_table, held_out_errors

    return {(r["model"], r["alpha_bin"]): r for r in error_table(held_out_errors(n_per_class=12))}


def test_bias_per_model_is_small_against_the_held_out_spread(held_out_table):
    """Over each model's range the bias is below half the per-trajectory spread (plus 3 standard
    errors of the bias): the estimator's error is mostly scatter, not offset, for every generator."""
    for model in nd.ANDI_MODELS:
        r = held_out_table[(model, "all")]
        assert abs(r["bias"]) <= 0.5 * r["sd"] + 3 * r["bias_se"], r
        assert r["mae"] < 0.30, r


def test_conditional_bias_never_exceeds_the_spread_and_the_documented_ctrw_bias_is_measured(held_out_table):
    """Within an alpha bin the posterior-mean estimator is pulled to the middle of what is compatible;
    the pull stays within one spread. The CTRW bias at alpha in (0.75, 1] that estimate_alpha's
    docstring documents (-0.19) is what is measured: a retrain that changes it must update the docs."""
    for key, r in held_out_table.items():
        if key[1] != "all":
            assert abs(r["bias"]) <= r["sd"] + 3 * r["bias_se"], r
    ctrw = held_out_table[("ctrw", "(0.75, 1]")]
    assert abs(ctrw["bias"] - (-0.19)) <= 4 * ctrw["bias_se"] + 0.02, ctrw
