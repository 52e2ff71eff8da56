"""Diffusion equation: solvers against the Gaussian solution and against walkers; physics helpers."""

import math

import numpy as np
import pytest

from neurocomp import diffusion as nd


@pytest.mark.parametrize("method,dt", [("explicit", 0.001), ("crank-nicolson", 0.005)])
def test_1d_solver_matches_gaussian(method, dt):
    D, dx, t0 = 1.0, 0.05, 0.5
    x = (np.arange(401) - 200) * dx
    c0 = nd.gaussian_solution(x, t0, D=D)
    sol = nd.solve_diffusion(c0, D=D, dx=dx, dt=dt, n_steps=round(1.0 / dt), method=method, record_every=100)
    exact = nd.gaussian_solution(x, t0 + 1.0, D=D)
    assert sol.dims == ("time", "x") and sol["time"].values[-1] == pytest.approx(1.0)
    assert np.abs(sol.values[-1] - exact).max() < 1e-3 * exact.max()
    # no-flux walls conserve mass
    assert sol.values[-1].sum() * dx == pytest.approx(float(c0.sum()) * dx, rel=1e-10)


def test_2d_crank_nicolson_matches_gaussian():
    D, dx, t0 = 0.5, 0.05, 0.5
    x = (np.arange(201) - 100) * dx  # walls at 4 standard deviations
    c0 = nd.gaussian_solution(x, t0, D=D, y=x)
    sol = nd.solve_diffusion(c0, D=D, dx=dx, dt=0.01, n_steps=100, record_every=50)
    exact = nd.gaussian_solution(x, t0 + 1.0, D=D, y=x)
    assert sol.dims == ("time", "x", "y")
    assert np.abs(sol.values[-1] - exact).max() < 1e-3 * exact.max()


def test_solution_matches_walker_histogram():
    D, t0, t1 = 1.0, 0.25, 1.0
    dx = 0.1
    x = (np.arange(161) - 80) * dx
    sol = nd.solve_diffusion(nd.gaussian_solution(x, t0, D=D), D=D, dx=dx, dt=0.01, n_steps=round((t1 - t0) / 0.01))
    n = 50000
    walkers = nd.brownian(n, 1, D=D, dt=t1, rng=6).isel(time=-1).values[:, 0]
    edges = np.concatenate([x - dx / 2, [x[-1] + dx / 2]])
    hist = np.histogram(walkers, bins=edges)[0] / (n * dx)
    c = sol.values[-1]
    se = np.sqrt(c / (n * dx))  # Poisson error of each bin's density
    assert np.all(np.abs(hist - c) < 5 * se + 1e-3)


def test_explicit_refuses_unstable_dt():
    c0 = np.zeros(50)
    c0[25] = 1.0
    with pytest.raises(ValueError, match=r"dt must be <= dx\^2/\(2\*1\*D\) = 0.005"):
        nd.solve_diffusion(c0, D=1.0, dx=0.1, dt=0.006, n_steps=10, method="explicit")
    with pytest.raises(ValueError, match=r"dx\^2/\(2\*2\*D\)"):
        nd.solve_diffusion(np.ones((10, 10)), D=1.0, dx=0.1, dt=0.003, n_steps=10, method="explicit")


def test_dirichlet_walls_absorb():
    c0 = np.ones(41)
    sol = nd.solve_diffusion(c0, D=1.0, dx=0.05, dt=0.001, n_steps=200, boundary="dirichlet")
    mass = sol.sum("x").values
    assert np.all(np.diff(mass) < 0)


def test_reynolds_and_peclet_numbers():
    # E. coli: 2 um long, 30 um/s in water: Re ~ 6e-5 (Purcell 1977)
    assert nd.reynolds_number(30e-6, 2e-6) == pytest.approx(998 * 30e-6 * 2e-6 / 1e-3)
    assert nd.peclet_number(30e-6, 2e-6, 1e-9) == pytest.approx(0.06)
    with pytest.raises(ValueError, match="speed must be > 0"):
        nd.reynolds_number(-1.0, 1.0)
    with pytest.raises(ValueError, match="D must be > 0"):
        nd.peclet_number(1.0, 1.0, 0.0)
    assert math.isfinite(nd.reynolds_number(1.0, 1.0, density=1.0, viscosity=1.0))
