"""The recurrent-network tasks: each target is what the task's definition says, checked against an
independent computation; the statistics of the random draws against their theory; bad input refused."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from neurocomp.rnn import tasks


# ------------------------------------------------------------------ flip-flop
def test_flipflop_target_holds_the_last_pulse(rng):
    ds = tasks.flipflop(n_trials=20, n_steps=60, n_bits=3, pulse_prob=0.1, rng=rng)
    X, y = ds.inputs.values, ds.targets.values
    for i, b in itertools.product(range(20), range(3)):
        last = 0.0
        for t in range(60):  # a plain loop: the independent definition of "holds the last pulse"
            if X[i, t, b] != 0:
                last = X[i, t, b]
            assert y[i, t, b] == last
    assert (X[:, 0] != 0).all()  # every bit is set at the start: targets are always a cube corner


def test_flipflop_pulse_rate_and_signs(rng):
    p, n = 0.05, 400 * 199 * 3
    ds = tasks.flipflop(n_trials=400, n_steps=200, pulse_prob=p, rng=rng)
    pulses = ds.inputs.values[:, 1:] != 0
    se = np.sqrt(p * (1 - p) / n)
    assert abs(pulses.mean() - p) < 4 * se
    signs = ds.inputs.values[ds.inputs.values != 0]
    assert abs((signs > 0).mean() - 0.5) < 4 * 0.5 / np.sqrt(signs.size)


def test_flipflop_seeded():
    a, b = tasks.flipflop(n_trials=3, rng=5), tasks.flipflop(n_trials=3, rng=5)
    assert (a.inputs.values == b.inputs.values).all()


# ------------------------------------------------------------------ decisions
def test_perceptual_decision_evidence_has_the_coherence_as_mean(rng):
    ds = tasks.perceptual_decision(n_trials=2000, coherences=[-0.2, 0.1], noise_sd=1.0, dt=0.02, rng=rng)
    stim = ds.inputs.sel(input="evidence").values[0] != 0
    ev = ds.inputs.sel(input="evidence").values[:, stim]
    for c in (-0.2, 0.1):
        sel = ds.coherence.values == c
        se = 1.0 / np.sqrt(ev[sel].size)
        assert abs(ev[sel].mean() - c) < 4 * se
        assert abs(ev[sel].std() - 1.0) < 0.02
    resp = ds.response_period.values
    assert (ds.targets.values[:, resp, 0] == np.sign(ds.coherence.values)[:, None]).all()
    assert (ds.targets.values[:, ~resp, 0] == 0).all()
    assert (ds.inputs.sel(input="fixation").values[:, resp] == 0).all()
    assert ds.mask.values.all()


def test_context_dependent_integration_targets_follow_the_relevant_coherence(rng):
    ds = tasks.context_dependent_integration(n_trials=3000, rng=rng)
    ctx = ds.context.values
    resp = ds.response_period.values
    relevant = np.where(ctx == 0, ds.motion_coherence.values, ds.colour_coherence.values)
    assert (ds.targets.values[:, resp, 0] == np.sign(relevant)[:, None]).all()
    cue = ds.inputs.sel(input=["motion context", "colour context"]).values
    assert (cue.sum(-1) == 1).all() and (cue[:, :, 1] == ctx[:, None]).all()
    # the irrelevant coherence is drawn independently of the choice: its sign agrees half the time
    irrelevant = np.where(ctx == 0, ds.colour_coherence.values, ds.motion_coherence.values)
    agree = (np.sign(irrelevant) == np.sign(relevant)).mean()
    assert abs(agree - 0.5) < 4 * 0.5 / np.sqrt(3000)
    assert abs(ctx.mean() - 0.5) < 4 * 0.5 / np.sqrt(3000)


def test_adding_problem_target_and_baseline(rng):
    ds = tasks.adding_problem(n_trials=4000, n_steps=20, rng=rng)
    X, y, mask = tasks.to_arrays(ds, readout="last")
    assert mask is None and y.shape == (4000, 1)
    marker = X[:, :, 1]
    assert (marker[:, :10].sum(1) == 1).all() and (marker[:, 10:].sum(1) == 1).all()
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * marker).sum(1))
    # predicting 1 has mean squared error Var(U1 + U2) = 1/6; its SE from the 4th moment
    err = (y[:, 0] - 1.0) ** 2
    assert abs(err.mean() - 1 / 6) < 4 * err.std() / np.sqrt(err.size)


# ------------------------------------------------------------------ Reber grammar
def test_reber_strings_are_grammatical_and_embedded(rng):
    strings = tasks.reber_strings(500, rng=rng)
    for s in strings:
        assert tasks.check_reber_string(s) == s
        assert s[1] == s[-2] and s[1] in "TP"
        assert s[2] == "B" and s[-3] == "E"
    # the outer symbol is T or P with probability 1/2
    assert abs(np.mean([s[1] == "T" for s in strings]) - 0.5) < 4 * 0.5 / np.sqrt(500)
    plain = tasks.reber_strings(50, embedded=False, rng=rng)
    for s in plain:
        tasks.check_reber_string(s, embedded=False)


def test_reber_inner_length_matches_the_grammar(rng):
    # Reber strings have mean length 2 + E[symbols between B and E]; from the graph: expected steps to absorption
    # of the chain 0 -> {1, 2}, 1 -> {1, 3}, 2 -> {2, 4}, 3 -> {2, 5}, 4 -> {3, 5}, all with probability 1/2.
    P = np.zeros((5, 5))
    P[0, 1] = P[0, 2] = P[1, 1] = P[1, 3] = P[2, 2] = P[2, 4] = P[3, 2] = P[4, 3] = 0.5
    steps = np.linalg.solve(np.eye(5) - P, np.ones(5))[0]
    lengths = np.array([len(s) for s in tasks.reber_strings(4000, embedded=False, rng=rng)])
    assert abs(lengths.mean() - (steps + 2)) < 4 * lengths.std() / np.sqrt(lengths.size)


def test_reber_legal_sets_contain_the_next_symbol(rng):
    ds = tasks.embedded_reber(n_trials=200, rng=rng)
    legal, y, mask = ds.legal.values, ds.targets.values, ds.mask.values
    rows, cols = np.nonzero(mask)
    assert legal[rows, cols, y[rows, cols]].all()
    assert not legal[~mask].any()
    # one legal successor exactly at the long-lag step (after the inner E) and at the final E
    n_legal = legal.sum(-1)
    L = ds.length.values
    assert (n_legal[np.arange(200), L - 3] == 1).all() and (n_legal[np.arange(200), L - 2] == 1).all()
    X = ds.inputs.values
    assert (X.sum(-1) == mask).all()  # one-hot where real, zero padding


@pytest.mark.parametrize("bad, fragment", [
    ("BTBTXZETE", "symbol 'Z' at position 5"),
    ("BTBTXXETE", "symbol 'E' at position 6"),     # X X -> node 2 which cannot emit E
    ("BTBTXSEPE", "symbol 'P' at position 7"),      # the outer symbols differ
    ("BTBTXSET", "unfinished"),
    ("BTBTXSETEE", "continues after its end"),
    ("", "non-empty"),
])
def test_reber_string_outside_the_grammar_is_refused(bad, fragment):
    with pytest.raises(ValueError, match="string") as err:
        tasks.check_reber_string(bad)
    assert fragment in str(err.value)
    if bad:
        with pytest.raises(ValueError, match=r"strings\[1\]"):
            tasks.embedded_reber(strings=["BTBTXSETE", bad])


def test_reber_score_ranks_legal_above_illegal():
    ds = tasks.embedded_reber(strings=["BTBTXSETE", "BPBPVVEPE"])
    legal = ds.legal.values.astype(float)
    perfect = legal / np.maximum(legal.sum(-1, keepdims=True), 1)
    perfect[~ds.mask.values] = 1 / 7
    sc = tasks.reber_score(perfect, ds)
    assert sc.attrs["fraction_correct"] == 1.0 and sc.attrs["fraction_long_lag_correct"] == 1.0
    # a model that forgot the outer symbol: T and P equally likely at the long-lag step
    forgot = perfect.copy()
    for i, L in enumerate(ds.length.values):
        forgot[i, L - 3] = 0.0
        forgot[i, L - 3, [1, 2]] = 0.5
    sc = tasks.reber_score(forgot, ds)
    assert not sc.string_correct.any() and not sc.long_lag_correct.any()
    with pytest.raises(ValueError, match="proba"):
        tasks.reber_score(perfect[:, :3], ds)


# ------------------------------------------------------------------ character-level text
def _all_sentences(symbol):
    """Every derivation of the grammar with its probability, enumerated independently of the recursion."""
    G = tasks._GRAMMAR
    if symbol not in G:
        return [([symbol], 1.0)]
    out = []
    for p, rhs in G[symbol]:
        parts = [_all_sentences(s) for s in rhs]
        for combo in itertools.product(*parts):
            words = [w for ws, _ in combo for w in ws]
            out.append((words, p * np.prod([q for _, q in combo])))
    return out


def test_grammar_entropy_rate_is_exact_and_the_grammar_unambiguous():
    sentences = _all_sentences("S")
    strings = [" ".join(w) + ". " for w, _ in sentences]
    p = np.array([q for _, q in sentences])
    assert len(set(strings)) == len(strings)  # unambiguous: distinct derivations give distinct texts
    np.testing.assert_allclose(p.sum(), 1.0, rtol=1e-12)
    H = -(p * np.log2(p)).sum()
    length = (p * np.array([len(s) for s in strings])).sum()
    assert tasks.grammar_entropy_rate() == pytest.approx(H / length, rel=1e-12)
    assert tasks.grammar_entropy_rate(units="nat") == pytest.approx(H / length * np.log(2), rel=1e-12)


def test_grammar_corpus_sentence_frequencies(rng):
    text = tasks.grammar_corpus(4000, rng=rng)
    sent = text.split(". ")[:-1]
    assert len(sent) == 4000
    # P(VP = Vi) = 0.3: only then has the sentence at most 4 words (NP has 2 or 3, a transitive VP at least 3)
    short = np.mean([len(s.split()) <= 4 for s in sent])
    assert abs(short - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 4000)


def test_char_sequences_windows(tmp_path):
    ds = tasks.char_sequences("hello world, hello", n_steps=5)
    X, y, mask = tasks.to_arrays(ds)
    alphabet = ds.input.values.tolist()
    text = "".join(alphabet[k] for k in X.argmax(-1).ravel())
    assert text == "hello world, hello"[:15]
    assert "".join(alphabet[k] for k in y.ravel()) == "hello world, hello"[1:16]
    f = tmp_path / "t.txt"
    f.write_text("abcabcabcabc", encoding="utf-8")
    ds = tasks.char_sequences(path=f, n_steps=4)
    assert ds.inputs.shape == (2, 4, 3)
    default = tasks.char_sequences(n_steps=30, n_trials=10, rng=0)
    assert set(default.input.values.tolist()) <= set("abcdefghijklmnopqrstuvwxyz .")


def test_char_sequences_bad_input(tmp_path):
    with pytest.raises(ValueError, match="n_steps"):
        tasks.char_sequences("abc", n_steps=5)
    with pytest.raises(ValueError, match="path"):
        tasks.char_sequences(path=tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="n_trials"):
        tasks.char_sequences("abcdefg", n_steps=2, n_trials=10)
    with pytest.raises(ValueError, match="alphabet"):
        tasks.char_sequences("abcdefg", n_steps=2, alphabet="abc")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("call, name", [
    (lambda: tasks.perceptual_decision(coherences=[0.1, np.nan]), "coherences"),
    (lambda: tasks.context_dependent_integration(coherences=[0.0, 0.1]), "coherences"),
    (lambda: tasks.flipflop(n_bits=0), "n_bits"),
    (lambda: tasks.flipflop(pulse_prob=1.5), "pulse_prob"),
    (lambda: tasks.adding_problem(n_steps=1), "n_steps"),
    (lambda: tasks.perceptual_decision(dt=-0.01), "dt"),
    (lambda: tasks.perceptual_decision(stimulus=0.001, dt=0.02), "stimulus"),
    (lambda: tasks.to_arrays({"inputs": 1}), "data"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ------------------------------------------------------------------------------ neurogym (optional)
def test_from_neurogym_gives_the_tasks_own_trials_padded_and_masked():
    ngym = pytest.importorskip("neurogym")
    import warnings

    from neurocomp.random import as_generator
    from neurocomp.rnn.tasks import from_neurogym

    ds = from_neurogym("PerceptualDecisionMaking-v0", n_trials=20, rng=5, dt=100)
    assert ds.inputs.dims == ("trial", "time", "input") and ds.targets.dims == ("trial", "time")
    again = from_neurogym("PerceptualDecisionMaking-v0", n_trials=20, rng=5, dt=100)
    np.testing.assert_array_equal(ds.inputs.values, again.inputs.values)
    # the peer's own trials for the seed the adapter derives from rng, step for step
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = ngym.make("PerceptualDecisionMaking-v0", dt=100).unwrapped
    env.seed(int(as_generator(5).integers(2**31 - 1)))
    for i in range(20):
        env.new_trial()
        n = len(env.gt)
        assert ds["mask"].values[i].sum() == n and ds["mask"].values[i, :n].all()
        np.testing.assert_array_equal(ds.inputs.values[i, :n], env.ob)
        np.testing.assert_array_equal(ds.targets.values[i, :n], env.gt)
    # the decision step asks for the correct choice (actions 1, 2 = choices 0, 1)
    last = ds["mask"].values.sum(axis=1) - 1
    np.testing.assert_array_equal(ds.targets.values[np.arange(20), last], ds.ground_truth.values + 1)
    assert float(ds.time[1] - ds.time[0]) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="env must name a neurogym task"):
        from_neurogym("NoSuchTask-v0", n_trials=2)
    with pytest.raises(ValueError, match="n_trials must be"):
        from_neurogym("PerceptualDecisionMaking-v0", n_trials=0)


class _TrialEnv:
    """A task with neurogym's trial interface (seed, new_trial -> ob, gt; dt in ms), without neurogym."""

    dt = 20

    def seed(self, seed):
        self.rng = np.random.default_rng(seed)

    def new_trial(self):
        n = int(self.rng.integers(3, 8))
        choice = int(self.rng.integers(2))
        self.ob = np.c_[np.ones(n), np.full(n, 2.0 * choice - 1)]
        self.gt = np.r_[np.zeros(n - 1, int), choice + 1]
        return {"ground_truth": choice}


def test_from_neurogym_pads_ragged_trials_with_a_prefix_mask():
    from neurocomp.rnn.tasks import from_neurogym, to_arrays

    ds = from_neurogym(_TrialEnv(), n_trials=30, rng=1)
    lengths = ds["mask"].values.sum(axis=1)
    assert lengths.min() >= 3 and lengths.max() == ds.sizes["time"] and len(set(lengths)) > 1
    for i, n in enumerate(lengths):  # True on a prefix, zeros after it
        assert ds["mask"].values[i, :n].all() and not ds["mask"].values[i, n:].any()
        assert not ds.inputs.values[i, n:].any() and not ds.targets.values[i, n:].any()
    X, y, mask = to_arrays(ds, readout="last")
    np.testing.assert_array_equal(y, ds.ground_truth.values + 1)
    assert ds.time.attrs["units"] == "s" and float(ds.time[0]) == pytest.approx(0.02)
    with pytest.raises(ValueError, match="env must be a neurogym task"):
        from_neurogym(object(), n_trials=2)
    with pytest.raises(ValueError, match="keyword arguments"):
        from_neurogym(_TrialEnv(), n_trials=2, dt=100)
