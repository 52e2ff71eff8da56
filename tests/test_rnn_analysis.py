"""Fixed-point analysis and sequence entropy, on hand-made systems whose answers are known exactly:
a tanh map with 9 known fixed points, linear line attractors (normal and non-normal), an Euler-stepped
ODE, and a Markov chain whose entropy rate is known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from neurocomp.rnn import fixed_points as fpm
from neurocomp.rnn import sequences as seq


class TanhMap:
    """x -> tanh(W x + B u), the vanilla RNN's update."""

    def __init__(self, W, B=None):
        self.W = np.asarray(W, float)
        self.n_state_ = len(self.W)
        self.B = np.zeros((self.n_state_, 1)) if B is None else np.asarray(B, float)
        self.n_features_in_ = self.B.shape[1]

    def step(self, x, u):
        return np.tanh(x @ self.W.T + u @ self.B.T)

    def step_jacobian(self, x, u):
        d = 1 - self.step(x, u) ** 2
        return d[..., :, None] * self.W


class LinearMap:
    def __init__(self, A, b=None, tau=None, dt=None):
        self.A = np.asarray(A, float)
        self.n_state_ = len(self.A)
        self.n_features_in_ = 1
        self.b = np.zeros(self.n_state_) if b is None else np.asarray(b, float)
        if tau is not None:
            self.tau, self.dt = tau, dt

    def step(self, x, u):
        return x @ self.A.T + u[..., :1] * self.b

    def step_jacobian(self, x, u):
        return np.broadcast_to(self.A, x.shape + (self.n_state_,)).copy()


def test_tanh_map_has_its_nine_fixed_points(rng):
    # x = tanh(2x) per coordinate: 0 or ±x*, so 9 fixed points: 4 stable corners, 4 saddles, the unstable origin
    xs = brentq(lambda x: x - np.tanh(2 * x), 0.5, 1.5)
    fp = fpm.find_fixed_points(TanhMap(2 * np.eye(2)), rng.uniform(-1.2, 1.2, (500, 2)), n_initial=300, rng=rng)
    kinds = fp.kind.values.tolist()
    assert kinds.count("stable") == 4 and kinds.count("saddle") == 4 and kinds.count("unstable") == 1
    expected = {(a, b) for a in (-xs, 0.0, xs) for b in (-xs, 0.0, xs)}
    found = {tuple(p) for p in np.round(fp.state.values, 8)}
    assert found == {tuple(np.round(p, 8)) for p in expected}
    st = fp.where(fp.kind == "stable", drop=True)
    np.testing.assert_allclose(np.abs(st.state.values), xs, atol=1e-9)
    # eigenvalues 2(1 − x*²) on both modes at a corner; the Jacobian is stored pre x post (J transposed)
    np.testing.assert_allclose(st.eigenvalue_modulus.values, 2 * (1 - xs**2), atol=1e-8)
    sad = fp.where(fp.kind == "saddle", drop=True)
    assert (sad.n_unstable == 1).all()
    assert (fp.q < 1e-8).all()


def test_jacobian_layout_is_pre_by_post():
    W = np.array([[0.5, 0.3], [0.0, 0.2]])  # not symmetric: the layout is visible
    fp = fpm.find_fixed_points(TanhMap(W), np.zeros((1, 2)), n_initial=1, rng=0)
    J = fp.jacobian.isel(fixed_point=0)  # at the origin J = W
    np.testing.assert_allclose(J.transpose("unit_post", "unit").values, W)
    assert float(J.sel(unit=1, unit_post=0)) == pytest.approx(0.3)  # ∂F_0/∂x_1


def test_constant_input_moves_the_fixed_point():
    model = LinearMap(0.5 * np.eye(3), b=[1.0, -2.0, 0.5])
    fp = fpm.find_fixed_points(model, np.zeros((5, 3)), inputs=[0.4], n_initial=5, rng=0)
    assert fp.sizes["fixed_point"] == 1 and fp.kind.item() == "stable"
    np.testing.assert_allclose(fp.state.values[0], 2 * 0.4 * np.array([1.0, -2.0, 0.5]), atol=1e-10)


def _line_attractor(v, w, slow=1.0, fast=0.5):
    """A = slow v wᵀ/(wᵀv) + fast (I − v wᵀ/(wᵀv)): right eigenvector v, left eigenvector w of the slow mode."""
    v, w = np.asarray(v, float), np.asarray(w, float)
    P = np.outer(v, w) / (w @ v)
    return slow * P + fast * (np.eye(len(v)) - P)


