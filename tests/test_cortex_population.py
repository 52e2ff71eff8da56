"""Yamins et al. (2014) Fig. 2 on a tiny population: better categorisers predict IT better."""

import numpy as np
import pytest
import xarray as xr

from neurocomp.experiments import _registry
from neurocomp.experiments.yamins_population import model_family, population_figure, population_summary

# tiny data: 4 test images per category and level (96), 20 training images, 30 + 30 neuroids
TINY = dict(n_per_category=4, n_train_per_category=20, n_v4=30, n_it=30, n_splits=3, data_seed=7)


@pytest.fixture(scope="module")
def population():
    func = _registry.get("yamins_population_model")
    names = ["pixels", "cnn_d2_w4_s0", "cnn_d2_w8_s0", "cnn_d2_w4_s150", "cnn_d2_w8_s150", "hmax"]
    runs = [func(model=m, rng=i, **TINY).dataset.expand_dims(model=[m]) for i, m in enumerate(names)]
    return xr.concat(runs, dim="model", combine_attrs="drop")


def test_the_law_has_its_sign_on_a_tiny_population(population):
    s = population_summary(population)
    assert s["n_models"] == 6
    # trained CNNs categorise better than their untrained copies and than pixels
    perf = population["performance"].to_series()
    assert perf["cnn_d2_w8_s150"] > perf["cnn_d2_w8_s0"] and perf["cnn_d2_w4_s150"] > perf["pixels"]
    # the performance-IT correlation is positive (Yamins: r = 0.87 over many more models)
    assert s["performance_it_r"] > 0, s
    lo, hi = s["performance_it_r_ci"]
    assert -1 <= lo <= s["performance_it_r"] <= hi <= 1
    assert set(population_figure(population)) == {"population_scatter"}


def test_population_names_and_bad_input():
    assert model_family("cnn_d4_w16_s0") == "CNN untrained"
    assert model_family("neocognitron") == "neocognitron"
    with pytest.raises(ValueError, match="model must be pixels"):
        _registry.get("yamins_population_model")(model="alexnet", rng=0)
