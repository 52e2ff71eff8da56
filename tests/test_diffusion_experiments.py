"""The diffusion experiments run from their bundled specs' shapes, with small sizes, and report the science."""

from pathlib import Path

import matplotlib
import pytest

from neurocomp.experiments import get
from neurocomp.specs import load_spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = ["models/brownian_einstein.toml", "models/ctrw_subdiffusion.toml", "models/levy_walk.toml",
         "models/run_and_tumble.toml", "models/diffusion_equation.toml", "analyses/anomalous_exponent.toml"]


@pytest.mark.parametrize("path", SPECS)
def test_bundled_specs_validate(path):
    spec = load_spec(ROOT / path)
    assert spec.experiment in {"brownian_einstein", "ctrw_subdiffusion", "levy_walk", "run_and_tumble",
                               "diffusion_equation", "anomalous_exponent"}


SMALL = {
    "brownian_einstein": dict(n_walkers=2000, n_steps=50),
    "ctrw_subdiffusion": dict(n_walkers=300, n_steps=300, max_lag=30),
    "levy_walk": dict(n_walkers=200, n_steps=1000),
    "run_and_tumble": dict(n_walkers=300, duration=5.0, d=2),
    "diffusion_equation": dict(n_cells=201, length=400e-6, duration=0.5, n_walkers=20000),
    "anomalous_exponent": dict(models=["fbm", "sbm"], alphas=[0.5, 1.5], n_walkers=30, n_steps=200),
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_experiment_runs_small(name):
    res = get(name)(**SMALL[name], rng=1)
    assert res.figures and all(isinstance(f, matplotlib.figure.Figure) for f in res.figures.values())
    for f in res.figures.values():
        for ax in f.axes:
            assert ax.get_xlabel() and ("[" in ax.get_xlabel())
    for v in res.dataset.data_vars.values():
        assert "units" in v.attrs and "long_name" in v.attrs
    s = res.summary
    if name == "brownian_einstein":
        assert s["max_abs_relative_error"] < 0.1  # SE sqrt(1.5/2000) = 2.7 %
    elif name == "diffusion_equation":
        assert s["max_error_crank_nicolson"] < 1e-3 and s["max_error_explicit"] < 1e-3
    elif name == "anomalous_exponent":
        assert s["mae_features"] < s["mae_naive"]
    elif name == "ctrw_subdiffusion":
        assert s["alpha_tamsd"] > s["alpha_ensemble"] + 0.2


def test_anomalous_exponent_rejects_unknown_model():
    with pytest.raises(ValueError, match="Invalid value for the 'models' parameter"):
        get("anomalous_exponent")(models=["brownian"], rng=0)


def test_plot_functions_return_labelled_axes():
    import numpy as np

    from neurocomp import diffusion as nd
    from neurocomp.plotting import diffusion as dplot

    tr = nd.brownian(20, 50, d=2, rng=0)
    ax = dplot.plot_msd(nd.time_averaged_msd(tr, max_lag=10), individual=5, theory=4 * np.arange(1, 11.0))
    assert ax.get_xscale() == "log" and "[" in ax.get_ylabel()
    ax = dplot.plot_trajectories(tr, n=3)
    assert ax.get_xlabel() == "x [m]"
    ds = nd.first_passage(200, 200, D=1.0, x0=0.0, upper=2.0, rng=1)
    L, D = 2.0, 1.0
    ax = dplot.plot_first_passage(ds["first_passage_time"],
                                  theory=lambda t: L / np.sqrt(4 * np.pi * D * t ** 3) * np.exp(-L * L / (4 * D * t)))
    assert ax.get_xlabel() == "first-passage time [s]"
    ax = dplot.plot_alpha_estimates([0.5, 1.0], [0.6, np.nan], spread=[0.1, 0.1], label="x")
    assert ax.get_ylabel() == "estimated α [1]"
