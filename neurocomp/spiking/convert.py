"""brian2 monitors -> labelled xarray objects.

A *spike dataset* is neurocomp's exchange format for spike trains: an
:class:`xarray.Dataset` with

* ``spike_time`` (dim ``spike``, s) and ``spike_neuron`` (dim ``spike``, int),
  in time order;
* a ``neuron`` coordinate listing every neuron of the population, silent ones
  included (so rates of silent neurons are 0, not missing);
* attrs ``t_start`` and ``t_stop`` (s), the observation window.

Any user network plugs into neurocomp's analyses (:mod:`neurocomp.spiking.analysis`)
through :func:`spike_monitor_to_dataset`. Values are SI floats; units live in
``attrs["units"]``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp._validation import ValidationError, check_array
from neurocomp.spiking._units import to_si

__all__ = [
    "spike_dataset",
    "spike_monitor_to_dataset",
    "state_monitor_to_dataarray",
    "rate_monitor_to_dataarray",
]


def spike_dataset(spike_time, spike_neuron, *, n_neurons: int | None = None, neuron=None, t_start=0.0, t_stop=None) -> xr.Dataset:
    """Build a spike dataset from plain arrays.

    Parameters
    ----------
    spike_time : array-like of shape (n_spikes,) or Quantity
        Spike times in s.
    spike_neuron : array-like of int, shape (n_spikes,)
        Index (label) of the neuron that fired each spike.
    n_neurons : int, optional
        Population size; neurons are labelled ``0 .. n_neurons - 1``.
    neuron : array-like of int, optional
        Explicit neuron labels instead of ``n_neurons``.
    t_start, t_stop : float or Quantity
        Observation window in s. Without ``t_stop`` the recording's end is not
        known: ``attrs["t_stop"]`` is then the last spike and
        ``attrs["t_stop_known"] = 0``, and the spike statistics ask for an explicit
        window (a rate over [t_start, last spike] would be too high).

    Returns
    -------
    xarray.Dataset
        See the module docstring.

    Examples
    --------
    >>> ds = spike_dataset([0.3, 0.1, 0.2], [1, 0, 1], n_neurons=2, t_stop=0.5)
    >>> ds.spike_time.values.tolist(), ds.spike_neuron.values.tolist(), ds.attrs["t_stop"]
    ([0.1, 0.2, 0.3], [0, 1, 1], 0.5)
    """
    from neurocomp.spiking._units import to_si_array

    times = to_si_array("spike_time", spike_time, "s").ravel()
    idx = check_array("spike_neuron", spike_neuron, ndim=1, dtype=None)
    if idx.size and idx.dtype.kind not in "iu":
        if not np.all(np.asarray(idx, dtype=float) == np.round(np.asarray(idx, dtype=float))):
            raise ValidationError(f"spike_neuron must hold integer neuron indices; got dtype {idx.dtype}")
    idx = idx.astype(np.int64)
    if times.shape != idx.shape:
        raise ValidationError(
            f"spike_time and spike_neuron must have the same length; got {times.shape[0]} and {idx.shape[0]}"
        )
    if neuron is None:
        if n_neurons is None:
            n_neurons = int(idx.max()) + 1 if idx.size else 0
        neuron = np.arange(n_neurons)
    neuron = np.asarray(neuron, dtype=np.int64)
    if idx.size and not np.isin(idx, neuron).all():
        bad = idx[~np.isin(idx, neuron)][:3].tolist()
        raise ValidationError(f"spike_neuron must name neurons of the population; got unknown indices {bad}")
    t_start = to_si("t_start", t_start, "s")
    t_stop_given = t_stop is not None
    t_stop = (float(times.max()) if times.size else t_start) if t_stop is None else to_si("t_stop", t_stop, "s")
    if t_stop < t_start:
        raise ValidationError(f"t_stop must be >= t_start; got t_start = {t_start!r} s, t_stop = {t_stop!r} s")
    order = np.argsort(times, kind="stable")
    return xr.Dataset(
        {
            "spike_time": ("spike", times[order], {"units": "s", "long_name": "spike time"}),
            "spike_neuron": ("spike", idx[order], {"long_name": "neuron that spiked"}),
        },
        coords={"neuron": ("neuron", neuron, {"long_name": "neuron index"})},
        attrs={"t_start": t_start, "t_stop": t_stop, **({} if t_stop_given else {"t_stop_known": 0})},
    )


def _check_monitor(monitor, kind: str, name: str = "monitor"):
    import brian2 as b2

    cls = {"spike": b2.SpikeMonitor, "state": b2.StateMonitor, "rate": b2.PopulationRateMonitor}[kind]
    if not isinstance(monitor, cls):
        raise TypeError(f"{name} must be a brian2 {cls.__name__}; got {type(monitor).__name__}")


def spike_monitor_to_dataset(monitor, *, t_start=0.0, t_stop=None) -> xr.Dataset:
    """Convert a :class:`brian2.SpikeMonitor` into a spike dataset.

    Parameters
    ----------
    monitor : brian2.SpikeMonitor
        After the network has run.
    t_start, t_stop : float or Quantity
        Observation window in s; ``t_stop`` defaults to the monitor's current
        time (the end of the last run).

    Returns
    -------
    xarray.Dataset
        ``spike_time`` / ``spike_neuron`` along ``spike``, coordinate ``neuron``
        (every neuron of the monitored group).

    Examples
    --------
    >>> import brian2 as b2
    >>> from neurocomp.spiking.backend import brian2_settings
    >>> with brian2_settings("numpy"):
    ...     grp = b2.NeuronGroup(3, "dv/dt = (-45*mV - v) / (10*ms) : volt", threshold="v > -50*mV",
    ...                          reset="v = -70*mV", method="exact")
    ...     grp.v = -70 * b2.mV
    ...     mon = b2.SpikeMonitor(grp)
    ...     b2.Network(grp, mon).run(50 * b2.ms)
    >>> ds = spike_monitor_to_dataset(mon)
    >>> ds.spike_time.values[::3].round(4).tolist()        # period 10 ms x ln 5 = 16.1 ms
    [0.016, 0.0321, 0.0482]
    """
    _check_monitor(monitor, "spike")
    if t_stop is None:
        t_stop = float(np.asarray(monitor.clock.t_[:]).item())
    return spike_dataset(
        np.asarray(monitor.t_, dtype=float),
        np.asarray(monitor.i, dtype=np.int64),
        n_neurons=int(monitor.source.N),
        t_start=t_start,
        t_stop=t_stop,
    )


def _unit_string(dim) -> str:
    from brian2 import get_unit

    # brian2 names the dimensionless unit "rad" (radian is dimensionless in SI), which would label a
    # plain number as an angle: test the dimension itself.
    if getattr(dim, "is_dimensionless", False):
        return "1"
    text = str(get_unit(dim))
    return "1" if text in ("", "1", "Unit(1)") else text


def state_monitor_to_dataarray(monitor, variable: str = "v") -> xr.DataArray:
    """Convert one variable of a :class:`brian2.StateMonitor` into a DataArray.

    Parameters
    ----------
    monitor : brian2.StateMonitor
    variable : str
        A recorded variable name.

    Returns
    -------
    xarray.DataArray of shape (n_recorded, n_samples)
        Dims ``("neuron", "time")``; ``neuron`` holds the recorded indices,
        ``time`` the sample times in s; values in SI with ``attrs["units"]``.

    Examples
    --------
    >>> import brian2 as b2
    >>> from neurocomp.spiking.backend import brian2_settings
    >>> with brian2_settings("numpy"):
    ...     grp = b2.NeuronGroup(2, "dv/dt = (-45*mV - v) / (10*ms) : volt", method="exact")
    ...     grp.v = -70 * b2.mV
    ...     mon = b2.StateMonitor(grp, "v", record=True)
    ...     b2.Network(grp, mon).run(5 * b2.ms)
    >>> v = state_monitor_to_dataarray(mon)
    >>> v.dims, v.shape, v.attrs["units"]
    (('neuron', 'time'), (2, 50), 'V')
    """
    _check_monitor(monitor, "state")
    recorded = list(monitor.record_variables)
    if variable not in recorded:
        raise ValidationError(
            f"variable must be one of the recorded variables {recorded}; got {variable!r}"
        )
    values = np.asarray(getattr(monitor, variable + "_"), dtype=float)
    dim = monitor.source.variables[variable].dim
    indices = np.asarray(monitor.record, dtype=np.int64).ravel()
    long_names = {"v": "membrane potential", "I": "input current", "g_e": "excitatory conductance", "g_i": "inhibitory conductance"}
    return xr.DataArray(
        values,
        dims=("neuron", "time"),
        coords={
            "neuron": ("neuron", indices, {"long_name": "neuron index"}),
            "time": ("time", np.asarray(monitor.t_, dtype=float), {"units": "s", "long_name": "time"}),
        },
        name=variable,
        attrs={"units": _unit_string(dim), "long_name": long_names.get(variable, variable)},
    )


def rate_monitor_to_dataarray(monitor, *, smooth_width=None) -> xr.DataArray:
    """Convert a :class:`brian2.PopulationRateMonitor` into a DataArray.

    Parameters
    ----------
    monitor : brian2.PopulationRateMonitor
    smooth_width : float or Quantity, optional
        Width (s) of a flat smoothing window (brian2's ``smooth_rate``).

    Returns
    -------
    xarray.DataArray of shape (n_samples,)
        Dim ``time`` (s); population rate in Hz.

    Examples
    --------
    >>> import brian2 as b2
    >>> from neurocomp.spiking.backend import brian2_settings
    >>> with brian2_settings("numpy"):
    ...     grp = b2.NeuronGroup(3, "dv/dt = (-45*mV - v) / (10*ms) : volt", threshold="v > -50*mV",
    ...                          reset="v = -70*mV", method="exact")
    ...     grp.v = -70 * b2.mV
    ...     mon = b2.PopulationRateMonitor(grp)
    ...     b2.Network(grp, mon).run(50 * b2.ms)
    >>> r = rate_monitor_to_dataarray(mon)
    >>> r.attrs["units"], float(r.mean())                  # 3 spikes per neuron in 50 ms
    ('Hz', 60.0)
    """
    import brian2 as b2

    _check_monitor(monitor, "rate")
    if smooth_width is None:
        rate = np.asarray(monitor.rate_, dtype=float)
    else:
        width = to_si("smooth_width", smooth_width, "s", positive=True)
        rate = np.asarray(monitor.smooth_rate(window="flat", width=width * b2.second), dtype=float)
    return xr.DataArray(
        rate,
        dims=("time",),
        coords={"time": ("time", np.asarray(monitor.t_, dtype=float), {"units": "s", "long_name": "time"})},
        name="rate",
        attrs={"units": "Hz", "long_name": "population rate"},
    )
