"""Tabular environments with a Gymnasium-shaped interface and a batched core.

Each environment is a finite Markov decision process held as tables — the next
state and the reward of every (state, action), which states end an episode, where
episodes start — so that the agents in :mod:`neurocomp.rl.agents` can step a
thousand independent runs with one array operation. The same object also offers
Gymnasium's single-run interface (``reset(seed=)`` → ``(obs, info)``;
``step(action)`` → ``(obs, reward, terminated, truncated, info)``) without
depending on gymnasium; :func:`from_gymnasium` reads a Gymnasium toy-text
environment (one with a transition table ``P``) into the same tables.

References
----------
Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction, 2nd ed.
    MIT Press. Example 6.2 (random walk), Example 6.6 (cliff walking).
"""

from __future__ import annotations

import numpy as np

from neurocomp._validation import ValidationError, check_array, check_int, check_option
from neurocomp.random import as_generator

__all__ = ["TabularEnv", "RandomWalk", "CliffWalking", "GridWorld", "TwoArmedBandit", "make", "from_gymnasium",
           "ENVIRONMENTS"]


class _Discrete:
    """The part of gymnasium.spaces.Discrete that agents use: ``n`` and ``contains``."""

    def __init__(self, n: int):
        self.n = int(n)

    def contains(self, x) -> bool:
        return isinstance(x, (int, np.integer)) and not isinstance(x, bool) and 0 <= int(x) < self.n

    def __repr__(self):
        return f"Discrete({self.n})"


class TabularEnv:
    """A finite MDP as tables, steppable one run at a time or many at once.

    Parameters
    ----------
    next_state : int array (n_states, n_actions)
        Successor of each state under each action (deterministic transitions).
    reward : float array (n_states, n_actions)
        Reward of each transition, paid with probability ``reward_prob``.
    terminal : bool array (n_states,)
        States that end an episode.
    start : int
        The start state.
    reward_prob : float array (n_states, n_actions), optional
        Probability that the reward is paid (1 everywhere by default; a bandit's
        arms are Bernoulli).
    max_episode_steps : int
        Episodes longer than this are truncated.
    state_labels, action_labels : list of str, optional
    name : str

    Examples
    --------
    >>> env = RandomWalk()
    >>> obs, info = env.reset(seed=0)
    >>> obs
    3
    >>> env.step(1)[:3]
    (4, 0.0, False)
    """

    def __init__(self, next_state, reward, terminal, start: int, *, reward_prob=None, max_episode_steps: int = 10_000,
                 state_labels=None, action_labels=None, name: str = "tabular"):
        ns = np.asarray(next_state)
        if ns.ndim != 2 or not np.issubdtype(ns.dtype, np.integer):
            raise ValidationError(f"next_state must be an integer array (n_states, n_actions); got {ns.dtype} {ns.shape}")
        S, A = ns.shape
        if ns.min() < 0 or ns.max() >= S:
            raise ValidationError(f"next_state must hold states 0..{S - 1}; got values {ns.min()}..{ns.max()}")
        self.next_state = ns.astype(np.int64)
        self.reward = check_array("reward", reward, shape=(S, A))
        self.terminal = np.asarray(terminal, dtype=bool)
        if self.terminal.shape != (S,):
            raise ValidationError(f"terminal must have shape ({S},); got {self.terminal.shape}")
        self.start = check_int("start", start, 0, S - 1)
        if self.terminal[self.start]:
            raise ValidationError(f"start state {start} is terminal")
        prob = np.ones((S, A)) if reward_prob is None else check_array("reward_prob", reward_prob, shape=(S, A))
        if ((prob < 0) | (prob > 1)).any():
            raise ValidationError("reward_prob must lie in [0, 1]")
        self.reward_prob = prob
        self.max_episode_steps = check_int("max_episode_steps", max_episode_steps, 1, 10**9)
        self.observation_space = _Discrete(S)
        self.action_space = _Discrete(A)
        self.state_labels = [str(s) for s in (state_labels if state_labels is not None else range(S))]
        self.action_labels = [str(a) for a in (action_labels if action_labels is not None else range(A))]
        self.name = name
        self._rng = as_generator(None)
        self._state = None
        self._steps = 0

    @property
    def n_states(self) -> int:
        return self.next_state.shape[0]

    @property
    def n_actions(self) -> int:
        return self.next_state.shape[1]

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}: {self.n_states} states, {self.n_actions} actions>"

    # -- Gymnasium's single-run interface -------------------------------------------------------
    def reset(self, *, seed=None, options=None):
        """Start an episode; returns ``(observation, info)`` like Gymnasium."""
        if seed is not None:
            self._rng = as_generator(seed, name="seed")
        self._state = self.start
        self._steps = 0
        return int(self._state), {}

    def step(self, action):
        """One step; returns ``(observation, reward, terminated, truncated, info)``."""
        if self._state is None:
            raise ValidationError("call reset() before step()")
        if not self.action_space.contains(action):
            raise ValidationError(f"action must be an integer in 0..{self.n_actions - 1} "
                                  f"({', '.join(self.action_labels)}); got {action!r}")
        s = self._state
        paid = self._rng.random() < self.reward_prob[s, action]
        r = float(self.reward[s, action]) if paid else 0.0
        self._state = int(self.next_state[s, action])
        self._steps += 1
        terminated = bool(self.terminal[self._state])
        truncated = (not terminated) and self._steps >= self.max_episode_steps
        return self._state, r, terminated, truncated, {}

    # -- the batched core -------------------------------------------------------------------------
    def step_batch(self, states, actions, rng):
        """Next states, rewards and ``terminated`` flags for arrays of states and actions."""
        nxt = self.next_state[states, actions]
        r = self.reward[states, actions]
        p = self.reward_prob[states, actions]
        if (p < 1).any():
            r = np.where(rng.random(len(states)) < p, r, 0.0)
        return nxt, r, self.terminal[nxt]


