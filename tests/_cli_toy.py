"""A small real experiment used by the CLI tests: a plugin (``--plugin _cli_toy``) registering "cli_toy_pi".

It estimates pi by throwing darts, so its output depends on the seed.
"""

import time
from typing import Annotated

import numpy as np
import xarray as xr

from neurocomp.experiments import ExperimentResult, Range, experiment
from neurocomp.random import as_generator


@experiment("cli_toy_pi", memory=lambda *, n_darts, n_batches, **_: 2 * 8 * n_darts * n_batches)
def monte_carlo_pi(
    *,
    n_darts: Annotated[int, Range(1, 10_000_000)] = 10_000,
    n_batches: Annotated[int, Range(1, 1000)] = 4,
    pause: Annotated[float, Range(0, 60)] = 0.0,
    label: str = "darts",
    rng=None,
) -> ExperimentResult:
    gen = as_generator(rng)
    xy = gen.random((n_batches, n_darts, 2))
    inside = (xy**2).sum(-1) <= 1.0
    estimate = 4.0 * inside.mean(axis=1)
    if pause:
        time.sleep(pause)
    ds = xr.Dataset(
        {"pi_estimate": ("trial", estimate, {"units": "1", "long_name": "estimate of pi"})},
        coords={"trial": np.arange(n_batches)},
        attrs={"label": label},
    )
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot(ds.trial, ds.pi_estimate, "o")
    ax.axhline(np.pi, color="k")
    ax.set_xlabel("trial")
    ax.set_ylabel("estimate of pi")
    return ExperimentResult(
        dataset=ds,
        figures={"estimates": fig},
        summary={"pi_mean": float(estimate.mean()), "abs_error": float(abs(estimate.mean() - np.pi))},
    )
