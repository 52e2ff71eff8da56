"""Diffusion and random walks: generators, MSD analyses, exponent fits, the diffusion equation.

Brownian motion (Einstein 1905; Langevin 1908), anomalous diffusion (Metzler &
Klafter 2000) with the five models of the AnDi challenge (Muñoz-Gil et al.
2021), bacterial run-and-tumble (Berg; Lovely & Dahlquist 1975; Purcell 1977)
and Fick's diffusion equation. Units: SI (m, s, m²/s) throughout.

Submodules: :mod:`~neurocomp.diffusion.walks` (generators),
:mod:`~neurocomp.diffusion.msd` (MSD and other statistics),
:mod:`~neurocomp.diffusion.fits` (``fit_msd``, ``estimate_alpha``),
:mod:`~neurocomp.diffusion.pde` (diffusion-equation solvers),
:mod:`~neurocomp.diffusion.physics` (Reynolds and Péclet numbers).
"""

from neurocomp.diffusion.fits import MSDFit, alpha_features, estimate_alpha, fit_msd
from neurocomp.diffusion.msd import (
    ensemble_msd,
    ergodicity_breaking,
    first_passage_times,
    streaming_msd,
    time_averaged_msd,
    van_hove,
    velocity_autocorrelation,
)
from neurocomp.diffusion.pde import gaussian_solution, solve_diffusion
from neurocomp.diffusion.physics import peclet_number, reynolds_number
from neurocomp.diffusion.walks import (
    ALPHA_RANGES,
    ANDI_MODELS,
    andi_model,
    attm,
    bounded_brownian,
    brownian,
    ctrw,
    fbm,
    first_passage,
    langevin,
    lattice_walk,
    levy_flight,
    levy_walk,
    log_steps,
    ornstein_uhlenbeck,
    run_and_tumble,
    sbm,
)

__all__ = [
    "ALPHA_RANGES", "ANDI_MODELS", "MSDFit", "alpha_features", "andi_model", "attm", "bounded_brownian", "brownian", "ctrw",
    "ensemble_msd", "ergodicity_breaking", "estimate_alpha", "fbm", "first_passage", "first_passage_times",
    "fit_msd", "gaussian_solution", "langevin", "lattice_walk", "levy_flight", "levy_walk", "log_steps",
    "ornstein_uhlenbeck", "peclet_number", "reynolds_number", "run_and_tumble", "sbm", "solve_diffusion",
    "streaming_msd", "time_averaged_msd", "van_hove", "velocity_autocorrelation",
]
