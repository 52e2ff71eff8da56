"""The ``neurocomp`` command line: ``list``, ``run``, ``info`` (and ``sweep``, ``regress``).

User mistakes (a missing file, bad TOML, an unknown key or experiment, a value
of the wrong type or out of range) print one line on stderr and exit with
status 2, leaving no output folder behind. Internal errors exit 1 with the
traceback.
"""

from __future__ import annotations

import argparse
import datetime as _dt
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
                title = raw.get("title", "(no title)")
                requires = raw.get("requires", [])
            except tomllib.TOMLDecodeError as exc:
                title, requires = f"(invalid TOML: {exc})", []
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
        print(f"{name:<{width}}  {title}")
    print("\nrun one by name from any folder: neurocomp run NAME (e.g. neurocomp run ventral_stream)")
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
    from neurocomp.specs import load_spec, run_spec, write_result

    spec = load_spec(find_spec_file(args.spec), overrides=args.set)
    if args.seed is not None and args.seed < 0:
        raise ValidationError(f"--seed must be a non-negative integer; got {args.seed}")
    out = Path(args.out) if args.out else Path("runs") / f"{spec.stem}-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    print(f"{spec.title}\n  experiment {spec.experiment}, output {out}", flush=True)
    result = run_spec(spec, seed=args.seed)
    written = write_result(result, out, spec)
    print(f"  seed {result.seed}, {result.elapsed:.1f} s")
    text = _format_table(result)
    if text:
        print(text)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _cmd_info(args) -> int:
    import json

    from neurocomp.io import load_dataset

    ds = load_dataset(args.file)
    print(f"{args.file}")
    attrs = dict(ds.attrs)
    for key in ("title", "experiment", "neurocomp_version", "seed", "created"):
        if key in attrs:
            print(f"  {key:<18} {attrs.pop(key)}")
    if "spec" in attrs:
        try:
            spec = json.loads(attrs.pop("spec"))
            print("  parameters:")
            for k, v in spec.get("params", {}).items():
                print(f"    {k} = {v!r}")
        except json.JSONDecodeError:
            pass
    print("  dimensions: " + ", ".join(f"{d}={n}" for d, n in ds.sizes.items()))
    print("  variables:")
    for name, var in ds.data_vars.items():
        units = var.attrs.get("units", "")
        long_name = var.attrs.get("long_name", "")
        dims = ", ".join(var.dims)
        print(f"    {name} ({dims}) {var.dtype}" + (f" [{units}]" if units else "") + (f"  {long_name}" if long_name else ""))
    if ds.coords:
        print("  coordinates: " + ", ".join(ds.coords))
    for key, value in attrs.items():
        text = str(value)
        print(f"  {key}: {text[:100]}" + ("..." if len(text) > 100 else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from neurocomp import __version__

    parser = argparse.ArgumentParser(prog="neurocomp", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"neurocomp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list the bundled specs in models/ and analyses/")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run a TOML spec")
    p.add_argument("spec", help="path to a spec .toml file, or the name of a bundled spec (see `neurocomp list`)")
    p.add_argument("--out", help="output folder (default runs/<spec-stem>-<timestamp>)")
    p.add_argument("--seed", type=int, help="random seed (overrides the spec's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter (TOML value)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("info", help="describe a results file and how it was made")
    p.add_argument("file", help="a results.nc written by neurocomp")
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
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValidationError as exc:
        print(f"neurocomp {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(f"neurocomp {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `neurocomp info results.nc | head`): stop quietly.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        traceback.print_exc()
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
