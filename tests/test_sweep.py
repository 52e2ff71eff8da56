"""Parameter sweeps in-process: grids, order-free seeds, cache and resume, failing points, CLI, bad input.

The dask tests (LocalCluster, separate scheduler, killed processes) are in test_sweep_dask.py.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import _sweep_toy
from neurocomp import cli
from neurocomp._validation import ValidationError
from neurocomp.io import load_dataset
from neurocomp.specs import SpecError, load_spec
from neurocomp.sweep import SweepError, child_seed, expand_grid, plot_sweep, run_sweep

TOY = "_sweep_toy:mean_of_draws"
TESTS = Path(__file__).resolve().parent
VOLATILE = ("created", "sweep_computed", "sweep_cached", "sweep_elapsed_s")


def stable(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset without the attrs that say when and how fast it was made."""
    return ds.drop_attrs(deep=False).assign_attrs({k: v for k, v in ds.attrs.items() if k not in VOLATILE})


# ----------------------------------------------------------------------------- helpers


def finished_files(folder: Path) -> list:
    """Finished runs in a cache folder (not the temporary files of runs being written)."""
    return [p for p in Path(folder).glob("*.nc") if not p.name.startswith(".")]


def env_with_tests_on_path() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), env.get("PYTHONPATH", "")) if p)
    return env


# ----------------------------------------------------------------------------- grid


def test_expand_grid_lists_and_ranges():
    grid = expand_grid({
        "n": {"start": 100, "stop": 400, "num": 4},
        "x": {"start": 0, "stop": 1, "num": 3},
        "g": {"start": 1, "stop": 100, "num": 3, "log": True},
        "mode": ["a", "b"],
        "arr": np.array([0.5, 1.5]),
    })
    assert grid["n"] == [100, 200, 300, 400] and all(type(v) is int for v in grid["n"])
    assert grid["x"] == [0.0, 0.5, 1.0] and all(type(v) is float for v in grid["x"])
    np.testing.assert_allclose(grid["g"], [1, 10, 100])
    assert grid["mode"] == ["a", "b"] and grid["arr"] == [0.5, 1.5]


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({}, "grid must name at least one parameter"),
        ({"mu": []}, r"grid\['mu'\] must hold at least one value; got an empty list"),
        ({"mu": 3.0}, r"grid\['mu'\] must be a list of values or a range"),
        ({"mu": {"start": 0, "stop": 1}}, r"got keys \['start', 'stop'\]"),
        ({"mu": {"start": 0, "stop": 1, "num": 0}}, r"num must be an integer >= 1; got 0"),
        ({"mu": [1.0, 1.0]}, "must hold distinct values"),
        ({"mu": [[1.0]]}, "must hold numbers, strings or booleans"),
        ({"seed": [1, 2]}, "grid key 'seed' is reserved"),
    ],
)
def test_bad_grid_is_refused(grid, message):
    with pytest.raises(ValidationError, match=message):
        run_sweep(TOY, grid)


def test_unknown_sweep_key_lists_the_valid_ones():
    with pytest.raises(SpecError, match=r"sweep key\(s\) \['n_drawz'\] are not parameters of experiment "
                                        r"'_sweep_toy:mean_of_draws'; allowed keys are \['fail_above', 'mu', "
                                        r"'n_batches', 'n_draws', 'pause', 'scale'\]"):
        run_sweep(TOY, {"n_drawz": [1, 2]})


