"""brian2 settings shared by every spiking simulation in neurocomp.

* Code-generation target: ``"cython"`` when a C compiler and Cython are
  available, ``"numpy"`` otherwise; override with the environment variable
  ``NEUROCOMP_BRIAN2_TARGET`` (``numpy`` | ``cython``) or
  :func:`set_codegen_target`.
* Compiled-code cache: a persistent user cache folder
  (``$NEUROCOMP_CACHE_DIR`` or ``~/.cache/neurocomp/brian2``), so a second
  identical run compiles nothing.
* Preferences are changed inside :func:`brian2_settings` and restored after
  (``try/finally``), never left altered.
* Large runs may opt into brian2's C++ standalone device with
  :func:`standalone_device` (whole network compiled into one program, kept in
  ``cache_dir() / "standalone"`` so an unchanged network is not rebuilt).
  ``simulate_lif(target="standalone")`` keeps one project folder per network
  structure (:func:`standalone_project_dir`) and passes the seed as a run-time
  value (:func:`seed_standalone`), so a second run with the same structure, or
  one that changes only ``rng``, currents, noise amplitudes or initial
  potentials, compiles nothing; a new duration recompiles only ``main.cpp``.

Choosing a target: ``NEUROCOMP_BRIAN2_TARGET=numpy`` (no compiler needed, no
compile wait, fine for small networks), ``cython`` (compiles each code object
once, ~20 s each when cold, then cached: fastest for repeated medium runs), or
``target="standalone"`` in :func:`neurocomp.spiking.simulate_lif` for large,
long runs.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from pathlib import Path

from neurocomp._validation import check_option

__all__ = [
    "default_codegen_target",
    "set_codegen_target",
    "cache_dir",
    "brian2_settings",
    "standalone_device",
    "standalone_project_dir",
    "seed_standalone",
    "cython_cache_dir",
]

_TARGETS = ("numpy", "cython")
_override: str | None = None


def cache_dir() -> Path:
    """The persistent folder for brian2's compiled code.

    Returns
    -------
    pathlib.Path
        ``$NEUROCOMP_CACHE_DIR/brian2`` if that variable is set, else
        ``$XDG_CACHE_HOME/neurocomp/brian2`` (default ``~/.cache/neurocomp/brian2``); created
        if missing.
    """
    root = os.environ.get("NEUROCOMP_CACHE_DIR")
    base = Path(root) if root else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "neurocomp"
    path = base / "brian2"
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=1)
def _cython_available() -> bool:
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        return False
    try:
        import Cython  # noqa: F401
    except ImportError:
        return False
    return True


def default_codegen_target() -> str:
    """The code-generation target neurocomp uses for brian2 runs.

    Returns
    -------
    str
        ``"numpy"`` or ``"cython"``: the one set by :func:`set_codegen_target`, else the
        environment variable ``NEUROCOMP_BRIAN2_TARGET``, else ``"cython"`` when a C compiler
        and Cython are available.
    """
    if _override is not None:
        return _override
    env = os.environ.get("NEUROCOMP_BRIAN2_TARGET")
    if env:
        return check_option("NEUROCOMP_BRIAN2_TARGET", env, _TARGETS)
    return "cython" if _cython_available() else "numpy"


def set_codegen_target(target: str | None) -> None:
    """Choose the target for later runs (``None`` returns to the automatic choice).

    Parameters
    ----------
    target : {"numpy", "cython"} or None
        The target for later runs.
    """
    global _override
    _override = None if target is None else check_option("target", target, _TARGETS)


@contextlib.contextmanager
def brian2_settings(target: str | None = None):
    """Apply neurocomp's brian2 preferences for the duration of a block.

    Sets the code-generation target and the Cython cache folder, switches off
    brian2's per-run file logging, and restores every preference afterwards.

    Parameters
    ----------
    target : {"numpy", "cython"}, optional
        Code-generation target (default :func:`default_codegen_target`).

    Yields
    ------
    str
        The target in use.
    """
    import brian2

    target = default_codegen_target() if target is None else check_option("target", target, _TARGETS)
    prefs = brian2.prefs
    saved = {
        "codegen.target": prefs["codegen.target"],
        "codegen.runtime.cython.cache_dir": prefs["codegen.runtime.cython.cache_dir"],
    }
    try:
        prefs["codegen.target"] = target
        prefs["codegen.runtime.cython.cache_dir"] = str(cache_dir() / "cython")
        if target == "cython" and not _has_compiled_code(cache_dir() / "cython"):
            from neurocomp._progress import announce

            announce("compiling brian2 code (first run only, ~30 s)")
        yield target
    finally:
        for key, value in saved.items():
            prefs[key] = value


def _has_compiled_code(folder: Path) -> bool:
    """Whether brian2 has compiled any Cython extension into ``folder`` yet."""
    try:
        return any(p.suffix in (".so", ".pyd") for p in folder.iterdir())
    except OSError:  # not there yet
        return False


def cython_cache_dir() -> Path:
    """The folder where brian2's compiled Cython extensions are kept (inside :func:`cache_dir`).

    Returns
    -------
    pathlib.Path
        ``cache_dir() / "cython"``.
    """
    return cache_dir() / "cython"


@contextlib.contextmanager
def standalone_device(directory=None, *, threads: int = 0):
    """Run the enclosed brian2 code on the ``cpp_standalone`` device, then return to runtime.

    Parameters
    ----------
    directory : str or Path, optional
        Project folder for the generated C++ code (default
        ``cache_dir() / "standalone" / "default"``). Re-using it lets ``make``
        skip unchanged files.
    threads : int
        OpenMP threads (0 = none).

    Yields
    ------
    brian2 device
        Call ``device.build(run=True, compile=True, directory=...)`` after the
        last ``Network.run`` and read the monitors inside the block.

    Notes
    -----
    brian2 holds one global device; it is always reset (``device.reinit()``
    and ``set_device("runtime")``) on leaving, even after an error, so later
    runtime simulations are unaffected. Not thread-safe.
    """
    import brian2

    from neurocomp._validation import check_int

    threads = check_int("threads", threads, low=0)
    directory = Path(directory) if directory is not None else cache_dir() / "standalone" / "default"
    directory.mkdir(parents=True, exist_ok=True)
    saved_threads = brian2.prefs["devices.cpp_standalone.openmp_threads"]
    brian2.set_device("cpp_standalone", directory=str(directory), build_on_run=False)
    try:
        brian2.prefs["devices.cpp_standalone.openmp_threads"] = threads
        yield brian2.get_device()
    finally:
        brian2.prefs["devices.cpp_standalone.openmp_threads"] = saved_threads
        brian2.device.reinit()
        brian2.set_device("runtime")


def standalone_project_dir(kind: str, structure: dict) -> Path:
    """The C++ standalone project folder for one network structure.

    ``cache_dir() / "standalone" / f"{kind}-{digest}"``, where the digest
    hashes ``structure`` (everything that brian2 writes into the generated
    code: sizes, equations, constants, recorded indices, threads) and the
    brian2 version. Networks that differ only in run-time values share a
    folder, so ``make`` finds every object file up to date; networks that
    differ in their code get separate folders and never overwrite each
    other's build.

    Parameters
    ----------
    kind : str
        A name for the kind of network (the folder's prefix).
    structure : dict
        Everything that shapes the generated code (JSON-able; other values are hashed by
        their ``repr``).

    Returns
    -------
    pathlib.Path
        The project folder (created if missing).
    """
    import brian2

    text = json.dumps({"brian2": brian2.__version__, **structure}, sort_keys=True, default=repr)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = cache_dir() / "standalone" / f"{kind}-{digest}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def seed_standalone(device, seed: int) -> None:
    """Seed the standalone program's random generators from a run-time value.

    ``brian2.seed(seed)`` on the ``cpp_standalone`` device writes the seed as
    a literal into ``main.cpp``, so every new seed recompiles and relinks the
    program. This stores the seed in a static array instead (a data file the
    program reads when it starts; only its name is in the code) and inserts
    the same seeding loop brian2 generates (generator ``i`` of the OpenMP
    threads gets ``seed + i``), so the random numbers are those of
    ``brian2.seed(seed)`` and a new seed compiles nothing. Call it after
    :func:`standalone_device` is entered and before the first ``run``.

    Parameters
    ----------
    device : brian2 device
        The ``cpp_standalone`` device yielded by :func:`standalone_device`.
    seed : int
        The seed; generator ``i`` gets ``seed + i``.
    """
    import numpy as np
    import brian2

    threads = brian2.prefs["devices.cpp_standalone.openmp_threads"] or 1
    name = device.static_array("neurocomp_seed", np.array([int(seed)], dtype=np.int64))
    device.insert_code(
        "main",
        f"for (int _i=0; _i<{threads}; _i++)\n"
        f"    brian::_random_generators[_i].seed((unsigned long)brian::{name}[0] + _i);",
    )


@contextlib.contextmanager
def _project_lock(directory: Path):
    """Hold an exclusive lock on a standalone project folder (POSIX; no-op elsewhere)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(Path(directory).with_suffix(".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
