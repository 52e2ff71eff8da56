"""The ``neurocomp`` command line: ``list``, ``run``, ``info`` (and ``sweep``, ``regress``).

User mistakes (a missing file, bad TOML, an unknown key or experiment, a value
of the wrong type or out of range) print one line on stderr and exit with
status 2, leaving no output folder behind. Internal errors exit 1 with the
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import os
import sys
import traceback
from pathlib import Path

from neurocomp._validation import ValidationError

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1


def bundled_spec_dirs() -> list[Path]:
    """The folders holding the bundled specs (``models/``, ``analyses/``).

    In an installed wheel they are package data (``neurocomp/_bundled/``, copied
    there by the build); in a source checkout or an editable install they are the
    top-level folders beside the package.

    Returns
    -------
    list of pathlib.Path
        The ``models`` and ``analyses`` folders, in that order (they may not exist).

    Examples
    --------
    >>> [folder.name for folder in bundled_spec_dirs()]
    ['models', 'analyses']
    """
    package = Path(__file__).resolve().parent
    installed = package / "_bundled"
    if installed.is_dir():
        return [installed / "models", installed / "analyses"]
    return [package.parent / "models", package.parent / "analyses"]


def find_spec_file(name: str) -> Path:
    """A spec given as a path, or a bundled spec by name (``ventral_stream``, ``models/ventral_stream``).

    An existing file wins; otherwise the name (with or without ``.toml`` and the
    folder) is looked up among the bundled specs.

    Parameters
    ----------
    name : str
        A path to a spec file, or a bundled spec's name with or without ``.toml`` and its
        folder (``models/`` or ``analyses/``).

    Returns
    -------
    pathlib.Path
        The file found, or ``Path(name)`` when none is (:func:`neurocomp.specs.load_spec`
        then reports it missing).

    Raises
    ------
    ValidationError
        A name found in both bundled folders, without a folder to choose.

    Examples
    --------
    >>> find_spec_file("brownian_einstein").name, find_spec_file("models/brownian_einstein").parent.name
    ('brownian_einstein.toml', 'models')
    """
    path = Path(name)
    if path.is_file():
        return path
    stem = path.name[:-5] if path.name.endswith(".toml") else path.name
    folder = path.parent.name if len(path.parts) > 1 else None
    matches = [d / f"{stem}.toml" for d in bundled_spec_dirs() if folder in (None, d.name) and (d / f"{stem}.toml").is_file()]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(
            f"spec name {name!r} is ambiguous; give the folder: " + ", ".join(f"{m.parent.name}/{stem}" for m in matches)
        )
    # Not found anywhere: let load_spec say so for the path as given.
    return path


def _missing_extra(extra: str) -> list[str]:
    """Distributions of ``neurocomp[extra]`` that are not installed (empty if all are)."""
    import re
    from importlib import metadata

    try:
        requirements = metadata.requires("neurocomp") or []
    except metadata.PackageNotFoundError:
        return []
    missing = []
    for req in requirements:
        if not re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", req):
            continue
        dist = re.match(r"[A-Za-z0-9_.\-]+", req).group(0)
        try:
            metadata.version(dist)
        except metadata.PackageNotFoundError:
            missing.append(dist)
    return missing


def _cmd_list(args) -> int:
    from neurocomp.specs import tomllib

    rows = []
    for folder in bundled_spec_dirs():
        for path in sorted(folder.glob("*.toml")):
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
                title = str(raw.get("title", "(no title)"))
                requires = raw.get("requires", [])
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
                title, requires = f"(unreadable: {exc})", []
            for extra in requires if isinstance(requires, list) else [requires]:
                missing = _missing_extra(str(extra))
                state = f"not installed: {', '.join(missing)}" if missing else "installed"
                title += f"  [needs neurocomp[{extra}], {state}]"
            rows.append((f"{folder.name}/{path.name}", title))
    if not rows:
        print("no bundled specs found (looked in: " + ", ".join(map(str, bundled_spec_dirs())) + ")")
        return 0
    width = max(len(r[0]) for r in rows)
    for name, title in rows:
        print(f"{escape(name)}{' ' * (width - len(name))}  {escape(title, limit=300)}")
    print("\nrun one by name from any folder: neurocomp run NAME (e.g. neurocomp run ventral_stream)")
    if getattr(args, "experiments", False):
        from neurocomp.experiments import names

        print("\nregistered experiments (a spec's experiment = \"NAME\"):")
        for name in names():
            print(f"  {escape(name)}")
    return 0


def _format_table(result) -> str:
    lines = []
    if result.summary:
        width = max(len(str(k)) for k in result.summary)
        for key, value in result.summary.items():
            if isinstance(value, float):
                value = f"{value:.4g}"
            lines.append(f"  {str(key):<{width}}  {value}")
    table = getattr(result, "table", None)
    if table is not None:
        import pandas as pd

        with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 120):
            lines.append("")
            lines.extend("  " + row for row in table.to_string(index=False).splitlines())
    return "\n".join(lines)


def _cmd_run(args) -> int:
    from neurocomp.experiments import check_memory, get
    from neurocomp.specs import check_seed, load_spec, prepare_out_dir, run_spec, write_result

    if args.seed is not None:
        check_seed(args.seed, "--seed")
    spec = load_spec(find_spec_file(args.spec), overrides=args.set)
    out = Path(args.out) if args.out is not None else Path("runs") / f"{spec.stem}-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    prepare_out_dir(out, overwrite=args.overwrite)  # before running: a bad --out costs nothing
    check_memory(get(spec.experiment), spec.params)
    print(f"{escape(spec.title)}\n  experiment {spec.experiment}, output {escape(str(out))}", flush=True)
    from neurocomp._progress import announce, progress_shown

    with progress_shown(not args.quiet):  # bars and stage lines on a terminal only
        announce(f"[1/2] running {spec.experiment} (training and simulation progress below)")
        result = run_spec(spec, seed=args.seed, check_resources=False)
        announce(f"[2/2] writing results.nc and {len(result.figures)} figure(s)")
        written = write_result(result, out, spec, overwrite=args.overwrite)
    print(f"  seed {result.seed}, {result.elapsed:.1f} s")
    text = _format_table(result)
    if text:
        print(escape(text, keep_newlines=True))
    print("wrote " + ", ".join(escape(str(p)) for p in written))
    return 0


# ----------------------------------------------------------------------------- info

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def escape(text, *, limit: int | None = None, keep_newlines: bool = False) -> str:
    """``text`` with control and invisible formatting characters escaped (``\\x1b``, ``\\u202e``).

    Whatever a results file or a spec holds, no terminal escape sequence reaches
    the terminal raw. ``limit`` cuts the text (adding ``...``).

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int, optional
        Most characters kept before ``"..."`` is added.
    keep_newlines : bool, default False
        Leave newlines as they are (other control characters are still escaped).

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> print(escape("red" + chr(27) + "[31m"))
    red\\x1b[31m
    """
    import unicodedata

    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _kind_of(path: Path) -> str:
    import stat

    mode = path.stat().st_mode
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


def _open_results(path: Path):
    """Open a results file lazily (no data loaded); a ValidationError for anything that is not ours."""
    import xarray as xr

    from neurocomp.io import NETCDF_ENGINE

    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ValidationError(f"file {escape(str(path))!r} could not be read: {exc.strerror or exc}") from None
    if head != _HDF5_SIGNATURE:
        raise ValidationError(
            f"file must be a NetCDF results file written by neurocomp; {escape(str(path))!r} is not NetCDF-4/HDF5 "
            "(no HDF5 signature)"
        )
    import gc
    import warnings

    hook = sys.unraisablehook
    ds, failure = None, None
    try:
        # A file object half-built from a corrupt file complains from its destructor ("Exception
        # ignored in ...", a traceback on stderr): the failure is reported below, in one line.
        sys.unraisablehook = lambda unraisable: None
        try:
            with warnings.catch_warnings():  # a foreign file's oddities likewise
                warnings.simplefilter("ignore")
                ds = xr.open_dataset(path, engine=NETCDF_ENGINE, decode_cf=False, cache=False, phony_dims="access")
                # Touch the structure now so a corrupt file fails here, not halfway through the printout.
                dict(ds.attrs), {k: (v.dims, v.dtype, dict(v.attrs)) for k, v in ds.variables.items()}, dict(ds.sizes)
        except Exception as exc:  # h5py reports corruption as OSError, KeyError, RuntimeError, ...
            failure = f"{type(exc).__name__}: " + escape(str(exc).splitlines()[0] if str(exc) else "", limit=160)
        if failure is not None:
            if ds is not None:
                with contextlib.suppress(Exception):
                    ds.close()
            ds = None
            gc.collect()  # the half-built objects go now, while their complaints are silenced
    finally:
        sys.unraisablehook = hook
    if failure is not None:
        raise ValidationError(
            f"file must be a NetCDF results file written by neurocomp; could not read {escape(str(path))!r}: "
            f"{failure} (the file is corrupt or not NetCDF)"
        )
    if "neurocomp_version" not in ds.attrs:
        ds.close()
        raise ValidationError(
            f"file must be a NetCDF results file written by neurocomp; {escape(str(path))!r} has no "
            "neurocomp_version attribute (plain HDF5 or another program's NetCDF)"
        )
    return ds


def _describe_dataset(path: Path) -> list[str]:
    import json

    ds = _open_results(path)
    try:
        lines = [escape(str(path))]
        attrs = dict(ds.attrs)
        for key in ("title", "experiment", "neurocomp_version", "seed", "created"):
            if key in attrs:
                lines.append(f"  {key:<18} {escape(attrs.pop(key), limit=200)}")
        if "spec" in attrs:
            raw = attrs.pop("spec")
            try:
                spec = json.loads(raw) if isinstance(raw, (str, bytes)) else None
            except (ValueError, RecursionError):
                spec = None
            params = spec.get("params") if isinstance(spec, dict) else None
            if isinstance(params, dict):
                lines.append("  parameters:")
                for k, v in params.items():
                    lines.append(f"    {escape(k, limit=80)} = {escape(repr(v), limit=200)}")
            else:
                lines.append(f"  spec: {escape(raw, limit=100)} (not a JSON table with params)")
        lines.append("  dimensions: " + ", ".join(f"{escape(d, limit=80)}={n}" for d, n in ds.sizes.items()))
        lines.append("  variables:")
        for name, var in ds.data_vars.items():
            units = escape(var.attrs.get("units", ""), limit=40)
            long_name = escape(var.attrs.get("long_name", ""), limit=100)
            dims = ", ".join(escape(d, limit=80) for d in var.dims)
            nbytes = int(var.size) * var.dtype.itemsize
            lines.append(f"    {escape(name, limit=80)} ({dims}) {var.dtype}, {_size(nbytes)}"
                         + (f" [{units}]" if units else "") + (f"  {long_name}" if long_name else ""))
        if ds.coords:
            lines.append("  coordinates: " + ", ".join(escape(c, limit=80) for c in ds.coords))
        for key, value in attrs.items():
            lines.append(f"  {escape(key, limit=80)}: {escape(value, limit=100)}")
    finally:
        ds.close()
    return lines


#: Seconds a description of one file may take; a corrupt file can send the HDF5 library into an
#: endless loop, so the file is read in a forked child that is stopped after this long.
INFO_TIMEOUT_S = 30.0


def _describe_child(path, conn):  # pragma: no cover - runs in the forked child
    try:
        conn.send(("ok", _describe_dataset(path)))
    except ValidationError as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:
        conn.send(("error", f"file {escape(str(path))!r} could not be described: {type(exc).__name__}: "
                            f"{escape(str(exc), limit=160)}"))
    finally:
        conn.close()


def _describe_guarded(path: Path) -> list[str]:
    """:func:`_describe_dataset` in a forked child with a time limit (no hang, no crash reaches the user)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return _describe_dataset(path)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_describe_child, args=(path, send), daemon=True)
    sys.stdout.flush()
    sys.stderr.flush()
    child.start()
    send.close()
    try:
        if not receive.poll(INFO_TIMEOUT_S):
            raise ValidationError(
                f"file {escape(str(path))!r} could not be read in {INFO_TIMEOUT_S:g} s: the HDF5 library did not "
                "finish (the file is corrupt)"
            )
        try:
            status, payload = receive.recv()
        except EOFError:
            child.join(5)
            raise ValidationError(
                f"file {escape(str(path))!r} could not be read: the reader crashed (exit status {child.exitcode}; "
                "the file is corrupt)"
            ) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    if status != "ok":
        raise ValidationError(payload)
    return payload


