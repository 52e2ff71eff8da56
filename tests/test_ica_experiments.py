"""The ICA experiments run from their specs and report what the theory says."""

from pathlib import Path

import numpy as np
import pytest

from neurocomp.experiments import get
from neurocomp.specs import load_spec

ROOT = Path(__file__).resolve().parents[1]


def test_specs_name_registered_experiments():
    for name in ("cocktail_party", "ica_natural_images"):
        spec = load_spec(ROOT / f"models/{name}.toml")
        assert spec.experiment == name
        get(name)


def test_cocktail_party_experiment_small():
    res = get("cocktail_party")(duration=1.5, sampling_rate=3000.0, rng=3)
    s = res.summary
    assert s["amari_extended"] < 0.05 and s["amari_fastica"] < 0.05
    assert s["amari_infomax"] > 0.1  # three sub-Gaussian sources in the default mixture
    ds = res.dataset
    assert ds["recovered"].dims == ("method", "component", "time")
    for v in ds.data_vars.values():
        assert v.attrs.get("units") and v.attrs.get("long_name")
    assert set(res.figures) == {"signals"}


def test_cocktail_party_experiment_rejects_unknown_method():
    with pytest.raises(ValueError, match="methods must hold values among"):
        get("cocktail_party")(methods=["jade"])


def test_ica_natural_images_experiment_small():
    res = get("ica_natural_images")(n_patches=3000, patch_size=8, n_components=16, rng=0)
    ds = res.dataset
    assert ds["ica_filters"].shape == (16, 8, 8)
    assert set(res.figures) == {"filters", "nx_ny", "kurtosis"}
    assert np.isfinite(res.summary["median_kurtosis_ica"])
    assert "Ringach" in res.summary["discrepancy"]
    for v in ds.data_vars.values():
        assert v.attrs.get("units") and v.attrs.get("long_name")
