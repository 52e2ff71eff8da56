"""Logic gates of leaky integrate-and-fire neurons on brian2.

AND by coincidence detection, OR with a low threshold, NOT as a tonically firing
neuron silenced by inhibition, XOR as a small network. The membrane is the
package's one LIF equation (:func:`neurocomp.spiking.membrane_equation`). Part
of :mod:`neurocomp.gates` (import from there).

References
----------
Koch (1999), Biophysics of Computation, chapter 5 (coincidence detection).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._deprecation import renamed_kwargs
from neurocomp._validation import check_in_range, check_int, check_option
from neurocomp.gates.threshold import gate, input_patterns
from neurocomp.random import as_generator

__all__ = ["SPIKING_GATES", "spiking_truth_table"]


#: Membrane time constant, resting/reset potential, refractory period (SI units): the package's
#: LIF defaults (neurocomp.spiking.populations.TAU_M, V_REST, T_REF; a test keeps them equal),
#: written out because importing neurocomp.spiking would import brian2 with neurocomp.gates.
TAU_M = 10e-3
V_REST = -70e-3
T_REF = 2e-3
#: Decay time constant of the inhibitory synaptic current (GABA_A-like), s.
TAU_INH = 20e-3
#: Excitatory PSP jump and inhibitory current jump, V.
W_EXC = 16e-3
W_INH = 80e-3
#: Thresholds above rest, V: coincidence (AND: above one EPSP, below two coincident ones; the
#: coincidence window is TAU_M ln(W_EXC / (THETA_AND - W_EXC)) = 6.9 ms), OR (below one EPSP)
#: and tonic NOT-type neurons.
THETA_AND = 24e-3
THETA_OR = 8e-3
THETA_TONIC = 20e-3
#: Tonic drive of NOT-type neurons (steady state above rest, V): fires at ~110 Hz unless inhibited.
I_TONIC = 40e-3
#: Input spike time (before jitter), s; readout windows are relative to it.
T_ON = 20e-3
DURATION = 50e-3
#: Axonal delays in the XOR network: OR -> out slow, AND -> out (inhibitory) fast, s.
DELAY_XOR_EXC = 8e-3
DELAY_INH = 0.5e-3

# Circuits: neurons (role, theta above rest, tonic drive) and edges
# (source, target, excitatory V jump, inhibitory current jump, delay); sources "inK" are inputs.
_SPIKING_CIRCUITS = {
    "AND": (2, [("out", THETA_AND, 0.0)], [("in0", "out", W_EXC, 0, 0), ("in1", "out", W_EXC, 0, 0)]),
    "OR": (2, [("out", THETA_OR, 0.0)], [("in0", "out", W_EXC, 0, 0), ("in1", "out", W_EXC, 0, 0)]),
    "NOT": (1, [("out", THETA_TONIC, I_TONIC)], [("in0", "out", 0, W_INH, 0)]),
    "NOR": (2, [("out", THETA_TONIC, I_TONIC)], [("in0", "out", 0, W_INH, 0), ("in1", "out", 0, W_INH, 0)]),
    "NAND": (
        2,
        [("and", THETA_AND, 0.0), ("out", THETA_TONIC, I_TONIC)],
        [("in0", "and", W_EXC, 0, 0), ("in1", "and", W_EXC, 0, 0), ("and", "out", 0, W_INH, DELAY_INH)],
    ),
    "XOR": (
        2,
        [("or", THETA_OR, 0.0), ("and", THETA_AND, 0.0), ("out", THETA_OR, 0.0)],
        [
            ("in0", "or", W_EXC, 0, 0), ("in1", "or", W_EXC, 0, 0),
            ("in0", "and", W_EXC, 0, 0), ("in1", "and", W_EXC, 0, 0),
            ("or", "out", W_EXC, 0, DELAY_XOR_EXC), ("and", "out", 0, W_INH, DELAY_INH),
        ],
    ),
}
SPIKING_GATES = tuple(_SPIKING_CIRCUITS)
# Readout window relative to T_ON: gates driven by their inputs answer at once;
# tonic (NOT-type) outputs are read after inhibition has had time to arrive.
_WINDOW = {"AND": (-5e-3, 15e-3), "OR": (-5e-3, 15e-3), "XOR": (-5e-3, 15e-3),
           "NOT": (5e-3, 25e-3), "NOR": (5e-3, 25e-3), "NAND": (5e-3, 25e-3)}


def _si(name: str, value, unit_name: str) -> float:
    """A brian2 quantity of the right dimension, or a plain float in SI, as float
    (the package's one converter, :func:`neurocomp.spiking._units.to_si`)."""
    from neurocomp.spiking._units import to_si

    return to_si(name, value, {"second": "s", "volt": "V"}[unit_name])


@renamed_kwargs(noise="noise_sd")
def spiking_truth_table(name: str, *, trials: int = 20, jitter=1e-3, noise_sd=0.5e-3, dt=0.1e-3, target: str | None = None,
                        rng=None) -> xr.Dataset:
    """Truth table of a logic gate built from leaky integrate-and-fire neurons on brian2.

    Every active input emits one spike at ``T_ON`` (20 ms) plus Gaussian jitter;
    a gate's output bit is 1 when its output neuron fires in the readout window.
    All input combinations × trials run at once as one brian2 network (each
    copy of the circuit is a separate set of neurons).

    Circuits (membrane ``τ_m`` = 10 ms, rest -70 mV, EPSP jump 16 mV):

    * AND — coincidence detector: threshold 24 mV above rest, above one EPSP
      (16 mV) but below two coincident ones; the second EPSP must come within
      ``τ_m ln(16 / (24 - 16))`` ≈ 6.9 ms of the first (6.6 ms at dt = 0.1 ms,
      because brian2 applies a synaptic jump after the threshold test, so the
      potential decays for one step before it is compared).
    * OR — low threshold (8 mV above rest): one EPSP suffices.
    * NOT — a tonically driven neuron (steady state 40 mV above rest, ~110 Hz)
      silenced by a slow inhibitory current (τ = 20 ms) from the input.
    * NOR, NAND — the tonic neuron inhibited by both inputs, or by an AND neuron.
    * XOR — OR and AND neurons; the output is excited by OR through a slow
      axon (8 ms) and vetoed by AND through a fast one (0.5 ms).

    Parameters
    ----------
    name : {"AND", "OR", "NOT", "NAND", "NOR", "XOR"}
    trials : int, default 20
        Repetitions of each input combination.
    jitter : float (s) or brian2 quantity, default 1 ms
        Standard deviation of the input spike times (at most 4 ms).
    noise_sd : float (V) or brian2 quantity, default 0.5 mV
        Stationary standard deviation of the free membrane potential (the noise
        of :func:`neurocomp.spiking.membrane_equation`; called ``noise`` before
        0.2, still accepted with a DeprecationWarning).
    dt : float (s) or brian2 quantity, default 0.1 ms
        Integration time step.
    target : {"numpy", "cython"}, optional
        brian2 code-generation target; default neurocomp's choice
        (:func:`neurocomp.spiking.backend.default_codegen_target`). These
        networks are small (a few hundred neurons, 50 ms): "numpy" runs them
        in about the time "cython" needs with a warm cache, without compiling.
    rng : None, int, SeedSequence or Generator
        Randomness of the jitter (numpy) and of the membrane noise (brian2).

    Returns
    -------
    xarray.Dataset
        ``output`` (pattern, trial): the bit read out; ``spike_count``
        (pattern, trial): output spikes in the window; ``expected`` (pattern):
        the logical truth table; ``fraction_correct`` (pattern); and the raster
        as ``spike_time`` (spike) with coords ``spike_pattern``, ``spike_trial``,
        ``spike_neuron`` (``"in1"``, ``"and"``, ``"out"`` ...). Attrs give the
        gate, the readout window and the brian2 code-generation target.

    Examples
    --------
    >>> ds = spiking_truth_table("AND", trials=2, target="numpy", rng=0)
    >>> ds.expected.values.tolist(), ds.fraction_correct.values.tolist()
    ([0, 0, 0, 1], [1.0, 1.0, 1.0, 1.0])
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a gate name (str); got {type(name).__name__}")
    key = check_option("name", name.upper(), SPIKING_GATES)
    trials = check_int("trials", trials, low=1, high=10_000)
    jitter = check_in_range("jitter", _si("jitter", jitter, "second"), 0.0, 4e-3)
    noise_sd = check_in_range("noise_sd", _si("noise_sd", noise_sd, "volt"), 0.0, 5e-3)
    dt = check_in_range("dt", _si("dt", dt, "second"), 0.0, 0.5e-3, low_open=True)

    import brian2 as b2

    from neurocomp.random import brian2_seeded
    from neurocomp.spiking.populations import membrane_equation
    from neurocomp.spiking.backend import brian2_settings

    n_in, neurons, edges = _SPIKING_CIRCUITS[key]
    roles = [r for r, _, _ in neurons]
    K = len(neurons)
    X = input_patterns(n_in)
    n_pat = X.shape[0]
    C = n_pat * trials  # copies: copy c has pattern c // trials, trial c % trials
    copy_pattern = np.repeat(np.arange(n_pat), trials)

    g = as_generator(rng)
    jitter_rng, run_rng = g.spawn(2)
    active = X[copy_pattern].astype(bool)  # (C, n_in)
    times = T_ON + jitter * jitter_rng.standard_normal(active.shape)
    c_idx, k_idx = np.nonzero(active)
    in_idx = c_idx * n_in + k_idx
    in_t = times[c_idx, k_idx]

    theta = np.tile([th for _, th, _ in neurons], C)
    tonic = np.tile([ton for _, _, ton in neurons], C)

    def endpoints(src, tgt):
        copies = np.arange(C)
        s = copies * n_in + int(src[2:]) if src.startswith("in") else copies * K + roles.index(src)
        return s, copies * K + roles.index(tgt)

    with brian2_settings(target) as target, brian2_seeded(run_rng):  # global random state restored afterwards
        eqs = membrane_equation("I_tonic - s_i", noise=True) + """
        ds_i/dt = -s_i / tau_i : volt
        I_tonic : volt (constant)
        v_th : volt (constant)
        """
        G = b2.NeuronGroup(C * K, eqs, threshold="v > v_th", reset="v = v_rest", refractory=T_REF * b2.second,
                           method="euler", dt=dt * b2.second, name="gate_neurons")
        G.v = V_REST * b2.volt
        G.v_th = (V_REST + theta) * b2.volt
        G.I_tonic = tonic * b2.volt
        objects = [G]
        inp = b2.SpikeGeneratorGroup(C * n_in, in_idx.astype(int), in_t * b2.second, dt=dt * b2.second, name="gate_inputs")
        objects.append(inp)
        syn_model = "w_e : volt (constant)\nw_i : volt (constant)"
        syn_pre = "v_post += w_e\ns_i_post += w_i"
        for from_inputs, label in ((True, "in"), (False, "rec")):
            sel = [e for e in edges if e[0].startswith("in") == from_inputs]
            if not sel:
                continue
            parts = [endpoints(e[0], e[1]) for e in sel]
            src = np.concatenate([p[0] for p in parts])
            tgt = np.concatenate([p[1] for p in parts])
            S = b2.Synapses(inp if from_inputs else G, G, model=syn_model, on_pre=syn_pre, dt=dt * b2.second,
                            name=f"gate_syn_{label}")
            S.connect(i=src.astype(int), j=tgt.astype(int))
            S.w_e = np.concatenate([np.full(C, e[2]) for e in sel]) * b2.volt
            S.w_i = np.concatenate([np.full(C, e[3]) for e in sel]) * b2.volt
            S.delay = np.concatenate([np.full(C, e[4]) for e in sel]) * b2.second
            objects.append(S)
        mon = b2.SpikeMonitor(G, name="gate_spikes")
        mon_in = b2.SpikeMonitor(inp, name="gate_input_spikes")
        net = b2.Network(*objects, mon, mon_in)
        net.run(DURATION * b2.second, namespace={
            "v_rest": V_REST * b2.volt, "tau_m": TAU_M * b2.second, "tau_i": TAU_INH * b2.second,
            "noise_sd": noise_sd * b2.volt,
        })
        st = np.asarray(mon.t / b2.second)
        si = np.asarray(mon.i)
        st_in = np.asarray(mon_in.t / b2.second)
        si_in = np.asarray(mon_in.i)

    w0, w1 = T_ON + _WINDOW[key][0], T_ON + _WINDOW[key][1]
    out_k = roles.index("out")
    is_out = (si % K == out_k) & (st >= w0) & (st < w1)
    counts = np.bincount(si[is_out] // K, minlength=C).reshape(n_pat, trials)
    output = (counts > 0).astype(int)
    expected = np.asarray(gate(key)(X)).astype(int)

    # raster: inputs then circuit neurons
    sp_copy = np.concatenate([si_in // n_in, si // K])
    sp_role = np.concatenate([np.array([f"in{k + 1}" for k in range(n_in)], dtype=object)[si_in % n_in],
                              np.array(roles, dtype=object)[si % K]])
    sp_time = np.concatenate([st_in, st])
    order = np.lexsort((sp_time, sp_copy))

    coords = {
        "pattern": np.arange(n_pat),
        "trial": np.arange(trials),
        "inputs": ("pattern", np.array(["".join(map(str, r)) for r in X], dtype=object)),
    }
    for k in range(n_in):
        coords[f"x{k + 1}"] = ("pattern", X[:, k])
    ds = xr.Dataset(coords=coords)
    ds["output"] = (("pattern", "trial"), output, {"long_name": "output bit (output neuron fired in window)", "units": "1"})
    ds["spike_count"] = (("pattern", "trial"), counts, {"long_name": "output spikes in readout window", "units": "1"})
    ds["expected"] = ("pattern", expected, {"long_name": "logical truth table", "units": "1"})
    ds["fraction_correct"] = ("pattern", (output == expected[:, None]).mean(axis=1),
                              {"long_name": "fraction of trials correct", "units": "1"})
    ds["spike_time"] = ("spike", sp_time[order], {"long_name": "spike time", "units": "s"})
    ds = ds.assign_coords(
        spike_pattern=("spike", copy_pattern[sp_copy[order]]),
        spike_trial=("spike", sp_copy[order] % trials),
        spike_neuron=("spike", sp_role[order].astype(str)),
    )
    ds.attrs.update(
        gate=key, window_start=w0, window_end=w1, input_time=T_ON, jitter=jitter, noise_sd=noise_sd,
        duration=DURATION, brian2_target=target, neurons=",".join(f"in{k + 1}" for k in range(n_in)) + "," + ",".join(roles),
    )
    return ds