def test_every_point_is_validated_before_anything_runs(tmp_path):
    with pytest.raises(SpecError, match=r"sweep point \{'n_draws': 0\}: parameter 'n_draws' must lie in"):
        run_sweep(TOY, {"n_draws": [10, 0]}, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_conflicting_execution_targets_are_refused():
    with pytest.raises(ValidationError, match="give at most one of client, workers and scheduler"):
        run_sweep(TOY, {"mu": [0.0]}, workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(ValidationError, match=r"workers must be an integer in 1\.\.\d+ .*; got 0"):
        run_sweep(TOY, {"mu": [0.0]}, workers=0)
    with pytest.raises(ValidationError, match=r"workers must be an integer in 1\.\.\d+ .*; got 100000"):
        run_sweep(TOY, {"mu": [0.0]}, workers=100_000)
    with pytest.raises(ValidationError, match="seeds must be >= 1; got 0"):
        run_sweep(TOY, {"mu": [0.0]}, seeds=0)


def test_missing_distributed_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ValidationError, match=r"For --workers to work, the distributed module is needed: "
                                              r"pip install 'neurocomp\[dist\]'"):
        run_sweep(TOY, {"mu": [0.0]}, workers=2)


# ----------------------------------------------------------------------------- seeds


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), a=st.floats(allow_nan=False), b=st.integers(), repeat=st.integers(0, 99))
def test_child_seed_depends_on_values_not_on_key_order(seed, a, b, repeat):
    s = child_seed(seed, {"a": a, "b": b}, repeat)
    assert s == child_seed(seed, {"b": b, "a": a}, repeat)
    assert 0 <= s < 2**63
    assert s != child_seed(seed, {"a": a, "b": b}, repeat + 1)


def test_child_seeds_are_distinct_across_points_and_sweep_seeds():
    seeds = {child_seed(s, {"mu": m}, r) for s in range(3) for m in np.linspace(0, 1, 20) for r in range(5)}
    assert len(seeds) == 3 * 20 * 5


# ----------------------------------------------------------------------------- merged result


def test_merged_dataset_has_one_dim_per_parameter_plus_seed_and_provenance():
    ds = run_sweep(TOY, {"mu": [0.0, 1.0, 2.0], "n_draws": [50, 500]}, seeds=3, base_params={"scale": 2.0}, seed=11)
    assert ds["sample_mean"].dims == ("mu", "n_draws", "seed", "trial")
    assert ds["point_seed"].dims == ("mu", "n_draws", "seed")
    assert ds["mu"].values.tolist() == [0.0, 1.0, 2.0] and ds["n_draws"].values.tolist() == [50, 500]
    assert ds["seed"].values.tolist() == [0, 1, 2]
    assert ds["n_above"].dtype.kind == "i"
    spec = json.loads(ds.attrs["spec"])
    assert spec["sweep"] == {"mu": [0.0, 1.0, 2.0], "n_draws": [50, 500], "seeds": 3}
    assert spec["params"]["scale"] == 2.0 and "mu" not in spec["params"]
    assert ds.attrs["seed"] == 11 and ds.attrs["neurocomp_version"] and ds.attrs["created"]
    assert ds.attrs["sweep_points"] == 18 and ds.attrs["sweep_computed"] == 18
    # every run really used its own seed: rerunning one point alone with it gives the same numbers
    point = ds.sel(mu=1.0, n_draws=500, seed=2)
    alone = _sweep_toy.mean_of_draws(mu=1.0, n_draws=500, scale=2.0, rng=int(point["point_seed"]))
    np.testing.assert_array_equal(alone.dataset["sample_mean"].values, point["sample_mean"].values)
    # and the statistics are those of the draws: sample means within 5 standard errors of mu
    sem = 2.0 / np.sqrt(ds["n_draws"])
    assert (abs(ds["sample_mean"] - ds["mu"]) < 5 * sem).all()


def test_same_seed_same_result_other_seed_other_result():
    grid = {"mu": [0.0, 1.0]}
    a = run_sweep(TOY, grid, seeds=2, seed=3)
    b = run_sweep(TOY, grid, seeds=2, seed=3)
    c = run_sweep(TOY, grid, seeds=2, seed=4)
    xr.testing.assert_identical(stable(a), stable(b))
    assert not np.any(a["sample_mean"].values == c["sample_mean"].values)


