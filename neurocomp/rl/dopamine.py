"""The reward-prediction error of TD learning as a model of dopamine neurons.

A conditioning trial is a sequence of time steps: a cue at ``cue_step``, a reward
``reward_step`` later (with probability ``reward_prob``). The cue starts a
complete serial compound — one feature per time step since the cue, a tapped delay
line — and the value is linear in it, V(t) = w[t − cue]. The TD error

    δ(t) = r(t) + γ V(t) − V(t − 1)

is the model of the phasic dopamine response (Montague, Dayan & Sejnowski 1996;
Schultz, Dayan & Montague 1997): before learning it fires at the reward; after
learning at the cue, and not at a predicted reward; omitting the reward gives a dip
at the time it was due; with reward probability p the cue response scales with p
and the reward response with 1 − p (Fiorillo, Tobler & Schultz 2003).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_in_range, check_int, check_positive
from neurocomp.random import as_generator

__all__ = ["td_conditioning"]


def td_conditioning(*, n_trials: int = 200, n_steps: int = 30, cue_step: int = 5, reward_step: int = 20,
                    reward_prob: float = 1.0, reward_size: float = 1.0, learning_rate: float = 0.2,
                    discount: float = 0.98, omission_trials=(), n_runs: int = 1, dt: float = 0.1,
                    rng=None) -> xr.Dataset:
    """TD(0) learning over conditioning trials with a complete-serial-compound cue, many runs at once.

    Parameters
    ----------
    n_trials : int
        Trials, each ``n_steps`` time steps long.
    n_steps : int
    cue_step, reward_step : int
        Time steps of the cue and of the reward (reward after cue).
    reward_prob : float in [0, 1]
        Probability that the reward is delivered on a trial.
    reward_size : float
        Reward magnitude (arbitrary units).
    learning_rate : float in (0, 1]
    discount : float in [0, 1]
        γ per time step.
    omission_trials : iterable of int
        Trials whose reward is withheld whatever ``reward_prob`` says (probes).
    n_runs : int
        Independent learners (they differ only when 0 < reward_prob < 1).
    dt : float
        Duration of a time step in s (labels ``time``).
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``rpe`` δ and ``value`` V (run, trial, time), ``reward`` (run, trial, time);
        attrs give the cue and reward times.

    References
    ----------
    Schultz, W., Dayan, P. & Montague, P. R. (1997). A neural substrate of
        prediction and reward. Science 275, 1593–1599.
    Fiorillo, C. D., Tobler, P. N. & Schultz, W. (2003). Discrete coding of reward
        probability and uncertainty by dopamine neurons. Science 299, 1898–1902.

    Examples
    --------
    >>> out = td_conditioning(n_trials=300, omission_trials=[299])
    >>> d = out.rpe.isel(run=0)
    >>> [round(float(d[0, 20]), 2), round(float(d[298, 20]), 2), round(float(d[298, 5]), 2), round(float(d[299, 20]), 2)]
    [1.0, 0.0, 0.74, -1.0]
    """
    n_trials = check_int("n_trials", n_trials, 1, 1_000_000)
    n_steps = check_int("n_steps", n_steps, 3, 10_000)
    cue_step = check_int("cue_step", cue_step, 1, n_steps - 2)
    reward_step = check_int("reward_step", reward_step, cue_step, n_steps - 1)
    check_in_range("reward_prob", reward_prob, 0, 1)
    if not np.isfinite(reward_size):
        raise ValidationError(f"reward_size must be finite; got {reward_size!r}")
    check_in_range("learning_rate", learning_rate, 0, 1, low_open=True)
    check_in_range("discount", discount, 0, 1)
    n_runs = check_int("n_runs", n_runs, 1, 1_000_000)
    check_positive("dt", dt)
    if n_runs * n_trials * n_steps * 3 * 8 > 2 * 2**30:
        raise ValidationError(f"n_runs × n_trials × n_steps = {n_runs * n_trials * n_steps} needs more than 2 GiB; "
                              "use fewer runs or trials")
    omit = np.zeros(n_trials, bool)
    for t in omission_trials:
        t = check_int("omission_trials", t, 0, n_trials - 1)
        omit[t] = True
    g = as_generator(rng)
    n_feat = n_steps - cue_step
    w = np.zeros((n_runs, n_feat))
    rpe = np.zeros((n_runs, n_trials, n_steps))
    val = np.zeros((n_runs, n_trials, n_steps))
    rew = np.zeros((n_runs, n_trials, n_steps))
    for k in range(n_trials):
        paid = (g.random(n_runs) < reward_prob) & ~omit[k]
        rew[:, k, reward_step] = np.where(paid, reward_size, 0.0)
        V_prev = np.zeros(n_runs)
        for t in range(n_steps):
            V_t = w[:, t - cue_step] if t >= cue_step else np.zeros(n_runs)
            delta = rew[:, k, t] + discount * V_t - V_prev
            rpe[:, k, t] = delta
            val[:, k, t] = V_t
            if t - 1 >= cue_step:  # the feature active at t − 1 takes the credit
                w[:, t - 1 - cue_step] += learning_rate * delta
            V_prev = V_t
    time = np.arange(n_steps) * dt
    coords = {"run": np.arange(n_runs), "trial": np.arange(n_trials),
              "time": ("time", time, {"units": "s", "long_name": "time in the trial"})}
    return xr.Dataset(
        {"rpe": (("run", "trial", "time"), rpe, {"units": "1", "long_name": "reward-prediction error δ"}),
         "value": (("run", "trial", "time"), val, {"units": "1", "long_name": "predicted value V"}),
         "reward": (("run", "trial", "time"), rew, {"units": "1", "long_name": "reward"})},
        coords=coords,
        attrs={"cue_time_s": cue_step * dt, "reward_time_s": reward_step * dt, "reward_prob": reward_prob,
               "discount": discount, "learning_rate": learning_rate},
    )