def RandomWalk(n_states: int = 5) -> TabularEnv:
    """Sutton & Barto's Example 6.2: a chain of ``n_states`` states between two exits.

    Episodes start in the middle; leaving on the right pays 1, on the left 0. Under
    the equiprobable policy the true values are k / (n_states + 1), k = 1 … n_states.
    States 0 and n_states + 1 are the terminal exits; actions 0 = left, 1 = right.

    Parameters
    ----------
    n_states : int, default 5
        Number of non-terminal states, odd, 1 … 10000.

    Returns
    -------
    TabularEnv
        ``n_states + 2`` states (the exits included) and two actions.

    References
    ----------
    .. [1] Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction,
       2nd ed., Example 6.2. MIT Press.

    Examples
    --------
    >>> RandomWalk().n_states
    7
    """
    n = check_int("n_states", n_states, 1, 10_000)
    if n % 2 == 0:
        raise ValidationError(f"n_states must be odd (the walk starts in the middle state); got {n}")
    S = n + 2
    s = np.arange(S)
    nxt = np.stack([np.maximum(s - 1, 0), np.minimum(s + 1, S - 1)], axis=1)
    nxt[0] = 0
    nxt[-1] = S - 1
    reward = np.zeros((S, 2))
    reward[S - 2, 1] = 1.0
    terminal = np.zeros(S, bool)
    terminal[[0, S - 1]] = True
    labels = ["left exit"] + [chr(ord("A") + i) if n <= 26 else str(i + 1) for i in range(n)] + ["right exit"]
    return TabularEnv(nxt, reward, terminal, start=(S - 1) // 2, state_labels=labels, action_labels=["left", "right"],
                      name="random_walk")


_MOVES = {"up": (-1, 0), "right": (0, 1), "down": (1, 0), "left": (0, -1)}


