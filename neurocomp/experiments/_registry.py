"""The registry of runnable experiments.

An experiment is a function with keyword-only parameters, each with a default
and a type annotation, that returns an :class:`ExperimentResult`. Registering it
with :func:`experiment` makes it runnable from a TOML spec and the command line;
the spec's ``[params]`` table maps 1:1 onto its keyword arguments. Ranges are
declared with ``typing.Annotated[float, Range(...)]`` so that specs are checked
before anything runs.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable

import xarray as xr

from neurocomp._validation import ValidationError

__all__ = [
    "ENTRY_POINT_GROUP",
    "ExperimentResult",
    "DEFAULT_MAX_LENGTH",
    "Length",
    "MAX_OPERATIONS",
    "Range",
    "available_memory",
    "check_memory",
    "check_work",
    "estimate_memory",
    "experiment",
    "get",
    "load_plugin",
    "names",
    "signature_params",
]


@dataclasses.dataclass(frozen=True)
class Range:
    """Admissible interval of a numeric experiment parameter (``None`` = unbounded).

    Applies to each element when the parameter is a list.

    Parameters
    ----------
    low, high : float, optional
        Lower and upper bounds (None: unbounded on that side).
    low_open, high_open : bool, default False
        Exclude the bound itself.

    Examples
    --------
    >>> r = Range(0, 1, low_open=True)
    >>> r.contains(0.0), r.contains(1.0), str(r)
    (False, True, '(0, 1]')
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, value) -> bool:
        if value != value or value in (float("inf"), float("-inf")):  # NaN and inf are in no range
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        if self.high is not None and (value >= self.high if self.high_open else value > self.high):
            return False
        return True

    def __str__(self) -> str:
        lo = "(-inf" if self.low is None else ("(" if self.low_open else "[") + f"{self.low:g}"
        hi = "inf)" if self.high is None else f"{self.high:g}" + (")" if self.high_open else "]")
        return f"{lo}, {hi}"


@dataclasses.dataclass(frozen=True)
class Length:
    """Admissible number of elements of a list parameter (or characters of a string).

    ``Annotated[list[float], Range(0, 1), Length(1, 50)]``: from 1 to 50 numbers in [0, 1].
    A list parameter without a ``Length`` takes 1 to :data:`DEFAULT_MAX_LENGTH` elements.
    ``unique=True``: no element twice (a list of choices such as gates or models).

    Parameters
    ----------
    low, high : int
        Fewest and most elements (inclusive), default 1 and 1000.
    unique : bool, default False
        Refuse a list with an element twice.

    Examples
    --------
    >>> Length(1, 5).contains(3), Length(1, 5).contains(7), str(Length(1, 5))
    (True, False, '1 to 5')
    """

    low: int = 1
    high: int = 1000
    unique: bool = False

    def contains(self, n: int) -> bool:
        return self.low <= n <= self.high

    def __str__(self) -> str:
        return f"{self.low} to {self.high}"


#: Longest list (elements) or string (characters) a parameter takes without its own ``Length``.
DEFAULT_MAX_LENGTH = 1000


@dataclasses.dataclass
class ExperimentResult:
    """What an experiment returns.

    Parameters
    ----------
    dataset : xarray.Dataset
        The labelled results (written as ``results.nc``).
    figures : dict of str to matplotlib Figure
        Saved as ``<name>.png`` at 150 dpi.
    summary : dict of str to scalar
        Headline numbers (printed and written to ``summary.json``).
    table : pandas.DataFrame, optional
        A small table printed after the run (e.g. simulated vs theory).
    extra : dict of str to xarray Dataset or DataArray
        Further data written beside ``results.nc`` as ``<name>.nc``, with the same
        provenance attrs (e.g. the simulated recordings and model activations that
        ``neurocomp regress`` reads).

    Examples
    --------
    >>> import xarray as xr
    >>> result = ExperimentResult(dataset=xr.Dataset(), summary={"msd_slope": 1.0})
    >>> result.figures, result.summary
    ({}, {'msd_slope': 1.0})
    """

    dataset: xr.Dataset
    figures: dict = dataclasses.field(default_factory=dict)
    summary: dict = dataclasses.field(default_factory=dict)
    table: object | None = None
    extra: dict = dataclasses.field(default_factory=dict)