def test_results_do_not_depend_on_grid_order():
    a = run_sweep(TOY, {"mu": [0.0, 1.0, 2.0], "n_draws": [10, 100]}, seeds=2)
    b = run_sweep(_sweep_toy.mean_of_draws, {"n_draws": [100, 10], "mu": [2.0, 1.0, 0.0]}, seeds=2)
    b = b.sel(mu=a["mu"], n_draws=a["n_draws"]).transpose(*a["sample_mean"].dims)
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_a_point_gets_the_same_seed_whether_swept_or_fixed():
    swept = run_sweep(TOY, {"mu": [0.0, 1.0], "scale": [0.5, 3.0]})
    fixed = run_sweep(TOY, {"mu": [0.0, 1.0]}, base_params={"scale": 3.0})
    xr.testing.assert_equal(swept["sample_mean"].sel(scale=3.0, drop=True), fixed["sample_mean"])


# ----------------------------------------------------------------------------- cache and resume


def test_rerun_loads_cached_points_and_grown_grid_computes_only_new_ones(tmp_path):
    cache = tmp_path / "cache"
    first = run_sweep(TOY, {"mu": [0.0, 1.0]}, seeds=2, cache_dir=cache)
    assert (first.attrs["sweep_computed"], first.attrs["sweep_cached"]) == (4, 0)
    assert len(finished_files(cache)) == 4
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary files left
    again = run_sweep(TOY, {"mu": [0.0, 1.0]}, seeds=2, cache_dir=cache)
    assert (again.attrs["sweep_computed"], again.attrs["sweep_cached"]) == (0, 4)
    xr.testing.assert_identical(stable(first), stable(again))
    grown = run_sweep(TOY, {"mu": [0.0, 1.0, 2.0]}, seeds=3, cache_dir=cache)
    assert (grown.attrs["sweep_computed"], grown.attrs["sweep_cached"]) == (5, 4)
    xr.testing.assert_identical(grown.sel(mu=[0.0, 1.0], seed=[0, 1]).drop_attrs(), first.drop_attrs())
    # the cache and no cache give the same Dataset
    xr.testing.assert_identical(stable(run_sweep(TOY, {"mu": [0.0, 1.0]}, seeds=2)), stable(first))


def test_cached_point_file_carries_its_provenance(tmp_path):
    ds = run_sweep(TOY, {"mu": [0.5]}, seed=9, cache_dir=tmp_path)
    (path,) = tmp_path.glob("*.nc")
    point = load_dataset(path)
    # under sweep_cache_* names, so that the run's own attrs (kept for the merge) are not overwritten
    assert int(point.attrs["sweep_cache_seed"]) == int(ds["point_seed"].item())
    assert json.loads(point.attrs["sweep_cache_params"])["mu"] == 0.5
    assert point.attrs["sweep_cache_experiment"] == ds.attrs["experiment"]
    assert point.attrs["sweep_cache_sha256"].startswith("sha256:")


# ----------------------------------------------------------------------------- failing points


def test_failing_points_are_named_and_the_others_kept(tmp_path):
    grid = {"mu": [0.0, 1.0, 2.0]}
    with pytest.raises(SweepError, match=r"4 of 6 sweep run\(s\) failed: \[mu=1.0, seed #0\] RuntimeError: "
                                         r"toy failure: mu=1.0 is above 0.5") as info:
        run_sweep(TOY, grid, seeds=2, base_params={"fail_above": 0.5}, cache_dir=tmp_path)
    assert len(info.value.failures) == 4
    assert len(list(tmp_path.glob("*.nc"))) == 2  # the good runs were cached
    kept = run_sweep(TOY, grid, seeds=2, base_params={"fail_above": 0.5}, cache_dir=tmp_path, errors="keep")
    assert kept.attrs["sweep_cached"] == 2 and kept.attrs["sweep_failed_count"] == 4
    assert np.isfinite(kept["sample_mean"].sel(mu=0.0)).all()
    assert np.isnan(kept["sample_mean"].sel(mu=[1.0, 2.0])).all()
    failed = json.loads(kept.attrs["sweep_failed"])
    assert failed[0] == {"point": {"mu": 1.0}, "seed_index": 0,
                         "error": "RuntimeError: toy failure: mu=1.0 is above 0.5"}


