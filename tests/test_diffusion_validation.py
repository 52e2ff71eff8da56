"""Bad input: each error names the argument, the expectation and what came."""

import numpy as np
import pytest
import xarray as xr

from neurocomp import diffusion as nd


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: nd.brownian(10, 10, D=-1.0), r"D must be > 0; got -1.0"),
        (lambda: nd.brownian(10, 10, dt=0.0), r"dt must be > 0; got 0.0"),
        (lambda: nd.brownian(0, 10), r"n_walkers must be >= 1; got 0"),
        (lambda: nd.brownian(10, 10, d=4), r"d must be <= 3; got 4"),
        (lambda: nd.brownian(10, 10, dtype="int8"), r"Invalid value for the 'dtype' parameter"),
        (lambda: nd.brownian(10, 10, record_steps=np.array([0, 11])), r"record_steps must lie in \[0, n_steps=10\]"),
        (lambda: nd.langevin(10, 10, mass=-1.0), r"mass must be > 0"),
        (lambda: nd.langevin(10, 10, friction=0.0), r"friction must be > 0"),
        (lambda: nd.ornstein_uhlenbeck(10, 10, stiffness=-2.0), r"stiffness must be > 0"),
        (lambda: nd.ctrw(10, 10, alpha=1.5), r"alpha must lie in \(0, 1\]; got 1.5"),
        (lambda: nd.ctrw(10, 10, t0=-1.0), r"t0 must be > 0"),
        (lambda: nd.ctrw(10, 10, waiting="gamma"), r"Allowed values are 'mittag-leffler', 'pareto' and 'exponential'"),
        (lambda: nd.levy_walk(10, 10, alpha=0.8), r"alpha must lie in \(1, 2\]; got 0.8"),
        (lambda: nd.levy_flight(10, 10, mu=2.5), r"mu must lie in \(0, 2\); got 2.5"),
        (lambda: nd.fbm(10, 10, hurst=1.0), r"hurst must lie in \(0, 1\); got 1.0"),
        (lambda: nd.fbm(10, 10, hurst=0.0), r"hurst must lie in \(0, 1\); got 0.0"),
        (lambda: nd.fbm(10, 10, alpha=2.0), r"alpha must lie in \(0, 2\); got 2.0"),
        (lambda: nd.sbm(10, 10, alpha=0.0), r"alpha must lie in \(0, 2\); got 0.0"),
        (lambda: nd.attm(10, 10, alpha=1.2), r"alpha must lie in \(0, 1\]; got 1.2"),
        (lambda: nd.andi_model("brownian", 10, 10, alpha=1.0), r"Allowed values are 'attm', 'ctrw', 'fbm', 'lw' and 'sbm'"),
        (lambda: nd.run_and_tumble(10, 10, tumble_rate=-1.0), r"tumble_rate must be > 0"),
        (lambda: nd.run_and_tumble(10, 10, bias=1.0), r"bias must lie in \[0, 1\); got 1.0"),
        (lambda: nd.bounded_brownian(10, 10, x0=2.0, upper=1.0), r"x0 must lie strictly between"),
        (lambda: nd.solve_diffusion(np.ones(10), D=-1.0, dx=0.1, dt=0.1, n_steps=1), r"D must be > 0"),
    ],
)
def test_generator_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_trajectory_inputs_refused_clearly():
    with pytest.raises(ValueError, match=r"at least 3 time points; got 2"):
        nd.time_averaged_msd(np.zeros((5, 2, 1)))
    with pytest.raises(ValueError, match=r"trajectories must be a 2-D or 3-D array; got 1-D"):
        nd.ensemble_msd(np.zeros(10))
    with pytest.raises(ValueError, match=r"must have dims \('walker', 'time'"):
        nd.ensemble_msd(xr.DataArray(np.zeros((3, 4)), dims=("neuron", "time")))
    gap = np.zeros((3, 10))
    gap[0, 4] = np.nan
    with pytest.raises(ValueError, match=r"must not contain NaN \(gaps\).*Interpolate or split"):
        nd.velocity_autocorrelation(gap)
    with pytest.raises(ValueError, match=r"max_lag must be <= 9; got 20"):
        nd.time_averaged_msd(np.zeros((3, 10)), max_lag=20)
    with pytest.raises(ValueError, match=r"must be sampled at regular times"):
        nd.time_averaged_msd(nd.brownian(3, 100, record_steps=nd.log_steps(100, 10), rng=0))
    with pytest.raises(TypeError, match=r"msd must be an xarray DataArray"):
        nd.fit_msd(np.ones(5))
    with pytest.raises(ValueError, match=r"t_range must be \(t_min, t_max\)"):
        nd.fit_msd(nd.ensemble_msd(nd.brownian(3, 10, rng=0)), t_range=(5, 1))
