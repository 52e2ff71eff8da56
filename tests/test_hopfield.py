"""Tests of neurocomp.hopfield: storage, dynamics, energy, capacity against theory, bad input."""

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.linalg import hadamard
from scipy.optimize import brentq
from scipy.special import erfc

from neurocomp import hopfield as hf
from neurocomp.hopfield import Hopfield


# ----------------------------------------------------------------------------- patterns


def test_to_spins_maps_zero_one():
    assert hf.to_spins([0, 1, 1]).tolist() == [-1, 1, 1]
    assert hf.to_spins(np.array([[True, False]])).tolist() == [[1, -1]]


def test_random_patterns_bias_and_reproducibility():
    a = hf.random_patterns(50, 400, activity=0.8, rng=1)
    assert a.shape == (50, 400) and set(np.unique(a)) == {-1, 1}
    # mean spin 2a - 1 = 0.6 with standard error sqrt((1 - 0.6**2) / 20000)
    assert abs(a.mean() - 0.6) < 4 * np.sqrt(0.64 / a.size)
    assert np.array_equal(hf.random_patterns(3, 10, rng=5), hf.random_patterns(3, 10, rng=5))


def test_correlated_patterns_overlap_matches_noise():
    xi = hf.correlated_patterns(20, 2000, n_prototypes=1, noise=0.1, rng=2)
    m = hf.overlap(xi, xi)[np.triu_indices(20, 1)]
    # two noisy copies of one prototype overlap by (1 - 2 noise)^2 = 0.64 on average
    assert abs(m.mean() - 0.64) < 0.02


def test_flip_bits_flips_exact_count_per_row(rng):
    xi = hf.random_patterns(7, 100, rng=rng)
    cues = hf.flip_bits(xi, 0.15, rng=rng)
    assert ((cues != xi).sum(axis=1) == 15).all()
    assert np.array_equal(hf.flip_bits(xi[0], 0.0), xi[0])


def test_overlap_values():
    p = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    assert hf.overlap(p, p).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert hf.overlap(-p[0], p[0]) == -1.0


def test_letter_patterns_shape():
    xi, shape = hf.letter_patterns("HI", scale=2)
    assert xi.shape == (2, 140) and shape == (14, 10)
    assert set(np.unique(xi)) == {-1, 1}


# ----------------------------------------------------------------------------- storage and stability


@pytest.mark.parametrize("rule", hf.RULES)
@pytest.mark.parametrize("dynamics", ["async", "sync"])
def test_orthogonal_patterns_are_fixed_points(rule, dynamics):
    # rows of a Hadamard matrix are exactly orthogonal: crosstalk vanishes
    xi = hadamard(64)[1:9]
    net = Hopfield(64, rule=rule, rng=0).store(xi)
    res = net.recall(xi, dynamics=dynamics)
    assert np.array_equal(res.state.values, xi)
    assert res.converged.all() and (res.n_sweeps == 0).all()
    np.testing.assert_allclose(res.overlap.values, np.eye(8), atol=1e-12)


def test_hebb_weights_formula():
    xi = hf.random_patterns(3, 20, rng=0)
    w = hf.hebbian_weights(xi)
    expected = sum(np.outer(p, p) for p in xi) / 20.0
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(w, expected)


def test_storkey_matches_elementwise_definition():
    xi = hf.random_patterns(4, 12, rng=3).astype(float)
    n = 12
    w = np.zeros((n, n))
    for x in xi:  # Storkey (1997) written out element by element
        h = w @ x
        new = w.copy()
        for i in range(n):
            for j in range(n):
                h_ij = h[i] - w[i, i] * x[i] - w[i, j] * x[j]
                h_ji = h[j] - w[j, j] * x[j] - w[j, i] * x[i]
                new[i, j] = w[i, j] + (x[i] * x[j] - x[i] * h_ji - h_ij * x[j]) / n
        np.fill_diagonal(new, 0)
        w = new
    np.testing.assert_allclose(hf.storkey_weights(xi), w, atol=1e-12)