def GridWorld(layout, *, goal_reward: float = 1.0, step_reward: float = 0.0, cliff_reward: float = -100.0,
              max_episode_steps: int = 10_000, name: str = "grid_world") -> TabularEnv:
    """A grid world from a text map.

    Parameters
    ----------
    layout : list of str
        Equal-length rows of ``.`` (free), ``#`` (wall), ``S`` (start, exactly one),
        ``G`` (goal: ends the episode) and ``C`` (cliff: pays ``cliff_reward`` and
        sends the agent back to the start).
    goal_reward, step_reward, cliff_reward : float
        Reward for entering the goal, for every other step, for stepping off the cliff.

    max_episode_steps : int, default 10000
        Episodes longer than this are truncated.
    name : str, default "grid_world"
        The environment's name.

    Returns
    -------
    TabularEnv
        States are the cells (row-major, labels ``"(row, col)"``) plus nothing else;
        actions 0–3 are up, right, down, left; moving into a wall or the border
        leaves the agent in place.

    Examples
    --------
    >>> env = GridWorld(["S.G"])
    >>> env.reset()[0], env.step(1)[:3], env.step(1)[:3]
    (0, (1, 0.0, False), (2, 1.0, True))
    """
    if isinstance(layout, str) or not layout or len({len(r) for r in layout}) != 1:
        raise ValidationError(f"layout must be a list of equal-length strings; got {layout!r}")
    grid = np.array([list(r) for r in layout])
    bad = set(np.unique(grid)) - set(".#SGC")
    if bad:
        raise ValidationError(f"layout may hold only '.', '#', 'S', 'G' and 'C'; got {sorted(bad)}")
    if (grid == "S").sum() != 1:
        raise ValidationError(f"layout must have exactly one start 'S'; got {(grid == 'S').sum()}")
    for nm, v in dict(goal_reward=goal_reward, step_reward=step_reward, cliff_reward=cliff_reward).items():
        if not np.isfinite(v):
            raise ValidationError(f"{nm} must be finite; got {v!r}")
    H, W = grid.shape
    S = H * W
    start = int(np.flatnonzero(grid.ravel() == "S")[0])
    nxt = np.empty((S, 4), np.int64)
    reward = np.full((S, 4), float(step_reward))
    terminal = grid.ravel() == "G"
    for idx in range(S):
        r, c = divmod(idx, W)
        for a, (dr, dc) in enumerate(_MOVES.values()):
            rr, cc = r + dr, c + dc
            if terminal[idx]:
                nxt[idx, a] = idx
                reward[idx, a] = 0.0
                continue
            if not (0 <= rr < H and 0 <= cc < W) or grid[rr, cc] == "#":
                rr, cc = r, c
            target = rr * W + cc
            if grid[rr, cc] == "C":
                nxt[idx, a] = start
                reward[idx, a] = float(cliff_reward)
            else:
                nxt[idx, a] = target
                if grid[rr, cc] == "G":
                    reward[idx, a] = float(goal_reward)
    labels = [f"({r}, {c})" for r in range(H) for c in range(W)]
    env = TabularEnv(nxt, reward, terminal, start=start, max_episode_steps=max_episode_steps, state_labels=labels,
                     action_labels=list(_MOVES), name=name)
    env.layout = [str(r) for r in layout]
    return env


CLIFF_LAYOUT = ["............", "............", "............", "SCCCCCCCCCCG"]


def CliffWalking(*, max_episode_steps: int = 10_000) -> TabularEnv:
    """Sutton & Barto's Example 6.6: a 4 × 12 grid with a cliff along the bottom edge.

    Every step costs 1; stepping onto the cliff costs 100 and sends the agent back to
    the start. The shortest path (along the cliff's edge) returns −13.

    Parameters
    ----------
    max_episode_steps : int, default 10000
        Episodes longer than this are truncated.

    Returns
    -------
    TabularEnv
        A :func:`GridWorld` of 48 cells with a ``layout`` attribute; actions up, right,
        down, left; rewards in reward units (−1 per step, −100 for the cliff).

    References
    ----------
    .. [1] Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction,
       2nd ed., Example 6.6. MIT Press.

    Examples
    --------
    >>> CliffWalking().n_states
    48
    """
    return GridWorld(CLIFF_LAYOUT, goal_reward=-1.0, step_reward=-1.0, cliff_reward=-100.0,
                     max_episode_steps=max_episode_steps, name="cliff_walking")


