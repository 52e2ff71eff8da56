"""Reinforcement learning: textbook figures, the dopamine TD error, and the batched agents' bookkeeping."""

import numpy as np
import pytest

from neurocomp import rl
from neurocomp.experiments import get


def test_environments_follow_gymnasiums_interface():
    env = rl.CliffWalking()
    obs, info = env.reset(seed=3)
    assert obs == 36 and info == {}
    obs, r, term, trunc, info = env.step(1)  # right, onto the cliff: back to the start
    assert (obs, r, term, trunc) == (36, -100.0, False, False)
    obs, r, term, trunc, _ = env.step(0)  # up
    assert (obs, r, term) == (24, -1.0, False)
    with pytest.raises(ValueError, match=r"action must be an integer in 0..3 \(up, right, down, left\); got 4"):
        env.step(4)
    with pytest.raises(ValueError, match="action must be an integer"):
        env.step(1.0)


def test_environment_names_and_bad_maps():
    with pytest.raises(ValueError, match="Allowed values are 'random_walk', 'cliff_walking', 'grid_world' and 'bandit'"):
        rl.make("cliff")
    with pytest.raises(ValueError, match="exactly one start"):
        rl.GridWorld(["..G"])
    with pytest.raises(ValueError, match="goal_reward must be finite"):
        rl.GridWorld(["S.G"], goal_reward=float("nan"))
    with pytest.raises(ValueError, match="n_states must be odd"):
        rl.RandomWalk(4)


def test_gymnasium_cliff_walking_reads_into_the_same_tables():
    gym = pytest.importorskip("gymnasium")
    env = rl.from_gymnasium(gym.make("CliffWalking-v1"))
    ours = rl.CliffWalking()
    assert env.start == ours.start
    free = ~ours.terminal
    np.testing.assert_array_equal(env.next_state[free], ours.next_state[free])
    np.testing.assert_array_equal(env.reward[free], ours.reward[free])


@pytest.mark.parametrize("bad, match", [
    (dict(learning_rate=0.0), "learning_rate must lie in"), (dict(learning_rate=1.5), "learning_rate must lie in"),
    (dict(epsilon=-0.1), "epsilon must lie in"), (dict(discount=1.1), "discount must lie in"),
    (dict(method="td"), "Allowed values are 'q_learning'"), (dict(n_runs=0), "n_runs must be >= 1"),
])
def test_agents_refuse_bad_settings(bad, match):
    with pytest.raises(ValueError, match=match):
        rl.control(rl.CliffWalking(), **{"n_runs": 2, "n_episodes": 2, **bad})


def test_td_lambda_refuses_lambda_outside_unit_interval():
    with pytest.raises(ValueError, match=r"trace_decay must lie in \[0, 1\]"):
        rl.td_prediction(rl.RandomWalk(), trace_decay=1.5)


def test_td0_converges_to_the_random_walk_values():
    """With a small step size the mean over runs of V approaches k/6 within the run-to-run error."""
    out = rl.td_prediction(rl.RandomWalk(), learning_rate=0.02, n_runs=300, n_episodes=400, initial_value=0.5, rng=1)
    v = out.value.isel(state=slice(1, -1))
    se = v.std("run", ddof=1) / np.sqrt(300)
    assert np.all(np.abs(v.mean("run") - rl.random_walk_values()) < 4 * se + 0.01)


def test_td_beats_monte_carlo_early_as_in_figure_6_2():
    res = get("td_random_walk")(n_runs=100, n_episodes=100, rng=2)
    da = res.dataset.rms_error
    best_mc = min(float(da.sel(model=f"MC α = {a}")[-1]) for a in ("0.01", "0.02", "0.03", "0.04"))
    assert float(da.sel(model="TD α = 0.05")[-1]) < best_mc
    # Every curve starts at the error of V = 0.5 everywhere: sqrt(mean((k/6 - 1/2)^2)) ≈ 0.236, then falls.
    first = np.sqrt(np.mean((rl.random_walk_values() - 0.5) ** 2))
    assert np.all(da.isel(episode=0) < first + 0.02) and np.all(da.isel(episode=-1) < 0.15)


def test_td1_offline_equals_monte_carlo():
    a = rl.td_prediction(rl.RandomWalk(), method="mc", learning_rate=0.1, n_runs=5, n_episodes=20, rng=3)
    assert a.attrs["trace_decay"] == 1.0
    b = rl.td_prediction(rl.RandomWalk(), method="td", trace_decay=1.0, learning_rate=0.1, n_runs=5, n_episodes=20,
                         rng=3)
    # Online TD(1) differs from the offline (MC) update only through within-episode changes of V.
    assert not np.allclose(a.value, b.value)