@pytest.mark.parametrize("w", [[1.0, 2.0, -1.0], [1.0, 0.0, 0.3]])
def test_line_attractor_direction_and_selection_vector(w, rng):
    v = np.array([1.0, 2.0, -1.0])
    model = LinearMap(_line_attractor(v, w))
    fp = fpm.find_fixed_points(model, rng.normal(size=(200, 3)), n_initial=100, unique_tol=0.05, rng=rng)
    assert fp.sizes["fixed_point"] > 10  # a continuum, sampled where the starts converged
    assert (fp.kind == "marginal").all() and (fp.n_marginal == 1).all()
    u = v / np.linalg.norm(v)
    X = fp.state.values
    off_line = X - np.outer(X @ u, u)
    assert np.abs(off_line).max() < 1e-6
    cos_right = np.abs(fp.slow_direction.values @ u)
    cos_left = np.abs(fp.selection_vector.values @ (np.asarray(w) / np.linalg.norm(w)))
    np.testing.assert_allclose(cos_right, 1.0, atol=1e-9)
    np.testing.assert_allclose(cos_left, 1.0, atol=1e-9)


def test_continuous_time_model_is_classified_by_its_ode():
    # F(x) = x + (dt/tau)(-x): the ODE decays at 1/tau, but with dt/tau = 2.5 the Euler map has λ = −1.5
    tau, dt = 0.1, 0.25
    model = LinearMap((1 - dt / tau) * np.eye(2), tau=tau, dt=dt)
    fp = fpm.find_fixed_points(model, np.ones((3, 2)), n_initial=3, rng=0)
    assert fp.attrs["dynamics"] == "continuous" and fp.kind.item() == "stable"
    np.testing.assert_allclose(fp.rate_real.values, -1 / tau)
    assert fp.rate_real.attrs["units"] == "1/s"
    fd = fpm.find_fixed_points(model, np.ones((3, 2)), n_initial=3, dynamics="discrete", rng=0)
    assert fd.kind.item() == "unstable"


def test_tol_q_keeps_only_converged_points():
    model = TanhMap(2 * np.eye(2))
    start = np.array([[0.3, 0.7]])
    none = fpm.find_fixed_points(model, start, n_initial=1, max_iter=0, n_newton=0, rng=0)
    assert none.sizes["fixed_point"] == 0 and none.attrs["n_converged"] == 0
    some = fpm.find_fixed_points(model, start, n_initial=1, max_iter=3000, learning_rate=0.01, n_newton=0, rng=0)
    assert some.sizes["fixed_point"] == 1 and some.q.item() < 1e-8  # Adam alone, with the analytic gradient


def test_fixed_points_are_seeded():
    model = TanhMap(2 * np.eye(2))
    pool = np.random.default_rng(1).uniform(-1, 1, (100, 2))
    a = fpm.find_fixed_points(model, pool, n_initial=20, noise=0.1, rng=3)
    b = fpm.find_fixed_points(model, pool, n_initial=20, noise=0.1, rng=3)
    np.testing.assert_array_equal(a.state.values, b.state.values)


@pytest.mark.parametrize("kwargs, name", [
    ({"states": np.full((3, 2), np.nan)}, "states"),
    ({"states": np.zeros((3, 5))}, "states"),
    ({"states": np.zeros((3, 2)), "inputs": [1.0, 2.0]}, "inputs"),
    ({"states": np.zeros((3, 2)), "tol_q": 0.0}, "tol_q"),
    ({"states": np.zeros((3, 2)), "dynamics": "odd"}, "dynamics"),
])
def test_fixed_points_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        fpm.find_fixed_points(TanhMap(np.eye(2)), **kwargs)
    with pytest.raises(ValueError, match="step"):
        fpm.find_fixed_points(object(), np.zeros((3, 2)))


# ---------------------------------------------------------------- sequences on a Markov chain
P = np.array([[0.8, 0.15, 0.05], [0.3, 0.4, 0.3], [0.1, 0.1, 0.8]])


def _stationary(P):
    w, v = np.linalg.eig(P.T)
    pi = np.real(v[:, np.argmin(np.abs(w - 1))])
    return pi / pi.sum()


PI = _stationary(P)
H_RATE = float(-(PI[:, None] * P * np.log2(P)).sum())  # exact entropy rate, bits/symbol
H_NAIVE = float(-(PI * np.log2(PI)).sum())


def _chain(n_trials, n_steps, rng):
    x = np.empty((n_trials, n_steps + 1), int)
    x[:, 0] = rng.choice(3, n_trials, p=PI)
    cum = P.cumsum(1)
    for t in range(n_steps):
        x[:, t + 1] = (rng.random(n_trials)[:, None] > cum[x[:, t]]).sum(1)
    return x


class ChainModel:
    """The true next-symbol probabilities, in RNN.predict_proba's shape."""

    classes_ = np.arange(3)

    def predict_proba(self, X):
        return P[X.argmax(-1)]


def test_true_model_surprise_averages_to_the_entropy_rate(rng):
    x = _chain(400, 100, rng)
    X = np.eye(3)[x[:, :-1]]
    rate = seq.model_entropy_rate(ChainModel(), X, x[:, 1:])
    assert rate.attrs["units"] == "bit"
    assert abs(float(rate) - H_RATE) < 4 * rate.attrs["sd"]
    s = seq.surprise(ChainModel(), X, x[:, 1:])
    assert s.dims == ("trial", "time") and np.isfinite(s.values).all()


