"""Spike-train statistics on spike datasets (see :mod:`neurocomp.spiking.convert`).

Firing rate, inter-spike-interval coefficient of variation, Fano factor of
spike counts, and peri-stimulus time histogram; all vectorised over neurons
(Dayan & Abbott, *Theoretical Neuroscience*, 2001, ch. 1). For a Poisson
process CV = 1 and Fano factor = 1.

Input: a spike dataset (times in s). Output: DataArrays in Hz or dimensionless.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

import warnings

from neurocomp._deprecation import REMOVED_IN
from neurocomp._validation import ValidationError
from neurocomp.spiking._units import to_si

__all__ = ["firing_rate", "isi_cv", "windowed_fano_factor", "fano_factor", "psth", "binned_rate", "spike_counts"]


def _unpack(spikes, name="spikes", *, with_span=False):
    if not isinstance(spikes, xr.Dataset) or not {"spike_time", "spike_neuron"} <= set(spikes.data_vars):
        raise TypeError(
            f"{name} must be a spike dataset (xarray.Dataset with 'spike_time' and 'spike_neuron'), "
            f"as made by spike_monitor_to_dataset or simulate_lif; got {type(spikes).__name__}"
        )
    if "neuron" not in spikes.coords:
        raise ValidationError(f"{name} must have a 'neuron' coordinate listing the population")
    neuron = np.asarray(spikes["neuron"].values, dtype=np.int64)
    times = np.asarray(spikes["spike_time"].values, dtype=float)
    labels = np.asarray(spikes["spike_neuron"].values, dtype=np.int64)
    order = np.argsort(neuron, kind="stable")
    pos_sorted = np.searchsorted(neuron[order], labels)
    pos = order[np.clip(pos_sorted, 0, max(neuron.size - 1, 0))] if neuron.size else pos_sorted
    span = _recorded_span(spikes)
    if with_span:
        return times, pos, neuron, span
    # (times, pos, neuron, t0, t1) for callers that only draw (plotting.spiking.plot_raster)
    t0, t1 = span if span is not None else (0.0, float(times.max()) if times.size else 0.0)
    return times, pos, neuron, t0, t1


def _recorded_span(spikes):
    """The observation window ``(t_start, t_stop)`` in s from the dataset's attrs, or None.

    ``spike_dataset``, ``spike_monitor_to_dataset`` and ``simulate_*`` record it; a
    dataset built by hand may not, and then a window must be given explicitly.
    """
    if "t_start" not in spikes.attrs or "t_stop" not in spikes.attrs or not int(spikes.attrs.get("t_stop_known", 1)):
        return None  # e.g. spike_dataset without t_stop: the recording's end was not given
    try:
        t0, t1 = float(spikes.attrs["t_start"]), float(spikes.attrs["t_stop"])
    except (TypeError, ValueError):
        raise ValidationError(
            f"spikes.attrs t_start/t_stop must be numbers in s; got {spikes.attrs['t_start']!r}, {spikes.attrs['t_stop']!r}"
        ) from None
    if not (np.isfinite(t0) and np.isfinite(t1) and t1 >= t0):
        raise ValidationError(f"spikes.attrs t_start/t_stop must be finite with t_stop >= t_start; got {t0!r} s, {t1!r} s")
    return t0, t1


def _window(t_start, t_stop, span):
    """The analysis window, refused where it leaves the recorded span.

    Counting spikes over time that was not recorded would divide by time in which
    no spike could have been seen (a 0.2 s run analysed to ``t_stop = 5`` s would give
    1/25 of the true rate), so a window outside the recording is an error, never clipped.
    """
    if span is None:
        if t_start is None or t_stop is None:
            raise ValidationError(
                "spikes has no recorded span (attrs 't_start' and 't_stop' in s, as set by simulate_* and by "
                "spike_dataset when given t_stop): pass both t_start and t_stop explicitly, or build the dataset "
                "with spike_dataset(..., t_stop=END_OF_RECORDING)"
            )
        t0 = t1 = None
    else:
        t0, t1 = span
    a = t0 if t_start is None else to_si("t_start", t_start, "s")
    b = t1 if t_stop is None else to_si("t_stop", t_stop, "s")
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValidationError(f"t_start and t_stop must be finite; got t_start = {a!r} s, t_stop = {b!r} s")
    if not b > a:
        raise ValidationError(f"t_stop must be > t_start; got t_start = {a!r} s, t_stop = {b!r} s")
    if span is not None:
        tol = 1e-9 * max(abs(t0), abs(t1), b - a)
        if a < t0 - tol or b > t1 + tol:
            raise ValidationError(
                f"the window t_start = {a!r} s, t_stop = {b!r} s lies outside the recorded span "
                f"[{t0!r}, {t1!r}] s (spikes.attrs t_start/t_stop); a window past the recording would count "
                f"unrecorded time as silence. Choose t_start >= {t0!r} and t_stop <= {t1!r}"
            )
    return a, b


def _neuron_coord(neuron):
    return {"neuron": ("neuron", neuron, {"long_name": "neuron index"})}


def spike_counts(spikes, *, t_start=None, t_stop=None) -> xr.DataArray:
    """Spikes per neuron in ``[t_start, t_stop)``; DataArray of shape (n_neurons,), dim ``neuron``.

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset: ``spike_time`` (s) and ``spike_neuron`` over dim ``spike``, and a
        ``neuron`` coordinate listing the population.
    t_start, t_stop : float or Quantity, optional
        Window in s (default: the dataset's ``t_start`` / ``t_stop``).

    Returns
    -------
    xarray.DataArray of shape (n_neurons,)
        Dim ``neuron``; spike counts (dimensionless).

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> spike_counts(ds).values.tolist(), spike_counts(ds, t_stop=0.5).values.tolist()
    ([4, 2], [2, 1])
    """
    times, pos, neuron, span = _unpack(spikes, with_span=True)
    a, b = _window(t_start, t_stop, span)
    keep = (times >= a) & (times < b)
    counts = np.bincount(pos[keep], minlength=neuron.size)
    return xr.DataArray(counts, dims=("neuron",), coords=_neuron_coord(neuron), name="spike_count",
                        attrs={"units": "1", "long_name": "spike count"})


def firing_rate(spikes, *, t_start=None, t_stop=None) -> xr.DataArray:
    """Mean firing rate of each neuron, spikes / window length.

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset.
    t_start, t_stop : float or Quantity, optional
        Window in s (default: the dataset's ``t_start`` / ``t_stop``).

    Returns
    -------
    xarray.DataArray of shape (n_neurons,)
        Dim ``neuron``, in Hz.

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> firing_rate(ds).values.tolist()                        # spikes / 1 s
    [4.0, 2.0]
    """
    times, pos, neuron, span = _unpack(spikes, with_span=True)
    a, b = _window(t_start, t_stop, span)
    counts = spike_counts(spikes, t_start=a, t_stop=b)
    out = counts / (b - a)
    out.name = "rate"
    out.attrs = {"units": "Hz", "long_name": "firing rate"}
    return out


def isi_cv(spikes, *, t_start=None, t_stop=None) -> xr.DataArray:
    """Coefficient of variation of each neuron's inter-spike intervals, std / mean.

    Neurons with fewer than 3 spikes (under 2 intervals) get NaN. The standard
    deviation uses ``ddof=1``.

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset.
    t_start, t_stop : float or Quantity, optional
        Window in s (default: the dataset's ``t_start`` / ``t_stop``).

    Returns
    -------
    xarray.DataArray of shape (n_neurons,)
        Dim ``neuron``, dimensionless.

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> isi_cv(ds).values.round(3).tolist()      # regular train: CV 0; one interval: NaN
    [0.0, nan]
    """
    times, pos, neuron, span = _unpack(spikes, with_span=True)
    a, b = _window(t_start, t_stop, span)
    keep = (times >= a) & (times < b)
    times, pos = times[keep], pos[keep]
    order = np.lexsort((times, pos))
    times, pos = times[order], pos[order]
    same = pos[1:] == pos[:-1]
    isi = np.diff(times)[same]
    owner = pos[1:][same]
    n = np.bincount(owner, minlength=neuron.size).astype(float)
    s1 = np.bincount(owner, weights=isi, minlength=neuron.size)
    mean = np.divide(s1, n, out=np.full(neuron.size, np.nan), where=n > 0)
    dev = isi - mean[owner]
    s2 = np.bincount(owner, weights=dev * dev, minlength=neuron.size)
    var = np.divide(s2, n - 1, out=np.full(neuron.size, np.nan), where=n > 1)
    cv = np.where(n > 1, np.sqrt(var) / np.where(mean > 0, mean, np.nan), np.nan)
    return xr.DataArray(cv, dims=("neuron",), coords=_neuron_coord(neuron), name="isi_cv",
                        attrs={"units": "1", "long_name": "ISI coefficient of variation"})


def _count_matrix(times, pos, n_neurons, edges):
    n_bins = edges.size - 1
    k = np.searchsorted(edges, times, side="right") - 1
    keep = (k >= 0) & (k < n_bins)
    flat = pos[keep] * n_bins + k[keep]
    return np.bincount(flat, minlength=n_neurons * n_bins).reshape(n_neurons, n_bins)


def _edges(name, width, a, b):
    width = to_si(name, width, "s", positive=True)
    n_bins = int(np.floor((b - a) / width + 1e-9))
    if n_bins < 1:
        raise ValidationError(f"{name} must be <= the window length {b - a!r} s; got {width!r} s")
    return width, a + width * np.arange(n_bins + 1)


def windowed_fano_factor(spikes, *, window=0.1, t_start=None, t_stop=None) -> xr.DataArray:
    """Fano factor of each neuron's spike counts in consecutive windows, var / mean.

    The variance is taken over consecutive counting windows of one spike train
    (1 for a stationary Poisson process at any window). For the trial-to-trial
    Fano factor over repeated presentations of a stimulus, see
    :func:`neurocomp.cortex.fano_factor`. Named ``fano_factor`` here before 0.2
    (still accepted, with a DeprecationWarning).

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset.
    window : float or Quantity
        Counting window in s; the observation window is cut into
        ``floor(T / window)`` consecutive windows (at least 2).
    t_start, t_stop : float or Quantity, optional
        Observation window in s (default: the dataset's span).

    Returns
    -------
    xarray.DataArray of shape (n_neurons,)
        Dim ``neuron``; NaN for neurons with no spikes. Variance uses ``ddof=1``.

    Examples
    --------
    >>> import numpy as np
    >>> from neurocomp.spiking import spike_dataset
    >>> times = np.sort(np.random.default_rng(0).uniform(0, 100, 2000))   # Poisson, 20 Hz, 100 s
    >>> ds = spike_dataset(times, np.zeros(2000, int), n_neurons=1, t_stop=100.0)
    >>> windowed_fano_factor(ds, window=1.0).values.round(2).tolist()       # 1 for Poisson (SE 0.14)
    [0.91]
    """
    times, pos, neuron, span = _unpack(spikes, with_span=True)
    a, b = _window(t_start, t_stop, span)
    width, edges = _edges("window", window, a, b)
    if edges.size < 3:
        raise ValidationError(f"window must fit at least twice into the observation window of {b - a!r} s; got {width!r} s")
    counts = _count_matrix(times, pos, neuron.size, edges).astype(float)
    mean = counts.mean(axis=1)
    var = counts.var(axis=1, ddof=1)
    ff = np.divide(var, mean, out=np.full(neuron.size, np.nan), where=mean > 0)
    return xr.DataArray(ff, dims=("neuron",), coords=_neuron_coord(neuron), name="fano_factor",
                        attrs={"units": "1", "long_name": "Fano factor", "window": width})


def fano_factor(spikes, *, window=0.1, t_start=None, t_stop=None) -> xr.DataArray:
    """Deprecated name of :func:`windowed_fano_factor` (same arguments, same result).

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset.
    window : float or Quantity
        Counting window in s.
    t_start, t_stop : float or Quantity, optional
        Observation window in s.

    Returns
    -------
    xarray.DataArray
        As :func:`windowed_fano_factor`.

    Examples
    --------
    >>> import warnings
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.35, 0.6, 0.85], [0, 0, 0, 0], n_neurons=1, t_stop=1.0)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     ff = fano_factor(ds, window=0.25)
    >>> ff.values.tolist()                        # one spike in each window
    [0.0]
    """
    warnings.warn("neurocomp.spiking.fano_factor is deprecated and will be removed in neurocomp "
                  f"{REMOVED_IN}; use windowed_fano_factor (neurocomp.cortex.fano_factor is the one over "
                  "repetitions)", DeprecationWarning, stacklevel=2)
    return windowed_fano_factor(spikes, window=window, t_start=t_start, t_stop=t_stop)


def binned_rate(spikes, *, bin_width=0.01, t_start=None, t_stop=None) -> xr.DataArray:
    """Spike counts per neuron and time bin divided by the bin width.

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset.
    bin_width : float or Quantity, default 0.01
        Bin width in s.
    t_start, t_stop : float or Quantity, optional
        Window in s (default: the dataset's ``t_start`` / ``t_stop``); the first bin starts
        at ``t_start``.

    Returns
    -------
    xarray.DataArray of shape (n_neurons, n_bins)
        Dims ``("neuron", "time")``; ``time`` holds bin centres in s; values in Hz.
        A trailing partial bin is dropped.

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> binned_rate(ds, bin_width=0.25).values.tolist()          # Hz per 0.25 s bin
    [[4.0, 4.0, 8.0, 0.0], [4.0, 0.0, 0.0, 4.0]]
    """
    times, pos, neuron, span = _unpack(spikes, with_span=True)
    a, b = _window(t_start, t_stop, span)
    width, edges = _edges("bin_width", bin_width, a, b)
    counts = _count_matrix(times, pos, neuron.size, edges)
    return xr.DataArray(
        counts / width,
        dims=("neuron", "time"),
        coords={**_neuron_coord(neuron),
                "time": ("time", (edges[:-1] + edges[1:]) / 2, {"units": "s", "long_name": "time (bin centre)"})},
        name="rate",
        attrs={"units": "Hz", "long_name": "binned firing rate", "bin_width": width},
    )


def psth(spikes, *, bin_width=0.01, t_start=None, t_stop=None, neurons=None) -> xr.DataArray:
    """Peri-stimulus time histogram: the mean rate across neurons (or trials) per time bin.

    In neurocomp repeated trials are usually simulated as separate neurons of
    one population, so averaging over neurons is averaging over trials.

    Parameters
    ----------
    spikes : xarray.Dataset
        A spike dataset; times are taken relative to the stimulus at ``t_start``.
    bin_width : float or Quantity
        Bin width in s.
    t_start, t_stop : float or Quantity, optional
        Window in s (default: the dataset's ``t_start`` / ``t_stop``).
    neurons : array-like of int, optional
        Neuron labels to include (default all).

    Returns
    -------
    xarray.DataArray of shape (n_bins,)
        Dim ``time`` (bin centres, s), in Hz.

    Examples
    --------
    >>> from neurocomp.spiking import spike_dataset
    >>> ds = spike_dataset([0.1, 0.3, 0.5, 0.7, 0.2, 0.9], [0, 0, 0, 0, 1, 1], n_neurons=2, t_stop=1.0)
    >>> psth(ds, bin_width=0.5).values.tolist()                   # mean over the 2 neurons, Hz
    [3.0, 3.0]
    """
    rates = binned_rate(spikes, bin_width=bin_width, t_start=t_start, t_stop=t_stop)
    if neurons is not None:
        wanted = np.asarray(neurons, dtype=np.int64)
        missing = np.setdiff1d(wanted, rates["neuron"].values)
        if missing.size:
            raise ValidationError(f"neurons must be labels in the dataset's 'neuron' coordinate; got unknown {missing[:3].tolist()}")
        rates = rates.sel(neuron=wanted)
    out = rates.mean("neuron")
    out.name = "psth"
    out.attrs = {"units": "Hz", "long_name": "PSTH (mean rate)", "bin_width": rates.attrs["bin_width"]}
    return out
