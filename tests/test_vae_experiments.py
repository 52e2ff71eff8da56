"""The vae_digits and generative_models_digits experiments: small runs, and the DBN bound against enumeration."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
from scipy.special import logsumexp

from neurocomp._validation import ValidationError
from neurocomp.boltzmann import DBN, all_states
from neurocomp.experiments import get
from neurocomp.experiments.vae import _comparison_memory, _dbn_log_likelihood_rows
from neurocomp.vocabulary import check_dataset

matplotlib.use("Agg")


def test_dbn_importance_bound_tends_to_exact_log_likelihood():
    rng = np.random.default_rng(0)
    X = (rng.random((200, 6)) < np.array([0.9, 0.8, 0.2, 0.1, 0.5, 0.5])).astype(float)
    X[:100, :3] = 1 - X[:100, :3]  # two clusters
    dbn = DBN(layers=(4, 3), n_epochs=1, rng=1).fit(X)
    bottom, top = dbn.rbms_
    # strong weights, so that the recognition proposal q(h1|v) is far from the true posterior
    bottom.components_ = rng.normal(0, 2.0, bottom.components_.shape)
    top.components_ = rng.normal(0, 2.0, top.components_.shape)
    H = all_states(4)
    log_ph = -top.free_energy(H) - top.log_partition("exact").log_z  # p(h1), exact
    act = H @ bottom.components_ + bottom.intercept_visible_
    rows = X[:30]
    log_pv_h = rows @ act.T - np.logaddexp(0, act).sum(axis=1)  # (rows, states)
    exact = logsumexp(log_pv_h + log_ph, axis=1)
    log_z2 = top.log_partition("exact")
    gaps = []
    for k in (1, 1000):
        est = np.mean([_dbn_log_likelihood_rows(dbn, rows, k, log_z2, np.random.default_rng(10 * k + i))
                       for i in range(max(1, 200 // k))], axis=0)
        gap = exact - est
        se = gap.std(ddof=1) / math.sqrt(len(gap))
        assert gap.mean() > -3 * se - 1e-9  # a lower bound in expectation
        gaps.append((gap.mean(), se))
    assert gaps[0][0] > 5 * gaps[0][1] and gaps[0][0] > gaps[1][0] + 3 * gaps[1][1]
    assert abs(gaps[1][0]) < 3 * gaps[1][1] + 0.01 * gaps[0][0]  # 1000 samples: exact within noise


def test_vae_digits_small_run():
    result = get("vae_digits")(n_epochs=2, n_importance=5, hidden=[16], rng=0)
    ds = result.dataset
    assert not check_dataset(ds)
    assert ds.sizes["epoch"] == 3 and ds.sizes["latent"] == 2
    assert {"vae_reconstructions", "vae_samples", "vae_latent_map", "vae_traversal", "vae_learning_curve"} <= set(result.figures)
    s = result.summary
    assert s["log_likelihood_test"] >= s["elbo_test"] - 3 * s["log_likelihood_std_err"]
    assert s["gain_over_base_rate"] == pytest.approx(s["log_likelihood_test"] - s["base_rate_log_likelihood_test"])


def test_generative_models_small_run_names_every_model():
    result = get("generative_models_digits")(rbm_n_epochs=1, rbm_n_hidden=8, vae_n_epochs=1, vae_hidden=[16],
                                             n_importance=5, n_gibbs=5, dbn_layers=[8, 4], rng=0)
    s = result.summary
    names = ["independent", "rbm", "dbn", "vae"]
    values = [s[f"log_likelihood_test_{m}"] for m in names]
    assert all(np.isfinite(values)) and all(s[f"std_err_{m}"] > 0 for m in names)
    assert s["best_model"] == list(result.dataset["model"].values)[int(np.argmax(values))]
    assert s["rbm_log_partition_method"] == "exact"
    assert list(result.table["model"]) == ["independent pixels", "RBM", "DBN", "VAE"]
    assert not check_dataset(result.dataset)


def test_comparison_refuses_a_dbn_top_layer_it_cannot_sum():
    with pytest.raises(ValidationError, match=r"dbn_layers\[1\] must be at most 20"):
        _comparison_memory(rbm_n_hidden=20, dbn_layers=[64, 32], vae_hidden=[128], vae_n_latent=8, vae_n_epochs=10,
                           rbm_n_epochs=10, n_importance=10, ais_chains=10, ais_betas=100, batch_size=10)
