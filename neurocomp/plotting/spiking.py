"""Figures for spiking data: raster, rate (PSTH) and f–I curve.

Each function takes labelled data from :mod:`neurocomp.spiking`, draws on
``ax`` (a new Axes when None) and returns the Axes; axes carry units.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurocomp.plotting._core import axis_label, get_ax

__all__ = ["plot_raster", "plot_rate", "plot_fi_curve"]


def plot_raster(spikes: xr.Dataset, *, ax=None, neurons=None, t_start=None, t_stop=None, **kwargs):
    """Spike raster: one dot per spike, neuron against time.

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset (``spike_time`` in s, ``spike_neuron``).
    ax : matplotlib Axes, optional
    neurons : array-like of int, optional
        Neurons to show (default all).
    t_start, t_stop : float, optional
        Time window in s (default the dataset's).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` (default small black dots).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> ax = plot_raster(ds)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('time [s]', 'neuron')
    """
    from neurocomp.spiking.analysis import _unpack

    times, pos, neuron, t0, t1 = _unpack(spikes)
    labels = neuron[pos] if neuron.size else pos
    a = t0 if t_start is None else float(t_start)
    b = t1 if t_stop is None else float(t_stop)
    keep = (times >= a) & (times <= b)
    if neurons is not None:
        keep &= np.isin(labels, np.asarray(neurons))
    ax = get_ax(ax)
    style = {"s": 2.0, "c": "k", "marker": "|" if keep.sum() < 5000 else ".", "linewidths": 0.8}
    style.update(kwargs)
    ax.scatter(times[keep], labels[keep], **style)
    ax.set_xlim(a, b)
    shown = np.asarray(neurons) if neurons is not None else neuron
    if shown.size:  # silent neurons keep their rows
        ax.set_ylim(shown.min() - 0.5, shown.max() + 0.5)
    ax.set_xlabel("time [s]")
    ax.set_ylabel("neuron")
    ax.yaxis.get_major_locator().set_params(integer=True)  # neuron indices are whole numbers
    return ax


def plot_rate(data, *, ax=None, bin_width=0.01, **kwargs):
    """Population rate against time.

    Parameters
    ----------
    data : xarray.DataArray or xarray.Dataset
        A rate DataArray with dim ``time`` (Hz; e.g. from :func:`~neurocomp.spiking.psth`
        or :func:`~neurocomp.spiking.rate_monitor_to_dataarray`), a binned
        ``neuron`` x ``time`` rate (averaged over neurons), or a spike dataset
        (its PSTH with ``bin_width`` is drawn).
    ax : matplotlib Axes, optional
    bin_width : float
        Bin in s when ``data`` is a spike dataset.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> plot_rate(ds, bin_width=0.25).get_ylabel()             # the PSTH of the spike dataset
    'PSTH (mean rate) [Hz]'
    """
    from neurocomp.spiking.analysis import psth

    if isinstance(data, xr.Dataset):
        rate = psth(data, bin_width=bin_width)
    elif isinstance(data, xr.DataArray):
        if "time" not in data.dims:
            raise ValueError(f"data must have a 'time' dimension; got dims {data.dims}")
        rate = data.mean([d for d in data.dims if d != "time"], keep_attrs=True) if data.ndim > 1 else data
    else:
        raise TypeError(f"data must be an xarray DataArray or spike Dataset; got {type(data).__name__}")
    ax = get_ax(ax)
    ax.plot(rate["time"].values, rate.values, **{"drawstyle": "steps-mid", **kwargs})
    ax.set_xlabel(axis_label(rate["time"], "time [s]") if rate["time"].attrs.get("units") else "time [s]")
    ax.set_ylabel(axis_label(rate, "rate") if rate.attrs.get("units") else "rate [Hz]")
    return ax


def plot_fi_curve(data: xr.Dataset, *, ax=None, **kwargs):
    """Simulated (markers with error bars) and theoretical (lines) f–I curves.

    Parameters
    ----------
    data : xarray.Dataset
        As returned by the ``fi_curve`` experiment: ``rate_simulated``,
        ``rate_sem`` and ``rate_theory`` over dims ``current`` (A) and ``noise_sd`` (V).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the theory lines' :meth:`~matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rates = [[0.0, 1.0], [0.0, 5.0], [20.0, 25.0], [77.0, 78.0]]
    >>> ds = xr.Dataset({"rate_simulated": (("current", "noise_sd"), rates),
    ...                  "rate_sem": (("current", "noise_sd"), np.ones((4, 2))),
    ...                  "rate_theory": (("current", "noise_sd"), rates)},
    ...                 coords={"current": np.linspace(0, 6e-10, 4), "noise_sd": [0.0, 0.004]})
    >>> ax = plot_fi_curve(ds)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input current [nA]', 'firing rate [Hz]')
    """
    for name in ("rate_simulated", "rate_sem", "rate_theory"):
        if name not in data:
            raise ValueError(f"data must contain {name!r} (the fi_curve experiment's Dataset); got {list(data.data_vars)}")
    ax = get_ax(ax)
    current_na = data["current"].values * 1e9
    colors = ["k", "tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
    noise_dim = "noise_sd" if "noise_sd" in data.dims else "sigma"  # "sigma": results written before 0.2
    for k, level in enumerate(data[noise_dim].values):
        color = colors[k % len(colors)]
        label = "noise-free theory" if level == 0 else f"noise SD {level * 1e3:.3g} mV (Siegert formula)"
        sel = data.isel({noise_dim: k})
        if "rate_theory_curve" in sel:  # the theory on a fine grid (older results: only at the simulated currents)
            ax.plot(data["current_fine"].values * 1e9, sel["rate_theory_curve"].values, color=color, label=label, **kwargs)
        else:
            ax.plot(current_na, sel["rate_theory"].values, color=color, label=label, **kwargs)
        ax.errorbar(current_na, sel["rate_simulated"].values, yerr=sel["rate_sem"].values, fmt="o", ms=3.5,
                    color=color, mfc="white", capsize=2, lw=0.8)
    ax.plot([], [], "o", color="gray", mfc="white", ms=3.5, label="brian2 simulation (mean ± s.e.m.)")
    ax.set_xlabel("input current [nA]")
    ax.set_ylabel("firing rate [Hz]")
    ax.legend(frameon=False, fontsize=8)
    return ax
