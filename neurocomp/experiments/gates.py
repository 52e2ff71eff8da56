"""Threshold-logic and backpropagation experiments (journal-club unit 1).

* ``mcculloch_pitts_gates`` — McCulloch & Pitts (1943): named gates and a half
  adder from threshold units; a grid search shows that 14 of the 16 two-input
  Boolean functions need one unit and XOR/XNOR none (Minsky & Papert 1969); the
  perceptron (Rosenblatt 1958) learns AND but not XOR.
* ``spiking_gates`` — the same gates from leaky integrate-and-fire neurons on
  brian2 (coincidence detection, low threshold, tonic firing vetoed by
  inhibition), read out over jittered trials.
* ``backprop_xor``, ``backprop_sine``, ``backprop_donut`` — Rumelhart, Hinton &
  Williams (1986): a hidden layer trained by backpropagation solves XOR, fits a
  sine wave and classifies a ring that no line separates.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from neurocomp import gates as gt
from neurocomp._deprecation import renamed_kwargs
from neurocomp.dnn.mlp import MLP, make_donut, make_sine, make_xor
from neurocomp.experiments._registry import ExperimentResult, Length, Range, check_work, experiment
from neurocomp.plotting import gates as gplot
from neurocomp.plotting._core import plain_log_ticks
from neurocomp.random import as_generator, spawn

_TWO_INPUT = ("AND", "OR", "NAND", "NOR", "XOR")


@experiment("mcculloch_pitts_gates")
@renamed_kwargs(perceptron_max_iter="perceptron_n_epochs")  # name before 0.2
def mcculloch_pitts_gates(
    *,
    weight_step: Annotated[float, Range(0.05, 1.0)] = 0.1,
    weight_extent: Annotated[float, Range(0.5, 5.0)] = 2.0,
    perceptron_n_epochs: Annotated[int, Range(1, 10_000)] = 50,
    sigma_center: Annotated[float, Range(0.3, 10.0)] = 1.0,
    sigma_surround: Annotated[float, Range(0.5, 30.0)] = 3.0,
    rng=None,
) -> ExperimentResult:
    """Truth tables of threshold-unit gates; which Boolean functions one unit can compute.

    Every two-input Boolean function is searched for on a grid of weights
    (``±weight_extent`` in steps of ``weight_step``) and thresholds (offset
    by half a step); the perceptron is trained on AND and on XOR. A sheet of
    centre-surround (difference-of-Gaussians) units, as in the LGN, filters a
    test image: uniform regions vanish, edges and small spots stand out.

    Parameters
    ----------
    weight_step, weight_extent : float
        Grid of weights ``-weight_extent .. weight_extent`` in steps of ``weight_step``.
    perceptron_n_epochs : int
        Most epochs of the perceptron (``perceptron_max_iter`` before 0.2).
    sigma_center, sigma_surround : float
        SDs of the DoG's centre and surround Gaussians, in pixels.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with ``truth_table`` (pattern x gate), ``half_adder``,
        ``single_unit_solutions`` (function), the perceptron's convergence (gate)
        and the centre-surround image and response (y x x).

    References
    ----------
    McCulloch WS, Pitts W (1943) A logical calculus of the ideas immanent in
    nervous activity. Bull Math Biophys 5:115-133. Rosenblatt F (1958) The
    perceptron. Psychol Rev 65:386-408. Minsky M, Papert S (1969) Perceptrons. MIT Press.
    """
    if not sigma_center < sigma_surround:  # check before any work is done
        raise gt.ValidationError(
            f"sigma_center must be smaller than sigma_surround; got {sigma_center:g} and {sigma_surround:g}"
        )
    table = xr.concat([gt.truth_table(g) for g in (*_TWO_INPUT,)], dim="gate").assign_coords(gate=list(_TWO_INPUT))
    table.attrs.update(long_name="gate output", units="1")
    logic = {"AND": np.logical_and, "OR": np.logical_or, "NAND": lambda a, b: ~(a & b),
             "NOR": lambda a, b: ~(a | b), "XOR": np.logical_xor}
    X = gt.input_patterns(2)
    exact = all(
        np.array_equal(table.sel(gate=g).values, logic[g](X[:, 0].astype(bool), X[:, 1].astype(bool)).astype(int))
        for g in _TWO_INPUT
    )
    adder = gt.truth_table(gt.half_adder())
    exact &= bool(np.array_equal(adder.sel(output="sum").values + 2 * adder.sel(output="carry").values, X.sum(1)))

    weights = np.arange(-weight_extent, weight_extent + 1e-9, weight_step)
    thresholds = np.arange(-weight_extent - weight_step / 2, weight_extent + weight_step, weight_step)
    functions = np.array(list(np.ndindex(2, 2, 2, 2)))  # all 16 two-input functions
    n_solutions = np.array([len(gt.find_threshold_units(f, weights=weights, thresholds=thresholds)) for f in functions])
    names = {tuple(table.sel(gate=g).values): g for g in _TWO_INPUT}
    names.update({(0, 0, 0, 0): "FALSE", (1, 1, 1, 1): "TRUE", (1, 0, 0, 1): "XNOR"})
    fn_label = ["".join(map(str, f)) + (f" {names[tuple(f)]}" if tuple(f) in names else "") for f in functions]

    per_rng = as_generator(rng)
    per = {}
    for g in ("AND", "OR", "XOR"):
        y = table.sel(gate=g).values
        with warnings.catch_warnings():  # non-convergence on XOR is the point; it is reported below
            warnings.simplefilter("ignore", gt.NeurocompWarning)
            per[g] = gt.Perceptron(n_epochs=perceptron_n_epochs, shuffle=True, rng=per_rng).fit(X, y)

    ds = xr.Dataset(
        {
            "truth_table": table,
            "half_adder": adder,
            "single_unit_solutions": ("function", n_solutions,
                                      {"long_name": "threshold units on the grid computing the function", "units": "1"}),
            # over the gate dim; NaN for the gates the perceptron was not trained on
            "perceptron_converged": ("gate", [float(per[g].converged_) if g in per else np.nan for g in table["gate"].values],
                                     {"long_name": "perceptron converged (1 yes, 0 no, NaN not trained)", "units": "1"}),
            "perceptron_updates": ("gate", [float(per[g].n_updates_) if g in per else np.nan for g in table["gate"].values],
                                   {"long_name": "perceptron weight updates", "units": "1"}),
        },
        coords={"function": fn_label},
    )
    ds.attrs.update(weight_step=weight_step, weight_extent=weight_extent)

    fig_tab, (a1, a2) = plt.subplots(1, 2, figsize=(8.0, 3.0), layout="constrained", width_ratios=[1, 0.8])
    gplot.plot_truth_table(table, ax=a1)
    a1.set_title("threshold-unit gates (XOR: two layers)", fontsize=9)
    gplot.plot_truth_table(adder.transpose("output", "pattern"), ax=a2)
    a2.set_title("half adder = XOR (sum) + AND (carry)", fontsize=9)

    fig_sep, axes = plt.subplots(1, 3, figsize=(9.5, 3.4), layout="constrained")
    for ax, g in zip(axes[:2], ("AND", "OR")):
        p = per[g]
        gplot.plot_separability(X, table.sel(gate=g).values, ax=ax,
                                lines=[(p.coef_, -p.intercept_, "perceptron")],
                                title=f"{g}: perceptron converged after {p.n_updates_} updates")
    hidden_w, hidden_t = gt.XOR.layers[0]
    gplot.plot_separability(
        X, table.sel(gate="XOR").values, ax=axes[2],
        lines=[(hidden_w[:, 0], hidden_t[0], "hidden OR"), (hidden_w[:, 1], hidden_t[1], "hidden NAND")],
        title=f"XOR: no single unit ({int(n_solutions[6])} on grid);\n"
              + ("the perceptron converged" if per["XOR"].converged_ else "the perceptron never converges"),
    )

    image = np.zeros((64, 64))
    image[12:44, 10:34] = 1.0  # a bright square
    yy, xx = np.mgrid[:64, :64]
    image[(yy - 46) ** 2 + (xx - 48) ** 2 <= 3**2] = 1.0  # a small spot
    image[(yy - 16) ** 2 + (xx - 48) ** 2 <= 9**2] = 0.5  # a large dimmer disk
    response = gt.center_surround(image, sigma_center=sigma_center, sigma_surround=sigma_surround)
    kernel = gt.dog_kernel(sigma_center, sigma_surround)
    ds["cs_image"] = (("y", "x"), image, {"long_name": "test image luminance", "units": "1"})
    ds["cs_response"] = (("y", "x"), response, {"long_name": "ON-centre DoG response", "units": "1"})
    fig_cs = plt.figure(figsize=(10.5, 3.2), layout="constrained")
    ax_img, ax_resp, ax_kernel = fig_cs.subplots(1, 3)
    gplot.plot_luminance(image, ax=ax_img)
    gplot.plot_center_surround(response, ax=ax_resp)
    gplot.plot_dog_profile(kernel, ax=ax_kernel)

    sep = n_solutions > 0
    summary = {
        "all_truth_tables_exact": bool(exact),
        "linearly_separable_functions": int(sep.sum()),
        "xor_single_unit_solutions": int(n_solutions[6]),
        "and_single_unit_solutions": int(n_solutions[1]),
        "perceptron_and_updates": int(per["AND"].n_updates_),
        "perceptron_xor_converged": bool(per["XOR"].converged_),
        "dog_response_inside_square_centre": float(response[28, 22]),
        "dog_response_at_square_edge_max": float(response[12:44, 8:36].max()),
    }
    tab = pd.DataFrame({"function (outputs for 00 01 10 11)": fn_label, "single units on grid": n_solutions})
    return ExperimentResult(dataset=ds, figures={"truth_tables": fig_tab, "separability": fig_sep, "center_surround": fig_cs}, summary=summary, table=tab)


@experiment("spiking_gates")
@renamed_kwargs(jitter_ms=("jitter", lambda v: v * 1e-3), noise_mv=("noise_sd", lambda v: v * 1e-3))  # names before 0.2
def spiking_gates(
    *,
    gates: Annotated[list[Literal["AND", "OR", "NOT", "NOR", "NAND", "XOR"]], Length(1, 6, unique=True)] = ["AND", "OR", "NOT", "XOR"],  # noqa: B006
    trials: Annotated[int, Range(1, 1000)] = 20,
    jitter: Annotated[float, Range(0.0, 4e-3)] = 1e-3,
    noise_sd: Annotated[float, Range(0.0, 5e-3)] = 0.5e-3,
    codegen: Literal["auto", "numpy", "cython"] = "numpy",
    rng=None,
) -> ExperimentResult:
    """Logic gates from LIF neurons on brian2; truth tables read from output spikes over jittered trials.

    ``codegen`` picks brian2's target; these tiny networks run as fast on
    "numpy" as on "cython" with a warm cache, and a cold cython cache costs
    minutes of compiling, so "numpy" is the default ("auto" = neurocomp's choice).
    ``jitter`` (s) is the SD of the input spike times, ``noise_sd`` (V) the
    stationary SD of the membrane potential (:func:`neurocomp.gates.spiking_truth_table`).

    Parameters
    ----------
    gates : list of {"AND", "OR", "NOT", "NOR", "NAND", "XOR"}
        The gates to build.
    trials : int
        Repetitions of each input combination.
    jitter : float
        SD of the input spike times in s (``jitter_ms`` before 0.2).
    noise_sd : float
        Stationary SD of the membrane potential in V (``noise_mv`` before 0.2).
    codegen : {"auto", "numpy", "cython"}
        brian2 code-generation target.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset over (gate, pattern, trial) with ``output``, ``spike_count``,
        ``expected`` and ``fraction_correct``, and every spike; a raster figure.

    References
    ----------
    Gerstner W, Kistler WM, Naud R, Paninski L (2014) Neuronal Dynamics.
    Cambridge University Press, ch. 1.3 (the LIF neuron).
    """
    if not gates:
        raise gt.ValidationError("gates must name at least one gate; got an empty list")
    rngs = spawn(rng, len(gates))
    results = {g: gt.spiking_truth_table(g, trials=trials, jitter=jitter, noise_sd=noise_sd,
                                           target=None if codegen == "auto" else codegen, rng=r)
               for g, r in zip(gates, rngs)}
    n_pat = max(r.sizes["pattern"] for r in results.values())
    per_gate, spikes, rows = [], [], []
    for g, r in results.items():
        core = r[["output", "spike_count", "expected", "fraction_correct"]]
        core = core.drop_vars([c for c in core.coords if c not in ("pattern", "trial")])
        core = core.reindex(pattern=np.arange(n_pat)).astype(float)
        core = core.assign_coords(inputs=("pattern", list(r["inputs"].values) + [""] * (n_pat - r.sizes["pattern"])))
        per_gate.append(core.expand_dims(gate=[g]))
        spikes.append(pd.DataFrame({"spike_gate": g, "spike_time": r.spike_time.values,
                                    "spike_pattern": r.spike_pattern.values, "spike_trial": r.spike_trial.values,
                                    "spike_neuron": r.spike_neuron.values}))
        for p in range(r.sizes["pattern"]):
            rows.append({"gate": g, "inputs": str(r["inputs"].values[p]), "expected": int(r.expected.values[p]),
                         "fraction correct": float(r.fraction_correct.values[p]),
                         "mean output spikes": float(r.spike_count.values[p].mean())})
    inputs_coord = xr.DataArray(np.array([[*c["inputs"].values] for c in per_gate], dtype=object).reshape(len(gates), n_pat),
                                dims=("gate", "pattern"))
    ds = xr.concat([c.drop_vars("inputs") for c in per_gate], dim="gate").assign_coords(inputs=inputs_coord)
    for name, long in (("output", "output bit"), ("spike_count", "output spikes in readout window"),
                       ("expected", "logical truth table"), ("fraction_correct", "fraction of trials correct")):
        ds[name].attrs.update(long_name=long, units="1")
    sp = pd.concat(spikes, ignore_index=True)
    ds["spike_time"] = ("spike", sp.spike_time.values, {"long_name": "spike time", "units": "s"})
    ds = ds.assign_coords(spike_gate=("spike", sp.spike_gate.values.astype(str)),
                          spike_pattern=("spike", sp.spike_pattern.values),
                          spike_trial=("spike", sp.spike_trial.values),
                          spike_neuron=("spike", sp.spike_neuron.values.astype(str)))
    first = next(iter(results.values()))
    ds.attrs.update(jitter=jitter, noise_sd=noise_sd, brian2_target=first.attrs["brian2_target"],
                    input_time=first.attrs["input_time"])

    n = len(gates)
    ncol = min(n, 2)
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, 3.6 * nrow), layout="constrained", squeeze=False)
    for ax, (g, r) in zip(axes.ravel(), results.items()):
        gplot.plot_spike_raster(r, n_trials=min(trials, 5), ax=ax)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.suptitle(f"LIF logic gates: inputs (blue), hidden (grey), output (red); jitter {jitter * 1e3:g} ms, "
                 f"first {min(trials, 5)} trials\nshaded: readout window, where a spike of the output neuron "
                 "reads as output bit 1", fontsize=9)
    table = pd.DataFrame(rows)
    summary = {
        "min_fraction_correct": float(table["fraction correct"].min()),
        "all_gates_at_least_95pct": bool((table["fraction correct"] >= 0.95).all()),
        "trials": int(trials),
        "jitter": float(jitter),
    }
    return ExperimentResult(dataset=ds, figures={"raster": fig}, summary=summary, table=table)


def _backprop_memory(n_in: int, n_samples_of):
    """Memory estimator of a backprop experiment; refuses a training of more than MAX_OPERATIONS."""

    def estimate(*, hidden, n_epochs, **params):
        sizes = [n_in, *hidden, 1 if n_in == 1 else 2]
        weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        n_samples, repeats = n_samples_of(params)
        check_work(6.0 * weights * n_samples * n_epochs * repeats, "this training")
        return 8 * 4 * (weights + n_samples * sum(sizes)) * repeats

    return estimate


@experiment("backprop_xor", memory=_backprop_memory(2, lambda p: (4, p["n_seeds"])))
def backprop_xor(
    *,
    hidden: Annotated[list[Annotated[int, Range(1, 256)]], Length(1, 8)] = [4],  # noqa: B006
    activation: Literal["sigmoid", "tanh", "relu"] = "tanh",
    loss: Literal["cross_entropy", "squared_error"] = "cross_entropy",
    learning_rate: Annotated[float, Range(0.0, 10.0, low_open=True)] = 0.5,
    momentum: Annotated[float, Range(0.0, 1.0, high_open=True)] = 0.9,
    n_epochs: Annotated[int, Range(1, 100_000)] = 500,
    n_seeds: Annotated[int, Range(1, 1000)] = 20,
    rng=None,
) -> ExperimentResult:
    """XOR by backpropagation: success over ``n_seeds`` initialisations, learning curve and decision surface.

    Parameters
    ----------
    hidden : list of int
        Units per hidden layer.
    activation : {"sigmoid", "tanh", "relu"}
        Hidden-unit nonlinearity.
    loss : {"cross_entropy", "squared_error"}
        Training loss of the sigmoid output.
    learning_rate, momentum : float
        Step size and momentum of gradient descent.
    n_epochs : int
        Full-batch epochs.
    n_seeds : int
        Independent initialisations.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with ``loss`` (trial x epoch), ``network_output`` (trial x
        pattern) and ``solved`` (trial); learning-curve and decision-surface figures.

    References
    ----------
    Rumelhart DE, Hinton GE, Williams RJ (1986) Learning representations by
    back-propagating errors. Nature 323:533-536.
    """
    X, y = make_xor()
    seeds = spawn(rng, n_seeds)
    nets, finals, success = [], [], []
    for s in seeds:
        net = MLP(tuple(hidden), activation=activation, output="sigmoid", loss=loss, learning_rate=learning_rate,
                  momentum=momentum, batch_size=4, n_epochs=n_epochs, rng=s).fit(X, y)
        p = net.predict_proba(X)[:, 1]
        nets.append(net)
        finals.append(p)
        success.append(bool(np.all((p > 0.5) == (y == 1))))
    curves = np.array([n.loss_curve_ for n in nets])
    ds = xr.Dataset(
        {
            "loss": (("trial", "epoch"), curves, {"long_name": "training loss (" + nets[0]._loss.replace("_", "-") + ")",
                                                 "units": "1"}),
            "network_output": (("trial", "pattern"), np.array(finals), {"long_name": "output after training", "units": "1"}),
            "target": ("pattern", y, {"long_name": "XOR target", "units": "1"}),
            "solved": ("trial", success, {"long_name": "all four outputs on the right side of 0.5", "units": "1"}),
        },
        coords={"trial": np.arange(n_seeds), "epoch": np.arange(curves.shape[1]),
                "inputs": ("pattern", ["00", "01", "10", "11"])},
    )
    best = int(np.argmin(curves[:, -1]))
    act = nets[best].activations(X, stimulus_id=["00", "01", "10", "11"])
    ds["best_activations"] = act.rename(presentation="pattern").drop_vars("stimulus_id")

    fig_lc, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    ax.plot(ds.epoch, curves.T, color="0.6", lw=0.8)
    ax.plot(ds.epoch, curves[best], color="C3", lw=1.5, label=f"seed {best}")
    ax.set_yscale("log")
    plain_log_ticks(ax)
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("training loss (" + nets[0]._loss.replace("_", "-") + ")")
    ax.set_title(f"XOR, {len(hidden)} hidden layer(s) {hidden}: solved by {np.mean(success):.0%} of {n_seeds} seeds", fontsize=9)
    ax.legend(frameon=False)
    fig_ds, ax2 = plt.subplots(figsize=(4.6, 4.0), layout="constrained")
    gplot.plot_decision_surface(nets[best], X, y, ax=ax2, margin=0.5, s=90)
    ax2.set_title("decision surface (seed with lowest loss)", fontsize=9)
    summary = {
        "fraction_seeds_solved": float(np.mean(success)),
        "median_final_loss": float(np.median(curves[:, -1])),
        **{f"output_{k}": float(v) for k, v in zip(["00", "01", "10", "11"], finals[best])},
    }
    table = pd.DataFrame({"inputs": ["00", "01", "10", "11"], "target": y,
                          "output (best seed)": finals[best], "mean output (all seeds)": np.mean(finals, axis=0)})
    return ExperimentResult(dataset=ds, figures={"learning_curve": fig_lc, "decision_surface": fig_ds},
                            summary=summary, table=table)


@experiment("backprop_sine", memory=_backprop_memory(1, lambda p: (p["n_train"] + p["n_test"], 1)))
def backprop_sine(
    *,
    hidden: Annotated[list[Annotated[int, Range(1, 256)]], Length(1, 8)] = [16],  # noqa: B006
    activation: Literal["sigmoid", "tanh", "relu"] = "tanh",
    n_train: Annotated[int, Range(2, 100_000)] = 200,
    n_test: Annotated[int, Range(1, 100_000)] = 200,
    noise: Annotated[float, Range(0.0, 1.0)] = 0.05,
    learning_rate: Annotated[float, Range(0.0, 10.0, low_open=True)] = 0.1,
    momentum: Annotated[float, Range(0.0, 1.0, high_open=True)] = 0.9,
    batch_size: Annotated[int, Range(1, 100_000)] = 50,
    n_epochs: Annotated[int, Range(1, 100_000)] = 2000,
    rng=None,
) -> ExperimentResult:
    """Regression of y = sin(x) + noise on [-π, π] by a network with a linear output (squared error).

    Parameters
    ----------
    hidden : list of int
        Units per hidden layer.
    activation : {"sigmoid", "tanh", "relu"}
        Hidden-unit nonlinearity.
    n_train, n_test : int
        Training and held-out samples.
    noise : float
        SD of the Gaussian noise added to sin(x).
    learning_rate, momentum : float
        Step size and momentum of gradient descent.
    batch_size, n_epochs : int
        Minibatch size and epochs.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the learning curve (epoch) and the fit on a grid; figures
        of the fit and the training and held-out losses.

    References
    ----------
    Hornik K, Stinchcombe M, White H (1989) Multilayer feedforward networks are
    universal approximators. Neural Netw 2:359-366.
    """
    data_rng, test_rng, net_rng = spawn(rng, 3)
    Xtr, ytr = make_sine(n_train, noise=noise, rng=data_rng)
    Xte, yte = make_sine(n_test, noise=noise, rng=test_rng)
    net = MLP(tuple(hidden), activation=activation, output="linear", learning_rate=learning_rate, momentum=momentum,
              batch_size=batch_size, n_epochs=n_epochs, rng=net_rng).fit(Xtr, ytr, X_valid=Xte, y_valid=yte)
    pred = net.predict(Xte)
    mse = float(np.mean((pred - yte) ** 2))
    mse_true = float(np.mean((pred - np.sin(Xte[:, 0])) ** 2))
    grid = np.linspace(-np.pi, np.pi, 201)
    ds = net.learning_curve_
    ds = ds.assign(
        x=("presentation", grid, {"long_name": "input x", "units": "1"}),
        network_output=("presentation", net.predict(grid[:, None]), {"long_name": "network output", "units": "1"}),
        target=("presentation", np.sin(grid), {"long_name": "sin(x)", "units": "1"}),
    )
    fig_lc, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    gplot.plot_learning_curve(ds, ax=ax, logy=True)
    ax.axhline(0.5 * noise**2, color="k", ls=":", lw=1, label="noise floor (½ noise variance)")
    ax.legend(frameon=False)
    ax.set_title(f"sine: held-out MSE {mse:.4f} (noise variance {noise**2:.4f})", fontsize=9)
    fig_fit, ax2 = plt.subplots(figsize=(5, 3.6), layout="constrained")
    gplot.plot_function_fit(net, Xtr, ytr, target=np.sin, ax=ax2)
    ax2.set_title(f"{hidden} {activation} hidden units, linear output", fontsize=9)
    summary = {"test_mse": mse, "test_mse_vs_true_sine": mse_true, "noise_variance": float(noise**2),
               "final_train_loss": float(net.loss_curve_[-1])}
    return ExperimentResult(dataset=ds, figures={"learning_curve": fig_lc, "fit": fig_fit}, summary=summary)


@experiment("backprop_donut", memory=_backprop_memory(2, lambda p: (p["n_train"] + p["n_test"], 1)))
def backprop_donut(
    *,
    hidden: Annotated[list[Annotated[int, Range(1, 256)]], Length(1, 8)] = [16, 16],  # noqa: B006
    activation: Literal["sigmoid", "tanh", "relu"] = "relu",
    n_train: Annotated[int, Range(10, 100_000)] = 2000,
    n_test: Annotated[int, Range(10, 100_000)] = 2000,
    learning_rate: Annotated[float, Range(0.0, 10.0, low_open=True)] = 0.05,
    momentum: Annotated[float, Range(0.0, 1.0, high_open=True)] = 0.9,
    batch_size: Annotated[int, Range(1, 100_000)] = 32,
    n_epochs: Annotated[int, Range(1, 100_000)] = 150,
    rng=None,
) -> ExperimentResult:
    """Classify points inside the ring 1 <= r < 2 (of the disk r < 3): no line does, a hidden layer does.

    Parameters
    ----------
    hidden : list of int
        Units per hidden layer.
    activation : {"sigmoid", "tanh", "relu"}
        Hidden-unit nonlinearity.
    n_train, n_test : int
        Training and held-out points.
    learning_rate, momentum : float
        Step size and momentum of gradient descent.
    batch_size, n_epochs : int
        Minibatch size and epochs.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the learning curve (epoch), held-out accuracy and the
        hidden activations (presentation x neuroid); decision-surface figure.

    References
    ----------
    Rumelhart DE, Hinton GE, Williams RJ (1986) Learning representations by
    back-propagating errors. Nature 323:533-536.
    """
    data_rng, test_rng, net_rng, lin_rng = spawn(rng, 4)
    Xtr, ytr = make_donut(n_train, rng=data_rng)
    Xte, yte = make_donut(n_test, rng=test_rng)
    net = MLP(tuple(hidden), activation=activation, output="sigmoid", learning_rate=learning_rate, momentum=momentum,
              batch_size=batch_size, n_epochs=n_epochs, rng=net_rng).fit(Xtr, ytr, X_valid=Xte, y_valid=yte)
    linear = MLP((), output="sigmoid", learning_rate=learning_rate, momentum=momentum, batch_size=batch_size,
                 n_epochs=min(n_epochs, 50), rng=lin_rng).fit(Xtr, ytr)
    acc, acc_lin = net.score(Xte, yte), linear.score(Xte, yte)
    ds = net.learning_curve_
    act = net.activations(Xte[:200])
    ds["test_activations"] = act
    ds = ds.assign(test_x=(("presentation", "space"), Xte[:200], {"long_name": "test point", "units": "1"}),
                   test_label=("presentation", yte[:200], {"long_name": "class (1 = in ring)", "units": "1"}))
    ds = ds.assign_coords(space=["x", "y"])
    fig_lc, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    gplot.plot_learning_curve(ds, ax=ax, logy=True)
    ax.set_title(f"donut: held-out accuracy {acc:.1%} (linear unit: {acc_lin:.1%})", fontsize=9)
    fig_ds, ax2 = plt.subplots(figsize=(4.8, 4.0), layout="constrained")
    gplot.plot_decision_surface(net, Xte[:600], yte[:600], ax=ax2, margin=0.1)
    ax2.set_title(f"hidden layers {hidden} ({activation}); 600 held-out points", fontsize=9)
    summary = {"test_accuracy": float(acc), "linear_unit_test_accuracy": float(acc_lin),
               "majority_class_fraction": float(max(yte.mean(), 1 - yte.mean())),
               "final_train_loss": float(net.loss_curve_[-1])}
    return ExperimentResult(dataset=ds, figures={"learning_curve": fig_lc, "decision_surface": fig_ds}, summary=summary)