def test_a_wrong_model_overestimates_the_rate(rng):
    # cross-entropy = h + KL >= h: a model that knows only the symbol frequencies gets the naive entropy
    class FrequencyModel:
        def predict_proba(self, X):
            return np.broadcast_to(PI, X.shape[:2] + (3,))

    x = _chain(400, 100, rng)
    X = np.eye(3)[x[:, :-1]]
    rate = seq.model_entropy_rate(FrequencyModel(), X, x[:, 1:])
    assert abs(float(rate) - H_NAIVE) < 4 * rate.attrs["sd"] + 0.01
    assert float(rate) > H_RATE + 10 * rate.attrs["sd"]


def test_plugin_block_estimates_on_the_markov_chain(rng):
    x = _chain(1, 100_000, rng)[0]
    est = seq.entropy_estimates(x, max_order=4)
    se = 2.0 / np.sqrt(x.size)  # SD of −log2 p per symbol is < 2 bits here
    assert abs(float(est.naive_entropy) - H_NAIVE) < 4 * se
    # a first-order chain: h_L = h for every L >= 2
    np.testing.assert_allclose(est.conditional_entropy.sel(order=[2, 3, 4]).values, H_RATE, atol=4 * se)
    assert float(est.naive_entropy) > H_RATE + 0.2
    assert est.naive_entropy.attrs["units"] == "bit"


def test_surprise_masks_and_bad_input():
    p = np.full((2, 3, 4), 0.25)
    s = seq.surprise_from_proba(p, np.zeros((2, 3), int), mask=[[True, False, True], [True, True, True]])
    assert np.isnan(s.values[0, 1]) and s.values[1, 2] == pytest.approx(2.0)
    assert float(seq.surprise_from_proba(p, np.zeros((2, 3), int), units="nat")[0, 0]) == pytest.approx(np.log(4))
    with pytest.raises(ValueError, match="targets"):
        seq.surprise_from_proba(p, np.full((2, 3), 4))
    with pytest.raises(ValueError, match="proba"):
        seq.surprise_from_proba(p * 2, np.zeros((2, 3), int))
    with pytest.raises(ValueError, match="proba"):
        seq.surprise_from_proba(np.where(np.arange(4) == 0, np.nan, 0.25) * np.ones((2, 3, 4)), np.zeros((2, 3), int))
    with pytest.raises(ValueError, match="skip"):
        seq.model_entropy_rate(ChainModel(), np.eye(3)[np.zeros((2, 3), int)], np.zeros((2, 3), int), skip=3)
    with pytest.raises(ValueError, match="y"):
        seq.surprise(ChainModel(), np.zeros((2, 3, 3)))


# ---------------------------------------------------------------- the real network classes
def test_fixed_points_of_an_rnn_with_known_weights():
    from neurocomp.rnn import RNN

    # W_rec = 2 I, no input, no bias: the vanilla RNN is the map x -> tanh(2x), with 9 known fixed points in 2-D
    init = {"W_in_0": np.zeros((1, 2)), "W_rec_0": 2 * np.eye(2), "b_0": np.zeros(2)}
    X, y = np.zeros((4, 5, 1)), np.zeros((4, 5, 1))
    net = RNN("vanilla", 2, readout="all", n_epochs=0, init_params=init, rng=0).fit(X, y)
    fp = fpm.find_fixed_points(net, np.random.default_rng(0).uniform(-1.2, 1.2, (300, 2)), rng=0)
    kinds = fp.kind.values.tolist()
    assert (kinds.count("stable"), kinds.count("saddle"), kinds.count("unstable")) == (4, 4, 1)
    xs = brentq(lambda x: x - np.tanh(2 * x), 0.5, 1.5)
    np.testing.assert_allclose(np.abs(fp.where(fp.kind == "stable", drop=True).state.values), xs, atol=1e-9)


def test_rate_rnn_fixed_point_and_ode_eigenvalues():
    from neurocomp.rnn import RateRNN

    # W_rec = 0: tau dx/dt = -x + u W_in + b, one fixed point x* = u W_in + b with every ODE eigenvalue -1/tau
    tau, dt = 0.1, 0.02
    W_in = np.array([[0.5, -1.0, 0.25]])
    init = {"W_in": W_in, "W_rec": np.zeros((3, 3)), "b": np.array([0.1, 0.0, -0.2])}
    X, y = np.zeros((4, 5, 1)), np.zeros((4, 5, 1))
    net = RateRNN(3, tau=tau, dt=dt, readout="all", n_epochs=0, init_params=init, rng=0).fit(X, y)
    fp = fpm.find_fixed_points(net, np.random.default_rng(1).normal(size=(50, 3)), inputs=[2.0], rng=0)
    assert fp.sizes["fixed_point"] == 1 and fp.attrs["dynamics"] == "continuous" and fp.kind.item() == "stable"
    np.testing.assert_allclose(fp.state.values[0], 2.0 * W_in[0] + init["b"], atol=1e-9)
    np.testing.assert_allclose(fp.rate_real.values, -1 / tau, rtol=1e-9)
    np.testing.assert_allclose(fp.eigenvalue_real.values, 1 - dt / tau, rtol=1e-12)  # the Euler map's λ
