"""Bad input to neurocomp.spiking: clear ValueError / DimensionMismatchError naming the argument."""

import numpy as np
import pytest

import brian2 as b2

from neurocomp.spiking import (
    UnitError,
    windowed_fano_factor,
    firing_rate,
    lif_population,
    lif_rate,
    poisson_population,
    psth,
    siegert_rate,
    simulate_lif,
    simulate_poisson,
    spike_dataset,
    spike_monitor_to_dataset,
    state_monitor_to_dataarray,
)
from neurocomp.spiking.backend import standalone_device


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tau_m": 0.0}, r"tau_m must be > 0"),
        ({"tau_m": -10e-3}, r"tau_m must be > 0"),
        ({"t_ref": -1e-3}, r"t_ref must be >= 0"),
        ({"duration": 0.0}, r"duration must be > 0"),
        ({"duration": -1 * b2.second}, r"duration must be > 0"),
        ({"dt": 0.0}, r"dt must be > 0"),
        ({"dt": 2e-3}, r"dt must be <= tau_m / 10 = 1 ms .*got dt = 2 ms"),
        ({"tau_m": 5e-3, "dt": 1e-3}, r"dt must be <= tau_m / 10 = 0.5 ms"),
        ({"poisson_rate": -5.0, "poisson_n": 3}, r"poisson_rate must be >= 0"),
        ({"sigma": -1e-3}, r"sigma must be >= 0"),
        ({"v_threshold": -0.08}, r"v_threshold must be above v_reset"),
        ({"current": [1e-9, 2e-9]}, r"current must be a scalar or have shape \(3,\)"),
        ({"record_voltage": [5]}, r"record_voltage must be True, False or neuron indices in \[0, 2\]"),
        ({"current_start": 0.2, "current_stop": 0.1}, r"current_start and current_stop must satisfy"),
        ({"bin_width": 2.0}, r"bin_width must be <= duration"),
        ({"target": "gpu"}, r"Invalid value for the 'target' parameter.*'gpu'"),
        ({"synapse": "chemical"}, r"Invalid value for the 'synapse' parameter"),
        ({"poisson_n": -1}, r"poisson_n must be >= 0"),
    ],
)
def test_simulate_lif_refuses_bad_values(kwargs, message):
    base = {"duration": 0.1}
    with pytest.raises(ValueError, match=message):
        simulate_lif(3, **{**base, **kwargs})


@pytest.mark.parametrize(
    "kwargs, name, unit",
    [
        ({"tau_m": 10 * b2.mV}, "tau_m", "second"),
        ({"duration": 1 * b2.nA}, "duration", "second"),
        ({"current": 1 * b2.mV}, "current", "amp"),
        ({"sigma": 1 * b2.nA}, "sigma", "volt"),
        ({"v_threshold": 5 * b2.ms}, "v_threshold", "volt"),
        ({"poisson_rate": 5 * b2.second, "poisson_n": 2}, "poisson_rate", "hertz"),
        ({"resistance": 1 * b2.siemens}, "resistance", "ohm"),
    ],
)
def test_wrong_dimension_names_argument_and_unit(kwargs, name, unit):
    with pytest.raises(b2.DimensionMismatchError, match=rf"{name} must be a quantity in {unit}"):
        simulate_lif(2, **{"duration": 0.05, **kwargs})
    with pytest.raises(ValueError, match=rf"{name} must be a quantity in {unit}"):
        simulate_lif(2, **{"duration": 0.05, **kwargs})


def test_unit_error_is_both_value_error_and_brian2_error():
    assert issubclass(UnitError, ValueError) and issubclass(UnitError, b2.DimensionMismatchError)


def test_quantities_and_si_floats_are_interchangeable():
    assert lif_rate(300 * b2.pA, tau_m=10 * b2.ms) == lif_rate(0.3e-9, tau_m=0.01)


def test_theory_refuses_bad_input():
    with pytest.raises(ValueError, match=r"sigma must be > 0 V \(use lif_rate"):
        siegert_rate(0.01, 0.0)
    with pytest.raises(ValueError, match=r"tau_m must be > 0"):
        lif_rate(1e-9, tau_m=-0.01)
    with pytest.raises(ValueError, match=r"v_threshold must be above v_reset"):
        siegert_rate(0.01, 0.002, v_reset=-0.04)
    with pytest.raises(b2.DimensionMismatchError, match=r"mu must be a quantity in volt"):
        siegert_rate(1 * b2.nA, 2 * b2.mV)
    with pytest.raises(TypeError, match=r"t_ref must be a number in s"):
        lif_rate(1e-9, t_ref="2 ms")


def test_poisson_refuses_bad_input():
    with pytest.raises(ValueError, match=r"rate must be >= 0"):
        simulate_poisson(3, rate=-1.0, duration=0.1)
    with pytest.raises(ValueError, match=r"rate \* dt must be <= 1"):
        simulate_poisson(3, rate=2e4, duration=0.1)
    with pytest.raises(ValueError, match=r"n_neurons must be >= 1"):
        poisson_population(0, 5.0)
    with pytest.raises(ValueError, match=r"n_neurons must be >= 1"):
        lif_population(0)
    with pytest.raises(ValueError, match=r"sigma must be 0 unless noise=True"):
        lif_population(2, sigma=1e-3)


def test_analyses_refuse_bad_input():
    ds = spike_dataset([0.1, 0.2], [0, 1], n_neurons=2, t_stop=0.5)
    with pytest.raises(TypeError, match=r"spikes must be a spike dataset"):
        firing_rate(np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"t_stop must be > t_start"):
        firing_rate(ds, t_start=0.4, t_stop=0.1)
    with pytest.raises(ValueError, match=r"window must fit at least twice"):
        windowed_fano_factor(ds, window=0.4)
    with pytest.raises(ValueError, match=r"neurons must be labels"):
        psth(ds, neurons=[7])
    with pytest.raises(ValueError, match=r"spike_time and spike_neuron must have the same length"):
        spike_dataset([0.1], [0, 1])
    with pytest.raises(ValueError, match=r"spike_neuron must name neurons of the population; got unknown indices \[5\]"):
        spike_dataset([0.1], [5], n_neurons=2)


def test_converters_refuse_wrong_objects():
    with pytest.raises(TypeError, match=r"monitor must be a brian2 SpikeMonitor; got dict"):
        spike_monitor_to_dataset({})
    with pytest.raises(TypeError, match=r"monitor must be a brian2 StateMonitor"):
        state_monitor_to_dataarray([1, 2])


def test_standalone_device_refuses_negative_threads_and_leaves_runtime():
    with pytest.raises(ValueError, match=r"threads must be >= 0"):
        with standalone_device(threads=-1):
            pass
    assert type(b2.get_device()).__name__ == "RuntimeDevice"
