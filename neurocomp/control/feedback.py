"""Optimal feedback control with signal-dependent noise (Todorov 2005), exact moments, batched simulation.

The plant, its sensors and the controller's internal estimate::

    x[t+1]  = A x[t] + B u[t] + ξ[t] + Σ_i ε_i[t] C_i u[t]          (motor noise ∝ the command)
    y[t]    = H x[t] + ω[t] + Σ_j ε'_j[t] D_j x[t]                    (sensory noise ∝ the state)
    x̂[t+1] = A x̂[t] + B u[t] + K[t] (y[t] − H x̂[t])                 (forward model + feedback)
    u[t]    = −L[t] x̂[t]

with ξ ~ N(0, process_cov), ω ~ N(0, obs_cov), ε, ε' independent unit Gaussians,
x[0] ~ N(x̂[0], P0), and the expected cost E[Σ_t xᵀQ_t x + uᵀR u + x[T]ᵀQ_T x[T]].
With multiplicative noise the separation principle fails: the best filter depends
on the controller and the best controller on the filter. Todorov (2005) alternates
between the two, and so do we: the controller given the filter by his backward
recursion (derived again in :func:`_controller`), the filter given the controller as
the gain that minimises the next estimation-error covariance, computed from the
exact second moments of z = [x; x̂] (a linear system with multiplicative noise
propagates them in closed form). The expected cost of every iterate is evaluated
exactly from the same moments, and the cheapest is returned — so the answer is never
worse than LQG (the starting point), and at C = D = 0 it is LQG.

References
----------
Todorov, E. (2005). Stochastic optimal control and estimation methods adapted to the
    noise characteristics of the sensorimotor system. Neural Comput. 17, 1084–1108.
Harris, C. M. & Wolpert, D. M. (1998). Signal-dependent noise determines motor
    planning. Nature 394, 780–784.
Todorov, E. & Jordan, M. I. (2002). Optimal feedback control as a theory of motor
    coordination. Nat. Neurosci. 5, 1226–1235.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import xarray as xr

from neurocomp._validation import NeurocompWarning, ValidationError, check_int, check_positive
from neurocomp.control._checks import as_matrix, check_cols, check_pd, check_psd, check_rows, check_square
from neurocomp.control.linear import _riccati, predictor_gains
from neurocomp.random import as_generator

__all__ = ["LinearSystem", "optimal_feedback_control", "expected_moments", "simulate_feedback"]

MAX_SIMULATION_BYTES = 4 * 2**30


@dataclasses.dataclass(frozen=True)
class LinearSystem:
    """A linear plant with additive and signal-dependent noise, and its sensors.

    Parameters
    ----------
    A : array (n, n)
        Dynamics.
    B : array (n, m)
        Control matrix.
    H : array (p, n)
        Observation matrix.
    process_cov : array (n, n)
        Additive motor/process noise covariance (positive semi-definite).
    obs_cov : array (p, p)
        Additive sensory noise covariance (positive definite).
    control_noise : sequence of arrays (n, m)
        C_i: each adds ε_i C_i u to the next state (noise whose SD scales with the
        command; Harris & Wolpert 1998). For a command-proportional noise of relative
        SD c on control k, pass ``c * B[:, [k]] @ e_kᵀ``.
    state_noise : sequence of arrays (p, n)
        D_j: each adds ε'_j D_j x to the observation.
    dt : float
        Time step in seconds.
    state_names : list of str, optional

    References
    ----------
    .. [1] Harris, C. M. & Wolpert, D. M. (1998). Signal-dependent noise determines motor
       planning. Nature 394, 780-784.
    .. [2] Todorov, E. (2005). Stochastic optimal control and estimation methods adapted to the
       noise characteristics of the sensorimotor system. Neural Comput. 17, 1084-1108.

    Examples
    --------
    >>> s = LinearSystem(A=[[1.0]], B=[[1.0]], H=[[1.0]], process_cov=[[0.1]], obs_cov=[[0.1]])
    >>> s.n_states, s.n_controls, s.n_observations
    (1, 1, 1)
    """

    A: np.ndarray
    B: np.ndarray
    H: np.ndarray
    process_cov: np.ndarray
    obs_cov: np.ndarray
    control_noise: tuple = ()
    state_noise: tuple = ()
    dt: float = 1.0
    state_names: tuple | None = None

    def __post_init__(self):
        A = check_square("A", as_matrix("A", self.A))
        n = A.shape[0]
        B = check_rows("B", as_matrix("B", self.B), n, "one per state variable, as A")
        H = check_cols("H", as_matrix("H", self.H), n, "one per state variable, as A")
        p, m = H.shape[0], B.shape[1]
        W = check_psd("process_cov", as_matrix("process_cov", self.process_cov), n, what=" (states x states, as A)")
        V = check_pd("obs_cov", as_matrix("obs_cov", self.obs_cov), p, what=" (observations x observations, rows of H)")
        C = tuple(as_matrix(f"control_noise[{i}]", c) for i, c in enumerate(self.control_noise))
        for i, c in enumerate(C):
            if c.shape != (n, m):
                raise ValidationError(f"control_noise[{i}] must have shape ({n}, {m}) (states x controls, as B); "
                                      f"got {c.shape}")
        D = tuple(as_matrix(f"state_noise[{j}]", d) for j, d in enumerate(self.state_noise))
        for j, d in enumerate(D):
            if d.shape != (p, n):
                raise ValidationError(f"state_noise[{j}] must have shape ({p}, {n}) (observations x states, as H); "
                                      f"got {d.shape}")
        check_positive("dt", self.dt)
        names = self.state_names
        if names is not None:
            names = tuple(str(s) for s in names)
            if len(names) != n or len(set(names)) != n:
                raise ValidationError(f"state_names must be {n} distinct names; got {list(names)}")
        for k, v in dict(A=A, B=B, H=H, process_cov=W, obs_cov=V, control_noise=C, state_noise=D,
                         state_names=names).items():
            object.__setattr__(self, k, v)

    @property
    def n_states(self) -> int:
        return self.A.shape[0]

    @property
    def n_controls(self) -> int:
        return self.B.shape[1]

    @property
    def n_observations(self) -> int:
        return self.H.shape[0]

    def names(self) -> list[str]:
        return list(self.state_names) if self.state_names else [f"state{i}" for i in range(self.n_states)]


def _costs(system, Q, R, Q_final, horizon):
    n, m = system.n_states, system.n_controls
    Q = np.asarray(Q, dtype=float)
    if Q.ndim == 3:
        if Q.shape != (horizon + 1, n, n):
            raise ValidationError(f"Q must have shape ({n}, {n}) or ({horizon + 1}, {n}, {n}) (one per time, "
                                  f"final included); got {Q.shape}")
        if Q_final is not None:
            raise ValidationError("Q_final is already the last entry of a time-varying Q; pass one or the other")
        Qs = np.stack([check_psd(f"Q[{t}]", as_matrix("Q", q), n) for t, q in enumerate(Q)])
    else:
        q = check_psd("Q", as_matrix("Q", Q), n, what=" (states x states, as A)")
        qf = q if Q_final is None else check_psd("Q_final", as_matrix("Q_final", Q_final), n, what=" (as A)")
        Qs = np.concatenate([np.broadcast_to(q, (horizon, n, n)), qf[None]])
    R = check_pd("R", as_matrix("R", R), m, what=" (controls x controls, columns of B)")
    return Qs, R


def _initial(system, x0, P0):
    n = system.n_states
    x0 = np.asarray(x0, dtype=float)
    if x0.shape != (n,) or not np.isfinite(x0).all():
        raise ValidationError(f"x0 must be {n} finite numbers (the initial estimate); got {np.shape(x0)}")
    P0 = np.zeros((n, n)) if P0 is None else check_psd("P0", as_matrix("P0", P0), n, what=" (as A)")
    Z = np.zeros((2 * n, 2 * n))
    mm = np.outer(x0, x0)
    Z[:n, :n] = P0 + mm
    Z[:n, n:] = Z[n:, :n] = Z[n:, n:] = mm
    return x0, P0, Z


class _Blocks:
    """Block matrices of the joint system z = [x; x̂] for given gains at one time."""

    def __init__(self, system):
        s = system
        n = s.n_states
        self.n = n

    def M(self, s, L, K):
        A, B, H = s.A, s.B, s.H
        return np.block([[A, -B @ L], [K @ H, A - B @ L - K @ H]])

    def F(self, s, L):
        n = self.n
        return [np.block([[np.zeros((n, n)), -C @ L], [np.zeros((n, 2 * n))]]) for C in s.control_noise]

    def E(self, s, K):
        n = self.n
        return [np.block([[np.zeros((n, 2 * n))], [K @ D, np.zeros((n, n))]]) for D in s.state_noise]

    def W(self, s, K):
        n = self.n
        Z = np.zeros((2 * n, 2 * n))
        Z[:n, :n] = s.process_cov
        Z[n:, n:] = K @ s.obs_cov @ K.T
        return Z


def _propagate(P, M, Fs, Es, W):
    out = M @ P @ M.T + W
    for F in Fs:
        out += F @ P @ F.T
    for E in Es:
        out += E @ P @ E.T
    return 0.5 * (out + out.T)


def _forward(system, L, K, Z0):
    b = _Blocks(system)
    T = L.shape[0]
    P = np.empty((T + 1,) + Z0.shape)
    P[0] = Z0
    for t in range(T):
        P[t + 1] = _propagate(P[t], b.M(system, L[t], K[t]), b.F(system, L[t]), b.E(system, K[t]), b.W(system, K[t]))
    return P


def _qz(Q, L, R, n):
    out = np.zeros((2 * n, 2 * n))
    out[:n, :n] = Q
    out[n:, n:] = L.T @ R @ L
    return out


def _total_cost(P, Qs, L, R, n):
    T = L.shape[0]
    c = sum(np.trace(_qz(Qs[t], L[t], R, n) @ P[t]) for t in range(T))
    return float(c + np.trace(Qs[T] @ P[T][:n, :n]))


def _controller(system, K, Qs, R):
    """Controller given the filter: Todorov's (2005) backward recursion in S^x, S^e.

    With v_t(x, e) = xᵀS^x x + eᵀS^e e (e = x − x̂, uncorrelated with x̂ under the
    filter), minimising over u = −L x̂ gives
    L = (R + BᵀS^xB + Σ Cᵢᵀ(S^x + S^e)Cᵢ)⁻¹ BᵀS^xA,
    S^x ← Q + AᵀS^x(A − BL) + Σ DⱼᵀKᵀS^eKDⱼ,  S^e ← AᵀS^xBL + (A − KH)ᵀS^e(A − KH).
    """
    s = system
    A, B, H = s.A, s.B, s.H
    T = K.shape[0]
    n, m = s.n_states, s.n_controls
    L = np.empty((T, m, n))
    Sx = Qs[T].copy()
    Se = np.zeros((n, n))
    for t in range(T - 1, -1, -1):
        G = R + B.T @ Sx @ B
        for C in s.control_noise:
            G = G + C.T @ (Sx + Se) @ C
        L[t] = np.linalg.solve(G, B.T @ Sx @ A)
        AK = A - K[t] @ H
        new_x = Qs[t] + A.T @ Sx @ (A - B @ L[t])
        for D in s.state_noise:
            new_x = new_x + D.T @ K[t].T @ Se @ K[t] @ D
        new_e = A.T @ Sx @ B @ L[t] + AK.T @ Se @ AK
        Sx, Se = 0.5 * (new_x + new_x.T), 0.5 * (new_e + new_e.T)
    return L


def _filter(system, L, Z0):
    """Filter given the controller: at each step the gain that minimises the error covariance
    of the next estimate, K = A Σᵉ Hᵀ (H Σᵉ Hᵀ + Ω_ω + Σ Dⱼ E[xxᵀ] Dⱼᵀ)⁻¹, with Σᵉ and E[xxᵀ]
    the exact moments under the gains chosen so far."""
    s = system
    n, p = s.n_states, s.n_observations
    b = _Blocks(s)
    T = L.shape[0]
    K = np.empty((T, n, p))
    P = Z0
    Dm = np.hstack([np.eye(n), -np.eye(n)])
    for t in range(T):
        Se = Dm @ P @ Dm.T
        X = s.H @ Se @ s.H.T + s.obs_cov
        for D in s.state_noise:
            X = X + D @ P[:n, :n] @ D.T
        K[t] = np.linalg.solve(X, s.H @ Se @ s.A.T).T
        P = _propagate(P, b.M(s, L[t], K[t]), b.F(s, L[t]), b.E(s, K[t]), b.W(s, K[t]))
    return K


def optimal_feedback_control(system: LinearSystem, Q, R, *, horizon: int, x0, P0=None, Q_final=None,
                             max_iter: int = 200, tol: float = 1e-8) -> xr.Dataset:
    """Controller and estimator gains minimising the expected cost under signal-dependent noise.

    Parameters
    ----------
    system : LinearSystem
        Plant, sensors and noise (additive and multiplicative).
    Q : array (n, n) or (horizon + 1, n, n)
        State cost per step (time-varying: one per time, final included).
    R : array (m, m)
        Control cost (positive definite).
    horizon : int
        Number of control steps T (the movement lasts T·dt seconds).
    x0 : array (n,)
        Initial estimate (the true initial state is N(x0, P0)).
    P0 : array (n, n), optional
        Initial state uncertainty (default zero).
    Q_final : array (n, n), optional
        Cost of the final state when ``Q`` is one matrix (default ``Q``).
    max_iter : int
        Iterations of the controller/filter alternation.
    tol : float
        Stop when the expected cost changes by less than ``tol`` relative.

    Returns
    -------
    xarray.Dataset
        ``control_gain`` (time, control, state), ``filter_gain`` (time, state,
        observation); attrs ``expected_cost``, ``lqg_cost`` (the cost of the
        LQG gains that ignore the multiplicative noise, the starting point),
        ``n_iter`` and ``converged``.

    Warns
    -----
    NeurocompWarning
        When ``max_iter`` iterations did not reach ``tol``.

    Notes
    -----
    The expected cost is computed exactly from the second moments P_t = E[z zᵀ] of
    z = [x; x̂]: P_{t+1} = M P Mᵀ + Σ F_i P F_iᵀ + Σ E_j P E_jᵀ + W (block names in the
    source). The controller step assumes, as Todorov (2005) does, that the estimation
    error is uncorrelated with the estimate; the iteration is therefore a good, not a
    provably optimal, solution: the tests check that its exact cost matches simulation
    and that random perturbations of the gains do not lower it.

    References
    ----------
    Todorov, E. (2005). Neural Comput. 17, 1084–1108.

    Examples
    --------
    Without multiplicative noise the answer is LQG and one iteration confirms it.

    >>> import numpy as np
    >>> s = LinearSystem(A=[[1.0]], B=[[1.0]], H=[[1.0]], process_cov=[[0.01]], obs_cov=[[0.01]])
    >>> ofc = optimal_feedback_control(s, [[1.0]], [[1.0]], horizon=10, x0=[1.0])
    >>> bool(abs(ofc.attrs["expected_cost"] - ofc.attrs["lqg_cost"]) < 1e-9)
    True
    """
    if not isinstance(system, LinearSystem):
        raise TypeError(f"system must be a neurocomp.control.LinearSystem; got {type(system).__name__}")
    horizon = check_int("horizon", horizon, 1, 100_000)
    max_iter = check_int("max_iter", max_iter, 1, 100_000)
    check_positive("tol", tol)
    Qs, R = _costs(system, Q, R, Q_final, horizon)
    x0, P0, Z0 = _initial(system, x0, P0)
    n = system.n_states
    L, _ = _riccati(system.A, system.B, Qs, R, Qs[horizon], horizon)
    K = predictor_gains(system.A, system.H, system.process_cov, system.obs_cov, P0, horizon)
    cost = lqg_cost = _total_cost(_forward(system, L, K, Z0), Qs, L, R, n)
    best = (cost, L, K)
    converged = False
    change = np.inf
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        L = _controller(system, K, Qs, R)
        K = _filter(system, L, Z0)
        new = _total_cost(_forward(system, L, K, Z0), Qs, L, R, n)
        change = abs(cost - new) / max(abs(new), 1e-300)
        cost = new
        if new < best[0]:
            best = (new, L, K)
        if change < tol:
            converged = True
            break
    cost, L, K = best
    if not converged:
        warnings.warn(f"optimal_feedback_control did not converge in max_iter={max_iter} iterations "
                      f"(last relative change {change:.2g} > tol={tol:g}); raise max_iter or tol",
                      NeurocompWarning, stacklevel=2)
    dt = system.dt
    return xr.Dataset(
        {"control_gain": (("time", "control", "state"), L, {"units": "1", "long_name": "control gain L (u = -L x̂)"}),
         "filter_gain": (("time", "state", "observation"), K, {"units": "1", "long_name": "filter gain K"})},
        coords={"time": ("time", np.arange(horizon) * dt, {"units": "s", "long_name": "time"}),
                "state": system.names(), "control": np.arange(system.n_controls),
                "observation": np.arange(system.n_observations)},
        attrs={"expected_cost": cost, "lqg_cost": lqg_cost, "n_iter": n_iter, "converged": int(converged),
               "x0": x0.tolist()},
    )


def _gains(system, gains):
    if not isinstance(gains, xr.Dataset) or not {"control_gain", "filter_gain"} <= set(gains.data_vars):
        raise TypeError("gains must be the Dataset returned by optimal_feedback_control (control_gain, filter_gain)")
    L, K = gains.control_gain.values, gains.filter_gain.values
    n, m, p = system.n_states, system.n_controls, system.n_observations
    if L.shape[1:] != (m, n) or K.shape[1:] != (n, p):
        raise ValidationError(f"gains were computed for another system: control_gain {L.shape[1:]} and filter_gain "
                              f"{K.shape[1:]}, expected ({m}, {n}) and ({n}, {p})")
    return L, K


def expected_moments(system: LinearSystem, gains: xr.Dataset, *, x0, P0=None) -> xr.Dataset:
    """Exact mean and covariance of the state (and of the estimate) under the given gains.

    Parameters
    ----------
    system : LinearSystem
    gains : Dataset from :func:`optimal_feedback_control`
    x0, P0 : initial estimate and uncertainty, as there.

    Returns
    -------
    xarray.Dataset
        ``expected_state`` (time, state) and ``covariance`` (time, state, state_post) of x,
        ``estimation_error_covariance`` (time, state, state_post) of x − x̂, for
        t = 0 … T.

    Examples
    --------
    >>> s = LinearSystem(A=[[1.0]], B=[[1.0]], H=[[1.0]], process_cov=[[0.01]], obs_cov=[[0.01]])
    >>> g = optimal_feedback_control(s, [[1.0]], [[1.0]], horizon=10, x0=[1.0])
    >>> m = expected_moments(s, g, x0=[1.0])
    >>> m.covariance.shape
    (11, 1, 1)
    """
    L, K = _gains(system, gains)
    x0, P0, Z0 = _initial(system, x0, P0)
    n = system.n_states
    P = _forward(system, L, K, Z0)
    b = _Blocks(system)
    mz = np.empty((L.shape[0] + 1, 2 * n))
    mz[0] = np.concatenate([x0, x0])
    for t in range(L.shape[0]):
        mz[t + 1] = b.M(system, L[t], K[t]) @ mz[t]
    cov_z = P - np.einsum("ti,tj->tij", mz, mz)
    Dm = np.hstack([np.eye(n), -np.eye(n)])
    err = np.einsum("ij,tjk,lk->til", Dm, cov_z, Dm)
    names = system.names()
    time = np.arange(L.shape[0] + 1) * system.dt
    return xr.Dataset(
        {"expected_state": (("time", "state"), mz[:, :n], {"units": "1", "long_name": "expected state"}),
         "covariance": (("time", "state", "state_post"), cov_z[:, :n, :n],
                        {"units": "1", "long_name": "covariance of the state across trials"}),
         "estimation_error_covariance": (("time", "state", "state_post"), err,
                                         {"units": "1", "long_name": "covariance of the estimation error"})},
        coords={"time": ("time", time, {"units": "s", "long_name": "time"}), "state": names, "state_post": names},
    )


def _sqrt_psd(M):
    """A square root S (S Sᵀ = M) of a positive semi-definite matrix, singular ones included
    (Cholesky refuses a valid rank-deficient covariance such as perfectly correlated noise)."""
    w, V = np.linalg.eigh(M)
    return V * np.sqrt(np.clip(w, 0.0, None))


def simulate_feedback(system: LinearSystem, gains: xr.Dataset, *, x0, P0=None, n_trials: int = 1000,
                      rng=None) -> xr.Dataset:
    """Simulate many trials of the closed loop at once (vectorised over trials).

    Parameters
    ----------
    system : LinearSystem
    gains : Dataset from :func:`optimal_feedback_control` (or built by hand with the
        same variables).
    x0 : array (n,)
        Initial estimate; each trial's true initial state is drawn from N(x0, P0).
    P0 : array (n, n), optional
    n_trials : int
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    xarray.Dataset
        ``true_state`` and ``estimate`` (trial, time, state) for t = 0 … T, ``command``
        (trial, time, control) for t = 0 … T − 1 (NaN at T).

    Examples
    --------
    >>> s = LinearSystem(A=[[1.0]], B=[[1.0]], H=[[1.0]], process_cov=[[0.01]], obs_cov=[[0.01]])
    >>> g = optimal_feedback_control(s, [[1.0]], [[1.0]], horizon=10, x0=[1.0])
    >>> sim = simulate_feedback(s, g, x0=[1.0], n_trials=5, rng=0)
    >>> sim.true_state.dims
    ('trial', 'time', 'state')
    """
    L, K = _gains(system, gains)
    n_trials = check_int("n_trials", n_trials, 1, 10_000_000)
    x0, P0, _ = _initial(system, x0, P0)
    T = L.shape[0]
    n, m, p = system.n_states, system.n_controls, system.n_observations
    need = 8 * n_trials * (T + 1) * (2 * n + m)
    if need > MAX_SIMULATION_BYTES:
        raise ValidationError(f"n_trials={n_trials} × {T + 1} steps needs about {need / 2**30:.1f} GiB "
                              f"(limit {MAX_SIMULATION_BYTES / 2**30:.0f} GiB); simulate fewer trials at a time")
    g = as_generator(rng)
    Wc = _sqrt_psd(system.process_cov)
    Vc = np.linalg.cholesky(system.obs_cov)
    x = np.empty((n_trials, T + 1, n))
    xh = np.empty((n_trials, T + 1, n))
    u = np.full((n_trials, T + 1, m), np.nan)
    P0c = _sqrt_psd(P0)
    x[:, 0] = x0 + g.standard_normal((n_trials, n)) @ P0c.T
    xh[:, 0] = x0
    A, B, H = system.A, system.B, system.H
    for t in range(T):
        ut = -xh[:, t] @ L[t].T
        u[:, t] = ut
        y = x[:, t] @ H.T + g.standard_normal((n_trials, p)) @ Vc.T
        for D in system.state_noise:
            y += g.standard_normal((n_trials, 1)) * (x[:, t] @ D.T)
        nx = x[:, t] @ A.T + ut @ B.T + g.standard_normal((n_trials, n)) @ Wc.T
        for C in system.control_noise:
            nx += g.standard_normal((n_trials, 1)) * (ut @ C.T)
        x[:, t + 1] = nx
        xh[:, t + 1] = xh[:, t] @ A.T + ut @ B.T + (y - xh[:, t] @ H.T) @ K[t].T
    names = system.names()
    time = np.arange(T + 1) * system.dt
    return xr.Dataset(
        {"true_state": (("trial", "time", "state"), x, {"units": "1", "long_name": "state of the plant"}),
         "estimate": (("trial", "time", "state"), xh, {"units": "1", "long_name": "internal estimate of the state"}),
         "command": (("trial", "time", "control"), u, {"units": "1", "long_name": "motor command"})},
        coords={"trial": np.arange(n_trials), "time": ("time", time, {"units": "s", "long_name": "time"}),
                "state": names, "control": np.arange(m)},
    )
