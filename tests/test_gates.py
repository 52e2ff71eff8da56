"""Threshold units, logic gates, perceptron and delta rules, centre-surround fields."""

import itertools
import operator

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from neurocomp import gates
from neurocomp._validation import NeurocompWarning
from neurocomp.gates import (
    Circuit,
    DeltaRule,
    Perceptron,
    ThresholdNetwork,
    ThresholdUnit,
    center_surround,
    divisive_inhibition,
    dog_kernel,
    find_threshold_units,
    full_adder,
    gate,
    half_adder,
    input_patterns,
    majority,
    truth_table,
)

LOGIC = {
    "AND": lambda a, b: a & b,
    "OR": lambda a, b: a | b,
    "NAND": lambda a, b: 1 - (a & b),
    "NOR": lambda a, b: 1 - (a | b),
    "XOR": operator.xor,
}


# ---------------------------------------------------------------- gates
@pytest.mark.parametrize("name", sorted(LOGIC))
def test_two_input_truth_tables_are_exact(name):
    table = truth_table(name)
    assert isinstance(table, xr.DataArray)
    assert table.dims == ("pattern",)
    expected = [LOGIC[name](a, b) for a, b in itertools.product((0, 1), repeat=2)]
    assert table.values.tolist() == expected
    assert table["inputs"].values.tolist() == ["00", "01", "10", "11"]
    assert table.x1.values.tolist() == [0, 0, 1, 1]


def test_not_and_majority_and_wide_gates():
    assert truth_table("NOT").values.tolist() == [1, 0]
    X = input_patterns(5)
    assert np.array_equal(majority(5)(X), (X.sum(1) >= 3).astype(int))
    assert np.array_equal(gate("MAJORITY")(input_patterns(3)), (input_patterns(3).sum(1) >= 2).astype(int))
    for n in (3, 4):
        X = input_patterns(n)
        assert np.array_equal(gate("AND", n)(X), X.all(1).astype(int))
        assert np.array_equal(gate("OR", n)(X), X.any(1).astype(int))
        assert np.array_equal(gate("NAND", n)(X), 1 - X.all(1).astype(int))
        assert np.array_equal(gate("NOR", n)(X), 1 - X.any(1).astype(int))


def test_module_level_gates_and_single_pattern():
    assert gates.AND([1, 1]) == 1 and gates.AND([1, 0]) == 0
    assert gates.XOR([1, 0]) == 1 and gates.XOR([1, 1]) == 0
    assert gates.NOT([0]) == 1


def test_xor_needs_a_hidden_layer():
    # No single threshold unit on a fine grid computes XOR (or XNOR) ...
    assert find_threshold_units("XOR").shape == (0, 3)
    assert find_threshold_units([1, 0, 0, 1]).shape == (0, 3)
    # ... while a two-layer network of threshold units does.
    xor = ThresholdNetwork([([[1, -1], [1, -1]], [0.5, -1.5]), ([[1], [1]], [1.5])])
    assert xor(input_patterns(2)).tolist() == [0, 1, 1, 0]
    hidden = xor.layer_outputs(input_patterns(2))[0]
    assert hidden[:, 0].tolist() == [0, 1, 1, 1]  # OR
    assert hidden[:, 1].tolist() == [1, 1, 1, 0]  # NAND


def test_fourteen_of_sixteen_boolean_functions_are_linearly_separable():
    # Classical count (Minsky & Papert): all 2-input Boolean functions except XOR and XNOR.
    separable = []
    for outputs in itertools.product((0, 1), repeat=4):
        sols = find_threshold_units(np.array(outputs))
        separable.append(len(sols) > 0)
        if sols.shape[0]:
            w, theta = sols[0, :2], sols[0, 2]
            assert ThresholdUnit(w, theta)(input_patterns(2)).tolist() == list(outputs)
    assert sum(separable) == 14


