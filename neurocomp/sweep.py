"""Parameter sweeps: a grid over an experiment's parameters, run in-process or on dask.distributed.

A sweep runs one experiment (the same function ``neurocomp run`` calls) at
every point of a grid over its parameters, ``seeds`` times per point, and
merges the per-point Datasets into one Dataset with one dimension per swept
parameter plus ``seed``.

Three properties make sweeps safe to scale out and to interrupt:

* **Order-free randomness.** Each run gets its own integer seed, derived from
  the sweep seed, the run's resolved parameters and its repeat index through
  :class:`numpy.random.SeedSequence` (see :func:`child_seed`). Which worker runs
  a point, and in which order, does not change its result; the seed is stored
  in the merged Dataset (variable ``point_seed``), so any single point can be
  made again with ``neurocomp run --seed``.
* **Resumable, and verified.** With a ``cache_dir``, each finished run is
  written atomically to ``cache_dir/<hash>.nc``, the hash being that of the
  experiment's name, its resolved parameters, its seed and the neurocomp
  version (after changing an experiment's code, delete the cache folder). A
  rerun loads finished runs instead of computing them again, so an interrupted
  sweep resumes where it stopped, and a grid that grows only computes its new
  points. Each file records its experiment, parameters, seed, version and a
  SHA-256 checksum of its data (:func:`data_checksum`); a file that does not
  match its point (swapped with another, edited, truncated, from another
  version) is recomputed with a warning naming it, never merged.
* **Nothing lost in the merge.** The runs' own attrs (e.g. the likelihood
  method of an RBM, exact or AIS by size) are kept: an attr equal in every run
  stays an attr; one that differs becomes a variable along the swept dims.
* **Bounded.** A grid is counted before it is expanded (at most
  :data:`MAX_SWEEP_RUNS` runs), ``workers`` is at most
  :data:`MAX_WORKERS_PER_CORE` x the CPU cores, and the experiment's memory
  estimate (``@experiment(..., memory=...)``) times the concurrent runs must fit
  in the memory available, all checked before anything runs.
* **Scale-out on an existing engine.** ``workers=N`` starts a
  ``distributed.LocalCluster`` of N single-threaded worker processes on
  127.0.0.1; ``scheduler="tcp://host:8786"`` joins a cluster started by hand::

      dask scheduler                      # on one machine; prints its address
      dask worker tcp://HOST:8786         # on each machine

  Every worker needs the same Python environment: neurocomp and the module of
  the experiment must be importable there. dask reschedules the runs of a
  worker that dies. The cache is written by the process that runs the sweep,
  so workers need no shared file system.

Command line
------------
``neurocomp sweep SPEC.toml [--workers N | --scheduler ADDRESS] [--out DIR]
[--seeds N] [--seed S] [--set KEY=VALUE]`` reads the spec's ``[sweep]`` table::

    [sweep]
    n_neurons = [100, 200, 400]                     # a list of values
    load = {start = 0.05, stop = 0.2, num = 4}       # or a range (linspace)
    seeds = 5                                        # repeats per point
    plot = {x = "load", variable = "mean_overlap"}   # optional: the figure's axes

(``seeds`` and ``plot`` are reserved names, not grid parameters) and writes
``DIR/results.nc``, ``DIR/summary.json``, ``DIR/sweep.png`` (drawn by
:func:`plot_sweep`, or by the experiment's own ``sweep_figure(ds)`` attribute
when it has one, returning a Figure or a dict of name to Figure; an experiment's
``sweep_summary(ds)`` attribute adds its own keys to summary.json) and the cache
``DIR/cache/``. Rerun with the same ``--out`` to resume.

Exit status: 0 when every run finished; 2 for a user error (bad spec or grid,
``--set`` on a swept key, too many runs or workers, not enough memory, a
scheduler address that is malformed or does not answer, dask missing), one line
on stderr before anything is written; 3 when runs raised (each is named on
stderr and in summary.json with its error; their cells are NaN in results.nc
and the other runs are kept; a rerun redoes only them); 130 on Ctrl-C (one line:
how many runs are cached, and that rerunning the command resumes); 1 for an
internal error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import hashlib
import itertools
import json
import numbers
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from neurocomp._validation import NeurocompError, ValidationError, check_int
from neurocomp.io import to_jsonable

__all__ = [
    "run_sweep",
    "local_client",
    "expand_grid",
    "count_runs",
    "check_sweep_memory",
    "check_scheduler_address",
    "check_workers",
    "child_seed",
    "sweep_points",
    "SweepPoint",
    "SweepError",
    "plot_sweep",
    "data_checksum",
    "add_cli",
    "EXIT_POINTS_FAILED",
]

#: Exit status of ``neurocomp sweep`` when some runs raised (the others are kept).
EXIT_POINTS_FAILED = 3

#: Seconds to wait for a dask scheduler to answer before giving up.
SCHEDULER_TIMEOUT_S = 5.0

#: Environment of the worker processes of a local cluster: one BLAS thread each.
WORKER_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    # workers log errors only: a sweep reports failed runs itself, and tearing a cluster down on
    # Ctrl-C made every worker log a warning per cancelled task
    "DASK_LOGGING__DISTRIBUTED": "error",
}

#: Most runs (grid points x seeds) a sweep may have; a larger grid is refused before it is expanded.
MAX_SWEEP_RUNS = 100_000

#: ``workers`` may be at most this many times the machine's CPU cores.
MAX_WORKERS_PER_CORE = 4

_RANGE_KEYS = {"start", "stop", "num"}
_RESERVED = ("seed", "seeds", "rng", "point_seed")


class SweepError(NeurocompError):
    """Some runs of a sweep raised.

    Parameters
    ----------
    message : str
        The error message.
    failures : sequence of (SweepPoint, str), optional
        Each failed run and its error message (stored as the list ``failures``).

    Attributes
    ----------
    failures : list of (SweepPoint, str)
        Each failed run and its error message. The runs that finished are
        cached (when a cache folder was given), so a rerun only redoes these.

    Examples
    --------
    >>> err = SweepError("1 of 4 runs failed", [("point", "ValueError: bad")])
    >>> str(err), err.failures
    ('1 of 4 runs failed', [('point', 'ValueError: bad')])
    """

    def __init__(self, message: str, failures=()):
        super().__init__(message)
        self.failures = list(failures)


@dataclasses.dataclass(frozen=True)
class SweepPoint:
    """One run of a sweep: a grid point and a repeat index.

    Parameters
    ----------
    values : dict
        The swept parameters' values at this point.
    repeat : int
        Index along the ``seed`` dimension, ``0 <= repeat < seeds``.
    params : dict
        All keyword arguments of the experiment (defaults filled in).
    seed : int
        The integer ``rng`` this run gets (see :func:`child_seed`).
    key : str
        Hash of experiment, params, seed and neurocomp version; the run's cache file name.

    Examples
    --------
    >>> point = SweepPoint({"n": 100}, 0, {"n": 100, "m": 2}, 12345, "abc")
    >>> point.describe()
    'n=100, seed #0'
    """

    values: dict
    repeat: int
    params: dict
    seed: int
    key: str

    def describe(self) -> str:
        """``"n_neurons=100, load=0.1, seed #2"`` for messages."""
        shown = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{shown}, seed #{self.repeat}"


# ----------------------------------------------------------------------------- grid


def _is_scalar(value) -> bool:
    return isinstance(value, (str, bool, numbers.Real)) and not isinstance(value, complex)


def _expand_range(name: str, spec: Mapping) -> list:
    keys = set(spec)
    if keys - (_RANGE_KEYS | {"log"}) or not _RANGE_KEYS <= keys:
        raise ValidationError(
            f"grid[{name!r}] must be a list of values or a range {{start=..., stop=..., num=...}} "
            f"(optionally log=true); got keys {sorted(keys)}"
        )
    start, stop, num, log = spec["start"], spec["stop"], spec["num"], spec.get("log", False)
    for key, value in (("start", start), ("stop", stop)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValidationError(f"grid[{name!r}].{key} must be a finite number; got {value!r}")
    if isinstance(num, bool) or not isinstance(num, numbers.Integral) or num < 1:
        raise ValidationError(f"grid[{name!r}].num must be an integer >= 1; got {num!r}")
    if num > MAX_SWEEP_RUNS:
        raise ValidationError(f"grid[{name!r}].num must be <= {MAX_SWEEP_RUNS:,}; got {num:,}")
    if not isinstance(log, bool):
        raise ValidationError(f"grid[{name!r}].log must be true or false; got {log!r}")
    if log:
        if start <= 0 or stop <= 0:
            raise ValidationError(f"grid[{name!r}] with log=true needs start, stop > 0; got {start!r}, {stop!r}")
        values = np.geomspace(start, stop, int(num))
    else:
        values = np.linspace(start, stop, int(num))
    integral = all(isinstance(v, numbers.Integral) for v in (start, stop))
    if integral and np.allclose(values, np.round(values), rtol=0, atol=1e-9):
        return [int(v) for v in np.round(values)]
    return [float(v) for v in values]


def count_runs(grid: Mapping, seeds: int = 1) -> int:
    """Number of runs of a grid (product of the value counts, times ``seeds``), without expanding it.

    Parameters
    ----------
    grid : mapping of str to list or dict
        Parameter name -> list of values or a range ``{"start", "stop", "num"}``
        (see :func:`expand_grid`).
    seeds : int, default 1
        Repeats of every grid point.

    Returns
    -------
    int
        The number of runs.

    Raises
    ------
    ValidationError
        When the count exceeds :data:`MAX_SWEEP_RUNS` (a 10**9-point grid is
        refused here, before a single value is made).

    Examples
    --------
    >>> count_runs({"n": {"start": 1, "stop": 10, "num": 10}, "mode": ["a", "b"]}, seeds=3)
    60
    """
    if not isinstance(grid, Mapping):
        raise ValidationError(f"grid must be a mapping of parameter name to values; got {type(grid).__name__}")
    sizes = {}
    for name, values in grid.items():
        if isinstance(values, Mapping):
            num = values.get("num")
            if isinstance(num, bool) or not isinstance(num, numbers.Integral):
                continue  # expand_grid names the fault
            sizes[name] = max(int(num), 0)
        elif isinstance(values, (list, tuple, np.ndarray)):
            sizes[name] = len(values)
    total = int(seeds)
    for n in sizes.values():
        total *= n
    if total > MAX_SWEEP_RUNS:
        shown = " x ".join(f"{n:,} {k}" for k, n in sizes.items())
        raise ValidationError(
            f"the sweep grid has {total:,} runs ({shown} x {int(seeds)} seeds); at most {MAX_SWEEP_RUNS:,} are "
            "allowed: use fewer values per parameter (or split the sweep)"
        )
    return total


def expand_grid(grid: Mapping) -> dict[str, list]:
    """Resolve a grid: ranges become lists; values are checked to be distinct scalars.

    Parameters
    ----------
    grid : mapping of str to list or dict
        Parameter name -> list of values, or a range ``{"start": a, "stop": b,
        "num": n}`` (``numpy.linspace``; add ``"log": True`` for
        ``numpy.geomspace``). A range with integer ends whose values are all
        integers gives ints.

    Returns
    -------
    dict of str to list
        The values per parameter, in grid order.

    Examples
    --------
    >>> expand_grid({"n": {"start": 100, "stop": 400, "num": 4}, "mode": ["a", "b"]})
    {'n': [100, 200, 300, 400], 'mode': ['a', 'b']}
    """
    if not isinstance(grid, Mapping):
        raise ValidationError(f"grid must be a mapping of parameter name to values; got {type(grid).__name__}")
    if not grid:
        raise ValidationError(
            "grid must name at least one parameter with a non-empty list of values; got an empty grid"
        )
    out: dict[str, list] = {}
    for name, values in grid.items():
        if not isinstance(name, str):
            raise ValidationError(f"grid keys must be parameter names (str); got {name!r}")
        if name in _RESERVED:
            raise ValidationError(
                f"grid key {name!r} is reserved; set the number of repeats with seeds=N and the sweep seed with seed="
            )
        if isinstance(values, Mapping):
            values = _expand_range(name, values)
        elif isinstance(values, np.ndarray):
            values = values.tolist()
        elif isinstance(values, (list, tuple)):
            values = [v.item() if isinstance(v, np.generic) else v for v in values]
        else:
            raise ValidationError(
                f"grid[{name!r}] must be a list of values or a range {{start=..., stop=..., num=...}}; "
                f"got {type(values).__name__} {values!r}"
            )
        if not values:
            raise ValidationError(f"grid[{name!r}] must hold at least one value; got an empty list")
        bad = [v for v in values if not _is_scalar(v)]
        if bad:
            raise ValidationError(
                f"grid[{name!r}] must hold numbers, strings or booleans (one per grid point); got {bad[0]!r}"
            )
        if len({(type(v), v) for v in values}) != len(values):
            raise ValidationError(f"grid[{name!r}] must hold distinct values; got {values!r}")
        out[name] = list(values)
    return out


# ----------------------------------------------------------------------------- seeds and keys


def _digest(obj) -> bytes:
    text = json.dumps(to_jsonable(obj), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).digest()


def child_seed(sweep_seed: int, params: Mapping, repeat: int) -> int:
    """The integer seed of one run, from the sweep seed, its parameters and repeat index.

    A :class:`numpy.random.SeedSequence` with ``entropy=sweep_seed`` and a
    ``spawn_key`` made of a SHA-256 hash of the canonical JSON of ``params``
    followed by ``repeat``; the first 63 bits of its state are the seed.

    Parameters
    ----------
    sweep_seed : int
        The sweep's seed (``entropy`` of the SeedSequence).
    params : mapping
        The run's resolved parameters (JSON-able after :func:`neurocomp.io.to_jsonable`).
    repeat : int
        The run's repeat index.

    Returns
    -------
    int
        A seed in 0 … 2**63 - 1.

    Notes
    -----
    The seed depends on the resolved parameters, not on which of them are
    swept: the run ``n=100, load=0.1`` gets the same seed whether ``load`` was
    swept or fixed, and whatever the grid's order or the worker. Runs whose
    parameters differ get independent streams.

    Examples
    --------
    >>> child_seed(1, {"a": 1.0}, 0) == child_seed(1, {"a": 1.0}, 0)
    True
    >>> child_seed(1, {"a": 1.0}, 0) == child_seed(1, {"a": 1.0}, 1)
    False
    """
    words = np.frombuffer(_digest(params)[:16], dtype="<u4").tolist()
    seq = np.random.SeedSequence(entropy=int(sweep_seed), spawn_key=(*words, int(repeat)))
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _point_key(experiment: str, params: Mapping, seed: int) -> str:
    """Cache key of one run. The neurocomp version is part of it, so a new release recomputes."""
    from neurocomp import __version__

    return _digest({"experiment": experiment, "params": params, "seed": seed,
                    "neurocomp_version": __version__}).hex()[:32]


# ----------------------------------------------------------------------------- resolving what to run


def _experiment_name(func: Callable) -> str:
    name = getattr(func, "experiment_name", None)
    return name if name else f"{func.__module__}:{func.__qualname__}"


def _resolve_target(spec_or_function, base_params):
    """Return (function, experiment name, title, base params) for what to sweep."""
    from neurocomp.experiments import get
    from neurocomp.specs import Spec

    if isinstance(spec_or_function, Spec):
        func = get(spec_or_function.experiment)
        name, title = spec_or_function.experiment, spec_or_function.title
        base = {**spec_or_function.params, **(base_params or {})}
    elif isinstance(spec_or_function, str):
        func = get(spec_or_function)
        name, title, base = spec_or_function, spec_or_function, dict(base_params or {})
    elif callable(spec_or_function):
        func = spec_or_function
        name = _experiment_name(func)
        title, base = name, dict(base_params or {})
    else:
        raise ValidationError(
            "spec_or_function must be a Spec, an experiment name or an experiment function; "
            f"got {type(spec_or_function).__name__}"
        )
    if base_params is not None and not isinstance(base_params, Mapping):
        raise ValidationError(f"base_params must be a mapping; got {type(base_params).__name__}")
    return func, name, title, base


def sweep_points(func: Callable, grid: Mapping, *, seeds: int = 1, base_params=None, seed: int = 0,
                 experiment: str | None = None) -> tuple[dict, list[SweepPoint]]:
    """Validate a sweep and list its runs, in grid order (last parameter fastest, then repeat).

    Every run's parameters are checked with :func:`neurocomp.specs.validate_params`
    before anything runs: a grid key that is not a parameter of the experiment
    raises a :class:`ValidationError` that lists the valid ones.

    Parameters
    ----------
    func : callable
        The experiment function (its keyword parameters are the allowed grid keys).
    grid : mapping of str to list or dict
        Parameter name -> values or a range (see :func:`expand_grid`).
    seeds : int, default 1
        Repeats of every grid point, each with its own seed.
    base_params : dict, optional
        The spec's fixed parameters; grid values override them.
    seed : int, default 0
        The sweep seed from which every run's seed is derived (:func:`child_seed`).
    experiment : str, optional
        The experiment's registered name, for messages and cache keys (default: found from
        ``func``).

    Returns
    -------
    grid : dict of str to list
        The expanded grid.
    points : list of SweepPoint

    Examples
    --------
    >>> from neurocomp.experiments import get
    >>> grid, points = sweep_points(get("brownian_einstein"), {"n_walkers": [100, 200]}, seeds=2, seed=1)
    >>> grid, len(points), points[0].describe()
    ({'n_walkers': [100, 200]}, 4, 'n_walkers=100, seed #0')
    """
    from neurocomp.specs import SpecError, _params_of, validate_params

    experiment = experiment or _experiment_name(func)
    seeds = check_int("seeds", seeds, low=1, high=MAX_SWEEP_RUNS)
    seed = check_int("seed", seed, low=0, high=2**63 - 1)
    count_runs(grid, seeds)  # before any value is made
    grid = expand_grid(grid)
    allowed = sorted(_params_of(func))
    unknown = [k for k in grid if k not in allowed]
    if unknown:
        raise SpecError(
            f"sweep key(s) {unknown} are not parameters of experiment {experiment!r}; "
            f"allowed keys are {allowed}"
        )
    base = dict(base_params or {})
    points = []
    for combo in itertools.product(*grid.values()):
        values = dict(zip(grid, combo))
        try:
            params = validate_params(func, {**base, **values}, experiment=experiment)
        except SpecError as exc:
            raise SpecError(f"sweep point {values}: {exc}") from None
        for repeat in range(seeds):
            s = child_seed(seed, params, repeat)
            points.append(SweepPoint(values, repeat, params, s, _point_key(experiment, params, s)))
    return grid, points


def check_sweep_memory(func: Callable, points: list[SweepPoint], *, concurrency: int = 1,
                       available: int | None = None, experiment: str | None = None) -> float | None:
    """Refuse a sweep whose concurrent runs would not fit in memory; return the largest per-run estimate.

    Uses the experiment's own memory estimate (``@experiment(..., memory=...)``),
    which may also refuse a point whose work is too large (``check_work``): the
    message then names the point.
    ``concurrency`` runs (the workers) are assumed to run at once, each as large as
    the largest point. Experiments without an estimate are not checked (None).

    Parameters
    ----------
    func : callable
        The experiment function (with its ``memory_estimate``, if any).
    points : list of SweepPoint
        The sweep's runs (from :func:`sweep_points`); points with equal parameters are
        estimated once.
    concurrency : int, default 1
        Runs assumed to be in memory at once (the number of workers).
    available : int, optional
        Bytes available (default: what the machine has free now).
    experiment : str, optional
        The experiment's name, for the message.

    Returns
    -------
    float or None
        The largest per-run estimate in bytes, or None when the experiment has no estimate.

    Raises
    ------
    ValidationError
        When ``concurrency`` runs of the largest point would need more than ``available``.

    Examples
    --------
    >>> from neurocomp.experiments import get
    >>> func = get("brownian_einstein")
    >>> _, points = sweep_points(func, {"n_walkers": [100, 200]}, seeds=2)
    >>> check_sweep_memory(func, points) > 0                 # bytes of the largest run, by estimate
    True
    """
    from neurocomp.experiments._registry import _bytes, available_memory, estimate_memory

    if getattr(func, "memory_estimate", None) is None:
        return None
    seen, worst, worst_point = set(), 0.0, None
    for point in points:
        key = _params_json(point.params)
        if key in seen:
            continue
        seen.add(key)
        try:  # the estimator may also refuse a run's work (check_work): name the point
            est = estimate_memory(func, point.params)
        except ValidationError as exc:
            raise ValidationError(f"sweep point {point.values}: {exc}") from None
        if est is not None and est > worst:
            worst, worst_point = est, point
    limit = available_memory() if available is None else available
    need = worst * max(1, min(int(concurrency), len(seen)))
    if worst_point is not None and limit is not None and need > limit:
        shown = ", ".join(f"{k}={v!r}" for k, v in worst_point.values.items())
        runs = f"{min(int(concurrency), len(seen))} concurrent runs of up to" if concurrency > 1 else "its largest run,"
        raise ValidationError(
            f"sweep of experiment {experiment or _experiment_name(func)!r} needs about {_bytes(need)} of memory by "
            f"estimate ({runs} {_bytes(worst)} at {shown}); only {_bytes(limit)} is available on this machine: "
            "reduce the sizes in the grid or the number of workers"
        )
    return worst or None


# ----------------------------------------------------------------------------- running one point


def _run_point(func: Callable, params: dict, seed: int) -> xr.Dataset:
    """Run one point and return its Dataset (figures are closed, not shipped)."""
    result = func(**params, rng=int(seed))
    figures = getattr(result, "figures", None) or {}
    if figures:
        import matplotlib.pyplot as plt

        for fig in figures.values():
            plt.close(fig)
    ds = result.dataset if hasattr(result, "dataset") else result
    if isinstance(ds, xr.DataArray):
        ds = ds.to_dataset(name=ds.name or "data")
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"the experiment must return an ExperimentResult or a Dataset; got {type(result).__name__}")
    return ds.load()


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


#: Attributes a cache file carries to say which run it holds (see :class:`_Cache`).
_CACHE_ATTRS = ("sweep_cache_key", "sweep_cache_experiment", "sweep_cache_params", "sweep_cache_seed",
                "sweep_cache_version", "sweep_cache_sha256")


def _canonical_bytes(values: np.ndarray) -> bytes:
    """The bytes of an array in a form that survives a NetCDF round trip unchanged."""
    a = np.asarray(values)
    kind = a.dtype.kind
    if kind == "f":
        return np.ascontiguousarray(a, dtype="<f8").tobytes()
    if kind in "iu":
        return np.ascontiguousarray(a, dtype="<i8").tobytes()
    if kind == "b":
        return np.ascontiguousarray(a, dtype="u1").tobytes()
    if kind == "c":
        return np.ascontiguousarray(a, dtype="<c16").tobytes()
    if kind in "mM":
        return np.ascontiguousarray(a).view("<i8").tobytes()
    return json.dumps([str(v) for v in a.ravel().tolist()]).encode("utf-8")


def data_checksum(ds: xr.Dataset) -> str:
    """SHA-256 of a Dataset's content: every variable's name, dims, shape and values, and the attrs.

    Sweep bookkeeping attributes (``sweep_cache_*``) are left out, so the checksum
    of a run's data can be stored in its own cache file. Values are hashed in a
    canonical form (floats as float64, ints as int64, strings as text), so the
    checksum of a Dataset and of the same Dataset read back from NetCDF agree.

    Parameters
    ----------
    ds : xarray.Dataset
        The data to hash.

    Returns
    -------
    str
        ``"sha256:<hex>"``.

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"x": ("t", [1.0, 2.0])})
    >>> data_checksum(ds) == data_checksum(ds.copy(deep=True)), data_checksum(ds)[:7]
    (True, 'sha256:')
    """
    digest = hashlib.sha256()
    for name in sorted(ds.variables, key=str):
        var = ds.variables[name]
        attrs = {k: v for k, v in var.attrs.items() if k != "dtype_was"}
        digest.update(json.dumps([str(name), list(map(str, var.dims)), list(var.shape),
                                  to_jsonable(attrs)], sort_keys=True, default=str).encode("utf-8"))
        digest.update(_canonical_bytes(var.values))
    attrs = {k: v for k, v in ds.attrs.items() if k not in _CACHE_ATTRS}
    digest.update(json.dumps(to_jsonable(attrs), sort_keys=True, default=str).encode("utf-8"))
    return "sha256:" + digest.hexdigest()


def _params_json(params) -> str:
    return json.dumps(to_jsonable(params), sort_keys=True, separators=(",", ":"))


class _Cache:
    """Finished runs as NetCDF files named by their key (``None`` folder: memory only).

    Each file records which run it holds (``sweep_cache_key``, ``_experiment``,
    ``_params``, ``_seed``, ``_version``) and a SHA-256 checksum of its data
    (``sweep_cache_sha256``, :func:`data_checksum`). On resume a file is used only
    when all of these match its point; a file that does not (swapped with another
    point's, edited, truncated, written by another version) is recomputed with a
    warning naming it. The run's own attrs are kept (they are merged, not dropped).
    """

    def __init__(self, folder, experiment: str):
        self.folder = None if folder is None else Path(folder)
        self.experiment = experiment
        self.rejected: list[tuple[Path, str]] = []

    def path(self, point: SweepPoint) -> Path:
        return self.folder / f"{point.key}.nc"

    def _expected(self, point: SweepPoint) -> dict:
        from neurocomp import __version__

        # checked in this order: the version first (the key depends on it), the key last
        return {"sweep_cache_version": __version__, "sweep_cache_experiment": self.experiment,
                "sweep_cache_params": _params_json(point.params), "sweep_cache_seed": str(point.seed),
                "sweep_cache_key": point.key}

    def _reject(self, path: Path, why: str) -> None:
        import warnings

        from neurocomp._validation import NeurocompWarning

        self.rejected.append((path, why))
        warnings.warn(f"sweep cache file {path} {why}; recomputing that run", NeurocompWarning, stacklevel=4)

    def load(self, point: SweepPoint):
        if self.folder is None:
            return None
        path = self.path(point)
        if not path.is_file():
            return None
        from neurocomp.io import load_dataset

        try:
            ds = load_dataset(path)
        except Exception as exc:  # truncated or corrupt: recompute it
            self._reject(path, f"is unreadable ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
            return None
        ds = ds.drop_encoding()  # on-disk dtypes must not outlive a merge with NaN cells
        found = {k: str(ds.attrs.get(k, "")) for k in _CACHE_ATTRS}
        for key, expected in self._expected(point).items():
            if found[key] != expected:
                what = key.removeprefix("sweep_cache_")
                if not found[key]:
                    self._reject(path, f"does not record its {what} (written by an older neurocomp?)")
                elif key == "sweep_cache_version":
                    self._reject(path, f"was written by neurocomp {found[key]}, not {expected}")
                else:
                    self._reject(path, f"holds another run (its {what} is {found[key][:120]!r}, "
                                       f"this point's is {expected[:120]!r})")
                return None
        if found["sweep_cache_sha256"] != data_checksum(ds):
            self._reject(path, "does not match its recorded checksum (the file was edited or damaged)")
            return None
        ds.attrs = {k: v for k, v in ds.attrs.items() if k not in _CACHE_ATTRS}
        return ds

    def store(self, point: SweepPoint, ds: xr.Dataset) -> xr.Dataset:
        """Write ``ds`` and return it as read back, so fresh and cached runs merge identically."""
        if self.folder is None:
            return ds.copy()
        from neurocomp.io import load_dataset, save_dataset

        import os
        import tempfile

        path = self.path(point)
        bare = ds.copy()
        bare.attrs = {k: v for k, v in ds.attrs.items() if k not in _CACHE_ATTRS}
        # The checksum is of the data as a later load will see it (NetCDF normalises dtypes and
        # attrs), so write it once to a hidden temporary file, read it back, and only then write the
        # cache file, in one atomic step, with its checksum: a kill never leaves an unverified file.
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".nc", dir=self.folder)
        os.close(fd)
        try:
            save_dataset(bare, probe)
            back = load_dataset(probe).drop_encoding()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(probe)
        save_dataset(back, path, attrs={**self._expected(point), "sweep_cache_sha256": data_checksum(back)})
        return back


# ----------------------------------------------------------------------------- executors


def _run_in_process(func, todo, on_done):
    for point in todo:
        try:
            ds = _run_point(func, point.params, point.seed)
        except Exception as exc:  # a failing point must not stop the others
            on_done(point, None, _error_text(exc))
        else:
            on_done(point, ds, None)


@contextlib.contextmanager
def _sigint_as_flag():
    """While the sweep waits on dask, Ctrl-C sets a flag instead of raising anywhere.

    A KeyboardInterrupt raised asynchronously inside dask's event-loop plumbing
    (a ``sync`` call, a weakref callback) is logged as a traceback by the loop
    thread; with the flag the waiting loop raises it itself, at a clean point.
    Yields a ``threading.Event``; outside the main thread, one that is never set.
    """
    import signal
    import threading

    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_on_client(client, func, todo, on_done):
    from distributed import as_completed

    futures = {}
    try:
        with _sigint_as_flag() as interrupted:
            for point in todo:
                fut = client.submit(_run_point, func, point.params, point.seed,
                                    key=f"neurocomp-sweep-{point.key}", pure=False)
                futures[fut] = point
            pending = as_completed(list(futures), loop=client.loop)
            while not pending.is_empty():
                if interrupted.is_set():
                    _quiet_dask()
                    raise KeyboardInterrupt
                batch = pending.next_batch(block=False)
                if not batch:
                    time.sleep(0.05)
                    continue
                for fut in batch:
                    point = futures[fut]
                    if fut.status == "error":
                        on_done(point, None, _error_text(fut.exception()))
                    else:
                        on_done(point, fut.result(), None)
                    fut.release()
            if interrupted.is_set():
                _quiet_dask()
                raise KeyboardInterrupt
    finally:
        for fut in futures:
            fut.release()


def _quiet_dask() -> None:
    """Silence distributed's loggers (used when a sweep is interrupted and its cluster torn down)."""
    import logging

    if "distributed" in sys.modules:
        for name in ("distributed", "distributed.nanny", "distributed.worker", "distributed.scheduler",
                     "distributed.client", "distributed.core", "tornado", "asyncio"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _import_distributed(flag: str):
    try:
        import distributed
    except ImportError:
        raise ValidationError(
            f"For {flag} to work, the distributed module is needed: pip install 'neurocomp[dist]'"
        ) from None
    return distributed


def check_scheduler_address(scheduler, *, probe: bool = True) -> str:
    """Check a dask scheduler address (``tcp://HOST:PORT`` or ``tls://...``) and that it answers.

    The address is parsed first (no dask object is made for a malformed one), then a
    plain TCP connection is tried for :data:`SCHEDULER_TIMEOUT_S` seconds, so an address
    that does not answer is one clear error instead of a half-made client.

    Parameters
    ----------
    scheduler : str
        The address; without a protocol ``tcp://`` is assumed.
    probe : bool, default True
        Try a TCP connection (False: only parse the address).

    Returns
    -------
    str
        The address with its protocol, ``"tcp://HOST:PORT"`` or ``"tls://HOST:PORT"``.

    Raises
    ------
    ValidationError
        A malformed address, or one that did not answer in time.

    Examples
    --------
    >>> check_scheduler_address("127.0.0.1:8786", probe=False)
    'tcp://127.0.0.1:8786'
    """
    import socket

    shown = "scheduler must be an address like 'tcp://host:8786'"
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ValidationError(f"{shown}; got {scheduler!r}")
    text = scheduler.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    if scheme not in ("tcp", "tls"):
        raise ValidationError(f"{shown} (protocol tcp or tls); got {scheduler!r}")
    host, colon, port = rest.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValidationError(f"{shown} with a port number in 1-65535; got {scheduler!r}")
    if probe:
        try:
            with socket.create_connection((host, int(port)), timeout=SCHEDULER_TIMEOUT_S):
                pass
        except OSError as exc:
            why = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or type(exc).__name__)
            raise ValidationError(
                f"scheduler {scheduler!r} did not answer within {SCHEDULER_TIMEOUT_S:g} s ({why}); start one "
                "with `dask scheduler`, then `dask worker ADDRESS` on each machine"
            ) from None
    return f"{scheme}://{rest}"


def _connect(scheduler: str):
    distributed = _import_distributed("--scheduler")
    scheduler = check_scheduler_address(scheduler)
    try:
        return distributed.Client(scheduler, timeout=SCHEDULER_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValidationError(
            f"scheduler {scheduler!r} did not answer within {SCHEDULER_TIMEOUT_S:g} s "
            f"(start one with `dask scheduler`, then `dask worker ADDRESS`): {exc}"
        ) from None


@contextlib.contextmanager
def _workers_ignore_sigint():
    """Spawn worker processes with SIGINT ignored (an ignored signal survives exec).

    Ctrl-C at a terminal goes to every process of the foreground group; the workers
    printed a traceback each. The sweep's own process handles it and closes them.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def check_workers(workers, name: str = "workers") -> int:
    """``workers`` as an int in 1 … :data:`MAX_WORKERS_PER_CORE` × CPU cores.

    Parameters
    ----------
    workers : int
        Number of worker processes asked for.
    name : str, default "workers"
        How to name the value in the error message.

    Returns
    -------
    int
        ``workers``, checked.

    Raises
    ------
    ValidationError
        A non-integer, or a number outside 1 … MAX_WORKERS_PER_CORE × cores.

    Examples
    --------
    >>> check_workers(1)
    1
    """
    import os

    cores = os.cpu_count() or 1
    limit = MAX_WORKERS_PER_CORE * cores
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or not 1 <= workers <= limit:
        raise ValidationError(
            f"{name} must be an integer in 1..{limit} ({MAX_WORKERS_PER_CORE} x the {cores} CPU core(s) of this "
            f"machine); got {workers!r}"
        )
    return int(workers)


def _local_cluster(n_workers: int):
    distributed = _import_distributed("--workers")
    import dask

    # Set the workers' environment before they are spawned: one BLAS thread each, and no
    # MALLOC_TRIM_THRESHOLD_ (dask's default), which turns glibc's adaptive mmap threshold off so
    # that every large numpy temporary is a fresh mmap: 1.7x the CPU time of a Hopfield
    # capacity run in a worker compared with in-process.
    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": {**environ, **WORKER_ENV}}), \
            _workers_ignore_sigint():
        cluster = distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            # no dashboard; the scheduler's small HTTP server (health routes) on a free loopback port
            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False}, env=dict(WORKER_ENV),
        )
    try:
        client = distributed.Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    return cluster, client


@contextlib.contextmanager
def local_client(n_workers: int = 2):
    """A ``distributed.Client`` on a new local cluster, closed on exit.

    The cluster ``--workers N`` starts: N single-threaded worker processes on
    127.0.0.1 with one BLAS thread each and no dashboard. Use it to run several
    sweeps on one warm cluster::

        with local_client(2) as client:
            a = run_sweep(func, grid_a, client=client)
            b = run_sweep(func, grid_b, client=client)

    Parameters
    ----------
    n_workers : int, default 2
        Number of single-threaded worker processes (checked by :func:`check_workers`).

    Yields
    ------
    distributed.Client
        A client of the new cluster; cluster and client are closed on exit.
    """
    n_workers = check_workers(n_workers, "n_workers")
    cluster, client = _local_cluster(n_workers)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


# ----------------------------------------------------------------------------- merging


def _missing_like(ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    for name, var in ds.data_vars.items():
        if var.dtype.kind in "biuf":
            out[name] = xr.full_like(var, np.nan, dtype=float)
        elif var.dtype.kind == "c":
            out[name] = xr.full_like(var, np.nan, dtype=complex)
        else:
            out[name] = var.where(False)
    return out


def _label_point(ds: xr.Dataset, point: SweepPoint, dims: list[str]) -> xr.Dataset:
    clash = [d for d in (*dims, "seed", "point_seed") if d in ds.dims]
    if clash:
        raise SweepError(
            f"the experiment's result already has dimension(s) {clash}, which the sweep needs for its own axes"
        )
    ds = ds.drop_vars([d for d in (*dims, "seed", "point_seed") if d in ds.variables])
    ds["point_seed"] = xr.DataArray(np.int64(point.seed), attrs={"long_name": "integer rng seed of this run"})
    return ds.assign_coords({d: point.values[d] for d in dims} | {"seed": point.repeat})


def _same(a, b) -> bool:
    try:
        return json.dumps(to_jsonable(a), sort_keys=True, default=str) == json.dumps(
            to_jsonable(b), sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _varying_attr(values: list, shape: list[int], dims: list[str], long_name: str) -> xr.DataArray:
    """An attribute that differs between runs, as a variable over the sweep's dims (missing: NaN or "")."""
    present = [v for v in values if v is not None]
    numeric = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in present)
    if numeric:
        data = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    else:
        data = np.array(["" if v is None else (v if isinstance(v, str) else json.dumps(to_jsonable(v), default=str))
                         for v in values], dtype=object)
    return xr.DataArray(data.reshape(shape), dims=[*dims, "seed"],
                        attrs={"units": "1", "long_name": long_name})


def _merge_attrs(grid: dict, seeds: int, points: list[SweepPoint], results: dict):
    """Per-run attrs (the Dataset's and each variable's), split into what all runs share and what varies.

    Returns ``(dataset_attrs, variable_attrs, extra_variables)``: attrs equal across
    the runs that finished stay attrs; one that differs becomes a variable along
    the swept dims (named after the attr, or ``<variable>_<attr>`` for a
    variable's attr), and the attr says where to look.
    """
    dims = list(grid)
    shape = [len(v) for v in grid.values()] + [seeds]
    done = [results.get(p.key) for p in points]
    ok = [d for d in done if d is not None]
    shared, extra = {}, {}

    def split(get_attrs, prefix, label):
        keys = list(dict.fromkeys(k for d in ok for k in get_attrs(d)))
        same, varying = {}, {}
        for key in keys:
            vals = [None if d is None else get_attrs(d).get(key) for d in done]
            seen = [v for d, v in zip(done, vals) if d is not None]
            if all(v is not None for v in seen) and all(_same(seen[0], v) for v in seen[1:]):
                same[key] = seen[0]
            else:
                varying[key] = vals
        for key, vals in varying.items():
            name = f"{prefix}{key}"
            extra[name] = _varying_attr(vals, shape, dims, f"{label}{key} (differs between runs)")
            same[key] = f"differs between runs: see variable {name!r}"
        return same

    ds_attrs = split(lambda d: d.attrs, "", "")
    var_names = list(dict.fromkeys(n for d in ok for n in d.variables))
    for name in var_names:
        shared[name] = split(lambda d, n=name: dict(d[n].attrs) if n in d.variables else {}, f"{name}_",
                             f"{name}: ")
    clash = [n for n in extra if n in var_names or n in dims or n in ("seed", "point_seed")]
    for n in clash:  # never overwrite a variable of the runs
        extra[f"run_attr_{n}"] = extra.pop(n)
    return ds_attrs, shared, extra


def _merge(grid: dict, seeds: int, points: list[SweepPoint], results: dict) -> xr.Dataset:
    dims = list(grid)
    template = next((results[p.key] for p in points if results.get(p.key) is not None), None)
    if template is None:
        raise SweepError("every run of the sweep failed; nothing to merge")
    ds_attrs, var_attrs, extra = _merge_attrs(grid, seeds, points, results)
    missing = _missing_like(template)
    labelled = [_label_point(results[p.key] if results.get(p.key) is not None else missing, p, dims)
                for p in points]
    nested = np.empty([len(v) for v in grid.values()] + [seeds], dtype=object)
    for flat, ds in enumerate(labelled):
        nested.flat[flat] = ds
    merged = xr.combine_nested(
        nested.tolist(), concat_dim=[*dims, "seed"], data_vars="all", coords="different",
        compat="equals", join="outer", combine_attrs="override",
    )
    merged.attrs = dict(ds_attrs)
    for name, attrs in var_attrs.items():
        if name in merged.variables and name not in dims:
            merged[name].attrs = dict(attrs)
    for name, var in extra.items():
        merged[name] = var.assign_coords({d: merged[d] for d in (*dims, "seed")})
    for d in dims:
        merged[d].attrs.update(long_name=f"{d} (swept parameter)")
    merged["seed"].attrs.update(long_name="repeat index (each run has its own seed: point_seed)")
    order = [*dims, "seed"]
    return merged.transpose(*order, ...)


# ----------------------------------------------------------------------------- the public entry point


def run_sweep(spec_or_function, grid: Mapping, *, seeds: int = 1, base_params: Mapping | None = None,
              seed: int | None = 0, cache_dir=None, client=None, workers: int | None = None,
              scheduler: str | None = None, progress: bool | None = None,
              errors: str = "raise") -> xr.Dataset:
    """Run an experiment over a parameter grid and merge the runs into one Dataset.

    Parameters
    ----------
    spec_or_function : Spec, str or callable
        A loaded :class:`neurocomp.specs.Spec` (its params are the base), a
        registered experiment name or ``"package.module:function"``, or the
        experiment function itself. On dask its module must be importable by
        the workers.
    grid : mapping of str to list or dict
        Swept parameters and their values (see :func:`expand_grid`).
    seeds : int, default 1
        Runs per grid point, each with its own seed (the ``seed`` dimension).
    base_params : mapping, optional
        Fixed parameters (over a Spec's own params).
    seed : int or None, default 0
        The sweep seed every run's seed derives from (:func:`child_seed`).
        ``None`` draws one from fresh entropy (recorded in attrs).
    cache_dir : str or Path, optional
        Folder for finished runs (``<hash>.nc``). Runs found there are loaded,
        not recomputed. ``None`` keeps nothing on disk.
    client : distributed.Client, optional
        Run on this client's cluster (left open).
    workers : int, optional
        Start a LocalCluster of this many single-threaded worker processes on
        127.0.0.1 for this sweep (closed afterwards).
    scheduler : str, optional
        Address of a running dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
        A scheduler that does not answer within 5 s raises ValidationError.
    progress : bool, optional
        Show a progress bar; ``None`` shows one only on a terminal.
    errors : {"raise", "keep"}, default "raise"
        What to do when runs raise. Either way the other runs finish (and are
        cached). ``"raise"`` then raises :class:`SweepError` naming each failed
        point and its error; ``"keep"`` returns the Dataset with NaN in the
        failed cells and lists them in ``attrs["sweep_failed"]`` (JSON).

    Returns
    -------
    xarray.Dataset
        The runs' variables with leading dims ``(*grid, "seed")``, variable
        ``point_seed`` (the integer ``rng`` of each run) and attrs
        ``neurocomp_version``, ``seed``, ``spec`` (JSON with the base params,
        the grid and seeds), ``created``, ``experiment``, ``title``, and the
        counts ``sweep_points``, ``sweep_computed``, ``sweep_cached``,
        ``sweep_failed_count``.

    Raises
    ------
    ValidationError
        Before anything runs, for a grid key that is not a parameter (the
        message lists the valid ones), an empty grid, a value of the wrong type
        or out of range, conflicting ``client``/``workers``/``scheduler``, a
        scheduler that does not answer, or dask missing.
    SweepError
        When runs raised and ``errors="raise"``, or when every run raised.

    Examples
    --------
    >>> ds = run_sweep("mymodule:capacity", {"load": [0.05, 0.1, 0.15]}, seeds=4,
    ...                cache_dir="runs/capacity/cache", workers=2)  # doctest: +SKIP
    """
    from neurocomp._progress import progress as _bar
    from neurocomp._validation import check_option
    from neurocomp.io import provenance_attrs

    check_option("errors", errors, ["raise", "keep"])
    chosen = [n for n, v in (("client", client), ("workers", workers), ("scheduler", scheduler)) if v is not None]
    if len(chosen) > 1:
        raise ValidationError(f"give at most one of client, workers and scheduler; got {' and '.join(chosen)}")
    if workers is not None:
        workers = check_workers(workers)
    if scheduler is not None:
        check_scheduler_address(scheduler, probe=False)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0] >> 1)
    func, name, title, base = _resolve_target(spec_or_function, base_params)
    grid, points = sweep_points(func, grid, seeds=seeds, base_params=base, seed=seed, experiment=name)
    resolved_base = {k: v for k, v in points[0].params.items() if k not in grid}
    if client is None and scheduler is None:  # the runs share this machine's memory
        check_sweep_memory(func, points, concurrency=workers or 1, experiment=name)

    cache = _Cache(cache_dir, name)
    results: dict[str, xr.Dataset | None] = {}
    failures: list[tuple[SweepPoint, str]] = []
    for point in points:
        ds = cache.load(point)
        if ds is not None:
            results[point.key] = ds
    todo, queued = [], set()
    for point in points:
        if point.key not in results and point.key not in queued:  # identical runs are computed once
            todo.append(point)
            queued.add(point.key)
    n_cached = len(points) - len(todo)

    bar = _bar(total=len(points), desc=f"sweep {name}", enabled=progress)
    bar.update(n_cached)

    def on_done(point, ds, error):
        if error is None:
            results[point.key] = cache.store(point, ds)
        else:
            results[point.key] = None
            failures.append((point, error))
        bar.update(1)

    start = time.perf_counter()
    try:
        if not todo:
            pass
        elif client is not None:
            _run_on_client(client, func, todo, on_done)
        elif scheduler is not None:
            own = _connect(scheduler)
            try:
                _run_on_client(own, func, todo, on_done)
            except KeyboardInterrupt:
                _quiet_dask()  # before the client closes: its teardown logs per cancelled task
                raise
            finally:
                own.close()
        elif workers is not None:
            cluster, own = _local_cluster(workers)
            try:
                _run_on_client(own, func, todo, on_done)
            except KeyboardInterrupt:
                _quiet_dask()  # before the cluster closes: its teardown logs per cancelled task
                raise
            finally:
                own.close()
                cluster.close()
        else:
            _run_in_process(func, todo, on_done)
    except KeyboardInterrupt:
        _quiet_dask()  # closing a cluster mid-run logs a warning per task and worker
        raise
    finally:
        bar.close()
    elapsed = time.perf_counter() - start

    failed = {p.key: msg for p, msg in failures}
    failures_all = [(p, failed[p.key]) for p in points if p.key in failed]
    if failures_all and (errors == "raise" or len(failures_all) == len(points)):
        lines = "; ".join(f"[{p.describe()}] {msg}" for p, msg in failures_all)
        what = "every sweep run failed" if len(failures_all) == len(points) else (
            f"{len(failures_all)} of {len(points)} sweep run(s) failed")
        raise SweepError(f"{what}: {lines}", failures_all)

    merged = _merge(grid, seeds, points, results)
    spec_json = {"title": title, "experiment": name, "params": resolved_base,
                 "sweep": {**grid, "seeds": seeds}}
    provenance = {**provenance_attrs(seed=seed, spec=spec_json, experiment=name), "title": title}
    for key in [k for k in merged.attrs if k in provenance or k.startswith("sweep_")]:
        merged.attrs[f"run_{key}"] = merged.attrs.pop(key)  # the runs' own attr of that name is kept
    merged.attrs.update(provenance)
    merged.attrs.update(
        sweep_points=len(points), sweep_computed=len(todo) - len(failed), sweep_cached=n_cached,
        sweep_failed_count=len(failures_all), sweep_elapsed_s=round(elapsed, 3),
    )
    if failures_all:
        merged.attrs["sweep_failed"] = json.dumps(
            [{"point": to_jsonable(p.values), "seed_index": p.repeat, "error": msg} for p, msg in failures_all]
        )
    return merged


