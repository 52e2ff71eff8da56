"""TOML specs: load, validate against the experiment they name, run, write.

A spec is a TOML file::

    title = "Hopfield (1982): letters recalled from damaged cues"
    experiment = "hopfield1982"     # a registered name (never a module or function to import)
    seed = 1982                     # optional; --seed overrides it
    description = "..."             # optional
    requires = ["recordings"]       # optional: extras it needs (shown by `neurocomp list`)

    [params]                        # keyword arguments of the experiment, 1:1
    n_patterns = 4

    [sweep]                         # optional, used by `neurocomp sweep`
    load = [0.05, 0.1]

Unknown keys, values of the wrong type and values out of range are refused
with a :class:`SpecError` before anything runs.

A spec is data: it names a registered experiment and its parameters, and it
can never make neurocomp import or call anything else. Your own experiments
are registered with ``@neurocomp.experiment`` in a module you load yourself
(``neurocomp run --plugin my_lab/experiments.py spec.toml``) or that an
installed package offers through the entry-point group ``neurocomp.experiments``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import math
import os
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

__all__ = [
    "MAX_SEED",
    "Spec",
    "SpecError",
    "check_seed",
    "load_spec",
    "parse_override",
    "prepare_out_dir",
    "run_spec",
    "validate_params",
    "write_result",
]

#: Largest seed accepted (it is stored as a 64-bit integer in the results' attrs).
MAX_SEED = 2**63 - 1
#: Largest spec file read (a spec is a few lines of TOML).
MAX_SPEC_BYTES = 1 << 20

TOP_LEVEL_KEYS = ("title", "experiment", "seed", "description", "requires", "params", "sweep")


class SpecError(ValidationError):
    """A spec file or parameter that cannot be run as given.

    Examples
    --------
    >>> from neurocomp.experiments import get
    >>> try:
    ...     validate_params(get("brownian_einstein"), {"n_walker": 100}, experiment="brownian_einstein")
    ... except SpecError as exc:
    ...     print(str(exc)[:58])
    unknown parameter(s) ['n_walker'] for experiment 'brownian
    """


@dataclasses.dataclass
class Spec:
    """A loaded spec. ``params`` holds the resolved keyword arguments (defaults filled in).

    Parameters
    ----------
    title : str
        Human-readable title (stored in the results' attrs).
    experiment : str
        Registered name of the experiment to run.
    params : dict
        The resolved keyword arguments of the experiment (defaults filled in).
    seed : int, optional
        The spec's seed (None: fresh entropy at run time unless ``--seed`` is given).
    description : str, optional
        Free text from the spec.
    sweep : dict, optional
        The ``[sweep]`` table: parameter name -> values or a range.
    path : Path, optional
        The TOML file the spec was read from.

    Examples
    --------
    >>> from neurocomp.cli import find_spec_file
    >>> spec = load_spec(find_spec_file("brownian_einstein"))
    >>> spec.experiment, spec.stem
    ('brownian_einstein', 'brownian_einstein')
    """

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


def _check_text(name: str, value, limit: int | None, *, multiline: bool = False) -> str:
    """A string to store in results' attrs: no control characters (NUL breaks HDF5), at most ``limit`` long."""
    if not isinstance(value, str):
        raise SpecError(f"{name} must be a string; got {type(value).__name__}")
    if limit is not None and len(value) > limit:
        raise SpecError(f"{name} must have at most {limit} characters; got {len(value)}")
    allowed = "\t\n" if multiline else "\t"
    bad = next((c for c in value if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) and c not in allowed), None)
    if bad is not None:
        raise SpecError(f"{name} must be text without control characters; got {ascii(bad)} at position {value.index(bad)}")
    return value


