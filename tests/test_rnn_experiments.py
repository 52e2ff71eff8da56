"""The recurrent-network experiments: small runs check their outputs and refusals; the slow runs check
the science (Sussillo & Barak 2013; Mante et al. 2013; Hochreiter & Schmidhuber 1997; the exact entropy
rate of the generated corpus)."""

from __future__ import annotations

import numpy as np
import pytest

from neurocomp.experiments import get
from neurocomp.vocabulary import check_dataset


def _ok(res):
    assert not check_dataset(res.dataset), check_dataset(res.dataset)
    for fig in res.figures.values():
        fig.canvas.draw()


def test_flipflop_small_run():
    res = get("flipflop_fixed_points")(n_hidden=12, n_trials=32, n_steps=20, n_epochs=2, n_initial=16, rng=0)
    _ok(res)
    s = res.summary
    assert s["n_memories"] == 8
    assert s["n_stable_fixed_points"] + s["n_saddles"] + s["n_marginal"] + s["n_unstable"] == \
        res.dataset.sizes["fixed_point"]
    assert res.dataset.trajectory.dims == ("trial", "time", "component")


def test_context_small_run():
    res = get("context_dependent_integration")(n_hidden=8, n_trials=64, n_epochs=1, n_test_trials=200,
                                               n_initial=8, rng=0)
    _ok(res)
    assert {"motion_context_motion_slope", "colour_context_motion_slope_se", "motion_context_median_alignment",
            "chance_alignment"} <= set(res.summary)
    assert res.dataset.p_choice.dims == ("context", "channel", "coherence")


def test_reber_and_char_small_runs():
    res = get("reber_lstm")(n_hidden=4, n_train=50, n_test=60, n_epochs=1, gradient_length=12, rng=0)
    _ok(res)
    assert 0 <= res.summary["vanilla_fraction_correct"] <= 1
    g = res.dataset.gradient_norm
    np.testing.assert_allclose(g.isel(time=-1).values, 1.0)  # relative to the read-out step
    res = get("char_rnn")(n_hidden=8, n_trials=30, n_steps=20, n_epochs=1, max_order=3, n_generate=40, rng=0)
    _ok(res)
    assert isinstance(res.summary["generated_text"], str) and res.summary["generated_text"].startswith("the ")
    assert res.summary["exact_entropy_rate_bits"] == pytest.approx(0.5003, abs=1e-4)


@pytest.mark.parametrize("name, kwargs, arg", [
    ("flipflop_fixed_points", {"cell": "transformer"}, "cell"),
    ("context_dependent_integration", {"tau": 0.01, "dt": 0.02}, "dt"),
    ("context_dependent_integration", {"coherences": [0.0, 0.1]}, "coherences"),
])
def test_experiments_refuse_bad_parameters(name, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        get(name)(**kwargs)


def test_generate_text_refuses_a_prime_outside_the_alphabet():
    from neurocomp.experiments.rnn import generate_text

    with pytest.raises(ValueError, match="prime"):
        generate_text(object(), "abc", prime="xyz")


# ----------------------------------------------------------------------------- science (slow)
@pytest.mark.slow
@pytest.mark.parametrize("seed", [2013, 7])
def test_flipflop_has_eight_stable_corners_and_saddles(seed):
    s = get("flipflop_fixed_points")(rng=seed).summary
    assert s["test_r2"] > 0.95
    assert s["n_stable_fixed_points"] == 8
    assert s["n_corners_stored"] == 8  # one stable point per corner of the memory cube
    assert s["n_saddles"] >= 6  # saddles between neighbouring memories (12 edges of the cube at most)


@pytest.mark.slow
def test_reber_lstm_learns_and_the_vanilla_gradient_vanishes():
    # three seeds fixed in advance; with Adam and clipping the vanilla net sometimes learns the grammar too,
    # so its deficit at long lags is tested on the pooled long strings (>= 16 symbols) of all three
    n_long, van_long, lstm_long = 0, 0.0, 0.0
    for seed in (1997, 7, 42):
        res = get("reber_lstm")(rng=seed)
        s = res.summary
        assert s["lstm_fraction_correct"] >= 0.99
        # vanishing gradients at initialisation: the error signal of the long-lag prediction at the first step
        assert s["vanilla_relative_gradient_first_step_initial"] < 0.01 * s["lstm_relative_gradient_first_step_initial"]
        n = res.dataset.n_strings.values[2:]
        ll = res.dataset.long_lag_correct
        n_long += n.sum()
        van_long += (ll.sel(network="vanilla RNN").values[2:] * n).sum()
        lstm_long += (ll.sel(network="LSTM").values[2:] * n).sum()
    van, lstm = van_long / n_long, lstm_long / n_long
    assert lstm - van > 4 * np.sqrt(van * (1 - van) / n_long)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2013, 7])
def test_char_rnn_cross_entropy_bounds_the_exact_rate(seed):
    s = get("char_rnn")(n_generate=1500, rng=seed).summary
    exact, model, se = s["exact_entropy_rate_bits"], s["model_cross_entropy_bits"], s["model_cross_entropy_se_bits"]
    assert model > exact - 3 * se  # cross-entropy >= entropy rate
    assert model - exact < 0.05  # and the LSTM gets close to it
    assert s["naive_entropy_bits"] > 5 * exact  # the symbol-frequency "entropy" is far off
    assert s["fraction_grammatical_sentences"] >= 0.8  # of about 50 generated sentences


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2013, 7])
def test_context_dependent_integration_psychometrics(seed):
    s = get("context_dependent_integration")(rng=seed).summary
    for ctx, rel, irr in (("motion", "motion", "colour"), ("colour", "colour", "motion")):
        b_rel, se_rel = s[f"{ctx}_context_{rel}_slope"], s[f"{ctx}_context_{rel}_slope_se"]
        b_irr, se_irr = s[f"{ctx}_context_{irr}_slope"], s[f"{ctx}_context_{irr}_slope_se"]
        assert b_rel > 10 * se_rel  # choices follow the relevant coherence
        # flat for the irrelevant one: zero within 3 SE (a 0.3 % false-alarm rate), and small against the relevant
        assert abs(b_irr) < 3 * se_irr and abs(b_irr) < 0.1 * b_rel
        # the slow points lie along a line aligned with the choice axis: a random direction in 64 dimensions has
        # |cos| > 0.4 with probability about 1e-3 (|cos| ~ |z|/sqrt(64)), its mean is s["chance_alignment"] = 0.10
        assert s[f"{ctx}_context_line_alignment"] > 0.4
        assert s[f"{ctx}_context_n_slow_points"] >= 10
