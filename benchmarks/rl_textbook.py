"""Sutton & Barto's cliff-walking figure (Sarsa and Q-learning, ε = 0.1, α = 0.5, 500 episodes):
neurocomp's batched agents vs the loop a student writes, in the same run.

The student's loop: for each run, for each step, an ε-greedy choice from a numpy Q-table and a
Python step of the environment (neurocomp's ``TabularEnv.step``, Gymnasium's interface; or
gymnasium's own ``CliffWalking-v1`` with ``--gymnasium`` when it is installed). Both sides report
the mean online return over the last 100 episodes with its standard error across runs; the curves
agree within their errors (different random streams).

Run:  python benchmarks/rl_textbook.py [--runs 1000] [--loop-runs 50] [--episodes 500] [--gymnasium]
The loop is timed on ``--loop-runs`` runs and scaled linearly to ``--runs`` (runs are independent).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from neurocomp.rl import CliffWalking, control


def student_run(env, method, n_episodes, alpha, eps, rng):
    nS, nA = env.observation_space.n, env.action_space.n
    Q = np.zeros((nS, nA))

    def choose(s):
        if rng.random() < eps:
            return int(rng.integers(nA))
        q = Q[s]
        best = np.flatnonzero(q == q.max())
        return int(rng.choice(best))

    returns = np.empty(n_episodes)
    for ep in range(n_episodes):
        s, _ = env.reset()
        a = choose(s)
        total, done = 0.0, False
        while not done:
            s2, r, term, trunc, _ = env.step(a)
            total += r
            done = term or trunc
            if method == "sarsa":
                a2 = choose(s2)
                target = r + (0.0 if term else Q[s2, a2])
                Q[s, a] += alpha * (target - Q[s, a])
            else:
                target = r + (0.0 if term else Q[s2].max())
                Q[s, a] += alpha * (target - Q[s, a])
                a2 = choose(s2)
            s, a = s2, a2
        returns[ep] = total
    return returns


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--loop-runs", type=int, default=50)
    ap.add_argument("--episodes", type=int, default=500)
    ap.add_argument("--gymnasium", action="store_true", help="time the loop on gymnasium's CliffWalking-v1")
    args = ap.parse_args(argv)
    env = CliffWalking()
    if args.gymnasium:
        import gymnasium

        loop_env = gymnasium.make("CliffWalking-v1")
        loop_env.reset(seed=0)
    else:
        loop_env = CliffWalking()
    print(f"cliff walking, {args.episodes} episodes, eps 0.1, alpha 0.5; mean online return of the last 100 "
          f"episodes ± SE over runs")
    total_ours = total_loop = 0.0
    for method in ("sarsa", "q_learning"):
        t0 = time.perf_counter()
        out = control(env, method=method, n_runs=args.runs, n_episodes=args.episodes, learning_rate=0.5,
                      epsilon=0.1, rng=1)
        ours = time.perf_counter() - t0
        last = out.episode_return[:, -100:].mean("episode").values
        rng = np.random.default_rng(2)
        t0 = time.perf_counter()
        loop = np.array([student_run(loop_env, method, args.episodes, 0.5, 0.1, rng)[-100:].mean()
                         for _ in range(args.loop_runs)])
        theirs = (time.perf_counter() - t0) * args.runs / args.loop_runs
        total_ours += ours
        total_loop += theirs
        print(f"  {method:10s} neurocomp {ours:7.2f} s  return {last.mean():7.2f} ± {last.std(ddof=1) / np.sqrt(len(last)):.2f}"
              f" | loop {theirs:8.2f} s  return {loop.mean():7.2f} ± {loop.std(ddof=1) / np.sqrt(len(loop)):.2f}"
              f" | {theirs / ours:5.1f} x")
    print(f"  both agents: {total_loop / total_ours:.1f} x faster ({args.runs} runs each)")


if __name__ == "__main__":
    main()
