"""Control of movement: estimators and controllers against exact Bayesian/quadratic answers and peers."""

import numpy as np
import pytest
import scipy.linalg
import scipy.stats

from neurocomp import control as nc
from neurocomp.control import arm as carm
from neurocomp.experiments import get

DT = 0.1
A2 = np.array([[1.0, DT], [0.0, 1.0]])
B2 = np.array([[0.0], [DT]])


# --- LQR ------------------------------------------------------------------------------------------

def test_infinite_lqr_solves_the_riccati_equation():
    Q, R = np.diag([1.0, 0.1]), np.array([[0.5]])
    out = nc.lqr(A2, B2, Q, R)
    S, L = out.cost_to_go.values, out.gain.values
    residual = A2.T @ S @ A2 - S - A2.T @ S @ B2 @ np.linalg.solve(R + B2.T @ S @ B2, B2.T @ S @ A2) + Q
    assert np.abs(residual).max() < 1e-10
    assert np.abs(np.linalg.eigvals(A2 - B2 @ L)).max() < 1  # the closed loop is stable


def test_lqr_equals_python_control():
    control = pytest.importorskip("control")
    Q, R = np.diag([1.0, 0.1]), np.array([[0.5]])
    K, S, _ = control.dlqr(A2, B2, Q, R)
    out = nc.lqr(A2, B2, Q, R)
    np.testing.assert_allclose(out.gain.values, K, rtol=1e-8)
    np.testing.assert_allclose(out.cost_to_go.values, S, rtol=1e-8)


def test_finite_lqr_cost_equals_the_least_squares_optimum():
    """x0ᵀ S_0 x0 equals the minimum of the stacked quadratic program over the whole command sequence."""
    rng = np.random.default_rng(0)
    n, m, T = 2, 1, 12
    Q, R, Qf = np.diag([1.0, 0.2]), np.array([[0.3]]), np.diag([5.0, 1.0])
    x0 = rng.standard_normal(n)
    # x_t = A^t x0 + sum_k A^(t-1-k) B u_k  ->  X = F x0 + G U
    F = np.vstack([np.linalg.matrix_power(A2, t) for t in range(T + 1)])
    G = np.zeros(((T + 1) * n, T * m))
    for t in range(1, T + 1):
        for k in range(t):
            G[t * n:(t + 1) * n, k * m:(k + 1) * m] = np.linalg.matrix_power(A2, t - 1 - k) @ B2
    Qbig = scipy.linalg.block_diag(*([Q] * T + [Qf]))
    Rbig = np.kron(np.eye(T), R)
    H = G.T @ Qbig @ G + Rbig
    u = -np.linalg.solve(H, G.T @ Qbig @ F @ x0)
    X = F @ x0 + G @ u
    best = X @ Qbig @ X + u @ Rbig @ u
    out = nc.lqr(A2, B2, Q, R, horizon=T, Q_final=Qf)
    assert x0 @ out.cost_to_go.values[0] @ x0 == pytest.approx(best, rel=1e-10)
    assert -out.gain.values[0] @ x0 == pytest.approx(u[:m], rel=1e-8)


def test_lqr_refuses_bad_input():
    with pytest.raises(ValueError, match="not stabilisable"):
        nc.lqr([[2.0, 0], [0, 0.5]], [[0.0], [1.0]], np.eye(2), [[1.0]])
    with pytest.raises(ValueError, match=r"B must have 2 rows"):
        nc.lqr(A2, [[1.0]], np.eye(2), [[1.0]])
    with pytest.raises(ValueError, match=r"Q must have shape \(2, 2\)"):
        nc.lqr(A2, B2, np.eye(3), [[1.0]])
    with pytest.raises(ValueError, match="R must be positive definite"):
        nc.lqr(A2, B2, np.eye(2), [[0.0]])
    with pytest.raises(ValueError, match="Q must be symmetric"):
        nc.lqr(A2, B2, [[1.0, 1.0], [0.0, 1.0]], [[1.0]])
    with pytest.raises(ValueError, match="Q must be positive semi-definite"):
        nc.lqr(A2, B2, [[1.0, 0.0], [0.0, -1.0]], [[1.0]])
    with pytest.raises(ValueError, match="A must be finite"):
        nc.lqr([[np.nan, 0], [0, 1]], B2, np.eye(2), [[1.0]])


# --- Kalman filter and smoother -------------------------------------------------------------------