def test_flipping_one_neuron_raises_energy():
    xi = hf.random_patterns(5, 400, rng=4)
    net = Hopfield(400).store(xi)
    e0 = net.energy(xi[0])
    flipped = np.tile(xi[0], (400, 1))
    flipped[np.arange(400), np.arange(400)] *= -1
    # at low load every neuron of a stored pattern is aligned with its field
    assert (net.energy(flipped) > e0).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40), n_cues=st.integers(1, 5))
def test_energy_never_increases_under_async_updates(seed, n, n_cues):
    gen = np.random.default_rng(seed)
    a = gen.normal(size=(n, n))
    w = (a + a.T) / 2
    np.fill_diagonal(w, 0.0)
    states = np.where(gen.random((n_cues, n)) < 0.5, -1, 1)
    res = hf.run_dynamics(w, states, dynamics="async", max_sweeps=200, rng=gen)
    e = res.energy_trajectory.values
    assert (np.diff(e, axis=1) <= 1e-9 * np.abs(w).max() * n).all()
    # and it ends at a fixed point: every neuron agrees with the sign of its field
    assert res.converged.all()
    h = res.state.values @ w
    assert (h * res.state.values >= -1e-9).all()
    np.testing.assert_allclose(res.energy.values, hf.energy(w, res.state.values))


def test_batched_async_sweep_equals_one_neuron_at_a_time():
    gen = np.random.default_rng(7)
    for n, n_cues in [(60, 5), (300, 3)]:
        xi = hf.random_patterns(12, n, rng=gen)
        w = hf.hebbian_weights(xi)
        s = hf.random_patterns(n_cues, n, rng=gen).astype(float)
        order = gen.permuted(np.tile(np.arange(n), (n_cues, 1)), axis=1)
        ref = s.copy()
        for b in range(n_cues):
            for i in order[b]:
                if (w[i] @ ref[b]) * ref[b, i] < -1e-9:
                    ref[b, i] *= -1
        tol = hf._tie_tolerance(w)
        for sweep in (hf._async_sweep, ):
            got = s.copy()
            h = got @ w
            sweep(w, got, h, order, 0.0, None, tol)
            assert np.array_equal(got, ref)
            np.testing.assert_allclose(h, got @ w, atol=1e-9)
        got = s.copy()
        h = got @ w
        hf._async_sweep_deterministic(w, got, h, order, tol)
        assert np.array_equal(got, ref)


def test_sync_dynamics_detect_two_cycles():
    w = np.array([[0.0, -1.0], [-1.0, 0.0]])
    res = hf.run_dynamics(w, np.array([[1, 1], [1, -1]]), dynamics="sync", max_sweeps=10)
    assert res.cycle.values.tolist() == [True, False]
    assert res.converged.values.tolist() == [False, True]
    assert res.sizes["sweep"] <= 4


def test_recall_dataset_layout_and_reproducibility():
    xi = hf.random_patterns(10, 300, rng=0)
    net = Hopfield(300, rng=0).store(xi)
    cues = hf.flip_bits(xi[:4], 0.2, rng=1)
    a = net.recall(cues, rng=3)
    b = Hopfield(300).store(xi).recall(cues, rng=3)
    xr.testing.assert_identical(a, b)
    assert a.state.dims == ("cue", "neuron")
    assert a.overlap.dims == ("cue", "pattern")
    assert a.overlap_trajectory.dims == ("cue", "sweep", "pattern")
    assert a.energy_trajectory.dims == ("cue", "sweep")
    assert a.overlap.attrs["units"] == "1" and "long_name" in a.state.attrs
    np.testing.assert_array_equal(a.overlap_trajectory.isel(sweep=0), hf.overlap(cues, xi))
    np.testing.assert_allclose(a.overlap.values.diagonal(), 1.0)


def test_glauber_overlap_matches_mean_field():
    # one stored pattern at T = 0.5: equilibrium overlap solves m = tanh(m / T) (Curie-Weiss)
    T = 0.5
    m_theory = brentq(lambda m: m - np.tanh(m / T), 0.1, 1.0)
    xi = hf.random_patterns(1, 1000, rng=1)
    res = Hopfield(1000).store(xi).recall(np.repeat(xi, 10, axis=0), dynamics="glauber", temperature=T, max_sweeps=20, rng=2)
    m = res.overlap_trajectory.values[:, 5:, 0]
    # equilibrium std of m is sqrt((1 - m^2) / (N (1 - (1 - m^2) / T))) ~ 0.01 per sample; the mean of
    # 150 correlated samples is far better: 0.01 is a conservative bound
    assert abs(m.mean() - m_theory) < 0.01
    # far above T = 1 the memory melts
    hot = Hopfield(1000).store(xi).recall(xi, dynamics="glauber", temperature=5.0, max_sweeps=5, rng=3)
    assert abs(float(hot.overlap.values[0, 0])) < 5 / np.sqrt(1000)


