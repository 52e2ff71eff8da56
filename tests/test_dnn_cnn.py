"""The numpy CNN: analytic gradients, learning, activation format, bad input."""

import numpy as np
import pytest

from neurocomp.cortex import object_images
from neurocomp.dnn.cnn import CNN, LAYERS, cnn_architecture, layer_names, torch_activations


def _numeric_gradient(model, x, y, params, key, h=1e-6):
    num = np.zeros_like(params[key])
    it = np.nditer(params[key], flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        plus = {k: v.copy() for k, v in params.items()}
        minus = {k: v.copy() for k, v in params.items()}
        plus[key][i] += h
        minus[key][i] -= h
        num[i] = (model.loss_and_gradients(x, y, plus)[0] - model.loss_and_gradients(x, y, minus)[0]) / (2 * h)
    return num


def test_analytic_gradients_match_finite_differences(rng):
    x = rng.random((3, 8, 8))
    y = np.array(["a", "b", "c"])
    model = CNN(channels=(2, 3), kernel_sizes=(3, 3), fc_units=5, n_epochs=0, weight_decay=1e-3, rng=1).fit(x, y)
    params = {k: v.astype(np.float64) for k, v in model.params_.items()}
    # move biases off zero so that their gradients are exercised too
    for k in params:
        if k.endswith("_b"):
            params[k] = rng.normal(0, 0.1, params[k].shape)
    loss, grads = model.loss_and_gradients(x, y, params)
    assert np.isfinite(loss)
    for key in params:
        num = _numeric_gradient(model, x, y, params, key)
        # central differences: O(h^2) truncation + O(eps/h) rounding ~ 1e-10 in float64;
        # a ReLU kink crossed inside +-h would show as an O(1) relative error
        np.testing.assert_allclose(grads[key], num, rtol=1e-5, atol=1e-7, err_msg=key)


@pytest.fixture(scope="module")
def trained():
    train = object_images(n_per_category=40, variations=("low", "medium"), size=16, rng=1)
    test = object_images(n_per_category=10, variations=("low", "medium"), size=16, rng=2)
    model = CNN(channels=(8, 16), fc_units=64, n_epochs=8, rng=0).fit(train, train.object_name.values)
    return model, train, test


def test_learns_categories_well_above_chance_on_held_out_images(trained):
    model, train, test = trained
    n_classes = len(model.classes_)
    assert n_classes == 8
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
    acc = model.score(test, test.object_name.values)
    n = test.sizes["presentation"]
    chance = 1 / n_classes
    # chance plus 6 binomial standard errors of an accuracy at chance over n held-out images
    assert acc > chance + 6 * np.sqrt(chance * (1 - chance) / n)
    proba = model.predict_proba(test)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)


def test_activations_format(trained):
    model, _, test = trained
    acts = model.activations(test)
    assert acts.dims == ("presentation", "neuroid")
    assert list(acts.stimulus_id.values) == list(test.stimulus_id.values)
    assert "object_name" in acts.coords
    sizes = {"conv1": 8 * 16 * 16, "pool1": 8 * 8 * 8, "conv2": 16 * 8 * 8, "pool2": 16 * 4 * 4, "fc1": 64, "output": 8}
    layer, counts = np.unique(acts.layer.values, return_counts=True)
    assert dict(zip(layer, counts)) == sizes
    assert acts.neuroid_id.values[0] == "conv1.0000"
    assert len(set(acts.neuroid_id.values)) == acts.sizes["neuroid"]
    np.testing.assert_array_equal(acts.sel(neuroid=acts.layer == "fc1").unit.values, np.arange(64))
    # output activations are the logits; ReLU layers are non-negative
    np.testing.assert_allclose(acts.sel(neuroid=acts.layer == "output").values, model.decision_function(test), rtol=1e-5, atol=1e-5)
    assert float(acts.sel(neuroid=acts.layer == "conv2").min()) >= 0
    # max pooling: each pool1 unit is the max of its 2 x 2 conv1 block
    c1 = acts.sel(neuroid=acts.layer == "conv1").values.reshape(-1, 8, 8, 2, 8, 2).max(axis=(3, 5))
    np.testing.assert_allclose(acts.sel(neuroid=acts.layer == "pool1").values.reshape(-1, 8, 8, 8), c1)
    sub = model.activations(test.values[:3], layers=["fc1", "conv1"], stimulus_id=["a", "b", "c"])
    assert list(dict.fromkeys(sub.layer.values)) == ["fc1", "conv1"]
    assert list(sub.stimulus_id.values) == ["a", "b", "c"]


