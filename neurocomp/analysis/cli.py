"""``neurocomp regress``: score every model layer against every recorded region.

::

    neurocomp regress --model ACTS --recordings RESP [--method pls|ridge] [--dims D1,D2,D3] [--out DIR]

Loads model activations (presentation x neuroid with a ``layer`` coord) and
recordings (repetition x presentation x neuroid with a ``region`` coord) from
NetCDF, .npz or .mat (NWB with pynwb), computes cross-validated neural
predictivity, noise ceilings and ceiled scores (:func:`layer_region_scores`;
Yamins et al. 2014, Schrimpf et al. 2018), prints the layer x region table and
writes ``results.nc`` and ``layer_region_scores.png``.

A plain array in a .npz or .mat file does not say which axis is which: a 3-D
array needs ``--dims`` (e.g. ``neuroid,presentation,repetition``, MATLAB's
neurons x stimuli x trials) or a ``dims`` array in the file, and is refused
without one. Every user mistake (a bad flag value, complex or constant data, a
single repetition, stimulus ids of different types, an incomplete run folder)
is one line on stderr and exit status 2.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np

from neurocomp._validation import ValidationError

__all__ = ["add_cli", "run_regress"]


def add_cli(subparsers) -> None:
    """Add the ``regress`` subcommand to the ``neurocomp`` argument parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``add_subparsers()`` object of the ``neurocomp`` parser.
    """
    p = subparsers.add_parser(
        "regress",
        help="score model layers against recorded regions (cross-validated regression + noise ceiling)",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("--model", required=True, metavar="ACTS",
                   help="activations file (.nc/.npz/.mat): presentation x neuroid, stimulus_id, layer")
    p.add_argument("--recordings", required=True, metavar="RESP",
                   help="recordings file (.nc/.npz/.mat/.nwb): repetition x presentation x neuroid, stimulus_id, region")
    p.add_argument("--method", choices=("pls", "ridge"), default="ridge", help="linear mapping (default ridge)")
    p.add_argument("--normalization", choices=("r2_over_ceiling", "ratio_squared"), default="r2_over_ceiling",
                   help="ceiled score: r^2/c (current Brain-Score, default) or (r/c)^2 (Yamins 2014)")
    p.add_argument("--layers", help="comma-separated layers to score (default all)")
    p.add_argument("--regions", help="comma-separated regions to score (default all)")
    p.add_argument("--n-splits", type=int, default=10, help="cross-validation splits (default 10)")
    p.add_argument("--n-bootstrap", type=int, default=1000, help="bootstrap resamples for the CIs (default 1000)")
    p.add_argument("--n-components", type=int, default=25, help="PLS components (default 25)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (splits use Brain-Score's seed 1)")
    p.add_argument("--model-variable", help="variable name in the activations file")
    p.add_argument("--recordings-variable", help="variable name in the recordings file")
    p.add_argument("--dims", metavar="D1,D2[,D3]",
                   help="the recordings array's axes in order when the file does not name them, e.g. "
                        "neuroid,presentation,repetition for MATLAB's neurons x stimuli x trials")
    p.add_argument("--model-dims", metavar="D1,D2",
                   help="the activations array's axes in order when the file does not name them (presentation,neuroid "
                        "or neuroid,presentation)")
    p.add_argument("--out", help="output folder (default runs/regress-<timestamp>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar (it appears only on a terminal anyway)")
    p.set_defaults(func=run_regress)


def _split_names(text):
    if text is None:
        return None
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise ValidationError(f"--layers/--regions must be a comma-separated list of names; got {text!r}")
    return names


def format_table(ds) -> str:
    """The layer x region table with ceilings, as text."""
    regions = [str(r) for r in ds["region"].values]
    layers = [str(v) for v in ds["layer"].values]
    width = max(8, *(len(v) for v in layers))
    col = max(28, *(len(r) + 2 for r in regions))
    lines = [f"  method {ds.attrs['method']}, ceiled score = {ds.attrs['normalization_formula']} "
             f"({ds.attrs['normalization']}), {ds.attrs['n_splits']} splits, "
             f"{int(ds.attrs['ci_level'] * 100)}% bootstrap CI"]
    lines.append("  " + "layer".ljust(width) + "".join(r.rjust(col) for r in regions))
    lines.append("  " + "ceiling".ljust(width) + "".join(
        f"{float(ds['ceiling'].sel(region=r)):.3f}".rjust(col) for r in regions))
    lines.append("  " + "(r, ceiled [CI])")
    for layer in layers:
        cells = []
        for r in regions:
            cell = ds.sel(layer=layer, region=r)
            text = f"{float(cell['raw_score']):.3f}, {float(cell['ceiled_score']):.2f}"
            if ds.attrs.get("n_bootstrap", 0):
                text += f" [{float(cell['ci_low']):.2f},{float(cell['ci_high']):.2f}]"
            cells.append(text.rjust(col))
        lines.append("  " + layer.ljust(width) + "".join(cells))
    best = ds["ceiled_score"].fillna(-np.inf).argmax("layer")
    scored = ds["ceiled_score"].notnull().any("layer")
    lines.append("  best layer: " + ", ".join(
        f"{r} -> {layers[int(best.sel(region=r))]}" if bool(scored.sel(region=r)) else f"{r} -> none (no score: NaN)"
        for r in regions))
    return "\n".join(lines)


def run_regress(args) -> int:
    """Run ``neurocomp regress`` from parsed arguments; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``neurocomp regress`` arguments.

    Returns
    -------
    int
        The exit status (0 on success).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurocomp.analysis.mapping import layer_region_scores
    from neurocomp.io import atomic_path, load_activations, load_recordings, provenance_attrs, save_dataset
    from neurocomp.plotting.analysis import plot_layer_region_scores

    for flag, value in (("--n-splits", args.n_splits), ("--n-components", args.n_components)):
        if value < 1:
            raise ValidationError(f"{flag} must be >= 1; got {value}")
    for flag, value, high in (("--n-splits", args.n_splits, 1000), ("--n-components", args.n_components, 10_000),
                              ("--n-bootstrap", args.n_bootstrap, 100_000)):
        if value > high:
            raise ValidationError(f"{flag} must be <= {high:,}; got {value:,}")
    if args.n_bootstrap < 0:
        raise ValidationError(f"--n-bootstrap must be >= 0; got {args.n_bootstrap}")
    if not 0 <= args.seed < 2**63:
        raise ValidationError(f"--seed must be an integer in 0..2**63-1; got {args.seed}")
    for flag, value in (("--model", args.model), ("--recordings", args.recordings)):
        if Path(value).is_dir():
            raise ValidationError(f"{flag} must be a file (e.g. RUN/{'activations' if flag == '--model' else 'recordings'}"
                                  f".nc); got the folder {value!r}")
    from neurocomp.io import check_run_complete

    check_run_complete(args.model)  # a killed or tampered run's files are refused, not scored
    check_run_complete(args.recordings)
    acts = load_activations(args.model, variable=args.model_variable, dims=getattr(args, "model_dims", None),
                            flag="--model-dims")
    recs = load_recordings(args.recordings, variable=args.recordings_variable, dims=getattr(args, "dims", None),
                           flag="--dims")
    out = Path(args.out) if args.out else Path("runs") / f"regress-{_dt.datetime.now():%Y%m%d-%H%M%S}"
    from neurocomp.specs import prepare_out_dir

    prepare_out_dir(out, overwrite=True)  # a file, under a file, unwritable: refused before the work
    print(f"neurocomp regress: {args.model} ({acts.sizes['presentation']} stimuli x {acts.sizes['neuroid']} units) "
          f"vs {args.recordings} ({recs.sizes['repetition']} repetitions x {recs.sizes['presentation']} stimuli x "
          f"{recs.sizes['neuroid']} neuroids)", flush=True)
    from neurocomp._progress import progress_shown

    import sys
    import warnings

    from neurocomp._validation import NeurocompWarning

    with progress_shown(not getattr(args, "quiet", False)), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NeurocompWarning)  # a bar over layers, on a terminal only
        ds = layer_region_scores(
            acts, recs, method=args.method, normalization=args.normalization, n_bootstrap=args.n_bootstrap,
            layers=_split_names(args.layers), regions=_split_names(args.regions), n_splits=args.n_splits,
            n_components=args.n_components, rng=args.seed, progress=None,
        )
    for w in caught:  # each of our warnings once, as one line; others as Python shows them
        if issubclass(w.category, NeurocompWarning):
            print(f"neurocomp regress: warning: {' '.join(str(w.message).split())}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    params = {k: v for k, v in vars(args).items() if k not in ("func", "quiet")}
    ds.attrs.update(provenance_attrs(seed=args.seed, spec={"command": "regress", "params": params},
                                     experiment="regress"))
    ds.attrs["title"] = "layer x region neural predictivity"
    written = [save_dataset(ds, out / "results.nc")]
    ax = plot_layer_region_scores(ds)
    target = out / "layer_region_scores.png"
    with atomic_path(target, suffix=".png") as tmp:
        ax.figure.savefig(tmp, dpi=150, format="png", bbox_inches="tight")
    plt.close(ax.figure)
    written.append(target)
    summary = {f"{k}": float(v) for k, v in zip(
        [f"ceiled[{layer},{region}]" for layer in ds.layer.values for region in ds.region.values],
        ds["ceiled_score"].values.ravel())}
    from neurocomp.io import atomic_write_text

    written.append(atomic_write_text(out / "summary.json", json.dumps(
        {"command": "regress", "params": params, "ceiling": dict(zip(map(str, ds.region.values),
                                                                      map(float, ds["ceiling"].values))),
         "scores": summary}, indent=2)))
    print(format_table(ds))
    print("wrote " + ", ".join(str(p) for p in written))
    return 0
