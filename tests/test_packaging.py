"""The wheel carries the bundled specs: a non-editable install lists and runs them by name.

Builds the wheel from this checkout (no build isolation, no network), installs it
with ``--no-deps`` into a fresh virtual environment that borrows the current
environment's site-packages for the dependencies, and runs the console script
from an empty temporary folder, far from the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED = sorted(p.relative_to(REPO).as_posix() for d in ("models", "analyses") for p in (REPO / d).glob("*.toml"))


def _run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    env = dict(os.environ, PIP_NO_INDEX="1")
    # Build from a copy-free in-tree build, with its build/ folder kept out of the checkout.
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO)],
         env=dict(env, TMPDIR=str(build)), cwd=build)
    wheels = list(out.glob("neurocomp-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_every_bundled_spec(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert BUNDLED, "the repository bundles specs"
    for rel in BUNDLED:
        assert f"neurocomp/_bundled/{rel}" in names, f"{rel} missing from the wheel"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # The dependencies come from this environment's site-packages (appended after the
    # new venv's own, so the freshly installed neurocomp wins over the editable one).
    (site / "_borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
         env=dict(os.environ, PIP_NO_INDEX="1"))
    return bindir


def test_installed_package_is_the_wheel(installed, tmp_path):
    proc = _run([str(installed / "python"), "-c", "import neurocomp, sys; print(neurocomp.__file__)"], cwd=tmp_path)
    location = Path(proc.stdout.strip()).resolve()
    assert REPO not in location.parents, f"imported the checkout, not the wheel: {location}"


def test_list_from_any_folder_marks_extras(installed, tmp_path):
    proc = _run([str(installed / "neurocomp"), "list"], cwd=tmp_path)
    for rel in BUNDLED:
        assert rel in proc.stdout, f"{rel} not listed:\n{proc.stdout}"
    locust = next(line for line in proc.stdout.splitlines() if "locust_auditory_encoding" in line)
    assert "needs neurocomp[recordings]" in locust
    others = [line for line in proc.stdout.splitlines() if line.split()[:1] and line.split()[0] in BUNDLED and "locust" not in line]
    assert not any("needs neurocomp[" in line for line in others)


def test_run_bundled_spec_by_name_from_any_folder(installed, tmp_path):
    out = tmp_path / "out"
    proc = _run([str(installed / "neurocomp"), "run", "mcculloch_pitts_gates", "--out", str(out)], cwd=tmp_path)
    assert "McCulloch" in proc.stdout
    assert (out / "results.nc").is_file()
    assert list(out.glob("*.png")), "the run wrote its figures"


def test_unknown_name_is_refused(installed, tmp_path):
    proc = subprocess.run([str(installed / "neurocomp"), "run", "no_such_spec"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr


def test_modules_are_lazy_attributes_and_listed_for_tab_completion():
    code = ("import sys, neurocomp; listed = 'hopfield' in dir(neurocomp) and 'spiking' in dir(neurocomp); "
            "before = 'neurocomp.hopfield' in sys.modules; m = neurocomp.hopfield; "
            "print(listed, before, m.__name__, 'brian2' in sys.modules)")
    out = _run([sys.executable, "-c", code]).stdout.split()
    assert out == ["True", "False", "neurocomp.hopfield", "False"], out  # listed, imported on first use, brian2 untouched
