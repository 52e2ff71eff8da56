"""One-call simulations returning labelled xarray Datasets.

:func:`simulate_lif` builds a population of leaky integrate-and-fire neurons
(see :mod:`neurocomp.spiking.populations`) with constant / step / noisy current
and Poisson input, runs it on brian2 and returns spikes, binned rates and
optionally membrane potentials. :func:`simulate_poisson` does the same for
independent Poisson sources.

Reference: Gerstner, Kistler, Naud & Paninski, *Neuronal Dynamics* (2014),
ch. 1 and 8; Brunel (2000), *J. Comput. Neurosci.* 8:183.
"""

from __future__ import annotations

import contextlib
import gc

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_int, check_option
from neurocomp.random import brian2_random_state_restored, derive_seed, seed_for_brian2
from neurocomp.spiking._units import check_time_step, to_si, to_si_array
from neurocomp.spiking.analysis import _count_matrix, _edges, _neuron_coord
from neurocomp.spiking.backend import (
    _project_lock,
    brian2_settings,
    seed_standalone,
    standalone_device,
    standalone_project_dir,
)
from neurocomp.spiking.convert import spike_dataset, state_monitor_to_dataarray
from neurocomp.spiking.populations import (
    DT,
    E_EXC,
    E_INH,
    RESISTANCE,
    T_REF,
    TAU_EXC,
    TAU_INH,
    TAU_M,
    V_RESET,
    V_REST,
    V_THRESHOLD,
    _poisson_drive,
    lif_parameters,
    lif_population,
    poisson_population,
)

__all__ = ["simulate_lif", "simulate_poisson"]

_TARGETS = (None, "numpy", "cython", "standalone")


def _check_run(duration, dt):
    duration = to_si("duration", duration, "s", positive=True)
    dt = to_si("dt", dt, "s", positive=True)
    if dt > duration:
        raise ValidationError(f"dt must be <= duration; got dt = {dt!r} s, duration = {duration!r} s")
    return duration, dt


def _segments(duration, start, stop):
    """(length, current on?) pieces of the run for a step current."""
    pieces = [(start, False), (stop - start, True), (duration - stop, False)]
    return [(length, on) for length, on in pieces if length > 0]


# names of the brian2 objects simulate_lif creates (code objects and the like are named after them)
_OWN_NAMES = ("neurons", "spikes", "voltage", "simulate_lif", "poisson_input")


def _stale_brian2_objects() -> bool:
    """Whether brian2 still tracks objects named like this run's (left by an earlier run, not yet freed).

    brian2 gives a code object a ``_1`` suffix when an object of its name is alive,
    which would change the generated file names and make a standalone project rebuild;
    only then is a full ``gc.collect()`` (0.3 s with brian2 and sympy loaded) needed.
    """
    from brian2.core.functions import Function
    from brian2.core.names import Nameable

    for ref in Nameable.__instances__():
        obj = ref()
        # the Poisson drive's BinomialFunction has a fixed name (no suffixing) and brian2's caches keep
        # it alive for the life of the process: no collection frees it, and it renames nothing
        if obj is not None and not isinstance(obj, Function) and str(getattr(obj, "name", "")).startswith(_OWN_NAMES):
            return True
    return False


def _population_rates(spikes, n_neurons, duration, bin_width):
    """``binned_rate(spikes, bin_width=bin_width)`` and ``firing_rate(spikes)`` for a population labelled
    0 .. n_neurons - 1 over [0, duration]: the same numbers, coordinates and attributes, without mapping
    spike labels to positions through a search (a label is its position here), which took most of the
    time of building the Dataset for large runs (0.2 s for 10,000 neurons and 265,000 spikes).
    """
    times = spikes["spike_time"].values
    pos = spikes["spike_neuron"].values
    neuron = spikes["neuron"].values
    width, edges = _edges("bin_width", bin_width, 0.0, duration)
    rate = xr.DataArray(
        _count_matrix(times, pos, n_neurons, edges) / width,
        dims=("neuron", "time"),
        coords={**_neuron_coord(neuron),
                "time": ("time", (edges[:-1] + edges[1:]) / 2, {"units": "s", "long_name": "time (bin centre)"})},
        name="rate",
        attrs={"units": "Hz", "long_name": "binned firing rate", "bin_width": width},
    )
    keep = (times >= 0.0) & (times < duration)
    mean_rate = xr.DataArray(
        np.bincount(pos[keep], minlength=n_neurons) / (duration - 0.0),
        dims=("neuron",), coords=_neuron_coord(neuron), name="rate",
        attrs={"units": "Hz", "long_name": "mean firing rate"},
    )
    return rate, mean_rate