_REGISTRY: dict[str, Callable] = {}
_LOADED = False

#: Entry-point group through which an installed package offers experiments
#: (``[options.entry_points] neurocomp.experiments = name = package.module:function``).
ENTRY_POINT_GROUP = "neurocomp.experiments"

#: A registered name: letters, digits and ``_ . : -``, at most 100 characters.
_NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:\-]{0,99}")


def experiment(name: str, *, memory: Callable[..., float] | None = None):
    """Register an experiment function under ``name`` (a decorator).

    This is how code becomes runnable from a spec: a spec can only name a
    registered experiment. Built-in experiments register in
    ``neurocomp.experiments.*``; your own register in a module you load
    explicitly (``neurocomp run --plugin my_lab/experiments.py spec.toml``,
    ``--plugin my_lab.experiments``) or that an installed package names in the
    entry-point group ``neurocomp.experiments``.

    Parameters
    ----------
    name : str
        The name a spec's ``experiment = "..."`` uses (letters, digits, ``_ . : -``).
    memory : callable, optional
        ``memory(**params) -> bytes``: an estimate of the peak memory a run with
        these (validated, defaults filled in) parameters needs. Runs whose
        estimate exceeds the memory available are refused before they start
        (see :func:`check_memory`).

    Returns
    -------
    callable
        A decorator that registers the function and returns it, with
        ``experiment_name`` (and ``memory_estimate``) set on it.

    Examples
    --------
    >>> from typing import Annotated
    >>> from neurocomp.experiments import ExperimentResult, Range, experiment
    >>> @experiment("_doc_example", memory=lambda *, n: 8 * n)
    ... def doc_example(*, n: Annotated[int, Range(1, 1000)] = 10, rng=None):
    ...     return ExperimentResult(dataset=None)
    >>> doc_example.experiment_name
    '_doc_example'
    """
    if not isinstance(name, str) or not _NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"experiment name must be 1-100 characters among letters, digits and _ . : -; got {name!r}"
        )
    if memory is not None and not callable(memory):
        raise TypeError(f"memory must be a callable params -> bytes; got {type(memory).__name__}")

    def register(func):
        if name in _REGISTRY and _REGISTRY[name] is not func:
            old = _REGISTRY[name]
            # The same function defined again (a plugin file loaded twice) replaces the old one.
            if (getattr(old, "__module__", None), getattr(old, "__qualname__", None)) != (
                    getattr(func, "__module__", None), getattr(func, "__qualname__", None)):
                raise RuntimeError(f"experiment {name!r} registered twice")
        sig = inspect.signature(func)
        for pname, p in sig.parameters.items():
            if p.kind is not inspect.Parameter.KEYWORD_ONLY or p.default is inspect.Parameter.empty:
                raise TypeError(
                    f"experiment {name!r}: parameter {pname!r} must be keyword-only with a default"
                )
        func.experiment_name = name
        if memory is not None:
            func.memory_estimate = memory
        _REGISTRY[name] = func
        return func

    return register


def _load_all() -> None:
    """Import the built-in experiment modules (``neurocomp.experiments.*``), once."""
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module("neurocomp.experiments")
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"neurocomp.experiments.{info.name}")
    _LOADED = True


def _entry_points() -> dict:
    """The entry points of the group ``neurocomp.experiments`` by name (nothing is imported)."""
    from importlib import metadata

    try:
        found = metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # a broken installed distribution must not stop the built-ins
        return {}
    return {ep.name: ep for ep in found}


