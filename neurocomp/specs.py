"""TOML specs: load, validate against the experiment they name, run, write.

A spec is a TOML file::

    title = "Hopfield (1982): letters recalled from damaged cues"
    experiment = "hopfield1982"     # a registered name, or "package.module:function"
    seed = 1982                     # optional; --seed overrides it
    description = "..."             # optional
    requires = ["recordings"]       # optional: extras it needs (shown by `neurocomp list`)

    [params]                        # keyword arguments of the experiment, 1:1
    n_patterns = 4

    [sweep]                         # optional, used by `neurocomp sweep`
    load = [0.05, 0.1]

Unknown keys, values of the wrong type and values out of range are refused
with a :class:`SpecError` before anything runs.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
import time
import types
import typing
from pathlib import Path

from neurocomp._validation import ValidationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Spec", "SpecError", "load_spec", "validate_params", "parse_override", "run_spec", "write_result"]

TOP_LEVEL_KEYS = ("title", "experiment", "seed", "description", "requires", "params", "sweep")


class SpecError(ValidationError):
    """A spec file or parameter that cannot be run as given."""


@dataclasses.dataclass
class Spec:
    """A loaded spec. ``params`` holds the resolved keyword arguments (defaults filled in)."""

    title: str
    experiment: str
    params: dict
    seed: int | None = None
    description: str = ""
    sweep: dict = dataclasses.field(default_factory=dict)
    path: Path | None = None

    @property
    def stem(self) -> str:
        return self.path.stem if self.path is not None else self.experiment.replace(":", "_")

    def to_json(self) -> dict:
        return {"title": self.title, "experiment": self.experiment, "params": self.params}


def load_spec(path, overrides: list[str] | None = None) -> Spec:
    """Read and validate a spec file; apply ``KEY=VALUE`` overrides first."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"spec must be an existing TOML file; got {str(path)!r}, which does not exist")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec {str(path)!r} is not valid TOML: {exc}") from None
    return spec_from_dict(raw, path=path, overrides=overrides)


def spec_from_dict(raw: dict, *, path=None, overrides: list[str] | None = None) -> Spec:
    """Validate a spec given as a dict (the parsed TOML)."""
    from neurocomp.experiments import get

    where = f"spec {str(path)!r}" if path is not None else "spec"
    unknown = sorted(set(raw) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise SpecError(f"{where}: unknown top-level key(s) {unknown}; allowed keys are {list(TOP_LEVEL_KEYS)}")
    for key in ("title", "experiment"):
        if not isinstance(raw.get(key), str) or not raw.get(key):
            raise SpecError(f"{where}: '{key}' must be a non-empty string; got {raw.get(key)!r}")
    requires = raw.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise SpecError(f"{where}: 'requires' must be a list of extra names (e.g. [\"recordings\"]); got {requires!r}")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise SpecError(f"{where}: [params] must be a table; got {type(params).__name__}")
    seed = raw.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise SpecError(f"{where}: 'seed' must be a non-negative integer; got {seed!r}")
    func = get(raw["experiment"])
    params = dict(params)
    for item in overrides or []:
        key, value = parse_override(item)
        if key == "seed":
            seed = value
            continue
        if key not in _params_of(func):
            raise SpecError(
                f"--set {key}: not a parameter of experiment {raw['experiment']!r}; "
                f"allowed keys are {sorted(_params_of(func))}"
            )
        params[key] = value
    resolved = validate_params(func, params, experiment=raw["experiment"])
    sweep = raw.get("sweep", {})
    if not isinstance(sweep, dict):
        raise SpecError(f"{where}: [sweep] must be a table; got {type(sweep).__name__}")
    return Spec(
        title=raw["title"],
        experiment=raw["experiment"],
        params=resolved,
        seed=seed,
        description=raw.get("description", ""),
        sweep=dict(sweep),
        path=Path(path) if path is not None else None,
    )


def parse_override(item: str) -> tuple[str, object]:
    """Parse ``KEY=VALUE`` (VALUE as a TOML value, else a plain string)."""
    if "=" not in item:
        raise SpecError(f"--set must be KEY=VALUE; got {item!r}")
    key, _, text = item.partition("=")
    key = key.strip()
    if key.startswith("params."):
        key = key[len("params."):]
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return key, value


def _params_of(func) -> dict[str, inspect.Parameter]:
    from neurocomp.experiments._registry import signature_params

    return signature_params(func)


def _describe(annotation) -> str:
    base, _ = _split_annotated(annotation)
    origin = typing.get_origin(base)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(base))
    if origin in (list, tuple):
        (inner,) = typing.get_args(base)[:1] or (object,)
        return f"a list of {_describe(inner)}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) if a is not type(None) else "none" for a in typing.get_args(base))
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}.get(
        base, getattr(base, "__name__", str(base))
    )


