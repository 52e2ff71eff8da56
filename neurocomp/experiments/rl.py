"""Reinforcement-learning experiments: the dopamine prediction error, cliff walking, the random walk.

* ``td_dopamine`` — TD learning of a conditioned cue (Schultz, Dayan & Montague 1997):
  the prediction error moves from the reward to the cue, dips when the reward is
  omitted, and scales with reward probability (Fiorillo et al. 2003).
* ``cliff_walking`` — Sarsa vs Q-learning on Sutton & Barto's cliff (Figure 6.4).
* ``td_random_walk`` — TD(0) vs constant-α Monte Carlo on the 5-state random walk
  (Sutton & Barto Example 6.2, Figure 6.2).
* ``distal_reward_stdp`` — dopamine-modulated STDP on brian2 singles out the synapse
  whose pairings earn a reward 1–3 s later (Izhikevich 2007).
"""

from __future__ import annotations

from typing import Annotated

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from neurocomp import rl
from neurocomp._validation import ValidationError
from neurocomp.experiments._registry import ExperimentResult, Range, experiment
from neurocomp.plotting import rl as rplot
from neurocomp.random import spawn


def _fig(ncols=1, width=4.8):
    return plt.subplots(1, ncols, figsize=(width * ncols, 3.9), layout="constrained")


@experiment("td_dopamine")
def td_dopamine(
    *,
    n_trials: Annotated[int, Range(10, 20_000)] = 300,
    dt: Annotated[float, Range(0.01, 1.0)] = 0.1,
    cue_time: Annotated[float, Range(0.1, 10.0)] = 0.5,
    reward_delay: Annotated[float, Range(0.1, 10.0)] = 1.5,
    trial_duration: Annotated[float, Range(0.5, 30.0)] = 3.0,
    learning_rate: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.2,
    discount: Annotated[float, Range(0.0, 1.0)] = 0.98,
    reward_probs: Annotated[list[float], Range(0.0, 1.0)] = [0.0, 0.25, 0.5, 0.75, 1.0],  # noqa: B006
    n_runs: Annotated[int, Range(1, 10_000)] = 200,
    rng=None,
) -> ExperimentResult:
    """The dopamine reward-prediction error as the TD error of a conditioned cue.

    Parameters
    ----------
    n_trials : int
        Conditioning trials; one more probe trial omits the reward.
    dt : float
        Time step in s.
    cue_time : float
        Cue onset within the trial, in s.
    reward_delay : float
        Cue-to-reward interval in s.
    trial_duration : float
        Trial length in s.
    learning_rate : float
        α of the TD update.
    discount : float
        γ per time step.
    reward_probs : list of float
        Reward probabilities of the Fiorillo et al. (2003) panel.
    n_runs : int
        Independent learners per probability (they differ when 0 < p < 1).
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: ``rpe`` (trial, time) of the deterministic schedule (p = 1, last
        trial an omission probe), and ``cue_response``/``reward_response`` (with SEs)
        against ``reward_prob``. Summary: ``rpe_reward_before``, ``rpe_reward_after``,
        ``rpe_cue_after``, ``rpe_omission``, and the slope of the cue response on p.

    References
    ----------
    Schultz, W., Dayan, P. & Montague, P. R. (1997). Science 275, 1593–1599.
    Fiorillo, C. D., Tobler, P. N. & Schultz, W. (2003). Science 299, 1898–1902.
    """
    n_steps = int(round(trial_duration / dt))
    cue = int(round(cue_time / dt))
    rew = cue + int(round(reward_delay / dt))
    if not 1 <= cue < rew < n_steps:
        raise ValidationError(f"cue_time + reward_delay must fall inside the trial: cue at step {cue}, reward at "
                              f"step {rew}, trial of {n_steps} steps (trial_duration={trial_duration}, dt={dt})")
    kw = dict(n_steps=n_steps, cue_step=cue, reward_step=rew, learning_rate=learning_rate, discount=discount, dt=dt)
    base = rl.td_conditioning(n_trials=n_trials + 1, omission_trials=[n_trials], **kw).isel(run=0)
    rpe = base.rpe
    late = slice(int(0.9 * n_trials), n_trials)
    rngs = spawn(rng, len(reward_probs))
    cue_r, cue_se, rew_r, rew_se = [], [], [], []
    for p, r in zip(reward_probs, rngs):
        out = rl.td_conditioning(n_trials=n_trials, reward_prob=p, n_runs=n_runs, rng=r, **kw)
        d = out.rpe.isel(trial=late)
        c = d.isel(time=cue).mean("trial")
        cue_r.append(float(c.mean()))
        cue_se.append(float(c.std(ddof=1) / np.sqrt(n_runs)) if n_runs > 1 else 0.0)
        paid = out.reward.isel(trial=late, time=rew) > 0
        at_r = d.isel(time=rew).where(paid)
        per_run = at_r.mean("trial")
        rew_r.append(float(per_run.mean()) if paid.any() else float("nan"))
        rew_se.append(float(per_run.std(ddof=1) / np.sqrt(int(per_run.notnull().sum()))) if paid.any() and n_runs > 1
                      else float("nan"))
    slope = float(np.polyfit(reward_probs, cue_r, 1)[0]) if len(reward_probs) > 1 else float("nan")
    probs = xr.DataArray(list(reward_probs), dims="reward_prob", attrs={"units": "1", "long_name": "reward probability"})
    ds = xr.Dataset(
        {"rpe": rpe.assign_attrs(long_name="TD error δ (p = 1; last trial omits the reward)"),
         "value": base.value,
         "cue_response": ("reward_prob", cue_r, {"units": "1", "long_name": "δ at the cue after learning"}),
         "cue_response_se": ("reward_prob", cue_se, {"units": "1", "long_name": "standard error of δ at the cue"}),
         "reward_response": ("reward_prob", rew_r, {"units": "1", "long_name": "δ at a delivered reward after learning"}),
         "reward_response_se": ("reward_prob", rew_se, {"units": "1", "long_name": "standard error of δ at the reward"})},
        coords={"reward_prob": probs}, attrs={"cue_time_s": cue * dt, "reward_time_s": rew * dt},
    )
    fig1, (a1, a2) = _fig(2)
    traces = {"trial 1 (naive)": rpe.isel(trial=0), f"trial {n_trials} (trained)": rpe.isel(trial=n_trials - 1),
              "probe: reward omitted": rpe.isel(trial=n_trials)}
    rplot.plot_rpe_traces(traces, ax=a1, cue_time=cue * dt, reward_time=rew * dt)
    a1.set_title("the prediction error moves to the cue", fontsize="medium")
    rplot.plot_rpe_map(rpe.isel(trial=slice(0, n_trials)), ax=a2)
    a2.set_title("δ over learning", fontsize="medium")
    fig2, b1 = _fig(1)
    rplot.plot_probability_response(reward_probs, cue_r, rew_r, cue_se=cue_se, reward_se=rew_se, ax=b1)
    b1.set_title("reward probability (Fiorillo et al. 2003)", fontsize="medium")
    table = pd.DataFrame({"reward_prob": list(reward_probs), "cue_response": cue_r, "cue_se": cue_se,
                          "reward_response": rew_r, "reward_se": rew_se})
    summary = {
        "rpe_reward_before": float(rpe.isel(trial=0, time=rew)),
        "rpe_reward_after": float(rpe.isel(trial=late, time=rew).mean()),
        "rpe_cue_after": float(rpe.isel(trial=late, time=cue).mean()),
        "rpe_omission": float(rpe.isel(trial=n_trials, time=rew)),
        "cue_response_slope_on_probability": slope,
        "cue_response_theory_at_p1": float(discount ** (rew - cue)),
    }
    return ExperimentResult(dataset=ds, figures={"dopamine_rpe": fig1, "reward_probability": fig2}, summary=summary,
                            table=table)