def _load_entry_point(name: str, ep) -> Callable:
    try:
        obj = ep.load()
    except Exception as exc:
        raise ValidationError(
            f"experiment {name!r} (entry point {ep.value!r} of an installed package) could not be loaded: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if name in _REGISTRY:  # the module registered it itself
        return _REGISTRY[name]
    if not callable(obj) or inspect.isclass(obj) or inspect.ismodule(obj):
        raise ValidationError(
            f"experiment {name!r}: entry point {ep.value!r} must name an experiment function; "
            f"got {type(obj).__name__}"
        )
    return experiment(name)(obj)


def load_plugin(plugin: str) -> list[str]:
    """Import a user's module of experiments: a ``.py`` file or an importable module name.

    This is the explicit act by which code enters a run (``--plugin``); a spec
    file can never do it. Returns the names the plugin registered.

    Parameters
    ----------
    plugin : str
        A path to a Python file (``my_lab/experiments.py``) or a dotted module
        name (``my_lab.experiments``).

    Returns
    -------
    list of str
        The names of the experiments the plugin registered (new or replaced), sorted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> plugin = pathlib.Path(tempfile.mkdtemp()) / "lab_experiments.py"
    >>> _ = plugin.write_text(
    ...     "from neurocomp.experiments import ExperimentResult, experiment\\n"
    ...     "@experiment('_doc_lab_probe')\\n"
    ...     "def probe(*, rng=None):\\n"
    ...     "    '''A probe.'''\\n"
    ...     "    return ExperimentResult(dataset=None)\\n")
    >>> load_plugin(str(plugin))
    ['_doc_lab_probe']
    """
    import importlib.util
    import sys
    from pathlib import Path

    _load_all()  # the built-ins first: a plugin cannot take one of their names
    before = dict(_REGISTRY)
    if not isinstance(plugin, str) or not plugin.strip():
        raise ValidationError(f"--plugin must be a .py file or a module name; got {plugin!r}")
    looks_like_file = plugin.endswith(".py") or "/" in plugin or "\\" in plugin
    try:
        if looks_like_file:
            path = Path(plugin)
            if not path.is_file() or path.suffix != ".py":
                raise ValidationError(f"--plugin {plugin!r}: must be an existing .py file (or a module name)")
            module_name = "neurocomp_plugin_" + re.sub(r"\W", "_", path.resolve().stem)
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(module_name, None)
                raise
        else:
            if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", plugin):
                raise ValidationError(f"--plugin {plugin!r}: must be a .py file or a dotted module name")
            importlib.import_module(plugin)
    except ValidationError:
        raise
    except Exception as exc:
        where = "" if isinstance(exc, ImportError) and not looks_like_file else " (raised by the plugin's code)"
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise ValidationError(f"--plugin {plugin!r} could not be loaded{where}: {type(exc).__name__}: {first}") from None
    return sorted(k for k, v in _REGISTRY.items() if before.get(k) is not v)


def names() -> list[str]:
    """Names of all experiments: built-in, registered by plugins, and offered by entry points; sorted.

    Entry points are listed by name, not loaded.

    Returns
    -------
    list of str
        The registered names, sorted.

    Examples
    --------
    >>> "brownian_einstein" in names(), "hopfield1982" in names()
    (True, True)
    """
    _load_all()
    return sorted(set(_REGISTRY) | set(_entry_points()))


def _refusal(name) -> str:
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(name))[:200]
    valid = ", ".join(sorted(set(_REGISTRY) | set(_entry_points()))) or "(none)"
    hint = ""
    if isinstance(name, str) and (":" in name or "." in name):
        hint = (" (a spec cannot name a module or function to import: register your function with "
                "@neurocomp.experiment in a file you load with --plugin FILE.py, or in an installed "
                "package's 'neurocomp.experiments' entry points)")
    return f"experiment must be one of the registered experiments ({valid}); got '{shown}'{hint}"


