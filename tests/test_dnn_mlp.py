"""Backpropagation MLP: gradients, the classic problems, activation capture, bad input."""

import numpy as np
import pytest
import xarray as xr

from neurocomp.dnn.mlp import MLP, make_donut, make_sine, make_xor


def _numeric_gradients(net, X, y, h=1e-6):
    gW, gb = [], []
    for params, out in ((net.coefs_, gW), (net.intercepts_, gb)):
        for P in params:
            G = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + h
                lp = net.loss_on(X, y)
                P[idx] = old - h
                lm = net.loss_on(X, y)
                P[idx] = old
                G[idx] = (lp - lm) / (2 * h)
            out.append(G)
    return gW, gb


CASES = [
    ("tanh", "sigmoid", "auto"),
    ("sigmoid", "sigmoid", "squared_error"),
    ("relu", "softmax", "auto"),
    ("tanh", "softmax", "squared_error"),
    ("sigmoid", "linear", "auto"),
]


@pytest.mark.parametrize("activation,output,loss", CASES)
def test_backprop_gradients_match_finite_differences(rng, activation, output, loss):
    X = rng.standard_normal((7, 3))
    if output == "softmax":
        y = np.array([0, 1, 2, 1, 0, 2, 2])
    elif output == "sigmoid":
        y = rng.integers(0, 2, size=(7, 2))
    else:
        y = rng.standard_normal((7, 2))
    net = MLP((4, 5), activation=activation, output=output, loss=loss, weight_decay=0.01, n_epochs=3,
              learning_rate=0.05, batch_size=3, rng=1).fit(X, y)
    _, aW, ab = net.gradients(X, y)
    nW, nb = _numeric_gradients(net, X, y)
    a = np.concatenate([g.ravel() for g in aW + ab])
    n = np.concatenate([g.ravel() for g in nW + nb])
    # central differences at h=1e-6 in float64: truncation ~h², rounding ~eps/h ≈ 1e-10
    assert np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)) < 1e-6


def test_xor_is_learned_from_most_seeds():
    X, y = make_xor()
    ok = 0
    for seed in range(20):
        net = MLP((4,), learning_rate=0.5, momentum=0.9, batch_size=4, n_epochs=500, rng=seed).fit(X, y)
        p = net.predict_proba(X)[:, 1]
        ok += bool(np.all((p > 0.5) == (y == 1)))
    assert ok >= 19  # >= 95% of 20 seeds


def test_donut_is_classified_on_held_out_points():
    Xtr, ytr = make_donut(2000, rng=1)
    Xte, yte = make_donut(2000, rng=2)
    net = MLP((16, 16), activation="relu", learning_rate=0.05, momentum=0.9, n_epochs=150, rng=0).fit(Xtr, ytr)
    assert net.score(Xte, yte) >= 0.95
    # no linear classifier can: the best single boundary keeps the majority class (~2/3).
    lin = MLP((), learning_rate=0.05, momentum=0.9, n_epochs=50, rng=0).fit(Xtr, ytr)
    assert lin.score(Xte, yte) < 0.75


def test_digits_softmax_accuracy():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    Xtr, Xte, ytr, yte = train_test_split(d.data / 16.0, d.target, test_size=0.3, random_state=0, stratify=d.target)
    net = MLP((64,), activation="relu", output="softmax", learning_rate=0.1, momentum=0.9, n_epochs=30, rng=0)
    net.fit(Xtr, ytr)
    assert net.score(Xte, yte) >= 0.95
    proba = net.predict_proba(Xte)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert set(net.predict(Xte)) <= set(range(10))


def test_sine_wave_is_fitted():
    Xtr, ytr = make_sine(200, rng=1)
    Xte, yte = make_sine(200, rng=2)
    net = MLP((16,), output="linear", learning_rate=0.05, momentum=0.9, batch_size=16, n_epochs=300, rng=0)
    net.fit(Xtr, ytr, X_valid=Xte, y_valid=yte)
    mse = np.mean((net.predict(Xte) - yte) ** 2)
    assert mse < 0.01  # noise floor is 0.05² = 0.0025
    assert net.loss_curve_[-1] < 0.1 * net.loss_curve_[0]
    curve = net.learning_curve()
    assert set(curve.data_vars) == {"train_loss", "validation_loss"}
    assert curve.sizes["epoch"] == 301


