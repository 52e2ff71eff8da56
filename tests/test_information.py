"""Entropy and information estimators against analytic values, a reference NSB value and Monte Carlo."""

import numpy as np
import pytest
from scipy import special, stats

from neurocomp import information as info

COUNTS = [4, 12, 4, 5, 3, 1, 5, 1, 2, 2, 2, 2, 11, 3, 4, 12, 12, 1, 2]


def test_nsb_reproduces_the_reference_value():
    """2.806 nats with 100 possible states: the value of the reference NSB implementation (ndd's documentation)."""
    h = info.entropy(COUNTS, n_states=100)
    assert float(h) == pytest.approx(2.806, abs=5e-4)
    assert h.attrs["units"] == "nat" and h.attrs["sd"] > 0
    assert float(info.entropy(COUNTS, n_states=100, units="bit")) == pytest.approx(2.806 / np.log(2), abs=1e-3)


def test_nsb_posterior_sd_matches_monte_carlo_over_its_posterior():
    """Sample β from the NSB posterior on a grid, then p ~ Dirichlet(n + β): mean and SD of H agree."""
    c = np.array([3, 1, 0, 2, 0, 0, 1, 5])
    K = len(c)
    h = info.entropy(c)
    g = np.random.default_rng(0)
    logb = np.linspace(np.log(1e-4), np.log(1e3), 3000)
    b = np.exp(logb)
    N = c.sum()
    loglik = (special.gammaln(K * b) - special.gammaln(N + K * b) + special.gammaln(c[:, None] + b).sum(0)
              - K * special.gammaln(b))
    dxi = K * special.polygamma(1, K * b + 1) - special.polygamma(1, b + 1)
    w = np.exp(loglik + np.log(dxi) + logb - (loglik + np.log(dxi) + logb).max())
    beta = g.choice(b, 40_000, p=w / w.sum())
    p = g.gamma(c[None] + beta[:, None])
    p /= p.sum(1, keepdims=True)
    H = -(p * np.log(np.where(p > 0, p, 1))).sum(1)
    assert float(h) == pytest.approx(H.mean(), abs=4 * H.std() / np.sqrt(len(H)) + 2e-3)
    assert h.attrs["sd"] == pytest.approx(H.std(), rel=0.03)


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "nsb"])
def test_estimators_converge_to_the_analytic_entropy(method):
    p = np.array([0.5, 0.2, 0.1, 0.1, 0.05, 0.05])
    H = -(p * np.log(p)).sum()
    c = np.random.default_rng(1).multinomial(200_000, p)
    assert float(info.entropy(c, method=method)) == pytest.approx(H, abs=0.005)


def test_nsb_is_less_biased_than_plugin_when_undersampled():
    """Uniform over 1000 states, 100 samples (Ma regime): plug-in is far too low; NSB and Miller–Madow less so."""
    g = np.random.default_rng(2)
    H = np.log(1000)
    err = {m: [] for m in ("plugin", "miller_madow", "nsb")}
    for _ in range(20):
        c = g.multinomial(100, np.full(1000, 1e-3))
        for m in err:
            err[m].append(float(info.entropy(c, method=m, n_states=1000)) - H)
    bias = {m: np.mean(v) for m, v in err.items()}
    assert abs(bias["nsb"]) < abs(bias["miller_madow"]) < abs(bias["plugin"])
    assert bias["plugin"] < -1.0  # the plug-in misses more than a nat


def test_strong_extrapolation_removes_most_of_the_bias():
    g = np.random.default_rng(3)
    x = g.integers(0, 200, 1000)  # H = ln 200 = 5.30, plug-in far below with 1000 samples
    plug = float(info.entropy(info.counts_from_samples(x), method="plugin"))
    ext = float(info.extrapolated_entropy(x, rng=4))
    assert abs(ext - np.log(200)) < abs(plug - np.log(200)) / 2


def test_mutual_information_of_independent_variables_is_zero_after_shuffle_correction():
    g = np.random.default_rng(5)
    vals = []
    for k in range(10):
        s = g.integers(0, 4, 300)
        r = g.integers(0, 10, 300)
        mi = info.mutual_information(s, r, rng=k)
        vals.append(float(mi))
        assert mi.attrs["bias"] > 0.03  # the raw plug-in MI is biased upwards
    # The corrected values scatter around 0 with the shuffle SD.
    assert abs(np.mean(vals)) < 4 * mi.attrs["sd"] / np.sqrt(10) + 0.005


def test_mutual_information_of_a_deterministic_channel_is_the_stimulus_entropy():
    g = np.random.default_rng(6)
    s = g.integers(0, 4, 20_000)
    mi = info.mutual_information(s, 3 * s + 1, correction="none")
    assert float(mi) == pytest.approx(np.log(4), abs=0.01)


def test_entropy_rate_of_a_markov_chain():
    """A two-state Markov chain: h = Σ π_i H(row i), while the symbol entropy H_1 is larger."""
    P = np.array([[0.9, 0.1], [0.3, 0.7]])
    pi = np.array([0.75, 0.25])
    h_true = -(pi[:, None] * P * np.log(P)).sum()
    g = np.random.default_rng(7)
    n = 200_000
    u = g.random(n)
    x = np.empty(n, int)
    x[0] = 0
    for t in range(1, n):
        x[t] = int(u[t] < P[x[t - 1], 1])
    out = info.entropy_rate(x, max_order=4)
    h = out.conditional_entropy.values
    assert h[0] == pytest.approx(-(pi * np.log(pi)).sum(), abs=0.01)
    assert np.all(np.abs(h[1:] - h_true) < 0.01)
    # Strong's extrapolation in word length: H_L / L against 1/L, read at 1/L = 0.
    assert out.attrs["rate_extrapolated"] == pytest.approx(h_true, abs=0.01)


def test_word_counts_and_bad_input():
    assert info.word_counts([[1, 0, 1, 1]], 3).tolist() == [0, 0, 0, 1, 0, 1, 0, 0]  # words 101 and 011
    with pytest.raises(ValueError, match="non-negative integers"):
        info.entropy([1, -2, 3])
    with pytest.raises(ValueError, match="non-negative integers"):
        info.entropy([1.5, 2.0])
    with pytest.raises(ValueError, match="at least one observation"):
        info.entropy([0, 0])
    with pytest.raises(ValueError, match="n_states=2 is smaller than the 3 states observed"):
        info.entropy([1, 1, 1], n_states=2)
    with pytest.raises(ValueError, match="Allowed values are 'plugin', 'miller_madow' and 'nsb'"):
        info.entropy([1, 2], method="ml")
    with pytest.raises(ValueError, match="0/1"):
        info.word_counts([[0, 2, 1]], 2)


def test_extrapolation_correction_removes_most_of_the_mi_bias():
    """Independent variables: the raw plug-in MI is biased up by ~ (|S|-1)(|R|-1)/(2N); extrapolation removes most of it."""
    g = np.random.default_rng(8)
    raw, ext = [], []
    for k in range(6):
        s = g.integers(0, 4, 400)
        r = g.integers(0, 10, 400)
        raw.append(float(info.mutual_information(s, r, correction="none")))
        ext.append(float(info.mutual_information(s, r, correction="extrapolation", n_shuffles=4, rng=k)))
    assert np.mean(raw) > 0.025  # Miller-Madow bias: 3 * 9 / 800 = 0.034 nat
    assert abs(np.mean(ext)) < np.mean(raw) / 3