def _split_annotated(annotation):
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        return base, meta
    return annotation, []


def _coerce(name: str, value, annotation):
    """Check ``value`` against ``annotation``; return it converted (int -> float where a float is due)."""
    from neurocomp.experiments._registry import Range

    base, meta = _split_annotated(annotation)
    origin = typing.get_origin(base)
    fail = SpecError(f"parameter {name!r} must be {_describe(annotation)}; got {value!r} ({type(value).__name__})")
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(base):
            if option is type(None):
                if value is None:
                    return None
                continue
            try:
                out = _coerce(name, value, option)
            except SpecError:
                continue
            break
        else:
            raise fail
    elif origin is typing.Literal:
        if value not in typing.get_args(base):
            raise fail
        out = value
    elif origin in (list, tuple):
        if not isinstance(value, list):
            raise fail
        (inner,) = typing.get_args(base)[:1] or (object,)
        out = [_coerce(f"{name}[{i}]", v, typing.Annotated[(inner, *meta)] if meta else inner) for i, v in enumerate(value)]
        return out
    elif base is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail
        out = float(value)
    elif base is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail
        out = value
    elif base is bool:
        if not isinstance(value, bool):
            raise fail
        out = value
    elif base is str:
        if not isinstance(value, str):
            raise fail
        out = value
    else:
        out = value
    for m in meta:
        if isinstance(m, Range) and isinstance(out, (int, float)) and not m.contains(out):
            raise SpecError(f"parameter {name!r} must lie in {m}; got {value!r}")
    return out


def validate_params(func, params: dict, *, experiment: str = "") -> dict:
    """Check ``params`` against ``func``'s signature; return all kwargs with defaults filled in."""
    allowed = _params_of(func)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise SpecError(
            f"unknown parameter(s) {unknown} for experiment {experiment or func.__name__!r}; "
            f"allowed keys are {sorted(allowed)}"
        )
    hints = typing.get_type_hints(func, include_extras=True)
    resolved = {}
    for name, p in allowed.items():
        value = params.get(name, p.default)
        if name in params and name in hints:
            value = _coerce(name, value, hints[name])
        resolved[name] = value
    return resolved


def run_spec(spec: Spec, seed: int | None = None):
    """Run the experiment a spec names; return its ExperimentResult with provenance attrs.

    The seed is ``seed`` if given, else the spec's, else fresh entropy; it is
    recorded in the Dataset's attrs either way so the result can be made again.
    """
    import numpy as np

    from neurocomp.experiments import get
    from neurocomp.io import provenance_attrs

    if seed is None:
        seed = spec.seed
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0] >> 1)
    func = get(spec.experiment)
    start = time.perf_counter()
    result = func(**spec.params, rng=int(seed))
    elapsed = time.perf_counter() - start
    result.dataset.attrs.update(
        provenance_attrs(seed=seed, spec=spec.to_json(), experiment=spec.experiment), title=spec.title
    )
    result.elapsed = elapsed
    result.seed = int(seed)
    return result


def write_result(result, out_dir, spec: Spec) -> list[Path]:
    """Write results.nc, any extra data as <name>.nc, the figures (PNG, 150 dpi) and summary.json atomically."""
    import matplotlib.pyplot as plt
    import xarray as xr

    from neurocomp.io import atomic_path, atomic_write_text, save_dataset, to_jsonable

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [save_dataset(result.dataset, out_dir / "results.nc")]
    provenance = {k: result.dataset.attrs[k] for k in ("neurocomp_version", "seed", "spec", "created", "experiment", "title")
                  if k in result.dataset.attrs}
    for name, data in getattr(result, "extra", {}).items():
        data = data.to_dataset(name=name) if isinstance(data, xr.DataArray) else data
        written.append(save_dataset(data, out_dir / f"{name}.nc", attrs=provenance))
    for name, fig in result.figures.items():
        target = out_dir / f"{name}.png"
        with atomic_path(target, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=150, format="png", bbox_inches="tight")
        plt.close(fig)
        written.append(target)
    table = getattr(result, "table", None)
    summary = {
        "title": spec.title,
        "experiment": spec.experiment,
        "seed": result.seed,
        "params": spec.params,
        "elapsed_s": round(getattr(result, "elapsed", float("nan")), 3),
        "summary": result.summary,
        "table": None if table is None else json.loads(table.to_json(orient="records")),
        "files": [p.name for p in written] + ["summary.json"],
    }
    written.append(atomic_write_text(out_dir / "summary.json", json.dumps(to_jsonable(summary), indent=2)))
    return written

