"""The flagship across seeds: how often does the measured hierarchy hold?

Runs ``models/ventral_stream.toml`` exactly as bundled (default size) for seeds
1..N with ridge and with PLS, and prints one row per seed and method:
preferred depths (score-weighted mean layer depth, 0 first layer .. 1 last),
the hierarchy stated from the paired-bootstrap intervals, whether the point
estimates order V1 <= V4 < IT, the held-out (committed-layer) scores of the
trained and the untrained network for V4 and IT, and the best IT ceiled score.
Each run's summary is cached in ``--out`` (rerun to resume).

    python analyses/ventral_stream_seeds.py --seeds 1-10 --workers 2 --out runs/vs_seeds
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SPEC = Path(__file__).resolve().parents[1] / "models" / "ventral_stream.toml"


def run_one(seed: int, method: str, out: str, overrides: tuple = ()) -> dict:
    path = Path(out) / f"seed{seed}_{method}.json"
    if path.exists():
        return json.loads(path.read_text())
    from neurocomp.experiments import _registry
    from neurocomp.specs import load_spec

    spec = load_spec(SPEC, overrides=[f"method='{method}'", "save_data=false", *overrides])
    t = time.perf_counter()
    res = _registry.get(spec.experiment)(**spec.params, rng=seed)
    summary = {k: v for k, v in res.summary.items()}
    summary.update(seed=seed, elapsed_s=time.perf_counter() - t)
    import matplotlib.pyplot as plt

    plt.close("all")
    path.write_text(json.dumps(summary, default=float))
    return summary


def parse_seeds(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def table(rows: list[dict]) -> str:
    head = (f"{'method':6} {'seed':>4}  {'depth V1':>8} {'V4':>6} {'IT':>6}  {'hierarchy (CIs)':18} {'V1<=V4<IT':>9}  "
            f"{'V4 held-out t/u':>15} {'IT held-out t/u':>15}  {'IT best':>7}")
    lines = [head, "-" * len(head)]
    for s in rows:
        d = [s[f"preferred_depth_{r}"] for r in ("V1", "V4", "IT")]
        order = d[0] <= d[1] < d[2]
        v4 = (s["heldout_score_V4_trained"], s["heldout_score_V4_untrained"])
        it = (s["heldout_score_IT_trained"], s["heldout_score_IT_untrained"])
        lines.append(f"{s['method']:6} {s['seed']:>4}  {d[0]:8.3f} {d[1]:6.3f} {d[2]:6.3f}  {s['hierarchy']:18} "
                     f"{'yes' if order else 'no':>9}  {v4[0]:7.3f}/{v4[1]:.3f} {it[0]:7.3f}/{it[1]:.3f}  "
                     f"{s['best_ceiled_IT_trained']:7.3f}")
    return "\n".join(lines)


def tally(rows: list[dict]) -> str:
    out = []
    for method in sorted({s["method"] for s in rows}):
        sub = [s for s in rows if s["method"] == method]
        n = len(sub)
        dep = [[s[f"preferred_depth_{r}"] for r in ("V1", "V4", "IT")] for s in sub]
        count = {
            "V1 <= V4 < IT (point estimates)": sum(d[0] <= d[1] < d[2] for d in dep),
            "V1 < IT (point estimates)": sum(d[0] < d[2] for d in dep),
            "V1 < V4 separated (CI of the difference excludes 0)": sum(s["hierarchy"].startswith("V1 <") for s in sub),
            "V4 < IT separated": sum(s["hierarchy"].endswith("< IT") for s in sub),
            "trained > untrained, V4 held-out": sum(s["heldout_score_V4_trained"] > s["heldout_score_V4_untrained"] for s in sub),
            "trained > untrained, IT held-out": sum(s["heldout_score_IT_trained"] > s["heldout_score_IT_untrained"] for s in sub),
        }
        best = [s["best_ceiled_IT_trained"] for s in sub]
        out.append(f"{method}: {n} seeds")
        out += [f"  {k}: {v}/{n}" for k, v in count.items()]
        out.append(f"  best IT ceiled score (trained): median {sorted(best)[n // 2]:.3f}, range {min(best):.3f}-{max(best):.3f}")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", default="1-10")
    p.add_argument("--methods", default="ridge,pls")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", default="runs/ventral_stream_seeds")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a spec parameter")
    args = p.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    jobs = [(seed, m) for m in args.methods.split(",") for seed in parse_seeds(args.seeds)]
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(run_one, seed, m, args.out, tuple(args.set)) for seed, m in jobs]
        rows = []
        for (seed, m), f in zip(jobs, futures):
            rows.append(f.result())
            print(f"  done {m} seed {seed} ({rows[-1]['elapsed_s']:.0f} s)", file=sys.stderr, flush=True)
    print(table(rows))
    print()
    print(tally(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
