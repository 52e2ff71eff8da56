"""Control-of-movement experiments: optimal feedback control of reaching, and a Kalman estimate of the hand.

* ``reaching_ofc`` — reaches under signal-dependent motor noise (Harris & Wolpert
  1998) by the optimal feedback controller of Todorov (2005): straight paths with
  bell-shaped speed profiles, endpoint variance growing with the noise as the exact
  moments say, and the minimal-intervention principle (Todorov & Jordan 2002) on two
  redundant effectors.
* ``kalman_hand_estimate`` — the hand's position estimated in the dark by a forward
  model with a biased gain plus delayed proprioception (Wolpert, Ghahramani &
  Jordan 1995): bias and variance of the estimate over time, with and without feedback.
"""

from __future__ import annotations

from typing import Annotated

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from neurocomp import control as nc
from neurocomp._validation import ValidationError
from neurocomp.control import arm as carm
from neurocomp.experiments._registry import ExperimentResult, Range, experiment
from neurocomp.plotting import control as cplot
from neurocomp.random import spawn

_POS = Range(0, None, low_open=True)


def _fig(ncols=1, width=4.6):
    return plt.subplots(1, ncols, figsize=(width * ncols, 3.9), layout="constrained")


def _variance_ratio(endpoints):
    """Variance along p₁ − p₂ (task-irrelevant) over variance along p₁ + p₂ (task-relevant)."""
    p = endpoints.values
    irr = (p[:, 0] - p[:, 1]) / np.sqrt(2)
    rel = (p[:, 0] + p[:, 1]) / np.sqrt(2)
    return float(np.var(irr, ddof=1) / np.var(rel, ddof=1))


def _ratio_ci(endpoints, level=0.95):
    """Exact F-distribution interval of a ratio of two variances of jointly Gaussian,
    here uncorrelated (by symmetry) projections."""
    from scipy import stats

    n = endpoints.sizes["trial"]
    r = _variance_ratio(endpoints)
    lo, hi = stats.f.ppf([(1 + level) / 2, (1 - level) / 2], n - 1, n - 1)
    return r / lo, r / hi