def simulate_lif(
    n_neurons: int = 1,
    *,
    duration=1.0,
    dt=DT,
    current=0.0,
    current_start=None,
    current_stop=None,
    noise_sd=0.0,
    poisson_rate=0.0,
    poisson_n: int = 0,
    poisson_weight=0.0,
    synapse: str = "current",
    tau_m=TAU_M,
    t_ref=T_REF,
    v_rest=V_REST,
    v_reset=V_RESET,
    v_threshold=V_THRESHOLD,
    resistance=RESISTANCE,
    e_exc=E_EXC,
    e_inh=E_INH,
    tau_exc=TAU_EXC,
    tau_inh=TAU_INH,
    v_init=None,
    record_voltage=False,
    bin_width=0.01,
    target: str | None = None,
    threads: int = 0,
    rng=None,
    sigma=None,
) -> xr.Dataset:
    """Simulate a population of LIF neurons and return spikes, rates and voltages.

    Every argument with a physical unit takes a brian2 quantity or a plain
    float in the SI unit given here.

    Parameters
    ----------
    n_neurons : int
        Number of neurons (each gets its own current / noise if arrays are given).
    duration : float or Quantity
        Simulated time in s (> 0).
    dt : float or Quantity
        Integration step in s; must be <= ``tau_m / 10``.
    current : float, array of shape (n_neurons,) or Quantity
        Injected current in A (constant, or a step with ``current_start`` / ``current_stop``).
    current_start, current_stop : float or Quantity, optional
        The current is on during ``[current_start, current_stop)`` (s); default the whole run.
    noise_sd : float, array of shape (n_neurons,) or Quantity
        White membrane noise as the stationary standard deviation of the free
        membrane potential in V (``tau_m dv/dt = ... + noise_sd sqrt(2 tau_m) xi``,
        :func:`~neurocomp.spiking.membrane_equation`); 0 means noise-free (then
        the exact integrator is used, else Euler–Maruyama). Brunel's ``sigma``
        (of :func:`~neurocomp.spiking.siegert_rate`) is ``sqrt(2) * noise_sd``.
    poisson_rate : float or Quantity
        Rate of each Poisson input source in Hz (>= 0).
    poisson_n : int
        Independent Poisson sources per neuron (0 = no Poisson input).
    poisson_weight : float or Quantity
        Jump per input spike: V for ``synapse="current"``, S for ``"conductance"``.
    synapse : {"current", "conductance"}
        Synapse model of :func:`~neurocomp.spiking.lif_population`.
    tau_m, t_ref, v_rest, v_reset, v_threshold, resistance, e_exc, e_inh, tau_exc, tau_inh
        LIF parameters (s, s, V, V, V, ohm, V, V, s, s); defaults are the
        module constants ``TAU_M`` etc.
    v_init : float, array or Quantity, optional
        Initial potential in V (default ``v_rest``).
    record_voltage : bool or list of int
        Record ``v`` of all neurons (True) or of the listed ones, every step.
    bin_width : float or Quantity
        Bin of the ``rate`` variable in s.
    target : {None, "numpy", "cython", "standalone"}
        Code-generation target; None uses :func:`~neurocomp.spiking.default_codegen_target`.
        ``"standalone"`` compiles the whole network into one C++ program
        (brian2's ``cpp_standalone``; best for large runs). The program is kept
        per network structure, so a later run that changes only ``rng``,
        ``current``, ``noise_sd`` or ``v_init`` compiles nothing (with more than
        one neuron; a single neuron's values are literals in ``main.cpp``), and
        one that changes ``duration`` recompiles only ``main.cpp``.
    threads : int
        OpenMP threads for ``"standalone"`` (0 = single-threaded).
    rng : None, int, SeedSequence or Generator
        Seeds brian2: the same ``rng`` gives identical spike trains. brian2's
        global random state is restored afterwards.
    sigma : float, array or Quantity, optional
        Deprecated: Brunel's amplitude ``sqrt(2) * noise_sd`` (converted, with a
        DeprecationWarning; removed in 0.3).

    Returns
    -------
    xarray.Dataset
        * ``spike_time``, ``spike_neuron`` (dim ``spike``): all spikes, in time order.
        * ``rate`` (``neuron`` x ``time``): binned rates in Hz, ``time`` = bin centres.
        * ``mean_rate``, ``current``, ``noise_sd`` and ``sigma`` (Brunel's,
          ``sqrt(2) * noise_sd``, for :func:`~neurocomp.spiking.siegert_rate`) (dim ``neuron``).
        * ``voltage`` (``voltage_neuron`` x ``voltage_time``) in V, when recorded.
        * attrs: ``t_start``, ``t_stop``, ``dt``, ``target``, ``brian2_seed``,
          ``synapse`` and the LIF parameters in SI.

    Raises
    ------
    ValueError
        Non-positive time constants or duration, negative refractory period or
        rates, ``dt > tau_m / 10``; wrong-dimension quantities raise
        :class:`~neurocomp.spiking.UnitError` (a ``ValueError`` and a
        ``brian2.DimensionMismatchError``) naming the argument and the unit.

    Notes
    -----
    Poisson input is brian2's ``PoissonInput`` operation (a binomial draw per
    step and neuron, the same random numbers), built with fixed names so that
    the standalone program's code is the same from run to run. Like any jump
    input it also moves ``v`` during the refractory period; only the
    integration of ``v`` is paused there.

    Examples
    --------
    >>> import brian2 as b2
    >>> from neurocomp.spiking import simulate_lif
    >>> ds = simulate_lif(3, current=[0.1, 0.3, 0.5] * b2.nA, duration=0.2, target="numpy", rng=0)
    >>> ds["mean_rate"].values.round()
    array([  0.,  75., 140.])
    """
    import brian2 as b2

    n_neurons = check_int("n_neurons", n_neurons, low=1)
    check_option("target", target, _TARGETS)
    check_option("synapse", synapse, ("current", "conductance"))
    params = lif_parameters(tau_m=tau_m, t_ref=t_ref, v_rest=v_rest, v_reset=v_reset, v_threshold=v_threshold,
                            resistance=resistance, e_exc=e_exc, e_inh=e_inh, tau_exc=tau_exc, tau_inh=tau_inh)
    duration, dt = _check_run(duration, dt)
    check_time_step(dt, params["tau_m"])
    t_on = 0.0 if current_start is None else to_si("current_start", current_start, "s", nonnegative=True)
    t_off = duration if current_stop is None else to_si("current_stop", current_stop, "s", nonnegative=True)
    if not 0 <= t_on <= t_off <= duration:
        raise ValidationError(
            f"current_start and current_stop must satisfy 0 <= current_start <= current_stop <= duration; "
            f"got {t_on!r}, {t_off!r} with duration {duration!r} s"
        )
    currents = to_si_array("current", current, "A")
    if sigma is not None:
        from neurocomp._deprecation import warn_renamed

        warn_renamed("simulate_lif", "sigma", "noise_sd", note="noise_sd = sigma / sqrt(2)")
        if not np.all(to_si_array("noise_sd", noise_sd, "V") == 0):
            raise TypeError("simulate_lif: pass 'noise_sd' only (got both 'noise_sd' and its old form 'sigma')")
        sigmas = to_si_array("sigma", sigma, "V", nonnegative=True)
        noise_sds = sigmas / np.sqrt(2)
    else:
        noise_sds = to_si_array("noise_sd", noise_sd, "V", nonnegative=True)
        sigmas = noise_sds * np.sqrt(2)
    for name, arr in (("current", currents), ("sigma" if sigma is not None else "noise_sd", sigmas)):
        if arr.ndim and arr.shape != (n_neurons,):
            raise ValidationError(f"{name} must be a scalar or have shape ({n_neurons},); got shape {arr.shape}")
    noise = bool(np.any(sigmas > 0))
    rate_in = to_si("poisson_rate", poisson_rate, "Hz", nonnegative=True)
    poisson_n = check_int("poisson_n", poisson_n, low=0)
    use_poisson = poisson_n > 0 and rate_in > 0
    bin_width = to_si("bin_width", bin_width, "s", positive=True)
    if bin_width > duration:
        raise ValidationError(f"bin_width must be <= duration ({duration!r} s); got {bin_width!r} s")
    if record_voltage is True:
        record = np.arange(n_neurons)
    elif record_voltage is False or record_voltage is None:
        record = None
    else:
        record = np.asarray(record_voltage, dtype=np.int64).ravel()
        if record.size == 0 or record.min() < 0 or record.max() >= n_neurons:
            raise ValidationError(
                f"record_voltage must be True, False or neuron indices in [0, {n_neurons - 1}]; got {record_voltage!r}"
            )
    threads = check_int("threads", threads, low=0)

    runtime_target = None if target in (None, "standalone") else target
    lif_kwargs = {k: params[k] for k in ("tau_m", "t_ref", "v_rest", "v_reset", "v_threshold", "resistance",
                                         "e_exc", "e_inh", "tau_exc", "tau_inh")}
    step = t_on > 0 or t_off < duration
    segments = _segments(duration, t_on, t_off) if step else [(duration, True)]
    project = lock = None
    if target == "standalone":
        # brian2 names code objects "<owner>_codeobject*", unique among *live*
        # objects; the previous run's are only freed by the cycle collector, so
        # collect them now, or the generated file names (and so make's
        # incremental build) change from one run to the next; only when such
        # objects exist (a full collection costs 0.3 s)
        if _stale_brian2_objects():
            gc.collect()
        # everything that ends up in the generated C++ code; the seed, the
        # currents, noise amplitudes and initial potentials are run-time data
        # (static-array files) and the durations are in main.cpp only
        project = standalone_project_dir("simulate_lif", {
            "n_neurons": n_neurons, "synapse": synapse, "noise": noise, "dt": dt, "params": lif_kwargs,
            "poisson": [poisson_n, rate_in, to_si("poisson_weight", poisson_weight,
                                                  "V" if synapse == "current" else "S")] if use_poisson else None,
            "record": None if record is None else record.tolist(), "segments": [on for _, on in segments],
            "threads": threads,
        })
        lock = _project_lock(project)
    with brian2_settings(runtime_target) as used_target, (lock or contextlib.nullcontext()), brian2_random_state_restored():
        used_target = "standalone" if target == "standalone" else used_target
        device_ctx = standalone_device(project, threads=threads) if target == "standalone" else contextlib.nullcontext()
        with device_ctx as device:
            if target == "standalone":
                seed = derive_seed(rng)
                seed_standalone(device, seed)
            else:
                seed = seed_for_brian2(rng)
            group = lif_population(
                n_neurons, synapse=synapse, noise=noise, current=0.0 if step else currents,
                noise_sd=noise_sds if noise else 0.0, v_init=v_init, dt=dt, name="neurons", **lif_kwargs,
            )
            spike_mon = b2.SpikeMonitor(group, name="spikes")
            objects = [group, spike_mon]  # the Poisson drive is one of the group's contained objects
            if use_poisson:
                _poisson_drive(group, n_sources=poisson_n, rate=rate_in, weight=poisson_weight, synapse=synapse)
            state_mon = None
            if record is not None:
                state_mon = b2.StateMonitor(group, "v", record=record, name="voltage")
                objects.append(state_mon)
            net = b2.Network(*objects, name="simulate_lif")
            for length, on in segments:
                if step:
                    group.I = (currents if on else np.zeros(n_neurons)) * b2.amp
                net.run(length * b2.second, namespace={})
            if target == "standalone":
                device.build(directory=str(project), compile=True, run=True, with_output=False)
            times = np.asarray(spike_mon.t_, dtype=float)
            which = np.asarray(spike_mon.i, dtype=np.int64)
            voltage = None
            if state_mon is not None:
                voltage = state_monitor_to_dataarray(state_mon, "v").rename(neuron="voltage_neuron", time="voltage_time")
                voltage = voltage.copy(deep=True)

    spikes = spike_dataset(times, which, n_neurons=n_neurons, t_start=0.0, t_stop=duration)
    rate, mean_rate = _population_rates(spikes, n_neurons, duration, bin_width)
    ds = spikes.assign(
        rate=rate,
        mean_rate=mean_rate,
        current=("neuron", np.broadcast_to(currents, (n_neurons,)).copy(), {"units": "A", "long_name": "injected current"}),
        noise_sd=("neuron", np.broadcast_to(noise_sds, (n_neurons,)).copy(),
                  {"units": "V", "long_name": "membrane noise (stationary SD of the free potential)"}),
        sigma=("neuron", np.broadcast_to(sigmas, (n_neurons,)).copy(),
               {"units": "V", "long_name": "noise amplitude in Brunel's convention (sqrt(2) noise_sd)"}),
    )
    if voltage is not None:
        voltage.name = "voltage"
        voltage.attrs["long_name"] = "membrane potential"
        ds["voltage"] = voltage
    ds.attrs.update(
        t_start=0.0, t_stop=duration, dt=dt, target=used_target, brian2_seed=seed, synapse=synapse,
        current_start=t_on, current_stop=t_off,
        poisson_rate=rate_in, poisson_n=poisson_n,
        **{k: float(v) for k, v in params.items()},
    )
    if use_poisson:
        ds.attrs["poisson_weight"] = to_si("poisson_weight", poisson_weight, "V" if synapse == "current" else "S")
    return ds


