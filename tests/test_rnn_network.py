"""neurocomp.rnn core: RNN (vanilla, GRU, LSTM) and RateRNN.

Exact gradients against central finite differences, truncated BPTT against an explicit truncated
objective, Jacobians, vanishing gradients (vanilla vs LSTM), a learning check on the adding
problem, bad input, and scikit-learn's estimator checks.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from neurocomp._validation import NotFittedError
from neurocomp.rnn import RNN, RateRNN

N_SEQ, N_STEPS, N_FEAT = 4, 6, 2


def _targets(output, readout, rng, n=N_SEQ, T=N_STEPS):
    shape = (n,) if readout == "last" else (n, T)
    if output == "linear":
        return rng.standard_normal(shape + (2,))
    if output == "sigmoid":
        return rng.integers(0, 2, shape + (2,))
    y = rng.integers(0, 3, shape)
    y[:3] = np.arange(3).reshape((3,) + (1,) * (len(shape) - 1))  # all classes present
    return y


def _mask():
    mask = np.ones((N_SEQ, N_STEPS), bool)
    mask[1, 4:] = False
    mask[2, 3:] = False
    return mask


def _numerical_gradient(net, X, y, mask, eps=1e-5):
    grads = {}
    for name, p in net.params_.items():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = net.loss_and_gradient(X, y, mask=mask)[0]
            p[idx] = old - eps
            down = net.loss_and_gradient(X, y, mask=mask)[0]
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def _assert_gradients_match(net, X, y, mask):
    _, analytic = net.loss_and_gradient(X, y, mask=mask)
    numeric = _numerical_gradient(net, X, y, mask)
    assert set(analytic) == set(net.params_)
    for name in net.params_:
        a, n = analytic[name], numeric[name]
        assert a.shape == net.params_[name].shape
        rel = np.linalg.norm(a - n) / max(np.linalg.norm(n), 1e-8)
        assert rel < 1e-6, (name, rel)


# ------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
@pytest.mark.parametrize("output", ["linear", "softmax", "sigmoid"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_bptt_gradient_equals_finite_differences(cell, output, readout):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_SEQ, N_STEPS, N_FEAT))
    y = _targets(output, readout, rng)
    net = RNN(cell, 3, output=output, readout=readout, n_epochs=0, weight_decay=0.01, rng=1).fit(X, y, mask=_mask())
    _assert_gradients_match(net, X, y, _mask())


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_two_layer_gradient_and_initial_state(cell):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((N_SEQ, N_STEPS, N_FEAT))
    y = _targets("softmax", "all", rng)
    net = RNN(cell, 3, n_layers=2, output="softmax", readout="all", n_epochs=0, rng=2).fit(X, y)
    _assert_gradients_match(net, X, y, None)


@pytest.mark.parametrize("output", ["linear", "softmax", "sigmoid"])
@pytest.mark.parametrize("readout", ["last", "all"])
@pytest.mark.parametrize("activation", ["tanh", "softplus"])
def test_rate_rnn_gradient_equals_finite_differences(output, readout, activation):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((N_SEQ, N_STEPS, N_FEAT))
    y = _targets(output, readout, rng)
    net = RateRNN(4, tau=0.05, dt=0.01, activation=activation, output=output, readout=readout, gain=1.5,
                  n_epochs=0, rng=4).fit(X, y, mask=_mask())
    net.params_["b"][:] = rng.standard_normal(4) * 0.3
    _assert_gradients_match(net, X, y, _mask())


def _truncated_objective(net, X, y, k):
    """Sum over chunks of k steps of the squared-error loss, each chunk run from its (frozen) entry state.

    The entry states come from the parameters ``frozen`` at the time of the call, so the derivative of
    this function by the parameters (entry states held fixed) is the truncated-BPTT gradient.
    """
    n, T = X.shape[:2]
    loss = 0.0
    for start in range(0, T, k):
        h0 = None if start == 0 else net._frozen_states[:, start - 1]
        out = net.run(X[:, start:start + k], h0=h0)["output"].values
        loss += 0.5 * np.sum((out - y[:, start:start + k]) ** 2)
    return loss / (n * T)


def _states(net, X):
    ds = net.run(X)
    parts = [ds["hidden"].values] + ([ds["cell"].values] if "cell" in ds else [])
    return np.concatenate(parts, axis=-1)


@pytest.mark.parametrize("model", ["vanilla", "gru", "lstm", "rate"])
def test_truncated_gradient_equals_gradient_of_truncated_objective(model):
    rng = np.random.default_rng(5)
    T, k = 7, 3
    X = rng.standard_normal((N_SEQ, T, N_FEAT))
    y = rng.standard_normal((N_SEQ, T, 2))
    if model == "rate":
        net = RateRNN(3, tau=0.03, dt=0.01, gain=1.5, readout="all", truncate=k, n_epochs=0, rng=6).fit(X, y)
    else:
        net = RNN(model, 3, readout="all", truncate=k, n_epochs=0, rng=6).fit(X, y)
    _, analytic = net.loss_and_gradient(X, y)
    net._frozen_states = _states(net, X)
    assert np.isclose(_truncated_objective(net, X, y, k), net.loss_and_gradient(X, y)[0], rtol=1e-12)
    eps = 1e-5
    for name, p in net.params_.items():
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = _truncated_objective(net, X, y, k)
            p[idx] = old - eps
            down = _truncated_objective(net, X, y, k)
            p[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        rel = np.linalg.norm(analytic[name] - numeric) / max(np.linalg.norm(numeric), 1e-8)
        assert rel < 1e-6, (name, rel)
    # and the truncation really cuts something: the full gradient differs
    full = RNN(model, 3, readout="all", n_epochs=0, rng=6) if model != "rate" else RateRNN(
        3, tau=0.03, dt=0.01, gain=1.5, readout="all", n_epochs=0, rng=6)
    _, g_full = full.fit(X, y).loss_and_gradient(X, y)
    name = "W_rec" if model == "rate" else "W_rec_0"
    assert np.linalg.norm(g_full[name] - analytic[name]) > 1e-3 * np.linalg.norm(g_full[name])


# ------------------------------------------------------------------------ steps, Jacobians
def _fitted(model, rng):
    X = rng.standard_normal((8, 5, N_FEAT))
    y = rng.integers(0, 2, 8)
    y[:2] = [0, 1]
    if model == "rate":
        return RateRNN(5, gain=1.5, output="softmax", n_epochs=2, rng=0).fit(X, y), X
    return RNN(model, 5, output="softmax", n_epochs=2, rng=0).fit(X, y), X


@pytest.mark.parametrize("model", ["vanilla", "gru", "lstm", "rate"])
def test_step_jacobian_equals_finite_differences(model):
    rng = np.random.default_rng(7)
    net, _ = _fitted(model, rng)
    S = net.n_state_
    assert S == (10 if model == "lstm" else 5)
    state = rng.standard_normal((3, S))
    u = rng.standard_normal((3, N_FEAT))
    J = net.step_jacobian(state, u)
    assert J.shape == (3, S, S)
    eps = 1e-6
    numeric = np.stack([(net.step(state + eps * e, u) - net.step(state - eps * e, u)) / (2 * eps)
                        for e in np.eye(S)], axis=-1)
    np.testing.assert_allclose(J, numeric, atol=1e-8)
    # broadcasting: one input for a grid of states
    assert net.step(rng.standard_normal((2, 4, S)), u[0]).shape == (2, 4, S)
    assert net.step_jacobian(rng.standard_normal((2, 4, S)), u[0]).shape == (2, 4, S, S)


@pytest.mark.parametrize("model", ["vanilla", "gru", "lstm", "rate"])
def test_step_and_output_from_state_reproduce_run(model):
    rng = np.random.default_rng(8)
    net, X = _fitted(model, rng)
    ds = net.run(X, noise=False) if model == "rate" else net.run(X)
    assert ds["hidden"].dims == ("trial", "time", "unit")
    assert ds["output"].dims[:2] == ("trial", "time")
    for var in ds.data_vars.values():
        assert var.attrs["units"] and var.attrs["long_name"]
    state = np.zeros((X.shape[0], net.n_state_))
    for t in range(X.shape[1]):
        state = net.step(state, X[:, t])
        H = ds.sizes["unit"]
        np.testing.assert_allclose(state[:, :H], ds["hidden"].values[:, t], atol=1e-12)
        np.testing.assert_allclose(net.output_from_state(state), ds["output"].values[:, t], atol=1e-12)
    np.testing.assert_allclose(net.predict_proba(X), ds["output"].values[:, -1], atol=1e-12)


def test_rate_rnn_noise_scaling_and_reproducibility():
    # with the recurrence and input off, x is an Ornstein-Uhlenbeck process: stationary sd = noise sqrt(tau/2)
    rng = np.random.default_rng(9)
    X = rng.standard_normal((4, 3, 1))
    net = RateRNN(50, tau=0.05, dt=0.001, noise=0.4, n_epochs=0, rng=0).fit(X, rng.standard_normal(4))
    net.params_["W_rec"][:] = 0.0
    net.params_["W_in"][:] = 0.0
    ds = net.run(np.zeros((40, 1000, 1)), rng=1)
    x = ds["hidden"].values[:, 500:]  # after 10 tau
    a = 0.001 / 0.05
    sd_theory = 0.4 * np.sqrt(0.001) / np.sqrt(1 - (1 - a) ** 2)  # exact for the Euler map (-> noise sqrt(tau/2))
    assert abs(sd_theory - 0.4 * np.sqrt(0.05 / 2)) < 0.01 * sd_theory
    # 40 x 50 independent trajectories, samples ~ 2 tau / dt = 100 steps apart: ~ 2000 x 5 effective samples
    assert abs(x.std() / sd_theory - 1) < 0.03
    np.testing.assert_array_equal(net.run(X, rng=3)["hidden"], net.run(X, rng=3)["hidden"])
    np.testing.assert_array_equal(net.run(X, noise=False)["hidden"], net.run(X, noise=False)["hidden"])


# --------------------------------------------------------------------- science and learning
def _long_lag(rng, n=64, T=60):
    y = (rng.random(n) < 0.5).astype(int)
    y[:2] = [0, 1]
    X = 0.1 * rng.standard_normal((n, T, 1))
    X[:, 0, 0] = 2 * y - 1  # the signal is at step 0, the answer at step T-1
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vanishing_gradients_vanilla_far_below_lstm(seed):
    """||dL/dh_0|| / ||dL/dh_{T-1}|| over 60 steps at initialisation.

    Vanilla: each step multiplies the error by diag(1 - h^2) W_rec^T, whose norm is about the
    spectral radius of W_rec ~ sqrt(n/3)/sqrt(n) = 0.58 (uniform ±1/sqrt(n) weights) or less. LSTM:
    the error on the cell state is multiplied by the forget gate, sigma(1 + small) ~ 0.73 (forget_bias
    1). Over 59 steps the two products differ by ~(0.73/0.58)^59 ~ 1e6; we require 1e3.
    """
    rng = np.random.default_rng(seed)
    X, y = _long_lag(rng)
    ratios = {}
    for cell in ["vanilla", "lstm"]:
        net = RNN(cell, 32, output="softmax", n_epochs=0, rng=seed).fit(X, y)
        g = net.hidden_gradient_norms(X, y)
        assert g.dims == ("time",) and g.sizes["time"] == 60
        ratios[cell] = float(g[0] / g[-1])
    assert ratios["vanilla"] < 1e-8
    assert ratios["lstm"] > 1e3 * ratios["vanilla"]


def _adding(n, T, rng):
    values = rng.random((n, T))
    marks = np.zeros((n, T))
    marks[np.arange(n), rng.integers(0, T // 2, n)] = 1
    marks[np.arange(n), rng.integers(T // 2, T, n)] = 1
    return np.stack([values, marks], axis=-1), (values * marks).sum(axis=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_learns_delayed_recall(seed):
    """Recall the sign given at step 0 at step 19, through 19 steps of input noise (sd 0.5).

    Chance is 50 % (sd of the accuracy of a guess on 500 test sequences: 0.022); the LSTM must be
    right on more than 95 % of new sequences.
    """
    rng = np.random.default_rng(seed)
    X, y = _long_lag(rng, 256, 20)
    Xt, yt = _long_lag(rng, 500, 20)
    X[:, 1:] *= 5
    Xt[:, 1:] *= 5
    net = RNN("lstm", 16, output="softmax", n_epochs=10, learning_rate=0.02, rng=seed).fit(X, y, X_valid=Xt,
                                                                                             y_valid=yt)
    assert net.score(Xt, yt) > 0.95
    curve = net.learning_curve_
    assert list(curve.data_vars) == ["loss", "gradient_norm", "valid_loss"]
    assert curve.sizes["epoch"] == 11 and curve["valid_loss"][-1] < 0.5 * curve["valid_loss"][0]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_learns_the_adding_problem(seed):
    """Adding problem (Hochreiter & Schmidhuber 1997), T = 20.

    Predicting the mean scores R^2 = 0 (sd of the test-set R^2 of a constant about sqrt(2/500) = 0.06);
    the LSTM must explain more than 80 % of the variance on new sequences.
    """
    rng = np.random.default_rng(seed)
    X, y = _adding(1000, 20, rng)
    Xt, yt = _adding(500, 20, rng)
    net = RNN("lstm", 32, n_epochs=20, learning_rate=0.01, rng=seed).fit(X, y)
    assert net.score(Xt, yt) > 0.8


def test_masked_sequences_read_out_at_their_last_step():
    rng = np.random.default_rng(10)
    X = rng.standard_normal((6, 8, 1))
    mask = np.ones((6, 8), bool)
    mask[0, 5:] = False
    y = rng.standard_normal(6)
    net = RNN("gru", 4, n_epochs=1, rng=0).fit(X, y, mask=mask)
    padded = X.copy()
    padded[0, 5:] = np.nan  # padding may be anything, NaN included
    short = net.predict(X[:1, :5])
    np.testing.assert_allclose(net.predict(padded, mask=mask)[0], short[0], atol=1e-12)
    np.testing.assert_allclose(net.predict(X, mask=mask)[1:], net.predict(X)[1:], atol=1e-12)


def test_deterministic_and_float32():
    rng = np.random.default_rng(11)
    X, y = _adding(64, 10, rng)
    a = RNN("lstm", 8, n_epochs=2, rng=3).fit(X, y)
    b = RNN("lstm", 8, n_epochs=2, rng=3).fit(X, y)
    for k in a.params_:
        np.testing.assert_array_equal(a.params_[k], b.params_[k])
    c = RNN("lstm", 8, n_epochs=2, dtype="float32", rng=3).fit(X, y)
    assert all(v.dtype == np.float32 for v in c.params_.values())
    assert c.run(X[:2])["hidden"].dtype == np.float32
    np.testing.assert_allclose(c.predict(X), a.predict(X), atol=1e-3)


def test_init_params_sets_the_starting_weights():
    rng = np.random.default_rng(12)
    X, y = _adding(16, 5, rng)
    a = RNN("gru", 4, n_epochs=0, rng=0).fit(X, y)
    b = RNN("gru", 4, n_epochs=0, init_params=a.params_, rng=99).fit(X, y)
    for k in a.params_:
        np.testing.assert_array_equal(a.params_[k], b.params_[k])
    with pytest.raises(ValueError, match="init_params"):
        RNN("gru", 4, n_epochs=0, init_params={"W_rec_0": np.zeros((3, 3))}).fit(X, y)


def test_activations_are_the_layer_format_at_the_read_out_step():
    rng = np.random.default_rng(15)
    X = rng.standard_normal((9, 6, 2))
    y = rng.standard_normal(9)
    mask = np.ones((9, 6), bool)
    mask[2, 3:] = False
    for net in [RNN("gru", 4, n_layers=2, n_epochs=1, rng=0).fit(X, y), RateRNN(5, n_epochs=1, rng=0).fit(X, y)]:
        a = net.activations(X, mask=mask, batch_size=4, stimulus_id=[f"s{i}" for i in range(9)])
        assert a.dims == ("presentation", "neuroid") and a.name == "activations"
        assert list(dict.fromkeys(a.layer.values)) == net.layer_names_
        top = net.layer_names_[-2]
        ds = net.run(X)
        states = ds["rate" if top == "rate" else "hidden"].values
        expected = states[np.arange(9), mask.sum(axis=1) - 1]
        np.testing.assert_allclose(a.sel(neuroid=a.layer == top).values, expected, atol=1e-12)
        np.testing.assert_allclose(a.sel(neuroid=a.layer == "output").values[:, 0], net.predict(X, mask=mask),
                                   atol=1e-12)
        np.testing.assert_allclose(net.activations(X, step=2, layers=top).values, states[:, 2], atol=1e-12)


# ---------------------------------------------------------------------------- optimisers
def _first_steps(**kw):
    rng = np.random.default_rng(13)
    X = rng.standard_normal((10, 4, 2))
    y = rng.standard_normal(10)
    base = dict(batch_size=10, learning_rate=0.1, rng=0)
    base.update(kw)
    p0 = RNN("gru", 3, n_epochs=0, **base).fit(X, y)
    p1 = RNN("gru", 3, n_epochs=1, **base).fit(X, y)
    p2 = RNN("gru", 3, n_epochs=2, **base).fit(X, y)
    return X, y, p0, p1, p2


def test_sgd_momentum_steps_are_exact():
    X, y, p0, p1, p2 = _first_steps(optimizer="sgd", momentum=0.9)
    _, g0 = p0.loss_and_gradient(X, y)
    _, g1 = p1.loss_and_gradient(X, y)
    for k in g0:
        np.testing.assert_allclose(p1.params_[k], p0.params_[k] - 0.1 * g0[k], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(p2.params_[k], p1.params_[k] - 0.1 * (0.9 * g0[k] + g1[k]), rtol=1e-12, atol=1e-14)


def test_adam_first_step_and_clipping_are_exact():
    X, y, p0, p1, _ = _first_steps(optimizer="adam")
    _, g0 = p0.loss_and_gradient(X, y)
    for k in g0:  # bias-corrected Adam's first step is lr g / (|g| + eps)
        np.testing.assert_allclose(p1.params_[k], p0.params_[k] - 0.1 * g0[k] / (np.abs(g0[k]) + 1e-8), rtol=1e-10)
    X, y, p0, p1, _ = _first_steps(optimizer="sgd", clip_norm=1e-3)
    _, g0 = p0.loss_and_gradient(X, y)
    norm = np.sqrt(sum(np.sum(g * g) for g in g0.values()))
    assert norm > 1e-2  # so clipping acts
    for k in g0:
        np.testing.assert_allclose(p1.params_[k], p0.params_[k] - 0.1 * g0[k] * 1e-3 / (norm + 1e-6), rtol=1e-10)
    assert np.isclose(p1.learning_curve_["gradient_norm"][1], norm)


def test_orthogonal_recurrent_init():
    rng = np.random.default_rng(14)
    X, y = rng.standard_normal((4, 3, 1)), rng.standard_normal(4)
    net = RNN("lstm", 6, recurrent_init="orthogonal", n_epochs=0, rng=0).fit(X, y)
    W = net.params_["W_rec_0"]
    for g in range(4):
        block = W[:, 6 * g:6 * (g + 1)]
        np.testing.assert_allclose(block.T @ block, np.eye(6), atol=1e-12)


# ---------------------------------------------------------------------------- bad input
def _xy(rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    X = rng.standard_normal((6, 5, 2))
    y = np.array([0, 1, 2, 0, 1, 2])
    return X, y


def test_bad_input_is_refused_naming_the_argument():
    X, y = _xy()
    net = RNN("lstm", 3, output="softmax", n_epochs=1, rng=0)
    ragged = [np.zeros((5, 2)), np.zeros((3, 2))]
    with pytest.raises(ValueError, match="X holds sequences of different lengths.*mask"):
        net.fit(ragged, [0, 1])
    with pytest.raises(ValueError, match="X holds sequences of different lengths"):
        net.fit(np.array(ragged, dtype=object), [0, 1])
    bad = X.copy()
    bad[2, 3, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        net.fit(bad, y)
    with pytest.raises(ValueError, match="n_hidden must be >= 1"):
        RNN("lstm", 0).fit(X, y)
    with pytest.raises(ValueError, match="truncate must be <= the sequence length n_steps=5"):
        RNN("lstm", 3, truncate=6).fit(X, y)
    with pytest.raises(ValueError, match="mask must have shape"):
        net.fit(X, y, mask=np.ones((6, 4), bool))
    with pytest.raises(ValueError, match="mask must be True on a prefix"):
        net.fit(X, y, mask=np.array([[1, 0, 1, 1, 1]] * 6, bool))
    with pytest.raises(ValueError, match="'cell'"):
        RNN("transformer").fit(X, y)
    net.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features per step.*fitted with 2"):
        net.predict(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match="y holds labels outside the classes"):
        net.score(X, np.array([0, 1, 2, 0, 1, 7]))
    with pytest.raises(ValueError, match="state must have shape"):
        net.step(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="u must have shape"):
        net.step(np.zeros(6), np.zeros(3))
    with pytest.raises(ValueError, match="h0 must have shape"):
        net.run(X, h0=np.zeros(4))
    with pytest.raises(ValueError, match="dt must be <= tau"):
        RateRNN(3, tau=0.01, dt=0.1).fit(X, y)
    with pytest.raises(NotFittedError):
        RNN().predict(X)
    with pytest.raises(NotFittedError):
        RateRNN().step(np.zeros(3), np.zeros(2))
    # more than the machine holds: refused before anything is allocated
    with pytest.raises(ValueError, match=r"n_hidden=1000000 .* would need about .*TiB"):
        RNN("lstm", 10**6).fit(X, y)
    with pytest.raises(ValueError, match=r"batch_size=6 and 5 steps would need"):
        RateRNN(2 * 10**6).fit(X, y)


# ----------------------------------------------------------------------- scikit-learn
# scikit-learn's 2-D X are read as univariate sequences of n_features steps. Regression checks want
# R^2 > 0.5 on 10 features (one informative) read that way: enough epochs (and, for the rate
# network, a faster integration alpha = dt/tau = 0.5) to learn which step carries the signal
# (R^2 0.65-0.91 over seeds 0-4 and float32/float64 inputs with these settings).
ESTIMATORS = [
    RNN("vanilla", 16, n_epochs=40, learning_rate=0.02, clip_norm=1.0, rng=0),
    RNN("lstm", 4, output="softmax", n_epochs=20, learning_rate=0.05, rng=0),
    RNN("gru", 4, output="sigmoid", n_epochs=20, learning_rate=0.05, rng=0),
    RateRNN(4, output="softmax", n_epochs=20, learning_rate=0.05, rng=0),
    RateRNN(16, dt=0.05, n_epochs=40, learning_rate=0.02, clip_norm=1.0, rng=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
