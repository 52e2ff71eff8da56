"""Spiking experiments: the LIF f–I curve, simulated against theory.

``fi_curve``: a population of leaky integrate-and-fire neurons (one neuron per
current, noise level and trial, all in one brian2 network) is driven by
constant currents with and without white noise; the simulated rates are
compared with :func:`neurocomp.spiking.lif_rate` (noise-free) and
:func:`neurocomp.spiking.siegert_rate` (Brunel 2000, eq. 21).
References: Gerstner et al., *Neuronal Dynamics* (2014), ch. 1.3 and 8.2;
Brunel (2000), *J. Comput. Neurosci.* 8:183.
"""

from __future__ import annotations

import typing
from typing import Annotated

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._deprecation import renamed_kwargs
from neurocomp._validation import ValidationError
from neurocomp.experiments._registry import ExperimentResult, Range, experiment

__all__ = ["fi_curve"]


def _isi_rate(spikes: xr.Dataset, t_start: float) -> np.ndarray:
    """1 / mean inter-spike interval per neuron after ``t_start`` (0 with fewer than 2 spikes)."""
    keep = spikes["spike_time"].values >= t_start
    times = spikes["spike_time"].values[keep]
    who = spikes["spike_neuron"].values[keep]
    n = spikes.sizes["neuron"]
    order = np.lexsort((times, who))
    times, who = times[order], who[order]
    first = np.full(n, np.nan)
    last = np.full(n, np.nan)
    counts = np.bincount(who, minlength=n)
    # first/last spike of each neuron (spikes are sorted by neuron, then time)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    has = counts > 0
    first[has] = times[starts[has]]
    last[has] = times[starts[has] + counts[has] - 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(counts > 1, (counts - 1) / (last - first), 0.0)
    return rate


_SQRT2 = float(np.sqrt(2.0))


@experiment("fi_curve")
@renamed_kwargs(  # the unit-suffixed names before 0.2: still read (specs too), converted to SI, with a warning
    i_min_na=("i_min", lambda v: v * 1e-9),
    i_max_na=("i_max", lambda v: v * 1e-9),
    sigma_mv=("noise_sd", lambda v: [s * 1e-3 / _SQRT2 for s in v]),
    dt_ms=("dt", lambda v: v * 1e-3),
    tau_m_ms=("tau_m", lambda v: v * 1e-3),
    t_ref_ms=("t_ref", lambda v: v * 1e-3),
    resistance_mohm=("resistance", lambda v: v * 1e6),
)
def fi_curve(
    *,
    i_min: Annotated[float, Range(0.0, 1e-8)] = 0.0,
    i_max: Annotated[float, Range(0.0, 1e-8, low_open=True)] = 0.6e-9,
    n_currents: Annotated[int, Range(2, 200)] = 13,
    # Brunel's (2000) sigma = 4 and 8 mV, i.e. noise_sd = sigma / sqrt(2)
    noise_sd: Annotated[list[float], Range(0.0, 0.05)] = [0.0, 0.00282842712474619, 0.00565685424949238],  # noqa: B006
    n_trials: Annotated[int, Range(1, 1000)] = 20,
    duration: Annotated[float, Range(0.05, 100.0)] = 1.2,
    transient: Annotated[float, Range(0.0, 10.0)] = 0.2,
    dt: Annotated[float, Range(0.0, 1e-3, low_open=True)] = 1e-4,
    tau_m: Annotated[float, Range(0.0, 1.0, low_open=True)] = 10e-3,
    t_ref: Annotated[float, Range(0.0, 1.0)] = 2e-3,
    resistance: Annotated[float, Range(0.0, 1e11, low_open=True)] = 100e6,
    target: typing.Literal["auto", "numpy", "cython", "standalone"] = "auto",
    rng=None,
) -> ExperimentResult:
    """Simulated vs theoretical f–I curves of the LIF neuron, noise-free and noisy.

    Parameters
    ----------
    i_min, i_max, n_currents
        The currents, ``linspace(i_min, i_max, n_currents)`` in A.
    noise_sd : list of float
        Membrane noise levels in V, each the stationary SD of the free membrane
        potential (:func:`neurocomp.spiking.membrane_equation`); 0 = noise-free,
        compared with ``lif_rate``; > 0 compared with ``siegert_rate`` at
        Brunel's ``sigma = sqrt(2) noise_sd``. Default: sigma = 4 and 8 mV.
    n_trials : int
        Neurons per (current, noise) point with noise (noise-free points use one).
    duration, transient : float
        Run length and the initial stretch left out of the rates, in s.
    dt, tau_m, t_ref, resistance : float
        Step, membrane time constant, refractory period (s) and resistance (ohm);
        the potentials are the defaults of :mod:`neurocomp.spiking` (rest = reset
        = -70 mV, threshold = -50 mV).
    target : {"auto", "numpy", "cython", "standalone"}
        brian2 code-generation target ("auto": cython when a compiler exists).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    ExperimentResult
        Dataset over ``current`` (A) x ``noise_sd`` (V; coordinate ``sigma`` =
        Brunel's ``sqrt(2) noise_sd``) with ``rate_simulated``,
        ``rate_sem`` and ``rate_theory`` (Hz); figures ``fi_curve`` and
        ``raster``; a table of every point.

    References
    ----------
    .. [1] Gerstner, W., Kistler, W. M., Naud, R. & Paninski, L. (2014). Neuronal Dynamics,
       ch. 1.3 and 8.2. Cambridge University Press.
    .. [2] Brunel, N. (2000). Dynamics of sparsely connected networks of excitatory and
       inhibitory spiking neurons. J. Comput. Neurosci. 8, 183-208.

    Notes
    -----
    Noise-free rates are ``1 / mean ISI`` after the transient (a spike count
    in a finite window is quantised to ``1 / window``); noisy rates are spike
    counts after the transient averaged over trials. The noisy simulation
    (Euler–Maruyama) misses threshold crossings between steps, which lowers the
    rate by a few percent at dt = 0.1 ms (the bias shrinks like sqrt(dt)).
    """
    import matplotlib.pyplot as plt

    from neurocomp.plotting.spiking import plot_fi_curve, plot_raster
    from neurocomp.spiking import lif_rate, siegert_rate, simulate_lif
    from neurocomp.spiking.analysis import firing_rate

    if i_max <= i_min:
        raise ValidationError(f"i_max must be > i_min; got i_min = {i_min} A, i_max = {i_max} A")
    if transient >= duration:
        raise ValidationError(f"transient must be < duration; got transient = {transient} s, duration = {duration} s")
    if not noise_sd:
        raise ValidationError("noise_sd must list at least one noise level; got []")
    currents = np.linspace(i_min, i_max, n_currents)
    noise_sds = np.asarray(noise_sd, dtype=float)
    sigmas = noise_sds * _SQRT2  # Brunel's amplitude, the parameter of siegert_rate
    trials = np.where(sigmas > 0, n_trials, 1)
    # one neuron per (sigma, current, trial), laid out sigma-major
    per_sigma = n_currents * trials
    neuron_current = np.concatenate([np.repeat(currents, t) for t in trials])
    neuron_sigma = np.concatenate([np.full(p, s) for p, s in zip(per_sigma, sigmas)])
    neuron_noise_sd = np.concatenate([np.full(p, s) for p, s in zip(per_sigma, noise_sds)])
    ds = simulate_lif(
        neuron_current.size, duration=duration, dt=dt, current=neuron_current, noise_sd=neuron_noise_sd,
        tau_m=tau_m, t_ref=t_ref, resistance=resistance, target=None if target == "auto" else target, rng=rng,
    )
    count_rate = firing_rate(ds, t_start=transient).values
    isi_rate = _isi_rate(ds, transient)
    per_neuron = np.where(neuron_sigma > 0, count_rate, isi_rate)

    sim = np.zeros((n_currents, sigmas.size))
    sem = np.zeros_like(sim)
    theory = np.zeros_like(sim)
    offsets = np.r_[0, np.cumsum(per_sigma)]
    for k, (s, t) in enumerate(zip(sigmas, trials)):  # loop over noise levels only (a handful)
        block = per_neuron[offsets[k]:offsets[k + 1]].reshape(n_currents, t)
        sim[:, k] = block.mean(axis=1)
        sem[:, k] = block.std(axis=1, ddof=1) / np.sqrt(t) if t > 1 else 0.0
        theory[:, k] = (lif_rate(currents, tau_m=tau_m, t_ref=t_ref, resistance=resistance) if s == 0
                        else siegert_rate(currents * resistance, s, tau_m=tau_m, t_ref=t_ref))

    # the theory again on a fine grid, so the figure draws the curve and not a polygon through 13 points
    fine = np.linspace(i_min, i_max, 400)
    theory_fine = np.stack([lif_rate(fine, tau_m=tau_m, t_ref=t_ref, resistance=resistance) if s == 0
                            else siegert_rate(fine * resistance, s, tau_m=tau_m, t_ref=t_ref) for s in sigmas], axis=1)

    coords = {
        "current": ("current", currents, {"units": "A", "long_name": "input current"}),
        "current_fine": ("current_fine", fine, {"units": "A", "long_name": "input current (theory grid)"}),
        "noise_sd": ("noise_sd", noise_sds, {"units": "V", "long_name": "membrane noise (stationary SD)"}),
        "sigma": ("noise_sd", sigmas, {"units": "V", "long_name": "Brunel's noise amplitude sqrt(2) noise_sd"}),
    }
    dims = ("current", "noise_sd")
    out = xr.Dataset(
        {
            "rate_simulated": (dims, sim, {"units": "Hz", "long_name": "simulated firing rate"}),
            "rate_sem": (dims, sem, {"units": "Hz", "long_name": "standard error of the simulated rate"}),
            "rate_theory": (dims, theory, {"units": "Hz", "long_name": "theoretical firing rate (lif_rate / siegert_rate)"}),
            "rate_theory_curve": (("current_fine", "noise_sd"), theory_fine,
                                  {"units": "Hz", "long_name": "theoretical firing rate on a fine current grid"}),
        },
        coords=coords,
        attrs={"dt": dt, "duration": duration, "transient": transient, "tau_m": tau_m, "t_ref": t_ref,
               "resistance": resistance, "brian2_target": ds.attrs["target"], "brian2_seed": ds.attrs["brian2_seed"]},
    )
    rel = np.where(theory > 0, sim / np.where(theory > 0, theory, 1) - 1, np.nan)
    table = pd.DataFrame({
        "current_nA": np.repeat(currents * 1e9, sigmas.size).round(4),
        "noise_sd_mV": np.tile(noise_sds * 1e3, n_currents),
        "rate_sim_Hz": sim.ravel().round(3),
        "sem_Hz": sem.ravel().round(3),
        "rate_theory_Hz": theory.ravel().round(3),
        "rel_error": rel.ravel().round(4),
    })

    det = sigmas == 0
    above = currents[:, None] * resistance > 20e-3
    fig_fi, ax = plt.subplots(figsize=(5.5, 4.0), layout="constrained")
    plot_fi_curve(out, ax=ax)
    ax.set_title("LIF f–I curve: brian2 simulation vs theory")
    fig_raster, axes = plt.subplots(2, 1, figsize=(6.0, 4.2), layout="constrained", sharex=True)
    pick = np.argmin(np.abs(currents - 0.2e-9))  # near rheobase: noise matters most
    for k, (ax_r, s) in enumerate(zip(axes, [sigmas[det][0] if det.any() else None, sigmas[~det][-1] if (~det).any() else None])):
        if s is None:
            ax_r.set_visible(False)
            continue
        j = int(np.flatnonzero(sigmas == s)[0])
        first = offsets[j] + pick * trials[j]
        show = np.arange(first, first + min(trials[j], 20)) if trials[j] > 1 else np.arange(offsets[j], offsets[j + 1])
        plot_raster(ds, ax=ax_r, neurons=show, t_start=0.0, t_stop=min(duration, 0.4), s=25)
        if s == 0:
            ax_r.set_ylabel("neuron (one per current)")
        ax_r.set_title(("noise-free: regular firing above rheobase" if s == 0 else
                        f"noise SD {s / _SQRT2 * 1e3:.3g} mV, I = {currents[pick] * 1e9:.2f} nA, {show.size} trials"), fontsize=9)
        ax_r.set_xlabel("")
    axes[-1].set_xlabel("time [s]")

    summary = {
        "rheobase_nA": 20e-3 / resistance * 1e9,
        "n_neurons": int(neuron_current.size),
        "brian2_target": ds.attrs["target"],
    }
    if det.any():
        m = above[:, 0] & (theory[:, det][:, 0] > 0)
        summary["max_rel_error_noise_free"] = float(np.nanmax(np.abs(rel[m][:, det]))) if m.any() else float("nan")
        below = ~above[:, 0]
        summary["max_rate_below_rheobase_Hz"] = float(sim[below][:, det].max()) if below.any() else 0.0
    if (~det).any():
        ok = theory[:, ~det] > 5.0
        summary["max_rel_error_noisy_above_5Hz"] = float(np.nanmax(np.abs(rel[:, ~det][ok]))) if ok.any() else float("nan")
    return ExperimentResult(dataset=out, figures={"fi_curve": fig_fi, "raster": fig_raster}, summary=summary, table=table)