def test_half_and_full_adder_add():
    X = input_patterns(2)
    out = half_adder()(X)
    assert np.array_equal(out[:, 0] + 2 * out[:, 1], X.sum(1))
    tab = truth_table(half_adder())
    assert tab.dims == ("pattern", "output")
    assert tab.output.values.tolist() == ["sum", "carry"]
    X3 = input_patterns(3)
    out3 = full_adder()(X3)
    assert np.array_equal(out3[:, 0] + 2 * out3[:, 1], X3.sum(1))


def test_threshold_unit_net_input():
    unit = ThresholdUnit([0.5, -1.0, 2.0], 1.0)
    X = input_patterns(3)
    np.testing.assert_allclose(unit.net_input(X), X @ [0.5, -1.0, 2.0])
    assert np.array_equal(unit(X), (X @ [0.5, -1.0, 2.0] >= 1.0).astype(int))


def test_divisive_inhibition_divides():
    E = np.linspace(0, 1e-9, 11)
    I = np.array([[0.0], [1e-9], [3e-9]])
    V = divisive_inhibition(E, I, leak=1e-9)
    np.testing.assert_allclose(V, E / (E + I + 1e-9))
    # Shunting inhibition scales the gain for weak excitation: dV/dE at E=0 is 1/(I + g_L).
    slope = (divisive_inhibition(1e-15, I, leak=1e-9) - 0) / 1e-15
    np.testing.assert_allclose(slope.ravel(), 1 / (I.ravel() + 1e-9), rtol=1e-5)
    assert divisive_inhibition(0.0, 0.0) == 0.0
    assert np.all((V >= 0) & (V <= 1))


# ---------------------------------------------------------------- perceptron
def _separable_data(rng, n=80, d=3, gap=0.2):
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    X = rng.uniform(-1, 1, size=(4 * n, d))
    s = X @ w + 0.1
    keep = np.abs(s) > gap
    X, s = X[keep][:n], s[keep][:n]
    return X, (s > 0).astype(int)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perceptron_converges_within_novikoff_bound(seed):
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(seed)
    X, y = _separable_data(rng, n=200, gap=0.03)  # small margin: tens of updates are needed
    # A (near) max-margin separating hyperplane (u, b) from a hard-margin-like SVM.
    svm = LinearSVC(C=1e4, loss="hinge", max_iter=200_000, tol=1e-8).fit(X, y)
    u = np.append(svm.coef_.ravel(), svm.intercept_)
    Xa = np.hstack([X, np.ones((len(X), 1))])
    signs = 2 * y - 1
    gamma = np.min(signs * (Xa @ u)) / np.linalg.norm(u)
    assert gamma > 0, "reference hyperplane must separate the data"
    R = np.max(np.linalg.norm(Xa, axis=1))
    per = Perceptron(n_epochs=1000, shuffle=True, rng=seed).fit(X, y)
    assert per.converged_
    assert per.score(X, y) == 1.0
    assert per.n_updates_ <= (R / gamma) ** 2
    assert per.updates_per_epoch_[-1] == 0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6), gap=st.floats(0.02, 0.5))
def test_novikoff_bound_holds_for_any_separable_data(seed, d, gap):
    # The generating hyperplane (unit u, offset 0.1) separates with margin >= gap in x-space;
    # its augmented margin is min |u·x + 0.1| / ||(u, 0.1)||, a valid gamma for the bound.
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    X = rng.uniform(-1, 1, size=(300, d))
    s = X @ u + 0.1
    X, s = X[np.abs(s) > gap], s[np.abs(s) > gap]
    if len(X) < 2 or len(set(s > 0)) < 2:
        return
    y = (s > 0).astype(int)
    gamma = np.min(np.abs(s)) / np.sqrt(1 + 0.1**2)
    R = np.max(np.linalg.norm(np.hstack([X, np.ones((len(X), 1))]), axis=1))
    per = Perceptron(n_epochs=100_000, shuffle=True, rng=seed).fit(X, y)
    assert per.converged_ and per.n_updates_ <= (R / gamma) ** 2


def test_perceptron_learns_and_gate():
    X = input_patterns(2)
    per = Perceptron().fit(X, truth_table("AND").values)
    assert per.converged_
    assert per.predict(X).tolist() == [0, 0, 0, 1]


