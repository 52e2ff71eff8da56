"""Experiments of the variational-auto-encoder unit.

* ``vae_digits`` -- a VAE on scikit-learn's 8x8 digits (binarised at half intensity):
  reconstructions, samples, the 2-D latent map coloured by digit, a traversal of the
  latent space and the learning curves of ELBO and KL; held-out ELBO and IWAE bound.
* ``generative_models_digits`` -- independent pixels, an RBM, a DBN and a VAE trained on
  the same binarised digits and scored on the same held-out images in nats per image,
  each with its standard error and the kind of number it is (exact, AIS estimate,
  stochastic lower bound).
"""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp.experiments._registry import ExperimentResult, Length, Range, check_work, experiment
from neurocomp.random import spawn

_N_DIGITS = 1797
_N_PIXELS = 64


def _binary_digits(test_fraction, split_rng):
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = (digits.data / 16.0 >= 0.5).astype(float)
    order = split_rng.permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    return X, digits.target, order[n_test:], order[:n_test]


def _vae_work(hidden, n_latent, n_epochs, n_importance):
    """Multiply-adds of training (forward + backward ~ 3x forward) and of the IWAE bound."""
    sizes = [_N_PIXELS, *hidden, n_latent]
    per_vector = 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))  # encoder + decoder
    return per_vector * (3 * n_epochs * _N_DIGITS + n_importance * _N_DIGITS)