def _random_walk_joint(T, q, r, p0):
    """Joint covariance of x_0..x_{T-1} and y_0..y_{T-1} for x_t = x_{t-1} + w, y = x + v."""
    t = np.arange(T)
    Cxx = p0 + q * np.minimum.outer(t, t)
    Cyy = Cxx + r * np.eye(T)
    return Cxx, Cyy


def test_kalman_filter_is_the_exact_bayesian_posterior(rng):
    T, q, r, p0 = 25, 0.3, 0.8, 2.0
    y = rng.standard_normal((3, T, 1)) * 2
    post = nc.kalman_filter(y, [[1.0]], [[1.0]], [[q]], [[r]], x0=[0.0], P0=[[p0]])
    Cxx, Cyy = _random_walk_joint(T, q, r, p0)
    for t in (0, 5, T - 1):
        k = slice(0, t + 1)
        gain = np.linalg.solve(Cyy[k, k], Cxx[t, k])
        mean = y[:, k, 0] @ gain
        var = Cxx[t, t] - Cxx[t, k] @ gain
        np.testing.assert_allclose(post.estimate.values[:, t, 0], mean, rtol=1e-9, atol=1e-12)
        assert post.covariance.values[t, 0, 0] == pytest.approx(var, rel=1e-9)
    loglik = scipy.stats.multivariate_normal(np.zeros(T), Cyy).logpdf(y[:, :, 0])
    np.testing.assert_allclose(post.log_likelihood.values, loglik, rtol=1e-9)