def test_perceptron_reports_nonconvergence_on_xor():
    X = input_patterns(2)
    with pytest.warns(NeurocompWarning, match="did not converge"):
        per = Perceptron(n_epochs=50).fit(X, [0, 1, 1, 0])
    assert not per.converged_
    assert per.n_iter_ == 50
    assert per.score(X, [0, 1, 1, 0]) < 1.0


def test_perceptron_is_deterministic_with_rng():
    X, y = _separable_data(np.random.default_rng(5))
    a = Perceptron(shuffle=True, rng=3).fit(X, y)
    b = Perceptron(shuffle=True, rng=3).fit(X, y)
    assert np.array_equal(a.coef_, b.coef_) and a.n_updates_ == b.n_updates_


# ---------------------------------------------------------------- delta rule
def test_batch_lms_converges_to_least_squares(rng):
    X = rng.standard_normal((60, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + 0.1 * rng.standard_normal(60)
    est = DeltaRule(learning_rate=0.1, n_epochs=3000, mode="batch").fit(X, y)
    sol = np.linalg.lstsq(np.hstack([X, np.ones((60, 1))]), y, rcond=None)[0]
    np.testing.assert_allclose(est.coef_, sol[:3], atol=1e-8)
    np.testing.assert_allclose(est.intercept_, sol[3], atol=1e-8)
    assert np.all(np.diff(est.loss_curve_) <= 1e-15)  # gradient descent on a quadratic never goes up


def test_online_widrow_hoff_hovers_near_least_squares(rng):
    X = rng.standard_normal((200, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + 0.1 * rng.standard_normal(200)
    est = DeltaRule(learning_rate=0.01, n_epochs=50, rng=1).fit(X, y)
    sol = np.linalg.lstsq(np.hstack([X, np.ones((200, 1))]), y, rcond=None)[0]
    # LMS misadjustment: weight fluctuations ~ sqrt(eta * sigma^2 / 2) ~ 0.007 at eta=0.01, sigma=0.1.
    np.testing.assert_allclose(est.coef_, sol[:3], atol=0.05)
    assert est.score(X, y) > 0.99


def test_generalised_delta_step_is_the_error_gradient(rng):
    X = rng.standard_normal((20, 2))
    t = rng.uniform(0.1, 0.9, 20)
    eta = 0.3
    est = DeltaRule(activation="sigmoid", learning_rate=eta, n_epochs=1, mode="batch").fit(X, t)
    Xa = np.hstack([X, np.ones((20, 1))])

    def E(w):
        return 0.5 * np.mean((t - 1 / (1 + np.exp(-Xa @ w))) ** 2)

    h = 1e-6
    grad = np.array([(E(h * e) - E(-h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(np.append(est.coef_, est.intercept_), -eta * grad, rtol=1e-6)


def test_generalised_delta_rule_learns_or():
    X = input_patterns(2)
    est = DeltaRule(activation="sigmoid", learning_rate=2.0, n_epochs=500, mode="batch").fit(X, [0, 1, 1, 1])
    assert ((est.predict(X) > 0.5).astype(int)).tolist() == [0, 1, 1, 1]


# ---------------------------------------------------------------- receptive fields
def test_dog_kernel_is_balanced_and_centre_surround():
    k = dog_kernel(1.0, 3.0)
    assert k.shape == (19, 19)
    assert abs(k.sum()) < 1e-12
    assert k[9, 9] > 0 and k[9, 0] < 0
    np.testing.assert_allclose(dog_kernel(1.0, 3.0, on_center=False), -k)


def test_center_surround_ignores_uniform_light_and_prefers_a_spot_size():
    sc, ss = 1.5, 4.0
    assert np.allclose(center_surround(np.full((40, 40), 7.0), sigma_center=sc, sigma_surround=ss), 0.0)
    # Response at the centre of a bright disk of radius r: (1 - exp(-r²/2σc²)) - (1 - exp(-r²/2σs²)),
    # maximal at r*² = 2 σc² σs² ln(σs²/σc²) / (σs² - σc²).
    n = 81
    yy, xx = np.mgrid[:n, :n] - n // 2
    radii = np.arange(1, 15)
    disks = np.stack([(xx**2 + yy**2 <= r**2).astype(float) for r in radii])
    resp = center_surround(disks, sigma_center=sc, sigma_surround=ss)[:, n // 2, n // 2]
    r_star = np.sqrt(2 * sc**2 * ss**2 * np.log(ss**2 / sc**2) / (ss**2 - sc**2))
    assert abs(radii[np.argmax(resp)] - r_star) <= 1.0  # pixelised disks: within one pixel
    off = center_surround(disks, sigma_center=sc, sigma_surround=ss, on_center=False)[:, n // 2, n // 2]
    np.testing.assert_allclose(off, -resp)


# ---------------------------------------------------------------- bad input
def test_non_binary_inputs_are_refused():
    with pytest.raises(ValueError, match="X must hold only 0 and 1"):
        gates.AND([[0, 2], [1, 1]])
    with pytest.raises(ValueError, match="X must hold only 0 and 1"):
        gates.XOR(np.array([[0.5, 1.0]]))


def test_weight_length_mismatch_is_refused():
    with pytest.raises(ValueError, match="X must have 3 input column"):
        ThresholdUnit([1, 1, 1], 2)([[0, 1]])
    with pytest.raises(ValueError, match=r"layers\[1\] weights must have 2 rows"):
        ThresholdNetwork([(np.ones((2, 2)), [1, 1]), (np.ones((3, 1)), [1])])
    with pytest.raises(ValueError, match="thresholds must hold one value per unit"):
        ThresholdNetwork([(np.ones((2, 2)), [1, 1, 1])])


def test_unknown_gate_name_lists_valid_ones():
    with pytest.raises(ValueError, match="Allowed values are 'AND', 'OR', 'NOT'.*but got 'XNOR'"):
        gate("xnor")
    with pytest.raises(ValueError, match="Allowed values"):
        truth_table("IMPLIES")
    with pytest.raises(ValueError, match="n_inputs must be 2 for XOR"):
        gate("XOR", 3)


def test_circuit_wiring_errors():
    with pytest.raises(ValueError, match="reads undefined line"):
        Circuit(["a", "b"], [("s", gates.AND, ["a", "c"])], ["s"])
    with pytest.raises(ValueError, match="gate must have one output and 1 input"):
        Circuit(["a"], [("s", gates.AND, ["a"])], ["s"])


def test_perceptron_bad_labels_and_nan():
    X = input_patterns(2)
    # Any two labels are classes (scikit-learn's contract): ±1 learns OR as well as 0/1 does.
    per = Perceptron().fit(X, [-1, 1, 1, 1])
    assert per.classes_.tolist() == [-1, 1] and per.predict(X).tolist() == [-1, 1, 1, 1]
    with pytest.raises(ValueError, match="at least two classes"):
        Perceptron().fit(X, [1, 1, 1, 1])
    with pytest.raises(ValueError, match="X must be finite"):
        Perceptron().fit(np.array([[0, np.nan], [1, 1]]), [0, 1])
    with pytest.raises(ValueError, match="not fitted yet"):
        Perceptron().predict(X)


def test_delta_rule_bad_input():
    X = input_patterns(2)
    with pytest.raises(ValueError, match="Allowed values are 'linear', 'sigmoid' and 'tanh'"):
        DeltaRule(activation="relu").fit(X, [0, 1, 1, 1])
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\]"):
        DeltaRule(activation="sigmoid").fit(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="y must be finite"):
        DeltaRule().fit(X, [0, np.nan, 1, 1])


def test_divisive_and_dog_bad_input():
    with pytest.raises(ValueError, match="inhibition must be >= 0"):
        divisive_inhibition(1.0, -1.0)
    with pytest.raises(ValueError, match="sigma_center must be smaller than sigma_surround"):
        dog_kernel(3.0, 1.0)
    with pytest.raises(ValueError, match="image must be a 2-D or 3-D array"):
        center_surround(np.ones(5))