# ----------------------------------------------------------------------------- figure


def plot_sweep(ds: xr.Dataset, *, variable: str | None = None, x: str | None = None, ax=None):
    """Line plot of a swept result: mean ± s.e.m. over seeds against one dimension.

    Lives in :func:`neurocomp.plotting.sweep.plot_sweep` (this name is kept, so
    ``from neurocomp.sweep import plot_sweep`` keeps working).

    Parameters
    ----------
    ds : xarray.Dataset
        A Dataset returned by :func:`run_sweep`.
    variable : str, optional
        The variable to draw; default the first numeric data variable.
    x : str, optional
        The dimension on the x axis; default the first swept parameter.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"error": (("load", "seed"), [[0.0, 0.001, 0.0], [0.02, 0.03, 0.025]])},
    ...                 coords={"load": [0.1, 0.2], "seed": [0, 1, 2]})
    >>> plot_sweep(ds).get_title()
    'mean ± s.e.m. over 3 seeds'
    """
    from neurocomp.plotting.sweep import plot_sweep as _plot_sweep

    return _plot_sweep(ds, variable=variable, x=x, ax=ax)


# ----------------------------------------------------------------------------- command line


def _sweep_table(spec) -> tuple[dict, int]:
    table = dict(spec.sweep or {})
    if not table:
        raise ValidationError(
            f"spec {str(spec.path)!r} has no [sweep] table; add one, e.g. [sweep] with "
            "param = [1, 2, 3] and seeds = 4"
        )
    plot = table.pop("plot", {})
    if (not isinstance(plot, Mapping) or set(plot) - {"x", "variable"}
            or not all(isinstance(v, str) for v in plot.values())):
        raise ValidationError(
            f"[sweep] plot must be a table with string keys x and/or variable, e.g. "
            f"plot = {{x = \"load\", variable = \"mean_overlap\"}}; got {plot!r}"
        )
    seeds = table.pop("seeds", 1)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValidationError(f"[sweep] seeds must be an integer >= 1; got {seeds!r}")
    return table, seeds