def get(name: str) -> Callable:
    """The experiment function registered as ``name``.

    Looks among the built-in experiments, those registered by loaded plugins,
    and the entry points of installed packages (group ``neurocomp.experiments``;
    only the one asked for is loaded). Nothing else is ever imported: a name
    such as ``"os:system"`` or ``"package.module:function"`` is refused with a
    :class:`ValidationError` before any import.

    Parameters
    ----------
    name : str
        A registered experiment's name (``neurocomp list --experiments`` shows them).

    Returns
    -------
    callable
        The experiment function.

    Raises
    ------
    ValidationError
        An unknown name, listing the registered ones.

    Examples
    --------
    >>> get("brownian_einstein").experiment_name
    'brownian_einstein'
    """
    if not isinstance(name, str):
        raise ValidationError(f"experiment must be a string naming a registered experiment; got {type(name).__name__}")
    if name in _REGISTRY:
        return _REGISTRY[name]
    _load_all()
    if name in _REGISTRY:
        return _REGISTRY[name]
    ep = _entry_points().get(name)
    if ep is not None:
        return _load_entry_point(name, ep)
    raise ValidationError(_refusal(name))


#: Most arithmetic operations one run may need by its estimate: about an hour of one CPU core
#: at best, a day at worst. Estimators call :func:`check_work` to refuse more.
MAX_OPERATIONS = 1e13


def check_work(operations: float, what: str) -> float:
    """Refuse a run whose estimated number of operations exceeds :data:`MAX_OPERATIONS`; return it.

    Called from an experiment's ``memory=`` estimator, so that a run that would
    take days is refused before it starts, like one that cannot fit in memory.
    """
    if operations > MAX_OPERATIONS:
        raise ValidationError(
            f"{what} needs about {operations:.1e} arithmetic operations by estimate (many hours); at most "
            f"{MAX_OPERATIONS:.0e} are allowed per run: reduce n_epochs, the sizes or the repeats"
        )
    return operations


def estimate_memory(func: Callable, params: dict) -> float | None:
    """Bytes a run of ``func`` with ``params`` needs by its own estimate, or None if it gives none."""
    estimator = getattr(func, "memory_estimate", None)
    if estimator is None:
        return None
    return float(estimator(**params))


def available_memory() -> int | None:
    """Bytes of memory available to a new computation (MemAvailable, or psutil), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def check_memory(func: Callable, params: dict, *, available: int | None = None, what: str | None = None) -> float | None:
    """Refuse a run whose memory estimate exceeds the memory available; return the estimate.

    Parameters
    ----------
    func : callable
        A registered experiment (its ``memory=`` estimator is used; without one
        nothing is checked and None is returned).
    params : dict
        The validated parameters (all of them, defaults filled in).
    available : int, optional
        Bytes available; default :func:`available_memory`.
    what : str, optional
        How to name the run in the message (default ``experiment 'NAME'``).

    Returns
    -------
    float or None
        The estimate in bytes, or None when the experiment has no estimator.

    Raises
    ------
    ValidationError
        "experiment 'X' needs about 12.0 GiB of memory by estimate (...); only 3.1 GiB is available".

    Examples
    --------
    >>> params = {"n_walkers": 100, "n_steps": 200, "D": 1e-12, "dt": 0.01, "dims": [1]}
    >>> check_memory(get("brownian_einstein"), params) > 0        # bytes, by the experiment's estimate
    True
    """
    estimate = estimate_memory(func, params)
    if estimate is None:
        return None
    limit = available_memory() if available is None else available
    if limit is not None and estimate > limit:
        what = what or f"experiment {getattr(func, 'experiment_name', func.__name__)!r}"
        raise ValidationError(
            f"{what} needs about {_bytes(estimate)} of memory by estimate with these parameters; only "
            f"{_bytes(limit)} is available on this machine: reduce the sizes (n_*, duration, ...)"
        )
    return estimate


def signature_params(func: Callable) -> dict[str, inspect.Parameter]:
    """The spec-settable parameters of an experiment (all but ``rng``)."""
    return {k: p for k, p in inspect.signature(func).parameters.items() if k != "rng"}
