"""Experiments of the analysis unit: a cross-validated encoding model on real recordings.

``locust_auditory_encoding`` fits a linear encoding model -- the regression
half of the Yamins et al. (2014) pipeline, pointed from stimulus features to a
neuron instead of from network units to a cortical site -- to recordings of
locust (grasshopper) auditory receptor neurons shipped with nitime: the
amplitude envelope of a 2.5 kHz carrier, Gaussian noise low-pass filtered at
200 Hz (recording 1) or 800 Hz (recording 2), 10 s each, and the spike times
of a receptor neuron (single trial). Spike counts in short bins are predicted
from the recent history of the envelope (and of its squared deviation, a
second-order term) by ridge regression with the penalty chosen by leave-one-out
cross-validation inside each training set (:class:`neurocomp.analysis.RidgeMapping`),
scored by Pearson r on held-out contiguous blocks of time (blocks, not shuffled
bins, so the autocorrelation of stimulus and response cannot leak across the
split). Controls: the same model with the spike train circularly shifted by
half the recording (r ~ 0), and generalisation from one stimulus ensemble to
the other.

References
----------
Yamins, D. L. K. et al. (2014). PNAS 111, 8619-8624.
Schrimpf, M. et al. (2018). Brain-Score. bioRxiv 407007.
Kriegeskorte, N. et al. (2008). Front. Syst. Neurosci. 2, 4 (RSA, the mapping-free alternative).
Kornblith, S. et al. (2019). ICML (CKA).
Rokem, A., Trumpis, M. & Perez, F. (2009). Nitime: time-series analysis for neuroimaging
data. Proc. 8th Python in Science Conference (the data set's distribution).
"""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from neurocomp._deprecation import renamed_kwargs
from neurocomp._validation import ValidationError
from neurocomp.experiments._registry import ExperimentResult, Range, experiment

__all__ = ["load_locust_recording", "locust_auditory_encoding"]

#: Sampling interval of the stimulus files [s] (20 kHz).
STIMULUS_DT = 50e-6
#: Low-pass cut-off of the Gaussian envelope of each recording [Hz].
CUTOFF_HZ = {1: 200.0, 2: 800.0}


def _nitime_data_dir() -> Path:
    try:
        import nitime
    except ImportError:
        raise ValidationError(
            "For the locust example, the nitime module is needed (it ships the recordings): "
            "pip install nitime, or pip install neurocomp[recordings]"
        ) from None
    folder = Path(nitime.__file__).resolve().parent / "data"
    if not (folder / "grasshopper_spike_times1.txt").is_file():
        raise ValidationError(f"nitime is installed but its data folder {str(folder)!r} lacks the grasshopper files")
    return folder


def load_locust_recording(number: int = 1):
    """Spike times and stimulus envelope of one locust auditory receptor recording (nitime).

    Parameters
    ----------
    number : {1, 2}
        Recording 1 (envelope cut-off 200 Hz) or 2 (800 Hz).

    Returns
    -------
    spike_times : ndarray (n_spikes,)
        Seconds from stimulus onset (the files store microseconds).
    stimulus : ndarray (n_samples,)
        Amplitude envelope sampled every 50 us (arbitrary units).
    """
    if number not in CUTOFF_HZ:
        raise ValidationError(f"number must be 1 or 2; got {number!r}")
    folder = _nitime_data_dir()
    spikes = np.loadtxt(folder / f"grasshopper_spike_times{number}.txt") * 1e-6
    _, stimulus = np.loadtxt(folder / f"grasshopper_stimulus{number}.txt").T
    return spikes, stimulus


def _design(stimulus, spikes, bin_s, n_lags, features):
    """Binned spike counts (n_bins,) and lagged stimulus features (n_bins, n_lags * n_kinds)."""
    per_bin = int(round(bin_s / STIMULUS_DT))
    n_bins = stimulus.size // per_bin
    env = stimulus[: n_bins * per_bin].reshape(n_bins, per_bin).mean(axis=1)
    counts = np.histogram(spikes, bins=np.arange(n_bins + 1) * per_bin * STIMULUS_DT)[0].astype(float)
    kinds = [env - env.mean()]
    if features == "envelope+square":
        kinds.append((env - env.mean()) ** 2)
    # column (kind, lag) holds the feature `lag` bins before the bin being predicted
    X = np.zeros((n_bins, len(kinds) * n_lags))
    for k, x in enumerate(kinds):
        for lag in range(n_lags):
            X[lag:, k * n_lags + lag] = x[: n_bins - lag]
    return counts, X