def _cmd_sweep(args) -> int:
    from neurocomp.io import atomic_path, atomic_write_text, save_dataset
    from neurocomp.specs import load_spec

    spec = load_spec(args.spec, overrides=args.set)
    grid, seeds = _sweep_table(spec)
    swept_set = [item.split("=", 1)[0].strip() for item in args.set if item.split("=", 1)[0].strip() in grid]
    if swept_set:
        key = swept_set[0]
        raise ValidationError(
            f"--set {key}=... names a swept parameter ([sweep] {key} = {grid[key]!r}); a swept value cannot be "
            f"fixed: remove {key} from the [sweep] table, or drop --set {key}"
        )
    if args.seeds is not None:
        seeds = args.seeds
        if not 1 <= seeds <= MAX_SWEEP_RUNS:
            raise ValidationError(f"--seeds must be an integer in 1..{MAX_SWEEP_RUNS:,}; got {seeds}")
    if args.workers is not None:
        check_workers(args.workers, "--workers")
    if args.scheduler is not None:
        _import_distributed("--scheduler")
        check_scheduler_address(args.scheduler)  # answers, before anything is printed or written
    seed = args.seed if args.seed is not None else (spec.seed if spec.seed is not None else 0)
    if not 0 <= seed < 2**63:
        raise ValidationError(f"--seed must be an integer in 0..2**63-1; got {seed}")
    out = Path(args.out) if args.out else Path("runs") / f"{spec.stem}-sweep-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    from neurocomp.specs import prepare_out_dir

    prepare_out_dir(out, overwrite=True)  # a file, under a file, unwritable: refused now (a sweep reuses its folder)
    from neurocomp.experiments import get

    func = get(spec.experiment)
    _, points = sweep_points(func, grid, seeds=seeds, base_params=spec.params, seed=seed,
                             experiment=spec.experiment)  # all checks before any output
    memory = None
    if args.scheduler is None:
        memory = check_sweep_memory(func, points, concurrency=args.workers or 1, experiment=spec.experiment)
    where = "in-process" if args.workers is None and args.scheduler is None else (
        f"{args.workers} local dask workers" if args.workers is not None else f"dask scheduler {args.scheduler}")
    if memory is not None:
        from neurocomp.experiments._registry import _bytes

        where += f", up to {_bytes(memory)} per run by estimate"
    print(f"{spec.title}\n  experiment {spec.experiment}, {len(points)} runs, {where}, output {out}", flush=True)

    import warnings

    from neurocomp._validation import NeurocompWarning

    def one_line(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, NeurocompWarning):  # e.g. a cache file that did not match its run
            print(f"neurocomp sweep: warning: {' '.join(str(message).split())}", file=sys.stderr, flush=True)
        else:
            shown(message, category, filename, lineno, file, line)

    shown = warnings.showwarning
    try:
        with warnings.catch_warnings():  # restores the filters and showwarning afterwards
            warnings.simplefilter("always", NeurocompWarning)
            warnings.showwarning = one_line
            ds = run_sweep(spec, grid, seeds=seeds, seed=seed, cache_dir=out / "cache", workers=args.workers,
                           scheduler=args.scheduler, errors="keep")
    except KeyboardInterrupt:
        keys = {p.key for p in points}
        cached = sum((out / "cache" / f"{k}.nc").is_file() for k in keys)
        print(f"neurocomp sweep: interrupted; {cached} of {len(keys)} runs are cached in {out / 'cache'}; "
              f"rerun the same command (--out {out}) to resume from there", file=sys.stderr, flush=True)
        return 130
    except SweepError as exc:
        for point, message in exc.failures:
            print(f"neurocomp sweep: run failed [{point.describe()}]: {message}", file=sys.stderr)
        text = "every run failed" if exc.failures else str(exc)
        print(f"neurocomp sweep: {text}; nothing written", file=sys.stderr)
        return EXIT_POINTS_FAILED
    written = [save_dataset(ds, out / "results.nc")]
    hook = getattr(func, "sweep_figure", None)
    try:
        if hook is not None:
            figures = hook(ds)
            if not isinstance(figures, Mapping):
                figures = {"sweep": figures}
        else:
            from matplotlib.figure import Figure

            options = dict(spec.sweep.get("plot", {}))
            fig = Figure(figsize=(5.0, 3.8), layout="constrained")
            plot_sweep(ds, ax=fig.add_subplot(), **options)
            figures = {"sweep": fig}
    except ValidationError as exc:  # nothing to draw as asked: say so, keep the results
        print(f"neurocomp sweep: no figure: {exc}", file=sys.stderr)
        figures = {}
    for name, fig in figures.items():
        target = out / f"{name}.png"
        with atomic_path(target, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=150, format="png", bbox_inches="tight")
        if "matplotlib.pyplot" in sys.modules:  # a hook's pyplot figure must not stay open
            sys.modules["matplotlib.pyplot"].close(fig)
        written.append(target)
    failed = json.loads(ds.attrs.get("sweep_failed", "[]"))
    summary = {
        "title": spec.title,
        "experiment": spec.experiment,
        "seed": seed,
        "seeds": seeds,
        "grid": {k: list(ds[k].values.tolist()) for k in grid},
        "params": {k: v for k, v in spec.params.items() if k not in grid},
        "runs": ds.attrs["sweep_points"],
        "computed": ds.attrs["sweep_computed"],
        "cached": ds.attrs["sweep_cached"],
        "failed": failed,
        "elapsed_s": ds.attrs["sweep_elapsed_s"],
        "scheduler": where,
        "files": [p.name for p in written] + ["summary.json", "cache/"],
    }
    summary_hook = getattr(func, "sweep_summary", None)  # the experiment's own across-run numbers
    if summary_hook is not None:
        summary.update(summary_hook(ds))
    written.append(atomic_write_text(out / "summary.json", json.dumps(summary, indent=2, default=str)))
    print(f"  {summary['runs']} runs: {summary['computed']} computed, {summary['cached']} cached, "
          f"{len(failed)} failed, {summary['elapsed_s']:.1f} s")
    print("wrote " + ", ".join(str(p) for p in written))
    if failed:
        for item in failed:
            shown = ", ".join(f"{k}={v!r}" for k, v in item["point"].items())
            print(f"neurocomp sweep: run failed [{shown}, seed #{item['seed_index']}]: {item['error']}",
                  file=sys.stderr)
        print(f"neurocomp sweep: {len(failed)} of {summary['runs']} runs failed; the others are in "
              f"{out / 'results.nc'} (rerun with --out {out} to retry only those)", file=sys.stderr)
        return EXIT_POINTS_FAILED
    return 0


