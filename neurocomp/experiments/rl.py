"""Reinforcement-learning experiments: the dopamine prediction error, cliff walking, the random walk.

* ``td_dopamine`` — TD learning of a conditioned cue (Schultz, Dayan & Montague 1997):
  the prediction error moves from the reward to the cue, dips when the reward is
  omitted, and scales with reward probability (Fiorillo et al. 2003).
* ``cliff_walking`` — Sarsa vs Q-learning on Sutton & Barto's cliff (Figure 6.4).
* ``td_random_walk`` — TD(0) vs constant-α Monte Carlo on the 5-state random walk
  (Sutton & Barto Example 6.2, Figure 6.2).
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
