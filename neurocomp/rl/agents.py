"""Tabular agents, each run as many independent learners at once.

The textbook's figures average hundreds or thousands of runs. Here every function
steps all runs together: the state, action, value table and episode counter of run
r live in row r of arrays, and one pass of the Python loop advances every run by one
time step. Runs whose episode ends start the next one in the same pass; a run that
has finished all its episodes is masked out.

References
----------
Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction, 2nd ed.
    MIT Press. Ch. 6 (TD, Sarsa, Q-learning, expected Sarsa), Ch. 12 (TD(λ)),
    Ch. 13 (actor–critic).
Dayan, P. (1993). Improving generalization for temporal difference learning: the
    successor representation. Neural Comput. 5, 613–624.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_in_range, check_int, check_option, check_positive
from neurocomp.random import as_generator
from neurocomp.rl.environments import TabularEnv

__all__ = ["td_prediction", "control", "actor_critic", "successor_representation", "greedy_path",
           "random_walk_values"]

MAX_TABLE_BYTES = 2 * 2**30


def _check_env(env):
    if not isinstance(env, TabularEnv):
        raise TypeError(f"env must be a neurocomp.rl TabularEnv (make(...), from_gymnasium(...)); "
                        f"got {type(env).__name__}")
    return env


def _check_rates(learning_rate=None, discount=None, epsilon=None, trace_decay=None):
    if learning_rate is not None:
        check_in_range("learning_rate", learning_rate, 0, 1, low_open=True)
    if discount is not None:
        check_in_range("discount", discount, 0, 1)
    if epsilon is not None:
        check_in_range("epsilon", epsilon, 0, 1)
    if trace_decay is not None:
        check_in_range("trace_decay", trace_decay, 0, 1)


def _check_sizes(n_runs, n_episodes, env, per_run=1):
    n_runs = check_int("n_runs", n_runs, 1, 10_000_000)
    n_episodes = check_int("n_episodes", n_episodes, 1, 10_000_000)
    need = 8 * n_runs * (env.n_states * env.n_actions * per_run + 2 * n_episodes)
    if need > MAX_TABLE_BYTES:
        raise ValidationError(f"n_runs={n_runs} × n_episodes={n_episodes} on {env.n_states} states needs about "
                              f"{need / 2**30:.1f} GiB (limit {MAX_TABLE_BYTES / 2**30:.0f} GiB); use fewer runs")
    return n_runs, n_episodes


def _policy_matrix(env, policy):
    S, A = env.n_states, env.n_actions
    if policy is None:
        return np.full((S, A), 1.0 / A)
    pi = np.asarray(policy, dtype=float)
    if pi.shape != (S, A) or not np.isfinite(pi).all() or (pi < 0).any() or not np.allclose(pi.sum(1), 1):
        raise ValidationError(f"policy must be an array ({S}, {A}) of action probabilities summing to 1 per state; "
                              f"got shape {pi.shape}")
    return pi


def _sample(probs, rng):
    """One draw per row of a (runs, actions) probability array."""
    u = rng.random((probs.shape[0], 1))
    return np.minimum((probs.cumsum(1) < u).sum(1), probs.shape[1] - 1)


def random_walk_values(n_states: int = 5) -> np.ndarray:
    """True values k/(n+1) of the random walk's non-terminal states under the random policy.

    Parameters
    ----------
    n_states : int, default 5
        Number of non-terminal states of :func:`neurocomp.rl.environments.RandomWalk`.

    Returns
    -------
    numpy.ndarray of shape (n_states,)
        The values (expected return, reward units).

    References
    ----------
    .. [1] Sutton, R. S. & Barto, A. G. (2018). Reinforcement Learning: An Introduction,
       2nd ed., Example 6.2. MIT Press.

    Examples
    --------
    >>> random_walk_values(5).round(3).tolist()
    [0.167, 0.333, 0.5, 0.667, 0.833]
    """
    return np.arange(1, n_states + 1) / (n_states + 1)


def td_prediction(env, *, policy=None, method: str = "td", learning_rate: float = 0.1, trace_decay: float = 0.0,
                  discount: float = 1.0, n_runs: int = 100, n_episodes: int = 100, initial_value: float = 0.0,
                  true_values=None, rng=None) -> xr.Dataset:
    """Learn state values under a fixed policy by TD(λ) or constant-α Monte Carlo, for many runs at once.

    Parameters
    ----------
    env : TabularEnv
    policy : array (n_states, n_actions), optional
        Action probabilities (default: equiprobable).
    method : {"td", "mc"}
        ``"td"``: online TD(λ) with accumulating eligibility traces (λ = 0: TD(0)).
        ``"mc"``: constant-α every-visit Monte Carlo, the update applied at the end
        of each episode (equal to offline TD(1)).
    learning_rate : float in (0, 1]
        Step size α.
    trace_decay : float in [0, 1]
        λ (TD only).
    discount : float in [0, 1]
        γ.
    n_runs, n_episodes : int
    initial_value : float
        V of every non-terminal state before learning (terminal states stay 0).
    true_values : array (n_states,) or (n non-terminal,), optional
        Values to score against: adds ``rms_error`` (run, episode) over non-terminal
        states, as in Sutton & Barto's Figure 6.2.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``value`` (run, state) after the last episode; ``rms_error`` (run, episode)
        after each episode when ``true_values`` is given.

    References
    ----------
    Sutton, R. S. (1988). Learning to predict by the methods of temporal
        differences. Mach. Learn. 3, 9–44.

    Examples
    --------
    >>> from neurocomp.rl import RandomWalk
    >>> out = td_prediction(RandomWalk(), learning_rate=0.05, n_runs=200, n_episodes=300, initial_value=0.5, rng=0)
    >>> out.value.mean("run")[1:-1].round(1).values.tolist()
    [0.2, 0.3, 0.5, 0.7, 0.8]
    """
    env = _check_env(env)
    check_option("method", method, ["td", "mc"])
    _check_rates(learning_rate=learning_rate, discount=discount, trace_decay=trace_decay)
    n_runs, n_episodes = _check_sizes(n_runs, n_episodes, env, per_run=2)
    pi = _policy_matrix(env, policy)
    g = as_generator(rng)
    S = env.n_states
    nonterm = ~env.terminal
    V = np.where(nonterm, float(initial_value), 0.0)[None].repeat(n_runs, 0)
    truth = None
    if true_values is not None:
        tv = np.asarray(true_values, dtype=float)
        if tv.shape == (int(nonterm.sum()),):
            full = np.zeros(S)
            full[nonterm] = tv
            tv = full
        if tv.shape != (S,):
            raise ValidationError(f"true_values must have {S} or {int(nonterm.sum())} entries; got {tv.shape}")
        truth = tv
        rms = np.empty((n_runs, n_episodes))
    lam = 1.0 if method == "mc" else float(trace_decay)
    offline = method == "mc"
    rows = np.arange(n_runs)
    for ep in range(n_episodes):
        s = np.full(n_runs, env.start)
        e = np.zeros((n_runs, S))
        dV = np.zeros((n_runs, S)) if offline else None
        active = np.ones(n_runs, bool)
        steps = 0
        while active.any() and steps < env.max_episode_steps:
            idx = rows[active]
            a = _sample(pi[s[idx]], g)
            s2, r, done = env.step_batch(s[idx], a, g)
            target = r + discount * np.where(done, 0.0, V[idx, s2])
            delta = target - V[idx, s[idx]]
            e[idx] *= discount * lam
            e[idx, s[idx]] += 1.0
            if offline:
                dV[idx] += learning_rate * delta[:, None] * e[idx]
            else:
                V[idx] += learning_rate * delta[:, None] * e[idx]
            s[idx] = s2
            active[idx[done]] = False
            steps += 1
        if offline:
            V += dV
        if truth is not None:
            rms[:, ep] = np.sqrt(((V[:, nonterm] - truth[nonterm]) ** 2).mean(1))
    coords = {"run": np.arange(n_runs), "episode": np.arange(1, n_episodes + 1), "state": env.state_labels}
    ds = xr.Dataset({"value": (("run", "state"), V, {"units": "1", "long_name": "learned state value"})},
                    coords=coords, attrs={"method": method, "learning_rate": learning_rate, "trace_decay": lam,
                                          "discount": discount, "environment": env.name})
    if truth is not None:
        ds["rms_error"] = (("run", "episode"), rms, {"units": "1", "long_name": "RMS error of the values"})
    return ds


def _act(Q, rng, *, policy, epsilon, temperature):
    """Actions for rows of Q-values (runs, actions): ε-greedy with random tie-breaks, or softmax."""
    if policy == "softmax":
        z = Q / temperature
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        return _sample(p / p.sum(1, keepdims=True), rng)
    best = Q == Q.max(1, keepdims=True)
    greedy = np.argmax(best * rng.random(Q.shape), axis=1)
    explore = rng.random(Q.shape[0]) < epsilon
    return np.where(explore, rng.integers(0, Q.shape[1], Q.shape[0]), greedy)


def _action_probs(Q, *, policy, epsilon, temperature):
    """π(a|s) of the behaviour policy for rows of Q (expected Sarsa's expectation)."""
    A = Q.shape[1]
    if policy == "softmax":
        z = Q / temperature
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(1, keepdims=True)
    best = (Q == Q.max(1, keepdims=True)).astype(float)
    return epsilon / A + (1 - epsilon) * best / best.sum(1, keepdims=True)


def control(env, *, method: str = "q_learning", n_runs: int = 100, n_episodes: int = 500, learning_rate: float = 0.5,
            discount: float = 1.0, epsilon: float = 0.1, policy: str = "epsilon_greedy", temperature: float = 1.0,
            initial_value: float = 0.0, rng=None) -> xr.Dataset:
    """Learn to act by Q-learning, Sarsa or expected Sarsa, for many runs at once.

    Parameters
    ----------
    env : TabularEnv
    method : {"q_learning", "sarsa", "expected_sarsa"}
        Off-policy max, on-policy sample, or on-policy expectation in the target.
    n_runs, n_episodes : int
    learning_rate : float in (0, 1]
        α.
    discount : float in [0, 1]
        γ.
    epsilon : float in [0, 1]
        Exploration of the ε-greedy policy (ties broken at random).
    policy : {"epsilon_greedy", "softmax"}
    temperature : float
        Softmax temperature (in units of value).
    initial_value : float
        Q of every (state, action) before learning.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``episode_return`` and ``episode_length`` (run, episode): the online return
        (sum of rewards, while learning and exploring) and the number of steps of
        each episode; ``q_values`` (run, state, action) at the end.

    References
    ----------
    Watkins, C. J. C. H. & Dayan, P. (1992). Q-learning. Mach. Learn. 8, 279–292.
    Rummery, G. A. & Niranjan, M. (1994). On-line Q-learning using connectionist
        systems. Tech. Rep. CUED/F-INFENG/TR 166.

    Examples
    --------
    >>> from neurocomp.rl import CliffWalking
    >>> out = control(CliffWalking(), method="q_learning", n_runs=20, n_episodes=100, rng=0)
    >>> greedy_path(CliffWalking(), out.q_values.mean("run").values)[1]
    -13.0
    """
    env = _check_env(env)
    check_option("method", method, ["q_learning", "sarsa", "expected_sarsa"])
    check_option("policy", policy, ["epsilon_greedy", "softmax"])
    _check_rates(learning_rate=learning_rate, discount=discount, epsilon=epsilon)
    check_positive("temperature", temperature)
    n_runs, n_episodes = _check_sizes(n_runs, n_episodes, env)
    g = as_generator(rng)
    S, A = env.n_states, env.n_actions
    Q = np.full((n_runs, S, A), float(initial_value))
    Q[:, env.terminal] = 0.0
    kw = dict(policy=policy, epsilon=epsilon, temperature=temperature)
    rows = np.arange(n_runs)
    s = np.full(n_runs, env.start)
    a = _act(Q[rows, s], g, **kw)
    episode = np.zeros(n_runs, np.int64)
    ret = np.zeros(n_runs)
    length = np.zeros(n_runs, np.int64)
    returns = np.full((n_runs, n_episodes), np.nan)
    lengths = np.zeros((n_runs, n_episodes), np.int64)
    active = np.ones(n_runs, bool)
    while active.any():
        idx = rows[active] if not active.all() else rows
        si, ai = s[idx], a[idx]
        s2, r, done = env.step_batch(si, ai, g)
        q_next = Q[idx, s2]
        if method == "q_learning":
            boot = q_next.max(1)
        else:
            a2 = _act(q_next, g, **kw)
            if method == "sarsa":
                boot = q_next[np.arange(len(idx)), a2]
            else:
                boot = (_action_probs(q_next, **kw) * q_next).sum(1)
        target = r + discount * np.where(done, 0.0, boot)
        Q[idx, si, ai] += learning_rate * (target - Q[idx, si, ai])
        if method == "q_learning":  # behaviour at s' follows the updated table
            a2 = _act(Q[idx, s2], g, **kw)
        ret[idx] += r
        length[idx] += 1
        ended = done | (length[idx] >= env.max_episode_steps)
        s[idx] = s2
        a[idx] = a2
        if ended.any():
            e_idx = idx[ended]
            returns[e_idx, episode[e_idx]] = ret[e_idx]
            lengths[e_idx, episode[e_idx]] = length[e_idx]
            episode[e_idx] += 1
            ret[e_idx] = 0.0
            length[e_idx] = 0
            s[e_idx] = env.start
            a[e_idx] = _act(Q[e_idx, env.start], g, **kw)
            active[e_idx[episode[e_idx] >= n_episodes]] = False
    return xr.Dataset(
        {"episode_return": (("run", "episode"), returns, {"units": "1", "long_name": "return of the episode (online)"}),
         "episode_length": (("run", "episode"), lengths, {"units": "1", "long_name": "steps in the episode"}),
         "q_values": (("run", "state", "action"), Q, {"units": "1", "long_name": "learned action value"})},
        coords={"run": np.arange(n_runs), "episode": np.arange(1, n_episodes + 1), "state": env.state_labels,
                "action": env.action_labels},
        attrs={"method": method, "learning_rate": learning_rate, "discount": discount, "epsilon": epsilon,
               "policy": policy, "environment": env.name},
    )


def greedy_path(env, q_values, *, max_steps: int | None = None):
    """The greedy policy's path from the start and its return: ``(states, return)``.

    A path that revisits a state (a loop) stops there with return ``-inf``.

    Parameters
    ----------
    env : TabularEnv
        The environment.
    q_values : array_like of shape (n_states, n_actions)
        Action values; the path takes the argmax in each state.
    max_steps : int, optional
        Most steps (default ``4 * n_states``); a path that has not ended by then gets
        return ``-inf``.

    Returns
    -------
    states : list of int
        The states visited, the start first.
    return : float
        The expected return of the path (each reward times its probability of being paid),
        or ``-inf`` for a loop or a path that did not end.

    Examples
    --------
    >>> from neurocomp.rl import GridWorld
    >>> import numpy as np
    >>> greedy_path(GridWorld(["S.G"]), np.array([[0, 1, 0, 0]] * 3, float))
    ([0, 1, 2], 1.0)
    """
    env = _check_env(env)
    q = np.asarray(q_values, dtype=float)
    if q.shape != (env.n_states, env.n_actions):
        raise ValidationError(f"q_values must have shape ({env.n_states}, {env.n_actions}); got {q.shape}")
    s, total, path, seen = env.start, 0.0, [env.start], {env.start}
    for _ in range(max_steps or env.n_states * 4):
        a = int(np.argmax(q[s]))
        total += float(env.reward[s, a] * env.reward_prob[s, a])
        s = int(env.next_state[s, a])
        path.append(s)
        if env.terminal[s]:
            return path, total
        if s in seen:
            return path, float("-inf")
        seen.add(s)
    return path, float("-inf")


def actor_critic(env, *, n_runs: int = 100, n_episodes: int = 500, critic_learning_rate: float = 0.1,
                 actor_learning_rate: float = 0.1, discount: float = 1.0, temperature: float = 1.0,
                 rng=None) -> xr.Dataset:
    """One-step actor–critic: a TD critic V(s) and a softmax actor with preferences H(s, a).

    The critic's TD error δ = r + γV(s') − V(s) — the reward-prediction error that
    dopamine neurons are thought to broadcast — trains both: V(s) += α_c δ and
    H(s, ·) += α_a δ (1[a] − π(·|s)).

    Parameters
    ----------
    env : TabularEnv
    n_runs, n_episodes : int
    critic_learning_rate, actor_learning_rate : float in (0, 1]
    discount : float in [0, 1]
    temperature : float
        Softmax temperature of the actor.
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``episode_return`` (run, episode), ``value`` (run, state) and
        ``policy`` (run, state, action) at the end.

    References
    ----------
    Barto, A. G., Sutton, R. S. & Anderson, C. W. (1983). Neuronlike adaptive
        elements that can solve difficult learning control problems. IEEE Trans.
        Syst. Man Cybern. 13, 834–846.

    Examples
    --------
    >>> from neurocomp.rl import TwoArmedBandit
    >>> out = actor_critic(TwoArmedBandit((0.2, 0.8)), n_runs=50, n_episodes=300, rng=0)
    >>> bool(out.policy.mean("run").sel(state="choice", action="arm 1") > 0.8)
    True
    """
    env = _check_env(env)
    _check_rates(discount=discount)
    check_in_range("critic_learning_rate", critic_learning_rate, 0, 1, low_open=True)
    check_in_range("actor_learning_rate", actor_learning_rate, 0, 1, low_open=True)
    check_positive("temperature", temperature)
    n_runs, n_episodes = _check_sizes(n_runs, n_episodes, env, per_run=2)
    g = as_generator(rng)
    S, A = env.n_states, env.n_actions
    V = np.zeros((n_runs, S))
    Hp = np.zeros((n_runs, S, A))
    rows = np.arange(n_runs)
    s = np.full(n_runs, env.start)
    episode = np.zeros(n_runs, np.int64)
    ret = np.zeros(n_runs)
    length = np.zeros(n_runs, np.int64)
    returns = np.full((n_runs, n_episodes), np.nan)
    active = np.ones(n_runs, bool)

    def probs(h):
        z = h / temperature
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(1, keepdims=True)

    while active.any():
        idx = rows[active]
        si = s[idx]
        p = probs(Hp[idx, si])
        a = _sample(p, g)
        s2, r, done = env.step_batch(si, a, g)
        delta = r + discount * np.where(done, 0.0, V[idx, s2]) - V[idx, si]
        V[idx, si] += critic_learning_rate * delta
        onehot = np.zeros_like(p)
        onehot[np.arange(len(idx)), a] = 1.0
        Hp[idx, si] += actor_learning_rate * delta[:, None] * (onehot - p)
        ret[idx] += r
        length[idx] += 1
        ended = done | (length[idx] >= env.max_episode_steps)
        s[idx] = s2
        if ended.any():
            e_idx = idx[ended]
            returns[e_idx, episode[e_idx]] = ret[e_idx]
            episode[e_idx] += 1
            ret[e_idx] = 0.0
            length[e_idx] = 0
            s[e_idx] = env.start
            active[e_idx[episode[e_idx] >= n_episodes]] = False
    pol = np.stack([probs(Hp[:, k]) for k in range(S)], axis=1)
    return xr.Dataset(
        {"episode_return": (("run", "episode"), returns, {"units": "1", "long_name": "return of the episode (online)"}),
         "value": (("run", "state"), V, {"units": "1", "long_name": "critic's state value"}),
         "policy": (("run", "state", "action"), pol, {"units": "1", "long_name": "actor's action probability"})},
        coords={"run": np.arange(n_runs), "episode": np.arange(1, n_episodes + 1), "state": env.state_labels,
                "action": env.action_labels},
        attrs={"method": "actor_critic", "environment": env.name},
    )


def successor_representation(env, *, policy=None, learning_rate: float = 0.1, discount: float = 0.9,
                             n_runs: int = 20, n_episodes: int = 200, rng=None) -> xr.Dataset:
    """Learn the successor representation M(s, s') by TD (Dayan 1993), for many runs at once.

    M(s, s') is the expected discounted number of future visits to s' starting from
    s under the policy; V = M r for any reward vector r. TD update on each step
    s → s': M(s, ·) += α (1_s + γ M(s', ·) − M(s, ·)), with M(terminal, ·) = 0.

    Parameters
    ----------
    env : TabularEnv
    policy : array (n_states, n_actions), optional
        Default equiprobable.
    learning_rate : float in (0, 1]
    discount : float in [0, 1)
    n_runs, n_episodes : int
    rng : None, int or Generator

    Returns
    -------
    xarray.Dataset
        ``successor`` (run, state, state_post) learned, and ``successor_theory``
        (state, state_post) = (I − γ P_π)⁻¹ over non-terminal states (0 elsewhere).

    References
    ----------
    Dayan, P. (1993). Neural Comput. 5, 613–624.

    Examples
    --------
    >>> from neurocomp.rl import RandomWalk
    >>> sr = successor_representation(RandomWalk(), n_runs=50, n_episodes=300, learning_rate=0.05, rng=0)
    >>> err = abs(sr.successor.mean("run") - sr.successor_theory).max()
    >>> bool(err < 0.1)
    True
    """
    env = _check_env(env)
    check_in_range("learning_rate", learning_rate, 0, 1, low_open=True)
    check_in_range("discount", discount, 0, 1, high_open=True)
    n_runs, n_episodes = _check_sizes(n_runs, n_episodes, env, per_run=env.n_states)
    pi = _policy_matrix(env, policy)
    g = as_generator(rng)
    S = env.n_states
    M = np.zeros((n_runs, S, S))
    eye = np.eye(S)
    rows = np.arange(n_runs)
    for _ in range(n_episodes):
        s = np.full(n_runs, env.start)
        active = np.ones(n_runs, bool)
        steps = 0
        while active.any() and steps < env.max_episode_steps:
            idx = rows[active]
            a = _sample(pi[s[idx]], g)
            s2, _, done = env.step_batch(s[idx], a, g)
            boot = np.where(done[:, None], 0.0, M[idx, s2])
            M[idx, s[idx]] += learning_rate * (eye[s[idx]] + discount * boot - M[idx, s[idx]])
            s[idx] = s2
            active[idx[done]] = False
            steps += 1
    # Theory: P_pi over non-terminal states (transitions into terminal states leave the chain).
    P = np.zeros((S, S))
    for a in range(env.n_actions):
        np.add.at(P, (np.arange(S), env.next_state[:, a]), pi[:, a])
    nt = ~env.terminal
    theory = np.zeros((S, S))
    Pn = P[np.ix_(nt, nt)]
    theory[np.ix_(nt, nt)] = np.linalg.inv(np.eye(nt.sum()) - discount * Pn)
    return xr.Dataset(
        {"successor": (("run", "state", "state_post"), M, {"units": "1", "long_name": "successor representation (TD)"}),
         "successor_theory": (("state", "state_post"), theory,
                              {"units": "1", "long_name": "successor representation (I - gamma P)^-1"})},
        coords={"run": np.arange(n_runs), "state": env.state_labels, "state_post": env.state_labels},
        attrs={"discount": discount, "learning_rate": learning_rate, "environment": env.name},
    )