def _cmd_info(args) -> int:
    from neurocomp.io import SUMMARY_NAME, run_folder_status

    path = Path(args.file)
    shown = escape(str(path))
    if not os.path.lexists(path):
        raise ValidationError(f"path must be an existing file or run folder; got {shown!r}, which does not exist")
    if not path.exists():
        raise ValidationError(f"path must be an existing file or run folder; {shown!r} is a broken link")
    if path.is_dir():
        from neurocomp.io import _TEMP_NAME

        names = {e.name for e in path.iterdir()}
        if not (SUMMARY_NAME in names or "results.nc" in names or any(_TEMP_NAME.fullmatch(n) for n in names)):
            raise ValidationError(
                f"path must be a run folder (holding {SUMMARY_NAME} or results.nc) or a results file; {shown!r} "
                "holds neither"
            )
        complete, why = run_folder_status(path)
        lines = [f"{shown}: run folder, " + ("complete" if complete else f"INCOMPLETE: {escape(why)}")]
        entries = sorted(path.iterdir())
        for entry in entries:
            kind = "/" if entry.is_dir() else ""
            size = "" if kind or not entry.is_file() else f"  {_size(entry.stat().st_size)}"
            lines.append(f"  {escape(entry.name, limit=120)}{kind}{size}")
        if not entries:
            lines.append("  (empty)")
        results = path / "results.nc"
        if results.is_file():
            lines.extend(_describe_guarded(results))
        print("\n".join(lines))
        return 0
    if not path.is_file():
        raise ValidationError(f"path must be a regular file or a run folder; {shown!r} is {_kind_of(path)}")
    lines = _describe_guarded(path)
    folder = path.parent
    if (folder / SUMMARY_NAME).exists() or (folder / "results.nc").exists():
        complete, why = run_folder_status(folder)
        lines.insert(1, "  run folder         " + ("complete" if complete else f"INCOMPLETE: {escape(why)}"))
    print("\n".join(lines))
    return 0


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, but a usage error is one line on stderr (and exit status 2), not a usage dump.

    Parameters
    ----------
    prog, usage, description, epilog, parents, formatter_class, prefix_chars, fromfile_prefix_chars, argument_default, conflict_handler, add_help, allow_abbrev, exit_on_error
        As for :class:`argparse.ArgumentParser`.

    Examples
    --------
    >>> import contextlib, io
    >>> parser = ArgumentParser(prog="demo")
    >>> _ = parser.add_argument("--n", type=int)
    >>> stderr = io.StringIO()
    >>> with contextlib.redirect_stderr(stderr):
    ...     try:
    ...         parser.parse_args(["--n", "x"])
    ...     except SystemExit as exc:
    ...         print("exit status", exc.code)
    exit status 2
    >>> stderr.getvalue()
    "demo: error: argument --n: invalid int value: 'x' (see demo --help)\\n"
    """

    def error(self, message):
        text = escape(" ".join(str(message).split()), limit=300)
        sys.stderr.write(f"{self.prog}: error: {text} (see {self.prog} --help)\n")
        sys.exit(EXIT_USER_ERROR)


def _seed_arg(text: str) -> int:
    """--seed: a non-negative integer <= 2**63-1, written as one (1.5 and 1e3 are refused, not truncated)."""
    import re

    from neurocomp.specs import MAX_SEED

    text = text.strip()
    if not re.fullmatch(r"\+?[0-9]{1,30}", text) or int(text) > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer <= 2**63-1; got {escape(text, limit=40)!r}")
    return int(text)


def add_plugin_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--plugin FILE.py|MODULE`` (repeatable) to a subcommand's parser.

    :func:`main` loads the plugins named (with
    :func:`neurocomp.experiments.load_plugin`) before the command runs, so the
    experiments they register can be named by a spec. The ``sweep`` and
    ``regress`` parsers get it too (see :func:`build_parser`).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser (left as it is if it already has ``--plugin``).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_plugin_argument(parser)
    >>> parser.parse_args(["--plugin", "my_lab.experiments", "--plugin", "more.py"]).plugin
    ['my_lab.experiments', 'more.py']
    """
    if "--plugin" in parser._option_string_actions:
        return
    parser.add_argument(
        "--plugin", action="append", default=[], metavar="FILE.py|MODULE",
        help="load your own experiments (registered with @neurocomp.experiment) from this file or module "
             "before reading the spec; a spec itself can never import code",
    )