# ----------------------------------------------------------------------------- capacity


def _one_step_error_variance(n, load):
    """Variance of one network's one-step error fraction f (Hebb, P random patterns, N neurons).

    Bit i of pattern mu sees the crosstalk c = sum_nu a_nu m_nu / N (a_nu = +-1, m_nu the overlap
    of pattern nu with mu over the other N - 1 neurons): given the overlaps it is Gaussian with
    variance v_mu = sum_nu m_nu^2 / N^2, and all N bits of pattern mu share v_mu. So f is not a
    binomial fraction: with p(v) = 1/2 erfc((N-1)/N / sqrt(2 v)),

        Var f = p (1 - p) / (P N) + p'(v0)^2 Var(mean_mu v_mu),

    and Var(mean_mu v_mu) = 2 (P - 1) V_m / P with V_m = Var(m^2) / N^4 = (2 (N-1)^2 - 2 (N-1)) / N^4:
    P (P - 1) V_m from each v_mu's own P - 1 terms, and as much again because m_{mu nu} enters both
    v_mu and v_nu. (The direct correlation 2/N of two bits' fields adds a relative 4 alpha^2 of
    the shared term, neglected.) The binomial part alone is 1.0-3.1x too small for alpha 0.05-0.2.
    """
    p = int(round(load * n))
    v0 = (p - 1) * (n - 1) / n**2
    x = (n - 1) / n / np.sqrt(v0)
    p_err = 0.5 * erfc(x / np.sqrt(2))
    dp_dv = np.exp(-x * x / 2) / np.sqrt(2 * np.pi) * x / (2 * v0)
    v_m = (2 * (n - 1) ** 2 - 2 * (n - 1)) / n**4
    return p_err * (1 - p_err) / (p * n) + dp_dv**2 * 2 * (p - 1) * v_m / p


@pytest.mark.parametrize("load", [0.05, 0.1, 0.15, 0.2])
def test_one_step_error_matches_erfc(load):
    n = 1000
    p_inf = 0.5 * erfc(1 / np.sqrt(2 * load))
    bits_per_network = round(load * n) * n
    # enough independent networks for ~60 expected errors
    trials = int(np.ceil(60 / (p_inf * bits_per_network)))
    errors = hf.one_step_error(n, load, trials=trials, rng=11)
    p_finite = hf.one_step_error_theory(load, n)
    # standard error of the mean over independent networks, from the variance of one network's
    # error fraction (bits of one pattern share their crosstalk variance: not binomial)
    se = np.sqrt(_one_step_error_variance(n, load) / trials)
    # within 4 standard errors of the finite-N Gaussian prediction, and of 1/2 erfc(1/sqrt(2 alpha))
    # up to its (known) finite-size difference
    assert abs(errors.mean() - p_finite) < 4 * se
    assert abs(errors.mean() - p_inf) < 4 * se + abs(p_finite - p_inf)


@pytest.mark.parametrize("load", [0.1, 0.2])
def test_one_step_error_spread_over_networks_matches_its_variance(load):
    """The sample variance over 80 independent networks against _one_step_error_variance: the ratio
    is chi^2_79 / 79 (99.9 % interval 0.57-1.55); the binomial variance lies outside it (1.6x and
    3.1x smaller)."""
    n, trials = 1000, 80
    errors = hf.one_step_error(n, load, trials=trials, rng=23)
    var = _one_step_error_variance(n, load)
    ratio = errors.var(ddof=1) / var
    low, high = stats.chi2.ppf([0.0005, 0.9995], trials - 1) / (trials - 1)
    assert low < ratio < high
    p_finite = hf.one_step_error_theory(load, n)
    binomial = p_finite * (1 - p_finite) / (round(load * n) * n)
    assert var / binomial > 1.5


