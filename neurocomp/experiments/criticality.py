"""Criticality experiments: avalanches of a critical branching process, subsampling, dynamic range.

* ``critical_branching`` — avalanche sizes and durations at m = 1 follow s^(−3/2) and
  T^(−2) with the crackling-noise relation, a subcritical process has a cut-off, and
  independent (Poisson) activity gives no power law (Beggs & Plenz 2003; Clauset et
  al. 2009; Friedman et al. 2012).
* ``subsampling_branching_ratio`` — observing 100, 10 or 1 of 10⁴ units biases the
  conventional estimate of m far below the truth; multistep regression recovers it
  (Wilting & Priesemann 2018, Fig. 1).
* ``dynamic_range`` — the dynamic range of an excitable network peaks at σ = 1
  (Kinouchi & Copelli 2006).
"""

from __future__ import annotations

import warnings
from typing import Annotated

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from neurocomp import criticality as cr
from neurocomp._validation import NeurocompWarning
from neurocomp.experiments._registry import ExperimentResult, Range, experiment
from neurocomp.plotting import criticality as cplot
from neurocomp.random import spawn


def _fig(ncols=1, width=4.6):
    return plt.subplots(1, ncols, figsize=(width * ncols, 3.9), layout="constrained")


def _poisson_avalanches(n_units, rate_per_step, n_steps, g):
    """Avalanches of independent units (no interaction): the control without criticality."""
    counts = g.poisson(n_units * rate_per_step, n_steps)
    return cr.avalanches(counts, dt=1.0)


