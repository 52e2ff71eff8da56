"""Cost curves: how the time of neurocomp's core kernels grows with the work, against theory and the machine.

For each kernel, times a geometric ladder of sizes (fastest of ``--repeats`` calls), fits the
log-log slope of time against size over the upper part of the ladder (where fixed costs no longer
dominate; the standard error comes from the fit's residuals) and sets it beside the algorithm's
complexity. For the kernels bound by matrix products it also reports the fraction of this machine's
GEMM throughput (measured at the start, float64 and float32, with the threads numpy's BLAS uses for
the kernels too) that the kernel reaches at the largest size, counting only its dominant products.

Where a slope is worse than theory (by more than 0.15 and two standard errors) or a GEMM-bound kernel
reaches less than 50 % of the measured throughput, the "why" column is filled from measurements made
at that point, not from opinion:

* GEMM-bound kernels time their dominant products alone at the largest size (the same shapes and
  dtype): how much of the kernel's time they take, and what fraction of peak they reach themselves
  (skinny products run far below a square 2000 x 2000 GEMM's rate);
* every flagged kernel is profiled (cProfile) at the smallest and the largest size, and the function
  whose share of the time grew most (or, for a low GEMM fraction, that takes most time outside the
  products) is named with its shares.

Run:  python benchmarks/scaling.py [--quick] [--repeats 3] [--threads 1] [--only MODULE ...]
      [--out benchmarks/results/scaling]
``--quick`` (four small sizes per kernel, about 3-6 minutes on a shared 2-core machine) checks that
everything runs; the full ladders (six sizes, larger) are for a quiet machine. Writes one PNG per
module (``scaling_<module>.png``), ``scaling.md`` (the table) and ``scaling.json`` under ``--out``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np


def best_time(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def gemm_throughput(dtype, repeats=3, n=2000):
    """FLOP/s of one square n x n product in ``dtype`` (numpy's BLAS, its default threads)."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(dtype)
    a @ a
    t = best_time(lambda: a @ a, repeats)
    return 2 * n**3 / t


@dataclass
class Kernel:
    module: str
    name: str
    xlabel: str
    sizes: list
    make: Callable  # size -> zero-argument callable (the timed work)
    theory: float
    theory_note: str = ""
    flops: Callable | None = None  # size -> flops of the dominant products
    products: Callable | None = None  # size -> zero-argument callable running just those products
    dtype: str = "float64"
    results: dict = field(default_factory=dict)


def _ladder(start, k, f=2.0):
    return [int(round(start * f**i)) for i in range(k)]


def kernels(quick):
    """The kernels, with quick (four small sizes) or full ladders (six, larger)."""
    import xarray as xr

    from neurocomp import control, criticality, diffusion, hopfield, ica, rl, vae
    from neurocomp.rnn import RNN
    from neurocomp.analysis import regression
    from neurocomp.boltzmann import RBM
    from neurocomp.spiking import simulate_lif

    g = np.random.default_rng(1)
    k = 4 if quick else 6
    big = 1 if quick else 2  # full runs start one octave higher where the quick ladder is tiny
    # (not for Hopfield, N up to 8000: the weights of N = 16000 would take 2 GB twice, store 30 s a call)

    def lad(start, quick_start=None):
        return _ladder(quick_start if (quick and quick_start) else start * big, k)

    out = []

    # --- Hopfield ----------------------------------------------------------------------------
    def hop_patterns(N, P):
        return np.where(g.random((P, N)) < 0.5, -1.0, 1.0)

    def hop_store(N):
        pats = hop_patterns(N, N // 10)
        return lambda: hopfield.Hopfield(N, rule="hebb").store(pats)

    def hop_store_products(N):
        pats = hop_patterns(N, N // 10)
        return lambda: pats.T @ pats

    out.append(Kernel("hopfield", "Hebbian store, P = N/10", "neurons N", _ladder(250, k), hop_store, 3.0, "P N^2 = N^3/10",
                      flops=lambda N: 2.0 * (N // 10) * N * N, products=hop_store_products))

    def hop_net(N):
        pats = hop_patterns(N, N // 20)
        net = hopfield.Hopfield(N, rule="hebb")
        net.store(pats)
        cues = hopfield.flip_bits(pats[:20].repeat(5, 0), 0.1, rng=2)
        return net, cues

    sweeps = {}  # products each recall computes (it stops when every cue is at a fixed point)

    def hop_recall(N):
        net, cues = hop_net(N)
        sweeps[N] = net.recall(cues, dynamics="sync", max_sweeps=10, rng=3).sizes["sweep"] - 1
        return lambda: net.recall(cues, dynamics="sync", max_sweeps=10, rng=3)

    def hop_recall_products(N):
        W = g.standard_normal((N, N))
        S = g.standard_normal((100, N))
        return lambda: [S @ W for _ in range(sweeps[N])]

    out.append(Kernel("hopfield", "synchronous recall, 100 cues, 10 % flipped, to a fixed point", "neurons N",
                      _ladder(250, k), hop_recall, 2.0, "cues N^2 per sweep",
                      flops=lambda N: 2.0 * 100 * N * N * sweeps[N], products=hop_recall_products))

    # --- diffusion ---------------------------------------------------------------------------
    out.append(Kernel("diffusion", "Brownian walkers, 200 steps, 2-D", "walkers", lad(2000),
                      lambda n: (lambda: diffusion.brownian(n, 200, D=1e-12, dt=0.01, d=2, rng=4)), 1.0))
    out.append(Kernel("diffusion", "Brownian walk length, 200 walkers, 2-D", "steps", lad(1000),
                      lambda T: (lambda: diffusion.brownian(200, T, D=1e-12, dt=0.01, d=2, rng=4)), 1.0))
    out.append(Kernel("diffusion", "fBm (Davies-Harte), 200 walkers", "steps", lad(1000),
                      lambda T: (lambda: diffusion.fbm(200, T, alpha=0.5, rng=4)), 1.0, "T log T (FFT)"))

    def tamsd(T):
        tr = diffusion.brownian(200, T, D=1e-12, dt=0.01, d=2, rng=5)
        return lambda: diffusion.time_averaged_msd(tr, max_lag=T // 10)

    out.append(Kernel("diffusion", "FFT time-averaged MSD, 200 walkers", "steps", lad(1000), tamsd, 1.0,
                      "T log T (FFT)"))

    # --- regression: ridge and PLS vs stimuli, units, neuroids ------------------------------
    def reg_data(n, p, t):
        X = g.standard_normal((n, p))
        Y = X @ g.standard_normal((p, t)) + g.standard_normal((n, t))
        return X, Y

    def ridge(shape):
        def make(size):
            X, Y = reg_data(*shape(size))
            return lambda: regression.RidgeMapping().fit(X, Y)
        return make

    def ridge_gram_products(shape):
        def make(size):
            X, _ = reg_data(*shape(size))
            return lambda: X.T @ X if X.shape[0] >= X.shape[1] else X @ X.T
        return make

    def gram_flops(shape):
        # numpy computes X'X with a symmetric rank-k update (half of a general product's work)
        def f(size):
            n, p, _ = shape(size)
            return 1.0 * n * p * min(n, p)
        return f

    s_shape = lambda n: (n, 200, 100)  # noqa: E731  stimuli >= units: primal Gram n p^2
    u_shape = lambda p: (2000, p, 100)  # noqa: E731  units <= stimuli: n p^2 + p^3
    t_shape = lambda t: (500 * big, 200, t)  # noqa: E731
    out += [
        Kernel("regression", "ridge (eigenbasis, 20 penalties), 200 units, 100 neuroids", "stimuli", lad(500),
               ridge(s_shape), 1.0, "n p^2 Gram", flops=gram_flops(s_shape), products=ridge_gram_products(s_shape)),
        Kernel("regression", "ridge, 2000 stimuli, 100 neuroids", "units", _ladder(62, k), ridge(u_shape), 2.0,
               "n p^2 Gram (+ p^3 eigh)", flops=gram_flops(u_shape), products=ridge_gram_products(u_shape)),
        Kernel("regression", f"ridge, {500 * big} stimuli, 200 units", "neuroids", lad(100), ridge(t_shape), 1.0,
               "n r t projections"),
    ]

    def pls(shape):
        def make(size):
            X, Y = reg_data(*shape(size))
            return lambda: regression.PLSMapping(10).fit(X, Y)
        return make

    out += [
        Kernel("regression", "PLS-10, 200 units, 100 neuroids", "stimuli", lad(250), pls(s_shape), 1.0, "k n (p + t)"),
        Kernel("regression", "PLS-10, 2000 stimuli, 100 neuroids", "units", _ladder(62, k), pls(u_shape), 1.0,
               "k n (p + t)"),
        Kernel("regression", f"PLS-10, {500 * big} stimuli, 200 units", "neuroids", lad(100), pls(t_shape), 1.0,
               "k n (p + t); p dominates at small t"),
    ]

    # --- Boltzmann machines -----------------------------------------------------------------
    Xr = (g.random((2000, 64)) < 0.3).astype(float)

    def rbm(h):
        return lambda: RBM(n_hidden=h, n_epochs=1, batch_size=100, persistent=True, rng=6).fit(Xr)

    def rbm_products(h):
        W = g.standard_normal((64, h))
        V = Xr[:100]
        H = g.random((100, h))

        def run():
            for _ in range(20):  # 20 minibatches: up, down (negative chain) and the two outer products
                V @ W, H @ W.T, V.T @ H, V.T @ H
        return run

    out.append(Kernel("boltzmann", "RBM epoch (PCD-1), 2000 x 64 binary", "hidden units", lad(32), rbm, 1.0,
                      "n v h", flops=lambda h: 4 * 2.0 * 2000 * 64 * h, products=rbm_products))

    # --- VAE ---------------------------------------------------------------------------------
    Xv = (g.random((1024, 784)) < 0.2).astype(np.float32)

    def vae_epoch(h):
        return lambda: vae.VAE(n_latent=20, hidden=(h,), n_epochs=1, batch_size=128, dtype="float32", rng=7).fit(Xv)

    def vae_products(h):
        W = g.standard_normal((784, h)).astype(np.float32)
        A = Xv[:128].copy()
        Hh = g.standard_normal((128, h)).astype(np.float32)
        O = g.standard_normal((128, 784)).astype(np.float32)

        def run():
            for _ in range(8):  # 8 minibatches: encoder and decoder products forward, three backward
                A @ W, Hh @ W.T, Hh.T @ O, O @ W, A.T @ Hh
        return run

    out.append(Kernel("vae", "VAE epoch 784-h-20, 1024 vectors, float32, batch 128", "hidden units", lad(50, 50),
                      vae_epoch, 1.0, "n d h", flops=lambda h: 5 * 2.0 * 1024 * 784 * h, products=vae_products,
                      dtype="float32"))

    # --- ICA ---------------------------------------------------------------------------------
    def ica_fit(n):
        mix = g.standard_normal((8, 8))
        S = np.column_stack([np.sign(g.standard_normal(n)) * g.exponential(1, n) for _ in range(8)])
        X = S @ mix.T
        return lambda: ica.ICA(8, method="fastica", max_iter=30, tol=1e-30, rng=8).fit(X)

    out.append(Kernel("ica", "FastICA, 8 sources, 30 iterations", "samples", lad(5000), ica_fit, 1.0, "iters n c^2"))

    # --- spiking -----------------------------------------------------------------------------
    def lif(n):
        return lambda: simulate_lif(n, duration=0.1, current=0.3e-9, noise_sd=2e-3, target="numpy", rng=9)

    out.append(Kernel("spiking", "LIF population, 0.1 s, numpy target", "neurons", lad(1000), lif, 1.0, "N steps"))

    # --- recurrent networks ------------------------------------------------------------------
    # one Adam step of BPTT on 64 sequences (one minibatch), 8 inputs, float32: time in the sequence length
    # at hidden 128 (theory 1) and in the hidden size at 50 steps (theory 2: per step 64 x (8 + H) x 4H)
    def lstm_data(T):
        X = g.standard_normal((64, T, 8)).astype(np.float32)
        return X, g.standard_normal((64, 1)).astype(np.float32)

    def lstm_steps(T):
        X, y = lstm_data(T)
        return lambda: RNN("lstm", 128, n_epochs=1, batch_size=64, dtype="float32", rng=14).fit(X, y)

    def lstm_hidden(h):
        X, y = lstm_data(50)
        return lambda: RNN("lstm", h, n_epochs=1, batch_size=64, dtype="float32", rng=14).fit(X, y)

    def lstm_products(h):
        T, B = 50, 64
        Wh = g.standard_normal((h, 4 * h)).astype(np.float32)
        Wi = g.standard_normal((8, 4 * h)).astype(np.float32)
        Hs = g.standard_normal((T * B, h)).astype(np.float32)
        Gs = g.standard_normal((T * B, 4 * h)).astype(np.float32)
        Xs = g.standard_normal((T * B, 8)).astype(np.float32)

        def run():  # the loss pass before and after (two forward passes) and the training step itself
            for _ in range(3):
                Xs @ Wi
                for t in range(T):
                    Hs[t * B:(t + 1) * B] @ Wh
            for t in range(T):  # backward: the recurrent product per step, then the weight gradients at once
                Gs[t * B:(t + 1) * B] @ Wh.T
            Hs.T @ Gs, Xs.T @ Gs
        return run

    out.append(Kernel("rnn", "LSTM BPTT step, 64 sequences, hidden 128, float32", "steps", lad(25, 25), lstm_steps,
                      1.0, "T B H^2"))
    out.append(Kernel("rnn", "LSTM BPTT step, 64 sequences x 50 steps, float32", "hidden units", lad(16, 16),
                      lstm_hidden, 2.0, "T B (d + H) 4H",
                      flops=lambda h: (3 * 2.0 * 50 * 64 * (8 + h) * 4 * h + 2 * 2.0 * 50 * 64 * (8 + h) * 4 * h),
                      products=lstm_products, dtype="float32"))

    # --- control, RL, criticality ------------------------------------------------------------
    A = np.array([[1.0, 0.01], [0.0, 1.0]])
    B = np.array([[0.0], [0.01]])
    Hc = np.eye(2)
    W, V = np.eye(2) * 1e-4, np.eye(2) * 1e-3
    gains = control.lqg(A, B, Hc, np.eye(2), np.eye(1) * 1e-3, W, V, horizon=100, P0=np.eye(2) * 1e-3)
    plant = control.LinearSystem(A=A, B=B, H=Hc, process_cov=W, obs_cov=V, dt=0.01)
    out.append(Kernel("control", "LQG reaches (filter + feedback), 100 steps, 2 states", "trials", lad(1000),
                      lambda n: (lambda: control.simulate_feedback(plant, gains, x0=[1.0, 0.0], n_trials=n, rng=10)),
                      1.0))

    def kalman(n):
        y = g.standard_normal((n, 200, 1))
        return lambda: control.kalman_filter(y, [[1.0]], [[1.0]], [[0.1]], [[1.0]], x0=[0.0], P0=[[1.0]])

    out.append(Kernel("control", "Kalman filter, 200 steps", "trials", _ladder(1000, k), kalman, 1.0))

    env = rl.CliffWalking()
    out.append(Kernel("rl", "Q-learning on the cliff, 50 episodes", "runs", lad(50),
                      lambda n: (lambda: rl.control(env, n_runs=n, n_episodes=50, rng=11)), 1.0))

    def powerlaw_fit(n):
        s = criticality.galton_watson_avalanches(m=1.0, n_avalanches=n, max_size=10**5, rng=12)["size"].values
        return lambda: criticality.fit_power_law(s)

    out.append(Kernel("criticality", "power-law fit with x_min search", "avalanches", lad(5000), powerlaw_fit, 1.0,
                      "n per candidate x_min"))

    def mr(T):
        a = criticality.branching_process(m=0.98, n_units=10_000, drive=2e-4, n_steps=T, n_trials=10, rng=13)
        return lambda: criticality.branching_ratio(a, max_lag=50, n_bootstrap=0)

    out.append(Kernel("criticality", "MR estimator, 10 trials, 50 lags", "steps", lad(10_000), mr, 1.0))
    del xr
    return out


def fit_slope(sizes, times):
    """Least-squares log-log slope over the upper part of the ladder (from the second size), with its SE."""
    x, y = np.log(sizes[1:]), np.log(times[1:])
    if x.size < 3:
        return float(np.polyfit(x, y, 1)[0]), float("nan")
    coef, cov = np.polyfit(x, y, 1, cov=True)
    return float(coef[0]), float(np.sqrt(cov[0, 0]))


def _profile_shares(fn):
    """{function label: share of the call's time spent in it (self time)} from one profiled call."""
    pr = cProfile.Profile()
    pr.enable()
    fn()
    pr.disable()
    st = pstats.Stats(pr)
    total = sum(v[2] for v in st.stats.values()) or 1.0
    shares = {}
    for (path, line, func), (_, _, tt, _, _) in st.stats.items():
        where = "numpy/scipy/builtin" if path == "~" else os.path.basename(path)
        label = f"{func} ({where})" if path == "~" else f"{func} ({where}:{line})"
        shares[label] = shares.get(label, 0.0) + tt / total
    return shares


def explain(kern, peak, slope, se):
    """Fill the 'why' column from measurements, for a slope worse than theory or a low GEMM fraction."""
    notes = []
    n_small, n_large = kern.sizes[0], kern.sizes[-1]
    t_large = kern.results["times"][-1]
    worse = slope - kern.theory > max(0.15, 2 * (se if np.isfinite(se) else 0.0))
    frac = kern.results.get("fraction")
    low = frac is not None and frac < 0.5
    if not (worse or low):
        return ""
    large = _profile_shares(kern.make(n_large))
    if low and kern.products is not None:
        run = kern.products(n_large)
        run()
        t_prod = best_time(run, 3)
        peak = max(peak, gemm_throughput(kern.dtype, 3))  # measured again beside the products
        prod_frac = kern.flops(n_large) / t_prod / peak
        notes.append(f"its products alone (same shapes) take {t_prod / t_large:.0%} of its time and run at "
                     f"{prod_frac:.0%} of peak")
        top = max(large.items(), key=lambda kv: kv[1])
        notes.append(f"profile at {n_large}: most self time in {top[0]} ({top[1]:.0%})")
    if worse:
        small = _profile_shares(kern.make(n_small))
        grew = max(large, key=lambda f: large[f] - small.get(f, 0.0))
        notes.append(f"{grew}: {small.get(grew, 0.0):.0%} of the time at {n_small}, {large[grew]:.0%} at {n_large}")
    return "; ".join(notes)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="four small sizes per kernel (a check that all runs)")
    ap.add_argument("--only", nargs="*", help="modules to run (default: all)")
    ap.add_argument("--out", default="benchmarks/results/scaling")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS/OpenMP threads for the kernels and the GEMM peak alike (default 1: on a shared "
                         "machine two OpenBLAS threads made a 128 x 784 x 400 product 4x slower, not faster)")
    args = ap.parse_args(argv)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(args.threads):
        run(args)


def run(args):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    import warnings

    t_start = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    peaks = {dt: gemm_throughput(dt, max(args.repeats, 5)) for dt in ("float64", "float32")}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"GEMM throughput (2000 x 2000, numpy's BLAS, {args.threads} thread(s), load {load:.1f}): "
          f"float64 {peaks['float64'] / 1e9:.1f}, float32 {peaks['float32'] / 1e9:.1f} GFLOP/s", flush=True)
    rows, by_module = [], {}
    for kern in kernels(args.quick):
        if args.only and kern.module not in args.only:
            continue
        times = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. ICA's 'did not converge' with a fixed iteration count
            for n in kern.sizes:
                fn = kern.make(n)
                fn()  # warm-up (imports, caches)
                times.append(best_time(fn, args.repeats))
            kern.results["times"] = times
            slope, se = fit_slope(kern.sizes, times)
            peak = peaks[kern.dtype]
            if kern.flops is not None:
                kern.results["fraction"] = kern.flops(kern.sizes[-1]) / times[-1] / peak
            why = explain(kern, peak, slope, se)
        frac = kern.results.get("fraction")
        frac_s = f"{frac:.0%}" if frac is not None else "—"
        theory_s = f"{kern.theory:g}" + (f" ({kern.theory_note})" if kern.theory_note else "")
        rows.append(dict(module=kern.module, kernel=kern.name, size=kern.xlabel,
                         range=f"{kern.sizes[0]}–{kern.sizes[-1]}", slope=slope, se=se, theory=kern.theory,
                         theory_s=theory_s, largest=times[-1], fraction=frac, fraction_s=frac_s, why=why,
                         sizes=kern.sizes, times=times, dtype=kern.dtype))
        print(f"{kern.module:11s} {kern.name:58s} slope {slope:5.2f} ± {se:.2f} (theory {kern.theory:g})  "
              f"largest {times[-1]:8.4f} s  GEMM fraction {frac_s}" + (f"\n{'':12s}why: {why}" if why else ""),
              flush=True)
        by_module.setdefault(kern.module, []).append(rows[-1])
    for module, curves in by_module.items():
        fig, ax = plt.subplots(figsize=(6.4, 3.6 + 0.22 * len(curves)), layout="constrained")
        for i, r in enumerate(curves):
            sizes, times = np.asarray(r["sizes"], float), np.asarray(r["times"])
            x = sizes / sizes[0]
            ax.loglog(x, times, "o-", color=f"C{i}",
                      label=f"{r['kernel']} ({r['size']} from {r['sizes'][0]}): slope {r['slope']:.2f}, "
                            f"theory {r['theory']:g}")
            ax.loglog(x, times[-1] * (x / x[-1]) ** r["theory"], ":", color=f"C{i}")
        ax.set_xlabel("size relative to the smallest of its ladder")
        ax.set_ylabel("time (s), fastest of repeats")
        ax.set_xticks([2.0**i for i in range(max(len(r["sizes"]) for r in curves))])
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(f"neurocomp.{module}: cost against size (dotted: theory)", fontsize="medium")
        fig.legend(frameon=False, fontsize="x-small", loc="outside lower center", ncols=1)
        fig.savefig(out / f"scaling_{module}.png", dpi=120)
        plt.close(fig)
    # measured again at the end, the faster kept: on a loaded machine one measurement can come low,
    # which would overstate every fraction
    peaks_end = {dt: gemm_throughput(dt, max(args.repeats, 5)) for dt in ("float64", "float32")}
    for r in rows:
        if r["fraction"] is not None and peaks_end[r["dtype"]] > peaks[r["dtype"]]:
            r["fraction"] *= peaks[r["dtype"]] / peaks_end[r["dtype"]]
            r["fraction_s"] = f"{r['fraction']:.0%}"
    peaks = {dt: max(peaks[dt], peaks_end[dt]) for dt in peaks}
    elapsed = time.perf_counter() - t_start
    head = (f"{'Quick check (small sizes)' if args.quick else 'Full ladders'}, fastest of {args.repeats}; "
            f"GEMM peak float64 {peaks['float64'] / 1e9:.1f}, float32 {peaks['float32'] / 1e9:.1f} GFLOP/s "
            f"(2000 x 2000); {args.threads} BLAS thread(s); load average {load:.1f} at the start "
            f"({os.cpu_count()} CPUs); {elapsed:.0f} s in all.\n\n"
            "Slope: log-log fit of time against size over the ladder from its second size (± its standard "
            "error). Fraction: the dominant products' flops at the largest size over the time, against the "
            "square GEMM rate in the kernel's dtype.\n\n")
    lines = ["| module | kernel | size | range | slope | theory | time at largest (s) | fraction of GEMM peak | why |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['module']} | {r['kernel']} | {r['size']} | {r['range']} | {r['slope']:.2f} ± {r['se']:.2f} | "
              f"{r['theory_s']} | {r['largest']:.4f} | {r['fraction_s']} | {r['why'] or '—'} |" for r in rows]
    (out / "scaling.md").write_text(head + "\n".join(lines) + "\n")
    (out / "scaling.json").write_text(json.dumps(
        {"quick": args.quick, "repeats": args.repeats, "threads": args.threads, "load": load, "peaks": peaks, "seconds": elapsed,
         "rows": [{k: v for k, v in r.items() if k != "theory_s"} for r in rows]}, indent=1, default=float))
    print(f"wrote {out}/scaling.md, scaling.json and {len(by_module)} figures in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
