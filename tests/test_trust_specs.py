"""Trust: a spec file is data. It names a registered experiment; it never makes neurocomp import code.

Code enters a run only by the user's own act: ``--plugin FILE.py|MODULE`` on the command line, or an
installed package's entry point in the group ``neurocomp.experiments``.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neurocomp import cli
from neurocomp.experiments import _registry
from neurocomp.specs import spec_from_dict

TESTS = Path(__file__).resolve().parent

HOSTILE = [
    "IPython:start_ipython",
    "this:x",
    "os:system",
    "runpy:run_path",
    "subprocess:run",
    "builtins:exec",
    "evil_probe:run",  # a module that would leave a marker file if it were ever imported
    "evil_probe",
    "evil_probe.sub:f",
    "os.path.join",
    "neurocomp.experiments.hopfield:hopfield1982",  # even our own module, by path
    "pkgutil:resolve_name",
    "../evil_probe.py",
    "\x1b[2Jevil",
]


def test_hostile_specs_are_refused_before_any_import(tmp_path):
    """Every hostile name: exit 2, one stderr line, and neither the module nor its side effect appears."""
    (tmp_path / "evil_probe.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('IMPORTED').write_text('x')\n"
        "def run(**kw):\n    pathlib.Path(__file__).with_name('CALLED').write_text('x')\n"
    )
    (tmp_path / "evil_probe").mkdir()
    (tmp_path / "evil_probe" / "__init__.py").write_text(
        "import pathlib\npathlib.Path(__file__).parent.with_name('IMPORTED').write_text('x')\n")
    specs = []
    for i, name in enumerate(HOSTILE):
        spec = tmp_path / f"hostile{i}.toml"
        spec.write_text(
            f'title = "x"\nexperiment = {json.dumps(name)}\n[params]\ncommand = "touch {tmp_path}/PWNED"\n'
            f'argv = ["-c", "open(\'{tmp_path}/PWNED\', \'w\')"]\npath_name = "{tmp_path}/evil_probe.py"\n',
            encoding="utf-8",
        )
        specs.append(str(spec))
    script = textwrap.dedent(f"""
        import contextlib, io, json, sys
        sys.path.insert(0, {str(tmp_path)!r})
        watched = ["IPython", "this", "evil_probe", "evil_probe.sub"]
        before = {{m: m in sys.modules for m in watched}}
        from neurocomp import cli
        results = []
        for spec in {specs!r}:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                rc = cli.main(["run", spec, "--out", {str(tmp_path / "out")!r}])
            results.append([rc, err.getvalue()])
        for m in ("runpy", "subprocess"):
            before.setdefault(m, m in sys.modules)
        print(json.dumps({{"results": results, "before": before,
                          "after": {{m: m in sys.modules for m in watched}}}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["after"] == {"IPython": False, "this": False, "evil_probe": False, "evil_probe.sub": False}
    for name, (rc, err) in zip(HOSTILE, report["results"]):
        assert rc == 2, (name, err)
        assert len(err.strip().splitlines()) == 1, (name, err)
        assert "must be one of the registered experiments" in err, (name, err)
        assert "Traceback" not in err and "\x1b" not in err, (name, err)
    assert not (tmp_path / "IMPORTED").exists() and not (tmp_path / "CALLED").exists()
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "out").exists()


def test_refusal_says_how_to_register_your_own():
    with pytest.raises(ValueError, match=r"--plugin FILE\.py"):
        spec_from_dict({"title": "t", "experiment": "my_lab.models:run"})
    with pytest.raises(ValueError, match="a string naming a registered experiment"):
        _registry.get(42)


def test_plugin_file_registers_an_experiment(tmp_path, capsys):
    plugin = tmp_path / "my_lab_experiments.py"
    plugin.write_text(textwrap.dedent("""
        from typing import Annotated
        import numpy as np, xarray as xr
        import neurocomp
        from neurocomp.experiments import ExperimentResult, Range

        @neurocomp.experiment("my_lab_mean", memory=lambda *, n: 8 * n)
        def my_lab_mean(*, n: Annotated[int, Range(1, 1000)] = 10, rng=None):
            x = np.random.default_rng(rng).normal(size=n)
            return ExperimentResult(dataset=xr.Dataset({"x": ("trial", x, {"units": "1", "long_name": "draw"})}),
                                    summary={"mean": float(x.mean())})
    """))
    spec = tmp_path / "mine.toml"
    spec.write_text('title = "mine"\nexperiment = "my_lab_mean"\nseed = 1\n[params]\nn = 5\n')
    out = tmp_path / "out"
    # without the plugin the name is unknown; with it, the run works
    assert cli.main(["run", str(spec), "--out", str(out)]) == 2
    assert "registered experiments" in capsys.readouterr().err and not out.exists()
    assert cli.main(["run", str(spec), "--out", str(out), "--plugin", str(plugin)]) == 0
    assert (out / "results.nc").is_file() and (out / "summary.json").is_file()
    # loading the same file again (another command in the same process) is not a double registration
    assert cli.main(["list", "--experiments", "--plugin", str(plugin)]) == 0
    assert "my_lab_mean" in capsys.readouterr().out


def test_plugin_module_by_name_and_its_mistakes(tmp_path, capsys, monkeypatch):
    (tmp_path / "lab_pkg").mkdir()
    (tmp_path / "lab_pkg" / "__init__.py").write_text("")
    (tmp_path / "lab_pkg" / "models.py").write_text(
        "import neurocomp\n@neurocomp.experiment('lab_pkg_model')\ndef f(*, n: int = 1, rng=None):\n    return None\n")
    (tmp_path / "broken.py").write_text("def oops(:\n")
    (tmp_path / "raises.py").write_text("raise RuntimeError('plugin failed at import\\nsecond line')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _registry.load_plugin("lab_pkg.models") == ["lab_pkg_model"]
    for plugin, message in [
        ("no_such_module_xyz", "could not be loaded: ModuleNotFoundError"),
        (str(tmp_path / "missing.py"), "must be an existing .py file"),
        (str(tmp_path / "broken.py"), "SyntaxError"),
        (str(tmp_path / "raises.py"), "RuntimeError: plugin failed at import"),
        ("a b;c", "must be a .py file or a dotted module name"),
        (str(tmp_path), "must be an existing .py file"),
    ]:
        spec = tmp_path / "s.toml"
        spec.write_text('title = "t"\nexperiment = "hopfield1982"\n')
        assert cli.main(["run", str(spec), "--plugin", plugin, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
        assert not (tmp_path / "o").exists()


def test_entry_point_of_an_installed_package_is_loaded_only_when_named(tmp_path, monkeypatch):
    """A fake installed distribution with an entry point in the group ``neurocomp.experiments``."""
    dist = tmp_path / "fake_lab-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-lab\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[neurocomp.experiments]\nfake_lab_walk = fake_lab_mod:walk\nfake_lab_broken = fake_lab_missing:nothing\n")
    (tmp_path / "fake_lab_mod.py").write_text(textwrap.dedent("""
        from typing import Annotated
        import numpy as np, xarray as xr
        from neurocomp.experiments import ExperimentResult, Range

        def walk(*, n_steps: Annotated[int, Range(1, 100)] = 3, rng=None):
            x = np.cumsum(np.random.default_rng(rng).normal(size=n_steps))
            return ExperimentResult(dataset=xr.Dataset({"x": ("step", x, {"units": "m", "long_name": "position"})}))
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "fake_lab_walk" in _registry.names()
    assert "fake_lab_mod" not in sys.modules  # listed by name, not imported
    func = _registry.get("fake_lab_walk")
    assert func.experiment_name == "fake_lab_walk" and "fake_lab_mod" in sys.modules
    spec = spec_from_dict({"title": "t", "experiment": "fake_lab_walk", "params": {"n_steps": 4}})
    assert spec.params == {"n_steps": 4}
    with pytest.raises(ValueError, match=r"entry point 'fake_lab_missing:nothing'.*could not be loaded"):
        _registry.get("fake_lab_broken")
    monkeypatch.delitem(_registry._REGISTRY, "fake_lab_walk")
    monkeypatch.delitem(sys.modules, "fake_lab_mod")


def test_registered_names_are_plain_and_the_decorator_is_public():
    import neurocomp

    assert neurocomp.experiment is _registry.experiment
    for bad in ["", "a b", "x\x1b", "a/b", "a" * 101, 3]:
        with pytest.raises((ValueError, TypeError)):
            neurocomp.experiment(bad)
    with pytest.raises(TypeError, match="keyword-only with a default"):
        neurocomp.experiment("_trust_positional")(lambda n: n)
    with pytest.raises(TypeError, match="memory must be a callable"):
        neurocomp.experiment("_trust_mem", memory=3)


def test_sweep_parser_takes_plugins_too():
    parser = cli.build_parser()
    args = parser.parse_args(["sweep", "x.toml", "--plugin", "a.py", "--plugin", "b"])
    assert args.plugin == ["a.py", "b"]