@experiment("cliff_walking")
def cliff_walking(
    *,
    n_runs: Annotated[int, Range(1, 20_000)] = 1000,
    n_episodes: Annotated[int, Range(10, 10_000)] = 500,
    learning_rate: Annotated[float, Range(0.0, 1.0, low_open=True)] = 0.5,
    epsilon: Annotated[float, Range(0.0, 1.0)] = 0.1,
    rng=None,
) -> ExperimentResult:
    """Sarsa takes the safe path, Q-learning the optimal one (Sutton & Barto Example 6.6).

    Parameters
    ----------
    n_runs : int
        Independent runs per agent, all stepped at once.
    n_episodes : int
    learning_rate : float
        α.
    epsilon : float
        ε of the ε-greedy behaviour.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: ``sarsa_return``/``qlearning_return`` (run, episode) online returns.
        Summary: ``sarsa_return`` and ``qlearning_return`` (mean online return of the
        last 100 episodes, ± SE over runs), and each greedy path's return (−13 is the
        shortest path along the cliff).

    References
    ----------
    Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning, 2nd ed., Figure 6.4.
    """
    env = rl.CliffWalking()
    r1, r2 = spawn(rng, 2)
    out = {m: rl.control(env, method=m, n_runs=n_runs, n_episodes=n_episodes, learning_rate=learning_rate,
                         epsilon=epsilon, rng=r) for m, r in (("sarsa", r1), ("q_learning", r2))}
    last = slice(max(0, n_episodes - 100), None)
    summary, paths = {}, {}
    for m, key in (("sarsa", "sarsa"), ("q_learning", "qlearning")):
        per_run = out[m].episode_return.isel(episode=last).mean("episode")
        summary[f"{key}_return"] = float(per_run.mean())
        summary[f"{key}_return_se"] = float(per_run.std(ddof=1) / np.sqrt(n_runs)) if n_runs > 1 else float("nan")
        path, ret = rl.greedy_path(env, out[m].q_values.mean("run").values)
        summary[f"{key}_greedy_return"] = ret
        paths[f"{'Sarsa' if m == 'sarsa' else 'Q-learning'} greedy path (return {ret:g})"] = path
    ds = xr.Dataset({"sarsa_return": out["sarsa"].episode_return, "qlearning_return": out["q_learning"].episode_return})
    fig1, a1 = _fig(1, 5.5)
    rplot.plot_learning_curves({"Sarsa": out["sarsa"].episode_return, "Q-learning": out["q_learning"].episode_return},
                               ax=a1)
    a1.set_title(f"online return, ε = {epsilon:g}, α = {learning_rate:g}, {n_runs} runs", fontsize="medium")
    fig2, a2 = plt.subplots(figsize=(6.5, 2.9), layout="constrained")
    rplot.plot_grid_paths(env, paths, ax=a2)
    a2.set_title("greedy paths after learning (cliff shaded)", fontsize="medium")
    return ExperimentResult(dataset=ds, figures={"learning_curves": fig1, "paths": fig2}, summary=summary)


