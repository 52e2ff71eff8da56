"""Reinforcement learning and dopamine: TD learning, Q-learning, Sarsa, actor–critic, the successor representation.

* :mod:`~neurocomp.rl.environments` — tabular environments with Gymnasium's
  ``reset``/``step`` interface and a batched core: the random walk, cliff walking,
  grid worlds from a text map, a k-armed bandit; :func:`from_gymnasium` reads a
  Gymnasium toy-text environment.
* :mod:`~neurocomp.rl.agents` — TD(λ) and Monte Carlo prediction, Q-learning, Sarsa,
  expected Sarsa (ε-greedy or softmax), actor–critic and the successor
  representation, each run for many independent learners at once.
* :mod:`~neurocomp.rl.dopamine` — the TD error of a complete-serial-compound model of
  conditioning as the dopamine reward-prediction error.
* :mod:`~neurocomp.rl.distal_reward` — dopamine-modulated STDP on brian2 solving the
  distal-reward problem (Izhikevich 2007).

References
----------
Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction, 2nd ed.
Schultz, W., Dayan, P. & Montague, P. R. (1997). Science 275, 1593–1599.
"""

from neurocomp.rl.agents import (actor_critic, control, greedy_path, random_walk_values, successor_representation,
                                 td_prediction)
from neurocomp.rl.distal_reward import distal_reward_stdp, weight_rank
from neurocomp.rl.dopamine import td_conditioning
from neurocomp.rl.environments import (CliffWalking, GridWorld, RandomWalk, TabularEnv, TwoArmedBandit, from_gymnasium,
                                       make)

__all__ = ["CliffWalking", "GridWorld", "RandomWalk", "TabularEnv", "TwoArmedBandit", "actor_critic", "control",
           "distal_reward_stdp", "from_gymnasium", "greedy_path", "make", "random_walk_values",
           "successor_representation", "td_conditioning", "td_prediction", "weight_rank"]
