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
from collections.abc import Callable

import xarray as xr

from neurocomp._validation import ValidationError

__all__ = ["ExperimentResult", "Range", "experiment", "get", "names", "signature_params"]


@dataclasses.dataclass(frozen=True)
class Range:
    """Admissible interval of a numeric experiment parameter (``None`` = unbounded).

    Applies to each element when the parameter is a list.
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def contains(self, value) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        if self.high is not None and (value >= self.high if self.high_open else value > self.high):
            return False
        return True

    def __str__(self) -> str:
        lo = "(-inf" if self.low is None else ("(" if self.low_open else "[") + f"{self.low:g}"
        hi = "inf)" if self.high is None else f"{self.high:g}" + (")" if self.high_open else "]")
        return f"{lo}, {hi}"


@dataclasses.dataclass
class ExperimentResult:
    """What an experiment returns.

    Attributes
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
    """

    dataset: xr.Dataset
    figures: dict = dataclasses.field(default_factory=dict)
    summary: dict = dataclasses.field(default_factory=dict)
    table: object | None = None
    extra: dict = dataclasses.field(default_factory=dict)


_REGISTRY: dict[str, Callable] = {}
_LOADED = False


def experiment(name: str):
    """Decorator registering an experiment function under ``name``."""

    def register(func):
        if name in _REGISTRY and _REGISTRY[name] is not func:
            raise RuntimeError(f"experiment {name!r} registered twice")
        sig = inspect.signature(func)
        for pname, p in sig.parameters.items():
            if p.kind is not inspect.Parameter.KEYWORD_ONLY or p.default is inspect.Parameter.empty:
                raise TypeError(
                    f"experiment {name!r}: parameter {pname!r} must be keyword-only with a default"
                )
        func.experiment_name = name
        _REGISTRY[name] = func
        return func

    return register


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module("neurocomp.experiments")
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"neurocomp.experiments.{info.name}")
    _LOADED = True


def names() -> list[str]:
    """Names of all registered experiments, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def get(name: str) -> Callable:
    """The experiment function registered as ``name``, or ``"module:function"``.

    The ``"package.module:function"`` form runs a user's own experiment function
    (keyword-only parameters with defaults, returning an ExperimentResult).
    """
    if isinstance(name, str) and ":" in name:
        module_name, _, func_name = name.partition(":")
        try:
            module = importlib.import_module(module_name)
            func = getattr(module, func_name)
        except (ImportError, AttributeError) as exc:
            raise ValidationError(f"experiment {name!r} could not be imported: {exc}") from None
        return func
    _load_all()
    if name not in _REGISTRY:
        valid = ", ".join(sorted(_REGISTRY)) or "(none)"
        raise ValidationError(f"experiment must be one of the registered experiments ({valid}); got {name!r}")
    return _REGISTRY[name]


def signature_params(func: Callable) -> dict[str, inspect.Parameter]:
    """The spec-settable parameters of an experiment (all but ``rng``)."""
    return {k: p for k, p in inspect.signature(func).parameters.items() if k != "rng"}