@experiment("td_random_walk")
def td_random_walk(
    *,
    n_runs: Annotated[int, Range(1, 100_000)] = 100,
    n_episodes: Annotated[int, Range(1, 10_000)] = 100,
    td_learning_rates: Annotated[list[float], Range(0.0, 1.0, low_open=True)] = [0.05, 0.1, 0.15],  # noqa: B006
    mc_learning_rates: Annotated[list[float], Range(0.0, 1.0, low_open=True)] = [0.01, 0.02, 0.03, 0.04],  # noqa: B006
    rng=None,
) -> ExperimentResult:
    """TD(0) vs constant-α Monte Carlo on the 5-state random walk (Sutton & Barto Figure 6.2).

    Parameters
    ----------
    n_runs : int
        Runs averaged per curve.
    n_episodes : int
    td_learning_rates, mc_learning_rates : list of float
        Step sizes of the TD and MC curves.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: ``rms_error`` (model, episode), the RMS error of the values against
        the true 1/6 … 5/6 averaged over runs. Summary: each curve's final error.

    References
    ----------
    Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning, 2nd ed., Example 6.2.
    """
    env = rl.RandomWalk()
    truth = rl.random_walk_values(5)
    settings = [("td", a) for a in td_learning_rates] + [("mc", a) for a in mc_learning_rates]
    rngs = spawn(rng, len(settings))
    curves, summary = {}, {}
    for (m, a), r in zip(settings, rngs):
        out = rl.td_prediction(env, method=m, learning_rate=a, n_runs=n_runs, n_episodes=n_episodes,
                               initial_value=0.5, true_values=truth, rng=r)
        label = f"{'TD' if m == 'td' else 'MC'} α = {a:g}"
        curves[label] = out.rms_error.mean("run")
        summary[f"{m}_{a:g}_final_rms"] = float(curves[label][-1])
    da = xr.concat(list(curves.values()), dim=pd.Index(list(curves), name="model"))  # not "method": .sel(method=) means interpolation
    da.attrs = {"units": "1", "long_name": "RMS error of the values (mean over runs)"}
    fig, ax = _fig(1, 5.5)
    rplot.plot_rms_curves(curves, ax=ax)
    ax.set_title(f"random walk, {n_runs} runs", fontsize="medium")
    return ExperimentResult(dataset=xr.Dataset({"rms_error": da}), figures={"rms_error": fig}, summary=summary)


