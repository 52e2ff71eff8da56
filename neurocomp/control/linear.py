"""Linear-Gaussian estimation and control: Kalman filter and smoother, LQR, LQG.

The system, in discrete time with step ``dt``::

    x[t+1] = A x[t] + B u[t] + w[t],      w ~ N(0, process_cov)
    y[t]   = H x[t] + v[t],               v ~ N(0, obs_cov)

and the quadratic cost ``sum_t x'Qx + u'Ru`` (+ ``x'Q_final x`` at the end).
Estimation functions are vectorised over trials: the covariances and gains of a
linear-Gaussian system do not depend on the data, so they are computed once per
time step and applied to every trial with one matrix product.

References
----------
Kalman, R. E. (1960). A new approach to linear filtering and prediction problems.
    J. Basic Eng. 82, 35–45.
Rauch, H. E., Tung, F. & Striebel, C. T. (1965). Maximum likelihood estimates of
    linear dynamic systems. AIAA J. 3, 1445–1450.
Anderson, B. D. O. & Moore, J. B. (1990). Optimal Control: Linear Quadratic
    Methods. Prentice Hall.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import xarray as xr

from neurocomp._validation import ValidationError, check_int, check_positive
from neurocomp.control._checks import as_matrix, check_cols, check_pd, check_psd, check_rows, check_square

__all__ = ["kalman_filter", "kalman_smoother", "lqr", "lqg", "is_stabilizable"]


def _state_names(n, names, what="state"):
    if names is None:
        return [f"{what}{i}" for i in range(n)]
    names = [str(s) for s in names]
    if len(names) != n or len(set(names)) != n:
        raise ValidationError(f"{what}_names must be {n} distinct names; got {names}")
    return names


def _filter_inputs(observations, A, H, process_cov, obs_cov, x0, P0, B, controls):
    A = check_square("A", as_matrix("A", A))
    n = A.shape[0]
    H = check_cols("H", as_matrix("H", H), n, "one per state variable, as A")
    p = H.shape[0]
    Qn = check_psd("process_cov", as_matrix("process_cov", process_cov), n, what=" (states x states, as A)")
    Rn = check_pd("obs_cov", as_matrix("obs_cov", obs_cov), p, what=" (observations x observations, rows of H)")
    y = np.asarray(observations.values if isinstance(observations, xr.DataArray) else observations, dtype=float)
    if y.ndim == 2:
        y = y[None]
        single = True
    elif y.ndim == 3:
        single = False
    else:
        raise ValidationError(f"observations must have shape (time, {p}) or (trial, time, {p}); got {y.shape}")
    if y.shape[-1] != p:
        raise ValidationError(f"observations must have {p} columns (rows of H); got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValidationError(f"observations must be finite; got {int((~np.isfinite(y)).sum())} NaN/inf value(s)")
    x0 = np.asarray(x0, dtype=float)
    if x0.shape not in ((n,), (y.shape[0], n)):
        raise ValidationError(f"x0 must have shape ({n},) or ({y.shape[0]}, {n}); got {x0.shape}")
    P0 = check_psd("P0", as_matrix("P0", P0), n, what=" (states x states, as A)")
    T = y.shape[1]
    if B is None:
        if controls is not None:
            raise ValidationError("controls were given without B; pass the control matrix B too")
        Bu = np.zeros((y.shape[0], T, n))
    else:
        B = check_rows("B", as_matrix("B", B), n, "one per state variable, as A")
        if controls is None:
            raise ValidationError("B was given without controls; pass controls of shape (time, m) or (trial, time, m)")
        u = np.asarray(controls, dtype=float)
        if u.ndim == 2:
            u = np.broadcast_to(u, (y.shape[0],) + u.shape)
        if u.shape != (y.shape[0], T, B.shape[1]):
            raise ValidationError(f"controls must have shape ({T}, {B.shape[1]}) or ({y.shape[0]}, {T}, {B.shape[1]}); "
                                  f"got {np.shape(controls)}")
        if not np.isfinite(u).all():
            raise ValidationError("controls must be finite")
        Bu = u @ B.T
    return A, H, Qn, Rn, y, x0, P0, Bu, single


def kalman_filter(observations, A, H, process_cov, obs_cov, *, x0, P0, B=None, controls=None, dt: float = 1.0,
                  state_names=None, units: str = "1") -> xr.Dataset:
    """The Kalman filter: posterior mean and covariance of the state given y[0..t].

    Parameters
    ----------
    observations : array of shape (time, p) or (trial, time, p)
        Observations y; many trials are filtered at once.
    A : array of shape (n, n)
        State transition.
    H : array of shape (p, n)
        Observation matrix.
    process_cov, obs_cov : arrays of shape (n, n) and (p, p)
        Covariances of the process noise w (positive semi-definite) and of the
        observation noise v (positive definite).
    x0 : array of shape (n,) or (trial, n)
        Prior mean of x[0] (before y[0] is seen).
    P0 : array of shape (n, n)
        Prior covariance of x[0].
    B : array of shape (n, m), optional
        Control matrix; then ``controls`` (time, m) or (trial, time, m) is u[t],
        which acts between t and t + 1.
    controls : array of shape (time, m) or (trial, time, m), optional
        The known commands u[t] (efference copy); needed with ``B``.
    dt : float
        Time step in seconds (labels the ``time`` coordinate).
    state_names : list of str, optional
        Labels of the state variables.
    units : str
        Units of the state variables (``"1"`` when they are abstract).

    Returns
    -------
    xarray.Dataset
        ``estimate`` (trial, time, state): E[x[t] | y[0..t]]; ``prediction``
        (trial, time, state): E[x[t] | y[0..t-1]]; ``covariance`` (time, state,
        state_post): the posterior covariance (the same for every trial);
        ``gain`` (time, state, observation): the Kalman gain; ``log_likelihood``
        (trial): log p(y[0..T-1]) in nat. A 2-D input gives no ``trial`` dim.

    Notes
    -----
    Predict: m⁻ = A m + B u, P⁻ = A P Aᵀ + W. Update: K = P⁻Hᵀ(HP⁻Hᵀ + V)⁻¹,
    m = m⁻ + K(y − H m⁻), P = (I − KH)P⁻(I − KH)ᵀ + KVKᵀ (Joseph form, which
    stays symmetric and positive semi-definite in floating point).

    References
    ----------
    Kalman, R. E. (1960). J. Basic Eng. 82, 35–45.

    Examples
    --------
    A scalar random walk seen through noise: the posterior variance settles to
    the fixed point of the Riccati recursion.

    >>> import numpy as np
    >>> y = np.zeros((200, 1))
    >>> post = kalman_filter(y, [[1.0]], [[1.0]], [[1.0]], [[1.0]], x0=[0.0], P0=[[1.0]])
    >>> round(float(post.covariance[-1, 0, 0]), 4)    # (sqrt(5) - 1) / 2
    0.618
    """
    check_positive("dt", dt)
    A, H, Qn, Rn, y, x0, P0, Bu, single = _filter_inputs(observations, A, H, process_cov, obs_cov, x0, P0, B, controls)
    n_trials, T, p = y.shape
    n = A.shape[0]
    I = np.eye(n)
    m = np.broadcast_to(x0, (n_trials, n)).astype(float).copy()
    P = P0.copy()
    est = np.empty((n_trials, T, n))
    pred = np.empty((n_trials, T, n))
    cov = np.empty((T, n, n))
    gains = np.empty((T, n, p))
    loglik = np.zeros(n_trials)
    for t in range(T):
        if t > 0:
            m = m @ A.T + Bu[:, t - 1]
            P = A @ P @ A.T + Qn
        pred[:, t] = m
        S = H @ P @ H.T + Rn
        K = scipy.linalg.solve(S, H @ P, assume_a="pos").T
        innov = y[:, t] - m @ H.T
        cho = scipy.linalg.cho_factor(S)
        maha = np.einsum("ij,ji->i", innov, scipy.linalg.cho_solve(cho, innov.T))
        logdet = 2.0 * np.log(np.diag(cho[0])).sum()
        loglik += -0.5 * (maha + logdet + p * np.log(2 * np.pi))
        m = m + innov @ K.T
        IKH = I - K @ H
        P = IKH @ P @ IKH.T + K @ Rn @ K.T
        P = 0.5 * (P + P.T)
        est[:, t] = m
        cov[t] = P
        gains[t] = K
    return _filter_dataset(est, pred, cov, gains, loglik, dt, state_names, units, single, "Kalman filter")


def _filter_dataset(est, pred, cov, gains, loglik, dt, state_names, units, single, method):
    n_trials, T, n = est.shape
    names = _state_names(n, state_names)
    time = np.arange(T) * dt
    ds = xr.Dataset(
        {
            "estimate": (("trial", "time", "state"), est, {"units": units, "long_name": "posterior mean of the state"}),
            "prediction": (("trial", "time", "state"), pred,
                           {"units": units, "long_name": "prior mean of the state (before its observation)"}),
            "covariance": (("time", "state", "state_post"), cov,
                           {"units": f"{units}^2" if units != "1" else "1", "long_name": "posterior covariance"}),
        },
        coords={"trial": np.arange(n_trials), "time": ("time", time, {"units": "s", "long_name": "time"}),
                "state": names, "state_post": names},
        attrs={"method": method},
    )
    if gains is not None:
        ds["gain"] = xr.DataArray(gains, dims=("time", "state", "observation"),
                                  attrs={"units": "1", "long_name": "Kalman gain"})
        ds = ds.assign_coords(observation=np.arange(gains.shape[2]))
    if loglik is not None:
        ds["log_likelihood"] = xr.DataArray(loglik, dims=("trial",),
                                            attrs={"units": "nat", "long_name": "log-likelihood of the observations"})
    if single:
        ds = ds.isel(trial=0, drop=True)
    return ds


def kalman_smoother(observations, A, H, process_cov, obs_cov, *, x0, P0, B=None, controls=None, dt: float = 1.0,
                    state_names=None, units: str = "1") -> xr.Dataset:
    """The Rauch–Tung–Striebel smoother: mean and covariance of x[t] given all observations.

    Takes the arguments of :func:`kalman_filter` and returns the same variables,
    with ``estimate`` and ``covariance`` now conditioned on y[0..T-1].

    Parameters
    ----------
    observations, A, H, process_cov, obs_cov, x0, P0, B, controls, dt, state_names, units
        As for :func:`kalman_filter`.

    Returns
    -------
    xarray.Dataset
        As :func:`kalman_filter`'s, with ``estimate`` (trial, time, state), in ``units``,
        the smoothed mean E[x[t] | y[0..T-1]] and ``covariance`` (time, state,
        state_post) the smoothed covariance; ``prediction``, ``gain`` and
        ``log_likelihood`` are the filter's.

    Notes
    -----
    Backward pass: G = P_t Aᵀ (P⁻_{t+1})⁻¹, m_t^s = m_t + G (m_{t+1}^s − m⁻_{t+1}),
    P_t^s = P_t + G (P_{t+1}^s − P⁻_{t+1}) Gᵀ.

    References
    ----------
    Rauch, H. E., Tung, F. & Striebel, C. T. (1965). AIAA J. 3, 1445–1450.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.zeros((50, 1))
    >>> s = kalman_smoother(y, [[1.0]], [[1.0]], [[1.0]], [[1.0]], x0=[0.0], P0=[[1.0]])
    >>> bool(s.covariance[25, 0, 0] < 0.618)    # the middle sees the future too
    True
    """
    y = np.asarray(observations.values if isinstance(observations, xr.DataArray) else observations, dtype=float)
    single = y.ndim == 2
    if single:
        y = y[None]
        if controls is not None and np.ndim(controls) == 2:
            controls = np.asarray(controls, dtype=float)[None]
    filt = kalman_filter(y, A, H, process_cov, obs_cov, x0=x0, P0=P0, B=B, controls=controls, dt=dt,
                         state_names=state_names, units=units)
    A = as_matrix("A", A)
    Qn = as_matrix("process_cov", process_cov)
    m = filt.estimate.values.copy()
    pred = filt.prediction.values
    P = filt.covariance.values.copy()
    T = m.shape[1]
    for t in range(T - 2, -1, -1):
        Pp = A @ P[t] @ A.T + Qn
        G = scipy.linalg.solve(Pp, A @ filt.covariance.values[t], assume_a="pos").T
        m[:, t] = m[:, t] + (m[:, t + 1] - pred[:, t + 1]) @ G.T
        P[t] = filt.covariance.values[t] + G @ (P[t + 1] - Pp) @ G.T
        P[t] = 0.5 * (P[t] + P[t].T)
    out = filt.copy()
    out["estimate"] = (("trial", "time", "state"), m, {"units": units, "long_name": "smoothed mean of the state"})
    out["covariance"] = (("time", "state", "state_post"), P, dict(filt.covariance.attrs, long_name="smoothed covariance"))
    out.attrs["method"] = "Rauch-Tung-Striebel smoother"
    return out.isel(trial=0, drop=True) if single else out


def is_stabilizable(A, B) -> bool:
    """Whether (A, B) is stabilisable in discrete time (Popov–Belevitch–Hautus test).

    Every eigenvalue λ of A with |λ| ≥ 1 must be controllable: rank [A − λI, B] = n.

    Parameters
    ----------
    A : array_like of shape (n, n)
        State transition.
    B : array_like of shape (n, m)
        Control matrix.

    Returns
    -------
    bool
        True when some feedback gain L makes A − B L stable (spectral radius < 1).

    Examples
    --------
    >>> is_stabilizable([[2.0]], [[0.0]])
    False
    """
    A = check_square("A", as_matrix("A", A))
    B = check_rows("B", as_matrix("B", B), A.shape[0], "one per state variable, as A")
    n = A.shape[0]
    for lam in np.linalg.eigvals(A):
        if abs(lam) >= 1 - 1e-12:
            M = np.hstack([A - lam * np.eye(n), B])
            if np.linalg.matrix_rank(M, tol=1e-9 * max(1.0, np.abs(M).max())) < n:
                return False
    return True


def _lqr_inputs(A, B, Q, R):
    A = check_square("A", as_matrix("A", A))
    n = A.shape[0]
    B = check_rows("B", as_matrix("B", B), n, "one per state variable, as A")
    m = B.shape[1]
    Q = check_psd("Q", as_matrix("Q", Q), n, what=" (states x states, as A)")
    R = check_pd("R", as_matrix("R", R), m, what=" (controls x controls, columns of B)")
    return A, B, Q, R


def lqr(A, B, Q, R, *, horizon: int | None = None, Q_final=None, dt: float = 1.0, state_names=None) -> xr.Dataset:
    """Linear-quadratic regulator: the gains L of the optimal control u = −L x.

    Parameters
    ----------
    A, B : arrays of shape (n, n) and (n, m)
        Dynamics x[t+1] = A x[t] + B u[t] (+ noise, which does not change L).
    Q, R : arrays of shape (n, n) and (m, m)
        State cost (positive semi-definite) and control cost (positive definite).
    horizon : int, optional
        Number of control steps. ``None`` solves the infinite-horizon problem by the
        discrete algebraic Riccati equation (scipy.linalg.solve_discrete_are).
    Q_final : array of shape (n, n), optional
        Cost on the final state of a finite horizon (default ``Q``).
    dt : float
        Time step in seconds (labels ``time``).
    state_names : list of str, optional
        Labels of the state variables (the ``state`` coordinate).

    Returns
    -------
    xarray.Dataset
        ``gain`` (control, state), or (time, control, state) for a finite horizon;
        ``cost_to_go`` S (state, state_post), or (time, ...) with horizon + 1 entries:
        the optimal cost from x at t is xᵀ S_t x.

    Raises
    ------
    ValueError
        Shapes that do not agree (naming which), costs that are not symmetric
        positive (semi-)definite, an infinite horizon for an unstabilisable (A, B).

    Notes
    -----
    Backward Riccati recursion: S_T = Q_final; L_t = (R + BᵀS_{t+1}B)⁻¹BᵀS_{t+1}A;
    S_t = Q + AᵀS_{t+1}(A − B L_t).

    References
    ----------
    Kalman, R. E. (1960). Contributions to the theory of optimal control. Bol. Soc.
        Mat. Mexicana 5, 102–119.

    Examples
    --------
    A double integrator: the finite-horizon gains approach the infinite-horizon one.

    >>> import numpy as np
    >>> A = [[1, 0.1], [0, 1]]; B = [[0], [0.1]]
    >>> inf = lqr(A, B, np.eye(2), [[1.0]])
    >>> fin = lqr(A, B, np.eye(2), [[1.0]], horizon=500)
    >>> bool(np.allclose(fin.gain[0], inf.gain, atol=1e-8))
    True
    """
    A, B, Q, R = _lqr_inputs(A, B, Q, R)
    check_positive("dt", dt)
    n, m = B.shape
    names = _state_names(n, state_names)
    coords = {"state": names, "state_post": names, "control": np.arange(m)}
    if horizon is None:
        if Q_final is not None:
            raise ValidationError("Q_final applies to a finite horizon; pass horizon= too")
        if not is_stabilizable(A, B):
            raise ValidationError("(A, B) is not stabilisable: an unstable mode of A cannot be reached by B, "
                                  "so no infinite-horizon LQR exists; use a finite horizon= or change B")
        try:
            S = scipy.linalg.solve_discrete_are(A, B, Q, R)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise ValidationError(f"the discrete algebraic Riccati equation has no stabilising solution ({exc}); "
                                  "an unstable mode of A may be invisible in the cost Q (not detectable)") from None
        L = np.linalg.solve(R + B.T @ S @ B, B.T @ S @ A)
        return xr.Dataset(
            {"gain": (("control", "state"), L, {"units": "1", "long_name": "feedback gain L (u = -L x)"}),
             "cost_to_go": (("state", "state_post"), S, {"units": "1", "long_name": "cost-to-go matrix S"})},
            coords=coords, attrs={"horizon": "infinite"})
    horizon = check_int("horizon", horizon, 1, 10_000_000)
    Qf = Q if Q_final is None else check_psd("Q_final", as_matrix("Q_final", Q_final), n, what=" (as A)")
    L, S = _riccati(A, B, Q, R, Qf, horizon)
    coords["time"] = ("time", np.arange(horizon + 1) * dt, {"units": "s", "long_name": "time"})
    return xr.Dataset(
        {"gain": (("time", "control", "state"), np.concatenate([L, np.full((1, m, n), np.nan)]),
                  {"units": "1", "long_name": "feedback gain L (u = -L x; none at the final time)"}),
         "cost_to_go": (("time", "state", "state_post"), S, {"units": "1", "long_name": "cost-to-go matrix S"})},
        coords=coords, attrs={"horizon": horizon})


def _riccati(A, B, Q, R, Qf, horizon):
    """Finite-horizon gains L[0..h-1] and cost-to-go S[0..h] (Q may be (h+1, n, n))."""
    n, m = B.shape
    Qs = np.broadcast_to(Q, (horizon + 1, n, n))
    L = np.empty((horizon, m, n))
    S = np.empty((horizon + 1, n, n))
    S[horizon] = Qf
    for t in range(horizon - 1, -1, -1):
        Sn = S[t + 1]
        L[t] = np.linalg.solve(R + B.T @ Sn @ B, B.T @ Sn @ A)
        St = Qs[t] + A.T @ Sn @ (A - B @ L[t])
        S[t] = 0.5 * (St + St.T)
    return L, S


def lqg(A, B, H, Q, R, process_cov, obs_cov, *, horizon: int, P0, Q_final=None, dt: float = 1.0) -> xr.Dataset:
    """Linear-quadratic-Gaussian control: LQR gains on the Kalman estimate (separation).

    The controller is u[t] = −L[t] x̂[t] with the one-step predictor
    x̂[t+1] = A x̂[t] + B u[t] + K[t](y[t] − H x̂[t]); with additive noise only the
    separation principle makes these gains jointly optimal.

    Parameters
    ----------
    A, B, H : arrays (n, n), (n, m), (p, n)
    Q, R : arrays (n, n), (m, m)
        Costs (Q positive semi-definite, R positive definite).
    process_cov, obs_cov : arrays (n, n), (p, p)
    horizon : int
        Number of control steps.
    P0 : array (n, n)
        Covariance of the initial state around the initial estimate.
    Q_final : array (n, n), optional
    dt : float

    Returns
    -------
    xarray.Dataset
        ``control_gain`` (time, control, state) and ``filter_gain`` (time, state,
        observation), for t = 0 … horizon − 1 (predictor form).

    References
    ----------
    Athans, M. (1971). The role and use of the stochastic linear-quadratic-Gaussian
        problem in control system design. IEEE Trans. Autom. Control 16, 529–552.

    Examples
    --------
    >>> import numpy as np
    >>> g = lqg([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], horizon=5, P0=[[1.0]])
    >>> g.control_gain.shape, g.filter_gain.shape
    ((5, 1, 1), (5, 1, 1))
    """
    A, B, Q, R = _lqr_inputs(A, B, Q, R)
    n, m = B.shape
    H = check_cols("H", as_matrix("H", H), n, "one per state variable, as A")
    p = H.shape[0]
    Wn = check_psd("process_cov", as_matrix("process_cov", process_cov), n, what=" (as A)")
    Vn = check_pd("obs_cov", as_matrix("obs_cov", obs_cov), p, what=" (rows of H)")
    P0 = check_psd("P0", as_matrix("P0", P0), n, what=" (as A)")
    horizon = check_int("horizon", horizon, 1, 10_000_000)
    Qf = Q if Q_final is None else check_psd("Q_final", as_matrix("Q_final", Q_final), n, what=" (as A)")
    L, _ = _riccati(A, B, Q, R, Qf, horizon)
    K = predictor_gains(A, H, Wn, Vn, P0, horizon)
    return xr.Dataset(
        {"control_gain": (("time", "control", "state"), L, {"units": "1", "long_name": "control gain L"}),
         "filter_gain": (("time", "state", "observation"), K, {"units": "1", "long_name": "filter gain K"})},
        coords={"time": ("time", np.arange(horizon) * dt, {"units": "s", "long_name": "time"})})


def predictor_gains(A, H, process_cov, obs_cov, P0, horizon):
    """Kalman gains of the one-step predictor form x̂[t+1] = A x̂ + B u + K (y − H x̂)."""
    n = A.shape[0]
    K = np.empty((horizon, n, H.shape[0]))
    P = P0.copy()
    for t in range(horizon):
        S = H @ P @ H.T + obs_cov
        K[t] = scipy.linalg.solve(S, H @ P @ A.T, assume_a="pos").T
        P = (A - K[t] @ H) @ P @ A.T + process_cov
        P = 0.5 * (P + P.T)
    return K