def TwoArmedBandit(reward_prob=(0.4, 0.6), *, reward: float = 1.0) -> TabularEnv:
    """A two-armed (or k-armed) Bernoulli bandit: one choice per episode.

    Parameters
    ----------
    reward_prob : sequence of float, default (0.4, 0.6)
        Probability that each arm pays (two or more arms, each in [0, 1]).
    reward : float, default 1.0
        The payment of an arm that pays.

    Returns
    -------
    TabularEnv
        Two states (``"choice"``, then the terminal ``"done"``) and one action per arm.

    Examples
    --------
    >>> TwoArmedBandit((0.2, 0.8)).n_actions
    2
    """
    p = check_array("reward_prob", reward_prob, ndim=1)
    if len(p) < 2 or ((p < 0) | (p > 1)).any():
        raise ValidationError(f"reward_prob must hold ≥ 2 probabilities in [0, 1]; got {p.tolist()}")
    k = len(p)
    nxt = np.array([[1] * k, [1] * k])
    rew = np.array([[float(reward)] * k, [0.0] * k])
    prob = np.vstack([p, np.zeros(k)])
    return TabularEnv(nxt, rew, [False, True], start=0, reward_prob=prob, state_labels=["choice", "done"],
                      action_labels=[f"arm {i}" for i in range(k)], name="bandit")


ENVIRONMENTS = {"random_walk": RandomWalk, "cliff_walking": CliffWalking, "grid_world": GridWorld,
                "bandit": TwoArmedBandit}


def make(name: str, **kwargs) -> TabularEnv:
    """An environment by name: ``"random_walk"``, ``"cliff_walking"``, ``"grid_world"`` or ``"bandit"``.

    Parameters
    ----------
    name : {"random_walk", "cliff_walking", "grid_world", "bandit"}
        The environment.
    **kwargs
        Passed to its constructor (:func:`RandomWalk`, :func:`CliffWalking`,
        :func:`GridWorld`, :func:`TwoArmedBandit`).

    Returns
    -------
    TabularEnv
        The environment.

    Examples
    --------
    >>> make("cliff_walking").name
    'cliff_walking'
    """
    check_option("name", name, list(ENVIRONMENTS))
    return ENVIRONMENTS[name](**kwargs)


def from_gymnasium(env) -> TabularEnv:
    """Tables of a Gymnasium toy-text environment (one with a deterministic transition table ``P``).

    Parameters
    ----------
    env : gymnasium.Env
        A toy-text environment (or a wrapper of one) whose ``P[s][a]`` lists a single
        outcome ``(1.0, next_state, reward, done)``; ``initial_state_distrib`` gives the start.

    Returns
    -------
    TabularEnv
        The same tables; terminal states become absorbing with reward 0.

    Examples
    --------
    >>> class Toy:                      # the shape of gymnasium's CliffWalking-v0
    ...     P = {0: {0: [(1.0, 1, -1.0, True)]}, 1: {0: [(1.0, 1, 0.0, True)]}}
    ...     initial_state_distrib = [1.0, 0.0]
    >>> from_gymnasium(Toy()).n_states
    2
    """
    base = getattr(env, "unwrapped", env)
    P = getattr(base, "P", None)
    if not isinstance(P, dict):
        raise ValidationError(f"env must be a Gymnasium toy-text environment with a transition table P; "
                              f"{type(base).__name__} has none")
    S = len(P)
    A = len(P[0])
    nxt = np.empty((S, A), np.int64)
    rew = np.empty((S, A))
    term = np.zeros(S, bool)
    for s in range(S):
        for a in range(A):
            outcomes = P[s][a]
            if len(outcomes) != 1 or outcomes[0][0] != 1.0:
                raise ValidationError(f"env has stochastic transitions at state {s}, action {a}; only deterministic "
                                      "tables are supported")
            _, s2, r, done = outcomes[0]
            nxt[s, a], rew[s, a] = s2, r
            if done:
                term[s2] = True
    isd = np.asarray(getattr(base, "initial_state_distrib", np.eye(S)[0]))
    start = int(np.argmax(isd))
    for s in np.flatnonzero(term):
        nxt[s] = s
        rew[s] = 0.0
    return TabularEnv(nxt, rew, term, start=start, name=type(base).__name__)
