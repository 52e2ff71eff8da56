"""Sweeps on dask.distributed: LocalCluster, a separately started scheduler, killed processes.

Every cluster listens on 127.0.0.1 only, has at most two single-threaded
worker processes and is shut down by its fixture or test (try/finally).
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import xarray as xr

import _sweep_toy  # noqa: F401  (registers the toy experiments this file sweeps by name)
from neurocomp import cli
from neurocomp.io import load_dataset
from neurocomp import sweep
from neurocomp.sweep import run_sweep

distributed = pytest.importorskip("distributed")

TOY = "_sweep_toy:mean_of_draws"
TESTS = Path(__file__).resolve().parent
GRID = {"mu": [0.0, 1.0, 2.0], "n_draws": [10, 100]}
VOLATILE = ("created", "sweep_computed", "sweep_cached", "sweep_elapsed_s")


def stable(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset without the attrs that say when and how fast it was made."""
    return ds.drop_attrs(deep=False).assign_attrs({k: v for k, v in ds.attrs.items() if k not in VOLATILE})


def env_with_tests_on_path() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), env.get("PYTHONPATH", "")) if p)
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg")
    return env


def finished_files(folder: Path) -> list:
    """Finished runs in a cache folder (not the temporary files of runs being written)."""
    return [p for p in Path(folder).glob("*.nc") if not p.name.startswith(".")]


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def local_client():
    """The cluster `--workers 2` starts: two single-threaded worker processes on loopback."""
    with sweep.local_client(2) as client:
        assert all(w["host"] == "127.0.0.1" for w in client.scheduler_info()["workers"].values())
        yield client


@pytest.fixture(scope="module")
def separate_scheduler(tmp_path_factory):
    """A scheduler and a worker started as separate processes (`dask scheduler`, `dask worker`)."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    env = env_with_tests_on_path()
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
         "--no-dashboard", "--scheduler-file", str(scheduler_file)],
        env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert scheduler.poll() is None and time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1",
             "--no-dashboard", "--host", "127.0.0.1"],
            env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        with distributed.Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        if worker is not None:
            stop_process(worker)
        stop_process(scheduler)


def test_in_process_and_local_cluster_give_identical_datasets(local_client, tmp_path):
    here = run_sweep(TOY, GRID, seeds=2, seed=5)
    on_local = run_sweep(TOY, GRID, seeds=2, seed=5, client=local_client, cache_dir=tmp_path)
    xr.testing.assert_identical(stable(here), stable(on_local))
    assert on_local.attrs["sweep_computed"] == 12 and len(finished_files(tmp_path)) == 12


def _blas_environment():
    return {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                            "MALLOC_TRIM_THRESHOLD_")}


def test_local_workers_use_one_blas_thread(local_client):
    for env in local_client.run(_blas_environment).values():
        assert env == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "MALLOC_TRIM_THRESHOLD_": None}


@pytest.mark.slow
def test_separately_started_scheduler_gives_the_identical_dataset(separate_scheduler):
    here = run_sweep(TOY, GRID, seeds=2, seed=5)
    on_remote = run_sweep(TOY, GRID, seeds=2, seed=5, scheduler=separate_scheduler)
    xr.testing.assert_identical(stable(here), stable(on_remote))


@pytest.mark.slow
def test_cli_in_process_workers_and_scheduler_write_identical_results(tmp_path, capsys, separate_scheduler):
    spec = tmp_path / "toy.toml"
    spec.write_text(f'title = "Toy"\nexperiment = "{TOY}"\nseed = 3\n[params]\nn_draws = 100\n'
                    "[sweep]\nmu = [0.0, 1.0, 2.0]\nseeds = 2\n", encoding="utf-8")
    results = {}
    for name, flags in {"here": [], "workers": ["--workers", "2"], "remote": ["--scheduler", separate_scheduler]}.items():
        assert cli.main(["sweep", str(spec), "--out", str(tmp_path / name), *flags]) == 0
        results[name] = load_dataset(tmp_path / name / "results.nc")
    out = capsys.readouterr().out
    assert "2 local dask workers" in out and f"dask scheduler {separate_scheduler}" in out
    xr.testing.assert_identical(stable(results["here"]), stable(results["workers"]))
    xr.testing.assert_identical(stable(results["here"]), stable(results["remote"]))


def test_failing_point_on_dask_is_reported_and_the_others_kept(local_client):
    ds = run_sweep(TOY, {"mu": [0.0, 1.0, 2.0]}, base_params={"fail_above": 1.5}, client=local_client,
                   errors="keep")
    failed = json.loads(ds.attrs["sweep_failed"])
    assert failed == [{"point": {"mu": 2.0}, "seed_index": 0,
                       "error": "RuntimeError: toy failure: mu=2.0 is above 1.5"}]
    assert ds["sample_mean"].sel(mu=[0.0, 1.0]).notnull().all()


@pytest.mark.slow
def test_sweep_completes_when_a_worker_is_killed_mid_run(tmp_path):
    grid = {"mu": [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]}
    base = {"pause": 0.2}
    reference = run_sweep(TOY, grid, seeds=2, base_params=base)
    cache = tmp_path / "cache"
    killed = {}
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False})
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            victim = next(iter(client.run(os.getpid).values()))

            def kill_when_started():
                deadline = time.monotonic() + 60
                while len(finished_files(cache)) < 2 and time.monotonic() < deadline:
                    time.sleep(0.01)
                killed["done_before"] = len(finished_files(cache))
                os.kill(victim, signal.SIGKILL)

            killer = threading.Thread(target=kill_when_started, daemon=True)
            killer.start()
            ds = run_sweep(TOY, grid, seeds=2, base_params=base, client=client, cache_dir=cache)
            killer.join(timeout=60)
    finally:
        cluster.close()
    assert killed["done_before"] < 12  # the worker died while runs were pending
    assert ds.attrs["sweep_failed_count"] == 0 and ds.attrs["sweep_computed"] == 12
    xr.testing.assert_identical(stable(ds), stable(reference))


@pytest.mark.slow
def test_ctrl_c_on_a_local_cluster_is_one_line_not_worker_tracebacks(tmp_path):
    """Ctrl-C reaches every process of the terminal's group, the dask workers included: the
    workers ignore it, the sweep closes them quietly and prints one line (was 75 lines)."""
    spec = tmp_path / "slow.toml"
    spec.write_text(f'title = "Slow toy"\nexperiment = "{TOY}"\nseed = 1\n[params]\npause = 0.3\n'
                    "[sweep]\nmu = {start = 0, stop = 1, num = 6}\nseeds = 2\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "neurocomp.cli", "sweep", str(spec), "--out", str(out), "--plugin", "_sweep_toy",
               "--workers", "2"]
    proc = subprocess.Popen(command, env=env_with_tests_on_path(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while len(list((out / "cache").glob("[!.]*.nc"))) < 2:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("neurocomp sweep: interrupted; ") and " of 12 runs are cached in " in lines[0]
    assert "rerun the same command" in lines[0]