def test_same_rng_same_network_and_untrained_control():
    x = object_images(n_per_category=2, variations=("low",), size=16, rng=3)
    y = x.object_name.values
    a = CNN(n_epochs=2, rng=5).fit(x, y)
    b = CNN(n_epochs=2, rng=5).fit(x, y)
    for k in a.params_:
        np.testing.assert_array_equal(a.params_[k], b.params_[k])
    untrained = CNN(n_epochs=0, rng=5).fit(x, y)
    assert untrained.loss_curve_ == []
    # training moved the weights away from the shared initialisation; n_epochs=0 is reproducible
    assert not np.array_equal(untrained.params_["conv1_w"], a.params_["conv1_w"])
    c = CNN(n_epochs=0, rng=5).fit(x, y)
    np.testing.assert_array_equal(c.params_["conv1_w"], untrained.params_["conv1_w"])


def test_bad_input_is_refused(trained):
    model, _, test = trained
    with pytest.raises(ValueError, match="height and width divisible by 4"):
        CNN(n_epochs=0).fit(np.zeros((4, 18, 18)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="images must be 16 x 16 pixels like the training images; got 32 x 32"):
        model.activations(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match="layers must be among .*got unknown 'fc7'"):
        model.activations(test, layers=["fc7"])
    with pytest.raises(ValueError, match="not fitted yet"):
        CNN().activations(test)
    with pytest.raises(ValueError, match="kernel_sizes\\[0\\] must be odd"):
        CNN(kernel_sizes=(4, 3)).fit(test, test.object_name.values)
    with pytest.raises(ValueError, match="y must have one label per image"):
        CNN().fit(test, test.object_name.values[:-1])
    with pytest.raises(ValueError, match="at least 2 classes"):
        CNN().fit(test.values[:3], ["a", "a", "a"])
    with pytest.raises(ValueError, match="images must be finite"):
        CNN().fit(np.full((2, 8, 8), np.nan), [0, 1])


@pytest.mark.torch
def test_torch_activations_by_forward_hooks(rng):
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(2 * 8 * 8, 3))
    x = rng.random((4, 8, 8))
    acts = torch_activations(net, x, ["0", "3"], stimulus_id=list("abcd"))
    assert acts.dims == ("presentation", "neuroid")
    assert dict(zip(*np.unique(acts.layer.values, return_counts=True))) == {"0": 128, "3": 3}
    with torch.no_grad():
        out = net(torch.as_tensor(x[:, None], dtype=torch.float32)).numpy()
    np.testing.assert_allclose(acts.sel(neuroid=acts.layer == "3").values, out, rtol=1e-6)


