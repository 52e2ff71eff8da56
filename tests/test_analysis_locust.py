"""The locust auditory encoding example on nitime's real recordings."""

import numpy as np
import pytest

pytest.importorskip("nitime")

from neurocomp.experiments import get  # noqa: E402
from neurocomp.experiments.analysis import load_locust_recording  # noqa: E402
from neurocomp.specs import load_spec, run_spec  # noqa: E402


def test_data_ship_with_nitime():
    spikes, stimulus = load_locust_recording(1)
    assert stimulus.size == 200_000  # 10 s at 20 kHz
    assert 0 < spikes.min() and spikes.max() < 10.0
    assert 80 < spikes.size / 10.0 < 110  # ~100 Hz, the rate the experimenters aimed for


def test_locust_encoding_predicts_held_out_spikes(tmp_path):
    from pathlib import Path

    spec = load_spec(Path(__file__).resolve().parent.parent / "analyses" / "locust_auditory_encoding.toml")
    result = run_spec(spec)
    ds = result.dataset
    n_folds = ds.sizes["split"]
    n_test = ds.sizes["time"] / n_folds  # bins per held-out block
    # under the null a held-out r has sd ~ 1/sqrt(n_test); the fold mean ~ that / sqrt(n_folds)
    null_sd = 1 / np.sqrt(n_test) / np.sqrt(n_folds)
    assert (ds["r"].mean("split") > 10 * null_sd).all()
    assert (abs(ds["r_shifted"].mean("split")) < 4 * null_sd).all()
    assert (ds["r_transfer"] > 10 / np.sqrt(ds.sizes["time"])).all()
    # the encoding filter peaks a few ms after the sound (receptor latency), not at lag 0
    peak = ds["filter"].sel(feature="envelope").argmax("lag")
    assert (ds["lag"].values[peak.values] >= 2e-3).all() and (ds["lag"].values[peak.values] <= 12e-3).all()
    assert set(result.figures) == {"prediction", "filters"}
    assert result.summary["r_recording1"] == pytest.approx(float(ds["r"].sel(recording=1).mean()))


def test_locust_parameters_are_checked():
    from neurocomp.specs import SpecError, validate_params

    with pytest.raises(SpecError, match="bin_width"):
        validate_params(get("locust_auditory_encoding"), {"bin_width": 100e-3})
    with pytest.raises(ValueError, match="number must be 1 or 2"):
        load_locust_recording(3)
