"""Trust: the command line's contract, run folders, out-of-space, and ``info`` on hostile files.

Every user mistake: exit status 2, exactly one line on stderr naming the argument, no traceback,
no output folder. The table below replays bad inputs of every class in-process (fast); a few run
in subprocesses as a user would.
"""

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

from neurocomp import cli, io

TESTS = Path(__file__).resolve().parent
TOY = 'title = "Darts"\nexperiment = "cli_toy_pi"\nseed = 5\n[params]\nn_darts = 200\nn_batches = 2\n'


def _spec(t, body=TOY, name="s.toml"):
    path = t / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def _bytes(t, data, name="s.toml"):
    path = t / name
    path.write_bytes(data)
    return str(path)


def _with_params(extra):
    return TOY + extra


def _file(t, name="afile"):
    (t / name).write_text("x")
    return str(t / name)


def _fifo(t, name="fifo"):
    os.mkfifo(t / name)
    return str(t / name)


def _results(t, name="good.nc", **attrs):
    ds = xr.Dataset({"v": ("x", np.arange(3.0), {"units": "1", "long_name": "v"})})
    return str(io.save_dataset(ds, t / name, attrs={**io.provenance_attrs(seed=1, spec={"params": {}}), **attrs}))


def _plain_hdf5(t):
    with h5py.File(t / "plain.h5", "w") as f:
        f["data"] = np.arange(10)
        f.attrs["title"] = "not ours"
    return str(t / "plain.h5")