def test_activations_format():
    X, y = make_xor()
    net = MLP((3, 5), n_epochs=2, rng=0).fit(X, y)
    act = net.activations(X, stimulus_id=["a", "b", "c", "d"])
    assert isinstance(act, xr.DataArray)
    assert act.dims == ("presentation", "neuroid")
    assert act.shape == (4, 3 + 5 + 1)
    assert act.stimulus_id.values.tolist() == ["a", "b", "c", "d"]
    assert act.layer.values.tolist() == ["hidden1"] * 3 + ["hidden2"] * 5 + ["output"]
    assert act.neuroid_id.values[3] == "hidden2.0000"
    assert act.unit.values.tolist() == [0, 1, 2, 0, 1, 2, 3, 4, 0]
    np.testing.assert_allclose(act.sel(neuroid=act.layer == "output").values.ravel(), net.predict_proba(X)[:, 1])
    h1 = np.tanh(X @ net.coefs_[0] + net.intercepts_[0])
    np.testing.assert_allclose(act.values[:, :3], h1)
    assert net.activations(X).stimulus_id.values[0] == "stim0000"


def test_same_rng_same_network():
    X, y = make_donut(100, rng=0)
    a = MLP((5,), n_epochs=5, rng=7).fit(X, y)
    b = MLP((5,), n_epochs=5, rng=7).fit(X, y)
    c = MLP((5,), n_epochs=5, rng=8).fit(X, y)
    assert all(np.array_equal(p, q) for p, q in zip(a.coefs_, b.coefs_))
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


# ---------------------------------------------------------------- bad input
def test_unknown_activation_lists_valid_ones():
    X, y = make_xor()
    with pytest.raises(ValueError, match="Allowed values are 'sigmoid', 'tanh', 'relu' and 'linear', but got 'elu'"):
        MLP(activation="elu").fit(X, y)
    with pytest.raises(ValueError, match="'output' parameter. Allowed values are 'linear', 'sigmoid' and 'softmax'"):
        MLP(output="tanh").fit(X, y)
    with pytest.raises(ValueError, match="cross_entropy' needs a sigmoid or softmax output"):
        MLP(output="linear", loss="cross_entropy").fit(X, y)


def test_nan_and_bad_targets_are_refused():
    X, y = make_xor()
    Xn = X.copy()
    Xn[1, 0] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        MLP().fit(Xn, y)
    with pytest.raises(ValueError, match="y must hold only 0 and 1"):
        MLP().fit(X, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="y must have 4 rows"):
        MLP().fit(X, [0, 1, 1])
    with pytest.raises(ValueError, match="y must be finite"):
        MLP(output="linear").fit(X, [0.0, np.nan, 1.0, 0.0])


def test_unfitted_and_shape_errors():
    X, y = make_xor()
    with pytest.raises(ValueError, match="This MLP instance is not fitted yet"):
        MLP().predict(X)
    net = MLP(n_epochs=1, rng=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 5 features, but MLP is expecting 2 features"):
        net.predict(np.ones((3, 5)))
    with pytest.raises(ValueError, match="stimulus_id must hold one id per row"):
        net.activations(X, stimulus_id=["a"])
    with pytest.raises(ValueError, match="hidden_layer_sizes\\[0\\] must be >= 1"):
        MLP((0,)).fit(X, y)
    with pytest.raises(ValueError, match="momentum must lie in"):
        MLP(momentum=1.0).fit(X, y)


def test_scikit_learn_tools_work():
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    X, y = make_donut(300, rng=0)
    net = MLP((8,), n_epochs=20, rng=0)
    assert clone(net).get_params() == net.get_params()
    scores = cross_val_score(net, X, y, cv=3)
    # each score is the held-out accuracy of a clone fitted on the other folds (stratified 3-fold,
    # as scikit-learn does for a classifier); the clones start from rng=0, so the numbers repeat
    from sklearn.model_selection import StratifiedKFold

    expected = [clone(net).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in StratifiedKFold(3).split(X, y)]
    np.testing.assert_array_equal(scores, expected)
    assert not hasattr(net, "coefs_")  # cross-validation fits clones, not the original