@pytest.mark.parametrize("seed", [1, 2])
def test_cliff_walking_reproduces_figure_6_4(seed):
    """Sarsa settles near −25 (we measure about −27), Q-learning near −50, over 150 runs each."""
    res = get("cliff_walking")(n_runs=150, n_episodes=500, rng=seed)
    s = res.summary
    assert abs(s["sarsa_return"] - (-27)) < 4 * s["sarsa_return_se"] + 2
    assert abs(s["qlearning_return"] - (-50)) < 4 * s["qlearning_return_se"] + 2
    assert s["qlearning_greedy_return"] == -13.0  # the shortest path, along the edge
    assert -25.0 <= s["sarsa_greedy_return"] < -13.0  # a safer, longer path


def test_batched_runs_equal_single_runs_in_distribution():
    """The batch bookkeeping gives the same mean learning curve as independent single runs."""
    env = rl.CliffWalking()
    batch = rl.control(env, method="sarsa", n_runs=300, n_episodes=40, rng=4).episode_return
    singles = np.stack([rl.control(env, method="sarsa", n_runs=1, n_episodes=40, rng=100 + i).episode_return[0]
                        for i in range(25)])
    m1, m2 = batch[:, 20:].mean(), singles[:, 20:].mean()
    se = np.sqrt(batch[:, 20:].mean("episode").var() / 300 + singles[:, 20:].mean(1).var() / 25)
    assert abs(float(m1 - m2)) < 4 * float(se)


def test_agents_are_seeded():
    env = rl.CliffWalking()
    a = rl.control(env, n_runs=3, n_episodes=5, rng=9)
    b = rl.control(env, n_runs=3, n_episodes=5, rng=9)
    assert a.identical(b)


def test_dopamine_rpe_moves_from_reward_to_cue_and_dips_on_omission():
    res = get("td_dopamine")(n_trials=300, reward_probs=[0.0, 0.5, 1.0], n_runs=100, rng=5)
    s = res.summary
    assert s["rpe_reward_before"] == pytest.approx(1.0, abs=1e-12)
    assert abs(s["rpe_reward_after"]) < 1e-3
    assert s["rpe_cue_after"] == pytest.approx(s["cue_response_theory_at_p1"], rel=1e-3)  # γ^(reward - cue)
    assert s["rpe_omission"] == pytest.approx(-1.0, abs=1e-3)


def test_cue_response_scales_with_reward_probability():
    """Fiorillo et al. (2003): δ at the cue ∝ p, δ at a delivered reward ≈ 1 − p (TD theory: p γ^d and 1 − p)."""
    res = get("td_dopamine")(n_trials=400, reward_probs=[0.25, 0.5, 0.75], n_runs=200, rng=6)
    ds = res.dataset
    p = ds.reward_prob.values
    theory_cue = p * res.summary["cue_response_theory_at_p1"]
    # The learner's estimate fluctuates with the last rewards (α = 0.2): allow 4 SE plus that bias of a few %.
    assert np.all(np.abs(ds.cue_response.values - theory_cue) < 4 * ds.cue_response_se.values + 0.05 * theory_cue)
    assert np.all(np.diff(ds.cue_response.values) > 0) and np.all(np.diff(ds.reward_response.values) < 0)
    assert np.all(np.abs(ds.reward_response.values - (1 - p)) < 4 * ds.reward_response_se.values + 0.05)


def test_successor_representation_converges_to_its_closed_form():
    sr = rl.successor_representation(rl.RandomWalk(), n_runs=100, n_episodes=400, learning_rate=0.05, discount=0.9,
                                     rng=7)
    err = np.abs(sr.successor.mean("run") - sr.successor_theory)
    assert float(err.max()) < 0.08


def test_actor_critic_prefers_the_better_arm():
    out = rl.actor_critic(rl.TwoArmedBandit((0.3, 0.7)), n_runs=200, n_episodes=400, rng=8)
    p_better = out.policy.sel(state="choice", action="arm 1")
    assert float(p_better.mean()) > 0.85
    # The critic's value of the choice state approaches what the policy earns.
    earned = 0.3 * (1 - p_better) + 0.7 * p_better
    assert float(np.abs(out.value.sel(state="choice") - earned).mean()) < 0.1