def test_one_step_error_theory_uses_the_simulated_field_moments():
    """The finite-N theory is 1/2 erfc(x / sqrt 2) with x = signal / crosstalk SD of the aligned field
    xi_i h_i. Measure that field's mean and variance over 8000 random networks (N = 100, P = 11) and
    compare x with the one the theory function implies; the SE of x comes from the spread of 8 blocks
    of 1000 networks (about 0.07 %), so N - 2 or P - 2 in place of N - 1 or P - 1 (0.5 % and 5 %)
    are caught."""
    from scipy.special import erfcinv

    n, p, blocks = 100, 11, 8
    gen = np.random.default_rng(42)
    xs = []
    for _ in range(blocks):
        xi = np.where(gen.random((1000, p, n)) < 0.5, -1.0, 1.0)
        aligned = (np.einsum("bpq,bqn->bpn", xi @ xi.transpose(0, 2, 1), xi) - p * xi) * xi / n
        xs.append(aligned.mean() / aligned.std())
    x_sim, se = np.mean(xs), np.std(xs, ddof=1) / np.sqrt(blocks)
    x_theory = np.sqrt(2) * erfcinv(2 * hf.one_step_error_theory(p / n, n))
    assert abs(x_theory - x_sim) < 4 * se
    assert 4 * se < 0.005 * x_sim


def test_ags_retrieval_overlap():
    assert hf.ags_retrieval_overlap(0.0) == 1.0
    # at alpha_c = 0.138 the retrieval state has m ~ 0.967 (1.6 % wrong bits), then disappears
    # (the retrieval solution ends at alpha_c = 0.1379 with a square-root singularity)
    assert 0.96 < hf.ags_retrieval_overlap(0.1379) < 0.97
    assert np.isnan(hf.ags_retrieval_overlap(0.1381))
    m = hf.ags_retrieval_overlap(np.linspace(0.01, 0.13, 10))
    assert (np.diff(m) < 0).all()


def test_capacity_curve_n1000_retrieval_and_collapse():
    # N = 1000 default version of the N = 2000 check below (slow). Finite-size effects shift the
    # collapse above alpha_c = 0.138 at this size, but alpha = 0.10 and 0.20 lie clearly on each side.
    curve = hf.capacity_curve(1000, [0.1, 0.2], trials=2, n_cues=15, max_sweeps=20, rng=2000)
    m = curve.mean_overlap.values
    assert m[0] > 0.95
    assert m[1] < 0.5
    assert curve.mean_overlap.dims == ("load",) and curve.overlap.dims == ("load", "trial", "cue")
    # one-step errors from stored patterns agree with theory in the same run
    np.testing.assert_allclose(curve.one_step_error.values, curve.theory_one_step_error.values, rtol=0.35)


@pytest.mark.slow
def test_capacity_curve_n2000_transition():
    curve = hf.capacity_curve(2000, [0.1, 0.12, 0.14, 0.16, 0.2], trials=3, n_cues=20, max_sweeps=30, rng=138)
    m = curve.mean_overlap.sel(load=[0.1, 0.2]).values
    assert m[0] > 0.95
    assert m[1] < 0.5
    assert 0.12 <= hf.critical_load(curve) <= 0.16


def test_storkey_and_pseudoinverse_store_correlated_patterns_where_hebb_fails():
    # ten noisy copies (20 % noise) of one prototype: pairwise overlap ~ 0.36
    xi = hf.correlated_patterns(10, 200, n_prototypes=1, noise=0.2, rng=0)
    means = {}
    for rule in hf.RULES:
        res = Hopfield(200, rule=rule).store(xi).recall(xi, rng=1)
        means[rule] = res.overlap.values.diagonal().mean()
    # Hebb: every pattern falls to (near) the prototype, whose overlap with each copy is 1 - 2 * 0.2
    assert abs(means["hebb"] - 0.6) < 0.1
    # pseudo-inverse: every pattern is an exact fixed point
    assert means["pseudoinverse"] == 1.0
    # Storkey: states stay closer to their own pattern than the prototype is (halfway 0.6 -> 1)
    assert means["storkey"] > 0.8