def test_rts_smoother_is_the_exact_posterior_given_everything(rng):
    T, q, r, p0 = 20, 0.3, 0.8, 2.0
    y = rng.standard_normal((T, 1))
    s = nc.kalman_smoother(y, [[1.0]], [[1.0]], [[q]], [[r]], x0=[0.0], P0=[[p0]])
    Cxx, Cyy = _random_walk_joint(T, q, r, p0)
    gain = np.linalg.solve(Cyy, Cxx).T
    np.testing.assert_allclose(s.estimate.values[:, 0], gain @ y[:, 0], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(s.covariance.values[:, 0, 0], np.diag(Cxx - gain @ Cxx.T), rtol=1e-8)


def test_kalman_filter_equals_filterpy(rng):
    filterpy = pytest.importorskip("filterpy.kalman")
    W, V = np.diag([1e-3, 1e-2]), np.array([[0.05]])
    H = np.array([[1.0, 0.0]])
    u = rng.standard_normal((40, 1))
    y = rng.standard_normal((40, 1))
    ours = nc.kalman_filter(y, A2, H, W, V, x0=[0.1, 0.0], P0=np.eye(2), B=B2, controls=u)
    kf = filterpy.KalmanFilter(dim_x=2, dim_z=1, dim_u=1)
    kf.F, kf.H, kf.Q, kf.R, kf.B = A2, H, W, V, B2
    kf.x, kf.P = np.array([[0.1], [0.0]]), np.eye(2)
    for t in range(40):
        if t:
            kf.predict(u=u[t - 1:t].T)
        kf.update(y[t:t + 1].T)
        np.testing.assert_allclose(ours.estimate.values[t], kf.x[:, 0], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(ours.covariance.values[t], kf.P, rtol=1e-10, atol=1e-13)


def test_kalman_filter_refuses_bad_input():
    y = np.zeros((10, 1))
    with pytest.raises(ValueError, match=r"observations must have 2 columns"):
        nc.kalman_filter(y, A2, np.eye(2), np.eye(2), np.eye(2), x0=[0, 0], P0=np.eye(2))
    with pytest.raises(ValueError, match="H must have 2 columns"):
        nc.kalman_filter(y, A2, [[1.0]], np.eye(2), [[1.0]], x0=[0, 0], P0=np.eye(2))
    with pytest.raises(ValueError, match="obs_cov must be positive definite"):
        nc.kalman_filter(y, A2, [[1.0, 0.0]], np.eye(2), [[0.0]], x0=[0, 0], P0=np.eye(2))
    with pytest.raises(ValueError, match="observations must be finite"):
        nc.kalman_filter(np.full((10, 1), np.nan), A2, [[1.0, 0.0]], np.eye(2), [[1.0]], x0=[0, 0], P0=np.eye(2))
    with pytest.raises(ValueError, match="x0 must have shape"):
        nc.kalman_filter(y, A2, [[1.0, 0.0]], np.eye(2), [[1.0]], x0=[0, 0, 0], P0=np.eye(2))
    with pytest.raises(ValueError, match="without B"):
        nc.kalman_filter(y, A2, [[1.0, 0.0]], np.eye(2), [[1.0]], x0=[0, 0], P0=np.eye(2), controls=y)


# --- Signal-dependent noise: optimal feedback control ----------------------------------------------

def _arm(signal_noise):
    arm = carm.reaching_arm(n_axes=1, signal_noise=signal_noise)
    Q, R, Qf = carm.reach_costs(arm, effort=1e-6, velocity_weight=0.2, force_weight=0.01)
    x0 = np.zeros(arm.n_states)
    x0[3] = 0.1
    return arm, Q, R, Qf, x0


def test_without_multiplicative_noise_the_answer_is_lqg():
    arm, Q, R, Qf, x0 = _arm(0.0)
    ofc = nc.optimal_feedback_control(arm, Q, R, horizon=30, x0=x0, Q_final=Qf)
    lqg = nc.lqg(arm.A, arm.B, arm.H, Q, R, arm.process_cov, arm.obs_cov, horizon=30, P0=np.zeros((4, 4)),
                 Q_final=Qf)
    np.testing.assert_allclose(ofc.control_gain.values, lqg.control_gain.values, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ofc.filter_gain.values, lqg.filter_gain.values, rtol=1e-9, atol=1e-12)
    assert ofc.attrs["expected_cost"] == pytest.approx(ofc.attrs["lqg_cost"], rel=1e-12)


@pytest.fixture(scope="module")
def sdn_solution():
    arm, Q, R, Qf, x0 = _arm(0.5)
    return arm, Q, R, Qf, x0, nc.optimal_feedback_control(arm, Q, R, horizon=30, x0=x0, Q_final=Qf)


def test_expected_cost_and_moments_match_simulation(sdn_solution):
    """The exact second-moment recursion agrees with 20,000 simulated trials within sampling error."""
    arm, Q, R, Qf, x0, g = sdn_solution
    assert g.attrs["converged"] and g.attrs["expected_cost"] < 0.5 * g.attrs["lqg_cost"]
    sim = nc.simulate_feedback(arm, g, x0=x0, n_trials=20000, rng=7)
    x, u = sim.true_state.values, sim.command.values[:, :-1]
    cost = np.einsum("ti,ij,tj->t", x[:, -1], Qf, x[:, -1]) + (u**2).sum((1, 2)) * R[0, 0]
    se = cost.std(ddof=1) / np.sqrt(len(cost))
    assert abs(cost.mean() - g.attrs["expected_cost"]) < 4 * se
    mom = nc.expected_moments(arm, g, x0=x0)
    end = x[:, -1, 0]
    assert abs(end.mean() - mom.expected_state.values[-1, 0]) < 4 * end.std() / np.sqrt(len(end))
    var_theory = mom.covariance.values[-1, 0, 0]
    # Var of a sample variance of n Gaussian draws: 2σ⁴/(n − 1).
    assert abs(end.var(ddof=1) - var_theory) < 4 * var_theory * np.sqrt(2 / (len(end) - 1))


def test_no_random_perturbation_of_the_gains_lowers_the_cost(sdn_solution):
    from neurocomp.control import feedback as fb

    arm, Q, R, Qf, x0, g = sdn_solution
    Qs, Rm = fb._costs(arm, Q, R, Qf, 30)
    Z0 = fb._initial(arm, x0, None)[2]
    L, K = g.control_gain.values, g.filter_gain.values
    base = g.attrs["expected_cost"]
    prng = np.random.default_rng(3)
    gains = []
    for _ in range(20):
        dL = L * (1 + 0.02 * prng.standard_normal(L.shape))
        dK = K * (1 + 0.02 * prng.standard_normal(K.shape))
        gains.append(fb._total_cost(fb._forward(arm, dL, K, Z0), Qs, dL, Rm, 4))
        gains.append(fb._total_cost(fb._forward(arm, L, dK, Z0), Qs, L, Rm, 4))
    assert min(gains) > base * (1 - 1e-4)


def test_simulation_is_seeded(sdn_solution):
    arm, Q, R, Qf, x0, g = sdn_solution
    a = nc.simulate_feedback(arm, g, x0=x0, n_trials=5, rng=1)
    b = nc.simulate_feedback(arm, g, x0=x0, n_trials=5, rng=1)
    c = nc.simulate_feedback(arm, g, x0=x0, n_trials=5, rng=2)
    assert a.identical(b) and not np.array_equal(a.true_state.values, c.true_state.values)


def test_feedback_refuses_bad_input():
    arm = carm.reaching_arm(n_axes=1)
    with pytest.raises(ValueError, match=r"control_noise\[0\] must have shape \(4, 1\)"):
        nc.LinearSystem(A=arm.A, B=arm.B, H=arm.H, process_cov=arm.process_cov, obs_cov=arm.obs_cov,
                        control_noise=[np.eye(4)])
    with pytest.raises(ValueError, match=r"Q must have shape"):
        nc.optimal_feedback_control(arm, np.eye(3), [[1.0]], horizon=5, x0=np.zeros(4))
    with pytest.raises(ValueError, match="x0 must be 4 finite numbers"):
        nc.optimal_feedback_control(arm, np.eye(4), [[1.0]], horizon=5, x0=[0, 0, np.nan, 0])
    with pytest.raises(ValueError, match="n_trials must be <= "):
        g = nc.optimal_feedback_control(arm, np.eye(4), [[1.0]], horizon=5, x0=np.zeros(4))
        nc.simulate_feedback(arm, g, x0=np.zeros(4), n_trials=10**9)


# --- The experiments -------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2])
def test_reaching_ofc_reproduces_the_three_findings(seed):
    res = get("reaching_ofc")(n_trials=1500, duration=0.4, noise_levels=[0.0, 0.5, 1.0], rng=seed)
    s, ds = res.summary, res.dataset
    # Bell-shaped speed with its peak near mid-movement, a straight mean path.
    assert 0.3 < s["peak_velocity_time_fraction"] < 0.6
    assert s["path_max_deviation_fraction"] < 0.05
    # Minimal intervention: the F-interval of the ratio excludes 1 for the redundant task ...
    assert s["variance_ratio_ci"][0] > 2.0
    # ... and contains it (within sampling error) when each effector is constrained.
    n = 1500
    lo, hi = scipy.stats.f.ppf([0.001, 0.999], n - 1, n - 1)
    assert lo < s["variance_ratio_each_constrained"] < hi
    # Endpoint variance grows with the signal-dependent noise, as the exact moments say.
    sim, se, th = ds.endpoint_variance.values, ds.endpoint_variance_se.values, ds.endpoint_variance_theory.values
    assert np.all(np.diff(th) > 0)
    assert np.all(np.abs(sim - th) < 4 * se + 1e-12)


def test_kalman_hand_estimate_is_unbiased_with_a_true_forward_model():
    res = get("kalman_hand_estimate")(n_trials=1500, duration=1.5, gain_bias=0.0, rng=4)
    ds = res.dataset
    n = 1500
    # No bias beyond sampling error, and the filter's reported SD is the real one.
    z = ds.bias_feedback / (ds.sd_feedback / np.sqrt(n))
    assert float(np.abs(z[1:]).max()) < 4.5
    late = slice(20, None)
    rel = (ds.sd_feedback[late] / ds.posterior_sd[late]).values
    assert np.abs(rel - 1).max() < 4 * np.sqrt(1 / (2 * (n - 1)))


def test_kalman_hand_estimate_bias_peaks_then_feedback_pulls_it_back():
    res = get("kalman_hand_estimate")(n_trials=500, rng=5)
    s = res.summary
    assert 0.3 < s["bias_peak_time_s"] < 2.0  # Wolpert et al. (1995): a peak near 1 s
    assert s["bias_peak_m"] > 0  # the forward model overestimates the movement
    assert s["sd_final_feedback_m"] < 0.3 * s["sd_final_open_loop_m"]


def test_simulation_accepts_a_singular_correlated_noise_covariance():
    """Perfectly correlated motor noise is a valid (rank-1) covariance; the simulated spread matches it."""
    W = np.array([[1.0, 1.0], [1.0, 1.0]]) * 1e-4
    s = nc.LinearSystem(A=np.eye(2), B=[[1.0], [0.0]], H=np.eye(2), process_cov=W, obs_cov=np.eye(2) * 1e-2)
    g = nc.optimal_feedback_control(s, np.eye(2), [[1.0]], horizon=5, x0=[1.0, 0.0])
    x = nc.simulate_feedback(s, g, x0=[1.0, 0.0], n_trials=20000, rng=0).true_state.values
    c = np.cov((x[:, 1] - x[:, 1].mean(0)).T)
    assert abs(c[0, 1] / np.sqrt(c[0, 0] * c[1, 1]) - 1) < 1e-9  # the noise stays perfectly correlated
    mom = nc.expected_moments(s, g, x0=[1.0, 0.0])
    v = mom.covariance.values[1, 1, 1]
    assert abs(c[1, 1] - v) < 4 * v * np.sqrt(2 / 19999)
