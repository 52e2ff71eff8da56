"""Plants for movement: a point-mass hand driven by a first-order muscle, and a redundant pair of effectors.

Each axis of the hand has position p (m), velocity v (m/s) and muscle force f (N);
the neural command u (N) reaches the force through a first-order low-pass filter
of time constant τ (Todorov 2005's muscle, one stage)::

    p[t+1] = p + dt v,    v[t+1] = v + dt f / mass,    f[t+1] = f + dt (u − f) / τ

The target position is part of the state (it never changes), so the final cost
"be at the target, at rest, with no force" is a quadratic form of the state.

References
----------
Todorov, E. (2005). Neural Comput. 17, 1084–1108.
Todorov, E. & Jordan, M. I. (2002). Nat. Neurosci. 5, 1226–1235.
Wolpert, D. M., Ghahramani, Z. & Jordan, M. I. (1995). Science 269, 1880–1882.
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import check_int, check_nonnegative, check_positive
from neurocomp.control.feedback import LinearSystem

__all__ = ["MASS", "TAU_MUSCLE", "reaching_arm", "reach_costs", "redundant_effectors", "redundant_costs",
           "delayed_hand"]

MASS = 1.0  # kg, the hand and forearm (Todorov 2005)
TAU_MUSCLE = 0.04  # s, muscle activation time constant (Todorov 2005)


def _axis_blocks(dt, mass, tau):
    a = np.array([[1.0, dt, 0.0], [0.0, 1.0, dt / mass], [0.0, 0.0, 1.0 - dt / tau]])
    b = np.array([[0.0], [0.0], [dt / tau]])
    return a, b


def reaching_arm(*, n_axes: int = 2, dt: float = 0.01, mass: float = MASS, tau: float = TAU_MUSCLE,
                 signal_noise: float = 0.5, motor_noise: float = 1e-3, position_noise: float = 0.01,
                 velocity_noise: float = 0.1, force_noise: float = 1.0) -> LinearSystem:
    """A point-mass hand with a first-order muscle per axis, seen by noisy sensors.

    Parameters
    ----------
    n_axes : int
        1, 2 or 3 spatial axes.
    dt : float
        Time step in s.
    mass : float
        Mass in kg.
    tau : float
        Muscle time constant in s.
    signal_noise : float
        Relative SD of the command-proportional motor noise (dimensionless): the
        force command u is perturbed by ε·signal_noise·u (Harris & Wolpert 1998).
    motor_noise : float
        SD of additive force noise per step, in N.
    position_noise, velocity_noise, force_noise : float
        Sensory noise SDs in m, m/s and N.

    Returns
    -------
    LinearSystem
        States ``p_x, v_x, f_x, …, target_x, …`` (axis blocks, then the targets);
        observations: position, velocity and force of each axis.

    References
    ----------
    .. [1] Todorov, E. (2005). Stochastic optimal control and estimation methods adapted to the
       noise characteristics of the sensorimotor system. Neural Comput. 17, 1084-1108.
    .. [2] Harris, C. M. & Wolpert, D. M. (1998). Signal-dependent noise determines motor
       planning. Nature 394, 780-784.

    Examples
    --------
    >>> arm = reaching_arm(n_axes=2)
    >>> arm.n_states, arm.n_controls, arm.n_observations
    (8, 2, 6)
    """
    n_axes = check_int("n_axes", n_axes, 1, 3)
    for name, v in dict(dt=dt, mass=mass, tau=tau, position_noise=position_noise, velocity_noise=velocity_noise,
                        force_noise=force_noise).items():
        check_positive(name, v)
    check_nonnegative("signal_noise", signal_noise)
    check_nonnegative("motor_noise", motor_noise)
    a, b = _axis_blocks(dt, mass, tau)
    k = n_axes
    n = 3 * k + k
    A = np.eye(n)
    B = np.zeros((n, k))
    H = np.zeros((3 * k, n))
    W = np.zeros((n, n))
    axes = "xyz"[:k]
    names = []
    for i in range(k):
        sl = slice(3 * i, 3 * i + 3)
        A[sl, sl] = a
        B[sl, i] = b[:, 0]
        H[3 * i:3 * i + 3, sl] = np.eye(3)
        W[3 * i + 2, 3 * i + 2] = (motor_noise * dt / tau) ** 2
        names += [f"p_{axes[i]}", f"v_{axes[i]}", f"f_{axes[i]}"]
    names += [f"target_{c}" for c in axes]
    V = np.diag(np.tile([position_noise ** 2, velocity_noise ** 2, force_noise ** 2], k))
    C = [signal_noise * np.outer(B[:, i], np.eye(k)[i]) for i in range(k)] if signal_noise > 0 else []
    return LinearSystem(A=A, B=B, H=H, process_cov=W, obs_cov=V, control_noise=C, dt=dt, state_names=names)


def reach_costs(system: LinearSystem, *, effort: float = 1e-5, position_weight: float = 1.0,
                velocity_weight: float = 0.02, force_weight: float = 0.0004):
    """Costs of a reach: effort on every step, error at the end (Todorov 2005's form).

    Final cost: position_weight·|p − target|² + velocity_weight·|v|² + force_weight·|f|²;
    running cost effort·|u|². Returns ``(Q, R, Q_final)``.

    Parameters
    ----------
    system : LinearSystem
        A plant from :func:`reaching_arm` (axis blocks p, v, f, then the targets).
    effort : float, default 1e-5
        Weight of the squared command per step, in cost per N².
    position_weight : float, default 1.0
        Weight of the squared final distance to the target, in cost per m².
    velocity_weight : float, default 0.02
        Weight of the squared final speed, in cost per (m/s)².
    force_weight : float, default 0.0004
        Weight of the squared final muscle force, in cost per N².

    Returns
    -------
    Q : numpy.ndarray of shape (n_states, n_states)
        Running state cost (zero).
    R : numpy.ndarray of shape (n_controls, n_controls)
        Running command cost, ``effort`` times the identity.
    Q_final : numpy.ndarray of shape (n_states, n_states)
        Final state cost.

    References
    ----------
    .. [1] Todorov, E. (2005). Stochastic optimal control and estimation methods adapted to
       the noise characteristics of the sensorimotor system. Neural Comput. 17, 1084-1108.

    Examples
    --------
    >>> Q, R, Qf = reach_costs(reaching_arm(n_axes=1))
    >>> Qf.shape, R.shape
    ((4, 4), (1, 1))
    """
    check_positive("effort", effort)
    n, k = system.n_states, system.n_controls
    rows = []
    for i in range(k):
        e = np.zeros(n)
        e[3 * i] = 1.0
        e[3 * k + i] = -1.0
        rows.append(np.sqrt(position_weight) * e)
        for j, w in ((1, velocity_weight), (2, force_weight)):
            e = np.zeros(n)
            e[3 * i + j] = np.sqrt(w)
            rows.append(e)
    D = np.array(rows)
    return np.zeros((n, n)), effort * np.eye(k), D.T @ D


def redundant_effectors(*, dt: float = 0.01, mass: float = MASS, tau: float = TAU_MUSCLE, signal_noise: float = 0.5,
                        motor_noise: float = 0.05, position_noise: float = 0.01, velocity_noise: float = 0.1,
                        force_noise: float = 1.0) -> LinearSystem:
    """Two one-dimensional effectors (e.g. two fingers) whose positions add up in the task.

    The same plant as :func:`reaching_arm` with two axes, read as two effectors
    p_1 and p_2 with one shared target for their sum (Todorov & Jordan 2002).

    Parameters
    ----------
    dt : float, default 0.01
        Time step in s.
    mass : float, default 1.0
        Mass of each effector in kg.
    tau : float, default 0.04
        Muscle time constant in s.
    signal_noise : float, default 0.5
        Relative SD of the command-proportional motor noise (dimensionless).
    motor_noise : float, default 0.05
        SD of additive force noise per step, in N.
    position_noise, velocity_noise, force_noise : float
        Sensory noise SDs in m, m/s and N (defaults 0.01, 0.1, 1.0).

    Returns
    -------
    LinearSystem
        States ``p_1, v_1, f_1, p_2, v_2, f_2, target_sum, unused``; two commands (N).

    References
    ----------
    .. [1] Todorov, E. & Jordan, M. I. (2002). Optimal feedback control as a theory of motor
       coordination. Nat. Neurosci. 5, 1226-1235.

    Examples
    --------
    >>> redundant_effectors().n_states
    8
    """
    sys2 = reaching_arm(n_axes=2, dt=dt, mass=mass, tau=tau, signal_noise=signal_noise, motor_noise=motor_noise,
                        position_noise=position_noise, velocity_noise=velocity_noise, force_noise=force_noise)
    names = ["p_1", "v_1", "f_1", "p_2", "v_2", "f_2", "target_sum", "unused"]
    return LinearSystem(A=sys2.A, B=sys2.B, H=sys2.H, process_cov=sys2.process_cov, obs_cov=sys2.obs_cov,
                        control_noise=sys2.control_noise, dt=dt, state_names=names)


def redundant_costs(system: LinearSystem, *, task: str = "sum", effort: float = 1e-5, position_weight: float = 1.0,
                    velocity_weight: float = 0.02):
    """Final costs for the redundant task.

    ``task="sum"``: only p_1 + p_2 must reach the target (the redundant task);
    ``task="each"``: each effector must reach half of it (no redundancy left).
    Returns ``(Q, R, Q_final)``.

    Parameters
    ----------
    system : LinearSystem
        A plant from :func:`redundant_effectors`.
    task : {"sum", "each"}
        Which final error is penalised.
    effort : float, default 1e-5
        Weight of the squared command per step, in cost per N².
    position_weight : float, default 1.0
        Weight of the squared final position error, in cost per m².
    velocity_weight : float, default 0.02
        Weight of each effector's squared final speed, in cost per (m/s)².

    Returns
    -------
    Q : numpy.ndarray of shape (8, 8)
        Running state cost (zero).
    R : numpy.ndarray of shape (2, 2)
        Running command cost, ``effort`` times the identity.
    Q_final : numpy.ndarray of shape (8, 8)
        Final state cost.

    References
    ----------
    .. [1] Todorov, E. & Jordan, M. I. (2002). Optimal feedback control as a theory of motor
       coordination. Nat. Neurosci. 5, 1226-1235.

    Examples
    --------
    >>> Q, R, Qf = redundant_costs(redundant_effectors(), task="each")
    >>> Qf.shape
    (8, 8)
    """
    from neurocomp._validation import check_option

    check_option("task", task, ["sum", "each"])
    n = system.n_states
    rows = []
    if task == "sum":
        e = np.zeros(n)
        e[[0, 3]] = 1.0
        e[6] = -1.0
        rows.append(np.sqrt(position_weight) * e)
    else:
        for i in (0, 3):
            e = np.zeros(n)
            e[i] = 1.0
            e[6] = -0.5
            rows.append(np.sqrt(position_weight) * e)
    for i in (1, 4):
        e = np.zeros(n)
        e[i] = np.sqrt(velocity_weight)
        rows.append(e)
    D = np.array(rows)
    return np.zeros((n, n)), effort * np.eye(2), D.T @ D


def delayed_hand(*, dt: float = 0.01, mass: float = MASS, damping: float = 2.0, delay: float = 0.1,
                 motor_noise: float = 0.5, position_noise: float = 0.01):
    """A one-dimensional hand pushed by a force, sensed by delayed proprioception.

    State [p, v, p(t − dt), …, p(t − delay)] (the delay line makes the late
    observation part of a linear-Gaussian system); the force u (N) is known to the
    brain (efference copy). Returns ``(A, B, H, process_cov, obs_cov, names)``.

    Parameters
    ----------
    dt : float, default 0.01
        Time step in s.
    mass : float, default 1.0
        Mass of the hand in kg.
    damping : float, default 2.0
        Viscous damping in N·s/m.
    delay : float, default 0.1
        Proprioceptive delay in s (rounded to whole steps).
    motor_noise : float, default 0.5
        SD of the force noise per step, in N.
    position_noise : float, default 0.01
        SD of the sensed position, in m.

    Returns
    -------
    A : numpy.ndarray of shape (n, n)
        State transition, n = 2 + round(delay / dt).
    B : numpy.ndarray of shape (n, 1)
        Effect of the force command (N) on the state.
    H : numpy.ndarray of shape (1, n)
        Observation: the position ``delay`` ago (the current one if no delay).
    process_cov : numpy.ndarray of shape (n, n)
        Process noise covariance (on the velocity, (m/s)²).
    obs_cov : numpy.ndarray of shape (1, 1)
        Observation noise variance, in m².
    names : list of str
        State names ``p, v, p_delay_1, …``.

    References
    ----------
    .. [1] Wolpert, D. M., Ghahramani, Z. & Jordan, M. I. (1995). An internal model for
       sensorimotor integration. Science 269, 1880-1882.

    Examples
    --------
    >>> A, B, H, W, V, names = delayed_hand(delay=0.05)
    >>> A.shape, names[-1]
    ((7, 7), 'p_delay_5')
    """
    check_positive("dt", dt)
    check_positive("mass", mass)
    check_nonnegative("damping", damping)
    check_nonnegative("delay", delay)
    d = int(round(delay / dt))
    n = 2 + d
    A = np.zeros((n, n))
    A[0, :2] = [1.0, dt]
    A[1, 1] = 1.0 - dt * damping / mass
    if d:
        A[2, 0] = 1.0
        for i in range(3, n):
            A[i, i - 1] = 1.0
    B = np.zeros((n, 1))
    B[1, 0] = dt / mass
    H = np.zeros((1, n))
    H[0, n - 1 if d else 0] = 1.0
    W = np.zeros((n, n))
    W[1, 1] = (motor_noise * dt / mass) ** 2
    V = np.array([[position_noise ** 2]])
    names = ["p", "v"] + [f"p_delay_{i}" for i in range(1, d + 1)]
    return A, B, H, W, V, names