def _truncated(t):
    data = Path(_results(t, "full.nc")).read_bytes()
    return _bytes(t, data[: len(data) // 2], "truncated.nc")


def _zeroed_superblock(t):
    data = bytearray(Path(_results(t, "full2.nc")).read_bytes())
    data[8:200] = bytes(192)
    return _bytes(t, bytes(data), "zeroed.nc")


def _non_empty_dir(t):
    (t / "used").mkdir()
    (t / "used" / "results.nc").write_text("old")
    return str(t / "used")


R = "run"
# (case, argv builder, regex the one stderr line must match)
CASES = [
    # --- the spec file
    ("missing spec", lambda t: [R, str(t / "nope.toml")], "does not exist"),
    ("spec is a folder", lambda t: [R, str(t)], "not a regular file"),
    ("spec is a FIFO", lambda t: [R, _fifo(t)], "not a regular file"),
    ("binary spec", lambda t: [R, _bytes(t, b"\x89PNG\r\n\x1a\n\x00\x00\x00")], "binary data"),
    ("latin-1 spec", lambda t: [R, _bytes(t, 'title = "Caf\xe9"\n'.encode("latin-1"))], "must be UTF-8"),
    ("bad TOML", lambda t: [R, _spec(t, 'title = "x"\nexperiment = \n')], "not valid TOML"),
    ("empty spec", lambda t: [R, _spec(t, "")], "'title' must be a non-empty string"),
    ("huge spec", lambda t: [R, _spec(t, "# " + "x" * (1 << 21))], "must be a small TOML file"),
    ("title not a string", lambda t: [R, _spec(t, 'title = 3\nexperiment = "cli_toy_pi"\n')], "'title' must be"),
    ("no experiment", lambda t: [R, _spec(t, 'title = "x"\n')], "'experiment' must be a non-empty string"),
    ("os:system", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "os:system"\n')], "registered experiments"),
    ("IPython", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "IPython:start_ipython"\n')], "registered"),
    ("dotted path", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "os.path.join"\n')], "registered"),
    ("ANSI in experiment", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "\\u001b[2J"\n')], r"\\x1b\[2J"),
    ("unknown top-level key", lambda t: [R, _spec(t, "parmas = 1\n" + TOY)], "unknown top-level key"),
    ("params not a table", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "cli_toy_pi"\nparams = 3\n')],
     r"\[params\] must be a table"),
    ("unknown parameter", lambda t: [R, _spec(t, _with_params("n_dart = 3\n"))], r"unknown parameter\(s\) \['n_dart'\]"),
    ("string for int", lambda t: [R, _spec(t, _with_params('pause = "long"\n'))], "'pause' must be a number"),
    ("float for int", lambda t: [R, _spec(t, TOY.replace("n_batches = 2", "n_batches = 2.5"))],
     "'n_batches' must be an integer"),
    ("bool for int", lambda t: [R, _spec(t, TOY.replace("n_batches = 2", "n_batches = true"))],
     "'n_batches' must be an integer"),
    ("out of range", lambda t: [R, _spec(t, TOY.replace("n_batches = 2", "n_batches = 0"))], r"'n_batches' must lie in"),
    ("NaN", lambda t: [R, _spec(t, _with_params("pause = nan\n"))], "'pause' must be a finite number"),
    ("inf", lambda t: [R, _spec(t, _with_params("pause = inf\n"))], "'pause' must be a finite number"),
    ("-inf", lambda t: [R, _spec(t, _with_params("pause = -inf\n"))], "'pause' must be a finite number"),
    ("huge string", lambda t: [R, _spec(t), "--set", "label='" + "x" * 2000 + "'"], "'label' must have 0 to 1000 characters"),
    ("spec seed negative", lambda t: [R, _spec(t, TOY.replace("seed = 5", "seed = -1"))], "'seed' must be a non-negative"),
    ("spec seed 1.5", lambda t: [R, _spec(t, TOY.replace("seed = 5", "seed = 1.5"))], "'seed' must be a non-negative"),
    ("spec seed bool", lambda t: [R, _spec(t, TOY.replace("seed = 5", "seed = true"))], "'seed' must be a non-negative"),
    ("spec seed string", lambda t: [R, _spec(t, TOY.replace("seed = 5", 'seed = "5"'))], "'seed' must be a non-negative"),
    # --- --seed and --set
    ("--seed -1", lambda t: [R, _spec(t), "--seed", "-1"], "argument --seed"),
    ("--seed 1.5", lambda t: [R, _spec(t), "--seed", "1.5"], r"argument --seed: .*got '1\.5'"),
    ("--seed 1e3", lambda t: [R, _spec(t), "--seed", "1e3"], "argument --seed"),
    ("--seed abc", lambda t: [R, _spec(t), "--seed", "abc"], "argument --seed"),
    ("--seed 2**63", lambda t: [R, _spec(t), "--seed", str(2**63)], r"argument --seed: must be .*<= 2\*\*63-1"),
    ("--set seed=-3", lambda t: [R, _spec(t), "--set", "seed=-3"], "--set seed must be a non-negative integer"),
    ("--set seed=1.5", lambda t: [R, _spec(t), "--set", "seed=1.5"], "--set seed must be a non-negative integer"),
    ("--set seed=2**63", lambda t: [R, _spec(t), "--set", f"seed={2**63}"], r"--set seed must be .*<= 2\*\*63-1"),
    ("--set seed=nan", lambda t: [R, _spec(t), "--set", "seed=nan"], "--set seed must be a non-negative integer"),
    ("--set no =", lambda t: [R, _spec(t), "--set", "n_darts"], "--set must be KEY=VALUE"),
    ("--set empty key", lambda t: [R, _spec(t), "--set", "=5"], "non-empty KEY"),
    ("--set unknown", lambda t: [R, _spec(t), "--set", "n_dartz=4"], "--set n_dartz: not a parameter"),
    ("--set wrong type", lambda t: [R, _spec(t), "--set", "n_darts=abc"], "'n_darts' must be an integer"),
    ("--set huge int", lambda t: [R, _spec(t), "--set", "n_darts=" + "9" * 30], "'n_darts' must be"),
    ("--set nan", lambda t: [R, _spec(t), "--set", "pause=nan"], "'pause' must be a finite number"),
    # --- list parameters element by element, sizes and durations (built-in experiments)
    ("dims [0, 7]", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "brownian_einstein"\n[params]\ndims = [0, 7]\n')],
     r"'dims\[0\]' must lie in \[1, 3\]"),
    ("dims []", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "brownian_einstein"\n[params]\ndims = []\n')],
     "'dims' must hold 1 to 3 elements; got 0"),
    ("dims strings", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "brownian_einstein"\n[params]\ndims = ["a"]\n')],
     r"'dims\[0\]' must be an integer"),
    ("dims [1, 1]", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "brownian_einstein"\n[params]\ndims = [1, 1]\n')],
     "'dims' must not name an element twice"),
    ("gates twice", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "spiking_gates"\n'), "--set", "gates=['AND', 'AND']"],
     "'gates' must not name an element twice"),
    ("list too long", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "hopfield_capacity"\n'), "--set",
                                 "loads=[" + ", ".join(["0.1"] * 1001) + "]"], "'loads' must hold 1 to 1000 elements"),
    ("list NaN element", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "hopfield_capacity"\n'), "--set",
                                    "loads=[0.1, nan]"], r"'loads\[1\]' must be a finite number"),
    ("duration 1e12", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "run_and_tumble"\n'), "--set", "duration=1e12"],
     r"'duration' must lie in \(0, 100000\]"),
    ("too many steps", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "run_and_tumble"\n'), "--set", "dt=1e-9"],
     "time steps; at most"),
    ("n_v1 10**9", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "ventral_stream"\n'), "--set", "n_v1=1000000000"],
     r"'n_v1' must lie in \[1, 100000\]"),
    ("walkers x steps", lambda t: [R, _spec(t, 'title = "x"\nexperiment = "brownian_einstein"\n'),
                                   "--set", "n_walkers=1000000", "--set", "n_steps=100000"],
     r"needs about .* of memory by estimate .* only .* is available"),
    ("toy memory", lambda t: [R, _spec(t), "--set", "n_darts=10000000", "--set", "n_batches=1000"],
     "needs about 149.0 GiB of memory by estimate"),
    # --- --out
    ("--out is a file", lambda t: [R, _spec(t), "--out", _file(t)], "--out .* is a file, not a folder"),
    ("--out under a file", lambda t: [R, _spec(t), "--out", str(Path(_file(t)) / "sub")], "lies under .*, which is a file"),
    ("--out unwritable", lambda t: [R, _spec(t), "--out", "/proc/neurocomp-trust-test/out"], "--out .* cannot be written"),
    ("--out holds a run", lambda t: [R, _spec(t), "--out", _non_empty_dir(t)], "already holds files .*--overwrite"),
    # --- argparse's own mistakes, one line each
    ("unknown option", lambda t: [R, _spec(t), "--bogus"], "unrecognized arguments: --bogus"),
    ("no spec", lambda t: [R], "the following arguments are required: spec"),
    ("no command", lambda t: [], "the following arguments are required: command"),
    ("unknown command", lambda t: ["frobnicate"], "invalid choice: 'frobnicate'"),
    ("--out without value", lambda t: [R, _spec(t), "--out"], "argument --out: expected one argument"),
    ("list extra arg", lambda t: ["list", "extra"], "unrecognized arguments: extra"),
    ("plugin missing", lambda t: [R, _spec(t), "--plugin", str(t / "none.py")], "--plugin .* must be an existing .py"),
    ("plugin not a module", lambda t: [R, _spec(t), "--plugin", "no_such_plugin_module"], "could not be loaded"),
    # --- info
    ("info missing", lambda t: ["info", str(t / "none.nc")], "does not exist"),
    ("info FIFO", lambda t: ["info", _fifo(t)], "is a FIFO"),
    ("info character device", lambda t: ["info", "/dev/null"], "is a character device"),
    ("info text file", lambda t: ["info", _file(t, "junk.nc")], "no HDF5 signature"),
    ("info empty file", lambda t: ["info", _bytes(t, b"", "empty.nc")], "no HDF5 signature"),
    ("info truncated", lambda t: ["info", _truncated(t)], "could not read .* corrupt or not NetCDF"),
    ("info zeroed superblock", lambda t: ["info", _zeroed_superblock(t)], "could not read .* corrupt or not NetCDF"),
    ("info plain HDF5", lambda t: ["info", _plain_hdf5(t)], "no neurocomp_version attribute"),
    ("info no argument", lambda t: ["info"], "the following arguments are required: file"),
    ("info on a folder that is no run", lambda t: ["info", str(t)], "must be a run folder .* holds neither"),
    ("info on a broken link", lambda t: ["info", str(_link(t))], "is a broken link"),
    # --- text that would break the results file or the terminal
    ("NUL in a string parameter", lambda t: [R, _spec(t, _with_params('label = "a\\u0000b"\n'))],
     r"'label' must be text without control characters; got '\\x00'"),
    ("escape in the title", lambda t: [R, _spec(t, TOY.replace('"Darts"', '"Da\\u001b[2Jrts"'))],
     "'title' must be text without control characters"),
    ("title too long", lambda t: [R, _spec(t, TOY.replace('"Darts"', '"' + "D" * 600 + '"'))],
     "'title' must have at most 500 characters"),
    ("--set empty seed", lambda t: [R, _spec(t), "--set", "seed="], "--set seed must be a non-negative integer"),
    ("--set list for int", lambda t: [R, _spec(t), "--set", "n_darts=[1, 2]"], "'n_darts' must be an integer"),
    ("--set table for str", lambda t: [R, _spec(t), "--set", "label={a = 1}"], "'label' must be a string"),
    ("--set 1e400", lambda t: [R, _spec(t), "--set", "pause=1e400"], "'pause' must be a finite number"),
    ("spec is /dev/zero", lambda t: [R, "/dev/zero"], "not a regular file"),
    ("nested too deep", lambda t: [R, _spec(t, "a = " + "[" * 5000 + "]" * 5000 + "\n")], "not valid TOML"),
    ("plugin clashes with a built-in", lambda t: [R, _spec(t), "--plugin", _clash(t)], "registered twice"),
]


def _link(t):
    (t / "dangling").symlink_to(t / "nowhere")
    return t / "dangling"


def _clash(t):
    (t / "clash.py").write_text("import neurocomp\n@neurocomp.experiment('hopfield1982')\n"
                                "def mine(*, rng=None):\n    pass\n")
    return str(t / "clash.py")


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_bad_input_exit_2_one_line_no_traceback_no_output(tmp_path, capsys, monkeypatch, case):
    _, build, message = next(c for c in CASES if c[0] == case)
    monkeypatch.chdir(tmp_path)
    argv = build(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    if argv and argv[0] == "run":
        argv = ["run", "--plugin", "_cli_toy", *argv[1:]]
    try:
        rc = cli.main(argv)
    except SystemExit as exc:  # argparse's own errors exit from parse_args
        rc = exc.code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert rc == 2, captured.err
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and "\x1b" not in captured.err
    assert re.search(message, lines[0]), lines[0]
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output folder, nothing written
    assert not (tmp_path / "runs").exists()


def test_the_table_covers_at_least_forty_cases():
    assert len(CASES) >= 40


def _neurocomp(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "neurocomp.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_a_few_bad_inputs_as_a_user_types_them(tmp_path):
    spec = _spec(tmp_path)
    for args in (["run", "--plugin", "_cli_toy", spec, "--seed", "1.5"],
                 ["run", "--plugin", "_cli_toy", spec, "--out", _file(tmp_path)],
                 ["info", _plain_hdf5(tmp_path)]):
        proc = _neurocomp(*args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert not (tmp_path / "runs").exists()


# ----------------------------------------------------------------------------- run folders


def _run(tmp_path, *extra, out="out"):
    return cli.main(["run", "--plugin", "_cli_toy", _spec(tmp_path), "--out", str(tmp_path / out), *extra])


def test_run_folder_is_complete_with_checksums_and_info_describes_it(tmp_path, capsys):
    assert _run(tmp_path) == 0
    out = tmp_path / "out"
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["checksums"]) == {"results.nc", "estimates.png"}
    assert io.run_folder_status(out) == (True, "complete")
    capsys.readouterr()
    assert cli.main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "run folder, complete" in text and "results.nc" in text and "pi_estimate" in text
    # a file edited afterwards makes the folder incomplete, and regress's check refuses it
    with open(out / "estimates.png", "ab") as fh:
        fh.write(b"tampered")
    complete, why = io.run_folder_status(out)
    assert not complete and "estimates.png changed" in why
    with pytest.raises(io.IncompleteRunError, match="incomplete run folder"):
        io.check_run_complete(out / "results.nc")


def test_killed_run_folder_is_reported_incomplete_and_cleaned_on_the_next_run(tmp_path, capsys):
    assert _run(tmp_path) == 0
    out = tmp_path / "out"
    (out / "summary.json").unlink()  # killed before the last file
    stale = out / ".results.nc.abcd1234.nc"
    stale.write_bytes(b"")  # a 0-byte temp file of a killed write
    complete, why = io.run_folder_status(out)
    assert not complete and "no summary.json" in why and stale.name in why
    capsys.readouterr()
    assert cli.main(["info", str(out)]) == 0
    assert "INCOMPLETE" in capsys.readouterr().out
    assert cli.main(["info", str(out / "results.nc")]) == 0
    assert "INCOMPLETE" in capsys.readouterr().out
    with pytest.raises(io.IncompleteRunError, match="no summary.json"):
        io.check_run_complete(out / "results.nc")
    with pytest.raises(io.IncompleteRunError):
        io.check_run_complete(out)
    # a user's own file outside any run folder passes
    own = tmp_path / "mine"
    own.mkdir()
    (own / "recordings.mat").write_bytes(b"x")
    assert io.check_run_complete(own / "recordings.mat") == own / "recordings.mat"
    # the next run into that folder: refused without --overwrite (it holds files), done with it
    assert _run(tmp_path) == 2
    assert "already holds files" in capsys.readouterr().err
    assert _run(tmp_path, "--overwrite") == 0
    assert not stale.exists() and io.run_folder_status(out)[0]


def test_a_folder_holding_only_stale_temp_files_is_reused_and_cleaned(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".results.nc.k3j_x9a2.nc", out / ".summary.json.q1w2e3r4.tmp"]
    for path in stale:
        path.write_bytes(b"")
    assert _run(tmp_path) == 0
    assert not any(p.exists() for p in stale)
    assert sorted(p.name for p in out.iterdir()) == ["estimates.png", "results.nc", "summary.json"]


def test_overwrite_replaces_the_previous_runs_files_only(tmp_path):
    assert _run(tmp_path) == 0
    out = tmp_path / "out"
    (out / "notes.txt").write_text("mine")
    assert _run(tmp_path, "--overwrite", "--seed", "9") == 0
    assert json.loads((out / "summary.json").read_text())["seed"] == 9
    assert (out / "notes.txt").read_text() == "mine"


# ----------------------------------------------------------------------------- out of space


def test_disk_full_is_one_line_exit_1_and_nothing_under_the_final_name(tmp_path, capsys, monkeypatch):
    real_write = io._write_bytes

    def full_disk(path, data):
        if str(path).endswith(".nc"):
            with open(path, "wb") as fh:
                fh.write(bytes(data)[:100])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(io, "_write_bytes", full_disk)
    out = tmp_path / "out"
    assert _run(tmp_path) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"neurocomp run: error: no space left on device writing {out / 'results.nc'}"
    assert not out.exists()  # the temp file removed, the folder it made removed, nothing under the final name


def test_disk_full_while_saving_a_figure(tmp_path, capsys, monkeypatch):
    from matplotlib.figure import Figure

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", no_space)
    out = tmp_path / "out"
    out.mkdir()
    assert _run(tmp_path) == 1
    assert "no space left on device writing" in capsys.readouterr().err
    assert list(out.iterdir()) == []  # results.nc written before it was removed again; no temp file left


@pytest.fixture
def tiny_tmpfs(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_really_full_disk(tiny_tmpfs, capsys):
    ds = xr.Dataset({"big": ("x", np.random.default_rng(0).random(20_000), {"units": "1", "long_name": "noise"})})
    target = tiny_tmpfs / "results.nc"
    with pytest.raises(io.OutOfSpaceError, match=f"no space left on device writing {re.escape(str(target))}"):
        io.save_dataset(ds, target)
    assert list(tiny_tmpfs.iterdir()) == []
    with pytest.raises(io.OutOfSpaceError):
        io.atomic_write_text(tiny_tmpfs / "summary.json", "x" * 100_000)
    assert list(tiny_tmpfs.iterdir()) == []
    io.save_dataset(ds.isel(x=slice(0, 100)), target)  # what fits is written
    assert io.load_dataset(target)["big"].size == 100


# ----------------------------------------------------------------------------- info output


def test_info_escapes_control_characters_and_survives_odd_attrs(tmp_path, capsys):
    path = _results(tmp_path, "odd.nc", title="evil \x1b[2J\x1b]0;pwned\x07 title\u202e", note="line1\nline2\r",
                    spec="[1, 2, 3]", extra=np.arange(3))
    assert cli.main(["info", path]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\r" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out and "line1\\x0aline2" in out
    assert "not a JSON table with params" in out


def test_info_never_loads_a_huge_variable(tmp_path, capsys):
    """A file declaring a 74 GiB variable (unwritten chunks) is described from its header alone."""
    path = tmp_path / "huge.nc"
    with h5py.File(path, "w") as f:
        pass
    import h5netcdf

    with h5netcdf.File(path, "w") as f:
        f.dimensions = {"a": 100_000, "b": 100_000}
        f.create_variable("huge", ("a", "b"), dtype="f8", chunks=(1000, 1000))
        f.attrs["neurocomp_version"] = "0.1.0"
    assert path.stat().st_size < 10_000_000
    assert cli.main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "huge (a, b) float64, 74.5 GiB" in out


def test_info_on_a_file_that_sends_hdf5_into_an_endless_loop_stops(monkeypatch, capsys):
    """4 flipped bits (found by fuzzing) make h5py loop for ever reading an attribute: info stops it."""
    monkeypatch.setattr(cli, "INFO_TIMEOUT_S", 2.0)
    path = TESTS / "fixtures" / "trust" / "hdf5_reader_hangs.nc"
    assert cli.main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "could not be read in 2 s" in err and "corrupt" in err


def test_info_when_the_reader_crashes(tmp_path, monkeypatch, capsys):
    def crash(path):
        os._exit(139)

    monkeypatch.setattr(cli, "_describe_dataset", crash)
    assert cli.main(["info", _results(tmp_path)]) == 2
    assert "the reader crashed (exit status 139" in capsys.readouterr().err


SLOW_WRITER = '''
import time
import numpy as np, xarray as xr
import neurocomp
from neurocomp.experiments import ExperimentResult


class SlowFigure:
    """Stands in for a figure whose saving takes long: half a file, then a pause."""

    def savefig(self, target, **kwargs):
        with open(target, "wb") as fh:
            fh.write(b"\\x89PNG half")
            fh.flush()
            time.sleep(60)


@neurocomp.experiment("slow_writer")
def slow_writer(*, n: int = 3, rng=None):
    ds = xr.Dataset({"x": ("trial", np.arange(float(n)), {"units": "1", "long_name": "x"})})
    return ExperimentResult(dataset=ds, figures={"slow": SlowFigure()})
'''


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_killed_while_writing(tmp_path, how):
    """Killed between results.nc and the last figure: SIGKILL leaves an incomplete folder that info reports,
    regress refuses and the next run cleans; SIGINT removes what the run had written."""
    import signal
    import time

    plugin = tmp_path / "slow_plugin.py"
    plugin.write_text(SLOW_WRITER)
    spec = _spec(tmp_path, 'title = "slow"\nexperiment = "slow_writer"\nseed = 1\n')
    out = tmp_path / "out"
    command = [sys.executable, "-m", "neurocomp.cli", "run", spec, "--out", str(out), "--plugin", str(plugin)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(p.name.startswith(".slow.png.") for p in out.iterdir())):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the run never reached its figure"
        time.sleep(0.05)
    proc.send_signal(getattr(signal, how))
    proc.wait(timeout=30)
    assert proc.returncode != 0
    if how == "SIGINT":
        assert not out.exists() or list(out.iterdir()) == []
        return
    names = sorted(p.name for p in out.iterdir())
    assert "results.nc" in names and "summary.json" not in names and any(n.startswith(".slow.png.") for n in names)
    assert not io.run_folder_status(out)[0]
    with pytest.raises(io.IncompleteRunError):
        io.check_run_complete(out / "results.nc")
    info = subprocess.run([sys.executable, "-m", "neurocomp.cli", "info", str(out)], capture_output=True, text=True)
    assert info.returncode == 0 and "INCOMPLETE: no summary.json" in info.stdout and ".slow.png." in info.stdout


def test_finish_run_folder_for_other_writers(tmp_path):
    """sweep and regress can mark their folders complete the same way (summary.json last, with checksums)."""
    out = tmp_path / "regress"
    out.mkdir()
    written = [io.atomic_write_text(out / "table.txt", "scores")]
    assert not io.run_folder_status(out)[0]
    io.finish_run_folder(out, {"command": "regress"}, written)
    record = json.loads((out / "summary.json").read_text())
    assert record["files"] == ["table.txt", "summary.json"] and set(record["checksums"]) == {"table.txt"}
    assert io.run_folder_status(out) == (True, "complete")
    (out / "table.txt").write_text("other scores")
    assert "table.txt changed" in io.run_folder_status(out)[1]
    # a summary.json that lists no files (an older writer) still marks the folder as finished
    (out / "summary.json").write_text('{"command": "regress"}')
    assert io.run_folder_status(out)[0]
    (out / "summary.json").write_text("[1, 2")
    assert "unreadable" in io.run_folder_status(out)[1]
