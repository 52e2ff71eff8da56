"""The command line end to end, in subprocesses, as a user runs it."""

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

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    env.setdefault("MPLBACKEND", "Agg")
    return env


def neurocomp(*args, cwd=None, timeout=120):
    """Run the command line; ``run`` loads the toy experiment's plugin (tests/_cli_toy.py)."""
    args = [str(a) for a in args]
    if args and args[0] == "run":
        args = ["run", "--plugin", "_cli_toy", *args[1:]]
    return subprocess.run(
        [sys.executable, "-m", "neurocomp.cli", *args],
        capture_output=True, text=True, env=_env(), cwd=cwd, timeout=timeout,
    )


def write_spec(folder, body=None, name="toy.toml"):
    path = Path(folder) / name
    path.write_text(
        body
        if body is not None
        else 'title = "Darts"\nexperiment = "cli_toy_pi"\nseed = 5\n\n[params]\nn_darts = 2000\nn_batches = 3\n'
    )
    return path


def test_run_then_info(tmp_path):
    spec = write_spec(tmp_path)
    out = tmp_path / "out"
    proc = neurocomp("run", spec, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "pi_mean" in proc.stdout
    assert {p.name for p in out.iterdir()} == {"results.nc", "estimates.png", "summary.json"}
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    for key in ("neurocomp_version", "seed", "spec", "created"):
        assert key in ds.attrs
    assert ds.attrs["seed"] == 5
    assert json.loads(ds.attrs["spec"])["params"]["n_darts"] == 2000
    assert abs(float(ds.pi_estimate.mean()) - np.pi) < 4 * 4 * np.sqrt(np.pi / 4 * (1 - np.pi / 4) / 6000)  # 4 SE = 0.085
    ds.close()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 5 and summary["params"]["n_batches"] == 3

    info = neurocomp("info", out / "results.nc")
    assert info.returncode == 0, info.stderr
    assert "pi_estimate" in info.stdout and "seed" in info.stdout and "n_darts = 2000" in info.stdout


def test_default_out_folder_and_set_and_seed(tmp_path):
    spec = write_spec(tmp_path)
    proc = neurocomp("run", spec, "--seed", 9, "--set", "n_batches=2", "--set", "label=other", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert run_dir.name.startswith("toy-")
    ds = xr.open_dataset(run_dir / "results.nc", engine="h5netcdf")
    assert ds.sizes["trial"] == 2 and ds.attrs["seed"] == 9 and ds.attrs["label"] == "other"
    ds.close()


def test_same_seed_same_result_other_seed_differs(tmp_path):
    spec = write_spec(tmp_path)
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        assert neurocomp("run", spec, "--out", tmp_path / name, "--seed", seed).returncode == 0
    load = lambda n: xr.load_dataset(tmp_path / n / "results.nc", engine="h5netcdf")  # noqa: E731
    a, b, c = load("a"), load("b"), load("c")
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())
    assert not np.array_equal(a.pi_estimate.values, c.pi_estimate.values)


def test_list_shows_bundled_specs():
    proc = neurocomp("list")
    assert proc.returncode == 0, proc.stderr
    bundled = sorted(p for d in ("models", "analyses") for p in (REPO / d).glob("*.toml"))
    assert bundled, "the repository bundles specs"
    for path in bundled:
        assert f"{path.parent.name}/{path.name}" in proc.stdout


BAD_CASES = {
    "missing file": (None, [], "does not exist"),
    "toml syntax": ('title = "x"\nexperiment = \n', [], "not valid TOML"),
    "unknown experiment": ('title = "x"\nexperiment = "no_such_experiment"\n', [], "must be one of the registered experiments"),
    "unknown key": (
        'title = "x"\nexperiment = "cli_toy_pi"\n[params]\nn_dart = 3\n', [],
        r"unknown parameter\(s\) \['n_dart'\].*allowed keys are \['label', 'n_batches', 'n_darts', 'pause'\]",
    ),
    "wrong type": ('title = "x"\nexperiment = "cli_toy_pi"\n[params]\nn_darts = "many"\n', [], "'n_darts' must be an integer; got 'many'"),
    "float for int": ('title = "x"\nexperiment = "cli_toy_pi"\n[params]\nn_darts = 2.5\n', [], "'n_darts' must be an integer"),
    "out of range": ('title = "x"\nexperiment = "cli_toy_pi"\n[params]\nn_batches = 0\n', [], r"'n_batches' must lie in \[1, 1000\]; got 0"),
    "unknown top-level key": ('title = "x"\nexperiment = "cli_toy_pi"\nparmas = 1\n', [], "unknown top-level key"),
    "--set unknown key": (
        'title = "x"\nexperiment = "cli_toy_pi"\n', ["--set", "n_dartz=4"],
        r"--set n_dartz: not a parameter.*allowed keys are",
    ),
    "--set wrong type": ('title = "x"\nexperiment = "cli_toy_pi"\n', ["--set", "n_darts=abc"], "'n_darts' must be an integer"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_one_line_exit_2_no_output(tmp_path, case):
    import re

    body, extra, message = BAD_CASES[case]
    spec = tmp_path / "missing.toml" if body is None else write_spec(tmp_path, body, name="bad.toml")
    out = tmp_path / "out"
    proc = neurocomp("run", spec, "--out", out, *extra)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert re.search(message, proc.stderr), proc.stderr
    assert not out.exists()


def test_info_on_missing_or_foreign_file(tmp_path):
    proc = neurocomp("info", tmp_path / "nope.nc")
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr
    junk = tmp_path / "junk.nc"
    junk.write_text("not netcdf")
    proc = neurocomp("info", junk)
    assert proc.returncode == 2 and "NetCDF" in proc.stderr


def test_internal_error_exits_1_with_traceback(tmp_path):
    (tmp_path / "broken_plugin.py").write_text(
        "import neurocomp\n"
        "@neurocomp.experiment('broken_toy')\n"
        "def broken(*, n: int = 1, rng=None):\n    return 1 / 0\n"
    )
    spec = write_spec(tmp_path, 'title = "x"\nexperiment = "broken_toy"\n')
    proc = subprocess.run([sys.executable, "-m", "neurocomp.cli", "run", str(spec), "--out", str(tmp_path / "o"),
                           "--plugin", str(tmp_path / "broken_plugin.py")],
                          capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "ZeroDivisionError" in proc.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_run_leaves_no_results(tmp_path, sig):
    spec = write_spec(tmp_path, 'title = "x"\nexperiment = "cli_toy_pi"\n[params]\npause = 30.0\n')
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "neurocomp.cli", "run", str(spec), "--out", str(out),
                             "--plugin", "_cli_toy"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    # wait until the experiment is running (the header line is printed before it starts)
    line = proc.stdout.readline()
    assert "experiment" in line or line.startswith("x")
    time.sleep(1.0)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert not (out / "results.nc").exists()
    leftovers = list(out.glob("*")) if out.exists() else []
    assert leftovers == []
    # the next run into the same folder is not refused and leaves a complete folder
    assert neurocomp("run", spec, "--out", out, "--set", "pause=0").returncode == 0
    assert json.loads((out / "summary.json").read_text())["checksums"]


def test_info_piped_into_a_closed_reader_stops_quietly(tmp_path, monkeypatch):
    import io as _io

    from neurocomp import cli

    spec = write_spec(tmp_path)
    assert neurocomp("run", spec, "--out", tmp_path / "out").returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone, as after `| head -1`
    closed = _io.TextIOWrapper(os.fdopen(write_end, "wb", buffering=0), line_buffering=True)
    monkeypatch.setattr(sys, "stdout", closed)
    assert cli.main(["info", str(tmp_path / "out" / "results.nc")]) == 0
    assert cli.main(["info", str(tmp_path / "out")]) == 0