def _blocked_r(X, y, n_folds):
    """Held-out r per contiguous block, and the held-out prediction of every bin."""
    from neurocomp.analysis import RidgeMapping, pearson_r

    blocks = np.array_split(np.arange(y.size), n_folds)
    r = np.empty(n_folds)
    pred = np.empty_like(y)
    for i, test in enumerate(blocks):
        train = np.setdiff1d(np.arange(y.size), test)
        model = RidgeMapping().fit(X[train], y[train])
        pred[test] = model.predict(X[test])  # fitted on a 1-D target: 1-D prediction
        r[i] = pearson_r(pred[test][:, None], y[test][:, None])[0]
    return r, pred


@experiment("locust_auditory_encoding")
@renamed_kwargs(bin_ms=("bin_width", lambda v: v / 1000.0), history_ms=("history", lambda v: v / 1000.0))  # before 0.2
def locust_auditory_encoding(
    *,
    bin_width: typing.Annotated[float, Range(0.5e-3, 50e-3)] = 2e-3,
    history: typing.Annotated[float, Range(1e-3, 200e-3)] = 20e-3,
    features: typing.Literal["envelope", "envelope+square"] = "envelope+square",
    n_folds: typing.Annotated[int, Range(2, 50)] = 10,
    rng=None,
) -> ExperimentResult:
    """Cross-validated encoding model of locust auditory receptor neurons (nitime's recordings).

    Parameters
    ----------
    bin_width : float
        Width of the spike-count bins in s (``bin_ms`` in ms before 0.2, still
        accepted with a DeprecationWarning).
    history : float
        Stimulus history used to predict each bin, in s (``history_ms`` before 0.2).
    features : {"envelope", "envelope+square"}
        Lagged envelope only (a linear filter), or with its squared deviation
        from the mean (second-order term).
    n_folds : int
        Contiguous blocks of time; each is held out once.
    rng : ignored
        The analysis is deterministic (contiguous blocks, leave-one-out penalty).

    Returns
    -------
    ExperimentResult
        Dataset: held-out ``r`` (recording x split: one held-out contiguous block each), the shifted-spikes control
        ``r_shifted``, cross-ensemble ``r_transfer`` (recording), the fitted
        ``filter`` (recording x feature x lag) and a held-out ``observed`` /
        ``predicted`` trace (recording x time).

    References
    ----------
    .. [1] Wu, M. C.-K., David, S. V. & Gallant, J. L. (2006). Complete functional
       characterization of sensory neurons by system identification. Annu. Rev. Neurosci.
       29, 477-505.
    .. [2] Yamins, D. L. K. et al. (2014). Performance-optimized hierarchical models predict
       neural responses in higher visual cortex. PNAS 111, 8619-8624.
    .. [3] Rokem, A., Trumpis, M. & Perez, F. (2009). Nitime: time-series analysis for
       neuroimaging data. Proc. 8th Python in Science Conference (the recordings).
    """
    bin_s = bin_width
    n_lags = max(1, int(round(history / bin_width)))
    from neurocomp.analysis import RidgeMapping, pearson_r

    design = {}
    for number in (1, 2):
        spikes, stimulus = load_locust_recording(number)
        design[number] = _design(stimulus, spikes, bin_s, n_lags, features)
    n_bins = min(y.size for y, _ in design.values())
    r = np.empty((2, n_folds))
    r_shift = np.empty((2, n_folds))
    r_transfer = np.empty(2)
    kinds = ["envelope"] + (["envelope squared"] if features == "envelope+square" else [])
    filters = np.empty((2, len(kinds), n_lags))
    penalty = np.empty(2)
    observed = np.empty((2, n_bins))
    predicted = np.empty((2, n_bins))
    rates = np.empty(2)
    for i, number in enumerate((1, 2)):
        y, X = design[number]
        r[i], pred = _blocked_r(X, y, n_folds)
        r_shift[i], _ = _blocked_r(X, np.roll(y, y.size // 2), n_folds)
        full = RidgeMapping().fit(X, y)
        filters[i] = full.coef_[:, 0].reshape(len(kinds), n_lags) / bin_s  # spikes/s per unit feature
        penalty[i] = full.penalty_[0]
        other_y, other_X = design[2 if number == 1 else 1]
        r_transfer[i] = pearson_r(full.predict(other_X)[:, None], other_y[:, None])[0]
        observed[i], predicted[i] = y[:n_bins] / bin_s, pred[:n_bins] / bin_s
        rates[i] = y.sum() / (y.size * bin_s)
    time = (np.arange(n_bins) + 0.5) * bin_s
    lags = np.arange(n_lags) * bin_s  # in s (SI), like every time coordinate
    coords = {"recording": [1, 2], "cutoff_hz": ("recording", [CUTOFF_HZ[1], CUTOFF_HZ[2]]),
              "split": np.arange(n_folds), "feature": kinds, "lag": ("lag", lags, {"units": "s", "long_name": "stimulus lag"}),
              "time": ("time", time, {"units": "s"})}

    def var(values, dims, units, long_name):
        return xr.DataArray(values, dims=dims, attrs={"units": units, "long_name": long_name})

    ds = xr.Dataset(
        {
            "r": var(r, ("recording", "split"), "1", "held-out Pearson r (contiguous block)"),
            "r_shifted": var(r_shift, ("recording", "split"), "1", "held-out r, spikes shifted by half the recording"),
            "r_transfer": var(r_transfer, ("recording",), "1", "r on the other stimulus ensemble"),
            "filter": var(filters, ("recording", "feature", "lag"), "Hz", "encoding filter (rate per unit feature)"),
            "penalty": var(penalty, ("recording",), "1", "ridge penalty (leave-one-out)"),
            "observed": var(observed, ("recording", "time"), "Hz", "observed spike rate"),
            "predicted": var(predicted, ("recording", "time"), "Hz", "held-out predicted rate"),
            "mean_rate": var(rates, ("recording",), "Hz", "mean firing rate"),
        },
        coords=coords,
        attrs={"data": "nitime grasshopper_spike_times{1,2}.txt / grasshopper_stimulus{1,2}.txt",
               "mapping": "ridge, per-target penalty by leave-one-out CV", "cv": f"{n_folds} contiguous blocks"},
    )
    figures = {"prediction": _figure_prediction(ds), "filters": _figure_filters(ds)}
    summary = {}
    for i, number in enumerate((1, 2)):
        summary[f"r_recording{number}"] = float(r[i].mean())
        summary[f"r_recording{number}_sem"] = float(r[i].std(ddof=1) / np.sqrt(n_folds))
    summary["r_shifted_control"] = float(r_shift.mean())
    table = pd.DataFrame({
        "recording": [1, 2],
        "envelope cut-off [Hz]": [CUTOFF_HZ[1], CUTOFF_HZ[2]],
        "rate [Hz]": rates,
        "held-out r": r.mean(axis=1),
        "sem": r.std(axis=1, ddof=1) / np.sqrt(n_folds),
        "shifted control r": r_shift.mean(axis=1),
        "r on other ensemble": r_transfer,
    })
    return ExperimentResult(dataset=ds, figures=figures, summary=summary, table=table)


def _figure_prediction(ds):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(7.5, 5.2), layout="constrained", sharex=True)
    window = ds["time"].values < 0.3  # 150 bins: individual spikes stay visible
    for ax, rec in zip(axes, ds["recording"].values):
        sel = ds.sel(recording=rec)
        t = sel["time"].values[window]
        observed = sel["observed"].values[window]
        predicted = sel["predicted"].values[window]
        # A rate cannot be negative: the linear model's negative predictions are drawn at 0 (their
        # share is in the legend); the observed spikes are events, drawn as ticks, not a 0/500 Hz line.
        negative = float(np.mean(predicted < 0))
        top = 1.1 * max(float(predicted.max()), 1.0)
        ax.plot(t, np.maximum(predicted, 0.0), color="C3", lw=1.0,
                label=f"predicted rate, held out (r = {float(sel['r'].mean()):.2f}; "
                      f"{negative:.0%} of bins < 0, drawn at 0)")
        ax.vlines(t[observed > 0], top, 1.12 * top, color="k", lw=0.9, label="observed spikes")
        ax.set_ylim(0, 1.3 * top)
        ax.set_ylabel("firing rate [Hz]")
        ax.legend(loc="upper left", fontsize=7, frameon=False, ncol=2, bbox_to_anchor=(0.0, 1.0))
        ax.set_title(f"recording {rec}: envelope cut-off {float(sel['cutoff_hz']):.0f} Hz (first 0.3 s, held out)",
                     fontsize=9)
    axes[-1].set_xlabel("time [s]")
    return fig


def _figure_filters(ds):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ds.sizes["feature"], figsize=(4.0 * ds.sizes["feature"], 3.2), layout="constrained",
                             squeeze=False)
    for ax, feature in zip(axes[0], ds["feature"].values):
        for i, rec in enumerate(ds["recording"].values):
            ax.plot(ds["lag"].values * 1e3, ds["filter"].sel(recording=rec, feature=feature).values, "o-", ms=3,
                    color=f"C{i}", label=f"recording {rec} ({float(ds['cutoff_hz'].sel(recording=rec)):.0f} Hz)")
        ax.axhline(0, color="0.6", lw=0.7)
        ax.set_xlabel("stimulus lag [ms]")
        ax.set_ylabel("filter weight [Hz per unit]")
        ax.set_title(f"{feature} filter", fontsize=9)
    axes[0][0].legend(fontsize=8, frameon=False)
    return fig
