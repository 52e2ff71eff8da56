"""The spiking (LIF, brian2) Hopfield network completes patterns like the binary one."""

import numpy as np
import pytest

from neurocomp import hopfield as hf

pytestmark = pytest.mark.spiking


@pytest.fixture(scope="module")
def completion():
    xi = hf.random_patterns(5, 200, rng=101)
    cues = hf.flip_bits(xi[:4], 0.2, rng=202)
    return xi, cues, hf.spiking_recall(xi, cues, duration=0.25, rng=303)


def test_spiking_network_completes_pattern_from_cue_with_20_percent_flipped(completion):
    xi, cues, res = completion
    m = res.overlap.values[np.arange(4), np.arange(4)]
    assert (m >= 0.9).all(), m
    # the cue alone overlapped by 1 - 2 * 0.2 = 0.6: the network corrected it
    np.testing.assert_allclose(hf.overlap(cues, xi).diagonal(), 0.6)
    # same result as the binary network on the same cues
    binary = hf.Hopfield(200).store(xi).recall(cues, rng=1)
    agree = (res.state.values == binary.state.values).mean()
    assert agree >= 0.95


def test_spiking_dataset_layout(completion):
    _, _, res = completion
    assert res.rate.dims == ("cue", "neuron") and res.rate.attrs["units"] == "Hz"
    assert res.overlap_trajectory.dims == ("cue", "time", "pattern")
    assert res.time.attrs["units"] == "s" and res.spike_time.attrs["units"] == "s"
    # active neurons fire at tens of hertz, silent ones (almost) not at all
    on = res.rate.values[res.state.values > 0]
    assert 20 < on.mean() < 100
    assert (res.spike_time.values >= 0).all() and (res.spike_time.values <= 0.25).all()


def test_spiking_same_rng_same_spikes_and_quantities_accepted():
    import brian2 as b2

    xi = hf.random_patterns(2, 40, rng=1)
    a = hf.spiking_recall(xi, xi[0], duration=0.06, cue_duration=0.02, readout=0.03, rng=5)
    b = hf.spiking_recall(xi, xi[0], duration=60 * b2.ms, cue_duration=20 * b2.ms, readout=30 * b2.ms, rng=5)
    np.testing.assert_array_equal(a.spike_time.values, b.spike_time.values)
    np.testing.assert_array_equal(a.spike_neuron.values, b.spike_neuron.values)


def test_spiking_bad_input():
    import brian2 as b2

    xi = hf.random_patterns(2, 20, rng=1)
    with pytest.raises(ValueError, match=r"cues must have shape \(n_cues, 20\) or \(20,\) to match the patterns; got \(19,\)"):
        hf.spiking_recall(xi, np.ones(19))
    with pytest.raises(ValueError, match=r"duration must be a quantity in second \(s\)"):
        hf.spiking_recall(xi, xi[0], duration=3 * b2.mV)
    with pytest.raises(ValueError, match="unknown spiking parameter"):
        hf.spiking_recall(xi, xi[0], tau=0.01)
    with pytest.raises(ValueError, match="cue_duration must lie in"):
        hf.spiking_recall(xi, xi[0], duration=0.1, cue_duration=0.2)