@experiment("reaching_ofc")
def reaching_ofc(
    *,
    n_trials: Annotated[int, Range(20, 100_000)] = 2000,
    duration: Annotated[float, Range(0.1, 2.0)] = 0.5,
    dt: Annotated[float, Range(0.001, 0.05)] = 0.01,
    distance: Annotated[float, Range(0.01, 0.5)] = 0.1,
    direction: Annotated[float, Range(-180.0, 180.0)] = 45.0,
    signal_noise: Annotated[float, Range(0.0, 3.0)] = 0.5,
    noise_levels: Annotated[list[float], Range(0.0, 3.0)] = [0.0, 0.25, 0.5, 1.0, 1.5],  # noqa: B006
    effort: Annotated[float, Range(1e-9, 1.0)] = 1e-6,
    rng=None,
) -> ExperimentResult:
    """Reaching by optimal feedback control under signal-dependent noise.

    Parameters
    ----------
    n_trials : int
        Simulated reaches per condition (all at once).
    duration : float
        Movement time in s (the final-cost time).
    dt : float
        Time step in s.
    distance : float
        Reach distance in m.
    direction : float
        Reach direction in degrees (0 = +x).
    signal_noise : float
        Relative SD of the command-proportional motor noise for the reaches and the
        redundant task (dimensionless; Harris & Wolpert 1998 use noise SD ∝ command).
    noise_levels : list of float
        Signal-noise levels of the endpoint-variance sweep.
    effort : float
        Weight of the squared command (N⁻² per step) against the squared final error (m⁻²).
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: ``mean_path`` and ``path_sd`` (time, space) in m,
        ``speed`` and ``speed_sd`` (time) in m/s, ``endpoint_variance`` (signal_noise)
        simulated and ``endpoint_variance_theory`` exact, in m², and the final
        positions of the two redundant effectors under both costs
        (``endpoints_sum``, ``endpoints_each``: trial × effector, m).
        Summary: ``peak_velocity_time_fraction``, ``path_max_deviation_fraction``,
        ``variance_ratio_irrelevant_to_relevant`` (with its 95 % interval),
        ``variance_ratio_each_constrained``, ``cost_vs_lqg``.

    Notes
    -----
    Plant: per axis a 1 kg point mass pushed by a first-order muscle (τ = 40 ms);
    sensors: position, velocity and force with noise (1 cm, 10 cm/s, 1 N SD).
    Cost: effort·Σ|u|² + |p_T − target|² + 0.2|v_T|² + 0.01|f_T|² (Todorov 2005's form).
    The redundant task: two such effectors, cost on (p₁ + p₂ − target)² only
    ("sum"), or on each effector reaching half the target ("each").

    References
    ----------
    Harris, C. M. & Wolpert, D. M. (1998). Nature 394, 780–784.
    Todorov, E. & Jordan, M. I. (2002). Nat. Neurosci. 5, 1226–1235.
    Todorov, E. (2005). Neural Comput. 17, 1084–1108.
    """
    horizon = int(round(duration / dt))
    if horizon < 5:
        raise ValidationError(f"duration/dt must give at least 5 steps; got duration={duration}, dt={dt}")
    rngs = spawn(rng, 3 + len(noise_levels))
    theta = np.deg2rad(direction)
    target = distance * np.array([np.cos(theta), np.sin(theta)])

    # 1. Two-dimensional reaches.
    arm = carm.reaching_arm(n_axes=2, dt=dt, signal_noise=signal_noise)
    Q, R, Qf = carm.reach_costs(arm, effort=effort, velocity_weight=0.2, force_weight=0.01)
    x0 = np.zeros(arm.n_states)
    x0[6:8] = target
    gains = nc.optimal_feedback_control(arm, Q, R, horizon=horizon, x0=x0, Q_final=Qf)
    sim = nc.simulate_feedback(arm, gains, x0=x0, n_trials=n_trials, rng=rngs[0])
    pos = sim.true_state.sel(state=["p_x", "p_y"]).values
    vel = sim.true_state.sel(state=["v_x", "v_y"]).values
    speed_trials = np.sqrt((vel**2).sum(-1))
    speed = speed_trials.mean(0)
    k_peak = int(np.argmax(speed))
    peak_frac = float(sim.time.values[k_peak] / sim.time.values[-1])
    mean_path = pos.mean(0)
    unit = target / distance
    perp = mean_path @ np.array([-unit[1], unit[0]])
    deviation = float(np.abs(perp).max() / distance)

    # 2. Endpoint variance against signal-dependent noise: simulation and exact moments.
    var_sim, var_se, var_theory = [], [], []
    for level, r in zip(noise_levels, rngs[3:]):
        a = carm.reaching_arm(n_axes=2, dt=dt, signal_noise=level)
        g = nc.optimal_feedback_control(a, Q, R, horizon=horizon, x0=x0, Q_final=Qf)
        mom = nc.expected_moments(a, g, x0=x0)
        var_theory.append(float(np.trace(mom.covariance.isel(time=-1).sel(state=["p_x", "p_y"],
                                                                          state_post=["p_x", "p_y"]).values)))
        s = nc.simulate_feedback(a, g, x0=x0, n_trials=n_trials, rng=r)
        end = s.true_state.isel(time=-1).sel(state=["p_x", "p_y"]).values
        dev2 = ((end - end.mean(0)) ** 2).sum(1)
        var_sim.append(float(dev2.sum() / (n_trials - 1)))
        var_se.append(float(dev2.std(ddof=1) / np.sqrt(n_trials)))

    # 3. Minimal intervention: two redundant effectors, two costs.
    red = carm.redundant_effectors(dt=dt, signal_noise=signal_noise)
    x0r = np.zeros(red.n_states)
    x0r[6] = 2 * distance
    endpoints = {}
    for task, r in zip(("sum", "each"), rngs[1:3]):
        Qr, Rr, Qfr = carm.redundant_costs(red, task=task, effort=effort)
        g = nc.optimal_feedback_control(red, Qr, Rr, horizon=horizon, x0=x0r, Q_final=Qfr)
        s = nc.simulate_feedback(red, g, x0=x0r, n_trials=n_trials, rng=r)
        endpoints[task] = xr.DataArray(s.true_state.isel(time=-1).sel(state=["p_1", "p_2"]).values,
                                       dims=("trial", "effector"), coords={"effector": [1, 2]},
                                       attrs={"units": "m", "long_name": f"final effector positions ({task} cost)"})
    ratio = _variance_ratio(endpoints["sum"])
    ratio_lo, ratio_hi = _ratio_ci(endpoints["sum"])
    ratio_each = _variance_ratio(endpoints["each"])

    time = xr.DataArray(sim.time.values, dims="time", attrs={"units": "s", "long_name": "time"})
    n_keep = min(50, n_trials)
    ds = xr.Dataset(
        {
            "mean_path": (("time", "space"), mean_path, {"units": "m", "long_name": "mean hand position"}),
            "path_sd": (("time", "space"), pos.std(0, ddof=1), {"units": "m", "long_name": "SD of hand position"}),
            "speed": ("time", speed, {"units": "m/s", "long_name": "mean hand speed"}),
            "speed_sd": ("time", speed_trials.std(0, ddof=1), {"units": "m/s", "long_name": "SD of hand speed"}),
            "endpoint_variance": ("signal_noise", var_sim, {"units": "m^2", "long_name": "endpoint variance (simulated)"}),
            "endpoint_variance_se": ("signal_noise", var_se, {"units": "m^2", "long_name": "standard error of the endpoint variance"}),
            "endpoint_variance_theory": ("signal_noise", var_theory,
                                         {"units": "m^2", "long_name": "endpoint variance (exact second moments)"}),
            "endpoints_sum": endpoints["sum"],
            "endpoints_each": endpoints["each"],
        },
        coords={"time": time, "space": ["x", "y"], "trial": np.arange(n_trials),
                "signal_noise": ("signal_noise", list(noise_levels), {"units": "1", "long_name": "relative SD of signal-dependent noise"})},
        attrs={"target_m": target.tolist()},
    )
    fig1, (a1, a2) = _fig(2)
    paths = xr.DataArray(pos[:n_keep], dims=("trial", "time", "space"), attrs={"units": "m"})
    cplot.plot_reach_paths(paths, target=target, ax=a1)
    a1.set_title("reaches: straight paths", fontsize="medium")
    cplot.plot_speed_profile(ds.speed, spread=ds.speed_sd, ax=a2)
    a2.set_title("bell-shaped speed profile", fontsize="medium")
    fig2, (b1, b2) = _fig(2)
    cplot.plot_task_variability(endpoints["sum"], target_sum=2 * distance, ax=b1,
                                title=f"cost on the sum: variance ratio {ratio:.1f}")
    cplot.plot_task_variability(endpoints["each"], target_sum=2 * distance, ax=b2, color="C1",
                                title=f"cost on each effector: ratio {ratio_each:.2f}")
    fig3, c1 = _fig(1)
    vs = ds.endpoint_variance.assign_coords(variance_se=("signal_noise", var_se))
    cplot.plot_endpoint_variance(vs, theory=ds.endpoint_variance_theory, ax=c1)

    table = pd.DataFrame({"signal_noise": list(noise_levels), "endpoint_var_sim_cm2": np.array(var_sim) * 1e4,
                          "se_cm2": np.array(var_se) * 1e4, "endpoint_var_theory_cm2": np.array(var_theory) * 1e4})
    summary = {
        "peak_velocity_time_fraction": peak_frac,
        "path_max_deviation_fraction": deviation,
        "variance_ratio_irrelevant_to_relevant": ratio,
        "variance_ratio_ci": [float(ratio_lo), float(ratio_hi)],
        "variance_ratio_each_constrained": ratio_each,
        "final_position_error_m": float(np.linalg.norm(mean_path[-1] - target)),
        "cost_vs_lqg": float(gains.attrs["expected_cost"] / gains.attrs["lqg_cost"]),
    }
    return ExperimentResult(dataset=ds, figures={"reaches": fig1, "minimal_intervention": fig2,
                                                 "endpoint_variance": fig3}, summary=summary, table=table)


