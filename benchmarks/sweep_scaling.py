"""How a 64-point Hopfield capacity sweep scales from in-process to a local dask cluster.

Run::

    python benchmarks/sweep_scaling.py [--workers 2] [--repeats 1]

It prints, for the same sweep (4 network sizes x 16 loads, one seed each):

* the in-process wall time,
* the wall time on ``--workers N`` local worker processes, with and without the
  cluster's start-up, and the speed-up (goal: >= 1.7x with 2 workers on 2
  otherwise idle cores),
* dask's per-point overhead: the extra wall time per point of 64 runs that do
  no work, on the warm cluster versus in-process (goal: < 50 ms).

Every process uses one BLAS thread, so in-process and worker runs compare like
with like. The capacity point is defined here (Hebbian storage, synchronous
recall from cues with 10 % flipped bits) so that the benchmark runs without the
hopfield module; ``--experiment NAME --grid JSON [--params JSON]`` sweeps any
other experiment, e.g. the registered ``hopfield_capacity``::

    python benchmarks/sweep_scaling.py --experiment hopfield_capacity \
        --grid '{"n_neurons": {"start": 100, "stop": 400, "num": 16}, "flip_fraction": [0, 0.05, 0.1, 0.2]}' \
        --params '{"loads": [0.1, 0.14], "trials": 1, "n_cues": 10}'

"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from typing import Annotated  # noqa: E402

import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from neurocomp.experiments import ExperimentResult, Range  # noqa: E402
from neurocomp.random import as_generator  # noqa: E402
from neurocomp.sweep import local_client, run_sweep  # noqa: E402

GRID = {"n_neurons": [200, 400, 600, 800], "load": {"start": 0.02, "stop": 0.32, "num": 16}}


def capacity_point(
    *,
    n_neurons: Annotated[int, Range(2, None)] = 200,
    load: Annotated[float, Range(0, 1, low_open=True)] = 0.1,
    flip: Annotated[float, Range(0, 0.5)] = 0.1,
    n_sets: Annotated[int, Range(1, None)] = 3,
    n_steps: Annotated[int, Range(1, None)] = 20,
    rng=None,
) -> ExperimentResult:
    """Fraction of stored patterns recalled (overlap > 0.95) at a given load P/N.

    ``n_sets`` independent pattern sets are stored one after another; the cues
    of one set are recalled together (a batch of P states).
    """
    cpu_start = time.process_time()
    gen = as_generator(rng)
    n_patterns = max(1, int(round(load * n_neurons)))
    recalled = np.empty(n_sets)
    for k in range(n_sets):
        patterns = gen.choice(np.array([-1.0, 1.0]), size=(n_patterns, n_neurons))
        weights = patterns.T @ patterns / n_neurons
        np.fill_diagonal(weights, 0.0)
        states = np.where(gen.random(patterns.shape) < flip, -patterns, patterns)
        for _ in range(n_steps):
            new = np.where(states @ weights >= 0, 1.0, -1.0)
            if np.array_equal(new, states):
                break
            states = new
        overlap = (states * patterns).mean(axis=1)
        recalled[k] = np.mean(overlap > 0.95)
    ds = xr.Dataset({"recalled": ("trial", recalled, {"units": "1", "long_name": "fraction of patterns recalled"}),
                     "cpu_s": ((), time.process_time() - cpu_start, {"units": "s", "long_name": "CPU time of the run"})},
                    coords={"trial": np.arange(n_sets)})
    return ExperimentResult(dataset=ds)


def noop_point(*, index: int = 0, rng=None) -> ExperimentResult:
    """A point that does no work: what is left of its wall time is overhead."""
    return ExperimentResult(dataset=xr.Dataset({"index": ((), index)}))


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return time.perf_counter() - start, out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="repeat each timing, keep the fastest")
    parser.add_argument("--experiment", help="sweep this experiment instead (name or module:function)")
    parser.add_argument("--grid", help="the grid as JSON (with --experiment)")
    parser.add_argument("--params", help="fixed parameters as JSON (with --experiment)")
    args = parser.parse_args(argv)
    target = args.experiment or capacity_point
    grid = json.loads(args.grid) if args.grid else GRID
    base = json.loads(args.params) if args.params else None
    n_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{n_cores} cores, load average {os.getloadavg()[0]:.2f}; sweep of {target if args.experiment else 'capacity_point'}")

    t_in, ds_in = timed(run_sweep, target, grid, base_params=base, progress=False)
    for _ in range(args.repeats - 1):
        t_in = min(t_in, timed(run_sweep, target, grid, base_params=base, progress=False)[0])
    n_points = int(np.prod([len(v) if isinstance(v, list) else v["num"] for v in grid.values()]))
    print(f"  in-process:                 {t_in:7.2f} s  ({n_points} points, {1000 * t_in / n_points:.0f} ms/point)")

    t_cold, _ = timed(run_sweep, target, grid, base_params=base, workers=args.workers, progress=False)
    print(f"  --workers {args.workers} (with start-up): {t_cold:7.2f} s  speed-up {t_in / t_cold:.2f}x")

    with local_client(args.workers) as client:  # the cluster --workers starts
        run_sweep(noop_point, {"index": [-1, -2]}, client=client, progress=False)  # warm the workers
        t_warm, ds_warm = timed(run_sweep, target, grid, base_params=base, client=client, progress=False)
        for _ in range(args.repeats - 1):
            t_warm = min(t_warm, timed(run_sweep, target, grid, base_params=base, client=client,
                                       progress=False)[0])
        print(f"  --workers {args.workers} (warm cluster):  {t_warm:7.2f} s  speed-up {t_in / t_warm:.2f}x")
        if "cpu_s" in ds_in:
            cpu_in, cpu_dask = float(ds_in["cpu_s"].sum()), float(ds_warm["cpu_s"].sum())
            print(f"  CPU time of the runs: in-process {cpu_in:.2f} s, on workers {cpu_dask:.2f} s "
                  f"(ratio {cpu_dask / cpu_in:.2f}); the wall-time speed-up is bounded by the idle cores")
        noop_grid = {"index": list(range(n_points))}
        t_noop_in = min(timed(run_sweep, noop_point, noop_grid, progress=False)[0] for _ in range(args.repeats))
        t_noop_dask = min(timed(run_sweep, noop_point, noop_grid, client=client, progress=False)[0]
                          for _ in range(args.repeats))
    overhead = (t_noop_dask - t_noop_in) / n_points
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    print(f"  no-op points: in-process {1000 * t_noop_in / n_points:.1f} ms/point, dask "
          f"{1000 * t_noop_dask / n_points:.1f} ms/point -> dask overhead {1000 * overhead:.1f} ms/point")


if __name__ == "__main__":
    main()