@experiment("distal_reward_stdp")
def distal_reward_stdp(
    *,
    n_runs: Annotated[int, Range(1, 20)] = 3,
    n_inputs: Annotated[int, Range(2, 1000)] = 100,
    n_outputs: Annotated[int, Range(1, 100)] = 10,
    duration: Annotated[float, Range(1.0, 7200.0)] = 3600.0,
    input_rate: Annotated[float, Range(0.0, 20.0)] = 2.0,
    learning_rate: Annotated[float, Range(0.0, 0.1)] = 0.003,
    tau_eligibility: Annotated[float, Range(0.0, 10.0, low_open=True)] = 1.0,
    reward_delay_min: Annotated[float, Range(0.0, 10.0)] = 1.0,
    reward_delay_max: Annotated[float, Range(0.0, 10.0)] = 3.0,
    yoked_control: bool = True,
    rng=None,
) -> ExperimentResult:
    """Dopamine-modulated STDP singles out the one synapse whose pairings earn a delayed reward.

    Izhikevich's (2007) distal-reward experiment on brian2, scaled down (the scales
    are compared in :mod:`neurocomp.rl.distal_reward`): every time input 0 fires and
    output 0 fires within 20 ms, a dopamine pulse follows 1–3 s later. Each network
    has a yoked twin that gets the same pulses at the same times without the
    contingency.

    Parameters
    ----------
    n_runs : int
        Independent networks (and as many yoked twins), simulated together.
    n_inputs, n_outputs : int
        Poisson inputs and LIF outputs per network (all-to-all synapses).
    duration : float
        Simulated time in s.
    input_rate : float
        Input firing rate in Hz.
    learning_rate : float
        η of ``dw/dt = η c (d + d_tonic)`` in V/s (Izhikevich: 0.01 V/s).
    tau_eligibility : float
        Time constant of the eligibility trace in s (Izhikevich: 1 s; a few ms
        removes the memory that bridges the delay).
    reward_delay_min, reward_delay_max : float
        Range of the uniform pairing-to-reward delay in s.
    yoked_control : bool
        Simulate the yoked twins.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset of :func:`neurocomp.rl.distal_reward_stdp`; figures ``weights`` (the
        rewarded synapse against the others' distribution over time, contingent and
        yoked) and ``final_weights`` (histogram with the rewarded synapses marked);
        summary ``rewarded_weight`` and ``others_max_weight`` (V, means over runs),
        ``rewarded_rank`` (worst over runs; 1 = above every other synapse in every
        run), ``rewarded_ranks`` and ``yoked_ranks`` (per run), ``n_synapses``,
        ``n_rewards`` (mean per run).

    References
    ----------
    Izhikevich, E. M. (2007). Solving the distal reward problem through linkage of
        STDP and dopamine signaling. Cereb. Cortex 17, 2443–2452.
    Frémaux, N. & Gerstner, W. (2016). Neuromodulated spike-timing-dependent
        plasticity, and theory of three-factor learning rules. Front. Neural
        Circuits 9, 85.
    """
    if reward_delay_min > reward_delay_max:
        raise ValidationError(f"reward_delay_min must not exceed reward_delay_max; got {reward_delay_min} > "
                              f"{reward_delay_max}")
    ds = rl.distal_reward_stdp(n_runs=n_runs, yoked_control=yoked_control, n_inputs=n_inputs, n_outputs=n_outputs,
                               duration=duration, input_rate=input_rate, learning_rate=learning_rate,
                               tau_eligibility=tau_eligibility,
                               reward_delay=(reward_delay_min, reward_delay_max),
                               record_every=max(duration / 400, min(10.0, duration / 10)), rng=rng)
    c = ds.sel(schedule="contingent")
    others = c.final_weight.isel(synapse=slice(1, None))
    summary = {
        "rewarded_weight": float(c.final_weight.isel(synapse=0).mean()),
        "others_max_weight": float(others.max("synapse").mean()),
        "rewarded_rank": int(c.rewarded_rank.max()),
        "rewarded_ranks": [int(r) for r in c.rewarded_rank.values],
        "n_synapses": int(ds.sizes["synapse"]),
        "n_rewards": float(c.n_rewards.mean()),
        "output_rate": float(c.output_rate.mean()),
    }
    if yoked_control:
        summary["yoked_ranks"] = [int(r) for r in ds.rewarded_rank.sel(schedule="yoked").values]
    schedules = list(ds["schedule"].values)
    fig1, axes = _fig(len(schedules), 5.2)
    axes = np.atleast_1d(axes)
    for ax, s in zip(axes, schedules):
        rplot.plot_weight_race(ds, ax=ax, schedule=s, run=0)
        what = "reward after each pairing" if s == "contingent" else "yoked: same rewards, no contingency"
        rank = int(ds.rewarded_rank.sel(schedule=s, run=0))
        ax.set_title(f"{what}\nrewarded synapse ranks {rank} of {ds.sizes['synapse']} (run 0)", fontsize="medium")
    fig2, axes2 = _fig(len(schedules), 4.6)
    axes2 = np.atleast_1d(axes2)
    for ax, s in zip(axes2, schedules):
        rplot.plot_final_weights(ds, ax=ax, schedule=s)
        ax.set_title(f"final weights, {s} ({n_runs} runs × {ds.sizes['synapse']} synapses)", fontsize="medium")
    return ExperimentResult(dataset=ds, figures={"weights": fig1, "final_weights": fig2}, summary=summary)
