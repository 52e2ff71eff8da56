"""Diffusion experiments: Einstein's MSD, subdiffusion, Lévy walks, bacteria, Fick, exponent recovery.

* ``brownian_einstein`` — Einstein (1905): MSD = 2 d D t in 1, 2 and 3 dimensions.
* ``ctrw_subdiffusion`` — continuous-time random walk (Metzler & Klafter 2000):
  ensemble MSD ∝ t^α while each time-averaged MSD is linear and scattered
  (weak ergodicity breaking).
* ``levy_walk`` — superdiffusion MSD ∝ t^α (1 < α < 2) of constant-speed flights,
  beside a Lévy flight and Brownian motion.
* ``run_and_tumble`` — E. coli-like swimmers (Berg & Brown 1972; Purcell 1977):
  D_eff = v² τ / (d (1 − ⟨cos θ⟩)) (Lovely & Dahlquist 1975), and chemotactic drift.
* ``diffusion_equation`` — Fick's law solved by explicit and Crank–Nicolson schemes,
  against the Gaussian and a histogram of walkers.
* ``anomalous_exponent`` — α recovered vs true for the five AnDi models
  (Muñoz-Gil et al. 2021) by ``estimate_alpha`` and by the naive TAMSD fit.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from neurocomp import diffusion as nd
from neurocomp._validation import ValidationError, check_option
from neurocomp.experiments._registry import ExperimentResult, Length, Range, experiment
from neurocomp.plotting import diffusion as dplot
from neurocomp.random import spawn

UM = 1e6  # metres -> micrometres for axes

#: Most time steps a walk or a PDE solver is asked to take (about a minute of work at most sizes).
MAX_TIME_STEPS = 10_000_000


def _check_steps(name: str, n_steps: float) -> None:
    """Refuse a duration / step combination that would run for hours (called by the memory estimates)."""
    if n_steps > MAX_TIME_STEPS:
        raise ValidationError(f"{name} gives {n_steps:.3g} time steps; at most {MAX_TIME_STEPS:.0e} are allowed "
                              "(a longer step or a shorter duration)")


def _fig(ncols=1, width=5.0):
    return plt.subplots(1, ncols, figsize=(width * ncols, 3.8), layout="constrained")


@experiment("brownian_einstein",
            memory=lambda *, n_walkers, n_steps, dims, **_: 8 * 3 * n_walkers * (n_steps + 1) * max(dims))
def brownian_einstein(
    *,
    n_walkers: Annotated[int, Range(10, 1_000_000)] = 10_000,
    n_steps: Annotated[int, Range(2, 100_000)] = 200,
    D: Annotated[float, Range(0, 1, low_open=True)] = 1e-12,
    dt: Annotated[float, Range(0, 1e6, low_open=True)] = 0.01,
    dims: Annotated[list[Annotated[int, Range(1, 3)]], Length(1, 3, unique=True)] = [1, 2, 3],  # noqa: B006 - TOML-settable default
    rng=None,
) -> ExperimentResult:
    """Ensemble MSD of Brownian walkers in 1–3 D against Einstein's 2 d D t.

    D in m²/s (default 1 µm²/s, a small protein in cytoplasm), dt in s. The
    slope is the least-squares line through the origin; its relative standard
    error is √(1.5/(d N)).

    Parameters
    ----------
    n_walkers : int
        Independent walkers per dimension.
    n_steps : int
        Steps of ``dt`` per walker.
    D : float
        Diffusion coefficient in m²/s.
    dt : float
        Time step in s.
    dims : list of int
        Spatial dimensions to simulate (each of 1, 2, 3).
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with ``msd`` and ``msd_theory`` (dimension x time, m²) and
        ``D_estimate`` (dimension, m²/s); figure ``msd``; a table of the fitted
        slopes beside 2 d D with their standard errors.

    References
    ----------
    Einstein A (1905) Über die von der molekularkinetischen Theorie der Wärme
    geforderte Bewegung von in ruhenden Flüssigkeiten suspendierten Teilchen.
    Ann Phys 17:549-560.
    """
    for d in dims:
        if d not in (1, 2, 3):
            raise ValueError(f"dims must hold values among 1, 2, 3; got {dims}")
    rngs = spawn(rng, len(dims) + 1)
    rows, msds, trajs = [], [], {}
    for d, r in zip(dims, rngs):
        tr = nd.brownian(n_walkers, n_steps, D=D, dt=dt, d=d, rng=r)
        msd = nd.ensemble_msd(tr)
        t = msd["time"].values
        slope = float(np.sum(t * msd.values) / np.sum(t * t))
        rows.append({"d": d, "slope [m^2/s]": slope, "2dD [m^2/s]": 2 * d * D,
                     "D estimate [m^2/s]": slope / (2 * d), "relative error": slope / (2 * d * D) - 1,
                     "standard error": math.sqrt(1.5 / (d * n_walkers))})
        msds.append(msd.assign_coords(dimension=d))
        trajs[d] = tr
    msd_all = xr.concat(msds, dim="dimension")
    t = msd_all["time"].values
    theory = xr.DataArray(2 * np.outer(dims, D * t), dims=("dimension", "time"), coords={"dimension": dims, "time": msd_all["time"]},
                          attrs={"units": "m^2", "long_name": "Einstein 2 d D t"})
    table = pd.DataFrame(rows)
    ds = xr.Dataset({"msd": msd_all, "msd_theory": theory,
                     "D_estimate": ("dimension", table["D estimate [m^2/s]"].values, {"units": "m^2/s", "long_name": "estimated D"})},
                    attrs={"D": D, "dt": dt, "n_walkers": n_walkers})
    fig, (a1, a2) = _fig(2)
    for d, m in zip(dims, msds):
        dplot.plot_msd(m * UM ** 2, ax=a1, theory=2 * d * D * t * UM ** 2, label=f"d = {d}", loglog=False)
    a1.set_ylabel("ensemble MSD [µm²]")
    a1.set_title("Einstein (1905): MSD = 2 d D t (dashed)")
    d_show = 2 if 2 in trajs else dims[0]
    dplot.plot_trajectories(trajs[d_show], ax=a2, n=5, scale=UM, unit="µm")
    a2.set_title(f"five Brownian paths, D = {D * 1e12:g} µm²/s, {n_steps * dt:g} s")
    summary = {f"D_estimate_{r['d']}d": r["D estimate [m^2/s]"] for r in rows}
    summary.update({f"relative_error_{r['d']}d": r["relative error"] for r in rows})
    summary["max_abs_relative_error"] = float(np.max(np.abs(table["relative error"])))
    return ExperimentResult(dataset=ds, figures={"msd": fig}, summary=summary, table=table)


@experiment("ctrw_subdiffusion", memory=lambda *, n_walkers, n_steps, **_: 8 * 4 * n_walkers * (n_steps + 1))
def ctrw_subdiffusion(
    *,
    alpha: Annotated[float, Range(0, 1, low_open=True)] = 0.5,
    waiting: Literal["mittag-leffler", "pareto", "exponential"] = "mittag-leffler",
    n_walkers: Annotated[int, Range(10, 1_000_000)] = 2000,
    n_steps: Annotated[int, Range(10, 100_000)] = 1000,
    max_lag: Annotated[int, Range(1, 100_000)] = 100,
    rng=None,
) -> ExperimentResult:
    """Subdiffusive CTRW: ensemble MSD ∝ t^α, time-averaged MSDs linear and scattered.

    Times in units of the waiting-time scale t0 = 1 s, jumps of 1 m per dimension
    (dimensionless units). The ergodicity-breaking parameter is compared with its
    long-time limit 2Γ(1+α)²/Γ(1+2α) − 1 (He et al. 2008).

    Parameters
    ----------
    alpha : float
        Anomalous exponent in (0, 1].
    waiting : {"mittag-leffler", "pareto", "exponential"}
        Waiting-time law ("exponential" gives normal, ergodic diffusion).
    n_walkers, n_steps : int
        Walkers, and observation steps of 1 s each.
    max_lag : int
        Longest lag (in steps) of the time-averaged MSDs.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the ensemble MSD against theory and each walker's
        time-averaged MSD (walker x lag); the ergodicity-breaking parameter in
        the summary.

    References
    ----------
    Metzler R, Klafter J (2000) The random walk's guide to anomalous diffusion.
    Phys Rep 339:1-77. He Y, Burov S, Metzler R, Barkai E (2008) Random
    time-scale invariant diffusion and transport coefficients. Phys Rev Lett 101:058101.
    """
    tr = nd.ctrw(n_walkers, n_steps, alpha=alpha, waiting=waiting, rng=rng)
    ens = nd.ensemble_msd(tr)
    tam = nd.time_averaged_msd(tr, max_lag=min(max_lag, n_steps - 1))
    fit_e = nd.fit_msd(ens, t_range=(1, n_steps))
    fit_t = nd.fit_msd(tam, t_range=(1, tam["lag"].values[-1]), rng=0)
    eb = nd.ergodicity_breaking(tr, lags=[1, 10])
    a_true = tr.attrs["alpha"]
    eb_inf = 2 * math.gamma(1 + a_true) ** 2 / math.gamma(1 + 2 * a_true) - 1
    t = ens["time"].values
    theory = t ** a_true / math.gamma(1 + a_true) if waiting == "mittag-leffler" else None
    fig, (a1, a2) = _fig(2)
    dplot.plot_msd(ens, ax=a1, theory=theory, label=f"ensemble MSD, slope {fit_e.alpha:.2f}", color="C0")
    dplot.plot_msd(tam, ax=a1, individual=30, label=f"mean TAMSD, slope {fit_t.alpha:.2f}", color="C3")
    # the walk has jumps of 1 (per dimension) and waiting-time scale t0 = 1: dimensionless units
    a1.set_xlabel("time or lag / $t_0$")
    a1.set_ylabel("MSD / (jump length)²")
    a1.set_title(f"CTRW, α = {a_true:g}: ensemble ≠ time average")
    dplot.plot_trajectories(tr, ax=a2, n=4)
    a2.set_xlabel("time / $t_0$")
    a2.set_ylabel("position x / jump length")
    a2.set_title("trapped for long, power-law waits")
    ds = xr.Dataset({"ensemble_msd": ens, "tamsd": tam.isel(walker=slice(0, 200)), "eb": eb},
                    attrs={"alpha": a_true, "waiting": waiting})
    summary = {"alpha_true": a_true, "alpha_ensemble": float(fit_e.alpha), "alpha_tamsd": float(fit_t.alpha),
               "eb_lag1": float(eb.values[0]), "eb_long_time_limit": eb_inf}
    table = pd.DataFrame([{"quantity": "ensemble MSD exponent", "simulated": float(fit_e.alpha), "theory": a_true},
                          {"quantity": "mean TAMSD exponent", "simulated": float(fit_t.alpha), "theory": 1.0},
                          {"quantity": "EB at lag 1", "simulated": float(eb.values[0]), "theory": eb_inf}])
    return ExperimentResult(dataset=ds, figures={"msd": fig}, summary=summary, table=table)


@experiment("levy_walk", memory=lambda *, n_walkers, n_steps, **_: 8 * 6 * n_walkers * (n_steps + 1))
def levy_walk_experiment(
    *,
    alpha: Annotated[float, Range(1, 2, low_open=True)] = 1.5,
    n_walkers: Annotated[int, Range(10, 1_000_000)] = 1000,
    n_steps: Annotated[int, Range(10, 1_000_000)] = 10_000,
    rng=None,
) -> ExperimentResult:
    """Lévy walk superdiffusion: MSD ∝ t^α with α = 3 − σ, beside Brownian motion and a Lévy flight.

    Speed 1 m/s, minimal flight time 1 s, recorded at log-spaced times; the
    exponent is fitted over the last decade of times (it converges slowly).

    Parameters
    ----------
    alpha : float
        MSD exponent in (1, 2]; flight times have tail exponent 3 - alpha.
    n_walkers, n_steps : int
        Walkers, and observation steps of 1 s each.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the ensemble MSD over time (m²) and the fitted exponent;
        figures of the MSD and of example paths.

    References
    ----------
    Zumofen G, Klafter J (1993) Scale-invariant motion in intermittent chaotic
    systems. Phys Rev E 47:851-863.
    """
    r1, r2, r3, r4 = spawn(rng, 4)
    steps = nd.log_steps(n_steps, 40)
    lw = nd.levy_walk(n_walkers, n_steps, alpha=alpha, d=2, record_steps=steps, rng=r1)
    bm = nd.brownian(n_walkers, n_steps, D=0.5, d=2, record_steps=steps, rng=r2)
    msd_lw, msd_bm = nd.ensemble_msd(lw), nd.ensemble_msd(bm)
    # fit the per-walker squared displacements so that the interval is a bootstrap over walkers:
    # the least-squares interval of the ensemble curve ignores the (heavy-tailed) walker sampling
    # noise and was 2-3x too narrow (a 200-walker run's [1.36, 1.48] excluded the true 1.49)
    r2_walker = ((lw - lw.isel(time=0)) ** 2).sum("space").rename(time="lag")
    fit = nd.fit_msd(r2_walker, d=2, t_range=(n_steps / 10, n_steps), rng=r4)
    t = msd_lw["time"].values
    fig, (a1, a2) = _fig(2)
    dplot.plot_msd(msd_lw, ax=a1, label=f"Lévy walk, fitted α = {fit.alpha:.2f}")
    dplot.plot_msd(msd_bm, ax=a1, label="Brownian, α = 1")
    ref = msd_lw.values[-1] * (t / t[-1]) ** alpha
    a1.plot(t[t > 0], ref[t > 0], "k--", lw=1, label=f"t^{alpha:g}")
    a1.plot(t[t > 0], t[t > 0] ** 2, ":", color="0.5", lw=1, label="ballistic (v t)²")
    a1.legend(frameon=False, fontsize="small")
    a1.set_title("superdiffusion of Lévy walks")
    n_show = 300
    lw_path = nd.levy_walk(1, n_show, alpha=alpha, d=2, rng=r3)
    lf_path = nd.levy_flight(1, n_show, mu=alpha, d=2, rng=r3)
    bm_path = nd.brownian(1, n_show, D=0.5, d=2, rng=r3)
    for tr, lab in ((bm_path, "Brownian"), (lw_path, "Lévy walk"), (lf_path, f"Lévy flight, μ = {alpha:g}")):
        a2.plot(tr.values[0, :, 0], tr.values[0, :, 1], lw=0.8, label=lab)
    a2.set_xlabel("x [m]")
    a2.set_ylabel("y [m]")
    a2.set_aspect("equal", adjustable="datalim")
    a2.legend(frameon=False, fontsize="small")
    a2.set_title(f"{n_show} s of each")
    ds = xr.Dataset({"msd_levy_walk": msd_lw, "msd_brownian": msd_bm}, attrs={"alpha": alpha})
    summary = {"alpha_true": alpha, "alpha_fit": float(fit.alpha), "alpha_ci_low": float(fit.alpha_low),
               "alpha_ci_high": float(fit.alpha_high)}
    return ExperimentResult(dataset=ds, figures={"msd": fig}, summary=summary)


def _run_and_tumble_memory(*, n_walkers, duration, dt, d, **_):
    _check_steps("duration / dt", duration / dt)
    return 8 * 8 * n_walkers * d * 200  # positions, headings and gradients at ~70 recorded steps, 2 runs


@experiment("run_and_tumble", memory=_run_and_tumble_memory)
def run_and_tumble_experiment(
    *,
    speed: Annotated[float, Range(0, 1, low_open=True)] = 20e-6,
    tumble_rate: Annotated[float, Range(0, 1e4, low_open=True)] = 1.0,
    turn_angle: Annotated[float, Range(0, 180)] = 68.0,
    bias: Annotated[float, Range(0, 1, high_open=True)] = 0.3,
    d: Literal[2, 3] = 3,
    n_walkers: Annotated[int, Range(10, 100_000)] = 2000,
    duration: Annotated[float, Range(0, 1e5, low_open=True)] = 30.0,
    dt: Annotated[float, Range(0, 1e3, low_open=True)] = 0.02,
    body_length: Annotated[float, Range(0, 1, low_open=True)] = 2e-6,
    attractant_D: Annotated[float, Range(0, 1, low_open=True)] = 1e-9,
    rng=None,
) -> ExperimentResult:
    """Run-and-tumble swimmers: MSD against Lovely & Dahlquist (1975), and chemotactic drift.

    Speed [m/s], tumble rate [1/s], turning angle [degrees] (E. coli: 20 µm/s,
    1/s, 68°; Berg & Brown 1972), time step and duration [s]. ``bias`` lowers the
    tumble rate when swimming up an attractant gradient along x. The summary also
    gives Purcell's (1977) Reynolds number and the Péclet number for an
    attractant of diffusion coefficient ``attractant_D`` [m²/s] over one body length.

    Parameters
    ----------
    speed : float
        Swimming speed in m/s.
    tumble_rate : float
        Tumbles per second (1/s).
    turn_angle : float
        Mean turning angle of a tumble in degrees.
    bias : float in [0, 1)
        Fractional drop of the tumble rate when swimming up the gradient.
    d : {2, 3}
        Spatial dimensions.
    n_walkers : int
        Swimmers.
    duration, dt : float
        Run length and time step in s.
    body_length : float
        Cell length in m (Reynolds and Péclet numbers).
    attractant_D : float
        Diffusion coefficient of the attractant in m²/s.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with the MSD (m²) against the Lovely-Dahlquist theory and the
        chemotactic drift (m); Reynolds and Péclet numbers in the summary.

    References
    ----------
    Berg HC, Brown DA (1972) Chemotaxis in Escherichia coli analysed by
    three-dimensional tracking. Nature 239:500-504. Lovely PS, Dahlquist FW
    (1975) Statistical measures of bacterial motility and chemotaxis. J Theor
    Biol 50:477-496. Purcell EM (1977) Life at low Reynolds number. Am J Phys 45:3-11.
    """
    r1, r2 = spawn(rng, 2)
    n_steps = max(1, round(duration / dt))
    steps = np.unique(np.concatenate([nd.log_steps(n_steps, 40), np.linspace(0, n_steps, 31).astype(int)]))
    free = nd.run_and_tumble(n_walkers, n_steps, speed=speed, tumble_rate=tumble_rate, turn_angle=turn_angle,
                             dt=dt, d=d, record_steps=steps, rng=r1)
    msd = nd.ensemble_msd(free)
    t = msd["time"].values
    mean_cos = math.cos(math.radians(turn_angle))
    d_eff = free.attrs["D_eff"]
    tau_c = 1 / tumble_rate / (1 - mean_cos)
    theory = 2 * d * d_eff * (t - tau_c * (1 - np.exp(-t / tau_c)))
    sim_d_eff = float(msd.values[-1] / (2 * d * (t[-1] - tau_c * (1 - math.exp(-t[-1] / tau_c)))))
    chemo = nd.run_and_tumble(n_walkers, n_steps, speed=speed, tumble_rate=tumble_rate, turn_angle=turn_angle,
                              bias=bias, dt=dt, d=d, record_steps=steps, rng=r2)
    drift = chemo.sel(space="x").mean("walker")
    drift_speed = float(np.polyfit(t[t > t[-1] / 2], drift.values[t > t[-1] / 2], 1)[0])
    fig, (a1, a2, a3) = _fig(3, 4.3)
    dplot.plot_msd(msd * UM ** 2, ax=a1, theory=theory * UM ** 2, label="simulated")
    a1.plot(t[t > 0], (speed * t[t > 0] * UM) ** 2, ":", color="0.5", lw=1, label="ballistic (v t)²")
    a1.legend(frameon=False, fontsize="small")
    a1.set_ylabel("MSD [µm²]")
    a1.set_title("Lovely & Dahlquist (dashed)")
    dplot.plot_trajectories(free, ax=a2, n=4, scale=UM, unit="µm")
    a2.set_title(f"runs and {turn_angle:g}° tumbles")
    a3.plot(t, drift.values * UM, label=f"bias {bias:g}")
    a3.plot(t, free.sel(space="x").mean("walker").values * UM, color="0.5", label="no bias")
    a3.set_xlabel("time [s]")
    a3.set_ylabel("mean x [µm]")
    a3.set_title(f"chemotaxis: drift {drift_speed * UM:.2f} µm/s")
    a3.legend(frameon=False, fontsize="small")
    ds = xr.Dataset({"msd": msd, "msd_theory": ("time", theory, {"units": "m^2", "long_name": "Lovely-Dahlquist MSD"}),
                     "mean_x_biased": drift},
                    attrs={"speed": speed, "tumble_rate": tumble_rate, "turn_angle": turn_angle, "bias": bias})
    summary = {"D_eff_theory": d_eff, "D_eff_simulated": sim_d_eff, "relative_error": sim_d_eff / d_eff - 1,
               "drift_speed": drift_speed, "reynolds_number": nd.reynolds_number(speed, body_length),
               "peclet_number": nd.peclet_number(speed, body_length, attractant_D)}
    return ExperimentResult(dataset=ds, figures={"msd": fig}, summary=summary)


def _diffusion_equation_memory(*, D, length, n_cells, duration, dt_cn, n_walkers, **_):
    _check_steps("duration / dt_cn", duration / dt_cn)
    dx = length / (n_cells - 1)
    _check_steps("the explicit scheme at its stability limit (duration * 2 D / (0.9 dx^2))",
                 duration * 2 * D / (0.9 * dx**2))
    return 8 * (20 * n_cells + 3 * n_walkers) + 8 * n_cells**2 // 100  # states, records, banded solver; walkers


@experiment("diffusion_equation", memory=_diffusion_equation_memory)
def diffusion_equation(
    *,
    D: Annotated[float, Range(0, 1, low_open=True)] = 1e-9,
    length: Annotated[float, Range(0, 10, low_open=True)] = 800e-6,
    n_cells: Annotated[int, Range(11, 100_001)] = 801,
    duration: Annotated[float, Range(0, 1e6, low_open=True)] = 2.0,
    sigma0: Annotated[float, Range(0, 10, low_open=True)] = 10e-6,
    dt_cn: Annotated[float, Range(0, 1e6, low_open=True)] = 0.01,
    n_walkers: Annotated[int, Range(100, 10_000_000)] = 100_000,
    rng=None,
) -> ExperimentResult:
    """Fick's second law from a Gaussian blob: explicit and Crank–Nicolson solvers vs analytic and walkers.

    D [m²/s] (default: a small molecule in water), domain ``length`` [m] on
    ``n_cells`` cells, initial Gaussian of width ``sigma0`` [m] and unit mass,
    ``duration`` [s]. The explicit scheme runs at 90 % of its stability limit.

    Parameters
    ----------
    D : float
        Diffusion coefficient in m²/s.
    length : float
        Domain length in m.
    n_cells : int
        Grid cells (spacing ``length / (n_cells - 1)``).
    duration : float
        Simulated time in s.
    sigma0 : float
        Width (SD) of the initial Gaussian in m.
    dt_cn : float
        Crank-Nicolson time step in s.
    n_walkers : int
        Brownian walkers whose histogram is compared.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset with ``crank_nicolson`` (time x x), ``analytic`` and
        ``explicit_final`` (x) concentrations in 1/m; the maximum errors in the
        summary.

    References
    ----------
    Crank J, Nicolson P (1947) A practical method for numerical evaluation of
    solutions of partial differential equations of the heat-conduction type.
    Proc Camb Phil Soc 43:50-67.
    """
    dx = length / n_cells
    x = (np.arange(n_cells) - (n_cells - 1) / 2) * dx
    t0 = sigma0 ** 2 / (2 * D)  # a point source has this width after t0
    c0 = nd.gaussian_solution(x, t0, D=D).values
    dt_max = dx * dx / (2 * D)
    n_cn = max(1, round(duration / dt_cn))
    n_ex = max(1, math.ceil(duration / (0.9 * dt_max)))
    cn = nd.solve_diffusion(c0, D=D, dx=dx, dt=duration / n_cn, n_steps=n_cn, record_every=max(1, n_cn // 4))
    ex = nd.solve_diffusion(c0, D=D, dx=dx, dt=duration / n_ex, n_steps=n_ex, method="explicit",
                            record_every=n_ex)
    exact = nd.gaussian_solution(x, t0 + duration, D=D).values
    walkers = nd.brownian(n_walkers, 1, D=D, dt=t0 + duration, rng=rng).isel(time=-1).values[:, 0]
    edges = np.concatenate([x - dx / 2, [x[-1] + dx / 2]])
    coarse = 8  # histogram on coarser bins for a readable comparison
    hist, hedges = np.histogram(walkers, bins=edges[::coarse])
    hist = hist / (n_walkers * np.diff(hedges))
    hx = 0.5 * (hedges[1:] + hedges[:-1])
    peak = exact.max()
    err_cn = float(np.abs(cn.values[-1] - exact).max() / peak)
    err_ex = float(np.abs(ex.values[-1] - exact).max() / peak)
    c_at_h = np.interp(hx, x, exact)
    se = np.sqrt(c_at_h / (n_walkers * np.diff(hedges)))
    z_walkers = float(np.max(np.abs(hist - c_at_h) / np.maximum(se, 1e-300)))
    fig, (a1, a2) = _fig(2)
    dplot.plot_profiles(cn * 1e-6, ax=a1, scale=UM, unit="µm")
    # walkers as open circles under the analytic curve, which is drawn last and on top
    a1.plot(hx * UM, hist * 1e-6, "o", ms=4, mfc="none", mec="0.45", mew=0.8, zorder=3,
            label=f"{n_walkers} walkers at t = {duration:g} s")
    a1.plot(x * UM, exact * 1e-6, "k--", lw=1.2, zorder=4, label=f"analytic at t = {duration:g} s")
    a1.set_ylabel("concentration [1/µm]")
    a1.legend(frameon=False, fontsize="small")
    a1.set_title("Crank–Nicolson, Gaussian and walkers")
    a2.plot(x * UM, (cn.values[-1] - exact) / peak, label=f"Crank–Nicolson, dt = {duration / n_cn:g} s")
    a2.plot(x * UM, (ex.values[-1] - exact) / peak, label=f"explicit, dt = {duration / n_ex:.3g} s")
    a2.set_xlabel("x [µm]")
    a2.set_ylabel("(numerical − analytic) / peak")
    a2.set_title(f"error at t = {duration:g} s")
    a2.legend(frameon=False, fontsize="small")
    ds = xr.Dataset({"crank_nicolson": cn, "analytic": ("x", exact, {"units": "1/m", "long_name": "Gaussian solution"}),
                     "explicit_final": ("x", ex.values[-1], {"units": "1/m", "long_name": "explicit scheme"})},
                    coords={"x": cn["x"]}, attrs={"D": D, "dx": dx})
    summary = {"max_error_crank_nicolson": err_cn, "max_error_explicit": err_ex, "explicit_dt_max": dt_max,
               "walkers_max_z": z_walkers, "mass_final": float(cn.values[-1].sum() * dx)}
    return ExperimentResult(dataset=ds, figures={"profiles": fig}, summary=summary)


@experiment("anomalous_exponent", memory=lambda *, n_walkers, n_steps, d, **_: 8 * 8 * n_walkers * (n_steps + 1) * d)
def anomalous_exponent(
    *,
    models: Annotated[list[str], Length(1, 5, unique=True)] = ["attm", "ctrw", "fbm", "lw", "sbm"],  # noqa: B006
    alphas: Annotated[list[float], Range(0, 2, low_open=True)] = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8],  # noqa: B006
    n_walkers: Annotated[int, Range(2, 100_000)] = 100,
    n_steps: Annotated[int, Range(20, 100_000)] = 400,
    noise: Annotated[float, Range(0, 100)] = 0.5,
    d: Literal[1, 2] = 1,
    rng=None,
) -> ExperimentResult:
    """α recovered vs true for the five AnDi models, per trajectory, by two estimators.

    For each model and each admissible α, ``n_walkers`` trajectories of
    ``n_steps`` steps are normalised to unit step deviation (as in the AnDi
    challenge) and blurred by Gaussian localisation noise of standard deviation
    ``noise``; α is estimated per trajectory by ``estimate_alpha`` (features) and
    by the naive log-log TAMSD fit, and from the ensemble MSD of the clean ones.

    Parameters
    ----------
    models : list of str
        AnDi models among "attm", "ctrw", "fbm", "lw", "sbm".
    alphas : list of float
        True exponents (each used where the model admits it).
    n_walkers, n_steps : int
        Trajectories per (model, alpha) and their steps.
    noise : float
        SD of the localisation noise, in units of the step SD.
    d : {1, 2}
        Spatial dimensions.
    rng : None, int, SeedSequence or Generator
        Seeds every random draw (a spec passes its ``seed``).

    Returns
    -------
    ExperimentResult
        Dataset over (model, alpha) with the mean and SD of both estimators and
        the ensemble exponent; figure of estimated vs true alpha.

    References
    ----------
    Muñoz-Gil G et al. (2021) Objective comparison of methods to decode
    anomalous diffusion. Nat Commun 12:6253.
    """
    for m in models:
        check_option("models", m, list(nd.ANDI_MODELS))
    models = list(dict.fromkeys(models))
    alphas = [float(a) for a in alphas]
    shape = (len(models), len(alphas))
    mean_f, sd_f, mean_n, sd_n, ens = (np.full(shape, np.nan) for _ in range(5))
    mae_f, mae_n = [], []
    rngs = spawn(rng, len(models) * len(alphas))
    for i, m in enumerate(models):
        lo, hi, lo_open, hi_open = nd.ALPHA_RANGES[m]
        for j, a in enumerate(alphas):
            r = rngs[i * len(alphas) + j]
            if (a <= lo if lo_open else a < lo) or (a >= hi if hi_open else a > hi):
                continue
            tr = nd.andi_model(m, n_walkers, n_steps, alpha=a, d=d, rng=r)
            ens[i, j] = float(nd.fit_msd(nd.ensemble_msd(tr), t_range=(n_steps / 10, n_steps)).alpha)
            x = tr.values
            inc = np.diff(x, axis=1)
            sd = inc.std(axis=1, keepdims=True)
            sd[sd == 0] = 1.0
            x = np.concatenate([np.zeros_like(x[:, :1]), np.cumsum(inc / sd, axis=1)], axis=1)
            x = x + noise * r.standard_normal(x.shape)
            ef = nd.estimate_alpha(x).values
            en = nd.estimate_alpha(x, method="tamsd").values
            mean_f[i, j], sd_f[i, j] = ef.mean(), ef.std()
            mean_n[i, j], sd_n[i, j] = en.mean(), en.std()
            mae_f.append(np.abs(ef - a))
            mae_n.append(np.abs(en - a))
    coords = {"model": models, "alpha": ("alpha", alphas, {"units": "1", "long_name": "true α"})}
    dims = ("model", "alpha")
    attrs = {"units": "1"}
    ds = xr.Dataset(
        {"alpha_features_mean": (dims, mean_f, {**attrs, "long_name": "mean estimate_alpha (features)"}),
         "alpha_features_sd": (dims, sd_f, {**attrs, "long_name": "sd of estimate_alpha (features)"}),
         "alpha_naive_mean": (dims, mean_n, {**attrs, "long_name": "mean naive TAMSD fit"}),
         "alpha_naive_sd": (dims, sd_n, {**attrs, "long_name": "sd of naive TAMSD fit"}),
         "alpha_ensemble": (dims, ens, {**attrs, "long_name": "ensemble-MSD exponent (no noise)"})},
        coords=coords, attrs={"noise": noise, "n_steps": n_steps, "d": d},
    )
    fig, axes = plt.subplots(1, len(models), figsize=(2.9 * len(models) + 0.5, 3.3), layout="constrained",
                             sharey=True, squeeze=False)
    for i, (m, ax) in enumerate(zip(models, axes[0])):
        dplot.plot_alpha_estimates(alphas, mean_f[i], spread=sd_f[i], ax=ax, label="feature-based estimate", color="C0")
        dplot.plot_alpha_estimates(alphas, mean_n[i], spread=sd_n[i], ax=ax, label="naive TAMSD fit", color="C3",
                                   mfc="none")
        ax.plot(alphas, ens[i], "k+", label="ensemble MSD")
        ax.set_title(m)
        if i:
            ax.set_ylabel("")
            ax.get_legend().remove()
        else:
            ax.legend(frameon=False, fontsize="x-small", loc="upper left")
    fig.suptitle(f"single trajectories of {n_steps + 1} points, noise σ = {noise:g} step (mean ± sd)", fontsize="medium")
    mf = float(np.concatenate(mae_f).mean()) if mae_f else float("nan")
    mn = float(np.concatenate(mae_n).mean()) if mae_n else float("nan")
    table = pd.DataFrame({"model": models,
                          "MAE features": [np.nanmean(np.abs(mean_f[i] - alphas)) for i in range(len(models))],
                          "MAE naive": [np.nanmean(np.abs(mean_n[i] - alphas)) for i in range(len(models))]})
    table.attrs["note"] = "MAE of the mean estimate per alpha (bias)"
    summary = {"mae_features": mf, "mae_naive": mn, "n_trajectories": int(sum(e.size for e in mae_f))}
    return ExperimentResult(dataset=ds, figures={"alpha": fig}, summary=summary, table=table)