def simulate_poisson(
    n_neurons: int = 1,
    *,
    rate=10.0,
    duration=1.0,
    dt=DT,
    bin_width=0.01,
    target: str | None = None,
    rng=None,
) -> xr.Dataset:
    """Spike trains of independent Poisson sources (brian2 ``PoissonGroup``).

    Parameters
    ----------
    n_neurons : int
        Number of sources.
    rate : float, array of shape (n_neurons,) or Quantity
        Rate in Hz (>= 0).
    duration, dt : float or Quantity
        Run length and time step in s; a source spikes in a step with
        probability ``rate * dt``, which must be <= 1.
    bin_width : float or Quantity
        Bin of the ``rate`` variable in s.
    target : {None, "numpy", "cython"}
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    xarray.Dataset
        ``spike_time``/``spike_neuron`` (dim ``spike``), ``rate``
        (``neuron`` x ``time``, Hz) and ``mean_rate`` (``neuron``, Hz).

    Examples
    --------
    >>> ds = simulate_poisson(100, rate=20.0, duration=0.5, dt=1e-3, bin_width=0.05, target="numpy", rng=0)
    >>> round(float(ds.mean_rate.mean()), 1)                  # 20 Hz, SE 0.6 Hz
    19.5
    """
    import brian2 as b2

    n_neurons = check_int("n_neurons", n_neurons, low=1)
    check_option("target", target, (None, "numpy", "cython"))
    duration, dt = _check_run(duration, dt)
    rates = to_si_array("rate", rate, "Hz", nonnegative=True)
    if np.any(rates * dt > 1):
        raise ValidationError(f"rate * dt must be <= 1 (at most one spike per step); got rate up to {rates.max()!r} Hz with dt = {dt!r} s")
    bin_width = to_si("bin_width", bin_width, "s", positive=True)
    if bin_width > duration:
        raise ValidationError(f"bin_width must be <= duration ({duration!r} s); got {bin_width!r} s")
    with brian2_settings(target) as used_target, brian2_random_state_restored():
        seed = seed_for_brian2(rng)
        group = poisson_population(n_neurons, rates, dt=dt, name="sources")
        mon = b2.SpikeMonitor(group, name="spikes")
        net = b2.Network(group, mon)
        net.run(duration * b2.second, namespace={})
        times = np.asarray(mon.t_, dtype=float)
        which = np.asarray(mon.i, dtype=np.int64)
    spikes = spike_dataset(times, which, n_neurons=n_neurons, t_start=0.0, t_stop=duration)
    rate, mean_rate = _population_rates(spikes, n_neurons, duration, bin_width)
    ds = spikes.assign(
        rate=rate,
        mean_rate=mean_rate,
        input_rate=("neuron", np.broadcast_to(rates, (n_neurons,)).copy(), {"units": "Hz", "long_name": "source rate"}),
    )
    ds.attrs.update(t_start=0.0, t_stop=duration, dt=dt, target=used_target, brian2_seed=seed)
    return ds