def test_when_every_point_fails_there_is_nothing_to_merge():
    with pytest.raises(SweepError, match=r"every sweep run failed: \[mu=1.0, seed #0\] RuntimeError"):
        run_sweep(TOY, {"mu": [1.0]}, base_params={"fail_above": 0.5}, errors="keep")


def test_cli_every_run_failing_exits_3_without_traceback(tmp_path, capsys):
    spec = write_spec(tmp_path, sweep="mu = [1.0, 2.0]\n", params="fail_above = 0.5\n")
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and "every run failed; nothing written" in err
    assert "run failed [mu=2.0, seed #0]: RuntimeError: toy failure: mu=2.0 is above 0.5" in err


# ----------------------------------------------------------------------------- figure


def test_plot_sweep_draws_mean_and_error_over_seeds():
    ds = run_sweep(TOY, {"mu": [0.0, 1.0, 2.0], "scale": [1.0, 2.0]}, seeds=3)
    ax = plot_sweep(ds)
    assert ax.get_xlabel() == "mu" and ax.get_ylabel() == "sample mean"  # dimensionless: no "[1]"
    assert len(ax.get_legend().get_texts()) == 2
    ymean = ds["sample_mean"].sel(scale=1.0).mean(["trial", "seed"]).values
    np.testing.assert_allclose(ax.lines[0].get_ydata(), ymean)


def test_plot_sweep_x_may_be_a_dimension_of_the_runs():
    ds = run_sweep(TOY, {"mu": [0.0, 1.0], "scale": [1.0, 2.0]}, seeds=2, base_params={"n_batches": 4})
    ax = plot_sweep(ds, x="trial", variable="n_above")
    assert ax.get_xlabel() == "trial" and ax.get_ylabel() == "draws above mu"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mu = 0.0", "mu = 1.0"]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0, 1, 2, 3])
    with pytest.raises(ValidationError, match=r"Invalid value for the 'x' parameter.*but got 'nope'"):
        plot_sweep(ds, x="nope")
    with pytest.raises(ValidationError, match=r"Invalid value for the 'variable' parameter"):
        plot_sweep(ds, variable="point_seed")


# ----------------------------------------------------------------------------- command line


def write_spec(tmp_path, sweep='mu = [0.0, 1.0]\nscale = {start = 1, stop = 2, num = 2}\nseeds = 2\n',
               params="n_draws = 200\n", name="toy.toml"):
    path = tmp_path / name
    path.write_text(f'title = "Toy sweep"\nexperiment = "{TOY}"\nseed = 7\n\n[params]\n{params}\n'
                    f"[sweep]\n{sweep}", encoding="utf-8")
    return path


def test_cli_sweep_writes_results_summary_figure_and_cache(tmp_path, capsys):
    spec = write_spec(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "8 runs: 8 computed, 0 cached, 0 failed" in text
    for name in ("results.nc", "summary.json", "sweep.png"):
        assert (out / name).is_file()
    assert len(list((out / "cache").glob("*.nc"))) == 8
    ds = load_dataset(out / "results.nc")
    assert ds["sample_mean"].dims == ("mu", "scale", "seed", "trial")
    assert ds.attrs["title"] == "Toy sweep" and ds.attrs["seed"] == 7
    summary = json.loads((out / "summary.json").read_text())
    assert summary["grid"] == {"mu": [0.0, 1.0], "scale": [1.0, 2.0]}
    assert (summary["computed"], summary["cached"], summary["failed"]) == (8, 0, [])
    # the same as the Python API with the spec
    api = run_sweep(load_spec(spec), {"mu": [0.0, 1.0], "scale": [1.0, 2.0]}, seeds=2, seed=7,
                    cache_dir=tmp_path / "api-cache")
    xr.testing.assert_identical(ds.drop_attrs(), api.drop_attrs())
    # rerun into the same folder: nothing recomputed; --seeds 3 computes only the new repeats
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 0
    assert "8 runs: 0 computed, 8 cached" in capsys.readouterr().out
    assert cli.main(["sweep", str(spec), "--out", str(out), "--seeds", "3"]) == 0
    assert "12 runs: 4 computed, 8 cached" in capsys.readouterr().out


def test_cli_plot_table_chooses_the_figure_axes(tmp_path, capsys):
    spec = write_spec(tmp_path, sweep='mu = [0.0, 1.0]\nplot = {x = "trial", variable = "n_above"}\n')
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "sweep.png").stat().st_size > 1000
    spec = write_spec(tmp_path, sweep='mu = [0.0, 1.0]\nplot = {x = "time"}\n', name="bad-x.toml")
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "out2")]) == 0  # results kept, no figure
    assert "no figure: Invalid value for the 'x' parameter" in capsys.readouterr().err
    assert (tmp_path / "out2" / "results.nc").is_file() and not (tmp_path / "out2" / "sweep.png").exists()


