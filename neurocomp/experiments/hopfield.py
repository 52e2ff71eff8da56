"""Hopfield experiments: letters recalled from damaged cues, the capacity curve, a spiking network.

* ``hopfield1982`` — J. J. Hopfield (1982), PNAS 79, 2554: memories as stable states;
  damaged cues relax to the stored letter.
* ``hopfield_capacity`` — recall quality against the load alpha = P/N with the
  one-step error 1/2 erfc(1/sqrt(2 alpha)) and the replica theory of Amit,
  Gutfreund & Sompolinsky (1987), alpha_c ~ 0.138.
* ``spiking_hopfield`` — pattern completion by LIF neurons (brian2) with Hebbian
  weights, compared with the binary network on the same cues.
"""

from __future__ import annotations

from typing import Annotated, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from neurocomp import hopfield as hf
from neurocomp._deprecation import renamed_kwargs
from neurocomp.experiments._registry import ExperimentResult, Range, experiment
from neurocomp.plotting import hopfield as hplot
from neurocomp.random import spawn


@experiment("hopfield1982")
def hopfield1982(
    *,
    letters: str = "TZOH",
    scale: Annotated[int, Range(1, 6)] = 2,
    rule: Literal["hebb", "storkey", "pseudoinverse"] = "hebb",
    dynamics: Literal["async", "sync"] = "async",
    flip_fraction: Annotated[float, Range(0.0, 0.5)] = 0.2,
    cues_per_letter: Annotated[int, Range(1, 100)] = 2,
    max_sweeps: Annotated[int, Range(1, 1000)] = 20,
    rng=None,
) -> ExperimentResult:
    """Store letter images and recall them from cues with ``flip_fraction`` of their pixels flipped.

    Letters are correlated patterns: with Hebb's rule dissimilar letters (the
    default "TZOH") are recalled, similar ones ("HOPF") merge into spurious
    states — try ``rule = "storkey"`` or ``"pseudoinverse"``.

    Parameters
    ----------
    letters : str
        Letters to store (7 x 5 glyphs).
    scale : int
        Upscaling of each glyph pixel (neurons = 35 * scale**2).
    rule : {"hebb", "storkey", "pseudoinverse"}
        Learning rule.
    dynamics : {"async", "sync"}
        Update order.
    flip_fraction : float
        Fraction of a letter's pixels flipped in each cue.
    cues_per_letter : int
        Cues per stored letter.
    max_sweeps : int
        Most sweeps of updates before stopping.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with cues, final states and energies per sweep (cue x sweep),
        overlaps (cue x pattern); recall and energy figures.

    References
    ----------
    Hopfield JJ (1982) Neural networks and physical systems with emergent
    collective computational abilities. PNAS 79:2554-2558.
    """
    cue_rng, run_rng = spawn(rng, 2)
    xi, shape = hf.letter_patterns(letters, scale=scale)
    net = hf.Hopfield(xi.shape[1], rule=rule).store(xi)
    which = np.repeat(np.arange(len(letters)), cues_per_letter)
    cues = hf.flip_bits(xi[which], flip_fraction, rng=cue_rng)
    res = net.recall(cues, dynamics=dynamics, max_sweeps=max_sweeps, rng=run_rng)
    m_cued = res["overlap"].values[np.arange(which.size), which]
    ds = res.assign(
        stored_pattern=(("pattern", "neuron"), xi, {"long_name": "stored letter", "units": "1"}),
        cued_overlap=("cue", m_cued, {"long_name": "final overlap with the cued letter", "units": "1"}),
    ).assign_coords(
        letter=("pattern", list(letters)),
        cued_pattern=("cue", which),
        image_row=("neuron", np.arange(xi.shape[1]) // shape[1]),
        image_column=("neuron", np.arange(xi.shape[1]) % shape[1]),
    )
    ds.attrs.update(image_shape=list(shape), flip_fraction=flip_fraction)

    fig_recall, ax = plt.subplots(figsize=(1.0 * which.size + 1.2, 4.6), layout="constrained")
    hplot.plot_recall(res, shape=shape, stored=xi[which], ax=ax)
    ax.set_title(f"{rule} rule, {dynamics} dynamics: cues with {flip_fraction:.0%} pixels flipped")
    fig_dyn, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    hplot.plot_overlap_trajectory(ds, cue=0, ax=ax1)
    ax1.set_title(f"cue 0 (letter {letters[which[0]]})")
    hplot.plot_energy_trajectory(res, ax=ax2)
    ax2.set_title("energy of every cue")
    summary = {
        "n_neurons": int(xi.shape[1]),
        "n_patterns": int(xi.shape[0]),
        "mean_cued_overlap": float(m_cued.mean()),
        "fraction_recalled_exactly": float(np.mean(m_cued == 1.0)),
        "fraction_converged": float(res["converged"].mean()),
        "mean_sweeps": float(res["n_sweeps"].mean()),
    }
    table = pd.DataFrame(
        {
            "letter": [letters[k] for k in which],
            "final_overlap": m_cued,
            "sweeps": res["n_sweeps"].values,
            "best_match": [letters[k] for k in res["overlap"].values.argmax(axis=1)],
        }
    )
    return ExperimentResult(dataset=ds, figures={"recall": fig_recall, "dynamics": fig_dyn}, summary=summary, table=table)


@experiment("hopfield_capacity",  # weights N^2 (Storkey's rule needs three N x N arrays), patterns and cue states
            memory=lambda *, n_neurons, n_cues, loads, **_: 8 * (3 * n_neurons**2 + 4 * n_cues * n_neurons
                                                                  + 2 * n_neurons * int(max(loads) * n_neurons)))
def hopfield_capacity(
    *,
    n_neurons: Annotated[int, Range(10, 20000)] = 1000,
    loads: list[Annotated[float, Range(0.0, 1.0, low_open=True, high_open=True)]] = [0.05, 0.1, 0.12, 0.14, 0.16, 0.2],  # noqa: B006
    trials: Annotated[int, Range(1, 1000)] = 2,
    n_cues: Annotated[int, Range(1, 10000)] = 20,
    rule: Literal["hebb", "storkey", "pseudoinverse"] = "hebb",
    dynamics: Literal["async", "sync"] = "async",
    flip_fraction: Annotated[float, Range(0.0, 1.0, high_open=True)] = 0.0,
    max_sweeps: Annotated[int, Range(1, 1000)] = 30,
    rng=None,
) -> ExperimentResult:
    """Capacity curve: final overlap and bits in error against the load alpha = P/N.

    The Dataset is labelled by ``load`` (and ``trial``, ``cue``), so sweeps over
    ``n_neurons`` or the seed merge along new dimensions.

    Parameters
    ----------
    n_neurons : int
        Network size N.
    loads : list of float
        Loads alpha = P / N.
    trials : int
        Fresh networks per load.
    n_cues : int
        Recalls per network, each from a stored pattern.
    rule : {"hebb", "storkey", "pseudoinverse"}
        Learning rule.
    dynamics : {"async", "sync"}
        Update order.
    flip_fraction : float
        Fraction of bits flipped in the cues (0: start at the pattern).
    max_sweeps : int
        Most sweeps of updates.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset over (load, trial, cue) with ``overlap``, ``error_fraction``
        and ``converged``; capacity figure with the replica theory.

    References
    ----------
    Amit DJ, Gutfreund H, Sompolinsky H (1985) Storing infinite numbers of
    patterns in a spin-glass model of neural networks. Phys Rev Lett 55:1530-1533.
    """
    curve = hf.capacity_curve(
        n_neurons,
        loads,
        trials,
        n_cues=n_cues,
        rule=rule,
        dynamics=dynamics,
        flip_fraction=flip_fraction,
        max_sweeps=max_sweeps,
        rng=rng,
    )
    a_c = hf.critical_load(curve)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    load = curve["load"].values
    theory = hf.capacity_theory(np.linspace(max(1e-3, load.min() * 0.8), load.max() * 1.05, 300))
    hplot.plot_capacity(curve, ax=ax1, theory=theory)
    ax1.set_title(f"N = {n_neurons}, {rule} rule, {dynamics} dynamics")
    load = curve["load"].values
    ov = curve["overlap"].mean("cue")
    ax2.plot(np.repeat(load, trials), ov.values.ravel(), ".", color="0.6", ms=4, label="one network")
    ax2.plot(load, curve["mean_overlap"].values, "o-", label="mean")
    a = np.linspace(load.min() * 0.8, load.max() * 1.05, 300)
    ax2.plot(a, hf.ags_retrieval_overlap(a), color="C3", lw=1, label="replica theory (retrieval state)")
    ax2.axvline(hf.AGS_CRITICAL_LOAD, color="C3", ls=":", lw=1, label=r"$\alpha_c = 0.138$")
    if np.isfinite(a_c):
        ax2.axvline(a_c, color="C0", ls="--", lw=1, label=f"estimate {a_c:.3f} (overlap 0.75)")
    ax2.set_xlabel("load α = P/N")
    ax2.set_ylabel("final overlap with the cued pattern")
    ax2.set_ylim(0, 1.05)
    ax2.legend(fontsize=7, loc="lower left")
    table = pd.DataFrame(
        {
            "load": load,
            "n_patterns": curve["n_patterns"].values,
            "mean_overlap": curve["mean_overlap"].values,
            "bits_in_error": curve["mean_error_fraction"].values,
            "one_step_error": curve["one_step_error"].values,
            "theory_one_step": curve["theory_one_step_error"].values,
            "theory_error_AGS": curve["theory_error_fraction"].values,
        }
    )
    summary = {
        "n_neurons": n_neurons,
        "critical_load_estimate": a_c,
        "critical_load_theory": hf.AGS_CRITICAL_LOAD,
        "min_mean_overlap": float(curve["mean_overlap"].min()),
        "max_mean_overlap": float(curve["mean_overlap"].max()),
    }
    return ExperimentResult(dataset=curve, figures={"capacity": fig}, summary=summary, table=table)


@experiment("spiking_hopfield")
@renamed_kwargs(noise="noise_sd")  # name before 0.2
def spiking_hopfield(
    *,
    n_neurons: Annotated[int, Range(10, 2000)] = 200,
    n_patterns: Annotated[int, Range(1, 100)] = 5,
    n_cues: Annotated[int, Range(1, 20)] = 3,
    flip_fraction: Annotated[float, Range(0.0, 0.5)] = 0.2,
    duration: Annotated[float, Range(0.0, 10.0, low_open=True)] = 0.3,
    cue_duration: Annotated[float, Range(0.0, 10.0, low_open=True)] = 0.05,
    coupling: Annotated[float, Range(0.0, 1.0)] = 0.05,
    noise_sd: Annotated[float, Range(0.0, 0.02)] = 0.002,
    rng=None,
) -> ExperimentResult:
    """LIF neurons with Hebbian weights complete stored patterns from cues with flipped bits.

    The same cues are given to the binary network (asynchronous dynamics); the
    summary compares the two. Units: seconds (durations), volts (coupling, noise_sd).

    Parameters
    ----------
    n_neurons, n_patterns, n_cues : int
        Network size, stored random patterns and cues (cycling over the patterns).
    flip_fraction : float
        Fraction of bits flipped in each cue.
    duration, cue_duration : float
        Run length and time the cue drive is on, in s.
    coupling : float
        Synaptic scale J in V (jump of the synaptic input per spike).
    noise_sd : float
        Stationary SD of the membrane potential in V (``noise`` before 0.2).
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        The :func:`neurocomp.hopfield.spiking_recall` Dataset (rates, states and
        overlaps over cue, neuron and pattern; spikes) with the binary network's
        states and overlaps and their agreement beside it.

    References
    ----------
    Hopfield JJ (1982) Neural networks and physical systems with emergent
    collective computational abilities. PNAS 79:2554-2558. Gerstner W et al.
    (2014) Neuronal Dynamics, ch. 17.2.
    """
    pat_rng, cue_rng, sim_rng, bin_rng = spawn(rng, 4)
    xi = hf.random_patterns(n_patterns, n_neurons, rng=pat_rng)
    which = np.arange(n_cues) % n_patterns
    cues = hf.flip_bits(xi[which], flip_fraction, rng=cue_rng)
    res = hf.spiking_recall(
        xi, cues, duration=duration, cue_duration=cue_duration, readout=min(0.1, duration - cue_duration), coupling=coupling, noise_sd=noise_sd, rng=sim_rng
    )
    binary = hf.Hopfield(n_neurons).store(xi).recall(cues, rng=bin_rng)
    m_spk = res["overlap"].values[np.arange(n_cues), which]
    m_bin = binary["overlap"].values[np.arange(n_cues), which]
    agree = (res["state"].values == binary["state"].values).mean(axis=1)
    ds = res.assign(
        binary_state=(("cue", "neuron"), binary["state"].values, {"long_name": "final state of the binary network", "units": "1"}),
        binary_overlap=(("cue", "pattern"), binary["overlap"].values, {"long_name": "binary network: overlap with stored pattern", "units": "1"}),
        agreement=("cue", agree, {"long_name": "fraction of neurons where spiking and binary states agree", "units": "1"}),
    ).assign_coords(cued_pattern=("cue", which))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    hplot.plot_spike_raster(res, cue=0, pattern=int(which[0]), ax=ax1)
    ax1.set_title(f"cue 0: pattern {which[0]} with {flip_fraction:.0%} bits flipped")
    hplot.plot_overlap_trajectory(res, cue=0, ax=ax2)
    ax2.axvline(cue_duration, color="C1", ls=":", lw=1)
    ax2.set_title(f"spiking overlap {m_spk[0]:.2f}, binary network {m_bin[0]:.2f}")
    summary = {
        "mean_spiking_overlap": float(m_spk.mean()),
        "mean_binary_overlap": float(m_bin.mean()),
        "min_spiking_overlap": float(m_spk.min()),
        "mean_agreement": float(agree.mean()),
        "mean_rate_active_Hz": float(res["rate"].values[res["state"].values > 0].mean()) if (res["state"].values > 0).any() else 0.0,
    }
    table = pd.DataFrame({"cue": np.arange(n_cues), "pattern": which, "spiking_overlap": m_spk, "binary_overlap": m_bin, "agreement": agree})
    return ExperimentResult(dataset=ds, figures={"spiking_recall": fig}, summary=summary, table=table)