def load_plugins(plugins) -> list[str]:
    """Load each ``--plugin`` (a .py file or a module name); return the experiment names they registered.

    Parameters
    ----------
    plugins : list of str or None
        ``.py`` file paths or importable module names.

    Returns
    -------
    list of str
        The names of the experiments the plugins registered.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> plugin = pathlib.Path(tempfile.mkdtemp()) / "my_experiments.py"
    >>> _ = plugin.write_text(
    ...     "from neurocomp.experiments import ExperimentResult, experiment\\n"
    ...     "@experiment('_doc_plugin_probe')\\n"
    ...     "def probe(*, rng=None):\\n"
    ...     "    '''A probe.'''\\n"
    ...     "    return ExperimentResult(dataset=None)\\n")
    >>> load_plugins([str(plugin)])
    ['_doc_plugin_probe']
    """
    from neurocomp.experiments import load_plugin

    registered = []
    for plugin in plugins or []:
        registered.extend(load_plugin(plugin))
    return registered


def build_parser() -> argparse.ArgumentParser:
    """The ``neurocomp`` command line's parser: ``list``, ``run``, ``info``, and ``sweep`` and
    ``regress`` where their modules import.

    Returns
    -------
    ArgumentParser
        The parser; each subcommand sets ``func``, the function :func:`main` calls.

    Examples
    --------
    >>> args = build_parser().parse_args(["run", "ventral_stream", "--seed", "3"])
    >>> args.command, args.spec, args.seed
    ('run', 'ventral_stream', 3)
    """
    from neurocomp import __version__

    parser = ArgumentParser(prog="neurocomp", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"neurocomp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    p = sub.add_parser("list", help="list the bundled specs in models/ and analyses/")
    p.add_argument("--experiments", action="store_true",
                   help="also list the registered experiments (built-in, from --plugin, from installed packages)")
    add_plugin_argument(p)
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run a TOML spec")
    p.add_argument("spec", help="path to a spec .toml file, or the name of a bundled spec (see `neurocomp list`)")
    p.add_argument("--out", help="output folder (default runs/<spec-stem>-<timestamp>); must be new or empty")
    p.add_argument("--overwrite", action="store_true", help="replace a previous run's files in --out")
    p.add_argument("--seed", type=_seed_arg, help="random seed, 0 to 2**63-1 (overrides the spec's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter (TOML value)")
    p.add_argument("--quiet", action="store_true", help="no progress bars (they appear only on a terminal anyway)")
    add_plugin_argument(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("info", help="describe a run folder or a results file and how it was made")
    p.add_argument("file", help="a run folder, or a results.nc written by neurocomp")
    p.set_defaults(func=_cmd_info)

    try:
        from neurocomp import sweep as _sweep
    except ImportError:
        _sweep = None
    if _sweep is not None and hasattr(_sweep, "add_cli"):
        _sweep.add_cli(sub)
    try:
        from neurocomp.analysis import cli as _regress
    except ImportError:
        _regress = None
    if _regress is not None and hasattr(_regress, "add_cli"):
        _regress.add_cli(sub)
    if "sweep" in sub.choices:  # a sweep's spec names an experiment too
        add_plugin_argument(sub.choices["sweep"])
    return parser


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return escape(" ".join(text.split()), limit=2000)


def main(argv=None) -> int:
    """Run the ``neurocomp`` command line.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 2 for a user's mistake (one line on stderr),
        1 for an internal error or a full disk, 130 when interrupted.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()):       # one line: the spec does not exist
    ...     status = main(["run", "no_such_spec.toml"])
    >>> status
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    try:
        if getattr(args, "plugin", None):
            load_plugins(args.plugin)
        return args.func(args)
    except ValidationError as exc:
        print(f"neurocomp {command}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except MemoryError:
        print(f"neurocomp {command}: error: out of memory (reduce the sizes in the spec)", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    except KeyboardInterrupt:
        print(f"neurocomp {command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `neurocomp info results.nc | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        io = sys.modules.get("neurocomp.io")
        if io is not None and isinstance(exc, io.OutOfSpaceError):  # a full disk: one line, exit 1
            print(f"neurocomp {command}: error: {_one_line(exc.strerror or exc)}", file=sys.stderr)
            return EXIT_INTERNAL_ERROR
        traceback.print_exc()
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
