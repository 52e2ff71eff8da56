"""Synchronous recall's fast path against a plain loop, and the Dataset assembly against xarray's.

``_relax`` works on the state arrays in place while every cue runs, recomputes overlaps only
for the cues that changed (they are integer sums over n, exact) and assembles its Dataset
without xarray's general constructor. None of this may change a result: the plain loop below
is the textbook synchronous rule, S <- sign(S W) with ties keeping the state, each cue
stopping at a fixed point or a 2-cycle.
"""

import numpy as np
import pytest
import xarray as xr

from neurocomp import hopfield as hf


def _plain_sync(w, cues, xi, max_sweeps, tol):
    n = w.shape[0]
    states, n_sweeps, converged, cycle, energies, overlaps = [], [], [], [], [], []
    for cue in cues.astype(w.dtype):
        s, prev = cue.copy(), None
        e_traj, o_traj = [], []
        conv = cyc = False
        k = 0
        for sweep in range(max_sweeps + 1):
            h = s @ w
            e_traj.append(-0.5 * float(s @ h))
            o_traj.append(xi @ s / n)
            if sweep == max_sweeps or conv or cyc:
                break
            new = np.where(h > tol, 1.0, np.where(h < -tol, -1.0, s))
            if np.array_equal(new, s):
                conv = True
                break
            k += 1
            cyc = prev is not None and np.array_equal(new, prev)
            prev, s = s, new
        states.append(s)
        n_sweeps.append(k)
        converged.append(conv)
        cycle.append(cyc)
        energies.append(e_traj)
        overlaps.append(o_traj)
    return states, n_sweeps, converged, cycle, energies, overlaps


@pytest.mark.parametrize("n, n_patterns, flip", [(200, 10, 0.2), (200, 40, 0.4), (120, 60, 0.45)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sync_recall_equals_plain_loop(n, n_patterns, flip, dtype):
    xi = hf.random_patterns(n_patterns, n, rng=n_patterns)
    cues = hf.flip_bits(xi[np.arange(15) % n_patterns], flip, rng=1)
    net = hf.Hopfield(n, dtype=dtype).store(xi)
    ds = net.recall(cues, dynamics="sync", max_sweeps=12)
    states, n_sweeps, converged, cycle, energies, overlaps = _plain_sync(
        net.weights_, cues, xi.astype(float), 12, net.tie_tolerance_)
    np.testing.assert_array_equal(ds.state.values, np.array(states))
    np.testing.assert_array_equal(ds.n_sweeps.values, n_sweeps)
    np.testing.assert_array_equal(ds.converged.values, converged)
    np.testing.assert_array_equal(ds.cycle.values, cycle)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    for i in range(len(cues)):  # a stopped cue keeps its last values in later sweeps
        e, o = np.array(energies[i]), np.array(overlaps[i])
        k = len(e)
        np.testing.assert_allclose(ds.energy_trajectory.values[i, :k], e, rtol=rtol, atol=1e-9)
        np.testing.assert_allclose(ds.energy_trajectory.values[i, k:], e[-1], rtol=rtol, atol=1e-9)
        # integer sums / n: exact in float64 (float32 weights divide in float32)
        o_tol = 1e-7 if dtype == "float32" else 0
        np.testing.assert_allclose(ds.overlap_trajectory.values[i, :k], o, rtol=o_tol, atol=0)
        np.testing.assert_allclose(ds.overlap_trajectory.values[i, k:], np.broadcast_to(o[-1], ds.overlap_trajectory.values[i, k:].shape),
                                   rtol=o_tol, atol=0)


def test_dataset_assembly_equals_xarray_constructor():
    data = {
        "state": (("cue", "neuron"), np.ones((3, 5), np.int8), {"long_name": "final state", "units": "1"}),
        "energy_trajectory": (("cue", "sweep"), np.zeros((3, 2)), {"long_name": "energy", "units": "1"}),
    }
    sizes = {"cue": 3, "neuron": 5, "sweep": 2}
    coord_attrs = {"sweep": {"long_name": "sweep", "units": "1"}}
    fast = hf._range_dataset(data, sizes, coord_attrs, {"dynamics": "sync"})
    public = xr.Dataset(data, coords={d: (d, np.arange(k), coord_attrs.get(d, {})) for d, k in sizes.items()},
                        attrs={"dynamics": "sync"})
    assert fast.identical(public)
    assert list(fast.variables) == list(public.variables)
    again = hf._range_dataset(data, sizes, coord_attrs, {"dynamics": "sync"})  # the shared indexes
    again.sweep.attrs["units"] = "changed"
    again.attrs["dynamics"] = "changed"
    assert fast.sweep.attrs["units"] == "1" and fast.attrs["dynamics"] == "sync"  # nothing shared leaks
    with pytest.raises(ValueError):
        fast.neuron.values[0] = 7  # the shared index values are read-only
    assert fast.sel(neuron=3).sizes == {"cue": 3, "sweep": 2}
