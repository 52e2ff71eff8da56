"""The Neocognitron: estimator contract, learned strokes, tolerance to shifts (Fukushima 1980)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from neurocomp.vision import Neocognitron
from neurocomp.vision.neocognitron import load_digit_images, shift_images


@parametrize_with_checks([Neocognitron(n_planes=(2, 2, 2), n_epochs=1, n_patches=200, rng=0)])
def test_sklearn_contract(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    return load_digit_images()


def _stroke_dictionary(k=5):
    """Zero-mean, unit-norm oriented bars of widths 1-3 px at every offset across a k x k patch."""
    yy, xx = np.mgrid[0:k, 0:k] - k // 2
    bars = []
    for theta in np.arange(8) * np.pi / 8:
        for offset in np.linspace(-2, 2, 9):
            for width in (1.0, 2.0, 3.0):
                bars.append((np.abs(xx * np.cos(theta) + yy * np.sin(theta) - offset) <= width / 2).ravel())
    return _zscore(np.array(bars, float))


def _zscore(f):
    f = f - f.mean(1, keepdims=True)
    keep = np.linalg.norm(f, axis=1) > 0
    return f[keep] / np.linalg.norm(f[keep], axis=1, keepdims=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_learned_s1_features_are_localised_strokes(digits, seed):
    images, labels = digits
    net = Neocognitron(n_epochs=1, n_patches=5000, rng=seed).fit(images[:400], labels[:400])
    bars = _stroke_dictionary()
    learned = _zscore(net.s1_features().reshape(len(net.templates_[0]), -1))
    best = (learned @ bars.T).max(axis=1)
    # the control: random non-negative templates match a bar far less well
    random = _zscore(np.random.default_rng(seed).random(learned.shape))
    best_random = (random @ bars.T).max(axis=1)
    assert best.min() > 0.65 and np.median(best) > 0.8
    assert np.median(best_random) < 0.6
    assert (net.s1_features() >= 0).all()  # excitatory weights
    assert (net.win_counts_[0] > 0).all()  # every plane won patches: no dead cell-plane


def test_recognition_survives_shifts_that_defeat_a_pixel_classifier(digits):
    images, labels = digits
    train, test = slice(0, 800), slice(800, 1400)
    net = Neocognitron(rng=0).fit(images[train], labels[train])
    pix = LogisticRegression(max_iter=3000).fit(images[train].reshape(800, -1), labels[train])
    x, y = images[test], labels[test]
    acc_net, acc_pix = net.score(x, y), pix.score(x.reshape(len(x), -1), y)
    assert acc_net > 0.75  # chance is 0.1
    shifted = np.concatenate([shift_images(x, dy, dx) for dy, dx in ((3, 0), (-3, 0), (0, 3), (0, -3))])
    ys = np.tile(y, 4)
    sh_net = net.score(shifted, ys)
    sh_pix = pix.score(shifted.reshape(len(shifted), -1), ys)
    se = np.sqrt(0.25 / len(ys))  # largest binomial standard error of an accuracy
    # shifted by 3 px the pixel classifier loses most of its accuracy, the Neocognitron far less
    assert sh_net > sh_pix + 8 * se
    assert acc_net - sh_net < 0.7 * (acc_pix - sh_pix)


def test_bad_input(digits):
    images, labels = digits
    with pytest.raises(ValueError, match="n_planes must hold 3 values"):
        Neocognitron(n_planes=(4, 4)).fit(images[:20], labels[:20])
    with pytest.raises(ValueError, match=r"kernel_sizes\[0\] must be odd"):
        Neocognitron(kernel_sizes=(4, 3, 3)).fit(images[:20], labels[:20])
    with pytest.raises(ValueError, match="at least n_planes"):
        Neocognitron(n_planes=(8, 4, 4), rng=0).fit(np.zeros((2, 28, 28)) + np.eye(28)[None] * 0, [0, 1])
    net = Neocognitron(n_planes=(2, 2, 2), n_epochs=1, n_patches=200, rng=0).fit(images[:30], labels[:30])
    with pytest.raises(ValueError, match="images must be 28 x 28 pixels like the images the model was fitted on"):
        net.predict(np.zeros((2, 16, 16)))
    with pytest.raises(ValueError, match=r"layers must be among \['s1', 'c1', 's2', 'c2', 's3', 'c3'\]"):
        net.activations(images[:2], layers="s4")