def check_seed(value, name: str = "seed") -> int:
    """Check a seed: an integer in [0, 2**63 - 1] (not a bool, not 1.5); return it.

    Parameters
    ----------
    value : int
        The seed to check.
    name : str, default "seed"
        How to name the value in the error message.

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    SpecError
        A bool, a non-integer, or an integer outside [0, 2**63 - 1].

    Examples
    --------
    >>> check_seed(42)
    42
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{name} must be a non-negative integer; got {value!r} ({type(value).__name__})")
    if not 0 <= value <= MAX_SEED:
        raise SpecError(f"{name} must be a non-negative integer <= 2**63-1; got {value!r}")
    return value


def _read_spec_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(f"spec {str(path)!r} must be a small TOML file; got {size} bytes (limit {MAX_SPEC_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"spec {str(path)!r} could not be read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise SpecError(f"spec {str(path)!r} must be a TOML text file; got binary data (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"spec {str(path)!r} must be UTF-8 text; got byte 0x{data[exc.start]:02x} at offset {exc.start}") from None


def load_spec(path, overrides: list[str] | None = None) -> Spec:
    """Read and validate a spec file; apply ``KEY=VALUE`` overrides first.

    Parameters
    ----------
    path : str or Path
        A TOML spec file (``title``, ``experiment``, ``[params]``, optional ``seed``,
        ``description``, ``requires`` and ``[sweep]``).
    overrides : list of str, optional
        ``KEY=VALUE`` items (the command line's ``--set``); ``seed=N`` sets the seed.

    Returns
    -------
    Spec
        The validated spec, its parameters resolved against the experiment's signature.

    Raises
    ------
    SpecError
        A missing, unreadable or invalid file, an unknown key or parameter, or a value
        out of its range.

    Examples
    --------
    >>> from neurocomp.cli import find_spec_file
    >>> spec = load_spec(find_spec_file("brownian_einstein"), ["n_walkers=100", "n_steps=20"])
    >>> spec.params["n_walkers"], spec.params["n_steps"]
    (100, 20)
    """
    path = Path(path)
    if not path.exists():
        raise SpecError(f"spec must be an existing TOML file; got {str(path)!r}, which does not exist")
    if not path.is_file():
        raise SpecError(f"spec must be a regular TOML file; got {str(path)!r}, which is not a regular file")
    try:
        raw = tomllib.loads(_read_spec_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec {str(path)!r} is not valid TOML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise SpecError(f"spec {str(path)!r} is not valid TOML: nested too deeply") from None
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
    for key, limit in (("title", 500), ("description", 20_000)):
        if key in raw:
            _check_text(f"{where}: '{key}'", raw[key], limit, multiline=key == "description")
    requires = raw.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise SpecError(f"{where}: 'requires' must be a list of extra names (e.g. [\"recordings\"]); got {requires!r}")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise SpecError(f"{where}: [params] must be a table; got {type(params).__name__}")
    seed = raw.get("seed")
    if seed is not None:
        check_seed(seed, f"{where}: 'seed'")
    func = get(raw["experiment"])  # only registered names: nothing is imported for a spec
    params = dict(params)
    for item in overrides or []:
        key, value = parse_override(item)
        if key == "seed":
            seed = check_seed(value, "--set seed")
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
    """Parse ``KEY=VALUE`` (VALUE as a TOML value, else a plain string).

    Parameters
    ----------
    item : str
        ``KEY=VALUE``; a ``params.`` prefix of KEY is dropped.

    Returns
    -------
    key : str
        The parameter name.
    value : object
        The value parsed as TOML (int, float, bool, list ...), or the plain string.

    Examples
    --------
    >>> parse_override("params.n_neurons=200"), parse_override("mode=fast")
    (('n_neurons', 200), ('mode', 'fast'))
    """
    if not isinstance(item, str) or "=" not in item:
        raise SpecError(f"--set must be KEY=VALUE; got {item!r}")
    key, _, text = item.partition("=")
    key = key.strip()
    if not key:
        raise SpecError(f"--set must be KEY=VALUE with a non-empty KEY; got {item!r}")
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
    from neurocomp.experiments._registry import DEFAULT_MAX_LENGTH, Length, Range

    base, meta = _split_annotated(annotation)
    length = next((m for m in meta if isinstance(m, Length)), None)
    meta = [m for m in meta if not isinstance(m, Length)]
    origin = typing.get_origin(base)
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    fail = SpecError(f"parameter {name!r} must be {_describe(annotation)}; got {shown} ({type(value).__name__})")
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
        length = length or Length(1, DEFAULT_MAX_LENGTH)
        if not length.contains(len(value)):
            raise SpecError(f"parameter {name!r} must hold {length} elements; got {len(value)}")
        if length.unique:
            if len({repr(v) for v in value}) != len(value):
                raise SpecError(f"parameter {name!r} must not name an element twice; got {shown}")
        (inner,) = typing.get_args(base)[:1] or (object,)
        out = [_coerce(f"{name}[{i}]", v, typing.Annotated[(inner, *meta)] if meta else inner) for i, v in enumerate(value)]
        return out
    elif base is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail
        try:
            out = float(value)
        except OverflowError:
            raise SpecError(f"parameter {name!r} must be a finite number; got an integer of {len(str(value))} digits") from None
        if not math.isfinite(out):
            raise SpecError(f"parameter {name!r} must be a finite number; got {value!r}")
    elif base is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail
        if not -MAX_SEED - 1 <= value <= MAX_SEED:
            raise SpecError(f"parameter {name!r} must be a 64-bit integer; got {shown}")
        out = value
    elif base is bool:
        if not isinstance(value, bool):
            raise fail
        out = value
    elif base is str:
        if not isinstance(value, str):
            raise fail
        length = length or Length(0, DEFAULT_MAX_LENGTH)
        if not length.contains(len(value)):
            raise SpecError(f"parameter {name!r} must have {length} characters; got {len(value)}")
        _check_text(f"parameter {name!r}", value, None)
        out = value
    else:
        out = value
    for m in meta:
        if isinstance(m, Range) and isinstance(out, (int, float)) and not m.contains(out):
            raise SpecError(f"parameter {name!r} must lie in {m}; got {shown}")
    return out


def validate_params(func, params: dict, *, experiment: str = "") -> dict:
    """Check ``params`` against ``func``'s signature; return all kwargs with defaults filled in.

    Parameters
    ----------
    func : callable
        The experiment function.
    params : dict
        Keyword arguments from a spec (values are coerced to the annotated types and
        checked against their ``Range`` bounds); deprecated names are renamed with a warning.
    experiment : str, optional
        The experiment's name for messages (default ``func.__name__``).

    Returns
    -------
    dict
        Every keyword parameter of ``func`` with its value.

    Raises
    ------
    SpecError
        An unknown parameter or a value of the wrong type or out of range.

    Examples
    --------
    >>> from neurocomp.experiments import get
    >>> params = validate_params(get("brownian_einstein"), {"n_walkers": 100}, experiment="brownian_einstein")
    >>> params["n_walkers"], params["D"]                   # the others at their defaults
    (100, 1e-12)
    """
    allowed = _params_of(func)
    renamed = getattr(func, "deprecated_kwargs", {})  # old names kept for a release (neurocomp._deprecation)
    if renamed and set(params) & set(renamed):
        from neurocomp._deprecation import warn_renamed

        params = dict(params)
        for old in sorted(set(params) & set(renamed)):
            new, convert = renamed[old]
            if new in params:
                raise SpecError(f"spec gives both {new!r} and its old name {old!r}; keep {new!r}")
            warn_renamed(f"experiment {experiment or func.__name__!r}", old, new,
                         note="converted to SI units" if convert else "")
            params[new] = convert(params.pop(old)) if convert else params.pop(old)
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


def run_spec(spec: Spec, seed: int | None = None, *, check_resources: bool = True):
    """Run the experiment a spec names; return its ExperimentResult with provenance attrs.

    The seed is ``seed`` if given, else the spec's, else fresh entropy; it is
    recorded in the Dataset's attrs either way so the result can be made again.
    Before it starts, a run whose memory estimate (the experiment's ``memory=``)
    exceeds the memory available is refused (:func:`check_memory`).

    Parameters
    ----------
    spec : Spec
        The spec to run.
    seed : int, optional
        Overrides the spec's seed.
    check_resources : bool, default True
        Refuse a run whose memory estimate exceeds the memory available.

    Returns
    -------
    ExperimentResult
        The experiment's result; its dataset's attrs carry :func:`neurocomp.io.provenance_attrs`
        and ``title``, and ``elapsed`` (s) and ``seed`` are set on it.

    Examples
    --------
    >>> from neurocomp.cli import find_spec_file
    >>> spec = load_spec(find_spec_file("brownian_einstein"), ["n_walkers=100", "n_steps=20", "dims=[1]"])
    >>> result = run_spec(spec, seed=0)
    >>> result.seed, result.dataset.attrs["experiment"], sorted(result.figures)
    (0, 'brownian_einstein', ['msd'])
    """
    import numpy as np

    from neurocomp.experiments import check_memory, get
    from neurocomp.io import provenance_attrs

    if seed is None:
        seed = spec.seed
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0] >> 1)
    seed = check_seed(seed, "--seed")
    func = get(spec.experiment)
    if check_resources:
        check_memory(func, spec.params)
    start = time.perf_counter()
    result = func(**spec.params, rng=int(seed))
    elapsed = time.perf_counter() - start
    result.dataset.attrs.update(
        provenance_attrs(seed=seed, spec=spec.to_json(), experiment=spec.experiment), title=spec.title
    )
    result.elapsed = elapsed
    result.seed = int(seed)
    return result


def _existing_ancestor(path: Path) -> Path:
    for parent in (path, *path.parents):
        if os.path.lexists(parent):
            return parent
    return Path(".")


def prepare_out_dir(out, *, overwrite: bool = False, option: str = "--out") -> Path:
    """Check an output folder before a run starts; create nothing.

    Refused (:class:`SpecError`, naming ``option``): a path that is a file or
    lies under a file, a folder that cannot be written, and a folder that
    already holds files (another run's) unless ``overwrite``. Hidden temporary
    files left by a killed run do not count (they are removed when the run writes).

    Parameters
    ----------
    out : str or Path
        The output folder (it need not exist).
    overwrite : bool, default False
        Accept a folder that already holds files.
    option : str, default "--out"
        How to name the folder in messages.

    Returns
    -------
    pathlib.Path
        ``out`` as a Path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> prepare_out_dir(pathlib.Path(tempfile.mkdtemp()) / "run").name      # checked, not created
    'run'
    """
    from neurocomp.io import _TEMP_NAME

    try:
        out = Path(out)
        shown = str(out)
        if not shown or "\x00" in shown:
            raise SpecError(f"{option} must be a folder path; got {shown!r}")
        anchor = _existing_ancestor(out.absolute())
        if anchor != out.absolute() and not anchor.is_dir():
            raise SpecError(f"{option} {shown!r} lies under {str(anchor)!r}, which is a file, not a folder")
        if anchor == out.absolute():
            if not out.is_dir():
                raise SpecError(f"{option} {shown!r} is a file, not a folder")
            entries = sorted(e.name for e in out.iterdir() if not _TEMP_NAME.fullmatch(e.name))
            if entries and not overwrite:
                listed = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
                raise SpecError(
                    f"{option} {shown!r} already holds files ({listed}); choose a new folder, "
                    "or pass --overwrite to replace a previous run's files"
                )
        import tempfile

        try:
            fd, probe = tempfile.mkstemp(prefix=".neurocomp-probe-", dir=anchor)
        except OSError as exc:
            raise SpecError(f"{option} {shown!r} cannot be written: {str(anchor)!r}: {exc.strerror or exc}") from None
        os.close(fd)
        os.unlink(probe)
    except (OSError, ValueError) as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"{option} {str(out)!r} cannot be used: {exc}") from None
    return out


def _remove_previous_run(out_dir: Path) -> None:
    """Before overwriting: drop the old completion marker, then the files the old run listed."""
    from neurocomp.io import SUMMARY_NAME

    summary = out_dir / SUMMARY_NAME
    listed = []
    try:
        listed = json.loads(summary.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        pass
    if summary.is_file():
        summary.unlink()
    for name in listed if isinstance(listed, list) else []:
        target = out_dir / str(name)
        if isinstance(name, str) and "/" not in name and target.is_file() and target.parent == out_dir:
            target.unlink()


def write_result(result, out_dir, spec: Spec, *, overwrite: bool = False) -> list[Path]:
    """Write results.nc, any extra data as <name>.nc, the figures (PNG, 150 dpi) and summary.json.

    Every file is written atomically; ``summary.json`` is written last and
    records each file's SHA-256, so a folder without it (or whose files no
    longer match) is reported incomplete (:func:`neurocomp.io.run_folder_status`).
    Stale temporary files of a killed run are removed first; with ``overwrite``
    the previous run's files go too. If writing fails (a full disk), the files
    this call wrote are removed again.

    Parameters
    ----------
    result : ExperimentResult
        The result to write (dataset, extra data, figures, summary, table).
    out_dir : str or Path
        The run folder (created if needed).
    spec : Spec
        The spec that was run (its title, experiment and parameters go to summary.json).
    overwrite : bool, default False
        Remove the previous run's files first.

    Returns
    -------
    list of pathlib.Path
        The files written, ``summary.json`` last.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from neurocomp.cli import find_spec_file
    >>> spec = load_spec(find_spec_file("brownian_einstein"), ["n_walkers=100", "n_steps=20", "dims=[1]"])
    >>> out = prepare_out_dir(pathlib.Path(tempfile.mkdtemp()) / "run")
    >>> [f.name for f in write_result(run_spec(spec, seed=0), out, spec)]
    ['results.nc', 'msd.png', 'summary.json']
    """
    import matplotlib.pyplot as plt
    import xarray as xr

    from neurocomp.io import atomic_path, finish_run_folder, remove_stale_temp_files, save_dataset

    out_dir = Path(out_dir)
    created = not out_dir.exists()
    written: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(out_dir)
        if overwrite:
            _remove_previous_run(out_dir)
        written.append(save_dataset(result.dataset, out_dir / "results.nc"))
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
        }
        written.append(finish_run_folder(out_dir, summary, written))
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    return written