def _vae_digits_memory(*, hidden, n_latent, n_epochs, n_importance, batch_size, **_):
    check_work(_vae_work(hidden, n_latent, n_epochs, n_importance), "this VAE run")
    widest = max([_N_PIXELS, *hidden])
    chunk = max(1, min(n_importance, int(4e6 // (_N_DIGITS * _N_PIXELS))))
    return 8 * (3 * chunk * _N_DIGITS * widest + 4 * batch_size * widest + 4 * _N_PIXELS * widest * (len(hidden) + 2))


@experiment("vae_digits", memory=_vae_digits_memory)
def vae_digits(
    *,
    n_latent: Annotated[int, Range(2, 64)] = 2,
    hidden: Annotated[list[Annotated[int, Range(1, 4096)]], Length(0, 4)] = [128],  # noqa: B006 (TOML default)
    activation: str = "tanh",
    n_epochs: Annotated[int, Range(0, 5000)] = 200,
    learning_rate: Annotated[float, Range(0, 1, low_open=True)] = 2e-3,
    batch_size: Annotated[int, Range(1, 2000)] = 50,
    kl_warmup: Annotated[int, Range(0, 5000)] = 0,
    test_fraction: Annotated[float, Range(0, 1, low_open=True, high_open=True)] = 0.2,
    n_importance: Annotated[int, Range(1, 100000)] = 1000,
    n_samples: Annotated[int, Range(1, 400)] = 32,
    n_traversal: Annotated[int, Range(2, 30)] = 10,
    rng=None,
) -> ExperimentResult:
    """A VAE on scikit-learn's digits: reconstructions, samples, latent map, ELBO and KL.

    The 8x8 images are binarised at half intensity (so that the Bernoulli decoder's
    likelihood is a likelihood), shuffled and split into training and held-out sets. The
    held-out log-likelihood is the IWAE bound with ``n_importance`` samples per image,
    beside the ELBO and the independent-pixel baseline.

    Parameters
    ----------
    n_latent : int
        Latent dimensions (2 draws the latent map directly; more draws the first two).
    hidden : list of int
        Hidden-layer sizes of the encoder (the decoder mirrors them).
    activation : {"tanh", "relu", "softplus"}
        Hidden non-linearity.
    n_epochs, batch_size : int
        Passes through the training set and minibatch size.
    learning_rate : float
        Adam step size.
    kl_warmup : int
        Epochs of linear KL warm-up (0 = none).
    test_fraction : float
        Held-out fraction of the images.
    n_importance : int
        Importance samples of the IWAE bound per held-out image.
    n_samples : int
        Images generated from the prior.
    n_traversal : int
        Grid points per latent axis of the traversal (decoded latent grid).
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the learning curve (``elbo``, ``kl``, ``elbo_valid`` over epoch, nat),
        ``latent_mean`` (pattern x latent), reconstructions and originals (pattern x pixel),
        ``samples`` (chain x pixel), ``traversal`` (step x step_post x pixel) and the
        held-out bounds (nat per image).

    References
    ----------
    Kingma DP, Welling M (2014) Auto-encoding variational Bayes. ICLR.
    Burda Y, Grosse R, Salakhutdinov R (2016) Importance weighted autoencoders. ICLR.
    """
    import matplotlib.pyplot as plt
    from scipy.stats import norm

    from neurocomp.plotting import boltzmann as bplot
    from neurocomp.plotting import vae as vplot
    from neurocomp.vae import VAE

    split_rng, fit_rng, eval_rng, sample_rng = spawn(rng, 4)
    X, target, train_idx, test_idx = _binary_digits(test_fraction, split_rng)
    X_train, X_test = X[train_idx], X[test_idx]
    vae = VAE(n_latent=n_latent, hidden=tuple(hidden), activation=activation, n_epochs=n_epochs,
              learning_rate=learning_rate, batch_size=batch_size, kl_warmup=kl_warmup, rng=fit_rng)
    vae.fit(X_train, X_valid=X_test)
    elbo_test = vae.elbo(X_test, n_samples=10, rng=eval_rng)
    iwae_test = vae.log_likelihood(X_test, n_importance=n_importance, rng=eval_rng)
    p = np.clip(X_train.mean(axis=0), 1e-3, 1 - 1e-3)
    base_rows = X_test @ np.log(p) + (1 - X_test) @ np.log1p(-p)
    z_test = vae.transform(X_test)
    shown = X_test[:16]
    recon = vae.reconstruct(shown)
    samples = vae.sample(n_samples, rng=sample_rng)
    # traversal: decode a grid at Gaussian quantiles of latents 1 and 2 (others at 0)
    q = norm.ppf(np.linspace(0.05, 0.95, n_traversal))
    grid = np.zeros((n_traversal, n_traversal, n_latent))
    grid[..., 0] = q[None, :]
    grid[..., 1] = q[::-1, None]
    traversal = vae.decode(grid.reshape(-1, n_latent)).reshape(n_traversal, n_traversal, _N_PIXELS)

    curve = vae.learning_curve_
    pixel = np.arange(_N_PIXELS)
    ds = xr.Dataset(
        {
            **{v: ("epoch", curve[v].values, dict(curve[v].attrs)) for v in curve.data_vars},
            "latent_mean": (("pattern", "latent"), z_test, {"units": "1", "long_name": "posterior mean of z"}),
            "originals": (("pattern", "pixel"), X_test, {"units": "1", "long_name": "held-out digit (binarised)"}),
            "reconstructions": (("pattern", "pixel"), vae.reconstruct(X_test),
                                {"units": "1", "long_name": "p(pixel on | z = posterior mean)"}),
            "samples": (("chain", "pixel"), samples, {"units": "1", "long_name": "p(pixel on | z), z from the prior"}),
            "traversal": (("step", "step_post", "pixel"), traversal,
                          {"units": "1", "long_name": "p(pixel on | z) on a grid of latents 1 and 2"}),
            "log_likelihood_test": ((), iwae_test.mean, {"units": "nat", "long_name": f"held-out IWAE bound ({iwae_test.method})"}),
            "log_likelihood_std_err": ((), iwae_test.std_err, {"units": "nat", "long_name": "standard error of the IWAE bound"}),
            "elbo_test": ((), elbo_test.mean, {"units": "nat", "long_name": "held-out ELBO per image"}),
            "base_rate_log_likelihood_test": ((), float(base_rows.mean()),
                                              {"units": "nat", "long_name": "independent-pixel held-out log-likelihood"}),
        },
        coords={
            "epoch": ("epoch", curve["epoch"].values, {"units": "1", "long_name": "epoch"}),
            "pattern": ("pattern", test_idx),
            "digit": ("pattern", target[test_idx]),
            "latent": ("latent", np.arange(n_latent)),
            "pixel": ("pixel", pixel),
            "chain": ("chain", np.arange(n_samples)),
            "step": ("step", q[::-1], {"units": "1", "long_name": "latent 2 (row of the grid)"}),
            "step_post": ("step_post", q, {"units": "1", "long_name": "latent 1 (column of the grid)"}),
        },
        attrs={"data": "sklearn digits 8x8, binarised at 0.5", "decoder": "bernoulli"},
    )
    d = iwae_test.mean - float(base_rows.mean())
    summary = {
        "log_likelihood_test": iwae_test.mean,
        "log_likelihood_std_err": iwae_test.std_err,
        "likelihood_method": iwae_test.method,
        "elbo_test": elbo_test.mean,
        "elbo_train_final": float(curve["elbo"].values[-1]),
        "kl_train_final": float(curve["kl"].values[-1]),
        "base_rate_log_likelihood_test": float(base_rows.mean()),
        "gain_over_base_rate": d,
        "n_train": int(len(X_train)),
        "n_test": int(len(X_test)),
    }

    figures = {}
    fig, ax = plt.subplots(figsize=(8, 2.6), layout="constrained")
    bplot.plot_image_grid(np.vstack([shown, recon]), ax=ax, n_cols=16,
                          title="held-out digits (top) and their reconstructions at the posterior mean (bottom)")
    figures["vae_reconstructions"] = fig
    fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
    bplot.plot_image_grid(samples, ax=ax, n_cols=8, title=f"{n_samples} samples: z ~ N(0, I), p(pixel on | z)")
    figures["vae_samples"] = fig
    fig, ax = plt.subplots(figsize=(6.5, 5), layout="constrained")
    vplot.plot_latent_map(z_test, target[test_idx], ax=ax,
                          title=f"held-out digits in latent space (latents 1-2 of {n_latent})")
    figures["vae_latent_map"] = fig
    fig, ax = plt.subplots(figsize=(6, 6), layout="constrained")
    bplot.plot_image_grid(traversal.reshape(-1, _N_PIXELS), ax=ax, n_cols=n_traversal,
                          title="decoded latent grid (latent 1 left to right, latent 2 bottom to top,\n"
                                "5 %-95 % quantiles of the prior)")
    figures["vae_traversal"] = fig
    if n_epochs:
        fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
        vplot.plot_elbo_kl(ds, ax=ax, title=(
            f"held-out log p(x) ≥ {iwae_test.mean:.2f} ± {iwae_test.std_err:.2f} nats ({iwae_test.method});\n"
            f"independent pixels {float(base_rows.mean()):.2f} nats"))
        figures["vae_learning_curve"] = fig
    return ExperimentResult(dataset=ds, figures=figures, summary=summary)


# ---------------------------------------------------------------------------------------
# the comparison
# ---------------------------------------------------------------------------------------


def _comparison_memory(*, rbm_n_hidden, dbn_layers, vae_hidden, vae_n_latent, vae_n_epochs, rbm_n_epochs,
                       n_importance, ais_chains, ais_betas, batch_size, **_):
    rbm_sweep = 4.0 * _N_PIXELS * rbm_n_hidden
    layers = [_N_PIXELS, *dbn_layers]
    dbn_sweep = 4.0 * sum(a * b for a, b in zip(layers[:-1], layers[1:]))
    work = (rbm_sweep * (2 * rbm_n_epochs * _N_DIGITS + ais_chains * ais_betas)
            + dbn_sweep * 2 * rbm_n_epochs * _N_DIGITS + dbn_sweep * n_importance * _N_DIGITS
            + _vae_work(vae_hidden, vae_n_latent, vae_n_epochs, n_importance))
    check_work(work, "this comparison of generative models")
    if dbn_layers[-1] > 20:
        from neurocomp._validation import ValidationError

        raise ValidationError(f"dbn_layers[1] must be at most 20 (the top RBM's log Z is summed exactly); got {dbn_layers}")
    widest = max([_N_PIXELS, *vae_hidden, *dbn_layers, rbm_n_hidden])
    chunk = max(1, min(n_importance, int(4e6 // (_N_DIGITS * _N_PIXELS))))
    return 8 * (3 * chunk * _N_DIGITS * widest + 4 * ais_chains * (_N_PIXELS + rbm_n_hidden)
                + _N_DIGITS * (_N_PIXELS + widest) * 4 + 2 ** 14 * widest * 4)


def _dbn_log_likelihood_rows(dbn, X, n_importance, log_z2, rng):
    """Importance-sampled lower bound on ``log p(v)`` of a 2-layer DBN, per row (nats).

    ``p(v) = Σ_h1 p(h1) p(v | h1)`` with ``p(h1) = exp(−F₂(h1)) / Z₂`` the visible marginal
    of the top RBM and ``p(v | h1)`` the bottom RBM's generative weights; proposals
    ``h1 ~ q(h1 | v)`` = the bottom RBM's recognition probabilities (Salakhutdinov &
    Murray 2008). ``log (1/K) Σ_k p*(h1_k) p(v|h1_k) / q(h1_k|v) − log Z₂``.
    """
    from scipy.special import logsumexp

    bottom, top = dbn.rbms_
    W, b = bottom.components_, bottom.intercept_visible_
    q = np.clip(bottom.transform(X), 1e-12, 1 - 1e-12)  # (n, n_h1)
    n = len(X)
    logs = np.empty((n_importance, n))
    for k in range(n_importance):
        h = (rng.random(q.shape) < q).astype(float)
        act = h @ W + b
        log_pv_h = (X * act - np.logaddexp(0, act)).sum(axis=1)
        log_q = (h * np.log(q) + (1 - h) * np.log1p(-q)).sum(axis=1)
        log_ph = -top.free_energy(h)
        logs[k] = log_ph + log_pv_h - log_q
    return logsumexp(logs, axis=0) - math.log(n_importance) - log_z2.log_z


@experiment("generative_models_digits", memory=_comparison_memory)
def generative_models_digits(
    *,
    test_fraction: Annotated[float, Range(0, 1, low_open=True, high_open=True)] = 0.2,
    rbm_n_hidden: Annotated[int, Range(1, 4096)] = 20,
    rbm_n_epochs: Annotated[int, Range(0, 5000)] = 20,
    rbm_learning_rate: Annotated[float, Range(0, 10, low_open=True)] = 0.05,
    batch_size: Annotated[int, Range(1, 2000)] = 10,
    weight_decay: Annotated[float, Range(0, 1)] = 1e-4,
    ais_chains: Annotated[int, Range(2, 100000)] = 100,
    ais_betas: Annotated[int, Range(10, 1000000)] = 5000,
    dbn_layers: Annotated[list[Annotated[int, Range(1, 4096)]], Length(2, 2)] = [64, 16],  # noqa: B006
    vae_n_latent: Annotated[int, Range(1, 64)] = 8,
    vae_hidden: Annotated[list[Annotated[int, Range(1, 4096)]], Length(0, 4)] = [128],  # noqa: B006
    vae_n_epochs: Annotated[int, Range(0, 5000)] = 200,
    vae_learning_rate: Annotated[float, Range(0, 1, low_open=True)] = 2e-3,
    vae_batch_size: Annotated[int, Range(1, 2000)] = 50,
    n_importance: Annotated[int, Range(1, 100000)] = 1000,
    n_samples: Annotated[int, Range(1, 100)] = 16,
    n_gibbs: Annotated[int, Range(1, 100000)] = 1000,
    rng=None,
) -> ExperimentResult:
    """Independent pixels, RBM, DBN and VAE on the same binarised digits, in nats per held-out image.

    All four models see the same training images and are scored on the same held-out
    images (binarised at half intensity). What each number is:

    * independent pixels -- exact (Bernoulli marginals of the training set);
    * RBM -- ``log p`` with ``log Z`` exact (≤ 20 hidden units) or by AIS, whose standard
      error is combined with the spread over images (an AIS estimate of ``log Z`` tends to
      be low, so the RBM's number tends to be high);
    * DBN (two RBMs, top layer ≤ 20 units so that ``log Z`` of the top RBM is exact) --
      an importance-sampled stochastic lower bound with the recognition weights as the
      proposal (Salakhutdinov & Murray 2008);
    * VAE -- the IWAE bound (Burda et al. 2016), a stochastic lower bound.

    Standard errors are over held-out images; the table also gives each model's paired
    difference from the independent-pixel baseline (same images), which is measured far
    more precisely.

    Parameters
    ----------
    test_fraction : float
        Held-out fraction of the images.
    rbm_n_hidden, rbm_n_epochs : int
        RBM size (≤ 20: exact ``log Z``; more: AIS) and training epochs (the DBN's layers
        train for as many epochs).
    rbm_learning_rate, weight_decay : float
        Persistent-CD settings of the RBM and of both DBN layers.
    batch_size : int
        Minibatch size of RBM and DBN training.
    ais_chains, ais_betas : int
        AIS runs and inverse temperatures for the RBM's ``log Z`` (unused when exact).
    dbn_layers : list of 2 int
        Hidden-layer sizes of the DBN (the top one ≤ 20: exact ``log Z`` of the top RBM).
    vae_n_latent : int
        Latent dimensions of the VAE.
    vae_hidden : list of int
        Hidden-layer sizes of the VAE encoder (the decoder mirrors them).
    vae_n_epochs, vae_batch_size : int
        VAE training epochs and minibatch size.
    vae_learning_rate : float
        Adam step size.
    n_importance : int
        Importance samples per held-out image for the DBN and VAE bounds.
    n_samples, n_gibbs : int
        Samples drawn from every model, and Gibbs steps for the RBM and DBN samples.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset over ``model`` with ``log_likelihood_test``, ``std_err``,
        ``gain_over_independent`` and its ``gain_std_err`` (nat per image), ``samples``
        (model x chain x pixel), ``vae_traversal`` (latent x step x pixel); the table of the
        same numbers with the kind of each.

    References
    ----------
    Salakhutdinov R, Murray I (2008) On the quantitative analysis of deep belief
    networks. ICML. Kingma DP, Welling M (2014) Auto-encoding variational Bayes. ICLR.
    Burda Y, Grosse R, Salakhutdinov R (2016) Importance weighted autoencoders. ICLR.
    """
    import matplotlib.pyplot as plt

    from neurocomp.boltzmann import DBN, RBM
    from neurocomp.plotting import boltzmann as bplot
    from neurocomp.plotting import vae as vplot
    from neurocomp.vae import VAE

    if dbn_layers[-1] > 20:
        from neurocomp._validation import ValidationError

        raise ValidationError(f"dbn_layers[1] must be at most 20 (the top RBM's log Z is summed exactly); got {dbn_layers}")
    split_rng, rbm_rng, dbn_rng, vae_rng, ais_rng, eval_rng, sample_rng = spawn(rng, 7)
    X, _, train_idx, test_idx = _binary_digits(test_fraction, split_rng)
    X_train, X_test = X[train_idx], X[test_idx]
    n_test = len(X_test)

    rows, kinds, samples = {}, {}, {}
    # independent pixels
    p = np.clip(X_train.mean(axis=0), 1e-3, 1 - 1e-3)
    rows["independent pixels"] = X_test @ np.log(p) + (1 - X_test) @ np.log1p(-p)
    kinds["independent pixels"] = ("exact", 0.0)
    samples["independent pixels"] = (sample_rng.random((n_samples, _N_PIXELS)) < p).astype(float)  # binary draws
    # RBM (persistent CD, as in the rbm_digits model)
    rbm = RBM(n_hidden=rbm_n_hidden, learning_rate=rbm_learning_rate, batch_size=batch_size, n_epochs=rbm_n_epochs,
              persistent=True, momentum=0.0, weight_decay=weight_decay, rng=rbm_rng).fit(X_train)
    log_z = rbm.log_partition("auto", n_chains=ais_chains, betas=ais_betas, rng=ais_rng)
    rows["RBM"] = rbm.score_samples(X_test, log_z=log_z)
    kinds["RBM"] = ("exact log Z" if log_z.method == "exact" else "log Z by AIS", log_z.std_err)
    samples["RBM"] = rbm.sample(n_samples, n_gibbs=n_gibbs, rng=sample_rng)
    # DBN
    dbn = DBN(layers=tuple(dbn_layers), learning_rate=rbm_learning_rate, batch_size=batch_size,
              n_epochs=rbm_n_epochs, persistent=True, momentum=0.0, weight_decay=weight_decay, rng=dbn_rng).fit(X_train)
    log_z2 = dbn.rbms_[1].log_partition("exact")
    rows["DBN"] = _dbn_log_likelihood_rows(dbn, X_test, n_importance, log_z2, eval_rng)
    kinds["DBN"] = (f"lower bound, {n_importance} importance samples", 0.0)
    samples["DBN"] = dbn.sample(n_samples, n_gibbs=n_gibbs, rng=sample_rng)
    # VAE
    vae = VAE(n_latent=vae_n_latent, hidden=tuple(vae_hidden), n_epochs=vae_n_epochs, learning_rate=vae_learning_rate,
              batch_size=vae_batch_size, rng=vae_rng).fit(X_train)
    rows["VAE"] = vae.log_likelihood_samples(X_test, n_importance=n_importance, rng=eval_rng)
    kinds["VAE"] = (f"IWAE lower bound, k = {n_importance}", 0.0)
    samples["VAE"] = vae.sample(n_samples, rng=sample_rng)
    # VAE traversal: each latent in turn from -2 to 2 prior SDs, the others at 0
    steps = np.linspace(-2.0, 2.0, 9)
    Z = np.zeros((vae_n_latent, len(steps), vae_n_latent))
    for j in range(vae_n_latent):
        Z[j, :, j] = steps
    traversal = vae.decode(Z.reshape(-1, vae_n_latent)).reshape(vae_n_latent, len(steps), _N_PIXELS)

    models = list(rows)
    base = rows["independent pixels"]
    mean = np.array([rows[m].mean() for m in models])
    extra_se = np.array([kinds[m][1] for m in models])
    se = np.sqrt(np.array([rows[m].var(ddof=1) / n_test for m in models]) + extra_se ** 2)
    gain = np.array([(rows[m] - base).mean() for m in models])
    gain_se = np.sqrt(np.array([(rows[m] - base).var(ddof=1) / n_test for m in models]) + extra_se ** 2)
    nat = {"units": "nat"}
    ds = xr.Dataset(
        {
            "log_likelihood_test": ("model", mean, {**nat, "long_name": "held-out log-likelihood per image"}),
            "std_err": ("model", se, {**nat, "long_name": "standard error (over images, and of log Z)"}),
            "gain_over_independent": ("model", gain, {**nat, "long_name": "paired gain over independent pixels"}),
            "gain_std_err": ("model", gain_se, {**nat, "long_name": "standard error of the paired gain"}),
            "log_likelihood_rows": (("model", "pattern"), np.stack([rows[m] for m in models]),
                                    {**nat, "long_name": "held-out log-likelihood of each image"}),
            "vae_traversal": (("latent", "step", "pixel"), traversal,
                              {"units": "1", "long_name": "VAE p(pixel on | z), one latent varied, others 0"}),
            "samples": (("model", "chain", "pixel"), np.stack([samples[m] for m in models]),
                        {"units": "1", "long_name": "a sample: p(pixel on) for RBM, DBN, VAE; 0/1 for independent pixels"}),
        },
        coords={
            "model": ("model", models),
            "kind": ("model", [kinds[m][0] for m in models]),
            "pattern": ("pattern", test_idx),
            "chain": ("chain", np.arange(n_samples)),
            "pixel": ("pixel", np.arange(_N_PIXELS)),
            "latent": ("latent", np.arange(vae_n_latent)),
            "step": ("step", steps, {"units": "1", "long_name": "value of the varied latent (prior SDs)"}),
        },
        attrs={"data": "sklearn digits 8x8, binarised at 0.5", "n_train": int(len(X_train)), "n_test": int(n_test)},
    )
    table = pd.DataFrame({
        "model": models,
        "log_likelihood_test": mean.round(2),
        "std_err": se.round(2),
        "ci95_low": (mean - 1.96 * se).round(2),
        "ci95_high": (mean + 1.96 * se).round(2),
        "gain_over_independent": gain.round(2),
        "gain_std_err": gain_se.round(2),
        "kind": [kinds[m][0] for m in models],
    })
    best = models[int(np.argmax(mean))]
    key = {"independent pixels": "independent", "RBM": "rbm", "DBN": "dbn", "VAE": "vae"}
    summary = {f"log_likelihood_test_{key[m]}": float(v) for m, v in zip(models, mean)}
    summary.update({f"std_err_{key[m]}": float(s) for m, s in zip(models, se)})
    summary.update({
        "best_model": best,
        "rbm_log_partition_method": log_z.method,
        "rbm_log_partition": log_z.log_z,
        "n_train": int(len(X_train)),
        "n_test": int(n_test),
    })

    figures = {}
    fig, ax = plt.subplots(figsize=(6.5, 3.2), layout="constrained")
    vplot.plot_log_likelihoods(ds, ax=ax, title=(
        "held-out log-likelihood, same binarised digits (95 % intervals)\n"
        f"RBM: {kinds['RBM'][0]}; DBN, VAE: stochastic lower bounds"))
    ax.set_yticks(range(len(models)), [f"{m}\n({kinds[m][0]})" for m in models], fontsize="small")
    figures["log_likelihoods"] = fig
    fig, ax = plt.subplots(figsize=(8.5, 3.6), layout="constrained")
    bplot.plot_image_grid(np.vstack([samples[m] for m in models]), ax=ax, n_cols=n_samples,
                          title="samples, rows top to bottom: " + ", ".join(models)
                                + "\n(independent pixels: 0/1 draws; the others: p(pixel on))")
    figures["samples_per_model"] = fig
    fig, ax = plt.subplots(figsize=(5, 0.55 * vae_n_latent + 1.2), layout="constrained")
    bplot.plot_image_grid(traversal.reshape(-1, _N_PIXELS), ax=ax, n_cols=len(steps),
                          title="VAE latent traversals: row j varies latent j\nfrom -2 to 2 (others 0)")
    figures["vae_latent_traversals"] = fig
    return ExperimentResult(dataset=ds, figures=figures, summary=summary, table=table)
