"""Code-generation targets: the persistent cython cache and the opt-in C++ standalone device.

Both need a C compiler and cold compiles take tens of seconds here, so they are
marked ``slow``.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import brian2 as b2

from neurocomp.spiking import cache_dir, default_codegen_target, set_codegen_target, simulate_lif
from neurocomp.spiking.backend import brian2_settings

_RUN = textwrap.dedent(
    """
    import numpy as np
    from neurocomp.spiking import simulate_lif
    ds = simulate_lif(4, current=np.linspace(0.1e-9, 0.5e-9, 4), sigma=1e-3, duration=0.05,
                      target="cython", rng=1)
    print(ds.sizes["spike"])
    """
)


def _snapshot(folder):
    return {
        os.path.relpath(os.path.join(root, f), folder): os.stat(os.path.join(root, f)).st_mtime_ns
        for root, _, files in os.walk(folder)
        for f in files
        if not f.endswith(".lock")  # brian2 touches its lock files on every load
    }


def test_cache_dir_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCOMP_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path / "brian2" and cache_dir().is_dir()
    with brian2_settings("numpy") as target:
        assert target == "numpy"
        assert b2.prefs["codegen.runtime.cython.cache_dir"] == str(tmp_path / "brian2" / "cython")
    assert b2.prefs["codegen.runtime.cython.cache_dir"] != str(tmp_path / "brian2" / "cython")


def test_set_codegen_target_overrides_and_resets():
    before = default_codegen_target()
    try:
        set_codegen_target("numpy")
        assert default_codegen_target() == "numpy"
    finally:
        set_codegen_target(None)
    assert default_codegen_target() == before


@pytest.mark.slow
@pytest.mark.spiking
def test_second_identical_cython_run_compiles_nothing(tmp_path):
    env = {**os.environ, "NEUROCOMP_CACHE_DIR": str(tmp_path)}
    env.pop("NEUROCOMP_BRIAN2_TARGET", None)
    first = subprocess.run([sys.executable, "-c", _RUN], env=env, capture_output=True, text=True, check=True)
    folder = tmp_path / "brian2" / "cython"
    after_first = _snapshot(folder)
    assert any(name.endswith((".so", ".pyd")) for name in after_first), after_first
    second = subprocess.run([sys.executable, "-c", _RUN], env=env, capture_output=True, text=True, check=True)
    assert _snapshot(folder) == after_first  # no new or rewritten compiled file
    assert first.stdout == second.stdout  # and the same seeded result


@pytest.mark.slow
@pytest.mark.spiking
def test_standalone_reproduces_runtime_and_restores_device():
    currents = np.linspace(0.21e-9, 0.6e-9, 6)
    a = simulate_lif(6, current=currents, duration=0.2, target="standalone", rng=0)
    assert type(b2.get_device()).__name__ == "RuntimeDevice"
    b = simulate_lif(6, current=currents, duration=0.2, target="numpy", rng=0)
    assert a.attrs["target"] == "standalone"
    np.testing.assert_array_equal(a["spike_time"].values, b["spike_time"].values)
    np.testing.assert_array_equal(a["spike_neuron"].values, b["spike_neuron"].values)


def _compiled(folder):
    return {name: mtime for name, mtime in _snapshot(folder).items() if name.endswith((".o", ".cpp", ".h", "main"))}


@pytest.mark.slow
@pytest.mark.spiking
def test_standalone_reuses_its_build_and_takes_the_seed_at_run_time(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCOMP_CACHE_DIR", str(tmp_path))
    kw = dict(current=0.15e-9, sigma=2e-3, poisson_rate=20.0, poisson_n=50, poisson_weight=1e-3, duration=0.1,
              target="standalone")
    a = simulate_lif(20, rng=3, **kw)
    folder = tmp_path / "brian2" / "standalone"
    built = _compiled(folder)
    assert any(name.endswith("main") for name in built) and a.sizes["spike"] > 0
    b = simulate_lif(20, rng=3, **kw)  # same process: brian2's caches still hold the first run's objects
    simulate_lif(20, rng=3, **{**kw, "target": "numpy"})  # and objects of the same names on another target
    c = simulate_lif(20, rng=4, **kw)
    assert _compiled(folder) == built  # nothing regenerated, recompiled or relinked
    np.testing.assert_array_equal(a["spike_time"].values, b["spike_time"].values)
    np.testing.assert_array_equal(a["spike_neuron"].values, b["spike_neuron"].values)
    assert a.sizes["spike"] != c.sizes["spike"] or not np.array_equal(a["spike_time"].values, c["spike_time"].values)
    assert a.attrs["brian2_seed"] != c.attrs["brian2_seed"]


@pytest.mark.slow
@pytest.mark.spiking
def test_standalone_poisson_input_draws_brian2s_random_numbers(tmp_path, monkeypatch):
    """The run-time seed and the fixed-name Poisson drive reproduce brian2.seed + PoissonInput exactly."""
    monkeypatch.setenv("NEUROCOMP_CACHE_DIR", str(tmp_path))
    ds = simulate_lif(30, poisson_rate=10.0, poisson_n=500, poisson_weight=0.5e-3, duration=0.1,
                      target="standalone", rng=7)
    b2.set_device("cpp_standalone", directory=str(tmp_path / "direct"), build_on_run=False)
    try:
        b2.seed(ds.attrs["brian2_seed"])
        group = b2.NeuronGroup(30, "dv/dt = (v_rest - v) / tau_m : volt (unless refractory)",
                               threshold="v > v_threshold", reset="v = v_reset", refractory=2 * b2.ms,
                               method="exact", dt=0.1 * b2.ms, namespace={
                                   "tau_m": 10 * b2.ms, "v_rest": -70 * b2.mV, "v_reset": -70 * b2.mV,
                                   "v_threshold": -50 * b2.mV})
        group.v = -70 * b2.mV
        pin = b2.PoissonInput(group, "v", 500, 10 * b2.Hz, weight=0.5 * b2.mV)
        mon = b2.SpikeMonitor(group)
        b2.Network(group, pin, mon).run(0.1 * b2.second, namespace={})
        b2.device.build(directory=str(tmp_path / "direct"), compile=True, run=True, with_output=False)
        times, which = np.asarray(mon.t_).copy(), np.asarray(mon.i).copy()
    finally:
        b2.device.reinit()
        b2.set_device("runtime")
    assert times.size > 0
    np.testing.assert_allclose(ds["spike_time"].values, times, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ds["spike_neuron"].values, which)
