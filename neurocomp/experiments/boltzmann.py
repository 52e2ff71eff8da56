"""Experiments of the Boltzmann-machine unit.

* ``ackley1985_encoder`` -- the N-H-N encoder problem of Ackley, Hinton & Sejnowski (1985):
  many independent machines learn, by annealed wake and sleep phases, to pass which of N
  visible units is on through H hidden units; the fraction of runs that learn and the
  learning cycles needed are set beside the paper's (4-2-4: 250 of 250 runs, median about
  110 cycles; 8-3-8: 16 of 20 runs).
* ``rbm_digits`` -- an RBM on scikit-learn's 8x8 digits (binarised at half intensity):
  learned filters, reconstructions, samples, the learning curve and the held-out
  log-likelihood by annealed importance sampling (Salakhutdinov & Murray 2008).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp.experiments._registry import ExperimentResult, Range, check_work, experiment
from neurocomp.random import spawn

#: Ackley, Hinton & Sejnowski (1985): 4-2-4 encoder, 250 of 250 runs learned, median ~110 cycles.
PAPER_424 = {"runs": 250, "learned": 250, "median_cycles": 110}
#: Ackley, Hinton & Sejnowski (1985): 8-3-8 encoder, 16 of 20 runs learned.
PAPER_838 = {"runs": 20, "learned": 16}


@experiment("ackley1985_encoder")
def ackley1985_encoder(
    *,
    n_group: Annotated[int, Range(1, 10)] = 4,
    n_hidden: Annotated[int, Range(1, 10)] = 2,
    n_runs: Annotated[int, Range(1, 1000)] = 50,
    max_cycles: Annotated[int, Range(1, 20000)] = 400,
    estimator: Literal["sampled", "exact"] = "sampled",
    update: Literal["sign", "gradient"] = "sign",
    weight_step: Annotated[float, Range(0, 100, low_open=True)] = 2.0,
    n_chains: Annotated[int, Range(1, 100)] = 1,
    n_stat_sweeps: Annotated[int, Range(1, 1000)] = 10,
    noise_on: Annotated[float, Range(0, 1, high_open=True)] = 0.15,
    noise_off: Annotated[float, Range(0, 1, high_open=True)] = 0.05,
    init_scale: Annotated[float, Range(0, 100)] = 0.0,
    tolerance: Annotated[float, Range(0, 1000)] = 0.0,
    noise_per_sweep: bool = True,
    step_decay_cycles: Annotated[float, Range(0, 1e6, low_open=True)] | None = None,
    weight_decay: Annotated[float, Range(0, 1, high_open=True)] = 0.0,
    rng=None,
) -> ExperimentResult:
    """The encoder problem: fraction of runs that learn and the learning cycles needed.

    Runs ``n_runs`` independent machines (one batch) with the paper's annealing schedule
    (2@20, 2@15, 2@12, 4@10; statistics for ``n_stat_sweeps`` sweeps at T = 10) and weight
    steps of fixed size ``weight_step`` by the sign of ``p⁺_ij − p⁻_ij`` (``update='sign'``)
    or proportional to it. ``estimator='exact'`` replaces sampling by enumeration (set
    ``tolerance`` ≈ 0.01 with the sign rule; see :class:`~neurocomp.boltzmann.BoltzmannMachine`).

    The 8-3-8 encoder (``n_group=8, n_hidden=3``; paper: 16 of 20 runs) needs ``n_chains=4``
    annealings per pattern: with 4, 39 of 50 runs solved it within 600 cycles (median 121
    cycles); with 1, 2 of 20 in 2000 cycles before ``noise_per_sweep`` and 10 of 20 in 600
    after. Many of those runs later fall back to two patterns sharing one hidden code
    (``fraction_solved_at_end``: 0.34).

    Parameters
    ----------
    n_group : int
        Visible units per group (the 4-2-4 encoder: 4).
    n_hidden : int
        Hidden units joining the groups.
    n_runs : int
        Independent machines learning at once.
    max_cycles : int
        Learning cycles (epochs).
    estimator : {"sampled", "exact"}
        Co-occurrence statistics by annealed sampling or by enumeration.
    update : {"sign", "gradient"}
        Weight step by the sign of ``p+ - p-`` or proportional to it.
    weight_step : float
        Size of a weight step.
    n_chains : int
        Annealings per pattern for the statistics.
    n_stat_sweeps : int
        Sweeps at the final temperature that collect statistics.
    noise_on, noise_off : float
        Probabilities of flipping a clamped on / off visible unit.
    init_scale : float
        Initial weights uniform in ``[-init_scale, init_scale]``.
    tolerance : float
        Differences ``|p+ - p-|`` below this make no step.
    noise_per_sweep : bool
        Draw the clamping noise afresh every sweep (else once per annealing).
    step_decay_cycles : float, optional
        Weight steps shrink as ``1 / (1 + cycle / step_decay_cycles)``.
    weight_decay : float
        Fraction of each weight lost per cycle.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset over trial (run) and epoch (cycle) with ``cycles_to_learn``,
        ``learned``, ``divergence`` (nat), final ``weights`` and ``biases``; the
        paper's numbers beside ours in the table.

    References
    ----------
    Ackley DH, Hinton GE, Sejnowski TJ (1985) A learning algorithm for Boltzmann
    machines. Cogn Sci 9:147-169.
    """
    from neurocomp import boltzmann
    from neurocomp.plotting import boltzmann as bplot

    import matplotlib.pyplot as plt

    (train_rng,) = spawn(rng, 1)
    ds = boltzmann.learn_encoder(
        n_group,
        n_hidden,
        n_runs=n_runs,
        max_cycles=max_cycles,
        estimator=estimator,
        update=update,
        weight_step=weight_step,
        n_chains=n_chains,
        n_stat_sweeps=n_stat_sweeps,
        noise_on=noise_on,
        noise_off=noise_off,
        init_scale=init_scale,
        tolerance=tolerance,
        noise_per_sweep=noise_per_sweep,
        step_decay_cycles=step_decay_cycles,
        weight_decay=weight_decay,
        rng=train_rng,
    )
    learned = ds["learned"].values
    cycles = ds["cycles_to_learn"].values
    frac = float(learned.mean())
    median = float(np.nanmedian(cycles)) if learned.any() else float("nan")
    is_424 = (n_group, n_hidden) == (4, 2)
    summary = {
        "problem": ds.attrs["problem"],
        "n_runs": int(n_runs),
        "fraction_learned": frac,
        "median_cycles_to_learn": median,
        "fraction_solved_at_end": float(ds["learned_at_end"].mean()),
        "cycles_run": int(ds.sizes["epoch"]),
    }
    is_838 = (n_group, n_hidden) == (8, 3)
    if is_424:
        summary["paper_fraction_learned"] = PAPER_424["learned"] / PAPER_424["runs"]
        summary["paper_median_cycles"] = PAPER_424["median_cycles"]
    if is_838:
        summary["paper_fraction_learned"] = PAPER_838["learned"] / PAPER_838["runs"]
    table = pd.DataFrame(
        [
            {"source": "neurocomp", "problem": ds.attrs["problem"], "runs": int(n_runs),
             "learned": int(learned.sum()), "median cycles": median},
        ]
        + (
            [{"source": "Ackley et al. 1985", "problem": "4-2-4 encoder", "runs": PAPER_424["runs"],
              "learned": PAPER_424["learned"], "median cycles": float(PAPER_424["median_cycles"])}]
            if is_424
            else []
        )
        + (
            [{"source": "Ackley et al. 1985", "problem": "8-3-8 encoder", "runs": PAPER_838["runs"],
              "learned": PAPER_838["learned"], "median cycles": float("nan")}]
            if is_838
            else []
        )
    )

    figures = {}
    fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
    bplot.plot_encoder_learning(ds, ax=ax, paper_median=PAPER_424["median_cycles"] if is_424 else None)
    figures["encoder_learning"] = fig
    if np.isfinite(ds["divergence"].values).any():
        fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
        bplot.plot_divergence(ds, ax=ax)
        ax.set_title(f"{ds.attrs['problem']}: divergence G of the free-running machine\nfrom the noise-free patterns",
                     fontsize="medium")
        figures["encoder_divergence"] = fig
    # Hinton diagram of the first run that learned (else run 0)
    shown = int(np.flatnonzero(learned)[0]) if learned.any() else 0
    fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
    bplot.plot_weights(
        ds["weights"].isel(trial=shown).values,
        biases=ds["biases"].isel(trial=shown).values,
        labels=list(ds["unit_label"].values),
        ax=ax,
    )
    ax.set_title(f"run {shown}: weights after {ds.sizes['epoch']} cycles\n(white excitatory, black inhibitory)")
    figures["encoder_weights"] = fig
    return ExperimentResult(dataset=ds, figures=figures, summary=summary, table=table)


def _rbm_digits_memory(*, n_hidden, ais_chains, ais_betas, n_samples, n_gibbs, batch_size, n_epochs, k, **_):
    """64 visible units: AIS chains, Gibbs samples, weights and their gradients; refuses days of sampling."""
    per_sweep = 4.0 * 64 * n_hidden  # one Gibbs sweep of one chain: two matrix-vector products and samples
    check_work(per_sweep * (n_epochs * 1797 * (k + 1) + ais_chains * ais_betas + n_samples * n_gibbs), "this RBM run")
    return 8 * (4 * ais_chains * (64 + n_hidden) + 4 * (n_samples + batch_size) * (64 + n_hidden)
                + 4 * 64 * n_hidden + 1797 * (64 + n_hidden))


@experiment("rbm_digits", memory=_rbm_digits_memory)
def rbm_digits(
    *,
    n_hidden: Annotated[int, Range(1, 4096)] = 64,
    learning_rate: Annotated[float, Range(0, 10, low_open=True)] = 0.05,
    n_epochs: Annotated[int, Range(0, 10000)] = 20,
    batch_size: Annotated[int, Range(1, 10000)] = 10,
    k: Annotated[int, Range(1, 1000)] = 1,
    persistent: bool = True,
    momentum: Annotated[float, Range(0, 1, high_open=True)] = 0.0,
    weight_decay: Annotated[float, Range(0, 1)] = 1e-4,
    test_fraction: Annotated[float, Range(0, 1, low_open=True, high_open=True)] = 0.2,
    ais_chains: Annotated[int, Range(2, 100000)] = 100,
    ais_betas: Annotated[int, Range(10, 1000000)] = 5000,
    n_samples: Annotated[int, Range(1, 400)] = 32,
    n_gibbs: Annotated[int, Range(1, 100000)] = 1000,
    rng=None,
) -> ExperimentResult:
    """An RBM on scikit-learn's digits with an honest held-out log-likelihood.

    The 8x8 images are binarised at half intensity (so that a binary RBM's likelihood is a
    likelihood), shuffled and split into training and held-out sets. The held-out
    log-likelihood uses ``log Z`` computed exactly when the hidden layer has at most 20 units
    and by AIS otherwise; the base-rate model (independent pixels with the training
    marginals) is reported beside it as a reference.

    Momentum defaults to 0: with persistent chains it lowered the held-out log-likelihood
    by 2-4 nats per image in our runs (seeds 1-3); Hinton (2010) recommends it for CD.

    Parameters
    ----------
    n_hidden : int
        Hidden units.
    learning_rate, momentum, weight_decay : float
        Training settings of :class:`~neurocomp.boltzmann.RBM`.
    n_epochs, batch_size : int
        Passes through the training set and minibatch size.
    k : int
        Gibbs steps per contrastive-divergence update.
    persistent : bool
        Persistent chains (PCD) instead of CD-k from the data.
    test_fraction : float
        Held-out fraction of the images.
    ais_chains, ais_betas : int
        AIS runs and inverse temperatures for ``log Z``.
    n_samples, n_gibbs : int
        Samples drawn from the model and the Gibbs steps for each.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the learning curve (epoch), ``filters`` (neuron x pixel),
        held-out and training log-likelihoods and ``log Z`` (nat) with its
        standard error, and samples (chain x pixel).

    References
    ----------
    Hinton GE (2002) Training products of experts by minimizing contrastive
    divergence. Neural Comput 14:1771-1800. Salakhutdinov R, Murray I (2008) On
    the quantitative analysis of deep belief networks. ICML.
    """
    from sklearn.datasets import load_digits

    import matplotlib.pyplot as plt

    from neurocomp.boltzmann import RBM
    from neurocomp.plotting import boltzmann as bplot

    split_rng, fit_rng, ais_rng, sample_rng = spawn(rng, 4)
    digits = load_digits()
    X = (digits.data / 16.0 >= 0.5).astype(float)
    order = split_rng.permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test_idx, train_idx = order[:n_test], order[n_test:]
    X_train, X_test = X[train_idx], X[test_idx]

    rbm = RBM(
        n_hidden=n_hidden,
        learning_rate=learning_rate,
        batch_size=batch_size,
        n_epochs=n_epochs,
        k=k,
        persistent=persistent,
        momentum=momentum,
        weight_decay=weight_decay,
        rng=fit_rng,
    ).fit(X_train, X_valid=X_test)  # per-epoch held-out likelihood when exact is cheap (n_hidden <= 16)
    log_z = rbm.log_partition("auto", n_chains=ais_chains, betas=ais_betas, rng=ais_rng)
    ll_test = rbm.log_likelihood(X_test, log_z=log_z)
    ll_train = rbm.log_likelihood(X_train, log_z=log_z)
    p = rbm.visible_marginals_
    base_rate = float(np.mean(X_test @ np.log(p) + (1 - X_test) @ np.log1p(-p)))
    # Chains start at held-out digits of every class in turn, so the figure shows where they go:
    # started from the pixel marginals, 28 of 32 "independent" chains showed the same digit, which
    # looked like poor mixing; from 32 different digits they still end in one mode, so it is the
    # model's distribution (contrastive divergence leaves modes with too much probability).
    y_test = digits.target[test_idx]
    by_class = [np.flatnonzero(y_test == c) for c in range(10)]
    start_idx = np.array([by_class[j % 10][(j // 10) % max(len(by_class[j % 10]), 1)] for j in range(n_samples)])
    sample_start = X_test[start_idx]
    samples = rbm.sample(n_samples, n_gibbs=n_gibbs, init=sample_start, rng=sample_rng)
    y_train = digits.target[train_idx]
    centroids = np.stack([X_train[y_train == c].mean(axis=0) for c in range(10)])
    nearest = np.argmin(((samples[:, None, :] - centroids[None]) ** 2).sum(axis=2), axis=1)
    mode_digit = int(np.bincount(nearest, minlength=10).argmax())
    n_in_mode = int(np.sum(nearest == mode_digit))
    shown = X_test[:16]
    recon = rbm.reconstruct(shown)

    pixel = np.arange(64)
    ds = xr.Dataset(
        {
            "reconstruction_error": (
                "epoch",
                rbm.learning_curve_["reconstruction_error"].values,
                {"units": "1", "long_name": "mean squared reconstruction error (training data)"},
            ),
            **(
                {"log_likelihood_valid": ("epoch", rbm.learning_curve_["log_likelihood_valid"].values,
                                          dict(rbm.learning_curve_["log_likelihood_valid"].attrs))}
                if "log_likelihood_valid" in rbm.learning_curve_
                else {}
            ),
            "filters": (("neuron", "pixel"), rbm.components_, {"units": "1", "long_name": "weight (hidden unit x pixel)"}),
            "intercept_hidden": ("neuron", rbm.intercept_hidden_, {"units": "1", "long_name": "hidden bias"}),
            "intercept_visible": ("pixel", rbm.intercept_visible_, {"units": "1", "long_name": "visible bias"}),
            "samples": (("chain", "pixel"), samples, {"units": "1", "long_name": "p(pixel on) after Gibbs sampling"}),
            "sample_start": (("chain", "pixel"), sample_start, {"units": "1", "long_name": "held-out digit a chain starts at"}),
            "originals": (("pattern", "pixel"), shown, {"units": "1", "long_name": "held-out digit (binarised)"}),
            "reconstructions": (("pattern", "pixel"), recon, {"units": "1", "long_name": "mean-field reconstruction"}),
            "log_likelihood_test": ((), ll_test.mean, {"units": "nat", "long_name": "held-out log-likelihood per image"}),
            "log_likelihood_train": ((), ll_train.mean, {"units": "nat", "long_name": "training log-likelihood per image"}),
            "log_partition": ((), log_z.log_z, {"units": "nat", "long_name": f"log Z ({log_z.method})"}),
            "log_partition_std_err": ((), log_z.std_err, {"units": "nat", "long_name": "standard error of log Z"}),
        },
        coords={
            "epoch": ("epoch", rbm.learning_curve_["epoch"].values, {"units": "1", "long_name": "epoch"}),
            "neuron": ("neuron", np.arange(n_hidden)),
            "pixel": ("pixel", pixel),
            "pixel_row": ("pixel", pixel // 8),
            "pixel_col": ("pixel", pixel % 8),
            "chain": ("chain", np.arange(n_samples)),
            "pattern": ("pattern", test_idx[:16]),
            "digit": ("pattern", digits.target[test_idx[:16]]),
        },
        attrs={"likelihood_method": log_z.method, "data": "sklearn digits 8x8, binarised at 0.5"},
    )
    summary = {
        "log_likelihood_test": ll_test.mean,
        "log_likelihood_train": ll_train.mean,
        "log_likelihood_std_err": ll_test.std_err,
        "base_rate_log_likelihood_test": base_rate,
        "samples_in_largest_mode": n_in_mode,
        "log_partition": log_z.log_z,
        "likelihood_method": log_z.method,
        "final_reconstruction_error": float(ds["reconstruction_error"][-1]) if n_epochs else float("nan"),
        "n_train": int(len(X_train)),
        "n_test": int(len(X_test)),
    }

    figures = {}
    fig, ax = plt.subplots(figsize=(6, 5.5), layout="constrained")
    bplot.plot_image_grid(rbm.components_, ax=ax, symmetric=True, title=f"{n_hidden} learned filters (rows of W)")
    figures["rbm_filters"] = fig
    fig, ax = plt.subplots(figsize=(8, 2.6), layout="constrained")
    bplot.plot_image_grid(np.vstack([shown, recon]), ax=ax, n_cols=16,
                          title="held-out digits (top) and their reconstructions (bottom)")
    figures["rbm_reconstructions"] = fig
    fig, ax = plt.subplots(figsize=(6, 6.6), layout="constrained")
    bplot.plot_image_grid(np.vstack([sample_start, samples]), ax=ax, n_cols=8,
                          title=f"{n_samples} chains started at held-out digits 0-9 (top half)\n"
                                f"after {n_gibbs} Gibbs steps (bottom half), {n_in_mode} of {n_samples} are nearest "
                                f"the mean '{mode_digit}'"
                                + (":\nthe model gives that mode too much probability" if n_in_mode > n_samples / 2
                                   else f";\nthey spread over {len(set(nearest.tolist()))} of the 10 digits"))
    figures["rbm_samples"] = fig
    if n_epochs:
        fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
        bplot.plot_learning_curve(ds, ax=ax, variable="reconstruction_error")
        if "log_likelihood_valid" in ds:
            ax2 = ax.twinx()
            bplot.plot_learning_curve(ds, ax=ax2, variable="log_likelihood_valid", color="C1")
            ax2.yaxis.label.set_color("C1")
        ax.set_title(
            f"held-out log p(v) = {ll_test.mean:.2f} ± {ll_test.std_err:.2f} nats ({log_z.method});\n"
            f"independent-pixel baseline {base_rate:.2f} nats",
            fontsize="medium",
        )
        figures["rbm_learning_curve"] = fig
    return ExperimentResult(dataset=ds, figures=figures, summary=summary)
