"""A small real experiment for the sweep tests, importable by dask workers as "_sweep_toy:mean_of_draws".

It estimates the mean of normal draws, so its output depends on the seed and
on the parameters; ``fail_above`` makes chosen points raise and ``pause`` makes
runs last long enough to interrupt them.
"""

import functools
import time
from typing import Annotated

import numpy as np
import xarray as xr

from neurocomp.experiments import ExperimentResult, Range, experiment
from neurocomp.random import as_generator


@experiment("_sweep_toy:mean_of_draws")  # a spec can name only registered experiments
def mean_of_draws(
    *,
    n_draws: Annotated[int, Range(1, 10_000_000)] = 1000,
    mu: float = 0.0,
    scale: Annotated[float, Range(0, None, low_open=True)] = 1.0,
    n_batches: Annotated[int, Range(1, 100)] = 3,
    fail_above: float | None = None,
    pause: Annotated[float, Range(0, 60)] = 0.0,
    rng=None,
) -> ExperimentResult:
    """Sample mean of ``n_draws`` normal(mu, scale) draws in each of ``n_batches`` batches."""
    if fail_above is not None and mu > fail_above:
        raise RuntimeError(f"toy failure: mu={mu} is above {fail_above}")
    gen = as_generator(rng)
    draws = gen.normal(mu, scale, size=(n_batches, n_draws))
    if pause:
        time.sleep(pause)
    ds = xr.Dataset(
        {
            "sample_mean": ("trial", draws.mean(axis=1), {"units": "1", "long_name": "sample mean"}),
            "n_above": ("trial", (draws > mu).sum(axis=1), {"long_name": "draws above mu"}),
        },
        coords={"trial": np.arange(n_batches)},
    )
    return ExperimentResult(dataset=ds, summary={"mean": float(draws.mean())})


@experiment("_sweep_toy:mean_with_figures")
@functools.wraps(mean_of_draws)
def mean_with_figures(**kwargs) -> ExperimentResult:
    """The same experiment, with its own figures for sweeps (``sweep_figure``)."""
    return mean_of_draws(**kwargs)


def _sweep_figures(ds):
    from matplotlib.figure import Figure

    figures = {}
    for name in ("sample_mean", "n_above"):
        fig = Figure()
        ds[name].mean([d for d in ds[name].dims if d != "mu"]).plot(ax=fig.add_subplot())
        figures[f"sweep_{name}"] = fig
    return figures


mean_with_figures.sweep_figure = _sweep_figures
