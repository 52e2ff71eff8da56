"""Pattern completion in a spiking (leaky integrate-and-fire) Hopfield network on brian2.

The membrane is the package's one LIF equation
(:func:`neurocomp.spiking.membrane_equation`). Part of :mod:`neurocomp.hopfield`
(import from there).

References
----------
W. Gerstner, W. Kistler, R. Naud, L. Paninski (2014), *Neuronal Dynamics*, ch. 17.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from neurocomp._validation import (
    ValidationError, check_in_range, check_nonnegative, check_positive, check_spins,
)
from neurocomp.hopfield.network import _check_patterns, hebbian_weights
from neurocomp.random import as_generator, brian2_seeded

__all__ = ["spiking_recall"]


# --------------------------------------------------------------------------- spiking version

#: Defaults of :func:`spiking_recall` (SI units).
SPIKING_DEFAULTS = {
    # s, membrane time constant: 20 ms, not the package's 10 ms (neurocomp.spiking), because this set
    # (tau_m, tau_syn, bias, coupling) was tuned together for stable recall and draws the published figure
    "tau_m": 20e-3,
    "tau_syn": 30e-3,  # s, synaptic time constant (slow, NMDA-like: fast synapses let the network oscillate)
    "v_rest": -70e-3,  # V
    "v_threshold": -50e-3,  # V
    "v_reset": -70e-3,  # V
    "t_ref": 10e-3,  # s, refractory period (caps rates at 100 Hz: active neurons saturate, like binary units)
    "bias": 18e-3,  # V, constant drive: 2 mV below threshold
    "cue_drive": 15e-3,  # V, extra drive of cued (+1) neurons while the cue is on
    "coupling": 50e-3,  # V, J: w_ij = J (W_ij - mean_k W_ik), W the Hebbian matrix (jump of I_syn per spike)
    "noise_sd": 2e-3,  # V, stationary SD of the free membrane potential (neurocomp.spiking.membrane_equation)
    "dt": 0.1e-3,  # s
}


def _si(name: str, value, unit_name: str) -> float:
    """A brian2 quantity of the right dimension, or a plain float in SI; return a float
    (the package's one converter, :func:`neurocomp.spiking._units.to_si`)."""
    from neurocomp.spiking._units import to_si

    return to_si(name, value, unit_name)


def spiking_recall(
    patterns,
    cues,
    *,
    duration=0.3,
    cue_duration=0.05,
    readout=0.1,
    rate_threshold: float = 10.0,
    bin_width=0.02,
    rng=None,
    **params,
) -> xr.Dataset:
    """Pattern completion in a network of leaky integrate-and-fire neurons (brian2).

    Each neuron stands for one bit; "+1" means firing, "-1" silence. Synapses
    carry Hebbian weights ``w_ij = J/N sum_mu xi_i^mu xi_j^mu`` (i != j), so a
    neuron receives net excitation from the active members of a pattern it belongs
    to and net inhibition otherwise. For ``cue_duration`` the neurons that are +1 in
    the cue get an extra drive; afterwards only the recurrent input sustains (and
    corrects) the activity. Each cue runs in its own copy of the network, all
    copies simulated together.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    cues : array_like of ±1, shape (n_cues, n_neurons) or (n_neurons,)
    duration, cue_duration, readout, bin_width : float (s) or brian2 quantity
        Total time, time the cue is on, final window in which rates are read, bin
        for the overlap trajectory.
    rate_threshold : float (Hz)
        A neuron counts as +1 when it fires faster than this in the readout window.
    rng : None, int, SeedSequence or Generator
        Seeds brian2 (noise and initial membrane potentials).
    **params
        Override :data:`SPIKING_DEFAULTS` (``tau_m``, ``tau_syn``, ``v_rest``,
        ``v_threshold``, ``v_reset``, ``t_ref``, ``bias``, ``cue_drive``,
        ``coupling``, ``noise_sd``, ``dt``), floats in SI or brian2 quantities.
        The names ``refractory`` and ``noise`` of versions before 0.2 are still
        accepted, with a DeprecationWarning.

    Returns
    -------
    xarray.Dataset
        ``rate`` (cue, neuron) [Hz] in the readout window, ``state`` (cue, neuron)
        (±1 from the rates), ``overlap`` (cue, pattern), ``overlap_trajectory``
        (cue, time, pattern) from the binned activity, ``initial_state`` (cue, neuron),
        ``spike_time`` (spike) [s], ``spike_neuron`` (spike), ``spike_cue`` (spike).

    Notes
    -----
    Membrane (:func:`neurocomp.spiking.membrane_equation`):
    ``tau_m dv/dt = v_rest - v + bias + cue_drive * c_i * on(t) + I_syn + noise_sd sqrt(2 tau_m) xi``;
    synapses: ``tau_syn dI_syn/dt = -I_syn``, each spike of neuron j adds
    ``w_ij = J (W_ij - mean_k W_ik)`` to neuron i, with ``W`` the Hebbian matrix.
    Subtracting the row mean makes the input of a network with half its neurons
    firing at rate r equal ``J r tau_syn / 2`` times the binary network's field,
    whatever r is. The weights have both signs (no Dale's law), as in the binary
    model (Gerstner et al. 2014, ch. 17.2). Two choices make the LIF network
    behave like the binary one: slow synapses (30 ms, NMDA-like) keep the persistent
    activity asynchronous (with 5 ms synapses it synchronises and loses the
    pattern), and a 10 ms refractory period with strong coupling drives active
    neurons into saturation (~70-100 Hz), so they act as binary units; with graded
    rates the network falls into mixture states more often than the binary one.

    References
    ----------
    .. [1] Gerstner, W., Kistler, W. M., Naud, R. & Paninski, L. (2014). Neuronal Dynamics,
       ch. 17. Cambridge University Press.
    .. [2] Hopfield, J. J. (1982). Neural networks and physical systems with emergent collective
       computational abilities. PNAS 79, 2554-2558.

    Examples
    --------
    >>> from neurocomp.hopfield import flip_bits, random_patterns
    >>> from neurocomp.spiking.backend import set_codegen_target
    >>> set_codegen_target("numpy")                     # no compilation for a network this small
    >>> xi = random_patterns(2, 60, rng=0)
    >>> res = spiking_recall(xi, flip_bits(xi, 0.1, rng=0), duration=0.2, cue_duration=0.05, readout=0.05, rng=0)
    >>> set_codegen_target(None)
    >>> res.overlap.values.round(1).tolist()            # each cue ends on its own pattern
    [[1.0, 0.1], [0.1, 1.0]]
    """
    import brian2 as b2

    from neurocomp.spiking.backend import brian2_settings
    from neurocomp.spiking.populations import membrane_equation

    xi = _check_patterns(patterns)
    n_pat, n = xi.shape
    c = check_spins("cues", cues, ndim=(1, 2))
    if c.shape[-1] != n:
        raise ValidationError(f"cues must have shape (n_cues, {n}) or ({n},) to match the patterns; got {c.shape}")
    c2 = np.atleast_2d(c)
    n_cues = c2.shape[0]
    for old, new in (("refractory", "t_ref"), ("noise", "noise_sd")):  # names before 0.2, as in neurocomp.spiking now
        if old in params:
            from neurocomp._deprecation import warn_renamed

            if new in params:
                raise TypeError(f"spiking_recall: pass {new!r} only (got both {new!r} and its old name {old!r})")
            warn_renamed("spiking_recall", old, new)
            params[new] = params.pop(old)
    unknown = sorted(set(params) - set(SPIKING_DEFAULTS))
    if unknown:
        raise ValidationError(f"unknown spiking parameter(s) {unknown}; allowed are {sorted(SPIKING_DEFAULTS)}")
    units = {"tau_m": "s", "tau_syn": "s", "t_ref": "s", "dt": "s"}
    p = {k: _si(k, params.get(k, v), units.get(k, "V")) for k, v in SPIKING_DEFAULTS.items()}
    for k in ("tau_m", "tau_syn", "dt"):
        check_positive(k, p[k])
    check_nonnegative("t_ref", p["t_ref"])
    check_nonnegative("noise_sd", p["noise_sd"])
    duration = check_positive("duration", _si("duration", duration, "s"))
    cue_duration = check_in_range("cue_duration", _si("cue_duration", cue_duration, "s"), 0, duration, low_open=True, high_open=True)
    readout = check_in_range("readout", _si("readout", readout, "s"), 0, duration - cue_duration, low_open=True)
    bin_width = check_in_range("bin_width", _si("bin_width", bin_width, "s"), 0, duration, low_open=True)
    rate_threshold = check_positive("rate_threshold", rate_threshold)

    # Hebbian weights minus each row's mean: with half the neurons active at rate r,
    # sum_j w_ij r_j = (r / 2) sum_j W_ij s_j, the binary network's field with s = 2 a - 1
    hebb = hebbian_weights(xi)
    off_diag = ~np.eye(n, dtype=bool)
    w = (hebb - hebb.sum(axis=1, keepdims=True) / (n - 1)) * p["coupling"]  # (n, n) in volts
    pre, post = np.nonzero(off_diag)
    offsets = (np.arange(n_cues) * n)[:, None]
    pre_all = (offsets + pre[None, :]).ravel()
    post_all = (offsets + post[None, :]).ravel()
    w_all = np.tile(w[post, pre], n_cues)  # synapse pre -> post carries the row of post
    cue_bits = ((c2.ravel() + 1) // 2).astype(float)

    gen = as_generator(rng)
    v0 = p["v_rest"] + gen.random(n_cues * n) * (p["v_threshold"] - p["v_rest"]) * 0.5
    eqs = membrane_equation("bias + I_cue * c + I_syn", noise=True) + """
    dI_syn/dt = -I_syn / tau_syn : volt
    c : 1 (constant)
    """
    ns = {
        "v_rest": p["v_rest"] * b2.volt,
        "bias": p["bias"] * b2.volt,
        "tau_m": p["tau_m"] * b2.second,
        "tau_syn": p["tau_syn"] * b2.second,
        "noise_sd": p["noise_sd"] * b2.volt,
        "v_threshold": p["v_threshold"] * b2.volt,
        "v_reset": p["v_reset"] * b2.volt,
    }
    with brian2_settings(), brian2_seeded(gen):  # brian2's global random state is restored afterwards
        dt = p["dt"] * b2.second
        group = b2.NeuronGroup(
            n_cues * n,
            eqs,
            threshold="v > v_threshold",
            reset="v = v_reset",
            refractory=p["t_ref"] * b2.second,
            method="euler",
            dt=dt,
            name="hopfield_lif",
        )
        group.v = v0 * b2.volt
        group.c = cue_bits
        syn = b2.Synapses(group, group, "w : volt", on_pre="I_syn_post += w", dt=dt, name="hopfield_hebb")
        syn.connect(i=pre_all, j=post_all)
        syn.w = w_all * b2.volt
        spikes = b2.SpikeMonitor(group, name="hopfield_spikes")
        net = b2.Network(group, syn, spikes)
        net.run(cue_duration * b2.second, namespace={**ns, "I_cue": p["cue_drive"] * b2.volt})
        net.run((duration - cue_duration) * b2.second, namespace={**ns, "I_cue": 0 * b2.volt})
        t_spk = np.asarray(spikes.t / b2.second, dtype=float)
        i_spk = np.asarray(spikes.i[:], dtype=np.int64)

    cue_of = i_spk // n
    neuron_of = i_spk % n
    in_window = t_spk >= duration - readout
    counts = np.zeros((n_cues, n))
    np.add.at(counts, (cue_of[in_window], neuron_of[in_window]), 1)
    rate = counts / readout
    state = np.where(rate > rate_threshold, 1, -1).astype(np.int8)
    n_bins = int(math.floor(duration / bin_width + 1e-9))
    edges_idx = np.minimum((t_spk / bin_width).astype(int), n_bins - 1)
    binned = np.zeros((n_cues, n_bins, n))
    np.add.at(binned, (cue_of, edges_idx, neuron_of), 1)
    active = np.where(binned > 0, 1.0, -1.0)
    traj = active @ xi.T.astype(float) / n
    times = (np.arange(n_bins) + 0.5) * bin_width
    ds = xr.Dataset(
        {
            "rate": (("cue", "neuron"), rate, {"long_name": "firing rate in the readout window", "units": "Hz"}),
            "state": (("cue", "neuron"), state, {"long_name": "firing pattern (+1 = rate above threshold)", "units": "1"}),
            "overlap": (("cue", "pattern"), state.astype(float) @ xi.T / n, {"long_name": "overlap of the firing pattern with stored pattern", "units": "1"}),
            "overlap_trajectory": (("cue", "time", "pattern"), traj, {"long_name": "overlap of binned activity with stored pattern", "units": "1"}),
            "initial_state": (("cue", "neuron"), c2.astype(np.int8), {"long_name": "cue (initial state)", "units": "1"}),
            "stored_pattern": (("pattern", "neuron"), xi.astype(np.int8), {"long_name": "stored pattern", "units": "1"}),
            "spike_time": (("spike",), t_spk, {"long_name": "spike time", "units": "s"}),
            "spike_neuron": (("spike",), neuron_of, {"long_name": "neuron of the spike", "units": "1"}),
            "spike_cue": (("spike",), cue_of, {"long_name": "cue (network copy) of the spike", "units": "1"}),
        },
        coords={
            "cue": np.arange(n_cues),
            "neuron": np.arange(n),
            "pattern": np.arange(n_pat),
            "time": ("time", times, {"long_name": "time (bin centre)", "units": "s"}),
        },
    )
    ds.attrs.update(
        duration=duration,
        cue_duration=cue_duration,
        readout=readout,
        rate_threshold=rate_threshold,
        bin_width=bin_width,
        **{f"param_{k}": v for k, v in p.items()},
    )
    return ds
