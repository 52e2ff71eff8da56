"""Logic gates built from LIF neurons on brian2 (numpy target in tests)."""

import numpy as np
import pytest

from neurocomp.gates import SPIKING_GATES, spiking_truth_table, truth_table

pytestmark = pytest.mark.spiking


@pytest.mark.parametrize("name", SPIKING_GATES)
def test_spiking_truth_tables_with_1ms_jitter(name):
    ds = spiking_truth_table(name, trials=20, jitter=1e-3, rng=4)
    assert ds.output.dims == ("pattern", "trial")
    assert ds.expected.values.tolist() == truth_table(name).values.tolist()
    correct = (ds.output == ds.expected).sum("trial")
    # >= 19 of 20 trials per input combination. The circuits are designed so that
    # 1 ms jitter almost never matters: the AND coincidence window is
    # tau_m ln(w / (theta - w)) = 6.9 ms, i.e. 4.9 standard deviations of the
    # difference of two jittered spike times (per-trial failure ~1e-6).
    assert int(correct.min()) >= 19, correct.values
    # the raster holds every input spike: one per active input per trial
    n_in = sum(1 for c in ds.coords if c.startswith("x"))
    n_active = int(sum(ds[f"x{k + 1}"].sum() for k in range(n_in)))
    is_input = np.char.startswith(ds.spike_neuron.values.astype(str), "in")
    assert int(is_input.sum()) == n_active * 20

def test_and_is_a_coincidence_detector():
    from scipy.stats import norm

    from neurocomp import gates

    # Far-apart inputs (large jitter) fail to reach the AND threshold more often.
    tight = spiking_truth_table("AND", trials=100, jitter=0.5e-3, noise=0.0, rng=1)
    loose = spiking_truth_table("AND", trials=200, jitter=4e-3, noise=0.0, rng=1)
    assert float(tight.output.sel(pattern=3).mean()) == 1.0
    # Two EPSPs w sum past theta when |dt_spikes| < tau ln(w' / (theta - w')); brian2 applies the
    # synaptic jump after the threshold test, so v decays one step first: w' = w (1 - dt/tau).
    w = gates.W_EXC * (1 - 1e-4 / gates.TAU_M)
    window = gates.TAU_M * np.log(w / (gates.THETA_AND - w))  # 6.6 ms
    sd_diff = 4e-3 * np.sqrt(2)
    # ... and the readout misses the spike if both inputs come > 5 ms early.
    expected = (2 * norm.cdf(window / sd_diff) - 1) - norm.cdf(-5e-3 / 4e-3) ** 2  # 0.75
    p_loose = float(loose.output.sel(pattern=3).mean())
    assert abs(p_loose - expected) < 4 * np.sqrt(expected * (1 - expected) / 200)  # 4 binomial sd


def test_not_neuron_fires_tonically_until_inhibited():
    ds = spiking_truth_table("NOT", trials=5, rng=0, noise=0.0)
    out = ds.spike_time.where(ds.spike_neuron == "out", drop=True)
    pattern = ds.spike_pattern.where(ds.spike_neuron == "out", drop=True)
    t_on = ds.attrs["input_time"]
    # without input it keeps firing after the input time; with input it is silent for > 20 ms
    assert np.sum((pattern == 0) & (out > t_on + 5e-3)) >= 5 * 2
    assert np.sum((pattern == 1) & (out > t_on + 3e-3) & (out < t_on + 25e-3)) == 0


def test_same_rng_same_spikes_and_units_accepted():
    import brian2

    a = spiking_truth_table("XOR", trials=3, rng=11)
    b = spiking_truth_table("XOR", trials=3, jitter=1 * brian2.ms, noise=0.5 * brian2.mV, rng=11)
    c = spiking_truth_table("XOR", trials=3, rng=12)
    np.testing.assert_array_equal(a.spike_time.values, b.spike_time.values)
    assert a.spike_time.size != c.spike_time.size or not np.array_equal(a.spike_time.values, c.spike_time.values)


def test_spiking_bad_input():
    with pytest.raises(ValueError, match="Allowed values are 'AND', 'OR', 'NOT', 'NOR', 'NAND' and 'XOR'"):
        spiking_truth_table("MAJORITY")
    with pytest.raises(ValueError, match="jitter must lie in"):
        spiking_truth_table("AND", jitter=-1e-3)
    with pytest.raises(ValueError, match="trials must be >= 1"):
        spiking_truth_table("AND", trials=0)
    import brian2

    with pytest.raises(ValueError, match=r"jitter must be a quantity in second \(s\)"):
        spiking_truth_table("AND", jitter=1 * brian2.mV)


@pytest.mark.slow
@pytest.mark.parametrize("name", SPIKING_GATES)
def test_spiking_gate_error_rate_is_tiny(name):
    # 300 trials per combination: with a per-trial failure probability of ~1e-6 (see above)
    # any error at all is a 1-in-a-thousand event; allow one.
    ds = spiking_truth_table(name, trials=300, jitter=1e-3, rng=7)
    errors = int((ds.output != ds.expected).sum())
    assert errors <= 1