def test_deeper_networks_have_their_layers_and_the_default_is_unchanged(rng):
    x = rng.random((6, 32, 32))
    y = np.array([0, 1, 2, 0, 1, 2])
    assert cnn_architecture(2, 8) == {"channels": (8, 16), "kernel_sizes": (5, 3)}
    assert layer_names(2) == LAYERS
    for depth in (3, 5):
        net = CNN(**cnn_architecture(depth, 3), fc_units=4, n_epochs=1, batch_size=3, rng=0).fit(x, y)
        assert net.layer_names_ == layer_names(depth)
        assert net.params_[f"conv{depth}_w"].shape[0] == 3 * 4
        acts = net.activations(x, layers=[f"pool{depth}", "output"], batch_size=4)
        side = 32 // 2**depth
        assert (acts.layer == f"pool{depth}").sum() == 12 * side * side
        np.testing.assert_allclose(acts.sel(neuroid=acts.layer == "output").values, net.decision_function(x),
                                   rtol=1e-5, atol=1e-6)
        # batching does not change the values
        np.testing.assert_array_equal(acts.values, net.activations(x, layers=[f"pool{depth}", "output"], batch_size=6).values)
    with pytest.raises(ValueError, match="divisible by 32"):
        CNN(**cnn_architecture(5, 2), n_epochs=0).fit(rng.random((2, 16, 16)), [0, 1])
    with pytest.raises(ValueError, match="2 to 5 blocks"):
        CNN(channels=(4,), kernel_sizes=(3,)).fit(x, y)
    with pytest.raises(ValueError, match="depth must be <= 5"):
        cnn_architecture(6, 8)


def test_training_budget_in_steps_stops_within_an_epoch(rng):
    x = rng.random((20, 8, 8))
    y = np.arange(20) % 2
    net = CNN(channels=(2, 2), kernel_sizes=(3, 3), fc_units=4, n_epochs=5, batch_size=4, max_steps=7, rng=0).fit(x, y)
    # 5 minibatches per epoch: one full epoch and 2 steps of the second
    assert net.n_steps_ == 7 and len(net.loss_curve_) == 2
    full = CNN(channels=(2, 2), kernel_sizes=(3, 3), fc_units=4, n_epochs=5, batch_size=4, rng=0).fit(x, y)
    assert full.n_steps_ == 25
    # the same first epoch as the unbudgeted run: the budget only cuts the run short
    assert net.loss_curve_[0] == full.loss_curve_[0]
    # learning curve: epoch 0 is before training, ln(2) for an untrained 2-class net is the order of magnitude
    curve = full.learning_curve_["train_loss"]
    assert curve.sizes["epoch"] == 6 and curve.attrs["units"] == "nat"
    np.testing.assert_allclose(curve.values[1:], full.loss_curve_)
    assert 0.3 < float(curve.sel(epoch=0)) < 3.0


@pytest.mark.torch
def test_torch_activations_is_a_first_class_model_source(rng):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential()
    net.add_module("features", torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.ReLU(),
                                                   torch.nn.MaxPool2d(2)))
    net.add_module("flat", torch.nn.Flatten())
    net.add_module("head", torch.nn.Linear(3 * 4 * 4, 2))
    x = rng.random((5, 8, 8))
    whole = torch_activations(net, x, ["features.1", "head"], batch_size=5)
    batched = torch_activations(net, x, ["features.1", "head"], batch_size=2)
    # float32 sums may round differently with another batch size
    np.testing.assert_allclose(whole.values, batched.values, rtol=1e-5, atol=1e-6)
    assert whole.name == "activations" and whole.dtype == np.float32
    assert whole.neuroid_id.values[0] == "features.1.0000"
    assert list(whole.stimulus_id.values) == ["stim0000", "stim0001", "stim0002", "stim0003", "stim0004"]
    relu = whole.sel(neuroid=whole.layer == "features.1").values.reshape(5, 3, 8, 8)
    with torch.no_grad():
        ref = torch.relu(net.features[0](torch.as_tensor(x[:, None], dtype=torch.float32))).numpy()
    np.testing.assert_allclose(relu, ref, rtol=1e-6)
    assert net.training  # training mode restored
    with pytest.raises(ValueError, match=r"got unknown \['features.9'\]; valid names are \['features', 'features.0'"):
        torch_activations(net, x, ["features.9"])
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        torch_activations(object(), x, ["head"])
    with pytest.raises(ValueError, match="stimulus_id must be unique"):
        torch_activations(net, x, "head", stimulus_id=list("aabcd"))


def test_torch_missing_gives_the_pip_command(monkeypatch, rng):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match="pip install torch"):
        torch_activations(None, rng.random((2, 4, 4)), ["x"])
