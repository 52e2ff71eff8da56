"""Simulated LQG reaches: neurocomp's batched closed loop vs the per-trial loop a student writes.

The student's loop: gains from python-control's ``dlqr``, and for every trial a filterpy
``KalmanFilter`` stepped through ``update``/``predict`` while the plant is integrated by
hand. neurocomp: :func:`neurocomp.control.simulate_feedback`, all trials at once, with the
same LQR gain and the same (time-varying) Kalman gains. Both use the same noise draws, so
the trajectories must agree to rounding.

Run:  python benchmarks/control_vs_peers.py [--trials 10000] [--loop-trials 1000] [--steps 100]
(needs ``pip install control filterpy``, listed in the ``bench`` extra). The loop is run on
``--loop-trials`` trials and its time scaled linearly to ``--trials`` (it is a loop over trials).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import xarray as xr

from neurocomp import control as nc
from neurocomp.control.feedback import _sqrt_psd
from neurocomp.control.linear import predictor_gains


def plant(dt=0.01, mass=1.0, tau=0.04):
    A = np.array([[1.0, dt, 0.0], [0.0, 1.0, dt / mass], [0.0, 0.0, 1.0 - dt / tau]])
    B = np.array([[0.0], [0.0], [dt / tau]])
    H = np.eye(3)
    W = np.diag([0.0, 0.0, (0.5 * dt / tau) ** 2])
    V = np.diag([0.01, 0.1, 1.0]) ** 2
    return A, B, H, W, V


def student_loop(A, B, H, W, V, L, x0, noise0, noise_y, noise_x):
    """Per trial, per step: filterpy for the estimate, numpy for the plant."""
    from filterpy.kalman import KalmanFilter

    n_trials, T = noise_y.shape[:2]
    Wc = _sqrt_psd(W)  # the same square root of the noise covariance as simulate_feedback
    Vc = np.linalg.cholesky(V)
    out = np.empty((n_trials, T + 1, 3))
    for i in range(n_trials):
        kf = KalmanFilter(dim_x=3, dim_z=3, dim_u=1)
        kf.F, kf.B, kf.H, kf.Q, kf.R = A, B, H, W, V
        kf.x = x0[:, None].copy()
        kf.P = np.zeros((3, 3))
        x = x0.copy()  # P0 = 0: the start is known
        out[i, 0] = x
        for t in range(T):
            u = -L @ kf.x[:, 0]
            y = H @ x + Vc @ noise_y[i, t]
            x = A @ x + B @ u + Wc @ noise_x[i, t]
            kf.update(y[:, None])
            kf.predict(u=u[:, None])
            out[i, t + 1] = x
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=10_000)
    ap.add_argument("--loop-trials", type=int, default=1_000)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    import control

    A, B, H, W, V = plant()
    Q, R = np.diag([1.0, 0.2, 0.01]), np.array([[1e-5]])
    L_inf, _, _ = control.dlqr(A, B, Q, R)
    T, N = args.steps, args.trials
    x0 = np.array([-0.1, 0.0, 0.0])
    K = predictor_gains(A, H, W, V, np.zeros((3, 3)), T)
    gains = xr.Dataset({"control_gain": (("time", "control", "state"), np.broadcast_to(L_inf, (T, 1, 3)).copy()),
                        "filter_gain": (("time", "state", "observation"), K)})
    system = nc.LinearSystem(A=A, B=B, H=H, process_cov=W, obs_cov=V, dt=0.01)

    best = np.inf
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        sim = nc.simulate_feedback(system, gains, x0=x0, n_trials=N, rng=2005)
        best = min(best, time.perf_counter() - t0)
    ours = sim.true_state.values

    # The same noise, drawn in the order simulate_feedback draws it.
    g = np.random.default_rng(2005)
    noise0 = g.standard_normal((N, 3))
    noise_y = np.empty((N, T, 3))
    noise_x = np.empty((N, T, 3))
    for t in range(T):
        noise_y[:, t] = g.standard_normal((N, 3))
        noise_x[:, t] = g.standard_normal((N, 3))
    M = min(args.loop_trials, N)
    t0 = time.perf_counter()
    theirs = student_loop(A, B, H, W, V, L_inf, x0, noise0[:M], noise_y[:M], noise_x[:M])
    loop = (time.perf_counter() - t0) * N / M
    diff = float(np.abs(theirs - ours[:M]).max())
    print(f"{N} LQG reaches x {T} steps (3-state hand, filterpy + python-control {control.__version__} loop on {M} "
          f"trials, scaled)")
    print(f"  neurocomp simulate_feedback  {best:8.3f} s  (fastest of {args.repeats})")
    print(f"  per-trial filterpy loop      {loop:8.3f} s")
    print(f"  speed-up                     {loop / best:8.1f} x")
    print(f"  max |trajectory difference|  {diff:.2e} m")


if __name__ == "__main__":
    main()