def test_mixture_and_reversed_states_are_found_and_labelled():
    n = 1000
    xi = hf.random_patterns(5, n, rng=3)
    net = Hopfield(n).store(xi)
    mix = hf.mixture_state(xi, (0, 1, 2), signs=(1, -1, 1))
    res = net.recall(np.stack([mix, -xi[3], xi[4]]), rng=1)
    assert hf.classify_states(res.state.values, xi).tolist() == ["mixture", "reversed", "pattern"]
    # a symmetric 3-mixture overlaps each component by 1/2 (std sqrt(3 / 4N) ~ 0.03 at N = 1000)
    np.testing.assert_allclose(np.abs(res.overlap.values[0, :3]), 0.5, atol=0.1)
    spur = hf.spurious_states(net, 40, rng=2)
    assert int(spur["count"].sum()) == 40
    assert set(spur.label.values) <= {"pattern", "reversed", "mixture", "other"}


def test_basins_of_attraction_shrink_with_damage():
    xi = hf.random_patterns(10, 500, rng=5)
    basins = hf.basins_of_attraction(Hopfield(500).store(xi), [0.0, 0.2, 0.3, 0.5], n_cues=20, rng=6)
    m = basins.mean_overlap.values
    assert m[0] == 1.0 and m[1] > 0.95 and m[2] > 0.9
    # half the bits flipped: the cue carries no information about the pattern
    assert abs(m[3]) < 0.4
    assert basins.overlap.dims == ("flip_fraction", "cue")


# ----------------------------------------------------------------------------- bad input


def test_patterns_not_spins_names_values_and_to_spins():
    with pytest.raises(ValueError, match=r"patterns must be ±1; got values \{0(\.0)?, 1(\.0)?\}.*to_spins"):
        Hopfield(3).store([[0, 1, 1]])
    with pytest.raises(ValueError, match=r"patterns must be ±1; got values \{-1(\.0)?, 1(\.0)?, 2(\.0)?\}"):
        Hopfield(3).store([[-1, 2, 1]])


def test_wrong_pattern_length():
    with pytest.raises(ValueError, match=r"patterns must have shape \(n_patterns, 4\).*got \(2, 3\)"):
        Hopfield(4).store(np.ones((2, 3)))


def test_too_many_patterns_for_pseudoinverse():
    with pytest.raises(ValueError, match="pseudo-inverse rule can store fewer patterns than neurons"):
        Hopfield(4, rule="pseudoinverse").store(hadamard(4))
    with pytest.raises(ValueError, match="linearly independent"):
        Hopfield(8, rule="pseudoinverse").store(np.vstack([hadamard(8)[:2], hadamard(8)[:1]]))


def test_bad_cues_temperature_rule_dynamics():
    xi = hf.random_patterns(2, 10, rng=0)
    net = Hopfield(10).store(xi)
    with pytest.raises(ValueError, match=r"cues must have shape \(n_cues, 10\) or \(10,\); got \(2, 9\)"):
        net.recall(np.ones((2, 9)))
    with pytest.raises(ValueError, match="temperature must be >= 0; got -1"):
        net.recall(xi, dynamics="glauber", temperature=-1.0)
    with pytest.raises(ValueError, match="temperature must be 0 for dynamics='async'"):
        net.recall(xi, temperature=0.5)
    with pytest.raises(ValueError, match="Invalid value for the 'dynamics' parameter.*'async', 'sync' and 'glauber', but got 'parallel'"):
        net.recall(xi, dynamics="parallel")
    with pytest.raises(ValueError, match="Invalid value for the 'rule' parameter.*but got 'oja'"):
        Hopfield(10, rule="oja").store(xi)
    with pytest.raises(ValueError, match="no stored patterns yet. Call 'store'"):
        Hopfield(10).recall(xi)
    with pytest.raises(ValueError, match="fraction must lie in"):
        hf.flip_bits(xi, 1.5)
    with pytest.raises(ValueError, match="loads must be a non-empty list of numbers > 0"):
        hf.capacity_curve(100, [0.1, -0.1])
    with pytest.raises(ValueError, match="letters must contain only capital letters"):
        hf.letter_patterns("ab")
