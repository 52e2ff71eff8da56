"""Cost curves: how the time of neurocomp's core kernels grows with the work, against theory and the machine.

For each kernel, times a geometric ladder of sizes (fastest of ``--repeats`` calls), fits the
log-log slope of time against size over the upper half of the ladder (where fixed costs no longer
dominate), and prints it beside the algorithm's complexity. For the kernels bound by matrix products
it also reports the fraction of this machine's measured GEMM throughput reached at the largest size
(the flop count is the kernel's dominant products, stated per row).

Run:  python benchmarks/scaling.py [--repeats 3] [--quick] [--out benchmarks/results/scaling]
Writes one PNG per module and ``scaling.md`` (the table) under ``--out``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def best_time(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def gemm_throughput(repeats=3, n=2000):
    a = np.random.default_rng(0).standard_normal((n, n))
    t = best_time(lambda: a @ a, repeats)
    return 2 * n**3 / t


def kernels(quick):
    """(module, name, sizes, make(size) -> callable, theory slope, flops(size) or None, label of size)."""
    from neurocomp import control, criticality, diffusion, hopfield, rl
    from neurocomp.analysis import regression
    from neurocomp.boltzmann import RBM

    g = np.random.default_rng(1)
    k = 4 if quick else 6

    def hop_store(N):
        P = N // 10
        pats = np.where(g.random((P, N)) < 0.5, -1.0, 1.0)
        return lambda: hopfield.Hopfield(N, rule="hebb").store(pats)

    def hop_recall(N):
        P = N // 20
        pats = np.where(g.random((P, N)) < 0.5, -1.0, 1.0)
        net = hopfield.Hopfield(N, rule="hebb")
        net.store(pats)
        cues = hopfield.flip_bits(pats[:20].repeat(5, 0), 0.1, rng=2)
        return lambda: net.recall(cues, dynamics="sync", max_sweeps=10, rng=3)

    def walkers(n):
        return lambda: diffusion.brownian(n, 200, D=1e-12, dt=0.01, d=2, rng=4)

    def tamsd(T):
        tr = diffusion.brownian(200, T, D=1e-12, dt=0.01, d=2, rng=5)
        return lambda: diffusion.time_averaged_msd(tr, max_lag=T // 10)

    def ridge(n):
        X = g.standard_normal((n, 500))
        Y = X @ g.standard_normal((500, 100)) + g.standard_normal((n, 100))
        return lambda: regression.RidgeMapping().fit(X, Y)

    def rbm(h):
        X = (g.random((2000, 64)) < 0.3).astype(float)
        return lambda: RBM(n_hidden=h, n_epochs=1, batch_size=100, persistent=True, rng=6).fit(X)

    def kalman(n):
        y = g.standard_normal((n, 200, 1))
        return lambda: control.kalman_filter(y, [[1.0]], [[1.0]], [[0.1]], [[1.0]], x0=[0.0], P0=[[1.0]])

    def cliff(n):
        env = rl.CliffWalking()
        return lambda: rl.control(env, n_runs=n, n_episodes=50, rng=7)

    def powerlaw_fit(n):
        s = criticality.galton_watson_avalanches(m=1.0, n_avalanches=n, max_size=10**5, rng=8)["size"].values
        return lambda: criticality.fit_power_law(s)

    def mr(T):
        a = criticality.branching_process(m=0.98, n_units=10_000, drive=2e-4, n_steps=T, n_trials=10, rng=9)
        return lambda: criticality.branching_ratio(a, max_lag=50, n_bootstrap=0)

    lad = lambda start, f=2: [int(start * f**i) for i in range(k)]  # noqa: E731
    return [
        ("hopfield", "Hebbian store, P = N/10", lad(250), hop_store, 3.0, lambda N: 2.0 * (N // 10) * N * N, "N"),
        ("hopfield", "synchronous recall, 100 cues, 10 sweeps", lad(250), hop_recall, 2.0,
         lambda N: 2.0 * 100 * N * N * 10, "N"),
        ("diffusion", "Brownian walkers, 200 steps, 2-D", lad(2000), walkers, 1.0, None, "walkers"),
        ("diffusion", "FFT time-averaged MSD, 200 walkers", lad(1000), tamsd, 1.0, None, "steps"),
        ("analysis", "ridge fit (eigenbasis), 500 features, 100 targets", lad(250), ridge, 1.0, None, "stimuli"),
        ("boltzmann", "RBM epoch, 2000 × 64 digits-sized", lad(32), rbm, 1.0,
         lambda h: 2 * 2 * 2000 * 64 * h * 2, "hidden units"),
        ("control", "Kalman filter, 200 steps", lad(1000), kalman, 1.0, None, "trials"),
        ("rl", "Q-learning on the cliff, 50 episodes", lad(50), cliff, 1.0, None, "runs"),
        ("criticality", "power-law fit with x_min search", lad(5000), powerlaw_fit, 1.0, None, "avalanches"),
        ("criticality", "MR estimator, 10 trials", lad(10_000), mr, 1.0, None, "steps"),
    ]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="four sizes per kernel instead of six")
    ap.add_argument("--out", default="benchmarks/results/scaling")
    args = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    peak = gemm_throughput(args.repeats)
    print(f"GEMM throughput of this machine (2000 × 2000 float64, numpy's BLAS): {peak / 1e9:.1f} GFLOP/s")
    rows, by_module = [], {}
    for module, name, sizes, make, theory, flops, xlabel in kernels(args.quick):
        times = []
        for n in sizes:
            fn = make(n)
            fn()  # warm-up (imports, caches)
            times.append(best_time(fn, args.repeats))
        half = len(sizes) // 2
        slope = float(np.polyfit(np.log(sizes[half - 1:]), np.log(times[half - 1:]), 1)[0])
        frac = f"{flops(sizes[-1]) / times[-1] / peak:.0%}" if flops else "—"
        rows.append((module, name, xlabel, f"{sizes[0]}–{sizes[-1]}", slope, theory, times[-1], frac))
        print(f"{module:11s} {name:52s} slope {slope:5.2f} (theory {theory:g})  largest {times[-1]:8.4f} s  "
              f"GEMM fraction {frac}")
        by_module.setdefault(module, []).append((name, sizes, times, slope, theory, xlabel))
    for module, curves in by_module.items():
        fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
        for i, (name, sizes, times, slope, theory, xlabel) in enumerate(curves):
            ax.loglog(sizes, times, "o-", color=f"C{i}", label=f"{name}: slope {slope:.2f} (theory {theory:g})")
            ref = times[-1] * (np.asarray(sizes) / sizes[-1]) ** theory
            ax.loglog(sizes, ref, ":", color=f"C{i}")
        ax.set_xlabel(" / ".join(sorted({c[5] for c in curves})))
        ax.set_ylabel("time (s), fastest of repeats")
        ax.set_title(f"neurocomp.{module}: cost vs size (dotted: theory)", fontsize="medium")
        ax.legend(frameon=False, fontsize="x-small")
        fig.savefig(out / f"scaling_{module}.png", dpi=120)
        plt.close(fig)
    lines = ["| module | kernel | size | range | slope | theory | time at largest (s) | fraction of GEMM peak |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {m} | {n} | {x} | {r} | {s:.2f} | {t:g} | {tt:.4f} | {f} |" for m, n, x, r, s, t, tt, f in rows]
    (out / "scaling.md").write_text(f"GEMM peak {peak / 1e9:.1f} GFLOP/s\n\n" + "\n".join(lines) + "\n")
    print(f"wrote {out}/scaling.md and {len(by_module)} figures")


if __name__ == "__main__":
    main()