def test_cli_uses_the_experiments_own_sweep_figures(tmp_path):
    path = tmp_path / "fig.toml"
    path.write_text('title = "Toy"\nexperiment = "_sweep_toy:mean_with_figures"\n[sweep]\nmu = [0.0, 1.0]\n')
    assert cli.main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["sweep_n_above.png", "sweep_sample_mean.png"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "sweep_sample_mean.png" in summary["files"]


def test_cli_failing_point_exits_3_names_it_and_keeps_the_others(tmp_path, capsys):
    spec = write_spec(tmp_path, sweep="mu = [0.0, 1.0, 2.0]\n", params="fail_above = 1.5\n")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "run failed [mu=2.0, seed #0]: RuntimeError: toy failure: mu=2.0 is above 1.5" in err
    assert "1 of 3 runs failed" in err
    ds = load_dataset(out / "results.nc")
    assert np.isfinite(ds["sample_mean"].sel(mu=[0.0, 1.0])).all()
    assert np.isnan(ds["sample_mean"].sel(mu=2.0)).all()
    assert json.loads((out / "summary.json").read_text())["failed"][0]["point"] == {"mu": 2.0}


@pytest.mark.parametrize(
    ("sweep", "args", "message"),
    [
        ("mu = [0.0]\nn_drawz = [1]\n", [], r"sweep key\(s\) \['n_drawz'\] are not parameters.*allowed keys are "
                                            r"\['fail_above', 'mu', 'n_batches', 'n_draws', 'pause', 'scale'\]"),
        ("seeds = 2\n", [], "grid must name at least one parameter"),
        ("", [], "has no \\[sweep\\] table"),
        ("mu = [0.0]\nseeds = 0\n", [], r"\[sweep\] seeds must be an integer >= 1; got 0"),
        ("mu = [0.0]\n", ["--seeds", "0"], r"--seeds must be an integer in 1\.\.100,000; got 0"),
        ("mu = [0.0]\n", ["--workers", "0"], r"--workers must be an integer in 1\.\.\d+ \(4 x the \d+ CPU core"),
        # issue 14: the sweep's contract
        ("mu = [0.0]\n", ["--workers", "1000"], r"--workers must be an integer in 1\.\.\d+ .*got 1000"),
        ("mu = [0.0, 1.0]\n", ["--set", "mu=3"], r"--set mu=\.\.\. names a swept parameter \(\[sweep\] mu = "
                                                 r"\[0\.0, 1\.0\]\).*remove mu from the \[sweep\] table"),
        ("mu = [0.0]\n", ["--scheduler", "nonsense"], r"scheduler must be an address like 'tcp://host:8786' "
                                                        r"with a port number"),
        ("mu = [0.0]\n", ["--scheduler", "ucx://10.0.0.1:8786"], r"\(protocol tcp or tls\); got 'ucx://"),
        ("mu = [0.0]\n", ["--scheduler", "tcp://127.0.0.1:99999"], r"with a port number in 1-65535"),
        ("mu = {start = 0, stop = 1, num = 1000}\nscale = {start = 1, stop = 2, num = 1000}\n"
         "n_batches = {start = 1, stop = 100, num = 1000}\n", [],
         r"the sweep grid has 1,000,000,000 runs \(1,000 mu x 1,000 scale x 1,000 n_batches x 1 seeds\); "
         r"at most 100,000"),
        ("mu = {start = 0, stop = 1, num = 1000000000}\n", [], r"1,000,000,000 runs"),
        ('mu = [0.0]\nplot = {y = "trial"}\n', [], r"\[sweep\] plot must be a table with string keys x and/or"),
        ("n_draws = [10, -1]\n", [], r"sweep point \{'n_draws': -1\}: parameter 'n_draws' must lie in"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2_and_no_output(tmp_path, capsys, sweep, args, message):
    spec = write_spec(tmp_path, sweep=sweep)
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("neurocomp sweep: error: ")
    assert __import__("re").search(message, err), err
    assert not out.exists()


def test_cli_unreachable_scheduler_exit_2_within_10_s(tmp_path, capsys):
    spec = write_spec(tmp_path, sweep="mu = [0.0]\n")
    start = time.perf_counter()
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert time.perf_counter() - start < 10
    err = capsys.readouterr().err
    assert "scheduler 'tcp://127.0.0.1:9' did not answer within 5 s" in err
    assert not (tmp_path / "out").exists()


def test_cli_workers_and_scheduler_are_exclusive(tmp_path, capsys):
    spec = write_spec(tmp_path)
    with pytest.raises(SystemExit) as info:
        cli.main(["sweep", str(spec), "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_sweep_killed_with_sigkill_resumes_without_recomputing(tmp_path):
    spec = tmp_path / "slow.toml"
    spec.write_text(f'title = "Slow toy"\nexperiment = "{TOY}"\nseed = 1\n[params]\npause = 0.1\n'
                    "[sweep]\nmu = {start = 0, stop = 1, num = 5}\nseeds = 2\n", encoding="utf-8")
    out = tmp_path / "out"
    cache = out / "cache"
    command = [sys.executable, "-m", "neurocomp.cli", "sweep", str(spec), "--out", str(out), "--plugin", "_sweep_toy"]
    proc = subprocess.Popen(command, env=env_with_tests_on_path(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(finished_files(cache)) < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "results.nc").exists()
    finished = len(finished_files(cache))
    assert 3 <= finished < 10

    rerun = subprocess.run(command, env=env_with_tests_on_path(), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["computed"], summary["cached"]) == (10 - finished, finished)

    uninterrupted = run_sweep(load_spec(spec), {"mu": {"start": 0, "stop": 1, "num": 5}}, seeds=2, seed=1,
                              cache_dir=tmp_path / "reference-cache")
    xr.testing.assert_identical(stable(load_dataset(out / "results.nc")), stable(uninterrupted))


def test_helper_module_is_the_tests_folder():
    assert Path(_sweep_toy.__file__).parent == Path(__file__).parent


# ----------------------------------------------------------------------------- trust (issue 14)


def method_by_size(*, n: int = 4, rng=None):
    """Like rbm_digits: the estimate's method (an attr) depends on a swept size."""
    gen = np.random.default_rng(rng)
    method = "exact" if n <= 8 else "AIS"
    ds = xr.Dataset(
        {"log_z": ((), float(gen.normal()), {"units": "nat", "long_name": f"log Z ({method})"}),
         "draws": ("trial", gen.normal(size=3), {"units": "1", "long_name": "draws"})},
        attrs={"likelihood_method": method, "data": "toy", "n_chains": 100 if n > 8 else None},
    )
    return ds


def test_sweep_keeps_per_run_attrs_and_turns_differing_ones_into_variables(tmp_path):
    for cache in (None, tmp_path):
        ds = run_sweep(method_by_size, {"n": [4, 8, 16]}, seeds=2, cache_dir=cache)
        # identical across runs: stays an attr
        assert ds.attrs["data"] == "toy"
        # differs: a variable along the swept dims, and the attr says so (never "exact" for all)
        assert ds["likelihood_method"].dims == ("n", "seed")
        assert ds["likelihood_method"].sel(n=16).values.tolist() == ["AIS", "AIS"]
        assert ds["likelihood_method"].sel(n=4).values.tolist() == ["exact", "exact"]
        assert "differs between runs" in ds.attrs["likelihood_method"]
        assert ds["log_z_long_name"].sel(n=16, seed=0).item() == "log Z (AIS)"
        assert "differs between runs" in ds["log_z"].attrs["long_name"]
        assert ds["draws"].attrs == {"units": "1", "long_name": "draws"}
        # the attr a run left out is missing there, not a value borrowed from another run
        assert ds["n_chains"].sel(n=16).values.tolist() == ["100", "100"] or \
            ds["n_chains"].sel(n=16).values.tolist() == [100.0, 100.0]


def _tamper_runs(cache: Path):
    """Swap two cache files, change one value in a third, truncate a fourth; return their names."""
    files = sorted(finished_files(cache))
    a, b, edited, cut = files[:4]
    tmp = a.with_suffix(".swap")
    a.rename(tmp)
    b.rename(a)
    tmp.rename(b)
    ds = load_dataset(edited)
    ds["sample_mean"][0] = ds["sample_mean"][0] + 0.5
    from neurocomp.io import save_dataset

    save_dataset(ds, edited)  # attrs kept: only the checksum can tell
    data = cut.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    return {a.name, b.name, edited.name, cut.name}


def test_tampered_cache_files_are_recomputed_with_a_warning_naming_them(tmp_path):
    from neurocomp._validation import NeurocompWarning

    grid = {"mu": [0.0, 1.0, 2.0]}
    reference = run_sweep(TOY, grid, seeds=2, seed=3)
    run_sweep(TOY, grid, seeds=2, seed=3, cache_dir=tmp_path)
    tampered = _tamper_runs(tmp_path)
    with pytest.warns(NeurocompWarning) as record:
        again = run_sweep(TOY, grid, seeds=2, seed=3, cache_dir=tmp_path)
    named = {Path(str(w.message).split()[3]).name for w in record if issubclass(w.category, NeurocompWarning)}
    assert named == tampered
    messages = " ".join(str(w.message) for w in record)
    assert "holds another run" in messages and "checksum" in messages and "unreadable" in messages
    assert (again.attrs["sweep_computed"], again.attrs["sweep_cached"]) == (4, 2)
    xr.testing.assert_identical(stable(again), stable(reference))
    # the recomputed files are good again: a third run loads everything without a word
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", NeurocompWarning)
        third = run_sweep(TOY, grid, seeds=2, seed=3, cache_dir=tmp_path)
    assert third.attrs["sweep_cached"] == 6


def test_a_cache_file_from_another_experiment_or_version_is_not_used(tmp_path, monkeypatch):
    from neurocomp._validation import NeurocompWarning

    run_sweep(TOY, {"mu": [0.0]}, seed=3, cache_dir=tmp_path)
    import neurocomp

    monkeypatch.setattr(neurocomp, "__version__", "0.0.0-other")
    # the key (file name) includes the version, so a new version does not even look at old files;
    # a file renamed to the new key is caught by what it records
    from neurocomp.sweep import sweep_points

    from _sweep_toy import mean_of_draws

    _, (point,) = sweep_points(mean_of_draws, {"mu": [0.0]}, seed=3, experiment=TOY)
    (old,) = finished_files(tmp_path)
    old.rename(tmp_path / f"{point.key}.nc")
    with pytest.warns(NeurocompWarning, match=r"was written by neurocomp .*, not 0\.0\.0-other"):
        ds = run_sweep(TOY, {"mu": [0.0]}, seed=3, cache_dir=tmp_path)
    assert ds.attrs["sweep_computed"] == 1


def test_sweep_memory_estimate_refuses_what_cannot_fit():
    from neurocomp.experiments import get
    from neurocomp.sweep import check_sweep_memory, sweep_points

    func = get("rbm_digits")
    _, points = sweep_points(func, {"n_hidden": [16, 64]}, experiment="rbm_digits")
    one = check_sweep_memory(func, points, available=10**12)
    assert one == func.memory_estimate(**points[-1].params) > func.memory_estimate(**points[0].params)
    with pytest.raises(ValidationError, match=r"needs about .* of memory by estimate \(2 concurrent runs of up to "
                                              r".* at n_hidden=64\); only 1\.0 KiB is available"):
        check_sweep_memory(func, points, concurrency=4, available=1024, experiment="rbm_digits")
    # an experiment without an estimate is not checked
    from _sweep_toy import mean_of_draws

    _, toy_points = sweep_points(mean_of_draws, {"mu": [0.0]})
    assert check_sweep_memory(mean_of_draws, toy_points, available=1) is None


def test_ctrl_c_prints_one_line_with_the_cached_count_and_resumes(tmp_path):
    """SIGINT to the process group (as a terminal's Ctrl-C): one line, exit 130; the rerun resumes."""
    spec = write_spec(tmp_path, sweep="mu = {start = 0, stop = 1, num = 4}\nseeds = 2\n", params="pause = 0.2\n")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "neurocomp.cli", "sweep", str(spec), "--out", str(out), "--plugin", "_sweep_toy"]
    proc = subprocess.Popen(command, env=env_with_tests_on_path(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(finished_files(out / "cache")) < 2:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert proc.returncode == 130
    lines = err.strip().splitlines()
    cached = len(finished_files(out / "cache"))
    assert len(lines) == 1, err
    assert lines[0] == (f"neurocomp sweep: interrupted; {cached} of 8 runs are cached in {out / 'cache'}; "
                        f"rerun the same command (--out {out}) to resume from there")
    assert not (out / "results.nc").exists()
    rerun = subprocess.run(command, env=env_with_tests_on_path(), capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["computed"], summary["cached"]) == (8 - cached, cached)


def test_cli_names_a_tampered_cache_file_in_one_warning_line_and_recomputes_it(tmp_path, capsys):
    spec = write_spec(tmp_path, sweep="mu = [0.0, 1.0]\n")
    out = tmp_path / "out"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 0
    reference = load_dataset(out / "results.nc")
    victim = sorted(finished_files(out / "cache"))[0]
    victim.write_bytes(victim.read_bytes()[:2000])
    capsys.readouterr()
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"neurocomp sweep: warning: sweep cache file {victim} is unreadable")
    assert err[0].endswith("recomputing that run")
    xr.testing.assert_identical(stable(load_dataset(out / "results.nc")), stable(reference))


def test_cli_out_that_is_a_file_or_under_one_is_refused_before_running(tmp_path, capsys):
    spec = write_spec(tmp_path, sweep="mu = [0.0]\n")
    (tmp_path / "afile").write_text("x")
    for out, message in [(tmp_path / "afile", "is a file, not a folder"),
                         (tmp_path / "afile" / "sub", "which is a file, not a folder")]:
        assert cli.main(["sweep", str(spec), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err


def test_a_point_whose_work_is_refused_is_named(tmp_path, capsys):
    spec = tmp_path / "rbm.toml"
    spec.write_text('title = "rbm"\nexperiment = "rbm_digits"\n[sweep]\nn_epochs = [2, 10000]\nn_hidden = [64, 4096]\n',
                    encoding="utf-8")
    assert cli.main(["sweep", str(spec), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sweep point {'n_epochs': 10000, 'n_hidden': 4096}: " in err, err
    assert "arithmetic operations by estimate" in err and not (tmp_path / "o").exists()