@experiment("critical_branching")
def critical_branching(
    *,
    n_avalanches: Annotated[int, Range(1000, 5_000_000)] = 100_000,
    subcritical_m: Annotated[float, Range(0.0, 0.999)] = 0.9,
    max_size: Annotated[int, Range(100, 10_000_000)] = 100_000,
    n_bootstrap: Annotated[int, Range(0, 1000)] = 0,
    rng=None,
) -> ExperimentResult:
    """Avalanche exponents of a critical branching process, with controls.

    Parameters
    ----------
    n_avalanches : int
        Avalanches, each started by one active unit (Galton–Watson, Poisson(m) offspring).
    subcritical_m : float
        Branching ratio of the subcritical comparison.
    max_size : int
        Avalanches are cut at this size (the cut ones are left out of the fits).
    n_bootstrap : int
        Goodness-of-fit bootstrap resamples for the size fit (0: skip; slow).
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset of sizes and durations per condition. Summary: ``size_exponent``,
        ``duration_exponent`` (with SEs and x_min), ``gamma_fit`` and
        ``gamma_predicted`` (crackling noise), and likelihood-ratio tests of the
        power law against log-normal and exponential tails for the critical,
        subcritical and Poisson data.

    References
    ----------
    Clauset, A., Shalizi, C. R. & Newman, M. E. J. (2009). SIAM Rev. 51, 661–703.
    Friedman, N. et al. (2012). Phys. Rev. Lett. 108, 208102.
    """
    r_crit, r_sub, r_pois, r_boot = spawn(rng, 4)
    crit = cr.galton_watson_avalanches(m=1.0, n_avalanches=n_avalanches, max_size=max_size, rng=r_crit)
    sub = cr.galton_watson_avalanches(m=subcritical_m, n_avalanches=n_avalanches, max_size=max_size, rng=r_sub)
    crit = crit.isel(avalanche=~crit.truncated.values)
    pois = _poisson_avalanches(1000, 1e-3, 20 * n_avalanches, np.random.default_rng(r_pois.integers(2**32)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NeurocompWarning)
        fs = cr.fit_power_law(crit["size"].values, n_bootstrap=n_bootstrap, rng=r_boot)
        fd = cr.fit_power_law(crit["duration"].values)
        crack = cr.crackling_noise(crit, min_duration=5, max_duration=500)
        tests = {}
        for label, data in (("critical", crit["size"].values), ("subcritical", sub["size"].values),
                            ("poisson", pois["size"].values)):
            # The whole distribution (x_min = 1): is it a power law at all?
            f = cr.fit_power_law(data, xmin=1)
            for alt in ("lognormal", "exponential"):
                t = cr.compare_tails(data, f, alternative=alt)
                tests[(label, alt)] = (float(t.log_likelihood_ratio), float(t.p_value), float(f.alpha), int(f.xmin))
    summary = {
        "size_exponent": float(fs.alpha), "size_exponent_se": float(fs.alpha_se), "size_xmin": int(fs.xmin),
        "duration_exponent": float(fd.alpha), "duration_exponent_se": float(fd.alpha_se),
        "duration_xmin": int(fd.xmin),
        "gamma_fit": float(crack.gamma_fit), "gamma_predicted": float(crack.gamma_predicted),
    }
    if n_bootstrap:
        summary["size_gof_p_value"] = float(fs.p_value)
    for (label, alt), (R, p, a, xm) in tests.items():
        summary[f"{label}_vs_{alt}_R"] = R
        summary[f"{label}_vs_{alt}_p"] = p
    table = pd.DataFrame([{"data": k[0], "alternative": k[1], "alpha": v[2], "xmin": v[3], "loglik_ratio_R": v[0],
                           "p_value": v[1],
                           "verdict": ("power law favoured" if v[0] > 0 else "alternative favoured")
                           if v[1] < 0.05 else "undecided"} for k, v in tests.items()])
    ds = xr.Dataset({
        "critical_size": ("avalanche", crit["size"].values, {"units": "1", "long_name": "avalanche size, m = 1"}),
        "critical_duration": ("avalanche", crit["duration"].values,
                              {"units": "1", "long_name": "avalanche duration (steps), m = 1"}),
    })
    fig1, (a1, a2, a3) = _fig(3, 4.2)
    cplot.plot_distribution(crit["size"].values, fit=fs, ax=a1, label="m = 1")
    cplot.plot_distribution(sub["size"].values, ax=a1, label=f"m = {subcritical_m:g}", color="C1")
    cplot.plot_distribution(pois["size"].values, ax=a1, label="independent units", color="C2")
    a1.set_xlabel("avalanche size (activations)")
    cplot.plot_distribution(crit["duration"].values, fit=fd, ax=a2, label="m = 1")
    a2.set_xlabel("avalanche duration (steps)")
    cplot.plot_mean_size(crit, gamma_fit=float(crack.gamma_fit), gamma_predicted=float(crack.gamma_predicted), ax=a3)
    return ExperimentResult(dataset=ds, figures={"avalanches": fig1}, summary=summary, table=table)


@experiment("subsampling_branching_ratio")
def subsampling_branching_ratio(
    *,
    m: Annotated[float, Range(0.0, 0.9999)] = 0.99,
    n_units: Annotated[int, Range(100, 10_000_000)] = 10_000,
    drive: Annotated[float, Range(0.0, 0.1, low_open=True)] = 1e-4,
    n_steps: Annotated[int, Range(1000, 10_000_000)] = 100_000,
    n_trials: Annotated[int, Range(1, 1000)] = 10,
    observed: Annotated[list[int], Range(1, 10_000_000)] = [10_000, 100, 10, 1],  # noqa: B006
    max_lag: Annotated[int, Range(2, 10_000)] = 100,
    n_bootstrap: Annotated[int, Range(0, 1000)] = 50,
    rng=None,
) -> ExperimentResult:
    """The conventional estimator of m fails under subsampling; multistep regression does not.

    Parameters
    ----------
    m : float
        True branching ratio.
    n_units : int
        N units in the network.
    drive : float
        Spontaneous activation probability per unit and step.
    n_steps, n_trials : int
        Recording length (steps of 4 ms) and trials.
    observed : list of int
        Numbers of observed units.
    max_lag : int
        Longest lag of the MR fit, in steps.
    n_bootstrap : int
        Resamples of trials for the intervals.
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset: ``m_conventional``, ``m_mr`` (with intervals) and ``slopes`` r_k
        (n_observed, lag). Summary: ``m_true``, ``n_observed``, ``m_conventional``,
        ``m_mr`` (lists, one entry per subsample size), and the timescales.

    References
    ----------
    Wilting, J. & Priesemann, V. (2018). Nat. Commun. 9, 2325, Fig. 1.
    """
    r_sim, r_sub, r_boot = spawn(rng, 3)
    act = cr.branching_process(m=m, n_units=n_units, drive=drive, n_steps=n_steps, n_trials=n_trials, rng=r_sim)
    rows = []
    slopes = []
    for n, rs in zip(observed, r_sub.spawn(len(observed))):
        a = cr.subsample(act, min(n, n_units), rng=rs)
        conv = cr.branching_ratio(a, method="conventional", n_bootstrap=n_bootstrap, rng=r_boot)
        mr = cr.branching_ratio(a, method="mr", max_lag=max_lag, n_bootstrap=n_bootstrap, rng=r_boot)
        rows.append({"n_observed": int(n), "m_conventional": float(conv.m), "conventional_low": float(conv.m_low),
                     "conventional_high": float(conv.m_high), "m_mr": float(mr.m), "mr_low": float(mr.m_low),
                     "mr_high": float(mr.m_high), "tau_mr_s": float(mr.timescale)})
        slopes.append(mr.slopes.values)
    table = pd.DataFrame(rows)
    lag = mr.slopes["lag"]
    ds = xr.Dataset(
        {k: ("n_observed", table[k].values, {"units": "s" if k.startswith("tau") else "1", "long_name": k.replace("_", " ")})
         for k in table.columns if k != "n_observed"},
        coords={"n_observed": ("n_observed", table.n_observed.values, {"units": "1", "long_name": "observed units"}),
                "lag": lag},
    )
    ds["slopes"] = (("n_observed", "lag"), np.array(slopes), {"units": "1", "long_name": "regression slope of a(t + k) on a(t)"})
    fig, (a1, a2) = _fig(2)
    cplot.plot_lag_slopes(ds.slopes, ax=a1)
    cplot.plot_subsampling(table, m_true=m, ax=a2)
    summary = {"m_true": m, "n_observed": table.n_observed.tolist(), "m_conventional": table.m_conventional.tolist(),
               "m_mr": table.m_mr.tolist(), "tau_true_s": float(-4e-3 / np.log(m)), "tau_mr_s": table.tau_mr_s.tolist()}
    return ExperimentResult(dataset=ds, figures={"branching_ratio": fig}, summary=summary, table=table)


@experiment("dynamic_range")
def dynamic_range(
    *,
    branching_ratios: Annotated[list[float], Range(0.0, 3.0)] = [0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.7],  # noqa: B006
    n_units: Annotated[int, Range(100, 200_000)] = 2000,
    n_neighbours: Annotated[int, Range(1, 100)] = 10,
    n_steps: Annotated[int, Range(200, 100_000)] = 1500,
    rng=None,
) -> ExperimentResult:
    """Dynamic range of an excitable network across its branching ratio (Kinouchi & Copelli 2006).

    Parameters
    ----------
    branching_ratios : list of float
        Branching ratios σ (mean excitations caused by one excited unit).
    n_units, n_neighbours : int
        Network size and in-degree K.
    n_steps : int
        Steps (1 ms) per response measurement (the first fifth discarded).
    rng : None, int or Generator

    Returns
    -------
    ExperimentResult
        Dataset from :func:`neurocomp.criticality.dynamic_range`. Summary: the σ of
        the largest dynamic range and the range at σ = 1 vs the smallest and largest σ.

    References
    ----------
    Kinouchi, O. & Copelli, M. (2006). Nat. Phys. 2, 348–351.
    """
    ds = cr.dynamic_range(branching_ratios=branching_ratios, n_units=n_units, n_neighbours=n_neighbours, n_steps=n_steps,
                          n_discard=n_steps // 5, rng=rng)
    fig, (a1, a2) = _fig(2)
    cplot.plot_response_curves(ds, ax=a1)
    cplot.plot_dynamic_range(ds, ax=a2)
    dr = ds.dynamic_range
    summary = {"branching_ratio_of_max_dynamic_range": float(dr.branching_ratio[int(np.argmax(dr.values))]),
               "max_dynamic_range_db": float(dr.max()),
               "dynamic_range_db": dict(zip([f"{s:g}" for s in ds.branching_ratio.values], dr.values.round(2).tolist()))}
    return ExperimentResult(dataset=ds, figures={"dynamic_range": fig}, summary=summary)