def add_cli(subparsers) -> None:
    """Add the ``sweep`` subcommand to the ``neurocomp`` command line.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``add_subparsers()`` object of the ``neurocomp`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="neurocomp")
    >>> add_cli(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["sweep", "models/hopfield_capacity.toml"]).command
    'sweep'
    """
    import argparse

    p = subparsers.add_parser(
        "sweep", help="run a spec over its [sweep] grid (in-process or on dask)",
        description="Run a spec's experiment over the grid in its [sweep] table and merge the runs into "
                    "one results.nc. Rerun with the same --out to resume.",
        epilog="exit status: 0 all runs done; 2 user error; 3 some runs failed (others kept); 130 interrupted "
               "(finished runs cached: rerun to resume); 1 internal error. "
               "Multi-machine: run `dask scheduler` on one machine and `dask worker tcp://HOST:8786` on each, "
               "then pass --scheduler tcp://HOST:8786.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", help="path to a spec .toml file with a [sweep] table")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="start a local dask cluster of N worker processes (needs neurocomp[dist])")
    where.add_argument("--scheduler", metavar="ADDRESS", help="join a running dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", help="output folder (default runs/<spec-stem>-sweep-<timestamp>); reuse it to resume")
    p.add_argument("--seeds", type=int, metavar="N", help="runs per grid point (overrides [sweep] seeds)")
    p.add_argument("--seed", type=int, help="sweep seed (default the spec's seed, else 0)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a fixed parameter (TOML value)")
    p.set_defaults(func=_cmd_sweep)