@experiment("kalman_hand_estimate")
def kalman_hand_estimate(
    *,
    n_trials: Annotated[int, Range(20, 100_000)] = 2000,
    duration: Annotated[float, Range(0.2, 10.0)] = 2.5,
    dt: Annotated[float, Range(0.001, 0.05)] = 0.01,
    delay: Annotated[float, Range(0.0, 0.3)] = 0.1,
    force: Annotated[float, Range(0.0, 20.0)] = 1.0,
    gain_bias: Annotated[float, Range(-0.9, 2.0)] = 0.2,
    motor_noise: Annotated[float, Range(0.0, 10.0)] = 0.5,
    position_noise: Annotated[float, Range(1e-4, 0.1)] = 0.01,
    rng=None,
) -> ExperimentResult:
    """Where is my hand in the dark? A forward model plus delayed proprioception (Wolpert et al. 1995).

    Parameters
    ----------
    n_trials : int
        Simulated movements.
    duration : float
        Time in the dark in s.
    dt : float
        Time step in s.
    delay : float
        Proprioceptive delay in s.
    force : float
        Peak of the pushing force in N (one smooth push over the movement).
    gain_bias : float
        Relative error of the forward model's force gain (0.2: it believes each
        newton moves the hand 20 % more than it does).
    motor_noise : float
        SD of the force noise in N.
    position_noise : float
        SD of the proprioceptive noise in m.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset with ``bias`` and ``sd`` (feedback: time) of the estimated − true
        position, in m, for the Kalman estimator with delayed feedback
        (``*_feedback``) and for the forward model alone (``*_open_loop``), and the
        mean true position. Summary: peak time of the bias, final bias and SD of
        each estimator.

    Notes
    -----
    Plant: 1 kg with viscous damping 2 N·s/m. The estimator is a Kalman filter on
    the state augmented by a delay line, so the late observation p(t − delay) is a
    linear-Gaussian measurement; its model of the force gain is (1 + gain_bias)
    times the true one.

    References
    ----------
    Wolpert, D. M., Ghahramani, Z. & Jordan, M. I. (1995). An internal model for
        sensorimotor integration. Science 269, 1880–1882.
    """
    A, B, H, W, V, names = carm.delayed_hand(dt=dt, delay=delay, motor_noise=motor_noise,
                                            position_noise=position_noise)
    T = int(round(duration / dt)) + 1
    n = A.shape[0]
    time = np.arange(T) * dt
    u = force * np.sin(2 * np.pi * time / duration)[:, None]  # push, then brake
    g_plant, g_obs = spawn(rng, 2)
    x = np.zeros((n_trials, T, n))
    wsd = np.sqrt(W[1, 1])
    for t in range(T - 1):
        x[:, t + 1] = x[:, t] @ A.T + u[t] @ B.T
        x[:, t + 1, 1] += wsd * g_plant.standard_normal(n_trials)
    y = x @ H.T + np.sqrt(V[0, 0]) * g_obs.standard_normal((n_trials, T, 1))
    B_model = (1.0 + gain_bias) * B
    P0 = np.diag([1e-8] * n)  # the hand is seen before the lights go out
    post = nc.kalman_filter(y, A, H, W, V, x0=np.zeros(n), P0=P0, B=B_model, controls=u, dt=dt,
                            state_names=names, units="m")
    err_fb = post.estimate.sel(state="p").values - x[:, :, 0]
    # The forward model alone: the same prediction with no measurement.
    xo = np.zeros((T, n))
    for t in range(T - 1):
        xo[t + 1] = A @ xo[t] + B_model @ u[t]
    err_ol = xo[None, :, 0] - x[:, :, 0]
    tcoord = xr.DataArray(time, dims="time", attrs={"units": "s", "long_name": "time in the dark"})
    ds = xr.Dataset(
        {
            "bias_feedback": ("time", err_fb.mean(0), {"units": "m", "long_name": "bias of the estimate (with feedback)"}),
            "sd_feedback": ("time", err_fb.std(0, ddof=1), {"units": "m", "long_name": "SD of the estimate's error (with feedback)"}),
            "bias_open_loop": ("time", err_ol.mean(0), {"units": "m", "long_name": "bias of the forward model alone"}),
            "sd_open_loop": ("time", err_ol.std(0, ddof=1), {"units": "m", "long_name": "SD of the forward model's error"}),
            "hand_position": ("time", x[:, :, 0].mean(0), {"units": "m", "long_name": "mean true hand position"}),
            "posterior_sd": ("time", np.sqrt(post.covariance.sel(state="p", state_post="p").values),
                             {"units": "m", "long_name": "posterior SD the filter reports"}),
        },
        coords={"time": tcoord},
    )
    fig, (a1, a2) = _fig(2)
    a1.plot(time, ds.hand_position * 100, color="k")
    a1.set_xlabel("time in the dark (s)")
    a1.set_ylabel("hand position (cm)")
    a1.set_title("the movement", fontsize="medium")
    cplot.plot_estimation_error(ds.bias_open_loop, ds.sd_open_loop, ax=a2, label="forward model alone", color="C1")
    cplot.plot_estimation_error(ds.bias_feedback, ds.sd_feedback, ax=a2, label=f"+ feedback delayed {delay * 1000:.0f} ms",
                                color="C0")
    a2.set_title("error of the hand estimate", fontsize="medium")
    k = int(np.argmax(ds.bias_feedback.values))  # the overshoot of the estimate while the push lasts
    summary = {
        "bias_peak_time_s": float(time[k]),
        "bias_peak_m": float(ds.bias_feedback.values[k]),
        "bias_final_feedback_m": float(ds.bias_feedback.values[-1]),
        "bias_final_open_loop_m": float(ds.bias_open_loop.values[-1]),
        "sd_final_feedback_m": float(ds.sd_feedback.values[-1]),
        "sd_final_open_loop_m": float(ds.sd_open_loop.values[-1]),
        "posterior_sd_final_m": float(ds.posterior_sd.values[-1]),
    }
    return ExperimentResult(dataset=ds, figures={"hand_estimate": fig}, summary=summary)
