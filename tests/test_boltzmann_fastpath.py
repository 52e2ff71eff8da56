"""RBM.fit's fused training loop against a plain, term-by-term CD/PCD loop on the same draws.

The fit keeps all parameters in one augmented matrix and takes the whole gradient from one
matrix product (see the comment in ``RBM.fit``); the reference below is the textbook loop
(Hinton 2010) written one term at a time, drawing the same uniforms in the same order. They
must agree to rounding: any slip in a sign, a bias, a scale or the order of the draws shows
up as an O(1e-3) difference after a few hundred updates.
"""

import numpy as np
import pytest
from scipy.special import expit

from neurocomp.boltzmann import RBM
from neurocomp.random import as_generator


def _reference_fit(X, n_hidden, *, lr, bs, n_epochs, k, persistent, momentum, weight_decay, rng, binary=True):
    rng = as_generator(rng)
    n, n_v = X.shape
    W = rng.normal(0.0, 0.01, size=(n_hidden, n_v))
    c = np.zeros(n_hidden)
    if binary:
        m = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3)
        b = np.log(m / (1 - m))
    else:
        m = b = X.mean(axis=0)
    b = b.copy()
    bs = min(bs, n)
    vw, vc, vb = np.zeros_like(W), np.zeros_like(c), np.zeros_like(b)
    chains = None
    if persistent:
        chains = (rng.random((bs, n_v)) < m).astype(float) if binary else X[rng.integers(0, n, bs)].copy()
        chain_ph = expit(chains @ W.T + c)
    recon = []

    def error():
        h = expit(X @ W.T + c)
        r = h @ W + b
        return np.mean((X - (expit(r) if binary else r)) ** 2)

    recon.append(error())
    for _ in range(n_epochs):
        Xp = X[rng.permutation(n)]
        for start in range(0, n, bs):
            v0 = Xp[start:start + bs]
            ph0 = expit(v0 @ W.T + c)
            phk = chain_ph if persistent else ph0
            for _ in range(k):
                hs = (rng.random(phk.shape) < phk).astype(float)
                mean = hs @ W + b
                if binary:
                    vk = (rng.random(mean.shape) < expit(mean)).astype(float)
                else:
                    vk = mean + rng.standard_normal(mean.shape)
                phk = expit(vk @ W.T + c)
            if persistent:
                chain_ph = phk
            gw = ph0.T @ v0 / len(v0) - phk.T @ vk / len(vk) - weight_decay * W
            gc = ph0.mean(axis=0) - phk.mean(axis=0)
            gb = v0.mean(axis=0) - vk.mean(axis=0)
            vw = momentum * vw + lr * gw
            vc = momentum * vc + lr * gc
            vb = momentum * vb + lr * gb
            W, c, b = W + vw, c + vc, b + vb
        recon.append(error())
    return W, c, b, np.array(recon)


@pytest.mark.parametrize(
    "kw",
    [
        dict(persistent=True, momentum=0.0, weight_decay=0.0, k=1, bs=10),  # the benchmark's setting
        dict(persistent=True, momentum=0.5, weight_decay=1e-3, k=2, bs=7),  # a short last batch, PCD
        dict(persistent=False, momentum=0.9, weight_decay=0.0, k=1, bs=9),  # CD-1, short last batch
        dict(persistent=False, momentum=0.0, weight_decay=1e-4, k=3, bs=64),
    ],
)
def test_fit_equals_plain_loop_binary(kw):
    X = np.random.default_rng(0).random((150, 12)) ** 2
    ref = _reference_fit(X, 9, lr=0.1, n_epochs=4, rng=3, **kw)
    rbm = RBM(n_hidden=9, learning_rate=0.1, batch_size=kw["bs"], n_epochs=4, k=kw["k"],
              persistent=kw["persistent"], momentum=kw["momentum"], weight_decay=kw["weight_decay"], rng=3).fit(X)
    for ours, theirs in zip((rbm.components_, rbm.intercept_hidden_, rbm.intercept_visible_), ref[:3]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rbm.learning_curve_.reconstruction_error.values, ref[3], rtol=1e-12)
    assert rbm.components_.flags.c_contiguous


@pytest.mark.parametrize("persistent", [True, False])
def test_fit_equals_plain_loop_gaussian(persistent):
    X = np.random.default_rng(1).normal(size=(80, 5))
    ref = _reference_fit(X, 4, lr=0.01, bs=10, n_epochs=3, k=1, persistent=persistent, momentum=0.5,
                         weight_decay=0.0, rng=2, binary=False)
    rbm = RBM(n_hidden=4, visible="gaussian", learning_rate=0.01, batch_size=10, n_epochs=3,
              persistent=persistent, momentum=0.5, rng=2).fit(X)
    np.testing.assert_allclose(rbm.components_, ref[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(rbm.intercept_hidden_, ref[1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(rbm.intercept_visible_, ref[2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(rbm.learning_curve_.reconstruction_error.values, ref[3], rtol=1e-12)
